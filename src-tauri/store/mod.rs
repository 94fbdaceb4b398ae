//! The SQLite cache: sources, entries, their content, the reader's state and the search index.
//!
//! Opened deliberately (STYLE.md #11): WAL, `synchronous=NORMAL`, foreign keys, a busy timeout that
//! every write waits with (transactions begin `IMMEDIATE`), and numbered forward-only migrations applied
//! each in one transaction with `PRAGMA user_version`. A database written by a newer Offprint is refused
//! before anything touches the file.
//!
//! A cache file that SQLite says is not a database, or that fails its quick check, is renamed aside
//! (with its `-wal` and `-shm`) to `offprint.sqlite3.damaged-<UTC time>`, never deleted, and the open
//! fails with [`Error::Damaged`]; the next open starts a new cache. A file that is only locked, read-only
//! or unreadable is not damaged: it is left exactly where and as it is.
//!
//! The quick check reads the whole file (over a second for 100,000 entries), so an open runs it only
//! when it is due: on a cache never checked (new, or from a version that did not record it), a day after
//! the last check passed, or after a command met damage SQLite found on its own (a page it could not
//! read): [`Store::note_damage`] leaves `offprint.sqlite3.check` beside the file for the next open.

mod checkpoint;
mod entries;
mod images;
mod query;
mod retention;
mod settings;
mod sources;

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::config::DbConfig;
use rusqlite::{Connection, MAIN_DB, OpenFlags, OptionalExtension, TransactionBehavior, ffi};

use crate::error::{Error, Result, is_damage, is_transient};
use crate::sanitize::SANITIZER_VERSION;
use crate::text::html_to_text;
use query::SEARCH_FOLD_VERSION;

use checkpoint::Checkpointer;
use entries::SearchRows;
pub use entries::{FeedFacts, FetchRecord, KnownEntries, KnownEntry};
pub use images::{ImageFile, MAX_ATTEMPTS, PendingPicture};
pub use query::SearchWords;
pub use retention::Retention;
pub use sources::{ImportReport, Imported, NewSource, SourceSettings, SourceTarget};

/// The migrations, in order; the schema version is the number applied. Never edit a shipped one.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_initial.sql"),
    include_str!("migrations/0002_meta.sql"),
    include_str!("migrations/0003_settings.sql"),
    include_str!("migrations/0004_offline.sql"),
    include_str!("migrations/0005_manage.sql"),
    include_str!("migrations/0006_counts.sql"),
    include_str!("migrations/0007_search_words.sql"),
    include_str!("migrations/0008_text_from_html.sql"),
    include_str!("migrations/0009_search_without_positions.sql"),
];

/// How long a statement waits for another connection's write lock before it reports the cache locked.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Name of the database file inside the data directory.
pub const DB_FILE: &str = "offprint.sqlite3";

/// How long a passed quick check is trusted when nothing suggested damage since.
const CHECK_EVERY_SECS: i64 = 24 * 3600;
/// Added to the database file's name: the file that asks the next open to check the cache.
const CHECK_DUE: &str = ".check";

