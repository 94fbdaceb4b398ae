//! The desktop window: Tauri setup, the window and its guards, and the state the commands share.
//!
//! This is the only part of the crate that knows Tauri. The commands in [`commands`] are one-line
//! adapters onto the core; everything they do is tested without a window in the core's own tests.

mod commands;
mod notify;
mod offline;
mod schedule;
mod sources;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

use tauri::webview::NewWindowResponse;
use tauri::{Builder, Manager, Runtime, Url, WebviewUrl, WebviewWindowBuilder};

use crate::error::{Error, Result};
use crate::fetch::Fetcher;
use crate::settings::{ReadingSettings, SyncSettings};
use crate::store::{SourceTarget, Store};
use crate::sync::{SharedStore, with_store};

/// What every command reaches: the cache (one writer, one reader, so lists stay quick while a sync
/// writes), the HTTP client, and a lock that keeps two syncs from running at once.
pub struct AppState {
    pub(crate) writer: SharedStore,
    pub(crate) reader: SharedStore,
    /// Built from the proxy and User-Agent settings; rebuilt when they change.
    fetcher: Mutex<Fetcher>,
    pub(crate) syncing: tokio::sync::Mutex<()>,
    pub(crate) reconnect: Mutex<offline::Reconnect>,
    /// When this window last fetched each source (Unix seconds). The cache notes an unchanged fetch only
    /// coarsely, and the manual refresh's throttle needs the moment.
    pub(crate) fetched_at: Mutex<HashMap<i64, i64>>,
    /// What the window must tell the reader as it opens: that a damaged cache was set aside, and where.
    notice: Option<String>,
}

impl AppState {
    /// Opens the cache in `data_dir` (creating it on first run). A damaged cache has been set aside by
    /// the first attempt; the window then starts on a new one and says so (see [`main_window`]).
    pub fn open(data_dir: &std::path::Path) -> Result<AppState> {
        let (writer, notice) = match Store::open_in(data_dir) {
            Err(damaged @ Error::Damaged { .. }) => (Store::open_in(data_dir)?, Some(damaged.to_string())),
            opened => (opened?, None),
        };
        let reader = writer.another_connection()?;
        let settings = SyncSettings::load(&reader);
        if let Err(error) = &settings {
            reader.note_damage(error);
        }
        let fetcher = Fetcher::new(settings?.fetch_config())?;
        Ok(AppState {
            writer: SharedStore::new(writer),
            reader: SharedStore::new(reader),
            fetcher: Mutex::new(fetcher),
            syncing: tokio::sync::Mutex::new(()),
            reconnect: Mutex::new(offline::Reconnect::default()),
            fetched_at: Mutex::new(HashMap::new()),
            notice,
        })
    }

    /// `targets` with the moment this window last fetched each, where the cache knows only coarsely.
    pub(crate) fn with_recent_fetches(&self, mut targets: Vec<SourceTarget>) -> Vec<SourceTarget> {
        let fetched_at = self.fetched_at.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        for target in &mut targets {
            if let Some(&at) = fetched_at.get(&target.id) {
                target.clock.last_attempt_at = target.clock.last_attempt_at.max(Some(at));
            }
        }
        targets
    }

    /// The settings every fetch follows now, and a fetcher that follows them: a changed proxy or
    /// User-Agent applies from the next request on.
    pub(crate) async fn fetcher(&self) -> Result<(SyncSettings, Fetcher)> {
        let settings = with_store(&self.reader, |s| SyncSettings::load(s)).await?;
        let wanted = settings.fetch_config();
        let mut fetcher = self.fetcher.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let current = fetcher.config();
        if current.proxy != wanted.proxy || current.user_agent != wanted.user_agent {
            *fetcher = Fetcher::new(wanted)?;
        }
        Ok((settings, fetcher.clone()))
    }
}

