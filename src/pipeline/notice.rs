//! Award notices (SPEC section 15, `notice`): one letter per vendor that took
//! part in the latest recorded `score` or `report` run and did not win. The
//! run is read from the ledger; the cohort is scored again from the
//! workspace for each criterion's points and answers, and the letters are
//! refused when that no longer gives the recorded rubric and scores (the
//! inputs changed since). Letters come from the template `notice.md.j2`
//! (a workspace's `templates/notice.md.j2` replaces it): the Markdown
//! format is its output, the PDF typesets it.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Value, json};

use super::report::{FontLookup, configured_fonts, cover_glyphs};
use super::score::{ScoreRequest, score_in};
use super::{Clock, Decided, PipelineError, Run, TOOL};
use crate::audit::ledger::{FileRecord, LEDGER_PATH};
use crate::load::Loader;
use crate::model::Date;
use crate::report::pdf::fonts::FontSet;
use crate::report::templates::{TemplateError, Templates};
use crate::report::view::{self, Provenance};
use crate::report::{Format, Rendered, Renderer};
use crate::workspace::Workspace;

/// The standstill period when `--standstill-days` is not given.
pub const DEFAULT_STANDSTILL_DAYS: u32 = 10;

/// The template every letter comes from.
pub const TEMPLATE: &str = "notice.md.j2";

/// What to notify.
#[derive(Debug, Clone)]
pub struct NoticeRequest {
    /// `--winner`: the vendor id awarded.
    pub winner: String,
    pub standstill_days: u32,
    /// `--entry SEQ`: the recorded run to notify; default: the latest `score` or `report` entry.
    pub entry: Option<u64>,
    /// `--rubric`, when the run was scored against a rubric other than the workspace's.
    pub rubric: Option<String>,
    pub formats: Vec<Format>,
    /// Finds installed fonts for characters DejaVu and `[report] font` lack (as for reports).
    pub font_lookup: Option<FontLookup>,
}

/// The day the standstill period ends (at 23:59 local time): `days` after
/// `from`, moved on to the next day that is neither a Saturday, a Sunday nor
/// one of `holidays`. The one place with date arithmetic for notices.
pub fn standstill_end(from: Date, days: u32, holidays: &[Date]) -> Date {
    use jiff::civil::Weekday;
    // Dates run to 9999-12-31: the end stops there rather than overflow.
    let next = |date: Date, by: i64| date.add_days(by).unwrap_or(date);
    let mut end = next(from, i64::from(days));
    while matches!(end.0.weekday(), Weekday::Saturday | Weekday::Sunday) || holidays.contains(&end) {
        let moved = next(end, 1);
        if moved == end {
            break;
        }
        end = moved;
    }
    end
}

/// One party named in a letter.
#[derive(Debug, Clone, Serialize)]
pub struct Party {
    pub id: String,
    pub name: String,
    /// Two decimals, as recorded.
    pub score: String,
    pub status: String,
    pub rank: Option<u64>,
}

