//! SCIM 2.0 over HTTP on loopback: discovery, users listed, filtered, created, replaced, patched and
//! deleted as views of user extensions, with bodies checked against RingCentral's spec and changes
//! checked through the REST API as well.

mod common;

use common::*;
use serde_json::{Value, json};

const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const ERROR: &str = "urn:ietf:params:scim:api:messages:2.0:Error";

async fn patch(env: &Env, path: &str, ops: Value) -> Reply {
    env.call(
        reqwest::Method::PATCH,
        path,
        Some(json!({"schemas": [PATCH_OP], "Operations": ops})),
    )
    .await
}

fn assert_scim_error(r: &Reply, status: u16, scim_type: Option<&str>) {
    assert_eq!(r.status, status, "{}", r.body);
    assert_eq!(r.body["schemas"], json!([ERROR]), "{}", r.body);
    assert_eq!(r.body["status"], json!(status.to_string()), "{}", r.body);
    assert!(
        r.body["detail"].as_str().is_some_and(|d| !d.is_empty()),
        "{}",
        r.body
    );
    match scim_type {
        Some(t) => assert_eq!(r.body["scimType"], json!(t), "{}", r.body),
        None => assert!(r.body.get("scimType").is_none(), "{}", r.body),
    }
    assert_eq!(r.header("content-type"), Some("application/scim+json"));
}

fn ids(list: &Value) -> Vec<String> {
    list["Resources"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|u| u["id"].as_str().map(str::to_owned))
        .collect()
}

fn new_user(email: &str) -> Value {
    json!({
        "schemas": [USER, ENTERPRISE],
        "userName": email,
        "externalId": "idp-0001",
        "name": {"givenName": "Grace", "familyName": "Hopper"},
        "emails": [{"value": email, "type": "work", "primary": true}],
        "title": "Rear Admiral",
        "active": true,
        "phoneNumbers": [{"value": "+16505550142", "type": "mobile"}],
        ENTERPRISE: {"department": "Navy"}
    })
}

/// Every SCIM user id, walking the list with startIndex and count.
async fn all_ids(env: &Env) -> Vec<String> {
    let mut out = Vec::new();
    let mut start = 1;
    for _ in 0..100 {
        let page = env
            .get(&format!("/scim/v2/Users?startIndex={start}&count=7"))
            .await;
        assert_eq!(page.status, 200, "{}", page.body);
        let got = ids(&page.body);
        if got.is_empty() {
            break;
        }
        start += got.len();
        out.extend(got);
    }
    out
}

#[tokio::test]
async fn discovery_documents_match_the_spec() -> TestResult {
    let env = start().await;
    let r = env
        .get_ok("scimGetProviderConfig2", "/scim/v2/ServiceProviderConfig")
        .await;
    assert_eq!(r.body["patch"]["supported"], json!(true));
    assert_eq!(r.body["filter"]["supported"], json!(true));

    let r = env.get_ok("scimListSchemas2", "/scim/v2/Schemas").await;
    assert_eq!(r.body["totalResults"], json!(2));

    let r = env
        .get_ok("scimGetSchema2", &format!("/scim/v2/Schemas/{USER}"))
        .await;
    assert_eq!(r.body["attributes"][0]["name"], json!("userName"));
    assert_eq!(
        r.body["meta"]["location"],
        json!(env.url(&format!("/scim/v2/Schemas/{USER}")))
    );

    env.get_ok("scimListResourceTypes2", "/scim/v2/ResourceTypes")
        .await;
    let r = env
        .get_ok("scimGetResourceType2", "/scim/v2/ResourceTypes/User")
        .await;
    assert_eq!(r.body["schemaExtensions"][0]["schema"], json!(ENTERPRISE));

    assert_scim_error(&env.get("/scim/v2/ResourceTypes/Group").await, 404, None);
    assert_scim_error(&env.get("/scim/v2/Schemas/urn:nope").await, 404, None);
    assert_scim_error(&env.get("/scim/v2/Schemas?filter=id%20pr").await, 403, None);
    Ok(())
}

