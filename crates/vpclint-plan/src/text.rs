//! The text of an input, shared by the model and the reports: a file mapped into memory, or bytes
//! read from a pipe or a program.
//!
//! A plan can be hundreds of megabytes. Reading it with `read(2)` costs the kernel zeroing fresh
//! pages and copying the page cache into them, about as long as parsing it; mapping the file uses
//! the page cache's own pages. The reports point into the same text, so it is never copied.

use std::fmt;
use std::fs::File;
use std::ops::{Deref, Range};

/// Files smaller than this are read: mapping costs more than it saves on small files. A text read
/// is copied into memory the kernel hands over and zeroes first, and with many plans each text
/// stays until the report is written. With 1 MiB here, reading the 68 plans under it, of the 200
/// measured (about 1.2 MB each), took a quarter of `-j 1`'s time (`-j 2`'s was no different).
const MAP_AT_LEAST: u64 = 64 << 10;

/// An input's bytes.
pub enum InputBytes {
    Owned(Vec<u8>),
    /// Mapped read-only. Like any tool that maps its input (ripgrep does), this assumes the file is
    /// not changed while it is read; `terraform show -json > plan.json` finishes before vpclint
    /// starts.
    Mapped(memmap2::Mmap),
}

impl InputBytes {
    /// Maps a regular file of at least 64 KiB (`MAP_AT_LEAST`), or reads it.
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

