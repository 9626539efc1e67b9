//! PDF scorecards and the comparison, drawn with printpdf's operations and
//! made PDF/A-1b by post-processing with lopdf. Deterministic: fonts carry
//! fixed ids, dates and the document id come from the caller.

mod archive;
mod canvas;
mod comparison;
mod deflate;
pub mod fonts;
mod history;
mod notice;
mod robustness;
mod scorecard;
mod tags;

use std::collections::{BTreeMap, BTreeSet};

use printpdf::{FontId, Mm, Op, PdfDocument, PdfFont, PdfFontHandle, PdfPage, PdfSaveOptions, TextItem};

pub use archive::{DATA_NAMESPACE, DocumentInfo};
use canvas::{Canvas, Colour, MARGIN, PAGE_HEIGHT, Structure, Style};
use fonts::{Face, FontSet};

use super::view::{ComparisonView, Provenance, ScorecardView};

/// Render one vendor's scorecard.
/// `data` is the scorecard's JSON, carried in the XMP packet.
pub fn scorecard_pdf(view: &ScorecardView, fonts: &FontSet, info: &DocumentInfo, data: &str) -> Vec<u8> {
    let mut canvas = Canvas::new(fonts.clone());
    scorecard::draw(&mut canvas, view);
    finish(canvas, &view.provenance, info, data)
}

/// Render the comparison of all vendors.
pub fn comparison_pdf(view: &ComparisonView, fonts: &FontSet, info: &DocumentInfo, data: &str) -> Vec<u8> {
    let mut canvas = Canvas::new(fonts.clone());
    comparison::draw(&mut canvas, view);
    finish(canvas, &view.provenance, info, data)
}

/// Typeset an award notice from the text its template rendered.
pub fn notice_pdf(text: &str, provenance: &Provenance, fonts: &FontSet, info: &DocumentInfo, data: &str) -> Vec<u8> {
    let mut canvas = Canvas::new(fonts.clone());
    notice::draw(&mut canvas, text);
    finish(canvas, provenance, info, data)
}

/// Footers ("page N of M" needs the page count), then the document.
fn finish(mut canvas: Canvas, provenance: &Provenance, info: &DocumentInfo, data: &str) -> Vec<u8> {
    let pages = canvas.page_count();
    let style = Style::new(Face::Regular, 7.0, Colour::MUTED);
    let ledger = provenance.ledger_seq.map_or("not recorded (dry run)".to_owned(), |seq| seq.to_string());
    let left = format!(
        "{} · rubric {} {} sha256 {} · ledger entry {ledger}",
        provenance.tool,
        provenance.rubric.id,
        provenance.rubric.version,
        &provenance.rubric.sha256[..12.min(provenance.rubric.sha256.len())]
    );
    let baseline = PAGE_HEIGHT - MARGIN + 6.0;
    // Footers are pagination artifacts, outside the structure tree.
    canvas.artifact(|canvas| {
        for page in 0..pages {
            let number = format!("page {} of {pages}", page + 1);
            let width = canvas.fonts.width(style.face, style.size, &number);
            let room = canvas::CONTENT_WIDTH - width - 12.0;
            let left = canvas.fonts.ellipsize(style.face, style.size, &left, room);
            canvas.text_on(page, MARGIN, baseline, style, &left);
            canvas.text_on(page, canvas::PAGE_WIDTH - MARGIN - width, baseline, style, &number);
        }
    });
    let fonts = canvas.fonts.clone();
    let (pages, structure) = canvas.into_parts();
    document(pages, &structure, &fonts, info, data)
}

fn document(pages: Vec<Vec<Op>>, structure: &Structure, fonts: &FontSet, info: &DocumentInfo, data: &str) -> Vec<u8> {
    let mut doc = PdfDocument::new(&info.title);
    let used = characters_by_font(&pages);
    let builtin = [Face::Regular, Face::Bold].map(|face| fonts.metrics(face));
    for metrics in builtin.into_iter().chain(fonts.fallbacks.iter().map(|f| &**f)) {
        let Some(chars) = used.get(&metrics.id) else { continue };
        // A font read at the start of the run embeds again here.
        if let Some(font) = metrics.embeddable(chars) {
            doc.resources.fonts.map.insert(metrics.id.clone(), PdfFont::new(font));
        }
    }
    // printpdf's /Info and metadata are replaced as a whole in `archive`.
    doc.with_pages(pages.into_iter().map(|ops| PdfPage::new(Mm(210.0), Mm(297.0), ops)).collect());
    // The document id depends only on what the document shows.
    let digest = <sha2::Sha256 as sha2::Digest>::digest(data.as_bytes());
    let mut id = [0u8; 16];
    id.copy_from_slice(&digest[..16]);
    let options = PdfSaveOptions { subset_fonts: true, ..Default::default() };
    let mut lopdf_doc = doc.to_lopdf_document(&options, &mut Vec::new());
    tags::write(&mut lopdf_doc, structure, &info.language);
    archive::make_pdfa(&mut lopdf_doc, info, &id, Some(data));
    deflate::compress(&mut lopdf_doc);
    let mut bytes = Vec::new();
    // Writing to memory cannot fail.
    let _ = lopdf_doc.save_to(&mut bytes);
    bytes
}

/// The characters each font sets in `pages`.
fn characters_by_font(pages: &[Vec<Op>]) -> BTreeMap<FontId, BTreeSet<char>> {
    let mut used: BTreeMap<FontId, BTreeSet<char>> = BTreeMap::new();
    for ops in pages {
        let mut font = None;
        for op in ops {
            match op {
                Op::SetFont { font: PdfFontHandle::External(id), .. } => font = Some(id),
                Op::ShowText { items } => {
                    let Some(id) = font else { continue };
                    let chars = used.entry(id.clone()).or_default();
                    for item in items {
                        if let TextItem::Text(text) = item {
                            chars.extend(text.chars());
                        }
                    }
                }
                _ => {}
            }
        }
    }
    used
}
