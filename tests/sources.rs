//! Managing sources through `offprint-cli` and the core, against real servers on 127.0.0.1: OPML in and
//! out, folders, renaming, a source's own settings, proxies (a real HTTP proxy and a real SOCKS5 proxy
//! in the test) and what the schedule records of what servers say.

mod common;

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;

use common::cli::{add, array, cli, fails, int, json, ok, string};
use common::offline_site::{base, site};
use common::proxy::{HttpProxy, Socks5Proxy};
use common::{Route, Server, read_fixture};
use offprint::schedule::{self, Clock, DEFAULT_INTERVAL, MINUTE};
use offprint::store::Store;
use serde_json::Value;

// ---------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------

fn fixture_path(name: &str) -> String {
    common::fixtures_dir().join(name).display().to_string()
}

/// The sources as (url, title, folder, site_url), the part of them an OPML file carries.
fn outline_of(dir: &Path) -> BTreeSet<(String, String, Option<String>, Option<String>)> {
    array(&json(dir, &["sources", "--json"]))
        .iter()
        .map(|s| {
            let text = |k: &str| s[k].as_str().map(str::to_owned);
            (text("url").unwrap(), text("title").unwrap(), text("folder"), text("site_url"))
        })
        .collect()
}

fn folders(dir: &Path) -> Vec<(String, i64, i64)> {
    array(&json(dir, &["folders", "--json"]))
        .iter()
        .map(|f| (string(f, "name").to_owned(), int(f, "source_count"), int(f, "unread_count")))
        .collect()
}

