//! `ringctl mcp` driven as an MCP client drives it: newline-delimited JSON-RPC on its stdin and
//! stdout, against the embedded sandbox of a private home. Every line the server prints on stdout
//! must be a JSON-RPC message; its notes go to stderr.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Stdio};
use std::sync::mpsc;
use std::time::Instant;

use serde_json::{Value, json};

use crate::common::{Home, PATIENCE, run};

/// A running `ringctl mcp` and the client's side of the conversation.
struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: mpsc::Receiver<String>,
    next_id: u64,
    stderr: tempfile::NamedTempFile,
    /// Every stdout line, for the checks at the end (protocol only, no secrets).
    seen: Vec<String>,
}

impl Client {
    fn start(home: &Home, args: &[&str]) -> Client {
        let stderr = tempfile::NamedTempFile::new().expect("a stderr file");
        let mut child = home
            .std_cmd()
            .arg("mcp")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(stderr.reopen().expect("the stderr file reopens"))
            .spawn()
            .expect("ringctl mcp starts");
        let stdout = child.stdout.take().expect("a stdout pipe");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Client {
            stdin: child.stdin.take(),
            child,
            lines: rx,
            next_id: 0,
            stderr,
            seen: Vec::new(),
        }
    }

    /// Starts the server and completes the handshake; returns the `initialize` result.
    fn connect(home: &Home, args: &[&str]) -> (Client, Value) {
        let mut client = Client::start(home, args);
        let init = client.request(
            "initialize",
            json!({
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": {"name": "e2e", "version": "1"}
            }),
        );
        let result = init["result"].clone();
        assert!(result.is_object(), "initialize failed: {init}");
        client.send_line(
            &json!({"jsonrpc": "2.0", "method": "notifications/initialized"}).to_string(),
        );
        (client, result)
    }

    fn send_line(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("stdin is open");
        writeln!(stdin, "{line}").expect("stdin accepts");
        stdin.flush().expect("stdin flushes");
    }

    /// The next stdout message, within the test's patience.
    fn next_message(&mut self) -> Value {
        let line = self
            .lines
            .recv_timeout(PATIENCE)
            .unwrap_or_else(|_| panic!("no answer in time; stderr: {}", self.stderr_text()));
        self.seen.push(line.clone());
        let message: Value = serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("stdout carried a line that is not JSON ({e}): {line}"));
        assert_eq!(message["jsonrpc"], "2.0", "not JSON-RPC: {line}");
        message
    }

    /// Sends a request and returns the answer with its id (notifications in between are skipped).
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send_line(
            &json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}).to_string(),
        );
        self.answer_to(json!(id))
    }

    fn answer_to(&mut self, id: Value) -> Value {
        let deadline = Instant::now() + PATIENCE;
        while Instant::now() < deadline {
            let message = self.next_message();
            if message["id"] == id {
                return message;
            }
        }
        panic!("no answer to request {id}");
    }

    /// `tools/call`: (isError, the text content) of a result; panics on a JSON-RPC error.
    fn call(&mut self, name: &str, arguments: Value) -> (bool, String) {
        let answer = self.request("tools/call", json!({"name": name, "arguments": arguments}));
        let result = &answer["result"];
        assert!(
            result.is_object(),
            "tools/call {name} got no result: {answer}"
        );
        let text = result["content"][0]["text"]
            .as_str()
            .unwrap_or_else(|| panic!("no text content: {answer}"))
            .to_string();
        (result["isError"] == json!(true), text)
    }

    /// A successful call's text as JSON.
    fn call_ok(&mut self, name: &str, arguments: Value) -> Value {
        let (is_error, text) = self.call(name, arguments.clone());
        assert!(!is_error, "{name} {arguments} failed: {text}");
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name} gave no JSON ({e}): {text}"))
    }

    /// `tools/call` expected to fail at the protocol level: the JSON-RPC error object.
    fn call_refused(&mut self, name: &str, arguments: Value) -> Value {
        let answer = self.request("tools/call", json!({"name": name, "arguments": arguments}));
        assert!(
            answer["error"].is_object(),
            "{name} was not refused: {answer}"
        );
        answer["error"].clone()
    }

    fn tool_names(&mut self) -> Vec<String> {
        let list = self.request("tools/list", json!({}));
        list["result"]["tools"]
            .as_array()
            .unwrap_or_else(|| panic!("no tools: {list}"))
            .iter()
            .filter_map(|t| t["name"].as_str().map(str::to_string))
            .collect()
    }

    fn stderr_text(&self) -> String {
        std::fs::read_to_string(self.stderr.path()).unwrap_or_default()
    }

    /// Closes stdin and waits (bounded) for the server to end: (exit code, stderr).
    fn close(mut self) -> (i32, String) {
        self.stdin.take();
        let deadline = Instant::now() + PATIENCE;
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => {
                    while let Ok(line) = self.lines.try_recv() {
                        self.seen.push(line);
                    }
                    return (status.code().unwrap_or(-1), self.stderr_text());
                }
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                _ => {
                    let _ = self.child.kill();
                    panic!("ringctl mcp did not end when stdin closed");
                }
            }
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const LIFECYCLE_WRITES: [&str; 3] = ["suspend_user", "reactivate_user", "deprovision_user"];

