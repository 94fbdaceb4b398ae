use chrono::{TimeZone, Utc};
use tempfile::TempDir;

use super::*;
use crate::error::Error;
use crate::model::{CleanEntry, EntryFilter, EntryMeta, Extraction};

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
        ..Default::default()
    }
}

fn facts(title: &str) -> FeedFacts {
    FeedFacts { title: title.into(), ..Default::default() }
}

fn source(store: &mut Store, url: &str) -> i64 {
    store.add_source(&NewSource { url: url.into(), title: "Src".into(), ..Default::default() }).unwrap()
}

/// The titles a search for `text` lists, newest first.
fn titles_found(store: &Store, text: &str) -> Vec<String> {
    let filter = EntryFilter { search: Some(text.into()), ..all(10) };
    store.list_entries(&filter).unwrap().into_iter().map(|e| e.title).collect()
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
    let first = store.apply_refresh(src, &fetch, &facts("A"), &[entry("k1", "Old title", "body")]).unwrap();
    assert_eq!((first.new, first.updated), (1, 0));
    let id = store.list_entries(&all(10)).unwrap()[0].id;
    store.set_read(id, true).unwrap();
    store.set_bookmarked(id, true).unwrap();

    let again = store.apply_refresh(src, &fetch, &facts("A"), &[entry("k1", "Old title", "body")]).unwrap();
    assert!(again.unchanged);
    let edited = store.apply_refresh(src, &fetch, &facts("A"), &[entry("k1", "New title", "body")]).unwrap();
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
            &facts("Watchdog"),
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
    store.apply_refresh(src, &FetchRecord::default(), &facts("A"), &entries).unwrap();
    let search = |q: &str| titles_found(&store, q);
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
fn words_are_split_and_folded_the_same_in_every_script() {
    let words = |text: &str| {
        let mut out = String::new();
        query::search_words(text, &mut out);
        out
    };
    assert_eq!(words("Café, ÉTÉ: naïve İstanbul!"), "cafe ete naive istanbul");
    assert_eq!(words("e-mail_ID 2024"), "e mail id 2024");
    assert_eq!(words("Приговор ОГЛАШЁН"), "приговор оглашен");
    assert_eq!(words("Мой дом"), "мой дом", "й is a letter of its own, not и with a mark");
    assert_eq!(words("ҰСТАЛДЫ Әділет"), "ұсталды әділет");
    assert_eq!(words("روزنامه‌نگار"), "روزنامه نگار", "the zero-width non-joiner parts the word, as typed");
    assert_eq!(words("کِتابِ بـــرای"), "کتاب برای", "vowel marks and the tatweel go");
    assert_eq!(words("حكم يك"), "حکم یک");
    assert_eq!(words("سال ۱۴۰۳ و ٢٠٢٤"), "سال 1403 و 2024");
    assert_eq!(words(" «» — … "), "");
    // Russian and Arabic-script letters fold as Unicode lowercases them, and as the folds above.
    let arabic = ('\u{0621}'..='\u{063A}').chain('\u{0641}'..='\u{064A}').chain('\u{0671}'..='\u{06D3}');
    for c in ('\u{0400}'..='\u{045F}').chain(arabic) {
        let folded = |l| match l {
            'ё' => 'е',
            'ي' | 'ى' => 'ی',
            'ك' => 'ک',
            'ة' => 'ه',
            _ => l,
        };
        assert!(c.is_alphabetic(), "{c:?}");
        assert_eq!(words(&c.to_string()), c.to_lowercase().map(folded).collect::<String>(), "{c:?}");
    }
}

#[test]
fn a_storys_words_are_each_indexed_once_as_folded() {
    let words = SearchWords::of("Court, COURT: court-house", "", "Café cafe CAFÉ; суд Суд СУД ёж еж ok");
    assert_eq!(words.title, "court house");
    assert_eq!(words.text, "cafe суд еж ok");
    // The same words as the query side folds, each where it first occurs.
    let text = "the appeal, the court and the appeal court heard; the end";
    assert_eq!(first_each_of(text), "the appeal court and heard end");
    assert_eq!(SearchWords::of("", "", text).text, first_each_of(text));
    assert_eq!(SearchWords::of("", "", "").text, "");
}

/// The words [`query::search_words`] takes from `text`, each where it first occurs.
fn first_each_of(text: &str) -> String {
    let mut all = String::new();
    query::search_words(text, &mut all);
    let mut first_each: Vec<&str> = Vec::new();
    for word in all.split(' ').filter(|w| !w.is_empty()) {
        if !first_each.contains(&word) {
            first_each.push(word);
        }
    }
    first_each.join(" ")
}

proptest::proptest! {
    #[test]
    fn a_storys_words_are_those_a_query_folds_each_once(text in "[abAB\u{e9}\u{c9}\u{451}\u{435}\u{436} ,\u{200c}\u{64b}-]{0,40}") {
        proptest::prop_assert_eq!(SearchWords::of(&text, "", &text).text, first_each_of(&text));
    }
}

#[test]
fn a_search_finds_words_written_with_marks_or_other_digits() {
    let (_dir, mut store) = open();
    let src = source(&mut store, "https://a.example/feed");
    let entries = [entry("fa", "حکمِ دادگاه", "در سال ۱۴۰۳ اعلام شد"), entry("en", "Other", "Nothing")];
    store.apply_refresh(src, &FetchRecord::default(), &facts("A"), &entries).unwrap();
    let search = |q: &str| titles_found(&store, q);
    assert_eq!(search("حکم"), ["حکمِ دادگاه"]);
    assert_eq!(search("حکمِ"), ["حکمِ دادگاه"]);
    assert_eq!(search("1403"), ["حکمِ دادگاه"]);
    assert_eq!(search("۱۴۰"), ["حکمِ دادگاه"], "the last word is a prefix in any digits");
    assert_eq!(search("1404"), Vec::<String>::new());
}

#[test]
fn edited_stories_are_found_by_their_new_words_only_and_the_others_still_are() {
    let (_dir, mut store) = open();
    let src = source(&mut store, "https://a.example/feed");
    let other = entry("b", "Приговор отменён", "Верховный суд отменил приговор");
    let first = [entry("a", "Hearing adjourned", "The judge left early"), other.clone()];
    store.apply_refresh(src, &FetchRecord::default(), &facts("A"), &first).unwrap();
    let edited = [entry("a", "Hearing resumed", "The judge came back"), other, entry("c", "Третья", "Суд начался")];
    store.apply_refresh(src, &FetchRecord::default(), &facts("A"), &edited).unwrap();
    let search = |q: &str| titles_found(&store, q);
    assert_eq!(search("adjourned"), Vec::<String>::new());
    assert_eq!(search("early"), Vec::<String>::new());
    assert_eq!(search("judge back"), ["Hearing resumed"]);
    assert_eq!(search("приговор"), ["Приговор отменён"]);
    let mut court = search("суд");
    court.sort();
    assert_eq!(court, ["Приговор отменён", "Третья"]);
}

#[test]
fn pages_with_a_keyset_cursor() {
    let (_dir, mut store) = open();
    let src = source(&mut store, "https://a.example/feed");
    let entries: Vec<CleanEntry> = (0..5).map(|i| entry(&format!("k{i}"), &format!("T{i}"), "x")).collect();
    store.apply_refresh(src, &FetchRecord::default(), &facts("A"), &entries).unwrap();
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
        .apply_refresh(a, &FetchRecord::default(), &facts("A"), &[entry("a1", "A1", "x"), entry("a2", "A2", "y")])
        .unwrap();
    store.apply_refresh(b, &FetchRecord::default(), &facts("B"), &[entry("b1", "B1", "z")]).unwrap();
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
    store.apply_refresh(src, &fetch, &facts("A"), &[entry("k1", "Story", "old body")]).unwrap();
    // Pretend the bodies were cleaned by an older policy.
    store.conn.execute_batch("UPDATE entry_contents SET sanitizer_version = 1, content_html = 'stale';").unwrap();
    store.conn.execute("UPDATE meta SET value = '1' WHERE key = 'sanitizer_version'", []).unwrap();
    drop(store);

    let mut store = Store::open_in(dir.path()).unwrap();
    let target = store.sync_target(src).unwrap();
    assert_eq!((target.etag, target.body_hash), (None, None), "the next sync must read the feed again");
    let outcome =
        store.apply_refresh(src, &FetchRecord::default(), &facts("A"), &[entry("k1", "Story", "old body")]).unwrap();
    assert!(outcome.unchanged, "{outcome:?}");
    let id = store.list_entries(&all(1)).unwrap()[0].id;
    assert_eq!(store.get_entry(id).unwrap().content_html, "<p>old body</p>");
    let version: i64 = store
        .conn
        .query_row("SELECT sanitizer_version FROM entry_contents WHERE entry_id = ?1", [id], |r| r.get(0))
        .unwrap();
    assert_eq!(version, crate::sanitize::SANITIZER_VERSION);
}

fn with_images(mut e: CleanEntry, urls: &[&str]) -> CleanEntry {
    e.images = urls.iter().map(|u| u.to_string()).collect();
    e
}

/// Stores `bytes` as the picture at `url`, as the pictures stage does.
fn cache_picture(store: &mut Store, url: &str, bytes: &[u8]) {
    let (id, _) = store.pending_images().unwrap().into_iter().find(|(_, u)| u == url).expect("pending");
    let picture = crate::pictures::check_picture(url, bytes, Some("image/png")).unwrap();
    store.record_image(id, &picture).unwrap();
}

/// `len` bytes that start as a 1×1 PNG, filled with `n`: distinct contents for distinct `n`.
fn png(n: u8, len: usize) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0".to_vec();
    bytes.resize(len, n);
    bytes
}

