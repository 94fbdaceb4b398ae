//! Builds the desktop app's Tauri context (config, icons, the UI, permissions) when the `desktop`
//! feature is on; the headless build needs none of it.

/// The window's commands: each gets `allow-<name>` / `deny-<name>` permissions, and only those granted
/// in `capabilities/` can be called. Keep in step with `desktop::commands::handler`.
const COMMANDS: &[&str] = &[
    "list_sources",
    "list_entries",
    "get_entry",
    "set_read",
    "set_bookmarked",
    "set_read_many",
    "mark_all_read",
    "add_source",
    "sync_now",
    "open_link",
    "get_settings",
    "set_settings",
    "set_full_text",
    "get_cache_info",
    "get_cache_settings",
    "set_cache_settings",
    "clean_cache",
    "find_feeds",
    "remove_source",
    "rename_source",
    "move_source",
    "set_source_settings",
    "list_folders",
    "rename_folder",
    "remove_folder",
    "import_opml",
    "export_opml",
    "export_bookmarks",
    "get_sync_settings",
    "set_sync_settings",
];

fn main() {
    if std::env::var_os("CARGO_FEATURE_DESKTOP").is_none() {
        return;
    }
    let attributes = tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    tauri_build::try_build(attributes).expect("the Tauri build step failed");
}
