//! Hostile input against offline capture: the parts the sanitizer's own tests (`sanitize_hostile.rs`) and the
//! offline drills (`offline.rs`) do not reach. Stored HTML must point every picture at the cache and carry no
//! live markup; nothing outside the cache may be read through a picture's key; a policy upgrade, a cleanup or
//! a cleanup racing a sync must never lose what a bookmark keeps. Every test asserts the safe behaviour.

mod common;

use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::offline_site::picture_file;
use common::proxy::Socks5Proxy;
use common::{Route, Server};
use html5ever::tendril::TendrilSink;
use html5ever::{ParseOpts, QualName, local_name, ns, parse_fragment};
use markup5ever_rcdom::{Handle, NodeData, RcDom};
use offprint::extract::{FullTextMode, extract_article};
use offprint::fetch::{FetchConfig, Fetcher, ProxyChoice};
use offprint::localize::{image_key, localize_images};
use offprint::model::{EntryDetail, EntryFilter};
use offprint::oembed::{Details, complete_cards};
use offprint::pictures::check_picture;
use offprint::sanitize::{SANITIZER_VERSION, sanitize_html};
use offprint::store::{DB_FILE, Retention, Store};
use offprint::sync::{self, SharedStore, SyncOptions};
use url::Url;

const BIN: &str = env!("CARGO_BIN_EXE_offprint-cli");
const LOCAL: &str = "offprint-img://localhost/";

// ---------------------------------------------------------------------------------------------------------
// Helpers

/// A sentence found only in the article page.
const FULL_SENTENCE: &str = "The ferrymen voted to keep the night crossing running through the winter";

fn fetcher() -> Fetcher {
    Fetcher::new(FetchConfig::default()).unwrap()
}

fn open(dir: &Path) -> SharedStore {
    SharedStore::new(Store::open_in(dir).unwrap())
}

