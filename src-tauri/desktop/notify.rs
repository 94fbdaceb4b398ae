//! The desktop notification of new stories: one per background sync that brought any, never one per
//! story, counting only the sources the reader left notifications on for, and only while the window is
//! not in front (a reader looking at it sees the new stories arrive).

use std::collections::HashMap;

use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_notification::NotificationExt;

use crate::model::SourceInfo;

/// Sources named in the notification's text; the rest are counted.
const NAMED: usize = 2;

/// The notification's title and text for the new stories of a sync (`new` by source id), or `None` when
/// none of them counts.
pub fn summary(new: &HashMap<i64, u64>, sources: &[SourceInfo]) -> Option<(String, String)> {
    let mut counted: Vec<(&str, u64)> = sources
        .iter()
        .filter(|s| s.notify)
        .filter_map(|s| new.get(&s.id).filter(|&&n| n > 0).map(|&n| (s.title.as_str(), n)))
        .collect();
    let total: u64 = counted.iter().map(|(_, n)| n).sum();
    if total == 0 {
        return None;
    }
    counted.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let title = if total == 1 { "1 new story".to_owned() } else { format!("{total} new stories") };
    let mut names: Vec<String> = counted.iter().take(NAMED).map(|(name, n)| format!("{name} ({n})")).collect();
    let rest = counted.len().saturating_sub(NAMED);
    if rest > 0 {
        names.push(if rest == 1 { "1 more source".into() } else { format!("{rest} more sources") });
    }
    let body = match names.as_slice() {
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
        [] => String::new(),
    };
    Some((title, body))
}

/// Shows the notification when the window is not in front. A desktop without a notification service
/// just has none; the sync is not the worse for it.
pub fn show<R: Runtime>(app: &AppHandle<R>, title: &str, body: &str) {
    let in_front = app.get_webview_window("main").and_then(|w| w.is_focused().ok()).unwrap_or(false);
    if in_front {
        return;
    }
    if let Err(e) = app.notification().builder().title(title).body(body).show() {
        eprintln!("offprint: no desktop notification ({e})");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(id: i64, title: &str, notify: bool) -> SourceInfo {
        SourceInfo {
            id,
            url: format!("https://example.org/{id}.xml"),
            site_url: None,
            title: title.into(),
            folder: None,
            unread_count: 0,
            entry_count: 0,
            last_ok_at: None,
            last_error: None,
            full_text: "auto".into(),
            icon_url: None,
            feed_title: title.into(),
            refresh_interval: None,
            proxy: None,
            user_agent: None,
            notify,
            retry_after: None,
        }
    }

    #[test]
    fn one_summary_names_the_busiest_sources_and_counts_the_rest() {
        let sources = [
            source(1, "Court Watch", true),
            source(2, "Вечерний вестник", true),
            source(3, "Harbour", true),
            source(4, "Quiet", false),
            source(5, "دفترچه", true),
        ];
        let new = HashMap::from([(1, 2), (2, 5), (3, 1), (4, 9), (5, 1)]);
        let (title, body) = summary(&new, &sources).unwrap();
        assert_eq!(title, "9 new stories", "the muted source's 9 do not count");
        assert_eq!(body, "Вечерний вестник (5), Court Watch (2) and 2 more sources");

        let (title, body) = summary(&HashMap::from([(3, 1)]), &sources).unwrap();
        assert_eq!((title.as_str(), body.as_str()), ("1 new story", "Harbour (1)"));
        let (_, body) = summary(&HashMap::from([(1, 1), (3, 1)]), &sources).unwrap();
        assert_eq!(body, "Court Watch (1) and Harbour (1)");
        let (_, body) = summary(&HashMap::from([(1, 1), (2, 1), (3, 1)]), &sources).unwrap();
        assert_eq!(body, "Court Watch (1), Harbour (1) and 1 more source");
    }

    #[test]
    fn nothing_new_or_only_muted_sources_make_no_notification() {
        let sources = [source(1, "Court Watch", true), source(4, "Quiet", false)];
        assert_eq!(summary(&HashMap::new(), &sources), None);
        assert_eq!(summary(&HashMap::from([(1, 0), (4, 12)]), &sources), None);
        assert_eq!(summary(&HashMap::from([(99, 3)]), &sources), None, "a source removed meanwhile");
    }
}
