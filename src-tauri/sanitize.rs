//! Makes post HTML safe to render: an explicit allow-list, absolute http(s) URLs, no tracking pixels.
//!
//! Post HTML is hostile. It is cleaned here, once, as the last step before it is stored; the UI renders
//! what this module returns as its single HTML sink. The work happens in two passes:
//!
//! 1. a rewrite that is not about safety but about reading offline, in a window that runs no script:
//!    - tracking pixels go;
//!    - lazy-loaded pictures get back the real URL a script would have moved out of a `data-` attribute;
//!    - a `<noscript>` holding a picture (the copy for readers without script) gives up its markup, cleaned
//!      on its own, and the lazy stand-in written just before it goes; any other `<noscript>` goes whole;
//!    - players (`iframe`, `embed`, `object`, `video`, `audio`) become embed cards (see [`embed`]), links
//!      that work offline, or go when they have no http(s) address;
//! 2. ammonia with our own allow-list, which is the security boundary. Every URL attribute (including
//!    each `srcset` candidate) is resolved against the entry's base and must come out as http(s), or
//!    `mailto:` on links, or a small inline raster image; and none may still spell a script scheme. The
//!    only classes kept are the embed cards' own.
//!
//! `tests/sanitize_hostile.rs` parses the output again the way `innerHTML` does and checks it, with a
//! policy of its own, against a table of hostile inputs and against random markup.
//!
//! Bump [`SANITIZER_VERSION`] whenever the policy changes so stored content can be cleaned again.

mod embed;

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use lol_html::errors::{AttributeNameError, RewritingError};
use lol_html::html_content::{ContentType, Element};
use lol_html::{RewriteStrSettings, doc_text, element, rewrite_str, text};
use url::Url;

use crate::text::collapse_whitespace;
use embed::{Card, Media, MediaKind};

/// Version of the policy below, stored beside every sanitized body.
pub const SANITIZER_VERSION: i64 = 3;

/// Largest inline `data:` image kept, in bytes of URL; bigger ones are dropped.
const MAX_DATA_IMAGE_URL: usize = 64 * 1024;

/// Start tags the rewrite pass acts on; a post with none of them skips it. The HTML parser turns
/// `<image>` into `<img>`, so it counts too.
const REWRITTEN_TAGS: &[&str] =
    &["<img", "<image", "<source", "<iframe", "<embed", "<object", "<video", "<audio", "<noscript"];

/// Where lazy loaders keep a picture's real URL until their script moves it to `src`, in order of
/// preference.
const LAZY_SRC: &[&str] =
    &["data-src", "data-original", "data-lazy-src", "data-lazy", "data-url", "data-hi-res-src", "data-full-src"];

/// The same for `srcset`.
const LAZY_SRCSET: &[&str] = &["data-srcset", "data-lazy-srcset"];

/// Words in the URL of a stand-in picture, shown only until the real one is loaded.
const PLACEHOLDER_HINTS: &[&str] = &["placeholder", "blank.gif", "spacer", "lazy", "grey.gif", "transparent"];

/// Marks, during the rewrite, the lazy stand-ins that a `<noscript>` picture right after may replace.
/// ammonia drops the attribute like any other `data-` attribute.
const STAND_IN: &str = "data-offprint-stand-in";

const ALLOWED_TAGS: &[&str] = &[
    "a",
    "abbr",
    "address",
    "article",
    "aside",
    "audio",
    "b",
    "bdi",
    "bdo",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "col",
    "colgroup",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "picture",
    "pre",
    "q",
    "rp",
    "rt",
    "ruby",
    "s",
    "samp",
    "section",
    "small",
    "source",
    "span",
    "strike",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "track",
    "u",
    "ul",
    "var",
    "video",
    "wbr",
];

/// Elements removed together with everything inside them.
const DROPPED_WITH_CONTENT: &[&str] = &[
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "frame",
    "frameset",
    "noframes",
    "noembed",
    "object",
    "embed",
    "applet",
    "form",
    "input",
    "button",
    "select",
    "option",
    "optgroup",
    "textarea",
    "datalist",
    "output",
    "svg",
    "math",
    "canvas",
    "head",
    "title",
    "xmp",
    "plaintext",
    "dialog",
    "portal",
];

const GENERIC_ATTRIBUTES: &[&str] = &["dir", "lang", "title"];

