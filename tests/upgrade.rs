//! Upgrades and unusual caches, through `offprint-cli` as a subprocess.
//!
//! - A cache made by the first schema (`tests/fixtures/upgrade/schema1.sqlite3`, written by
//!   `make_schema1.py`) opens with every source, entry, body, read and bookmark state intact, can be
//!   searched in Russian and Persian, ends at the current schema, and syncs.
//! - A cache from a newer version is refused byte for byte untouched; a damaged one is moved aside (never
//!   deleted) with a message that says where and how to recover; a locked, unreadable or read-only one is
//!   left where it is, with a message that names it and says what is wrong.
//! - A full disk: `/dev/full`, a data directory whose `images` is a file, and (where a user namespace can
//!   mount a small tmpfs) a real ENOSPC under SQLite and under a picture's file.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::cli::{BIN, add, array, assert_failed_with_error_line, cli, describe, fails, int, json, ok, string};
use common::{Route, Server, read_fixture};
use serde_json::Value;

const RU_FEED: &str = "http://news.example.ru/rss.xml";
const RU_PICTURE: &str = "http://news.example.ru/img/sud.png";

// ---------------------------------------------------------------------------------------------------------
// Helpers

fn fixture_path() -> PathBuf {
    common::fixtures_dir().join("upgrade/schema1.sqlite3")
}

/// A data directory holding a copy of the first schema's cache.
fn schema1_cache() -> tempfile::TempDir {
    let dir = common::data_dir();
    std::fs::copy(fixture_path(), dir.path().join(offprint::store::DB_FILE)).unwrap();
    dir
}

/// The schema this build migrates to: the number of numbered migrations it ships.
fn current_schema() -> i64 {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src-tauri/store/migrations");
    std::fs::read_dir(dir)
        .unwrap()
        .filter(|e| {
            let name = e.as_ref().unwrap().file_name().into_string().unwrap();
            name.ends_with(".sql") && name[..4].chars().all(|c| c.is_ascii_digit())
        })
        .count() as i64
}

fn user_version(db: &Path) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap()
}

/// Every file in `dir` (not below) with its bytes: a directory that "changed nothing" compares equal.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_file())
        .map(|e| (e.file_name().into_string().unwrap(), std::fs::read(e.path()).unwrap()))
        .collect()
}

fn ids(entries: &Value) -> Vec<i64> {
    array(entries).iter().map(|e| int(e, "id")).collect()
}

fn search(dir: &Path, text: &str) -> Vec<i64> {
    ids(&json(dir, &["list", "--search", text, "--json"]))
}

fn entry_by_id(entries: &Value, id: i64) -> &Value {
    array(entries).iter().find(|e| int(e, "id") == id).unwrap_or_else(|| panic!("no entry {id} in {entries}"))
}

/// Whether this process runs as root, who may write through any permission bits.
#[cfg(unix)]
fn running_as_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    let probe = tempfile::NamedTempFile::new().unwrap();
    probe.as_file().metadata().unwrap().uid() == 0
}

#[cfg(unix)]
fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// `program` with the environment `offprint-cli` gets in every test: no inherited data directory, no proxy.
fn with_cli_environment(program: impl AsRef<std::ffi::OsStr>) -> Command {
    let mut command = Command::new(program);
    for (key, value) in common::cli::command().get_envs() {
        match value {
            Some(value) => command.env(key, value),
            None => command.env_remove(key),
        };
    }
    command
}

/// `offprint-cli --data-dir DIR ARGS...` as someone permission bits apply to: this user, or when that is
/// root (as in CI), the unprivileged `nobody` (uid 65534), so a read-only file really is read-only. `root`
/// is a folder `nobody` may walk into, where the binary is linked when `nobody` cannot reach it where it
/// was built (a checkout under `/root`, say).
#[cfg(unix)]
fn cli_unprivileged(root: &Path, dir: &Path, args: &[&str]) -> Output {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    if !running_as_root() {
        return cli(dir, args);
    }
    let mode = |p: &Path| std::fs::metadata(p).map_or(0, |m| m.permissions().mode());
    let bin = Path::new(BIN);
    let reachable = bin.ancestors().skip(1).all(|a| mode(a) & 0o001 != 0) && mode(bin) & 0o005 == 0o005;
    let program = if reachable { bin.to_owned() } else { root.join("offprint-cli") };
    if !program.exists() {
        std::fs::hard_link(bin, &program).or_else(|_| std::fs::copy(bin, &program).map(|_| ())).unwrap();
    }
    let mut command = with_cli_environment(program);
    command.uid(65534).gid(65534).current_dir(root);
    command.arg("--data-dir").arg(dir).args(args).output().expect("cannot run offprint-cli")
}

/// A temporary folder `nobody` may walk into (a temporary directory is the owner's alone).
#[cfg(unix)]
fn open_data_root() -> tempfile::TempDir {
    let root = common::data_dir();
    chmod(root.path(), 0o755);
    root
}

