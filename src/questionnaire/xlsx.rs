//! The questionnaire workbook (SPEC section 10), written with
//! `rust_xlsxwriter`: `Instructions`, `Vendor`, `Questionnaire` and the
//! hidden `_meta`. Every text goes in with `write_string`, so a value
//! starting with `=`, `+`, `-` or `@` stays text and is never a formula.

use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, DataValidationRule, DocProperties, ExcelDateTime, Format, FormatBorder,
    Workbook, Worksheet, XlsxError,
};

use super::{AnswerKind, HEADERS, INSTRUCTIONS, META, QUESTIONNAIRE, Question, VENDOR, VENDOR_FIELDS};

/// Everything a workbook shows.
pub struct WorkbookContent<'a> {
    pub instructions: &'a [String],
    pub vendor: &'a [(String, String)],
    pub rows: &'a [Question],
    pub meta: &'a [(String, String)],
    /// Seconds since 1970, the documents' creation time (reproducible with a fixed clock).
    pub created: i64,
}

/// Column widths of the Questionnaire sheet, by header.
const WIDTHS: [f64; 8] = [30.0, 20.0, 45.0, 45.0, 28.0, 22.0, 30.0, 30.0];
/// Columns (0-based) a bidder fills: Answer, Evidence, Note.
const ANSWER: u16 = 5;

