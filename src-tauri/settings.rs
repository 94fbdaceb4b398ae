//! The reader's settings: what each key means, its accepted values and its default. Stored as strings in
//! the cache so the window and the CLI share them.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::extract::FullTextMode;
use crate::fetch::{FetchConfig, ProxyChoice, default_user_agent};
use crate::store::{Retention, SourceSettings, Store};

/// How the window shows stories. Every field is one of a few words, so a bad value cannot reach the CSS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadingSettings {
    pub theme: String,
    pub text_size: String,
    pub font: String,
    pub column_width: String,
}

/// (key, accepted values; the first is the default).
const READING: [(&str, &[&str]); 4] = [
    ("theme", &["system", "light", "dark"]),
    ("text_size", &["medium", "small", "large", "x-large"]),
    ("font", &["serif", "sans"]),
    ("column_width", &["medium", "narrow", "wide"]),
];

impl ReadingSettings {
    /// The stored settings; a missing or no longer valid value reads as its default.
    pub fn load(store: &Store) -> Result<ReadingSettings> {
        let mut values = Vec::with_capacity(READING.len());
        for (key, accepted) in READING {
            let stored = store.setting(key)?.filter(|v| accepted.contains(&v.as_str()));
            values.push(stored.unwrap_or_else(|| accepted[0].to_owned()));
        }
        let [theme, text_size, font, column_width] = <[String; 4]>::try_from(values).expect("four settings");
        Ok(ReadingSettings { theme, text_size, font, column_width })
    }

    /// Checks every value and stores them all, or none with an error naming the key and what it accepts.
    pub fn save(&self, store: &mut Store) -> Result<()> {
        let pairs = [
            ("theme", self.theme.as_str()),
            ("text_size", self.text_size.as_str()),
            ("font", self.font.as_str()),
            ("column_width", self.column_width.as_str()),
        ];
        for ((key, value), (_, accepted)) in pairs.iter().zip(READING) {
            if !accepted.contains(value) {
                return Err(Error::InvalidArgument(format!(
                    "{key} cannot be {value:?}; it is one of: {}",
                    accepted.join(", ")
                )));
            }
        }
        store.set_settings(&pairs)
    }
}

/// How long stories stay and how much room pictures get, as the reader sets them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CacheSettings {
    /// Days a read story stays; 0 keeps it for ever.
    pub keep_read_days: i64,
    pub keep_unread_days: i64,
    /// Room for pictures, in MiB.
    pub image_budget_mb: i64,
}

/// (key, smallest, largest, default).
const CACHE: [(&str, i64, i64, i64); 3] =
    [("keep_read_days", 0, 36_500, 60), ("keep_unread_days", 0, 36_500, 180), ("image_budget_mb", 16, 1_048_576, 1024)];

impl CacheSettings {
    /// The stored settings; a missing or no longer valid value reads as its default.
    pub fn load(store: &Store) -> Result<CacheSettings> {
        let mut values = [0; 3];
        for (value, (key, min, max, default)) in values.iter_mut().zip(CACHE) {
            let stored = store.setting(key)?.and_then(|v| v.parse::<i64>().ok());
            *value = stored.filter(|v| (min..=max).contains(v)).unwrap_or(default);
        }
        let [keep_read_days, keep_unread_days, image_budget_mb] = values;
        Ok(CacheSettings { keep_read_days, keep_unread_days, image_budget_mb })
    }

    /// Checks every value and stores them all, or none with an error naming the key and its range.
    pub fn save(&self, store: &mut Store) -> Result<()> {
        let values = [self.keep_read_days, self.keep_unread_days, self.image_budget_mb];
        for (value, (key, min, max, _)) in values.iter().zip(CACHE) {
            if !(min..=max).contains(value) {
                return Err(Error::InvalidArgument(format!(
                    "{key} cannot be {value}; it is a number from {min} to {max}"
                )));
            }
        }
        let text: Vec<String> = values.iter().map(i64::to_string).collect();
        let pairs: Vec<(&str, &str)> = CACHE.iter().zip(&text).map(|((key, ..), v)| (*key, v.as_str())).collect();
        store.set_settings(&pairs)
    }