/// The only classes kept: the parts of an embed card, which the UI styles. No post may borrow the window's
/// other classes to dress itself up as part of the app.
const ALLOWED_CLASSES: &[(&str, &[&str])] =
    &[("a", &["op-embed"]), ("img", &["op-embed-thumb"]), ("span", &["op-embed-provider", "op-embed-title"])];

const TAG_ATTRIBUTES: &[(&str, &[&str])] = &[
    ("a", &["href", "hreflang"]),
    ("img", &["src", "srcset", "sizes", "alt", "width", "height"]),
    ("source", &["src", "srcset", "sizes", "type", "media"]),
    ("audio", &["src", "controls"]),
    ("video", &["src", "poster", "width", "height", "controls"]),
    ("track", &["src", "kind", "srclang", "label"]),
    ("time", &["datetime"]),
    ("del", &["datetime"]),
    ("ins", &["datetime"]),
    ("td", &["colspan", "rowspan"]),
    ("th", &["colspan", "rowspan", "scope"]),
    ("ol", &["start", "reversed", "type"]),
    ("li", &["value"]),
    ("col", &["span"]),
    ("colgroup", &["span"]),
    ("details", &["open"]),
];

/// Sanitizes one post body. `base` resolves relative URLs; without one, relative URLs are dropped.
pub fn sanitize_html(html: &str, base: Option<&Url>) -> String {
    let prepared = prepare(html, base);
    policy(base.cloned()).clean(&prepared).to_string()
}

/// The non-security pass: drops tracking pixels, finds lazy and `<noscript>` pictures and turns players
/// into embed cards before the allow-list runs.
fn prepare<'a>(html: &'a str, base: Option<&Url>) -> Cow<'a, str> {
    // Tag names are case-insensitive: a pixel spelled `<Img` must not slip past this shortcut.
    let lower = html.to_ascii_lowercase();
    if !REWRITTEN_TAGS.iter().any(|tag| lower.contains(tag)) {
        return Cow::Borrowed(html);
    }
    // Without strict mode or memory limits the rewrite cannot fail; if it ever did, ammonia still cleans
    // the original.
    rewrite(html, base, Scope::Post).map(Cow::Owned).unwrap_or(Cow::Borrowed(html))
}

/// What a rewrite runs on: the post, or the markup of a `<noscript>` inside it (where a nested
/// `<noscript>` is left for ammonia to drop, so the rewrite recurses once at most).
#[derive(Clone, Copy, PartialEq)]
enum Scope {
    Post,
    Noscript,
}

/// What the rewrite carries from one element to the next.
#[derive(Default)]
struct Progress {
    /// Lazy stand-ins marked so far.
    stand_ins: usize,
    /// The stand-in just written, while nothing but whitespace and end tags has followed it.
    last_stand_in: Option<usize>,
    /// Stand-ins a `<noscript>` picture right after them replaces.
    replaced: HashSet<String>,
    /// The stand-in the open `<noscript>` follows, and its text so far.
    noscript_after: Option<usize>,
    noscript: String,
    /// The open `<video>` or `<audio>` still waiting for a `<source>` to make its card.
    media: Option<Media>,
}

