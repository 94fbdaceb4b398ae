//! Sources: subscribing, listing with counts and status, recording failures, removing.

use rusqlite::{OptionalExtension, params};

use super::images::local_url_of_key;
use super::{Store, now, rfc3339};
use crate::error::{Error, Result};
use crate::extract::FullTextMode;
use crate::model::{SourceError, SourceInfo};

/// A source about to be subscribed.
#[derive(Debug, Clone, Default)]
pub struct NewSource {
    pub url: String,
    pub site_url: Option<String>,
    pub title: String,
    pub folder: Option<String>,
    pub full_text: FullTextMode,
}

/// What a refresh needs to know about a source: where it is and what the last fetch saw.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceTarget {
    pub id: i64,
    pub url: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub body_hash: Option<String>,
    pub full_text: FullTextMode,
}

impl Store {
    /// Subscribes to a source; a URL already subscribed is refused with its id.
    pub fn add_source(&mut self, source: &NewSource) -> Result<i64> {
        if let Some(id) = self.source_id_by_url(&source.url)? {
            return Err(Error::AlreadySubscribed { id });
        }
        self.conn.execute(
            "INSERT INTO sources (url, site_url, title, folder, full_text, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![source.url, source.site_url, source.title, source.folder, source.full_text.as_str(), now()],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Puts a source in a folder, or in none.
    pub fn set_folder(&mut self, id: i64, folder: Option<&str>) -> Result<()> {
        let changed = self.conn.execute("UPDATE sources SET folder = ?2 WHERE id = ?1", params![id, folder])?;
        if changed == 0 {
            return Err(Error::NotFound { what: "source", id });
        }
        Ok(())
    }

    /// Sets when a source's entries get their full text from the article page.
    pub fn set_full_text(&mut self, id: i64, mode: FullTextMode) -> Result<()> {
        let changed =
            self.conn.execute("UPDATE sources SET full_text = ?2 WHERE id = ?1", params![id, mode.as_str()])?;
        if changed == 0 {
            return Err(Error::NotFound { what: "source", id });
        }
        Ok(())
    }

    /// The id of the source subscribed at exactly `url`, if any.
    pub fn source_id_by_url(&self, url: &str) -> Result<Option<i64>> {
        Ok(self.conn.query_row("SELECT id FROM sources WHERE url = ?1", [url], |r| r.get(0)).optional()?)
    }

    /// Every source, as a refresh sees it, in the order they were added.
    pub fn sync_targets(&self) -> Result<Vec<SourceTarget>> {
        self.query_targets(None)
    }

    /// One source as a refresh sees it.
    pub fn sync_target(&self, id: i64) -> Result<SourceTarget> {
        self.query_targets(Some(id))?.pop().ok_or(Error::NotFound { what: "source", id })
    }

    /// Every source with its counts and the state of its last sync, ordered by folder then title.
    pub fn list_sources(&self) -> Result<Vec<SourceInfo>> {
        self.query_infos(None)
    }

    /// One source with its counts and status.
    pub fn source_info(&self, id: i64) -> Result<SourceInfo> {
        self.query_infos(Some(id))?.pop().ok_or(Error::NotFound { what: "source", id })
    }

    /// All sources, or only the one with id `only`.
    fn query_targets(&self, only: Option<i64>) -> Result<Vec<SourceTarget>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, url, etag, last_modified, body_hash, full_text FROM sources
              WHERE ?1 IS NULL OR id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([only], |r| {
            Ok(SourceTarget {
                id: r.get(0)?,
                url: r.get(1)?,
                etag: r.get(2)?,
                last_modified: r.get(3)?,
                body_hash: r.get(4)?,
                full_text: FullTextMode::parse(&r.get::<_, String>(5)?).unwrap_or_default(),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// All sources, or only the one with id `only`, with their counts and status.
    fn query_infos(&self, only: Option<i64>) -> Result<Vec<SourceInfo>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT s.id, s.url, s.site_url, s.title, s.folder, s.last_ok_at,
                    s.last_error_code, s.last_error_message, s.last_error_at,
                    (SELECT count(*) FROM entries e WHERE e.source_id = s.id),
                    (SELECT count(*) FROM entries e LEFT JOIN entry_state st ON st.entry_id = e.id
                      WHERE e.source_id = s.id AND coalesce(st.read, 0) = 0),
                    s.full_text,
                    (SELECT i.key FROM images i WHERE i.url = s.icon_url AND i.status = 'cached')
               FROM sources s
              WHERE ?1 IS NULL OR s.id = ?1
              ORDER BY s.folder IS NOT NULL, s.folder COLLATE NOCASE, s.title COLLATE NOCASE, s.id",
        )?;
        let rows = stmt.query_map([only], |r| {
            let last_error = match r.get::<_, Option<String>>(6)? {
                Some(code) => Some(SourceError {
                    code,
                    message: r.get::<_, Option<String>>(7)?.unwrap_or_default(),
                    at: r.get::<_, Option<i64>>(8)?.map(rfc3339).unwrap_or_default(),
                }),
                None => None,
            };
            Ok(SourceInfo {
                id: r.get(0)?,
                url: r.get(1)?,
                site_url: r.get(2)?,
                title: r.get(3)?,
                folder: r.get(4)?,
                last_ok_at: r.get::<_, Option<i64>>(5)?.map(rfc3339),
                last_error,
                entry_count: r.get(9)?,
                unread_count: r.get(10)?,
                full_text: r.get(11)?,
                icon_url: r.get::<_, Option<String>>(12)?.as_deref().map(local_url_of_key),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Records why a refresh failed; the entries already cached are untouched.
    pub fn record_failure(&mut self, id: i64, code: &str, message: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE sources SET last_error_code = ?2, last_error_message = ?3, last_error_at = ?4,
                    error_count = error_count + 1
              WHERE id = ?1",
            params![id, code, message, now()],
        )?;
        Ok(())
    }

    /// Unsubscribes. Entries go with the source, except bookmarked ones, which stay readable and
    /// remember the name of the source they came from.
    pub fn remove_source(&mut self, id: i64) -> Result<()> {
        let tx = self.conn.transaction()?;
        let title: String = tx
            .query_row("SELECT title FROM sources WHERE id = ?1", [id], |r| r.get(0))
            .optional()?
            .ok_or(Error::NotFound { what: "source", id })?;
        tx.execute(
            "UPDATE entries SET removed_source_title = ?2
              WHERE source_id = ?1 AND id IN (SELECT entry_id FROM entry_state WHERE bookmarked = 1)",
            params![id, title],
        )?;
        let doomed = "SELECT e.id FROM entries e LEFT JOIN entry_state st ON st.entry_id = e.id
                       WHERE e.source_id = ?1 AND coalesce(st.bookmarked, 0) = 0";
        tx.execute(&format!("DELETE FROM entry_search WHERE rowid IN ({doomed})"), [id])?;
        tx.execute(&format!("DELETE FROM entry_state WHERE entry_id IN ({doomed})"), [id])?;
        tx.execute(
            "DELETE FROM entries WHERE source_id = ?1
                AND id NOT IN (SELECT entry_id FROM entry_state WHERE bookmarked = 1)",
            [id],
        )?;
        tx.execute("DELETE FROM sources WHERE id = ?1", [id])?;
        tx.commit()?;
        Ok(())
    }
}
