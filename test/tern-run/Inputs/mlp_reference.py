"""Inputs and an independent reference for test/ternc/Inputs/mlp.mlir.

usage: mlp_reference.py MODEL.mlir OUTDIR SEED

Reads the weights (%w1, %b1, %w2) out of the MLIR text, draws a [1, 4]
input of multiples of 1/16 in [-2, 2] and computes the model in float64
with plain loops: logits = relu(x . w1^T + b1) . w2. Writes
OUTDIR/pixels.npy (f32), OUTDIR/logits.npy (f64, the reference), inputs of
the wrong type (pixels-f64.npy) and shape (pixels-4.npy), and a reference
with one element off by 0.5 (logits-wrong.npy).
"""
import ast
import os
import random
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import npylite  # noqa: E402

model, outdir, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
text = open(model).read()


def constant(name):
    m = re.search(r"%" + name + r" = arith\.constant dense<(.*?)> : tensor",
                  text, re.S)
    if not m:
        sys.exit("no constant %" + name + " in " + model)
    return ast.literal_eval(m.group(1))


w1, b1, w2 = constant("w1"), constant("b1"), constant("w2")  # 3x4, 3, 3x2
rng = random.Random(seed)
x = [rng.randint(-32, 32) / 16.0 for _ in range(4)]
hidden = [max(sum(x[k] * w1[n][k] for k in range(4)) + b1[n], 0.0)
          for n in range(3)]
logits = [sum(hidden[k] * w2[k][n] for k in range(3)) for n in range(2)]

npylite.save(outdir + "/pixels.npy", "<f4", (1, 4), x)
npylite.save(outdir + "/logits.npy", "<f8", (1, 2), logits)
npylite.save(outdir + "/pixels-f64.npy", "<f8", (1, 4), x)
npylite.save(outdir + "/pixels-4.npy", "<f4", (4,), x)
npylite.save(outdir + "/logits-wrong.npy", "<f8", (1, 2),
             [logits[0], logits[1] + 0.5])
print("reference", " ".join("%.6g" % v for v in logits))
