//! The window's commands driven through Tauri's IPC with the mock runtime (no display), on a real cache
//! synced from a real HTTP server on 127.0.0.1.

mod common;

use common::{Route, Server};
use offprint::desktop::{AppState, setup};
use serde_json::{Value, json};
use tauri::test::{INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder, mock_context, noop_assets};
use tauri::{App, WebviewWindow};

struct Window {
    _app: App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
    _dir: tempfile::TempDir,
    _server: Server,
}

/// The app on a cache holding the given fixture feeds.
fn app_with(fixtures: &[&str]) -> Window {
    app_with_age(fixtures, 0)
}

/// The app on a cache holding the given fixture feeds, last fetched `age` seconds ago.
fn app_with_age(fixtures: &[&str], age: i64) -> Window {
    let server = Server::start();
    let dir = common::data_dir();
    let cli = env!("CARGO_BIN_EXE_offprint-cli");
    for fixture in fixtures {
        server.route(&format!("/{fixture}"), Route::fixture(fixture));
        let status = std::process::Command::new(cli)
            .arg("--data-dir")
            .arg(dir.path())
            .args(["add", &server.url(&format!("/{fixture}"))])
            .output()
            .unwrap();
        assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    }
    if age > 0 {
        let db = rusqlite::Connection::open(dir.path().join("offprint.sqlite3")).unwrap();
        db.execute("UPDATE sources SET last_ok_at = last_ok_at - ?1", [age]).unwrap();
    }
    let state = AppState::open(dir.path()).unwrap();
    let app = setup(mock_builder(), state).build(mock_context(noop_assets())).unwrap();
    // The setup hook, which opens this window, runs when the event loop starts; tests have none.
    let store = offprint::store::Store::open_in(dir.path()).unwrap();
    let settings = offprint::settings::ReadingSettings::load(&store).unwrap();
    let window = offprint::desktop::main_window(&app, &settings).unwrap();
    assert_eq!(window.label(), "main");
    Window { _app: app, window, _dir: dir, _server: server }
}

