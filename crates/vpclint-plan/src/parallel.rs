//! Reading a large plan on two threads, each byte read once.
//!
//! A plan is one object whose large members are `planned_values`, `resource_changes`,
//! `prior_state` and `configuration`. Their places are found by searching the text for their keys
//! (`,"resource_changes":[`), which costs a fraction of reading it; each is then read on its own,
//! beside the others. A key's text can also occur inside a value (an output, a map attribute), so a
//! place found that way is only a guess: afterwards the object's members are walked from the first
//! byte, and a member is taken from a guess only when it starts exactly where the guess was read
//! from. A member no guess covers is read by the walk itself. Between them, every byte of the
//! document is read by serde_json or by the walk, which checks the punctuation; anything the walk
//! does not expect makes the caller read the text again in one pass, whose error is the one to
//! report.
//!
//! `resource_changes`, about half of a plan and most of the work, is read in parts from guessed
//! entry starts, by both threads ([`Entries`]), with the same rule: a part is taken only where it
//! starts exactly where the reading of the parts before it ended.

use std::collections::BTreeMap;

use memchr::memmem;
use serde::de::IgnoredAny;
use serde::Deserialize;

use crate::raw::{RawConfig, RawDocument, RawState, RawValues, RawVariable};
use crate::skip::{is_whitespace, object_members, skip_whitespace, string_end};
use crate::text::{Cursor, TextScan};

/// The text being read, and the same as `str` when it is all UTF-8 (see
/// [`crate::text::scan_ahead`]): serde_json then reads it without checking its UTF-8 again, and
/// the readers of [`crate::direct`] read it.
#[derive(Clone, Copy)]
pub(crate) struct Text<'a> {
    bytes: &'a [u8],
    utf8: Option<&'a str>,
}

/// How a value of a type is read at its place in the text: by the type's direct reader
/// ([`crate::direct`]) when it has one and the text is UTF-8, and through serde when it has none or
/// it declines, so that serde's result or error stands for whatever the direct reader does not
/// read.
pub(crate) trait ReadAt<'a>: Deserialize<'a> {
    /// The direct reading; `None` declines.
    fn direct(_text: &'a str, _start: usize) -> Option<(Self, usize)> {
        None
    }

    /// The value starting at `start` and where it ends, or `None` when it does not read.
    fn read_at(text: Text<'a>, start: usize) -> Option<(Self, usize)> {
        if let Some(read) = text.utf8.and_then(|utf8| Self::direct(utf8, start)) {
            return Some(read);
        }
        value_at(text, start).ok()
    }
}

impl<'a> ReadAt<'a> for RawValues<'a> {
    fn direct(text: &'a str, start: usize) -> Option<(Self, usize)> {
        crate::direct::values(text, start)
    }
}

impl<'a> ReadAt<'a> for RawState<'a> {
    fn direct(text: &'a str, start: usize) -> Option<(Self, usize)> {
        crate::direct::state(text, start)
    }
}

impl ReadAt<'_> for RawConfig {
    fn direct(text: &str, start: usize) -> Option<(Self, usize)> {
        crate::direct::config(text, start)
    }
}

/// The entries of `resource_changes` in the parts they were read in, in document order. Joined
/// into one list, a large plan's entries would be copied once more (about 10 MB at 50,000
/// instances) into memory the kernel has to hand over and zero first.
pub(crate) struct Chunks<E>(pub Vec<Vec<E>>);

/// `resource_changes` whole, in one part: read only when the parts were not ([`Entries`]).
impl<'de, E: Deserialize<'de>> Deserialize<'de> for Chunks<E> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::deserialize(deserializer).map(|entries| Chunks(vec![entries]))
    }
}

impl<'a, E: ReadAt<'a>> ReadAt<'a> for Chunks<E> {}

impl ReadAt<'_> for IgnoredAny {
    fn direct(text: &str, start: usize) -> Option<(Self, usize)> {
        crate::skip::value_end(text.as_bytes(), start).map(|end| (IgnoredAny, end))
    }
}

