//! Streaming ticket exports (SPEC section 7): CSV with a header, read once,
//! counted into per-rule tallies as it goes. Owns the file format: header
//! columns and their renames, row parsing, rejected rows with their line
//! numbers, and reading a large file on several cores.
//!
//! Memory stays bounded whatever the file's size: fixed buffers per reader,
//! rows longer than [`MAX_ROW_BYTES`] are rejected without being held, and
//! the tallies grow with distinct (rule, period, second) values only.
//! Progress is told as bytes read from the file, a buffer at a time
//! ([`ReadOptions::progress`]), never per row.
//!
//! Parallel reading splits the file at line starts into parts a few times
//! more than the threads, which take the next part as they finish one (so a
//! core slowed by other work does not hold the rest up); each thread counts
//! into its own tallies. A line start may lie inside a quoted field, so the
//! split only stands when every part, read from its start, ends exactly
//! where the next one begins; otherwise (a rare file with quoted line breaks
//! at an unlucky place) the file is read again in one pass. The result is
//! always that of one pass from the top.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::records::{Next, Records};
use super::row::{DurationSource, Layout, Reject};
use super::tally::{Accumulator, Rule, Tallies, settle_caps};
use super::timestamp::{DayCache, Form};
use super::{Rejected, RowCounts};
use crate::model::{Channel, ClockKind, ColumnName, ColumnRead, CsatLabel, Metric};

pub use super::records::{MAX_FIELDS, MAX_ROW_BYTES};
/// How many rejected rows are reported by line.
pub const REPORTED: usize = 10;
/// Smallest part worth reading apart.
pub(crate) const MIN_PART: u64 = 8 << 20;
/// Parts per thread, so that threads finishing early take over work.
const PARTS_PER_THREAD: u64 = 4;

/// How to read an export.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Header renames: canonical column name → header in the export.
    pub renames: BTreeMap<String, String>,
    /// IANA zone of timestamps without an offset; `None`: UTC.
    pub timezone: Option<String>,
    /// Threads to read with; 0: one per core.
    pub threads: usize,
    /// Smallest part of a file worth reading apart; 0: 8 MiB.
    pub min_part_bytes: u64,
    /// `[tickets.durations]`: duration columns in place of `first_response_at` or `resolved_at`.
    pub durations: Vec<DurationSource>,
    /// `[tickets.channels]`: the export's channel names → channels (matched in any letter case).
    pub channels: Vec<(String, Channel)>,
    /// `[tickets.csat]`: labels → a score, `None` for labels that are no rating.
    pub csat: Vec<(String, Option<u8>)>,
    /// CSV or JSON Lines (the loader tells them by the file's name).
    pub format: ExportFormat,
    /// Timestamp columns not written as RFC 3339 or `YYYY-MM-DD HH:MM`:
    /// canonical column → how it is written (`[tickets.columns]`, a preset's).
    pub forms: Vec<(String, Form)>,
    /// The preset laid under these settings (`[tickets] preset`, or the one detected).
    pub preset: Option<&'static str>,
    /// No preset and no renames: a header (a JSON Lines export's first
    /// object) that lacks the canonical columns but holds exactly one
    /// preset's is read with that preset.
    pub detect: bool,
    /// Told the bytes read from the export (a progress bar).
    pub progress: crate::progress::Observer,
    /// The file these settings came from, as shown (`vendorscore.toml`, or
    /// the `--tickets-config` file); empty: `vendorscore.toml`.
    pub settings: String,
}

/// How an export is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ExportFormat {
    #[default]
    Csv,
    /// One JSON object a line, columns by dotted path.
    JsonLines,
}

impl ExportFormat {
    /// JSON Lines for `.jsonl` and `.ndjson` (also under `.gz`), else CSV.
    pub fn of_path(path: &Path) -> ExportFormat {
        let name = path.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
        let name = name.strip_suffix(".gz").unwrap_or(&name);
        if name.ends_with(".jsonl") || name.ends_with(".ndjson") { ExportFormat::JsonLines } else { ExportFormat::Csv }
    }
}

/// What reading found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketData {
    pub tallies: Tallies,
    pub rows: RowCounts,
}