    /// The rules a cleanup applies.
    pub fn retention(&self) -> Retention {
        Retention {
            keep_read_days: self.keep_read_days,
            keep_unread_days: self.keep_unread_days,
            image_budget_bytes: self.image_budget_mb * 1024 * 1024,
        }
    }
}

/// How the reader's sources are fetched, for the window's background refresh and every sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SyncSettings {
    /// Minutes between background refreshes; 0 refreshes only when asked.
    pub refresh_interval: i64,
    /// Sources fetched at once.
    pub concurrency: i64,
    /// Empty: the usual proxy environment variables; else the proxy every request goes through.
    pub proxy: String,
    /// Empty: Offprint's own.
    pub user_agent: String,
    /// The full-text mode new sources start with.
    pub full_text: String,
    /// `on`: a desktop notification when a sync brings new stories.
    pub notifications: String,
}

const REFRESH_RANGE: (i64, i64) = (5, 10_080);
const CONCURRENCY_RANGE: (i64, i64) = (1, 32);
const SYNC_KEYS: [&str; 6] = ["refresh_interval", "concurrency", "proxy", "user_agent", "full_text", "notifications"];

impl Default for SyncSettings {
    fn default() -> Self {
        SyncSettings {
            refresh_interval: 30,
            concurrency: 24,
            proxy: String::new(),
            user_agent: String::new(),
            full_text: FullTextMode::default().as_str().to_owned(),
            notifications: "on".into(),
        }
    }
}

impl SyncSettings {
    /// The stored settings; a missing or no longer valid value reads as its default.
    pub fn load(store: &Store) -> Result<SyncSettings> {
        let defaults = SyncSettings::default();
        let number = |key: &str, default: i64| -> Result<i64> {
            Ok(store.setting(key)?.and_then(|v| v.parse().ok()).unwrap_or(default))
        };
        let text = |key: &str| -> Result<Option<String>> { store.setting(key) };
        let loaded = SyncSettings {
            refresh_interval: number("refresh_interval", defaults.refresh_interval)?,
            concurrency: number("concurrency", defaults.concurrency)?,
            proxy: text("proxy")?.unwrap_or_default(),
            user_agent: text("user_agent")?.unwrap_or_default(),
            full_text: text("full_text")?.unwrap_or(defaults.full_text.clone()),
            notifications: text("notifications")?.unwrap_or(defaults.notifications.clone()),
        };
        // One bad value (written by hand into the database) reads as its default; the rest stand.
        let mut settled = defaults.clone();
        for key in SYNC_KEYS {
            let mut candidate = settled.clone();
            copy_field(&mut candidate, &loaded, key);
            if candidate.check(key).is_ok() {
                settled = candidate;
            }
        }
        Ok(settled)
    }

    /// Checks every value and stores them all, or none with an error naming the key and what it accepts.
    pub fn save(&self, store: &mut Store) -> Result<()> {
        for key in SYNC_KEYS {
            self.check(key)?;
        }
        let (interval, concurrency) = (self.refresh_interval.to_string(), self.concurrency.to_string());
        let pairs = [
            ("refresh_interval", interval.as_str()),
            ("concurrency", concurrency.as_str()),
            ("proxy", self.proxy.trim()),
            ("user_agent", self.user_agent.trim()),
            ("full_text", self.full_text.as_str()),
            ("notifications", self.notifications.as_str()),
        ];
        store.set_settings(&pairs)
    }

    /// Whether the value of `key` is one it accepts; if not, a message naming the key and the values.
    fn check(&self, key: &str) -> Result<()> {
        let refuse = |value: &dyn std::fmt::Debug, accepted: &str| {
            Err(Error::InvalidArgument(format!("{key} cannot be {value:?}; it is {accepted}")))
        };
        match key {
            "refresh_interval" => {
                let (min, max) = REFRESH_RANGE;
                let v = self.refresh_interval;
                if v != 0 && !(min..=max).contains(&v) {
                    return refuse(&v, &format!("a number of minutes from {min} to {max}, or 0 for only when asked"));
                }
            }
            "concurrency" => {
                let (min, max) = CONCURRENCY_RANGE;
                if !(min..=max).contains(&self.concurrency) {
                    return refuse(&self.concurrency, &format!("a number from {min} to {max}"));
                }
            }
            "proxy" => return check_proxy(&self.proxy, false),
            "user_agent" => return check_user_agent(&self.user_agent),
            "full_text" => {
                if FullTextMode::parse(&self.full_text).is_err() {
                    return refuse(&self.full_text, "one of: auto, off, always");
                }
            }
            "notifications" => {
                if !matches!(self.notifications.as_str(), "on" | "off") {
                    return refuse(&self.notifications, "one of: on, off");
                }
            }
            _ => return Err(unknown_key(key)),
        }
        Ok(())
    }

