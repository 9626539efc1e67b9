//! `vendorscore.toml`, the workspace settings (SPEC section 1).

use schemars::JsonSchema;
use serde::Deserialize;

use super::{Spanned, SpannedMap};

/// `vendorscore.toml`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "vendorscore workspace", description = "Workspace settings (SPEC section 1).")]
pub struct WorkspaceFile {
    #[serde(default)]
    pub workspace: WorkspaceSettings,
    #[serde(default)]
    pub report: Option<ReportSettings>,
    #[serde(default)]
    pub tickets: Option<TicketSettings>,
    #[serde(default)]
    pub questionnaire: Option<QuestionnaireSettings>,
    #[serde(default)]
    pub audit: Option<AuditSettings>,
    #[serde(default)]
    pub notice: Option<NoticeSettings>,
}

impl WorkspaceFile {
    /// `[report] language`, else `en`.
    pub fn report_language(&self) -> String {
        self.report.as_ref().and_then(|r| r.language.as_ref()).map_or_else(|| "en".to_owned(), |l| l.value.clone())
    }
}

/// `[notice]`: award notices (SPEC section 15).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoticeSettings {
    /// Days that are not working days besides Saturdays and Sundays: a
    /// standstill period ending on one ends on the next working day.
    #[serde(default)]
    pub holidays: Vec<super::Date>,
}

/// `[audit]`: how ledger entries are recorded.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditSettings {
    /// An unencrypted ed25519 OpenSSH private key that signs every new entry
    /// (`~/` is the home folder; a relative path is from the workspace).
    #[serde(default)]
    pub signing_key: Option<Spanned<String>>,
}

/// `[questionnaire]`: what the questionnaire's instructions tell bidders.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QuestionnaireSettings {
    /// When answers are due, e.g. `2026-12-15` or `15 December 2026, 12:00 CET`.
    #[serde(default)]
    pub deadline: Option<String>,
    /// Whom bidders ask about the questionnaire.
    #[serde(default)]
    pub contact: Option<String>,
}

/// The `[workspace]` table.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkspaceSettings {
    #[serde(default)]
    pub name: Option<String>,
    /// Default rubric: a workspace-relative path or `builtin:ID`.
    #[serde(default)]
    pub rubric: Option<Spanned<String>>,
    /// Default policies: workspace-relative paths or `builtin:ID`.
    #[serde(default)]
    pub policies: Option<Vec<Spanned<String>>>,
    /// Printed on reports.
    #[serde(default)]
    pub organisation: Option<String>,
}

/// `[report]`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportSettings {
    /// An extra font (TrueType/OpenType) for glyphs the built-in font lacks.
    #[serde(default)]
    pub font: Option<Spanned<String>>,
    /// The language of the reports' text, a BCP 47 tag such as `en` or
    /// `en-GB` (default `en`), written as the PDFs' `/Lang`.
    #[serde(default)]
    pub language: Option<Spanned<String>>,
}

/// `[tickets]`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TicketSettings {
    /// A helpdesk's export layout (`vendorscore list` shows them); the settings below override its choices.
    #[serde(default)]
    pub preset: Option<Spanned<String>>,
    /// Header renames: canonical column name = header in the export, or
    /// `{ column = "…", epoch = "s" | "ms" }` / `{ column = "…", date_order = "mdy" | "dmy" }`.
    #[serde(default)]
    pub columns: SpannedMap<Spanned<ColumnName>>,
    /// IANA zone of timestamps written without an offset (default `UTC`).
    #[serde(default)]
    pub timezone: Option<Spanned<String>>,
    /// Duration columns instead of timestamps: `first_response` or `resolution` = { column, unit, clock }.
    #[serde(default)]
    pub durations: SpannedMap<DurationColumn>,
    /// The export's channel names (any letter case) = chat | email | voice | social.
    #[serde(default)]
    pub channels: SpannedMap<Spanned<super::Channel>>,
    /// CSAT labels = a score from 1 to 5; `unrated` = labels that are no rating.
    #[serde(default)]
    pub csat: SpannedMap<Spanned<CsatLabel>>,
}

/// A `[tickets.columns]` entry: the export's header, with how its timestamps are written.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ColumnName {
    /// The header (or dotted path) alone.
    Header(String),
    /// The header and the form of its timestamps.
    Read(ColumnRead),
}

/// `{ column, epoch }` or `{ column, date_order }` under `[tickets.columns]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ColumnRead {
    /// The column's header in the export (a dotted path in JSON Lines).
    pub column: String,
    /// Timestamps written as Unix epoch seconds (`s`) or milliseconds (`ms`).
    #[serde(default)]
    pub epoch: Option<EpochUnit>,
    /// Timestamps written `M/D/YYYY H:MM` (`mdy`) or `D/M/YYYY H:MM` (`dmy`).
    #[serde(default)]
    pub date_order: Option<DateOrder>,
}

impl ColumnName {
    /// The header (or dotted path).
    pub fn header(&self) -> &str {
        match self {
            ColumnName::Header(header) => header,
            ColumnName::Read(read) => &read.column,
        }
    }
}

/// The unit of an epoch timestamp column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum EpochUnit {
    S,
    Ms,
}

/// The order of a slashed date (`12/1/2026`): month first or day first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum DateOrder {
    Mdy,
    Dmy,
}

/// A `[tickets.durations]` entry: a column holding the elapsed time itself.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DurationColumn {
    /// The column's header in the export (a dotted path in JSON Lines).
    pub column: Spanned<String>,
    /// `s`, `min`, `h` (whole or decimal numbers) or `hms` (`H:MM:SS` or `HH:MM`).
    pub unit: Spanned<DurationUnit>,
    /// Whether the helpdesk counted wall-clock time (`calendar`, the default) or business hours.
    #[serde(default)]
    pub clock: Option<Spanned<super::ClockKind>>,
}

/// The unit of a duration column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum DurationUnit {
    S,
    Min,
    H,
    Hms,
}

/// A `[tickets.csat]` value: a label's score, or (under `unrated`) the labels that are no rating.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum CsatLabel {
    Score(i64),
    Unrated(Vec<String>),
}

/// What `[tickets.durations]` may give instead of a timestamp column.
pub const DURATION_METRICS: &[&str] = &["first_response", "resolution"];

/// The columns a ticket export may rename.
pub const TICKET_COLUMNS: &[&str] =
    &["ticket_id", "channel", "created_at", "first_response_at", "resolved_at", "csat", "reopened", "tier", "priority"];
