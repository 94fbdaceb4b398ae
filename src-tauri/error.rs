//! The core's error type. Variants carry the context a person needs; [`Error::code`] gives the stable
//! machine-readable code of the CLI contract and of the UI.

use rusqlite::ErrorCode;

/// Everything that can go wrong in the core.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot resolve the host of {url}")]
    Dns { url: String, detail: String },
    #[error("cannot connect to {url}: {detail}")]
    Connect { url: String, detail: String },
    #[error("secure connection to {url} failed: {detail}")]
    Tls { url: String, detail: String },
    #[error("{url} took too long to answer")]
    Timeout { url: String },
    #[error("{url} answered HTTP {status}")]
    Http {
        url: String,
        status: u16,
        /// Seconds the server asked to wait (Retry-After on a 429 or 503).
        retry_after: Option<u64>,
    },
    #[error("{url} sent more than {limit} bytes")]
    TooLarge { url: String, limit: u64 },
    #[error("{url} redirects in a loop or more than {limit} times")]
    RedirectLoop { url: String, limit: usize },
    #[error("{url} is not an http or https URL")]
    UnsupportedUrl { url: String },
    #[error("{url} is not a feed: {detail}")]
    NotAFeed { url: String, detail: String },
    #[error("cannot read the feed at {url}: {detail}")]
    Parse { url: String, detail: String },
    #[error("request to {url} failed: {detail}")]
    Network { url: String, detail: String },
    #[error("no article found at {url}: {detail}")]
    NotAnArticle { url: String, detail: String },
    #[error("{url} is not a picture Offprint keeps: {detail}")]
    NotAnImage { url: String, detail: String },
    #[error("not an OPML file: {detail}")]
    NotOpml { detail: String },

    #[error("already subscribed (source {id})")]
    AlreadySubscribed { id: i64 },
    #[error("no {what} with id {id}")]
    NotFound { what: &'static str, id: i64 },
    #[error("{0}")]
    InvalidArgument(String),
    #[error(
        "the cache at {path} was written by a newer Offprint (schema {found}, this version knows {supported}); \
         it was left untouched: update Offprint to open it"
    )]
    SchemaTooNew { path: String, found: i64, supported: i64 },
    #[error("internal error: {0}")]
    Internal(String),
    /// The cache file was damaged (not a database, or failing SQLite's check) and was renamed aside,
    /// never deleted; the next open starts a new, empty cache in its place.
    #[error(
        "the cache at {path} is damaged ({detail}); it was moved aside to {kept_at}, where it stays, and a new, \
         empty cache takes its place. To get your sources, stories and bookmarks back, restore {path} from a \
         backup, or try `sqlite3 {kept_at} .recover`"
    )]
    Damaged { path: String, kept_at: String, detail: String },
    #[error("{}", db_message(Some(.path), .source))]
    DbOpen {
        path: String,
        #[source]
        source: rusqlite::Error,
    },
    #[error("{}", db_message(None, .0))]
    Db(#[from] rusqlite::Error),
    #[error("{}{context}: {source}", if is_disk_full(.source) { "the disk is full: " } else { "" })]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// The stable code of the CLI contract (`dns`, `http_404`, `not_a_feed`...).
    pub fn code(&self) -> String {
        match self {
            Error::Dns { .. } => "dns".into(),
            Error::Connect { .. } => "connect".into(),
            Error::Tls { .. } => "tls".into(),
            Error::Timeout { .. } => "timeout".into(),
            Error::Http { status, .. } => format!("http_{status}"),
            Error::TooLarge { .. } => "too_large".into(),
            Error::RedirectLoop { .. } => "redirect_loop".into(),
            Error::UnsupportedUrl { .. } => "unsupported_url".into(),
            Error::NotAFeed { .. } => "not_a_feed".into(),
            Error::Parse { .. } => "parse".into(),
            Error::Network { .. } => "network".into(),
            Error::NotAnArticle { .. } => "not_an_article".into(),
            Error::NotAnImage { .. } => "not_an_image".into(),
            Error::NotOpml { .. } => "not_opml".into(),
            Error::AlreadySubscribed { .. } => "already_subscribed".into(),
            Error::NotFound { .. } => "not_found".into(),
            Error::InvalidArgument(_) => "invalid_argument".into(),
            Error::SchemaTooNew { .. } => "schema_too_new".into(),
            Error::Internal(_) => "internal".into(),
            Error::Damaged { .. } => "cache_damaged".into(),
            Error::Db(source) | Error::DbOpen { source, .. } => match sqlite_code(source) {
                Some(ErrorCode::DiskFull) => "disk_full".into(),
                Some(ErrorCode::ReadOnly) => "read_only".into(),
                Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => "cache_damaged".into(),
                Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => "cache_locked".into(),
                _ => "database".into(),
            },
            Error::Io { source, .. } if is_disk_full(source) => "disk_full".into(),
            Error::Io { .. } => "io".into(),
        }
    }

    /// Whether the failure may pass by itself (the network, a busy server), so trying again later makes
    /// sense; a 404 or a page that is not an article will not change.
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Dns { .. } | Error::Connect { .. } | Error::Timeout { .. } | Error::Network { .. } => true,
            Error::Tls { .. } => true,
            Error::Http { status, .. } => *status == 408 || *status == 429 || *status >= 500,
            _ => false,
        }
    }

    /// Whether the failure says the network could not be reached at all, rather than that one server
    /// failed.
    pub fn is_offline(&self) -> bool {
        matches!(self, Error::Dns { .. } | Error::Connect { .. } | Error::Timeout { .. } | Error::Network { .. })
    }

    pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io { context: context.into(), source }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// SQLite's primary result code behind a rusqlite error, when it came from SQLite.
