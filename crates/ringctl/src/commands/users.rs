//! `ringctl users`: identity lifecycle through SCIM. The work is `ringcentral_lifecycle`'s; this
//! module reads arguments and files, asks for confirmation, shows progress and renders.

use std::io::{BufRead, IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use ringcentral_lifecycle::{
    Actor, Change, Error, Impact, Ledger, Outcome, PlannedStep, Progress, RunReport, Runner,
    ScimUser, Status, StepResult, Subject, change_step, handover_steps, impact, resolve, scim,
};
use serde_json::{Value, json};

use crate::cli::{ChangeArgs, DeprovisionArgs, UserArgs, UsersListArgs};
use crate::context::{Ctx, Session, runtime_error};
use crate::exit::{CliError, CliResult, Exit};
use crate::output::View;

/// The connection's lifecycle ledger (users seen, journal, audit log).
pub fn open_ledger(ctx: &Ctx, session: &Session) -> CliResult<Ledger> {
    let path = ctx
        .home
        .connection_dir(&session.connection.id)
        .join("lifecycle.db");
    Ledger::open(&path).map_err(lifecycle_error)
}

/// A lifecycle error as the user sees it.
pub fn lifecycle_error(err: Error) -> CliError {
    match err {
        Error::Api(e) => runtime_error(e),
        Error::UnknownUser { email } => {
            CliError::failure(format!("no user with the email {email}"))
                .hint("`ringctl users list` shows the users this connection can see.")
        }
        Error::Input(message) => CliError::usage(message),
        e @ (Error::Ledger { .. } | Error::Sql(_)) => CliError::failure(e.to_string()),
    }
}

/// Who runs the command, for the audit log.
pub fn operator() -> String {
    ["RINGCTL_OPERATOR", "USER", "USERNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "unknown".into())
}

pub fn list(ctx: &Ctx, args: &UsersListArgs) -> CliResult<View> {
    let session = ctx.session()?;
    let mut ledger = open_ledger(ctx, &session)?;
    let progress = ctx.out.progress("users listed");
    let users = futures::StreamExt::inspect(scim::list_users(&session.client), |_| progress.inc(1));
    ctx.block_on(ledger.record_stream(users))
        .map_err(lifecycle_error)?;
    progress.finish_and_clear();
    let status = match args.status.as_str() {
        "all" => None,
        s => Some(s.parse::<Status>().map_err(CliError::usage)?),
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let write_err = |e: std::io::Error| CliError::failure(format!("cannot write output: {e}"));
    if args.csv {
        let mut csv = csv::Writer::from_writer(out);
        csv.write_record([
            "email",
            "name",
            "status",
            "scimId",
            "extensionId",
            "lastSeen",
        ])
        .map_err(|e| CliError::failure(e.to_string()))?;
        ledger
            .each_user(status, |u| {
                csv.write_record([
                    &u.email,
                    &u.name,
                    u.status.as_str(),
                    &u.scim_id,
                    &u.extension_id,
                    &u.last_seen,
                ])
                .map_err(|e| Error::Input(format!("cannot write output: {e}")))
            })
            .map_err(lifecycle_error)?;
        csv.flush().map_err(write_err)?;
        return Ok(View::Nothing);
    }
    let shape = ctx.out.shape;
    if !shape.fields.is_empty() || shape.jq.is_some() || shape.ndjson {
        // `--fields`, `--jq` and `--ndjson` shape whole values: gather the users for them.
        drop(out);
        let mut items = Vec::new();
        ledger
            .each_user(status, |u| {
                items.push(serde_json::to_value(&u).unwrap_or(Value::Null));
                Ok(())
            })
            .map_err(lifecycle_error)?;
        return Ok(View::Records(json!({ "items": items })));
    }
    if ctx.out.json {
        // Streamed record by record: a listing of any size takes constant memory.
        write!(out, "{{\"items\":[").map_err(write_err)?;
        let mut first = true;
        ledger
            .each_user(status, |u| {
                let sep = if first { "" } else { "," };
                first = false;
                write!(out, "{sep}")
                    .and_then(|_| serde_json::to_writer(&mut out, &u).map_err(Into::into))
                    .map_err(|e| Error::Input(format!("cannot write output: {e}")))
            })
            .map_err(lifecycle_error)?;
        writeln!(out, "]}}").map_err(write_err)?;
        out.flush().map_err(write_err)?;
        return Ok(View::Nothing);
    }
    drop(out);
    let mut rows = Vec::new();
    ledger
        .each_user(status, |u| {
            rows.push(vec![
                u.email,
                u.name,
                u.status.to_string(),
                u.extension_id,
                u.last_seen.replace('T', " ").replace('Z', ""),
            ]);
            Ok(())
        })
        .map_err(lifecycle_error)?;
    let footer = format!("{} users", rows.len());
    Ok(View::Table {
        json: Value::Null,
        columns: vec!["EMAIL", "NAME", "STATUS", "EXTENSION ID", "LAST SEEN"],
        rows,
        footer: Some(footer),
    })
}

pub fn show(ctx: &Ctx, args: &UserArgs) -> CliResult<View> {
    let session = ctx.session()?;
    let ledger = open_ledger(ctx, &session)?;
    let email = valid_email(&args.email)?;
    let found = ctx
        .block_on(scim::find_user(&session.client, &email))
        .map_err(lifecycle_error)?;
    let mut json = match &found {
        Some(user) => {
            let subject = ctx
                .block_on(Subject::load(&session.client, user))
                .map_err(lifecycle_error)?;
            ledger
                .record_user(user, user.status())
                .map_err(lifecycle_error)?;
            json!({
                "email": user.email,
                "name": user.name,
                "status": user.status(),
                "scimId": user.id,
                "extensionId": subject.extension_id,
                "extensionNumber": subject.extension_number,
                "phoneNumbers": subject.phone_numbers,
                "department": user.department,
            })
        }
        None => match ledger.user(&email).map_err(lifecycle_error)? {
            Some(known) => {
                ledger
                    .mark_deprovisioned(&known.email)
                    .map_err(lifecycle_error)?;
                json!({
                    "email": known.email,
                    "name": known.name,
                    "status": Status::Deprovisioned,
                    "scimId": known.scim_id,
                    "extensionId": known.extension_id,
                })
            }
            None => return Err(lifecycle_error(Error::UnknownUser { email })),
        },
    };
    if let Some(known) = ledger.user(&email).map_err(lifecycle_error)? {
        json["lastSeen"] = json!(known.last_seen);
        json["lastStatusChange"] = match (&known.status_changed_at, known.previous_status) {
            (Some(at), Some(from)) => json!({"from": from, "to": known.status, "at": at}),
            _ => json!({"to": known.status, "at": known.first_seen, "firstSeen": true}),
        };
    }
    let text = |k: &str| match &json[k] {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        v => v.to_string(),
    };
    let phones = json["phoneNumbers"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default();
    let change = match &json["lastStatusChange"] {
        Value::Object(c) if c.contains_key("from") => format!(
            "{} -> {} at {}",
            c["from"].as_str().unwrap_or_default(),
            c["to"].as_str().unwrap_or_default(),
            c["at"].as_str().unwrap_or_default()
        ),
        Value::Object(c) => format!(
            "first seen {} at {}",
            c["to"].as_str().unwrap_or_default(),
            c["at"].as_str().unwrap_or_default()
        ),
        _ => String::new(),
    };
    let fields = vec![
        ("Email", text("email")),
        ("Name", text("name")),
        ("Status", text("status")),
        ("SCIM id", text("scimId")),
        ("Extension id", text("extensionId")),
        ("Extension", text("extensionNumber")),
        ("Phone numbers", phones),
        ("Department", text("department")),
        ("Last status change", change),
        ("Last seen", text("lastSeen")),
    ];
    Ok(View::Record {
        json,
        fields,
        sections: vec![],
    })
}

pub fn impact(ctx: &Ctx, args: &UserArgs) -> CliResult<View> {
    let session = ctx.session()?;
    let email = valid_email(&args.email)?;
    let user = live_user(ctx, &session, &email)?;
    let subject = ctx
        .block_on(Subject::load(&session.client, &user))
        .map_err(lifecycle_error)?;
    let report = ctx
        .block_on(impact::report(
            &session.client,
            std::slice::from_ref(&subject),
        ))
        .map_err(lifecycle_error)?;
    for note in &report.unchecked {
        ctx.out.note(&format!("note: not checked: {note}"));
    }
    Ok(impact_view(&report, false))
}

fn impact_view(report: &Impact, with_user: bool) -> View {
    let rows = report
        .impact
        .iter()
        .map(|i| {
            let mut row = vec![
                i.kind.clone(),
                i.name.clone(),
                i.extension_id.clone(),
                i.detail.clone(),
            ];
            if with_user {
                row.insert(0, i.user.clone());
            }
            row
        })
        .collect();
    let mut columns = vec!["KIND", "WHERE", "ID", "DETAIL"];
    if with_user {
        columns.insert(0, "USER");
    }
    let footer = match report.impact.len() {
        0 => "Nothing routes to or names this user.".to_owned(),
        n => format!("{n} references would be left pointing at a removed user."),
    };
    View::Table {
        json: serde_json::to_value(report).unwrap_or(Value::Null),
        columns,
        rows,
        footer: Some(footer),
    }
}

/// A SCIM user found live; an email SCIM does not return is an error naming it.
fn live_user(ctx: &Ctx, session: &Session, email: &str) -> CliResult<ScimUser> {
    let found = ctx
        .block_on(scim::find_user(&session.client, email))
        .map_err(lifecycle_error)?;
    found.ok_or_else(|| {
        lifecycle_error(Error::UnknownUser {
            email: email.to_owned(),
        })
    })
}

/// The extension id the connection acts as: recorded at login, else asked of the server.
fn own_extension(ctx: &Ctx, session: &Session) -> CliResult<Option<String>> {
    if let Some(id) = &session.connection.extension_id {
        return Ok(Some(id.clone()));
    }
    let request = ringcentral::Request::get("/restapi/v1.0/account/~/extension/~")
        .group(ringcentral::ThrottlingGroup::Light);
    let me = ctx
        .block_on(session.client.send(request))
        .and_then(|r| r.json_value())
        .map_err(runtime_error)?;
    Ok(me.get("id").map(|id| match id {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }))
}

/// `users suspend|reactivate|deprovision`.
pub fn change(
    ctx: &Ctx,
    change: Change,
    args: &ChangeArgs,
    deprovision: Option<&DeprovisionArgs>,
) -> CliResult<View> {
    if !args.dry_run {
        ctx.sending(match change {
            Change::Deprovision => ringcentral_api::Method::Delete,
            _ => ringcentral_api::Method::Patch,
        });
    }
    let session = ctx.session()?;
    let mut ledger = open_ledger(ctx, &session)?;
    let actor = Actor {
        connection: session.connection.name.clone(),
        operator: operator(),
    };
    if args.resume {
        if !args.emails.is_empty() || args.from.is_some() {
            return Err(CliError::usage(
                "--resume continues the stopped run as it was planned; give no emails with it",
            ));
        }
        let report = run_journaled(ctx, &session, &mut ledger, actor, change, Job::Resume)?;
        return match report {
            Some(report) => report_view(ctx, &report, Value::Null),
            None => Err(CliError::usage(format!(
                "there is no stopped {} run to resume",
                change.as_str()
            ))
            .hint("Start a new one by naming the users.")),
        };
    }
    let emails = targets(ctx, args)?;
    if emails.is_empty() {
        return Err(CliError::usage("no users given").hint(
            "Name them (EMAIL...), or give --from FILE, or --resume to finish a stopped run.",
        ));
    }
    if ledger
        .unfinished_run(change.as_str())
        .map_err(lifecycle_error)?
        .is_some()
    {
        ctx.out.note(&format!(
            "note: an earlier {} run stopped before its end; `--resume` finishes it.",
            change.as_str()
        ));
    }
    let found = ctx
        .block_on(resolve(&session.client, &emails))
        .map_err(lifecycle_error)?;
    let mut unknown = Vec::new();
    for (email, user) in emails.iter().zip(&found) {
        if user.is_none() {
            let known = ledger.user(email).map_err(lifecycle_error)?;
            let usable = change == Change::Deprovision && known.is_some();
            if !usable {
                unknown.push(email.clone());
            }
        }
    }
    if !unknown.is_empty() {
        return Err(CliError::failure(format!(
            "no user with the email {}; nothing was changed",
            unknown.join(", ")
        ))
        .hint("`ringctl users list` shows the users this connection can see."));
    }
    if change != Change::Reactivate {
        let me = own_extension(ctx, &session)?;
        if let Some(user) = found.iter().flatten().find(|u| Some(&u.id) == me.as_ref()) {
            return Err(CliError::usage(format!(
                "{} is the user this connection is logged in as; to {} them would end this session, so nothing was changed",
                user.email,
                change.as_str()
            ))
            .hint("Log in as another administrator (`ringctl login`), then run it from there."));
        }
    }
    let mut extra = serde_json::Map::new();
    let mut steps: Vec<PlannedStep> = Vec::new();
    if let Some(d) = deprovision {
        let live: Vec<&ScimUser> = found.iter().flatten().collect();
        if live.len() > d.max_deprovision {
            return Err(CliError::usage(format!(
                "this run would deprovision {} users, more than the safety limit of {}; nothing was changed",
                live.len(),
                d.max_deprovision
            ))
            .hint("Raise it with --max-deprovision N if that is what you mean."));
        }
        let successor = match &d.handover_to {
            Some(to) => {
                let to = valid_email(to)?;
                if emails.iter().any(|e| e.eq_ignore_ascii_case(&to)) {
                    return Err(CliError::usage(format!(
                        "{to} is among the users to deprovision and cannot take their duties"
                    )));
                }
                let user = live_user(ctx, &session, &to)?;
                if !user.active {
                    return Err(CliError::usage(format!(
                        "{to} is suspended; hand over to an active user"
                    )));
                }
                Some(
                    ctx.block_on(Subject::load(&session.client, &user))
                        .map_err(lifecycle_error)?,
                )
            }
            None => None,
        };
        let subjects: Vec<Subject> = live
            .iter()
            .map(|u| ctx.block_on(Subject::load(&session.client, u)))
            .collect::<Result<_, _>>()
            .map_err(lifecycle_error)?;
        let report = ctx
            .block_on(impact::report(&session.client, &subjects))
            .map_err(lifecycle_error)?;
        for email in &emails {
            if let (Some(to), Some(from)) = (
                &successor,
                subjects
                    .iter()
                    .find(|s| s.email.eq_ignore_ascii_case(email)),
            ) {
                steps.extend(handover_steps(&report, from, to).map_err(lifecycle_error)?);
            }
            steps.push(change_step(change, email));
        }
        if !ctx.out.json {
            for note in &report.unchecked {
                ctx.out.note(&format!("note: not checked: {note}"));
            }
            let view = impact_view(&report, emails.len() > 1);
            match ctx.out.render(view) {
                Ok(()) | Err(crate::output::Stop::Closed) => {}
                Err(crate::output::Stop::Failed(e)) => return Err(e),
            }
            if successor.is_none() && !report.impact.is_empty() {
                ctx.out.note("warning: these still route calls or messages to the user; after the delete they will reach no one. `--handover-to EMAIL` moves them to a successor first.");
            }
        }
        extra.insert("impact".into(), json!(report.impact));
        if !report.unchecked.is_empty() {
            extra.insert("unchecked".into(), json!(report.unchecked));
        }
    } else {
        steps = emails.iter().map(|e| change_step(change, e)).collect();
    }
    extra.insert("plan".into(), json!(steps));
    if args.dry_run {
        extra.insert("dryRun".into(), json!(true));
        let rows = steps
            .iter()
            .map(|s| vec![s.user.clone(), s.kind.clone(), s.description.clone()])
            .collect();
        return Ok(View::Table {
            json: Value::Object(extra),
            columns: vec!["USER", "STEP", "WHAT"],
            rows,
            footer: Some(format!(
                "dry run: {} steps planned, nothing was changed",
                steps.len()
            )),
        });
    }
    if change == Change::Deprovision && !args.yes {
        confirm(ctx, &emails)?;
    }
    let report = run_journaled(ctx, &session, &mut ledger, actor, change, Job::Start(steps))?
        .ok_or_else(|| CliError::failure("the run ended without a report"))?;
    report_view(ctx, &report, Value::Object(extra))
}

/// What a journaled run does: start with its planned steps, or finish the newest stopped one.
enum Job {
    Start(Vec<PlannedStep>),
    Resume,
}

/// Runs `job` with a progress bar; `None` when there is no stopped run to resume.
fn run_journaled(
    ctx: &Ctx,
    session: &Session,
    ledger: &mut Ledger,
    actor: Actor,
    change: Change,
    job: Job,
) -> CliResult<Option<RunReport>> {
    let bar = Bar::new();
    run_guarded(ctx, &bar, |stop| {
        let mut runner = Runner {
            client: &session.client,
            ledger,
            actor,
            progress: &bar,
            stop,
        };
        async move {
            match job {
                Job::Start(steps) => runner.start(change, steps).await.map(Some),
                Job::Resume => runner.resume(change).await,
            }
        }
    })
}

/// Runs a journaled run, stopping after the step in flight on the first Ctrl-C (the second quits at
/// once; the journal keeps the run resumable either way).
fn run_guarded<T, F, Fut>(ctx: &Ctx, bar: &Bar, make: F) -> CliResult<T>
where
    F: FnOnce(Arc<AtomicBool>) -> Fut,
    Fut: std::future::Future<Output = ringcentral_lifecycle::Result<T>>,
{
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let out = ctx.out;
    let result = ctx.block_on(async move {
        let watcher = async move {
            if tokio::signal::ctrl_c().await.is_err() {
                return std::future::pending::<()>().await;
            }
            flag.store(true, Ordering::SeqCst);
            out.note("stopping after the change in flight; Ctrl-C again quits now (the run stays resumable with --resume)");
            if tokio::signal::ctrl_c().await.is_ok() {
                std::process::exit(130);
            }
            std::future::pending::<()>().await
        };
        tokio::select! {
            r = make(stop) => r,
            () = watcher => Err(Error::Input("interrupted".into())),
        }
    });
    bar.0.finish_and_clear();
    result.map_err(lifecycle_error)
}

struct Bar(indicatif::ProgressBar);

impl Bar {
    /// A bar on stderr when it is a terminal; hidden otherwise.
    fn new() -> Bar {
        if !std::io::stderr().is_terminal() {
            return Bar(indicatif::ProgressBar::hidden());
        }
        let bar = indicatif::ProgressBar::new(0);
        if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}") {
            bar.set_style(style);
        }
        crate::progress::register(&bar, "");
        Bar(bar)
    }
}

impl Progress for Bar {
    fn begin(&self, total: u64, done: u64) {
        self.0.set_length(total);
        self.0.set_position(done);
    }

    fn step(&self, result: &StepResult) {
        self.0.inc(1);
        crate::progress::set_base(&self.0, format!("{} {}", result.kind, result.user));
    }

    fn finish(&self) {
        self.0.finish_and_clear();
    }
}

/// The run's results; a run with failures, or stopped before its end, is an error after them.
fn report_view(ctx: &Ctx, report: &RunReport, extra: Value) -> CliResult<View> {
    let mut json = match extra {
        Value::Object(map) => Value::Object(map),
        _ => json!({}),
    };
    if let (Value::Object(map), Ok(Value::Object(r))) = (&mut json, serde_json::to_value(report)) {
        map.extend(r);
    }
    let done = report.count(Outcome::Done);
    let unchanged = report.count(Outcome::Unchanged);
    let failed = report.count(Outcome::Failed);
    let pending = report.count(Outcome::Pending);
    let summary = format!(
        "{done} changed, {unchanged} already in that state, {failed} failed{}",
        if pending > 0 {
            format!(", {pending} not run")
        } else {
            String::new()
        }
    );
    if !ctx.out.json {
        let rows: Vec<Vec<String>> = report
            .results
            .iter()
            .map(|r| {
                vec![
                    r.user.clone(),
                    r.kind.clone(),
                    format!("{:?}", r.outcome).to_lowercase(),
                    r.message.clone(),
                ]
            })
            .collect();
        let _ = ctx.out.render(View::Table {
            json: Value::Null,
            columns: vec!["USER", "STEP", "OUTCOME", "MESSAGE"],
            rows,
            footer: Some(summary.clone()),
        });
    }
    let error = if let Some(why) = &report.stopped {
        let exit = match report.stopped_by {
            Some(ringcentral::ErrorKind::RateLimited) => Exit::RateLimited,
            Some(ringcentral::ErrorKind::Auth) => Exit::Auth,
            _ => Exit::Failure,
        };
        Some(
            CliError::new(
                exit,
                format!("the run stopped before its end ({why}); {summary}"),
            )
            .hint("Run the same command with --resume to finish it: nothing is applied twice."),
        )
    } else if failed > 0 {
        let exit = if done + unchanged > 0 {
            Exit::Partial
        } else {
            Exit::Failure
        };
        Some(
            CliError::new(
                exit,
                format!("{failed} of {} steps failed", report.results.len()),
            )
            .hint("The report says why; fix it and run the same command with --resume."),
        )
    } else {
        None
    };
    match (error, ctx.out.json) {
        (Some(error), true) => Ok(View::Partial { json, error }),
        // The table is out already; the error line follows it.
        (Some(error), false) => Err(error),
        (None, true) => Ok(View::Json(json)),
        // The table's footer has said how it went.
        (None, false) => Ok(View::Nothing),
    }
}

fn confirm(ctx: &Ctx, emails: &[String]) -> CliResult<()> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Err(CliError::usage(
            "deprovisioning deletes users and cannot be undone, and there is no terminal to ask",
        )
        .hint("Pass --yes to confirm, after checking the impact report with --dry-run."));
    }
    let what = match emails {
        [one] => one.clone(),
        many => format!("{} users", many.len()),
    };
    let mut stderr = std::io::stderr().lock();
    let _ = write!(
        stderr,
        "{} Delete {what}? This cannot be undone. Type `yes` to go on: ",
        ctx.out.bold("?")
    );
    let _ = stderr.flush();
    let mut answer = String::new();
    stdin
        .lock()
        .read_line(&mut answer)
        .map_err(|e| CliError::usage(format!("cannot read the answer: {e}")))?;
    if answer.trim().eq_ignore_ascii_case("yes") || answer.trim().eq_ignore_ascii_case("y") {
        Ok(())
    } else {
        Err(CliError::usage("not confirmed; nothing was changed"))
    }
}

