//! Embed cards completed at sync: a player's card that lacks its thumbnail or title asks the provider's
//! oEmbed endpoint for them, so the card reads whole offline. The thumbnail becomes one more picture of
//! the entry, fetched and served like the others; the title is plain text.
//!
//! Runs on stored (sanitized, localized) HTML and only adds to a card what it builds itself: an `<img>`
//! pointing at the cache and an escaped `<span>`.

use std::cell::RefCell;
use std::collections::HashMap;

use lol_html::html_content::ContentType;
use lol_html::{RewriteStrSettings, element, rewrite_str};
use serde::Deserialize;
use url::Url;

use crate::localize::local_url;

/// Providers with a public oEmbed endpoint, by the host of the card's link.
const ENDPOINTS: &[(&str, &str)] = &[
    ("youtube.com", "https://www.youtube.com/oembed"),
    ("vimeo.com", "https://vimeo.com/api/oembed.json"),
    ("soundcloud.com", "https://soundcloud.com/oembed"),
];

/// A card that lacks something its provider can tell.
#[derive(Debug, Clone, PartialEq)]
pub struct Incomplete {
    /// The card's link, the original the provider knows.
    pub href: String,
    /// The endpoint to ask, with the link in its query.
    pub endpoint: Url,
}

/// What a provider says about an embedded item.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Details {
    pub title: Option<String>,
    pub thumbnail_url: Option<String>,
}

impl Details {
    /// Reads an oEmbed answer; anything else is no details.
    pub fn parse(body: &[u8]) -> Option<Details> {
        let mut details: Details = serde_json::from_slice(body).ok()?;
        details.title = details.title.map(|t| crate::text::collapse_whitespace(&t)).filter(|t| !t.is_empty());
        details.thumbnail_url =
            details.thumbnail_url.and_then(|u| Url::parse(u.trim()).ok()).filter(is_web).map(String::from);
        Some(details)
    }
}

fn is_web(url: &Url) -> bool {
    matches!(url.scheme(), "http" | "https") && url.host_str().is_some()
}

#[derive(Default)]
struct Card {
    href: String,
    thumb: bool,
    title: bool,
}

/// The cards in `html` that lack a thumbnail or a title and whose provider has an endpoint.
pub fn incomplete_cards(html: &str) -> Vec<Incomplete> {
    if !html.contains("op-embed") {
        return Vec::new();
    }
    let cards = scan(html);
    cards
        .into_iter()
        .filter(|card| !(card.thumb && card.title))
        .filter_map(|card| {
            let link = Url::parse(&card.href).ok().filter(is_web)?;
            let host = link.host_str()?.trim_start_matches("www.").to_owned();
            let (_, endpoint) =
                ENDPOINTS.iter().find(|(domain, _)| host == *domain || host.ends_with(&format!(".{domain}")))?;
            let mut endpoint = Url::parse(endpoint).ok()?;
            endpoint.query_pairs_mut().append_pair("format", "json").append_pair("url", link.as_str());
            Some(Incomplete { href: card.href, endpoint })
        })
        .collect()
}

fn scan(html: &str) -> Vec<Card> {
    let cards: RefCell<Vec<Card>> = RefCell::default();
    let _ = rewrite_str(
        html,
        RewriteStrSettings::new()
            .with_strict(false)
            .append_element_content_handler(element!("a.op-embed[href]", |el| {
                let href = el.get_attribute("href").map(|h| htmlize::unescape_attribute(&h).into_owned());
                cards.borrow_mut().push(Card { href: href.unwrap_or_default(), ..Card::default() });
                Ok(())
            }))
            .append_element_content_handler(element!("a.op-embed img.op-embed-thumb", |_| {
                if let Some(card) = cards.borrow_mut().last_mut() {
                    card.thumb = true;
                }
                Ok(())
            }))
            .append_element_content_handler(element!("a.op-embed span.op-embed-title", |_| {
                if let Some(card) = cards.borrow_mut().last_mut() {
                    card.title = true;
                }
                Ok(())
            })),
    );
    cards.into_inner()
}