fn rewrite(html: &str, base: Option<&Url>, scope: Scope) -> Result<String, RewritingError> {
    let progress = RefCell::new(Progress::default());
    // In strict mode lol_html gives up on markup it cannot place without a full tree builder (a `<select>`
    // or `<frameset>` before an `<iframe>`), and a post could use that to keep its tracking pixels. Its
    // best guess is good enough here: whatever this pass gets wrong, it only removes an element or writes
    // a card, and ammonia still cleans the result.
    let mut settings = RewriteStrSettings::new().with_strict(false);
    if scope == Scope::Post {
        // lol_html, like a browser running script, reads `<noscript>` as raw text: the picture in it is
        // markup in a string, put back here once its whole text is known.
        settings = settings
            .append_element_content_handler(element!("noscript", |el| {
                let mut progress = progress.borrow_mut();
                progress.noscript_after = progress.last_stand_in.take();
                progress.noscript.clear();
                el.remove_and_keep_content();
                Ok(())
            }))
            .append_element_content_handler(text!("noscript", |chunk| {
                let mut progress = progress.borrow_mut();
                progress.noscript.push_str(chunk.as_str());
                chunk.remove();
                if chunk.last_in_text_node() {
                    let markup = std::mem::take(&mut progress.noscript);
                    if let Some(pictures) = noscript_pictures(&markup, base) {
                        chunk.replace(&pictures, ContentType::Html);
                        if let Some(stand_in) = progress.noscript_after.take() {
                            progress.replaced.insert(stand_in.to_string());
                        }
                    }
                }
                Ok(())
            }))
            // Handlers run in the order they were added: this one forgets the last stand-in at every start
            // tag before the `img` handler below marks a new one.
            .append_element_content_handler(element!("*", |_el| {
                progress.borrow_mut().last_stand_in = None;
                Ok(())
            }))
            .append_document_content_handler(doc_text!(|chunk| {
                if !chunk.as_str().trim().is_empty() {
                    progress.borrow_mut().last_stand_in = None;
                }
                Ok(())
            }));
    }
    settings = settings
        .append_element_content_handler(element!("img, image", |el| {
            if is_invisible(el) {
                el.remove();
                return Ok(());
            }
            let stand_in = promote_lazy_image(el)?;
            if scope == Scope::Post {
                // Only this pass may mark a stand-in, whatever the post wrote.
                el.remove_attribute(STAND_IN);
                if stand_in {
                    let mut progress = progress.borrow_mut();
                    el.set_attribute(STAND_IN, &progress.stand_ins.to_string())?;
                    progress.last_stand_in = Some(progress.stand_ins);
                    progress.stand_ins += 1;
                }
            }
            Ok(())
        }))
        .append_element_content_handler(element!("source", |el| {
            if !el.has_attribute("srcset") {
                promote(el, "srcset", LAZY_SRCSET)?;
            }
            Ok(())
        }))
        .append_element_content_handler(element!("video", |el| {
            if !decoded_attribute(el, "poster").is_some_and(|p| !p.trim().is_empty()) {
                promote(el, "poster", &["data-poster"])?;
            }
            Ok(())
        }))
        .append_element_content_handler(element!("iframe, embed, object", |el| {
            let address = if el.tag_name() == "object" { "data" } else { "src" };
            // Lazy players, too, wait for a script to set their address.
            let player = std::iter::once(address)
                .chain(LAZY_SRC.iter().copied())
                .find_map(|name| decoded_attribute(el, name).and_then(|v| web_url(&v, base)));
            match player.filter(|_| !is_invisible(el)) {
                Some(src) => el.replace(&Card::player(src, title_of(el)).to_html(), ContentType::Html),
                None => el.remove(),
            }
            Ok(())
        }))
        .append_element_content_handler(element!("video, audio", |el| {
            let kind = if el.tag_name() == "video" { MediaKind::Video } else { MediaKind::Audio };
            let poster = decoded_attribute(el, "poster").and_then(|p| web_url(&p, base));
            let media = Media { kind, poster, title: title_of(el) };
            let mut progress = progress.borrow_mut();
            match decoded_attribute(el, "src").and_then(|v| web_url(&v, base)) {
                Some(src) => {
                    el.replace(&media.card(src).to_html(), ContentType::Html);
                    progress.media = None;
                }
                // The file may be named by a `<source>` inside, which then takes the element's place.
                None => {
                    el.remove_and_keep_content();
                    progress.media = Some(media);
                }
            }
            Ok(())
        }))
        .append_element_content_handler(element!("video > source, audio > source", |el| {
            let src = decoded_attribute(el, "src").and_then(|v| web_url(&v, base));
            if let Some(card) = src.and_then(|src| Some(progress.borrow_mut().media.take()?.card(src))) {
                el.replace(&card.to_html(), ContentType::Html);
            }
            Ok(())
        }))
        // A player's fallback text and its other sources: the card stands for all of them.
        .append_element_content_handler(element!("video *, audio *", |el| {
            if !el.removed() {
                el.remove();
            }
            Ok(())
        }))
        .append_element_content_handler(text!("video, audio", |chunk| {
            chunk.remove();
            Ok(())
        }));
    let rewritten = rewrite_str(html, settings)?;
    let replaced = progress.into_inner().replaced;
    if replaced.is_empty() { Ok(rewritten) } else { remove_stand_ins(&rewritten, &replaced) }
}

