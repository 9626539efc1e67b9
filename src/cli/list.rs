//! `vendorscore list`: the content compiled into the binary (rubrics,
//! policies, the tiering, templates) and the ticket export presets, each
//! with the name to give it (`builtin:ID`, the template's file name to
//! override in a workspace's `templates/`, or `preset = "…"`).

use super::{Format, GlobalOptions, Outcome};
use vendorscore::builtin::{self, BuiltinFile};
use vendorscore::sla::presets::PRESETS;

/// One kind of built-in content and how a workspace uses it. A new kind
/// (ticket presets, say) is one more entry in [`GROUPS`]: its shipped
/// folder, its key in the JSON, and the heading that says how to use it.
struct Group {
    /// The shipped folder (`rubrics`), also the JSON key.
    folder: &'static str,
    /// The heading in the table, saying how the files are named.
    heading: &'static str,
    /// The TOML table holding `name` and `version` (`None`: files listed by name).
    table: Option<&'static str>,
}

const GROUPS: &[Group] = &[
    Group {
        folder: "rubrics",
        heading: "Rubrics (--rubric, or rubric = \"…\" in vendorscore.toml):",
        table: Some("rubric"),
    },
    Group { folder: "policies", heading: "Policies (--policy, or policies = [\"…\"]):", table: Some("policy") },
    Group {
        folder: "tiering",
        heading: "Tiering (used when the workspace has no tiering.toml):",
        table: Some("tiering"),
    },
    Group {
        folder: "templates",
        heading: "Templates (a workspace's templates/NAME overrides the built-in one):",
        table: None,
    },
];

/// "E-commerce outsourcing 1.0.0": the file's name (or description) and version.
fn title(file: &BuiltinFile, table: &str) -> String {
    let parsed: Option<toml::Table> = toml::from_str(file.text()).ok();
    let head = parsed.as_ref().and_then(|t| t.get(table)).and_then(toml::Value::as_table);
    let field = |key: &str| head.and_then(|h| h.get(key)).and_then(toml::Value::as_str).unwrap_or("");
    let name = if field("name").is_empty() { field("description") } else { field("name") };
    format!("{name} {}", field("version")).trim().to_owned()
}

pub fn run(global: &GlobalOptions) -> anyhow::Result<Outcome> {
    // (group, [(name to give, title)]), titles empty for files listed by name.
    let listed: Vec<(&Group, Vec<(String, String)>)> = GROUPS
        .iter()
        .map(|group| {
            let prefix = format!("{}/", group.folder);
            let files = builtin::under(group.folder).map(|f| match group.table {
                Some(table) => (f.name(), title(&f, table)),
                None => (f.path.trim_start_matches(&prefix).to_owned(), String::new()),
            });
            (group, files.collect())
        })
        .collect();
    if global.format() == Format::Json {
        let mut json = serde_json::Map::new();
        for (group, files) in &listed {
            let entries: Vec<serde_json::Value> = match group.table {
                Some(_) => files.iter().map(|(id, title)| serde_json::json!({ "id": id, "title": title })).collect(),
                None => files.iter().map(|(name, _)| serde_json::json!(name)).collect(),
            };
            json.insert(group.folder.to_owned(), entries.into());
        }
        let presets = PRESETS.iter().map(|p| serde_json::json!({ "id": p.name, "title": p.title })).collect::<Vec<_>>();
        json.insert("ticket_presets".to_owned(), presets.into());
        outln!("{}", serde_json::to_string_pretty(&json)?);
        return Ok(Outcome::Clean);
    }
    for (i, (group, files)) in listed.iter().enumerate() {
        if i > 0 {
            outln!();
        }
        outln!("{}", group.heading);
        let width = files.iter().map(|(name, _)| name.chars().count()).max().unwrap_or(0);
        for (name, title) in files {
            let line = format!("  {name:<width$}  {title}");
            outln!("{}", line.trim_end());
        }
    }
    outln!("\nTicket export presets (preset = \"…\" under [tickets]; docs/tickets.md lists their columns):");
    let width = PRESETS.iter().map(|p| p.name.chars().count()).max().unwrap_or(0);
    for preset in PRESETS {
        outln!("  {:<width$}  {}", preset.name, preset.title);
    }
    Ok(Outcome::Clean)
}
