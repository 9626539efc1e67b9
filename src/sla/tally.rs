//! Counting tickets per rule and period: what a ticket contributes to each
//! rule it falls under, and the per-period tallies that result. Owns the
//! per-ticket definitions (what is in scope, what is within target); the
//! decisions made from a whole period's tally live in `attainment`.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::calendar::Calendar;
use super::cap::{Cap, Held, MAX_SECOND};
use super::histogram::Histogram;
use super::period::{DAY, PeriodKey, PeriodKind, civil_from_days, month_index, week_index};
use crate::model::{Abandons, Channel, Metric};

/// What to count and for which tickets: one contract clause or one measured criterion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub metric: Metric,
    /// `Channel::Any` counts every channel.
    pub channel: Channel,
    pub tier: Option<i64>,
    pub priority: Option<String>,
    /// Seconds within target (times); the lowest satisfied score (csat); unused (reopen_rate).
    pub threshold: u64,
    pub period: PeriodKind,
    pub clock: RuleClock,
    /// How abandoned contacts count (first_response); counted alike for every mode.
    pub abandons: Abandons,
    /// Contacts abandoned in under this many seconds leave the scope (0: none do).
    pub short_abandon: u64,
    /// Whether the export must have `abandoned_at` (abandon_rate, or a clause that says how abandons count).
    pub needs_abandoned: bool,
    /// Windows whose contacts are counted as excluded instead.
    pub exclusions: Vec<Window>,
    /// Periods whose scope is capped at a forecast (`excusal = "cap"`).
    pub caps: Vec<Cap>,
}

/// An `[[exclusion]]` window: contacts created in `[from, to)` on its channels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    pub from: i64,
    pub to: i64,
    /// Empty: every channel.
    pub channels: Vec<Channel>,
}

impl Window {
    /// Whether the window holds the ticket.
    #[inline]
    pub fn covers(&self, ticket: &Ticket<'_>) -> bool {
        (self.from..self.to).contains(&ticket.created)
            && (self.channels.is_empty() || self.channels.contains(&ticket.channel))
    }
}

impl Default for Rule {
    /// First response on any channel, per month, without filters.
    fn default() -> Rule {
        Rule {
            metric: Metric::FirstResponse,
            channel: Channel::Any,
            tier: None,
            priority: None,
            threshold: 0,
            period: PeriodKind::Month,
            abandons: Abandons::Miss,
            short_abandon: 0,
            needs_abandoned: false,
            exclusions: Vec::new(),
            clock: RuleClock::default(),
            caps: Vec::new(),
        }
    }
}

/// How a rule measures times and where its periods start (SPEC section 11).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleClock {
    /// Count only the open hours of this calendar; `None`: wall-clock time.
    pub business: Option<Arc<Calendar>>,
    /// `boundary = "lt"`: exactly the target misses it.
    pub strict: bool,
    /// Months and weeks start at midnight in this zone; `None`: UTC. One
    /// zone per read (a contract's): the accumulator takes the first rule's.
    pub zone: Option<jiff::tz::TimeZone>,
}

impl Rule {
    /// Whether a ticket falls under the rule's filters.
    #[inline]
    pub fn matches(&self, ticket: &Ticket<'_>) -> bool {
        (self.channel == Channel::Any || self.channel == ticket.channel)
            && self.tier.is_none_or(|tier| ticket.tier == Some(tier))
            && self.priority.as_ref().is_none_or(|p| p.as_bytes() == ticket.priority)
    }

