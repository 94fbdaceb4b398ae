//! Turns a feed's bytes into UTF-8 text, finding the encoding the way browsers and feed readers do.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8};

/// Decodes `body` to UTF-8. The encoding comes from, in order: a byte-order mark, the HTTP
/// `Content-Type` charset, the XML declaration, else UTF-8. A header that claims UTF-8 for a body that
/// is not UTF-8 is not believed when the document declares something else. Undecodable bytes become
/// U+FFFD rather than failing the whole feed. An XML declaration is rewritten to say UTF-8, since the
/// text no longer is what it declared.
pub fn decode<'a>(body: &'a [u8], content_type: Option<&str>) -> Cow<'a, str> {
    let (encoding, bom_len) = detect(body, content_type);
    let (text, _) = encoding.decode_without_bom_handling(&body[bom_len..]);
    match text {
        Cow::Borrowed(s) => strip_declared_encoding(s).map_or(Cow::Borrowed(s), Cow::Owned),
        Cow::Owned(s) => {
            let stripped = strip_declared_encoding(&s);
            Cow::Owned(stripped.unwrap_or(s))
        }
    }
}

/// Decodes an HTML page to UTF-8: a byte-order mark, the HTTP `Content-Type` charset, a `<meta>`
/// charset near the top of the page, else UTF-8, with the same distrust of a header that lies about UTF-8.
pub fn decode_html<'a>(body: &'a [u8], content_type: Option<&str>) -> Cow<'a, str> {
    let (encoding, bom_len) = detect_with(body, content_type, meta_charset);
    encoding.decode_without_bom_handling(&body[bom_len..]).0
}

fn detect(body: &[u8], content_type: Option<&str>) -> (&'static Encoding, usize) {
    detect_with(body, content_type, declared_encoding)
}

fn detect_with(
    body: &[u8],
    content_type: Option<&str>,
    declared_in: fn(&[u8]) -> Option<&'static Encoding>,
) -> (&'static Encoding, usize) {
    if let Some((encoding, bom_len)) = Encoding::for_bom(body) {
        return (encoding, bom_len);
    }
    let declared = declared_in(body);
    if let Some(header) = content_type.and_then(header_charset) {
        let lying_utf8 = header == UTF_8 && std::str::from_utf8(body).is_err() && declared.is_some();
        if !lying_utf8 {
            return (ascii_compatible(header), 0);
        }
    }
    (declared.map(ascii_compatible).unwrap_or(UTF_8), 0)
}

/// UTF-16 without a BOM was not really UTF-16 (we could read its declaration as ASCII).
fn ascii_compatible(encoding: &'static Encoding) -> &'static Encoding {
    if encoding.is_ascii_compatible() { encoding } else { UTF_8 }
}

fn header_charset(content_type: &str) -> Option<&'static Encoding> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| Encoding::for_label(value.trim().trim_matches(['"', '\'']).as_bytes()))?
    })
}

/// The `encoding` pseudo-attribute of an XML declaration at the start of `body`.
fn declared_encoding(body: &[u8]) -> Option<&'static Encoding> {
    let head = &body[..body.len().min(512)];
    let start = head.iter().position(|b| !b.is_ascii_whitespace())?;
    let head = &head[start..];
    if !head.starts_with(b"<?xml") {
        return None;
    }
    let end = head.windows(2).position(|w| w == b"?>")?;
    let decl = std::str::from_utf8(&head[..end]).ok()?;
    let value = pseudo_attribute(decl, "encoding")?;
    Encoding::for_label(value.as_bytes())
}

/// The charset a page declares in its first kilobyte: `<meta charset="...">` or the `charset=` of a
/// `<meta http-equiv="Content-Type" content="...">`.
fn meta_charset(body: &[u8]) -> Option<&'static Encoding> {
    let head = String::from_utf8_lossy(&body[..body.len().min(1024)]).to_ascii_lowercase();
    head.match_indices("<meta").find_map(|(at, _)| {
        let tag = &head[at..at + head[at..].find('>')?];
        let value = &tag[tag.find("charset")? + "charset".len()..];
        let value = value.trim_start().strip_prefix('=')?.trim_start().trim_start_matches(['"', '\'']);
        let end = value.find(|c: char| c == '"' || c == '\'' || c == ';' || c == '/' || c.is_whitespace());
        Encoding::for_label(&value.as_bytes()[..end.unwrap_or(value.len())])
    })
}

/// The value of the pseudo-attribute `name` in the XML declaration `decl` (from `<?xml` to before `?>`),
/// read one attribute after another as the XML parser reads them: `xencoding="..."`, or a value that
/// spells `encoding`, is not the encoding.
fn pseudo_attribute<'a>(decl: &'a str, name: &str) -> Option<&'a str> {
    let mut rest = decl.strip_prefix("<?xml")?;
    loop {
        let (attribute, after) = rest.split_once('=')?;
        let after = after.trim_start();
        let quote = after.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let (value, remaining) = after[1..].split_once(quote)?;
        if attribute.trim() == name {
            return Some(value);
        }
        rest = remaining;
    }
}

