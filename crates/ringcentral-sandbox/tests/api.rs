//! The sandbox over HTTP on loopback: OAuth, errors, paging and the stateful handlers, with every
//! success body checked against RingCentral's OpenAPI spec.

mod common;

use common::*;
use serde_json::{Value, json};

#[tokio::test]
async fn reads_the_current_extension_and_account() -> TestResult {
    let env = start().await;
    let me = env.get("/restapi/v1.0/account/~/extension/~").await;
    assert_eq!(me.status, 200, "{}", me.body);
    assert!(me.header("RCRequestId").is_some_and(|v| v.len() == 36));
    check_schema("readExtension", 200, &me.body);
    assert_eq!(
        me.body["contact"]["email"],
        json!(ringcentral_sandbox::ADMIN_EMAIL)
    );
    assert_eq!(me.body["permissions"]["admin"]["enabled"], json!(true));
    let acc = env
        .get_ok("readAccountInfo", "/restapi/v1.0/account/~")
        .await;
    assert_eq!(acc.body["operator"]["id"], me.body["id"]);
    Ok(())
}

#[tokio::test]
async fn unknown_extension_is_cmn_102_in_both_error_shapes() -> TestResult {
    let env = start().await;
    let r = env.get("/restapi/v1.0/account/~/extension/123").await;
    assert_eq!(r.status, 404);
    assert_eq!(r.body["errorCode"], json!("CMN-102"));
    assert_eq!(r.body["errors"][0]["errorCode"], json!("CMN-102"));
    assert_eq!(r.body["errors"][0]["parameterName"], json!("extensionId"));
    assert!(
        r.body["message"]
            .as_str()
            .is_some_and(|m| m.contains("extensionId"))
    );
    assert!(r.header("RCRequestId").is_some());
    Ok(())
}

#[tokio::test]
async fn lists_extensions_with_paging_and_absolute_navigation() -> TestResult {
    let env = start().await;
    let r = env
        .get_ok(
            "listExtensions",
            "/restapi/v1.0/account/~/extension?perPage=10&page=2",
        )
        .await;
    let paging = &r.body["paging"];
    assert_eq!(paging["page"], json!(2));
    assert_eq!(paging["perPage"], json!(10));
    assert_eq!(paging["pageStart"], json!(10));
    assert_eq!(paging["pageEnd"], json!(19));
    let total = paging["totalElements"].as_u64().unwrap_or_default();
    assert!(total > 30, "users, queues and IVR menus: {total}");
    let next = r.body["navigation"]["nextPage"]["uri"]
        .as_str()
        .unwrap_or_default();
    assert!(
        next.starts_with(env.sandbox.url()) && next.contains("page=3"),
        "{next}"
    );
    assert!(
        r.body["navigation"]["previousPage"]["uri"]
            .as_str()
            .is_some_and(|u| u.contains("page=1"))
    );
    // Walking nextPage visits every extension exactly once.
    let mut seen = std::collections::HashSet::new();
    let mut uri = Some(env.url("/restapi/v1.0/account/~/extension?perPage=7"));
    let mut pages = 0;
    while let Some(u) = uri.take() {
        pages += 1;
        assert!(pages < 50, "paging does not end");
        let path = u.trim_start_matches(env.sandbox.url()).to_owned();
        let page = env.get(&path).await;
        for rec in page.body["records"].as_array().into_iter().flatten() {
            assert!(seen.insert(rec["id"].as_i64().unwrap_or_default()));
        }
        uri = page.body["navigation"]["nextPage"]["uri"]
            .as_str()
            .map(str::to_owned);
    }
    assert_eq!(seen.len() as u64, total);
    // `perPage` and `page` have no limit in this operation's spec, but its paging model reports at
    // most 1000 of each: a larger page size is served as 1000, a page past 1000 is empty and says
    // no page number. What the spec forbids is refused, naming the parameter.
    let big = env
        .get_ok(
            "listExtensions",
            "/restapi/v1.0/account/~/extension?perPage=5000",
        )
        .await;
    assert_eq!(big.body["paging"]["perPage"], json!(1000));
    assert_eq!(
        big.body["records"].as_array().map(Vec::len),
        Some(total as usize)
    );
    let far = env
        .get_ok(
            "listExtensions",
            "/restapi/v1.0/account/~/extension?page=5000&perPage=10",
        )
        .await;
    assert_eq!(far.body["records"], json!([]));
    assert!(far.body["paging"].get("page").is_none(), "{}", far.body);
    let bad = env
        .get("/restapi/v1.0/account/~/extension?perPage=many")
        .await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.body["errors"][0]["parameterName"], json!("perPage"));
    let bad = env
        .get("/restapi/v1.0/account/~/extension?page=3000000000")
        .await;
    assert_eq!(
        (bad.status, bad.body["errors"][0]["parameterName"].clone()),
        (400, json!("page")),
        "an int32 parameter"
    );
    Ok(())
}

