#!/usr/bin/env bash
# Benchmark: `vendorscore sla` vs DuckDB (Python) on generated ticket exports.
#
#   bench/sla.sh [ROWS...]            (run from anywhere; ROWS default: 1000000 10000000)
#
# Needs a Rust toolchain, Python 3 with pip, and apt (for hyperfine). Builds
# vendorscore (release), installs the duckdb Python package and hyperfine if
# missing, generates each export with bench/gen_tickets.py into a temporary
# folder, writes a contract with five clauses (first response on four
# channels, one weekly and one filtered by tier; resolution of urgent
# tickets), checks that vendorscore and DuckDB agree on every clause and
# period (counts exactly; attainment, breach and nearest-rank p50/p90/p95),
# records peak memory with /usr/bin/time -v and times both as whole
# processes with hyperfine. A second contract measures the same export in
# business hours (SPEC 11: a Europe/Berlin [[calendar]] with holidays and an
# exception, periods in Europe/Berlin, one clause with boundary = "lt"); its
# results must agree with bench/sla_business.py (Python's zoneinfo, written
# from docs/sla.md) on every clause and period, and it is timed beside the
# wall-clock run (target: at most 1.5x its time).
# A third contract uses every SPEC section 12 feature on the same export (a voice clause with abandons and short abandons, allocation
# and shortfall credits, earn-back, a minimum, min_volume, chronic, an
# exclusion window, forecasts with a volume tolerance; abandon_rate and asa),
# checks that vendorscore and DuckDB agree on every clause and period of both
# (counts exactly, abandons and exclusions included; attainment, breach and
# nearest-rank p50/p90/p95), records peak memory with /usr/bin/time -v and
# times all three as whole processes with hyperfine. The target for the
# regimes contract: at most 1.2x the plain vendorscore run.
#
# Environment:
#   BENCH_SEED     generator seed (default: the generator's default)
#   BENCH_RUNS     hyperfine runs per command (default 7)
#   BENCH_THREADS  DuckDB threads (default: nproc; vendorscore uses every core)
#   BENCH_DIR      where hyperfine JSON goes (default target/bench)
#   BENCH_BIN      measure this vendorscore binary instead of building one
#   BENCH_KEEP=1   keep the generated folder (its path is printed)
#   BENCH_SETTLE   seconds to wait at most for the load average to drop (default 120)
#   BENCH_AGREE_ONLY=1  stop after the agreement checks (no timing)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ROWS=("$@")
[ "${#ROWS[@]}" -gt 0 ] || ROWS=(1000000 10000000)
RUNS="${BENCH_RUNS:-7}"
THREADS="${BENCH_THREADS:-$(nproc)}"
OUT="${BENCH_DIR:-$ROOT/target/bench}"
AS_OF="2026-11-21"

# --- tools --------------------------------------------------------------------
build_vs
if ! python3 -c 'import duckdb' >/dev/null 2>&1; then
    say "installing duckdb (pip)"
    python3 -m pip install --quiet duckdb
fi
need hyperfine /usr/bin/time=time

# --- inputs -------------------------------------------------------------------
scratch vendorscore-sla-bench
CONTRACT="$DIR/contract.toml"
cat > "$CONTRACT" <<'EOF'
[contract]
vendor = "bench-vendor"
currency = "EUR"
monthly_fee = 42000

[[sla]]
id = "chat-first-response"
metric = "first_response"
channel = "chat"
target = "60s"
attainment = 80
period = "month"
credit_pct = 5

[[sla]]
id = "email-first-response"
metric = "first_response"
channel = "email"
target = "24h"
attainment = 90
period = "month"
credit_pct = 3

[[sla]]
id = "voice-tier1"
metric = "first_response"
channel = "voice"
tier = 1
target = "20s"
attainment = 80
period = "month"
credit_pct = 5

[[sla]]
id = "urgent-resolution"
metric = "resolution"
channel = "any"
priority = "urgent"
target = "4h"
attainment = 85
period = "month"
credit_pct = 4

