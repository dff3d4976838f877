//! What an MCP server may do: `--read-only` keeps it to reads, `--allow` and `--deny` name actions
//! by key, operationId or tag. The user tools count as actions tagged `SCIM`, keyed by their names.

use ringcentral_catalog::{Action, Method, actions};

use super::tools::Tool;
use crate::exit::{CliError, CliResult};

/// The tag the user tools are matched by, as the SCIM operations they use are tagged.
const USER_TOOLS_TAG: &str = "SCIM";

#[derive(Debug, Clone, Default)]
pub struct Policy {
    pub read_only: bool,
    allow: Vec<String>,
    deny: Vec<String>,
}

impl Policy {
    /// Reads the flags; a name that matches no action, tag or user tool is a usage error, so that a
    /// typo does not quietly allow nothing (or deny nothing).
    pub fn new(read_only: bool, allow: &[String], deny: &[String]) -> CliResult<Policy> {
        let clean = |flag: &str, names: &[String]| -> CliResult<Vec<String>> {
            let mut out = Vec::new();
            for name in names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
                let known = actions().any(|a| matches(a, name))
                    || Tool::ALL_USER_TOOLS
                        .iter()
                        .any(|t| t.name().eq_ignore_ascii_case(name))
                    || name.eq_ignore_ascii_case(USER_TOOLS_TAG);
                if !known {
                    let suggestions = Action::suggest(name, 3);
                    let hint = if suggestions.is_empty() {
                        "Name an action key, operationId or tag; `ringctl action list` shows them."
                            .to_string()
                    } else {
                        format!("Did you mean {}?", suggestions.join(", "))
                    };
                    return Err(CliError::usage(format!(
                        "{flag} `{name}` names no action, tag or user tool"
                    ))
                    .hint(hint));
                }
                out.push(name.to_string());
            }
            Ok(out)
        };
        Ok(Policy {
            read_only,
            allow: clean("--allow", allow)?,
            deny: clean("--deny", deny)?,
        })
    }

    /// Whether an action may run here; the reason when not.
    pub fn permits(&self, action: Action) -> Result<(), String> {
        if self.read_only && action.method() != Method::Get {
            return Err(format!(
                "{} is a {} operation and this server is read-only (--read-only): only GET operations run",
                action.key(),
                action.method().as_str()
            ));
        }
        if let Some(name) = self.deny.iter().find(|n| matches(action, n)) {
            return Err(format!("{} is denied by --deny {name}", action.key()));
        }
        if !self.allow.is_empty() && !self.allow.iter().any(|n| matches(action, n)) {
            return Err(format!(
                "{} is not among the actions this server allows (--allow {})",
                action.key(),
                self.allow.join(", ")
            ));
        }
        Ok(())
    }

    /// Whether a raw request of this method to a path no action describes may be sent: only
    /// without allow lists (which name actions), and only a GET when read-only.
    pub fn permits_unlisted(&self, method: Method, path: &str) -> Result<(), String> {
        if self.read_only && method != Method::Get {
            return Err(format!(
                "{} {path} would change something and this server is read-only (--read-only)",
                method.as_str()
            ));
        }
        if !self.allow.is_empty() {
            return Err(format!(
                "{} {path} is no known action, and this server allows only named actions (--allow {})",
                method.as_str(),
                self.allow.join(", ")
            ));
        }
        Ok(())
    }

    /// Whether the server offers a tool at all.
    pub fn offers(&self, tool: Tool) -> bool {
        if !tool.is_user_tool() {
            return true;
        }
        if self.read_only && tool.writes() {
            return false;
        }
        let named = |n: &String| {
            n.eq_ignore_ascii_case(tool.name()) || n.eq_ignore_ascii_case(USER_TOOLS_TAG)
        };
        if self.deny.iter().any(named) {
            return false;
        }
        self.allow.is_empty() || self.allow.iter().any(named)
    }

    /// The policy in a sentence, for the server's instructions and refusals.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if self.read_only {
            parts.push(
                "This server is read-only: only GET operations and the reading user tools run."
                    .to_string(),
            );
        }
        if !self.allow.is_empty() {
            parts.push(format!(
                "Only these actions (keys, operationIds or tags) run: {}.",
                self.allow.join(", ")
            ));
        }
        if !self.deny.is_empty() {
            parts.push(format!("These never run: {}.", self.deny.join(", ")));
        }
        if parts.is_empty() {
            parts.push("Every operation may run.".to_string());
        }
        parts.join(" ")
    }
}

/// Whether a name (key, operationId or tag, in any case) names an action.
fn matches(action: Action, name: &str) -> bool {
    action.key().eq_ignore_ascii_case(name)
        || action.operation_id().eq_ignore_ascii_case(name)
        || action.tags().iter().any(|t| t.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get_and_post() -> (Action, Action) {
        let get = actions()
            .find(|a| a.method() == Method::Get)
            .expect("the catalog has a GET action");
        let post = actions()
            .find(|a| a.method() == Method::Post)
            .expect("the catalog has a POST action");
        (get, post)
    }

    #[test]
    fn read_only_refuses_everything_but_get() {
        let (get, post) = get_and_post();
        let policy = Policy::new(true, &[], &[]).expect("a policy");
        assert!(policy.permits(get).is_ok());
        let why = policy.permits(post).expect_err("a write is refused");
        assert!(why.contains("read-only"), "{why}");
        assert!(!policy.offers(Tool::DeprovisionUser));
        assert!(policy.offers(Tool::ListUsers));
    }

    #[test]
    fn allow_and_deny_match_keys_and_tags() {
        let (get, _) = get_and_post();
        let tag = get.tags()[0].to_string();
        let allow = Policy::new(false, &[tag.to_lowercase()], &[]).expect("a policy");
        assert!(allow.permits(get).is_ok());
        let other = actions()
            .find(|a| !a.tags().iter().any(|t| t.eq_ignore_ascii_case(&tag)))
            .expect("an action of another tag");
        assert!(allow.permits(other).is_err());
        assert!(!allow.offers(Tool::ListUsers));
        let deny = Policy::new(false, &[], &[get.key().to_string()]).expect("a policy");
        assert!(deny.permits(get).is_err());
        assert!(deny.permits(other).is_ok());
        let no_users = Policy::new(false, &[], &["scim".into()]).expect("a policy");
        assert!(!no_users.offers(Tool::SuspendUser));
    }

    #[test]
    fn a_name_that_matches_nothing_is_an_error() {
        let err = Policy::new(false, &["no-such-thing-at-all".into()], &[]).expect_err("refused");
        assert!(err.message.contains("--allow"), "{}", err.message);
    }
}
