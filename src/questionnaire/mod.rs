//! Questionnaires (SPEC section 10): the rubric's vendor-answered criteria
//! laid out as questions a bidder answers in a workbook or a browser, and
//! the answers read back.
//!
//! - this file: the layout (one [`Question`] per row) and the question hashes;
//! - [`xlsx`]: the workbook, written with `rust_xlsxwriter`;
//! - [`html`]: the offline HTML form that saves the answers JSON;
//! - [`read`]: cells of a returned workbook (`calamine`) and an answers JSON, as [`Filled`];
//! - [`resolve`]: filled answers → the `vendor.toml` text, every problem a located diagnostic.
//!
//! Nothing here touches the disk: callers hand in bytes and take bytes back.

pub mod html;
pub mod read;
pub mod resolve;
pub mod xlsx;

use crate::audit::hash::sha256_hex;
use crate::model::{AnswerSource, Criterion, NumberScoring, Rubric, Scoring};

pub use read::{Filled, FilledAnswer, RawValue, Where};

/// Read a returned questionnaire (a workbook, or an answers JSON when `file`
/// ends in `.json`) against `rubric`: the answers in rubric order, or `None`
/// when the file cannot be read at all; every problem goes to `out`. The
/// JSON's text comes back too, for diagnostics that point into it.
pub fn diagnose(
    rubric: &Rubric,
    file: &str,
    bytes: &[u8],
    out: &mut crate::diag::Diagnostics,
) -> (Option<Filled>, Vec<resolve::Resolved>, Option<crate::source::SourceFile>) {
    let json = file.to_ascii_lowercase().ends_with(".json");
    let (filled, source) = if json {
        let text = String::from_utf8_lossy(bytes).into_owned();
        (read::read_answers_json(&text, file, out), Some(crate::source::SourceFile::new(file, text)))
    } else {
        (read::read_workbook(bytes, file, out), None)
    };
    let mut answers = Vec::new();
    if let Some(filled) = &filled {
        resolve::check_stamp(filled, &RubricStamp::of(rubric), json, file, out);
        let source = if filled.meta.contains_key("evaluator") { AnswerSource::Panel } else { AnswerSource::Vendor };
        answers = resolve::resolve(filled, &layout_of(rubric, source), file, out);
    }
    (filled, answers, source)
}

/// `_meta` `format` of a workbook this version writes and reads.
pub const WORKBOOK_FORMAT: &str = "vendorscore-questionnaire/1";
/// `format` of an answers JSON.
pub const ANSWERS_FORMAT: &str = "vendorscore-answers/1";
/// The sheets, in order.
pub const INSTRUCTIONS: &str = "Instructions";
pub const VENDOR: &str = "Vendor";
pub const QUESTIONNAIRE: &str = "Questionnaire";
pub const META: &str = "_meta";
/// The `Questionnaire` headers, in order (readers find them by text).
pub const HEADERS: [&str; 8] =
    ["ID", "Category", "Question", "Guidance", "Answer format", "Answer", "Evidence", "Note"];
/// The `Vendor` rows (the `[vendor]` table).
pub const VENDOR_FIELDS: [&str; 5] = ["id", "name", "country", "website", "contact"];

/// What an answer cell takes.
#[derive(Debug, Clone, PartialEq)]
pub enum AnswerKind {
    /// A level label (any case) or its score.
    Scale { labels: Vec<String>, scores: Vec<i64> },
    /// Yes/No.
    Boolean,
    /// A number, within `range` when the criterion has one.
    Number { range: Option<(f64, f64)> },
    /// A number > 0.
    Price,
    /// The row of a set criterion itself: no answer, evidence and note only.
    SetHeader,
    /// One option of a set: Yes/No.
    SetOption { option: String },
}

