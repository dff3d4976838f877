//! Response synthesis: the success answer of an operation, built from its response schema and
//! steered by the request (the addressed id, echoed body members, the requested page).

use bytes::Bytes;
use serde_json::{Map, Value};

use ringcentral_api::{Method, Operation, Paging};

use super::SpecReply;
use super::media;
use super::names;
use super::schema;
use super::synth::{Generator, Hint, Mode, Scene, hash};
use super::validate::{SpecRequest, ValidRequest};

/// Path segments that name an action rather than a collection a `POST` adds to.
const ACTION_SEGMENTS: [&str; 14] = [
    "search",
    "bulk",
    "batch",
    "sync",
    "parse",
    "validate",
    "check",
    "export",
    "assign",
    "revoke",
    "token",
    "authorize",
    "query",
    "lookup",
];

/// Characters a URL path may not carry as they are.
const NOT_IN_PATH: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'\\')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}')
    .add(b'[')
    .add(b']');

/// The request path as it may appear inside the URLs of an answer: escaped where a client (or a
/// fuzzer) sent characters that a URL may not hold, and with stray `%` signs escaped too.
fn clean_path(path: &str) -> String {
    let escaped = percent_encoding::utf8_percent_encode(path, NOT_IN_PATH).to_string();
    let bytes = escaped.as_bytes();
    let mut out = String::with_capacity(escaped.len());
    for (i, c) in escaped.char_indices() {
        let is_escape = c == '%'
            && bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
            && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
        if c == '%' && !is_escape {
            out.push_str("%25");
        } else {
            out.push(c);
        }
    }
    if out.starts_with('/') {
        out
    } else {
        format!("/{out}")
    }
}

/// The sandbox's own address as the client named it, or a loopback stand-in when the `Host`
/// header held something that is not a host.
fn clean_base(base_url: &str) -> &str {
    let base = base_url.trim_end_matches('/');
    let host = base
        .strip_prefix("http://")
        .or_else(|| base.strip_prefix("https://"))
        .unwrap_or_default();
    let plausible = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']' | '_'));
    if plausible { base } else { "http://localhost" }
}

/// A singular noun for what an operation is about, from the last literal segment of its path:
/// `.../call-queues/{groupId}/members` -> `member`.
pub(crate) fn noun(template: &str) -> String {
    let segment = template
        .rsplit('/')
        .find(|s| {
            !s.is_empty() && !s.starts_with('{') && !s.starts_with("v1") && !s.starts_with("v2")
        })
        .unwrap_or("item");
    let words = segment.replace(['-', '_', '.'], " ");
    let singular = match words.strip_suffix('s') {
        Some(stem) if stem.len() > 2 && !stem.ends_with('s') && !stem.ends_with('u') => stem,
        _ => words.as_str(),
    };
    singular.to_owned()
}

fn creates(op: &Operation) -> bool {
    if op.method != Method::Post || op.path.ends_with('}') {
        return false;
    }
    let last = op.path.rsplit('/').next().unwrap_or_default();
    op.response.status == 201 || !ACTION_SEGMENTS.iter().any(|a| last.contains(a))
}

/// The template name of the last path segment when it is a parameter: `contactId` in
/// `.../contact/{contactId}`.
fn last_param(template: &str) -> Option<&str> {
    template
        .rsplit('/')
        .next()?
        .strip_prefix('{')?
        .strip_suffix('}')
}

/// The request URL with some query parameters replaced.
fn url_with(req: &SpecRequest<'_>, replace: &[(&str, String)]) -> String {
    crate::api::url_with(req.base_url, req.path, req.query, replace)
}

