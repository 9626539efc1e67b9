//! SPEC section 12 against published worked examples and hand-worked cases.

use super::*;
use crate::model::ContractFile;
use crate::sla::reader::{ReadOptions, read_slice};

const VOICE: &str = "ticket_id,channel,created_at,first_response_at,resolved_at,abandoned_at\n";

fn terms(text: &str) -> Terms {
    let contract: ContractFile = toml::from_str(&format!("[contract]\nvendor = \"acme\"\n{text}")).unwrap();
    Terms::from_contract(&contract).unwrap()
}

fn report(terms: &Terms, rows: &str, as_of: &str) -> Report {
    let data = read_slice(format!("{VOICE}{rows}").as_bytes(), &terms.rules(), &ReadOptions::default()).unwrap();
    evaluate(terms, &data.tallies, data.rows, Date::parse(as_of).unwrap()).unwrap()
}

/// `n` contacts created on `day` (`2026-03-02`) at 10:00, answered after
/// `answer` seconds or abandoned after `abandon` seconds.
fn calls(n: usize, day: &str, answer: Option<u32>, abandon: Option<u32>) -> String {
    let at = |s: u32| format!("{day}T10:{:02}:{:02}Z", s / 60, s % 60);
    let line =
        format!("T,voice,{},{},,{}\n", at(0), answer.map(at).unwrap_or_default(), abandon.map(at).unwrap_or_default());
    line.repeat(n)
}

fn voice(abandons: &str, extra: &str) -> Terms {
    terms(&format!(
        "monthly_fee = 100000\n[[sla]]\nid = \"voice\"\nmetric = \"first_response\"\nchannel = \"voice\"\n\
         target = \"20s\"\nattainment = 80\nperiod = \"month\"\nabandons = \"{abandons}\"\n{extra}"
    ))
}

/// Call Centre Helper, "Service Level Threshold Calculations"
/// (callcentrehelper.com/service-level-threshold-calculations-206890.htm), after
/// ICMI: 1,000 answered (860 within 20 s), 60 abandoned (20 within 20 s, 10 of
/// them within 5 s; 40 after 20 s).
fn icmi_example() -> String {
    [
        calls(860, "2026-03-02", Some(10), None),
        calls(140, "2026-03-02", Some(45), None),
        calls(10, "2026-03-02", None, Some(3)),
        calls(10, "2026-03-02", None, Some(12)),
        calls(40, "2026-03-02", None, Some(50)),
    ]
    .concat()
}

fn one(r: &Report) -> &ClauseResult {
    assert_eq!(r.results.len(), 1, "{:?}", r.results);
    &r.results[0]
}

#[test]
fn the_icmi_five_formula_example_in_each_mode() {
    let rows = icmi_example();
    // (mode, in scope, met, attainment): formula 1 (860 + 20) / (1000 + 60) = 83 %,
    // formula 2 860 / 1000 = 86 %, formula 3 860 / (1000 + 60) = 81 %, formula 4 860 / (1000 + 40) = 83 %.
    for (mode, in_scope, met, attainment) in [
        ("met_within_target", 1060, 880, "83.02"),
        ("exclude", 1000, 860, "86"),
        ("miss", 1060, 860, "81.13"),
        ("exclude_within_target", 1040, 860, "82.69"),
    ] {
        let r = report(&voice(mode, ""), &rows, "2026-11-21");
        let got = one(&r);
        assert_eq!((got.in_scope, got.met, got.attainment.to_string().as_str()), (in_scope, met, attainment), "{mode}");
        assert_eq!((got.answered, got.abandoned, got.short_abandoned), (1000, 60, 0));
    }
}

