"""The ternary-mlp example's reference (examples/ternary-mlp/reference.h:
inputs and outputs computed by generate.py in float64, independently of the
compiler) as .npy files: OUTDIR/in{i}.npy (f32 [1, 64]) and
OUTDIR/out{i}.npy (f32 [1, 10]).

usage: reference_h.py reference.h OUTDIR
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import npylite  # noqa: E402

header, outdir = sys.argv[1], sys.argv[2]
text = open(header).read()


def table(name):
    m = re.search(name + r"\[(\d+)\]\[(\d+)\] = \{(.*?)\};", text, re.S)
    if not m:
        sys.exit("no table " + name + " in " + header)
    rows, cols = int(m.group(1)), int(m.group(2))
    values = [float(v.rstrip("f"))
              for v in re.findall(r"-?[0-9][0-9.eE+-]*f?", m.group(3))]
    assert len(values) == rows * cols, (name, len(values))
    return [values[r * cols:(r + 1) * cols] for r in range(rows)]


inputs = table("tern_example_inputs")
expected = table("tern_example_expected")
for i, (x, y) in enumerate(zip(inputs, expected)):
    npylite.save("%s/in%d.npy" % (outdir, i), "<f4", (1, len(x)), x)
    npylite.save("%s/out%d.npy" % (outdir, i), "<f4", (1, len(y)), y)
print("wrote", len(inputs), "cases")
