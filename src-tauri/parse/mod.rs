//! Feed bytes in, [`ParsedFeed`] out: RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and JSON Feed 1.0/1.1.
//!
//! Pure: no I/O, no database. feed-rs does the format work; this module fixes around its gaps: the
//! character set, dates in broken formats, titles that carry markup or escaped entities, relative URLs,
//! and a stable identity for every entry.

pub(crate) mod charset;
mod dates;
mod identity;

use feed_rs::model::{Entry, Feed, Link, Text};
use url::Url;

use crate::error::{Error, Result};
use crate::model::{EntryMeta, ParsedEntry, ParsedFeed};
use crate::text::{collapse_whitespace, collapsed_lead, html_to_text, truncate_words};

pub use charset::decode;
pub use dates::parse_date;

/// Longest title kept, in characters; a feed that sends megabytes of title gets the start of it.
const MAX_TITLE_CHARS: usize = 1000;
/// Length of the plain-text summary shown in lists.
const SUMMARY_CHARS: usize = 300;
/// Length of the title an untitled entry borrows from its text.
const UNTITLED_CHARS: usize = 80;

/// Parses a feed fetched from `feed_url`. `content_type` is the HTTP header, used for the charset.
pub fn parse_feed(body: &[u8], content_type: Option<&str>, feed_url: &Url) -> Result<ParsedFeed> {
    let text = decode(body, content_type);
    let trimmed = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    if trimmed.is_empty() {
        return Err(not_a_feed(feed_url, "the response was empty"));
    }
    if looks_like_html(trimmed) {
        return Err(not_a_feed(feed_url, "the response is an HTML page"));
    }
    if !trimmed.starts_with(['<', '{']) {
        return Err(not_a_feed(feed_url, "the response is neither XML nor JSON"));
    }
    let parser = feed_rs::parser::Builder::new()
        .base_uri(Some(feed_url.as_str()))
        .sanitize_content(false)
        .timestamp_parser(parse_date)
        // Leave missing ids empty: identity::entry_keys decides what stands in for them.
        .id_generator(|_, _, _| String::new())
        .build();
    let upgraded = upgrade_atom03(trimmed);
    if declares_xml_again(&upgraded) {
        return Err(Error::Parse {
            url: feed_url.to_string(),
            detail: "an XML declaration stands in the middle of the document".into(),
        });
    }
    // The XML reader under feed-rs can panic where it should refuse (see `declares_xml_again`). Should
    // another such input turn up, the feed is refused as broken, like any other, and the sync goes on.
    let parsed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parser.parse(upgraded.as_bytes())))
        .map_err(|_| Error::Parse { url: feed_url.to_string(), detail: "the feed's XML could not be read".into() })?;
    let feed = parsed.map_err(|e| match e {
        feed_rs::parser::ParseFeedError::ParseError(feed_rs::parser::ParseErrorKind::NoFeedRoot) => {
            not_a_feed(feed_url, "no RSS, Atom or JSON Feed document found")
        }
        other => Error::Parse { url: feed_url.to_string(), detail: other.to_string() },
    })?;
    Ok(convert(feed, feed_url))
}

/// feed-rs reads Atom 1.0 only; Atom 0.3 is close enough to rename into it: its namespace, its date
/// elements, and its MIME-typed `content` with `mode="escaped"`.
fn upgrade_atom03(text: &str) -> std::borrow::Cow<'_, str> {
    const ATOM03_NS: &str = "http://purl.org/atom/ns#";
    if !text.contains(ATOM03_NS) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = text.replace(ATOM03_NS, "http://www.w3.org/2005/Atom");
    for (old, new) in [
        ("<issued>", "<published>"),
        ("</issued>", "</published>"),
        ("<modified>", "<updated>"),
        ("</modified>", "</updated>"),
        ("<tagline", "<subtitle"),
        ("</tagline>", "</subtitle>"),
        ("<copyright", "<rights"),
        ("</copyright>", "</rights>"),
        (" mode=\"escaped\"", ""),
        ("type=\"text/html\"", "type=\"html\""),
        ("type=\"text/plain\"", "type=\"text\""),
        ("type=\"application/xhtml+xml\"", "type=\"xhtml\""),
    ] {
        out = out.replace(old, new);
    }
    std::borrow::Cow::Owned(out)
}

