//! Messages that carry files: faxes and MMS, sent as multipart bodies (a JSON root part, then the
//! files), kept in the sender's message store with their files readable as attachments, and
//! delivered to recipients whose numbers belong to the account.

use http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use super::messages::{
    deliver, find_in, is_phone_number, mailbox, message_json, sender_number, status_now,
    store_event,
};
use super::{Entry, op};
use crate::api::{ApiError, ApiResponse, ApiResult, Ctx};
use crate::store::{Attachment, Message, Party};

pub fn entries() -> Vec<Entry> {
    vec![
        op!("createFaxMessage", send_fax),
        op!("createMMS", send_mms),
    ]
}

/// How long a fax takes to go out once its time has come: it reads `Queued` until then.
const FAX_TRANSMIT_MS: i64 = 30_000;

/// RingCentral's limits on an MMS: ten files, 1.5 MB in all.
const MMS_MAX_FILES: usize = 10;
const MMS_MAX_BYTES: usize = 1_500_000;

/// The cover page attached when a fax names none: the account's default (the first of the
/// fax cover pages).
const DEFAULT_COVER: i32 = 1;

/// A file of a multipart body.
struct Upload {
    file_name: Option<String>,
    content_type: String,
    data: Vec<u8>,
}

/// The files of a multipart request: every part but the JSON root part and the named text
/// fields of `fields`.
fn uploads(ctx: &Ctx<'_>, fields: &[&str]) -> Result<Vec<Upload>, ApiError> {
    let header = ctx
        .req
        .headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let media = crate::spec::multipart::essence(header);
    if !media.starts_with("multipart/") {
        return Ok(Vec::new());
    }
    let parts = crate::spec::multipart::parse(header, &ctx.req.body).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "CMN-101",
            format!("Request body is not valid multipart: {e}"),
        )
    })?;
    let mut out = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        let json_part = part
            .content_type
            .as_deref()
            .is_some_and(|t| crate::spec::multipart::essence(t).ends_with("json"));
        let field = part.name.as_deref().is_some_and(|n| fields.contains(&n));
        let root = (i == 0 && !field && (json_part || part.name.is_none()))
            || (part.name.is_none() && json_part);
        if root || (field && part.filename.is_none()) {
            continue;
        }
        out.push(Upload {
            file_name: part.filename.clone(),
            content_type: part
                .content_type
                .clone()
                .unwrap_or_else(|| "application/octet-stream".into()),
            data: part.data.to_vec(),
        });
    }
    Ok(out)
}

fn base64(data: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(data)
}