#[tokio::test]
async fn users_list_in_one_based_windows() -> TestResult {
    let env = start().await;
    let r = env
        .get_ok("scimSearchViaGet2", "/scim/v2/Users?startIndex=1&count=5")
        .await;
    assert_eq!(
        r.body["schemas"][0],
        json!("urn:ietf:params:scim:api:messages:2.0:ListResponse")
    );
    assert_eq!(r.body["startIndex"], json!(1));
    assert_eq!(r.body["itemsPerPage"], json!(5));
    let total = r.body["totalResults"].as_u64().unwrap_or_default() as usize;
    assert!(total > 20, "seeded users: {total}");
    let every = all_ids(&env).await;
    assert_eq!(every.len(), total);
    let mut unique = every.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), total, "no user twice across windows");
    // The window starting at 3 begins with the third user.
    let r = env.get("/scim/v2/Users?startIndex=3&count=2").await;
    assert_eq!(ids(&r.body), every[2..4].to_vec());
    // count=0 gives only the total; startIndex below 1 means 1.
    let r = env.get("/scim/v2/Users?count=0").await;
    assert_eq!(r.body["totalResults"], json!(total));
    assert_eq!(r.body["itemsPerPage"], json!(0));
    let r = env.get("/scim/v2/Users?startIndex=-4&count=1").await;
    assert_eq!(ids(&r.body), every[..1].to_vec());
    let r = env.get("/scim/v2/Users?startIndex=x").await;
    assert_scim_error(&r, 400, Some("invalidValue"));
    Ok(())
}

#[tokio::test]
async fn filters_find_users_as_rest_knows_them() -> TestResult {
    let env = start().await;
    let admin = ringcentral_sandbox::ADMIN_EMAIL;
    let q = format!("userName eq \"{}\"", admin.to_uppercase());
    let r = env
        .get(&format!("/scim/v2/Users?filter={}", urlencode(&q)))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["totalResults"], json!(1), "userName ignores case");
    assert_eq!(r.body["Resources"][0]["userName"], json!(admin));
    let me = env.get("/restapi/v1.0/account/~/extension/~").await;
    assert_eq!(
        r.body["Resources"][0]["id"],
        json!(me.body["id"].to_string())
    );

    // Suspended users are the Disabled extensions.
    let disabled = env
        .get("/restapi/v1.0/account/~/extension?type=User&status=Disabled&perPage=1000")
        .await;
    let want: usize = disabled.body["records"].as_array().map_or(0, Vec::len);
    assert!(want > 0, "the seed has disabled users");
    let r = env
        .get(&format!(
            "/scim/v2/Users?filter={}&count=1000",
            urlencode("active eq false")
        ))
        .await;
    assert_eq!(r.body["totalResults"], json!(want), "{}", r.body);

    // Logic, grouping, value filters and the enterprise extension.
    let f = format!(
        "not (active eq false) and (emails[type eq \"work\" and value ew \"{}\"] or userName sw \"zz\")",
        admin.split('@').nth(1).unwrap_or_default()
    );
    let r = env
        .get(&format!(
            "/scim/v2/Users?filter={}&count=1000",
            urlencode(&f)
        ))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let active = r.body["totalResults"].as_u64().unwrap_or_default() as usize;
    let all = env.get("/scim/v2/Users?count=0").await;
    let total = all.body["totalResults"].as_u64().unwrap_or_default() as usize;
    assert_eq!(active + want, total, "every user is active or suspended");

    // POST .search answers like GET.
    let r2 = env
        .post(
            "/scim/v2/Users/.search",
            json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "filter": f, "count": 1000}),
        )
        .await;
    assert_eq!(r2.status, 200, "{}", r2.body);
    check_schema("scimSearchViaPost2", 200, &r2.body);
    assert_eq!(ids(&r2.body), ids(&r.body));

    let r = env
        .get(&format!(
            "/scim/v2/Users?filter={}",
            urlencode("userName eq")
        ))
        .await;
    assert_scim_error(&r, 400, Some("invalidFilter"));
    let r = env
        .get(&format!(
            "/scim/v2/Users?filter={}",
            urlencode("nickName pr")
        ))
        .await;
    assert_scim_error(&r, 400, Some("invalidFilter"));
    Ok(())
}

#[tokio::test]
async fn sorting_and_attribute_selection() -> TestResult {
    let env = start().await;
    let r = env
        .get("/scim/v2/Users?sortBy=userName&sortOrder=descending&count=1000&attributes=userName")
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let names: Vec<String> = r.body["Resources"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|u| u["userName"].as_str().map(str::to_lowercase))
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    sorted.reverse();
    assert_eq!(names, sorted);
    let first = &r.body["Resources"][0];
    assert!(
        first.get("name").is_none(),
        "only selected attributes: {first}"
    );
    assert!(first.get("id").is_some(), "id is always returned");
    Ok(())
}

