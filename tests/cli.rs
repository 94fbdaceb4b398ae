//! The `offprint-cli` contract (ARCHITECTURE.md, "offprint-cli"), checked from the outside: the binary runs as
//! a subprocess against a real HTTP server on 127.0.0.1, with a data directory of its own, and its `--json`
//! output is parsed whole with serde_json. Every test has its own server and its own data directory, so they
//! run in parallel.

mod common;

use std::path::Path;

use common::cli::{
    add, array, assert_failed_with_error_line, cli, command, describe, fails, int, json, keys, ok, parse_one_document,
    set, string,
};
use common::{Route, Server};
use serde_json::Value;

const SOURCE_FIELDS: &[&str] = &[
    "id",
    "url",
    "site_url",
    "title",
    "folder",
    "unread_count",
    "entry_count",
    "last_ok_at",
    "last_error",
    "full_text",
    "icon_url",
    "feed_title",
    "refresh_interval",
    "proxy",
    "user_agent",
    "notify",
    "retry_after",
];
const LIST_FIELDS: &[&str] = &[
    "id",
    "source_id",
    "source_title",
    "title",
    "url",
    "author",
    "published",
    "updated",
    "summary",
    "read",
    "bookmarked",
];
const SYNC_FIELDS: &[&str] = &["sources", "new", "updated", "unchanged", "failed", "skipped", "errors"];
const SYNC_ERROR_FIELDS: &[&str] = &["source_id", "url", "code", "message"];
const LAST_ERROR_FIELDS: &[&str] = &["code", "message", "at"];

const AM_TITLE: &str = "A&M students acquitted after a two-day trial";

// ---------------------------------------------------------------------------------------------------------
// Helpers

/// `YYYY-MM-DDTHH:MM:SSZ`: RFC 3339, UTC, whole seconds.
fn assert_utc_time(time: &str, what: &str) {
    let bytes = time.as_bytes();
    let shaped = bytes.len() == 20
        && bytes.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 => *c == b':',
            19 => *c == b'Z',
            _ => c.is_ascii_digit(),
        });
    assert!(
        shaped && chrono::DateTime::parse_from_rfc3339(time).is_ok(),
        "{what}: {time:?} is not RFC 3339 UTC (YYYY-MM-DDTHH:MM:SSZ)"
    );
}

/// Serves `fixture` at `/fixture` and subscribes to it; returns the new source's id.
fn subscribe(server: &Server, dir: &Path, fixture: &str) -> i64 {
    let path = format!("/{fixture}");
    server.route(&path, Route::fixture(fixture));
    add_url(dir, &server.url(&path))
}

/// `add URL`, then the id `sources --json` gives that URL.
fn add_url(dir: &Path, url: &str) -> i64 {
    add(dir, url, &[])
}

fn source_by_id(sources: &Value, id: i64) -> &Value {
    array(sources).iter().find(|s| s["id"] == id).unwrap_or_else(|| panic!("no source {id} in {sources}"))
}

fn entries(dir: &Path, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["list", "--json"];
    args.extend_from_slice(extra);
    array(&json(dir, &args)).clone()
}

fn titles(entries: &[Value]) -> Vec<String> {
    entries.iter().map(|e| string(e, "title").to_owned()).collect()
}

fn entry_titled<'a>(entries: &'a [Value], title: &str) -> &'a Value {
    entries
        .iter()
        .find(|e| e["title"] == title)
        .unwrap_or_else(|| panic!("no entry titled {title:?} among {:?}", titles(entries)))
}

fn ids(entries: &[Value]) -> Vec<i64> {
    entries.iter().map(|e| int(e, "id")).collect()
}

/// An RSS feed of `n` items, one a day, the oldest first in the document (item `n - 1` is the newest).
fn numbered_feed(n: usize) -> String {
    let mut items = String::new();
    for i in 0..n {
        let day = 1 + i % 28;
        let month = 1 + i / 28;
        items.push_str(&format!(
            "<item><title>Numbered story {i}</title><link>https://numbers.example.com/{i}</link>\
             <guid>number-{i}</guid><pubDate>{day:02} {} 2025 12:00:00 GMT</pubDate>\
             <description>Story number {i}.</description></item>\n",
            ["Jan", "Feb", "Mar", "Apr"][month - 1]
        ));
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\"><channel><title>Numbers</title>\
         <link>https://numbers.example.com/</link>\n{items}</channel></rss>\n"
    )
}

// ---------------------------------------------------------------------------------------------------------
// add and sources

#[test]
fn add_then_sources_json_gives_the_documented_fields_and_the_feed_title() {
    let (server, dir) = (Server::start(), common::data_dir());
    server.route("/edits.xml", Route::fixture("rss_edited_v1.xml"));
    let url = server.url("/edits.xml");
    ok(dir.path(), &["add", &url]);
    assert_eq!(server.hits("/edits.xml"), 1, "add fetches the URL once");

    let sources = json(dir.path(), &["sources", "--json"]);
    let list = array(&sources);
    assert_eq!(list.len(), 1, "{sources}");
    let source = &list[0];
    assert_eq!(keys(source), set(SOURCE_FIELDS), "{source}");
    int(source, "id");
    assert_eq!(source["url"], url.as_str());
    assert_eq!(source["site_url"], "https://edits.example.com/");
    assert_eq!(source["title"], "Edits");
    assert_eq!(source["folder"], Value::Null);
    assert_eq!(int(source, "entry_count"), 2);
    assert_eq!(int(source, "unread_count"), 2);
    match &source["last_ok_at"] {
        Value::Null => {}
        Value::String(at) => assert_utc_time(at, "last_ok_at"),
        other => panic!("last_ok_at is neither null nor a string: {other}"),
    }
    assert_eq!(source["last_error"], Value::Null);
}