/// What `ETag` the test server sends for `url` when it is asked for it through itself as a proxy.
fn server_etag(server: &Server, url: &str) -> String {
    use std::io::{Read, Write};
    let address = server.url("").trim_start_matches("http://").to_owned();
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    write!(stream, "GET {url} HTTP/1.1\r\nHost: news.example.ru\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
        .lines()
        .find_map(|l| l.strip_prefix("ETag: "))
        .unwrap_or_else(|| panic!("no ETag in {response}"))
        .to_owned()
}

/// The stored ETag of the source at `url` in the cache file `db` (a copy: SQLite may make a -shm beside it).
fn stored_etag(db: &Path, url: &str) -> Option<String> {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row("SELECT etag FROM sources WHERE url = ?1", [url], |r| r.get(0)).unwrap()
}

// ---------------------------------------------------------------------------------------------------------
// The upgrade drill

/// An entry as `make_schema1.py` wrote it: id, source id, title, read, bookmarked, and the start of its body.
type StoredEntry = (i64, Option<i64>, &'static str, bool, bool, &'static str);

/// What the first schema's cache holds, newest first.
const SCHEMA1_ENTRIES: &[StoredEntry] = &[
    (11, None, "Ещё одна заметка о самоварах", true, true, "<p>Самовар на столе"),
    (10, None, "Rust 1.0 is out", false, true, "<p>Six years in the making"),
    (8, Some(3), "پيش‌بيني هوای هفته", false, false, "<p>هوای تهران"),
    (7, Some(3), "دادگاه روزنامه‌نگار در تهران", false, true, "<p>حكم دادگاه"),
    (6, Some(2), "Release notes: offline reading", false, false, "<p>Stories now stay readable"),
    (5, Some(2), "Why we moved our cache to SQLite", true, true, "<p>Our reader kept every story"),
    (3, Some(1), "Погода: морозы до минус двадцати", true, false, "<p>Синоптики обещают"),
    (2, Some(1), "Суд над журналистом в Москве", false, true, "<p>Приговор будет оглашён"),
    (1, Some(1), "Ёлка на Манежной площади", true, false, "<p>В Москве установили"),
];

/// Every entry of the first schema's cache is there with its state, and, unless `resynced`, its body.
fn assert_schema1_entries_intact(dir: &Path, resynced: &[i64]) {
    let listed = json(dir, &["list", "--limit", "1000", "--json"]);
    for &(id, source, title, read, bookmarked, body) in SCHEMA1_ENTRIES {
        let entry = entry_by_id(&listed, id);
        assert_eq!(entry["source_id"].as_i64(), source, "{entry}");
        assert_eq!(
            (string(entry, "title"), entry["read"] == read, entry["bookmarked"] == bookmarked),
            (title, true, true)
        );
        let shown = json(dir, &["show", &id.to_string(), "--json"]);
        assert_eq!((shown["read"] == read, shown["bookmarked"] == bookmarked), (true, true), "{shown}");
        let html = string(&shown, "content_html");
        if !resynced.contains(&id) {
            assert!(html.starts_with(body), "entry {id}'s body changed: {html}");
        }
        let want_dir = if source == Some(3) { "rtl" } else { "ltr" };
        assert_eq!(shown["dir"], want_dir, "{shown}");
    }
    let removed = entry_by_id(&listed, 10);
    assert_eq!(removed["source_title"], "Old Tech Weekly (removed)");
    let bookmarked = ids(&json(dir, &["list", "--bookmarked", "--json"]));
    assert_eq!(bookmarked, [11, 10, 7, 5, 2]);
}

#[test]
fn a_cache_from_the_first_schema_opens_whole_searches_in_every_script_and_syncs() {
    let dir = schema1_cache();
    let db = dir.path().join(offprint::store::DB_FILE);
    // Read from the file's header: SQLite must never open the fixture itself, which would leave a -shm.
    let header = std::fs::read(fixture_path()).unwrap();
    assert_eq!(header[60..64], 1u32.to_be_bytes(), "the fixture is at the first schema (user_version)");
    let fixture_etag = stored_etag(&db, RU_FEED);

    // Sources, with their folders.
    let sources = json(dir.path(), &["sources", "--json"]);
    let mut seen: Vec<(i64, &str, &str, Option<&str>)> = array(&sources)
        .iter()
        .map(|s| (int(s, "id"), string(s, "title"), string(s, "url"), s["folder"].as_str()))
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            (1, "Новости Примера", RU_FEED, Some("Новости")),
            (2, "Example Engineering Blog", "https://blog.example.org/feed.atom", None),
            (3, "خبرگزاری نمونه", "https://news.example.ir/rss", Some("خبر")),
        ]
    );
    assert_eq!(user_version(&db), current_schema(), "the cache is migrated to the current schema");
    // The counts each source keeps from schema 6 on start out as its stories counted.
    for source in array(&sources) {
        let id = int(source, "id").to_string();
        let unread = json(dir.path(), &["list", "--unread", "--source", &id, "--limit", "1000", "--json"]);
        let all = json(dir.path(), &["list", "--source", &id, "--limit", "1000", "--json"]);
        let counted = (array(&all).len() as i64, array(&unread).len() as i64);
        assert_eq!((int(source, "entry_count"), int(source, "unread_count")), counted, "source {id}");
    }

    // Every entry, its body, read and bookmark state; the newest first.
    let listed = json(dir.path(), &["list", "--limit", "1000", "--json"]);
    assert_eq!(ids(&listed), SCHEMA1_ENTRIES.iter().map(|e| e.0).collect::<Vec<_>>());
    assert_schema1_entries_intact(dir.path(), &[]);
    let cache = json(dir.path(), &["cache", "--json"]);
    assert_eq!((cache["entries"].as_i64(), cache["bookmarked"].as_i64()), (Some(9), Some(5)), "{cache}");

    // Search folds what the first version indexed unfolded: ё, and Arabic kaf and yeh in Persian text.
    assert_eq!(search(dir.path(), "ёлка"), [1], "a Cyrillic word with ё, as the reader types it");
    assert_eq!(search(dir.path(), "елка"), [1], "and typed with е");
    assert_eq!(search(dir.path(), "москве"), [2, 1]);
    assert_eq!(search(dir.path(), "приговор"), [2]);
    assert_eq!(search(dir.path(), "самовар"), [11], "a bookmarked entry whose source was removed");
    assert_eq!(search(dir.path(), "حکم"), [7], "Persian kaf finds the Arabic kaf the feed wrote");
    assert_eq!(search(dir.path(), "پیش"), [8], "Persian yeh finds the Arabic yeh");
    assert_eq!(search(dir.path(), "sqlite"), [5]);

    // A sync through the test server (as the reader's proxy, so the cache keeps its real addresses). It
    // serves the Russian feed unchanged since the first version stored its ETag: trusting that ETag
    // would be a 304, and the bodies cleaned by the old sanitizer policy would stay as they are.
    let server = Server::start();
    server.route(RU_FEED, Route::fixture("upgrade/news_ru.xml"));
    server.route(RU_PICTURE, Route::feed(read_fixture("offline/img/courthouse-steps.png"), "image/png"));
    assert_eq!(fixture_etag.as_deref(), Some(server_etag(&server, RU_FEED).as_str()), "regenerate the fixture");
    server.reset_counts();
    ok(dir.path(), &["settings", "set", "proxy", &server.url("")]);
    ok(dir.path(), &["settings", "set", "keep_read_days", "0"]);
    ok(dir.path(), &["settings", "set", "keep_unread_days", "0"]);
    let report = json(dir.path(), &["sync", "--json"]);
    assert_eq!((report["sources"].as_u64(), report["new"].as_u64()), (Some(3), Some(0)), "{report}");
    let failed: Vec<i64> = array(&report["errors"]).iter().map(|e| int(e, "source_id")).collect();
    assert_eq!(failed, [2, 3], "the sources the server does not serve fail, the others go on: {report}");
    assert_eq!((server.hits(RU_FEED), server.count(304)), (1, 0), "the feed is read again whole");
    assert_schema1_entries_intact(dir.path(), &[1, 2, 3]);
    let sud = json(dir.path(), &["show", "2", "--json"]);
    let html = string(&sud, "content_html");
    assert!(html.contains("Приговор будет оглашён") && html.contains("offprint-img://localhost/"), "{html}");
    assert!(!html.contains(RU_PICTURE), "the picture points at the cache now: {html}");
    assert_eq!(
        (sud["images"][0]["url"].as_str(), sud["images"][0]["status"].as_str()),
        (Some(RU_PICTURE), Some("cached"))
    );
    let conn = rusqlite::Connection::open(&db).unwrap();
    let oldest: i64 = conn
        .query_row(
            "SELECT min(c.sanitizer_version) FROM entry_contents c JOIN entries e ON e.id = c.entry_id
              WHERE e.source_id = 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    drop(conn);
    assert_eq!(oldest, offprint::sanitize::SANITIZER_VERSION, "the Russian bodies are cleaned by today's policy");
    assert_eq!(search(dir.path(), "ёлка"), [1]);

    // The feed brings a new story: one new entry, none doubled, every state kept.
    let feed = String::from_utf8(read_fixture("upgrade/news_ru.xml")).unwrap().replace(
        "  </channel>",
        "    <item>\n      <title>Новая линия метро</title>\n      <link>http://news.example.ru/2026/metro</link>\n      \
         <guid>ru-4</guid>\n      <description>Открыли пять новых станций.</description>\n    </item>\n  </channel>",
    );
    server.route(RU_FEED, Route::feed(feed, "application/rss+xml"));
    let report = json(dir.path(), &["sync", "--json"]);
    assert_eq!(report["new"], 1, "{report}");
    let listed = json(dir.path(), &["list", "--limit", "1000", "--json"]);
    assert_eq!(array(&listed).len(), 10, "{listed}");
    assert_eq!(search(dir.path(), "станций"), vec![int(&array(&listed)[0], "id")]);
    assert_schema1_entries_intact(dir.path(), &[1, 2, 3]);

    // Today's retention on those old stories: everything goes but the bookmarks and the new story.
    ok(dir.path(), &["settings", "set", "keep_read_days", "60"]);
    ok(dir.path(), &["settings", "set", "keep_unread_days", "180"]);
    let cleanup = json(dir.path(), &["cleanup", "--json"]);
    assert_eq!(cleanup["purged_entries"], 4, "{cleanup}");
    let kept = json(dir.path(), &["list", "--limit", "1000", "--json"]);
    assert_eq!(ids(&kept)[1..], [11, 10, 7, 5, 2], "{kept}");
    for id in [11, 10, 7, 5, 2] {
        let shown = json(dir.path(), &["show", &id.to_string(), "--json"]);
        assert!(shown["bookmarked"] == true && !string(&shown, "content_html").is_empty(), "{shown}");
    }
}

