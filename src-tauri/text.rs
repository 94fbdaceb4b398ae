//! Plain text out of HTML: titles, authors, summaries and the text the search index sees.
//!
//! Feeds put entity-escaped markup in fields that are meant to be text (`A&amp;amp;M`, `<b>Breaking</b>`),
//! so everything shown as text goes through [`html_to_text`] once, when it is parsed. Only character data
//! is kept: the contents of `<script>`, `<style>` and other raw-text elements never become text.

use std::cell::{Cell, RefCell};

use lol_html::html_content::TextType;
use lol_html::{RewriteStrSettings, doc_text, rewrite_str};

use crate::rewriting::{element, text};

/// Elements that start a new line of text.
const BLOCKS: &str = "p, div, br, li, tr, h1, h2, h3, h4, h5, h6, blockquote, pre, figure, figcaption, \
                      section, article, header, footer, aside, table, ul, ol, dl, dt, dd, hr";

/// [`BLOCKS`], one name each, for a look-up per tag.
static BLOCK_NAMES: std::sync::LazyLock<Vec<&str>> =
    std::sync::LazyLock::new(|| BLOCKS.split(',').map(str::trim).collect());

/// Elements whose contents a reader never sees as text, even when the parser calls them character data
/// (a `<script>` inside `<svg>` is).
const HIDDEN: &str = "script, style, svg, math, template, noscript, iframe, object, textarea, select, title, head";

/// The text a reader sees in `html`, entities decoded, whitespace collapsed to single spaces.
pub fn html_to_text(html: &str) -> String {
    if !html.contains(['<', '&']) {
        return collapse_whitespace(html);
    }
    collected(html).map(TextCollector::text).unwrap_or_default()
}

/// The text of `html` for a terminal: one paragraph per block element, separated by blank lines.
pub fn html_to_paragraphs(html: &str) -> String {
    html_to_lines(html).lines().map(collapse_whitespace).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n\n")
}

/// The text of `html` with entities decoded and a line break before every block element.
fn html_to_lines(html: &str) -> String {
    collected(html).map(TextCollector::lines).unwrap_or_default()
}

/// The text of `html` as written, taken by a [`TextCollector`].
fn collected(html: &str) -> Option<TextCollector> {
    let text = TextCollector::default();
    // Markup this broken still has text worth keeping; never give up on it.
    let rewritten = rewrite_str(html, text.collect(RewriteStrSettings::new().with_strict(false)));
    // Not strict, lol_html fails only on memory limits we do not set; should it ever, no text beats
    // markup taken for text.
    rewritten.is_ok().then_some(text)
}

/// The text of a document, taken while a rewrite streams it, so a pass that changes the document (see
/// `localize`) can take its text at the same time. Its handlers change nothing.
#[derive(Default)]
pub struct TextCollector {
    raw: RefCell<String>,
    /// Set on a text chunk inside a hidden element, for the document's handler, which sees it next, to
    /// pass it over.
    hidden: Cell<bool>,
}

impl TextCollector {
    /// `settings` with the handlers that take the text appended.
    pub fn collect<'h, 's>(&'h self, settings: RewriteStrSettings<'h, 's>) -> RewriteStrSettings<'h, 's> {
        settings
            .append_element_content_handler(element!(BLOCKS, |_el| {
                self.raw.borrow_mut().push(BLOCK_START);
                Ok(())
            }))
            // An embed card reads "YouTube: Protest outside the court", not "YouTubeProtest outside...".
            .append_element_content_handler(element!("span.op-embed-title", |_el| {
                self.raw.borrow_mut().push_str(": ");
                Ok(())
            }))
            .append_element_content_handler(text!(HIDDEN, |_chunk| {
                self.hidden.set(true);
                Ok(())
            }))
            .append_document_content_handler(doc_text!(|chunk| {
                if !self.hidden.replace(false) && chunk.text_type() == TextType::Data {
                    self.raw.borrow_mut().push_str(chunk.as_str());
                }
                Ok(())
            }))
    }

    /// The text taken, entities decoded, with a line break before every block element.
    pub fn lines(self) -> String {
        lines_of(&self.raw.into_inner())
    }

    /// The text taken, entities decoded, on one line (see [`text_of`]).
    pub fn text(self) -> String {
        text_of(&self.raw.into_inner())
    }
}

/// Text as written in a document, its block elements marked by [`BLOCK_START`], as lines: entities
/// decoded, a line break at every mark. Line breaks inside the source are not the reader's lines.
pub(crate) fn lines_of(raw: &str) -> String {
    htmlize::unescape(raw.replace('\n', " ").replace(BLOCK_START, "\n")).into_owned()
}

/// Text as written in a document, as [`lines_of`] has it, on one line: entities decoded, every run of
/// whitespace and block marks one space. What [`html_to_text`] gives, without making the lines first.
pub(crate) fn text_of(raw: &str) -> String {
    collapse(&htmlize::unescape(raw), BLOCK_START as u8)
}

