//! OPML, the outline file feed readers use to hand subscriptions to one another: [`parse`] reads the feeds
//! and their folders out of a file, [`write`] writes a list of feeds as one.
//!
//! Pure: bytes in, values out. A file is read whole or refused with [`Error::NotOpml`], never half-read:
//! an import that quietly lost the second half of someone's subscriptions would be worse than none. The
//! file comes from anywhere, so a DOCTYPE is refused outright (no entity is ever expanded) and the nesting
//! depth and the number of outlines are bounded.
//!
//! Offprint has one level of folders. A feed in a folder inside a folder lands in the outer one, the
//! folder a person saw at the top of the other reader's list.

use std::collections::{HashMap, HashSet};

use quick_xml::XmlVersion;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::reader::Reader;
use url::Url;

use crate::error::{Error, Result};
use crate::parse::decode;

/// Deepest element nesting read. Real exports use three or four levels.
const MAX_DEPTH: usize = 64;
/// Most outlines read from one file, far beyond any real subscription list.
const MAX_OUTLINES: usize = 100_000;
/// Longest element name quoted back in an error message.
const MAX_NAME_CHARS: usize = 40;

const NOT_HTTP: &str = "not an http(s) address";
const LISTED_TWICE: &str = "listed twice in the file";

/// One feed of an outline list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpmlFeed {
    /// The feed's address, trimmed; always http or https when it comes from [`parse`].
    pub url: String,
    /// The feed's name in the other reader, trimmed; `None` when it had none.
    pub title: Option<String>,
    /// The website the feed belongs to (`htmlUrl`), kept only when it is an http(s) address.
    pub site_url: Option<String>,
    /// The top-level folder the feed sat in; `None` directly in the list.
    pub folder: Option<String>,
}

/// What a file holds: the feeds to subscribe to, in file order, and what was passed over with why.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Outlines {
    pub feeds: Vec<OpmlFeed>,
    pub skipped: Vec<Skipped>,
}

/// A feed of the file that will not be subscribed to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Skipped {
    /// The address as the file gives it, trimmed.
    pub url: String,
    pub title: Option<String>,
    /// Why, in words for a person: "not an http(s) address", "listed twice in the file".
    pub reason: String,
}

/// Reads the feeds out of an OPML file, in file order.
///
/// The encoding comes from a byte-order mark or the XML declaration, else UTF-8. A feed is an `<outline>`
/// with an `xmlUrl` (the attribute names are matched in any case); its title is `title`, else `text`.
/// Addresses, titles and folder names are trimmed; an empty title or folder name, or a title that only
/// repeats the feed's address (what [`write`] puts there for a feed without one), is `None`. Addresses
/// that are not http(s), and the second listing of an address (compared as the `url` crate reads it,
/// without a `#fragment`), go to [`Outlines::skipped`].
///
/// # Errors
///
/// [`Error::NotOpml`], saying why, when the file is not a well-formed OPML document: another kind of
/// file, cut short, broken XML, a DOCTYPE, nesting deeper than 64 levels or more than 100,000 outlines.
pub fn parse(bytes: &[u8]) -> Result<Outlines> {
    let text = decode(bytes, None);
    if text.trim().is_empty() {
        return Err(not_opml("the file is empty"));
    }
    let mut reader = Reader::from_str(&text);
    let mut document = Document::default();
    loop {
        let (taken, at) = match reader.read_event() {
            Ok(Event::Eof) => break,
            Ok(event) => (document.take(event), reader.buffer_position()),
            Err(e) => (Err(e.into()), reader.error_position()),
        };
        taken.map_err(|refusal| match refusal {
            Refusal::IllFormed(why) => not_opml(format!("the XML is broken on line {}: {why}", line_at(&text, at))),
            Refusal::NotOpml(why) => not_opml(why),
        })?;
    }
    document.finish().map_err(not_opml)
}

