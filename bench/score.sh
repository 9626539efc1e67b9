#!/usr/bin/env bash
# Benchmark: `vendorscore score --dry-run --format json` on a generated
# workspace of 2,000 vendors and a 60-criterion rubric (whole process).
#
#   bench/score.sh [VENDORS [CRITERIA]]   (run from anywhere; defaults 2000 and 60)
#
# Needs a Rust toolchain, Python 3 and apt (for hyperfine). Builds vendorscore
# (release), generates the workspace with bench/gen_workspace.py (seeded,
# deterministic) into a temporary folder, checks that it validates clean
# (exit 0, no errors, no warnings) and that `score` ranks every vendor
# without writing a ledger, warms the page cache, waits for a quiet machine
# and times the run with hyperfine (output to /dev/null). Peak RSS comes
# from /usr/bin/time -v. Everything generated is deleted at the end.
#
# Environment:
#   BENCH_SEED    generator seed (default: the generator's default)
#   BENCH_RUNS    hyperfine runs (default 10)
#   BENCH_JSON    where hyperfine writes its JSON (default target/bench/score.json)
#   BENCH_BIN     measure this vendorscore binary instead of building one
#   BENCH_KEEP=1  keep the generated workspace (its path is printed)
#   BENCH_SETTLE  seconds to wait at most for a quiet machine (default 300)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

VENDORS="${1:-2000}"
CRITERIA="${2:-60}"
RUNS="${BENCH_RUNS:-10}"
JSON="${BENCH_JSON:-$ROOT/target/bench/score.json}"

# --- tools --------------------------------------------------------------------
build_vs
need hyperfine /usr/bin/time=time

# --- the workspace ------------------------------------------------------------
scratch vendorscore-bench-score
WS="$DIR/ws"
say "generating a workspace of $VENDORS vendors, $CRITERIA criteria into $WS"
python3 bench/gen_workspace.py "$WS" --vendors "$VENDORS" --criteria "$CRITERIA" ${BENCH_SEED:+--seed "$BENCH_SEED"}

# --- sanity -------------------------------------------------------------------
say "sanity checks"
validate_ws "$WS"
[[ "$out" == *" 0 error(s), 0 warning(s)"* ]] || die "the generated workspace validates with warnings"
"$VS" --workspace "$WS" score --dry-run --format json > "$DIR/score.json"
python3 - "$DIR/score.json" "$VENDORS" "$CRITERIA" <<'EOF'
import collections, json, sys
data = json.load(open(sys.argv[1]))
vendors, want, criteria = data["vendors"], int(sys.argv[2]), int(sys.argv[3])
assert len(vendors) == want, f"scored {len(vendors)} vendors, expected {want}"
assert all(len(v["criteria"]) == criteria for v in vendors), "a vendor lacks criteria"
assert "ledger" not in data, "--dry-run output names a ledger entry"
status = collections.Counter(v["status"] for v in vendors)
issues = collections.Counter(i for v in vendors for c in v["criteria"] for i in c["issues"])
evidence = sum(len(c["evidence"]) for v in vendors for c in v["criteria"])
print(f"scored {len(vendors)} vendors x {criteria} criteria: {dict(status)}; issues {dict(issues)}; "
      f"{evidence} evidence citations hashed", file=sys.stderr)
EOF
[ ! -e "$WS/audit/ledger.jsonl" ] || die "--dry-run wrote a ledger"
files="$(find "$WS" -type f | wc -l)"
bytes="$(find "$WS" -type f -printf '%s\n' | awk '{s += $1} END {print s}')"
echo "workspace: $files files, $bytes bytes" >&2

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
hyperfine -N --warmup 2 --runs "$RUNS" --export-json "$JSON" \
    -n "vendorscore score --dry-run --format json" "$VS --workspace $WS score --dry-run --format json"
cpu_mark 1
echo "load average after: $(loadavg)" >&2

say "peak RSS (/usr/bin/time -v, one run)"
rss="$(rss "$VS" --workspace "$WS" score --dry-run --format json)"
echo "vendorscore score: $rss KiB" >&2

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
print(f"per vendor: {1000 * m / vendors:.3f} ms (median / {vendors}); peak RSS {rss / 1024:.1f} MiB")
EOF
cpu_others "$JSON:2"
