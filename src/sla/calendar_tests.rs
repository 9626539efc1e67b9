//! Business time against published and hand-worked values.

use super::*;

fn calendar(text: &str) -> Calendar {
    #[derive(serde::Deserialize)]
    struct File {
        calendar: Vec<CalendarDef>,
    }
    let file: File = toml::from_str(text).unwrap();
    Calendar::new(&file.calendar[0]).unwrap()
}

/// Unix seconds of an RFC 3339 instant.
fn at(text: &str) -> i64 {
    text.parse::<jiff::Timestamp>().unwrap().as_second()
}

/// The schedule of the README of Zendesk's `biz` gem (Apache-2.0), whose
/// timelines the README prints segment by segment.
const BIZ_README: &str = r#"
[[calendar]]
id = "biz"
timezone = "America/Los_Angeles"
hours = { mon = ["09:00-17:00"], tue = ["00:00-24:00"], wed = ["09:00-17:00"],
          thu = ["09:00-12:00", "13:00-17:00"], sat = ["10:00-14:00"] }
"#;

#[test]
fn a_whole_winter_week_as_the_biz_readme_prints_it() {
    // biz README: periods.after(2015-01-10 10:00 UTC).timeline.until(2015-01-17 10:00 UTC)
    // lists segments of 4 h, 8 h, 24 h, 8 h, 3 h and 4 h: 51 h in all.
    let biz = calendar(BIZ_README);
    assert_eq!(biz.business_seconds(at("2015-01-10T10:00:00Z"), at("2015-01-17T10:00:00Z")), 51 * 3600);
    // The first segment starts at the opening (18:00 UTC = 10:00 PST): before it nothing counts.
    assert_eq!(biz.business_seconds(at("2015-01-10T10:00:00Z"), at("2015-01-10T18:00:00Z")), 0);
    assert_eq!(biz.business_seconds(at("2015-01-10T10:00:00Z"), at("2015-01-10T18:00:01Z")), 1);
}

#[test]
fn summer_time_as_the_biz_readme_prints_it() {
    // biz README: periods.before(2015-05-05 12:34:57 UTC).timeline.for(3_598 minutes)
    // ends its last segment at 2015-04-27 20:36:57 UTC (PDT, UTC-7).
    let biz = calendar(BIZ_README);
    assert_eq!(biz.business_seconds(at("2015-04-27T20:36:57Z"), at("2015-05-05T12:34:57Z")), 3_598 * 60);
    // Its first segment: Tuesday from local midnight (07:00 UTC) to 12:34:57 UTC.
    assert_eq!(biz.business_seconds(at("2015-05-05T00:00:00Z"), at("2015-05-05T12:34:57Z")), 5 * 3600 + 34 * 60 + 57);
}

const BERLIN: &str = r#"
[[calendar]]
id = "eu-support"
timezone = "Europe/Berlin"
hours = { mon = ["08:00-18:00"], tue = ["08:00-18:00"], wed = ["08:00-18:00"],
          thu = ["08:00-18:00"], fri = ["08:00-18:00"], sat = ["09:00-13:00"], sun = ["02:00-03:00"] }
holidays = [2026-12-25, 2026-12-26, { from = 2026-12-31, to = 2027-01-01 }]
exceptions = [{ date = 2026-11-27, hours = ["06:00-22:00"] }, { date = 2026-12-26, hours = ["10:00-11:00"] }]
"#;

// Hand-worked (SPEC 11's example calendar, with a Sunday 02:00-03:00 slot to
// meet both DST changes of 2026: 29 March and 25 October).

#[test]
fn berlin_winter_and_summer_offsets() {
    let eu = calendar(BERLIN);
    // Winter (CET, +01:00): Mon 2026-01-12 07:00Z-17:00Z is 08:00-18:00 local.
    assert_eq!(eu.business_seconds(at("2026-01-12T06:00:00Z"), at("2026-01-12T18:00:00Z")), 10 * 3600);
    assert_eq!(eu.business_seconds(at("2026-01-12T16:30:00Z"), at("2026-01-12T17:30:00Z")), 1800);
    // Summer (CEST, +02:00): the same local hours are 06:00Z-16:00Z.
    assert_eq!(eu.business_seconds(at("2026-07-13T05:00:00Z"), at("2026-07-13T07:00:00Z")), 3600);
    assert_eq!(eu.business_seconds(at("2026-07-13T15:30:00Z"), at("2026-07-13T17:00:00Z")), 1800);
}