const DAY: i64 = 24 * 60 * 60;

fn entry_id(store: &Store, title: &str) -> i64 {
    store.list_entries(&all(100)).unwrap().into_iter().find(|e| e.title == title).expect(title).id
}

#[test]
fn pictures_are_pending_until_fetched_then_served_by_key() {
    let (_dir, mut store) = open();
    let src = source(&mut store, "https://a.example/feed");
    let shared = "https://a.example/shared.png";
    let entries = [
        with_images(entry("k1", "One", "x"), &[shared, "https://a.example/one.png"]),
        with_images(entry("k2", "Two", "y"), &[shared]),
    ];
    store.apply_refresh(src, &FetchRecord::default(), &facts("A"), &entries).unwrap();
    let pending: Vec<String> = store.pending_images().unwrap().into_iter().map(|(_, u)| u).collect();
    assert_eq!(pending, [shared, "https://a.example/one.png"], "one row per URL");

    cache_picture(&mut store, shared, &png(1, 100));
    let key = crate::localize::image_key(shared);
    let (bytes, content_type) = store.image_bytes(&key).unwrap().unwrap();
    assert_eq!((bytes, content_type.as_str()), (png(1, 100), "image/png"));
    assert_eq!(store.pending_images().unwrap().len(), 1);

    let one = store.get_entry(entry_id(&store, "One")).unwrap();
    let statuses: Vec<(&str, Option<i64>)> = one.images.iter().map(|i| (i.status.as_str(), i.bytes)).collect();
    assert_eq!(statuses, [("cached", Some(100)), ("pending", None)]);
    assert_eq!(one.images[0].local_url, format!("offprint-img://localhost/{key}"));
    assert_eq!(store.image_bytes(&crate::localize::image_key("https://a.example/one.png")).unwrap(), None);
}

