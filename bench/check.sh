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

VENDORS="${1:-10000}"
RUNS="${BENCH_RUNS:-10}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
JSON="${BENCH_JSON:-$ROOT/target/bench/check.json}"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

say() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 2; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# --- tools --------------------------------------------------------------------
if [ -n "${BENCH_BIN:-}" ]; then
    [ -x "$BENCH_BIN" ] || die "BENCH_BIN=$BENCH_BIN is not an executable"
else
    say "building vendorscore (release)"
    cargo build --release --locked
fi
if ! command -v hyperfine >/dev/null 2>&1; then
    say "installing hyperfine (apt)"
    $SUDO apt-get update
    $SUDO apt-get install -y hyperfine
fi
[ -x /usr/bin/time ] || { $SUDO apt-get update; $SUDO apt-get install -y time; }

# --- the workspace ------------------------------------------------------------
DIR="$(mktemp -d "${TMPDIR:-/tmp}/vendorscore-bench-check.XXXXXX")"
if [ "${BENCH_KEEP:-0}" = 1 ]; then
    trap 'echo "kept $DIR" >&2' EXIT
else
    trap 'rm -rf "$DIR"' EXIT
fi
# Measure a copy of the binary: others may rebuild target/ meanwhile.
VS="$DIR/vendorscore"
cp "${BENCH_BIN:-$ROOT/target/release/vendorscore}" "$VS"
WS="$DIR/ws"
say "generating a workspace of $VENDORS vendors with contracts into $WS"
python3 bench/gen_contracts.py "$WS" --vendors "$VENDORS" ${BENCH_SEED:+--seed "$BENCH_SEED"}

# --- sanity -------------------------------------------------------------------
say "sanity checks"
set +e
out="$("$VS" validate "$WS" 2>&1)"; rc=$?
set -e
echo "vendorscore validate: exit $rc: $(printf '%s\n' "$out" | tail -n 1)" >&2
[ "$rc" -eq 0 ] || { printf '%s\n' "$out" | tail -n 30 >&2; die "the generated workspace does not validate"; }
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
    echo "nproc: $(nproc)"
    lscpu | grep 'Model name' | sed 's/  */ /g'
    echo "memory: $(free -h | awk '/^Mem:/ {print $2}') total, $(free -h | awk '/^Mem:/ {print $7}') available"
    echo "vendorscore: $("$VS" --version) ($(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ', dirty tree'); binary sha256 $(sha256sum "$VS" | cut -c1-16))"
    echo "hyperfine: $(hyperfine --version)"
} >&2

# --- quiet machine, warm cache ------------------------------------------------
cpu_busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }
busy_pct() {  # share of the whole machine busy over the next 5 s, in percent
    local b0 b1
    b0="$(cpu_busy)"; sleep 5; b1="$(cpu_busy)"
    echo $(( (b1 - b0) * 100 / (5 * $(getconf CLK_TCK) * $(nproc)) ))
}
settle="${BENCH_SETTLE:-300}"
say "waiting up to ${settle}s for the machine to be quiet (< 10% busy over 5 s)"
waited=0
while :; do
    pct="$(busy_pct)"; waited=$((waited + 5))
    [ "$pct" -lt 10 ] && break
    if [ "$waited" -ge "$settle" ]; then
        echo "WARNING: the machine is still ${pct}% busy; the figures below are taken under load" >&2
        break
    fi
done
echo "busy: ${pct}%; load average: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

say "warming the page cache"
find "$WS" -type f -exec cat {} + > /dev/null

mkdir -p "$(dirname "$JSON")"
say "hyperfine: $RUNS runs"
busy0="$(cpu_busy)"; wall0="$(date +%s.%N)"
# -i: check exits 1 (rules fail), which is the expected result here.
hyperfine -N -i --warmup 2 --runs "$RUNS" --export-json "$JSON" \
    -n "vendorscore check --dry-run --format json" "$VS --workspace $WS check --dry-run --format json"
busy1="$(cpu_busy)"; wall1="$(date +%s.%N)"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

say "peak RSS (/usr/bin/time -v, one run)"
rss="$( { /usr/bin/time -v "$VS" --workspace "$WS" check --dry-run --format json 2>&1 >/dev/null || true; } \
    | awk -F': ' '/Maximum resident/ {print $2}')"
echo "vendorscore check: $rss KiB" >&2

# --- summary ------------------------------------------------------------------
say "summary ($JSON)"
python3 - "$JSON" "$VENDORS" "$rss" "$busy0" "$busy1" "$wall0" "$wall1" "$(getconf CLK_TCK)" "$(nproc)" <<'EOF'
import json, statistics, sys
r = json.load(open(sys.argv[1]))["results"][0]
vendors, rss = int(sys.argv[2]), int(sys.argv[3])
busy0, busy1, wall0, wall1, hz, cores = map(float, sys.argv[4:])
t = r["times"]
m = statistics.median(t)
print(f"{r['command']}: median {m:.3f} s  min {min(t):.3f}  max {max(t):.3f}  "
      f"mean {r['mean']:.3f} ± {r['stddev'] or 0:.3f}  user {r['user']:.3f}  sys {r['system']:.3f}  ({len(t)} runs)")
print(f"per contract: {1000 * m / vendors:.3f} ms (median / {vendors}); peak RSS {rss / 1024:.1f} MiB")
ours = (len(t) + 2) * (r["user"] + r["system"])
busy = (busy1 - busy0) / hz
wall = wall1 - wall0
other = max(busy - ours, 0.0)
print(f"CPU during the measurement ({wall:.1f} s wall, {cores:.0f} cores): {busy:.1f} s busy machine-wide, "
      f"~{ours:.1f} s by the benchmarked command, ~{other:.1f} s by other processes "
      f"(~{100 * other / (wall * cores):.0f}% of the machine; approximate)")
EOF
