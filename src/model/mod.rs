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
}

impl FileKind {
    pub const ALL: [FileKind; 9] = [
        FileKind::Rubric,
        FileKind::Vendor,
        FileKind::Evaluation,
        FileKind::Contract,
        FileKind::Policy,
        FileKind::Workspace,
        FileKind::Tiering,
        FileKind::Moderation,
        FileKind::Declaration,
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
        };
        schema.to_value()
    }
}
