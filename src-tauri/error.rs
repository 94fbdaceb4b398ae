//! The core's error type. Variants carry the context a person needs; [`Error::code`] gives the stable
//! machine-readable code of the CLI contract and of the UI.

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
    #[error("cannot open the cache {path}: {source}")]
    DbOpen {
        path: String,
        #[source]
        source: rusqlite::Error,
    },
    #[error("database error: {0}")]
    Db(#[from] rusqlite::Error),
    #[error("{context}: {source}")]
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
            Error::Db(_) | Error::DbOpen { .. } => "database".into(),
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
