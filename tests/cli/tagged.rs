//! Tagged PDFs: the structure tree parsed back with lopdf (every MCID on
//! every page owned by exactly one element, and the ParentTree mapping it
//! back), read by poppler's `pdfinfo -struct-text` in reading order, and
//! still PDF/A-1b for PDFBox Preflight.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use lopdf::{Document, Object, ObjectId};

use crate::report::assert_pdfa;
use crate::score::sample;
use crate::vendorscore;

/// One structure element as read back: its type, alternative text,
/// `/Scope`, and the (page number, MCID) pairs it owns directly.
#[derive(Debug)]
struct Read {
    role: String,
    alt: Option<String>,
    scope: Option<String>,
    kids: Vec<ObjectId>,
    content: Vec<(u32, i64)>,
}

fn name(object: &Object) -> String {
    String::from_utf8_lossy(object.as_name().unwrap()).into_owned()
}

fn text_string(object: &Object) -> String {
    let bytes = object.as_str().unwrap();
    match bytes.strip_prefix(&[0xfe, 0xff]) {
        Some(utf16) => {
            String::from_utf16(&utf16.chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect::<Vec<_>>()).unwrap()
        }
        None => String::from_utf8_lossy(bytes).into_owned(),
    }
}

fn resolve<'a>(doc: &'a Document, object: &'a Object) -> &'a Object {
    match object {
        Object::Reference(id) => doc.get_object(*id).unwrap(),
        other => other,
    }
}

/// Every element under the StructTreeRoot, in tree (reading) order.
fn tree(doc: &Document) -> (Vec<(ObjectId, Read)>, ObjectId) {
    let page_numbers: BTreeMap<ObjectId, u32> = doc.get_pages().into_iter().map(|(n, id)| (id, n)).collect();
    let root_id = doc.catalog().unwrap().get(b"StructTreeRoot").unwrap().as_reference().unwrap();
    let root = doc.get_dictionary(root_id).unwrap();
    assert_eq!(name(root.get(b"Type").unwrap()), "StructTreeRoot");
    let mut out = Vec::new();
    let mut stack: Vec<(ObjectId, ObjectId)> = match root.get(b"K").unwrap() {
        Object::Reference(id) => vec![(*id, root_id)],
        Object::Array(items) => items.iter().rev().map(|o| (o.as_reference().unwrap(), root_id)).collect(),
        other => panic!("K of the root: {other:?}"),
    };
    while let Some((id, parent)) = stack.pop() {
        let element = doc.get_dictionary(id).unwrap();
        assert_eq!(element.get(b"P").unwrap().as_reference().unwrap(), parent, "/P of {id:?} is its parent");
        let page = element.get(b"Pg").ok().map(|p| page_numbers[&p.as_reference().unwrap()]);
        let mut read = Read {
            role: name(element.get(b"S").unwrap()),
            alt: element.get(b"Alt").ok().map(text_string),
            scope: element.get(b"A").ok().and_then(|a| resolve(doc, a).as_dict().ok()?.get(b"Scope").ok().map(name)),
            kids: Vec::new(),
            content: Vec::new(),
        };
        let kids = match element.get(b"K") {
            Ok(Object::Array(items)) => items.clone(),
            Ok(other) => vec![other.clone()],
            Err(_) => Vec::new(),
        };
        for kid in kids {
            match kid {
                Object::Integer(mcid) => read.content.push((page.expect("an element with MCIDs has /Pg"), mcid)),
                Object::Reference(child) => read.kids.push(child),
                Object::Dictionary(mcr) => {
                    assert_eq!(name(mcr.get(b"Type").unwrap()), "MCR");
                    let pg = page_numbers[&mcr.get(b"Pg").unwrap().as_reference().unwrap()];
                    read.content.push((pg, mcr.get(b"MCID").unwrap().as_i64().unwrap()));
                }
                other => panic!("unexpected kid {other:?}"),
            }
        }
        stack.extend(read.kids.iter().rev().map(|k| (*k, id)));
        out.push((id, read));
    }
    (out, root_id)
}

