//! `ringctl users` and `ringctl audit` end to end, against a sandbox served in its own process, whose
//! request counts show what was really sent.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{Home, PATIENCE, Served, path_str, run};

/// How many requests of an operation the sandbox answered.
fn sent(served: &Served, operation: &str) -> u64 {
    served.stats()["requests"]["byOperation"][operation]
        .as_u64()
        .unwrap_or(0)
}

/// A logged-in home on a fresh sandbox.
fn setup(args: &[&str]) -> (Served, Home) {
    let served = Served::start(args);
    let home = Home::new();
    served.login(&home, "sb");
    (served, home)
}

fn users(home: &Home, status: &str) -> Vec<Value> {
    let list = home.json(&["users", "list", "--status", status, "--json"]);
    list["items"].as_array().cloned().unwrap_or_default()
}

fn active_emails(home: &Home, n: usize) -> Vec<String> {
    users(home, "active")
        .iter()
        .filter_map(|u| u["email"].as_str())
        .filter(|e| !e.starts_with("admin@"))
        .take(n)
        .map(str::to_owned)
        .collect()
}

#[test]
fn a_user_scim_no_longer_returns_is_deprovisioned_and_a_never_seen_one_is_unknown() {
    let (served, home) = setup(&[]);
    let all = users(&home, "all");
    assert!(all.len() > 10, "the seeded company has users");
    for u in &all {
        for key in [
            "email",
            "name",
            "status",
            "scimId",
            "extensionId",
            "lastSeen",
        ] {
            assert!(!u[key].is_null(), "{key} in {u}");
        }
    }
    let gone = all
        .iter()
        .find(|u| {
            u["status"] == "Active" && !u["email"].as_str().unwrap_or("").starts_with("admin@")
        })
        .expect("an active user");
    let id = gone["scimId"].as_str().expect("an id");
    // Removed behind ringctl's back, as another admin tool would.
    let (code, _, err) =
        run(home
            .cmd()
            .args(["request", &format!("/scim/v2/Users/{id}"), "-X", "DELETE"]));
    assert_eq!(code, 0, "{err}");
    let deprovisioned = users(&home, "deprovisioned");
    assert_eq!(deprovisioned.len(), 1);
    assert_eq!(deprovisioned[0]["email"], gone["email"]);
    let email = gone["email"].as_str().expect("an email");
    let shown = home.json(&["users", "show", email, "--json"]);
    assert_eq!(shown["status"], "Deprovisioned");
    assert_eq!(shown["lastStatusChange"]["from"], "Active");
    let (code, _, err) = run(home
        .cmd()
        .args(["users", "show", "nobody@nowhere.example.com"]));
    assert_eq!(code, 1);
    assert!(err.contains("nobody@nowhere.example.com"), "{err}");
    drop(served);
}

#[test]
fn csv_and_status_filters_list_users() {
    let (_served, home) = setup(&[]);
    let (code, out, err) =
        run(home
            .cmd()
            .args(["users", "list", "--status", "suspended", "--csv"]));
    assert_eq!(code, 0, "{err}");
    let mut lines = out.lines();
    assert_eq!(
        lines.next(),
        Some("email,name,status,scimId,extensionId,lastSeen")
    );
    let rows: Vec<&str> = lines.collect();
    assert!(!rows.is_empty(), "the seed has suspended users");
    assert!(rows.iter().all(|r| r.contains(",Suspended,")), "{out}");
    let (code, out, err) = run(home.cmd().args([
        "users",
        "list",
        "--status",
        "suspended",
        "--jq",
        ".items[].status",
    ]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), rows.len(), "{out}");
    assert!(out.lines().all(|l| l == "Suspended"), "{out}");
}

#[test]
fn suspend_and_reactivate_are_idempotent_and_audited() {
    let (served, home) = setup(&[]);
    let email = active_emails(&home, 1).remove(0);
    let first = home.json(&["users", "suspend", &email, "--json"]);
    assert_eq!(first["results"][0]["outcome"], "done", "{first}");
    assert!(
        first["results"][0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("licence is kept")
    );
    let again = home.json(&["users", "suspend", &email, "--json"]);
    assert_eq!(again["results"][0]["outcome"], "unchanged", "{again}");
    assert_eq!(sent(&served, "scimPatchUser2"), 1, "one PATCH for two runs");
    let shown = home.json(&["users", "show", &email, "--json"]);
    assert_eq!(shown["status"], "Suspended");
    home.json(&["users", "reactivate", &email, "--json"]);
    assert_eq!(
        home.json(&["users", "show", &email, "--json"])["status"],
        "Active"
    );
    let audit = home.json(&["audit", "list", "--user", &email, "--json"]);
    let items = audit["items"].as_array().expect("items");
    assert_eq!(items.len(), 2, "{audit}");
    assert_eq!(items[0]["action"], "suspend");
    assert_eq!(
        (items[0]["before"].as_str(), items[0]["after"].as_str()),
        (Some("Active"), Some("Suspended"))
    );
    assert_eq!(items[1]["action"], "reactivate");
    assert!(
        items[0]["requestId"]
            .as_str()
            .is_some_and(|r| !r.is_empty()),
        "{audit}"
    );
    assert_eq!(items[0]["connection"], "sb");
    let (code, out, _) = run(home.cmd().args(["audit", "list", "--csv"]));
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 3, "{out}");
    let (code, _, err) = run(home.cmd().args(["audit", "list", "--since", "yesterday"]));
    assert_eq!(code, 2, "{err}");
}

