//! The tools an agent sees: their names, descriptions written for a model, and the JSON Schemas of
//! their arguments, which calls are checked against before anything runs.

use std::sync::Arc;

use rmcp::model::ToolAnnotations;
use serde_json::{Value, json};

use crate::exit::CliError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    SearchActions,
    DescribeAction,
    RunAction,
    Request,
    ListUsers,
    UserImpact,
    SuspendUser,
    ReactivateUser,
    DeprovisionUser,
}

pub const ALL: &[Tool] = &[
    Tool::SearchActions,
    Tool::DescribeAction,
    Tool::RunAction,
    Tool::Request,
    Tool::ListUsers,
    Tool::UserImpact,
    Tool::SuspendUser,
    Tool::ReactivateUser,
    Tool::DeprovisionUser,
];

impl Tool {
    pub const ALL_USER_TOOLS: &[Tool] = &[
        Tool::ListUsers,
        Tool::UserImpact,
        Tool::SuspendUser,
        Tool::ReactivateUser,
        Tool::DeprovisionUser,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Tool::SearchActions => "search_actions",
            Tool::DescribeAction => "describe_action",
            Tool::RunAction => "run_action",
            Tool::Request => "request",
            Tool::ListUsers => "list_users",
            Tool::UserImpact => "user_impact",
            Tool::SuspendUser => "suspend_user",
            Tool::ReactivateUser => "reactivate_user",
            Tool::DeprovisionUser => "deprovision_user",
        }
    }

    pub fn is_user_tool(self) -> bool {
        Tool::ALL_USER_TOOLS.contains(&self)
    }

    /// Whether the tool can change something by itself (the action tools are judged per action).
    pub fn writes(self) -> bool {
        matches!(
            self,
            Tool::SuspendUser | Tool::ReactivateUser | Tool::DeprovisionUser
        )
    }

    fn description(self) -> &'static str {
        match self {
            Tool::SearchActions => {
                "Find RingCentral API operations (\"actions\") by what you want to do, in plain words \
                 (e.g. \"send an sms\", \"list call queues\", \"who is on extension 101\"). Each hit \
                 gives the action's key, name, one-line description, HTTP method and path, and its \
                 input schema (a short form when the schema is large: call describe_action for the \
                 whole). Use the key with describe_action and run_action."
            }
            Tool::DescribeAction => {
                "Everything needed to call one action: its full input JSON Schema (path, query and \
                 body fields in one object), the permissions it needs, its rate-limit group, whether \
                 it is paged, and an example input built from the schema."
            }
            Tool::RunAction => {
                "Run an action with an input object that fits its input schema (see describe_action); \
                 the input is checked first and nothing is sent when it does not fit. Returns the \
                 response as JSON text. allPages gathers the records of every page of a listing. \
                 fields keeps only the named fields of each record (dotted paths reach inside, e.g. \
                 \"contact.email\"). Large results are cut to fit: the output then says what was cut \
                 and gives a nextCursor; call run_action again with the same key and that cursor to \
                 continue."
            }
            Tool::Request => {
                "Send a raw request to a RingCentral API path (e.g. GET \
                 /restapi/v1.0/account/~/extension/~), with authentication added. Prefer run_action, \
                 which checks inputs; use this for what the catalog lacks. Returns the status and the \
                 body."
            }
            Tool::ListUsers => {
                "List the account's users as SCIM knows them: email, name, status (active or \
                 suspended) and ids. Optionally only one status."
            }
            Tool::UserImpact => {
                "What would break if a user were suspended or removed: the answering rules, \
                 forwarding numbers, call queues, IVR menus, company rules and groups that route to \
                 or name them. Changes nothing."
            }
            Tool::SuspendUser => {
                "Suspend a user (SCIM active=false): they can no longer sign in or take calls. \
                 Without confirm it changes nothing and returns the impact report and the plan; \
                 call again with confirm: true to act."
            }
            Tool::ReactivateUser => {
                "Reactivate a suspended user (SCIM active=true). Acts at once; a user already active \
                 is left as is."
            }
            Tool::DeprovisionUser => {
                "Delete a user (SCIM DELETE); this cannot be undone. handoverTo (an active user's \
                 email) first moves what routes to the user (queues, rules, IVR keys, groups) to that \
                 successor. Without confirm it changes nothing and returns the impact report and the \
                 plan; call again with confirm: true to act."
            }
        }
    }

    pub fn schema(self) -> Value {
        let email = json!({"type": "string", "description": "The user's email address."});
        let confirm = json!({
            "type": "boolean",
            "description": "true to act; otherwise only the impact and the plan are returned.",
            "default": false
        });
        match self {
            Tool::SearchActions => json!({
                "type": "object",
                "properties": {
                    "query": {"type": "string", "minLength": 1, "description": "What you want to do, in plain words."},
                    "limit": {"type": "integer", "minimum": 1, "maximum": 50, "default": 10, "description": "How many hits at most."}
                },
                "required": ["query"],
                "additionalProperties": false
            }),
            Tool::DescribeAction => json!({
                "type": "object",
                "properties": {
                    "key": {"type": "string", "minLength": 1, "description": "The action's key (or operationId), as search_actions gives it."}
                },
                "required": ["key"],
                "additionalProperties": false
            }),
            Tool::RunAction => json!({
                "type": "object",
                "properties": {
                    "key": {"type": "string", "minLength": 1, "description": "The action's key (or operationId)."},
                    "input": {"type": "object", "description": "The action's input: path, query and body fields in one object, as its input schema says.", "default": {}},
                    "allPages": {"type": "boolean", "default": false, "description": "Gather the records of every page of a paged listing."},
                    "fields": {"type": "array", "items": {"type": "string", "minLength": 1}, "description": "Keep only these fields of each record; dotted paths reach inside."},
                    "maxRecords": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100, "description": "The most records to return in one call."},
                    "cursor": {"type": "string", "description": "The nextCursor of an earlier, cut result: continues where it stopped (the input then comes from the cursor)."}
                },
                "required": ["key"],
                "additionalProperties": false
            }),
            Tool::Request => json!({
                "type": "object",
                "properties": {
                    "method": {"type": "string", "enum": ["GET", "POST", "PUT", "PATCH", "DELETE", "get", "post", "put", "patch", "delete"]},
                    "path": {"type": "string", "pattern": "^/", "description": "The API path, e.g. /restapi/v1.0/account/~/extension/~."},
                    "query": {"type": "object", "additionalProperties": {"type": ["string", "number", "boolean", "array"]}, "description": "Query parameters; an array repeats the parameter."},
                    "headers": {"type": "object", "additionalProperties": {"type": "string"}, "description": "Extra headers (authentication is added)."},
                    "body": {"description": "A JSON body."}
                },
                "required": ["method", "path"],
                "additionalProperties": false
            }),
            Tool::ListUsers => json!({
                "type": "object",
                "properties": {
                    "status": {"type": "string", "enum": ["active", "suspended", "all"], "default": "all"},
                    "limit": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 200, "description": "The most users to return."}
                },
                "additionalProperties": false
            }),
            Tool::UserImpact => json!({
                "type": "object",
                "properties": {"email": email},
                "required": ["email"],
                "additionalProperties": false
            }),
            Tool::SuspendUser => json!({
                "type": "object",
                "properties": {"email": email, "confirm": confirm},
                "required": ["email"],
                "additionalProperties": false
            }),
            Tool::ReactivateUser => json!({
                "type": "object",
                "properties": {"email": email},
                "required": ["email"],
                "additionalProperties": false
            }),
            Tool::DeprovisionUser => json!({
                "type": "object",
                "properties": {
                    "email": email,
                    "handoverTo": {"type": "string", "description": "The email of an active user who takes over what routes to this one."},
                    "confirm": confirm
                },
                "required": ["email"],
                "additionalProperties": false
            }),
        }
    }
}

