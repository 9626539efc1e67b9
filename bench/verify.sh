#!/usr/bin/env bash
# Benchmark: `vendorscore audit verify --no-files` on a generated ledger of
# 1,000,000 entries (canonical form, hashes and chain of every line).
#
#   bench/verify.sh [ENTRIES]       (run from anywhere; ENTRIES default 1000000)
#
# Needs a Rust toolchain, Python 3 and apt (for hyperfine). Builds vendorscore
# (release), generates the ledger with bench/gen_ledger.py (seeded,
# deterministic; it follows docs/ledger.md and checks itself against the
# worked example there) into a temporary workspace, checks that vendorscore
# accepts it (`ok: ENTRIES entries`, exit 0) and rejects a small ledger with
# one altered entry (exit 1, naming the line), warms the page cache, waits
# for a quiet machine and times the verification with hyperfine (run in the
# workspace, output to /dev/null). Peak RSS comes from /usr/bin/time -v.
# Everything generated is deleted at the end.
#
# Environment:
#   BENCH_SEED    generator seed (default: the generator's default)
#   BENCH_RUNS    hyperfine runs (default 10)
#   BENCH_JSON    where hyperfine writes its JSON (default target/bench/verify.json)
#   BENCH_BIN     measure this vendorscore binary instead of building one
#   BENCH_KEEP=1  keep the generated workspace (its path is printed)
#   BENCH_SETTLE  seconds to wait at most for a quiet machine (default 300)
set -euo pipefail

ENTRIES="${1:-1000000}"
RUNS="${BENCH_RUNS:-10}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
JSON="${BENCH_JSON:-$ROOT/target/bench/verify.json}"
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

# --- the ledger ---------------------------------------------------------------
DIR="$(mktemp -d "${TMPDIR:-/tmp}/vendorscore-bench-verify.XXXXXX")"
if [ "${BENCH_KEEP:-0}" = 1 ]; then
    trap 'echo "kept $DIR" >&2' EXIT
else
    trap 'rm -rf "$DIR"' EXIT
fi
# Measure a copy of the binary: others may rebuild target/ meanwhile.
VS="$DIR/vendorscore"
cp "${BENCH_BIN:-$ROOT/target/release/vendorscore}" "$VS"
WS="$DIR/ws"
mkdir -p "$WS"
say "generating a ledger of $ENTRIES entries into $WS/audit/ledger.jsonl"
python3 bench/gen_ledger.py "$WS" --entries "$ENTRIES" ${BENCH_SEED:+--seed "$BENCH_SEED"}
LEDGER="$WS/audit/ledger.jsonl"
bytes="$(stat -c %s "$LEDGER")"
avail_kib="$(awk '/^MemAvailable:/ {print $2}' /proc/meminfo)"
[ "$avail_kib" -gt $(( bytes / 1024 * 2 )) ] || echo "WARNING: little free memory; the ledger may not stay cached" >&2

# --- sanity -------------------------------------------------------------------
say "sanity checks"
set +e
out="$(cd "$WS" && "$VS" audit verify --no-files 2>&1)"; rc=$?
set -e
echo "vendorscore audit verify --no-files: exit $rc: $out" >&2
[ "$rc" -eq 0 ] || die "vendorscore does not accept the generated ledger"
[[ "$out" == "ok: $ENTRIES entries"* ]] || die "expected 'ok: $ENTRIES entries ...'"
BAD="$DIR/bad"
mkdir -p "$BAD"
python3 bench/gen_ledger.py "$BAD" --entries 1000 --tamper 500 ${BENCH_SEED:+--seed "$BENCH_SEED"} 2>/dev/null
set +e
out="$(cd "$BAD" && "$VS" audit verify --no-files 2>&1)"; rc=$?
set -e
echo "on 1,000 entries with line 500 altered: exit $rc: $(printf '%s\n' "$out" | sed -n 1p)" >&2
[ "$rc" -eq 1 ] || die "vendorscore did not reject an altered entry (exit $rc)"
[[ "$out" == *"ledger.jsonl:500"* ]] || die "vendorscore did not name line 500"

# --- machine ------------------------------------------------------------------
say "machine"
{
    echo "nproc: $(nproc)"
    lscpu | grep 'Model name' | sed 's/  */ /g'
    echo "SHA extensions (sha_ni): $(grep -o -m1 'sha_ni' /proc/cpuinfo || echo no)"
    echo "memory: $(free -h | awk '/^Mem:/ {print $2}') total, $(free -h | awk '/^Mem:/ {print $7}') available"
    echo "vendorscore: $("$VS" --version) ($(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ', dirty tree'); binary sha256 $(sha256sum "$VS" | cut -c1-16))"
    echo "hyperfine: $(hyperfine --version)"
    echo "ledger: $ENTRIES entries, $bytes bytes ($(( bytes / ENTRIES )) per entry)"
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
cat "$LEDGER" > /dev/null

mkdir -p "$(dirname "$JSON")"
say "hyperfine: $RUNS runs"
busy0="$(cpu_busy)"; wall0="$(date +%s.%N)"
hyperfine --warmup 1 --runs "$RUNS" --export-json "$JSON" \
    -n "vendorscore audit verify --no-files" "cd $WS && $VS audit verify --no-files"
busy1="$(cpu_busy)"; wall1="$(date +%s.%N)"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

say "peak RSS (/usr/bin/time -v, one run)"
rss="$(cd "$WS" && /usr/bin/time -v "$VS" audit verify --no-files 2>&1 >/dev/null | awk -F': ' '/Maximum resident/ {print $2}')"
echo "vendorscore audit verify --no-files: $rss KiB" >&2

# --- summary ------------------------------------------------------------------
say "summary ($JSON)"
python3 - "$JSON" "$ENTRIES" "$bytes" "$rss" "$busy0" "$busy1" "$wall0" "$wall1" "$(getconf CLK_TCK)" "$(nproc)" <<'EOF'
import json, statistics, sys
r = json.load(open(sys.argv[1]))["results"][0]
entries, size, rss = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
busy0, busy1, wall0, wall1, hz, cores = map(float, sys.argv[5:])
t = r["times"]
m = statistics.median(t)
print(f"{r['command']}: median {m:.3f} s  min {min(t):.3f}  max {max(t):.3f}  "
      f"mean {r['mean']:.3f} ± {r['stddev'] or 0:.3f}  user {r['user']:.3f}  sys {r['system']:.3f}  ({len(t)} runs)")
rate = entries / m
print(f"entries/s: {rate:,.0f} at the median (min-max {entries / max(t):,.0f}-{entries / min(t):,.0f}); "
      f"{size / m / 2**20:.0f} MiB/s; peak RSS {rss / 1024:.1f} MiB")
print(f"target >= 200,000 entries/s: {'met' if rate >= 200_000 else 'MISSED'}")
ours = (len(t) + 1) * (r["user"] + r["system"])
busy = (busy1 - busy0) / hz
wall = wall1 - wall0
other = max(busy - ours, 0.0)
print(f"CPU during the measurement ({wall:.1f} s wall, {cores:.0f} cores): {busy:.1f} s busy machine-wide, "
      f"~{ours:.1f} s by the benchmarked command, ~{other:.1f} s by other processes "
      f"(~{100 * other / (wall * cores):.0f}% of the machine; approximate)")
EOF