/// The emails of the command line and of `--from`, in order, each once.
fn targets(ctx: &Ctx, args: &ChangeArgs) -> CliResult<Vec<String>> {
    let mut emails = Vec::new();
    for e in &args.emails {
        emails.push(valid_email(e)?);
    }
    if let Some(path) = &args.from {
        let text = crate::input::Source::path(path).text("the list of users")?;
        let (found, bad) = emails_in(&text);
        if !bad.is_empty() {
            let name = path.display();
            let lines: Vec<String> = bad
                .iter()
                .map(|(line, why)| format!("{name}:{line}: {why}"))
                .collect();
            if !args.skip_bad_lines {
                return Err(CliError::usage(format!(
                    "{} malformed line(s) in {name}, first {}; nothing was changed",
                    bad.len(),
                    lines[0]
                ))
                .hint("Fix them, or pass --skip-bad-lines to run the rest.")
                .details(lines));
            }
            for line in &lines {
                ctx.out.note(&format!("warning: skipped {line}"));
            }
        }
        emails.extend(found);
    }
    let mut unique: Vec<String> = Vec::with_capacity(emails.len());
    for e in emails {
        if !unique.iter().any(|u| u.eq_ignore_ascii_case(&e)) {
            unique.push(e);
        }
    }
    Ok(unique)
}