/// A member's value read at a guessed place: where it started, and its value and end or `None`
/// when it did not read (a wrong guess, or a malformed document).
pub(crate) struct Guess<T> {
    start: usize,
    read: Option<(T, usize)>,
}

impl<T> Guess<T> {
    /// Reads a `T` at `start`, when there is a guess, under a [`Cursor`].
    fn read<'a>(text: Text<'a>, start: Option<usize>, release: bool) -> Guess<T>
    where
        T: ReadAt<'a>,
    {
        let Some(start) = start else {
            return Guess {
                start: usize::MAX,
                read: None,
            };
        };
        let cursor = Cursor::start(text.bytes, start, release);
        let read = T::read_at(text, start);
        if let Some((_, end)) = &read {
            cursor.finish(*end);
        }
        Guess { start, read }
    }
}

/// The document's members, read apart. `E` is how a `resource_changes` entry is read.
pub(crate) struct Members<'a, E> {
    pub document: RawDocument<'a, IgnoredAny>,
    pub changes: Option<Chunks<E>>,
    /// What the scan of the text ahead of the reading found (see
    /// [`crate::text::SourceText::from_scans`]).
    pub scans: Vec<TextScan>,
}

/// Reads the document at `bytes` with its large members on two threads; `release` when `bytes` is
/// a mapped file whose pages may be handed back once read. `None` when the text is not a
/// well-formed object as the walk expects it: read it in one pass.
pub(crate) fn read_members<'a, E: ReadAt<'a> + Send>(
    bytes: &'a [u8],
    release: bool,
) -> Option<Members<'a, E>> {
    let (utf8, scans) = crate::text::scan_ahead(bytes);
    let text = Text { bytes, utf8 };
    let entries = std::sync::OnceLock::<Entries<'a, E>>::new();
    let ((), (planned, prior, configuration)) = rayon::join(
        || {
            if let Some(start) = find_member(bytes, b"resource_changes", b'[', 0, bytes.len()) {
                entries
                    .get_or_init(|| Entries::new(text, start, release))
                    .read_parts();
            }
        },
        || {
            // Terraform writes planned_values, resource_changes, prior_state, configuration in
            // that order: the first is near the start and the last two near the end.
            let start = find_member(bytes, b"planned_values", b'{', 0, bytes.len());
            let planned = Guess::<RawValues<'a>>::read(text, start, release);
            let after_planned = planned.read.as_ref().map_or(0, |(_, end)| *end);
            let start = rfind_member(bytes, b"configuration", b'{', after_planned, bytes.len());
            let configuration = Guess::<RawConfig>::read(text, start, release);
            let before = start.unwrap_or(bytes.len());
            let start = rfind_member(bytes, b"prior_state", b'{', after_planned, before);
            let prior = Guess::<RawState<'a>>::read(text, start, release);
            // Then help with the entries of `resource_changes`, which come before prior_state.
            if let Some(entries) = entries.get() {
                entries.limit(start.unwrap_or(before));
                entries.read_parts();
            }
            (planned, prior, configuration)
        },
    );
    // Once both threads are done with the parts.
    let guessed_changes = match entries.get() {
        Some(entries) => entries.gather(),
        None => Guess::read(text, None, release),
    };

    let mut document = RawDocument::<'a, IgnoredAny> {
        format_version: None,
        terraform_version: None,
        variables: None,
        planned_values: None,
        prior_state: None,
        values: None,
        resource_changes: None,
        configuration: None,
    };
    let mut changes_read: Option<Chunks<E>> = None;
    let mut seen = Seen::default();
    let (mut planned, mut prior, mut configuration, mut guessed_changes) = (
        Some(planned),
        Some(prior),
        Some(configuration),
        Some(guessed_changes),
    );
    walk_object(bytes, |key, start| {
        // A known member twice is an error the one-pass reading reports.
        if !seen.first(key) {
            return None;
        }
        Some(match key {
            "format_version" => set(&mut document.format_version, value_at(text, start))?,
            "terraform_version" => set(&mut document.terraform_version, value_at(text, start))?,
            "variables" => set::<BTreeMap<String, RawVariable>>(
                &mut document.variables,
                value_at(text, start),
            )?,
            "values" => set(&mut document.values, value_at(text, start))?,
            "planned_values" => take(text, start, planned.take()?, &mut document.planned_values)?,
            "prior_state" => take(text, start, prior.take()?, &mut document.prior_state)?,
            "configuration" => take(
                text,
                start,
                configuration.take()?,
                &mut document.configuration,
            )?,
            "resource_changes" => take(text, start, guessed_changes.take()?, &mut changes_read)?,
            _ => IgnoredAny::read_at(text, start)?.1,
        })
    })?;
    // The entries are kept apart from the document, which only says the member was there.
    document.resource_changes = changes_read.as_ref().map(|_| IgnoredAny);
    Some(Members {
        document,
        changes: changes_read,
        scans,
    })
}

