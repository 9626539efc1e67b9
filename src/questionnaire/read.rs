//! Reading a returned questionnaire: a workbook (with `calamine`, by header
//! text, so another program's workbook with its columns in another order
//! reads too) or an answers JSON. What is read is kept as written, with
//! where it was; [`super::resolve`] decides what it means.

use std::collections::BTreeMap;
use std::io::Cursor;
use std::ops::Range;

use calamine::{Data, Reader, StyleRange, Xlsx, open_workbook_from_rs};
use serde_json::Value;

use super::{ANSWERS_FORMAT, META, QUESTIONNAIRE, VENDOR};
use crate::diag::{CellRef, Code, Diagnostic, Diagnostics};

/// Where a value was read.
#[derive(Debug, Clone, PartialEq)]
pub enum Where {
    /// A workbook cell.
    Cell(CellRef),
    /// A byte range of an answers JSON.
    Span(Range<usize>),
    /// The file as a whole.
    File,
}

impl Where {
    /// A diagnostic at this place in `file`.
    pub fn diagnostic(&self, code: Code, file: &str, message: impl Into<String>) -> Diagnostic {
        match self {
            Where::Cell(cell) => Diagnostic::new(code, file, None, message).at_cell(cell.clone()),
            Where::Span(span) => Diagnostic::new(code, file, Some(span.clone()), message),
            Where::File => Diagnostic::new(code, file, None, message),
        }
    }
}

/// A value as the file holds it.
#[derive(Debug, Clone, PartialEq)]
pub enum RawValue {
    Empty,
    Text(String),
    /// A number; `percent` when the cell is formatted as a percentage (0.995 shown as 99.5 %).
    Number {
        value: f64,
        percent: bool,
    },
    Bool(bool),
    /// A list (answers JSON, set criteria).
    List(Vec<String>),
    /// A formula whose result was never computed and saved.
    NoCache {
        formula: String,
    },
    /// An Excel error value (`#DIV/0!`) or a date.
    Unusable(String),
}

/// One answered row.
#[derive(Debug, Clone)]
pub struct FilledAnswer {
    pub id: String,
    pub id_at: Where,
    pub value: RawValue,
    pub value_at: Where,
    pub evidence: Vec<String>,
    pub note: Option<String>,
    /// The question text as found, and where (workbooks only).
    pub question: Option<(String, Where)>,
}

/// A returned questionnaire, as read.
#[derive(Debug, Clone, Default)]
pub struct Filled {
    /// `_meta` keys (or the answers JSON's `format` and `rubric`), with where each was.
    pub meta: BTreeMap<String, (String, Where)>,
    /// `[vendor]` values given, in order.
    pub vendor: Vec<(String, String, Where)>,
    pub answers: Vec<FilledAnswer>,
}

/// One sheet's values, formulas and styles, addressed by absolute (row, column), 0-based.
struct Sheet {
    name: String,
    values: calamine::Range<Data>,
    formulas: calamine::Range<String>,
    styles: StyleRange,
}

impl Sheet {
    fn value(&self, row: u32, col: u32) -> &Data {
        self.values.get_value((row, col)).unwrap_or(&Data::Empty)
    }

    fn text(&self, row: u32, col: u32) -> String {
        match self.value(row, col) {
            Data::String(s) => s.trim().to_owned(),
            Data::Empty => String::new(),
            Data::Float(f) => f.to_string(),
            other => other.to_string(),
        }
    }

    fn cell(&self, row: u32, col: u32) -> CellRef {
        CellRef { sheet: self.name.clone(), row: row + 1, column: col + 1 }
    }

    fn last_row(&self) -> u32 {
        self.values.end().map_or(0, |(r, _)| r)
    }

    fn is_percent(&self, row: u32, col: u32) -> bool {
        let Some(format) = self.styles.get((row, col)).and_then(|s| s.number_format.as_ref()) else { return false };
        matches!(format.format_id, Some(9 | 10)) || is_percent_code(&format.format_code)
    }

    fn raw(&self, row: u32, col: u32) -> RawValue {
        match self.value(row, col) {
            Data::Empty => match self.formulas.get_value((row, col)) {
                Some(formula) if !formula.is_empty() => RawValue::NoCache { formula: formula.clone() },
                _ => RawValue::Empty,
            },
            Data::String(s) if s.trim().is_empty() => RawValue::Empty,
            Data::String(s) => RawValue::Text(s.clone()),
            Data::Float(f) => RawValue::Number { value: *f, percent: self.is_percent(row, col) },
            Data::Int(i) => RawValue::Number { value: *i as f64, percent: self.is_percent(row, col) },
            Data::Bool(b) => RawValue::Bool(*b),
            Data::DateTimeIso(s) | Data::DurationIso(s) => RawValue::Text(s.clone()),
            Data::DateTime(d) => RawValue::Unusable(format!("a date or time ({d})")),
            Data::Error(e) => RawValue::Unusable(format!("the error value {e}")),
        }
    }
}

