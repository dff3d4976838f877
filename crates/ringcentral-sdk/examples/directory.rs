//! The four calls of the Internal Contacts service against ringctl's embedded sandbox: list the
//! company directory, read one entry, search it and read the federation. Needs no account:
//! `cargo run -p ringcentral-sdk --example directory`.

use std::io::Write;
use std::process::ExitCode;

use ringcentral::Client;
use ringcentral_sdk::Services;
use ringcentral_sdk::models::{
    ADGSearchableExtensionTypesEnum, FederationTypes, ListDirectoryEntriesTypeGroup,
    SearchDirectoryEntriesRequest,
};
use ringcentral_sdk::services::{
    ListDirectoryEntriesParams, ReadDirectoryEntryParams, ReadDirectoryFederationParams,
    SearchDirectoryEntriesParams,
};
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

/// Runs the four calls; gives back how many users the directory listed and how many the search
/// for the first one's last name found.
pub async fn run(client: &Client, out: &mut dyn Write) -> anyhow::Result<(usize, usize)> {
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
    writeln!(
        out,
        "list_directory_entries: {} users",
        directory.records.len()
    )?;
    for entry in directory.records.iter().take(5) {
        writeln!(
            out,
            "  {:>6}  {} {}  <{}>",
            entry.extension_number.as_deref().unwrap_or("-"),
            entry.first_name.as_deref().unwrap_or(""),
            entry.last_name.as_deref().unwrap_or(""),
            entry.email.as_deref().unwrap_or("")
        )?;
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
    writeln!(
        out,
        "read_directory_entry {}: {} ({})",
        entry.id,
        entry.name.as_deref().unwrap_or("-"),
        entry.type_.as_ref().map_or("-", |t| t.as_str())
    )?;

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
    writeln!(
        out,
        "search_directory_entries \"{last_name}\": {} match(es)",
        found.records.len()
    )?;

    let federation = contacts
        .read_directory_federation(ReadDirectoryFederationParams {
            types: Some(FederationTypes::All),
            ..Default::default()
        })
        .await?;
    writeln!(
        out,
        "read_directory_federation: {} account(s) in federation {}",
        federation.accounts.as_ref().map_or(0, Vec::len),
        federation.display_name.as_deref().unwrap_or("-")
    )?;

    Ok((directory.records.len(), found.records.len()))
}
