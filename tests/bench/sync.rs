//! The sync benchmark (`make bench`): synthetic feeds (`tests/common/corpus.rs`) served from several loopback
//! addresses (127.0.0.2, 127.0.0.3, ...: one host each, so per-host limits are measured fairly) by real
//! HTTP servers that answer conditional requests with 304 and count what they answer. Each reader syncs
//! them as its own process, timed by `/usr/bin/time`: cold (an empty cache), warm (nothing changed) and
//! changed (every tenth feed gained five stories). The readers: `offprint-cli sync`, and on the same feeds
//! in the same run its peers, newsboat (`-x reload`, 8 reload threads), sfeed (`sfeed_update`, fetching
//! with curl's ETag support) and a Python baseline (`peers/baseline.py`: feedparser, 8 threads,
//! conditional GET, SQLite). A peer that is not installed is left out with a note (`make bench` installs
//! them all).
//!
//! Not a test: it prints a table of medians and the ratios Offprint / peer, and fails on nothing but an
//! error. When every scenario ran, it ends with Offprint's cold 200 x 50 and 1000 x 50 again, in turns.
//! `OFFPRINT_BENCH_RUNS` sets the runs per scenario (3), `OFFPRINT_BENCH_QUICK=1` runs only the
//! first scenario and `OFFPRINT_BENCH_SCENARIOS` the ones it lists (`2,3`: numbered from 1 as below),
//! `OFFPRINT_BENCH_READERS` picks readers (`offprint,newsboat,sfeed,python`).

#[path = "../common/mod.rs"]
mod common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use common::corpus::{self, Story};
use common::{Rng, Route, Server, read_fixture};

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

/// The readers timed, Offprint first.
#[derive(Clone, Copy, PartialEq)]
enum Reader {
    Offprint,
    Newsboat,
    Sfeed,
    Python,
}

const READERS: [Reader; 4] = [Reader::Offprint, Reader::Newsboat, Reader::Sfeed, Reader::Python];

impl Reader {
    fn name(self) -> &'static str {
        match self {
            Reader::Offprint => "offprint",
            Reader::Newsboat => "newsboat",
            Reader::Sfeed => "sfeed",
            Reader::Python => "python",
        }
    }

    /// Why this reader cannot run here, if it cannot.
    fn missing(self) -> Option<String> {
        let program = match self {
            Reader::Offprint => return None,
            Reader::Newsboat => "newsboat".into(),
            Reader::Sfeed => "sfeed_update".into(),
            Reader::Python => python().display().to_string(),
        };
        let found = Command::new("sh").arg("-c").arg(format!("command -v '{program}'")).output();
        (!found.is_ok_and(|o| o.status.success()))
            .then(|| format!("{program} is not installed (make bench installs it)"))
    }

    /// Sets `dir` up to read `world`'s feeds, and returns the command that syncs them once.
    fn prepare(self, dir: &Path, world: &World) -> Command {
        let urls = world.urls();
        let opml = dir.join("feeds.opml");
        std::fs::write(&opml, corpus::opml(&urls)).unwrap();
        match self {
            Reader::Offprint => {
                let data = dir.join("data");
                let imported = offprint(&data, &["import", opml.to_str().unwrap()]).output().unwrap();
                assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));
                offprint(&data, &["sync", "--json"])
            }
            Reader::Newsboat => {
                std::fs::write(dir.join("urls"), urls.join("\n") + "\n").unwrap();
                std::fs::write(dir.join("config"), "reload-threads 8\ndownload-timeout 60\n").unwrap();
                let mut command = Command::new("newsboat");
                command.env("HOME", dir).arg("-x").arg("reload").arg("-u").arg(dir.join("urls"));
                command.arg("-c").arg(dir.join("cache.db")).arg("-C").arg(dir.join("config"));
                command
            }
            Reader::Sfeed => {
                // sfeed_update's own fetch, with curl keeping each feed's ETag and sending it back.
                std::fs::create_dir_all(dir.join("etags")).unwrap();
                let feeds: String =
                    urls.iter().enumerate().map(|(i, url)| format!("\tfeed \"feed{i}\" \"{url}\"\n")).collect();
                let rc = format!(
                    "sfeedpath=\"{dir}/feeds\"\n\
                     fetch() {{\n\
                     \tetag=\"{dir}/etags/$1\"\n\
                     \tcurl -L --max-redirs 0 -H \"User-Agent:\" -f -s -m 60 --etag-save \"$etag\" --etag-compare \"$etag\" \"$2\" 2>/dev/null\n\
                     }}\n\
                     feeds() {{\n{feeds}}}\n",
                    dir = dir.display()
                );
                std::fs::write(dir.join("sfeedrc"), rc).unwrap();
                let mut command = Command::new("sfeed_update");
                command.env("HOME", dir).arg(dir.join("sfeedrc"));
                command
            }
            Reader::Python => {
                let mut command = Command::new(python());
                command.arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bench/peers/baseline.py"));
                command.arg(&opml).arg(dir.join("cache.sqlite3"));
                command
            }
        }
    }

    /// How many entries the reader has stored in `dir`.
    fn stored(self, dir: &Path) -> i64 {
        let count = |db: &str, sql: &str| {
            rusqlite::Connection::open(dir.join(db)).unwrap().query_row(sql, [], |r| r.get(0)).unwrap()
        };
        match self {
            Reader::Offprint => {
                let out = offprint(&dir.join("data"), &["cache", "--json"]).output().unwrap();
                let cache: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
                cache["entries"].as_i64().unwrap()
            }
            Reader::Newsboat => count("cache.db", "SELECT count(*) FROM rss_item"),
            Reader::Sfeed => std::fs::read_dir(dir.join("feeds"))
                .map(|files| {
                    files
                        .map(|f| std::fs::read(f.unwrap().path()).unwrap().split(|b| *b == b'\n').count() as i64 - 1)
                        .sum()
                })
                .unwrap_or(0),
            Reader::Python => count("cache.sqlite3", "SELECT count(*) FROM entries"),
        }
    }
}