    /// Minutes between background refreshes, as seconds; `None` when they are off.
    pub fn interval_seconds(&self) -> Option<i64> {
        (self.refresh_interval > 0).then_some(self.refresh_interval * crate::schedule::MINUTE)
    }

    /// The limits and identity of every request, by these settings.
    pub fn fetch_config(&self) -> FetchConfig {
        let user_agent = self.user_agent.trim();
        FetchConfig {
            proxy: ProxyChoice::from_setting(&self.proxy),
            user_agent: if user_agent.is_empty() { default_user_agent() } else { user_agent.to_owned() },
            ..FetchConfig::default()
        }
    }

    pub fn default_full_text(&self) -> FullTextMode {
        FullTextMode::parse(&self.full_text).unwrap_or_default()
    }
}

fn copy_field(to: &mut SyncSettings, from: &SyncSettings, key: &str) {
    match key {
        "refresh_interval" => to.refresh_interval = from.refresh_interval,
        "concurrency" => to.concurrency = from.concurrency,
        "proxy" => to.proxy = from.proxy.clone(),
        "user_agent" => to.user_agent = from.user_agent.clone(),
        "full_text" => to.full_text = from.full_text.clone(),
        _ => to.notifications = from.notifications.clone(),
    }
}

/// A proxy setting: empty (the environment's proxy), or a proxy URL with a host and nothing after it.
/// A source's own setting may also be `direct`.
pub fn check_proxy(value: &str, per_source: bool) -> Result<()> {
    let value = value.trim();
    if value.is_empty() || (per_source && value == "direct") {
        return Ok(());
    }
    let accepted = if per_source {
        "empty (the proxy setting), direct (no proxy), or a URL such as socks5h://127.0.0.1:9050 or \
         http://proxy.example:8080 (schemes: http, https, socks5, socks5h)"
    } else {
        "empty (no proxy of its own: the usual proxy environment variables apply), or a URL such as \
         socks5h://127.0.0.1:9050 or http://proxy.example:8080 (schemes: http, https, socks5, socks5h)"
    };
    let refuse = || Err(Error::InvalidArgument(format!("proxy cannot be {value:?}; it is {accepted}")));
    let Ok(url) = url::Url::parse(value) else { return refuse() };
    let scheme_ok = matches!(url.scheme(), "http" | "https" | "socks5" | "socks5h");
    let bare = matches!(url.path(), "" | "/") && url.query().is_none() && url.fragment().is_none();
    if !scheme_ok || url.host_str().is_none_or(str::is_empty) || !bare {
        return refuse();
    }
    Ok(())
}

/// A User-Agent: empty (Offprint's own) or up to 512 visible ASCII characters and spaces.
pub fn check_user_agent(value: &str) -> Result<()> {
    let value = value.trim();
    if value.len() <= 512 && value.bytes().all(|b| b == b' ' || b.is_ascii_graphic()) {
        return Ok(());
    }
    Err(Error::InvalidArgument(format!(
        "user_agent cannot be {value:?}; it is empty (Offprint's own) or up to 512 visible ASCII characters"
    )))
}

/// A source's own settings, checked like the reader's: each field empty (`None` or blank) follows the
/// reader's setting. Returns them trimmed, blanks as `None`.
pub fn check_source_settings(settings: &SourceSettings) -> Result<SourceSettings> {
    let blank_is_none = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
    let checked = SourceSettings {
        refresh_interval: settings.refresh_interval,
        proxy: blank_is_none(&settings.proxy),
        user_agent: blank_is_none(&settings.user_agent),
        notify: settings.notify,
    };
    if let Some(minutes) = checked.refresh_interval {
        let (min, max) = REFRESH_RANGE;
        if !(min..=max).contains(&minutes) {
            return Err(Error::InvalidArgument(format!(
                "refresh_interval cannot be {minutes}; it is a number of minutes from {min} to {max}, or empty for the \
                 refresh_interval setting"
            )));
        }
    }
    check_proxy(checked.proxy.as_deref().unwrap_or(""), true)?;
    check_user_agent(checked.user_agent.as_deref().unwrap_or(""))?;
    Ok(checked)
}