#[tokio::test]
async fn create_read_replace_and_conflicts() -> TestResult {
    let env = start().await;
    let r = env
        .post("/scim/v2/Users", new_user("grace@navy.example"))
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    check_schema("scimCreateUser2", 201, &r.body);
    let id = r.body["id"].as_str().unwrap_or_default().to_owned();
    assert_eq!(
        r.header("location"),
        Some(env.url(&format!("/scim/v2/Users/{id}")).as_str())
    );
    assert_eq!(
        r.body["emails"],
        json!([{"value": "grace@navy.example", "type": "work"}])
    );
    assert_eq!(r.body[ENTERPRISE]["department"], json!("Navy"));
    assert_eq!(r.body["externalId"], json!("idp-0001"));

    // The new user is an extension the REST API sees.
    let ext = env
        .get(&format!("/restapi/v1.0/account/~/extension/{id}"))
        .await;
    assert_eq!(ext.status, 200, "{}", ext.body);
    assert_eq!(ext.body["contact"]["email"], json!("grace@navy.example"));
    assert_eq!(ext.body["contact"]["firstName"], json!("Grace"));
    assert_eq!(ext.body["status"], json!("Enabled"));

    let got = env
        .get_ok("scimGetUser2", &format!("/scim/v2/Users/{id}"))
        .await;
    assert_eq!(got.body, r.body);

    // externalId is found exactly, and case matters for it.
    let q = |f: &str| format!("/scim/v2/Users?filter={}", urlencode(f));
    let r = env.get(&q("externalId eq \"idp-0001\"")).await;
    assert_eq!(ids(&r.body), vec![id.clone()], "{}", r.body);
    let r = env.get(&q("externalId eq \"IDP-0001\"")).await;
    assert_eq!(r.body["totalResults"], json!(0));

    // userName is unique without regard to case.
    let dup = env
        .post("/scim/v2/Users", new_user("GRACE@navy.example"))
        .await;
    assert_scim_error(&dup, 409, Some("uniqueness"));
    let dup = env
        .post("/scim/v2/Users", new_user(ringcentral_sandbox::ADMIN_EMAIL))
        .await;
    assert_scim_error(&dup, 409, Some("uniqueness"));

    // PUT replaces: what is left out is gone, read-only attributes are ignored.
    let mut replacement = new_user("grace.hopper@navy.example");
    if let Some(o) = replacement.as_object_mut() {
        o.remove("title");
        o.remove(ENTERPRISE);
        o.insert("id".into(), json!("999"));
        o.insert("schemas".into(), json!([USER]));
    }
    let r = env.put(&format!("/scim/v2/Users/{id}"), replacement).await;
    assert_eq!(r.status, 200, "{}", r.body);
    check_schema("scimUpdateUser2", 200, &r.body);
    assert_eq!(r.body["id"], json!(id));
    assert_eq!(r.body["userName"], json!("grace.hopper@navy.example"));
    assert!(r.body.get("title").is_none());
    assert!(r.body.get(ENTERPRISE).is_none());
    assert_eq!(r.body["schemas"], json!([USER]));
    let ext = env
        .get(&format!("/restapi/v1.0/account/~/extension/{id}"))
        .await;
    assert_eq!(
        ext.body["contact"]["email"],
        json!("grace.hopper@navy.example")
    );

    // Invalid bodies say what is wrong.
    let r = env
        .post(
            "/scim/v2/Users",
            json!({"schemas": [USER], "userName": "z@navy.example"}),
        )
        .await;
    assert_scim_error(&r, 400, Some("invalidValue"));
    let r = env
        .put("/scim/v2/Users/424242", new_user("q@navy.example"))
        .await;
    assert_scim_error(&r, 404, None);
    Ok(())
}

