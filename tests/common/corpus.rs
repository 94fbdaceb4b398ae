//! Synthetic news for the benchmarks and the window's XSS drill: words in the four languages of the mission, and feeds of stories
//! with 2–8 KB HTML bodies (paragraphs, links, figures, tables, and now and then hostile markup) as
//! RSS 2.0, Atom and JSON Feed in turn. Everything is deterministic by seed.

use super::Rng;

/// Words of the four languages, each list one language.
pub const LANGUAGES: &[&[&str]] = &[
    &[
        "court",
        "hearing",
        "verdict",
        "appeal",
        "journalist",
        "asylum",
        "border",
        "testimony",
        "lawyer",
        "press",
        "freedom",
        "witness",
        "sentence",
        "detention",
        "release",
        "the",
        "of",
        "and",
        "a",
        "was",
    ],
    &[
        "суд",
        "заседание",
        "приговор",
        "адвокат",
        "журналист",
        "свобода",
        "граница",
        "свидетель",
        "и",
        "в",
        "не",
        "на",
        "что",
        "был",
        "апелляция",
        "убежище",
        "слово",
        "пресса",
        "дело",
        "решение",
    ],
    &[
        "сот",
        "тергеу",
        "бостандық",
        "тілші",
        "шекара",
        "үкім",
        "адвокат",
        "куә",
        "және",
        "бұл",
        "мен",
        "да",
        "баспасөз",
        "іс",
        "шешім",
        "қамау",
        "босату",
        "өтініш",
        "мәлімдеме",
        "ақпарат",
    ],
    &[
        "دادگاه",
        "خبرنگار",
        "آزادی",
        "پناهجو",
        "حکم",
        "وکیل",
        "شاهد",
        "و",
        "در",
        "به",
        "از",
        "که",
        "این",
        "مرز",
        "بازداشت",
        "آزاد",
        "رسانه",
        "پرونده",
        "تصمیم",
        "اعتراض",
    ],
];

/// A number in `0..n` from `rng`.
pub fn pick(rng: &mut Rng, n: usize) -> usize {
    rng.below(n as u64) as usize
}

/// Words of `words`, `bytes` long or a little over, with a full stop now and then.
pub fn text(seq: &mut Rng, words: &[&str], bytes: usize) -> String {
    let mut out = String::with_capacity(bytes + 16);
    while out.len() < bytes {
        out.push_str(words[pick(seq, words.len())]);
        out.push(if pick(seq, 12) == 0 { '.' } else { ' ' });
    }
    out
}

/// One story of a feed.
pub struct Story {
    pub id: String,
    pub title: String,
    pub link: String,
    /// Unix seconds.
    pub published: i64,
    pub html: String,
}

