//! A vendor's `tickets.csv`, read once for everything a run needs from it:
//! the rubric's measured criteria (over the whole file) and, when the run
//! wants them, the contract's SLA clauses (per period).

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::PipelineError;
use crate::load::Loader;
use crate::load::tickets::TicketError;
use crate::model::{Date, Rubric, Stat};
use crate::sla::measure::{measured_rules, values_of};
use crate::sla::{CreditError, ReadOptions, Report, RowCounts, Rule, Tallies, Terms, evaluate};

/// What one read of an export gave.
#[derive(Debug)]
pub(crate) struct VendorTickets {
    /// Measured criterion values by full criterion id.
    pub measured: BTreeMap<String, f64>,
    /// The clauses decided, when terms were given.
    pub sla: Option<Result<Report, CreditError>>,
    pub rows: RowCounts,
}

/// The measured criteria of a rubric, ready to count.
pub(crate) type MeasuredRules = Vec<(String, Rule, Stat)>;

pub(crate) fn measured(rubric: &Rubric) -> MeasuredRules {
    measured_rules(rubric)
}

/// Read each export once for the measured criteria and, when it has
/// terms, their clauses; in order, side by side when the loader can
/// ([`Loader::tickets_of`]).
pub(crate) fn read_all(
    loader: &mut Loader,
    exports: &[(PathBuf, Option<&Terms>)],
    criteria: &MeasuredRules,
    options: &ReadOptions,
    as_of: Date,
) -> Vec<Result<VendorTickets, TicketError>> {
    let rules: Vec<(PathBuf, Vec<Rule>)> = exports
        .iter()
        .map(|(path, terms)| {
            let mut rules: Vec<Rule> = criteria.iter().map(|(_, rule, _)| rule.clone()).collect();
            rules.extend(terms.iter().flat_map(|terms| terms.rules()));
            (path.clone(), rules)
        })
        .collect();
    let counted = loader.tickets_of(&rules, options);
    counted
        .into_iter()
        .zip(exports.iter().zip(&rules))
        .map(|(data, ((_, terms), (_, rules)))| {
            let data = data?;
            let mut per_rule = data.tallies.per_rule;
            per_rule.resize_with(rules.len(), BTreeMap::new);
            let clauses = per_rule.split_off(criteria.len());
            let measured = values_of(criteria, &per_rule);
            let sla = terms.map(|terms| evaluate(terms, &Tallies { per_rule: clauses }, data.rows.clone(), as_of));
            Ok(VendorTickets { measured, sla, rows: data.rows })
        })
        .collect()
}

/// An export as a run uses it: refused (exit 2, naming the file) when it
/// could not be read or a quote in it never closes; else what to tell of
/// it is added to `notes` ([`notes`]).
pub(crate) fn usable(
    shown: &str,
    read: Result<VendorTickets, TicketError>,
    options: &ReadOptions,
    notes: &mut Vec<String>,
) -> Result<VendorTickets, PipelineError> {
    let read = read.map_err(|err| PipelineError::Unusable {
        message: format!("{shown}: {err}"),
        help: err.help(),
        notes: notes.clone(),
    })?;
    if let Some(message) = unterminated(shown, &read.rows) {
        return Err(PipelineError::Unusable { message, help: None, notes: notes.clone() });
    }
    notes.extend(self::notes(shown, &read.rows, options.settings_file()));
    Ok(read)
}

/// The refusal of an export whose quote never closes: it swallowed the rest
/// of the file, so any result would be of part of it.
pub fn unterminated(path: &str, rows: &RowCounts) -> Option<String> {
    let line = rows.unterminated_quote?;
    let reason = rows.first_rejected.iter().find(|r| r.line == line).map_or("", |r| r.reason.as_str());
    Some(format!("{path}:{line}: {reason}; fix the export (close the quote) and run again"))
}

/// What a run tells about an export it read: the rows left out, channels
/// that map to none and the preset recognised from its header; `settings`
/// is the file holding `[tickets]` (as shown), where the advice points.
pub fn notes(path: &str, rows: &RowCounts, settings: &str) -> Vec<String> {
    let left_out = (rows.rejected > 0).then(|| rejected_rows(path, rows, "left out of the results"));
    left_out.into_iter().chain(unmapped(path, rows, settings)).chain(detected(path, rows, settings)).collect()
}

/// "vendors/x/tickets.csv: 3 rows of 120 could not be read (left out …):" and the first ones by line.
pub fn rejected_rows(path: &str, rows: &RowCounts, consequence: &str) -> String {
    use std::fmt::Write as _;
    let noun = if rows.rejected == 1 { "row" } else { "rows" };
    let mut out = format!("{path}: {} {noun} of {} could not be read ({consequence}):\n", rows.rejected, rows.read);
    for rejected in &rows.first_rejected {
        let _ = writeln!(out, "  {path}:{}: {}", rejected.line, rejected.reason);
    }
    if rows.rejected > rows.first_rejected.len() as u64 {
        let _ = writeln!(out, "  … and {} more", rows.rejected - rows.first_rejected.len() as u64);
    }
    out
}

/// "vendors/x/tickets.csv: 4 rows have a channel that maps to none (…)", when some do.
pub fn unmapped(path: &str, rows: &RowCounts, settings: &str) -> Option<String> {
    (rows.unmapped_channel > 0).then(|| {
        let noun = if rows.unmapped_channel == 1 { "row has" } else { "rows have" };
        let values: Vec<String> = rows.unmapped_values.iter().map(|v| format!("`{v}`")).collect();
        format!(
            "{path}: {} {noun} a channel that maps to none of {} ({}); they are in no clause. Map them in \
             {settings} under [tickets.channels]",
            rows.unmapped_channel,
            crate::model::Channel::ticket_names(),
            values.join(", ")
        )
    })
}

/// "vendors/x/tickets.csv: read as a zendesk-csv export …", when the header was recognised.
pub fn detected(path: &str, rows: &RowCounts, settings: &str) -> Option<String> {
    rows.detected_preset.map(|preset| {
        format!(
            "{path}: read as a {preset} export: its header holds that preset's columns (say preset = \"{preset}\" \
             under [tickets] in {settings} to make it explicit)"
        )
    })
}
