//! The sync orchestrator. [`refresh_source`] is the one place that runs the stages in order, and reads
//! top to bottom: fetch, skip if unchanged, parse, sanitize, store. [`sync_all`] only decides how many
//! run at once; [`subscribe`] is the same recipe for a source that is not stored yet.
//!
//! Parsing and sanitizing are CPU work and the store is blocking SQLite, so both run on the blocking
//! pool, never on the async executor's threads. All writes go through one `Store` behind a mutex.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use url::Url;

use crate::error::{Error, Result};
use crate::fetch::{Fetched, Fetcher, Response, Validators, parse_user_url};
use crate::model::{CleanEntry, ParsedEntry, ParsedFeed, RefreshOutcome, SourceInfo, SyncError, SyncReport};
use crate::parse::{complete_from_body, parse_feed};
use crate::sanitize::sanitize_html;
use crate::store::{FetchRecord, NewSource, SourceTarget, Store};
use crate::text::html_to_text;

/// The cache, shared by the tasks of a sync. One writer at a time.
pub type SharedStore = Arc<Mutex<Store>>;

/// How many sources are fetched at once.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    pub concurrency: usize,
    /// At most this many connections to one host at a time, out of politeness.
    pub per_host: usize,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions { concurrency: 8, per_host: 2 }
    }
}

/// Reported after each source of a sync finishes.
#[derive(Debug, Clone)]
pub struct Progress<'a> {
    pub done: usize,
    pub total: usize,
    pub source_id: i64,
    pub url: &'a str,
    pub result: std::result::Result<&'a RefreshOutcome, &'a SyncError>,
}

/// Refreshes one source: the whole recipe.
pub async fn refresh_source(store: &SharedStore, fetcher: &Fetcher, source: &SourceTarget) -> Result<RefreshOutcome> {
    let id = source.id;
    let url = Url::parse(&source.url).map_err(|_| Error::UnsupportedUrl { url: source.url.clone() })?;
    let validators = Validators { etag: source.etag.clone(), last_modified: source.last_modified.clone() };

    // Fetch, conditionally: a 304 costs no parse, and no write unless the source's status must change.
    let response = match fetcher.fetch(&url, &validators).await? {
        Fetched::NotModified { validators, moved_to } => {
            let record = FetchRecord {
                etag: validators.etag,
                last_modified: validators.last_modified,
                body_hash: None,
                moved_to: moved_to.as_ref().map(Url::to_string),
            };
            with_store(store, move |s| s.record_unchanged(id, &record)).await?;
            return Ok(RefreshOutcome { unchanged: true, ..Default::default() });
        }
        Fetched::Body(response) => response,
    };
    let record = fetch_record(&response);

    // A server that ignores validators but sends the same bytes costs no parse either.
    if record.body_hash == source.body_hash {
        with_store(store, move |s| s.record_unchanged(id, &record)).await?;
        return Ok(RefreshOutcome { unchanged: true, ..Default::default() });
    }

    // Parse and sanitize, off the async threads.
    let (feed, entries) = parse_and_clean(response.body, response.content_type, response.final_url).await?;

    // Store, in one transaction.
    with_store(store, move |s| s.apply_refresh(id, &record, &feed.title, feed.site_url.as_deref(), &entries)).await
}