/// `resource_changes` is read in parts of about this many bytes, taken in turn by whichever thread
/// is free: its entries are most of the work of reading a plan, the other members are read beside
/// them, and the thread that finishes those takes the remaining parts. Tests read in small parts,
/// so that every fixture is read in many.
const PART: usize = if cfg!(test) { 200 } else { 2 << 20 };

/// What starts an entry of `resource_changes` other than the first, in Terraform's compact output:
/// a guess, as the same text can occur inside a value.
const ENTRY_START: &[u8] = br#"},{"address":""#;

/// The entries of the array at `open`, read in parts. Part `k` starts at
/// [`Entries::boundary`]`(k)`, a guessed entry start near `open + k * PART`, and reads entries
/// until it is exactly at the next part's start, or at the array's end; a part whose reading
/// passes over its stop (a guess inside a value) reads on to the end. [`Entries::gather`] then
/// walks the array from its `[`, taking a part only where it starts exactly where the walk is,
/// which makes its start an entry's start, and reading itself what no part taken covers: every
/// byte between `[` and `]` is read once, by serde_json, whatever the guesses were.
struct Entries<'a, E> {
    text: Text<'a>,
    open: usize,
    release: bool,
    finder: memmem::Finder<'static>,
    next: std::sync::atomic::AtomicUsize,
    /// No part starting at or past this is taken: the array's end once a part reached it, or a
    /// member known to come after it.
    limit: std::sync::atomic::AtomicUsize,
    parts: std::sync::Mutex<Vec<Part<E>>>,
}

struct Part<E> {
    start: usize,
    /// `None` when it did not read.
    read: Option<PartRead<E>>,
}

/// What a reading of entries gave.
struct PartRead<E> {
    entries: Vec<E>,
    /// Where it stopped: at the next part's start, or just past the array's `]`.
    end: usize,
    /// Whether it stopped at the array's end.
    closed: bool,
}

