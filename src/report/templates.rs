//! Markdown and HTML reports from minijinja templates: the built-in ones
//! (`templates/` in the repository, compiled in), overridden by name by a
//! workspace's `templates/`. Sandboxed: names cannot leave the templates
//! folder, a workspace template must be a regular file directly inside it
//! (no symbolic link, neither the file nor the folder, is followed), and
//! fuel stops a runaway loop. Bounded in size too: filters by
//! [`LIMITS`] (`jinja_limits`), the rendered document by [`MAX_OUTPUT_BYTES`],
//! and workspace templates keep to a subset without the constructs that
//! grow values inside the engine (`subset`). Every workspace template actually loaded,
//! `{% include %}`d ones too, is listed by [`Templates::loaded`] so a run
//! can record it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use minijinja::{AutoEscape, Environment, Error, ErrorKind, Value};

use crate::audit::hash::{FileDigest, sha256_hex};
use crate::builtin;
use crate::jinja_limits::{self, Limits, bytes_in_words};
use crate::regular_file;

mod subset;

/// Most instructions one template may run.
pub const FUEL: u64 = 5_000_000;

/// The largest workspace template file, in bytes.
pub const MAX_TEMPLATE_BYTES: u64 = 1 << 20;

/// The largest document one render may write, in bytes.
pub const MAX_OUTPUT_BYTES: usize = 16 << 20;

/// What one value a filter takes or builds, and all a render's filters read
/// and build together, may come to (see `jinja_limits`).
pub const LIMITS: Limits = Limits { max_value: 4 << 20, budget: 256 << 20 };

/// The most decimals `fixed` writes.
pub const MAX_DECIMALS: usize = 20;

/// Why a template could not render.
#[derive(Debug, thiserror::Error)]
#[error("{file}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct TemplateError {
    /// `templates/NAME` (the workspace's) or `builtin:templates/NAME`.
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
}

/// A workspace template that was read: its path and the digest of the bytes used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadedTemplate {
    pub path: PathBuf,
    pub digest: FileDigest,
}

/// The templates of one workspace.
pub struct Templates {
    env: Environment<'static>,
    folder: Arc<Folder>,
}

/// The workspace's templates folder, as the loader sees it.
struct Folder {
    /// The folder, when there is one.
    dir: Option<PathBuf>,
    /// Why the folder cannot be used at all (it is a symbolic link).
    refused: Option<String>,
    /// Workspace templates read so far, by name.
    loaded: Mutex<BTreeMap<String, LoadedTemplate>>,
}

impl Templates {
    /// Templates from `dir` (the workspace's `templates/`), falling back to the built-in ones.
    pub fn new(dir: Option<&Path>) -> Templates {
        let mut env = Environment::new();
        env.set_fuel(Some(FUEL));
        env.set_recursion_limit(50);
        env.set_keep_trailing_newline(true);
        env.set_auto_escape_callback(|name| if name.contains(".html") { AutoEscape::Html } else { AutoEscape::None });
        jinja_limits::add_builtin_filters(&mut env, jinja_limits::BUILTIN_FILTERS, LIMITS);
        jinja_limits::add_bounded(&mut env, "cell", Value::from_function(cell), LIMITS);
        env.add_filter("fixed", fixed);
        // It prints the whole context, and nothing in a report needs it.
        env.remove_global("debug");
        let folder = Arc::new(Folder::new(dir));
        let loader_folder = Arc::clone(&folder);
        env.set_loader(move |name| loader_folder.load(name));
        Templates { env, folder }
    }

    /// Where a template comes from: the workspace file (a regular file, not
    /// a link), or `None` for the built-in one.
    pub fn origin(&self, name: &str) -> Option<PathBuf> {
        let path = self.folder.dir.as_ref()?.join(name);
        std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()).then_some(path)
    }

    /// The workspace template files read so far (by `render`, includes too), sorted by path.
    pub fn loaded(&self) -> Vec<PathBuf> {
        self.loaded_templates().into_iter().map(|t| t.path).collect()
    }

    /// Like [`Templates::loaded`], with the digest of the bytes each render used.
    pub fn loaded_templates(&self) -> Vec<LoadedTemplate> {
        let loaded = self.folder.loaded.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut all: Vec<LoadedTemplate> = loaded.values().cloned().collect();
        all.sort_by(|a, b| a.path.cmp(&b.path));
        all
    }

    /// Add every workspace template the renders read to a ledger entry's
    /// `inputs` (kept sorted, each once).
    pub fn record_loaded(
        &self,
        workspace: &crate::workspace::Workspace,
        inputs: &mut Vec<crate::audit::ledger::FileRecord>,
    ) {
        for template in self.loaded_templates() {
            inputs.push(crate::audit::ledger::FileRecord {
                path: workspace.display_path(&template.path),
                bytes: template.digest.bytes,
                sha256: template.digest.sha256,
            });
        }
        inputs.sort();
        inputs.dedup();
    }

    /// Render template `name` with `context`.
    pub fn render(&self, name: &str, context: &impl serde::Serialize) -> Result<String, TemplateError> {
        let located = |e: Error| {
            let file = self.folder.label(e.name().unwrap_or(name));
            let mut message = e.detail().map_or_else(|| e.kind().to_string(), |d| format!("{}: {d}", e.kind()));
            let mut source = std::error::Error::source(&e);
            while let Some(inner) = source {
                message.push_str(&format!(" ({inner})"));
                source = inner.source();
            }
            TemplateError { file, line: e.line(), message }
        };
        let template = self.env.get_template(name).map_err(located)?;
        let mut output = CappedOutput::default();
        match template.render_captured_to(Value::from_serialize(context), &mut output) {
            Ok(_) => {
                Ok(String::from_utf8(output.bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into()))
            }
            Err(e) if output.over => Err(TemplateError {
                file: self.folder.label(e.name().unwrap_or(name)),
                line: e.line(),
                message: format!(
                    "the rendered document is larger than {}, the limit for one report",
                    bytes_in_words(MAX_OUTPUT_BYTES as u64)
                ),
            }),
            Err(e) => Err(located(e)),
        }
    }
}