#[test]
fn the_handshake_says_it_is_the_embedded_sandbox_and_lists_every_tool_with_a_schema() {
    let home = Home::new();
    let (mut client, init) = Client::connect(&home, &[]);
    assert_eq!(init["serverInfo"]["name"], "ringctl");
    assert!(init["capabilities"]["tools"].is_object(), "{init}");
    let instructions = init["instructions"].as_str().unwrap_or_default();
    assert!(
        instructions.contains("embedded sandbox")
            && instructions.contains("No connection is configured"),
        "{instructions}"
    );
    let list = client.request("tools/list", json!({}));
    let tools = list["result"]["tools"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let names: Vec<&str> = tools.iter().filter_map(|t| t["name"].as_str()).collect();
    for wanted in [
        "search_actions",
        "describe_action",
        "run_action",
        "request",
        "list_users",
        "user_impact",
        "suspend_user",
        "reactivate_user",
        "deprovision_user",
    ] {
        assert!(names.contains(&wanted), "{wanted} missing from {names:?}");
    }
    for tool in &tools {
        assert_eq!(tool["inputSchema"]["type"], "object", "{tool}");
        assert!(
            tool["description"].as_str().is_some_and(|d| d.len() > 40),
            "a tool needs a description a model can use: {tool}"
        );
    }
    let (code, stderr) = client.close();
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("embedded sandbox"),
        "the notice goes to stderr: {stderr}"
    );
}

#[test]
fn search_finds_actions_by_intent_and_describe_gives_schema_permissions_and_an_example() {
    let home = Home::new();
    let (mut client, _) = Client::connect(&home, &[]);
    let found = client.call_ok(
        "search_actions",
        json!({"query": "send an sms", "limit": 3}),
    );
    let hits = found["hits"].as_array().cloned().unwrap_or_default();
    assert!(!hits.is_empty() && hits.len() <= 3, "{found}");
    let sms = hits
        .iter()
        .find(|h| h["key"] == "send-sms")
        .unwrap_or_else(|| panic!("send-sms is among the hits: {found}"));
    assert_eq!(sms["method"], "POST");
    assert!(sms["path"].as_str().is_some_and(|p| p.ends_with("/sms")));
    assert!(
        sms["inputSchema"].is_object() || sms["inputSchemaShort"]["required"].is_array(),
        "{sms}"
    );

    let described = client.call_ok("describe_action", json!({"key": "send-sms"}));
    assert_eq!(described["permissions"]["app"], "SMS");
    assert!(described["rateLimitGroup"].is_string(), "{described}");
    assert_eq!(described["inputSchema"]["type"], "object");
    for field in ["from", "to", "text"] {
        assert!(
            described["exampleInput"].get(field).is_some(),
            "the example has the required {field}: {}",
            described["exampleInput"]
        );
    }

    // The example of a reading action runs as given.
    let read = client.call_ok("describe_action", json!({"key": "readExtension"}));
    let example = read["exampleInput"].clone();
    let me = client.call_ok(
        "run_action",
        json!({"key": "readExtension", "input": example}),
    );
    assert!(me["id"].is_number(), "{me}");
}

