#!/usr/bin/env bash
# Benchmark: `vendorscore sensitivity --samples 100000 --dry-run --format json`
# (one weight at a time for 8 categories, SMAA-2 with 100,000 weightings,
# leave one out) on 50 vendors x 8 categories x 40 criteria, whole process,
# side by side with a vectorised NumPy implementation of the same sampler and
# scoring (bench/smaa_numpy.py) in the same run.
#
#   bench/sensitivity.sh [SAMPLES]   (run from anywhere; default 100000)
#
# Needs a Rust toolchain, Python 3 (NumPy is installed with pip if missing)
# and apt (for hyperfine). Builds vendorscore (release), generates the
# workspace with bench/gen_sensitivity.py (seeded) into a temporary folder,
# checks that it validates clean, runs both once and checks that their rank
# acceptabilities agree within sampling error (4 standard errors of the
# difference of two binomial proportions, per vendor and rank), then waits
# for a quiet machine and times both with hyperfine (output to /dev/null).
# NumPy's compute time (after its import and the input are loaded) is
# printed too. Everything generated is deleted at the end.
#
# Environment:
#   BENCH_SEED    generator seed (default: the generator's default)
#   BENCH_RUNS    hyperfine runs (default 10)
#   BENCH_JSON    where hyperfine writes its JSON (default target/bench/sensitivity.json)
#   BENCH_BIN     measure this vendorscore binary instead of building one
#   BENCH_KEEP=1  keep the generated workspace (its path is printed)
#   BENCH_SETTLE  seconds to wait at most for a quiet machine (default 300)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

SAMPLES="${1:-100000}"
RUNS="${BENCH_RUNS:-10}"
JSON="${BENCH_JSON:-$ROOT/target/bench/sensitivity.json}"

# --- tools --------------------------------------------------------------------
build_vs
need hyperfine /usr/bin/time=time
if ! python3 -c 'import numpy' 2>/dev/null; then
    say "installing numpy (pip)"
    python3 -m pip install --quiet numpy
fi

# --- the workspace ------------------------------------------------------------
scratch vendorscore-bench-sensitivity
WS="$DIR/ws"
say "generating 50 vendors x 8 categories x 40 criteria into $WS"
python3 bench/gen_sensitivity.py "$WS" ${BENCH_SEED:+--seed "$BENCH_SEED"}

# --- sanity -------------------------------------------------------------------
say "sanity checks"
validate_ws "$WS"
[[ "$out" == *" 0 error(s), 0 warning(s)"* ]] || die "the generated workspace validates with warnings"
VS_CMD=("$VS" --workspace "$WS" sensitivity --samples "$SAMPLES" --dry-run --format json)
NP_CMD=(python3 "$ROOT/bench/smaa_numpy.py" "$WS/matrix.json" --samples "$SAMPLES")
"${VS_CMD[@]}" > "$DIR/vs.json"
"${NP_CMD[@]}" --out "$DIR/np.json"
[ ! -e "$WS/audit/ledger.jsonl" ] || die "--dry-run wrote a ledger"
python3 - "$DIR/vs.json" "$DIR/np.json" "$SAMPLES" <<'PY'
import json, math, sys
vs, np_, N = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), int(sys.argv[3])
ours = {v["id"]: v["rank_acceptability"] for v in vs["smaa"]["vendors"]}
assert sorted(ours) == np_["ids"], "the two ran different vendors"
worst, beyond, cells = 0.0, 0, 0
for i, vid in enumerate(np_["ids"]):
    for r, (a, b) in enumerate(zip(ours[vid], np_["rank_acceptability"][i])):
        p = (a + b) / 2
        sigma = math.sqrt(2 * p * (1 - p) / N) + 0.5e-4 / 4  # vendorscore prints 4 decimals
        z = abs(a - b) / sigma
        worst = max(worst, z)
        beyond += z > 4
        cells += 1
leader = max(ours, key=lambda v: ours[v][0])
print(f"rank acceptability, {cells} cells: largest difference {worst:.2f} standard errors, {beyond} beyond 4; "
      f"most often first: {leader} ({ours[leader][0]:.4f} vendorscore, "
      f"{np_['rank_acceptability'][np_['ids'].index(leader)][0]:.4f} NumPy)", file=sys.stderr)
assert beyond == 0, "vendorscore and NumPy disagree beyond sampling error"
PY

# --- measure ------------------------------------------------------------------
settle_quiet 300
mkdir -p "$(dirname "$JSON")"
cpu_mark 0
hyperfine --warmup 2 --runs "$RUNS" --export-json "$JSON" \
    -n vendorscore "${VS_CMD[*]} > /dev/null" \
    -n numpy "${NP_CMD[*]} 2> /dev/null"
cpu_mark 1
cpu_others "$JSON:2"
for _ in 1 2 3; do "${NP_CMD[@]}" 2>&1 >/dev/null; done
echo "peak RSS: vendorscore $(rss "${VS_CMD[@]}") KiB, numpy $(rss "${NP_CMD[@]}") KiB" >&2

say "machine"
cpu_info; mem_info; vs_info
echo "python: $(python3 --version 2>&1), numpy $(python3 -c 'import numpy; print(numpy.__version__)')"
echo "hyperfine: $(hyperfine --version)"
