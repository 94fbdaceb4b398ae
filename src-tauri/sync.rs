//! The sync orchestrator. [`refresh_source`] is the one place that runs the stages in order, and reads
//! top to bottom: fetch, skip if unchanged, parse, sanitize, full text for summaries, store. The pictures
//! the stored entries show follow, beside the refreshes of other sources ([`fetch_pictures`] alone).
//! [`sync_all`] only decides how many run at once; [`subscribe`] is the same recipe for a source that is
//! not stored yet.
//!
//! Parsing, extracting and sanitizing are CPU work and the store is blocking SQLite, so they run on
//! threads of their own (one per core) and on the blocking pool, never on the async executor's threads.
//! All writes go through one `Store` behind a mutex.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;
use twox_hash::XxHash3_128;
use url::Url;

use crate::discover::{FeedLink, USUAL_PATHS, feed_links, is_web_page, usual_feeds};
use crate::error::{Error, Result};
use crate::extract::{FullTextMode, extract_article, is_fuller};
use crate::fetch::{Fetched, Fetcher, Kind, Response, Validators, parse_user_url};
use crate::localize::clean_body;
use crate::model::{
    CleanEntry, CleanupReport, EntryMeta, Extraction, ParsedEntry, ParsedFeed, RefreshOutcome, SourceInfo, SyncError,
    SyncReport,
};
use crate::oembed::{Details, complete_cards, incomplete_cards};
use crate::parse::{adopt_page_language, complete_from_body, parse_feed};
use crate::pictures::fetch_picture;
use crate::schedule;
use crate::settings::{CacheSettings, SyncSettings};
use crate::store::{
    self, FeedFacts, FetchRecord, KnownEntries, MAX_ATTEMPTS, NewSource, PendingPicture, SearchWords, SourceTarget,
    Store,
};
use crate::text::html_to_text;

/// The cache, shared by the tasks of a sync. One writer at a time.
///
/// Store work waits for its turn asleep, not on a thread: see [`with_store`]. (A sync once had a dozen
/// threads parked on the lock, each keeping a pool of memory of its own: 79 MB at the peak of a
/// 1,000-feed sync, against 57 MB this way.)
#[derive(Clone)]
pub struct SharedStore {
    store: Arc<Mutex<Store>>,
    /// Taken before store work is handed to a thread.
    turn: Arc<Semaphore>,
}

impl SharedStore {
    pub fn new(store: Store) -> SharedStore {
        SharedStore { store: Arc::new(Mutex::new(store)), turn: Arc::new(Semaphore::new(1)) }
    }

    /// The store for work on this thread, waiting for the lock here (outside async code).
    pub fn lock(&self) -> std::sync::LockResult<std::sync::MutexGuard<'_, Store>> {
        self.store.lock()
    }
}

/// How many sources are fetched at once, and how the schedule treats them.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    pub concurrency: usize,
    /// At most this many connections to one host at a time, out of politeness.
    pub per_host: usize,
    /// The regular refresh interval, in seconds, for sources without their own.
    pub interval: i64,
    /// A refresh the reader asked for: sources fetched a moment ago are passed over (see
    /// `schedule::held_back`). Every refresh passes over a server that asked to wait.
    pub manual: bool,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions { concurrency: 24, per_host: 6, interval: schedule::DEFAULT_INTERVAL, manual: false }
    }
}

impl SyncOptions {
    /// The options the reader's settings give.
    pub fn from_settings(settings: &SyncSettings) -> SyncOptions {
        SyncOptions {
            concurrency: settings.concurrency.clamp(1, 32) as usize,
            interval: settings.interval_seconds().unwrap_or(schedule::DEFAULT_INTERVAL),
            ..SyncOptions::default()
        }
    }
}

/// A source's regular interval, in seconds: its own, else the options'.
pub fn interval_of(source: &SourceTarget, default: i64) -> i64 {
    source.refresh_minutes.filter(|&m| m > 0).map_or(default, |m| m * schedule::MINUTE)
}

/// The fetcher a source is reached with: its own proxy and User-Agent, if it has them.
pub fn fetcher_for(fetcher: &Fetcher, source: &SourceTarget) -> Result<Fetcher> {
    fetcher.routed(source.proxy.as_deref(), source.user_agent.as_deref())
}

/// Article pages of one source fetched at once, and at most this many in one refresh: a feed of
/// thousands of summaries gets their pages over several syncs (the others are still "never tried").
const PAGES_AT_ONCE: usize = 2;
const PAGES_PER_REFRESH: usize = 50;

/// Feeds being parsed, cleaned, completed (article pages, embed cards) or stored at once, at most (see
/// [`Limits`]): enough to keep the cores and the store busy, while the bodies fetched meanwhile wait
/// raw, which take a fraction of the memory. Pages and cards are bounded in time
/// (`FetchConfig::extras_timeout`), so slow ones cannot hold these places for long.
pub const FEEDS_IN_HAND: usize = 8;

/// Embed cards of one source refresh completed from their provider, at most.
const EMBED_LOOKUPS: usize = 8;

/// Pictures fetched at once, and at most this many from one host.
const PICTURES_AT_ONCE: usize = 8;
/// Pictures fetched by one sync at most; the rest wait, pending, for the next.
const PICTURES_PER_SYNC: usize = 2_000;
const PICTURES_PER_HOST: usize = 4;

/// Reported after each source of a sync finishes.
#[derive(Debug, Clone)]
pub struct Progress<'a> {
    pub done: usize,
    pub total: usize,
    pub source_id: i64,
    pub url: &'a str,
    pub result: std::result::Result<&'a RefreshOutcome, &'a SyncError>,
}