/// One row of the `Questionnaire` sheet.
#[derive(Debug, Clone)]
pub struct Question {
    /// `category.criterion`, or `category.criterion[option]` for a set option.
    pub id: String,
    /// The criterion's full id.
    pub criterion: String,
    pub category: String,
    pub question: String,
    pub guidance: String,
    pub format: String,
    pub kind: AnswerKind,
    pub unit: Option<String>,
}

impl Question {
    /// SHA-256 (hex) of the question text, as `_meta` records it.
    pub fn hash(&self) -> String {
        question_hash(&self.question)
    }
}

/// SHA-256 (hex) of a question text.
pub fn question_hash(text: &str) -> String {
    sha256_hex(text.as_bytes())
}

/// The rows of the bidder's questionnaire: the vendor-answered criteria, in rubric order.
pub fn layout(rubric: &Rubric) -> Vec<Question> {
    layout_of(rubric, AnswerSource::Vendor)
}

/// The rows for the criteria of one source: `Vendor` for the bidder,
/// `Panel` for an evaluator's sheet.
pub fn layout_of(rubric: &Rubric, source: AnswerSource) -> Vec<Question> {
    let mut rows = Vec::new();
    for (category, criterion) in rubric.criteria().filter(|(_, k)| k.source == source) {
        let base = |id: String, question: String, format: String, kind: AnswerKind| Question {
            id,
            criterion: criterion.full_id.clone(),
            category: category.name.clone(),
            question,
            guidance: criterion.guidance.clone().unwrap_or_default(),
            format,
            kind,
            unit: criterion.unit.clone(),
        };
        match &criterion.scoring {
            Scoring::Set { options, .. } => {
                let format = "Choose Yes or No for each option below".to_owned();
                rows.push(base(criterion.full_id.clone(), criterion.name.clone(), format, AnswerKind::SetHeader));
                for option in options {
                    let label = option.label.clone().unwrap_or_else(|| option.value.clone());
                    let mut row = base(
                        format!("{}[{}]", criterion.full_id, option.value),
                        format!("{}: {label}", criterion.name),
                        "Yes or No".to_owned(),
                        AnswerKind::SetOption { option: option.value.clone() },
                    );
                    row.guidance = String::new();
                    rows.push(row);
                }
            }
            _ => {
                let kind = answer_kind(criterion);
                rows.push(base(criterion.full_id.clone(), criterion.name.clone(), describe(criterion, &kind), kind));
            }
        }
    }
    rows
}

fn answer_kind(criterion: &Criterion) -> AnswerKind {
    match &criterion.scoring {
        Scoring::Scale { levels } => AnswerKind::Scale {
            labels: levels.iter().map(|l| l.label.clone()).collect(),
            scores: levels.iter().map(|l| l.score).collect(),
        },
        Scoring::Boolean => AnswerKind::Boolean,
        Scoring::Number(scoring) => AnswerKind::Number { range: number_range(criterion, scoring) },
        Scoring::Price { .. } => AnswerKind::Price,
        Scoring::Set { .. } => AnswerKind::SetHeader,
    }
}

/// The values a number can take: 0–100 for a percentage (a unit starting with `%`), else none.
fn number_range(criterion: &Criterion, _: &NumberScoring) -> Option<(f64, f64)> {
    criterion.unit.as_deref().filter(|u| u.trim_start().starts_with('%')).map(|_| (0.0, 100.0))
}

/// The `Answer format` text of a row.
fn describe(criterion: &Criterion, kind: &AnswerKind) -> String {
    let unit = criterion.unit.as_deref().map(|u| format!(" ({u})")).unwrap_or_default();
    match kind {
        AnswerKind::Scale { labels, .. } => format!("One of: {}", labels.join(", ")),
        AnswerKind::Boolean | AnswerKind::SetOption { .. } => "Yes or No".to_owned(),
        AnswerKind::Number { range: Some((lo, hi)) } => format!("A number from {lo} to {hi}{unit}"),
        AnswerKind::Number { range: None } => format!("A number{unit}"),
        AnswerKind::Price => format!("A price greater than 0{unit}"),
        AnswerKind::SetHeader => String::new(),
    }
}