/// Text as written in a document, as [`text_of`] has it but with its whitespace as written: entities
/// decoded, every block mark a space. Its words are [`text_of`]'s; what only reads words (their count,
/// the search index's) is spared collapsing the whitespace of a whole story.
pub(crate) fn spaced_text_of(raw: &str) -> String {
    htmlize::unescape(raw).replace(BLOCK_START, " ")
}

/// The first words of `text`, whitespace collapsed as [`collapse_whitespace`] has it, up to the first
/// past `max` characters: [`truncate_words`] cuts it to `max` exactly as it cuts the whole.
pub(crate) fn collapsed_lead(text: &str, max: usize) -> String {
    // The characters of the words taken so far, with a space after each: one more than the lead's.
    let mut taken = 0usize;
    let lead = words(text, b' ').take_while(|word| {
        let more = taken.saturating_sub(1) <= max;
        taken += word.chars().count() + 1;
        more
    });
    spaced(lead, 0)
}

/// `bytes` in lowercase hexadecimal, two digits each: how a hash is written in the cache.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(2 * bytes.len());
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    out
}

/// Marks where a block element starts in text taken from a document.
pub(crate) const BLOCK_START: char = '\u{1}';

/// Whether a start tag named `name` starts a new line of text.
pub(crate) fn is_block(name: &str) -> bool {
    BLOCK_NAMES.contains(&name)
}

/// Collapses every run of whitespace (Unicode's, as [`char::is_whitespace`] has it) to one space and
/// trims the ends (see [`words`]).
pub fn collapse_whitespace(s: &str) -> String {
    collapse(s, b' ')
}

/// [`collapse_whitespace`], the ASCII character `also` counted as whitespace too.
fn collapse(s: &str, also: u8) -> String {
    spaced(words(s, also), s.len())
}

/// `words` with one space between them.
fn spaced<'a>(words: impl Iterator<Item = &'a str>, capacity: usize) -> String {
    let mut out = String::with_capacity(capacity);
    for word in words {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The words of `s` (parted by whitespace, as [`str::split_whitespace`] has them) counted up to `max`.
pub fn count_words(s: &str, max: usize) -> usize {
    words(s, b' ').take(max).count()
}

/// The runs of `s` between whitespace (Unicode's, as [`char::is_whitespace`] has it) and the ASCII
/// `also`. It reads bytes, skipping a word's by a table, and decodes only those that can start a wide
/// space: the text of every story passes through here.
fn words(s: &str, also: u8) -> impl Iterator<Item = &str> {
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < s.len() {
            let width = space_width(s, i, also);
            if width > 0 {
                i += width;
                continue;
            }
            let start = i;
            i = word_end(s, i + 1, also);
            return Some(&s[start..i]);
        }
        None
    })
}

/// Where the word running at byte `i` of `s` ends: at the next whitespace (or `also`), else at the end.
#[inline]
fn word_end(s: &str, mut i: usize, also: u8) -> usize {
    let bytes = s.as_bytes();
    loop {
        while i < bytes.len() && !MAY_START_SPACE[usize::from(bytes[i])] && bytes[i] != also {
            i += 1;
        }
        if i >= bytes.len() || space_width(s, i, also) > 0 {
            return i;
        }
        i += 1;
    }
}

/// The bytes that can start whitespace: ASCII's, and the first bytes of the wide spaces (U+0085 and
/// U+00A0; U+1680; U+2000 to U+205F; U+3000), none of which falls inside a character.
static MAY_START_SPACE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = matches!(b as u8, b'\t'..=b'\r' | b' ' | 0xC2 | 0xE1 | 0xE2 | 0xE3);
        b += 1;
    }
    table
};

/// The width in bytes of the whitespace (or the ASCII `also`) at byte `i` of `s`, 0 if there is none.
/// `i` may fall inside a character: only the bytes of [`MAY_START_SPACE`] are decoded.
#[inline]
fn space_width(s: &str, i: usize, also: u8) -> usize {
    match s.as_bytes()[i] {
        byte if byte == also => 1,
        byte if !MAY_START_SPACE[usize::from(byte)] => 0,
        byte if byte.is_ascii() => 1,
        _ => s[i..].chars().next().filter(|c| c.is_whitespace()).map_or(0, char::len_utf8),
    }
}