fn number_of(v: Option<&Value>) -> Option<u64> {
    match v? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

fn param_default(op: &Operation, name: &str) -> Option<u64> {
    op.params
        .iter()
        .find(|p| p.name == name)
        .and_then(|p| p.default)
        .and_then(|d| d.trim_matches('"').parse().ok())
}

/// How many records the whole (imaginary) list holds: one to three, fixed per operation.
fn list_total(op: &Operation) -> u64 {
    1 + hash(0, op.operation_id) % 3
}

fn page_token(offset: u64) -> String {
    format!("sbx-{offset}")
}

fn token_offset(token: &str) -> Option<u64> {
    token.strip_prefix("sbx-")?.parse().ok()
}

fn opt(v: Option<Hint>) -> Hint {
    v.unwrap_or(Hint::Omit)
}

/// What each record of a filtered list should carry: the query's values for members of the same
/// name (`status=Enabled` lists enabled records; `type=Voice&type=Fax` alternates).
fn record_hint(op: &Operation, valid: &ValidRequest, len: u64) -> Hint {
    let paging_params: &[&str] = match op.paging {
        Paging::PageToken {
            token_param, size, ..
        } => &[token_param, size.unwrap_or("recordCount")],
        _ => &[
            "page",
            "perPage",
            "syncType",
            "syncToken",
            "startIndex",
            "count",
        ],
    };
    let fields: Vec<(String, Hint)> = valid
        .query
        .iter()
        .filter(|(name, _)| !paging_params.contains(name))
        .map(|(name, v)| {
            let hint = match v {
                Value::Array(values) => Hint::Cycle(values.clone()),
                other => Hint::Value(other.clone()),
            };
            ((*name).to_owned(), hint)
        })
        .collect();
    let len = len as usize;
    if fields.is_empty() {
        Hint::Len(len)
    } else {
        Hint::Items {
            len,
            each: Box::new(Hint::Fields {
                exact: false,
                fields,
            }),
        }
    }
}

/// Hints for the paging members of a list, and the offset of the page's first record.
fn paging_hints(
    op: &Operation,
    req: &SpecRequest<'_>,
    valid: &ValidRequest,
    fields: &mut Vec<(String, Hint)>,
) -> usize {
    let body_number = |name: &str| number_of(valid.body.as_ref().and_then(|b| b.get(name)));
    let total = list_total(op);
    let mut push = |k: &str, h: Hint| fields.push((k.to_owned(), h));
    match op.paging {
        Paging::None => 0,
        Paging::PageNumber {
            records,
            per_page_max,
        } => {
            // A page size or number the request may carry but the answer's paging model cannot
            // report is brought within it: sizes are capped, and a page past the last one it can
            // name is empty and says no page number, as the model documents for such pages.
            let response = schema::op_schemas(op).and_then(|s| s.response.as_ref());
            let reported = |name: &str| response.and_then(|r| schema::paging_maximum(r, name));
            let max = per_page_max
                .map_or(u64::MAX, u64::from)
                .min(reported("perPage").unwrap_or(u64::MAX));
            let page = number_of(valid.query("page"))
                .or_else(|| body_number("page"))
                .unwrap_or(1)
                .max(1);
            let page_reported = reported("page").is_none_or(|m| page <= m);
            let per_page = match valid.query("perPage") {
                Some(Value::String(s)) if s == "max" || s == "all" => {
                    per_page_max.map_or(1000, u64::from)
                }
                other => number_of(other)
                    .or_else(|| body_number("perPage"))
                    .or_else(|| param_default(op, "perPage"))
                    .unwrap_or(100),
            }
            .clamp(1, max);
            let start = (page - 1).saturating_mul(per_page);
            let count = total.saturating_sub(start).min(per_page);
            let total_pages = total.div_ceil(per_page).max(1);
            let mut paging = vec![
                ("page", opt(page_reported.then(|| Hint::value(page)))),
                ("perPage", Hint::value(per_page)),
                ("totalPages", Hint::value(total_pages)),
                ("totalElements", Hint::value(total)),
            ];
            if count > 0 {
                paging.push(("pageStart", Hint::value(start)));
                paging.push(("pageEnd", Hint::value(start + count - 1)));
            }
            let link = |p: u64| {
                Hint::exact(vec![(
                    "uri",
                    Hint::value(url_with(req, &[("page", p.to_string())])),
                )])
            };
            let mut navigation = vec![("firstPage", link(1)), ("lastPage", link(total_pages))];
            if page > 1 {
                navigation.push(("previousPage", link(page - 1)));
            }
            if page < total_pages {
                navigation.push(("nextPage", link(page + 1)));
            }
            push(records, record_hint(op, valid, count));
            push("paging", Hint::exact(paging));
            push("navigation", Hint::exact(navigation));
            start as usize
        }
        Paging::PageToken {
            records,
            token_param,
            size,
            size_max,
        } => {
            let max = size_max.map_or(u64::MAX, u64::from);
            let size = size
                .and_then(|s| number_of(valid.query(s)).or_else(|| param_default(op, s)))
                .unwrap_or(30)
                .clamp(1, max);
            let offset = valid
                .query(token_param)
                .and_then(Value::as_str)
                .and_then(token_offset)
                .unwrap_or(0);
            let count = total.saturating_sub(offset).min(size);
            let next = (offset + count < total).then(|| Hint::value(page_token(offset + count)));
            let prev = (offset > 0).then(|| Hint::value(page_token(offset.saturating_sub(size))));
            let tokens = || {
                vec![
                    ("nextPageToken", opt(next.clone())),
                    ("prevPageToken", opt(prev.clone())),
                    ("previousPageToken", opt(prev.clone())),
                    ("currentPageToken", Hint::value(page_token(offset))),
                ]
            };
            push(records, record_hint(op, valid, count));
            push("navigation", Hint::exact(tokens()));
            push("paging", Hint::exact(tokens()));
            for (k, h) in tokens() {
                push(k, h);
            }
            offset as usize
        }
        Paging::ScimIndex => {
            let start = number_of(valid.query("startIndex"))
                .or_else(|| body_number("startIndex"))
                .unwrap_or(1)
                .max(1);
            let count = number_of(valid.query("count"))
                .or_else(|| body_number("count"))
                .unwrap_or(100);
            let n = total.saturating_sub(start - 1).min(count);
            push("Resources", Hint::Len(n as usize));
            push("totalResults", Hint::value(total));
            push("itemsPerPage", Hint::value(n));
            push("startIndex", Hint::value(start));
            (start - 1) as usize
        }
        Paging::Sync { records } => {
            let sync_type = valid
                .query("syncType")
                .and_then(Value::as_str)
                .unwrap_or("FSync")
                .to_owned();
            push(records, record_hint(op, valid, total));
            push(
                "syncInfo",
                Hint::Fields {
                    exact: false,
                    fields: vec![
                        ("syncType".to_owned(), Hint::value(sync_type)),
                        (
                            "syncToken".to_owned(),
                            Hint::value(format!("{:016x}", hash(1, op.operation_id))),
                        ),
                        ("syncTime".to_owned(), Hint::value(names::timestamp(0))),
                        ("olderRecordsExist".to_owned(), Hint::value(false)),
                    ],
                },
            );
            0
        }
    }
}

fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The hint tree for the document: self `uri`, the addressed `id`, echoed path parameters and
/// body members, paging.
fn top_hint(
    op: &Operation,
    req: &SpecRequest<'_>,
    valid: &ValidRequest,
    creating: bool,
) -> (Hint, usize) {
    let mut fields: Vec<(String, Hint)> = Vec::new();
    let offset = paging_hints(op, req, valid, &mut fields);
    if !creating {
        fields.push(("uri".to_owned(), Hint::value(url_with(req, &[]))));
    }
    if let Some(last) = last_param(op.path)
        && let Some(id) = valid.path_param(last).and_then(text_of)
        && id != "~"
    {
        fields.push(("id".to_owned(), Hint::value(id)));
    }
    for (name, v) in &valid.path {
        if let Some(text) = text_of(v)
            && text != "~"
        {
            fields.push(((*name).to_owned(), Hint::value(text)));
        }
    }
    if matches!(op.method, Method::Post | Method::Put | Method::Patch)
        && let Some(Value::Object(body)) = &valid.body
    {
        for (k, v) in body {
            if !fields.iter().any(|(n, _)| n == k) {
                fields.push((k.clone(), Hint::Value(v.clone())));
            }
        }
    }
    // What a client creates through the API (a message, a call) leaves from the client's side.
    if creating && !fields.iter().any(|(n, _)| n == "direction") {
        fields.push(("direction".to_owned(), Hint::value("Outbound")));
    }
    (
        Hint::Fields {
            exact: false,
            fields,
        },
        offset,
    )
}

fn records_key(paging: Paging) -> Option<&'static str> {
    match paging {
        Paging::None => None,
        Paging::PageNumber { records, .. }
        | Paging::PageToken { records, .. }
        | Paging::Sync { records } => Some(records),
        Paging::ScimIndex => Some("Resources"),
    }
}

