//! The reader's settings: what each key means, its accepted values and its default. Stored as strings in
//! the cache so the window and the CLI share them.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::store::{Retention, Store};

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

/// Every setting's key, for `offprint-cli settings`.
pub fn keys() -> Vec<&'static str> {
    READING.iter().map(|(key, _)| *key).chain(CACHE.iter().map(|(key, ..)| *key)).collect()
}

/// One setting's value as text.
pub fn get(store: &Store, key: &str) -> Result<String> {
    let reading = serde_json::to_value(ReadingSettings::load(store)?).map_err(|e| Error::Internal(e.to_string()))?;
    let cache = serde_json::to_value(CacheSettings::load(store)?).map_err(|e| Error::Internal(e.to_string()))?;
    let value = reading.get(key).or_else(|| cache.get(key)).ok_or_else(|| unknown_key(key))?;
    Ok(value.as_str().map(str::to_owned).unwrap_or_else(|| value.to_string()))
}

/// Sets one setting from text, checked like the window's settings.
pub fn set(store: &mut Store, key: &str, value: &str) -> Result<()> {
    let mut reading =
        serde_json::to_value(ReadingSettings::load(store)?).map_err(|e| Error::Internal(e.to_string()))?;
    if let Some(slot) = reading.get_mut(key) {
        *slot = value.into();
        let settings: ReadingSettings = serde_json::from_value(reading).map_err(|e| Error::Internal(e.to_string()))?;
        return settings.save(store);
    }
    let mut cache = serde_json::to_value(CacheSettings::load(store)?).map_err(|e| Error::Internal(e.to_string()))?;
    let slot = cache.get_mut(key).ok_or_else(|| unknown_key(key))?;
    let number: i64 = value
        .trim()
        .parse()
        .map_err(|_| Error::InvalidArgument(format!("{key} cannot be {value:?}; it is a whole number")))?;
    *slot = number.into();
    let settings: CacheSettings = serde_json::from_value(cache).map_err(|e| Error::Internal(e.to_string()))?;
    settings.save(store)
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
