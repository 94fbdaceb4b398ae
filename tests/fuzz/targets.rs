//! What each fuzz target checks of one input. A panic is a finding: the code under test panicked, or it
//! broke one of the promises asserted here. The fuzz targets call these, and `tests/fuzzed_inputs.rs`
//! runs them over the checked-in corpus and every input a run once found to fail.

#![allow(dead_code)]

use std::collections::HashSet;

use offprint::localize::{clean_body, clean_stored_again};
use offprint::parse::{MAX_ENTRIES, parse_feed};
use offprint::sanitize::sanitize_html;
use url::Url;

use crate::checker::{Pictures, canonical, disallowed_in, tree_problems};

const FEED_URL: &str = "https://feeds.example.org/news.xml";
const POST_URL: &str = "https://news.example.org/2026/11/story.html";
/// A title is cut to 1000 characters, plus the ellipsis that says so.
const MAX_TITLE_CHARS: usize = 1001;

/// Any bytes as a feed: either a feed or a classified refusal. A feed keeps at most [`MAX_ENTRIES`]
/// entries with distinct keys and bounded titles, and every body cleans into markup that runs nothing.
pub fn feed(data: &[u8]) {
    let url = Url::parse(FEED_URL).unwrap();
    let feed = match parse_feed(data, None, &url) {
        Ok(feed) => feed,
        Err(e) => {
            assert!(matches!(e.code().as_str(), "not_a_feed" | "parse"), "unclassified refusal: {e:?}");
            return;
        }
    };
    assert!(feed.entries.len() <= MAX_ENTRIES, "{} entries kept", feed.entries.len());
    assert!(feed.title.chars().count() <= MAX_TITLE_CHARS, "a feed title of {} characters", feed.title.len());
    let mut keys = HashSet::new();
    for entry in &feed.entries {
        let meta = &entry.meta;
        assert!(keys.insert(meta.key.as_str()), "two entries share the key {}", meta.key);
        assert!(meta.title.chars().count() <= MAX_TITLE_CHARS, "a title of {} characters", meta.title.len());
        assert!(matches!(meta.dir.as_str(), "ltr" | "rtl"), "direction {:?}", meta.dir);
        let body = clean_body(&entry.raw_html, entry.base.as_ref());
        let found = tree_problems(&body.html, Pictures::Local);
        assert!(found.is_empty(), "{found:?}\n in: {:?}\nout: {:?}", entry.raw_html, body.html);
    }
}

/// Any text as a post body: cleaned, it holds nothing that runs, loads or is outside the allow-list; as
/// stored (pictures localized) it loads pictures only from the cache, and its text is the stored body's;
/// and cleaning the stored body again, as a sanitizer upgrade does, gives the same tree.
pub fn sanitize(data: &[u8]) {
    let html = String::from_utf8_lossy(data);
    let base = Url::parse(POST_URL).unwrap();
    let cleaned = sanitize_html(&html, Some(&base));
    let mut found = tree_problems(&cleaned, Pictures::Remote);
    found.extend(disallowed_in(&cleaned));
    assert!(found.is_empty(), "{found:?}\n in: {html:?}\nout: {cleaned:?}");

    let once = clean_body(&html, Some(&base));
    let found = tree_problems(&once.html, Pictures::Local);
    assert!(found.is_empty(), "{found:?}\n in: {html:?}\nout: {:?}", once.html);
    // The text is taken in the pass that localizes the pictures: it has the stored body's words.
    let words = offprint::text::collapse_whitespace(&once.plain_text);
    assert_eq!(words, offprint::text::html_to_text(&once.html), "in: {html:?}");
    let twice = clean_stored_again(&once.html, &once.images);
    assert_eq!(canonical(&twice.html), canonical(&once.html), "in: {html:?}\nonce: {:?}", once.html);
}

/// Any bytes as an OPML file: either outlines or `not_opml`. What is read, written out as Offprint's
/// export and read back, gives the same feeds, none of them skipped.
pub fn opml(data: &[u8]) {
    let outlines = match offprint::opml::parse(data) {
        Ok(outlines) => outlines,
        Err(e) => {
            assert_eq!(e.code(), "not_opml", "unclassified refusal: {e:?}");
            return;
        }
    };
    let written = offprint::opml::write("Exported", &outlines.feeds);
    let again = offprint::opml::parse(written.as_bytes())
        .unwrap_or_else(|e| panic!("the export does not read back: {e}\n{written}"));
    // The export lists feeds without a folder first, so the order may differ.
    let sorted = |mut feeds: Vec<offprint::opml::OpmlFeed>| {
        feeds.sort_by(|a, b| a.url.cmp(&b.url));
        feeds
    };
    assert_eq!(sorted(again.feeds), sorted(outlines.feeds), "the export reads back different feeds:\n{written}");
    assert!(again.skipped.is_empty(), "the export reads back with skips: {:?}", again.skipped);
}