[[sla]]
id = "social-weekly"
metric = "first_response"
channel = "social"
target = "20m"
attainment = 80
period = "week"
credit_pct = 1

[service_credits]
cap_pct = 10
EOF

CONTRACT_BIZ="$DIR/contract-business.toml"
cat > "$CONTRACT_BIZ" <<'EOF'
[contract]
vendor = "bench-vendor"
currency = "EUR"
monthly_fee = 42000
timezone = "Europe/Berlin"

[[calendar]]
id = "eu-support"
timezone = "Europe/Berlin"
hours = { mon = ["08:00-12:00", "13:00-18:00"], tue = ["08:00-18:00"], wed = ["08:00-18:00"], thu = ["08:00-18:00"], fri = ["08:00-18:00"], sat = ["09:00-13:00"], sun = ["02:00-03:00"] }
holidays = [2026-04-03, 2026-04-06, 2026-12-25, 2026-12-26, { from = 2026-12-31, to = 2027-01-01 }]
exceptions = [{ date = 2026-11-27, hours = ["06:00-22:00"] }]

[[sla]]
id = "chat-first-response"
metric = "first_response"
channel = "chat"
target = "60s"
attainment = 80
period = "month"
credit_pct = 5
clock = "business"
calendar = "eu-support"
boundary = "lt"

[[sla]]
id = "email-first-response"
metric = "first_response"
channel = "email"
target = "8h"
attainment = 90
period = "month"
credit_pct = 3
clock = "business"
calendar = "eu-support"

[[sla]]
id = "urgent-resolution"
metric = "resolution"
channel = "any"
priority = "urgent"
target = "4h"
attainment = 85
period = "month"
credit_pct = 4
clock = "business"
calendar = "eu-support"

[[sla]]
id = "social-weekly"
metric = "first_response"
channel = "social"
target = "20m"
attainment = 80
period = "week"
credit_pct = 1

[service_credits]
cap_pct = 10
EOF

REGIMES="$DIR/regimes.toml"
cat > "$REGIMES" <<'EOF'
[contract]
vendor = "bench-vendor"
currency = "EUR"
start = 2026-01-01
monthly_fee = 42000

[[sla]]
id = "voice-service-level"
metric = "first_response"
channel = "voice"
target = "20s"
attainment = 90
period = "month"
abandons = "exclude_within_target"
short_abandon = "5s"
credit = { model = "allocation", pct = 40 }
earn_back = { periods = 2, attainment = 92 }
min_volume = 30
chronic = { breaches = 3, periods = 6 }
volume_tolerance_pct = 1
excusal = "waive"

[[sla]]
id = "voice-abandon-rate"
metric = "abandon_rate"
channel = "voice"
target = 5
attainment = 0
period = "month"
short_abandon = "5s"
credit = { model = "allocation", pct = 30 }

[[sla]]
id = "voice-asa"
metric = "asa"
channel = "voice"
target = "30s"
attainment = 0
period = "week"
kind = "key"

[[sla]]
id = "chat-first-response"
metric = "first_response"
channel = "chat"
target = "60s"
attainment = 85
period = "month"
minimum = 75
credit = { model = "shortfall", per_point_pct = 0.5 }

[service_credits]
at_risk_pct = 12
pool_pct = 100
cap_pct = 10
annual_cap_pct = 6

[[exclusion]]
from = 2026-03-03T10:00:00Z
to = 2026-03-05T10:00:00Z
reason = "client telephony outage"
channels = ["voice", "chat"]
EOF
# Forecasts for the voice clause: an even share of the year's voice calls per
# month, a little under what the generator makes, so that most months run
# over the 1 % tolerance and their breaches are excused.
forecasts() {
    local rows=$1 month
    for month in 01 02 03 04 05 06 07 08 09 10 11 12; do
        printf '\n[[forecast]]\nperiod = "2026-%s"\nchannel = "voice"\nvolume = %d\n' "$month" $((rows * 18 / 100 / 12))
    done
}

