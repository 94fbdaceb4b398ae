//! Shared test parts: a real HTTP server on 127.0.0.1 serving fixture files, and a temporary data
//! directory. The server counts responses by status and the most requests it had in flight at once.
#![allow(dead_code)]

pub mod cli;
pub mod corpus;
pub mod offline_site;
pub mod procfs;
pub mod proxy;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// One resource the server answers for.
#[derive(Clone, Debug)]
pub struct Route {
    pub status: u16,
    /// Shared, not copied, by every answer: a benchmark's server takes as little of the cores as it can.
    body: Arc<[u8]>,
    /// The body's [`fingerprint`], for its ETag and Last-Modified, taken once.
    fingerprint: u64,
    pub content_type: String,
    /// Sent as ETag and Last-Modified, and honoured in conditional requests.
    pub validators: bool,
    pub location: Option<String>,
    pub gzip: bool,
    pub delay: Duration,
    /// The body sent so many bytes at a time, with this pause after each: a slow link, or a server that
    /// drips or stalls.
    pub trickle: Option<(usize, Duration)>,
    /// More headers to send (Cache-Control, Retry-After...).
    pub headers: Vec<(String, String)>,
    /// Answered only once this path was asked for, or as a 503 if it is not within the time given.
    pub waits_for: Option<(String, Duration)>,
}

impl Route {
    pub fn feed(body: impl Into<Vec<u8>>, content_type: &str) -> Route {
        let body: Arc<[u8]> = body.into().into();
        Route {
            status: 200,
            fingerprint: fingerprint(&body),
            body,
            content_type: content_type.into(),
            validators: true,
            location: None,
            gzip: false,
            delay: Duration::ZERO,
            trickle: None,
            headers: Vec::new(),
            waits_for: None,
        }
    }

    pub fn fixture(name: &str) -> Route {
        let content_type = match name.rsplit('.').next() {
            Some("json") => "application/feed+json",
            Some("html") => "text/html; charset=utf-8",
            _ => "application/xml",
        };
        Route::feed(read_fixture(name), content_type)
    }

    pub fn status(status: u16) -> Route {
        Route { status, ..Route::feed(format!("status {status}"), "text/plain") }
    }

    pub fn redirect(status: u16, location: &str) -> Route {
        Route { location: Some(location.into()), ..Route::status(status) }
    }

    pub fn without_validators(self) -> Route {
        Route { validators: false, ..self }
    }

    pub fn gzipped(self) -> Route {
        Route { gzip: true, ..self }
    }

    pub fn delayed(self, delay: Duration) -> Route {
        Route { delay, ..self }
    }

    /// The body sent `bytes` at a time, `every` so often.
    pub fn trickled(self, bytes: usize, every: Duration) -> Route {
        Route { trickle: Some((bytes.max(1), every)), ..self }
    }

    /// Answered only once `path` was asked for (by anyone), or with a 503 if it is not within `wait`:
    /// for the order in which a client makes its requests.
    pub fn once_asked_for(self, path: &str, wait: Duration) -> Route {
        Route { waits_for: Some((path.into(), wait)), ..self }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Route {
        self.headers.push((name.into(), value.into()));
        self
    }
}

pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub fn read_fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixtures_dir().join(name)).unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

#[derive(Default)]
struct State {
    routes: HashMap<String, Route>,
    by_status: HashMap<u16, usize>,
    by_path: HashMap<String, usize>,
    user_agents: Vec<String>,
}

/// An HTTP/1.1 server on 127.0.0.1 with a port of its own. Stops when dropped.
pub struct Server {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
    in_flight: Arc<AtomicUsize>,
    max_in_flight: Arc<AtomicUsize>,
}

impl Server {
    pub fn start() -> Server {
        Server::start_counting("127.0.0.1", Arc::default(), Arc::default())
    }

    /// A server on another loopback address (`127.0.0.2`, ...): another host to a client, with its own
    /// limit of connections.
    pub fn start_at(ip: &str) -> Server {
        Server::start_counting(ip, Arc::default(), Arc::default())
    }

    /// Another server (its own port, so another host to a client) whose in-flight counters are
    /// shared with this one: for limits across hosts.
    pub fn start_sharing_counts(&self) -> Server {
        Server::start_counting("127.0.0.1", self.in_flight.clone(), self.max_in_flight.clone())
    }