// ---------------------------------------------------------------------------------------------------------
// A newer cache, a damaged one

#[test]
fn a_cache_from_a_newer_version_is_refused_and_left_byte_for_byte() {
    let dir = schema1_cache();
    ok(dir.path(), &["settings", "set", "theme", "dark"]);
    let db = dir.path().join(offprint::store::DB_FILE);
    let newer = current_schema() + 1;
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.pragma_update(None, "user_version", newer).unwrap();
    }
    let before = snapshot(dir.path());
    for args in
        [&["list"][..], &["sources", "--json"], &["sync"], &["bookmark", "1"], &["settings", "set", "theme", "light"]]
    {
        let last = fails(dir.path(), args);
        assert_eq!(
            last,
            format!(
                "error: the cache at {} was written by a newer Offprint (schema {newer}, this version knows {}); it \
                 was left untouched: update Offprint to open it",
                db.display(),
                current_schema()
            ),
            "{args:?}"
        );
        assert!(snapshot(dir.path()) == before, "{args:?} changed the data directory");
    }
}

/// A valid cache with one page in the middle of the file overwritten, as a failing disk or a bad copy
/// leaves it, and a write-ahead log beside it that must travel with it.
fn overwritten_in_the_middle(db: &Path) {
    let mut bytes = std::fs::read(fixture_path()).unwrap();
    let page = 4096;
    let middle = bytes.len() / page / 2 * page;
    bytes[middle..middle + page].fill(0xA5);
    std::fs::write(db, bytes).unwrap();
    std::fs::write(db.with_file_name("offprint.sqlite3-wal"), b"the log of the damaged cache").unwrap();
}

