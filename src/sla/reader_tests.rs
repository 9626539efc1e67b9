//! Reader tests: columns, rejected rows and their lines, odd files, and
//! parallel reading agreeing with one pass.

use super::*;
use crate::model::{Channel, Metric};
use crate::sla::period::PeriodKind;
use crate::sla::records::{Next, Records, plain_line};
use crate::sla::row::Row;

const HEADER: &str = "ticket_id,channel,created_at,first_response_at,resolved_at,csat,reopened,tier,priority\n";

fn rule(metric: Metric, channel: Channel, threshold: u64) -> Rule {
    Rule { metric, channel, threshold, ..Rule::default() }
}

fn first_response() -> Vec<Rule> {
    vec![rule(Metric::FirstResponse, Channel::Any, 60)]
}

fn read(text: &str, rules: &[Rule]) -> Result<TicketData, ReadError> {
    read_slice(text.as_bytes(), rules, &ReadOptions::default())
}

fn lines(data: &TicketData) -> Vec<(u64, String)> {
    data.rows.first_rejected.iter().map(|r| (r.line, r.reason.clone())).collect()
}

#[test]
fn good_rows_are_counted_and_bad_ones_reported_by_line() {
    let text = format!(
        "{HEADER}\
         T1,chat,2026-03-01T08:00:00Z,2026-03-01T08:00:30Z,,,false,1,normal\n\
         T2,fax,2026-03-01T08:00:00Z,,,,false,1,normal\n\
         T3,chat,2026-03-01T08:00:00Z,2026-03-01T07:00:00Z,,,false,1,normal\n\
         T4,chat,2026-02-30T08:00:00Z,,,,false,1,normal\n\
         T5,chat,2026-03-01T08:00:00Z\n\
         T6,Email,2026-03-01 08:00:00,,2026-03-01 07:59:59,,false,1,normal\n\
         T7,voice,,,,,false,1,normal\n\
         T8,social,2026-03-01 8:00,,,,false,1,normal\n"
    );
    let data = read(&text, &first_response()).unwrap();
    assert_eq!((data.rows.read, data.rows.rejected), (8, 6));
    // A channel that maps to nothing is read, counted apart and named, never refused nor dropped silently.
    assert_eq!((data.rows.unmapped_channel, &data.rows.unmapped_values[..]), (1, &["fax".to_owned()][..]));
    assert_eq!(
        lines(&data),
        [
            (4, "first_response_at `2026-03-01T07:00:00Z` is before created_at `2026-03-01T08:00:00Z`".to_owned()),
            (5, "created_at `2026-02-30T08:00:00Z` is not a valid date and time".to_owned()),
            (6, "expected 9 fields as in the header, found 3".to_owned()),
            (7, "resolved_at `2026-03-01 07:59:59` is before created_at `2026-03-01 08:00:00`".to_owned()),
            (8, "created_at is empty".to_owned()),
            (
                9,
                "created_at `2026-03-01 8:00` is not a timestamp (RFC 3339, or YYYY-MM-DD HH:MM[:SS] in the export's zone)"
                    .to_owned()
            ),
        ]
    );
    let tally = data.tallies.per_rule[0].values().next().unwrap();
    assert_eq!((tally.measured, tally.within, tally.missing), (1, 1, 0));
}

#[test]
fn only_the_first_ten_rejections_are_listed_but_all_are_counted() {
    let mut text = HEADER.to_owned();
    for i in 0..25 {
        text.push_str(&format!("T{i},chat,yesterday,,,,,,\n"));
    }
    let data = read(&text, &first_response()).unwrap();
    assert_eq!((data.rows.read, data.rows.rejected), (25, 25));
    let reported: Vec<u64> = data.rows.first_rejected.iter().map(|r| r.line).collect();
    assert_eq!(reported, (2..=11).collect::<Vec<u64>>());
}