/// Why an export could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The operating system refused.
    #[error("cannot read the file: {0}")]
    Io(#[from] io::Error),
    /// No header line.
    #[error("the file is empty: a ticket export starts with a header line")]
    Empty,
    /// The first line is not a CSV header.
    #[error("this is not a CSV ticket export: {0}")]
    NotCsv(String),
    /// A column a clause needs is not in the header; `note` says where its
    /// name came from, `settings` is the file holding `[tickets]`.
    #[error("no column `{header}` in the header (line 1){note}")]
    MissingColumn { header: String, note: String, found: Vec<String>, settings: String },
    /// A column name appears twice.
    #[error("column `{0}` appears more than once in the header (line 1)")]
    DuplicateColumn(String),
    /// `[tickets] timezone` names no IANA zone (validation refuses it first).
    #[error("[tickets] timezone `{0}` is not an IANA time zone")]
    UnknownZone(String),
    /// A duration column measured on one clock, asked for by rule number `rule` on the other.
    #[error(
        "the duration column `{column}` ({origin}) is counted in {} but a {metric} clause or criterion measures {}",
        if *.business { "business hours" } else { "wall-clock time" },
        if *.business { "wall-clock time" } else { "business hours" }
    )]
    ClockMismatch { column: String, business: bool, metric: &'static str, origin: String, rule: usize },
}

impl ReadError {
    /// A line of advice, where there is one.
    pub fn help(&self) -> Option<String> {
        match self {
            ReadError::MissingColumn { header, found, settings, .. } => {
                let near = crate::diag::did_you_mean(header, found.iter().map(String::as_str));
                let listed: Vec<&str> = found.iter().take(12).map(String::as_str).collect();
                let more = if found.len() > 12 { ", …" } else { "" };
                Some(match near {
                    Some(near) => format!(
                        "did you mean `{near}`? A differently named column can be mapped in {settings} under [tickets.columns]"
                    ),
                    None => format!(
                        "the header has: {}{more}; map a differently named column in {settings} under [tickets.columns]",
                        listed.join(", ")
                    ),
                })
            }
            ReadError::Empty | ReadError::NotCsv(_) => Some(
                "export the tickets as CSV with a header line: ticket_id,channel,created_at,first_response_at,resolved_at,…"
                    .to_owned(),
            ),
            _ => None,
        }
    }
}

/// Read an export file, on several cores when it is large.
pub fn read_file(path: &Path, rules: &[Rule], options: &ReadOptions) -> Result<TicketData, ReadError> {
    read_open(&File::open(path)?, rules, options)
}

/// Read an export from a file opened once: every part reads the same
/// handle at its own offset, so the file is never opened again by name.
pub fn read_open(file: &File, rules: &[Rule], options: &ReadOptions) -> Result<TicketData, ReadError> {
    if options.format == ExportFormat::JsonLines {
        return json::read(options.progress.count(At::new(file, 0)), rules, options);
    }
    let metadata = file.metadata()?;
    let mut records = Records::new(options.progress.count(At::new(file, 0)));
    let layout = read_header(&mut records, rules, options)?;
    let delimiter = records.delimiter();
    let data_start = records.consumed;
    let threads = crate::parallel::threads(options.threads).max(1);
    let data = metadata.len().saturating_sub(data_start);
    let min_part = if options.min_part_bytes == 0 { MIN_PART } else { options.min_part_bytes };
    let wanted = if metadata.is_file() && threads > 1 {
        (data / min_part).clamp(1, PARTS_PER_THREAD * threads as u64)
    } else {
        1
    };
    let mut starts = vec![data_start];
    if wanted > 1 {
        starts.extend(part_starts(file, data_start, metadata.len(), wanted)?);
    }
    if starts.len() > 1
        && let Some(mut data) = read_parts(file, &starts, records.line, &layout, rules, delimiter, options)?
    {
        data.rows.detected_preset = layout.detected();
        return Ok(data);
    }
    // One part, or a split that landed inside a quoted field: one pass from the header on.
    let mut accumulator = Accumulator::new(rules);
    let part = read_part(&mut records, 0, None, &layout, &mut accumulator)?;
    let mut data = finish(rules, accumulator, part);
    data.rows.detected_preset = layout.detected();
    Ok(data)
}

