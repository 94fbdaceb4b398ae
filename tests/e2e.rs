//! End to end: the real `offprint` window under Xvfb, driven over WebDriver (tauri-driver and
//! WebKitWebDriver), on a cache synced from a real HTTP server on 127.0.0.1.
//!
//! Ignored by a plain `cargo test` because it needs Xvfb, webkit2gtk-driver and tauri-driver;
//! `make test` installs them and runs it with `--include-ignored`.

mod common;
#[path = "e2e/webdriver.rs"]
mod webdriver;

use std::path::Path;
use std::process::Command;

use common::{Route, Server, offline_site};
use serde_json::json;
use webdriver::Desktop;

const APP: &str = env!("CARGO_BIN_EXE_offprint");
const CLI: &str = env!("CARGO_BIN_EXE_offprint-cli");
const STORY: &str = "A&M students acquitted after a two-day trial";

/// A data directory subscribed to `fixtures`, served by `server`.
fn cache_with(server: &Server, dir: &Path, fixtures: &[&str]) {
    for fixture in fixtures {
        server.route(&format!("/{fixture}"), Route::fixture(fixture));
        let out = Command::new(CLI)
            .arg("--data-dir")
            .arg(dir)
            .args(["add", &server.url(&format!("/{fixture}"))])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
}

fn launch(dir: &Path) -> Desktop {
    let desktop = Desktop::launch(Path::new(APP), &["--data-dir".into(), dir.display().to_string()]);
    // Record anything a post might try to pop up, instead of letting it block the session.
    desktop.execute(
        "window.__popups = []; for (const f of ['alert', 'confirm', 'prompt']) \
         window[f] = (m) => { window.__popups.push(f + ':' + m); };",
        json!([]),
    );
    desktop
}

/// Clicks the list row whose title is `title` and waits for the reader to show it.
fn open_story(desktop: &Desktop, title: &str) {
    let row = desktop.wait_for_script(
        &format!("a row titled {title:?}"),
        &format!(
            "return [...document.querySelectorAll('#list-canvas [data-id]')]
                 .find(r => r.querySelector('.entry-title').textContent === {title:?}) || null;"
        ),
    );
    desktop.click(&row);
    desktop.wait_until(
        "the story in the reader",
        &format!("return document.getElementById('article-title').textContent === {title:?};"),
    );
}

#[test]
#[ignore = "needs Xvfb, webkit2gtk-driver and tauri-driver: `make test` runs it"]
fn a_bookmark_made_in_the_window_survives_a_restart_and_links_never_navigate_it() {
    let server = Server::start();
    let dir = common::data_dir();
    cache_with(&server, dir.path(), &["rss2_content_encoded.xml", "rss_persian_rtl.xml"]);

    let mut desktop = launch(dir.path());
    let start_url = desktop.url();
    assert!(start_url.starts_with("tauri://localhost"), "{start_url}");
    open_story(&desktop, STORY);
    desktop.click_css("#toggle-bookmark-button");
    desktop.wait_until(
        "the bookmark button to be pressed",
        "return document.getElementById('toggle-bookmark-button').getAttribute('aria-pressed') === 'true';",
    );
    std::fs::create_dir_all(webdriver::output_dir()).unwrap();
    desktop.screenshot(&webdriver::output_dir().join("reader.png"));

    // A link inside the post goes to the system browser, never into the window.
    let link = desktop.wait_for("#article-body a[href]");
    desktop.click(&link);
    assert_eq!(desktop.url(), start_url, "clicking a link in a post navigated the window");
    let title = desktop.execute("return document.getElementById('article-title').textContent;", json!([]));
    assert_eq!(title, json!(STORY));
    desktop.quit();
    drop(desktop);

    // A new window on the same cache still has the bookmark.
    let desktop = launch(dir.path());
    desktop.click_css("[data-action='view'][data-view='bookmarks']");
    desktop.wait_until(
        "the Bookmarks view to list exactly the bookmarked story",
        &format!(
            "const rows = [...document.querySelectorAll('#list-canvas [data-id]')];
             return document.getElementById('view-title').textContent === 'Bookmarks' && rows.length === 1
                 && rows[0].querySelector('.entry-title').textContent === {STORY:?};"
        ),
    );
    open_story(&desktop, STORY);
    let pressed = desktop
        .execute("return document.getElementById('toggle-bookmark-button').getAttribute('aria-pressed');", json!([]));
    assert_eq!(pressed, json!("true"));
}

#[test]
#[ignore = "needs Xvfb, webkit2gtk-driver and tauri-driver: `make test` runs it"]
fn a_hostile_post_runs_no_script_in_the_window() {
    let server = Server::start();
    let dir = common::data_dir();
    cache_with(&server, dir.path(), &["rss_hostile.xml"]);

    let desktop = launch(dir.path());
    let start_url = desktop.url();
    open_story(&desktop, "Innocent title");
    // Give event handlers (onerror on a broken image, say) every chance to fire.
    desktop.execute_async("const done = arguments[arguments.length - 1]; setTimeout(done, 1000);", json!([]));
    let report = desktop.execute(
        "const body = document.getElementById('article-body');
         const handlers = [...body.querySelectorAll('*')]
             .flatMap(el => [...el.attributes].map(a => a.name))
             .filter(name => name.startsWith('on'));
         return {
             popups: window.__popups,
             // The placeholders' picture glyph is the window's own SVG, not the post's.
             scripts: [...body.querySelectorAll('script, iframe, object, embed, form, svg')]
                 .filter(el => !el.closest('.picture-missing')).length,
             handlers,
             text: body.textContent,
             sourceTitle: document.getElementById('article-source').textContent,
         };",
        json!([]),
    );
    assert_eq!(report["popups"], json!([]), "a post ran script: {report}");
    assert_eq!(report["scripts"], json!(0), "{report}");
    assert_eq!(report["handlers"], json!([]), "{report}");
    assert!(report["text"].as_str().unwrap().contains("Hello"), "{report}");
    assert_eq!(desktop.url(), start_url);
    desktop.screenshot(&webdriver::output_dir().join("hostile.png"));

    // The themes' colours work in WebKitGTK, not only in Chromium (they rely on CSS light-dark()).
    let colours = desktop.execute(
        "const pane = document.getElementById('reader-pane');
         const paint = (theme) => {
             document.documentElement.dataset.theme = theme;
             return getComputedStyle(pane).backgroundColor;
         };
         return [paint('light'), paint('dark')];",
        json!([]),
    );
    assert_eq!(colours, json!(["rgb(255, 255, 255)", "rgb(25, 25, 27)"]));
}

#[test]
#[ignore = "needs Xvfb, webkit2gtk-driver and tauri-driver: `make test` runs it"]
fn stories_read_whole_from_the_cache_with_the_server_gone() {
    let server = offline_site::site();
    let dir = common::data_dir();
    let out = Command::new(CLI)
        .arg("--data-dir")
        .arg(dir.path())
        .args(["add", &server.url("/summary.xml")])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    drop(server);

    let desktop = launch(dir.path());
    let stories = [
        ("Bridge contract hearing adjourned as defence lawyer falls ill", 4),
        ("Редакция переехала в бывшую типографию", 1),
        ("جشنواره رود با فانوس‌های کاغذی آغاز شد", 1),
    ];
    for (title, at_least) in stories {
        open_story(&desktop, title);
        // Every picture has either loaded from the cache or been swapped for its placeholder.
        desktop.wait_until(
            "every picture to load or give way to its placeholder",
            "return [...document.querySelectorAll('#article-body img')].every(i => i.complete);",
        );
        let pictures = desktop.execute(
            "const body = document.getElementById('article-body');
             return {
                 shown: [...body.querySelectorAll('img')].map(i => ({src: i.src, width: i.naturalWidth})),
                 missing: [...body.querySelectorAll('.picture-missing')].map(p => p.textContent.trim()),
             };",
            json!([]),
        );
        let shown = pictures["shown"].as_array().unwrap();
        assert!(shown.len() >= at_least, "{title}: {pictures}");
        for picture in shown {
            assert!(picture["src"].as_str().unwrap().starts_with("offprint-img://localhost/"), "{picture}");
            assert_ne!(picture["width"], json!(0), "{title}: a picture did not render: {picture}");
        }
        if title.starts_with("Bridge") {
            let missing = pictures["missing"].to_string();
            assert!(missing.contains("The planned route of the harbour bridge"), "the broken picture: {missing}");
            assert!(missing.contains("Seal of the district court"), "the SVG is never shown: {missing}");
            std::fs::create_dir_all(webdriver::output_dir()).unwrap();
            for (shot, target) in [("offline.png", "#article-body img"), ("offline-missing.png", ".picture-missing")] {
                // Scroll the reader (not the window) to it, and let WebKit paint before the shot.
                desktop.execute_async(
                    "const done = arguments[arguments.length - 1];
                     document.querySelector(arguments[0]).scrollIntoView({block: 'center'});
                     window.scrollTo(0, 0);
                     requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 100)));",
                    json!([target]),
                );
                desktop.screenshot(&webdriver::output_dir().join(shot));
            }
        }
    }

    // Nothing the window loaded came from the network: only the app, its IPC and the picture cache.
    let loaded = desktop.execute(
        "return performance.getEntriesByType('resource').map(e => e.name)
             .filter(n => !/^(tauri:|ipc:|offprint-img:|http:\\/\\/ipc\\.localhost)/.test(n));",
        json!([]),
    );
    assert_eq!(loaded, json!([]), "the window made network requests");
}

#[test]
#[ignore = "needs Xvfb, webkit2gtk-driver and tauri-driver: `make test` runs it"]
fn sources_imported_while_the_window_was_closed_arrive_by_themselves() {
    let server = Server::start();
    server.route("/court.xml", Route::fixture("rss2_content_encoded.xml"));
    let dir = common::data_dir();
    let opml = format!(
        "<opml version=\"2.0\"><body><outline text=\"Courts\">\
         <outline text=\"Court reports\" xmlUrl=\"{}\"/></outline></body></opml>",
        server.url("/court.xml")
    );
    let file = dir.path().join("subscriptions.opml");
    std::fs::write(&file, opml).unwrap();
    let out = Command::new(CLI).arg("--data-dir").arg(dir.path()).arg("import").arg(&file).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(server.hits("/court.xml"), 0, "an import fetches nothing");

    // Nobody presses Refresh: the background refresh finds the source due and brings its stories.
    let desktop = launch(dir.path());
    open_story(&desktop, STORY);
    assert_eq!(server.hits("/court.xml"), 1);
}
