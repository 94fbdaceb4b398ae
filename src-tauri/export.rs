//! Bookmarks out of Offprint, whole: one file that reads the same anywhere, without Offprint and without
//! the network.
//!
//! - **HTML** is one standalone page: every cached picture is inlined as a `data:` URI, a picture the cache
//!   lacks becomes a placeholder with its description (as in the window), and a CSP that allows nothing but
//!   inline pictures and the inline stylesheet keeps it from reaching out or running anything. Bodies were
//!   sanitized when stored; the rewrite here only swaps their pictures. Every piece of metadata is escaped.
//! - **Markdown** points pictures at their original URLs, as a Markdown file cannot carry them.
//! - **JSON** is each entry in the `show --json` shape of `offprint-cli`, with the time of the export.
//!
//! Entries come in the list's order: newest story first.

use std::collections::HashMap;
use std::fmt::Write;

use base64::Engine;
use chrono::{DateTime, Utc};
use lol_html::html_content::ContentType;
use lol_html::{RewriteStrSettings, element, rewrite_str};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::localize::key_of_local_url;
use crate::model::{EntryDetail, EntryFilter, ImageInfo, format_time};
use crate::sanitize::decoded_attribute;
use crate::store::Store;

/// What an export is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Html,
    Markdown,
    Json,
}

impl std::str::FromStr for Format {
    type Err = Error;

    fn from_str(s: &str) -> Result<Format> {
        match s.trim().to_ascii_lowercase().as_str() {
            "html" => Ok(Format::Html),
            "markdown" | "md" => Ok(Format::Markdown),
            "json" => Ok(Format::Json),
            _ => {
                Err(Error::InvalidArgument(format!("unknown export format {s:?}: use html, markdown (or md) or json")))
            }
        }
    }
}

/// Entries read from the list at once.
const PAGE: u32 = 200;

const TITLE: &str = "Offprint bookmarks";

/// What the window calls a picture it does not have.
const NOT_SAVED: &str = "Picture not saved";

/// Nothing but the pictures inlined in the page and its own stylesheet: no script, no request.
const CSP: &str = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";

/// Every bookmarked entry, newest story first (the list's order, by publication time, not by when it was
/// bookmarked), rendered whole in `format`.
pub fn bookmarks(store: &Store, format: Format) -> Result<Vec<u8>> {
    let entries = bookmarked_entries(store)?;
    let exported_at = Utc::now();
    match format {
        Format::Html => {
            Ok(html_document(&entries, exported_at, |entry| inline_pictures(store, &entry.images))?.into_bytes())
        }
        Format::Markdown => Ok(markdown_document(&entries, exported_at).into_bytes()),
        Format::Json => json_document(&entries, exported_at),
    }
}

