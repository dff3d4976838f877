//! The per-connection SQLite ledger: every user seen (so that a user SCIM no longer returns reads as
//! Deprovisioned rather than never-seen), the journal of bulk runs (so that a stopped run resumes and
//! applies each change once), and the append-only audit log.
//!
//! The schema evolves through numbered migrations recorded in `PRAGMA user_version`; data is never
//! wiped to upgrade. (`rusqlite_migration` does the same job but does not support the rusqlite
//! version the workspace uses, and the mechanism is a dozen lines.)

use std::path::Path;

use chrono::{DateTime, SecondsFormat, Utc};
use futures::{Stream, StreamExt};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::user::{ScimUser, Status};

/// Each entry upgrades the schema by one version; append, never edit.
const MIGRATIONS: &[&str] = &[
    // 1: users seen, the audit log, the journal of runs.
    "CREATE TABLE users (
        email TEXT PRIMARY KEY COLLATE NOCASE,
        scim_id TEXT NOT NULL,
        name TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        status_changed_at TEXT,
        previous_status TEXT,
        generation INTEGER NOT NULL DEFAULT 0
     );
     CREATE INDEX users_status ON users(status);
     CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
     CREATE TABLE audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        connection TEXT NOT NULL,
        operator TEXT NOT NULL,
        email TEXT NOT NULL,
        action TEXT NOT NULL,
        before TEXT,
        after TEXT,
        request_id TEXT,
        detail TEXT
     );
     CREATE INDEX audit_email ON audit(email COLLATE NOCASE);
     CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
     CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
     CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        action TEXT NOT NULL,
        created_at TEXT NOT NULL,
        finished_at TEXT,
        options TEXT NOT NULL
     );
     CREATE TABLE steps (
        run_id TEXT NOT NULL REFERENCES runs(id),
        seq INTEGER NOT NULL,
        email TEXT NOT NULL,
        kind TEXT NOT NULL,
        spec TEXT NOT NULL,
        state TEXT NOT NULL,
        outcome TEXT,
        request_id TEXT,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (run_id, seq)
     );",
];

/// The ledger of one connection.
#[derive(Debug)]
pub struct Ledger {
    db: Connection,
}

/// A user as the ledger knows them.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KnownUser {
    pub email: String,
    pub name: String,
    pub status: Status,
    pub scim_id: String,
    /// On RingCentral the SCIM id is the extension id.
    pub extension_id: String,
    pub last_seen: String,
    #[serde(skip)]
    pub first_seen: String,
    #[serde(skip)]
    pub status_changed_at: Option<String>,
    #[serde(skip)]
    pub previous_status: Option<Status>,
}

/// One row of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub connection: String,
    pub operator: String,
    pub user: String,
    pub action: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub request_id: Option<String>,
    pub detail: Option<String>,
}

/// What to append to the audit log.
#[derive(Debug, Clone, Default)]
pub struct NewAudit<'a> {
    pub connection: &'a str,
    pub operator: &'a str,
    pub user: &'a str,
    pub action: &'a str,
    pub before: Option<&'a str>,
    pub after: Option<&'a str>,
    pub request_id: Option<&'a str>,
    pub detail: Option<&'a str>,
}

/// How many users a listing added, changed and found gone.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SyncSummary {
    pub seen: u64,
    pub new: u64,
    pub changed: u64,
    pub gone: u64,
}

/// A listing being recorded, in one transaction.
#[derive(Debug)]
pub struct Listing<'a> {
    tx: rusqlite::Transaction<'a>,
    generation: i64,
    at: String,
    summary: SyncSummary,
}