#[test]
fn short_abandons_leave_the_scope_entirely() {
    // The 10 calls abandoned within 5 s are not offered calls (Cisco's abandon wait
    // time): formula 3 without them is 860 / (1000 + 50) = 81.90 %.
    let r = report(&voice("miss", "short_abandon = \"5s\""), &icmi_example(), "2026-11-21");
    let got = one(&r);
    assert_eq!((got.in_scope, got.met, got.attainment.to_string().as_str()), (1050, 860, "81.9"));
    assert_eq!((got.abandoned, got.short_abandoned), (50, 10));
    // Formula 1 without them: (860 + 10) / 1050 = 82.86 %.
    let r = report(&voice("met_within_target", "short_abandon = \"5s\""), &icmi_example(), "2026-11-21");
    assert_eq!(one(&r).attainment.to_string(), "82.86");
}

#[test]
fn cisco_service_level_types() {
    // Cisco ICM/UCCE reporting guide, "Service Level Type": 70 answered within the
    // threshold, 10 abandoned within it, 20 that exceeded it, 100 service-level events.
    let rows = [
        calls(70, "2026-03-02", Some(10), None),
        calls(10, "2026-03-02", None, Some(10)),
        calls(20, "2026-03-02", Some(60), None),
    ]
    .concat();
    // Ignore abandoned 70 / (100 − 10) = 77.78 %; negative impact 70 / 100; positive impact (70 + 10) / 100.
    for (mode, attainment) in [("exclude_within_target", "77.78"), ("miss", "70"), ("met_within_target", "80")] {
        assert_eq!(one(&report(&voice(mode, ""), &rows, "2026-11-21")).attainment.to_string(), attainment, "{mode}");
    }
}

#[test]
fn abandon_rate_and_average_speed_of_answer() {
    let t = terms(
        "[[sla]]\nid = \"abandons\"\nmetric = \"abandon_rate\"\nchannel = \"voice\"\ntarget = 5\nattainment = 0\n\
         period = \"month\"\n[[sla]]\nid = \"asa\"\nmetric = \"asa\"\nchannel = \"voice\"\ntarget = \"30s\"\n\
         attainment = 0\nperiod = \"month\"\n",
    );
    let r = report(&t, &icmi_example(), "2026-11-21");
    let (rate, asa) = (&r.results[0], &r.results[1]);
    // 60 / (1000 + 60) = 5.66 % abandoned > 5 %: 94.34 % not abandoned < 95 % required.
    assert_eq!(
        (rate.in_scope, rate.met, rate.attainment.to_string(), rate.required.to_string()),
        (1060, 1000, "94.34".into(), "95".into())
    );
    assert!(rate.breached);
    // (860 × 10 + 140 × 45) / 1000 = 14.9 s ≤ 30 s.
    assert_eq!((asa.in_scope, asa.attainment.to_string(), asa.breached), (1000, "14.9".into(), false));
}

#[test]
fn the_texas_dir_allocation_example() {
    // Texas DIR Data Center Services, Service Level Credit example (via lawinsider.com,
    // "Pool Percentage"): invoice 100,000, at-risk 10 %, category allocation of the pool
    // 50 % × the service level's allocation 40 % = 20 % of the amount at risk: 2,000.
    let t = voice(
        "miss",
        "credit = { model = \"allocation\", pct = 20 }\n[service_credits]\nat_risk_pct = 10\npool_pct = 100\n",
    );
    let r = report(&t, &month("2026-03-02", 50), "2026-11-21");
    assert_eq!((one(&r).credit.to_string(), r.credits[0].total.to_string()), ("2000.00".into(), "2000.00".into()));
}

#[test]
fn the_uk_ccs_shortfall_example() {
    // CCS Call-Off Schedule 6 (via lawinsider.com, "Service Level Performance Measure"):
    // "98% … − 75% (actual performance achieved) = 23%" of the charges.
    let t = terms(
        "monthly_fee = 100000\n[[sla]]\nid = \"billing\"\nmetric = \"first_response\"\nchannel = \"voice\"\n\
         target = \"20s\"\nattainment = 98\nperiod = \"month\"\ncredit = { model = \"shortfall\", per_point_pct = 1 }\n",
    );
    let rows = [calls(75, "2026-03-02", Some(5), None), calls(25, "2026-03-02", Some(60), None)].concat();
    let r = report(&t, &rows, "2026-11-21");
    assert_eq!(one(&r).credit.to_string(), "23000.00");
}

