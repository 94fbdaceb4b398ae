//! The benchmarks' cache: a data directory of 100,000 entries with 4 KB bodies over 500 sources,
//! built once under `target/bench/`, deterministically, and reused while its size and version match.
//! The cache benchmark queries it through the store; the app benchmark opens copies of it in the window.

use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::{TimeZone, Utc};
use offprint::model::{CleanEntry, EntryMeta};
use offprint::store::{FeedFacts, FetchRecord, NewSource, Store};
use rusqlite::Connection;

use crate::common::Rng;
use crate::common::corpus::{LANGUAGES, pick, text};

pub const SOURCES: usize = 500;
pub const PER_SOURCE: usize = 200;
pub const BODY_BYTES: usize = 4096;
/// Bump when the generated cache changes, so an older one under `target/bench/` is built again.
const CACHE_VERSION: u32 = 5;

/// Every word of the four languages, in one list: a body mixes them.
fn words() -> Vec<&'static str> {
    LANGUAGES.iter().flat_map(|words| words.iter().copied()).collect()
}

fn entry(seq: &mut Rng, source: usize, n: usize) -> CleanEntry {
    let words = words();
    let plain = text(seq, &words, BODY_BYTES);
    // A rare word for the Latin search, a rarer one for the Cyrillic.
    let plain = match pick(seq, 100) {
        0 => format!("{plain} extradition"),
        1 if pick(seq, 2) == 0 => format!("{plain} экстрадиция"),
        _ => plain,
    };
    let html: String = plain.split(". ").map(|p| format!("<p>{p}.</p>")).collect();
    let minutes = (source * PER_SOURCE + n) as i64 * 7;
    CleanEntry {
        meta: EntryMeta {
            key: format!("s{source}-e{n}"),
            url: Some(format!("https://source{source}.example/story/{n}")),
            title: text(seq, &words, 60).trim().to_owned(),
            published_at: Some(Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap() + chrono::Duration::minutes(minutes)),
            summary: plain.chars().take(300).collect(),
            dir: "ltr".into(),
            fingerprint: format!("{source}/{n}"),
            ..Default::default()
        },
        content_html: html,
        plain_text: plain,
        ..Default::default()
    }
}

/// The benchmark's data directory, built when missing or from another version.
pub fn cache_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench/cache-100k");
    let stamp = dir.join("built");
    let want = format!("{CACHE_VERSION} {SOURCES}x{PER_SOURCE}x{BODY_BYTES}");
    if std::fs::read_to_string(&stamp).is_ok_and(|s| s == want) {
        return dir;
    }
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let started = Instant::now();
    let mut store = Store::open_in(&dir).unwrap();
    let mut seq = Rng(0x0ff_9417);
    for source in 0..SOURCES {
        let url = format!("https://source{source}.example/feed.xml");
        let id = store.add_source(&NewSource { url, title: format!("Source {source}"), ..Default::default() }).unwrap();
        let entries: Vec<CleanEntry> = (0..PER_SOURCE).map(|n| entry(&mut seq, source, n)).collect();
        let facts = FeedFacts { title: format!("Source {source}"), ..Default::default() };
        store.apply_refresh(id, &FetchRecord::default(), &facts, &entries).unwrap();
    }
    drop(store);
    // A third of the stories read, as a reader's cache would have them.
    let conn = Connection::open(dir.join(offprint::store::DB_FILE)).unwrap();
    conn.execute_batch(
        "INSERT INTO entry_state (entry_id, read, bookmarked) SELECT id, 1, 0 FROM entries WHERE id % 3 = 0
         ON CONFLICT (entry_id) DO UPDATE SET read = 1;",
    )
    .unwrap();
    drop(conn);
    eprintln!("built the cache ({} entries) in {:.1?}", SOURCES * PER_SOURCE, started.elapsed());
    std::fs::write(&stamp, want).unwrap();
    dir
}