/// Pages of a document as a fax machine would send it: a PDF's pages, about 50 lines of text a
/// page, and one page for anything else (an image).
fn pages_of(u: &Upload) -> i32 {
    let media = crate::spec::multipart::essence(&u.content_type);
    let n = if media == "application/pdf" {
        let text = String::from_utf8_lossy(&u.data);
        let count = |needle: &str| text.matches(needle).count();
        // "/Type /Page" also matches the "/Type /Pages" of the page tree.
        count("/Type /Page").saturating_sub(count("/Type /Pages"))
            + count("/Type/Page").saturating_sub(count("/Type/Pages"))
    } else if media.starts_with("text/") {
        String::from_utf8_lossy(&u.data)
            .lines()
            .count()
            .div_ceil(50)
    } else {
        1
    };
    i32::try_from(n.max(1)).unwrap_or(i32::MAX)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Recipient {
    phone_number: Option<String>,
    name: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct FaxRequest {
    #[serde(default)]
    to: Vec<Recipient>,
    fax_resolution: Option<String>,
    send_time: Option<String>,
    cover_index: Option<i64>,
    cover_page_text: Option<String>,
    /// A JSON body resends (or forwards) a fax of the message store.
    original_message_id: Option<String>,
}

const FAX_FIELDS: [&str; 6] = [
    "to",
    "faxResolution",
    "sendTime",
    "isoCode",
    "coverIndex",
    "coverPageText",
];

/// The numbers of `to`, each checked.
fn recipients(to: &[Recipient]) -> Result<Vec<Party>, ApiError> {
    if to.is_empty() {
        return Err(ApiError::missing("to"));
    }
    to.iter()
        .enumerate()
        .map(|(i, t)| {
            let number = t
                .phone_number
                .as_deref()
                .ok_or_else(|| ApiError::missing(&format!("to[{i}].phoneNumber")))?;
            if !is_phone_number(number) {
                return Err(ApiError::invalid(
                    &format!("to[{i}].phoneNumber"),
                    format!("{number:?} is not a phone number in E.164 format"),
                ));
            }
            Ok(Party {
                phone_number: Some(number.to_owned()),
                name: t.name.clone(),
                ..Default::default()
            })
        })
        .collect()
}

fn send_fax(ctx: &Ctx<'_>) -> ApiResult {
    let (account, ext) = mailbox(ctx)?;
    ctx.require_self_or_admin(&ext)?;
    let body: FaxRequest = ctx.json()?;
    let now = ctx.now_ms();
    let resolution = match body.fax_resolution.as_deref() {
        None => "Low".to_owned(),
        Some(r @ ("High" | "Low")) => r.to_owned(),
        Some(r) => {
            return Err(ApiError::invalid(
                "faxResolution",
                format!("{r:?} is not High or Low"),
            ));
        }
    };
    let send_at = match body.send_time.as_deref() {
        None => now,
        Some(t) => crate::clock::parse_rfc3339(t)
            .ok_or_else(|| ApiError::invalid("sendTime", "expected an ISO 8601 date-time"))?
            .max(now),
    };
    if body
        .cover_page_text
        .as_deref()
        .is_some_and(|t| t.chars().count() > 1024)
    {
        return Err(ApiError::invalid(
            "coverPageText",
            "longer than 1024 characters",
        ));
    }
    let cover_index = match body.cover_index {
        None => DEFAULT_COVER,
        Some(c @ 0..=13) => c as i32,
        Some(c) => {
            return Err(ApiError::invalid(
                "coverIndex",
                format!("{c} is not a cover page (0 for none, 1 to 13)"),
            ));
        }
    };
    let cover_pages = i32::from(cover_index != 0);
    let (to, pages, attachments) = match &body.original_message_id {
        Some(original) => {
            let m = find_in(ctx, &ext, original).map_err(|e| {
                if e.status == StatusCode::NOT_FOUND {
                    ApiError::not_found("originalMessageId")
                } else {
                    e
                }
            })?;
            if m.kind != "Fax" {
                return Err(ApiError::invalid(
                    "originalMessageId",
                    format!("message {original} is not a fax"),
                ));
            }
            let to = if body.to.is_empty() {
                m.to.iter()
                    .map(|p| Party {
                        phone_number: p.phone_number.clone(),
                        name: p.name.clone(),
                        ..Default::default()
                    })
                    .collect()
            } else {
                recipients(&body.to)?
            };
            let attachments: Vec<Attachment> = m
                .attachments
                .iter()
                .map(|a| Attachment { id: 0, ..a.clone() })
                .collect();
            (to, m.fax_page_count.unwrap_or(1), attachments)
        }
        None => {
            let files = uploads(ctx, &FAX_FIELDS)?;
            if files.is_empty() {
                return Err(ApiError::missing("attachment"));
            }
            let to = recipients(&body.to)?;
            let pages = cover_pages + files.iter().map(pages_of).sum::<i32>();
            // The rendered fax is what the recipient receives; the files sent stay with it as
            // its source documents.
            let mut text = body.cover_page_text.clone().unwrap_or_default();
            for f in &files {
                if !text.is_empty() {
                    text.push('\n');
                }
                if crate::spec::multipart::essence(&f.content_type).starts_with("text/") {
                    text.push_str(&String::from_utf8_lossy(&f.data));
                } else {
                    text.push_str(f.file_name.as_deref().unwrap_or("document"));
                }
            }
            let mut attachments = vec![Attachment {
                id: 0,
                kind: "RenderedDocument".into(),
                content_type: "application/pdf".into(),
                file_name: Some("fax.pdf".into()),
                vm_duration: None,
                content: text,
                data: None,
            }];
            attachments.extend(files.iter().map(|f| Attachment {
                id: 0,
                kind: "SourceDocument".into(),
                content_type: f.content_type.clone(),
                file_name: f.file_name.clone(),
                vm_duration: None,
                content: String::new(),
                data: Some(base64(&f.data)),
            }));
            (to, pages, attachments)
        }
    };
    let from_number = ctx
        .store()
        .phone_numbers(account, Some(ext.id))?
        .into_iter()
        .find(|n| n.kind != "VoiceOnly")
        .map(|n| n.phone_number);
    let sent_ms = send_at + FAX_TRANSMIT_MS;
    let sent = ctx.store().save_message(&Message {
        id: 0,
        extension_id: ext.id,
        kind: "Fax".into(),
        direction: "Outbound".into(),
        read_status: "Read".into(),
        availability: "Alive".into(),
        message_status: "Queued".into(),
        priority: "Normal".into(),
        conversation_id: 0,
        created_ms: now,
        modified_ms: now,
        from: Party {
            phone_number: from_number,
            extension_number: Some(ext.number.clone()),
            name: Some(ext.name.clone()),
            ..Default::default()
        },
        to,
        subject: body.cover_page_text.clone(),
        attachments,
        fax_page_count: Some(pages),
        fax_resolution: Some(resolution),
        cover_index: Some(cover_index),
        cover_page_text: body.cover_page_text.clone(),
        sent_ms: Some(sent_ms),
    })?;
    let mut events = vec![store_event(account, &sent, true)];
    let numbers: Vec<String> = sent
        .to
        .iter()
        .filter_map(|p| p.phone_number.clone())
        .collect();
    // A recipient receives the rendered fax, when it arrives.
    events.extend(deliver(
        ctx,
        account,
        &sent,
        &numbers,
        |m| Message {
            created_ms: sent_ms,
            modified_ms: sent_ms,
            attachments: m
                .attachments
                .iter()
                .filter(|a| a.kind == "RenderedDocument")
                .map(|a| Attachment { id: 0, ..a.clone() })
                .collect(),
            cover_index: None,
            ..m
        },
        false,
    )?);
    crate::notify::publish(ctx.state, events);
    Ok(ApiResponse::ok(&fax_json(ctx, account, &sent)))
}

/// A sent fax as `FaxResponse`.
fn fax_json(ctx: &Ctx<'_>, account: i64, m: &Message) -> Value {
    let full = message_json(ctx, account, m);
    let attachments: Vec<Value> = full["attachments"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|a| {
            let mut v = json!({
                "id": a["id"],
                "uri": a["uri"],
                "type": a["type"],
                "contentType": a["contentType"],
                "size": a["size"],
            });
            if let Some(name) = a.get("fileName") {
                v["filename"] = name.clone();
            }
            v
        })
        .collect();
    let mut v = json!({
        "id": m.id,
        "uri": full["uri"],
        "type": "Fax",
        "from": m.from,
        "to": full["to"],
        "creationTime": full["creationTime"],
        "readStatus": m.read_status,
        "priority": m.priority,
        "attachments": attachments,
        "direction": m.direction,
        "availability": m.availability,
        "messageStatus": status_now(ctx, m),
        "faxResolution": m.fax_resolution,
        "faxPageCount": m.fax_page_count,
        "lastModifiedTime": full["lastModifiedTime"],
        "coverIndex": m.cover_index,
    });
    if let Some(t) = &m.cover_page_text {
        v["coverPageText"] = json!(t);
    }
    v
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct MmsNumber {
    phone_number: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct MmsRequest {
    from: MmsNumber,
    #[serde(default)]
    to: Vec<MmsNumber>,
    text: Option<String>,
}

const MMS_FIELDS: [&str; 4] = ["from", "to", "text", "country"];

fn send_mms(ctx: &Ctx<'_>) -> ApiResult {
    let (account, ext) = mailbox(ctx)?;
    let body: MmsRequest = ctx.json()?;
    let files = uploads(ctx, &MMS_FIELDS)?;
    if files.is_empty() {
        return Err(ApiError::missing("attachments"));
    }
    if files.len() > MMS_MAX_FILES {
        return Err(ApiError::invalid(
            "attachments",
            format!("at most {MMS_MAX_FILES} files may be sent in one MMS"),
        ));
    }
    if files.iter().map(|f| f.data.len()).sum::<usize>() > MMS_MAX_BYTES {
        return Err(ApiError::invalid(
            "attachments",
            format!("the files of an MMS may not exceed {MMS_MAX_BYTES} bytes in all"),
        ));
    }
    let text = body.text.clone().unwrap_or_default();
    if text.chars().count() > 1000 {
        return Err(ApiError::invalid("text", "longer than 1000 characters"));
    }
    let to: Vec<Recipient> = body
        .to
        .iter()
        .map(|t| Recipient {
            phone_number: Some(t.phone_number.clone()),
            name: None,
        })
        .collect();
    let to = recipients(&to)?;
    let from = sender_number(
        ctx,
        account,
        &ext,
        &body.from.phone_number,
        "MmsSender",
        "MMS",
    )?;
    let mut attachments = Vec::new();
    if !text.is_empty() {
        attachments.push(Attachment {
            id: 0,
            kind: "Text".into(),
            content_type: "text/plain".into(),
            file_name: None,
            vm_duration: None,
            content: text.clone(),
            data: None,
        });
    }
    attachments.extend(files.iter().map(|f| Attachment {
        id: 0,
        kind: "MmsAttachment".into(),
        content_type: f.content_type.clone(),
        file_name: f.file_name.clone(),
        vm_duration: None,
        content: String::new(),
        data: Some(base64(&f.data)),
    }));
    let me = Party {
        phone_number: Some(from.phone_number),
        extension_number: Some(ext.number.clone()),
        name: Some(ext.name.clone()),
        ..Default::default()
    };
    super::messages::send_text(ctx, account, &ext, me, to, text, attachments)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upload(content_type: &str, data: &[u8]) -> Upload {
        Upload {
            file_name: None,
            content_type: content_type.into(),
            data: data.to_vec(),
        }
    }

    #[test]
    fn pages_are_counted_as_a_fax_machine_sends_them() {
        let pdf = b"%PDF-1.4\n1 0 obj << /Type /Pages /Count 3 >>\n2 0 obj << /Type /Page >>\n3 0 obj << /Type /Page >>\n4 0 obj <</Type/Page>>\n";
        assert_eq!(pages_of(&upload("application/pdf", pdf)), 3);
        let text = "line\n".repeat(120);
        assert_eq!(
            pages_of(&upload("text/plain; charset=utf-8", text.as_bytes())),
            3
        );
        assert_eq!(pages_of(&upload("text/plain", b"")), 1);
        assert_eq!(pages_of(&upload("image/png", b"\x89PNG")), 1);
    }
}
