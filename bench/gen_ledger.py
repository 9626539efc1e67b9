#!/usr/bin/env python3
"""Generate a valid vendorscore audit ledger (docs/ledger.md) for benchmarks.

    python3 bench/gen_ledger.py OUT_WORKSPACE [--entries N] [--seed S] [--tamper LINE]

Writes OUT_WORKSPACE/audit/ledger.jsonl: N entries (default 1,000,000), one
canonical JSON object per line, hash-chained exactly as docs/ledger.md and
SPEC section 6 say: keys sorted, no whitespace, only `"`, `\\` and control
characters escaped (UTF-8 otherwise), `hash` the SHA-256 of the canonical
form without `hash`, `prev` the previous entry's hash (64 zeros first),
`seq` from 1. Canonical form = json.dumps(sort_keys=True, separators=(",",
":"), ensure_ascii=False), as docs/ledger.md states for float-free entries.

Entries look like the ones vendorscore writes: actions score, check, sla and
report by a handful of actors, about one vendor each (70% one, 20% two, 10%
three), 3-10 inputs each (evenly; rubric or policies, vendor.toml, evidence,
evaluations, contracts, tickets) drawn from a pool of 500 vendors, report entries with PDF outputs, and a result summary (scores
as decimal strings, ranks, statuses, findings counts). Some vendor names and
paths are non-ASCII. Timestamps rise from 2026-01-05.

--tamper LINE adds a field to that line's result after its hash is taken
(to check that a verifier notices). Before writing, the script checks its
canonical form and hash against the worked example in docs/ledger.md.

The output depends only on the seed and N. Python 3 standard library only.
"""

import argparse
import hashlib
import json
import os
import random
import sys
import time

GENESIS = "0" * 64


