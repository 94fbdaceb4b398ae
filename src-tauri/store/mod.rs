//! The SQLite cache: sources, entries, their content, the reader's state and the search index.
//!
//! Opened deliberately (STYLE.md #11): WAL, `synchronous=NORMAL`, foreign keys, a busy timeout, and
//! numbered forward-only migrations applied each in one transaction with `PRAGMA user_version`. A
//! database written by a newer Offprint is refused before anything touches the file.

mod entries;
mod images;
mod query;
mod retention;
mod settings;
mod sources;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension};

use crate::error::{Error, Result};
use crate::sanitize::SANITIZER_VERSION;

pub use entries::{FeedFacts, FetchRecord, KnownEntries, KnownEntry};
pub use images::{ImageFile, MAX_ATTEMPTS, PendingPicture};
pub use retention::Retention;
pub use sources::{ImportReport, Imported, NewSource, SourceSettings, SourceTarget};

/// The migrations, in order; the schema version is the number applied. Never edit a shipped one.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_initial.sql"),
    include_str!("migrations/0002_meta.sql"),
    include_str!("migrations/0003_settings.sql"),
    include_str!("migrations/0004_offline.sql"),
    include_str!("migrations/0005_manage.sql"),
];

/// Name of the database file inside the data directory.
pub const DB_FILE: &str = "offprint.sqlite3";

/// A connection to the cache. One writer at a time; readers may open their own.
pub struct Store {
    conn: Connection,
    /// Where the pictures' files are: `images/` beside the database file.
    images_dir: PathBuf,
}

impl Store {
    /// Opens (creating if needed) the cache in `data_dir`.
    pub fn open_in(data_dir: &Path) -> Result<Store> {
        if data_dir.exists() && !data_dir.is_dir() {
            return Err(Error::InvalidArgument(format!(
                "the data directory {} is a file, not a directory",
                data_dir.display()
            )));
        }
        std::fs::create_dir_all(data_dir)
            .map_err(|e| Error::io(format!("cannot create the data directory {}", data_dir.display()), e))?;
        Store::open(&data_dir.join(DB_FILE))
    }

    /// Opens (creating if needed) the cache file at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store> {
        Store::open_unchecked(path).map_err(|e| match e {
            Error::Db(source) => Error::DbOpen { path: path.display().to_string(), source },
            other => other,
        })
    }

    /// The folder of the pictures' files.
    pub fn images_dir(&self) -> &Path {
        &self.images_dir
    }

    fn open_unchecked(path: &Path) -> Result<Store> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut conn = Connection::open_with_flags(path, flags)?;
        conn.busy_timeout(Duration::from_secs(10))?;
        // Look before changing anything: a newer schema must find its file exactly as it left it.
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let supported = MIGRATIONS.len() as i64;
        if version > supported {
            return Err(Error::SchemaTooNew { path: path.display().to_string(), found: version, supported });
        }
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        migrate(&mut conn, version)?;
        let images_dir = crate::pictures::images_dir(path.parent().unwrap_or(Path::new(".")));
        let store = Store { conn, images_dir };
        store.plan_resanitize()?;
        Ok(store)
    }

    /// After the sanitizer policy changed, forgets every source's validators and body hash so the next
    /// sync reads each feed again and cleans its entries with the new policy (the upsert rewrites a body
    /// whose `sanitizer_version` is old even when the feed did not change it).
    fn plan_resanitize(&self) -> Result<()> {
        let stored: Option<i64> = self
            .conn
            .query_row("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'sanitizer_version'", [], |r| r.get(0))
            .optional()?;
        if stored.is_some_and(|v| v >= SANITIZER_VERSION) {
            return Ok(());
        }
        let tx = self.conn.unchecked_transaction()?;
        if stored.is_some() {
            tx.execute("UPDATE sources SET etag = NULL, last_modified = NULL, body_hash = NULL", [])?;
        }
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('sanitizer_version', ?1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [SANITIZER_VERSION.to_string()],
        )?;
        tx.commit()?;
        Ok(())
    }
}

fn migrate(conn: &mut Connection, from: i64) -> Result<()> {
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(from as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

/// Now, in Unix seconds.
pub(crate) fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Unix seconds to the RFC 3339 form every interface shows.
pub(crate) fn rfc3339(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0).map(crate::model::format_time).unwrap_or_default()
}

#[cfg(test)]
mod tests;
