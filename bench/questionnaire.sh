#!/usr/bin/env bash
# Benchmark: `vendorscore questionnaire export` and `import` of a generated
# 500-question rubric, against Python's openpyxl writing and reading the same
# workbook (same sheets, cells, validations and protection; same cells read,
# with their number formats), whole processes.
#
#   bench/questionnaire.sh [QUESTIONS]   (run from anywhere; default 500)
#
# Needs a Rust toolchain, Python 3 with openpyxl (installed with pip when
# missing) and hyperfine (apt). Builds vendorscore (release) unless BENCH_BIN,
# generates the rubric (bench/gen_questionnaire.py: scale, boolean, number and
# price questions in turn), exports it, fills every answer with openpyxl
# (untimed), then times four commands with hyperfine.
#
# Environment:
#   BENCH_RUNS    hyperfine runs (default 10)
#   BENCH_JSON    hyperfine's JSON (default target/bench/questionnaire.json)
#   BENCH_BIN     measure this vendorscore binary instead of building one
#   BENCH_KEEP=1  keep the scratch folder (its path is printed)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

QUESTIONS="${1:-500}"
RUNS="${BENCH_RUNS:-10}"
JSON="${BENCH_JSON:-$ROOT/target/bench/questionnaire.json}"

need hyperfine
python3 -c "import openpyxl" 2>/dev/null || python3 -m pip install --quiet openpyxl \
  || python3 -m pip install --quiet --break-system-packages openpyxl
build_vs
scratch vs-questionnaire
mkdir -p "$DIR/ws/rubrics" "$(dirname "$JSON")"
python3 "$ROOT/bench/gen_questionnaire.py" rubric "$QUESTIONS" > "$DIR/ws/rubrics/bench.toml"
printf '[workspace]\nname = "bench"\nrubric = "rubrics/bench.toml"\n' > "$DIR/ws/vendorscore.toml"
cd "$DIR/ws"

say "exporting once and filling every answer (untimed)"
"$VS" questionnaire export --vendor bench-vendor --out q.xlsx --dry-run -q >/dev/null
python3 "$ROOT/bench/gen_questionnaire.py" fill q.xlsx filled.xlsx
python3 "$ROOT/bench/gen_questionnaire.py" rows q.xlsx > rows.json
"$VS" questionnaire import filled.xlsx --dry-run -q > vendor.toml
answers=$(grep -c '^q[0-9]* = ' vendor.toml)
say "the import read $answers answers"

say "timing ($RUNS runs each)"
hyperfine --warmup 2 --runs "$RUNS" --export-json "$JSON" \
  --prepare 'rm -f out.xlsx' \
  -n 'vendorscore export' "'$VS' questionnaire export --vendor bench-vendor --out out.xlsx --dry-run -q" \
  -n 'openpyxl write' "python3 '$ROOT/bench/gen_questionnaire.py' write rows.json out.xlsx" \
  -n 'vendorscore import' "'$VS' questionnaire import filled.xlsx --dry-run -q" \
  -n 'openpyxl read' "python3 '$ROOT/bench/gen_questionnaire.py' read filled.xlsx"