/// What a sync's refreshes share.
///
/// Connections: at most so many at once, and so many to one host. A refresh holds its host's slot and a
/// global one only while it waits on the network (its feed, then its article pages and embed cards, if
/// any), not while its feed is parsed, cleaned and stored, so the next feeds arrive meanwhile.
///
/// Memory: a refresh takes one of the `fetching` places (as many as the connections) before it asks for
/// its feed. A 304 or an unchanged body gives it back at once; any other body takes one of
/// [`FEEDS_IN_HAND`] places before its feed is parsed, and keeps it until the feed is stored. A sync
/// holds at most as many bodies arriving or waiting for the cores as it has connections, each at most
/// `FetchConfig::max_body`, and `FEEDS_IN_HAND` feeds being worked on; on a slow link the connections
/// stay busy while the cores work, and on a fast one the bodies wait raw.
struct Limits {
    host: Arc<Semaphore>,
    global: Arc<Semaphore>,
    fetching: Arc<Semaphore>,
    in_hand: Arc<Semaphore>,
}

impl Limits {
    /// One of each: a refresh on its own.
    fn one() -> Limits {
        let one = || Arc::new(Semaphore::new(1));
        Limits { host: one(), global: one(), fetching: one(), in_hand: one() }
    }

    /// A place among the refreshes fetching, taken before the request.
    async fn fetching(&self) -> Result<OwnedSemaphorePermit> {
        take(&self.fetching).await
    }

    /// A place in hand for a body that came, given for the place among the fetching, and kept until
    /// its feed is stored.
    async fn hold(&self, fetching: OwnedSemaphorePermit) -> Result<OwnedSemaphorePermit> {
        let in_hand = take(&self.in_hand).await?;
        drop(fetching);
        Ok(in_hand)
    }

    /// Waits for the host first, so a busy host does not hold global slots other hosts could use.
    async fn open(&self) -> Result<(OwnedSemaphorePermit, OwnedSemaphorePermit)> {
        Ok((take(&self.host).await?, take(&self.global).await?))
    }
}

/// A permit of `semaphore`, which is never closed, so the wait cannot fail.
async fn take(semaphore: &Arc<Semaphore>) -> Result<OwnedSemaphorePermit> {
    semaphore.clone().acquire_owned().await.map_err(|e| Error::Internal(format!("no permit: {e}")))
}

/// Refreshes one source: the whole recipe. `interval` is its regular refresh interval, in seconds.
pub async fn refresh_source(
    store: &SharedStore,
    fetcher: &Fetcher,
    source: &SourceTarget,
    interval: i64,
) -> Result<RefreshOutcome> {
    refresh_through(store, fetcher, source, interval, &Limits::one()).await
}