/// The MCIDs each page's content stream marks, in order, checking that
/// marked-content sequences balance and do not nest.
fn page_mcids(doc: &Document) -> BTreeMap<u32, Vec<i64>> {
    let mut out = BTreeMap::new();
    for (number, page) in doc.get_pages() {
        let content = lopdf::content::Content::decode(&doc.get_page_content(page)).unwrap();
        let (mut depth, mut mcids) = (0, Vec::new());
        for op in &content.operations {
            match op.operator.as_str() {
                "BDC" => {
                    depth += 1;
                    let properties = resolve(doc, &op.operands[1]).as_dict().unwrap();
                    mcids.push(properties.get(b"MCID").unwrap().as_i64().unwrap());
                }
                "BMC" => {
                    depth += 1;
                    assert_eq!(name(&op.operands[0]), "Artifact");
                }
                "EMC" => depth -= 1,
                "Tj" | "TJ" | "re" | "l" => {
                    assert_eq!(depth, 1, "page {number}: {} outside marked content", op.operator)
                }
                _ => {}
            }
            assert!((0..=1).contains(&depth), "page {number}: marked content nests or does not balance");
        }
        assert_eq!(depth, 0, "page {number}");
        out.insert(number, mcids);
    }
    out
}

/// Check the whole tree of one PDF; returns its elements in reading order.
fn check_tree(path: &Path, lang: &str) -> Vec<Read> {
    let doc = Document::load(path).unwrap();
    let catalog = doc.catalog().unwrap();
    let marked = resolve(&doc, catalog.get(b"MarkInfo").unwrap()).as_dict().unwrap();
    assert_eq!(marked.get(b"Marked").unwrap(), &Object::Boolean(true), "{}", path.display());
    assert_eq!(text_string(catalog.get(b"Lang").unwrap()), lang);
    let (elements, root_id) = tree(&doc);
    assert_eq!(elements[0].1.role, "Document");
    // Every MCID a page marks is owned by exactly one element.
    let mut owner: BTreeMap<(u32, i64), ObjectId> = BTreeMap::new();
    for (id, element) in &elements {
        for &key in &element.content {
            assert!(owner.insert(key, *id).is_none(), "{}: MCID {key:?} owned twice", path.display());
        }
    }
    let marked: BTreeSet<(u32, i64)> =
        page_mcids(&doc).into_iter().flat_map(|(page, ids)| ids.into_iter().map(move |m| (page, m))).collect();
    assert_eq!(marked, owner.keys().copied().collect(), "{}: marked content and the tree agree", path.display());
    // The ParentTree maps each page's MCIDs back to their elements.
    let root = doc.get_dictionary(root_id).unwrap();
    let parent_tree = resolve(&doc, root.get(b"ParentTree").unwrap()).as_dict().unwrap();
    let nums = parent_tree.get(b"Nums").unwrap().as_array().unwrap();
    let arrays: BTreeMap<i64, &Vec<Object>> =
        nums.chunks(2).map(|pair| (pair[0].as_i64().unwrap(), resolve(&doc, &pair[1]).as_array().unwrap())).collect();
    for (number, page) in doc.get_pages() {
        let key = doc.get_dictionary(page).unwrap().get(b"StructParents").unwrap().as_i64().unwrap();
        let array = arrays[&key];
        let on_page: Vec<_> = owner.iter().filter(|((p, _), _)| *p == number).collect();
        assert_eq!(array.len(), on_page.len(), "page {number}: one ParentTree entry per MCID");
        for ((_, mcid), id) in on_page {
            assert_eq!(array[*mcid as usize].as_reference().unwrap(), *id, "page {number} MCID {mcid}");
        }
    }
    // Every figure says what it shows; every header cell says what it heads.
    for (_, element) in &elements {
        if element.role == "Figure" {
            assert!(element.alt.as_deref().is_some_and(|a| a.len() > 20), "{}: a figure without /Alt", path.display());
        }
        if element.role == "TH" {
            assert!(
                matches!(element.scope.as_deref(), Some("Column" | "Row")),
                "{}: TH without /Scope",
                path.display()
            );
        }
    }
    elements.into_iter().map(|(_, e)| e).collect()
}

fn pdfinfo_struct_text(path: &Path) -> Option<String> {
    if !crate::needs("poppler's pdfinfo", crate::has_program("pdfinfo"), "apt-get install poppler-utils") {
        return None;
    }
    let output = std::process::Command::new("pdfinfo").arg("-struct-text").arg(path).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    Some(String::from_utf8(output.stdout).unwrap())
}

