//! Paged listings as streams, one page in memory at a time, for every paging style RingCentral uses:
//! `page`/`perPage` with `navigation.nextPage`, `pageToken`/`nextPageToken`, SCIM `startIndex`/`count`,
//! and sync tokens (`syncType` FSync, then ISync).
//!
//! Unless the caller set a page size, the largest one the operation allows is asked for: the rate limits
//! count requests, not records, so a listing with big pages finishes many times sooner.
//!
//! Records come either as JSON values ([`Client::pages`]) or as their JSON text, cut out of the page's
//! body without building a value tree ([`Client::raw_pages`]), for callers that only pass them on.

use bytes::Bytes;
use futures::{Stream, TryStreamExt, stream};
use ringcentral_api::Paging;
use serde_json::Value;
use serde_json::value::RawValue;
use tracing::debug;

use crate::{
    client::Client,
    error::{Error, Result},
    request::{Body, Request},
    response::Response,
};

/// The page size asked for when the operation states no maximum (RingCentral's usual one).
pub const DEFAULT_MAX_PAGE_SIZE: u32 = 1000;

/// One page of a listing.
#[derive(Debug, Clone)]
pub struct Page {
    /// 1-based position of the page in this listing.
    pub number: u32,
    /// The page's records.
    pub records: Vec<Value>,
    /// The rest of the page's body (`paging`, `navigation`, `syncInfo`, `totalResults`, ...), without the
    /// records.
    pub body: Value,
}

impl Page {
    /// The `syncInfo` of a sync page: keep its `syncToken` to resume with ISync later.
    pub fn sync_info(&self) -> Option<&Value> {
        self.body.get("syncInfo")
    }
}

/// One record of a listing as the server's JSON text, sharing the bytes of its page's body.
#[derive(Debug, Clone)]
pub struct RawRecord(Bytes);

impl RawRecord {
    /// The record's JSON text, exactly as received (known to be one valid JSON value).
    pub fn json(&self) -> &[u8] {
        &self.0
    }

    /// The record as a JSON value, for callers that need to look inside it.
    pub fn to_value(&self) -> serde_json::Result<Value> {
        serde_json::from_slice(&self.0)
    }
}

/// One page of a listing, its records left as JSON text.
#[derive(Debug, Clone)]
pub struct RawPage {
    /// 1-based position of the page in this listing.
    pub number: u32,
    /// The page's records, in order.
    pub records: Vec<RawRecord>,
    /// The rest of the page's body, without the records.
    pub body: Value,
}

/// Cuts a page's body into its records and the rest.
type Split<R> = fn(&Response, &'static str) -> Result<(Vec<R>, Value)>;

/// Where the next page is.
enum Next {
    Done,
    Request(Request),
}

impl Client {
    /// Streams the records of a listing, page after page.
    pub fn paginate(
        &self,
        request: Request,
        paging: Paging,
    ) -> impl Stream<Item = Result<Value>> + Send + 'static {
        self.pages(request, paging)
            .map_ok(|page| stream::iter(page.records.into_iter().map(Ok)))
            .try_flatten()
    }

    /// Streams the records of a listing as JSON text, page after page; no value tree is built.
    pub fn paginate_raw(
        &self,
        request: Request,
        paging: Paging,
    ) -> impl Stream<Item = Result<RawRecord>> + Send + 'static {
        self.raw_pages(request, paging)
            .map_ok(|page| stream::iter(page.records.into_iter().map(Ok)))
            .try_flatten()
    }

    /// Streams the pages of a listing. A `Paging::None` request gives its one response as one page.
    pub fn pages(
        &self,
        request: Request,
        paging: Paging,
    ) -> impl Stream<Item = Result<Page>> + Send + 'static {
        self.walk(request, paging, split_values)
            .map_ok(|(number, records, body)| Page {
                number,
                records,
                body,
            })
    }

    /// Streams the pages of a listing with their records as JSON text, as [`Client::pages`] does
    /// with values.
    pub fn raw_pages(
        &self,
        request: Request,
        paging: Paging,
    ) -> impl Stream<Item = Result<RawPage>> + Send + 'static {
        self.walk(request, paging, split_raw)
            .map_ok(|(number, records, body)| RawPage {
                number,
                records,
                body,
            })
    }

    fn walk<R: Send + 'static>(
        &self,
        request: Request,
        paging: Paging,
        split: Split<R>,
    ) -> impl Stream<Item = Result<(u32, Vec<R>, Value)>> + Send + 'static {
        let client = self.clone();
        async_stream::try_stream! {
            let mut request = request;
            let injected_size = set_first_page(&mut request, paging);
            let mut number = 0u32;
            let mut seen_token: Option<String> = None;
            loop {
                number += 1;
                let sent = client.send(request.clone()).await;
                let response = match (sent, &injected_size) {
                    // The operation's real maximum may be below what was asked: fall back to the
                    // server's default page size rather than fail the listing.
                    (Err(Error::Api(e)), Some(param)) if number == 1 && e.status == 400 => {
                        debug!(parameter = %param, error = %e, "page size refused; using the server's default");
                        remove_size(&mut request, param);
                        client.send(request.clone()).await?
                    }
                    (sent, _) => sent?,
                };
                let (records, body) = split(&response, records_key(paging))?;
                drop(response);
                let next = next_page(&request, paging, &body, records.len(), &mut seen_token)?;
                let empty = records.is_empty();
                yield (number, records, body);
                match next {
                    Next::Request(r) if !empty => request = r,
                    _ => break,
                }
            }
        }
    }
}

