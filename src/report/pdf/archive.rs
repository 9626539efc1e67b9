//! PDF/A-1b for what printpdf writes: our own XMP packet with `pdfaid`, an
//! sRGB output intent, `/CIDSet` for subset fonts, a clean `/Info`, a
//! `/PageMode` name and a trailer `/ID` derived from the content, so the
//! same inputs give the same bytes (see ../shared/PDF_NOTES.md).

use lopdf::{Dictionary, Document, Object, ObjectId, Stream, StringFormat};

/// The sRGB ICC profile of the output intent (icc-profiles-free, Zlib licence).
const SRGB_ICC: &[u8] = include_bytes!("../../../assets/icc/sRGB.icc");

/// The profile deflated, once per process (the same bytes in every PDF).
fn srgb_icc_deflated() -> Option<&'static [u8]> {
    static DEFLATED: std::sync::OnceLock<Option<Vec<u8>>> = std::sync::OnceLock::new();
    DEFLATED
        .get_or_init(|| super::deflate::zlib(&mut flate2::Compress::new(flate2::Compression::best(), true), SRGB_ICC))
        .as_deref()
}

/// Document metadata, written to both `/Info` and XMP.
#[derive(Debug, Clone)]
pub struct DocumentInfo {
    pub title: String,
    pub author: String,
    pub subject: String,
    pub keywords: Vec<String>,
    pub creator: String,
    /// The language of the text, a BCP 47 tag (`/Lang`).
    pub language: String,
    /// UTC.
    pub created: jiff::civil::DateTime,
}

/// Make `doc` PDF/A-1b; `id` fixes the trailer `/ID` (e.g. a digest of the inputs).
///
/// PDF/A-1 forbids embedded files, so `data` (the report's JSON) travels in
/// the XMP packet instead, as the property `vendorscore:data` of a declared
/// extension schema; `vendorscore`'s tests and any XMP reader can read it back.
pub fn make_pdfa(doc: &mut Document, info: &DocumentInfo, id: &[u8; 16], data: Option<&str>) {
    doc.version = "1.4".to_owned();
    add_cidsets(doc);
    // printpdf's /Info is replaced in place: no object is left unreferenced.
    let info_id = match doc.trailer.get(b"Info").and_then(Object::as_reference) {
        Ok(id) => {
            doc.objects.insert(id, Object::Dictionary(info_dictionary(info)));
            id
        }
        Err(_) => doc.add_object(Object::Dictionary(info_dictionary(info))),
    };
    let xmp = Stream::new(
        Dictionary::from_iter(vec![
            ("Type", Object::Name(b"Metadata".to_vec())),
            ("Subtype", Object::Name(b"XML".to_vec())),
        ]),
        xmp_packet(info, data).into_bytes(),
    )
    .with_compression(false);
    let xmp_id = doc.add_object(Object::Stream(xmp));
    let icc = match srgb_icc_deflated() {
        Some(deflated) => Stream::new(
            Dictionary::from_iter(vec![("N", Object::Integer(3)), ("Filter", Object::Name(b"FlateDecode".to_vec()))]),
            deflated.to_vec(),
        ),
        None => Stream::new(Dictionary::from_iter(vec![("N", Object::Integer(3))]), SRGB_ICC.to_vec()),
    };
    let icc_id = doc.add_object(Object::Stream(icc));
    let intent = Dictionary::from_iter(vec![
        ("Type", Object::Name(b"OutputIntent".to_vec())),
        ("S", Object::Name(b"GTS_PDFA1".to_vec())),
        ("OutputConditionIdentifier", text("sRGB IEC61966-2.1")),
        ("RegistryName", text("http://www.color.org")),
        ("Info", text("sRGB IEC61966-2.1")),
        ("DestOutputProfile", Object::Reference(icc_id)),
    ]);
    if let Ok(catalog) = doc.catalog_mut() {
        catalog.set("Metadata", Object::Reference(xmp_id));
        catalog.set("OutputIntents", Object::Array(vec![Object::Dictionary(intent)]));
        catalog.set("PageMode", Object::Name(b"UseNone".to_vec()));
        // Viewers show the title, not the file name, in their window.
        catalog.set(
            "ViewerPreferences",
            Object::Dictionary(Dictionary::from_iter(vec![("DisplayDocTitle", Object::Boolean(true))])),
        );
        catalog.remove(b"PageLayout");
    }
    doc.trailer.set("Info", Object::Reference(info_id));
    let hex = Object::String(id.to_vec(), StringFormat::Hexadecimal);
    doc.trailer.set("ID", Object::Array(vec![hex.clone(), hex]));
    // Without gaps in the numbering the cross-reference table is one
    // subsection; the table lopdf writes around a pruned object made poppler
    // report "Couldn't find trailer dictionary" for long vendor names.
    // Everything written is referenced and numbered from 1 up (a test holds
    // the renderers to that), so the two whole-document passes that would
    // restore it run only when it does not hold.
    if !numbered_without_gaps(doc) {
        doc.prune_objects();
        doc.renumber_objects();
    }
}

