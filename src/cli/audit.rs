//! `vendorscore audit verify | head | log | show N | recover`: read and
//! check the workspace's ledger.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;

use clap::{Args, Subcommand};
use serde_json::{Value, json};

use super::{Env, Format, GlobalOptions, Outcome};
use vendorscore::audit::hash::hash_files;
use vendorscore::audit::ledger::{self, LEDGER_PATH, Recovery};
use vendorscore::audit::sign::{AllowedSigners, check_signature, signer_fingerprint};
use vendorscore::audit::verify::{Checks, verify_with};

#[derive(Debug, Args)]
pub struct AuditArgs {
    #[command(subcommand)]
    pub command: AuditCommand,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check every entry's canonical form, hash, prev and seq, and re-hash the files recorded
    #[command(after_help = "Exit status: 0 all holds, 1 a problem was found.")]
    Verify {
        /// Do not re-hash the recorded input and output files
        #[arg(long)]
        no_files: bool,
        /// Check each signature's principal (the entry's actor) against this OpenSSH allowed_signers file
        #[arg(long, value_name = "FILE")]
        allowed_signers: Option<PathBuf>,
        /// Fail entries without a signature too
        #[arg(long, requires = "allowed_signers")]
        require_signatures: bool,
        /// Fail unless the chain holds this entry with this hash (a head quoted earlier, from `audit head`)
        #[arg(long, value_name = "SEQ:HASH", value_parser = parse_head)]
        expect_head: Option<(u64, String)>,
    },
    /// The seq and hash of the last entry: the value to quote in a ticket or email
    Head,
    /// One line per entry
    Log {
        /// Name who signed each entry, checked against this OpenSSH allowed_signers file
        #[arg(long, value_name = "FILE")]
        allowed_signers: Option<PathBuf>,
    },
    /// One whole entry
    Show {
        /// The entry's seq
        seq: u64,
        /// Name who signed it, checked against this OpenSSH allowed_signers file
        #[arg(long, value_name = "FILE")]
        allowed_signers: Option<PathBuf>,
    },
    /// Move a torn last line (left by a crash mid-write) to a side file, keeping its bytes
    Recover,
    /// Print the SHA-256 of files (folders are walked), as sha256sum does
    Hash {
        /// Files or folders
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
}

pub fn run(global: &GlobalOptions, env: &Env, args: AuditArgs) -> anyhow::Result<Outcome> {
    if let AuditCommand::Hash { paths } = &args.command {
        return hash(env, paths);
    }
    let workspace = env.workspace.clone();
    let path = workspace.root.join(LEDGER_PATH);
    if !path.is_file() {
        anyhow::bail!("{}: no ledger yet; `score`, `check`, `sla` and `report` start it", path.display());
    }
    match args.command {
        AuditCommand::Verify { no_files, allowed_signers, require_signatures, expect_head } => {
            let format = global.format();
            let threads = vendorscore::parallel::threads(0);
            let Ok(signers) = read_allowed_signers(env, allowed_signers.as_deref()) else {
                return Ok(Outcome::Unusable);
            };
            let checks = Checks { signers: signers.as_ref(), require_signatures, expect_head };
            let v = verify_with(&path, (!no_files).then_some(workspace.root.as_path()), threads, &checks)?;
            if format == Format::Json {
                let report = json!({
                    "ledger": LEDGER_PATH,
                    "ok": v.ok(),
                    "entries": v.entries,
                    "head": v.head.as_ref().map(|(seq, hash)| json!({"seq": seq, "hash": hash})),
                    "problems": v.problems.iter().map(|p| json!({"line": p.line, "seq": p.seq, "message": p.message})).collect::<Vec<_>>(),
                    "torn": v.torn.map(|(line, bytes)| json!({"line": line, "bytes": bytes})),
                    "signed": v.signed,
                    "expect_head": v.head_mismatch.as_ref().map(|why| json!({"ok": false, "message": why})),
                    "files": {
                        "checked": v.files_checked,
                        "changed": v.changed.iter().map(|c| json!({
                            "path": c.path, "seq": c.seq, "line": c.line, "recorded": c.recorded, "now": c.now,
                        })).collect::<Vec<_>>(),
                        "not_checked": v.not_checked.iter().map(|n| json!({
                            "path": n.path, "seq": n.seq, "line": n.line, "reason": n.reason,
                        })).collect::<Vec<_>>(),
                    },
                });
                outln!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                for p in &v.problems {
                    let seq = p.seq.map_or(String::new(), |s| format!(" (seq {s})"));
                    outln!("{LEDGER_PATH}:{}{seq}: {}", p.line, p.message);
                }
                if let Some((line, bytes)) = v.torn {
                    outln!(
                        "{LEDGER_PATH}:{line}: torn last line ({bytes} bytes without a newline): a run was interrupted while writing it; `vendorscore audit recover` moves it aside"
                    );
                }
                for c in &v.changed {
                    let what = match &c.now {
                        Some(now) => format!("changed: recorded {}, now {}", short(&c.recorded), short(now)),
                        None => "is gone".to_owned(),
                    };
                    outln!("{}: {what} (last recorded by entry {}, line {})", c.path, c.seq, c.line);
                }
                for n in &v.not_checked {
                    outln!("{n}");
                }
                if let Some(why) = &v.head_mismatch {
                    outln!("{LEDGER_PATH}: {why}");
                }
                let head = v.head.as_ref().map_or("none".to_owned(), |(seq, hash)| format!("{seq} {hash}"));
                let files = if no_files {
                    "files not checked".to_owned()
                } else {
                    format!("{} recorded files checked", v.files_checked)
                };
                let verdict = if v.ok() { "ok" } else { "FAILED" };
                let signed = match (v.signed, checks.signers.is_some()) {
                    (0, _) => String::new(),
                    (n, true) => format!(", {n} signed (signatures and principals checked)"),
                    (n, false) => format!(", {n} signed (signatures checked; give --allowed-signers to check who)"),
                };
                outln!("{verdict}: {} entries{signed}, head {head}; {files}", v.entries);
            }
            Ok(if v.ok() { Outcome::Clean } else { Outcome::Problems })
        }
        AuditCommand::Head => {
            let mut file = std::fs::File::open(&path)?;
            match ledger::last_entry(&mut file, &path)? {
                Some((seq, hash)) => outln!("{seq} {hash}"),
                None => outln!("empty"),
            }
            Ok(Outcome::Clean)
        }
        AuditCommand::Log { allowed_signers } => {
            let format = global.format();
            let Ok(signers) = read_allowed_signers(env, allowed_signers.as_deref()) else {
                return Ok(Outcome::Unusable);
            };
            // A first pass sizes the columns, a second prints: memory stays one entry.
            let widths = if format == Format::Json { [0; 5] } else { log_widths(&path)? };
            let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            let written = (|| -> std::io::Result<()> {
                use std::io::Write as _;
                for (line, entry) in entries(&path).map_err(std::io::Error::other)? {
                    let entry = entry.map_err(|e| std::io::Error::other(format!("{LEDGER_PATH}:{line}: {e}")))?;
                    if format == Format::Json {
                        let short = json!({
                            "seq": entry["seq"], "time": entry["time"], "actor": entry["actor"], "action": entry["action"],
                            "subjects": entry["subjects"], "summary": summary(&entry), "hash": entry["hash"],
                            "signed_by": signed_by(&entry, signers.as_ref()),
                        });
                        writeln!(out, "{short}")?;
                    } else {
                        let signed =
                            signed_by(&entry, signers.as_ref()).map_or(String::new(), |s| format!("  [signed: {s}]"));
                        let [seq, time, actor, action, subjects] = log_cells(&entry);
                        let line = format!(
                            "{seq:>w0$}  {time:<w1$}  {actor:<w2$}  {action:<w3$}  {subjects:<w4$}  {}{signed}",
                            summary(&entry),
                            w0 = widths[0],
                            w1 = widths[1],
                            w2 = widths[2],
                            w3 = widths[3],
                            w4 = widths[4]
                        );
                        writeln!(out, "{}", line.trim_end())?;
                    }
                }
                out.flush()?;
                Ok(())
            })();
            // A closed pipe (`| head`) ends the reading too.
            super::terminal::closed_pipe_is_fine(written)?;
            Ok(Outcome::Clean)
        }
        AuditCommand::Show { seq, allowed_signers } => {
            let Ok(signers) = read_allowed_signers(env, allowed_signers.as_deref()) else {
                return Ok(Outcome::Unusable);
            };
            for (line, entry) in entries(&path)? {
                let Ok(entry) = entry else { continue };
                if entry["seq"].as_u64() == Some(seq) {
                    outln!("{}", serde_json::to_string_pretty(&entry)?);
                    let signed = signed_by(&entry, signers.as_ref()).unwrap_or_else(|| "not signed".to_owned());
                    errln!("({LEDGER_PATH}, line {line}; signed: {signed})");
                    return Ok(Outcome::Clean);
                }
            }
            anyhow::bail!("no entry with seq {seq} in {LEDGER_PATH}")
        }
        AuditCommand::Hash { .. } => unreachable!("handled before the ledger is opened"),
        AuditCommand::Recover => {
            match ledger::recover(&path)? {
                Recovery::Clean => outln!("{LEDGER_PATH} ends with a complete entry; nothing to recover"),
                Recovery::MovedAside { kept, bytes } => {
                    outln!(
                        "moved the torn last line ({bytes} bytes) to {}; every complete entry is unchanged",
                        shown(&kept)
                    )
                }
            }
            Ok(Outcome::Clean)
        }
    }
}

/// `audit hash`: digests in `sha256sum` format, hashed on all cores.
fn hash(env: &Env, paths: &[PathBuf]) -> anyhow::Result<Outcome> {
    let mut files = Vec::new();
    for path in paths {
        let absolute = env.absolute(path);
        if absolute.is_dir() {
            let mut found: Vec<PathBuf> = walkdir::WalkDir::new(&absolute)
                .sort_by_file_name()
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file())
                .map(|e| path.join(e.path().strip_prefix(&absolute).unwrap_or(e.path())))
                .collect();
            files.append(&mut found);
        } else {
            files.push(path.clone());
        }
    }
    let absolute: Vec<PathBuf> = files.iter().map(|f| env.absolute(f)).collect();
    let mut failed = false;
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    for (path, digest) in files.iter().zip(hash_files(&absolute, 0)) {
        use std::io::Write as _;
        match digest {
            Ok(d) => writeln!(out, "{}  {}", d.sha256, path.display())?,
            Err(e) => {
                failed = true;
                errln!("error: {}: {e}", path.display());
            }
        }
    }
    Ok(if failed { Outcome::Unusable } else { Outcome::Clean })
}

