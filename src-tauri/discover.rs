//! Finding the feeds a web page offers, so a reader can subscribe with the address of a site or an
//! article: the page's `<link rel="alternate">` feeds first, else the paths sites usually put them at.

use std::cell::RefCell;

use lol_html::{RewriteStrSettings, element, rewrite_str};
use serde::Serialize;
use url::Url;

use crate::parse::charset::decode_html;

/// Media types a `<link rel="alternate">` announces a feed with.
const FEED_TYPES: &[&str] = &[
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
];

/// Where sites usually keep their feed, tried in order when a page announces none.
pub const USUAL_PATHS: &[&str] =
    &["/feed", "/rss", "/feed.xml", "/rss.xml", "/atom.xml", "/index.xml", "/feed.json", "/feed/", "/rss/"];

/// A feed a page offers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeedLink {
    pub url: String,
    /// What the page calls it, if anything.
    pub title: Option<String>,
}

/// Whether a body that is not a feed is a web page worth looking into.
pub fn is_web_page(body: &[u8], content_type: Option<&str>) -> bool {
    let declared = content_type.map(|t| t.split(';').next().unwrap_or("").trim().to_ascii_lowercase());
    if declared.as_deref().is_some_and(|t| t == "text/html" || t == "application/xhtml+xml") {
        return true;
    }
    let head = String::from_utf8_lossy(&body[..body.len().min(1024)]).to_ascii_lowercase();
    head.contains("<html") || head.contains("<!doctype html")
}

/// The feeds `body` (a page fetched from `page_url`) announces, in the page's order, each once, with
/// relative addresses resolved against the page (or its `<base href>`). Only http(s) feeds.
pub fn feed_links(body: &[u8], content_type: Option<&str>, page_url: &Url) -> Vec<FeedLink> {
    let html = decode_html(body, content_type);
    let base = RefCell::new(page_url.clone());
    let found: RefCell<Vec<FeedLink>> = RefCell::default();
    let _ = rewrite_str(
        &html,
        RewriteStrSettings::new()
            .with_strict(false)
            .append_element_content_handler(element!("base[href]", |el| {
                let href = el.get_attribute("href").map(|h| htmlize::unescape_attribute(&h).into_owned());
                if let Some(url) = href.and_then(|h| page_url.join(h.trim()).ok()) {
                    *base.borrow_mut() = url;
                }
                Ok(())
            }))
            .append_element_content_handler(element!("link[href][type]", |el| {
                let attribute =
                    |name: &str| el.get_attribute(name).map(|v| htmlize::unescape_attribute(&v).into_owned());
                let rel = attribute("rel").unwrap_or_default().to_ascii_lowercase();
                let kind = attribute("type").unwrap_or_default().to_ascii_lowercase();
                if !rel.split_ascii_whitespace().any(|r| r == "alternate")
                    || !FEED_TYPES.contains(&kind.split(';').next().unwrap_or("").trim())
                {
                    return Ok(());
                }
                let url = attribute("href").and_then(|href| base.borrow().join(href.trim()).ok());
                let Some(mut url) = url.filter(|u| matches!(u.scheme(), "http" | "https")) else { return Ok(()) };
                url.set_fragment(None);
                let title = attribute("title").map(|t| crate::text::collapse_whitespace(&t)).filter(|t| !t.is_empty());
                let mut found = found.borrow_mut();
                if !found.iter().any(|f| f.url == url.as_str()) {
                    found.push(FeedLink { url: url.into(), title });
                }
                Ok(())
            })),
    );
    found.into_inner()
}

/// The usual feed addresses of the site `page_url` is on.
pub fn usual_feeds(page_url: &Url) -> Vec<Url> {
    USUAL_PATHS.iter().filter_map(|path| page_url.join(path).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> Url {
        Url::parse("https://news.example.org/2026/11/story.html").unwrap()
    }

    #[test]
    fn finds_announced_feeds_in_order_with_relative_addresses_resolved() {
        let html = r#"<html><head>
            <link rel="stylesheet" href="/site.css" type="text/css">
            <link rel="alternate" type="application/rss+xml" title="All  stories" href="/feed.xml">
            <link rel="Alternate" type="application/atom+xml" title="Court watch" href="../courts/atom.xml#top">
            <link rel="alternate" type="application/feed+json" href="https://news.example.org/feed.json">
            <link rel="alternate" type="application/rss+xml" href="/feed.xml">
            <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
            <link rel="alternate" hreflang="ru" href="/ru/" type="text/html">
        </head><body></body></html>"#;
        let links = feed_links(html.as_bytes(), Some("text/html"), &page());
        let urls: Vec<&str> = links.iter().map(|l| l.url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "https://news.example.org/feed.xml",
                "https://news.example.org/2026/courts/atom.xml",
                "https://news.example.org/feed.json"
            ]
        );
        assert_eq!(links[0].title.as_deref(), Some("All stories"));
        assert_eq!(links[2].title, None);
    }

    #[test]
    fn a_base_element_moves_relative_feed_addresses() {
        let html = r#"<head><base href="https://cdn.example.org/site/"><link rel="alternate" type="application/rss+xml" href="rss"></head>"#;
        let links = feed_links(html.as_bytes(), None, &page());
        assert_eq!(links[0].url, "https://cdn.example.org/site/rss");
    }

    #[test]
    fn tells_a_web_page_from_other_bodies() {
        assert!(is_web_page(b"<p>hi</p>", Some("text/html; charset=utf-8")));
        assert!(is_web_page(b"  <!DOCTYPE html><html>", None));
        assert!(!is_web_page(b"{\"a\": 1}", Some("application/json")));
        assert!(!is_web_page(b"", None));
    }

    #[test]
    fn usual_addresses_are_on_the_site_root() {
        let urls = usual_feeds(&page());
        assert_eq!(urls[0].as_str(), "https://news.example.org/feed");
        assert!(urls.iter().all(|u| u.host_str() == Some("news.example.org")));
    }
}
