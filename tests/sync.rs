//! The real sync, from a real HTTP server on 127.0.0.1 serving fixture feeds into a real SQLite file.

mod common;

use std::time::Duration;

use common::{Route, Server};
use offprint::fetch::{FetchConfig, Fetcher};
use offprint::model::{EntryDetail, EntryFilter, EntrySummary, SyncReport};
use offprint::store::{NewSource, Store};
use offprint::sync::{self, SharedStore, SyncOptions};

struct Reader {
    store: SharedStore,
    fetcher: Fetcher,
    /// A second connection to the same file: its `data_version` moves whenever the store commits a write.
    watcher: rusqlite::Connection,
    _dir: tempfile::TempDir,
}

impl Reader {
    fn new() -> Reader {
        Reader::with_config(FetchConfig::default())
    }

    fn with_config(config: FetchConfig) -> Reader {
        let dir = common::data_dir();
        let store = SharedStore::new(Store::open_in(dir.path()).unwrap());
        let watcher = rusqlite::Connection::open(dir.path().join(offprint::store::DB_FILE)).unwrap();
        Reader { store, fetcher: Fetcher::new(config).unwrap(), watcher, _dir: dir }
    }

    /// Subscribes as `offprint-cli add` does: the source, its entries, then their pictures.
    async fn add(&self, url: &str) -> offprint::error::Result<i64> {
        let (source, _) = sync::subscribe(&self.store, &self.fetcher, url, None, Default::default()).await?;
        sync::fetch_pictures(&self.store, &self.fetcher).await?;
        Ok(source.id)
    }

    async fn sync(&self) -> SyncReport {
        sync::sync_all(&self.store, &self.fetcher, &SyncOptions::default(), |_| {}).await.unwrap()
    }

    fn list(&self) -> Vec<EntrySummary> {
        self.store.lock().unwrap().list_entries(&EntryFilter { limit: 1000, ..Default::default() }).unwrap()
    }

    fn entry(&self, title: &str) -> EntryDetail {
        let id = self.list().into_iter().find(|e| e.title == title).unwrap_or_else(|| panic!("no entry {title:?}")).id;
        self.store.lock().unwrap().get_entry(id).unwrap()
    }

    /// Changes whenever anything at all was written to the cache since the last call.
    fn writes(&self) -> i64 {
        self.watcher.pragma_query_value(None, "data_version", |r| r.get(0)).unwrap()
    }
}

async fn add_fixture(reader: &Reader, server: &Server, name: &str) -> i64 {
    let path = format!("/{name}");
    server.route(&path, Route::fixture(name));
    reader.add(&server.url(&path)).await.unwrap_or_else(|e| panic!("adding {name}: {e}"))
}

