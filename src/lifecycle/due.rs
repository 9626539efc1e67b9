//! What falls due for one vendor, and when: reassessment, contract end, the
//! termination-notice deadline, SOC 2 report currency, penetration-test age
//! and certificate expiry, each with its date, the field it comes from and
//! a status as of a date.

use crate::model::{ContractFile, ContractStatus, Date, IsoPeriod, add_months};

/// What falls due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ItemKind {
    Reassessment,
    ContractEnd,
    TerminationNotice,
    Soc2Report,
    Pentest,
    Certificate,
}

impl ItemKind {
    pub const ALL: [ItemKind; 6] = [
        ItemKind::Reassessment,
        ItemKind::ContractEnd,
        ItemKind::TerminationNotice,
        ItemKind::Soc2Report,
        ItemKind::Pentest,
        ItemKind::Certificate,
    ];

    /// The name in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Reassessment => "reassessment",
            ItemKind::ContractEnd => "contract_end",
            ItemKind::TerminationNotice => "termination_notice",
            ItemKind::Soc2Report => "soc2_report",
            ItemKind::Pentest => "pentest",
            ItemKind::Certificate => "certificate",
        }
    }

    /// A short title for calendars and tables.
    pub fn title(self) -> &'static str {
        match self {
            ItemKind::Reassessment => "reassessment due",
            ItemKind::ContractEnd => "contract ends",
            ItemKind::TerminationNotice => "last day to give termination notice",
            ItemKind::Soc2Report => "SOC 2 report goes stale",
            ItemKind::Pentest => "penetration test goes stale",
            ItemKind::Certificate => "certificate expires",
        }
    }
}

/// Where an item stands on the as-of date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// The date has passed.
    Overdue,
    /// The date is today or within the window.
    Due,
    Ok,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Overdue => "overdue",
            Status::Due => "due",
            Status::Ok => "ok",
        }
    }

    /// `overdue` before `as_of`; `due` from `as_of` to `as_of + within` days inclusive; else `ok`.
    pub fn of(date: Date, as_of: Date, within_days: u32) -> Status {
        if date.0 < as_of.0 {
            Status::Overdue
        } else if date.day_number() - as_of.day_number() <= i64::from(within_days) {
            Status::Due
        } else {
            Status::Ok
        }
    }
}

/// One dated item.
#[derive(Debug, Clone, PartialEq)]
pub struct DueItem {
    pub kind: ItemKind,
    pub date: Date,
    pub status: Status,
    /// The fields the date comes from, e.g. `ledger entry 3 + P12M`.
    pub source: String,
}

/// The last `score` entry that scored a vendor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LastScored {
    pub seq: u64,
    /// The UTC date of the entry's `time`.
    pub date: Date,
}

/// What one vendor's items are computed from.
#[derive(Debug, Clone, Copy)]
pub struct DueInput<'a> {
    pub last_scored: Option<LastScored>,
    pub reassess: IsoPeriod,
    /// As written in the tiering file, e.g. `P12M`.
    pub reassess_text: &'a str,
    pub contract: Option<&'a ContractFile>,
}

/// Every item of one vendor, in [`ItemKind`] order, as of a date.
pub fn items(input: &DueInput<'_>, as_of: Date, within_days: u32) -> Vec<DueItem> {
    let mut items = Vec::new();
    let mut push = |kind: ItemKind, date: Option<Date>, source: String| {
        if let Some(date) = date {
            items.push(DueItem { kind, date, status: Status::of(date, as_of, within_days), source });
        }
    };
    match input.last_scored {
        Some(last) => push(
            ItemKind::Reassessment,
            input.reassess.after(last.date),
            format!("ledger entry {} + {}", last.seq, input.reassess_text),
        ),
        None => push(ItemKind::Reassessment, Some(as_of), "never scored: due now".to_owned()),
    }
    let Some(contract) = input.contract else { return items };
    let terms = &contract.contract;
    let ended = terms.status == Some(ContractStatus::Terminated);
    let end = match (&terms.start, &terms.term_months) {
        (Some(start), Some(months)) if !ended => add_months(start.value, months.value),
        _ => None,
    };
    push(ItemKind::ContractEnd, end, "contract start + term_months".to_owned());
    let notice = end.zip(terms.termination_notice_days).and_then(|(end, days)| end.add_days(-i64::from(days)));
    push(ItemKind::TerminationNotice, notice, "contract start + term_months - termination_notice_days".to_owned());
    if let Some(security) = &contract.security {
        push(
            ItemKind::Soc2Report,
            security.soc2_period_end.and_then(|d| add_months(d, 12)),
            "security.soc2_period_end + P12M".to_owned(),
        );
        push(
            ItemKind::Pentest,
            security.pentest_date.and_then(|d| add_months(d, 12)),
            "security.pentest_date + P12M".to_owned(),
        );
        push(ItemKind::Certificate, security.certificate_expiry, "security.certificate_expiry".to_owned());
    }
    items
}