/// [`refresh_source`], within the `limits` of a sync.
async fn refresh_through(
    store: &SharedStore,
    fetcher: &Fetcher,
    source: &SourceTarget,
    interval: i64,
    limits: &Limits,
) -> Result<RefreshOutcome> {
    let id = source.id;
    let url = Url::parse(&source.url).map_err(|_| Error::UnsupportedUrl { url: source.url.clone() })?;
    let validators = Validators { etag: source.etag.clone(), last_modified: source.last_modified.clone() };
    let fetcher = &fetcher_for(fetcher, source)?;

    // Fetch, conditionally: a 304 costs no parse, and no write unless the source's status must change.
    let fetching = limits.fetching().await?;
    let open = limits.open().await?;
    let fetched = fetcher.fetch(&url, &validators).await;
    drop(open);
    let response = match fetched? {
        Fetched::NotModified { validators, moved_to, fresh_for } => {
            let record = FetchRecord {
                etag: validators.etag,
                last_modified: validators.last_modified,
                body_hash: None,
                moved_to: moved_to.as_ref().map(Url::to_string),
                fresh_until: schedule::fresh_until(store::now(), interval, fresh_for, source.ttl_minutes),
            };
            // Nothing held: the next request need not wait for the store's turn.
            drop(fetching);
            with_store(store, move |s| s.record_unchanged(id, &record)).await?;
            return Ok(RefreshOutcome { unchanged: true, ..Default::default() });
        }
        Fetched::Body(response) => response,
    };
    let mut record = fetch_record(&response);
    record.fresh_until = schedule::fresh_until(store::now(), interval, response.fresh_for, source.ttl_minutes);

    // A server that ignores validators but sends the same bytes costs no parse either.
    if record.body_hash == source.body_hash {
        drop((fetching, response));
        with_store(store, move |s| s.record_unchanged(id, &record)).await?;
        return Ok(RefreshOutcome { unchanged: true, ..Default::default() });
    }
    let _in_hand = limits.hold(fetching).await?;

    // Parse and sanitize, off the async threads. A story the cache already holds as the feed gives it now
    // is not cleaned again (in a feed of fifty, usually all but the few new ones). For a source of which
    // the cache holds nothing, nothing is looked up: the cache may be busy storing another source.
    let known = Arc::new(match source.holds_entries {
        true => with_store(store, move |s| s.known_entries(id)).await?,
        false => KnownEntries::default(),
    });
    let mode = source.full_text;
    let reusable = {
        let known = known.clone();
        move |entry: &ParsedEntry| reusable(mode, entry, &known)
    };
    let (feed, entries, unchanged) =
        parse_and_clean(response.body, response.content_type, response.final_url, reusable).await?;
    record.fresh_until = schedule::fresh_until(store::now(), interval, response.fresh_for, feed.ttl_minutes);

    // Full text from the article pages of summaries not seen before.
    let entries = add_full_text(fetcher, mode, entries, &known, limits).await?;
    let entries = complete_embeds(fetcher, entries, &known, limits).await?;

    // Store, in one transaction.
    let facts = FeedFacts { unchanged, ..feed_facts(&feed, &url) };
    with_store(store, move |s| s.apply_refresh(id, &record, &facts, &entries)).await
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

/// The sources a refresh fetches now, and how many it passes over (see `schedule::held_back`).
pub fn ready_now(targets: Vec<SourceTarget>, manual: bool) -> (Vec<SourceTarget>, u64) {
    let now = store::now();
    let before = targets.len();
    let ready: Vec<SourceTarget> =
        targets.into_iter().filter(|t| schedule::held_back(&t.clock, now, manual).is_none()).collect();
    let skipped = (before - ready.len()) as u64;
    (ready, skipped)
}

/// The sources with their hosts (and ports), in turns: the first of each host, then the second of
/// each... The refreshes take their places among the fetching (see [`Limits`]) in this order, so the
/// feeds of one host, which wait for its few connections, never fill them all while other hosts' feeds
/// could be fetched.
fn by_turns_of_host<T>(targets: Vec<T>, url: impl Fn(&T) -> &str) -> Vec<(String, T)> {
    let mut hosts: Vec<(String, Vec<T>)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for target in targets {
        let host = Url::parse(url(&target))
            .ok()
            .map(|u| format!("{}:{:?}", u.host_str().unwrap_or(""), u.port_or_known_default()))
            .unwrap_or_default();
        match index.get(&host) {
            Some(&i) => hosts[i].1.push(target),
            None => {
                index.insert(host.clone(), hosts.len());
                hosts.push((host, vec![target]));
            }
        }
    }
    let mut turns = Vec::new();
    let mut queues: Vec<_> = hosts.into_iter().map(|(host, of_host)| (host, of_host.into_iter())).collect();
    while !queues.is_empty() {
        queues.retain_mut(|(host, queue)| match queue.next() {
            Some(target) => {
                turns.push((host.clone(), target));
                true
            }
            None => false,
        });
    }
    turns
}

/// Refreshes the given sources, as [`sync_all`] does for every one.
pub async fn sync_sources(
    store: &SharedStore,
    fetcher: &Fetcher,
    options: &SyncOptions,
    targets: Vec<SourceTarget>,
    on_progress: impl Fn(Progress<'_>),
) -> Result<SyncReport> {
    let (targets, skipped) = ready_now(targets, options.manual);
    let total = targets.len();
    let concurrency = options.concurrency.max(1);
    let global = Arc::new(Semaphore::new(concurrency));
    let fetching = Arc::new(Semaphore::new(concurrency));
    let in_hand = Arc::new(Semaphore::new(FEEDS_IN_HAND));
    let mut per_host: HashMap<String, Arc<Semaphore>> = HashMap::new();
    let mut tasks = JoinSet::new();
    let mut urls = HashMap::new();
    for (host, target) in by_turns_of_host(targets, |t| &t.url) {
        let host = per_host.entry(host).or_insert_with(|| Arc::new(Semaphore::new(options.per_host.max(1)))).clone();
        let limits = Limits { host, global: global.clone(), fetching: fetching.clone(), in_hand: in_hand.clone() };
        let (store, fetcher) = (store.clone(), fetcher.clone());
        let (id, url) = (target.id, target.url.clone());
        let interval = interval_of(&target, options.interval);
        let handle = tasks.spawn(async move { refresh_through(&store, &fetcher, &target, interval, &limits).await });
        urls.insert(handle.id(), (id, url));
    }

    let mut report = SyncReport { sources: total as u64, skipped, ..Default::default() };
    let mut pictures = Pictures::new(store, fetcher);
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
                if outcome.new + outcome.updated > 0 {
                    pictures.start_pending().await;
                }
                on_progress(Progress { done, total, source_id, url: &url, result: Ok(&outcome) });
            }
            Err(error) => {
                let failure = SyncError { source_id, url: url.clone(), code: error.code(), message: error.to_string() };
                let (code, message) = (failure.code.clone(), failure.message.clone());
                let wait = match &error {
                    Error::Http { status: 429 | 503, retry_after, .. } => {
                        schedule::retry_after_until(store::now(), *retry_after)
                    }
                    _ => None,
                };
                with_store(store, move |s| s.record_failure(source_id, &code, &message, wait)).await?;
                report.failed += 1;
                on_progress(Progress { done, total, source_id, url: &url, result: Err(&failure) });
                report.errors.push(failure);
            }
        }
    }
    report.errors.sort_by_key(|e| e.source_id);
    // Pictures left from earlier syncs, and those of the sources stored last.
    pictures.start_pending().await;
    pictures.finish().await?;
    Ok(report)
}

/// Subscribes to the feed at `input`: fetches it once to check that it is a feed and to take its
/// title, then stores the source and its first entries (with their full text). Nothing is stored when
/// any step fails. Their pictures are left to [`fetch_pictures`]. A web page's first feed is taken, as
/// [`subscribe_page`] does.
pub async fn subscribe(
    store: &SharedStore,
    fetcher: &Fetcher,
    input: &str,
    folder: Option<String>,
    full_text: FullTextMode,
) -> Result<(SourceInfo, RefreshOutcome)> {
    subscribe_page(store, fetcher, input, folder, full_text, 1).await.map(|s| (s.source, s.outcome))
}

/// A new subscription, and the feeds the page it was made from offered (empty when `input` was a feed).
#[derive(Debug, Clone)]
pub struct Subscribed {
    pub source: SourceInfo,
    pub outcome: RefreshOutcome,
    pub offered: Vec<FeedLink>,
}

