//! Skipping a JSON value: where it ends, checked exactly as strictly as serde_json checks a value
//! it skips (into `IgnoredAny` or a `RawValue`), in about two thirds of its time.
//!
//! Most of a plan is values no rule reads (every resource type vpclint does not model), and
//! skipping them was the largest part of reading a plan. serde_json skips a token at a time
//! through its reader and visitor machinery; this is one loop over the bytes, with strings
//! searched 16 bytes at a time.
//!
//! Strictness is the point: a text this accepts must be one serde_json accepts, and the reverse,
//! or a malformed plan would be read without its error (or a good one refused). What serde_json
//! checks when it skips, and so what this checks:
//! - literals `null`, `true`, `false`, spelled out;
//! - numbers by JSON's grammar (one leading zero, digits after `.` and after the exponent), but
//!   not their range: `1e999` skips;
//! - strings: no byte below 0x20, escapes among `\" \\ \/ \b \f \n \r \t \uXXXX` with four hex
//!   digits, and nothing about what a `\u` escape encodes (lone surrogates skip) or about UTF-8
//!   (the text is checked apart, see `crate::text::scan_ahead`);
//! - arrays and objects: no trailing comma, keys that are strings, `:` between key and value;
//!   no limit on their nesting (serde_json limits only what it builds).
//!
//! Whitespace is JSON's four bytes. The tests compare this with serde_json on many texts, good
//! and broken.

use std::ops::Range;

/// Where the JSON value starting exactly at `at` (no whitespace before it) ends: the offset just
/// past it. `None` when it is not a well-formed value, as serde_json would refuse it.
pub(crate) fn value_end(bytes: &[u8], mut at: usize) -> Option<usize> {
    let mut open = Containers::default();
    loop {
        // At the start of a value.
        match *bytes.get(at)? {
            b'"' => at = string_end(bytes, at)?,
            b'{' => {
                at = skip_whitespace(bytes, at + 1);
                if *bytes.get(at)? == b'}' {
                    at += 1;
                } else {
                    open.push(true);
                    at = member_value(bytes, at)?;
                    continue;
                }
            }
            b'[' => {
                at = skip_whitespace(bytes, at + 1);
                if *bytes.get(at)? == b']' {
                    at += 1;
                } else {
                    open.push(false);
                    continue;
                }
            }
            b'n' => at = literal(bytes, at, b"null")?,
            b't' => at = literal(bytes, at, b"true")?,
            b'f' => at = literal(bytes, at, b"false")?,
            b'-' => at = number_end(bytes, at + 1)?,
            b'0'..=b'9' => at = number_end(bytes, at)?,
            _ => return None,
        }
        // After a value: close what it ends, or go on to the next element or member.
        loop {
            let Some(in_object) = open.top() else {
                return Some(at);
            };
            at = skip_whitespace(bytes, at);
            match *bytes.get(at)? {
                b',' => {
                    at = skip_whitespace(bytes, at + 1);
                    if in_object {
                        at = member_value(bytes, at)?;
                    }
                    break;
                }
                b'}' if in_object => {
                    open.pop();
                    at += 1;
                }
                b']' if !in_object => {
                    open.pop();
                    at += 1;
                }
                _ => return None,
            }
        }
    }
}

/// The open arrays and objects, innermost last, one bit each (set for an object). 64 levels are
/// kept in a word; deeper ones, which no plan has, in a list.
#[derive(Default)]
struct Containers {
    depth: usize,
    bits: u64,
    deeper: Vec<u64>,
}

impl Containers {
    fn push(&mut self, object: bool) {
        if self.depth > 0 && self.depth.is_multiple_of(64) {
            self.deeper.push(self.bits);
            self.bits = 0;
        }
        self.bits = (self.bits << 1) | u64::from(object);
        self.depth += 1;
    }

    fn pop(&mut self) {
        self.depth -= 1;
        self.bits >>= 1;
        if self.depth > 0 && self.depth.is_multiple_of(64) {
            self.bits = self.deeper.pop().unwrap_or_default();
        }
    }