#[test]
fn a_failed_picture_is_tried_again_only_for_a_passing_reason() {
    let (_dir, mut store) = open();
    let src = source(&mut store, "https://a.example/feed");
    let urls = ["https://a.example/404.png", "https://a.example/down.png", "https://a.example/x.svg"];
    store
        .apply_refresh(src, &FetchRecord::default(), &facts("A"), &[with_images(entry("k", "E", "x"), &urls)])
        .unwrap();
    for (id, url) in store.pending_images().unwrap() {
        let error = match url.as_str() {
            u if u.ends_with("404.png") => Error::Http { url: u.into(), status: 404, retry_after: None },
            u if u.ends_with("down.png") => Error::Connect { url: u.into(), detail: "refused".into() },
            u => Error::NotAnImage { url: u.into(), detail: "svg".into() },
        };
        store.record_image_failure(id, &error).unwrap();
    }
    assert!(store.pending_images().unwrap().is_empty(), "not tried again at once");
    for _ in 1..MAX_ATTEMPTS {
        store.conn.execute("UPDATE images SET retry_at = 0", []).unwrap();
        let retried: Vec<String> = store.pending_images().unwrap().into_iter().map(|(_, u)| u).collect();
        assert_eq!(retried, ["https://a.example/down.png"]);
        let (id, url) = store.pending_images().unwrap().remove(0);
        store.record_image_failure(id, &Error::Timeout { url }).unwrap();
    }
    store.conn.execute("UPDATE images SET retry_at = 0", []).unwrap();
    assert!(store.pending_images().unwrap().is_empty(), "given up after {MAX_ATTEMPTS} attempts");
    let statuses: Vec<String> =
        store.get_entry(entry_id(&store, "E")).unwrap().images.into_iter().map(|i| i.status).collect();
    assert_eq!(statuses, ["failed", "failed", "skipped"]);
}

#[test]
fn a_failed_page_never_loses_a_full_text_fetched_before() {
    let (_dir, mut store) = open();
    let src = source(&mut store, "https://a.example/feed");
    let mut full = with_images(entry("k", "Story", "the whole article"), &["https://a.example/page.png"]);
    full.feed_html = Some("<p>summary</p>".into());
    full.extract = Some(Extraction::Full);
    store.apply_refresh(src, &FetchRecord::default(), &facts("A"), &[full]).unwrap();

    // The feed edits the story; this time its page cannot be reached.
    let mut edited = with_images(entry("k", "Story", "an edited summary"), &["https://a.example/feed.png"]);
    edited.extract = Some(Extraction::Failed { code: "connect".into(), message: "refused".into() });
    let outcome = store.apply_refresh(src, &FetchRecord::default(), &facts("A"), &[edited]).unwrap();
    assert_eq!(outcome.updated, 1);

    let shown = store.get_entry(entry_id(&store, "Story")).unwrap();
    assert!(shown.full_text);
    assert_eq!(shown.content_html, "<p>the whole article</p>");
    assert_eq!(shown.feed_html.as_deref(), Some("<p>an edited summary</p>"));
    assert_eq!(shown.full_text_error.as_deref(), Some("refused"));
    let urls: Vec<String> = shown.images.into_iter().map(|i| i.url).collect();
    assert_eq!(urls, ["https://a.example/page.png", "https://a.example/feed.png"]);
    let known = store.known_entries(src).unwrap();
    assert_eq!(known.kept["k"].extract_status.as_deref(), Some("ok"));
    // The index holds the words of the full text kept, taken from its HTML, and not the feed's.
    assert_eq!(titles_found(&store, "whole"), ["Story"]);
    assert!(titles_found(&store, "edited").is_empty());
}