fn source(dir: &Path, id: i64) -> Value {
    array(&json(dir, &["sources", "--json"])).iter().find(|s| int(s, "id") == id).cloned().expect("the source")
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// What the cache knows of a source's timing.
fn clock(dir: &Path, id: i64) -> Clock {
    Store::open_in(dir).unwrap().sync_target(id).unwrap().clock
}

/// `a` is `b` give or take the seconds a test takes.
fn about(a: Option<i64>, b: i64) -> bool {
    a.is_some_and(|a| (a - b).abs() <= 30)
}

// ---------------------------------------------------------------------------------------------------------
// OPML
// ---------------------------------------------------------------------------------------------------------

#[test]
fn import_makes_folders_of_nested_outlines_and_reports_what_it_skipped() {
    let dir = common::data_dir();
    let report = json(dir.path(), &["import", &fixture_path("opml/nested.opml"), "--json"]);
    let added: Vec<(&str, Option<&str>)> =
        array(&report["added"]).iter().map(|s| (string(s, "url"), s["folder"].as_str())).collect();
    assert_eq!(
        added,
        [
            ("https://lantern.example.org/feed.xml", None),
            ("https://harbour.example.net/rss?lang=en&page=1", None),
            ("https://vestnik.example.com/rss", Some("News")),
            ("http://deepfield.example.net/atom.xml", Some("News")),
            ("https://daftar.example.org/feed/", Some("وبلاگ‌ها")),
            ("https://blank.example.com/feed", Some("Odds and ends")),
            ("https://unnamed.example.com/index.xml", None),
        ],
        "{report}"
    );
    let skipped: Vec<&str> = array(&report["skipped"]).iter().map(|s| string(s, "reason")).collect();
    assert_eq!(skipped, ["listed twice in the file", "not an http(s) address", "not an http(s) address"], "{report}");

    let sources = outline_of(dir.path());
    assert_eq!(sources.len(), 7);
    assert!(sources.contains(&(
        "https://vestnik.example.com/rss".into(),
        "Вечерний вестник".into(),
        Some("News".into()),
        Some("https://vestnik.example.com/".into())
    )));
    assert!(sources.iter().any(|s| s.0 == "https://blank.example.com/feed" && s.1 == "blank.example.com"));
    assert_eq!(folders(dir.path()), [("News".into(), 2, 0), ("Odds and ends".into(), 1, 0), ("وبلاگ‌ها".into(), 1, 0)]);

    // The same file again adds nothing: every feed is already there.
    let again = json(dir.path(), &["import", &fixture_path("opml/nested.opml"), "--json"]);
    assert_eq!(array(&again["added"]).len(), 0, "{again}");
    let reasons: Vec<&str> = array(&again["skipped"]).iter().map(|s| string(s, "reason")).collect();
    assert_eq!(reasons.iter().filter(|r| r.starts_with("already subscribed (source ")).count(), 7, "{again}");
}

#[test]
fn a_file_that_is_not_opml_changes_nothing() {
    let (server, dir) = (Server::start(), common::data_dir());
    server.route("/feed.xml", Route::fixture("rss_edited_v1.xml"));
    add(dir.path(), &server.url("/feed.xml"), &["--folder", "Local"]);
    let before = outline_of(dir.path());
    for bad in ["opml/truncated.opml", "opml/not-opml.xml", "opml/entities.opml"] {
        let error = fails(dir.path(), &["import", &fixture_path(bad)]);
        assert!(error.starts_with("error: not an OPML file: "), "{bad}: {error}");
    }
    let error = fails(dir.path(), &["import", "/nonexistent/subscriptions.opml"]);
    assert!(error.starts_with("error: cannot read /nonexistent/subscriptions.opml"), "{error}");
    assert_eq!(outline_of(dir.path()), before);
}

#[test]
fn export_then_import_into_an_empty_cache_gives_the_same_sources_and_folders() {
    let (server, dir) = (Server::start(), common::data_dir());
    for (path, fixture) in
        [("/a.xml", "rss_edited_v1.xml"), ("/b.xml", "rss_persian_rtl.xml"), ("/c.xml", "atom03.xml")]
    {
        server.route(path, Route::fixture(fixture));
    }
    let a = add(dir.path(), &server.url("/a.xml"), &["--folder", "Court & trials"]);
    add(dir.path(), &server.url("/b.xml"), &["--folder", "Court & trials"]);
    add(dir.path(), &server.url("/c.xml"), &[]);
    ok(dir.path(), &["rename", &a.to_string(), "My \"edits\" <feed>"]);
    ok(dir.path(), &["import", &fixture_path("opml/nested.opml")]);
    let original = outline_of(dir.path());
    assert_eq!(original.len(), 10);

    let exported = common::data_dir();
    let file = exported.path().join("subscriptions.opml");
    ok(dir.path(), &["export", "opml", "--output", file.to_str().unwrap()]);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"), "{text}");
    assert!(text.contains("My &quot;edits&quot; &lt;feed&gt;"), "{text}");

    let empty = common::data_dir();
    ok(empty.path(), &["import", file.to_str().unwrap()]);
    assert_eq!(outline_of(empty.path()), original);
    assert_eq!(
        folders(empty.path()).iter().map(|f| f.0.clone()).collect::<Vec<_>>(),
        ["Court & trials", "News", "Odds and ends", "وبلاگ‌ها"]
    );

    // Without --output the OPML goes to stdout.
    let output = cli(dir.path(), &["export", "opml"]);
    assert!(output.status.success());
    assert_eq!(String::from_utf8(output.stdout).unwrap(), text);
}

// ---------------------------------------------------------------------------------------------------------
// Folders and names
// ---------------------------------------------------------------------------------------------------------

#[test]
fn folders_count_unread_and_can_be_renamed_merged_and_removed_keeping_bookmarks() {
    let (server, dir) = (Server::start(), common::data_dir());
    server.route("/one.xml", Route::fixture("rss_edited_v1.xml"));
    server.route("/two.xml", Route::fixture("rss2_content_encoded.xml"));
    server.route("/three.xml", Route::fixture("atom03.xml"));
    let one = add(dir.path(), &server.url("/one.xml"), &["--folder", "Trials"]);
    let two = add(dir.path(), &server.url("/two.xml"), &["--folder", "Press"]);
    let three = add(dir.path(), &server.url("/three.xml"), &[]);
    let unread = |id: i64| int(&source(dir.path(), id), "unread_count");
    let (u1, u2) = (unread(one), unread(two));
    assert!(u1 > 0 && u2 > 0);
    assert_eq!(folders(dir.path()), [("Press".into(), 1, u2), ("Trials".into(), 1, u1)]);

    // A list by folder holds that folder's stories only.
    let entries = json(dir.path(), &["list", "--json", "--limit", "500"]);
    let first_of_one = array(&entries).iter().find(|e| int(e, "source_id") == one).map(|e| int(e, "id")).unwrap();
    ok(dir.path(), &["read", &first_of_one.to_string()]);
    assert_eq!(folders(dir.path())[1], ("Trials".into(), 1, u1 - 1), "reading a story lowers its folder's count");

    // Renaming into an existing folder merges the two.
    ok(dir.path(), &["rename-folder", "Trials", "Press"]);
    assert_eq!(folders(dir.path()), [("Press".into(), 2, u1 - 1 + u2)]);
    let error = fails(dir.path(), &["rename-folder", "Nowhere", "Else"]);
    assert_eq!(error, "error: there is no folder named \"Nowhere\"");
    let error = fails(dir.path(), &["rename-folder", "Press", "  "]);
    assert_eq!(error, "error: a folder's name cannot be empty");

    // Removing a folder unsubscribes its sources; a bookmarked story stays readable.
    let kept = array(&json(dir.path(), &["list", "--json", "--source", &two.to_string()]))[0]["id"].as_i64().unwrap();
    ok(dir.path(), &["bookmark", &kept.to_string()]);
    ok(dir.path(), &["remove-folder", "Press"]);
    let left: Vec<i64> = array(&json(dir.path(), &["sources", "--json"])).iter().map(|s| int(s, "id")).collect();
    assert_eq!(left, [three]);
    assert_eq!(folders(dir.path()), []);
    let shown = json(dir.path(), &["show", &kept.to_string(), "--json"]);
    assert!(shown["source_title"].as_str().unwrap().ends_with("(removed)"), "{shown}");
    assert!(!string(&shown, "content_html").is_empty());
}

#[test]
fn a_source_keeps_the_readers_name_across_syncs_until_it_is_cleared() {
    let (server, dir) = (Server::start(), common::data_dir());
    server.route("/edits.xml", Route::fixture("rss_edited_v1.xml"));
    let id = add(dir.path(), &server.url("/edits.xml"), &[]);
    assert_eq!(string(&source(dir.path(), id), "title"), "Edits");

    ok(dir.path(), &["rename", &id.to_string(), "  Court watch  "]);
    server.route("/edits.xml", Route::fixture("rss_edited_v2.xml"));
    ok(dir.path(), &["sync"]);
    let renamed = source(dir.path(), id);
    assert_eq!((string(&renamed, "title"), string(&renamed, "feed_title")), ("Court watch", "Edits"));
    let entries = json(dir.path(), &["list", "--json", "--source", &id.to_string()]);
    assert_eq!(array(&entries)[0]["source_title"], "Court watch", "the list shows the reader's name");

    ok(dir.path(), &["rename", &id.to_string(), ""]);
    assert_eq!(string(&source(dir.path(), id), "title"), "Edits");
    assert_eq!(fails(dir.path(), &["rename", "999", "x"]), "error: no source with id 999");
}

#[test]
fn a_sources_own_settings_are_checked_and_kept() {
    let (server, dir) = (Server::start(), common::data_dir());
    server.route("/edits.xml", Route::fixture("rss_edited_v1.xml"));
    let id = add(dir.path(), &server.url("/edits.xml"), &[]).to_string();
    let fresh = source(dir.path(), id.parse().unwrap());
    assert_eq!(
        (&fresh["refresh_interval"], &fresh["proxy"], &fresh["notify"]),
        (&Value::Null, &Value::Null, &true.into())
    );

    let set = json(
        dir.path(),
        &[
            "source",
            &id,
            "--refresh-interval",
            "120",
            "--proxy",
            "direct",
            "--user-agent",
            "Mozilla/5.0 (compatible; Offprint)",
            "--notify",
            "off",
            "--json",
        ],
    );
    assert_eq!(set["refresh_interval"], 120);
    assert_eq!(set["proxy"], "direct");
    assert_eq!(set["user_agent"], "Mozilla/5.0 (compatible; Offprint)");
    assert_eq!(set["notify"], false);

    for (args, says) in [
        (["--refresh-interval", "1"], "refresh_interval cannot be 1; it is a number of minutes from 5 to 10080"),
        (["--refresh-interval", "often"], "refresh_interval cannot be \"often\"; it is a whole number of minutes"),
        (
            ["--proxy", "ftp://127.0.0.1:21"],
            "proxy cannot be \"ftp://127.0.0.1:21\"; it is empty (the proxy setting), direct",
        ),
        (["--user-agent", "two\nlines"], "user_agent cannot be"),
    ] {
        let error = fails(dir.path(), &["source", &id, args[0], args[1]]);
        assert!(error.starts_with(&format!("error: {says}")), "{args:?}: {error}");
    }
    let kept = source(dir.path(), id.parse().unwrap());
    assert_eq!((kept["refresh_interval"].as_i64(), kept["proxy"].as_str()), (Some(120), Some("direct")));

    // Empty values follow the reader's settings again.
    ok(dir.path(), &["source", &id, "--refresh-interval", "", "--proxy", "", "--user-agent", ""]);
    let cleared = source(dir.path(), id.parse().unwrap());
    assert_eq!(
        (&cleared["refresh_interval"], &cleared["proxy"], &cleared["user_agent"]),
        (&Value::Null, &Value::Null, &Value::Null)
    );
    assert_eq!(cleared["notify"], false, "what was not given stays");
}

// ---------------------------------------------------------------------------------------------------------
// Proxies
// ---------------------------------------------------------------------------------------------------------

#[test]
fn with_an_http_proxy_set_every_request_goes_through_it_and_without_none_does() {
    let (site, proxy) = (site(), HttpProxy::start());
    let dir = common::data_dir();
    ok(dir.path(), &["settings", "set", "proxy", &proxy.url()]);
    let id = add(dir.path(), &format!("{}/summary.xml", base(&site)), &[]);
    ok(dir.path(), &["sync"]);

    let relayed = proxy.requests();
    let through = |path: &str| relayed.iter().any(|r| r == &format!("GET {}{path}", base(&site)));
    assert!(through("/summary.xml"), "the feed: {relayed:#?}");
    assert!(through("/news/court-hearing.html"), "an article page: {relayed:#?}");
    assert!(relayed.iter().any(|r| r.starts_with(&format!("GET {}/img/", base(&site)))), "pictures: {relayed:#?}");
    let to_the_site = relayed.iter().filter(|r| r.starts_with(&format!("GET {}/", base(&site)))).count();
    assert_eq!(site.total(), to_the_site, "every request the site answered came through the proxy");
    assert!(relayed.contains(&"CONNECT i.ytimg.com:443".to_owned()), "even a video's thumbnail: {relayed:#?}");
    let entry = array(&json(dir.path(), &["list", "--json", "--source", &id.to_string()]))[0]["id"].as_i64().unwrap();
    let shown = json(dir.path(), &["show", &entry.to_string(), "--json"]);
    assert!(array(&shown["images"]).iter().any(|i| i["status"] == "cached"), "{shown}");

    // Without the setting, nothing goes through the proxy.
    let (before, direct) = (proxy.count(), common::data_dir());
    ok(direct.path(), &["settings", "set", "proxy", ""]);
    add(direct.path(), &format!("{}/long.xml", base(&site)), &[]);
    ok(direct.path(), &["sync"]);
    assert_eq!(proxy.count(), before);
}

#[test]
fn socks5h_leaves_the_name_to_the_proxy() {
    let site = site();
    let proxy = Socks5Proxy::start().with_host("courier.invalid", IpAddr::V4(Ipv4Addr::LOCALHOST));
    let port = site.url("").rsplit(':').next().unwrap().to_owned();
    let named = format!("http://courier.invalid:{port}");
    // The same feed, its pages and pictures, under a name only the proxy knows.
    let feed = String::from_utf8(read_fixture("offline/summary.xml")).unwrap().replace("{{BASE}}", &named);
    site.route("/named.xml", Route::feed(feed, "application/rss+xml"));

    let dir = common::data_dir();
    ok(dir.path(), &["settings", "set", "proxy", &proxy.url()]);
    let id = add(dir.path(), &format!("{named}/named.xml"), &[]);
    let requests = proxy.requests();
    assert!(requests.len() > 3, "{requests:?}");
    assert!(
        requests.iter().all(|r| r.address_type == "domain"),
        "every name went to the proxy unresolved: {requests:?}"
    );
    let to_the_site = requests.iter().filter(|r| r.host == "courier.invalid").count();
    assert_eq!(site.total(), to_the_site, "every request the site answered came through the proxy");
    assert!(requests.iter().any(|r| r.host == "i.ytimg.com"), "even a video's thumbnail: {requests:?}");
    let entry = array(&json(dir.path(), &["list", "--json", "--source", &id.to_string()]))[0]["id"].as_i64().unwrap();
    let shown = json(dir.path(), &["show", &entry.to_string(), "--json"]);
    assert_eq!(shown["full_text"], true, "the article page came through the proxy: {shown}");
}

#[test]
fn a_source_can_go_direct_or_through_its_own_proxy_with_its_own_user_agent() {
    let (server, proxy) = (Server::start(), HttpProxy::start());
    server.route("/a.xml", Route::fixture("rss_edited_v1.xml"));
    server.route("/b.xml", Route::fixture("atom03.xml"));
    let dir = common::data_dir();
    let a = add(dir.path(), &server.url("/a.xml"), &[]);
    let b = add(dir.path(), &server.url("/b.xml"), &[]);
    // The reader's proxy is down; one source goes direct, the other through a proxy of its own.
    ok(dir.path(), &["settings", "set", "proxy", "http://127.0.0.1:9"]);
    ok(dir.path(), &["source", &a.to_string(), "--proxy", "direct", "--user-agent", "CourtWatch/2.0"]);
    let report = json(dir.path(), &["sync", "--json"]);
    assert_eq!((int(&report, "sources"), int(&report, "failed")), (2, 1), "{report}");
    assert_eq!(array(&report["errors"])[0]["source_id"], b);
    assert_eq!(array(&report["errors"])[0]["code"], "connect");
    assert!(server.user_agents().last().is_some_and(|ua| ua == "CourtWatch/2.0"), "{:?}", server.user_agents());

    ok(dir.path(), &["source", &b.to_string(), "--proxy", &proxy.url()]);
    // (The site icons the reader's dead proxy could not bring are tried again later, not by this sync.)
    let report = json(dir.path(), &["sync", "--json"]);
    assert_eq!(int(&report, "failed"), 0, "{report}");
    assert_eq!(proxy.requests(), [format!("GET {}", server.url("/b.xml"))]);
}

#[test]
fn a_source_that_goes_direct_takes_its_pictures_and_pages_along() {
    let site = site();
    let dir = common::data_dir();
    ok(dir.path(), &["settings", "set", "proxy", "http://127.0.0.1:9"]);
    let error = fails(dir.path(), &["add", &format!("{}/summary.xml", base(&site))]);
    assert!(error.contains("cannot connect to"), "the reader's proxy is down: {error}");

    // Subscribed another way (OPML), then told to go direct: its feed, pages and pictures all arrive.
    let opml = format!(
        "<opml version=\"2.0\"><body><outline text=\"Courier\" xmlUrl=\"{}/summary.xml\"/></body></opml>",
        base(&site)
    );
    let file = dir.path().join("one.opml");
    std::fs::write(&file, opml).unwrap();
    ok(dir.path(), &["import", file.to_str().unwrap()]);
    let id = int(&array(&json(dir.path(), &["sources", "--json"]))[0], "id");
    ok(dir.path(), &["source", &id.to_string(), "--proxy", "direct"]);
    let report = json(dir.path(), &["sync", "--json"]);
    assert_eq!(int(&report, "failed"), 0, "{report}");
    let entries = json(dir.path(), &["list", "--json", "--limit", "100"]);
    let mut cached = 0;
    for entry in array(&entries) {
        let shown = json(dir.path(), &["show", &int(entry, "id").to_string(), "--json"]);
        cached += array(&shown["images"]).iter().filter(|i| i["status"] == "cached").count();
    }
    assert!(cached >= 3, "pictures came direct too: {cached}");
    assert_eq!(site.hits("/favicon.ico"), 1, "and the site's icon was asked for, direct");
}

// ---------------------------------------------------------------------------------------------------------
// The schedule
// ---------------------------------------------------------------------------------------------------------

#[test]
fn the_schedule_follows_caching_headers_ttl_retry_after_and_backs_off_failures() {
    let (server, dir) = (Server::start(), common::data_dir());
    let ttl_feed =
        String::from_utf8(read_fixture("rss_edited_v1.xml")).unwrap().replace("<channel>", "<channel><ttl>180</ttl>");
    server.route("/cached.xml", Route::fixture("atom03.xml").with_header("Cache-Control", "public, max-age=7200"));
    server.route("/ttl.xml", Route::feed(ttl_feed, "application/rss+xml"));
    server.route("/short.xml", Route::fixture("rss092.xml").with_header("Cache-Control", "max-age=60"));
    server.route("/busy.xml", Route::fixture("rss2_content_encoded.xml"));
    server.route("/broken.xml", Route::fixture("rss091.xml"));
    let cached = add(dir.path(), &server.url("/cached.xml"), &[]);
    let ttl = add(dir.path(), &server.url("/ttl.xml"), &[]);
    let short = add(dir.path(), &server.url("/short.xml"), &[]);
    let busy = add(dir.path(), &server.url("/busy.xml"), &[]);
    let broken = add(dir.path(), &server.url("/broken.xml"), &[]);

    server.route("/busy.xml", Route::status(503).with_header("Retry-After", "600"));
    server.route("/broken.xml", Route::status(500));
    let synced_at = now();
    let report = json(dir.path(), &["sync", "--json"]);
    assert_eq!((int(&report, "sources"), int(&report, "failed"), int(&report, "skipped")), (5, 2, 0), "{report}");

    // max-age and ttl longer than the interval push the next check; a shorter one does not.
    let due = |id: i64| schedule::due_at(&clock(dir.path(), id), DEFAULT_INTERVAL);
    assert!(about(clock(dir.path(), cached).fresh_until, synced_at + 7200), "{:?}", clock(dir.path(), cached));
    assert!(about(Some(due(cached)), synced_at + 7200));
    assert!(about(clock(dir.path(), ttl).fresh_until, synced_at + 180 * MINUTE), "{:?}", clock(dir.path(), ttl));
    assert_eq!(clock(dir.path(), short).fresh_until, None);
    assert!(about(Some(due(short)), synced_at + DEFAULT_INTERVAL));

    // The busy server said when to come back; even a sync asked for by hand waits.
    assert!(about(clock(dir.path(), busy).retry_after_at, synced_at + 600), "{:?}", clock(dir.path(), busy));
    assert!(source(dir.path(), busy)["retry_after"].is_string());
    let hits = server.hits("/busy.xml");
    let report = json(dir.path(), &["sync", "--json"]);
    assert_eq!((int(&report, "sources"), int(&report, "skipped")), (4, 1), "{report}");
    assert_eq!(server.hits("/busy.xml"), hits, "not asked again before Retry-After");

    // A failing source waits longer after each failure.
    ok(dir.path(), &["sync"]);
    let failing = clock(dir.path(), broken);
    assert_eq!(failing.error_count, 3);
    assert_eq!(due(broken), failing.last_attempt_at.unwrap() + 4 * DEFAULT_INTERVAL);

    // Back to health: the error and the wait are forgotten.
    server.route("/broken.xml", Route::fixture("rss091.xml"));
    ok(dir.path(), &["sync"]);
    let healthy = clock(dir.path(), broken);
    assert_eq!((healthy.error_count, healthy.retry_after_at), (0, None));
    assert!(source(dir.path(), broken)["last_error"].is_null());
}

#[test]
fn bookmarks_export_through_the_cli_in_each_format() {
    let (server, dir) = (Server::start(), common::data_dir());
    server.route("/court.xml", Route::fixture("rss2_content_encoded.xml"));
    let id = add(dir.path(), &server.url("/court.xml"), &[]);
    let entries = json(dir.path(), &["list", "--json", "--source", &id.to_string()]);
    let kept = int(&array(&entries)[0], "id");
    ok(dir.path(), &["bookmark", &kept.to_string()]);

    let out = common::data_dir();
    let file = out.path().join("bookmarks.json");
    ok(dir.path(), &["export", "bookmarks", "--format", "json", "--output", file.to_str().unwrap()]);
    let exported: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    let ids: Vec<i64> = array(&exported["entries"]).iter().map(|e| int(e, "id")).collect();
    assert_eq!(ids, [kept]);
    assert_eq!(exported["entries"][0], json(dir.path(), &["show", &kept.to_string(), "--json"]));

    let html = String::from_utf8(cli(dir.path(), &["export", "bookmarks"]).stdout).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("default-src 'none'"), "{html}");
    let title = string(&array(&entries)[0], "title").replace('&', "&amp;");
    assert!(html.contains(&title), "the bookmarked story is in the page");
    let markdown = String::from_utf8(cli(dir.path(), &["export", "bookmarks", "--format", "markdown"]).stdout).unwrap();
    assert!(markdown.starts_with("# Offprint bookmarks"), "{markdown}");

    let error = fails(dir.path(), &["export", "bookmarks", "--format", "pdf"]);
    assert!(error.contains("pdf"), "{error}");
    let error = fails(dir.path(), &["export", "bookmarks", "--output", "/nonexistent/dir/b.html"]);
    assert!(error.starts_with("error: cannot write /nonexistent/dir/b.html"), "{error}");
}