#[test]
fn run_action_keeps_fields_and_cuts_a_listing_with_a_cursor_that_continues_it() {
    let home = Home::new();
    let (mut client, _) = Client::connect(&home, &[]);
    let whole = client.call_ok(
        "run_action",
        json!({"key": "listExtensions", "allPages": true, "fields": ["id"], "maxRecords": 1000}),
    );
    assert_eq!(whole["complete"], true, "{whole}");
    let all_ids: Vec<Value> = whole["records"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|r| r["id"].clone())
        .collect();
    assert!(all_ids.len() > 6, "the seeded company has extensions");

    let first = client.call_ok(
        "run_action",
        json!({"key": "listExtensions", "allPages": true, "fields": ["id", "name"], "maxRecords": 3}),
    );
    let records = first["records"].as_array().cloned().unwrap_or_default();
    assert_eq!(records.len(), 3, "{first}");
    for record in &records {
        let keys: Vec<&String> = record
            .as_object()
            .map(|m| m.keys().collect())
            .unwrap_or_default();
        assert_eq!(keys, ["id", "name"], "only the named fields: {record}");
    }
    assert_eq!(first["complete"], false);
    assert!(
        first["note"]
            .as_str()
            .is_some_and(|n| n.contains("nextCursor")),
        "{first}"
    );
    let cursor = first["nextCursor"].as_str().expect("a cursor").to_string();
    let second = client.call_ok(
        "run_action",
        json!({"key": "listExtensions", "cursor": cursor}),
    );
    let ids: Vec<Value> = records
        .iter()
        .chain(second["records"].as_array().into_iter().flatten())
        .map(|r| r["id"].clone())
        .collect();
    assert_eq!(
        ids,
        all_ids[..6],
        "the cursor continues where the first call stopped"
    );

    let (is_error, text) = client.call(
        "run_action",
        json!({"key": "listExtensions", "cursor": "forged"}),
    );
    assert!(is_error && text.contains("cursor"), "{text}");

    // Without fields, the whole listing is more than one result may carry: it is cut by size.
    let (is_error, text) = client.call(
        "run_action",
        json!({"key": "listExtensions", "allPages": true, "maxRecords": 1000}),
    );
    assert!(!is_error, "{text}");
    assert!(
        text.len() < 42_000,
        "a result fits the budget: {} characters",
        text.len()
    );
    let cut: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(cut["complete"], false);
    assert!(
        cut["note"]
            .as_str()
            .is_some_and(|n| n.contains("size budget")),
        "{}",
        cut["note"]
    );
    assert!(
        cut["count"]
            .as_u64()
            .is_some_and(|n| n < all_ids.len() as u64)
    );

    // One page without allPages: cut at maxRecords, with the page's envelope kept.
    let page = client.call_ok(
        "run_action",
        json!({"key": "listExtensions", "input": {"perPage": 5}, "maxRecords": 2}),
    );
    assert_eq!(page["records"].as_array().map(Vec::len), Some(2), "{page}");
    assert!(page["paging"].is_object(), "{page}");
    assert!(page["truncated"]["nextCursor"].is_string(), "{page}");
}

