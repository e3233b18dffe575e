//! serde_json's pretty format (two-space indents), written in pieces: a document's top-level
//! object member by member, and the elements of its large arrays rendered ahead on the thread pool,
//! each at the depth it sits at. The bytes are those `serde_json::to_writer_pretty` writes for the
//! whole document.

use std::io;

use rayon::prelude::*;
use serde::Serialize;
use serde_json::ser::Formatter;

/// Items rendered together into one buffer by [`PrettyObject::par_array`].
const RUN: usize = 64;

/// Runs rendered side by side, then written, before the next ones: the buffers of a window are
/// written and used again, so a report of many megabytes never stands whole in memory the kernel
/// must hand over and zero first (a window is about a megabyte).
const WINDOW: usize = 16;

/// [`serde_json::ser::PrettyFormatter`]'s output, for a value that starts `depth` levels in.
struct PrettyAt {
    depth: usize,
    has_value: bool,
}

impl PrettyAt {
    fn newline_and_indent<W: ?Sized + io::Write>(&self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b"\n")?;
        for _ in 0..self.depth {
            writer.write_all(b"  ")?;
        }
        Ok(())
    }

    fn begin<W: ?Sized + io::Write>(&mut self, writer: &mut W, open: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        writer.write_all(open)
    }

    fn end<W: ?Sized + io::Write>(&mut self, writer: &mut W, close: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.newline_and_indent(writer)?;
        }
        writer.write_all(close)
    }

    fn begin_item<W: ?Sized + io::Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        if !first {
            writer.write_all(b",")?;
        }
        self.newline_and_indent(writer)
    }
}

impl Formatter for PrettyAt {
    fn begin_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.begin(writer, b"[")
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.end(writer, b"]")
    }

    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.begin_item(writer, first)
    }

    fn end_array_value<W: ?Sized + io::Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.begin(writer, b"{")
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.end(writer, b"}")
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.begin_item(writer, first)
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + io::Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// Writes `value` as it would appear `depth` levels into a pretty document.
fn write_at<W: io::Write, T: Serialize + ?Sized>(
    writer: W,
    value: &T,
    depth: usize,
) -> io::Result<()> {
    let formatter = PrettyAt {
        depth,
        has_value: false,
    };
    let mut serializer = serde_json::Serializer::with_formatter(writer, formatter);
    value.serialize(&mut serializer).map_err(io::Error::from)
}

/// A pretty JSON object written member by member.
pub(crate) struct PrettyObject<'w, W: io::Write + ?Sized> {
    writer: &'w mut W,
    first: bool,
}

impl<'w, W: io::Write + ?Sized> PrettyObject<'w, W> {
    /// Opens the document's top-level object.
    pub(crate) fn begin(writer: &'w mut W) -> io::Result<Self> {
        writer.write_all(b"{")?;
        Ok(PrettyObject {
            writer,
            first: true,
        })
    }

    fn key(&mut self, key: &str) -> io::Result<()> {
        self.writer
            .write_all(if self.first { b"\n  " } else { b",\n  " })?;
        self.first = false;
        write_at(&mut *self.writer, key, 1)?;
        self.writer.write_all(b": ")
    }

    pub(crate) fn member<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> io::Result<()> {
        self.key(key)?;
        write_at(&mut *self.writer, value, 1)
    }

    /// A member whose value is an array of `items`, each turned into its JSON form by `to_json`
    /// and rendered on the thread pool: a large report's findings are most of its writing.
    pub(crate) fn par_array<I: Sync, T: Serialize>(
        &mut self,
        key: &str,
        items: &[I],
        to_json: impl Fn(&I) -> T + Sync,
    ) -> io::Result<()> {
        self.key(key)?;
        if items.is_empty() {
            return self.writer.write_all(b"[]");
        }
        self.writer.write_all(b"[")?;
        // In runs of items, each run into one buffer (a buffer per item was an allocation per
        // finding, thousands for many plans), a window of runs at a time.
        let mut buffers: Vec<Vec<u8>> = Vec::new();
        let mut first = true;
        for window in items.chunks(RUN * WINDOW) {
            let runs = window.len().div_ceil(RUN);
            buffers.resize_with(buffers.len().max(runs), Vec::new);
            buffers[..runs]
                .par_iter_mut()
                .zip(window.par_chunks(RUN))
                .try_for_each(|(out, run)| {
                    out.clear();
                    out.reserve(run.len() * 1024);
                    for item in run {
                        out.extend_from_slice(b",\n    ");
                        write_at(&mut *out, &to_json(item), 2)?;
                    }
                    io::Result::Ok(())
                })?;
            for run in &buffers[..runs] {
                // Each run starts with its separator; the first item's is a line break alone.
                let run = if first { &run[1..] } else { &run[..] };
                first = false;
                self.writer.write_all(run)?;
            }
        }
        self.writer.write_all(b"\n  ]")
    }

    pub(crate) fn end(self) -> io::Result<()> {
        self.writer
            .write_all(if self.first { b"}" } else { b"\n}" })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn writes_what_serde_json_writes_for_the_whole_document() {
        let mut items = vec![
            json!({"a": [], "b": {}, "c": [1, {"d": [true, null]}], "e": "x\ny\"z"}),
            json!([]),
            json!({}),
            json!(3.5),
            json!([[], [[]], {"f": {"g": []}}]),
        ];
        // Several windows of runs, the last window and its last run partial.
        items.extend((0..2 * RUN * WINDOW + RUN + 7).map(|i| json!({"i": i, "l": [i]})));
        let small = json!({"n": 1, "list": [{"k": "v"}], "empty": {}});
        let mut out = Vec::new();
        let mut doc = PrettyObject::begin(&mut out).unwrap();
        doc.member("version", &1).unwrap();
        doc.par_array("items", &items, |v| v.clone()).unwrap();
        doc.par_array("none", &Vec::<serde_json::Value>::new(), |v| v.clone())
            .unwrap();
        doc.member("small", &small).unwrap();
        doc.member("key \"quoted\"", "s").unwrap();
        doc.end().unwrap();

        #[derive(Serialize)]
        struct Whole<'a> {
            version: u32,
            items: &'a [serde_json::Value],
            none: Vec<serde_json::Value>,
            small: &'a serde_json::Value,
            #[serde(rename = "key \"quoted\"")]
            quoted: &'a str,
        }
        let whole = Whole {
            version: 1,
            items: &items,
            none: Vec::new(),
            small: &small,
            quoted: "s",
        };
        let expected = serde_json::to_string_pretty(&whole).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), expected);
    }

    #[test]
    fn an_object_without_members() {
        let mut out = Vec::new();
        PrettyObject::begin(&mut out).unwrap().end().unwrap();
        assert_eq!(
            out,
            serde_json::to_string_pretty(&json!({})).unwrap().as_bytes()
        );
    }
}
