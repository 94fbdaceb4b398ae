//! Offline for real: full text and pictures are captured at sync and read back from the cache
//! with the network gone. `offprint-cli` runs as a subprocess against a real HTTP server on 127.0.0.1
//! serving the feeds, article pages and pictures in `tests/fixtures/offline/`; the server's per-path hit
//! counters say what was fetched and what never was. Every test has its own server and data directory.

mod common;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use common::Route;
use common::cli::{add, array, cli, fails, int, json, keys, ok, ok_bytes, set, string};
use common::offline_site::{SHARED, TRACKERS, base, picture_file, site, stop, with_base};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Where every picture in stored HTML points: the app's own scheme.
const LOCAL: &str = "offprint-img://localhost/";

const IMAGE_FIELDS: &[&str] = &["url", "local_url", "bytes", "status"];
const CACHE_FIELDS: &[&str] = &["entries", "bookmarked", "images", "image_bytes", "database_bytes"];

const FERRY_PAGE: &str = "/news/ferry-timetable.html";

/// What one entry's pictures must come to. Paths are on the test server.
struct Pictures {
    /// Cached, with the fixture's exact bytes.
    cached: &'static [&'static str],
    /// Alternatives (`srcset` candidates, a `<picture>`'s sources): at least one of each group is cached.
    one_of: &'static [&'static [&'static str]],
    /// Broken links: listed as `failed`, no bytes, and `image` refuses them.
    failed: &'static [&'static str],
    /// Never listed (and never requested): tracking pixels, lazy-loading placeholders.
    absent: &'static [&'static str],
    /// An SVG that carries a script: never kept as a picture with its script.
    svg: Option<&'static str>,
    /// A YouTube embed's video id: it becomes an `a.op-embed` card.
    youtube: Option<&'static str>,
}

/// A summary-only item of `summary.xml` and what its article page holds.
struct Story {
    title: &'static str,
    page: &'static str,
    /// The feed's one sentence.
    summary: &'static str,
    /// A sentence found only in the article page.
    full_text: &'static str,
    /// Page furniture around the article (navigation, sidebar, comments, footer) that extraction leaves out.
    chrome: &'static [&'static str],
    dir: &'static str,
    pictures: Pictures,
}

const STORIES: &[Story] = &[
    Story {
        title: "Bridge contract hearing adjourned as defence lawyer falls ill",
        page: "/news/court-hearing.html",
        summary: "A hearing on the harbour bridge contract was adjourned on Tuesday after the lead defence lawyer fell ill.",
        full_text: "The clerk read the adjournment order aloud while the public gallery stayed silent.",
        chrome: &[
            "Weather and tides",
            "Sign in to comment",
            "Most read this week",
            "Parking fees to rise",
            "Subscribe to our morning newsletter",
            "Finally someone is asking the right questions",
            "All rights reserved by the Riverside Courier",
        ],
        dir: "ltr",
        pictures: Pictures {
            cached: &[
                "/img/courthouse-steps.png", // a plain <img> with a relative src (../img/)
                "/img/lazy-sketch.jpg",      // lazy: a data: GIF in src, the picture in data-src
                "/img/noscript-crowd.png",   // only inside <noscript>
                "/img/figure-gavel.gif",     // a <figure> with a <figcaption>
            ],
            one_of: &[
                &["/img/judge-bench-320.jpg", "/img/judge-bench-640.jpg"],
                &["/img/gallery-wide.png", "/img/gallery-narrow.jpg"],
            ],
            failed: &["/img/missing-map.png"],
            absent: &["/px/court.gif?story=bridge-hearing&src=rss"],
            svg: Some("/img/court-seal.svg"),
            youtube: Some("Hb7kq2Lr9Xo"),
        },
    },
    Story {
        title: "Редакция переехала в бывшую типографию",
        page: "/ru/newsroom.html",
        summary: "Редакция городской газеты переехала в здание бывшей типографии на Набережной улице.",
        full_text: "Старый печатный станок оставили в холле как память о прежних хозяевах дома.",
        chrome: &[
            "Погода и пробки",
            "Самое читаемое",
            "Автобус номер семь",
            "Наконец-то у редакции нормальный офис",
            "Все права защищены",
        ],
        dir: "ltr",
        pictures: Pictures {
            cached: &[
                "/img/newsroom-desk.jpg",  // lazy: /img/placeholder.gif in src, the picture in data-src
                "/img/newsroom-press.gif", // a <figure>
                "/img/newsroom-team.png",  // a plain <img> with a relative src
            ],
            one_of: &[],
            failed: &[],
            absent: &["/img/placeholder.gif", "/px/ru.gif?id=1042"],
            svg: None,
            youtube: None,
        },
    },
    Story {
        title: "جشنواره رود با فانوس‌های کاغذی آغاز شد",
        page: "/fa/river-festival.html",
        summary: "جشنواره سالانه رود عصر پنجشنبه در کنار پل قدیمی شهر آغاز شد.",
        full_text: "کودکان فانوس‌های کاغذی را یکی‌یکی روی آب گذاشتند و جریان آرام رود آن‌ها را تا زیر پل برد.",
        chrome: &[
            "ورود به حساب کاربری",
            "پربازدیدترین خبرها",
            "بازسازی پل قدیمی به تعویق افتاد",
            "چه شب قشنگی بود",
            "تمامی حقوق محفوظ است",
        ],
        dir: "rtl",
        pictures: Pictures {
            cached: &["/img/festival-boats.png", "/img/festival-crowd.jpg"],
            one_of: &[&["/img/festival-lanterns.png", "/img/festival-lanterns-2x.png", "/img/festival-lanterns.jpg"]],
            failed: &[],
            absent: &["/px/fa.gif?id=festival"],
            svg: None,
            youtube: None,
        },
    },
];

