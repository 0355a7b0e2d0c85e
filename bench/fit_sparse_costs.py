#!/usr/bin/env python3
"""Fits the sparse cost model's per-entry times (SparseWeights.cpp) to a run
of bench/sparse_kernels.sh.

    python3 bench/fit_sparse_costs.py bench/results/sparse-kernels.json

For each of Tern's kernels (dense, ELL, BSR, N:M) it takes every layer of
the run (patterns x batches), divides the median time by the entries the
kernel stores (from its weight bytes: 4 per dense weight, 4 + 2 per ELL
entry, 5 per N:M slot, 4 per BSR value), and fits
`time per entry = perEntry + perRow * m` (ns, least squares over the
layers, weighted by 1 / time per entry so every layer counts alike).
Prints the constants and, per layer, the fitted against the measured time.
"""
import json
import sys
from collections import defaultdict

BYTES_PER_ENTRY = {"dense": 4.0, "ell": 6.0, "nm": 5.0, "bsr": 4.0}


def main():
    run = json.load(open(sys.argv[1]))
    rows = defaultdict(list)
    for b in run["benchmarks"]:
        if b.get("aggregate_name") != "median":
            continue
        parts = b["run_name"].replace("/real_time", "").split("/")
        if parts[0] != "Tern" or parts[2] not in BYTES_PER_ENTRY:
            continue
        seconds = b["real_time"] * {"ns": 1e-9, "us": 1e-6, "ms": 1e-3}[b["time_unit"]]
        stored = b["weight_bytes_per_s"] * seconds
        entries = stored / BYTES_PER_ENTRY[parts[2]]
        m = int(parts[4][1:])
        rows[parts[2]].append((parts[1], parts[3], m, seconds * 1e9 / entries))
    for fmt in ("dense", "ell", "nm", "bsr"):
        pts = rows.get(fmt)
        if not pts:
            continue
        # Weighted least squares of y = a + b m with weights 1 / y^2.
        sw = swm = swmm = swy = swmy = 0.0
        for _, _, m, y in pts:
            w = 1.0 / (y * y)
            sw += w
            swm += w * m
            swmm += w * m * m
            swy += w * y
            swmy += w * m * y
        det = sw * swmm - swm * swm
        if abs(det) < 1e-30:
            a, b = swy / sw, 0.0
        else:
            a = (swy * swmm - swm * swmy) / det
            b = (sw * swmy - swm * swy) / det
        print(f"{fmt}: perEntry {a:.4f} ns, perRow {b:.4f} ns")
        for pat, shape, m, y in sorted(pts, key=lambda p: (p[2], p[0])):
            print(f"  {pat:5} {shape:10} m{m:<4} measured {y:.4f} fitted {a + b * m:.4f} ns/entry")


if __name__ == "__main__":
    main()
