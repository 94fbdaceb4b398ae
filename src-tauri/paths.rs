//! Where Offprint keeps its data: `--data-dir`, else `OFFPRINT_DATA_DIR`, else the platform's
//! application-data directory for the app's identifier (the same place the desktop app uses).

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The application identifier, as in `tauri.conf.json`.
pub const APP_IDENTIFIER: &str = "org.offprint.reader";

/// Environment variable that names the data directory.
pub const DATA_DIR_ENV: &str = "OFFPRINT_DATA_DIR";

/// Writes a whole file or nothing: to a temporary name beside it, then renamed over it, so a full disk
/// or a crash never leaves half a file where an older one was.
pub fn write_whole(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    // A device or a pipe (`/dev/stdout`, `/dev/null`, a FIFO) is written as it is: renaming a file over it
    // would replace the device itself, which root may do.
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        return std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .and_then(|mut device| device.write_all(bytes).and_then(|()| device.flush()))
            .map_err(|e| Error::io(format!("cannot write {}", path.display()), e));
    }
    let name =
        path.file_name().ok_or_else(|| Error::InvalidArgument(format!("not a file name: {}", path.display())))?;
    let mut partial = name.to_owned();
    partial.push(".partial");
    let temporary = path.with_file_name(partial);
    let written = std::fs::File::create(&temporary)
        .and_then(|mut file| file.write_all(bytes).and_then(|()| file.sync_all()))
        .and_then(|()| std::fs::rename(&temporary, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written.map_err(|e| Error::io(format!("cannot write {}", path.display()), e))
}

/// Where the window saves what the reader exports: the Downloads folder, else the home folder, under
/// `name` or, when that is taken, `stem (2).ext`, `stem (3).ext`...
pub fn export_path(name: &str) -> Result<PathBuf> {
    let dir = dirs::download_dir()
        .filter(|d| d.is_dir())
        .or_else(dirs::home_dir)
        .ok_or_else(|| Error::InvalidArgument("no Downloads or home folder to save to".into()))?;
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
    (1..1000)
        .map(|n| if n == 1 { dir.join(name) } else { dir.join(format!("{stem} ({n}).{ext}")) })
        .find(|p| !p.exists())
        .ok_or_else(|| Error::InvalidArgument(format!("too many files named {name} in {}", dir.display())))
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_whole_file_replaces_the_old_one_and_leaves_no_partial_file() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("bookmarks.html");
        write_whole(&path, b"old").unwrap();
        write_whole(&path, b"new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["bookmarks.html"]);
        let err = write_whole(&dir.path().join("missing/x.html"), b"x").unwrap_err();
        assert!(err.to_string().starts_with("cannot write"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn a_device_is_written_in_place_never_replaced_by_a_file() {
        write_whole(Path::new("/dev/null"), b"gone").unwrap();
        assert!(!std::fs::metadata("/dev/null").unwrap().is_file(), "/dev/null is still a device");
        assert!(!Path::new("/dev/null.partial").exists());
        if Path::new("/dev/full").exists() {
            let err = write_whole(Path::new("/dev/full"), &[0; 4096]).unwrap_err();
            assert_eq!(err.code(), "disk_full", "{err}");
            assert!(err.to_string().starts_with("the disk is full: cannot write /dev/full"), "{err}");
            assert!(!std::fs::metadata("/dev/full").unwrap().is_file(), "/dev/full is still a device");
        }
    }
}
