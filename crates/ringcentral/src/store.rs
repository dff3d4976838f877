//! Token stores: where a connection's tokens live between processes, behind a trait so that an OS keyring
//! can back it; the file store writes atomically with mode 0600 and serializes refreshes across processes
//! with an advisory lock on a sibling lock file.

use std::{
    fmt,
    fs::{self, OpenOptions},
    io::{self, Write},
    path::{Path, PathBuf},
    sync::{Arc, Mutex},
};

use crate::{
    error::{Error, Result},
    token::{StoreContents, format_error},
};

/// Proof that this process holds a store's exclusive refresh lock; dropping it releases the lock.
pub struct StoreLock {
    _guard: Box<dyn Send + Sync>,
}

impl StoreLock {
    /// Wraps whatever releases the lock when dropped (a locked file, a mutex guard).
    pub fn new(guard: impl Send + Sync + 'static) -> StoreLock {
        StoreLock {
            _guard: Box::new(guard),
        }
    }
}

impl fmt::Debug for StoreLock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StoreLock")
    }
}

/// Where one connection's tokens are kept.
///
/// The runtime calls [`TokenStore::try_lock`] before it refreshes or replaces a token, then re-reads the
/// store with [`TokenStore::load`], so that a refresh token already rotated by another process is used and
/// never replayed. Implementations must make `save` atomic: a concurrent `load` sees the old or the new
/// contents, never a mix. The calls are short and synchronous.
pub trait TokenStore: Send + Sync + fmt::Debug {
    /// Reads the contents; an empty store gives `StoreContents::default()`.
    fn load(&self) -> Result<StoreContents>;
    /// Replaces the contents.
    fn save(&self, contents: &StoreContents) -> Result<()>;
    /// Takes the exclusive refresh lock without waiting: `None` when another holder has it.
    fn try_lock(&self) -> Result<Option<StoreLock>>;
    /// A short name for logs and errors (a path, a keyring entry).
    fn describe(&self) -> String;
}

/// A token store in one JSON file (e.g. `$RINGCTL_HOME/connections/<id>/token.json`), with its lock in
/// `<file>.lock` beside it. The directory is created with mode 0700 and the file with 0600.
#[derive(Debug, Clone)]
pub struct FileTokenStore {
    path: PathBuf,
    lock_path: PathBuf,
}

impl FileTokenStore {
    pub fn new(path: impl Into<PathBuf>) -> FileTokenStore {
        let path = path.into();
        let mut lock_name = path.file_name().unwrap_or_default().to_os_string();
        lock_name.push(".lock");
        let lock_path = path.with_file_name(lock_name);
        FileTokenStore { path, lock_path }
    }

    /// The token file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn io(&self, action: &'static str, source: io::Error) -> Error {
        Error::Store {
            path: self.path.clone(),
            action,
            source,
        }
    }

    fn ensure_dir(&self) -> Result<()> {
        let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) else {
            return Ok(());
        };
        if dir.is_dir() {
            return Ok(());
        }
        let mut builder = fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(0o700);
        }
        builder
            .create(dir)
            .map_err(|e| self.io("create its directory", e))
    }
}

fn private_file(options: &mut OpenOptions) -> &mut OpenOptions {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
}

impl TokenStore for FileTokenStore {
    fn load(&self) -> Result<StoreContents> {
        match fs::read_to_string(&self.path) {
            Ok(text) if text.trim().is_empty() => Ok(StoreContents::default()),
            Ok(text) => StoreContents::from_json(&text).map_err(|m| format_error(&self.path, m)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(StoreContents::default()),
            Err(e) => Err(self.io("read", e)),
        }
    }

    fn save(&self, contents: &StoreContents) -> Result<()> {
        use secrecy::ExposeSecret;
        self.ensure_dir()?;
        if contents.token.is_none() && contents.pending.is_none() {
            return match fs::remove_file(&self.path) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
                Err(e) => Err(self.io("remove", e)),
            };
        }
        // Write a sibling temp file and rename it over the target: readers in other processes see the old
        // or the new document, never a half-written one.
        let mut suffix = [0u8; 6];
        let _ = getrandom::fill(&mut suffix);
        let mut tmp_name = self.path.file_name().unwrap_or_default().to_os_string();
        tmp_name.push(format!(
            ".{}.{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}.tmp",
            std::process::id(),
            suffix[0],
            suffix[1],
            suffix[2],
            suffix[3],
            suffix[4],
            suffix[5]
        ));
        let tmp = self.path.with_file_name(tmp_name);
        let write = || -> io::Result<()> {
            let mut f = private_file(OpenOptions::new().write(true).create_new(true)).open(&tmp)?;
            f.write_all(contents.to_json().expose_secret().as_bytes())?;
            f.write_all(b"\n")?;
            f.sync_all()?;
            fs::rename(&tmp, &self.path)
        };
        write().map_err(|e| {
            let _ = fs::remove_file(&tmp);
            self.io("write", e)
        })
    }