/// Whether an XML declaration (`<?xml ...?>`) stands anywhere but at the start: the XML is broken, and
/// quick-xml 0.42, under feed-rs, panics on one that names another encoding. The text is scanned with
/// quick-xml itself, so a declaration shown inside CDATA or a comment is text, as it should be; only
/// documents that spell `<?xml` past their start are scanned at all.
fn declares_xml_again(text: &str) -> bool {
    let spelled_again = memchr::memmem::find_iter(text.as_bytes(), b"<?")
        .any(|at| at > 0 && text.as_bytes().get(at + 2..at + 5).is_some_and(|name| name.eq_ignore_ascii_case(b"xml")));
    if !spelled_again {
        return false;
    }
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().check_end_names = false;
    let mut first = true;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Decl(_)) if !first => return true,
            Ok(quick_xml::events::Event::Eof) | Err(_) => return false,
            _ => first = false,
        }
    }
}

fn not_a_feed(url: &Url, detail: &str) -> Error {
    Error::NotAFeed { url: url.to_string(), detail: detail.into() }
}

fn looks_like_html(text: &str) -> bool {
    let head: String = text.chars().take(256).collect::<String>().to_ascii_lowercase();
    head.starts_with("<!doctype html")
        || head.starts_with("<html")
        || head.starts_with("<head")
        || head.starts_with("<body")
}

/// The most entries kept of one feed document: far more than any real feed carries, few enough that a
/// hostile feed of a hundred thousand costs a bounded sync.
pub const MAX_ENTRIES: usize = 5_000;

/// Keeps the `max` newest entries (by published, else updated date; undated ones count as oldest), in
/// the feed's order otherwise.
fn keep_newest(entries: &mut Vec<ParsedEntry>, max: usize) {
    if entries.len() <= max {
        return;
    }
    let mut order: Vec<usize> = (0..entries.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(entries[i].meta.published_at.or(entries[i].meta.updated_at)));
    let mut keep = vec![false; entries.len()];
    for &i in &order[..max] {
        keep[i] = true;
    }
    let mut flags = keep.into_iter();
    entries.retain(|_| flags.next().unwrap_or(false));
}

fn convert(feed: Feed, feed_url: &Url) -> ParsedFeed {
    let feed_lang = feed.language.as_deref().and_then(normalize_lang);
    let feed_author = feed.authors.iter().find_map(person_name).filter(|a| !a.is_empty());
    let site_url = best_link(&feed.links, feed_url).filter(|u| u.as_str() != feed_url.as_str());
    let title = feed.title.as_ref().map(plain_title).filter(|t| !t.is_empty());

    let mut entries: Vec<ParsedEntry> = feed
        .entries
        .into_iter()
        .map(|e| convert_entry(e, feed_url, feed_lang.as_deref(), feed_author.as_deref()))
        .collect();
    identity::assign_keys(&mut entries);
    keep_newest(&mut entries, MAX_ENTRIES);

    // The feed's own icon, else its logo; resolved like any link of the feed.
    let icon = [feed.icon.as_ref(), feed.logo.as_ref()]
        .into_iter()
        .flatten()
        .find_map(|image| feed_url.join(image.uri.trim()).ok())
        .filter(|u| matches!(u.scheme(), "http" | "https"));

    ParsedFeed {
        icon: icon.map(String::from),
        ttl_minutes: feed.ttl,
        title: title.unwrap_or_else(|| {
            site_url.as_ref().and_then(Url::host_str).or(feed_url.host_str()).unwrap_or("Untitled").to_owned()
        }),
        site_url: site_url.map(String::from),
        entries,
    }
}

