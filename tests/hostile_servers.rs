//! Servers that misbehave on purpose, all on 127.0.0.1: one that drips a byte a second, one that never
//! answers, an endless body, gzip and brotli bombs (a gigabyte of zeros, small on the wire), redirect
//! loops and redirects out of the web, HTML, empty, truncated and mis-encoded answers, entity bombs and
//! external entities, a feed of 100,000 entries and one with a 10 MB title, and pictures that are not
//! pictures. Each hostile source must fail alone with a classified error (or be read safely), the good
//! source beside them must sync, nothing may be half-written, no file outside the data directory may be
//! read, and time and memory stay within the bounds asserted here.

mod common;

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use common::{Route, Server, read_fixture};
use offprint::extract::FullTextMode;
use offprint::fetch::{FetchConfig, Fetcher};
use offprint::model::EntryFilter;
use offprint::opml::OpmlFeed;
use offprint::parse::MAX_ENTRIES;
use offprint::store::Store;
use offprint::sync::{self, SharedStore, SyncOptions};

/// What a hostile route does once it has read the request.
#[derive(Clone)]
enum Misbehaviour {
    /// Promises a body and sends one byte a second.
    Drip,
    /// Never answers at all.
    Silent,
    /// A chunked body that never ends.
    Endless,
    /// `body`, sent with `Content-Encoding: encoding`.
    Encoded { encoding: &'static str, body: Arc<Vec<u8>> },
}

/// A raw TCP server for what an HTTP library would refuse to send. Stops by itself when dropped.
struct Hostile {
    addr: std::net::SocketAddr,
    stop: Arc<AtomicBool>,
}

impl Hostile {
    fn start(routes: HashMap<&'static str, Misbehaviour>) -> Hostile {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let routes = Arc::new(routes);
        let stopping = stop.clone();
        thread::spawn(move || {
            for stream in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (routes, stop) = (routes.clone(), stopping.clone());
                thread::spawn(move || {
                    let _ = misbehave(stream, &routes, &stop);
                });
            }
        });
        Hostile { addr, stop }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

impl Drop for Hostile {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
    }
}

fn misbehave(mut stream: TcpStream, routes: &HashMap<&str, Misbehaviour>, stop: &AtomicBool) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 65_536 {
        if stream.read(&mut byte)? == 0 {
            return Ok(());
        }
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head);
    let path = head.split_whitespace().nth(1).unwrap_or("/");
    let Some(behaviour) = routes.get(path) else {
        return stream.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    };
    // Every loop ends when the client hangs up, the test is over, or after a minute at most.
    let deadline = Instant::now() + Duration::from_secs(60);
    let going = || !stop.load(Ordering::SeqCst) && Instant::now() < deadline;
    match behaviour {
        Misbehaviour::Drip => {
            stream
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: 100000\r\n\r\n")?;
            while going() {
                stream.write_all(b"<")?;
                thread::sleep(Duration::from_secs(1));
            }
        }
        Misbehaviour::Silent => {
            while going() {
                thread::sleep(Duration::from_millis(100));
            }
        }
        Misbehaviour::Endless => {
            stream.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nTransfer-Encoding: chunked\r\n\r\n",
            )?;
            let chunk = "<item><title>again</title></item>".repeat(2000);
            let start = "<rss version=\"2.0\"><channel><title>Endless</title>";
            stream.write_all(format!("{:x}\r\n{start}\r\n", start.len()).as_bytes())?;
            while going() {
                stream.write_all(format!("{:x}\r\n{chunk}\r\n", chunk.len()).as_bytes())?;
            }
        }
        Misbehaviour::Encoded { encoding, body } => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Encoding: {encoding}\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            stream.write_all(head.as_bytes())?;
            stream.write_all(body)?;
        }
    }
    Ok(())
}