#[tokio::test]
async fn patch_suspends_and_changes_atomically() -> TestResult {
    let env = start().await;
    let r = env
        .post("/scim/v2/Users", new_user("ada@example.org"))
        .await;
    let id = r.body["id"].as_str().unwrap_or_default().to_owned();
    let path = format!("/scim/v2/Users/{id}");

    // Azure AD style: capitalised op, active as a string.
    let r = patch(
        &env,
        &path,
        json!([{"op": "Replace", "path": "active", "value": "False"}]),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    check_schema("scimPatchUser2", 200, &r.body);
    assert_eq!(r.body["active"], json!(false));
    let ext = env
        .get(&format!("/restapi/v1.0/account/~/extension/{id}"))
        .await;
    assert_eq!(
        ext.body["status"],
        json!("Disabled"),
        "suspended means Disabled"
    );
    let r = patch(
        &env,
        &path,
        json!([{"op": "replace", "value": {"active": true}}]),
    )
    .await;
    assert_eq!(r.body["active"], json!(true));
    let ext = env
        .get(&format!("/restapi/v1.0/account/~/extension/{id}"))
        .await;
    assert_eq!(ext.body["status"], json!("Enabled"));

    // Email and userName change together; a value filter picks the work email.
    let r = patch(
        &env,
        &path,
        json!([
            {"op": "replace", "path": "userName", "value": "ada.lovelace@example.org"},
            {"op": "replace", "path": "emails[type eq \"work\"].value", "value": "ada.lovelace@example.org"},
            {"op": "add", "path": "phoneNumbers[type eq \"work\"].value", "value": "+16505550143"},
            {"op": "replace", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "value": "Analytics"}
        ]),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["userName"], json!("ada.lovelace@example.org"));
    let ext = env
        .get(&format!("/restapi/v1.0/account/~/extension/{id}"))
        .await;
    assert_eq!(
        ext.body["contact"]["email"],
        json!("ada.lovelace@example.org")
    );
    assert_eq!(ext.body["contact"]["department"], json!("Analytics"));
    let before = env.get(&path).await.body;
    assert!(
        before["phoneNumbers"]
            .as_array()
            .is_some_and(|p| p.contains(&json!({"value": "+16505550143", "type": "work"}))),
        "{before}"
    );

    // One bad operation: nothing changes.
    let r = patch(
        &env,
        &path,
        json!([
            {"op": "replace", "path": "title", "value": "Countess"},
            {"op": "replace", "path": "emails[type eq \"home\"].value", "value": "x@example.org"}
        ]),
    )
    .await;
    assert_scim_error(&r, 400, Some("noTarget"));
    assert_eq!(env.get(&path).await.body, before);
    let r = patch(
        &env,
        &path,
        json!([{"op": "replace", "path": "id", "value": "1"}]),
    )
    .await;
    assert_scim_error(&r, 400, Some("mutability"));
    let r = patch(&env, &path, json!([{"op": "remove"}])).await;
    assert_scim_error(&r, 400, Some("noTarget"));
    let r = patch(
        &env,
        &path,
        json!([{"op": "replace", "path": "name.givenName.first", "value": 1}]),
    )
    .await;
    assert_scim_error(&r, 400, Some("invalidPath"));
    assert_eq!(env.get(&path).await.body, before);

    // Taking another user's login is a conflict.
    let admin = ringcentral_sandbox::ADMIN_EMAIL;
    let r = patch(
        &env,
        &path,
        json!([
            {"op": "replace", "path": "userName", "value": admin},
            {"op": "replace", "path": "emails", "value": [{"value": admin, "type": "work"}]}
        ]),
    )
    .await;
    assert_scim_error(&r, 409, Some("uniqueness"));
    Ok(())
}

async fn start_with_rules(rules: ringcentral_sandbox::ScimRules) -> Env {
    start_with(ringcentral_sandbox::SandboxConfig {
        users: 30,
        scim_rules: rules,
        ..Default::default()
    })
    .await
}

#[tokio::test]
async fn the_rfc_rules_take_any_user_name_and_keep_the_display_name() -> TestResult {
    let env = start_with_rules(ringcentral_sandbox::ScimRules::Rfc).await;
    let spc = env
        .get_ok("scimGetProviderConfig2", "/scim/v2/ServiceProviderConfig")
        .await;
    assert!(spc.body.get("xmlDataFormat").is_none(), "{}", spc.body);

    // A userName that is not an email: the work email becomes the login.
    let mut body = new_user("ada@analytical.example");
    body["userName"] = json!("83a4fc0f-c98c-450e-b4ad-c75a65a3ea17");
    body["displayName"] = json!("Ada L.");
    let r = env.post("/scim/v2/Users", body.clone()).await;
    assert_eq!(r.status, 201, "{}", r.body);
    check_schema("scimCreateUser2", 201, &r.body);
    let id = r.body["id"].as_str().unwrap_or_default().to_owned();
    assert_eq!(
        r.body["userName"],
        json!("83a4fc0f-c98c-450e-b4ad-c75a65a3ea17")
    );
    assert_eq!(r.body["displayName"], json!("Ada L."));
    let ext = env
        .get(&format!("/restapi/v1.0/account/~/extension/{id}"))
        .await;
    assert_eq!(
        ext.body["contact"]["email"],
        json!("ada@analytical.example")
    );
    assert!(
        env.sandbox
            .credentials_for("ada@analytical.example")
            .is_ok_and(|c| c.extension_id.to_string() == id)
    );
    // userName is found by its own value, without regard to case, and stays unique.
    let q = |f: &str| format!("/scim/v2/Users?filter={}", urlencode(f));
    let found = env
        .get(&q("userName eq \"83A4FC0F-C98C-450E-B4AD-C75A65A3EA17\""))
        .await;
    assert_eq!(ids(&found.body), vec![id.clone()], "{}", found.body);
    let by_email = env.get(&q("emails eq \"ada@analytical.example\"")).await;
    assert_eq!(ids(&by_email.body), vec![id.clone()]);
    let mut twin = new_user("twin@analytical.example");
    twin["userName"] = json!("83A4FC0F-c98c-450e-b4ad-c75a65a3ea17");
    assert_scim_error(
        &env.post("/scim/v2/Users", twin).await,
        409,
        Some("uniqueness"),
    );
    // Nor may a userName take another user's login.
    let mut taker = new_user("taker@analytical.example");
    taker["userName"] = json!(ringcentral_sandbox::ADMIN_EMAIL);
    assert_scim_error(
        &env.post("/scim/v2/Users", taker).await,
        409,
        Some("uniqueness"),
    );

    // displayName is kept through PUT and PATCH, and read back.
    let path = format!("/scim/v2/Users/{id}");
    body["displayName"] = json!("Updated-90000000");
    let r = env.put(&path, body).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        env.get(&path).await.body["displayName"],
        json!("Updated-90000000")
    );
    let r = patch(
        &env,
        &path,
        json!([{"op": "replace", "path": "displayName", "value": "Countess"}]),
    )
    .await;
    assert_eq!(r.body["displayName"], json!("Countess"), "{}", r.body);
    let found = env.get(&q("displayName eq \"countess\"")).await;
    assert_eq!(ids(&found.body), vec![id.clone()]);

    // Without emails, an email userName is the login; otherwise the sandbox makes one up.
    let bare = |user_name: &str| {
        json!({
            "schemas": [USER],
            "userName": user_name,
            "name": {"givenName": "Bare", "familyName": "User"}
        })
    };
    let login = |id: String| {
        let path = format!("/restapi/v1.0/account/~/extension/{id}");
        let env = &env;
        async move {
            env.get(&path).await.body["contact"]["email"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        }
    };
    let r = env
        .post("/scim/v2/Users", bare("bare@analytical.example"))
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    // None were given: an empty list, the state RFC 7643 equates with none, and which RingCentral's
    // spec requires to be present.
    assert!(
        r.body.get("emails") == Some(&json!([])),
        "none were given: {}",
        r.body
    );
    let bare_id = r.body["id"].as_str().unwrap_or_default().to_owned();
    assert_eq!(login(bare_id).await, "bare@analytical.example");
    let r = env.post("/scim/v2/Users", bare("bare-user")).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["userName"], json!("bare-user"));
    let bare_id = r.body["id"].as_str().unwrap_or_default().to_owned();
    let made = login(bare_id.clone()).await;
    assert!(made.starts_with(&format!("user{bare_id}@")), "{made}");

    // Several emails of any type; the first work email is the login.
    let path = format!("/scim/v2/Users/{id}");
    let r = patch(
        &env,
        &path,
        json!([{"op": "add", "path": "emails", "value": [
            {"value": "ada@home.example", "type": "home"},
            {"value": "countess@analytical.example", "type": "work"}
        ]}]),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.body["emails"].as_array().map(Vec::len),
        Some(3),
        "{}",
        r.body
    );
    assert_eq!(login(id.clone()).await, "ada@analytical.example");
    let found = env.get(&q("emails eq \"ADA@home.example\"")).await;
    assert_eq!(ids(&found.body), vec![id.clone()], "{}", found.body);
    // Removing emails and active unassigns them; the login and the status stay.
    let r = patch(
        &env,
        &path,
        json!([{"op": "remove", "path": "emails"}, {"op": "remove", "path": "active"}]),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body.get("emails") == Some(&json!([])) && r.body.get("active").is_none(),
        "{}",
        r.body
    );
    assert_eq!(login(id.clone()).await, "ada@analytical.example");
    let r = patch(
        &env,
        &path,
        json!([{"op": "add", "path": "active", "value": false}]),
    )
    .await;
    assert_eq!(r.body["active"], json!(false), "{}", r.body);

    // attributes and excludedAttributes shape single answers too, and the root search works.
    let slim = env
        .get(&format!("{path}?excludedAttributes=displayName,emails"))
        .await;
    assert!(slim.body.get("displayName").is_none(), "{}", slim.body);
    assert_eq!(
        slim.body["userName"],
        json!("83a4fc0f-c98c-450e-b4ad-c75a65a3ea17")
    );
    let only = env.get(&format!("{path}?attributes=title")).await;
    assert!(
        only.body.get("title").is_some() && only.body.get("name").is_none(),
        "{}",
        only.body
    );
    let root = env
        .post(
            "/scim/v2/.search",
            json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
                   "filter": "displayName eq \"Countess\"", "attributes": ["userName"]}),
        )
        .await;
    assert_eq!(root.status, 200, "{}", root.body);
    assert_eq!(ids(&root.body), vec![id.clone()]);

    // A work email must still be an email.
    let mut odd = new_user("not-an-email");
    odd["userName"] = json!("odd");
    assert_scim_error(
        &env.post("/scim/v2/Users", odd).await,
        400,
        Some("invalidValue"),
    );
    Ok(())
}