/// The data of a file read as one part.
fn finish(rules: &[Rule], accumulator: Accumulator, part: Part) -> TicketData {
    let mut tallies = accumulator.finish();
    settle_caps(rules, &mut tallies);
    TicketData { tallies, rows: rows_of(vec![part], 1) }
}

/// Read the parts starting at `starts` (the first on line `first_line`) on
/// the threads `options` say; `None` when a part did not end exactly where
/// the next begins.
fn read_parts(
    file: &File,
    starts: &[u64],
    first_line: u64,
    layout: &Layout,
    rules: &[Rule],
    delimiter: u8,
    options: &ReadOptions,
) -> Result<Option<TicketData>, ReadError> {
    let threads = crate::parallel::threads(options.threads).max(1);
    let next = AtomicUsize::new(0);
    type Done = Result<(Accumulator, Vec<(usize, Part)>), ReadError>;
    let done: Vec<Done> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads.min(starts.len()))
            .map(|_| {
                scope.spawn(|| -> Done {
                    let mut accumulator = Accumulator::new(rules);
                    let mut parts = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(&start) = starts.get(i) else { break };
                        let end = starts.get(i + 1).copied();
                        let at = options.progress.count(At::new(file, start));
                        let mut records = Records::new(at).with_delimiter(delimiter);
                        accumulator.set_part(i);
                        parts.push((i, read_part(&mut records, start, end, layout, &mut accumulator)?));
                    }
                    Ok((accumulator, parts))
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().expect("reading a part does not panic")).collect()
    });
    let mut tallies = Tallies::default();
    let mut parts: Vec<(usize, Part)> = Vec::with_capacity(starts.len());
    for result in done {
        let (accumulator, mine) = result?;
        tallies.merge(accumulator.finish());
        parts.extend(mine);
    }
    parts.sort_by_key(|(i, _)| *i);
    let last = starts.len() - 1;
    let chained = parts.iter().all(|(i, part)| match part.ending {
        Ending::Handover(_) => *i < last,
        Ending::End => *i == last,
        Ending::Overshot => false,
    });
    if chained {
        settle_caps(rules, &mut tallies);
    }
    Ok(chained.then(|| TicketData { tallies, rows: rows_of(parts.into_iter().map(|(_, p)| p).collect(), first_line) }))
}

/// Read an export held in memory, on one thread.
pub fn read_slice(bytes: &[u8], rules: &[Rule], options: &ReadOptions) -> Result<TicketData, ReadError> {
    read_stream(|| bytes, rules, options)
}

/// Read an export from a stream (a gzip decoder, say), one pass through the
/// same fixed buffers; `open` gives the stream from its start.
pub fn read_stream<R: Read>(
    open: impl FnOnce() -> R,
    rules: &[Rule],
    options: &ReadOptions,
) -> Result<TicketData, ReadError> {
    if options.format == ExportFormat::JsonLines {
        return json::read(open(), rules, options);
    }
    let mut records = Records::new(open());
    let layout = read_header(&mut records, rules, options)?;
    let mut accumulator = Accumulator::new(rules);
    let part = read_part(&mut records, 0, None, &layout, &mut accumulator)?;
    let mut data = finish(rules, accumulator, part);
    data.rows.detected_preset = layout.detected();
    Ok(data)
}

/// Renames from `[tickets.columns]`.
fn renames(tickets: &crate::model::TicketSettings) -> BTreeMap<String, String> {
    tickets
        .columns
        .iter()
        .map(|(column, header)| (column.value.clone(), header.value.header().trim().to_owned()))
        .collect()
}

impl ReadOptions {
    /// How the workspace's `[tickets]` says to read exports.
    pub fn of(settings: &crate::model::WorkspaceFile) -> ReadOptions {
        ReadOptions::of_tickets(settings.tickets.as_ref())
    }

