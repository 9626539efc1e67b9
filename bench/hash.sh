#!/usr/bin/env bash
# Benchmark: `vendorscore audit hash` vs `sha256sum` and `openssl dgst -sha256`
# on (a) one 2 GiB file and (b) 20,000 files of 4-64 KiB (~1 GiB), page cache warm.
#
#   bench/hash.sh            (run from anywhere; the repository root is found)
#
# Needs a Rust toolchain, Python 3, openssl, coreutils and apt (for hyperfine).
# Builds vendorscore (release), generates the data (seeded, deterministic)
# into a temporary folder, checks that the three tools print the same digests
# for every file, reads every file once so the page cache holds it (and checks
# there is memory for that), waits for the machine to be quiet and times the
# three tools as whole processes with hyperfine (output to /dev/null). Peak
# RSS of each tool comes from /usr/bin/time -v. Everything generated is
# deleted at the end.
#
# Environment:
#   BENCH_SEED    generator seed (default 20261121)
#   BENCH_RUNS    hyperfine runs per command (default 10)
#   BENCH_BIG_MIB size of the single file in MiB (default 2048)
#   BENCH_FILES   number of small files (default 20000)
#   BENCH_JSON    prefix of hyperfine's JSON files (default target/bench/hash)
#   BENCH_BIN     measure this vendorscore binary instead of building one
#   BENCH_KEEP=1  keep the generated folder (its path is printed)
#   BENCH_SETTLE  seconds to wait at most for a quiet machine (default 300)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

SEED="${BENCH_SEED:-20261121}"
RUNS="${BENCH_RUNS:-10}"
BIG_MIB="${BENCH_BIG_MIB:-2048}"
FILES="${BENCH_FILES:-20000}"
JSON="${BENCH_JSON:-$ROOT/target/bench/hash}"

# --- tools --------------------------------------------------------------------
build_vs
need hyperfine openssl /usr/bin/time=time

# --- the data -----------------------------------------------------------------
scratch vendorscore-bench-hash

need_kib=$(( BIG_MIB * 1024 + FILES * 64 + 512 * 1024 ))
avail_kib="$(awk '/^MemAvailable:/ {print $2}' /proc/meminfo)"
[ "$avail_kib" -gt "$need_kib" ] ||
    die "only $((avail_kib / 1024)) MiB available; the page cache must hold ~$((need_kib / 1024)) MiB"
free_kib="$(df -Pk "$DIR" | awk 'NR == 2 {print $4}')"
[ "$free_kib" -gt "$need_kib" ] || die "only $((free_kib / 1024)) MiB free on $(df -P "$DIR" | awk 'NR == 2 {print $6}')"

say "generating one ${BIG_MIB} MiB file and $FILES small files into $DIR (seed $SEED)"
python3 - "$DIR" "$SEED" "$BIG_MIB" "$FILES" <<'EOF'
import os, random, sys
out, seed, big_mib, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rng = random.Random(seed)
POOL = 64 << 20
pool = rng.randbytes(POOL)
doubled = pool + pool
# (a) one big file: 64 MiB blocks, each the pool rotated by a random offset.
with open(os.path.join(out, "big.bin"), "wb") as f:
    left = big_mib << 20
    while left:
        n = min(left, POOL)
        o = rng.randrange(POOL)
        f.write(doubled[o:o + n])
        left -= n
# (b) small files of 4-64 KiB. Sizes lean towards the top of the range
# (4 KiB + 60 KiB * u^(1/4), mean ~52 KiB) so that 20,000 of them make ~1 GiB;
# contents are slices of the pool at random offsets.
small = os.path.join(out, "small")
os.makedirs(small)
width = len(str(count - 1))
for i in range(count):
    size = 4096 + int(61440 * rng.random() ** 0.25)
    o = rng.randrange(POOL)
    with open(os.path.join(small, f"f{i:0{width}d}.bin"), "wb") as f:
        f.write(doubled[o:o + size])
EOF
BIG="$DIR/big.bin"
big_bytes="$(stat -c %s "$BIG")"
small_bytes="$(find "$DIR/small" -type f -printf '%s\n' | awk '{s += $1} END {print s}')"
small_count="$(find "$DIR/small" -type f | wc -l)"
[ "$small_count" -eq "$FILES" ] || die "expected $FILES small files, found $small_count"
echo "big.bin: $big_bytes bytes; small/: $small_count files, $small_bytes bytes" >&2

