//! The commands the window may call. Each unpacks its arguments, calls one core function and maps the
//! error to `{ code, message }`; blocking SQLite work runs on the blocking pool through `with_store`.

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Emitter, Manager, Runtime, State};
use tauri_plugin_opener::OpenerExt;

use std::collections::HashMap;

use super::offline::{self, Trigger};
use super::{AppState, notify};
use crate::discover::FeedLink;
use crate::error::Error;
use crate::extract::FullTextMode;
use crate::model::{CacheInfo, CleanupReport, Cursor, EntryDetail, EntryFilter, EntryPage, SourceInfo, SyncReport};
use crate::settings::{CacheSettings, ReadingSettings};
use crate::store::{self, SourceTarget};
use crate::sync::{self, Progress, SyncOptions, with_store};

/// The page size when the window does not ask for one, and the most it may ask for.
const PAGE: u32 = 100;
const MAX_PAGE: u32 = 1000;

/// The name of the event sent after each source of a sync.
pub const SYNC_PROGRESS: &str = "sync-progress";

/// What the UI receives when a command fails.
#[derive(Debug, Serialize)]
pub struct CommandError {
    code: String,
    message: String,
}

impl From<Error> for CommandError {
    fn from(e: Error) -> Self {
        CommandError { code: e.code(), message: e.to_string() }
    }
}

type Result<T> = std::result::Result<T, CommandError>;

/// The entry list's filters as the window sends them.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EntryQuery {
    source_id: Option<i64>,
    folder: Option<String>,
    #[serde(default)]
    unread_only: bool,
    #[serde(default)]
    bookmarked_only: bool,
    since: Option<i64>,
    search: Option<String>,
    before: Option<Cursor>,
    limit: Option<u32>,
}

impl EntryQuery {
    fn filter(self) -> EntryFilter {
        EntryFilter {
            source_id: self.source_id,
            folder: self.folder,
            unread_only: self.unread_only,
            bookmarked_only: self.bookmarked_only,
            since: self.since,
            search: self.search.filter(|s| !s.trim().is_empty()),
            before: self.before,
            limit: self.limit.unwrap_or(PAGE).clamp(1, MAX_PAGE),
        }
    }
}

/// Sent as [`SYNC_PROGRESS`].
#[derive(Debug, Clone, Serialize)]
pub struct ProgressEvent {
    done: usize,
    total: usize,
    source_id: i64,
    url: String,
    new: u64,
    updated: u64,
    unchanged: bool,
    error: Option<ProgressError>,
}

#[derive(Debug, Clone, Serialize)]
struct ProgressError {
    code: String,
    message: String,
}

