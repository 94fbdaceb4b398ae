//! Plain values passed between the stages of a sync and out to the adapters. No I/O, no behaviour.

use chrono::{DateTime, Utc};
use serde::Serialize;
use url::Url;

/// A feed as the parser understood it: every field already plain text or an absolute URL.
#[derive(Debug, Clone, Default)]
pub struct ParsedFeed {
    pub title: String,
    pub site_url: Option<String>,
    /// The feed's icon or logo, when it names one.
    pub icon: Option<String>,
    /// RSS `<ttl>`: minutes the feed may be cached before it is asked again.
    pub ttl_minutes: Option<u32>,
    pub entries: Vec<ParsedEntry>,
}

/// What is known of an entry besides its body; shared by the parsed and the sanitized forms.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EntryMeta {
    /// Stable identity inside its source (see `parse::identity`).
    pub key: String,
    pub guid: Option<String>,
    pub url: Option<String>,
    pub title: String,
    pub author: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    /// Plain text, short. Empty after parsing when the feed gives none; then taken from the body.
    pub summary: String,
    pub lang: Option<String>,
    /// `ltr` or `rtl`, guessed from the language and the text.
    pub dir: String,
    /// Hash of everything the feed said about the entry; a change means the entry was edited.
    pub fingerprint: String,
}

/// An entry straight from the feed: its body is still untrusted HTML.
#[derive(Debug, Clone, Default)]
pub struct ParsedEntry {
    pub meta: EntryMeta,
    pub raw_html: String,
    /// Base for the body's relative URLs: xml:base, else the entry link, else the feed URL.
    pub base: Option<Url>,
}

/// An entry ready to store: the body has been sanitized, its pictures point at the cache, and it has
/// been reduced to text for search.
#[derive(Debug, Clone, Default)]
pub struct CleanEntry {
    pub meta: EntryMeta,
    /// What the reader sees: the article page's text when extraction gave one, else the feed's.
    pub content_html: String,
    /// The text of `content_html`, read for its words (how many, and the search index's); its whitespace
    /// may be as written.
    pub plain_text: String,
    /// The feed's own version, kept when `content_html` is the article page's.
    pub feed_html: Option<String>,
    /// The remote URLs of every picture either version shows, in order.
    pub images: Vec<String>,
    /// What fetching the article page gave, when it was tried in this sync.
    pub extract: Option<Extraction>,
    /// The words of its title, author and `plain_text` for the search index, taken by the cleaning stage
    /// so that the store's single writer need not; `None` has the store take them.
    pub words: Option<crate::store::SearchWords>,
    /// The words of `plain_text` counted up to [`crate::extract::SUMMARY_WORDS`] when it was set
    /// ([`CleanEntry::set_text`]); `None` has them counted when asked ([`CleanEntry::summary_words`]).
    pub text_words: Option<usize>,
}

impl CleanEntry {
    /// Gives the entry a new text: its words are counted now, and its search words are left for the
    /// store to take, unless the caller takes them.
    pub fn set_text(&mut self, text: String) {
        self.text_words = Some(crate::extract::summary_words(&text));
        self.words = None;
        self.plain_text = text;
    }

    /// The words of `plain_text` up to [`crate::extract::SUMMARY_WORDS`], as counted when it was set.
    pub fn summary_words(&self) -> usize {
        self.text_words.unwrap_or_else(|| crate::extract::summary_words(&self.plain_text))
    }
}

/// The result of one attempt to take an entry's full text from its article page.
#[derive(Debug, Clone, PartialEq)]
pub enum Extraction {
    /// `content_html` is now the article's text.
    Full,
    /// The page gave no more than the feed already had.
    Short,
    Failed {
        code: String,
        message: String,
    },
}

impl Extraction {
    /// As stored in `entry_contents.extract_status`.
    pub fn status(&self) -> &str {
        match self {
            Extraction::Full => "ok",
            Extraction::Short => "short",
            Extraction::Failed { code, .. } => code,
        }
    }
}

/// One picture of an entry, as `offprint-cli show` reports it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ImageInfo {
    pub url: String,
    pub local_url: String,
    pub bytes: Option<i64>,
    /// `cached`, `failed`, `skipped`, or `pending` (not fetched yet).
    pub status: String,
}