/// Emails in a file: one a line, or a CSV whose header has an `email` column. Blank lines and
/// `#` comments are skipped. Returns the emails and the bad lines (line number, why).
fn emails_in(text: &str) -> (Vec<String>, Vec<(u64, String)>) {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let mut column = None;
    let mut emails = Vec::new();
    let mut bad = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(n as u64 + 1, |p| p.line());
                bad.push((line, format!("unreadable: {e}")));
                continue;
            }
        };
        let line = record.position().map_or(n as u64 + 1, |p| p.line());
        if record.iter().all(str::is_empty) {
            continue;
        }
        // The header is the first line that is not blank or a comment.
        let first = column.is_none() && emails.is_empty() && bad.is_empty();
        if let Some(i) = record
            .iter()
            .position(|f| f.eq_ignore_ascii_case("email"))
            .filter(|_| first)
        {
            column = Some(i);
            continue;
        }
        let value = match column {
            Some(i) => record.get(i).unwrap_or(""),
            None if record.len() == 1 => record.get(0).unwrap_or(""),
            None => {
                bad.push((
                    line,
                    "several fields but no header naming an `email` column".into(),
                ));
                continue;
            }
        };
        match valid_email(value) {
            Ok(e) => emails.push(e),
            Err(_) => bad.push((line, format!("`{value}` is not an email address"))),
        }
    }
    (emails, bad)
}

