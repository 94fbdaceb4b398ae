//! Embed cards: what the sanitizer writes in place of a player (`iframe`, `embed`, `object`, `video`,
//! `audio`). A player is another site's page or a stream: offline it shows nothing, and online it would
//! tell that site who reads what. The card is a plain link to the same thing, with the provider, the title
//! and a thumbnail when they are known, in the shape the UI styles (see the offline capture contract):
//!
//! `<a class="op-embed" href><img class="op-embed-thumb" src alt=""><span class="op-embed-provider">
//! </span><span class="op-embed-title"></span></a>`

use htmlize::{escape_attribute, escape_text};
use url::Url;

/// Sites whose players are named on the card, by domain (subdomains included).
const PROVIDERS: &[(&str, &str)] = &[
    ("youtube.com", "YouTube"),
    ("youtube-nocookie.com", "YouTube"),
    ("youtu.be", "YouTube"),
    ("vimeo.com", "Vimeo"),
    ("soundcloud.com", "SoundCloud"),
    ("dailymotion.com", "Dailymotion"),
    ("dai.ly", "Dailymotion"),
    ("spotify.com", "Spotify"),
    ("twitter.com", "X"),
    ("x.com", "X"),
];

/// One card, its URLs absolute http(s) (ammonia checks them again all the same).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Card {
    href: Url,
    thumb: Option<Url>,
    provider: String,
    title: Option<String>,
}

impl Card {
    /// The card for another site's player at `src`. For the providers we know, it links to the page a
    /// reader would share (a YouTube watch page, not the bare player) and shows the thumbnail when its
    /// address follows from the URL.
    pub(super) fn player(src: Url, title: Option<String>) -> Card {
        let site = site_of(&src);
        let provider = PROVIDERS.iter().find(|(domain, _)| is_within(&site, domain)).map(|&(_, name)| name);
        let (href, thumb) = match provider {
            Some("YouTube") => match youtube(&src) {
                Some((page, thumb)) => (page, Some(thumb)),
                None => (src, None),
            },
            Some("Vimeo") => (vimeo_page(&src).unwrap_or(src), None),
            Some("SoundCloud") => (soundcloud_track(&src).unwrap_or(src), None),
            _ => (src, None),
        };
        Card { href, thumb, provider: provider.map_or(site, str::to_owned), title }
    }