    /// Whether the innermost is an object; `None` when none is open.
    fn top(&self) -> Option<bool> {
        (self.depth > 0).then_some(self.bits & 1 == 1)
    }
}

/// From a member's key at `at`: past its `:` and the whitespace after it, where its value starts.
#[inline(always)]
fn member_value(bytes: &[u8], at: usize) -> Option<usize> {
    if *bytes.get(at)? != b'"' {
        return None;
    }
    let at = skip_whitespace(bytes, string_end(bytes, at)?);
    if *bytes.get(at)? != b':' {
        return None;
    }
    Some(skip_whitespace(bytes, at + 1))
}

pub(crate) fn literal(bytes: &[u8], at: usize, word: &[u8]) -> Option<usize> {
    bytes[at..].starts_with(word).then_some(at + word.len())
}

/// JSON's whitespace: four bytes.
pub(crate) fn is_whitespace(byte: &u8) -> bool {
    matches!(byte, b' ' | b'\n' | b'\t' | b'\r')
}

#[inline(always)]
pub(crate) fn skip_whitespace(bytes: &[u8], mut at: usize) -> usize {
    // Terraform writes none: the first byte is usually not whitespace.
    if bytes.get(at).is_some_and(|&b| b > b' ') {
        return at;
    }
    while bytes.get(at).is_some_and(is_whitespace) {
        at += 1;
    }
    at
}

/// Walks the members of the object whose `{` is at `at`: `member(key, escaped, start)` is given
/// each key's place (with its quotes, checked as [`string_span`] checks a string; `escaped` when
/// it has escapes) and where its value starts, reads the value and gives where it ends. Gives
/// where the object ends; `None` when the object's punctuation is not JSON's or `member` gives
/// `None`.
pub(crate) fn object_members(
    bytes: &[u8],
    at: usize,
    mut member: impl FnMut(Range<usize>, bool, usize) -> Option<usize>,
) -> Option<usize> {
    if bytes.get(at) != Some(&b'{') {
        return None;
    }
    let mut at = skip_whitespace(bytes, at + 1);
    if bytes.get(at) == Some(&b'}') {
        return Some(at + 1);
    }
    loop {
        if bytes.get(at) != Some(&b'"') {
            return None;
        }
        let (key_end, escaped) = string_span(bytes, at)?;
        let key = at..key_end;
        at = skip_whitespace(bytes, key_end);
        if bytes.get(at) != Some(&b':') {
            return None;
        }
        at = skip_whitespace(bytes, at + 1);
        if at >= bytes.len() {
            return None;
        }
        at = skip_whitespace(bytes, member(key, escaped, at)?);
        match bytes.get(at)? {
            b',' => at = skip_whitespace(bytes, at + 1),
            b'}' => return Some(at + 1),
            _ => return None,
        }
    }
}

fn digits_end(bytes: &[u8], mut at: usize) -> usize {
    while bytes.get(at).is_some_and(u8::is_ascii_digit) {
        at += 1;
    }
    at
}

/// Where the number whose digits start at `at` (after any `-`) ends.
pub(crate) fn number_end(bytes: &[u8], at: usize) -> Option<usize> {
    let mut at = match *bytes.get(at)? {
        // One leading zero only.
        b'0' if bytes.get(at + 1).is_some_and(u8::is_ascii_digit) => return None,
        b'0' => at + 1,
        b'1'..=b'9' => digits_end(bytes, at + 1),
        _ => return None,
    };
    if bytes.get(at) == Some(&b'.') {
        let end = digits_end(bytes, at + 1);
        if end == at + 1 {
            return None;
        }
        at = end;
    }
    if let Some(b'e' | b'E') = bytes.get(at) {
        at += 1;
        if let Some(b'+' | b'-') = bytes.get(at) {
            at += 1;
        }
        let end = digits_end(bytes, at);
        if end == at {
            return None;
        }
        at = end;
    }
    Some(at)
}

