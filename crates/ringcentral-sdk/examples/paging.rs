//! Walks every extension of the account as one typed stream: the runtime fetches page after page
//! (here ten records a page, to show the paging) and the SDK decodes each record. Runs against the
//! embedded sandbox, no account needed: `cargo run -p ringcentral-sdk --example paging`.

use std::collections::BTreeMap;
use std::io::Write;
use std::process::ExitCode;

use futures::StreamExt;
use ringcentral::Client;
use ringcentral_sdk::Services;
use ringcentral_sdk::services::ListExtensionsParams;
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

/// The number of extensions of each type, over every page.
pub async fn run(client: &Client, out: &mut dyn Write) -> anyhow::Result<BTreeMap<String, usize>> {
    let mut extensions = Box::pin(client.extensions().list_extensions_stream(
        ListExtensionsParams {
            per_page: Some(10),
            ..Default::default()
        },
    ));
    let mut by_type = BTreeMap::new();
    let mut seen = 0usize;
    while let Some(extension) = extensions.next().await {
        let extension = extension?;
        seen += 1;
        let kind = extension
            .type_
            .as_ref()
            .map_or("-", |t| t.as_str())
            .to_string();
        *by_type.entry(kind).or_insert(0) += 1;
    }
    writeln!(out, "{seen} extensions")?;
    for (kind, n) in &by_type {
        writeln!(out, "  {kind:<20} {n}")?;
    }
    Ok(by_type)
}