/// The pictures in the markup of a `<noscript>`, if it holds any: rewritten and cleaned on its own, so
/// that its pixels still go and that nothing in it (an unclosed comment or quote) can swallow the rest of
/// the post once it is markup again.
fn noscript_pictures(markup: &str, base: Option<&Url>) -> Option<String> {
    let rewritten = rewrite(markup, base, Scope::Noscript).ok()?;
    let cleaned = policy(base.cloned()).clean(&rewritten).to_string();
    cleaned.contains("<img").then_some(cleaned)
}

/// The second pass, when a `<noscript>` picture took the place of the stand-ins in `replaced`.
fn remove_stand_ins(html: &str, replaced: &HashSet<String>) -> Result<String, RewritingError> {
    let selector = format!("img[{STAND_IN}], image[{STAND_IN}]");
    rewrite_str(
        html,
        RewriteStrSettings::new().with_strict(false).append_element_content_handler(element!(selector, |el| {
            if el.get_attribute(STAND_IN).is_some_and(|n| replaced.contains(&n)) {
                el.remove();
            }
            Ok(())
        })),
    )
}

/// Gives a lazy picture its real URL back. True when the picture was a stand-in (no `src`, an inline
/// placeholder or a spacer), whether or not its real URL was found.
fn promote_lazy_image(el: &mut Element<'_, '_>) -> Result<bool, AttributeNameError> {
    let stand_in = decoded_attribute(el, "src").is_none_or(|src| is_placeholder(&src));
    if stand_in {
        promote(el, "src", LAZY_SRC)?;
    }
    if !el.has_attribute("srcset") {
        promote(el, "srcset", LAZY_SRCSET)?;
    }
    Ok(stand_in)
}

/// Copies the first non-empty of `from` to `to`. The value stays as written, entities and all, which is
/// how lol_html both reads and writes it.
fn promote(el: &mut Element<'_, '_>, to: &str, from: &[&str]) -> Result<(), AttributeNameError> {
    match from.iter().find_map(|name| el.get_attribute(name).filter(|v| !v.trim().is_empty())) {
        Some(value) => el.set_attribute(to, &value),
        None => Ok(()),
    }
}

fn is_placeholder(src: &str) -> bool {
    let src = src.trim().to_ascii_lowercase();
    src.is_empty() || src.starts_with("data:") || PLACEHOLDER_HINTS.iter().any(|hint| src.contains(hint))
}

/// A picture or player no reader can see is there to report the reading back to someone.
fn is_invisible(el: &Element<'_, '_>) -> bool {
    let dim = |name: &str| decoded_attribute(el, name).and_then(|v| parse_dimension(&v));
    is_tracking_pixel(dim("width"), dim("height"))
}

/// An absolute http(s) URL for `value`, the only kind a card links to.
fn web_url(value: &str, base: Option<&Url>) -> Option<Url> {
    resolve(value, base).filter(|u| matches!(u.scheme(), "http" | "https"))
}

/// A card's title: the player's `title`, else its `aria-label`.
fn title_of(el: &Element<'_, '_>) -> Option<String> {
    ["title", "aria-label"]
        .iter()
        .find_map(|name| decoded_attribute(el, name).map(|t| collapse_whitespace(&t)).filter(|t| !t.is_empty()))
}

/// lol_html hands attribute values over as written, entities and all, while ammonia sees them decoded:
/// `width="&#49;"` is a 1 and `src="/embed?a=1&amp;b=2"` has a single ampersand.
pub(crate) fn decoded_attribute(el: &Element<'_, '_>, name: &str) -> Option<String> {
    el.get_attribute(name).map(|v| htmlize::unescape_attribute(v).into_owned())
}

