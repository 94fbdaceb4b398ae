//! Keeping the cache in bounds: old entries go after a while, pictures go least recently used first
//! when they outgrow their budget. Bookmarked entries and their pictures never go (STYLE.md #9).
//!
//! A purged entry leaves a tombstone, so while its feed still carries it the next sync does not bring it
//! back as new.

use std::collections::HashSet;
use std::time::{Duration, SystemTime};

use std::path::Path;

use rusqlite::wal::CheckpointMode;
use rusqlite::{Transaction, TransactionBehavior, params};

use super::{Store, now};
use crate::error::Result;
use crate::model::{CacheInfo, CleanupReport};
use crate::pictures::file_path;

const DAY: i64 = 24 * 60 * 60;

/// How long a cleanup waits for a checkpoint under way before it leaves the log as it is.
const LOG_FOLD_WAIT: Duration = Duration::from_secs(2);

/// A picture file nothing refers to is removed only once it is this old: a sync in another process may
/// have just written it and not yet recorded it.
const STRAY_FILE_AGE: Duration = Duration::from_secs(60 * 60);

/// How long entries stay and how much room pictures get. Zero days means for ever.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    pub keep_read_days: i64,
    pub keep_unread_days: i64,
    pub image_budget_bytes: i64,
}

impl Store {
    /// Applies `rules` now: purges old entries, drops pictures no entry shows, then evicts pictures
    /// until the rest fit the budget.
    pub fn clean_up(&mut self, rules: &Retention) -> Result<CleanupReport> {
        self.clean_up_at(rules, now())
    }

    /// [`Store::clean_up`] as if it were `now` (Unix seconds).
    pub fn clean_up_at(&mut self, rules: &Retention, now: i64) -> Result<CleanupReport> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let purged_entries = purge_entries(&tx, rules, now)?;
        let mut dropped = drop_unused_images(&tx)?;
        let (evicted_images, evicted) = evict_over_budget(&tx, rules.image_budget_bytes)?;
        dropped.extend(evicted);
        tx.commit()?;
        // The files go only once the rows that named them are gone for good: deleted before the commit, a
        // crash in between would bring back `cached` rows whose files are gone. A crash after it leaves
        // files no row names, which a later cleanup removes. Under the write lock again, as a sync in
        // another process writes a picture's file and records it under the same lock: a file it recorded
        // meanwhile is referenced, and stays.
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let freed_bytes = remove_unreferenced_files(&tx, &self.images_dir, &dropped)?;
        tx.commit()?;
        // Fold the write-ahead log back into the database so the cache's size on disk reflects the
        // cleanup. Best effort: a reader in another process may hold it open for now. The commits above
        // may have set the checkpoint thread going (see `checkpoint`), which this one waits out.
        let started = std::time::Instant::now();
        while let Err(e) = self.conn.wal_checkpoint_v2(None::<&str>, CheckpointMode::TRUNCATE) {
            let busy = e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy);
            if !busy || started.elapsed() > LOG_FOLD_WAIT {
                break;
            }
            // Checkpoints here take a few milliseconds: the cleanup is the tail of every sync.
            std::thread::sleep(Duration::from_millis(1));
        }
        Ok(CleanupReport { purged_entries, evicted_images, freed_bytes })
    }

    /// How big the cache is.
    pub fn cache_info(&self) -> Result<CacheInfo> {
        let (entries, bookmarked): (i64, i64) = self.conn.query_row(
            "SELECT (SELECT count(*) FROM entries), (SELECT count(*) FROM entry_state WHERE bookmarked = 1)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let (images, image_bytes): (i64, i64) = self.conn.query_row(
            "SELECT (SELECT count(*) FROM images WHERE status = 'cached'),
                    (SELECT coalesce(sum(bytes), 0) FROM
                        (SELECT max(bytes) AS bytes FROM images WHERE status = 'cached' GROUP BY content_hash))",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let database_bytes = match self.conn.path() {
            Some(path) if !path.is_empty() => ["", "-wal"]
                .iter()
                .filter_map(|suffix| std::fs::metadata(format!("{path}{suffix}")).ok())
                .map(|m| m.len() as i64)
                .sum(),
            _ => 0,
        };
        Ok(CacheInfo { entries, bookmarked, images, image_bytes, database_bytes })
    }
}

/// Deletes the files of `hashes` that no picture row refers to any more, and picture files left by
/// a crash (a half-written `.part`, a file never recorded) once they are old enough. Returns the
/// bytes freed.
fn remove_unreferenced_files(tx: &Transaction, images_dir: &Path, hashes: &[String]) -> Result<u64> {
    let referenced: HashSet<String> = tx
        .prepare("SELECT DISTINCT content_hash FROM images WHERE content_hash IS NOT NULL")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut freed = 0;
    for hash in hashes.iter().filter(|h| !referenced.contains(*h)) {
        freed += remove_file(&file_path(images_dir, hash));
    }
    let Ok(folders) = std::fs::read_dir(images_dir) else { return Ok(freed) };
    for file in folders.flatten().filter_map(|f| std::fs::read_dir(f.path()).ok()).flatten().flatten() {
        let name = file.file_name().to_string_lossy().into_owned();
        let old = file
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| SystemTime::now().duration_since(t).ok())
            .is_some_and(|age| age > STRAY_FILE_AGE);
        if old && !referenced.contains(&name) {
            freed += remove_file(&file.path());
        }
    }
    Ok(freed)
}

