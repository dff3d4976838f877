//! The message store: list, read, update, delete, attachment content, and sending SMS (delivered to
//! the recipient's mailbox too when the number belongs to the account). Fax and MMS, which carry
//! files, are sent by `outbound`.

use bytes::Bytes;
use http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Entry, bulk, id_param, no_content, op, page_params, paged_with, time};
use crate::api::{ApiError, ApiResponse, ApiResult, Ctx};
use crate::store::{Attachment, Extension, Message, MessageFilter, Party};

pub fn entries() -> Vec<Entry> {
    vec![
        op!("listMessages", list),
        op!("readMessage", read),
        op!("updateMessage", update),
        op!("patchMessage", patch),
        op!("deleteMessage", delete),
        op!("readMessageContent", content),
        op!("createSMSMessage", send_sms),
    ]
}

const DAY_MS: i64 = 86_400_000;

fn message_uri(ctx: &Ctx<'_>, account: i64, m: &Message) -> String {
    ctx.url(&format!(
        "/restapi/v1.0/account/{account}/extension/{}/message-store/{}",
        m.extension_id, m.id
    ))
}

/// The status of a message now: a queued message that has left by now is `Sent`.
pub(super) fn status_now(ctx: &Ctx<'_>, m: &Message) -> String {
    if m.message_status == "Queued" && m.sent_ms.is_some_and(|t| ctx.now_ms() >= t) {
        "Sent".into()
    } else {
        m.message_status.clone()
    }
}

/// A message as `GetMessageInfoResponse`.
pub fn message_json(ctx: &Ctx<'_>, account: i64, m: &Message) -> Value {
    let uri = message_uri(ctx, account, m);
    let status = status_now(ctx, m);
    let attachments: Vec<Value> = m
        .attachments
        .iter()
        .map(|a| {
            let mut v = json!({
                "id": a.id,
                "uri": format!("{uri}/content/{}", a.id),
                "type": a.kind,
                "contentType": a.content_type,
                "size": attachment_bytes(m, a).len(),
            });
            if let Some(f) = &a.file_name {
                v["fileName"] = json!(f);
            }
            if let Some(d) = a.vm_duration {
                v["vmDuration"] = json!(d);
            }
            v
        })
        .collect();
    let to: Vec<Value> =
        m.to.iter()
            .map(|p| {
                let mut v = json!(p);
                if m.direction == "Outbound" {
                    v["messageStatus"] = json!(status);
                }
                v
            })
            .collect();
    let mut v = json!({
        "id": m.id,
        "uri": uri,
        "extensionId": m.extension_id.to_string(),
        "type": m.kind,
        "direction": m.direction,
        "readStatus": m.read_status,
        "availability": m.availability,
        "messageStatus": status,
        "priority": m.priority,
        "conversationId": m.conversation_id,
        "conversation": {"id": m.conversation_id.to_string(), "uri": ctx.url(&format!("/restapi/v1.0/conversation/{}", m.conversation_id))},
        "creationTime": time(m.created_ms),
        "lastModifiedTime": time(m.modified_ms),
        "from": m.from,
        "to": to,
        "attachments": attachments,
    });
    if let Some(s) = &m.subject {
        v["subject"] = json!(s);
    }
    match m.kind.as_str() {
        "VoiceMail" => v["vmTranscriptionStatus"] = json!("Completed"),
        "Fax" => {
            if let Some(p) = m.fax_page_count {
                v["faxPageCount"] = json!(p);
            }
            if let Some(r) = &m.fax_resolution {
                v["faxResolution"] = json!(r);
            }
            if let Some(c) = m.cover_index {
                v["coverIndex"] = json!(c);
            }
            if let Some(t) = &m.cover_page_text {
                v["coverPageText"] = json!(t);
            }
        }
        "SMS" if m.direction == "Outbound" => {
            v["smsDeliveryTime"] = json!(time(m.created_ms + 1500));
            v["smsSendingAttemptsCount"] = json!(1);
        }
        _ => {}
    }
    v
}