/// Whether a number format code shows a percentage (a `%` outside quotes and escapes).
fn is_percent_code(code: &str) -> bool {
    let mut quoted = false;
    let mut chars = code.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => quoted = !quoted,
            '\\' => {
                chars.next();
            }
            '%' if !quoted => return true,
            _ => {}
        }
    }
    false
}

/// Read a workbook; `None` (reported) when it or its `Questionnaire` sheet cannot be read.
pub fn read_workbook(bytes: &[u8], file: &str, out: &mut Diagnostics) -> Option<Filled> {
    let mut book: Xlsx<_> = match open_workbook_from_rs(Cursor::new(bytes)) {
        Ok(book) => book,
        Err(error) => {
            out.push(
                Diagnostic::new(
                    Code::QuestionnaireLayout,
                    file,
                    None,
                    format!("not a readable xlsx workbook: {error}"),
                )
                .with_help("save the questionnaire as an Excel workbook (.xlsx)"),
            );
            return None;
        }
    };
    let names = book.sheet_names();
    let mut sheet = |name: &str, out: &mut Diagnostics| -> Option<Sheet> {
        if !names.iter().any(|n| n == name) {
            return None;
        }
        let read = (|| {
            let values = book.worksheet_range(name)?;
            let formulas = book.worksheet_formula(name)?;
            let styles = book.worksheet_style(name)?;
            Ok::<_, calamine::XlsxError>(Sheet { name: name.to_owned(), values, formulas, styles })
        })();
        match read {
            Ok(sheet) => Some(sheet),
            Err(error) => {
                out.push(Diagnostic::new(
                    Code::QuestionnaireLayout,
                    file,
                    None,
                    format!("the sheet `{name}` cannot be read: {error}"),
                ));
                None
            }
        }
    };
    let mut filled = Filled::default();
    if let Some(meta) = sheet(META, out) {
        for row in 1..=meta.last_row() {
            let key = meta.text(row, 0);
            if !key.is_empty() {
                filled.meta.insert(key, (meta.text(row, 1), Where::Cell(meta.cell(row, 1))));
            }
        }
    }
    if let Some(vendor) = sheet(VENDOR, out) {
        for row in 1..=vendor.last_row() {
            let (key, value) = (vendor.text(row, 0), vendor.text(row, 1));
            if !key.is_empty() && !value.is_empty() {
                filled.vendor.push((key, value, Where::Cell(vendor.cell(row, 1))));
            }
        }
    }
    let Some(questions) = sheet(QUESTIONNAIRE, out) else {
        if !out.has_errors() {
            out.push(
                Diagnostic::new(
                    Code::QuestionnaireLayout,
                    file,
                    None,
                    format!("the workbook has no sheet `{QUESTIONNAIRE}`"),
                )
                .with_help(format!("the sheets found: {}", names.join(", "))),
            );
        }
        return None;
    };
    // Columns by header text in row 1.
    let width = questions.values.end().map_or(0, |(_, c)| c);
    let column = |header: &str| (0..=width).find(|&c| questions.text(0, c).eq_ignore_ascii_case(header));
    let (Some(id_col), Some(answer_col)) = (column("ID"), column("Answer")) else {
        let missing: Vec<&str> = ["ID", "Answer"].into_iter().filter(|h| column(h).is_none()).collect();
        out.push(
            Diagnostic::new(
                Code::QuestionnaireLayout,
                file,
                None,
                format!("the sheet `{QUESTIONNAIRE}` has no header {} in row 1", missing.join(" or ")),
            )
            .at_cell(questions.cell(0, 0))
            .with_help(
                "row 1 holds the headers ID, Category, Question, Guidance, Answer format, Answer, Evidence, Note",
            ),
        );
        return None;
    };
    let (evidence_col, note_col, question_col) = (column("Evidence"), column("Note"), column("Question"));
    for row in 1..=questions.last_row() {
        let id = questions.text(row, id_col);
        if id.is_empty() {
            continue;
        }
        let text_of = |col: Option<u32>| col.map(|c| questions.text(row, c)).filter(|t| !t.is_empty());
        filled.answers.push(FilledAnswer {
            id,
            id_at: Where::Cell(questions.cell(row, id_col)),
            value: questions.raw(row, answer_col),
            value_at: Where::Cell(questions.cell(row, answer_col)),
            evidence: text_of(evidence_col).map(|t| split_evidence(&t)).unwrap_or_default(),
            note: text_of(note_col),
            question: question_col.map(|c| (questions.text(row, c), Where::Cell(questions.cell(row, c)))),
        });
    }
    Some(filled)
}