/// Writes `feeds` as an OPML 2.0 document named `title`.
///
/// Feeds without a folder come first, directly in the body, then one outline per folder, in the order
/// the folders first appear, holding its feeds in their order. A feed without a title is labelled with
/// its address, because OPML requires a `text`. Every value is escaped, line breaks and tabs as
/// character references so they survive; characters XML cannot carry at all (most control
/// characters) are left out. There is no date in the output: the same feeds give the same text.
pub fn write(title: &str, feeds: &[OpmlFeed]) -> String {
    let mut top = Vec::new();
    let mut folders: Vec<(&str, Vec<&OpmlFeed>)> = Vec::new();
    let mut folder_at: HashMap<&str, usize> = HashMap::new();
    for feed in feeds {
        match feed.folder.as_deref().and_then(non_empty) {
            None => top.push(feed),
            Some(name) => {
                let at = *folder_at.entry(name).or_insert_with(|| {
                    folders.push((name, Vec::new()));
                    folders.len() - 1
                });
                folders[at].1.push(feed);
            }
        }
    }

    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n");
    out.push_str(&format!("  <head>\n    <title>{}</title>\n  </head>\n  <body>\n", escape(title)));
    for feed in top {
        write_feed(&mut out, feed, "    ");
    }
    for (name, feeds) in folders {
        let name = escape(name);
        out.push_str(&format!("    <outline text=\"{name}\" title=\"{name}\">\n"));
        for feed in feeds {
            write_feed(&mut out, feed, "      ");
        }
        out.push_str("    </outline>\n");
    }
    out.push_str("  </body>\n</opml>\n");
    out
}

fn write_feed(out: &mut String, feed: &OpmlFeed, indent: &str) {
    let label = escape(feed.title.as_deref().and_then(non_empty).unwrap_or(&feed.url));
    out.push_str(&format!(
        "{indent}<outline type=\"rss\" text=\"{label}\" title=\"{label}\" xmlUrl=\"{}\"",
        escape(&feed.url)
    ));
    if let Some(site) = &feed.site_url {
        out.push_str(&format!(" htmlUrl=\"{}\"", escape(site)));
    }
    out.push_str("/>\n");
}

