//! Points every picture of a sanitized post at the app's own copy, so a story reads the same offline.
//!
//! The window may load pictures only from the `offprint-img` scheme (its CSP allows nothing else), which
//! serves what sync downloaded. This module is the pure half of that: it runs on the sanitizer's output,
//! picks one remote URL per picture, writes the matching local URL in its place and lists the remote URLs
//! for the downloader. A picture's key is a hash of its remote URL, so the HTML can be written before the
//! picture is fetched, and refetching never rewrites stored HTML.

use std::collections::HashSet;

use sha2::{Digest, Sha256};
use url::Url;

use crate::sanitize::parse_srcset;
use crate::serialized::{self, Piece, Tag};
use crate::text::{BLOCK_START, html_to_text, is_block, spaced_text_of};

/// The URI scheme the window loads pictures from.
pub const SCHEME: &str = "offprint-img";

/// Widest `w` candidate worth keeping: wide enough for a full-width picture on a 2x screen, while the
/// 4000-pixel originals some sites list would fill the image budget ten times as fast.
const MAX_WIDTH: f64 = 2400.0;

/// Densest `x` candidate worth keeping, for the same reason.
const MAX_DENSITY: f64 = 2.0;

/// The key a picture is stored under: the first 32 hex digits of the SHA-256 of its remote URL.
pub fn image_key(remote: &str) -> String {
    crate::text::hex(&Sha256::digest(remote.as_bytes())[..16])
}

/// The URL the window loads the picture at `remote` from.
pub fn local_url(remote: &str) -> String {
    format!("{SCHEME}://localhost/{}", image_key(remote))
}

/// The key in a local picture URL as any platform's webview spells it (Windows serves custom schemes as
/// `http(s)://offprint-img.localhost/`), or a bare key. Anything else, or a malformed key, is `None`.
pub fn key_of_local_url(s: &str) -> Option<&str> {
    let custom = s.strip_prefix(SCHEME).and_then(|rest| rest.strip_prefix("://localhost/"));
    let windows = || {
        let rest = s.strip_prefix("http://").or_else(|| s.strip_prefix("https://"))?;
        rest.strip_prefix(SCHEME)?.strip_prefix(".localhost/")
    };
    let key = custom.or_else(windows).unwrap_or(s);
    let is_key = key.len() == 32 && key.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    is_key.then_some(key)
}

/// A post whose pictures point at local URLs, and the remote URLs to download for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Localized {
    pub html: String,
    /// Distinct remote URLs (http(s) or inline `data:` images), in document order.
    pub images: Vec<String>,
}

/// What the rewrite has found so far.
#[derive(Default)]
struct Found {
    images: Vec<String>,
    seen: HashSet<String>,
    /// The best candidate of the first `<source>` in the open `<picture>`, for its `<img>` if it has none.
    picture_source: Option<String>,
}

impl Found {
    fn local_url_for(&mut self, remote: String) -> String {
        let local = local_url(&remote);
        if self.seen.insert(remote.clone()) {
            self.images.push(remote);
        }
        local
    }
}

/// A body as it is stored: sanitized, its pictures pointing at the cache, and as text for search.
#[derive(Debug, Clone, PartialEq)]
pub struct CleanBody {
    pub html: String,
    /// Its text, read for its words; its whitespace may be as written (see `text::spaced_text_of`).
    pub plain_text: String,
    /// The remote URLs of its pictures, in order.
    pub images: Vec<String>,
}

/// Cleans untrusted HTML for storage: sanitize, localize the pictures, take the text (in the same pass as
/// the pictures: localizing changes no text).
pub fn clean_body(raw_html: &str, base: Option<&Url>) -> CleanBody {
    let sanitized = crate::sanitize::sanitize_html(raw_html, base);
    let mut text = String::new();
    match localize(&sanitized, Some(&mut text)) {
        Some(localized) => {
            CleanBody { html: localized.html, plain_text: spaced_text_of(&text), images: localized.images }
        }
        // See `localize_images`: kept as sanitized, its text taken on its own.
        None => CleanBody { plain_text: html_to_text(&sanitized), html: sanitized, images: Vec::new() },
    }
}

