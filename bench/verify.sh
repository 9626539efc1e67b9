#!/usr/bin/env bash
# Benchmark: `vendorscore audit verify --no-files` on a generated ledger of
# 1,000,000 entries (canonical form, hashes and chain of every line), and
# `vendorscore due` and `vendorscore trend` over the same ledger (each
# streams it; each must take no longer than the verification).
#
#   bench/verify.sh [ENTRIES]       (run from anywhere; ENTRIES default 1000000)
#
# Needs a Rust toolchain, Python 3 and apt (for hyperfine). Builds vendorscore
# (release), generates the ledger with bench/gen_ledger.py (seeded,
# deterministic; it follows docs/ledger.md and checks itself against the
# worked example there) into a temporary workspace, checks that vendorscore
# accepts it (`ok: ENTRIES entries`, exit 0) and rejects a small ledger with
# one altered entry (exit 1, naming the line), writes vendors/<id>/vendor.toml
# for the ledger's 500 vendors (with intake answers, so each gets a tier),
# warms the page cache, waits for a quiet machine and times the verification,
# `due --dry-run` and `trend` (all vendors) with hyperfine (run in the
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
. "$(dirname "$0")/lib.sh"

ENTRIES="${1:-1000000}"
RUNS="${BENCH_RUNS:-10}"
JSON="${BENCH_JSON:-$ROOT/target/bench/verify.json}"

# --- tools --------------------------------------------------------------------
build_vs
need hyperfine /usr/bin/time=time

# --- the ledger ---------------------------------------------------------------
scratch vendorscore-bench-verify
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

# --- vendors for due and trend -------------------------------------------------
say "writing vendor.toml for the ledger's 500 vendors"
python3 - "$WS" <<'EOF_VENDORS'
import os, sys
# The vendor ids of bench/gen_ledger.py's Pool.
NAMES = ["northwind", "aero", "mueller", "lodz", "atlantico", "bayanihan", "contoso", "fabrikam",
         "zagiel", "nordlys", "soerensen", "capek", "iberica", "helvetia", "baltic", "adriatic"]
for i in range(500):
    v = f"{NAMES[i % len(NAMES)]}-{i:03d}"
    os.makedirs(os.path.join(sys.argv[1], "vendors", v), exist_ok=True)
    b = [1 + (i * k) % 4 for k in (1, 3, 5)]
    d = [1 + (i * k) % 4 for k in (2, 7, 11)]
    intake = "".join(f"{key} = {value}\n" for key, value in zip(["b1", "b2", "b3", "d1", "d2", "d3"], b + d))
    with open(os.path.join(sys.argv[1], "vendors", v, "vendor.toml"), "w") as f:
        regulated = "yes" if i % 10 == 0 else "no"
        f.write(f'[vendor]\nid = "{v}"\nname = "{v}"\n\n[intake]\n{intake}regulated = "{regulated}"\n')
EOF_VENDORS
set +e
out="$(cd "$WS" && "$VS" due --dry-run --as-of 2026-12-01 -q 2>&1 | tail -1)"; rc=$?
set -e
echo "vendorscore due --dry-run: $out" >&2
[[ "$out" == *" ok "* ]] || die "due did not list the vendors' items"
out="$(cd "$WS" && "$VS" trend -q 2>&1 | tail -1)"
echo "vendorscore trend: $out" >&2
[[ "$out" == "$ENTRIES ledger entries read" ]] || die "trend did not read every entry"

# --- machine ------------------------------------------------------------------
say "machine"
{
    cpu_info
    echo "SHA extensions (sha_ni): $(grep -o -m1 'sha_ni' /proc/cpuinfo || echo no)"
    mem_info
    vs_info
    echo "hyperfine: $(hyperfine --version)"
    echo "ledger: $ENTRIES entries, $bytes bytes ($(( bytes / ENTRIES )) per entry)"
} >&2

# --- quiet machine, warm cache ------------------------------------------------
settle_quiet 300

say "warming the page cache"
cat "$LEDGER" > /dev/null

mkdir -p "$(dirname "$JSON")"
say "hyperfine: $RUNS runs"
cpu_mark 0
hyperfine --warmup 1 --runs "$RUNS" --export-json "$JSON" \
    -n "vendorscore audit verify --no-files" "cd $WS && $VS audit verify --no-files" \
    -n "vendorscore due --dry-run" "cd $WS && $VS due --dry-run --as-of 2026-12-01 -q; test \$? -le 1" \
    -n "vendorscore trend" "cd $WS && $VS trend -q"
cpu_mark 1
echo "load average after: $(loadavg)" >&2

say "peak RSS (/usr/bin/time -v, one run)"
rss="$(cd "$WS" && rss "$VS" audit verify --no-files)"
echo "vendorscore audit verify --no-files: $rss KiB" >&2
rss_due="$(cd "$WS" && rss "$VS" due --dry-run --as-of 2026-12-01 -q)"
echo "vendorscore due --dry-run: $rss_due KiB" >&2
rss_trend="$(cd "$WS" && rss "$VS" trend -q)"
echo "vendorscore trend: $rss_trend KiB" >&2

# --- summary ------------------------------------------------------------------
say "summary ($JSON)"
python3 - "$JSON" "$ENTRIES" "$bytes" "$rss" "$rss_due" "$rss_trend" <<'EOF'
import json, statistics, sys
results = json.load(open(sys.argv[1]))["results"]
r = results[0]
entries, size, rss = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
t = r["times"]
m = statistics.median(t)
print(f"{r['command']}: median {m:.3f} s  min {min(t):.3f}  max {max(t):.3f}  "
      f"mean {r['mean']:.3f} ± {r['stddev'] or 0:.3f}  user {r['user']:.3f}  sys {r['system']:.3f}  ({len(t)} runs)")
rate = entries / m
print(f"entries/s: {rate:,.0f} at the median (min-max {entries / max(t):,.0f}-{entries / min(t):,.0f}); "
      f"{size / m / 2**20:.0f} MiB/s; peak RSS {rss / 1024:.1f} MiB")
print(f"target >= 200,000 entries/s: {'met' if rate >= 200_000 else 'MISSED'}")
for other, other_rss in zip(results[1:], sys.argv[5:]):
    t = other["times"]
    om = statistics.median(t)
    print(f"{other['command']}: median {om:.3f} s  min {min(t):.3f}  max {max(t):.3f}  "
          f"user {other['user']:.3f}  sys {other['system']:.3f}  peak RSS {int(other_rss) / 1024:.1f} MiB  "
          f"({om / m:.2f} x verify: {'met' if om <= m else 'MISSED'})")
EOF
cpu_others "$JSON:1"
