//! Fetching feeds over HTTP, defensively (STYLE.md #14): only http(s), conditional GET, a body cap that
//! also holds after decompression, bounded redirects followed by hand so each hop is checked, timeouts
//! that tell a stalled or dripping server from a slow link, and every failure classified.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use reqwest::header::{self, HeaderMap, HeaderValue};
use url::Url;

use crate::error::{Error, Result};

/// Limits and identity for every request the app makes.
#[derive(Debug, Clone)]
pub struct FetchConfig {
    pub connect_timeout: Duration,
    /// From starting a request (name lookup, connection, TLS and proxy included) to the end of the
    /// answer's status and headers.
    pub answer_timeout: Duration,
    /// While the body arrives: no byte for this long, or fewer than `min_rate` bytes a second over this
    /// long, ends the request. A stalled or dripping server is cut off; a slow link that still delivers,
    /// shared by many requests, is not.
    pub stall_timeout: Duration,
    /// Bytes a second, averaged over `stall_timeout`, below which a body is given up.
    pub min_rate: u64,
    /// A feed's whole request, from connecting to the last byte of the body, however steadily it arrives:
    /// bounds a server that drips just fast enough.
    pub timeout: Duration,
    /// The same for an article page or a picture: extras a story can do without, fetched while its
    /// feed holds one of a sync's few places in hand.
    pub extras_timeout: Duration,
    /// Largest body accepted, counted after decompression.
    pub max_body: u64,
    /// Largest article page accepted.
    pub max_page: u64,
    /// Largest picture accepted.
    pub max_image: u64,
    pub max_redirects: usize,
    pub user_agent: String,
    pub proxy: ProxyChoice,
}

/// What carries the app's requests.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub enum ProxyChoice {
    /// The usual environment variables (`HTTPS_PROXY`, `ALL_PROXY`...), as other tools do.
    #[default]
    System,
    /// Straight to the server, whatever the environment says.
    Direct,
    /// This proxy (`http://`, `https://`, `socks5://` or `socks5h://`) for every request, whatever the
    /// environment says.
    Url(String),
}

impl ProxyChoice {
    /// A proxy setting as stored: empty means the environment's, `direct` none, anything else a URL.
    pub fn from_setting(value: &str) -> ProxyChoice {
        match value.trim() {
            "" => ProxyChoice::System,
            "direct" => ProxyChoice::Direct,
            url => ProxyChoice::Url(url.to_owned()),
        }
    }
}

impl Default for FetchConfig {
    fn default() -> Self {
        FetchConfig {
            connect_timeout: Duration::from_secs(15),
            answer_timeout: Duration::from_secs(60),
            stall_timeout: Duration::from_secs(30),
            min_rate: 64,
            timeout: Duration::from_secs(300),
            extras_timeout: Duration::from_secs(60),
            max_body: 16 * 1024 * 1024,
            max_page: 8 * 1024 * 1024,
            max_image: 12 * 1024 * 1024,
            max_redirects: 10,
            user_agent: default_user_agent(),
            proxy: ProxyChoice::System,
        }
    }
}

/// What Offprint calls itself when the reader has not set a User-Agent.
pub fn default_user_agent() -> String {
    format!("Offprint/{} (feed reader)", env!("CARGO_PKG_VERSION"))
}

/// The validators of the last successful fetch, sent back so an unchanged feed costs a 304.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// What a fetch brought back.
#[derive(Debug)]
pub enum Fetched {
    /// 304: nothing changed since the validators were issued (though the address may have moved).
    NotModified {
        validators: Validators,
        moved_to: Option<Url>,
        /// Seconds the server says the feed stays fresh.
        fresh_for: Option<u64>,
    },
    Body(Response),
}

#[derive(Debug)]
pub struct Response {
    pub body: Vec<u8>,
    pub content_type: Option<String>,
    /// Where the body came from after redirects.
    pub final_url: Url,
    /// Set when every redirect on the way was permanent (301/308): the address to use from now on.
    pub moved_to: Option<Url>,
    pub validators: Validators,
    /// Seconds the server says the body stays fresh (Cache-Control max-age, else Expires).
    pub fresh_for: Option<u64>,
}

