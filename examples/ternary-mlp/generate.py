#!/usr/bin/env python3
"""Generates the ternary MLP example: model.mlir and reference.h.

The model is a small multilayer perceptron, 64 -> 256 -> 256 -> 10, with ReLU
after the two hidden layers. Every weight is in {-a, 0, +a}, with one scale a
per output channel. The three layers store their weights the two ways a
frontend might hand them over:

  layer 1  64 -> 256  weight [out, in] = [256, 64]   (PyTorch's nn.Linear
                      layout), so the matmul uses transposed-B indexing maps
  layer 2 256 -> 256  weight [in, out] = [256, 256]  (plain linalg.matmul),
                      one scale per output *column*
  layer 3 256 -> 10   weight [out, in] = [10, 256]   like layer 1, no ReLU

Every number is an exact binary fraction with few significant bits: trits
with P(-1) = P(0) = P(+1) = 1/3, scales k/256 for k in 4..40, biases j/64 for
j in -16..16 and inputs i/16 for i in -32..32. Their decimal strings are short
and exact, and the float64 reference computed here is exact: every product and
every partial sum fits in float64's 53-bit significand (main() asserts it
against the same network in rational arithmetic), so the only rounding in
reference.h is the final %.9g.

One weight row of layer 1 is all zero, so one hidden unit of layer 1 outputs
just ReLU(bias).

Pure Python 3 standard library, deterministic (own seeded generator): running
it again reproduces the same files byte for byte. Run it as

    /usr/bin/python3 examples/ternary-mlp/generate.py

It writes model.mlir and reference.h next to itself.
"""

import os
import random
from fractions import Fraction

SEED = 2026

NUM_INPUT_FEATURES = 64
HIDDEN1 = 256
HIDDEN2 = 256
NUM_CLASSES = 10
NUM_REFERENCE_INPUTS = 4

SCALE_DENOMINATOR = 256  # scale a = k / 256
SCALE_MIN_K, SCALE_MAX_K = 4, 40
BIAS_DENOMINATOR = 64  # bias = j / 64
BIAS_MIN_J, BIAS_MAX_J = -16, 16
INPUT_DENOMINATOR = 16  # input = i / 16, in [-2, 2]
INPUT_MIN_I, INPUT_MAX_I = -32, 32

VALUES_PER_LINE = 16  # for 1-D constants and the reference inputs

HERE = os.path.dirname(os.path.abspath(__file__))


# --------------------------------------------------------------------------
# Formatting


def exact_decimal(value):
    """The exact decimal string of a binary fraction, always with a point.

    0 prints as "0.0", 3/64 as "0.046875", -5/4 as "-1.25", 2 as "2.0".
    """
    q = Fraction(value)
    if q == 0:
        return "0.0"
    den = q.denominator
    if den & (den - 1):
        raise ValueError("%s is not a binary fraction" % q)
    sign = "-" if q < 0 else ""
    num = abs(q.numerator)
    k = den.bit_length() - 1  # q = num / 2**k = num * 5**k / 10**k
    whole, frac = divmod(num * 5**k, 10**k)
    frac_digits = str(frac).rjust(k, "0").rstrip("0") if k else ""
    return "%s%d.%s" % (sign, whole, frac_digits or "0")


def c_float(text):
    """A C float literal from a decimal or %g string."""
    if not any(c in text for c in ".eEn"):
        text += ".0"
    return text + "f"


def wrap(items, per_line, indent):
    """Joins items with ", ", `per_line` to a line, lines indented."""
    lines = []
    for start in range(0, len(items), per_line):
        lines.append(indent + ", ".join(items[start:start + per_line]))
    return ",\n".join(lines)


# --------------------------------------------------------------------------
# Parameters


def ternary_layer(rng, num_out, num_in):
    """Trits [num_out][num_in] in {-1, 0, +1} and one scale per output."""
    scales = []
    trits = []
    for _ in range(num_out):
        scales.append(Fraction(rng.randint(SCALE_MIN_K, SCALE_MAX_K),
                               SCALE_DENOMINATOR))
        trits.append([rng.randrange(3) - 1 for _ in range(num_in)])
    return trits, scales


