//! Rules decided over small contracts: every status and severity, `when`,
//! missing nested fields, guards, lists, dates, located errors, and
//! policies written to break the evaluator.

use std::sync::Arc;

use super::*;
use crate::diag::Diagnostic;
use crate::model::{Date, RuleSeverity};
use crate::source::SourceFile;
use crate::validate::{CheckedFile, Document, Expect, check_source};

const HEADER: &str = "[policy]\nid = \"p\"\nname = \"P\"\nversion = \"1.0.0\"\n";

/// Validate and compile a policy the way `load` does.
fn policy(rules: &str) -> Result<Policy, Vec<Diagnostic>> {
    let source = SourceFile::new("policies/p.toml", format!("{HEADER}{rules}"));
    let mut file = CheckedFile::new(source.clone(), None);
    let mut diagnostics = crate::diag::Diagnostics::default();
    check_source(&mut file, Expect::Exactly(crate::model::FileKind::Policy), &mut diagnostics);
    if diagnostics.has_errors() {
        return Err(diagnostics.into_vec());
    }
    let Some(Document::Policy(_)) = file.document else { panic!("a policy") };
    let policy = file.policy.expect("validation compiles a policy without errors");
    Ok(std::sync::Arc::try_unwrap(policy).unwrap_or_else(|_| panic!("one owner")))
}

fn rule(id: &str, severity: &str, when: Option<&str>, require: &str) -> String {
    let when = when.map(|w| format!("when = {w:?}\n")).unwrap_or_default();
    format!("\n[[rule]]\nid = \"{id}\"\ntitle = \"{id}\"\nseverity = \"{severity}\"\n{when}require = {require:?}\n")
}

fn subject(contract: &str) -> Subject {
    let vendor =
        Arc::new(toml::from_str("[vendor]\nid = \"v\"\nname = \"V\"\n[answers.security]\nmfa = true\n").unwrap());
    let contract = Arc::new(toml::from_str(&format!("[contract]\nvendor = \"v\"\n{contract}")).unwrap());
    Subject::new("v", "V", "vendors/v", vendor, Some(("vendors/v/contract.toml".into(), contract)))
}

fn as_of() -> Date {
    Date::parse("2026-11-21").unwrap()
}

fn run(policy: &Policy, contract: &str) -> Checked {
    check(std::slice::from_ref(policy), &[subject(contract)], as_of(), 1)
}

/// (rule, status, missing) of each finding.
fn outcomes(policy: &Policy, contract: &str) -> Vec<(String, &'static str, Vec<String>)> {
    let checked = run(policy, contract);
    assert!(checked.errors.is_empty(), "{:?}", checked.errors);
    checked.vendors[0].findings.iter().map(|f| (f.rule.id.clone(), f.status.as_str(), f.missing.clone())).collect()
}

fn status_of(policy: &Policy, contract: &str, id: &str) -> (&'static str, Vec<String>) {
    let found = outcomes(policy, contract).into_iter().find(|(r, _, _)| r == id).expect("rule");
    (found.1, found.2)
}

