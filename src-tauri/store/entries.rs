//! Writing entries: one transaction per source refresh, upserts that keep the reader's state.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use rusqlite::{OptionalExtension, ToSql, Transaction, params, params_from_iter};

use super::images::{ImagesUsed, add_icon, link_images};
use super::query::SearchWords;
use super::{Store, now};
use crate::error::{Error, Result};
use crate::extract::summary_words;
use crate::localize::clean_stored_again;
use crate::model::{CleanEntry, Extraction, RefreshOutcome};
use crate::oembed::incomplete_cards;
use crate::sanitize::SANITIZER_VERSION;
use crate::text::html_to_text;

/// How stale `last_ok_at` may get, in seconds, before an unchanged fetch writes it again. Bookkeeping
/// that precise is not worth a write per source on every sync.
pub const LAST_OK_RESOLUTION: i64 = 3600;

/// What a feed says about itself.
#[derive(Debug, Clone, Default)]
pub struct FeedFacts {
    pub title: String,
    pub site_url: Option<String>,
    /// The remote URL of the site's icon.
    pub icon: Option<String>,
    /// RSS `<ttl>`, in minutes.
    pub ttl_minutes: Option<u32>,
    /// Keys of the stories the feed still carries that are not among the entries stored with it: the
    /// cache holds them as they are (or retention purged them, and they stay purged).
    pub unchanged: Vec<String>,
}

/// What a successful fetch learnt about its source.
#[derive(Debug, Clone, Default)]
pub struct FetchRecord {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub body_hash: Option<String>,
    /// The source moved for good (301/308): its new address.
    pub moved_to: Option<String>,
    /// The server's caching headers or the feed's ttl say nothing changes before this time (see
    /// `schedule::fresh_until`).
    pub fresh_until: Option<i64>,
}

/// What the cache already holds of an entry, so a sync can tell what work it still needs.
#[derive(Debug, Clone, PartialEq)]
pub struct KnownEntry {
    pub fingerprint: String,
    pub sanitizer_version: i64,
    /// `entry_contents.extract_status`: NULL, `ok`, `short` or an error code.
    pub extract_status: Option<String>,
    pub extract_attempts: i64,
    /// How many words the stored feed text has, up to `extract::SUMMARY_WORDS` (0 when a page's text was
    /// kept instead: not counted).
    pub words: usize,
}

impl KnownEntry {
    /// Whether this is the story `meta` describes (the same fingerprint), cleaned by the current policy.
    pub fn holds(&self, meta: &crate::model::EntryMeta) -> bool {
        self.fingerprint == meta.fingerprint && self.sanitizer_version >= SANITIZER_VERSION
    }
}

/// What the cache holds of a source's entries: those it keeps, and those retention removed.
#[derive(Debug, Clone, Default)]
pub struct KnownEntries {
    pub kept: HashMap<String, KnownEntry>,
    pub purged: HashSet<String>,
}