/// The app on any runtime: plugins, state, commands and the picture scheme, and the main window once the
/// app starts. Tests pass `tauri::test::mock_builder()`.
pub fn setup<R: Runtime>(builder: Builder<R>, state: AppState) -> Builder<R> {
    let builder = builder
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_notification::init())
        .manage(state)
        .invoke_handler(commands::handler())
        .register_asynchronous_uri_scheme_protocol(crate::localize::SCHEME, |context, request, responder| {
            let app = context.app_handle().clone();
            let path = request.uri().path().to_owned();
            tauri::async_runtime::spawn(async move { responder.respond(offline::serve_picture(&app, &path).await) });
        });
    builder.setup(|app| {
        let settings = {
            let state = app.state::<AppState>();
            let reader = state.reader.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            let settings = ReadingSettings::load(&reader);
            if let Err(error) = &settings {
                reader.note_damage(error);
            }
            settings?
        };
        main_window(app.handle(), &settings)?;
        schedule::start(app.handle().clone());
        Ok(())
    })
}

/// The main window. It shows only the bundled UI: any navigation elsewhere is refused (links open in
/// the system browser instead, through `open_link`), and no page may open a window of its own. The
/// reading settings are applied before the first paint, so a dark theme never flashes white. The state's
/// notice, if any, stays on screen until the reader dismisses it.
pub fn main_window<R: Runtime, M: Manager<R>>(
    manager: &M,
    settings: &ReadingSettings,
) -> tauri::Result<tauri::WebviewWindow<R>> {
    let mut builder = WebviewWindowBuilder::new(manager, "main", WebviewUrl::App("index.html".into()));
    if settings.theme == "dark" {
        builder = builder.background_color(tauri::window::Color(25, 25, 27, 255));
    }
    if let Some(notice) = manager.try_state::<AppState>().and_then(|state| state.notice.clone()) {
        builder = builder.initialization_script(notice_script(&notice));
    }
    builder
        .initialization_script(settings_script(settings))
        .title("Offprint")
        .inner_size(1360.0, 880.0)
        .min_inner_size(720.0, 480.0)
        .on_navigation(is_app_url)
        .on_new_window(|_, _| NewWindowResponse::Deny)
        .build()
}

/// Sets the reading settings on `<html>` as early as the page exists; `ui/settings.js` keeps them after.
fn settings_script(settings: &ReadingSettings) -> String {
    // Every value is one of a few known words (ReadingSettings::load), and JSON-encoded besides.
    let json = serde_json::to_string(settings).unwrap_or_else(|_| "{}".into());
    format!(
        "(function () {{ var s = {json}; function apply() {{ var r = document.documentElement; if (!r) return false; \
         r.dataset.theme = s.theme; r.dataset.textSize = s.text_size; r.dataset.font = s.font; \
         r.dataset.column = s.column_width; return true; }} \
         if (!apply()) document.addEventListener('readystatechange', apply, {{ once: true }}); }})();"
    )
}

/// Shows `message` as an error toast (the markup of `ui/toast.js`) that stays until dismissed, as text.
fn notice_script(message: &str) -> String {
    let json = serde_json::to_string(message).unwrap_or_else(|_| "\"\"".into());
    format!(
        "(function () {{ var m = {json}; function show() {{ var region = document.getElementById('toasts'); \
         if (!region) return; var el = document.createElement('div'); el.className = 'toast toast-error'; \
         el.setAttribute('role', 'alert'); var text = document.createElement('p'); text.className = 'toast-text'; \
         text.textContent = m; var close = document.createElement('button'); close.type = 'button'; \
         close.className = 'toast-close'; close.setAttribute('aria-label', 'Dismiss'); close.textContent = '×'; \
         close.addEventListener('click', function () {{ el.remove(); }}); el.append(text, close); region.append(el); }} \
         if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', show, {{ once: true }}); \
         else show(); }})();"
    )
}

/// The bundled UI's own origin: `tauri://localhost` (Linux, macOS) or `http(s)://tauri.localhost`.
fn is_app_url(url: &Url) -> bool {
    match url.scheme() {
        "tauri" => url.host_str() == Some("localhost"),
        "http" | "https" => url.host_str() == Some("tauri.localhost"),
        _ => false,
    }
}