#[test]
fn a_damaged_cache_is_moved_aside_whole_and_a_new_one_takes_its_place() {
    type Damage = fn(&Path);
    let cases: [(&str, Damage); 4] = [
        ("a text file", |db| std::fs::write(db, "offprint.sqlite3 was here\n").unwrap()),
        ("random bytes", |db| {
            let mut x: u32 = 2463534242;
            let noise: Vec<u8> = (0..16384)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 17;
                    x ^= x << 5;
                    x as u8
                })
                .collect();
            std::fs::write(db, noise).unwrap();
        }),
        ("a database with a page overwritten", overwritten_in_the_middle),
        ("a database whose first page is cut short", |db| {
            std::fs::write(db, &std::fs::read(fixture_path()).unwrap()[..1000]).unwrap()
        }),
    ];
    for (what, damage) in cases {
        let dir = common::data_dir();
        let db = dir.path().join(offprint::store::DB_FILE);
        damage(&db);
        let before = snapshot(dir.path());

        let output = cli(dir.path(), &["list", "--json"]);
        let last = assert_failed_with_error_line(&["list"], &output);
        assert!(output.stdout.is_empty(), "{what}: {}", describe(&["list"], &output));

        // Everything that was there is still there, under the damaged name, byte for byte (with the index
        // SQLite makes of a log, `-shm`, beside it); nothing is left under the cache's own name.
        let after = snapshot(dir.path());
        let kept = after.keys().find(|n| !n.ends_with("-wal") && !n.ends_with("-shm")).unwrap().clone();
        let others: Vec<&String> = after.keys().filter(|n| !n.starts_with(&kept)).collect();
        assert!(others.is_empty(), "{what}: {others:?}");
        assert_eq!(after.keys().filter(|n| !n.ends_with("-shm")).count(), before.len(), "{what}: {:?}", after.keys());
        let stamp = kept.strip_prefix("offprint.sqlite3.damaged-").unwrap_or_else(|| panic!("{what}: {kept}"));
        assert!(
            stamp.len() == 16 && stamp.ends_with('Z') && stamp.as_bytes()[8] == b'T',
            "{what}: a UTC time in {kept}"
        );
        for (name, bytes) in &before {
            let moved = name.replace("offprint.sqlite3", &kept);
            assert!(after.get(&moved) == Some(bytes), "{what}: {name} is not kept as {moved}");
        }
        let kept_path = dir.path().join(&kept);
        assert!(
            last.starts_with(&format!("error: the cache at {} is damaged (", db.display()))
                && last.contains(&format!("it was moved aside to {}, where it stays", kept_path.display()))
                && last.contains("a new, empty cache takes its place")
                && last.contains("restore")
                && last.contains("backup"),
            "{what}: {last}"
        );

        // The next command starts afresh and leaves the damaged file alone.
        assert_eq!(json(dir.path(), &["sources", "--json"]), serde_json::json!([]), "{what}");
        assert_eq!(user_version(&db), current_schema(), "{what}");
        assert!(std::fs::read(&kept_path).unwrap() == before["offprint.sqlite3"], "{what}");
    }
}