/// A message with its request ids taken out (each request has its own).
fn without_request_ids(text: &str) -> String {
    text.split_whitespace()
        .filter(|w| !(w.len() >= 36 && w.matches('-').count() == 4))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The first line ringctl prints on stderr for a command.
fn cli_error(home: &Home, args: &[&str]) -> String {
    let (code, _, stderr) = run(home.cmd().args(args));
    assert_ne!(code, 0, "{args:?} should fail");
    stderr
        .lines()
        .find(|l| l.starts_with("error"))
        .unwrap_or_else(|| panic!("no error line: {stderr}"))
        .to_string()
}

#[test]
fn bad_input_unknown_actions_and_api_errors_are_tool_errors_worded_as_the_cli_words_them() {
    let home = Home::new();
    let (mut client, _) = Client::connect(&home, &[]);

    let input = json!({"text": 5});
    let (is_error, text) = client.call("run_action", json!({"key": "send-sms", "input": input}));
    assert!(is_error, "{text}");
    let cli = cli_error(
        &home,
        &["action", "run", "send-sms", "--input", &input.to_string()],
    );
    assert!(text.starts_with(&cli), "MCP said {text:?}, the CLI {cli:?}");
    for pointer in ["/text:", "/: \"from\" is a required property"] {
        assert!(text.contains(pointer), "{pointer} in {text}");
    }

    let (is_error, text) = client.call("run_action", json!({"key": "sendSmss"}));
    assert!(is_error, "{text}");
    let cli = cli_error(&home, &["action", "run", "sendSmss"]);
    assert_eq!(text.lines().next(), Some(cli.as_str()));

    let input = json!({"extensionId": "404404404"});
    let (is_error, text) = client.call(
        "run_action",
        json!({"key": "readExtension", "input": input}),
    );
    assert!(is_error, "{text}");
    let cli = cli_error(
        &home,
        &[
            "action",
            "run",
            "readExtension",
            "--input",
            &input.to_string(),
        ],
    );
    assert_eq!(
        without_request_ids(text.lines().next().unwrap_or_default()),
        without_request_ids(&cli)
    );
    assert!(text.contains("status 404"), "{text}");

    let (is_error, text) = client.call(
        "request",
        json!({"method": "GET", "path": "/restapi/v1.0/account/~/extension/404404404"}),
    );
    assert!(is_error && text.contains("404"), "{text}");

    // Arguments that break the tool's own schema name the JSON pointer.
    let (is_error, text) = client.call("search_actions", json!({"query": 3}));
    assert!(is_error && text.contains("/query"), "{text}");
    let (is_error, text) = client.call("run_action", json!({"input": {}}));
    assert!(
        is_error && text.contains("\"key\" is a required property"),
        "{text}"
    );

    // Protocol mistakes are JSON-RPC errors, and the server carries on.
    let unknown = client.call_refused("no_such_tool", json!({}));
    assert_eq!(unknown["code"], -32602, "{unknown}");
    client.send_line("this is not JSON");
    let parse = client.answer_to(Value::Null);
    assert_eq!(parse["error"]["code"], -32700, "{parse}");
    let method = client.request("no/such/method", json!({}));
    assert_eq!(method["error"]["code"], -32601, "{method}");
    let still = client.call_ok("search_actions", json!({"query": "list call queues"}));
    assert!(still["hits"].as_array().is_some_and(|h| !h.is_empty()));
    let (code, _) = client.close();
    assert_eq!(code, 0);
}

#[test]
fn read_only_offers_reads_and_refuses_every_write_with_an_mcp_error() {
    let home = Home::new();
    let (mut client, init) = Client::connect(&home, &["--read-only"]);
    assert!(
        init["instructions"]
            .as_str()
            .is_some_and(|i| i.contains("read-only")),
        "{init}"
    );
    let names = client.tool_names();
    for write in LIFECYCLE_WRITES {
        assert!(
            !names.iter().any(|n| n == write),
            "{write} offered: {names:?}"
        );
    }
    assert!(names.iter().any(|n| n == "list_users") && names.iter().any(|n| n == "user_impact"));

    let found = client.call_ok(
        "search_actions",
        json!({"query": "send an sms", "limit": 20}),
    );
    let methods: Vec<&str> = found["hits"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|h| h["method"].as_str())
        .collect();
    assert!(methods.iter().all(|m| *m == "GET"), "{methods:?}");

    let sms = json!({"from": {"phoneNumber": "+14155550100"}, "to": [{"phoneNumber": "+14155550101"}], "text": "hi"});
    let refused = client.call_refused("run_action", json!({"key": "send-sms", "input": sms}));
    assert!(
        refused["message"]
            .as_str()
            .is_some_and(|m| m.contains("read-only")),
        "{refused}"
    );
    let refused = client.call_refused(
        "request",
        json!({"method": "POST", "path": "/restapi/v1.0/account/~/extension/~/sms", "body": sms}),
    );
    assert!(
        refused["message"]
            .as_str()
            .is_some_and(|m| m.contains("read-only")),
        "{refused}"
    );
    let refused = client.call_refused(
        "request",
        json!({"method": "DELETE", "path": "/restapi/v1.0/no/such/thing"}),
    );
    assert!(
        refused["message"]
            .as_str()
            .is_some_and(|m| m.contains("read-only")),
        "{refused}"
    );
    let refused = client.call_refused("deprovision_user", json!({"email": "a@b.com"}));
    assert!(
        refused["message"]
            .as_str()
            .is_some_and(|m| m.contains("not available"))
    );

    let me = client.call_ok("run_action", json!({"key": "readExtension"}));
    assert!(me["id"].is_number(), "{me}");
    let raw = client.call_ok(
        "request",
        json!({"method": "get", "path": "/restapi/v1.0/account/~"}),
    );
    assert_eq!(raw["status"], 200, "{raw}");
    let users = client.call_ok("list_users", json!({"limit": 3}));
    assert_eq!(users["users"].as_array().map(Vec::len), Some(3), "{users}");
}

#[test]
fn allow_and_deny_lists_name_actions_by_key_or_tag() {
    let home = Home::new();
    let (mut client, _) = Client::connect(&home, &["--allow", "SMS,readExtension"]);
    let me = client.call_ok("run_action", json!({"key": "readExtension"}));
    assert!(me["id"].is_number());
    let refused = client.call_refused("run_action", json!({"key": "listExtensions"}));
    assert!(
        refused["message"]
            .as_str()
            .is_some_and(|m| m.contains("--allow")),
        "{refused}"
    );
    let names = client.tool_names();
    assert!(!names.iter().any(|n| n == "deprovision_user"), "{names:?}");
    let found = client.call_ok(
        "search_actions",
        json!({"query": "list extensions", "limit": 50}),
    );
    for hit in found["hits"].as_array().into_iter().flatten() {
        let described = client.call_ok("describe_action", json!({"key": hit["key"]}));
        assert_eq!(described["availableHere"], true, "{described}");
    }
    drop(client);

    let (mut client, _) = Client::connect(
        &home,
        &["--deny", "User Settings", "--deny", "deprovision_user"],
    );
    let refused = client.call_refused("run_action", json!({"key": "readExtension"}));
    assert!(
        refused["message"]
            .as_str()
            .is_some_and(|m| m.contains("--deny")),
        "{refused}"
    );
    // A path that steps around the deny list with `..` is judged as the server reads it.
    let refused = client.call_refused(
        "request",
        json!({"method": "GET", "path": "/restapi/v1.0/account/~/extension/~/sms/../../~"}),
    );
    assert!(
        refused["message"]
            .as_str()
            .is_some_and(|m| m.contains("--deny")),
        "{refused}"
    );
    let names = client.tool_names();
    assert!(!names.iter().any(|n| n == "deprovision_user"));
    assert!(names.iter().any(|n| n == "suspend_user"));
    drop(client);

    let (code, _, stderr) = run(home.cmd().args(["mcp", "--allow", "no-such-tag-anywhere"]));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("--allow `no-such-tag-anywhere` names no action"),
        "{stderr}"
    );
}

