//! Pictures in the cache: which entry shows which picture, what became of each fetch, and where the
//! bytes are. A row per URL; files per content (see `crate::pictures`).

use std::collections::HashMap;
use std::path::PathBuf;

use rusqlite::{OptionalExtension, Transaction, TransactionBehavior, params};

use super::{Store, now};
use crate::error::{Error, Result};
use crate::localize::image_key;
use crate::model::ImageInfo;
use crate::pictures::{Picture, file_path, write_file};

/// A picture that failed this many times for a passing reason (the network) is not tried again.
pub const MAX_ATTEMPTS: i64 = 3;

/// The wait before trying a failed picture again, doubled after each failure. A sync soon after another
/// does not knock on the same door again.
const RETRY_AFTER: i64 = 60 * 60;

/// A picture the window may be served: its file and its type.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageFile {
    pub path: PathBuf,
    pub content_type: String,
}

/// A picture to fetch, and how its source is reached (`None`: the reader's settings).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingPicture {
    pub id: i64,
    pub url: String,
    pub proxy: Option<String>,
    pub user_agent: Option<String>,
}

impl Store {
    /// Pictures to fetch, as (id, url): never tried, or failed a while ago for a reason that may have passed.
    pub fn pending_images(&self) -> Result<Vec<(i64, String)>> {
        Ok(self.pending_pictures(0, usize::MAX)?.into_iter().map(|p| (p.id, p.url)).collect())
    }

