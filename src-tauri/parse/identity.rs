//! A stable identity for every entry, computed when parsing (see STYLE.md #8).
//!
//! The key is a hash of the guid, else the link, else title + date + content. A guid that repeats
//! inside one feed is disambiguated by the link, then the title, then its position, so two different
//! stories that share a guid are kept apart rather than merged.

use std::collections::{HashMap, HashSet};

use sha2::{Digest, Sha256};

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
pub(super) fn fingerprint(parts: &[&str]) -> String {
    hash(parts)
}

fn hash(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update([0x1f]);
    }
    crate::text::hex(&hasher.finalize()[..16])
}
