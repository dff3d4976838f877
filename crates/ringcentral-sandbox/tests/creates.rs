//! Creates find what they need by index instead of reading their whole collection; seen from
//! outside, their answers and the state they leave are what they were.

mod common;

use common::*;
use serde_json::{Value, json};

const ME: &str = "/restapi/v1.0/account/~/extension/~";

async fn all_contacts(env: &Env) -> Vec<Value> {
    records(
        &env.get(&format!("{ME}/address-book/contact?perPage=1000"))
            .await
            .body,
    )
}

#[tokio::test]
async fn a_contact_created_first_joins_the_seeded_address_book() -> TestResult {
    let env = start().await;
    // Nothing has read the address book yet: the create must still seed it first.
    let created = env
        .post(
            &format!("{ME}/address-book/contact"),
            json!({"firstName": "Ada", "lastName": "Lovelace", "email": "ada@example.com"}),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    check_schema("createContact", 200, &created.body);
    let listed = all_contacts(&env).await;
    assert!(listed.len() > 1, "the seeded contacts are there too");
    assert!(listed.iter().any(|c| c["id"] == created.body["id"]));
    // A second create adds exactly one.
    let again = env
        .post(
            &format!("{ME}/address-book/contact"),
            json!({"firstName": "Charles", "lastName": "Babbage"}),
        )
        .await;
    assert_eq!(again.status, 200, "{}", again.body);
    let after = all_contacts(&env).await;
    assert_eq!(after.len(), listed.len() + 1);
    let id = again.body["id"].as_i64().ok_or("no id")?;
    let read = env.get(&format!("{ME}/address-book/contact/{id}")).await;
    assert_eq!(read.body["lastName"], json!("Babbage"));
    Ok(())
}

#[tokio::test]
async fn new_extensions_take_the_numbers_after_the_highest() -> TestResult {
    let env = start().await;
    let base = "/restapi/v1.0/account/~/extension";
    let listed = records(&env.get(&format!("{base}?perPage=1000")).await.body);
    let highest = listed
        .iter()
        .filter_map(|e| e["extensionNumber"].as_str())
        .filter(|n| n.len() >= 4)
        .filter_map(|n| n.parse::<i64>().ok())
        .max()
        .ok_or("no four-digit extension")?;
    let mut numbers = Vec::new();
    for who in ["grace", "alan"] {
        let created = env
            .post(
                base,
                json!({"type": "User", "contact": {"firstName": who, "email": format!("{who}@example.com")}}),
            )
            .await;
        assert_eq!(created.status, 200, "{}", created.body);
        numbers.push(
            created.body["extensionNumber"]
                .as_str()
                .and_then(|n| n.parse::<i64>().ok())
                .ok_or("no number")?,
        );
    }
    assert_eq!(numbers, vec![highest + 1, highest + 2]);
    Ok(())
}

async fn send_sms(env: &Env, token: &str, from: &str, to: &str) -> Value {
    let r = env
        .call_as(
            token,
            reqwest::Method::POST,
            &format!("{ME}/sms"),
            Some(json!({"from": {"phoneNumber": from}, "to": [{"phoneNumber": to}], "text": "hi"})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.body
}

#[tokio::test]
async fn an_sms_joins_the_conversation_it_continues() -> TestResult {
    let env = start().await;
    let (mine, theirs) = env.sms_numbers().await;
    let first = send_sms(&env, &env.token, &mine, &theirs).await;
    let second = send_sms(&env, &env.token, &mine, &theirs).await;
    assert_eq!(first["conversationId"], second["conversationId"]);
    assert_ne!(first["id"], second["id"]);
    // The colleague's answer continues the conversation their inbox received.
    let (_, email) = env.regular_user().await;
    let token = env.token_for(&email).await;
    let inbox = env
        .call_as(
            &token,
            reqwest::Method::GET,
            &format!("{ME}/message-store?messageType=SMS&direction=Inbound&perPage=1000"),
            None,
        )
        .await;
    let received = records(&inbox.body)
        .into_iter()
        .find(|m| m["from"]["phoneNumber"] == json!(mine))
        .ok_or("the colleague got no copy")?;
    let reply = send_sms(&env, &token, &theirs, &mine).await;
    assert_eq!(reply["conversationId"], received["conversationId"]);
    // A seeded conversation with an outside number is continued too: the newest SMS with that
    // number (the listing is newest first) names the conversation.
    let mailbox = env
        .get(&format!(
            "{ME}/message-store?messageType=SMS&perPage=1000&dateFrom=2000-01-01T00:00:00Z"
        ))
        .await;
    let all = records(&mailbox.body);
    let outside = all
        .iter()
        .filter(|m| m["direction"] == json!("Inbound"))
        .filter_map(|m| m["from"]["phoneNumber"].as_str())
        .find(|n| *n != theirs && *n != mine)
        .ok_or("no seeded inbound SMS")?
        .to_owned();
    let newest = all
        .iter()
        .find(|m| {
            m["from"]["phoneNumber"] == json!(outside)
                || m["to"][0]["phoneNumber"] == json!(outside)
        })
        .ok_or("the number has no SMS")?;
    let answer = send_sms(&env, &env.token, &mine, &outside).await;
    assert_eq!(answer["conversationId"], newest["conversationId"]);
    Ok(())
}
