//! Reading offline: pictures served from the cache through the app's own URI scheme, and the window told
//! when a sync could not reach the network, with syncing resumed by itself, backing off, once it can.

use std::time::Duration;

use serde::Serialize;
use tauri::http::{Response, StatusCode, header};
use tauri::{AppHandle, Emitter, Manager, Runtime};

use super::AppState;
use crate::localize::key_of_local_url;
use crate::model::SyncReport;
use crate::sync::with_store;

/// The event that tells the window whether the network could be reached.
pub const NETWORK_STATE: &str = "network-state";

/// First wait before syncing again after a sync found no network, and the longest wait.
const FIRST_RETRY: Duration = Duration::from_secs(30);
const LONGEST_RETRY: Duration = Duration::from_secs(15 * 60);

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct NetworkState {
    pub offline: bool,
    /// Seconds until the next automatic try.
    pub retry_in: Option<u64>,
    pub message: Option<String>,
}

/// How many syncs in a row found no network, and which scheduled retry is current.
#[derive(Debug, Default)]
pub struct Reconnect {
    failures: u32,
    generation: u64,
}

/// Serves one picture from the cache: `offprint-img://localhost/<key>`. Only pictures the sync checked
/// and kept; nothing else in the data directory can be named, and nothing served can run script.
pub async fn serve_picture<R: Runtime>(app: &AppHandle<R>, path: &str) -> Response<Vec<u8>> {
    let Some(key) = key_of_local_url(path.trim_start_matches('/')).map(str::to_owned) else {
        return not_found();
    };
    let state = app.state::<AppState>();
    // Only the lookup holds the cache; the file is read without keeping the story list waiting.
    let Ok(Some(file)) = with_store(&state.reader, move |s| s.image_file(&key)).await else {
        return not_found();
    };
    match tokio::fs::read(&file.path).await.map(|bytes| (bytes, file.content_type)) {
        Ok((bytes, content_type)) => Response::builder()
            .status(StatusCode::OK)
            .header(header::CONTENT_TYPE, content_type)
            .header(header::CACHE_CONTROL, "max-age=31536000, immutable")
            .header("X-Content-Type-Options", "nosniff")
            .header(header::CONTENT_SECURITY_POLICY, "default-src 'none'")
            .body(bytes)
            .unwrap_or_else(|_| not_found()),
        _ => not_found(),
    }
}

fn not_found() -> Response<Vec<u8>> {
    let mut response = Response::new(Vec::new());
    *response.status_mut() = StatusCode::NOT_FOUND;
    response
}

/// Whether a sync found no network at all: every source failed, each for a reason of the network.
pub fn found_no_network(report: &SyncReport) -> bool {
    const NETWORK: [&str; 4] = ["dns", "connect", "timeout", "network"];
    report.sources > 0
        && report.failed == report.sources
        && report.errors.iter().all(|e| NETWORK.contains(&e.code.as_str()))
}

/// The wait before the `failures`-th retry: doubling from [`FIRST_RETRY`], capped at [`LONGEST_RETRY`].
pub fn backoff(failures: u32) -> Duration {
    let doubled = FIRST_RETRY.saturating_mul(1u32 << failures.saturating_sub(1).min(16));
    doubled.min(LONGEST_RETRY)
}

/// Who started a sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// The reader: Refresh, Try now, or the window coming back online.
    Reader,
    /// A retry scheduled after a sync that found no network.
    Retry,
    /// The background refresh of the sources that are due.
    Schedule,
}