impl<'a, E: ReadAt<'a> + Send> Entries<'a, E> {
    fn new(text: Text<'a>, open: usize, release: bool) -> Self {
        Entries {
            text,
            open,
            release,
            finder: memmem::Finder::new(ENTRY_START),
            next: 0.into(),
            limit: usize::MAX.into(),
            parts: Default::default(),
        }
    }

    /// No part starts at or after `at`.
    fn limit(&self, at: usize) {
        self.limit
            .fetch_min(at, std::sync::atomic::Ordering::Relaxed);
    }

    /// Where part `k` starts (part 0 at the `[`); `None` when there is no such part. Depends only
    /// on the text and `k`, so that a part's stop and the next part's start agree.
    fn boundary(&self, k: usize) -> Option<usize> {
        if k == 0 {
            return Some(self.open);
        }
        let mut from = self.open.checked_add(k.checked_mul(PART)?)?;
        let bytes = self.text.bytes;
        let end = bytes.len().min(from.saturating_add(16 * PART));
        while from < end {
            let found = from + self.finder.find(&bytes[from..end])?;
            // At the `{`, when the address is followed by a key only entries have next.
            let start = found + 2;
            let after_address = string_end(bytes, start + ENTRY_START.len() - 3)?;
            let next = &bytes[after_address..];
            if [
                &b",\"mode\":"[..],
                b",\"module_address\":",
                b",\"previous_address\":",
            ]
            .iter()
            .any(|key| next.starts_with(key))
            {
                return Some(start);
            }
            from = found + 1;
        }
        None
    }

    /// Takes parts in turn until there are none left.
    fn read_parts(&self) {
        use std::sync::atomic::Ordering::Relaxed;
        loop {
            let k = self.next.fetch_add(1, Relaxed);
            let Some(start) = self.boundary(k) else {
                return;
            };
            if start >= self.limit.load(Relaxed) {
                return;
            }
            let read = self.read_part(start, self.boundary(k + 1));
            if let Some(read) = read.as_ref().filter(|read| read.closed) {
                self.limit(read.end);
            }
            let failed = read.is_none();
            self.parts
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(Part { start, read });
            if failed {
                return;
            }
        }
    }

    /// Reads the entries from `start` until `stop` or the array's end.
    fn read_part(&self, start: usize, mut stop: Option<usize>) -> Option<PartRead<E>> {
        let bytes = self.text.bytes;
        let cursor = Cursor::start(bytes, start, self.release);
        // About as many entries as a part of a Terraform plan holds (they are about a kilobyte):
        // grown by doubling, the lists of a large plan would be copied and faulted in again.
        let span = stop.map_or(PART, |stop| stop.saturating_sub(start));
        let mut entries = Vec::with_capacity(span / 1024 + 16);
        let stopped = |entries, end, closed, cursor: Cursor<'_>| {
            cursor.finish(end);
            Some(PartRead {
                entries,
                end,
                closed,
            })
        };
        let mut at = start;
        if at == self.open {
            at = skip_whitespace(bytes, at + 1);
            if bytes.get(at) == Some(&b']') {
                return stopped(entries, at + 1, true, cursor);
            }
        }
        loop {
            match stop {
                Some(stop) if at == stop => return stopped(entries, at, false, cursor),
                // The stop was inside an entry: read on to the end.
                Some(past) if at > past => stop = None,
                _ => {}
            }
            let (entry, end) = E::read_at(self.text, at)?;
            entries.push(entry);
            at = skip_whitespace(bytes, end);
            match bytes.get(at) {
                Some(b',') => at = skip_whitespace(bytes, at + 1),
                Some(b']') => return stopped(entries, at + 1, true, cursor),
                _ => return None,
            }
        }
    }

    /// The array read as one guess: walked from its `[`, taking each part that starts exactly where
    /// the walk is (the start of an entry, or the array's end) and reading itself what no part
    /// covers. `None` in the guess when the array does not read.
    fn gather(&self) -> Guess<Chunks<E>> {
        let mut parts = std::mem::take(&mut *self.parts.lock().unwrap_or_else(|e| e.into_inner()));
        parts.retain(|part| part.read.is_some());
        parts.sort_by_key(|part| part.start);
        let mut entries = Vec::with_capacity(parts.len() + 1);
        let mut parts = parts.into_iter().peekable();
        let mut at = self.open;
        let read = loop {
            while parts.next_if(|part| part.start < at).is_some() {}
            let taken = match parts.next_if(|part| part.start == at) {
                Some(part) => part.read,
                None => self.read_part(at, parts.peek().map(|part| part.start)),
            };
            let Some(read) = taken else {
                break None;
            };
            entries.push(read.entries);
            at = read.end;
            if read.closed {
                break Some((Chunks(entries), at));
            }
        };
        Guess {
            start: self.open,
            read,
        }
    }
}

/// Takes a member from its guess when the guess was read at `start`, or reads it there.
fn take<'a, T: Deserialize<'a>>(
    text: Text<'a>,
    start: usize,
    guess: Guess<T>,
    slot: &mut Option<T>,
) -> Option<usize> {
    if guess.start == start {
        // A guess at the right place that did not read is a malformed document.
        let (value, end) = guess.read?;
        *slot = Some(value);
        return Some(end);
    }
    // `null` reads as absent, as in one pass.
    set(slot, value_at(text, start))
}

fn set<T>(
    slot: &mut Option<T>,
    read: Result<(Option<T>, usize), serde_json::Error>,
) -> Option<usize> {
    let (value, end) = read.ok()?;
    *slot = value;
    Some(end)
}