/// `long.xml`'s one item: the whole story is in the feed.
const FERRY_TITLE: &str = "Ferry timetable restored after the flood";
const FERRY_FEED_SENTENCE: &str =
    "The harbour authority confirmed on Monday that all fourteen daily crossings have been restored";
const FERRY_PAGE_SENTENCE: &str =
    "The first morning crossing left the north pier at a quarter past six with eleven cyclists on board.";
const FERRY_PICTURES: Pictures = Pictures {
    cached: &["/img/ferry-dock.png", "/img/ferry-route.gif"],
    one_of: &[],
    failed: &[],
    absent: &[],
    svg: None,
    youtube: None,
};

const EMPTY_FEED: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\"><channel>\
    <title>Riverside Courier</title><link>https://courier.example.org/</link>\
    <description>Nothing yet.</description></channel></rss>\n";

// ---------------------------------------------------------------------------------------------------------
// Helpers: the binary

fn source_mode(dir: &Path, id: i64) -> Value {
    let sources = json(dir, &["sources", "--json"]);
    let source = array(&sources).iter().find(|s| s["id"] == id).unwrap_or_else(|| panic!("no source {id}: {sources}"));
    source["full_text"].clone()
}

/// A sync that must reach every source: no source failed.
fn sync(dir: &Path) -> Value {
    let report = json(dir, &["sync", "--json"]);
    assert_eq!(int(&report, "failed"), 0, "{report}");
    assert_eq!(report["errors"], serde_json::json!([]), "{report}");
    report
}

/// Every entry (of one source, with `--source ID`), each as `show ID --json` gives it.
fn shown_entries(dir: &Path, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["list", "--json", "--limit", "1000"];
    args.extend_from_slice(extra);
    array(&json(dir, &args)).iter().map(|e| json(dir, &["show", &int(e, "id").to_string(), "--json"])).collect()
}

fn titled<'a>(entries: &'a [Value], title: &str) -> &'a Value {
    entries.iter().find(|e| e["title"] == title).unwrap_or_else(|| {
        let titles: Vec<&Value> = entries.iter().map(|e| &e["title"]).collect();
        panic!("no entry titled {title:?} among {titles:?}")
    })
}

// ---------------------------------------------------------------------------------------------------------

/// The fixture bytes behind a picture URL of the test server (SVGs aside: they are judged apart).
fn fixture_picture(url: &str, base: &str) -> Option<Vec<u8>> {
    let path = url.strip_prefix(base)?;
    if let Some((_, name)) = SHARED.iter().find(|(p, _)| *p == path) {
        return Some(picture_file(name));
    }
    let name = path.strip_prefix("/img/")?;
    let file = common::fixtures_dir().join("offline/img").join(name);
    (!name.ends_with(".svg") && !name.contains('/') && file.is_file()).then(|| std::fs::read(file).unwrap())
}

// ---------------------------------------------------------------------------------------------------------
// Helpers: pictures