    /// What a contact (neither excluded nor a short abandon) adds to this rule's tally.
    #[inline]
    pub fn contribution(&self, ticket: &Ticket<'_>) -> Contribution {
        let time = |end: Option<i64>| {
            end.map(|end| match &self.clock.business {
                Some(calendar) => calendar.business_seconds(ticket.created, end),
                None => end.saturating_sub(ticket.created).max(0) as u64,
            })
        };
        // Business durations from the export (the reader pairs them with business clauses only).
        let given = |end: Option<i64>, elapsed: Option<u64>| if elapsed.is_some() { elapsed } else { time(end) };
        let within =
            |seconds: u64| if self.clock.strict { seconds < self.threshold } else { seconds <= self.threshold };
        match self.metric {
            Metric::FirstResponse | Metric::Asa | Metric::AbandonRate => {
                match (given(ticket.first_response, ticket.response_for), time(ticket.abandoned)) {
                    (Some(seconds), _) => Contribution::Value { value: seconds, within: within(seconds) },
                    (None, Some(wait)) => Contribution::Abandoned { within: within(wait) },
                    (None, None) => Contribution::Missing,
                }
            }
            Metric::Resolution => match given(ticket.resolved, ticket.resolution_for) {
                Some(seconds) => Contribution::Value { value: seconds, within: within(seconds) },
                None => Contribution::Missing,
            },
            Metric::Csat => match ticket.csat {
                Some(score) => {
                    Contribution::Value { value: u64::from(score), within: u64::from(score) >= self.threshold }
                }
                None => Contribution::Nothing,
            },
            Metric::ReopenRate if ticket.resolved.is_some() => {
                Contribution::Value { value: 0, within: !ticket.reopened }
            }
            Metric::ReopenRate => Contribution::Nothing,
        }
    }
}

/// One readable row of a ticket export, times in seconds since 1970 (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ticket<'a> {
    /// Never `Channel::Any`.
    pub channel: Channel,
    pub created: i64,
    /// `None`: never answered. At or after `created`.
    pub first_response: Option<i64>,
    /// `None`: still open. At or after `created`.
    pub resolved: Option<i64>,
    /// When the contact left the queue unanswered (`None`: it did not, or not read). At or after `created`.
    pub abandoned: Option<i64>,
    /// 1-5, `None` when unrated (or not read: no clause needs it).
    pub csat: Option<u8>,
    pub reopened: bool,
    pub tier: Option<i64>,
    /// Empty when absent.
    pub priority: &'a [u8],
    /// The time to first response as the export gives it on a business clock
    /// (`[tickets.durations]`), in place of `first_response − created`.
    pub response_for: Option<u64>,
    /// The same for resolution.
    pub resolution_for: Option<u64>,
}

/// What one contact adds to a tally, decided as it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Contribution {
    /// A value (seconds, or a csat score; 0 for reopen_rate), within target or not.
    Value { value: u64, within: bool },
    /// Abandoned unanswered, within the target or not.
    Abandoned { within: bool },
    /// No value that counts as a miss: unanswered (waiting metrics) or open (resolution).
    Missing,
    /// Nothing to count: unrated (csat), unresolved (reopen_rate).
    Nothing,
}

/// What the tickets of one rule and period add up to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Tickets with a value: answered (first_response), resolved
    /// (resolution, reopen_rate) or rated (csat).
    pub measured: u64,
    /// Of those: within target (times), scoring at least the target (csat),
    /// not reopened (reopen_rate).
    pub within: u64,
    /// Tickets without a value that may count as misses: unanswered and
    /// not abandoned (first_response, asa, abandon_rate) or open (resolution).
    pub missing: u64,
    /// Contacts abandoned unanswered, short abandons not counted.
    pub abandoned: u64,
    /// Of those: abandoned within the target.
    pub abandoned_within: u64,
    /// Contacts abandoned in under `short_abandon`: out of scope.
    pub short_abandoned: u64,
    /// Contacts in an `[[exclusion]]` window: out of scope.
    pub excluded: u64,
    /// Contacts after the first `floor(forecast × (1 + tolerance))` of the period: out of scope.
    pub over_forecast: u64,
    /// A capped period's contacts while reading, counted once the cut is known ([`settle_caps`]).
    pub held: Held,
    /// Sum of the csat scores.
    pub score_sum: u64,
    /// Sum of the answered contacts' waits in seconds (asa).
    pub wait_sum: u64,
    /// The values: seconds (times) or scores (csat).
    pub values: Histogram,
}

impl Tally {
    /// Count one ticket that falls under `rule`.
    #[inline]
    pub fn record(&mut self, rule: &Rule, ticket: &Ticket<'_>) {
        if !self.left_out(rule, ticket) {
            self.record_contact(rule, ticket);
        }
    }

    /// Count the ticket as excluded or a short abandon if it is one (it then
    /// leaves the scope, and does not count towards a forecast).
    #[inline]
    pub fn left_out(&mut self, rule: &Rule, ticket: &Ticket<'_>) -> bool {
        if !rule.exclusions.is_empty() && rule.exclusions.iter().any(|w| w.covers(ticket)) {
            self.excluded += 1;
            return true;
        }
        let waiting = matches!(rule.metric, Metric::FirstResponse | Metric::Asa | Metric::AbandonRate);
        // Answered wins over an abandoned_at the same row may also carry.
        let short = waiting
            && ticket.first_response.is_none()
            && ticket
                .abandoned
                .is_some_and(|at| (at.saturating_sub(ticket.created).max(0) as u64) < rule.short_abandon);
        self.short_abandoned += u64::from(short);
        short
    }