/// The Python with feedparser that `make bench` sets up under `target/bench/venv`.
fn python() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench/venv/bin/python")
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
    /// CPU seconds the rest of the machine spent during the run (neither the reader nor the servers).
    others_cpu: f64,
}

/// CPU seconds spent so far by the whole machine (`/proc/stat`), and by this process (the servers).
fn cpu_clocks() -> (f64, f64) {
    let ticks = 100.0; // USER_HZ, 100 on Linux
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let busy: f64 = stat
        .lines()
        .next()
        .map(|cpu| {
            cpu.split_whitespace()
                .skip(1)
                .enumerate()
                .filter(|(i, _)| ![3, 4].contains(i))
                .map(|(_, v)| v.parse::<f64>().unwrap_or(0.0))
                .sum()
        })
        .unwrap_or(0.0);
    let own = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = own.rsplit(')').next().unwrap_or("").split_whitespace().collect();
    let mine = fields.get(11..13).map(|f| f.iter().map(|v| v.parse::<f64>().unwrap_or(0.0)).sum()).unwrap_or(0.0);
    (busy / ticks, mine / ticks)
}

/// Runs `command` under `/usr/bin/time` and reads its wall time, CPU time and peak resident memory.
fn timed(command: &mut Command) -> (f64, f64, f64) {
    let report = tempfile::NamedTempFile::new().unwrap();
    let program = command.get_program().to_owned();
    let args: Vec<_> = command.get_args().map(|a| a.to_owned()).collect();
    let mut timer = Command::new("/usr/bin/time");
    timer.arg("-f").arg("%e %U %S %M").arg("-o").arg(report.path()).arg(&program).args(&args);
    for (key, value) in command.get_envs() {
        match value {
            Some(value) => timer.env(key, value),
            None => timer.env_remove(key),
        };
    }
    let output =
        timer.output().unwrap_or_else(|e| panic!("/usr/bin/time: {e} (make bench installs the `time` package)"));
    assert!(output.status.success(), "{program:?} {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    let text = std::fs::read_to_string(report.path()).unwrap();
    let fields: Vec<f64> = text.split_whitespace().map(|f| f.parse().unwrap()).collect();
    (fields[0], fields[1] + fields[2], fields[3] / 1024.0)
}

fn offprint(dir: &Path, args: &[&str]) -> Command {
    let mut command = common::cli::command();
    command.arg("--data-dir").arg(dir).args(args);
    command
}

fn sync(reader: Reader, command: &mut Command, world: &World, dir: &Path) -> Cost {
    world.reset_counts();
    let (machine_before, servers_before) = cpu_clocks();
    let (wall, cpu, rss_mib) = timed(command);
    let (machine_after, servers_after) = cpu_clocks();
    let others_cpu = (machine_after - machine_before) - (servers_after - servers_before) - cpu;
    let (ok, not_modified, other) = world.counts();
    Cost { wall, cpu, rss_mib, ok, not_modified, other, stored: reader.stored(dir), others_cpu }
}

fn median(costs: &[Cost], field: impl Fn(&Cost) -> f64) -> f64 {
    common::procfs::median(&costs.iter().map(field).collect::<Vec<_>>())
}

const ROUNDS: [&str; 3] = ["cold", "warm", "changed"];

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --all-targets` runs this too, and must time nothing.
    if !std::env::args().any(|arg| arg == "--bench") {
        println!("a benchmark: run it with `make bench` (or `cargo bench --bench sync`)");
        return;
    }
    let runs: usize = std::env::var("OFFPRINT_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(3);
    let quick = std::env::var("OFFPRINT_BENCH_QUICK").is_ok_and(|v| v == "1");
    let scenarios = std::env::var("OFFPRINT_BENCH_SCENARIOS").unwrap_or_default();
    let numbered = |n: usize| scenarios.split(',').any(|s| s.trim().parse() == Ok(n));
    let scenarios: Vec<&Scenario> = (1..=SCENARIOS.len())
        .filter(|&n| if quick { n == 1 } else { scenarios.is_empty() || numbered(n) })
        .map(|n| &SCENARIOS[n - 1])
        .collect();
    let chosen = std::env::var("OFFPRINT_BENCH_READERS").unwrap_or_default();
    let readers: Vec<Reader> = READERS
        .into_iter()
        .filter(|r| chosen.is_empty() || chosen.split(',').any(|c| c.trim() == r.name()))
        .filter(|r| match r.missing() {
            Some(why) => {
                println!("left out: {} ({why})", r.name());
                false
            }
            None => true,
        })
        .collect();
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("Sync over {HOSTS} loopback hosts; medians of {runs} runs; load before: {}", load.trim());
    println!(
        "| {:<22} | {:<8} | {:<7} | {:>7} | {:>7} | {:>8} | {:>6} | {:>6} | {:>5} | {:>7} | {:>9} |",
        "scenario", "reader", "round", "wall s", "CPU s", "RSS MiB", "200s", "304s", "other", "stored", "others s"
    );
    println!(
        "|{:-<24}|{:-<10}|{:-<9}|{:->9}|{:->9}|{:->10}|{:->8}|{:->8}|{:->7}|{:->9}|{:->11}|",
        "", "", "", "", "", "", "", "", "", "", ""
    );
    let mut ratios = Vec::new();
    let mut busy = Vec::new();
    for scenario in scenarios {
        let name = format!("{} x {} at {} ms", scenario.feeds, scenario.entries, scenario.latency.as_millis());
        let mut medians: Vec<(Reader, [Cost; 3])> = Vec::new();
        for &reader in &readers {
            let mut rounds: [Vec<Cost>; 3] = Default::default();
            for run in 0..runs {
                let mut world = World::new(scenario);
                let dir = tempfile::TempDir::new().unwrap();
                let mut command = reader.prepare(dir.path(), &world);
                rounds[0].push(sync(reader, &mut command, &world, dir.path()));
                rounds[1].push(sync(reader, &mut command, &world, dir.path()));
                world.change(run);
                rounds[2].push(sync(reader, &mut command, &world, dir.path()));
            }
            let mut row = [Cost::default(); 3];
            for ((round, costs), cell) in ROUNDS.iter().zip(&rounds).zip(&mut row) {
                *cell = Cost {
                    wall: median(costs, |c| c.wall),
                    cpu: median(costs, |c| c.cpu),
                    rss_mib: median(costs, |c| c.rss_mib),
                    ok: median(costs, |c| c.ok as f64) as usize,
                    not_modified: median(costs, |c| c.not_modified as f64) as usize,
                    other: median(costs, |c| c.other as f64) as usize,
                    stored: median(costs, |c| c.stored as f64) as i64,
                    others_cpu: costs.iter().map(|c| c.others_cpu).fold(0.0, f64::max),
                };
                busy.extend(costs.iter().filter(|c| is_busy(c)).map(|c| {
                    format!(
                        "{name}, {}, {round}: {:.2} s of CPU in a run of {:.2} s",
                        reader.name(),
                        c.others_cpu,
                        c.wall
                    )
                }));
                println!(
                    "| {name:<22} | {:<8} | {round:<7} | {:>7.2} | {:>7.2} | {:>8.1} | {:>6} | {:>6} | {:>5} | {:>7} | {:>9.2} |",
                    reader.name(),
                    cell.wall,
                    cell.cpu,
                    cell.rss_mib,
                    cell.ok,
                    cell.not_modified,
                    cell.other,
                    cell.stored,
                    cell.others_cpu,
                );
            }
            medians.push((reader, row));
        }
        ratios.push((name, medians));
    }
    println!();
    if busy.is_empty() {
        println!("The machine was quiet: no other process used a tenth of a core during any run.");
    } else {
        println!("The machine was busy during {} runs (other processes' CPU), whose figures may be slow:", busy.len());
        for run in &busy {
            println!("- {run}");
        }
    }
    print_ratios(&ratios);
    if ratios.len() == SCENARIOS.len() && readers.contains(&Reader::Offprint) {
        print_scaling_in_turns(runs);
    }
}

/// Offprint's cold 200 x 50 and cold 1000 x 50 again, in turns. The machine's speed drifts by up to a
/// fifth over the quarter of an hour between the two scenarios above; taken in turns, the ratio is of
/// the work, not of the hour. (Offprint's only: the peers' 1000 x 50 take minutes each.)
fn print_scaling_in_turns(runs: usize) {
    let mut walls = [Vec::new(), Vec::new()];
    for _ in 0..runs {
        for (scenario, walls) in [&SCENARIOS[0], &SCENARIOS[2]].into_iter().zip(&mut walls) {
            let world = World::new(scenario);
            let dir = tempfile::TempDir::new().unwrap();
            let mut command = Reader::Offprint.prepare(dir.path(), &world);
            walls.push(sync(Reader::Offprint, &mut command, &world, dir.path()).wall);
        }
    }
    let as_list = |walls: &[f64]| walls.iter().map(|w| format!("{w:.2}")).collect::<Vec<_>>().join(", ");
    let (small, large) = (common::procfs::median(&walls[0]), common::procfs::median(&walls[1]));
    println!();
    println!("Offprint's cold 200 x 50 and 1000 x 50 at 0 ms in turns, {runs} of each:");
    println!("- 200 x 50: {} s (median {small:.2})", as_list(&walls[0]));
    println!("- 1000 x 50: {} s (median {large:.2})", as_list(&walls[1]));
    println!("- 1000 x 50 over 200 x 50: {:.2}x", large / small);
}

/// Whether the rest of the machine used more than a tenth of a core (and 0.2 s) during a run.
fn is_busy(cost: &Cost) -> bool {
    cost.others_cpu > 0.2 && cost.others_cpu > 0.1 * cost.wall
}

/// A scenario's name, and each reader's medians of its cold, warm and changed rounds.
type Medians = (String, Vec<(Reader, [Cost; 3])>);

/// Offprint's wall time (and peak memory) over each peer's, scenario by scenario, round by round.
fn print_ratios(ratios: &[Medians]) {
    println!();
    println!("Offprint / peer (wall time; RSS for peak memory): below 1 means Offprint is faster or smaller");
    println!(
        "| {:<22} | {:<8} | {:>6} | {:>6} | {:>7} | {:>9} |",
        "scenario", "peer", "cold", "warm", "changed", "cold RSS"
    );
    println!("|{:-<24}|{:-<10}|{:->8}|{:->8}|{:->9}|{:->11}|", "", "", "", "", "", "");
    for (name, medians) in ratios {
        let Some((_, ours)) = medians.iter().find(|(r, _)| *r == Reader::Offprint) else { continue };
        for (peer, theirs) in medians.iter().filter(|(r, _)| *r != Reader::Offprint) {
            let ratio = |i: usize| ours[i].wall / theirs[i].wall;
            println!(
                "| {name:<22} | {:<8} | {:>6.2} | {:>6.2} | {:>7.2} | {:>9.2} |",
                peer.name(),
                ratio(0),
                ratio(1),
                ratio(2),
                ours[0].rss_mib / theirs[0].rss_mib
            );
        }
    }
    // The work of 1000 x 50 is five times that of 200 x 50 at the same latency.
    if let [(_, small), _, (_, large)] = ratios {
        println!();
        println!("Cold 1000 x 50 over cold 200 x 50 (five times the work):");
        for ((reader, small), (_, large)) in small.iter().zip(large) {
            println!("- {}: {:.2}x", reader.name(), large[0].wall / small[0].wall);
        }
    }
}