impl Store {
    /// Every entry of a source the cache holds or has purged, by entry key.
    pub fn known_entries(&self, source_id: i64) -> Result<KnownEntries> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT e.entry_key, e.fingerprint, coalesce(c.sanitizer_version, 0), c.extract_status,
                    coalesce(c.extract_attempts, 0),
                    -- The words of the feed's text, which decide whether a page is wanted; a full text kept
                    -- ('ok', or a page no fuller: 'short') settles that already. A row stored before they
                    -- were counted has its text instead.
                    CASE WHEN c.extract_status IN ('ok', 'short') THEN 0 ELSE c.feed_words END,
                    CASE WHEN c.extract_status IN ('ok', 'short') OR c.feed_words IS NOT NULL THEN ''
                         ELSE coalesce(c.plain_text, '') END
               FROM entries e LEFT JOIN entry_contents c ON c.entry_id = e.id
              WHERE e.source_id = ?1",
        )?;
        let kept = stmt
            .query_map([source_id], |r| {
                let words = match r.get::<_, Option<u32>>(5)? {
                    Some(words) => words as usize,
                    None => r.get_ref(6)?.as_str().map(summary_words)?,
                };
                Ok((
                    r.get(0)?,
                    KnownEntry {
                        fingerprint: r.get(1)?,
                        sanitizer_version: r.get(2)?,
                        extract_status: r.get(3)?,
                        extract_attempts: r.get(4)?,
                        words,
                    },
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut stmt = self.conn.prepare_cached("SELECT entry_key FROM tombstones WHERE source_id = ?1")?;
        let purged = stmt.query_map([source_id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        Ok(KnownEntries { kept, purged })
    }

    /// Records a fetch that brought nothing new (a 304, or the same body). No entry is touched, and the
    /// source row only when what it says must change: new validators, an error to clear, a move, or a
    /// `last_ok_at` older than [`LAST_OK_RESOLUTION`]. So a sync of unchanged feeds writes nothing.
    pub fn record_unchanged(&mut self, source_id: i64, fetch: &FetchRecord) -> Result<()> {
        let tx = self.conn.transaction()?;
        tx.prepare_cached(
            "UPDATE sources SET etag = ?2, last_modified = ?3, body_hash = coalesce(?4, body_hash), last_ok_at = ?5,
                    last_error_code = NULL, last_error_message = NULL, last_error_at = NULL, error_count = 0,
                    next_check_at = ?7, retry_after_at = NULL
              WHERE id = ?1
                AND (etag IS NOT ?2 OR last_modified IS NOT ?3 OR (?4 IS NOT NULL AND body_hash IS NOT ?4)
                     OR last_error_code IS NOT NULL OR last_ok_at IS NULL OR last_ok_at < ?5 - ?6
                     OR next_check_at IS NOT ?7 OR retry_after_at IS NOT NULL)",
        )?
        .execute(params![
            source_id,
            fetch.etag,
            fetch.last_modified,
            fetch.body_hash,
            now(),
            LAST_OK_RESOLUTION,
            fetch.fresh_until
        ])?;
        follow_move(&tx, source_id, fetch)?;
        tx.commit()?;
        Ok(())
    }

    /// Stores one refreshed source in a single transaction: its new validators, title and icon, and an
    /// upsert of every entry. New entries are counted as new, edited ones as updated; read and
    /// bookmark state is never touched. Entries retention purged stay purged while the feed still
    /// carries them.
    pub fn apply_refresh(
        &mut self,
        source_id: i64,
        fetch: &FetchRecord,
        feed: &FeedFacts,
        entries: &[CleanEntry],
    ) -> Result<RefreshOutcome> {
        let tx = self.conn.transaction()?;
        record_success(&tx, source_id, fetch, Some(&feed.title), feed.site_url.as_deref())?;
        tx.prepare_cached("UPDATE sources SET ttl_minutes = ?2 WHERE id = ?1")?
            .execute(params![source_id, feed.ttl_minutes])?;
        let now = now();
        if let Some(icon) = &feed.icon {
            tx.prepare_cached("UPDATE sources SET icon_url = ?2 WHERE id = ?1")?.execute(params![source_id, icon])?;
            add_icon(&tx, icon, now)?;
        }
        let carried = entries.iter().map(|e| e.meta.key.as_str()).chain(feed.unchanged.iter().map(String::as_str));
        let purged = settle_tombstones(&tx, source_id, carried.collect())?;
        let mut outcome = RefreshOutcome::default();
        let mut search = SearchRows::default();
        let mut images = ImagesUsed::default();
        for entry in entries.iter().filter(|e| !purged.contains(&e.meta.key)) {
            match upsert_entry(&tx, source_id, entry, now, &mut search, &mut images)? {
                Upsert::Inserted => outcome.new += 1,
                Upsert::Updated => outcome.updated += 1,
                Upsert::Same => {}
            }
        }
        search.write(&tx)?;
        outcome.unchanged = outcome.new == 0 && outcome.updated == 0;
        tx.commit()?;
        Ok(outcome)
    }

    /// Marks an entry read or unread.
    pub fn set_read(&mut self, entry_id: i64, read: bool) -> Result<()> {
        self.ensure_entry(entry_id)?;
        self.conn.execute(
            "INSERT INTO entry_state (entry_id, read, read_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (entry_id) DO UPDATE SET read = excluded.read, read_at = excluded.read_at",
            params![entry_id, read, read.then(now)],
        )?;
        Ok(())
    }

    /// Marks many entries read or unread at once ("mark all read", and its undo). Unknown ids are skipped.
    pub fn set_read_many(&mut self, ids: &[i64], read: bool) -> Result<()> {
        let tx = self.conn.transaction()?;
        {
            let mut stmt = tx.prepare_cached(
                "INSERT INTO entry_state (entry_id, read, read_at) SELECT id, ?2, ?3 FROM entries WHERE id = ?1
                 ON CONFLICT (entry_id) DO UPDATE SET read = excluded.read, read_at = excluded.read_at",
            )?;
            let read_at = read.then(now);
            for id in ids {
                stmt.execute(params![id, read, read_at])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Bookmarks an entry or removes its bookmark.
    pub fn set_bookmarked(&mut self, entry_id: i64, bookmarked: bool) -> Result<()> {
        self.ensure_entry(entry_id)?;
        self.conn.execute(
            "INSERT INTO entry_state (entry_id, bookmarked, bookmarked_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (entry_id) DO UPDATE SET bookmarked = excluded.bookmarked,
                                                  bookmarked_at = excluded.bookmarked_at",
            params![entry_id, bookmarked, bookmarked.then(now)],
        )?;
        Ok(())
    }

    fn ensure_entry(&self, entry_id: i64) -> Result<()> {
        let found: Option<i64> =
            self.conn.query_row("SELECT id FROM entries WHERE id = ?1", [entry_id], |r| r.get(0)).optional()?;
        found.map(|_| ()).ok_or(Error::NotFound { what: "entry", id: entry_id })
    }
}

fn record_success(
    tx: &Transaction,
    source_id: i64,
    fetch: &FetchRecord,
    title: Option<&str>,
    site_url: Option<&str>,
) -> Result<()> {
    let changed = tx
        .prepare_cached(
            "UPDATE sources SET etag = ?2, last_modified = ?3, body_hash = coalesce(?4, body_hash),
                    title = coalesce(nullif(?5, ''), title), site_url = coalesce(?6, site_url),
                    last_ok_at = ?7, last_error_code = NULL, last_error_message = NULL, last_error_at = NULL,
                    error_count = 0, next_check_at = ?8, retry_after_at = NULL
              WHERE id = ?1",
        )?
        .execute(params![
            source_id,
            fetch.etag,
            fetch.last_modified,
            fetch.body_hash,
            title,
            site_url,
            now(),
            fetch.fresh_until
        ])?;
    if changed == 0 {
        return Err(Error::NotFound { what: "source", id: source_id });
    }
    follow_move(tx, source_id, fetch)
}

fn follow_move(tx: &Transaction, source_id: i64, fetch: &FetchRecord) -> Result<()> {
    if let Some(url) = &fetch.moved_to {
        // Follow a permanent move unless another subscription already has that address.
        tx.prepare_cached(
            "UPDATE sources SET url = ?2 WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM sources WHERE url = ?2)",
        )?
        .execute(params![source_id, url])?;
    }
    Ok(())
}

enum Upsert {
    Inserted,
    Updated,
    Same,
}

fn upsert_entry<'a>(
    tx: &Transaction,
    source_id: i64,
    entry: &'a CleanEntry,
    now: i64,
    search: &mut SearchRows<'a>,
    images: &mut ImagesUsed,
) -> Result<Upsert> {
    let meta = &entry.meta;
    let published = meta.published_at.map(|t| t.timestamp());
    let updated = meta.updated_at.map(|t| t.timestamp());
    let existing: Option<(String, Previous)> = tx
        .prepare_cached(
            "SELECT e.fingerprint, coalesce(c.sanitizer_version, 0), c.extract_status, c.extract_error,
                    coalesce(c.extract_attempts, 0)
               FROM entries e LEFT JOIN entry_contents c ON c.entry_id = e.id
              WHERE e.source_id = ?1 AND e.entry_key = ?2",
        )?
        .query_row(params![source_id, meta.key], |r| {
            let previous = Previous {
                sanitizer_version: r.get(1)?,
                status: r.get(2)?,
                error: r.get(3)?,
                attempts: r.get(4)?,
                same_story: false,
            };
            Ok((r.get(0)?, previous))
        })
        .optional()?;
    let same_story = existing.as_ref().is_some_and(|(fingerprint, _)| *fingerprint == meta.fingerprint);
    let result = match &existing {
        // Nothing new: no write at all, unless this sync fetched the article page again.
        Some((_, p)) if same_story && p.sanitizer_version >= SANITIZER_VERSION && entry.extract.is_none() => {
            return Ok(Upsert::Same);
        }
        // Same story, cleaned by an older policy or given its full text: not news to the reader.
        Some(_) if same_story => Upsert::Same,
        Some(_) => Upsert::Updated,
        None => Upsert::Inserted,
    };
    // One statement for new and edited stories. An edited story keeps the time it was first seen, and so
    // its place in the list, unless the feed now gives it a date.
    let id: i64 = tx
        .prepare_cached(
            "INSERT INTO entries (source_id, entry_key, guid, url, title, author, published_at, updated_at,
                                  first_seen_at, sort_at, summary, lang, dir, fingerprint)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, coalesce(?7, ?8, ?9), ?10, ?11, ?12, ?13)
             ON CONFLICT (source_id, entry_key) DO UPDATE SET
                guid = excluded.guid, url = excluded.url, title = excluded.title, author = excluded.author,
                published_at = excluded.published_at, updated_at = excluded.updated_at,
                sort_at = coalesce(excluded.published_at, excluded.updated_at, entries.first_seen_at),
                summary = excluded.summary, lang = excluded.lang, dir = excluded.dir,
                fingerprint = excluded.fingerprint
             RETURNING id",
        )?
        .query_row(
            params![
                source_id,
                meta.key,
                meta.guid,
                meta.url,
                meta.title,
                meta.author,
                published,
                updated,
                now,
                meta.summary,
                meta.lang,
                meta.dir,
                meta.fingerprint
            ],
            |r| r.get(0),
        )?;
    let previous = existing.map(|(_, previous)| Previous { same_story, ..previous });
    let body = body_to_store(tx, id, entry, previous)?;
    let text_words = match body.kept {
        false => entry.summary_words(),
        true => summary_words(&body.plain_text),
    };
    debug_assert_eq!(text_words, summary_words(&body.plain_text), "the words of another text");
    // The text is not stored: it is that of the HTML (see migration 8), and only its words are counted.
    tx.prepare_cached(
        "INSERT INTO entry_contents (entry_id, content_html, plain_text, feed_words, sanitizer_version, feed_html,
                                     extract_status, extract_error, extract_attempts)
         VALUES (?1, ?2, '', ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (entry_id) DO UPDATE SET content_html = excluded.content_html,
                plain_text = '', feed_words = excluded.feed_words, sanitizer_version = excluded.sanitizer_version,
                feed_html = excluded.feed_html, extract_status = excluded.extract_status,
                extract_error = excluded.extract_error, extract_attempts = excluded.extract_attempts",
    )?
    .execute(params![
        id,
        body.content_html,
        // At most `SUMMARY_WORDS`.
        text_words as u32,
        SANITIZER_VERSION,
        body.feed_html,
        body.status,
        body.error,
        body.attempts
    ])?;
    // A new id never had pictures, nor words in the index (ids are never reused).
    let existed = !matches!(result, Upsert::Inserted);
    link_images(tx, id, existed, &body.images, now, images)?;
    let words = match &entry.words {
        Some(words) if !body.kept => Cow::Borrowed(words),
        _ => Cow::Owned(SearchWords::of_story(meta, &body.plain_text)),
    };
    debug_assert_eq!(*words, SearchWords::of_story(meta, &body.plain_text), "the words of another text");
    search.add(id, existed, words);
    Ok(result)
}

/// Stories' words for the search index, written together by [`SearchRows::write`].
#[derive(Default)]
pub(super) struct SearchRows<'a> {
    rows: Vec<(i64, Cow<'a, SearchWords>)>,
    /// Stories whose old words go first.
    replaced: Vec<i64>,
}

impl<'a> SearchRows<'a> {
    /// Adds a story's words; `had_words` when the index may hold older ones, which go first.
    pub(super) fn add(&mut self, id: i64, had_words: bool, words: Cow<'a, SearchWords>) {
        if had_words {
            self.replaced.push(id);
        }
        self.rows.push((id, words));
    }

    pub(super) fn len(&self) -> usize {
        self.rows.len()
    }

    /// Writes the rows in one statement (up to [`ROWS_PER_STATEMENT`]), and forgets them. FTS5 writes the
    /// words it holds to disk at the start of every statement that might be undone inside a transaction,
    /// which every write to it is: a statement per story made a segment of the index per story, and
    /// merging those cost more than taking the words. The rows are bound as parameters of a statement
    /// made for their number; passed as JSON, writing and reading it back cost a tenth of the writer's time.
    pub(super) fn write(&mut self, conn: &rusqlite::Connection) -> Result<()> {
        for ids in self.replaced.chunks(ROWS_PER_STATEMENT) {
            let sql = format!("DELETE FROM entry_search WHERE rowid IN ({})", vec!["?"; ids.len()].join(", "));
            conn.prepare(&sql)?.execute(params_from_iter(ids))?;
        }
        for rows in self.rows.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "INSERT INTO entry_search (rowid, title, author, plain_text) VALUES {}",
                vec!["(?, ?, ?, ?)"; rows.len()].join(", ")
            );
            let values = rows.iter().flat_map(|(id, w)| [id as &dyn ToSql, &w.title, &w.author, &w.text]);
            conn.prepare(&sql)?.execute(params_from_iter(values))?;
        }
        *self = SearchRows::default();
        Ok(())
    }
}

/// Stories' rows to one statement at most: four parameters each, far below SQLite's limit of 32,766.
const ROWS_PER_STATEMENT: usize = 1000;

/// The body columns of an entry as they will be stored: the entry's own, or what the cache held.
struct Body<'a> {
    content_html: Cow<'a, str>,
    plain_text: Cow<'a, str>,
    feed_html: Option<Cow<'a, str>>,
    images: Cow<'a, [String]>,
    status: Option<String>,
    error: Option<String>,
    attempts: i64,
    /// The full text stored before stays: `plain_text` is the cache's, not the entry's.
    kept: bool,
}

/// What the cache holds of an entry about to be stored again.
struct Previous {
    status: Option<String>,
    error: Option<String>,
    attempts: i64,
    sanitizer_version: i64,
    same_story: bool,
}

/// What to store of an entry's body. A full text fetched before is never lost to a page that now fails,
/// nor to a sync that did not fetch the page again for the same story: it stays (cleaned again if an
/// older policy cleaned it), and only the feed's version is renewed.
fn body_to_store<'a>(tx: &Transaction, id: i64, entry: &'a CleanEntry, previous: Option<Previous>) -> Result<Body<'a>> {
    let (had_full_text, attempts) = match &previous {
        Some(p) => (p.status.as_deref() == Some("ok"), p.attempts),
        None => (false, 0),
    };
    let fresh = |status: Option<&str>, error: Option<&str>, attempts| Body {
        content_html: Cow::Borrowed(&entry.content_html),
        plain_text: Cow::Borrowed(&entry.plain_text),
        feed_html: entry.feed_html.as_deref().map(Cow::Borrowed),
        images: Cow::Borrowed(&entry.images),
        status: status.map(str::to_owned),
        error: error.map(str::to_owned),
        attempts,
        kept: false,
    };
    let keeps_full_text = had_full_text
        && match &entry.extract {
            Some(Extraction::Failed { .. }) => true,
            None => previous.as_ref().is_some_and(|p| p.same_story),
            // A page no fuller than the feed never replaces the full text of the same story (two syncs that
            // both fetched its page).
            Some(Extraction::Short) => previous.as_ref().is_some_and(|p| p.same_story),
            Some(Extraction::Full) => false,
        };
    let Some(kept) = previous.as_ref().filter(|_| keeps_full_text) else {
        return Ok(match (&entry.extract, &previous) {
            // The same story stored again without its page (cleaned by a newer policy): what its page
            // gave before still holds, so a page that was short, or failed for good, is not fetched again.
            // An embed card its provider did not complete this time (blocked, or down) may have been
            // completed before: the stored body, cleaned again, keeps such cards and their thumbnails.
            (None, Some(p)) if p.same_story && !incomplete_cards(&entry.content_html).is_empty() => {
                Body { feed_html: entry.feed_html.as_deref().map(Cow::Borrowed), ..stored_body(tx, id, p)? }
            }
            (None, Some(p)) if p.same_story => fresh(p.status.as_deref(), p.error.as_deref(), p.attempts),
            (None, _) => fresh(None, None, 0),
            (Some(done @ (Extraction::Full | Extraction::Short)), _) => fresh(Some(done.status()), None, 0),
            (Some(Extraction::Failed { code, message }), _) => fresh(Some(code), Some(message), attempts + 1),
        });
    };
    // The full text stays; the feed's version and its pictures are renewed.
    let mut body = stored_body(tx, id, kept)?;
    let feed_pictures: Vec<String> = entry.images.iter().filter(|u| !body.images.contains(u)).cloned().collect();
    body.images.to_mut().extend(feed_pictures);
    if let Some(Extraction::Failed { message, .. }) = &entry.extract {
        body.error = Some(message.clone());
        body.attempts += 1;
    }
    Ok(Body { feed_html: Some(Cow::Borrowed(&entry.content_html)), ..body })
}