/// A connection to the cache. One writer at a time; readers may open their own.
pub struct Store {
    /// Declared before `conn`: its thread stops, and its connection closes, before `conn` closes.
    _checkpointer: Option<Checkpointer>,
    conn: Connection,
    /// The database file, as it was named when opened (SQLite's own name for it may resolve links).
    path: PathBuf,
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
        // A file where a folder of the path should be: say which, rather than "Not a directory".
        if let Some(file) = data_dir.ancestors().skip(1).find(|a| a.is_file()) {
            return Err(Error::InvalidArgument(format!(
                "cannot create the data directory {}: {} is a file, not a directory",
                data_dir.display(),
                file.display()
            )));
        }
        std::fs::create_dir_all(data_dir)
            .map_err(|e| Error::io(format!("cannot create the data directory {}", data_dir.display()), e))?;
        Store::open(&data_dir.join(DB_FILE))
    }

    /// Opens (creating if needed) the cache file at `path` and brings its schema up to date. A damaged
    /// file is set aside (see the module's header) and reported as [`Error::Damaged`].
    pub fn open(path: &Path) -> Result<Store> {
        let started = Instant::now();
        let mut pause = Duration::from_millis(5);
        loop {
            match Store::open_unchecked(path) {
                // Processes opening the cache together can meet SQLite's answers that do not wait out the
                // busy timeout: `journal_mode = WAL` finding another connection in the file, the last
                // connection of another process folding its log in as it closes, a quick check whose
                // schema another process just migrated. Each lasts a moment; the open starts over (every
                // step of it may run twice) until the busy timeout has passed. A writer holding the lock
                // longer has been waited for already, and is reported as the lock it is.
                Err(Error::Db(source)) if is_transient(&source) && started.elapsed() < BUSY_TIMEOUT => {
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_millis(100));
                }
                Ok(store) => return Ok(store),
                // The connection is closed by now, so the files can be renamed on every platform.
                Err(Error::Db(source)) if is_damage(&source) => return Err(set_aside(path, &source)),
                Err(Error::Db(source)) => return Err(Error::DbOpen { path: path.display().to_string(), source }),
                Err(other) => return Err(other),
            }
        }
    }

    /// The folder of the pictures' files.
    pub fn images_dir(&self) -> &Path {
        &self.images_dir
    }

    /// See [`note_damage`].
    pub fn note_damage(&self, error: &Error) {
        note_damage(&self.path, error);
    }

    /// A second connection to this cache (the window reads on one while it writes on the other). The
    /// file was checked, migrated and readied when this one opened, so none of that is done again: the
    /// quick check alone reads the whole file.
    pub fn another_connection(&self) -> Result<Store> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut conn = Connection::open_with_flags(&self.path, flags)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.set_transaction_behavior(TransactionBehavior::Immediate);
        ready_connection(&conn)?;
        // The window only reads on it: the few commits it may make checkpoint by themselves, and no thread
        // races the writer's for the log.
        checkpoint::in_commits(&conn)?;
        Ok(Store { _checkpointer: None, conn, path: self.path.clone(), images_dir: self.images_dir.clone() })
    }

    fn open_unchecked(path: &Path) -> Result<Store> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let found_a_log = with_suffix(path, "-wal").exists();
        let mut conn = Connection::open_with_flags(path, flags)?;
        // Until the file is known to be sound and ours, closing must not fold a write-ahead log it came with
        // into it: a damaged cache is set aside, and a newer one refused, exactly as they were found. (The
        // empty log this open makes is folded into nothing and removed on close, as usual.)
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, found_a_log)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // SQLite falls back to reading only when it may not write the file; that is no cache to work in.
        if conn.is_readonly(MAIN_DB)? {
            return Err(sqlite_error(ffi::SQLITE_READONLY, "the file cannot be written"));
        }
        // Every transaction here writes, so each takes the write lock when it begins, waiting out another
        // process's writer for the busy timeout. A deferred one that reads first could not wait when it
        // then writes: SQLite answers "database is locked" at once (SQLITE_BUSY, or SQLITE_BUSY_SNAPSHOT
        // when another process committed since it read), and a `remove` or an `import` run during a sync
        // would fail.
        conn.set_transaction_behavior(TransactionBehavior::Immediate);
        // Look before changing anything: a newer schema must find its file exactly as it left it.
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let supported = MIGRATIONS.len() as i64;
        if version > supported {
            return Err(Error::SchemaTooNew { path: path.display().to_string(), found: version, supported });
        }
        // The request to check as it was before the check: one written meanwhile is kept for the next open.
        let requested = request_to_check(path);
        let check_due = requested.is_some() || check_due(&conn, version)?;
        if check_due {
            check_intact(&conn)?;
        }
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, false)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        ready_connection(&conn)?;
        let checkpointer = Checkpointer::start(&mut conn, path)?;
        migrate(&mut conn, version)?;
        let images_dir = crate::pictures::images_dir(path.parent().unwrap_or(Path::new(".")));
        let store = Store { _checkpointer: checkpointer, conn, path: path.to_owned(), images_dir };
        store.plan_resanitize()?;
        store.refold_search()?;
        if check_due {
            set_meta_number(&store.conn, "checked_at", now())?;
            if requested.is_some() && request_to_check(path) == requested {
                let _ = std::fs::remove_file(with_suffix(path, CHECK_DUE));
            }
        }
        Ok(store)
    }

    /// After the sanitizer policy changed, forgets every source's validators and body hash so the next
    /// sync reads each feed again and cleans its entries with the new policy (the upsert rewrites a body
    /// whose `sanitizer_version` is old even when the feed did not change it).
    fn plan_resanitize(&self) -> Result<()> {
        let stored = meta_number(&self.conn, "sanitizer_version")?;
        if stored.is_some_and(|v| v >= SANITIZER_VERSION) {
            return Ok(());
        }
        // No version stored: a new cache, or one from before the version was kept (schema 1), whose
        // bodies say themselves which policy cleaned them.
        let older_bodies = stored.is_some()
            || self.conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM entry_contents WHERE sanitizer_version < ?1)",
                [SANITIZER_VERSION],
                |r| r.get::<_, bool>(0),
            )?;
        let tx = self.conn.unchecked_transaction()?;
        if older_bodies {
            tx.execute("UPDATE sources SET etag = NULL, last_modified = NULL, body_hash = NULL", [])?;
        }
        set_meta_number(&tx, "sanitizer_version", SANITIZER_VERSION)?;
        tx.commit()?;
        Ok(())
    }

    /// Indexes every entry again when the index was folded by an older [`query::search_words`], or by one this
    /// cache does not know of: the first versions indexed text as it came (so `ёлка` could not be found
    /// once queries were folded), and none recorded the version, which costs every older cache one
    /// indexing, once.
    fn refold_search(&self) -> Result<()> {
        // Looked at first without the write lock, which every open would otherwise wait for.
        if meta_number(&self.conn, "search_fold_version")? == Some(SEARCH_FOLD_VERSION) {
            return Ok(());
        }
        let tx = self.conn.unchecked_transaction()?;
        // And again under it: another process opening the cache at once may have done it meanwhile.
        if meta_number(&tx, "search_fold_version")? != Some(SEARCH_FOLD_VERSION) {
            tx.execute("INSERT INTO entry_search (entry_search) VALUES ('delete-all')", [])?;
            let mut entries = tx.prepare(
                "SELECT e.id, e.title, coalesce(e.author, ''), coalesce(c.plain_text, ''), coalesce(c.content_html, '')
                   FROM entries e LEFT JOIN entry_contents c ON c.entry_id = e.id",
            )?;
            let mut search = SearchRows::default();
            let mut rows = entries.query([])?;
            while let Some(row) = rows.next()? {
                let text = |i| row.get_ref(i).and_then(|v| Ok(v.as_str()?));
                // The text a row stored before migration 8 still holds; the others' is that of their HTML.
                let body = match text(3)? {
                    "" => Cow::Owned(html_to_text(text(4)?)),
                    stored => Cow::Borrowed(stored),
                };
                search.add(row.get(0)?, false, Cow::Owned(SearchWords::of(text(1)?, text(2)?, &body)));
                if search.len() == 1000 {
                    search.write(&tx)?;
                }
            }
            search.write(&tx)?;
        }
        set_meta_number(&tx, "search_fold_version", SEARCH_FOLD_VERSION)?;
        tx.commit()?;
        Ok(())
    }
}