/// Rewrites `<?xml version="1.0" encoding="windows-1251"?>` as `<?xml version="1.0"?>`, now that the text
/// is UTF-8. A declaration of UTF-8 says nothing false and stays (not copying the whole feed to drop it).
fn strip_declared_encoding(text: &str) -> Option<String> {
    let start = text.len() - text.trim_start().len();
    let rest = &text[start..];
    if !rest.starts_with("<?xml") {
        return None;
    }
    let end = rest.find("?>")?;
    let decl = &rest[..end];
    let declared = pseudo_attribute(decl, "encoding")?;
    if Encoding::for_label(declared.as_bytes()) == Some(UTF_8) {
        return None;
    }
    let version = pseudo_attribute(decl, "version").unwrap_or("1.0");
    let version = if version.chars().all(|c| c.is_ascii_digit() || c == '.') { version } else { "1.0" };
    Some(format!("<?xml version=\"{version}\"?>{}", &rest[end + 2..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_windows_1251_from_the_xml_declaration() {
        let (bytes, _, _) =
            encoding_rs::WINDOWS_1251.encode("<?xml version=\"1.0\" encoding=\"windows-1251\"?><t>Суд</t>");
        assert_eq!(decode(&bytes, None), "<?xml version=\"1.0\"?><t>Суд</t>");
    }

    #[test]
    fn a_declaration_of_utf8_is_left_and_the_feed_not_copied() {
        let feed = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><t>Суд</t>";
        assert!(matches!(decode(feed.as_bytes(), None), Cow::Borrowed(text) if text == feed));
        let declared_other = "<?xml version=\"1.0\" encoding=\"utf-16\"?><t>Суд</t>";
        assert_eq!(decode(declared_other.as_bytes(), None), "<?xml version=\"1.0\"?><t>Суд</t>");
    }

    #[test]
    fn the_encoding_is_the_attribute_of_that_name_only() {
        let feed = "<?xml version=\"1.0\" xencoding=\"utf-8\" encoding=\"koi8-r\"?><t>Суд</t>";
        let (bytes, _, _) = encoding_rs::KOI8_R.encode(feed);
        assert_eq!(decode(&bytes, None), "<?xml version=\"1.0\"?><t>Суд</t>");
        let spelled = "<?xml version='encoding' encoding=\"windows-1251\"?><t>Суд</t>";
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(spelled);
        assert_eq!(decode(&bytes, None), "<?xml version=\"1.0\"?><t>Суд</t>");
    }

    #[test]
    fn the_http_header_wins_over_the_declaration() {
        let (bytes, _, _) = encoding_rs::ISO_8859_2.encode("<?xml version=\"1.0\" encoding=\"utf-8\"?><t>Łódź</t>");
        let text = decode(&bytes, Some("application/rss+xml; charset=ISO-8859-2"));
        assert!(text.ends_with("<t>Łódź</t>"), "{text}");
    }

    #[test]
    fn reads_a_pages_meta_charset() {
        let (page, _, _) =
            encoding_rs::WINDOWS_1251.encode("<html><head><meta charset=\"windows-1251\"><title>Суд</title>");
        assert!(decode_html(&page, Some("text/html")).contains("<title>Суд</title>"));
        let (page, _, _) = encoding_rs::WINDOWS_1251
            .encode("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1251\"><p>Суд</p>");
        assert!(decode_html(&page, None).contains("<p>Суд</p>"));
        assert_eq!(decode_html("<p>Dadgah دادگاه</p>".as_bytes(), None), "<p>Dadgah دادگاه</p>");
    }

    #[test]
    fn a_header_that_lies_about_utf8_is_not_believed() {
        let (bytes, _, _) =
            encoding_rs::WINDOWS_1251.encode("<?xml version=\"1.0\" encoding=\"windows-1251\"?><t>Мир</t>");
        let text = decode(&bytes, Some("text/xml; charset=utf-8"));
        assert!(text.ends_with("<t>Мир</t>"), "{text}");
    }

    #[test]
    fn a_byte_order_mark_wins_over_everything() {
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend_from_slice("<?xml version='1.0' encoding='iso-8859-1'?><t>Қазақ</t>".as_bytes());
        let text = decode(&bytes, Some("text/xml; charset=iso-8859-1"));
        assert!(text.ends_with("<t>Қазақ</t>"), "{text}");
    }

    #[test]
    fn invalid_bytes_become_replacement_characters() {
        assert_eq!(decode(b"<t>a\xFFb</t>", None), "<t>a\u{FFFD}b</t>");
    }
}
