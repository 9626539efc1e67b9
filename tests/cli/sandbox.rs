//! Hostile workspaces: links out of the templates folder, templates and
//! policy rules that try to exhaust memory or output, and ledgers that name
//! files outside the workspace. Each run must end with a clear error (or a
//! clear "not checked"), never a panic, a hang or another file's content.

use predicates::prelude::*;

use crate::score::sample;
use crate::vendorscore;

#[cfg(unix)]
#[test]
fn report_refuses_an_included_template_that_links_outside_the_workspace() {
    let dir = sample();
    let ws = dir.path().join("ws");
    std::fs::write(dir.path().join("secret.txt"), "root:x:0:0:secret\n").unwrap();
    std::fs::create_dir_all(ws.join("templates")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("secret.txt"), ws.join("templates/evil.j2")).unwrap();
    std::fs::write(ws.join("templates/scorecard.md.j2"), "# {{ vendor.name }}\n{% include \"evil.j2\" %}\n").unwrap();
    vendorscore(&ws)
        .args(["report", "--out", "r", "--format", "md"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("root:x").not())
        .stderr(predicate::str::contains("templates/evil.j2").and(predicate::str::contains("symbolic link")))
        .stderr(predicate::str::contains("root:x").not());
    assert!(!ws.join("r/northwind-cx.md").exists());
}