/// Cuts `s` to at most `max` characters on a word boundary, with an ellipsis when cut.
pub fn truncate_words(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let cut: String = s.chars().take(max).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > cut.len() / 2 => &cut[..i],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end_matches([' ', ',', ';', ':', '.']))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn words_are_parted_as_split_whitespace_parts_them(s in "[ \n\t\u{85}\u{a0}\u{1680}\u{2003}\u{3000}\u{200b}aбپ.é]{0,40}", max in 0usize..12) {
            prop_assert_eq!(count_words(&s, max), s.split_whitespace().take(max).count());
            prop_assert_eq!(count_words(&s, usize::MAX), s.split_whitespace().count());
            prop_assert_eq!(collapse_whitespace(&s), s.split_whitespace().collect::<Vec<_>>().join(" "));
        }

        // The one-line text is the lines' text collapsed, however blocks, breaks and entities mix. (But
        // for a U+0001 written as `&#1;`, which parts words there like the block mark it reads as.)
        #[test]
        fn text_of_is_the_lines_collapsed(raw in "([ \n\t\u{1}\u{a0}\u{2003}aбپ.]|&amp;|&#10;|&#xa0;|&nbsp;|&){0,40}") {
            prop_assert_eq!(text_of(&raw), collapse_whitespace(&lines_of(&raw)));
            prop_assert_eq!(collapse_whitespace(&spaced_text_of(&raw)), text_of(&raw));
        }

        #[test]
        fn a_lead_cuts_as_the_whole_text_collapsed(s in "[ \n\t\u{a0}\u{3000}aбپé,.]{0,60}", max in 0usize..30, longer in 0usize..20) {
            let whole = truncate_words(&collapse_whitespace(&s), max);
            prop_assert_eq!(truncate_words(&collapsed_lead(&s, max), max), whole.clone());
            // A lead taken for a longer cut serves this one too.
            prop_assert_eq!(truncate_words(&collapsed_lead(&s, max + longer), max), whole);
        }
    }

    #[test]
    fn an_embed_card_reads_as_provider_then_title() {
        let card = r#"<a class="op-embed" href="https://vimeo.com/1"><span class="op-embed-provider">Vimeo</span><span class="op-embed-title">Night ferry</span></a>"#;
        assert_eq!(html_to_text(card), "Vimeo: Night ferry");
    }

    #[test]
    fn decodes_entities_once() {
        assert_eq!(html_to_text("A&amp;M"), "A&M");
        assert_eq!(html_to_text("A&amp;amp;M"), "A&amp;M");
        assert_eq!(html_to_text("Caf&eacute; &#1055;&#1088;&#1080;"), "Café При");
        // A control character written as a reference parts words, as the block mark it reads as does.
        assert_eq!(html_to_text("<p>a&#1;b</p>"), "a b");
    }

    #[test]
    fn strips_markup_and_keeps_words_apart() {
        assert_eq!(html_to_text("<p>One</p><p>Two <b>three</b></p>"), "One Two three");
        assert_eq!(html_to_text("line<br>break"), "line break");
    }

    #[test]
    fn never_turns_script_or_style_into_text() {
        let text = html_to_text("<p>Safe</p><script>alert(1)</script><style>p{}</style>");
        assert_eq!(text, "Safe");
        let text = html_to_text("<p>Safe</p><svg><script>alert(1)</script></svg><math><style>x</style></math>");
        assert_eq!(text, "Safe");
        let text = html_to_text("<select><option>x</select><frameset><p>Still read</p>");
        assert_eq!(text, "Still read");
    }

    #[test]
    fn hashes_are_written_as_lowercase_hexadecimal() {
        assert_eq!(hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
        assert_eq!(hex(&[]), "");
    }

    #[test]
    fn leaves_plain_text_alone_but_collapses_whitespace() {
        assert_eq!(html_to_text("  Суд над   журналистом \n"), "Суд над журналистом");
        assert_eq!(html_to_text("3 < 4 and 5 > 2"), "3 < 4 and 5 > 2");
    }

    #[test]
    fn collapses_every_unicode_space_as_splitting_at_them_would() {
        let spaces: Vec<char> = (0..=0x3000u32).filter_map(char::from_u32).filter(|c| c.is_whitespace()).collect();
        assert_eq!(spaces.len(), 25, "the White_Space characters up to U+3000");
        let mut text = String::from("  Суд");
        for (i, space) in spaces.iter().enumerate() {
            // Each space, and beside it its neighbour in UTF-8, which is no space (U+0084, U+2060...).
            let near = char::from_u32(*space as u32 + 1).unwrap();
            text.push_str(&format!("{space}w{i}{near}x{space}{space}"));
        }
        text.push_str("\u{200c}end\u{a0}");
        let words: Vec<&str> = text.split_whitespace().collect();
        assert_eq!(collapse_whitespace(&text), words.join(" "));
        assert!(collapse_whitespace(&text).starts_with("Суд w0"));
        assert_eq!(collapse_whitespace(" \u{3000}\n"), "");
        assert_eq!(collapse_whitespace("one"), "one");
    }

    #[test]
    fn keeps_paragraphs_apart_for_a_terminal() {
        let html = "<h2>Verdict</h2><p>The court\nruled.</p><ul><li>One</li><li>Two</li></ul>";
        assert_eq!(html_to_paragraphs(html), "Verdict\n\nThe court ruled.\n\nOne\n\nTwo");
    }

    #[test]
    fn truncates_on_a_word_boundary() {
        assert_eq!(truncate_words("short", 10), "short");
        assert_eq!(truncate_words("one two three four", 12), "one two…");
    }
}
