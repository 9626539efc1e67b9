//! Named mappings of helpdesk exports (SPEC section 11): which column or
//! JSON path holds each canonical column, which are durations (and on
//! which clock), how the helpdesk names its channels and CSAT ratings.
//! docs/tickets.md lists each with the documentation it follows and what
//! in it is uncertain.
//!
//! A preset is the base the workspace's `[tickets]` settings are laid
//! over: a rename, duration, channel or label given there wins.

use super::reader::ExportFormat;
use super::timestamp::Form;
use crate::model::{Channel, DurationUnit, EpochUnit, Metric};

/// A duration column of a preset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PresetDuration {
    pub metric: Metric,
    pub column: &'static str,
    pub unit: DurationUnit,
    pub business: bool,
}

/// One helpdesk's export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Preset {
    pub name: &'static str,
    /// What it reads, for `vendorscore list`.
    pub title: &'static str,
    pub format: ExportFormat,
    /// Canonical column → the helpdesk's header (or dotted path).
    pub columns: &'static [(&'static str, &'static str)],
    pub durations: &'static [PresetDuration],
    /// The helpdesk's channel values → channels (matched in any letter case).
    pub channels: &'static [(&'static str, Channel)],
    /// CSAT labels → a score, `None`: not rated.
    pub csat: &'static [(&'static str, Option<u8>)],
    /// Timestamp columns written otherwise than RFC 3339 (canonical column → form).
    pub forms: &'static [(&'static str, Form)],
}

use Channel::{Chat, Email, Social, Voice};
use DurationUnit::{Min, S};
use Metric::{FirstResponse, Resolution};

const fn duration(metric: Metric, column: &'static str, unit: DurationUnit, business: bool) -> PresetDuration {
    PresetDuration { metric, column, unit, business }
}