/// A cache checked a moment ago opens without the quick check, which reads the whole file; when a
/// command then meets a page SQLite cannot read, it fails saying the cache is damaged, and the next command
/// checks the cache and moves it aside.
#[test]
fn damage_met_by_a_command_has_the_next_one_move_the_cache_aside() {
    let dir = schema1_cache();
    let entries = json(dir.path(), &["list", "--json"]);
    let db = dir.path().join(offprint::store::DB_FILE);
    let page: i64 = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("SELECT min(pageno) FROM dbstat WHERE name = 'entry_contents' AND pagetype = 'leaf'", [], |r| {
            r.get(0)
        })
        .unwrap();
    let mut bytes = std::fs::read(&db).unwrap();
    let at = (page as usize - 1) * 4096;
    bytes[at..at + 4096].fill(0xA5);
    std::fs::write(&db, &bytes).unwrap();

    // Stories are read one by one until one's page fails to read.
    let failed = ids(&entries)
        .into_iter()
        .map(|id| cli(dir.path(), &["show", &id.to_string()]))
        .find(|output| !output.status.success())
        .expect("no story's body was on the overwritten page");
    let last = assert_failed_with_error_line(&["show"], &failed);
    assert!(
        last.starts_with("error: the cache is damaged (")
            && last.ends_with(
                "the next start checks it, and moves it aside if the check fails (it is kept, never deleted)"
            ),
        "{last}"
    );
    assert_eq!(std::fs::read(&db).unwrap(), bytes, "the failing command changed the damaged file");

    let last = fails(dir.path(), &["sources", "--json"]);
    assert!(last.contains("it was moved aside to"), "{last}");
    let kept: Vec<String> = snapshot_names(dir.path()).into_iter().filter(|n| n.contains(".damaged-")).collect();
    assert!(kept.iter().any(|n| std::fs::read(dir.path().join(n)).unwrap() == bytes), "{kept:?}");
    assert_eq!(json(dir.path(), &["sources", "--json"]), serde_json::json!([]));
}

#[test]
fn a_locked_cache_is_not_damaged_and_stays_where_it_is() {
    let dir = schema1_cache();
    ok(dir.path(), &["sources"]);
    let db = dir.path().join(offprint::store::DB_FILE);
    let before = std::fs::read(&db).unwrap();
    // Another program holds the cache for itself: an exclusive lock, which even readers wait for. (Until
    // it lets go, this process must not open the file otherwise: closing any descriptor of it would drop
    // the lock, as POSIX locks go.)
    let holder = rusqlite::Connection::open(&db).unwrap();
    let mode: String = holder.query_row("PRAGMA locking_mode = EXCLUSIVE", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "exclusive");
    holder.query_row("SELECT count(*) FROM sources", [], |r| r.get::<_, i64>(0)).unwrap();
    let last = fails(dir.path(), &["list"]);
    assert_eq!(
        last,
        format!(
            "error: the cache at {} is locked by another program (database is locked); try again once it is done",
            db.display()
        )
    );
    assert!(!snapshot_names(dir.path()).iter().any(|n| n.contains("damaged")), "a locked cache was moved aside");
    drop(holder);
    assert!(std::fs::read(&db).unwrap() == before, "the cache changed");
    assert_eq!(array(&json(dir.path(), &["list", "--json"])).len(), 9);
}

fn snapshot_names(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect()
}

// ---------------------------------------------------------------------------------------------------------
// Caches Offprint may not write

