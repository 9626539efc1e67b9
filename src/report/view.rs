//! The view model every report format renders: one scorecard per vendor
//! and the comparison of all vendors. Built from scoring results (and,
//! where present, compliance findings and SLA results); serialized as the
//! `json` report format and handed to templates and the PDF layout.

use serde::Serialize;

use crate::model::{AnswerValue, Criterion, Rubric, Scoring};
use crate::scoring::{Scorecard, Shown, Status, fmt, round2};

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
    pub findings: Option<serde_json::Value>,
    /// SLA attainment, once tickets are measured for this vendor.
    pub sla: Option<serde_json::Value>,
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
            })
            .collect(),
    }
}

/// An answer as people read it.
fn answer_text(criterion: &Criterion, value: Option<&Shown>) -> String {
    let Some(value) = value else { return "—".to_owned() };
    let unit = criterion.unit.as_deref().map_or(String::new(), |u| format!(" {u}"));
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
        (_, Shown::Given(AnswerValue::Integer(i))) => format!("{i}{unit}"),
        (_, Shown::Given(AnswerValue::Float(f))) => format!("{}{unit}", fmt(*f)),
        (_, Shown::Given(AnswerValue::Text(t))) => t.clone(),
        (_, Shown::Given(AnswerValue::List(items))) => {
            items.iter().map(|i| i.value.as_str()).collect::<Vec<_>>().join(", ")
        }
        (Scoring::Scale { .. }, Shown::Number(n)) => format!("{} (panel)", fmt(round2(*n))),
        (_, Shown::Number(n)) => format!("{}{unit}", fmt(round2(*n))),
    }
}

/// Bridge until the typed SLA view lands: the JSON of `sla --format json`.
pub struct SlaView;

impl SlaView {
    #[allow(clippy::new_ret_no_self)]
    pub fn new(
        report: &crate::sla::Report,
        contract: &str,
        tickets: &str,
        _currency: Option<&str>,
    ) -> serde_json::Value {
        use serde_json::json;
        let number = |d: crate::sla::Decimal| {
            if d.is_integer() {
                d.to_string().parse::<i64>().map_or_else(|_| json!(d.to_f64()), |n| json!(n))
            } else {
                json!(d.to_f64())
            }
        };
        json!({
            "contract": contract,
            "tickets": tickets,
            "rows": {
                "read": report.rows.read,
                "rejected": report.rows.rejected,
                "first_rejected": report.rows.first_rejected.iter()
                    .map(|r| json!({ "line": r.line, "reason": r.reason })).collect::<Vec<_>>(),
            },
            "results": report.results.iter().map(|r| json!({
                "clause": r.clause, "period": r.period.to_string(), "in_scope": r.in_scope, "met": r.met,
                "attainment": r.attainment.to_f64(), "required": number(r.required), "breached": r.breached,
                "p50": r.p50, "p90": r.p90, "p95": r.p95, "credit": r.credit.to_string(),
            })).collect::<Vec<_>>(),
            "credits": report.credits.iter().map(|c| json!({
                "period": c.period.to_string(), "total": c.total.to_string(), "capped": c.capped,
            })).collect::<Vec<_>>(),
        })
    }
}

/// Bridge until the typed findings view lands: one vendor in the JSON of `check`.
pub struct FindingsView;

impl FindingsView {
    pub fn of(v: &crate::compliance::VendorFindings) -> serde_json::Value {
        use serde_json::json;
        let s = v.summary();
        json!({
            "id": v.vendor,
            "contract": v.contract,
            "findings": v.findings.iter().map(|f| {
                let rule = &*f.rule;
                json!({
                    "policy": rule.policy, "rule": rule.id, "severity": rule.severity.as_str(),
                    "status": f.status.as_str(), "title": rule.title, "reference": rule.reference,
                    "missing": f.missing, "remediation": rule.remediation,
                })
            }).collect::<Vec<_>>(),
            "summary": { "pass": s.pass, "fail": s.fail, "missing": s.missing, "skipped": s.skipped },
        })
    }
}
