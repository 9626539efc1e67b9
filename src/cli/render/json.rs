//! Pieces shared by the commands' JSON: lists serialized item by item
//! through a view (nothing collected), the recorded ledger entry, and long
//! arrays written as `serde_json::to_writer_pretty` would write them but
//! serialized on all cores a block at a time (a 10,000-vendor `check`
//! writes 430 MB of JSON, which one thread would take longer to format than
//! the rules take to evaluate). Memory stays bounded by the block, and the
//! bytes are the same as the single-threaded writer's.

use std::io::{self, Write};

use serde::Serialize;

/// A top-level JSON object written field by field, laid out as
/// `to_writer_pretty` lays it out; fields come in the order written (write
/// them sorted to match a `serde_json::Value`).
pub struct Object<'a, W: Write> {
    out: &'a mut W,
    fields: usize,
}

impl<'a, W: Write> Object<'a, W> {
    pub fn new(out: &'a mut W) -> Self {
        Object { out, fields: 0 }
    }

    fn key(&mut self, key: &str) -> io::Result<()> {
        self.out.write_all(if self.fields == 0 { b"{\n  " } else { b",\n  " })?;
        serde_json::to_writer(&mut *self.out, key)?;
        self.fields += 1;
        self.out.write_all(b": ")
    }

    /// A field whose value is serialized here, in one piece.
    pub fn field(&mut self, key: &str, value: &impl Serialize) -> io::Result<()> {
        self.key(key)?;
        let mut serializer = serde_json::Serializer::with_formatter(&mut *self.out, Nested::at(1));
        value.serialize(&mut serializer).map_err(io::Error::from)
    }

    /// A field holding a long array, serialized on all cores ([`pretty_array`]).
    pub fn array<'t, T, V, F>(&mut self, key: &str, items: &'t [T], view: F) -> io::Result<()>
    where
        T: Sync,
        V: Serialize,
        F: Fn(&'t T) -> V + Sync,
    {
        self.key(key)?;
        pretty_array(self.out, items, 1, view)
    }

    /// Close the object and end the line.
    pub fn end(self) -> io::Result<()> {
        self.out.write_all(if self.fields == 0 { b"{}\n" } else { b"\n}\n" })
    }
}

/// Items serialized in parallel before a block is written.
const BLOCK: usize = 256;

