//! Suspends a user through SCIM (`PATCH active=false`, as an identity provider does), then reads
//! the user back over SCIM and as an extension. Runs against the embedded sandbox, no account
//! needed: `cargo run -p ringcentral-sdk --example suspend_user`.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, ensure};
use ringcentral::Client;
use ringcentral_sdk::Services;
use ringcentral_sdk::models::{
    ScimPatchOperation, ScimPatchOperationOp, ScimUserPatch, ScimUserPatchSchemasItem,
};
use ringcentral_sdk::services::{
    ReadExtensionParams, ScimGetUser2Params, ScimPatchUser2Params, ScimSearchViaGet2Params,
};
use ringcentral_sdk::testing::Sandbox;

#[tokio::main]
async fn main() -> ExitCode {
    let outcome = async {
        let sandbox = Sandbox::start().await?;
        let admin = sandbox.credentials().email;
        let result = run(sandbox.client(), &admin, &mut std::io::stdout()).await;
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

/// What the example did: the SCIM id of the user it suspended and the extension status read back.
#[derive(Debug)]
pub struct Suspended {
    pub scim_id: String,
    pub user_name: String,
    pub extension_status: String,
}

/// Suspends the first active user who is not `admin_email`.
pub async fn run(
    client: &Client,
    admin_email: &str,
    out: &mut dyn Write,
) -> anyhow::Result<Suspended> {
    let scim = client.scim();
    let users = scim
        .scim_search_via_get2(ScimSearchViaGet2Params {
            count: Some(20),
            ..Default::default()
        })
        .await?;
    let user = users
        .resources
        .unwrap_or_default()
        .into_iter()
        .find(|u| u.active == Some(true) && !u.user_name.eq_ignore_ascii_case(admin_email))
        .context("no active user to suspend")?;
    let scim_id = user.id.context("the SCIM user has no id")?;
    writeln!(out, "suspending {} ({scim_id})", user.user_name)?;

    let patched = scim
        .scim_patch_user2(
            ScimPatchUser2Params {
                scim_user_id: scim_id.clone(),
            },
            ScimUserPatch {
                schemas: vec![ScimUserPatchSchemasItem::UrnIetfParamsScimApiMessages20PatchOp],
                operations: vec![ScimPatchOperation {
                    op: ScimPatchOperationOp::Replace,
                    path: Some("active".into()),
                    value: Some(false.into()),
                    extra: Default::default(),
                }],
                extra: Default::default(),
            },
        )
        .await?;
    ensure!(
        patched.active == Some(false),
        "the PATCH answered a user still active"
    );

    let again = scim
        .scim_get_user2(ScimGetUser2Params {
            scim_user_id: scim_id.clone(),
        })
        .await?;
    ensure!(
        again.active == Some(false),
        "SCIM reads the user back as active"
    );
    // RingCentral's SCIM user id is the extension id; a suspended user's extension is Disabled.
    let extension = client
        .user_settings()
        .read_extension(ReadExtensionParams {
            extension_id: Some(scim_id.clone()),
            ..Default::default()
        })
        .await?;
    let extension_status = extension
        .status
        .as_ref()
        .map_or("-", |s| s.as_str())
        .to_string();
    writeln!(
        out,
        "SCIM reads {} as active={:?}; the extension is {extension_status}",
        again.user_name, again.active
    )?;
    Ok(Suspended {
        scim_id,
        user_name: again.user_name,
        extension_status,
    })
}