/// The success answer of `op` to a valid request.
pub(crate) fn respond(
    op: &'static Operation,
    req: &SpecRequest<'_>,
    valid: &ValidRequest,
) -> SpecReply {
    let status = op.response.status;
    let empty = SpecReply {
        status,
        content_type: None,
        body: Bytes::new(),
    };
    if matches!(status, 204 | 205 | 304) {
        return empty;
    }
    let Some(content_type) = op.response.content_type else {
        return empty;
    };
    let Some(schema) = schema::op_schemas(op).and_then(|s| s.response.as_ref()) else {
        let (ct, body) = media::body_for(content_type, op.operation_id);
        return SpecReply {
            status,
            content_type: Some(ct),
            body: Bytes::from(body),
        };
    };
    let creating = creates(op);
    let path = clean_path(req.path);
    let req = &SpecRequest {
        path: &path,
        base_url: clean_base(req.base_url),
        ..*req
    };
    let (hint, record_offset) = top_hint(op, req, valid, creating);
    // Offsets past any real list only matter when a schema forces records onto an empty page;
    // bounding them keeps the index arithmetic of record names and numbers far from overflow.
    let record_offset = record_offset.min(1 << 32);
    let noun = noun(op.path);
    let scene = Scene {
        base_url: req.base_url,
        path: req.path,
        noun: &noun,
        seed: hash(hash(0, op.operation_id), req.path),
        creates: creating,
        records: records_key(op.paging),
        record_offset,
    };
    let value = Generator::new(scene, Mode::Response)
        .generate(schema, Some(&hint))
        .unwrap_or_else(|| Value::Object(Map::new()));
    SpecReply {
        status,
        content_type: Some(content_type.to_owned()),
        body: Bytes::from(value.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nouns_are_singular_words() {
        assert_eq!(
            noun("/restapi/v1.0/account/{accountId}/call-queues/{groupId}/members"),
            "member"
        );
        assert_eq!(
            noun("/restapi/v1.0/account/{accountId}/extension/{extensionId}"),
            "extension"
        );
        assert_eq!(
            noun("/restapi/v1.0/account/{accountId}/extension/{extensionId}/sms"),
            "sms"
        );
        assert_eq!(noun("/restapi/v1.0/account/{accountId}/sites"), "site");
    }

    #[test]
    fn answer_urls_stay_urls() {
        assert_eq!(clean_path("/a b/c\\d/%zz/%41"), "/a%20b/c%5Cd/%25zz/%41");
        assert_eq!(
            clean_base("http://127.0.0.1:8080/"),
            "http://127.0.0.1:8080"
        );
        assert_eq!(clean_base("http://exa mple"), "http://localhost");
    }

    #[test]
    fn page_tokens_round_trip() {
        assert_eq!(token_offset(&page_token(42)), Some(42));
        assert_eq!(token_offset("opaque"), None);
    }
}
