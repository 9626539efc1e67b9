//! The view model every report format renders: one scorecard per vendor
//! and the comparison of all vendors. Built from scoring results (and,
//! where present, compliance findings and SLA results); serialized as the
//! `json` report format and handed to templates and the PDF layout.

use serde::Serialize;

use crate::compliance::{Finding, VendorFindings};
use crate::model::{AnswerValue, Criterion, Rubric, Scoring};
use crate::scoring::{Scorecard, Shown, Status, fmt, round2};
use crate::sla::{ClauseResult, Decimal, Report, Status as SlaStatus};
use crate::units::{self, Unit};

/// What every report says about where it came from.
#[derive(Debug, Clone, Serialize)]
pub struct Provenance {
    pub tool: String,
    pub organisation: Option<String>,
    pub workspace: Option<String>,
    pub as_of: String,
    pub rubric: RubricRef,
    /// The ledger entry that records the run; `None` with `--dry-run`.
    pub ledger_seq: Option<u64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RubricRef {
    pub id: String,
    pub name: String,
    pub version: String,
    pub sha256: String,
}

impl RubricRef {
    pub fn of(rubric: &Rubric) -> Self {
        RubricRef {
            id: rubric.id.clone(),
            name: rubric.name.clone(),
            version: rubric.version.clone(),
            sha256: rubric.sha256.clone(),
        }
    }
}

/// One vendor's scorecard.
#[derive(Debug, Clone, Serialize)]
pub struct ScorecardView {
    #[serde(flatten)]
    pub provenance: Provenance,
    pub vendor: VendorRef,
    pub score: f64,
    pub status: &'static str,
    pub status_label: &'static str,
    pub rank: Option<usize>,
    /// How many vendors were ranked together.
    pub of: usize,
    pub coverage: f64,
    pub pass_mark: Option<f64>,
    pub gates_failed: Vec<Named>,
    pub categories: Vec<CategoryView>,
    /// The criteria that lost the most points, at most three.
    pub losses: Vec<LossView>,
    pub criteria: Vec<CriterionView>,
    pub flags: Vec<&'static str>,
    /// Compliance findings, once `check` has run for this vendor.
    pub findings: Option<FindingsView>,
    /// SLA attainment, once tickets are measured for this vendor.
    pub sla: Option<SlaView>,
    /// Score over earlier runs and SLA charts, when the ledger holds earlier runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<super::history::HistoryView>,
    /// How the ranking stands up to moved weights (SPEC section 13), one sentence.
    pub robustness: Option<String>,
    /// Compliance and SLA at a glance, for page 1 (set with `findings` and `sla`).
    pub glance: Option<GlanceView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct VendorRef {
    pub id: String,
    pub name: String,
    pub folder: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Named {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CategoryView {
    pub id: String,
    pub name: String,
    pub score: f64,
    pub effective_weight: f64,
    pub points: f64,
    pub included: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct LossView {
    pub id: String,
    pub name: String,
    pub lost: f64,
    pub points: f64,
    pub effective_weight: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct CriterionView {
    pub id: String,
    pub name: String,
    pub category: String,
    pub source: &'static str,
    /// The answer for people: a level's label, "yes"/"no", a number with its unit.
    pub answer: String,
    pub s: Option<f64>,
    pub effective_weight: f64,
    pub points: f64,
    pub evidence: Vec<EvidenceView>,
    pub note: Option<String>,
    pub issues: Vec<&'static str>,
    pub reference: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EvidenceView {
    /// File name only.
    pub file: String,
    pub path: String,
    pub sha256: Option<String>,
    /// First 12 hex digits, for print.
    pub short: Option<String>,
}

/// Every vendor side by side.
#[derive(Debug, Clone, Serialize)]
pub struct ComparisonView {
    #[serde(flatten)]
    pub provenance: Provenance,
    pub categories: Vec<Named>,
    pub vendors: Vec<ComparisonRow>,
    /// How the ranking stands up to moved weights (SPEC section 13).
    pub robustness: Option<RobustnessView>,
}

/// How the ranking stands up to moved weights: the sentence and the data
/// of the comparison's two charts.
#[derive(Debug, Clone, Serialize)]
pub struct RobustnessView {
    pub sentence: String,
    pub samples: usize,
    pub seed: u64,
    /// Per vendor that ranks, in rank order: the percent of weightings in which it ranks first.
    pub first: Vec<FirstShare>,
    /// Per category: its share now and the range over which rank 1 holds, in percent.
    pub intervals: Vec<WinnerInterval>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FirstShare {
    pub name: String,
    pub percent: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct WinnerInterval {
    pub name: String,
    pub now: f64,
    pub lo: f64,
    pub hi: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ComparisonRow {
    pub id: String,
    pub name: String,
    pub score: f64,
    pub status: &'static str,
    pub status_label: &'static str,
    pub rank: Option<usize>,
    pub coverage: f64,
    /// Points per category, in rubric order (they add up to the score).
    pub points: Vec<f64>,
    pub gates_failed: Vec<String>,
    pub flags: Vec<&'static str>,
    /// Per category, in rubric order: its score out of 100 (`None`: left out).
    pub category_scores: Vec<Option<f64>>,
    /// The answers to the rubric's price criteria, as the scorecard shows them.
    pub price: Vec<String>,
    /// Contract and SLA in counts, from the vendor's scorecard.
    pub summary: Option<VendorSummary>,
}

/// A vendor's contract compliance and SLA attainment in counts, for the comparison.
#[derive(Debug, Clone, Serialize)]
pub struct VendorSummary {
    pub has_contract: bool,
    /// Rules failed or not stated, per severity, most severe first (all four, zeros included).
    pub failing: Vec<SeverityCount>,
    pub has_tickets: bool,
    /// Clause results measured, and how many were breached.
    pub results: usize,
    pub breaches: usize,
    /// Credits owed with the currency, as the scorecard shows them.
    pub credits_text: String,
}

impl VendorSummary {
    /// From the scorecard's page-1 summary (made here when the card has none).
    pub fn of(card: &ScorecardView) -> VendorSummary {
        let made;
        let glance = match &card.glance {
            Some(glance) => glance,
            None => {
                made = GlanceView::of(card.findings.as_ref(), card.sla.as_ref());
                &made
            }
        };
        let has_contract = glance.has_contract;
        let failing = SEVERITIES
            .iter()
            .map(|&severity| SeverityCount {
                severity,
                count: glance.compliance.iter().find(|c| c.severity == severity).map_or(0, |c| c.count),
            })
            .collect();
        let sla = card.sla.as_ref();
        VendorSummary {
            has_contract,
            failing,
            has_tickets: sla.is_some(),
            results: sla.map_or(0, |s| s.results.len()),
            breaches: sla.map_or(0, |s| s.breaches),
            credits_text: sla.map_or(String::new(), |s| s.total_credit_text.clone()),
        }
    }
}

/// A vendor's SLA attainment. The fields of `sla --format json` (SPEC
/// section 7) keep their names and JSON types, so templates written
/// against that shape keep working; the `*_text` fields add each value
/// formatted with its unit by [`crate::units`], as the CLI table shows it.
#[derive(Debug, Clone, Serialize)]
pub struct SlaView {
    /// The contract and the ticket export, workspace-relative.
    pub contract: String,
    pub tickets: String,
    /// The IANA zone periods start and end in (SPEC section 11).
    pub timezone: String,
    pub rows: RowsView,
    /// By period, then clause order.
    pub results: Vec<SlaRowView>,
    /// One per period with results, in order.
    pub credits: Vec<CreditView>,
    /// The contract's currency (ISO 4217), when it states one.
    pub currency: Option<String>,
    /// Breached results over all periods.
    pub breaches: usize,
    /// Credits owed over all periods: `"2100.00"`, and with the currency, `"EUR 2100.00"`.
    pub total_credit: String,
    pub total_credit_text: String,
    /// The most credited per period, when the contract caps credits.
    pub cap: Option<String>,
    pub cap_text: Option<String>,
    /// The most credited per contract year, when the contract caps it.
    pub annual_cap: Option<String>,
    pub annual_cap_text: Option<String>,
}

/// Rows read from the export and those that could not be.
#[derive(Debug, Clone, Serialize)]
pub struct RowsView {
    pub read: u64,
    pub rejected: u64,
    pub first_rejected: Vec<RejectedView>,
    /// Rows whose channel maps to none, with the first distinct values.
    pub unmapped_channel: UnmappedView,
}

/// `rows.unmapped_channel`.
#[derive(Debug, Clone, Serialize)]
pub struct UnmappedView {
    pub rows: u64,
    pub values: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RejectedView {
    pub line: u64,
    pub reason: String,
}

/// One clause in one period.
#[derive(Debug, Clone, Serialize)]
pub struct SlaRowView {
    pub clause: String,
    /// `first_response`, `resolution`, `csat` or `reopen_rate`.
    pub metric: &'static str,
    /// The unit of `attainment` and `required`: `percent`, or `score` for csat.
    pub unit: &'static str,
    /// `2026-03` or `2026-W09`.
    pub period: String,
    pub in_scope: u64,
    pub met: u64,
    /// Percent (csat: the mean score), as a number.
    pub attainment: f64,
    /// Percent (csat: the target score; reopen_rate: 100 − target), an integer when whole.
    pub required: serde_json::Number,
    pub breached: bool,
    /// Nearest-rank percentiles: seconds (csat: scores); `None` for reopen_rate.
    pub p50: Option<u64>,
    pub p90: Option<u64>,
    pub p95: Option<u64>,
    /// Credit for this breach before the period's cap: `"2100.00"`.
    pub credit: String,
    /// `86.82%`, or for csat the mean score `3.93`.
    pub attainment_text: String,
    /// `80%`, or for csat `≥ 4.2`.
    pub required_text: String,
    /// Durations (`1m41s`) for time metrics, scores for csat, `–` when absent.
    pub p50_text: String,
    pub p90_text: String,
    pub p95_text: String,
    /// The three as one cell: `30s / 2m56s / 5m59s`.
    pub percentiles_text: String,
    /// The credit with the currency: `EUR 2100.00`.
    pub credit_text: String,
    /// `met`, `breached`, `below_target`, `excused`, `not_measured` (SPEC section 12).
    pub status: &'static str,
    /// The status as the CLI table shows it: `✓ met`, `✗ BREACHED`, `below target`, `excused (volume)`,
    /// `not measured`; without the chronic mark, which each scorecard adds as its own.
    pub status_text: String,
    /// Answered and abandoned contacts (waiting-time metrics; else 0), short abandons, excluded contacts.
    pub answered: u64,
    pub abandoned: u64,
    pub short_abandoned: u64,
    pub excluded: u64,
    /// Contacts past a forecast cap (`excusal = "cap"`), out of scope.
    pub over_forecast: u64,
    pub not_measured: bool,
    pub below_target: bool,
    /// `"volume"` when volume above the forecast excused the breach.
    pub excused: Option<&'static str>,
    /// The period's forecast volume, for a clause with a volume tolerance.
    pub forecast: Option<u64>,
    /// Chronic failure: the termination trigger.
    pub chronic: bool,
    /// The credit accrued (= `credit`), whether it was earned back (`null`: pending, or no earn-back) and what it leaves owed.
    pub accrued: String,
    pub earned_back: Option<bool>,
    pub net: String,
    /// `earned back`, `not earned back`, `earn-back pending`, or empty.
    pub earned_back_text: String,
    pub net_text: String,
}

/// What one period owes.
#[derive(Debug, Clone, Serialize)]
pub struct CreditView {
    pub period: String,
    /// After the cap: `"2100.00"`.
    pub total: String,
    /// Whether the cap cut the sum.
    pub capped: bool,
    /// With the currency: `EUR 2100.00`.
    pub total_text: String,
    /// The accrued credits, the part earned back, and gross less earned back (before the caps).
    pub gross: String,
    pub earned_back: String,
    pub net: String,
    pub gross_text: String,
    pub earned_back_text: String,
    pub net_text: String,
    /// Whether the contract year's cap cut the total.
    pub annual_capped: bool,
}

impl SlaView {
    /// The same view, periods named as in `timezone`.
    pub fn in_zone(self, timezone: &str) -> SlaView {
        SlaView { timezone: timezone.to_owned(), ..self }
    }

    /// The view of `report`, measured from `tickets` against `contract`
    /// (paths as shown); `currency` is the contract's, for the credits.
    pub fn new(report: &Report, contract: &str, tickets: &str, currency: Option<&str>) -> SlaView {
        SlaView {
            contract: contract.to_owned(),
            tickets: tickets.to_owned(),
            timezone: "UTC".to_owned(),
            rows: RowsView {
                read: report.rows.read,
                rejected: report.rows.rejected,
                first_rejected: report
                    .rows
                    .first_rejected
                    .iter()
                    .map(|r| RejectedView { line: r.line, reason: r.reason.clone() })
                    .collect(),
                unmapped_channel: UnmappedView {
                    rows: report.rows.unmapped_channel,
                    values: report.rows.unmapped_values.clone(),
                },
            },
            results: report.results.iter().map(|r| SlaRowView::new(r, currency)).collect(),
            credits: report
                .credits
                .iter()
                .map(|c| {
                    let net = c.gross.checked_sub(c.earned_back).unwrap_or(c.gross);
                    CreditView {
                        period: c.period.to_string(),
                        total: c.total.to_string(),
                        capped: c.capped,
                        total_text: units::money(c.total, currency),
                        gross: c.gross.to_string(),
                        earned_back: c.earned_back.to_string(),
                        net: net.to_string(),
                        gross_text: units::money(c.gross, currency),
                        earned_back_text: units::money(c.earned_back, currency),
                        net_text: units::money(net, currency),
                        annual_capped: c.annual_capped,
                    }
                })
                .collect(),
            currency: currency.map(str::to_owned),
            breaches: report.results.iter().filter(|r| r.breached).count(),
            total_credit: report.total_credit().to_string(),
            total_credit_text: units::money(report.total_credit(), currency),
            cap: report.cap.map(|c| c.to_string()),
            cap_text: report.cap.map(|c| units::money(c, currency)),
            annual_cap: report.annual_cap.map(|c| c.to_string()),
            annual_cap_text: report.annual_cap.map(|c| units::money(c, currency)),
        }
    }
}

impl SlaRowView {
    fn new(r: &ClauseResult, currency: Option<&str>) -> SlaRowView {
        let percentiles = [r.p50, r.p90, r.p95];
        let [p50_text, p90_text, p95_text] = percentiles.map(|p| units::percentile(r.metric, p));
        SlaRowView {
            clause: r.clause.clone(),
            metric: r.metric.as_str(),
            unit: Unit::of(r.metric).as_str(),
            period: r.period.to_string(),
            in_scope: r.in_scope,
            met: r.met,
            attainment: r.attainment.to_f64(),
            required: json_number(r.required),
            breached: r.breached,
            p50: r.p50,
            p90: r.p90,
            p95: r.p95,
            credit: r.credit.to_string(),
            attainment_text: units::attainment(r.metric, r.attainment),
            required_text: units::required(r.metric, r.required),
            p50_text,
            p90_text,
            p95_text,
            percentiles_text: units::percentiles(r.metric, percentiles),
            credit_text: units::money(r.credit, currency),
            status: r.status.as_str(),
            // Chronic is a mark of its own in every scorecard.
            status_text: units::status(r.status, false),
            answered: r.answered,
            abandoned: r.abandoned,
            short_abandoned: r.short_abandoned,
            excluded: r.excluded,
            over_forecast: r.over_forecast,
            not_measured: r.status == SlaStatus::NotMeasured,
            below_target: r.status == SlaStatus::BelowTarget,
            excused: (r.status == SlaStatus::Excused).then_some("volume"),
            forecast: r.forecast,
            chronic: r.chronic,
            accrued: r.credit.to_string(),
            earned_back: r.earned_back,
            net: r.net.to_string(),
            earned_back_text: units::earned_back(r.earn_back, r.earned_back).to_owned(),
            net_text: units::money(r.net, currency),
        }
    }
}

/// A decimal as a JSON number, as `sla --format json` writes it: an integer when whole.
fn json_number(d: Decimal) -> serde_json::Number {
    let whole = if d.is_integer() { d.to_string().parse::<i64>().ok() } else { None };
    match whole {
        Some(n) => serde_json::Number::from(n),
        None => serde_json::Number::from_f64(d.to_f64()).unwrap_or_else(|| serde_json::Number::from(0)),
    }
}

/// A vendor's compliance findings, in the shape of one vendor of `check
/// --format json` (SPEC section 5), plus `name` per finding.
#[derive(Debug, Clone, Serialize)]
pub struct FindingsView {
    /// The vendor's id.
    pub id: String,
    /// The contract's workspace-relative path; `None` when there is none.
    pub contract: Option<String>,
    pub findings: Vec<FindingView>,
    pub summary: FindingsSummary,
}

/// One rule's outcome.
#[derive(Debug, Clone, Serialize)]
pub struct FindingView {
    pub policy: Option<String>,
    pub rule: String,
    /// `policy/rule`, or the rule alone when there is no policy.
    pub name: String,
    /// `critical`, `high`, `medium` or `low`.
    pub severity: &'static str,
    /// `pass`, `fail`, `missing` or `skipped`.
    pub status: &'static str,
    pub title: String,
    pub reference: Option<String>,
    /// For `missing`: the paths the contract does not state.
    pub missing: Vec<String>,
    pub remediation: Option<String>,
    /// For `fail`: the contract's value of each field the rule reads.
    pub values: Vec<ValueView>,
    /// The same as one line: `data_protection.breach_notification_hours = 72`.
    pub values_text: String,
}

/// A field a failing rule read and the contract's value.
#[derive(Debug, Clone, Serialize)]
pub struct ValueView {
    pub path: String,
    pub value: String,
}

/// Findings counted by status.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct FindingsSummary {
    pub pass: usize,
    pub fail: usize,
    pub missing: usize,
    pub skipped: usize,
}

impl FindingsView {
    /// The view of one vendor's findings.
    pub fn of(findings: &VendorFindings) -> FindingsView {
        let s = findings.summary();
        FindingsView {
            id: findings.vendor.clone(),
            contract: findings.contract.clone(),
            findings: findings.findings.iter().map(FindingView::of).collect(),
            summary: FindingsSummary { pass: s.pass, fail: s.fail, missing: s.missing, skipped: s.skipped },
        }
    }
}

impl FindingView {
    fn of(f: &Finding) -> FindingView {
        let rule = &*f.rule;
        FindingView {
            policy: rule.policy.clone(),
            rule: rule.id.clone(),
            name: rule.name(),
            severity: rule.severity.as_str(),
            status: f.status.as_str(),
            title: rule.title.clone(),
            reference: rule.reference.clone(),
            missing: f.missing.clone(),
            remediation: rule.remediation.clone(),
            values: f.values.iter().map(|v| ValueView { path: v.path.clone(), value: v.value.clone() }).collect(),
            values_text: f.values.iter().map(|v| format!("{} = {}", v.path, v.value)).collect::<Vec<_>>().join("; "),
        }
    }

    /// Whether the finding counts as a failure (fail or missing).
    pub fn is_failure(&self) -> bool {
        matches!(self.status, "fail" | "missing")
    }
}

/// A status as people read it.
pub fn status_label(status: Status) -> &'static str {
    match status {
        Status::Qualified => "Qualified",
        Status::BelowPassMark => "Below pass mark",
        Status::Disqualified => "Disqualified",
    }
}

/// Build one scorecard's view.
pub fn scorecard(rubric: &Rubric, card: &Scorecard, ranked: usize, provenance: &Provenance) -> ScorecardView {
    let name_of = |id: &str| rubric.criterion(id).map_or(id.to_owned(), |c| c.name.clone());
    let mut losses: Vec<LossView> = card
        .criteria
        .iter()
        .filter(|c| c.effective_weight - c.points > 0.005)
        .map(|c| LossView {
            id: c.id.clone(),
            name: c.name.clone(),
            lost: round2(c.effective_weight - c.points),
            points: round2(c.points),
            effective_weight: round2(c.effective_weight),
        })
        .collect();
    losses.sort_by(|a, b| b.lost.total_cmp(&a.lost).then_with(|| a.id.cmp(&b.id)));
    losses.truncate(3);
    ScorecardView {
        provenance: provenance.clone(),
        vendor: VendorRef { id: card.vendor.clone(), name: card.name.clone(), folder: card.folder.clone() },
        score: round2(card.score),
        status: card.status.as_str(),
        status_label: status_label(card.status),
        rank: card.rank,
        of: ranked,
        coverage: round2(card.coverage),
        pass_mark: rubric.pass_mark,
        gates_failed: card.gates_failed.iter().map(|id| Named { id: id.clone(), name: name_of(id) }).collect(),
        categories: card
            .categories
            .iter()
            .map(|c| CategoryView {
                id: c.id.clone(),
                name: c.name.clone(),
                score: round2(c.score),
                effective_weight: round2(c.effective_weight),
                points: round2(c.points),
                included: c.included,
            })
            .collect(),
        losses,
        criteria: card
            .criteria
            .iter()
            .map(|c| {
                let criterion = rubric.criterion(&c.id);
                CriterionView {
                    id: c.id.clone(),
                    name: c.name.clone(),
                    category: c.category.clone(),
                    source: c.source.as_str(),
                    answer: criterion.map_or(String::new(), |k| answer_text(k, c.value.as_ref())),
                    s: c.s.map(|s| (s * 1000.0).round() / 1000.0),
                    effective_weight: round2(c.effective_weight),
                    points: round2(c.points),
                    evidence: c
                        .evidence
                        .iter()
                        .map(|e| EvidenceView {
                            file: e.path.rsplit('/').next().unwrap_or(&e.path).to_owned(),
                            path: e.path.clone(),
                            sha256: e.digest.as_ref().map(|d| d.sha256.clone()),
                            short: e.digest.as_ref().map(|d| d.sha256[..12].to_owned()),
                        })
                        .collect(),
                    note: c.note.clone(),
                    issues: c.issues.iter().map(|i| i.as_str()).collect(),
                    reference: criterion.and_then(|k| k.reference.clone()),
                }
            })
            .collect(),
        flags: card.flags.iter().map(|f| f.as_str()).collect(),
        findings: None,
        sla: None,
        history: None,
        robustness: None,
        glance: None,
    }
}

/// Build the comparison view (cards in rank order).
pub fn comparison(rubric: &Rubric, cards: &[Scorecard], provenance: &Provenance) -> ComparisonView {
    ComparisonView {
        provenance: provenance.clone(),
        categories: rubric.categories.iter().map(|c| Named { id: c.id.clone(), name: c.name.clone() }).collect(),
        vendors: cards
            .iter()
            .map(|card| ComparisonRow {
                id: card.vendor.clone(),
                name: card.name.clone(),
                score: round2(card.score),
                status: card.status.as_str(),
                status_label: status_label(card.status),
                rank: card.rank,
                coverage: round2(card.coverage),
                points: card.categories.iter().map(|c| round2(c.points)).collect(),
                gates_failed: card.gates_failed.clone(),
                flags: card.flags.iter().map(|f| f.as_str()).collect(),
                category_scores: card.categories.iter().map(|c| c.included.then(|| round2(c.score))).collect(),
                price: card
                    .criteria
                    .iter()
                    .filter_map(|c| {
                        let criterion = rubric.criterion(&c.id)?;
                        matches!(criterion.scoring, Scoring::Price { .. })
                            .then(|| answer_text(criterion, c.value.as_ref()))
                    })
                    .collect(),
                summary: None,
            })
            .collect(),
        robustness: None,
    }
}

/// An answer as people read it.
fn answer_text(criterion: &Criterion, value: Option<&Shown>) -> String {
    let Some(value) = value else { return "—".to_owned() };
    let unit = criterion.unit.as_deref().map_or(String::new(), |u| format!(" {u}"));
    // A time is shown as the CLI shows it (`1m41s`, `3h20m`), by the same formatter.
    let seconds = match criterion.unit.as_deref() {
        Some("seconds") => Some(1.0),
        Some("minutes") => Some(60.0),
        Some("hours") => Some(3_600.0),
        _ => None,
    };
    let number = |n: f64| match seconds {
        Some(factor) if n >= 0.0 => units::duration((n * factor).round() as u64),
        _ => format!("{}{unit}", fmt(round2(n))),
    };
    match (&criterion.scoring, value) {
        (Scoring::Scale { levels }, Shown::Given(AnswerValue::Integer(score))) => {
            levels.iter().find(|l| l.score == *score).map_or(score.to_string(), |l| format!("{} ({score})", l.label))
        }
        (Scoring::Scale { levels }, Shown::Given(AnswerValue::Text(label))) => {
            levels.iter().find(|l| l.label == *label).map_or(label.clone(), |l| format!("{label} ({})", l.score))
        }
        (Scoring::Set { .. }, Shown::Given(AnswerValue::List(items))) if items.is_empty() => "none".to_owned(),
        (Scoring::Set { options, .. }, Shown::Given(AnswerValue::List(items))) => items
            .iter()
            .map(|i| {
                options.iter().find(|o| o.value == i.value).and_then(|o| o.label.clone()).unwrap_or(i.value.clone())
            })
            .collect::<Vec<_>>()
            .join(", "),
        (_, Shown::Given(AnswerValue::Bool(b))) => if *b { "yes" } else { "no" }.to_owned(),
        (_, Shown::Given(AnswerValue::Integer(i))) => number(*i as f64),
        (_, Shown::Given(AnswerValue::Float(f))) => number(*f),
        (_, Shown::Given(AnswerValue::Text(t))) => t.clone(),
        (_, Shown::Given(AnswerValue::List(items))) => {
            items.iter().map(|i| i.value.as_str()).collect::<Vec<_>>().join(", ")
        }
        (Scoring::Scale { .. }, Shown::Number(n)) => format!("{} (panel)", fmt(round2(*n))),
        (_, Shown::Number(n)) => number(*n),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::compliance::{RuleInfo, Status as FindingStatus};
    use crate::model::{Metric, RuleSeverity};
    use crate::sla::period::month_index;
    use crate::sla::{Money, PeriodCredit, PeriodKey, PeriodKind, RowCounts};

    fn result(clause: &str, metric: Metric, attainment: Decimal, required: &str, p: [Option<u64>; 3]) -> ClauseResult {
        ClauseResult {
            clause: clause.to_owned(),
            metric,
            period: PeriodKey { kind: PeriodKind::Month, index: month_index(2026, 9) },
            in_scope: 14,
            met: 4,
            attainment,
            required: Decimal::parse(required).unwrap(),
            breached: true,
            p50: p[0],
            p90: p[1],
            p95: p[2],
            credit: Money::from_cents(84_000),
            answered: 0,
            abandoned: 0,
            abandoned_within: 0,
            short_abandoned: 0,
            unanswered: 0,
            excluded: 0,
            over_forecast: 0,
            status: crate::sla::Status::Breached,
            forecast: None,
            chronic: false,
            earn_back: false,
            earned_back: None,
            net: Money::from_cents(84_000),
        }
    }

    fn report() -> Report {
        let period = PeriodKey { kind: PeriodKind::Month, index: month_index(2026, 9) };
        Report {
            rows: RowCounts { read: 15, ..RowCounts::default() },
            results: vec![
                // 6 of 15 within target: 40 %; 101 s, 4000 s, 90000 s.
                result(
                    "chat",
                    Metric::FirstResponse,
                    Decimal::new(4_000, 2),
                    "80",
                    [Some(101), Some(4_000), Some(90_000)],
                ),
                // 55 / 14 = 3.93 against 4.2.
                result("csat", Metric::Csat, Decimal::new(393, 2), "4.2", [Some(4), Some(5), Some(5)]),
            ],
            credits: vec![PeriodCredit {
                period,
                gross: Money::from_cents(294_000),
                earned_back: Money::ZERO,
                total: Money::from_cents(294_000),
                capped: false,
                annual_capped: false,
            }],
            cap: Some(Money::from_cents(504_000)),
            annual_cap: None,
        }
    }

    #[test]
    fn sla_rows_carry_their_values_with_units() {
        let view = SlaView::new(&report(), "c.toml", "t.csv", Some("EUR"));
        let [chat, csat] = &view.results[..] else { panic!("two rows") };
        assert_eq!(
            (chat.unit, chat.attainment_text.as_str(), chat.required_text.as_str()),
            ("percent", "40.00%", "80%")
        );
        assert_eq!([&chat.p50_text, &chat.p90_text, &chat.p95_text].map(String::as_str), ["1m41s", "1h06m", "1d01h"]);
        assert_eq!((csat.metric, csat.unit), ("csat", "score"));
        assert_eq!((csat.attainment_text.as_str(), csat.required_text.as_str()), ("3.93", "≥ 4.2"));
        assert_eq!(csat.percentiles_text, "4 / 5 / 5");
        assert_eq!((csat.credit.as_str(), csat.credit_text.as_str()), ("840.00", "EUR 840.00"));
        assert_eq!((view.total_credit_text.as_str(), view.cap_text.as_deref()), ("EUR 2940.00", Some("EUR 5040.00")));
        assert_eq!((view.breaches, view.credits[0].total_text.as_str()), (2, "EUR 2940.00"));
        let without = SlaView::new(&report(), "c.toml", "t.csv", None);
        assert_eq!(without.results[1].credit_text, "840.00");
    }

    #[test]
    fn sla_json_keeps_the_types_of_sla_format_json() {
        let json = serde_json::to_value(SlaView::new(&report(), "c.toml", "t.csv", Some("EUR"))).unwrap();
        let chat = &json["results"][0];
        assert!(chat["required"].is_u64(), "a whole requirement is an integer: {chat}");
        assert_eq!((chat["attainment"].as_f64(), chat["p50"].as_u64()), (Some(40.0), Some(101)));
        assert_eq!((chat["period"].as_str(), chat["credit"].as_str()), (Some("2026-09"), Some("840.00")));
        assert_eq!(json["results"][1]["required"].as_f64(), Some(4.2));
        assert_eq!(
            json["rows"],
            serde_json::json!({"read": 15, "rejected": 0, "first_rejected": [], "unmapped_channel": {"rows": 0, "values": []}})
        );
        assert_eq!(json["credits"][0]["total"], "2940.00");
    }

    #[test]
    fn findings_keep_the_shape_of_check_and_name_their_rule() {
        let rule = |policy: Option<&str>, id: &str, severity| {
            Arc::new(RuleInfo {
                policy: policy.map(str::to_owned),
                id: id.to_owned(),
                severity,
                title: format!("{id} title"),
                reference: None,
                remediation: Some("fix it".to_owned()),
                reads: Vec::new(),
            })
        };
        let vendor = VendorFindings {
            vendor: "acme".to_owned(),
            name: "Acme".to_owned(),
            contract: Some("vendors/acme/contract.toml".to_owned()),
            findings: vec![
                Finding {
                    rule: rule(Some("gdpr"), "dpa", RuleSeverity::High),
                    status: FindingStatus::Missing,
                    missing: vec!["data_protection.dpa_signed".to_owned()],
                    values: Vec::new(),
                },
                Finding {
                    rule: rule(None, "mfa", RuleSeverity::Low),
                    status: FindingStatus::Pass,
                    missing: Vec::new(),
                    values: Vec::new(),
                },
            ],
        };
        let view = FindingsView::of(&vendor);
        assert_eq!((view.findings[0].name.as_str(), view.findings[1].name.as_str()), ("gdpr/dpa", "mfa"));
        assert!(view.findings[0].is_failure() && !view.findings[1].is_failure());
        let json = serde_json::to_value(&view).unwrap();
        assert_eq!(json["summary"], serde_json::json!({"pass": 1, "fail": 0, "missing": 1, "skipped": 0}));
        assert_eq!(json["findings"][0]["severity"], "high");
        assert_eq!(json["findings"][0]["missing"], serde_json::json!(["data_protection.dpa_signed"]));
        assert_eq!(json["findings"][1]["policy"], serde_json::Value::Null);
        assert_eq!(
            (json["id"].as_str(), json["contract"].as_str()),
            (Some("acme"), Some("vendors/acme/contract.toml"))
        );
    }
}

/// Page 1 of a scorecard: the compliance and SLA outcome at a glance, and
/// their absence said in words (docs/reports.md, "At a glance").
#[derive(Debug, Clone, Serialize)]
pub struct GlanceView {
    /// Rules failed or not stated, counted by severity (most severe first, counts above 0).
    pub compliance: Vec<SeverityCount>,
    /// The critical and high failures, critical first, with the contract values they read.
    pub serious: Vec<FindingView>,
    /// One line: `2 critical, 3 high and 1 medium rules fail or are not stated (47 checked)`,
    /// `Every applicable rule passes (47 checked)`, or `No contract on file`.
    pub compliance_text: String,
    /// One line: `1 breach in 12 clause results; credits owed EUR 2100.00; worst: …`,
    /// `No breach in 12 clause results`, `No ticket data` or `No contract on file`.
    pub sla_text: String,
    pub has_contract: bool,
    pub has_tickets: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct SeverityCount {
    pub severity: &'static str,
    pub count: usize,
}

/// The most severe first.
pub const SEVERITIES: [&str; 4] = ["critical", "high", "medium", "low"];

impl GlanceView {
    pub fn of(findings: Option<&FindingsView>, sla: Option<&SlaView>) -> GlanceView {
        let has_contract = findings.is_some_and(|f| f.contract.is_some());
        let failing: Vec<&FindingView> = match findings {
            Some(f) if has_contract => f.findings.iter().filter(|f| f.is_failure()).collect(),
            _ => Vec::new(),
        };
        let compliance: Vec<SeverityCount> = SEVERITIES
            .iter()
            .map(|&severity| SeverityCount {
                severity,
                count: failing.iter().filter(|f| f.severity == severity).count(),
            })
            .filter(|c| c.count > 0)
            .collect();
        let mut serious: Vec<FindingView> =
            failing.iter().filter(|f| matches!(f.severity, "critical" | "high")).map(|f| (*f).clone()).collect();
        serious.sort_by_key(|f| SEVERITIES.iter().position(|s| *s == f.severity));
        let checked = findings.map_or(0, |f| f.summary.pass + f.summary.fail + f.summary.missing);
        let compliance_text = if !has_contract {
            "No contract on file".to_owned()
        } else if compliance.is_empty() {
            format!("Every applicable rule passes ({checked} checked)")
        } else {
            let parts: Vec<String> = compliance.iter().map(|c| format!("{} {}", c.count, c.severity)).collect();
            let total: usize = compliance.iter().map(|c| c.count).sum();
            let verb = if total == 1 { "rule fails or is" } else { "rules fail or are" };
            format!("{} {verb} not stated ({checked} checked)", and_list(&parts))
        };
        let has_tickets = sla.is_some();
        let sla_text = match sla {
            None if !has_contract => "No contract on file, so no SLA to measure".to_owned(),
            None => "No ticket data".to_owned(),
            Some(sla) if sla.results.is_empty() => "No tickets in scope of any SLA clause".to_owned(),
            Some(sla) => {
                let n = sla.results.len();
                let worst = sla
                    .results
                    .iter()
                    .filter(|r| r.breached)
                    .map(|r| (r, r.required.as_f64().unwrap_or(0.0) - r.attainment))
                    .max_by(|a, b| a.1.total_cmp(&b.1));
                match (sla.breaches, worst) {
                    (0, _) | (_, None) => format!("No breach in {n} clause results; no credits owed"),
                    (b, Some((r, _))) => format!(
                        "{b} {} in {n} clause results; credits owed {}; worst: {} in {}, {} against {}",
                        if b == 1 { "breach" } else { "breaches" },
                        sla.total_credit_text,
                        r.clause,
                        r.period,
                        r.attainment_text,
                        r.required_text
                    ),
                }
            }
        };
        GlanceView { compliance, serious, compliance_text, sla_text, has_contract, has_tickets }
    }
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}
