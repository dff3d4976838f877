//! Where ringctl keeps its state, and the registry of connections.
//!
//! Everything lives under the platform's config and data directories, or under `$RINGCTL_HOME` when
//! it is set. The registry (`connections.json`) holds no secret; each connection's client secret and
//! JWT credential live in `connections/<id>/secrets.json` and its tokens in
//! `connections/<id>/token.json`, both mode 0600, written atomically, in folders of mode 0700. The
//! connection formed by the `RC_*` variables keeps only its tokens, under
//! `<data>/env/<hash of server and client id>/`.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::exit::{CliError, CliResult, Exit};

/// The folder, inside a connection's, of a browser login waiting for its code.
const STAGING: &str = ".login";
/// The folder in which an accepted login waits, complete, while it replaces a connection's old
/// secrets, tokens and registry entry. Its appearance (one rename) is the moment the login takes
/// effect; a process killed after it is finished by the next one.
const ACCEPTED: &str = ".accepted";

/// The id and name of the embedded sandbox connection.
pub const SANDBOX_ID: &str = "sandbox";
/// The server of the embedded sandbox connection (started in-process on demand).
pub const EMBEDDED: &str = "embedded";

#[derive(Debug, Clone)]
pub struct Home {
    pub config: PathBuf,
    pub data: PathBuf,
}

impl Home {
    pub fn resolve() -> CliResult<Home> {
        if let Some(dir) = std::env::var_os("RINGCTL_HOME").filter(|d| !d.is_empty()) {
            let dir = PathBuf::from(dir);
            return Ok(Home {
                config: dir.clone(),
                data: dir.join("data"),
            });
        }
        let dirs =
            directories::ProjectDirs::from("dev", "ringctl", "ringctl").ok_or_else(|| {
                CliError::usage("cannot find a home directory for ringctl's configuration")
                    .hint("Set RINGCTL_HOME to a directory ringctl may use.")
            })?;
        Ok(Home {
            config: dirs.config_dir().to_path_buf(),
            data: dirs.data_dir().to_path_buf(),
        })
    }

    fn registry_path(&self) -> PathBuf {
        self.config.join("connections.json")
    }

    pub fn connection_dir(&self, id: &str) -> PathBuf {
        self.config.join("connections").join(id)
    }

    pub fn token_path(&self, id: &str) -> PathBuf {
        self.connection_dir(id).join("token.json")
    }

    fn secrets_path(&self, id: &str) -> PathBuf {
        self.connection_dir(id).join("secrets.json")
    }

    /// Where a browser login keeps what it will swap in once the server accepted it.
    pub fn staging_dir(&self, id: &str) -> PathBuf {
        self.connection_dir(id).join(STAGING)
    }

    /// Where an accepted login waits while it is swapped in.
    pub fn accepted_dir(&self, id: &str) -> PathBuf {
        self.connection_dir(id).join(ACCEPTED)
    }

    /// Connections whose accepted login was not fully swapped in: a process was killed mid-swap.
    pub fn unfinished_swaps(&self) -> Vec<String> {
        let Ok(entries) = fs::read_dir(self.config.join("connections")) else {
            return Vec::new();
        };
        let mut ids: Vec<String> = entries
            .filter_map(Result::ok)
            .filter_map(|e| e.file_name().to_str().map(str::to_string))
            .filter(|id| !id.starts_with('.') && self.accepted_dir(id).is_dir())
            .collect();
        ids.sort();
        ids
    }

    /// The token cache of the connection the `RC_*` variables form, keyed by its hashed key.
    pub fn env_dir(&self, key: &str) -> PathBuf {
        self.data.join("env").join(key)
    }

    /// The token file of any connection: the environment's lives under the data directory.
    pub fn token_file(&self, connection: &Connection) -> PathBuf {
        match connection.kind {
            Kind::Environment => self.env_dir(&connection.id).join("token.json"),
            _ => self.token_path(&connection.id),
        }
    }

    /// Folders under `connections/` that no registered connection owns: what an interrupted first
    /// login leaves behind. `connection list` shows them and `connection remove` deletes them.
    pub fn orphans(&self, registry: &Registry) -> Vec<String> {
        let Ok(entries) = fs::read_dir(self.config.join("connections")) else {
            return Vec::new();
        };
        let mut ids: Vec<String> = entries
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .filter_map(|e| e.file_name().to_str().map(str::to_string))
            .filter(|id| !id.starts_with('.') && !registry.connections.iter().any(|c| &c.id == id))
            .collect();
        ids.sort();
        ids
    }

