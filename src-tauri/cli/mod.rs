//! `offprint-cli`: the core, headless. The contract (commands, `--json` shapes, exit status) is
//! documented in the README; other tools rely on it, so change it only by adding.
//!
//! With `--json`, stdout carries exactly one JSON document; progress and logs go to stderr. On failure
//! the exit status is non-zero and the last line on stderr is `error: <what went wrong>`.

mod output;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::export;
use crate::extract::FullTextMode;
use crate::fetch::Fetcher;
use crate::localize::key_of_local_url;
use crate::model::EntryFilter;
use crate::settings::{self, SyncSettings};
use crate::store::{SourceSettings, Store};
use crate::sync::{self, SharedStore, SyncOptions};

#[derive(Parser)]
#[command(
    name = "offprint-cli",
    version,
    about = "Offprint, headless: subscribe to feeds, sync them into the offline cache, list and read entries.",
    after_help = "The data directory is --data-dir, else $OFFPRINT_DATA_DIR, else the platform's app-data directory."
)]
struct Cli {
    /// Where the cache lives (shared with the desktop app)
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone, Copy)]
struct Json {
    /// Print one JSON document on stdout
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Subscribe to a feed (RSS, Atom or JSON Feed); fetches it once to check it and take its title
    Add {
        url: String,
        /// Put the source in this folder
        #[arg(long, value_name = "NAME")]
        folder: Option<String>,
        /// When to fetch an entry's full text from its article page [default: the full_text setting]
        #[arg(long, value_name = "MODE", value_parser = ["off", "auto", "always"])]
        full_text: Option<String>,
        /// When URL is a web page offering several feeds, subscribe to the Nth (from 1)
        #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..))]
        pick: u16,
        #[command(flatten)]
        json: Json,
    },
    /// Set when a source's entries get their full text from the article page
    #[command(allow_negative_numbers = true)]
    FullText {
        source_id: i64,
        #[arg(value_parser = ["off", "auto", "always"])]
        mode: String,
    },
    /// List sources with their unread counts and the state of their last sync
    Sources {
        #[command(flatten)]
        json: Json,
    },
    /// Fetch every source now; failed sources are reported, the others go on
    Sync {
        /// How many sources to fetch at once [default: the concurrency setting]
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
        concurrency: Option<u16>,
        #[command(flatten)]
        json: Json,
    },
    /// List entries, newest first
    #[command(allow_negative_numbers = true)]
    List {
        /// Only unread entries
        #[arg(long)]
        unread: bool,
        /// Only bookmarked entries
        #[arg(long)]
        bookmarked: bool,
        /// Only entries of this source
        #[arg(long, value_name = "ID")]
        source: Option<i64>,
        /// Only entries containing all these words (the last may be the start of a word)
        #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
        search: Option<String>,
        /// At most this many entries
        #[arg(long, value_name = "N", default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=100_000))]
        limit: u32,
        #[command(flatten)]
        json: Json,
    },
    /// Show one entry in full
    #[command(allow_negative_numbers = true)]
    Show {
        entry_id: i64,
        #[command(flatten)]
        json: Json,
    },
    /// Mark an entry read
    #[command(allow_negative_numbers = true)]
    Read { entry_id: i64 },
    /// Mark an entry unread
    #[command(allow_negative_numbers = true)]
    Unread { entry_id: i64 },
    /// Bookmark an entry (kept for good)
    #[command(allow_negative_numbers = true)]
    Bookmark { entry_id: i64 },
    /// Remove an entry's bookmark
    #[command(allow_negative_numbers = true)]
    Unbookmark { entry_id: i64 },
    /// Unsubscribe; bookmarked entries stay readable
    #[command(allow_negative_numbers = true)]
    Remove { source_id: i64 },
    /// Put a source in a folder, or out of any with an empty NAME
    #[command(allow_negative_numbers = true)]
    Move { source_id: i64, folder: String },
    /// Give a source your own name, or with an empty TITLE its feed's title again
    #[command(allow_negative_numbers = true)]
    Rename { source_id: i64, title: String },
    /// Show a source's own settings, or change them (an empty value follows the reader's setting)
    #[command(allow_negative_numbers = true)]
    Source {
        source_id: i64,
        /// Minutes between background refreshes of this source (5 to 10080)
        #[arg(long, value_name = "MINUTES")]
        refresh_interval: Option<String>,
        /// `direct` (no proxy) or a proxy URL such as socks5h://127.0.0.1:9050
        #[arg(long, value_name = "PROXY")]
        proxy: Option<String>,
        /// The User-Agent sent to this source
        #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
        user_agent: Option<String>,
        /// Whether new stories of this source count in the desktop notification
        #[arg(long, value_name = "ON_OFF", value_parser = ["on", "off"])]
        notify: Option<String>,
        #[command(flatten)]
        json: Json,
    },
    /// List folders with their sources and unread counts
    Folders {
        #[command(flatten)]
        json: Json,
    },
    /// Rename a folder (to an existing folder's name: the two merge)
    RenameFolder { name: String, new_name: String },
    /// Unsubscribe from every source of a folder; bookmarked entries stay readable
    RemoveFolder { name: String },
    /// Subscribe to the feeds of an OPML file (nested outlines become folders); the feeds are fetched
    /// by the next sync
    Import {
        file: PathBuf,
        #[command(flatten)]
        json: Json,
    },
    /// Write the sources as OPML, or the bookmarked entries with their content
    Export {
        #[arg(value_parser = ["opml", "bookmarks"])]
        what: String,
        /// For bookmarks: html (one page, pictures inside), markdown or json
        #[arg(long, value_name = "FORMAT", default_value = "html", value_parser = ["html", "markdown", "json"])]
        format: String,
        /// Write to this file instead of stdout
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Write a cached picture's bytes, by its local URL or key
    Image {
        /// A picture's `local_url` from `show --json` (offprint-img://localhost/KEY), or its KEY
        local_url: String,
        /// Write to this file instead of stdout
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// How big the cache is
    Cache {
        #[command(flatten)]
        json: Json,
    },
    /// Remove old entries and pictures over their space now, as the retention settings say
    Cleanup {
        #[command(flatten)]
        json: Json,
    },
    /// Read or change a setting
    Settings {
        #[command(subcommand)]
        action: SettingsAction,
    },
}

#[derive(Subcommand)]
enum SettingsAction {
    /// Print every setting and its value
    List {
        #[command(flatten)]
        json: Json,
    },
    /// Print one setting's value
    Get { key: String },
    /// Change one setting
    #[command(allow_negative_numbers = true)]
    Set { key: String, value: String },
}

/// Runs the CLI with the process's arguments and returns its exit status.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", one_line(&e.to_string()));
            ExitCode::FAILURE
        }
    }
}