/// The text of a story is that of its HTML and is not stored again; a sync needs only its words counted,
/// up to `SUMMARY_WORDS`. A row stored before they were counted still has its text, which says.
#[test]
fn a_storys_text_is_not_stored_but_its_words_are_counted() {
    let (_dir, mut store) = open();
    let src = source(&mut store, "https://a.example/feed");
    let long = vec!["word"; crate::extract::SUMMARY_WORDS + 20].join(" ");
    let entries = [entry("short", "Short", "three words here"), entry("long", "Long", &long)];
    store.apply_refresh(src, &FetchRecord::default(), &facts("A"), &entries).unwrap();

    let stored: Vec<(String, Option<i64>)> = store
        .conn
        .prepare("SELECT plain_text, feed_words FROM entry_contents ORDER BY entry_id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let counted = Some(crate::extract::SUMMARY_WORDS as i64);
    assert_eq!(stored, [(String::new(), Some(3)), (String::new(), counted)]);
    let known = store.known_entries(src).unwrap();
    assert_eq!((known.kept["short"].words, known.kept["long"].words), (3, crate::extract::SUMMARY_WORDS));
    assert_eq!(titles_found(&store, "three"), ["Short"]);

    store.conn.execute("UPDATE entry_contents SET plain_text = 'one two', feed_words = NULL", []).unwrap();
    let known = store.known_entries(src).unwrap();
    assert_eq!((known.kept["short"].words, known.kept["long"].words), (2, 2));
}

/// Two syncs that both fetched the page of the same story (one of them started before the other stored
/// it): the second finding the page no fuller keeps the full text the first stored. An edited story's
/// shorter page still replaces it.
#[test]
fn a_page_no_fuller_never_replaces_the_full_text_of_the_same_story() {
    let (_dir, mut store) = open();
    let src = source(&mut store, "https://a.example/feed");
    let mut full = entry("k", "Story", "the whole article");
    full.feed_html = Some("<p>summary</p>".into());
    full.extract = Some(Extraction::Full);
    store.apply_refresh(src, &FetchRecord::default(), &facts("A"), &[full]).unwrap();

    let mut again = entry("k", "Story", "the whole article");
    again.extract = Some(Extraction::Short);
    store.apply_refresh(src, &FetchRecord::default(), &facts("A"), &[again]).unwrap();
    let shown = store.get_entry(entry_id(&store, "Story")).unwrap();
    assert!(shown.full_text);
    assert_eq!(shown.content_html, "<p>the whole article</p>");
    assert_eq!(store.known_entries(src).unwrap().kept["k"].extract_status.as_deref(), Some("ok"));

    let mut edited = entry("k", "Story", "an edited story");
    edited.extract = Some(Extraction::Short);
    store.apply_refresh(src, &FetchRecord::default(), &facts("A"), &[edited]).unwrap();
    let shown = store.get_entry(entry_id(&store, "Story")).unwrap();
    assert!(!shown.full_text);
    assert_eq!(shown.content_html, "<p>an edited story</p>");
}

#[test]
fn retention_purges_old_entries_keeps_bookmarks_and_leaves_tombstones() {
    let (_dir, mut store) = open();
    let src = source(&mut store, "https://a.example/feed");
    let feed = [
        with_images(entry("read", "Old read", "a"), &["https://a.example/read.png"]),
        with_images(entry("unread", "Old unread", "b"), &["https://a.example/unread.png"]),
        with_images(entry("kept", "Old bookmarked", "c"), &["https://a.example/kept.png"]),
    ];
    store.apply_refresh(src, &FetchRecord::default(), &facts("A"), &feed).unwrap();
    for (url, n) in
        [("https://a.example/read.png", 1), ("https://a.example/unread.png", 2), ("https://a.example/kept.png", 3)]
    {
        cache_picture(&mut store, url, &png(n, 1000));
    }
    store.set_read(entry_id(&store, "Old read"), true).unwrap();
    store.set_read(entry_id(&store, "Old bookmarked"), true).unwrap();
    store.set_bookmarked(entry_id(&store, "Old bookmarked"), true).unwrap();
    let rules = Retention { keep_read_days: 60, keep_unread_days: 180, image_budget_bytes: 1 << 30 };

    // 100 days on: only the read one is past its limit.
    let later = now() + 100 * DAY;
    let report = store.clean_up_at(&rules, later).unwrap();
    assert_eq!((report.purged_entries, report.freed_bytes), (1, 1000));
    let titles: Vec<String> = store.list_entries(&all(10)).unwrap().into_iter().map(|e| e.title).collect();
    assert_eq!(titles, ["Old bookmarked", "Old unread"]);

    // 200 days on: the unread one goes too; the bookmark and its picture stay for good.
    let report = store.clean_up_at(&rules, now() + 200 * DAY).unwrap();
    assert_eq!(report.purged_entries, 1);
    let bookmarked = store.get_entry(entry_id(&store, "Old bookmarked")).unwrap();
    assert_eq!(bookmarked.images[0].status, "cached");
    assert!(store.image_bytes(&crate::localize::image_key("https://a.example/kept.png")).unwrap().is_some());
    assert_eq!(store.cache_info().unwrap().image_bytes, 1000);

    // The feed still carries the purged entries: they do not come back.
    let outcome = store.apply_refresh(src, &FetchRecord::default(), &facts("A"), &feed).unwrap();
    assert_eq!(outcome.new, 0);
    assert_eq!(store.list_entries(&all(10)).unwrap().len(), 1);
    assert_eq!(store.known_entries(src).unwrap().purged.len(), 2);

    // Once the feed drops them, their tombstones go: nothing is left to keep out.
    store.apply_refresh(src, &FetchRecord::default(), &facts("A"), &feed[2..]).unwrap();
    assert!(store.known_entries(src).unwrap().purged.is_empty());
}

#[test]
fn pictures_over_budget_go_least_recently_used_first_but_never_a_bookmarks() {
    let (_dir, mut store) = open();
    let src = source(&mut store, "https://a.example/feed");
    let feed: Vec<CleanEntry> = (1..=4)
        .map(|n| with_images(entry(&format!("k{n}"), &format!("E{n}"), "x"), &[&format!("https://a.example/{n}.png")]))
        .collect();
    store.apply_refresh(src, &FetchRecord::default(), &facts("A"), &feed).unwrap();
    for n in 1..=4u8 {
        cache_picture(&mut store, &format!("https://a.example/{n}.png"), &png(n, 1000));
    }
    // E1 is the oldest used but bookmarked; E3 was opened most recently.
    store.set_bookmarked(entry_id(&store, "E1"), true).unwrap();
    store.conn.execute("UPDATE images SET used_at = used_at - 1000 + CAST(substr(url, 19, 1) AS INTEGER)", []).unwrap();
    store.touch_entry_images(entry_id(&store, "E3")).unwrap();

    let rules = Retention { keep_read_days: 0, keep_unread_days: 0, image_budget_bytes: 2000 };
    let report = store.clean_up_at(&rules, now()).unwrap();
    assert_eq!((report.purged_entries, report.evicted_images, report.freed_bytes), (0, 2, 2000));
    let status = |n: u8| store.get_entry(entry_id(&store, &format!("E{n}"))).unwrap().images[0].status.clone();
    assert_eq!([status(1), status(2), status(3), status(4)], ["cached", "skipped", "cached", "skipped"]);
    assert_eq!(store.cache_info().unwrap().image_bytes, 2000);
    assert!(store.pending_images().unwrap().is_empty(), "an evicted picture is not fetched again");
}

#[test]
fn identical_pictures_share_one_file() {
    let (_dir, mut store) = open();
    let src = source(&mut store, "https://a.example/feed");
    let urls = ["https://a.example/a.png", "https://cdn.example/a.png"];
    store
        .apply_refresh(src, &FetchRecord::default(), &facts("A"), &[with_images(entry("k", "E", "x"), &urls)])
        .unwrap();
    for url in urls {
        cache_picture(&mut store, url, &png(7, 500));
    }
    let info = store.cache_info().unwrap();
    assert_eq!((info.images, info.image_bytes), (2, 500));
    let files: usize = std::fs::read_dir(store.images_dir())
        .unwrap()
        .map(|d| std::fs::read_dir(d.unwrap().path()).unwrap().count())
        .sum();
    assert_eq!(files, 1);
}

#[test]
fn a_damaged_file_is_set_aside_under_a_name_of_its_own_and_never_over_another() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join(DB_FILE);
    let mut kept = Vec::new();
    for garbage in ["first damaged cache", "second damaged cache, the same second"] {
        std::fs::write(&path, garbage).unwrap();
        match Store::open(&path).err().expect("a damaged file must not open") {
            Error::Damaged { kept_at, detail, .. } => {
                assert_eq!(detail, "file is not a database");
                assert_eq!(std::fs::read_to_string(&kept_at).unwrap(), garbage);
                kept.push(kept_at);
            }
            other => panic!("{other}"),
        }
        assert!(!path.exists(), "nothing is left under the cache's name");
    }
    assert_ne!(kept[0], kept[1]);
    assert_eq!(
        Error::Damaged { path: String::new(), kept_at: String::new(), detail: String::new() }.code(),
        "cache_damaged"
    );
    Store::open(&path).expect("the next open starts a new cache");
}