#[cfg(unix)]
#[test]
fn a_cache_it_may_not_write_or_create_is_named_with_what_is_wrong_and_changes_nothing() {
    let root = open_data_root();
    let make = |name: &str, dir_mode: u32, file_mode: Option<u32>| {
        let dir = root.path().join(name);
        std::fs::create_dir(&dir).unwrap();
        if let Some(mode) = file_mode {
            let db = dir.join(offprint::store::DB_FILE);
            std::fs::copy(fixture_path(), &db).unwrap();
            ok(&dir, &["sources"]);
            chmod(&db, mode);
        }
        chmod(&dir, dir_mode);
        dir
    };
    let read_only_file = make("read-only-file", 0o777, Some(0o444));
    let read_only_folder = make("read-only-folder", 0o555, Some(0o666));
    let no_cache_yet = make("read-only-empty-folder", 0o555, None);
    let unreadable = make("unreadable-file", 0o777, Some(0o000));
    // How each message starts (naming the file) and ends (what to do); SQLite's own words go between.
    let read_only = "): Offprint must be able to write the file and its folder; check their permissions";
    let cannot_open = "): check that its folder exists and that Offprint may read, write and create files there";
    let cases = [
        (&read_only_file, "is read-only (the file cannot be written", read_only),
        (&read_only_folder, "is read-only (", read_only),
        (&no_cache_yet, "", cannot_open),
        (&unreadable, "", cannot_open),
    ];
    for (dir, what, advice) in cases {
        let db = dir.join(offprint::store::DB_FILE);
        let start = match what {
            "" => format!("error: cannot open the cache at {} (", db.display()),
            what => format!("error: the cache at {} {what}", db.display()),
        };
        let before = snapshot_as_root(dir);
        for args in [&["list", "--json"][..], &["bookmark", "2"], &["sync"]] {
            let output = cli_unprivileged(root.path(), dir, args);
            let last = assert_failed_with_error_line(args, &output);
            assert!(last.starts_with(&start) && last.ends_with(advice), "{}", describe(args, &output));
            assert!(snapshot_as_root(dir) == before, "{args:?} changed {}", dir.display());
        }
    }
    // The same caches, once they may be written, are whole.
    for dir in [&read_only_file, &read_only_folder, &unreadable] {
        chmod(dir, 0o755);
        chmod(&dir.join(offprint::store::DB_FILE), 0o644);
        assert_eq!(array(&json(dir, &["list", "--json"])).len(), 9, "{}", dir.display());
    }
    chmod(&no_cache_yet, 0o755);
}

/// [`snapshot`], able to read a file this user was denied.
#[cfg(unix)]
fn snapshot_as_root(dir: &Path) -> BTreeMap<String, (u32, Vec<u8>)> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| {
            let mode = e.metadata().unwrap().permissions().mode();
            let bytes = std::fs::read(e.path()).unwrap_or_default();
            (e.file_name().into_string().unwrap(), (mode, bytes))
        })
        .collect()
}

#[test]
fn a_data_directory_that_cannot_be_created_is_named_with_the_file_in_the_way() {
    let root = common::data_dir();
    let file = root.path().join("notes.txt");
    std::fs::write(&file, "not a folder").unwrap();
    let wanted = file.join("offprint");
    let last = fails(&wanted, &["sources"]);
    assert_eq!(
        last,
        format!(
            "error: cannot create the data directory {}: {} is a file, not a directory",
            wanted.display(),
            file.display()
        )
    );
    let last = fails(&file, &["sources"]);
    assert_eq!(last, format!("error: the data directory {} is a file, not a directory", file.display()));
    assert_eq!(std::fs::read(&file).unwrap(), b"not a folder");
    assert_eq!(std::fs::read_dir(root.path()).unwrap().count(), 1, "nothing else was created");
}

// ---------------------------------------------------------------------------------------------------------
// A full disk

#[cfg(unix)]
#[test]
fn exporting_to_a_full_device_fails_clearly_and_leaves_the_device_a_device() {
    if !Path::new("/dev/full").exists() {
        eprintln!("no /dev/full on this system: the export to a full device was not tried");
        return;
    }
    let dir = schema1_cache();
    for format in ["html", "markdown", "json"] {
        let last = fails(dir.path(), &["export", "bookmarks", "--format", format, "--output", "/dev/full"]);
        assert_eq!(last, "error: the disk is full: cannot write /dev/full: No space left on device (os error 28)");
    }
    assert!(!std::fs::metadata("/dev/full").unwrap().is_file(), "/dev/full was replaced by a file");
    assert!(!Path::new("/dev/full.partial").exists());
}