/// Prints clap's help, or its usage line followed by the contract's last line, `error: ...`, which holds
/// the whole complaint (clap spreads it over several lines).
fn usage_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        let _ = e.print();
        return ExitCode::SUCCESS;
    }
    let rendered = e.render().to_string();
    let (complaint, usage) = rendered.split_once("\nUsage:").unwrap_or((&rendered, ""));
    let message = match e.kind() {
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => "a command is needed (see --help)".to_owned(),
        _ => one_line(
            &complaint
                .lines()
                .filter(|l| !l.trim_start().starts_with("tip:") && !l.starts_with("For more information"))
                .collect::<Vec<_>>()
                .join(" "),
        ),
    };
    if let Some(usage_line) = usage.lines().next() {
        eprintln!("Usage:{usage_line}");
    }
    eprintln!("For more information, try '--help'.");
    eprintln!("error: {}", message.trim_start_matches("error:").trim());
    ExitCode::from(2)
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn run(cli: Cli) -> Result<()> {
    let data_dir = crate::paths::data_dir(cli.data_dir)?;
    let store = Store::open_in(&data_dir)?;
    let done = execute(store, cli.command);
    if let Err(error) = &done {
        crate::store::note_damage(&data_dir.join(crate::store::DB_FILE), error);
    }
    done
}