#[test]
fn caps_apply_per_period_then_per_contract_year() {
    // Fee 10,000; 30 % per breach = 3,000, capped at 20 % = 2,000 per period; the
    // contract year (from 1 Nov) is capped at 5 % of 12 × 10,000 = 6,000.
    let t = terms(
        "monthly_fee = 10000\nstart = 2026-11-01\n[[sla]]\nid = \"voice\"\nmetric = \"first_response\"\n\
         channel = \"voice\"\ntarget = \"20s\"\nattainment = 80\nperiod = \"month\"\ncredit_pct = 30\n\
         [service_credits]\ncap_pct = 20\nannual_cap_pct = 5\n",
    );
    let rows: String = ["2026-11-02", "2026-12-02", "2027-01-04", "2027-02-01", "2027-11-02"]
        .iter()
        .map(|day| calls(1, day, None, None))
        .collect();
    let r = report(&t, &rows, "2028-01-01");
    let got: Vec<(String, String, String, bool, bool)> = r
        .credits
        .iter()
        .map(|c| (c.period.to_string(), c.gross.to_string(), c.total.to_string(), c.capped, c.annual_capped))
        .collect();
    let row = |p: &str, total: &str, annual: bool| (p.to_owned(), "3000.00".to_owned(), total.to_owned(), true, annual);
    assert_eq!(
        got,
        [
            row("2026-11", "2000.00", false),
            row("2026-12", "2000.00", false),
            row("2027-01", "2000.00", false),
            row("2027-02", "0.00", true),
            row("2027-11", "2000.00", false),
        ]
    );
    assert_eq!(r.total_credit().to_string(), "8000.00");
}

/// A month of 100 voice calls, `met` of them answered within 20 s.
fn month(day: &str, met: usize) -> String {
    [calls(met, day, Some(5), None), calls(100 - met, day, Some(60), None)].concat()
}

#[test]
fn earn_back_decided_not_earned_back_and_pending() {
    let t = voice("miss", "credit_pct = 5\nearn_back = { periods = 2, attainment = 95 }\n");
    let mut t = t;
    t.clauses[0].attainment = Decimal::from_int(90);
    let march = |april: usize, may: usize| {
        [month("2026-03-02", 80), month("2026-04-01", april), month("2026-05-04", may)].concat()
    };
    // 96 % and 97 % after the breach: earned back once May is over.
    let r = report(&t, &march(96, 97), "2026-06-01");
    assert_eq!(
        (r.results[0].credit.to_string(), r.results[0].earned_back, r.results[0].net),
        ("5000.00".into(), Some(true), Money::ZERO)
    );
    let c = &r.credits[0];
    assert_eq!(
        (c.gross.to_string(), c.earned_back.to_string(), c.total.to_string()),
        ("5000.00".into(), "5000.00".into(), "0.00".into())
    );
    // May at 93 %: not earned back.
    let r = report(&t, &march(96, 93), "2026-06-01");
    assert_eq!((r.results[0].earned_back, r.results[0].net.to_string()), (Some(false), "5000.00".into()));
    // Seen on 31 May, May is not over: pending, and owed meanwhile.
    let r = report(&t, &march(96, 97), "2026-05-31");
    assert_eq!((r.results[0].earned_back, r.credits[0].total.to_string()), (None, "5000.00".into()));
    assert!(r.results[0].earn_back);
    // April at 93 % decides it before May ends.
    let r = report(&t, &march(93, 97), "2026-05-31");
    assert_eq!(r.results[0].earned_back, Some(false));
}

