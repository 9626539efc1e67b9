//! `vendorscore report [VENDOR_DIR...] --out DIR`: scorecards (PDF, HTML,
//! Markdown, JSON) per vendor and, for two or more, the comparison. One
//! ledger entry records every input and every file written; the PDFs print
//! that entry's number, so the ledger is held locked while they render.

use std::path::PathBuf;

use clap::Args;
use serde_json::json;

use super::record::{Run, open_session, record_in, tool};
use super::{Env, GlobalOptions, Outcome, inputs, score};
use vendorscore::audit::hash::{hash_file, sha256_hex};
use vendorscore::audit::ledger::FileRecord;
use vendorscore::output::write_atomic;
use vendorscore::report::pdf::fonts::{self, FontSet};
use vendorscore::report::templates::Templates;
use vendorscore::report::view::{self, FindingsView, Provenance, RubricRef, SlaView};
use vendorscore::report::{Format, Rendered, Renderer};
use vendorscore::scoring;
use vendorscore::workspace::Workspace;

#[derive(Debug, Args)]
#[command(after_help = "Formats (--format, several separated by commas): pdf (default), html, md, json.\n\
Templates: a workspace's templates/ overrides the built-in scorecard.md.j2, scorecard.html.j2,\n\
comparison.md.j2 and comparison.html.j2 by name.")]
pub struct ReportArgs {
    /// Vendor folders to report on [default: every folder under the workspace's vendors/].
    /// The vendors named are scored together: ranks and relative prices are among them
    pub vendors: Vec<PathBuf>,
    /// Folder to write the reports to
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

/// Render every scorecard in every format on all cores, in order.
fn render_in_parallel(
    renderer: &Renderer<'_>,
    views: &[view::ScorecardView],
    formats: &[Format],
) -> anyhow::Result<Vec<Rendered>> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(views.len()).max(1);
    let chunk = views.len().div_ceil(threads).max(1);
    let parts: Vec<anyhow::Result<Vec<Rendered>>> = std::thread::scope(|scope| {
        let workers: Vec<_> = views
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    let mut out = Vec::new();
                    for view in part {
                        for &format in formats {
                            out.push(renderer.scorecard(view, format)?);
                        }
                    }
                    Ok(out)
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap_or_else(|_| Err(anyhow::anyhow!("rendering failed")))).collect()
    });
    let mut documents = Vec::new();
    for part in parts {
        documents.extend(part?);
    }
    Ok(documents)
}

fn formats(global: &GlobalOptions) -> anyhow::Result<Vec<Format>> {
    let text = global.format.as_deref().unwrap_or("pdf");
    let mut formats = Vec::new();
    for part in text.split(',').map(str::trim) {
        let format = Format::parse(part)
            .ok_or_else(|| anyhow::anyhow!("--format {part} is not a report format; use pdf, html, md or json"))?;
        if !formats.contains(&format) {
            formats.push(format);
        }
    }
    Ok(formats)
}

pub fn run(global: &GlobalOptions, env: &Env, args: ReportArgs) -> anyhow::Result<Outcome> {
    let formats = formats(global)?;
    let workspace = env.workspace(global);
    let out = env.absolute(&args.out);
    write_reports(global, env, &workspace, &args.vendors, &out, &formats)
}