/// The members the document struct knows, each allowed once (serde's derive refuses a repeat).
#[derive(Default)]
struct Seen(Vec<&'static str>);

impl Seen {
    const KNOWN: [&'static str; 8] = [
        "format_version",
        "terraform_version",
        "variables",
        "planned_values",
        "prior_state",
        "values",
        "resource_changes",
        "configuration",
    ];

    fn first(&mut self, key: &str) -> bool {
        match Self::KNOWN.iter().find(|known| **known == key) {
            Some(known) if self.0.contains(known) => false,
            Some(known) => {
                self.0.push(known);
                true
            }
            None => true,
        }
    }
}

/// Reads one JSON value of type `T` starting at `start`; its value and where it ends.
fn value_at<'a, T: Deserialize<'a>>(
    text: Text<'a>,
    start: usize,
) -> Result<(T, usize), serde_json::Error> {
    // `start` is at a character boundary in a UTF-8 text: it follows JSON punctuation.
    match text.utf8.and_then(|utf8| utf8.get(start..)) {
        Some(rest) => first_value(serde_json::Deserializer::from_str(rest).into_iter(), start),
        None => first_value(
            serde_json::Deserializer::from_slice(&text.bytes[start..]).into_iter(),
            start,
        ),
    }
}

/// The first value of `stream`, which reads the text from `start` on, and where it ends.
pub(crate) fn first_value<'a, R: serde_json::de::Read<'a>, T: Deserialize<'a>>(
    mut stream: serde_json::StreamDeserializer<'a, R, T>,
    start: usize,
) -> Result<(T, usize), serde_json::Error> {
    match stream.next() {
        Some(Ok(value)) => Ok((value, start + stream.byte_offset())),
        Some(Err(e)) => Err(e),
        None => Err(serde::de::Error::custom("no value")),
    }
}

/// Walks the members of the object that is the whole of `bytes`: for each key, `member` reads the
/// value starting at the given offset and returns where it ends. `None` for anything but a
/// well-formed object followed by nothing but whitespace.
fn walk_object(bytes: &[u8], mut member: impl FnMut(&str, usize) -> Option<usize>) -> Option<()> {
    let end = object_members(bytes, skip_whitespace(bytes, 0), |key, _, start| {
        // The text may not be UTF-8: serde_json decodes the key and checks it.
        let key: String = serde_json::from_slice(&bytes[key]).ok()?;
        member(&key, start)
    })?;
    (skip_whitespace(bytes, end) == bytes.len()).then_some(())
}

/// The first place in `bytes[from..to]` where `"key":` is followed by `open`, after a `{` or a
/// `,`: where the value of such a member would start.
fn find_member(bytes: &[u8], key: &[u8], open: u8, from: usize, to: usize) -> Option<usize> {
    let needle = quoted(key);
    let finder = memmem::Finder::new(&needle);
    let mut at = from;
    while at < to {
        let found = at + finder.find(&bytes[at..to])?;
        if let Some(start) = member_value(bytes, found, needle.len(), open) {
            return Some(start);
        }
        at = found + 1;
    }
    None
}

/// The last such place in `bytes[from..to]`. Searched forward in windows taken from the end
/// backwards: memchr's reverse search has no vector code, and `prior_state`'s key is found only
/// after going back over the whole member (megabytes).
fn rfind_member(bytes: &[u8], key: &[u8], open: u8, from: usize, to: usize) -> Option<usize> {
    const WINDOW: usize = 1 << 20;
    let needle = quoted(key);
    let finder = memmem::Finder::new(&needle);
    let mut end = to;
    while end > from {
        let start = end.saturating_sub(WINDOW).max(from);
        // A match may end up to `needle.len() - 1` bytes into the window after this one.
        let stop = (end + needle.len() - 1).min(to);
        // Every match, overlapping ones too, as the reverse search found them.
        let mut found = Vec::new();
        let mut at = start;
        while let Some(i) = finder.find(&bytes[at..stop]) {
            found.push(at + i);
            at += i + 1;
        }
        while let Some(at) = found.pop() {
            if let Some(value) = member_value(bytes, at, needle.len(), open) {
                return Some(value);
            }
        }
        end = start;
    }
    None
}