def biases(rng, n):
    return [Fraction(rng.randint(BIAS_MIN_J, BIAS_MAX_J), BIAS_DENOMINATOR)
            for _ in range(n)]


def make_parameters(rng):
    p = {}
    # Layer 1: [out, in].
    p["t1"], p["s1"] = ternary_layer(rng, HIDDEN1, NUM_INPUT_FEATURES)
    p["zero_row"] = rng.randrange(HIDDEN1)
    p["t1"][p["zero_row"]] = [0] * NUM_INPUT_FEATURES
    p["b1"] = biases(rng, HIDDEN1)
    # Layer 2: drawn per output channel like the others ([out, in]); stored
    # transposed, [in, out], in the MLIR.
    p["t2"], p["s2"] = ternary_layer(rng, HIDDEN2, HIDDEN1)
    p["b2"] = biases(rng, HIDDEN2)
    # Layer 3: [out, in].
    p["t3"], p["s3"] = ternary_layer(rng, NUM_CLASSES, HIDDEN2)
    p["b3"] = biases(rng, NUM_CLASSES)
    # Weight values, [out][in], as Fractions.
    for layer in ("1", "2", "3"):
        trits, scales = p["t" + layer], p["s" + layer]
        p["w" + layer] = [[t * scales[o] for t in row]
                          for o, row in enumerate(trits)]
    return p


def make_inputs(rng):
    return [[Fraction(rng.randint(INPUT_MIN_I, INPUT_MAX_I), INPUT_DENOMINATOR)
             for _ in range(NUM_INPUT_FEATURES)]
            for _ in range(NUM_REFERENCE_INPUTS)]


# --------------------------------------------------------------------------
# Reference: float64, plain loops, independent of the MLIR text.


def dense_layer(x, weight_out_in, bias, relu):
    out = []
    for o in range(len(weight_out_in)):
        row = weight_out_in[o]
        acc = 0.0
        for i in range(len(x)):
            acc += x[i] * float(row[i])
        acc += float(bias[o])
        if relu and acc < 0.0:
            acc = 0.0
        out.append(acc)
    return out


def reference_forward(p, pixels):
    h1 = dense_layer([float(v) for v in pixels], p["w1"], p["b1"], True)
    h2 = dense_layer(h1, p["w2"], p["b2"], True)
    return dense_layer(h2, p["w3"], p["b3"], False)


def exact_forward(p, pixels):
    """The same network in exact rational arithmetic (a check only)."""
    def layer(x, weight_out_in, bias, relu):
        out = []
        for o, row in enumerate(weight_out_in):
            acc = sum((xi * wi for xi, wi in zip(x, row)), Fraction(0))
            acc += bias[o]
            out.append(max(acc, Fraction(0)) if relu else acc)
        return out
    h1 = layer(pixels, p["w1"], p["b1"], True)
    h2 = layer(h1, p["w2"], p["b2"], True)
    return layer(h2, p["w3"], p["b3"], False)


# --------------------------------------------------------------------------
# model.mlir


def dense_2d(rows, name, indent="  "):
    num_rows, num_cols = len(rows), len(rows[0])
    body = ",\n".join(
        indent + "  [" + ", ".join(exact_decimal(v) for v in row) + "]"
        for row in rows)
    return "%s%%%s = arith.constant dense<[\n%s]> : tensor<%dx%dxf32>\n" % (
        indent, name, body, num_rows, num_cols)


def dense_1d(values, name, indent="  "):
    body = wrap([exact_decimal(v) for v in values], VALUES_PER_LINE,
                indent + "  ")
    return "%s%%%s = arith.constant dense<[\n%s]> : tensor<%dxf32>\n" % (
        indent, name, body, len(values))


TRANSPOSED_B_MAPS = ("[affine_map<(m, n, k) -> (m, k)>, "
                     "affine_map<(m, n, k) -> (n, k)>, "
                     "affine_map<(m, n, k) -> (m, n)>]")

BIAS_MAPS = ("[affine_map<(d0, d1) -> (d0, d1)>, "
             "affine_map<(d0, d1) -> (d1)>, "
             "affine_map<(d0, d1) -> (d0, d1)>]")