/// Subscribes to `input`, a feed or a web page. A page's feeds are the ones it announces
/// (`<link rel="alternate">`), else the first found at the site's usual feed addresses; `pick` (from 1)
/// chooses among them.
pub async fn subscribe_page(
    store: &SharedStore,
    fetcher: &Fetcher,
    input: &str,
    folder: Option<String>,
    full_text: FullTextMode,
    pick: usize,
) -> Result<Subscribed> {
    let url = parse_user_url(input)?;
    refuse_if_subscribed(store, &url).await?;
    let response = fetcher.get(&url, Kind::Feed).await?;
    let parsed =
        parse_and_clean(response.body.clone(), response.content_type.clone(), response.final_url.clone(), |_| false)
            .await;
    // Nothing is known of a new source: every entry is cleaned, none comes apart unchanged.
    let (requested, response, (feed, entries, _), offered) = match parsed {
        Ok(parsed) if pick <= 1 => (url, response, parsed, Vec::new()),
        Ok(_) => return Err(Error::InvalidArgument(format!("{url} is a feed, not a page offering several"))),
        Err(Error::NotAFeed { .. }) if is_web_page(&response.body, response.content_type.as_deref()) => {
            let offered = discover(fetcher, &response).await?;
            let chosen = offered.get(pick.max(1) - 1).ok_or_else(|| {
                Error::InvalidArgument(format!("{url} offers {} feed(s); there is no number {pick}", offered.len()))
            })?;
            let chosen = Url::parse(&chosen.url).map_err(|_| Error::UnsupportedUrl { url: chosen.url.clone() })?;
            refuse_if_subscribed(store, &chosen).await?;
            let response = fetcher.get(&chosen, Kind::Feed).await?;
            let parsed = parse_and_clean(
                response.body.clone(),
                response.content_type.clone(),
                response.final_url.clone(),
                |_| false,
            )
            .await?;
            (chosen, response, parsed, offered)
        }
        Err(e) => return Err(e),
    };
    let address = response.moved_to.clone().unwrap_or(requested).to_string();
    // The source is stored at its final address, so it has not moved.
    let fresh_until =
        schedule::fresh_until(store::now(), schedule::DEFAULT_INTERVAL, response.fresh_for, feed.ttl_minutes);
    let record = FetchRecord { moved_to: None, fresh_until, ..fetch_record(&response) };
    let (known, limits) = (KnownEntries::default(), Limits::one());
    let entries = add_full_text(fetcher, full_text, entries, &known, &limits).await?;
    let entries = complete_embeds(fetcher, entries, &known, &limits).await?;
    let facts = feed_facts(&feed, &response.final_url);
    let (id, outcome) = with_store(store, move |s| {
        let new =
            NewSource { url: address, site_url: facts.site_url.clone(), title: facts.title.clone(), folder, full_text };
        let id = s.add_source(&new)?;
        Ok((id, s.apply_refresh(id, &record, &facts, &entries)?))
    })
    .await?;
    let source = with_store(store, move |s| s.source_info(id)).await?;
    Ok(Subscribed { source, outcome, offered })
}

/// The feeds `input` leads to, for the reader to choose from before subscribing: itself when it is a
/// feed (with its title), else those the web page offers.
pub async fn find_feeds(fetcher: &Fetcher, input: &str) -> Result<Vec<FeedLink>> {
    let url = parse_user_url(input)?;
    let response = fetcher.get(&url, Kind::Feed).await?;
    let (body, content_type, final_url) =
        (response.body.clone(), response.content_type.clone(), response.final_url.clone());
    match run_blocking(move || parse_feed(&body, content_type.as_deref(), &final_url)).await {
        Ok(feed) => {
            let address = response.moved_to.clone().unwrap_or(url);
            Ok(vec![FeedLink { url: address.into(), title: Some(feed.title) }])
        }
        Err(Error::NotAFeed { .. }) if is_web_page(&response.body, response.content_type.as_deref()) => {
            discover(fetcher, &response).await
        }
        Err(e) => Err(e),
    }
}

async fn refuse_if_subscribed(store: &SharedStore, url: &Url) -> Result<()> {
    let url = url.to_string();
    match with_store(store, move |s| s.source_id_by_url(&url)).await? {
        Some(id) => Err(Error::AlreadySubscribed { id }),
        None => Ok(()),
    }
}

/// The feeds a web page offers: those it announces, else the first that answers as a feed at the site's
/// usual addresses.
async fn discover(fetcher: &Fetcher, page: &Response) -> Result<Vec<FeedLink>> {
    let announced = feed_links(&page.body, page.content_type.as_deref(), &page.final_url);
    if !announced.is_empty() {
        return Ok(announced);
    }
    for candidate in usual_feeds(&page.final_url) {
        let Ok(response) = fetcher.get(&candidate, Kind::Feed).await else { continue };
        let (body, content_type, url) = (response.body, response.content_type, response.final_url);
        if run_blocking(move || parse_feed(&body, content_type.as_deref(), &url)).await.is_ok() {
            return Ok(vec![FeedLink { url: candidate.into(), title: None }]);
        }
    }
    Err(Error::NotAFeed {
        url: page.final_url.to_string(),
        detail: format!(
            "it is a web page that announces no feed, and none answers at {}",
            USUAL_PATHS.iter().take(4).copied().collect::<Vec<_>>().join(", ") + "..."
        ),
    })
}

/// What the store keeps of the feed itself. A feed that names no icon gets its site's `/favicon.ico`.
fn feed_facts(feed: &ParsedFeed, feed_url: &Url) -> FeedFacts {
    let site = feed.site_url.as_deref().and_then(|u| Url::parse(u).ok()).unwrap_or_else(|| feed_url.clone());
    let icon = feed.icon.clone().or_else(|| site.join("/favicon.ico").ok().map(String::from));
    FeedFacts {
        title: feed.title.clone(),
        site_url: feed.site_url.clone(),
        icon,
        ttl_minutes: feed.ttl_minutes,
        unchanged: Vec::new(),
    }
}

