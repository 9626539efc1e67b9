//! `vendorscore list`: the built-in rubrics, policies and templates, with
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
    if format == "json" {
        let entries = |list: &[(String, String)]| {
            list.iter().map(|(id, title)| serde_json::json!({ "id": id, "title": title })).collect::<Vec<_>>()
        };
        let json = serde_json::json!({
            "rubrics": entries(&rubrics),
            "policies": entries(&policies),
            "templates": templates,
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
    Ok(Outcome::Clean)
}