/// A feed with one story and one picture, served by `server`.
fn feed_with_a_picture(server: &Server, picture: &str, guid: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>Harbour news</title>\
         <link>{site}</link><item><title>Ferry timetable</title><guid>{guid}</guid><link>{site}{guid}</link>\
         <description>&lt;p&gt;The winter ferries sail at dawn.&lt;/p&gt;&lt;img src=\"{picture}\" \
         alt=\"The harbour\"&gt;</description></item></channel></rss>",
        site = server.url("/"),
        picture = server.url(picture),
    )
}

#[test]
fn a_picture_that_cannot_be_written_fails_alone_and_the_stories_are_stored() {
    let server = Server::start();
    server.route("/feed.xml", Route::feed(String::from_utf8(read_fixture("rss091.xml")).unwrap(), "application/xml"));
    server.route("/harbour.jpg", Route::feed(read_fixture("offline/img/harbour.jpg"), "image/jpeg"));
    let dir = common::data_dir();
    let id = add(dir.path(), &server.url("/feed.xml"), &["--full-text", "off"]);
    let images = dir.path().join("images");
    std::fs::remove_dir_all(&images).ok();
    std::fs::write(&images, "a file where the pictures' folder should be").unwrap();

    server
        .route("/feed.xml", Route::feed(feed_with_a_picture(&server, "/harbour.jpg", "ferry"), "application/rss+xml"));
    let last = fails(dir.path(), &["sync"]);
    assert!(
        last.starts_with(&format!("error: cannot save a picture in {}", images.display())),
        "the message names where: {last}"
    );
    let listed = json(dir.path(), &["list", "--source", &id.to_string(), "--json"]);
    let ferry = array(&listed).iter().find(|e| e["title"] == "Ferry timetable").expect("the story is stored");
    let shown = json(dir.path(), &["show", &int(ferry, "id").to_string(), "--json"]);
    assert!(string(&shown, "content_html").contains("The winter ferries sail at dawn."), "{shown}");
    assert_eq!(shown["images"][0]["status"], "pending", "tried again by the next sync: {shown}");

    // Once the folder can be written, the next sync keeps the picture.
    std::fs::remove_file(&images).unwrap();
    ok(dir.path(), &["sync"]);
    let shown = json(dir.path(), &["show", &int(ferry, "id").to_string(), "--json"]);
    assert_eq!(shown["images"][0]["status"], "cached", "{shown}");
}

/// Runs `script` with `sh` in a user and mount namespace of its own, where `$1` is a tmpfs of `kib` KiB
/// mounted over `mount_point`, `$2` is `offprint-cli` and `$3` is `out`; `None` when this system lets no
/// unprivileged process make one (the tmpfs disappears with the namespace).
#[cfg(target_os = "linux")]
fn with_a_small_disk(mount_point: &Path, kib: u64, out: &Path, script: &str) -> Option<Output> {
    let probe = Command::new("unshare").args(["--user", "--map-root-user", "--mount", "true"]).output();
    if !probe.as_ref().is_ok_and(|o| o.status.success()) {
        eprintln!("cannot make a small disk here (unshare --user --mount: {probe:?}): the full-disk drill did not run");
        return None;
    }
    let program = format!("mount -t tmpfs -o size={kib}k offprint-full \"$1\" || exit 97\n{script}");
    let mut command = with_cli_environment("unshare");
    command
        .args(["--user", "--map-root-user", "--mount", "sh", "-c", &program, "sh"])
        .arg(mount_point)
        .arg(BIN)
        .arg(out);
    let output = command.output().unwrap();
    assert_ne!(output.status.code(), Some(97), "mount failed: {}", String::from_utf8_lossy(&output.stderr));
    Some(output)
}