#[tokio::test]
async fn the_ringcentral_rules_keep_user_name_and_work_email_together() -> TestResult {
    let env = start_with_rules(ringcentral_sandbox::ScimRules::RingCentral).await;
    let spc = env
        .get_ok("scimGetProviderConfig2", "/scim/v2/ServiceProviderConfig")
        .await;
    assert_eq!(spc.body["xmlDataFormat"], json!({"supported": false}));
    let schema = env.get(&format!("/scim/v2/Schemas/{USER}")).await;
    assert!(
        !schema.body["attributes"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|a| a["name"] == json!("displayName"))
    );

    let mut bad = new_user("x@navy.example");
    bad["userName"] = json!("y@navy.example");
    assert_scim_error(
        &env.post("/scim/v2/Users", bad).await,
        400,
        Some("invalidValue"),
    );
    let mut uuid = new_user("x@navy.example");
    uuid["userName"] = json!("83a4fc0f-c98c-450e-b4ad-c75a65a3ea17");
    assert_scim_error(
        &env.post("/scim/v2/Users", uuid).await,
        400,
        Some("invalidValue"),
    );
    let mut named = new_user("x@navy.example");
    named["displayName"] = json!("Dropped");
    let r = env.post("/scim/v2/Users", named).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert!(r.body.get("displayName").is_none(), "{}", r.body);
    let path = format!(
        "/scim/v2/Users/{}",
        r.body["id"].as_str().unwrap_or_default()
    );
    let r = patch(
        &env,
        &path,
        json!([{"op": "replace", "path": "userName", "value": "other@example.org"}]),
    )
    .await;
    assert_scim_error(&r, 400, Some("invalidValue"));
    let second = json!([{"value": "y@navy.example", "type": "work"}]);
    let r = patch(
        &env,
        &path,
        json!([{"op": "add", "path": "emails", "value": second}]),
    )
    .await;
    assert_scim_error(&r, 400, Some("invalidValue"));
    // RingCentral's SCIM searches under /Users only.
    let root = env
        .post(
            "/scim/v2/.search",
            json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"]}),
        )
        .await;
    assert_scim_error(&root, 404, None);
    Ok(())
}