    /// How a `[tickets]` table says to read exports (`None`: no table).
    pub fn of_tickets(tickets: Option<&crate::model::TicketSettings>) -> ReadOptions {
        let Some(tickets) = tickets else { return ReadOptions { detect: true, ..ReadOptions::default() } };
        let durations = tickets
            .durations
            .iter()
            .filter_map(|(metric, d)| {
                let metric = match metric.value.as_str() {
                    "first_response" => Metric::FirstResponse,
                    "resolution" => Metric::Resolution,
                    _ => return None,
                };
                let business = d.clock.as_ref().is_some_and(|c| c.value == ClockKind::Business);
                let column = d.column.value.trim().to_owned();
                Some(DurationSource { metric, column, unit: d.unit.value, business, preset: None })
            })
            .collect();
        let mut csat = Vec::new();
        for (label, value) in tickets.csat.iter() {
            match &value.value {
                CsatLabel::Score(score) => csat.push((label.value.clone(), u8::try_from(*score).ok())),
                CsatLabel::Unrated(labels) => csat.extend(labels.iter().map(|l| (l.clone(), None))),
            }
        }
        let forms = tickets
            .columns
            .iter()
            .filter_map(|(canonical, column)| match &column.value {
                ColumnName::Read(ColumnRead { epoch: Some(unit), .. }) => {
                    Some((canonical.value.clone(), Form::Epoch(*unit)))
                }
                ColumnName::Read(ColumnRead { date_order: Some(order), .. }) => {
                    Some((canonical.value.clone(), Form::Slashed(*order)))
                }
                _ => None,
            })
            .collect();
        let own = ReadOptions {
            renames: renames(tickets),
            forms,
            timezone: tickets.timezone.as_ref().map(|z| z.value.clone()),
            durations,
            channels: tickets.channels.iter().map(|(raw, c)| (raw.value.clone(), c.value)).collect(),
            csat,
            ..ReadOptions::default()
        };
        match &tickets.preset {
            Some(name) => match super::presets::preset(name.value.trim()) {
                Some(preset) => own.with_preset(preset),
                // Validation refuses an unknown preset first.
                None => own,
            },
            None => ReadOptions { detect: own.renames.is_empty() && own.durations.is_empty(), ..own },
        }
    }

    /// These settings laid over `preset`: a rename, duration, channel or
    /// CSAT label given here wins over the preset's.
    pub fn with_preset(&self, preset: &'static super::presets::Preset) -> ReadOptions {
        let mut renames: BTreeMap<String, String> =
            preset.columns.iter().map(|(c, h)| ((*c).to_owned(), (*h).to_owned())).collect();
        renames.extend(self.renames.clone());
        let timestamp_renamed = |metric: Metric| {
            let column = if metric == Metric::FirstResponse { "first_response_at" } else { "resolved_at" };
            self.renames.contains_key(column)
        };
        let mut durations: Vec<DurationSource> = preset
            .durations
            .iter()
            .filter(|d| !timestamp_renamed(d.metric) && !self.durations.iter().any(|own| own.metric == d.metric))
            .map(|d| DurationSource {
                metric: d.metric,
                column: d.column.to_owned(),
                unit: d.unit,
                business: d.business,
                preset: Some(preset.name),
            })
            .collect();
        durations.extend(self.durations.iter().cloned());
        // A column renamed here is read as said here, not as the preset's column was.
        let mut forms: Vec<(String, Form)> = preset
            .forms
            .iter()
            .filter(|(canonical, _)| !self.renames.contains_key(*canonical))
            .map(|(canonical, form)| ((*canonical).to_owned(), *form))
            .collect();
        forms.extend(self.forms.iter().cloned());
        // Matching takes the first entry: the workspace's come first.
        let mut channels = self.channels.clone();
        channels.extend(preset.channels.iter().map(|(raw, c)| ((*raw).to_owned(), *c)));
        let mut csat = self.csat.clone();
        csat.extend(preset.csat.iter().map(|(label, s)| ((*label).to_owned(), *s)));
        ReadOptions {
            renames,
            durations,
            channels,
            csat,
            forms,
            preset: Some(preset.name),
            detect: false,
            ..self.clone()
        }
    }

