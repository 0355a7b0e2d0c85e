#!/usr/bin/env python3
"""Markdown summary of a tern_kernel_bench JSON run (bench/ternary_kernels.sh).

Per shape and batch: each ternary kernel's median time, the weight bytes it
streams per second, its share of the roofline (weight bytes / the triad's
bandwidth, measured in the same run), and ratios against OpenBLAS f32, the
int8 GEMV of our own and the fastest Tern kernel; and whether the cost
model's choice (auto) was within 10% of the fastest. Standard library only.
"""
import json
import re
import sys


def main():
    run = json.load(open(sys.argv[1]))
    med = {}
    for b in run["benchmarks"]:
        if b.get("aggregate_name", "median") != "median":
            continue
        name = re.sub(r"/real_time(_median)?$", "", b["name"])
        scale = {"us": 1e-6, "ms": 1e-3, "ns": 1e-9}[b["time_unit"]]
        med[name] = (b["real_time"] * scale, b)
    triad = med["Triad"][1]["bytes_per_s"]
    ctx = run["context"]
    print("# Ternary kernels, one run\n")
    print(f"Date: {ctx['date']}; {ctx['num_cpus']} CPUs at {ctx['mhz_per_cpu']} MHz; "
          f"triad bandwidth {triad / 1e9:.1f} GB/s (the roofline below).\n")
    shapes = {}
    for name, (t, b) in med.items():
        m = re.match(r"(Tern/([^/]+)|OpenBLAS_f32|Int8_own_avx2)/(\d+)x(\d+)/m(\d+)$", name)
        if not m:
            continue
        key = (int(m.group(5)), int(m.group(3)), int(m.group(4)))
        kind = m.group(2) or m.group(1)
        shapes.setdefault(key, {})[kind] = (t, b.get("weight_bytes_per_s", 0.0))
    for (mm, k, n), rows in sorted(shapes.items()):
        tern = {kk: v for kk, v in rows.items() if kk not in ("OpenBLAS_f32", "Int8_own_avx2")}
        if not tern:
            continue
        best = min(v[0] for v in tern.values())
        blas = rows.get("OpenBLAS_f32", (None, 0))[0]
        own8 = rows.get("Int8_own_avx2", (None, 0))[0]
        print(f"## K x N = {k} x {n}, batch {mm}\n")
        print("| kernel | time (us) | weight GB/s | % of roofline | vs OpenBLAS f32 | vs own int8 GEMV | vs fastest Tern |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for kind, (t, bps) in sorted(rows.items(), key=lambda kv: kv[1][0]):
            weight_bytes = bps * t
            roof = weight_bytes / triad / t * 100 if kind in tern else None
            cells = [kind, f"{t * 1e6:.0f}", f"{bps / 1e9:.1f}",
                     f"{roof:.0f}%" if roof is not None else "",
                     f"{blas / t:.2f}x" if blas else "",
                     f"{own8 / t:.2f}x" if own8 else "",
                     f"{best / t:.2f}" if kind in tern else ""]
            print("| " + " | ".join(cells) + " |")
        auto = [kk for kk in tern if kk.startswith("auto")]
        if auto:
            ratio = tern[auto[0]][0] / best
            print(f"\nCost model ({auto[0]}): {ratio:.2f}x the fastest kernel's time"
                  f" ({'within' if ratio <= 1.10 else 'outside'} the 10% goal).\n")
        else:
            print()


if __name__ == "__main__":
    main()
