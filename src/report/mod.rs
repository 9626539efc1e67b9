//! Reports: the view model (`view`) rendered as PDF (`pdf`), Markdown and
//! HTML (`templates`) or JSON. Pure apart from reading templates: the caller
//! passes the date, fonts and ledger entry, and writes the files.

pub mod history;
pub mod pdf;
pub mod templates;
pub mod view;

use pdf::DocumentInfo;
use pdf::fonts::FontSet;
use templates::{TemplateError, Templates};
use view::{ComparisonView, ScorecardView};

/// A report format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Format {
    Pdf,
    Html,
    Md,
    Json,
}

impl Format {
    pub const ALL: [Format; 4] = [Format::Pdf, Format::Html, Format::Md, Format::Json];

    pub fn extension(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Html => "html",
            Format::Md => "md",
            Format::Json => "json",
        }
    }

    pub fn parse(text: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.extension() == text)
    }
}

/// One file to write: its name in the output folder and its bytes.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// What every document of a run shares.
pub struct Renderer<'a> {
    pub fonts: FontSet,
    pub templates: &'a Templates,
    /// The creation date written into PDFs.
    pub created: jiff::civil::DateTime,
    /// The PDFs' author: the organisation, else the tool.
    pub author: String,
    /// The language of the text, `[report] language` (default `en`).
    pub language: String,
}

impl Renderer<'_> {
    /// A vendor's scorecard in `format`.
    pub fn scorecard(&self, view: &ScorecardView, format: Format) -> Result<Rendered, TemplateError> {
        let stem = &view.vendor.id;
        let bytes = match format {
            Format::Json => json_bytes(view),
            Format::Md => self.templates.render("scorecard.md.j2", &self.context(view))?.into_bytes(),
            Format::Html => self.templates.render("scorecard.html.j2", &self.context(view))?.into_bytes(),
            Format::Pdf => {
                let info = DocumentInfo {
                    title: format!("Scorecard: {}", view.vendor.name),
                    author: self.author.clone(),
                    subject: format!(
                        "Vendor scorecard: {} against rubric {} {}, as of {}",
                        view.vendor.name,
                        view.provenance.rubric.id,
                        view.provenance.rubric.version,
                        view.provenance.as_of
                    ),
                    keywords: vec![
                        "vendor scorecard".to_owned(),
                        view.vendor.id.clone(),
                        view.provenance.rubric.id.clone(),
                        view.status.to_owned(),
                    ],
                    creator: view.provenance.tool.clone(),
                    language: self.language.clone(),
                    created: self.created,
                };
                pdf::scorecard_pdf(view, &self.fonts, &info, &json_text(view))
            }
        };
        Ok(Rendered { name: format!("{stem}.{}", format.extension()), bytes })
    }

    /// An award notice in `format` (Markdown, or that Markdown typeset as PDF).
    pub fn notice(
        &self,
        view: &crate::pipeline::notice::NoticeView,
        format: Format,
    ) -> Result<Rendered, TemplateError> {
        let text = self.templates.render(crate::pipeline::notice::TEMPLATE, view)?;
        let bytes = match format {
            Format::Pdf => {
                let info = DocumentInfo {
                    title: format!("Award notice: {}", view.recipient.name),
                    author: self.author.clone(),
                    subject: format!(
                        "Award notice to {}: contract awarded to {}; standstill ends {} {}",
                        view.recipient.name, view.winner.name, view.standstill_end, view.standstill_end_time
                    ),
                    keywords: vec!["award notice".to_owned(), view.recipient.id.clone(), view.winner.id.clone()],
                    creator: view.provenance.tool.clone(),
                    language: self.language.clone(),
                    created: self.created,
                };
                pdf::notice_pdf(&text, &view.provenance, &self.fonts, &info, &json_text(view))
            }
            _ => text.into_bytes(),
        };
        Ok(Rendered { name: format!("notice-{}.{}", view.recipient.id, format.extension()), bytes })
    }

    /// The comparison of all vendors in `format`.
    pub fn comparison(&self, view: &ComparisonView, format: Format) -> Result<Rendered, TemplateError> {
        let bytes = match format {
            Format::Json => json_bytes(view),
            Format::Md => self.templates.render("comparison.md.j2", &self.context(view))?.into_bytes(),
            Format::Html => self.templates.render("comparison.html.j2", &self.context(view))?.into_bytes(),
            Format::Pdf => {
                let info = DocumentInfo {
                    title: format!("Vendor comparison: {}", view.provenance.rubric.name),
                    author: self.author.clone(),
                    subject: format!(
                        "{} vendors ranked against rubric {} {}, as of {}",
                        view.vendors.len(),
                        view.provenance.rubric.id,
                        view.provenance.rubric.version,
                        view.provenance.as_of
                    ),
                    keywords: vec!["vendor comparison".to_owned(), view.provenance.rubric.id.clone()],
                    creator: view.provenance.tool.clone(),
                    language: self.language.clone(),
                    created: self.created,
                };
                pdf::comparison_pdf(view, &self.fonts, &info, &json_text(view))
            }
        };
        Ok(Rendered { name: format!("comparison.{}", format.extension()), bytes })
    }
}

