//! [`Action`]: one operation of the API seen as something a user runs.

use serde_json::Value;

use ringcentral_api::{Method, OPERATIONS, Operation, Paging, ThrottlingGroup};

use crate::request::{self, HttpRequest, RequestError};
use crate::schema;
use crate::validate::{self, Violation};

/// One action of the catalog: a thin, copyable handle on a generated [`Operation`].
#[derive(Debug, Clone, Copy)]
pub struct Action {
    op: &'static Operation,
}

/// Every action, in the spec's order.
pub fn actions() -> impl ExactSizeIterator<Item = Action> {
    OPERATIONS.iter().map(|op| Action { op })
}

impl Action {
    pub(crate) fn from_operation(op: &'static Operation) -> Action {
        Action { op }
    }

    /// Finds an action by key, by one of its aliases or by operationId. Keys and aliases match
    /// exactly; operationIds ignore ASCII case.
    pub fn find(name: &str) -> Option<Action> {
        let name = name.trim();
        OPERATIONS
            .iter()
            .find(|op| op.key == name || op.aliases.contains(&name))
            .or_else(|| {
                OPERATIONS
                    .iter()
                    .find(|op| op.operation_id.eq_ignore_ascii_case(name))
            })
            .map(|op| Action { op })
    }

    /// The action whose method and path template match a concrete request path (`/restapi/v1.0/
    /// account/~/extension/101`), ignoring any query string. Literal segments beat `{param}` segments,
    /// so `/scim/v2/Users/.search` is not taken for a user id.
    pub fn for_request(method: Method, path: &str) -> Option<Action> {
        let path = path.split(['?', '#']).next().unwrap_or_default();
        let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
        OPERATIONS
            .iter()
            .filter(|op| op.method == method)
            .filter_map(|op| {
                let template: Vec<&str> = op.path.split('/').collect();
                if template.len() != segments.len() {
                    return None;
                }
                let mut literal = 0usize;
                for (t, s) in template.iter().zip(&segments) {
                    if t.starts_with('{') && t.ends_with('}') {
                        if s.is_empty() {
                            return None;
                        }
                    } else if t == s {
                        literal += 1;
                    } else {
                        return None;
                    }
                }
                Some((literal, op))
            })
            .max_by_key(|(literal, _)| *literal)
            .map(|(_, op)| Action { op })
    }

    /// The keys closest to `name`, for "did you mean" hints.
    pub fn suggest(name: &str, limit: usize) -> Vec<&'static str> {
        let name = name.trim().to_ascii_lowercase();
        let mut scored: Vec<(usize, &'static str)> = OPERATIONS
            .iter()
            .map(|op| (edit_distance(&name, op.key), op.key))
            .collect();
        scored.sort();
        let bound = name.len().max(4) / 2;
        scored
            .into_iter()
            .filter(|(d, _)| *d <= bound)
            .take(limit)
            .map(|(_, key)| key)
            .collect()
    }

    pub fn operation(&self) -> &'static Operation {
        self.op
    }
    pub fn key(&self) -> &'static str {
        self.op.key
    }
    pub fn operation_id(&self) -> &'static str {
        self.op.operation_id
    }
    /// A short human name: the spec's summary.
    pub fn name(&self) -> &'static str {
        if self.op.summary.is_empty() {
            self.op.operation_id
        } else {
            self.op.summary
        }
    }
    pub fn description(&self) -> &'static str {
        self.op.description
    }
    pub fn method(&self) -> Method {
        self.op.method
    }
    pub fn path(&self) -> &'static str {
        self.op.path
    }
    pub fn tags(&self) -> &'static [&'static str] {
        self.op.tags
    }
    pub fn throttling_group(&self) -> Option<ThrottlingGroup> {
        self.op.throttling_group
    }
    pub fn app_permission(&self) -> Option<&'static str> {
        self.op.app_permission
    }
    pub fn user_permission(&self) -> Option<&'static str> {
        self.op.user_permission
    }
    pub fn paging(&self) -> Paging {
        self.op.paging
    }
    pub fn deprecated(&self) -> bool {
        self.op.deprecated
    }

    /// The input's JSON Schema (draft 2020-12), self-contained: every definition it uses is bundled
    /// under `$defs`.
    pub fn input_schema(&self) -> Value {
        schema::bundle(self.op.input_schema, self.op.input_defs)
    }

    /// The success response's JSON Schema, self-contained, or `None` when the response has no JSON body.
    pub fn output_schema(&self) -> Option<Value> {
        self.op
            .response
            .schema
            .map(|s| schema::bundle(s, self.op.output_defs))
    }

    /// The request body's JSON Schema for a content type (the one ringctl sends when `None`),
    /// self-contained; `None` when the operation takes no body or not that content type.
    pub fn body_schema(&self, content_type: Option<&str>) -> Option<Value> {
        let body = self.op.body.as_ref()?;
        let text = match content_type {
            None => body.schema,
            Some(wanted) => {
                let wanted = wanted.split(';').next().unwrap_or_default().trim();
                body.schemas
                    .iter()
                    .find(|(ct, _)| ct.eq_ignore_ascii_case(wanted))
                    .map(|(_, s)| *s)?
            }
        };
        Some(schema::bundle(text, body.defs))
    }

    /// Checks an input against [`Action::input_schema`]. Every violation is returned, each with the
    /// JSON pointer of the offending value.
    pub fn validate(&self, input: &Value) -> Result<(), Vec<Violation>> {
        validate::validate_against(&self.input_schema(), input)
    }

    /// The HTTP request that `input` stands for. The input should have passed [`Action::validate`];
    /// this only checks what it needs to build the request.
    pub fn request(&self, input: &Value) -> Result<HttpRequest, RequestError> {
        request::build(self.op, input)
    }
}

/// Levenshtein distance over bytes; keys are ASCII.
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitute = prev[j] + usize::from(ca != cb);
            cur[j + 1] = substitute.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_by_key_alias_and_operation_id() {
        let by_key = Action::find("send-sms").map(|a| a.operation_id());
        let by_alias = Action::find("create-sms-message").map(|a| a.operation_id());
        let by_id = Action::find("createsmsmessage").map(|a| a.key());
        assert_eq!(by_key, Some("createSMSMessage"));
        assert_eq!(by_alias, Some("createSMSMessage"));
        assert_eq!(by_id, Some("send-sms"));
        assert!(Action::find("no-such-action").is_none());
    }

    #[test]
    fn matches_concrete_paths_to_operations() {
        let found = |m, p| Action::for_request(m, p).map(|a| a.operation_id());
        assert_eq!(
            found(Method::Get, "/restapi/v1.0/account/~/extension/101?x=1"),
            Some("readExtension")
        );
        assert_eq!(
            found(Method::Post, "/scim/v2/Users/.search"),
            Some("scimSearchViaPost2")
        );
        assert_eq!(
            found(Method::Get, "/scim/v2/Users/abc"),
            Some("scimGetUser2")
        );
        assert_eq!(found(Method::Get, "/no/such/path"), None);
    }

    #[test]
    fn suggests_near_keys() {
        assert!(Action::suggest("sned-sms", 3).contains(&"send-sms"));
    }
}