/// Every bookmarked entry in full, page by page along the list's cursor.
fn bookmarked_entries(store: &Store) -> Result<Vec<EntryDetail>> {
    let mut filter = EntryFilter { bookmarked_only: true, limit: PAGE, ..EntryFilter::default() };
    let mut entries = Vec::new();
    loop {
        let page = store.list_page(&filter)?;
        for summary in &page.entries {
            entries.push(store.get_entry(summary.id)?);
        }
        match page.next {
            Some(next) => filter.before = Some(next),
            None => return Ok(entries),
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// JSON

#[derive(Serialize)]
struct JsonExport<'a> {
    exported_at: String,
    entries: &'a [EntryDetail],
}

fn json_document(entries: &[EntryDetail], exported_at: DateTime<Utc>) -> Result<Vec<u8>> {
    let export = JsonExport { exported_at: format_time(exported_at), entries };
    serde_json::to_vec_pretty(&export).map_err(|e| Error::Internal(format!("cannot write the export as JSON: {e}")))
}

// ---------------------------------------------------------------------------------------------------------
// HTML

/// The `data:` URI of each cached picture of an entry, by key. Only bytes that are still one of the raster
/// types the cache keeps, and still the type it recorded, are inlined; anything else gets a placeholder.
fn inline_pictures(store: &Store, images: &[ImageInfo]) -> Result<HashMap<String, String>> {
    let mut inlined = HashMap::new();
    for image in images.iter().filter(|i| i.status == "cached") {
        let Some(key) = key_of_local_url(&image.local_url) else { continue };
        let Some((bytes, mime)) = store.image_bytes(key)? else { continue };
        if crate::pictures::sniff(&bytes) == Some(mime.as_str()) {
            let encoded = base64::engine::general_purpose::STANDARD.encode(&bytes);
            inlined.insert(key.to_owned(), format!("data:{mime};base64,{encoded}"));
        }
    }
    Ok(inlined)
}

/// The whole page. `pictures_of` gives an entry's inlined pictures (see [`inline_pictures`]); they are
/// asked for one entry at a time, so only one entry's pictures are held twice at once.
fn html_document(
    entries: &[EntryDetail],
    exported_at: DateTime<Utc>,
    mut pictures_of: impl FnMut(&EntryDetail) -> Result<HashMap<String, String>>,
) -> Result<String> {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"color-scheme\" content=\"light dark\">\n<meta name=\"generator\" content=\"Offprint\">\n\
         <title>{TITLE}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<header class=\"page\">\n<h1>{TITLE}</h1>\n\
         <p class=\"meta\">{} exported <time datetime=\"{}\">{}</time></p>\n</header>\n",
        stories(entries.len()),
        format_time(exported_at),
        readable_time(exported_at),
    );
    if !entries.is_empty() {
        out.push_str("<nav aria-labelledby=\"contents\">\n<h2 id=\"contents\">Contents</h2>\n<ol>\n");
        for entry in entries {
            let s = &entry.summary;
            let _ = writeln!(
                out,
                "<li><a href=\"#entry-{}\"><bdi>{}</bdi></a> <span class=\"meta\">· <bdi>{}</bdi></span></li>",
                s.id,
                text(title_of(entry)),
                text(&s.source_title)
            );
        }
        out.push_str("</ol>\n</nav>\n");
    }
    out.push_str("<main>\n");
    for entry in entries {
        out.push_str(&article(entry, &pictures_of(entry)?));
    }
    out.push_str("</main>\n</body>\n</html>\n");
    Ok(out)
}

/// One entry: its title linked to the original, who and when, and the body with its pictures inlined.
fn article(entry: &EntryDetail, pictures: &HashMap<String, String>) -> String {
    let s = &entry.summary;
    let dir = if entry.dir == "rtl" { "rtl" } else { "ltr" };
    let lang = entry.lang.as_deref().unwrap_or("");
    let title = text(title_of(entry));
    let heading = match web_url(s.url.as_deref()) {
        Some(url) => format!("<a href=\"{}\">{title}</a>", attribute(&url)),
        None => title.into_owned(),
    };
    let mut meta = vec![format!("<bdi class=\"source\">{}</bdi>", text(&s.source_title))];
    if let Some(author) = s.author.as_deref().filter(|a| !a.is_empty()) {
        meta.push(format!("<bdi class=\"author\">{}</bdi>", text(author)));
    }
    meta.push(time_element(&s.published));
    if let Some(updated) = &s.updated {
        meta.push(format!("updated {}", time_element(updated)));
    }
    format!(
        "<article id=\"entry-{}\" lang=\"{}\" dir=\"{dir}\">\n<header>\n<h2>{heading}</h2>\n<p class=\"meta\">{}</p>\n\
         </header>\n<div class=\"body\">\n{}\n</div>\n</article>\n",
        s.id,
        attribute(lang),
        meta.join(" · "),
        offline_body(&entry.content_html, pictures)
    )
}

/// A stored body ready to read from a file: each picture inlined from `pictures` (by key) or, when the
/// cache lacks it, a placeholder with its alt text; no `srcset` and nothing else that would be fetched.
fn offline_body(html: &str, pictures: &HashMap<String, String>) -> String {
    let inlined = |url: Option<String>| url.as_deref().and_then(key_of_local_url).and_then(|key| pictures.get(key));
    let rewritten = rewrite_str(
        html,
        RewriteStrSettings::new()
            .with_strict(false)
            .append_element_content_handler(element!("img", |el| {
                el.remove_attribute("srcset");
                el.remove_attribute("sizes");
                match inlined(decoded_attribute(el, "src")) {
                    Some(data) => el.set_attribute("src", data)?,
                    // As in the window: a card without its thumbnail keeps its provider and title.
                    None if el
                        .get_attribute("class")
                        .is_some_and(|c| c.split_whitespace().any(|c| c == "op-embed-thumb")) =>
                    {
                        el.remove()
                    }
                    None => el.replace(&placeholder(decoded_attribute(el, "alt").as_deref()), ContentType::Html),
                }
                Ok(())
            }))
            .append_element_content_handler(element!("video", |el| {
                match inlined(decoded_attribute(el, "poster")) {
                    Some(data) => el.set_attribute("poster", data)?,
                    None => el.remove_attribute("poster"),
                }
                Ok(())
            }))
            // Stored bodies name no media to stream; should an older one, the page must not ask for it.
            .append_element_content_handler(element!("video, audio", |el| {
                el.remove_attribute("src");
                Ok(())
            }))
            .append_element_content_handler(element!("source, track", |el| {
                el.remove();
                Ok(())
            })),
    );
    // Not strict and without memory limits, the rewrite cannot fail; should it ever, the text stays and
    // no picture does.
    rewritten.unwrap_or_else(|_| {
        crate::text::html_to_paragraphs(html).split("\n\n").map(|p| format!("<p>{}</p>", text(p))).collect()
    })
}

/// What stands in for a picture the cache does not have: its description, said to be a missing picture.
fn placeholder(alt: Option<&str>) -> String {
    let alt = alt.map(str::trim).filter(|a| !a.is_empty());
    let label = match alt {
        Some(alt) => format!("{NOT_SAVED}: {alt}"),
        None => NOT_SAVED.to_owned(),
    };
    let shown = alt.map(|a| format!("<span class=\"picture-missing-text\" dir=\"auto\">{}</span>", text(a)));
    format!(
        "<span class=\"picture-missing\" role=\"img\" aria-label=\"{}\" title=\"{}\">\
         <span class=\"picture-missing-note\">{NOT_SAVED}</span>{}</span>",
        attribute(&label),
        attribute(&label),
        shown.unwrap_or_default()
    )
}

fn time_element(rfc3339: &str) -> String {
    let shown = DateTime::parse_from_rfc3339(rfc3339).map(|t| readable_time(t.to_utc())).unwrap_or(rfc3339.into());
    // Its own direction, so a right-to-left article cannot reorder the date's words.
    format!("<time datetime=\"{}\" dir=\"ltr\">{}</time>", attribute(rfc3339), text(&shown))
}

/// A time as a person reads it, in UTC like everywhere else: `9 January 2026, 14:05 UTC`.
fn readable_time(t: DateTime<Utc>) -> String {
    t.format("%-d %B %Y, %H:%M UTC").to_string()
}

fn stories(n: usize) -> String {
    format!("{n} {}", if n == 1 { "story" } else { "stories" })
}

fn text(s: &str) -> std::borrow::Cow<'_, str> {
    htmlize::escape_text(s)
}

