# Shared by the benchmark scripts in bench/; sourced, not run:
#
#   . "$(dirname "$0")/lib.sh"
#
# Sets ROOT (the repository root) and goes there, puts cargo's bin folder on
# PATH and sets SUDO (empty when running as root).

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# A progress heading, and a fatal error (exit 2); both on stderr.
say() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 2; }

# Build vendorscore (release), unless BENCH_BIN names the binary to measure.
build_vs() {
    if [ -n "${BENCH_BIN:-}" ]; then
        [ -x "$BENCH_BIN" ] || die "BENCH_BIN=$BENCH_BIN is not an executable"
    else
        say "building vendorscore (release)"
        cargo build --release --locked
    fi
}

# Install with apt the commands that are missing: each argument is a command
# (or a path such as /usr/bin/time), as COMMAND=PACKAGE if the names differ.
need() {
    local missing=() arg
    for arg in "$@"; do
        command -v "${arg%%=*}" >/dev/null 2>&1 || missing+=("${arg#*=}")
    done
    [ "${#missing[@]}" -gt 0 ] || return 0
    say "installing ${missing[*]} (apt)"
    $SUDO apt-get update
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
}

# Make the scratch folder DIR ($1.XXXXXX in TMPDIR), deleted on exit unless
# BENCH_KEEP=1, and copy the binary to measure into it as VS: others may
# rebuild target/ meanwhile.
scratch() {
    DIR="$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")"
    if [ "${BENCH_KEEP:-0}" = 1 ]; then
        trap 'echo "kept $DIR" >&2' EXIT
    else
        trap 'rm -rf "$DIR"' EXIT
    fi
    VS="$DIR/vendorscore"
    cp "${BENCH_BIN:-$ROOT/target/release/vendorscore}" "$VS"
}

# Run `vendorscore validate` on the workspace $1 and die unless it exits 0;
# its output stays in $out.
validate_ws() {
    local rc
    set +e
    out="$("$VS" validate "$1" 2>&1)"; rc=$?
    set -e
    echo "vendorscore validate: exit $rc: $(printf '%s\n' "$out" | tail -n 1)" >&2
    [ "$rc" -eq 0 ] || { printf '%s\n' "$out" | tail -n 30 >&2; die "the generated workspace does not validate"; }
}

# --- describing the machine (lines for the "machine" section) -----------------

# Cores and CPU model.
cpu_info() {
    echo "nproc: $(nproc)"
    lscpu | grep 'Model name' | sed 's/  */ /g'
}

# Total and available memory.
mem_info() {
    echo "memory: $(free -h | awk '/^Mem:/ {print $2}') total, $(free -h | awk '/^Mem:/ {print $7}') available"
}

# The version and commit of $VS and whether the tree is dirty, then the
# start of the binary's SHA-256 unless $1 is "short".
vs_info() {
    local tree
    tree="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ', dirty tree')"
    if [ "${1:-}" = short ]; then
        echo "vendorscore: $("$VS" --version) ($tree)"
    else
        echo "vendorscore: $("$VS" --version) ($tree; binary sha256 $(sha256sum "$VS" | cut -c1-16))"
    fi
}

# --- a quiet machine ----------------------------------------------------------

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# Machine-wide busy CPU time (user+nice+system+irq+softirq+steal), in
# USER_HZ ticks.
cpu_busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }

# Share of the whole machine busy over the next 5 s, in percent.
busy_pct() {
    local b0 b1
    b0="$(cpu_busy)"; sleep 5; b1="$(cpu_busy)"
    echo $(( (b1 - b0) * 100 / (5 * $(getconf CLK_TCK) * $(nproc)) ))
}

# Wait up to BENCH_SETTLE seconds (default $1) for the 1-minute load average
# to fall below 0.5.
settle_load() {
    local settle="${BENCH_SETTLE:-$1}"
    say "waiting up to ${settle}s for the 1-minute load average to fall below 0.5"
    for _ in $(seq "$settle"); do
        awk '{ exit !($1 < 0.5) }' /proc/loadavg && break
        sleep 1
    done
}

# Wait up to BENCH_SETTLE seconds (default $1) for the machine to be under
# 10% busy over 5 s; warn if it never gets there, and say how busy it is.
settle_quiet() {
    local settle="${BENCH_SETTLE:-$1}" waited=0 pct
    say "waiting up to ${settle}s for the machine to be quiet (< 10% busy over 5 s)"
    while :; do
        pct="$(busy_pct)"; waited=$((waited + 5))
        [ "$pct" -lt 10 ] && break
        if [ "$waited" -ge "$settle" ]; then
            echo "WARNING: the machine is still ${pct}% busy; the figures below are taken under load" >&2
            break
        fi
    done
    echo "busy: ${pct}%; load average: $(loadavg)" >&2
}

# --- measuring ----------------------------------------------------------------

# Note busy CPU time and wall time as busy$1 and wall$1: `cpu_mark 0` before
# the measurement, `cpu_mark 1` after.
cpu_mark() {
    printf -v "busy$1" '%s' "$(cpu_busy)"
    printf -v "wall$1" '%s' "$(date +%s.%N)"
}

# How much CPU the benchmarked commands and other processes took between
# `cpu_mark 0` and `cpu_mark 1`. Arguments: hyperfine JSON files as
# FILE:WARMUPS (warm-up runs took CPU too; counted at the mean).
cpu_others() {
    python3 - "$busy0" "$busy1" "$wall0" "$wall1" "$(getconf CLK_TCK)" "$(nproc)" "$@" <<'EOF'
import json, sys
busy0, busy1, wall0, wall1, hz, cores = map(float, sys.argv[1:7])
ours, commands = 0.0, 0
for arg in sys.argv[7:]:
    path, warmup = arg.rsplit(":", 1)
    for r in json.load(open(path))["results"]:
        ours += (len(r["times"]) + int(warmup)) * (r["user"] + r["system"])
        commands += 1
busy = (busy1 - busy0) / hz
wall = wall1 - wall0
other = max(busy - ours, 0.0)
print(f"CPU during the measurement ({wall:.1f} s wall, {cores:.0f} cores): {busy:.1f} s busy machine-wide, "
      f"~{ours:.1f} s by the benchmarked command{'s' if commands > 1 else ''}, ~{other:.1f} s by other processes "
      f"(~{100 * other / (wall * cores):.0f}% of the machine; approximate)")
EOF
}

# Peak resident set size of one run of a command, in KiB (/usr/bin/time -v).
rss() { /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident/ {print $2}'; }
