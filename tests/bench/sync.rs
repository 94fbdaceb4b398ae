//! The sync benchmark (`make bench`): synthetic feeds (`tests/common/corpus.rs`) served from several loopback
//! addresses (127.0.0.2, 127.0.0.3, ...: one host each, so per-host limits are measured fairly) by real
//! HTTP servers that answer conditional requests with 304 and count what they answer. `offprint-cli sync`
//! runs against them as its own process, timed by `/usr/bin/time`: cold (an empty cache), warm (nothing
//! changed) and changed (every tenth feed gained five stories).
//!
//! Not a test: it prints a table of medians and fails on nothing but an error. `OFFPRINT_BENCH_RUNS`
//! sets the runs per scenario (3), `OFFPRINT_BENCH_QUICK=1` runs only the first scenario.

#[path = "../common/mod.rs"]
mod common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use common::corpus::{self, Story};
use common::{Rng, Route, Server, read_fixture};

const CLI: &str = env!("CARGO_BIN_EXE_offprint-cli");
/// Loopback hosts the feeds are spread over.
const HOSTS: usize = 4;
/// Pictures each host serves; the stories' figures show them.
const PICTURES: usize = 10;

struct Scenario {
    feeds: usize,
    entries: usize,
    latency: Duration,
}

const SCENARIOS: &[Scenario] = &[
    Scenario { feeds: 200, entries: 50, latency: Duration::ZERO },
    Scenario { feeds: 200, entries: 50, latency: Duration::from_millis(50) },
    Scenario { feeds: 1000, entries: 50, latency: Duration::ZERO },
];

/// The servers and what they serve.
struct World {
    servers: Vec<Server>,
    /// Each feed's host, path and stories, newest first.
    feeds: Vec<(usize, String, Vec<Story>)>,
    latency: Duration,
}

impl World {
    fn new(scenario: &Scenario) -> World {
        let servers: Vec<Server> = (0..HOSTS).map(|h| Server::start_at(&format!("127.0.0.{}", h + 2))).collect();
        let picture = read_fixture("offline/img/courthouse-steps.png");
        for server in &servers {
            for k in 0..PICTURES {
                server.route(&format!("/img/{k}.png"), Route::feed(picture.clone(), "image/png"));
            }
        }
        let mut seq = Rng(20_261_129);
        let feeds = (0..scenario.feeds)
            .map(|i| {
                let host = i % HOSTS;
                let origin = servers[host].url("");
                let stories = (0..scenario.entries).rev().map(|n| corpus::story(&mut seq, &origin, i, n)).collect();
                (host, format!("/feed/{i}"), stories)
            })
            .collect();
        let world = World { servers, feeds, latency: scenario.latency };
        for i in 0..world.feeds.len() {
            world.serve(i);
        }
        world
    }

    fn serve(&self, i: usize) {
        let (host, path, stories) = &self.feeds[i];
        let (body, content_type) = corpus::document(&self.servers[*host].url(""), i, stories);
        self.servers[*host].route(path, Route::feed(body, content_type).delayed(self.latency));
    }

    fn urls(&self) -> Vec<String> {
        self.feeds.iter().map(|(host, path, _)| self.servers[*host].url(path)).collect()
    }

    /// Every tenth feed gains five new stories at the top.
    fn change(&mut self, round: usize) {
        let mut seq = Rng(7 + round as u64);
        for i in (0..self.feeds.len()).step_by(10) {
            let origin = self.servers[self.feeds[i].0].url("");
            let first = self.feeds[i].2.len();
            let mut new: Vec<Story> =
                (first..first + 5).rev().map(|n| corpus::story(&mut seq, &origin, i, n)).collect();
            new.append(&mut self.feeds[i].2);
            self.feeds[i].2 = new;
            self.serve(i);
        }
    }

    fn reset_counts(&self) {
        self.servers.iter().for_each(Server::reset_counts);
    }

    /// Responses since the last reset: 200s, 304s, and the rest.
    fn counts(&self) -> (usize, usize, usize) {
        let sum = |f: &dyn Fn(&Server) -> usize| self.servers.iter().map(f).sum::<usize>();
        let (ok, not_modified, all) = (sum(&|s| s.count(200)), sum(&|s| s.count(304)), sum(&Server::total));
        (ok, not_modified, all - ok - not_modified)
    }
}