fn policy(base: Option<Url>) -> ammonia::Builder<'static> {
    let by_tag = |table: &[(&'static str, &[&'static str])]| -> HashMap<&'static str, HashSet<&'static str>> {
        table.iter().map(|(tag, values)| (*tag, values.iter().copied().collect())).collect()
    };
    let mut builder = ammonia::Builder::empty();
    builder
        .tags(ALLOWED_TAGS.iter().copied().collect())
        .clean_content_tags(DROPPED_WITH_CONTENT.iter().copied().collect())
        .generic_attributes(GENERIC_ATTRIBUTES.iter().copied().collect())
        .tag_attributes(by_tag(TAG_ATTRIBUTES))
        // ammonia keeps a `class` attribute on these tags and strips every class not listed.
        .allowed_classes(by_tag(ALLOWED_CLASSES))
        .set_tag_attribute_value("audio", "controls", "")
        .set_tag_attribute_value("video", "controls", "")
        .url_schemes(["http", "https", "mailto", "data"].into_iter().collect())
        // ammonia would drop relative URLs before our filter sees them; the filter resolves every URL
        // attribute we allow against the base and drops what it cannot make absolute.
        .url_relative(ammonia::UrlRelative::PassThrough)
        .link_rel(Some("noopener noreferrer"))
        .strip_comments(true)
        .attribute_filter(move |element, attribute, value| filter_attribute(element, attribute, value, base.as_ref()));
    builder
}

fn filter_attribute<'v>(element: &str, attribute: &str, value: &'v str, base: Option<&Url>) -> Option<Cow<'v, str>> {
    match attribute {
        "dir" => {
            let dir = value.trim().to_ascii_lowercase();
            matches!(dir.as_str(), "ltr" | "rtl" | "auto").then_some(Cow::Owned(dir))
        }
        "lang" | "hreflang" | "srclang" => is_language_tag(value).then_some(Cow::Borrowed(value)),
        // ammonia strips the classes not allowed; an attribute with none of ours left goes whole.
        "class" => has_allowed_class(element, value).then_some(Cow::Borrowed(value)),
        "href" | "src" | "poster" => {
            let allowed = UrlUse::for_attribute(element, attribute);
            safe_url(value, base, allowed).map(Cow::Owned)
        }
        "srcset" => sanitize_srcset(value, base).map(Cow::Owned),
        "width" | "height" | "colspan" | "rowspan" | "start" | "span" | "value" => {
            let v = value.trim();
            (!v.is_empty() && v.len() <= 6 && v.bytes().all(|b| b.is_ascii_digit())).then_some(Cow::Borrowed(v))
        }
        "type" if element == "source" => is_media_type(value).then_some(Cow::Borrowed(value)),
        "type" if element == "ol" => matches!(value, "1" | "a" | "A" | "i" | "I").then_some(Cow::Borrowed(value)),
        "scope" => matches!(value, "row" | "col" | "rowgroup" | "colgroup").then_some(Cow::Borrowed(value)),
        "kind" => {
            matches!(value, "subtitles" | "captions" | "descriptions" | "chapters").then_some(Cow::Borrowed(value))
        }
        _ => Some(Cow::Borrowed(value)),
    }
}

/// What a URL in a given attribute may be besides http(s).
#[derive(Clone, Copy, PartialEq)]
enum UrlUse {
    Link,
    Image,
    Other,
}

impl UrlUse {
    fn for_attribute(element: &str, attribute: &str) -> Self {
        match (element, attribute) {
            ("a", "href") => UrlUse::Link,
            ("img", "src") => UrlUse::Image,
            _ => UrlUse::Other,
        }
    }
}

fn safe_url(value: &str, base: Option<&Url>, allowed: UrlUse) -> Option<String> {
    let url = resolve(value, base)?;
    if spells_script_scheme(url.as_str()) {
        return None;
    }
    let ok = match url.scheme() {
        "http" | "https" => url.host_str().is_some_and(|h| !h.is_empty()),
        "mailto" => allowed == UrlUse::Link,
        "data" => allowed == UrlUse::Image && is_small_raster_data_url(url.as_str()),
        _ => false,
    };
    ok.then(|| url.into())
}

/// Whether a resolved URL still contains `javascript:` or `vbscript:` anywhere.
///
/// Such a URL is a failed obfuscation: junk that URL parsing does not strip in front of the scheme (a
/// backtick, a NUL that became U+FFFD), a `srcset` candidate glued to the next by a comma, a scheme posing
/// as credentials (`https://javascript:alert(1)@host/`). As http(s) it is inert here, but no article links
/// to one on purpose, and a consumer that trims or decodes differently (a copied link, an external
/// browser, a later parser) could bring the script back to life. The output then never spells one at all.
fn spells_script_scheme(url: &str) -> bool {
    let url = url.to_ascii_lowercase();
    url.contains("javascript:") || url.contains("vbscript:")
}