/// Starts the desktop app on the data directory from `--data-dir DIR`, `OFFPRINT_DATA_DIR`, or the
/// platform default. Returns the message to show when it cannot start.
pub fn run() -> std::result::Result<(), String> {
    paint_without_gpu();
    let data_dir = crate::paths::data_dir(data_dir_argument()).map_err(|e| e.to_string())?;
    let state = AppState::open(&data_dir).map_err(|e| e.to_string())?;
    setup(Builder::default(), state).run(tauri::generate_context!("tauri.conf.json")).map_err(|e| e.to_string())
}

/// Where Linux lists the GPUs a program may render with.
#[cfg(target_os = "linux")]
const RENDER_NODES: &str = "/dev/dri";

/// On Linux without a GPU, has WebKitGTK paint the window directly instead of compositing its layers with
/// OpenGL drawn on the CPU: there that took 25-45 ms of every frame while the list scrolled, painting
/// directly about 1 ms. A GPU keeps compositing, and a value the reader set is kept either way. Runs
/// first, before any thread that could read the environment starts.
fn paint_without_gpu() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none()
        && !has_render_node(std::path::Path::new(RENDER_NODES))
    {
        // SAFETY: called at the start of `run`, while the process has a single thread. The one `unsafe`
        // of the core: the standard library has no other way to set a variable a library will read.
        #[allow(unsafe_code)]
        unsafe {
            std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1")
        };
    }
}

/// Whether `dri` lists a render node (`renderD128`, ...): a GPU that can draw for this user.
#[cfg(target_os = "linux")]
fn has_render_node(dri: &std::path::Path) -> bool {
    let Ok(nodes) = std::fs::read_dir(dri) else { return false };
    nodes.flatten().any(|node| node.file_name().to_string_lossy().starts_with("renderD"))
}

fn data_dir_argument() -> Option<PathBuf> {
    let mut args = std::env::args_os().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--data-dir" {
            return args.next().map(PathBuf::from);
        }
        if let Some(dir) = arg.to_str().and_then(|a| a.strip_prefix("--data-dir=")) {
            return Some(PathBuf::from(dir));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    #[test]
    fn a_gpu_is_a_render_node_in_dri() {
        let dri = tempfile::TempDir::new().unwrap();
        assert!(!has_render_node(&dri.path().join("missing")));
        std::fs::write(dri.path().join("card0"), "").unwrap();
        assert!(!has_render_node(dri.path()), "a card without a render node draws nothing for us");
        std::fs::write(dri.path().join("renderD128"), "").unwrap();
        assert!(has_render_node(dri.path()));
    }

    #[test]
    fn the_window_starts_on_a_new_cache_and_says_where_the_damaged_one_went() {
        let dir = tempfile::TempDir::new().unwrap();
        std::fs::write(dir.path().join(crate::store::DB_FILE), "not a cache").unwrap();
        let state = AppState::open(dir.path()).unwrap();
        let notice = state.notice.clone().expect("a notice for the window");
        assert!(notice.contains("is damaged") && notice.contains("moved aside to"), "{notice}");
        let kept: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.contains(".damaged-"))
            .collect();
        assert_eq!(kept.len(), 1, "{kept:?}");
        assert_eq!(std::fs::read_to_string(dir.path().join(&kept[0])).unwrap(), "not a cache");
        drop(state);
        assert!(AppState::open(dir.path()).unwrap().notice.is_none(), "the new cache opens quietly");
    }

    #[test]
    fn a_notice_reaches_the_page_as_one_json_string_shown_as_text() {
        let hostile = "cache at /tmp/x'); alert(1); ('</script><img src=x onerror=alert(2)>\u{2028}";
        let script = notice_script(hostile);
        let json = serde_json::to_string(hostile).unwrap();
        assert!(script.contains(&format!("var m = {json};")), "{script}");
        assert!(script.contains("textContent = m") && !script.contains("innerHTML"), "{script}");
    }

    #[test]
    fn only_the_bundled_ui_is_an_app_url() {
        for ok in ["tauri://localhost/index.html", "http://tauri.localhost/", "https://tauri.localhost/x"] {
            assert!(is_app_url(&Url::parse(ok).unwrap()), "{ok}");
        }
        for bad in ["https://example.org/", "tauri://evil/", "http://localhost/", "file:///etc/passwd", "about:blank"] {
            assert!(!is_app_url(&Url::parse(bad).unwrap()), "{bad}");
        }
    }
}
