//! Bookmark export, for real: `offprint-cli` subscribes to the offline site served on 127.0.0.1 (full text
//! and pictures, one of them a 404), two stories are bookmarked (one Persian), the server stops, and
//! `offprint::export::bookmarks` writes them out of the cache. The HTML is parsed again with html5ever and
//! opened in headless Chromium with the network cut off.

mod common;

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use base64::Engine;
use common::cli::{add, array, int, json, ok, string};
use common::offline_site::{SHARED, base, picture_file, site, stop};
use html5ever::tendril::TendrilSink;
use html5ever::{ParseOpts, QualName, local_name, ns, parse_document, parse_fragment};
use markup5ever_rcdom::{Handle, NodeData, RcDom};
use offprint::export::{Format, bookmarks};
use offprint::store::Store;
use serde_json::Value;

const COURT: &str = "Bridge contract hearing adjourned as defence lawyer falls ill";
const FESTIVAL: &str = "جشنواره رود با فانوس‌های کاغذی آغاز شد";
const NEWSROOM: &str = "Редакция переехала в бывшую типографию";
const FERRY: &str = "Ferry timetable restored after the flood";

/// The court story's picture that the server answers with a 404, and its alt text.
const MISSING: (&str, &str) = ("/img/missing-map.png", "The planned route of the harbour bridge");
/// Its SVG, which the cache refuses: a placeholder too.
const SVG: (&str, &str) = ("/img/court-seal.svg", "Seal of the district court");

// ---------------------------------------------------------------------------------------------------------
// Helpers

/// The fixture bytes behind a picture URL of the test server.
fn fixture_picture(url: &str, base: &str) -> Vec<u8> {
    let path = url.strip_prefix(base).unwrap_or_else(|| panic!("{url} is not on the test server"));
    match SHARED.iter().find(|(p, _)| *p == path) {
        Some((_, name)) => picture_file(name),
        None => picture_file(path.strip_prefix("/img/").unwrap_or_else(|| panic!("{url} is not a picture"))),
    }
}

/// A parsed element: its tag, attributes, text and the elements inside it, in document order.
#[derive(Debug, Clone)]
struct El {
    tag: String,
    attrs: HashMap<String, String>,
    text: String,
    children: Vec<El>,
}

impl El {
    fn get(&self, name: &str) -> Option<&str> {
        self.attrs.get(name).map(String::as_str)
    }

    fn has_class(&self, class: &str) -> bool {
        self.get("class").is_some_and(|c| c.split_whitespace().any(|c| c == class))
    }

    /// Every element inside (itself included) that `pick` accepts, in document order.
    fn all(&self, pick: &dyn Fn(&El) -> bool) -> Vec<&El> {
        let mut found = Vec::new();
        if pick(self) {
            found.push(self);
        }
        for child in &self.children {
            found.extend(child.all(pick));
        }
        found
    }

    fn tagged(&self, tag: &str) -> Vec<&El> {
        self.all(&|e| e.tag == tag)
    }
}

fn tree(node: &Handle) -> Vec<El> {
    let mut out = Vec::new();
    for child in node.children.borrow().iter() {
        match &child.data {
            NodeData::Element { name, attrs, .. } => {
                let attrs = attrs.borrow().iter().map(|a| (a.name.local.to_string(), a.value.to_string())).collect();
                let children = tree(child);
                let text = text_of(child);
                out.push(El { tag: name.local.to_string(), attrs, text, children });
            }
            _ => out.extend(tree(child)),
        }
    }
    out
}

fn text_of(node: &Handle) -> String {
    let mut text = String::new();
    for child in node.children.borrow().iter() {
        match &child.data {
            NodeData::Text { contents } => text.push_str(&contents.borrow()),
            _ => text.push_str(&text_of(child)),
        }
    }
    text
}

/// A whole document, as a browser parses it.
fn document(html: &str) -> El {
    let dom = parse_document(RcDom::default(), ParseOpts::default()).one(html);
    El { tag: "#document".into(), attrs: HashMap::new(), text: String::new(), children: tree(&dom.document) }
}

/// A stored body, parsed as the window's `innerHTML` does.
fn fragment(html: &str) -> El {
    let context = QualName::new(None, ns!(html), local_name!("div"));
    let dom = parse_fragment(RcDom::default(), ParseOpts::default(), context, vec![], true).one(html);
    El { tag: "#fragment".into(), attrs: HashMap::new(), text: String::new(), children: tree(&dom.document) }
}