fn convert_entry(entry: Entry, feed_url: &Url, feed_lang: Option<&str>, feed_author: Option<&str>) -> ParsedEntry {
    let url = best_link(&entry.links, feed_url);
    let base = entry
        .base
        .as_deref()
        .and_then(|b| feed_url.join(b).ok())
        .or_else(|| url.clone())
        .unwrap_or_else(|| feed_url.clone());
    let mut raw_html = entry
        .content
        .as_ref()
        .and_then(|c| c.body.clone())
        .or_else(|| entry.summary.as_ref().map(text_as_html))
        .unwrap_or_default();
    // A summary only when the feed gives one beside the body; otherwise `complete_from_body` takes the
    // start of the body's text, once it has been sanitized and reduced to text anyway.
    let has_body = entry.content.as_ref().is_some_and(|c| c.body.is_some());
    let summary = match &entry.summary {
        Some(s) if has_body => truncate_words(&html_to_text(&text_as_html(s)), SUMMARY_CHARS),
        _ => String::new(),
    };
    let title = entry.title.as_ref().map(plain_title).unwrap_or_default();
    let author = entry.authors.iter().find_map(person_name).or_else(|| feed_author.map(str::to_owned));
    let lang = entry.language.as_deref().and_then(normalize_lang).or_else(|| feed_lang.map(str::to_owned));
    let dir = direction(lang.as_deref(), &title, &summary).to_owned();
    let guid = Some(entry.id.trim().to_owned()).filter(|g| !g.is_empty());
    let fingerprint = identity::fingerprint(&[
        &title,
        url.as_ref().map_or("", Url::as_str),
        author.as_deref().unwrap_or(""),
        &raw_html,
        entry.summary.as_ref().map_or("", |s| s.content.as_str()),
        &entry.published.map(|t| t.to_rfc3339()).unwrap_or_default(),
        &entry.updated.map(|t| t.to_rfc3339()).unwrap_or_default(),
    ]);
    // A picture that comes only as an enclosure or a media thumbnail is shown above the text, so it is
    // kept like any other. Added after the fingerprint: it says nothing the feed did not already say.
    if !crate::sanitize::has_start_tag(&raw_html, &["<img"])
        && let Some(picture) = enclosure_image(&entry)
    {
        let figure = format!("<figure><img src=\"{}\" alt=\"\"></figure>", htmlize::escape_attribute(picture));
        raw_html.insert_str(0, &figure);
    }
    ParsedEntry {
        meta: EntryMeta {
            key: String::new(),
            guid,
            url: url.map(String::from),
            title,
            author,
            published_at: entry.published,
            updated_at: entry.updated.filter(|u| Some(*u) != entry.published),
            summary,
            lang,
            dir,
            fingerprint,
        },
        raw_html,
        base: Some(base),
    }
}

/// The first picture among an entry's enclosures and media thumbnails.
fn enclosure_image(entry: &Entry) -> Option<String> {
    let contents = entry.media.iter().flat_map(|m| &m.content).filter_map(|c| {
        let is_image = c.content_type.as_ref().is_some_and(|t| t.to_string().starts_with("image/"));
        c.url.as_ref().filter(|_| is_image).map(Url::to_string)
    });
    let thumbnails = entry.media.iter().flat_map(|m| &m.thumbnails).map(|t| t.image.uri.trim().to_owned());
    contents.chain(thumbnails).find(|u| u.starts_with("http://") || u.starts_with("https://"))
}