impl Folder {
    fn new(dir: Option<&Path>) -> Folder {
        let mut folder = Folder { dir: None, refused: None, loaded: Mutex::default() };
        let Some(dir) = dir else { return folder };
        match std::fs::symlink_metadata(dir) {
            Ok(m) if m.file_type().is_symlink() => {
                folder.refused = Some(
                    "the workspace's templates folder is a symbolic link; templates must be regular files \
                     inside a real `templates/` folder"
                        .to_owned(),
                );
            }
            Ok(m) if m.is_dir() => folder.dir = Some(dir.to_path_buf()),
            _ => {}
        }
        folder
    }

    /// How errors name template `name`: the workspace's, or the built-in one.
    fn label(&self, name: &str) -> String {
        let in_workspace = self.refused.is_some()
            || self.dir.as_ref().is_some_and(|d| std::fs::symlink_metadata(d.join(name)).is_ok());
        if in_workspace { format!("templates/{name}") } else { format!("builtin:templates/{name}") }
    }

    /// Load `name` from the workspace's folder, else the built-in templates.
    fn load(&self, name: &str) -> Result<Option<String>, Error> {
        let plain = !name.is_empty() && !name.contains(['/', '\\']) && !name.starts_with('.');
        if !plain {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                format!("template `{name}` is outside the templates folder"),
            ));
        }
        if let Some(reason) = &self.refused {
            return Err(Error::new(ErrorKind::InvalidOperation, format!("template `{name}`: {reason}")));
        }
        if let Some(dir) = &self.dir {
            let path = dir.join(name);
            match std::fs::symlink_metadata(&path) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                _ => {
                    let text = regular_file::read_text(&path, MAX_TEMPLATE_BYTES).map_err(|e| {
                        let why = match e.kind() {
                            std::io::ErrorKind::InvalidInput | std::io::ErrorKind::InvalidData => format!("it {e}"),
                            _ => e.to_string(),
                        };
                        Error::new(
                            ErrorKind::InvalidOperation,
                            format!(
                                "cannot use templates/{name}: {why}; templates must be regular files inside \
                                 the templates folder"
                            ),
                        )
                    })?;
                    if let Some((line, why)) = subset::forbidden(&text) {
                        return Err(Error::new(
                            ErrorKind::InvalidOperation,
                            format!("templates/{name}:{line}: {why} (docs/security.md)"),
                        ));
                    }
                    let digest = FileDigest { bytes: text.len() as u64, sha256: sha256_hex(text.as_bytes()) };
                    let loaded = LoadedTemplate { path, digest };
                    self.loaded
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .insert(name.to_owned(), loaded);
                    return Ok(Some(text));
                }
            }
        }
        Ok(builtin::template(name).map(|t| t.text().to_owned()))
    }
}

/// The rendered bytes, refused past [`MAX_OUTPUT_BYTES`].
#[derive(Default)]
struct CappedOutput {
    bytes: Vec<u8>,
    over: bool,
}

impl std::io::Write for CappedOutput {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len() + buf.len() > MAX_OUTPUT_BYTES {
            self.over = true;
            return Err(std::io::Error::other("the report is too large"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// `x | cell`: text made safe for one Markdown table cell.
fn cell(value: String) -> String {
    value.replace('|', "\\|").replace("\r\n", "<br>").replace('\n', "<br>")
}

/// `x | fixed(2)`: a number with a fixed number of decimals (at most [`MAX_DECIMALS`]).
fn fixed(value: f64, decimals: Option<usize>) -> Result<String, Error> {
    match decimals.unwrap_or(2) {
        decimals if decimals <= MAX_DECIMALS => Ok(format!("{value:.decimals$}")),
        decimals => Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("`fixed` writes at most {MAX_DECIMALS} decimals, not {decimals}"),
        )),
    }
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

    #[cfg(unix)]
    #[test]
    fn a_linked_template_is_refused_even_when_included() {
        let dir = tempfile::tempdir().unwrap();
        let templates = dir.path().join("templates");
        std::fs::create_dir(&templates).unwrap();
        std::fs::write(dir.path().join("secret.txt"), "root:x:0:0").unwrap();
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), templates.join("evil.j2")).unwrap();
        std::fs::write(templates.join("x.md.j2"), "before\n{% include 'evil.j2' %}").unwrap();
        let templates = Templates::new(Some(&templates));
        let err = templates.render("x.md.j2", &()).unwrap_err();
        assert!(err.message.contains("templates/evil.j2") && err.message.contains("symbolic link"), "{err}");
        assert!(!err.to_string().contains("root:x"), "{err}");
        assert_eq!((err.file.as_str(), err.line), ("templates/x.md.j2", Some(2)));
    }

