//! Call routing that names users, over HTTP: the seeded references an offboarding report finds
//! (a queue only one person answers, IVR keys, company and colleagues' answering rules, paging and
//! monitoring groups), each resource changed and read back, memberships seen alike from every
//! endpoint, and what a SCIM delete leaves behind.

mod common;

use common::*;
use serde_json::{Value, json};

const ACC: &str = "/restapi/v1.0/account/~";
/// The seeded queue answered by one person (see `store/seed.rs`).
const ESCALATIONS: &str = "61000000490";
const MAIN_MENU: &str = "61000000300";
const AFTER_HOURS_MENU: &str = "61000000301";
const WAREHOUSE_PAGING: &str = "61000000400";
const SUPPORT_SUPERVISORS: &str = "64000000001";

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn ids_of(list: &Value) -> Vec<String> {
    records(list).iter().map(|r| text(&r["id"])).collect()
}

/// The person the seed routes the most to: the only member of the escalations queue.
async fn key_person(env: &Env) -> String {
    let members = env
        .get_ok(
            "listCallQueueMembers",
            &format!("{ACC}/call-queues/{ESCALATIONS}/members"),
        )
        .await;
    let ids = ids_of(&members.body);
    assert_eq!(ids.len(), 1, "one member: {}", members.body);
    ids[0].clone()
}

/// An enabled user other than the administrator and `not`.
async fn another_user(env: &Env, not: &[&str]) -> String {
    let list = env
        .get("/restapi/v1.0/account/~/extension?type=User&status=Enabled&perPage=50")
        .await;
    records(&list.body)
        .iter()
        .find(|r| {
            r["permissions"]["admin"]["enabled"] == json!(false)
                && !not.contains(&text(&r["id"]).as_str())
        })
        .map(|r| text(&r["id"]))
        .unwrap_or_else(|| panic!("no other user in {}", list.body))
}