fn quoted(key: &[u8]) -> Vec<u8> {
    let mut needle = Vec::with_capacity(key.len() + 2);
    needle.push(b'"');
    needle.extend_from_slice(key);
    needle.push(b'"');
    needle
}

/// Where the value starts when the key found at `found` is a member's key followed by `open`.
fn member_value(bytes: &[u8], found: usize, len: usize, open: u8) -> Option<usize> {
    let before = bytes[..found].iter().rev().find(|b| !is_whitespace(b))?;
    if !matches!(before, b'{' | b',') {
        return None;
    }
    let colon = skip_whitespace(bytes, found + len);
    if bytes.get(colon) != Some(&b':') {
        return None;
    }
    let start = skip_whitespace(bytes, colon + 1);
    (bytes.get(start) == Some(&open)).then_some(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_are_found_only_after_a_brace_or_comma() {
        let text = br#"{"a":{"resource_changes":1},"x":"\"resource_changes\":[","resource_changes" : [1]}"#;
        let start = find_member(text, b"resource_changes", b'[', 0, text.len()).unwrap();
        assert_eq!(&text[start..], b"[1]}");
        let start = rfind_member(text, b"resource_changes", b'[', 0, text.len()).unwrap();
        assert_eq!(&text[start..], b"[1]}");
        // Across the windows of the search from the end and at its bounds, as a plain search
        // backwards finds it.
        let naive = |bytes: &[u8], from: usize, to: usize| {
            let needle = quoted(b"prior_state");
            (from..to.saturating_sub(needle.len() - 1))
                .rev()
                .filter(|&at| bytes[at..].starts_with(&needle))
                .find_map(|at| member_value(bytes, at, needle.len(), b'{'))
        };
        let mut long = br#"{"prior_state":{},"x":""#.to_vec();
        long.resize(3 << 20, b'a');
        long.extend_from_slice(br#"","y":{"prior_state":1},"prior_state":{"a":""#);
        let key = long.len() - 20;
        long.resize(key + (1 << 20) + 5, b'b');
        long.extend_from_slice(br#""}}"#);
        let mut ends = vec![long.len(), 1 << 20, key, key + 13, key + 14, key + 17];
        ends.extend((0..40).map(|k| long.len() - (1 << 20) + k - 20));
        for to in ends {
            for from in [0, 1, key - 1, key] {
                if from <= to {
                    let found = rfind_member(&long, b"prior_state", b'{', from, to);
                    assert_eq!(found, naive(&long, from, to), "{from}..{to}");
                }
            }
        }
        assert_eq!(
            rfind_member(&long, b"prior_state", b'{', 0, long.len()),
            Some(key + 14)
        );
        assert_eq!(
            find_member(text, b"planned_values", b'{', 0, text.len()),
            None
        );
    }

    #[test]
    fn the_walk_refuses_what_json_refuses() {
        let keys = |text: &[u8]| {
            let mut keys = Vec::new();
            walk_object(text, |key, start| {
                keys.push(key.to_string());
                let text = Text {
                    bytes: text,
                    utf8: std::str::from_utf8(text).ok(),
                };
                value_at::<IgnoredAny>(text, start).ok().map(|(_, end)| end)
            })
            .map(|()| keys)
        };
        assert_eq!(
            keys(br#" { "a" : 1 , "b\u0063":[{}] } "#),
            Some(vec!["a".into(), "bc".into()])
        );
        assert_eq!(keys(b"{}"), Some(vec![]));
        for bad in [
            &b"{"[..],
            b"{\"a\":1,}",
            b"{\"a\":1} x",
            b"{\"a\" 1}",
            b"{\"a\":}",
            b"{\"a\":1 \"b\":2}",
            b"{a:1}",
            b"{\"a\":1}}",
            b"[]",
        ] {
            assert_eq!(keys(bad), None, "{}", String::from_utf8_lossy(bad));
        }
    }
}
