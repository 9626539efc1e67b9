//! One CSV row to one [`Ticket`]: where each column is (from the header and
//! the workspace's renames), how each value is read, and the reason a row
//! is refused. Runs once per row, so parsing borrows the row's bytes and
//! builds a reason's text only when it will be reported.

use super::reader::{ReadError, ReadOptions};
use super::tally::{Rule, Ticket};
use super::timestamp::{self, DayCache, Form, TimestampError};
use crate::model::{Channel, DurationUnit, Metric};

/// Columns every export has (SPEC section 7).
pub const REQUIRED: [&str; 5] = ["ticket_id", "channel", "created_at", "first_response_at", "resolved_at"];

/// A parsed record: field bytes and where each field ends.
pub struct Row<'a> {
    data: &'a [u8],
    ends: &'a [usize],
    /// Bytes between fields: 0 when fields are packed, 1 when `data` is the line itself.
    gap: usize,
}

impl<'a> Row<'a> {
    /// Fields packed one after the other (csv-core's output).
    pub fn new(data: &'a [u8], ends: &'a [usize]) -> Row<'a> {
        Row { data, ends, gap: 0 }
    }

    /// Fields in a line as written, separated by one delimiter byte.
    pub fn delimited(line: &'a [u8], ends: &'a [usize]) -> Row<'a> {
        Row { data: line, ends, gap: 1 }
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The `i`th field (empty when out of range).
    #[inline]
    pub fn field(&self, i: usize) -> &'a [u8] {
        let start = if i == 0 { 0 } else { self.ends.get(i - 1).map_or(0, |end| end + self.gap) };
        let end = self.ends.get(i).copied().unwrap_or(start);
        self.data.get(start..end).unwrap_or_default()
    }
}

/// Why a row was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reject {
    /// Not as many fields as the header.
    Width,
    /// A required timestamp is empty (field index).
    Empty(usize),
    /// A timestamp cannot be read (field index).
    Time(usize, TimestampError),
    /// A response or resolution before creation (field index).
    BeforeCreation(usize),
    /// A channel that maps to no contract channel: counted apart, not refused.
    Unmapped,
    /// A duration that cannot be read (field index).
    Duration(usize),
    Csat,
    Reopened,
    Tier,
}

/// Where a response or resolution is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A timestamp column.
    At(usize),
    /// A duration column (`[tickets.durations]`): the elapsed time itself,
    /// counted by the helpdesk on a business clock when `business`.
    For { column: usize, unit: DurationUnit, business: bool },
    /// Not in the export, and no rule reads it (a Salesforce case has no first response).
    Absent,
}

/// A duration column of the export (`[tickets.durations]`, or a preset's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DurationSource {
    /// `first_response` or `resolution`.
    pub metric: Metric,
    /// The header (or dotted path) of the column.
    pub column: String,
    pub unit: DurationUnit,
    pub business: bool,
    /// The preset that reads it; `None`: the settings' `[tickets.durations]`.
    pub preset: Option<&'static str>,
}

impl DurationSource {
    /// Whether a clause or criterion of `metric` reads this duration and
    /// measures on the other clock (`business`: it measures business hours).
    /// SPEC 11: a business-clock duration fits only a business-clock clause,
    /// a calendar one only a calendar clause. The one place this is decided:
    /// the reader refuses the export and `validate` reports the clause by it.
    pub fn conflicts(&self, metric: Metric, business: bool) -> bool {
        let reads = match self.metric {
            Metric::FirstResponse => matches!(metric, Metric::FirstResponse | Metric::Asa),
            Metric::Resolution => metric == Metric::Resolution,
            _ => false,
        };
        reads && business != self.business
    }

    /// Where it was given, as the user reads it.
    pub fn origin(&self, options: &ReadOptions) -> String {
        match self.preset {
            Some(preset) => format!("preset {preset}"),
            None => format!("[tickets.durations] in {}", options.settings_file()),
        }
    }
}