/// Escapes `value` for text or a double-quoted attribute. Line breaks and tabs become character
/// references because a parser turns literal ones in an attribute into spaces.
fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if !carried_by_xml(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// Whether XML 1.0 can carry `c` at all: not even a character reference may carry most control
/// characters.
fn carried_by_xml(c: char) -> bool {
    !matches!(c, '\0'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

/// Why a file is refused: its XML is broken (worth a line number), or it is not what Offprint reads.
enum Refusal {
    IllFormed(String),
    NotOpml(String),
}

impl From<quick_xml::Error> for Refusal {
    fn from(e: quick_xml::Error) -> Self {
        Refusal::IllFormed(e.to_string())
    }
}

impl From<quick_xml::events::attributes::AttrError> for Refusal {
    fn from(e: quick_xml::events::attributes::AttrError) -> Self {
        Refusal::IllFormed(e.to_string())
    }
}

fn refuse<T>(why: impl Into<String>) -> std::result::Result<T, Refusal> {
    Err(Refusal::NotOpml(why.into()))
}

/// An element the reader is inside of.
enum Element {
    Opml,
    Body,
    /// An outline without `xmlUrl` holding others, with its name.
    Folder(Option<String>),
    Other,
}

/// The reading of one file, event by event.
struct Document {
    version: XmlVersion,
    open: Vec<Element>,
    saw_root: bool,
    saw_body: bool,
    outlines: usize,
    /// The feeds' addresses without fragment, as the `url` crate spells them, to find the same feed twice.
    seen: HashSet<String>,
    found: Outlines,
}

impl Default for Document {
    fn default() -> Self {
        Document {
            version: XmlVersion::Implicit1_0,
            open: Vec::new(),
            saw_root: false,
            saw_body: false,
            outlines: 0,
            seen: HashSet::new(),
            found: Outlines::default(),
        }
    }
}

impl Document {
    fn take(&mut self, event: Event<'_>) -> std::result::Result<(), Refusal> {
        match event {
            Event::Decl(declaration) => self.version = declaration.xml_version()?,
            Event::DocType(doctype) => return refuse(doctype_refusal(&doctype)),
            Event::Start(element) => {
                let opened = self.element(&element)?;
                if self.open.len() == MAX_DEPTH {
                    return refuse(format!("its elements nest more than {MAX_DEPTH} levels deep"));
                }
                self.open.push(opened);
            }
            Event::Empty(element) => {
                self.element(&element)?;
            }
            // quick-xml checks that the end tag names the element it closes.
            Event::End(_) => {
                self.open.pop();
            }
            Event::Text(text) if self.open.is_empty() && !text.trim().is_empty() => return self.stray_content(),
            Event::CData(_) if self.open.is_empty() => return self.stray_content(),
            Event::GeneralRef(reference) => {
                check_reference(&reference)?;
                if self.open.is_empty() {
                    return self.stray_content();
                }
            }
            Event::Text(_) | Event::CData(_) | Event::Comment(_) | Event::PI(_) | Event::Eof => {}
        }
        Ok(())
    }

    /// Reads a start or empty tag and says what it opens.
    fn element(&mut self, element: &BytesStart<'_>) -> std::result::Result<Element, Refusal> {
        let name = element.name();
        let name = name.as_ref();
        // Every element's attributes are read, so broken ones are refused wherever they are.
        let attributes = OutlineAttributes::read(element, self.version)?;
        Ok(match self.open.as_slice() {
            [] if self.saw_root => return self.stray_content(),
            [] => {
                self.saw_root = true;
                check_root(name)?;
                Element::Opml
            }
            [Element::Opml] if name == "body" => {
                self.saw_body = true;
                Element::Body
            }
            [Element::Opml, Element::Body, ..] if name == "outline" => self.outline(attributes)?,
            _ => Element::Other,
        })
    }

    fn outline(&mut self, attributes: OutlineAttributes) -> std::result::Result<Element, Refusal> {
        self.outlines += 1;
        if self.outlines > MAX_OUTLINES {
            return refuse(format!("it holds more than {MAX_OUTLINES} outlines"));
        }
        let Some(url) = attributes.xml_url else {
            return Ok(Element::Folder(first_non_empty([attributes.text, attributes.title])));
        };
        let url = url.trim().to_owned();
        let title = first_non_empty([attributes.title, attributes.text]).filter(|title| *title != url);
        let Some(mut address) = http_url(&url) else {
            self.skip(url, title, NOT_HTTP);
            return Ok(Element::Other);
        };
        address.set_fragment(None);
        if !self.seen.insert(address.into()) {
            self.skip(url, title, LISTED_TWICE);
            return Ok(Element::Other);
        }
        let site_url = attributes.html_url.map(|site| site.trim().to_owned()).filter(|site| http_url(site).is_some());
        let folder = self.open.iter().find_map(|open| match open {
            Element::Folder(name) => Some(name.clone()),
            _ => None,
        });
        self.found.feeds.push(OpmlFeed { url, title, site_url, folder: folder.flatten() });
        Ok(Element::Other)
    }

    fn skip(&mut self, url: String, title: Option<String>, reason: &str) {
        self.found.skipped.push(Skipped { url, title, reason: reason.to_owned() });
    }

    fn stray_content<T>(&self) -> std::result::Result<T, Refusal> {
        if self.saw_root {
            refuse("there is more after the closing </opml>")
        } else {
            refuse("it is not an XML document")
        }
    }

    fn finish(self) -> std::result::Result<Outlines, String> {
        if !self.open.is_empty() {
            return Err("the file ends before </opml>: it was cut short".into());
        }
        if !self.saw_root {
            return Err("it holds no <opml> element".into());
        }
        if !self.saw_body {
            return Err("the <opml> element has no <body>".into());
        }
        Ok(self.found)
    }
}

/// The attributes of an outline that matter here. Names are matched in any case: some exporters write
/// `xmlurl`.
#[derive(Default)]
struct OutlineAttributes {
    xml_url: Option<String>,
    html_url: Option<String>,
    title: Option<String>,
    text: Option<String>,
}

impl OutlineAttributes {
    fn read(element: &BytesStart<'_>, version: XmlVersion) -> std::result::Result<Self, Refusal> {
        let mut found = OutlineAttributes::default();
        for attribute in element.attributes() {
            let attribute = attribute?;
            // Resolves the five XML entities and character references; any other entity is an error.
            let value = attribute.normalized_value(version)?;
            let key = attribute.key.as_ref();
            let slot = if key.eq_ignore_ascii_case("xmlUrl") {
                &mut found.xml_url
            } else if key.eq_ignore_ascii_case("htmlUrl") {
                &mut found.html_url
            } else if key.eq_ignore_ascii_case("title") {
                &mut found.title
            } else if key.eq_ignore_ascii_case("text") {
                &mut found.text
            } else {
                continue;
            };
            // The reader does not refuse what XML forbids (a raw control character); leaving it out, as
            // `write` does, makes what is read the same as what an export of it reads back.
            slot.get_or_insert_with(|| value.chars().filter(|&c| carried_by_xml(c)).collect());
        }
        Ok(found)
    }
}

fn check_root(name: &str) -> std::result::Result<(), Refusal> {
    match name {
        "opml" => Ok(()),
        "rss" | "rdf:RDF" => refuse("it is an RSS feed, not a list of feeds"),
        "feed" => refuse("it is an Atom feed, not a list of feeds"),
        name if name.eq_ignore_ascii_case("html") => refuse("it is a web page"),
        name => {
            let name: String = name.chars().take(MAX_NAME_CHARS).collect();
            refuse(format!("its root element is <{name}>, not <opml>"))
        }
    }
}

fn doctype_refusal(doctype: &str) -> &'static str {
    let is_html = doctype.trim_start().get(..4).is_some_and(|start| start.eq_ignore_ascii_case("html"));
    if is_html {
        "it is a web page"
    } else {
        "it has a DOCTYPE, which OPML files do not use and Offprint does not expand"
    }
}

/// Only the five XML entities and character references exist without a DOCTYPE.
fn check_reference(reference: &BytesRef<'_>) -> std::result::Result<(), Refusal> {
    if reference.is_char_ref() {
        reference.resolve_char_ref()?;
        return Ok(());
    }
    match resolve_predefined_entity(reference) {
        Some(_) => Ok(()),
        None => {
            let name: String = reference.chars().take(MAX_NAME_CHARS).collect();
            Err(Refusal::IllFormed(format!("the entity &{name}; is not defined")))
        }
    }
}

fn http_url(url: &str) -> Option<Url> {
    Url::parse(url).ok().filter(|url| matches!(url.scheme(), "http" | "https"))
}

fn non_empty(value: &str) -> Option<&str> {
    Some(value.trim()).filter(|value| !value.is_empty())
}

fn first_non_empty<const N: usize>(values: [Option<String>; N]) -> Option<String> {
    values.iter().flatten().find_map(|value| non_empty(value)).map(str::to_owned)
}

/// The line of `text` that byte `at` falls on, counting from 1.
fn line_at(text: &str, at: u64) -> usize {
    let at = usize::try_from(at).unwrap_or(usize::MAX).min(text.len());
    text.as_bytes()[..at].iter().filter(|byte| **byte == b'\n').count() + 1
}

fn not_opml(detail: impl Into<String>) -> Error {
    Error::NotOpml { detail: detail.into() }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn feed(url: &str, title: Option<&str>, site_url: Option<&str>, folder: Option<&str>) -> OpmlFeed {
        OpmlFeed {
            url: url.into(),
            title: title.map(Into::into),
            site_url: site_url.map(Into::into),
            folder: folder.map(Into::into),
        }
    }

    fn skipped(url: &str, title: Option<&str>, reason: &str) -> Skipped {
        Skipped { url: url.into(), title: title.map(Into::into), reason: reason.into() }
    }

    /// The message of the refusal, after checking it is one.
    fn refusal(bytes: &[u8]) -> String {
        let error = parse(bytes).expect_err("the file should be refused");
        assert_eq!(error.code(), "not_opml", "{error}");
        let message = error.to_string();
        assert!(message.starts_with("not an OPML file: "), "{message}");
        message
    }

    #[test]
    fn reads_feeds_into_their_top_level_folder_and_skips_what_cannot_be_followed() {
        let outlines = parse(include_bytes!("../tests/fixtures/opml/nested.opml")).unwrap();
        assert_eq!(
            outlines.feeds,
            [
                feed(
                    "https://lantern.example.org/feed.xml",
                    Some("Lantern Quarterly"),
                    Some("https://lantern.example.org/"),
                    None
                ),
                // Lower-case attribute names, padded values, `&amp;`, and a javascript: site address dropped.
                feed("https://harbour.example.net/rss?lang=en&page=1", Some("Harbour & Tide"), None, None),
                feed(
                    "https://vestnik.example.com/rss",
                    Some("Вечерний вестник"),
                    Some("https://vestnik.example.com/"),
                    Some("News")
                ),
                // In "Science" inside "News"; an empty title falls back to the text.
                feed("http://deepfield.example.net/atom.xml", Some("Deep Field Notes"), None, Some("News")),
                feed(
                    "https://daftar.example.org/feed/",
                    Some("دفترچه باغ"),
                    Some("https://daftar.example.org/"),
                    Some("وبلاگ‌ها")
                ),
                feed("https://blank.example.com/feed", None, None, Some("Odds and ends")),
                feed("https://unnamed.example.com/index.xml", Some("Unnamed folder's feed"), None, None),
            ]
        );
        assert_eq!(
            outlines.skipped,
            [
                skipped("https://LANTERN.example.org/feed.xml#latest", Some("Lantern, once more"), LISTED_TWICE),
                skipped("ftp://archive.example.org/feed.xml", Some("Old archive"), NOT_HTTP),
                skipped("javascript:alert(document.cookie)", Some("Sneaky"), NOT_HTTP),
            ]
        );
    }

    #[test]
    fn reads_a_windows_1251_file_by_its_declaration() {
        let outlines = parse(include_bytes!("../tests/fixtures/opml/windows1251.opml")).unwrap();
        assert_eq!(
            outlines,
            Outlines {
                feeds: vec![
                    feed(
                        "https://gazeta.example.org/rss.xml",
                        Some("Городская газета"),
                        Some("https://gazeta.example.org/"),
                        Some("Новости города")
                    ),
                    feed("https://sadovod.example.net/feed", Some("Записки садовода"), None, Some("Новости города")),
                ],
                skipped: vec![],
            }
        );
    }

    #[test]
    fn accepts_a_utf8_byte_order_mark() {
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend_from_slice(
            "<opml version=\"1.0\"><body><outline text=\"Дом\" xmlUrl=\"https://dom.example.org/\"/></body></opml>"
                .as_bytes(),
        );
        assert_eq!(parse(&bytes).unwrap().feeds, [feed("https://dom.example.org/", Some("Дом"), None, None)]);
    }

    #[test]
    fn resolves_character_references_and_matches_attribute_names_in_any_case() {
        let file = br#"<opml><body>
            <outline TEXT="&#1044;&#x43E;&#x43c; &lt;3 &quot;&apos;" XMLURL="https://dom.example.org/?a=1&amp;b=2"
                HTMLURL="https://dom.example.org/"/>
        </body></opml>"#;
        assert_eq!(
            parse(file).unwrap().feeds,
            [feed("https://dom.example.org/?a=1&b=2", Some("Дом <3 \"'"), Some("https://dom.example.org/"), None)]
        );
    }

    #[test]
    fn a_title_that_only_repeats_the_address_is_no_title() {
        let file = br#"<opml><body><outline text="https://quiet.example.net/feed" xmlUrl="https://quiet.example.net/feed"/></body></opml>"#;
        assert_eq!(parse(file).unwrap().feeds, [feed("https://quiet.example.net/feed", None, None, None)]);
    }

    #[test]
    fn skips_addresses_that_are_empty_or_not_addresses() {
        let file = br#"<opml><body>
            <outline text="Empty" xmlUrl="  "/>
            <outline text="Local" xmlUrl="file:///etc/passwd"/>
            <outline text="Garbage" xmlUrl="http://"/>
            <outline text="Relative" xmlUrl="/feed.xml"/>
        </body></opml>"#;
        let outlines = parse(file).unwrap();
        assert_eq!(outlines.feeds, []);
        assert_eq!(
            outlines.skipped,
            [
                skipped("", Some("Empty"), NOT_HTTP),
                skipped("file:///etc/passwd", Some("Local"), NOT_HTTP),
                skipped("http://", Some("Garbage"), NOT_HTTP),
                skipped("/feed.xml", Some("Relative"), NOT_HTTP),
            ]
        );
    }

    #[test]
    fn reads_an_empty_body_as_no_feeds() {
        assert_eq!(parse(b"<opml version=\"2.0\"><head/><body/></opml>").unwrap(), Outlines::default());
    }

    #[test]
    fn refuses_files_that_are_not_opml_whole() {
        let cases: &[(&str, &[u8], &str)] = &[
            ("an RSS feed", include_bytes!("../tests/fixtures/opml/not-opml.xml"), "it is an RSS feed"),
            (
                "a file cut in a tag",
                include_bytes!("../tests/fixtures/opml/truncated.opml"),
                "the XML is broken on line 10",
            ),
            ("a DOCTYPE with entities", include_bytes!("../tests/fixtures/opml/entities.opml"), "it has a DOCTYPE"),
            ("an empty file", b"", "the file is empty"),
            ("only white space", b" \r\n\t ", "the file is empty"),
            ("a web page", b"<!DOCTYPE html><html><body><p>Hi</p></body></html>", "it is a web page"),
            ("a web page without a DOCTYPE", b"<html><body></body></html>", "it is a web page"),
            ("an Atom feed", b"<feed xmlns=\"http://www.w3.org/2005/Atom\"></feed>", "it is an Atom feed"),
            ("JSON", b"{\"version\": \"https://jsonfeed.org/version/1.1\"}", "it is not an XML document"),
            ("another root", b"<outlines><body/></outlines>", "its root element is <outlines>, not <opml>"),
            ("no body", b"<opml version=\"2.0\"><head/></opml>", "the <opml> element has no <body>"),
            ("a body outside opml", b"<opml><head><body/></head></opml>", "the <opml> element has no <body>"),
            ("only a comment", b"<!-- nothing -->", "it holds no <opml> element"),
            ("cut between tags", b"<opml><body><outline text=\"a\">", "the file ends before </opml>: it was cut short"),
            ("a second root", b"<opml><body/></opml><opml><body/></opml>", "there is more after the closing </opml>"),
            ("text after the root", b"<opml><body/></opml>trailing", "there is more after the closing </opml>"),
            ("mismatched tags", b"<opml>\n<body>\n</head>\n</opml>", "the XML is broken on line 3"),
            (
                "an undefined entity",
                b"<opml><body><outline text=\"&nbsp;\" xmlUrl=\"https://a.example.org/\"/></body></opml>",
                "unrecognized entity `nbsp`",
            ),
            (
                "an undefined entity in text",
                b"<opml><head><title>&copy;</title></head><body/></opml>",
                "the entity &copy; is not defined",
            ),
            ("a lone ampersand", b"<opml><body><outline text=\"a & b\"/></body></opml>", "the XML is broken"),
            (
                "a repeated attribute",
                b"<opml><body><outline text=\"a\" text=\"b\"/></body></opml>",
                "the XML is broken",
            ),
        ];
        for (what, bytes, expected) in cases {
            let message = refusal(bytes);
            assert!(message.contains(expected), "{what}: {message:?} does not say {expected:?}");
        }
    }

    #[test]
    fn refuses_nesting_deeper_than_the_bound() {
        let nested = |depth: usize| {
            let folders = depth - 2;
            format!(
                "<opml><body>{}{}</body></opml>",
                "<outline text=\"f\">".repeat(folders),
                "</outline>".repeat(folders)
            )
        };
        assert!(parse(nested(MAX_DEPTH).as_bytes()).is_ok());
        let message = refusal(nested(MAX_DEPTH + 1).as_bytes());
        assert!(message.contains("nest more than 64 levels deep"), "{message}");
    }

    #[test]
    fn refuses_more_outlines_than_the_bound() {
        let many = |count: usize| format!("<opml><body>{}</body></opml>", "<outline text=\"note\"/>".repeat(count));
        assert!(parse(many(MAX_OUTLINES).as_bytes()).is_ok());
        let message = refusal(many(MAX_OUTLINES + 1).as_bytes());
        assert!(message.contains("more than 100000 outlines"), "{message}");
    }

    #[test]
    fn writes_loose_feeds_first_then_one_outline_per_folder() {
        let feeds = [
            feed("https://a.example.org/feed", Some("Alpha"), Some("https://a.example.org/"), Some("News")),
            feed("https://b.example.org/feed", None, None, None),
            feed("https://c.example.org/feed", Some("Гамма"), None, Some("Наука")),
            feed("https://d.example.org/feed", Some("دلتا"), None, Some("News")),
        ];
        assert_eq!(
            write("Offprint", &feeds),
            r#"<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head>
    <title>Offprint</title>
  </head>
  <body>
    <outline type="rss" text="https://b.example.org/feed" title="https://b.example.org/feed" xmlUrl="https://b.example.org/feed"/>
    <outline text="News" title="News">
      <outline type="rss" text="Alpha" title="Alpha" xmlUrl="https://a.example.org/feed" htmlUrl="https://a.example.org/"/>
      <outline type="rss" text="دلتا" title="دلتا" xmlUrl="https://d.example.org/feed"/>
    </outline>
    <outline text="Наука" title="Наука">
      <outline type="rss" text="Гамма" title="Гамма" xmlUrl="https://c.example.org/feed"/>
    </outline>
  </body>
</opml>
"#
        );
    }

    #[test]
    fn writes_an_empty_list_that_reads_back_empty() {
        assert_eq!(parse(write("Nothing yet", &[]).as_bytes()).unwrap(), Outlines::default());
    }

    #[test]
    fn escapes_markup_quotes_and_line_breaks() {
        let feeds = [feed("https://a.example.org/?x=1&y=2", Some("<b>\"Tom & Jerry\"</b>\n\tnews\u{1}"), None, None)];
        let written = write("A & <B>", &feeds);
        assert!(written.contains("<title>A &amp; &lt;B&gt;</title>"), "{written}");
        assert!(
            written.contains(
                "text=\"&lt;b&gt;&quot;Tom &amp; Jerry&quot;&lt;/b&gt;&#10;&#9;news\" \
                 title=\"&lt;b&gt;&quot;Tom &amp; Jerry&quot;&lt;/b&gt;&#10;&#9;news\" \
                 xmlUrl=\"https://a.example.org/?x=1&amp;y=2\"/>"
            ),
            "{written}"
        );
    }

    /// The order `write` puts feeds in: loose ones, then by folder in order of first appearance.
    fn grouped(feeds: &[OpmlFeed]) -> Vec<OpmlFeed> {
        let mut folders: Vec<&Option<String>> = vec![&None];
        for feed in feeds {
            if !folders.contains(&&feed.folder) {
                folders.push(&feed.folder);
            }
        }
        let mut grouped = feeds.to_vec();
        grouped.sort_by_key(|feed| folders.iter().position(|folder| **folder == feed.folder));
        grouped
    }

    /// Titles and folder names as `parse` gives them back: trimmed, never empty.
    fn label() -> impl Strategy<Value = Option<String>> {
        proptest::option::of("[a-zA-Z0-9 .,'\"&<>;#\n\r\tабвгдЖЯёЪ سلامپژگچیکئ\u{200c}]{0,16}")
            .prop_map(|label| label.map(|label| label.trim().to_owned()).filter(|label| !label.is_empty()))
    }

    fn feeds() -> impl Strategy<Value = Vec<OpmlFeed>> {
        let feed =
            ("[a-z0-9/._~-]{0,12}", "(\\?[a-z]=[0-9]&[a-z]=[0-9])?", any::<bool>(), label(), label(), any::<bool>());
        proptest::collection::vec(feed, 0..24).prop_map(|feeds| {
            feeds
                .into_iter()
                .enumerate()
                .map(|(i, (path, query, secure, title, folder, has_site))| OpmlFeed {
                    url: format!("{}://feed{i}.example.org/{path}{query}", if secure { "https" } else { "http" }),
                    title,
                    site_url: has_site.then(|| format!("https://site{i}.example.net/?from=opml&n={i}")),
                    folder,
                })
                .collect()
        })
    }

    proptest! {
        #[test]
        fn what_is_written_reads_back_the_same(title in label(), feeds in feeds()) {
            let written = write(title.as_deref().unwrap_or(""), &feeds);
            let outlines = parse(written.as_bytes()).unwrap();
            prop_assert_eq!(outlines.skipped, []);
            prop_assert_eq!(outlines.feeds, grouped(&feeds));
        }
    }
}