/// `offprint-img://localhost/` and the first 32 hex digits of the SHA-256 of the remote URL.
fn local_url_for(remote: &str) -> String {
    let hex: String = Sha256::digest(remote.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
    format!("{LOCAL}{}", &hex[..32])
}

/// One start tag of sanitized HTML: its text, and its attributes with `&amp;` and `&quot;` decoded.
struct Tag {
    raw: String,
    attributes: Vec<(String, String)>,
}

impl Tag {
    fn get(&self, name: &str) -> Option<&str> {
        self.attributes.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    fn has_class(&self, class: &str) -> bool {
        self.get("class").is_some_and(|c| c.split_whitespace().any(|c| c == class))
    }
}

/// Every `<name ...>` start tag in `html` (a small scanner, enough for serialized sanitized output).
fn tags(html: &str, name: &str) -> Vec<Tag> {
    let open = format!("<{name}");
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find(&open) {
        let after = &rest[at + open.len()..];
        rest = after;
        if !after.starts_with(|c: char| c.is_whitespace() || c == '>' || c == '/') {
            continue;
        }
        let mut attributes = Vec::new();
        let mut inside = after;
        loop {
            inside = inside.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
            if inside.is_empty() || inside.starts_with('>') {
                break;
            }
            let end =
                inside.find(|c: char| c.is_whitespace() || c == '=' || c == '>' || c == '/').unwrap_or(inside.len());
            let attribute = inside[..end].to_ascii_lowercase();
            inside = inside[end..].trim_start();
            let mut value = String::new();
            if let Some(v) = inside.strip_prefix('=') {
                let v = v.trim_start();
                let (text, next) = match v.chars().next() {
                    Some(q @ ('"' | '\'')) => {
                        let close = v[1..].find(q).map_or(v.len(), |i| i + 1);
                        (&v[1..close], v.get(close + 1..).unwrap_or(""))
                    }
                    _ => {
                        let end = v.find(|c: char| c.is_whitespace() || c == '>').unwrap_or(v.len());
                        (&v[..end], &v[end..])
                    }
                };
                value = text.replace("&quot;", "\"").replace("&amp;", "&");
                inside = next;
            }
            attributes.push((attribute, value));
        }
        let raw = after[..after.len() - inside.len()].to_owned();
        found.push(Tag { raw: format!("{open}{raw}>"), attributes });
    }
    found
}

/// The URLs of a `srcset`.
fn srcset_urls(srcset: &str) -> Vec<&str> {
    srcset.split(',').filter_map(|candidate| candidate.split_whitespace().next()).collect()
}

/// Every picture URL in `html` (`img` src and srcset, `source` srcset and src), after checking that each
/// points into the cache and that no picture tag names a remote address at all.
fn local_pictures(html: &str, what: &str) -> HashSet<String> {
    let mut urls = HashSet::new();
    for element in ["img", "source"] {
        for tag in tags(html, element) {
            assert!(!tag.raw.contains("http"), "{what}: a picture tag still names a remote address: {}", tag.raw);
            if element == "img" {
                let src = tag.get("src").unwrap_or_else(|| panic!("{what}: an <img> without src: {}", tag.raw));
                assert!(src.starts_with(LOCAL), "{what}: <img> src is not a local picture URL: {}", tag.raw);
            }
            let mut found: Vec<&str> = tag.get("src").into_iter().collect();
            found.extend(tag.get("srcset").map(srcset_urls).unwrap_or_default());
            for url in found {
                assert!(url.starts_with(LOCAL), "{what}: {url} is not a local picture URL in {}", tag.raw);
                urls.insert(url.to_owned());
            }
        }
    }
    urls
}

/// `image LOCAL_URL --output FILE` and `image LOCAL_URL` (to stdout) both give exactly `expected`.
fn assert_image_gives(dir: &Path, out: &Path, local_url: &str, expected: &[u8]) {
    let file = out.join(format!("{}.bin", local_url.trim_start_matches(LOCAL)));
    ok(dir, &["image", local_url, "--output", file.to_str().unwrap()]);
    let written = std::fs::read(&file).unwrap_or_else(|e| panic!("`image {local_url} --output` wrote no file: {e}"));
    let printed = ok_bytes(dir, &["image", local_url]);
    for (how, got) in [("--output", written), ("to stdout", printed)] {
        assert!(got == expected, "`image {local_url}` {how}: {} bytes, not the {} served", got.len(), expected.len());
    }
}

/// Checks one shown entry's `images` and the pictures of its `content_html` against `want`. `out` is a
/// scratch directory for `image --output`.
fn assert_pictures(dir: &Path, out: &Path, shown: &Value, base: &str, want: &Pictures) {
    let title = string(shown, "title");
    let html = string(shown, "content_html");
    let images = array(&shown["images"]);
    let mut by_url: HashMap<&str, &Value> = HashMap::new();
    let mut by_local: HashMap<&str, &Value> = HashMap::new();
    for image in images {
        assert_eq!(keys(image), set(IMAGE_FIELDS), "{title}: {image}");
        let (url, local_url, status) = (string(image, "url"), string(image, "local_url"), string(image, "status"));
        assert!(url.starts_with("http://") || url.starts_with("https://"), "{title}: {image}");
        assert_eq!(local_url, local_url_for(url), "{title}: the local URL is not derived from the remote one: {image}");
        assert!(["cached", "failed", "skipped"].contains(&status), "{title}: settled after a sync? {image}");
        assert!(by_url.insert(url, image).is_none(), "{title}: {url} listed twice");
        by_local.insert(local_url, image);
    }
    let image_at = |path: &str| by_url.get(format!("{base}{path}").as_str()).copied();
    let status_of = |path: &str| image_at(path).map(|i| string(i, "status").to_owned());

    // The stored HTML shows pictures from the cache only, each one of the entry's images.
    let shown_pictures = local_pictures(html, title);
    for local_url in &shown_pictures {
        assert!(by_local.contains_key(local_url.as_str()), "{title}: {local_url} is in the HTML but not in images");
    }
    // Every picture of ours that was cached holds the bytes served; every one the HTML shows is cached.
    for image in images {
        let (url, local_url, status) = (string(image, "url"), string(image, "local_url"), string(image, "status"));
        let Some(expected) = fixture_picture(url, base) else { continue };
        if shown_pictures.contains(local_url) {
            assert_eq!(status, "cached", "{title}: a picture the HTML shows is not cached: {image}");
        }
        if status == "cached" {
            assert_eq!(image["bytes"], expected.len(), "{title}: {image}");
            assert_image_gives(dir, out, local_url, &expected);
        }
    }
    for path in want.cached {
        assert_eq!(status_of(path).as_deref(), Some("cached"), "{title}: {path} in {images:?}");
    }
    for group in want.one_of {
        assert!(
            group.iter().any(|path| status_of(path).as_deref() == Some("cached")),
            "{title}: none of {group:?} is cached: {images:?}"
        );
    }
    for path in want.failed {
        let image = image_at(path).unwrap_or_else(|| panic!("{title}: the broken {path} is not listed: {images:?}"));
        assert_eq!(image["status"], "failed", "{title}: {image}");
        assert_eq!(image["bytes"], Value::Null, "{title}: {image}");
        fails(dir, &["image", string(image, "local_url")]);
    }
    for path in want.absent {
        assert!(image_at(path).is_none(), "{title}: {path} must not be a picture of the entry: {images:?}");
    }
    // An SVG may be skipped or fail; kept, it must have lost its script.
    if let Some(image) = want.svg.and_then(image_at)
        && image["status"] == "cached"
    {
        let bytes = ok_bytes(dir, &["image", string(image, "local_url")]);
        let text = String::from_utf8_lossy(&bytes).to_ascii_lowercase();
        assert!(!text.contains("<script"), "{title}: an SVG was cached with its script: {image}");
    }
    if let Some(id) = want.youtube {
        assert_youtube_card(html, title, id, &by_url);
    }
}

/// The embed became a card linking to the video, with its thumbnail from the cache (the thumbnail is on
/// the internet, out of the test's reach: it may have failed, but it was tried and settled).
fn assert_youtube_card(html: &str, title: &str, id: &str, by_url: &HashMap<&str, &Value>) {
    assert!(!html.contains("<iframe"), "{title}: {html}");
    let watch = format!("https://www.youtube.com/watch?v={id}");
    let cards: Vec<Tag> = tags(html, "a").into_iter().filter(|a| a.has_class("op-embed")).collect();
    assert_eq!(cards.len(), 1, "{title}: one embed card expected in {html}");
    assert_eq!(cards[0].get("href"), Some(watch.as_str()), "{title}: {}", cards[0].raw);
    assert!(html.contains(r#"<span class="op-embed-provider">YouTube</span>"#), "{title}: {html}");
    let thumb_url = format!("https://i.ytimg.com/vi/{id}/hqdefault.jpg");
    let thumb = by_url.get(thumb_url.as_str()).unwrap_or_else(|| panic!("{title}: {thumb_url} not in images"));
    assert!(thumb["status"] == "cached" || thumb["status"] == "failed", "{title}: {thumb}");
    let thumbs: Vec<Tag> = tags(html, "img").into_iter().filter(|i| i.has_class("op-embed-thumb")).collect();
    assert_eq!(thumbs.len(), 1, "{title}: one embed thumbnail expected in {html}");
    assert_eq!(thumbs[0].get("src"), Some(local_url_for(&thumb_url).as_str()), "{title}: {}", thumbs[0].raw);
}

/// The entry kept what its feed gave and has no full text.
fn assert_feed_content_only(shown: &Value, sentence: &str) {
    assert_eq!(shown["full_text"], false, "{shown}");
    assert_eq!(shown["feed_html"], Value::Null, "feed_html is only for an entry with full text: {shown}");
    assert!(string(shown, "content_html").contains(sentence), "{shown}");
}

// ---------------------------------------------------------------------------------------------------------
// Tests

#[test]
fn full_text_and_pictures_are_read_from_the_cache_with_the_server_gone() {
    let (server, dir, out) = (site(), common::data_dir(), common::data_dir());
    let d = dir.path();
    add(d, &server.url("/summary.xml"), &[]);
    sync(d);
    let base = base(&server);
    for story in STORIES {
        assert_eq!(server.hits(story.page), 1, "{}: the article page is fetched once", story.title);
        for path in story.pictures.absent {
            assert_eq!(server.hits(path), 0, "{}: {path} must never be requested", story.title);
        }
    }
    stop(server);

    let entries = shown_entries(d, &[]);
    assert_eq!(entries.len(), STORIES.len(), "{entries:?}");
    for shown in &entries {
        let title = string(shown, "title");
        let story = STORIES.iter().find(|s| s.title == title).unwrap_or_else(|| panic!("unexpected entry {shown}"));
        assert_eq!(shown["full_text"], true, "{shown}");
        assert_eq!(shown["full_text_error"], Value::Null, "{shown}");
        assert_eq!(shown["dir"], story.dir, "{title}");
        // The feed names no language; the article page does (`<html lang>`).
        let lang = match story.dir {
            "rtl" => "fa",
            _ if story.page.starts_with("/ru/") => "ru",
            _ => "en",
        };
        assert_eq!(shown["lang"], lang, "{title}");
        let html = string(shown, "content_html");
        assert!(html.contains(story.full_text), "{title}: the article's text is missing from {html}");
        for chrome in story.chrome {
            assert!(!html.contains(chrome), "{title}: page furniture {chrome:?} was kept in {html}");
        }
        for dropped in ["<script", "<noscript", "<iframe", "data-src"] {
            assert!(!html.contains(dropped), "{title}: {dropped} in {html}");
        }
        let feed_html = shown["feed_html"].as_str().unwrap_or_else(|| panic!("{title}: no feed_html in {shown}"));
        assert!(feed_html.contains(story.summary), "{title}: feed_html is not the feed's version: {feed_html}");
        assert_pictures(d, out.path(), shown, &base, &story.pictures);
    }

    // A picture can also be asked for by its bare key.
    let court = titled(&entries, STORIES[0].title);
    let steps = format!("{base}/img/courthouse-steps.png");
    let image = array(&court["images"]).iter().find(|i| i["url"] == steps.as_str()).expect("courthouse-steps.png");
    let key = string(image, "local_url").trim_start_matches(LOCAL);
    assert!(ok_bytes(d, &["image", key]) == picture_file("courthouse-steps.png"), "`image {key}`");
}

#[test]
fn a_feed_with_full_content_is_not_fetched_again() {
    let (server, dir, out) = (site(), common::data_dir(), common::data_dir());
    let d = dir.path();
    let source = add(d, &server.url("/long.xml"), &[]);
    assert_eq!(source_mode(d, source), "auto", "the default mode");
    sync(d);

    assert_eq!(server.hits(FERRY_PAGE), 0, "the feed gave the whole story: its page is never requested");
    assert_eq!(server.hits("/img/ferry-deck.jpg"), 0, "a picture of the page only");
    let entries = shown_entries(d, &[]);
    let ferry = titled(&entries, FERRY_TITLE);
    assert_feed_content_only(ferry, FERRY_FEED_SENTENCE);
    assert_eq!(ferry["full_text_error"], Value::Null, "{ferry}");
    assert!(!string(ferry, "content_html").contains(FERRY_PAGE_SENTENCE), "{ferry}");
    assert_pictures(d, out.path(), ferry, &base(&server), &FERRY_PICTURES);
    for path in FERRY_PICTURES.cached {
        assert_eq!(server.hits(path), 1, "{path}");
    }
}

#[test]
fn full_text_mode_off_and_always() {
    let (server, dir) = (site(), common::data_dir());
    let d = dir.path();
    // Subscribed while their feeds are still empty, so nothing can be captured before the mode is set.
    server.route("/summary.xml", Route::feed(EMPTY_FEED, "application/rss+xml"));
    server.route("/long.xml", Route::feed(EMPTY_FEED, "application/rss+xml"));
    let summary = add(d, &server.url("/summary.xml"), &[]);
    let long = add(d, &server.url("/long.xml"), &[]);
    ok(d, &["full-text", &summary.to_string(), "off"]);
    ok(d, &["full-text", &long.to_string(), "always"]);
    // The same summary-only feed again, switched off as it is added.
    server.route("/again/summary.xml", Route::feed(with_base("summary.xml", &server), "application/rss+xml"));
    let again = add(d, &server.url("/again/summary.xml"), &["--full-text", "off"]);
    assert_eq!(source_mode(d, summary), "off");
    assert_eq!(source_mode(d, long), "always");
    assert_eq!(source_mode(d, again), "off");
    // A mode that does not exist, or a source that does not, changes nothing.
    fails(d, &["full-text", &summary.to_string(), "sometimes"]);
    fails(d, &["full-text", "424242", "off"]);
    assert_eq!(source_mode(d, summary), "off");

    server.route("/summary.xml", Route::feed(with_base("summary.xml", &server), "application/rss+xml"));
    server.route("/long.xml", Route::feed(with_base("long.xml", &server), "application/rss+xml"));
    sync(d);

    for story in STORIES {
        assert_eq!(server.hits(story.page), 0, "{}: full text is off", story.title);
    }
    for source in [summary, again] {
        let entries = shown_entries(d, &["--source", &source.to_string()]);
        assert_eq!(entries.len(), STORIES.len(), "source {source}");
        for story in STORIES {
            let shown = titled(&entries, story.title);
            assert_feed_content_only(shown, story.summary);
            assert_eq!(shown["full_text_error"], Value::Null, "nothing was tried: {shown}");
        }
    }

    assert_eq!(server.hits(FERRY_PAGE), 1, "`always` fetches the page even of a feed with full content");
    let ferry = shown_entries(d, &["--source", &long.to_string()]);
    let ferry = titled(&ferry, FERRY_TITLE);
    assert_eq!(ferry["full_text"], true, "{ferry}");
    assert!(string(ferry, "content_html").contains(FERRY_PAGE_SENTENCE), "{ferry}");
    let feed_html = ferry["feed_html"].as_str().unwrap_or_else(|| panic!("no feed_html: {ferry}"));
    assert!(feed_html.contains(FERRY_FEED_SENTENCE), "{feed_html}");
    assert!(!feed_html.contains(FERRY_PAGE_SENTENCE), "{feed_html}");
    local_pictures(string(ferry, "content_html"), FERRY_TITLE);
}

/// A feed that changed around stories the cache already holds: they are kept exactly as they were and
/// their pages are not fetched again, unless the source was switched to full text since, which fetches
/// the pages of the stories it already holds.
#[test]
fn stories_kept_unchanged_are_taken_again_only_for_the_full_text_switched_on() {
    let (server, dir) = (site(), common::data_dir());
    let d = dir.path();
    let edition = |n: usize| {
        let feed = String::from_utf8(with_base("summary.xml", &server)).unwrap();
        Route::feed(feed.replacen("<channel>", &format!("<channel><!-- edition {n} -->"), 1), "application/rss+xml")
    };
    server.route("/summary.xml", edition(1));
    let source = add(d, &server.url("/summary.xml"), &["--full-text", "off"]);
    sync(d);
    for story in STORIES {
        assert_eq!(server.hits(story.page), 0, "{}: full text is off", story.title);
    }

    // Switched on, the next change of the feed brings each story's page, once.
    ok(d, &["full-text", &source.to_string(), "auto"]);
    server.route("/summary.xml", edition(2));
    sync(d);
    let fetched = shown_entries(d, &[]);
    for story in STORIES {
        assert_eq!(server.hits(story.page), 1, "{}", story.title);
        let shown = titled(&fetched, story.title);
        assert_eq!(shown["full_text"], true, "{shown}");
        assert!(string(shown, "content_html").contains(story.full_text), "{shown}");
    }

    // Another change of the feed around the same stories: nothing is fetched or changed.
    server.route("/summary.xml", edition(3));
    sync(d);
    for story in STORIES {
        assert_eq!(server.hits(story.page), 1, "{}", story.title);
    }
    assert_eq!(shown_entries(d, &[]), fetched);
}

#[test]
fn a_page_that_fails_keeps_the_feed_content() {
    let (server, dir) = (site(), common::data_dir());
    let d = dir.path();
    let pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
    // (page, what it answers, a phrase of the feed's summary)
    let cases = [
        (
            "/notices/story-hour.html",
            Route::status(404),
            "story hour at the central library moves to Thursday afternoons",
        ),
        ("/notices/night-buses.html", Route::status(500), "Night buses across the old bridge are suspended"),
        (
            "/notices/annual-report.pdf",
            Route::feed(pdf.to_vec(), "application/pdf"),
            "is now available to download as a PDF",
        ),
    ];
    for (path, route, _) in &cases {
        server.route(path, route.clone());
    }
    let source = add(d, &server.url("/failing.xml"), &[]);
    sync(d);

    let sources = json(d, &["sources", "--json"]);
    let failing = array(&sources).iter().find(|s| s["id"] == source).expect("the source");
    assert_eq!(failing["last_error"], Value::Null, "a page is not the feed: {failing}");
    let entries = shown_entries(d, &[]);
    assert_eq!(entries.len(), cases.len());
    for (path, _, summary) in &cases {
        assert!(server.hits(path) >= 1, "{path} was never tried");
        let shown = entries
            .iter()
            .find(|e| e["url"] == server.url(path).as_str())
            .unwrap_or_else(|| panic!("no entry links to {path}"));
        assert_feed_content_only(shown, summary);
        let error = shown["full_text_error"].as_str().unwrap_or_else(|| panic!("no full_text_error: {shown}"));
        assert!(!error.trim().is_empty(), "{shown}");
    }
}

#[test]
fn pictures_shared_by_two_entries_are_stored_once() {
    let (server, dir, out) = (site(), common::data_dir(), common::data_dir());
    let d = dir.path();
    add(d, &server.url("/shared.xml"), &[]);
    sync(d);

    for (path, _) in SHARED {
        assert_eq!(server.hits(path), 1, "{path} is fetched once");
    }
    let entries = shown_entries(d, &[]);
    assert_eq!(entries.len(), 2);
    let shared = Pictures {
        cached: &["/img/shared/lighthouse.png"],
        one_of: &[&["/img/shared/harbour-a.jpg", "/img/shared/harbour-b.jpg"]],
        failed: &[],
        absent: &[],
        svg: None,
        youtube: None,
    };
    let lighthouse = format!("{}/img/shared/lighthouse.png", base(&server));
    for shown in &entries {
        assert_pictures(d, out.path(), shown, &base(&server), &shared);
        assert!(string(shown, "content_html").contains(&local_url_for(&lighthouse)), "{shown}");
    }

    let info = json(d, &["cache", "--json"]);
    assert_eq!(keys(&info), set(CACHE_FIELDS), "{info}");
    assert_eq!(int(&info, "entries"), 2, "{info}");
    assert_eq!(int(&info, "bookmarked"), 0, "{info}");
    let distinct = picture_file("lighthouse.png").len() + picture_file("harbour.jpg").len();
    assert_eq!(int(&info, "image_bytes"), distinct as i64, "each distinct content counted once: {info}");
    // Three picture URLs, two distinct contents: either is a fair count of pictures.
    assert!([2, 3].contains(&int(&info, "images")), "{info}");
    assert!(int(&info, "database_bytes") > 0, "{info}");
}

#[test]
fn a_second_sync_fetches_no_picture_again() {
    let (server, dir) = (site(), common::data_dir());
    let d = dir.path();
    add(d, &server.url("/summary.xml"), &[]);
    add(d, &server.url("/long.xml"), &[]);
    sync(d);

    let cached: Vec<&str> = STORIES
        .iter()
        .flat_map(|s| s.pictures.cached.iter().copied())
        .chain(FERRY_PICTURES.cached.iter().copied())
        .collect();
    let pages: Vec<&str> = STORIES.iter().map(|s| s.page).collect();
    let hits = |paths: &[&str]| paths.iter().map(|p| (p.to_string(), server.hits(p))).collect::<Vec<_>>();
    let once = |paths: &[&str]| paths.iter().map(|p| (p.to_string(), 1)).collect::<Vec<_>>();
    assert_eq!(hits(&cached), once(&cached), "each picture fetched once");
    assert_eq!(hits(&pages), once(&pages), "each article page fetched once");
    let alternatives: Vec<&str> =
        STORIES.iter().flat_map(|s| s.pictures.one_of.iter().flat_map(|g| g.iter().copied())).collect();
    let alternatives_before = hits(&alternatives);
    let before = shown_entries(d, &[]);

    let report = sync(d);
    assert_eq!(int(&report, "new"), 0, "{report}");
    assert_eq!(int(&report, "updated"), 0, "{report}");
    assert_eq!(int(&report, "unchanged"), 2, "{report}");
    assert_eq!(hits(&cached), once(&cached), "no cached picture is fetched again");
    assert_eq!(hits(&pages), once(&pages), "no article page is fetched again");
    assert_eq!(hits(&alternatives), alternatives_before, "no srcset candidate is fetched again");
    assert_eq!(server.hits(FERRY_PAGE), 0);
    for tracker in TRACKERS {
        assert_eq!(server.hits(tracker), 0, "{tracker}");
    }
    assert_eq!(shown_entries(d, &[]), before, "the second sync changed no entry");
}

#[test]
fn retention_purges_old_stories_but_never_a_bookmark_and_purged_ones_stay_gone() {
    let server = site();
    let dir = common::data_dir();
    add(dir.path(), &server.url("/summary.xml"), &[]);
    let entries = shown_entries(dir.path(), &[]);
    assert_eq!(entries.len(), 3);
    let kept = titled(&entries, "Bridge contract hearing adjourned as defence lawyer falls ill");
    let kept_id = int(kept, "id").to_string();
    ok(dir.path(), &["bookmark", &kept_id]);
    ok(dir.path(), &["read", &int(titled(&entries, "Редакция переехала в бывшую типографию"), "id").to_string()]);
    let before = json(dir.path(), &["cache", "--json"]);

    // Age every entry as if Offprint first saw it 100 days ago: past the read limit (60), not the unread (180).
    let db = rusqlite::Connection::open(dir.path().join("offprint.sqlite3")).unwrap();
    db.execute("UPDATE entries SET first_seen_at = first_seen_at - 100 * 86400", []).unwrap();
    let report = json(dir.path(), &["cleanup", "--json"]);
    assert_eq!(int(&report, "purged_entries"), 1, "only the read, unbookmarked story: {report}");
    assert!(int(&report, "freed_bytes") > 0, "its pictures go with it: {report}");

    db.execute("UPDATE entries SET first_seen_at = first_seen_at - 100 * 86400", []).unwrap();
    let report = json(dir.path(), &["cleanup", "--json"]);
    assert_eq!(int(&report, "purged_entries"), 1, "now the unread one too: {report}");

    // The bookmark is whole: its text and every picture it had.
    let left = shown_entries(dir.path(), &[]);
    assert_eq!(left.len(), 1);
    assert_eq!(left[0]["id"], kept["id"]);
    assert_eq!(left[0]["content_html"], kept["content_html"]);
    assert_eq!(left[0]["images"], kept["images"]);
    for image in array(&left[0]["images"]).iter().filter(|i| i["status"] == "cached") {
        ok_bytes(dir.path(), &["image", string(image, "local_url")]);
    }
    let after = json(dir.path(), &["cache", "--json"]);
    assert!(int(&after, "image_bytes") < int(&before, "image_bytes"), "{before} -> {after}");

    // The feed still carries the purged stories (and changed, so it is read again): the next sync does not
    // bring them back as new.
    let mut changed = with_base("summary.xml", &server);
    changed.extend_from_slice(b"\n<!-- read again -->\n");
    server.route("/summary.xml", Route::feed(changed, "application/rss+xml"));
    let read_before = server.count(200);
    let report = json(dir.path(), &["sync", "--json"]);
    assert!(server.count(200) > read_before, "the changed feed was read again");
    assert_eq!(int(&report, "new"), 0, "{report}");
    assert_eq!(shown_entries(dir.path(), &[]).len(), 1);
}

#[test]
fn pictures_over_their_space_go_least_recently_read_first() {
    let server = site();
    let dir = common::data_dir();
    add(dir.path(), &server.url("/summary.xml"), &[]);
    let cache = json(dir.path(), &["cache", "--json"]);
    assert!(int(&cache, "image_bytes") > 0, "{cache}");
    let err = cli(dir.path(), &["settings", "set", "image_budget_mb", "1"]);
    assert!(!err.status.success());
    assert!(String::from_utf8_lossy(&err.stderr).contains("image_budget_mb cannot be 1"), "{err:?}");

    // The smallest budget is 16 MiB, far more than these tiny pictures: make them count 8 MiB each.
    ok(dir.path(), &["settings", "set", "image_budget_mb", "16"]);
    let db = rusqlite::Connection::open(dir.path().join("offprint.sqlite3")).unwrap();
    db.execute("UPDATE images SET bytes = 8 * 1024 * 1024 WHERE status = 'cached'", []).unwrap();
    let cached: i64 = db.query_row("SELECT count(*) FROM images WHERE status = 'cached'", [], |r| r.get(0)).unwrap();
    let report = json(dir.path(), &["cleanup", "--json"]);
    let distinct: i64 = db
        .query_row("SELECT count(DISTINCT content_hash) FROM images WHERE status = 'cached'", [], |r| r.get(0))
        .unwrap();
    assert!(int(&report, "evicted_images") > 0 && int(&report, "evicted_images") < cached, "{report}");
    assert!((1..=2).contains(&distinct), "at most two 8 MiB pictures fit in 16 MiB: {distinct} left");
    // An evicted picture is not fetched again by the next sync.
    let before = server.count(200);
    json(dir.path(), &["sync", "--json"]);
    assert!(server.count(200) <= before + 1, "only the unchanged feed may be asked for again");
}

#[test]
fn a_sites_icon_is_kept_from_its_feed_or_its_favicon() {
    let server = site();
    let base = base(&server);
    let feed = |image: &str| {
        format!(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Harbour notes</title><link>{base}/</link>\
             {image}<item><guid>n1</guid><title>Tide tables posted</title><description>The new tide tables are \
             posted at the harbour office.</description></item></channel></rss>"
        )
    };
    let logo =
        format!("<image><url>{base}/img/lighthouse.png</url><title>Harbour notes</title><link>{base}/</link></image>");
    server.route("/with-icon.xml", Route::feed(feed(&logo), "application/rss+xml"));
    server.route("/no-icon.xml", Route::feed(feed(""), "application/rss+xml"));
    server.route("/favicon.ico", Route::feed(picture_file("ferry-dock.png"), "image/x-icon"));
    let dir = common::data_dir();
    let with_icon = add(dir.path(), &server.url("/with-icon.xml"), &[]);
    let favicon = add(dir.path(), &server.url("/no-icon.xml"), &[]);

    let sources = json(dir.path(), &["sources", "--json"]);
    let icon_of = |id: i64| array(&sources).iter().find(|s| s["id"] == id).unwrap()["icon_url"].clone();
    let out = tempfile::TempDir::new().unwrap();
    let logo_url = local_url_for(&format!("{base}/img/lighthouse.png"));
    assert_eq!(icon_of(with_icon), logo_url.as_str());
    assert_image_gives(dir.path(), out.path(), &logo_url, &picture_file("lighthouse.png"));
    let favicon_url = local_url_for(&format!("{base}/favicon.ico"));
    assert_eq!(icon_of(favicon), favicon_url.as_str());
    assert_image_gives(dir.path(), out.path(), &favicon_url, &picture_file("ferry-dock.png"));
    assert_eq!(server.hits("/favicon.ico"), 1, "the favicon is fetched once for the whole site");
}