#[test]
fn line_numbers_count_crlf_blank_lines_and_quoted_newlines() {
    let text = "ticket_id,channel,created_at,first_response_at,resolved_at\r\n\
                T1,chat,2026-03-01T08:00:00Z,,\r\n\
                \r\n\
                T2,chat,\"2026-03-01\nT08:00:00Z\",,\r\n\
                T3,chat,bad,,\r\n\
                T4,chat,2026-03-01T08:00:00Z,,";
    let data = read(text, &first_response()).unwrap();
    assert_eq!(data.rows.read, 4);
    let reported: Vec<u64> = data.rows.first_rejected.iter().map(|r| r.line).collect();
    assert_eq!(reported, [4, 6]);
    assert_eq!(
        data.rows.first_rejected[0].reason,
        "created_at `2026-03-01\u{fffd}T08:00:00Z` is not a timestamp (RFC 3339, or YYYY-MM-DD HH:MM[:SS] in the export's zone)"
    );
}

#[test]
fn renamed_and_reordered_columns_are_found() {
    let text = "Opened,Channel,Id,Answered,Closed\n2026-03-01T08:00:00Z,chat,T1,2026-03-01T08:02:00Z,\n";
    let options = ReadOptions {
        renames: [
            ("created_at", "Opened"),
            ("channel", "Channel"),
            ("ticket_id", "Id"),
            ("first_response_at", "Answered"),
            ("resolved_at", "Closed"),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
        .collect(),
        ..ReadOptions::default()
    };
    let data = read_slice(text.as_bytes(), &first_response(), &options).unwrap();
    let tally = data.tallies.per_rule[0].values().next().unwrap();
    assert_eq!((tally.measured, tally.within), (1, 0));
}

#[test]
fn missing_columns_are_named() {
    let err = read("ticket_id,channel,created,first_response_at,resolved_at\n", &first_response()).unwrap_err();
    assert_eq!(err.to_string(), "no column `created_at` in the header (line 1)");
    assert!(err.help().unwrap().starts_with("did you mean `created`?"), "{:?}", err.help());
    let err = read("id,kanal,created_at,first_response_at,resolved_at\n", &first_response()).unwrap_err();
    assert_eq!(err.to_string(), "no column `ticket_id` in the header (line 1)");
    assert!(err.help().unwrap().starts_with("the header has: id, kanal, created_at,"), "{:?}", err.help());
    // Columns a clause needs: csat, reopened, tier, priority.
    let mut csat = rule(Metric::Csat, Channel::Any, 4);
    csat.tier = Some(1);
    let err = read("ticket_id,channel,created_at,first_response_at,resolved_at,csat\n", &[csat]).unwrap_err();
    assert_eq!(err.to_string(), "no column `tier` in the header (line 1)");
    let options = ReadOptions { renames: [("channel".to_owned(), "Kanal".to_owned())].into(), ..Default::default() };
    let err = read_slice(b"ticket_id,channel,created_at,first_response_at,resolved_at\n", &first_response(), &options)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "no column `Kanal` in the header (line 1) (the `channel` column, renamed in vendorscore.toml)"
    );
    let err =
        read("ticket_id,channel,channel,created_at,first_response_at,resolved_at\n", &first_response()).unwrap_err();
    assert!(matches!(err, ReadError::DuplicateColumn(c) if c == "channel"));
}

