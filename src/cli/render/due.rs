//! How `due` shows dated items: a table, the JSON of SPEC section 14, CSV,
//! and an RFC 5545 calendar with one all-day event per item.

use std::fmt::Write as _;

use serde::Serialize;

use super::json::{Each, LedgerJson};
use crate::cli::Format;
use crate::cli::formats::csv_writer;
use crate::cli::text::{self, fit, words};
use vendorscore::lifecycle::{DueItem, Status, TierSource};
use vendorscore::model::Date;
use vendorscore::pipeline::due::{Due, DueVendor};

#[derive(Serialize)]
struct DueJson<'a> {
    as_of: String,
    vendors: Each<'a, DueVendor, VendorJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ledger: Option<LedgerJson>,
}

#[derive(Serialize)]
struct VendorJson<'a> {
    id: &'a str,
    tier: &'a str,
    tier_source: &'static str,
    items: Each<'a, DueItem, ItemJson<'a>>,
}

impl<'a> VendorJson<'a> {
    fn of(v: &'a DueVendor) -> VendorJson<'a> {
        VendorJson {
            id: &v.id,
            tier: &v.tier,
            tier_source: v.tier_source.as_str(),
            items: Each(&v.items, ItemJson::of),
        }
    }
}

#[derive(Serialize)]
struct ItemJson<'a> {
    kind: &'static str,
    date: String,
    status: &'static str,
    source: &'a str,
}

impl<'a> ItemJson<'a> {
    fn of(i: &'a DueItem) -> ItemJson<'a> {
        ItemJson { kind: i.kind.as_str(), date: i.date.to_string(), status: i.status.as_str(), source: &i.source }
    }
}

/// `due --format json` (SPEC section 14).
pub fn json(due: &Due, as_of: Date, ledger: Option<u64>) -> serde_json::Result<String> {
    let document = DueJson {
        as_of: as_of.to_string(),
        vendors: Each(&due.vendors, VendorJson::of),
        ledger: ledger.map(|seq| LedgerJson { seq }),
    };
    serde_json::to_string_pretty(&document).map(|mut s| {
        s.push('\n');
        s
    })
}

/// `due --format csv`: one row per item.
pub fn csv(due: &Due, format: Format) -> Result<String, csv::Error> {
    let mut writer = csv_writer(Vec::new(), format)?;
    writer.write_record(["vendor", "tier", "tier_source", "kind", "date", "status", "source"])?;
    for (v, i) in due.items() {
        writer.write_record([
            v.id.as_str(),
            v.tier.as_str(),
            v.tier_source.as_str(),
            i.kind.as_str(),
            &i.date.to_string(),
            i.status.as_str(),
            i.source.as_str(),
        ])?;
    }
    let bytes = writer.into_inner().map_err(|e| csv::Error::from(e.into_error()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Vendor ids get at least this many columns, more when the terminal has room.
const ID_AT_LEAST: usize = 20;
/// The columns after the vendor id up to where the source starts.
const BESIDE_ID: usize = 1 + 10 + 1 + 18 + 1 + 10 + 1 + 8 + 1;
/// The room kept for the source (so that at 80 columns the lines wrap at 100, as before).
const SOURCE_ROOM: usize = 29;

fn paint(text: &str, status: Status, color: bool) -> String {
    let code = match status {
        Status::Overdue => "1;31",
        Status::Due => "33",
        Status::Ok => "32",
    };
    text::paint(text, code, color)
}

/// The items for people in `columns`: one line per item, vendors in folder order.
pub fn table(due: &Due, as_of: Date, color: bool, columns: usize) -> String {
    let longest = due.vendors.iter().map(|v| v.id.chars().count()).max().unwrap_or(0);
    let id_width = text::name_width(longest, columns, BESIDE_ID + SOURCE_ROOM, ID_AT_LEAST);
    let source_at = id_width + BESIDE_ID;
    let width = columns.max(source_at + SOURCE_ROOM);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Due dates as of {as_of} (due: within {} days), tiers from {} {}",
        due.within_days, due.tiering.id, due.tiering.version
    );
    let _ =
        writeln!(out, "\n{:<id_width$} {:<10} {:<18} {:<10} {:<8} source", "vendor", "tier", "item", "date", "status");
    for vendor in &due.vendors {
        let tier = match vendor.tier_source {
            TierSource::Rule => vendor.tier.clone(),
            TierSource::Override => format!("{}†", vendor.tier),
            TierSource::Default => format!("{}°", vendor.tier),
        };
        for item in &vendor.items {
            let status = paint(&fit(item.status.as_str(), 8), item.status, color);
            let _ = write!(
                out,
                "{} {} {} {} {} {}",
                fit(&vendor.id, id_width),
                fit(&tier, 10),
                fit(&words(item.kind.as_str()), 18),
                item.date,
                status,
                text::wrap(&item.source, source_at, width)
            );
        }
    }
    let count = |s: Status| due.items().filter(|(_, i)| i.status == s).count();
    let _ = writeln!(
        out,
        "\n{} overdue, {} due, {} ok  († tier set by hand, ° default tier: no rule held)",
        count(Status::Overdue),
        count(Status::Due),
        count(Status::Ok)
    );
    out
}

/// The stable UID of an item's event: the same vendor and kind always give
/// the same UID, so re-importing the calendar updates the event (RFC 5545
/// section 3.8.4.7) instead of adding a second one.
pub fn uid(vendor: &DueVendor, item: &DueItem) -> String {
    format!("{}.{}@vendorscore", vendor.id, item.kind.as_str())
}

/// `due --format ics`: an RFC 5545 calendar, one all-day event per item.
/// `stamp` (the run's time) is every event's DTSTAMP.
pub fn ics(due: &Due, as_of: Date, stamp: jiff::civil::DateTime) -> String {
    use icalendar::{Calendar, Component, Event, Property};
    let ical_date = |d: Date| format!("{:04}{:02}{:02}", d.year(), d.month(), d.day());
    let stamp = stamp.strftime("%Y%m%dT%H%M%SZ").to_string();
    let mut calendar = Calendar::new();
    calendar.properties = vec![
        Property::new("VERSION", "2.0"),
        Property::new("PRODID", concat!("-//vendorscore//due ", env!("CARGO_PKG_VERSION"), "//EN")),
        Property::new("CALSCALE", "GREGORIAN"),
        Property::new("X-WR-CALNAME", "vendorscore due dates"),
    ];
    for (vendor, item) in due.items() {
        let next_day = item.date.add_days(1).unwrap_or(item.date);
        let event = Event::new()
            .uid(&uid(vendor, item))
            .add_property("DTSTAMP", &stamp)
            .append_property(Property::new("DTSTART", ical_date(item.date)).add_parameter("VALUE", "DATE").done())
            .append_property(Property::new("DTEND", ical_date(next_day)).add_parameter("VALUE", "DATE").done())
            .summary(&format!("{}: {}", vendor.name, item.kind.title()))
            .description(&format!(
                "{} as of {as_of}. Tier {} ({}). From {}.",
                item.status.as_str(),
                vendor.tier,
                vendor.tier_source.as_str(),
                item.source
            ))
            .add_property("CATEGORIES", item.kind.as_str())
            .done();
        calendar.push(event);
    }
    calendar.to_string()
}