/// A story of feed `feed` on `host` (an origin such as `http://127.0.0.2:8080`), number `n`: 2–8 KB of
/// HTML in the feed's language.
pub fn story(seq: &mut Rng, host: &str, feed: usize, n: usize) -> Story {
    let words = LANGUAGES[feed % LANGUAGES.len()];
    let target = 2048 + pick(seq, 6144);
    let mut html = String::with_capacity(target + 512);
    let mut paragraph = 0;
    // At least 200 words of text besides figures and tables: a whole story, which Offprint keeps as the
    // feed gives it (a summary would send it to the article page).
    while html.len() < target || paragraph < 7 {
        match paragraph % 7 {
            2 => html.push_str(&format!(
                "<figure><img src=\"{host}/img/{}.png\" alt=\"{}\" width=\"640\" height=\"360\">\
                 <figcaption>{}</figcaption></figure>",
                pick(seq, 10),
                text(seq, words, 20).trim(),
                text(seq, words, 60).trim()
            )),
            4 if n.is_multiple_of(3) => {
                html.push_str("<table><thead><tr><th>");
                html.push_str(text(seq, words, 12).trim());
                html.push_str("</th><th>");
                html.push_str(text(seq, words, 12).trim());
                html.push_str("</th></tr></thead><tbody>");
                for _ in 0..4 {
                    html.push_str(&format!(
                        "<tr><td>{}</td><td>{}</td></tr>",
                        text(seq, words, 20).trim(),
                        pick(seq, 1000)
                    ));
                }
                html.push_str("</tbody></table>");
            }
            5 if n % 10 == 7 => html.push_str(
                "<p onclick=\"alert(1)\">Hostile <a href=\"javascript:alert(1)\">link</a>\
                 <script>document.title='x'</script><img src=x onerror=alert(1)></p>",
            ),
            _ => html.push_str(&format!(
                "<p>{} <a href=\"https://news{feed}.example.org/{n}/{paragraph}\">{}</a> {}</p>",
                text(seq, words, 300).trim(),
                text(seq, words, 20).trim(),
                text(seq, words, 300).trim()
            )),
        }
        paragraph += 1;
    }
    Story {
        id: format!("{host}/feed/{feed}/story/{n}"),
        title: text(seq, words, 50).trim().to_owned(),
        link: format!("{host}/feed/{feed}/story/{n}"),
        published: 1_780_000_000 + (feed * 100_000 + n * 600) as i64,
        html,
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn rfc3339(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0).unwrap().to_rfc3339()
}

/// A feed document of `stories`, newest first, as RSS 2.0, Atom or JSON Feed by `feed`'s number, and
/// its content type.
pub fn document(host: &str, feed: usize, stories: &[Story]) -> (Vec<u8>, &'static str) {
    let title = format!("Feed {feed}");
    match feed % 3 {
        0 => {
            let items: String = stories
                .iter()
                .map(|s| {
                    let date = chrono::DateTime::from_timestamp(s.published, 0).unwrap().to_rfc2822();
                    format!(
                        "<item><title>{}</title><link>{}</link><guid>{}</guid><pubDate>{date}</pubDate>\
                         <description>{}</description></item>",
                        escape(&s.title),
                        s.link,
                        s.id,
                        escape(&s.html)
                    )
                })
                .collect();
            let doc = format!(
                "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>{title}</title>\
                 <link>{host}/</link><description>Synthetic</description>{items}</channel></rss>"
            );
            (doc.into_bytes(), "application/rss+xml")
        }
        1 => {
            let entries: String = stories
                .iter()
                .map(|s| {
                    format!(
                        "<entry><title>{}</title><id>{}</id><link href=\"{}\"/><updated>{}</updated>\
                         <content type=\"html\">{}</content></entry>",
                        escape(&s.title),
                        s.id,
                        s.link,
                        rfc3339(s.published),
                        escape(&s.html)
                    )
                })
                .collect();
            let updated = stories.first().map_or(rfc3339(1_780_000_000), |s| rfc3339(s.published));
            let doc = format!(
                "<?xml version=\"1.0\" encoding=\"utf-8\"?><feed xmlns=\"http://www.w3.org/2005/Atom\">\
                 <title>{title}</title><id>{host}/feed/{feed}</id><updated>{updated}</updated>{entries}</feed>"
            );
            (doc.into_bytes(), "application/atom+xml")
        }
        _ => {
            let items: Vec<serde_json::Value> = stories
                .iter()
                .map(|s| {
                    serde_json::json!({"id": s.id, "url": s.link, "title": s.title,
                        "date_published": rfc3339(s.published), "content_html": s.html})
                })
                .collect();
            let doc = serde_json::json!({"version": "https://jsonfeed.org/version/1.1", "title": title,
                "home_page_url": format!("{host}/"), "items": items});
            (doc.to_string().into_bytes(), "application/feed+json")
        }
    }
}

/// An OPML list of `urls`.
pub fn opml(urls: &[String]) -> String {
    let outlines: String = urls
        .iter()
        .enumerate()
        .map(|(i, url)| format!("<outline type=\"rss\" text=\"Feed {i}\" xmlUrl=\"{}\"/>", escape(url)))
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><opml version=\"2.0\"><head><title>Bench</title></head>\
         <body>{outlines}</body></opml>"
    )
}