#[test]
fn exclusion_windows_take_contacts_out_of_scope() {
    let t = voice(
        "miss",
        "credit_pct = 5\n[[exclusion]]\nfrom = 2026-03-02T09:00:00Z\nto = 2026-03-02T11:00:00Z\n\
         reason = \"client outage\"\nchannels = [\"voice\"]\n",
    );
    // 10 late calls inside the window, 10 good ones the next day.
    let rows = [calls(10, "2026-03-02", Some(60), None), calls(10, "2026-03-03", Some(5), None)].concat();
    let got = one(&report(&t, &rows, "2026-11-21")).clone();
    assert_eq!((got.in_scope, got.met, got.excluded, got.breached), (10, 10, 10, false));
    // The window is half-open: a call created at `to` stays in scope.
    let at_end = "T,voice,2026-03-02T11:00:00Z,2026-03-02T11:01:00Z,,\n";
    assert_eq!(one(&report(&t, at_end, "2026-11-21")).excluded, 0);
}

#[test]
fn forecast_volume_waives_a_breach() {
    let t = voice(
        "miss",
        "credit_pct = 5\nvolume_tolerance_pct = 10\nexcusal = \"waive\"\n\
         [[forecast]]\nperiod = \"2026-03\"\nchannel = \"voice\"\nvolume = 10\n",
    );
    // 12 calls > 10 × 1.1 = 11: the breach is excused; 11 calls are not over.
    let over = one(&report(&t, &calls(12, "2026-03-02", None, None), "2026-11-21")).clone();
    assert_eq!(
        (over.status, over.breached, over.credit, over.forecast),
        (Status::Excused, true, Money::ZERO, Some(10))
    );
    let within = one(&report(&t, &calls(11, "2026-03-02", None, None), "2026-11-21")).clone();
    assert_eq!((within.status, within.credit.to_string()), (Status::Breached, "5000.00".into()));
    // No forecast for April: no excusal.
    let april = one(&report(&t, &calls(50, "2026-04-01", None, None), "2026-11-21")).clone();
    assert_eq!(april.status, Status::Breached);
}

/// Rows for the forecast cap: by created_at 1 + 5 + 5 contacts come before
/// 10:00:02, so a cap of 12 admits one of the four created then, the first
/// in file order (a late answer), even though the earliest call is the last row.
fn cap_rows() -> String {
    let row =
        |created: &str, answer: &str, abandon: &str| format!("T,voice,2026-03-02T{created}Z,{answer},,{abandon}\n");
    let answered = |created: &str, after: &str| row(created, &format!("2026-03-02T{after}Z"), "");
    [
        // A short abandon: out of scope, and not one of the forecast's contacts.
        row("09:00:00", "", "2026-03-02T09:00:02Z"),
        answered("10:00:00", "10:00:10").repeat(5),
        row("10:00:01", "", "2026-03-02T10:01:01Z").repeat(5),
        answered("10:00:02", "10:05:00"),
        answered("10:00:02", "10:00:05").repeat(3),
        answered("10:00:30", "10:00:31").repeat(2),
        answered("09:59:59", "10:05:00"),
    ]
    .concat()
}

#[test]
fn forecast_cap_keeps_the_first_contacts_by_creation_then_file_order() {
    let t = voice(
        "miss",
        "credit_pct = 5\nshort_abandon = \"5s\"\nvolume_tolerance_pct = 20\nexcusal = \"cap\"\n\
         [[forecast]]\nperiod = \"2026-03\"\nchannel = \"voice\"\nvolume = 10\n",
    );
    // floor(10 × 1.2) = 12 in scope: 09:59:59 (late), 5 × 10:00:00 (met), 5 ×
    // 10:00:01 (abandoned: misses), the first 10:00:02 row (late). Over
    // forecast: the other three 10:00:02 rows and both 10:00:30 ones = 5.
    // Met 5 / 12 = 41.67 % < 80 %: breached, not excused.
    let got = one(&report(&t, &cap_rows(), "2026-11-21")).clone();
    assert_eq!((got.in_scope, got.met, got.over_forecast, got.short_abandoned), (12, 5, 5, 1));
    assert_eq!((got.answered, got.abandoned), (7, 5));
    assert_eq!(got.attainment, Decimal::new(4167, 2));
    assert_eq!((got.status, got.credit.to_string(), got.forecast), (Status::Breached, "5000.00".into(), Some(10)));
    // Under the cap nothing is left out; no forecast for April: no cap.
    let few = one(&report(&t, &calls(12, "2026-03-02", Some(5), None), "2026-11-21")).clone();
    assert_eq!((few.in_scope, few.over_forecast), (12, 0));
    let april = one(&report(&t, &calls(50, "2026-04-01", Some(5), None), "2026-11-21")).clone();
    assert_eq!((april.in_scope, april.over_forecast), (50, 0));
}