/// Every setting's key, for `offprint-cli settings`.
pub fn keys() -> Vec<&'static str> {
    READING.iter().map(|(key, _)| *key).chain(CACHE.iter().map(|(key, ..)| *key)).chain(SYNC_KEYS).collect()
}

/// Every setting as JSON, one object per group: reading, cache, sync.
fn groups(store: &Store) -> Result<[serde_json::Value; 3]> {
    let json = |e: serde_json::Error| Error::Internal(e.to_string());
    Ok([
        serde_json::to_value(ReadingSettings::load(store)?).map_err(json)?,
        serde_json::to_value(CacheSettings::load(store)?).map_err(json)?,
        serde_json::to_value(SyncSettings::load(store)?).map_err(json)?,
    ])
}

/// One setting's value as text.
pub fn get(store: &Store, key: &str) -> Result<String> {
    let groups = groups(store)?;
    let value = groups.iter().find_map(|g| g.get(key)).ok_or_else(|| unknown_key(key))?;
    Ok(value.as_str().map(str::to_owned).unwrap_or_else(|| value.to_string()))
}

/// Sets one setting from text, checked like the window's settings.
pub fn set(store: &mut Store, key: &str, value: &str) -> Result<()> {
    let json = |e: serde_json::Error| Error::Internal(e.to_string());
    let mut groups = groups(store)?;
    let (index, group) =
        groups.iter_mut().enumerate().find(|(_, g)| g.get(key).is_some()).ok_or_else(|| unknown_key(key))?;
    let slot = group.get_mut(key).expect("found above");
    *slot = if slot.is_number() {
        let number: i64 = value
            .trim()
            .parse()
            .map_err(|_| Error::InvalidArgument(format!("{key} cannot be {value:?}; it is a whole number")))?;
        number.into()
    } else {
        value.trim().into()
    };
    let group = group.take();
    match index {
        0 => serde_json::from_value::<ReadingSettings>(group).map_err(json)?.save(store),
        1 => serde_json::from_value::<CacheSettings>(group).map_err(json)?.save(store),
        _ => serde_json::from_value::<SyncSettings>(group).map_err(json)?.save(store),
    }
}

