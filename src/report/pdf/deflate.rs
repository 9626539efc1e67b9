//! Stream compression for the PDFs: what lopdf's `Document::compress` does
//! (FlateDecode on every stream that allows it, kept only when it saves
//! more than the filter entry costs), but at [`LEVEL`] instead of the best,
//! slowest level, with the streams spread over the cores, and with one
//! compressor per thread reused for every stream, so its window and hash
//! tables are allocated once per thread rather than per stream
//! (docs/performance.md, "report").

use flate2::{Compress, Compression, FlushCompress, Status};
use lopdf::{Document, Object, ObjectId};

/// zlib level 2 (zlib-rs's `deflate_fast`, no lazy matching): on the
/// sample scorecard its streams come out about a tenth larger than at level
/// 9 (the whole file, whose XMP packet PDF/A keeps uncompressed, a few per
/// cent), at a fraction of the instructions (docs/performance.md).
pub const LEVEL: u32 = 2;

/// Deflate every stream of `doc` that has no filter yet and allows
/// compression, on all cores (one document alone; in a batch each render
/// thread does its own document's, [`crate::parallel`]).
pub fn compress(doc: &mut Document) {
    let ids: Vec<ObjectId> = doc
        .objects
        .iter()
        .filter(|(_, object)| {
            matches!(object, Object::Stream(stream) if stream.allows_compression && stream.dict.get(b"Filter").is_err())
        })
        .map(|(&id, _)| id)
        .collect();
    let objects = &doc.objects;
    let packed = crate::parallel::map(&ids, 0, |id| {
        let Some(Object::Stream(stream)) = objects.get(id) else { return None };
        let packed = COMPRESSOR.with_borrow_mut(|deflate| {
            zlib(deflate.get_or_insert_with(|| Compress::new(Compression::new(LEVEL), true)), &stream.content)
        })?;
        (packed.len() + 19 < stream.content.len()).then_some(packed)
    });
    for (id, packed) in ids.iter().zip(packed) {
        if let (Some(packed), Some(Object::Stream(stream))) = (packed, doc.objects.get_mut(id)) {
            stream.dict.set("Filter", "FlateDecode");
            stream.set_content(packed);
        }
    }
}

thread_local! {
    /// Each thread's compressor, reused for every stream it deflates.
    static COMPRESSOR: std::cell::RefCell<Option<Compress>> = const { std::cell::RefCell::new(None) };
}

/// `bytes` as one zlib stream (header, deflate data, Adler-32).
pub fn zlib(deflate: &mut Compress, bytes: &[u8]) -> Option<Vec<u8>> {
    deflate.reset();
    let mut out = Vec::with_capacity(bytes.len() / 2 + 64);
    loop {
        let read = usize::try_from(deflate.total_in()).ok()?;
        match deflate.compress_vec(&bytes[read..], &mut out, FlushCompress::Finish).ok()? {
            Status::StreamEnd => return Some(out),
            Status::Ok | Status::BufError => out.reserve(out.capacity().max(4096)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read as _;

    fn inflate(bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::ZlibDecoder::new(bytes).read_to_end(&mut out).unwrap();
        out
    }

    #[test]
    fn streams_round_trip_and_the_compressor_is_reset_between_them() {
        let text: Vec<u8> = (0..20_000u32).flat_map(|i| format!("BT /F1 9 Tf {i} Td ET\n").into_bytes()).collect();
        let noise: Vec<u8> = (0..5_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
        let mut deflate = Compress::new(Compression::new(LEVEL), true);
        let first = zlib(&mut deflate, &text).unwrap();
        let second = zlib(&mut deflate, &noise).unwrap();
        let again = zlib(&mut deflate, &text).unwrap();
        assert_eq!(inflate(&first), text);
        assert_eq!(inflate(&second), noise);
        assert_eq!(first, again, "a reused compressor gives the same bytes");
        assert!(first.len() * 5 < text.len(), "{} of {}", first.len(), text.len());
    }

    #[test]
    fn only_unfiltered_streams_that_allow_it_and_shrink_are_compressed() {
        use lopdf::{Dictionary, Stream};
        let text = b"0 0 m 100 100 l S\n".repeat(200);
        let mut doc = Document::with_version("1.4");
        let plain = doc.add_object(Stream::new(Dictionary::new(), text.clone()));
        let kept = doc.add_object(Stream::new(Dictionary::new(), text.clone()).with_compression(false));
        let tiny = doc.add_object(Stream::new(Dictionary::new(), b"q Q".to_vec()));
        compress(&mut doc);
        let stream = |id| doc.get_object(id).unwrap().as_stream().unwrap().clone();
        assert_eq!(stream(plain).dict.get(b"Filter").unwrap().as_name().unwrap(), b"FlateDecode");
        assert_eq!(inflate(&stream(plain).content), text);
        assert_eq!(stream(plain).dict.get(b"Length").unwrap().as_i64().unwrap(), stream(plain).content.len() as i64);
        assert_eq!(stream(kept).content, text);
        assert!(stream(kept).dict.get(b"Filter").is_err() && stream(tiny).dict.get(b"Filter").is_err());
    }
}