fn remove_file(path: &std::path::Path) -> u64 {
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    match std::fs::remove_file(path) {
        Ok(()) => size,
        Err(_) => 0,
    }
}

/// Purges unbookmarked entries first seen longer ago than their limit (read and unread apart), leaving
/// tombstones for those whose source is still subscribed.
fn purge_entries(tx: &Transaction, rules: &Retention, now: i64) -> Result<u64> {
    let cutoff = |days: i64| (days > 0).then(|| now - days * DAY);
    tx.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS doomed (id INTEGER PRIMARY KEY);
         DELETE FROM temp.doomed;",
    )?;
    tx.execute(
        "INSERT INTO temp.doomed (id)
         SELECT e.id FROM entries e LEFT JOIN entry_state st ON st.entry_id = e.id
          WHERE coalesce(st.bookmarked, 0) = 0
            AND CASE WHEN coalesce(st.read, 0) = 1 THEN e.first_seen_at < ?1 ELSE e.first_seen_at < ?2 END",
        params![cutoff(rules.keep_read_days), cutoff(rules.keep_unread_days)],
    )?;
    tx.execute(
        "INSERT OR IGNORE INTO tombstones (source_id, entry_key, purged_at)
         SELECT e.source_id, e.entry_key, ?1 FROM entries e JOIN temp.doomed d ON d.id = e.id
          WHERE e.source_id IS NOT NULL",
        [now],
    )?;
    tx.execute("DELETE FROM entry_search WHERE rowid IN (SELECT id FROM temp.doomed)", [])?;
    tx.execute("DELETE FROM entry_state WHERE entry_id IN (SELECT id FROM temp.doomed)", [])?;
    let purged = tx.execute("DELETE FROM entries WHERE id IN (SELECT id FROM temp.doomed)", [])?;
    tx.execute("DELETE FROM temp.doomed", [])?;
    Ok(purged as u64)
}

/// Deletes the rows of pictures no entry shows and no source uses as its icon; returns their content
/// hashes, whose files may now be unreferenced.
fn drop_unused_images(tx: &Transaction) -> Result<Vec<String>> {
    const UNUSED: &str = "NOT EXISTS (SELECT 1 FROM entry_images ei WHERE ei.image_id = images.id)
                          AND NOT EXISTS (SELECT 1 FROM sources s WHERE s.icon_url = images.url)";
    let hashes = tx
        .prepare(&format!("SELECT content_hash FROM images WHERE content_hash IS NOT NULL AND {UNUSED}"))?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    tx.execute(&format!("DELETE FROM images WHERE {UNUSED}"), [])?;
    Ok(hashes)
}

/// While the distinct picture contents take more than `budget` bytes, forgets the least recently used
/// picture that no bookmarked entry shows and no source uses as its icon. An evicted picture is
/// `skipped`: its entry shows the placeholder, and no sync fetches it again.
fn evict_over_budget(tx: &Transaction, budget: i64) -> Result<(u64, Vec<String>)> {
    let mut total: i64 = tx.query_row(
        "SELECT coalesce(sum(bytes), 0) FROM
            (SELECT max(bytes) AS bytes FROM images WHERE status = 'cached' GROUP BY content_hash)",
        [],
        |r| r.get(0),
    )?;
    if total <= budget {
        return Ok((0, Vec::new()));
    }
    let candidates: Vec<(i64, String, i64)> = tx
        .prepare(
            "SELECT i.id, i.content_hash, i.bytes FROM images i
              WHERE i.status = 'cached'
                AND NOT EXISTS (SELECT 1 FROM entry_images ei JOIN entry_state st ON st.entry_id = ei.entry_id
                                 WHERE ei.image_id = i.id AND st.bookmarked = 1)
                AND NOT EXISTS (SELECT 1 FROM sources s WHERE s.icon_url = i.url)
              ORDER BY i.used_at, i.id",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut evict = tx.prepare(
        "UPDATE images SET status = 'skipped', content_hash = NULL, content_type = NULL, bytes = NULL,
                error = 'removed to keep pictures within their space'
          WHERE id = ?1",
    )?;
    let mut still_used = tx.prepare("SELECT EXISTS (SELECT 1 FROM images WHERE content_hash = ?1)")?;
    let (mut evicted, mut hashes) = (0, Vec::new());
    for (id, hash, bytes) in candidates {
        if total <= budget {
            break;
        }
        evict.execute([id])?;
        evicted += 1;
        // Bytes shared with another URL are freed only with the last of them.
        if !still_used.query_row([&hash], |r| r.get::<_, bool>(0))? {
            total -= bytes;
            hashes.push(hash);
        }
    }
    Ok((evicted, hashes))
}