fn attribute(s: &str) -> std::borrow::Cow<'_, str> {
    htmlize::escape_attribute(s)
}

/// The page's stylesheet: the reading column of the window, in light and dark.
const STYLE: &str = r#"
:root { color-scheme: light dark; --bg: #fbfaf7; --text: #1f2328; --muted: #5d6470; --border: #d8dbe0;
  --accent: #1b5fb0; --code: #f0f1f3; --ui: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #17191d; --text: #e3e5e8; --muted: #9aa1ab; --border: #353a43; --accent: #86b5ff; --code: #23262c; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text);
  font: 18px/1.65 Charter, "Iowan Old Style", Georgia, "Noto Serif", serif; }
.page, nav, main { max-width: 42rem; margin: 0 auto; padding: 0 1.25rem; }
.page { padding-top: 2.5rem; }
h1, h2, h3, h4 { font-family: var(--ui); line-height: 1.25; }
h1 { margin: 0 0 .25rem; font-size: 1.9rem; }
a { color: var(--accent); }
.meta { margin: 0; color: var(--muted); font: 14px/1.5 var(--ui); }
nav { margin-top: 1.5rem; padding-bottom: 1.5rem; }
nav h2 { font-size: 1rem; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); }
nav ol { padding-inline-start: 1.5rem; font-family: var(--ui); font-size: 16px; }
nav li { margin: .3rem 0; }
main > article { padding: 2rem 0; border-top: 1px solid var(--border); }
main > article > header h2 { margin: 0 0 .4rem; font-size: 1.6rem; }
main > article > header h2 a { color: inherit; text-decoration: none; }
main > article > header h2 a:hover { text-decoration: underline; }
.body { margin-top: 1.5rem; overflow-wrap: break-word; }
.body img, .body video { display: block; max-width: 100%; height: auto; margin: 1rem auto; }
.body figure { margin: 1.5rem 0; }
.body figcaption { color: var(--muted); font: 14px/1.5 var(--ui); }
.body blockquote { margin: 1rem 0; padding-inline-start: 1rem; border-inline-start: 3px solid var(--border);
  color: var(--muted); }
