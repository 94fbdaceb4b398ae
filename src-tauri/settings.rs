//! The reader's settings: what each key means, its accepted values and its default. Stored as strings in
//! the cache so the window and the CLI share them.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::store::Store;

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

#[cfg(test)]
mod tests {
    use super::*;

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
