//! The window's commands for managing sources: rename, move, remove, their own settings, folders, OPML
//! and the exports, and the settings of fetching. Each is a thin adapter onto the core.

use serde::Serialize;
use tauri::State;

use super::AppState;
use super::commands::CommandError;
use crate::error::Error;
use crate::export::{self, Format};
use crate::model::{FolderInfo, SourceInfo};
use crate::paths::{export_path, write_whole};
use crate::settings::{SyncSettings, check_source_settings};
use crate::store::{ImportReport, SourceSettings};
use crate::sync::with_store;

type Result<T> = std::result::Result<T, CommandError>;

/// Unsubscribes; the source's bookmarked entries stay readable. The window asks first.
#[tauri::command]
pub async fn remove_source(state: State<'_, AppState>, source_id: i64) -> Result<()> {
    Ok(with_store(&state.writer, move |s| s.remove_source(source_id)).await?)
}

/// Gives a source the reader's own name; an empty or missing title brings back the feed's.
#[tauri::command]
pub async fn rename_source(state: State<'_, AppState>, source_id: i64, title: Option<String>) -> Result<SourceInfo> {
    Ok(with_store(&state.writer, move |s| {
        s.rename_source(source_id, title.as_deref())?;
        s.source_info(source_id)
    })
    .await?)
}

/// Puts a source in a folder (a new name makes a new folder), or in none.
#[tauri::command]
pub async fn move_source(state: State<'_, AppState>, source_id: i64, folder: Option<String>) -> Result<SourceInfo> {
    let folder = folder.map(|f| f.trim().to_owned()).filter(|f| !f.is_empty());
    Ok(with_store(&state.writer, move |s| {
        s.set_folder(source_id, folder.as_deref())?;
        s.source_info(source_id)
    })
    .await?)
}

/// Sets a source's own refresh interval, proxy, User-Agent and notifications, checked.
#[tauri::command]
pub async fn set_source_settings(
    state: State<'_, AppState>,
    source_id: i64,
    settings: SourceSettings,
) -> Result<SourceInfo> {
    let settings = check_source_settings(&settings)?;
    Ok(with_store(&state.writer, move |s| {
        s.set_source_settings(source_id, &settings)?;
        s.source_info(source_id)
    })
    .await?)
}

#[tauri::command]
pub async fn list_folders(state: State<'_, AppState>) -> Result<Vec<FolderInfo>> {
    Ok(with_store(&state.reader, |s| s.folders()).await?)
}

/// Renames a folder; to an existing folder's name, the two merge.
#[tauri::command]
pub async fn rename_folder(state: State<'_, AppState>, name: String, new_name: String) -> Result<()> {
    with_store(&state.writer, move |s| s.rename_folder(&name, &new_name)).await?;
    Ok(())
}

/// Unsubscribes from every source of a folder, in one go; bookmarked entries stay readable.
#[tauri::command]
pub async fn remove_folder(state: State<'_, AppState>, name: String) -> Result<()> {
    with_store(&state.writer, move |s| s.remove_folder(&name)).await?;
    Ok(())
}

/// Subscribes to the feeds of an OPML file the reader picked (its bytes, as read by the window). A file
/// that is not OPML changes nothing. The window refreshes the new sources next.
#[tauri::command]
pub async fn import_opml(state: State<'_, AppState>, bytes: Vec<u8>) -> Result<ImportReport> {
    Ok(with_store(&state.writer, move |s| {
        let mode = SyncSettings::load(s)?.default_full_text();
        s.import_opml(&bytes, mode)
    })
    .await?)
}

/// Where an export was saved.
#[derive(Debug, Serialize)]
pub struct Saved {
    path: String,
}

/// Saves the sources as OPML in the Downloads folder.
#[tauri::command]
pub async fn export_opml(state: State<'_, AppState>) -> Result<Saved> {
    let bytes = with_store(&state.reader, |s| Ok(s.export_opml()?.into_bytes())).await?;
    save("offprint-subscriptions.opml", bytes).await
}

/// Saves the bookmarked stories, with their content, in the Downloads folder: `html` (one page with its
/// pictures inside), `markdown` or `json`.
#[tauri::command]
pub async fn export_bookmarks(state: State<'_, AppState>, format: String) -> Result<Saved> {
    let format: Format = format.parse()?;
    let bytes = with_store(&state.reader, move |s| export::bookmarks(s, format)).await?;
    let ext = match format {
        Format::Html => "html",
        Format::Markdown => "md",
        Format::Json => "json",
    };
    let day = chrono::Utc::now().format("%Y-%m-%d");
    save(&format!("offprint-bookmarks-{day}.{ext}"), bytes).await
}

async fn save(name: &str, bytes: Vec<u8>) -> Result<Saved> {
    let name = name.to_owned();
    let path = tokio::task::spawn_blocking(move || {
        let path = export_path(&name)?;
        write_whole(&path, &bytes)?;
        Ok::<_, Error>(path)
    })
    .await
    .map_err(|e| Error::Internal(format!("saving stopped: {e}")))??;
    Ok(Saved { path: path.display().to_string() })
}

#[tauri::command]
pub async fn get_sync_settings(state: State<'_, AppState>) -> Result<SyncSettings> {
    Ok(with_store(&state.reader, |s| SyncSettings::load(s)).await?)
}

/// Stores the fetching settings, all checked or none; a new proxy applies from the next request on.
#[tauri::command]
pub async fn set_sync_settings(state: State<'_, AppState>, settings: SyncSettings) -> Result<SyncSettings> {
    Ok(with_store(&state.writer, move |s| {
        settings.save(s)?;
        SyncSettings::load(s)
    })
    .await?)
}