#[tokio::test]
async fn suspending_a_user_ends_their_sessions_until_enabled_again() -> TestResult {
    let env = start().await;
    let (id, email) = env.regular_user().await;
    let token = env.token_for(&email).await;
    let me = env.me_as(&token).await;
    assert_eq!(me.status, 200);
    let path = format!("/scim/v2/Users/{id}");
    let r = patch(
        &env,
        &path,
        json!([{"op": "replace", "path": "active", "value": false}]),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let me = env.me_as(&token).await;
    assert_eq!(me.status, 401, "a suspended user's token stops working");
    let r = patch(
        &env,
        &path,
        json!([{"op": "replace", "path": "active", "value": "True"}]),
    )
    .await;
    assert_eq!(r.body["active"], json!(true));
    let fresh = env.token_for(&email).await;
    let me = env.me_as(&fresh).await;
    assert_eq!(me.status, 200, "an enabled user signs in again");
    Ok(())
}

#[tokio::test]
async fn delete_answers_204_then_404() -> TestResult {
    let env = start().await;
    let r = env
        .post("/scim/v2/Users", new_user("temp@example.org"))
        .await;
    let id = r.body["id"].as_str().unwrap_or_default().to_owned();
    let before = env.get("/scim/v2/Users?count=0").await.body["totalResults"].clone();
    let r = env.delete(&format!("/scim/v2/Users/{id}")).await;
    assert_eq!(r.status, 204);
    assert_eq!(r.body, Value::Null);
    assert_scim_error(&env.get(&format!("/scim/v2/Users/{id}")).await, 404, None);
    assert_scim_error(
        &env.delete(&format!("/scim/v2/Users/{id}")).await,
        404,
        None,
    );
    let after = env.get("/scim/v2/Users?count=0").await.body["totalResults"].clone();
    assert_eq!(after.as_u64().map(|n| n + 1), before.as_u64());
    let ext = env
        .get(&format!("/restapi/v1.0/account/~/extension/{id}"))
        .await;
    assert_eq!(ext.status, 404);
    // The signed-in administrator cannot delete itself.
    let me = env.get("/restapi/v1.0/account/~/extension/~").await;
    let r = env
        .delete(&format!("/scim/v2/Users/{}", me.body["id"]))
        .await;
    assert_scim_error(&r, 403, None);
    assert_scim_error(&env.get("/scim/v2/Users/not-a-number").await, 404, None);
    Ok(())
}

#[tokio::test]
async fn only_administrators_use_scim_and_errors_are_scim_shaped() -> TestResult {
    let env = start().await;
    let (_, email) = env.regular_user().await;
    let token = env.token_for(&email).await;
    let r = env
        .call_as(&token, reqwest::Method::GET, "/scim/v2/Users", None)
        .await;
    assert_scim_error(&r, 403, None);
    let r = env
        .call_as(
            &token,
            reqwest::Method::POST,
            "/scim/v2/Users",
            Some(new_user("n@example.org")),
        )
        .await;
    assert_scim_error(&r, 403, None);
    let r = env
        .call_as("not-a-token", reqwest::Method::GET, "/scim/v2/Users", None)
        .await;
    assert_scim_error(&r, 401, None);
    assert_scim_error(&env.get("/scim/v2/Groups").await, 404, None);
    Ok(())
}

#[tokio::test]
async fn content_types_are_negotiated() -> TestResult {
    let env = start().await;
    let body = new_user("ct@example.org").to_string();
    let r = env
        .raw(
            reqwest::Method::POST,
            "/scim/v2/Users",
            &[
                ("content-type", "application/scim+json; charset=utf-8"),
                ("accept", "application/json"),
            ],
            Some(body.clone().into_bytes()),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.header("content-type"), Some("application/json"));
    let r = env
        .raw(
            reqwest::Method::GET,
            "/scim/v2/ServiceProviderConfig",
            &[("accept", "application/scim+json, application/json")],
            None,
        )
        .await;
    assert_eq!(r.header("content-type"), Some("application/scim+json"));
    // Without a SCIM Accept (the SDKs send */* or application/json) the answer is plain JSON.
    for accept in ["*/*", "application/json"] {
        let r = env
            .raw(
                reqwest::Method::GET,
                "/scim/v2/Users?count=1",
                &[("accept", accept)],
                None,
            )
            .await;
        assert_eq!(r.status, 200);
        assert_eq!(
            r.header("content-type"),
            Some("application/json"),
            "{accept}"
        );
    }
    let r = env
        .raw(
            reqwest::Method::POST,
            "/scim/v2/Users",
            &[("content-type", "text/plain")],
            Some(body.into_bytes()),
        )
        .await;
    assert_scim_error(&r, 415, None);
    let r = env
        .raw(
            reqwest::Method::POST,
            "/scim/v2/Users",
            &[("content-type", "application/json")],
            Some(b"{not json".to_vec()),
        )
        .await;
    assert_scim_error(&r, 400, Some("invalidSyntax"));
    Ok(())
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