fn audit(home: &Home) -> Vec<Value> {
    let log = home.json(&["audit", "list", "--json"]);
    log["items"]
        .as_array()
        .or_else(|| log.as_array())
        .cloned()
        .unwrap_or_else(|| panic!("an audit listing: {log}"))
}

#[test]
fn the_user_tools_plan_first_act_on_confirm_and_every_change_is_audited_as_mcp() {
    let home = Home::new();
    let (mut client, _) = Client::connect(&home, &[]);
    let listed = client.call_ok("list_users", json!({"status": "active", "limit": 1000}));
    let emails: Vec<String> = listed["users"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|u| u["email"].as_str())
        .filter(|e| !e.starts_with("admin@"))
        .map(str::to_string)
        .collect();
    assert!(emails.len() > 3, "{listed}");
    let (leaver, successor) = (&emails[0], &emails[1]);

    let impact = client.call_ok("user_impact", json!({"email": leaver}));
    assert!(
        impact["impact"].is_array() && impact["user"]["extensionId"].is_string(),
        "{impact}"
    );

    // Suspend: the plan, then the change.
    let planned = client.call_ok("suspend_user", json!({"email": leaver}));
    assert_eq!(planned["confirmed"], false, "{planned}");
    assert!(planned["plan"].as_array().is_some_and(|p| !p.is_empty()));
    assert!(planned["impact"].is_array());
    let still = client.call_ok("list_users", json!({"status": "suspended"}));
    assert!(
        !still["users"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|u| u["email"] == json!(leaver)),
        "nothing changed before confirm: {still}"
    );
    let done = client.call_ok("suspend_user", json!({"email": leaver, "confirm": true}));
    assert_eq!(done["confirmed"], true, "{done}");
    let suspended = client.call_ok("list_users", json!({"status": "suspended"}));
    assert!(
        suspended["users"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|u| u["email"] == json!(leaver)),
        "{suspended}"
    );
    let back = client.call_ok("reactivate_user", json!({"email": leaver}));
    assert!(
        back["summary"]
            .as_str()
            .is_some_and(|s| s.starts_with("1 changed")),
        "{back}"
    );

    // Deprovision with a handover: the plan names the successor; confirm deletes.
    let planned = client.call_ok(
        "deprovision_user",
        json!({"email": leaver, "handoverTo": successor}),
    );
    assert_eq!(planned["confirmed"], false);
    let steps = planned["plan"].as_array().cloned().unwrap_or_default();
    assert_eq!(
        steps.last().map(|s| s["kind"].clone()),
        Some(json!("deprovision")),
        "{planned}"
    );
    let (is_error, text) = client.call(
        "deprovision_user",
        json!({"email": leaver, "handoverTo": leaver}),
    );
    assert!(
        is_error && text.contains("cannot take their duties"),
        "{text}"
    );
    let done = client.call_ok(
        "deprovision_user",
        json!({"email": leaver, "handoverTo": successor, "confirm": true}),
    );
    assert_eq!(done["confirmed"], true, "{done}");
    let (is_error, text) = client.call("user_impact", json!({"email": leaver}));
    assert!(
        is_error && text.contains("no user with the email"),
        "{text}"
    );

    // A write through run_action is audited too.
    let sms = json!({"from": {"phoneNumber": "+14155550100"}, "to": [{"phoneNumber": "+14155550101"}], "text": "hi"});
    // Audited whether the sandbox accepts it or not: the attempt was a write.
    client.call("run_action", json!({"key": "send-sms", "input": sms}));
    let (code, _) = client.close();
    assert_eq!(code, 0);

    let entries = audit(&home);
    assert!(!entries.is_empty());
    assert!(
        entries.iter().all(|e| e["operator"] == "mcp"),
        "every change made over MCP names the operator mcp: {entries:?}"
    );
    let actions: Vec<&str> = entries
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    for wanted in [
        "suspend",
        "reactivate",
        "deprovision",
        "run_action send-sms",
    ] {
        assert!(
            actions.iter().any(|a| a.contains(wanted)),
            "{wanted} in {actions:?}"
        );
    }
}

