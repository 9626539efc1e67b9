//! `vendorscore list`: the built-in rubrics, policies, templates and ticket export presets, with
//! the name to give them (`builtin:ID`, or the template's file name to
//! override in a workspace's `templates/`).

use super::{GlobalOptions, Outcome, format_choice};
use vendorscore::builtin;

pub fn run(global: &GlobalOptions) -> anyhow::Result<Outcome> {
    let format = format_choice(global, &["table", "json"])?;
    let title = |file: &builtin::BuiltinFile| -> String {
        let text = file.text();
        let table: Option<toml::Table> = toml::from_str(text).ok();
        let kind = if file.path.starts_with("rubrics/") { "rubric" } else { "policy" };
        let head = table.as_ref().and_then(|t| t.get(kind)).and_then(toml::Value::as_table);
        let field = |key: &str| head.and_then(|h| h.get(key)).and_then(toml::Value::as_str).unwrap_or("").to_owned();
        format!("{} {}", field("name"), field("version")).trim().to_owned()
    };
    let group = |dir: &str| -> Vec<(String, String)> { builtin::under(dir).map(|f| (f.name(), title(&f))).collect() };
    let rubrics = group("rubrics");
    let policies = group("policies");
    let templates: Vec<String> =
        builtin::under("templates").map(|f| f.path.trim_start_matches("templates/").to_owned()).collect();
    let presets = vendorscore::sla::presets::PRESETS;
    if format == "json" {
        let entries = |list: &[(String, String)]| {
            list.iter().map(|(id, title)| serde_json::json!({ "id": id, "title": title })).collect::<Vec<_>>()
        };
        let json = serde_json::json!({
            "rubrics": entries(&rubrics),
            "policies": entries(&policies),
            "templates": templates,
            "ticket_presets": presets.iter().map(|p| serde_json::json!({ "id": p.name, "title": p.title })).collect::<Vec<_>>(),
        });
        outln!("{}", serde_json::to_string_pretty(&json)?);
        return Ok(Outcome::Clean);
    }
    outln!("Rubrics (--rubric, or rubric = \"…\" in vendorscore.toml):");
    for (id, title) in &rubrics {
        outln!("  {id:<36} {title}");
    }
    outln!("\nPolicies (--policy, or policies = [\"…\"]):");
    for (id, title) in &policies {
        outln!("  {id:<36} {title}");
    }
    outln!("\nTemplates (a workspace's templates/NAME overrides the built-in one):");
    for name in &templates {
        outln!("  {name}");
    }
    outln!("\nTicket export presets (preset = \"…\" under [tickets]; docs/tickets.md lists their columns):");
    for preset in presets {
        outln!("  {:<36} {}", preset.name, preset.title);
    }
    Ok(Outcome::Clean)
}
