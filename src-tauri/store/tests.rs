use chrono::{TimeZone, Utc};
use tempfile::TempDir;

use super::*;
use crate::model::{CleanEntry, EntryFilter, EntryMeta};

fn open() -> (TempDir, Store) {
    let dir = TempDir::new().unwrap();
    let store = Store::open_in(dir.path()).unwrap();
    (dir, store)
}

fn entry(key: &str, title: &str, text: &str) -> CleanEntry {
    CleanEntry {
        meta: EntryMeta {
            key: key.into(),
            title: title.into(),
            fingerprint: format!("{title}|{text}"),
            published_at: Some(Utc.with_ymd_and_hms(2026, 1, 9, 14, 5, 0).unwrap()),
            dir: "ltr".into(),
            ..Default::default()
        },
        content_html: format!("<p>{text}</p>"),
        plain_text: text.into(),
    }
}

fn source(store: &mut Store, url: &str) -> i64 {
    store.add_source(&NewSource { url: url.into(), title: "Src".into(), ..Default::default() }).unwrap()
}

fn all(limit: u32) -> EntryFilter {
    EntryFilter { limit, ..Default::default() }
}

#[test]
fn refuses_a_database_from_a_newer_version_and_leaves_it_untouched() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join(DB_FILE);
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE precious (x); INSERT INTO precious VALUES (42); PRAGMA user_version = 99;")
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let err = Store::open(&path).err().expect("a newer schema must be refused");
    assert_eq!(err.code(), "schema_too_new");
    assert!(err.to_string().contains("newer Offprint"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), before, "the file changed");
    assert!(!dir.path().join(format!("{DB_FILE}-wal")).exists());
}

#[test]
fn migrates_a_new_file_to_the_current_schema_with_wal() {
    let (_dir, store) = open();
    let version: i64 = store.conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
    assert_eq!(version, MIGRATIONS.len() as i64);
    let mode: String = store.conn.pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    let fk: i64 = store.conn.pragma_query_value(None, "foreign_keys", |r| r.get(0)).unwrap();
    assert_eq!(fk, 1);
}

#[test]
fn refuses_a_second_subscription_to_the_same_url() {
    let (_dir, mut store) = open();
    let id = source(&mut store, "https://a.example/feed");
    let err = store.add_source(&NewSource { url: "https://a.example/feed".into(), ..Default::default() }).unwrap_err();
    assert_eq!(err.to_string(), format!("already subscribed (source {id})"));
}

#[test]
fn keeps_read_and_bookmark_state_when_an_entry_is_updated() {
    let (_dir, mut store) = open();
    let src = source(&mut store, "https://a.example/feed");
    let fetch = FetchRecord::default();
    let first = store.apply_refresh(src, &fetch, "A", None, &[entry("k1", "Old title", "body")]).unwrap();
    assert_eq!((first.new, first.updated), (1, 0));
    let id = store.list_entries(&all(10)).unwrap()[0].id;
    store.set_read(id, true).unwrap();
    store.set_bookmarked(id, true).unwrap();

    let again = store.apply_refresh(src, &fetch, "A", None, &[entry("k1", "Old title", "body")]).unwrap();
    assert!(again.unchanged);
    let edited = store.apply_refresh(src, &fetch, "A", None, &[entry("k1", "New title", "body")]).unwrap();
    assert_eq!((edited.new, edited.updated), (0, 1));

    let listed = store.list_entries(&all(10)).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, id);
    assert_eq!(listed[0].title, "New title");
    assert!(listed[0].read && listed[0].bookmarked);
}

#[test]
fn a_bookmark_survives_removing_its_source() {
    let (_dir, mut store) = open();
    let src = source(&mut store, "https://a.example/feed");
    store
        .apply_refresh(
            src,
            &FetchRecord::default(),
            "Watchdog",
            None,
            &[entry("k1", "Kept", "x"), entry("k2", "Gone", "y")],
        )
        .unwrap();
    let kept = store.list_entries(&all(10)).unwrap().into_iter().find(|e| e.title == "Kept").unwrap();
    store.set_bookmarked(kept.id, true).unwrap();

    store.remove_source(src).unwrap();

    let left = store.list_entries(&all(10)).unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].id, kept.id);
    assert_eq!(left[0].source_id, None);
    assert_eq!(left[0].source_title, "Watchdog (removed)");
    assert_eq!(store.get_entry(kept.id).unwrap().content_html, "<p>x</p>");
    let hits = store.list_entries(&EntryFilter { search: Some("y".into()), ..all(10) }).unwrap();
    assert!(hits.is_empty());
}