/// An award criterion: its category, weight (points of 100) and both parties' points and answers.
#[derive(Debug, Clone, Serialize)]
pub struct CriterionLine {
    pub id: String,
    pub name: String,
    pub category: String,
    pub weight: String,
    pub winner_points: String,
    pub winner_answer: String,
    pub recipient_points: String,
    pub recipient_answer: String,
    /// Winner's points minus the recipient's, two decimals.
    pub advantage: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CategoryLine {
    pub name: String,
    /// Percent of the total.
    pub weight: String,
}

/// Everything one letter shows; the template's context.
#[derive(Debug, Clone, Serialize)]
pub struct NoticeView {
    #[serde(flatten)]
    pub provenance: Provenance,
    /// The date of the notice.
    pub date: String,
    /// The ledger entry of the run notified.
    pub run_entry: u64,
    /// The date of that run.
    pub run_date: String,
    pub participants: usize,
    pub winner: Party,
    pub recipient: Party,
    pub categories: Vec<CategoryLine>,
    pub criteria: Vec<CriterionLine>,
    /// The criteria where the winner gained the most points over the recipient, at most three.
    pub advantages: Vec<CriterionLine>,
    pub standstill_days: u32,
    /// `YYYY-MM-DD`.
    pub standstill_end: String,
    pub standstill_end_time: &'static str,
}

/// The letters, decided and ready to render.
pub struct Notices {
    pub letters: Vec<NoticeView>,
    pub formats: Vec<Format>,
    pub winner: String,
    pub run_entry: u64,
    pub standstill_end: Date,
    /// Installed fonts the PDFs fall back to: (file name#face, sha256).
    pub system_fonts: Vec<(String, String)>,
    fonts: FontSet,
    templates: Templates,
    workspace: Workspace,
    organisation: Option<String>,
    language: String,
}

/// The recorded run notified.
struct RecordedRun {
    seq: u64,
    time: String,
    rubric_sha256: String,
    as_of: Option<String>,
    cohort: Option<u64>,
    vendors: Vec<Value>,
}

fn recorded_run(workspace: &Workspace, entry: Option<u64>) -> Result<RecordedRun, PipelineError> {
    let path = workspace.root.join(LEDGER_PATH);
    let mut found = None;
    super::history::each_line(&path, |line| {
        let Ok(value) = serde_json::from_slice::<Value>(line) else { return };
        let action = value["action"].as_str().unwrap_or_default();
        let seq = value["seq"].as_u64().unwrap_or_default();
        if matches!(action, "score" | "report") && entry.is_none_or(|wanted| wanted == seq) {
            found = Some(value);
        }
    })?;
    let Some(value) = found else {
        let message = match entry {
            Some(seq) => format!("{LEDGER_PATH}: entry {seq} is not a `score` or `report` run"),
            None => format!("{LEDGER_PATH}: no `score` or `report` run is recorded, so there is no decision to notify"),
        };
        return Err(PipelineError::Unusable {
            message,
            help: Some("run `vendorscore score` (or `report`) first; notices are written from a recorded run".into()),
            notes: Vec::new(),
        });
    };
    let result = &value["result"];
    Ok(RecordedRun {
        seq: value["seq"].as_u64().unwrap_or_default(),
        time: value["time"].as_str().unwrap_or_default().to_owned(),
        rubric_sha256: result["rubric"]["sha256"].as_str().unwrap_or_default().to_owned(),
        as_of: result["as_of"].as_str().map(str::to_owned),
        cohort: result["cohort"].as_u64(),
        vendors: result["vendors"].as_array().cloned().unwrap_or_default(),
    })
}

fn two(value: f64) -> String {
    format!("{value:.2}")
}

/// Read the recorded run, score it again, and decide every letter.
pub fn notices(
    workspace: &Workspace,
    clock: &Clock,
    request: &NoticeRequest,
) -> Result<Decided<Notices>, PipelineError> {
    let run = recorded_run(workspace, request.entry)?;
    let ids: Vec<&str> = run.vendors.iter().filter_map(|v| v["id"].as_str()).collect();
    let at = format!("{LEDGER_PATH}: entry {}", run.seq);
    if !ids.contains(&request.winner.as_str()) {
        return Err(PipelineError::Unusable {
            message: format!(
                "--winner {}: not a vendor of the run notified ({at}: {})",
                request.winner,
                ids.join(", ")
            ),
            help: Some("name a vendor the run scored, or choose the run with --entry SEQ".into()),
            notes: Vec::new(),
        });
    }
    // Score as of the run's date, so date-dependent results come out as recorded.
    let mut as_of_clock = *clock;
    if let Some(as_of) = run.as_of.as_deref().and_then(Date::parse) {
        as_of_clock.as_of = as_of;
        as_of_clock.as_of_given = true;
    }
    if request.formats.contains(&Format::Pdf) {
        super::prepare_in_background();
    }
    let mut loader = Loader::new(workspace.clone());
    let mut notes = Vec::new();
    let score_request = ScoreRequest { rubric: request.rubric.clone(), ..ScoreRequest::default() };
    let (scored, _) = score_in(&mut loader, &as_of_clock, &score_request, &mut notes, |_, _| None)?;
    let changed = |what: String| PipelineError::Unusable {
        message: format!("{at} no longer matches the workspace: {what}"),
        help: Some(
            "score again (`vendorscore score`) and notify that run; a notice must state the recorded decision".into(),
        ),
        notes: Vec::new(),
    };
    if scored.rubric.sha256 != run.rubric_sha256 {
        return Err(changed(format!(
            "the rubric scored now ({}) is not the one recorded (sha256 {})",
            scored.rubric.origin,
            &run.rubric_sha256[..12.min(run.rubric_sha256.len())]
        )));
    }
    if run.cohort.is_some_and(|n| n != scored.cards.len() as u64) {
        return Err(changed(format!(
            "the run ranked {} vendors, the workspace holds {}",
            run.cohort.unwrap_or(0),
            scored.cards.len()
        )));
    }
    let cards: BTreeMap<&str, &crate::scoring::Scorecard> =
        scored.cards.iter().map(|c| (c.vendor.as_str(), c)).collect();
    let mut parties = BTreeMap::new();
    for recorded in &run.vendors {
        let id = recorded["id"].as_str().unwrap_or_default();
        let score = recorded["score"].as_str().unwrap_or_default();
        let Some(card) = cards.get(id) else {
            return Err(changed(format!("vendor {id} is no longer in the workspace")));
        };
        if two(card.score) != score {
            return Err(changed(format!("{id} was recorded at {score}, it scores {:.2} now", card.score)));
        }
        let party = Party {
            id: id.to_owned(),
            name: card.name.clone(),
            score: score.to_owned(),
            status: recorded["status"].as_str().unwrap_or_default().to_owned(),
            rank: recorded["rank"].as_u64(),
        };
        parties.insert(id.to_owned(), (party, *card));
    }
    let holidays: Vec<Date> = scored.settings.notice.as_ref().map(|n| n.holidays.clone()).unwrap_or_default();
    let end = standstill_end(clock.as_of, request.standstill_days, &holidays);
    let provenance = super::report::provenance(&scored, clock, None);
    let (winner, winner_card) = parties[&request.winner].clone();
    let winner_view = view::scorecard(&scored.rubric, winner_card, scored.cards.len(), &provenance);
    let categories = scored
        .rubric
        .categories
        .iter()
        .map(|c| CategoryLine { name: c.name.clone(), weight: two(c.weight) })
        .collect::<Vec<_>>();
    let mut letters = Vec::new();
    for (party, card) in parties.values().filter(|(p, _)| p.id != request.winner) {
        let recipient_view = view::scorecard(&scored.rubric, card, scored.cards.len(), &provenance);
        let criteria: Vec<CriterionLine> = winner_view
            .criteria
            .iter()
            .map(|w| {
                let r = recipient_view.criteria.iter().find(|r| r.id == w.id);
                let recipient_points = r.map_or(0.0, |r| r.points);
                CriterionLine {
                    id: w.id.clone(),
                    name: w.name.clone(),
                    category: w.category.clone(),
                    weight: two(w.effective_weight),
                    winner_points: two(w.points),
                    winner_answer: w.answer.clone(),
                    recipient_points: two(recipient_points),
                    recipient_answer: r.map_or_else(|| "not answered".to_owned(), |r| r.answer.clone()),
                    advantage: two(w.points - recipient_points),
                }
            })
            .collect();
        let mut advantages: Vec<(f64, CriterionLine)> = winner_view
            .criteria
            .iter()
            .zip(&criteria)
            .map(|(w, line)| {
                (
                    w.points - recipient_view.criteria.iter().find(|r| r.id == w.id).map_or(0.0, |r| r.points),
                    line.clone(),
                )
            })
            .filter(|(gain, _)| *gain > 0.005)
            .collect();
        // Largest gain first; equal gains in rubric order.
        advantages.sort_by(|a, b| b.0.total_cmp(&a.0));
        letters.push(NoticeView {
            provenance: provenance.clone(),
            date: clock.as_of.to_string(),
            run_entry: run.seq,
            run_date: run.time.get(..10).unwrap_or_default().to_owned(),
            participants: run.vendors.len(),
            winner: winner.clone(),
            recipient: party.clone(),
            categories: categories.clone(),
            criteria,
            advantages: advantages.into_iter().take(3).map(|(_, line)| line).collect(),
            standstill_days: request.standstill_days,
            standstill_end: end.to_string(),
            standstill_end_time: "23:59",
        });
    }
    let templates = Templates::new(Some(&workspace.root.join("templates")));
    let mut fonts = configured_fonts(workspace, &scored.settings, &mut loader)?;
    let mut system_fonts = Vec::new();
    if request.formats.contains(&Format::Pdf) {
        // What the PDFs print: each letter as its template writes it (a
        // template that fails fails again, with its error, when rendering),
        // and the footer's provenance.
        let mut text = serde_json::to_string(&provenance).unwrap_or_default();
        for letter in &letters {
            text.push_str(&templates.render(TEMPLATE, letter).unwrap_or_default());
        }
        system_fonts = cover_glyphs(&mut fonts, &text, &mut loader, request.font_lookup)?;
    }
    let notices = Notices {
        letters,
        formats: request.formats.clone(),
        winner: request.winner.clone(),
        run_entry: run.seq,
        standstill_end: end,
        system_fonts,
        fonts,
        templates,
        workspace: workspace.clone(),
        organisation: scored.settings.workspace.organisation.clone(),
        language: scored.settings.report_language(),
    };
    Ok(Decided { value: notices, inputs: loader.inputs(), findings: loader.findings(), notes })
}

impl Notices {
    /// Every letter in every format; `ledger_seq` is the entry that will record them.
    pub fn render(&self, clock: &Clock, ledger_seq: Option<u64>) -> Result<Vec<Rendered>, TemplateError> {
        let renderer = Renderer {
            fonts: self.fonts.clone(),
            templates: &self.templates,
            created: clock.document_time(),
            author: self.organisation.clone().unwrap_or_else(|| TOOL.to_owned()),
            language: self.language.clone(),
        };
        let mut documents = Vec::new();
        for letter in &self.letters {
            let mut letter = letter.clone();
            letter.provenance.ledger_seq = ledger_seq;
            for &format in &self.formats {
                documents.push(renderer.notice(&letter, format)?);
            }
        }
        Ok(documents)
    }