/// Whether the objects are numbered 1, 2, … with generation 0.
fn numbered_without_gaps(doc: &Document) -> bool {
    doc.objects.keys().zip(1..).all(|(&(id, generation), expected)| id == expected && generation == 0)
}

/// A PDF text string object.
pub(super) fn text(s: &str) -> Object {
    Object::String(pdf_text(s), StringFormat::Literal)
}

/// PDF text string: PDFDocEncoding for ASCII, UTF-16BE with BOM otherwise.
fn pdf_text(s: &str) -> Vec<u8> {
    if s.is_ascii() {
        return s.as_bytes().to_vec();
    }
    let mut out = vec![0xfe, 0xff];
    for unit in s.encode_utf16() {
        out.extend_from_slice(&unit.to_be_bytes());
    }
    out
}

/// `D:20261121100000+00'00'` (PDF) or `2026-11-21T10:00:00+00:00` (XMP), in UTC.
fn date(t: &jiff::civil::DateTime, pdf: bool) -> String {
    t.strftime(if pdf { "D:%Y%m%d%H%M%S+00'00'" } else { "%Y-%m-%dT%H:%M:%S+00:00" }).to_string()
}

fn info_dictionary(info: &DocumentInfo) -> Dictionary {
    let created = date(&info.created, true);
    Dictionary::from_iter(vec![
        ("Title", text(&info.title)),
        ("Author", text(&info.author)),
        ("Subject", text(&info.subject)),
        ("Keywords", text(&info.keywords.join(", "))),
        ("Creator", text(&info.creator)),
        ("Producer", text(&info.creator)),
        ("CreationDate", Object::String(created.clone().into_bytes(), StringFormat::Literal)),
        ("ModDate", Object::String(created.into_bytes(), StringFormat::Literal)),
    ])
}

fn escape_xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    let mut rest = s;
    // Runs without a special character (all ASCII) are copied whole.
    while let Some(at) = rest.bytes().position(|b| matches!(b, b'&' | b'<' | b'>' | b'"')) {
        out.push_str(&rest[..at]);
        out.push_str(match rest.as_bytes()[at] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            _ => "&quot;",
        });
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
    out
}

/// The namespace of the report data property in XMP.
pub const DATA_NAMESPACE: &str = "https://vendorscore.dev/ns/report/1.0/";

/// The extension schema declaring `vendorscore:data` (PDF/A-1 6.7.8), and the data.
fn xmp_data(data: &str) -> String {
    format!(
        r#"<rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>vendorscore report data</pdfaSchema:schema>
<pdfaSchema:namespaceURI>{DATA_NAMESPACE}</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>vendorscore</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
<pdfaProperty:name>data</pdfaProperty:name>
<pdfaProperty:valueType>Text</pdfaProperty:valueType>
<pdfaProperty:category>external</pdfaProperty:category>
<pdfaProperty:description>The report's data as JSON, as `vendorscore report --format json` writes it</pdfaProperty:description>
</rdf:li></rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:vendorscore="{DATA_NAMESPACE}">
<vendorscore:data>{}</vendorscore:data>
</rdf:Description>
"#,
        escape_xml(data)
    )
}

/// The XMP packet: PDF/A identification and the same metadata as `/Info`.
fn xmp_packet(info: &DocumentInfo, data: Option<&str>) -> String {
    let created = date(&info.created, false);
    let e = escape_xml;
    format!(
        r#"<?xpacket begin="﻿" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
<pdfaid:part>1</pdfaid:part>
<pdfaid:conformance>B</pdfaid:conformance>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{subject}</rdf:li></rdf:Alt></dc:description>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
<pdf:Producer>{creator}</pdf:Producer>
<pdf:Keywords>{keywords}</pdf:Keywords>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
<xmp:CreatorTool>{creator}</xmp:CreatorTool>
<xmp:CreateDate>{created}</xmp:CreateDate>
<xmp:ModifyDate>{created}</xmp:ModifyDate>
<xmp:MetadataDate>{created}</xmp:MetadataDate>
</rdf:Description>
{data}</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"#,
        data = data.map(xmp_data).unwrap_or_default(),
        title = e(&info.title),
        author = e(&info.author),
        subject = e(&info.subject),
        creator = e(&info.creator),
        keywords = e(&info.keywords.join(", ")),
    )
}