/// What `_meta` and the answers JSON record about the rubric.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RubricStamp {
    pub id: String,
    pub version: String,
    pub sha256: String,
}

impl RubricStamp {
    pub fn of(rubric: &Rubric) -> RubricStamp {
        RubricStamp { id: rubric.id.clone(), version: rubric.version.clone(), sha256: rubric.sha256.clone() }
    }
}

/// What the export knows besides the rubric.
#[derive(Debug, Clone, Default)]
pub struct Tender {
    pub workspace: Option<String>,
    pub organisation: Option<String>,
    pub deadline: Option<String>,
    pub contact: Option<String>,
    /// `[vendor]` values to prefill (id, name, country, website, contact).
    pub vendor: Vec<(String, String)>,
    /// The as-of date, `_meta` `generated`.
    pub generated: String,
    /// A panel sheet's evaluator (`_meta` `evaluator`).
    pub evaluator: Option<String>,
}

/// The `_meta` rows of a questionnaire.
pub fn meta_rows(stamp: &RubricStamp, tender: &Tender, rows: &[Question]) -> Vec<(String, String)> {
    let mut meta = vec![
        ("format".to_owned(), WORKBOOK_FORMAT.to_owned()),
        ("rubric_id".to_owned(), stamp.id.clone()),
        ("rubric_version".to_owned(), stamp.version.clone()),
        ("rubric_sha256".to_owned(), stamp.sha256.clone()),
    ];
    if let Some((_, id)) = tender.vendor.iter().find(|(k, v)| k == "id" && !v.is_empty()) {
        meta.push(("vendor".to_owned(), id.clone()));
    }
    if let Some(evaluator) = &tender.evaluator {
        meta.push(("evaluator".to_owned(), evaluator.clone()));
    }
    meta.push(("generated".to_owned(), tender.generated.clone()));
    meta.extend(rows.iter().map(|q| (format!("row:{}", q.id), q.hash())));
    meta
}

/// The instructions, one paragraph per line.
pub fn instructions(rubric: &Rubric, tender: &Tender) -> Vec<String> {
    let mut lines = vec![format!("Questionnaire: {} (version {})", rubric.name, rubric.version)];
    if let Some(name) = &tender.workspace {
        lines.push(format!("Tender: {name}"));
    }
    if let Some(org) = &tender.organisation {
        lines.push(format!("Organisation: {org}"));
    }
    if let Some(deadline) = &tender.deadline {
        lines.push(format!("Deadline: {deadline}"));
    }
    if let Some(contact) = &tender.contact {
        lines.push(format!("Contact: {contact}"));
    }
    if let Some(evaluator) = &tender.evaluator {
        let vendor = tender.vendor.iter().find(|(k, _)| k == "id").map_or("", |(_, v)| v.as_str());
        lines.push(format!("Panel sheet of {evaluator} for the vendor {vendor}: score each criterion by its levels."));
    }
    lines.extend(
        [
            "",
            "Fill in only the white cells: the Vendor sheet's values and, on the Questionnaire sheet, the Answer, Evidence and Note columns. Do not change IDs or question texts.",
            "Answer formats:",
            "- One of: pick a level from the list (the label, or its score).",
            "- Yes or No: pick Yes or No. For a multiple-choice question, answer Yes or No on each option row under it.",
            "- A number: a plain number; the unit shown in the format may follow it. A percentage may be written 99.5 or 99.5 %.",
            "- A price: the amount, greater than 0, in the unit shown.",
            "Evidence: file names relative to the folder of documents you send with the questionnaire (e.g. evidence/iso27001.pdf), separated by ; or line breaks.",
            "Note: anything the evaluators should know about the answer.",
        ]
        .map(str::to_owned),
    );
    lines
}
