//! Typed multipart bodies and non-JSON answers against the sandbox: an MMS and a fax sent with
//! files through their upload structs, and the files read back as `Binary` from the message store.

use ringcentral::Client;
use ringcentral_sdk::models::{
    CreateFaxMessageRequest, CreateMMSRequest, FaxRequestTo, MessageAttachmentInfo,
    MessageStoreCallerInfoRequest,
};
use ringcentral_sdk::services::{
    CreateFaxMessageUpload, CreateMMSUpload, ListExtensionPhoneNumbersParams,
    ReadMessageContentParams, ReadMessageParams,
};
use ringcentral_sdk::testing::Sandbox;
use ringcentral_sdk::{Attachment, Services};

/// A number of the logged-in user that may send messages with this feature.
async fn number_with(client: &Client, feature: &str) -> String {
    let numbers = client
        .phone_numbers()
        .list_extension_phone_numbers(ListExtensionPhoneNumbersParams::default())
        .await
        .expect("the user's numbers");
    numbers
        .records
        .iter()
        .find(|n| n.features.iter().flatten().any(|f| f.as_str() == feature))
        .and_then(|n| n.phone_number.clone())
        .unwrap_or_else(|| panic!("the admin has no {feature} number"))
}

async fn read_back(
    client: &Client,
    message_id: &str,
    attachment: &MessageAttachmentInfo,
) -> ringcentral_sdk::Binary {
    client
        .message_store()
        .read_message_content(ReadMessageContentParams {
            message_id: message_id.to_string(),
            attachment_id: attachment.id.expect("the attachment has an id").to_string(),
            ..Default::default()
        })
        .await
        .expect("the attachment's content")
}

#[tokio::test]
async fn an_mms_sends_its_files_and_they_read_back_as_sent() {
    let sandbox = Sandbox::start().await.expect("the sandbox starts");
    let client = sandbox.client();
    let from = number_with(client, "MmsSender").await;
    let picture: Vec<u8> = (0..=255u8).cycle().take(4000).collect();
    let sent = client
        .sms()
        .create_mms(
            Default::default(),
            CreateMMSUpload {
                request: CreateMMSRequest {
                    from: MessageStoreCallerInfoRequest {
                        phone_number: from,
                        ..Default::default()
                    },
                    to: vec![MessageStoreCallerInfoRequest {
                        phone_number: "+16505550123".into(),
                        ..Default::default()
                    }],
                    text: Some("the plan".into()),
                    country: None,
                    extra: Default::default(),
                },
                attachments: vec![
                    Attachment::new("plan.png", "image/png", picture.clone()),
                    Attachment::new("notes.txt", "text/plain", "line one\nline two\n"),
                ],
            },
        )
        .await
        .expect("the MMS is sent");
    let id = sent.id.expect("the MMS has an id").to_string();

    let stored = client
        .message_store()
        .read_message(ReadMessageParams {
            message_id: id.clone(),
            ..Default::default()
        })
        .await
        .expect("the MMS is in the store");
    let attachments = stored.attachments.unwrap_or_default();
    let files: Vec<&MessageAttachmentInfo> = attachments
        .iter()
        .filter(|a| a.file_name.is_some())
        .collect();
    assert_eq!(files.len(), 2, "{attachments:?}");

    let png = files
        .iter()
        .find(|a| a.file_name.as_deref() == Some("plan.png"))
        .expect("the picture is kept under its name");
    let content = read_back(client, &id, png).await;
    assert_eq!(content.media_type(), "image/png");
    assert_eq!(content.bytes.as_ref(), picture.as_slice());

    let txt = files
        .iter()
        .find(|a| a.file_name.as_deref() == Some("notes.txt"))
        .expect("the text file is kept under its name");
    let content = read_back(client, &id, txt).await;
    assert_eq!(content.media_type(), "text/plain");
    assert_eq!(content.text().expect("text"), "line one\nline two\n");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_fax_sends_its_document_and_it_reads_back() {
    let sandbox = Sandbox::start().await.expect("the sandbox starts");
    let client = sandbox.client();
    let document = "Dear reader,\n".repeat(120);
    let fax = client
        .fax()
        .create_fax_message(
            Default::default(),
            CreateFaxMessageUpload {
                request: CreateFaxMessageRequest {
                    to: vec![FaxRequestTo {
                        phone_number: Some("+16505550199".into()),
                        ..Default::default()
                    }],
                    cover_index: Some(0),
                    ..Default::default()
                },
                attachment: Attachment::new("letter.txt", "text/plain", document.clone()),
            },
        )
        .await
        .expect("the fax is sent");
    // 120 lines at about 50 a page, no cover page.
    assert_eq!(fax.fax_page_count, Some(3));
    let id = fax.id.expect("the fax has an id").to_string();
    let stored = client
        .message_store()
        .read_message(ReadMessageParams {
            message_id: id.clone(),
            ..Default::default()
        })
        .await
        .expect("the fax is in the store");
    let attachment = stored
        .attachments
        .unwrap_or_default()
        .into_iter()
        .find(|a| a.file_name.as_deref() == Some("letter.txt"))
        .expect("the document is an attachment of the fax");
    let content = read_back(client, &id, &attachment).await;
    assert_eq!(content.text().expect("text"), document);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_missing_file_is_the_server_s_error_not_a_panic() {
    let sandbox = Sandbox::start().await.expect("the sandbox starts");
    let client = sandbox.client();
    let from = number_with(client, "MmsSender").await;
    let err = client
        .sms()
        .create_mms(
            Default::default(),
            CreateMMSUpload {
                request: CreateMMSRequest {
                    from: MessageStoreCallerInfoRequest {
                        phone_number: from,
                        ..Default::default()
                    },
                    to: vec![MessageStoreCallerInfoRequest {
                        phone_number: "+16505550123".into(),
                        ..Default::default()
                    }],
                    text: Some("no files".into()),
                    country: None,
                    extra: Default::default(),
                },
                attachments: Vec::new(),
            },
        )
        .await
        .expect_err("an MMS needs a file");
    assert!(err.to_string().contains("attachments"), "{err}");
    sandbox.shutdown().await;
}