#[test]
fn a_search_index_from_before_folding_is_folded_once_on_open() {
    let (dir, mut store) = open();
    let src = source(&mut store, "https://a.example/feed");
    let entries = [entry("k", "Ёлка у Кремля", "حكم دادگاه")];
    store.apply_refresh(src, &FetchRecord::default(), &facts("A"), &entries).unwrap();
    // As the first versions left it: the text indexed as it came, and no record of any folding.
    store.conn.execute("INSERT INTO entry_search (entry_search) VALUES ('delete-all')", []).unwrap();
    store
        .conn
        .execute(
            "INSERT INTO entry_search (rowid, title, author, plain_text) SELECT id, title, '', 'حكم' FROM entries",
            [],
        )
        .unwrap();
    store.conn.execute("DELETE FROM meta WHERE key = 'search_fold_version'", []).unwrap();
    let found = |store: &Store, text: &str| {
        store.list_entries(&EntryFilter { search: Some(text.into()), ..all(10) }).unwrap().len()
    };
    assert_eq!((found(&store, "ёлка"), found(&store, "حکم")), (0, 0));
    drop(store);
    let store = Store::open(&dir.path().join(DB_FILE)).unwrap();
    assert_eq!(
        (found(&store, "ёлка"), found(&store, "елка"), found(&store, "حکم"), found(&store, "حكم")),
        (1, 1, 1, 1)
    );
    let version: String =
        store.conn.query_row("SELECT value FROM meta WHERE key = 'search_fold_version'", [], |r| r.get(0)).unwrap();
    assert_eq!(version, SEARCH_FOLD_VERSION.to_string());
}

