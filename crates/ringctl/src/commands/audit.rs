//! `ringctl audit list`: the append-only log of lifecycle changes made through ringctl.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;

use crate::cli::AuditListArgs;
use crate::commands::users::lifecycle_error;
use crate::context::Ctx;
use crate::exit::{CliError, CliResult};
use crate::output::View;

pub fn list(ctx: &Ctx, args: &AuditListArgs) -> CliResult<View> {
    let since = args.since.as_deref().map(parse_since).transpose()?;
    let connection = ctx.connection()?;
    let path = ctx.home.connection_dir(&connection.id).join("lifecycle.db");
    // Reading the log needs no server: open the ledger without starting a session.
    let ledger = if path.exists() {
        ringcentral_lifecycle::Ledger::open(&path).map_err(lifecycle_error)?
    } else {
        // Nothing was ever changed on this connection: an empty log, and no file made for it.
        ringcentral_lifecycle::Ledger::in_memory().map_err(lifecycle_error)?
    };
    let entries = ledger
        .audit_entries(args.user.as_deref(), since)
        .map_err(lifecycle_error)?;
    if args.csv {
        let mut csv = csv::Writer::from_writer(std::io::stdout().lock());
        let fail = |e: csv::Error| CliError::failure(format!("cannot write output: {e}"));
        csv.write_record([
            "at",
            "connection",
            "operator",
            "user",
            "action",
            "before",
            "after",
            "requestId",
            "detail",
        ])
        .map_err(fail)?;
        for e in &entries {
            csv.write_record([
                e.at.as_str(),
                &e.connection,
                &e.operator,
                &e.user,
                &e.action,
                e.before.as_deref().unwrap_or(""),
                e.after.as_deref().unwrap_or(""),
                e.request_id.as_deref().unwrap_or(""),
                e.detail.as_deref().unwrap_or(""),
            ])
            .map_err(fail)?;
        }
        csv.flush()
            .map_err(|e| CliError::failure(format!("cannot write output: {e}")))?;
        return Ok(View::Nothing);
    }
    let rows = entries
        .iter()
        .map(|e| {
            vec![
                e.at.replace('T', " ").replace('Z', ""),
                e.operator.clone(),
                e.user.clone(),
                e.action.clone(),
                match (&e.before, &e.after) {
                    (Some(b), Some(a)) => format!("{b} -> {a}"),
                    (None, Some(a)) => format!("-> {a}"),
                    _ => String::new(),
                },
                e.detail.clone().unwrap_or_default(),
                e.request_id.clone().unwrap_or_default(),
            ]
        })
        .collect();
    Ok(View::Table {
        json: json!({"items": entries}),
        columns: vec![
            "AT",
            "OPERATOR",
            "USER",
            "ACTION",
            "CHANGE",
            "DETAIL",
            "REQUEST ID",
        ],
        rows,
        footer: Some(format!("{} changes", entries.len())),
    })
}

fn parse_since(text: &str) -> CliResult<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
        .ok_or_else(|| {
            CliError::usage(format!(
                "`{text}` is not a date; give YYYY-MM-DD or an RFC 3339 time"
            ))
        })
}