    fn try_lock(&self) -> Result<Option<StoreLock>> {
        self.ensure_dir()?;
        // The lock file is never removed: deleting it would let two processes lock two different inodes.
        let file = private_file(OpenOptions::new().read(true).write(true).create(true))
            .truncate(false)
            .open(&self.lock_path)
            .map_err(|e| self.io("open the lock file", e))?;
        match file.try_lock() {
            Ok(()) => Ok(Some(StoreLock::new(file))),
            Err(fs::TryLockError::WouldBlock) => Ok(None),
            Err(fs::TryLockError::Error(e)) => Err(self.io("lock", e)),
        }
    }

    fn describe(&self) -> String {
        self.path.display().to_string()
    }
}

/// A token store in memory, for one process (tests, the embedded sandbox, short-lived tools).
#[derive(Debug, Default, Clone)]
pub struct MemoryTokenStore {
    contents: Arc<Mutex<StoreContents>>,
    locked: Arc<Mutex<bool>>,
}

impl MemoryTokenStore {
    pub fn new() -> MemoryTokenStore {
        MemoryTokenStore::default()
    }
}

struct MemoryLock(Arc<Mutex<bool>>);

impl Drop for MemoryLock {
    fn drop(&mut self) {
        if let Ok(mut held) = self.0.lock() {
            *held = false;
        }
    }
}

impl TokenStore for MemoryTokenStore {
    fn load(&self) -> Result<StoreContents> {
        Ok(self
            .contents
            .lock()
            .map(|c| c.clone())
            .unwrap_or_else(|p| p.into_inner().clone()))
    }

    fn save(&self, contents: &StoreContents) -> Result<()> {
        match self.contents.lock() {
            Ok(mut c) => *c = contents.clone(),
            Err(p) => *p.into_inner() = contents.clone(),
        }
        Ok(())
    }

    fn try_lock(&self) -> Result<Option<StoreLock>> {
        let mut held = self.locked.lock().unwrap_or_else(|p| p.into_inner());
        if *held {
            return Ok(None);
        }
        *held = true;
        Ok(Some(StoreLock::new(MemoryLock(self.locked.clone()))))
    }

    fn describe(&self) -> String {
        "memory".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::Token;
    use secrecy::{ExposeSecret, SecretString};

    fn token(access: &str) -> Token {
        Token::new(
            SecretString::from(access),
            Some(SecretString::from("r")),
            chrono::Utc::now(),
        )
    }

    #[test]
    fn file_store_round_trips_with_private_mode() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|e| Error::input(e.to_string()))?;
        let store = FileTokenStore::new(dir.path().join("connections/c1/token.json"));
        assert!(
            store.load()?.token.is_none(),
            "a missing file is an empty store"
        );
        store.save(&StoreContents {
            token: Some(token("A")),
            pending: None,
        })?;
        let loaded = store.load()?.token.map(|t| t.access_token);
        assert_eq!(loaded.as_ref().map(|s| s.expose_secret()), Some("A"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(store.path())
                .map_err(|e| Error::input(e.to_string()))?
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let leftovers = fs::read_dir(dir.path().join("connections/c1"))
            .map_err(|e| Error::input(e.to_string()))?
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .count();
        assert_eq!(leftovers, 0);
        store.save(&StoreContents::default())?;
        assert!(!store.path().exists(), "an empty store removes its file");
        Ok(())
    }

    #[test]
    fn corrupted_file_is_a_clear_error() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|e| Error::input(e.to_string()))?;
        let path = dir.path().join("token.json");
        fs::write(&path, "{not json").map_err(|e| Error::input(e.to_string()))?;
        let err = FileTokenStore::new(&path).load().err();
        assert!(
            matches!(err, Some(Error::StoreFormat { .. })),
            "got {err:?}"
        );
        Ok(())
    }

    #[test]
    fn lock_is_exclusive_until_dropped() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|e| Error::input(e.to_string()))?;
        let a = FileTokenStore::new(dir.path().join("token.json"));
        let b = FileTokenStore::new(dir.path().join("token.json"));
        let held = a.try_lock()?;
        assert!(held.is_some());
        assert!(
            b.try_lock()?.is_none(),
            "a second handle must not get the lock"
        );
        drop(held);
        assert!(b.try_lock()?.is_some());

        let m = MemoryTokenStore::new();
        let held = m.try_lock()?;
        assert!(held.is_some() && m.try_lock()?.is_none());
        drop(held);
        assert!(m.try_lock()?.is_some());
        Ok(())
    }
}