/// The full-text stage: fetches the article page of each entry that needs one, a few at a time, and
/// keeps the page's text when it is fuller than the feed's. A page that fails leaves its entry as the
/// feed gave it, with the failure noted; it never fails the sync. The pages are fetched over one of the
/// sync's connections (see [`Limits`]), opened only when some page is wanted.
async fn add_full_text(
    fetcher: &Fetcher,
    mode: FullTextMode,
    entries: Vec<CleanEntry>,
    known: &KnownEntries,
    limits: &Limits,
) -> Result<Vec<CleanEntry>> {
    let mut pages = 0;
    let wanted: Vec<(CleanEntry, Option<Url>)> = entries
        .into_iter()
        .map(|entry| {
            let page = page_to_fetch(mode, &entry, known).filter(|_| pages < PAGES_PER_REFRESH);
            pages += usize::from(page.is_some());
            (entry, page)
        })
        .collect();
    if pages == 0 {
        return Ok(wanted.into_iter().map(|(entry, _)| entry).collect());
    }
    let _open = limits.open().await?;
    let limit = Arc::new(Semaphore::new(PAGES_AT_ONCE));
    let mut slots: Vec<Option<CleanEntry>> = Vec::with_capacity(wanted.len());
    let mut tasks = JoinSet::new();
    for (slot, (entry, page)) in wanted.into_iter().enumerate() {
        match page {
            Some(page) => {
                let (limit, fetcher) = (limit.clone(), fetcher.clone());
                tasks.spawn(async move {
                    let _permit = limit.acquire_owned().await;
                    (slot, with_full_text(&fetcher, mode, entry, page).await)
                });
                slots.push(None);
            }
            None => slots.push(Some(entry)),
        }
    }
    while let Some(joined) = tasks.join_next().await {
        if let Ok((slot, entry)) = joined {
            slots[slot] = Some(entry);
        }
    }
    Ok(slots.into_iter().flatten().collect())
}

/// The article page to fetch for `entry`, if it needs one: its source wants full text for it, and it is
/// new, edited, never tried, or its last attempt failed for a reason that may have passed.
fn page_to_fetch(mode: FullTextMode, entry: &CleanEntry, known: &KnownEntries) -> Option<Url> {
    page_wanted(mode, &entry.meta, known, || entry.summary_words())
}

/// [`page_to_fetch`] for the entry `meta` describes, whose feed text has `words()` words.
fn page_wanted(
    mode: FullTextMode,
    meta: &EntryMeta,
    known: &KnownEntries,
    words: impl FnOnce() -> usize,
) -> Option<Url> {
    let url = meta.url.as_deref().and_then(|u| Url::parse(u).ok())?;
    if !matches!(url.scheme(), "http" | "https") || known.purged.contains(&meta.key) {
        return None;
    }
    if !mode.wants(words) {
        return None;
    }
    // A newer sanitizer policy alone does not fetch the page again: a full text already kept is cleaned
    // again where it is stored (a page that changed since, or is gone, must not replace it).
    let needed = match known.kept.get(&meta.key) {
        None => true,
        Some(k) if k.fingerprint != meta.fingerprint => true,
        Some(k) => match k.extract_status.as_deref() {
            None => true,
            Some("ok" | "short") => false,
            Some(code) => is_transient_code(code) && k.extract_attempts < MAX_ATTEMPTS,
        },
    };
    needed.then_some(url)
}

/// The embeds stage: asks the providers of the players in new or edited entries for the thumbnail and
/// title their cards lack, over one of the sync's connections (see [`Limits`]). A provider that does not
/// answer leaves its card as it is.
async fn complete_embeds(
    fetcher: &Fetcher,
    mut entries: Vec<CleanEntry>,
    known: &KnownEntries,
    limits: &Limits,
) -> Result<Vec<CleanEntry>> {
    let fresh = |e: &CleanEntry| {
        !known.purged.contains(&e.meta.key) && known.kept.get(&e.meta.key).is_none_or(|k| !k.holds(&e.meta))
    };
    let mut wanted: HashMap<String, Url> = HashMap::new();
    for entry in entries.iter().filter(|e| fresh(e)) {
        for html in std::iter::once(&entry.content_html).chain(entry.feed_html.as_ref()) {
            for card in incomplete_cards(html) {
                // A feed full of players (or of cards spelled to look like them) asks only so many.
                if wanted.len() < EMBED_LOOKUPS {
                    wanted.entry(card.href).or_insert(card.endpoint);
                }
            }
        }
    }
    if wanted.is_empty() {
        return Ok(entries);
    }
    let open = limits.open().await?;
    let limit = Arc::new(Semaphore::new(PAGES_AT_ONCE));
    let mut tasks = JoinSet::new();
    for (href, endpoint) in wanted {
        let (limit, fetcher) = (limit.clone(), fetcher.clone());
        tasks.spawn(async move {
            let _permit = limit.acquire_owned().await;
            let answer = fetcher.get(&endpoint, Kind::Page).await;
            (href, answer.ok().and_then(|response| Details::parse(&response.body)))
        });
    }
    let mut found = HashMap::new();
    while let Some(joined) = tasks.join_next().await {
        if let Ok((href, Some(details))) = joined {
            found.insert(href, details);
        }
    }
    drop(open);
    for entry in entries.iter_mut().filter(|e| fresh(e)) {
        complete_entry_cards(entry, &found);
    }
    Ok(entries)
}