pub(super) fn attachment_bytes(m: &Message, a: &Attachment) -> Vec<u8> {
    if let Some(data) = &a.data {
        use base64::Engine;
        if let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(data) {
            return bytes;
        }
    }
    match a.content_type.as_str() {
        "audio/wav" => crate::content::wav(a.vm_duration.unwrap_or(5).max(1) as u32),
        "application/pdf" => {
            crate::content::pdf(&a.content, m.fax_page_count.unwrap_or(1).max(1) as u32)
        }
        _ => a.content.clone().into_bytes(),
    }
}

pub(super) fn mailbox(ctx: &Ctx<'_>) -> Result<(i64, Extension), ApiError> {
    let account = ctx.account_id()?;
    let ext = ctx.extension()?;
    Ok((account, ext))
}

fn list(ctx: &Ctx<'_>) -> ApiResult {
    let (account, ext) = mailbox(ctx)?;
    let page = page_params(ctx, 100, 1000)?;
    let now = ctx.now_ms();
    let date_to = ctx.query_time("dateTo")?.unwrap_or(now);
    let date_from = ctx.query_time("dateFrom")?.unwrap_or(date_to - DAY_MS);
    let mut availability = ctx.query_enum("availability", &["Alive", "Deleted", "Purged"])?;
    if availability.is_empty() {
        availability = vec!["Alive".into(), "Deleted".into()];
    }
    let conversation_id = ctx
        .query("conversationId")
        .map(|c| {
            c.parse::<i64>()
                .map_err(|_| ApiError::invalid("conversationId", "not a conversation id"))
        })
        .transpose()?;
    let filter = MessageFilter {
        kinds: ctx.query_enum("messageType", &["Fax", "SMS", "VoiceMail", "Pager", "Text"])?,
        directions: ctx.query_enum("direction", &["Inbound", "Outbound"])?,
        read_statuses: ctx.query_enum("readStatus", &["Read", "Unread"])?,
        availability,
        // A conversation is listed whole, whatever its age.
        from_ms: conversation_id.is_none().then_some(date_from),
        to_ms: conversation_id.is_none().then_some(date_to),
        conversation_id,
        phone_number: ctx.query("phoneNumber").map(str::to_owned),
    };
    let mut all = ctx.store().messages(ext.id, &filter, now)?;
    if ctx.query_bool("distinctConversations", false)? {
        let mut seen = std::collections::HashSet::new();
        all.retain(|m| seen.insert(m.conversation_id));
    }
    paged_with(ctx, page, all, |m| Ok(message_json(ctx, account, m)))
}

fn find(ctx: &Ctx<'_>) -> Result<(i64, Message), ApiError> {
    let (account, ext) = mailbox(ctx)?;
    let id = id_param(ctx, "messageId")?;
    let m = find_in(ctx, &ext, &id.to_string())?;
    Ok((account, m))
}

/// A message of the mailbox that is not purged, by the id as the client wrote it.
pub(super) fn find_in(ctx: &Ctx<'_>, ext: &Extension, id: &str) -> Result<Message, ApiError> {
    let id = id
        .parse::<i64>()
        .map_err(|_| ApiError::not_found("messageId"))?;
    ctx.store()
        .message(ext.id, id, ctx.now_ms())?
        .filter(|m| m.availability != "Purged")
        .ok_or_else(|| ApiError::not_found("messageId"))
}

fn read(ctx: &Ctx<'_>) -> ApiResult {
    let (account, ext) = mailbox(ctx)?;
    let ids = bulk::ids(ctx, "messageId")?;
    if let [id] = ids.as_slice()
        && id != "*"
    {
        let m = find_in(ctx, &ext, id)?;
        let mut v = message_json(ctx, account, &m);
        // The spec requires at least one side recipient on a single message; the recipients are
        // those.
        v["vmSideRecipients"] = v["to"].clone();
        return Ok(ApiResponse::ok(&v));
    }
    let results = ids
        .iter()
        .map(|id| {
            let outcome = find_in(ctx, &ext, id).map(|m| message_json(ctx, account, &m));
            (id.clone(), outcome)
        })
        .collect();
    Ok(bulk::multi_status(ctx, "messageId", results))
}

