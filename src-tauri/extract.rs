//! Full text for summary-only feeds: which entries need their article page, and the page's main
//! content, found by a readability-style extractor. The result is untrusted HTML like any feed body and
//! goes through the same sanitizer.

use url::Url;

use crate::error::{Error, Result};
use crate::parse::charset::decode_html;
use crate::sanitize::{ALLOWED_CLASSES, nests_too_deep, prepare_page};
use crate::text::count_words;

/// A feed body with fewer words than this is taken for a summary when the source's mode is `auto`.
///
/// The cache keeps each story's words counted up to this (`entry_contents.feed_words`): raising it needs
/// a migration that counts them again, from `content_html`, or stories stored before look like summaries.
pub const SUMMARY_WORDS: usize = 150;

/// In `auto` mode the page's text must be at least this much longer than the feed's to replace it (a
/// page that gives the same short item and its comments is no better). In `always` mode it must only
/// not be shorter.
const LONGER_BY: f64 = 1.3;

/// Largest page the extractor will read, in elements; a bigger one is refused rather than parsed slowly.
const MAX_ELEMENTS: usize = 60_000;

/// A source's setting: when to take an entry's full text from its article page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FullTextMode {
    Off,
    /// Only when the feed gives a summary.
    #[default]
    Auto,
    Always,
}

impl FullTextMode {
    pub const NAMES: [&str; 3] = ["off", "auto", "always"];

    pub fn parse(value: &str) -> Result<FullTextMode> {
        match value.trim() {
            "off" => Ok(FullTextMode::Off),
            "auto" => Ok(FullTextMode::Auto),
            "always" => Ok(FullTextMode::Always),
            other => Err(Error::InvalidArgument(format!(
                "full text cannot be {other:?}; it is one of: {}",
                FullTextMode::NAMES.join(", ")
            ))),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            FullTextMode::Off => "off",
            FullTextMode::Auto => "auto",
            FullTextMode::Always => "always",
        }
    }

    /// Whether an entry whose feed text has `words()` words should get its article page; the words are
    /// counted only when the mode asks.
    pub fn wants(self, words: impl FnOnce() -> usize) -> bool {
        match self {
            FullTextMode::Off => false,
            FullTextMode::Always => true,
            FullTextMode::Auto => words() < SUMMARY_WORDS,
        }
    }
}

/// Whether the page's text is worth showing instead of the feed's.
pub fn is_fuller(page_text: &str, feed_text: &str, mode: FullTextMode) -> bool {
    let (page, feed) = (word_count(page_text), word_count(feed_text));
    let factor = if mode == FullTextMode::Always { 1.0 } else { LONGER_BY };
    page > 0 && page as f64 >= feed as f64 * factor
}

pub fn word_count(text: &str) -> usize {
    count_words(text, usize::MAX)
}

/// The words of `text` counted up to [`SUMMARY_WORDS`], all [`FullTextMode::wants`] needs: a whole
/// story is not counted to its end.
pub fn summary_words(text: &str) -> usize {
    count_words(text, SUMMARY_WORDS)
}

/// An article page's main content, as (still untrusted) HTML.
#[derive(Debug, Clone)]
pub struct Article {
    pub html: String,
    /// The language the page declares, if any.
    pub lang: Option<String>,
}