/// Completes the cards of `entry` with what their providers said (`found`, by link): thumbnails become
/// pictures of the entry, and titles text of the story.
fn complete_entry_cards(entry: &mut CleanEntry, found: &HashMap<String, Details>) {
    let (html, mut thumbnails) = complete_cards(&entry.content_html, found);
    if html != entry.content_html {
        // A card's title is text the reader sees: the index takes the words of the story as stored, as it
        // does when it takes them from the stored HTML.
        entry.set_text(html_to_text(&html));
        entry.words = Some(SearchWords::of_story(&entry.meta, &entry.plain_text));
    }
    entry.content_html = html;
    if let Some(feed_html) = &entry.feed_html {
        let (html, more) = complete_cards(feed_html, found);
        entry.feed_html = Some(html);
        thumbnails.extend(more);
    }
    for url in thumbnails {
        if !entry.images.contains(&url) {
            entry.images.push(url);
        }
    }
}

/// Whether an error code names a failure that may pass by itself (see [`Error::is_transient`]).
fn is_transient_code(code: &str) -> bool {
    match code.strip_prefix("http_").and_then(|s| s.parse::<u16>().ok()) {
        Some(status) => status == 408 || status == 429 || status >= 500,
        None => matches!(code, "dns" | "connect" | "tls" | "timeout" | "network"),
    }
}

async fn with_full_text(fetcher: &Fetcher, mode: FullTextMode, mut entry: CleanEntry, page: Url) -> CleanEntry {
    let page = async {
        let response = fetcher.get(&page, Kind::Page).await?;
        run_cpu_bound(move || {
            let article = extract_article(&response.body, response.content_type.as_deref(), &response.final_url)?;
            Ok((clean_body(&article.html, Some(&response.final_url)), article.lang))
        })
        .await
    };
    entry.extract = Some(match page.await {
        Ok((page, lang)) if is_fuller(&page.plain_text, &entry.plain_text, mode) => {
            if let Some(lang) = lang {
                adopt_page_language(&mut entry.meta, &lang);
            }
            entry.feed_html = Some(std::mem::replace(&mut entry.content_html, page.html));
            // The store takes the words of the page's text (full text is for a few summaries only).
            entry.set_text(page.plain_text);
            let feed_images = std::mem::replace(&mut entry.images, page.images);
            for url in feed_images {
                if !entry.images.contains(&url) {
                    entry.images.push(url);
                }
            }
            Extraction::Full
        }
        Ok(_) => Extraction::Short,
        Err(e) => Extraction::Failed { code: e.code(), message: e.to_string() },
    });
    entry
}

/// The pictures stage: fetches every picture the cache still lacks (new ones, and those whose last
/// attempt failed for a passing reason), a few at a time and politely per host, into the data
/// directory. A picture that fails is recorded and shows as a placeholder; it never fails the sync.
pub async fn fetch_pictures(store: &SharedStore, fetcher: &Fetcher) -> Result<()> {
    let mut pictures = Pictures::new(store, fetcher);
    pictures.start_pending().await;
    pictures.finish().await
}

/// The pictures stage of a sync, run beside its refreshes: each time a source is stored, the pictures
/// it brought start downloading while the other sources are still being fetched. At most
/// [`PICTURES_PER_HOST`] at once from one host, on top of the refreshes' own connections to it.
struct Pictures {
    store: SharedStore,
    fetcher: Fetcher,
    global: Arc<Semaphore>,
    per_host: HashMap<String, Arc<Semaphore>>,
    /// How many pictures this sync started, and the highest id among them: a picture the cache takes
    /// on later has a higher one.
    started: usize,
    last_id: i64,
    tasks: JoinSet<Result<()>>,
    /// The first failure to list the pictures to fetch: it stops the listing, and `finish` reports it.
    listing_failed: Option<Error>,
}

impl Pictures {
    fn new(store: &SharedStore, fetcher: &Fetcher) -> Pictures {
        Pictures {
            store: store.clone(),
            fetcher: fetcher.clone(),
            global: Arc::new(Semaphore::new(PICTURES_AT_ONCE)),
            per_host: HashMap::new(),
            started: 0,
            last_id: 0,
            tasks: JoinSet::new(),
            listing_failed: None,
        }
    }

    /// Starts every picture the cache lacks that this sync has not started yet, up to
    /// [`PICTURES_PER_SYNC`] in all; the rest wait, pending, for the next sync.
    async fn start_pending(&mut self) {
        let (after, room) = (self.last_id, PICTURES_PER_SYNC - self.started);
        if room == 0 || self.listing_failed.is_some() {
            return;
        }
        let pending = match with_store(&self.store, move |s| s.pending_pictures(after, room)).await {
            Ok(pending) => pending,
            Err(error) => {
                self.listing_failed = Some(error);
                return;
            }
        };
        for PendingPicture { id, url, proxy, user_agent } in pending {
            self.started += 1;
            self.last_id = id;
            let host = Url::parse(&url).ok().and_then(|u| u.host_str().map(str::to_owned)).unwrap_or_default();
            let host_limit =
                self.per_host.entry(host).or_insert_with(|| Arc::new(Semaphore::new(PICTURES_PER_HOST))).clone();
            let (global, store) = (self.global.clone(), self.store.clone());
            let fetcher = self.fetcher.routed(proxy.as_deref(), user_agent.as_deref());
            self.tasks.spawn(async move {
                let _host = host_limit.acquire_owned().await;
                let _slot = global.acquire_owned().await;
                let fetched = match fetcher {
                    Ok(fetcher) => fetch_picture(&fetcher, &url).await,
                    Err(e) => Err(e),
                };
                match fetched {
                    Ok(picture) => with_store(&store, move |s| s.record_image(id, &picture)).await,
                    Err(error) => with_store(&store, move |s| s.record_image_failure(id, &error)).await,
                }
            });
        }
    }