/// Where the string whose opening quote is at `at` ends: just past its closing quote.
#[inline(always)]
pub(crate) fn string_end(bytes: &[u8], at: usize) -> Option<usize> {
    string_span(bytes, at).map(|(end, _)| end)
}

/// Where the string whose opening quote is at `at` ends, and whether it has escapes (when it has
/// none, its text is what it means).
#[inline(always)]
pub(crate) fn string_span(bytes: &[u8], at: usize) -> Option<(usize, bool)> {
    let mut at = at + 1;
    let mut escaped = false;
    loop {
        let (special, is_quote) = special_byte(bytes, at)?;
        at = special;
        if is_quote {
            return Some((at + 1, escaped));
        }
        if bytes[at] != b'\\' {
            // A control character.
            return None;
        }
        escaped = true;
        at = match *bytes.get(at + 1)? {
            b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => at + 2,
            b'u' => {
                let hex = bytes.get(at + 2..at + 6)?;
                if !hex.iter().all(u8::is_ascii_hexdigit) {
                    return None;
                }
                at + 6
            }
            _ => return None,
        }
    }
}

/// The text of a well-formed JSON string (with its quotes), decoded as serde_json decodes it;
/// `None` when a `\u` escape does not decode (a lone surrogate).
pub(crate) fn decode_string(json: &str) -> Option<String> {
    let inner = &json[1..json.len() - 1];
    let mut decoded = String::with_capacity(inner.len());
    let mut rest = inner;
    while let Some(at) = memchr::memchr(b'\\', rest.as_bytes()) {
        decoded.push_str(&rest[..at]);
        decoded.push(match rest.as_bytes()[at + 1] {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            // `\u`, with surrogate pairs to join and lone ones to refuse: serde_json's own.
            _ => return serde_json::from_str(json).ok(),
        });
        rest = &rest[at + 2..];
    }
    decoded.push_str(rest);
    Some(decoded)
}

/// The first byte at or after `at` that ends a string's plain run: a quote, a backslash or a
/// control character; and whether it is the quote (known from the search, so that the usual case
/// does not wait on reading the byte again).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn special_byte(bytes: &[u8], at: usize) -> Option<(usize, bool)> {
    // SAFETY: SSE2 is part of x86_64, so every x86_64 processor has it.
    unsafe { special_byte_sse2(bytes, at) }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
#[inline]
fn special_byte_sse2(bytes: &[u8], mut at: usize) -> Option<(usize, bool)> {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128,
        _mm_set1_epi8,
    };
    let quote = _mm_set1_epi8(b'"' as i8);
    let backslash = _mm_set1_epi8(b'\\' as i8);
    let below_space = _mm_set1_epi8(0x1f);
    while at + 16 <= bytes.len() {
        // SAFETY: the 16 bytes from `at` are in `bytes` (checked above); the load is unaligned.
        let chunk = unsafe { _mm_loadu_si128(bytes.as_ptr().add(at).cast::<__m128i>()) };
        let control = _mm_cmpeq_epi8(_mm_min_epu8(chunk, below_space), chunk);
        let quotes = _mm_movemask_epi8(_mm_cmpeq_epi8(chunk, quote)) as u32;
        let others =
            _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(chunk, backslash), control)) as u32;
        let special = quotes | others;
        if special != 0 {
            let first = special & special.wrapping_neg();
            return Some((at + special.trailing_zeros() as usize, first & quotes != 0));
        }
        at += 16;
    }
    special_byte_scalar(bytes, at)
}

#[cfg(not(target_arch = "x86_64"))]
fn special_byte(bytes: &[u8], at: usize) -> Option<(usize, bool)> {
    special_byte_scalar(bytes, at)
}