/// Cleans a stored body again, with the current policy: its pictures point back at their remote URLs
/// (`images`, the entry's pictures) for the sanitizer to check, then at the cache again.
pub fn clean_stored_again(stored_html: &str, images: &[String]) -> CleanBody {
    let mut html = stored_html.to_owned();
    for url in images {
        html = html.replace(&local_url(url), &htmlize::escape_attribute(url));
    }
    clean_body(&html, None)
}

/// Rewrites `sanitized_html` (the output of [`crate::sanitize::sanitize_html`]) so that every `<img>` and
/// video poster loads from [`local_url`], and lists the remote URLs. `srcset` and `<picture>` sources go:
/// one stored copy per picture, the one `best_url` picks. A picture with no usable URL is removed. URLs
/// are read with their entities decoded: a key is the hash of the URL, not of its HTML spelling.
pub fn localize_images(sanitized_html: &str) -> Localized {
    // The sanitizer's output always reads as serialized HTML. Should it ever not, the post is kept as
    // sanitized: its remote pictures stay blank under the CSP, which beats losing the story.
    localize(sanitized_html, None).unwrap_or_else(|| Localized { html: sanitized_html.to_owned(), images: Vec::new() })
}

/// [`localize_images`], and the text of the document as written into `text` when given (see
/// `text::lines_of`); `None` if `sanitized_html` is not serialized HTML.
///
/// It reads the sanitizer's output (see `serialized`), which holds none of the elements whose contents
/// are no text (`script`, `style`, `template`...): all its character data is text.
fn localize(sanitized_html: &str, mut text: Option<&mut String>) -> Option<Localized> {
    let mut found = Found::default();
    let mut html = String::with_capacity(sanitized_html.len() + 64);
    let mut pictures_open = 0usize;
    for piece in serialized::pieces(sanitized_html)? {
        let tag = match piece {
            Piece::Text(data) => {
                html.push_str(data);
                if let Some(text) = text.as_deref_mut() {
                    text.push_str(data);
                }
                continue;
            }
            Piece::Tag(tag) => tag,
        };
        if let Some(text) = text.as_deref_mut().filter(|_| !tag.end) {
            if is_block(&tag.name) {
                text.push(BLOCK_START);
            }
            // An embed card reads "YouTube: Protest outside the court", not "YouTubeProtest outside...".
            if tag.name == "span" && tag.has_class("op-embed-title") {
                text.push_str(": ");
            }
        }
        match (tag.name.as_ref(), tag.end) {
            ("picture", false) => pictures_open += 1,
            // A source belongs to its own picture only, not to the next `<img>` in the post.
            ("picture", true) => {
                pictures_open = pictures_open.saturating_sub(1);
                found.picture_source = None;
            }
            ("source", false) if pictures_open > 0 => {
                if found.picture_source.is_none() {
                    found.picture_source = best_url(tag.get("srcset").as_deref(), None);
                }
                continue;
            }
            // Outside a picture, a `<source>` or `<track>` only names media to stream: players became cards
            // before the allow-list ran, so nothing here may name a remote file.
            ("source" | "track", false) => continue,
            ("img", false) => {
                let own = best_url(tag.get("srcset").as_deref(), tag.get("src").as_deref());
                if let Some(remote) = own.or_else(|| found.picture_source.take()) {
                    let local = found.local_url_for(remote);
                    write_tag(&mut html, &tag, &["srcset", "sizes"], ("src", Some(&local)));
                }
                continue;
            }
            // A card is ours only when it links to the web; a post that spells one for a mail address
            // gets a plain link.
            ("a", false) if tag.has_class("op-embed") => {
                let href = tag.get("href").unwrap_or_default();
                if !(href.starts_with("https://") || href.starts_with("http://")) {
                    write_tag(&mut html, &tag, &["class"], ("class", None));
                    continue;
                }
            }
            ("video", false) if tag.get("poster").is_some() => {
                let poster = tag.get("poster").filter(|p| is_fetchable(p));
                let local = poster.map(|remote| found.local_url_for(remote.into_owned()));
                write_tag(&mut html, &tag, &[], ("poster", local.as_deref()));
                continue;
            }
            _ => {}
        }
        html.push_str(tag.raw);
    }
    Some(Localized { html, images: found.images })
}

