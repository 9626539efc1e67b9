//! A vendor's contract terms as written (SPEC section 4). Every term but the
//! vendor is optional: a term the contract does not state is what a policy
//! rule reports as `missing`.

use schemars::JsonSchema;
use serde::Deserialize;

use super::{Date, Instant, Spanned};

/// `vendors/<id>/contract.toml`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "vendorscore contract", description = "A vendor's contract terms (SPEC section 4).")]
pub struct ContractFile {
    pub contract: ContractTerms,
    #[serde(default)]
    pub data_protection: Option<DataProtection>,
    #[serde(default)]
    pub security: Option<Security>,
    #[serde(default)]
    pub capacity: Option<Capacity>,
    /// Service-level clauses.
    #[serde(default)]
    pub sla: Vec<SlaClause>,
    #[serde(default)]
    pub service_credits: Option<ServiceCredits>,
    /// Business-hours calendars that clauses with `clock = "business"` name (SPEC section 11).
    #[serde(default)]
    pub calendar: Vec<CalendarDef>,
    /// Windows whose contacts leave the scope of the clauses (SPEC section 12).
    #[serde(default)]
    pub exclusion: Vec<Exclusion>,
    /// Forecast volumes per period and channel (SPEC section 12).
    #[serde(default)]
    pub forecast: Vec<Forecast>,
    /// Custom fields, free-form; policies may read them as `extra.<name>`.
    #[serde(default)]
    #[schemars(with = "std::collections::BTreeMap<String, serde_json::Value>")]
    pub extra: Option<toml::Table>,
}

/// The `[contract]` table.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ContractTerms {
    /// The vendor's id.
    pub vendor: Spanned<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub status: Option<ContractStatus>,
    #[serde(default)]
    pub signed: Option<Spanned<Date>>,
    #[serde(default)]
    pub start: Option<Spanned<Date>>,
    #[serde(default)]
    pub term_months: Option<Spanned<u32>>,
    /// ISO 4217, e.g. `EUR`.
    #[serde(default)]
    pub currency: Option<Spanned<String>>,
    #[serde(default)]
    pub monthly_fee: Option<Spanned<f64>>,
    #[serde(default)]
    pub termination_notice_days: Option<u32>,
    #[serde(default)]
    pub liability_cap_months: Option<f64>,
    /// ISO 3166-1 alpha-2.
    #[serde(default)]
    pub governing_law: Option<Spanned<String>>,
    /// IANA zone in which SLA months and weeks start and end (default `UTC`).
    #[serde(default)]
    pub timezone: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ContractStatus {
    Draft,
    Signed,
    Terminated,
}

/// `[data_protection]`: GDPR Art. 28 terms.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DataProtection {
    #[serde(default)]
    pub personal_data: Option<bool>,
    #[serde(default)]
    pub dpa_signed: Option<bool>,
    /// Art. 28(3)(a).
    #[serde(default)]
    pub processes_on_instructions: Option<bool>,
    /// Art. 28(3)(b).
    #[serde(default)]
    pub staff_confidentiality: Option<bool>,
    /// Art. 28(3)(c), Art. 32.
    #[serde(default)]
    pub security_measures_annex: Option<bool>,
    /// Art. 28(2), 28(3)(d).
    #[serde(default)]
    pub subprocessor_authorisation: Option<SubprocessorAuthorisation>,
    /// Art. 28(3)(e).
    #[serde(default)]
    pub assists_data_subject_rights: Option<bool>,
    /// Art. 28(3)(f).
    #[serde(default)]
    pub assists_security_and_dpia: Option<bool>,
    /// Art. 28(3)(g): days to delete or return data after the end.
    #[serde(default)]
    pub deletion_days: Option<u32>,
    /// Art. 28(3)(h).
    #[serde(default)]
    pub audit_rights: Option<bool>,
    /// Art. 33(2).
    #[serde(default)]
    pub breach_notification_hours: Option<Spanned<f64>>,
    /// ISO 3166-1 alpha-2 codes.
    #[serde(default)]
    pub processing_locations: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    pub transfer_mechanism: Option<TransferMechanism>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SubprocessorAuthorisation {
    Specific,
    General,
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TransferMechanism {
    None,
    Adequacy,
    Scc,
    Bcr,
}

/// `[security]`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Security {
    #[serde(default)]
    pub certifications: Option<Vec<String>>,
    #[serde(default)]
    pub soc2_period_end: Option<Date>,
    #[serde(default)]
    pub pentest_date: Option<Date>,
    /// When the vendor's security certificate (e.g. ISO/IEC 27001) expires.
    #[serde(default)]
    pub certificate_expiry: Option<Date>,
    #[serde(default)]
    pub mfa: Option<bool>,
    #[serde(default)]
    pub encryption_at_rest: Option<bool>,
    #[serde(default)]
    pub encryption_in_transit: Option<bool>,
    #[serde(default)]
    pub background_checks: Option<bool>,
}