/// `--expect-head SEQ:HASH` (also `SEQ HASH`, as `audit head` prints it).
fn parse_head(text: &str) -> Result<(u64, String), String> {
    let (seq, hash) = text
        .split_once([':', ' '])
        .ok_or_else(|| "expected SEQ:HASH, e.g. 12:3f1c… (as `vendorscore audit head` prints it)".to_owned())?;
    let seq = seq.trim().parse::<u64>().map_err(|_| format!("`{seq}` is not an entry's seq (1, 2, …)"))?;
    let hash = hash.trim().to_ascii_lowercase();
    if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("`{hash}` is not an entry hash (64 hex characters)"));
    }
    Ok((seq, hash))
}

/// The allowed signers file, read and parsed; `Err` after its problems were printed (file:line:column).
fn read_allowed_signers(env: &Env, path: Option<&std::path::Path>) -> Result<Option<AllowedSigners>, ()> {
    let Some(path) = path else { return Ok(None) };
    let shown = path.display();
    let text = std::fs::read_to_string(env.absolute(path)).map_err(|e| {
        errln!("error: --allowed-signers {shown}: cannot be read: {e}");
    })?;
    AllowedSigners::parse(&text).map(Some).map_err(|errors| {
        for e in errors {
            errln!("error: {shown}:{e}");
        }
    })
}