    /// The card as HTML, every text and URL escaped.
    pub(super) fn to_html(&self) -> String {
        let mut html = format!(r#"<a class="op-embed" href="{}">"#, escape_attribute(self.href.as_str()));
        if let Some(thumb) = &self.thumb {
            html.push_str(&format!(
                r#"<img class="op-embed-thumb" src="{}" alt="">"#,
                escape_attribute(thumb.as_str())
            ));
        }
        html.push_str(&format!(r#"<span class="op-embed-provider">{}</span>"#, escape_text(&self.provider)));
        if let Some(title) = &self.title {
            html.push_str(&format!(r#"<span class="op-embed-title">{}</span>"#, escape_text(title)));
        }
        html.push_str("</a>");
        html
    }
}

/// A `<video>` or `<audio>` element, read from its start tag; the file it plays may come later, in a
/// `<source>` child.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Media {
    pub(super) kind: MediaKind,
    pub(super) poster: Option<Url>,
    pub(super) title: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum MediaKind {
    Video,
    Audio,
}

impl Media {
    /// The card for this element playing `src`: it links to the file, named after the site serving it.
    pub(super) fn card(self, src: Url) -> Card {
        let kind = match self.kind {
            MediaKind::Video => "Video",
            MediaKind::Audio => "Audio",
        };
        let provider = format!("{kind} · {}", site_of(&src));
        Card { href: src, thumb: self.poster, provider, title: self.title }
    }
}

/// The host a reader would name: without `www.`.
fn site_of(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    host.strip_prefix("www.").unwrap_or(host).to_owned()
}

fn is_within(site: &str, domain: &str) -> bool {
    site.strip_suffix(domain).is_some_and(|sub| sub.is_empty() || sub.ends_with('.'))
}

/// The watch page and thumbnail of a YouTube video, from any of the URL shapes its players use.
fn youtube(src: &Url) -> Option<(Url, Url)> {
    let id = youtube_id(src)?;
    let page = Url::parse(&format!("https://www.youtube.com/watch?v={id}")).ok()?;
    let thumb = Url::parse(&format!("https://i.ytimg.com/vi/{id}/hqdefault.jpg")).ok()?;
    Some((page, thumb))
}

/// The video id in `youtu.be/ID`, `/embed/ID`, `/v/ID` or `/watch?v=ID`.
fn youtube_id(src: &Url) -> Option<String> {
    let mut path = src.path_segments()?;
    let id = if site_of(src) == "youtu.be" {
        path.next()?.to_owned()
    } else {
        match path.next()? {
            "embed" | "v" => path.next()?.to_owned(),
            "watch" => src.query_pairs().find(|(name, _)| name == "v")?.1.into_owned(),
            _ => return None,
        }
    };
    // Ids are 11 characters of base64url; anything else would only make a link that goes nowhere. The
    // playlist player's `/embed/videoseries` has the right length but names no video.
    let is_id = id.len() == 11
        && id != "videoseries"
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    is_id.then_some(id)
}

/// `https://vimeo.com/ID` for the player at `player.vimeo.com/video/ID`.
fn vimeo_page(src: &Url) -> Option<Url> {
    if src.host_str() != Some("player.vimeo.com") {
        return None;
    }
    let mut path = src.path_segments()?;
    let id = path.next().filter(|s| *s == "video").and_then(|_| path.next())?;
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Url::parse(&format!("https://vimeo.com/{id}")).ok()
}

/// The track the SoundCloud widget plays, which it takes in its `url` parameter.
fn soundcloud_track(src: &Url) -> Option<Url> {
    if src.host_str() != Some("w.soundcloud.com") {
        return None;
    }
    let (_, track) = src.query_pairs().find(|(name, _)| name == "url")?;
    Url::parse(&track).ok().filter(|u| matches!(u.scheme(), "http" | "https"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(src: &str) -> Card {
        Card::player(Url::parse(src).unwrap(), None)
    }

    #[test]
    fn links_youtube_players_to_the_watch_page_with_its_thumbnail() {
        for src in [
            "https://www.youtube.com/embed/dQw4w9WgXcQ?rel=0",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
            "https://youtube.com/v/dQw4w9WgXcQ",
            "https://m.youtube.com/watch?feature=x&v=dQw4w9WgXcQ",
            "https://youtu.be/dQw4w9WgXcQ?t=3",
        ] {
            let card = card(src);
            assert_eq!(card.href.as_str(), "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "{src}");
            assert_eq!(card.thumb.unwrap().as_str(), "https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg", "{src}");
            assert_eq!(card.provider, "YouTube");
        }
    }

    #[test]
    fn keeps_a_youtube_player_without_a_video_id_as_it_is() {
        let card = card("https://www.youtube.com/embed/videoseries?list=PL123");
        assert_eq!(card.href.as_str(), "https://www.youtube.com/embed/videoseries?list=PL123");
        assert_eq!(card.thumb, None);
        assert_eq!(card.provider, "YouTube");
    }

    #[test]
    fn links_vimeo_and_soundcloud_players_to_their_pages() {
        let vimeo = card("https://player.vimeo.com/video/76979871?h=8272103f6e");
        assert_eq!((vimeo.href.as_str(), vimeo.provider.as_str()), ("https://vimeo.com/76979871", "Vimeo"));
        let soundcloud = card(
            "https://w.soundcloud.com/player/?url=https%3A%2F%2Fapi.soundcloud.com%2Ftracks%2F293&auto_play=false",
        );
        assert_eq!(soundcloud.href.as_str(), "https://api.soundcloud.com/tracks/293");
        assert_eq!(soundcloud.provider, "SoundCloud");
        let not_web = card("https://w.soundcloud.com/player/?url=javascript:alert(1)");
        assert_eq!(not_web.href.as_str(), "https://w.soundcloud.com/player/?url=javascript:alert(1)");
    }

    #[test]
    fn names_known_providers_and_otherwise_the_site() {
        for (src, provider) in [
            ("https://www.dailymotion.com/embed/video/x7tgad0", "Dailymotion"),
            ("https://open.spotify.com/embed/track/4uLU6hMCjMI75M1A2tKUQC", "Spotify"),
            ("https://platform.twitter.com/embed/Tweet.html?id=1", "X"),
            ("https://x.com/i/status/1", "X"),
            ("https://www.maps.example.org/embed?pb=1", "maps.example.org"),
            ("https://notyoutube.com/embed/dQw4w9WgXcQ", "notyoutube.com"),
        ] {
            assert_eq!(card(src).provider, provider, "{src}");
        }
    }

    #[test]
    fn names_media_after_its_kind_and_site() {
        let media = Media { kind: MediaKind::Audio, poster: None, title: Some("Episode 4".into()) };
        let card = media.card(Url::parse("https://www.podcasts.example/4.mp3").unwrap());
        assert_eq!(card.provider, "Audio · podcasts.example");
        assert_eq!(card.title.as_deref(), Some("Episode 4"));
    }

    #[test]
    fn escapes_every_text_and_url_in_the_html() {
        let card = Card::player(
            Url::parse("https://v.example/e?a=1&b=\"2\"").unwrap(),
            Some("\"><script>alert(1)</script>".into()),
        );
        assert_eq!(
            card.to_html(),
            "<a class=\"op-embed\" href=\"https://v.example/e?a=1&amp;b=%222%22\">\
             <span class=\"op-embed-provider\">v.example</span>\
             <span class=\"op-embed-title\">\"&gt;&lt;script&gt;alert(1)&lt;/script&gt;</span></a>"
        );
    }
}