#[test]
fn an_index_with_word_positions_is_made_again_without_them_and_filled_on_open() {
    let (dir, mut store) = open();
    let src = source(&mut store, "https://a.example/feed");
    let entries = [entry("fa", "دادگاه روزنامه‌نگار", "حکم در تهران اعلام شد"), entry("en", "Court", "An e-mail leaked")];
    store.apply_refresh(src, &FetchRecord::default(), &facts("A"), &entries).unwrap();
    // As schema 8 left it: the index of migration 7, which kept every word's position, folded by version 2.
    store
        .conn
        .execute_batch(
            "DROP TABLE entry_search;
             CREATE VIRTUAL TABLE entry_search USING fts5 (title, author, plain_text, content = '',
                                                            contentless_delete = 1, tokenize = 'ascii');
             INSERT INTO entry_search (rowid, title, author, plain_text) SELECT id, 'old', '', 'old' FROM entries;
             PRAGMA user_version = 8;",
        )
        .unwrap();
    assert_eq!(titles_found(&store, "court"), Vec::<String>::new());
    drop(store);
    let store = Store::open(&dir.path().join(DB_FILE)).unwrap();
    let table: String =
        store.conn.query_row("SELECT sql FROM sqlite_master WHERE name = 'entry_search'", [], |r| r.get(0)).unwrap();
    assert!(table.contains("detail = none"), "{table}");
    assert_eq!(titles_found(&store, "old"), Vec::<String>::new(), "the old index is gone");
    assert_eq!(titles_found(&store, "court"), ["Court"]);
    // A typed word that the index holds as several asks for each of them, wherever they are.
    assert_eq!(titles_found(&store, "e-mail"), ["Court"]);
    assert_eq!(titles_found(&store, "mail-e"), ["Court"]);
    assert_eq!(titles_found(&store, "روزنامه‌نگار"), ["دادگاه روزنامه‌نگار"]);
    assert_eq!(titles_found(&store, "نگار روزنامه"), ["دادگاه روزنامه‌نگار"]);
    assert_eq!(titles_found(&store, "e-mai"), ["Court"], "the last part is a prefix");
}

#[test]
fn a_second_connection_shares_the_cache_without_checking_it_again() {
    let dir = tempfile::TempDir::new().unwrap();
    let mut writer = Store::open_in(dir.path()).unwrap();
    let reader = writer.another_connection().unwrap();
    writer.set_settings(&[("theme", "dark")]).unwrap();
    assert_eq!(reader.setting("theme").unwrap().as_deref(), Some("dark"), "it reads what the other wrote");
    assert_eq!(reader.images_dir(), writer.images_dir());
    let journal: String = reader.conn.pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap();
    assert_eq!(journal, "wal");
    let foreign_keys: i64 = reader.conn.pragma_query_value(None, "foreign_keys", |r| r.get(0)).unwrap();
    assert_eq!(foreign_keys, 1);
    // The writer checkpoints its log on a thread of its own, which replaces SQLite's automatic checkpoint
    // in the commit; the reader, which writes little, keeps SQLite's, every 16 MB of log.
    let autocheckpoint =
        |store: &Store| -> i64 { store.conn.pragma_query_value(None, "wal_autocheckpoint", |r| r.get(0)).unwrap() };
    assert!(writer._checkpointer.is_some());
    assert_eq!(autocheckpoint(&writer), 0, "the writer's automatic checkpoint is replaced");
    assert!(reader._checkpointer.is_none());
    assert_eq!(autocheckpoint(&reader), 4000);
}

/// Each source's kept counts against counting its stories.
fn assert_counts_agree(store: &Store, when: &str) {
    let mut stmt = store
        .conn
        .prepare(
            "SELECT s.id, s.entry_count, s.unread_count,
                    (SELECT count(*) FROM entries e WHERE e.source_id = s.id),
                    (SELECT count(*) FROM entries e LEFT JOIN entry_state st ON st.entry_id = e.id
                      WHERE e.source_id = s.id AND coalesce(st.read, 0) = 0)
               FROM sources s",
        )
        .unwrap();
    let rows = stmt
        .query_map([], |r| {
            Ok((r.get::<_, i64>(0)?, (r.get::<_, i64>(1)?, r.get::<_, i64>(2)?), (r.get(3)?, r.get(4)?)))
        })
        .unwrap();
    for row in rows {
        let (id, kept, counted): (i64, (i64, i64), (i64, i64)) = row.unwrap();
        assert_eq!(kept, counted, "{when}: source {id}'s counts (entries, unread)");
    }
}