/// An HTTP client shared by every fetch of a sync.
#[derive(Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    config: FetchConfig,
    /// Clients for the sources that set their own proxy or User-Agent, built once each.
    routes: Arc<Mutex<HashMap<(ProxyChoice, String), reqwest::Client>>>,
}

/// What is being fetched: it decides what the request accepts and how big an answer may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Feed,
    /// An article page, for its full text.
    Page,
    Image,
}

impl Kind {
    fn accept(self) -> &'static str {
        match self {
            Kind::Feed => {
                "application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml;q=0.9, \
                 application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
            }
            Kind::Page => "text/html, application/xhtml+xml;q=0.9, */*;q=0.5",
            Kind::Image => "image/avif, image/webp, image/png, image/jpeg, image/gif, image/*;q=0.8",
        }
    }

    fn limit(self, config: &FetchConfig) -> u64 {
        match self {
            Kind::Feed => config.max_body,
            Kind::Page => config.max_page,
            Kind::Image => config.max_image,
        }
    }

    /// The whole request's bound: a feed's, or an extra's (a page or a picture a story can do without).
    fn timeout(self, config: &FetchConfig) -> Duration {
        match self {
            Kind::Feed => config.timeout,
            Kind::Page | Kind::Image => config.extras_timeout,
        }
    }
}

impl Fetcher {
    pub fn new(config: FetchConfig) -> Result<Fetcher> {
        let client = client(&config, &config.proxy, &config.user_agent)?;
        Ok(Fetcher { client, config, routes: Arc::default() })
    }

    /// The limits and identity this fetcher works with.
    pub fn config(&self) -> &FetchConfig {
        &self.config
    }

    /// This fetcher, or the same one through another proxy or under another User-Agent: a source's own
    /// settings as stored (`direct` or a proxy URL; `None` keeps this fetcher's).
    pub fn routed(&self, proxy: Option<&str>, user_agent: Option<&str>) -> Result<Fetcher> {
        let proxy = proxy.map(ProxyChoice::from_setting);
        let proxy = proxy.as_ref().unwrap_or(&self.config.proxy);
        let user_agent = user_agent.unwrap_or(&self.config.user_agent);
        if *proxy == self.config.proxy && user_agent == self.config.user_agent {
            return Ok(self.clone());
        }
        let key = (proxy.clone(), user_agent.to_owned());
        let mut routes = self.routes.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let client = match routes.get(&key) {
            Some(client) => client.clone(),
            None => routes.entry(key).or_insert(client(&self.config, proxy, user_agent)?).clone(),
        };
        let config = FetchConfig { proxy: proxy.clone(), user_agent: user_agent.to_owned(), ..self.config.clone() };
        Ok(Fetcher { client, config, routes: self.routes.clone() })
    }

    /// GETs the feed at `url`, sending `validators` so an unchanged feed answers 304.
    pub async fn fetch(&self, url: &Url, validators: &Validators) -> Result<Fetched> {
        self.fetch_kind(url, validators, Kind::Feed).await
    }

    /// GETs an article page or a picture, under the same rules as a feed.
    pub async fn get(&self, url: &Url, kind: Kind) -> Result<Response> {
        match self.fetch_kind(url, &Validators::default(), kind).await? {
            Fetched::Body(response) => Ok(response),
            Fetched::NotModified { .. } => {
                Err(Error::Network { url: url.to_string(), detail: "answered 304 to a plain request".into() })
            }
        }
    }