/// Evidence paths separated by `;` or line breaks.
pub fn split_evidence(text: &str) -> Vec<String> {
    text.split([';', '\n', '\r']).map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned).collect()
}

/// Read an answers JSON (`vendorscore-answers/1`); `None` (reported) when it is not one.
pub fn read_answers_json(text: &str, file: &str, out: &mut Diagnostics) -> Option<Filled> {
    let root: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(error) => {
            let offset = offset_of(text, error.line(), error.column());
            out.push(Diagnostic::new(Code::Syntax, file, Some(offset..offset), format!("not valid JSON: {error}")));
            return None;
        }
    };
    let Some(object) = root.as_object() else {
        out.push(Diagnostic::new(Code::QuestionnaireLayout, file, Some(0..1), "an answers file is a JSON object"));
        return None;
    };
    let mut filled = Filled::default();
    let key_at = |key: &str, after: usize| find_key(text, key, after).map_or(Where::File, Where::Span);
    if let Some(format) = object.get("format").and_then(Value::as_str) {
        filled.meta.insert("format".into(), (format.to_owned(), key_at("format", 0)));
    } else {
        out.push(Diagnostic::new(
            Code::QuestionnaireLayout,
            file,
            Some(0..1),
            format!("the answers file has no \"format\": \"{ANSWERS_FORMAT}\""),
        ));
        return None;
    }
    if let Some(rubric) = object.get("rubric").and_then(Value::as_object) {
        let at = key_at("rubric", 0);
        for (key, meta) in [("id", "rubric_id"), ("version", "rubric_version"), ("sha256", "rubric_sha256")] {
            if let Some(value) = rubric.get(key).and_then(Value::as_str) {
                filled.meta.insert(meta.into(), (value.to_owned(), at.clone()));
            }
        }
    }
    let vendor_start = find_key(text, "vendor", 0).map_or(0, |s| s.end);
    if let Some(vendor) = object.get("vendor").and_then(Value::as_object) {
        for (key, value) in vendor {
            if let Some(value) = value.as_str().filter(|v| !v.trim().is_empty()) {
                filled.vendor.push((key.clone(), value.trim().to_owned(), key_at(key, vendor_start)));
            }
        }
    }
    let answers_start = find_key(text, "answers", 0).map_or(0, |s| s.end);
    let Some(answers) = object.get("answers").and_then(Value::as_object) else {
        out.push(Diagnostic::new(
            Code::QuestionnaireLayout,
            file,
            Some(0..1),
            "the answers file has no \"answers\" object",
        ));
        return None;
    };
    for (id, entry) in answers {
        // serde_json keeps the last of two equal keys: find every occurrence in the text.
        let places = find_keys(text, id, answers_start);
        for extra in places.iter().skip(1) {
            filled.answers.push(FilledAnswer {
                id: id.clone(),
                id_at: Where::Span(extra.clone()),
                value: RawValue::Empty,
                value_at: Where::Span(extra.clone()),
                evidence: Vec::new(),
                note: None,
                question: None,
            });
        }
        let at = places.first().cloned().map_or(Where::File, Where::Span);
        let (value, evidence, note) = match entry {
            Value::Object(table) => (
                table.get("value").cloned().unwrap_or(Value::Null),
                table.get("evidence").cloned().unwrap_or(Value::Null),
                table.get("note").and_then(Value::as_str).map(str::to_owned).filter(|n| !n.trim().is_empty()),
            ),
            other => (other.clone(), Value::Null, None),
        };
        let value = match value {
            Value::Null => RawValue::Empty,
            Value::Bool(b) => RawValue::Bool(b),
            Value::Number(n) => RawValue::Number { value: n.as_f64().unwrap_or(f64::NAN), percent: false },
            Value::String(s) if s.trim().is_empty() => RawValue::Empty,
            Value::String(s) => RawValue::Text(s),
            Value::Array(items) => {
                RawValue::List(items.iter().map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_owned)).collect())
            }
            Value::Object(_) => RawValue::Unusable("an object".into()),
        };
        let evidence = match evidence {
            Value::String(s) => split_evidence(&s),
            Value::Array(items) => items.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
            _ => Vec::new(),
        };
        filled.answers.push(FilledAnswer {
            id: id.clone(),
            id_at: at.clone(),
            value,
            value_at: at,
            evidence,
            note,
            question: None,
        });
    }
    // Duplicates were pushed before the answer they repeat; keep text order.
    filled.answers.sort_by_key(|a| match &a.id_at {
        Where::Span(span) => span.start,
        _ => usize::MAX,
    });
    Some(filled)
}