impl Listing<'_> {
    /// Records one user of the listing.
    pub fn add(&mut self, user: &ScimUser) -> Result<()> {
        self.summary.seen += 1;
        let status = user.status().as_str();
        let args = params![
            user.email,
            user.id,
            user.name,
            status,
            self.at,
            self.generation
        ];
        let known: Option<String> = self
            .tx
            .prepare_cached("SELECT status FROM users WHERE email = ?1")?
            .query_row([&user.email], |r| r.get(0))
            .optional()?;
        match known {
            None => {
                self.tx
                    .prepare_cached(
                        "INSERT INTO users(email, scim_id, name, status, first_seen, last_seen, generation)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)",
                    )?
                    .execute(args)?;
                self.summary.new += 1;
            }
            Some(old) => {
                if old != status {
                    self.summary.changed += 1;
                }
                self.tx
                    .prepare_cached(
                        "UPDATE users SET scim_id = ?2, name = ?3, last_seen = ?5, generation = ?6,
                            previous_status = CASE WHEN status != ?4 THEN status ELSE previous_status END,
                            status_changed_at = CASE WHEN status != ?4 THEN ?5 ELSE status_changed_at END,
                            status = ?4
                         WHERE email = ?1",
                    )?
                    .execute(args)?;
            }
        }
        Ok(())
    }

    /// Marks every user the listing did not return Deprovisioned, and commits.
    pub fn finish(mut self) -> Result<SyncSummary> {
        self.summary.gone = self.tx.execute(
            "UPDATE users SET previous_status = status, status = 'Deprovisioned',
                status_changed_at = ?1
             WHERE generation < ?2 AND status != 'Deprovisioned'",
            params![self.at, self.generation],
        )? as u64;
        self.tx.execute(
            "INSERT INTO meta(key, value) VALUES ('generation', ?1)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [self.generation.to_string()],
        )?;
        self.tx.commit()?;
        Ok(self.summary)
    }
}

/// A step of a journaled run, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredStep {
    pub seq: i64,
    pub email: String,
    pub kind: String,
    pub spec: Value,
    pub state: StepState,
    pub outcome: Option<String>,
}

/// Where a step of a run stands. A step is marked `Sent` (committed) before its request leaves, so
/// a run stopped between the two finds it `Sent` and checks the server before sending it again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepState {
    Pending,
    Sent,
    Done,
    /// Nothing to do: already in the target state.
    Unchanged,
    Failed,
}

impl StepState {
    fn as_str(self) -> &'static str {
        match self {
            StepState::Pending => "pending",
            StepState::Sent => "sent",
            StepState::Done => "done",
            StepState::Unchanged => "unchanged",
            StepState::Failed => "failed",
        }
    }

    fn parse(s: &str) -> StepState {
        match s {
            "sent" => StepState::Sent,
            "done" => StepState::Done,
            "unchanged" => StepState::Unchanged,
            "failed" => StepState::Failed,
            _ => StepState::Pending,
        }
    }

    /// Whether a resumed run still has to look at the step.
    pub fn open(self) -> bool {
        matches!(self, StepState::Pending | StepState::Sent)
    }
}

/// A run that has not finished.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRun {
    pub id: String,
    pub action: String,
    pub created_at: String,
    pub options: Value,
    pub steps: Vec<StoredStep>,
}

pub(crate) fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn status_of(s: &str) -> Status {
    s.parse().unwrap_or(Status::Active)
}