/// The size of the files in `dir`, rounded up to whole pages as tmpfs counts them, in KiB.
#[cfg(target_os = "linux")]
fn kib_used(dir: &Path) -> u64 {
    let mut total = 0;
    let mut stack = vec![dir.to_owned()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_dir() {
                stack.push(entry.path());
                total += 4;
            } else {
                total += entry.metadata().unwrap().len().div_ceil(4096) * 4;
            }
        }
    }
    total
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_fails_the_sync_clearly_and_the_cache_stays_whole() {
    let server = Server::start();
    server.route("/feed.xml", Route::feed(feed_with_a_picture(&server, "/small.png", "first"), "application/rss+xml"));
    server.route("/small.png", Route::feed(read_fixture("offline/img/lighthouse.png"), "image/png"));
    let prepared = common::data_dir();
    let id = add(prepared.path(), &server.url("/feed.xml"), &["--full-text", "off"]);
    ok(prepared.path(), &["bookmark", "1"]);
    ok(prepared.path(), &["cleanup"]);
    let room = kib_used(prepared.path()) + 192;

    // 1. Stories bigger than the room left: SQLite cannot grow the cache, the transaction is undone.
    let long: String = (0..60)
        .map(|i| {
            format!(
                "<item><title>Long read {i}</title><guid>long-{i}</guid><description>&lt;p&gt;{}&lt;/p&gt;\
                 </description></item>",
                format!("Paragraph {i} of a long winter story about the harbour and its ferries. ").repeat(400)
            )
        })
        .collect();
    let big = feed_with_a_picture(&server, "/small.png", "first").replace("</channel>", &format!("{long}</channel>"));
    server.route("/feed.xml", Route::feed(big, "application/rss+xml"));
    let (mount, out) = (common::data_dir(), common::data_dir());
    let script = "cp -a \"$4\"/. \"$1\"/ && \
                  \"$2\" --data-dir \"$1\" sync --json >\"$3/sync.out\" 2>\"$3/sync.err\"; echo $? >\"$3/sync.rc\"; \
                  \"$2\" --data-dir \"$1\" list --json --limit 1000 >\"$3/list.out\" 2>\"$3/list.err\"; \
                  echo $? >\"$3/list.rc\"; cp -a \"$1\"/. \"$3/after\"/";
    let script = format!("set -- \"$1\" \"$2\" \"$3\" {}\nmkdir \"$3/after\"\n{script}", shell_quote(prepared.path()));
    let Some(output) = with_a_small_disk(mount.path(), room, out.path(), &script) else { return };
    let read = |name: &str| std::fs::read_to_string(out.path().join(name)).unwrap_or_default();
    assert!(output.status.success(), "{output:?}");
    let (rc, stdout, stderr) = (read("sync.rc"), read("sync.out"), read("sync.err"));
    // The failure is either the sync's own (its source's failure could not be recorded either) or the
    // source's, in the report; both say the disk is full.
    if rc.trim() == "0" {
        let report: Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!((report["failed"].as_u64(), report["errors"][0]["code"].as_str()), (Some(1), Some("disk_full")));
        assert!(string(&report["errors"][0], "message").starts_with("the disk is full:"), "{report}");
    } else {
        let last = stderr.lines().last().unwrap_or("");
        assert!(last.starts_with("error: the disk is full:"), "sync: {rc} {stderr}");
    }
    assert_eq!(read("list.rc").trim(), "0", "a full disk still reads: {}", read("list.err"));
    let during: Value = serde_json::from_str(&read("list.out")).unwrap();
    assert_eq!(ids(&during), [1], "no story of the failed refresh was half-stored");
    let after = out.path().join("after");
    let conn = rusqlite::Connection::open(after.join(offprint::store::DB_FILE)).unwrap();
    let verdict: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    drop(conn);
    assert_eq!(verdict, "ok");
    let listed = json(&after, &["list", "--bookmarked", "--json"]);
    assert_eq!(ids(&listed), [1], "the bookmark is kept");
    assert_eq!(int(&array(&listed)[0], "source_id"), id);

    // 2. A story that fits and a picture that does not: the story is stored, the picture waits, and no
    // half-written file takes up what room is left.
    let mut huge = read_fixture("offline/img/lighthouse.png");
    huge.resize(4 << 20, 0);
    server.route("/feed.xml", Route::feed(feed_with_a_picture(&server, "/huge.png", "second"), "application/rss+xml"));
    server.route("/huge.png", Route::feed(huge, "image/png"));
    let (mount, out) = (common::data_dir(), common::data_dir());
    let script = "cp -a \"$4\"/. \"$1\"/ && \
                  \"$2\" --data-dir \"$1\" sync >\"$3/sync.out\" 2>\"$3/sync.err\"; echo $? >\"$3/sync.rc\"; \
                  find \"$1/images\" -name '*.part' >\"$3/parts\"; cp -a \"$1\"/. \"$3/after\"/";
    let script = format!("set -- \"$1\" \"$2\" \"$3\" {}\nmkdir \"$3/after\"\n{script}", shell_quote(prepared.path()));
    let output = with_a_small_disk(mount.path(), room, out.path(), &script).unwrap();
    assert!(output.status.success(), "{output:?}");
    let read = |name: &str| std::fs::read_to_string(out.path().join(name)).unwrap_or_default();
    assert_ne!(read("sync.rc").trim(), "0");
    let last = read("sync.err").lines().last().unwrap_or("").to_owned();
    assert!(
        last.starts_with("error: the disk is full: cannot save a picture in")
            && last.contains("No space left on device"),
        "{last}"
    );
    assert_eq!(read("parts"), "", "a half-written picture was left behind");
    let after = out.path().join("after");
    let listed = json(&after, &["list", "--json"]);
    let second = array(&listed).iter().find(|e| e["url"] == server.url("/second").as_str()).expect("stored");
    let shown = json(&after, &["show", &int(second, "id").to_string(), "--json"]);
    assert_eq!(shown["images"][0]["status"], "pending", "{shown}");
}

#[cfg(target_os = "linux")]
fn shell_quote(path: &Path) -> String {
    format!("'{}'", path.display().to_string().replace('\'', "'\\''"))
}