#[test]
fn forecast_cap_is_the_same_read_in_parallel_parts() {
    let t = voice(
        "miss",
        "credit_pct = 5\nvolume_tolerance_pct = 0\nexcusal = \"cap\"\n\
         [[forecast]]\nperiod = \"2026-03\"\nchannel = \"voice\"\nvolume = 700\n",
    );
    // 1,000 calls all created in one second, answered within target only
    // from row 650 on: the cap admits the first 700 rows, 50 of them met.
    let rows: String = (0..1000)
        .map(|i| format!("T,voice,2026-03-02T10:00:00Z,2026-03-02T10:00:{:02}Z,,\n", if i < 650 { 59 } else { 1 }))
        .collect();
    let bytes = format!("{VOICE}{rows}");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tickets.csv");
    std::fs::write(&path, &bytes).unwrap();
    for threads in [1, 2, 3, 7] {
        let options = ReadOptions { threads, min_part_bytes: 997, ..ReadOptions::default() };
        let data = crate::sla::read_file(&path, &t.rules(), &options).unwrap();
        let report = evaluate(&t, &data.tallies, data.rows, Date::parse("2026-11-21").unwrap()).unwrap();
        let got = one(&report);
        assert_eq!((got.in_scope, got.met, got.over_forecast), (700, 50, 300), "{threads} threads");
    }
}

#[test]
fn small_samples_are_not_measured() {
    let t = voice("miss", "credit_pct = 5\nmin_volume = 30\n");
    let small = one(&report(&t, &calls(29, "2026-03-02", None, None), "2026-11-21")).clone();
    assert_eq!((small.status, small.breached, small.credit), (Status::NotMeasured, false, Money::ZERO));
    assert_eq!(one(&report(&t, &calls(30, "2026-03-02", None, None), "2026-11-21")).status, Status::Breached);
}

#[test]
fn chronic_failure_from_the_period_it_triggers() {
    let t = voice("miss", "credit_pct = 5\nchronic = { breaches = 2, periods = 3 }\n");
    // Breach, met, breach (2 in the last 3: chronic from May), met (still chronic).
    let rows =
        [month("2026-03-02", 50), month("2026-04-01", 90), month("2026-05-04", 50), month("2026-06-01", 90)].concat();
    let got: Vec<bool> = report(&t, &rows, "2026-11-21").results.iter().map(|r| r.chronic).collect();
    assert_eq!(got, [false, false, true, true]);
    // Breaches four periods apart never make 2 within 3.
    let rows = [month("2026-03-02", 50), month("2026-06-01", 50)].concat();
    assert!(report(&t, &rows, "2026-11-21").results.iter().all(|r| !r.chronic));
}