/// The bytes and type of a `data:` URI in base64.
fn decode_data_uri(src: &str) -> (String, Vec<u8>) {
    let rest = src.strip_prefix("data:").unwrap_or_else(|| panic!("not a data: URI: {src:.60}"));
    let (mime, data) = rest.split_once(";base64,").unwrap_or_else(|| panic!("not base64: {src:.60}"));
    let bytes = base64::engine::general_purpose::STANDARD.decode(data).unwrap_or_else(|e| panic!("{e}: {src:.60}"));
    (mime.to_owned(), bytes)
}

/// A data directory with the four stories of the offline site and Ferry's, the court and festival stories
/// bookmarked, and the server gone. Returns each story's `show --json`, by title.
fn bookmarked_cache(dir: &Path) -> (HashMap<String, Value>, String) {
    let server = site();
    add(dir, &server.url("/summary.xml"), &[]);
    add(dir, &server.url("/long.xml"), &[]);
    let base = base(&server);
    stop(server);
    let listed = json(dir, &["list", "--json", "--limit", "1000"]);
    let mut shown = HashMap::new();
    for entry in array(&listed) {
        let id = int(entry, "id").to_string();
        if [COURT, FESTIVAL].contains(&string(entry, "title")) {
            ok(dir, &["bookmark", &id]);
        }
        let detail = json(dir, &["show", &id, "--json"]);
        shown.insert(string(&detail, "title").to_owned(), detail);
    }
    for title in [COURT, FESTIVAL, NEWSROOM, FERRY] {
        assert!(shown.contains_key(title), "{title:?} is not in the cache: {:?}", shown.keys());
    }
    (shown, base)
}

fn export(dir: &Path, format: Format) -> Vec<u8> {
    let store = Store::open_in(dir).expect("open the cache");
    bookmarks(&store, format).unwrap_or_else(|e| panic!("export as {format:?}: {e}"))
}

/// Runs the Chromium check; node missing is a failure, never a pass.
fn open_in_chromium(file: &Path) -> Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui/open-export.mjs");
    let output = Command::new("node").arg(&script).arg(file).output().unwrap_or_else(|e| {
        panic!(
            "cannot run `node {}` ({e}): install Node.js (apt-get install nodejs) to check the export in Chromium",
            script.display()
        )
    });
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "`node {}` failed ({}): are Chromium and tests/ui/node_modules there? (apt-get install chromium; cd tests/ui && npm ci)\n--- stdout ---\n{stdout}\n--- stderr ---\n{}",
        script.display(),
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("open-export.mjs printed no JSON ({e}): {stdout}"))
}

// ---------------------------------------------------------------------------------------------------------
// Tests

