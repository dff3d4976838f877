//! Field length limits: a value longer than its field allows is refused with `400 CMN-101` naming
//! the field, whether the limit comes from the spec's `maxLength` or from the sandbox's table for
//! fields the spec leaves open.

mod common;

use common::*;
use serde_json::{Value, json};

const CONTACTS: &str = "/restapi/v1.0/account/~/extension/~/address-book/contact";

fn assert_too_long(reply: &Reply, parameter: &str) {
    assert_eq!(reply.status, 400, "{parameter}: {}", reply.body);
    assert_eq!(reply.body["errorCode"], json!("CMN-101"), "{}", reply.body);
    assert_eq!(reply.body["errors"][0]["errorCode"], json!("CMN-101"));
    assert_eq!(
        reply.body["errors"][0]["parameterName"],
        json!(parameter),
        "{}",
        reply.body
    );
}

async fn contact_count(env: &Env) -> usize {
    records(&env.get(&format!("{CONTACTS}?perPage=1000")).await.body).len()
}

/// Creating a contact with `field` set to `ok` succeeds, and with `too_long` is refused.
async fn limit_holds(env: &Env, field: &str, ok: Value, too_long: Value, parameter: &str) {
    let accepted = env.post(CONTACTS, json!({ field: ok })).await;
    assert_eq!(accepted.status, 200, "{field}: {}", accepted.body);
    let before = contact_count(env).await;
    let refused = env.post(CONTACTS, json!({ field: too_long })).await;
    assert_too_long(&refused, parameter);
    assert_eq!(contact_count(env).await, before, "nothing was stored");
}

#[tokio::test]
async fn contact_names_are_at_most_64_characters() -> TestResult {
    let env = start().await;
    // Characters, not bytes, are counted.
    limit_holds(
        &env,
        "firstName",
        json!("é".repeat(64)),
        json!("é".repeat(65)),
        "firstName",
    )
    .await;
    limit_holds(
        &env,
        "company",
        json!("c".repeat(64)),
        json!("c".repeat(65)),
        "company",
    )
    .await;
    Ok(())
}

#[tokio::test]
async fn contact_emails_are_at_most_254_characters() -> TestResult {
    let env = start().await;
    // A valid address of 254 characters: a 64-character local part and labels of at most 63.
    let email = |last: usize| {
        format!(
            "{}@{}.{}.{}.com",
            "a".repeat(64),
            "b".repeat(63),
            "b".repeat(63),
            "c".repeat(last)
        )
    };
    assert_eq!(email(57).len(), 254);
    limit_holds(&env, "email2", json!(email(57)), json!(email(58)), "email2").await;
    Ok(())
}

#[tokio::test]
async fn contact_phone_numbers_are_at_most_128_characters() -> TestResult {
    let env = start().await;
    limit_holds(
        &env,
        "mobilePhone",
        json!("1".repeat(128)),
        json!("1".repeat(129)),
        "mobilePhone",
    )
    .await;
    Ok(())
}

#[tokio::test]
async fn contact_address_parts_have_their_own_limits() -> TestResult {
    let env = start().await;
    limit_holds(
        &env,
        "homeAddress",
        json!({"street": "s".repeat(256), "zip": "1234567890"}),
        json!({"street": "s".repeat(257)}),
        "homeAddress.street",
    )
    .await;
    limit_holds(
        &env,
        "businessAddress",
        json!({"zip": "1".repeat(10)}),
        json!({"zip": "1".repeat(11)}),
        "businessAddress.zip",
    )
    .await;
    Ok(())
}

#[tokio::test]
async fn contact_notes_are_at_most_4096_characters_and_a_huge_one_is_refused() -> TestResult {
    let env = start().await;
    limit_holds(
        &env,
        "notes",
        json!("n".repeat(4096)),
        json!("n".repeat(4097)),
        "notes",
    )
    .await;
    // A body of many megabytes in one field is refused just the same, and leaves nothing behind.
    let before = contact_count(&env).await;
    let huge = env
        .post(
            CONTACTS,
            json!({"firstName": "Big", "notes": "n".repeat(8 << 20)}),
        )
        .await;
    assert_too_long(&huge, "notes");
    assert_eq!(contact_count(&env).await, before);
    Ok(())
}

#[tokio::test]
async fn an_update_is_held_to_the_same_limits() -> TestResult {
    let env = start().await;
    let created = env.post(CONTACTS, json!({"firstName": "Ada"})).await;
    let id = created.body["id"].as_i64().ok_or("no id")?;
    let path = format!("{CONTACTS}/{id}");
    let refused = env
        .call(
            reqwest::Method::PUT,
            &path,
            Some(json!({"lastName": "l".repeat(65)})),
        )
        .await;
    assert_too_long(&refused, "lastName");
    assert_eq!(env.get(&path).await.body["firstName"], json!("Ada"));
    Ok(())
}

#[tokio::test]
async fn limits_the_spec_declares_are_enforced_on_stateful_operations() -> TestResult {
    let env = start().await;
    // `ContactInfo.firstName` has `maxLength: 64` in the spec.
    let ext = env
        .post(
            "/restapi/v1.0/account/~/extension",
            json!({"type": "User", "contact": {"firstName": "f".repeat(65), "email": "long@example.com"}}),
        )
        .await;
    assert_eq!(ext.status, 400, "{}", ext.body);
    assert_eq!(ext.body["errorCode"], json!("CMN-101"), "{}", ext.body);
    // An SMS text has `maxLength: 1000`.
    let (from, to) = env.sms_numbers().await;
    let sms = env
        .post(
            "/restapi/v1.0/account/~/extension/~/sms",
            json!({"from": {"phoneNumber": from}, "to": [{"phoneNumber": to}], "text": "t".repeat(1001)}),
        )
        .await;
    assert_eq!(sms.status, 400, "{}", sms.body);
    assert_eq!(sms.body["errorCode"], json!("CMN-101"), "{}", sms.body);
    Ok(())
}