impl Ledger {
    /// Opens (creating if need be, with mode 0600) the ledger file and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Ledger> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::Ledger {
                path: path.display().to_string(),
                message: e.to_string(),
            })?;
        }
        let db = Connection::open(path).map_err(|e| Error::Ledger {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        restrict(path);
        Ledger::init(db).map_err(|e| match e {
            Error::Sql(e) => Error::Ledger {
                path: path.display().to_string(),
                message: e.to_string(),
            },
            other => other,
        })
    }

    /// A ledger in memory, for tests and one-off runs.
    pub fn in_memory() -> Result<Ledger> {
        Ledger::init(Connection::open_in_memory()?)
    }

    fn init(db: Connection) -> Result<Ledger> {
        db.busy_timeout(std::time::Duration::from_secs(10))?;
        db.pragma_update(None, "journal_mode", "WAL")?;
        // NORMAL in WAL mode survives a killed process, which is what `--resume` must survive; a
        // power cut may lose the last marks, and that is safe too, because a step is always checked
        // against the server before it is sent.
        db.pragma_update(None, "synchronous", "NORMAL")?;
        migrate(&db)?;
        Ok(Ledger { db })
    }

    /// The schema version (the number of migrations applied).
    pub fn version(&self) -> Result<usize> {
        let v: i64 = self
            .db
            .pragma_query_value(None, "user_version", |r| r.get(0))?;
        Ok(usize::try_from(v).unwrap_or(0))
    }

    /// Records a complete listing of SCIM users: each user is upserted with its status, and every
    /// user the ledger knew that the listing did not return becomes Deprovisioned. `users` must be the
    /// whole listing; a listing that failed half-way records nothing.
    pub fn record_listing<I>(&mut self, users: I) -> Result<SyncSummary>
    where
        I: IntoIterator<Item = Result<ScimUser>>,
    {
        let mut listing = self.begin_listing()?;
        for user in users {
            listing.add(&user?)?;
        }
        listing.finish()
    }

    /// [`Ledger::record_listing`] of a stream, one user in memory at a time.
    pub async fn record_stream<S>(&mut self, users: S) -> Result<SyncSummary>
    where
        S: Stream<Item = Result<ScimUser>>,
    {
        let mut users = std::pin::pin!(users);
        let mut listing = self.begin_listing()?;
        while let Some(user) = users.next().await {
            listing.add(&user?)?;
        }
        listing.finish()
    }

    /// Starts recording a listing; nothing is visible until [`Listing::finish`].
    pub fn begin_listing(&mut self) -> Result<Listing<'_>> {
        let tx = self.db.transaction()?;
        let generation: i64 = tx
            .query_row("SELECT value FROM meta WHERE key = 'generation'", [], |r| {
                r.get::<_, String>(0)
            })
            .optional()?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
            + 1;
        Ok(Listing {
            tx,
            generation,
            at: now(),
            summary: SyncSummary::default(),
        })
    }

    /// Records one user's status as observed or set now.
    pub fn record_user(&self, user: &ScimUser, status: Status) -> Result<()> {
        let at = now();
        self.db.execute(
            "INSERT INTO users(email, scim_id, name, status, first_seen, last_seen)
             VALUES (?1, ?2, ?3, ?4, ?5, ?5)
             ON CONFLICT(email) DO UPDATE SET scim_id = excluded.scim_id, name = excluded.name,
                last_seen = excluded.last_seen,
                previous_status = CASE WHEN status != excluded.status THEN status ELSE previous_status END,
                status_changed_at = CASE WHEN status != excluded.status THEN excluded.last_seen
                                         ELSE status_changed_at END,
                status = excluded.status",
            params![user.email, user.id, user.name, status.as_str(), at],
        )?;
        Ok(())
    }

    /// Records that a user the ledger knows is gone: deleted now, or no longer returned by SCIM.
    /// Their last-seen time stays when they were last seen.
    pub fn mark_deprovisioned(&self, email: &str) -> Result<()> {
        self.db.execute(
            "UPDATE users SET previous_status = status, status = 'Deprovisioned',
                status_changed_at = ?2
             WHERE email = ?1 AND status != 'Deprovisioned'",
            params![email.trim(), now()],
        )?;
        Ok(())
    }

    /// The users the ledger knows, by email, optionally of one status; `each` sees them one at a
    /// time, so a listing of any size takes constant memory.
    pub fn each_user(
        &self,
        status: Option<Status>,
        mut each: impl FnMut(KnownUser) -> Result<()>,
    ) -> Result<u64> {
        let mut stmt = self.db.prepare_cached(
            "SELECT email, name, status, scim_id, last_seen, first_seen, status_changed_at,
                    previous_status
             FROM users WHERE ?1 IS NULL OR status = ?1 ORDER BY email COLLATE NOCASE",
        )?;
        let mut rows = stmt.query([status.map(Status::as_str)])?;
        let mut count = 0;
        while let Some(row) = rows.next()? {
            each(known_user(row)?)?;
            count += 1;
        }
        Ok(count)
    }

    /// One user by email.
    pub fn user(&self, email: &str) -> Result<Option<KnownUser>> {
        Ok(self
            .db
            .query_row(
                "SELECT email, name, status, scim_id, last_seen, first_seen, status_changed_at,
                        previous_status
                 FROM users WHERE email = ?1",
                [email.trim()],
                known_user,
            )
            .optional()?)
    }

    /// Appends to the audit log.
    pub fn audit(&self, entry: &NewAudit<'_>) -> Result<()> {
        self.db.execute(
            "INSERT INTO audit(at, connection, operator, email, action, before, after, request_id, detail)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                now(),
                entry.connection,
                entry.operator,
                entry.user,
                entry.action,
                entry.before,
                entry.after,
                entry.request_id,
                entry.detail
            ],
        )?;
        Ok(())
    }

    /// The audit log, oldest first, optionally for one user and from a time on.
    pub fn audit_entries(
        &self,
        user: Option<&str>,
        since: Option<DateTime<Utc>>,
    ) -> Result<Vec<AuditEntry>> {
        let since = since.map(|s| s.to_rfc3339_opts(SecondsFormat::Secs, true));
        let mut stmt = self.db.prepare_cached(
            "SELECT id, at, connection, operator, email, action, before, after, request_id, detail
             FROM audit
             WHERE (?1 IS NULL OR email = ?1 COLLATE NOCASE) AND (?2 IS NULL OR at >= ?2)
             ORDER BY id",
        )?;
        let rows = stmt.query_map(params![user.map(str::trim), since], |r| {
            Ok(AuditEntry {
                id: r.get(0)?,
                at: r.get(1)?,
                connection: r.get(2)?,
                operator: r.get(3)?,
                user: r.get(4)?,
                action: r.get(5)?,
                before: r.get(6)?,
                after: r.get(7)?,
                request_id: r.get(8)?,
                detail: r.get(9)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Starts a journaled run of `action` with its steps, all pending; returns its id.
    pub fn start_run(
        &mut self,
        action: &str,
        options: &Value,
        steps: &[(String, String, Value)],
    ) -> Result<String> {
        let id = uuid::Uuid::new_v4().to_string();
        let at = now();
        let tx = self.db.transaction()?;
        tx.execute(
            "INSERT INTO runs(id, action, created_at, options) VALUES (?1, ?2, ?3, ?4)",
            params![id, action, at, options.to_string()],
        )?;
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO steps(run_id, seq, email, kind, spec, state, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'pending', ?6)",
            )?;
            for (seq, (email, kind, spec)) in steps.iter().enumerate() {
                insert.execute(params![id, seq as i64, email, kind, spec.to_string(), at])?;
            }
        }
        tx.commit()?;
        Ok(id)
    }

    /// The newest unfinished run of `action`, with all its steps.
    pub fn unfinished_run(&self, action: &str) -> Result<Option<StoredRun>> {
        let run = self
            .db
            .query_row(
                "SELECT id, created_at, options FROM runs
                 WHERE action = ?1 AND finished_at IS NULL ORDER BY created_at DESC, rowid DESC LIMIT 1",
                [action],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                    ))
                },
            )
            .optional()?;
        let Some((id, created_at, options)) = run else {
            return Ok(None);
        };
        let steps = self.steps(&id)?;
        Ok(Some(StoredRun {
            id,
            action: action.to_owned(),
            created_at,
            options: serde_json::from_str(&options).unwrap_or(Value::Null),
            steps,
        }))
    }

    /// The steps of a run, in order.
    pub fn steps(&self, run_id: &str) -> Result<Vec<StoredStep>> {
        let mut stmt = self.db.prepare_cached(
            "SELECT seq, email, kind, spec, state, outcome FROM steps WHERE run_id = ?1 ORDER BY seq",
        )?;
        let rows = stmt.query_map([run_id], |r| {
            let spec: String = r.get(3)?;
            let state: String = r.get(4)?;
            Ok(StoredStep {
                seq: r.get(0)?,
                email: r.get(1)?,
                kind: r.get(2)?,
                spec: serde_json::from_str(&spec).unwrap_or(Value::Null),
                state: StepState::parse(&state),
                outcome: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Moves a step to `state`; durable when this returns.
    pub fn set_step(
        &self,
        run_id: &str,
        seq: i64,
        state: StepState,
        outcome: Option<&str>,
        request_id: Option<&str>,
    ) -> Result<()> {
        self.db.execute(
            "UPDATE steps SET state = ?3, outcome = ?4, request_id = COALESCE(?5, request_id),
                updated_at = ?6
             WHERE run_id = ?1 AND seq = ?2",
            params![run_id, seq, state.as_str(), outcome, request_id, now()],
        )?;
        Ok(())
    }

    /// Marks a run finished: `--resume` no longer offers it.
    pub fn finish_run(&self, run_id: &str) -> Result<()> {
        self.db.execute(
            "UPDATE runs SET finished_at = ?2 WHERE id = ?1",
            params![run_id, now()],
        )?;
        Ok(())
    }
}

fn known_user(r: &rusqlite::Row<'_>) -> rusqlite::Result<KnownUser> {
    let scim_id: String = r.get(3)?;
    Ok(KnownUser {
        email: r.get(0)?,
        name: r.get(1)?,
        status: status_of(&r.get::<_, String>(2)?),
        extension_id: scim_id.clone(),
        scim_id,
        last_seen: r.get(4)?,
        first_seen: r.get(5)?,
        status_changed_at: r.get(6)?,
        previous_status: r.get::<_, Option<String>>(7)?.map(|s| status_of(&s)),
    })
}

fn migrate(db: &Connection) -> Result<()> {
    let current: i64 = db.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let current = usize::try_from(current).unwrap_or(0);
    if current > MIGRATIONS.len() {
        return Err(Error::Input(format!(
            "the ledger's schema version {current} is newer than this ringctl knows ({}); upgrade ringctl",
            MIGRATIONS.len()
        )));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current) {
        let tx = db.unchecked_transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}

/// The ledger holds who was removed and when: readable by its owner only.
fn restrict(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
    }
    #[cfg(not(unix))]
    let _ = path;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: &str, email: &str, active: bool) -> ScimUser {
        ScimUser {
            id: id.into(),
            user_name: email.into(),
            email: email.into(),
            name: format!("User {id}"),
            active,
            department: None,
            phone_numbers: vec![],
        }
    }

    #[test]
    fn a_user_no_longer_listed_is_deprovisioned_and_a_never_seen_one_unknown() {
        let mut l = Ledger::in_memory().expect("ledger");
        let first = l
            .record_listing(vec![
                Ok(user("1", "a@x.com", true)),
                Ok(user("2", "b@x.com", false)),
            ])
            .expect("first");
        assert_eq!(
            first,
            SyncSummary {
                seen: 2,
                new: 2,
                changed: 0,
                gone: 0
            }
        );
        let second = l
            .record_listing(vec![Ok(user("2", "B@x.com", true))])
            .expect("second");
        assert_eq!(
            second,
            SyncSummary {
                seen: 1,
                new: 0,
                changed: 1,
                gone: 1
            }
        );
        let a = l.user("A@X.COM").expect("read").expect("known");
        assert_eq!(a.status, Status::Deprovisioned);
        assert_eq!(a.previous_status, Some(Status::Active));
        let b = l.user("b@x.com").expect("read").expect("known");
        assert_eq!(
            (b.status, b.previous_status),
            (Status::Active, Some(Status::Suspended))
        );
        assert!(l.user("c@x.com").expect("read").is_none());
        let mut deprovisioned = vec![];
        l.each_user(Some(Status::Deprovisioned), |u| {
            deprovisioned.push(u.email);
            Ok(())
        })
        .expect("each");
        assert_eq!(deprovisioned, ["a@x.com"]);
    }

    #[test]
    fn a_listing_that_fails_half_way_changes_nothing() {
        let mut l = Ledger::in_memory().expect("ledger");
        l.record_listing(vec![Ok(user("1", "a@x.com", true))])
            .expect("first");
        let failed = l.record_listing(vec![
            Ok(user("2", "b@x.com", true)),
            Err(Error::Input("connection dropped".into())),
        ]);
        assert!(failed.is_err());
        assert!(l.user("b@x.com").expect("read").is_none());
        assert_eq!(
            l.user("a@x.com").expect("read").map(|u| u.status),
            Some(Status::Active)
        );
    }

    #[test]
    fn the_audit_log_cannot_be_rewritten() {
        let l = Ledger::in_memory().expect("ledger");
        l.audit(&NewAudit {
            connection: "c",
            operator: "me",
            user: "a@x.com",
            action: "suspend",
            before: Some("Active"),
            after: Some("Suspended"),
            ..NewAudit::default()
        })
        .expect("append");
        assert!(l.db.execute("UPDATE audit SET action = 'x'", []).is_err());
        assert!(l.db.execute("DELETE FROM audit", []).is_err());
        let entries = l.audit_entries(Some("A@x.com"), None).expect("entries");
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].after.as_deref(), Some("Suspended"));
    }

    #[test]
    fn migrations_upgrade_a_file_in_place_and_keep_its_data() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("ledger.db");
        {
            let mut l = Ledger::open(&path).expect("open");
            l.record_listing(vec![Ok(user("1", "a@x.com", true))])
                .expect("record");
            assert_eq!(l.version().expect("version"), MIGRATIONS.len());
        }
        let l = Ledger::open(&path).expect("reopen");
        assert!(l.user("a@x.com").expect("read").is_some());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn runs_keep_their_steps_until_finished() {
        let mut l = Ledger::in_memory().expect("ledger");
        let steps = vec![
            ("a@x.com".to_owned(), "suspend".to_owned(), Value::Null),
            ("b@x.com".to_owned(), "suspend".to_owned(), Value::Null),
        ];
        let id = l.start_run("suspend", &Value::Null, &steps).expect("start");
        l.set_step(&id, 0, StepState::Sent, None, None)
            .expect("sent");
        let run = l
            .unfinished_run("suspend")
            .expect("read")
            .expect("open run");
        assert_eq!(run.steps[0].state, StepState::Sent);
        assert_eq!(run.steps[1].state, StepState::Pending);
        l.finish_run(&id).expect("finish");
        assert!(l.unfinished_run("suspend").expect("read").is_none());
    }
}
