//! The stateful resources over HTTP: each test changes state through the API and reads it back,
//! checking every success body against the spec.

mod common;

use common::*;
use serde_json::{Value, json};

const ME: &str = "/restapi/v1.0/account/~/extension/~";

#[tokio::test]
async fn message_store_lists_reads_and_deletes() -> TestResult {
    let env = start().await;
    env.get_ok("listMessages", &format!("{ME}/message-store?perPage=5"))
        .await;
    let all = env.get(&format!("{ME}/message-store?perPage=1000")).await;
    let msgs = records(&all.body);
    assert!(msgs.len() > 3, "recent messages by default: {}", msgs.len());
    for kind in ["SMS", "VoiceMail", "Fax"] {
        let r = env
            .get(&format!(
                "{ME}/message-store?messageType={kind}&dateFrom=2000-01-01T00:00:00Z"
            ))
            .await;
        assert!(records(&r.body).iter().all(|m| m["type"] == json!(kind)));
        assert!(!records(&r.body).is_empty(), "no {kind}");
    }
    let fax = records(
        &env.get(&format!(
            "{ME}/message-store?messageType=Fax&dateFrom=2000-01-01T00:00:00Z"
        ))
        .await
        .body,
    )
    .remove(0);
    let id = fax["id"].as_i64().unwrap_or_default();
    env.get_ok("readMessage", &format!("{ME}/message-store/{id}"))
        .await;
    let att = fax["attachments"][0]["uri"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let pdf = env.http.get(&att).bearer_auth(&env.token).send().await?;
    assert_eq!(
        pdf.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/pdf")
    );
    let bytes = pdf.bytes().await?;
    assert!(bytes.starts_with(b"%PDF"));
    assert_eq!(
        bytes.len() as u64,
        fax["attachments"][0]["size"].as_u64().unwrap_or_default()
    );

    let upd = env
        .put(
            &format!("{ME}/message-store/{id}"),
            json!({"readStatus": "Unread"}),
        )
        .await;
    assert_eq!(upd.status, 200);
    assert_eq!(upd.body["readStatus"], json!("Unread"));
    assert_eq!(
        env.delete(&format!("{ME}/message-store/{id}")).await.status,
        204
    );
    assert_eq!(
        env.get(&format!("{ME}/message-store/{id}")).await.body["availability"],
        json!("Deleted")
    );
    assert_eq!(
        env.delete(&format!("{ME}/message-store/{id}")).await.status,
        204
    );
    let gone = env.get(&format!("{ME}/message-store/{id}")).await;
    assert_eq!(
        (gone.status, gone.body["errorCode"].clone()),
        (404, json!("CMN-102"))
    );
    Ok(())
}

#[tokio::test]
async fn sms_is_sent_and_delivered_to_a_colleague() -> TestResult {
    let env = start().await;
    let (from, to) = env.sms_numbers().await;
    let (_, email) = env.regular_user().await;
    let sent = env.post(&format!("{ME}/sms"), json!({"from": {"phoneNumber": from}, "to": [{"phoneNumber": to}], "text": "Hello from the sandbox"})).await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    check_schema("createSMSMessage", 200, &sent.body);
    assert_eq!(sent.body["direction"], json!("Outbound"));
    let token = env.token_for(&email).await;
    let inbox = env
        .call_as(
            &token,
            reqwest::Method::GET,
            "/restapi/v1.0/account/~/extension/~/message-store?messageType=SMS&direction=Inbound",
            None,
        )
        .await;
    assert!(
        records(&inbox.body)
            .iter()
            .any(|m| m["subject"] == json!("Hello from the sandbox"))
    );

    let bad = env.post(&format!("{ME}/sms"), json!({"from": {"phoneNumber": "+19999999999"}, "to": [{"phoneNumber": to}], "text": "x"})).await;
    assert_eq!(bad.status, 400);
    let missing = env
        .post(
            &format!("{ME}/sms"),
            json!({"from": {"phoneNumber": from}, "to": [{"phoneNumber": to}]}),
        )
        .await;
    assert_eq!(
        (
            missing.status,
            missing.body["errors"][0]["parameterName"].clone()
        ),
        (400, json!("text"))
    );
    Ok(())
}

#[tokio::test]
async fn sms_sent_as_multipart_is_handled_like_json() -> TestResult {
    let env = start().await;
    let (from, to) = env.sms_numbers().await;
    // `multipart/form-data` with a JSON part per member, as RingCentral's SDKs build it.
    let form = format!(
        "--B\r\nContent-Disposition: form-data; name=\"from\"\r\nContent-Type: application/json\r\n\r\n{{\"phoneNumber\": \"{from}\"}}\r\n\
         --B\r\nContent-Disposition: form-data; name=\"to\"\r\nContent-Type: application/json\r\n\r\n[{{\"phoneNumber\": \"{to}\"}}]\r\n\
         --B\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\nSent as form data\r\n--B--\r\n"
    );
    // `multipart/mixed`: the whole request in a first JSON part, then an attachment.
    let mixed = format!(
        "--B\r\nContent-Type: application/json\r\n\r\n{{\"from\": {{\"phoneNumber\": \"{from}\"}}, \"to\": [{{\"phoneNumber\": \"{to}\"}}], \"text\": \"Sent as mixed\"}}\r\n\
         --B\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename=\"note.txt\"\r\n\r\nnote\r\n--B--\r\n"
    );
    for (media, body, text) in [
        ("multipart/form-data", form, "Sent as form data"),
        ("multipart/mixed", mixed, "Sent as mixed"),
    ] {
        let r = env
            .raw(
                reqwest::Method::POST,
                &format!("{ME}/sms"),
                &[("content-type", &format!("{media}; boundary=B"))],
                Some(body.into_bytes()),
            )
            .await;
        let sent = r.body;
        assert_eq!(r.status, 200, "{media}: {sent}");
        check_schema("createSMSMessage", 200, &sent);
        assert_eq!(sent["subject"], json!(text));
        assert_eq!(sent["from"]["phoneNumber"], json!(from));
        let id = sent["id"].as_i64().unwrap_or_default();
        let stored = env.get(&format!("{ME}/message-store/{id}")).await;
        assert_eq!(stored.body["subject"], json!(text), "{media}");
    }
    // A multipart body missing a member is refused as a JSON one would be.
    let partial = format!(
        "--B\r\nContent-Disposition: form-data; name=\"from\"\r\nContent-Type: application/json\r\n\r\n{{\"phoneNumber\": \"{from}\"}}\r\n--B--\r\n"
    );
    let r = env
        .raw(
            reqwest::Method::POST,
            &format!("{ME}/sms"),
            &[("content-type", "multipart/form-data; boundary=B")],
            Some(partial.into_bytes()),
        )
        .await;
    assert_eq!(
        (r.status, r.body["errorCode"].clone()),
        (400, json!("CMN-100"))
    );
    Ok(())
}

/// Ids of the mailbox's first `n` messages.
async fn message_ids(env: &Env, n: usize) -> Vec<String> {
    let list = env
        .get(&format!(
            "{ME}/message-store?perPage={n}&dateFrom=2000-01-01T00:00:00Z"
        ))
        .await;
    records(&list.body)
        .iter()
        .map(|m| m["id"].to_string())
        .collect()
}

async fn read_status(env: &Env, id: &str) -> Value {
    env.get(&format!("{ME}/message-store/{id}")).await.body["readStatus"].clone()
}

#[tokio::test]
async fn message_updates_change_the_store_one_by_one_and_in_bulk() -> TestResult {
    let env = start().await;
    let ids = message_ids(&env, 3).await;
    assert_eq!(ids.len(), 3);
    // PATCH changes the stored message, as PUT does.
    for status in ["Unread", "Read"] {
        let r = env
            .call(
                reqwest::Method::PATCH,
                &format!("{ME}/message-store/{}", ids[0]),
                Some(json!({"readStatus": status})),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        check_schema("patchMessage", 200, &r.body);
        assert_eq!(read_status(&env, &ids[0]).await, json!(status));
    }
    // RingCentral's bulk body: one entry per message, answered 207 with one result each.
    let bulk = json!([
        {"resourceId": ids[0], "body": {"readStatus": "Unread"}},
        {"resourceId": ids[1], "body": {"readStatus": "Unread"}},
        {"resourceId": "404", "body": {"readStatus": "Unread"}}
    ]);
    for method in [reqwest::Method::PUT, reqwest::Method::PATCH] {
        let r = env
            .raw(
                method.clone(),
                &format!("{ME}/message-store/*"),
                &[("content-type", "application/vnd.ringcentral.multipart+json")],
                Some(bulk.to_string().into_bytes()),
            )
            .await;
        let body = &r.body;
        assert_eq!(r.status, 207, "{method}: {body}");
        assert_eq!(
            r.header("content-type"),
            Some("application/vnd.ringcentral.multipart+json")
        );
        check_schema("updateMessage", 207, body);
        let statuses: Vec<Value> = records_of(body, "status");
        assert_eq!(statuses, [json!(200), json!(200), json!(404)]);
        assert_eq!(body[2]["body"]["errorCode"], json!("CMN-102"));
    }
    for id in &ids[..2] {
        assert_eq!(read_status(&env, id).await, json!("Unread"));
    }
    assert!(read_status(&env, &ids[2]).await.is_string());
    // Ids in the path with one JSON body: every message gets it; the answer is a multipart batch.
    let r = env
        .raw(
            reqwest::Method::PUT,
            &format!("{ME}/message-store/{},{}", ids[1], ids[2]),
            &[("content-type", "application/json")],
            Some(br#"{"readStatus": "Read"}"#.to_vec()),
        )
        .await;
    let status = r.status;
    assert_eq!(status, 207);
    let ct = r.header("content-type").unwrap_or_default();
    assert!(ct.starts_with("multipart/mixed; boundary="), "{ct}");
    let parts = batch_parts(&r);
    let statuses: Vec<Value> = records_of(&parts[0]["response"], "status");
    assert_eq!(statuses, [json!(200), json!(200)]);
    assert_eq!(parts.len(), 3);
    for id in &ids[1..] {
        assert_eq!(read_status(&env, id).await, json!("Read"));
    }
    // PATCH restores a message from the trash.
    assert_eq!(
        env.delete(&format!("{ME}/message-store/{}", ids[0]))
            .await
            .status,
        204
    );
    let restored = env
        .call(
            reqwest::Method::PATCH,
            &format!("{ME}/message-store/{}", ids[0]),
            Some(json!({"availability": "Alive"})),
        )
        .await;
    assert_eq!(restored.body["availability"], json!("Alive"));
    // A PUT needs the read status.
    let r = env
        .put(&format!("{ME}/message-store/{}", ids[0]), json!({}))
        .await;
    assert_eq!(
        (r.status, r.body["errors"][0]["parameterName"].clone()),
        (400, json!("readStatus"))
    );
    Ok(())
}

/// The JSON parts of a `multipart/mixed` batch answer, summary first (`Null` for an empty part).
fn batch_parts(r: &Reply) -> Vec<Value> {
    let ct = r.header("content-type").unwrap_or_default();
    let boundary = ct.split("boundary=").nth(1).unwrap_or_default();
    assert!(
        ct.starts_with("multipart/mixed") && !boundary.is_empty(),
        "{ct}"
    );
    let text = String::from_utf8_lossy(&r.bytes).into_owned();
    let delimiter = format!("--{boundary}");
    let mut parts = Vec::new();
    for chunk in text.split(delimiter.as_str()).skip(1) {
        if chunk.starts_with("--") {
            break;
        }
        let body = chunk
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.trim())
            .unwrap_or("");
        parts.push(if body.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(body).unwrap_or_else(|e| panic!("part {body}: {e}"))
        });
    }
    parts
}

#[tokio::test]
async fn contacts_and_call_records_in_bulk() -> TestResult {
    let env = start().await;
    let base = format!("{ME}/address-book/contact");
    let mut ids = Vec::new();
    for last in ["Alpha", "Bravo"] {
        let created = env
            .post(&base, json!({"firstName": "Bulk", "lastName": last}))
            .await;
        assert_eq!(created.status, 200, "{}", created.body);
        ids.push(created.body["id"].to_string());
    }
    // Reads: a summary part with each record's address and status, then one part per id.
    let r = env
        .raw(
            reqwest::Method::GET,
            &format!("{base}/{},{},404", ids[0], ids[1]),
            &[],
            None,
        )
        .await;
    assert_eq!(r.status, 207);
    let parts = batch_parts(&r);
    assert_eq!(parts.len(), 4, "{parts:?}");
    let summary = parts[0]["response"].as_array().ok_or("no summary")?;
    let statuses: Vec<Value> = summary.iter().map(|e| e["status"].clone()).collect();
    assert_eq!(statuses, [json!(200), json!(200), json!(404)]);
    assert_eq!(summary[2]["responseDescription"], json!("Not Found"));
    let href = summary[0]["href"].as_str().unwrap_or_default();
    assert!(
        href.ends_with(&format!("/address-book/contact/{}", ids[0])),
        "{href}"
    );
    assert_eq!(parts[1]["lastName"], json!("Alpha"));
    assert_eq!(parts[2]["lastName"], json!("Bravo"));
    assert_eq!(parts[3]["errorCode"], json!("CMN-102"));
    // The JSON form, when asked for.
    let r = env
        .raw(
            reqwest::Method::GET,
            &format!("{base}/{},{}", ids[0], ids[1]),
            &[("accept", "application/vnd.ringcentral.multipart+json")],
            None,
        )
        .await;
    assert_eq!(r.status, 207);
    assert_eq!(
        records_of(&r.body, "resourceId"),
        [json!(ids[0]), json!(ids[1])]
    );
    // One body for every contact in the path.
    let r = env
        .raw(
            reqwest::Method::PUT,
            &format!("{base}/{},{}", ids[0], ids[1]),
            &[("content-type", "application/json")],
            Some(br#"{"firstName": "Bulk", "lastName": "Same"}"#.to_vec()),
        )
        .await;
    assert_eq!(r.status, 207);
    for id in &ids {
        let read = env.get_ok("readContact", &format!("{base}/{id}")).await;
        assert_eq!(read.body["lastName"], json!("Same"));
    }
    // Deletes: 207 when one of them fails, and the others are gone all the same.
    let r = env
        .raw(
            reqwest::Method::DELETE,
            &format!("{base}/{},404", ids[0]),
            &[],
            None,
        )
        .await;
    assert_eq!(r.status, 207);
    let parts = batch_parts(&r);
    let statuses: Vec<Value> = records_of(&parts[0]["response"], "status");
    assert_eq!(statuses, [json!(204), json!(404)]);
    assert_eq!(parts[1], Value::Null);
    assert_eq!(env.get(&format!("{base}/{}", ids[0])).await.status, 404);
    // 204 when every one was deleted.
    assert_eq!(env.delete(&format!("{base}/{}", ids[1])).await.status, 204);
    // Call records read in bulk as well.
    let log = env
        .get_ok("readUserCallLog", &format!("{ME}/call-log?perPage=2"))
        .await;
    let calls: Vec<String> = records(&log.body)
        .iter()
        .filter_map(|c| c["id"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(calls.len(), 2);
    let r = env
        .raw(
            reqwest::Method::GET,
            &format!("{ME}/call-log/{},{}", calls[0], calls[1]),
            &[],
            None,
        )
        .await;
    assert_eq!(r.status, 207);
    let parts = batch_parts(&r);
    assert_eq!(parts[1]["id"], json!(calls[0]));
    assert_eq!(parts[2]["id"], json!(calls[1]));
    // More than 50 ids is refused.
    let many: Vec<String> = (0..51).map(|i| i.to_string()).collect();
    let r = env.get(&format!("{base}/{}", many.join(","))).await;
    assert_eq!(
        (r.status, r.body["errors"][0]["parameterName"].clone()),
        (400, json!("contactId"))
    );
    Ok(())
}

fn records_of(list: &Value, key: &str) -> Vec<Value> {
    list.as_array()
        .into_iter()
        .flatten()
        .map(|e| e[key].clone())
        .collect()
}

#[tokio::test]
async fn stateful_requests_are_checked_against_the_spec() -> TestResult {
    let env = start().await;
    let path = format!("{ME}/address-book/contact");
    let r = env.post(&path, json!({"firstName": 5})).await;
    assert_eq!(
        (r.status, r.body["errors"][0]["parameterName"].clone()),
        (400, json!("firstName"))
    );
    assert_eq!(r.body["errorCode"], json!("CMN-101"));
    let r = env
        .post(&path, json!({"businessAddress": {"city": 7}}))
        .await;
    assert_eq!(
        r.body["errors"][0]["parameterName"],
        json!("businessAddress.city")
    );
    let r = env.get(&format!("{path}?page=1001")).await;
    assert_eq!(
        (r.status, r.body["errors"][0]["parameterName"].clone()),
        (400, json!("page"))
    );
    let r = env.get(&format!("{path}?perPage=ten")).await;
    assert_eq!(r.body["errors"][0]["parameterName"], json!("perPage"));
    // Members the schema does not know are left alone, as RingCentral ignores them.
    let r = env
        .post(&path, json!({"firstName": "Ann", "unknownThing": 1}))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    Ok(())
}

#[tokio::test]
async fn extensions_are_created_and_deleted_by_administrators() -> TestResult {
    let env = start().await;
    let base = "/restapi/v1.0/account/~/extension";
    let body = json!({
        "type": "User",
        "contact": {"firstName": "Grace", "lastName": "Hopper", "email": "grace.hopper@example.com"},
    });
    let created = env.post(base, body.clone()).await;
    assert_eq!(created.status, 200, "{}", created.body);
    check_schema("createExtension", 200, &created.body);
    assert_eq!(created.body["name"], json!("Grace Hopper"));
    assert_eq!(created.body["status"], json!("NotActivated"));
    let id = created.body["id"].as_i64().ok_or("no id")?;
    let number = created.body["extensionNumber"].as_str().unwrap_or_default();
    assert!(!number.is_empty());
    // It is read, listed, and a SCIM user too.
    let read = env.get_ok("readExtension", &format!("{base}/{id}")).await;
    assert_eq!(
        read.body["contact"]["email"],
        json!("grace.hopper@example.com")
    );
    let listed = env.get(&format!("{base}?perPage=1000")).await;
    assert!(records(&listed.body).iter().any(|e| e["id"] == json!(id)));
    let scim = env
        .get("/scim/v2/Users?filter=userName%20eq%20%22grace.hopper@example.com%22")
        .await;
    assert_eq!(scim.body["totalResults"], json!(1), "{}", scim.body);
    // The same email, or a number in use, is refused.
    let again = env.post(base, body).await;
    assert_eq!(again.status, 409, "{}", again.body);
    let taken = env
        .post(
            base,
            json!({"type": "User", "extensionNumber": number, "contact": {"firstName": "Ada", "email": "ada@example.com"}}),
        )
        .await;
    assert_eq!(
        (
            taken.status,
            taken.body["errors"][0]["parameterName"].clone()
        ),
        (400, json!("extensionNumber"))
    );
    // A colleague may do neither.
    let (_, email) = env.regular_user().await;
    let theirs = env.token_for(&email).await;
    let forbidden = env
        .call_as(
            &theirs,
            reqwest::Method::DELETE,
            &format!("{base}/{id}"),
            None,
        )
        .await;
    assert_eq!(forbidden.status, 403);
    // Deleted, it is gone from the extensions and from SCIM.
    assert_eq!(env.delete(&format!("{base}/{id}")).await.status, 204);
    assert_eq!(env.get(&format!("{base}/{id}")).await.status, 404);
    let scim = env.get(&format!("/scim/v2/Users/{id}")).await;
    assert_eq!(scim.status, 404);
    // An administrator cannot delete their own extension.
    let me = env.sandbox.credentials().extension_id;
    let own = env.delete(&format!("{base}/{me}")).await;
    assert_eq!(own.status, 400, "{}", own.body);
    Ok(())
}

#[tokio::test]
async fn call_queue_settings_are_updated() -> TestResult {
    let env = start().await;
    let list = env
        .get_ok("listCallQueues", "/restapi/v1.0/account/~/call-queues")
        .await;
    let q = first_id(&list.body);
    let url = format!("/restapi/v1.0/account/~/call-queues/{q}");
    let r = env
        .put(
            &url,
            json!({
                "name": "Escalations",
                "alertTimer": 45,
                "editableMemberStatus": false,
                "serviceLevelSettings": {"slaGoal": 90, "slaThresholdSeconds": 20},
            }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    check_schema("updateCallQueueInfo", 200, &r.body);
    let read = env.get_ok("readCallQueueInfo", &url).await;
    assert_eq!(read.body["name"], json!("Escalations"));
    assert_eq!(read.body["alertTimer"], json!(45));
    assert_eq!(read.body["editableMemberStatus"], json!(false));
    assert_eq!(read.body["serviceLevelSettings"]["slaGoal"], json!(90));
    // A value the spec does not allow, and a colleague, are refused.
    assert_eq!(env.put(&url, json!({"alertTimer": 7})).await.status, 400);
    let (_, email) = env.regular_user().await;
    let theirs = env.token_for(&email).await;
    let forbidden = env
        .call_as(
            &theirs,
            reqwest::Method::PUT,
            &url,
            Some(json!({"name": "Mine"})),
        )
        .await;
    assert_eq!(forbidden.status, 403);
    Ok(())
}

#[tokio::test]
async fn account_presence_pages_through_every_user() -> TestResult {
    let env = start().await;
    let me = env.sandbox.credentials().extension_id;
    env.put(&format!("{ME}/presence"), json!({"userStatus": "Busy"}))
        .await;
    let mut seen = Vec::new();
    let mut url = Some("/restapi/v1.0/account/~/presence?perPage=20".to_owned());
    for _ in 0..20 {
        let Some(next) = url.take() else { break };
        let page = env.get_ok("readAccountPresence", &next).await;
        seen.extend(records(&page.body));
        url = page.body["navigation"]["nextPage"]["uri"]
            .as_str()
            .map(|u| u.replacen(env.sandbox.url(), "", 1));
    }
    assert!(url.is_none(), "more pages than expected");
    let users = env
        .get("/restapi/v1.0/account/~/extension?type=User&perPage=1000")
        .await;
    assert_eq!(seen.len(), records(&users.body).len());
    let mine = seen
        .iter()
        .find(|p| p["extension"]["id"] == json!(me))
        .ok_or("the caller's presence is missing")?;
    assert_eq!(mine["userStatus"], json!("Busy"));
    Ok(())
}

#[tokio::test]
async fn contacts_crud() -> TestResult {
    let env = start().await;
    let base = format!("{ME}/address-book/contact");
    let list = env
        .get_ok("listContacts", &format!("{base}?sortBy=LastName"))
        .await;
    let names: Vec<String> = records(&list.body)
        .iter()
        .map(|c| c["lastName"].as_str().unwrap_or("").to_lowercase())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    let created = env.post(&base, json!({"firstName": "Zed", "lastName": "Zulu", "email": "zed@example.com", "businessAddress": {"city": "Oslo"}})).await;
    assert_eq!(created.status, 200, "{}", created.body);
    check_schema("createContact", 200, &created.body);
    let id = created.body["id"].as_i64().unwrap_or_default();
    let read = env.get_ok("readContact", &format!("{base}/{id}")).await;
    assert_eq!(read.body["businessAddress"]["city"], json!("Oslo"));
    let found = env.get(&format!("{base}?startsWith=zu")).await;
    assert!(records(&found.body).iter().any(|c| c["id"] == json!(id)));
    let upd = env
        .put(
            &format!("{base}/{id}"),
            json!({"firstName": "Zed", "lastName": "Zebra"}),
        )
        .await;
    assert_eq!(upd.body["lastName"], json!("Zebra"));
    assert!(upd.body.get("email").is_none(), "PUT replaces the contact");
    let bad = env.post(&base, json!({"firstName": 3})).await;
    assert_eq!(
        (bad.status, bad.body["errors"][0]["parameterName"].clone()),
        (400, json!("firstName"))
    );
    assert_eq!(env.delete(&format!("{base}/{id}")).await.status, 204);
    assert_eq!(env.get(&format!("{base}/{id}")).await.status, 404);
    Ok(())
}

#[tokio::test]
async fn call_log_and_active_calls() -> TestResult {
    let env = start().await;
    let log = env
        .get_ok(
            "readUserCallLog",
            &format!("{ME}/call-log?view=Detailed&perPage=max"),
        )
        .await;
    let recs = records(&log.body);
    assert!(!recs.is_empty());
    let inbound = env
        .get(&format!(
            "{ME}/call-log?direction=Inbound&dateFrom=2000-01-01T00:00:00Z"
        ))
        .await;
    assert!(
        records(&inbound.body)
            .iter()
            .all(|r| r["direction"] == json!("Inbound"))
    );
    let id = recs[0]["id"].as_str().unwrap_or_default();
    env.get_ok("readUserCallRecord", &format!("{ME}/call-log/{id}"))
        .await;
    // The administrator (the first seeded user) is on a call.
    let active = env
        .get_ok("listExtensionActiveCalls", &format!("{ME}/active-calls"))
        .await;
    assert!(
        records(&active.body)
            .iter()
            .all(|r| r["result"] == json!("In Progress"))
    );
    assert!(!records(&active.body).is_empty());
    let presence = env
        .get_ok("readUserPresenceStatus", &format!("{ME}/presence"))
        .await;
    assert_eq!(presence.body["telephonyStatus"], json!("CallConnected"));
    Ok(())
}

#[tokio::test]
async fn presence_updates() -> TestResult {
    let env = start().await;
    let r = env.put(&format!("{ME}/presence"), json!({"userStatus": "Busy", "dndStatus": "DoNotAcceptAnyCalls", "message": "Heads down"})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    check_schema("updateUserPresenceStatus", 200, &r.body);
    let again = env.get(&format!("{ME}/presence")).await;
    assert_eq!(again.body["userStatus"], json!("Busy"));
    assert_eq!(again.body["presenceStatus"], json!("Busy"));
    assert_eq!(
        env.put(&format!("{ME}/presence"), json!({"userStatus": "Sleepy"}))
            .await
            .status,
        400
    );
    // Every value the spec lists is taken and kept, `Unknown` included.
    let r = env
        .put(
            &format!("{ME}/presence"),
            json!({"dndStatus": "Unknown", "dndStatusPersonal": "Unknown", "callerIdVisibility": "PermittedUsers", "message": ""}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    check_schema("updateUserPresenceStatus", 200, &r.body);
    let again = env
        .get_ok("readUserPresenceStatus", &format!("{ME}/presence"))
        .await;
    assert_eq!(again.body["dndStatus"], json!("Unknown"));
    assert_eq!(again.body["dndStatusPersonal"], json!("Unknown"));
    assert_eq!(again.body["callerIdVisibility"], json!("PermittedUsers"));
    assert!(again.body.get("message").is_none());
    // Department states are for call queue members only, as the spec says.
    let queues = env.get("/restapi/v1.0/account/~/call-queues").await;
    let mut members = std::collections::HashSet::new();
    for q in records(&queues.body) {
        let list = env
            .get(&format!(
                "/restapi/v1.0/account/~/call-queues/{}/members?perPage=1000",
                q["id"].as_str().unwrap_or_default()
            ))
            .await;
        members.extend(records(&list.body).iter().map(|m| m["id"].to_string()));
    }
    let users = env
        .get("/restapi/v1.0/account/~/extension?type=User&status=Enabled&perPage=1000")
        .await;
    let pick = |member: bool| {
        records(&users.body)
            .into_iter()
            .find(|u| {
                u["permissions"]["admin"]["enabled"] == json!(false)
                    && members.contains(&u["id"].to_string()) == member
            })
            .and_then(|u| u["contact"]["email"].as_str().map(str::to_owned))
    };
    let (Some(member), Some(outsider)) = (pick(true), pick(false)) else {
        panic!("the seed has queue members and users outside queues");
    };
    let department_dnd = json!({"dndStatus": "DoNotAcceptDepartmentCalls"});
    let path = format!("{ME}/presence");
    let token = env.token_for(&member).await;
    let r = env
        .call_as(
            &token,
            reqwest::Method::PUT,
            &path,
            Some(department_dnd.clone()),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["dndStatus"], json!("DoNotAcceptDepartmentCalls"));
    let token = env.token_for(&outsider).await;
    let r = env
        .call_as(&token, reqwest::Method::PUT, &path, Some(department_dnd))
        .await;
    assert_eq!(
        (r.status, r.body["errors"][0]["parameterName"].clone()),
        (400, json!("dndStatus"))
    );
    Ok(())
}

#[tokio::test]
async fn team_messaging_pages_with_tokens() -> TestResult {
    let env = start().await;
    let first = env
        .get_ok("listGlipChatsNew", "/team-messaging/v1/chats?recordCount=2")
        .await;
    let mut seen: Vec<String> = records(&first.body)
        .iter()
        .map(|c| c["id"].as_str().unwrap_or_default().to_owned())
        .collect();
    let mut token = first.body["navigation"]["nextPageToken"]
        .as_str()
        .map(str::to_owned);
    let mut guard = 0;
    while let Some(t) = token.take() {
        guard += 1;
        assert!(guard < 100);
        let page = env
            .get(&format!(
                "/team-messaging/v1/chats?recordCount=2&pageToken={t}"
            ))
            .await;
        seen.extend(
            records(&page.body)
                .iter()
                .map(|c| c["id"].as_str().unwrap_or_default().to_owned()),
        );
        token = page.body["navigation"]["nextPageToken"]
            .as_str()
            .map(str::to_owned);
    }
    let all = env.get("/team-messaging/v1/chats?recordCount=250").await;
    assert_eq!(seen.len(), records(&all.body).len());
    // Above 250 the spec refuses; a count of zero or less, which it lets through, reads as 1.
    let over = env.get("/team-messaging/v1/chats?recordCount=251").await;
    assert_eq!(
        (over.status, over.body["errors"][0]["parameterName"].clone()),
        (400, json!("recordCount"))
    );
    let one = env.get("/team-messaging/v1/chats?recordCount=-3").await;
    assert_eq!(one.status, 200, "{}", one.body);
    assert_eq!(records(&one.body).len(), 1);
    let team = env.post("/team-messaging/v1/teams", json!({"name": "Launch", "public": true, "members": [{"email": env.regular_user().await.1}]})).await;
    assert_eq!(team.status, 201, "{}", team.body);
    check_schema("createGlipTeamNew", 201, &team.body);
    let chat = team.body["id"].as_str().unwrap_or_default().to_owned();
    let post = env
        .post(
            &format!("/team-messaging/v1/chats/{chat}/posts"),
            json!({"text": "Kickoff at 10"}),
        )
        .await;
    assert_eq!(post.status, 201, "{}", post.body);
    check_schema("createGlipPostNew", 201, &post.body);
    let posts = env
        .get_ok(
            "readGlipPostsNew",
            &format!("/team-messaging/v1/chats/{chat}/posts"),
        )
        .await;
    assert_eq!(records(&posts.body)[0]["text"], json!("Kickoff at 10"));
    let teams = env
        .get_ok("listGlipTeamsNew", "/team-messaging/v1/teams")
        .await;
    assert!(records(&teams.body).iter().any(|t| t["id"] == json!(chat)));
    let bad = env.get("/team-messaging/v1/chats?pageToken=nonsense").await;
    assert_eq!(bad.status, 400);
    for t in records(&all.body)
        .iter()
        .filter(|c| c["type"] == json!("Team"))
        .take(3)
    {
        env.get_ok(
            "listChatTasksNew",
            &format!(
                "/team-messaging/v1/chats/{}/tasks",
                t["id"].as_str().unwrap_or_default()
            ),
        )
        .await;
    }
    Ok(())
}

#[tokio::test]
async fn video_bridges_crud() -> TestResult {
    let env = start().await;
    let created = env.post("/rcvideo/v2/account/~/extension/~/bridges", json!({"name": "Weekly sync", "type": "Scheduled", "security": {"passwordProtected": true, "password": "s3cret"}})).await;
    assert_eq!(created.status, 201, "{}", created.body);
    check_schema("createBridge", 201, &created.body);
    let id = created.body["id"].as_str().unwrap_or_default().to_owned();
    let read = env
        .get_ok("getBridge", &format!("/rcvideo/v2/bridges/{id}"))
        .await;
    assert_eq!(read.body["name"], json!("Weekly sync"));
    assert!(
        read.body["discovery"]["web"]
            .as_str()
            .is_some_and(|u| u.contains("pw=s3cret"))
    );
    let patched = env
        .call(
            reqwest::Method::PATCH,
            &format!("/rcvideo/v2/bridges/{id}"),
            Some(json!({"name": "Renamed"})),
        )
        .await;
    assert_eq!(patched.body["name"], json!("Renamed"));
    assert_eq!(
        env.delete(&format!("/rcvideo/v2/bridges/{id}"))
            .await
            .status,
        204
    );
    assert_eq!(
        env.get(&format!("/rcvideo/v2/bridges/{id}")).await.status,
        404
    );
    Ok(())
}

#[tokio::test]
async fn directory_lists_with_etags_and_searches() -> TestResult {
    let env = start().await;
    let list = env
        .get_ok(
            "listDirectoryEntries",
            "/restapi/v1.0/account/~/directory/entries?perPage=all",
        )
        .await;
    let entries = records(&list.body);
    assert_eq!(
        list.body["paging"]["totalElements"].as_u64(),
        Some(entries.len() as u64)
    );
    assert!(
        entries
            .iter()
            .any(|e| e["account"]["id"] == json!("3000000004")),
        "federated entries"
    );
    assert!(entries.iter().all(|e| {
        ["Enabled", "Disabled", "NotActivated"].contains(&e["status"].as_str().unwrap_or(""))
    }));
    let etag = list.header("etag").unwrap_or_default().to_owned();
    assert!(etag.starts_with('"'));
    let cached = env
        .http
        .get(env.url("/restapi/v1.0/account/~/directory/entries?perPage=all"))
        .bearer_auth(&env.token)
        .header("If-None-Match", &etag)
        .send()
        .await?;
    assert_eq!(cached.status().as_u16(), 304);
    assert!(cached.bytes().await?.is_empty());
    let local = env
        .get("/restapi/v1.0/account/~/directory/entries?showFederated=false&perPage=2000")
        .await;
    assert!(
        records(&local.body)
            .iter()
            .all(|e| e.get("account").is_none())
    );
    // Unknown directory paths and methods answer in the directory's own codes.
    let unknown = env.get("/restapi/v1.0/account/~/directory/nowhere").await;
    assert_eq!(
        (unknown.status, unknown.body["errorCode"].clone()),
        (404, json!("ADG-200"))
    );
    let wrong = env
        .post("/restapi/v1.0/account/~/directory/entries", json!({}))
        .await;
    assert_eq!(
        (wrong.status, wrong.body["errorCode"].clone()),
        (405, json!("ADG-102"))
    );
    assert!(
        wrong.body["errors"][0]["errorCode"]
            .as_str()
            .is_some_and(|c| c.starts_with("ErrorCode{code='ADG-102'"))
    );
    let missing = env
        .get("/restapi/v1.0/account/~/directory/entries/99999")
        .await;
    assert_eq!(
        (missing.status, missing.body["errorCode"].clone()),
        (404, json!("ADG-122"))
    );
    // The directory takes up to 2000 a page, but its paging model reports at most 1000.
    check_schema("listDirectoryEntries", 200, &local.body);
    assert_eq!(local.body["paging"]["perPage"], json!(1000));
    assert_eq!(
        env.get("/restapi/v1.0/account/~/directory/entries?perPage=2001")
            .await
            .status,
        400
    );

    let id = entries[0]["id"].as_str().unwrap_or_default().to_owned();
    let one = env
        .get_ok(
            "readDirectoryEntry",
            &format!("/restapi/v1.0/account/~/directory/entries/{id}"),
        )
        .await;
    let tag = one.header("etag").unwrap_or_default().to_owned();
    let again = env
        .http
        .get(env.url(&format!("/restapi/v1.0/account/~/directory/entries/{id}")))
        .bearer_auth(&env.token)
        .header("If-None-Match", &tag)
        .send()
        .await?;
    assert_eq!(again.status().as_u16(), 304);
    // A change to the entry changes its ETag.
    env.put(
        &format!("/restapi/v1.0/account/~/extension/{id}"),
        json!({"contact": {"jobTitle": "Changed"}}),
    )
    .await;
    let changed = env
        .http
        .get(env.url(&format!("/restapi/v1.0/account/~/directory/entries/{id}")))
        .bearer_auth(&env.token)
        .header("If-None-Match", &tag)
        .send()
        .await?;
    assert_eq!(changed.status().as_u16(), 200);

    let last = entries
        .iter()
        .find(|e| e["type"] == json!("User"))
        .and_then(|e| e["lastName"].as_str())
        .unwrap_or_default()
        .to_owned();
    let search = env.post("/restapi/v1.0/account/~/directory/entries/search", json!({
        "searchString": last.to_lowercase(), "searchFields": ["lastName"], "extensionStatuses": ["Enabled"],
        "orderBy": [{"index": 1, "fieldName": "firstName", "direction": "Desc"}], "perPage": 50
    })).await;
    assert_eq!(search.status, 200, "{}", search.body);
    check_schema("searchDirectoryEntries", 200, &search.body);
    let hits = records(&search.body);
    assert!(!hits.is_empty());
    assert!(hits.iter().all(|h| {
        h["lastName"]
            .as_str()
            .is_some_and(|l| l.eq_ignore_ascii_case(&last))
            && h["status"] == json!("Enabled")
    }));
    let firsts: Vec<String> = hits
        .iter()
        .map(|h| h["firstName"].as_str().unwrap_or("").to_lowercase())
        .collect();
    let mut desc = firsts.clone();
    desc.sort_by(|a, b| b.cmp(a));
    assert_eq!(firsts, desc);
    let queues = env
        .post(
            "/restapi/v1.0/account/~/directory/entries/search",
            json!({"extensionType": "Department", "showFederated": false}),
        )
        .await;
    assert!(
        !records(&queues.body).is_empty()
            && records(&queues.body)
                .iter()
                .all(|e| e["type"] == json!("Department"))
    );
    let bad = env
        .post(
            "/restapi/v1.0/account/~/directory/entries/search",
            json!({"orderBy": [{"fieldName": "shoeSize"}]}),
        )
        .await;
    assert_eq!(bad.status, 400);
    let fed = env
        .get_ok(
            "readDirectoryFederation",
            "/restapi/v1.0/account/~/directory/federation",
        )
        .await;
    assert_eq!(fed.body["accounts"].as_array().map(Vec::len), Some(2));
    Ok(())
}

#[tokio::test]
async fn call_queues_and_members() -> TestResult {
    let env = start().await;
    let list = env
        .get_ok("listCallQueues", "/restapi/v1.0/account/~/call-queues")
        .await;
    let q = first_id(&list.body);
    env.get_ok(
        "readCallQueueInfo",
        &format!("/restapi/v1.0/account/~/call-queues/{q}"),
    )
    .await;
    let members = env
        .get_ok(
            "listCallQueueMembers",
            &format!("/restapi/v1.0/account/~/call-queues/{q}/members"),
        )
        .await;
    let before = records(&members.body).len();
    let (user, _) = env.regular_user().await;
    let already = records(&members.body)
        .iter()
        .any(|m| m["id"] == json!(user));
    let body = if already {
        json!({"removedExtensionIds": [user.to_string()]})
    } else {
        json!({"addedExtensionIds": [user.to_string()]})
    };
    assert_eq!(
        env.post(
            &format!("/restapi/v1.0/account/~/call-queues/{q}/bulk-assign"),
            body
        )
        .await
        .status,
        204
    );
    let after = records(
        &env.get(&format!("/restapi/v1.0/account/~/call-queues/{q}/members"))
            .await
            .body,
    )
    .len();
    assert_eq!(after, if already { before - 1 } else { before + 1 });
    let of_user = env
        .get(&format!(
            "/restapi/v1.0/account/~/call-queues?memberExtensionId={user}"
        ))
        .await;
    assert_eq!(
        records(&of_user.body).iter().any(|x| x["id"] == json!(q)),
        !already
    );
    Ok(())
}

#[tokio::test]
async fn answering_rules_and_forwarding_numbers() -> TestResult {
    let env = start().await;
    env.get_ok(
        "listAnsweringRules",
        &format!("{ME}/answering-rule?view=Detailed"),
    )
    .await;
    let (colleague, _) = env.regular_user().await;
    let created = env.post(&format!("{ME}/answering-rule"), json!({
        "type": "Custom", "name": "VIP", "callers": [{"callerId": "+12125550123"}],
        "callHandlingAction": "TransferToExtension", "transfer": {"extension": {"id": colleague.to_string()}}
    })).await;
    assert_eq!(created.status, 200, "{}", created.body);
    check_schema("createAnsweringRule", 200, &created.body);
    let id = created.body["id"].as_str().unwrap_or_default().to_owned();
    let upd = env
        .put(
            &format!("{ME}/answering-rule/{id}"),
            json!({"enabled": false}),
        )
        .await;
    check_schema("updateAnsweringRule", 200, &upd.body);
    assert_eq!(
        env.get(&format!("{ME}/answering-rule/{id}")).await.body["enabled"],
        json!(false)
    );
    let business = env
        .put(
            &format!("{ME}/answering-rule/business-hours-rule"),
            json!({"callHandlingAction": "TakeMessagesOnly"}),
        )
        .await;
    assert_eq!(
        business.body["callHandlingAction"],
        json!("TakeMessagesOnly")
    );
    assert_eq!(
        env.delete(&format!("{ME}/answering-rule/business-hours-rule"))
            .await
            .status,
        400
    );
    assert_eq!(
        env.delete(&format!("{ME}/answering-rule/{id}"))
            .await
            .status,
        204
    );
    assert_eq!(
        env.get(&format!("{ME}/answering-rule/{id}")).await.status,
        404
    );

    let fwd = env
        .post(
            &format!("{ME}/forwarding-number"),
            json!({"phoneNumber": "+14155550123", "label": "Cabin", "type": "Home"}),
        )
        .await;
    assert_eq!(fwd.status, 200, "{}", fwd.body);
    check_schema("createForwardingNumber", 200, &fwd.body);
    let fid = fwd.body["id"].as_str().unwrap_or_default().to_owned();
    let list = env
        .get_ok("listForwardingNumbers", &format!("{ME}/forwarding-number"))
        .await;
    assert!(records(&list.body).iter().any(|f| f["id"] == json!(fid)));
    let dup = env
        .post(
            &format!("{ME}/forwarding-number"),
            json!({"phoneNumber": "+14155550123"}),
        )
        .await;
    assert_eq!(dup.status, 400);
    let upd = env
        .put(
            &format!("{ME}/forwarding-number/{fid}"),
            json!({"label": "Lake house"}),
        )
        .await;
    check_schema("updateForwardingNumber", 200, &upd.body);
    assert_eq!(upd.body["label"], json!("Lake house"));
    let bulk = env
        .call(
            reqwest::Method::DELETE,
            &format!("{ME}/forwarding-number"),
            Some(json!({"records": [{"forwardingNumberId": fid}]})),
        )
        .await;
    assert_eq!(bulk.status, 204);
    assert_eq!(
        env.get(&format!("{ME}/forwarding-number/{fid}"))
            .await
            .status,
        404
    );
    Ok(())
}

#[tokio::test]
async fn forwarding_numbers_take_every_value_the_spec_allows() -> TestResult {
    let env = start().await;
    let path = format!("{ME}/forwarding-number");
    let types = [
        "Home",
        "Mobile",
        "Work",
        "PhoneLine",
        "Outage",
        "Other",
        "BusinessMobilePhone",
        "ExtensionApps",
    ];
    for (i, kind) in types.iter().enumerate() {
        let r = env
            .post(
                &path,
                json!({"phoneNumber": format!("+1415555{i:04}"), "type": kind, "flipNumber": i}),
            )
            .await;
        assert_eq!(r.status, 200, "{kind}: {}", r.body);
        check_schema("createForwardingNumber", 200, &r.body);
        assert_eq!(r.body["type"], json!(kind));
        assert_eq!(r.body["flipNumber"], json!(i.to_string()));
    }
    let first = env.get(&path).await;
    let some = records(&first.body)
        .into_iter()
        .find(|f| f["type"] == json!("Outage"))
        .and_then(|f| f["id"].as_str().map(str::to_owned))
        .unwrap_or_default();
    let r = env
        .put(&format!("{path}/{some}"), json!({"flipNumber": "7"}))
        .await;
    assert_eq!(r.body["flipNumber"], json!("7"), "{}", r.body);
    // A phone line forwards to a device of the account instead of a number.
    let devices = env.get(&format!("{ME}/device")).await;
    let device = first_id(&devices.body);
    let line = env
        .post(
            &path,
            json!({"type": "PhoneLine", "device": {"id": device}}),
        )
        .await;
    assert_eq!(line.status, 200, "{}", line.body);
    check_schema("createForwardingNumber", 200, &line.body);
    assert_eq!(line.body["device"]["id"], json!(device));
    let both = env
        .post(
            &path,
            json!({"type": "PhoneLine", "phoneNumber": "+14155550999", "device": {"id": device}}),
        )
        .await;
    assert_eq!(both.status, 400);
    let nowhere = env.post(&path, json!({"label": "Nowhere"})).await;
    assert_eq!(
        (nowhere.status, nowhere.body["errorCode"].clone()),
        (400, json!("CMN-100"))
    );
    let long = env
        .post(
            &path,
            json!({"phoneNumber": "+14155550998", "label": "x".repeat(61)}),
        )
        .await;
    assert_eq!(
        (long.status, long.body["errors"][0]["parameterName"].clone()),
        (400, json!("label"))
    );
    // The spec makes `records` optional: an empty bulk delete deletes nothing.
    let before = records(&env.get(&path).await.body).len();
    let none = env
        .call(reqwest::Method::DELETE, &path, Some(json!({})))
        .await;
    assert_eq!(none.status, 204);
    assert_eq!(records(&env.get(&path).await.body).len(), before);
    Ok(())
}

#[tokio::test]
async fn numbers_and_devices() -> TestResult {
    let env = start().await;
    let list = env
        .get_ok(
            "listAccountPhoneNumbers",
            "/restapi/v1.0/account/~/phone-number?perPage=10",
        )
        .await;
    let id = records(&list.body)[0]["id"].as_i64().unwrap_or_default();
    env.get_ok(
        "readAccountPhoneNumber",
        &format!("/restapi/v1.0/account/~/phone-number/{id}"),
    )
    .await;
    let devices = env
        .get_ok("listExtensionDevices", &format!("{ME}/device"))
        .await;
    let did = first_id(&devices.body);
    env.get_ok(
        "readDevice",
        &format!("/restapi/v1.0/account/~/device/{did}"),
    )
    .await;
    assert_eq!(
        env.get("/restapi/v1.0/account/~/device/42").await.status,
        404
    );
    Ok(())
}

#[tokio::test]
async fn subscriptions_create_renew_delete() -> TestResult {
    let env = start().await;
    let (hook, _) = receiver().await;
    let created = env
        .post(
            "/restapi/v1.0/subscription",
            json!({
                "eventFilters": ["/restapi/v1.0/account/~/extension/~/message-store"],
                "deliveryMode": {"transportType": "WebHook", "address": hook},
                "expiresIn": 3600
            }),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    check_schema("createSubscription", 200, &created.body);
    let me = env.sandbox.credentials().extension_id;
    assert_eq!(
        created.body["eventFilters"][0],
        json!(format!(
            "/restapi/v1.0/account/2000000004/extension/{me}/message-store"
        ))
    );
    let id = created.body["id"].as_str().unwrap_or_default().to_owned();
    env.sandbox
        .advance_clock(std::time::Duration::from_secs(1800));
    let renewed = env
        .post(&format!("/restapi/v1.0/subscription/{id}/renew"), json!({}))
        .await;
    assert_eq!(renewed.status, 200, "{}", renewed.body);
    check_schema("renewSubscription", 200, &renewed.body);
    assert_eq!(renewed.body["expiresIn"], json!(3600));
    env.get_ok("listSubscriptions", "/restapi/v1.0/subscription")
        .await;
    assert_eq!(
        env.delete(&format!("/restapi/v1.0/subscription/{id}"))
            .await
            .status,
        204
    );
    assert_eq!(
        env.get(&format!("/restapi/v1.0/subscription/{id}"))
            .await
            .status,
        404
    );
    let bad = env.post("/restapi/v1.0/subscription", json!({"eventFilters": ["nonsense"], "deliveryMode": {"transportType": "WebHook", "address": "https://example.com/h"}})).await;
    assert_eq!(bad.status, 400);
    Ok(())
}

#[tokio::test]
async fn message_sync_full_then_incremental() -> TestResult {
    let env = start().await;
    let full = env
        .get_ok(
            "syncMessages",
            &format!("{ME}/message-sync?syncType=FSync&recordCount=3"),
        )
        .await;
    assert_eq!(records(&full.body).len(), 3);
    assert_eq!(full.body["syncInfo"]["olderRecordsExist"], json!(true));
    let token = full.body["syncInfo"]["syncToken"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let nothing = env
        .get(&format!(
            "{ME}/message-sync?syncType=ISync&syncToken={token}"
        ))
        .await;
    assert!(records(&nothing.body).is_empty());
    env.sandbox.advance_clock(std::time::Duration::from_secs(1));
    let id = records(&full.body)[0]["id"].as_i64().unwrap_or_default();
    env.put(
        &format!("{ME}/message-store/{id}"),
        json!({"readStatus": "Read"}),
    )
    .await;
    let changed = env
        .get_ok(
            "syncMessages",
            &format!("{ME}/message-sync?syncType=ISync&syncToken={token}"),
        )
        .await;
    assert_eq!(
        records(&changed.body)
            .iter()
            .map(|m| m["id"].as_i64())
            .collect::<Vec<_>>(),
        vec![Some(id)]
    );
    assert_eq!(changed.body["syncInfo"]["syncType"], json!("ISync"));
    let bad = env
        .get(&format!(
            "{ME}/message-sync?syncType=ISync&syncToken=garbage"
        ))
        .await;
    assert_eq!(
        (bad.status, bad.body["errors"][0]["parameterName"].clone()),
        (400, json!("syncToken"))
    );
    env.get_ok(
        "syncUserCallLog",
        &format!("{ME}/call-log-sync?syncType=FSync&recordCount=5"),
    )
    .await;
    Ok(())
}

#[tokio::test]
async fn ivr_menus() -> TestResult {
    let env = start().await;
    let list = env
        .get_ok("readIvrMenuList", "/restapi/v1.0/account/~/ivr-menus")
        .await;
    let id = first_id(&list.body);
    let menu = env
        .get_ok(
            "readIVRMenu",
            &format!("/restapi/v1.0/account/~/ivr-menus/{id}"),
        )
        .await;
    let first = menu.body["actions"][0]["extension"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let queue = env
        .get(&format!("/restapi/v1.0/account/~/call-queues/{first}"))
        .await;
    assert_eq!(queue.status, 200, "key 1 connects to a call queue");
    Ok(())
}

#[tokio::test]
async fn directory_filters_and_pages() -> TestResult {
    let env = start().await;
    let base = "/restapi/v1.0/account/~/directory/entries";
    let non_users = env
        .get_ok("listDirectoryEntries", &format!("{base}?typeGroup=NonUser"))
        .await;
    let types: Vec<Value> = records(&non_users.body)
        .iter()
        .map(|e| e["type"].clone())
        .collect();
    assert!(
        !types.is_empty() && !types.contains(&json!("User")),
        "{types:?}"
    );
    let queues = env
        .get(&format!("{base}?type=Department&showFederated=false"))
        .await;
    assert!(
        records(&queues.body)
            .iter()
            .all(|e| e["type"] == json!("Department"))
    );
    let sites = records(&env.get(&format!("{base}?perPage=all")).await.body);
    let site = sites
        .iter()
        .find_map(|e| e["site"]["id"].as_str())
        .unwrap_or_default()
        .to_owned();
    let at_site = env.get(&format!("{base}?siteId={site}&perPage=all")).await;
    assert!(!records(&at_site.body).is_empty());
    assert!(
        records(&at_site.body)
            .iter()
            .all(|e| e["site"]["id"] == json!(site))
    );
    // An empty site id filters nothing; one that names no site matches nothing.
    let any = env.get(&format!("{base}?siteId=&perPage=all")).await;
    assert_eq!(any.status, 200, "{}", any.body);
    assert_eq!(records(&any.body).len(), sites.len());
    let none = env.get(&format!("{base}?siteId=nowhere")).await;
    assert_eq!((none.status, records(&none.body).len()), (200, 0));
    let p1 = env.get(&format!("{base}?perPage=5&page=1")).await;
    let p2 = env.get(&format!("{base}?perPage=5&page=2")).await;
    assert_eq!(p2.body["paging"]["pageStart"], json!(5));
    let ids1: Vec<Value> = records(&p1.body).iter().map(|e| e["id"].clone()).collect();
    assert!(records(&p2.body).iter().all(|e| !ids1.contains(&e["id"])));
    let bad = env.get(&format!("{base}/123")).await;
    assert_eq!(
        (bad.status, bad.body["errorCode"].clone()),
        (404, json!("ADG-122"))
    );
    Ok(())
}

/// A logged-in person other than the administrator.
struct Person {
    id: String,
    email: String,
    token: String,
}

/// `n` enabled users who are not administrators, each logged in.
async fn people(env: &Env, n: usize) -> Vec<Person> {
    let r = env
        .get("/restapi/v1.0/account/~/extension?type=User&status=Enabled&perPage=20")
        .await;
    let mut out = Vec::new();
    for rec in records(&r.body) {
        if out.len() == n {
            break;
        }
        if rec["permissions"]["admin"]["enabled"] != json!(false) {
            continue;
        }
        let email = rec["contact"]["email"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let token = env.token_for(&email).await;
        assert!(!token.is_empty(), "{email} could not log in");
        out.push(Person {
            id: rec["id"].to_string(),
            email,
            token,
        });
    }
    assert_eq!(out.len(), n, "the seed has {n} regular users: {}", r.body);
    out
}

impl Env {
    async fn as_person(
        &self,
        who: &Person,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Reply {
        self.call_as(&who.token, method, path, body).await
    }

    async fn patch(&self, path: &str, body: Value) -> Reply {
        self.call(reqwest::Method::PATCH, path, Some(body)).await
    }
}

/// `(status, errorCode, parameterName)` of an answer, for one-line error checks.
fn failure(r: &Reply) -> (u16, Value, Value) {
    (
        r.status,
        r.body["errors"][0]["errorCode"].clone(),
        r.body["errors"][0]["parameterName"].clone(),
    )
}

fn id_of(r: &Reply) -> String {
    r.body["id"].as_str().unwrap_or_default().to_owned()
}

/// The status of each assignee of a task, by id.
fn assignee_statuses(task: &Value) -> Vec<(String, String)> {
    task["assignees"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|a| {
            (
                a["id"].as_str().unwrap_or_default().to_owned(),
                a["status"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn team_messaging_tasks_are_created_completed_changed_and_deleted() -> TestResult {
    let env = start().await;
    let me = env.get(ME).await.body["id"].to_string();
    let [member, outsider]: [Person; 2] = match people(&env, 2).await.try_into() {
        Ok(p) => p,
        Err(_) => panic!("two people"),
    };
    let team = env
        .post(
            "/team-messaging/v1/teams",
            json!({"name": "Quarter close", "members": [{"id": member.id}]}),
        )
        .await;
    assert_eq!(team.status, 201, "{}", team.body);
    let chat = id_of(&team);
    let tasks = format!("/team-messaging/v1/chats/{chat}/tasks");
    let request = json!({
        "subject": "File the report",
        "assignees": [{"id": member.id}, {"id": me}],
        "completenessCondition": "AllAssignees",
        "startDate": "2030-01-02T09:00:00.000Z",
        "dueDate": "2030-01-05T17:00:00.000Z",
        "color": "Red",
        "section": "Finance",
        "description": "Numbers from every region",
        "recurrence": {"schedule": "Weekly", "endingCondition": "Count", "endingAfter": 3},
        "attachments": [{"id": "777", "type": "File", "name": "report.xlsx"}],
    });
    let created = env.post(&tasks, request.clone()).await;
    assert_eq!(created.status, 201, "{}", created.body);
    check_schema("createTaskNew", 201, &created.body);
    for field in [
        "subject",
        "completenessCondition",
        "color",
        "section",
        "description",
        "recurrence",
        "attachments",
    ] {
        assert_eq!(created.body[field], request[field], "{field}");
    }
    assert_eq!(
        (
            created.body["startDate"].clone(),
            created.body["dueDate"].clone()
        ),
        (
            json!("2030-01-02T09:00:00.000Z"),
            json!("2030-01-05T17:00:00.000Z")
        )
    );
    assert_eq!(created.body["status"], json!("Pending"));
    assert_eq!(created.body["chatIds"], json!([chat]));
    assert_eq!(created.body["creator"]["id"], json!(me));
    let task = id_of(&created);
    let path = format!("/team-messaging/v1/tasks/{task}");
    let read = env.get_ok("readTaskNew", &path).await;
    assert_eq!(read.body, created.body);
    let listed = env.get_ok("listChatTasksNew", &tasks).await;
    assert_eq!(records(&listed.body), vec![created.body.clone()]);
    let filtered = env
        .get_ok(
            "listChatTasksNew",
            &format!("{tasks}?assigneeId={}&assigneeStatus=Completed", member.id),
        )
        .await;
    assert!(records(&filtered.body).is_empty(), "{}", filtered.body);
    for (query, found) in [
        (format!("creatorId={me}"), 1),
        (format!("creatorId={}", member.id), 0),
        (
            format!("assigneeId={}&assigneeStatus=Pending", member.id),
            1,
        ),
        (format!("assigneeId={}", outsider.id), 0),
        ("assignmentStatus=Assigned".to_owned(), 1),
        ("assignmentStatus=Unassigned".to_owned(), 0),
        ("creationTimeFrom=2100-01-01T00:00:00Z".to_owned(), 0),
        ("creationTimeFrom=2000-01-01T00:00:00Z".to_owned(), 1),
        ("creationTimeTo=2000-01-01T00:00:00".to_owned(), 0),
    ] {
        let r = env
            .get_ok("listChatTasksNew", &format!("{tasks}?{query}"))
            .await;
        assert_eq!(records(&r.body).len(), found, "{query}: {}", r.body);
    }
    let r = env
        .get(&format!("{tasks}?creationTimeFrom=yesterday"))
        .await;
    assert_eq!(
        failure(&r),
        (400, json!("CMN-101"), json!("creationTimeFrom"))
    );

    // Each assignee completes their own part; the task is done when all have.
    let complete = format!("{path}/complete");
    let r = env.post(&complete, json!({"status": "Complete"})).await;
    assert_eq!(r.status, 204, "{}", r.body);
    let read = env.get_ok("readTaskNew", &path).await;
    assert_eq!(read.body["status"], json!("InProgress"));
    let mut expected = vec![
        (member.id.clone(), "Pending".to_owned()),
        (me.clone(), "Completed".to_owned()),
    ];
    expected.sort();
    let mut seen = assignee_statuses(&read.body);
    seen.sort();
    assert_eq!(seen, expected);
    let r = env
        .as_person(
            &member,
            reqwest::Method::POST,
            &complete,
            Some(json!({"status": "Complete", "assignees": [{"id": member.id}]})),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let done = env
        .get_ok("listChatTasksNew", &format!("{tasks}?status=Completed"))
        .await;
    assert_eq!(records(&done.body).len(), 1, "{}", done.body);
    assert!(
        assignee_statuses(&records(&done.body)[0])
            .iter()
            .all(|(_, s)| s == "Completed")
    );
    let r = env
        .post(
            &complete,
            json!({"status": "Incomplete", "assignees": [{"id": member.id}]}),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    assert_eq!(env.get(&path).await.body["status"], json!("InProgress"));
    let r = env
        .post(&complete, json!({"assignees": [{"id": outsider.id}]}))
        .await;
    assert_eq!(
        failure(&r),
        (400, json!("CMN-101"), json!("assignees[0].id"))
    );

    // Switching to a percentage starts over; the percentage then sets the status.
    let patched = env
        .patch(
            &path,
            json!({"subject": "File the final report", "completenessCondition": "Percentage"}),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.body);
    check_schema("patchTaskNew", 200, &patched.body);
    let rec = &records(&patched.body)[0];
    assert_eq!(
        (
            rec["subject"].clone(),
            rec["status"].clone(),
            rec["completenessPercentage"].clone()
        ),
        (json!("File the final report"), json!("Pending"), json!(0))
    );
    assert_eq!(
        rec["section"],
        json!("Finance"),
        "an update keeps what it does not name"
    );
    let r = env
        .post(&complete, json!({"completenessPercentage": 40}))
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let read = env.get_ok("readTaskNew", &path).await;
    assert_eq!(
        (
            read.body["status"].clone(),
            read.body["completenessPercentage"].clone()
        ),
        (json!("InProgress"), json!(40))
    );
    let r = env.post(&complete, json!({"status": "Complete"})).await;
    assert_eq!(r.status, 204, "{}", r.body);
    let read = env.get_ok("readTaskNew", &path).await;
    assert_eq!(
        (
            read.body["status"].clone(),
            read.body["completenessPercentage"].clone()
        ),
        (json!("Completed"), json!(100))
    );

    // A simple task completes for everyone at once, and can be reopened.
    let patched = env
        .patch(&path, json!({"completenessCondition": "Simple"}))
        .await;
    assert_eq!(records(&patched.body)[0]["status"], json!("Completed"));
    let r = env.post(&complete, json!({"status": "Incomplete"})).await;
    assert_eq!(r.status, 204, "{}", r.body);
    let read = env.get_ok("readTaskNew", &path).await;
    assert_eq!(read.body["status"], json!("Pending"));
    assert!(
        assignee_statuses(&read.body)
            .iter()
            .all(|(_, s)| s == "Pending")
    );
    assert!(read.body.get("completenessPercentage").is_none());

    // Only people of the chat can be assigned; dates must be in order.
    let r = env
        .patch(&path, json!({"assignees": [{"id": outsider.id}]}))
        .await;
    assert_eq!(
        failure(&r),
        (400, json!("CMN-101"), json!("assignees[0].id"))
    );
    let r = env
        .patch(&path, json!({"dueDate": "2029-12-31T00:00:00Z"}))
        .await;
    assert_eq!(failure(&r), (400, json!("CMN-101"), json!("dueDate")));
    let r = env
        .post(&tasks, json!({"subject": " ", "assignees": []}))
        .await;
    assert_eq!(failure(&r).0, 400, "{}", r.body);
    let r = env
        .patch(
            &path,
            json!({"recurrence": {"schedule": "Daily", "endingCondition": "Date"}}),
        )
        .await;
    assert_eq!(
        failure(&r),
        (400, json!("CMN-100"), json!("recurrence.endingOn"))
    );

    // Someone outside the private team does not see it; a member who did not create the task
    // cannot delete it.
    let r = env
        .as_person(&outsider, reqwest::Method::GET, &path, None)
        .await;
    assert_eq!(failure(&r), (404, json!("CMN-102"), json!("taskId")));
    let r = env
        .as_person(
            &outsider,
            reqwest::Method::POST,
            &tasks,
            Some(json!({"subject": "x", "assignees": []})),
        )
        .await;
    assert_eq!(failure(&r), (404, json!("CMN-102"), json!("chatId")));
    let r = env
        .as_person(&member, reqwest::Method::DELETE, &path, None)
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    let r = env.delete(&path).await;
    assert_eq!(r.status, 204, "{}", r.body);
    assert_eq!(
        failure(&env.get(&path).await),
        (404, json!("CMN-102"), json!("taskId"))
    );
    assert_eq!(env.delete(&path).await.status, 404);
    assert_eq!(env.post(&complete, json!({})).await.status, 404);
    assert!(records(&env.get(&tasks).await.body).is_empty());
    Ok(())
}

#[tokio::test]
async fn seeded_tasks_read_as_simple_tasks() -> TestResult {
    let env = start().await;
    let teams = env.get("/team-messaging/v1/teams?recordCount=250").await;
    let mut checked = 0;
    for team in records(&teams.body) {
        let chat = team["id"].as_str().unwrap_or_default();
        let list = env
            .get_ok(
                "listChatTasksNew",
                &format!("/team-messaging/v1/chats/{chat}/tasks"),
            )
            .await;
        for t in records(&list.body) {
            let id = t["id"].as_str().unwrap_or_default();
            let read = env
                .get_ok("readTaskNew", &format!("/team-messaging/v1/tasks/{id}"))
                .await;
            assert_eq!(read.body["completenessCondition"], json!("Simple"));
            let status = if read.body["status"] == json!("Completed") {
                "Completed"
            } else {
                "Pending"
            };
            assert!(
                assignee_statuses(&read.body)
                    .iter()
                    .all(|(_, s)| s == status),
                "{}",
                read.body
            );
            checked += 1;
        }
    }
    assert!(
        checked > 0,
        "the seed has tasks in the administrator's teams"
    );
    Ok(())
}

#[tokio::test]
async fn team_messaging_posts_are_read_edited_and_deleted() -> TestResult {
    let env = start().await;
    let [member, outsider]: [Person; 2] = match people(&env, 2).await.try_into() {
        Ok(p) => p,
        Err(_) => panic!("two people"),
    };
    let team = env
        .post(
            "/team-messaging/v1/teams",
            json!({"name": "Release notes", "members": [{"email": member.email}]}),
        )
        .await;
    let chat = id_of(&team);
    let posts = format!("/team-messaging/v1/chats/{chat}/posts");
    let mine = env.post(&posts, json!({"text": "Draft is up"})).await;
    assert_eq!(mine.status, 201, "{}", mine.body);
    let theirs = env
        .as_person(
            &member,
            reqwest::Method::POST,
            &posts,
            Some(json!({"text": "Looks good"})),
        )
        .await;
    assert_eq!(theirs.status, 201, "{}", theirs.body);
    let mine_path = format!("{posts}/{}", id_of(&mine));
    let theirs_path = format!("{posts}/{}", id_of(&theirs));

    let read = env.get_ok("readGlipPostNew", &mine_path).await;
    assert_eq!(read.body, mine.body);
    let r = env
        .as_person(&outsider, reqwest::Method::GET, &mine_path, None)
        .await;
    assert_eq!(failure(&r), (404, json!("CMN-102"), json!("chatId")));
    let elsewhere = env
        .get(&format!(
            "/team-messaging/v1/chats/1000001/posts/{}",
            id_of(&mine)
        ))
        .await;
    assert_eq!(
        failure(&elsewhere),
        (404, json!("CMN-102"), json!("postId"))
    );

    env.sandbox
        .advance_clock(std::time::Duration::from_secs(60));
    let edited = env
        .patch(&mine_path, json!({"text": "Final draft is up"}))
        .await;
    assert_eq!(edited.status, 200, "{}", edited.body);
    check_schema("patchGlipPostNew", 200, &edited.body);
    assert_eq!(edited.body["text"], json!("Final draft is up"));
    assert_ne!(
        edited.body["lastModifiedTime"],
        mine.body["lastModifiedTime"]
    );
    assert_eq!(edited.body["creationTime"], mine.body["creationTime"]);
    let listed = env.get_ok("readGlipPostsNew", &posts).await;
    assert!(
        records(&listed.body)
            .iter()
            .any(|p| p["id"] == mine.body["id"] && p["text"] == json!("Final draft is up"))
    );
    let r = env
        .as_person(
            &member,
            reqwest::Method::PATCH,
            &mine_path,
            Some(json!({"text": "Mine now"})),
        )
        .await;
    assert_eq!(failure(&r).0, 403, "{}", r.body);
    let r = env.patch(&mine_path, json!({"text": "  "})).await;
    assert_eq!(failure(&r), (400, json!("CMN-100"), json!("text")));
    assert_eq!(
        env.get(&mine_path).await.body["text"],
        json!("Final draft is up")
    );

    let r = env
        .as_person(&member, reqwest::Method::DELETE, &mine_path, None)
        .await;
    assert_eq!(failure(&r).0, 403, "{}", r.body);
    let r = env
        .as_person(&member, reqwest::Method::DELETE, &theirs_path, None)
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    assert_eq!(
        failure(&env.get(&theirs_path).await),
        (404, json!("CMN-102"), json!("postId"))
    );
    assert_eq!(env.delete(&mine_path).await.status, 204);
    assert_eq!(env.delete(&mine_path).await.status, 404);
    assert!(records(&env.get(&posts).await.body).is_empty());
    Ok(())
}

/// The ids of the teams `who` lists.
async fn teams_of(env: &Env, who: &Person) -> Vec<String> {
    let r = env
        .as_person(
            who,
            reqwest::Method::GET,
            "/team-messaging/v1/teams?recordCount=250",
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    check_schema("listGlipTeamsNew", 200, &r.body);
    records(&r.body)
        .iter()
        .filter_map(|t| t["id"].as_str().map(str::to_owned))
        .collect()
}

async fn post_as(env: &Env, who: &Person, chat: &str, text: &str) -> Reply {
    env.as_person(
        who,
        reqwest::Method::POST,
        &format!("/team-messaging/v1/chats/{chat}/posts"),
        Some(json!({"text": text})),
    )
    .await
}

/// The newest post of a chat as `who` lists it.
async fn latest_post(env: &Env, who: &Person, chat: &str) -> Value {
    let path = format!("/team-messaging/v1/chats/{chat}/posts");
    let r = env.as_person(who, reqwest::Method::GET, &path, None).await;
    assert_eq!(r.status, 200, "{path}: {}", r.body);
    check_schema("readGlipPostsNew", 200, &r.body);
    records(&r.body).into_iter().next().unwrap_or(Value::Null)
}

/// The team as `who` reads it, which must succeed.
async fn read_team_as(env: &Env, who: &Person, chat: &str) -> Reply {
    let path = format!("/team-messaging/v1/teams/{chat}");
    let r = env.as_person(who, reqwest::Method::GET, &path, None).await;
    assert_eq!(r.status, 200, "{path}: {}", r.body);
    check_schema("readGlipTeamNew", 200, &r.body);
    r
}

/// `POST /team-messaging/v1/teams/{chat}/{action}` as `who`.
async fn team_action(
    env: &Env,
    who: &Person,
    chat: &str,
    action: &str,
    body: Option<Value>,
) -> Reply {
    env.as_person(
        who,
        reqwest::Method::POST,
        &format!("/team-messaging/v1/teams/{chat}/{action}"),
        body,
    )
    .await
}

#[tokio::test]
async fn teams_are_joined_left_managed_archived_and_deleted() -> TestResult {
    let env = start().await;
    let [owner, other]: [Person; 2] = match people(&env, 2).await.try_into() {
        Ok(p) => p,
        Err(_) => panic!("two people"),
    };
    let created = env
        .as_person(
            &owner,
            reqwest::Method::POST,
            "/team-messaging/v1/teams",
            Some(json!({"name": "Book club", "public": true})),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let chat = id_of(&created);
    let team = format!("/team-messaging/v1/teams/{chat}");
    let posts = format!("/team-messaging/v1/chats/{chat}/posts");
    let teams_of = |who| teams_of(&env, who);
    let post = |who, text| post_as(&env, who, &chat, text);
    let send = |who, action, body| team_action(&env, who, &chat, action, body);

    // A public team can be read by anyone, but posting takes joining it.
    assert!(!teams_of(&other).await.contains(&chat));
    let r = env
        .as_person(&other, reqwest::Method::GET, &team, None)
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(post(&other, "Hello").await.status, 403);
    let r = send(&other, "join", None).await;
    assert_eq!(r.status, 204, "{}", r.body);
    assert!(teams_of(&other).await.contains(&chat));
    let chats = env
        .call_as(
            &other.token,
            reqwest::Method::GET,
            "/team-messaging/v1/chats?type=Team&recordCount=250",
            None,
        )
        .await;
    assert!(records(&chats.body).iter().any(|c| c["id"] == json!(chat)));
    let joined = latest_post(&env, &owner, &chat).await;
    assert_eq!(
        (joined["type"].clone(), joined["creatorId"].clone()),
        (json!("PersonJoined"), json!(other.id))
    );
    let r = env
        .as_person(
            &other,
            reqwest::Method::PATCH,
            &format!("{posts}/{}", joined["id"].as_str().unwrap_or_default()),
            Some(json!({"text": "I joined!"})),
        )
        .await;
    assert_eq!(
        failure(&r).0,
        403,
        "an event is no text to edit: {}",
        r.body
    );
    assert_eq!(post(&other, "Hello").await.status, 201);
    assert_eq!(
        send(&other, "join", None).await.status,
        204,
        "joining twice"
    );

    // Settings and membership are the creator's (or an administrator's).
    let r = env
        .as_person(
            &other,
            reqwest::Method::PATCH,
            &team,
            Some(json!({"name": "Mine"})),
        )
        .await;
    assert_eq!(failure(&r).0, 403, "{}", r.body);
    assert_eq!(send(&other, "archive", None).await.status, 403);
    assert_eq!(
        send(
            &other,
            "remove",
            Some(json!({"members": [{"id": owner.id}]}))
        )
        .await
        .status,
        403
    );
    let r = env
        .as_person(
            &owner,
            reqwest::Method::PATCH,
            &team,
            Some(json!({"name": "Reading circle", "description": "Monthly", "public": false})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    check_schema("patchGlipTeamNew", 200, &r.body);
    let read = read_team_as(&env, &owner, &chat).await;
    assert_eq!(
        (
            read.body["name"].clone(),
            read.body["description"].clone(),
            read.body["public"].clone()
        ),
        (json!("Reading circle"), json!("Monthly"), json!(false))
    );

    // Leaving a private team hides it; being added shows it again.
    assert_eq!(send(&other, "leave", None).await.status, 204);
    assert!(!teams_of(&other).await.contains(&chat));
    let r = env
        .as_person(&other, reqwest::Method::GET, &team, None)
        .await;
    assert_eq!(failure(&r), (404, json!("CMN-102"), json!("chatId")));
    assert_eq!(send(&other, "leave", None).await.status, 404);
    let r = send(
        &owner,
        "add",
        Some(json!({"members": [{"email": other.email}]})),
    )
    .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let added = latest_post(&env, &owner, &chat).await;
    assert_eq!(
        (
            added["type"].clone(),
            added["creatorId"].clone(),
            added["addedPersonIds"].clone()
        ),
        (json!("PersonsAdded"), json!(owner.id), json!([other.id]))
    );
    let r = send(&owner, "add", Some(json!({"members": [{"id": other.id}]}))).await;
    assert_eq!(r.status, 204, "{}", r.body);
    assert_eq!(
        latest_post(&env, &owner, &chat).await["id"],
        added["id"],
        "adding a member again adds no event"
    );
    assert_eq!(
        env.as_person(&other, reqwest::Method::GET, &team, None)
            .await
            .status,
        200
    );
    let r = send(&owner, "add", Some(json!({"members": [{"id": "999999"}]}))).await;
    assert_eq!(failure(&r), (404, json!("CMN-102"), json!("members[0]")));
    let r = send(
        &owner,
        "remove",
        Some(json!({"members": [{"id": other.id}]})),
    )
    .await;
    assert_eq!(r.status, 204, "{}", r.body);
    assert!(!teams_of(&other).await.contains(&chat));
    assert_eq!(post(&other, "Still here?").await.status, 404);

    // An archived team takes no posts, tasks or changes until it is unarchived.
    let r = env
        .as_person(
            &owner,
            reqwest::Method::PATCH,
            &team,
            Some(json!({"public": true})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(send(&owner, "archive", None).await.status, 204);
    let read = read_team_as(&env, &owner, &chat).await;
    assert_eq!(read.body["status"], json!("Archived"));
    assert!(
        teams_of(&owner).await.contains(&chat),
        "archived teams stay listed"
    );
    assert_eq!(
        failure(&post(&owner, "Anyone?").await),
        (403, json!("TMN-003"), Value::Null)
    );
    let r = env
        .as_person(
            &owner,
            reqwest::Method::POST,
            &format!("/team-messaging/v1/chats/{chat}/tasks"),
            Some(json!({"subject": "Pick a book", "assignees": []})),
        )
        .await;
    assert_eq!(failure(&r).1, json!("TMN-003"), "{}", r.body);
    let r = env
        .as_person(
            &owner,
            reqwest::Method::PATCH,
            &team,
            Some(json!({"name": "Renamed"})),
        )
        .await;
    assert_eq!(failure(&r).1, json!("TMN-003"), "{}", r.body);
    assert_eq!(
        failure(&send(&other, "join", None).await).1,
        json!("TMN-003")
    );
    assert_eq!(send(&owner, "unarchive", None).await.status, 204);
    assert_eq!(
        read_team_as(&env, &owner, &chat).await.body["status"],
        json!("Active")
    );
    assert_eq!(post(&owner, "We are back").await.status, 201);

    // Deleting is the creator's or an administrator's; the team is gone for everyone.
    let r = env
        .as_person(&other, reqwest::Method::DELETE, &team, None)
        .await;
    assert_eq!(failure(&r).0, 403, "{}", r.body);
    assert_eq!(
        env.delete(&team).await.status,
        204,
        "an administrator may delete"
    );
    assert_eq!(
        failure(&env.get(&team).await),
        (404, json!("CMN-102"), json!("chatId"))
    );
    assert!(!teams_of(&owner).await.contains(&chat));
    assert_eq!(
        env.as_person(&owner, reqwest::Method::DELETE, &team, None)
            .await
            .status,
        404
    );
    assert_eq!(send(&owner, "join", None).await.status, 404);
    assert_eq!(env.get(&posts).await.status, 404);

    // A direct chat is no team.
    let direct = env.get("/team-messaging/v1/chats?type=Direct").await;
    let direct = first_id(&direct.body);
    let r = env
        .post(
            &format!("/team-messaging/v1/teams/{direct}/archive"),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 404, "{}", r.body);
    Ok(())
}
