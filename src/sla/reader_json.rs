//! JSON Lines exports (SPEC section 11): one JSON object a line, each column
//! found by its dotted path (`metric_set.reply_time_in_minutes.business`).
//!
//! Each line becomes a row of the columns the layout reads (the renamed or
//! canonical names, and the duration columns), so a JSON line is checked,
//! refused and described exactly as a CSV row is. Strings are taken as
//! written, numbers and booleans as their JSON text, `null` and a missing
//! path as an empty cell. Blank lines are skipped; a line that is not a JSON
//! object is a row that cannot be read. With no preset and no renames, the
//! first object's fields may name the preset to read with (SPEC 11: the
//! header of a JSON Lines export is its first object's dotted paths). One
//! pass, one thread; memory is one line (at most [`MAX_ROW_BYTES`]) and the
//! tallies.

use std::io::{BufRead, BufReader, Read};

use serde_json::Value;

use super::*;
use crate::model::TICKET_COLUMNS;
use crate::sla::row::Row;

/// The columns a JSON Lines export is read for, in order: every canonical
/// column (by its rename), `abandoned_at`, and the duration columns.
fn paths(options: &ReadOptions) -> Vec<String> {
    let mut paths: Vec<String> = Vec::new();
    let named =
        TICKET_COLUMNS.iter().chain(&["abandoned_at"]).map(|c| options.renames.get(*c).map_or(*c, String::as_str));
    for path in named.chain(options.durations.iter().map(|d| d.column.as_str())) {
        if !paths.iter().any(|p| p == path) {
            paths.push(path.to_owned());
        }
    }
    paths
}

/// The value at a dotted path: at each level the longest key that matches
/// first, so a key that itself holds dots is found too.
pub(super) fn lookup<'v>(value: &'v Value, path: &str) -> Option<&'v Value> {
    let object = value.as_object()?;
    if let Some(found) = object.get(path) {
        return Some(found);
    }
    path.char_indices()
        .filter(|(_, c)| *c == '.')
        .map(|(i, _)| i)
        .rev()
        .find_map(|i| object.get(&path[..i]).and_then(|child| lookup(child, &path[i + 1..])))
}

/// A value as a cell: strings as written, other scalars as JSON text, objects and arrays as JSON.
fn cell(value: Option<&Value>, out: &mut Vec<u8>) {
    match value {
        None | Some(Value::Null) => {}
        Some(Value::String(text)) => out.extend_from_slice(text.as_bytes()),
        Some(other) => out.extend_from_slice(other.to_string().as_bytes()),
    }
}

/// Whether a JSON object holds `path`: found, or below a `null` (an
/// unrated conversation's `conversation_rating` is `null`, not an object).
pub(crate) fn holds(value: &Value, path: &str) -> bool {
    lookup(value, path).is_some()
        || path.match_indices('.').any(|(i, _)| matches!(lookup(value, &path[..i]), Some(Value::Null)))
}

/// The settings to read with, from the first object: with detection on and
/// the object lacking a canonical column, the one JSON Lines preset whose
/// paths it holds (and its name), else the settings as given.
fn settle(first: Option<&Value>, options: &ReadOptions) -> (ReadOptions, Option<&'static str>) {
    let canonical = |value: &Value| super::super::row::REQUIRED[..3].iter().all(|c| holds(value, c));
    match first {
        Some(value) if options.detect && value.is_object() && !canonical(value) => {
            match super::super::presets::detect(ExportFormat::JsonLines, |path| holds(value, path)) {
                Some(preset) => (options.with_preset(preset), Some(preset.name)),
                None => (options.clone(), None),
            }
        }
        _ => (options.clone(), None),
    }
}

/// The layout of the columns `names` (a row of them stands for the header).
fn layout(names: &[String], rules: &[Rule], options: &ReadOptions) -> Result<Layout, ReadError> {
    let mut header = Vec::new();
    let mut ends = Vec::new();
    for name in names {
        header.extend_from_slice(name.as_bytes());
        ends.push(header.len());
    }
    Ok(Layout::new(&Row::new(&header, &ends), rules, options)?.in_zone(options.zone()?))
}