/// `[capacity]`: peak-season terms.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Capacity {
    #[serde(default)]
    pub peak_multiplier: Option<Spanned<f64>>,
    #[serde(default)]
    pub ramp_days: Option<u32>,
    #[serde(default)]
    pub surge_pricing_pct: Option<Spanned<f64>>,
    #[serde(default)]
    pub blackout_dates: Option<Vec<Date>>,
}

/// One `[[sla]]` clause.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SlaClause {
    pub id: Spanned<String>,
    pub metric: Spanned<Metric>,
    pub channel: Spanned<Channel>,
    /// Only tickets of this tier (column `tier`).
    #[serde(default)]
    pub tier: Option<i64>,
    /// Only tickets of this priority (column `priority`).
    #[serde(default)]
    pub priority: Option<String>,
    /// A duration (`60s`) for times; a number for csat (1-5) and reopen_rate (percent).
    pub target: Spanned<SlaTarget>,
    /// Percent of tickets that must meet the target, per period.
    pub attainment: Spanned<f64>,
    pub period: Period,
    /// Credit per breach, percent of the monthly fee (shorthand for `credit = { model = "fixed", pct = N }`).
    #[serde(default)]
    pub credit_pct: Option<Spanned<f64>>,
    /// How times are measured: wall-clock (default) or open hours of `calendar`.
    #[serde(default)]
    pub clock: Option<Spanned<ClockKind>>,
    /// The `[[calendar]]` id a business clock counts in.
    #[serde(default)]
    pub calendar: Option<Spanned<String>>,
    /// `le` (default): met when elapsed ≤ target; `lt`: met when elapsed < target.
    #[serde(default)]
    pub boundary: Option<Boundary>,
    /// How abandoned contacts count for `first_response` (default `miss`).
    #[serde(default)]
    pub abandons: Option<Spanned<Abandons>>,
    /// Contacts abandoned in under this wait leave the scope entirely (a duration).
    #[serde(default)]
    pub short_abandon: Option<Spanned<String>>,
    /// `critical` (default: breaches earn credits) or `key` (reported, never credited).
    #[serde(default)]
    pub kind: Option<SlaKind>,
    /// The attainment below which a breach earns credit.
    #[serde(default)]
    pub minimum: Option<Spanned<f64>>,
    /// The credit model.
    #[serde(default)]
    pub credit: Option<Spanned<CreditModel>>,
    /// A credit is earned back by attaining `attainment` in each of the next `periods` periods.
    #[serde(default)]
    pub earn_back: Option<Spanned<EarnBack>>,
    /// Periods with fewer contacts in scope are not measured.
    #[serde(default)]
    pub min_volume: Option<Spanned<u64>>,
    /// Breaching `breaches` times within `periods` periods is chronic failure.
    #[serde(default)]
    pub chronic: Option<Spanned<Chronic>>,
    /// Volume above the forecast by more than this percent excuses a breach.
    #[serde(default)]
    pub volume_tolerance_pct: Option<Spanned<f64>>,
    /// What volume above the forecast does (default `waive`).
    #[serde(default)]
    pub excusal: Option<Spanned<Excusal>>,
}

