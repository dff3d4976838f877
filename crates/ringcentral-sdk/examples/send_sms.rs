//! Sends an SMS from the logged-in user's SMS number through the typed `create_sms_message`, then
//! reads it back from the message store. Runs against the embedded sandbox, no account needed:
//! `cargo run -p ringcentral-sdk --example send_sms`.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use ringcentral::Client;
use ringcentral_sdk::Services;
use ringcentral_sdk::models::{
    CreateSMSMessage, GetMessageInfoResponse, MessageStoreCallerInfoRequest,
};
use ringcentral_sdk::services::{ListExtensionPhoneNumbersParams, ReadMessageParams};
use ringcentral_sdk::testing::Sandbox;

#[tokio::main]
async fn main() -> ExitCode {
    let outcome = async {
        let sandbox = Sandbox::start().await?;
        let result = run(sandbox.client(), &mut std::io::stdout()).await;
        sandbox.shutdown().await;
        result
    }
    .await;
    match outcome {
        Ok(_) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// Sends one SMS and gives back the message as the store keeps it.
pub async fn run(client: &Client, out: &mut dyn Write) -> anyhow::Result<GetMessageInfoResponse> {
    // RingCentral sends an SMS only from a number with the SmsSender feature.
    let numbers = client
        .phone_numbers()
        .list_extension_phone_numbers(ListExtensionPhoneNumbersParams::default())
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
        .context("the user has no number that may send SMS")?;

    let sent = client
        .sms()
        .create_sms_message(
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
                text: "The build is green.".into(),
                country: None,
                extra: Default::default(),
            },
        )
        .await?;
    let id = sent.id.context("the sent message has no id")?;
    writeln!(out, "sent SMS {id} from {from}")?;

    let stored = client
        .message_store()
        .read_message_batch(ReadMessageParams::default(), &[id.to_string()])
        .await?
        .into_iter()
        .next()
        .context("no result for the message")?
        .result?;
    writeln!(
        out,
        "the store has it: {} {}",
        stored.direction.as_ref().map_or("-", |d| d.as_str()),
        stored.message_status.as_ref().map_or("-", |s| s.as_str()),
    )?;
    Ok(stored)
}