pub(crate) fn valid_email(text: &str) -> CliResult<String> {
    let t = text.trim();
    let ok = t.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty() && domain.contains('.') && !domain.contains('@') && !domain.ends_with('.')
    }) && !t.chars().any(|c| c.is_whitespace() || c == ',' || c == '"');
    if ok {
        Ok(t.to_owned())
    } else {
        Err(CliError::usage(format!("`{t}` is not an email address")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_a_list_of_emails_or_a_csv_with_an_email_column() {
        let (emails, bad) = emails_in("a@x.com\n\n# leavers\nB@x.com\n");
        assert_eq!(emails, ["a@x.com", "B@x.com"]);
        assert!(bad.is_empty());
        let (emails, bad) = emails_in("name,email\nAnn,a@x.com\nBo,not-an-email\nCy,c@x.com\n");
        assert_eq!(emails, ["a@x.com", "c@x.com"]);
        assert_eq!(
            bad,
            [(3, "`not-an-email` is not an email address".to_owned())]
        );
    }

    #[test]
    fn emails_are_checked() {
        assert!(valid_email("ann@example.com").is_ok());
        for bad in ["ann", "ann@", "@x.com", "a b@x.com", "a@x", "a@b@x.com"] {
            assert!(valid_email(bad).is_err(), "{bad}");
        }
    }
}
