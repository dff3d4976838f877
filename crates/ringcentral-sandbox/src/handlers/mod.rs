//! Stateful handlers, registered by operationId, and the paging helpers they share. An entry names
//! its operation and handler only: method, path template and throttling group come from the
//! generated catalog, save for the few operations RingCentral's spec lacks ([`UNLISTED`]).

mod account;
mod bulk;
mod calls;
mod company_rules;
mod contacts;
mod directory;
mod extensions;
mod glip;
mod groups;
mod ivr;
mod messages;
mod numbers;
pub(crate) mod oauth;
mod outbound;
mod presence;
mod queues;
mod ringout;
mod rules;
mod subscriptions;
mod sync;
mod video;

use http::StatusCode;
use ringcentral_api::{Method, ThrottlingGroup};
use serde_json::{Value, json};

use crate::api::{ApiError, ApiResult, Ctx};

pub type HandlerFn = fn(&Ctx<'_>) -> ApiResult;

/// One stateful operation.
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    pub operation_id: &'static str,
    /// Reachable without an access token (the OAuth endpoints).
    pub public: bool,
    pub handler: HandlerFn,
    /// How the operation's errors are spelled.
    pub errors: ErrorStyle,
}

/// The error dialect of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorStyle {
    Rest,
    /// The company directory's `ADG-*` errors.
    Directory,
    /// SCIM error bodies; the SCIM service checks its own requests, with SCIM's `scimType`s.
    Scim,
}

impl ErrorStyle {
    pub fn apply(self, e: ApiError) -> ApiError {
        match self {
            ErrorStyle::Rest => e,
            ErrorStyle::Directory => e.into_directory(),
            ErrorStyle::Scim => crate::scim::service::scim_shaped(e),
        }
    }
}

/// An operation the sandbox serves that RingCentral's spec does not list, with the route the catalog
/// would otherwise give it.
#[derive(Debug, Clone, Copy)]
pub struct Unlisted {
    pub operation_id: &'static str,
    pub method: Method,
    pub template: &'static str,
    pub group: Option<ThrottlingGroup>,
}

/// Operations with a stateful handler that the spec lacks. RFC 7644 (section 3.4.3) has SCIM
/// clients search every resource type with `POST /.search`; RingCentral's spec lists only the
/// per-type `/Users/.search`.
pub const UNLISTED: &[Unlisted] = &[Unlisted {
    operation_id: crate::scim::service::SEARCH_ROOT,
    method: Method::Post,
    template: "/scim/v2/.search",
    group: Some(ThrottlingGroup::Light),
}];

/// Builds an [`Entry`]: `op!(operationId, handler)`.
macro_rules! op {
    ($id:expr, $h:expr) => {
        $crate::handlers::Entry {
            operation_id: $id,
            public: false,
            handler: $h,
            errors: $crate::handlers::ErrorStyle::Rest,
        }
    };
}
pub(crate) use op;

/// Every stateful handler of the sandbox.
pub fn all() -> Vec<Entry> {
    [
        oauth::entries(),
        account::entries(),
        extensions::entries(),
        directory::entries(),
        messages::entries(),
        outbound::entries(),
        ringout::entries(),
        contacts::entries(),
        calls::entries(),
        glip::entries(),
        video::entries(),
        presence::entries(),
        queues::entries(),
        rules::entries(),
        numbers::entries(),
        subscriptions::entries(),
        sync::entries(),
        ivr::entries(),
        company_rules::entries(),
        groups::entries(),
        crate::scim::service::entries(),
    ]
    .concat()
}

/// RingCentral's paging model (`EnumeratedPagingModel`) names pages 1 to 1000 and reports at most
/// 1000 records a page.
pub const MAX_PAGE: usize = 1000;

/// Page and page size of a classic listing.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub page: usize,
    pub per_page: usize,
}

impl Page {
    /// A page as the request asked for it, brought within what a paging object can report: the
    /// request was checked against the spec already, so values its parameters allow are served,
    /// not refused. A page number below 1 reads as 1; a size is kept to 1..=`max_per_page`.
    pub fn within(page: i64, per_page: i64, max_per_page: usize) -> Page {
        let max = i64::try_from(max_per_page.max(1)).unwrap_or(i64::MAX);
        Page {
            page: usize::try_from(page.max(1)).unwrap_or(usize::MAX),
            per_page: usize::try_from(per_page.clamp(1, max)).unwrap_or(1),
        }
    }