/// An RSS document of `items`, each `(title, link, body)`.
fn rss(title: &str, items: &[(String, String, String)]) -> String {
    let items: String = items
        .iter()
        .enumerate()
        .map(|(i, (t, link, body))| {
            format!(
                "<item><title>{t}</title><link>{link}</link><guid>g{i}</guid><description>{body}</description></item>"
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>{title}</title>{items}</channel></rss>"
    )
}

/// The peak resident memory so far of process `pid` (`self` for this one), in MiB.
fn peak_rss_mib(pid: &str) -> Option<u64> {
    common::procfs::kib(pid, "status", "VmHWM:").map(|kib| kib / 1024)
}

fn open(dir: &Path) -> SharedStore {
    SharedStore::new(Store::open_in(dir).unwrap())
}

/// Subscribes to `urls` without fetching them, as an OPML import does (a hostile feed cannot even be
/// subscribed to with `add`).
fn subscribe_all(store: &SharedStore, urls: &[(&str, String)]) -> HashMap<String, i64> {
    let feeds: Vec<OpmlFeed> = urls
        .iter()
        .map(|(name, url)| OpmlFeed { url: url.clone(), title: Some((*name).into()), site_url: None, folder: None })
        .collect();
    let report = store.lock().unwrap().import_sources(&feeds, FullTextMode::Auto).unwrap();
    assert!(report.skipped.is_empty(), "{report:?}");
    report.added.into_iter().map(|s| (s.title, s.id)).collect()
}

fn entries_of(store: &SharedStore, source_id: i64) -> Vec<offprint::model::EntrySummary> {
    let filter = EntryFilter { source_id: Some(source_id), limit: 100_000, ..Default::default() };
    store.lock().unwrap().list_entries(&filter).unwrap()
}

/// Everything that misbehaves, and one good feed beside it: the servers, and each source's name and URL.
struct World {
    /// Kept for as long as the world is: the servers stop when dropped.
    _hostile: Hostile,
    _server: Server,
    sources: Vec<(&'static str, String)>,
}

fn hostile_world() -> World {
    let bombs = |name: &str| Arc::new(read_fixture(&format!("hostile/{name}")));
    let hostile = Hostile::start(HashMap::from([
        ("/drip.xml", Misbehaviour::Drip),
        ("/silent.xml", Misbehaviour::Silent),
        ("/endless.xml", Misbehaviour::Endless),
        ("/bomb-gzip.xml", Misbehaviour::Encoded { encoding: "gzip", body: bombs("bomb.gz") }),
        ("/bomb-brotli.xml", Misbehaviour::Encoded { encoding: "br", body: bombs("bomb.br") }),
    ]));

    let server = Server::start();
    server.route("/good.xml", Route::fixture("rss2_content_encoded.xml"));
    server.route("/loop-a.xml", Route::redirect(302, "/loop-b.xml"));
    server.route("/loop-b.xml", Route::redirect(302, "/loop-a.xml"));
    server.route("/to-file.xml", Route::redirect(302, "file:///etc/passwd"));
    server.route("/to-ftp.xml", Route::redirect(301, "ftp://127.0.0.1/feed.xml"));
    server.route("/page.xml", Route::feed("<!DOCTYPE html><html><body><p>Welcome</p></body></html>", "text/html"));
    server.route("/empty.xml", Route::feed("", "application/rss+xml"));
    server.route("/truncated.xml", Route::fixture("truncated.xml"));
    let mut bad_bytes = rss("Broken bytes", &[("Before".into(), String::new(), "fine".into())]).into_bytes();
    let at = bad_bytes.len() - "</channel></rss>".len();
    bad_bytes.splice(at..at, b"<item><title>Bad \xff\xfe bytes \xc3</title><guid>bad</guid></item>".iter().copied());
    server.route("/invalid-utf8.xml", Route::feed(bad_bytes, "application/rss+xml; charset=utf-8"));
    let cyrillic = "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>Ложь</title>\
                    <item><title>Суд отложил заседание</title><guid>1</guid></item></channel></rss>";
    let (lying, _, _) = encoding_rs::WINDOWS_1251.encode(cyrillic);
    server.route("/lying.xml", Route::feed(lying.into_owned(), "application/rss+xml; charset=utf-8"));
    let mut laughs = String::from("<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY lol \"lol\">");
    for i in 1..10 {
        let previous = if i == 1 { "lol".to_owned() } else { format!("lol{}", i - 1) };
        laughs.push_str(&format!("<!ENTITY lol{i} \"{}\">", format!("&{previous};").repeat(10)));
    }
    laughs.push_str("]><rss version=\"2.0\"><channel><title>Laughs &lol9;</title><item><title>&lol9;</title><guid>1</guid></item></channel></rss>");
    server.route("/laughs.xml", Route::feed(laughs, "application/rss+xml"));
    let xxe = "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\
               <rss version=\"2.0\"><channel><title>External &x;</title><item><title>Leak &x;</title><guid>1</guid>\
               <description>&x;</description></item></channel></rss>";
    server.route("/xxe.xml", Route::feed(xxe, "application/rss+xml"));
    let many: Vec<(String, String, String)> =
        (0..100_000).map(|i| (format!("Story {i}"), server.url(&format!("/s/{i}")), format!("Body {i}."))).collect();
    server.route("/many.xml", Route::feed(rss("Many", &many), "application/rss+xml"));
    let long_title = format!("Long {}", "x".repeat(10_000_000));
    let big = rss("Big title", &[(long_title, server.url("/s/big"), "A short body.".into())]);
    server.route("/big-title.xml", Route::feed(big, "application/rss+xml"));

    let sources = vec![
        ("good", server.url("/good.xml")),
        ("drip", hostile.url("/drip.xml")),
        ("silent", hostile.url("/silent.xml")),
        ("endless", hostile.url("/endless.xml")),
        ("gzip bomb", hostile.url("/bomb-gzip.xml")),
        ("brotli bomb", hostile.url("/bomb-brotli.xml")),
        ("redirect loop", server.url("/loop-a.xml")),
        ("redirect to file", server.url("/to-file.xml")),
        ("redirect to ftp", server.url("/to-ftp.xml")),
        ("html page", server.url("/page.xml")),
        ("empty", server.url("/empty.xml")),
        ("truncated", server.url("/truncated.xml")),
        ("invalid utf-8", server.url("/invalid-utf8.xml")),
        ("lying charset", server.url("/lying.xml")),
        ("billion laughs", server.url("/laughs.xml")),
        ("external entity", server.url("/xxe.xml")),
        ("100,000 entries", server.url("/many.xml")),
        ("10 MB title", server.url("/big-title.xml")),
    ];
    World { _hostile: hostile, _server: server, sources }
}

/// The sources that must fail, and how.
const EXPECTED_FAILURES: [(&str, &str); 11] = [
    ("drip", "timeout"),
    ("silent", "timeout"),
    ("endless", "too_large"),
    ("gzip bomb", "too_large"),
    ("brotli bomb", "too_large"),
    ("redirect loop", "redirect_loop"),
    ("redirect to file", "unsupported_url"),
    ("redirect to ftp", "unsupported_url"),
    ("html page", "not_a_feed"),
    ("empty", "not_a_feed"),
    ("truncated", "parse"),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_hostile_server_fails_alone_and_within_bounds() {
    let world = hostile_world();
    let dir = common::data_dir();
    let store = open(dir.path());
    let sources = subscribe_all(&store, &world.sources);
    let config = FetchConfig {
        timeout: Duration::from_secs(3),
        connect_timeout: Duration::from_secs(2),
        ..FetchConfig::default()
    };
    let fetcher = Fetcher::new(config).unwrap();

    let started = Instant::now();
    let report = sync::sync_all(&store, &fetcher, &SyncOptions::default(), |_| {}).await.unwrap();
    let took = started.elapsed();

    // Each hostile source failed alone, for its own classified reason.
    let failed: HashMap<i64, &str> = report.errors.iter().map(|e| (e.source_id, e.code.as_str())).collect();
    for (name, code) in EXPECTED_FAILURES {
        assert_eq!(failed.get(&sources[name]).copied(), Some(code), "{name}: {report:?}");
        assert!(entries_of(&store, sources[name]).is_empty(), "{name}: nothing half-written");
    }
    assert_eq!(report.failed as usize, EXPECTED_FAILURES.len(), "{report:?}");

    // The others were read, safely.
    assert!(!entries_of(&store, sources["good"]).is_empty());
    let titles = |name: &str| entries_of(&store, sources[name]).into_iter().map(|e| e.title).collect::<Vec<_>>();
    assert_eq!(titles("invalid utf-8").len(), 2, "bad bytes cost a character, not the feed");
    assert!(titles("invalid utf-8").iter().any(|t| t.starts_with("Bad ") && t.contains('\u{fffd}')));
    assert_eq!(titles("lying charset").len(), 1);
    for t in titles("billion laughs") {
        assert!(t.len() < 100, "no entity was expanded: {} bytes", t.len());
    }
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    let first_line = passwd.lines().next().unwrap_or("root:x:0:0");
    for summary in entries_of(&store, sources["external entity"]) {
        let entry = store.lock().unwrap().get_entry(summary.id).unwrap();
        for text in [&entry.summary.title, &entry.content_html, &entry.summary.summary] {
            assert!(!text.contains(first_line) && !text.contains("root:"), "a local file leaked: {text}");
        }
    }
    assert_eq!(entries_of(&store, sources["100,000 entries"]).len(), MAX_ENTRIES);
    let big = titles("10 MB title");
    assert_eq!(big.len(), 1);
    assert!(big[0].chars().count() <= 1001, "the title was cut: {} chars", big[0].chars().count());

    // Bounded: the slowest servers are cut off by the timeouts, and a gigabyte never reaches memory.
    assert!(took < Duration::from_secs(120), "the sync took {took:?}");
    let peak = peak_rss_mib("self").expect("this process's peak memory in /proc");
    assert!(peak < 1024, "peak memory {peak} MiB");
    let integrity: String = rusqlite::Connection::open(dir.path().join(offprint::store::DB_FILE))
        .unwrap()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    eprintln!(
        "hostile servers: {} sources, {} failed, sync {took:?}, peak memory {peak} MiB",
        sources.len(),
        report.failed
    );
}

#[tokio::test]
async fn pictures_that_are_not_pictures_or_too_big_to_decode_are_never_kept() {
    let server = Server::start();
    let mut bomb = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    bomb.extend_from_slice(&100_000u32.to_be_bytes());
    bomb.extend_from_slice(&100_000u32.to_be_bytes());
    bomb.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
    let pictures = [
        ("/img/page.png", "<html><body><script>alert(1)</script></body></html>".as_bytes().to_vec(), "image/png"),
        ("/img/bomb.png", bomb, "image/png"),
        (
            "/img/script.svg",
            br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#.to_vec(),
            "image/svg+xml",
        ),
        ("/img/real.png", read_fixture("offline/img/lighthouse.png"), "image/png"),
    ];
    let mut body = String::new();
    for (path, bytes, kind) in &pictures {
        server.route(path, Route::feed(bytes.clone(), kind));
        body.push_str(&format!("&lt;p&gt;&lt;img src=\"{}\" alt=\"{path}\"&gt;&lt;/p&gt;", server.url(path)));
    }
    server.route(
        "/feed.xml",
        Route::feed(rss("Pictures", &[("Four pictures".into(), String::new(), body)]), "application/rss+xml"),
    );

    let dir = common::data_dir();
    let store = open(dir.path());
    let fetcher = Fetcher::new(FetchConfig::default()).unwrap();
    sync::subscribe(&store, &fetcher, &server.url("/feed.xml"), None, FullTextMode::Off).await.unwrap();
    sync::fetch_pictures(&store, &fetcher).await.unwrap();

    let id = store.lock().unwrap().list_entries(&EntryFilter { limit: 10, ..Default::default() }).unwrap()[0].id;
    let entry = store.lock().unwrap().get_entry(id).unwrap();
    let status: HashMap<String, String> =
        entry.images.iter().map(|i| (i.url.rsplit('/').next().unwrap().to_owned(), i.status.clone())).collect();
    assert_eq!(status["page.png"], "skipped", "{status:?}");
    assert_eq!(status["bomb.png"], "skipped", "{status:?}");
    assert_eq!(status["script.svg"], "skipped", "{status:?}");
    assert_eq!(status["real.png"], "cached", "{status:?}");
    let files = walk(&dir.path().join("images"));
    assert_eq!(files.len(), 1, "only the real picture is on disk: {files:?}");
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found
}

mod slow {
    use std::io::Read;
    use std::process::Stdio;
    use std::time::{Duration, Instant};

    use super::{EXPECTED_FAILURES, hostile_world, open, peak_rss_mib, subscribe_all};

    /// The same servers against `offprint-cli sync` as a reader runs it: its own process, its default
    /// timeouts (60 s for an answer to begin; a body given up after 30 s without a byte, or under 64
    /// bytes a second over 30 s). It ends within a bound, below a memory bound, with every hostile source
    /// failing alone.
    #[test]
    #[ignore = "waits out the default 60 s timeouts: `make drill`"]
    fn the_cli_with_its_default_timeouts_survives_every_hostile_server() {
        let world = hostile_world();
        let dir = crate::common::data_dir();
        let sources = subscribe_all(&open(dir.path()), &world.sources);
        let started = Instant::now();
        // Its progress on stderr is not read: a pipe nobody empties would stall it once full.
        let mut child = crate::common::cli::command()
            .arg("--data-dir")
            .arg(dir.path())
            .args(["sync", "--json"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let pid = child.id();
        let mut stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            let mut out = String::new();
            stdout.read_to_string(&mut out).unwrap();
            out
        });
        let mut peak = 0;
        while child.try_wait().unwrap().is_none() {
            peak = peak.max(peak_rss_mib(&pid.to_string()).unwrap_or(0));
            std::thread::sleep(Duration::from_millis(20));
        }
        let took = started.elapsed();
        let status = child.wait().unwrap();
        let out = reader.join().unwrap();
        let report: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
        assert!(status.success(), "a sync in which some sources failed still exits 0: {report}");

        let failed: std::collections::HashMap<i64, &str> = report["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e["source_id"].as_i64().unwrap(), e["code"].as_str().unwrap()))
            .collect();
        for (name, code) in EXPECTED_FAILURES {
            assert_eq!(failed.get(&sources[name]).copied(), Some(code), "{name}: {report}");
        }
        assert_eq!(failed.len(), EXPECTED_FAILURES.len(), "{report}");
        // The 100,000-entry feed's newest 5,000, and the good and the readable sources' stories besides.
        assert!(report["new"].as_u64().unwrap() > super::MAX_ENTRIES as u64, "{report}");
        assert!(took < Duration::from_secs(120), "the sync took {took:?}");
        assert!(peak > 0 && peak < 1024, "peak memory {peak} MiB");
        eprintln!("offprint-cli sync against {} hostile sources: {took:?}, peak memory {peak} MiB", sources.len() - 1);
    }
}