    async fn fetch_kind(&self, url: &Url, validators: &Validators, kind: Kind) -> Result<Fetched> {
        let mut current = check_scheme(url.clone())?;
        let mut visited = HashSet::from([current.clone()]);
        let mut all_permanent = true;
        for _ in 0..=self.config.max_redirects {
            let response = self.send(&current, validators, kind).await?;
            let status = response.status();
            if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
                let next = redirect_target(&current, response.headers())?;
                all_permanent &= matches!(status, StatusCode::MOVED_PERMANENTLY | StatusCode::PERMANENT_REDIRECT);
                if !visited.insert(next.clone()) {
                    return Err(Error::RedirectLoop { url: url.to_string(), limit: self.config.max_redirects });
                }
                current = next;
                continue;
            }
            let moved_to = (all_permanent && current != *url).then(|| current.clone());
            if status == StatusCode::NOT_MODIFIED {
                return Ok(Fetched::NotModified {
                    validators: validators_of(response.headers(), validators),
                    moved_to,
                    fresh_for: fresh_for(response.headers()),
                });
            }
            if !status.is_success() {
                let retry_after = retry_after(response.headers(), chrono::Utc::now().timestamp());
                return Err(Error::Http { url: current.to_string(), status: status.as_u16(), retry_after });
            }
            let limit = kind.limit(&self.config);
            return self.read(response, current, moved_to, validators, limit).await.map(Fetched::Body);
        }
        Err(Error::RedirectLoop { url: url.to_string(), limit: self.config.max_redirects })
    }

    async fn send(&self, url: &Url, validators: &Validators, kind: Kind) -> Result<reqwest::Response> {
        let mut request =
            self.client.get(url.clone()).header(header::ACCEPT, kind.accept()).timeout(kind.timeout(&self.config));
        if let Some(etag) = &validators.etag {
            request = request.header(header::IF_NONE_MATCH, etag);
        }
        if let Some(last_modified) = &validators.last_modified {
            request = request.header(header::IF_MODIFIED_SINCE, last_modified);
        }
        match tokio::time::timeout(self.config.answer_timeout, request.send()).await {
            Ok(sent) => sent.map_err(|e| classify(url, &e)),
            Err(_) => Err(Error::Timeout { url: url.to_string() }),
        }
    }

    async fn read(
        &self,
        mut response: reqwest::Response,
        url: Url,
        moved_to: Option<Url>,
        sent: &Validators,
        limit: u64,
    ) -> Result<Response> {
        let too_large = || Error::TooLarge { url: url.to_string(), limit };
        let timed_out = || Error::Timeout { url: url.to_string() };
        // Compressed bodies have no usable length; the decoded size is checked as it streams in.
        if response.content_length().is_some_and(|len| len > limit) {
            return Err(too_large());
        }
        let headers = response.headers().clone();
        // Sized once when the length is known; see the end for the others.
        let mut body = Vec::with_capacity(response.content_length().unwrap_or(0) as usize);
        let mut pace = Pace::new(&self.config);
        // Set when a span brought too little. The verdict waits for the next chunk: a small body whose
        // last piece came slowly is whole, not a drip.
        let mut behind = false;
        loop {
            let next = tokio::time::timeout(self.config.stall_timeout, response.chunk()).await;
            let Ok(next) = next else { return Err(timed_out()) };
            let Some(chunk) = next.map_err(|e| classify(&url, &e))? else { break };
            if behind {
                return Err(timed_out());
            }
            if body.len() as u64 + chunk.len() as u64 > limit {
                return Err(too_large());
            }
            behind = !pace.keeps_up(chunk.len(), Instant::now());
            body.extend_from_slice(&chunk);
        }
        // A body that waits for the cores holds no spare capacity (compressed and chunked ones grew).
        body.shrink_to_fit();
        Ok(Response {
            body,
            content_type: header_string(&headers, header::CONTENT_TYPE),
            validators: validators_of(&headers, sent),
            fresh_for: fresh_for(&headers),
            final_url: url,
            moved_to,
        })
    }
}

/// How fast a body arrives, over windows of at least `stall_timeout`: a server that sends a byte now and
/// then, never quite stalling, is told from a slow link by the bytes each window brought.
struct Pace {
    window: Duration,
    min_rate: u64,
    since: Instant,
    got: u64,
}

impl Pace {
    fn new(config: &FetchConfig) -> Pace {
        Pace { window: config.stall_timeout, min_rate: config.min_rate, since: Instant::now(), got: 0 }
    }

