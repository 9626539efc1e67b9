//! The loader reads each file once and records the bytes it read.

use std::path::Path;

use sha2::Digest as _;

use super::Loader;
use crate::model::{Channel, Metric};
use crate::sla::period::PeriodKind;
use crate::sla::{ReadOptions, Rule};
use crate::workspace::Workspace;

fn workspace(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

const VENDOR: &str = "[vendor]\nid = \"acme\"\nname = \"Acme Ltd\"\n";
const CONTRACT: &str = "[contract]\nvendor = \"acme\"\nstart = 2026-01-01\nterm_months = 24\n";

#[test]
fn a_file_asked_for_twice_is_read_once() {
    let dir = workspace(&[("vendors/acme/vendor.toml", VENDOR), ("vendors/acme/contract.toml", CONTRACT)]);
    let mut loader = Loader::new(Workspace { root: dir.path().to_path_buf() });
    let dirs = loader.vendor_dirs();
    let first = loader.vendors(&dirs).unwrap_or_else(|_| panic!("{:?}", loader.findings().diagnostics));
    assert_eq!(first[0].file.vendor.name.value, "Acme Ltd");
    // Changed on disk after the first read: the run keeps what it read (and recorded).
    std::fs::write(dir.path().join("vendors/acme/vendor.toml"), VENDOR.replace("Acme Ltd", "Changed")).unwrap();
    let again = loader.vendors(&dirs).unwrap();
    assert_eq!(again[0].file.vendor.name.value, "Acme Ltd");
    let subjects = loader.subjects(&again).unwrap_or_else(|_| panic!("{:?}", loader.findings().diagnostics));
    assert_eq!(subjects[0].1.as_ref().unwrap().path, "vendors/acme/contract.toml");
    let inputs = loader.inputs();
    let paths: Vec<&str> = inputs.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(paths, ["vendors/acme/contract.toml", "vendors/acme/vendor.toml"]);
    let expected = crate::audit::hash::hex(&sha2::Sha256::digest(VENDOR.as_bytes()));
    assert_eq!(inputs[1].sha256, expected, "the digest is of the bytes read, not of the file as it is now");
    assert_eq!(inputs[1].bytes, VENDOR.len() as u64);
}

#[test]
fn rules_read_the_tables_as_written() {
    // Keys in written order, nested and inline tables, arrays of tables, a
    // quoted key, dates, and a table the schema knows nothing of.
    let vendor = "[vendor]\nid = \"acme\"\nname = \"Acme \\\"Ltd\\\"\"\ncountry = \"PL\"\nsubmitted = 2026-10-05\n";
    let contract = "[contract]\nvendor = \"acme\"\nstart = 2026-01-01\nterm_months = 24\nmonthly_fee = 8500\n\n\
                    [data_protection]\nprocessing_locations = [\"PL\", \"DE\"]\nbreach_notification_hours = 48\n\n\
                    [capacity]\npeak_multiplier = 3.0\nblackout_dates = [2026-11-27]\n\n\
                    [[sla]]\nid = \"chat\"\nmetric = \"first_response\"\nchannel = \"chat\"\ntarget = \"45s\"\n\
                    attainment = 85\nperiod = \"month\"\n\n\
                    [extra]\n\"odd key\" = { a = 1.5, b = [1, 2] }\nsite = \"Riverside\"\n";
    let dir = workspace(&[("vendors/acme/vendor.toml", vendor), ("vendors/acme/contract.toml", contract)]);
    let mut loader = Loader::new(Workspace { root: dir.path().to_path_buf() });
    let dirs = loader.vendor_dirs();
    let vendors = loader.vendors(&dirs).unwrap_or_else(|_| panic!("{:?}", loader.findings().diagnostics));
    let contract_of = loader.contract_of(&vendors[0]).unwrap_or_else(|_| panic!("{:?}", loader.findings().diagnostics));
    assert_eq!(*vendors[0].table, toml::from_str::<toml::Table>(vendor).unwrap());
    assert_eq!(*contract_of.unwrap().table, toml::from_str::<toml::Table>(contract).unwrap());
}

fn first_response() -> Vec<Rule> {
    vec![Rule {
        metric: Metric::FirstResponse,
        channel: Channel::Any,
        tier: None,
        priority: None,
        threshold: 60,
        period: PeriodKind::Whole,
        ..Rule::default()
    }]
}

#[test]
fn a_ticket_export_is_recorded_with_the_digest_of_the_bytes_counted() {
    let csv = "ticket_id,channel,created_at,first_response_at,resolved_at\n\
               1,chat,2026-10-01T10:00:00Z,2026-10-01T10:00:30Z,\n\
               2,chat,2026-10-01T11:00:00Z,2026-10-01T11:05:00Z,\n";
    let dir = workspace(&[("vendors/acme/tickets.csv", csv)]);
    let mut loader = Loader::new(Workspace { root: dir.path().to_path_buf() });
    let data = loader.tickets(&dir.path().join("vendors/acme/tickets.csv"), &first_response(), &ReadOptions::default());
    let data = data.unwrap();
    assert_eq!(data.rows.read, 2);
    let inputs = loader.inputs();
    assert_eq!(inputs.len(), 1);
    assert_eq!(inputs[0].path, "vendors/acme/tickets.csv");
    assert_eq!(inputs[0].sha256, crate::audit::hash::hex(&sha2::Sha256::digest(csv.as_bytes())));
}

#[test]
#[cfg(unix)]
fn a_ticket_export_that_is_not_a_regular_file_is_refused() {
    let dir = workspace(&[]);
    let mut loader = Loader::new(Workspace { root: dir.path().to_path_buf() });
    let missing = loader.tickets(&dir.path().join("tickets.csv"), &first_response(), &ReadOptions::default());
    assert!(matches!(missing, Err(super::tickets::TicketError::Missing)));
    let folder = loader.tickets(Path::new(dir.path()), &first_response(), &ReadOptions::default());
    assert!(matches!(folder, Err(super::tickets::TicketError::NotAFile(_))), "{folder:?}");
    let link = dir.path().join("linked.csv");
    std::os::unix::fs::symlink("/etc/passwd", &link).unwrap();
    let linked = loader.tickets(&link, &first_response(), &ReadOptions::default());
    assert!(matches!(&linked, Err(super::tickets::TicketError::NotAFile(why)) if why.contains("symbolic link")));
    assert!(loader.inputs().is_empty(), "nothing read, nothing recorded");
}

#[test]
fn a_dry_run_counts_an_export_without_hashing_or_listing_it() {
    let csv = "ticket_id,channel,created_at,first_response_at,resolved_at\n1,chat,2026-10-01T10:00:00Z,2026-10-01T10:00:30Z,\n";
    let dir = workspace(&[("tickets.csv", csv)]);
    let mut loader = Loader::new(Workspace { root: dir.path().to_path_buf() }).without_digests();
    let data = loader.tickets(&dir.path().join("tickets.csv"), &first_response(), &ReadOptions::default()).unwrap();
    assert_eq!(data.rows.read, 1);
    assert!(loader.inputs().is_empty());
}

fn gzip(text: &str) -> Vec<u8> {
    use std::io::Write as _;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(text.as_bytes()).unwrap();
    encoder.finish().unwrap()
}

#[test]
fn a_gzip_export_is_counted_decompressed_and_recorded_as_the_bytes_on_disk() {
    // Two gzip members one after the other (`cat a.gz b.gz`, as log rotation writes them) are one export.
    let header = "ticket_id;channel;created_at;first_response_at;resolved_at\r\n";
    let rows =
        "1;chat;2026-10-01T10:00:00Z;2026-10-01T10:00:30Z;\r\n2;chat;2026-10-01T11:00:00Z;2026-10-01T11:05:00Z;\r\n";
    let mut compressed = gzip(header);
    compressed.extend(gzip(rows));
    let dir = workspace(&[]);
    let path = dir.path().join("tickets.csv.gz");
    std::fs::write(&path, &compressed).unwrap();
    let mut loader = Loader::new(Workspace { root: dir.path().to_path_buf() });
    let data = loader.tickets(&path, &first_response(), &ReadOptions::default()).unwrap();
    let plain =
        crate::sla::read_slice(format!("{header}{rows}").as_bytes(), &first_response(), &ReadOptions::default());
    assert_eq!(data, plain.unwrap());
    assert_eq!((data.rows.read, data.rows.rejected), (2, 0));
    let inputs = loader.inputs();
    assert_eq!((inputs[0].path.as_str(), inputs[0].bytes), ("tickets.csv.gz", compressed.len() as u64));
    assert_eq!(inputs[0].sha256, crate::audit::hash::hex(&sha2::Sha256::digest(&compressed)));
    let mut dry = Loader::new(Workspace { root: dir.path().to_path_buf() }).without_digests();
    assert_eq!(dry.tickets(&path, &first_response(), &ReadOptions::default()).unwrap(), data);
}

#[test]
fn a_gz_file_that_is_not_gzip_is_refused_by_name() {
    let dir = workspace(&[("tickets.csv.gz", "ticket_id,channel,created_at,first_response_at,resolved_at\n")]);
    let mut loader = Loader::new(Workspace { root: dir.path().to_path_buf() });
    let error = loader.tickets(&dir.path().join("tickets.csv.gz"), &first_response(), &ReadOptions::default());
    let error = error.unwrap_err();
    assert!(matches!(error, super::tickets::TicketError::NotGzip(_)), "{error:?}");
    assert!(error.to_string().starts_with("it is named .gz but is not a valid gzip file"), "{error}");
}

/// What a progress observer heard: stages started, bytes told, stages finished.
#[derive(Default)]
struct Heard {
    started: std::sync::Mutex<Vec<(String, u64)>>,
    bytes: std::sync::atomic::AtomicU64,
    finished: std::sync::atomic::AtomicU64,
}

impl crate::progress::Progress for std::sync::Arc<Heard> {
    fn start(&self, what: &str, total: u64) {
        self.started.lock().unwrap().push((what.to_owned(), total));
    }
    fn advance(&self, units: u64) {
        self.bytes.fetch_add(units, std::sync::atomic::Ordering::Relaxed);
    }
    fn finish(&self) {
        self.finished.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
}

#[test]
fn reading_an_export_tells_the_observer_the_bytes_read() {
    use std::sync::Arc;
    use std::sync::atomic::Ordering::Relaxed;
    let header = "ticket_id,channel,created_at,first_response_at,resolved_at\n";
    let rows: String =
        (0..2000).map(|i| format!("{i},chat,2026-10-01T10:00:00Z,2026-10-01T10:00:{:02}Z,\n", i % 60)).collect();
    let csv = format!("{header}{rows}");
    let dir = workspace(&[("tickets.csv", csv.as_str())]);
    std::fs::write(dir.path().join("tickets.csv.gz"), gzip(&csv)).unwrap();
    let on_disk = |name: &str| std::fs::metadata(dir.path().join(name)).unwrap().len();
    for (name, digests) in
        [("tickets.csv", true), ("tickets.csv", false), ("tickets.csv.gz", true), ("tickets.csv.gz", false)]
    {
        let heard = Arc::new(Heard::default());
        let observer = crate::progress::Observer::new(Box::new(Arc::clone(&heard)));
        // Without digests a CSV is read from the file in parts on two threads (each reading ahead).
        let options = ReadOptions { progress: observer, threads: 2, min_part_bytes: 4096, ..ReadOptions::default() };
        let mut loader = Loader::new(Workspace { root: dir.path().to_path_buf() });
        if !digests {
            loader = loader.without_digests();
        }
        let data = loader.tickets(&dir.path().join(name), &first_response(), &options).unwrap();
        assert_eq!(data.rows.read, 2000);
        // One stage, as long as the file on disk (compressed, for .gz), every byte of it told.
        assert_eq!(*heard.started.lock().unwrap(), [(format!("reading {name}"), on_disk(name))], "{name}");
        assert_eq!(heard.bytes.load(Relaxed), on_disk(name), "{name} {digests}");
        assert_eq!(heard.finished.load(Relaxed), 1);
    }
    // Nobody watching: the same data.
    let mut loader = Loader::new(Workspace { root: dir.path().to_path_buf() });
    let unobserved = loader.tickets(&dir.path().join("tickets.csv"), &first_response(), &ReadOptions::default());
    assert_eq!(unobserved.unwrap().rows.read, 2000);
}

#[test]
fn several_small_exports_are_counted_side_by_side_as_one_stage_and_each_recorded() {
    use std::sync::Arc;
    use std::sync::atomic::Ordering::Relaxed;
    let header = "ticket_id,channel,created_at,first_response_at,resolved_at\n";
    let export = |n: usize| -> String {
        let rows: String =
            (0..n).map(|i| format!("{i},chat,2026-10-01T10:00:00Z,2026-10-01T10:00:{:02}Z,\n", i % 60)).collect();
        format!("{header}{rows}")
    };
    let (a, b, c) = (export(300), export(20), export(1000));
    let dir = workspace(&[("a/tickets.csv", a.as_str()), ("b/tickets.csv", b.as_str()), ("c/tickets.csv", c.as_str())]);
    let exports: Vec<_> =
        ["a", "b", "c"].iter().map(|v| (dir.path().join(v).join("tickets.csv"), first_response())).collect();
    let heard = Arc::new(Heard::default());
    let observer = crate::progress::Observer::new(Box::new(Arc::clone(&heard)));
    let options = ReadOptions { progress: observer, threads: 3, ..ReadOptions::default() };
    let mut loader = Loader::new(Workspace { root: dir.path().to_path_buf() });
    let counted = loader.tickets_of(&exports, &options);
    // In order, each as read alone.
    let rows: Vec<u64> = counted.iter().map(|c| c.as_ref().unwrap().rows.read).collect();
    assert_eq!(rows, [300, 20, 1000]);
    for ((path, rules), counted) in exports.iter().zip(&counted) {
        let alone =
            Loader::new(Workspace { root: dir.path().to_path_buf() }).tickets(path, rules, &ReadOptions::default());
        assert_eq!(counted.as_ref().unwrap(), &alone.unwrap());
    }
    let total = (a.len() + b.len() + c.len()) as u64;
    assert_eq!(*heard.started.lock().unwrap(), [("reading 3 ticket exports".to_owned(), total)]);
    assert_eq!((heard.bytes.load(Relaxed), heard.finished.load(Relaxed)), (total, 1));
    let inputs = loader.inputs();
    let recorded: Vec<(&str, u64)> = inputs.iter().map(|r| (r.path.as_str(), r.bytes)).collect();
    assert_eq!(
        recorded,
        [("a/tickets.csv", a.len() as u64), ("b/tickets.csv", b.len() as u64), ("c/tickets.csv", c.len() as u64)]
    );
    assert_eq!(inputs[2].sha256, crate::audit::hash::hex(&sha2::Sha256::digest(c.as_bytes())));

    // One missing among them: its own error, the others still counted.
    std::fs::remove_file(dir.path().join("b/tickets.csv")).unwrap();
    let mut loader = Loader::new(Workspace { root: dir.path().to_path_buf() });
    let counted = loader.tickets_of(&exports, &ReadOptions::default());
    assert!(matches!(counted[1], Err(super::tickets::TicketError::Missing)), "{:?}", counted[1]);
    assert_eq!((counted[0].as_ref().unwrap().rows.read, counted[2].as_ref().unwrap().rows.read), (300, 1000));
}