/// An RSS feed of `items`: (guid, title, description HTML).
fn rss(server: &Server, items: &[(&str, &str, &str)]) -> String {
    let base = server.url("");
    let items: String = items
        .iter()
        .map(|(guid, title, body)| {
            format!(
                "<item><guid isPermaLink=\"false\">{guid}</guid><title>{title}</title><link>{base}/{guid}.html</link>\
                 <description><![CDATA[{body}]]></description></item>"
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>Harbour</title>\
         <link>{base}/</link>{items}</channel></rss>"
    )
}

/// An article page whose main text is far longer than any summary, with one picture.
fn article_page(picture: &str) -> String {
    let paragraphs: String = (0..8)
        .map(|i| {
            format!(
                "<p>{FULL_SENTENCE}, paragraph {i} said, after the harbour board met for three hours in the old \
                 customs house and heard from the pilots, the cafe owners and the island school.</p>"
            )
        })
        .collect();
    format!(
        "<!doctype html><html><head><title>Night crossing</title></head><body><nav><a href=\"/\">Home</a></nav>\
         <main><article><h1>Night crossing stays</h1><img src=\"{picture}\" alt=\"The ferry\">{paragraphs}</article>\
         </main><footer>Harbour Gazette</footer></body></html>"
    )
}

/// The summary-only story of [`summary_site`]: guid, title, description.
const SUMMARY_STORY: (&str, &str, &str) = ("night", "Night crossing stays", "The night ferry keeps running.");

/// A server with a summary-only story whose article page has the full text and a picture.
fn summary_site() -> Server {
    let server = Server::start();
    server.route("/img/ferry.png", Route::feed(picture_file("ferry-dock.png"), "image/png"));
    server.route("/night.html", Route::feed(article_page("/img/ferry.png"), "text/html; charset=utf-8"));
    let feed = rss(&server, &[SUMMARY_STORY]);
    server.route("/feed.xml", Route::feed(feed, "application/rss+xml"));
    server
}

fn only_entry(store: &SharedStore) -> EntryDetail {
    let store = store.lock().unwrap();
    let list = store.list_entries(&EntryFilter { limit: 100, ..Default::default() }).unwrap();
    assert_eq!(list.len(), 1, "{list:?}");
    store.get_entry(list[0].id).unwrap()
}

/// Makes the cache look as an Offprint with the previous sanitizer policy left it: every body and the
/// cache's own record of the policy one version older. Opening the store then plans the re-clean.
fn stored_by_previous_policy(dir: &Path, content_html: Option<&str>) {
    let db = rusqlite::Connection::open(dir.join(DB_FILE)).unwrap();
    let old = SANITIZER_VERSION - 1;
    db.execute("UPDATE entry_contents SET sanitizer_version = ?1", [old]).unwrap();
    if let Some(html) = content_html {
        db.execute("UPDATE entry_contents SET content_html = ?1", [html]).unwrap();
    }
    db.execute("UPDATE meta SET value = ?1 WHERE key = 'sanitizer_version'", [old.to_string()]).unwrap();
}

/// Subscribes as `offprint-cli add` does: the source, its entries, then their pictures.
async fn subscribe(store: &SharedStore, server: &Server, mode: FullTextMode) {
    sync::subscribe(store, &fetcher(), &server.url("/feed.xml"), None, mode).await.unwrap();
    sync::fetch_pictures(store, &fetcher()).await.unwrap();
}

async fn sync_all(store: &SharedStore) {
    sync::sync_all(store, &fetcher(), &SyncOptions::default(), |_| {}).await.unwrap();
}

/// Everything in stored HTML that is live once it is set as innerHTML, or that makes the window load
/// something other than a cached picture. Parsed the way `innerHTML` parses (a fragment in a `<div>`).
fn problems(stored: &str) -> Vec<String> {
    let context = QualName::new(None, ns!(html), local_name!("div"));
    let dom = parse_fragment(RcDom::default(), ParseOpts::default(), context, vec![], true).one(stored);
    let mut found = Vec::new();
    walk(&dom.document, &mut found);
    found
}

fn walk(node: &Handle, found: &mut Vec<String>) {
    const FORBIDDEN: &[&str] = &[
        "script", "style", "iframe", "frame", "object", "embed", "form", "input", "button", "textarea", "select",
        "svg", "math", "template", "noscript", "base", "meta", "link", "video", "audio", "xmp", "noembed",
    ];
    if let NodeData::Element { name, attrs, .. } = &node.data {
        let tag = name.local.to_string();
        if name.ns != ns!(html) || FORBIDDEN.contains(&tag.as_str()) {
            found.push(format!("<{tag}> ({})", name.ns));
        }
        for attr in attrs.borrow().iter() {
            let (attr, value) = (attr.name.local.to_ascii_lowercase(), attr.value.to_string());
            let bad = match &*attr {
                a if a.starts_with("on") || a == "style" => true,
                "class" => value.split_ascii_whitespace().any(|c| {
                    !matches!(
                        (tag.as_str(), c),
                        ("a", "op-embed")
                            | ("img", "op-embed-thumb")
                            | ("span", "op-embed-provider" | "op-embed-title")
                    )
                }),
                "href" => Url::parse(&value).map_or(true, |u| !matches!(u.scheme(), "http" | "https" | "mailto")),
                // Anything that loads: only a cached picture, by its key.
                "src" | "srcset" | "poster" | "data" | "background" => !is_local_picture(&value),
                _ => false,
            };
            if bad {
                found.push(format!("<{tag} {attr}={value:?}>"));
            }
        }
    }
    for child in node.children.borrow().iter() {
        walk(child, found);
    }
}

fn is_local_picture(value: &str) -> bool {
    value
        .strip_prefix(LOCAL)
        .is_some_and(|key| key.len() == 32 && key.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
}

/// What sync stores for a post body: sanitized, then its pictures pointed at the cache.
fn stored(html: &str) -> String {
    let base = Url::parse("https://news.example.org/2026/11/story.html").unwrap();
    localize_images(&sanitize_html(html, Some(&base))).html
}

// ---------------------------------------------------------------------------------------------------------
// Findings: each fails while the weakness is there.

/// When the sanitizer policy changes, every stored body must be cleaned again. A full text whose article
/// page no longer answers keeps the body the old policy produced (possibly with the hole the new policy
/// closes) yet is stamped with the new version, so it is never cleaned again.
#[tokio::test]
async fn a_full_text_from_an_older_policy_is_not_stamped_clean_when_its_page_is_gone() {
    let server = summary_site();
    let dir = common::data_dir();
    let store = open(dir.path());
    subscribe(&store, &server, FullTextMode::Auto).await;
    assert!(only_entry(&store).full_text, "the article page gave the full text");
    drop(store);

    // What the previous policy let through (stands for whatever the new version was bumped to close).
    let old = "<p>Kept by the old policy.</p><img src=\"https://tracker.example/p.gif\" onerror=\"alert(1)\">";
    stored_by_previous_policy(dir.path(), Some(old));
    server.route("/night.html", Route::status(404));

    let store = open(dir.path());
    sync_all(&store).await;
    let entry = only_entry(&store);
    let found = problems(&entry.content_html);
    assert!(
        found.is_empty(),
        "stored under policy {SANITIZER_VERSION} but never cleaned by it: {found:?}\n{}",
        entry.content_html
    );
}

/// An article page that keeps coming but takes longer than an extra's whole timeout is given up, as a
/// feed would not be: the story keeps its feed's text.
#[tokio::test]
async fn an_article_page_slower_than_the_extras_timeout_leaves_the_feeds_text() {
    let server = summary_site();
    let page = Route::feed(article_page("/img/ferry.png"), "text/html; charset=utf-8");
    // A kilobyte a second, steadily: no stall, no drip, the whole page in a few seconds.
    server.route("/night.html", page.trickled(100, Duration::from_millis(100)));
    let config = FetchConfig { extras_timeout: Duration::from_millis(500), ..FetchConfig::default() };
    let dir = common::data_dir();
    let store = open(dir.path());
    let url = server.url("/feed.xml");
    sync::subscribe(&store, &Fetcher::new(config).unwrap(), &url, None, FullTextMode::Auto).await.unwrap();
    let entry = only_entry(&store);
    assert!(!entry.full_text, "the page was waited for");
    assert!(entry.content_html.contains("night ferry keeps running"), "{}", entry.content_html);
    assert_eq!(server.hits("/night.html"), 1);
}

/// A policy upgrade re-fetches every full text's article page. A page that now answers with a stub (a
/// soft 404, a paywall) must not take the place of the full text a bookmark kept, nor let the cleanup
/// delete its pictures.
#[tokio::test]
async fn a_policy_upgrade_never_swaps_a_bookmarked_full_text_for_a_stub() {
    let server = summary_site();
    let dir = common::data_dir();
    let store = open(dir.path());
    subscribe(&store, &server, FullTextMode::Auto).await;
    let before = only_entry(&store);
    assert!(before.content_html.contains(FULL_SENTENCE), "{}", before.content_html);
    let picture = server.url("/img/ferry.png");
    assert!(before.images.iter().any(|i| i.url == picture && i.status == "cached"), "{:?}", before.images);
    store.lock().unwrap().set_bookmarked(before.summary.id, true).unwrap();
    drop(store);

    stored_by_previous_policy(dir.path(), None);
    let stub =
        "<html><body><article><h1>Not found</h1><p>This story is no longer available.</p></article></body></html>";
    server.route("/night.html", Route::feed(stub, "text/html; charset=utf-8"));

    let store = open(dir.path());
    sync_all(&store).await;
    sync::clean_up(&store).await.unwrap();
    let after = only_entry(&store);
    assert!(after.summary.bookmarked);
    assert!(after.content_html.contains(FULL_SENTENCE), "the bookmark lost its full text: {}", after.content_html);
    let bytes = store.lock().unwrap().image_bytes(&image_key(&picture)).unwrap();
    assert!(bytes.is_some(), "the bookmark lost its picture: {:?}", after.images);
}

/// A policy upgrade cleans every story again from its feed. A story whose article page failed for good
/// keeps that record: the syncs after the upgrade do not knock on the page again.
#[tokio::test]
async fn a_policy_upgrade_keeps_what_a_storys_page_gave_before() {
    let server = summary_site();
    server.route("/night.html", Route::status(404));
    let dir = common::data_dir();
    let store = open(dir.path());
    subscribe(&store, &server, FullTextMode::Auto).await;
    assert_eq!(server.hits("/night.html"), 1);
    drop(store);

    stored_by_previous_policy(dir.path(), None);
    let store = open(dir.path());
    sync_all(&store).await;
    // The feed changes (not the story), so the next sync reads it again.
    let feed = rss(&server, &[SUMMARY_STORY]);
    server.route(
        "/feed.xml",
        Route::feed(feed.replace("<title>Harbour</title>", "<title>Harbour news</title>"), "application/rss+xml"),
    );
    sync_all(&store).await;
    assert_eq!(server.hits("/night.html"), 1, "the page that failed for good was asked for again");
    assert!(only_entry(&store).content_html.contains("night ferry keeps running"));
}

/// A policy upgrade cleans every story again from its feed and asks the providers of its embed cards again.
/// A provider that does not answer then (blocked where the reader lives, or down) must not take from a
/// story the card it completed before: its title stays, and its thumbnail, which a bookmark keeps through
/// the cleanup.
#[tokio::test]
async fn a_policy_upgrade_keeps_the_embed_cards_completed_before() {
    // Every request through a proxy that takes the provider's name for a local port where no one answers,
    // wherever the test runs.
    let proxy = Socks5Proxy::start().with_host("vimeo.com", IpAddr::V4(Ipv4Addr::LOCALHOST));
    let config = FetchConfig { proxy: ProxyChoice::Url(proxy.url()), ..FetchConfig::default() };
    let through_proxy = Fetcher::new(config).unwrap();
    let server = Server::start();
    server.route("/img/thumb.png", Route::feed(picture_file("ferry-dock.png"), "image/png"));
    let thumb = server.url("/img/thumb.png");
    let body = "<p>The harbour board met.</p><iframe src=\"https://player.vimeo.com/video/76979871\"></iframe>";
    server.route("/feed.xml", Route::feed(rss(&server, &[("vote", "Night vote", body)]), "application/rss+xml"));
    let dir = common::data_dir();
    let store = open(dir.path());
    sync::subscribe(&store, &through_proxy, &server.url("/feed.xml"), None, FullTextMode::Off).await.unwrap();
    let before = only_entry(&store);

    // As if the provider had answered that sync: the card completed, its thumbnail one of the story's pictures.
    let said = Details { title: Some("The night vote".into()), thumbnail_url: Some(thumb.clone()) };
    let found: std::collections::HashMap<String, Details> = offprint::oembed::incomplete_cards(&before.content_html)
        .into_iter()
        .map(|card| (card.href, said.clone()))
        .collect();
    assert_eq!(found.len(), 1, "the player is a card to complete: {}", before.content_html);
    let (completed, thumbnails) = complete_cards(&before.content_html, &found);
    assert_eq!(thumbnails, [thumb.as_str()]);
    let db = rusqlite::Connection::open(dir.path().join(DB_FILE)).unwrap();
    db.execute("UPDATE entry_contents SET content_html = ?1", [&completed]).unwrap();
    db.execute("INSERT INTO images (url, key, used_at) VALUES (?1, ?2, 0)", [&thumb, &image_key(&thumb)]).unwrap();
    db.execute(
        "INSERT INTO entry_images (entry_id, position, image_id) SELECT ?1, 0, id FROM images WHERE url = ?2",
        rusqlite::params![before.summary.id, thumb],
    )
    .unwrap();
    sync::fetch_pictures(&store, &through_proxy).await.unwrap();
    store.lock().unwrap().set_bookmarked(before.summary.id, true).unwrap();
    drop(store);

    stored_by_previous_policy(dir.path(), None);
    let store = open(dir.path());
    let asked = proxy.count();
    sync::sync_all(&store, &through_proxy, &SyncOptions::default(), |_| {}).await.unwrap();
    let provider_asked = proxy.requests()[asked..].iter().any(|r| r.host == "vimeo.com");
    assert!(provider_asked, "the policy upgrade's sync did not ask the provider: {:?}", proxy.requests());
    sync::clean_up(&store).await.unwrap();
    let after = only_entry(&store);
    assert!(after.content_html.contains("The night vote"), "the card lost its title: {}", after.content_html);
    assert!(after.images.iter().any(|i| i.url == thumb && i.status == "cached"), "{:?}", after.images);
    let bytes = store.lock().unwrap().image_bytes(&image_key(&thumb)).unwrap();
    assert!(bytes.is_some(), "the bookmark lost its card's thumbnail");
}

/// Two processes share the cache (the window syncing, `offprint-cli cleanup` from a timer). A sync
/// records a picture whose bytes are already on disk (another URL, same content) just as a cleanup drops
/// that other URL and deletes the file: the new row says `cached`, its file is gone, and no sync fetches it
/// again. Here the picture belongs to a bookmark: the sync has the bytes when another connection's cleanup
/// runs, then records them.
#[tokio::test]
async fn a_cleanup_in_another_process_never_deletes_the_file_of_a_picture_being_recorded() {
    let server = Server::start();
    let png = picture_file("lighthouse.png");
    server.route("/img/old.png", Route::feed(png.clone(), "image/png"));
    server.route("/img/new.png", Route::feed(png.clone(), "image/png"));
    let (old_pic, new_pic) = (server.url("/img/old.png"), server.url("/img/new.png"));
    let old_item = ("old", "Old story", format!("<p>Old.</p><img src=\"{old_pic}\">"));
    let new_item = ("new", "New story", format!("<p>New.</p><img src=\"{new_pic}\">"));
    server
        .route("/feed.xml", Route::feed(rss(&server, &[(old_item.0, old_item.1, &old_item.2)]), "application/rss+xml"));

    let dir = common::data_dir();
    let store = open(dir.path());
    subscribe(&store, &server, FullTextMode::Off).await;
    let old_id = only_entry(&store).summary.id;
    store.lock().unwrap().set_read(old_id, true).unwrap();
    let db = rusqlite::Connection::open(dir.path().join(DB_FILE)).unwrap();
    db.execute("UPDATE entries SET first_seen_at = first_seen_at - 100 * 86400 WHERE id = ?1", [old_id]).unwrap();

    // The feed brings a new story showing the same picture under another URL; it is stored, not fetched yet.
    let both = [(old_item.0, old_item.1, old_item.2.as_str()), (new_item.0, new_item.1, new_item.2.as_str())];
    server.route("/feed.xml", Route::feed(rss(&server, &both), "application/rss+xml"));
    let target = store.lock().unwrap().sync_targets().unwrap().remove(0);
    sync::refresh_source(&store, &fetcher(), &target, offprint::schedule::DEFAULT_INTERVAL).await.unwrap();
    let new_id = {
        let s = store.lock().unwrap();
        let list = s.list_entries(&EntryFilter { limit: 10, ..Default::default() }).unwrap();
        list.iter().find(|e| e.title == "New story").unwrap().id
    };
    store.lock().unwrap().set_bookmarked(new_id, true).unwrap();

    // The sync (this process) has the bytes; the file is already there, under the same hash.
    let mut sync_side = store.lock().unwrap();
    let (image_id, _) = sync_side.pending_images().unwrap().into_iter().find(|(_, url)| *url == new_pic).unwrap();
    let picture = check_picture(&new_pic, &png, Some("image/png")).unwrap();

    // Meanwhile a cleanup in another process purges the old story and drops its picture.
    let mut cleanup_side = Store::open_in(dir.path()).unwrap();
    let report = cleanup_side
        .clean_up(&Retention { keep_read_days: 60, keep_unread_days: 180, image_budget_bytes: 1 << 30 })
        .unwrap();
    assert_eq!(report.purged_entries, 1, "{report:?}");

    // The sync records what it wrote.
    sync_side.record_image(image_id, &picture).unwrap();
    let kept = sync_side.image_bytes(&image_key(&new_pic)).unwrap();
    assert!(kept.is_some(), "the bookmarked story's picture is recorded as cached but its file was deleted");
}

/// An embed card is a link to the web: the UI styles it as a player's card. A post forges one with the
/// card classes the allow-list keeps, pointing it at a mail address (or, as well, at a provider the sync
/// then asks about over oEmbed).
#[test]
fn a_card_links_only_to_the_web() {
    let forged = "<a class=\"op-embed\" href=\"mailto:billing@example.org?subject=Renew\">\
                  <span class=\"op-embed-provider\">YouTube</span><span class=\"op-embed-title\">Watch</span></a>";
    let html = stored(forged);
    let context = QualName::new(None, ns!(html), local_name!("div"));
    let dom = parse_fragment(RcDom::default(), ParseOpts::default(), context, vec![], true).one(html.as_str());
    let mut cards = Vec::new();
    collect_cards(&dom.document, &mut cards);
    for href in &cards {
        let url = Url::parse(href).unwrap();
        assert!(matches!(url.scheme(), "http" | "https"), "a card links to {href}: {html}");
    }
}

fn collect_cards(node: &Handle, cards: &mut Vec<String>) {
    if let NodeData::Element { name, attrs, .. } = &node.data {
        let attrs = attrs.borrow();
        let get = |n: &str| attrs.iter().find(|a| &*a.name.local == n).map(|a| a.value.to_string());
        if &*name.local == "a" && get("class").is_some_and(|c| c.split_ascii_whitespace().any(|c| c == "op-embed")) {
            cards.push(get("href").unwrap_or_default());
        }
    }
    for child in node.children.borrow().iter() {
        collect_cards(child, cards);
    }
}

/// Stored HTML names no remote resource: players became cards, pictures point at the cache. `<source>` and
/// `<track>` outside a player are kept with their remote `src`, inert only while no `<video>` or `<audio>`
/// ever surrounds them (the allow-list still has both) and the CSP holds.
#[test]
fn stored_html_names_no_remote_media() {
    let mut failed = Vec::new();
    for html in [
        "<p>a<source src=\"https://tracker.example/a.mp4\" type=\"video/mp4\"></p>",
        "<p>a<track src=\"https://tracker.example/t.vtt\" kind=\"captions\"></p>",
        "<div><source srcset=\"https://tracker.example/b.webp\"><img src=\"/a.jpg\"></div>",
    ] {
        let out = stored(html);
        let found = problems(&out);
        if !found.is_empty() {
            failed.push(format!("{found:?}\n    in:  {html}\n    out: {out}"));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

// ---------------------------------------------------------------------------------------------------------
// Checks that hold, kept because nothing else covers them.

/// The pre-pass's own output (unwrapped `<noscript>` pictures, cards from players inside odd contexts) and
/// the oEmbed completion, which writes into stored HTML after the sanitizer: nothing live, every picture
/// local.
#[test]
fn the_pre_pass_and_card_completion_write_nothing_live() {
    let rows = [
        "<svg><noscript><p><img src=x onerror=alert(1)></noscript></svg>",
        "<noscript><img src=/a.jpg alt=\"</noscript><iframe src=https://evil.example/>\"></noscript>",
        "<noscript><iframe src=\"https://www.youtube.com/embed/dQw4w9WgXcQ\" title=\"</span><img src=x onerror=alert(1)>\"></iframe><img src=/a.jpg></noscript>",
        "<noscript><image src=/a.jpg onerror=alert(1)></noscript>",
        "<img data-src=/lazy.jpg><noscript><picture><source srcset=\"javascript:alert(1)\"><img src=/b.jpg></picture></noscript>",
        "<img src=/blank.gif data-src='/a.jpg\" onerror=\"alert(1)'><noscript><img src=/b.jpg></noscript>",
        "<math><mtext><noscript><img src=/a.jpg></noscript><iframe src=https://player.vimeo.com/video/1></iframe></mtext></math>",
        "<table><tr><iframe src=\"https://player.vimeo.com/video/7\" title=\"x\"></iframe><td>c</td></tr></table>",
        "<a href=\"https://ok.example/\"><iframe src=\"https://player.vimeo.com/video/7\"></iframe></a>",
        "<select><noscript><img src=/a.jpg></noscript></select><video poster=/p.jpg title=\"&quot;&gt;&lt;img src=x onerror=alert(1)&gt;\"><source src=/v.mp4></video>",
        "<picture><source srcset=\"https://e.example/a.webp 1x, https://e.example/b.webp 2x\"><img alt=\"A\"></picture>",
        "<img srcset=\"https://e.example/a.jpg 1e9w, https://e.example/b.jpg 0.5x, https://e.example/c.jpg 2x\">",
    ];
    let hostile = Details {
        title: Some("</span></a><img src=x onerror=alert(1)><a href=\"javascript:alert(1)\">".into()),
        thumbnail_url: Some("https://i.vimeocdn.com/video/1.jpg?a=\"><script>alert(1)</script>".into()),
    };
    let (mut failed, mut completed) = (Vec::new(), 0);
    for html in rows {
        let out = stored(html);
        let found = completion_problems(&out, &hostile, &mut completed);
        let found: Vec<String> = problems(&out).into_iter().chain(found).collect();
        if !found.is_empty() {
            failed.push(format!("{found:?}\n    in:  {html}\n    out: {out}"));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
    assert!(completed >= 2, "the players' cards were completed: {completed}");
}

/// Completes every card of `stored_html` with `details` as the sync would, and checks the result. Counts
/// the cards completed in `completed`.
fn completion_problems(stored_html: &str, details: &Details, completed: &mut usize) -> Vec<String> {
    let found: std::collections::HashMap<String, Details> =
        offprint::oembed::incomplete_cards(stored_html).into_iter().map(|card| (card.href, details.clone())).collect();
    *completed += found.len();
    let (html, _) = complete_cards(stored_html, &found);
    problems(&html).into_iter().map(|p| format!("after oEmbed: {p}: {html}")).collect()
}

/// A page's main content goes through the same cleaning: the extractor's output (its own wrappers and
/// classes) and whatever the page hid in it come out inert, with local pictures.
#[test]
fn an_extracted_page_is_stored_as_inert_as_a_feed_body() {
    let url = Url::parse("https://news.example.org/2026/11/night.html").unwrap();
    let hostile = "<p onclick=alert(1) class=\"lead op-embed\" style=\"color:red\">Click</p>\
                   <img src=x onerror=alert(1)><img src=\"/blank.gif\" data-src=\"javascript:alert(1)\">\
                   <noscript><img src=\"/n.jpg\" onerror=alert(1)></noscript>\
                   <iframe src=\"javascript:alert(1)\"></iframe><iframe src=\"https://player.vimeo.com/video/9\" title=\"<b>t</b>\"></iframe>\
                   <a href=\"javascript:alert(1)\">j</a><a href=\"data:text/html,x\">d</a><form><input></form>\
                   <svg><a xlink:href=\"javascript:alert(1)\">s</a></svg><div class=\"page\" id=\"readability-page-1\">w</div>";
    let page = article_page("/img/a.png\" onerror=\"alert(1)").replace("<h1>", &format!("{hostile}<h1>"));
    let article = extract_article(page.as_bytes(), Some("text/html"), &url).unwrap();
    let out = localize_images(&sanitize_html(&article.html, Some(&url))).html;
    assert!(out.contains(FULL_SENTENCE), "{out}");
    let found = problems(&out);
    assert!(found.is_empty(), "{found:?}\n{out}");
}

/// `offprint-cli image` reads only a cached picture, by its key: no path, no traversal, no percent-encoding,
/// no file name (a content hash), no key of another case.
#[tokio::test]
async fn the_cli_image_command_reads_nothing_but_a_cached_picture() {
    let server = summary_site();
    let dir = common::data_dir();
    let store = open(dir.path());
    subscribe(&store, &server, FullTextMode::Auto).await;
    let key = image_key(&server.url("/img/ferry.png"));
    let file = store.lock().unwrap().image_file(&key).unwrap().expect("the picture is cached");
    drop(store);
    let hash = file.path.file_name().unwrap().to_string_lossy().into_owned();
    let db = dir.path().join(DB_FILE).display().to_string();

    let out = common::data_dir();
    let run = |arg: &str| {
        let target = out.path().join("picture");
        let _ = std::fs::remove_file(&target);
        let output = Command::new(BIN)
            .env_clear()
            .args(["--data-dir", &dir.path().display().to_string(), "image", arg, "--output"])
            .arg(&target)
            .output()
            .unwrap();
        (output.status.success(), std::fs::read(&target).ok())
    };
    let (ok, bytes) = run(&format!("{LOCAL}{key}"));
    assert!(ok && bytes.as_deref() == Some(&picture_file("ferry-dock.png")[..]), "the real key must work");

    for arg in [
        db.clone(),
        "../offprint.sqlite3".into(),
        format!("{LOCAL}../{DB_FILE}"),
        format!("{LOCAL}..%2f{DB_FILE}"),
        format!("{LOCAL}%2e%2e/%2e%2e/etc/passwd"),
        format!("{LOCAL}{key}/../../{DB_FILE}"),
        format!("{LOCAL}{key}%00"),
        format!("{LOCAL}{key}?x=1"),
        format!("http://offprint-img.localhost/{key}/.."),
        format!("file://{db}"),
        "/etc/passwd".into(),
        key.to_ascii_uppercase(),
        hash.clone(),
        format!("{}/{hash}", &hash[..2]),
        format!("images/{}/{hash}", &hash[..2]),
    ] {
        let (ok, bytes) = run(&arg);
        assert!(!ok && bytes.is_none(), "`image {arg}` must be refused");
    }
}

/// Two URLs with the same bytes share one file. Evicting the copy of a story nobody kept must not take
/// the file a bookmark shows, even with no room left at all.
#[tokio::test]
async fn evicting_a_shared_picture_never_takes_a_bookmarks_file() {
    let server = Server::start();
    let png = picture_file("harbour.jpg");
    server.route("/img/a.jpg", Route::feed(png.clone(), "image/jpeg"));
    server.route("/img/b.jpg", Route::feed(png.clone(), "image/jpeg"));
    let (a, b) = (server.url("/img/a.jpg"), server.url("/img/b.jpg"));
    let items =
        [("a", "Kept", format!("<p>a</p><img src=\"{a}\">")), ("b", "Other", format!("<p>b</p><img src=\"{b}\">"))];
    let items: Vec<(&str, &str, &str)> = items.iter().map(|(g, t, h)| (*g, *t, h.as_str())).collect();
    server.route("/feed.xml", Route::feed(rss(&server, &items), "application/rss+xml"));
    let dir = common::data_dir();
    let store = open(dir.path());
    subscribe(&store, &server, FullTextMode::Off).await;
    let mut s = store.lock().unwrap();
    let list = s.list_entries(&EntryFilter { limit: 10, ..Default::default() }).unwrap();
    let kept = list.iter().find(|e| e.title == "Kept").unwrap().id;
    s.set_bookmarked(kept, true).unwrap();
    s.touch_entry_images(kept).unwrap();

    let report = s.clean_up(&Retention { keep_read_days: 1, keep_unread_days: 1, image_budget_bytes: 0 }).unwrap();
    assert!(report.evicted_images >= 1, "{report:?}");
    assert_eq!(s.image_bytes(&image_key(&a)).unwrap().map(|(bytes, _)| bytes), Some(png));
    assert_eq!(s.get_entry(kept).unwrap().images[0].status, "cached");
}

// ---------------------------------------------------------------------------------------------------------
// Denial of service. Run in a child process (this binary, `hostile_child`), so that a stack overflow aborts
// the child and not the suite, on a 2 MiB stack like the blocking pool's threads the sync runs them on.

/// How long one hostile body may hold a sync thread.
const CPU_LIMIT: Duration = Duration::from_secs(60);

/// `depth` nested `<div>`s around a few paragraphs of text.
fn nested(depth: usize) -> String {
    let text: String =
        (0..20).map(|i| format!("<p>{FULL_SENTENCE}, paragraph {i}, and the board agreed.</p>")).collect();
    format!("{}{text}{}", "<div>".repeat(depth), "</div>".repeat(depth))
}

#[test]
#[ignore = "a child process of the denial-of-service tests; does nothing on its own"]
fn hostile_child() {
    let Ok(case) = std::env::var("OFFPRINT_HOSTILE_CHILD") else { return };
    let work = move || match case.split_once(':') {
        Some(("page", depth)) => {
            let url = Url::parse("https://news.example.org/night.html").unwrap();
            let page = format!("<!doctype html><html><body>{}</body></html>", nested(depth.parse().unwrap()));
            let _ = extract_article(page.as_bytes(), Some("text/html"), &url);
        }
        Some(("body", depth)) => {
            let base = Url::parse("https://news.example.org/").unwrap();
            let _ = localize_images(&sanitize_html(&nested(depth.parse().unwrap()), Some(&base)));
        }
        _ => panic!("unknown case {case}"),
    };
    std::thread::Builder::new().stack_size(2 << 20).spawn(work).unwrap().join().unwrap();
}

/// Ok(time taken), or what went wrong: a crash, or still running at `limit`.
fn in_child(case: &str, limit: Duration) -> Result<Duration, String> {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "hostile_child", "--ignored", "--test-threads=1"])
        .env("OFFPRINT_HOSTILE_CHILD", case)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return if status.success() {
                Ok(start.elapsed())
            } else {
                Err(format!("the process died ({status}) after {:?}", start.elapsed()))
            };
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("still working after {limit:?}"));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// An article page of about 330 KB (the cap is 8 MiB) with 30,000 nested elements (the extractor's limit
/// is 60,000): dom_smoothie overflows the stack (a release build, on the blocking pool's 2 MiB), which
/// aborts the whole app or CLI, at every sync, as the entry is never stored. Its parse is also quadratic in
/// the depth, and the element limit is checked only after it: 100,000 levels (1.1 MB) take 111 s in a
/// release build before being refused.
#[test]
fn a_deeply_nested_article_page_neither_crashes_nor_stalls_the_sync() {
    let result = in_child("page:30000", CPU_LIMIT);
    assert!(result.is_ok(), "extracting a 330 KB page: {}", result.unwrap_err());
}

/// A feed body of about 2 MB (the feed cap is 16 MiB) with 200,000 nested elements: the sanitizer's HTML
/// parse is quadratic in the depth.
#[test]
fn a_deeply_nested_feed_body_does_not_stall_the_sanitizer() {
    let result = in_child("body:200000", CPU_LIMIT);
    assert!(result.is_ok(), "sanitizing a 2 MB body: {}", result.unwrap_err());
}