/// Adds to each card of `html` what `found` says of its link and it lacks: the thumbnail (as a local
/// picture) and the title. Returns the new HTML and the thumbnails' remote URLs, to fetch.
pub fn complete_cards(html: &str, found: &HashMap<String, Details>) -> (String, Vec<String>) {
    let cards = scan(html);
    let next = RefCell::new(0usize);
    let thumbnails: RefCell<Vec<String>> = RefCell::default();
    let rewritten = rewrite_str(
        html,
        RewriteStrSettings::new().with_strict(false).append_element_content_handler(element!(
            "a.op-embed[href]",
            |el| {
                let index = {
                    let mut next = next.borrow_mut();
                    *next += 1;
                    *next - 1
                };
                let Some(card) = cards.get(index) else { return Ok(()) };
                let Some(details) = found.get(&card.href) else { return Ok(()) };
                if let Some(thumb) = details.thumbnail_url.as_ref().filter(|_| !card.thumb) {
                    el.prepend(
                        &format!(r#"<img class="op-embed-thumb" src="{}" alt="">"#, local_url(thumb)),
                        ContentType::Html,
                    );
                    thumbnails.borrow_mut().push(thumb.clone());
                }
                if let Some(title) = details.title.as_ref().filter(|_| !card.title) {
                    let span = format!(r#"<span class="op-embed-title">{}</span>"#, htmlize::escape_text(title));
                    el.append(&span, ContentType::Html);
                }
                Ok(())
            }
        )),
    );
    match rewritten {
        Ok(html) => (html, thumbnails.into_inner()),
        Err(_) => (html.to_owned(), Vec::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VIMEO: &str = r#"<p>Watch:</p><a class="op-embed" href="https://vimeo.com/76979871" rel="noopener noreferrer"><span class="op-embed-provider">Vimeo</span></a>"#;

    #[test]
    fn finds_the_cards_a_provider_can_complete() {
        let html = format!(
            "{VIMEO}<a class=\"op-embed\" href=\"https://www.youtube.com/watch?v=abc&amp;t=1\"><img class=\"op-embed-thumb\" \
             src=\"offprint-img://localhost/0123456789abcdef0123456789abcdef\" alt=\"\"><span class=\"op-embed-provider\">YouTube</span>\
             <span class=\"op-embed-title\">Known</span></a>\
             <a class=\"op-embed\" href=\"https://video.example.org/v/1\"><span class=\"op-embed-provider\">video.example.org</span></a>"
        );
        let found = incomplete_cards(&html);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].href, "https://vimeo.com/76979871");
        assert_eq!(
            found[0].endpoint.as_str(),
            "https://vimeo.com/api/oembed.json?format=json&url=https%3A%2F%2Fvimeo.com%2F76979871"
        );
    }

    #[test]
    fn adds_the_thumbnail_as_a_local_picture_and_the_title_as_text() {
        let details = Details::parse(
            br#"{"type":"video","title":"Night <b>ferry</b> & the \"tide\"","thumbnail_url":"https://i.vimeocdn.com/video/1.jpg"}"#,
        )
        .unwrap();
        let found = HashMap::from([("https://vimeo.com/76979871".to_owned(), details)]);
        let (html, thumbnails) = complete_cards(VIMEO, &found);
        assert_eq!(thumbnails, ["https://i.vimeocdn.com/video/1.jpg"]);
        let local = local_url("https://i.vimeocdn.com/video/1.jpg");
        assert_eq!(
            html,
            format!(
                r#"<p>Watch:</p><a class="op-embed" href="https://vimeo.com/76979871" rel="noopener noreferrer"><img class="op-embed-thumb" src="{local}" alt=""><span class="op-embed-provider">Vimeo</span><span class="op-embed-title">Night &lt;b&gt;ferry&lt;/b&gt; &amp; the "tide"</span></a>"#
            )
        );
    }

    #[test]
    fn refuses_thumbnails_that_are_not_web_addresses_and_answers_that_are_not_json() {
        let details = Details::parse(br#"{"thumbnail_url":"javascript:alert(1)","title":"  "}"#).unwrap();
        assert_eq!(details, Details::default());
        assert_eq!(Details::parse(b"<html>not json</html>"), None);
        let found = HashMap::from([("https://vimeo.com/76979871".to_owned(), details)]);
        assert_eq!(complete_cards(VIMEO, &found), (VIMEO.to_owned(), Vec::new()));
    }
}