.body pre, .body code { background: var(--code); font-size: .85em; }
.body pre { padding: .75rem 1rem; overflow-x: auto; }
.body table { border-collapse: collapse; display: block; overflow-x: auto; }
.body td, .body th { border: 1px solid var(--border); padding: .3rem .6rem; }
.picture-missing { display: flex; flex-wrap: wrap; gap: .4rem; align-items: baseline; justify-content: center;
  margin: 1rem 0; padding: 1rem 1.25rem; border: 1px dashed var(--border); border-radius: 6px;
  background: var(--code); color: var(--muted); font: 14px/1.45 var(--ui); text-align: center; }
.picture-missing-note { font-weight: 600; }
.picture-missing-text::before { content: "— "; }
a .picture-missing { color: var(--accent); }
a.op-embed { display: block; max-width: 34rem; margin: 0 0 1rem; overflow: hidden; border: 1px solid var(--border);
  border-radius: 8px; color: var(--text); font-family: var(--ui); text-decoration: none; }
a.op-embed .op-embed-thumb { margin: 0; width: 100%; aspect-ratio: 16 / 9; object-fit: cover; }
.op-embed-provider { display: block; padding: .6rem .9rem 0; color: var(--muted); font-size: 11.5px;
  font-weight: 600; letter-spacing: .05em; text-transform: uppercase; }
.op-embed-title { display: block; padding: .1rem .9rem .7rem; font-weight: 600; }
@media print { nav { display: none; } main > article { break-before: page; border: 0; } }
"#;

// ---------------------------------------------------------------------------------------------------------
// Markdown

fn markdown_document(entries: &[EntryDetail], exported_at: DateTime<Utc>) -> String {
    let mut out = format!("# {TITLE}\n\n{}, exported {}.\n", stories(entries.len()), format_time(exported_at));
    for entry in entries {
        let s = &entry.summary;
        let title = markdown_text(title_of(entry));
        let heading = match web_url(s.url.as_deref()) {
            Some(url) => format!("[{title}](<{url}>)"),
            None => title,
        };
        let _ = write!(out, "\n---\n\n## {heading}\n\n- Source: {}\n", markdown_text(&s.source_title));
        if let Some(author) = s.author.as_deref().filter(|a| !a.is_empty()) {
            let _ = writeln!(out, "- Author: {}", markdown_text(author));
        }
        let _ = writeln!(out, "- Published: {}", markdown_text(&s.published));
        if let Some(updated) = &s.updated {
            let _ = writeln!(out, "- Updated: {}", markdown_text(updated));
        }
        if let Some(lang) = entry.lang.as_deref().filter(|l| !l.is_empty()) {
            let _ = writeln!(out, "- Language: {}", markdown_text(lang));
        }
        let body = markdown_body(&entry.content_html, &entry.images);
        if !body.is_empty() {
            let _ = write!(out, "\n{body}\n");
        }
    }
    out
}

/// A stored body in Markdown, its pictures pointing at their original URLs.
fn markdown_body(html: &str, images: &[ImageInfo]) -> String {
    let html = with_remote_pictures(html, images);
    match htmd::convert(&html) {
        Ok(markdown) => markdown.trim().to_owned(),
        // Never lose the text to a converter's failure.
        Err(_) => markdown_text(&crate::text::html_to_paragraphs(&html)),
    }
}

