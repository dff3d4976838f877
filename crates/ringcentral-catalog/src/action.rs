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

    /// An example input: the spec's examples, else defaults and enum values, else placeholders of
    /// the right type, for every required property and every optional one the spec exemplifies.
    pub fn example_input(&self) -> Value {
        crate::example::example_input(&self.input_schema())
    }

    /// Checks an input against [`Action::input_schema`]. Every violation is returned, each with the
    /// JSON pointer of the offending value.
    pub fn validate(&self, input: &Value) -> Result<(), Vec<Violation>> {
        validate::validate_against(&self.input_schema(), input)
    }

    /// Reads parameter values written as text the way their schema types them: `"999"` for an
    /// integer id, `"true"` for a boolean flag, `"1,2"` for a list of integer ids. Parameters travel
    /// as text in the URL or a header, so this changes nothing on the wire; it only spares callers
    /// (agents above all) a schema violation for quoting an id. Body properties are left as they are.
    pub fn coerce_parameters(&self, input: &mut Value) {
        let Value::Object(map) = input else { return };
        for param in self.op.params {
            let Some(value) = map.get_mut(param.input_name) else {
                continue;
            };
            let Value::String(text) = value else { continue };
            let Ok(schema) = serde_json::from_str::<Value>(param.schema) else {
                continue;
            };
            if let Some(typed) = coerce_text(text.trim(), &schema) {
                *value = typed;
            }
        }
    }

    /// The HTTP request that `input` stands for. The input should have passed [`Action::validate`];
    /// this only checks what it needs to build the request.
    pub fn request(&self, input: &Value) -> Result<HttpRequest, RequestError> {
        request::build(self.op, input)
    }
}

/// The JSON types a schema allows at its top level, with those of its `anyOf`/`oneOf` branches.
fn allowed_types(schema: &Value) -> Vec<&str> {
    let mut types: Vec<&str> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(branches)) = schema.get(key) {
            for branch in branches {
                types.extend(allowed_types(branch));
            }
        }
    }
    types
}

/// `text` as the value a parameter schema that takes no string wants, if it reads as one.
fn coerce_text(text: &str, schema: &Value) -> Option<Value> {
    let types = allowed_types(schema);
    // A schema that takes text (or says nothing of its type) takes this text as it is.
    if types.is_empty() || types.contains(&"string") {
        return None;
    }
    let scalar = |text: &str, types: &[&str]| -> Option<Value> {
        if types.contains(&"integer") {
            if let Ok(n) = text.parse::<i64>() {
                return Some(Value::from(n));
            }
            if let Ok(n) = text.parse::<u64>() {
                return Some(Value::from(n));
            }
        }
        let number = text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64);
        if let Some(n) = number.filter(|_| types.contains(&"number")) {
            return Some(Value::Number(n));
        }
        if types.contains(&"boolean") {
            match text {
                "true" => return Some(Value::Bool(true)),
                "false" => return Some(Value::Bool(false)),
                _ => {}
            }
        }
        None
    };
    if let Some(value) = scalar(text, &types) {
        return Some(value);
    }
    if types.contains(&"array") {
        // A comma-separated list, as the API itself writes several ids in one path segment.
        let branches = std::iter::once(schema).chain(["anyOf", "oneOf"].iter().flat_map(|k| {
            schema
                .get(*k)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
        }));
        for branch in branches {
            let Some(items) = branch.get("items") else {
                continue;
            };
            let item_types = allowed_types(items);
            if item_types.is_empty() || item_types.contains(&"string") {
                continue;
            }
            let values: Option<Vec<Value>> = text
                .split(',')
                .map(|part| scalar(part.trim(), &item_types))
                .collect();
            if let Some(values) = values {
                return Some(Value::Array(values));
            }
        }
    }
    None
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
    fn parameters_written_as_text_take_their_schema_types() {
        let action = Action::find("get-contact").expect("get-contact");
        let mut input = serde_json::json!({"contactId": "999", "extensionId": "~"});
        action.coerce_parameters(&mut input);
        assert_eq!(
            input,
            serde_json::json!({"contactId": 999, "extensionId": "~"})
        );
        assert!(action.validate(&input).is_ok());

        let mut several = serde_json::json!({"contactId": "1, 2"});
        action.coerce_parameters(&mut several);
        assert_eq!(several["contactId"], serde_json::json!([1, 2]));

        // Text that is no number stays text, and the schema then says what is wrong.
        let mut wrong = serde_json::json!({"contactId": "abc"});
        action.coerce_parameters(&mut wrong);
        assert_eq!(wrong["contactId"], "abc");
        assert!(action.validate(&wrong).is_err());
    }

    #[test]
    fn body_properties_are_not_coerced() {
        let action = Action::find("send-sms").expect("send-sms");
        let mut input = serde_json::json!({"text": "42", "from": {"phoneNumber": "1"}});
        let before = input.clone();
        action.coerce_parameters(&mut input);
        assert_eq!(input, before);
    }

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
