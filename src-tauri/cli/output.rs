//! The human-readable forms of the CLI's output. The JSON forms are the model's serde shapes.

use std::fmt::Write;

use crate::discover::FeedLink;
use crate::model::{
    CacheInfo, CleanupReport, EntryDetail, EntrySummary, FolderInfo, RefreshOutcome, SourceInfo, SyncReport,
};
use crate::store::ImportReport;
use crate::sync::Progress;
use crate::text::html_to_paragraphs;

pub(super) fn subscribed(source: &SourceInfo, outcome: &RefreshOutcome) -> String {
    let entries = plural(outcome.new as usize, "entry", "entries");
    format!("Subscribed to “{}” (source {}): {} {entries}.\n", source.title, source.id, outcome.new)
}

/// The feeds a page offered, on stderr, when there was a choice.
pub(super) fn offered(feeds: &[FeedLink], picked: usize) -> String {
    let mut out = format!("This page offers {} feeds:\n", feeds.len());
    for (n, feed) in feeds.iter().enumerate() {
        let mark = if n + 1 == picked { "*" } else { " " };
        let title = feed.title.as_deref().map(|t| format!("\u{2068}{t}\u{2069} ")).unwrap_or_default();
        let _ = writeln!(out, "{mark} {}. {title}{}", n + 1, feed.url);
    }
    let _ = writeln!(out, "Subscribed to number {picked}; choose another with --pick N.");
    out
}

pub(super) fn source_settings(s: &SourceInfo) -> String {
    let or_setting = |value: &Option<String>, setting: &str| match value {
        Some(v) => v.clone(),
        None => format!("(the {setting} setting)"),
    };
    let interval = s.refresh_interval.map(|m| format!("{m} minutes"));
    let mut out = format!("Source {}: \u{2068}{}\u{2069}\n", s.id, s.title);
    let _ = writeln!(out, "  refresh_interval = {}", or_setting(&interval, "refresh_interval"));
    let _ = writeln!(out, "  proxy = {}", or_setting(&s.proxy, "proxy"));
    let _ = writeln!(out, "  user_agent = {}", or_setting(&s.user_agent, "user_agent"));
    let _ = writeln!(out, "  notify = {}", if s.notify { "on" } else { "off" });
    if let Some(until) = &s.retry_after {
        let _ = writeln!(out, "  its server asked not to be fetched before {until}");
    }
    out
}

pub(super) fn folders(folders: &[FolderInfo]) -> String {
    if folders.is_empty() {
        return "No folders yet. Put a source in one with: offprint-cli move SOURCE_ID FOLDER\n".into();
    }
    folders
        .iter()
        .map(|f| {
            let sources = plural(f.source_count as usize, "source", "sources");
            format!("\u{2068}{}\u{2069}  {} {sources}, {} unread\n", f.name, f.source_count, f.unread_count)
        })
        .collect()
}

pub(super) fn imported(report: &ImportReport) -> String {
    let mut out = format!(
        "Imported {} {}; they are fetched by the next sync.\n",
        report.added.len(),
        plural(report.added.len(), "source", "sources")
    );
    for s in &report.added {
        let folder = s.folder.as_deref().map(|f| format!(" [{f}]")).unwrap_or_default();
        let _ = writeln!(out, "  + {} \u{2068}{}\u{2069}{folder}  {}", s.id, s.title, s.url);
    }
    if !report.skipped.is_empty() {
        let _ = writeln!(out, "Skipped {}:", report.skipped.len());
        for s in &report.skipped {
            let _ = writeln!(out, "  - {}: {}", s.url, s.reason);
        }
    }
    out
}

pub(super) fn sources(sources: &[SourceInfo]) -> String {
    if sources.is_empty() {
        return "No sources yet. Add one with: offprint-cli add URL\n".into();
    }
    let mut out = String::new();
    for s in sources {
        let status = match (&s.last_error, &s.last_ok_at) {
            (Some(e), _) => format!("failing: {} ({})", e.message, e.code),
            (None, Some(at)) => format!("ok {at}"),
            (None, None) => "never synced".into(),
        };
        let folder = s.folder.as_deref().map(|f| format!("[{f}] ")).unwrap_or_default();
        let _ = writeln!(
            out,
            "{:>5}  {}{}  ({} unread / {})  {}",
            s.id, folder, s.title, s.unread_count, s.entry_count, s.url
        );
        let _ = writeln!(out, "       {status}");
    }
    out
}