#[test]
fn html_export_reads_offline_with_every_cached_picture_inlined() {
    let (dir, out) = (common::data_dir(), common::data_dir());
    let (shown, base) = bookmarked_cache(dir.path());
    let html = String::from_utf8(export(dir.path(), Format::Html)).expect("the export is UTF-8");
    assert!(!html.contains("offprint-img:"), "a local picture URL is left in the export");
    assert!(!html.to_ascii_lowercase().contains("<script"), "a script in the export");
    let page = document(&html);

    let head = &page.tagged("head")[0];
    let metas = head.tagged("meta");
    assert!(metas.iter().any(|m| m.get("charset").is_some_and(|c| c.eq_ignore_ascii_case("utf-8"))), "{metas:?}");
    let csp = metas.iter().find(|m| m.get("http-equiv") == Some("Content-Security-Policy")).expect("a CSP meta");
    assert_eq!(csp.get("content"), Some("default-src 'none'; img-src data:; style-src 'unsafe-inline'"));
    assert_eq!(page.tagged("title")[0].text, "Offprint bookmarks");

    // Only the two bookmarks, each listed in the contents.
    // A body may hold an `<article>` of its own: an entry's is the one with its id.
    let articles = page.all(&|e| e.tag == "article" && e.get("id").is_some_and(|id| id.starts_with("entry-")));
    assert_eq!(articles.len(), 2, "two bookmarked stories expected");
    for title in [NEWSROOM, FERRY] {
        assert!(!html.contains(title), "{title:?} is not bookmarked but was exported");
    }
    let contents: Vec<String> = page.tagged("nav")[0].tagged("li").iter().map(|li| li.text.clone()).collect();

    for title in [COURT, FESTIVAL] {
        let detail = &shown[title];
        let id = int(detail, "id");
        assert!(contents.iter().any(|c| c.contains(title)), "{title:?} is not in the contents: {contents:?}");
        let article = articles
            .iter()
            .find(|a| a.get("id") == Some(format!("entry-{id}").as_str()))
            .unwrap_or_else(|| panic!("no article for {title:?}"));
        assert_eq!(article.get("dir"), detail["dir"].as_str(), "{title}");
        assert_eq!(article.get("lang"), detail["lang"].as_str(), "{title}");
        let heading = &article.tagged("h2")[0];
        assert_eq!(heading.text, title);
        assert_eq!(heading.tagged("a")[0].get("href"), detail["url"].as_str(), "{title}");
        assert!(article.text.contains(string(detail, "source_title")), "{title}: no source title");
        let published = string(detail, "published");
        assert!(article.tagged("time").iter().any(|t| t.get("datetime") == Some(published)), "{title}: {published}");

        // Picture by picture, in order: each one the cache has is inlined with the fixture's bytes; any
        // other is a placeholder with its alt text (an embed card just loses its thumbnail).
        let status: HashMap<&str, (&str, &str)> = array(&detail["images"])
            .iter()
            .map(|i| (string(i, "local_url"), (string(i, "url"), string(i, "status"))))
            .collect();
        let stored = fragment(string(detail, "content_html"));
        let mut exported = article.tagged("img").into_iter();
        let mut placeholders = article.all(&|e| e.has_class("picture-missing")).into_iter();
        let mut inlined = 0;
        for img in stored.tagged("img") {
            let local = img.get("src").unwrap_or_else(|| panic!("{title}: a stored <img> without src"));
            let (url, status) = status.get(local).unwrap_or_else(|| panic!("{title}: {local} not in images"));
            if *status == "cached" {
                let got = exported.next().unwrap_or_else(|| panic!("{title}: {url} is missing from the export"));
                assert_eq!(got.get("srcset"), None, "{title}: {url}");
                let (mime, bytes) = decode_data_uri(got.get("src").unwrap_or_default());
                assert!(bytes == fixture_picture(url, &base), "{title}: {url} inlined with other bytes");
                assert!(mime.starts_with("image/") && !mime.contains("svg"), "{title}: {url} as {mime}");
                assert_eq!(got.get("alt"), img.get("alt"), "{title}: {url}");
                inlined += 1;
            } else if !img.has_class("op-embed-thumb") {
                let placeholder = placeholders.next().unwrap_or_else(|| panic!("{title}: no placeholder for {url}"));
                let alt = img.get("alt").unwrap_or_default().trim();
                assert!(placeholder.text.contains(alt), "{title}: {url}: {placeholder:?}");
            }
        }
        assert!(inlined >= 2, "{title}: only {inlined} pictures inlined");
        assert!(exported.next().is_none(), "{title}: more pictures exported than stored");
        assert!(placeholders.next().is_none(), "{title}: more placeholders than missing pictures");
    }

    // The court story's 404 and its SVG are placeholders; its video card is still a link.
    let court = articles.iter().find(|a| a.text.contains(COURT)).unwrap();
    for (path, alt) in [MISSING, SVG] {
        let image = array(&shown[COURT]["images"]).iter().find(|i| i["url"] == format!("{base}{path}")).cloned();
        assert_ne!(image.map(|i| i["status"].clone()), Some("cached".into()), "{path}");
        assert!(
            court.all(&|e| e.has_class("picture-missing")).iter().any(|p| p.text.contains(alt)),
            "no placeholder saying {alt:?}"
        );
    }
    let cards = court.all(&|e| e.tag == "a" && e.has_class("op-embed"));
    assert_eq!(cards.len(), 1, "the video card");
    assert_eq!(cards[0].get("href"), Some("https://www.youtube.com/watch?v=Hb7kq2Lr9Xo"));

    // No picture anywhere names an address to fetch.
    for img in page.tagged("img") {
        let src = img.get("src").unwrap_or_default();
        assert!(src.starts_with("data:image/"), "an <img> src is not inline: {src:.80}");
        assert_eq!(img.get("srcset"), None);
    }

    // And a browser with no network shows every picture and asks for nothing.
    let file = out.path().join("bookmarks.html");
    std::fs::write(&file, &html).unwrap();
    let opened = open_in_chromium(&file);
    assert_eq!(opened["title"], "Offprint bookmarks", "{opened}");
    assert_eq!(opened["blocked_requests"], 0, "{opened}");
    assert_eq!(opened["scripts"], 0, "{opened}");
    assert_eq!(opened["articles"], 2, "{opened}");
    let images = array(&opened["images"]);
    assert_eq!(images.len(), page.tagged("img").len(), "{opened}");
    for image in images {
        assert!(image["naturalWidth"].as_u64().is_some_and(|w| w > 0), "a picture did not show: {image}");
        assert_eq!(image["complete"], true, "{image}");
        assert!(string(image, "src_prefix").starts_with("data:image/"), "{image}");
    }
}

