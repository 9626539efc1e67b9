//! One CSV row to one [`Ticket`]: where each column is (from the header and
//! the workspace's renames), how each value is read, and the reason a row
//! is refused. Runs once per row, so parsing borrows the row's bytes and
//! builds a reason's text only when it will be reported.

use std::collections::BTreeMap;

use super::reader::ReadError;
use super::tally::{Rule, Ticket};
use super::timestamp::{self, DayCache, TimestampError};
use crate::model::{Channel, Metric};

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
    Channel,
    Csat,
    Reopened,
    Tier,
}

/// Where the columns are.
#[derive(Debug, Clone)]
pub struct Layout {
    width: usize,
    channel: usize,
    created: usize,
    first_response: usize,
    resolved: usize,
    abandoned: Option<usize>,
    csat: Option<usize>,
    reopened: Option<usize>,
    tier: Option<usize>,
    priority: Option<usize>,
    names: Vec<String>,
    /// Of timestamps without an offset; `None`: UTC.
    zone: Option<jiff::tz::TimeZone>,
}

impl Layout {
    /// Find the columns in a header row; `rules` say which optional ones are needed.
    pub fn new(header: &Row<'_>, rules: &[Rule], renames: &BTreeMap<String, String>) -> Result<Layout, ReadError> {
        let mut names = Vec::with_capacity(header.len());
        for i in 0..header.len() {
            let name = std::str::from_utf8(header.field(i))
                .ok()
                .filter(|n| !n.chars().any(|c| c.is_control() && c != '\t'))
                .ok_or_else(|| ReadError::NotCsv("the first line is not a header of column names".to_owned()))?;
            names.push(name.trim().to_owned());
        }
        let find = |canonical: &'static str| -> Result<Option<usize>, ReadError> {
            let wanted = renames.get(canonical).map_or(canonical, String::as_str);
            let mut at = names.iter().enumerate().filter(|(_, n)| *n == wanted).map(|(i, _)| i);
            let first = at.next();
            if first.is_some() && at.next().is_some() {
                return Err(ReadError::DuplicateColumn(wanted.to_owned()));
            }
            Ok(first)
        };
        let need = |canonical: &'static str| -> Result<usize, ReadError> {
            find(canonical)?.ok_or_else(|| ReadError::MissingColumn {
                canonical,
                header: renames.get(canonical).cloned().unwrap_or_else(|| canonical.to_owned()),
                found: names.clone(),
            })
        };
        let needed = |yes: bool, canonical: &'static str| if yes { need(canonical).map(Some) } else { Ok(None) };
        need(REQUIRED[0])?;
        Ok(Layout {
            width: names.len(),
            channel: need("channel")?,
            created: need("created_at")?,
            first_response: need("first_response_at")?,
            resolved: need("resolved_at")?,
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
        })
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
        let channel = channel(row.field(self.channel)).ok_or(Reject::Channel)?;
        let created = match time(row.field(self.created), self.created, days)? {
            Some(t) => t,
            None => return Err(Reject::Empty(self.created)),
        };
        let mut later = |column: usize| -> Result<Option<i64>, Reject> {
            match time(row.field(column), column, days)? {
                Some(t) if t < created => Err(Reject::BeforeCreation(column)),
                other => Ok(other),
            }
        };
        let first_response = later(self.first_response)?;
        let resolved = later(self.resolved)?;
        let abandoned = match self.abandoned {
            Some(column) => later(column)?,
            None => None,
        };
        let csat = match self.csat.map(|i| row.field(i).trim_ascii()) {
            None | Some([]) => None,
            Some([d @ b'1'..=b'5']) => Some(d - b'0'),
            Some(_) => return Err(Reject::Csat),
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
        Ok(Ticket { channel, created, first_response, resolved, abandoned, csat, reopened, tier, priority })
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
            Reject::Channel => {
                format!("unknown channel `{}` (expected chat, email, voice or social)", value(self.channel))
            }
            Reject::Csat => {
                let i = self.csat.unwrap_or(0);
                format!("{} `{}` is not a score from 1 to 5", name(i), value(i))
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

/// A timestamp field: `None` when empty.
#[inline]
fn time(field: &[u8], column: usize, days: &mut DayCache) -> Result<Option<i64>, Reject> {
    let field = field.trim_ascii();
    if field.is_empty() {
        return Ok(None);
    }
    timestamp::parse_with(field, days).map(Some).map_err(|e| Reject::Time(column, e))
}

/// A channel name, in any letter case.
#[inline]
fn channel(field: &[u8]) -> Option<Channel> {
    let field = field.trim_ascii();
    let is = |name: &[u8]| field.eq_ignore_ascii_case(name);
    match field.len() {
        4 if is(b"chat") => Some(Channel::Chat),
        5 if is(b"email") => Some(Channel::Email),
        5 if is(b"voice") => Some(Channel::Voice),
        6 if is(b"social") => Some(Channel::Social),
        _ => None,
    }
}

/// A field's text for a message: lossy UTF-8, at most 40 characters.
fn shown(field: &[u8]) -> String {
    let text = String::from_utf8_lossy(field);
    let text: String = text.chars().map(|c| if c.is_control() { '�' } else { c }).collect();
    if text.chars().count() > 40 { format!("{}…", text.chars().take(39).collect::<String>()) } else { text }
}