pub(crate) fn sqlite_code(error: &rusqlite::Error) -> Option<ErrorCode> {
    error.sqlite_error_code()
}

/// Whether SQLite says the cache file is not a database, or is one whose structure is broken.
pub(crate) fn is_damage(error: &rusqlite::Error) -> bool {
    matches!(sqlite_code(error), Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase))
}

/// Whether SQLite refused for a moment rather than for a reason: the file was busy (without the busy
/// timeout having been waited out) or its schema changed under a prepared statement.
pub(crate) fn is_transient(error: &rusqlite::Error) -> bool {
    matches!(sqlite_code(error), Some(ErrorCode::DatabaseBusy | ErrorCode::SchemaChanged))
}

fn is_disk_full(error: &std::io::Error) -> bool {
    error.kind() == std::io::ErrorKind::StorageFull
}

/// A SQLite failure in words a reader can act on: what is wrong with the cache (at `path`, when known)
/// and what to do, with SQLite's own words after.
fn db_message(path: Option<&String>, error: &rusqlite::Error) -> String {
    let the_cache = match path {
        Some(path) => format!("the cache at {path}"),
        None => "the cache".to_owned(),
    };
    match sqlite_code(error) {
        Some(ErrorCode::DiskFull) => {
            format!("the disk is full: {the_cache} cannot grow ({error}); nothing was half-written")
        }
        Some(ErrorCode::ReadOnly) => format!(
            "{the_cache} is read-only ({error}): Offprint must be able to write the file and its folder; \
             check their permissions"
        ),
        Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => format!(
            "{the_cache} is damaged ({error}); the next start checks it, and moves it aside if the check fails \
             (it is kept, never deleted)"
        ),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
            format!("{the_cache} is locked by another program ({error}); try again once it is done")
        }
        Some(ErrorCode::CannotOpen) => format!(
            "cannot open {the_cache} ({error}): check that its folder exists and that Offprint may read, \
             write and create files there"
        ),
        _ => match path {
            Some(path) => format!("cannot open the cache {path}: {error}"),
            None => format!("database error: {error}"),
        },
    }
}