    /// Counts `bytes` arrived at `now`; false once a whole window brought fewer than `min_rate` a second.
    fn keeps_up(&mut self, bytes: usize, now: Instant) -> bool {
        self.got += bytes as u64;
        let spent = now.duration_since(self.since);
        if spent < self.window {
            return true;
        }
        let kept_up = self.got as f64 >= self.min_rate as f64 * spent.as_secs_f64();
        (self.since, self.got) = (now, 0);
        kept_up
    }
}

/// One HTTP client: the limits of `config`, through `proxy`, as `user_agent`.
fn client(config: &FetchConfig, proxy: &ProxyChoice, user_agent: &str) -> Result<reqwest::Client> {
    // reqwest is built without a bundled crypto provider; ring is ours. A second install is a no-op.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let builder = reqwest::Client::builder()
        .user_agent(user_agent)
        .connect_timeout(config.connect_timeout)
        // The whole request's bound is set per request, by its kind (`send`).
        .redirect(reqwest::redirect::Policy::none());
    let builder = match proxy {
        ProxyChoice::System => builder,
        ProxyChoice::Direct => builder.no_proxy(),
        ProxyChoice::Url(url) => builder.proxy(
            reqwest::Proxy::all(url.as_str())
                .map_err(|e| Error::InvalidArgument(format!("proxy cannot be {url:?}: {e}")))?,
        ),
    };
    builder.build().map_err(|e| Error::InvalidArgument(format!("cannot make an HTTP client: {e}")))
}

/// Seconds a 429 or 503 asks to wait: `Retry-After` as seconds or as an HTTP date.
fn retry_after(headers: &HeaderMap, now: i64) -> Option<u64> {
    let value = header_string(headers, header::RETRY_AFTER)?;
    match value.parse::<u64>() {
        Ok(seconds) => Some(seconds),
        Err(_) => http_date(&value).map(|at| (at - now).max(0) as u64),
    }
}

/// Seconds the body stays fresh by the response's caching headers: `max-age` (less `Age`), else
/// `Expires` less `Date`. `no-cache` and `no-store` say nothing about when to ask again.
fn fresh_for(headers: &HeaderMap) -> Option<u64> {
    let cache_control = header_string(headers, header::CACHE_CONTROL).unwrap_or_default().to_ascii_lowercase();
    let directives: Vec<&str> = cache_control.split(',').map(str::trim).collect();
    if directives.iter().any(|d| *d == "no-cache" || *d == "no-store") {
        return None;
    }
    let age = header_string(headers, header::AGE).and_then(|a| a.parse::<u64>().ok()).unwrap_or(0);
    if let Some(max_age) = directives.iter().find_map(|d| d.strip_prefix("max-age=")) {
        return max_age.trim_matches('"').parse::<u64>().ok().map(|m| m.saturating_sub(age));
    }
    let expires = http_date(&header_string(headers, header::EXPIRES)?)?;
    let date = header_string(headers, header::DATE)
        .and_then(|d| http_date(&d))
        .unwrap_or_else(|| chrono::Utc::now().timestamp());
    Some((expires - date).max(0) as u64)
}

/// An HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`) as Unix seconds.
fn http_date(value: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc2822(value.trim()).ok().map(|d| d.timestamp())
}

/// Only http and https are ever fetched.
fn check_scheme(url: Url) -> Result<Url> {
    match url.scheme() {
        "http" | "https" if url.host_str().is_some() => Ok(url),
        _ => Err(Error::UnsupportedUrl { url: url.to_string() }),
    }
}

/// Parses what a person typed as a feed address; a bare host gets `https://`.
pub fn parse_user_url(input: &str) -> Result<Url> {
    let input = input.trim();
    let parsed = match Url::parse(input) {
        Ok(url) => url,
        Err(url::ParseError::RelativeUrlWithoutBase) => Url::parse(&format!("https://{input}"))
            .map_err(|_| Error::InvalidArgument(format!("not a URL: {input}")))?,
        Err(e) => return Err(Error::InvalidArgument(format!("not a URL: {input} ({e})"))),
    };
    check_scheme(normalize(parsed))
}