/// Count a JSON Lines export into tallies for `rules`. The layout is made
/// at the first line that is not blank (a preset may be recognised from it);
/// a file of blank lines only is empty, as an empty CSV file is.
pub(super) fn read<R: Read>(input: R, rules: &[Rule], options: &ReadOptions) -> Result<TicketData, ReadError> {
    let mut reading: Option<(Vec<String>, Layout)> = None;
    let mut accumulator = Accumulator::new(rules);
    let mut days = DayCache::default();
    let mut input = BufReader::with_capacity(64 << 10, input);
    let (mut line, mut data, mut fields) = (Vec::new(), Vec::new(), Vec::new());
    let mut part = Part {
        read: 0,
        rejected: 0,
        first: Vec::new(),
        unterminated: None,
        unmapped: 0,
        unmapped_values: Vec::new(),
        ending: Ending::End,
    };
    let mut number = 0u64;
    loop {
        line.clear();
        let n = (&mut input).take(MAX_ROW_BYTES as u64 + 1).read_until(b'\n', &mut line)?;
        if n == 0 {
            break;
        }
        number += 1;
        let too_long = line.len() > MAX_ROW_BYTES && line.last() != Some(&b'\n');
        if too_long {
            // Skip the rest of the line without holding it.
            loop {
                line.clear();
                let n = (&mut input).take(64 << 10).read_until(b'\n', &mut line)?;
                if n == 0 || line.last() == Some(&b'\n') {
                    break;
                }
            }
        }
        let mut text = line.trim_ascii();
        if number == 1 {
            text = text.strip_prefix("\u{feff}".as_bytes()).unwrap_or(text);
        }
        if text.is_empty() && !too_long {
            continue;
        }
        part.read += 1;
        let parsed = (!too_long).then(|| serde_json::from_slice::<Value>(text));
        if reading.is_none() {
            let (options, detected) = settle(parsed.as_ref().and_then(|p| p.as_ref().ok()), options);
            let names = paths(&options);
            let found = layout(&names, rules, &options)?;
            days = DayCache::new(found.zone().cloned());
            reading = Some((
                names,
                match detected {
                    Some(name) => found.detected_as(name),
                    None => found,
                },
            ));
        }
        let Some((names, layout)) = &reading else { unreachable!("set just above") };
        let outcome: Result<(), String> = match parsed {
            None => Err(format!("the line is longer than {} KiB", MAX_ROW_BYTES >> 10)),
            Some(Ok(value @ Value::Object(_))) => {
                data.clear();
                fields.clear();
                for name in names {
                    cell(lookup(&value, name), &mut data);
                    fields.push(data.len());
                }
                let row = Row::new(&data, &fields);
                match layout.parse(&row, &mut days) {
                    Ok(ticket) => {
                        accumulator.add(&ticket);
                        Ok(())
                    }
                    Err(Reject::Unmapped) => {
                        part.unmapped += 1;
                        let value = layout.channel_value(&row);
                        if part.unmapped_values.len() < REPORTED && !part.unmapped_values.contains(&value) {
                            part.unmapped_values.push(value);
                        }
                        Ok(())
                    }
                    Err(reject) => Err(layout.describe(&row, reject)),
                }
            }
            Some(Ok(_)) => Err("the line is not a JSON object".to_owned()),
            Some(Err(error)) => Err(format!("the line is not JSON ({error})")),
        };
        if let Err(reason) = outcome {
            part.rejected += 1;
            if part.first.len() < REPORTED {
                part.first.push((number, reason));
            }
        }
    }
    let Some((_, layout)) = reading else { return Err(ReadError::Empty) };
    let mut data = finish(rules, accumulator, part);
    data.rows.detected_preset = layout.detected();
    Ok(data)
}