/// Fills what the feed left out from the text of the sanitized body: a summary, and a title for an
/// untitled entry; then settles the entry's direction on the final title and summary.
pub fn complete_from_body(meta: &mut EntryMeta, body_text: &str) {
    if meta.summary.is_empty() || meta.title.is_empty() {
        // Long enough for both: either is cut from it as from the whole text.
        let lead = collapsed_lead(body_text, SUMMARY_CHARS.max(UNTITLED_CHARS));
        if meta.summary.is_empty() {
            meta.summary = truncate_words(&lead, SUMMARY_CHARS);
        }
        if meta.title.is_empty() {
            meta.title = truncate_words(&lead, UNTITLED_CHARS);
        }
    }
    meta.dir = direction(meta.lang.as_deref(), &meta.title, &meta.summary).to_owned();
}

fn person_name(person: &feed_rs::model::Person) -> Option<String> {
    // RSS writes `jane@example.org (Jane Doe)`; the parser leaves the brackets on the name.
    let name = person
        .name
        .as_deref()
        .map(|n| html_to_text(n).trim_start_matches('(').trim_end_matches(')').trim().to_owned())
        .filter(|n| !n.is_empty());
    name.or_else(|| person.email.clone())
}

/// Titles are plain text for the reader, whatever markup or escaping the feed wrapped them in.
fn plain_title(text: &Text) -> String {
    let plain = if is_plain(text) && !text.content.contains(['<', '&']) {
        collapse_whitespace(&text.content)
    } else {
        html_to_text(&text.content)
    };
    truncate_words(&plain, MAX_TITLE_CHARS)
}

/// A summary given as plain text must not be read as markup when it becomes the body.
fn text_as_html(text: &Text) -> String {
    if is_plain(text) && !text.content.contains('<') {
        htmlize::escape_text(&text.content).into_owned()
    } else {
        text.content.clone()
    }
}

fn is_plain(text: &Text) -> bool {
    text.content_type.essence().to_string() == "text/plain"
}

/// The link a reader would follow: an `alternate` (or unlabeled) HTML link, made absolute.
fn best_link(links: &[Link], feed_url: &Url) -> Option<Url> {
    let is_page = |l: &&Link| {
        matches!(l.rel.as_deref(), None | Some("alternate"))
            && l.media_type.as_deref().is_none_or(|t| t.contains("html"))
    };
    let link = links.iter().find(is_page).or_else(|| links.iter().find(|l| l.rel.as_deref() != Some("self")))?;
    feed_url.join(link.href.trim()).ok().filter(|u| matches!(u.scheme(), "http" | "https"))
}

/// Takes the language an article page declares (`<html lang>`) for an entry whose feed named none, and
/// settles its direction on it.
pub fn adopt_page_language(meta: &mut EntryMeta, page_lang: &str) {
    if meta.lang.is_none()
        && let Some(lang) = normalize_lang(page_lang)
    {
        meta.dir = direction(Some(&lang), &meta.title, &meta.summary).to_owned();
        meta.lang = Some(lang);
    }
}

fn normalize_lang(lang: &str) -> Option<String> {
    let lang = lang.trim().replace('_', "-");
    (!lang.is_empty() && lang.len() <= 35 && lang.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .then(|| lang.to_ascii_lowercase())
}

/// `rtl` for Persian, Arabic, Hebrew and the like, or text whose first letter is written right to left.
fn direction(lang: Option<&str>, title: &str, summary: &str) -> &'static str {
    const RTL_LANGS: &[&str] = &["ar", "fa", "he", "iw", "ur", "ps", "yi", "dv", "sd", "ug", "ckb", "syr"];
    if let Some(lang) = lang {
        let primary = lang.split('-').next().unwrap_or(lang);
        if RTL_LANGS.contains(&primary) {
            return "rtl";
        }
    }
    let first_letter = title.chars().chain(summary.chars()).find(|c| c.is_alphabetic());
    match first_letter {
        Some(c) if is_rtl_char(c) => "rtl",
        _ => "ltr",
    }
}

fn is_rtl_char(c: char) -> bool {
    matches!(c as u32, 0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF)
}

#[cfg(test)]
mod tests;