#[test]
fn key_measurements_are_never_credited_and_a_minimum_bounds_credit() {
    let key = voice("miss", "credit_pct = 5\nkind = \"key\"\n");
    let got = one(&report(&key, &month("2026-03-02", 50), "2026-11-21")).clone();
    assert_eq!((got.status, got.breached, got.credit), (Status::Breached, true, Money::ZERO));
    let minimum = voice("miss", "credit_pct = 5\nminimum = 70\n");
    let below = one(&report(&minimum, &month("2026-03-02", 75), "2026-11-21")).clone();
    assert_eq!((below.status, below.breached, below.credit), (Status::BelowTarget, true, Money::ZERO));
    let under = one(&report(&minimum, &month("2026-03-02", 69), "2026-11-21")).clone();
    assert_eq!((under.status, under.credit.to_string()), (Status::Breached, "5000.00".into()));
}

#[test]
fn abandoned_at_is_checked_and_required_when_a_clause_depends_on_it() {
    let t = voice("exclude", "");
    // Abandoned before it was created: rejected, with the column named.
    let rows =
        "T,voice,2026-03-02T10:00:00Z,,,2026-03-02T09:59:00Z\nT,voice,2026-03-02T10:00:00Z,2026-03-02T10:00:05Z,,\n";
    let r = report(&t, rows, "2026-11-21");
    assert_eq!((r.rows.rejected, r.rows.first_rejected[0].line), (1, 2));
    assert!(r.rows.first_rejected[0].reason.starts_with("abandoned_at `2026-03-02T09:59:00Z` is before created_at"));
    // A clause that says how abandons count needs the column; a plain one reads the export without it.
    let plain = "ticket_id,channel,created_at,first_response_at,resolved_at\nT,voice,2026-03-02T10:00:00Z,,\n";
    let err = read_slice(plain.as_bytes(), &t.rules(), &ReadOptions::default()).unwrap_err();
    assert!(err.to_string().starts_with("no column `abandoned_at`"), "{err}");
    let default = terms(
        "[[sla]]\nid = \"v\"\nmetric = \"first_response\"\nchannel = \"voice\"\ntarget = \"20s\"\nattainment = 80\nperiod = \"month\"\n",
    );
    assert!(read_slice(plain.as_bytes(), &default.rules(), &ReadOptions::default()).is_ok());
}

#[test]
fn forecast_cap_counts_from_the_local_start_of_the_period() {
    // In Berlin, March starts at 2026-02-28 23:00 UTC.
    let capped = |volume: u32| {
        terms(&format!(
            "timezone = \"Europe/Berlin\"\nmonthly_fee = 100000\n[[sla]]\nid = \"voice\"\nmetric = \"first_response\"\n\
             channel = \"voice\"\ntarget = \"20s\"\nattainment = 80\nperiod = \"month\"\ncredit_pct = 5\n\
             volume_tolerance_pct = 0\nexcusal = \"cap\"\n[[forecast]]\nperiod = \"2026-03\"\nchannel = \"voice\"\n\
             volume = {volume}\n"
        ))
    };
    let rows = "\
        T,voice,2026-02-28T23:30:00Z,2026-02-28T23:30:05Z,,\n\
        T,voice,2026-02-28T23:40:00Z,2026-02-28T23:40:05Z,,\n\
        T,voice,2026-02-28T23:50:00Z,2026-02-28T23:55:00Z,,\n\
        T,voice,2026-03-02T10:00:00Z,2026-03-02T10:00:05Z,,\n\
        T,voice,2026-03-02T10:00:00Z,2026-03-02T10:00:05Z,,\n";
    // A cap of 2 admits the calls of 00:30 and 00:40 local on 1 March (both answered
    // in time); the 00:50 one (late) and the two of 2 March are over forecast: 2 of 2.
    let got = one(&report(&capped(2), rows, "2026-11-21")).clone();
    assert_eq!(got.period.to_string(), "2026-03");
    assert_eq!((got.in_scope, got.met, got.over_forecast, got.status), (2, 2, 3, Status::Met));
    // A cap of 3 ends at the late 00:50 call: met 2 of 3 (66.67 %), breached.
    let got = one(&report(&capped(3), rows, "2026-11-21")).clone();
    assert_eq!((got.in_scope, got.met, got.over_forecast, got.status), (3, 2, 2, Status::Breached));
}