    /// Waits for every picture started. A failure to list them, or a picture that could not be written
    /// (a full disk), stops nothing else; the first is reported once every other picture had its chance.
    async fn finish(mut self) -> Result<()> {
        let mut first_error = self.listing_failed.take();
        while let Some(joined) = self.tasks.join_next().await {
            let result = joined.map_err(|e| Error::Internal(format!("picture fetch stopped: {e}"))).and_then(|r| r);
            if let Err(e) = result {
                first_error.get_or_insert(e);
            }
        }
        first_error.map_or(Ok(()), Err)
    }
}

/// Parses a feed and cleans its entries but those `reusable` says the cache holds as they are, whose keys
/// come apart.
async fn parse_and_clean(
    body: Vec<u8>,
    content_type: Option<String>,
    url: Url,
    reusable: impl Fn(&ParsedEntry) -> bool + Send + 'static,
) -> Result<(ParsedFeed, Vec<CleanEntry>, Vec<String>)> {
    run_cpu_bound(move || {
        let mut feed = parse_feed(&body, content_type.as_deref(), &url)?;
        let (unchanged, fresh): (Vec<ParsedEntry>, _) =
            std::mem::take(&mut feed.entries).into_iter().partition(|entry| reusable(entry));
        let entries = fresh.into_iter().map(clean_entry).collect();
        Ok((feed, entries, unchanged.into_iter().map(|entry| entry.meta.key).collect()))
    })
    .await
}

/// Whether `entry` needs no cleaning in this sync: retention purged it (it is not stored again), or the
/// cache holds this very story (same fingerprint) cleaned by the current policy, and it needs no article
/// page (judged by the text stored, which is the feed's while no page was taken).
fn reusable(mode: FullTextMode, entry: &ParsedEntry, known: &KnownEntries) -> bool {
    let key = &entry.meta.key;
    known.purged.contains(key)
        || known
            .kept
            .get(key)
            .is_some_and(|k| k.holds(&entry.meta) && page_wanted(mode, &entry.meta, known, || k.words).is_none())
}

/// The sanitize stage: the body becomes safe HTML whose pictures point at the cache, and the text the
/// search index sees, as its words.
pub fn clean_entry(entry: ParsedEntry) -> CleanEntry {
    let body = clean_body(&entry.raw_html, entry.base.as_ref());
    let mut meta = entry.meta;
    complete_from_body(&mut meta, &body.plain_text);
    let mut clean = CleanEntry { meta, content_html: body.html, images: body.images, ..Default::default() };
    clean.set_text(body.plain_text);
    clean.words = Some(SearchWords::of_story(&clean.meta, &clean.plain_text));
    clean
}

/// Applies the retention settings now: old entries and pictures over their space go; bookmarks stay.
pub async fn clean_up(store: &SharedStore) -> Result<CleanupReport> {
    with_store(store, |s| {
        let rules = CacheSettings::load(s)?.retention();
        s.clean_up(&rules)
    })
    .await
}

/// Runs blocking store work on the blocking pool, once it is this task's turn.
pub async fn with_store<T: Send + 'static>(
    store: &SharedStore,
    work: impl FnOnce(&mut Store) -> Result<T> + Send + 'static,
) -> Result<T> {
    // Never closed, so the wait cannot fail.
    let turn = store.turn.clone().acquire_owned().await.map_err(|e| Error::Internal(format!("no turn: {e}")))?;
    let store = store.store.clone();
    run_blocking(move || {
        // Held until the work is done, even if the task waiting for it is dropped.
        let _turn = turn;
        // A panic elsewhere while holding the lock cannot leave SQLite half-written (transactions roll
        // back), so a poisoned lock is still safe to use.
        let mut guard = store.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let done = work(&mut guard);
        if let Err(error) = &done {
            guard.note_damage(error);
        }
        done
    })
    .await
}

async fn run_blocking<T: Send + 'static>(work: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(work).await.map_err(|e| Error::Internal(format!("background work failed: {e}")))?
}

/// Work for the cleaning threads.
type Job = Box<dyn FnOnce() + Send>;

/// Runs parsing and cleaning on threads of their own, one per core, that last as long as the process. A
/// job waits its turn in their queue, holding its feed meanwhile: more at once would only share the
/// cores. The store's writer shares them too, but it is busy for less than half of a sync.
///
/// On the blocking pool, the jobs landed on whichever of its threads was free, and the allocator kept
/// memory for each of them: peak memory grew with every thread that had ever cleaned a feed. The same
/// few threads keep it a few times only.
async fn run_cpu_bound<T: Send + 'static>(work: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    static JOBS: OnceLock<Option<std::sync::mpsc::Sender<Job>>> = OnceLock::new();
    let Some(jobs) = JOBS.get_or_init(start_cleaning_threads) else {
        return Err(Error::Internal("no thread could be started to clean feeds on".into()));
    };
    let (done, result) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        // Its refresh was given up while it waited (the sync stopped): its feed is not worth the work.
        if !done.is_closed() {
            let _ = done.send(work());
        }
    });
    jobs.send(job).map_err(|_| Error::Internal("the cleaning threads stopped".into()))?;
    // A job that panicked dropped its sender: the thread goes on with the next one.
    result.await.map_err(|_| Error::Internal("background work failed".into()))?
}