# --- sanity: the three tools agree on every digest ----------------------------
say "checking that the three tools print the same digests"
cd "$DIR"
# Normalise to "hex  path" lines: openssl prints "SHA2-256(path)= hex".
from_openssl() { sed -E 's/^[^(]*\((.*)\)= ([0-9a-f]{64})$/\2  \1/'; }
"$VS" audit hash big.bin > vs-a.txt
sha256sum big.bin > sum-a.txt
openssl dgst -sha256 big.bin | from_openssl > ossl-a.txt
"$VS" audit hash small > vs-b.txt
sha256sum small/* > sum-b.txt
openssl dgst -sha256 small/* | from_openssl > ossl-b.txt
for set in a b; do
    lines="$(wc -l < "vs-$set.txt")"
    cmp -s "vs-$set.txt" "sum-$set.txt" || die "($set) vendorscore and sha256sum differ: diff $DIR/vs-$set.txt $DIR/sum-$set.txt"
    cmp -s "vs-$set.txt" "ossl-$set.txt" || die "($set) vendorscore and openssl differ: diff $DIR/vs-$set.txt $DIR/ossl-$set.txt"
    echo "($set) $lines digest line(s): vendorscore, sha256sum and openssl identical" >&2
done
[ "$(wc -l < vs-b.txt)" -eq "$FILES" ] || die "vendorscore hashed $(wc -l < vs-b.txt) files, expected $FILES"
cd "$ROOT"

# --- machine ------------------------------------------------------------------
say "machine"
{
    cpu_info
    echo "SHA extensions (sha_ni): $(grep -o -m1 'sha_ni' /proc/cpuinfo || echo no)"
    mem_info
    echo "kernel: $(uname -r); file system of $DIR: $(df -PT "$DIR" | awk 'NR == 2 {print $2}')"
    vs_info
    echo "sha256sum: $(sha256sum --version | sed -n 1p)"
    echo "openssl: $(openssl version)"
    echo "hyperfine: $(hyperfine --version)"
} >&2

# --- quiet machine, warm cache ------------------------------------------------
settle_quiet 300

say "warming the page cache"
cat "$BIG" "$DIR"/small/* > /dev/null
if command -v fincore >/dev/null 2>&1; then
    cached="$( { fincore -bn -o RES "$BIG"; find "$DIR/small" -type f -exec fincore -bn -o RES {} +; } | awk '{s += $1} END {printf "%d\n", s}')"
    echo "resident in the page cache: $cached of $((big_bytes + small_bytes)) bytes" >&2
    [ "$cached" -ge $((big_bytes + small_bytes)) ] || echo "WARNING: not every byte is cached" >&2
fi

mkdir -p "$(dirname "$JSON")"
cpu_mark 0
say "(a) one file, $big_bytes bytes: hyperfine, $RUNS runs each"
hyperfine -N --warmup 2 --runs "$RUNS" --export-json "$JSON-a.json" \
    -n "vendorscore audit hash" "$VS audit hash $BIG" \
    -n "sha256sum" "sha256sum $BIG" \
    -n "openssl dgst -sha256" "openssl dgst -sha256 $BIG"

say "(b) $FILES files, $small_bytes bytes: hyperfine, $RUNS runs each"
# A shell expands the glob (sorted, relative names) for sha256sum and openssl;
# vendorscore walks the folder. "openssl x2" runs two openssl processes on
# halves of the list (xargs -P 2): a reference for what two cores give.
hyperfine --warmup 2 --runs "$RUNS" --export-json "$JSON-b.json" \
    -n "vendorscore audit hash" "cd $DIR && $VS audit hash small" \
    -n "sha256sum" "cd $DIR && sha256sum small/*" \
    -n "openssl dgst -sha256" "cd $DIR && openssl dgst -sha256 small/*" \
    -n "openssl x2 (xargs -P 2)" "cd $DIR && printf '%s\\0' small/* | xargs -0 -P 2 -n $(( (FILES + 1) / 2 )) openssl dgst -sha256"
cpu_mark 1
echo "load average after: $(loadavg)" >&2

say "peak RSS (/usr/bin/time -v, one run each)"
{
    echo "(a) vendorscore $(rss "$VS" audit hash "$BIG") KiB, sha256sum $(rss sha256sum "$BIG") KiB, openssl $(rss openssl dgst -sha256 "$BIG") KiB"
    cd "$DIR"
    echo "(b) vendorscore $(rss "$VS" audit hash small) KiB, sha256sum $(rss sha256sum small/*) KiB, openssl $(rss openssl dgst -sha256 small/*) KiB"
    cd "$ROOT"
} | tee "$JSON-rss.txt" >&2

# --- summary ------------------------------------------------------------------
say "summary ($JSON-a.json, $JSON-b.json)"
python3 - "$JSON" "$big_bytes" "$small_bytes" <<'EOF'
import json, statistics, sys
prefix = sys.argv[1]
sizes = {"a": int(sys.argv[2]), "b": int(sys.argv[3])}
targets = {"a": 0.95, "b": 1.6}
for part in "ab":
    results = json.load(open(f"{prefix}-{part}.json"))["results"]
    print(f"({part}) {sizes[part]} bytes")
    med = {}
    for r in results:
        t = r["times"]
        m = statistics.median(t)
        med[r["command"]] = m
        gib = sizes[part] / 2**30
        print(f"  {r['command']:25} median {m:.3f} s ({gib / m:.2f} GiB/s)  min {min(t):.3f}  max {max(t):.3f}  "
              f"user {r['user']:.3f}  sys {r['system']:.3f}  ({len(t)} runs)")
    ratio = med["openssl dgst -sha256"] / med["vendorscore audit hash"]
    goal = targets[part]
    print(f"  throughput vendorscore / openssl (medians): {ratio:.2f}  -> target >= {goal} "
          f"{'met' if ratio >= goal else 'MISSED'}")
EOF
cpu_others "$JSON-a.json:2" "$JSON-b.json:2"