/// Finds the main content of the page `body`, fetched from `page_url`.
pub fn extract_article(body: &[u8], content_type: Option<&str>, page_url: &Url) -> Result<Article> {
    let not_an_article = |why: &str| Error::NotAnArticle { url: page_url.to_string(), detail: why.to_owned() };
    if let Some(kind) = content_type.map(|t| t.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
        && !kind.is_empty()
        && kind != "text/html"
        && kind != "application/xhtml+xml"
    {
        return Err(not_an_article(&format!("the page is {kind}, not HTML")));
    }
    let html = decode_html(body, content_type);
    if nests_too_deep(&html) {
        return Err(not_an_article("the page nests its markup too deeply to be read safely"));
    }
    // Readability drops `<noscript>` and iframes: first bring their pictures and players out as the
    // reader will see them, and keep the cards' classes through its cleaning.
    let html = prepare_page(&html, Some(page_url));
    let config = dom_smoothie::Config {
        max_elements_to_parse: MAX_ELEMENTS,
        classes_to_preserve: ALLOWED_CLASSES
            .iter()
            .flat_map(|(_, classes)| classes.iter().map(|c| c.to_string()))
            .collect(),
        ..Default::default()
    };
    let mut readability = dom_smoothie::Readability::new(html.as_ref(), Some(page_url.as_str()), Some(config))
        .map_err(|e| not_an_article(&e.to_string()))?;
    let article = readability.parse().map_err(|e| not_an_article(&e.to_string()))?;
    if article.text_content.trim().is_empty() {
        return Err(not_an_article("no article text found on the page"));
    }
    Ok(Article { html: article.content.to_string(), lang: article.lang.filter(|l| !l.trim().is_empty()) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(article: &str) -> String {
        format!(
            "<!doctype html><html><head><title>Hearing</title></head><body>\
             <nav><a href=\"/\">Home</a> <a href=\"/world\">World</a> <a href=\"/sport\">Sport</a></nav>\
             <main><article><h1>The hearing</h1>{article}</article></main>\
             <aside><h2>Most read</h2><ul><li><a href=\"/a\">Another story</a></li></ul></aside>\
             <footer>Copyright notice and contact details for the newsroom.</footer></body></html>"
        )
    }

    fn paragraphs(n: usize) -> String {
        (0..n)
            .map(|i| {
                format!(
                    "<p>Paragraph {i}: the court heard the defence ask for more time, and the judge, after a \
                     pause that filled the small room, agreed to adjourn until the river festival was over.</p>"
                )
            })
            .collect()
    }

    #[test]
    fn takes_the_article_and_leaves_the_page_chrome() {
        let url = Url::parse("https://news.example/2026/hearing").unwrap();
        let article = extract_article(page(&paragraphs(8)).as_bytes(), Some("text/html"), &url).unwrap();
        assert!(article.html.contains("Paragraph 7: the court heard"), "{}", article.html);
        assert!(!article.html.contains("Copyright notice"), "{}", article.html);
        assert!(!article.html.contains("Most read"), "{}", article.html);
    }

    #[test]
    fn a_page_nested_to_the_limit_is_read_on_a_small_stack_and_deeper_is_refused() {
        let url = Url::parse("https://news.example/deep").unwrap();
        let deep = |n: usize| page(&format!("{}{}{}", "<div>".repeat(n), paragraphs(8), "</div>".repeat(n)));
        let at_limit = deep(crate::sanitize::MAX_DEPTH - 20);
        // The cleaning threads, which extract articles, have 2 MiB of stack.
        let read = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || extract_article(at_limit.as_bytes(), Some("text/html"), &url).map(|a| a.html))
            .unwrap()
            .join()
            .expect("the extractor overflowed its stack");
        assert!(read.unwrap().contains("Paragraph 7"));
        let url = Url::parse("https://news.example/deeper").unwrap();
        let err = extract_article(deep(30_000).as_bytes(), Some("text/html"), &url).unwrap_err();
        assert_eq!(err.code(), "not_an_article");
    }

    #[test]
    fn refuses_what_is_not_a_page() {
        let url = Url::parse("https://news.example/report.pdf").unwrap();
        let err = extract_article(b"%PDF-1.7", Some("application/pdf"), &url).unwrap_err();
        assert_eq!(err.code(), "not_an_article");
        let err = extract_article(b"<html><body></body></html>", Some("text/html"), &url).unwrap_err();
        assert_eq!(err.code(), "not_an_article");
    }

    #[test]
    fn auto_mode_wants_only_summaries() {
        let summary = "The court adjourned the hearing until March.";
        let long = "word ".repeat(SUMMARY_WORDS);
        let short_by_one = "word ".repeat(SUMMARY_WORDS - 1);
        assert!(FullTextMode::Auto.wants(|| summary_words(summary)));
        assert!(FullTextMode::Auto.wants(|| summary_words("")));
        assert!(FullTextMode::Auto.wants(|| summary_words(&short_by_one)));
        assert!(!FullTextMode::Auto.wants(|| summary_words(&long)));
        assert!(!FullTextMode::Auto.wants(|| summary_words(&long.repeat(20))));
        assert!(FullTextMode::Always.wants(|| summary_words(&long)));
        assert!(!FullTextMode::Off.wants(|| summary_words(summary)));
    }

    #[test]
    fn a_page_no_longer_than_the_feed_is_not_fuller() {
        let summary = "a short summary of the story";
        assert!(is_fuller(&"word ".repeat(200), summary, FullTextMode::Auto));
        assert!(!is_fuller(summary, summary, FullTextMode::Auto));
        assert!(is_fuller(summary, summary, FullTextMode::Always));
        assert!(!is_fuller("", "", FullTextMode::Always));
    }

    #[test]
    fn modes_read_and_print_the_same_words() {
        for name in FullTextMode::NAMES {
            assert_eq!(FullTextMode::parse(name).unwrap().as_str(), name);
        }
        let err = FullTextMode::parse("sometimes").unwrap_err();
        assert!(err.to_string().contains("off, auto, always"), "{err}");
    }
}