/// Writes start tag `tag` without the attributes in `dropped`, with attribute `set.0` given the value
/// `set.1` where it stood (at the end if it had none), or removed when that is `None`.
fn write_tag(html: &mut String, tag: &Tag<'_>, dropped: &[&str], set: (&str, Option<&str>)) {
    let (name, value) = set;
    let attribute = |value: &str| format!(" {name}=\"{}\"", htmlize::escape_attribute(value));
    html.push('<');
    html.push_str(&tag.name);
    let mut written = false;
    for a in &tag.attributes {
        if a.name.eq_ignore_ascii_case(name) {
            if let Some(value) = value.filter(|_| !written) {
                html.push_str(&attribute(value));
                written = true;
            }
        } else if !dropped.iter().any(|d| a.name.eq_ignore_ascii_case(d)) {
            html.push_str(a.raw);
        }
    }
    if let Some(value) = value.filter(|_| !written) {
        html.push_str(&attribute(value));
    }
    html.push('>');
}

/// The one URL to keep for a picture: the widest `w` candidate of `srcset` up to [`MAX_WIDTH`] (else the
/// narrowest above it), or the densest `x` candidate up to [`MAX_DENSITY`], else `src`, else the least
/// dense `x` candidate above the cap.
fn best_url(srcset: Option<&str>, src: Option<&str>) -> Option<String> {
    let candidates: Vec<(&str, f64, char)> = parse_srcset(srcset.unwrap_or(""))
        .into_iter()
        .filter(|(url, _)| is_fetchable(url))
        .filter_map(|(url, descriptor)| {
            // A candidate without a descriptor is `1x`.
            let (number, unit) = match descriptor.char_indices().last() {
                Some((i, unit @ ('w' | 'x'))) => (&descriptor[..i], unit),
                Some(_) => return None,
                None => ("1", 'x'),
            };
            Some((url, number.parse().ok()?, unit))
        })
        .collect();
    let of_unit = |unit: char| candidates.iter().filter(move |c| c.2 == unit).map(|&(url, size, _)| (url, size));
    let src = src.filter(|s| is_fetchable(s));
    let chosen = if of_unit('w').next().is_some() {
        largest_within(of_unit('w'), MAX_WIDTH).or_else(|| smallest(of_unit('w')))
    } else {
        largest_within(of_unit('x'), MAX_DENSITY).or(src).or_else(|| smallest(of_unit('x')))
    };
    chosen.map(|url| url.trim().to_owned())
}

fn largest_within<'a>(candidates: impl Iterator<Item = (&'a str, f64)>, cap: f64) -> Option<&'a str> {
    candidates.filter(|&(_, size)| size <= cap).max_by(|a, b| a.1.total_cmp(&b.1)).map(|(url, _)| url)
}

fn smallest<'a>(candidates: impl Iterator<Item = (&'a str, f64)>) -> Option<&'a str> {
    candidates.min_by(|a, b| a.1.total_cmp(&b.1)).map(|(url, _)| url)
}