/// The workbook's bytes.
pub fn workbook(content: &WorkbookContent) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let created = ExcelDateTime::from_timestamp(content.created)?;
    book.set_properties(&DocProperties::new().set_creation_datetime(&created).set_author("vendorscore"));
    let text = Format::new().set_text_wrap().set_align(rust_xlsxwriter::FormatAlign::Top);
    let header = Format::new().set_bold().set_background_color("D9D9D9").set_border(FormatBorder::Thin).set_text_wrap();
    let open = text.clone().set_unlocked().set_background_color("FFFFFF").set_border(FormatBorder::Thin);
    let fixed = text.clone().set_background_color("F2F2F2");

    let sheet = book.add_worksheet();
    sheet.set_name(INSTRUCTIONS)?;
    sheet.set_column_width(0, 110)?;
    for (row, line) in content.instructions.iter().enumerate() {
        let format = if row == 0 { header.clone() } else { text.clone() };
        sheet.write_string_with_format(row as u32, 0, line, &format)?;
    }
    sheet.protect();
    print_setup(sheet);

    let sheet = book.add_worksheet();
    sheet.set_name(VENDOR)?;
    sheet.set_column_width(0, 16)?;
    sheet.set_column_width(1, 50)?;
    sheet.write_string_with_format(0, 0, "Field", &header)?;
    sheet.write_string_with_format(0, 1, "Value", &header)?;
    for (i, field) in VENDOR_FIELDS.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_string_with_format(row, 0, *field, &fixed)?;
        match content.vendor.iter().find(|(k, _)| k == field) {
            Some((_, value)) => sheet.write_string_with_format(row, 1, value, &open)?,
            None => sheet.write_blank(row, 1, &open)?,
        };
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.protect();
    print_setup(sheet);

    let sheet = book.add_worksheet();
    sheet.set_name(QUESTIONNAIRE)?;
    for (col, (name, width)) in HEADERS.iter().zip(WIDTHS).enumerate() {
        sheet.set_column_width(col as u16, width)?;
        sheet.write_string_with_format(0, col as u16, *name, &header)?;
    }
    for (i, question) in content.rows.iter().enumerate() {
        let row = i as u32 + 1;
        let cells = [&question.id, &question.category, &question.question, &question.guidance, &question.format];
        for (col, value) in cells.into_iter().enumerate() {
            sheet.write_string_with_format(row, col as u16, value, &fixed)?;
        }
        for col in ANSWER..=ANSWER + 2 {
            sheet.write_blank(row, col, &open)?;
        }
        if let Some(validation) = validation(question)? {
            sheet.add_data_validation(row, ANSWER, row, ANSWER, &validation)?;
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.set_repeat_rows(0, 0)?;
    sheet.protect();
    print_setup(sheet);
    sheet.set_landscape();
    sheet.set_active(true);

    let sheet = book.add_worksheet();
    sheet.set_name(META)?;
    sheet.write_string(0, 0, "key")?;
    sheet.write_string(0, 1, "value")?;
    for (i, (key, value)) in content.meta.iter().enumerate() {
        sheet.write_string(i as u32 + 1, 0, key)?;
        sheet.write_string(i as u32 + 1, 1, value)?;
    }
    sheet.set_column_width(0, 40)?;
    sheet.set_column_width(1, 70)?;
    sheet.set_hidden(true);
    sheet.protect();

    book.save_to_buffer()
}

fn print_setup(sheet: &mut Worksheet) {
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_print_gridlines(true);
}

/// The answer cell's validation: a list, or a decimal, with a prompt and a stop-style error.
fn validation(question: &Question) -> Result<Option<DataValidation>, XlsxError> {
    let (rule, prompt) = match &question.kind {
        AnswerKind::SetHeader => return Ok(None),
        AnswerKind::Scale { labels, .. } => {
            (DataValidation::new().allow_list_strings(labels)?, format!("Choose one: {}", labels.join(", ")))
        }
        AnswerKind::Boolean | AnswerKind::SetOption { .. } => {
            (DataValidation::new().allow_list_strings(&["Yes", "No"])?, "Choose Yes or No".to_owned())
        }
        AnswerKind::Number { range: Some((lo, hi)) } => (
            DataValidation::new().allow_decimal_number(DataValidationRule::Between(*lo, *hi)),
            format!("A number from {lo} to {hi}"),
        ),
        AnswerKind::Number { range: None } => (
            DataValidation::new().allow_decimal_number(DataValidationRule::Between(-1e15, 1e15)),
            "A number".to_owned(),
        ),
        AnswerKind::Price => (
            DataValidation::new().allow_decimal_number(DataValidationRule::GreaterThan(0.0)),
            "A price greater than 0".to_owned(),
        ),
    };
    let prompt = match &question.unit {
        Some(unit) if !matches!(question.kind, AnswerKind::Scale { .. } | AnswerKind::Boolean) => {
            format!("{prompt} ({unit})")
        }
        _ => prompt,
    };
    let prompt: String = prompt.chars().take(250).collect();
    let title: String = question.id.chars().take(32).collect();
    let error: String = format!("Not allowed here. {prompt}").chars().take(250).collect();
    Ok(Some(
        rule.set_input_title(title.clone())?
            .set_input_message(prompt)?
            .set_error_title(title)?
            .set_error_message(error)?
            .set_error_style(DataValidationErrorStyle::Stop),
    ))
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use calamine::{Reader, Xlsx, open_workbook_from_rs};

    use super::*;

    #[test]
    fn text_that_looks_like_a_formula_is_written_as_text() {
        let vendor =
            vec![("name".to_owned(), "=HYPERLINK(\"http://x\")".to_owned()), ("contact".to_owned(), "@ops".to_owned())];
        let meta = vec![("format".to_owned(), "+1".to_owned())];
        let content =
            WorkbookContent { instructions: &["-x".to_owned()], vendor: &vendor, rows: &[], meta: &meta, created: 0 };
        let bytes = workbook(&content).unwrap();
        let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
        for sheet in [INSTRUCTIONS, VENDOR, META] {
            let formulas = book.worksheet_formula(sheet).unwrap();
            assert!(formulas.used_cells().next().is_none(), "{sheet} holds a formula");
        }
        let values = book.worksheet_range(VENDOR).unwrap();
        assert_eq!(values.get_value((2, 1)).unwrap().to_string(), "=HYPERLINK(\"http://x\")");
    }
}
