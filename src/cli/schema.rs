//! `vendorscore schema KIND`: the JSON Schema (draft 2020-12) of a file kind,
//! for editors such as taplo or VS Code.

use clap::{Args, ValueEnum};

use super::{GlobalOptions, Outcome};
use vendorscore::model::FileKind;

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Which kind of file
    pub kind: Kind,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Kind {
    Rubric,
    Vendor,
    Evaluation,
    Contract,
    Policy,
    Workspace,
    Tiering,
    Moderation,
    Declaration,
    Calendar,
}

pub fn run(_global: &GlobalOptions, args: SchemaArgs) -> anyhow::Result<Outcome> {
    let kind = match args.kind {
        Kind::Rubric => FileKind::Rubric,
        Kind::Vendor => FileKind::Vendor,
        Kind::Evaluation => FileKind::Evaluation,
        Kind::Contract => FileKind::Contract,
        Kind::Policy => FileKind::Policy,
        Kind::Workspace => FileKind::Workspace,
        Kind::Tiering => FileKind::Tiering,
        Kind::Moderation => FileKind::Moderation,
        Kind::Declaration => FileKind::Declaration,
        Kind::Calendar => FileKind::Calendar,
    };
    outln!("{}", serde_json::to_string_pretty(&vendorscore::model::editor_schema(kind))?);
    Ok(Outcome::Clean)
}
