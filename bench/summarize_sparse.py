#!/usr/bin/env python3
"""Summarizes a tern_sparse_bench JSON run (bench/sparse_kernels.sh) as
Markdown: per shape and weight pattern, each format's median time and its
ratios against Tern's dense kernel, OpenBLAS f32 and Eigen's sparse
product, all from the same run; then activation sparsity (the same layer
after a ReLU on inputs with 0%, 50% and 90% zeros, skipping or not).

    python3 bench/summarize_sparse.py RUN.json > RUN.md
    python3 bench/summarize_sparse.py --baseline i2 RUN.json > RUN.md

--baseline names the format the "vs Tern ..." column compares with (dense
by default; i2 for bench/pruned_ternary.sh).
"""
import json
import sys
from collections import defaultdict


def main():
    args = sys.argv[1:]
    baseline = "dense"
    if args[:1] == ["--baseline"]:
        baseline, args = args[1], args[2:]
    run = json.load(open(args[0]))
    ctx = run.get("context", {})
    med = {}
    for b in run["benchmarks"]:
        if b.get("aggregate_name") == "median":
            name = b["run_name"].replace("/real_time", "")
            med[name] = b
    triad = med.get("Triad")
    print("# Sparse layers, one run\n")
    print(f"Date: {ctx.get('date', '?')}; {ctx.get('num_cpus', '?')} CPUs at "
          f"{ctx.get('mhz_per_cpu', '?')} MHz"
          + (f"; triad bandwidth {triad['bytes_per_s'] / 1e9:.1f} GB/s" if triad else "")
          + ".\n")
    print("Command: `bench/sparse_kernels.sh bench/results/sparse-kernels.json` then\n"
          "`python3 bench/summarize_sparse.py bench/results/sparse-kernels.json`\n"
          "(medians of 3 repetitions; raw numbers in `sparse-kernels.json`).\n")
    print("Ratios are how many times faster the row is than the baseline in the "
          "same run (below 1: slower). \"Tern dense\" is `--sparse=dense` on the "
          "same weights; \"OpenBLAS\" is `cblas_sgemv`/`sgemm` on the dense f32 "
          "matrix; \"Eigen\" is Eigen 3.4's CSR product on the same weights. "
          "`auto-...` is the cost model's choice.\n")

    # Tern/<pattern>/<format>/<KxN>/m<M>
    groups = defaultdict(dict)
    eigen, blas = {}, {}
    for name, b in med.items():
        parts = name.split("/")
        if parts[0] == "Tern" and not parts[1].startswith("relu"):
            groups[(parts[3], parts[4], parts[1])][parts[2]] = b
        elif parts[0] == "Eigen_sparse":
            eigen[(parts[3], parts[4], parts[1])] = b
        elif parts[0] == "OpenBLAS_f32":
            blas[(parts[3], parts[4])] = b

    def order(key):
        shape, m, pat = key
        pats = ["u50", "u70", "u90", "u95", "1_4", "2_4", "b75"]
        p = pat[1:] if pat.startswith("t") else pat
        return (shape, int(m[1:]), pats.index(p) if p in pats else 9)

    current = None
    for key in sorted(groups, key=order):
        shape, m, pat = key
        if (shape, m) != current:
            current = (shape, m)
            ob = blas.get((shape, m))
            print(f"\n## {shape.replace('x', ' x ')} (K x N), batch {m[1:]}\n")
            if ob:
                print(f"OpenBLAS f32: {ob['real_time']:.0f} us.\n")
            print(f"| pattern | format | time (us) | stored MB | vs Tern {baseline} | vs OpenBLAS | vs Eigen |")
            print("| --- | --- | --- | --- | --- | --- | --- |")
        fmts = groups[key]
        dense = fmts.get(baseline)
        ob = blas.get((shape, m))
        eg = eigen.get(key)
        rows = sorted(fmts.items(), key=lambda kv: kv[1]["real_time"])
        for fmt, b in rows:
            t = b["real_time"]
            stored = b.get("weight_bytes_per_s", 0) * t * 1e-6 / 2**20 if b.get("weight_bytes_per_s") else 0
            r = lambda base: f"{base['real_time'] / t:.2f}x" if base else ""
            print(f"| {pat.replace('_', ':')} | {fmt} | {t:.0f} | {stored:.1f} | {r(dense)} | {r(ob)} | {r(eg)} |")
        if eg:
            print(f"| {pat.replace('_', ':')} | Eigen CSR | {eg['real_time']:.0f} | | "
                  f"{dense['real_time'] / eg['real_time']:.2f}x | "
                  f"{(ob['real_time'] / eg['real_time']) if ob else 0:.2f}x | 1.00x |" if dense else "")

    relu = defaultdict(dict)
    for name, b in med.items():
        parts = name.split("/")
        if parts[0] == "Tern" and parts[1][4:].isdigit() and parts[1].startswith("relu"):
            relu[parts[2]][int(parts[1][4:])] = b
    if relu:
        print("\n## Activation sparsity: 4096 x 4096 GEMV after a ReLU\n")
        print("| layer | 0% zeros (us) | 50% zeros (us) | 90% zeros (us) | 50% vs 0% | 90% vs 0% |")
        print("| --- | --- | --- | --- | --- | --- |")
        for fmt in sorted(relu):
            z = relu[fmt]
            if 0 not in z:
                continue
            t0 = z[0]["real_time"]
            cells = [f"{z[p]['real_time']:.0f}" if p in z else "" for p in (0, 50, 90)]
            ratios = [f"{t0 / z[p]['real_time']:.2f}x" if p in z else "" for p in (50, 90)]
            print(f"| {fmt} | " + " | ".join(cells) + " | " + " | ".join(ratios) + " |")
        # The goal's ratio: skipping at p% zeros against the same layer
        # compiled without skipping (--activation-sparsity=off), fed no zeros.
        pairs = [(f, f.replace("-skip", "-noskip")) for f in sorted(relu)
                 if f.endswith("-skip") and f.replace("-skip", "-noskip") in relu]
        if pairs:
            print("\n| layer | skip at 0% vs no skip | skip at 50% vs no skip at 0% | "
                  "skip at 90% vs no skip at 0% |")
            print("| --- | --- | --- | --- |")
            for skip, noskip in pairs:
                base = relu[noskip].get(0)
                if not base:
                    continue
                cells = [f"{base['real_time'] / relu[skip][p]['real_time']:.2f}x"
                         if p in relu[skip] else "" for p in (0, 50, 90)]
                print(f"| {skip[:-5]} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