    /// Whether the reading and the reports hand this text's pages back as they pass: a mapped
    /// file of at least [`RELEASE_EVERY`]. A smaller one keeps them: it is small beside what is
    /// built from it, and each release interrupts the other CPUs running the process to flush their
    /// address translations (many small plans checked side by side); a reading that releases its
    /// text also copies the strings it keeps rather than borrowing them.
    pub(crate) fn releasable(&self) -> bool {
        matches!(self, InputBytes::Mapped(_)) && self.len() >= RELEASE_EVERY
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

/// Input bytes checked once to be UTF-8, used as a `str`, with where its lines start and how many
/// code points precede each block of it (for positions in a one-line plan of hundreds of
/// megabytes).
pub struct SourceText {
    bytes: InputBytes,
    line_starts: Vec<usize>,
    /// Whether a `\r` without a `\n` breaks a line somewhere: `line_starts` then do not count
    /// every line break miette counts.
    lone_carriage_return: bool,
    /// Code points before each [`CHECKPOINT`]-byte block; empty when the text is ASCII, where a
    /// column is a byte count. `terraform show -json` writes the whole plan on one line, so
    /// counting from the start of the line for each position would be quadratic.
    char_checkpoints: Vec<usize>,
}

/// The distance in bytes between two code-point checkpoints.
const CHECKPOINT: usize = 64 * 1024;

/// The code points that start in `bytes`: the bytes that do not continue a UTF-8 sequence. A block
/// boundary may fall inside a character; counting starts keeps every character in one block.
fn code_point_starts(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

/// The parts of `range` in each [`CHECKPOINT`]-byte block it meets, with the block's number.
fn in_blocks(range: Range<usize>) -> impl Iterator<Item = (usize, Range<usize>)> {
    let mut at = range.start;
    std::iter::from_fn(move || {
        (at < range.end).then(|| {
            let block = at / CHECKPOINT;
            let end = ((block + 1) * CHECKPOINT).min(range.end);
            let part = at..end;
            at = end;
            (block, part)
        })
    })
}

/// What a scan of a part of a text found: whether it is UTF-8 and ASCII, its line breaks and the
/// code points in each block. Parts scanned apart (each on the thread that read them, while they
/// are in memory) add up to the whole text's index.
#[derive(Debug)]
pub(crate) struct TextScan {
    range: Range<usize>,
    utf8: bool,
    ascii: bool,
    newlines: Vec<usize>,
    /// A `\r` not followed by `\n`: a line break to miette, not in `newlines`.
    lone_carriage_return: bool,
    /// Code points starting in each block the range meets, by block, when it is not ASCII.
    blocks: Vec<(usize, usize)>,
}

impl TextScan {
    #[cfg(test)]
    pub(crate) fn range(&self) -> Range<usize> {
        self.range.clone()
    }

    /// Scans `text[range]`, whose ends are character boundaries when the text is UTF-8.
    pub(crate) fn new(text: &[u8], range: Range<usize>) -> TextScan {
        let part = &text[range.clone()];
        let ascii = part.is_ascii();
        let utf8 = ascii || std::str::from_utf8(part).is_ok();
        let mut newlines = Vec::new();
        let mut lone_carriage_return = false;
        for i in memchr::memchr2_iter(b'\n', b'\r', part) {
            let at = range.start + i;
            if part[i] == b'\n' {
                newlines.push(at);
            } else if text.get(at + 1) != Some(&b'\n') {
                lone_carriage_return = true;
            }
        }
        let blocks = match ascii {
            true => Vec::new(),
            false => in_blocks(range.clone())
                .map(|(block, part)| (block, code_point_starts(&text[part])))
                .collect(),
        };
        TextScan {
            range,
            utf8,
            ascii,
            newlines,
            lone_carriage_return,
            blocks,
        }
    }
}

/// The part of a text one thread is reading. As the reading passes on (see [`passed`]), when the
/// text is a mapped file, the pages behind it are handed back to the kernel: they are the file's,
/// and come back from the page cache if read again. The plan is resident whole only once, when
/// [`scan_ahead`] has scanned it; from then on, only the parts not read yet and the model built
/// from the others.
pub(crate) struct Cursor<'a> {
    text: &'a [u8],
    /// Its state is on this thread's stack of cursors until it ends.
    open: bool,
}

/// How far the reading passes before the part behind it is released; the size of the parts
/// [`scan_ahead`] scans.
const RELEASE_EVERY: usize = 4 << 20;

thread_local! {
    /// The cursors of the readings on this thread, innermost last. A thread waiting in
    /// `rayon::join` may run another reading inside its own; each leaves when it ends.
    static CURSORS: std::cell::RefCell<Vec<CursorState>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// A cursor's state as the thread keeps it, its text as an address and a length.
struct CursorState {
    base: usize,
    len: usize,
    /// Released up to here.
    done: usize,
    release: bool,
}

impl<'a> Cursor<'a> {
    /// Starts a reading of `text` at `start`; `release` only when `text` is a private read-only
    /// file mapping.
    pub(crate) fn start(text: &'a [u8], start: usize, release: bool) -> Cursor<'a> {
        CURSORS.with_borrow_mut(|cursors| {
            cursors.push(CursorState {
                base: text.as_ptr() as usize,
                len: text.len(),
                done: start,
                release,
            })
        });
        Cursor { text, open: true }
    }

    /// Ends the reading at `end` (where its value ended), releasing the rest of its part.
    pub(crate) fn finish(mut self, end: usize) {
        self.open = false;
        let Some(mut state) = CURSORS.with_borrow_mut(Vec::pop) else {
            return;
        };
        if end > state.done && end <= self.text.len() {
            advance(self.text, &mut state, end);
        }
    }
}

impl Drop for Cursor<'_> {
    fn drop(&mut self) {
        // A reading that failed: its state leaves the stack all the same.
        if self.open {
            CURSORS.with_borrow_mut(Vec::pop);
        }
    }
}

/// Tells the innermost cursor of this thread that its reading has reached `at` (a pointer into
/// its text at a character boundary, such as the start of a string). True when that cursor
/// releases its text: the reading must then not keep borrows into it.
pub(crate) fn passed(at: *const u8) -> bool {
    CURSORS.with_borrow_mut(|cursors| {
        let Some(state) = cursors.last_mut() else {
            return false;
        };
        let offset = (at as usize).wrapping_sub(state.base);
        if offset <= state.len && offset >= state.done.saturating_add(RELEASE_EVERY) {
            // SAFETY: the cursor's text outlives it (`Cursor<'a>`), and its state leaves the
            // stack when the cursor ends.
            let text = unsafe { std::slice::from_raw_parts(state.base as *const u8, state.len) };
            advance(text, state, offset);
        }
        state.release
    })
}

fn advance(text: &[u8], state: &mut CursorState, to: usize) {
    if state.release {
        release_pages(text, state.done, to);
    }
    state.done = to;
}

/// Where the JSON value starting at `at` ends (just past it), checked as strictly as serde_json
/// checks a value it skips; `None` when it is not one. For finding a resource's object again in a
/// plan's text, at the speed the plan was read.
pub fn json_value_end(text: &[u8], at: usize) -> Option<usize> {
    crate::skip::value_end(text, at)
}

/// Where the object holding the `address` string that starts at `value_start` opens and where
/// its `"address"` key starts, when `address` is the object's first member (as Terraform writes
/// it). Reads only the bytes between them.
pub fn address_member_start(text: &[u8], value_start: usize) -> Option<(usize, usize)> {
    if text.get(value_start) != Some(&b'"') {
        return None;
    }
    let skip_back = |mut i: usize| {
        while i > 0 && text[i - 1].is_ascii_whitespace() {
            i -= 1;
        }
        i
    };
    let colon = skip_back(value_start).checked_sub(1)?;
    if text[colon] != b':' {
        return None;
    }
    let key_end = skip_back(colon);
    let key_start = key_end.checked_sub(b"\"address\"".len())?;
    if &text[key_start..key_end] != b"\"address\"" {
        return None;
    }
    let open = skip_back(key_start).checked_sub(1)?;
    (text[open] == b'{').then_some((open, key_start))
}

/// Scans the whole of `text` ahead of reading it, in parts on the thread pool: the text as `str`
/// when it is all UTF-8, and the scans. serde_json reads a `str` without checking the UTF-8 of
/// each string and borrowed value again, which is about a tenth of its time on a plan.
///
/// The pages it brings in stay for the reading, which hands them back behind it ([`Cursor`]).
/// Handed back here, each page was mapped twice: about 6% more time at 50,000 instances, for a
/// peak that is the plan's size plus what has been read of it (at 100,000 instances 226 MB, not
/// 198 MB, for a 217 MB plan; the model's peak, later, is higher).
pub(crate) fn scan_ahead(text: &[u8]) -> (Option<&str>, Vec<TextScan>) {
    use rayon::prelude::*;
    let mut bounds = vec![0];
    let mut at = RELEASE_EVERY;
    while at < text.len() {
        // At a character's first byte, so that the text is UTF-8 when every part is. Not more
        // than three bytes back: a fourth continuation byte in a row is not UTF-8 anyway, and
        // the part it starts then fails the check.
        let mut bound = at;
        while bound > at - 3 && text[bound] & 0xC0 == 0x80 {
            bound -= 1;
        }
        bounds.push(bound);
        at += RELEASE_EVERY;
    }
    bounds.push(text.len());
    let scans: Vec<TextScan> = bounds
        .par_windows(2)
        .map(|part| TextScan::new(text, part[0]..part[1]))
        .collect();
    let utf8 = scans.iter().all(|scan| scan.utf8).then(|| {
        // SAFETY: every part is UTF-8 and starts at a character's first byte (or the text's
        // start), so the whole text is UTF-8.
        unsafe { std::str::from_utf8_unchecked(text) }
    });
    (utf8, scans)
}

/// Hands the whole pages of `text[from..to]` back to the kernel.
#[cfg(unix)]
fn release_pages(text: &[u8], from: usize, to: usize) {
    const PAGE: usize = 4096;
    let base = text.as_ptr() as usize;
    let start = (base + from).next_multiple_of(PAGE);
    let end = (base + to) / PAGE * PAGE;
    if end > start {
        // SAFETY: the range is inside a private, read-only file mapping (the only texts released),
        // whose pages are never written: after MADV_DONTNEED they are read again from the file.
        unsafe { libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_DONTNEED) };
    }
}

#[cfg(not(unix))]
fn release_pages(_text: &[u8], _from: usize, _to: usize) {}

impl SourceText {
    /// The text of `bytes`, with invalid sequences replaced (a copy, only then).
    pub fn new(bytes: InputBytes) -> SourceText {
        let scan = TextScan::new(&bytes, 0..bytes.len());
        SourceText::from_scans(bytes, vec![scan])
    }

    /// The text of `bytes` from scans of its parts. Parts no scan covers are scanned now; scans
    /// that overlap are set aside and the whole text scanned again.
    pub(crate) fn from_scans(bytes: InputBytes, mut scans: Vec<TextScan>) -> SourceText {
        scans.sort_by_key(|scan| scan.range.start);
        if scans.windows(2).any(|w| w[0].range.end > w[1].range.start) {
            scans = vec![TextScan::new(&bytes, 0..bytes.len())];
        }
        let mut gaps = Vec::new();
        let mut at = 0;
        for scan in &scans {
            if scan.range.start > at {
                gaps.push(TextScan::new(&bytes, at..scan.range.start));
            }
            at = scan.range.end;
        }
        if at < bytes.len() {
            gaps.push(TextScan::new(&bytes, at..bytes.len()));
        }
        if !gaps.is_empty() {
            scans.append(&mut gaps);
            scans.sort_by_key(|scan| scan.range.start);
        }
        if !scans.iter().all(|scan| scan.utf8) {
            return SourceText::from(String::from_utf8_lossy(&bytes).into_owned());
        }
        let mut line_starts = vec![0];
        for scan in &scans {
            line_starts.extend(scan.newlines.iter().map(|i| i + 1));
        }
        let mut char_checkpoints = Vec::new();
        if !scans.iter().all(|scan| scan.ascii) {
            let mut per_block = vec![0usize; bytes.len().div_ceil(CHECKPOINT)];
            for scan in &scans {
                if scan.ascii {
                    for (block, part) in in_blocks(scan.range.clone()) {
                        per_block[block] += part.len();
                    }
                } else {
                    for &(block, count) in &scan.blocks {
                        per_block[block] += count;
                    }
                }
            }
            let mut before = 0;
            char_checkpoints = per_block
                .into_iter()
                .map(|count| {
                    let at = before;
                    before += count;
                    at
                })
                .collect();
        }
        SourceText {
            bytes,
            line_starts,
            lone_carriage_return: scans.iter().any(|scan| scan.lone_carriage_return),
            char_checkpoints,
        }
    }

    /// Where each line starts (the first is 0).
    pub fn line_starts(&self) -> &[usize] {
        &self.line_starts
    }

    /// The 0-based line and the column in bytes of `offset`, counting line breaks the way miette
    /// does (`\n`, `\r\n` and a lone `\r`); `None` when the text has a lone `\r`, which the index
    /// does not record.
    pub fn line_and_byte_column(&self, offset: usize) -> Option<(usize, usize)> {
        if self.lone_carriage_return || offset > self.len() {
            return None;
        }
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        Some((line, offset - self.line_starts[line]))
    }

    /// Whether every character is ASCII: then every offset is a character boundary, and a column
    /// a byte count, without reading the text (which may have been handed back to the kernel).
    pub fn is_ascii(&self) -> bool {
        self.char_checkpoints.is_empty()
    }

    /// Code points before byte `offset` (a character boundary), from the nearest checkpoint.
    pub fn chars_before(&self, offset: usize) -> usize {
        if self.is_ascii() {
            return offset;
        }
        let block = offset / CHECKPOINT;
        let from = block * CHECKPOINT;
        self.char_checkpoints[block] + code_point_starts(&self.bytes[from..offset])
    }

    /// Hands the pages of a mapped text back to the kernel; the text stays readable, its pages
    /// coming back from the page cache when read again. For a reader that reads scattered parts
    /// of a large text (the report, one object per finding) and does not want them all resident.
    /// A small text keeps its pages (see `InputBytes::releasable`).
    pub fn release_pages(&self) {
        if self.bytes.releasable() {
            release_pages(&self.bytes, 0, self.bytes.len());
        }
    }
}

impl Deref for SourceText {
    type Target = str;

    fn deref(&self) -> &str {
        // SAFETY: checked in `new` (or a `String`); the bytes are never changed afterwards.
        unsafe { std::str::from_utf8_unchecked(&self.bytes) }
    }
}

impl From<String> for SourceText {
    fn from(text: String) -> SourceText {
        SourceText::new(InputBytes::Owned(text.into_bytes()))
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
        let dir = crate::scratch_dir("text");
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

    /// Parts scanned apart, in any order, with gaps and without, index the text as one scan does.
    #[test]
    fn scans_of_parts_add_up_to_the_whole() {
        let text: String = (0..5 * CHECKPOINT / 9)
            .map(|i| match i % 7 {
                0 => "é€",
                3 => "\n",
                _ => "ab,",
            })
            .collect();
        let bytes = text.as_bytes();
        let whole = SourceText::from(text.clone());
        let cuts: Vec<usize> = (1..6)
            .map(|k| {
                let mut at = k * bytes.len() / 6;
                while bytes[at] != b',' {
                    at += 1;
                }
                at
            })
            .collect();
        let mut ranges: Vec<Range<usize>> = Vec::new();
        let mut at = 0;
        for &cut in &cuts {
            ranges.push(at..cut);
            at = cut;
        }
        ranges.push(at..bytes.len());
        for skip in [None, Some(0), Some(2), Some(5)] {
            let scans = ranges
                .iter()
                .enumerate()
                .rev()
                .filter(|(i, _)| Some(*i) != skip)
                .map(|(_, r)| TextScan::new(bytes, r.clone()))
                .collect();
            let parts = SourceText::from_scans(InputBytes::Owned(bytes.to_vec()), scans);
            assert_eq!(parts.line_starts(), whole.line_starts(), "{skip:?}");
            assert_eq!(parts.char_checkpoints, whole.char_checkpoints, "{skip:?}");
            assert!(!whole.char_checkpoints.is_empty());
            for offset in (0..bytes.len())
                .step_by(997)
                .filter(|&o| text.is_char_boundary(o))
            {
                assert_eq!(parts.chars_before(offset), text[..offset].chars().count());
            }
        }
        let ascii = SourceText::from("{\"a\":\n1}".to_string());
        assert_eq!(ascii.line_starts(), &[0, 6]);
        assert!(ascii.char_checkpoints.is_empty());
    }

    /// The scan ahead splits the text at characters' first bytes: a text is `str` exactly when
    /// it is UTF-8, whatever characters straddle the parts' nominal ends, and its scans cover it
    /// once, in order.
    #[test]
    fn the_scan_ahead_finds_utf8_across_its_parts() {
        let straddling = |at: usize, character: &[u8]| {
            let mut text = vec![b'x'; 2 * RELEASE_EVERY + 100];
            text[at..at + character.len()].copy_from_slice(character);
            text
        };
        for character in ["é", "€", "🦀"] {
            for back in 0..character.len() {
                let text = straddling(RELEASE_EVERY - back, character.as_bytes());
                let (utf8, scans) = scan_ahead(&text);
                assert_eq!(utf8.map(str::len), Some(text.len()), "{character} {back}");
                assert_eq!(scans.first().map(|scan| scan.range.start), Some(0));
                assert_eq!(scans.last().map(|scan| scan.range.end), Some(text.len()));
                assert!(scans.windows(2).all(|w| w[0].range.end == w[1].range.start));
            }
        }
        for bad in [
            &b"\xff"[..],
            b"\x80\x80\x80\x80",
            b"\xe2\x82",
            b"\xf0\x9f\xa6",
        ] {
            for back in 0..4 {
                let text = straddling(RELEASE_EVERY - back, bad);
                assert!(scan_ahead(&text).0.is_none(), "{bad:?} {back}");
            }
        }
    }

    #[test]
    fn invalid_utf8_is_replaced() {
        let text = SourceText::new(InputBytes::Owned(b"{\"a\": \"\xff\"}".to_vec()));
        assert_eq!(&*text, "{\"a\": \"\u{fffd}\"}");
    }
}
