//! Pictures for reading offline: fetched at sync under the same rules as feeds, checked to be a raster
//! image (never an SVG, never anything that could carry script), and kept in the data directory's
//! `images/` folder under the SHA-256 of their bytes, so two URLs with the same picture share one file.
//!
//! The webview reaches them only through the app's own URI scheme, which serves nothing else.

use std::io::Write;
use std::path::{Path, PathBuf};

use base64::Engine;
use sha2::{Digest, Sha256};
use url::Url;

use crate::error::{Error, Result};
use crate::fetch::{Fetcher, Kind};

/// Raster formats the window may be served, by the signature their bytes start with.
const SIGNATURES: &[(&str, &[u8])] = &[
    ("image/png", b"\x89PNG\r\n\x1a\n"),
    ("image/jpeg", b"\xff\xd8\xff"),
    ("image/gif", b"GIF87a"),
    ("image/gif", b"GIF89a"),
    ("image/bmp", b"BM"),
    ("image/x-icon", b"\x00\x00\x01\x00"),
];

/// A picture's bytes, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Picture {
    pub bytes: Vec<u8>,
    /// Taken from the bytes, not from what the server said.
    pub content_type: &'static str,
}

impl Picture {
    /// Hex SHA-256 of the bytes: the file name in the cache.
    pub fn content_hash(&self) -> String {
        crate::text::hex(&Sha256::digest(&self.bytes))
    }
}

/// Fetches the picture at `url` (or decodes an inline `data:` one) and checks what it is.
pub async fn fetch_picture(fetcher: &Fetcher, url: &str) -> Result<Picture> {
    if url.starts_with("data:") {
        return check_picture(url, &decode_data_url(url)?, None);
    }
    let parsed = Url::parse(url).map_err(|_| Error::UnsupportedUrl { url: url.to_owned() })?;
    let response = fetcher.get(&parsed, Kind::Image).await?;
    check_picture(url, &response.body, response.content_type.as_deref())
}

/// What the bytes are, by their signature; the server's content type must not contradict it.
pub fn check_picture(url: &str, bytes: &[u8], declared: Option<&str>) -> Result<Picture> {
    let refuse = |detail: &str| Error::NotAnImage { url: url.to_owned(), detail: detail.to_owned() };
    let declared = declared.map(|t| t.split(';').next().unwrap_or("").trim().to_ascii_lowercase());
    if declared.as_deref().is_some_and(|t| t.contains("svg")) || looks_like_markup(bytes) {
        return Err(refuse("SVG and other markup pictures are not kept, as they can carry script"));
    }
    if let Some(kind) = declared.as_deref().filter(|t| !t.is_empty())
        && !kind.starts_with("image/")
        && kind != "application/octet-stream"
    {
        return Err(refuse(&format!("the server sent {kind}")));
    }
    let content_type =
        sniff(bytes).ok_or_else(|| refuse("its bytes are not a PNG, JPEG, GIF, WebP, AVIF, BMP or icon"))?;
    // A few bytes can declare a picture of billions of pixels, which the window would try to decode.
    if let Ok(size) = imagesize::blob_size(bytes)
        && (size.width.max(size.height) > MAX_SIDE || size.width.saturating_mul(size.height) > MAX_PIXELS)
    {
        return Err(refuse(&format!("it declares {}×{} pixels, too many to show safely", size.width, size.height)));
    }
    Ok(Picture { bytes: bytes.to_vec(), content_type })
}

/// The largest picture kept, in pixels a side and in all: 64 megapixels (256 MB once decoded), more
/// than any photograph in an article needs.
const MAX_SIDE: usize = 32_768;
const MAX_PIXELS: usize = 64 * 1024 * 1024;

/// The raster format of `bytes`, if it is one the window may show.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if let Some((kind, _)) = SIGNATURES.iter().find(|(_, sig)| bytes.starts_with(sig)) {
        return Some(kind);
    }
    if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return Some("image/webp");
    }
    if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" && matches!(&bytes[8..12], b"avif" | b"avis") {
        return Some("image/avif");
    }
    None
}

fn looks_like_markup(bytes: &[u8]) -> bool {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(bytes.len());
    bytes[start..].starts_with(b"<")
}

fn decode_data_url(url: &str) -> Result<Vec<u8>> {
    let bad = || Error::NotAnImage { url: "data: URL".into(), detail: "not a base64 picture".into() };
    let (header, data) = url.strip_prefix("data:").and_then(|rest| rest.split_once(',')).ok_or_else(bad)?;
    if !header.to_ascii_lowercase().ends_with(";base64") {
        return Err(bad());
    }
    base64::engine::general_purpose::STANDARD.decode(data.trim()).map_err(|_| bad())
}

/// The folder of picture files inside a data directory.
pub fn images_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("images")
}

/// Where the picture with this content hash lives: `images/ab/abcdef...`.
pub fn file_path(images_dir: &Path, content_hash: &str) -> PathBuf {
    images_dir.join(&content_hash[..2.min(content_hash.len())]).join(content_hash)
}

