#!/usr/bin/env bash
# Benchmark: `vendorscore validate` vs `taplo check` on generated rubric files.
#
#   bench/validate.sh [COUNT]          (run from anywhere; COUNT default 10000)
#
# Needs a Rust toolchain, Python 3 and apt (for hyperfine). Builds vendorscore
# (release), installs taplo-cli and hyperfine if missing, generates COUNT
# rubric files of ~60 lines into a temporary folder, checks that both tools
# see every file (and that both report a deliberately broken one), warms the
# page cache and times both tools as whole processes with hyperfine.
#
# Environment:
#   BENCH_SEED   generator seed (default: the generator's default)
#   BENCH_RUNS   hyperfine runs per command (default 10)
#   BENCH_JSON   where hyperfine writes its JSON (default target/bench/validate.json)
#   BENCH_BIN    measure this vendorscore binary instead of building one
#   BENCH_KEEP=1 keep the generated folder (its path is printed)
#   BENCH_SETTLE seconds to wait at most for the load average to drop (default 120)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

COUNT="${1:-10000}"
RUNS="${BENCH_RUNS:-10}"
JSON="${BENCH_JSON:-$ROOT/target/bench/validate.json}"

# --- tools --------------------------------------------------------------------
build_vs

if ! command -v taplo >/dev/null 2>&1; then
    say "installing taplo-cli (cargo install; takes a few minutes)"
    cargo install taplo-cli --locked
fi
need hyperfine
TAPLO="$(command -v taplo)"

# --- the file set -------------------------------------------------------------
scratch vendorscore-bench
DATA="$DIR/rubrics"
say "generating $COUNT rubric files into $DATA"
python3 bench/gen_rubrics.py "$DATA" "$COUNT" ${BENCH_SEED:+--seed "$BENCH_SEED"}
found="$(find "$DATA" -maxdepth 1 -name '*.toml' | wc -l)"
[ "$found" -eq "$COUNT" ] || die "expected $COUNT files, found $found"

# --- sanity: both tools accept the set and see every file ---------------------
say "sanity checks"
set +e
vs_out="$("$VS" validate "$DATA" 2>&1)"; vs_rc=$?
taplo_out="$("$TAPLO" check "$DATA/*.toml" 2>&1)"; taplo_rc=$?
set -e
echo "vendorscore: exit $vs_rc: $(printf '%s\n' "$vs_out" | tail -n 1)" >&2
[ "$vs_rc" -eq 0 ] || die "vendorscore validate failed on the generated set"
[[ "$vs_out" == *"checked $COUNT files: 0 error(s), 0 warning(s)"* ]] || die "vendorscore did not check $COUNT files cleanly"
echo "taplo: exit $taplo_rc" >&2
[ "$taplo_rc" -eq 0 ] || { printf '%s\n' "$taplo_out" | tail -n 20 >&2; die "taplo check failed on the generated set"; }

# Break the file that sorts last (and one in the middle): both tools must
# report them, which shows taplo's glob (quoted, expanded by taplo itself)
# reaches every file. Then restore them.
last="$DATA/$(ls "$DATA" | sort | tail -n 1)"
middle="$DATA/$(ls "$DATA" | sort | sed -n "$(( (COUNT + 1) / 2 ))p")"
cp "$last" "$DIR/last.bak"; cp "$middle" "$DIR/middle.bak"
printf 'broken = = "x"\n' >> "$last"
printf '[rubric\n' >> "$middle"
set +e
vs_out="$("$VS" validate "$DATA" 2>&1)"; vs_rc=$?
taplo_out="$("$TAPLO" check "$DATA/*.toml" 2>&1)"; taplo_rc=$?
set -e
cp "$DIR/last.bak" "$last"; cp "$DIR/middle.bak" "$middle"
for f in "$last" "$middle"; do
    name="$(basename "$f")"
    [[ "$vs_out" == *"$name"* ]] || die "vendorscore did not report the broken $name"
    [[ "$taplo_out" == *"$name"* ]] || { printf '%s\n' "$taplo_out" | tail -n 20 >&2; die "taplo did not report the broken $name"; }
done
[ "$vs_rc" -eq 1 ] || die "vendorscore: expected exit 1 on broken files, got $vs_rc"
[ "$taplo_rc" -ne 0 ] || die "taplo: expected a failure on broken files, got exit 0"
echo "broken $(basename "$middle") and $(basename "$last"): vendorscore exit $vs_rc, taplo exit $taplo_rc, both name both files" >&2

# --- measure ------------------------------------------------------------------
say "machine"
{
    cpu_info
    echo "memory: $(free -h | awk '/^Mem:/ {print $2}')"
    vs_info short
    echo "taplo: $("$TAPLO" --version)"
    echo "hyperfine: $(hyperfine --version)"
    echo "files: $COUNT, $(cat "$DATA"/*.toml | wc -l) lines, $(cat "$DATA"/*.toml | wc -c) bytes"
    echo "load average before: $(loadavg)"
} >&2

# The build (or anything else) leaves the machine busy; give it a moment.
settle_load 120
echo "load average now: $(loadavg) (the summary says how much CPU others took)" >&2

say "warming the page cache"
find "$DATA" -name '*.toml' -exec cat {} + >/dev/null

mkdir -p "$(dirname "$JSON")"
say "hyperfine: $RUNS runs each"
cpu_mark 0
hyperfine --warmup 1 --runs "$RUNS" --export-json "$JSON" \
    -n "vendorscore validate" "'$VS' validate '$DATA'" \
    -n "taplo check" "'$TAPLO' check '$DATA/*.toml'"
cpu_mark 1
echo "load average after: $(loadavg)" >&2

# --- summary ------------------------------------------------------------------
say "summary ($JSON)"
python3 - "$JSON" <<'EOF'
import json, statistics, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
for name, r in results.items():
    t = r["times"]
    print(f"{name:22} median {statistics.median(t):.3f} s  min {min(t):.3f}  max {max(t):.3f}  "
          f"mean {r['mean']:.3f} ± {r['stddev'] or 0:.3f}  user {r['user']:.3f}  sys {r['system']:.3f}  ({len(t)} runs)")
vs = statistics.median(results["vendorscore validate"]["times"])
tp = statistics.median(results["taplo check"]["times"])
ratio = vs / tp
print(f"ratio (vendorscore / taplo, medians): {ratio:.2f}  -> target <= 0.50 {'met' if ratio <= 0.5 else 'MISSED'}")
EOF
cpu_others "$JSON:1"