#[test]
fn searches_cyrillic_persian_and_prefixes() {
    let (_dir, mut store) = open();
    let src = source(&mut store, "https://a.example/feed");
    let entries = [
        entry("ru", "Суд над журналистом", "Приговор оглашён в Москве"),
        entry("fa", "دادگاه روزنامه‌نگار", "حکم در تهران اعلام شد"),
        entry("kk", "Сот шешімі", "Алматыда журналист ұсталды"),
        entry("en", "Café owner released", "The court released him"),
    ];
    store.apply_refresh(src, &FetchRecord::default(), "A", None, &entries).unwrap();
    let search = |q: &str| -> Vec<String> {
        let filter = EntryFilter { search: Some(q.into()), ..all(10) };
        store.list_entries(&filter).unwrap().into_iter().map(|e| e.title).collect()
    };
    assert_eq!(search("москве"), ["Суд над журналистом"]);
    assert_eq!(search("оглашен"), ["Суд над журналистом"], "ё and е are one letter to a searcher");
    assert_eq!(search("تهران اعلام"), ["دادگاه روزنامه‌نگار"]);
    assert_eq!(search("حكم"), ["دادگاه روزنامه‌نگار"], "an Arabic kaf finds the Persian one");
    assert_eq!(search("тегеран"), Vec::<String>::new());
    assert_eq!(search("تهران"), ["دادگاه روزنامه‌نگار"]);
    assert_eq!(search("ұстал"), ["Сот шешімі"]);
    assert_eq!(search("cafe court"), ["Café owner released"]);
    let mut both = search("журналист");
    both.sort();
    assert_eq!(both, ["Сот шешімі", "Суд над журналистом"]);
    assert_eq!(search("\"unbalanced AND ( NEAR"), Vec::<String>::new());
    assert_eq!(search("* -- !!"), Vec::<String>::new());
}

#[test]
fn pages_with_a_keyset_cursor() {
    let (_dir, mut store) = open();
    let src = source(&mut store, "https://a.example/feed");
    let entries: Vec<CleanEntry> = (0..5).map(|i| entry(&format!("k{i}"), &format!("T{i}"), "x")).collect();
    store.apply_refresh(src, &FetchRecord::default(), "A", None, &entries).unwrap();
    // Every entry has the same date: the id breaks the tie, so no page repeats or skips one.
    let (mut ids, mut pages, mut next) = (Vec::new(), 0, None);
    loop {
        let page = store.list_page(&EntryFilter { before: next, ..all(2) }).unwrap();
        pages += 1;
        ids.extend(page.entries.iter().map(|e| e.id));
        match page.next {
            Some(cursor) => next = Some(cursor),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!((ids.len(), unique.len()), (5, 5));
}

#[test]
fn marks_all_unread_in_a_view_read_and_undoes_it() {
    let (_dir, mut store) = open();
    let a = source(&mut store, "https://a.example/feed");
    let b = source(&mut store, "https://b.example/feed");
    store
        .apply_refresh(a, &FetchRecord::default(), "A", None, &[entry("a1", "A1", "x"), entry("a2", "A2", "y")])
        .unwrap();
    store.apply_refresh(b, &FetchRecord::default(), "B", None, &[entry("b1", "B1", "z")]).unwrap();
    let in_a = EntryFilter { source_id: Some(a), ..all(100) };
    let first = store.list_entries(&in_a).unwrap()[0].id;
    store.set_read(first, true).unwrap();

    let ids = store.unread_ids(&in_a).unwrap();
    assert_eq!(ids.len(), 1, "only the unread entry of source A");
    store.set_read_many(&ids, true).unwrap();
    assert!(store.list_entries(&in_a).unwrap().iter().all(|e| e.read));
    assert!(!store.list_entries(&EntryFilter { source_id: Some(b), ..all(100) }).unwrap()[0].read);

    store.set_read_many(&ids, false).unwrap();
    let after: Vec<(i64, bool)> = store.list_entries(&in_a).unwrap().iter().map(|e| (e.id, e.read)).collect();
    assert!(after.contains(&(first, true)), "undo leaves what was read before alone: {after:?}");
    assert!(after.contains(&(ids[0], false)), "{after:?}");
}

#[test]
fn unknown_entry_ids_are_a_clear_error() {
    let (_dir, mut store) = open();
    assert_eq!(store.set_read(404, true).unwrap_err().to_string(), "no entry with id 404");
    assert_eq!(store.get_entry(404).unwrap_err().code(), "not_found");
}

#[test]
fn a_new_sanitizer_policy_cleans_stored_bodies_again_on_the_next_refresh() {
    let dir = TempDir::new().unwrap();
    let mut store = Store::open_in(dir.path()).unwrap();
    let src = source(&mut store, "https://a.example/feed");
    let fetch = FetchRecord { etag: Some("\"v1\"".into()), body_hash: Some("h".into()), ..Default::default() };
    store.apply_refresh(src, &fetch, "A", None, &[entry("k1", "Story", "old body")]).unwrap();
    // Pretend the bodies were cleaned by an older policy.
    store.conn.execute_batch("UPDATE entry_contents SET sanitizer_version = 1, content_html = 'stale';").unwrap();
    store.conn.execute("UPDATE meta SET value = '1' WHERE key = 'sanitizer_version'", []).unwrap();
    drop(store);

    let mut store = Store::open_in(dir.path()).unwrap();
    let target = store.sync_target(src).unwrap();
    assert_eq!((target.etag, target.body_hash), (None, None), "the next sync must read the feed again");
    let outcome =
        store.apply_refresh(src, &FetchRecord::default(), "A", None, &[entry("k1", "Story", "old body")]).unwrap();
    assert!(outcome.unchanged, "{outcome:?}");
    let id = store.list_entries(&all(1)).unwrap()[0].id;
    assert_eq!(store.get_entry(id).unwrap().content_html, "<p>old body</p>");
    let version: i64 = store
        .conn
        .query_row("SELECT sanitizer_version FROM entry_contents WHERE entry_id = ?1", [id], |r| r.get(0))
        .unwrap();
    assert_eq!(version, crate::sanitize::SANITIZER_VERSION);
}