#[test]
fn no_secret_reaches_stdout_or_stderr_and_credential_endpoints_are_refused() {
    let home = Home::new();
    // The most verbose logs: even they carry no secret.
    let (mut client, _) = Client::connect(&home, &["-vvv"]);
    let me = client.call_ok("run_action", json!({"key": "readExtension"}));
    assert!(me["id"].is_number());
    let (is_error, text) = client.call(
        "request",
        json!({"method": "POST", "path": "/restapi/oauth/token", "body": {"grant_type": "password"}}),
    );
    assert!(is_error && text.contains("credentials"), "{text}");
    let (is_error, text) = client.call(
        "request",
        json!({"method": "GET", "path": "/restapi/v1.0/account/~", "headers": {"Authorization": "Bearer x"}}),
    );
    assert!(is_error && text.contains("Authorization"), "{text}");
    let found = client.call_ok(
        "search_actions",
        json!({"query": "get an oauth token", "limit": 50}),
    );
    let keys: Vec<&str> = found["hits"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|h| h["path"].as_str())
        .collect();
    assert!(
        !keys.iter().any(|p| p.starts_with("/restapi/oauth")),
        "credential operations are not offered: {keys:?}"
    );
    let (is_error, text) = client.call("run_action", json!({"key": "revokeToken"}));
    assert!(is_error && text.contains("credentials"), "{text}");
    let seen = client.seen.join("\n");
    let (_, stderr) = client.close();

    let credentials = home.json(&["sandbox", "credentials", "--json"]);
    let token_files: Vec<String> = walk(home.path())
        .into_iter()
        .filter(|p| p.ends_with("token.json"))
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    assert!(!token_files.is_empty(), "the session kept its tokens");
    let mut secrets: Vec<String> = ["clientSecret", "jwt"]
        .iter()
        .filter_map(|k| credentials[k].as_str().map(str::to_string))
        .collect();
    for file in &token_files {
        let tokens: Value = serde_json::from_str(file).unwrap_or(Value::Null);
        for key in [
            "access_token",
            "refresh_token",
            "accessToken",
            "refreshToken",
        ] {
            if let Some(s) = tokens[key]
                .as_str()
                .or_else(|| tokens["token"][key].as_str())
            {
                secrets.push(s.to_string());
            }
        }
    }
    assert!(
        secrets.len() >= 3,
        "the test knows the secrets to look for: {credentials}"
    );
    for secret in &secrets {
        assert!(!seen.contains(secret.as_str()), "a secret on stdout");
        assert!(!stderr.contains(secret.as_str()), "a secret on stderr");
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out
}
