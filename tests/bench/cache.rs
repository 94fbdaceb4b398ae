//! The cache benchmark (`make bench`): a data directory of 100,000 entries with 4 KB bodies over 500
//! sources, and the reader's queries on it, each timed in process through the store beside the least
//! SQL that gives the same rows on a raw SQLite connection (the floor).
//!
//! Not a test: it prints a table and fails on nothing but an error. The cache (`cache_data.rs`) is built
//! once, under `target/bench/`, deterministically, and reused while its size and version match.

mod cache_data;
#[path = "../common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use offprint::model::{Cursor, EntryFilter};
use offprint::store::Store;
use rusqlite::Connection;

use cache_data::{BODY_BYTES, PER_SOURCE, SOURCES, cache_dir};

const PAGE: u32 = 50;
/// Timed runs of each query; the median and the 95th percentile are reported.
const RUNS: usize = 200;

/// Runs `work` [`RUNS`] times after a few unmeasured runs; returns the median and the 95th percentile.
fn time(mut work: impl FnMut()) -> (Duration, Duration) {
    for _ in 0..5 {
        work();
    }
    let mut took: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let started = Instant::now();
            work();
            started.elapsed()
        })
        .collect();
    took.sort();
    (took[RUNS / 2], took[RUNS * 95 / 100])
}

fn ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1000.0)
}

fn row(name: &str, offprint: (Duration, Duration), floor: (Duration, Duration)) {
    let ratio = offprint.0.as_secs_f64() / floor.0.as_secs_f64().max(1e-9);
    println!("| {name:<50} | {:>9} | {:>9} | {:>9} | {:>6.2}x |", ms(offprint.0), ms(offprint.1), ms(floor.0), ratio);
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --all-targets` runs this too, and must time nothing.
    if !std::env::args().any(|arg| arg == "--bench") {
        println!("a benchmark: run it with `make bench` (or `cargo bench --bench cache`)");
        return;
    }
    let dir = cache_dir();
    let store = Store::open_in(&dir).unwrap();
    let raw = Connection::open(dir.join(offprint::store::DB_FILE)).unwrap();
    let all = EntryFilter { limit: PAGE, ..Default::default() };
    let first = store.list_page(&all).unwrap();
    let cursor: Cursor = first.next.unwrap();

    println!(
        "Cache: {} entries of {BODY_BYTES} bytes over {SOURCES} sources; {RUNS} runs each, in ms.",
        SOURCES * PER_SOURCE
    );
    println!("| {:<50} | {:>9} | {:>9} | {:>9} | {:>7} |", "query", "median", "p95", "floor", "ratio");
    println!("|{:-<52}|{:->11}|{:->11}|{:->11}|{:->9}|", "", "", "", "", "");

    let page_floor =
        "SELECT e.id, e.title, e.summary, e.sort_at FROM entries e ORDER BY e.sort_at DESC, e.id DESC LIMIT ?1";
    row(
        "first page of the list",
        time(|| assert_eq!(store.list_page(&all).unwrap().entries.len(), PAGE as usize)),
        time(|| floor_rows(&raw, page_floor, rusqlite::params![PAGE])),
    );
    let next = EntryFilter { before: Some(cursor), ..all.clone() };
    let next_floor = "SELECT e.id, e.title, e.summary, e.sort_at FROM entries e WHERE (e.sort_at, e.id) < (?1, ?2)
                      ORDER BY e.sort_at DESC, e.id DESC LIMIT ?3";
    row(
        "next page by cursor",
        time(|| assert_eq!(store.list_page(&next).unwrap().entries.len(), PAGE as usize)),
        time(|| floor_rows(&raw, next_floor, rusqlite::params![cursor.at, cursor.id, PAGE])),
    );
    let counts_floor = "SELECT e.source_id, count(*) FROM entries e LEFT JOIN entry_state st ON st.entry_id = e.id
                        WHERE coalesce(st.read, 0) = 0 GROUP BY e.source_id";
    row(
        "sources with unread counts (floor: a naive COUNT)",
        time(|| assert_eq!(store.list_sources().unwrap().len(), SOURCES)),
        time(|| floor_rows(&raw, counts_floor, [])),
    );
    for (name, word) in [("search, Latin word", "extradition"), ("search, Cyrillic word", "экстрадиция")] {
        let search = EntryFilter { search: Some(word.into()), ..all.clone() };
        let search_floor = "SELECT e.id, e.title, e.summary, e.sort_at FROM entries e
                            WHERE e.id IN (SELECT rowid FROM entry_search WHERE entry_search MATCH ?1)
                            ORDER BY e.sort_at DESC, e.id DESC LIMIT ?2";
        row(
            name,
            time(|| assert!(!store.list_page(&search).unwrap().entries.is_empty())),
            time(|| floor_rows(&raw, search_floor, rusqlite::params![word, PAGE])),
        );
    }
    let id = first.entries[7].id;
    row(
        "open an entry",
        time(|| assert!(store.get_entry(id).unwrap().content_html.len() > BODY_BYTES / 2)),
        time(|| floor_rows(&raw, "SELECT content_html FROM entry_contents WHERE entry_id = ?1", [id])),
    );
}

/// Steps through every row of `sql`, reading each column: what any caller must do at least.
fn floor_rows(conn: &Connection, sql: &str, params: impl rusqlite::Params) {
    let mut stmt = conn.prepare_cached(sql).unwrap();
    let columns = stmt.column_count();
    let mut rows = stmt.query(params).unwrap();
    let mut n = 0;
    while let Some(row) = rows.next().unwrap() {
        for i in 0..columns {
            let _: rusqlite::types::Value = row.get(i).unwrap();
        }
        n += 1;
    }
    assert!(n > 0, "the floor query found nothing: {sql}");
}