    pub fn offset(&self) -> usize {
        (self.page - 1).saturating_mul(self.per_page)
    }

    /// The records of this page out of all of them.
    pub fn slice<T>(&self, all: Vec<T>) -> (Vec<T>, usize) {
        let total = all.len();
        let out = all
            .into_iter()
            .skip(self.offset())
            .take(self.per_page)
            .collect();
        (out, total)
    }
}

/// Reads `page` and `perPage` (a number, or `max`/`all` for the largest page), within
/// `max_per_page`.
pub fn page_params(
    ctx: &Ctx<'_>,
    default_per_page: usize,
    max_per_page: usize,
) -> Result<Page, ApiError> {
    let number = |name: &str, v: &str| {
        v.parse::<i64>()
            .map_err(|_| ApiError::invalid(name, format!("{v:?} is not a whole number")))
    };
    let page = match ctx.query("page") {
        None => 1,
        Some(v) => number("page", v)?,
    };
    let per_page = match ctx.query("perPage") {
        None => i64::try_from(default_per_page).unwrap_or(i64::MAX),
        Some(v) if v.eq_ignore_ascii_case("max") || v.eq_ignore_ascii_case("all") => {
            i64::try_from(max_per_page).unwrap_or(i64::MAX)
        }
        Some(v) => number("perPage", v)?,
    };
    Ok(Page::within(page, per_page, max_per_page))
}

/// The `paging` object. A page past the last one the paging model can name (see [`MAX_PAGE`])
/// carries no page number, as the model documents for pages that do not exist.
pub fn paging_json(page: Page, total: usize, count: usize) -> Value {
    let total_pages = total.div_ceil(page.per_page).max(1);
    let mut p = json!({
        "totalPages": total_pages,
        "perPage": page.per_page,
        "totalElements": total,
    });
    if page.page <= MAX_PAGE {
        p["page"] = json!(page.page);
    }
    if count > 0 {
        p["pageStart"] = json!(page.offset());
        p["pageEnd"] = json!(page.offset() + count - 1);
    }
    p
}

/// `navigation` with absolute URIs; `nextPage` only when there is one, `previousPage` only after the
/// first page.
pub fn navigation_json(ctx: &Ctx<'_>, page: Page, total: usize) -> Value {
    let total_pages = total.div_ceil(page.per_page).max(1);
    let link = |n: usize| json!({"uri": ctx.url_with(&[("page", n.to_string()), ("perPage", page.per_page.to_string())])});
    let mut nav = json!({"firstPage": link(1), "lastPage": link(total_pages)});
    if page.page < total_pages {
        nav["nextPage"] = link(page.page + 1);
    }
    if page.page > 1 {
        nav["previousPage"] = link((page.page - 1).min(total_pages));
    }
    nav
}

/// A classic paged listing: `uri`, `records`, `paging`, `navigation`.
pub fn paged(ctx: &Ctx<'_>, page: Page, total: usize, records: Vec<Value>) -> ApiResult {
    let count = records.len();
    // Assembled by hand: `json!` would copy every record through `to_value`.
    let mut body = serde_json::Map::with_capacity(4);
    body.insert("uri".into(), Value::String(ctx.url_with(&[])));
    body.insert("records".into(), Value::Array(records));
    body.insert("paging".into(), paging_json(page, total, count));
    body.insert("navigation".into(), navigation_json(ctx, page, total));
    Ok(crate::api::ApiResponse::ok(&Value::Object(body)))
}

/// [`paged`] for records that serialize themselves: the page goes straight to JSON text, with
/// no value tree built for its records.
pub fn paged_serialized<R: serde::Serialize>(
    ctx: &Ctx<'_>,
    page: Page,
    total: usize,
    records: &[R],
) -> ApiResult {
    #[derive(serde::Serialize)]
    struct Listing<'a, R> {
        uri: String,
        records: &'a [R],
        paging: Value,
        navigation: Value,
    }
    let listing = Listing {
        uri: ctx.url_with(&[]),
        records,
        paging: paging_json(page, total, records.len()),
        navigation: navigation_json(ctx, page, total),
    };
    let data = serde_json::to_vec(&listing).map_err(ApiError::internal)?;
    Ok(crate::api::ApiResponse::bytes(
        StatusCode::OK,
        "application/json",
        bytes::Bytes::from(data),
    ))
}