fn records_key(paging: Paging) -> &'static str {
    match paging {
        Paging::PageNumber { records, .. }
        | Paging::PageToken { records, .. }
        | Paging::Sync { records } => records,
        Paging::ScimIndex => "Resources",
        Paging::None => "records",
    }
}

/// Applies the first page's parameters; returns the page-size parameter it chose on the caller's behalf.
fn set_first_page(request: &mut Request, paging: Paging) -> Option<String> {
    let set_if_absent = |request: &mut Request, key: &str, value: String| -> bool {
        if request.query_value(key).is_some() || body_field(request, key).is_some() {
            return false;
        }
        if scim_search(request) {
            set_body_field(request, key, Value::from(value.parse::<u64>().unwrap_or(1)));
        } else {
            request.set_query(key, value);
        }
        true
    };
    match paging {
        Paging::None => None,
        Paging::PageNumber { per_page_max, .. } => {
            let size = per_page_max.unwrap_or(DEFAULT_MAX_PAGE_SIZE);
            set_if_absent(request, "perPage", size.to_string()).then(|| "perPage".to_owned())
        }
        Paging::PageToken { size, size_max, .. } => match (size, size_max) {
            (Some(param), Some(max)) => {
                set_if_absent(request, param, max.to_string()).then(|| param.to_owned())
            }
            _ => None,
        },
        Paging::ScimIndex => {
            set_if_absent(request, "startIndex", "1".into());
            set_if_absent(request, "count", DEFAULT_MAX_PAGE_SIZE.to_string())
                .then(|| "count".to_owned())
        }
        Paging::Sync { .. } => {
            set_if_absent(request, "syncType", "FSync".into());
            None
        }
    }
}

fn remove_size(request: &mut Request, param: &str) {
    request.query.retain(|(k, _)| k != param);
    if let Body::Json(Value::Object(map)) = &mut request.body {
        map.remove(param);
    }
}

/// `POST /scim/v2/Users/.search` carries its paging in the JSON body.
fn scim_search(request: &Request) -> bool {
    request.method == http::Method::POST && matches!(request.body, Body::Json(Value::Object(_)))
}

fn body_field<'a>(request: &'a Request, key: &str) -> Option<&'a Value> {
    match &request.body {
        Body::Json(Value::Object(map)) => map.get(key),
        _ => None,
    }
}

fn set_body_field(request: &mut Request, key: &str, value: Value) {
    if let Body::Json(Value::Object(map)) = &mut request.body {
        map.insert(key.to_owned(), value);
    }
}

fn decode_error(response: &Response, key: &str, what: &str) -> Error {
    Error::Decode {
        method: response.method.clone(),
        path: response.path.clone(),
        at: key.to_owned(),
        message: what.to_owned(),
        request_id: response.request_id().map(str::to_owned),
    }
}

fn split_values(response: &Response, key: &'static str) -> Result<(Vec<Value>, Value)> {
    let mut body = response.json_value()?;
    let Value::Object(map) = &mut body else {
        return Err(decode_error(response, key, "the page is not a JSON object"));
    };
    let records = match map.remove(key) {
        Some(Value::Array(records)) => records,
        // SCIM omits `Resources` on an empty result.
        None | Some(Value::Null) if key == "Resources" => Vec::new(),
        None => return Err(decode_error(response, key, "the page has no records array")),
        Some(_) => return Err(decode_error(response, key, "the records are not an array")),
    };
    Ok((records, body))
}

/// The page's top level with each member's value as text, in the order received.
struct EnvelopeMembers<'a>(Vec<(String, &'a RawValue)>);

impl<'de: 'a, 'a> serde::Deserialize<'de> for EnvelopeMembers<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Members<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for Members<'a> {
            type Value = EnvelopeMembers<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Self::Value, A::Error> {
                let mut members = Vec::new();
                while let Some(entry) = map.next_entry::<String, &'de RawValue>()? {
                    members.push(entry);
                }
                Ok(EnvelopeMembers(members))
            }
        }
        d.deserialize_map(Members(std::marker::PhantomData))
    }
}

