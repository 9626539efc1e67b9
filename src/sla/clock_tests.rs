//! SPEC section 11 end to end: business clocks, `boundary`, and periods in
//! the contract's time zone, from contract text and CSV rows to results
//! (values worked by hand in the comments).

use super::reader::{ReadOptions, read_slice};
use super::{Report, Terms, evaluate};
use crate::model::{ContractFile, Date};

const HEADER: &str = "ticket_id,channel,created_at,first_response_at,resolved_at\n";

fn report(contract: &str, rows: &str) -> Report {
    let contract: ContractFile = toml::from_str(contract).unwrap();
    let terms = Terms::from_contract(&contract).unwrap();
    let data = read_slice(format!("{HEADER}{rows}").as_bytes(), &terms.rules(), &ReadOptions::default()).unwrap();
    evaluate(&terms, &data.tallies, data.rows, Date::parse("2026-12-31").unwrap()).unwrap()
}

fn contract(head: &str, clause: &str) -> String {
    format!(
        "[contract]\nvendor = \"acme\"\n{head}\n[[sla]]\nid = \"email\"\nmetric = \"first_response\"\n\
         channel = \"email\"\nattainment = 50\n{clause}\n"
    )
}

/// (period, in scope, met, p50) of every result.
fn results(report: &Report) -> Vec<(String, u64, u64, Option<u64>)> {
    report.results.iter().map(|r| (r.period.to_string(), r.in_scope, r.met, r.p50)).collect()
}

#[test]
fn exactly_the_target_is_met_with_le_and_missed_with_lt() {
    let rows = "T1,email,2026-03-02T10:00:00Z,2026-03-02T10:01:00Z,\n";
    for (boundary, met) in [("", 1), ("boundary = \"le\"", 1), ("boundary = \"lt\"", 0)] {
        let r = report(&contract("", &format!("target = \"60s\"\nperiod = \"month\"\n{boundary}")), rows);
        assert_eq!(results(&r), [("2026-03".to_owned(), 1, met, Some(60))], "{boundary}");
    }
}

#[test]
fn half_past_midnight_on_the_first_belongs_to_the_new_month_in_the_contracts_zone() {
    // 2026-03-01 00:30 in Berlin (CET) is 2026-02-28 23:30 UTC.
    let rows = "T1,email,2026-03-01T00:30:00+01:00,2026-03-01T00:30:30+01:00,\n";
    let clause = "target = \"60s\"\nperiod = \"month\"";
    let berlin = report(&contract("timezone = \"Europe/Berlin\"", clause), rows);
    assert_eq!(results(&berlin), [("2026-03".to_owned(), 1, 1, Some(30))]);
    let utc = report(&contract("", clause), rows);
    assert_eq!(results(&utc), [("2026-02".to_owned(), 1, 1, Some(30))]);
    // Monday 2026-03-02 00:30 in Berlin is Sunday 23:30 UTC: ISO week 10 in Berlin, 9 in UTC.
    let rows = "T1,email,2026-03-01T23:30:00Z,2026-03-01T23:30:30Z,\n";
    let weekly = "target = \"60s\"\nperiod = \"week\"";
    assert_eq!(results(&report(&contract("timezone = \"Europe/Berlin\"", weekly), rows))[0].0, "2026-W10");
    assert_eq!(results(&report(&contract("", weekly), rows))[0].0, "2026-W09");
    // Summer time (CEST, +02:00): 2026-07-01 00:30 local is 2026-06-30 22:30 UTC.
    let rows = "T1,email,2026-06-30T22:30:00Z,2026-06-30T22:30:30Z,\n";
    assert_eq!(results(&report(&contract("timezone = \"Europe/Berlin\"", clause), rows))[0].0, "2026-07");
}

const CALENDAR: &str = r#"
[[calendar]]
id = "eu-support"
timezone = "Europe/Berlin"
hours = { mon = ["08:00-18:00"], tue = ["08:00-18:00"], wed = ["08:00-18:00"], thu = ["08:00-18:00"], fri = ["08:00-18:00"] }
holidays = [2026-04-06]
"#;

#[test]
fn a_business_clock_counts_open_hours_only() {
    let clause = "target = \"4h\"\nperiod = \"month\"\nclock = \"business\"\ncalendar = \"eu-support\"";
    let rows = "\
        T1,email,2026-03-13T17:00:00+01:00,2026-03-16T11:00:00+01:00,\n\
        T2,email,2026-03-14T10:00:00+01:00,2026-03-16T12:30:00+01:00,\n\
        T3,email,2026-04-03T16:00:00+02:00,2026-04-07T10:00:00+02:00,\n";
    // T1: Friday 17:00-18:00 and Monday 08:00-11:00 = 4 h: met (le).
    // T2: created on a Saturday, so its clock starts Monday 08:00: 4 h 30 min, missed.
    // T3: Friday 16:00-18:00, Easter Monday a holiday, Tuesday 08:00-10:00 = 4 h: met.
    let r = report(&format!("{}{CALENDAR}", contract("", clause)), rows);
    assert_eq!(results(&r), [("2026-03".to_owned(), 2, 1, Some(14_400)), ("2026-04".to_owned(), 1, 1, Some(14_400))]);
    // The same tickets on the wall clock: 66 h, 50.5 h and 90 h, none within 4 h.
    let wall = report(&contract("", "target = \"4h\"\nperiod = \"month\""), rows);
    assert_eq!(
        results(&wall),
        [("2026-03".to_owned(), 2, 0, Some(181_800)), ("2026-04".to_owned(), 1, 0, Some(324_000))]
    );
}