/// `html` with each picture pointing at the URL it was fetched from (`images` maps each local URL to it);
/// a picture with none left is its alt text. A card's provider and title are kept apart.
fn with_remote_pictures(html: &str, images: &[ImageInfo]) -> String {
    let remote = |local: Option<String>| {
        let key = key_of_local_url(local.as_deref()?)?;
        images.iter().find(|i| key_of_local_url(&i.local_url) == Some(key)).map(|i| attribute(&i.url).into_owned())
    };
    rewrite_str(
        html,
        RewriteStrSettings::new()
            .with_strict(false)
            .append_element_content_handler(element!("img", |el| {
                el.remove_attribute("srcset");
                el.remove_attribute("sizes");
                match remote(decoded_attribute(el, "src")) {
                    Some(url) => el.set_attribute("src", &url)?,
                    None => el.replace(&decoded_attribute(el, "alt").unwrap_or_default(), ContentType::Text),
                }
                Ok(())
            }))
            .append_element_content_handler(element!("source, track", |el| {
                el.remove();
                Ok(())
            }))
            .append_element_content_handler(element!("img.op-embed-thumb", |el| {
                el.after(" ", ContentType::Text);
                Ok(())
            }))
            .append_element_content_handler(element!("span.op-embed-provider", |el| {
                el.after(": ", ContentType::Text);
                Ok(())
            })),
    )
    .unwrap_or_else(|_| html.to_owned())
}

/// Text that Markdown shows as it is: one line, every character that could start markup escaped.
fn markdown_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in crate::text::collapse_whitespace(s).chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '!' | '|' | '~' | '&') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

// ---------------------------------------------------------------------------------------------------------

fn title_of(entry: &EntryDetail) -> &str {
    Some(entry.summary.title.as_str()).filter(|t| !t.trim().is_empty()).unwrap_or("(untitled)")
}

