#!/usr/bin/env bash
# Benchmark: PDF scorecards.
#  (a) one scorecard: `vendorscore report vendors/northwind-cx --dry-run --format pdf`
#      on the sample workspace vs the native Typst CLI (`typst compile`, typst-cli
#      0.15.x from crates.io) compiling bench/scorecard.typ, an equivalent one-vendor
#      scorecard fed the same data as JSON; both fresh processes. Both PDFs are
#      tagged (Typst tags by default since 0.14; vendorscore always does).
#  (b) a batch: `vendorscore report --dry-run --format pdf` on a generated workspace
#      of 1,000 vendors (bench/gen_workspace.py, 33 criteria like the built-in
#      rubric), and `score --dry-run` on the same workspace, so the share of
#      rendering and writing is visible.
#
#   bench/report.sh [VENDORS [CRITERIA]]    (run from anywhere; defaults 1000 and 33)
#
# Needs a Rust toolchain, Python 3, poppler-utils (pdfinfo; apt) and apt (for
# hyperfine). Builds vendorscore (release), installs typst-cli if `typst` is
# not on PATH (`cargo install typst-cli --locked --version '^0.15'`, a long
# build; TYPST names another binary), creates the sample workspace with
# `vendorscore demo` and the batch workspace with the generator (seeded,
# deterministic) in a temporary folder, checks that each tool writes a PDF
# of the expected pages (and that the batch writes one PDF per vendor plus
# comparison.pdf), warms the page cache, waits for a quiet machine and
# times everything with hyperfine (output folders emptied before each run,
# outside the timing). Peak RSS comes from /usr/bin/time -v. Everything
# generated is deleted at the end.
#
# Typst gets the same fonts as vendorscore (DejaVu Sans from assets/fonts)
# and does not scan the system fonts (--ignore-system-fonts): its fastest
# setting. (The PyPI `typst` package is not the fair peer: it adds Python's
# start-up.)
#
# Environment:
#   BENCH_SEED    generator seed (default: the generator's default)
#   BENCH_RUNS    hyperfine runs (default 20 for (a), 10 for (b))
#   BENCH_JSON    prefix of hyperfine's JSON files (default target/bench/report)
#   BENCH_BIN     measure this vendorscore binary instead of building one
#   BENCH_KEEP=1  keep the generated folder (its path is printed)
#   BENCH_SETTLE  seconds to wait at most for a quiet machine (default 300)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

VENDORS="${1:-1000}"
CRITERIA="${2:-33}"
RUNS_A="${BENCH_RUNS:-20}"
RUNS_B="${BENCH_RUNS:-10}"
JSON="${BENCH_JSON:-$ROOT/target/bench/report}"

# --- tools --------------------------------------------------------------------
build_vs
need hyperfine pdfinfo=poppler-utils /usr/bin/time=time
TYPST="${TYPST:-$(command -v typst || true)}"
if [ -z "$TYPST" ]; then
    say "installing typst-cli 0.15.x (cargo install; this takes a while)"
    cargo install typst-cli --locked --version '^0.15'
    TYPST="$(command -v typst || echo "$HOME/.cargo/bin/typst")"
fi
TYPST_VERSION="$("$TYPST" --version)"

scratch vendorscore-bench-report
pages() { pdfinfo "$1" 2>/dev/null | awk '/^Pages:/ {print $2}'; }

# --- (a) the sample workspace and the Typst scorecard -------------------------
VENDOR=northwind-cx
SAMPLE="$DIR/sample"
say "(a) sample workspace ($VS demo) and the Typst scorecard for $VENDOR"
SOURCE_DATE_EPOCH=1795255200 "$VS" demo --out "$SAMPLE" -q > "$DIR/demo.log" 2>&1 ||
    { tail -n 30 "$DIR/demo.log" >&2; die "vendorscore demo failed"; }
OURS="$DIR/ours"
TY="$DIR/typst"
mkdir -p "$TY"
(cd "$SAMPLE" && "$VS" report "vendors/$VENDOR" --out "$TY" --dry-run --format json > /dev/null 2> "$DIR/report-json.log")
mv "$TY/$VENDOR.json" "$TY/scorecard.json"
cp bench/scorecard.typ "$TY/scorecard.typ"
FONTS="$ROOT/assets/fonts"
TYPST_CMD="$TYPST compile --font-path $FONTS --ignore-system-fonts scorecard.typ out.pdf"
entries_before="$(wc -l < "$SAMPLE/audit/ledger.jsonl")"
(cd "$SAMPLE" && "$VS" report "vendors/$VENDOR" --out "$OURS" --dry-run --format pdf > /dev/null)
(cd "$TY" && $TYPST_CMD)
[ -s "$OURS/$VENDOR.pdf" ] || die "vendorscore wrote no $VENDOR.pdf"
[ -s "$TY/out.pdf" ] || die "typst wrote no PDF"
rows="$(python3 -c "import json; print(len(json.load(open('$TY/scorecard.json'))['criteria']))")"
echo "vendorscore: $VENDOR.pdf, $(pages "$OURS/$VENDOR.pdf") pages, $(stat -c %s "$OURS/$VENDOR.pdf") bytes" >&2
echo "$TYPST_VERSION: out.pdf, $(pages "$TY/out.pdf") pages, $(stat -c %s "$TY/out.pdf") bytes ($rows criteria rows)" >&2
[ "$(wc -l < "$SAMPLE/audit/ledger.jsonl")" -eq "$entries_before" ] || die "--dry-run appended to the ledger"

