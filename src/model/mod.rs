//! What users write: the seven file kinds as serde types that keep their spans.
//!
//! These types say what may be written, not whether it makes sense; the
//! `validate` module checks the rest and builds the trusted forms
//! (`validate::Rubric`, …) that scoring and checks use. The JSON Schemas of
//! `vendorscore schema` are generated from these same types.

mod checked;
mod contract;
mod editor_schema;
mod policy;
mod rubric;
mod scalar;
mod spanned;
mod tiering;
mod vendor;
mod workspace;

pub use checked::*;
pub use contract::*;
pub use editor_schema::editor_schema;
pub use policy::*;
pub use rubric::*;
pub use scalar::*;
pub use spanned::{Spanned, SpannedMap};
pub use tiering::*;
pub use vendor::*;
pub use workspace::*;

/// The kinds of file vendorscore reads, told apart by their first table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FileKind {
    Workspace,
    Rubric,
    Vendor,
    Evaluation,
    Contract,
    Policy,
    Tiering,
    Moderation,
    Declaration,
    Calendar,
}

impl FileKind {
    pub const ALL: [FileKind; 10] = [
        FileKind::Rubric,
        FileKind::Vendor,
        FileKind::Evaluation,
        FileKind::Contract,
        FileKind::Policy,
        FileKind::Workspace,
        FileKind::Tiering,
        FileKind::Moderation,
        FileKind::Declaration,
        FileKind::Calendar,
    ];

    /// The name used on the command line and as the first table's key.
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Workspace => "workspace",
            FileKind::Rubric => "rubric",
            FileKind::Vendor => "vendor",
            FileKind::Evaluation => "evaluation",
            FileKind::Contract => "contract",
            FileKind::Policy => "policy",
            FileKind::Tiering => "tiering",
            FileKind::Moderation => "moderation",
            FileKind::Declaration => "declaration",
            FileKind::Calendar => "calendar",
        }
    }

    /// The first table that tells the kind (`[[moderated]]` for a moderation file).
    pub fn table(self) -> &'static str {
        match self {
            FileKind::Moderation => "moderated",
            kind => kind.as_str(),
        }
    }

    /// The kind whose first table is `[name]`.
    pub fn from_table(name: &str) -> Option<FileKind> {
        FileKind::ALL.into_iter().find(|k| k.table() == name)
    }

    /// The kind told by a file's tables: the first that names one, except
    /// that `calendar` tells a calendar file only when nothing else does (a
    /// contract may write its `[[calendar]]` before `[contract]`).
    pub fn from_tables<'a>(names: impl Iterator<Item = &'a str>) -> Option<FileKind> {
        let mut calendar = None;
        for kind in names.filter_map(FileKind::from_table) {
            match kind {
                FileKind::Calendar => calendar = Some(kind),
                kind => return Some(kind),
            }
        }
        calendar
    }

    /// The JSON Schema (draft 2020-12) of this kind of file.
    pub fn json_schema(self) -> serde_json::Value {
        let schema = match self {
            FileKind::Workspace => schemars::schema_for!(WorkspaceFile),
            FileKind::Rubric => schemars::schema_for!(RubricFile),
            FileKind::Vendor => schemars::schema_for!(VendorFile),
            FileKind::Evaluation => schemars::schema_for!(EvaluationFile),
            FileKind::Moderation => schemars::schema_for!(ModerationFile),
            FileKind::Declaration => schemars::schema_for!(DeclarationFile),
            FileKind::Contract => schemars::schema_for!(ContractFile),
            FileKind::Policy => schemars::schema_for!(PolicyFile),
            FileKind::Tiering => schemars::schema_for!(TieringFile),
            FileKind::Calendar => schemars::schema_for!(CalendarFile),
        };
        schema.to_value()
    }
}