fn execute(store: Store, command: Command) -> Result<()> {
    match command {
        Command::Add { url, folder, full_text, pick, json } => {
            let settings = SyncSettings::load(&store)?;
            let mode = match full_text {
                Some(mode) => FullTextMode::parse(&mode)?,
                None => settings.default_full_text(),
            };
            let (store, fetcher) = (shared(store), Fetcher::new(settings.fetch_config())?);
            let subscribed = runtime()?.block_on(async {
                let subscribed = sync::subscribe_page(&store, &fetcher, &url, folder, mode, pick.into()).await?;
                sync::fetch_pictures(&store, &fetcher).await?;
                Ok::<_, Error>(subscribed)
            })?;
            if subscribed.offered.len() > 1 {
                eprint!("{}", output::offered(&subscribed.offered, pick.into()));
            }
            let source = &subscribed.source;
            emit(json, source, || output::subscribed(source, &subscribed.outcome))
        }
        Command::FullText { source_id, mode } => {
            let mut store = store;
            store.set_full_text(source_id, FullTextMode::parse(&mode)?)?;
            println!("Source {source_id}: full text {mode}.");
            Ok(())
        }
        Command::Sources { json } => {
            let sources = store.list_sources()?;
            emit(json, &sources, || output::sources(&sources))
        }
        Command::Sync { concurrency, json } => {
            let settings = SyncSettings::load(&store)?;
            let mut options = SyncOptions::from_settings(&settings);
            if let Some(n) = concurrency {
                options.concurrency = n.into();
            }
            let (store, fetcher) = (shared(store), Fetcher::new(settings.fetch_config())?);
            let report = runtime()?.block_on(async {
                let report = sync::sync_all(&store, &fetcher, &options, output::progress).await?;
                sync::clean_up(&store).await?;
                Ok::<_, Error>(report)
            })?;
            emit(json, &report, || output::sync_report(&report))
        }
        Command::List { unread, bookmarked, source, search, limit, json } => {
            if let Some(id) = source {
                store.source_info(id)?;
            }
            // An empty search is no search, as in a search box.
            let search = search.filter(|s| !s.trim().is_empty());
            let filter = EntryFilter {
                source_id: source,
                unread_only: unread,
                bookmarked_only: bookmarked,
                search,
                limit,
                ..Default::default()
            };
            let entries = store.list_entries(&filter)?;
            emit(json, &entries, || output::entries(&entries))
        }
        Command::Show { entry_id, json } => {
            let entry = store.get_entry(entry_id)?;
            emit(json, &entry, || output::entry(&entry))
        }
        Command::Read { entry_id } => mark(store, entry_id, "marked read", |s, id| s.set_read(id, true)),
        Command::Unread { entry_id } => mark(store, entry_id, "marked unread", |s, id| s.set_read(id, false)),
        Command::Bookmark { entry_id } => mark(store, entry_id, "bookmarked", |s, id| s.set_bookmarked(id, true)),
        Command::Unbookmark { entry_id } => {
            mark(store, entry_id, "no longer bookmarked", |s, id| s.set_bookmarked(id, false))
        }
        Command::Remove { source_id } => {
            let mut store = store;
            let title = store.source_info(source_id)?.title;
            store.remove_source(source_id)?;
            println!("Source {source_id} (\u{2068}{title}\u{2069}) removed; its bookmarked entries stay.");
            Ok(())
        }
        Command::Move { source_id, folder } => {
            let mut store = store;
            let folder = Some(folder.trim().to_owned()).filter(|f| !f.is_empty());
            store.set_folder(source_id, folder.as_deref())?;
            match folder {
                Some(folder) => println!("Source {source_id} is in \u{2068}{folder}\u{2069}."),
                None => println!("Source {source_id} is in no folder."),
            }
            Ok(())
        }
        Command::Rename { source_id, title } => {
            let mut store = store;
            store.rename_source(source_id, Some(&title))?;
            let source = store.source_info(source_id)?;
            println!("Source {source_id} is now \u{2068}{}\u{2069}.", source.title);
            Ok(())
        }
        Command::Source { source_id, refresh_interval, proxy, user_agent, notify, json } => {
            let mut store = store;
            let current = store.source_info(source_id)?;
            let changing = refresh_interval.is_some() || proxy.is_some() || user_agent.is_some() || notify.is_some();
            if changing {
                let minutes = match refresh_interval.as_deref().map(str::trim) {
                    None => current.refresh_interval,
                    Some("") => None,
                    Some(text) => Some(text.parse::<i64>().map_err(|_| {
                        Error::InvalidArgument(format!(
                            "refresh_interval cannot be {text:?}; it is a whole number of minutes"
                        ))
                    })?),
                };
                let wanted = SourceSettings {
                    refresh_interval: minutes,
                    proxy: proxy.or(current.proxy),
                    user_agent: user_agent.or(current.user_agent),
                    notify: notify.map_or(current.notify, |n| n == "on"),
                };
                store.set_source_settings(source_id, &settings::check_source_settings(&wanted)?)?;
            }
            let source = store.source_info(source_id)?;
            emit(json, &source, || output::source_settings(&source))
        }
        Command::Folders { json } => {
            let folders = store.folders()?;
            emit(json, &folders, || output::folders(&folders))
        }
        Command::RenameFolder { name, new_name } => {
            let mut store = store;
            let moved = store.rename_folder(&name, &new_name)?;
            println!("Folder \u{2068}{name}\u{2069} is now \u{2068}{}\u{2069} ({moved} sources).", new_name.trim());
            Ok(())
        }
        Command::RemoveFolder { name } => {
            let mut store = store;
            let removed = store.remove_folder(&name)?;
            println!(
                "Folder \u{2068}{name}\u{2069} removed with its {removed} sources; their bookmarked entries stay."
            );
            Ok(())
        }
        Command::Import { file, json } => {
            let mut store = store;
            let bytes = std::fs::read(&file).map_err(|e| Error::io(format!("cannot read {}", file.display()), e))?;
            let mode = SyncSettings::load(&store)?.default_full_text();
            let report = store.import_opml(&bytes, mode)?;
            emit(json, &report, || output::imported(&report))
        }
        Command::Export { what, format, output } => {
            let bytes = match what.as_str() {
                "opml" => store.export_opml()?.into_bytes(),
                _ => export::bookmarks(&store, format.parse()?)?,
            };
            match output {
                Some(path) => crate::paths::write_whole(&path, &bytes),
                None => {
                    use std::io::Write;
                    std::io::stdout().lock().write_all(&bytes).map_err(|e| Error::io("cannot write to stdout", e))
                }
            }
        }
        Command::Image { local_url, output } => {
            let key = key_of_local_url(&local_url)
                .ok_or_else(|| Error::InvalidArgument(format!("not a picture's local URL or key: {local_url}")))?;
            let Some((bytes, _)) = store.image_bytes(key)? else {
                let why = store.image_state(key)?.map(|(status, error)| match error {
                    Some(error) => format!(" ({status}: {error})"),
                    None => format!(" ({status})"),
                });
                return Err(Error::InvalidArgument(format!(
                    "the picture {local_url} is not in the cache{}",
                    why.unwrap_or_else(|| ": no entry shows it".into())
                )));
            };
            if output.is_none() && std::io::IsTerminal::is_terminal(&std::io::stdout()) {
                return Err(Error::InvalidArgument(
                    "a picture's bytes would garble the terminal: give --output FILE, or redirect stdout".into(),
                ));
            }
            match output {
                Some(path) => {
                    std::fs::write(&path, bytes).map_err(|e| Error::io(format!("cannot write {}", path.display()), e))
                }
                None => {
                    use std::io::Write;
                    std::io::stdout().lock().write_all(&bytes).map_err(|e| Error::io("cannot write to stdout", e))
                }
            }
        }
        Command::Cache { json } => {
            let info = store.cache_info()?;
            emit(json, &info, || output::cache_info(&info))
        }
        Command::Cleanup { json } => {
            let report = runtime()?.block_on(sync::clean_up(&shared(store)))?;
            emit(json, &report, || output::cleanup(&report))
        }
        Command::Settings { action } => settings_command(store, action),
    }
}