/// The byte range of the first `"key"` (followed by `:`) at or after `after`.
fn find_key(text: &str, key: &str, after: usize) -> Option<Range<usize>> {
    find_keys(text, key, after).into_iter().next()
}

/// Every `"key":` at or after `after`, as byte ranges of the quoted key.
fn find_keys(text: &str, key: &str, after: usize) -> Vec<Range<usize>> {
    let quoted = serde_json::to_string(key).unwrap_or_default();
    let mut found = Vec::new();
    let mut from = after.min(text.len());
    while let Some(i) = text[from..].find(&quoted) {
        let start = from + i;
        let end = start + quoted.len();
        if text[end..].trim_start().starts_with(':') {
            found.push(start..end);
        }
        from = end;
    }
    found
}

/// The byte offset of a 1-based line and column.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
    (start + column.saturating_sub(1)).min(text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_formats_are_told_from_literal_percent_signs() {
        assert!(is_percent_code("0.0%"));
        assert!(is_percent_code("0%"));
        assert!(!is_percent_code("0\" %\""));
        assert!(!is_percent_code("0\\%"));
        assert!(!is_percent_code("General"));
    }

    /// A workbook as a spreadsheet program leaves it: a formula with its saved
    /// result, a percentage-formatted number, headers in another order.
    fn saved_by_a_spreadsheet() -> Vec<u8> {
        use rust_xlsxwriter::{Format, Formula, Workbook};
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        sheet.set_name(QUESTIONNAIRE).unwrap();
        sheet.write_string(0, 0, "Answer").unwrap();
        sheet.write_string(0, 1, "ID").unwrap();
        sheet.write_formula(1, 0, Formula::new("=40+41.5").set_result("81.5")).unwrap();
        sheet.write_string(1, 1, "sla.fcr").unwrap();
        sheet.write_number_with_format(2, 0, 0.995, &Format::new().set_num_format("0.0%")).unwrap();
        sheet.write_string(2, 1, "sla.voice_service_level").unwrap();
        sheet.write_boolean(3, 0, true).unwrap();
        sheet.write_string(3, 1, "security.mfa").unwrap();
        book.save_to_buffer().unwrap()
    }

    #[test]
    fn formulas_are_read_by_their_saved_result_and_percent_cells_as_percent() {
        let mut out = Diagnostics::default();
        let filled = read_workbook(&saved_by_a_spreadsheet(), "q.xlsx", &mut out).unwrap();
        assert!(out.is_empty());
        let values: Vec<(&str, &RawValue)> = filled.answers.iter().map(|a| (a.id.as_str(), &a.value)).collect();
        assert_eq!(
            values,
            [
                ("sla.fcr", &RawValue::Number { value: 81.5, percent: false }),
                ("sla.voice_service_level", &RawValue::Number { value: 0.995, percent: true }),
                ("security.mfa", &RawValue::Bool(true)),
            ]
        );
        let cell = CellRef { sheet: QUESTIONNAIRE.into(), row: 3, column: 1 };
        assert_eq!(filled.answers[1].value_at, Where::Cell(cell));
    }

    #[test]
    fn evidence_is_split_on_semicolons_and_line_breaks() {
        assert_eq!(split_evidence("a.pdf; b.pdf\nc.pdf;;"), ["a.pdf", "b.pdf", "c.pdf"]);
    }

    #[test]
    fn json_answers_are_located_and_duplicates_found() {
        let text = "{\"format\": \"vendorscore-answers/1\",\n \"answers\": {\"a.b\": 1,\n  \"a.b\": 2}}";
        let mut out = Diagnostics::default();
        let filled = read_answers_json(text, "x.json", &mut out).unwrap();
        assert_eq!(filled.answers.len(), 2);
        let Where::Span(first) = &filled.answers[0].id_at else { panic!() };
        let Where::Span(second) = &filled.answers[1].id_at else { panic!() };
        assert_eq!(&text[first.clone()], "\"a.b\"");
        assert!(second.start > first.start);
    }
}