/// What one run of a reader cost.
#[derive(Clone, Copy, Default)]
struct Cost {
    wall: f64,
    cpu: f64,
    rss_mib: f64,
    ok: usize,
    not_modified: usize,
    other: usize,
    stored: i64,
}

/// Runs `command` under `/usr/bin/time` and reads its wall time, CPU time and peak resident memory.
fn timed(command: &mut Command) -> (f64, f64, f64) {
    let report = tempfile::NamedTempFile::new().unwrap();
    let program = command.get_program().to_owned();
    let args: Vec<_> = command.get_args().map(|a| a.to_owned()).collect();
    let output = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%e %U %S %M")
        .arg("-o")
        .arg(report.path())
        .arg(&program)
        .args(&args)
        .output()
        .unwrap_or_else(|e| panic!("/usr/bin/time: {e} (make bench installs the `time` package)"));
    assert!(output.status.success(), "{program:?} {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    let text = std::fs::read_to_string(report.path()).unwrap();
    let fields: Vec<f64> = text.split_whitespace().map(|f| f.parse().unwrap()).collect();
    (fields[0], fields[1] + fields[2], fields[3] / 1024.0)
}

fn offprint(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(CLI);
    command.arg("--data-dir").arg(dir).args(args);
    command
}

fn stored(dir: &Path) -> i64 {
    let out = offprint(dir, &["cache", "--json"]).output().unwrap();
    let cache: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    cache["entries"].as_i64().unwrap()
}

fn sync(world: &World, dir: &Path) -> Cost {
    world.reset_counts();
    let (wall, cpu, rss_mib) = timed(&mut offprint(dir, &["sync", "--json"]));
    let (ok, not_modified, other) = world.counts();
    Cost { wall, cpu, rss_mib, ok, not_modified, other, stored: stored(dir) }
}

fn median(costs: &[Cost], field: impl Fn(&Cost) -> f64) -> f64 {
    let mut values: Vec<f64> = costs.iter().map(field).collect();
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --all-targets` runs this too, and must time nothing.
    if !std::env::args().any(|arg| arg == "--bench") {
        println!("a benchmark: run it with `make bench` (or `cargo bench --bench sync`)");
        return;
    }
    let runs: usize = std::env::var("OFFPRINT_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(3);
    let quick = std::env::var("OFFPRINT_BENCH_QUICK").is_ok_and(|v| v == "1");
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("Sync: offprint-cli sync over {HOSTS} loopback hosts; medians of {runs} runs; load before: {load}");
    println!(
        "| {:<22} | {:<7} | {:>7} | {:>7} | {:>8} | {:>6} | {:>6} | {:>5} | {:>7} |",
        "scenario", "round", "wall s", "CPU s", "RSS MiB", "200s", "304s", "other", "stored"
    );
    println!("|{:-<24}|{:-<9}|{:->9}|{:->9}|{:->10}|{:->8}|{:->8}|{:->7}|{:->9}|", "", "", "", "", "", "", "", "", "");
    for scenario in SCENARIOS.iter().take(if quick { 1 } else { SCENARIOS.len() }) {
        let mut rounds: [Vec<Cost>; 3] = Default::default();
        for run in 0..runs {
            let mut world = World::new(scenario);
            let dir = tempfile::TempDir::new().unwrap();
            let list = dir.path().join("feeds.opml");
            std::fs::write(&list, corpus::opml(&world.urls())).unwrap();
            let imported = offprint(&dir.path().join("data"), &["import", list.to_str().unwrap()]).output().unwrap();
            assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));
            let data = dir.path().join("data");
            rounds[0].push(sync(&world, &data));
            rounds[1].push(sync(&world, &data));
            world.change(run);
            rounds[2].push(sync(&world, &data));
        }
        let name = format!("{} x {} at {} ms", scenario.feeds, scenario.entries, scenario.latency.as_millis());
        for (round, costs) in ["cold", "warm", "changed"].iter().zip(&rounds) {
            println!(
                "| {name:<22} | {round:<7} | {:>7.2} | {:>7.2} | {:>8.1} | {:>6} | {:>6} | {:>5} | {:>7} |",
                median(costs, |c| c.wall),
                median(costs, |c| c.cpu),
                median(costs, |c| c.rss_mib),
                median(costs, |c| c.ok as f64),
                median(costs, |c| c.not_modified as f64),
                median(costs, |c| c.other as f64),
                median(costs, |c| c.stored as f64),
            );
        }
    }
}