/// Add `/CIDSet` (one bit per CID present) to the descriptor of every
/// CID font (TrueType outlines, CIDFontType2, or CID-keyed CFF,
/// CIDFontType0, whose subset keeps the original CIDs that `/W` is keyed
/// by), reading the CIDs from its `/W` widths.
fn add_cidsets(doc: &mut Document) {
    // Descendant fonts are top-level objects or sit inline in a Type0 font's array.
    let mut candidates: Vec<&Dictionary> = Vec::new();
    for object in doc.objects.values() {
        let Ok(dict) = object.as_dict() else { continue };
        candidates.push(dict);
        if let Ok(Object::Array(descendants)) = dict.get(b"DescendantFonts") {
            candidates.extend(descendants.iter().filter_map(|d| match d {
                Object::Dictionary(inline) => Some(inline),
                Object::Reference(id) => doc.get_dictionary(*id).ok(),
                _ => None,
            }));
        }
    }
    let fonts: Vec<(ObjectId, Vec<u32>)> = candidates
        .into_iter()
        .filter_map(|dict| {
            if !matches!(dict.get(b"Subtype").and_then(Object::as_name).ok()?, b"CIDFontType2" | b"CIDFontType0") {
                return None;
            }
            let descriptor = dict.get(b"FontDescriptor").and_then(Object::as_reference).ok()?;
            let widths = match dict.get(b"W").ok()? {
                Object::Array(items) => items.clone(),
                Object::Reference(id) => doc.get_object(*id).ok()?.as_array().ok()?.clone(),
                _ => return None,
            };
            Some((descriptor, cids_of(&widths)))
        })
        .collect();
    for (descriptor, cids) in fonts {
        let max = cids.iter().copied().max().unwrap_or(0) as usize;
        let mut bits = vec![0u8; max / 8 + 1];
        for cid in cids.into_iter().chain([0]) {
            bits[cid as usize / 8] |= 0x80 >> (cid % 8);
        }
        let set = doc.add_object(Object::Stream(Stream::new(Dictionary::new(), bits)));
        if let Ok(dict) = doc.get_dictionary_mut(descriptor) {
            dict.set("CIDSet", Object::Reference(set));
        }
    }
}

/// The CIDs a `/W` array gives widths for: `c [w1 w2 …]` and `c_first c_last w`.
fn cids_of(widths: &[Object]) -> Vec<u32> {
    let int = |o: &Object| o.as_i64().ok().and_then(|v| u32::try_from(v).ok());
    let mut cids = Vec::new();
    let mut i = 0;
    while i < widths.len() {
        let Some(first) = int(&widths[i]) else { break };
        match widths.get(i + 1) {
            Some(Object::Array(list)) => {
                cids.extend((0..list.len() as u32).map(|k| first + k));
                i += 2;
            }
            Some(last) => {
                let Some(last) = int(last) else { break };
                cids.extend(first..=last.min(first + 65_535));
                i += 3;
            }
            None => break,
        }
    }
    cids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cids_come_from_both_forms_of_w() {
        let w = vec![
            Object::Integer(3),
            Object::Array(vec![Object::Integer(500), Object::Integer(600)]),
            Object::Integer(10),
            Object::Integer(12),
            Object::Integer(700),
        ];
        assert_eq!(cids_of(&w), [3, 4, 10, 11, 12]);
    }

    #[test]
    fn text_strings_use_utf16_beyond_ascii() {
        assert_eq!(pdf_text("abc"), b"abc");
        assert_eq!(pdf_text("Ł"), [0xfe, 0xff, 0x01, 0x41]);
        assert_eq!(escape_xml("a<b&\"c\">"), "a&lt;b&amp;&quot;c&quot;&gt;");
        assert_eq!(escape_xml("Łódź <北> & x"), "Łódź &lt;北&gt; &amp; x");
        assert_eq!(escape_xml(""), "");
    }
}