/// Applies one change (`readStatus`; with PATCH also `availability`) to a stored message.
fn apply(
    ctx: &Ctx<'_>,
    account: i64,
    ext: &Extension,
    id: &str,
    change: &Value,
    patching: bool,
) -> Result<Value, ApiError> {
    let mut m = find_in(ctx, ext, id)?;
    let read_status = change.get("readStatus").and_then(Value::as_str);
    if !patching && read_status.is_none() {
        return Err(ApiError::missing("readStatus"));
    }
    if let Some(s) = read_status {
        if !["Read", "Unread"].contains(&s) {
            return Err(ApiError::invalid("readStatus", "must be Read or Unread"));
        }
        m.read_status = s.to_owned();
    }
    let availability = patching
        .then(|| change.get("availability").and_then(Value::as_str))
        .flatten();
    match availability {
        None => {}
        Some(a @ ("Alive" | "Deleted")) => m.availability = a.to_owned(),
        Some("Purged") => {
            ctx.store().purge_message(m.extension_id, m.id)?;
            m.availability = "Purged".into();
            m.modified_ms = ctx.now_ms();
            crate::notify::publish(ctx.state, vec![store_event(account, &m, false)]);
            return Ok(message_json(ctx, account, &m));
        }
        Some(_) => {
            return Err(ApiError::invalid(
                "availability",
                "must be Alive, Deleted or Purged",
            ));
        }
    }
    m.modified_ms = ctx.now_ms();
    let m = ctx.store().save_message(&m)?;
    crate::notify::publish(ctx.state, vec![store_event(account, &m, false)]);
    Ok(message_json(ctx, account, &m))
}

/// `PUT` (read status) and `PATCH` (read status, availability) of one message or, with
/// RingCentral's bulk syntax, of several.
fn change_messages(ctx: &Ctx<'_>, patching: bool) -> ApiResult {
    let (account, ext) = mailbox(ctx)?;
    let ids = bulk::ids(ctx, "messageId")?;
    let changes = bulk::changes(ctx, "messageId", &ids)?;
    let several = bulk::is_bulk(&ids)
        || matches!(ctx.req.body_json, Some(Value::Array(_) | Value::String(_)));
    if !several && let [(id, change)] = changes.as_slice() {
        let body = apply(ctx, account, &ext, id, change, patching)?;
        return Ok(ApiResponse::ok(&body));
    }
    let results = changes
        .iter()
        .map(|(id, change)| {
            let outcome = apply(ctx, account, &ext, id, change, patching);
            (id.clone(), outcome)
        })
        .collect();
    Ok(bulk::multi_status(ctx, "messageId", results))
}

fn update(ctx: &Ctx<'_>) -> ApiResult {
    change_messages(ctx, false)
}

fn patch(ctx: &Ctx<'_>) -> ApiResult {
    change_messages(ctx, true)
}

fn delete(ctx: &Ctx<'_>) -> ApiResult {
    let (account, ext) = mailbox(ctx)?;
    let purge = ctx.query_bool("purge", false)?;
    // Every addressed message must exist before any is touched.
    let found = bulk::ids(ctx, "messageId")?
        .iter()
        .map(|id| find_in(ctx, &ext, id))
        .collect::<Result<Vec<_>, _>>()?;
    for mut m in found {
        // A deleted message goes to the trash first; deleting it again (or purge=true) removes
        // it.
        if purge || m.availability == "Deleted" {
            ctx.store().purge_message(m.extension_id, m.id)?;
        } else {
            m.availability = "Deleted".into();
            m.modified_ms = ctx.now_ms();
            ctx.store().save_message(&m)?;
        }
        m.modified_ms = ctx.now_ms();
        crate::notify::publish(ctx.state, vec![store_event(account, &m, false)]);
    }
    no_content()
}