    /// The embedded sandbox's database.
    pub fn sandbox_data(&self, id: &str) -> PathBuf {
        self.data.join("sandbox").join(format!("{id}.db"))
    }

    /// Reads the registry, applies `change` and writes it back, holding a lock so that two
    /// ringctl processes never lose each other's changes.
    pub fn update<T>(&self, change: impl FnOnce(&mut Registry) -> CliResult<T>) -> CliResult<T> {
        create_private_dir(&self.config)?;
        let lock_path = self.config.join("connections.lock");
        let mut options = OpenOptions::new();
        options.create(true).truncate(false).write(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let lock = options
            .open(&lock_path)
            .map_err(|e| io_error("open", &lock_path, e))?;
        lock.lock().map_err(|e| io_error("lock", &lock_path, e))?;
        let mut registry = self.registry()?;
        let value = change(&mut registry)?;
        let text = serde_json::to_string_pretty(&registry).map_err(|e| {
            CliError::failure(format!("cannot encode the connection registry: {e}"))
        })?;
        write_private(&self.registry_path(), text.as_bytes())?;
        drop(lock);
        Ok(value)
    }

    pub fn registry(&self) -> CliResult<Registry> {
        let path = self.registry_path();
        match fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| {
                CliError::failure(format!(
                    "{} is not a valid connection registry: {e}",
                    path.display()
                ))
                .hint("Fix or remove the file; it holds no secrets.")
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Registry::default()),
            Err(e) => Err(io_error("read", &path, e)),
        }
    }

    /// Stores a connection's secrets, replacing whatever it had, and says where they went: the OS
    /// keyring when one answers, else a 0600 file.
    pub fn save_secrets(&self, id: &str, secrets: &Secrets) -> CliResult<SecretStore> {
        create_private_dir(&self.connection_dir(id))?;
        if os_keyring::enabled() {
            let text = encode_secrets(secrets)?;
            if os_keyring::set(&self.keyring_user(id), &text).is_ok() {
                // Only one copy: a file left from before would outlive the keyring entry.
                remove_file_if_any(&self.secrets_path(id))?;
                return Ok(SecretStore::Keyring);
            }
        }
        write_secrets_file(&self.secrets_path(id), secrets)?;
        Ok(SecretStore::File)
    }

    /// A connection's stored secrets, from the keyring or its file (none stored is not an error).
    pub fn secrets(&self, id: &str) -> CliResult<Secrets> {
        if os_keyring::enabled()
            && let Ok(Some(text)) = os_keyring::get(&self.keyring_user(id))
        {
            return decode_secrets(&text, &format!("the keyring entry of `{id}`"));
        }
        read_secrets_file(&self.secrets_path(id))
    }

    /// Deletes a connection's stored secrets, wherever they are, and says which there were
    /// (`client secret`, `JWT`).
    pub fn delete_secrets(&self, id: &str) -> CliResult<Vec<&'static str>> {
        let held = self.secrets(id).unwrap_or_default();
        if os_keyring::enabled() {
            let _ = os_keyring::delete(&self.keyring_user(id));
        }
        remove_file_if_any(&self.secrets_path(id))?;
        Ok(held.names())
    }

    /// Where a connection's secrets are kept, in words, when it has any.
    pub fn secrets_kept_in(&self, id: &str) -> Option<(SecretStore, String)> {
        let user = self.keyring_user(id);
        if os_keyring::enabled() && matches!(os_keyring::get(&user), Ok(Some(_))) {
            return Some((
                SecretStore::Keyring,
                format!(
                    "the OS keyring (service `{}`, account `{user}`)",
                    os_keyring::SERVICE
                ),
            ));
        }
        let path = self.secrets_path(id);
        path.exists()
            .then(|| (SecretStore::File, format!("the file {}", path.display())))
    }

    /// Where this home keeps new secrets.
    pub fn secret_store(&self) -> SecretStore {
        if os_keyring::enabled() {
            SecretStore::Keyring
        } else {
            SecretStore::File
        }
    }

    /// A connection's account in the keyring: its id and a hash of this home's folder, so that
    /// two homes (`RINGCTL_HOME`) never share an entry.
    fn keyring_user(&self, id: &str) -> String {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(self.config.to_string_lossy().as_bytes());
        let home: String = digest.iter().take(4).map(|b| format!("{b:02x}")).collect();
        format!("{id}@{home}")
    }

    /// Forgets the token cache of the connection the `RC_*` variables form.
    pub fn remove_env_cache(&self, id: &str) -> CliResult<()> {
        let dir = self.env_dir(id);
        match fs::remove_dir_all(&dir) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(io_error("remove", &dir, e)),
        }
    }

    /// Forgets everything stored for a connection.
    pub fn remove_connection_files(&self, id: &str) -> CliResult<()> {
        let dir = self.connection_dir(id);
        match fs::remove_dir_all(&dir) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(io_error("remove", &dir, e)),
        }
    }
}