/// Resolves `value` against `base` the way a browser would (WHATWG URL parsing strips tabs and newlines).
pub(crate) fn resolve(value: &str, base: Option<&Url>) -> Option<Url> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    Url::options().base_url(base).parse(value).ok()
}

fn is_small_raster_data_url(url: &str) -> bool {
    const RASTER: &[&str] = &["image/png", "image/gif", "image/jpeg", "image/webp", "image/avif"];
    let Some((header, _)) = url.strip_prefix("data:").and_then(|rest| rest.split_once(',')) else {
        return false;
    };
    // The whole header must be one of ours: a prefix match would let `image/png;text/html;base64` or
    // `image/pngx;base64` through, whose real type is then up to whoever reads the URL next.
    let header = header.to_ascii_lowercase();
    url.len() <= MAX_DATA_IMAGE_URL
        && header.strip_suffix(";base64").is_some_and(|media_type| RASTER.contains(&media_type))
}

/// Keeps the `srcset` candidates whose URL is safe and whose descriptor is well formed.
fn sanitize_srcset(value: &str, base: Option<&Url>) -> Option<String> {
    let kept: Vec<String> = parse_srcset(value)
        .into_iter()
        .filter_map(|(url, descriptor)| {
            let descriptor_ok = descriptor.is_empty() || is_srcset_descriptor(descriptor);
            let url = safe_url(url, base, UrlUse::Other).filter(|_| descriptor_ok)?;
            Some(if descriptor.is_empty() { url } else { format!("{url} {descriptor}") })
        })
        .collect();
    (!kept.is_empty()).then(|| kept.join(", "))
}

/// Splits a `srcset` into (url, descriptor) pairs, following the shape of the HTML parsing algorithm:
/// a URL runs to the next whitespace (trailing commas end the candidate), a descriptor to the next comma.
pub(crate) fn parse_srcset(value: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    let mut rest = value;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == ',');
        if rest.is_empty() {
            return out;
        }
        let url_end = rest.find(|c: char| c.is_ascii_whitespace()).unwrap_or(rest.len());
        let (raw_url, after) = rest.split_at(url_end);
        let url = raw_url.trim_end_matches(',');
        if url.len() < raw_url.len() {
            out.push((url, ""));
            rest = after;
            continue;
        }
        let descriptor_end = after.find(',').unwrap_or(after.len());
        out.push((url, after[..descriptor_end].trim()));
        rest = &after[descriptor_end..];
    }
}

fn is_srcset_descriptor(d: &str) -> bool {
    let Some(number) = d.strip_suffix(['w', 'x']) else {
        return false;
    };
    !number.is_empty() && number.len() <= 8 && number.parse::<f64>().is_ok_and(|n| n.is_finite() && n > 0.0)
}

fn has_allowed_class(element: &str, value: &str) -> bool {
    let Some((_, allowed)) = ALLOWED_CLASSES.iter().find(|(tag, _)| *tag == element) else {
        return false;
    };
    value.split_ascii_whitespace().any(|class| allowed.contains(&class))
}

