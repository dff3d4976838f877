//! Runs the code of every example against its own sandbox: each example's `run` is compiled in
//! here from the example's file, so what `cargo run --example NAME` does is what is tested.

#[allow(dead_code)]
#[path = "../examples/directory.rs"]
mod directory;
#[allow(dead_code)]
#[path = "../examples/paging.rs"]
mod paging;
#[allow(dead_code)]
#[path = "../examples/send_sms.rs"]
mod send_sms;
#[allow(dead_code)]
#[path = "../examples/suspend_user.rs"]
mod suspend_user;

use futures::TryStreamExt;
use ringcentral_sdk::Services;
use ringcentral_sdk::models::{
    ExtensionStatusEnumFull, GetMessageInfoResponseType, MessageDirectionEnum,
};
use ringcentral_sdk::services::{ListExtensionsParams, ReadExtensionParams, ScimGetUser2Params};
use ringcentral_sdk::testing::Sandbox;

async fn sandbox() -> Sandbox {
    Sandbox::builder()
        .users(25)
        .start()
        .await
        .expect("the sandbox starts")
}

fn text(out: Vec<u8>) -> String {
    String::from_utf8(out).expect("the example prints text")
}

#[tokio::test]
async fn directory_lists_reads_and_searches() {
    let sandbox = sandbox().await;
    let mut out = Vec::new();
    let (users, found) = directory::run(sandbox.client(), &mut out)
        .await
        .expect("the example runs");
    assert!(users > 0);
    assert!(
        found >= 1,
        "the search finds at least the entry it searched for"
    );
    let out = text(out);
    assert!(out.contains("read_directory_federation"), "{out}");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn send_sms_sends_and_reads_back() {
    let sandbox = sandbox().await;
    let mut out = Vec::new();
    let stored = send_sms::run(sandbox.client(), &mut out)
        .await
        .expect("the example runs");
    assert_eq!(stored.type_, Some(GetMessageInfoResponseType::Sms));
    assert_eq!(stored.direction, Some(MessageDirectionEnum::Outbound));
    let to = stored.to.unwrap_or_default();
    assert_eq!(
        to.first().and_then(|t| t.phone_number.as_deref()),
        Some("+16505550100")
    );
    assert!(text(out).starts_with("sent SMS "));
    sandbox.shutdown().await;
}

#[tokio::test]
async fn suspend_user_leaves_the_user_inactive_and_disabled() {
    let sandbox = sandbox().await;
    let admin = sandbox.credentials().email;
    let mut out = Vec::new();
    let suspended = suspend_user::run(sandbox.client(), &admin, &mut out)
        .await
        .expect("the example runs");
    assert_eq!(suspended.extension_status, "Disabled");
    assert_ne!(suspended.user_name, admin);
    // Read again here, not through the example: the change is on the server.
    let user = sandbox
        .client()
        .scim()
        .scim_get_user2(ScimGetUser2Params {
            scim_user_id: suspended.scim_id.clone(),
        })
        .await
        .expect("the user");
    assert_eq!(user.active, Some(false));
    let extension = sandbox
        .client()
        .user_settings()
        .read_extension(ReadExtensionParams {
            extension_id: Some(suspended.scim_id),
            ..Default::default()
        })
        .await
        .expect("the extension");
    assert_eq!(extension.status, Some(ExtensionStatusEnumFull::Disabled));
    sandbox.shutdown().await;
}

#[tokio::test]
async fn paging_counts_every_extension_across_pages() {
    let sandbox = sandbox().await;
    let mut out = Vec::new();
    let by_type = paging::run(sandbox.client(), &mut out)
        .await
        .expect("the example runs");
    let total: usize = by_type.values().sum();
    // The same listing in one large page holds as many records as the walk over pages of ten.
    let one_page = sandbox
        .client()
        .extensions()
        .list_extensions(ListExtensionsParams {
            per_page: Some(1000),
            ..Default::default()
        })
        .await
        .expect("one page");
    assert_eq!(total, one_page.records.len());
    assert!(
        total > 10,
        "{total} extensions fit one page of ten: the walk proves nothing"
    );
    assert!(by_type.get("User").is_some_and(|n| *n >= 25), "{by_type:?}");
    // The stream is also a `TryStream` for collecting.
    let ids: Vec<_> = sandbox
        .client()
        .extensions()
        .list_extensions_stream(ListExtensionsParams {
            per_page: Some(7),
            ..Default::default()
        })
        .try_collect()
        .await
        .expect("every page");
    assert_eq!(ids.len(), total);
    assert!(text(out).starts_with(&format!("{total} extensions")));
    sandbox.shutdown().await;
}