fn content(ctx: &Ctx<'_>) -> ApiResult {
    let (_, m) = find(ctx)?;
    let att_id = id_param(ctx, "attachmentId")?;
    let a = m
        .attachments
        .iter()
        .find(|a| a.id == att_id)
        .ok_or_else(|| ApiError::not_found("attachmentId"))?;
    let bytes = attachment_bytes(&m, a);
    let disposition = match ctx.query("contentDisposition") {
        Some("Attachment") => "attachment",
        _ => "inline",
    };
    let name = ctx
        .query("contentDispositionFilename")
        .map(str::to_owned)
        .or_else(|| a.file_name.clone())
        .unwrap_or_else(|| format!("{}", a.id));
    let safe: String = name
        .chars()
        .filter(|c| c.is_ascii_graphic() && *c != '"')
        .collect();
    Ok(
        ApiResponse::bytes(StatusCode::OK, &a.content_type, Bytes::from(bytes)).header(
            http::header::CONTENT_DISPOSITION,
            &format!("{disposition}; filename=\"{safe}\""),
        ),
    )
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Number {
    phone_number: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SmsRequest {
    from: Number,
    to: Vec<Number>,
    text: String,
}

pub(super) fn is_phone_number(s: &str) -> bool {
    let digits = s.strip_prefix('+').unwrap_or(s);
    (7..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
}

fn send_sms(ctx: &Ctx<'_>) -> ApiResult {
    let (account, ext) = mailbox(ctx)?;
    let body: SmsRequest = ctx.json()?;
    if body.text.trim().is_empty() {
        return Err(ApiError::missing("text"));
    }
    if body.text.chars().count() > 1000 {
        return Err(ApiError::invalid("text", "longer than 1000 characters"));
    }
    if body.to.is_empty() {
        return Err(ApiError::missing("to"));
    }
    for (i, t) in body.to.iter().enumerate() {
        if !is_phone_number(&t.phone_number) {
            return Err(ApiError::invalid(
                &format!("to[{i}].phoneNumber"),
                format!("{:?} is not a phone number in E.164 format", t.phone_number),
            ));
        }
    }
    let from = sender_number(
        ctx,
        account,
        &ext,
        &body.from.phone_number,
        "SmsSender",
        "SMS",
    )?;
    let me = Party {
        phone_number: Some(from.phone_number.clone()),
        extension_number: Some(ext.number.clone()),
        name: Some(ext.name.clone()),
        ..Default::default()
    };
    let to: Vec<Party> = body
        .to
        .iter()
        .map(|t| Party {
            phone_number: Some(t.phone_number.clone()),
            ..Default::default()
        })
        .collect();
    let text = vec![Attachment {
        id: 0,
        kind: "Text".into(),
        content_type: "text/plain".into(),
        file_name: None,
        vm_duration: None,
        content: body.text.clone(),
        data: None,
    }];
    send_text(ctx, account, &ext, me, to, body.text, text)
}

/// Keeps an outbound text message (an SMS, or an MMS with its files) in the sender's message
/// store, delivers it to recipients inside the account, publishes the events, and answers it.
pub(super) fn send_text(
    ctx: &Ctx<'_>,
    account: i64,
    ext: &Extension,
    from: Party,
    to: Vec<Party>,
    subject: String,
    attachments: Vec<Attachment>,
) -> ApiResult {
    let now = ctx.now_ms();
    let conversation = existing_conversation(ctx, ext.id, &to, now)?;
    let sent = ctx.store().save_message(&Message {
        id: 0,
        extension_id: ext.id,
        // RingCentral keeps an MMS as an SMS with files.
        kind: "SMS".into(),
        direction: "Outbound".into(),
        read_status: "Read".into(),
        availability: "Alive".into(),
        message_status: "Delivered".into(),
        priority: "Normal".into(),
        conversation_id: conversation.unwrap_or(0),
        created_ms: now,
        modified_ms: now,
        from,
        to,
        subject: Some(subject),
        attachments,
        fax_page_count: None,
        fax_resolution: None,
        cover_index: None,
        cover_page_text: None,
        sent_ms: None,
    })?;
    let mut events = vec![store_event(account, &sent, true)];
    // Recipients inside the account get the message in their own mailbox.
    let numbers: Vec<String> = sent
        .to
        .iter()
        .filter_map(|p| p.phone_number.clone())
        .collect();
    events.extend(deliver(ctx, account, &sent, &numbers, |m| m, true)?);
    crate::notify::publish(ctx.state, events);
    Ok(ApiResponse::ok(&message_json(ctx, account, &sent)))
}

pub(super) fn existing_conversation(
    ctx: &Ctx<'_>,
    ext: i64,
    to: &[Party],
    now: i64,
) -> Result<Option<i64>, ApiError> {
    // A message to several recipients starts a group conversation of its own.
    let [one] = to else {
        return Ok(None);
    };
    let Some(number) = one.phone_number.as_deref() else {
        return Ok(None);
    };
    Ok(ctx.store().sms_conversation_with(ext, number, now)?)
}

/// The number of `ext` a message is sent from, refused unless it is the extension's and has
/// `feature` (`SmsSender`, `MmsSender`).
pub(super) fn sender_number(
    ctx: &Ctx<'_>,
    account: i64,
    ext: &Extension,
    number: &str,
    feature: &str,
    what: &str,
) -> Result<crate::store::PhoneNumber, ApiError> {
    let numbers = ctx.store().phone_numbers(account, Some(ext.id))?;
    let Some(from) = numbers.into_iter().find(|n| n.phone_number == number) else {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "MSG-304",
            format!(
                "Phone number [{number}] does not belong to extension [{}]",
                ext.id
            ),
        )
        .with_parameter("from.phoneNumber"));
    };
    if !from.features.iter().any(|f| f == feature) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "FeatureNotAvailable",
            format!(
                "Phone number [{}] is not enabled for sending {what}",
                from.phone_number
            ),
        )
        .with_parameter("from.phoneNumber"));
    }
    Ok(from)
}

