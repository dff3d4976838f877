//! The sandbox fixture as a user's test would use it: a logged-in client, faults switched on and
//! off while the server runs, and a clock moved past the access token's expiry and forward in the
//! dates of new messages.

use std::time::Duration;

use ringcentral::RetryPolicy;
use ringcentral_sdk::Services;
use ringcentral_sdk::models::{CreateSMSMessage, MessageStoreCallerInfoRequest};
use ringcentral_sdk::services::{ListMessagesParams, ReadExtensionParams};
use ringcentral_sdk::testing::Sandbox;

#[tokio::test]
async fn a_test_against_the_sandbox() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::builder()
        .users(10)
        // Short backoffs keep the failing call below quick.
        .retry_policy(RetryPolicy {
            max_retries: 2,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(50),
            ..RetryPolicy::default()
        })
        .start()
        .await?;
    let settings = sandbox.client().user_settings();

    let me = settings
        .read_extension(ReadExtensionParams::default())
        .await?;
    assert_eq!(me.id, Some(sandbox.credentials().extension_id));

    // Every request fails while the fault is set: the runtime retries twice, then gives up.
    sandbox.set_faults("503=1")?;
    let failed = settings
        .read_extension(ReadExtensionParams::default())
        .await;
    assert!(failed.is_err(), "a 503 on every attempt must fail the call");
    sandbox.clear_faults();
    settings
        .read_extension(ReadExtensionParams::default())
        .await?;

    // Two hours on, the server has expired the access token; the runtime refreshes it and the
    // call goes through.
    let before = sandbox.now();
    sandbox.advance_clock(Duration::from_secs(2 * 3600));
    assert!(sandbox.now().duration_since(before)? >= Duration::from_secs(2 * 3600));
    let again = settings
        .read_extension(ReadExtensionParams::default())
        .await?;
    assert_eq!(again.id, me.id);

    // Other users log in too.
    let user = sandbox.client_for(&sandbox.credentials().email).await?;
    user.message_store()
        .list_messages(ListMessagesParams::default())
        .await?;

    sandbox.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn the_clock_dates_new_messages() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::start().await?;
    let client = sandbox.client();
    let numbers = client
        .phone_numbers()
        .list_extension_phone_numbers(Default::default())
        .await?;
    let from = numbers
        .records
        .iter()
        .find(|n| {
            n.features
                .iter()
                .flatten()
                .any(|f| f.as_str() == "SmsSender")
        })
        .and_then(|n| n.phone_number.clone())
        .ok_or("no SMS number")?;
    let sms = client.sms();
    let send = || {
        sms.create_sms_message(
            Default::default(),
            CreateSMSMessage {
                from: MessageStoreCallerInfoRequest {
                    phone_number: from.clone(),
                    ..Default::default()
                },
                to: vec![MessageStoreCallerInfoRequest {
                    phone_number: "+16505550100".into(),
                    ..Default::default()
                }],
                text: "ping".into(),
                country: None,
                extra: Default::default(),
            },
        )
    };
    let year = |time: Option<String>| -> Option<i32> { time?.get(..4)?.parse().ok() };
    let before = year(send().await?.creation_time).ok_or("no creation time")?;
    sandbox.advance_clock(Duration::from_secs(2 * 366 * 24 * 3600));
    let after = year(send().await?.creation_time).ok_or("no creation time")?;
    assert!(after >= before + 2, "{before} then {after}");
    sandbox.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn bad_fault_specifications_are_refused() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::start().await?;
    let err = sandbox.set_faults("teapot=1").err().map(|e| e.to_string());
    assert!(
        err.as_deref().is_some_and(|e| e.contains("teapot")),
        "{err:?}"
    );
    assert!(Sandbox::builder().faults("5xx=2").is_err());
    sandbox.shutdown().await;
    Ok(())
}