    fn start_counting(ip: &str, in_flight: Arc<AtomicUsize>, max_in_flight: Arc<AtomicUsize>) -> Server {
        let listener = TcpListener::bind((ip, 0)).unwrap();
        let addr = listener.local_addr().unwrap();
        let server = Server { addr, state: Arc::default(), stop: Arc::default(), in_flight, max_in_flight };
        let (state, stop) = (server.state.clone(), server.stop.clone());
        let (in_flight, max_in_flight) = (server.in_flight.clone(), server.max_in_flight.clone());
        thread::spawn(move || {
            for stream in listener.incoming() {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (state, in_flight, max_in_flight) = (state.clone(), in_flight.clone(), max_in_flight.clone());
                thread::spawn(move || {
                    let request = Answering::start(in_flight, &max_in_flight);
                    let _ = serve(stream, &state, &request);
                });
            }
        });
        server
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Serves `route` at `path` from now on (replacing what was there: an edited feed).
    pub fn route(&self, path: &str, route: Route) -> &Self {
        self.state.lock().unwrap().routes.insert(path.into(), route);
        self
    }

    pub fn count(&self, status: u16) -> usize {
        self.state.lock().unwrap().by_status.get(&status).copied().unwrap_or(0)
    }

    pub fn hits(&self, path: &str) -> usize {
        self.state.lock().unwrap().by_path.get(path).copied().unwrap_or(0)
    }

    pub fn reset_counts(&self) {
        let mut state = self.state.lock().unwrap();
        state.by_status.clear();
        state.by_path.clear();
        self.max_in_flight.store(0, Ordering::SeqCst);
    }

    /// Every User-Agent header received, in order.
    pub fn user_agents(&self) -> Vec<String> {
        self.state.lock().unwrap().user_agents.clone()
    }

    /// Every request answered, whatever its status.
    pub fn total(&self) -> usize {
        self.state.lock().unwrap().by_status.values().sum()
    }

    /// The most requests answered at once: each from its arrival to the last byte of its answer.
    pub fn max_in_flight(&self) -> usize {
        self.max_in_flight.load(Ordering::SeqCst)
    }
}

/// A request being answered, counted in `in_flight` until [`Answering::done`] or its drop.
struct Answering {
    in_flight: Arc<AtomicUsize>,
    done: AtomicBool,
}

impl Answering {
    fn start(in_flight: Arc<AtomicUsize>, max_in_flight: &AtomicUsize) -> Answering {
        let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        max_in_flight.fetch_max(now, Ordering::SeqCst);
        Answering { in_flight, done: AtomicBool::new(false) }
    }

    fn done(&self) {
        if !self.done.swap(true, Ordering::SeqCst) {
            self.in_flight.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

impl Drop for Answering {
    fn drop(&mut self) {
        self.done();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
    }
}

fn serve(mut stream: TcpStream, state: &Mutex<State>, request: &Answering) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let path = request_line.split_whitespace().nth(1).unwrap_or("/").to_owned();
    let mut headers = HashMap::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_owned());
        }
    }
    let mut route = state.lock().unwrap().routes.get(&path).cloned().unwrap_or_else(|| Route::status(404));
    if let Some((first, wait)) = route.waits_for.take() {
        let deadline = std::time::Instant::now() + wait;
        while !state.lock().unwrap().by_path.contains_key(&first) {
            if std::time::Instant::now() > deadline {
                route = Route::status(503);
                break;
            }
            thread::sleep(Duration::from_millis(10));
        }
    }
    thread::sleep(route.delay);
    let fp = route.fingerprint;
    let etag = format!("\"{fp:x}\"");
    // A Last-Modified that changes with the body, like a real server's.
    let last_modified = httpdate(1_767_225_600 + (fp % 10_000_000) as i64);
    // As in RFC 9110: If-None-Match, when sent, decides alone.
    let not_modified = route.validators
        && route.status == 200
        && match (headers.get("if-none-match"), headers.get("if-modified-since")) {
            (Some(tag), _) => *tag == etag,
            (None, Some(since)) => *since == last_modified,
            (None, None) => false,
        };
    let status = if not_modified { 304 } else { route.status };
    {
        let mut state = state.lock().unwrap();
        *state.by_status.entry(status).or_default() += 1;
        *state.by_path.entry(path.clone()).or_default() += 1;
        state.user_agents.extend(headers.get("user-agent").cloned());
    }
    let mut head = format!("HTTP/1.1 {status} X\r\nConnection: close\r\n");
    if route.validators && route.status == 200 {
        head.push_str(&format!("ETag: {etag}\r\nLast-Modified: {last_modified}\r\n"));
    }
    if let Some(location) = &route.location {
        head.push_str(&format!("Location: {location}\r\n"));
    }
    for (name, value) in &route.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    let body: Arc<[u8]> = if not_modified {
        Arc::new([])
    } else if route.gzip {
        head.push_str("Content-Encoding: gzip\r\n");
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(&route.body)?;
        encoder.finish()?.into()
    } else {
        route.body.clone()
    };
    if !not_modified {
        head.push_str(&format!("Content-Type: {}\r\n", route.content_type));
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    // The request is answered before its last byte leaves: a client that has the whole answer, and sends
    // its next request, never finds this one still counted.
    let mut parts = [head.as_bytes(), &body];
    let ending = if body.is_empty() { 0 } else { 1 };
    let (&last, before) = parts[ending].split_last().expect("an answer has a head");
    parts[ending] = before;
    // Nothing waits on the client's acknowledgement between the parts.
    stream.set_nodelay(true)?;
    stream.write_all(parts[0])?;
    match route.trickle {
        Some((bytes, every)) => {
            for piece in parts[1].chunks(bytes) {
                stream.write_all(piece)?;
                thread::sleep(every);
            }
        }
        None => stream.write_all(parts[1])?,
    }
    request.done();
    stream.write_all(&[last])?;
    stream.flush()?;
    // Let the client read everything before the socket closes.
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let _ = reader.read(&mut [0; 1]);
    Ok(())
}

fn httpdate(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0).unwrap().format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

fn fingerprint(bytes: &[u8]) -> u64 {
    // FNV-1a: stable across runs, unlike the std hasher.
    bytes.iter().fold(0xcbf29ce484222325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x100000001b3))
}

/// A data directory that disappears with the test.
pub fn data_dir() -> tempfile::TempDir {
    tempfile::TempDir::new().unwrap()
}

/// A small xorshift: a seed gives the same corpus, the same changes and the same moments on every run.
pub struct Rng(pub u64);

impl Rng {
    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x % n.max(1)
    }
}