#[test]
fn add_with_folder_sets_the_folder() {
    let (server, dir) = (Server::start(), common::data_dir());
    server.route("/edits.xml", Route::fixture("rss_edited_v1.xml"));
    server.route("/court.xml", Route::fixture("rss2_content_encoded.xml"));
    ok(dir.path(), &["add", &server.url("/edits.xml"), "--folder", "Law and courts"]);
    ok(dir.path(), &["add", &server.url("/court.xml")]);

    let sources = json(dir.path(), &["sources", "--json"]);
    let folder_of = |url: &str| array(&sources).iter().find(|s| s["url"] == url).expect(url)["folder"].clone();
    assert_eq!(folder_of(&server.url("/edits.xml")), "Law and courts");
    assert_eq!(folder_of(&server.url("/court.xml")), Value::Null);
}

#[test]
fn adding_the_same_url_again_is_refused_with_the_existing_source_id() {
    let (server, dir) = (Server::start(), common::data_dir());
    subscribe(&server, dir.path(), "rss_windows1251.xml");
    let id = subscribe(&server, dir.path(), "rss_edited_v1.xml");

    let last = fails(dir.path(), &["add", &server.url("/rss_edited_v1.xml")]);
    assert_eq!(last, format!("error: already subscribed (source {id})"));
    assert_eq!(array(&json(dir.path(), &["sources", "--json"])).len(), 2);
}

fn assert_add_fails_and_adds_nothing(url: &str) {
    let dir = common::data_dir();
    let output = cli(dir.path(), &["add", url]);
    assert_failed_with_error_line(&["add", url], &output);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().filter(|l| l.starts_with("error:")).count(), 1, "one error line: {stderr}");
    assert_eq!(json(dir.path(), &["sources", "--json"]), serde_json::json!([]));
    assert_eq!(json(dir.path(), &["list", "--json"]), serde_json::json!([]));
}

#[test]
fn add_of_a_404_url_fails_and_adds_nothing() {
    let server = Server::start();
    server.route("/gone.xml", Route::status(404));
    assert_add_fails_and_adds_nothing(&server.url("/gone.xml"));
    assert_eq!(server.count(404), 1, "add fetches the URL once");
}

#[test]
fn add_of_an_html_page_fails_and_adds_nothing() {
    let server = Server::start();
    server.route("/", Route::fixture("not_a_feed.html"));
    assert_add_fails_and_adds_nothing(&server.url("/"));
    // It looked for a feed where sites keep one before giving up.
    assert_eq!(server.hits("/feed"), 1);
    assert_eq!(server.hits("/index.xml"), 1);
}

