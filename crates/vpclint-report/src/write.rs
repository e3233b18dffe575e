//! Writing report files so that an interrupted run never leaves a truncated one.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Writes `bytes` to a temporary file beside `path`, syncs it, then renames it over `path`.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomically_with(path, |file| file.write_all(bytes))
}

/// [`write_atomically`] with what `write` writes to the file, through a 64 KiB buffer: a report
/// is written as it is rendered, never held whole.
pub fn write_atomically_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file path"))?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".{}.tmp", std::process::id()));
    let tmp = dir.join(tmp_name);
    let result = (|| {
        let mut file = io::BufWriter::with_capacity(1 << 16, fs::File::create(&tmp)?);
        write(&mut file)?;
        let file = file.into_inner().map_err(io::IntoInnerError::into_error)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A directory of this process's own, named after `prefix`, holding `name` with "old" in it.
    fn old_report(prefix: &str, name: &str) -> (PathBuf, PathBuf) {
        let dir = std::env::temp_dir().join(format!("{prefix}-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        fs::write(&path, "old").unwrap();
        (dir, path)
    }

    /// `dir` holds one file: no temporary is left beside the report.
    fn assert_only_file(dir: &Path) {
        let names: Vec<_> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }

    #[test]
    fn replaces_the_file_and_leaves_no_temporary() {
        let (dir, path) = old_report("vpclint-write", "out.sarif");
        write_atomically(&path, b"new").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        assert_only_file(&dir);
        let missing = dir.join("no-such-dir").join("x.json");
        assert!(write_atomically(&missing, b"x").is_err());
        fs::remove_dir_all(&dir).unwrap();
    }

    /// A report that fails while it is written (a full disk) leaves the file it would replace
    /// as it was, and no temporary beside it; one written in pieces arrives whole.
    #[test]
    fn a_failed_write_leaves_the_old_file() {
        let (dir, path) = old_report("vpclint-write-with", "out.json");
        let failed = write_atomically_with(&path, |file| {
            file.write_all(&[b'x'; 100_000])?;
            Err(io::Error::other("disk full"))
        });
        assert_eq!(failed.unwrap_err().to_string(), "disk full");
        assert_eq!(fs::read_to_string(&path).unwrap(), "old");
        assert_only_file(&dir);
        write_atomically_with(&path, |file| {
            (0..100_000).try_for_each(|i| write!(file, "{}", i % 10))
        })
        .unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap().len(), 100_000);
        fs::remove_dir_all(&dir).unwrap();
    }
}