/// One line on stderr per source as a sync goes.
pub(super) fn progress(p: Progress<'_>) {
    let what = match p.result {
        Ok(o) if o.unchanged => "unchanged".to_owned(),
        Ok(o) => format!("{} new, {} updated", o.new, o.updated),
        Err(e) => format!("failed ({}): {}", e.code, e.message),
    };
    eprintln!("[{}/{}] {}: {what}", p.done, p.total, p.url);
}

pub(super) fn sync_report(r: &SyncReport) -> String {
    let mut out = format!(
        "Synced {} sources: {} new, {} updated, {} unchanged, {} failed.\n",
        r.sources, r.new, r.updated, r.unchanged, r.failed
    );
    if r.skipped > 0 {
        let sources = plural(r.skipped as usize, "source was", "sources were");
        let _ = writeln!(out, "  {} {sources} not fetched: their server asked to wait (see sources).", r.skipped);
    }
    for e in &r.errors {
        let _ = writeln!(out, "  source {} ({}): {} [{}]", e.source_id, e.url, e.message, e.code);
    }
    out
}

pub(super) fn entries(entries: &[EntrySummary]) -> String {
    if entries.is_empty() {
        return "No entries.\n".into();
    }
    // ● unread, ★ bookmarked; times in UTC like everywhere else.
    let mut out = String::new();
    for e in entries {
        let unread = if e.read { ' ' } else { '●' };
        let star = if e.bookmarked { '★' } else { ' ' };
        let date = format!("{}Z", e.published.get(..16).unwrap_or(&e.published).replace('T', " "));
        // Isolate each field so a right-to-left title cannot reorder the line around it.
        let _ = writeln!(
            out,
            "{:>6} {unread}{star} {date}  \u{2068}{}\u{2069} — \u{2068}{}\u{2069}",
            e.id, e.source_title, e.title
        );
    }
    out
}

pub(super) fn entry(e: &EntryDetail) -> String {
    let s = &e.summary;
    let mut out = format!("{}\n", s.title);
    let mut byline = vec![s.source_title.clone()];
    byline.extend(s.author.clone());
    byline.push(s.published.clone());
    if let Some(updated) = &s.updated {
        byline.push(format!("updated {updated}"));
    }
    byline.push(if s.read { "read".into() } else { "unread".into() });
    if s.bookmarked {
        byline.push("bookmarked".into());
    }
    let _ = writeln!(out, "{}", byline.join(" · "));
    if let Some(url) = &s.url {
        let _ = writeln!(out, "{url}");
    }
    let _ = writeln!(out, "\n{}", html_to_paragraphs(&e.content_html));
    let _ = writeln!(out);
    if e.full_text {
        let _ = writeln!(out, "Full text from the article page.");
    } else if let Some(why) = &e.full_text_error {
        let _ = writeln!(out, "The feed's version: the full article could not be saved ({why}).");
    }
    if !e.images.is_empty() {
        let count = |status: &str| e.images.iter().filter(|i| i.status == status).count();
        let kept = count("cached");
        let mut line = format!(
            "{kept} of {} {} kept for reading offline",
            e.images.len(),
            plural(e.images.len(), "picture", "pictures")
        );
        for status in ["failed", "skipped", "pending"] {
            if count(status) > 0 {
                line.push_str(&format!(", {} {status}", count(status)));
            }
        }
        let _ = writeln!(out, "{line}.");
    }
    out
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

pub(super) fn cache_info(c: &CacheInfo) -> String {
    format!(
        "{} entries ({} bookmarked), {} pictures in {}, database {}.\n",
        c.entries,
        c.bookmarked,
        c.images,
        size(c.image_bytes as u64),
        size(c.database_bytes as u64)
    )
}

pub(super) fn cleanup(r: &CleanupReport) -> String {
    format!(
        "Removed {} old entries and {} pictures; freed {}.\n",
        r.purged_entries,
        r.evicted_images,
        size(r.freed_bytes)
    )
}

/// Sizes as the window shows them: KB, MB and GB of 1024.
fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 => format!("{:.1} GB", b as f64 / (1u64 << 30) as f64),
        b if b >= 1 << 20 => format!("{:.1} MB", b as f64 / (1u64 << 20) as f64),
        b if b >= 1 << 10 => format!("{:.1} KB", b as f64 / 1024.0),
        b => format!("{b} bytes"),
    }
}
