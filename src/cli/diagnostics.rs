//! Rendering diagnostics at the edge: human (rustc-like snippets), JSON,
//! GitHub workflow annotations and SARIF 2.1.0.

use std::collections::BTreeMap;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label, Severity as CsSeverity};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, termcolor};
use serde_json::{Value, json};

use vendorscore::diag::{Code, Diagnostic, Severity};
use vendorscore::source::SourceFile;

/// Where a diagnostic is: 1-based line and column of start and end.
struct Located<'a> {
    diagnostic: &'a Diagnostic,
    start: Option<(usize, usize)>,
    end: Option<(usize, usize)>,
}

fn locate<'a>(diagnostics: &'a [Diagnostic], sources: &BTreeMap<String, SourceFile>) -> Vec<Located<'a>> {
    diagnostics
        .iter()
        .map(|d| {
            if let Some(cell) = &d.cell {
                // A spreadsheet cell: line = row, column = column number.
                let at = (cell.row as usize, cell.column as usize);
                return Located { diagnostic: d, start: Some(at), end: Some((at.0, at.1 + 1)) };
            }
            let positions = d.span.as_ref().zip(sources.get(&d.file)).map(|(span, source)| source.range(span));
            Located {
                diagnostic: d,
                start: positions.map(|(s, _)| (s.line, s.column)),
                end: positions.map(|(_, e)| (e.line, e.column)),
            }
        })
        .collect()
}

/// rustc-like text with a source snippet and a caret under the problem.
pub fn human(diagnostics: &[Diagnostic], sources: &BTreeMap<String, SourceFile>, color: bool) -> String {
    let mut files = SimpleFiles::new();
    let mut ids = BTreeMap::new();
    for (path, source) in sources {
        ids.insert(path.clone(), files.add(path.clone(), source.text.clone()));
    }
    let config = term::Config::default();
    let mut buffer = if color { termcolor::Buffer::ansi() } else { termcolor::Buffer::no_color() };
    for d in diagnostics {
        let severity = match d.severity {
            Severity::Error => CsSeverity::Error,
            Severity::Warning => CsSeverity::Warning,
        };
        let mut out = CsDiagnostic::new(severity).with_code(d.code.as_str()).with_message(&d.message);
        match (ids.get(&d.file), &d.span) {
            (Some(&id), Some(span)) => {
                let len = sources[&d.file].text.len();
                let span = span.start.min(len)..span.end.min(len).max(span.start.min(len));
                out = out.with_labels(vec![Label::primary(id, span)]);
            }
            _ => match &d.cell {
                Some(cell) => out = out.with_notes(vec![format!("at {}: {cell}", d.file)]),
                None => out = out.with_notes(vec![format!("in {}", d.file)]),
            },
        }
        if let Some(help) = &d.help {
            out = out.with_notes(vec![format!("help: {help}")]);
        }
        let _ = term::emit_to_write_style(&mut buffer, &config, &files, &out);
    }
    String::from_utf8_lossy(buffer.as_slice()).into_owned()
}

/// The shape SPEC section 8 gives for `validate --format json`.
pub fn json(diagnostics: &[Diagnostic], sources: &BTreeMap<String, SourceFile>, files: usize) -> Value {
    let items: Vec<Value> = locate(diagnostics, sources)
        .iter()
        .map(|l| {
            let d = l.diagnostic;
            let mut item = json!({
                "severity": d.severity.as_str(),
                "code": d.code.as_str(),
                "file": d.file,
                "line": l.start.map(|p| p.0),
                "column": l.start.map(|p| p.1),
                "end_line": l.end.map(|p| p.0),
                "end_column": l.end.map(|p| p.1),
                "message": d.message,
                "help": d.help,
            });
            if let Some(cell) = &d.cell {
                item["sheet"] = json!(cell.sheet);
                item["cell"] = json!(cell.a1());
            }
            item
        })
        .collect();
    let errors = diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
    json!({
        "diagnostics": items,
        "summary": { "files": files, "errors": errors, "warnings": diagnostics.len() - errors },
    })
}

/// GitHub Actions workflow commands (`::error file=…,line=…::message`).
pub fn github(diagnostics: &[Diagnostic], sources: &BTreeMap<String, SourceFile>) -> String {
    let escape_data = |s: &str| s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A");
    let escape_property = |s: &str| escape_data(s).replace(':', "%3A").replace(',', "%2C");
    let mut out = String::new();
    for l in locate(diagnostics, sources) {
        let d = l.diagnostic;
        let mut properties = vec![format!("file={}", escape_property(&d.file))];
        if let (Some((line, col)), Some((end_line, end_col))) = (l.start, l.end) {
            properties.push(format!("line={line}"));
            properties.push(format!("col={col}"));
            properties.push(format!("endLine={end_line}"));
            if end_line == line {
                properties.push(format!("endColumn={end_col}"));
            }
        }
        properties.push(format!("title={}", escape_property(&format!("{} {}", d.code, d.code.summary()))));
        let mut message = match &d.cell {
            Some(cell) => format!("{cell}: {}", d.message),
            None => d.message.clone(),
        };
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        out.push_str(&format!("::{} {}::{}\n", d.severity.as_str(), properties.join(","), escape_data(&message)));
    }
    out
}

/// SARIF 2.1.0, one run, one rule per diagnostic code.
pub fn sarif(diagnostics: &[Diagnostic], sources: &BTreeMap<String, SourceFile>) -> Value {
    let rules: Vec<Value> = Code::ALL
        .iter()
        .map(|code| {
            json!({
                "id": code.as_str(),
                "shortDescription": { "text": code.summary() },
                "helpUri": format!("https://github.com/vendorscore/vendorscore/blob/main/docs/diagnostics.md#{}", code.as_str().to_lowercase()),
                "defaultConfiguration": { "level": code.severity().as_str() },
            })
        })
        .collect();
    let results: Vec<Value> = locate(diagnostics, sources)
        .iter()
        .map(|l| {
            let d = l.diagnostic;
            let mut location = json!({ "physicalLocation": { "artifactLocation": { "uri": d.file } } });
            if let (Some((line, col)), Some((end_line, end_col))) = (l.start, l.end) {
                location["physicalLocation"]["region"] =
                    json!({ "startLine": line, "startColumn": col, "endLine": end_line, "endColumn": end_col });
            }
            let mut text = match &d.cell {
                Some(cell) => format!("{cell}: {}", d.message),
                None => d.message.clone(),
            };
            if let Some(cell) = &d.cell {
                location["logicalLocations"] = json!([{ "name": cell.to_string(), "kind": "cell" }]);
            }
            if let Some(help) = &d.help {
                text.push_str(&format!(" (help: {help})"));
            }
            json!({
                "ruleId": d.code.as_str(),
                "ruleIndex": Code::ALL.iter().position(|c| *c == d.code),
                "level": d.severity.as_str(),
                "message": { "text": text },
                "locations": [location],
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "vendorscore",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/vendorscore/vendorscore",
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}