    /// The pictures to fetch, each with the proxy and User-Agent of a source that shows it (its entries'
    /// or, for an icon, its own), so a source that goes its own way takes its pictures along. Only those
    /// whose id is above `after` (a picture added since has a higher one), at most `limit`, by id.
    pub fn pending_pictures(&self, after: i64, limit: usize) -> Result<Vec<PendingPicture>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT i.id, i.url, s.proxy, s.user_agent
               FROM images i
               LEFT JOIN sources s ON s.id = coalesce(
                    (SELECT e.source_id FROM entry_images ei JOIN entries e ON e.id = ei.entry_id
                      WHERE ei.image_id = i.id AND e.source_id IS NOT NULL LIMIT 1),
                    (SELECT o.id FROM sources o WHERE o.icon_url = i.url LIMIT 1))
              WHERE i.id > ?3
                AND (i.status = 'pending' OR (i.status = 'failed' AND i.attempts < ?1 AND i.retry_at <= ?2))
              ORDER BY i.id LIMIT ?4",
        )?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = stmt.query_map(params![MAX_ATTEMPTS, now(), after, limit], |r| {
            Ok(PendingPicture { id: r.get(0)?, url: r.get(1)?, proxy: r.get(2)?, user_agent: r.get(3)? })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Keeps a fetched picture: writes its file (once per content) and records it, both under the
    /// database's write lock, so a cleanup in another process can never delete the file between the two.
    pub fn record_image(&mut self, id: i64, picture: &Picture) -> Result<()> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let content_hash = write_file(&self.images_dir, picture)?;
        tx.prepare_cached(
            "UPDATE images SET status = 'cached', content_hash = ?2, content_type = ?3, bytes = ?4, error = NULL,
                    attempts = attempts + 1, fetched_at = ?5
              WHERE id = ?1",
        )?
        .execute(params![id, content_hash, picture.content_type, picture.bytes.len() as i64, now()])?;
        tx.commit()?;
        Ok(())
    }

    /// Records a picture that could not be kept. A transient failure may be tried again by a later sync;
    /// any other (a 404, an SVG, too big) is final.
    pub fn record_image_failure(&mut self, id: i64, error: &Error) -> Result<()> {
        let (status, attempts) = match error {
            Error::NotAnImage { .. } | Error::TooLarge { .. } | Error::UnsupportedUrl { .. } => ("skipped", 0),
            e if e.is_transient() => ("failed", 1),
            _ => ("failed", MAX_ATTEMPTS),
        };
        self.conn
            .prepare_cached(
                "UPDATE images SET status = ?2, error = ?3, attempts = max(attempts + ?4, ?4), fetched_at = ?5,
                        retry_at = ?5 + (?6 << min(attempts, 8))
                  WHERE id = ?1",
            )?
            .execute(params![id, status, error.to_string(), attempts, now(), RETRY_AFTER])?;
        Ok(())
    }

    /// The picture the window asks for by the key in its local URL, when its file is kept.
    pub fn image_file(&self, key: &str) -> Result<Option<ImageFile>> {
        let found: Option<(String, String)> = self
            .conn
            .prepare_cached(
                "SELECT content_hash, content_type FROM images
                  WHERE key = ?1 AND status = 'cached' AND content_hash IS NOT NULL",
            )?
            .query_row([key], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        Ok(found.map(|(hash, content_type)| ImageFile { path: file_path(&self.images_dir, &hash), content_type }))
    }

    /// The bytes of a cached picture, by key.
    pub fn image_bytes(&self, key: &str) -> Result<Option<(Vec<u8>, String)>> {
        let Some(file) = self.image_file(key)? else { return Ok(None) };
        match std::fs::read(&file.path) {
            Ok(bytes) => Ok(Some((bytes, file.content_type))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(format!("cannot read the picture {}", file.path.display()), e)),
        }
    }

    /// What became of the picture with this key: its status and, when it was not kept, why.
    pub fn image_state(&self, key: &str) -> Result<Option<(String, Option<String>)>> {
        Ok(self
            .conn
            .query_row("SELECT status, error FROM images WHERE key = ?1", [key], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    }

    /// The pictures of an entry, in the order it shows them.
    pub fn entry_images(&self, entry_id: i64) -> Result<Vec<ImageInfo>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT i.url, i.key, i.bytes, i.status FROM entry_images ei JOIN images i ON i.id = ei.image_id
              WHERE ei.entry_id = ?1 ORDER BY ei.position",
        )?;
        let rows = stmt.query_map([entry_id], |r| {
            Ok(ImageInfo {
                url: r.get(0)?,
                local_url: local_url_of_key(&r.get::<_, String>(1)?),
                bytes: r.get(2)?,
                status: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The reader opened an entry: its pictures are the last to go when the cache must shrink.
    pub fn touch_entry_images(&mut self, entry_id: i64) -> Result<()> {
        self.conn.execute(
            "UPDATE images SET used_at = ?2 WHERE id IN (SELECT image_id FROM entry_images WHERE entry_id = ?1)",
            params![entry_id, now()],
        )?;
        Ok(())
    }
}

/// The pictures one transaction has recorded as used, by URL, with their ids: a picture that many
/// stories of a feed show (a logo, a byline photo) is written once.
#[derive(Default)]
pub(super) struct ImagesUsed(HashMap<String, i64>);

/// Points an entry at its pictures, adding a pending row for each URL not seen before. `replacing` when
/// the entry may already point at some (a new entry never does: ids are never reused).
pub(super) fn link_images(
    tx: &Transaction,
    entry_id: i64,
    replacing: bool,
    urls: &[String],
    now: i64,
    used: &mut ImagesUsed,
) -> Result<()> {
    if replacing {
        tx.prepare_cached("DELETE FROM entry_images WHERE entry_id = ?1")?.execute([entry_id])?;
    }
    let mut link = tx.prepare_cached("INSERT INTO entry_images (entry_id, position, image_id) VALUES (?1, ?2, ?3)")?;
    for (position, url) in urls.iter().enumerate() {
        let image_id = match used.0.get(url) {
            Some(&id) => id,
            None => {
                let id: i64 = tx
                    .prepare_cached(
                        "INSERT INTO images (url, key, used_at) VALUES (?1, ?2, ?3)
                         ON CONFLICT (url) DO UPDATE SET used_at = excluded.used_at RETURNING id",
                    )?
                    .query_row(params![url, image_key(url), now], |r| r.get(0))?;
                used.0.insert(url.clone(), id);
                id
            }
        };
        link.execute(params![entry_id, position as i64, image_id])?;
    }
    Ok(())
}

/// Notes a source's icon as a picture to fetch.
pub(super) fn add_icon(tx: &Transaction, url: &str, now: i64) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO images (url, key, used_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (url) DO UPDATE SET used_at = excluded.used_at",
    )?
    .execute(params![url, image_key(url), now])?;
    Ok(())
}

/// The local URL of a picture by its key, as the window and the CLI show it.
pub(super) fn local_url_of_key(key: &str) -> String {
    format!("{}://localhost/{key}", crate::localize::SCHEME)
}