/// What the downloader can fetch: the sanitizer leaves only absolute http(s) URLs and small inline images.
fn is_fetchable(url: &str) -> bool {
    Url::parse(url.trim()).is_ok_and(|u| matches!(u.scheme(), "http" | "https" | "data"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::collapse_whitespace;

    #[test]
    fn a_bodys_text_has_the_words_a_reader_sees_in_it() {
        let raw = "<h2>Verdict\n  due</h2><p>The court&nbsp;met,\tagain.</p><ul><li>One</li><li>Two&amp;three</li></ul>\
                   <figure><img src=\"https://news.example.org/a.jpg\" alt=\"steps\"><figcaption>Steps</figcaption></figure>\
                   <p dir=\"rtl\">دادگاه&#x20;امروز</p>";
        let body = clean_body(raw, None);
        assert_eq!(collapse_whitespace(&body.plain_text), html_to_text(&body.html));
        assert_eq!(
            collapse_whitespace(&body.plain_text),
            "Verdict due The court met, again. One Two&three Steps دادگاه امروز"
        );
    }

    #[test]
    fn a_stored_body_cleaned_again_keeps_its_pictures_and_loses_what_the_policy_now_refuses() {
        let picture = "https://news.example.org/img/a.jpg?w=640&h=480";
        // As an older, laxer policy might have stored it.
        let stored = format!(r#"<p onclick="x()">Text</p><img src="{}" onerror="alert(1)">"#, local_url(picture));
        let again = clean_stored_again(&stored, &[picture.to_owned()]);
        assert_eq!(again.html, format!(r#"<p>Text</p><img src="{}">"#, local_url(picture)));
        assert_eq!(again.images, [picture]);
        assert_eq!(collapse_whitespace(&again.plain_text), "Text");
    }

    #[test]
    fn keys_are_the_first_32_hex_digits_of_the_url_hash() {
        let key = image_key("https://example.org/a.jpg");
        assert_eq!(key.len(), 32);
        assert!(key.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()), "{key}");
        // The SHA-256 of nothing, cut to 32 digits.
        assert_eq!(image_key(""), "e3b0c44298fc1c149afbf4c8996fb924");
        assert_eq!(local_url(""), "offprint-img://localhost/e3b0c44298fc1c149afbf4c8996fb924");
    }

    #[test]
    fn reads_the_key_of_a_local_url_however_the_webview_spells_it() {
        let key = "e3b0c44298fc1c149afbf4c8996fb924";
        for s in [
            format!("offprint-img://localhost/{key}"),
            format!("http://offprint-img.localhost/{key}"),
            format!("https://offprint-img.localhost/{key}"),
            key.to_owned(),
        ] {
            assert_eq!(key_of_local_url(&s), Some(key), "{s}");
        }
        let url = local_url("https://example.org/a.jpg");
        assert_eq!(key_of_local_url(&url), Some(image_key("https://example.org/a.jpg").as_str()));
    }

    #[test]
    fn rejects_anything_but_a_well_formed_key() {
        for s in [
            "",
            "e3b0c44298fc1c149afbf4c8996fb92",
            "e3b0c44298fc1c149afbf4c8996fb9245",
            "E3B0C44298FC1C149AFBF4C8996FB924",
            "e3b0c44298fc1c149afbf4c8996fb92g",
            "offprint-img://localhost/../../etc/passwd",
            "offprint-img://elsewhere/e3b0c44298fc1c149afbf4c8996fb924",
            "https://example.org/e3b0c44298fc1c149afbf4c8996fb924",
            "offprint-img://localhost/e3b0c44298fc1c149afbf4c8996fb924/x",
        ] {
            assert_eq!(key_of_local_url(s), None, "{s}");
        }
    }

    #[test]
    fn points_an_image_at_its_local_copy() {
        let out = localize_images(r#"<p><img src="https://e.example/a.jpg" alt="A" width="10"></p>"#);
        let expected = format!(r#"<p><img src="{}" alt="A" width="10"></p>"#, local_url("https://e.example/a.jpg"));
        assert_eq!(out.html, expected);
        assert_eq!(out.images, ["https://e.example/a.jpg"]);
    }

    #[test]
    fn picks_the_largest_srcset_candidate_within_the_cap() {
        let html = r#"<img src="https://e.example/s.jpg" srcset="https://e.example/800.jpg 800w, https://e.example/2400.jpg 2400w, https://e.example/4000.jpg 4000w, https://e.example/1600.jpg 1600w" sizes="100vw">"#;
        let out = localize_images(html);
        assert_eq!(out.images, ["https://e.example/2400.jpg"]);
        assert_eq!(out.html, format!(r#"<img src="{}">"#, local_url("https://e.example/2400.jpg")));
    }

    #[test]
    fn takes_the_narrowest_candidate_when_all_are_above_the_cap() {
        let html = r#"<img srcset="https://e.example/5000.jpg 5000w, https://e.example/3000.jpg 3000w">"#;
        assert_eq!(localize_images(html).images, ["https://e.example/3000.jpg"]);
    }

    #[test]
    fn picks_the_densest_candidate_up_to_two_x() {
        let html = r#"<img src="https://e.example/1.jpg" srcset="https://e.example/1.jpg, https://e.example/2.jpg 2x, https://e.example/3.jpg 3x">"#;
        assert_eq!(localize_images(html).images, ["https://e.example/2.jpg"]);
    }

    #[test]
    fn prefers_src_to_a_candidate_denser_than_two_x() {
        let html = r#"<img src="https://e.example/1.jpg" srcset="https://e.example/3.jpg 3x">"#;
        assert_eq!(localize_images(html).images, ["https://e.example/1.jpg"]);
        let html = r#"<img srcset="https://e.example/4.jpg 4x, https://e.example/3.jpg 3x">"#;
        assert_eq!(localize_images(html).images, ["https://e.example/3.jpg"]);
    }

    #[test]
    fn hashes_the_url_itself_not_its_html_spelling() {
        let out = localize_images(r#"<img src="https://e.example/a.jpg?w=1&amp;h=2">"#);
        assert_eq!(out.images, ["https://e.example/a.jpg?w=1&h=2"]);
        assert!(out.html.contains(&local_url("https://e.example/a.jpg?w=1&h=2")), "{}", out.html);
    }

    #[test]
    fn lists_each_picture_once_in_document_order() {
        let html = r#"<img src="https://e.example/b.jpg"><img src="https://e.example/a.jpg"><img src="https://e.example/b.jpg">"#;
        let out = localize_images(html);
        assert_eq!(out.images, ["https://e.example/b.jpg", "https://e.example/a.jpg"]);
        assert_eq!(out.html.matches(&local_url("https://e.example/b.jpg")).count(), 2);
    }

    #[test]
    fn drops_picture_sources_but_keeps_the_img() {
        let html = r#"<picture><source srcset="https://e.example/a.avif 1x" type="image/avif"><img src="https://e.example/a.jpg"></picture>"#;
        let out = localize_images(html);
        assert_eq!(out.html, format!(r#"<picture><img src="{}"></picture>"#, local_url("https://e.example/a.jpg")));
        assert_eq!(out.images, ["https://e.example/a.jpg"]);
    }

    #[test]
    fn an_img_without_a_url_takes_the_first_picture_source() {
        let html = r#"<picture><source srcset="https://e.example/a-1x.webp, https://e.example/a-2x.webp 2x"><source srcset="https://e.example/b.jpg"><img alt="A"></picture><img alt="B">"#;
        let out = localize_images(html);
        assert_eq!(out.images, ["https://e.example/a-2x.webp"]);
        assert_eq!(
            out.html,
            format!(r#"<picture><img alt="A" src="{}"></picture>"#, local_url("https://e.example/a-2x.webp"))
        );
    }

    #[test]
    fn a_picture_source_serves_only_its_own_picture() {
        let html = r#"<picture><source srcset="https://e.example/a.webp"></picture><p><img alt="B"></p>"#;
        let out = localize_images(html);
        assert_eq!(out.html, "<picture></picture><p></p>");
        assert!(out.images.is_empty());
    }

    #[test]
    fn removes_an_img_with_no_usable_url() {
        for html in
            ["<p>a<img alt=\"x\"></p>", "<p>a<img src=\"\"></p>", "<p>a<img src=\"offprint-img://localhost/x\"></p>"]
        {
            let out = localize_images(html);
            assert_eq!(out.html, "<p>a</p>", "{html}");
            assert!(out.images.is_empty(), "{html}");
        }
    }

    #[test]
    fn localizes_inline_images_for_the_downloader_to_decode() {
        let png = "data:image/png;base64,iVBORw0KGgo=";
        let out = localize_images(&format!(r#"<img src="{png}">"#));
        assert_eq!(out.images, [png]);
        assert_eq!(out.html, format!(r#"<img src="{}">"#, local_url(png)));
    }

    #[test]
    fn localizes_video_posters_and_embed_thumbnails() {
        let html = r#"<video src="https://e.example/v.mp4" poster="https://e.example/p.jpg"></video><a class="op-embed" href="https://www.youtube.com/watch?v=abcdefghijk"><img class="op-embed-thumb" src="https://i.ytimg.com/vi/abcdefghijk/hqdefault.jpg" alt=""><span class="op-embed-provider">YouTube</span></a>"#;
        let out = localize_images(html);
        assert_eq!(out.images, ["https://e.example/p.jpg", "https://i.ytimg.com/vi/abcdefghijk/hqdefault.jpg"]);
        assert!(out.html.contains(&format!(r#"poster="{}""#, local_url("https://e.example/p.jpg"))), "{}", out.html);
        assert!(out.html.contains(r#"src="https://e.example/v.mp4""#), "{}", out.html);
        let thumb = local_url("https://i.ytimg.com/vi/abcdefghijk/hqdefault.jpg");
        assert!(out.html.contains(&format!(r#"<img class="op-embed-thumb" src="{thumb}" alt="">"#)), "{}", out.html);
    }
}