/// What the cache says about a source. Serialized as the `sources` contract of `offprint-cli`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SourceInfo {
    pub id: i64,
    pub url: String,
    pub site_url: Option<String>,
    pub title: String,
    pub folder: Option<String>,
    pub unread_count: i64,
    pub entry_count: i64,
    pub last_ok_at: Option<String>,
    pub last_error: Option<SourceError>,
    /// When the full text is fetched from the article page: `off`, `auto` or `always`.
    pub full_text: String,
    /// The site's icon in the cache, as a local picture URL.
    pub icon_url: Option<String>,
    /// The feed's own title; `title` is the reader's name for the source when they gave one.
    pub feed_title: String,
    /// The source's own refresh interval in minutes; null follows the `refresh_interval` setting.
    pub refresh_interval: Option<i64>,
    /// The source's own proxy (`direct` or a URL); null follows the `proxy` setting.
    pub proxy: Option<String>,
    /// The source's own User-Agent; null follows the `user_agent` setting.
    pub user_agent: Option<String>,
    /// Whether its new stories count in the desktop notification.
    pub notify: bool,
    /// The server asked not to be fetched before this time (Retry-After).
    pub retry_after: Option<String>,
}

/// A folder of the sidebar: the sources that name it, and their unread stories.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FolderInfo {
    pub name: String,
    pub source_count: i64,
    pub unread_count: i64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SourceError {
    pub code: String,
    pub message: String,
    pub at: String,
}

/// A row of the entry list. Serialized as the `list` contract of `offprint-cli`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EntrySummary {
    pub id: i64,
    pub source_id: Option<i64>,
    pub source_title: String,
    pub title: String,
    pub url: Option<String>,
    pub author: Option<String>,
    pub published: String,
    pub updated: Option<String>,
    pub summary: String,
    pub read: bool,
    pub bookmarked: bool,
}

/// One entry in full. Serialized as the `show` contract of `offprint-cli`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EntryDetail {
    #[serde(flatten)]
    pub summary: EntrySummary,
    pub content_html: String,
    pub lang: Option<String>,
    pub dir: String,
    /// `content_html` came from the article page, not the feed.
    pub full_text: bool,
    /// The feed's own version when `content_html` is the full text.
    pub feed_html: Option<String>,
    /// Why the last attempt to fetch the full text failed.
    pub full_text_error: Option<String>,
    pub images: Vec<ImageInfo>,
}

/// Which entries to list, newest first.
#[derive(Debug, Clone, Default)]
pub struct EntryFilter {
    pub source_id: Option<i64>,
    pub folder: Option<String>,
    pub unread_only: bool,
    pub bookmarked_only: bool,
    pub search: Option<String>,
    /// Only entries at or after this time (Unix seconds), by the time they are listed by.
    pub since: Option<i64>,
    /// Keyset cursor: list entries strictly older than this one.
    pub before: Option<Cursor>,
    pub limit: u32,
}

/// One page of the entry list and where the next one starts (`None` at the end).
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct EntryPage {
    pub entries: Vec<EntrySummary>,
    pub next: Option<Cursor>,
}

/// A position in the newest-first order: (sort time in Unix seconds, entry id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Cursor {
    pub at: i64,
    pub id: i64,
}

/// What one source's refresh did. Summed into [`SyncReport`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RefreshOutcome {
    pub new: u64,
    pub updated: u64,
    /// Nothing to do: a 304, or the same body as last time.
    pub unchanged: bool,
}

/// What a cleanup removed.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct CleanupReport {
    pub purged_entries: u64,
    pub evicted_images: u64,
    pub freed_bytes: u64,
}

/// How big the cache is.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct CacheInfo {
    pub entries: i64,
    pub bookmarked: i64,
    /// Pictures kept, and the bytes of their distinct contents.
    pub images: i64,
    pub image_bytes: i64,
    /// The database file with its write-ahead log.
    pub database_bytes: i64,
}

/// The `sync` contract of `offprint-cli`.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct SyncReport {
    pub sources: u64,
    pub new: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub failed: u64,
    /// Sources not fetched because their server asked to wait (Retry-After) or they were fetched a moment
    /// ago; not counted in `sources`.
    pub skipped: u64,
    pub errors: Vec<SyncError>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SyncError {
    pub source_id: i64,
    pub url: String,
    pub code: String,
    pub message: String,
}

/// Formats a time the way every interface shows it: RFC 3339, UTC, whole seconds.
pub fn format_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
