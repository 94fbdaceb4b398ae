//! The app benchmark (`make bench`): the real `offprint` window, a release build, under Xvfb and driven over
//! WebDriver (`tests/e2e/webdriver.rs`), on the cache benchmark's 100,000 entries (`cache_data.rs`). It
//! measures the time from the app's process starting to the first painted list, cold and warm; the memory
//! the app and its WebKit processes hold; and how smoothly the list scrolls through every entry, page by page.
//!
//! Not a test: it prints a table of medians and fails on nothing but an error. `OFFPRINT_BENCH_RUNS` sets
//! the runs (3). Each run opens a copy of the cache of its own, so the window never changes the one the cache
//! benchmark times, and turns background refresh off in it: the sources are on hosts that do not exist, and
//! the sync of them that opening the window starts would only compete with what is measured.

mod cache_data;
#[path = "../common/mod.rs"]
mod common;
#[path = "../e2e/webdriver.rs"]
mod webdriver;

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use webdriver::Desktop;

use cache_data::{PER_SOURCE, SOURCES, cache_dir};
use common::procfs::{kib, median};

const APP: &str = env!("CARGO_BIN_EXE_offprint");
const CLI: &str = env!("CARGO_BIN_EXE_offprint-cli");
/// A frame longer than this is a visible stutter, and a long task by the Long Tasks API's measure.
const LONG_MS: f64 = 50.0;
/// How long scrolling through every entry may take before the run counts as stuck.
const SCROLL_LIMIT: Duration = Duration::from_secs(900);

/// When the page started and when its first rows were painted (the mark `ui/list-view.js` sets), in ms
/// since the Unix epoch.
const PAINTED: &str = "const mark = performance.getEntriesByName('offprint:list-painted')[0];
    return mark ? [performance.timeOrigin, performance.timeOrigin + mark.startTime] : null;";

/// Starts scrolling the list to its bottom on every animation frame, so that each frame asks for the next
/// page, until the list holds every entry (its rows' `aria-setsize` is no longer -1). Keeps the frame gaps
/// and the pages that arrived in `window.__scroll`, and long tasks where WebKit reports them.
const SCROLL: &str = r#"
const list = document.getElementById("entry-list");
const canvas = document.getElementById("list-canvas");
const rowHeight = parseFloat(getComputedStyle(list).getPropertyValue("--row-height"));
const longMs = arguments[0];
const rows = () => Math.round(parseFloat(canvas.style.height) / rowHeight);
const total = arguments[1];
const run = {
  done: false, rows: rows(), pages: 0, frames: 0, longest: 0, slow: 0, slowWithPage: 0, slowLate: 0, ms: 0,
  longTasks: null,
};
window.__scroll = run;
let observer = null;
if ((PerformanceObserver.supportedEntryTypes || []).includes("longtask")) {
  run.longTasks = [];
  observer = new PerformanceObserver((tasks) => run.longTasks.push(...tasks.getEntries().map((t) => t.duration)));
  observer.observe({ type: "longtask" });
}
let started = null;
let last = 0;
const frame = (now) => {
  const loaded = rows();
  if (started === null) started = now;
  else {
    const gap = now - last;
    run.frames += 1;
    run.longest = Math.max(run.longest, gap);
    if (gap > longMs) {
      run.slow += 1;
      // Where the slow frames are: those in which a page arrived, and those in the second half of the list.
      if (loaded > run.rows) run.slowWithPage += 1;
      if (loaded > total / 2) run.slowLate += 1;
    }
  }
  last = now;
  if (loaded > run.rows) run.pages += 1;
  run.rows = loaded;
  const row = canvas.querySelector(".entry-row");
  if (row && row.getAttribute("aria-setsize") !== "-1") {
    run.ms = now - started;
    run.done = true;
    if (observer) observer.disconnect();
    return;
  }
  list.scrollTop = list.scrollHeight;
  requestAnimationFrame(frame);
};
requestAnimationFrame(frame);
"#;

/// The processes of the app (its own and its WebKit helpers) and the memory they hold.
#[derive(Clone, Default)]
struct Memory {
    mib: f64,
    /// Their names, for the caption.
    names: Vec<String>,
    /// Whether `mib` is their Pss (else their RSS: `smaps_rollup` could not be read).
    pss: bool,
}