#[tokio::test]
async fn a_fresh_sandbox_routes_calls_to_people() -> TestResult {
    let env = start().await;
    let person = key_person(&env).await;
    let user = env
        .get_ok("readExtension", &format!("{ACC}/extension/{person}"))
        .await;
    assert_eq!(user.body["type"], json!("User"));
    assert_eq!(user.body["status"], json!("Enabled"));

    // IVR keys connect to the person and to another person's mailbox.
    let menu = env
        .get_ok("readIVRMenu", &format!("{ACC}/ivr-menus/{MAIN_MENU}"))
        .await;
    let actions = menu.body["actions"].as_array().cloned().unwrap_or_default();
    let key = |k: &str| {
        actions
            .iter()
            .find(|a| a["input"] == json!(k))
            .cloned()
            .unwrap_or(Value::Null)
    };
    assert_eq!(key("3")["action"], json!("Connect"));
    assert_eq!(key("3")["extension"]["id"], json!(person));
    assert_eq!(key("4")["action"], json!("Voicemail"));
    let queue = text(&key("1")["extension"]["id"]);
    env.get_ok("readCallQueueInfo", &format!("{ACC}/call-queues/{queue}"))
        .await;
    let after = env
        .get_ok(
            "readIVRMenu",
            &format!("{ACC}/ivr-menus/{AFTER_HOURS_MENU}"),
        )
        .await;
    assert_eq!(after.body["actions"][0]["extension"]["id"], json!(person));

    // Company rules bypass the greeting to the person, and to the main menu.
    let rules = env
        .get_ok(
            "listCompanyAnsweringRules",
            &format!("{ACC}/answering-rule"),
        )
        .await;
    let to = |target: &str| {
        records(&rules.body)
            .into_iter()
            .filter(|r| r["extension"]["id"] == json!(target))
            .map(|r| text(&r["id"]))
            .collect::<Vec<_>>()
    };
    let to_person = to(&person);
    assert_eq!(to_person.len(), 1, "{}", rules.body);
    let rule = env
        .get_ok(
            "readCompanyAnsweringRule",
            &format!("{ACC}/answering-rule/{}", to_person[0]),
        )
        .await;
    assert_eq!(rule.body["callHandlingAction"], json!("Bypass"));
    assert_eq!(rule.body["type"], json!("Custom"));
    assert!(!to(MAIN_MENU).is_empty(), "a rule goes to the main menu");

    // The headquarters' site IVR sends 0 to the person.
    let site = env
        .get_ok(
            "readSiteIvrSettings",
            &format!("{ACC}/sites/2000000014/ivr"),
        )
        .await;
    assert_eq!(site.body["topMenu"]["id"], json!(MAIN_MENU));
    assert_eq!(site.body["actions"][0]["extension"]["id"], json!(person));

    // Paging-only groups are extensions of their own type, paged by the person.
    let paging = env
        .get_ok(
            "listExtensions",
            &format!("{ACC}/extension?type=PagingOnly"),
        )
        .await;
    assert!(ids_of(&paging.body).contains(&WAREHOUSE_PAGING.to_owned()));
    let pagers = env
        .get_ok(
            "listPagingGroupUsers",
            &format!("{ACC}/paging-only-groups/{WAREHOUSE_PAGING}/users"),
        )
        .await;
    assert!(ids_of(&pagers.body).contains(&person));
    let phones = env
        .get_ok(
            "listPagingGroupDevices",
            &format!("{ACC}/paging-only-groups/{WAREHOUSE_PAGING}/devices"),
        )
        .await;
    assert_eq!(records(&phones.body).len(), 2);

    // The person supervises a monitoring group and is coached in another.
    let groups = env
        .get_ok(
            "listCallMonitoringGroups",
            &format!("{ACC}/call-monitoring-groups?memberExtensionId={person}"),
        )
        .await;
    assert_eq!(ids_of(&groups.body).len(), 2, "{}", groups.body);
    let members = env
        .get_ok(
            "listCallMonitoringGroupMembers",
            &format!("{ACC}/call-monitoring-groups/{SUPPORT_SUPERVISORS}/members"),
        )
        .await;
    let me = records(&members.body)
        .into_iter()
        .find(|m| m["id"] == json!(person))
        .unwrap_or(Value::Null);
    assert_eq!(me["permissions"], json!(["Monitoring"]));

    // Colleagues' rules and forwarding numbers reach the person too.
    let direct = env
        .get(&format!("{ACC}/extension/{person}/phone-number"))
        .await;
    let number = text(&records(&direct.body)[0]["phoneNumber"]);
    let mut transfers = 0;
    let mut mailboxes = 0;
    let mut forwards = 0;
    let users = env
        .get("/restapi/v1.0/account/~/extension?type=User&perPage=10")
        .await;
    for id in ids_of(&users.body) {
        let rules = env
            .get_ok(
                "listAnsweringRules",
                &format!("{ACC}/extension/{id}/answering-rule?view=Detailed"),
            )
            .await;
        for r in records(&rules.body) {
            transfers += usize::from(r["transfer"]["extension"]["id"] == json!(person));
            mailboxes +=
                usize::from(id != person && r["voicemail"]["recipient"]["id"] == json!(person));
            forwards += usize::from(
                r["unconditionalForwarding"]["phoneNumber"] == json!(number)
                    || r["forwarding"]["rules"][0]["forwardingNumbers"]
                        .as_array()
                        .is_some_and(|f| f.iter().any(|n| n["phoneNumber"] == json!(number))),
            );
        }
    }
    assert!(transfers >= 1, "a colleague's rule transfers to the person");
    assert!(mailboxes >= 2, "colleagues' voicemail goes to the person");
    assert!(forwards >= 2, "colleagues forward to the person's number");
    Ok(())
}