/// Where the columns are.
#[derive(Debug, Clone)]
pub struct Layout {
    width: usize,
    channel: usize,
    created: usize,
    first_response: Source,
    resolved: Source,
    abandoned: Option<usize>,
    csat: Option<usize>,
    reopened: Option<usize>,
    tier: Option<usize>,
    priority: Option<usize>,
    names: Vec<String>,
    /// Of timestamps without an offset; `None`: UTC.
    zone: Option<jiff::tz::TimeZone>,
    /// `[tickets.channels]`: lowercased export value → channel.
    channels: Vec<(Vec<u8>, Channel)>,
    /// `[tickets.csat]`: lowercased label → score (`None`: unrated).
    csat_labels: Vec<(Vec<u8>, Option<u8>)>,
    /// How each column's timestamps are written, by field index.
    forms: Box<[Form]>,
    /// The preset whose columns the header was found to hold.
    detected: Option<&'static str>,
}

/// A header row's column names, trimmed (lossy: only for matching presets).
pub fn header_names(header: &Row<'_>) -> Vec<String> {
    (0..header.len()).map(|i| String::from_utf8_lossy(header.field(i)).trim().to_owned()).collect()
}

impl Layout {
    /// Find the columns in a header row; `rules` say which optional ones are needed.
    pub fn new(header: &Row<'_>, rules: &[Rule], options: &ReadOptions) -> Result<Layout, ReadError> {
        let renames = &options.renames;
        let mut names = Vec::with_capacity(header.len());
        for i in 0..header.len() {
            let name = std::str::from_utf8(header.field(i))
                .ok()
                .filter(|n| !n.chars().any(|c| c.is_control() && c != '\t'))
                .ok_or_else(|| ReadError::NotCsv("the first line is not a header of column names".to_owned()))?;
            names.push(name.trim().to_owned());
        }
        let find = |canonical: &str| -> Result<Option<usize>, ReadError> {
            let wanted = renames.get(canonical).map_or(canonical, String::as_str);
            let mut at = names.iter().enumerate().filter(|(_, n)| *n == wanted).map(|(i, _)| i);
            let first = at.next();
            if first.is_some() && at.next().is_some() {
                return Err(ReadError::DuplicateColumn(wanted.to_owned()));
            }
            Ok(first)
        };
        let need = |canonical: &'static str| -> Result<usize, ReadError> {
            find(canonical)?.ok_or_else(|| {
                let header = renames.get(canonical).cloned().unwrap_or_else(|| canonical.to_owned());
                ReadError::MissingColumn {
                    note: renamed_note(options, canonical, &header),
                    header,
                    found: names.clone(),
                    settings: options.settings_file().to_owned(),
                }
            })
        };
        let needed = |yes: bool, canonical: &'static str| if yes { need(canonical).map(Some) } else { Ok(None) };
        let source = |metric: Metric, canonical: &'static str| -> Result<Source, ReadError> {
            let read = rules.iter().any(|r| match metric {
                Metric::FirstResponse => matches!(r.metric, Metric::FirstResponse | Metric::Asa | Metric::AbandonRate),
                _ => matches!(r.metric, Metric::Resolution | Metric::ReopenRate),
            });
            let Some(duration) = options.durations.iter().find(|d| d.metric == metric) else {
                return match (read, find(canonical)?) {
                    (_, Some(column)) => Ok(Source::At(column)),
                    (false, None) => Ok(Source::Absent),
                    (true, None) => need(canonical).map(Source::At),
                };
            };
            let column = names.iter().position(|n| *n == duration.column).ok_or_else(|| ReadError::MissingColumn {
                header: duration.column.clone(),
                note: format!(" (the `{}` duration of {})", metric.as_str(), duration.origin(options)),
                found: names.clone(),
                settings: options.settings_file().to_owned(),
            })?;
            if let Some(rule) = rules.iter().position(|r| duration.conflicts(r.metric, r.clock.business.is_some())) {
                return Err(ReadError::ClockMismatch {
                    column: duration.column.clone(),
                    business: duration.business,
                    metric: rules[rule].metric.as_str(),
                    origin: duration.origin(options),
                    rule,
                });
            }
            Ok(Source::For { column, unit: duration.unit, business: duration.business })
        };
        need(REQUIRED[0])?;
        let width = names.len();
        let mut forms = vec![Form::Text; width];
        for (canonical, form) in &options.forms {
            if let Some(i) = find(canonical.as_str())? {
                forms[i] = *form;
            }
        }
        Ok(Layout {
            width,
            channel: need("channel")?,
            created: need("created_at")?,
            first_response: source(Metric::FirstResponse, "first_response_at")?,
            resolved: source(Metric::Resolution, "resolved_at")?,
            // Read when present for every waiting-time clause; required when a clause depends on it.
            abandoned: if rules.iter().any(|r| r.needs_abandoned) {
                Some(need("abandoned_at")?)
            } else if rules.iter().any(|r| matches!(r.metric, Metric::FirstResponse | Metric::Asa)) {
                find("abandoned_at")?
            } else {
                None
            },
            csat: needed(rules.iter().any(|r| r.metric == Metric::Csat), "csat")?,
            reopened: needed(rules.iter().any(|r| r.metric == Metric::ReopenRate), "reopened")?,
            tier: needed(rules.iter().any(|r| r.tier.is_some()), "tier")?,
            priority: needed(rules.iter().any(|r| r.priority.is_some()), "priority")?,
            names,
            zone: None,
            channels: options.channels.iter().map(|(raw, c)| (raw.trim().to_lowercase().into_bytes(), *c)).collect(),
            csat_labels: options.csat.iter().map(|(raw, s)| (raw.trim().to_lowercase().into_bytes(), *s)).collect(),
            forms: forms.into_boxed_slice(),
            detected: None,
        })
    }

    /// The same layout, found by matching the header against `preset`.
    pub fn detected_as(self, preset: &'static str) -> Layout {
        Layout { detected: Some(preset), ..self }
    }

    /// The preset the header was found to match, if it was.
    pub fn detected(&self) -> Option<&'static str> {
        self.detected
    }

    /// The export's channel value of a row whose channel maps to nothing.
    pub fn channel_value(&self, row: &Row<'_>) -> String {
        shown(row.field(self.channel).trim_ascii())
    }

    /// The same layout, timestamps without an offset read in `zone`.
    pub fn in_zone(self, zone: Option<jiff::tz::TimeZone>) -> Layout {
        Layout { zone, ..self }
    }

    pub fn zone(&self) -> Option<&jiff::tz::TimeZone> {
        self.zone.as_ref()
    }

    /// Read one row.
    #[inline]
    pub fn parse<'a>(&self, row: &Row<'a>, days: &mut DayCache) -> Result<Ticket<'a>, Reject> {
        if row.len() != self.width {
            return Err(Reject::Width);
        }
        let created = match self.time(row, self.created, days)? {
            Some(t) => t,
            None => return Err(Reject::Empty(self.created)),
        };
        let mut later = |column: usize| -> Result<Option<i64>, Reject> {
            match self.time(row, column, days)? {
                Some(t) if t < created => Err(Reject::BeforeCreation(column)),
                other => Ok(other),
            }
        };
        // A duration stands for its end (created + the duration) and, read on the
        // helpdesk's business clock, is also the elapsed time itself.
        let mut end = |source: Source| -> Result<(Option<i64>, Option<u64>), Reject> {
            match source {
                Source::Absent => Ok((None, None)),
                Source::At(column) => Ok((later(column)?, None)),
                Source::For { column, unit, business } => match duration(row.field(column), unit) {
                    Ok(None) => Ok((None, None)),
                    Ok(Some(seconds)) => {
                        let at = created.checked_add_unsigned(seconds).ok_or(Reject::Duration(column))?;
                        Ok((Some(at), business.then_some(seconds)))
                    }
                    Err(()) => Err(Reject::Duration(column)),
                },
            }
        };
        let (first_response, response_for) = end(self.first_response)?;
        let (resolved, resolution_for) = end(self.resolved)?;
        let abandoned = match self.abandoned {
            Some(column) => later(column)?,
            None => None,
        };
        let csat = match self.csat.map(|i| row.field(i).trim_ascii()) {
            None | Some([]) => None,
            Some([d @ b'1'..=b'5']) => Some(d - b'0'),
            Some(label) => match self.csat_labels.iter().find(|(l, _)| label.eq_ignore_ascii_case(l)) {
                Some((_, score)) => *score,
                None => return Err(Reject::Csat),
            },
        };
        let reopened = match self.reopened.map(|i| row.field(i).trim_ascii()) {
            None | Some([]) => false,
            // A count (SPEC 11): reopened when above zero.
            Some(v) if v.iter().all(u8::is_ascii_digit) => v.iter().any(|&d| d != b'0'),
            Some(v) if v.eq_ignore_ascii_case(b"false") => false,
            Some(v) if v.eq_ignore_ascii_case(b"true") => true,
            Some(_) => return Err(Reject::Reopened),
        };
        let tier = match self.tier.map(|i| row.field(i).trim_ascii()) {
            None | Some([]) => None,
            Some(v) => Some(std::str::from_utf8(v).ok().and_then(|t| t.parse().ok()).ok_or(Reject::Tier)?),
        };
        let priority = self.priority.map_or(&b""[..], |i| row.field(i).trim_ascii());
        // Last: a row that cannot be read is refused as such, whatever its channel.
        let channel = self.channel(row.field(self.channel)).ok_or(Reject::Unmapped)?;
        Ok(Ticket {
            channel,
            created,
            first_response,
            resolved,
            abandoned,
            csat,
            reopened,
            tier,
            priority,
            response_for,
            resolution_for,
        })
    }

    /// The timestamp in field `column`, read in its column's form: `None` when empty.
    #[inline]
    fn time(&self, row: &Row<'_>, column: usize, days: &mut DayCache) -> Result<Option<i64>, Reject> {
        let field = row.field(column).trim_ascii();
        if field.is_empty() {
            return Ok(None);
        }
        let form = self.forms.get(column).copied().unwrap_or_default();
        timestamp::parse_form(field, form, days).map(Some).map_err(|e| Reject::Time(column, e))
    }

    /// A channel through `[tickets.channels]`, else by its own name, in any letter case.
    #[inline]
    fn channel(&self, field: &[u8]) -> Option<Channel> {
        let field = field.trim_ascii();
        if !self.channels.is_empty()
            && let Some((_, channel)) = self.channels.iter().find(|(raw, _)| field.eq_ignore_ascii_case(raw))
        {
            return Some(*channel);
        }
        Channel::of_ticket(field)
    }

    /// The reason for a refused row, as the user reads it.
    pub fn describe(&self, row: &Row<'_>, reject: Reject) -> String {
        let name = |i: usize| self.names.get(i).map_or("?", String::as_str);
        let value = |i: usize| shown(row.field(i));
        match reject {
            Reject::Width => format!("expected {} fields as in the header, found {}", self.width, row.len()),
            Reject::Empty(i) => format!("{} is empty", name(i)),
            Reject::Time(i, e) => format!("{} `{}` {}", name(i), value(i), e.describe()),
            Reject::BeforeCreation(i) => {
                format!("{} `{}` is before {} `{}`", name(i), value(i), name(self.created), value(self.created))
            }
            Reject::Unmapped => {
                format!("channel `{}` maps to none of {}", value(self.channel), Channel::ticket_names())
            }
            Reject::Duration(i) => {
                let unit = match self.first_response {
                    Source::For { column, unit, .. } if column == i => unit,
                    _ => match self.resolved {
                        Source::For { unit, .. } => unit,
                        Source::At(_) | Source::Absent => DurationUnit::S,
                    },
                };
                let expected = match unit {
                    DurationUnit::S => "a number of seconds",
                    DurationUnit::Min => "a number of minutes",
                    DurationUnit::H => "a number of hours",
                    DurationUnit::Hms => "a duration H:MM:SS or HH:MM",
                };
                format!("{} `{}` is not {expected}", name(i), value(i))
            }
            Reject::Csat => {
                let i = self.csat.unwrap_or(0);
                if self.csat_labels.is_empty() {
                    format!("{} `{}` is not a score from 1 to 5", name(i), value(i))
                } else {
                    format!("{} `{}` is not a score from 1 to 5 nor a label of [tickets.csat]", name(i), value(i))
                }
            }
            Reject::Reopened => {
                let i = self.reopened.unwrap_or(0);
                format!("{} `{}` is not true, false or a count of reopenings", name(i), value(i))
            }
            Reject::Tier => {
                let i = self.tier.unwrap_or(0);
                format!("{} `{}` is not a whole number", name(i), value(i))
            }
        }
    }
}