    /// Count a contact neither excluded nor a short abandon.
    #[inline]
    pub fn record_contact(&mut self, rule: &Rule, ticket: &Ticket<'_>) {
        self.count(rule.metric, rule.contribution(ticket));
    }

    /// Count what one contact adds under a rule on `metric`.
    #[inline]
    pub fn count(&mut self, metric: Metric, contribution: Contribution) {
        match contribution {
            Contribution::Value { value, within } => {
                self.measured += 1;
                self.within += u64::from(within);
                match metric {
                    Metric::FirstResponse | Metric::Asa | Metric::AbandonRate => {
                        self.wait_sum = self.wait_sum.saturating_add(value);
                        self.values.add(value);
                    }
                    Metric::Resolution => self.values.add(value),
                    Metric::Csat => {
                        self.score_sum += value;
                        self.values.add(value);
                    }
                    Metric::ReopenRate => {}
                }
            }
            Contribution::Abandoned { within } => {
                self.abandoned += 1;
                self.abandoned_within += u64::from(within);
            }
            Contribution::Missing => self.missing += 1,
            Contribution::Nothing => {}
        }
    }

    /// Add another tally of the same rule and period.
    pub fn merge(&mut self, other: Tally) {
        self.measured += other.measured;
        self.within += other.within;
        self.missing += other.missing;
        self.abandoned += other.abandoned;
        self.abandoned_within += other.abandoned_within;
        self.short_abandoned += other.short_abandoned;
        self.excluded += other.excluded;
        self.over_forecast += other.over_forecast;
        self.held.merge(other.held);
        self.score_sum += other.score_sum;
        self.wait_sum = self.wait_sum.saturating_add(other.wait_sum);
        self.values.merge(&other.values);
    }
}

/// Tallies per rule (in rule order), each per period.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tallies {
    pub per_rule: Vec<BTreeMap<PeriodKey, Tally>>,
}

impl Tallies {
    /// Add the tallies of another part of the same file.
    pub fn merge(&mut self, other: Tallies) {
        if self.per_rule.len() < other.per_rule.len() {
            self.per_rule.resize_with(other.per_rule.len(), BTreeMap::new);
        }
        for (mine, theirs) in self.per_rule.iter_mut().zip(other.per_rule) {
            for (key, tally) in theirs {
                match mine.get_mut(&key) {
                    Some(existing) => existing.merge(tally),
                    None => {
                        mine.insert(key, tally);
                    }
                }
            }
        }
    }
}

/// One rule's tallies while reading: a map by period index, with the last
/// period looked up kept at hand (exports are mostly in time order).
#[derive(Debug, Default)]
struct Buckets {
    last: Option<(i64, usize)>,
    index: HashMap<i64, usize>,
    tallies: Vec<(i64, Tally)>,
}

impl Buckets {
    #[inline]
    fn get(&mut self, key: i64) -> &mut Tally {
        let slot = match self.last {
            Some((last, slot)) if last == key => slot,
            _ => {
                let next = self.tallies.len();
                let slot = *self.index.entry(key).or_insert(next);
                if slot == next {
                    self.tallies.push((key, Tally::default()));
                }
                self.last = Some((key, slot));
                slot
            }
        };
        &mut self.tallies[slot].1
    }
}

/// Counts tickets under every rule as they stream by.
#[derive(Debug)]
pub struct Accumulator {
    rules: Vec<Rule>,
    buckets: Vec<Buckets>,
    /// The day last seen, with its month and week index.
    day: Option<(i64, i64, i64)>,
    /// The part of the file being read.
    part: usize,
    /// The zone of the rules with local periods, and the local day last seen.
    zone: Option<jiff::tz::TimeZone>,
    local_day: Option<(i64, i64, i64)>,
}

/// A day number's month and ISO week index.
fn periods_of(day: i64) -> (i64, i64) {
    let (y, m, _) = civil_from_days(day);
    (month_index(y, m), week_index(day))
}