fn special_byte_scalar(bytes: &[u8], at: usize) -> Option<(usize, bool)> {
    let found = bytes
        .get(at..)?
        .iter()
        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)?;
    Some((at + found, bytes[at + found] == b'"'))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Every text one edit away from `text`: each byte taken out, doubled, or replaced by one of
    /// a few that matter to JSON.
    pub(crate) fn mutations(text: &str) -> Vec<String> {
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        for at in 0..bytes.len() {
            let mut removed = bytes.to_vec();
            removed.remove(at);
            out.push(removed);
            let mut doubled = bytes.to_vec();
            doubled.insert(at, bytes[at]);
            out.push(doubled);
            for &b in b"\"\\{}[],:n0 a.e-u\x01" {
                let mut replaced = bytes.to_vec();
                replaced[at] = b;
                out.push(replaced);
            }
        }
        out.into_iter()
            .filter_map(|bytes| String::from_utf8(bytes).ok())
            .collect()
    }

    /// What serde_json says of `text` skipped as one value: where it ends, or `None`.
    fn serde_end(text: &[u8]) -> Option<usize> {
        let mut stream =
            serde_json::Deserializer::from_slice(text).into_iter::<serde::de::IgnoredAny>();
        match stream.next() {
            Some(Ok(_)) => Some(stream.byte_offset()),
            _ => None,
        }
    }

    /// Ours, judged the way a caller uses it: the value must be followed by what may follow a
    /// value (serde_json's stream refuses `1x` and `truex`).
    fn our_end(text: &[u8]) -> Option<usize> {
        let end = value_end(text, 0)?;
        match text.get(end) {
            None
            | Some(b' ' | b'\n' | b'\t' | b'\r' | b',' | b']' | b'}' | b':' | b'"' | b'[' | b'{') => {
                Some(end)
            }
            Some(_) if !matches!(text[0], b'-' | b'0'..=b'9' | b't' | b'f' | b'n') => Some(end),
            Some(_) => None,
        }
    }

    const SAMPLES: &[&str] = &[
        "null",
        "true",
        "false",
        "nul",
        "nulll",
        "tru",
        "fals",
        "0",
        "-0",
        "01",
        "-01",
        "1.",
        "1.5",
        "1e",
        "1e+",
        "1e-5",
        "1E5",
        "-",
        "--1",
        "1.5e3",
        "0.0",
        ".5",
        "1e999",
        "123456789012345678901234567890",
        r#""""#,
        r#""a""#,
        r#""\"""#,
        r#""\u00e9""#,
        r#""\u00g9""#,
        r#""\u12""#,
        r#""\ud800""#,
        r#""\x""#,
        r#""\/\b\f\n\r\t\\""#,
        "\"a\tb\"",
        "\"a\u{7f}b\"",
        "\"é\"",
        r#""unterminated"#,
        r#""a\"#,
        "[]",
        "[ ]",
        "[1,]",
        "[,1]",
        "[1 2]",
        "[1,2]",
        " [1]",
        "[[[]]]",
        "[[]",
        "[]]",
        "{}",
        "{ }",
        r#"{"a":1}"#,
        r#"{"a" : 1 , "b" : [ ] }"#,
        r#"{"a":}"#,
        r#"{"a"}"#,
        r#"{"a":1,}"#,
        r#"{a:1}"#,
        r#"{1:1}"#,
        r#"{"a":1 "b":2}"#,
        r#"{"a":[1,{"b":null}]}"#,
        r#"{"a":{"b":{"c":"d"}}}"#,
        "[1]x",
        "1 2",
        "\t\n\r [ \t1\n]",
        "[1\u{b}]",
        "{\"a\"\u{c}:1}",
        "[\"a\",\"b\\\"c\"]",
        r#"["0123456789abcdef0123456789abcdef\"", "x"]"#,
        "[tru]",
        "[nulls]",
        "[-]",
        "[1.e5]",
        "[1e5.5]",
        "[0x10]",
        "[Infinity]",
        "[NaN]",
        "[+1]",
        "{\"a\":1}}",
        "",
        " ",
    ];

    #[test]
    fn it_agrees_with_serde_json_on_good_and_broken_values() {
        for sample in SAMPLES {
            for text in [
                sample.to_string(),
                format!("[{sample}]"),
                format!("{{\"k\":{sample}}}"),
            ] {
                let bytes = text.as_bytes();
                if bytes.first().is_some_and(|b| b.is_ascii_whitespace()) {
                    continue;
                }
                assert_eq!(our_end(bytes), serde_end(bytes), "{text:?}");
            }
        }
    }

    #[test]
    fn it_agrees_with_serde_json_on_every_edit_of_an_entry() {
        let entry = r#"{"a":[1,-2.5e+3,0,true,false,null,"x\"\u00e9y"],"b":{"c":{},"d":[]},"e":"0123456789abcdefghij"}"#;
        let mut good = 0;
        for text in mutations(entry) {
            let bytes = text.as_bytes();
            if bytes.first().is_some_and(|b| b.is_ascii_whitespace()) {
                continue;
            }
            let ours = our_end(bytes);
            assert_eq!(ours, serde_end(bytes), "{text:?}");
            good += usize::from(ours.is_some());
        }
        assert!(good > 100, "{good}");
    }

    #[test]
    fn strings_are_searched_across_their_sixteen_byte_chunks() {
        for len in 0..70 {
            for special in ["\"", "\\n", "\\u0041", "\u{1}", "\\q", "é"] {
                for at in [0, len / 2, len] {
                    let mut text = String::from("\"");
                    text.extend(std::iter::repeat_n('a', at));
                    text.push_str(special);
                    text.extend(std::iter::repeat_n('b', len - at));
                    text.push('"');
                    for text in [text.clone(), format!("{text} ")] {
                        let bytes = text.as_bytes();
                        assert_eq!(our_end(bytes), serde_end(bytes), "{text:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn strings_decode_as_serde_json_decodes_them() {
        for json in [
            r#""""#,
            r#""plain""#,
            r#""a\"b\\c\/d\be\ff\ng\rh\ti""#,
            r#""module.m[\"prod\"].aws_vpc.this""#,
            r#""\u00e9\u0041x""#,
            r#""\ud83d\ude00 and \n""#,
            r#""\ud800""#,
            r#""\udc00x""#,
            r#""\\u0041""#,
        ] {
            let bytes = json.as_bytes();
            assert_eq!(value_end(bytes, 0), Some(bytes.len()), "{json}");
            assert_eq!(
                decode_string(json),
                serde_json::from_str::<String>(json).ok(),
                "{json}"
            );
        }
    }

    /// The plain search (the one other processors use, and x86_64's for a text's last 15 bytes)
    /// finds what the vector search finds.
    #[test]
    fn both_searches_find_the_same_byte() {
        let mut state = 7u64;
        for len in 0..80 {
            for _ in 0..40 {
                let text: Vec<u8> = (0..len)
                    .map(|_| {
                        state = state
                            .wrapping_mul(6364136223846793005)
                            .wrapping_add(1442695040888963407);
                        // Mostly plain bytes (ASCII and not), now and then a special one.
                        match (state >> 33) % 40 {
                            0 => b'"',
                            1 => b'\\',
                            2 => (state >> 40) as u8 % 0x20,
                            _ => 0x20 + (state >> 40) as u8 % 0xe0,
                        }
                    })
                    .collect();
                for at in 0..=len {
                    assert_eq!(
                        special_byte(&text, at),
                        special_byte_scalar(&text, at),
                        "{text:?} from {at}"
                    );
                }
            }
        }
    }

    #[test]
    fn deep_nesting_is_followed_past_a_word_of_levels() {
        for depth in [1, 63, 64, 65, 127, 128, 129, 300] {
            let mut text = String::new();
            for level in 0..depth {
                text.push_str(if level % 3 == 0 { "{\"k\":" } else { "[" });
            }
            text.push('1');
            for level in (0..depth).rev() {
                text.push(if level % 3 == 0 { '}' } else { ']' });
            }
            assert_eq!(value_end(text.as_bytes(), 0), Some(text.len()), "{depth}");
            // One closer of the wrong kind, somewhere.
            let mut bad = text.clone().into_bytes();
            let at = text.len() - depth / 2 - 1;
            bad[at] = if bad[at] == b'}' { b']' } else { b'}' };
            assert_eq!(value_end(&bad, 0), None, "{depth}");
        }
    }
}
