#!/usr/bin/env bash
# Benchmark: `vendorscore check --dry-run --format json` on a generated
# workspace of 10,000 vendors with contracts, against every shipped policy
# (six policies, 69 rules: about 690,000 rule evaluations), whole process.
#
#   bench/check.sh [VENDORS]   (run from anywhere; default 10000)
#
# Needs a Rust toolchain, Python 3 and apt (for hyperfine). Builds vendorscore
# (release), generates the workspace with bench/gen_contracts.py (seeded,
# deterministic) into a temporary folder, checks that it validates clean
# (exit 0, no errors, no warnings) and that `check` reports every vendor and
# every status and severity without writing a ledger, warms the page cache,
# waits for a quiet machine and times the run with hyperfine (output to
# /dev/null). Peak RSS comes from /usr/bin/time -v. Everything generated is
# deleted at the end.
#
# Environment:
#   BENCH_SEED    generator seed (default: the generator's default)
#   BENCH_RUNS    hyperfine runs (default 10)
#   BENCH_JSON    where hyperfine writes its JSON (default target/bench/check.json)
#   BENCH_BIN     measure this vendorscore binary instead of building one
#   BENCH_KEEP=1  keep the generated workspace (its path is printed)
#   BENCH_SETTLE  seconds to wait at most for a quiet machine (default 300)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

VENDORS="${1:-10000}"
RUNS="${BENCH_RUNS:-10}"
JSON="${BENCH_JSON:-$ROOT/target/bench/check.json}"

# --- tools --------------------------------------------------------------------
build_vs
need hyperfine /usr/bin/time=time

# --- the workspace ------------------------------------------------------------
scratch vendorscore-bench-check
WS="$DIR/ws"
say "generating a workspace of $VENDORS vendors with contracts into $WS"
python3 bench/gen_contracts.py "$WS" --vendors "$VENDORS" ${BENCH_SEED:+--seed "$BENCH_SEED"}

# --- sanity -------------------------------------------------------------------
say "sanity checks"
validate_ws "$WS"
[[ "$out" == *" 0 error(s), 0 warning(s)"* ]] || die "the generated workspace validates with warnings"
set +e
"$VS" --workspace "$WS" check --dry-run --format json > "$DIR/check.json"; rc=$?
set -e
# Exit 1: the run worked and rules fail at high or above, as generated.
[ "$rc" -eq 1 ] || die "vendorscore check exited $rc, expected 1"
python3 - "$DIR/check.json" "$VENDORS" <<'EOF'
import collections, json, sys
data = json.load(open(sys.argv[1]))
vendors, want = data["vendors"], int(sys.argv[2])
assert len(vendors) == want, f"checked {len(vendors)} vendors, expected {want}"
assert "ledger" not in data, "--dry-run output names a ledger entry"
findings = [f for v in vendors for f in v["findings"]]
status = collections.Counter(f["status"] for f in findings)
failing = collections.Counter(f["severity"] for f in findings if f["status"] in ("fail", "missing"))
assert set(status) == {"pass", "fail", "missing", "skipped"}, status
assert set(failing) == {"critical", "high", "medium", "low"}, failing
rules = len({(f["policy"], f["rule"]) for f in findings})
print(f"checked {len(vendors)} contracts x {rules} rules = {len(findings)} findings: {dict(status)}; "
      f"failing by severity: {dict(failing)}", file=sys.stderr)
EOF
[ ! -e "$WS/audit/ledger.jsonl" ] || die "--dry-run wrote a ledger"
files="$(find "$WS" -type f | wc -l)"
bytes="$(find "$WS" -type f -printf '%s\n' | awk '{s += $1} END {print s}')"
echo "workspace: $files files, $bytes bytes; JSON output: $(stat -c %s "$DIR/check.json") bytes" >&2
rm -f "$DIR/check.json"

# --- machine ------------------------------------------------------------------
say "machine"
{
    cpu_info
    mem_info
    vs_info
    echo "hyperfine: $(hyperfine --version)"
} >&2

# --- quiet machine, warm cache ------------------------------------------------
settle_quiet 300

say "warming the page cache"
find "$WS" -type f -exec cat {} + > /dev/null

mkdir -p "$(dirname "$JSON")"
say "hyperfine: $RUNS runs"
cpu_mark 0
# -i: check exits 1 (rules fail), which is the expected result here.
hyperfine -N -i --warmup 2 --runs "$RUNS" --export-json "$JSON" \
    -n "vendorscore check --dry-run --format json" "$VS --workspace $WS check --dry-run --format json"
cpu_mark 1
echo "load average after: $(loadavg)" >&2

say "peak RSS (/usr/bin/time -v, one run)"
rss="$(rss "$VS" --workspace "$WS" check --dry-run --format json || true)"  # exits 1, as above
echo "vendorscore check: $rss KiB" >&2

# --- summary ------------------------------------------------------------------
say "summary ($JSON)"
python3 - "$JSON" "$VENDORS" "$rss" <<'EOF'
import json, statistics, sys
r = json.load(open(sys.argv[1]))["results"][0]
vendors, rss = int(sys.argv[2]), int(sys.argv[3])
t = r["times"]
m = statistics.median(t)
print(f"{r['command']}: median {m:.3f} s  min {min(t):.3f}  max {max(t):.3f}  "
      f"mean {r['mean']:.3f} ± {r['stddev'] or 0:.3f}  user {r['user']:.3f}  sys {r['system']:.3f}  ({len(t)} runs)")
print(f"per contract: {1000 * m / vendors:.3f} ms (median / {vendors}); peak RSS {rss / 1024:.1f} MiB")
EOF
cpu_others "$JSON:2"