/// A clause's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ClockKind {
    #[default]
    Calendar,
    Business,
}

/// Whether exactly the target meets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Boundary {
    #[default]
    Le,
    Lt,
}

/// A workspace calendar, `calendars/<id>.toml`: one `[calendar]` table that
/// any contract's clauses may name, as they name their own `[[calendar]]`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarFile {
    pub calendar: CalendarDef,
}

/// One `[[calendar]]`: business hours in a time zone.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarDef {
    pub id: Spanned<String>,
    /// IANA zone of the hours.
    pub timezone: Spanned<String>,
    /// Open intervals per weekday, `"08:00-18:00"` (`[start, end)`, `24:00` allowed as an end).
    pub hours: WeekHours,
    /// Dates without open time: a date, or `{ from = …, to = … }` (both included).
    #[serde(default)]
    pub holidays: Vec<Spanned<Holiday>>,
    /// Dates whose hours replace the weekly ones (and a holiday's).
    #[serde(default)]
    pub exceptions: Vec<CalendarException>,
}

/// `hours = { mon = […], … }`; a day not written has no open time.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WeekHours {
    #[serde(default)]
    pub mon: Vec<Spanned<String>>,
    #[serde(default)]
    pub tue: Vec<Spanned<String>>,
    #[serde(default)]
    pub wed: Vec<Spanned<String>>,
    #[serde(default)]
    pub thu: Vec<Spanned<String>>,
    #[serde(default)]
    pub fri: Vec<Spanned<String>>,
    #[serde(default)]
    pub sat: Vec<Spanned<String>>,
    #[serde(default)]
    pub sun: Vec<Spanned<String>>,
}

impl WeekHours {
    /// Monday first.
    pub fn days(&self) -> [&[Spanned<String>]; 7] {
        [&self.mon, &self.tue, &self.wed, &self.thu, &self.fri, &self.sat, &self.sun]
    }
}

/// A holiday: one date or a range.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Holiday {
    Date(Date),
    Range { from: Date, to: Date },
}

/// `{ date = 2026-11-27, hours = ["06:00-22:00"] }`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarException {
    pub date: Spanned<Date>,
    pub hours: Vec<Spanned<String>>,
}

/// How abandoned contacts count for a `first_response` clause (docs/sla.md names the industry's formulas).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Abandons {
    /// In scope, never met (ICMI formula 3, Cisco "negative impact").
    #[default]
    Miss,
    /// Out of scope (ICMI formula 2).
    Exclude,
    /// Out of scope when abandoned within the target, misses after it (ICMI formula 4, Cisco "ignore abandoned").
    ExcludeWithinTarget,
    /// Met when abandoned within the target (ICMI formula 1, Cisco "positive impact").
    MetWithinTarget,
}

impl Abandons {
    pub fn as_str(self) -> &'static str {
        match self {
            Abandons::Miss => "miss",
            Abandons::Exclude => "exclude",
            Abandons::ExcludeWithinTarget => "exclude_within_target",
            Abandons::MetWithinTarget => "met_within_target",
        }
    }
}

/// Whether a clause's breaches earn credits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SlaKind {
    /// A Critical Service Level: breaches earn credits.
    #[default]
    Critical,
    /// A Key Measurement: reported, never credited.
    Key,
}

/// `credit = { model = "...", ... }` on a clause.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreditModel {
    pub model: Spanned<CreditModelKind>,
    /// fixed: percent of the monthly fee; allocation: percent of the amount at risk.
    #[serde(default)]
    pub pct: Option<Spanned<f64>>,
    /// shortfall: percent of the monthly fee per percentage point below the requirement.
    #[serde(default)]
    pub per_point_pct: Option<Spanned<f64>>,
}

