//! Where Offprint keeps its data: `--data-dir`, else `OFFPRINT_DATA_DIR`, else the platform's
//! application-data directory for the app's identifier (the same place the desktop app uses).

use std::path::PathBuf;

use crate::error::{Error, Result};

/// The application identifier, as in `tauri.conf.json`.
pub const APP_IDENTIFIER: &str = "org.offprint.reader";

/// Environment variable that names the data directory.
pub const DATA_DIR_ENV: &str = "OFFPRINT_DATA_DIR";

/// Resolves the data directory from an explicit choice, the environment, or the platform default.
pub fn data_dir(explicit: Option<PathBuf>) -> Result<PathBuf> {
    if let Some(dir) = explicit {
        return Ok(dir);
    }
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    dirs::data_dir()
        .map(|d| d.join(APP_IDENTIFIER))
        .ok_or_else(|| Error::InvalidArgument(format!("no home directory: pass --data-dir or set {DATA_DIR_ENV}")))
}