/// Every preset, by name.
pub const PRESETS: &[Preset] = &[
    Preset {
        name: "zendesk-csv",
        title: "Zendesk Support CSV ticket export (Admin Center > Reports > Export)",
        format: ExportFormat::Csv,
        columns: &[
            ("ticket_id", "Id"),
            ("channel", "Via"),
            ("created_at", "Created at"),
            ("resolved_at", "Solved at"),
            ("csat", "Satisfaction Score"),
            ("reopened", "Reopens"),
            ("priority", "Priority"),
        ],
        durations: &[
            duration(FirstResponse, "First reply time in minutes", Min, false),
            duration(Resolution, "Full resolution time in minutes", Min, false),
        ],
        channels: &[
            ("Mail", Email),
            ("Email", Email),
            ("Web form", Email),
            ("Web Widget", Chat),
            ("Chat", Chat),
            ("Messaging", Chat),
            ("Voice", Voice),
            ("Phone call (incoming)", Voice),
            ("Phone call (outgoing)", Voice),
            ("Twitter", Social),
            ("Facebook", Social),
        ],
        csat: &[("Good", Some(5)), ("Bad", Some(1)), ("Offered", None), ("Not Offered", None), ("Unoffered", None)],
        forms: &[],
    },
    Preset {
        name: "zendesk-api",
        title: "Zendesk tickets with their metric set, one JSON object a line",
        format: ExportFormat::JsonLines,
        columns: &[
            ("ticket_id", "id"),
            ("channel", "via.channel"),
            ("created_at", "created_at"),
            ("csat", "satisfaction_rating.score"),
            ("reopened", "metric_set.reopens"),
            ("priority", "priority"),
        ],
        durations: &[
            duration(FirstResponse, "metric_set.reply_time_in_minutes.calendar", Min, false),
            duration(Resolution, "metric_set.full_resolution_time_in_minutes.calendar", Min, false),
        ],
        channels: &[
            ("email", Email),
            ("web", Email),
            ("chat", Chat),
            ("native_messaging", Chat),
            ("voice", Voice),
            ("twitter", Social),
            ("facebook", Social),
        ],
        csat: &[("good", Some(5)), ("bad", Some(1)), ("offered", None), ("unoffered", None)],
        forms: &[],
    },
    Preset {
        name: "freshdesk-csv",
        title: "Freshdesk ticket export (Tickets > Export, CSV)",
        format: ExportFormat::Csv,
        columns: &[
            ("ticket_id", "Ticket ID"),
            ("channel", "Source"),
            ("created_at", "Created time"),
            ("first_response_at", "Initial response time"),
            ("resolved_at", "Resolved time"),
            ("priority", "Priority"),
        ],
        durations: &[],
        channels: &[
            ("Email", Email),
            ("Portal", Email),
            ("Outbound Email", Email),
            ("Feedback Widget", Email),
            ("Chat", Chat),
            ("Phone", Voice),
            ("Twitter", Social),
            ("Facebook", Social),
        ],
        csat: &[],
        forms: &[],
    },
    Preset {
        name: "intercom",
        title: "Intercom conversations with their statistics, one JSON object a line (times in epoch seconds)",
        format: ExportFormat::JsonLines,
        columns: &[
            ("ticket_id", "id"),
            ("channel", "source.type"),
            ("created_at", "created_at"),
            ("csat", "conversation_rating.rating"),
            ("reopened", "statistics.count_reopens"),
            ("priority", "priority"),
        ],
        durations: &[
            duration(FirstResponse, "statistics.time_to_admin_reply", S, true),
            duration(Resolution, "statistics.time_to_last_close", S, true),
        ],
        channels: &[
            ("conversation", Chat),
            ("email", Email),
            ("phone_call", Voice),
            ("twitter", Social),
            ("facebook", Social),
        ],
        csat: &[],
        forms: &[("created_at", Form::Epoch(EpochUnit::S))],
    },
    Preset {
        name: "gorgias",
        title: "Gorgias tickets, one JSON object a line (no first-response time: map one to measure it)",
        format: ExportFormat::JsonLines,
        columns: &[
            ("ticket_id", "id"),
            ("channel", "channel"),
            ("created_at", "created_datetime"),
            ("resolved_at", "closed_datetime"),
            ("csat", "satisfaction_survey.score"),
            ("priority", "priority"),
        ],
        durations: &[],
        channels: &[
            ("email", Email),
            ("contact_form", Email),
            ("chat", Chat),
            ("phone", Voice),
            ("facebook", Social),
            ("instagram-direct-message", Social),
            ("twitter", Social),
        ],
        csat: &[],
        forms: &[],
    },
    Preset {
        name: "helpscout",
        title: "Help Scout conversations export (CSV)",
        format: ExportFormat::Csv,
        columns: &[
            ("ticket_id", "Conversation ID"),
            ("channel", "Type"),
            ("created_at", "Created At"),
            ("first_response_at", "First Response At"),
            ("resolved_at", "Closed At"),
            ("csat", "Rating"),
        ],
        durations: &[],
        channels: &[("Email", Email), ("Chat", Chat), ("Phone", Voice)],
        csat: &[("Great", Some(5)), ("Okay", Some(3)), ("Not Good", Some(1))],
        forms: &[],
    },
    Preset {
        name: "zoho-desk",
        title: "Zoho Desk tickets export (CSV)",
        format: ExportFormat::Csv,
        columns: &[
            ("ticket_id", "Ticket Id"),
            ("channel", "Channel"),
            ("created_at", "Created Time"),
            ("resolved_at", "Closed Time"),
            ("csat", "Happiness Rating"),
            ("priority", "Priority"),
        ],
        durations: &[duration(FirstResponse, "First Response Time", DurationUnit::Hms, false)],
        channels: &[
            ("Email", Email),
            ("Web", Email),
            ("Forums", Email),
            ("Chat", Chat),
            ("Phone", Voice),
            ("Twitter", Social),
            ("Facebook", Social),
        ],
        csat: &[("Good", Some(5)), ("Okay", Some(3)), ("Bad", Some(1))],
        forms: &[],
    },
    Preset {
        name: "salesforce-case",
        title: "Salesforce Case records (CSV of the Case object's API field names)",
        format: ExportFormat::Csv,
        columns: &[
            ("ticket_id", "CaseNumber"),
            ("channel", "Origin"),
            ("created_at", "CreatedDate"),
            ("resolved_at", "ClosedDate"),
            ("priority", "Priority"),
        ],
        durations: &[],
        channels: &[("Email", Email), ("Web", Email), ("Phone", Voice), ("Chat", Chat)],
        csat: &[],
        forms: &[],
    },
];

/// The preset of this name.
pub fn preset(name: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.name == name)
}

impl Preset {
    /// Every header a CSV export of this helpdesk has that the preset reads.
    pub fn headers(&self) -> impl Iterator<Item = &'static str> {
        self.columns.iter().map(|(_, h)| *h).chain(self.durations.iter().map(|d| d.column))
    }

    /// Whether an export of `format` whose header `holds` a column (a
    /// dotted path in JSON Lines) has every column the preset reads.
    pub fn fits(&self, format: ExportFormat, holds: impl Fn(&str) -> bool) -> bool {
        self.format == format && self.headers().all(holds)
    }
}

/// The one preset of `format` whose columns a header holds, when exactly one does.
pub fn detect(format: ExportFormat, holds: impl Fn(&str) -> bool) -> Option<&'static Preset> {
    let mut fitting = PRESETS.iter().filter(|p| p.fits(format, &holds));
    let first = fitting.next()?;
    fitting.next().is_none().then_some(first)
}

#[cfg(test)]
#[path = "presets_tests.rs"]
mod tests;