const CONTRACT: &str = "\
[data_protection]
personal_data = true
dpa_signed = true
audit_rights = false
processing_locations = [\"PL\", \"PH\"]
[security]
certifications = [\"iso27001\"]
pentest_date = 2026-03-15
[[sla]]
id = \"chat\"
metric = \"first_response\"
channel = \"chat\"
target = \"60s\"
attainment = 80
period = \"month\"
";

#[test]
fn each_status_pass_fail_missing_skipped() {
    let p = policy(
        &[
            rule("dpa", "critical", Some("data_protection.personal_data"), "data_protection.dpa_signed"),
            rule("audit", "high", Some("data_protection.personal_data"), "data_protection.audit_rights"),
            rule("deletion", "medium", None, "data_protection.deletion_days >= 0"),
            rule("pci", "low", Some("extra.handles_card_data is defined"), "security.mfa"),
        ]
        .concat(),
    )
    .unwrap();
    let found = outcomes(&p, CONTRACT);
    let statuses: Vec<(&str, &str)> = found.iter().map(|(r, s, _)| (r.as_str(), *s)).collect();
    assert_eq!(statuses, [("dpa", "pass"), ("audit", "fail"), ("deletion", "missing"), ("pci", "skipped")]);
    assert_eq!(found[2].2, ["data_protection.deletion_days"]);
    let summary = run(&p, CONTRACT).vendors[0].summary();
    assert_eq!(summary, Summary { pass: 1, fail: 1, missing: 1, skipped: 1 });
}

#[test]
fn severities_carry_through_and_set_what_fails_the_run() {
    let p = policy(
        &[
            rule("c", "critical", None, "false"),
            rule("h", "high", None, "security.nothing_here_but_typed is defined"),
            rule("m", "medium", None, "data_protection.deletion_days > 0"),
            rule("l", "low", None, "true"),
        ]
        .concat(),
    );
    // `security.nothing_here_but_typed` is not in the schema: validation refuses it.
    assert!(p.is_err());
    let p = policy(
        &[
            rule("c", "critical", None, "false"),
            rule("h", "high", None, "security.mfa is defined"),
            rule("m", "medium", None, "data_protection.deletion_days > 0"),
            rule("l", "low", None, "1 > 2"),
        ]
        .concat(),
    )
    .unwrap();
    let checked = run(&p, CONTRACT);
    let vendor = &checked.vendors[0];
    let severities: Vec<RuleSeverity> = vendor.findings.iter().map(|f| f.severity()).collect();
    assert_eq!(severities, [RuleSeverity::Critical, RuleSeverity::High, RuleSeverity::Medium, RuleSeverity::Low]);
    let failing = |at| vendor.failures_at(at).map(|f| f.rule.id.as_str()).collect::<Vec<_>>();
    assert_eq!(failing(RuleSeverity::Critical), ["c"]);
    assert_eq!(failing(RuleSeverity::High), ["c", "h"], "a guarded read that is false fails");
    assert_eq!(failing(RuleSeverity::Medium), ["c", "h", "m"], "missing counts as a failure");
    assert_eq!(failing(RuleSeverity::Low), ["c", "h", "m", "l"]);
}

#[test]
fn when_decides_first_and_can_itself_be_missing() {
    let p = policy(
        &[
            rule(
                "skip-wins",
                "high",
                Some("data_protection.personal_data == false"),
                "data_protection.deletion_days > 0",
            ),
            rule("when-missing", "high", Some("capacity.peak_multiplier > 2"), "true"),
            rule("when-holds", "high", Some("'PH' in data_protection.processing_locations"), "false"),
        ]
        .concat(),
    )
    .unwrap();
    assert_eq!(status_of(&p, CONTRACT, "skip-wins"), ("skipped", vec![]), "require is not evaluated");
    assert_eq!(status_of(&p, CONTRACT, "when-missing"), ("missing", vec!["capacity.peak_multiplier".to_owned()]));
    assert_eq!(status_of(&p, CONTRACT, "when-holds").0, "fail");
}

#[test]
fn missing_nested_fields_are_reported_with_their_path() {
    let p = policy(
        &[
            rule("table-absent", "high", None, "capacity.ramp_days <= 28"),
            rule("answer-absent", "high", None, "answers.platform.shopify >= 3"),
            rule("extra-nested", "high", None, "extra.pci.aoc_date | age_days <= 365"),
            rule("answer-present", "high", None, "answers.security.mfa"),
            rule("some-absent", "high", None, "security.mfa and data_protection.dpa_signed"),
            rule("filter-of-absent", "low", None, "capacity.blackout_dates | length >= 0"),
        ]
        .concat(),
    )
    .unwrap();
    assert_eq!(status_of(&p, CONTRACT, "table-absent"), ("missing", vec!["capacity.ramp_days".to_owned()]));
    assert_eq!(status_of(&p, CONTRACT, "answer-absent"), ("missing", vec!["answers.platform.shopify".to_owned()]));
    assert_eq!(status_of(&p, CONTRACT, "extra-nested"), ("missing", vec!["extra.pci.aoc_date".to_owned()]));
    assert_eq!(status_of(&p, CONTRACT, "answer-present").0, "pass");
    assert_eq!(status_of(&p, CONTRACT, "some-absent"), ("missing", vec!["security.mfa".to_owned()]));
    // A built-in filter fails on undefined with its own error: still the term that is missing.
    let blackout = ("missing", vec!["capacity.blackout_dates".to_owned()]);
    assert_eq!(status_of(&p, CONTRACT, "filter-of-absent"), blackout);
}

#[test]
fn guarded_reads_decide_instead_of_going_missing() {
    let p = policy(
        &[
            rule("defined", "high", None, "extra.iso_valid_until is defined"),
            rule("default", "high", None, "'voice' in (extra.cx_channels | default([]))"),
            rule("none", "high", None, "extra.x is none"),
            rule("guard-then-use", "high", None, "extra.x is not none and extra.x > 3"),
            rule("or-short-circuits", "high", None, "data_protection.dpa_signed or security.mfa"),
        ]
        .concat(),
    )
    .unwrap();
    assert_eq!(status_of(&p, CONTRACT, "defined").0, "fail");
    assert_eq!(status_of(&p, CONTRACT, "default").0, "fail");
    assert_eq!(status_of(&p, CONTRACT, "none").0, "fail", "undefined is not none");
    assert_eq!(status_of(&p, CONTRACT, "guard-then-use"), ("missing", vec!["extra.x".to_owned()]));
    assert_eq!(status_of(&p, CONTRACT, "or-short-circuits").0, "pass", "security.mfa is never needed");
}

#[test]
fn lists_and_sla_clauses() {
    let p = policy(&[
        rule("cert", "high", None, "'iso27001' in security.certifications"),
        rule("third", "critical", None, "data_protection.processing_locations | third_countries | length == 0"),
        rule("chat", "medium", None, "sla | selectattr('channel', 'eq', 'chat') | list | length > 0"),
        rule("voice", "medium", None, "sla | selectattr('channel', 'eq', 'voice') | list | length > 0"),
        rule(
            "chat-target",
            "medium",
            None,
            "(sla | selectattr('channel', 'eq', 'chat') | map(attribute='target') | first) | duration_secs <= 60",
        ),
        rule(
            "email-target",
            "medium",
            None,
            "(sla | selectattr('channel', 'eq', 'email') | map(attribute='target') | first) | duration_secs <= 86400",
        ),
        rule("credits", "medium", None, "sla | selectattr('credit_pct', 'defined') | list | length > 0"),
    ]
    .concat())
    .unwrap();
    let found = outcomes(&p, CONTRACT);
    let statuses: Vec<&str> = found.iter().map(|(_, s, _)| *s).collect();
    assert_eq!(statuses, ["pass", "fail", "pass", "fail", "pass", "missing", "fail"]);
    assert_eq!(found[5].2, ["sla"], "no email clause: the rule reads sla and finds nothing to decide on");
    // No clauses at all: `sla` is an empty list, not a missing field.
    assert_eq!(status_of(&p, "", "chat").0, "fail");
}

#[test]
fn dates_are_iso_strings_measured_against_as_of() {
    let p = policy(
        &[
            rule("pentest", "high", None, "security.pentest_date | age_days <= 365"),
            rule("old", "high", None, "security.pentest_date | age_days <= 200"),
            rule("start-after-signing", "low", None, "contract.signed | days_between(contract.start) >= 14"),
            rule("iso", "low", None, "security.pentest_date == '2026-03-15' and as_of == '2026-11-21'"),
        ]
        .concat(),
    )
    .unwrap();
    let contract = format!("signed = 2026-10-20\nstart = 2026-11-01\n{CONTRACT}");
    let statuses: Vec<&str> = outcomes(&p, &contract).iter().map(|(_, s, _)| *s).collect();
    assert_eq!(statuses, ["pass", "fail", "fail", "pass"]);
    let later = check(std::slice::from_ref(&p), &[subject(CONTRACT)], Date::parse("2027-03-16").unwrap(), 1);
    assert_eq!(later.vendors[0].findings[0].status, Status::Fail, "a year and a day later");
}

#[test]
fn evaluation_errors_point_at_the_rule_in_the_policy() {
    let p = policy(&rule("aoc", "high", None, "extra.aoc_date | age_days <= 365")).unwrap();
    let checked = run(&p, "[extra]\naoc_date = \"last spring\"\n");
    let errors: Vec<&Diagnostic> = checked.errors.iter().collect();
    assert_eq!(errors.len(), 1);
    let error = errors[0];
    assert_eq!(error.code, crate::diag::Code::ExpressionFails);
    assert_eq!(error.file, "policies/p.toml");
    let position = p.source.position(error.span.clone().unwrap().start);
    assert_eq!(position.line, 10, "the require line");
    assert!(p.source.text[error.span.clone().unwrap()].contains("age_days"), "the failing filter");
    assert!(error.message.contains("rule `aoc`") && error.message.contains("vendors/v/contract.toml"));
    assert!(error.message.contains("`last spring` is not a date"), "{}", error.message);
    assert!(checked.vendors[0].findings.is_empty(), "no finding for a rule that could not run");
}

#[test]
fn one_error_shared_by_many_contracts_is_reported_once() {
    let p = policy(&rule("aoc", "high", None, "extra.aoc_date | age_days <= 365")).unwrap();
    let subjects: Vec<Subject> = (0..5).map(|_| subject("[extra]\naoc_date = \"soon\"\n")).collect();
    let checked = check(std::slice::from_ref(&p), &subjects, as_of(), 2);
    let errors: Vec<&Diagnostic> = checked.errors.iter().collect();
    assert_eq!(errors.len(), 1);
    assert!(errors[0].message.contains("(and 4 more contracts)"), "{}", errors[0].message);
    assert_eq!(checked.vendors.len(), 5);
}

#[test]
fn a_vendor_without_contract_gets_one_missing_finding() {
    let p = policy(&rule("dpa", "critical", None, "data_protection.dpa_signed")).unwrap();
    let none = Subject::new("x", "X", "vendors/x", Arc::default(), None);
    let checked = check(std::slice::from_ref(&p), &[none], as_of(), 1);
    let findings = &checked.vendors[0].findings;
    assert_eq!(findings.len(), 1);
    assert_eq!((findings[0].status, findings[0].severity()), (Status::Missing, RuleSeverity::High));
    assert_eq!(findings[0].rule.policy, None);
    assert_eq!(findings[0].rule.name(), "contract");
    assert_eq!(findings[0].missing, ["vendors/x/contract.toml"]);
}

#[test]
fn parallel_and_serial_checks_agree() {
    let p =
        policy(&[rule("a", "high", None, "security.mfa"), rule("b", "low", None, "security.certifications")].concat())
            .unwrap();
    let subjects: Vec<Subject> = (0..9).map(|i| subject(if i % 2 == 0 { CONTRACT } else { "" })).collect();
    let one = check(std::slice::from_ref(&p), &subjects, as_of(), 1);
    let two = check(std::slice::from_ref(&p), &subjects, as_of(), 2);
    let flat = |c: &Checked| c.vendors.iter().flat_map(|v| v.findings.clone()).collect::<Vec<_>>();
    assert_eq!(flat(&one), flat(&two));
}

/// The codes validation reports for a one-rule policy.
fn refused(require: &str) -> Vec<String> {
    match policy(&rule("r", "high", None, require)) {
        Ok(_) => Vec::new(),
        Err(diagnostics) => diagnostics.iter().map(|d| format!("{} {}", d.code, d.message)).collect(),
    }
}

#[test]
fn hostile_policies_are_refused_with_a_located_reason() {
    // Huge strings and lists: the repetition operator is not in the language.
    assert!(refused("('x' * 10**9) | length > 0")[0].starts_with("VS0401 the `*` operator"));
    assert!(refused("1 in [0] * 10**12")[0].starts_with("VS0401 the `*` operator"));
    assert!(refused("10 ** 2 > 99").is_empty(), "the power operator stays");
    // Functions that could loop or allocate do not exist.
    assert!(refused("range(10**9) | list | length > 0")[0].starts_with("VS0402 `range` is not available"));
    assert!(refused("lipsum(10**9) | length > 0")[0].starts_with("VS0402 `lipsum` is not available"));
    // Filters that build large strings do not exist either.
    assert!(
        refused("contract.title | replace('a', 'aaaaaaaaaa') | length > 0")[0].contains("unknown filter `replace`")
    );
    assert!(refused("contract.title | center(1000000000) | length > 0")[0].contains("unknown filter `center`"));
    // Undefined variables and unknown filters.
    assert!(refused("nope.x")[0].starts_with("VS0402 `nope.x` is not a field"));
    assert!(refused("security.mfa | frobnicate")[0].contains("unknown filter `frobnicate`"));
    // Deep nesting is refused by the parser, not by the stack.
    let deep = format!("{}true{}", "(".repeat(300), ")".repeat(300));
    assert!(refused(&deep)[0].starts_with("VS0401 expression does not compile"));
    // Template tags (macros, loops) are not expressions.
    assert!(refused("{% macro f() %}{{ f() }}{% endmacro %}")[0].starts_with("VS0401"));
    // Long expressions are refused.
    let long = format!("true{}", " and true".repeat(200));
    assert!(refused(&long)[0].contains("rules allow at most 1000"));
    // An expression that fails on any contract is found at validation.
    assert!(refused("'2026-13-45' | age_days < 365")[0].starts_with("VS0403"));
}

#[test]
fn what_the_language_still_allows_stays_small_and_quick() {
    let started = std::time::Instant::now();
    let deep_not = format!("{}security.mfa", "not ".repeat(240));
    let concat = vec!["(contract.title ~ contract.title)"; 20].join(" ~ ");
    let p = policy(
        &[rule("not", "low", None, &deep_not), rule("concat", "low", None, &format!("({concat}) | length > 0"))]
            .concat(),
    )
    .unwrap();
    let subjects: Vec<Subject> = (0..4).map(|_| subject("title = \"MSA\"\n[security]\nmfa = true\n")).collect();
    let checked = check(std::slice::from_ref(&p), &subjects, as_of(), 2);
    assert!(checked.errors.is_empty());
    assert_eq!(checked.vendors[0].findings[0].status, Status::Pass);
    assert_eq!(checked.vendors[0].findings[1].status, Status::Pass);
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

/// `text` joined with a 100-character separator `levels` times (each level multiplies its length by 100).
fn join_bomb(text: &str, levels: usize) -> String {
    let sep = "x".repeat(99);
    format!("{text}{} | length > 0", format!(" | join('{sep}')").repeat(levels))
}

#[test]
fn nested_joins_are_refused_at_validation_at_the_require_line() {
    let require = join_bomb("'abcdefghij'", 3);
    let diagnostics = policy(&rule("bomb", "high", None, &require)).unwrap_err();
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    let d = &diagnostics[0];
    assert_eq!(d.code, crate::diag::Code::ExpressionFails);
    assert!(d.message.contains("`join` would build a value larger than 1 MiB"), "{}", d.message);
    let source = SourceFile::new("policies/p.toml", format!("{HEADER}{}", rule("bomb", "high", None, &require)));
    let position = source.position(d.span.clone().unwrap().start);
    assert_eq!((position.line, position.column), (10, 11), "the require value");
}

#[test]
fn a_join_bomb_over_contract_values_stops_the_rule_not_the_check() {
    let p = policy(
        &[rule("bomb", "high", None, &join_bomb("contract.title", 3)), rule("ok", "low", None, "true")].concat(),
    )
    .unwrap();
    let checked = run(&p, &format!("title = \"{}\"\n", "t".repeat(10)));
    let errors: Vec<&Diagnostic> = checked.errors.iter().collect();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].code, crate::diag::Code::ExpressionFails);
    assert!(
        errors[0].message.contains("rule `bomb`") && errors[0].message.contains("would build"),
        "{}",
        errors[0].message
    );
    assert_eq!(checked.vendors[0].findings.len(), 1, "the other rule still decides");
}