/// The same feed however it was typed: no fragment (never sent to the server), no empty query.
fn normalize(mut url: Url) -> Url {
    url.set_fragment(None);
    if url.query() == Some("") {
        url.set_query(None);
    }
    url
}

fn redirect_target(from: &Url, headers: &HeaderMap) -> Result<Url> {
    let location = header_string(headers, header::LOCATION)
        .ok_or_else(|| Error::Network { url: from.to_string(), detail: "redirect without a Location".into() })?;
    let next = from.join(location.trim()).map_err(|_| Error::Network {
        url: from.to_string(),
        detail: format!("redirect to an invalid URL: {location}"),
    })?;
    check_scheme(next)
}

/// Keeps the old validators when a 304 does not repeat them.
fn validators_of(headers: &HeaderMap, sent: &Validators) -> Validators {
    Validators {
        etag: header_string(headers, header::ETAG).or_else(|| sent.etag.clone()),
        last_modified: header_string(headers, header::LAST_MODIFIED).or_else(|| sent.last_modified.clone()),
    }
}

fn header_string(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .map(HeaderValue::as_bytes)
        .map(|b| String::from_utf8_lossy(b).trim().to_owned())
        .filter(|s| !s.is_empty())
}

/// Sorts a transport failure into the codes the reader sees.
fn classify(url: &Url, error: &reqwest::Error) -> Error {
    let url_s = url.to_string();
    if error.is_timeout() {
        return Error::Timeout { url: url_s };
    }
    let causes = causes(error);
    // The innermost cause says what happened ("Connection refused"); the outer layers repeat the URL.
    let innermost = causes.last().map(ToString::to_string).unwrap_or_else(|| error.to_string());
    let detail = plain_words(&innermost);
    // rustls's own errors, and tokio-rustls's "tls handshake eof" when the peer hangs up mid-handshake.
    if causes.iter().any(|e| e.is::<rustls::Error>() || e.to_string().starts_with("tls handshake")) {
        return Error::Tls { url: url_s, detail };
    }
    // The resolver's error type is private to hyper-util; its message is what identifies it.
    let dns = causes.iter().any(|e| {
        let text = e.to_string();
        text.starts_with("dns error") || text.contains("failed to lookup address")
    });
    if dns {
        Error::Dns { url: url_s, detail }
    } else if error.is_connect() {
        Error::Connect { url: url_s, detail }
    } else {
        Error::Network { url: url_s, detail }
    }
}

/// A cause as a reader can take it: no "(os error 111)", and a plain sentence for a server that answers
/// an https request without TLS.
fn plain_words(cause: &str) -> String {
    if cause.contains("InvalidContentType") {
        return "the server does not speak TLS at this address (try http:// instead of https://)".into();
    }
    let cause = match cause.rfind(" (os error ") {
        Some(at) if cause.ends_with(')') => &cause[..at],
        _ => cause,
    };
    cause.to_owned()
}

