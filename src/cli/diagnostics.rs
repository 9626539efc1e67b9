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
pub fn github(diagnostics: &[Diagnostic], sources: &BTreeMap<String, SourceFile>, place: &Place) -> String {
    let escape_data = |s: &str| s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A");
    let escape_property = |s: &str| escape_data(s).replace(':', "%3A").replace(',', "%2C");
    let mut out = String::new();
    for l in locate(diagnostics, sources) {
        let d = l.diagnostic;
        let file = place.relative(&d.file).unwrap_or_else(|| d.file.clone());
        let mut properties = vec![format!("file={}", escape_property(&file))];
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
pub fn sarif(diagnostics: &[Diagnostic], sources: &BTreeMap<String, SourceFile>, place: &Place) -> Value {
    let docs = |code: Code| {
        format!("{}/blob/main/docs/diagnostics.md#{}", env!("CARGO_PKG_REPOSITORY"), code.as_str().to_lowercase())
    };
    let rules: Vec<Value> = Code::ALL
        .iter()
        .map(|&code| {
            let url = docs(code);
            json!({
                "id": code.as_str(),
                "name": code.as_str(),
                "shortDescription": { "text": code.summary() },
                "fullDescription": { "text": format!("{} ({} by default).", code.summary(), code.severity().as_str()) },
                "help": {
                    "text": format!("{}: {}. What it means and how to fix it: {url}", code.as_str(), code.summary()),
                    "markdown": format!("**{}**: {}. See [docs/diagnostics.md]({url}) for what it means and how to fix it.", code.as_str(), code.summary()),
                },
                "helpUri": url,
                "defaultConfiguration": { "level": code.severity().as_str() },
            })
        })
        .collect();
    let results: Vec<Value> = locate(diagnostics, sources)
        .iter()
        .map(|l| {
            let d = l.diagnostic;
            let (start, end) = match (l.start, l.end) {
                (Some(start), Some(end)) => (start, end),
                // A problem with the file as a whole: its first line.
                _ => ((1, 1), (1, 1)),
            };
            let artifact = match place.uri(&d.file) {
                Some(relative) => json!({ "uri": relative, "uriBaseId": "SRCROOT" }),
                None => json!({ "uri": d.file }),
            };
            let line_text =
                sources.get(&d.file).and_then(|s| s.text.lines().nth(start.0.saturating_sub(1))).unwrap_or("").trim();
            let fingerprint = vendorscore::audit::hash::sha256_hex(
                format!("{}\u{0}{}\u{0}{line_text}", d.code.as_str(), d.file).as_bytes(),
            );
            let mut text = match &d.cell {
                Some(cell) => format!("{cell}: {}", d.message),
                None => d.message.clone(),
            };
            if let Some(help) = &d.help {
                text.push_str(&format!(" (help: {help})"));
            }
            let mut location = json!({ "physicalLocation": {
                "artifactLocation": artifact,
                "region": { "startLine": start.0, "startColumn": start.1, "endLine": end.0, "endColumn": end.1 },
            }});
            if let Some(cell) = &d.cell {
                location["logicalLocations"] = json!([{ "name": cell.to_string(), "kind": "cell" }]);
            }
            json!({
                "ruleId": d.code.as_str(),
                "ruleIndex": Code::ALL.iter().position(|c| *c == d.code),
                "level": d.severity.as_str(),
                "message": { "text": text },
                "locations": [location],
                "partialFingerprints": { "primaryLocationLineHash": format!("{}:1", &fingerprint[..16]) },
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
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "rules": rules,
            }},
            "originalUriBaseIds": { "SRCROOT": { "uri": place.root_uri() } },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

/// Where the checked files are, for tools that resolve paths from the
/// repository root (GitHub code scanning, annotations): the workspace may be
/// a subfolder of a git repository.
pub struct Place {
    /// The repository root (the nearest ancestor of the workspace holding
    /// `.git`), else the workspace.
    pub root: std::path::PathBuf,
    /// The workspace's folder relative to `root`, with a trailing `/`; empty when they are the same.
    pub prefix: String,
}

impl Place {
    pub fn of(workspace: &std::path::Path) -> Place {
        let root = workspace.ancestors().find(|d| d.join(".git").exists()).unwrap_or(workspace).to_path_buf();
        let prefix = workspace
            .strip_prefix(&root)
            .ok()
            .map(vendorscore::workspace::slash_path)
            .filter(|p| p != ".")
            .map_or(String::new(), |p| format!("{p}/"));
        Place { root, prefix }
    }

    /// A diagnostic's file relative to the root, `/`-separated (`None` for a built-in or an outside file).
    pub fn relative(&self, file: &str) -> Option<String> {
        (!file.starts_with("builtin:") && !file.starts_with('/')).then(|| format!("{}{file}", self.prefix))
    }

    /// The same, percent-encoded as a URI reference (RFC 3986).
    fn uri(&self, file: &str) -> Option<String> {
        const SEGMENT: &percent_encoding::AsciiSet =
            &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~').remove(b'/');
        self.relative(file).map(|p| percent_encoding::utf8_percent_encode(&p, SEGMENT).to_string())
    }

    /// The root as a `file:` URI with a trailing `/`.
    fn root_uri(&self) -> String {
        const PATH: &percent_encoding::AsciiSet =
            &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~').remove(b'/');
        let path = vendorscore::workspace::slash_path(&self.root);
        let encoded = percent_encoding::utf8_percent_encode(&path, PATH).to_string();
        format!("file://{}{}", encoded, if encoded.ends_with('/') { "" } else { "/" })
    }
}