/// After every sync of all sources: tells the window whether the network was reached, and when it was
/// not, schedules the next try. A newer sync cancels a scheduled retry. Only scheduled retries lengthen
/// the wait: pressing Try now while offline does not push the next automatic try further away.
pub fn after_sync<R: Runtime>(app: &AppHandle<R>, report: &SyncReport, trigger: Trigger) {
    let state = app.state::<AppState>();
    let (change, generation) = {
        let mut reconnect = state.reconnect.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        (reconnect.record(found_no_network(report), trigger), reconnect.generation)
    };
    let wait = match change {
        Change::Quiet => return,
        Change::BackOnline => {
            let _ = app.emit(NETWORK_STATE, NetworkState { offline: false, retry_in: None, message: None });
            return;
        }
        Change::RetryIn(wait) => wait,
    };
    let message = report.errors.first().map(|e| e.message.clone());
    let _ = app.emit(NETWORK_STATE, NetworkState { offline: true, retry_in: Some(wait.as_secs()), message });
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(wait).await;
        let current = {
            let state = app.state::<AppState>();
            let reconnect = state.reconnect.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            reconnect.generation == generation
        };
        if current {
            // A sync already running reports for itself.
            let _ = super::commands::retry_sync(&app).await;
        }
    });
}

/// What a sync's outcome changes for the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Online, as before.
    Quiet,
    BackOnline,
    /// Still or newly offline: try again after this long.
    RetryIn(Duration),
}

impl Reconnect {
    /// Records a sync of every source. Each sync cancels the retry scheduled before it (a new
    /// generation); only scheduled retries that fail again lengthen the wait.
    pub fn record(&mut self, no_network: bool, trigger: Trigger) -> Change {
        self.generation += 1;
        if !no_network {
            let was_offline = self.failures > 0;
            self.failures = 0;
            return if was_offline { Change::BackOnline } else { Change::Quiet };
        }
        if trigger == Trigger::Retry || self.failures == 0 {
            self.failures += 1;
        }
        Change::RetryIn(backoff(self.failures))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SyncError;

    fn failure(code: &str) -> SyncError {
        SyncError { source_id: 1, url: "https://a.example/feed".into(), code: code.into(), message: "m".into() }
    }

    #[test]
    fn no_network_means_every_source_failed_for_a_network_reason() {
        let offline = SyncReport {
            sources: 2,
            failed: 2,
            errors: vec![failure("dns"), failure("connect")],
            ..Default::default()
        };
        assert!(found_no_network(&offline));
        let one_server_down =
            SyncReport { sources: 2, failed: 1, errors: vec![failure("connect")], ..Default::default() };
        assert!(!found_no_network(&one_server_down));
        let broken_feed = SyncReport { sources: 1, failed: 1, errors: vec![failure("http_404")], ..Default::default() };
        assert!(!found_no_network(&broken_feed));
        assert!(!found_no_network(&SyncReport::default()), "no sources is not offline");
    }

    #[test]
    fn only_failed_retries_lengthen_the_wait_and_going_online_is_said_once() {
        let mut reconnect = Reconnect::default();
        assert_eq!(reconnect.record(false, Trigger::Reader), Change::Quiet);
        assert_eq!(reconnect.record(true, Trigger::Reader), Change::RetryIn(Duration::from_secs(30)));
        assert_eq!(reconnect.record(true, Trigger::Reader), Change::RetryIn(Duration::from_secs(30)), "Try now");
        assert_eq!(reconnect.record(true, Trigger::Retry), Change::RetryIn(Duration::from_secs(60)));
        assert_eq!(reconnect.record(true, Trigger::Retry), Change::RetryIn(Duration::from_secs(120)));
        let before = reconnect.generation;
        assert_eq!(reconnect.record(false, Trigger::Retry), Change::BackOnline);
        assert_eq!(reconnect.generation, before + 1, "the pending retry is cancelled");
        assert_eq!(reconnect.record(false, Trigger::Reader), Change::Quiet);
    }

    #[test]
    fn retries_back_off_to_a_cap() {
        let waits: Vec<u64> = (1..=8).map(|n| backoff(n).as_secs()).collect();
        assert_eq!(waits, [30, 60, 120, 240, 480, 900, 900, 900]);
        assert_eq!(backoff(u32::MAX), LONGEST_RETRY);
    }
}