/// Who signed an entry: the actor when the allowed signers vouch for the
/// key, else the key's fingerprint and why it is not vouched for; `None` unsigned.
fn signed_by(entry: &Value, signers: Option<&AllowedSigners>) -> Option<String> {
    let armored = entry.get("signature")?.as_str().unwrap_or("");
    let hash = entry["hash"].as_str().unwrap_or("");
    let key = signer_fingerprint(armored).unwrap_or_else(|| "unreadable".to_owned());
    let text = |k: &str| entry[k].as_str().unwrap_or("");
    Some(match signers {
        Some(signers) => match signers.check(armored, hash, text("actor"), text("time")) {
            Ok(()) => format!("{} (key {key}, allowed)", text("actor")),
            Err(why) => format!("NOT VALID: {why}"),
        },
        None => match check_signature(armored, hash) {
            Ok(_) => format!("key {key}"),
            Err(why) => format!("NOT VALID: {why}"),
        },
    })
}

/// The first 12 characters of a digest (the recorded one comes from the
/// ledger, so it may be anything).
fn short(digest: &str) -> &str {
    digest.char_indices().nth(12).map_or(digest, |(i, _)| &digest[..i])
}

fn shown(path: &std::path::Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| format!("audit/{}", n.to_string_lossy()))
}

/// Every complete line, numbered from 1, parsed.
fn entries(path: &PathBuf) -> anyhow::Result<impl Iterator<Item = (usize, Result<Value, serde_json::Error>)>> {
    let reader = BufReader::with_capacity(1 << 20, std::fs::File::open(path)?);
    Ok(reader
        .split(b'\n')
        .map_while(Result::ok)
        .enumerate()
        .filter(|(_, line)| !line.is_empty())
        .map(|(i, line)| (i + 1, serde_json::from_slice(&line))))
}