    /// The same settings, said to come from `file` (as shown).
    pub fn from_file(self, file: impl Into<String>) -> ReadOptions {
        ReadOptions { settings: file.into(), ..self }
    }

    /// The file holding these settings, as shown.
    pub fn settings_file(&self) -> &str {
        if self.settings.is_empty() { crate::workspace::SETTINGS_FILE } else { &self.settings }
    }

    /// The zone of timestamps without an offset.
    fn zone(&self) -> Result<Option<jiff::tz::TimeZone>, ReadError> {
        match self.timezone.as_deref() {
            None | Some("UTC") => Ok(None),
            Some(name) => super::calendar::zone(name).map(Some).ok_or_else(|| ReadError::UnknownZone(name.to_owned())),
        }
    }
}

fn read_header<R: Read>(records: &mut Records<R>, rules: &[Rule], options: &ReadOptions) -> Result<Layout, ReadError> {
    records.detect_delimiter()?;
    match records.next()? {
        Next::End => Err(ReadError::Empty),
        Next::Overflow => Err(ReadError::NotCsv(format!(
            "the first line is longer than {} KiB or has more than {MAX_FIELDS} fields",
            MAX_ROW_BYTES >> 10
        ))),
        Next::Unterminated => {
            Err(ReadError::NotCsv("the header has a quote that never closes (the whole file is one field)".to_owned()))
        }
        Next::Row => {
            let header = records.row();
            let layout = match Layout::new(&header, rules, options) {
                Err(missing @ ReadError::MissingColumn { .. }) if options.detect => {
                    let names = super::row::header_names(&header);
                    match super::presets::detect(ExportFormat::Csv, |h| names.iter().any(|n| n == h)) {
                        Some(preset) => {
                            Layout::new(&header, rules, &options.with_preset(preset))?.detected_as(preset.name)
                        }
                        None => return Err(missing),
                    }
                }
                other => other?,
            };
            Ok(layout.in_zone(options.zone()?))
        }
    }
}

/// Where parts 1.. of a file start: just after a line end near each even split.
fn part_starts(file: &File, data_start: u64, size: u64, parts: u64) -> io::Result<Vec<u64>> {
    let mut buffer = vec![0u8; 64 << 10];
    let mut starts: Vec<u64> = Vec::new();
    for k in 1..parts {
        let mut at = data_start + size.saturating_sub(data_start) * k / parts;
        let mut reader = At::new(file, at);
        let start = loop {
            let n = reader.read(&mut buffer)?;
            if n == 0 {
                break None;
            }
            if let Some(i) = buffer[..n].iter().position(|b| *b == b'\n') {
                break Some(at + i as u64 + 1);
            }
            at += n as u64;
        };
        match start {
            Some(s) if s < size && starts.last().is_none_or(|last| s > *last) => starts.push(s),
            Some(_) => {}
            None => break,
        }
    }
    Ok(starts)
}

/// One part's rows, and how it ended.
struct Part {
    read: u64,
    rejected: u64,
    /// (line relative to the part's start, reason).
    first: Vec<(u64, String)>,
    /// A quote that never closes: (its line relative to the part's start, lines after it swallowed).
    unterminated: Option<(u64, u64)>,
    /// Rows whose channel maps to nothing, and the first distinct values.
    unmapped: u64,
    unmapped_values: Vec<String>,
    ending: Ending,
}

/// How a part ended.
enum Ending {
    /// At the end of the file.
    End,
    /// Exactly where the next part starts, this many lines on from its own start.
    Handover(u64),
    /// Past the next part's start, inside a record: the split does not stand.
    Overshot,
}

