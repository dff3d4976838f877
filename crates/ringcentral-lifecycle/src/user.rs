//! A SCIM user as ringctl sees it: matched on its primary email, with the status the access-governance
//! world uses (Active, Suspended, Deprovisioned).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A user's lifecycle status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Status {
    /// SCIM `active: true`.
    Active,
    /// SCIM `active: false`: the extension is disabled and keeps its licence.
    Suspended,
    /// Seen before on this connection and no longer returned by SCIM.
    Deprovisioned,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "Active",
            Status::Suspended => "Suspended",
            Status::Deprovisioned => "Deprovisioned",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Status {
    type Err = String;

    fn from_str(s: &str) -> Result<Status, String> {
        match s.to_ascii_lowercase().as_str() {
            "active" => Ok(Status::Active),
            "suspended" => Ok(Status::Suspended),
            "deprovisioned" => Ok(Status::Deprovisioned),
            other => Err(format!(
                "unknown status `{other}` (expected active, suspended or deprovisioned)"
            )),
        }
    }
}

/// The SCIM attributes lifecycle work needs, read from a SCIM `User` resource.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScimUser {
    /// SCIM `id`; on RingCentral it is also the user's extension id.
    pub id: String,
    pub user_name: String,
    /// The primary email: the `work` email, else the first one, else `userName`.
    pub email: String,
    pub name: String,
    pub active: bool,
    pub department: Option<String>,
    /// `phoneNumbers[].value`.
    pub phone_numbers: Vec<String>,
}

impl ScimUser {
    /// Reads a SCIM user resource; `None` when it has no `id`.
    pub fn from_json(v: &Value) -> Option<ScimUser> {
        let id = match v.get("id")? {
            Value::String(s) if !s.is_empty() => s.clone(),
            Value::Number(n) => n.to_string(),
            _ => return None,
        };
        let text = |p: &str| v.pointer(p).and_then(Value::as_str).map(str::to_owned);
        let user_name = text("/userName").unwrap_or_default();
        let email = primary_email(v).unwrap_or_else(|| user_name.clone());
        let name = text("/name/formatted")
            .filter(|s| !s.trim().is_empty())
            .or_else(|| {
                let given = text("/name/givenName").unwrap_or_default();
                let family = text("/name/familyName").unwrap_or_default();
                let joined = format!("{given} {family}").trim().to_owned();
                (!joined.is_empty()).then_some(joined)
            })
            .or_else(|| text("/displayName"))
            .unwrap_or_default();
        let active = match v.get("active") {
            Some(Value::Bool(b)) => *b,
            // RingCentral and Azure AD spell booleans as strings at times.
            Some(Value::String(s)) => !s.eq_ignore_ascii_case("false"),
            _ => true,
        };
        let department = v
            .get("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")
            .and_then(|e| e.get("department"))
            .and_then(Value::as_str)
            .filter(|d| !d.is_empty())
            .map(str::to_owned);
        let phone_numbers = v
            .get("phoneNumbers")
            .and_then(Value::as_array)
            .map(|phones| {
                phones
                    .iter()
                    .filter_map(|p| p.get("value").and_then(Value::as_str))
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        Some(ScimUser {
            id,
            user_name,
            email,
            name,
            active,
            department,
            phone_numbers,
        })
    }

    /// Active or Suspended, from `active`.
    pub fn status(&self) -> Status {
        if self.active {
            Status::Active
        } else {
            Status::Suspended
        }
    }
}

/// The primary email of a SCIM user: RingCentral marks none `primary`, so the `work` email counts,
/// else a `primary` one, else the first.
pub fn primary_email(user: &Value) -> Option<String> {
    let emails = user.get("emails")?.as_array()?;
    let value = |e: &Value| e.get("value").and_then(Value::as_str).map(str::to_owned);
    let typed = |t: &str| {
        emails
            .iter()
            .find(|e| e.get("type").and_then(Value::as_str) == Some(t))
    };
    typed("work")
        .and_then(value)
        .or_else(|| {
            emails
                .iter()
                .find(|e| e.get("primary").and_then(Value::as_bool) == Some(true))
                .and_then(value)
        })
        .or_else(|| emails.first().and_then(value))
        .filter(|e| !e.is_empty())
}

/// Emails compare without regard to case.
pub fn same_email(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_work_email_is_primary_else_the_first() {
        let u = json!({"id": "1", "emails": [{"value": "home@x", "type": "home"}, {"value": "w@x", "type": "work"}]});
        assert_eq!(primary_email(&u).as_deref(), Some("w@x"));
        let u = json!({"id": "1", "emails": [{"value": "a@x", "type": "other"}, {"value": "b@x"}]});
        assert_eq!(primary_email(&u).as_deref(), Some("a@x"));
        let u = json!({"id": "1", "userName": "u@x"});
        assert_eq!(
            ScimUser::from_json(&u).map(|u| u.email).as_deref(),
            Some("u@x")
        );
    }

    #[test]
    fn active_as_a_string_is_read_as_ringcentral_sends_it() {
        let u =
            json!({"id": 7, "active": "False", "name": {"givenName": "Ann", "familyName": "Lee"}});
        let u = ScimUser::from_json(&u).expect("user");
        assert_eq!(u.status(), Status::Suspended);
        assert_eq!(u.id, "7");
        assert_eq!(u.name, "Ann Lee");
    }

    #[test]
    fn statuses_parse_without_regard_to_case() {
        assert_eq!("SUSPENDED".parse::<Status>(), Ok(Status::Suspended));
        assert!("gone".parse::<Status>().is_err());
    }
}
