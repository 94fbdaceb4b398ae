//! Makes post HTML safe to render: an explicit allow-list, absolute http(s) URLs, no tracking pixels.
//!
//! Post HTML is hostile. It is cleaned here, once, as the last step before it is stored; the UI renders
//! what this module returns as its single HTML sink. The work happens in two passes:
//!
//! 1. a rewrite (`rewrite`) that is not about safety but about reading offline, in a window that runs no
//!    script:
//!    - tracking pixels go;
//!    - lazy-loaded pictures get back the real URL a script would have moved out of a `data-` attribute;
//!    - a `<noscript>` holding a picture (the copy for readers without script) gives up its markup, cleaned
//!      on its own, and the lazy stand-in written just before it goes; any other `<noscript>` goes whole;
//!    - players (`iframe`, `embed`, `object`, `video`, `audio`) become embed cards (`embed`), links that
//!      work offline, or go when they have no http(s) address;
//! 2. ammonia with our own allow-list, which is the security boundary. Every URL attribute (including
//!    each `srcset` candidate) is resolved against the entry's base and must come out as http(s), or
//!    `mailto:` on links, or a small inline raster image; and none may still spell a script scheme. The
//!    only classes kept are the embed cards' own.
//!
//! lol_html reads some markup otherwise than ammonia's parser (a self-closing `<svg/>`, or a pixel whose
//! removal changes how the rest parses), so when ammonia's output still holds a player or a picture the
//! rewrite may change, both passes run once more on that output.
//!
//! `tests/sanitize_hostile.rs` parses the output again the way `innerHTML` does and checks it, with a
//! policy of its own, against a table of hostile inputs and against random markup.
//!
//! Bump [`SANITIZER_VERSION`] whenever the policy changes so stored content can be cleaned again.

mod embed;
mod rewrite;

pub(crate) use rewrite::has_start_tag;

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};

use lol_html::html_content::Element;
use url::Url;

/// Version of the policy below, stored beside every sanitized body.
pub const SANITIZER_VERSION: i64 = 3;

/// Largest inline `data:` image kept, in bytes of URL; bigger ones are dropped.
const MAX_DATA_IMAGE_URL: usize = 64 * 1024;

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
pub const ALLOWED_CLASSES: &[(&str, &[&str])] =
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

/// Deepest nesting of elements a body may have to be parsed as HTML. Parsing takes time that grows with
/// the square of the depth, and readability recurses on it (30,000 nested `<div>`s exhaust a thread's
/// stack); real articles nest a few dozen levels.
pub const MAX_DEPTH: usize = 256;

/// Elements a parser closes by itself when their parent or a sibling starts; they never nest deeper on
/// their own, so the depth count leaves them out rather than count each unclosed one as open.
const CLOSED_BY_PARSER: &[&str] = &[
    "p", "li", "dt", "dd", "td", "th", "tr", "thead", "tbody", "tfoot", "caption", "colgroup", "option", "optgroup",
    "rb", "rt", "rp", "rtc",
];

/// Sanitizes one post body. `base` resolves relative URLs; without one, relative URLs are dropped.
///
/// A body nested deeper than [`MAX_DEPTH`] is not parsed as HTML at all: its text is kept, as plain
/// paragraphs.
pub fn sanitize_html(html: &str, base: Option<&Url>) -> String {
    if nests_too_deep(html) {
        return crate::text::html_to_paragraphs(html)
            .split("\n\n")
            .map(|paragraph| format!("<p>{}</p>", htmlize::escape_text(paragraph)))
            .collect();
    }
    let prepared = rewrite::prepare(html, base);
    let (cleaned, pixel_size) = clean_noting_pixel_sizes(&prepared, base);
    // What the rewrite read otherwise than ammonia's parser (see `rewrite::may_change_clean`) it finds in
    // ammonia's well-formed output, so that a stored body cleaned again comes out the same.
    if !rewrite::may_change_clean(&cleaned, pixel_size) {
        return cleaned;
    }
    match rewrite::prepare(&cleaned, base) {
        Cow::Owned(again) if again != cleaned => clean_with_policy(&again, base),
        _ => cleaned,
    }
}

/// Whether `html` nests elements deeper than [`MAX_DEPTH`]: a linear scan of start and end tags that
/// builds no tree. An element left unclosed counts as open to the end (but see [`CLOSED_BY_PARSER`]).
pub fn nests_too_deep(html: &str) -> bool {
    use std::cell::Cell;
    use std::rc::Rc;

    // Every element opens with a `<`: a body with no more of them than the limit cannot pass it, and the
    // count is far cheaper than the pass below.
    if memchr::memchr_iter(b'<', html.as_bytes()).count() <= MAX_DEPTH {
        return false;
    }
    let depth = Rc::new(Cell::new(0usize));
    let result = lol_html::rewrite_str(
        html,
        lol_html::RewriteStrSettings::new().with_strict(false).append_element_content_handler(lol_html::element!(
            "*",
            |el| {
                if CLOSED_BY_PARSER.contains(&el.tag_name().as_str()) {
                    return Ok(());
                }
                let Some(handlers) = el.end_tag_handlers() else { return Ok(()) };
                depth.set(depth.get() + 1);
                if depth.get() > MAX_DEPTH {
                    return Err("too deep".into());
                }
                let open = depth.clone();
                let closed: lol_html::EndTagHandler<'static> = Box::new(move |_| {
                    open.set(open.get().saturating_sub(1));
                    Ok(())
                });
                handlers.push(closed);
                Ok(())
            }
        )),
    );
    result.is_err() && depth.get() > MAX_DEPTH
}