def canonical(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def self_test():
    """The worked example of docs/ledger.md must hash as documented."""
    entry = {
        "action": "score", "actor": "a.kowalska@example.com",
        "inputs": [{"bytes": 3, "path": "rubrics/r.toml",
                    "sha256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"}],
        "outputs": [], "prev": GENESIS,
        "result": {"vendors": [{"id": "northwind-cx", "rank": 1, "score": "78.42", "status": "qualified"}]},
        "seq": 1, "subjects": ["northwind-cx"], "time": "2026-11-21T10:00:00Z", "tool": "vendorscore 0.1.0",
    }
    got = hashlib.sha256(canonical(entry)).hexdigest()
    want = "a9fce535de0ad938e223245d99e5b3a277060938f08e48228e88a05be0b99360"
    if got != want:
        sys.exit(f"canonical form disagrees with docs/ledger.md: {got} != {want}")


ACTORS = ["a.kowalska@example.com", "j.schneider@example.com", "m.lindqvist@example.com",
          "łukasz.żak@example.pl", "ci@example.com"]
ACTIONS = ["score"] * 4 + ["check"] * 3 + ["report"] * 2 + ["sla"]
NAMES = ["northwind", "aero", "mueller", "lodz", "atlantico", "bayanihan", "contoso", "fabrikam",
         "zagiel", "nordlys", "soerensen", "capek", "iberica", "helvetia", "baltic", "adriatic"]
EVIDENCE = ["dpa-signed.pdf", "iso27001-certificate.pdf", "soc2-type2-report.pdf", "pentest-summary.pdf",
            "zertifikat-müller.pdf", "peak-plan.xlsx", "références-clients.pdf", "pci-dss-aoc.pdf"]
EVALUATORS = ["a.kowalska", "j.schneider", "m.lindqvist", "p.novak"]
RUBRICS = ["builtin:ecommerce-outsourcing", "rubrics/cx-support.toml", "rubrics/fulfillment-3pl.toml"]
POLICIES = ["builtin:gdpr-processor", "builtin:security-baseline", "builtin:cx-sla-minimums",
            "policies/ccpa-service-provider.toml"]
STATUSES = ["qualified"] * 6 + ["below_pass_mark"] * 3 + ["disqualified"]
FLAGS = ["panel-disagreement", "abnormally-low-price"]


def sha(rng):
    return "%064x" % rng.getrandbits(256)


class Pool:
    """Files of 500 vendors with fixed sizes and digests, so paths repeat across entries."""

    def __init__(self, rng):
        self.vendors = [f"{NAMES[i % len(NAMES)]}-{i:03d}" for i in range(500)]
        self.files = {}
        for v in self.vendors:
            base = f"vendors/{v}/"
            self.files[v] = {
                "vendor": (base + "vendor.toml", rng.randint(900, 4000), sha(rng)),
                "contract": (base + "contract.toml", rng.randint(1500, 3500), sha(rng)),
                "tickets": (base + "tickets.csv", rng.randint(200_000, 9_000_000), sha(rng)),
                "evidence": [(base + "evidence/" + e, rng.randint(20_000, 900_000), sha(rng))
                             for e in rng.sample(EVIDENCE, rng.randint(1, 4))],
                "evaluations": [(base + f"evaluations/{w}.toml", rng.randint(200, 600), sha(rng))
                                for w in rng.sample(EVALUATORS, rng.randint(1, 3))],
            }
        self.shared = {p: (rng.randint(3000, 30000), sha(rng)) for p in RUBRICS + POLICIES}


def record(path, size, digest):
    return {"bytes": size, "path": path, "sha256": digest}


def entry(rng, pool, action, subjects):
    inputs = []
    rubric = rng.choice(RUBRICS)
    if action in ("score", "report"):
        inputs.append(record(rubric, *pool.shared[rubric]))
    if action in ("check", "report"):
        for p in rng.sample(POLICIES, rng.randint(1, 2)):
            inputs.append(record(p, *pool.shared[p]))
    for v in subjects:
        f = pool.files[v]
        if action == "sla":
            inputs += [record(*f["contract"]), record(*f["tickets"])]
            continue
        inputs.append(record(*f["vendor"]))
        if action == "check":
            inputs.append(record(*f["contract"]))
        else:
            inputs += [record(*e) for e in f["evidence"]] + [record(*e) for e in f["evaluations"]]
    # 3-10 inputs, evenly: keep the first k of those above (shared files
    # first), padded with more files of the subjects and with policies.
    k = rng.randint(3, 10)
    padding = [record(*e) for v in subjects for e in pool.files[v]["evidence"] + pool.files[v]["evaluations"]]
    padding += [record(*pool.files[v][key]) for v in subjects for key in ("contract", "vendor")]
    padding += [record(p, *pool.shared[p]) for p in POLICIES]
    unique = {}
    for i in inputs + padding:
        if len(unique) == k:
            break
        unique.setdefault(i["path"], i)
    inputs = sorted(unique.values(), key=lambda i: i["path"].encode())

    outputs = []
    as_of = "2026-%02d-%02d" % (rng.randint(1, 12), rng.randint(1, 28))
    if action in ("score", "report"):
        ranked = []
        for rank, v in enumerate(subjects, 1):
            status = rng.choice(STATUSES)
            ranked.append({
                "coverage": "%.2f" % rng.uniform(70, 100),
                "flags": rng.sample(FLAGS, rng.choice([0, 0, 0, 1])),
                "gates_failed": ["security.dpa_signed"] if status == "disqualified" else [],
                "id": v, "rank": None if status == "disqualified" else rank,
                "score": "%.2f" % rng.uniform(35, 92), "status": status,
            })
        result = {"as_of": as_of, "rubric": {"id": rubric.split(":")[-1].split("/")[-1].removesuffix(".toml"),
                                             "sha256": pool.shared[rubric][1], "version": "1.0.0"},
                  "vendors": ranked}
        if action == "report":
            result["formats"] = ["pdf"]
            for v in subjects:
                outputs.append(record(f"reports/{v}.pdf", rng.randint(60_000, 90_000), sha(rng)))
            if len(subjects) > 1:
                outputs.append(record("reports/comparison.pdf", rng.randint(30_000, 60_000), sha(rng)))
    elif action == "check":
        result = {"as_of": as_of, "vendors": [
            {"id": v, "summary": {"fail": rng.randint(0, 3), "missing": rng.randint(0, 2),
                                  "pass": rng.randint(8, 20), "skipped": rng.randint(0, 4)}} for v in subjects]}
    else:
        month = rng.randint(1, 12)
        result = {"breached": rng.randint(0, 2), "clauses": rng.randint(2, 5),
                  "credits": [{"period": "2026-%02d" % month, "total": "%d.00" % rng.choice([0, 2100, 4200])}],
                  "rows": {"read": rng.randint(10_000, 150_000), "rejected": rng.randint(0, 5)}}
    return {"action": action, "inputs": inputs, "outputs": outputs, "result": result, "subjects": subjects}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workspace", help="folder to write audit/ledger.jsonl into (the ledger must not exist)")
    parser.add_argument("--entries", type=int, default=1_000_000, help="number of entries (default 1000000)")
    parser.add_argument("--seed", type=int, default=20261121, help="random seed (default 20261121)")
    parser.add_argument("--tamper", type=int, metavar="LINE", help="alter this line's result after hashing it")
    args = parser.parse_args(argv)
    self_test()
    path = os.path.join(args.workspace, "audit", "ledger.jsonl")
    if os.path.exists(path):
        parser.error(f"{path} exists")
    os.makedirs(os.path.dirname(path), exist_ok=True)

    rng = random.Random(args.seed)
    pool = Pool(rng)
    prev = GENESIS
    clock = 1_767_600_000  # 2026-01-05T08:00:00Z
    started = time.monotonic()
    total = 0
    with open(path, "wb") as out:
        for seq in range(1, args.entries + 1):
            action = rng.choice(ACTIONS)
            count = 1 if action == "sla" else rng.choice([1] * 7 + [2] * 2 + [3])
            subjects = rng.sample(pool.vendors, count)
            e = entry(rng, pool, action, subjects)
            clock += rng.randint(30, 3600)
            e.update({
                "actor": rng.choice(ACTORS), "prev": prev, "seq": seq,
                "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(clock)), "tool": "vendorscore 0.1.0",
            })
            digest = hashlib.sha256(canonical(e)).hexdigest()
            e["hash"] = digest
            if seq == args.tamper:
                e["result"]["tampered"] = "99.99"
            line = canonical(e) + b"\n"
            out.write(line)
            total += len(line)
            prev = digest
    print(f"wrote {path}: {args.entries} entries, {total} bytes ({total / max(args.entries, 1):.0f} per entry), "
          f"head {args.entries} {prev} (seed {args.seed}, {time.monotonic() - started:.0f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