/// Score the vendors, render their reports into `out`, record the run, and
/// print the paths written.
pub fn write_reports(
    global: &GlobalOptions,
    env: &Env,
    workspace: &Workspace,
    vendors: &[PathBuf],
    out: &std::path::Path,
    formats: &[Format],
) -> anyhow::Result<Outcome> {
    let workspace = workspace.clone();
    let as_of = env.as_of(global)?;
    let Some(mut loaded) = inputs::scoring_inputs(global, env, &workspace, vendors)? else {
        return Ok(Outcome::Unusable);
    };
    let measured = super::sla::measured_values(
        global,
        &workspace,
        &loaded.settings,
        &loaded.rubric,
        &loaded.submissions,
        &mut loaded.files,
    )?;
    let Some(measured) = measured else { return Ok(Outcome::Unusable) };
    let cards = scoring::score(&loaded.rubric, &loaded.submissions, &measured);

    let fallback = match loaded.settings.report.as_ref().and_then(|r| r.font.as_ref()) {
        Some(font) => {
            let path = workspace.root.join(&font.value);
            let bytes = std::fs::read(&path).map_err(|e| anyhow::anyhow!("[report] font {}: {e}", font.value))?;
            let metrics = fonts::fallback(&bytes)
                .ok_or_else(|| anyhow::anyhow!("[report] font {}: not a TrueType or OpenType font", font.value))?;
            loaded.files.push(FileRecord {
                path: workspace.display_path(&path),
                bytes: bytes.len() as u64,
                sha256: sha256_hex(&bytes),
            });
            Some(metrics)
        }
        None => None,
    };
    let templates = Templates::new(Some(&workspace.root.join("templates")));
    for format in formats {
        for stem in ["scorecard", "comparison"] {
            let name = format!("{stem}.{}.j2", format.extension());
            if let Some(path) = templates.origin(&name) {
                let digest = hash_file(&path)?;
                loaded.files.push(FileRecord {
                    path: workspace.display_path(&path),
                    bytes: digest.bytes,
                    sha256: digest.sha256,
                });
            }
        }
    }

    let session = open_session(global, &workspace)?;
    let provenance = Provenance {
        tool: tool(),
        organisation: loaded.settings.workspace.organisation.clone(),
        workspace: loaded.settings.workspace.name.clone(),
        as_of: as_of.to_string(),
        rubric: RubricRef::of(&loaded.rubric),
        ledger_seq: session.as_ref().map(|s| s.next_seq()),
    };
    let created = match &env.source_date_epoch {
        Some(_) => time::OffsetDateTime::from_unix_timestamp(super::record::now(env)?)?,
        None if global.as_of.is_some() => as_of.0.midnight().assume_utc(),
        None => time::OffsetDateTime::now_utc(),
    };
    let renderer = Renderer {
        fonts: FontSet { fallback },
        templates: &templates,
        created,
        author: provenance.organisation.clone().unwrap_or_else(tool),
    };
    let ranked = cards.len();
    let mut views: Vec<_> =
        cards.iter().map(|card| view::scorecard(&loaded.rubric, card, ranked, &provenance)).collect();
    for view in &mut views {
        let folder = workspace.root.join(&view.vendor.folder);
        view.sla = super::sla::vendor_sla(global, &workspace, &loaded.settings, &folder, as_of, &mut loaded.files)
            .map(|s| SlaView::new(&s.report, &s.contract, &s.tickets, s.currency.as_deref()));
    }
    let folders: Vec<PathBuf> = views.iter().map(|v| workspace.root.join(&v.vendor.folder)).collect();
    match super::check::findings_for_report(global, &workspace, &loaded.settings, &folders, as_of, &mut loaded.files) {
        Ok(found) => {
            for view in &mut views {
                view.findings = found.as_ref().and_then(|f| f.get(&view.vendor.id)).map(FindingsView::of);
            }
        }
        Err(findings) => {
            inputs::show(&findings, env, global);
            eprintln!("error: fix the policies or contracts above before reporting (see `vendorscore check`)");
            return Ok(Outcome::Unusable);
        }
    }
    let mut documents = render_in_parallel(&renderer, &views, formats)?;
    if cards.len() >= 2 {
        let view = view::comparison(&loaded.rubric, &cards, &provenance);
        for &format in formats {
            documents.push(renderer.comparison(&view, format).map_err(anyhow::Error::new)?);
        }
    }

    let mut outputs = Vec::new();
    for document in &documents {
        let path = out.join(&document.name);
        write_atomic(&path, &document.bytes).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        outputs.push(FileRecord {
            path: workspace.display_path(&path),
            bytes: document.bytes.len() as u64,
            sha256: sha256_hex(&document.bytes),
        });
    }
    if let Some(session) = session {
        let mut result = score::summary(&loaded.rubric, &cards, &as_of.to_string());
        result["formats"] = json!(formats.iter().map(|f| f.extension()).collect::<Vec<_>>());
        let run = Run {
            action: "report",
            subjects: cards.iter().map(|c| c.vendor.clone()).collect(),
            inputs: loaded.files.clone(),
            outputs: outputs.clone(),
            result,
        };
        record_in(global, env, &workspace, session, run)?;
    }
    for output in &outputs {
        outln!("{}", output.path);
    }
    Ok(Outcome::Clean)
}