/// A classic paged listing of `page` out of `all`, each record rendered by `render`.
pub fn paged_with<T>(
    ctx: &Ctx<'_>,
    page: Page,
    all: Vec<T>,
    render: impl FnMut(&T) -> Result<Value, ApiError>,
) -> ApiResult {
    let (records, total) = page.slice(all);
    let records = records.iter().map(render).collect::<Result<_, _>>()?;
    paged(ctx, page, total, records)
}

/// Parses a numeric id path parameter, answering CMN-102 for anything else.
pub fn id_param(ctx: &Ctx<'_>, name: &str) -> Result<i64, ApiError> {
    ctx.path(name)?
        .parse::<i64>()
        .map_err(|_| ApiError::not_found(name))
}

/// A team-messaging page: `recordCount` (default 30, max 250) and an opaque `pageToken`. As with
/// [`Page::within`], a count the spec lets through but that names no page size (zero or less) is
/// read as 1.
pub fn token_page<T>(ctx: &Ctx<'_>, all: Vec<T>) -> Result<(Vec<T>, Value), ApiError> {
    let size = match ctx.query("recordCount") {
        None => 30,
        Some(v) => v
            .parse::<i64>()
            .map(|n| n.clamp(1, 250) as usize)
            .map_err(|_| ApiError::invalid("recordCount", format!("{v:?} is not a number")))?,
    };
    let start = match ctx.query("pageToken") {
        None => 0,
        Some(t) => decode_page_token(t)
            .ok_or_else(|| ApiError::invalid("pageToken", "unknown page token"))?,
    };
    let total = all.len();
    let records: Vec<T> = all.into_iter().skip(start).take(size).collect();
    let mut nav = json!({});
    if start + records.len() < total {
        nav["nextPageToken"] = json!(encode_page_token(start + size));
    }
    if start > 0 {
        nav["prevPageToken"] = json!(encode_page_token(start.saturating_sub(size)));
    }
    Ok((records, nav))
}

fn encode_page_token(offset: usize) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("o:{offset}"))
}

fn decode_page_token(t: &str) -> Option<usize> {
    use base64::Engine;
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(t)
        .ok()?;
    std::str::from_utf8(&raw)
        .ok()?
        .strip_prefix("o:")?
        .parse()
        .ok()
}

/// `204 No Content`.
pub fn no_content() -> ApiResult {
    Ok(crate::api::ApiResponse::empty(StatusCode::NO_CONTENT))
}

/// RFC 3339 text of a Unix time in milliseconds.
pub fn time(ms: i64) -> String {
    crate::clock::rfc3339_ms(ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_handler_has_a_route() {
        for e in all() {
            let listed = ringcentral_api::operation(e.operation_id).is_some();
            let unlisted = UNLISTED.iter().any(|u| u.operation_id == e.operation_id);
            assert!(
                listed != unlisted,
                "{}: in the catalog {listed}, in UNLISTED {unlisted}",
                e.operation_id
            );
        }
        for u in UNLISTED {
            assert!(
                all().iter().any(|e| e.operation_id == u.operation_id),
                "{} has no handler",
                u.operation_id
            );
        }
    }

    #[test]
    fn every_popular_action_is_stateful() {
        let popular = [
            "listExtensions",
            "listGlipChatsNew",
            "listMessages",
            "listContacts",
            "readExtension",
            "readMessage",
            "readContact",
            "readUserCallLog",
            "getBridge",
            "readAccountInfo",
            "createContact",
            "createGlipPostNew",
            "createBridge",
            "createGlipTeamNew",
            "updateContact",
            "deleteMessage",
            "deleteContact",
            "deleteBridge",
            "createSMSMessage",
            "listExtensionActiveCalls",
        ];
        let ids: Vec<&str> = all().iter().map(|e| e.operation_id).collect();
        for p in popular {
            assert!(ids.contains(&p), "{p} has no stateful handler");
        }
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), ids.len(), "an operation is registered twice");
    }
}
