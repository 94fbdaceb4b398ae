//! A stable identity for every entry, computed when parsing (see STYLE.md #8).
//!
//! The key is a hash of the guid, else the link, else title + date + content. A guid that repeats
//! inside one feed is disambiguated by the link, then the title, then its position, so two different
//! stories that share a guid are kept apart rather than merged.

use std::collections::{HashMap, HashSet};

use sha2::{Digest, Sha256};
use twox_hash::XxHash3_128;

use crate::model::ParsedEntry;

/// Gives every entry its `key`, unique within the feed and stable across syncs.
pub(super) fn assign_keys(entries: &mut [ParsedEntry]) {
    let bases: Vec<String> = entries.iter().map(base_identity).collect();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for base in &bases {
        *counts.entry(base.as_str()).or_default() += 1;
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut taken: HashSet<String> = HashSet::new();
    for (entry, base) in entries.iter_mut().zip(&bases) {
        let mut identity = base.clone();
        if counts[base.as_str()] > 1 {
            let meta = &entry.meta;
            identity = format!("{identity}\u{1f}{}\u{1f}{}", meta.url.as_deref().unwrap_or(""), meta.title);
        }
        let n = seen.entry(identity.clone()).or_default();
        *n += 1;
        if *n > 1 {
            identity = format!("{identity}\u{1f}#{n}");
        }
        // A guid can itself spell what the lines above add (JSON Feed allows any character in one): it
        // gives way rather than share a key, which would store one story over the other.
        while !taken.insert(identity.clone()) {
            identity.push_str("\u{1f}#");
        }
        entry.meta.key = hash(&[&identity]);
    }
}

fn base_identity(entry: &ParsedEntry) -> String {
    let meta = &entry.meta;
    if let Some(guid) = &meta.guid {
        format!("guid:{guid}")
    } else if let Some(url) = &meta.url {
        format!("url:{url}")
    } else {
        let date = meta.published_at.or(meta.updated_at).map(|d| d.to_rfc3339()).unwrap_or_default();
        format!("content:{}", hash(&[&meta.title, &date, &entry.raw_html]))
    }
}

/// Hash of everything the feed says about an entry; a different value means the entry was edited.
///
/// xxh3-128: every entry of every feed read is fingerprinted, its body whole, and SHA-256 (which the
/// caches of earlier versions hold, see [`same_story`]) cost more than the rest of reading the feed.
/// Only ever compared, never trusted: a feed that forged one would hide an edit of its own.
pub(super) fn fingerprint(parts: &[&str]) -> String {
    let mut hasher = XxHash3_128::new();
    for part in parts {
        hasher.write(part.as_bytes());
        hasher.write(&[0x1f]);
    }
    format!("{FINGERPRINT_MARK}{:032x}", hasher.finish_128())
}

/// Starts every fingerprint [`fingerprint`] makes, to tell them from those of earlier versions.
const FINGERPRINT_MARK: &str = "x3:";

/// Whether the fingerprint `stored` says the same story as `new`, one that [`fingerprint`] just made.
/// A stored fingerprint of an earlier version (SHA-256, 32 hex digits) cannot be compared: it is taken
/// for the same story, as a reader would (nothing tells it was edited), and is replaced when the story
/// is stored again. A story edited just as Offprint was upgraded is not announced as updated.
pub fn same_story(stored: &str, new: &str) -> bool {
    stored == new || is_earlier_fingerprint(stored)
}

/// A fingerprint that earlier versions made.
fn is_earlier_fingerprint(stored: &str) -> bool {
    stored.len() == 32 && stored.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn hash(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update([0x1f]);
    }
    hasher.finalize().iter().take(16).map(|b| format!("{b:02x}")).collect()
}