impl Accumulator {
    /// An accumulator for `rules`.
    pub fn new(rules: &[Rule]) -> Accumulator {
        Accumulator {
            rules: rules.to_vec(),
            buckets: rules.iter().map(|_| Buckets::default()).collect(),
            day: None,
            zone: rules.iter().find_map(|r| r.clock.zone.clone()),
            local_day: None,
            part: 0,
        }
    }

    /// The rows that follow are of part `part` of the file (parts numbered in file order).
    pub fn set_part(&mut self, part: usize) {
        self.part = part;
    }

    /// Count one ticket under every rule it falls under.
    #[inline]
    pub fn add(&mut self, ticket: &Ticket<'_>) {
        let day = ticket.created.div_euclid(DAY);
        let (month, week) = match self.day {
            Some((d, month, week)) if d == day => (month, week),
            _ => {
                let periods = periods_of(day);
                self.day = Some((day, periods.0, periods.1));
                periods
            }
        };
        let local = self.zone.as_ref().map(|zone| {
            let offset = jiff::Timestamp::from_second(ticket.created).map_or(0, |t| zone.to_offset(t).seconds());
            let day = (ticket.created + i64::from(offset)).div_euclid(DAY);
            match self.local_day {
                Some((d, month, week)) if d == day => (month, week),
                _ => {
                    let periods = periods_of(day);
                    self.local_day = Some((day, periods.0, periods.1));
                    periods
                }
            }
        });
        for (rule, buckets) in self.rules.iter().zip(&mut self.buckets) {
            if !rule.matches(ticket) {
                continue;
            }
            let (month, week) = match local {
                Some(local) if rule.clock.zone.is_some() => local,
                _ => (month, week),
            };
            let key = match rule.period {
                PeriodKind::Month => month,
                PeriodKind::Week => week,
                PeriodKind::Whole => 0,
            };
            let tally = buckets.get(key);
            let cap = if rule.caps.is_empty() { None } else { rule.caps.iter().find(|c| c.period == key) };
            let Some(cap) = cap else {
                tally.record(rule, ticket);
                continue;
            };
            if tally.left_out(rule, ticket) {
                continue;
            }
            // Below MAX_SECOND: a period lasts at most 31 days and an hour.
            let second = ticket.created.saturating_sub(cap.start).clamp(0, i64::from(MAX_SECOND)) as u32;
            tally.over_forecast += tally.held.hold(self.part, second, rule.contribution(ticket), cap.limit);
        }
    }

    /// The tallies, per rule and period.
    pub fn finish(self) -> Tallies {
        let per_rule = self
            .rules
            .iter()
            .zip(self.buckets)
            .map(|(rule, buckets)| {
                buckets
                    .tallies
                    .into_iter()
                    .map(|(index, tally)| (PeriodKey { kind: rule.period, index }, tally))
                    .collect()
            })
            .collect();
        Tallies { per_rule }
    }
}