impl From<Progress<'_>> for ProgressEvent {
    fn from(p: Progress<'_>) -> Self {
        let (new, updated, unchanged, error) = match p.result {
            Ok(o) => (o.new, o.updated, o.unchanged, None),
            Err(e) => (0, 0, false, Some(ProgressError { code: e.code.clone(), message: e.message.clone() })),
        };
        ProgressEvent {
            done: p.done,
            total: p.total,
            source_id: p.source_id,
            url: p.url.to_owned(),
            new,
            updated,
            unchanged,
            error,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct ChangedIds {
    ids: Vec<i64>,
}

#[tauri::command]
async fn list_sources(state: State<'_, AppState>) -> Result<Vec<SourceInfo>> {
    Ok(with_store(&state.reader, |s| s.list_sources()).await?)
}

#[tauri::command]
async fn list_entries(state: State<'_, AppState>, query: EntryQuery) -> Result<EntryPage> {
    let filter = query.filter();
    Ok(with_store(&state.reader, move |s| s.list_page(&filter)).await?)
}

/// One entry in full. Opening it also marks its pictures as recently used, so they are the last to go
/// when the cache must shrink.
#[tauri::command]
async fn get_entry(state: State<'_, AppState>, id: i64) -> Result<EntryDetail> {
    let mut entry = with_store(&state.reader, move |s| s.get_entry(id)).await?;
    let writer = state.writer.clone();
    tauri::async_runtime::spawn(async move { with_store(&writer, move |s| s.touch_entry_images(id)).await });
    entry.content_html = for_this_platform(entry.content_html);
    entry.feed_html = entry.feed_html.map(for_this_platform);
    Ok(entry)
}

/// Stored HTML names pictures as `offprint-img://localhost/KEY`; on Windows the webview reaches custom
/// schemes as `http://offprint-img.localhost/KEY`.
fn for_this_platform(html: String) -> String {
    if cfg!(windows) { html.replace("offprint-img://localhost/", "http://offprint-img.localhost/") } else { html }
}

#[tauri::command]
async fn set_full_text(state: State<'_, AppState>, source_id: i64, mode: String) -> Result<SourceInfo> {
    let mode = FullTextMode::parse(&mode)?;
    Ok(with_store(&state.writer, move |s| {
        s.set_full_text(source_id, mode)?;
        s.source_info(source_id)
    })
    .await?)
}

#[tauri::command]
async fn get_cache_info(state: State<'_, AppState>) -> Result<CacheInfo> {
    Ok(with_store(&state.reader, |s| s.cache_info()).await?)
}

#[tauri::command]
async fn get_cache_settings(state: State<'_, AppState>) -> Result<CacheSettings> {
    Ok(with_store(&state.reader, |s| CacheSettings::load(s)).await?)
}

#[tauri::command]
async fn set_cache_settings(state: State<'_, AppState>, settings: CacheSettings) -> Result<CacheSettings> {
    Ok(with_store(&state.writer, move |s| {
        settings.save(s)?;
        CacheSettings::load(s)
    })
    .await?)
}

#[tauri::command]
async fn clean_cache(state: State<'_, AppState>) -> Result<CleanupReport> {
    Ok(sync::clean_up(&state.writer).await?)
}

#[tauri::command]
async fn set_read(state: State<'_, AppState>, id: i64, read: bool) -> Result<()> {
    Ok(with_store(&state.writer, move |s| s.set_read(id, read)).await?)
}

#[tauri::command]
async fn set_bookmarked(state: State<'_, AppState>, id: i64, bookmarked: bool) -> Result<()> {
    Ok(with_store(&state.writer, move |s| s.set_bookmarked(id, bookmarked)).await?)
}

#[tauri::command]
async fn set_read_many(state: State<'_, AppState>, ids: Vec<i64>, read: bool) -> Result<()> {
    Ok(with_store(&state.writer, move |s| s.set_read_many(&ids, read)).await?)
}

#[tauri::command]
async fn mark_all_read(state: State<'_, AppState>, query: EntryQuery) -> Result<ChangedIds> {
    let filter = query.filter();
    let ids = with_store(&state.writer, move |s| {
        let ids = s.unread_ids(&filter)?;
        s.set_read_many(&ids, true)?;
        Ok(ids)
    })
    .await?;
    Ok(ChangedIds { ids })
}

#[tauri::command]
async fn add_source(state: State<'_, AppState>, url: String, folder: Option<String>) -> Result<SourceInfo> {
    let folder = folder.map(|f| f.trim().to_owned()).filter(|f| !f.is_empty());
    let (settings, fetcher) = state.fetcher().await?;
    let mode = settings.default_full_text();
    let (source, _) = sync::subscribe(&state.writer, &fetcher, &url, folder, mode).await?;
    state.fetched_at.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).insert(source.id, store::now());
    // The stories are there to read at once; their pictures follow in the background.
    let writer = state.writer.clone();
    tauri::async_runtime::spawn(async move { sync::fetch_pictures(&writer, &fetcher).await });
    Ok(source)
}

/// The feeds an address leads to: the feed itself, or those a web page offers, for the reader to choose.
#[tauri::command]
async fn find_feeds(state: State<'_, AppState>, url: String) -> Result<Vec<FeedLink>> {
    let (_, fetcher) = state.fetcher().await?;
    Ok(sync::find_feeds(&fetcher, &url).await?)
}

/// Syncs every source, or only `source_id`, sending [`SYNC_PROGRESS`] after each. One sync at a time.
#[tauri::command]
async fn sync_now<R: Runtime>(app: AppHandle<R>, source_id: Option<i64>) -> Result<SyncReport> {
    sync_sources_now(&app, source_id, Trigger::Reader).await
}

/// Syncs every source now: the retry after a sync that found no network.
pub(super) async fn retry_sync<R: Runtime>(app: &AppHandle<R>) -> Result<SyncReport> {
    sync_sources_now(app, None, Trigger::Retry).await
}

/// A sync the reader or a retry asked for. One sync at a time.
async fn sync_sources_now<R: Runtime>(
    app: &AppHandle<R>,
    source_id: Option<i64>,
    trigger: Trigger,
) -> Result<SyncReport> {
    let state = app.state::<AppState>();
    let Ok(_running) = state.syncing.try_lock() else {
        return Err(CommandError { code: "sync_running".into(), message: "a sync is already running".into() });
    };
    let targets = match source_id {
        Some(id) => vec![with_store(&state.reader, move |s| s.sync_target(id)).await?],
        None => with_store(&state.reader, |s| s.sync_targets()).await?,
    };
    Ok(run_sync(app, targets, trigger, source_id.is_none()).await?)
}

/// The one way the window syncs, with the sync lock held. The reader's own refreshes pass over sources
/// fetched a moment ago; every sync passes over servers that asked to wait. After a sync of every
/// source (`whole`), the window learns whether the network was reached, and old entries are cleaned up
/// in the background. New stories make one notification.
pub(super) async fn run_sync<R: Runtime>(
    app: &AppHandle<R>,
    targets: Vec<SourceTarget>,
    trigger: Trigger,
    whole: bool,
) -> crate::error::Result<SyncReport> {
    let state = app.state::<AppState>();
    let (settings, fetcher) = state.fetcher().await?;
    let options = SyncOptions { manual: trigger == Trigger::Reader, ..SyncOptions::from_settings(&settings) };
    let targets = state.with_recent_fetches(targets);
    let new_by_source = std::sync::Mutex::new(HashMap::new());
    let report = sync::sync_sources(&state.writer, &fetcher, &options, targets, |p| {
        state.fetched_at.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).insert(p.source_id, store::now());
        if let Ok(outcome) = p.result {
            new_by_source.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).insert(p.source_id, outcome.new);
        }
        // A window that is gone cannot be told; the sync goes on regardless.
        let _ = app.emit(SYNC_PROGRESS, ProgressEvent::from(p));
    })
    .await?;
    // The reader's own refresh needs no notification: they are looking.
    if trigger != Trigger::Reader && settings.notifications == "on" && report.new > 0 {
        let new = new_by_source.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner());
        let sources = with_store(&state.reader, |s| s.list_sources()).await?;
        if let Some((title, body)) = notify::summary(&new, &sources) {
            notify::show(app, &title, &body);
        }
    }
    if whole {
        offline::after_sync(app, &report, trigger);
        let writer = state.writer.clone();
        tauri::async_runtime::spawn(async move { sync::clean_up(&writer).await });
    }
    Ok(report)
}