def fully_connected(n, x, x_type, w_type, n_out, relu, transposed_b,
                    result):
    """The fill + matmul + bias(+ReLU) ops of layer `n`."""
    acc_type = "tensor<1x%dxf32>" % n_out
    lines = [
        "  %%e%d = tensor.empty() : %s" % (n, acc_type),
        "  %%f%d = linalg.fill ins(%%zero : f32) outs(%%e%d : %s) -> %s"
        % (n, n, acc_type, acc_type),
    ]
    maps = ("indexing_maps = %s " % TRANSPOSED_B_MAPS) if transposed_b else ""
    lines.append(
        "  %%m%d = linalg.matmul %sins(%s, %%w%d : %s, %s) "
        "outs(%%f%d : %s) -> %s"
        % (n, maps, x, n, x_type, w_type, n, acc_type, acc_type))
    lines += [
        "  %%%s = linalg.generic {indexing_maps = %s, "
        "iterator_types = [\"parallel\", \"parallel\"]} "
        "ins(%%m%d, %%b%d : %s, tensor<%dxf32>) outs(%%e%d : %s) {"
        % (result, BIAS_MAPS, n, n, acc_type, n_out, n, acc_type),
        "  ^bb0(%a: f32, %b: f32, %o: f32):",
        "    %s = arith.addf %a, %b : f32",
    ]
    if relu:
        lines += ["    %r = arith.maximumf %s, %zero : f32",
                  "    linalg.yield %r : f32"]
    else:
        lines.append("    linalg.yield %s : f32")
    lines.append("  } -> %s" % acc_type)
    return "\n".join(lines) + "\n"


def model_mlir(p):
    w2_in_out = [list(col) for col in zip(*p["w2"])]  # [in][out]
    out = []
    out.append(
        "// Ternary MLP example for Tern: 64 -> 256 -> 256 -> 10, ReLU after the\n"
        "// two hidden layers. Every weight is in {-a, 0, +a} with one scale a\n"
        "// per output channel (a = k/256, k in 4..40); biases are j/64 for j in\n"
        "// -16..16. All constants are exact binary fractions printed as exact\n"
        "// decimals.\n"
        "//\n"
        "// Generated by examples/ternary-mlp/generate.py (Python standard library,\n"
        "// random.Random(%d)); do not edit by hand: change the script and run\n"
        "//   /usr/bin/python3 examples/ternary-mlp/generate.py\n"
        "// which also rewrites reference.h (inputs and expected outputs).\n"
        "//\n"
        "// Layers:\n"
        "//   1. fully connected 64 -> 256, weight [out, in] (PyTorch layout,\n"
        "//      transposed-B matmul), bias, ReLU; weight row %d is all zero\n"
        "//   2. fully connected 256 -> 256, weight [in, out] (plain matmul,\n"
        "//      one scale per column), bias, ReLU\n"
        "//   3. fully connected 256 -> 10, weight [out, in] like layer 1, bias\n"
        "//\n"
        "// The tern.name attributes name the compiled library's input and output.\n"
        % (SEED, p["zero_row"]))
    out.append(
        "func.func @ternary_mlp(%x: tensor<1x64xf32> {tern.name = \"pixels\"})"
        " -> (tensor<1x10xf32> {tern.name = \"logits\"}) {\n")
    out.append("  %zero = arith.constant 0.000000e+00 : f32\n")

    out.append(
        "  // layer 1: fully connected 64 -> 256, weight in [out, in] layout (as\n"
        "  // PyTorch stores it), so the matmul uses the transposed-B indexing\n"
        "  // maps; one scale per row; row %d is all zero\n" % p["zero_row"])
    out.append(dense_2d(p["w1"], "w1"))
    out.append(dense_1d(p["b1"], "b1"))
    out.append(fully_connected(1, "%x", "tensor<1x64xf32>",
                               "tensor<256x64xf32>", HIDDEN1, relu=True,
                               transposed_b=True, result="h1"))

    out.append(
        "  // layer 2: fully connected 256 -> 256, weight in [in, out] layout\n"
        "  // (plain linalg.matmul), ternary with one scale per output column\n")
    out.append(dense_2d(w2_in_out, "w2"))
    out.append(dense_1d(p["b2"], "b2"))
    out.append(fully_connected(2, "%h1", "tensor<1x256xf32>",
                               "tensor<256x256xf32>", HIDDEN2, relu=True,
                               transposed_b=False, result="h2"))

    out.append(
        "  // layer 3: fully connected 256 -> 10, weight in [out, in] layout like\n"
        "  // layer 1, bias, no ReLU\n")
    out.append(dense_2d(p["w3"], "w3"))
    out.append(dense_1d(p["b3"], "b3"))
    out.append(fully_connected(3, "%h2", "tensor<1x256xf32>",
                               "tensor<10x256xf32>", NUM_CLASSES, relu=False,
                               transposed_b=True, result="logits"))

    out.append("  return %logits : tensor<1x10xf32>\n}\n")
    return "".join(out)


