//! The fuzz targets' checks (`fuzz/targets.rs`) over their checked-in corpus and over every input a fuzz
//! run once found to fail (`fuzz/regressions/<target>/`), so that `make test` runs, in a few seconds,
//! what `make fuzz` learned in minutes.

#[path = "sanitize/checker.rs"]
mod checker;
#[path = "fuzz/targets.rs"]
mod targets;

use std::path::{Path, PathBuf};

/// Every file under `tests/fuzz/<kind>/<target>/`, sorted; none when the folder does not exist.
fn inputs(kind: &str, target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz").join(kind).join(target);
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries.map(|e| e.unwrap().path()).filter(|p| p.is_file()).collect(),
        Err(_) => Vec::new(),
    };
    files.sort();
    files
}

/// Runs `check` on each input, each in its own catch, and names every one that failed.
fn run(target: &str, check: fn(&[u8])) {
    let corpus = inputs("corpus", target);
    assert!(corpus.len() >= 10, "the {target} corpus holds {} inputs", corpus.len());
    let failed: Vec<String> = corpus
        .iter()
        .chain(&inputs("regressions", target))
        .filter(|path| {
            let data = std::fs::read(path).unwrap();
            std::panic::catch_unwind(|| check(&data)).is_err()
        })
        .map(|path| path.display().to_string())
        .collect();
    assert!(failed.is_empty(), "{target}: these inputs fail: {failed:#?}");
}

#[test]
fn the_feed_corpus_passes_the_feed_checks() {
    run("feed", targets::feed);
}

#[test]
fn the_sanitize_corpus_passes_the_sanitizer_checks() {
    run("sanitize", targets::sanitize);
}

#[test]
fn the_opml_corpus_passes_the_opml_checks() {
    run("opml", targets::opml);
}
