//! Responses of the embedded sandbox deserialize into their generated models and serialize back to
//! the same JSON, so a read-modify-write through the typed SDK loses no field.

use futures::TryStreamExt;
use ringcentral::{Client, Request};
use ringcentral_sandbox::{Sandbox, SandboxConfig, SandboxHandle};
use ringcentral_sdk::Services;
use ringcentral_sdk::models::{
    ContactResource, DirectoryResource, FederationResource, GetExtensionInfoResponse,
    GetExtensionListResponse,
};
use ringcentral_sdk::services::{
    ListDirectoryEntriesParams, ListExtensionsParams, ReadDirectoryEntryParams,
    ReadDirectoryFederationParams, ReadExtensionParams, SearchDirectoryEntriesParams,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

async fn sandbox() -> (SandboxHandle, Client) {
    let sandbox = Sandbox::start(SandboxConfig::default())
        .await
        .expect("the sandbox starts");
    let credentials = sandbox.credentials();
    let client = Client::builder()
        .server(sandbox.url())
        .client_id(credentials.client_id.clone())
        .client_secret(credentials.client_secret.clone())
        .jwt(credentials.jwt.clone())
        .rate_limits_enabled(false)
        .build()
        .expect("the client builds");
    (sandbox, client)
}

/// Numbers compared by value: a model's `f64` writes `5` back as `5.0`.
fn normalized(value: &Value) -> Value {
    match value {
        Value::Number(n) => json!(n.as_f64()),
        Value::Array(items) => Value::Array(items.iter().map(normalized).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), normalized(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Fetches `request` raw, decodes it as `T`, encodes it again and checks nothing changed; returns
/// the raw JSON.
async fn assert_round_trip<T: DeserializeOwned + Serialize>(
    client: &Client,
    request: Request,
) -> Value {
    let raw: Value = client.json(request).await.expect("the sandbox answers");
    let text = raw.to_string();
    let mut de = serde_json::Deserializer::from_str(&text);
    let model: T = serde_path_to_error::deserialize(&mut de)
        .unwrap_or_else(|e| panic!("{} does not decode: {e}", std::any::type_name::<T>()));
    let back = serde_json::to_value(&model).expect("the model encodes");
    assert_eq!(
        normalized(&back),
        normalized(&raw),
        "{} lost or changed a field",
        std::any::type_name::<T>()
    );
    raw
}

#[tokio::test]
async fn directory_responses_round_trip_through_their_models() {
    let (sandbox, client) = sandbox().await;
    let base = "/restapi/v1.0/account/~/directory";

    let list =
        assert_round_trip::<DirectoryResource>(&client, Request::get(format!("{base}/entries")))
            .await;
    let records = list["records"].as_array().expect("records");
    assert!(
        !records.is_empty(),
        "the seeded company has directory entries"
    );
    let id = records[0]["id"].as_str().expect("an entry id").to_string();

    let entry =
        assert_round_trip::<ContactResource>(&client, Request::get(format!("{base}/entries/{id}")))
            .await;
    assert_eq!(entry["id"], json!(id));
    assert_round_trip::<DirectoryResource>(
        &client,
        Request::post(format!("{base}/entries/search")).json(json!({"searchString": ""})),
    )
    .await;
    assert_round_trip::<FederationResource>(&client, Request::get(format!("{base}/federation")))
        .await;

    // The typed calls decode the same responses.
    let contacts = client.internal_contacts();
    let page = contacts
        .list_directory_entries(ListDirectoryEntriesParams::default())
        .await
        .expect("list_directory_entries");
    assert_eq!(page.records.len(), records.len());
    let typed = contacts
        .read_directory_entry(ReadDirectoryEntryParams {
            entry_id: id.clone(),
            ..Default::default()
        })
        .await
        .expect("read_directory_entry");
    assert_eq!(typed.id, id);
    contacts
        .search_directory_entries(SearchDirectoryEntriesParams::default(), Default::default())
        .await
        .expect("search_directory_entries");
    contacts
        .read_directory_federation(ReadDirectoryFederationParams::default())
        .await
        .expect("read_directory_federation");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn extension_responses_round_trip_through_their_models() {
    let (sandbox, client) = sandbox().await;
    let list = assert_round_trip::<GetExtensionListResponse>(
        &client,
        Request::get("/restapi/v1.0/account/~/extension?perPage=10"),
    )
    .await;
    let first = list["records"][0]["id"].clone();
    assert!(!first.is_null(), "the seeded company has extensions");
    assert_round_trip::<GetExtensionInfoResponse>(
        &client,
        Request::get(format!("/restapi/v1.0/account/~/extension/{first}")),
    )
    .await;
    assert_round_trip::<GetExtensionInfoResponse>(
        &client,
        Request::get("/restapi/v1.0/account/~/extension/~"),
    )
    .await;

    let me = client
        .user_settings()
        .read_extension(ReadExtensionParams::default())
        .await
        .expect("read_extension");
    assert!(me.id.is_some());

    // The stream walks every page: 50 seeded users with pages of 7 means several pages.
    let all: Vec<_> = client
        .extensions()
        .list_extensions_stream(ListExtensionsParams {
            per_page: Some(7),
            ..Default::default()
        })
        .try_collect()
        .await
        .expect("list_extensions_stream");
    let total = list["paging"]["totalElements"].as_u64();
    assert!(all.len() > 7, "more than one page was read");
    if let Some(total) = total {
        assert_eq!(all.len() as u64, total);
    }
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_missing_path_parameter_is_a_clear_error_before_any_request() {
    let (sandbox, client) = sandbox().await;
    let err = client
        .internal_contacts()
        .read_directory_entry(ReadDirectoryEntryParams::default())
        .await
        .err()
        .map(|e| e.to_string());
    assert_eq!(
        err.as_deref(),
        Some("the path parameter `entryId` is required")
    );
    sandbox.shutdown().await;
}

#[test]
fn an_enum_value_the_sdk_does_not_know_survives_a_round_trip() {
    let raw = json!({"id": "1", "type": "HologramUser", "status": "Enabled", "brandNew": {"a": 1}});
    let entry: ContactResource = serde_json::from_value(raw.clone()).expect("decodes");
    assert_eq!(serde_json::to_value(&entry).expect("encodes"), raw);
    assert!(entry.extra.contains_key("brandNew"));
}