#[test]
fn abandons_within_target_follow_the_boundary() {
    // A call abandoned exactly at the 20 s target: within it with `le`, after it with `lt`.
    let rows = [calls(1, "2026-03-02", Some(5), None), calls(1, "2026-03-02", None, Some(20))].concat();
    let le = one(&report(&voice("met_within_target", ""), &rows, "2026-11-21")).clone();
    assert_eq!((le.in_scope, le.met), (2, 2));
    let lt = one(&report(&voice("met_within_target", "boundary = \"lt\""), &rows, "2026-11-21")).clone();
    assert_eq!((lt.in_scope, lt.met), (2, 1));
    let lt = one(&report(&voice("exclude_within_target", "boundary = \"lt\""), &rows, "2026-11-21")).clone();
    assert_eq!((lt.in_scope, lt.met), (2, 1), "abandoned at the target is not within it");
}

/// A voice clause capped at `volume` contacts in March (no tolerance).
fn capped_voice(volume: u64) -> Terms {
    voice(
        "miss",
        &format!(
            "credit_pct = 5\nvolume_tolerance_pct = 0\nexcusal = \"cap\"\n\
             [[forecast]]\nperiod = \"2026-03\"\nchannel = \"voice\"\nvolume = {volume}\n"
        ),
    )
}

/// A voice row created on 2 March at `created` (`HH:MM:SS`), answered or
/// abandoned `after` seconds later.
fn call_at(created: &str, after: u32, abandoned: bool) -> String {
    let at = crate::sla::period::days_from_civil(2026, 3, 2) * 86_400;
    let hms: Vec<i64> = created.split(':').map(|p| p.parse().unwrap()).collect();
    let start = at + hms[0] * 3600 + hms[1] * 60 + hms[2];
    let stamp = |s: i64| jiff::Timestamp::from_second(s).unwrap().to_string();
    let end = stamp(start + i64::from(after));
    let (answer, abandon) = if abandoned { (String::new(), end) } else { (end, String::new()) };
    format!("T,voice,{},{answer},,{abandon}\n", stamp(start))
}

#[test]
fn forecast_cap_falling_inside_a_second_takes_its_contacts_in_file_order() {
    // By creation: 10:00:00 (25 s), 10:00:01 (30 s), then four created at
    // 10:00:02: 50 s, 8 s, abandoned after 40 s, 12 s (in file order), then
    // 10:00:03 (4 s) and 10:00:04 (1 s). A cap of 5 admits the first two and
    // the first three of 10:00:02 in file order: over forecast the 12 s one
    // and the two later seconds (3). In scope 5 (answered 4, abandoned 1),
    // met 1 (the 8 s answer): 20 %. Answers 8, 25, 30, 50: p50 the 2nd = 25,
    // p90 and p95 the 4th = 50.
    let rows = [
        call_at("10:00:03", 4, false),
        call_at("10:00:01", 30, false),
        call_at("10:00:02", 50, false),
        call_at("10:00:02", 8, false),
        call_at("10:00:02", 40, true),
        call_at("10:00:02", 12, false),
        call_at("10:00:00", 25, false),
        call_at("10:00:04", 1, false),
    ]
    .concat();
    let got = one(&report(&capped_voice(5), &rows, "2026-11-21")).clone();
    assert_eq!((got.in_scope, got.met, got.over_forecast), (5, 1, 3));
    assert_eq!((got.answered, got.abandoned), (4, 1));
    assert_eq!(got.attainment, Decimal::new(20, 0));
    assert_eq!((got.p50, got.p90, got.p95), (Some(25), Some(50), Some(50)));
    // A cap of 6 takes the 12 s answer too: met 2 of 6 (33.33 %); answers
    // 8, 12, 25, 30, 50: p50 the 3rd = 25, p90 and p95 the 5th = 50.
    let got = one(&report(&capped_voice(6), &rows, "2026-11-21")).clone();
    assert_eq!((got.in_scope, got.met, got.over_forecast), (6, 2, 2));
    assert_eq!(got.attainment, Decimal::new(3333, 2));
    assert_eq!((got.p50, got.p90, got.p95), (Some(25), Some(50), Some(50)));
}