#[tokio::test]
async fn filters_extensions_by_status_and_type() -> TestResult {
    let env = start().await;
    let r = env.get("/restapi/v1.0/account/~/extension?status=Disabled&status=NotActivated&type=User&perPage=1000").await;
    assert_eq!(r.status, 200);
    let recs = r.body["records"].as_array().cloned().unwrap_or_default();
    assert!(
        recs.iter()
            .all(|e| e["status"] != json!("Enabled") && e["type"] == json!("User"))
    );
    let q = env
        .get("/restapi/v1.0/account/~/extension?type=Department")
        .await;
    assert!(q.body["records"].as_array().is_some_and(|a| !a.is_empty()));
    let bad = env
        .get("/restapi/v1.0/account/~/extension?status=Sleeping")
        .await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.body["errorCode"], json!("CMN-101"));
    Ok(())
}

#[tokio::test]
async fn updates_an_extension_and_keeps_it() -> TestResult {
    let env = start().await;
    let (id, _) = env.regular_user().await;
    let path = format!("/restapi/v1.0/account/~/extension/{id}");
    let r = env
        .put(
            &path,
            json!({"status": "Disabled", "contact": {"jobTitle": "Chief Tester"}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    check_schema("updateExtension", 200, &r.body);
    let again = env.get(&path).await;
    assert_eq!(again.body["status"], json!("Disabled"));
    assert_eq!(again.body["contact"]["jobTitle"], json!("Chief Tester"));
    // A site without an id changes nothing (the spec makes the id optional).
    let r = env.put(&path, json!({"site": {}})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["site"], again.body["site"]);
    let bad = env.put(&path, json!({"status": "Asleep"})).await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.body["errors"][0]["parameterName"], json!("status"));
    let wrong_type = env.put(&path, json!({"contact": {"firstName": 5}})).await;
    assert_eq!(wrong_type.status, 400);
    assert_eq!(
        wrong_type.body["errors"][0]["parameterName"],
        json!("contact.firstName")
    );
    Ok(())
}

#[tokio::test]
async fn a_regular_user_cannot_change_others_or_use_scim() -> TestResult {
    let env = start().await;
    let (user_id, email) = env.regular_user().await;
    let token = env.token_for(&email).await;
    let admin_id = env.sandbox.credentials().extension_id;
    let r = env
        .call_as(
            &token,
            reqwest::Method::PUT,
            &format!("/restapi/v1.0/account/~/extension/{admin_id}"),
            Some(json!({"contact": {"jobTitle": "x"}})),
        )
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(r.body["errorCode"], json!("CMN-408"));
    let own = env
        .call_as(
            &token,
            reqwest::Method::PUT,
            &format!("/restapi/v1.0/account/~/extension/{user_id}"),
            Some(json!({"contact": {"jobTitle": "Mine"}})),
        )
        .await;
    assert_eq!(own.status, 200, "{}", own.body);
    if ringcentral_api::operation("scimSearchViaGet2").is_some() {
        let scim = env
            .call_as(&token, reqwest::Method::GET, "/scim/v2/Users", None)
            .await;
        assert_eq!(scim.status, 403);
    }
    let others_mail = env
        .call_as(
            &token,
            reqwest::Method::GET,
            &format!("/restapi/v1.0/account/~/extension/{admin_id}/message-store"),
            None,
        )
        .await;
    assert_eq!(others_mail.status, 403);
    Ok(())
}

#[tokio::test]
async fn unknown_paths_and_methods_answer_in_ringcentral_shape() -> TestResult {
    let env = start().await;
    let r = env.get("/restapi/v1.0/nothing/here").await;
    assert_eq!(r.status, 404);
    assert!(r.body["errorCode"].is_string() && r.body["errors"].is_array());
    let m = env
        .call(
            reqwest::Method::DELETE,
            "/restapi/v1.0/account/~/extension",
            None,
        )
        .await;
    assert_eq!(m.status, 405);
    Ok(())
}

fn _unused(_: Value) {}

#[tokio::test]
async fn disabling_a_user_ends_their_sessions() -> TestResult {
    let env = start().await;
    let (id, email) = env.regular_user().await;
    let token = env.token_for(&email).await;
    let me = env.me_as(&token).await;
    assert_eq!(me.status, 200);
    let path = format!("/restapi/v1.0/account/~/extension/{id}");
    assert_eq!(
        env.put(&path, json!({"status": "Disabled"})).await.status,
        200
    );
    let after = env.me_as(&token).await;
    assert_eq!(after.status, 401);
    assert_eq!(
        env.put(&path, json!({"status": "Enabled"})).await.status,
        200
    );
    let again = env.me_as(&token).await;
    assert_eq!(again.status, 401, "old tokens stay dead after re-enabling");
    assert!(
        !env.token_for(&email).await.is_empty(),
        "a fresh login works again"
    );
    Ok(())
}

#[tokio::test]
async fn listed_extensions_are_their_records_without_the_details() -> TestResult {
    let env = start().await;
    // A status comment, so that every optional part of a listed record shows up somewhere.
    let me = env.get("/restapi/v1.0/account/~/extension/~").await;
    assert_eq!(me.status, 200);
    let updated = env
        .put(
            "/restapi/v1.0/account/~/extension/~",
            json!({"statusInfo": {"comment": "in the lab"}}),
        )
        .await;
    assert_eq!(updated.status, 200, "{}", updated.body);

    let list = env
        .get("/restapi/v1.0/account/~/extension?perPage=1000")
        .await;
    assert_eq!(list.status, 200, "{}", list.body);
    assert_eq!(list.header("content-type"), Some("application/json"));
    let listed = records(&list.body);
    assert!(listed.len() > 20, "{} records", listed.len());
    for key in ["site", "callQueueInfo", "statusInfo", "roles"] {
        assert!(
            listed.iter().any(|r| r.get(key).is_some()),
            "no record has {key}"
        );
    }
    // Each listed record is the record a read gives, in the same order, less what only a read
    // of one extension carries.
    for record in &listed {
        let read = env
            .get(&format!(
                "/restapi/v1.0/account/~/extension/{}",
                record["id"]
            ))
            .await;
        assert_eq!(read.status, 200, "{}", read.body);
        let Value::Object(mut full) = read.body else {
            panic!("not an object: {}", read.body);
        };
        for detail in [
            "account",
            "setupWizardState",
            "regionalSettings",
            "serviceFeatures",
            "profileImage",
        ] {
            full.shift_remove(detail);
        }
        assert_eq!(
            serde_json::to_string(record)?,
            serde_json::to_string(&Value::Object(full))?
        );
    }
    Ok(())
}

#[tokio::test]
async fn repeated_reads_follow_every_change_to_the_extension_and_the_token() -> TestResult {
    let env = start().await;
    let path = "/restapi/v1.0/account/~/extension/~";
    let first = env.get(path).await;
    let again = env.get(path).await;
    assert_eq!((first.status, again.status), (200, 200));
    assert_eq!(
        first.bytes, again.bytes,
        "two reads of unchanged state differ"
    );

    let changed = env
        .put(path, json!({"contact": {"firstName": "Renamed"}}))
        .await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    let after = env.get(path).await;
    assert_eq!(after.body["contact"]["firstName"], json!("Renamed"));
    check_schema("readExtension", 200, &after.body);

    // Links follow the host the request names, whatever was read before.
    let other_host = env
        .http
        .get(env.url(path))
        .bearer_auth(&env.token)
        .header("Host", "sandbox.test:8080")
        .send()
        .await?
        .json::<Value>()
        .await?;
    assert!(
        other_host["uri"]
            .as_str()
            .is_some_and(|u| u.starts_with("http://sandbox.test:8080/")),
        "{other_host}"
    );

    // A token read a moment ago stops working the moment it is revoked.
    let revoked = env
        .http
        .post(env.url("/restapi/oauth/revoke"))
        .basic_auth(
            &env.sandbox.credentials().client_id,
            Some(secrecy::ExposeSecret::expose_secret(
                &env.sandbox.credentials().client_secret,
            )),
        )
        .form(&[("token", env.token.as_str())])
        .send()
        .await?;
    assert_eq!(revoked.status().as_u16(), 200);
    assert_eq!(env.get(path).await.status, 401);
    Ok(())
}
