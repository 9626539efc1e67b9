//! The structure tree of a tagged PDF (ISO 32000-1, 14.7 and 14.8), written
//! from what the canvas recorded: one `StructElem` per element, each page's
//! `/StructParents` key into a `/ParentTree` that maps every MCID back to
//! its element, `/MarkInfo << /Marked true >>` and `/Lang`.

use lopdf::{Dictionary, Document, Object, ObjectId};

use super::canvas::{Kid, Structure};

/// Write `structure` into `doc`, whose pages are in the canvas's order.
pub fn write(doc: &mut Document, structure: &Structure, lang: &str) {
    let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
    let root_id = doc.new_object_id();
    let ids: Vec<ObjectId> = structure.elements.iter().map(|_| doc.new_object_id()).collect();
    // Per page, the element that owns each MCID.
    let mut owners: Vec<Vec<Option<ObjectId>>> = structure.mcids.iter().map(|&n| vec![None; n as usize]).collect();
    for (index, element) in structure.elements.iter().enumerate() {
        let first_page = element.kids.iter().find_map(|kid| match kid {
            Kid::Content { page, .. } => Some(*page),
            Kid::Element(_) => None,
        });
        let kids: Vec<Object> = element
            .kids
            .iter()
            .map(|kid| match *kid {
                Kid::Element(child) => Object::Reference(ids[child]),
                Kid::Content { page, mcid } => {
                    owners[page][mcid as usize] = Some(ids[index]);
                    if Some(page) == first_page {
                        Object::Integer(mcid.into())
                    } else {
                        Object::Dictionary(Dictionary::from_iter(vec![
                            ("Type", Object::Name(b"MCR".to_vec())),
                            ("Pg", Object::Reference(pages[page])),
                            ("MCID", Object::Integer(mcid.into())),
                        ]))
                    }
                }
            })
            .collect();
        let parent = element.parent.map_or(root_id, |p| ids[p]);
        let mut dict = Dictionary::from_iter(vec![
            ("Type", Object::Name(b"StructElem".to_vec())),
            ("S", Object::Name(element.role.name().as_bytes().to_vec())),
            ("P", Object::Reference(parent)),
            ("K", Object::Array(kids)),
        ]);
        if let Some(page) = first_page {
            dict.set("Pg", Object::Reference(pages[page]));
        }
        if let Some(alt) = &element.alt {
            dict.set("Alt", super::archive::text(alt));
        }
        if element.scope.is_some() || element.colspan.is_some() {
            let mut attributes = Dictionary::from_iter(vec![("O", Object::Name(b"Table".to_vec()))]);
            if let Some(scope) = element.scope {
                attributes.set("Scope", Object::Name(scope.as_bytes().to_vec()));
            }
            if let Some(span) = element.colspan {
                attributes.set("ColSpan", Object::Integer(span.into()));
            }
            dict.set("A", Object::Dictionary(attributes));
        }
        doc.objects.insert(ids[index], Object::Dictionary(dict));
    }
    let mut nums = Vec::new();
    for (page, (page_id, owned)) in pages.iter().zip(&owners).enumerate() {
        if let Ok(dict) = doc.get_dictionary_mut(*page_id) {
            dict.set("StructParents", Object::Integer(page as i64));
        }
        nums.push(Object::Integer(page as i64));
        nums.push(Object::Array(owned.iter().map(|o| o.map_or(Object::Null, Object::Reference)).collect()));
    }
    let root = Dictionary::from_iter(vec![
        ("Type", Object::Name(b"StructTreeRoot".to_vec())),
        ("K", Object::Reference(ids[0])),
        ("ParentTree", Object::Dictionary(Dictionary::from_iter(vec![("Nums", Object::Array(nums))]))),
        ("ParentTreeNextKey", Object::Integer(pages.len() as i64)),
    ]);
    doc.objects.insert(root_id, Object::Dictionary(root));
    if let Ok(catalog) = doc.catalog_mut() {
        catalog.set("StructTreeRoot", Object::Reference(root_id));
        catalog.set("MarkInfo", Object::Dictionary(Dictionary::from_iter(vec![("Marked", Object::Boolean(true))])));
        catalog.set("Lang", super::archive::text(lang));
    }
}
