//! Markdown and HTML reports from minijinja templates: the built-in ones
//! (`templates/` in the repository, compiled in), overridden by name by a
//! workspace's `templates/`. Sandboxed: names cannot leave the templates
//! folder, and fuel stops a runaway loop.

use std::path::{Path, PathBuf};

use minijinja::{AutoEscape, Environment, Error, ErrorKind, Value};

use crate::builtin;

/// Most instructions one template may run.
pub const FUEL: u64 = 5_000_000;

/// Why a template could not render.
#[derive(Debug, thiserror::Error)]
#[error("{file}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct TemplateError {
    /// `templates/NAME` (the workspace's) or `builtin:templates/NAME`.
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
}

/// The templates of one workspace.
pub struct Templates {
    env: Environment<'static>,
    dir: Option<PathBuf>,
}

impl Templates {
    /// Templates from `dir` (the workspace's `templates/`), falling back to the built-in ones.
    pub fn new(dir: Option<&Path>) -> Templates {
        let mut env = Environment::new();
        env.set_fuel(Some(FUEL));
        env.set_recursion_limit(50);
        env.set_keep_trailing_newline(true);
        env.set_auto_escape_callback(|name| if name.contains(".html") { AutoEscape::Html } else { AutoEscape::None });
        env.add_filter("fixed", fixed);
        env.add_filter("cell", cell);
        let dir = dir.filter(|d| d.is_dir()).map(Path::to_path_buf);
        let loader_dir = dir.clone();
        env.set_loader(move |name| load(loader_dir.as_deref(), name));
        Templates { env, dir }
    }

    /// Where a template comes from: the workspace file, or the built-in one.
    pub fn origin(&self, name: &str) -> Option<PathBuf> {
        let dir = self.dir.as_ref()?;
        let path = dir.join(name);
        path.is_file().then_some(path)
    }

    /// Render template `name` with `context`.
    pub fn render(&self, name: &str, context: &impl serde::Serialize) -> Result<String, TemplateError> {
        let located = |e: Error| {
            let file = e.name().unwrap_or(name).to_owned();
            let file = if self.origin(&file).is_some() {
                format!("templates/{file}")
            } else {
                format!("builtin:templates/{file}")
            };
            let mut message = e.detail().map_or_else(|| e.kind().to_string(), |d| format!("{}: {d}", e.kind()));
            let mut source = std::error::Error::source(&e);
            while let Some(inner) = source {
                message.push_str(&format!(" ({inner})"));
                source = inner.source();
            }
            TemplateError { file, line: e.line(), message }
        };
        let template = self.env.get_template(name).map_err(located)?;
        template.render(Value::from_serialize(context)).map_err(located)
    }
}

/// Load `name` from the workspace's folder, else the built-in templates.
fn load(dir: Option<&Path>, name: &str) -> Result<Option<String>, Error> {
    let plain = !name.is_empty() && !name.contains(['/', '\\']) && !name.starts_with('.');
    if !plain {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("template `{name}` is outside the templates folder"),
        ));
    }
    if let Some(dir) = dir {
        let path = dir.join(name);
        if path.is_file() {
            return std::fs::read_to_string(&path)
                .map(Some)
                .map_err(|e| Error::new(ErrorKind::InvalidOperation, format!("cannot read templates/{name}: {e}")));
        }
    }
    Ok(builtin::template(name).map(|t| t.text().to_owned()))
}

/// `x | cell`: text made safe for one Markdown table cell.
fn cell(value: String) -> String {
    value.replace('|', "\\|").replace("\r\n", "<br>").replace('\n', "<br>")
}

/// `x | fixed(2)`: a number with a fixed number of decimals.
fn fixed(value: f64, decimals: Option<usize>) -> String {
    format!("{value:.*}", decimals.unwrap_or(2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_cannot_reach_outside_their_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("x.md.j2"), "{% include '../secret.txt' %}").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "secret").unwrap();
        let templates = Templates::new(Some(dir.path()));
        let err = templates.render("x.md.j2", &()).unwrap_err();
        assert!(err.message.contains("outside the templates folder"), "{err}");
        assert_eq!(err.file, "templates/x.md.j2");
    }

    #[test]
    fn runaway_loops_run_out_of_fuel_with_a_located_error() {
        let dir = tempfile::tempdir().unwrap();
        let text = "line one\n{% for i in range(100000) %}{% for j in range(100000) %}{{ i }}{% endfor %}{% endfor %}";
        std::fs::write(dir.path().join("loop.md.j2"), text).unwrap();
        let err = Templates::new(Some(dir.path())).render("loop.md.j2", &()).unwrap_err();
        assert!(err.message.contains("fuel"), "{err}");
        assert_eq!(err.line, Some(2));
    }

    #[test]
    fn workspace_templates_override_built_in_ones_by_name() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("scorecard.md.j2"), "custom {{ 1.5 | fixed(1) }}").unwrap();
        let templates = Templates::new(Some(dir.path()));
        assert_eq!(templates.render("scorecard.md.j2", &()).unwrap(), "custom 1.5");
        assert!(templates.origin("scorecard.md.j2").is_some());
        assert!(templates.origin("comparison.md.j2").is_none());
    }

    #[test]
    fn markdown_cells_escape_pipes_and_newlines() {
        assert_eq!(cell("a | b\nc".to_owned()), "a \\| b<br>c");
    }

    #[test]
    fn html_is_escaped_and_markdown_is_not() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.html.j2"), "{{ name }}").unwrap();
        std::fs::write(dir.path().join("a.md.j2"), "{{ name }}").unwrap();
        let templates = Templates::new(Some(dir.path()));
        let ctx = serde_json::json!({"name": "<b>Müller & Co</b>"});
        assert_eq!(templates.render("a.html.j2", &ctx).unwrap(), "&lt;b&gt;Müller &amp; Co&lt;&#x2f;b&gt;");
        assert_eq!(templates.render("a.md.j2", &ctx).unwrap(), "<b>Müller & Co</b>");
    }
}
