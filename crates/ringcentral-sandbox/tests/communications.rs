//! Everyday communications over HTTP: faxes and MMS land in the sender's message store (and a
//! colleague's mailbox), the company call log and active calls show the users' calls to
//! administrators, and RingOut calls progress with the sandbox's clock.

mod common;

use std::time::Duration;

use common::{TestResult, check_schema, records, start, start_with};
use reqwest::Method;
use ringcentral_sandbox::SandboxConfig;
use serde_json::{Value, json};

const BOUNDARY: &str = "commsBoundary42";

/// One part of a multipart body: name, file name, content type, bytes.
type Part<'a> = (Option<&'a str>, Option<&'a str>, &'a str, &'a [u8]);

fn multipart(parts: &[Part<'_>]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, file, kind, data) in parts {
        out.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        let mut disposition = String::from("Content-Disposition: form-data");
        if let Some(n) = name {
            disposition.push_str(&format!("; name=\"{n}\""));
        }
        if let Some(f) = file {
            disposition.push_str(&format!("; filename=\"{f}\""));
        }
        if name.is_some() || file.is_some() {
            out.extend_from_slice(format!("{disposition}\r\n").as_bytes());
        }
        out.extend_from_slice(format!("Content-Type: {kind}\r\n\r\n").as_bytes());
        out.extend_from_slice(data);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    out
}

fn form_data() -> String {
    format!("multipart/form-data; boundary={BOUNDARY}")
}

fn mixed() -> String {
    format!("multipart/mixed; boundary={BOUNDARY}")
}

/// A fax as the SDKs send it: a `json` root part, then the document.
async fn send_fax(env: &common::Env, request: Value, document: &[u8]) -> common::Reply {
    let json = request.to_string();
    let body = multipart(&[
        (Some("json"), None, "application/json", json.as_bytes()),
        (Some("attachment"), Some("page.txt"), "text/plain", document),
    ]);
    env.raw(
        Method::POST,
        "/restapi/v1.0/account/~/extension/~/fax",
        &[("Content-Type", &form_data())],
        Some(body),
    )
    .await
}

fn id_of(v: &Value) -> String {
    match &v["id"] {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn attachment<'a>(message: &'a Value, kind: &str) -> &'a Value {
    message["attachments"]
        .as_array()
        .and_then(|a| a.iter().find(|x| x["type"] == kind))
        .unwrap_or_else(|| panic!("no {kind} attachment in {message}"))
}

/// The path of an attachment's content, from its absolute URI.
fn content_path(env: &common::Env, a: &Value) -> String {
    a["uri"]
        .as_str()
        .and_then(|u| u.strip_prefix(env.sandbox.url()))
        .unwrap_or_else(|| panic!("attachment uri {a}"))
        .to_owned()
}

#[tokio::test]
async fn a_sent_fax_is_queued_then_sent_and_its_documents_read_back() -> TestResult {
    let env = start().await;
    let fax = send_fax(
        &env,
        json!({"to": [{"phoneNumber": "+16505550199", "name": "Front desk"}], "faxResolution": "High", "coverPageText": "Contract"}),
        b"line one\nline two\n",
    )
    .await;
    assert_eq!(fax.status, 200, "{}", fax.body);
    check_schema("createFaxMessage", 200, &fax.body);
    assert_eq!(fax.body["type"], "Fax");
    assert_eq!(fax.body["direction"], "Outbound");
    assert_eq!(fax.body["messageStatus"], "Queued");
    assert_eq!(fax.body["faxResolution"], "High");
    // The default cover page plus one page of text.
    assert_eq!(fax.body["faxPageCount"], 2);
    assert_eq!(fax.body["coverIndex"], 1);
    assert_eq!(fax.body["coverPageText"], "Contract");
    assert_eq!(fax.body["to"][0]["phoneNumber"], "+16505550199");

    let id = id_of(&fax.body);
    let path = format!("/restapi/v1.0/account/~/extension/~/message-store/{id}");
    let stored = env.get_ok("readMessage", &path).await;
    assert_eq!(stored.body["type"], "Fax");
    assert_eq!(stored.body["faxPageCount"], 2);
    let rendered = attachment(&stored.body, "RenderedDocument");
    assert_eq!(rendered["contentType"], "application/pdf");
    let source = attachment(&stored.body, "SourceDocument");
    assert_eq!(source["contentType"], "text/plain");
    assert_eq!(source["fileName"], "page.txt");

    let doc = env.get(&content_path(&env, source)).await;
    assert_eq!(doc.status, 200);
    assert_eq!(doc.bytes, b"line one\nline two\n");
    let pdf = env.get(&content_path(&env, rendered)).await;
    assert_eq!(pdf.status, 200);
    assert!(pdf.bytes.starts_with(b"%PDF"), "the rendered fax is a PDF");

    let faxes = env
        .get_ok(
            "listMessages",
            "/restapi/v1.0/account/~/extension/~/message-store?messageType=Fax&direction=Outbound&perPage=1000",
        )
        .await;
    assert!(records(&faxes.body).iter().any(|m| id_of(m) == id));

    env.sandbox.advance_clock(Duration::from_secs(31));
    let later = env.get_ok("readMessage", &path).await;
    assert_eq!(later.body["messageStatus"], "Sent");
    assert_eq!(later.body["to"][0]["messageStatus"], "Sent");
    Ok(())
}

#[tokio::test]
async fn a_fax_to_a_colleague_arrives_in_their_mailbox_when_it_is_sent() -> TestResult {
    let env = start().await;
    let (_, colleague_number) = env.sms_numbers().await;
    let (_, email) = env.regular_user().await;
    let theirs = env.token_for(&email).await;
    let fax = send_fax(
        &env,
        json!({"to": [{"phoneNumber": colleague_number}], "coverIndex": 0}),
        b"for you",
    )
    .await;
    assert_eq!(fax.status, 200, "{}", fax.body);
    assert_eq!(
        fax.body["faxPageCount"], 1,
        "no cover page with coverIndex 0"
    );
    let inbox = "/restapi/v1.0/account/~/extension/~/message-store?messageType=Fax&direction=Inbound&perPage=1000";
    let received = |list: &Value| {
        records(list)
            .into_iter()
            .find(|m| m["from"]["extensionNumber"] == fax.body["from"]["extensionNumber"])
    };
    let before = env.call_as(&theirs, Method::GET, inbox, None).await;
    assert_eq!(before.status, 200);
    assert!(
        received(&before.body).is_none(),
        "not there before it is sent"
    );

    env.sandbox.advance_clock(Duration::from_secs(31));
    let after = env.call_as(&theirs, Method::GET, inbox, None).await;
    check_schema("listMessages", 200, &after.body);
    let Some(m) = received(&after.body) else {
        panic!("the fax did not arrive: {}", after.body)
    };
    assert_eq!(m["readStatus"], "Unread");
    assert_eq!(m["messageStatus"], "Received");
    let rendered = attachment(&m, "RenderedDocument");
    let pdf = env
        .call_as(&theirs, Method::GET, &content_path(&env, rendered), None)
        .await;
    assert_eq!(pdf.status, 200);
    assert!(pdf.bytes.starts_with(b"%PDF"));
    Ok(())
}

#[tokio::test]
async fn a_fax_can_be_resent_and_bad_faxes_are_refused() -> TestResult {
    let env = start().await;
    let fax = send_fax(&env, json!({"to": [{"phoneNumber": "+16505550123"}]}), b"x").await;
    assert_eq!(fax.status, 200, "{}", fax.body);
    let id = id_of(&fax.body);

    let again = env
        .post(
            "/restapi/v1.0/account/~/extension/~/fax",
            json!({"originalMessageId": id, "to": [{"phoneNumber": "+16505550124"}]}),
        )
        .await;
    assert_eq!(again.status, 200, "{}", again.body);
    check_schema("createFaxMessage", 200, &again.body);
    assert_ne!(id_of(&again.body), id);
    assert_eq!(again.body["to"][0]["phoneNumber"], "+16505550124");
    assert_eq!(again.body["faxPageCount"], fax.body["faxPageCount"]);

    let unknown = env
        .post(
            "/restapi/v1.0/account/~/extension/~/fax",
            json!({"originalMessageId": "123"}),
        )
        .await;
    assert_eq!(unknown.status, 404, "{}", unknown.body);
    assert_eq!(unknown.body["errorCode"], "CMN-102");

    let bad_number = send_fax(&env, json!({"to": [{"phoneNumber": "call me"}]}), b"x").await;
    assert_eq!(bad_number.status, 400, "{}", bad_number.body);
    assert_eq!(
        bad_number.body["errors"][0]["parameterName"],
        "to[0].phoneNumber"
    );

    let bad_cover = send_fax(
        &env,
        json!({"to": [{"phoneNumber": "+16505550123"}], "coverIndex": 40}),
        b"x",
    )
    .await;
    assert_eq!(bad_cover.status, 400, "{}", bad_cover.body);

    let no_document = env
        .raw(
            Method::POST,
            "/restapi/v1.0/account/~/extension/~/fax",
            &[("Content-Type", &form_data())],
            Some(multipart(&[(
                Some("json"),
                None,
                "application/json",
                br#"{"to":[{"phoneNumber":"+16505550123"}]}"#,
            )])),
        )
        .await;
    assert_eq!(no_document.status, 400, "{}", no_document.body);
    Ok(())
}

#[tokio::test]
async fn an_mms_keeps_its_files_and_reaches_a_colleague() -> TestResult {
    let env = start().await;
    let (from, to) = env.sms_numbers().await;
    let (_, email) = env.regular_user().await;
    let theirs = env.token_for(&email).await;
    let png: &[u8] = b"\x89PNG\r\n\x1a\nfake image";
    let request =
        json!({"from": {"phoneNumber": from}, "to": [{"phoneNumber": to}], "text": "look"})
            .to_string();
    let body = multipart(&[
        (None, None, "application/json", request.as_bytes()),
        (None, Some("pixel.png"), "image/png", png),
    ]);
    let mms = env
        .raw(
            Method::POST,
            "/restapi/v1.0/account/~/extension/~/mms",
            &[("Content-Type", &mixed())],
            Some(body),
        )
        .await;
    assert_eq!(mms.status, 200, "{}", mms.body);
    check_schema("createMMS", 200, &mms.body);
    assert_eq!(mms.body["type"], "SMS");
    assert_eq!(mms.body["direction"], "Outbound");
    assert_eq!(mms.body["subject"], "look");
    let image = attachment(&mms.body, "MmsAttachment");
    assert_eq!(image["contentType"], "image/png");
    assert_eq!(attachment(&mms.body, "Text")["contentType"], "text/plain");
    let bytes = env.get(&content_path(&env, image)).await;
    assert_eq!(bytes.status, 200);
    assert_eq!(bytes.bytes, png);

    let id = id_of(&mms.body);
    let stored = env
        .get_ok(
            "readMessage",
            &format!("/restapi/v1.0/account/~/extension/~/message-store/{id}"),
        )
        .await;
    assert_eq!(attachment(&stored.body, "MmsAttachment")["size"], png.len());

    let inbox = env
        .call_as(
            &theirs,
            Method::GET,
            "/restapi/v1.0/account/~/extension/~/message-store?messageType=SMS&direction=Inbound&perPage=1000",
            None,
        )
        .await;
    let got = records(&inbox.body)
        .into_iter()
        .find(|m| m["subject"] == "look")
        .unwrap_or_else(|| panic!("the MMS did not arrive: {}", inbox.body));
    let theirs_image = attachment(&got, "MmsAttachment");
    let copy = env
        .call_as(
            &theirs,
            Method::GET,
            &content_path(&env, theirs_image),
            None,
        )
        .await;
    assert_eq!(copy.bytes, png);
    Ok(())
}

async fn send_mms(env: &common::Env, request: Value, with_file: bool) -> common::Reply {
    let request = request.to_string();
    let mut parts: Vec<Part<'_>> = vec![(None, None, "application/json", request.as_bytes())];
    if with_file {
        parts.push((None, Some("a.png"), "image/png", b"\x89PNG"));
    }
    env.raw(
        Method::POST,
        "/restapi/v1.0/account/~/extension/~/mms",
        &[("Content-Type", &mixed())],
        Some(multipart(&parts)),
    )
    .await
}

#[tokio::test]
async fn an_mms_needs_files_and_a_number_of_the_sender() -> TestResult {
    let env = start().await;
    let (from, to) = env.sms_numbers().await;
    let foreign = send_mms(
        &env,
        json!({"from": {"phoneNumber": "+19995550000"}, "to": [{"phoneNumber": to}]}),
        true,
    )
    .await;
    assert_eq!(foreign.status, 400, "{}", foreign.body);
    assert_eq!(foreign.body["errorCode"], "MSG-304");
    let no_files = send_mms(
        &env,
        json!({"from": {"phoneNumber": from}, "to": [{"phoneNumber": to}], "text": "x"}),
        false,
    )
    .await;
    assert_eq!(no_files.status, 400, "{}", no_files.body);
    Ok(())
}

fn ids(list: &Value) -> Vec<String> {
    records(list).iter().map(id_of).collect()
}

const SINCE: &str = "dateFrom=2000-01-01T00:00:00Z";

#[tokio::test]
async fn the_company_call_log_holds_the_users_calls_for_administrators() -> TestResult {
    let env = start().await;
    let all = env
        .get_ok(
            "readCompanyCallLog",
            &format!("/restapi/v1.0/account/~/call-log?{SINCE}&perPage=1000"),
        )
        .await;
    let everything = ids(&all.body);
    let owners: std::collections::HashSet<String> = records(&all.body)
        .iter()
        .map(|r| r["extension"]["id"].to_string())
        .collect();
    assert!(owners.len() > 10, "records of many users: {owners:?}");
    assert_eq!(all.body["paging"]["totalElements"], everything.len());

    // Each user's own log is part of it.
    let (user, email) = env.regular_user().await;
    let own = env
        .get_ok(
            "readUserCallLog",
            &format!("/restapi/v1.0/account/~/extension/{user}/call-log?{SINCE}&perPage=1000"),
        )
        .await;
    let own_ids = ids(&own.body);
    assert!(!own_ids.is_empty());
    for id in &own_ids {
        assert!(everything.contains(id), "{id} missing from the company log");
    }

    // Newest first, and pages are slices of the whole.
    let starts: Vec<String> = records(&all.body)
        .iter()
        .map(|r| r["startTime"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(starts.windows(2).all(|w| w[0] >= w[1]), "newest first");
    let page = env
        .get_ok(
            "readCompanyCallLog",
            &format!("/restapi/v1.0/account/~/call-log?{SINCE}&perPage=5&page=2"),
        )
        .await;
    assert_eq!(ids(&page.body), everything[5..10].to_vec());
    assert_eq!(page.body["paging"]["page"], 2);

    // Filters apply.
    let inbound = env
        .get_ok(
            "readCompanyCallLog",
            &format!("/restapi/v1.0/account/~/call-log?{SINCE}&direction=Inbound&perPage=1000"),
        )
        .await;
    assert!(!records(&inbound.body).is_empty());
    assert!(
        records(&inbound.body)
            .iter()
            .all(|r| r["direction"] == "Inbound")
    );
    assert!(records(&inbound.body).len() < everything.len());

    // One record, several, and unknown ones.
    let one = env
        .get_ok(
            "readCompanyCallRecord",
            &format!("/restapi/v1.0/account/~/call-log/{}", own_ids[0]),
        )
        .await;
    assert_eq!(id_of(&one.body), own_ids[0]);
    let many = env
        .raw(
            Method::GET,
            &format!(
                "/restapi/v1.0/account/~/call-log/{},{},nope",
                everything[0], everything[1]
            ),
            &[("Accept", "application/vnd.ringcentral.multipart+json")],
            None,
        )
        .await;
    assert_eq!(many.status, 207);
    let statuses: Vec<u16> = many
        .body
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| e["status"].as_u64().unwrap_or(0) as u16)
        .collect();
    assert_eq!(statuses, [200, 200, 404]);
    let missing = env.get("/restapi/v1.0/account/~/call-log/C0FFEE").await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.body["errorCode"], "CMN-102");

    // Not for other users.
    let theirs = env.token_for(&email).await;
    for path in [
        "/restapi/v1.0/account/~/call-log".to_owned(),
        format!("/restapi/v1.0/account/~/call-log/{}", own_ids[0]),
        "/restapi/v1.0/account/~/active-calls".to_owned(),
    ] {
        let refused = env.call_as(&theirs, Method::GET, &path, None).await;
        assert_eq!(refused.status, 403, "{path}: {}", refused.body);
        assert_eq!(refused.body["errorCode"], "CMN-408");
    }
    Ok(())
}

#[tokio::test]
async fn in_a_large_company_a_page_seeds_a_bounded_number_of_users() -> TestResult {
    let env = start_with(SandboxConfig {
        users: 1_200,
        ..Default::default()
    })
    .await;
    let all = env
        .get_ok(
            "readCompanyCallLog",
            &format!("/restapi/v1.0/account/~/call-log?{SINCE}&perPage=1000"),
        )
        .await;
    let total = all.body["paging"]["totalElements"].as_u64().unwrap_or(0);
    assert!(total > 0);
    // User 1,100 is beyond the users seeded for the company log: their history appears once it
    // exists.
    let late = 62_000_001_100_i64;
    let theirs = |list: &Value| {
        records(list)
            .iter()
            .filter(|r| r["extension"]["id"] == json!(late))
            .count()
    };
    let filter =
        format!("/restapi/v1.0/account/~/call-log?{SINCE}&perPage=1000&extensionNumber=2101");
    let before = env.get_ok("readCompanyCallLog", &filter).await;
    assert_eq!(theirs(&before.body), 0);
    let own = env
        .get_ok(
            "readUserCallLog",
            &format!("/restapi/v1.0/account/~/extension/{late}/call-log?{SINCE}&perPage=1000"),
        )
        .await;
    let after = env.get_ok("readCompanyCallLog", &filter).await;
    assert_eq!(theirs(&after.body), records(&own.body).len());
    assert!(theirs(&after.body) > 0);

    // A seeded record of any user reads by id, its owner's history seeded on the way.
    let record = format!("C{:X}", 3_000_000_000_000_i64 + 1_150 * 100);
    let one = env
        .get_ok(
            "readCompanyCallRecord",
            &format!("/restapi/v1.0/account/~/call-log/{record}"),
        )
        .await;
    assert_eq!(one.body["extension"]["id"], json!(62_000_001_150_i64));
    Ok(())
}

#[tokio::test]
async fn company_active_calls_are_the_users_active_calls() -> TestResult {
    let env = start().await;
    let company = env
        .get_ok(
            "listCompanyActiveCalls",
            "/restapi/v1.0/account/~/active-calls?perPage=1000",
        )
        .await;
    let active = ids(&company.body);
    assert!(!active.is_empty());
    assert!(
        records(&company.body)
            .iter()
            .all(|r| r["result"] == "In Progress")
    );
    // The administrator is the first seeded user, one of those with a call under way.
    let mine = env
        .get_ok(
            "listExtensionActiveCalls",
            "/restapi/v1.0/account/~/extension/~/active-calls",
        )
        .await;
    let mine = ids(&mine.body);
    assert!(!mine.is_empty());
    for id in &mine {
        assert!(active.contains(id));
    }
    let log = env
        .get_ok(
            "readCompanyCallLog",
            &format!("/restapi/v1.0/account/~/call-log?{SINCE}&perPage=1000"),
        )
        .await;
    for id in &active {
        assert!(
            !ids(&log.body).contains(id),
            "active calls are not yet logged"
        );
    }
    Ok(())
}

const RINGOUT: &str = "/restapi/v1.0/account/~/extension/~/ring-out";

fn has_call_to(list: &Value, to: &str) -> Option<Value> {
    records(list)
        .into_iter()
        .find(|r| r["to"]["phoneNumber"] == to && r["action"] == "RingOut Web")
}

#[tokio::test]
async fn a_ringout_call_progresses_with_the_clock_and_is_logged() -> TestResult {
    let env = start().await;
    let to = "+16505550177";
    let made = env
        .post(
            RINGOUT,
            json!({"from": {"phoneNumber": "+16505550100"}, "to": {"phoneNumber": to}, "playPrompt": false}),
        )
        .await;
    assert_eq!(made.status, 200, "{}", made.body);
    check_schema("createRingOutCall", 200, &made.body);
    assert_eq!(made.body["status"]["callStatus"], "InProgress");
    let path = format!("{RINGOUT}/{}", id_of(&made.body));

    let ringing = env.get_ok("readRingOutCallStatus", &path).await;
    assert_eq!(ringing.body["status"]["callerStatus"], "InProgress");
    let active_mine = "/restapi/v1.0/account/~/extension/~/active-calls";
    let active = env.get_ok("listExtensionActiveCalls", active_mine).await;
    assert!(has_call_to(&active.body, to).is_some(), "{}", active.body);
    let company = env
        .get_ok(
            "listCompanyActiveCalls",
            "/restapi/v1.0/account/~/active-calls",
        )
        .await;
    assert!(has_call_to(&company.body, to).is_some());

    env.sandbox.advance_clock(Duration::from_secs(11));
    let connected = env.get_ok("readRingOutCallStatus", &path).await;
    assert_eq!(connected.body["status"]["callStatus"], "Success");
    assert_eq!(connected.body["status"]["calleeStatus"], "Success");
    let active = env.get_ok("listExtensionActiveCalls", active_mine).await;
    assert!(has_call_to(&active.body, to).is_some());

    env.sandbox.advance_clock(Duration::from_secs(61));
    let ended = env.get_ok("readRingOutCallStatus", &path).await;
    assert_eq!(ended.body["status"]["callerStatus"], "Finished");
    let active = env.get_ok("listExtensionActiveCalls", active_mine).await;
    assert!(has_call_to(&active.body, to).is_none(), "the call ended");
    let log = env
        .get_ok(
            "readUserCallLog",
            "/restapi/v1.0/account/~/extension/~/call-log?perPage=1000",
        )
        .await;
    let Some(record) = has_call_to(&log.body, to) else {
        panic!("the call is not in the call log: {}", log.body)
    };
    assert_eq!(record["result"], "Call connected");
    assert_eq!(record["duration"], 60);
    assert_eq!(record["direction"], "Outbound");

    assert_eq!(env.delete(&path).await.status, 204);
    assert_eq!(env.get(&path).await.status, 404);
    let again = env.delete(&path).await;
    assert_eq!(again.status, 404);
    assert_eq!(again.body["errorCode"], "CMN-102");
    Ok(())
}

#[tokio::test]
async fn cancelling_a_ringout_ends_the_call_now() -> TestResult {
    let env = start().await;
    let to = "+16505550178";
    let made = env
        .post(
            RINGOUT,
            json!({"from": {"phoneNumber": "+16505550100"}, "to": {"phoneNumber": to}}),
        )
        .await;
    assert_eq!(made.status, 200, "{}", made.body);
    let path = format!("{RINGOUT}/{}", id_of(&made.body));
    env.sandbox.advance_clock(Duration::from_secs(2));
    assert_eq!(env.delete(&path).await.status, 204);
    let log = env
        .get_ok(
            "readUserCallLog",
            "/restapi/v1.0/account/~/extension/~/call-log?perPage=1000",
        )
        .await;
    let Some(record) = has_call_to(&log.body, to) else {
        panic!("the cancelled call is not in the call log: {}", log.body)
    };
    assert_eq!(record["result"], "Hang Up");
    assert_eq!(record["duration"], 0);
    let active = env
        .get_ok(
            "listExtensionActiveCalls",
            "/restapi/v1.0/account/~/extension/~/active-calls",
        )
        .await;
    assert!(has_call_to(&active.body, to).is_none());
    Ok(())
}

#[tokio::test]
async fn bad_ringouts_are_refused() -> TestResult {
    let env = start().await;
    let no_to = env
        .post(
            RINGOUT,
            json!({"from": {"phoneNumber": "+16505550100"}, "to": {}}),
        )
        .await;
    assert_eq!(no_to.status, 400, "{}", no_to.body);
    let bad = env
        .post(
            RINGOUT,
            json!({"from": {"phoneNumber": "+16505550100"}, "to": {"phoneNumber": "nobody"}}),
        )
        .await;
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert_eq!(bad.body["errors"][0]["parameterName"], "to.phoneNumber");
    let unknown = env.get(&format!("{RINGOUT}/0123456789abcdef")).await;
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.body["errorCode"], "CMN-102");

    // A user cannot place calls as the administrator.
    let (_, email) = env.regular_user().await;
    let theirs = env.token_for(&email).await;
    let admin = env.get("/restapi/v1.0/account/~/extension/~").await.body["id"].to_string();
    let refused = env
        .call_as(
            &theirs,
            Method::POST,
            &format!("/restapi/v1.0/account/~/extension/{admin}/ring-out"),
            Some(json!({"from": {"phoneNumber": "+16505550100"}, "to": {"phoneNumber": "+16505550101"}})),
        )
        .await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    Ok(())
}