/// Count the records from `origin` (an offset in the file) into
/// `accumulator`, up to `end` (where the next part starts) or the end of
/// the file.
fn read_part<R: Read>(
    records: &mut Records<R>,
    origin: u64,
    end: Option<u64>,
    layout: &Layout,
    accumulator: &mut Accumulator,
) -> Result<Part, ReadError> {
    let (mut read, mut rejected, mut first) = (0u64, 0u64, Vec::new());
    let mut unterminated = None;
    let (mut unmapped, mut unmapped_values) = (0u64, Vec::<String>::new());
    let mut days = DayCache::new(layout.zone().cloned());
    let ending = loop {
        let outcome = match records.next()? {
            Next::End => break Ending::End,
            Next::Overflow => Err(format!(
                "the row is longer than {} KiB or has more than {MAX_FIELDS} fields (an unclosed quote?)",
                MAX_ROW_BYTES >> 10
            )),
            Next::Unterminated => {
                let (line, swallowed) = records.unterminated().unwrap_or_default();
                read += 1;
                rejected += 1;
                unterminated = Some((line, swallowed));
                break Ending::End;
            }
            Next::Row => {
                let row = records.row();
                match layout.parse(&row, &mut days) {
                    Ok(ticket) => {
                        accumulator.add(&ticket);
                        Ok(())
                    }
                    Err(Reject::Unmapped) => {
                        unmapped += 1;
                        if unmapped_values.len() < REPORTED {
                            let value = layout.channel_value(&row);
                            if !unmapped_values.contains(&value) {
                                unmapped_values.push(value);
                            }
                        }
                        Ok(())
                    }
                    Err(reject) if first.len() < REPORTED => Err(layout.describe(&row, reject)),
                    Err(_) => Err(String::new()),
                }
            }
        };
        read += 1;
        if let Err(reason) = outcome {
            rejected += 1;
            if first.len() < REPORTED {
                first.push((records.record_line(), reason));
            }
        }
        if let Some(end) = end {
            let at = origin + records.consumed;
            // Ending on the `\n` just before the next part (CRLF, a blank line) is as good.
            if at == end || at + 1 == end {
                break Ending::Handover(records.line - 1 + u64::from(at + 1 == end));
            }
            if at > end {
                break Ending::Overshot;
            }
        }
    };
    Ok(Part { read, rejected, first, unterminated, unmapped, unmapped_values, ending })
}

/// The rows of consecutive parts, the first starting on line `first_line`,
/// rejected lines made absolute.
fn rows_of(parts: Vec<Part>, first_line: u64) -> RowCounts {
    let mut rows = RowCounts::default();
    let mut base_line = first_line;
    for part in parts {
        rows.read += part.read;
        rows.rejected += part.rejected;
        rows.unmapped_channel += part.unmapped;
        for value in part.unmapped_values {
            if rows.unmapped_values.len() < REPORTED && !rows.unmapped_values.contains(&value) {
                rows.unmapped_values.push(value);
            }
        }
        for (line, reason) in part.first {
            if rows.first_rejected.len() < REPORTED {
                rows.first_rejected.push(Rejected { line: base_line + line - 1, reason });
            }
        }
        // Always reported, even past the first few: it hides the rest of the file.
        if let Some((line, swallowed)) = part.unterminated {
            let line = base_line + line - 1;
            rows.unterminated_quote = Some(line);
            let lines = if swallowed == 1 { "1 line".to_owned() } else { format!("{swallowed} lines") };
            rows.first_rejected.push(Rejected {
                line,
                reason: format!(
                    "unterminated quote starting at line {line}: it runs to the end of the file and swallowed the \
                     {lines} after it"
                ),
            });
        }
        if let Ending::Handover(lines) = part.ending {
            base_line += lines;
        }
    }
    rows
}

#[path = "reader_json.rs"]
mod json;

#[cfg(test)]
pub(crate) use json::holds as json_holds;

#[cfg(test)]
#[path = "reader_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "reader_mapping_tests.rs"]
mod mapping_tests;

/// A reader at its own offset in a shared file handle (positional reads:
/// threads never move each other's place).
pub struct At<'a> {
    file: &'a File,
    offset: u64,
}

impl<'a> At<'a> {
    pub fn new(file: &'a File, offset: u64) -> At<'a> {
        At { file, offset }
    }
}

impl Read for At<'_> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        #[cfg(unix)]
        let n = std::os::unix::fs::FileExt::read_at(self.file, buffer, self.offset)?;
        #[cfg(windows)]
        let n = std::os::windows::fs::FileExt::seek_read(self.file, buffer, self.offset)?;
        self.offset += n as u64;
        Ok(n)
    }
}
