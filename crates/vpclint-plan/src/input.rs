//! Reading input bytes: a JSON file, standard input, or a binary plan file through
//! `terraform show -json` (or `tofu`).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::{PlanError, PlanErrorKind};

/// Inputs larger than this are refused rather than read into memory (see `VPCLINT_MAX_INPUT_BYTES`).
pub const DEFAULT_MAX_INPUT_BYTES: u64 = 1 << 30;

/// Where a plan comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Stdin,
    File(PathBuf),
}

impl Source {
    pub fn from_arg(arg: &str) -> Source {
        if arg == "-" {
            Source::Stdin
        } else {
            Source::File(PathBuf::from(arg))
        }
    }

    /// Asks the kernel to start reading this file into the page cache, so that reading it later
    /// finds it there: with many plans, the next plan comes from the disk while this one is
    /// checked. Without it, 200 plans of 1.2 MB not in the page cache took twice as long as when
    /// they were in it (about 1 s against 0.5 s on one thread), the disk and the checking taking
    /// turns; with it, on two threads, 0.41 s rather than 0.67 s (0.35 s in the page cache). Only
    /// a hint, for a regular file: whatever goes wrong is the reading's to report.
    pub fn prefetch(&self) {
        #[cfg(target_os = "linux")]
        if let Source::File(path) = self {
            use std::os::fd::AsRawFd;
            use std::os::unix::fs::OpenOptionsExt;
            if !std::fs::metadata(path).is_ok_and(|meta| meta.is_file()) {
                return;
            }
            // Not blocking: the path may have become a named pipe since.
            let opened = std::fs::OpenOptions::new()
                .read(true)
                .custom_flags(libc::O_NONBLOCK)
                .open(path);
            if let Ok(file) = opened {
                // SAFETY: the descriptor is open for the call; the advice reads nothing into
                // this process.
                unsafe { libc::posix_fadvise(file.as_raw_fd(), 0, 0, libc::POSIX_FADV_WILLNEED) };
            }
        }
    }

    /// The name used in reports and errors.
    pub fn display_name(&self) -> String {
        match self {
            Source::Stdin => "<stdin>".to_string(),
            Source::File(p) => p.display().to_string(),
        }
    }
}

/// The JSON text of one input.
#[derive(Debug)]
pub struct Input {
    pub name: String,
    pub bytes: crate::text::InputBytes,
    /// Set when the JSON came from `terraform show -json` on a binary plan.
    pub converted_from_binary: bool,
}

/// Options for reading binary plans.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// The program that turns a binary plan into JSON; `terraform`, then `tofu`, from PATH by default.
    pub terraform_bin: Option<PathBuf>,
}

fn max_input_bytes() -> u64 {
    std::env::var("VPCLINT_MAX_INPUT_BYTES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_MAX_INPUT_BYTES)
}

/// Reads one input.
pub fn read_source(source: &Source, options: &ReadOptions) -> Result<Input, PlanError> {
    let name = source.display_name();
    let limit = max_input_bytes();
    let bytes = match source {
        Source::Stdin => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .take(limit + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| PlanError::new(&name, PlanErrorKind::Io(e)))?;
            if bytes.len() as u64 > limit {
                // Count the rest without keeping it, so the error gives the real size and the
                // program writing to the pipe is not killed by SIGPIPE.
                drop(bytes);
                let rest =
                    std::io::copy(&mut std::io::stdin().lock(), &mut std::io::sink()).unwrap_or(0);
                return Err(PlanError::new(
                    &name,
                    PlanErrorKind::TooLarge {
                        size: limit + 1 + rest,
                        limit,
                    },
                ));
            }
            bytes.into()
        }
        Source::File(path) => {
            let meta =
                std::fs::metadata(path).map_err(|e| PlanError::new(&name, PlanErrorKind::Io(e)))?;
            if meta.is_dir() {
                return Err(PlanError::not_a_plan(&name, "is a directory"));
            }
            if meta.len() > limit {
                return Err(PlanError::new(
                    &name,
                    PlanErrorKind::TooLarge {
                        size: meta.len(),
                        limit,
                    },
                ));
            }
            std::fs::File::open(path)
                .and_then(|file| crate::text::InputBytes::from_file(file, meta.len()))
                .map_err(|e| PlanError::new(&name, PlanErrorKind::Io(e)))?
        }
    };
    if bytes.starts_with(b"PK\x03\x04") {
        let Source::File(path) = source else {
            return Err(PlanError::new(
                &name,
                PlanErrorKind::BinaryPlan(
                    "binary plan on standard input: pass the plan file's path instead".into(),
                ),
            ));
        };
        if !zip_has_entry(&bytes, "tfplan") {
            return Err(PlanError::not_a_plan(
                &name,
                "a zip archive without a `tfplan` entry",
            ));
        }
        let json = show_binary_plan(&name, path, options)?;
        return Ok(Input {
            name,
            bytes: json.into(),
            converted_from_binary: true,
        });
    }
    Ok(Input {
        name,
        bytes,
        converted_from_binary: false,
    })
}