/// How a connection authenticates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// JWT bearer grant; the JWT credential is kept so that ringctl can log in again by itself.
    Jwt,
    /// Authorization code with PKCE; when the refresh token expires the user logs in again.
    Browser,
    /// The embedded sandbox, started in-process on demand.
    Sandbox,
    /// Formed by the `RC_*` variables for the one command: never registered, no login.
    Environment,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Connection {
    pub id: String,
    pub name: String,
    pub kind: Kind,
    /// The API server, or `embedded` for the embedded sandbox.
    pub server: String,
    pub client_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_id: Option<String>,
    pub created_at: DateTime<Utc>,
    /// For the embedded sandbox: the size of its seeded company.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sandbox_users: Option<usize>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Registry {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// The connection whose browser login waits for `ringctl login complete CODE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_login: Option<String>,
    #[serde(default)]
    pub connections: Vec<Connection>,
}

impl Registry {
    /// A connection by id, then by name (ignoring case).
    pub fn find(&self, name_or_id: &str) -> Option<&Connection> {
        self.connections
            .iter()
            .find(|c| c.id == name_or_id)
            .or_else(|| {
                self.connections
                    .iter()
                    .find(|c| c.name.eq_ignore_ascii_case(name_or_id))
            })
    }

    pub fn default_connection(&self) -> Option<&Connection> {
        self.default
            .as_deref()
            .and_then(|id| self.find(id))
            .or(match self.connections.as_slice() {
                [only] => Some(only),
                _ => None,
            })
    }

    /// Adds or replaces (by id) a connection; the first connection becomes the default.
    pub fn upsert(&mut self, connection: Connection) {
        self.connections.retain(|c| c.id != connection.id);
        if self.default.is_none() {
            self.default = Some(connection.id.clone());
        }
        self.connections.push(connection);
    }

    pub fn remove(&mut self, id: &str) -> Option<Connection> {
        let index = self.connections.iter().position(|c| c.id == id)?;
        let removed = self.connections.remove(index);
        if self.default.as_deref() == Some(id) {
            self.default = self.connections.first().map(|c| c.id.clone());
        }
        if self.pending_login.as_deref() == Some(id) {
            self.pending_login = None;
        }
        Some(removed)
    }

    /// A fresh id derived from a name: `name`, or `name-2`, `name-3`... when taken.
    pub fn fresh_id(&self, name: &str) -> String {
        let base: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        let base = base.trim_matches('-');
        let base = if base.is_empty() { "connection" } else { base };
        if self.find(base).is_none() {
            return base.to_string();
        }
        (2..)
            .map(|n| format!("{base}-{n}"))
            .find(|id| self.find(id).is_none())
            .unwrap_or_else(|| base.to_string())
    }
}

/// A connection's secrets, never printed.
#[derive(Default, Clone)]
pub struct Secrets {
    pub client_secret: Option<SecretString>,
    pub jwt: Option<SecretString>,
}

impl Secrets {
    /// Which secrets these are, as `logout` and `connection remove` report them.
    pub fn names(&self) -> Vec<&'static str> {
        let mut names = Vec::new();
        if self.client_secret.is_some() {
            names.push("client secret");
        }
        if self.jwt.is_some() {
            names.push("JWT");
        }
        names
    }
}

/// Where a home keeps connections' secrets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretStore {
    /// The operating system's keyring (Secret Service, Keychain, Credential Manager).
    Keyring,
    /// `secrets.json` files of mode 0600 in the connections' folders.
    File,
}

impl SecretStore {
    pub fn name(self) -> &'static str {
        match self {
            SecretStore::Keyring => "keyring",
            SecretStore::File => "file",
        }
    }
}

fn encode_secrets(secrets: &Secrets) -> CliResult<String> {
    let stored = StoredSecrets {
        client_secret: secrets
            .client_secret
            .as_ref()
            .map(|s| s.expose_secret().to_string()),
        jwt: secrets.jwt.as_ref().map(|s| s.expose_secret().to_string()),
    };
    serde_json::to_string(&stored)
        .map_err(|e| CliError::failure(format!("cannot encode secrets: {e}")))
}