/// The credit models of SPEC section 12.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum CreditModelKind {
    Fixed,
    Allocation,
    Shortfall,
}

/// `earn_back = { periods = 3, attainment = 95 }`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EarnBack {
    pub periods: Spanned<u32>,
    pub attainment: Spanned<f64>,
}

/// `chronic = { breaches = 3, periods = 6 }`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Chronic {
    pub breaches: Spanned<u32>,
    pub periods: Spanned<u32>,
}

/// What a period's volume above the forecast does to a breach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Excusal {
    /// The breach earns no credit and is reported excused.
    Waive,
    /// Only the first forecast × (1 + tolerance) contacts of the period are in scope.
    Cap,
}

/// `[[exclusion]]`: contacts created in `[from, to)` leave the scope of the matching clauses.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Exclusion {
    /// RFC 3339 with an offset, e.g. `2026-03-03T10:00:00Z`.
    pub from: Spanned<Instant>,
    pub to: Spanned<Instant>,
    pub reason: Spanned<String>,
    /// Only these channels (default: all).
    #[serde(default)]
    pub channels: Option<Vec<Spanned<Channel>>>,
}

/// `[[forecast]]`: the volume forecast for one period and channel.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Forecast {
    /// `2026-03` or `2026-W09`.
    pub period: Spanned<String>,
    pub channel: Spanned<Channel>,
    pub volume: Spanned<u64>,
}

/// A clause's target as written: a duration string or a number.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum SlaTarget {
    Duration(String),
    Number(f64),
}

/// What a clause measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    FirstResponse,
    Resolution,
    Csat,
    ReopenRate,
    /// Abandoned / (answered + abandoned) × 100, met when at most the target.
    AbandonRate,
    /// Average speed of answer: mean wait of answered contacts.
    Asa,
}

impl Metric {
    pub fn as_str(self) -> &'static str {
        match self {
            Metric::FirstResponse => "first_response",
            Metric::Resolution => "resolution",
            Metric::Csat => "csat",
            Metric::ReopenRate => "reopen_rate",
            Metric::AbandonRate => "abandon_rate",
            Metric::Asa => "asa",
        }
    }
}

/// A support channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Chat,
    Email,
    Voice,
    Social,
    Any,
}

impl Channel {
    /// The channels a ticket is on (every one but `any`), in the order messages list them.
    pub const TICKET: [Channel; 4] = [Channel::Chat, Channel::Email, Channel::Voice, Channel::Social];

    /// The name a contract and an export write.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Chat => "chat",
            Channel::Email => "email",
            Channel::Voice => "voice",
            Channel::Social => "social",
            Channel::Any => "any",
        }
    }

    /// A ticket's channel written by its name, in any letter case.
    #[inline]
    pub fn of_ticket(name: &[u8]) -> Option<Channel> {
        Channel::TICKET.into_iter().find(|c| name.eq_ignore_ascii_case(c.as_str().as_bytes()))
    }

    /// "chat, email, voice, social", for messages.
    pub fn ticket_names() -> String {
        Channel::TICKET.map(Channel::as_str).join(", ")
    }
}

/// Measurement period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    /// ISO week, e.g. `2026-W09`.
    Week,
    /// Calendar month, e.g. `2026-03`.
    Month,
}

/// `[service_credits]`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceCredits {
    /// Most credited per period, percent of the monthly fee.
    #[serde(default)]
    pub cap_pct: Option<Spanned<f64>>,
    /// Most credited per contract year (from `start`), percent of 12 monthly fees.
    #[serde(default)]
    pub annual_cap_pct: Option<Spanned<f64>>,
    /// The monthly amount at risk, percent of the monthly fee (allocation credits).
    #[serde(default)]
    pub at_risk_pct: Option<Spanned<f64>>,
    /// Most the clauses' allocation percentages may add up to.
    #[serde(default)]
    pub pool_pct: Option<Spanned<f64>>,
}
