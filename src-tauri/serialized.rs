//! Reads HTML as an HTML serializer writes it, the sanitizer's output: a sequence of text and tags, every
//! attribute value quoted, every `<` in text written `&lt;`, no comments, no raw-text elements (the
//! allow-list has none) and an end tag for every element that is not void.
//!
//! The passes after the sanitizer (`localize`) only point pictures elsewhere and take the text, so they
//! need no parser's guesses: this splits such a document in one linear scan, where a streaming rewriter
//! spent more time than the sanitizer itself. It is never given a post as it came; that goes through
//! `sanitize` first.

use std::borrow::Cow;

/// A piece of a serialized document: text as written (entities and all), or a tag.
#[derive(Debug, Clone, PartialEq)]
pub enum Piece<'a> {
    Text(&'a str),
    Tag(Tag<'a>),
}

/// A start or end tag.
#[derive(Debug, Clone, PartialEq)]
pub struct Tag<'a> {
    /// The whole tag as written, `<` to `>`.
    pub raw: &'a str,
    /// Its name, lowercased.
    pub name: Cow<'a, str>,
    pub end: bool,
    pub attributes: Vec<Attribute<'a>>,
}

/// An attribute as written.
#[derive(Debug, Clone, PartialEq)]
pub struct Attribute<'a> {
    /// The attribute with the space before it: ` name="value"`.
    pub raw: &'a str,
    pub name: &'a str,
    /// The value between its quotes, entities and all (empty for a bare name).
    pub value: &'a str,
}

impl<'a> Tag<'a> {
    /// The attribute's value with its entities decoded.
    pub fn get(&self, name: &str) -> Option<Cow<'a, str>> {
        self.attributes.iter().find(|a| a.name.eq_ignore_ascii_case(name)).map(|a| htmlize::unescape_attribute(a.value))
    }

    /// Whether the `class` attribute lists `class`.
    pub fn has_class(&self, class: &str) -> bool {
        self.get("class").is_some_and(|classes| classes.split_ascii_whitespace().any(|c| c == class))
    }
}

/// The pieces of `html` in order, or `None` if it is not serialized HTML after all (a tag left open at
/// the end): the caller then keeps the document as it is.
pub fn pieces(html: &str) -> Option<Vec<Piece<'_>>> {
    let mut out = Vec::new();
    let mut rest = html;
    while !rest.is_empty() {
        let text_end = match rest.find('<') {
            Some(0) => {
                // A `<` that starts no tag is text, as a parser reads it.
                if rest[1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '/') {
                    0
                } else {
                    rest[1..].find('<').map_or(rest.len(), |i| i + 1)
                }
            }
            Some(open) => open,
            None => rest.len(),
        };
        if text_end > 0 {
            out.push(Piece::Text(&rest[..text_end]));
            rest = &rest[text_end..];
            continue;
        }
        let (tag, len) = tag(rest)?;
        out.push(Piece::Tag(tag));
        rest = &rest[len..];
    }
    Some(out)
}

/// The tag at the start of `s` (which starts with `<` and a letter or `/`), and its length.
fn tag(s: &str) -> Option<(Tag<'_>, usize)> {
    let bytes = s.as_bytes();
    let end = bytes.get(1) == Some(&b'/');
    let name_start = if end { 2 } else { 1 };
    let mut at = name_start;
    while at < bytes.len() && !is_space(bytes[at]) && bytes[at] != b'>' && bytes[at] != b'/' {
        at += 1;
    }
    let name = &s[name_start..at];
    let name = if name.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(name.to_ascii_lowercase())
    } else {
        Cow::Borrowed(name)
    };
    let mut attributes = Vec::new();
    loop {
        let attribute_start = at;
        while at < bytes.len() && (is_space(bytes[at]) || bytes[at] == b'/') {
            at += 1;
        }
        match bytes.get(at) {
            None => return None,
            Some(b'>') => break,
            Some(_) => {}
        }
        let name_start = at;
        while at < bytes.len() && !is_space(bytes[at]) && !matches!(bytes[at], b'=' | b'>' | b'/') {
            at += 1;
        }
        let name_end = at;
        let mut value = "";
        if bytes.get(at) == Some(&b'=') {
            at += 1;
            match bytes.get(at) {
                Some(&quote @ (b'"' | b'\'')) => {
                    let close = s[at + 1..].find(quote as char)? + at + 1;
                    value = &s[at + 1..close];
                    at = close + 1;
                }
                _ => {
                    let start = at;
                    while at < bytes.len() && !is_space(bytes[at]) && bytes[at] != b'>' {
                        at += 1;
                    }
                    value = &s[start..at];
                }
            }
        }
        attributes.push(Attribute { raw: &s[attribute_start..at], name: &s[name_start..name_end], value });
    }
    let len = at + 1;
    Some((Tag { raw: &s[..len], name, end, attributes }, len))
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(html: &str) -> Vec<String> {
        pieces(html)
            .unwrap()
            .into_iter()
            .map(|p| match p {
                Piece::Text(t) => format!("text {t}"),
                Piece::Tag(t) if t.end => format!("/{}", t.name),
                Piece::Tag(t) => {
                    let attributes: Vec<String> =
                        t.attributes.iter().map(|a| format!("{}={}", a.name, a.value)).collect();
                    format!("{} {}", t.name, attributes.join(" ")).trim_end().to_owned()
                }
            })
            .collect()
    }

    #[test]
    fn splits_text_and_tags_with_their_attributes() {
        assert_eq!(
            names(r#"<p dir="rtl">A &amp; B</p><img src="https://e.example/a.jpg?x=1&amp;y=2" alt="a > b"><br>"#),
            ["p dir=rtl", "text A &amp; B", "/p", "img src=https://e.example/a.jpg?x=1&amp;y=2 alt=a > b", "br"]
        );
        assert_eq!(names("<IMG SRC='a' controls>x"), ["img SRC=a controls=", "text x"]);
        assert_eq!(names("3 < 4 <5"), ["text 3 ", "text < 4 ", "text <5"]);
    }

    #[test]
    fn every_byte_is_in_exactly_one_piece() {
        let html = r#"<p>One <a class="op-embed x" href="https://e.example/?a=1&amp;b=2">two</a></p> three <br/>"#;
        let joined: String = pieces(html)
            .unwrap()
            .iter()
            .map(|p| match p {
                Piece::Text(t) => *t,
                Piece::Tag(t) => t.raw,
            })
            .collect();
        assert_eq!(joined, html);
        let Piece::Tag(link) = &pieces(html).unwrap()[2] else { panic!() };
        assert!(link.has_class("op-embed") && !link.has_class("op"));
        assert_eq!(link.get("href").as_deref(), Some("https://e.example/?a=1&b=2"));
    }

    #[test]
    fn a_tag_left_open_is_no_serialized_html() {
        assert_eq!(pieces(r#"<p>text <img src="a"#), None);
        assert_eq!(pieces("<p"), None);
    }
}