fn split_raw(response: &Response, key: &'static str) -> Result<(Vec<RawRecord>, Value)> {
    let bytes = response.body();
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(decode_error(response, key, "the page is not a JSON object"));
    }
    let EnvelopeMembers(members) =
        serde_json::from_slice(bytes).map_err(|e| decode_error(response, "", &e.to_string()))?;
    let mut records = None;
    let mut rest = serde_json::Map::new();
    for (name, raw) in members {
        if name == key {
            records = Some(raw);
            continue;
        }
        let value: Value = serde_json::from_str(raw.get())
            .map_err(|e| decode_error(response, &name, &e.to_string()))?;
        rest.insert(name, value);
    }
    let records = match records.map(RawValue::get) {
        // SCIM omits `Resources` on an empty result.
        None | Some("null") if key == "Resources" => Vec::new(),
        None => return Err(decode_error(response, key, "the page has no records array")),
        Some(text) => serde_json::from_str::<Vec<&RawValue>>(text)
            .map_err(|_| decode_error(response, key, "the records are not an array"))?
            .into_iter()
            .map(|record| RawRecord(slice_of(bytes, record.get())))
            .collect(),
    };
    Ok((records, Value::Object(rest)))
}

/// The part of `body` that `text` borrows, without copying it; a copy when `text` lies elsewhere.
fn slice_of(body: &Bytes, text: &str) -> Bytes {
    let start = (text.as_ptr() as usize).wrapping_sub(body.as_ptr() as usize);
    match start.checked_add(text.len()) {
        Some(end) if start <= body.len() && end <= body.len() => body.slice(start..end),
        _ => Bytes::copy_from_slice(text.as_bytes()),
    }
}

fn text_at<'a>(body: &'a Value, pointer: &str) -> Option<&'a str> {
    body.pointer(pointer)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

fn number_at(body: &Value, pointer: &str) -> Option<u64> {
    let v = body.pointer(pointer)?;
    v.as_u64()
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
}

fn next_page(
    request: &Request,
    paging: Paging,
    body: &Value,
    count: usize,
    seen_token: &mut Option<String>,
) -> Result<Next> {
    let mut next = request.clone();
    match paging {
        Paging::None => Ok(Next::Done),
        Paging::PageNumber { .. } => {
            if let Some(uri) = text_at(body, "/navigation/nextPage/uri") {
                let (path, query) = path_and_query(uri)?;
                next.path = path;
                next.query = query;
                let current_page = request.query_value("page").unwrap_or("1");
                if next.query_value("page") == Some(current_page) && request.path == next.path {
                    return Ok(Next::Done);
                }
                return Ok(Next::Request(next));
            }
            // No navigation: fall back on the paging block when it is complete.
            match (
                number_at(body, "/paging/page"),
                number_at(body, "/paging/totalPages"),
            ) {
                (Some(page), Some(total)) if page < total => {
                    next.set_query("page", (page + 1).to_string());
                    Ok(Next::Request(next))
                }
                _ => Ok(Next::Done),
            }
        }
        Paging::PageToken { token_param, .. } => {
            let token = text_at(body, "/navigation/nextPageToken")
                .or_else(|| text_at(body, "/nextPageToken"))
                .map(str::to_owned);
            match token {
                Some(t) if seen_token.as_deref() != Some(t.as_str()) => {
                    next.set_query(token_param, t.clone());
                    *seen_token = Some(t);
                    Ok(Next::Request(next))
                }
                _ => Ok(Next::Done),
            }
        }
        Paging::ScimIndex => {
            let start = number_at(body, "/startIndex")
                .or_else(|| {
                    request
                        .query_value("startIndex")
                        .and_then(|s| s.parse().ok())
                })
                .unwrap_or(1);
            let after = start + count as u64;
            if count == 0 || number_at(body, "/totalResults").is_some_and(|total| after > total) {
                return Ok(Next::Done);
            }
            if scim_search(&next) {
                set_body_field(&mut next, "startIndex", Value::from(after));
            } else {
                next.set_query("startIndex", after.to_string());
            }
            Ok(Next::Request(next))
        }
        Paging::Sync { .. } => {
            let token = text_at(body, "/syncInfo/syncToken").map(str::to_owned);
            match token {
                Some(t) if seen_token.as_deref() != Some(t.as_str()) => {
                    next.set_query("syncType", "ISync".into());
                    next.set_query("syncToken", t.clone());
                    *seen_token = Some(t);
                    Ok(Next::Request(next))
                }
                _ => Ok(Next::Done),
            }
        }
    }
}

