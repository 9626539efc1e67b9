//! The ledger under concurrent writers and writers killed mid-run.
//!
//! The test binary re-runs itself as the writer processes: `writer_process`
//! is an ignored test that only the tests spawning it run (`--ignored`).

use std::io::{BufRead, Read};
use std::path::Path;
use std::process::{Command, Stdio};

use super::ledger::{LEDGER_PATH, Record, append, recover, timestamp};
use super::verify::verify;

const WRITER: &str = "VS_LEDGER_WRITER";

fn record(i: usize) -> Record {
    Record {
        time: timestamp(1_795_255_200),
        actor: format!("writer-{}", std::process::id()),
        action: "score".into(),
        tool: "vendorscore test".into(),
        subjects: vec![format!("vendor-{i}")],
        inputs: vec![],
        outputs: vec![],
        result: serde_json::json!({ "i": i, "padding": "x".repeat(i % 700) }),
    }
}

/// In a child process: append `VS_LEDGER_COUNT` entries (forever if 0),
/// printing each seq once it is synced.
#[test]
#[ignore = "a writer process of the concurrency tests, spawned by them with VS_LEDGER_WRITER set"]
fn writer_process() {
    let path = std::env::var(WRITER).expect("spawned by spawn_writer, which sets VS_LEDGER_WRITER");
    let count: usize = std::env::var("VS_LEDGER_COUNT").ok().and_then(|c| c.parse().ok()).unwrap_or(0);
    let mut i = 0;
    while count == 0 || i < count {
        match append(Path::new(&path), &record(i)) {
            Ok(appended) => println!("appended {}", appended.seq),
            Err(e) => println!("refused {e}"),
        }
        i += 1;
    }
}

fn spawn_writer(ledger: &Path, count: usize) -> std::process::Child {
    Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "audit::tests::writer_process", "--ignored", "--nocapture", "--test-threads", "1"])
        .env(WRITER, ledger)
        .env("VS_LEDGER_COUNT", count.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the test binary runs")
}

fn appended_seqs(output: &[u8]) -> Vec<u64> {
    // libtest may print its own words before ours on the same line.
    output.lines().map_while(Result::ok).filter_map(|l| l.split("appended ").nth(1)?.trim().parse().ok()).collect()
}

#[test]
fn concurrent_writers_build_one_contiguous_chain() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(LEDGER_PATH);
    let (writers, each) = (8, 50);
    let children: Vec<_> = (0..writers).map(|_| spawn_writer(&path, each)).collect();
    let mut seqs = Vec::new();
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success());
        seqs.extend(appended_seqs(&output.stdout));
    }
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=(writers * each) as u64).collect::<Vec<_>>(), "every writer got its own seq");
    let v = verify(&path, None, 2).unwrap();
    assert!(v.ok(), "{:?}", v.problems);
    assert_eq!((v.entries, v.head.unwrap().0), (writers * each, (writers * each) as u64));
}

#[test]
fn writers_killed_mid_run_never_lose_a_completed_entry() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(LEDGER_PATH);
    let mut completed = Vec::new();
    for round in 0..12u64 {
        let mut children: Vec<_> = (0..2).map(|_| spawn_writer(&path, 0)).collect();
        // Let the first writer complete a varying number of entries (the other
        // runs alongside), then kill both wherever they are. Counting entries,
        // not waiting a while, keeps the test independent of the machine's speed.
        let mut first = std::io::BufReader::new(children[0].stdout.take().unwrap());
        let mut line = String::new();
        while appended_seqs(line.as_bytes()).len() < 1 + (round as usize % 5) {
            if first.read_line(&mut line).unwrap() == 0 {
                break;
            }
        }
        for child in &mut children {
            child.kill().unwrap();
        }
        first.read_to_string(&mut line).unwrap();
        completed.extend(appended_seqs(line.as_bytes()));
        for child in children {
            let output = child.wait_with_output().unwrap();
            completed.extend(appended_seqs(&output.stdout));
        }
        // An operator recovers a torn tail, if the kill left one.
        recover(&path).unwrap();
        let v = verify(&path, None, 2).unwrap();
        assert!(v.ok(), "round {round}: {:?} {:?}", v.problems, v.torn);
        let head = v.head.map_or(0, |h| h.0);
        assert!(completed.iter().all(|&seq| seq <= head), "round {round}: a reported entry is missing");
        assert_eq!(v.entries as u64, head);
    }
    assert!(completed.len() > 10, "the writers got some work done: {}", completed.len());
}