#[test]
fn markdown_export_links_pictures_to_their_originals() {
    let dir = common::data_dir();
    let (shown, base) = bookmarked_cache(dir.path());
    let markdown = String::from_utf8(export(dir.path(), Format::Markdown)).expect("the export is UTF-8");
    assert!(!markdown.contains("offprint-img"), "{markdown}");
    assert!(markdown.starts_with("# Offprint bookmarks\n"), "{markdown}");
    for title in [NEWSROOM, FERRY] {
        assert!(!markdown.contains(title), "{title:?} is not bookmarked: {markdown}");
    }
    for title in [COURT, FESTIVAL] {
        let detail = &shown[title];
        let heading = format!("## [{title}](<{}>)", string(detail, "url"));
        assert!(markdown.lines().any(|l| l == heading), "no heading {heading:?} in {markdown}");
        assert!(markdown.contains(&format!("- Published: {}", string(detail, "published"))), "{markdown}");
        let local_to_remote: HashMap<&str, &str> =
            array(&detail["images"]).iter().map(|i| (string(i, "local_url"), string(i, "url"))).collect();
        let stored = fragment(string(detail, "content_html"));
        for img in stored.tagged("img") {
            let url = local_to_remote[img.get("src").unwrap()];
            let alt = img.get("alt").unwrap_or_default().trim();
            assert!(markdown.contains(&format!("]({url})")), "{title}: no link to {url} in {markdown}");
            if url.starts_with(&base) {
                assert!(markdown.contains(&format!("![{alt}]({url})")), "{title}: ![{alt}]({url}) in {markdown}");
            }
        }
    }
    let (path, alt) = MISSING;
    assert!(markdown.contains(&format!("![{alt}]({base}{path})")), "the missing picture's link: {markdown}");
}

#[test]
fn json_export_gives_exactly_the_bookmarks_as_show_does() {
    let dir = common::data_dir();
    let (shown, _) = bookmarked_cache(dir.path());
    let export: Value = serde_json::from_slice(&export(dir.path(), Format::Json)).expect("the export is JSON");
    let at = string(&export, "exported_at");
    assert!(chrono::DateTime::parse_from_rfc3339(at).is_ok_and(|t| at.ends_with('Z') && t.timestamp() > 0), "{at}");
    let entries = array(&export["entries"]);
    let mut titles: Vec<&str> = entries.iter().map(|e| string(e, "title")).collect();
    titles.sort();
    let mut expected = vec![COURT, FESTIVAL];
    expected.sort();
    assert_eq!(titles, expected);
    for entry in entries {
        let title = string(entry, "title");
        assert_eq!(entry, &shown[title], "{title}: the export differs from `show --json`");
        assert_eq!(entry["bookmarked"], true, "{title}");
    }
}

#[test]
fn an_export_with_no_bookmarks_is_still_a_document() {
    let dir = common::data_dir();
    let html = String::from_utf8(export(dir.path(), Format::Html)).unwrap();
    assert!(document(&html).tagged("article").is_empty());
    assert!(html.contains("0 stories"), "{html}");
    let export: Value = serde_json::from_slice(&export(dir.path(), Format::Json)).unwrap();
    assert_eq!(export["entries"], serde_json::json!([]));
}
