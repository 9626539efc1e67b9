#!/usr/bin/env python3
"""Generate a workspace for bench/sensitivity.sh, and the same numbers as JSON.

    python3 bench/gen_sensitivity.py OUT_DIR [--vendors 50] [--categories 8] [--criteria 40] [--seed N]

Writes OUT_DIR/vendorscore.toml, OUT_DIR/rubrics/bench.toml (CATEGORIES
categories sharing CRITERIA number criteria, worst 0, best 100, weights 1-10
and 1-5), OUT_DIR/vendors/vNN/vendor.toml (every criterion answered with a
value in [0, 100], two decimals) and OUT_DIR/matrix.json: the weights and
each vendor's s per criterion, for the NumPy peer (bench/smaa_numpy.py).
Vendors differ by a per-vendor strength per category, so the ranking is
contested. One random.Random(seed) drives everything; standard library only.
"""

import argparse
import json
import os
import random


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--vendors", type=int, default=50)
    parser.add_argument("--categories", type=int, default=8)
    parser.add_argument("--criteria", type=int, default=40)
    parser.add_argument("--seed", type=int, default=20261201)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(os.path.join(args.out, "rubrics"), exist_ok=True)
    with open(os.path.join(args.out, "vendorscore.toml"), "w") as f:
        f.write('[workspace]\nname = "Sensitivity benchmark"\nrubric = "rubrics/bench.toml"\n')
    per = [args.criteria // args.categories + (1 if i < args.criteria % args.categories else 0)
           for i in range(args.categories)]
    categories = []
    lines = ['[rubric]\nid = "bench"\nname = "Sensitivity benchmark"\nversion = "1.0.0"\n']
    for c, count in enumerate(per):
        cid = f"c{c + 1}"
        weight = rng.randint(1, 10)
        criteria = [(f"k{k + 1}", rng.randint(1, 5)) for k in range(count)]
        categories.append({"id": cid, "weight": weight, "criteria": [{"id": k, "weight": w} for k, w in criteria]})
        lines.append(f'\n[[category]]\nid = "{cid}"\nname = "Category {c + 1}"\nweight = {weight}\n')
        for k, w in criteria:
            lines.append(f'[[category.criterion]]\nid = "{k}"\nname = "{cid} {k}"\nweight = {w}\n'
                         'kind = "number"\nworst = 0\nbest = 100\n')
    with open(os.path.join(args.out, "rubrics", "bench.toml"), "w") as f:
        f.write("".join(lines))
    vendors = []
    for v in range(args.vendors):
        vid = f"v{v + 1:02d}"
        strength = [rng.uniform(30, 80) for _ in categories]
        values = {}
        for cat, base in zip(categories, strength):
            for k in cat["criteria"]:
                values[f'{cat["id"]}.{k["id"]}'] = round(min(100.0, max(0.0, rng.gauss(base, 12))), 2)
        vendors.append({"id": vid, "values": values})
        folder = os.path.join(args.out, "vendors", vid)
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "vendor.toml"), "w") as f:
            f.write(f'[vendor]\nid = "{vid}"\nname = "Vendor {v + 1}"\n')
            for cat in categories:
                f.write(f'\n[answers.{cat["id"]}]\n')
                for k in cat["criteria"]:
                    f.write(f'{k["id"]} = {values[cat["id"] + "." + k["id"]]}\n')
    with open(os.path.join(args.out, "matrix.json"), "w") as f:
        json.dump({"categories": categories, "vendors": vendors}, f)


if __name__ == "__main__":
    main()