    #[cfg(unix)]
    #[test]
    fn an_override_that_is_a_link_and_a_linked_folder_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real");
        std::fs::create_dir(&real).unwrap();
        std::fs::write(real.join("scorecard.md.j2"), "from outside").unwrap();
        let templates = dir.path().join("templates");
        std::fs::create_dir(&templates).unwrap();
        std::os::unix::fs::symlink(real.join("scorecard.md.j2"), templates.join("scorecard.md.j2")).unwrap();
        let linked = Templates::new(Some(&templates));
        let err = linked.render("scorecard.md.j2", &()).unwrap_err();
        assert_eq!(err.file, "templates/scorecard.md.j2");
        assert!(err.message.contains("symbolic link"), "{err}");
        assert_eq!(linked.origin("scorecard.md.j2"), None);
        assert!(linked.loaded().is_empty());

        let folder_link = dir.path().join("linked-templates");
        std::os::unix::fs::symlink(&real, &folder_link).unwrap();
        let err = Templates::new(Some(&folder_link)).render("scorecard.md.j2", &()).unwrap_err();
        assert!(err.message.contains("templates folder is a symbolic link"), "{err}");
        assert_eq!(err.file, "templates/scorecard.md.j2");
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_template_is_refused_without_waiting_for_a_writer() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("scorecard.md.j2");
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        let err = Templates::new(Some(dir.path())).render("scorecard.md.j2", &()).unwrap_err();
        assert!(err.message.contains("FIFO"), "{err}");
    }

    #[test]
    fn included_workspace_templates_are_listed_as_loaded_with_their_digest() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("scorecard.md.j2"), "{% include 'part.j2' %}{% include 'comparison.md.j2' %}")
            .unwrap();
        std::fs::write(dir.path().join("part.j2"), "part").unwrap();
        std::fs::write(dir.path().join("unused.j2"), "unused").unwrap();
        let templates = Templates::new(Some(dir.path()));
        assert!(templates.loaded().is_empty());
        let _ = templates.render("scorecard.md.j2", &());
        assert_eq!(templates.loaded(), [dir.path().join("part.j2"), dir.path().join("scorecard.md.j2")]);
        let part = &templates.loaded_templates()[0];
        assert_eq!(part.digest, FileDigest { bytes: 4, sha256: sha256_hex(b"part") });
    }

    /// The error of rendering `text` as the workspace's `x.md.j2`.
    fn refusal(text: &str) -> TemplateError {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("x.md.j2"), text).unwrap();
        let err = Templates::new(Some(dir.path())).render("x.md.j2", &()).unwrap_err();
        assert_eq!(err.file, "templates/x.md.j2", "{err}");
        err
    }

    #[test]
    fn filters_that_would_build_huge_values_fail_naming_the_template() {
        let sep = "x".repeat(100);
        // Small enough that the unbounded filters of old built these in a moment.
        let joins = format!(" | join('{sep}')").repeat(3);
        for (text, expected) in [
            ("{{ '%100000d' | format(1) }}", "`format` takes a width of at most 1000"),
            ("{{ 'a\nb' | indent(100000) }}", "`indent` takes a width of at most 1000"),
            (&format!("{{{{ 'abcdefghij'{joins} }}}}"), "`join` would build a value larger than 4 MiB"),
            ("{{ 1.5 | fixed(100000) }}", "`fixed` writes at most 20 decimals"),
        ] {
            let err = refusal(text);
            assert!(err.message.contains(expected), "{text}: {err}");
        }
    }

    #[test]
    fn a_string_doubled_in_a_loop_is_refused_before_it_runs() {
        let err = refusal(
            "ok\n{% set ns = namespace(s='ab') %}{% for i in range(20) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s }}",
        );
        assert!(err.message.contains("templates/x.md.j2:2: `namespace` is not available"), "{err}");
        let err = refusal("{% set s %}x{% endset %}{% for i in range(20) %}{{ s ~ s }}{% endfor %}");
        assert!(err.message.contains("`{% set %}` block"), "{err}");
    }

    #[test]
    fn output_past_the_limit_stops_the_render() {
        let line = "y".repeat(4095);
        let err = refusal(&format!("{{% for i in range(5000) %}}{line}\n{{% endfor %}}"));
        assert!(err.message.contains("larger than 16 MiB"), "{err}");
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