/// Count the contacts of capped periods, once every part of the file is
/// read and merged: the first `limit` by creation, ties in file order, in
/// scope, the rest over forecast (see [`cap`](super::cap)).
pub fn settle_caps(rules: &[Rule], tallies: &mut Tallies) {
    for (rule, periods) in rules.iter().zip(&mut tallies.per_rule) {
        for cap in &rule.caps {
            let Some(tally) = periods.get_mut(&PeriodKey { kind: rule.period, index: cap.period }) else { continue };
            let held = std::mem::take(&mut tally.held);
            let over = held.settle(cap.limit, |contribution| tally.count(rule.metric, contribution));
            tally.over_forecast += over;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sla::period::days_from_civil;

    fn rule(metric: Metric, channel: Channel, threshold: u64) -> Rule {
        Rule { metric, channel, threshold, ..Rule::default() }
    }

    fn ticket(channel: Channel, created: i64, response: Option<i64>, resolved: Option<i64>) -> Ticket<'static> {
        Ticket {
            channel,
            created,
            first_response: response.map(|r| created + r),
            resolved: resolved.map(|r| created + r),
            abandoned: None,
            csat: None,
            reopened: false,
            tier: None,
            priority: b"",
            response_for: None,
            resolution_for: None,
        }
    }

    #[test]
    fn filters_select_channel_tier_and_priority() {
        let base = ticket(Channel::Chat, 0, Some(1), Some(2));
        let mut r = rule(Metric::FirstResponse, Channel::Chat, 60);
        assert!(r.matches(&base));
        assert!(!r.matches(&Ticket { channel: Channel::Email, ..base }));
        r.channel = Channel::Any;
        assert!(r.matches(&Ticket { channel: Channel::Voice, ..base }));
        r.tier = Some(1);
        assert!(!r.matches(&base), "no tier does not match tier 1");
        assert!(r.matches(&Ticket { tier: Some(1), ..base }));
        assert!(!r.matches(&Ticket { tier: Some(2), ..base }));
        r.priority = Some("urgent".into());
        assert!(r.matches(&Ticket { tier: Some(1), priority: b"urgent", ..base }));
        assert!(!r.matches(&Ticket { tier: Some(1), priority: b"Urgent", ..base }));
    }

    #[test]
    fn unanswered_and_open_tickets_are_kept_apart() {
        let first = rule(Metric::FirstResponse, Channel::Any, 60);
        let resolution = rule(Metric::Resolution, Channel::Any, 3600);
        let mut a = Tally::default();
        let mut b = Tally::default();
        for t in [
            ticket(Channel::Chat, 0, Some(60), Some(100)),
            ticket(Channel::Chat, 0, Some(61), None),
            ticket(Channel::Chat, 0, None, Some(4000)),
        ] {
            a.record(&first, &t);
            b.record(&resolution, &t);
        }
        assert_eq!((a.measured, a.within, a.missing), (2, 1, 1));
        assert_eq!(a.values.percentiles([50, 100]), [Some(60), Some(61)]);
        assert_eq!((b.measured, b.within, b.missing), (2, 1, 1));
    }

    #[test]
    fn csat_and_reopen_count_rated_and_resolved_tickets() {
        let csat = rule(Metric::Csat, Channel::Any, 4);
        let reopen = rule(Metric::ReopenRate, Channel::Any, 0);
        let mut c = Tally::default();
        let mut r = Tally::default();
        for (score, resolved, reopened) in
            [(Some(5), true, false), (Some(3), true, true), (None, false, false), (Some(4), false, false)]
        {
            let t = Ticket { csat: score, reopened, ..ticket(Channel::Email, 0, Some(1), resolved.then_some(9)) };
            c.record(&csat, &t);
            r.record(&reopen, &t);
        }
        assert_eq!((c.measured, c.within, c.score_sum), (3, 2, 12));
        assert_eq!((r.measured, r.within), (2, 1));
    }

    #[test]
    fn tickets_land_in_their_utc_month_and_week() {
        let rules = [
            rule(Metric::FirstResponse, Channel::Any, 60),
            Rule { period: PeriodKind::Week, ..rule(Metric::FirstResponse, Channel::Any, 60) },
        ];
        let mut acc = Accumulator::new(&rules);
        let midnight = days_from_civil(2026, 3, 1) * DAY;
        for created in [midnight - 1, midnight, midnight + 1] {
            acc.add(&ticket(Channel::Chat, created, Some(5), None));
        }
        let tallies = acc.finish();
        let months: Vec<(String, u64)> = tallies.per_rule[0].iter().map(|(k, t)| (k.to_string(), t.measured)).collect();
        assert_eq!(months, [("2026-02".to_owned(), 1), ("2026-03".to_owned(), 2)]);
        // 2026-03-01 is a Sunday: all three fall in 2026-W09.
        let weeks: Vec<(String, u64)> = tallies.per_rule[1].iter().map(|(k, t)| (k.to_string(), t.measured)).collect();
        assert_eq!(weeks, [("2026-W09".to_owned(), 3)]);
    }

    #[test]
    fn merged_parts_equal_one_pass() {
        let rules = [rule(Metric::FirstResponse, Channel::Chat, 30)];
        let tickets: Vec<Ticket> =
            (0..200).map(|i| ticket(Channel::Chat, i * 40_000, Some(i % 70), (i % 3 == 0).then_some(i))).collect();
        let mut whole = Accumulator::new(&rules);
        tickets.iter().for_each(|t| whole.add(t));
        let (mut a, mut b) = (Accumulator::new(&rules), Accumulator::new(&rules));
        tickets[..77].iter().for_each(|t| a.add(t));
        tickets[77..].iter().for_each(|t| b.add(t));
        let mut merged = a.finish();
        merged.merge(b.finish());
        assert_eq!(merged, whole.finish());
    }
}