#[tokio::test]
async fn company_answering_rules_are_kept() -> TestResult {
    let env = start().await;
    let person = key_person(&env).await;
    let created = env
        .post(
            &format!("{ACC}/answering-rule"),
            json!({
                "name": "Board line", "type": "Custom",
                "calledNumbers": [{"phoneNumber": "+18885550100"}],
                "callHandlingAction": "Bypass", "extension": {"id": person},
            }),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    check_schema("createCompanyAnsweringRule", 200, &created.body);
    let id = text(&created.body["id"]);
    assert_eq!(
        created.body["calledNumbers"][0]["phoneNumber"],
        json!("+18885550100")
    );

    let successor = another_user(&env, &[&person]).await;
    let updated = env
        .put(
            &format!("{ACC}/answering-rule/{id}"),
            json!({"extension": {"id": successor}, "enabled": false}),
        )
        .await;
    assert_eq!(updated.status, 200, "{}", updated.body);
    check_schema("updateCompanyAnsweringRule", 200, &updated.body);
    let read = env
        .get_ok(
            "readCompanyAnsweringRule",
            &format!("{ACC}/answering-rule/{id}"),
        )
        .await;
    assert_eq!(read.body["extension"]["id"], json!(successor));
    assert_eq!(read.body["enabled"], json!(false));
    assert_eq!(read.body["name"], json!("Board line"));

    // Bad targets are refused; the default rules stay.
    let nowhere = env
        .put(
            &format!("{ACC}/answering-rule/{id}"),
            json!({"extension": {"id": "123"}}),
        )
        .await;
    assert_eq!(nowhere.status, 404, "{}", nowhere.body);
    let no_target = env
        .post(
            &format!("{ACC}/answering-rule"),
            json!({"name": "Half", "callHandlingAction": "Bypass"}),
        )
        .await;
    assert_eq!(no_target.status, 400, "{}", no_target.body);
    let business = env
        .put(
            &format!("{ACC}/answering-rule/business-hours-rule"),
            json!({"callHandlingAction": "Bypass", "extension": {"id": successor}}),
        )
        .await;
    assert_eq!(business.status, 200, "{}", business.body);
    let list = env
        .get_ok(
            "listCompanyAnsweringRules",
            &format!("{ACC}/answering-rule?type=BusinessHours"),
        )
        .await;
    assert_eq!(records(&list.body).len(), 1);
    assert_eq!(records(&list.body)[0]["extension"]["id"], json!(successor));
    assert_eq!(
        env.delete(&format!("{ACC}/answering-rule/business-hours-rule"))
            .await
            .status,
        400
    );
    assert_eq!(
        env.delete(&format!("{ACC}/answering-rule/{id}"))
            .await
            .status,
        204
    );
    assert_eq!(
        env.get(&format!("{ACC}/answering-rule/{id}")).await.status,
        404
    );
    Ok(())
}

#[tokio::test]
async fn ivr_menus_and_site_settings_are_kept() -> TestResult {
    let env = start().await;
    let person = key_person(&env).await;
    let created = env
        .post(
            &format!("{ACC}/ivr-menus"),
            json!({
                "name": "Billing Menu",
                "extensionNumber": "350",
                "prompt": {"mode": "TextToSpeech", "text": "For billing press 1."},
                "actions": [
                    {"input": "1", "action": "Connect", "extension": {"id": person}},
                    {"input": "2", "action": "Voicemail", "extension": {"id": person}},
                    {"input": "Star", "action": "Repeat"},
                ],
            }),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    check_schema("createIVRMenu", 200, &created.body);
    let id = text(&created.body["id"]);
    let list = env
        .get_ok("readIvrMenuList", &format!("{ACC}/ivr-menus"))
        .await;
    assert!(ids_of(&list.body).contains(&id));

    // An update moves one key and keeps what it leaves out.
    let successor = another_user(&env, &[&person]).await;
    let updated = env
        .put(
            &format!("{ACC}/ivr-menus/{id}"),
            json!({
                "promptRepeatCount": 3,
                "actions": [
                    {"input": "1", "action": "Connect", "extension": {"id": successor}},
                    {"input": "2", "action": "Voicemail", "extension": {"id": person}},
                ],
            }),
        )
        .await;
    assert_eq!(updated.status, 200, "{}", updated.body);
    check_schema("updateIVRMenu", 200, &updated.body);
    let read = env
        .get_ok("readIVRMenu", &format!("{ACC}/ivr-menus/{id}"))
        .await;
    assert_eq!(read.body["name"], json!("Billing Menu"));
    assert_eq!(read.body["extensionNumber"], json!("350"));
    assert_eq!(read.body["promptRepeatCount"], json!(3));
    assert_eq!(read.body["prompt"]["text"], json!("For billing press 1."));
    assert_eq!(read.body["actions"][0]["extension"]["id"], json!(successor));
    assert_eq!(read.body["actions"].as_array().map(Vec::len), Some(2));

    for bad in [
        json!({"actions": [{"input": "1", "action": "Connect"}]}),
        json!({"actions": [{"input": "1", "action": "Repeat"}, {"input": "1", "action": "Repeat"}]}),
    ] {
        let r = env.put(&format!("{ACC}/ivr-menus/{id}"), bad).await;
        assert_eq!(r.status, 400, "{}", r.body);
    }
    let voicemail_of_a_queue = env
        .put(
            &format!("{ACC}/ivr-menus/{id}"),
            json!({"actions": [{"input": "1", "action": "Voicemail", "extension": {"id": ESCALATIONS}}]}),
        )
        .await;
    assert_eq!(voicemail_of_a_queue.status, 404);
    let taken = env
        .post(
            &format!("{ACC}/ivr-menus"),
            json!({"name": "Clash", "extensionNumber": "350"}),
        )
        .await;
    assert_eq!(taken.status, 400, "{}", taken.body);

    // Site settings: a new top menu, and 0 moved to the successor.
    let site = format!("{ACC}/sites/2000000014/ivr");
    let changed = env
        .put(
            &site,
            json!({
                "topMenu": {"id": id},
                "actions": [{"input": "0", "action": "Connect", "extension": {"id": successor}}],
            }),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    check_schema("updateSiteIvrSettings", 200, &changed.body);
    let read = env.get_ok("readSiteIvrSettings", &site).await;
    assert_eq!(read.body["topMenu"]["id"], json!(id));
    assert_eq!(read.body["topMenu"]["name"], json!("Billing Menu"));
    assert_eq!(read.body["actions"][0]["extension"]["id"], json!(successor));
    assert_eq!(read.body["promptRepeatCount"], json!(2));
    let other = env
        .get_ok(
            "readSiteIvrSettings",
            &format!("{ACC}/sites/2000000024/ivr"),
        )
        .await;
    assert_eq!(
        other.body["actions"][0]["action"],
        json!("ConnectToOperator")
    );
    assert_eq!(env.get(&format!("{ACC}/sites/42/ivr")).await.status, 404);
    Ok(())
}

/// The call queues `user` is a member of, according to the queue listing's filter.
async fn queues_of(env: &Env, user: &str) -> Vec<String> {
    let r = env
        .get(&format!(
            "{ACC}/call-queues?memberExtensionId={user}&perPage=1000"
        ))
        .await;
    let mut ids = ids_of(&r.body);
    ids.sort();
    ids
}

async fn members_of(env: &Env, queue: &str) -> Vec<String> {
    let r = env
        .get_ok(
            "listCallQueueMembers",
            &format!("{ACC}/call-queues/{queue}/members?perPage=1000"),
        )
        .await;
    ids_of(&r.body)
}

#[tokio::test]
async fn queue_membership_is_one_state_behind_three_endpoints() -> TestResult {
    let env = start().await;
    let person = key_person(&env).await;
    let successor = another_user(&env, &[&person]).await;
    let bulk = format!("{ACC}/call-queues/{ESCALATIONS}/bulk-assign");

    // Hand the escalations queue over: add the successor, remove the person.
    let r = env
        .post(
            &bulk,
            json!({"addedExtensionIds": [successor], "removedExtensionIds": [person]}),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    assert_eq!(members_of(&env, ESCALATIONS).await, vec![successor.clone()]);
    assert!(
        queues_of(&env, &successor)
            .await
            .contains(&ESCALATIONS.to_owned())
    );
    assert!(
        !queues_of(&env, &person)
            .await
            .contains(&ESCALATIONS.to_owned())
    );

    // The user's own list of queues replaces what they had.
    let all = env.get(&format!("{ACC}/call-queues?perPage=1000")).await;
    let queues = ids_of(&all.body);
    let wanted: Vec<String> = queues.iter().take(2).cloned().collect();
    let put = env
        .put(
            &format!("{ACC}/extension/{person}/call-queues"),
            json!({"records": wanted.iter().map(|id| json!({"id": id})).collect::<Vec<_>>()}),
        )
        .await;
    assert_eq!(put.status, 200, "{}", put.body);
    check_schema("updateUserCallQueues", 200, &put.body);
    assert_eq!(put.body["records"].as_array().map(Vec::len), Some(2));
    let mut sorted = wanted.clone();
    sorted.sort();
    assert_eq!(queues_of(&env, &person).await, sorted);
    for q in &queues {
        assert_eq!(
            members_of(&env, q).await.contains(&person),
            wanted.contains(q),
            "queue {q}"
        );
    }
    let emptied = env
        .put(
            &format!("{ACC}/extension/{person}/call-queues"),
            json!({"records": []}),
        )
        .await;
    assert_eq!(emptied.status, 200);
    assert!(queues_of(&env, &person).await.is_empty());

    let not_a_queue = env
        .put(
            &format!("{ACC}/extension/{person}/call-queues"),
            json!({"records": [{"id": MAIN_MENU}]}),
        )
        .await;
    assert_eq!(not_a_queue.status, 404, "{}", not_a_queue.body);
    let not_a_user = env
        .post(&bulk, json!({"addedExtensionIds": [MAIN_MENU]}))
        .await;
    assert_eq!(not_a_user.status, 404);
    assert_eq!(members_of(&env, ESCALATIONS).await, vec![successor]);
    Ok(())
}

#[tokio::test]
async fn paging_groups_assign_users_and_devices() -> TestResult {
    let env = start().await;
    let person = key_person(&env).await;
    let successor = another_user(&env, &[&person]).await;
    let group = format!("{ACC}/paging-only-groups/{WAREHOUSE_PAGING}");
    let devices = ids_of(&env.get(&format!("{group}/devices")).await.body);
    // Seeded users of even index have desk phones; the groups use the first three.
    let spare = "81000000006".to_owned();
    let phone = env.get(&format!("{ACC}/device/{spare}")).await;
    assert_eq!(phone.body["type"], json!("HardPhone"), "{}", phone.body);
    assert!(!devices.contains(&spare));

    let r = env
        .post(
            &format!("{group}/bulk-assign"),
            json!({
                "addedUserIds": [successor], "removedUserIds": [person],
                "addedDeviceIds": [spare], "removedDeviceIds": [devices[0]],
            }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let users = ids_of(
        &env.get_ok("listPagingGroupUsers", &format!("{group}/users"))
            .await
            .body,
    );
    assert!(
        users.contains(&successor) && !users.contains(&person),
        "{users:?}"
    );
    let now = ids_of(
        &env.get_ok("listPagingGroupDevices", &format!("{group}/devices"))
            .await
            .body,
    );
    assert!(
        now.contains(&spare) && !now.contains(&devices[0]),
        "{now:?}"
    );

    // All or nothing: one bad id changes nothing.
    let bad = env
        .post(
            &format!("{group}/bulk-assign"),
            json!({"addedUserIds": [person, ESCALATIONS]}),
        )
        .await;
    assert_eq!(bad.status, 404);
    let users = ids_of(&env.get(&format!("{group}/users")).await.body);
    assert!(!users.contains(&person));
    assert_eq!(
        env.get(&format!("{ACC}/paging-only-groups/{MAIN_MENU}/users"))
            .await
            .status,
        404
    );
    Ok(())
}

#[tokio::test]
async fn call_monitoring_groups_are_kept() -> TestResult {
    let env = start().await;
    let person = key_person(&env).await;
    let successor = another_user(&env, &[&person]).await;
    let created = env
        .post(
            &format!("{ACC}/call-monitoring-groups"),
            json!({"name": "Night shift", "site": {"id": "2000000024"}}),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    check_schema("createCallMonitoringGroup", 200, &created.body);
    let id = text(&created.body["id"]);
    assert_eq!(created.body["site"]["name"], json!("North office"));
    let dup = env
        .post(
            &format!("{ACC}/call-monitoring-groups"),
            json!({"name": "night shift"}),
        )
        .await;
    assert_eq!(dup.status, 400);

    let group = format!("{ACC}/call-monitoring-groups/{id}");
    let r = env
        .post(
            &format!("{group}/bulk-assign"),
            json!({"addedExtensions": [
                {"id": person, "permissions": ["Monitoring"]},
                {"id": successor, "permissions": ["Monitored"]},
            ]}),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let r = env
        .post(
            &format!("{group}/bulk-assign"),
            json!({
                "updatedExtensions": [{"id": successor, "permissions": ["Monitoring", "Monitored"]}],
                "removedExtensions": [{"id": person}],
            }),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let members = env
        .get_ok(
            "listCallMonitoringGroupMembers",
            &format!("{group}/members"),
        )
        .await;
    let got: Vec<(String, Value)> = records(&members.body)
        .iter()
        .map(|m| (text(&m["id"]), m["permissions"].clone()))
        .collect();
    assert_eq!(
        got,
        vec![(successor.clone(), json!(["Monitoring", "Monitored"]))]
    );
    let of = env
        .get(&format!(
            "{ACC}/call-monitoring-groups?memberExtensionId={successor}"
        ))
        .await;
    assert!(ids_of(&of.body).contains(&id));
    let by_site = env
        .get(&format!("{ACC}/call-monitoring-groups?siteId=2000000024"))
        .await;
    assert_eq!(ids_of(&by_site.body), vec![id.clone()]);

    let renamed = env.put(&group, json!({"name": "Evening shift"})).await;
    assert_eq!(renamed.status, 200, "{}", renamed.body);
    check_schema("updateCallMonitoringGroup", 200, &renamed.body);
    let list = env
        .get_ok(
            "listCallMonitoringGroups",
            &format!("{ACC}/call-monitoring-groups"),
        )
        .await;
    let names: Vec<Value> = records(&list.body)
        .iter()
        .map(|g| g["name"].clone())
        .collect();
    assert!(names.contains(&json!("Evening shift")), "{names:?}");

    let not_member = env
        .post(
            &format!("{group}/bulk-assign"),
            json!({"updatedExtensions": [{"id": person, "permissions": ["Monitored"]}]}),
        )
        .await;
    assert_eq!(not_member.status, 404);
    assert_eq!(env.delete(&group).await.status, 204);
    assert_eq!(env.get(&format!("{group}/members")).await.status, 404);
    Ok(())
}

#[tokio::test]
async fn extension_rules_name_colleagues_and_keep_updates() -> TestResult {
    let env = start().await;
    let person = key_person(&env).await;
    let successor = another_user(&env, &[&person]).await;
    let rule = format!("{ACC}/extension/{successor}/answering-rule/after-hours-rule");
    let r = env
        .put(
            &rule,
            json!({"voicemail": {"enabled": true, "recipient": {"id": person}}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    check_schema("updateAnsweringRule", 200, &r.body);
    let read = env.get_ok("readAnsweringRule", &rule).await;
    assert_eq!(read.body["voicemail"]["recipient"]["id"], json!(person));
    let nowhere = env
        .put(
            &rule,
            json!({"voicemail": {"enabled": true, "recipient": {"id": "77"}}}),
        )
        .await;
    assert_eq!(nowhere.status, 404);

    // A colleague's direct number as a forwarding number, and a rule forwarding to it. The seed
    // gave the successor that forwarding number already; a third colleague adds it now.
    let direct = env
        .get(&format!("{ACC}/extension/{person}/phone-number"))
        .await;
    let number = text(&records(&direct.body)[0]["phoneNumber"]);
    let theirs = env
        .get(&format!("{ACC}/extension/{successor}/forwarding-number"))
        .await;
    assert!(
        records(&theirs.body)
            .iter()
            .any(|f| f["phoneNumber"] == json!(number)),
        "{}",
        theirs.body
    );
    // That colleague's business-hours rule was changed (its voicemail goes to the person), and
    // still rings the forwarding number as it is now: moved to another number, then deleted.
    let fid = records(&theirs.body)
        .iter()
        .find(|f| f["phoneNumber"] == json!(number))
        .map(|f| text(&f["id"]))
        .unwrap_or_default();
    let business = format!("{ACC}/extension/{successor}/answering-rule/business-hours-rule");
    let ringing = |rule: &Value| -> Vec<(String, String)> {
        rule["forwarding"]["rules"][0]["forwardingNumbers"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|n| (text(&n["id"]), text(&n["phoneNumber"])))
            .collect()
    };
    let before = env.get_ok("readAnsweringRule", &business).await;
    assert_eq!(before.body["voicemail"]["recipient"]["id"], json!(person));
    assert!(ringing(&before.body).contains(&(fid.clone(), number.clone())));
    let moved = env
        .put(
            &format!("{ACC}/extension/{successor}/forwarding-number/{fid}"),
            json!({"phoneNumber": "+14155550777"}),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.body);
    let after = env.get_ok("readAnsweringRule", &business).await;
    assert!(ringing(&after.body).contains(&(fid.clone(), "+14155550777".to_owned())));
    assert!(!ringing(&after.body).iter().any(|(_, n)| *n == number));
    let gone = env
        .delete(&format!(
            "{ACC}/extension/{successor}/forwarding-number/{fid}"
        ))
        .await;
    assert_eq!(gone.status, 204);
    let after = env.get_ok("readAnsweringRule", &business).await;
    assert!(!ringing(&after.body).iter().any(|(id, _)| *id == fid));
    assert_eq!(after.body["voicemail"]["recipient"]["id"], json!(person));
    let unknown = env
        .put(
            &business,
            json!({"forwarding": {"rules": [{"index": 1, "forwardingNumbers": [{"id": fid}]}]}}),
        )
        .await;
    assert_eq!(unknown.status, 404, "{}", unknown.body);

    let successor = another_user(&env, &[&person, &successor]).await;
    let fwd = env
        .post(
            &format!("{ACC}/extension/{successor}/forwarding-number"),
            json!({"phoneNumber": number, "label": "Covering desk", "type": "Other"}),
        )
        .await;
    assert_eq!(fwd.status, 200, "{}", fwd.body);
    let custom = env
        .post(
            &format!("{ACC}/extension/{successor}/answering-rule"),
            json!({
                "type": "Custom", "name": "Cover", "callers": [{"callerId": "+12125550199"}],
                "callHandlingAction": "UnconditionalForwarding",
                "unconditionalForwarding": {"phoneNumber": number},
            }),
        )
        .await;
    assert_eq!(custom.status, 200, "{}", custom.body);
    let rules = env
        .get_ok(
            "listAnsweringRules",
            &format!("{ACC}/extension/{successor}/answering-rule?view=Detailed"),
        )
        .await;
    let business = records(&rules.body)
        .into_iter()
        .find(|r| r["id"] == json!("business-hours-rule"))
        .unwrap_or(Value::Null);
    let forwarded: Vec<Value> = business["forwarding"]["rules"][0]["forwardingNumbers"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        forwarded.iter().any(|n| n["phoneNumber"] == json!(number)),
        "{business}"
    );
    assert!(
        records(&rules.body)
            .iter()
            .any(|r| r["unconditionalForwarding"]["phoneNumber"] == json!(number))
    );
    Ok(())
}

#[tokio::test]
async fn a_scim_delete_leaves_references_dangling() -> TestResult {
    let env = start().await;
    let person = key_person(&env).await;
    let r = env.delete(&format!("/scim/v2/Users/{person}")).await;
    assert_eq!(r.status, 204, "{}", r.body);

    // Gone from lists and memberships...
    let users = env
        .get("/restapi/v1.0/account/~/extension?type=User&perPage=1000")
        .await;
    assert!(!ids_of(&users.body).contains(&person));
    assert!(members_of(&env, ESCALATIONS).await.is_empty());
    let pagers = env
        .get(&format!(
            "{ACC}/paging-only-groups/{WAREHOUSE_PAGING}/users"
        ))
        .await;
    assert!(!ids_of(&pagers.body).contains(&person));
    let monitors = env
        .get(&format!(
            "{ACC}/call-monitoring-groups/{SUPPORT_SUPERVISORS}/members"
        ))
        .await;
    assert!(!ids_of(&monitors.body).contains(&person));

    // ...but still named by routing, which now leads nowhere.
    let menu = env
        .get_ok("readIVRMenu", &format!("{ACC}/ivr-menus/{MAIN_MENU}"))
        .await;
    let key3 = records(&json!({"records": menu.body["actions"]}))
        .into_iter()
        .find(|a| a["input"] == json!("3"))
        .unwrap_or(Value::Null);
    assert_eq!(key3["extension"]["id"], json!(person));
    assert!(
        key3["extension"]["name"]
            .as_str()
            .is_some_and(|n| !n.is_empty())
    );
    let rules = env
        .get_ok(
            "listCompanyAnsweringRules",
            &format!("{ACC}/answering-rule"),
        )
        .await;
    assert!(
        records(&rules.body)
            .iter()
            .any(|r| r["extension"]["id"] == json!(person))
    );
    let site = env
        .get_ok(
            "readSiteIvrSettings",
            &format!("{ACC}/sites/2000000014/ivr"),
        )
        .await;
    assert_eq!(site.body["actions"][0]["extension"]["id"], json!(person));
    assert_eq!(
        env.get(&format!("{ACC}/extension/{person}")).await.status,
        404
    );
    Ok(())
}