fn settings_command(mut store: Store, action: SettingsAction) -> Result<()> {
    match action {
        SettingsAction::List { json } => {
            let mut values = serde_json::Map::new();
            for key in settings::keys() {
                let value = settings::get(&store, key)?;
                // Numbers stay numbers in JSON.
                let value = value.parse::<i64>().map_or_else(|_| value.into(), Into::into);
                values.insert(key.to_owned(), value);
            }
            emit(json, &values, || {
                values.iter().map(|(k, v)| format!("{k} = {}\n", v.as_str().unwrap_or(""))).collect()
            })
        }
        SettingsAction::Get { key } => {
            println!("{}", settings::get(&store, &key)?);
            Ok(())
        }
        SettingsAction::Set { key, value } => {
            settings::set(&mut store, &key, &value)?;
            println!("{key} = {}", settings::get(&store, &key)?);
            Ok(())
        }
    }
}

fn mark(mut store: Store, id: i64, done: &str, change: impl FnOnce(&mut Store, i64) -> Result<()>) -> Result<()> {
    change(&mut store, id)?;
    println!("Entry {id} {done}.");
    Ok(())
}

/// Prints `value` as the one JSON document on stdout, or the human form.
fn emit<T: Serialize>(json: Json, value: &T, human: impl FnOnce() -> String) -> Result<()> {
    let text = if json.json {
        serde_json::to_string_pretty(value).map_err(|e| Error::Internal(e.to_string()))?
    } else {
        human()
    };
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", text.trim_end()).map_err(|e| Error::io("cannot write to stdout", e))
}

fn shared(store: Store) -> SharedStore {
    SharedStore::new(store)
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::io("cannot start the async runtime", e))
}