#[test]
fn the_counts_each_source_keeps_follow_every_change() {
    let (_dir, mut store) = open();
    let a = source(&mut store, "https://a.example/feed");
    let b = source(&mut store, "https://b.example/feed");
    let fetch = FetchRecord::default();
    let batch = |prefix: &str, n: usize| -> Vec<CleanEntry> {
        (0..n).map(|i| entry(&format!("{prefix}{i}"), &format!("{prefix} {i}"), "text")).collect()
    };
    store.apply_refresh(a, &fetch, &facts("A"), &batch("a", 10)).unwrap();
    store.apply_refresh(b, &fetch, &facts("B"), &batch("b", 6)).unwrap();
    assert_counts_agree(&store, "after two syncs");
    let info = |store: &Store, id| {
        let info = store.source_info(id).unwrap();
        (info.entry_count, info.unread_count)
    };
    assert_eq!(info(&store, a), (10, 10));

    let ids: Vec<i64> = store
        .list_entries(&EntryFilter { source_id: Some(a), limit: 100, ..Default::default() })
        .unwrap()
        .iter()
        .map(|e| e.id)
        .collect();
    store.set_read(ids[0], true).unwrap();
    store.set_read(ids[0], true).unwrap();
    store.set_bookmarked(ids[1], true).unwrap();
    store.set_read(ids[1], true).unwrap();
    store.set_read(ids[2], false).unwrap();
    assert_eq!(info(&store, a), (10, 8));
    store.set_read_many(&ids[..5], true).unwrap();
    assert_eq!(info(&store, a), (10, 5));
    store.set_read_many(&ids[3..5], false).unwrap();
    assert_eq!(info(&store, a), (10, 7));
    assert_counts_agree(&store, "after marking");

    // The same stories again, and two new ones: only the new ones count.
    let mut again = batch("a", 10);
    again.extend(batch("new", 2));
    store.apply_refresh(a, &fetch, &facts("A"), &again).unwrap();
    assert_eq!(info(&store, a), (12, 9));

    // Retention purges read stories first, keeping the bookmarked one.
    let rules = Retention { keep_read_days: 1, keep_unread_days: 100_000, image_budget_bytes: i64::MAX };
    store.clean_up_at(&rules, now() + 86_400 * 2).unwrap();
    assert_counts_agree(&store, "after a cleanup");
    assert_eq!(info(&store, a), (10, 9), "the two read stories that were not bookmarked went");

    // No command moves a story to another source today; should one ever, its counts move with it.
    store
        .conn
        .execute("UPDATE entries SET source_id = ?2 WHERE id IN (?1, ?3)", rusqlite::params![ids[4], b, ids[9]])
        .unwrap();
    assert_counts_agree(&store, "after moving two stories");
    assert_eq!(info(&store, b), (8, 8));

    // A removed source's bookmarked story stays, counted nowhere; the other source is untouched.
    store.remove_source(a).unwrap();
    assert_counts_agree(&store, "after removing a source");
    assert_eq!(info(&store, b), (8, 8));
}

/// A closed cache of 40 stories with 4 KB bodies, last checked `checked_ago` seconds ago, whose
/// `entry_contents` page holding a body in the middle is then overwritten, as a failing disk leaves it;
/// opening the cache reads nothing of that page.
fn cache_with_a_damaged_body(path: &Path, checked_ago: i64) {
    let mut store = Store::open(path).unwrap();
    let src = source(&mut store, "https://a.example/feed");
    let entries: Vec<CleanEntry> =
        (0..40).map(|n| entry(&format!("k{n}"), &format!("Story {n}"), &format!("{n} ").repeat(2000))).collect();
    store.apply_refresh(src, &FetchRecord::default(), &facts("A"), &entries).unwrap();
    let leaves = "SELECT pageno FROM dbstat WHERE name = 'entry_contents' AND pagetype = 'leaf' ORDER BY pageno";
    let pages: Vec<i64> =
        store.conn.prepare(leaves).unwrap().query_map([], |r| r.get(0)).unwrap().map(|p| p.unwrap()).collect();
    assert!(pages.len() >= 20, "{pages:?}");
    set_meta_number(&store.conn, "checked_at", now() - checked_ago).unwrap();
    drop(store);
    let mut bytes = std::fs::read(path).unwrap();
    let at = (pages[pages.len() / 2] as usize - 1) * 4096;
    bytes[at..at + 4096].fill(0xA5);
    std::fs::write(path, bytes).unwrap();
}

/// Every story's body, read one by one: the first failure, if any.
fn read_every_story(store: &Store) -> Option<Error> {
    let ids: Vec<i64> = store.list_entries(&all(100)).unwrap().iter().map(|e| e.id).collect();
    assert_eq!(ids.len(), 40);
    ids.into_iter().find_map(|id| store.get_entry(id).err())
}

fn assert_set_aside(opened: Result<Store>) {
    match opened.err().expect("the check finds the damage") {
        Error::Damaged { kept_at, .. } => assert!(Path::new(&kept_at).exists()),
        other => panic!("{other}"),
    }
}

#[test]
fn a_new_cache_is_checked_and_the_check_recorded() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join(DB_FILE);
    let store = Store::open(&path).unwrap();
    let checked_at = meta_number(&store.conn, "checked_at").unwrap().expect("the check is recorded");
    assert!((now() - checked_at).abs() < 60, "{checked_at}");
}

#[test]
fn a_command_that_met_damage_has_the_next_open_check_and_set_the_cache_aside() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join(DB_FILE);
    cache_with_a_damaged_body(&path, 0);

    // Checked a moment ago, it opens without reading every page; the damage shows when the page is read,
    // and that failure, passed to `note_damage`, asks the next open to check.
    let store = Store::open(&path).expect("a cache checked a moment ago opens without the check");
    let error = read_every_story(&store).expect("the overwritten page fails to read");
    assert_eq!(error.code(), "cache_damaged", "{error}");
    let marker = with_suffix(&path, CHECK_DUE);
    store.note_damage(&Error::NotFound { what: "entry", id: 1 });
    assert!(!marker.exists(), "only damage asks for a check");
    store.note_damage(&error);
    assert!(marker.exists());
    drop(store);
    assert_set_aside(Store::open(&path));
    assert!(!marker.exists(), "the request is done with once the cache is set aside");
    let store = Store::open(&path).expect("a new cache takes its place");
    assert!(store.list_entries(&all(10)).unwrap().is_empty());
}

#[test]
fn a_check_a_day_old_or_from_the_future_is_run_again() {
    for checked_ago in [CHECK_EVERY_SECS, 3 * CHECK_EVERY_SECS, -3600] {
        let dir = TempDir::new().unwrap();
        let path = dir.path().join(DB_FILE);
        cache_with_a_damaged_body(&path, checked_ago);
        assert_set_aside(Store::open(&path));
    }
}