/// The body the cache holds for entry `id`, cleaned again if an older policy cleaned it, with what
/// `previous` says of its article page; its text is that of its HTML (see migration 8). No feed version.
fn stored_body(tx: &Transaction, id: i64, previous: &Previous) -> Result<Body<'static>> {
    let mut content_html: String = tx
        .prepare_cached("SELECT content_html FROM entry_contents WHERE entry_id = ?1")?
        .query_row([id], |r| r.get(0))?;
    let mut images: Vec<String> = tx
        .prepare_cached(
            "SELECT i.url FROM entry_images ei JOIN images i ON i.id = ei.image_id
              WHERE ei.entry_id = ?1 ORDER BY ei.position",
        )?
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let plain_text = if previous.sanitizer_version < SANITIZER_VERSION {
        let again = clean_stored_again(&content_html, &images);
        images.retain(|url| again.images.contains(url));
        content_html = again.html;
        again.plain_text
    } else {
        html_to_text(&content_html)
    };
    Ok(Body {
        content_html: Cow::Owned(content_html),
        plain_text: Cow::Owned(plain_text),
        feed_html: None,
        images: Cow::Owned(images),
        status: previous.status.clone(),
        error: previous.error.clone(),
        attempts: previous.attempts,
        kept: true,
    })
}

/// Forgets the tombstones of entries that left the feed (they cannot come back), and returns the keys
/// of those still in it, which must not be stored again.
fn settle_tombstones(tx: &Transaction, source_id: i64, keys: HashSet<&str>) -> Result<HashSet<String>> {
    let tombstones: Vec<String> = tx
        .prepare_cached("SELECT entry_key FROM tombstones WHERE source_id = ?1")?
        .query_map([source_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut purged = HashSet::new();
    let mut forget = tx.prepare_cached("DELETE FROM tombstones WHERE source_id = ?1 AND entry_key = ?2")?;
    for key in tombstones {
        if keys.contains(key.as_str()) {
            purged.insert(key);
        } else {
            forget.execute(params![source_id, key])?;
        }
    }
    Ok(purged)
}