/// Refreshes every source, a few at a time, and reports per source. A failing source is recorded on
/// its row and in the report; it never stops the others.
pub async fn sync_all(
    store: &SharedStore,
    fetcher: &Fetcher,
    options: &SyncOptions,
    on_progress: impl Fn(Progress<'_>),
) -> Result<SyncReport> {
    let targets = with_store(store, |s| s.sync_targets()).await?;
    sync_sources(store, fetcher, options, targets, on_progress).await
}

/// Refreshes the given sources, as [`sync_all`] does for every one.
pub async fn sync_sources(
    store: &SharedStore,
    fetcher: &Fetcher,
    options: &SyncOptions,
    targets: Vec<SourceTarget>,
    on_progress: impl Fn(Progress<'_>),
) -> Result<SyncReport> {
    let total = targets.len();
    let global = Arc::new(Semaphore::new(options.concurrency.max(1)));
    let mut per_host: HashMap<String, Arc<Semaphore>> = HashMap::new();
    let mut tasks = JoinSet::new();
    let mut urls = HashMap::new();
    for target in targets {
        let host = Url::parse(&target.url)
            .ok()
            .map(|u| format!("{}:{:?}", u.host_str().unwrap_or(""), u.port_or_known_default()));
        let host_limit = per_host
            .entry(host.unwrap_or_default())
            .or_insert_with(|| Arc::new(Semaphore::new(options.per_host.max(1))))
            .clone();
        let (global, store, fetcher) = (global.clone(), store.clone(), fetcher.clone());
        let (id, url) = (target.id, target.url.clone());
        // Wait for the host first, so a busy host does not hold global slots other hosts could use.
        let handle = tasks.spawn(async move {
            let _host = host_limit.acquire_owned().await;
            let _slot = global.acquire_owned().await;
            refresh_source(&store, &fetcher, &target).await
        });
        urls.insert(handle.id(), (id, url));
    }

    let mut report = SyncReport { sources: total as u64, ..Default::default() };
    let mut done = 0;
    while let Some(joined) = tasks.join_next_with_id().await {
        done += 1;
        let (task_id, result) = match joined {
            Ok((task_id, result)) => (task_id, result),
            Err(e) => (e.id(), Err(Error::Internal(format!("refresh stopped: {e}")))),
        };
        let (source_id, url) = urls.remove(&task_id).unwrap_or_default();
        match result {
            Ok(outcome) => {
                report.new += outcome.new;
                report.updated += outcome.updated;
                report.unchanged += u64::from(outcome.unchanged);
                on_progress(Progress { done, total, source_id, url: &url, result: Ok(&outcome) });
            }
            Err(error) => {
                let failure = SyncError { source_id, url: url.clone(), code: error.code(), message: error.to_string() };
                let (code, message) = (failure.code.clone(), failure.message.clone());
                with_store(store, move |s| s.record_failure(source_id, &code, &message)).await?;
                report.failed += 1;
                on_progress(Progress { done, total, source_id, url: &url, result: Err(&failure) });
                report.errors.push(failure);
            }
        }
    }
    report.errors.sort_by_key(|e| e.source_id);
    Ok(report)
}

/// Subscribes to the feed at `input`: fetches it once to check that it is a feed and to take its
/// title, then stores the source and its first entries. Nothing is stored when any step fails.
pub async fn subscribe(
    store: &SharedStore,
    fetcher: &Fetcher,
    input: &str,
    folder: Option<String>,
) -> Result<(SourceInfo, RefreshOutcome)> {
    let url = parse_user_url(input)?;
    let requested = url.to_string();
    if let Some(id) = with_store(store, move |s| s.source_id_by_url(&requested)).await? {
        return Err(Error::AlreadySubscribed { id });
    }
    let response = match fetcher.fetch(&url, &Validators::default()).await? {
        Fetched::Body(response) => response,
        Fetched::NotModified { .. } => {
            return Err(Error::Network { url: url.to_string(), detail: "answered 304 to a plain request".into() });
        }
    };
    let address = response.moved_to.clone().unwrap_or(url).to_string();
    // The source is stored at its final address, so it has not moved.
    let record = FetchRecord { moved_to: None, ..fetch_record(&response) };
    let (feed, entries) = parse_and_clean(response.body, response.content_type, response.final_url).await?;
    with_store(store, move |s| {
        let new = NewSource { url: address, site_url: feed.site_url.clone(), title: feed.title.clone(), folder };
        let id = s.add_source(&new)?;
        let outcome = s.apply_refresh(id, &record, &feed.title, feed.site_url.as_deref(), &entries)?;
        Ok((s.source_info(id)?, outcome))
    })
    .await
}

async fn parse_and_clean(
    body: Vec<u8>,
    content_type: Option<String>,
    url: Url,
) -> Result<(ParsedFeed, Vec<CleanEntry>)> {
    run_blocking(move || {
        let mut feed = parse_feed(&body, content_type.as_deref(), &url)?;
        let entries = std::mem::take(&mut feed.entries).into_iter().map(clean_entry).collect();
        Ok((feed, entries))
    })
    .await
}

/// The sanitize stage: the body becomes safe HTML and the text the search index sees.
pub fn clean_entry(entry: ParsedEntry) -> CleanEntry {
    let content_html = sanitize_html(&entry.raw_html, entry.base.as_ref());
    let plain_text = html_to_text(&content_html);
    let mut meta = entry.meta;
    complete_from_body(&mut meta, &plain_text);
    CleanEntry { meta, content_html, plain_text }
}

/// Runs blocking store work on the blocking pool.
pub async fn with_store<T: Send + 'static>(
    store: &SharedStore,
    work: impl FnOnce(&mut Store) -> Result<T> + Send + 'static,
) -> Result<T> {
    let store = store.clone();
    run_blocking(move || {
        // A panic elsewhere while holding the lock cannot leave SQLite half-written (transactions roll
        // back), so a poisoned lock is still safe to use.
        let mut guard = store.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        work(&mut guard)
    })
    .await
}

async fn run_blocking<T: Send + 'static>(work: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(work).await.map_err(|e| Error::Internal(format!("background work failed: {e}")))?
}

/// What a fetch that brought a body teaches about its source.
fn fetch_record(response: &Response) -> FetchRecord {
    FetchRecord {
        etag: response.validators.etag.clone(),
        last_modified: response.validators.last_modified.clone(),
        body_hash: Some(Sha256::digest(&response.body).iter().map(|b| format!("{b:02x}")).collect()),
        moved_to: response.moved_to.as_ref().map(Url::to_string),
    }
}
