#!/usr/bin/env python3
"""The NumPy peer of `vendorscore sensitivity`'s SMAA-2, for bench/sensitivity.sh.

    python3 bench/smaa_numpy.py MATRIX_JSON --samples N [--seed S] [--out RESULT_JSON]

The same sampler and scoring, vectorised: category shares uniform on the
simplex by sorted uniform spacings (criterion shares as written), scores
100 x shares . category scores, ranks by score (ties by vendor id), then rank
acceptability, central weights and the pairwise winning index. NumPy's own
generator (PCG64), so the samples differ from vendorscore's ChaCha8 stream:
the results agree within sampling error, not exactly. Prints the seconds
spent computing (after loading NumPy and the input) on stderr.
"""

import argparse
import json
import sys
import time

import numpy as np


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("matrix")
    parser.add_argument("--samples", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out")
    args = parser.parse_args()
    data = json.load(open(args.matrix))
    cats = data["categories"]
    vendors = sorted(data["vendors"], key=lambda v: v["id"])
    n, m, N = len(vendors), len(cats), args.samples
    start = time.perf_counter()
    # Each vendor's category scores in [0, 1] with criterion shares as written.
    C = np.zeros((n, m))
    for j, cat in enumerate(cats):
        w = np.array([k["weight"] for k in cat["criteria"]], dtype=float)
        w /= w.sum()
        s = np.array([[v["values"][f'{cat["id"]}.{k["id"]}'] / 100.0 for k in cat["criteria"]] for v in vendors])
        C[:, j] = s @ w
    rng = np.random.default_rng(args.seed)
    cuts = np.sort(rng.random((N, m - 1)), axis=1)
    W = np.diff(np.concatenate([np.zeros((N, 1)), cuts, np.ones((N, 1))], axis=1), axis=1)
    S = 100.0 * (W @ C.T)
    order = np.argsort(-S, axis=1, kind="stable")
    acceptability = np.stack([np.bincount(order[:, r], minlength=n) for r in range(n)], axis=1) / N
    first = order[:, 0]
    counts = np.bincount(first, minlength=n)
    central = np.stack([np.bincount(first, weights=W[:, j], minlength=n) for j in range(m)], axis=1)
    central = np.divide(central, counts[:, None], out=np.zeros_like(central), where=counts[:, None] > 0)
    pairwise = np.stack([(S[:, i, None] > S).sum(axis=0) for i in range(n)]) / N
    elapsed = time.perf_counter() - start
    print(f"numpy compute: {elapsed:.3f} s", file=sys.stderr)
    if args.out:
        json.dump({"ids": [v["id"] for v in vendors], "rank_acceptability": acceptability.tolist(),
                   "central_weights": central.tolist(), "pairwise": pairwise.tolist(), "seconds": elapsed},
                  open(args.out, "w"))


if __name__ == "__main__":
    main()
