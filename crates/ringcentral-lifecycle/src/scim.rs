//! SCIM calls, as RingCentral serves them: listing every user as a stream, finding one by email with
//! the only filters real RingCentral supports (`userName eq` and `emails eq`), PATCH of `active`, and
//! DELETE, whose 404 on a repeat means the user is already gone.

use futures::{Stream, StreamExt, TryStreamExt};
use ringcentral::{Client, Paging, Request, Response};
use serde_json::{Value, json};

use crate::error::{Error, Result};
use crate::user::{ScimUser, same_email};

/// What a path segment must escape: everything but RFC 3986's unreserved characters, so `~` (the
/// current account or extension) goes as is.
const PATH_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

const SEARCH_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";
const PATCH_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

/// A request for a catalog operation, with its method, path template filled and throttling group.
pub(crate) fn op_request(operation_id: &str, params: &[(&str, &str)]) -> Result<Request> {
    let op = ringcentral_api::operation(operation_id)
        .ok_or_else(|| Error::Input(format!("the catalog has no operation {operation_id}")))?;
    let mut path = op.path.to_owned();
    for (name, value) in params {
        let encoded: String =
            percent_encoding::utf8_percent_encode(value, PATH_SEGMENT).to_string();
        path = path.replace(&format!("{{{name}}}"), &encoded);
    }
    Ok(Request::for_operation(op, path))
}

/// `POST /scim/v2/Users/.search`: a POST that only reads, so as safe to send again as a GET.
fn search_request() -> Result<Request> {
    Ok(op_request("scimSearchViaPost2", &[])?.retry_safe(true))
}

/// Every SCIM user of the account, page after page (`startIndex`/`count`), one page in memory.
pub fn list_users(client: &Client) -> impl Stream<Item = Result<ScimUser>> + Send + 'static {
    let records = match search_request() {
        Ok(request) => client
            .paginate(
                request.json(json!({"schemas": [SEARCH_SCHEMA]})),
                Paging::ScimIndex,
            )
            .map_err(Error::from)
            .left_stream(),
        Err(e) => futures::stream::once(async move { Err(e) }).right_stream(),
    };
    records.try_filter_map(|v| async move { Ok(ScimUser::from_json(&v)) })
}

/// The user whose primary email is `email`, looked up with `userName eq`, then `emails eq`.
pub async fn find_user(client: &Client, email: &str) -> Result<Option<ScimUser>> {
    let quoted = email.trim().replace('\\', "\\\\").replace('"', "\\\"");
    for attribute in ["userName", "emails"] {
        let body = json!({
            "schemas": [SEARCH_SCHEMA],
            "filter": format!("{attribute} eq \"{quoted}\""),
            "startIndex": 1,
            "count": 100,
        });
        let found: Value = client
            .send(search_request()?.json(body))
            .await?
            .json_value()?;
        let matched = found
            .get("Resources")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(ScimUser::from_json)
            .find(|u| same_email(&u.email, email) || same_email(&u.user_name, email));
        if matched.is_some() {
            return Ok(matched);
        }
    }
    Ok(None)
}

/// One user by SCIM id; `None` when the server answers 404.
pub async fn get_user(client: &Client, id: &str) -> Result<Option<ScimUser>> {
    match client
        .send(op_request("scimGetUser2", &[("scimUserId", id)])?)
        .await
    {
        Ok(r) => Ok(ScimUser::from_json(&r.json_value()?)),
        Err(e) if e.status() == Some(404) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Sets `active` with a SCIM PATCH; returns the user as the server now has it and the request id.
pub async fn set_active(
    client: &Client,
    id: &str,
    active: bool,
) -> Result<(Option<ScimUser>, Option<String>)> {
    let body = json!({
        "schemas": [PATCH_SCHEMA],
        "Operations": [{"op": "replace", "path": "active", "value": active}],
    });
    let response = client
        .send(op_request("scimPatchUser2", &[("scimUserId", id)])?.json(body))
        .await?;
    let user = response
        .json_value()
        .ok()
        .and_then(|v| ScimUser::from_json(&v));
    Ok((user, request_id(&response)))
}

/// What a SCIM DELETE found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Deleted {
    /// The user was deleted now.
    Now { request_id: Option<String> },
    /// The server answered 404: the user was already gone.
    AlreadyGone,
}

/// Deletes a user with SCIM DELETE.
pub async fn delete_user(client: &Client, id: &str) -> Result<Deleted> {
    match client
        .send(op_request("scimDeleteUser2", &[("scimUserId", id)])?)
        .await
    {
        Ok(r) => Ok(Deleted::Now {
            request_id: request_id(&r),
        }),
        Err(e) if e.status() == Some(404) => Ok(Deleted::AlreadyGone),
        Err(e) => Err(e.into()),
    }
}

fn request_id(response: &Response) -> Option<String> {
    response.request_id().map(str::to_owned)
}
