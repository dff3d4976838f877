//! The sandbox's state: RingCentral resources as plain structs kept in SQLite (a file with `--data`,
//! memory otherwise), behind one connection that every request shares.

mod calls;
mod extensions;
mod mailbox;
mod misc;
mod routing;
mod tokens;

pub(crate) use calls::RingOut;
pub(crate) use extensions::{
    Account, Device, EXTENSION_TYPES, Extension, ExtensionExtra, ExtensionFilter, PhoneNumber,
    QueueInfo, Site, USER_EXTENSION_TYPES, account, extension, free_extension_number,
    insert_device, insert_extension, insert_phone_number, save_extension, user_types_sql,
};
pub(crate) use mailbox::{
    Attachment, CallFilter, CallRecord, Contact, Message, MessageFilter, Party, save_call,
    save_contact, save_message,
};
pub(crate) use misc::{
    AFTER_HOURS_RULE, BUSINESS_HOURS_RULE, Chat, ForwardingNumber, Post, Presence, Subscription,
    Task, default_answering_rules, forwarding_numbers, refresh_forwarding, save_answering_rule,
    save_bridge, save_chat, save_forwarding_number, save_post, save_task,
};
pub(crate) use routing::{
    IvrAction, MonitoringChange, MonitoringGroup, PAGING_DEVICE, PAGING_USER, PagingChange,
    SiteIvr, add_paging_member, save_monitoring_group, save_site_ivr, set_monitoring_member,
};
pub(crate) use tokens::{AuthCode, IssuedTokens, Session, TokenProblem, expose};

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use rusqlite::{Connection, OptionalExtension, Transaction};
use secrecy::SecretString;

use crate::error::{Error, Result};
use crate::memo::Memo;

/// The schema, one numbered migration after another; `PRAGMA user_version` records how many a
/// database has had. A change of shape is a new migration at the end, never an edit of one that
/// shipped, so that a data file keeps its state across versions of the sandbox.
/// (`rusqlite_migration` does this job but does not support the workspace's rusqlite; the mechanism
/// is a few lines, as in the lifecycle ledger.)
const MIGRATIONS: &[&str] = &[
    // 1: the tables of the last layout from before migrations (`meta.schema` "3").
    SCHEMA_1,
    // 2: the version is kept in `user_version` now, so the older marker goes.
    "DELETE FROM meta WHERE key = 'schema';",
];

/// The `meta.schema` marker of the last layout from before migrations: a data file that carries it
/// has the tables of migration 1. Files of older layouts were reseeded on upgrade then, and still
/// are, since nothing records their shape.
const PRE_MIGRATION_SCHEMA: &str = "3";