/// The first five cells of an `audit log` row: seq, time, actor, action, subjects.
fn log_cells(entry: &Value) -> [String; 5] {
    let subjects: Vec<&str> = entry["subjects"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    // A JSON value ignores the width: format the number itself.
    let seq = entry["seq"].as_u64().map_or_else(|| entry["seq"].to_string(), |n| n.to_string());
    let text = |key: &str| entry[key].as_str().unwrap_or("").to_owned();
    [seq, text("time"), text("actor"), text("action"), super::text::fit(&subjects.join(","), 30).trim_end().to_owned()]
}

/// `audit log` for people: every column as wide as its widest cell, so the
/// rows line up however many entries (seq 9, 99, 999, …) and whoever ran
/// them. Read in a pass of its own, one entry at a time.
fn log_widths(path: &PathBuf) -> anyhow::Result<[usize; 5]> {
    let mut widths = [0; 5];
    for (line, entry) in entries(path)? {
        let entry = entry.map_err(|e| anyhow::anyhow!("{LEDGER_PATH}:{line}: {e}"))?;
        for (width, cell) in widths.iter_mut().zip(log_cells(&entry)) {
            *width = (*width).max(cell.chars().count());
        }
    }
    Ok(widths)
}

/// A one-line summary of an entry's result, by its `action`.
fn summary(entry: &Value) -> String {
    let result = &entry["result"];
    let vendors = result["vendors"].as_array().map(Vec::as_slice).unwrap_or_default();
    match entry["action"].as_str() {
        Some("score" | "report") => {
            let list: Vec<String> = vendors
                .iter()
                .take(3)
                .map(|v| {
                    let rank = v["rank"].as_u64().map_or("–".to_owned(), |r| format!("#{r}"));
                    format!("{rank} {} {}", v["id"].as_str().unwrap_or("?"), v["score"].as_str().unwrap_or("?"))
                })
                .collect();
            let more = if vendors.len() > 3 { format!(", +{} more", vendors.len() - 3) } else { String::new() };
            format!("{}{more}", list.join(", "))
        }
        Some("check") => {
            let count = |key: &str| vendors.iter().filter_map(|v| v[key].as_u64()).sum::<u64>();
            format!(
                "{} pass, {} fail, {} missing, {} skipped",
                count("pass"),
                count("fail"),
                count("missing"),
                count("skipped")
            )
        }
        Some("sla") => {
            let breaches = result["breaches"].as_array().map_or(0, Vec::len);
            let total = result["total_credit"].as_str().unwrap_or("0.00");
            format!("{breaches} breached clause-periods, credits {total}")
        }
        // An action this version does not know: the result as it stands.
        _ => super::text::fit(&result.to_string(), 60).trim_end().to_owned(),
    }
}
