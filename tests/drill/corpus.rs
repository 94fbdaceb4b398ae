//! The drill's corpus: feeds written by the test as RSS 2.0, in English and Russian, with pictures
//! (real PNG and JPEG bytes from the offline fixtures), served by a few hosts on 127.0.0.1, and
//! changed between syncs so that each sync has real writing to do.

use std::path::Path;

use crate::common::Rng;
use crate::common::{Route, Server, read_fixture};

/// `count` words of `vocabulary`, the first capitalised.
fn words(rng: &mut Rng, vocabulary: &str, count: u64) -> String {
    let words: Vec<&str> = vocabulary.split_whitespace().collect();
    let picked: Vec<&str> = (0..count).map(|_| words[rng.below(words.len() as u64) as usize]).collect();
    let text = picked.join(" ");
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

const ENGLISH: &str = "harbour ferry council morning lantern river market evening report festival weather bridge \
                       school library station garden the a of and in new old city people opened closed after before \
                       storm quiet crowd";
const RUSSIAN: &str = "гавань паром совет утро фонарь река рынок вечер отчёт праздник погода мост школа библиотека \
                       вокзал сад новый старый город люди и в на после до буря тихий толпа открыли закрыли";

/// Pictures from the offline fixtures, served by every host; the first is also each host's icon.
const PICTURES: &[&str] = &[
    "lighthouse.png",
    "harbour.jpg",
    "courthouse-steps.png",
    "ferry-deck.jpg",
    "ferry-dock.png",
    "festival-crowd.jpg",
    "newsroom-team.png",
    "newsroom-desk.jpg",
    "gallery-wide.png",
    "gallery-narrow.jpg",
];

#[derive(Default)]
pub struct Story {
    pub guid: String,
    pub title: String,
    /// A word only this version of the story has, to find it in the stored text.
    pub marker: String,
    paragraphs: Vec<String>,
    picture: Option<String>,
    published: i64,
}

pub struct Feed {
    host: usize,
    path: String,
    russian: bool,
    pub stories: Vec<Story>,
    /// A feed not live yet answers 503, as a server that is down.
    pub live: bool,
}

/// The feeds and what they hold now.
pub struct Corpus {
    pub servers: Vec<Server>,
    pub feeds: Vec<Feed>,
    rng: Rng,
    revision: u64,
    new_pictures: u64,
}

impl Corpus {
    /// `feeds` feeds of `entries` stories spread over `hosts` servers, none live yet.
    pub fn new(hosts: usize, feeds: usize, entries: usize, seed: u64) -> Corpus {
        let servers: Vec<Server> = (0..hosts).map(|_| Server::start()).collect();
        for server in &servers {
            for name in PICTURES {
                server.route(&format!("/img/{name}"), picture(read_fixture(&format!("offline/img/{name}"))));
            }
            server.route("/favicon.ico", picture(read_fixture(&format!("offline/img/{}", PICTURES[0]))));
        }
        let mut corpus = Corpus { servers, feeds: Vec::new(), rng: Rng(seed | 1), revision: 0, new_pictures: 0 };
        for i in 0..feeds {
            let (path, russian) = (format!("/feeds/{i}.xml"), i % 2 == 1);
            corpus.feeds.push(Feed { host: i % hosts, path, russian, stories: Vec::new(), live: false });
            for _ in 0..entries {
                corpus.add_story(i, false);
            }
            corpus.publish(i);
        }
        corpus
    }

    pub fn url(&self, feed: &Feed) -> String {
        self.servers[feed.host].url(&feed.path)
    }

    /// Puts feeds on line with what they hold now.
    pub fn go_live(&mut self, feeds: std::ops::Range<usize>) {
        for i in feeds {
            self.feeds[i].live = true;
            self.publish(i);
        }
    }

    /// A round of changes: `feeds` live feeds (picked at random) get three new stories and four edited
    /// ones each. Half the new stories show a picture never seen before; half the edits of such a
    /// story change it, so the old picture's row and file go at the next cleanup.
    pub fn change(&mut self, feeds: usize) {
        let live: Vec<usize> = (0..self.feeds.len()).filter(|&i| self.feeds[i].live).collect();
        for _ in 0..feeds.min(live.len()) {
            let i = live[self.rng.below(live.len() as u64) as usize];
            for _ in 0..3 {
                self.add_story(i, true);
            }
            for _ in 0..4 {
                let n = self.rng.below(self.feeds[i].stories.len() as u64) as usize;
                let mut story = std::mem::take(&mut self.feeds[i].stories[n]);
                self.write(i, &mut story);
                if story.picture.as_deref().is_some_and(|p| p.contains("/img/new-")) && self.rng.below(2) == 0 {
                    story.picture = Some(self.new_picture(self.feeds[i].host));
                }
                self.feeds[i].stories[n] = story;
            }
            self.publish(i);
        }
    }

    /// An OPML file subscribing to every feed, live or not.
    pub fn write_opml(&self, path: &Path) {
        let urls: Vec<String> = self.feeds.iter().map(|f| self.url(f)).collect();
        std::fs::write(path, crate::common::corpus::opml(&urls)).unwrap();
    }

    /// A new story at the end of feed `i`: one in three shows a fixture picture (the same URLs again
    /// and again); with `fresh`, half show a picture never seen before instead.
    fn add_story(&mut self, i: usize, fresh: bool) {
        let (host, n) = (self.feeds[i].host, self.feeds[i].stories.len());
        let picture = if fresh && self.rng.below(2) == 0 {
            Some(self.new_picture(host))
        } else {
            (n % 3 == 0).then(|| self.servers[host].url(&format!("/img/{}", PICTURES[(i * 7 + n) % PICTURES.len()])))
        };
        let published = 1_767_225_600 + (i as i64) * 1000 + (n as i64) * 3600;
        let mut story = Story { guid: format!("drill-{i}-{n}"), picture, published, ..Story::default() };
        self.write(i, &mut story);
        self.feeds[i].stories.push(story);
    }

    /// Gives a story a new title, a new text, and the marker of this version.
    fn write(&mut self, i: usize, story: &mut Story) {
        let vocabulary = if self.feeds[i].russian { RUSSIAN } else { ENGLISH };
        self.revision += 1;
        let length = 4 + self.rng.below(4);
        story.title = words(&mut self.rng, vocabulary, length);
        story.marker = format!("rev{}", self.revision);
        story.paragraphs = (0..2 + self.rng.below(2))
            .map(|_| {
                let length = 12 + self.rng.below(14);
                words(&mut self.rng, vocabulary, length) + "."
            })
            .collect();
        story.paragraphs[0].push_str(&format!(" {}", story.marker));
    }

    /// A JPEG no other URL serves: a fixture with a comment segment of its own.
    fn new_picture(&mut self, host: usize) -> String {
        self.new_pictures += 1;
        let mut bytes = read_fixture("offline/img/harbour.jpg");
        let comment = format!("drill picture {}", self.new_pictures);
        let length = (comment.len() + 2) as u16;
        bytes.splice(2..2, [&[0xff, 0xfe], &length.to_be_bytes()[..], comment.as_bytes()].concat());
        let path = format!("/img/new-{}.jpg", self.new_pictures);
        self.servers[host].route(&path, picture(bytes));
        self.servers[host].url(&path)
    }

    fn publish(&self, i: usize) {
        let feed = &self.feeds[i];
        let route = match feed.live {
            true => Route::feed(self.rss(feed), "application/rss+xml; charset=utf-8"),
            false => Route::status(503),
        };
        self.servers[feed.host].route(&feed.path, route);
    }

    fn rss(&self, feed: &Feed) -> String {
        let site = self.servers[feed.host].url(&format!("/site{}", feed.path.trim_end_matches(".xml")));
        let (title, language) =
            if feed.russian { ("Новости гавани", "ru") } else { ("Harbour news", "en") };
        let mut xml = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>{title}</title>\
             <link>{site}</link><description>A drill feed</description><language>{language}</language>\n"
        );
        for story in feed.stories.iter().rev() {
            let mut html: String = story.paragraphs.iter().map(|p| format!("<p>{p}</p>")).collect();
            if let Some(picture) = &story.picture {
                let alt = &story.title;
                html.push_str(&format!(
                    "<figure><img src=\"{picture}\" alt=\"{alt}\" width=\"320\" height=\"200\"></figure>"
                ));
            }
            let date = chrono::DateTime::from_timestamp(story.published, 0).unwrap().to_rfc2822();
            let Story { guid, title, .. } = story;
            xml.push_str(&format!(
                "<item><title>{title}</title><link>{site}/{guid}</link><guid isPermaLink=\"false\">{guid}</guid>\
                 <pubDate>{date}</pubDate><description><![CDATA[{html}]]></description></item>\n"
            ));
        }
        xml + "</channel></rss>\n"
    }
}

fn picture(bytes: Vec<u8>) -> Route {
    let content_type = if bytes.starts_with(b"\x89PNG") { "image/png" } else { "image/jpeg" };
    Route::feed(bytes, content_type)
}