# --- (b) the batch workspace --------------------------------------------------
WS="$DIR/batch"
BATCH="$DIR/batch-out"
say "(b) generating a workspace of $VENDORS vendors, $CRITERIA criteria"
python3 bench/gen_workspace.py "$WS" --vendors "$VENDORS" --criteria "$CRITERIA" ${BENCH_SEED:+--seed "$BENCH_SEED"}
validate_ws "$WS"
"$VS" --workspace "$WS" report --out "$BATCH" --dry-run --format pdf > "$DIR/batch-list.txt"
written="$(find "$BATCH" -name '*.pdf' | wc -l)"
[ "$written" -eq $((VENDORS + 1)) ] || die "expected $((VENDORS + 1)) PDFs, found $written"
[ -s "$BATCH/comparison.pdf" ] || die "no comparison.pdf"
[ "$(wc -l < "$DIR/batch-list.txt")" -eq $((VENDORS + 1)) ] || die "report listed $(wc -l < "$DIR/batch-list.txt") paths"
[ ! -e "$WS/audit/ledger.jsonl" ] || die "--dry-run wrote a ledger"
first="$(find "$BATCH" -name 'v*.pdf' | sort | sed -n 1p)"
batch_bytes="$(find "$BATCH" -name '*.pdf' -printf '%s\n' | awk '{s += $1} END {print s}')"
echo "batch: $written PDFs, $batch_bytes bytes; e.g. $(basename "$first"): $(pages "$first") pages; comparison.pdf: $(pages "$BATCH/comparison.pdf") pages" >&2

# --- machine ------------------------------------------------------------------
say "machine"
{
    cpu_info
    mem_info
    echo "file system of $DIR: $(df -PT "$DIR" | awk 'NR == 2 {print $2}')"
    vs_info
    echo "typst: $TYPST_VERSION ($TYPST)"
    echo "hyperfine: $(hyperfine --version)"
} >&2

# --- quiet machine, warm cache ------------------------------------------------
settle_quiet 300

say "warming the page cache"
find "$SAMPLE" "$WS" "$TY" "$FONTS" -type f -exec cat {} + > /dev/null

mkdir -p "$(dirname "$JSON")"
cpu_mark 0
say "(a) one scorecard: hyperfine, $RUNS_A runs each"
hyperfine --warmup 3 --runs "$RUNS_A" --export-json "$JSON-a.json" \
    --prepare "rm -rf $OURS $TY/out.pdf" \
    -n "vendorscore report (pdf)" "cd $SAMPLE && $VS report vendors/$VENDOR --out $OURS --dry-run --format pdf" \
    -n "typst compile" "cd $TY && $TYPST_CMD"

say "(b) $VENDORS scorecards: hyperfine, $RUNS_B runs each"
hyperfine --warmup 1 --runs "$RUNS_B" --export-json "$JSON-b.json" \
    --prepare "rm -rf $BATCH" \
    -n "vendorscore report (pdf, $VENDORS vendors)" "$VS --workspace $WS report --out $BATCH --dry-run --format pdf" \
    -n "vendorscore score (json, $VENDORS vendors)" "$VS --workspace $WS score --dry-run --format json"
cpu_mark 1
echo "load average after: $(loadavg)" >&2

say "peak RSS (/usr/bin/time -v, one run each)"
rm -rf "$OURS" "$BATCH"
rss_a="$(cd "$SAMPLE" && rss "$VS" report "vendors/$VENDOR" --out "$OURS" --dry-run --format pdf)"
rss_t="$(cd "$TY" && rss $TYPST_CMD)"
rss_b="$(rss "$VS" --workspace "$WS" report --out "$BATCH" --dry-run --format pdf)"
rss_s="$(rss "$VS" --workspace "$WS" score --dry-run --format json)"
echo "(a) vendorscore $rss_a KiB, typst $rss_t KiB; (b) report $rss_b KiB, score $rss_s KiB" | tee "$JSON-rss.txt" >&2

# --- summary ------------------------------------------------------------------
say "summary ($JSON-a.json, $JSON-b.json)"
python3 - "$JSON" "$VENDORS" <<'EOF'
import json, statistics, sys
prefix, vendors = sys.argv[1], int(sys.argv[2])
med = {}
for part in "ab":
    for r in json.load(open(f"{prefix}-{part}.json"))["results"]:
        t = r["times"]
        med[r["command"]] = m = statistics.median(t)
        print(f"({part}) {r['command']:42} median {1000 * m:8.1f} ms  min {1000 * min(t):.1f}  max {1000 * max(t):.1f}  "
              f"user {1000 * r['user']:.0f} ms  sys {1000 * r['system']:.0f} ms  ({len(t)} runs)")
ours = med["vendorscore report (pdf)"]
typst = med["typst compile"]
ratio = ours / typst
print(f"(a) vendorscore / typst (medians): {ratio:.3f}  -> target <= 0.25 {'met' if ratio <= 0.25 else 'MISSED'}")
report = med[f"vendorscore report (pdf, {vendors} vendors)"]
score = med[f"vendorscore score (json, {vendors} vendors)"]
per = 1000 * report / vendors
print(f"(b) {per:.2f} ms per scorecard (report median / {vendors}); scoring alone {1000 * score / vendors:.2f} ms per vendor; "
      f"rendering and writing {1000 * (report - score) / vendors:.2f} ms per scorecard "
      f"({100 * (report - score) / report:.0f}% of the run)  -> target <= 5 ms {'met' if per <= 5 else 'MISSED'}")
EOF
cpu_others "$JSON-a.json:3" "$JSON-b.json:1"