vs_cmd() { echo "'$VS' sla '$1' --contract '${2:-$CONTRACT}' --format json --dry-run --as-of $AS_OF"; }
duck_cmd() { echo "python3 '$ROOT/bench/sla_duckdb.py' '$1' '${2:-$CONTRACT}' --as-of $AS_OF --threads $THREADS"; }

for rows in "${ROWS[@]}"; do
    say "generating $rows tickets"
    python3 bench/gen_tickets.py "$rows" "$DIR/tickets-$rows.csv" ${BENCH_SEED:+--seed "$BENCH_SEED"}
done

# --- agreement ----------------------------------------------------------------
# agree OURS.json THEIRS.json WHAT: every result identical, or die.
agree() {
    python3 - "$1" "$2" "$3" <<'EOF' || die "vendorscore and $3 disagree"
import json, sys
ours = json.load(open(sys.argv[1]))
theirs = json.load(open(sys.argv[2]))["results"]
assert ours["rows"]["rejected"] == 0, ours["rows"]
mine = ours["results"]
keys = ["clause", "period", "in_scope", "met", "attainment", "required", "breached", "p50", "p90", "p95",
        "answered", "abandoned", "short_abandoned", "excluded"]
# A reference that does not count abandons or exclusions is held to the rest.
keys = [k for k in keys if all(k in r for r in theirs)]
assert len(mine) == len(theirs), (len(mine), len(theirs))
bad = [(a, b) for a, b in zip(mine, theirs) if any(a[k] != b[k] for k in keys)]
for a, b in bad[:5]:
    print("vendorscore:", {k: a[k] for k in keys}, "\nreference:  ", {k: b[k] for k in keys}, file=sys.stderr)
assert not bad, f"{len(bad)} of {len(mine)} results differ"
tickets = sum(r["in_scope"] for r in mine)
breaches = sum(r["breached"] for r in mine)
statuses = sorted({r["status"] for r in mine})
print(f"agree with {sys.argv[3]}: {len(mine)} results (clause x period), {tickets} tickets in scope, "
      f"{breaches} breaches; rows read {ours['rows']['read']}; {', '.join(keys)} identical; "
      f"statuses seen: {', '.join(statuses)}")
EOF
}

for rows in "${ROWS[@]}"; do
    { cat "$REGIMES"; forecasts "$rows"; } > "$DIR/regimes-$rows.toml"
done
for rows in "${ROWS[@]}"; do
    csv="$DIR/tickets-$rows.csv"
    for contract in "$CONTRACT" "$DIR/regimes-$rows.toml"; do
        say "agreement at $rows rows: $(basename "$contract")"
        eval "$(vs_cmd "$csv" "$contract")" > "$DIR/vs-$rows.json"
        eval "$(duck_cmd "$csv" "$contract")" > "$DIR/duck-$rows.json"
        agree "$DIR/vs-$rows.json" "$DIR/duck-$rows.json" duckdb
    done
    say "agreement at $rows rows, business hours in Europe/Berlin"
    eval "$(vs_cmd "$csv" "$CONTRACT_BIZ")" > "$DIR/vs-biz-$rows.json"
    python3 "$ROOT/bench/sla_business.py" "$csv" "$CONTRACT_BIZ" --as-of $AS_OF > "$DIR/ref-biz-$rows.json"
    agree "$DIR/vs-biz-$rows.json" "$DIR/ref-biz-$rows.json" "the Python business-hours reference"
done
[ -z "${BENCH_AGREE_ONLY:-}" ] || exit 0

# --- measure ------------------------------------------------------------------
say "machine"
{
    cpu_info
    echo "memory: $(free -h | awk '/^Mem:/ {print $2}')"
    vs_info short
    echo "duckdb: $(python3 -c 'import duckdb; print(duckdb.__version__)') (Python $(python3 -c 'import platform; print(platform.python_version())'), $THREADS threads)"
    echo "hyperfine: $(hyperfine --version)"
    for rows in "${ROWS[@]}"; do
        echo "tickets-$rows.csv: $(stat -c %s "$DIR/tickets-$rows.csv") bytes"
    done
    echo "load average before: $(loadavg)"
} >&2