/// Where a column's name came from, for an error about it: nothing when it
/// is the canonical name, else the preset that names it or the settings file.
fn renamed_note(options: &ReadOptions, canonical: &str, header: &str) -> String {
    let preset = options.preset.filter(|name| {
        super::presets::preset(name).is_some_and(|p| p.columns.iter().any(|(c, h)| *c == canonical && *h == header))
    });
    match preset {
        _ if header == canonical => String::new(),
        Some(preset) => format!(" (the `{canonical}` column as preset {preset} names it)"),
        None => format!(" (the `{canonical}` column, renamed in {})", options.settings_file()),
    }
}

/// A duration field in whole seconds (fractions dropped): `None` when empty.
/// `s`, `min`, `h`: a number, decimals allowed; `hms`: `H:MM:SS` or `H:MM`.
pub(crate) fn duration(field: &[u8], unit: DurationUnit) -> Result<Option<u64>, ()> {
    let field = field.trim_ascii();
    if field.is_empty() {
        return Ok(None);
    }
    let whole = |digits: &[u8]| -> Result<u64, ()> {
        if digits.is_empty() || digits.len() > 12 || !digits.iter().all(u8::is_ascii_digit) {
            return Err(());
        }
        Ok(digits.iter().fold(0u64, |n, d| n * 10 + u64::from(d - b'0')))
    };
    let scale = match unit {
        DurationUnit::S => 1,
        DurationUnit::Min => 60,
        DurationUnit::H => 3600,
        DurationUnit::Hms => {
            let parts: Vec<&[u8]> = field.split(|b| *b == b':').collect();
            let (hours, minutes, seconds) = match parts[..] {
                [h, m] => (whole(h)?, whole(m)?, 0),
                [h, m, s] => (whole(h)?, whole(m)?, whole(s)?),
                _ => return Err(()),
            };
            if minutes > 59 || seconds > 59 || parts[1..].iter().any(|p| p.len() != 2) {
                return Err(());
            }
            return Ok(Some(hours * 3600 + minutes * 60 + seconds));
        }
    };
    let (int, frac) = match field.iter().position(|b| *b == b'.' || *b == b',') {
        Some(at) => (&field[..at], &field[at + 1..]),
        None => (field, &b""[..]),
    };
    let int = if int.is_empty() && !frac.is_empty() { 0 } else { whole(int)? };
    let frac_seconds = if frac.is_empty() {
        0
    } else {
        let frac = &frac[..frac.len().min(9)];
        whole(frac)? * scale / 10u64.pow(frac.len() as u32)
    };
    Ok(Some(int * scale + frac_seconds))
}

/// A field's text for a message: lossy UTF-8, at most 40 characters.
fn shown(field: &[u8]) -> String {
    let text = String::from_utf8_lossy(field);
    let text: String = text.chars().map(|c| if c.is_control() { '�' } else { c }).collect();
    if text.chars().count() > 40 { format!("{}…", text.chars().take(39).collect::<String>()) } else { text }
}