/// `error` and its causes, outermost first, looking inside the `io::Error`s that wrap the rest (whose
/// `source()` skips the error they carry).
fn causes<'e>(error: &'e (dyn std::error::Error + 'static)) -> Vec<&'e (dyn std::error::Error + 'static)> {
    let mut out = Vec::new();
    let mut next = Some(error);
    while let Some(e) = next {
        out.push(e);
        next = match e.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref()) {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => e.source(),
        };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_only_http_and_https() {
        assert!(parse_user_url("https://example.org/feed.xml").is_ok());
        assert_eq!(parse_user_url("example.org/feed").unwrap().as_str(), "https://example.org/feed");
        for same in ["https://example.org/feed#top", "https://example.org/feed?", "HTTPS://Example.org/feed#"] {
            assert_eq!(parse_user_url(same).unwrap().as_str(), "https://example.org/feed", "{same}");
        }
        for bad in ["file:///etc/passwd", "ftp://example.org/feed", "javascript:alert(1)", "data:text/xml,<rss/>"] {
            let err = parse_user_url(bad).unwrap_err();
            assert_eq!(err.code(), "unsupported_url", "{bad}");
        }
    }

    #[test]
    fn causes_are_said_in_plain_words() {
        assert_eq!(plain_words("Connection refused (os error 111)"), "Connection refused");
        assert!(plain_words("received corrupt message of type InvalidContentType").contains("try http://"));
        assert_eq!(plain_words("tls handshake eof"), "tls handshake eof");
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn freshness_comes_from_max_age_less_age_else_expires_less_date() {
        assert_eq!(fresh_for(&headers(&[("cache-control", "public, max-age=3600")])), Some(3600));
        assert_eq!(fresh_for(&headers(&[("cache-control", "max-age=3600"), ("age", "600")])), Some(3000));
        let dated = [("date", "Sun, 29 Nov 2026 10:00:00 GMT"), ("expires", "Sun, 29 Nov 2026 12:00:00 GMT")];
        assert_eq!(fresh_for(&headers(&dated)), Some(7200));
        let both = [("cache-control", "max-age=60"), dated[0], dated[1]];
        assert_eq!(fresh_for(&headers(&both)), Some(60), "max-age wins over Expires");
        assert_eq!(fresh_for(&headers(&[("cache-control", "no-cache, max-age=600")])), None);
        assert_eq!(fresh_for(&headers(&[("expires", "0")])), None, "an invalid date says nothing");
        assert_eq!(fresh_for(&HeaderMap::new()), None);
    }

    #[test]
    fn retry_after_is_seconds_or_a_date() {
        let now = http_date("Sun, 29 Nov 2026 10:00:00 GMT").unwrap();
        assert_eq!(retry_after(&headers(&[("retry-after", "120")]), now), Some(120));
        assert_eq!(retry_after(&headers(&[("retry-after", "Sun, 29 Nov 2026 10:30:00 GMT")]), now), Some(1800));
        assert_eq!(retry_after(&headers(&[("retry-after", "Sun, 29 Nov 2026 09:00:00 GMT")]), now), Some(0));
        assert_eq!(retry_after(&headers(&[("retry-after", "soon")]), now), None);
    }

    #[test]
    fn proxy_settings_read_as_choices() {
        assert_eq!(ProxyChoice::from_setting(""), ProxyChoice::System);
        assert_eq!(ProxyChoice::from_setting(" direct "), ProxyChoice::Direct);
        assert_eq!(
            ProxyChoice::from_setting("socks5h://127.0.0.1:9050"),
            ProxyChoice::Url("socks5h://127.0.0.1:9050".into())
        );
    }

    #[test]
    fn a_body_is_given_up_only_when_a_whole_window_brought_too_little() {
        let config = FetchConfig { stall_timeout: Duration::from_secs(30), min_rate: 64, ..FetchConfig::default() };
        let mut pace = Pace::new(&config);
        let start = pace.since;
        let at = |secs: u64| start + Duration::from_secs(secs);
        // A slow link: 100 bytes a second, in chunks of 500.
        for t in (5..=120).step_by(5) {
            assert!(pace.keeps_up(500, at(t)), "{t} s");
        }
        // Then a byte a second: cut off when the first window of it ends.
        for t in 121..150 {
            assert!(pace.keeps_up(1, at(t)), "{t} s");
        }
        assert!(!pace.keeps_up(1, at(150)), "30 bytes in 30 s is below 64 a second");
        // A window counts the time it really took: 2,000 bytes over 40 s is 50 a second.
        let mut pace = Pace::new(&config);
        assert!(pace.keeps_up(2_000, pace.since + Duration::from_secs(29)));
        assert!(!pace.keeps_up(0, pace.since + Duration::from_secs(40)));
    }

    #[test]
    fn a_304_without_validators_keeps_the_old_ones() {
        let sent =
            Validators { etag: Some("\"v1\"".into()), last_modified: Some("Fri, 09 Jan 2026 14:05:00 GMT".into()) };
        assert_eq!(validators_of(&HeaderMap::new(), &sent), sent);
    }
}
