#!/usr/bin/env python3
"""Markdown summary of a tern_kernel_bench JSON run (bench/ternary_kernels.sh).

Per shape and batch: each ternary kernel's median time, the weight bytes it
streams per second, its share of the roofline (weight bytes per second
over the triad's bandwidth, as the issue defines it, and over a read-only
stream's, a stricter bound for a kernel that only reads; both measured in
the same run), and ratios against OpenBLAS f32, the
int8 GEMV of our own (its VNNI form where the run has it) and the fastest
Tern kernel of the same activation
type; whether the cost model's choices were within 10% of the fastest: auto
(float activations) against i2, bitplane, base3 and lut, auto8
(--activation-bits=8) against int8, the one kernel for 8-bit activations;
and, where the run has them (Tern1T/...), each choice's speed-up from one
thread to all. With --svg FILE it also
draws the speed of every kernel relative to OpenBLAS f32, per shape, as a
bar chart. Standard library only.

  summarize_kernels.py RUN.json [--svg PLOT.svg] > SUMMARY.md
"""
import json
import re
import sys


COLORS = {"i2": "#1f77b4", "bitplane": "#ff7f0e", "base3": "#2ca02c",
          "lut": "#d62728", "int8": "#9467bd", "Int8_own_avx2": "#7f7f7f",
          "Int8_own_vnni": "#bcbd22"}


def eight_bit(kind):
    """Kernels that take 8-bit activations (int8, auto8-int8_dot-i2)."""
    return "int8" in kind