/// The first pass alone, for a whole article page before its main content is extracted: pictures hidden
/// in `<noscript>` or behind lazy loaders come out, and players become cards, so the extractor sees them
/// as the reader will. Not safe to show; [`sanitize_html`] still runs on what the extractor keeps.
pub fn prepare_page<'a>(html: &'a str, base: Option<&Url>) -> Cow<'a, str> {
    rewrite::prepare(html, base)
}

/// lol_html hands attribute values over as written, entities and all, while ammonia sees them decoded:
/// `width="&#49;"` is a 1 and `src="/embed?a=1&amp;b=2"` has a single ampersand.
pub(crate) fn decoded_attribute(el: &Element<'_, '_>, name: &str) -> Option<String> {
    el.get_attribute(name).map(|v| htmlize::unescape_attribute(v).into_owned())
}

/// Whether the policy lets `tag` through, and `attribute` on it (`rel` on links is the policy's own).
pub fn allows(tag: &str, attribute: Option<&str>) -> bool {
    if !ALLOWED_TAGS.contains(&tag) {
        return false;
    }
    let Some(attribute) = attribute else { return true };
    let of_tag = |table: &[(&str, &[&str])]| table.iter().any(|(t, attrs)| *t == tag && attrs.contains(&attribute));
    GENERIC_ATTRIBUTES.contains(&attribute)
        || of_tag(TAG_ATTRIBUTES)
        || (attribute == "class" && ALLOWED_CLASSES.iter().any(|(t, _)| *t == tag))
        || (tag == "a" && attribute == "rel")
}

thread_local! {
    /// The base URL the policy resolves against, for the clean running on this thread.
    static BASE: RefCell<Option<Url>> = const { RefCell::new(None) };
    /// The policy, built once per thread: its sets of tags and attributes took longer to build than a
    /// short post takes to clean.
    static POLICY: ammonia::Builder<'static> = policy();
    /// Whether the clean running on this thread has let a `width` or `height` of at most 1 through its
    /// attribute filter (which also sees the attributes of elements it then drops).
    static PIXEL_SIZE: Cell<bool> = const { Cell::new(false) };
}

/// The second pass: `html` through ammonia with our allow-list, its URLs resolved against `base`.
fn clean_with_policy(html: &str, base: Option<&Url>) -> String {
    clean_noting_pixel_sizes(html, base).0
}

/// [`clean_with_policy`], and whether its attribute filter let through a `width` or `height` of at most 1,
/// which the rewrite would have taken for a pixel's.
fn clean_noting_pixel_sizes(html: &str, base: Option<&Url>) -> (String, bool) {
    let outer = BASE.replace(base.cloned());
    let outer_pixel_size = PIXEL_SIZE.replace(false);
    let cleaned = POLICY.with(|policy| policy.clean(html));
    BASE.set(outer);
    let pixel_size = PIXEL_SIZE.replace(outer_pixel_size);
    (serialize(cleaned, html.len()), pixel_size)
}

fn serialize(cleaned: ammonia::Document, size_hint: usize) -> String {
    // Its `to_string` checks the serialized bytes with the standard library's UTF-8 check, at a tenth of
    // the sanitizer's time on text in Cyrillic or Persian, and copies them twice.
    let mut serialized = Vec::with_capacity(size_hint);
    if cleaned.write_to(&mut serialized).is_ok()
        && let Ok(text) = simdutf8::basic::from_utf8(&serialized)
    {
        return text.to_owned();
    }
    cleaned.to_string()
}

fn policy() -> ammonia::Builder<'static> {
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
        .attribute_filter(|element, attribute, value| {
            let kept = BASE.with_borrow(|base| filter_attribute(element, attribute, value, base.as_ref()));
            if matches!(attribute, "width" | "height") && kept.as_deref().is_some_and(rewrite::is_pixel_size) {
                PIXEL_SIZE.set(true);
            }
            kept
        });
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

#[cfg(test)]
mod tests {
    use super::*;

    fn clean(html: &str) -> String {
        let base = Url::parse("https://news.example.org/2026/11/story.html").unwrap();
        sanitize_html(html, Some(&base))
    }

    #[test]
    fn measures_nesting_without_counting_what_the_parser_closes() {
        let nested =
            |tag: &str, n: usize| format!("{}text{}", format!("<{tag}>").repeat(n), format!("</{tag}>").repeat(n));
        assert!(nests_too_deep(&nested("div", MAX_DEPTH + 1)));
        assert!(nests_too_deep(&nested("span", MAX_DEPTH + 1)));
        assert!(!nests_too_deep(&nested("div", MAX_DEPTH)));
        // Sloppy but flat: unclosed paragraphs and list items are siblings, not a tower.
        assert!(!nests_too_deep(&"<p>A paragraph left open ".repeat(2000)));
        assert!(!nests_too_deep(&format!("<ul>{}</ul>", "<li>An item left open ".repeat(2000))));
        assert!(!nests_too_deep(&"<div><p>Closed <b>and</b> sound.</p></div>".repeat(2000)));
    }

    #[test]
    fn a_body_nested_too_deep_keeps_its_text_as_plain_paragraphs() {
        let body = format!(
            "{}<p>Deep <b>down</b> &lt;here&gt;</p><p>and <script>x</script>on</p>{}",
            "<div>".repeat(5000),
            "</div>".repeat(5000)
        );
        assert_eq!(clean(&body), "<p>Deep down &lt;here&gt;</p><p>and on</p>");
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
        let out = clean_with_policy(r#"<video src="https://e.example/v.mp4" autoplay></video>"#, None);
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