# --------------------------------------------------------------------------
# reference.h


def reference_h(inputs, expected):
    out = []
    out.append(
        "/* Reference inputs and outputs for the ternary MLP example\n"
        " * (examples/ternary-mlp/model.mlir).\n"
        " *\n"
        " * Generated by examples/ternary-mlp/generate.py together with\n"
        " * model.mlir (random.Random(%d)); do not edit by hand. The inputs are\n"
        " * random multiples of 1/16 in [-2, 2]. The expected outputs were\n"
        " * computed by the script in float64 with plain loops from the same\n"
        " * weights, independently of the MLIR text; every value involved is a\n"
        " * binary fraction with few bits, so that computation is exact and the\n"
        " * only rounding is printing with %%.9g. Compiled float32 code differs\n"
        " * from it only by float32 rounding in the sums; main.c accepts\n"
        " * |got - expected| <= 1e-4 + 1e-4 * |expected| per element.\n"
        " */\n" % SEED)
    out.append("#ifndef TERN_EXAMPLE_TERNARY_MLP_REFERENCE_H\n"
               "#define TERN_EXAMPLE_TERNARY_MLP_REFERENCE_H\n\n")
    out.append("#define TERN_EXAMPLE_NUM_INPUTS %d\n" % NUM_REFERENCE_INPUTS)
    out.append("#define TERN_EXAMPLE_INPUT_SIZE %d\n" % NUM_INPUT_FEATURES)
    out.append("#define TERN_EXAMPLE_OUTPUT_SIZE %d\n\n" % NUM_CLASSES)

    out.append("static const float tern_example_inputs[%d][%d] = {\n"
               % (NUM_REFERENCE_INPUTS, NUM_INPUT_FEATURES))
    blocks = []
    for row in inputs:
        items = [c_float(exact_decimal(v)) for v in row]
        blocks.append("    {\n" + wrap(items, VALUES_PER_LINE, "        ")
                      + "}")
    out.append(",\n".join(blocks) + "};\n\n")

    out.append("static const float tern_example_expected[%d][%d] = {\n"
               % (NUM_REFERENCE_INPUTS, NUM_CLASSES))
    blocks = []
    for row in expected:
        items = [c_float("%.9g" % v) for v in row]
        blocks.append("    {" + ", ".join(items) + "}")
    out.append(",\n".join(blocks) + "};\n\n")
    out.append("#endif /* TERN_EXAMPLE_TERNARY_MLP_REFERENCE_H */\n")
    return "".join(out)


# --------------------------------------------------------------------------


def write(name, text):
    path = os.path.join(HERE, name)
    with open(path, "w", encoding="ascii", newline="\n") as f:
        f.write(text)
    print("wrote %s (%d bytes)" % (path, len(text)))


def main():
    rng = random.Random(SEED)
    params = make_parameters(rng)
    inputs = make_inputs(rng)
    expected = [reference_forward(params, x) for x in inputs]
    # The float64 loops must have rounded nothing (see the docstring).
    for x, got in zip(inputs, expected):
        assert [Fraction(v) for v in got] == exact_forward(params, x)
    write("model.mlir", model_mlir(params))
    write("reference.h", reference_h(inputs, expected))


if __name__ == "__main__":
    main()