fn is_language_tag(v: &str) -> bool {
    !v.is_empty() && v.len() <= 35 && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn is_media_type(v: &str) -> bool {
    !v.is_empty() && v.len() <= 100 && v.bytes().all(|b| b.is_ascii_alphanumeric() || b"/+-.;=\" ,".contains(&b))
}

fn parse_dimension(v: &str) -> Option<u32> {
    v.trim().trim_end_matches("px").trim().parse().ok()
}

/// Sized at most 1×1, or 0 in either direction.
fn is_tracking_pixel(width: Option<u32>, height: Option<u32>) -> bool {
    match (width, height) {
        (Some(w), Some(h)) => w <= 1 && h <= 1,
        (Some(0), None) | (None, Some(0)) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean(html: &str) -> String {
        let base = Url::parse("https://news.example.org/2026/11/story.html").unwrap();
        sanitize_html(html, Some(&base))
    }

    #[test]
    fn keeps_article_markup() {
        let html = "<h2>Trial</h2><p>The <em>court</em> met.</p><blockquote>Quote</blockquote>\
                    <ul><li>One</li></ul><pre><code>x</code></pre>\
                    <table><tr><td colspan=\"2\">cell</td></tr></table><ruby>漢<rt>kan</rt></ruby>";
        let out = clean(html);
        for tag in ["<h2>", "<em>", "<blockquote>", "<li>", "<code>", "<td colspan=\"2\">", "<rt>"] {
            assert!(out.contains(tag), "{tag} missing from {out}");
        }
    }

    #[test]
    fn resolves_relative_urls_against_the_base() {
        let out = clean(r#"<a href="../10/older.html">x</a><img src="/img/a.jpg" alt="a">"#);
        assert!(out.contains(r#"href="https://news.example.org/2026/10/older.html""#), "{out}");
        assert!(out.contains(r#"src="https://news.example.org/img/a.jpg""#), "{out}");
    }

    #[test]
    fn links_get_noopener_noreferrer() {
        let out = clean(r#"<a href="https://example.com/">x</a>"#);
        assert!(out.contains(r#"rel="noopener noreferrer""#), "{out}");
    }

    #[test]
    fn keeps_only_valid_direction_and_language() {
        let out = clean(r#"<p dir="RTL" lang="fa">سلام</p><p dir="sideways" lang="x y">b</p>"#);
        assert!(out.contains(r#"<p dir="rtl" lang="fa">"#), "{out}");
        assert!(out.contains("<p>b</p>"), "{out}");
    }

    #[test]
    fn checks_every_srcset_candidate() {
        let out = clean(r#"<img src="a.jpg" srcset="small.jpg 320w, javascript:alert(1) 640w, big.jpg 2x">"#);
        assert!(
            out.contains(
                r#"srcset="https://news.example.org/2026/11/small.jpg 320w, https://news.example.org/2026/11/big.jpg 2x""#
            ),
            "{out}"
        );
    }

    #[test]
    fn drops_one_pixel_tracking_images() {
        let out = clean(r#"<p>Text<img src="https://t.example.com/p.gif" width="1" height="1"></p>"#);
        assert_eq!(out, "<p>Text</p>");
    }

    #[test]
    fn turns_players_into_embed_cards() {
        let out = clean(
            r#"<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ?rel=0" title="The &quot;talk&quot;" onload="x()"></iframe>"#,
        );
        assert_eq!(
            out,
            "<a class=\"op-embed\" href=\"https://www.youtube.com/watch?v=dQw4w9WgXcQ\" rel=\"noopener noreferrer\">\
             <img class=\"op-embed-thumb\" src=\"https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg\" alt=\"\">\
             <span class=\"op-embed-provider\">YouTube</span><span class=\"op-embed-title\">The \"talk\"</span></a>"
        );
        let out = clean(r#"<object data="/player.swf" aria-label="Old player"><param name="x"></object>"#);
        assert!(out.starts_with(r#"<a class="op-embed" href="https://news.example.org/player.swf""#), "{out}");
        assert!(out.contains(r#"<span class="op-embed-title">Old player</span>"#), "{out}");
    }

    #[test]
    fn drops_players_without_a_web_address_or_a_size() {
        for html in [
            r#"<iframe src="javascript:alert(1)"></iframe>"#,
            r#"<embed src="data:text/html,x">"#,
            r#"<iframe src="https://www.googletagmanager.com/ns.html?id=GTM-1" width="0" height="0"></iframe>"#,
            r#"<video><source src="ftp://e.example/v.mp4">Your browser cannot play this.</video>"#,
        ] {
            assert_eq!(clean(&format!("<p>a</p>{html}")), "<p>a</p>", "{html}");
        }
    }

    #[test]
    fn turns_video_with_sources_into_a_card_showing_its_poster() {
        let out = clean(
            r#"<p>a</p><video data-poster="p.jpg" title="Launch"><source src="rtmp://e.example/v"><source src="v.webm"><source src="v.mp4">Fallback <b>text</b></video><p>b</p>"#,
        );
        assert_eq!(
            out,
            "<p>a</p><a class=\"op-embed\" href=\"https://news.example.org/2026/11/v.webm\" rel=\"noopener noreferrer\">\
             <img class=\"op-embed-thumb\" src=\"https://news.example.org/2026/11/p.jpg\" alt=\"\">\
             <span class=\"op-embed-provider\">Video · news.example.org</span>\
             <span class=\"op-embed-title\">Launch</span></a><p>b</p>"
        );
    }

    #[test]
    fn gives_lazy_images_their_real_url() {
        let out = clean(
            r#"<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="/a.jpg?w=1&amp;h=2" data-srcset="/a2.jpg 2x" alt="A">"#,
        );
        assert!(out.contains(r#"src="https://news.example.org/a.jpg?w=1&amp;h=2""#), "{out}");
        assert!(out.contains(r#"srcset="https://news.example.org/a2.jpg 2x""#), "{out}");
        assert!(!out.contains("data-"), "{out}");
        let out = clean(r#"<img src="/img/real.jpg" data-src="/img/other.jpg">"#);
        assert!(out.contains(r#"src="https://news.example.org/img/real.jpg""#), "{out}");
        let out = clean(r#"<img src="/img/lazy-placeholder.png" data-lazy-src="/img/real.jpg">"#);
        assert!(out.contains(r#"src="https://news.example.org/img/real.jpg""#), "{out}");
    }

    #[test]
    fn unwraps_a_noscript_picture_in_place_of_its_lazy_stand_in() {
        let out = clean(
            r#"<p>a</p><img src="/blank.gif" class="lazy"> <noscript><img src="/real.jpg" alt="Real"></noscript><p>b</p>"#,
        );
        assert_eq!(out, r#"<p>a</p> <img src="https://news.example.org/real.jpg" alt="Real"><p>b</p>"#);
        // A stand-in with something between it and the noscript is another picture.
        let out = clean(r#"<img data-src="/one.jpg"><p>text</p><noscript><img src="/two.jpg"></noscript>"#);
        assert!(out.contains("one.jpg") && out.contains("two.jpg"), "{out}");
    }

    #[test]
    fn drops_noscript_without_a_picture_and_its_pixels() {
        let out = clean(
            r#"<p>a</p><img data-src="/real.jpg"><noscript><p>Turn on JavaScript</p><img src="https://t.example/p.gif" width="1" height="1"></noscript>"#,
        );
        assert_eq!(out, r#"<p>a</p><img src="https://news.example.org/real.jpg">"#);
    }

    #[test]
    fn keeps_only_the_embed_card_classes() {
        let out = clean(
            r#"<p class="op-embed">a</p><a class="x op-embed" href="/x">b</a><span class="op-embed-thumb">c</span>"#,
        );
        assert_eq!(
            out,
            r#"<p>a</p><a class="op-embed" href="https://news.example.org/x" rel="noopener noreferrer">b</a><span>c</span>"#
        );
    }

    #[test]
    fn keeps_small_raster_data_images_only() {
        let png = "data:image/png;base64,iVBORw0KGgo=";
        assert!(clean(&format!(r#"<img src="{png}">"#)).contains(png));
        let svg = "data:image/svg+xml;base64,PHN2Zz4=";
        assert!(!clean(&format!(r#"<img src="{svg}">"#)).contains("data:"));
        assert!(!clean(r#"<a href="data:text/html,hi">x</a>"#).contains("data:"));
    }

    #[test]
    fn drops_scripts_forms_and_handlers() {
        let out = clean(
            r#"<p onclick="x()">a</p><script>alert(1)</script><form><input value=1><button>b</button></form><style>p{}</style>"#,
        );
        assert_eq!(out, "<p>a</p>");
    }

    #[test]
    fn relative_urls_without_a_base_are_dropped() {
        let out = sanitize_html(r#"<a href="/x">x</a><img src="https://e.example/a.png">"#, None);
        assert!(!out.contains("href"), "{out}");
        assert!(out.contains(r#"src="https://e.example/a.png""#), "{out}");
    }

    #[test]
    fn media_the_rewrite_missed_still_shows_controls() {
        let out = policy(None).clean(r#"<video src="https://e.example/v.mp4" autoplay></video>"#).to_string();
        assert!(out.contains("controls"), "{out}");
        assert!(!out.contains("autoplay"), "{out}");
    }

    #[test]
    fn parses_srcset_like_a_browser() {
        assert_eq!(parse_srcset("a.jpg 1x,b.jpg 2x"), vec![("a.jpg", "1x"), ("b.jpg", "2x")]);
        assert_eq!(parse_srcset("a.jpg, b.jpg 2x"), vec![("a.jpg", ""), ("b.jpg", "2x")]);
        assert_eq!(parse_srcset("  "), Vec::<(&str, &str)>::new());
    }
}