/// The original's address, when it is one a link may point at, as the url crate spells it (no spaces,
/// quotes or angle brackets left).
fn web_url(url: Option<&str>) -> Option<String> {
    let url = url::Url::parse(url?.trim()).ok()?;
    matches!(url.scheme(), "http" | "https").then(|| url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::localize::local_url;
    use crate::model::EntrySummary;

    const PNG: &str = "https://e.example/a.png";
    const DATA: &str = "data:image/png;base64,iVBORw0KGgo=";

    fn entry(title: &str, html: &str) -> EntryDetail {
        EntryDetail {
            summary: EntrySummary {
                id: 7,
                source_id: Some(1),
                source_title: "Courier".into(),
                title: title.into(),
                url: Some("https://e.example/story".into()),
                author: Some("Ann".into()),
                published: "2026-01-09T14:05:00Z".into(),
                updated: None,
                summary: String::new(),
                read: false,
                bookmarked: true,
            },
            content_html: html.into(),
            lang: Some("en".into()),
            dir: "ltr".into(),
            full_text: false,
            feed_html: None,
            full_text_error: None,
            images: vec![ImageInfo {
                url: PNG.into(),
                local_url: local_url(PNG),
                bytes: Some(8),
                status: "cached".into(),
            }],
        }
    }

    fn cached() -> HashMap<String, String> {
        HashMap::from([(crate::localize::image_key(PNG), DATA.to_owned())])
    }

    fn page(entries: &[EntryDetail]) -> String {
        html_document(entries, Utc::now(), |_| Ok(cached())).unwrap()
    }

    #[test]
    fn accepts_the_format_names_and_refuses_others_naming_them() {
        for (name, format) in
            [("html", Format::Html), ("markdown", Format::Markdown), ("md", Format::Markdown), ("JSON", Format::Json)]
        {
            assert_eq!(name.parse::<Format>().unwrap(), format, "{name}");
        }
        let error = "pdf".parse::<Format>().unwrap_err();
        assert_eq!(error.code(), "invalid_argument");
        assert!(error.to_string().contains("html, markdown (or md) or json"), "{error}");
    }

    #[test]
    fn inlines_a_cached_picture_and_drops_its_srcset() {
        let html =
            format!(r#"<p><img src="{}" srcset="{} 2x" sizes="100vw" alt="A"></p>"#, local_url(PNG), local_url(PNG));
        assert_eq!(offline_body(&html, &cached()), format!(r#"<p><img src="{DATA}" alt="A"></p>"#));
    }

    #[test]
    fn a_picture_not_in_the_cache_becomes_a_placeholder_with_its_alt_text() {
        let html = format!(
            r#"<figure><img src="{}" alt="The &lt;planned&gt; route" width="720"><figcaption>Map</figcaption></figure>"#,
            local_url("https://e.example/missing.png")
        );
        let out = offline_body(&html, &cached());
        assert!(!out.contains("<img"), "{out}");
        assert!(out.contains(r#"<span class="picture-missing""#), "{out}");
        assert!(out.contains(r#"dir="auto">The &lt;planned&gt; route</span>"#), "{out}");
        assert!(out.contains(r#"aria-label="Picture not saved: The &lt;planned&gt; route""#), "{out}");
        assert!(out.contains("<figcaption>Map</figcaption>"), "{out}");
        // Without alt text, the placeholder still says what is missing.
        let out = offline_body(&format!(r#"<img src="{}">"#, local_url("https://e.example/x.png")), &cached());
        assert!(out.contains(r#"aria-label="Picture not saved""#), "{out}");
    }

    #[test]
    fn a_remote_picture_left_by_an_older_policy_is_never_requested() {
        let out = offline_body(
            r#"<img src="https://e.example/a.png" alt="A"><video src="https://e.example/v.mp4" poster="https://e.example/p.jpg"></video>"#,
            &cached(),
        );
        assert!(!out.contains("https://"), "{out}");
        assert!(out.contains("picture-missing"), "{out}");
    }

    #[test]
    fn an_embed_card_stays_a_link_and_loses_a_thumbnail_not_in_the_cache() {
        let html = format!(
            r#"<a class="op-embed" href="https://www.youtube.com/watch?v=abc" rel="noopener noreferrer"><img class="op-embed-thumb" src="{}" alt=""><span class="op-embed-provider">YouTube</span><span class="op-embed-title">Protest</span></a>"#,
            local_url("https://i.ytimg.com/vi/abc/hqdefault.jpg")
        );
        let out = offline_body(&html, &cached());
        assert_eq!(
            out,
            r#"<a class="op-embed" href="https://www.youtube.com/watch?v=abc" rel="noopener noreferrer"><span class="op-embed-provider">YouTube</span><span class="op-embed-title">Protest</span></a>"#
        );
    }

    #[test]
    fn escapes_every_piece_of_metadata() {
        let mut hostile = entry("</title><script>alert(1)</script>", "<p>Body</p>");
        hostile.summary.source_title = "<img src=x onerror=alert(2)>".into();
        hostile.summary.author = Some("\"><script>alert(3)</script>".into());
        hostile.summary.url = Some("javascript:alert(4)".into());
        hostile.lang = Some("\"><script>alert(5)</script>".into());
        hostile.summary.published = "<script>".into();
        let out = page(&[hostile]);
        assert!(!out.to_ascii_lowercase().contains("<script"), "{out}");
        assert!(!out.contains("<img src=x"), "{out}");
        assert!(!out.contains("javascript:"), "{out}");
        assert!(out.contains("&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;"), "{out}");
        assert_eq!(out.matches("<title>").count(), 1, "{out}");
        assert!(out.contains("<title>Offprint bookmarks</title>"), "{out}");
    }

    #[test]
    fn the_page_is_standalone_with_a_strict_policy_and_an_article_per_entry() {
        let mut persian = entry("جشنواره رود", &format!(r#"<p>متن</p><img src="{}" alt="قایق‌ها">"#, local_url(PNG)));
        persian.summary.id = 8;
        persian.lang = Some("fa".into());
        persian.dir = "rtl".into();
        let out = page(&[entry("Bridge", "<p>Text</p>"), persian]);
        assert!(out.starts_with("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"), "{out}");
        assert!(out.contains(&format!(r#"<meta http-equiv="Content-Security-Policy" content="{CSP}">"#)), "{out}");
        assert!(out.contains("prefers-color-scheme: dark"), "{out}");
        assert!(out.contains(r##"<li><a href="#entry-8"><bdi>جشنواره رود</bdi></a>"##), "{out}");
        assert!(out.contains(r#"<article id="entry-8" lang="fa" dir="rtl">"#), "{out}");
        assert!(out.contains(r#"<h2><a href="https://e.example/story">Bridge</a></h2>"#), "{out}");
        assert!(
            out.contains(r#"<time datetime="2026-01-09T14:05:00Z" dir="ltr">9 January 2026, 14:05 UTC</time>"#),
            "{out}"
        );
        assert!(out.contains(&format!(r#"<img src="{DATA}" alt="قایق‌ها">"#)), "{out}");
        assert!(!out.contains("offprint-img:"), "{out}");
    }

    #[test]
    fn markdown_points_pictures_at_their_originals_and_escapes_titles() {
        let html = format!(
            r#"<p>Text</p><img src="{}" srcset="{} 2x" alt="A lighthouse"><img src="{}" alt="Lost">"#,
            local_url(PNG),
            local_url(PNG),
            local_url("https://e.example/unknown.png")
        );
        let out = markdown_document(&[entry("Bridge *hearing* <b>", &html)], Utc::now());
        assert!(out.contains("## [Bridge \\*hearing\\* \\<b\\>](<https://e.example/story>)"), "{out}");
        assert!(out.contains("- Source: Courier\n- Author: Ann\n- Published: 2026-01-09T14:05:00Z\n"), "{out}");
        assert!(out.contains(&format!("![A lighthouse]({PNG})")), "{out}");
        assert!(out.contains("Lost"), "{out}");
        assert!(!out.contains("offprint-img"), "{out}");
    }

    #[test]
    fn takes_every_bookmark_however_many_pages_newest_first() {
        use crate::model::{CleanEntry, EntryMeta};
        use crate::store::{FeedFacts, FetchRecord, NewSource};
        use chrono::TimeZone;

        let dir = tempfile::TempDir::new().unwrap();
        let mut store = Store::open_in(dir.path()).unwrap();
        let source =
            store.add_source(&NewSource { url: "https://e.example/feed".into(), ..Default::default() }).unwrap();
        let day = |n: i64| Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + chrono::Duration::hours(n);
        let entries: Vec<CleanEntry> = (0..2 * PAGE as i64 + 50)
            .map(|n| CleanEntry {
                meta: EntryMeta {
                    key: format!("k{n}"),
                    title: format!("Story {n}"),
                    fingerprint: format!("f{n}"),
                    published_at: Some(day(n)),
                    dir: "ltr".into(),
                    ..Default::default()
                },
                content_html: format!("<p>Text {n}</p>"),
                ..Default::default()
            })
            .collect();
        store.apply_refresh(source, &FetchRecord::default(), &FeedFacts::default(), &entries).unwrap();
        let ids: Vec<i64> = store
            .list_entries(&EntryFilter { limit: 1000, ..Default::default() })
            .unwrap()
            .iter()
            .map(|e| e.id)
            .collect();
        // Every story but the first fifty listed.
        for id in &ids[50..] {
            store.set_bookmarked(*id, true).unwrap();
        }
        let exported = bookmarked_entries(&store).unwrap();
        assert_eq!(exported.iter().map(|e| e.summary.id).collect::<Vec<_>>(), ids[50..]);
        assert!(exported.iter().all(|e| e.content_html.starts_with("<p>Text ")));
    }

    #[test]
    fn json_gives_each_entry_in_the_show_shape() {
        let one = entry("Bridge", "<p>Text</p>");
        let out: serde_json::Value =
            serde_json::from_slice(&json_document(std::slice::from_ref(&one), Utc::now()).unwrap()).unwrap();
        assert_eq!(out["entries"], serde_json::json!([serde_json::to_value(&one).unwrap()]));
        assert!(DateTime::parse_from_rfc3339(out["exported_at"].as_str().unwrap()).is_ok(), "{out}");
    }
}