const SCHEMA_1: &str = r#"
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS accounts (
  id INTEGER PRIMARY KEY, name TEXT NOT NULL, main_number TEXT NOT NULL, federated_name TEXT NOT NULL,
  domain TEXT NOT NULL, created_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS sites (
  id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL, name TEXT NOT NULL, code TEXT NOT NULL,
  extension_number TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS extensions (
  id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL, number TEXT NOT NULL, type TEXT NOT NULL,
  status TEXT NOT NULL, first_name TEXT, last_name TEXT, name TEXT NOT NULL, email TEXT,
  department TEXT, job_title TEXT, mobile TEXT, site_id INTEGER, admin INTEGER NOT NULL DEFAULT 0,
  created_ms INTEGER NOT NULL, version INTEGER NOT NULL DEFAULT 1, data TEXT);
CREATE TABLE IF NOT EXISTS queue_members (
  queue_id INTEGER NOT NULL, extension_id INTEGER NOT NULL, PRIMARY KEY (queue_id, extension_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS phone_numbers (
  id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL, extension_id INTEGER, phone_number TEXT NOT NULL,
  usage_type TEXT NOT NULL, payment_type TEXT NOT NULL, type TEXT NOT NULL, features TEXT NOT NULL,
  label TEXT, status TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS devices (
  id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL, extension_id INTEGER, name TEXT NOT NULL,
  type TEXT NOT NULL, serial TEXT NOT NULL, model TEXT NOT NULL, status TEXT NOT NULL,
  phone_number_id INTEGER);
CREATE TABLE IF NOT EXISTS forwarding_numbers (
  id INTEGER PRIMARY KEY, extension_id INTEGER NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS answering_rules (
  extension_id INTEGER NOT NULL, id TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (extension_id, id));
CREATE TABLE IF NOT EXISTS paging_members (
  group_id INTEGER NOT NULL, kind TEXT NOT NULL, member_id INTEGER NOT NULL,
  PRIMARY KEY (group_id, kind, member_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS monitoring_groups (
  id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL, name TEXT NOT NULL, site_id INTEGER);
CREATE TABLE IF NOT EXISTS monitoring_members (
  group_id INTEGER NOT NULL, extension_id INTEGER NOT NULL, monitoring INTEGER NOT NULL,
  monitored INTEGER NOT NULL, PRIMARY KEY (group_id, extension_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS site_ivr (site_id INTEGER PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS presence (extension_id INTEGER PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS lazy_seeded (
  extension_id INTEGER NOT NULL, kind TEXT NOT NULL, PRIMARY KEY (extension_id, kind)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS messages (
  id INTEGER PRIMARY KEY, extension_id INTEGER NOT NULL, type TEXT NOT NULL, direction TEXT NOT NULL,
  read_status TEXT NOT NULL, availability TEXT NOT NULL, conversation_id INTEGER NOT NULL,
  created_ms INTEGER NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS call_log (
  id TEXT PRIMARY KEY, extension_id INTEGER NOT NULL, start_ms INTEGER NOT NULL, type TEXT NOT NULL,
  direction TEXT NOT NULL, active INTEGER NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ringouts (
  id TEXT PRIMARY KEY, extension_id INTEGER NOT NULL, ends_ms INTEGER NOT NULL,
  settled INTEGER NOT NULL DEFAULT 0, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS contacts (
  id INTEGER PRIMARY KEY, extension_id INTEGER NOT NULL, first_name TEXT, last_name TEXT, company TEXT,
  data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS chats (
  id TEXT PRIMARY KEY, seq INTEGER NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS chat_members (
  chat_id TEXT NOT NULL, extension_id INTEGER NOT NULL, PRIMARY KEY (chat_id, extension_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS posts (
  id TEXT PRIMARY KEY, chat_id TEXT NOT NULL, seq INTEGER NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tasks (
  id TEXT PRIMARY KEY, chat_id TEXT NOT NULL, seq INTEGER NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS bridges (
  id TEXT PRIMARY KEY, account_id INTEGER NOT NULL, extension_id INTEGER NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS subscriptions (
  id TEXT PRIMARY KEY, extension_id INTEGER NOT NULL, expires_ms INTEGER NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
  id TEXT PRIMARY KEY, client_id TEXT NOT NULL, account_id INTEGER NOT NULL, extension_id INTEGER NOT NULL,
  grant_type TEXT NOT NULL, scope TEXT NOT NULL, created_ms INTEGER NOT NULL, revoked INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS tokens (
  hash TEXT PRIMARY KEY, session_id TEXT NOT NULL, kind TEXT NOT NULL, pair_hash TEXT NOT NULL,
  expires_ms INTEGER NOT NULL, state TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS auth_codes (
  hash TEXT PRIMARY KEY, client_id TEXT NOT NULL, extension_id INTEGER NOT NULL, redirect_uri TEXT,
  challenge TEXT, challenge_method TEXT, scope TEXT NOT NULL, expires_ms INTEGER NOT NULL,
  used INTEGER NOT NULL DEFAULT 0);
"#;

/// How many prepared statements the connection keeps: more than the handlers use together.
const STATEMENT_CACHE: usize = 512;

/// Indexes, created after a fresh seed so that bulk inserts stay fast.
const INDEXES: &str = r#"
CREATE INDEX IF NOT EXISTS ext_account ON extensions(account_id, number);
CREATE INDEX IF NOT EXISTS ext_order ON extensions(account_id, length(number), number, id);
CREATE INDEX IF NOT EXISTS ext_email ON extensions(email COLLATE NOCASE);
CREATE INDEX IF NOT EXISTS ext_scim_user_name
  ON extensions(json_extract(data, '$.scimUserName') COLLATE NOCASE);
CREATE INDEX IF NOT EXISTS qm_ext ON queue_members(extension_id);
CREATE INDEX IF NOT EXISTS pg_member ON paging_members(kind, member_id);
CREATE INDEX IF NOT EXISTS mm_ext ON monitoring_members(extension_id);
CREATE INDEX IF NOT EXISTS pn_ext ON phone_numbers(extension_id);
CREATE INDEX IF NOT EXISTS pn_number ON phone_numbers(phone_number);
CREATE INDEX IF NOT EXISTS dev_ext ON devices(extension_id);
CREATE INDEX IF NOT EXISTS fn_ext ON forwarding_numbers(extension_id);
CREATE INDEX IF NOT EXISTS msg_ext ON messages(extension_id, created_ms);
CREATE INDEX IF NOT EXISTS msg_sms_from ON messages(
  extension_id, json_extract(data, '$.from.phoneNumber'), created_ms, id) WHERE type = 'SMS';
CREATE INDEX IF NOT EXISTS msg_sms_to ON messages(
  extension_id, json_extract(data, '$.to[0].phoneNumber'), created_ms, id) WHERE type = 'SMS';
CREATE INDEX IF NOT EXISTS ext_long_number ON extensions(account_id, CAST(number AS INTEGER))
  WHERE length(number) >= 4;
CREATE INDEX IF NOT EXISTS cl_ext ON call_log(extension_id, start_ms);
CREATE INDEX IF NOT EXISTS ct_ext ON contacts(extension_id);
CREATE INDEX IF NOT EXISTS cl_start ON call_log(active, start_ms);
CREATE INDEX IF NOT EXISTS ro_open ON ringouts(settled, ends_ms);
CREATE INDEX IF NOT EXISTS cm_ext ON chat_members(extension_id);
CREATE INDEX IF NOT EXISTS post_chat ON posts(chat_id, seq);
CREATE INDEX IF NOT EXISTS br_ext ON bridges(extension_id);
CREATE INDEX IF NOT EXISTS tok_session ON tokens(session_id);
"#;

/// The main account of the seeded company.
pub const MAIN_ACCOUNT_ID: i64 = 2_000_000_004;
/// The second account of the federation.
pub const FEDERATED_ACCOUNT_ID: i64 = 3_000_000_004;
/// Login email of the main account's administrator.
pub const ADMIN_EMAIL: &str = "admin@sandbox.example.com";

/// What fills the store: a new company, and each extension's data derived on first access
/// (mailbox, call log, address book). The store calls it without knowing how it seeds, so that
/// seeding (`crate::seed`) uses the store and the store never uses it.
pub(crate) trait Seeder: Send + Sync {
    /// Fills a store whose tables are empty, `meta` included.
    fn company(&self, tx: &Connection, seed: u64, users: usize, now_ms: i64) -> Result<()>;
    /// Adds the `kind` of data derived for one extension (`messages`, `calls`, `contacts`).
    fn lazy(
        &self,
        tx: &Connection,
        meta: &Meta,
        extension_id: i64,
        kind: &str,
        now_ms: i64,
    ) -> Result<()>;
    /// The extension whose derived call log holds the call `id`, if it is a seeded call.
    fn call_owner(&self, meta: &Meta, id: &str) -> Option<i64>;
}

/// What the sandbox was seeded with and the secrets it owns, kept with its state.
#[derive(Debug, Clone)]
pub struct Meta {
    pub seed: u64,
    pub users: usize,
    pub client_id: String,
    pub client_secret: SecretString,
    /// The key that signs the sandbox's JWT credentials.
    pub signing_key: SecretString,
    pub admin_id: i64,
}

/// The shared SQLite store.
pub struct Store {
    conn: Mutex<Connection>,
    meta: Meta,
    path: Option<PathBuf>,
    /// Rendered answers of hot reads, valid while the store has not changed.
    pub(crate) rendered: Memo<bytes::Bytes>,
    /// Access tokens as last read, keyed by hash; whether one is still valid is decided anew
    /// on every request.
    pub(crate) access_tokens: Memo<Option<tokens::AccessRow>>,
    /// Extensions as last read, keyed by id.
    extensions_read: Memo<Option<Extension>>,
    seeder: &'static dyn Seeder,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

impl Store {
    /// Opens the store, seeding a company first if it holds none. An existing data file keeps its
    /// state (and its original seed and size); `seed` and `users` only apply to a fresh one.
    pub fn open(
        data: Option<&Path>,
        seed: u64,
        users: usize,
        now_ms: i64,
        seeder: &'static dyn Seeder,
    ) -> Result<Store> {
        let conn = match data {
            Some(path) => {
                private_data_file(path)?;
                let c = Connection::open(path)?;
                c.busy_timeout(std::time::Duration::from_secs(10))?;
                c.pragma_update(None, "journal_mode", "WAL")?;
                c.pragma_update(None, "synchronous", "NORMAL")?;
                c
            }
            None => Connection::open_in_memory()?,
        };
        conn.pragma_update(None, "foreign_keys", "OFF")?;
        // Without the query planner stability guarantee SQLite marks many bound parameters as
        // able to change the plan, and then prepares the statement again whenever a new value
        // is bound: every cached statement was parsed and planned anew on every request. The
        // sandbox has no statistics for values to inform, so the plans are the same.
        conn.set_db_config(
            rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
            true,
        )?;
        // Never wipe a database that is not ours.
        let tables: i64 = conn.query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'",
            [],
            |r| r.get(0),
        )?;
        let has_meta: i64 = conn.query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'",
            [],
            |r| r.get(0),
        )?;
        if tables > 0 && has_meta == 0 {
            return Err(Error::NotASandbox(
                data.map(Path::to_path_buf).unwrap_or_default(),
            ));
        }
        let mut conn = conn;
        migrate(&mut conn, data)?;
        let seeded: i64 =
            conn.query_row("SELECT COUNT(*) FROM meta WHERE key = 'seed'", [], |r| {
                r.get(0)
            })?;
        if seeded == 0 {
            // A fresh store: tables, then the seed, then indexes.
            let tx = conn.transaction()?;
            seeder.company(&tx, seed, users, now_ms)?;
            tx.commit()?;
        }
        conn.execute_batch(INDEXES)?;
        // rusqlite keeps 16 prepared statements by default; the handlers use many more, and a
        // statement evicted by another operation's is prepared again on its next request.
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        let meta = read_meta(&conn, data)?;
        Ok(Store {
            conn: Mutex::new(conn),
            meta,
            path: data.map(Path::to_path_buf),
            rendered: Memo::default(),
            access_tokens: Memo::default(),
            extensions_read: Memo::default(),
            seeder,
        })
    }

    /// Whether the state lives in memory (no `--data` file), so that no other process can hold
    /// its locks.
    pub fn in_memory(&self) -> bool {
        self.path.is_none()
    }

    /// A number that grows whenever a row of the store changes (SQLite's count of changes on
    /// the one connection, triggers included), for results kept while it stands. None for a
    /// data file, which other processes may change.
    pub fn generation(&self) -> Option<u64> {
        self.in_memory().then(|| self.lock().total_changes())
    }

    pub fn meta(&self) -> &Meta {
        &self.meta
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite consistent (transactions roll back on drop),
        // so a poisoned lock is safe to keep using.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` on the connection.
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let conn = self.lock();
        f(&conn)
    }

    /// Runs `f` in a transaction, committed when `f` succeeds.
    pub fn write<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut conn = self.lock();
        // Take the write lock up front: another process on the same data file then waits for us
        // (busy timeout) instead of failing a deferred transaction halfway.
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// A fresh id for a created resource, never reused and never in a seeded range.
    pub fn next_id(tx: &Connection) -> Result<i64> {
        let id: i64 = tx.query_row(
            "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'next_id' RETURNING CAST(value AS INTEGER)",
            [],
            |r| r.get(0),
        )?;
        Ok(id)
    }
}

/// Makes sure the data file, which holds the app's client secret, signing key and tokens, is
/// readable by its owner only: missing folders are created 0700, the file (and any SQLite side
/// file already there) is created or tightened to 0600 before SQLite opens it. SQLite gives the
/// side files it creates later the main file's mode.
fn private_data_file(path: &Path) -> Result<()> {
    let fail = |p: &Path| {
        let p = p.to_path_buf();
        move |source| Error::DataFile { path: p, source }
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir).map_err(fail(dir))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    drop(options.open(path).map_err(fail(path))?);
    #[cfg(unix)]
    for suffix in ["", "-wal", "-shm", "-journal"] {
        use std::os::unix::fs::PermissionsExt;
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let p = PathBuf::from(p);
        match std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(Error::DataFile { path: p, source }),
        }
    }
    Ok(())
}

/// Brings the schema up to date, one migration per transaction.
fn migrate(conn: &mut Connection, data: Option<&Path>) -> Result<()> {
    let mut version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version == 0 {
        let has_meta: i64 = conn.query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'",
            [],
            |r| r.get(0),
        )?;
        let marker: Option<String> = match has_meta {
            0 => None,
            _ => conn
                .query_row("SELECT value FROM meta WHERE key = 'schema'", [], |r| {
                    r.get(0)
                })
                .optional()?,
        };
        match marker.as_deref() {
            Some(PRE_MIGRATION_SCHEMA) => {
                conn.pragma_update(None, "user_version", 1)?;
                version = 1;
            }
            // Tables of an unknown older layout (or a seed cut short): start afresh.
            _ if has_meta > 0 => drop_all(conn)?,
            _ => {}
        }
    }
    let known = MIGRATIONS.len();
    let current = usize::try_from(version).unwrap_or(usize::MAX);
    if current > known {
        return Err(Error::Config {
            setting: "data",
            reason: format!(
                "{} has schema version {current}, newer than this sandbox knows ({known}); upgrade ringctl",
                data.map(|p| p.display().to_string())
                    .unwrap_or_else(|| "the database".into())
            ),
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}

fn drop_all(conn: &Connection) -> Result<()> {
    let names: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for name in names {
        conn.execute_batch(&format!("DROP TABLE IF EXISTS \"{name}\""))?;
    }
    Ok(())
}

fn read_meta(conn: &Connection, data: Option<&Path>) -> Result<Meta> {
    let get = |key: &str| -> Result<String> {
        conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?
            .ok_or_else(|| Error::NotASandbox(data.map(Path::to_path_buf).unwrap_or_default()))
    };
    let num = |key: &str| -> Result<i64> {
        get(key)?
            .parse()
            .map_err(|_| Error::NotASandbox(data.map(Path::to_path_buf).unwrap_or_default()))
    };
    Ok(Meta {
        seed: num("seed")? as u64,
        users: num("users")? as usize,
        client_id: get("client_id")?,
        client_secret: SecretString::from(get("client_secret")?),
        signing_key: SecretString::from(get("signing_key")?),
        admin_id: num("admin_id")?,
    })
}

/// Deletes a data file and its SQLite side files.
pub fn remove_data_file(path: &Path) -> Result<()> {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let p = PathBuf::from(p);
        match std::fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(Error::DataFile { path: p, source }),
        }
    }
    Ok(())
}

/// Decodes a JSON column.
pub(crate) fn from_json<T: serde::de::DeserializeOwned>(
    what: &'static str,
    text: &str,
) -> Result<T> {
    serde_json::from_str(text).map_err(Error::corrupt(what))
}

/// Decodes the one JSON column of every row `sql` selects.
pub(crate) fn json_rows<T: serde::de::DeserializeOwned>(
    c: &Connection,
    what: &'static str,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<T>> {
    let mut st = c.prepare_cached(sql)?;
    let rows = st.query_map(params, |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for r in rows {
        out.push(from_json(what, &r?)?);
    }
    Ok(out)
}

/// Decodes the one JSON column of the row `sql` selects, if there is one.
pub(crate) fn json_row<T: serde::de::DeserializeOwned>(
    c: &Connection,
    what: &'static str,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<Option<T>> {
    let text: Option<String> = c
        .prepare_cached(sql)?
        .query_row(params, |r| r.get(0))
        .optional()?;
    text.map(|d| from_json(what, &d)).transpose()
}

/// Encodes a JSON column.
pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> String {
    // Our own plain structs always serialize.
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(store: &Store) -> Vec<(i64, String, String, String)> {
        store
            .all_extensions(&ExtensionFilter::default())
            .unwrap_or_default()
            .into_iter()
            .map(|e| (e.id, e.name, e.email.unwrap_or_default(), e.status))
            .collect()
    }

    #[test]
    fn the_seed_decides_the_company() -> Result<()> {
        let a = Store::open(None, 7, 40, 1_700_000_000_000, &crate::seed::Company)?;
        let b = Store::open(None, 7, 40, 1_700_000_000_000, &crate::seed::Company)?;
        let c = Store::open(None, 8, 40, 1_700_000_000_000, &crate::seed::Company)?;
        assert_eq!(names(&a), names(&b));
        assert_ne!(names(&a), names(&c));
        let admins: Vec<_> = a
            .all_extensions(&ExtensionFilter::default())?
            .into_iter()
            .filter(|e| e.admin)
            .collect();
        assert_eq!(admins.len(), 1, "exactly one administrator");
        assert_eq!(admins[0].email.as_deref(), Some(ADMIN_EMAIL));
        let sms = a.phone_numbers(MAIN_ACCOUNT_ID, Some(admins[0].id))?;
        assert!(sms.iter().any(PhoneNumber::can_send_sms));
        Ok(())
    }

    #[test]
    fn lazily_seeded_mailboxes_are_deterministic() -> Result<()> {
        let a = Store::open(None, 3, 20, 1_700_000_000_000, &crate::seed::Company)?;
        let b = Store::open(None, 3, 20, 1_700_000_000_000, &crate::seed::Company)?;
        let id = a.meta().admin_id + 4;
        let now = 1_700_000_100_000;
        let ma: Vec<_> = a
            .messages(id, &MessageFilter::default(), now)?
            .into_iter()
            .map(|m| (m.id, m.subject))
            .collect();
        let mb: Vec<_> = b
            .messages(id, &MessageFilter::default(), now)?
            .into_iter()
            .map(|m| (m.id, m.subject))
            .collect();
        assert!(!ma.is_empty());
        assert_eq!(ma, mb);
        // Seeding twice never duplicates.
        assert_eq!(
            a.messages(id, &MessageFilter::default(), now)?.len(),
            ma.len()
        );
        Ok(())
    }

    #[test]
    fn deleting_a_user_keeps_numbers_and_devices_on_an_unassigned_extension() -> Result<()> {
        let s = Store::open(None, 1, 10, 1_700_000_000_000, &crate::seed::Company)?;
        let victim = s.meta().admin_id + 2;
        let numbers = s.phone_numbers(MAIN_ACCOUNT_ID, Some(victim))?;
        let holder = s.delete_user_extension(victim, 1_700_000_000_001)?;
        let Some(holder) = holder else {
            panic!("user existed")
        };
        assert!(s.extension(victim)?.is_none());
        let kept = s.phone_numbers(MAIN_ACCOUNT_ID, Some(holder))?;
        assert_eq!(
            kept.iter().map(|p| p.id).collect::<Vec<_>>(),
            numbers.iter().map(|p| p.id).collect::<Vec<_>>()
        );
        assert_eq!(
            s.extension(holder)?.map(|e| e.status),
            Some("Unassigned".to_owned())
        );
        assert_eq!(s.delete_user_extension(victim, 1)?, None);
        Ok(())
    }
}

#[cfg(test)]
mod file_tests {
    use super::*;

    fn temp() -> Result<tempfile::TempDir> {
        tempfile::tempdir().map_err(|source| Error::DataFile {
            path: "tempdir".into(),
            source,
        })
    }

    /// A seeded data file holding one contact made after the seed: its id and the client id.
    fn seeded_with_a_contact(path: &Path) -> Result<(i64, i64, String)> {
        let store = Store::open(Some(path), 1, 5, 1_700_000_000_000, &crate::seed::Company)?;
        let owner = store.meta().admin_id;
        let mut fields = serde_json::Map::new();
        fields.insert("firstName".into(), serde_json::json!("Kept"));
        let saved = store.save_contact(&Contact {
            id: 0,
            extension_id: owner,
            fields,
        })?;
        Ok((owner, saved.id, store.meta().client_id.clone()))
    }

    fn user_version(path: &Path) -> Result<i64> {
        let c = Connection::open(path)?;
        Ok(c.pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    /// Rewinds a data file to how an older sandbox left it.
    fn rewind(path: &Path, version: i64) -> Result<()> {
        let c = Connection::open(path)?;
        c.execute_batch(&format!(
            "PRAGMA user_version = {version}; INSERT OR REPLACE INTO meta(key, value) VALUES ('schema', '{PRE_MIGRATION_SCHEMA}');"
        ))?;
        Ok(())
    }

    fn check_kept(path: &Path, owner: i64, id: i64, client_id: &str) -> Result<()> {
        let store = Store::open(Some(path), 9, 50, 1_700_000_000_000, &crate::seed::Company)?;
        let kept = store.contact(owner, id, 1_700_000_000_000)?;
        assert_eq!(
            kept.and_then(|c| c.field("firstName").map(str::to_owned)),
            Some("Kept".to_owned()),
            "the row made before the upgrade is still there"
        );
        assert_eq!(store.meta().client_id, client_id, "not reseeded");
        assert_eq!(store.meta().users, 5);
        drop(store);
        assert_eq!(user_version(path)?, MIGRATIONS.len() as i64);
        let c = Connection::open(path)?;
        let marker: Option<String> = c
            .query_row("SELECT value FROM meta WHERE key = 'schema'", [], |r| {
                r.get(0)
            })
            .optional()?;
        assert_eq!(marker, None);
        Ok(())
    }

    #[test]
    fn a_database_at_the_previous_version_is_migrated_keeping_its_rows() -> Result<()> {
        let dir = temp()?;
        let path = dir.path().join("sandbox.db");
        let (owner, id, client_id) = seeded_with_a_contact(&path)?;
        assert_eq!(user_version(&path)?, MIGRATIONS.len() as i64);
        rewind(&path, MIGRATIONS.len() as i64 - 1)?;
        check_kept(&path, owner, id, &client_id)
    }

    #[test]
    fn a_data_file_from_before_migrations_is_migrated_keeping_its_rows() -> Result<()> {
        let dir = temp()?;
        let path = dir.path().join("sandbox.db");
        let (owner, id, client_id) = seeded_with_a_contact(&path)?;
        // The last layout before migrations: no user_version, `meta.schema` "3".
        rewind(&path, 0)?;
        check_kept(&path, owner, id, &client_id)
    }

    #[test]
    fn a_newer_schema_is_refused_not_wiped() -> Result<()> {
        let dir = temp()?;
        let path = dir.path().join("sandbox.db");
        let (owner, id, _) = seeded_with_a_contact(&path)?;
        Connection::open(&path)?.pragma_update(None, "user_version", 99)?;
        assert!(matches!(
            Store::open(Some(&path), 1, 5, 0, &crate::seed::Company),
            Err(Error::Config {
                setting: "data",
                ..
            })
        ));
        Connection::open(&path)?.pragma_update(None, "user_version", MIGRATIONS.len() as i64)?;
        let store = Store::open(Some(&path), 1, 5, 0, &crate::seed::Company)?;
        assert!(store.contact(owner, id, 0)?.is_some());
        Ok(())
    }

    #[test]
    fn a_foreign_database_is_refused_not_wiped() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|source| Error::DataFile {
            path: "tempdir".into(),
            source,
        })?;
        let path = dir.path().join("other.db");
        {
            let c = Connection::open(&path)?;
            c.execute_batch(
                "CREATE TABLE precious (x INTEGER); INSERT INTO precious VALUES (42);",
            )?;
        }
        assert!(matches!(
            Store::open(Some(&path), 1, 5, 0, &crate::seed::Company),
            Err(Error::NotASandbox(_))
        ));
        let c = Connection::open(&path)?;
        let x: i64 = c.query_row("SELECT x FROM precious", [], |r| r.get(0))?;
        assert_eq!(x, 42);
        Ok(())
    }

    #[cfg(unix)]
    #[test]
    fn the_data_file_is_private_to_its_owner() -> Result<()> {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().map_err(|source| Error::DataFile {
            path: "tempdir".into(),
            source,
        })?;
        let mode = |p: &Path| -> Result<u32> {
            let m = std::fs::metadata(p).map_err(|source| Error::DataFile {
                path: p.to_path_buf(),
                source,
            })?;
            Ok(m.permissions().mode() & 0o777)
        };
        let nested = dir.path().join("a").join("b");
        let path = nested.join("sandbox.db");
        drop(Store::open(Some(&path), 1, 5, 0, &crate::seed::Company)?);
        assert_eq!(mode(&path)?, 0o600);
        assert_eq!(mode(&nested)?, 0o700);
        assert_eq!(mode(&dir.path().join("a"))?, 0o700);
        for suffix in ["-wal", "-shm"] {
            let side = PathBuf::from(format!("{}{suffix}", path.display()));
            if side.exists() {
                assert_eq!(mode(&side)?, 0o600, "{suffix}");
            }
        }

        // A file left readable by others is tightened when opened again.
        let loose = std::fs::Permissions::from_mode(0o644);
        std::fs::set_permissions(&path, loose).map_err(|source| Error::DataFile {
            path: path.clone(),
            source,
        })?;
        assert_eq!(mode(&path)?, 0o644);
        drop(Store::open(Some(&path), 1, 5, 0, &crate::seed::Company)?);
        assert_eq!(mode(&path)?, 0o600);
        Ok(())
    }
}