#[test]
fn files_that_are_not_exports_are_refused_clearly() {
    assert!(matches!(read("", &first_response()), Err(ReadError::Empty)));
    assert!(matches!(read("\n\r\n\n", &first_response()), Err(ReadError::Empty)));
    // JSON Lines alike: no object at all (blank lines only) is an empty export, not 0 rows.
    let json = ReadOptions { format: ExportFormat::JsonLines, ..ReadOptions::default() };
    for blank in ["", "\n", "\n \r\n\t\n", "\u{feff}\n\n"] {
        let read = read_slice(blank.as_bytes(), &first_response(), &json);
        assert!(matches!(read, Err(ReadError::Empty)), "{blank:?}: {read:?}");
    }
    let junk: Vec<u8> = (0..5000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let err = read_slice(&junk, &first_response(), &ReadOptions::default()).unwrap_err();
    assert!(matches!(err, ReadError::NotCsv(_) | ReadError::MissingColumn { .. }), "{err}");
    let pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n";
    assert!(read_slice(pdf, &first_response(), &ReadOptions::default()).is_err());
    // One enormous line: refused without holding it.
    let long = vec![b'a'; MAX_ROW_BYTES + 10];
    assert!(matches!(read_slice(&long, &first_response(), &ReadOptions::default()), Err(ReadError::NotCsv(_))));
}

#[test]
fn header_only_and_huge_values_read_without_panicking() {
    let data = read(HEADER, &first_response()).unwrap();
    assert_eq!(data.rows, RowCounts::default());
    assert!(data.tallies.per_rule[0].is_empty());
    let text = format!(
        "{HEADER}T1,chat,9999-12-31T23:59:59Z,9999-12-31T23:59:59Z,,,,99999999999999999999999,x\n\
         T2,chat,0000-01-01T00:00:00Z,9999-12-31T23:59:59-23:59,,5,TRUE,-3,\n\
         T3,chat,2026-03-01T08:00:00Z,,,,,,{}\n",
        "p".repeat(100_000)
    );
    let mut tier = rule(Metric::FirstResponse, Channel::Any, 60);
    tier.tier = Some(1);
    let data =
        read(&text, &[tier, rule(Metric::Csat, Channel::Any, 4), rule(Metric::ReopenRate, Channel::Any, 0)]).unwrap();
    assert_eq!((data.rows.read, data.rows.rejected), (3, 2), "year 0000 is refused");
    assert_eq!(data.rows.first_rejected[0].reason, "tier `99999999999999999999999` is not a whole number");
    assert!(data.rows.first_rejected[1].reason.contains("outside the years 0001 to 9999"), "{:?}", data.rows);
}

#[test]
fn an_unclosed_quote_is_one_rejected_row_not_unbounded_memory() {
    let mut text = format!("{HEADER}T1,\"chat,2026-03-01T08:00:00Z,,,,,,\n");
    for _ in 0..20_000 {
        text.push_str("T2,chat,2026-03-01T08:00:00Z,2026-03-01T08:00:01Z,,,,,\n");
    }
    let data = read(&text, &first_response()).unwrap();
    assert_eq!((data.rows.read, data.rows.rejected), (1, 1));
    assert!(
        data.rows.first_rejected[0].reason.starts_with("unterminated quote starting at line 2")
            && data.rows.first_rejected[0].reason.contains("swallowed the 20000 lines after it"),
        "{:?}",
        data.rows
    );
    assert_eq!(data.rows.first_rejected[0].line, 2);
}

#[test]
fn csat_reopened_tier_and_priority_are_read_when_a_rule_needs_them() {
    let text = format!(
        "{HEADER}\
         T1,chat,2026-03-01T08:00:00Z,,2026-03-01T09:00:00Z,5,1,1,urgent\n\
         T2,chat,2026-03-01T08:00:00Z,,2026-03-01T09:00:00Z,,0,2,urgent\n\
         T3,chat,2026-03-01T08:00:00Z,,2026-03-01T09:00:00Z,4.5,maybe,x,low\n"
    );
    // No rule needs csat, reopened or tier: T3's odd values do no harm.
    let data = read(&text, &first_response()).unwrap();
    assert_eq!(data.rows.rejected, 0);
    let data = read(&text, &[rule(Metric::Csat, Channel::Any, 4)]).unwrap();
    assert_eq!(data.rows.first_rejected[0].reason, "csat `4.5` is not a score from 1 to 5");
    let data = read(&text, &[rule(Metric::ReopenRate, Channel::Any, 0)]).unwrap();
    assert_eq!(data.rows.first_rejected[0].reason, "reopened `maybe` is not true, false or a count of reopenings");
    let tally = data.tallies.per_rule[0].values().next().unwrap();
    assert_eq!((tally.measured, tally.within), (2, 1));
    let mut urgent = rule(Metric::Resolution, Channel::Chat, 3600);
    urgent.priority = Some("urgent".to_owned());
    let data = read(&text, &[urgent]).unwrap();
    assert_eq!(data.tallies.per_rule[0].values().next().unwrap().measured, 2);
}

/// A generated export with quoted fields holding newlines and CRLF line ends.
fn awkward_export(rows: usize) -> Vec<u8> {
    let mut out = b"ticket_id,channel,note,created_at,first_response_at,resolved_at\r\n".to_vec();
    let channels = ["chat", "email", "voice", "social", "fax"];
    for i in 0..rows {
        let created = 1_767_225_600 + (i as i64) * 397;
        let stamp = |t: i64| jiff::Timestamp::from_second(t).unwrap().to_string();
        let note = match i % 7 {
            0 => "\"line one\nline two\n\"".to_owned(),
            1 => "\"a, quoted \"\"note\"\"\"".to_owned(),
            _ => "plain".to_owned(),
        };
        let response = if i % 11 == 0 { String::new() } else { stamp(created + (i as i64 % 97)) };
        let resolved = if i % 13 == 0 { String::new() } else { stamp(created + (i as i64 % 5000)) };
        let ending = if i % 5 == 0 { "\n" } else { "\r\n" };
        out.extend_from_slice(
            format!("T{i},{},{note},{},{response},{resolved}{ending}", channels[i % 5], stamp(created)).as_bytes(),
        );
    }
    out
}

#[test]
fn parallel_parts_agree_with_one_pass_even_across_quoted_newlines() {
    let bytes = awkward_export(5000);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tickets.csv");
    std::fs::write(&path, &bytes).unwrap();
    let rules = vec![
        rule(Metric::FirstResponse, Channel::Chat, 30),
        rule(Metric::Resolution, Channel::Any, 2000),
        Rule { period: PeriodKind::Week, ..rule(Metric::FirstResponse, Channel::Any, 60) },
    ];
    let one = read_slice(&bytes, &rules, &ReadOptions::default()).unwrap();
    assert_eq!(one.rows.read, 5000);
    assert_eq!((one.rows.rejected, one.rows.unmapped_channel), (0, 1000), "every fifth row is a fax");
    for threads in [2, 3, 7, 64] {
        for min_part in [1, 997, 4096] {
            let options = ReadOptions { threads, min_part_bytes: min_part, ..ReadOptions::default() };
            let parallel = read_file(&path, &rules, &options).unwrap();
            assert_eq!(parallel, one, "threads {threads}, parts of at least {min_part} bytes");
        }
    }
}

#[test]
fn plain_lines_split_in_place_and_others_fall_back() {
    let mut ends = vec![0usize; 8];
    assert_eq!(plain_line(b"a,bb,,c\nx", &mut ends, b','), Some((8, 7, 4)));
    assert_eq!(&ends[..4], [1, 4, 5, 7]);
    assert_eq!(plain_line(b"a,b\r\n", &mut ends, b','), Some((5, 3, 2)));
    assert_eq!(plain_line(b"\n", &mut ends, b','), Some((1, 0, 1)));
    assert_eq!(plain_line(b"0123456789abcdef,x\n", &mut ends, b','), Some((19, 18, 2)));
    for fallback in [&b"a,\"b\"\n"[..], b"a\rb\n", b"no line end", b"a,b,c,d,e,f,g,h,i\n"] {
        assert_eq!(plain_line(fallback, &mut ends, b','), None, "{:?}", String::from_utf8_lossy(fallback));
    }
}

/// Every record as field lists, the way `Records` reads them.
fn records_of(bytes: &[u8], delimiter: u8) -> Vec<Vec<Vec<u8>>> {
    let mut records = Records::new(bytes).with_delimiter(delimiter);
    let mut out = Vec::new();
    // csv-core ends an unclosed quote at the end of the input as a record, and so does `Records`.
    while let Next::Row | Next::Unterminated = records.next().unwrap() {
        let row = records.row();
        out.push((0..row.len()).map(|i| row.field(i).to_vec()).collect());
    }
    out
}

proptest::proptest! {
    #[test]
    fn the_plain_path_reads_what_csv_core_reads(bytes in proptest::collection::vec(
        proptest::sample::select(vec![b'a', b'b', b',', b'"', b'\r', b'\n', b'\n', b',', b';', b'\t']), 0..200),
        delimiter in proptest::sample::select(vec![b',', b';', b'\t'])) {
        let mut expected = Vec::new();
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(&bytes[..]);
        let mut record = csv::ByteRecord::new();
        while reader.read_byte_record(&mut record).unwrap() {
            expected.push(record.iter().map(<[u8]>::to_vec).collect::<Vec<_>>());
        }
        proptest::prop_assert_eq!(records_of(&bytes, delimiter), expected);
    }
}

/// Every record as the csv crate (an independent reader) reads it.
fn csv_records(bytes: &[u8], delimiter: u8) -> Vec<Vec<Vec<u8>>> {
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(bytes);
    let mut record = csv::ByteRecord::new();
    let mut out = Vec::new();
    while reader.read_byte_record(&mut record).unwrap() {
        out.push(record.iter().map(<[u8]>::to_vec).collect());
    }
    out
}

#[test]
fn rows_larger_than_the_first_buffers_read_whole() {
    // The buffers start small and grow: a 300-field line, a quoted field of
    // 100 kB across lines, a 40 kB header and enough lines to refill the
    // input many times all read as the csv crate reads them.
    let wide: Vec<String> = (0..300).map(|i| format!("f{i}")).collect();
    let mut text = format!("{}\n{}\n", "h".repeat(40_000), wide.join(";"));
    text.push_str(&format!("a;\"{}\n{}\";b\n", "q".repeat(50_000), "r".repeat(50_000)));
    for i in 0..5000 {
        text.push_str(&format!("T{i};chat;{}\n", "x".repeat(i % 90)));
    }
    let records = records_of(text.as_bytes(), b';');
    assert_eq!(records, csv_records(text.as_bytes(), b';'));
    assert_eq!(records.len(), 5003);
    assert_eq!(records[1].len(), 300);
    assert_eq!(records[2][1].len(), 100_001, "both halves and the line feed");
    let mut detected = Records::new(text.as_bytes());
    assert_eq!(detected.detect_delimiter().unwrap(), b',', "a header with no separator in 40 kB");
    let header = format!("{};b\nx;y\n", "h".repeat(40_000));
    assert_eq!(Records::new(header.as_bytes()).detect_delimiter().unwrap(), b';', "read past the first buffer");
}

#[test]
fn parallel_parts_of_a_plain_export_hand_over_exactly() {
    // No quotes: every split stands, and lines are counted across parts,
    // with LF and with CRLF line ends.
    let rules = first_response();
    for ending in ["\n", "\r\n"] {
        let mut text = format!("ticket_id,channel,created_at,first_response_at,resolved_at{ending}");
        for i in 0..20_000 {
            let channel = ["chat", "email", "voice"][i % 3];
            let day = if i % 997 == 0 { 30 } else { 1 + i % 28 };
            text.push_str(&format!(
                "T{i},{channel},2026-02-{day:02}T10:00:00Z,2026-03-{day:02}T10:{:02}:00Z,{ending}",
                i % 60
            ));
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tickets.csv");
        std::fs::write(&path, &text).unwrap();
        let one = read_slice(text.as_bytes(), &rules, &ReadOptions::default()).unwrap();
        let lines: Vec<u64> = one.rows.first_rejected.iter().map(|r| r.line).collect();
        assert_eq!(lines[..3], [2, 999, 1996]);
        let size = std::fs::metadata(&path).unwrap().len();
        let options = ReadOptions { threads: 3, min_part_bytes: 4096, ..ReadOptions::default() };
        let starts: Vec<u64> = std::iter::once(58 + ending.len() as u64)
            .chain(part_starts(&File::open(&path).unwrap(), 58 + ending.len() as u64, size, 12).unwrap())
            .collect();
        assert_eq!(starts.len(), 12);
        let layout = Layout::new(&Row::new(b"", &[]), &rules, &ReadOptions::default());
        assert!(layout.is_err(), "an empty header has no columns");
        let header = text.lines().next().unwrap().trim_end().as_bytes().to_vec();
        let ends: Vec<usize> =
            header.iter().enumerate().filter(|(_, b)| **b == b',').map(|(i, _)| i).chain([header.len()]).collect();
        let layout = Layout::new(&Row::delimited(&header, &ends), &rules, &ReadOptions::default()).unwrap();
        let parts = read_parts(&File::open(&path).unwrap(), &starts, 2, &layout, &rules, b',', &options).unwrap();
        assert_eq!(parts.as_ref(), Some(&one), "every split stands ({ending:?})");
        assert_eq!(read_file(&path, &rules, &options).unwrap(), one);
    }
}

#[test]
fn an_unclosed_quote_is_reported_where_it_opens_with_the_lines_it_swallowed() {
    let good = "T,chat,2026-03-01T08:00:00Z,2026-03-01T08:00:30Z,,,false,1,normal\n";
    let text = format!("{HEADER}{good}T2,chat,\"2026-03-01T08:00:00Z,,,,false,1,normal\n{}", good.repeat(1000));
    let data = read(&text, &first_response()).unwrap();
    assert_eq!((data.rows.read, data.rows.rejected, data.rows.unterminated_quote), (2, 1, Some(3)));
    assert_eq!(
        lines(&data),
        [(
            3,
            "unterminated quote starting at line 3: it runs to the end of the file and swallowed the 1000 lines \
             after it"
                .to_owned()
        )]
    );
    // Without a final newline, and as one file read in parts.
    let data = read(&format!("{HEADER}T1,chat,\"x\n{}", good.trim_end()), &first_response()).unwrap();
    assert!(lines(&data)[0].1.contains("swallowed the 1 line after it"), "{:?}", lines(&data));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tickets.csv");
    std::fs::write(&path, text.as_bytes()).unwrap();
    let options = ReadOptions { threads: 4, min_part_bytes: 1024, ..ReadOptions::default() };
    let parts = read_file(&path, &first_response(), &options).unwrap();
    assert_eq!(lines(&parts), lines(&read(&text, &first_response()).unwrap()));
    // Closed quotes, and a quote inside an unquoted field, are not unclosed ones.
    for last in [
        "T9,chat,2026-03-01T08:00:00Z,,,,false,1,\"multi\nline \"\"quoted\"\" note\"",
        "T9,chat,2026-03-01T08:00:00Z,,,,false,1,a 5\" screen",
    ] {
        let data = read(&format!("{HEADER}{last}"), &first_response()).unwrap();
        assert_eq!((data.rows.read, data.rows.rejected), (1, 0), "{last}: {:?}", lines(&data));
    }
}

#[test]
fn timestamps_without_an_offset_are_read_in_the_exports_zone() {
    // Berlin local times: T1 at 08:00 CET answered 08:01 (60 s); T2 on 31 March
    // 23:30 CEST is 21:30 UTC, still March; T3 written with Z is as written.
    let text = format!(
        "{HEADER}\
         T1,chat,2026-01-15 08:00,2026-01-15 08:01,,,false,1,normal\n\
         T2,chat,2026-03-31T23:30:00,2026-04-01T00:00:30,,,false,1,normal\n\
         T3,chat,2026-04-01T00:30:00Z,2026-04-01T00:31:00Z,,,false,1,normal\n"
    );
    let options = ReadOptions { timezone: Some("Europe/Berlin".to_owned()), ..ReadOptions::default() };
    let data = read_slice(text.as_bytes(), &first_response(), &options).unwrap();
    assert_eq!(data.rows.rejected, 0, "{:?}", data.rows.first_rejected);
    let months: Vec<(String, u64, u64)> =
        data.tallies.per_rule[0].iter().map(|(k, t)| (k.to_string(), t.measured, t.within)).collect();
    // T2 took 30 min 30 s: a miss against 60 s.
    assert_eq!(months, [("2026-01".to_owned(), 1, 1), ("2026-03".to_owned(), 1, 0), ("2026-04".to_owned(), 1, 1)]);
    let unknown = ReadOptions { timezone: Some("Mars/Olympus".to_owned()), ..ReadOptions::default() };
    let error = read_slice(text.as_bytes(), &first_response(), &unknown).unwrap_err();
    assert_eq!(error.to_string(), "[tickets] timezone `Mars/Olympus` is not an IANA time zone");
}

#[test]
fn reopened_is_a_boolean_or_a_count() {
    // Helpdesks export "Reopens" counts (SPEC 11): a count above zero is reopened.
    let mut text = HEADER.to_owned();
    for (i, value) in ["0", "1", "2", "000", "017", "TRUE", "false", "", "-1", "1.0"].iter().enumerate() {
        text.push_str(&format!("T{i},chat,2026-03-01T08:00:00Z,,2026-03-01T09:00:00Z,,{value},1,normal\n"));
    }
    let data = read(&text, &[rule(Metric::ReopenRate, Channel::Any, 0)]).unwrap();
    let lines: Vec<u64> = data.rows.first_rejected.iter().map(|r| r.line).collect();
    assert_eq!(lines, [10, 11], "-1 and 1.0 are neither");
    let tally = data.tallies.per_rule[0].values().next().unwrap();
    // Reopened: 1, 2, 017, TRUE; not: 0, 000, false, empty.
    assert_eq!((tally.measured, tally.within), (8, 4));
}

#[test]
fn semicolon_and_tab_exports_are_detected_from_the_header() {
    // A comma export and the same rows as a European spreadsheet writes
    // them (semicolons, BOM, CRLF, a decimal comma in a note) and as TSV.
    let comma = "ticket_id,channel,created_at,first_response_at,resolved_at\n\
                 T1,chat,2026-03-01T08:00:00Z,2026-03-01T08:00:30Z,\n\
                 T2,email,2026-03-01T08:00:00Z,2026-03-01T09:00:00Z,\n\
                 T3,fax,2026-03-01T08:00:00Z,,\n";
    let semicolon = "\u{feff}ticket_id;channel;note;created_at;first_response_at;resolved_at\r\n\
                     T1;chat;\"1,5 h; \"\"quoted\"\"\nover two lines\";2026-03-01T08:00:00Z;2026-03-01T08:00:30Z;\r\n\
                     T2;email;2,0;2026-03-01T08:00:00Z;2026-03-01T09:00:00Z;\r\n\
                     T3;fax;;2026-03-01T08:00:00Z;;\r\n";
    let tab = "ticket_id\tchannel\tcreated_at\tfirst_response_at\tresolved_at\n\
               T1\tchat\t2026-03-01T08:00:00Z\t2026-03-01T08:00:30Z\t\n\
               T2\temail\t2026-03-01T08:00:00Z\t2026-03-01T09:00:00Z\t\n\
               T3\tfax\t2026-03-01T08:00:00Z\t\t\n";
    let rules = first_response();
    let one = read(comma, &rules).unwrap();
    assert_eq!((one.rows.read, one.rows.unmapped_channel), (3, 1));
    let semi = read(semicolon, &rules).unwrap();
    assert_eq!(semi.tallies, one.tallies);
    assert_eq!((semi.rows.read, semi.rows.unmapped_channel), (3, 1));
    assert_eq!(read(tab, &rules).unwrap(), one);
    // Commas inside quotes do not outvote the header's semicolons.
    let quoted = "\"ticket_id\";\"channel, as sent\";created_at;first_response_at;resolved_at\n";
    let renames = BTreeMap::from([("channel".to_owned(), "channel, as sent".to_owned())]);
    let options = ReadOptions { renames, ..ReadOptions::default() };
    assert_eq!(read_slice(quoted.as_bytes(), &rules, &options).unwrap().rows.read, 0);
}

#[test]
fn parallel_parts_of_a_semicolon_export_agree_with_one_pass() {
    let bytes: Vec<u8> = awkward_export(3000).iter().map(|&b| if b == b',' { b';' } else { b }).collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tickets.csv");
    std::fs::write(&path, &bytes).unwrap();
    let rules = first_response();
    let one = read_slice(&bytes, &rules, &ReadOptions::default()).unwrap();
    assert_eq!((one.rows.read, one.rows.unmapped_channel), (3000, 600), "every fifth row is a fax");
    let comma = read_slice(&awkward_export(3000), &rules, &ReadOptions::default()).unwrap();
    assert_eq!(one, comma);
    let options = ReadOptions { threads: 3, min_part_bytes: 997, ..ReadOptions::default() };
    assert_eq!(read_file(&path, &rules, &options).unwrap(), one);
}
