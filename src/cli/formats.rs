//! `--format`: one value enum of every format any command prints, so the
//! option stays global (before or after the command name) and completions
//! know its values, and the table of what each command can print. A command
//! given a format it cannot print refuses it before doing any work (exit 2,
//! naming the ones it can); its `--help` lists them from the same table.

use clap::ValueEnum;

/// A format some command prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A table for people
    Table,
    /// rustc-style diagnostics with the source line, on stderr
    Human,
    /// JSON
    Json,
    /// CSV (RFC 4180, a header row)
    Csv,
    /// The same CSV for Excel: a UTF-8 byte-order mark and CRLF record ends
    CsvExcel,
    /// An RFC 5545 calendar
    Ics,
    /// GitHub Actions workflow annotations
    Github,
    /// SARIF 2.1.0 (code scanning)
    Sarif,
    /// PDF documents
    Pdf,
    /// HTML documents
    Html,
    /// Markdown documents
    Md,
    /// An Excel workbook
    Xlsx,
}

use Format::*;

const DATA: &[Format] = &[Table, Json, Csv, CsvExcel];
const DIAGNOSTICS: &[Format] = &[Human, Json, Github, Sarif];
const LISTING: &[Format] = &[Table, Json];

/// What each command prints, its default first. A command not named here
/// prints no data, and refuses `--format`.
const PRINTS: &[(&str, &[Format])] = &[
    ("validate", DIAGNOSTICS),
    ("score", DATA),
    ("sensitivity", DATA),
    ("diff", DATA),
    ("check", DATA),
    ("sla", DATA),
    ("due", &[Table, Json, Csv, CsvExcel, Ics]),
    ("trend", DATA),
    ("report", &[Pdf, Html, Md, Json]),
    ("notice", &[Pdf, Md]),
    ("questionnaire export", &[Xlsx, Html]),
    ("questionnaire import", DIAGNOSTICS),
    ("audit verify", LISTING),
    ("audit log", LISTING),
    ("list", LISTING),
];

/// The commands that write several formats in one run (`--format pdf,md`).
const SEVERAL: &[&str] = &["report", "notice"];

impl Format {
    /// The name given to `--format`.
    pub fn name(self) -> &'static str {
        match self {
            Table => "table",
            Human => "human",
            Json => "json",
            Csv => "csv",
            CsvExcel => "csv-excel",
            Ics => "ics",
            Github => "github",
            Sarif => "sarif",
            Pdf => "pdf",
            Html => "html",
            Md => "md",
            Xlsx => "xlsx",
        }
    }
}

/// What `command` ("score", "audit log") prints, its default first; empty: no data.
pub fn printed_by(command: &str) -> &'static [Format] {
    PRINTS.iter().find(|(name, _)| *name == command).map_or(&[], |(_, formats)| formats)
}

/// The formats `given` checked against what `command` prints; none given:
/// its default. The error says what the command can print.
pub fn choose(command: &str, given: &[Format]) -> Result<Vec<Format>, String> {
    let accepted = printed_by(command);
    if accepted.is_empty() {
        return match given {
            [] => Ok(Vec::new()),
            _ => Err(format!("{command} prints no data and takes no --format")),
        };
    }
    if let Some(refused) = given.iter().find(|f| !accepted.contains(f)) {
        return Err(format!("{command} cannot print {}; use {}", refused.name(), or_list(accepted)));
    }
    let mut chosen: Vec<Format> = Vec::new();
    for format in given {
        if !chosen.contains(format) {
            chosen.push(*format);
        }
    }
    if chosen.len() > 1 && !SEVERAL.contains(&command) {
        return Err(format!("{command} prints one format at a time; use one of {}", or_list(accepted)));
    }
    if chosen.is_empty() {
        chosen.push(accepted[0]);
    }
    Ok(chosen)
}

