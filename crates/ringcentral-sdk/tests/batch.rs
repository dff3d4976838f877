//! Bulk ids against the sandbox: several messages read, marked read and deleted in one request
//! each, with one result per id, a missing id included.

use ringcentral_sdk::models::{
    MessageAvailabilityEnum, MessageReadStatusEnum, UpdateMessageRequest,
};
use ringcentral_sdk::services::{ListMessagesParams, ReadMessageParams};
use ringcentral_sdk::testing::Sandbox;
use ringcentral_sdk::{Error, Services};

/// Ids of the logged-in user's first `n` messages.
async fn message_ids(sandbox: &Sandbox, n: usize) -> Vec<String> {
    let list = sandbox
        .client()
        .message_store()
        .list_messages(ListMessagesParams {
            per_page: Some(n as i64),
            ..Default::default()
        })
        .await
        .expect("the message list");
    let ids: Vec<String> = list
        .records
        .iter()
        .filter_map(|m| m.id.map(|id| id.to_string()))
        .collect();
    assert_eq!(ids.len(), n, "the seeded mailbox has {n} messages");
    ids
}

#[tokio::test]
async fn a_bulk_read_gives_one_result_per_id_in_order() {
    let sandbox = Sandbox::start().await.expect("the sandbox starts");
    let store = sandbox.client().message_store();
    let mut ids = message_ids(&sandbox, 2).await;
    ids.insert(1, "999999999".into());

    let results = store
        .read_message_batch(ReadMessageParams::default(), &ids)
        .await
        .expect("a 207 answer");
    assert_eq!(results.len(), 3);
    assert_eq!(
        results.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        ids.iter().map(String::as_str).collect::<Vec<_>>()
    );
    for (i, r) in results.iter().enumerate() {
        if i == 1 {
            assert_eq!(r.status, 404);
            let err = r.result.as_ref().expect_err("the missing id fails alone");
            assert_eq!(err.code, "CMN-102");
            assert_eq!(err.id, "999999999");
        } else {
            assert_eq!(r.status, 200);
            let message = r.result.as_ref().expect("a message");
            assert_eq!(
                message.id.map(|id| id.to_string()).as_deref(),
                Some(ids[i].as_str())
            );
        }
    }

    // One id is answered like a plain read, and still comes back as one result.
    let one = store
        .read_message_batch(ReadMessageParams::default(), &ids[..1])
        .await
        .expect("a 200 answer");
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].status, 200);
    assert!(one[0].is_ok());
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_bulk_update_and_delete_change_every_id() {
    let sandbox = Sandbox::start().await.expect("the sandbox starts");
    let store = sandbox.client().message_store();
    let ids = message_ids(&sandbox, 3).await;

    let changes = ids
        .iter()
        .map(|id| {
            (
                id.clone(),
                UpdateMessageRequest {
                    read_status: MessageReadStatusEnum::Read,
                    extra: Default::default(),
                },
            )
        })
        .collect();
    let updated = store
        .update_message_batch(Default::default(), changes)
        .await
        .expect("a 207 answer");
    assert_eq!(updated.len(), 3);
    for r in &updated {
        let message = r.result.as_ref().expect("updated");
        assert_eq!(message.read_status, Some(MessageReadStatusEnum::Read));
    }
    let read = store
        .read_message_batch(ReadMessageParams::default(), &ids)
        .await
        .expect("a 207 answer");
    assert!(read.iter().all(|r| {
        r.result
            .as_ref()
            .is_ok_and(|m| m.read_status == Some(MessageReadStatusEnum::Read))
    }));

    let deleted = store
        .delete_message_batch(Default::default(), &ids[..2])
        .await
        .expect("deleted");
    assert_eq!(
        deleted.iter().map(|r| r.status).collect::<Vec<_>>(),
        [204, 204]
    );
    let read = store
        .read_message_batch(ReadMessageParams::default(), &ids)
        .await
        .expect("a 207 answer");
    let availability: Vec<_> = read
        .iter()
        .map(|r| r.result.as_ref().ok().and_then(|m| m.availability.clone()))
        .collect();
    assert_eq!(
        availability,
        [
            Some(MessageAvailabilityEnum::Deleted),
            Some(MessageAvailabilityEnum::Deleted),
            Some(MessageAvailabilityEnum::Alive)
        ]
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn bad_id_lists_are_refused_before_sending() {
    let sandbox = Sandbox::start().await.expect("the sandbox starts");
    let store = sandbox.client().message_store();
    let none: [&str; 0] = [];
    let too_many: Vec<String> = (1..=51).map(|i| i.to_string()).collect();
    let sent = |sandbox: &Sandbox| sandbox.stats()["requests"]["total"].as_u64();
    let before = sent(&sandbox);
    assert!(before.is_some_and(|n| n > 0), "the login was counted");
    for result in [
        store
            .read_message_batch(ReadMessageParams::default(), &none)
            .await,
        store
            .read_message_batch(ReadMessageParams::default(), &too_many)
            .await,
        store
            .read_message_batch(ReadMessageParams::default(), &["1,2"])
            .await,
        store
            .read_message_batch(
                ReadMessageParams {
                    message_id: "5".into(),
                    ..Default::default()
                },
                &["1", "2"],
            )
            .await,
    ] {
        assert!(matches!(result, Err(Error::Input(_))), "{result:?}");
    }
    assert_eq!(sent(&sandbox), before, "nothing reached the server");
    sandbox.shutdown().await;
}