impl Renderer<'_> {
    /// A template's context: the view's fields, and `language`, the
    /// language of the text (`<html lang>`), as the PDFs' `/Lang`.
    fn context(&self, view: &impl serde::Serialize) -> minijinja::Value {
        minijinja::context! { language => &self.language, ..minijinja::Value::from_serialize(view) }
    }
}

fn json_bytes(view: &impl serde::Serialize) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(view).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

fn json_text(view: &impl serde::Serialize) -> String {
    serde_json::to_string(view).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::view::*;
    use super::*;

    fn view(vendor: &str, score: f64) -> ScorecardView {
        ScorecardView {
            provenance: Provenance {
                tool: "vendorscore test".into(),
                organisation: Some("Example Retail GmbH".into()),
                workspace: None,
                as_of: "2026-11-21".into(),
                rubric: RubricRef {
                    id: "r".into(),
                    name: "R".into(),
                    version: "1.0.0".into(),
                    sha256: "ab".repeat(32),
                },
                ledger_seq: Some(7),
            },
            vendor: VendorRef {
                id: vendor.into(), name: format!("{vendor} Łódź Sp. z o.o."), folder: String::new()
            },
            score,
            status: "qualified",
            status_label: "Qualified",
            rank: Some(1),
            of: 2,
            coverage: 100.0,
            pass_mark: Some(60.0),
            gates_failed: vec![],
            categories: vec![CategoryView {
                id: "c".into(),
                name: "Category".into(),
                score,
                effective_weight: 100.0,
                points: score,
                included: true,
            }],
            losses: vec![],
            criteria: vec![],
            flags: vec![],
            findings: None,
            sla: None,
            history: None,
            robustness: None,
            glance: None,
        }
    }

    /// What lets `archive` skip lopdf's prune and renumber passes.
    #[test]
    fn every_object_written_is_referenced_and_numbered_from_one() {
        let templates = Templates::new(None);
        let renderer = Renderer {
            fonts: FontSet::default(),
            templates: &templates,
            created: crate::model::utc_datetime(1_795_255_200).unwrap(),
            author: "x".into(),
            language: "en".into(),
        };
        let card = view("alpha", 81.5);
        let notice = pdf::notice_pdf(
            "# Notice\n\nDear Łódź,\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
            &card.provenance,
            &renderer.fonts,
            &pdf::DocumentInfo {
                title: "t".into(),
                author: "a".into(),
                subject: "s".into(),
                keywords: vec![],
                creator: "c".into(),
                language: "en".into(),
                created: renderer.created,
            },
            "{}",
        );
        for bytes in [renderer.scorecard(&card, Format::Pdf).unwrap().bytes, notice] {
            let mut doc = lopdf::Document::load_mem(&bytes).unwrap();
            let ids: Vec<(u32, u16)> = doc.objects.keys().copied().collect();
            assert_eq!(ids, (1..=ids.len() as u32).map(|id| (id, 0)).collect::<Vec<_>>());
            assert_eq!(doc.prune_objects(), [], "no object is unreferenced");
        }
    }

    #[test]
    fn a_pdf_is_the_same_bytes_alone_and_after_other_documents() {
        let templates = Templates::new(None);
        let created = crate::model::utc_datetime(1_795_255_200).unwrap();
        let renderer = Renderer {
            fonts: FontSet::default(),
            templates: &templates,
            created,
            author: "x".into(),
            language: "en".into(),
        };
        let first = renderer.scorecard(&view("alpha", 81.5), Format::Pdf).unwrap().bytes;
        let other = renderer.scorecard(&view("beta", 40.0), Format::Pdf).unwrap().bytes;
        let again = renderer.scorecard(&view("alpha", 81.5), Format::Pdf).unwrap().bytes;
        assert_eq!(first, again, "no process-global counter leaks into the output");
        assert_ne!(first, other);
    }
}