#[test]
fn an_unknown_email_changes_nothing_and_names_itself() {
    let (served, home) = setup(&[]);
    let email = active_emails(&home, 1).remove(0);
    let (code, _, err) =
        run(home
            .cmd()
            .args(["users", "suspend", &email, "ghost@nowhere.example.com"]));
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("ghost@nowhere.example.com") && err.contains("nothing was changed"),
        "{err}"
    );
    assert_eq!(sent(&served, "scimPatchUser2"), 0);
    let (code, _, err) = run(home.cmd().args(["users", "suspend", "not-an-email"]));
    assert_eq!(code, 2, "{err}");
}

#[test]
fn a_file_of_emails_refuses_bad_lines_unless_told_to_skip_them() {
    let (served, home) = setup(&[]);
    let emails = active_emails(&home, 2);
    let file = home.file(
        "leavers.csv",
        format!(
            "name,email\nA,{}\nB,not an email\nC,{}\n",
            emails[0], emails[1]
        ),
    );
    let (code, _, err) = run(home
        .cmd()
        .args(["users", "suspend", "--from", path_str(&file)]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("leavers.csv:3"), "{err}");
    assert_eq!(sent(&served, "scimPatchUser2"), 0);
    let done = home.json(&[
        "users",
        "suspend",
        "--from",
        path_str(&file),
        "--skip-bad-lines",
        "--json",
    ]);
    assert_eq!(done["results"].as_array().map(Vec::len), Some(2), "{done}");
    assert_eq!(sent(&served, "scimPatchUser2"), 2);
}

#[test]
fn deprovision_reports_impact_asks_first_and_is_idempotent() {
    let (served, home) = setup(&["--rate-limits", "scale=0.01"]);
    // A user some colleague's rule or forwarding number points at.
    let candidates = active_emails(&home, 40);
    let (email, impact) = candidates
        .iter()
        .find_map(|e| {
            let report = home.json(&["users", "impact", e, "--json"]);
            let items = report["impact"].as_array().cloned().unwrap_or_default();
            (!items.is_empty()).then(|| (e.clone(), items))
        })
        .expect("a seeded user whom something routes to");
    for item in &impact {
        for key in ["extensionId", "name", "kind", "detail"] {
            assert!(
                item[key].as_str().is_some_and(|s| !s.is_empty()),
                "{key} in {item}"
            );
        }
    }
    let dry = home.json(&["users", "deprovision", &email, "--dry-run", "--json"]);
    assert_eq!(dry["impact"].as_array().map(Vec::len), Some(impact.len()));
    assert_eq!(dry["dryRun"], true);
    assert_eq!(sent(&served, "scimDeleteUser2"), 0);
    // No terminal to ask, and no --yes: refused.
    let (code, _, err) = run(home.cmd().args(["users", "deprovision", &email]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--yes"), "{err}");
    assert_eq!(sent(&served, "scimDeleteUser2"), 0);
    let done = home.json(&["users", "deprovision", &email, "--yes", "--json"]);
    assert_eq!(done["results"][0]["outcome"], "done", "{done}");
    assert!(done["impact"].as_array().is_some_and(|i| !i.is_empty()));
    let message = done["results"][0]["message"].as_str().unwrap_or("");
    assert!(
        message.contains("licence is reclaimed") && message.contains("unassigned"),
        "{message}"
    );
    let again = home.json(&["users", "deprovision", &email, "--yes", "--json"]);
    assert_eq!(again["results"][0]["outcome"], "unchanged", "{again}");
    assert_eq!(sent(&served, "scimDeleteUser2"), 1);
    assert_eq!(
        home.json(&["users", "show", &email, "--json"])["status"],
        "Deprovisioned"
    );
}

#[test]
fn the_safety_limit_bounds_a_deprovision_run() {
    let (served, home) = setup(&[]);
    let emails = active_emails(&home, 3);
    let mut args = vec!["users", "deprovision", "--yes", "--max-deprovision", "2"];
    args.extend(emails.iter().map(String::as_str));
    let (code, _, err) = run(home.cmd().args(&args));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("safety limit"), "{err}");
    assert_eq!(sent(&served, "scimDeleteUser2"), 0);
}

/// The seeded routing that names Chloe Gonzalez (62000000001): colleagues' rules and forwarding,
/// the Escalations Queue she alone answers, IVR keys, a site IVR key, a company rule, a paging group
/// and two monitoring groups.
const LEAVER: &str = "chloe.gonzalez@sandbox.example.com";
const LEAVER_ID: &str = "62000000001";
const SUCCESSOR: &str = "ethan.moore@sandbox.example.com";
const SUCCESSOR_ID: &str = "62000000003";

#[test]
fn a_handover_leaves_nothing_pointing_at_the_removed_user() {
    let (served, home) = setup(&["--rate-limits", "scale=0.01"]);
    let report = home.json(&["users", "impact", LEAVER, "--json"]);
    let moved = report["impact"].as_array().cloned().unwrap_or_default();
    let kinds: Vec<&str> = moved.iter().filter_map(|i| i["kind"].as_str()).collect();
    for kind in [
        "answering-rule",
        "forwarding-number",
        "call-queue",
        "ivr-key",
        "site-ivr-key",
        "company-rule",
        "paging-group",
        "monitoring-group",
    ] {
        assert!(kinds.contains(&kind), "no {kind} in {report}");
    }
    assert!(
        moved.iter().any(|i| i["detail"]
            .as_str()
            .is_some_and(|d| d.contains("no members"))),
        "the queue she alone answers is flagged: {report}"
    );
    let plan = home.json(&[
        "users",
        "deprovision",
        LEAVER,
        "--handover-to",
        SUCCESSOR,
        "--dry-run",
        "--json",
    ]);
    let steps = plan["plan"].as_array().cloned().unwrap_or_default();
    assert!(steps.iter().any(|s| s["kind"] == "handover"), "{plan}");
    assert_eq!(
        steps.last().map(|s| s["kind"].clone()),
        Some(Value::from("deprovision"))
    );
    assert_eq!(
        sent(&served, "scimDeleteUser2"),
        0,
        "a dry run changes nothing"
    );
    let done = home.json(&[
        "users",
        "deprovision",
        LEAVER,
        "--handover-to",
        SUCCESSOR,
        "--yes",
        "--json",
    ]);
    let results = done["results"].as_array().cloned().unwrap_or_default();
    assert!(results.iter().all(|r| r["outcome"] == "done"), "{done}");
    // Everything that named the removed user now names the successor.
    let after = home.json(&["users", "impact", SUCCESSOR, "--json"]);
    let after = after["impact"].as_array().cloned().unwrap_or_default();
    for item in moved.iter().filter(|i| i["extensionId"] != SUCCESSOR_ID) {
        assert!(
            after
                .iter()
                .any(|a| a["extensionId"] == item["extensionId"] && a["kind"] == item["kind"]),
            "{item} did not move to the successor: {after:?}"
        );
    }
    // And, read back raw, no routing names her any more.
    for path in [
        "/restapi/v1.0/account/~/ivr-menus/61000000300",
        "/restapi/v1.0/account/~/ivr-menus/61000000301",
        "/restapi/v1.0/account/~/answering-rule/70000001",
        "/restapi/v1.0/account/~/call-queues/61000000490/members",
        "/restapi/v1.0/account/~/paging-only-groups/61000000400/users",
        "/restapi/v1.0/account/~/extension/62000000004/answering-rule/60000001",
    ] {
        let (code, body, err) = run(home.cmd().args(["request", path]));
        assert_eq!(code, 0, "{path}: {err}");
        assert!(!body.contains(LEAVER_ID), "{path} still names her: {body}");
        assert!(
            body.contains(SUCCESSOR_ID),
            "{path} does not name the successor: {body}"
        );
    }
    let audit = home.json(&["audit", "list", "--user", LEAVER, "--json"]);
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["action"].as_str())
        .collect();
    assert!(
        actions.contains(&"handover") && actions.last() == Some(&"deprovision"),
        "{actions:?}"
    );
}

#[test]
fn a_bulk_run_killed_mid_way_resumes_with_no_duplicate_and_no_gap() {
    // Rate limits at a twentieth of RingCentral's windows: the Heavy group allows 10 changes per
    // 3 s, so a run of 30 suspensions takes several seconds and can be killed in the middle.
    let (served, home) = setup(&["--users", "60", "--rate-limits", "scale=0.05"]);
    let emails = active_emails(&home, 30);
    assert_eq!(emails.len(), 30);
    let file = home.file("leavers.txt", emails.join("\n"));
    let mut child = home
        .std_cmd()
        .args(["users", "suspend", "--from", path_str(&file), "--json"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("ringctl starts");
    let start = Instant::now();
    while sent(&served, "scimPatchUser2") < 5 {
        assert!(start.elapsed() < PATIENCE, "the run never got going");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().expect("SIGKILL");
    let _ = child.wait();
    let before = sent(&served, "scimPatchUser2");
    assert!(before < 30, "the run was stopped mid-way ({before} of 30)");
    // The killed run's changes still count in the current window, which a new process cannot know
    // of until the server says so: let the window pass first, as a person resuming would.
    std::thread::sleep(Duration::from_millis(3500));
    // What the killed run changed, as the server has it now: a change it sent may have landed
    // without its answer (and without the server's count of it) when the process died.
    let already: Vec<String> = users(&home, "suspended")
        .iter()
        .filter_map(|u| u["email"].as_str().map(str::to_owned))
        .filter(|e| emails.contains(e))
        .collect();
    // The killed run changed each user once: every counted PATCH shows, and at most the one in
    // flight when it died landed uncounted.
    let before_resume = sent(&served, "scimPatchUser2");
    assert!(
        before_resume as usize <= already.len() && already.len() <= before_resume as usize + 1,
        "{before_resume} PATCHes counted, {} users suspended",
        already.len()
    );
    let resumed = home.json(&["users", "suspend", "--resume", "--json"]);
    let results = resumed["results"].as_array().cloned().unwrap_or_default();
    assert_eq!(results.len(), 30, "{resumed}");
    assert!(
        results
            .iter()
            .all(|r| r["outcome"] == "done" || r["outcome"] == "unchanged"),
        "{resumed}"
    );
    // The resumed run changed exactly the users the killed one had not: no duplicate, no gap.
    assert_eq!(
        sent(&served, "scimPatchUser2") - before_resume,
        (30 - already.len()) as u64
    );
    let suspended: Vec<String> = users(&home, "suspended")
        .iter()
        .filter_map(|u| u["email"].as_str().map(str::to_owned))
        .collect();
    for e in &emails {
        assert!(suspended.contains(e), "{e} is not suspended");
    }
    assert_eq!(served.stats()["rateLimited"].as_u64(), Some(0));
    let (code, _, err) = run(home.cmd().args(["users", "suspend", "--resume"]));
    assert_eq!(code, 2, "nothing left to resume: {err}");
}

#[test]
fn some_failed_changes_exit_5_and_resume_finishes_them() {
    // One request in three fails with a 500. Reads are retried; a PATCH the server may have acted
    // on is not, so some suspensions fail and the run reports them.
    let (served, home) = setup(&[]);
    let emails = active_emails(&home, 10);
    drop(served);
    let faulty = Served::start(&["--faults", "500=0.3"]);
    let home = Home::new();
    faulty.login(&home, "sb");
    let mut args = vec!["users", "suspend", "--json"];
    args.extend(emails.iter().map(String::as_str));
    let (code, out, err) = run(home.cmd().args(&args));
    assert_eq!(code, 5, "{err}");
    let report: Value = serde_json::from_str(&out).expect("a JSON report");
    let results = report["results"].as_array().cloned().unwrap_or_default();
    let failed = results.iter().filter(|r| r["outcome"] == "failed").count();
    assert!(failed > 0 && failed < 10, "{report}");
    assert!(err.contains("--resume"), "{err}");
    // Resumed until every change is made: each run retries only what failed.
    let mut rounds = 0;
    loop {
        rounds += 1;
        assert!(rounds <= 15, "still failing after 15 resumes");
        let (code, _, err) = run(home.cmd().args(["users", "suspend", "--resume", "--json"]));
        match code {
            0 => break,
            5 | 1 => continue,
            other => panic!("exit {other}: {err}"),
        }
    }
    let suspended: Vec<String> = users(&home, "suspended")
        .iter()
        .filter_map(|u| u["email"].as_str().map(str::to_owned))
        .collect();
    for e in &emails {
        assert!(suspended.contains(e), "{e} is not suspended");
    }
}

#[test]
fn the_connection_cannot_suspend_or_delete_its_own_user() {
    let (served, home) = setup(&[]);
    for command in ["suspend", "deprovision"] {
        let (code, _, err) =
            run(home
                .cmd()
                .args(["users", command, "admin@sandbox.example.com", "--yes"]));
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("logged in as"), "{err}");
    }
    assert_eq!(
        sent(&served, "scimPatchUser2") + sent(&served, "scimDeleteUser2"),
        0
    );
}