/// What scrolling through the whole list took.
#[derive(Clone, Default)]
struct Scroll {
    seconds: f64,
    pages: f64,
    longest_ms: f64,
    slow_frames: f64,
    /// Of `slow_frames`, those in which a page of the list arrived, and those in its second half.
    slow_with_page: f64,
    slow_late: f64,
    frames: f64,
    /// Long tasks over [`LONG_MS`] and the longest, where WebKit reports long tasks at all.
    long_tasks: Option<(f64, f64)>,
}

/// One window: from its process starting to the first painted list, its memory then, and what scrolling
/// through every entry took and left.
struct Window {
    start_ms: f64,
    /// The part of `start_ms` before the page started: the process, GTK, the webview and its processes.
    before_page_ms: f64,
    memory: Memory,
    scrolled: Option<(Scroll, Memory)>,
}

/// One process as `/proc/PID/stat` tells it.
struct Stat {
    state: char,
    ppid: u32,
    /// When it started, in clock ticks since boot.
    started: u64,
}

fn stat(pid: u32) -> Option<Stat> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The name, in parentheses, may hold spaces and parentheses; the fields after the last one are plain.
    let fields: Vec<&str> = text.rsplit_once(')')?.1.split_whitespace().collect();
    Some(Stat {
        state: fields.first()?.chars().next()?,
        ppid: fields.get(1)?.parse().ok()?,
        started: fields.get(19)?.parse().ok()?,
    })
}

/// `root` and every process under it.
fn family(root: u32) -> Vec<u32> {
    let parents: HashMap<u32, u32> = std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse().ok())
        .filter_map(|pid| Some((pid, stat(pid)?.ppid)))
        .collect();
    let mut family = vec![root];
    let mut i = 0;
    while i < family.len() {
        let parent = family[i];
        family.extend(parents.iter().filter(|&(_, &p)| p == parent).map(|(&pid, _)| pid));
        i += 1;
    }
    family
}

/// The app's process: the one running [`APP`] among this benchmark's descendants (tauri-driver starts
/// WebKitWebDriver, which starts the app).
fn app_process() -> u32 {
    let app = std::fs::canonicalize(APP).unwrap();
    family(std::process::id())
        .into_iter()
        .find(|pid| std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|exe| exe == app))
        .unwrap_or_else(|| panic!("no process of this benchmark runs {APP}"))
}

fn epoch_ms() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs_f64() * 1000.0
}

/// When `pid` started, in ms since the Unix epoch: the kernel keeps it in clock ticks since boot (10 ms
/// each, as a rule), and the time since boot (`/proc/uptime`, to 10 ms) places boot on the wall clock.
fn started_at_ms(pid: u32) -> f64 {
    let ticks = stat(pid).unwrap_or_else(|| panic!("the app's process {pid} is gone")).started as f64;
    let tick = Command::new("getconf").arg("CLK_TCK").output().unwrap();
    let per_second: f64 = String::from_utf8_lossy(&tick.stdout).trim().parse().unwrap();
    let uptime = std::fs::read_to_string("/proc/uptime").unwrap();
    let now = epoch_ms();
    let since_boot: f64 = uptime.split_whitespace().next().unwrap().parse().unwrap();
    now - (since_boot - ticks / per_second) * 1000.0
}

/// The memory `pid` and its descendants hold: the sum of their proportional set sizes (Pss, so the pages
/// they share count once), or of their RSS where `smaps_rollup` cannot be read.
fn memory(pid: u32) -> Memory {
    let mut memory = Memory { pss: true, ..Default::default() };
    for pid in family(pid) {
        let held = match kib(&pid.to_string(), "smaps_rollup", "Pss:") {
            Some(pss) => pss,
            None => {
                memory.pss = false;
                kib(&pid.to_string(), "status", "VmRSS:").unwrap_or(0)
            }
        };
        memory.mib += held as f64 / 1024.0;
        let exe = std::fs::read_link(format!("/proc/{pid}/exe")).unwrap_or_default();
        memory.names.push(exe.file_name().unwrap_or_default().to_string_lossy().into_owned());
    }
    memory
}