    /// The `notice` entry: every letter's digest in `outputs`, the decision in `result`.
    pub fn run(&self, mut inputs: Vec<FileRecord>, outputs: Vec<FileRecord>) -> Run {
        self.templates.record_loaded(&self.workspace, &mut inputs);
        let mut result = json!({
            "winner": self.winner,
            "run": self.run_entry,
            "standstill_end": format!("{}T23:59 local", self.standstill_end),
            "letters": self.letters.iter().map(|l| json!({
                "vendor": l.recipient.id, "score": l.recipient.score, "winner_score": l.winner.score,
            })).collect::<Vec<_>>(),
        });
        if !self.system_fonts.is_empty() {
            result["system_fonts"] =
                self.system_fonts.iter().map(|(font, sha256)| json!({"font": font, "sha256": sha256})).collect();
        }
        Run {
            action: "notice",
            subjects: self.letters.iter().map(|l| l.recipient.id.clone()).collect(),
            inputs,
            outputs,
            result,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    #[test]
    fn the_standstill_ends_on_a_working_day() {
        // Thursday 2026-11-19 + 10 days = Sunday 2026-11-29 → Monday 2026-11-30.
        assert_eq!(standstill_end(date("2026-11-19"), 10, &[]), date("2026-11-30"));
        // Saturday → Monday.
        assert_eq!(standstill_end(date("2026-11-18"), 10, &[]), date("2026-11-30"));
        // A weekday stays.
        assert_eq!(standstill_end(date("2026-11-21"), 10, &[]), date("2026-12-01"));
        // Tuesday 2026-12-15 + 10 = Friday 2026-12-25 (holiday) → Saturday, Sunday → Monday 12-28.
        let holidays = [date("2026-12-25"), date("2026-12-28")];
        assert_eq!(standstill_end(date("2026-12-15"), 10, &holidays[..1]), date("2026-12-28"));
        // And a holiday on that Monday too → Tuesday.
        assert_eq!(standstill_end(date("2026-12-15"), 10, &holidays), date("2026-12-29"));
    }
}