pub fn find(name: &str) -> Option<Tool> {
    ALL.iter().copied().find(|t| t.name() == name)
}

/// The tool as `tools/list` shows it.
pub fn definition(tool: Tool) -> rmcp::model::Tool {
    let schema = match tool.schema() {
        Value::Object(map) => map,
        _ => serde_json::Map::new(),
    };
    let annotations = match tool {
        Tool::SearchActions | Tool::DescribeAction => {
            ToolAnnotations::new().read_only(true).open_world(false)
        }
        Tool::ListUsers | Tool::UserImpact => ToolAnnotations::new().read_only(true),
        Tool::RunAction | Tool::Request => ToolAnnotations::new().read_only(false),
        Tool::SuspendUser | Tool::ReactivateUser => ToolAnnotations::new()
            .read_only(false)
            .destructive(false)
            .idempotent(true),
        Tool::DeprovisionUser => ToolAnnotations::new()
            .read_only(false)
            .destructive(true)
            .idempotent(true),
    };
    rmcp::model::Tool::new(tool.name(), tool.description(), Arc::new(schema))
        .with_annotations(annotations)
}

/// Checks a call's arguments against the tool's schema; each problem is listed with its JSON
/// pointer, as `action run` lists an input's.
pub fn check_arguments(tool: Tool, args: &Value) -> Result<(), CliError> {
    ringcentral_catalog::validate_against(&tool.schema(), args).map_err(|violations| {
        let count = violations.len();
        CliError::usage(format!(
            "the arguments do not fit the schema of the tool {} ({count} problem{})",
            tool.name(),
            if count == 1 { "" } else { "s" }
        ))
        .hint("tools/list gives each tool's input schema; nothing was sent.")
        .details(violations.iter().map(|v| v.to_string()).collect())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_schema_compiles_and_checks() {
        for tool in ALL {
            let empty = check_arguments(*tool, &json!({"noSuchArgument": 1}));
            assert!(empty.is_err(), "{} takes unknown arguments", tool.name());
        }
        assert!(check_arguments(Tool::SearchActions, &json!({"query": "send sms"})).is_ok());
        let err = check_arguments(Tool::SearchActions, &json!({"query": 3})).expect_err("refused");
        assert!(
            err.details.iter().any(|d| d.starts_with("/query")),
            "{:?}",
            err.details
        );
    }
}