/// Read `rows` from a file in parts of a row or two, on each number of threads.
fn read_in_parts(t: &Terms, rows: &str) -> Vec<ClauseResult> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tickets.csv");
    std::fs::write(&path, format!("{VOICE}{rows}")).unwrap();
    [1, 2, 3]
        .into_iter()
        .map(|threads| {
            let options = ReadOptions { threads, min_part_bytes: 60, ..ReadOptions::default() };
            let data = crate::sla::read_file(&path, &t.rules(), &options).unwrap();
            one(&evaluate(t, &data.tallies, data.rows, Date::parse("2026-11-21").unwrap()).unwrap()).clone()
        })
        .collect()
}

#[test]
fn forecast_cap_ties_follow_file_order_when_rows_are_not_in_time_order() {
    // In file order: 10:00:05 (3 s), 10:00:02 (40 s), 10:00:09 (1 s),
    // 10:00:01 (5 s), 10:00:02 (6 s), 10:00:00 (7 s), 10:00:02 (2 s). A cap of
    // 4 admits 10:00:00 and 10:00:01, then the first two of 10:00:02 in file
    // order (40 s, 6 s), not the last (2 s), though it is the fastest. Met 3 of
    // 4 (75 %: below 80, breached); answers 5, 6, 7, 40: p50 6, p90 and p95 40.
    let rows = [
        call_at("10:00:05", 3, false),
        call_at("10:00:02", 40, false),
        call_at("10:00:09", 1, false),
        call_at("10:00:01", 5, false),
        call_at("10:00:02", 6, false),
        call_at("10:00:00", 7, false),
        call_at("10:00:02", 2, false),
    ]
    .concat();
    let t = capped_voice(4);
    let mut got = vec![one(&report(&t, &rows, "2026-11-21")).clone()];
    got.extend(read_in_parts(&t, &rows));
    for (i, got) in got.iter().enumerate() {
        assert_eq!((got.in_scope, got.met, got.over_forecast), (4, 3, 3), "read {i}");
        assert_eq!((got.attainment, got.status), (Decimal::new(75, 0), Status::Breached), "read {i}");
        assert_eq!((got.p50, got.p90, got.p95), (Some(6), Some(40), Some(40)), "read {i}");
    }
}

#[test]
fn forecast_cap_holds_no_more_than_it_needs_and_stays_exact() {
    // 3,000 calls created a second apart from 10:00:00 on, latest first, all
    // answered in 1 s; then, last in the file, ten calls created at 09:00:00
    // to 09:00:09 and answered at 09:05:00 (300 to 291 s). A cap of 10 admits
    // exactly those ten: the readers drop the others once they hold more than
    // the cap and its slack. Met 0 of 10; answers 291..=300: p50 the 5th =
    // 295, p90 the 9th = 299, p95 the 10th = 300.
    let mut rows = String::new();
    for i in 0..3000u32 {
        let s = 3000 - i;
        rows += &call_at(&format!("10:{:02}:{:02}", s / 60, s % 60), 1, false);
    }
    for k in 0..10u32 {
        rows += &call_at(&format!("09:00:{k:02}"), 300 - k, false);
    }
    let t = capped_voice(10);
    let mut got = vec![one(&report(&t, &rows, "2026-11-21")).clone()];
    got.extend(read_in_parts(&t, &rows));
    for (i, got) in got.iter().enumerate() {
        assert_eq!((got.in_scope, got.met, got.over_forecast), (10, 0, 3000), "read {i}");
        assert_eq!((got.p50, got.p90, got.p95), (Some(295), Some(299), Some(300)), "read {i}");
    }
}
