//! The four calls of the Internal Contacts service against ringctl's embedded sandbox: list the
//! company directory, read one entry, search it and read the federation. Needs no account:
//! `cargo run -p ringcentral-sdk --example directory`.

use std::process::ExitCode;
use std::time::Duration;

use ringcentral::Client;
use ringcentral_sandbox::{Sandbox, SandboxConfig};
use ringcentral_sdk::Services;
use ringcentral_sdk::models::{
    ADGSearchableExtensionTypesEnum, FederationTypes, ListDirectoryEntriesTypeGroup,
    SearchDirectoryEntriesRequest,
};
use ringcentral_sdk::services::{
    ListDirectoryEntriesParams, ReadDirectoryEntryParams, ReadDirectoryFederationParams,
    SearchDirectoryEntriesParams,
};

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> anyhow::Result<()> {
    let sandbox = Sandbox::start(SandboxConfig::default()).await?;
    let credentials = sandbox.credentials();
    let client = Client::builder()
        .server(sandbox.url())
        .client_id(credentials.client_id.clone())
        .client_secret(credentials.client_secret.clone())
        .jwt(credentials.jwt.clone())
        // The sandbox does not rate-limit; pacing requests would only slow the example.
        .rate_limits_enabled(false)
        .timeout(Some(Duration::from_secs(30)))
        .build()?;
    let contacts = client.internal_contacts();

    let directory = contacts
        .list_directory_entries(ListDirectoryEntriesParams {
            show_federated: Some(true),
            type_: Some(ADGSearchableExtensionTypesEnum::User),
            type_group: Some(ListDirectoryEntriesTypeGroup::User),
            page: Some(1),
            per_page: Some(100.into()),
            ..Default::default()
        })
        .await?;
    println!("list_directory_entries: {} users", directory.records.len());
    for entry in directory.records.iter().take(5) {
        println!(
            "  {:>6}  {} {}  <{}>",
            entry.extension_number.as_deref().unwrap_or("-"),
            entry.first_name.as_deref().unwrap_or(""),
            entry.last_name.as_deref().unwrap_or(""),
            entry.email.as_deref().unwrap_or("")
        );
    }

    let Some(first) = directory.records.first() else {
        anyhow::bail!("the sandbox directory is empty");
    };
    let entry = contacts
        .read_directory_entry(ReadDirectoryEntryParams {
            entry_id: first.id.clone(),
            ..Default::default()
        })
        .await?;
    println!(
        "read_directory_entry {}: {} ({})",
        entry.id,
        entry.name.as_deref().unwrap_or("-"),
        entry.type_.as_ref().map_or("-", |t| t.as_str())
    );

    let last_name = entry.last_name.clone().unwrap_or_default();
    let found = contacts
        .search_directory_entries(
            SearchDirectoryEntriesParams::default(),
            SearchDirectoryEntriesRequest {
                search_string: Some(last_name.clone()),
                page: Some(1),
                per_page: Some(10),
                ..Default::default()
            },
        )
        .await?;
    println!(
        "search_directory_entries \"{last_name}\": {} match(es)",
        found.records.len()
    );

    let federation = contacts
        .read_directory_federation(ReadDirectoryFederationParams {
            types: Some(FederationTypes::All),
            ..Default::default()
        })
        .await?;
    println!(
        "read_directory_federation: {} account(s) in federation {}",
        federation.accounts.as_ref().map_or(0, Vec::len),
        federation.display_name.as_deref().unwrap_or("-")
    );

    sandbox.shutdown().await;
    Ok(())
}