fn invoke(window: &Window, cmd: &str, args: Value) -> Result<Value, Value> {
    get_ipc_response(
        &window.window,
        tauri::webview::InvokeRequest {
            cmd: cmd.into(),
            callback: tauri::ipc::CallbackFn(0),
            error: tauri::ipc::CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: tauri::ipc::InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|body| body.deserialize::<Value>().unwrap())
}

#[test]
fn lists_pages_and_opens_entries() {
    let w = app_with(&["rss2_content_encoded.xml", "rss_persian_rtl.xml"]);
    let sources = invoke(&w, "list_sources", json!({})).unwrap();
    assert_eq!(sources.as_array().unwrap().len(), 2);

    let first = invoke(&w, "list_entries", json!({"query": {"limit": 2}})).unwrap();
    assert_eq!(first["entries"].as_array().unwrap().len(), 2);
    let cursor = first["next"].clone();
    assert!(cursor.is_object(), "a full page continues: {first}");
    let rest = invoke(&w, "list_entries", json!({"query": {"limit": 2, "before": cursor}})).unwrap();
    assert_eq!(rest["entries"].as_array().unwrap().len(), 1);
    assert!(rest["next"].is_null());

    let persian = invoke(&w, "list_entries", json!({"query": {"search": "تهران"}})).unwrap();
    let id = persian["entries"][0]["id"].as_i64().unwrap();
    let entry = invoke(&w, "get_entry", json!({"id": id})).unwrap();
    assert_eq!(entry["dir"], "rtl");
    assert!(entry["content_html"].as_str().unwrap().contains("تهران"));
}

#[test]
fn bookmarks_and_reads_through_commands() {
    let w = app_with(&["rss2_content_encoded.xml"]);
    let page = invoke(&w, "list_entries", json!({"query": {}})).unwrap();
    let id = page["entries"][0]["id"].as_i64().unwrap();
    assert_eq!(invoke(&w, "set_bookmarked", json!({"id": id, "bookmarked": true})).unwrap(), Value::Null);
    let bookmarks = invoke(&w, "list_entries", json!({"query": {"bookmarkedOnly": true}})).unwrap();
    assert_eq!(bookmarks["entries"][0]["id"], id);

    let changed = invoke(&w, "mark_all_read", json!({"query": {}})).unwrap();
    assert_eq!(changed["ids"].as_array().unwrap().len(), 2);
    let unread = invoke(&w, "list_entries", json!({"query": {"unreadOnly": true}})).unwrap();
    assert!(unread["entries"].as_array().unwrap().is_empty());
    invoke(&w, "set_read_many", json!({"ids": changed["ids"], "read": false})).unwrap();
    let unread = invoke(&w, "list_entries", json!({"query": {"unreadOnly": true}})).unwrap();
    assert_eq!(unread["entries"].as_array().unwrap().len(), 2);
}

#[test]
fn errors_reach_the_window_as_code_and_message() {
    let w = app_with(&[]);
    let err = invoke(&w, "get_entry", json!({"id": 404})).unwrap_err();
    assert_eq!(err, json!({"code": "not_found", "message": "no entry with id 404"}));
    let err = invoke(&w, "open_link", json!({"url": "javascript:alert(1)"})).unwrap_err();
    assert_eq!(err["code"], "invalid_argument");
    let err = invoke(&w, "open_link", json!({"url": "file:///etc/passwd"})).unwrap_err();
    assert_eq!(err["code"], "invalid_argument");
    let err = invoke(&w, "add_source", json!({"url": "ftp://example.org/feed"})).unwrap_err();
    assert_eq!(err["code"], "unsupported_url");
    let err = invoke(&w, "list_entries", json!({"query": {"sourceId": "x"}})).unwrap_err();
    // Tauri refuses arguments of the wrong type before the command runs, with a plain message that the
    // UI's gateway (ui/api.js) turns into { code: "invalid_argument", message }.
    assert!(err.as_str().is_some_and(|m| m.contains("list_entries") && m.contains("expected i64")), "{err}");
}

#[test]
fn settings_persist_and_refuse_unknown_values() {
    let w = app_with(&[]);
    let defaults = invoke(&w, "get_settings", json!({})).unwrap();
    assert_eq!(defaults["theme"], "system");
    let dark = json!({"theme": "dark", "text_size": "large", "font": "sans", "column_width": "wide"});
    assert_eq!(invoke(&w, "set_settings", json!({"settings": dark})).unwrap(), dark);
    assert_eq!(invoke(&w, "get_settings", json!({})).unwrap(), dark);
    let bad = json!({"theme": "neon", "text_size": "large", "font": "sans", "column_width": "wide"});
    let err = invoke(&w, "set_settings", json!({"settings": bad})).unwrap_err();
    assert_eq!(err["code"], "invalid_argument");
}

#[test]
fn storage_and_full_text_settings_through_commands() {
    let w = app_with(&["rss2_content_encoded.xml"]);
    let source = &invoke(&w, "list_sources", json!({})).unwrap()[0];
    assert_eq!(source["full_text"], "auto");
    let id = source["id"].clone();
    let changed = invoke(&w, "set_full_text", json!({"sourceId": id, "mode": "always"})).unwrap();
    assert_eq!(changed["full_text"], "always");
    assert_eq!(invoke(&w, "list_sources", json!({})).unwrap()[0]["full_text"], "always");
    let err = invoke(&w, "set_full_text", json!({"sourceId": id, "mode": "sometimes"})).unwrap_err();
    assert_eq!(err["code"], "invalid_argument");

    let defaults = invoke(&w, "get_cache_settings", json!({})).unwrap();
    assert_eq!(defaults, json!({"keep_read_days": 60, "keep_unread_days": 180, "image_budget_mb": 1024}));
    let tighter = json!({"keep_read_days": 7, "keep_unread_days": 0, "image_budget_mb": 64});
    assert_eq!(invoke(&w, "set_cache_settings", json!({"settings": tighter})).unwrap(), tighter);
    let err = invoke(
        &w,
        "set_cache_settings",
        json!({"settings": {"keep_read_days": -1, "keep_unread_days": 0, "image_budget_mb": 64}}),
    )
    .unwrap_err();
    assert_eq!(err["code"], "invalid_argument");
    assert!(err["message"].as_str().unwrap().starts_with("keep_read_days cannot be -1"), "{err}");
    assert_eq!(invoke(&w, "get_cache_settings", json!({})).unwrap(), tighter);

    let info = invoke(&w, "get_cache_info", json!({})).unwrap();
    assert_eq!(info["entries"], 2, "{info}");
    assert!(info["database_bytes"].as_i64().unwrap() > 0, "{info}");
    let report = invoke(&w, "clean_cache", json!({})).unwrap();
    assert_eq!(report, json!({"purged_entries": 0, "evicted_images": 0, "freed_bytes": 0}));
}

#[test]
fn sources_are_renamed_moved_set_and_removed_through_commands() {
    let w = app_with(&["rss2_content_encoded.xml", "rss_persian_rtl.xml"]);
    let sources = invoke(&w, "list_sources", json!({})).unwrap();
    let (court, persian) = (sources[0]["id"].as_i64().unwrap(), sources[1]["id"].as_i64().unwrap());

    let renamed = invoke(&w, "rename_source", json!({"sourceId": court, "title": " Court watch "})).unwrap();
    assert_eq!(renamed["title"], "Court watch");
    let moved = invoke(&w, "move_source", json!({"sourceId": persian, "folder": "وبلاگ‌ها"})).unwrap();
    assert_eq!(moved["folder"], "وبلاگ‌ها");
    let folders = invoke(&w, "list_folders", json!({})).unwrap();
    assert_eq!(folders[0]["name"], "وبلاگ‌ها");
    assert_eq!(folders[0]["unread_count"], moved["unread_count"]);
    let in_folder = invoke(&w, "list_entries", json!({"query": {"folder": "وبلاگ‌ها"}})).unwrap();
    let ids: Vec<i64> =
        in_folder["entries"].as_array().unwrap().iter().map(|e| e["source_id"].as_i64().unwrap()).collect();
    assert!(!ids.is_empty() && ids.iter().all(|&id| id == persian), "{in_folder}");

    let settings = json!({"refresh_interval": 60, "proxy": "direct", "user_agent": "", "notify": false});
    let set = invoke(&w, "set_source_settings", json!({"sourceId": court, "settings": settings})).unwrap();
    assert_eq!(
        (&set["refresh_interval"], &set["proxy"], &set["user_agent"], &set["notify"]),
        (&json!(60), &json!("direct"), &json!(null), &json!(false))
    );
    let bad = json!({"refresh_interval": 60, "proxy": "gopher://x", "user_agent": null, "notify": true});
    let error = invoke(&w, "set_source_settings", json!({"sourceId": court, "settings": bad})).unwrap_err();
    assert_eq!(error["code"], "invalid_argument");
    assert!(error["message"].as_str().unwrap().starts_with("proxy cannot be \"gopher://x\""), "{error}");

    let story = invoke(&w, "list_entries", json!({"query": {"sourceId": court}})).unwrap()["entries"][0]["id"].clone();
    invoke(&w, "set_bookmarked", json!({"id": story, "bookmarked": true})).unwrap();
    invoke(&w, "remove_source", json!({"sourceId": court})).unwrap();
    let left = invoke(&w, "list_sources", json!({})).unwrap();
    assert_eq!(left.as_array().unwrap().len(), 1);
    let kept = invoke(&w, "get_entry", json!({"id": story})).unwrap();
    assert_eq!(kept["source_title"], "Court watch (removed)");
}

#[test]
fn opml_comes_in_as_bytes_and_fetching_settings_are_checked() {
    let w = app_with(&[]);
    let bytes = std::fs::read(common::fixtures_dir().join("opml/windows1251.opml")).unwrap();
    let report = invoke(&w, "import_opml", json!({"bytes": bytes})).unwrap();
    assert!(!report["added"].as_array().unwrap().is_empty(), "{report}");
    let folders = invoke(&w, "list_folders", json!({})).unwrap();
    assert!(
        folders.as_array().unwrap().iter().any(|f| f["name"]
            .as_str()
            .unwrap()
            .chars()
            .any(|c| ('а'..='я').contains(&c))),
        "{folders}"
    );

    let error =
        invoke(&w, "import_opml", json!({"bytes": b"<rss version=\"2.0\"><channel/></rss>".to_vec()})).unwrap_err();
    assert_eq!(error["code"], "not_opml");
    assert_eq!(
        invoke(&w, "list_sources", json!({})).unwrap().as_array().unwrap().len(),
        report["added"].as_array().unwrap().len()
    );

    let mut settings = invoke(&w, "get_sync_settings", json!({})).unwrap();
    assert_eq!(settings["refresh_interval"], 30);
    settings["proxy"] = json!("socks5h://127.0.0.1:9050");
    settings["refresh_interval"] = json!(0);
    let saved = invoke(&w, "set_sync_settings", json!({"settings": settings})).unwrap();
    assert_eq!((&saved["proxy"], &saved["refresh_interval"]), (&json!("socks5h://127.0.0.1:9050"), &json!(0)));
    settings["concurrency"] = json!(99);
    let error = invoke(&w, "set_sync_settings", json!({"settings": settings})).unwrap_err();
    assert!(error["message"].as_str().unwrap().starts_with("concurrency cannot be 99"), "{error}");
    assert_eq!(invoke(&w, "get_sync_settings", json!({})).unwrap()["concurrency"], 24);
}

#[test]
fn refresh_by_hand_does_not_fetch_a_source_again_a_moment_later() {
    let w = app_with_age(&["rss2_content_encoded.xml", "rss_persian_rtl.xml"], 3600);
    let hits = || w._server.total();
    let before = hits();
    let report = invoke(&w, "sync_now", json!({})).unwrap();
    assert_eq!((&report["sources"], &report["skipped"]), (&json!(2), &json!(0)), "{report}");
    assert_eq!(hits(), before + 2);

    // Pressing Refresh again at once asks nothing of the servers.
    let again = invoke(&w, "sync_now", json!({})).unwrap();
    assert_eq!((&again["sources"], &again["skipped"]), (&json!(0), &json!(2)), "{again}");
    let source = invoke(&w, "list_sources", json!({})).unwrap()[0]["id"].clone();
    let one = invoke(&w, "sync_now", json!({"sourceId": source})).unwrap();
    assert_eq!((&one["sources"], &one["skipped"]), (&json!(0), &json!(1)), "{one}");
    assert_eq!(hits(), before + 2);
}

#[test]
fn the_window_and_a_cli_sync_on_the_same_cache_both_keep_working() {
    let w = app_with_age(&["rss2_content_encoded.xml", "rss_persian_rtl.xml", "rss_edited_v1.xml"], 3600);
    let dir = w._dir.path().to_owned();
    let cli = env!("CARGO_BIN_EXE_offprint-cli");
    let ids: Vec<Value> = invoke(&w, "list_entries", json!({"query": {}})).unwrap()["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].clone())
        .collect();
    // The CLI syncs and bookmarks over and over (a story the window leaves alone), writing each time.
    let syncing = std::thread::spawn({
        let (dir, last) = (dir.clone(), ids.last().unwrap().to_string());
        move || {
            let mut failures = Vec::new();
            for _ in 0..6 {
                for args in [&["sync", "--json"][..], &["bookmark", &last], &["unbookmark", &last]] {
                    let out = std::process::Command::new(cli).arg("--data-dir").arg(&dir).args(args).output().unwrap();
                    if !out.status.success() || String::from_utf8_lossy(&out.stderr).contains("locked") {
                        failures.push(format!("{args:?}: {}", String::from_utf8_lossy(&out.stderr)));
                    }
                }
            }
            failures
        }
    });
    // Meanwhile the window reads, marks, bookmarks and refreshes.
    for round in 0..20 {
        for id in &ids {
            invoke(&w, "set_read", json!({"id": id, "read": round % 2 == 0})).unwrap();
        }
        invoke(&w, "set_bookmarked", json!({"id": ids[0], "bookmarked": round % 2 == 0})).unwrap();
        invoke(&w, "list_entries", json!({"query": {"unreadOnly": true}})).unwrap();
        if round == 5 {
            let report = invoke(&w, "sync_now", json!({})).unwrap();
            assert_eq!(report["failed"], 0, "{report}");
        }
    }
    let failures = syncing.join().unwrap();
    assert!(failures.is_empty(), "the CLI failed beside the window: {failures:?}");
    // What the window did last is what the cache holds.
    let bookmarked = invoke(&w, "list_entries", json!({"query": {"bookmarkedOnly": true}})).unwrap();
    assert!(bookmarked["entries"].as_array().unwrap().is_empty(), "round 19 took the bookmark away");
    let unread = invoke(&w, "list_entries", json!({"query": {"unreadOnly": true}})).unwrap();
    assert_eq!(unread["entries"].as_array().unwrap().len(), ids.len(), "round 19 marked every story unread");
}