/// Opens a link in the system browser. Only web and mail links: nothing a post says may start a program.
#[tauri::command]
async fn open_link<R: Runtime>(app: AppHandle<R>, url: String) -> Result<()> {
    let parsed = url::Url::parse(url.trim()).map_err(|_| Error::InvalidArgument(format!("not a link: {url}")))?;
    if !matches!(parsed.scheme(), "http" | "https" | "mailto") {
        return Err(Error::InvalidArgument(format!("links of this kind are not opened: {}", parsed.scheme())).into());
    }
    app.opener()
        .open_url(parsed.as_str(), None::<&str>)
        .map_err(|e| CommandError { code: "open_failed".into(), message: format!("cannot open {parsed}: {e}") })
}

#[tauri::command]
async fn get_settings(state: State<'_, AppState>) -> Result<ReadingSettings> {
    Ok(with_store(&state.reader, |s| ReadingSettings::load(s)).await?)
}

#[tauri::command]
async fn set_settings(state: State<'_, AppState>, settings: ReadingSettings) -> Result<ReadingSettings> {
    Ok(with_store(&state.writer, move |s| {
        settings.save(s)?;
        ReadingSettings::load(s)
    })
    .await?)
}

/// Every command the window may call; `build.rs` lists the same names for the permission manifest.
pub(super) fn handler<R: Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        list_sources,
        list_entries,
        get_entry,
        set_read,
        set_bookmarked,
        set_read_many,
        mark_all_read,
        add_source,
        find_feeds,
        sync_now,
        open_link,
        get_settings,
        set_settings,
        set_full_text,
        get_cache_info,
        get_cache_settings,
        set_cache_settings,
        clean_cache,
        super::sources::remove_source,
        super::sources::rename_source,
        super::sources::move_source,
        super::sources::set_source_settings,
        super::sources::list_folders,
        super::sources::rename_folder,
        super::sources::remove_folder,
        super::sources::import_opml,
        super::sources::export_opml,
        super::sources::export_bookmarks,
        super::sources::get_sync_settings,
        super::sources::set_sync_settings
    ]
}