settle_load 120
echo "load average now: $(loadavg)" >&2

mkdir -p "$OUT"
peak() { rss "$@" | awk '{ printf "%.1f MiB", $1 / 1024 }'; }
for rows in "${ROWS[@]}"; do
    csv="$DIR/tickets-$rows.csv"
    say "$rows rows: peak memory (one run each, /usr/bin/time -v)"
    cat "$csv" > /dev/null # page cache
    echo "vendorscore: $(peak "$VS" sla "$csv" --contract "$CONTRACT" --format json --dry-run --as-of $AS_OF)" >&2
    echo "vendorscore, business hours: $(peak "$VS" sla "$csv" --contract "$CONTRACT_BIZ" --format json --dry-run --as-of $AS_OF)" >&2
    echo "vendorscore (regimes): $(peak "$VS" sla "$csv" --contract "$DIR/regimes-$rows.toml" --format json --dry-run --as-of $AS_OF)" >&2
    echo "duckdb:      $(peak python3 "$ROOT/bench/sla_duckdb.py" "$csv" "$CONTRACT" --as-of $AS_OF --threads "$THREADS")" >&2

    say "$rows rows: hyperfine, $RUNS runs each"
    cpu_mark 0
    hyperfine --warmup 1 --runs "$RUNS" --export-json "$OUT/sla-$rows.json" \
        -n "vendorscore sla" "$(vs_cmd "$csv")" \
        -n "vendorscore sla, business hours" "$(vs_cmd "$csv" "$CONTRACT_BIZ")" \
        -n "vendorscore sla (regimes)" "$(vs_cmd "$csv" "$DIR/regimes-$rows.toml")" \
        -n "duckdb" "$(duck_cmd "$csv")"
    cpu_mark 1
    python3 - "$OUT/sla-$rows.json" "$busy0" "$busy1" "$wall0" "$wall1" "$(getconf CLK_TCK)" "$(nproc)" "$rows" <<'EOF'
import json, statistics, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
busy0, busy1, wall0, wall1, hz, cores, rows = map(float, sys.argv[2:])
print(f"-- {rows:.0f} rows")
for name, r in results.items():
    t = r["times"]
    print(f"{name:16} median {statistics.median(t):.3f} s  min {min(t):.3f}  max {max(t):.3f}  "
          f"user {r['user']:.3f}  sys {r['system']:.3f}  ({len(t)} runs)")
vs = statistics.median(results["vendorscore sla"]["times"])
db = statistics.median(results["duckdb"]["times"])
print(f"ratio (vendorscore / duckdb, medians): {vs / db:.2f}  -> target <= 0.50 {'met' if vs / db <= 0.5 else 'MISSED'}")
biz = statistics.median(results["vendorscore sla, business hours"]["times"])
print(f"ratio (business hours / wall clock, medians): {biz / vs:.2f}  -> target <= 1.50 {'met' if biz / vs <= 1.5 else 'MISSED'}")
print(f"ratio (business hours / duckdb, medians): {biz / db:.2f}  -> target <= 0.50 {'met' if biz / db <= 0.5 else 'MISSED'}")
regimes = statistics.median(results["vendorscore sla (regimes)"]["times"])
print(f"ratio (regimes / plain vendorscore, medians): {regimes / vs:.2f}  -> target <= 1.20 "
      f"{'met' if regimes / vs <= 1.2 else 'MISSED'}")
ours = sum((len(r["times"]) + 1) * (r["user"] + r["system"]) for r in results.values())
busy, wall = (busy1 - busy0) / hz, wall1 - wall0
other = max(busy - ours, 0.0)
print(f"other processes took ~{other:.1f} s of CPU during {wall:.1f} s on {cores:.0f} cores "
      f"(~{100 * other / (wall * cores):.0f}% of the machine; approximate)")
EOF
done