/// A blog's page that announces `links` in its head: (type, title, href).
fn page_announcing(links: &[(&str, &str, &str)]) -> String {
    let links: String = links
        .iter()
        .map(|(kind, title, href)| format!(r#"<link rel="alternate" type="{kind}" title="{title}" href="{href}">"#))
        .collect();
    format!(
        "<!doctype html><html><head><title>Harbour notes</title>\
         <link rel=\"stylesheet\" href=\"/site.css\">{links}</head><body><p>Welcome.</p></body></html>"
    )
}

#[test]
fn add_of_a_page_subscribes_to_the_feed_it_announces() {
    let (server, dir) = (Server::start(), common::data_dir());
    server.route(
        "/blog/",
        Route::feed(page_announcing(&[("application/rss+xml", "Notes", "../feeds/main.xml")]), "text/html"),
    );
    server.route("/feeds/main.xml", Route::fixture("rss_edited_v1.xml"));
    let output = cli(dir.path(), &["add", &server.url("/blog/"), "--json"]);
    assert!(output.status.success(), "{}", describe(&["add"], &output));
    let source = parse_one_document(&["add"], &output);
    assert_eq!(source["url"], server.url("/feeds/main.xml"));
    assert!(!String::from_utf8_lossy(&output.stderr).contains("offers"), "one feed is no choice to report");
    assert!(!entries(dir.path(), &[]).is_empty());
    // The page's own address, or the feed's, is the same subscription.
    assert_eq!(
        fails(dir.path(), &["add", &server.url("/blog/")]),
        format!("error: already subscribed (source {})", source["id"])
    );
}

#[test]
fn add_of_a_page_with_several_feeds_takes_the_first_or_the_one_picked() {
    let server = Server::start();
    let page = page_announcing(&[
        ("application/atom+xml", "Everything", "/atom.xml"),
        ("application/rss+xml", "Court watch", "https://127.0.0.1:1/unused-by-this-test"),
        ("application/feed+json", "Notes", "/notes.json"),
    ]);
    server.route("/", Route::feed(page, "text/html; charset=utf-8"));
    server.route("/atom.xml", Route::fixture("atom10_xml_base.xml"));
    server.route("/notes.json", Route::fixture("jsonfeed10.json"));

    let first = common::data_dir();
    let output = cli(first.path(), &["add", &server.url("/")]);
    assert!(output.status.success(), "{}", describe(&["add"], &output));
    let listed = String::from_utf8_lossy(&output.stderr);
    assert!(listed.contains("This page offers 3 feeds:"), "{listed}");
    assert!(listed.contains(&format!("* 1. \u{2068}Everything\u{2069} {}", server.url("/atom.xml"))), "{listed}");
    assert!(listed.contains("3. \u{2068}Notes\u{2069}"), "{listed}");
    let sources = json(first.path(), &["sources", "--json"]);
    assert_eq!(array(&sources)[0]["url"], server.url("/atom.xml"));

    let third = common::data_dir();
    ok(third.path(), &["add", &server.url("/"), "--pick", "3"]);
    let sources = json(third.path(), &["sources", "--json"]);
    assert_eq!(array(&sources)[0]["url"], server.url("/notes.json"));

    let none = common::data_dir();
    let err = fails(none.path(), &["add", &server.url("/"), "--pick", "4"]);
    assert!(err.contains("offers 3 feed(s); there is no number 4"), "{err}");
    assert_eq!(json(none.path(), &["sources", "--json"]), serde_json::json!([]));
}

#[test]
fn add_of_a_page_that_announces_nothing_finds_the_feed_at_a_usual_address() {
    let (server, dir) = (Server::start(), common::data_dir());
    server.route("/about/team.html", Route::fixture("not_a_feed.html"));
    server.route("/rss", Route::fixture("rss_edited_v1.xml"));
    ok(dir.path(), &["add", &server.url("/about/team.html")]);
    let sources = json(dir.path(), &["sources", "--json"]);
    assert_eq!(array(&sources)[0]["url"], server.url("/rss"));
    assert_eq!(server.hits("/feed"), 1, "/feed was tried first");
    assert_eq!(server.hits("/atom.xml"), 0, "the search stops at the first feed");
}

#[test]
fn add_of_an_empty_200_body_fails_and_adds_nothing() {
    let server = Server::start();
    server.route("/empty.xml", Route::feed(Vec::new(), "application/rss+xml"));
    assert_add_fails_and_adds_nothing(&server.url("/empty.xml"));
}

#[test]
fn add_of_an_ftp_url_fails_and_adds_nothing() {
    let server = Server::start();
    server.route("/feed.xml", Route::fixture("rss_edited_v1.xml"));
    let ftp = server.url("/feed.xml").replacen("http://", "ftp://", 1);
    assert_add_fails_and_adds_nothing(&ftp);
    assert_eq!(server.hits("/feed.xml"), 0, "an ftp URL must not be fetched over http");
}

// ---------------------------------------------------------------------------------------------------------
// sync

fn assert_failing_source_is_reported(status: u16) {
    let (server, dir) = (Server::start(), common::data_dir());
    let good = subscribe(&server, dir.path(), "rss_edited_v1.xml");
    let bad = subscribe(&server, dir.path(), "rss2_content_encoded.xml");
    let bad_url = server.url("/rss2_content_encoded.xml");
    server.route("/rss2_content_encoded.xml", Route::status(status));

    let report = json(dir.path(), &["sync", "--json"]);
    let code = format!("http_{status}");
    assert_eq!(keys(&report), set(SYNC_FIELDS), "{report}");
    assert_eq!(int(&report, "sources"), 2, "{report}");
    assert_eq!(int(&report, "failed"), 1, "{report}");
    assert_eq!(int(&report, "unchanged"), 1, "{report}");
    assert_eq!(int(&report, "new"), 0, "{report}");
    assert_eq!(int(&report, "updated"), 0, "{report}");
    let errors = array(&report["errors"]);
    assert_eq!(errors.len(), 1, "{report}");
    let error = &errors[0];
    assert_eq!(keys(error), set(SYNC_ERROR_FIELDS), "{error}");
    assert_eq!(int(error, "source_id"), bad);
    assert_eq!(error["url"], bad_url.as_str());
    assert_eq!(error["code"], code.as_str());
    assert!(!string(error, "message").trim().is_empty(), "{error}");

    let sources = json(dir.path(), &["sources", "--json"]);
    let failing = source_by_id(&sources, bad);
    let last_error = &failing["last_error"];
    assert_eq!(keys(last_error), set(LAST_ERROR_FIELDS), "{failing}");
    assert_eq!(last_error["code"], code.as_str());
    assert!(!string(last_error, "message").trim().is_empty(), "{failing}");
    assert_utc_time(string(last_error, "at"), "last_error.at");
    // The entries it had stay in the cache.
    assert_eq!(int(failing, "entry_count"), 2, "{failing}");

    let healthy = source_by_id(&sources, good);
    assert_eq!(healthy["last_error"], Value::Null, "{healthy}");
    assert_utc_time(string(healthy, "last_ok_at"), "last_ok_at of the good source");
}

#[test]
fn sync_with_a_404_source_exits_0_and_reports_http_404() {
    assert_failing_source_is_reported(404);
}

#[test]
fn sync_with_a_503_source_exits_0_and_reports_http_503() {
    assert_failing_source_is_reported(503);
}

#[test]
fn sync_reports_the_documented_error_codes() {
    let (server, dir) = (Server::start(), common::data_dir());
    let d = dir.path();
    let big = {
        let mut body = b"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Big</title>".to_vec();
        body.resize(body.len() + 17 * 1024 * 1024, b' ');
        body.extend_from_slice(b"</channel></rss>");
        body
    };
    let cases: [(&str, Route, &str); 5] = [
        ("/html.xml", Route::fixture("not_a_feed.html"), "not_a_feed"),
        ("/truncated.xml", Route::fixture("truncated.xml"), "parse"),
        ("/loop.xml", Route::redirect(301, "/loop.xml"), "redirect_loop"),
        ("/big.xml", Route::feed(big, "application/rss+xml").gzipped(), "too_large"),
        ("/gone.xml", Route::status(410), "http_410"),
    ];
    let mut expected = Vec::new();
    for (path, broken, code) in cases {
        server.route(path, Route::fixture("rss_edited_v1.xml"));
        let id = add_url(d, &server.url(path));
        server.route(path, broken);
        expected.push((id, server.url(path), code.to_owned()));
    }

    let report = json(d, &["sync", "--json"]);
    assert_eq!(int(&report, "failed"), 5, "{report}");
    let got: Vec<(i64, String, String)> = array(&report["errors"])
        .iter()
        .map(|e| (int(e, "source_id"), string(e, "url").to_owned(), string(e, "code").to_owned()))
        .collect();
    let mut got_sorted = got.clone();
    got_sorted.sort();
    assert_eq!(got_sorted, expected, "{report}");
    let sources = json(d, &["sources", "--json"]);
    for (id, _, code) in &expected {
        assert_eq!(source_by_id(&sources, *id)["last_error"]["code"], code.as_str(), "{sources}");
    }
}

#[test]
fn second_sync_of_unchanged_feeds_is_all_unchanged_and_only_304s() {
    let (server, dir) = (Server::start(), common::data_dir());
    let fixtures = ["rss_edited_v1.xml", "rss2_content_encoded.xml", "atom10_xml_base.xml"];
    for fixture in fixtures {
        subscribe(&server, dir.path(), fixture);
    }
    json(dir.path(), &["sync", "--json"]);
    server.reset_counts();

    let report = json(dir.path(), &["sync", "--json"]);
    assert_eq!(int(&report, "sources"), 3, "{report}");
    assert_eq!(int(&report, "unchanged"), 3, "{report}");
    assert_eq!(int(&report, "new"), 0, "{report}");
    assert_eq!(int(&report, "updated"), 0, "{report}");
    assert_eq!(int(&report, "failed"), 0, "{report}");
    assert_eq!(report["errors"], serde_json::json!([]));
    let requests: usize = fixtures.iter().map(|f| server.hits(&format!("/{f}"))).sum();
    assert_eq!(requests, 3, "one request per source");
    assert_eq!(server.count(304), 3, "every source answered 304");
    assert_eq!(server.count(200), 0, "no full body was served");
}

#[test]
fn same_body_without_validators_counts_as_unchanged() {
    let (server, dir) = (Server::start(), common::data_dir());
    server.route("/plain.xml", Route::fixture("rss2_content_encoded.xml").without_validators());
    add_url(dir.path(), &server.url("/plain.xml"));
    server.reset_counts();

    let report = json(dir.path(), &["sync", "--json"]);
    assert_eq!(int(&report, "unchanged"), 1, "{report}");
    assert_eq!(int(&report, "new"), 0, "{report}");
    assert_eq!(int(&report, "updated"), 0, "{report}");
    assert_eq!(server.count(200), 1);
    assert_eq!(entries(dir.path(), &[]).len(), 2);
}

#[test]
fn edited_entry_counts_as_updated_and_keeps_its_id_and_state() {
    let (server, dir) = (Server::start(), common::data_dir());
    server.route("/edits.xml", Route::fixture("rss_edited_v1.xml"));
    add_url(dir.path(), &server.url("/edits.xml"));
    json(dir.path(), &["sync", "--json"]);

    let before = entries(dir.path(), &[]);
    let edited = int(entry_titled(&before, "Trial date set"), "id");
    let other = int(entry_titled(&before, "Unchanged story"), "id");
    ok(dir.path(), &["read", &edited.to_string()]);
    ok(dir.path(), &["bookmark", &edited.to_string()]);

    server.route("/edits.xml", Route::fixture("rss_edited_v2.xml"));
    let report = json(dir.path(), &["sync", "--json"]);
    assert_eq!(int(&report, "updated"), 1, "{report}");
    assert_eq!(int(&report, "new"), 0, "{report}");
    assert_eq!(int(&report, "failed"), 0, "{report}");
    assert_eq!(int(&report, "unchanged"), 0, "{report}");

    let after = entries(dir.path(), &[]);
    assert_eq!(after.len(), 2, "{:?}", titles(&after));
    let entry = entry_titled(&after, "Trial date moved");
    assert_eq!(int(entry, "id"), edited, "the edited entry keeps its id");
    assert_eq!(entry["read"], true, "read survives the edit: {entry}");
    assert_eq!(entry["bookmarked"], true, "the bookmark survives the edit: {entry}");
    assert_eq!(entry["summary"], "The trial now starts on 9 February.");
    assert_eq!(int(entry_titled(&after, "Unchanged story"), "id"), other);
}

#[test]
fn entries_that_leave_the_feed_stay_listed() {
    let (server, dir) = (Server::start(), common::data_dir());
    server.route("/edits.xml", Route::fixture("rss_edited_v1.xml"));
    add_url(dir.path(), &server.url("/edits.xml"));
    let before = entries(dir.path(), &[]);
    let kept = int(entry_titled(&before, "Trial date set"), "id");
    ok(dir.path(), &["bookmark", &kept.to_string()]);

    let v1 = String::from_utf8(common::read_fixture("rss_edited_v1.xml")).unwrap();
    let without_both: String =
        v1.lines().filter(|l| !l.contains("<item>")).map(|l| format!("{l}\n")).collect::<String>().replace(
            "</channel>",
            "<item><title>A newer story</title><guid>edit-3</guid>\
             <pubDate>Sat, 10 Jan 2026 10:00:00 GMT</pubDate></item></channel>",
        );
    server.route("/edits.xml", Route::feed(without_both, "application/rss+xml"));
    let report = json(dir.path(), &["sync", "--json"]);
    assert_eq!(int(&report, "new"), 1, "{report}");

    let after = entries(dir.path(), &[]);
    assert_eq!(titles(&after), vec!["A newer story", "Trial date set", "Unchanged story"]);
    assert_eq!(ids(&after[1..]), ids(&before));
    assert_eq!(ids(&entries(dir.path(), &["--bookmarked"])), vec![kept]);
}

// ---------------------------------------------------------------------------------------------------------
// list

#[test]
fn list_json_has_exactly_the_documented_fields() {
    let (server, dir) = (Server::start(), common::data_dir());
    for fixture in ["rss2_content_encoded.xml", "atom10_xml_base.xml", "rss_sparse_items.xml"] {
        subscribe(&server, dir.path(), fixture);
    }
    let list = entries(dir.path(), &[]);
    assert_eq!(list.len(), 7, "{:?}", titles(&list));
    for entry in &list {
        assert_eq!(keys(entry), set(LIST_FIELDS), "{entry}");
        int(entry, "id");
        int(entry, "source_id");
        string(entry, "source_title");
        string(entry, "title");
        string(entry, "summary");
        for nullable in ["url", "author", "updated"] {
            assert!(entry[nullable].is_null() || entry[nullable].is_string(), "{nullable} in {entry}");
        }
        assert!(entry["read"].is_boolean() && entry["bookmarked"].is_boolean(), "{entry}");
    }
    let am = entry_titled(&list, AM_TITLE);
    assert_eq!(am["author"], "Anna Reporter");
    assert_eq!(am["read"], false);
    assert_eq!(am["bookmarked"], false);
}

#[test]
fn list_is_newest_first() {
    let (server, dir) = (Server::start(), common::data_dir());
    for fixture in ["rss2_content_encoded.xml", "atom10_xml_base.xml", "rss_edited_v1.xml", "rss_broken_dates.xml"] {
        subscribe(&server, dir.path(), fixture);
    }
    let list = entries(dir.path(), &[]);
    assert_eq!(list.len(), 11, "{:?}", titles(&list));
    let published: Vec<&str> = list.iter().map(|e| string(e, "published")).collect();
    for pair in published.windows(2) {
        assert!(pair[0] >= pair[1], "not newest first: {published:?}\n{:?}", titles(&list));
    }
    // Two entries of different feeds in their known order.
    let position = |title: &str| list.iter().position(|e| e["title"] == title).unwrap();
    assert!(position(AM_TITLE) < position("Trial date set"));
    assert!(position("Trial date set") < position("Unchanged story"));
}

#[test]
fn list_limit_defaults_to_50_and_is_respected() {
    let (server, dir) = (Server::start(), common::data_dir());
    server.route("/numbers.xml", Route::feed(numbered_feed(60), "application/rss+xml"));
    let source = add_url(dir.path(), &server.url("/numbers.xml"));
    assert_eq!(int(source_by_id(&json(dir.path(), &["sources", "--json"]), source), "entry_count"), 60);

    let default = entries(dir.path(), &[]);
    assert_eq!(default.len(), 50);
    assert_eq!(default[0]["title"], "Numbered story 59", "newest first");
    let seven = entries(dir.path(), &["--limit", "7"]);
    assert_eq!(ids(&seven), ids(&default[..7]));
    assert_eq!(entries(dir.path(), &["--limit", "1"]).len(), 1);
    assert_eq!(entries(dir.path(), &["--limit", "1000"]).len(), 60);
}

#[test]
fn list_unread_shows_only_unread_entries() {
    let (server, dir) = (Server::start(), common::data_dir());
    subscribe(&server, dir.path(), "rss2_content_encoded.xml");
    subscribe(&server, dir.path(), "rss_edited_v1.xml");
    let all = entries(dir.path(), &[]);
    assert_eq!(entries(dir.path(), &["--unread"]).len(), all.len());

    let read = int(entry_titled(&all, AM_TITLE), "id");
    ok(dir.path(), &["read", &read.to_string()]);
    let unread = entries(dir.path(), &["--unread"]);
    assert_eq!(unread.len(), all.len() - 1);
    assert!(!ids(&unread).contains(&read));
    assert!(unread.iter().all(|e| e["read"] == false), "{unread:?}");
}

#[test]
fn list_bookmarked_shows_only_bookmarked_entries() {
    let (server, dir) = (Server::start(), common::data_dir());
    subscribe(&server, dir.path(), "rss2_content_encoded.xml");
    subscribe(&server, dir.path(), "rss_edited_v1.xml");
    assert_eq!(entries(dir.path(), &["--bookmarked"]), Vec::<Value>::new());

    let all = entries(dir.path(), &[]);
    let kept = int(entry_titled(&all, "Unchanged story"), "id");
    ok(dir.path(), &["bookmark", &kept.to_string()]);
    let bookmarked = entries(dir.path(), &["--bookmarked"]);
    assert_eq!(ids(&bookmarked), vec![kept]);
    assert_eq!(bookmarked[0]["bookmarked"], true);
}

#[test]
fn list_source_shows_only_that_source() {
    let (server, dir) = (Server::start(), common::data_dir());
    let court = subscribe(&server, dir.path(), "rss2_content_encoded.xml");
    let edits = subscribe(&server, dir.path(), "rss_broken_dates.xml");

    let only_court = entries(dir.path(), &["--source", &court.to_string()]);
    assert_eq!(only_court.len(), 2, "{:?}", titles(&only_court));
    assert!(only_court.iter().all(|e| e["source_id"] == court));
    let only_edits = entries(dir.path(), &["--source", &edits.to_string()]);
    assert_eq!(only_edits.len(), 5, "{:?}", titles(&only_edits));
    assert!(only_edits.iter().all(|e| e["source_id"] == edits));
    assert_eq!(fails(dir.path(), &["list", "--json", "--source", "987654"]), "error: no source with id 987654");
}

fn search(dir: &Path, text: &str) -> Vec<String> {
    titles(&entries(dir, &["--search", text]))
}

#[test]
fn list_search_needs_every_word_and_takes_the_last_as_a_prefix() {
    let (server, dir) = (Server::start(), common::data_dir());
    subscribe(&server, dir.path(), "rss2_content_encoded.xml");
    subscribe(&server, dir.path(), "rss_edited_v1.xml");
    let d = dir.path();

    assert_eq!(search(d, "students acquitted"), vec![AM_TITLE]);
    assert_eq!(search(d, "STUDENTS Acquitted"), vec![AM_TITLE], "case does not matter");
    assert_eq!(search(d, "acquit"), vec![AM_TITLE], "the last word is a prefix");
    assert_eq!(search(d, "students acq"), vec![AM_TITLE], "the last word is a prefix");
    assert_eq!(search(d, "students zebra"), Vec::<String>::new(), "every word must match");
    assert_eq!(search(d, "trial date"), vec!["Trial date set"]);
    let trial = search(d, "trial");
    assert_eq!(trial.len(), 2, "{trial:?}");
    assert!(trial.contains(&AM_TITLE.to_owned()) && trial.contains(&"Trial date set".to_owned()), "{trial:?}");
}

#[test]
fn list_search_finds_words_in_other_scripts() {
    let (server, dir) = (Server::start(), common::data_dir());
    for fixture in ["jsonfeed11_kazakh.json", "rss_persian_rtl.xml", "rss_windows1251.xml", "rss_edited_v1.xml"] {
        subscribe(&server, dir.path(), fixture);
    }
    let d = dir.path();
    let (kazakh, persian, russian) =
        ("Журналист сотта ақталды", "روزنامه‌نگار پس از سه ماه آزاد شد", "Суд над журналистом отложен");

    assert_eq!(search(d, "ақталды"), vec![kazakh]);
    assert_eq!(search(d, "Алматыда"), vec![kazakh], "words of the body are searched too");
    assert_eq!(search(d, "суд"), vec![russian]);
    assert_eq!(search(d, "заседание февраль"), vec![russian]);
    let mut journalists = search(d, "ЖУРНАЛИСТ");
    journalists.sort();
    assert_eq!(journalists, vec![kazakh, russian], "case folds in Cyrillic; the last word is a prefix");
    assert_eq!(search(d, "آزاد"), vec![persian]);
    assert_eq!(search(d, "روزنامه‌نگار"), vec![persian], "a word with a zero-width non-joiner, as typed");
    assert_eq!(search(d, "تهران"), vec![persian]);
}

#[test]
fn list_search_treats_fts5_syntax_as_text() {
    let (server, dir) = (Server::start(), common::data_dir());
    subscribe(&server, dir.path(), "rss2_content_encoded.xml");
    subscribe(&server, dir.path(), "rss_edited_v1.xml");
    let d = dir.path();

    for text in [
        "\"AND (",
        "*",
        "NEAR(",
        "NEAR(trial date, 2)",
        "\"",
        "(",
        ")",
        "AND",
        "OR",
        "NOT",
        "trial AND",
        "trial OR date",
        "-trial",
        "trial NOT date",
        "title:trial",
        "^trial",
        "trial + date",
        "{title summary}: trial",
        "trial*",
        "'",
        "a\"b",
        "",
        "   ",
    ] {
        // Both spellings: `--search=TEXT`, and `--search TEXT`, where a leading `-` must still be search text.
        let joined = format!("--search={text}");
        for args in [vec!["list", "--json", joined.as_str()], vec!["list", "--json", "--search", text]] {
            let output = cli(d, &args);
            assert!(output.status.success(), "--search {text:?} is an error: {}", describe(&args, &output));
            let value = parse_one_document(&args, &output);
            assert!(value.is_array(), "--search {text:?}: {value}");
        }
    }
    // Punctuation around a word is text: the word is still found.
    assert_eq!(search(d, "\"students"), vec![AM_TITLE]);
    assert_eq!(search(d, "(students)"), vec![AM_TITLE]);
    assert_eq!(search(d, "acquitted*"), vec![AM_TITLE]);
}

#[test]
fn list_published_is_never_null_and_dates_are_rfc3339_utc() {
    let (server, dir) = (Server::start(), common::data_dir());
    for fixture in ["rss2_content_encoded.xml", "atom10_xml_base.xml", "rss_sparse_items.xml", "rss_broken_dates.xml"] {
        subscribe(&server, dir.path(), fixture);
    }
    let list = entries(dir.path(), &[]);
    assert_eq!(list.len(), 12, "{:?}", titles(&list));
    for entry in &list {
        let published = entry["published"].as_str().unwrap_or_else(|| panic!("published is not a string: {entry}"));
        assert_utc_time(published, "published");
        match &entry["updated"] {
            Value::Null => {}
            Value::String(updated) => assert_utc_time(updated, "updated"),
            other => panic!("updated is neither null nor a string: {other}"),
        }
    }
    let am = entry_titled(&list, AM_TITLE);
    assert_eq!(am["published"], "2026-01-09T14:05:00Z");
    assert_eq!(am["updated"], Value::Null, "the feed gives no updated date");
    let summoned = entry_titled(&list, "Editor summoned over a satirical column");
    assert_eq!(summoned["published"], "2026-01-08T06:30:00Z", "+0300 converted to UTC");
    let meeting = entry_titled(&list, "Lawyer & client meet after six months");
    assert_eq!(meeting["published"], "2026-01-09T10:00:00Z");
    assert_eq!(meeting["updated"], "2026-01-09T11:30:00Z");
    let archive = entry_titled(&list, "Archive note");
    assert_eq!(archive["published"], "2025-12-30T09:00:00Z", "no published date: the updated date");
}

#[test]
fn list_title_and_summary_are_plain_text() {
    let (server, dir) = (Server::start(), common::data_dir());
    for fixture in ["rss2_content_encoded.xml", "atom10_xml_base.xml", "rss_hostile.xml"] {
        subscribe(&server, dir.path(), fixture);
    }
    let list = entries(dir.path(), &[]);
    for entry in &list {
        for field in ["title", "summary", "source_title"] {
            let text = string(entry, field);
            assert!(!text.contains('<') && !text.contains('>'), "{field} has markup: {text:?}");
            for entity in ["&amp;", "&lt;", "&gt;", "&quot;", "&#"] {
                assert!(!text.contains(entity), "{field} has an undecoded entity: {text:?}");
            }
        }
    }
    entry_titled(&list, AM_TITLE);
    let summoned = entry_titled(&list, "Editor summoned over a satirical column");
    assert_eq!(summoned["summary"], "The editor of a weekly was summoned for questioning.");
    entry_titled(&list, "Lawyer & client meet after six months");
    let hostile = list
        .iter()
        .find(|e| string(e, "title").contains("Innocent title"))
        .unwrap_or_else(|| panic!("no hostile entry among {:?}", titles(&list)));
    // A reader sees the words of the post, never the text of its scripts or styles.
    let summary = string(hostile, "summary");
    assert!(summary.contains("Hello"), "{summary:?}");
    for code in ["alert(", "document.cookie", "background:"] {
        assert!(!summary.contains(code), "script or style text {code:?} in the summary: {summary:?}");
    }
}

// ---------------------------------------------------------------------------------------------------------
// show, read, unread, bookmark, unbookmark

#[test]
fn show_json_has_the_list_fields_plus_content_and_its_pictures() {
    let (server, dir) = (Server::start(), common::data_dir());
    subscribe(&server, dir.path(), "rss2_content_encoded.xml");
    let list = entries(dir.path(), &[]);
    let listed = entry_titled(&list, AM_TITLE);
    let id = int(listed, "id");

    let shown = json(dir.path(), &["show", &id.to_string(), "--json"]);
    let fields = keys(&shown);
    let mut wanted = set(LIST_FIELDS);
    wanted.extend(set(&["content_html", "lang", "full_text", "feed_html", "full_text_error", "images"]));
    assert!(fields.is_superset(&wanted), "missing {:?} in {shown}", wanted.difference(&fields).collect::<Vec<_>>());
    for field in LIST_FIELDS {
        assert_eq!(shown[field], listed[field], "`{field}` differs between show and list");
    }
    let html = string(&shown, "content_html");
    assert!(html.contains("acquitted"), "{html}");
    assert!(shown["lang"].is_null() || shown["lang"].is_string(), "{shown}");
}

/// The names of the attributes in `html`'s tags, lowercased (a rough scan; enough for sanitized output).
fn attribute_names(html: &str) -> Vec<String> {
    let mut names = Vec::new();
    for tag in html.split('<').skip(1) {
        let inside = tag.split('>').next().unwrap_or("");
        let mut rest = inside.trim_start_matches('/');
        // Skip the tag name.
        rest = rest.trim_start_matches(|c: char| !c.is_whitespace() && c != '/');
        loop {
            rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
            if rest.is_empty() {
                break;
            }
            let end = rest.find(|c: char| c.is_whitespace() || c == '=' || c == '/').unwrap_or(rest.len());
            names.push(rest[..end].to_ascii_lowercase());
            rest = rest[end..].trim_start();
            if let Some(value) = rest.strip_prefix('=') {
                let value = value.trim_start();
                rest = match value.chars().next() {
                    Some(q @ ('"' | '\'')) => value[1..].find(q).map_or("", |i| &value[i + 2..]),
                    _ => value.find(char::is_whitespace).map_or("", |i| &value[i..]),
                };
            }
        }
    }
    names
}

#[test]
fn show_of_a_hostile_entry_has_no_script_no_javascript_and_no_event_handlers() {
    let (server, dir) = (Server::start(), common::data_dir());
    subscribe(&server, dir.path(), "rss_hostile.xml");
    let list = entries(dir.path(), &[]);
    assert_eq!(list.len(), 1, "{:?}", titles(&list));
    let id = int(&list[0], "id");

    let shown = json(dir.path(), &["show", &id.to_string(), "--json"]);
    let html = string(&shown, "content_html");
    let lower = html.to_ascii_lowercase();
    assert!(lower.contains("hello"), "the harmless text is kept: {html}");
    assert!(!lower.contains("<script"), "{html}");
    assert!(!lower.contains("javascript:"), "{html}");
    let squeezed: String = lower.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(!squeezed.contains("javascript:"), "{html}");
    assert!(!lower.contains(" on"), "an ` on...` attribute: {html}");
    let handlers: Vec<String> = attribute_names(html).into_iter().filter(|a| a.starts_with("on")).collect();
    assert!(handlers.is_empty(), "event handler attributes {handlers:?} in {html}");
    assert!(!string(&shown, "title").contains('<'), "{shown}");
}

#[test]
fn unknown_entry_id_is_refused_by_show_read_unread_bookmark_unbookmark() {
    let (server, dir) = (Server::start(), common::data_dir());
    subscribe(&server, dir.path(), "rss_edited_v1.xml");
    for command in [
        &["show", "424242", "--json"][..],
        &["show", "424242"],
        &["read", "424242"],
        &["unread", "424242"],
        &["bookmark", "424242"],
        &["unbookmark", "424242"],
    ] {
        assert_eq!(fails(dir.path(), command), "error: no entry with id 424242", "{command:?}");
    }
    // And in an empty cache.
    let empty = common::data_dir();
    assert_eq!(fails(empty.path(), &["read", "1"]), "error: no entry with id 1");
    assert_eq!(fails(empty.path(), &["show", "1", "--json"]), "error: no entry with id 1");
    // Nothing changed.
    assert!(entries(dir.path(), &[]).iter().all(|e| e["read"] == false && e["bookmarked"] == false));
}

#[test]
fn read_unread_bookmark_unbookmark_change_what_list_reports() {
    let (server, dir) = (Server::start(), common::data_dir());
    let source = subscribe(&server, dir.path(), "rss_edited_v1.xml");
    let d = dir.path();
    let all = entries(d, &[]);
    let id = int(entry_titled(&all, "Trial date set"), "id");
    let other = int(entry_titled(&all, "Unchanged story"), "id");
    let state = |id: i64| {
        let list = entries(d, &[]);
        let entry = list.iter().find(|e| e["id"] == id).expect("entry listed").clone();
        (entry["read"].clone(), entry["bookmarked"].clone())
    };
    let unread_count = || int(source_by_id(&json(d, &["sources", "--json"]), source), "unread_count");
    assert_eq!(state(id), (Value::Bool(false), Value::Bool(false)));
    assert_eq!(unread_count(), 2);

    ok(d, &["read", &id.to_string()]);
    assert_eq!(state(id), (Value::Bool(true), Value::Bool(false)));
    assert_eq!(ids(&entries(d, &["--unread"])), vec![other]);
    assert_eq!(unread_count(), 1);

    ok(d, &["bookmark", &id.to_string()]);
    assert_eq!(state(id), (Value::Bool(true), Value::Bool(true)));
    assert_eq!(ids(&entries(d, &["--bookmarked"])), vec![id]);

    ok(d, &["unread", &id.to_string()]);
    assert_eq!(state(id), (Value::Bool(false), Value::Bool(true)));
    assert_eq!(entries(d, &["--unread"]).len(), 2);
    assert_eq!(unread_count(), 2);

    ok(d, &["unbookmark", &id.to_string()]);
    assert_eq!(state(id), (Value::Bool(false), Value::Bool(false)));
    assert_eq!(entries(d, &["--bookmarked"]), Vec::<Value>::new());
    assert_eq!(state(other), (Value::Bool(false), Value::Bool(false)), "the other entry is untouched");
}

// ---------------------------------------------------------------------------------------------------------
// Arguments, JSON documents, data directory

#[test]
fn wrong_arguments_exit_nonzero_with_an_error_line() {
    let dir = common::data_dir();
    for args in [
        &["list", "--limit", "zero"][..],
        &["frobnicate"],
        &["list", "--source", "abc"],
        &["list", "--no-such-flag"],
        &["show"],
        &["show", "abc"],
        &["read", "1.5"],
        &["add"],
        &[],
    ] {
        fails(dir.path(), args);
    }
}

#[test]
fn json_output_is_exactly_one_document_for_every_command_that_takes_it() {
    let (server, dir) = (Server::start(), common::data_dir());
    let d = dir.path();

    // An empty cache.
    assert_eq!(json(d, &["sources", "--json"]), serde_json::json!([]));
    assert_eq!(json(d, &["list", "--json"]), serde_json::json!([]));
    let empty = json(d, &["sync", "--json"]);
    assert_eq!(keys(&empty), set(SYNC_FIELDS));
    assert_eq!(int(&empty, "sources"), 0);

    server.route("/court.xml", Route::fixture("rss2_content_encoded.xml"));
    let added = json(d, &["add", &server.url("/court.xml"), "--json"]);
    assert!(added.is_object(), "{added}");
    subscribe(&server, d, "rss_edited_v1.xml");
    subscribe(&server, d, "atom10_xml_base.xml");
    server.route("/rss_edited_v1.xml", Route::status(503));
    server.route("/atom10_xml_base.xml", Route::fixture("rss_edited_v2.xml"));

    // Progress on stderr, one document on stdout, with a failure and a change in the round.
    let report = json(d, &["sync", "--json"]);
    assert!(report.is_object(), "{report}");
    assert_eq!(int(&report, "failed"), 1, "{report}");
    assert!(json(d, &["sources", "--json"]).is_array());
    let list = json(d, &["list", "--json"]);
    let first = int(&array(&list)[0], "id");
    for args in [
        &["list", "--json", "--unread"][..],
        &["list", "--json", "--bookmarked"],
        &["list", "--json", "--search", "trial"],
        &["list", "--json", "--limit", "1"],
    ] {
        assert!(json(d, args).is_array(), "{args:?}");
    }
    assert!(json(d, &["show", &first.to_string(), "--json"]).is_object());
    // `--json` in front of the subcommand's other arguments is the same.
    assert!(json(d, &["list", "--json", "--source", "1"]).is_array());
}

#[test]
fn offprint_data_dir_is_honoured_without_data_dir() {
    let server = Server::start();
    server.route("/edits.xml", Route::fixture("rss_edited_v1.xml"));
    let url = server.url("/edits.xml");
    let (from_env, other, home) = (common::data_dir(), common::data_dir(), common::data_dir());
    let run = |env_dir: &Path, args: &[&str]| {
        command()
            .env("OFFPRINT_DATA_DIR", env_dir)
            .env("HOME", home.path())
            .env("XDG_DATA_HOME", home.path())
            .args(args)
            .output()
            .expect("cannot run offprint-cli")
    };

    let output = run(from_env.path(), &["add", &url]);
    assert!(output.status.success(), "{}", describe(&["add", &url], &output));
    assert!(std::fs::read_dir(from_env.path()).unwrap().next().is_some(), "nothing written to $OFFPRINT_DATA_DIR");

    // The same cache through --data-dir...
    let sources = json(from_env.path(), &["sources", "--json"]);
    assert_eq!(array(&sources).len(), 1, "{sources}");
    // ...and through the variable again.
    let output = run(from_env.path(), &["sources", "--json"]);
    assert!(output.status.success());
    assert_eq!(parse_one_document(&["sources", "--json"], &output), sources);
    // Another directory in the variable is another cache.
    let output = run(other.path(), &["sources", "--json"]);
    assert_eq!(parse_one_document(&["sources", "--json"], &output), serde_json::json!([]));
    // --data-dir wins over the variable.
    let output = run(other.path(), &["--data-dir", &from_env.path().to_string_lossy(), "sources", "--json"]);
    assert_eq!(parse_one_document(&["sources", "--json"], &output), sources);
    // The platform directory was never used.
    assert!(std::fs::read_dir(home.path()).unwrap().next().is_none(), "something was written under $HOME");
}

#[test]
fn the_same_feed_typed_with_a_fragment_or_an_empty_query_is_already_subscribed() {
    let (server, dir) = (Server::start(), common::data_dir());
    let id = subscribe(&server, dir.path(), "rss091.xml");
    let url = server.url("/rss091.xml");
    for same in [format!("{url}#top"), format!("{url}?")] {
        assert_eq!(fails(dir.path(), &["add", &same]), format!("error: already subscribed (source {id})"));
    }
    assert_eq!(json(dir.path(), &["sources", "--json"]).as_array().unwrap().len(), 1);
}

#[test]
fn a_missing_argument_is_named_on_the_error_line() {
    let dir = common::data_dir();
    let last = fails(dir.path(), &["show"]);
    assert_eq!(last, "error: the following required arguments were not provided: <ENTRY_ID>");
    let last = fails(dir.path(), &[]);
    assert!(last.starts_with("error: 'offprint-cli' requires a subcommand"), "{last}");
}

#[test]
fn remove_keeps_bookmarks_and_move_sets_the_folder() {
    let (server, dir) = (Server::start(), common::data_dir());
    let id = subscribe(&server, dir.path(), "rss2_content_encoded.xml");
    let other = subscribe(&server, dir.path(), "rss_edited_v1.xml");
    let list = entries(dir.path(), &[]);
    let kept = int(entry_titled(&list, AM_TITLE), "id");
    ok(dir.path(), &["bookmark", &kept.to_string()]);

    ok(dir.path(), &["move", &other.to_string(), "Courts"]);
    let folder = |sources: &Value| array(sources).iter().find(|s| s["id"] == other).unwrap()["folder"].clone();
    assert_eq!(folder(&json(dir.path(), &["sources", "--json"])), "Courts");
    ok(dir.path(), &["move", &other.to_string(), ""]);
    assert_eq!(folder(&json(dir.path(), &["sources", "--json"])), Value::Null);
    assert_eq!(fails(dir.path(), &["move", "999", "Courts"]), "error: no source with id 999");

    let said = ok(dir.path(), &["remove", &id.to_string()]);
    assert!(said.contains("removed"), "{said}");
    let sources = json(dir.path(), &["sources", "--json"]);
    assert!(array(&sources).iter().all(|s| s["id"] != id), "{sources}");
    let left = entries(dir.path(), &["--bookmarked"]);
    assert_eq!(ids(&left), [kept], "the bookmark stays readable");
    assert!(string(&left[0], "source_title").ends_with("(removed)"), "{}", left[0]);
    assert!(
        json(dir.path(), &["show", &kept.to_string(), "--json"])["content_html"]
            .as_str()
            .unwrap()
            .contains("acquitted")
    );
    assert_eq!(fails(dir.path(), &["remove", &id.to_string()]), format!("error: no source with id {id}"));
}
