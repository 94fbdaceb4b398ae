//! Sources: subscribing, listing with counts and status, recording failures, removing.

use rusqlite::{OptionalExtension, params};

use super::images::local_url_of_key;
use super::{Store, now, rfc3339};
use crate::error::{Error, Result};
use crate::extract::FullTextMode;
use crate::fetch::parse_user_url;
use crate::model::{FolderInfo, SourceError, SourceInfo};
use crate::opml::{self, OpmlFeed, Skipped};
use crate::schedule::Clock;

/// A source about to be subscribed.
#[derive(Debug, Clone, Default)]
pub struct NewSource {
    pub url: String,
    pub site_url: Option<String>,
    pub title: String,
    pub folder: Option<String>,
    pub full_text: FullTextMode,
}

/// What an import subscribed to and what it passed over.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportReport {
    pub added: Vec<Imported>,
    pub skipped: Vec<Skipped>,
}

/// A source an import subscribed to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Imported {
    pub id: i64,
    pub url: String,
    pub title: String,
    pub folder: Option<String>,
}

/// Unsubscribes inside `tx`: entries go with the source, except bookmarked ones, which stay readable and
/// remember the name of the source they came from.
fn unsubscribe(tx: &rusqlite::Transaction, id: i64) -> Result<()> {
    let title: String = tx
        .query_row("SELECT coalesce(custom_title, title) FROM sources WHERE id = ?1", [id], |r| r.get(0))
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
    Ok(())
}