/// "table, json or csv".
pub fn or_list(formats: &[Format]) -> String {
    let names: Vec<&str> = formats.iter().map(|f| f.name()).collect();
    match names.split_last() {
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// The line `--help` shows under a command that prints data.
fn help_line(command: &str, formats: &[Format]) -> String {
    let names: Vec<String> = formats
        .iter()
        .enumerate()
        .map(|(i, f)| if i == 0 { format!("{} (default)", f.name()) } else { f.name().to_owned() })
        .collect();
    let several = if SEVERAL.contains(&command) { ", several separated by commas" } else { "" };
    format!("Formats (--format{several}): {}.", names.join(", "))
}

/// `command` with each subcommand's help naming the formats it prints.
pub fn with_format_help(command: clap::Command) -> clap::Command {
    let mut command = command;
    for (path, formats) in PRINTS {
        let line = help_line(path, formats);
        let add = move |sub: clap::Command| {
            let after = match sub.get_after_help() {
                Some(existing) => format!("{line}\n{existing}"),
                None => line,
            };
            sub.after_help(after)
        };
        command = match path.split_once(' ') {
            Some((outer, inner)) => {
                let inner = inner.to_owned();
                command.mut_subcommand(outer, move |c| c.mut_subcommand(inner, add))
            }
            None => command.mut_subcommand(path, add),
        };
    }
    command
}

/// The UTF-8 byte-order mark Excel needs to read UTF-8 ("Müller", not "MÃ¼ller").
const EXCEL_BOM: &[u8] = "\u{feff}".as_bytes();

/// The CSV writer of every command: RFC 4180 records (quoted where a cell
/// holds a comma, a quote or a line break) ending in LF; for
/// [`Format::CsvExcel`] a byte-order mark first and CRLF record ends. A line
/// break inside a quoted cell is written as the cell holds it, never turned
/// into CRLF: RFC 4180's grammar takes CR and LF in a quoted field as part
/// of the value, and Excel keeps an in-cell break as LF (Alt+Enter) and
/// saves it so, so the cell reads back unchanged (see docs/commands.md).
pub fn csv_writer<W: std::io::Write>(mut out: W, format: Format) -> std::io::Result<csv::Writer<W>> {
    let mut builder = csv::WriterBuilder::new();
    if format == CsvExcel {
        out.write_all(EXCEL_BOM)?;
        builder.terminator(csv::Terminator::CRLF);
    }
    Ok(builder.from_writer(out))
}

/// A CSV writer's error as an IO error (a closed pipe stays one).
pub fn csv_io(error: csv::Error) -> std::io::Error {
    match error.into_kind() {
        csv::ErrorKind::Io(io) => io,
        other => std::io::Error::other(format!("{other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_gets_its_default_or_what_it_can_print() {
        assert_eq!(choose("score", &[]), Ok(vec![Table]));
        assert_eq!(choose("validate", &[]), Ok(vec![Human]));
        assert_eq!(choose("score", &[Csv]), Ok(vec![Csv]));
        assert_eq!(choose("score", &[Ics]), Err("score cannot print ics; use table, json, csv or csv-excel".into()));
        assert_eq!(choose("audit log", &[Csv]), Err("audit log cannot print csv; use table or json".into()));
        assert_eq!(choose("report", &[Md, Pdf, Md]), Ok(vec![Md, Pdf]));
        assert!(choose("score", &[Json, Csv]).unwrap_err().contains("one format at a time"));
        assert_eq!(choose("init", &[]), Ok(vec![]));
        assert_eq!(choose("init", &[Json]), Err("init prints no data and takes no --format".into()));
    }

    #[test]
    fn every_name_is_the_one_clap_parses() {
        for format in Format::value_variants() {
            assert_eq!(Format::from_str(format.name(), false), Ok(*format));
        }
    }

    #[test]
    fn excel_csv_ends_records_with_crlf_and_keeps_line_breaks_in_cells() {
        let write = |format| {
            let mut writer = csv_writer(Vec::new(), format).unwrap();
            writer.write_record(["vendor", "note"]).unwrap();
            writer.write_record(["müller", "two\nlines"]).unwrap();
            writer.write_record(["x", "already\r\n"]).unwrap();
            String::from_utf8(writer.into_inner().unwrap()).unwrap()
        };
        assert_eq!(write(CsvExcel), "\u{feff}vendor,note\r\nmüller,\"two\nlines\"\r\nx,\"already\r\n\"\r\n");
        assert_eq!(write(Csv), "vendor,note\nmüller,\"two\nlines\"\nx,\"already\r\n\"\n");
    }
}