/// Assert that each of `needles` is in `haystack`, in this order.
fn in_order(haystack: &str, needles: &[&str]) {
    let mut from = 0;
    for needle in needles {
        let at =
            haystack[from..].find(needle).unwrap_or_else(|| panic!("{needle:?} not after byte {from} in:\n{haystack}"));
        from += at + needle.len();
    }
}

#[test]
fn scorecards_comparison_and_notices_are_tagged_and_stay_pdfa() {
    let dir = sample();
    let ws = dir.path().join("ws");
    let mut checked = 0;
    for folder in ["reports", "notices"] {
        for entry in std::fs::read_dir(ws.join(folder)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "pdf") {
                let elements = check_tree(&path, "en");
                assert!(elements.iter().any(|e| e.role == "H1"), "{}", path.display());
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 10, "five scorecards, the comparison and four notices");

    let card = check_tree(&ws.join("reports/northwind-cx.pdf"), "en");
    let roles: BTreeSet<&str> = card.iter().map(|e| e.role.as_str()).collect();
    for role in ["H1", "H2", "H3", "P", "L", "LI", "LBody", "Lbl", "Table", "TR", "TH", "TD", "Figure"] {
        assert!(roles.contains(role), "{role} missing from {roles:?}");
    }
    // The category chart's alternative text gives every category's score (the CLI's table: 72.6, 100.0, …).
    let alts: Vec<&str> = card.iter().filter_map(|e| e.alt.as_deref()).collect();
    assert!(alts[0].starts_with("Bar chart of the category scores: Platform experience 72.6 of 100, weight 10.0;"));
    assert!(alts[0].contains("Security and data protection 100.0 of 100, weight 20.0"), "{}", alts[0]);
    let text = pdfinfo_struct_text(&ws.join("reports/northwind-cx.pdf"));
    if let Some(text) = text {
        // Reading order is visual order: title, score, glance, categories, losses, tables.
        in_order(
            &text,
            &[
                "Northwind CX Sp. z o.o.",
                "85.15",
                "At a glance",
                "Contract compliance",
                "Service levels",
                "Categories",
                "Where the most points were lost",
                "All criteria",
                "Criterion",
                "Contract compliance",
                "SLA attainment",
            ],
        );
    }
    for pdf in ["reports/northwind-cx.pdf", "reports/comparison.pdf", "notices/notice-aero-support.pdf"] {
        assert_pdfa(&ws.join(pdf));
    }
}

#[test]
fn pdfinfo_shows_the_structure_with_headings_tables_and_figures() {
    let dir = sample();
    let ws = dir.path().join("ws");
    let Some(_) = pdfinfo_struct_text(&ws.join("reports/comparison.pdf")) else { return };
    let output =
        std::process::Command::new("pdfinfo").arg("-struct").arg(ws.join("reports/comparison.pdf")).output().unwrap();
    let tree = String::from_utf8(output.stdout).unwrap();
    // poppler prints one line per element, indented by depth.
    let lines: Vec<&str> = tree.lines().map(str::trim).collect();
    assert!(lines.iter().any(|l| l.starts_with("Document")), "{tree}");
    let headings: Vec<&&str> = lines.iter().filter(|l| l.starts_with("H1") || l.starts_with("H2")).collect();
    assert!(headings.len() >= 5, "{tree}");
    assert!(
        lines.iter().filter(|l| l.starts_with("Table")).count() >= 3,
        "ranking, categories, contract and SLA: {tree}"
    );
    assert!(lines.iter().any(|l| l.starts_with("Figure")), "{tree}");
}

#[test]
fn the_language_setting_becomes_lang() {
    let dir = sample();
    let ws = dir.path().join("ws");
    let settings = std::fs::read_to_string(ws.join("vendorscore.toml")).unwrap();
    std::fs::write(ws.join("vendorscore.toml"), format!("{settings}\n[report]\nlanguage = \"en-GB\"\n")).unwrap();
    let output = vendorscore(&ws).args(["report", "vendors/northwind-cx", "--out", "gb", "--force"]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    check_tree(&ws.join("gb/northwind-cx.pdf"), "en-GB");
    // The HTML reports say the same language.
    let output = vendorscore(&ws).args(["report", "--out", "gb-html", "--format", "html"]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    for file in ["northwind-cx.html", "comparison.html"] {
        let html = std::fs::read_to_string(ws.join("gb-html").join(file)).unwrap();
        assert!(html.contains(r#"<html lang="en-GB">"#), "{file}: {}", &html[..html.len().min(200)]);
    }
}
