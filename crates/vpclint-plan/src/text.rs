//! The text of an input, shared by the model and the reports: a file mapped into memory, or bytes
//! read from a pipe or a program.
//!
//! A plan can be hundreds of megabytes. Reading it with `read(2)` costs the kernel zeroing fresh
//! pages and copying the page cache into them, about as long as parsing it; mapping the file uses
//! the page cache's own pages. The reports point into the same text, so it is never copied.

use std::fmt;
use std::fs::File;
use std::ops::Deref;

/// Files smaller than this are read: mapping costs more than it saves on small files.
const MAP_AT_LEAST: u64 = 1 << 20;

/// An input's bytes.
pub enum InputBytes {
    Owned(Vec<u8>),
    /// Mapped read-only. Like any tool that maps its input (ripgrep does), this assumes the file is
    /// not changed while it is read; `terraform show -json > plan.json` finishes before vpclint
    /// starts.
    Mapped(memmap2::Mmap),
}

impl InputBytes {
    /// Maps a regular file of at least [`MAP_AT_LEAST`] bytes, or reads it.
    pub fn from_file(mut file: File, len: u64) -> std::io::Result<InputBytes> {
        if len >= MAP_AT_LEAST {
            // SAFETY: the map is read-only and private to this process; see `Mapped` for the
            // file being changed underneath.
            if let Ok(map) = unsafe { memmap2::Mmap::map(&file) } {
                #[cfg(unix)]
                let _ = map.advise(memmap2::Advice::Sequential);
                return Ok(InputBytes::Mapped(map));
            }
        }
        let mut bytes = Vec::with_capacity(len as usize);
        std::io::Read::read_to_end(&mut file, &mut bytes)?;
        Ok(InputBytes::Owned(bytes))
    }
}

impl Deref for InputBytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            InputBytes::Owned(v) => v,
            InputBytes::Mapped(m) => m,
        }
    }
}

impl From<Vec<u8>> for InputBytes {
    fn from(bytes: Vec<u8>) -> InputBytes {
        InputBytes::Owned(bytes)
    }
}

impl fmt::Debug for InputBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self {
            InputBytes::Owned(_) => "owned",
            InputBytes::Mapped(_) => "mapped",
        };
        write!(f, "InputBytes({kind}, {} bytes)", self.len())
    }
}

/// Input bytes checked once to be UTF-8, used as a `str`.
pub struct SourceText(InputBytes);

impl SourceText {
    /// The text of `bytes`, with invalid sequences replaced (a copy, only then).
    pub fn new(bytes: InputBytes) -> SourceText {
        match std::str::from_utf8(&bytes) {
            Ok(_) => SourceText(bytes),
            Err(_) => SourceText::from(String::from_utf8_lossy(&bytes).into_owned()),
        }
    }
}

impl Deref for SourceText {
    type Target = str;

    fn deref(&self) -> &str {
        // SAFETY: checked in `new` (or a `String`); the bytes are never changed afterwards.
        unsafe { std::str::from_utf8_unchecked(&self.0) }
    }
}

impl From<String> for SourceText {
    fn from(text: String) -> SourceText {
        SourceText(InputBytes::Owned(text.into_bytes()))
    }
}

impl Default for SourceText {
    fn default() -> SourceText {
        SourceText::from(String::new())
    }
}

impl fmt::Debug for SourceText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SourceText({} bytes)", self.len())
    }
}

impl miette::SourceCode for SourceText {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let text: &'a str = self;
        text.read_span(span, context_lines_before, context_lines_after)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_files_are_mapped_and_small_ones_read() {
        let dir = std::env::temp_dir().join(format!("vpclint-text-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for (len, mapped) in [(10u64, false), (MAP_AT_LEAST, true)] {
            let path = dir.join(format!("{len}.json"));
            std::fs::write(&path, "é".repeat(len as usize / 2)).unwrap();
            let bytes = InputBytes::from_file(File::open(&path).unwrap(), len).unwrap();
            assert_eq!(matches!(bytes, InputBytes::Mapped(_)), mapped, "{len}");
            let text = SourceText::new(bytes);
            assert_eq!(text.len(), len as usize);
            assert!(text.starts_with('é'));
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn invalid_utf8_is_replaced() {
        let text = SourceText::new(InputBytes::Owned(b"{\"a\": \"\xff\"}".to_vec()));
        assert_eq!(&*text, "{\"a\": \"\u{fffd}\"}");
    }
}