/// Write `items` as a pretty JSON array nested `depth` levels deep (the
/// `"vendors"` of a top-level object is at depth 1), each item as `view` shows it.
pub fn pretty_array<'a, T, V, F>(out: &mut impl Write, items: &'a [T], depth: usize, view: F) -> io::Result<()>
where
    T: Sync,
    V: Serialize,
    F: Fn(&'a T) -> V + Sync,
{
    if items.is_empty() {
        return out.write_all(b"[]");
    }
    let inner = "  ".repeat(depth + 1);
    out.write_all(b"[\n")?;
    for (b, block) in items.chunks(BLOCK).enumerate() {
        let written = vendorscore::parallel::map(block, 0, |item| {
            let mut buffer = Vec::with_capacity(4096);
            let mut serializer = serde_json::Serializer::with_formatter(&mut buffer, Nested::at(depth + 1));
            view(item).serialize(&mut serializer).map(|()| buffer)
        });
        for (i, item) in written.into_iter().enumerate() {
            if b + i > 0 {
                out.write_all(b",\n")?;
            }
            out.write_all(inner.as_bytes())?;
            out.write_all(&item.map_err(io::Error::from)?)?;
        }
    }
    out.write_all(b"\n")?;
    out.write_all("  ".repeat(depth).as_bytes())?;
    out.write_all(b"]")
}

/// serde_json's pretty layout (two spaces a level) for a value that starts
/// `level` levels deep, so that it can be serialized apart from its parents.
struct Nested {
    level: usize,
    has_value: bool,
}

impl Nested {
    fn at(level: usize) -> Nested {
        Nested { level, has_value: false }
    }

    fn open<W: ?Sized + Write>(&mut self, out: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.level += 1;
        self.has_value = false;
        out.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, out: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.level -= 1;
        if self.has_value {
            self.new_line(out, b"\n")?;
        }
        out.write_all(bracket)
    }

    fn new_line<W: ?Sized + Write>(&mut self, out: &mut W, separator: &[u8]) -> io::Result<()> {
        out.write_all(separator)?;
        (0..self.level).try_for_each(|_| out.write_all(b"  "))
    }
}

impl serde_json::ser::Formatter for Nested {
    fn begin_array<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.open(out, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.close(out, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        self.new_line(out, if first { b"\n" } else { b",\n" })
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _out: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.open(out, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.close(out, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        self.new_line(out, if first { b"\n" } else { b",\n" })
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        out.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _out: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// A list serialized item by item through a view, without collecting the views.
pub struct Each<'a, T, V>(pub &'a [T], pub fn(&'a T) -> V);

impl<T, V> Each<'_, T, V> {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'a, T, V: Serialize> Serialize for Each<'a, T, V> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(self.1))
    }
}

/// `"ledger": {"seq": N}`: the entry a run appended.
#[derive(Serialize)]
pub struct LedgerJson {
    pub seq: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// An object written field by field is what serde_json writes for the whole.
    #[test]
    fn objects_are_written_as_serde_json_writes_them() {
        let items: Vec<u32> = (0..300).collect();
        let item = |i: &u32| json!({ "n": i, "sub": { "list": [i] } });
        let mut ours = Vec::new();
        let mut object = Object::new(&mut ours);
        object.field("as_of", &"2026-12-01 \"q\"").unwrap();
        object.field("ledger", &json!({ "seq": 7 })).unwrap();
        object.field("empty", &json!([])).unwrap();
        object.array("vendors", &items, item).unwrap();
        object.end().unwrap();
        let whole = json!({
            "as_of": "2026-12-01 \"q\"",
            "ledger": { "seq": 7 },
            "empty": [],
            "vendors": items.iter().map(item).collect::<Vec<_>>(),
        });
        // serde_json's map sorts its keys; compare against the same order.
        let theirs = serde_json::to_string_pretty(&whole).unwrap() + "\n";
        let sorted = |text: &str| serde_json::from_str::<serde_json::Value>(text).unwrap();
        assert_eq!(sorted(std::str::from_utf8(&ours).unwrap()), sorted(&theirs));
        let mut ordered = Vec::new();
        let mut object = Object::new(&mut ordered);
        for (key, value) in whole.as_object().unwrap() {
            object.field(key, value).unwrap();
        }
        object.end().unwrap();
        assert_eq!(String::from_utf8(ordered).unwrap(), theirs);
        let mut empty = Vec::new();
        Object::new(&mut empty).end().unwrap();
        assert_eq!(empty, b"{}\n");
    }

    /// The same bytes as serde_json's own pretty writer, at any depth and size.
    #[test]
    fn writes_what_serde_json_writes() {
        let item = |i: &u32| json!({ "id": format!("v{i}"), "lines": "a\nb", "list": [i, {"x": [], "y": [[1], {"z": null}]}], "empty": {} });
        for n in [0, 1, 2, BLOCK - 1, BLOCK, BLOCK + 1, 3 * BLOCK + 5] {
            let items: Vec<u32> = (0..n as u32).collect();
            let array = json!(items.iter().map(item).collect::<Vec<_>>());
            let ours = |depth| {
                let mut out = Vec::new();
                pretty_array(&mut out, &items, depth, item).unwrap();
                String::from_utf8(out).unwrap()
            };
            let theirs = |value: serde_json::Value| serde_json::to_string_pretty(&value).unwrap();
            assert_eq!(ours(0), theirs(array.clone()), "{n} items at the top");
            assert_eq!(
                format!("{{\n  \"a\": 1,\n  \"items\": {},\n  \"z\": 2\n}}", ours(1)),
                theirs(json!({ "a": 1, "items": array.clone(), "z": 2 })),
                "{n} items in an object"
            );
            assert_eq!(
                format!("{{\n  \"outer\": {{\n    \"items\": {}\n  }}\n}}", ours(2)),
                theirs(json!({ "outer": { "items": array } })),
                "{n} items two levels down"
            );
        }
    }
}
