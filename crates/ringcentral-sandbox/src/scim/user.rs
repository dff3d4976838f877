//! The SCIM User as RingCentral keeps it: checking the body of a create or a replace, and the rules
//! RingCentral adds to RFC 7643, chiefly that the user name is the user's work email address (which
//! [`ScimRules::Rfc`] lifts).

use serde_json::{Map, Value};

use super::ScimRules;
use super::error::ScimError;
use super::patch::{coerce, coerce_multi, finish, kind, lookup_top};
use super::schema::{Mutability, USER_SCHEMA, get_ci};

/// Turns the body of `POST /Users` or `PUT /Users/{id}` into a user in canonical form: known attributes
/// only, read-only ones (`id`, `meta`) ignored as RFC 7644 section 3.5.1 says, types checked, required
/// attributes present, and the rules met (see [`check_user`]).
pub fn prepare_user(body: &Value, rules: ScimRules) -> Result<Value, ScimError> {
    let rt = rules.user_resource();
    let Some(obj) = body.as_object() else {
        return Err(ScimError::invalid_syntax(format!(
            "the body must be a JSON object with schemas, userName, name and emails, not {}",
            kind(body)
        )));
    };
    let lists_user_schema = get_ci(obj, "schemas")
        .and_then(Value::as_array)
        .is_some_and(|s| {
            s.iter().any(|u| {
                u.as_str()
                    .is_some_and(|u| u.eq_ignore_ascii_case(USER_SCHEMA))
            })
        });
    if !lists_user_schema {
        return Err(ScimError::invalid_syntax(format!(
            "schemas must include \"{USER_SCHEMA}\""
        )));
    }
    let mut out = Map::new();
    for (key, value) in obj {
        if value.is_null() {
            continue;
        }
        if let Some(ext) = rt.extension(key) {
            let Some(fields) = value.as_object() else {
                return Err(ScimError::invalid_value(format!(
                    "{} must be an object of its attributes, not {}",
                    ext.id,
                    kind(value)
                )));
            };
            let mut inner = Map::new();
            for (k, v) in fields {
                let Some(def) = ext.attr(k) else { continue };
                if def.mutability == Mutability::ReadOnly || v.is_null() {
                    continue;
                }
                inner.insert(def.name.to_string(), coerce(v, def, def.name)?);
            }
            out.insert(ext.id.to_string(), Value::Object(inner));
            continue;
        }
        let Some(def) = lookup_top(rt, key) else {
            continue;
        };
        if def.mutability == Mutability::ReadOnly {
            continue;
        }
        let v = if def.multi_valued {
            Value::Array(coerce_multi(value, def, def.name)?)
        } else {
            coerce(value, def, def.name)?
        };
        out.insert(def.name.to_string(), v);
    }
    finish(&mut out, rt)?;
    let user = Value::Object(out);
    check_user(&user, rules)?;
    Ok(user)
}

/// Whether a text has the shape of an email address (`local@domain.tld`, no spaces).
pub(crate) fn looks_like_email(s: &str) -> bool {
    let mut parts = s.splitn(2, '@');
    let (Some(local), Some(domain)) = (parts.next(), parts.next()) else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !s.chars().any(char::is_whitespace)
}

fn looks_like_phone(s: &str) -> bool {
    s.chars().any(|c| c.is_ascii_digit())
        && s.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '(' | ')' | '.'))
}

/// The position of the work email among a user's emails: the first of type `work`, else the first
/// (RingCentral marks none primary).
pub(crate) fn login_position(emails: &[Value]) -> Option<usize> {
    emails
        .iter()
        .position(|e| {
            e.get("type")
                .and_then(Value::as_str)
                .is_some_and(|t| t.eq_ignore_ascii_case("work"))
        })
        .or_else(|| (!emails.is_empty()).then_some(0))
}

/// The work email of a user: the one of type `work`, else the first (RingCentral marks none primary).
pub fn work_email(user: &Value) -> Option<&str> {
    let emails = user.get("emails")?.as_array()?;
    emails
        .get(login_position(emails)?)?
        .get("value")
        .and_then(Value::as_str)
}