/// A number the cache records about itself: how its content was made (`sanitizer_version`,
/// `search_fold_version`) and when it was last checked (`checked_at`).
fn meta_number(conn: &Connection, key: &str) -> Result<Option<i64>> {
    let sql = "SELECT CAST(value AS INTEGER) FROM meta WHERE key = ?1";
    Ok(conn.query_row(sql, [key], |r| r.get(0)).optional()?)
}

fn set_meta_number(conn: &Connection, key: &str, value: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        rusqlite::params![key, value.to_string()],
    )?;
    Ok(())
}

/// When `error` is damage SQLite met while working in the cache at `path` (a page it could not read),
/// asks the next open to check the cache, which sets it aside if the check fails. The window and the
/// CLI pass every failure of their work through here.
pub fn note_damage(path: &Path, error: &Error) {
    if let Error::Db(source) = error
        && is_damage(source)
    {
        // Best effort: a cache too broken for even this is found by the daily check.
        let _ = std::fs::write(with_suffix(path, CHECK_DUE), b"");
    }
}

/// When the request to check the cache at `path` ([`note_damage`]) was made, if one is waiting.
fn request_to_check(path: &Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(with_suffix(path, CHECK_DUE)).and_then(|m| m.modified()).ok()
}

/// Whether this open must run the quick check though nobody asked: never run on this cache (new, or
/// older than the `meta` table), or last passed a day ago or more (or in the future: the clock moved
/// back).
fn check_due(conn: &Connection, version: i64) -> Result<bool> {
    if version < 2 {
        return Ok(true);
    }
    let age = meta_number(conn, "checked_at")?.map(|at| now() - at);
    Ok(!age.is_some_and(|age| (0..CHECK_EVERY_SECS).contains(&age)))
}