#[test]
fn outside_hours_the_clock_starts_at_the_next_opening() {
    let eu = calendar(BERLIN);
    // Friday 2026-01-16 19:00 local to Monday 09:30 local: Saturday 09-13 (4 h),
    // Sunday 02-03 (1 h), Monday 08:00-09:30 (1.5 h).
    assert_eq!(eu.business_seconds(at("2026-01-16T19:00:00+01:00"), at("2026-01-19T09:30:00+01:00")), 23_400);
    // Answered before the opening: no business time at all.
    assert_eq!(eu.business_seconds(at("2026-01-19T06:00:00+01:00"), at("2026-01-19T07:59:59+01:00")), 0);
}

#[test]
fn holidays_ranges_and_exceptions() {
    let eu = calendar(BERLIN);
    // Friday 2026-12-25 is a holiday: nothing counts.
    assert_eq!(eu.business_seconds(at("2026-12-25T00:00:00+01:00"), at("2026-12-26T00:00:00+01:00")), 0);
    // Saturday 2026-12-26 is a holiday with an exception: the exception wins (1 h).
    assert_eq!(eu.business_seconds(at("2026-12-26T00:00:00+01:00"), at("2026-12-27T00:00:00+01:00")), 3600);
    // 2026-12-31 to 2027-01-01 (a range), then Saturday 2027-01-02 09-13.
    assert_eq!(eu.business_seconds(at("2026-12-31T00:00:00+01:00"), at("2027-01-03T00:00:00+01:00")), 4 * 3600);
    // Friday 2026-11-27: 06:00-22:00 instead of 08:00-18:00.
    assert_eq!(eu.business_seconds(at("2026-11-27T00:00:00+01:00"), at("2026-11-28T00:00:00+01:00")), 16 * 3600);
}

#[test]
fn an_interval_vanishes_at_spring_forward_and_keeps_its_first_hour_in_autumn() {
    let eu = calendar(BERLIN);
    // Sunday 2026-03-29: 02:00-03:00 does not exist (02:00 moves to 03:00): empty, dropped.
    assert_eq!(eu.business_seconds(at("2026-03-28T23:00:00Z"), at("2026-03-29T23:00:00Z")), 0);
    // Sunday 2026-10-25: 02:00 local happens twice (00:00Z in CEST, 01:00Z in
    // CET); the start takes the first, 03:00 exists once (02:00Z): two hours open.
    assert_eq!(eu.business_seconds(at("2026-10-24T22:00:00Z"), at("2026-10-25T23:00:00Z")), 2 * 3600);
}

#[test]
fn fast_and_day_by_day_sums_agree() {
    let eu = calendar(BERLIN);
    for (from, to) in
        [("2026-01-16T19:00:00+01:00", "2026-01-19T09:30:00+01:00"), ("2026-10-20T00:00:00Z", "2026-11-30T00:00:00Z")]
    {
        let (from, to) = (at(from), at(to));
        assert_eq!(eu.business_seconds(from, to), eu.slow(from, to));
    }
    // Outside the laid-out years the slow path alone answers: Saturday 2199-06-01 (09-13 local).
    assert_eq!(eu.business_seconds(at("2199-06-01T00:00:00Z"), at("2199-06-02T00:00:00Z")), 4 * 3600);
}

#[test]
fn intervals_are_read_strictly() {
    assert_eq!(parse_interval("08:00-18:00"), Ok((28_800, 64_800)));
    assert_eq!(parse_interval("00:00-24:00"), Ok((0, 86_400)));
    assert_eq!(parse_interval("8:00-18:00"), Err(IntervalError::Shape));
    assert_eq!(parse_interval("08:00"), Err(IntervalError::Shape));
    assert_eq!(parse_interval("08:60-18:00"), Err(IntervalError::Range));
    assert_eq!(parse_interval("24:00-24:00"), Err(IntervalError::Range));
    assert_eq!(parse_interval("18:00-08:00"), Err(IntervalError::Empty));
    assert_eq!(first_overlap(&[(0, 10), (20, 30), (5, 15)]), Some((0, 2)));
    assert_eq!(first_overlap(&[(0, 10), (10, 20)]), None, "touching is not overlapping");
}