def svg(shapes, path):
    """Grouped bars: OpenBLAS time / kernel time, per shape (1.0 = OpenBLAS)."""
    kinds = [k for k in COLORS]
    groups = [(key, rows) for key, rows in sorted(shapes.items())
              if "OpenBLAS_f32" in rows]
    bar, gap, h, top = 9, 18, 260, 20
    width = 70 + len(groups) * (len(kinds) * bar + gap)
    vmax = max([rows["OpenBLAS_f32"][0] / rows[k][0] for _, rows in groups
                for k in kinds if k in rows] + [1.0])
    y = lambda v: top + h - v / vmax * h
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{h + 110}" font-family="sans-serif" font-size="10">',
           f'<text x="5" y="12">speed relative to OpenBLAS f32 (higher is faster)</text>',
           f'<line x1="60" y1="{y(1):.1f}" x2="{width}" y2="{y(1):.1f}" stroke="black" stroke-dasharray="4"/>',
           f'<text x="5" y="{y(1) + 3:.1f}">OpenBLAS</text>']
    x = 70
    for (m, k, n), rows in groups:
        for i, kind in enumerate(kinds):
            if kind in rows:
                v = rows["OpenBLAS_f32"][0] / rows[kind][0]
                out.append(f'<rect x="{x + i * bar}" y="{y(v):.1f}" width="{bar - 1}" height="{top + h - y(v):.1f}" fill="{COLORS[kind]}"/>')
        out.append(f'<text x="{x}" y="{top + h + 14}">{k}x{n}</text>')
        out.append(f'<text x="{x}" y="{top + h + 26}">m={m}</text>')
        x += len(kinds) * bar + gap
    for i, kind in enumerate(kinds):
        out.append(f'<rect x="{70 + i * 95}" y="{top + h + 40}" width="9" height="9" fill="{COLORS[kind]}"/>')
        out.append(f'<text x="{82 + i * 95}" y="{top + h + 48}">{kind}</text>')
    out.append("</svg>")
    open(path, "w").write("\n".join(out) + "\n")


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
    # The roofline of a weight-streaming kernel: the read-only stream where
    # the run has it (older runs: the triad).
    roofline = med["Read"][1]["bytes_per_s"] if "Read" in med else triad
    ctx = run["context"]
    print("# Ternary kernels, one run\n")
    print(f"Date: {ctx['date']}; {ctx['num_cpus']} CPUs at {ctx['mhz_per_cpu']} MHz; "
          f"triad bandwidth {triad / 1e9:.1f} GB/s (the issue's roofline)"
          + (f", read-only stream {roofline / 1e9:.1f} GB/s (a stricter one: "
             "a GEMV only reads its weights)" if "Read" in med else "") + ".\n")
    shapes = {}
    single = {}
    for name, (t, b) in med.items():
        m1 = re.match(r"Tern1T/([^/]+)/(\d+)x(\d+)/m(\d+)$", name)
        if m1:
            single[(int(m1.group(4)), int(m1.group(2)), int(m1.group(3)),
                    m1.group(1))] = t
            continue
        m = re.match(r"(Tern/([^/]+)|OpenBLAS_f32|Int8_own_avx2|Int8_own_vnni)/(\d+)x(\d+)/m(\d+)$", name)
        if not m:
            continue
        key = (int(m.group(5)), int(m.group(3)), int(m.group(4)))
        kind = m.group(2) or m.group(1)
        shapes.setdefault(key, {})[kind] = (t, b.get("weight_bytes_per_s", 0.0))
    for (mm, k, n), rows in sorted(shapes.items()):
        baselines = ("OpenBLAS_f32", "Int8_own_avx2", "Int8_own_vnni")
        tern = {kk: v for kk, v in rows.items() if kk not in baselines}
        if not tern:
            continue
        best = {cls: min([v[0] for kk, v in tern.items()
                          if eight_bit(kk) == cls] or [0])
                for cls in (False, True)}
        blas = rows.get("OpenBLAS_f32", (None, 0))[0]
        # The int8 GEMV of our own: the VNNI one where the machine has it.
        own8 = rows.get("Int8_own_vnni", rows.get("Int8_own_avx2", (None, 0)))[0]
        print(f"## K x N = {k} x {n}, batch {mm}\n")
        # Roofline time: the cost model's choice's weight bytes (2 bits a
        # weight plus scales) over each bandwidth.
        auto = [v for kk, v in tern.items() if kk.startswith("auto")]
        if auto:
            weight_bytes = auto[0][1] * auto[0][0]
            line = (f"Weights {weight_bytes / 1e6:.2f} MB; roofline time "
                    f"{weight_bytes / triad * 1e6:.0f} us at the triad's bandwidth")
            if "Read" in med:
                line += f", {weight_bytes / roofline * 1e6:.0f} us at the read stream's"
            print(line + ".\n")
        print("| kernel | time (us) | weight GB/s | % of triad | % of read stream | vs OpenBLAS f32 | vs own int8 GEMV | vs fastest Tern |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- |")
        for kind, (t, bps) in sorted(rows.items(), key=lambda kv: kv[1][0]):
            weight_bytes = bps * t
            roof_t = weight_bytes / triad / t * 100 if kind in tern else None
            roof_r = (weight_bytes / roofline / t * 100
                      if kind in tern and "Read" in med else None)
            cells = [kind, f"{t * 1e6:.0f}", f"{bps / 1e9:.1f}",
                     f"{roof_t:.0f}%" if roof_t is not None else "",
                     f"{roof_r:.0f}%" if roof_r is not None else "",
                     f"{blas / t:.2f}x" if blas else "",
                     f"{own8 / t:.2f}x" if own8 else "",
                     f"{best[eight_bit(kind)] / t:.2f}" if kind in tern else ""]
            print("| " + " | ".join(cells) + " |")
        print()
        for auto in sorted(kk for kk in tern if kk.startswith("auto")):
            ratio = tern[auto][0] / best[eight_bit(auto)]
            kinds = "8-bit" if eight_bit(auto) else "float"
            print(f"Cost model ({auto}): {ratio:.2f}x the fastest {kinds}-activation"
                  f" kernel's time ({'within' if ratio <= 1.10 else 'outside'} the 10% goal).")
            one = single.get((mm, k, n, auto))
            if one:
                print(f"Threads ({auto}): one thread {one * 1e6:.0f} us, all "
                      f"{ctx['num_cpus']}: {one / tern[auto][0]:.2f}x faster.")
        print()
    if "--svg" in sys.argv:
        svg(shapes, sys.argv[sys.argv.index("--svg") + 1])


if __name__ == "__main__":
    main()