/// SQLite's quick check of the file's structure (pages, b-trees, free list): the cheap half of
/// `integrity_check`. Anything but `ok` means the file is damaged.
fn check_intact(conn: &Connection) -> Result<()> {
    let verdict: String = conn.query_row("PRAGMA quick_check(1)", [], |r| r.get(0))?;
    if verdict == "ok" { Ok(()) } else { Err(sqlite_error(ffi::SQLITE_CORRUPT, &verdict)) }
}

fn sqlite_error(code: std::os::raw::c_int, message: &str) -> Error {
    Error::Db(rusqlite::Error::SqliteFailure(ffi::Error::new(code), Some(message.to_owned())))
}

/// What every connection to the cache is set to, the first and any other.
fn ready_connection(conn: &Connection) -> Result<()> {
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // A plan that does not depend on the values bound. Without this SQLite compiles a statement with a
    // LEFT JOIN and a parameter again on every call (the list, an open, the upsert's look-up): the
    // statement cache then saves nothing, at 20-30 us a call. The store runs no ANALYZE, so the plans
    // it would have chosen per value are the same.
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    // Room for every statement a sync repeats (rusqlite keeps 16): storing a refreshed source alone uses
    // a dozen, and the pictures' others would push them out between sources.
    conn.set_prepared_statement_cache_capacity(STATEMENTS_KEPT);
    Ok(())
}

/// Prepared statements each connection keeps for reuse.
const STATEMENTS_KEPT: usize = 64;

/// `path` with `suffix` added to its name (`-wal`, `.damaged-...`).
fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Renames a damaged cache aside, never over another file and never deleting one: its `-wal` and `-shm`
/// first (a new cache must never pick up the old log), then the file itself. If a rename fails, those
/// done are undone and the cache is left as it was found.
fn set_aside(path: &Path, damage: &rusqlite::Error) -> Error {
    let detail = damage.to_string().split_whitespace().collect::<Vec<_>>().join(" ");
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let taken = |p: &PathBuf| ["", "-wal", "-shm"].iter().any(|s| with_suffix(p, s).exists());
    let Some(aside) = (1..1000)
        .map(|n| with_suffix(path, &if n == 1 { format!(".damaged-{stamp}") } else { format!(".damaged-{stamp}-{n}") }))
        .find(|p| !taken(p))
    else {
        return Error::Internal(format!("no free name beside {} to set the damaged cache aside", path.display()));
    };
    let mut moved: Vec<(PathBuf, PathBuf)> = Vec::new();
    for suffix in ["-wal", "-shm", ""] {
        let (from, to) = (with_suffix(path, suffix), with_suffix(&aside, suffix));
        if !suffix.is_empty() && !from.exists() {
            continue;
        }
        if let Err(e) = std::fs::rename(&from, &to) {
            for (from, to) in moved.iter().rev() {
                let _ = std::fs::rename(to, from);
            }
            let context = format!(
                "the cache at {} is damaged ({detail}) and could not be moved aside to {}; move it away yourself \
                 or restore it from a backup",
                path.display(),
                to.display()
            );
            return Error::io(context, e);
        }
        moved.push((from, to));
    }
    // Asked for by a command that met the damage; the new cache is checked as every new one is.
    let _ = std::fs::remove_file(with_suffix(path, CHECK_DUE));
    Error::Damaged { path: path.display().to_string(), kept_at: aside.display().to_string(), detail }
}

fn migrate(conn: &mut Connection, from: i64) -> Result<()> {
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(from as usize) {
        // Under the write lock from the start, and looked at again under it: two processes opening a new
        // cache at once both saw it unmigrated, and the second must find the migration applied instead of
        // failing on its tables.
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let applied: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if applied > i as i64 {
            continue;
        }
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