/// A copy of the benchmark's cache that no window has opened, with background refresh off.
fn fresh_copy(cache: &Path) -> tempfile::TempDir {
    let copy = tempfile::Builder::new().prefix("app-run-").tempdir_in(cache.parent().unwrap()).unwrap();
    let copied = Command::new("cp").arg("-a").arg(cache.join(".")).arg(copy.path()).status().unwrap();
    assert!(copied.success(), "cannot copy {} to {}", cache.display(), copy.path().display());
    let out = Command::new(CLI)
        .arg("--data-dir")
        .arg(copy.path())
        .args(["settings", "set", "refresh_interval", "0"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    copy
}

/// Empties the page cache, so that a cold start reads the app, WebKit and the cache from the disk. False
/// when this user may not (it takes root).
fn drop_page_cache() -> bool {
    let _ = Command::new("sync").status();
    std::fs::write("/proc/sys/vm/drop_caches", "3").is_ok()
}

/// Opens a window on `dir`, waits for its first painted list, and closes it once it has been measured.
fn window(dir: &Path, scroll: bool) -> Window {
    let desktop = Desktop::launch(Path::new(APP), &["--data-dir".into(), dir.display().to_string()]);
    let pid = app_process();
    let times = desktop.wait_until("the first painted list", PAINTED);
    let [page, painted] = [0, 1].map(|i| times[i].as_f64().unwrap());
    let started = started_at_ms(pid);
    let memory = memory(pid);
    let scrolled = scroll.then(|| {
        let scroll = scroll_through(&desktop);
        (scroll, self::memory(pid))
    });
    drop(desktop);
    // The next window must not meet this one's process still closing the cache.
    let deadline = Instant::now() + Duration::from_secs(20);
    while stat(pid).is_some_and(|s| s.state != 'Z') {
        assert!(Instant::now() < deadline, "the app's process {pid} did not exit");
        std::thread::sleep(Duration::from_millis(50));
    }
    Window { start_ms: painted - started, before_page_ms: page - started, memory, scrolled }
}

/// Scrolls the list through every entry (see [`SCROLL`]), checking on it twice a second.
fn scroll_through(desktop: &Desktop) -> Scroll {
    desktop.execute(SCROLL, json!([LONG_MS, SOURCES * PER_SOURCE]));
    let deadline = Instant::now() + SCROLL_LIMIT;
    let run = loop {
        std::thread::sleep(Duration::from_millis(500));
        let run = desktop.execute("return window.__scroll;", json!([]));
        if run["done"] == json!(true) {
            break run;
        }
        assert!(Instant::now() < deadline, "the list did not reach its end in {SCROLL_LIMIT:?}: {run}");
    };
    assert_eq!(run["rows"], json!(SOURCES * PER_SOURCE), "the list ended early: {run}");
    let number = |value: &Value| value.as_f64().unwrap_or_else(|| panic!("not a number in {run}"));
    let long_tasks = run["longTasks"].as_array().map(|tasks| {
        let durations: Vec<f64> = tasks.iter().map(number).collect();
        (durations.iter().filter(|&&d| d > LONG_MS).count() as f64, durations.iter().copied().fold(0.0, f64::max))
    });
    Scroll {
        seconds: number(&run["ms"]) / 1000.0,
        pages: number(&run["pages"]),
        longest_ms: number(&run["longest"]),
        slow_frames: number(&run["slow"]),
        slow_with_page: number(&run["slowWithPage"]),
        slow_late: number(&run["slowLate"]),
        frames: number(&run["frames"]),
        long_tasks,
    }
}

fn row(measure: &str, values: &[f64], decimals: usize, target: &str) {
    let runs: Vec<String> = values.iter().map(|v| format!("{v:.decimals$}")).collect();
    println!("| {measure:<44} | {:>9.decimals$} | {:<26} | {target:<6} |", median(values), runs.join(", "));
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --all-targets` runs this too, and must time nothing.
    if !std::env::args().any(|arg| arg == "--bench") {
        println!("a benchmark: run it with `make bench` (or `cargo bench --bench app`)");
        return;
    }
    let runs: usize = std::env::var("OFFPRINT_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(3);
    let cache = cache_dir();
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default().trim().to_owned();
    let (mut cold, mut warm, mut dropped) = (Vec::new(), Vec::new(), true);
    for _ in 0..runs {
        let copy = fresh_copy(&cache);
        dropped &= drop_page_cache();
        cold.push(window(copy.path(), false));
        warm.push(window(copy.path(), true));
    }

    let entries = SOURCES * PER_SOURCE;
    println!(
        "App: the offprint window (release) under Xvfb on {entries} entries; medians of {runs} runs; load before: {load}"
    );
    println!(
        "Start: from the app's process starting (its start time in /proc, to 10 ms) to the first painted frame \
         with list rows (the page's `offprint:list-painted` mark, on the same wall clock)."
    );
    let cold_means = if dropped {
        "the page cache dropped first (app, WebKit and cache read from disk)"
    } else {
        "the page cache could not be dropped (it takes root), so the files may come from memory"
    };
    println!("Cold: a new copy of the cache no window has opened, {cold_means}. Warm: a second window on it.");
    let memory = &warm[0].memory;
    println!(
        "Memory: {} of {} (the app's process and all its descendants).",
        if memory.pss { "Pss" } else { "RSS" },
        memory.names.join(", ")
    );
    let scrolls: Vec<Scroll> = warm.iter().filter_map(|w| w.scrolled.clone().map(|(scroll, _)| scroll)).collect();
    println!(
        "Scroll (warm window): the list's scrollTop set to its bottom on every animation frame, each frame \
         asking for the next page of 100, until all {entries} rows are loaded; gaps between requestAnimationFrame \
         callbacks{}.",
        if scrolls[0].long_tasks.is_some() {
            "; long tasks by PerformanceObserver"
        } else {
            "; WebKitGTK reports no long tasks"
        }
    );
    println!("| {:<44} | {:>9} | {:<26} | {:<6} |", "measure", "median", "runs", "target");
    println!("|{:-<46}|{:->11}|{:-<28}|{:-<8}|", "", "", "", "");
    let of = |windows: &[Window], f: &dyn Fn(&Window) -> f64| windows.iter().map(f).collect::<Vec<f64>>();
    row("cold start to first painted list (ms)", &of(&cold, &|w| w.start_ms), 0, "");
    row("  of which before the page started (ms)", &of(&cold, &|w| w.before_page_ms), 0, "");
    row("warm start to first painted list (ms)", &of(&warm, &|w| w.start_ms), 0, "≤ 1000");
    row("  of which before the page started (ms)", &of(&warm, &|w| w.before_page_ms), 0, "");
    row("memory after first paint, cold (MiB)", &of(&cold, &|w| w.memory.mib), 0, "");
    row("memory after first paint, warm (MiB)", &of(&warm, &|w| w.memory.mib), 0, "");
    let scrolled: Vec<f64> = warm.iter().filter_map(|w| w.scrolled.as_ref().map(|(_, m)| m.mib)).collect();
    row(&format!("memory after scrolling all {entries} (MiB)"), &scrolled, 0, "");
    let of = |f: &dyn Fn(&Scroll) -> f64| scrolls.iter().map(f).collect::<Vec<f64>>();
    row(&format!("scroll through all {entries} (s)"), &of(&|s| s.seconds), 1, "");
    row("pages loaded while scrolling", &of(&|s| s.pages), 0, "");
    row("frames", &of(&|s| s.frames), 0, "");
    row("longest frame gap (ms)", &of(&|s| s.longest_ms), 0, "≤ 50");
    row("frames over 50 ms", &of(&|s| s.slow_frames), 0, "0");
    row("  of which a page arrived in", &of(&|s| s.slow_with_page), 0, "");
    row("  of which in the list's second half", &of(&|s| s.slow_late), 0, "");
    if scrolls[0].long_tasks.is_some() {
        row("long tasks over 50 ms", &of(&|s| s.long_tasks.unwrap_or_default().0), 0, "0");
        row("longest task (ms)", &of(&|s| s.long_tasks.unwrap_or_default().1), 0, "≤ 50");
    }
}