/// The rules for a user in canonical form: phone numbers that look like phone numbers, a work email
/// (the login) that is an email address; with RingCentral's rules also a single email, of type
/// work, and `userName` an email address and the same as the work email (with the RFC's, any
/// non-blank string). Answers `invalidValue`.
pub fn check_user(user: &Value, rules: ScimRules) -> Result<(), ScimError> {
    let user_name = user
        .get("userName")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if user_name.trim().is_empty() {
        return Err(ScimError::invalid_value("userName must not be blank"));
    }
    let email_login = rules == ScimRules::RingCentral;
    if email_login && !looks_like_email(user_name) {
        return Err(ScimError::invalid_value(format!(
            "userName must be an email address (the user's login), not '{user_name}'"
        )));
    }
    let emails = user
        .get("emails")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    // With the RFC's rules a user has as many emails, of whatever type, as the client gives.
    let emails = if email_login { emails } else { &[] };
    if emails.len() > 1 {
        return Err(ScimError::invalid_value(
            "RingCentral keeps one email per user: give a single email of type work",
        ));
    }
    if let Some(email) = emails.first() {
        let kind = email
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if !kind.eq_ignore_ascii_case("work") {
            return Err(ScimError::invalid_value(format!(
                "the email must be of type work, not '{kind}'"
            )));
        }
    }
    match work_email(user) {
        // The work email becomes the user's login.
        Some(email) if !looks_like_email(email) => {
            return Err(ScimError::invalid_value(format!(
                "the work email must be an email address, not '{email}'"
            )));
        }
        Some(email) if !email_login || email.eq_ignore_ascii_case(user_name) => {}
        Some(email) => {
            return Err(ScimError::invalid_value(format!(
                "userName '{user_name}' must be the same as the work email '{email}'; change both together"
            )));
        }
        None if !email_login => {}
        None => {
            return Err(ScimError::invalid_value(
                "emails must hold the work email, the same as userName",
            ));
        }
    }
    // RingCentral's spec enumerates the types; the schema's canonical values are the same lists.
    for attr in ["phoneNumbers", "photos", "addresses"] {
        let Some(def) = rules.user_resource().schema.attr(attr) else {
            continue;
        };
        let allowed = def.sub("type").map_or(&[][..], |t| t.canonical_values);
        for item in user
            .get(attr)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let kind = item.get("type").and_then(Value::as_str).unwrap_or_default();
            if !allowed.iter().any(|a| a.eq_ignore_ascii_case(kind)) {
                return Err(ScimError::invalid_value(format!(
                    "{attr} type '{kind}' is not one RingCentral keeps; use {}",
                    allowed.join(", ")
                )));
            }
        }
    }
    let phones = user
        .get("phoneNumbers")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    for phone in phones {
        let number = phone
            .get("value")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if !looks_like_phone(number) {
            return Err(ScimError::invalid_value(format!(
                "'{number}' is not a phone number; write it as +16505550100"
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::scim::error::ScimType;
    use crate::scim::schema::ENTERPRISE_USER_SCHEMA;

    fn body() -> Value {
        json!({
            "schemas": [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
            "id": "ignored",
            "meta": {"created": "2020-01-01T00:00:00Z"},
            "externalId": "azure-7",
            "UserName": "new.user@example.com",
            "name": {"givenName": "New", "familyName": "User", "middleName": "dropped"},
            "emails": {"value": "New.User@example.com", "type": "work", "primary": true},
            "active": "True",
            "phoneNumbers": [{"value": "+1 (650) 555-0100", "type": "mobile"}],
            "password": "dropped",
            ENTERPRISE_USER_SCHEMA: {"department": "Support", "manager": {"value": "1"}}
        })
    }

    #[test]
    fn create_body_becomes_a_canonical_user() -> Result<(), ScimError> {
        let user = prepare_user(&body(), ScimRules::RingCentral)?;
        assert_eq!(
            user,
            json!({
                "schemas": [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
                "externalId": "azure-7",
                "userName": "new.user@example.com",
                "name": {"givenName": "New", "familyName": "User"},
                "emails": [{"value": "New.User@example.com", "type": "work"}],
                "active": true,
                "phoneNumbers": [{"value": "+1 (650) 555-0100", "type": "mobile"}],
                ENTERPRISE_USER_SCHEMA: {"department": "Support"}
            })
        );
        Ok(())
    }

    fn rejected(mutate: impl FnOnce(&mut Map<String, Value>)) -> ScimError {
        let mut b = body();
        if let Some(obj) = b.as_object_mut() {
            mutate(obj);
        }
        match prepare_user(&b, ScimRules::RingCentral) {
            Ok(u) => panic!("accepted {u}"),
            Err(e) => e,
        }
    }

    #[test]
    fn bodies_breaking_the_rules_are_refused() {
        let e = rejected(|o| {
            o.remove("schemas");
        });
        assert_eq!(e.scim_type, Some(ScimType::InvalidSyntax));
        let e = rejected(|o| {
            o.remove("UserName");
        });
        assert!(e.detail.contains("userName is required"), "{}", e.detail);
        let e = rejected(|o| {
            o.insert("name".into(), json!({"givenName": "New"}));
        });
        assert!(
            e.detail.contains("name.familyName is required"),
            "{}",
            e.detail
        );
        let e = rejected(|o| {
            o.insert("userName".into(), json!("other@example.com"));
            o.remove("UserName");
        });
        assert!(
            e.detail.contains("must be the same as the work email"),
            "{}",
            e.detail
        );
        let e = rejected(|o| {
            o.insert("UserName".into(), json!("not-an-email"));
        });
        assert!(
            e.detail.contains("must be an email address"),
            "{}",
            e.detail
        );
        let e = rejected(|o| {
            o.insert(
                "emails".into(),
                json!([{"value": "new.user@example.com", "type": "home"}]),
            );
        });
        assert!(e.detail.contains("must be of type work"), "{}", e.detail);
        let e = rejected(|o| {
            o.insert(
                "emails".into(),
                json!([
                    {"value": "new.user@example.com", "type": "work"},
                    {"value": "x@example.com", "type": "work"}
                ]),
            );
        });
        assert!(e.detail.contains("one email per user"), "{}", e.detail);
        let e = rejected(|o| {
            o.insert(
                "phoneNumbers".into(),
                json!([{"value": "call me", "type": "work"}]),
            );
        });
        assert!(e.detail.contains("not a phone number"), "{}", e.detail);
        let e = rejected(|o| {
            o.insert(
                "phoneNumbers".into(),
                json!([{"value": "+16505550100", "type": "home"}]),
            );
        });
        assert!(e.detail.contains("use work, mobile, other"), "{}", e.detail);
        let e = rejected(|o| {
            o.insert(
                "addresses".into(),
                json!([{"type": "home", "locality": "Belmont"}]),
            );
        });
        assert!(e.detail.contains("addresses type 'home'"), "{}", e.detail);
        let e = rejected(|o| {
            o.insert("active".into(), json!("yes"));
        });
        assert!(
            e.detail.contains("active must be true or false"),
            "{}",
            e.detail
        );
        let e = rejected(|o| {
            o.insert(ENTERPRISE_USER_SCHEMA.into(), json!("Support"));
        });
        assert_eq!(e.scim_type, Some(ScimType::InvalidValue));
        assert!(prepare_user(&json!([1]), ScimRules::RingCentral).is_err());
    }

    #[test]
    fn work_email_prefers_type_work() {
        let u = json!({"emails": [{"value": "a@x.y", "type": "other"}, {"value": "b@x.y", "type": "Work"}]});
        assert_eq!(work_email(&u), Some("b@x.y"));
        let u = json!({"emails": [{"value": "a@x.y"}]});
        assert_eq!(work_email(&u), Some("a@x.y"));
        assert_eq!(work_email(&json!({})), None);
    }
}
