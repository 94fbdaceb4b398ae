//! The background refresh: while the window is open, the sources that are due (by
//! `crate::schedule::due_at`: their interval, their server's caching headers, their failures) are
//! synced every minute or so, as a refresh the reader asked for would be, without asking.

use std::time::Duration;

use tauri::{AppHandle, Manager, Runtime};

use super::AppState;
use super::commands::run_sync;
use super::offline::Trigger;
use crate::error::Result;
use crate::schedule::due_at;
use crate::settings::SyncSettings;
use crate::store;
use crate::sync::{interval_of, with_store};

/// How often the schedule looks for due sources.
const TICK: Duration = Duration::from_secs(60);

/// Starts the background refresh; the first look is at once, so opening the app brings what is due.
pub fn start<R: Runtime>(app: AppHandle<R>) {
    tauri::async_runtime::spawn(async move {
        let mut tick = tokio::time::interval(TICK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            // A failure is the sources' own to report (on their rows); the schedule carries on.
            let _ = refresh_due(&app).await;
        }
    });
}

/// Syncs the sources that are due now, unless a sync is running or background refresh is off.
async fn refresh_due<R: Runtime>(app: &AppHandle<R>) -> Result<()> {
    let state = app.state::<AppState>();
    let settings = with_store(&state.reader, |s| SyncSettings::load(s)).await?;
    let Some(interval) = settings.interval_seconds() else { return Ok(()) };
    let Ok(_running) = state.syncing.try_lock() else { return Ok(()) };
    let targets = state.with_recent_fetches(with_store(&state.reader, |s| s.sync_targets()).await?);
    let now = store::now();
    let due: Vec<_> = targets.into_iter().filter(|t| due_at(&t.clock, interval_of(t, interval)) <= now).collect();
    if !due.is_empty() {
        run_sync(app, due, Trigger::Schedule, true).await?;
    }
    Ok(())
}