fn decode_secrets(text: &str, what: &str) -> CliResult<Secrets> {
    let stored: StoredSecrets = serde_json::from_str(text).map_err(|e| {
        CliError::new(Exit::Auth, format!("{what} is unreadable: {e}"))
            .hint("Log in again with `ringctl login`.")
    })?;
    Ok(Secrets {
        client_secret: stored.client_secret.map(SecretString::from),
        jwt: stored.jwt.map(SecretString::from),
    })
}

/// Writes secrets as a 0600 JSON file.
pub fn write_secrets_file(path: &Path, secrets: &Secrets) -> CliResult<()> {
    write_private(path, encode_secrets(secrets)?.as_bytes())
}

/// Reads a secrets file; a missing one holds no secrets.
pub fn read_secrets_file(path: &Path) -> CliResult<Secrets> {
    match fs::read_to_string(path) {
        Ok(text) => decode_secrets(&text, &path.display().to_string()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Secrets::default()),
        Err(e) => Err(io_error("read", path, e)),
    }
}

fn remove_file_if_any(path: &Path) -> CliResult<()> {
    match fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io_error("remove", path, e)),
    }
}

/// The OS keyring, where the platform has one ringctl is built for. `RINGCTL_KEYRING=off` turns it
/// off; otherwise it is used when it answers a first lookup, which also tells a keyring that is
/// not running (no Secret Service on a headless Linux box) from one that is, once per process.
#[cfg(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "macos",
    windows
))]
mod os_keyring {
    use std::sync::OnceLock;

    pub const SERVICE: &str = "ringctl";

    pub fn enabled() -> bool {
        static ENABLED: OnceLock<bool> = OnceLock::new();
        *ENABLED.get_or_init(|| {
            let off = std::env::var("RINGCTL_KEYRING").is_ok_and(|v| {
                matches!(
                    v.trim().to_ascii_lowercase().as_str(),
                    "off" | "0" | "false" | "no" | "file"
                )
            });
            !off && get("availability-check").is_ok()
        })
    }

    fn entry(user: &str) -> Result<keyring::Entry, keyring::Error> {
        keyring::Entry::new(SERVICE, user)
    }

    /// The text stored for `user`; `None` when there is no entry.
    pub fn get(user: &str) -> Result<Option<String>, keyring::Error> {
        match entry(user)?.get_password() {
            Ok(text) => Ok(Some(text)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(e),
        }
    }

    pub fn set(user: &str, text: &str) -> Result<(), keyring::Error> {
        entry(user)?.set_password(text)
    }

    pub fn delete(user: &str) -> Result<(), keyring::Error> {
        match entry(user)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(e),
        }
    }
}

/// Platforms without a keyring ringctl is built for keep secrets in files.
#[cfg(not(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "macos",
    windows
)))]
mod os_keyring {
    pub const SERVICE: &str = "ringctl";

    pub fn enabled() -> bool {
        false
    }

    pub fn get(_user: &str) -> Result<Option<String>, ()> {
        Ok(None)
    }

    pub fn set(_user: &str, _text: &str) -> Result<(), ()> {
        Err(())
    }

    pub fn delete(_user: &str) -> Result<(), ()> {
        Ok(())
    }
}

#[derive(Serialize, Deserialize)]
struct StoredSecrets {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    client_secret: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    jwt: Option<String>,
}

pub fn io_error(action: &str, path: &Path, e: std::io::Error) -> CliError {
    CliError::failure(format!("cannot {action} {}: {e}", path.display()))
        .hint("Check the permissions of ringctl's directory, or set RINGCTL_HOME.")
}

/// Creates a folder (and its missing parents) readable by its owner only. Folders that existed
/// before are tightened too when they are ringctl's own (`connections/` and those below it).
pub fn create_private_dir(dir: &Path) -> CliResult<()> {
    fs::create_dir_all(dir).map_err(|e| io_error("create", dir, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = fs::set_permissions(dir, fs::Permissions::from_mode(0o700));
        if let Some(parent) = dir.parent()
            && parent.file_name().is_some_and(|n| n == "connections")
        {
            let _ = fs::set_permissions(parent, fs::Permissions::from_mode(0o700));
        }
    }
    Ok(())
}

/// Writes a file readable by its owner only, atomically (a temporary file renamed over the old one).
pub fn write_private(path: &Path, bytes: &[u8]) -> CliResult<()> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    create_private_dir(dir)?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("file"),
        std::process::id()
    ));
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let result = (|| -> std::io::Result<()> {
        let mut file: File = options.open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(io_error("write", path, e));
    }
    Ok(())
}