/// The path and query of a `navigation` URI. Only these are kept: the host is always the client's own,
/// so that a page can never send the bearer token elsewhere.
fn path_and_query(uri: &str) -> Result<(String, Vec<(String, String)>)> {
    let parsed = url::Url::parse(uri)
        .or_else(|_| url::Url::parse("http://localhost").and_then(|base| base.join(uri)))
        .map_err(|e| Error::input(format!("the next-page URI {uri:?} is malformed: {e}")))?;
    let query = parsed
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    Ok((parsed.path().to_owned(), query))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_page_asks_for_the_largest_size_unless_set() {
        let paging = Paging::PageNumber {
            records: "records",
            per_page_max: Some(500),
        };
        let mut r = Request::get("/restapi/v1.0/account/~/extension");
        assert_eq!(set_first_page(&mut r, paging).as_deref(), Some("perPage"));
        assert_eq!(r.query_value("perPage"), Some("500"));
        let mut r = Request::get("/x").query("perPage", "10");
        assert_eq!(set_first_page(&mut r, paging), None);
        assert_eq!(r.query_value("perPage"), Some("10"));

        let mut search = Request::post("/scim/v2/Users/.search")
            .json(serde_json::json!({"filter": "userName eq \"a@b.c\""}));
        set_first_page(&mut search, Paging::ScimIndex);
        assert_eq!(body_field(&search, "startIndex"), Some(&Value::from(1)));
        assert!(search.query.is_empty());
    }

    fn response(body: &str) -> Response {
        Response {
            method: "GET".into(),
            path: "/x".into(),
            status: http::StatusCode::OK,
            headers: http::HeaderMap::new(),
            body: Bytes::from(body.to_owned()),
            attempts: 1,
        }
    }

    #[test]
    fn raw_records_are_cut_from_the_body_as_sent() -> Result<()> {
        let body = "{\"uri\": \"u\",\n \"records\": [ {\"id\": 1, \"name\": \"a \\\"q\\\" ]\"},\n  {\"id\": 2,\n \"tags\": [1, {}]} ],\n \"paging\": {\"page\": 1}}";
        let answer = response(body);
        let (records, rest) = split_raw(&answer, "records")?;
        let texts: Vec<&str> = records
            .iter()
            .map(|r| std::str::from_utf8(r.json()).unwrap_or("not utf-8"))
            .collect();
        assert_eq!(
            texts,
            [
                "{\"id\": 1, \"name\": \"a \\\"q\\\" ]\"}",
                "{\"id\": 2,\n \"tags\": [1, {}]}"
            ]
        );
        // The records share the body's bytes rather than copies.
        let start = answer.body().as_ptr() as usize;
        let end = start + answer.body().len();
        let at = records[1].json().as_ptr() as usize;
        assert!(start <= at && at < end);
        assert_eq!(
            records[0].to_value().ok(),
            Some(serde_json::json!({"id": 1, "name": "a \"q\" ]"}))
        );
        assert_eq!(rest, serde_json::json!({"uri": "u", "paging": {"page": 1}}));
        // The same cut as the value path makes.
        let (values, rest_values) = split_values(&answer, "records")?;
        assert_eq!(rest, rest_values);
        assert_eq!(values.len(), records.len());
        Ok(())
    }

    #[test]
    fn raw_pages_without_records_are_errors_except_for_scim() -> Result<()> {
        for (body, key) in [
            ("{\"paging\": {}}", "records"),
            ("{\"records\": {\"id\": 1}}", "records"),
            ("[1, 2]", "records"),
            ("", "records"),
            ("{\"records\": [1,", "records"),
        ] {
            let err = split_raw(&response(body), key).err();
            assert!(
                matches!(err, Some(Error::Decode { .. })),
                "{body:?}: {err:?}"
            );
        }
        let (records, rest) = split_raw(&response("{\"totalResults\": 0}"), "Resources")?;
        assert!(records.is_empty());
        assert_eq!(rest["totalResults"], 0);
        let (records, _) = split_raw(&response("{\"Resources\": null}"), "Resources")?;
        assert!(records.is_empty());
        Ok(())
    }

    #[test]
    fn next_page_uri_keeps_only_path_and_query() -> Result<()> {
        let (path, query) =
            path_and_query("https://elsewhere.example/restapi/v1.0/x?page=2&perPage=1000")?;
        assert_eq!(path, "/restapi/v1.0/x");
        assert_eq!(
            query,
            vec![
                ("page".to_owned(), "2".to_owned()),
                ("perPage".to_owned(), "1000".to_owned())
            ]
        );
        Ok(())
    }
}