/// A refresh stores only the stories the sync cleaned; those it did not (the cache holds them as they
/// are, or retention purged them) come as keys the feed still carries, which keep their tombstones.
#[test]
fn stories_passed_as_unchanged_are_left_as_they_are_and_keep_their_tombstones() {
    let (_dir, mut store) = open();
    let src = source(&mut store, "https://a.example/feed");
    let feed = [entry("old", "Old", "a"), entry("kept", "Kept", "the body the cache holds")];
    store.apply_refresh(src, &FetchRecord::default(), &facts("A"), &feed).unwrap();
    store.set_read(entry_id(&store, "Old"), true).unwrap();
    let rules = Retention { keep_read_days: 1, keep_unread_days: 180, image_budget_bytes: 1 << 30 };
    assert_eq!(store.clean_up_at(&rules, now() + 2 * DAY).unwrap().purged_entries, 1);

    let unchanged = FeedFacts { unchanged: vec!["old".into(), "kept".into()], ..facts("A") };
    let outcome = store.apply_refresh(src, &FetchRecord::default(), &unchanged, &[entry("n", "New", "news")]).unwrap();
    assert_eq!((outcome.new, outcome.updated), (1, 0));
    let titles: Vec<String> = store.list_entries(&all(10)).unwrap().into_iter().map(|e| e.title).collect();
    assert_eq!(titles, ["New", "Kept"]);
    assert_eq!(store.get_entry(entry_id(&store, "Kept")).unwrap().content_html, "<p>the body the cache holds</p>");
    assert_eq!(store.known_entries(src).unwrap().purged, std::collections::HashSet::from(["old".to_owned()]));

    // Neither stored nor said to be carried: the feed dropped it, and its tombstone goes.
    store.apply_refresh(src, &FetchRecord::default(), &facts("A"), &[]).unwrap();
    assert!(store.known_entries(src).unwrap().purged.is_empty());
}

#[test]
fn a_statement_with_a_left_join_is_compiled_once_however_often_it_runs() {
    let (_dir, mut store) = open();
    let src = source(&mut store, "https://a.example/feed");
    store.apply_refresh(src, &FetchRecord::default(), &facts("A"), &[entry("k1", "Title", "body")]).unwrap();
    for conn in [&store.conn, &store.another_connection().unwrap().conn] {
        let mut stmt = conn
            .prepare("SELECT e.id FROM entries e LEFT JOIN entry_state st ON st.entry_id = e.id WHERE e.source_id = ?1")
            .unwrap();
        for id in [src, src + 1, src] {
            stmt.query_map([id], |r| r.get::<_, i64>(0)).unwrap().for_each(drop);
        }
        assert_eq!(stmt.get_status(rusqlite::StatementStatus::RePrepare), 0);
    }
}

#[test]
fn a_long_log_is_folded_into_the_database_starts_over_and_is_gone_when_the_cache_closes() {
    let (dir, mut store) = open();
    let id = source(&mut store, "https://example.org/feed");
    let db = dir.path().join(DB_FILE);
    let log = with_suffix(&db, "-wal");
    let size = |path: &Path| std::fs::metadata(path).map_or(0, |m| m.len());
    // Four times the log's limit in stories of 8 KB, committed fifty at a time as a sync stores them: the
    // checkpoint thread never finds the log all copied while they come.
    let page = 4096 + 24;
    let limit = checkpoint::CHECKPOINT_PAGES as u64 * page;
    let cap = checkpoint::LOG_CAP_PAGES as u64 * page;
    let text = "word ".repeat(1600);
    let (mut longest_log, mut cut_back, mut last) = (0, false, 0);
    for round in 0..(4 * limit / (50 * 8200) + 1) {
        let entries: Vec<CleanEntry> =
            (0..50).map(|n| entry(&format!("{round}-{n}"), &format!("Story {round}-{n}"), &text)).collect();
        store.apply_refresh(id, &FetchRecord::default(), &facts("Src"), &entries).unwrap();
        let now = size(&log);
        longest_log = longest_log.max(now);
        cut_back |= now < last;
        last = now;
    }
    // The log started over instead of holding the whole run (how far past the cap depends on how much
    // was committed while the thread finished), and its file was cut back when it did.
    assert!(longest_log <= 2 * cap, "the log grew to {longest_log} bytes");
    assert!(cut_back, "the log's file was never cut back");
    // The stories reach the database file itself, not only the log, while the cache stays open.
    let deadline = Instant::now() + Duration::from_secs(30);
    while size(&db) < 3 * limit && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(size(&db) >= 3 * limit, "the log was not folded into the database");
    let filter = EntryFilter { search: Some("Story".into()), ..all(5) };
    assert_eq!(store.list_entries(&filter).unwrap().len(), 5);
    // Closing folds in the rest and removes the log.
    let stories: i64 = store.conn.query_row("SELECT count(*) FROM entries", [], |r| r.get(0)).unwrap();
    drop(store);
    assert!(!log.exists(), "the log outlived the cache's connections");
    let reopened = Store::open(&db).unwrap();
    let kept: i64 = reopened.conn.query_row("SELECT count(*) FROM entries", [], |r| r.get(0)).unwrap();
    assert_eq!(kept, stories);
}