/// Store work waiting for its turn parks no thread: a sync's tasks would each hold one (and its memory).
#[cfg(target_os = "linux")]
#[test]
fn store_work_waits_for_its_turn_without_a_thread_each() {
    const NAME: &str = "turn-test";
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(1).thread_name(NAME).enable_all().build().unwrap();
    let dir = common::data_dir();
    let store = SharedStore::new(Store::open_in(dir.path()).unwrap());
    let threads = || {
        let tasks = std::fs::read_dir("/proc/self/task").unwrap();
        tasks
            .filter(|t| std::fs::read_to_string(t.as_ref().unwrap().path().join("comm")).unwrap().trim() == NAME)
            .count()
    };
    let held = store.lock().unwrap();
    let waiting: Vec<_> = (0..20)
        .map(|_| {
            let store = store.clone();
            runtime.spawn(async move { sync::with_store(&store, |s| s.list_sources()).await })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    // The worker, and the one thread handed the work that waits for the lock.
    assert_eq!(threads(), 2, "threads for 20 tasks waiting for the store");
    drop(held);
    for task in waiting {
        assert!(runtime.block_on(task).unwrap().unwrap().is_empty());
    }
}

/// The pictures of a source stored download while other sources are still being fetched: on a slow
/// connection a sync takes about its feeds' time, not its feeds' and then its pictures'.
#[tokio::test]
async fn pictures_download_while_other_sources_are_still_being_fetched() {
    let server = Server::start();
    let feed = |name: &str, body: &str| {
        let item = format!(
            "<item><title>{name} story</title><guid>{name}-1</guid><description>{}</description></item>",
            htmlize::escape_text(body)
        );
        let rss =
            format!("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{name}</title>{item}</channel></rss>");
        Route::feed(rss, "application/rss+xml")
    };
    // Long enough to be a whole story, so no article page is asked for.
    let words = "The hearing went on. ".repeat(60);
    server.route("/a.xml", feed("A", &format!("<p>{words}</p><img src=\"{}\">", server.url("/a.png"))));
    server.route("/a.png", Route::feed(common::read_fixture("offline/img/courthouse-steps.png"), "image/png"));
    server.route("/b.xml", feed("B", &format!("<p>{words}</p>")).once_asked_for("/a.png", Duration::from_secs(20)));
    let reader = Reader::new();
    for name in ["a", "b"] {
        let source = NewSource { url: server.url(&format!("/{name}.xml")), title: name.into(), ..Default::default() };
        reader.store.lock().unwrap().add_source(&source).unwrap();
    }
    let report = reader.sync().await;
    assert_eq!(report.failed, 0, "B's feed is answered only after A's picture was asked for: {:?}", report.errors);
    assert_eq!((report.new, server.hits("/a.png")), (2, 1));
    let picture = &reader.entry("A story").images[0];
    assert_eq!(picture.status, "cached");
}

#[tokio::test]
async fn reads_every_feed_format() {
    let server = Server::start();
    let reader = Reader::new();
    // (fixture, feed title, an entry title, its published time)
    let cases = [
        ("rss091.xml", "Old Wire", "Café owner fined for hosting a reading", None),
        ("rss092.xml", "Radio Notes", "Episode 12: the appeal", None),
        ("rss10_rdf.xml", "RDF Dispatch", "Observers barred from hearing", Some("2026-01-07T07:00:00Z")),
        (
            "rss2_content_encoded.xml",
            "Courtwatch & Press Freedom",
            "Editor summoned over a satirical column",
            Some("2026-01-08T06:30:00Z"),
        ),
        ("atom03.xml", "Legacy Atom", "Blogger released on bail", Some("2026-01-05T09:00:00Z")),
        ("atom10_xml_base.xml", "Atom Watch", "Lawyer & client meet after six months", Some("2026-01-09T10:00:00Z")),
        ("jsonfeed10.json", "JSON Notes", "Translator detained at the border", Some("2026-01-08T16:00:00Z")),
        ("jsonfeed11_kazakh.json", "Дала хабары", "Журналист сотта ақталды", Some("2026-01-09T00:00:00Z")),
    ];
    for (fixture, feed_title, entry_title, published) in cases {
        let id = add_fixture(&reader, &server, fixture).await;
        let source = reader.store.lock().unwrap().source_info(id).unwrap();
        assert_eq!(source.title, feed_title, "{fixture}");
        let entry = reader.entry(entry_title);
        assert_eq!(entry.summary.source_id, Some(id), "{fixture}");
        if let Some(published) = published {
            assert_eq!(entry.summary.published, published, "{fixture}");
        }
        assert!(!entry.content_html.is_empty(), "{fixture}: empty body");
    }
}

#[tokio::test]
async fn titles_are_plain_text_with_entities_decoded_once() {
    let server = Server::start();
    let reader = Reader::new();
    add_fixture(&reader, &server, "rss2_content_encoded.xml").await;
    let titles: Vec<String> = reader.list().into_iter().map(|e| e.title).collect();
    assert!(titles.contains(&"A&M students acquitted after a two-day trial".to_owned()), "{titles:?}");
    assert!(titles.contains(&"Editor summoned over a satirical column".to_owned()), "{titles:?}");
    let entry = reader.entry("A&M students acquitted after a two-day trial");
    assert_eq!(entry.summary.author.as_deref(), Some("Anna Reporter"));
    assert_eq!(entry.summary.summary, "Two students were acquitted on Friday.");
}

#[tokio::test]
async fn resolves_relative_urls_against_xml_base_the_entry_link_and_the_feed() {
    let server = Server::start();
    let reader = Reader::new();
    add_fixture(&reader, &server, "atom10_xml_base.xml").await;
    let meeting = reader.entry("Lawyer & client meet after six months");
    assert_eq!(meeting.summary.url.as_deref(), Some("https://atomwatch.example.org/blog/posts/meeting.html"));
    assert!(
        meeting.content_html.contains(r#"href="https://atomwatch.example.org/blog/docs/letter.html""#),
        "{}",
        meeting.content_html
    );
    // The picture is shown from the cache; the entry keeps the resolved address it is fetched from.
    let picture = "https://atomwatch.example.org/blog/posts/img/meeting.jpg";
    assert_eq!(meeting.images.iter().map(|i| i.url.as_str()).collect::<Vec<_>>(), [picture]);
    let local = &meeting.images[0].local_url;
    assert!(meeting.content_html.contains(&format!(r#"src="{local}""#)), "{}", meeting.content_html);
    let note = reader.entry("Archive note");
    assert_eq!(note.summary.url.as_deref(), Some("https://atomwatch.example.org/archive/2025/note.html"));
    assert!(
        note.content_html.contains(r#"href="https://atomwatch.example.org/archive/2025/photos/""#),
        "{}",
        note.content_html
    );

    add_fixture(&reader, &server, "rss2_content_encoded.xml").await;
    let acquitted = reader.entry("A&M students acquitted after a two-day trial");
    let base = server.url("/2026/01/acquitted.html");
    assert_eq!(acquitted.summary.url.as_deref(), Some(base.as_str()));
    assert_eq!(acquitted.images[0].url, server.url("/images/court.jpg"));
    let local = &acquitted.images[0].local_url;
    assert!(acquitted.content_html.contains(&format!(r#"src="{local}""#)), "{}", acquitted.content_html);
    assert!(
        acquitted.content_html.contains(&format!(r#"href="{}""#, server.url("/2026/verdict.pdf"))),
        "{}",
        acquitted.content_html
    );
}

#[tokio::test]
async fn reads_non_utf8_feeds_from_the_declaration_or_the_header() {
    let server = Server::start();
    let reader = Reader::new();
    add_fixture(&reader, &server, "rss_windows1251.xml").await;
    let ru = reader.entry("Суд над журналистом отложен");
    assert_eq!(ru.summary.summary, "Заседание перенесли на февраль.");
    assert_eq!(ru.lang.as_deref(), Some("ru"));

    let body = common::read_fixture("rss_iso8859_2_header_only.xml");
    server.route("/pl", Route::feed(body, "application/rss+xml; charset=ISO-8859-2"));
    reader.add(&server.url("/pl")).await.unwrap();
    let pl = reader.entry("Dziennikarka z Łodzi uniewinniona");
    assert_eq!(pl.summary.summary, "Sąd w Łodzi uniewinnił dziennikarkę.");
}

#[tokio::test]
async fn marks_persian_entries_right_to_left() {
    let server = Server::start();
    let reader = Reader::new();
    add_fixture(&reader, &server, "rss_persian_rtl.xml").await;
    let fa = reader.entry("روزنامه‌نگار پس از سه ماه آزاد شد");
    assert_eq!(fa.dir, "rtl");
    assert_eq!(fa.lang.as_deref(), Some("fa"));
    assert_eq!(fa.summary.published, "2026-01-09T08:30:00Z");
    let en = {
        add_fixture(&reader, &server, "rss091.xml").await;
        reader.entry("Printing press seized")
    };
    assert_eq!(en.dir, "ltr");
}

#[tokio::test]
async fn keeps_entries_that_share_a_guid_apart() {
    let server = Server::start();
    let reader = Reader::new();
    add_fixture(&reader, &server, "rss_duplicate_guids.xml").await;
    let mut titles: Vec<String> = reader.list().into_iter().map(|e| e.title).collect();
    titles.sort();
    assert_eq!(titles, ["First story", "Second story", "Third story"]);
    // The same items in different bytes, so the feed is parsed again: the keys must come out the same.
    let mut body = common::read_fixture("rss_duplicate_guids.xml");
    body.extend_from_slice(b"\n<!-- regenerated -->\n");
    server.route("/rss_duplicate_guids.xml", Route::feed(body, "application/xml"));
    let report = reader.sync().await;
    assert_eq!((report.new, report.updated, report.unchanged), (0, 0, 1), "{report:?}");
    assert_eq!(server.count(200), 2, "the second round must have fetched and parsed a body");
    assert_eq!(reader.list().len(), 3);
}

#[tokio::test]
async fn entries_without_guid_link_or_date_get_a_stable_identity_and_keep_their_place() {
    let server = Server::start();
    let reader = Reader::new();
    server.route("/sparse", Route::fixture("rss_sparse_items.xml").without_validators());
    reader.add(&server.url("/sparse")).await.unwrap();
    let before = reader.list();
    assert_eq!(before.len(), 3);
    let dateless = before.iter().find(|e| e.title == "No guid, no link, no date").unwrap().clone();
    assert!(before.iter().any(|e| e.title == "No title either: the summary stands in."), "{before:?}");

    // Same feed again, one second later and with a new item on top: nothing is duplicated and the
    // dateless entry keeps the time it was first seen.
    std::thread::sleep(Duration::from_millis(1100));
    let newer = "<item><title>Newer</title><link>https://sparse.example.com/newer</link></item><item>";
    let body = String::from_utf8(common::read_fixture("rss_sparse_items.xml")).unwrap().replacen("<item>", newer, 1);
    server.route("/sparse", Route::feed(body, "application/xml").without_validators());
    let report = reader.sync().await;
    assert_eq!((report.new, report.updated), (1, 0), "{report:?}");
    let after = reader.list();
    let again = after.iter().find(|e| e.title == "No guid, no link, no date").unwrap();
    assert_eq!(again.id, dateless.id);
    assert_eq!(again.published, dateless.published);
}

#[tokio::test]
async fn parses_broken_dates_and_falls_back_to_first_seen() {
    let server = Server::start();
    let reader = Reader::new();
    let before = offprint::model::format_time(chrono::Utc::now());
    add_fixture(&reader, &server, "rss_broken_dates.xml").await;
    let after = offprint::model::format_time(chrono::Utc::now());
    for title in ["Wrong weekday", "Full names and a named zone", "ISO in RSS", "Space instead of T"] {
        assert_eq!(reader.entry(title).summary.published, "2026-01-09T14:05:00Z", "{title}");
    }
    let nonsense = reader.entry("Nonsense");
    let first_seen = nonsense.summary.published.as_str();
    assert!(before.as_str() <= first_seen && first_seen <= after.as_str(), "{before} <= {first_seen} <= {after}");
    assert_eq!(reader.list()[0].title, "Nonsense", "an undated entry is as new as when it was first seen");
}

#[tokio::test]
async fn an_edited_entry_is_updated_in_place_and_keeps_its_state() {
    let server = Server::start();
    let reader = Reader::new();
    server.route("/edits", Route::fixture("rss_edited_v1.xml"));
    reader.add(&server.url("/edits")).await.unwrap();
    let original = reader.entry("Trial date set");
    {
        let mut store = reader.store.lock().unwrap();
        store.set_read(original.summary.id, true).unwrap();
        store.set_bookmarked(original.summary.id, true).unwrap();
    }
    server.route("/edits", Route::fixture("rss_edited_v2.xml"));
    let report = reader.sync().await;
    assert_eq!((report.new, report.updated, report.unchanged), (0, 1, 0), "{report:?}");
    let edited = reader.entry("Trial date moved");
    assert_eq!(edited.summary.id, original.summary.id);
    assert!(edited.summary.read && edited.summary.bookmarked);
    assert!(edited.content_html.contains("9 February"), "{}", edited.content_html);
    assert_eq!(reader.list().len(), 2);
}

#[tokio::test]
async fn the_second_sync_of_unchanged_feeds_gets_304s_and_writes_nothing() {
    let server = Server::start();
    let reader = Reader::new();
    for name in ["rss2_content_encoded.xml", "atom10_xml_base.xml", "jsonfeed10.json"] {
        add_fixture(&reader, &server, name).await;
    }
    // Into the next second, so that refreshing `last_ok_at` would be a real change, not a same-value one.
    std::thread::sleep(Duration::from_millis(1100));
    let before = reader.writes();
    server.reset_counts();
    let report = reader.sync().await;
    assert_eq!(report.unchanged, 3, "{report:?}");
    assert_eq!((report.new, report.updated, report.failed), (0, 0, 0));
    assert_eq!(server.count(304), 3);
    assert_eq!(server.count(200), 0);
    assert_eq!(reader.writes(), before, "a sync of unchanged feeds wrote to the cache");
}

#[tokio::test]
async fn a_server_that_ignores_validators_but_sends_the_same_bytes_counts_as_unchanged() {
    let server = Server::start();
    let reader = Reader::new();
    server.route("/plain", Route::fixture("rss2_content_encoded.xml").without_validators());
    reader.add(&server.url("/plain")).await.unwrap();
    std::thread::sleep(Duration::from_millis(1100));
    let before = reader.writes();
    let report = reader.sync().await;
    assert_eq!(report.unchanged, 1, "{report:?}");
    assert_eq!(server.count(200), 2);
    assert_eq!(reader.writes(), before, "the same body again wrote to the cache");
}

#[tokio::test]
async fn a_failing_source_never_stops_the_others_and_keeps_its_entries() {
    let server = Server::start();
    let reader = Reader::new();
    let good = add_fixture(&reader, &server, "rss2_content_encoded.xml").await;
    let bad = add_fixture(&reader, &server, "atom10_xml_base.xml").await;
    let cached = reader.list().len();
    server.route("/rss2_content_encoded.xml", Route::fixture("rss_edited_v1.xml"));
    let cases = [
        (Route::status(503), "http_503"),
        (Route::status(404), "http_404"),
        (Route::fixture("not_a_feed.html"), "not_a_feed"),
        (Route::feed("", "application/xml"), "not_a_feed"),
        (Route::fixture("truncated.xml"), "parse"),
    ];
    for (route, code) in cases {
        server.route("/atom10_xml_base.xml", route);
        let report = reader.sync().await;
        assert_eq!(report.failed, 1, "{code}: {report:?}");
        assert_eq!(report.errors[0].source_id, bad);
        assert_eq!(report.errors[0].code, code);
        let sources = reader.store.lock().unwrap().list_sources().unwrap();
        let failing = sources.iter().find(|s| s.id == bad).unwrap();
        assert_eq!(failing.last_error.as_ref().map(|e| e.code.as_str()), Some(code));
        assert!(sources.iter().find(|s| s.id == good).unwrap().last_error.is_none());
    }
    // The good source went on syncing (it gained the edits feed's two entries); the bad one lost nothing.
    assert_eq!(reader.list().len(), cached + 2);

    // The feed comes back unchanged: a 304, and the error is cleared (a write the status needs).
    server.route("/atom10_xml_base.xml", Route::fixture("atom10_xml_base.xml"));
    server.reset_counts();
    let report = reader.sync().await;
    assert_eq!(report.failed, 0, "{report:?}");
    assert_eq!(server.count(304), 2);
    assert!(reader.store.lock().unwrap().source_info(bad).unwrap().last_error.is_none());
}

#[tokio::test]
async fn a_connection_refused_is_classified() {
    let reader = Reader::new();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let err = reader.add(&format!("http://{closed}/feed.xml")).await.unwrap_err();
    assert_eq!(err.code(), "connect", "{err}");
    assert!(err.to_string().ends_with("Connection refused"), "said in words, once: {err}");
}

#[tokio::test]
async fn a_permanent_redirect_moves_the_source_and_a_temporary_one_does_not() {
    let server = Server::start();
    let reader = Reader::new();
    server.route("/old", Route::redirect(301, "/new")).route("/new", Route::fixture("rss091.xml"));
    server.route("/temp", Route::redirect(302, "/target")).route("/target", Route::fixture("rss092.xml"));
    let moved = reader.add(&server.url("/old")).await.unwrap();
    let temp = reader.add(&server.url("/temp")).await.unwrap();
    let url_of = |id| reader.store.lock().unwrap().source_info(id).unwrap().url;
    assert_eq!(url_of(moved), server.url("/new"));
    assert_eq!(url_of(temp), server.url("/temp"));

    // A source that moves later is followed on sync too.
    server.route("/new", Route::redirect(308, "/newer")).route("/newer", Route::fixture("rss091.xml"));
    let report = reader.sync().await;
    assert_eq!(report.failed, 0, "{report:?}");
    assert_eq!(url_of(moved), server.url("/newer"));
}

#[tokio::test]
async fn redirect_loops_and_non_http_targets_are_refused() {
    let server = Server::start();
    let reader = Reader::new();
    server.route("/a", Route::redirect(302, "/b")).route("/b", Route::redirect(302, "/a"));
    assert_eq!(reader.add(&server.url("/a")).await.unwrap_err().code(), "redirect_loop");
    for i in 0..12 {
        server.route(&format!("/hop{i}"), Route::redirect(302, &format!("/hop{}", i + 1)));
    }
    server.route("/hop12", Route::fixture("rss091.xml"));
    assert_eq!(reader.add(&server.url("/hop0")).await.unwrap_err().code(), "redirect_loop");
    server.route("/file", Route::redirect(302, "file:///etc/passwd"));
    assert_eq!(reader.add(&server.url("/file")).await.unwrap_err().code(), "unsupported_url");
    assert!(reader.store.lock().unwrap().list_sources().unwrap().is_empty());
}

#[tokio::test]
async fn caps_the_body_also_after_decompression() {
    let server = Server::start();
    let reader = Reader::with_config(FetchConfig { max_body: 64 * 1024, ..FetchConfig::default() });
    let mut big = String::from("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Big</title>");
    while big.len() < 1024 * 1024 {
        big.push_str("<item><title>padding padding padding</title><description>aaaaaaaaaaaaaaaaaaaaaaaaaaaa</description></item>");
    }
    big.push_str("</channel></rss>");
    server.route("/plain", Route::feed(big.clone(), "application/xml"));
    server.route("/gzip", Route::feed(big, "application/xml").gzipped());
    assert_eq!(reader.add(&server.url("/plain")).await.unwrap_err().code(), "too_large");
    assert_eq!(reader.add(&server.url("/gzip")).await.unwrap_err().code(), "too_large");
    // A gzipped feed under the cap reads fine.
    server.route("/small", Route::fixture("rss091.xml").gzipped());
    reader.add(&server.url("/small")).await.unwrap();
}

#[tokio::test]
async fn hostile_bodies_are_stored_without_any_way_to_run_code() {
    let server = Server::start();
    let reader = Reader::new();
    let id = add_fixture(&reader, &server, "rss_hostile.xml").await;
    let source = reader.store.lock().unwrap().source_info(id).unwrap();
    assert_eq!(source.title, "Hostile Blog");
    let entry = reader.entry("Innocent title");
    assert_eq!(entry.summary.url, None, "a javascript: link is not a link");
    let html = entry.content_html.to_ascii_lowercase();
    for bad in [
        "<script",
        "javascript:",
        "onclick",
        "onerror",
        "<iframe",
        "<object",
        "<svg",
        "<form",
        "<input",
        "<style",
        "style=",
        "<base",
        "<meta",
        "data:text",
        "pixel.gif",
    ] {
        assert!(!html.contains(bad), "{bad} in {html}");
    }
    assert!(html.contains("hello"), "{html}");
    assert!(html.contains(r#"<a class="op-embed" href="https://video.example.com/embed/7""#), "{html}");
}

/// Serves `count` feeds at `/f0`, `/f1`..., and subscribes to them. From then on each is answered after
/// 150 ms: with validators, as it was (a 304 to the next sync); without, with a new story besides.
async fn slow_feeds(reader: &Reader, server: &Server, count: usize, validators: bool) {
    for i in 0..count {
        let item = |n: usize| {
            let story = server.url(&format!("/story/{i}-{n}"));
            format!(
                "<item><title>Story {i}-{n}</title><link>{story}</link>\
                 <description>A court heard the case of a reporter.</description></item>"
            )
        };
        let feed = |items: String| {
            let body = format!("<rss version=\"2.0\"><channel><title>Wire {i}</title>{items}</channel></rss>");
            let route = Route::feed(body, "application/rss+xml");
            if validators { route } else { route.without_validators() }
        };
        server.route(&format!("/f{i}"), feed(item(1)));
        reader.add(&server.url(&format!("/f{i}"))).await.unwrap();
        let next = if validators { feed(item(1)) } else { feed(item(2) + &item(1)) };
        server.route(&format!("/f{i}"), next.delayed(Duration::from_millis(150)));
    }
    server.reset_counts();
}

#[tokio::test]
async fn never_opens_more_connections_to_one_host_than_politeness_allows() {
    let per_host = SyncOptions::default().per_host;
    let (reader, server) = (Reader::new(), Server::start());
    let feeds = 3 * per_host;
    slow_feeds(&reader, &server, feeds, false).await;
    let report = reader.sync().await;
    assert_eq!((report.sources as usize, report.failed), (feeds, 0), "{report:?}");
    assert_eq!(server.count(200), feeds);
    assert!(server.max_in_flight() <= per_host, "{} requests at once", server.max_in_flight());
    assert!(server.max_in_flight() > 1, "the host's connections are used together");
}

#[tokio::test]
async fn never_fetches_more_sources_at_once_than_the_concurrency_allows() {
    let first = Server::start();
    let servers: Vec<Server> = (0..6).map(|_| first.start_sharing_counts()).collect();
    let reader = Reader::new();
    for (i, server) in servers.iter().enumerate() {
        let body =
            String::from_utf8(common::read_fixture("rss091.xml")).unwrap().replace("Old Wire", &format!("Wire {i}"));
        server.route("/feed", Route::feed(body, "application/xml"));
        reader.add(&server.url("/feed")).await.unwrap();
    }
    for server in &servers {
        server.route("/feed", Route::fixture("rss092.xml").delayed(Duration::from_millis(150)));
    }
    first.reset_counts();
    let options = SyncOptions { concurrency: 3, per_host: 2, ..SyncOptions::default() };
    let report = sync::sync_all(&reader.store, &reader.fetcher, &options, |_| {}).await.unwrap();
    assert_eq!((report.sources, report.new, report.failed), (6, 6, 0), "{report:?}");
    assert!(first.max_in_flight() <= 3, "{} requests at once", first.max_in_flight());
}

#[tokio::test]
async fn every_connection_is_used_whether_feeds_answer_304_or_a_body() {
    let options = SyncOptions { concurrency: 2 * sync::FEEDS_IN_HAND, per_host: 64, ..SyncOptions::default() };
    let feeds = 3 * sync::FEEDS_IN_HAND;
    let sync_all = async |reader: &Reader| sync::sync_all(&reader.store, &reader.fetcher, &options, |_| {}).await;

    // Asked with validators, answered 304: nothing is held.
    let (reader, server) = (Reader::new(), Server::start());
    slow_feeds(&reader, &server, feeds, true).await;
    let report = sync_all(&reader).await.unwrap();
    assert_eq!((report.unchanged as usize, server.count(304)), (feeds, feeds), "{report:?}");
    assert!(server.max_in_flight() > sync::FEEDS_IN_HAND, "{} requests at once", server.max_in_flight());
    assert!(server.max_in_flight() <= options.concurrency);

    // Every answer a body: more are fetched at once than are parsed and stored at once.
    let (reader, server) = (Reader::new(), Server::start());
    slow_feeds(&reader, &server, feeds, false).await;
    let report = sync_all(&reader).await.unwrap();
    assert_eq!((report.sources as usize, report.failed, server.count(200)), (feeds, 0, feeds), "{report:?}");
    assert_eq!(report.new as usize, feeds, "every feed was parsed and stored: {report:?}");
    assert!(server.max_in_flight() > sync::FEEDS_IN_HAND, "{} requests at once", server.max_in_flight());
    assert!(server.max_in_flight() <= options.concurrency);
}

#[tokio::test]
async fn a_server_that_does_not_answer_in_time_is_a_timeout() {
    let server = Server::start();
    let config = FetchConfig { answer_timeout: Duration::from_millis(300), ..FetchConfig::default() };
    let reader = Reader::with_config(config);
    server.route("/slow", Route::fixture("rss091.xml").delayed(Duration::from_secs(2)));
    let err = reader.add(&server.url("/slow")).await.unwrap_err();
    assert_eq!(err.code(), "timeout", "{err}");
}

/// Subscribes to a feed sent `bytes` at a time, `every` so often, by a reader for which nothing for 300 ms,
/// or under `min_rate` bytes a second over 300 ms, ends a body. The whole request may take as long as
/// it needs.
async fn add_trickled(min_rate: u64, bytes: usize, every: Duration) -> (Reader, offprint::error::Result<i64>) {
    let server = Server::start();
    let config = FetchConfig { stall_timeout: Duration::from_millis(300), min_rate, ..FetchConfig::default() };
    let reader = Reader::with_config(config);
    server.route("/feed", Route::fixture("rss091.xml").trickled(bytes, every));
    let added = reader.add(&server.url("/feed")).await;
    (reader, added)
}

#[tokio::test]
async fn a_body_that_keeps_coming_slowly_is_read_whole() {
    // 693 bytes, 50 at a time every 30 ms: 0.45 s, past a window of 300 ms, 1,600 bytes a second.
    let (reader, added) = add_trickled(1_000, 50, Duration::from_millis(30)).await;
    added.unwrap();
    assert!(!reader.list().is_empty());
}

#[tokio::test]
async fn a_small_body_whose_last_piece_came_slowly_is_read_whole() {
    // Two pieces and the last byte, 250 ms apart: the window the last byte closes brought 1,400 bytes a
    // second, under the 2,000 asked for, but the body is whole.
    let (reader, added) = add_trickled(2_000, 350, Duration::from_millis(250)).await;
    added.unwrap();
    assert!(!reader.list().is_empty());
}

#[tokio::test]
async fn a_body_that_drips_is_a_timeout_though_it_never_stalls() {
    // A byte every 5 ms, 200 a second: the whole feed in 3.5 s, were it waited for.
    let err = add_trickled(1_000, 1, Duration::from_millis(5)).await.1.unwrap_err();
    assert_eq!(err.code(), "timeout", "{err}");
}

#[tokio::test]
async fn a_body_that_stops_coming_is_a_timeout() {
    // Half the feed, then nothing for 2 s, then the rest; no rate asked for.
    let err = add_trickled(0, 350, Duration::from_secs(2)).await.1.unwrap_err();
    assert_eq!(err.code(), "timeout", "{err}");
}

#[tokio::test]
async fn an_unknown_host_is_a_dns_error() {
    let reader = Reader::new();
    let err = reader.add("http://no-such-host.invalid/feed.xml").await.unwrap_err();
    assert_eq!(err.code(), "dns", "{err}");
}

#[tokio::test]
async fn a_server_that_cannot_speak_tls_is_a_tls_error() {
    let server = Server::start();
    server.route("/feed", Route::fixture("rss091.xml"));
    let reader = Reader::new();
    let err = reader.add(&server.url("/feed").replace("http://", "https://")).await.unwrap_err();
    assert_eq!(err.code(), "tls", "{err}");
}

#[tokio::test]
async fn every_request_names_the_app_in_its_user_agent() {
    let server = Server::start();
    let reader = Reader::new();
    add_fixture(&reader, &server, "rss091.xml").await;
    reader.sync().await;
    let agents = server.user_agents();
    assert_eq!(agents.len(), 2);
    assert!(agents.iter().all(|a| a.starts_with("Offprint/")), "{agents:?}");
}