fn unknown_key(key: &str) -> Error {
    Error::InvalidArgument(format!("there is no setting {key:?}; the settings are: {}", keys().join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_settings_default_save_and_refuse_out_of_range_values() {
        let dir = tempfile::TempDir::new().unwrap();
        let mut store = Store::open_in(dir.path()).unwrap();
        let defaults = CacheSettings::load(&store).unwrap();
        assert_eq!(defaults, CacheSettings { keep_read_days: 60, keep_unread_days: 180, image_budget_mb: 1024 });
        assert_eq!(defaults.retention().image_budget_bytes, 1 << 30);

        set(&mut store, "keep_read_days", "7").unwrap();
        assert_eq!(get(&store, "keep_read_days").unwrap(), "7");
        set(&mut store, "theme", "dark").unwrap();
        assert_eq!(get(&store, "theme").unwrap(), "dark");

        let err = set(&mut store, "image_budget_mb", "3").unwrap_err();
        assert!(err.to_string().starts_with("image_budget_mb cannot be 3; it is a number from 16"), "{err}");
        let err = set(&mut store, "keep_unread_days", "soon").unwrap_err();
        assert!(err.to_string().contains("whole number"), "{err}");
        let err = set(&mut store, "colour", "red").unwrap_err();
        assert!(err.to_string().contains("keep_read_days"), "{err}");
        assert_eq!(CacheSettings::load(&store).unwrap().image_budget_mb, 1024, "a refused value is not stored");
    }

    #[test]
    fn sync_settings_check_each_key_and_name_what_they_accept() {
        let dir = tempfile::TempDir::new().unwrap();
        let mut store = Store::open_in(dir.path()).unwrap();
        assert_eq!(SyncSettings::load(&store).unwrap(), SyncSettings::default());
        assert_eq!(get(&store, "refresh_interval").unwrap(), "30");
        assert_eq!(get(&store, "proxy").unwrap(), "");

        set(&mut store, "proxy", " socks5h://127.0.0.1:9050 ").unwrap();
        set(&mut store, "refresh_interval", "0").unwrap();
        set(&mut store, "concurrency", "3").unwrap();
        set(&mut store, "user_agent", "Mozilla/5.0 (X11; Linux x86_64)").unwrap();
        set(&mut store, "full_text", "off").unwrap();
        set(&mut store, "notifications", "off").unwrap();
        let saved = SyncSettings::load(&store).unwrap();
        assert_eq!(saved.proxy, "socks5h://127.0.0.1:9050");
        assert_eq!(saved.interval_seconds(), None, "0 is only when asked");
        let config = saved.fetch_config();
        assert_eq!(config.proxy, ProxyChoice::Url("socks5h://127.0.0.1:9050".into()));
        assert_eq!(config.user_agent, "Mozilla/5.0 (X11; Linux x86_64)");
        assert_eq!(saved.default_full_text(), FullTextMode::Off);

        let refused = [
            ("refresh_interval", "2", "from 5 to 10080, or 0"),
            ("concurrency", "0", "from 1 to 32"),
            ("concurrency", "many", "whole number"),
            ("proxy", "ftp://127.0.0.1:21", "socks5h://127.0.0.1:9050"),
            ("proxy", "127.0.0.1:9050", "schemes: http, https, socks5, socks5h"),
            ("proxy", "http://proxy.example:8080/path", "socks5h"),
            ("proxy", "direct", "socks5h"),
            ("user_agent", "Offprint\r\nX-Evil: 1", "visible ASCII"),
            ("full_text", "sometimes", "auto, off, always"),
            ("notifications", "yes", "on, off"),
        ];
        for (key, value, says) in refused {
            let err = set(&mut store, key, value).unwrap_err();
            let message = err.to_string();
            assert!(message.starts_with(&format!("{key} cannot be")) && message.contains(says), "{message}");
        }
        assert_eq!(SyncSettings::load(&store).unwrap(), saved, "nothing refused was stored");

        set(&mut store, "proxy", "").unwrap();
        set(&mut store, "user_agent", "").unwrap();
        let config = SyncSettings::load(&store).unwrap().fetch_config();
        assert_eq!((config.proxy, config.user_agent), (ProxyChoice::System, default_user_agent()));
        assert!(keys().contains(&"notifications") && keys().contains(&"theme"));
    }

    #[test]
    fn a_bad_stored_sync_value_reads_as_its_default_alone() {
        let dir = tempfile::TempDir::new().unwrap();
        let mut store = Store::open_in(dir.path()).unwrap();
        store.set_settings(&[("concurrency", "900"), ("proxy", "gopher://x"), ("refresh_interval", "15")]).unwrap();
        let loaded = SyncSettings::load(&store).unwrap();
        assert_eq!((loaded.concurrency, loaded.proxy.as_str(), loaded.refresh_interval), (24, "", 15));
    }

    #[test]
    fn defaults_then_saved_values_then_refuses_bad_ones() {
        let dir = tempfile::TempDir::new().unwrap();
        let mut store = Store::open_in(dir.path()).unwrap();
        let defaults = ReadingSettings::load(&store).unwrap();
        assert_eq!(defaults.theme, "system");
        assert_eq!(defaults.text_size, "medium");

        let dark = ReadingSettings { theme: "dark".into(), font: "sans".into(), ..defaults.clone() };
        dark.save(&mut store).unwrap();
        assert_eq!(ReadingSettings::load(&store).unwrap(), dark);

        let bad = ReadingSettings { text_size: "enormous; color: red".into(), ..dark.clone() };
        let err = bad.save(&mut store).unwrap_err();
        assert_eq!(err.code(), "invalid_argument");
        assert!(err.to_string().starts_with("text_size cannot be"), "{err}");
        assert_eq!(ReadingSettings::load(&store).unwrap(), dark, "nothing of a refused save is stored");
    }
}