/// Copies a sent message into the mailbox of every recipient whose number belongs to another
/// extension of the account, and returns the events that announce them.
pub(super) fn deliver(
    ctx: &Ctx<'_>,
    account: i64,
    sent: &Message,
    numbers: &[String],
    received: impl Fn(Message) -> Message,
    instant: bool,
) -> Result<Vec<crate::notify::Event>, ApiError> {
    let mut events = Vec::new();
    let mut reached = std::collections::HashSet::new();
    for number in numbers {
        if let Some(target) = ctx.store().phone_number_by_value(number)?
            && let Some(target_ext) = target.extension_id
            && target_ext != sent.extension_id
            && reached.insert(target_ext)
        {
            let copy = ctx.store().save_message(&received(Message {
                id: 0,
                extension_id: target_ext,
                direction: "Inbound".into(),
                read_status: "Unread".into(),
                message_status: "Received".into(),
                conversation_id: 0,
                sent_ms: None,
                ..sent.clone()
            }))?;
            events.push(store_event(account, &copy, true));
            if instant {
                events.push(instant_event(ctx, account, &copy));
            }
        }
    }
    Ok(events)
}

/// The message-store change event of an extension.
pub(super) fn store_event(account: i64, m: &Message, new: bool) -> crate::notify::Event {
    crate::notify::Event {
        path: format!(
            "/restapi/v1.0/account/{account}/extension/{}/message-store",
            m.extension_id
        ),
        query: vec![],
        owner_id: m.extension_id,
        body: json!({
            "extensionId": m.extension_id.to_string(),
            "lastUpdated": time(m.modified_ms),
            "changes": [{
                "type": m.kind,
                "newCount": if new { 1 } else { 0 },
                "updatedCount": if new { 0 } else { 1 },
                "newMessageIds": if new { vec![m.id] } else { vec![] },
            }],
            "ownerId": m.extension_id.to_string(),
        }),
    }
}

/// The instant-message event of an inbound SMS.
pub(super) fn instant_event(ctx: &Ctx<'_>, account: i64, m: &Message) -> crate::notify::Event {
    let path = format!(
        "/restapi/v1.0/account/{account}/extension/{}/message-store/instant",
        m.extension_id
    );
    crate::notify::Event {
        query: vec![("type", m.kind.clone())],
        owner_id: m.extension_id,
        body: json!({
            "id": m.id.to_string(),
            "to": m.to.iter().map(|t| json!({"phoneNumber": t.phone_number, "target": true})).collect::<Vec<_>>(),
            "from": {"phoneNumber": m.from.phone_number, "name": m.from.name},
            "type": m.kind,
            "creationTime": time(m.created_ms),
            "lastModifiedTime": time(m.modified_ms),
            "readStatus": m.read_status,
            "priority": m.priority,
            "direction": m.direction,
            "availability": m.availability,
            "subject": m.subject,
            "messageStatus": m.message_status,
            "conversationId": m.conversation_id.to_string(),
            "conversation": {"id": m.conversation_id.to_string(), "uri": ctx.url(&format!("/restapi/v1.0/conversation/{}", m.conversation_id))},
            "ownerId": m.extension_id.to_string(),
        }),
        path,
    }
}