/// Writes the picture's file if it is not there yet. Written to a temporary name, flushed, then renamed,
/// so a crash never leaves a half-written picture under its real name.
pub fn write_file(images_dir: &Path, picture: &Picture) -> Result<String> {
    let hash = picture.content_hash();
    let path = file_path(images_dir, &hash);
    if path.exists() {
        return Ok(hash);
    }
    let folder = path.parent().expect("a picture path has a folder");
    let io = |e| Error::io(format!("cannot save a picture in {}", folder.display()), e);
    std::fs::create_dir_all(folder).map_err(io)?;
    let temporary = folder.join(format!(".{hash}.{}.part", std::process::id()));
    let written = std::fs::File::create(&temporary)
        .and_then(|mut file| file.write_all(&picture.bytes).and_then(|()| file.sync_all()))
        .and_then(|()| std::fs::rename(&temporary, &path));
    // A full disk leaves no half-written file behind to take up what room is left.
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written.map_err(io)?;
    Ok(hash)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

    #[test]
    fn keeps_raster_pictures_by_their_bytes() {
        assert_eq!(check_picture("u", PNG, Some("image/png")).unwrap().content_type, "image/png");
        // A server that says JPEG for a PNG is not believed; the bytes decide.
        assert_eq!(check_picture("u", PNG, Some("image/jpeg")).unwrap().content_type, "image/png");
        assert_eq!(check_picture("u", b"RIFF\0\0\0\0WEBPVP8 ", None).unwrap().content_type, "image/webp");
        assert_eq!(check_picture("u", b"\0\0\0\x1cftypavif", None).unwrap().content_type, "image/avif");
    }

    /// The first bytes of a PNG of `width`×`height`: all a decoder reads to size its buffer.
    fn png_header(width: u32, height: u32) -> Vec<u8> {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend_from_slice(&width.to_be_bytes());
        png.extend_from_slice(&height.to_be_bytes());
        png.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
        png
    }

    /// A GIF's logical screen of `width`×`height`.
    fn gif_header(width: u16, height: u16) -> Vec<u8> {
        let mut gif = b"GIF89a".to_vec();
        gif.extend_from_slice(&width.to_le_bytes());
        gif.extend_from_slice(&height.to_le_bytes());
        gif.extend_from_slice(&[0, 0, 0]);
        gif
    }

    #[test]
    fn refuses_pictures_that_declare_more_pixels_than_a_window_should_decode() {
        for (bytes, what) in [
            (png_header(100_000, 100_000), "a PNG of 10 gigapixels"),
            (png_header(40_000, 10), "a PNG wider than any screen"),
            (png_header(9_000, 8_000), "72 megapixels"),
            (gif_header(65_535, 65_535), "a GIF of 4 gigapixels"),
        ] {
            let err = check_picture("u", &bytes, Some("image/png")).unwrap_err();
            assert_eq!(err.code(), "not_an_image", "{what}");
            assert!(err.to_string().contains("too many to show safely"), "{what}: {err}");
        }
        for (bytes, what) in [(png_header(4_000, 3_000), "a 12 MP photo"), (gif_header(1, 1), "a pixel")] {
            assert!(check_picture("u", &bytes, None).is_ok(), "{what}");
        }
    }

    #[test]
    fn refuses_svg_markup_and_what_is_not_a_picture() {
        let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>";
        for (bytes, declared) in [
            (&svg[..], Some("image/svg+xml")),
            (&svg[..], Some("image/png")),
            (&svg[..], None),
            (b"<html><script>alert(1)</script></html>", Some("image/gif")),
            (b"  <?xml version=\"1.0\"?><svg/>", Some("image/png")),
            (PNG, Some("text/html")),
            (b"just some text", Some("image/png")),
            (b"", Some("image/png")),
        ] {
            let err = check_picture("u", bytes, declared).unwrap_err();
            assert_eq!(err.code(), "not_an_image", "{declared:?} {:?}", String::from_utf8_lossy(bytes));
        }
    }

    #[test]
    fn decodes_inline_pictures() {
        let url = "data:image/gif;base64,R0lGODlhAQABAAAAACw=";
        let bytes = decode_data_url(url).unwrap();
        assert!(bytes.starts_with(b"GIF89a"));
        assert!(decode_data_url("data:image/gif,GIF89a").is_err());
    }

    #[test]
    fn files_are_named_by_content_and_written_once() {
        let dir = tempfile::TempDir::new().unwrap();
        let picture = Picture { bytes: PNG.to_vec(), content_type: "image/png" };
        let hash = write_file(dir.path(), &picture).unwrap();
        assert_eq!(hash.len(), 64);
        let path = file_path(dir.path(), &hash);
        assert_eq!(std::fs::read(&path).unwrap(), PNG);
        assert_eq!(write_file(dir.path(), &picture).unwrap(), hash);
        let names: Vec<_> =
            std::fs::read_dir(path.parent().unwrap()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 1, "no temporary file is left behind: {names:?}");
    }
}
