#!/usr/bin/env python3
"""Time commands in turn, round after round, so that a busy host slows them alike.

    python3 bench/interleave.py ROUNDS 'COMMAND' ['COMMAND' ...]

Each command runs once untimed, then ROUNDS times, one of each per round.
The median, minimum and first quartile of each command's wall time are
printed in milliseconds. A command is split like a shell would split it
(no pipes or redirections; wrap those in `sh -c '...'`). Leading VAR=value
words set environment variables for that command. Output is discarded.

docs/performance.md quotes it where the host was too noisy for separate
hyperfine runs to compare, e.g. the seventh pass's one-scorecard figures:

    cd <demo workspace> && python3 bench/interleave.py 81 \\
        'OLD report vendors/northwind-cx --out /tmp/o --dry-run --format pdf' \\
        'NEW report vendors/northwind-cx --out /tmp/o --dry-run --format pdf' \\
        "sh -c 'cd TYPST_DIR && exec typst compile --font-path assets/fonts --ignore-system-fonts scorecard.typ out.pdf'"
"""
import os
import shlex
import statistics
import subprocess
import sys
import time


def parse(command):
    env = dict(os.environ)
    words = shlex.split(command)
    while words and "=" in words[0] and not words[0].startswith("/"):
        name, value = words.pop(0).split("=", 1)
        env[name] = value
    return words, env


def run(words, env):
    subprocess.run(words, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)


def main():
    if len(sys.argv) < 3 or not sys.argv[1].isdigit():
        sys.exit(__doc__)
    rounds, commands = int(sys.argv[1]), sys.argv[2:]
    parsed = [parse(c) for c in commands]
    for words, env in parsed:
        run(words, env)
    times = [[] for _ in commands]
    for _ in range(rounds):
        for i, (words, env) in enumerate(parsed):
            start = time.perf_counter()
            run(words, env)
            times[i].append((time.perf_counter() - start) * 1000)
    for command, t in zip(commands, times):
        t.sort()
        print(f"median {statistics.median(t):8.2f} ms  min {t[0]:8.2f}  p25 {t[len(t) // 4]:8.2f}  {command}")


if __name__ == "__main__":
    main()