/// A source's own settings; `None` follows the reader's settings.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceSettings {
    /// Minutes between background refreshes.
    pub refresh_interval: Option<i64>,
    /// `direct` or a proxy URL.
    pub proxy: Option<String>,
    pub user_agent: Option<String>,
    pub notify: bool,
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
    /// The source's own proxy (`direct` or a URL) and User-Agent; `None` follows the settings.
    pub proxy: Option<String>,
    pub user_agent: Option<String>,
    /// The source's own refresh interval, in minutes.
    pub refresh_minutes: Option<i64>,
    /// The feed's `<ttl>` when it last sent one, in minutes.
    pub ttl_minutes: Option<u32>,
    pub clock: Clock,
    /// Whether the cache holds any entry of it, kept or purged: with none, there is nothing to look up.
    pub holds_entries: bool,
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

    /// Gives a source the reader's own name, or with `None` (or an empty name) its feed's title again.
    pub fn rename_source(&mut self, id: i64, title: Option<&str>) -> Result<()> {
        let title = title.map(str::trim).filter(|t| !t.is_empty());
        let changed = self.conn.execute("UPDATE sources SET custom_title = ?2 WHERE id = ?1", params![id, title])?;
        if changed == 0 {
            return Err(Error::NotFound { what: "source", id });
        }
        Ok(())
    }

    /// Sets a source's own refresh interval, proxy, User-Agent and notifications, all at once. The
    /// values are checked by the caller (`settings::SourceSettings`).
    pub fn set_source_settings(&mut self, id: i64, settings: &SourceSettings) -> Result<()> {
        let changed = self.conn.execute(
            "UPDATE sources SET refresh_minutes = ?2, proxy = ?3, user_agent = ?4, notify = ?5 WHERE id = ?1",
            params![id, settings.refresh_interval, settings.proxy, settings.user_agent, settings.notify],
        )?;
        if changed == 0 {
            return Err(Error::NotFound { what: "source", id });
        }
        Ok(())
    }

    /// Subscribes to every feed of an outline list in one transaction, without fetching them: each gets
    /// the list's title (else its host) until its first sync, and the list's folder. Feeds already
    /// subscribed are passed over and reported with why.
    pub fn import_sources(&mut self, feeds: &[OpmlFeed], full_text: FullTextMode) -> Result<ImportReport> {
        let tx = self.conn.transaction()?;
        let mut report = ImportReport::default();
        for feed in feeds {
            let skip = |reason: String| Skipped { url: feed.url.clone(), title: feed.title.clone(), reason };
            let url = match parse_user_url(&feed.url) {
                Ok(url) => url,
                Err(e) => {
                    report.skipped.push(skip(e.to_string()));
                    continue;
                }
            };
            let existing: Option<i64> =
                tx.query_row("SELECT id FROM sources WHERE url = ?1", [url.as_str()], |r| r.get(0)).optional()?;
            if let Some(id) = existing {
                report.skipped.push(skip(format!("already subscribed (source {id})")));
                continue;
            }
            let title = feed.title.clone().unwrap_or_else(|| url.host_str().unwrap_or("Untitled").to_owned());
            let site_url = feed.site_url.as_deref().and_then(|u| parse_user_url(u).ok()).map(String::from);
            tx.execute(
                "INSERT INTO sources (url, site_url, title, folder, full_text, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![url.as_str(), site_url, title, feed.folder, full_text.as_str(), now()],
            )?;
            let id = tx.last_insert_rowid();
            report.added.push(Imported { id, url: url.into(), title, folder: feed.folder.clone() });
        }
        tx.commit()?;
        Ok(report)
    }

    /// Every folder with its sources' count and unread stories, by name.
    pub fn folders(&self) -> Result<Vec<FolderInfo>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT s.folder, count(*), sum(s.unread_count)
               FROM sources s
              WHERE s.folder IS NOT NULL
              GROUP BY s.folder ORDER BY s.folder COLLATE NOCASE",
        )?;
        let rows = stmt
            .query_map([], |r| Ok(FolderInfo { name: r.get(0)?, source_count: r.get(1)?, unread_count: r.get(2)? }))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Renames a folder; renaming it to an existing folder's name merges the two. Returns how many
    /// sources moved.
    pub fn rename_folder(&mut self, from: &str, to: &str) -> Result<usize> {
        let to = to.trim();
        if to.is_empty() {
            return Err(Error::InvalidArgument("a folder's name cannot be empty".into()));
        }
        let moved = self.conn.execute("UPDATE sources SET folder = ?2 WHERE folder = ?1", params![from, to])?;
        if moved == 0 {
            return Err(Error::InvalidArgument(format!("there is no folder named {from:?}")));
        }
        Ok(moved)
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
            "SELECT id, url, etag, last_modified, body_hash, full_text, proxy, user_agent, refresh_minutes,
                    max(coalesce(last_ok_at, 0), coalesce(last_error_at, 0)), error_count, next_check_at,
                    retry_after_at, ttl_minutes,
                    entry_count > 0 OR EXISTS (SELECT 1 FROM tombstones t WHERE t.source_id = sources.id)
               FROM sources
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
                proxy: r.get(6)?,
                user_agent: r.get(7)?,
                refresh_minutes: r.get(8)?,
                ttl_minutes: r.get(13)?,
                clock: Clock {
                    last_attempt_at: Some(r.get::<_, i64>(9)?).filter(|&t| t > 0),
                    error_count: r.get::<_, i64>(10)?.clamp(0, i64::from(u32::MAX)) as u32,
                    fresh_until: r.get(11)?,
                    retry_after_at: r.get(12)?,
                },
                holds_entries: r.get(14)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// All sources, or only the one with id `only`, with their counts and status.
    fn query_infos(&self, only: Option<i64>) -> Result<Vec<SourceInfo>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT s.id, s.url, s.site_url, coalesce(s.custom_title, s.title), s.folder, s.last_ok_at,
                    s.last_error_code, s.last_error_message, s.last_error_at,
                    s.entry_count, s.unread_count,
                    s.full_text,
                    (SELECT i.key FROM images i WHERE i.url = s.icon_url AND i.status = 'cached'),
                    s.title, s.refresh_minutes, s.proxy, s.user_agent, s.notify,
                    CASE WHEN s.retry_after_at > ?2 THEN s.retry_after_at END
               FROM sources s
              WHERE ?1 IS NULL OR s.id = ?1
              ORDER BY s.folder IS NOT NULL, s.folder COLLATE NOCASE, coalesce(s.custom_title, s.title) COLLATE NOCASE,
                       s.id",
        )?;
        let rows = stmt.query_map(params![only, now()], |r| {
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
                feed_title: r.get(13)?,
                refresh_interval: r.get(14)?,
                proxy: r.get(15)?,
                user_agent: r.get(16)?,
                notify: r.get(17)?,
                retry_after: r.get::<_, Option<i64>>(18)?.map(rfc3339),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Records why a refresh failed, and until when its server asked to be left alone; the entries
    /// already cached are untouched.
    pub fn record_failure(&mut self, id: i64, code: &str, message: &str, retry_after_at: Option<i64>) -> Result<()> {
        self.conn.execute(
            "UPDATE sources SET last_error_code = ?2, last_error_message = ?3, last_error_at = ?4,
                    error_count = error_count + 1, retry_after_at = ?5
              WHERE id = ?1",
            params![id, code, message, now(), retry_after_at],
        )?;
        Ok(())
    }

    /// Unsubscribes. Entries go with the source, except bookmarked ones, which stay readable and
    /// remember the name of the source they came from.
    pub fn remove_source(&mut self, id: i64) -> Result<()> {
        let tx = self.conn.transaction()?;
        unsubscribe(&tx, id)?;
        tx.commit()?;
        Ok(())
    }

    /// Unsubscribes from every source of a folder, all or none, as [`Store::remove_source`] does one.
    /// Returns how many went.
    pub fn remove_folder(&mut self, folder: &str) -> Result<usize> {
        let tx = self.conn.transaction()?;
        let ids: Vec<i64> = tx
            .prepare("SELECT id FROM sources WHERE folder = ?1")?
            .query_map([folder], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        if ids.is_empty() {
            return Err(Error::InvalidArgument(format!("there is no folder named {folder:?}")));
        }
        for &id in &ids {
            unsubscribe(&tx, id)?;
        }
        tx.commit()?;
        Ok(ids.len())
    }

    /// Subscribes to the feeds of an OPML file (see [`Store::import_sources`]); what the file itself
    /// passed over comes first in the report. A file that is not OPML changes nothing.
    pub fn import_opml(&mut self, bytes: &[u8], full_text: FullTextMode) -> Result<ImportReport> {
        let outlines = opml::parse(bytes)?;
        let mut report = self.import_sources(&outlines.feeds, full_text)?;
        report.skipped.splice(0..0, outlines.skipped);
        Ok(report)
    }

    /// Every source as an OPML document, in its folder, under the name the reader sees.
    pub fn export_opml(&self) -> Result<String> {
        let feeds: Vec<OpmlFeed> = self
            .list_sources()?
            .into_iter()
            .map(|s| OpmlFeed { url: s.url, title: Some(s.title), site_url: s.site_url, folder: s.folder })
            .collect();
        Ok(opml::write("Offprint subscriptions", &feeds))
    }
}