/// Starts a cleaning thread per core; `None` if not one could start.
fn start_cleaning_threads() -> Option<std::sync::mpsc::Sender<Job>> {
    let (jobs, queue) = std::sync::mpsc::channel::<Job>();
    let queue = Arc::new(Mutex::new(queue));
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let started = (0..cores)
        .filter(|core| {
            let queue = queue.clone();
            // The stack the article extractor is tested on, whatever `RUST_MIN_STACK` says.
            let thread = std::thread::Builder::new().name(format!("offprint-clean-{core}")).stack_size(2 << 20);
            thread.spawn(move || take_jobs(&queue)).is_ok()
        })
        .count();
    (started > 0).then_some(jobs)
}

fn take_jobs(queue: &Mutex<std::sync::mpsc::Receiver<Job>>) {
    loop {
        // One thread waits for the next job; the others wait for the queue.
        let next = queue.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).recv();
        let Ok(job) = next else { return };
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
    }
}

/// What a fetch that brought a body teaches about its source.
fn fetch_record(response: &Response) -> FetchRecord {
    FetchRecord {
        etag: response.validators.etag.clone(),
        last_modified: response.validators.last_modified.clone(),
        // Only ever compared with the last one: a fast hash will do, and every feed's whole body is hashed.
        // (Caches from before kept SHA-256's, which never match: each feed is read once more.)
        body_hash: Some(format!("xxh3:{:032x}", XxHash3_128::oneshot(&response.body))),
        moved_to: response.moved_to.as_ref().map(Url::to_string),
        fresh_until: None,
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{Limits, by_turns_of_host, clean_entry, complete_entry_cards, run_cpu_bound};
    use crate::error::{Error, Result};
    use crate::model::{EntryMeta, ParsedEntry};
    use crate::oembed::Details;
    use crate::store::SearchWords;
    use crate::text::html_to_text;

    /// A player's card gets its title from the provider after cleaning: the story's text and its words
    /// for the index take it too, as they would from the stored HTML.
    #[test]
    fn a_cards_title_found_after_cleaning_is_in_the_storys_words() {
        let player = r#"<p>The hearing, filmed.</p><iframe src="https://www.youtube.com/embed/abc123"></iframe>"#;
        let meta = EntryMeta { title: "Hearing".into(), ..Default::default() };
        let mut entry = clean_entry(ParsedEntry { meta, raw_html: player.into(), base: None });
        assert!(!entry.plain_text.contains("Night ferry"), "{}", entry.plain_text);
        let details = Details { title: Some("Night ferry".into()), thumbnail_url: None };
        let found = [("https://www.youtube.com/embed/abc123".to_owned(), details)].into();

        complete_entry_cards(&mut entry, &found);
        assert!(entry.content_html.contains("Night ferry"), "{}", entry.content_html);
        assert_eq!(entry.plain_text, html_to_text(&entry.content_html));
        assert!(entry.plain_text.contains("Night ferry"), "{}", entry.plain_text);
        assert_eq!(entry.words, Some(SearchWords::of_story(&entry.meta, &entry.plain_text)));
    }

    /// Whether `future` is done at its first poll, dropping it either way.
    async fn done_at_once<F: std::future::Future>(future: F) -> bool {
        tokio::select! {
            biased;
            _ = future => true,
            _ = std::future::ready(()) => false,
        }
    }

    #[tokio::test]
    async fn a_body_waits_for_a_place_in_hand_keeping_its_place_among_the_fetching() {
        let limits = Limits::one();
        let first = limits.hold(limits.fetching().await.unwrap()).await.unwrap();
        assert_eq!(limits.fetching.available_permits(), 1, "in hand, a feed no longer counts as fetching");
        let second = limits.fetching().await.unwrap();
        let waiting = limits.hold(second);
        tokio::pin!(waiting);
        assert!(!done_at_once(&mut waiting).await, "no place in hand while the first feed holds it");
        assert_eq!(limits.fetching.available_permits(), 0, "the body waiting still counts as fetching");
        assert!(!done_at_once(limits.fetching()).await, "so no other request starts");
        drop(first);
        let _second = waiting.await.unwrap();
        assert_eq!(limits.fetching.available_permits(), 1);
    }

    /// A feed whose cleaning panics fails alone: its refresh reports the error, and the cleaning threads
    /// take the next feeds, even after as many panics as there are threads.
    #[tokio::test]
    async fn a_cleaning_job_that_panics_fails_alone() {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        for _ in 0..=threads {
            let failed = run_cpu_bound(|| -> Result<()> { panic!("a feed no parser survives") }).await;
            assert!(matches!(failed, Err(Error::Internal(_))), "{failed:?}");
        }
        for i in 0..threads * 2 {
            let job = run_cpu_bound(move || Ok((i, std::thread::current().name().map(str::to_owned))));
            let (done, thread) = tokio::time::timeout(Duration::from_secs(30), job)
                .await
                .expect("the threads went on after the panics")
                .unwrap();
            assert_eq!(done, i);
            assert!(thread.is_some_and(|name| name.starts_with("offprint-clean-")), "job {i} ran on another thread");
        }
    }

    #[test]
    fn takes_the_sources_of_each_host_in_turns() {
        let urls = vec![
            "https://a.example/1",
            "https://a.example/2",
            "https://a.example/3",
            "https://b.example/1",
            "https://a.example:8443/1",
            "not a url",
            "https://b.example/2",
        ];
        let turns: Vec<&str> = by_turns_of_host(urls, |u| u).into_iter().map(|(_, u)| u).collect();
        assert_eq!(
            turns,
            [
                "https://a.example/1",
                "https://b.example/1",
                "https://a.example:8443/1",
                "not a url",
                "https://a.example/2",
                "https://b.example/2",
                "https://a.example/3",
            ]
        );
    }
}
