//! The built-in rubrics, policies and tiering: each checks clean in full
//! (no error, no warning), and the short way the loader reads them
//! ([`load_builtin`]) gives what the full check gives. This is where
//! built-ins are checked; a run does not check them again.

use super::*;
use crate::builtin::{self, BuiltinFile};
use crate::diag::Diagnostics;

fn shipped() -> Vec<(BuiltinFile, FileKind)> {
    let kinds = [("rubrics", FileKind::Rubric), ("policies", FileKind::Policy), ("tiering", FileKind::Tiering)];
    let files: Vec<_> = kinds
        .into_iter()
        .flat_map(|(dir, kind)| builtin::under(dir).filter(|f| f.path.ends_with(".toml")).map(move |f| (f, kind)))
        .collect();
    assert!(files.len() >= 8, "the shipped rubrics, policies and tiering: {files:?}");
    files
}

fn full_check(file: BuiltinFile, kind: FileKind) -> (CheckedFile, Diagnostics) {
    let mut checked = CheckedFile::new(SourceFile::new(file.name(), file.text()), None);
    let mut diagnostics = Diagnostics::default();
    check_source(&mut checked, Expect::Exactly(kind), &mut diagnostics);
    (checked, diagnostics)
}

#[test]
fn every_builtin_checks_clean_in_full() {
    for (file, kind) in shipped() {
        let (checked, diagnostics) = full_check(file, kind);
        let found: Vec<String> = diagnostics.iter().map(|d| format!("{:?} {}", d.code, d.message)).collect();
        assert!(found.is_empty(), "{}: {found:#?}", file.path);
        assert!(checked.document.is_some(), "{}", file.path);
        assert_eq!(checked.rubric.is_some(), kind == FileKind::Rubric, "{}", file.path);
        assert_eq!(checked.policy.is_some(), kind == FileKind::Policy, "{}", file.path);
    }
}

#[test]
fn a_builtin_read_the_short_way_is_what_the_full_check_gives() {
    for (file, kind) in shipped() {
        let (full, _) = full_check(file, kind);
        let short = load_builtin(SourceFile::new(file.name(), file.text()), kind, file.sha256).expect(file.path);
        assert_eq!(format!("{:?}", short.document), format!("{:?}", full.document), "{}", file.path);
        assert_eq!(format!("{:?}", short.rubric), format!("{:?}", full.rubric), "{}", file.path);
        assert_eq!(short.policy.is_some(), full.policy.is_some(), "{}", file.path);
        if let (Some(short), Some(full)) = (&short.policy, &full.policy) {
            assert_eq!((&short.id, &short.version, &short.sha256), (&full.id, &full.version, &full.sha256));
            let infos = |p: &crate::compliance::Policy| p.rules.iter().map(|r| (*r.info).clone()).collect::<Vec<_>>();
            assert_eq!(infos(short), infos(full), "{}", file.path);
        }
        assert!(short.complete && short.tables.is_none() && short.disk_path.is_none());
    }
}

#[test]
fn the_short_way_gives_up_on_what_it_cannot_read() {
    let policy = builtin::policy("gdpr-processor").expect("shipped");
    let read = |text: &str, kind| load_builtin(SourceFile::new(policy.name(), text), kind, "").is_some();
    assert!(read(policy.text(), FileKind::Policy));
    assert!(!read(policy.text(), FileKind::Rubric), "another kind");
    assert!(!read(&format!("{}\n[[rule", policy.text()), FileKind::Policy), "not TOML");
    let broken = policy.text().replacen("require = \"", "require = \"(((", 1);
    assert_ne!(broken, policy.text());
    assert!(!read(&broken, FileKind::Policy), "an expression that does not compile");
    let rubric = builtin::rubric(builtin::DEFAULT_RUBRIC).expect("shipped");
    let unweighted = rubric.text().replacen("weight = ", "weight = -", 1);
    assert_ne!(unweighted, rubric.text());
    assert!(!read(&unweighted, FileKind::Rubric), "a rubric with an error");
}

#[test]
fn a_builtin_is_read_once_per_process_and_every_load_gets_the_same() {
    let policy = builtin::policy("gdpr-processor").expect("shipped");
    let short = load_builtin(SourceFile::new(policy.name(), policy.text()), FileKind::Policy, policy.sha256).unwrap();
    let (first, second) = std::thread::scope(|scope| {
        let other = scope.spawn(|| load_builtin_once(policy, FileKind::Policy));
        (load_builtin_once(policy, FileKind::Policy), other.join().unwrap())
    });
    let (first, second) = (first.unwrap(), second.unwrap());
    assert_eq!(format!("{:?}", first.document), format!("{:?}", short.document));
    assert_eq!(format!("{:?}", second.document), format!("{:?}", short.document));
    // Compiled once: both loads share the one compiled policy.
    assert!(std::sync::Arc::ptr_eq(first.policy.as_ref().unwrap(), second.policy.as_ref().unwrap()));
    // Kept per kind: asked for as another kind, the file is read as that (and refused).
    assert!(load_builtin_once(policy, FileKind::Rubric).is_none());
}