/// Runs `terraform show -json FILE` and returns its standard output.
fn show_binary_plan(name: &str, path: &Path, options: &ReadOptions) -> Result<Vec<u8>, PlanError> {
    let program = match &options.terraform_bin {
        Some(p) => p.clone(),
        None => find_on_path(&["terraform", "tofu"]).ok_or_else(|| {
            PlanError::new(
                name,
                PlanErrorKind::BinaryPlan(
                    "is a binary plan file and neither `terraform` nor `tofu` is on PATH; run `terraform show -json tfplan > plan.json` and pass plan.json".into(),
                ),
            )
        })?,
    };
    let output = Command::new(&program)
        .arg("show")
        .arg("-json")
        .arg(path)
        .output()
        .map_err(|e| {
            PlanError::new(
                name,
                PlanErrorKind::BinaryPlan(format!(
                    "cannot run `{} show -json`: {e}",
                    program.display()
                )),
            )
        })?;
    if !output.status.success() {
        // The first line of terraform's own error is the useful part; it does not contain values.
        let stderr = String::from_utf8_lossy(&output.stderr);
        let first = stderr
            .lines()
            .map(|l| l.trim_matches(|c: char| c == '│' || c == '╷' || c.is_whitespace()))
            .find(|l| !l.is_empty())
            .unwrap_or("no message");
        return Err(PlanError::new(
            name,
            PlanErrorKind::BinaryPlan(format!(
                "`{} show -json` failed ({}): {first}",
                program.display(),
                output.status
            )),
        ));
    }
    Ok(output.stdout)
}

fn find_on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    for name in names {
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

/// Whether a zip archive lists an entry with this name, read from its central directory.
fn zip_has_entry(bytes: &[u8], wanted: &str) -> bool {
    const EOCD: &[u8] = b"PK\x05\x06";
    const CENTRAL: &[u8] = b"PK\x01\x02";
    let search_from = bytes.len().saturating_sub(65_557);
    let Some(eocd) = bytes[search_from..]
        .windows(4)
        .rposition(|w| w == EOCD)
        .map(|p| p + search_from)
    else {
        return false;
    };
    let u16_at = |at: usize| -> Option<usize> {
        bytes
            .get(at..at + 2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]) as usize)
    };
    let u32_at = |at: usize| -> Option<usize> {
        bytes
            .get(at..at + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
    };
    let (Some(count), Some(mut at)) = (u16_at(eocd + 10), u32_at(eocd + 16)) else {
        return false;
    };
    for _ in 0..count {
        if bytes.get(at..at + 4) != Some(CENTRAL) {
            return false;
        }
        let (Some(name_len), Some(extra_len), Some(comment_len)) =
            (u16_at(at + 28), u16_at(at + 30), u16_at(at + 32))
        else {
            return false;
        };
        if bytes.get(at + 46..at + 46 + name_len) == Some(wanted.as_bytes()) {
            return true;
        }
        at += 46 + name_len + extra_len + comment_len;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A prefetch is only a hint: it neither fails nor blocks, whatever the path is (a file, a
    /// directory, nothing, a named pipe no one writes to), and the file reads as before.
    #[test]
    fn prefetch_is_only_a_hint() {
        let dir = crate::scratch_dir("prefetch");
        let file = dir.join("plan.json");
        std::fs::write(&file, "{}").unwrap();
        let mut sources = vec![
            Source::File(file.clone()),
            Source::File(dir.clone()),
            Source::File(dir.join("missing.json")),
            Source::Stdin,
        ];
        #[cfg(unix)]
        {
            let pipe = dir.join("pipe");
            let path = std::ffi::CString::new(pipe.as_os_str().as_encoded_bytes()).unwrap();
            // SAFETY: `path` is a NUL-terminated path.
            assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o600) }, 0);
            sources.push(Source::File(pipe));
        }
        for source in &sources {
            source.prefetch();
        }
        let input = read_source(&Source::File(file), &ReadOptions::default()).unwrap();
        assert_eq!(&*input.bytes, b"{}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
