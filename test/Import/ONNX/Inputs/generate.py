#!/usr/bin/python3
"""Writes the small ONNX models the lit tests in test/Import/ONNX/ import.

Run with Debian's Python (onnx 1.12 + numpy) from anywhere:

    /usr/bin/python3 test/Import/ONNX/Inputs/generate.py

Every model is written next to this script. The output is deterministic
(fixed seeds, no time stamps), so rerunning it leaves `git status` clean;
the models are committed so that the tests do not need Python.

Each `model_*` function below builds one model (or one family of bad
files); its docstring says what the lit tests check on it.
"""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
F32 = TensorProto.FLOAT
I64 = TensorProto.INT64


def rng(seed):
    return np.random.RandomState(seed)


def init(name, array):
    """An initializer from a numpy array (float32 unless it is integral)."""
    a = np.asarray(array)
    if a.dtype == np.float64:
        a = a.astype(np.float32)
    return numpy_helper.from_array(a, name)


def vi(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


def model(name, nodes, inputs, outputs, inits=(), opset=13, check=True,
          ir_version=None, extra_opsets=()):
    graph = helper.make_graph(nodes, name, inputs, outputs,
                              initializer=list(inits))
    opsets = [helper.make_opsetid("", opset)] + list(extra_opsets)
    m = helper.make_model(graph, opset_imports=opsets,
                          producer_name="tern-test-generate")
    # The IR version the opset came with (opset 13: IR 7, 17: IR 8), as
    # exporters write it.
    m.ir_version = ir_version if ir_version is not None else (
        8 if opset >= 15 else 7)
    if check:
        onnx.checker.check_model(m)
    return m


def save(m, filename):
    path = os.path.join(HERE, filename)
    with open(path, "wb") as f:
        f.write(m.SerializeToString())
    return path


def write_bytes(filename, data):
    with open(os.path.join(HERE, filename), "wb") as f:
        f.write(data)


def ternary(r, shape, a):
    """Weights in {-a, 0, a}, every value present."""
    w = r.randint(-1, 2, size=shape).astype(np.float32)
    w.flat[0], w.flat[1], w.flat[2] = -1, 0, 1
    return w * np.float32(a)


# --- Matrix products ---------------------------------------------------------


def model_gemm():
    """gemm_ternary: Gemm transB=1 with weights {-0.25, 0, 0.25} per tensor
    and a bias (raised to tern.ternary_matmul); gemm_dense: the same with
    normal weights (left linalg.matmul as is)."""
    r = rng(1)
    w = ternary(r, (8, 16), 0.25)
    nodes = [helper.make_node("Gemm", ["x", "w", "b"], ["y"], name="fc",
                              transB=1)]
    ins = [vi("x", F32, [2, 16])]
    outs = [vi("y", F32, [2, 8])]
    b = r.randn(8).astype(np.float32)
    save(model("gemm_ternary", nodes, ins, outs,
               [init("w", w), init("b", b)]), "gemm_ternary.onnx")
    wd = r.randn(8, 16).astype(np.float32)
    save(model("gemm_dense", nodes, ins, outs,
               [init("w", wd), init("b", b)]), "gemm_dense.onnx")


def model_matmul():
    """matmul_batched: run-time [2,3,4] x run-time [2,4,5] -> one reduction
    generic. matmul_const: [2,3,16] x constant [16,8] -> linalg.matmul with
    the batch folded into M (6 x 16). matmul_vec: a 1-D run-time operand
    times a run-time matrix."""
    save(model("matmul_batched",
               [helper.make_node("MatMul", ["a", "b"], ["y"], name="bmm")],
               [vi("a", F32, [2, 3, 4]), vi("b", F32, [2, 4, 5])],
               [vi("y", F32, [2, 3, 5])]), "matmul_batched.onnx")
    r = rng(2)
    save(model("matmul_const",
               [helper.make_node("MatMul", ["x", "w"], ["y"], name="proj")],
               [vi("x", F32, [2, 3, 16])], [vi("y", F32, [2, 3, 8])],
               [init("w", r.randn(16, 8))]), "matmul_const.onnx")
    save(model("matmul_vec",
               [helper.make_node("MatMul", ["v", "m"], ["y"], name="mv")],
               [vi("v", F32, [4]), vi("m", F32, [4, 3])],
               [vi("y", F32, [3])]), "matmul_vec.onnx")


def conformance_case(suite, test, m, x, y):
    """An ONNX backend-test style case under bitlinear-data/SUITE/TEST:
    model.onnx and test_data_set_0 with input x and expected output y, as
    tern-onnx-conformance --data reads them."""
    d = os.path.join(HERE, "bitlinear-data", suite, test)
    os.makedirs(os.path.join(d, "test_data_set_0"), exist_ok=True)
    with open(os.path.join(d, "model.onnx"), "wb") as f:
        f.write(m.SerializeToString())
    for name, v in (("input_0.pb", numpy_helper.from_array(x, "x")),
                    ("output_0.pb", numpy_helper.from_array(y, "y"))):
        with open(os.path.join(d, "test_data_set_0", name), "wb") as f:
            f.write(v.SerializeToString())


def bitlinear_reference(x, w, eps):
    """What a BitLinear layer computes, in float32 as PyTorch would:
    s = 127 / max(max|x| per row, eps); a = clip(round(x s), -128, 127) / s
    (numpy's round is half to even, as ONNX Round); y = a w."""
    x = x.astype(np.float32)
    amax = np.maximum(np.abs(x).max(axis=-1, keepdims=True), np.float32(eps))
    s = np.float32(127) / amax
    a = np.clip(np.round(x * s), -128, 127).astype(np.float32) / s
    return (a.astype(np.float64) @ w.astype(np.float64)).astype(np.float32)


def bitlinear_nodes(w_name, use_max):
    """The activation quantization of BitNet b1.58 as torch.onnx exports
    it, then the MatMul: Abs, ReduceMax(axes=-1), a floor at eps (Clip with
    only a min, or Max), 127 / that, Mul, Round, Clip(-128, 127), Div."""
    floor = (helper.make_node("Max", ["amax", "eps"], ["amax_f"], name="floor")
             if use_max else
             helper.make_node("Clip", ["amax", "eps"], ["amax_f"], name="floor"))
    return [
        helper.make_node("Abs", ["x"], ["ax"], name="abs"),
        helper.make_node("ReduceMax", ["ax"], ["amax"], name="amax",
                         axes=[-1], keepdims=1),
        floor,
        helper.make_node("Div", ["c127", "amax_f"], ["s"], name="scale"),
        helper.make_node("Mul", ["x", "s"], ["xs"], name="mul"),
        helper.make_node("Round", ["xs"], ["r"], name="round"),
        helper.make_node("Clip", ["r", "lo", "hi"], ["q"], name="clip"),
        helper.make_node("Div", ["q", "s"], ["a"], name="dequant"),
        helper.make_node("MatMul", ["a", w_name], ["y"], name="proj"),
    ]


def model_bitlinear():
    """bitlinear-data/bitlinear/test_*: a BitLinear layer (int8 absmax
    activation quantization in front of a MatMul with ternary weights, one
    magnitude per output) as ONNX conformance-style tests (model.onnx and
    test_data_set_0 with the outputs bitlinear_reference computes), run by
    tern-onnx-conformance: ternc folds the quantization into the int8
    ternary kernel, which must compute the same. K = 40 (not a multiple of
    16), N = 70 (past one 64-output tile); rows: random, all zero, and one
    with exact .5 ties (amax 127, so x * s = x) that round half to even.
    test_init uses Clip for the floor and initializers; test_const uses
    Max and Constant nodes; test_dense has weights that are not ternary, so
    nothing is folded and the quantization runs as imported (Round included);
    test_qdq quantizes with a QuantizeLinear / DequantizeLinear pair (fixed
    scale, int8 zero point 0), also folded into the int8 kernel."""
    r = rng(21)
    k, n, eps = 40, 70, 1e-5
    w = r.randint(-1, 2, size=(k, n)).astype(np.float32)
    w *= (0.01 + 0.1 * r.rand(n)).astype(np.float32)  # per-output scale
    x = r.randn(3, k).astype(np.float32) * 2
    x[1] = 0
    x[2] = r.randint(-40, 40, size=k) + 0.5
    x[2, 0] = 127
    scalars = {"c127": 127.0, "eps": eps, "lo": -128.0, "hi": 127.0}
    ins = [vi("x", F32, [3, k])]
    outs = [vi("y", F32, [3, n])]
    wd = r.randn(k, n).astype(np.float32)
    for test, use_max, weights in (("test_init", False, w),
                                   ("test_const", True, w),
                                   ("test_dense", False, wd)):
        nodes = bitlinear_nodes("w", use_max)
        inits = [init("w", weights)]
        y = bitlinear_reference(x, weights, eps)
        if use_max:
            nodes = [helper.make_node(
                "Constant", [], [name], name="const_" + name,
                value=numpy_helper.from_array(np.array(v, np.float32)))
                for name, v in scalars.items()] + nodes
        else:
            inits += [init(name, np.array(v, np.float32))
                      for name, v in scalars.items()]
        conformance_case("bitlinear", test,
                         model("bitlinear", nodes, ins, outs, inits), x, y)
    # QuantizeLinear / DequantizeLinear with one scale and an int8 zero
    # point of 0 (the static form): q = saturate(round(x / s)), a = q * s;
    # s = 0.05 makes the 2-sigma inputs saturate at -128 and 127.
    scale = np.float32(0.05)
    q = np.clip(np.round(x / scale), -128, 127).astype(np.float32)
    yq = ((q * scale).astype(np.float64) @ w.astype(np.float64)).astype(
        np.float32)
    nodes = [
        helper.make_node("QuantizeLinear", ["x", "s", "zp"], ["q"], name="q"),
        helper.make_node("DequantizeLinear", ["q", "s", "zp"], ["a"],
                         name="dq"),
        helper.make_node("MatMul", ["a", "w"], ["y"], name="proj"),
    ]
    inits = [init("w", w), init("s", np.array(scale, np.float32)),
             numpy_helper.from_array(np.array(0, np.int8), "zp")]
    conformance_case("bitlinear", "test_qdq",
                     model("qdq", nodes, ins, outs, inits), x, yq)


def model_mlp3():
    """mlp3: three Gemm layers fc1 (16 -> 32), fc2 (32 -> 32), fc3 (32 -> 4)
    with dense weights and ReLUs, for --ternarize."""
    r = rng(3)
    nodes, inits = [], []
    sizes = [16, 32, 32, 4]
    x = "x"
    for i in range(3):
        name = "fc%d" % (i + 1)
        inits += [init(name + ".weight", r.randn(sizes[i + 1], sizes[i]) * 0.2),
                  init(name + ".bias", r.randn(sizes[i + 1]) * 0.1)]
        y = "h%d" % (i + 1) if i < 2 else "logits"
        nodes.append(helper.make_node(
            "Gemm", [x, name + ".weight", name + ".bias"],
            [y + ("_pre" if i < 2 else "")], name=name, transB=1))
        if i < 2:
            nodes.append(helper.make_node("Relu", [y + "_pre"], [y],
                                          name="relu%d" % (i + 1)))
        x = y
    save(model("mlp3", nodes, [vi("x", F32, [1, 16])],
               [vi("logits", F32, [1, 4])], inits), "mlp3.onnx")


# --- Convolutions ------------------------------------------------------------


def model_conv():
    """conv_pad: 3x3 Conv, pads 1, stride 1, constant weights and bias
    (zero padding generic, im2col generic, linalg.matmul 64 x 27 x 4).
    conv_group: depthwise 3x3 Conv, group 4, stride 2 (one reduction
    generic, no linalg.matmul). convtranspose: stride 2, pads 1,
    output_padding 1."""
    r = rng(4)
    save(model("conv_pad",
               [helper.make_node("Conv", ["x", "w", "b"], ["y"], name="conv1",
                                 kernel_shape=[3, 3], pads=[1, 1, 1, 1])],
               [vi("x", F32, [1, 3, 8, 8])], [vi("y", F32, [1, 4, 8, 8])],
               [init("w", r.randn(4, 3, 3, 3)), init("b", r.randn(4))]),
         "conv_pad.onnx")
    save(model("conv_group",
               [helper.make_node("Conv", ["x", "w"], ["y"], name="dw",
                                 group=4, strides=[2, 2],
                                 kernel_shape=[3, 3])],
               [vi("x", F32, [1, 4, 7, 7])], [vi("y", F32, [1, 4, 3, 3])],
               [init("w", r.randn(4, 1, 3, 3))]), "conv_group.onnx")
    save(model("convtranspose",
               [helper.make_node("ConvTranspose", ["x", "w", "b"], ["y"],
                                 name="up", strides=[2, 2], pads=[1, 1, 1, 1],
                                 output_padding=[1, 1])],
               [vi("x", F32, [1, 2, 4, 4])], [vi("y", F32, [1, 3, 8, 8])],
               [init("w", r.randn(2, 3, 3, 3)), init("b", r.randn(3))]),
         "convtranspose.onnx")


def model_batchnorm():
    """bn_fold: 1x1 Conv (weights all 1, bias [0.5, 1]) then
    BatchNormalization (scale [2, 3], B [0.25, -1], mean 0, var 1,
    epsilon 0) then Relu: the BN folds into the Conv, whose weights become
    [2, 3] per output channel and bias [1.25, 2]. bn_nofold: the same BN on
    a graph input: one elementwise kernel. bn_fold_gemm: BN folded into a
    Gemm with alpha and beta."""
    bn_inits = [init("scale", [2.0, 3.0]), init("B", [0.25, -1.0]),
                init("mean", [0.0, 0.0]), init("var", [1.0, 1.0])]
    save(model("bn_fold",
               [helper.make_node("Conv", ["x", "w", "cb"], ["c"], name="conv"),
                helper.make_node("BatchNormalization",
                                 ["c", "scale", "B", "mean", "var"], ["n"],
                                 name="bn", epsilon=0.0),
                helper.make_node("Relu", ["n"], ["y"], name="relu")],
               [vi("x", F32, [1, 3, 2, 2])], [vi("y", F32, [1, 2, 2, 2])],
               [init("w", np.ones((2, 3, 1, 1))), init("cb", [0.5, 1.0])]
               + bn_inits), "bn_fold.onnx")
    # Gemm (alpha 2, beta 0.5, transB) then BN: weights become [2, 3] per
    # output, bias s * beta * b + t = [1.5, 3.5], beta 1, alpha kept.
    save(model("bn_fold_gemm",
               [helper.make_node("Gemm", ["x", "w", "b"], ["g"], name="fc",
                                 transB=1, alpha=2.0, beta=0.5),
                helper.make_node("BatchNormalization",
                                 ["g", "scale", "B2", "mean", "var"], ["y"],
                                 name="bn", epsilon=0.0)],
               [vi("x", F32, [1, 3])], [vi("y", F32, [1, 2])],
               [init("w", np.ones((2, 3))), init("b", [1.0, 2.0]),
                init("B2", [0.5, 0.5])] + bn_inits), "bn_fold_gemm.onnx")
    save(model("bn_nofold",
               [helper.make_node("BatchNormalization",
                                 ["x", "scale", "B", "mean", "var"], ["y"],
                                 name="bn", epsilon=1e-5)],
               [vi("x", F32, [1, 2, 3, 3])], [vi("y", F32, [1, 2, 3, 3])],
               bn_inits), "bn_nofold.onnx")


# --- Pools, normalizations, reductions ---------------------------------------


def model_pools():
    """maxpool_pads: 3x3 MaxPool, stride 2, pads 1 (reads through
    tensor.extract, padding is -inf). avgpool_pads: 3x3 AveragePool, pads 1,
    count_include_pad=0 (divides by a constant count tensor with 4, 6 and 9).
    globalavgpool: GlobalAveragePool (reduction, then divide by 25)."""
    x = [vi("x", F32, [1, 2, 5, 5])]
    save(model("maxpool_pads",
               [helper.make_node("MaxPool", ["x"], ["y"], name="pool",
                                 kernel_shape=[3, 3], strides=[2, 2],
                                 pads=[1, 1, 1, 1])],
               x, [vi("y", F32, [1, 2, 3, 3])]), "maxpool_pads.onnx")
    save(model("avgpool_pads",
               [helper.make_node("AveragePool", ["x"], ["y"], name="pool",
                                 kernel_shape=[3, 3], pads=[1, 1, 1, 1],
                                 count_include_pad=0)],
               x, [vi("y", F32, [1, 2, 5, 5])]), "avgpool_pads.onnx")
    save(model("globalavgpool",
               [helper.make_node("GlobalAveragePool", ["x"], ["y"],
                                 name="gap")],
               x, [vi("y", F32, [1, 2, 1, 1])]), "globalavgpool.onnx")


def model_normalization():
    """softmax: opset 13 Softmax on the last axis (max reduction, sum of
    exp reduction, divide). layernorm: opset 17 LayerNormalization over the
    last axis with scale and bias. layernorm_decomposed: the ReduceMean /
    Sub / Pow / Sqrt / Div chain older exporters write."""
    save(model("softmax",
               [helper.make_node("Softmax", ["x"], ["y"], name="sm", axis=-1)],
               [vi("x", F32, [2, 10])], [vi("y", F32, [2, 10])]),
         "softmax.onnx")
    r = rng(5)
    save(model("layernorm",
               [helper.make_node("LayerNormalization", ["x", "g", "b"], ["y"],
                                 name="ln", axis=-1, epsilon=1e-5)],
               [vi("x", F32, [2, 3, 8])], [vi("y", F32, [2, 3, 8])],
               [init("g", r.randn(8)), init("b", r.randn(8))], opset=17),
         "layernorm.onnx")
    nodes = [
        helper.make_node("ReduceMean", ["x"], ["mu"], name="mean", axes=[-1]),
        helper.make_node("Sub", ["x", "mu"], ["d"], name="sub"),
        helper.make_node("Pow", ["d", "two"], ["d2"], name="pow"),
        helper.make_node("ReduceMean", ["d2"], ["var"], name="var", axes=[-1]),
        helper.make_node("Add", ["var", "eps"], ["ve"], name="add_eps"),
        helper.make_node("Sqrt", ["ve"], ["sd"], name="sqrt"),
        helper.make_node("Div", ["d", "sd"], ["n"], name="div"),
        helper.make_node("Mul", ["n", "g"], ["ng"], name="mul"),
        helper.make_node("Add", ["ng", "b"], ["y"], name="add"),
    ]
    save(model("layernorm_decomposed", nodes, [vi("x", F32, [2, 8])],
               [vi("y", F32, [2, 8])],
               [init("two", np.float32(2.0)), init("eps", np.float32(1e-5)),
                init("g", r.randn(8)), init("b", r.randn(8))]),
         "layernorm_decomposed.onnx")


def model_reduce():
    """reduce: from one [2,3,4] input, ReduceSum over axis 1 given as an
    input with keepdims=0 ([2,4]), ReduceMean over axis 2 with keepdims=1
    ([2,3,1]), ReduceMax over all axes with keepdims=0 (a scalar)."""
    save(model("reduce",
               [helper.make_node("ReduceSum", ["x", "axes"], ["s"],
                                 name="rsum", keepdims=0),
                helper.make_node("ReduceMean", ["x"], ["m"], name="rmean",
                                 axes=[2], keepdims=1),
                helper.make_node("ReduceMax", ["x"], ["mx"], name="rmax",
                                 keepdims=0)],
               [vi("x", F32, [2, 3, 4])],
               [vi("s", F32, [2, 4]), vi("m", F32, [2, 3, 1]),
                vi("mx", F32, [])],
               [init("axes", np.array([1], np.int64))]), "reduce.onnx")


# --- Shapes and data movement ------------------------------------------------


def model_shape_ops():
    """shape_chain: x [2,3,4] -> Shape -> Gather(0) -> Unsqueeze -> Concat
    with [-1] -> Reshape(x) -> Relu: the shape arithmetic folds, leaving a
    collapse_shape and the ReLU. slice_split: Slice with a negative step and
    Split in two. concat_gather: Concat of an input and a constant, Gather
    with constant indices, Gather with run-time indices. pad_transpose: Pad
    reflect, Pad constant 1.5, Transpose. squeeze_flatten: Unsqueeze,
    Squeeze and Flatten (reshapes only)."""
    nodes = [
        helper.make_node("Shape", ["x"], ["shp"], name="shape"),
        helper.make_node("Gather", ["shp", "zero"], ["n"], name="gather",
                         axis=0),
        helper.make_node("Unsqueeze", ["n", "axes0"], ["n1"],
                         name="unsqueeze"),
        helper.make_node("Concat", ["n1", "minus1"], ["target"],
                         name="concat", axis=0),
        helper.make_node("Reshape", ["x", "target"], ["r"], name="reshape"),
        helper.make_node("Relu", ["r"], ["y"], name="relu"),
    ]
    save(model("shape_chain", nodes, [vi("x", F32, [2, 3, 4])],
               [vi("y", F32, [2, 12])],
               [init("zero", np.array(0, np.int64)),
                init("axes0", np.array([0], np.int64)),
                init("minus1", np.array([-1], np.int64))]),
         "shape_chain.onnx")

    i64 = lambda name, v: init(name, np.array(v, np.int64))
    save(model("slice_split",
               [helper.make_node("Slice", ["x", "st", "en", "ax", "sp"],
                                 ["s"], name="slice"),
                helper.make_node("Split", ["x", "parts"], ["p0", "p1"],
                                 name="split", axis=1)],
               [vi("x", F32, [4, 6])],
               [vi("s", F32, [4, 3]), vi("p0", F32, [4, 2]),
                vi("p1", F32, [4, 4])],
               [i64("st", [-1]), i64("en", [-100]), i64("ax", [1]),
                i64("sp", [-2]), i64("parts", [2, 4])]), "slice_split.onnx")

    r = rng(6)
    save(model("concat_gather",
               [helper.make_node("Concat", ["x", "c"], ["cat"], name="cat",
                                 axis=0),
                helper.make_node("Gather", ["x", "idx"], ["g"], name="gconst",
                                 axis=1),
                helper.make_node("Gather", ["x", "ridx"], ["gr"],
                                 name="grun", axis=0)],
               [vi("x", F32, [2, 3]), vi("ridx", I64, [4])],
               [vi("cat", F32, [3, 3]), vi("g", F32, [2, 2]),
                vi("gr", F32, [4, 3])],
               [init("c", r.randn(1, 3)), i64("idx", [2, -3])]),
         "concat_gather.onnx")

    save(model("pad_transpose",
               [helper.make_node("Pad", ["x", "pr"], ["yr"], name="padr",
                                 mode="reflect"),
                helper.make_node("Pad", ["x", "pc", "val"], ["yc"],
                                 name="padc", mode="constant"),
                helper.make_node("Transpose", ["x"], ["t"], name="tr",
                                 perm=[1, 0])],
               [vi("x", F32, [3, 4])],
               [vi("yr", F32, [5, 7]), vi("yc", F32, [4, 4]),
                vi("t", F32, [4, 3])],
               [i64("pr", [1, 2, 1, 1]), i64("pc", [1, 0, 0, 0]),
                init("val", np.float32(1.5))]), "pad_transpose.onnx")

    save(model("squeeze_flatten",
               [helper.make_node("Unsqueeze", ["x", "a0"], ["u"],
                                 name="unsq"),
                helper.make_node("Squeeze", ["u", "a0"], ["s"], name="sq"),
                helper.make_node("Flatten", ["s"], ["f"], name="flat",
                                 axis=1),
                helper.make_node("Relu", ["f"], ["y"], name="relu")],
               [vi("x", F32, [2, 3, 4])], [vi("y", F32, [2, 12])],
               [i64("a0", [0])]), "squeeze_flatten.onnx")


# --- Elementwise -------------------------------------------------------------


def model_elementwise():
    """activations: Relu, LeakyRelu(0.1), Sigmoid and the Erf form of Gelu
    exporters write (x * 0.5 * (1 + erf(x / sqrt(2)))). cast_where: Equal,
    Where, Cast to int32, Clip with min and max inputs. dropout_identity:
    Dropout (inference) and Identity vanish. hardswish: HardSwish at opset
    17, as PyTorch writes MobileNetV3's hardswish."""
    nodes = [
        helper.make_node("Relu", ["x"], ["a"], name="relu"),
        helper.make_node("LeakyRelu", ["a"], ["b"], name="lrelu", alpha=0.1),
        helper.make_node("Sigmoid", ["b"], ["c"], name="sigmoid"),
        helper.make_node("Div", ["c", "sqrt2"], ["g0"], name="gelu_div"),
        helper.make_node("Erf", ["g0"], ["g1"], name="gelu_erf"),
        helper.make_node("Add", ["g1", "one"], ["g2"], name="gelu_add"),
        helper.make_node("Mul", ["c", "g2"], ["g3"], name="gelu_mul"),
        helper.make_node("Mul", ["g3", "half"], ["y"], name="gelu_half"),
    ]
    save(model("activations", nodes, [vi("x", F32, [2, 8])],
               [vi("y", F32, [2, 8])],
               [init("sqrt2", np.float32(np.sqrt(2.0))),
                init("one", np.float32(1.0)), init("half", np.float32(0.5))]),
         "activations.onnx")
    save(model("cast_where",
               [helper.make_node("Equal", ["x", "z"], ["eq"], name="eq"),
                helper.make_node("Where", ["eq", "z", "x"], ["w"],
                                 name="where"),
                helper.make_node("Cast", ["w"], ["i"], name="cast",
                                 to=TensorProto.INT32),
                helper.make_node("Clip", ["x", "lo", "hi"], ["c"],
                                 name="clip")],
               [vi("x", F32, [2, 3]), vi("z", F32, [2, 3])],
               [vi("i", TensorProto.INT32, [2, 3]), vi("c", F32, [2, 3])],
               [init("lo", np.float32(-1.0)), init("hi", np.float32(1.0))]),
         "cast_where.onnx")
    save(model("hardswish",
               [helper.make_node("HardSwish", ["x"], ["y"], name="hswish")],
               [vi("x", F32, [2, 8])], [vi("y", F32, [2, 8])], opset=17),
         "hardswish.onnx")
    save(model("dropout_identity",
               [helper.make_node("Dropout", ["x", "ratio"], ["d"],
                                 name="drop"),
                helper.make_node("Identity", ["d"], ["i"], name="ident"),
                helper.make_node("Relu", ["i"], ["y"], name="relu")],
               [vi("x", F32, [2, 3])], [vi("y", F32, [2, 3])],
               [init("ratio", np.float32(0.5))]), "dropout_identity.onnx")


def model_gather_runtime():
    """embedding: Gather(axis 0) of a 10 x 3 table (row i holds 10 i, 10 i
    + 1, 10 i + 2) by the int64 input 'ids' [1, 4], times 2; the
    compiled model fails on an index outside -10..9 (gather-range.test)."""
    table = (np.arange(10)[:, None] * 10 + np.arange(3)[None, :]).astype(
        np.float32)
    save(model("embedding",
               [helper.make_node("Gather", ["embed.weight", "ids"], ["e"],
                                 name="embed", axis=0),
                helper.make_node("Mul", ["e", "two"], ["y"], name="scale")],
               [vi("ids", I64, [1, 4])], [vi("y", F32, [1, 4, 3])],
               [init("embed.weight", table), init("two", np.float32(2.0))]),
         "embedding.onnx")


# --- Inputs and initializers -------------------------------------------------


def model_inputs():
    """dynamic_dim: input x [batch, 4] (needs --input-shape x=1x4).
    reshape_runtime_shape: Reshape whose shape is the graph input 'shape'
    (needs --freeze-input shape=reshape_shape.pb, [3, 4]; reshape_x.pb
    freezes x too, reshape_shape_float.pb has the wrong type). uint8_input:
    a uint8 input (rejected). uint8_init: a uint8 initializer (rejected). nan_init: an initializer with a NaN and an Inf
    (warning, kept). causal_mask: a -inf causal mask added to the scores
    before a Softmax (no warning). inf_scale: the same mask read by a Mul
    (warning)."""
    relu = [helper.make_node("Relu", ["x"], ["y"], name="relu")]
    save(model("dynamic_dim", relu, [vi("x", F32, ["batch", 4])],
               [vi("y", F32, ["batch", 4])]), "dynamic_dim.onnx")
    save(model("reshape_runtime_shape",
               [helper.make_node("Reshape", ["x", "shape"], ["r"],
                                 name="reshape"),
                helper.make_node("Relu", ["r"], ["y"], name="relu")],
               [vi("x", F32, [2, 6]), vi("shape", I64, [2])],
               [vi("y", F32, [3, 4])]), "reshape_runtime_shape.onnx")
    shape = numpy_helper.from_array(np.array([3, 4], np.int64), "shape")
    write_bytes("reshape_shape.pb", shape.SerializeToString())
    x = numpy_helper.from_array(np.arange(12, dtype=np.float32).reshape(2, 6),
                                "x")
    write_bytes("reshape_x.pb", x.SerializeToString())
    shape_f = numpy_helper.from_array(np.array([3, 4], np.float32), "shape")
    write_bytes("reshape_shape_float.pb", shape_f.SerializeToString())
    save(model("uint8_input",
               [helper.make_node("Cast", ["x"], ["f"], name="cast", to=F32),
                helper.make_node("Relu", ["f"], ["y"], name="relu")],
               [vi("x", TensorProto.UINT8, [4])], [vi("y", F32, [4])]),
         "uint8_input.onnx")
    save(model("uint8_init",
               [helper.make_node("Cast", ["c"], ["cf"], name="cast", to=F32),
                helper.make_node("Add", ["x", "cf"], ["y"], name="add")],
               [vi("x", F32, [4])], [vi("y", F32, [4])],
               [init("c", np.arange(4, dtype=np.uint8))]), "uint8_init.onnx")
    w = np.array([1.0, np.nan, np.inf, -2.0], np.float32)
    save(model("nan_init",
               [helper.make_node("Add", ["x", "w"], ["y"], name="add")],
               [vi("x", F32, [4])], [vi("y", F32, [4])], [init("w", w)]),
         "nan_init.onnx")
    # An additive causal mask (-inf above the diagonal), as PyTorch exports
    # attention masks: Add before a Softmax; no warning.
    mask = np.triu(np.full((4, 4), -np.inf, np.float32), 1)
    save(model("causal_mask",
               [helper.make_node("Add", ["scores", "mask"], ["masked"],
                                 name="add_mask"),
                helper.make_node("Softmax", ["masked"], ["y"], name="softmax",
                                 axis=-1)],
               [vi("scores", F32, [1, 4, 4])], [vi("y", F32, [1, 4, 4])],
               [init("mask", mask)]), "causal_mask.onnx")
    # The same infinities scaling a value: warned about.
    save(model("inf_scale",
               [helper.make_node("Mul", ["x", "mask"], ["y"], name="mul")],
               [vi("x", F32, [4, 4])], [vi("y", F32, [4, 4])],
               [init("mask", mask)]), "inf_scale.onnx")


def model_external():
    """external_ok: the Gemm weights (8 x 16 floats, 512 bytes) live in
    external_ok.bin at offset 0; the bias (32 bytes) at offset 512.
    external_missing: points to external_missing.bin, which does not exist.
    external_short: points past the end of external_ok.bin.
    external_outside: a location with '..' (refused: outside the model's
    folder)."""
    r = rng(7)
    w = r.randn(8, 16).astype(np.float32)
    b = r.randn(8).astype(np.float32)
    write_bytes("external_ok.bin", w.tobytes() + b.tobytes())

    def external(name, shape, location, offset, length):
        t = TensorProto()
        t.name = name
        t.data_type = F32
        t.dims.extend(shape)
        t.data_location = TensorProto.EXTERNAL
        for k, v in (("location", location), ("offset", str(offset)),
                     ("length", str(length))):
            e = t.external_data.add()
            e.key, e.value = k, v
        return t

    nodes = [helper.make_node("Gemm", ["x", "w", "b"], ["y"], name="fc",
                              transB=1)]
    ins, outs = [vi("x", F32, [1, 16])], [vi("y", F32, [1, 8])]
    # The Python checker looks for the files next to the current directory:
    # these models are checked by ternc instead.
    save(model("external_ok", nodes, ins, outs,
               [external("w", [8, 16], "external_ok.bin", 0, 512),
                external("b", [8], "external_ok.bin", 512, 32)],
               check=False), "external_ok.onnx")
    save(model("external_missing", nodes, ins, outs,
               [external("w", [8, 16], "external_missing.bin", 0, 512),
                init("b", b)], check=False), "external_missing.onnx")
    save(model("external_short", nodes, ins, outs,
               [external("w", [8, 16], "external_ok.bin", 64, 512),
                init("b", b)], check=False), "external_short.onnx")
    save(model("external_outside", nodes, ins, outs,
               [external("w", [8, 16], "../Inputs/external_ok.bin", 0, 512),
                init("b", b)], check=False), "external_outside.onnx")


# --- Bad files and models ----------------------------------------------------


def model_errors():
    """Files that are not models, models the checker rejects, and models
    the importer refuses, each with the message the tests expect."""
    with open(os.path.join(HERE, "gemm_dense.onnx"), "rb") as f:
        good = f.read()
    write_bytes("truncated.onnx", good[: len(good) // 2])
    write_bytes("garbage.onnx", rng(8).bytes(256))
    write_bytes("empty.onnx", b"")
    write_bytes("not_a_tensor.pb", rng(9).bytes(64))

    relu = lambda i, o, name="relu": helper.make_node("Relu", [i], [o],
                                                      name=name)
    x4 = [vi("x", F32, [4])]
    y4 = [vi("y", F32, [4])]
    # A node reading a value nothing defines.
    save(model("checker_undefined", [helper.make_node(
        "Add", ["x", "nosuch"], ["y"], name="add")], x4, y4, check=False),
         "checker_undefined.onnx")
    # Nodes out of order: the checker's topological-sort message.
    save(model("checker_unsorted",
               [relu("a", "y", "second"), relu("x", "a", "first")], x4, y4,
               check=False), "checker_unsorted.onnx")
    # gemm_dense with its weight initializer deleted.
    m = onnx.load_from_string(good)
    keep = [t for t in m.graph.initializer if t.name != "w"]
    del m.graph.initializer[:]
    m.graph.initializer.extend(keep)
    save(m, "missing_weight.onnx")
    # IR version 0.
    save(model("checker_ir0", [relu("x", "y")], x4, y4, check=False,
               ir_version=0), "checker_ir0.onnx")
    # An attribute Conv does not have.
    r = rng(10)
    save(model("conv_bad_attr",
               [helper.make_node("Conv", ["x", "w"], ["y"], name="conv",
                                 fancy=1)],
               [vi("x", F32, [1, 1, 4, 4])], [vi("y", F32, [1, 1, 2, 2])],
               [init("w", r.randn(1, 1, 3, 3))], check=False),
         "conv_bad_attr.onnx")
    # auto_pad with a value ONNX does not define.
    save(model("conv_bad_autopad",
               [helper.make_node("Conv", ["x", "w"], ["y"], name="conv",
                                 auto_pad="SAME_MIDDLE")],
               [vi("x", F32, [1, 1, 4, 4])], [vi("y", F32, [1, 1, 2, 2])],
               [init("w", r.randn(1, 1, 3, 3))]), "conv_bad_autopad.onnx")
    # Operators outside the list: an ONNX one and one of another domain.
    save(model("unsupported_op",
               [helper.make_node("Mod", ["x", "x"], ["y"], name="mod")],
               x4, y4), "unsupported_op.onnx")
    save(model("custom_domain",
               [helper.make_node("FusedThing", ["x"], ["y"], name="fused",
                                 domain="com.example")],
               x4, y4, extra_opsets=[helper.make_opsetid("com.example", 1)],
               check=False), "custom_domain.onnx")
    # opset 18: the Python checker of onnx 1.12 does not know it.
    save(model("opset18", [relu("x", "y")], x4, y4, opset=18, check=False),
         "opset18.onnx")
    # Add of [2,3] and [4].
    save(model("wrong_shapes",
               [helper.make_node("Add", ["a", "b"], ["y"], name="add")],
               [vi("a", F32, [2, 3]), vi("b", F32, [4])],
               [vi("y", F32, [2, 3])], check=False), "wrong_shapes.onnx")
    # Nodes without names are named by their position.
    save(model("unnamed_node",
               [helper.make_node("Relu", ["x"], ["r"]),
                helper.make_node("Mod", ["r", "r"], ["y"])],
               x4, y4), "unnamed_node.onnx")
    # MaxPool's Indices output.
    save(model("maxpool_indices",
               [helper.make_node("MaxPool", ["x"], ["y", "idx"], name="pool",
                                 kernel_shape=[2, 2])],
               [vi("x", F32, [1, 1, 4, 4])],
               [vi("y", F32, [1, 1, 3, 3]), vi("idx", I64, [1, 1, 3, 3])]),
         "maxpool_indices.onnx")
    # Dropout in training mode.
    save(model("dropout_training",
               [helper.make_node("Dropout", ["x", "ratio", "train"], ["y"],
                                 name="drop")],
               x4, y4,
               [init("ratio", np.float32(0.5)),
                init("train", np.array(True))]), "dropout_training.onnx")
    # An initializer whose raw data is shorter than its shape.
    t = init("w", np.ones(4, np.float32))
    t.raw_data = t.raw_data[:8]
    save(model("short_initializer",
               [helper.make_node("Add", ["x", "w"], ["y"], name="add")],
               x4, y4, [t], check=False), "short_initializer.onnx")
    # A graph output that no node computes.
    save(model("missing_output", [relu("x", "y")], x4,
               y4 + [vi("z", F32, [4])], check=False), "missing_output.onnx")
    # Pad with fewer pads than 2 x rank.
    save(model("pad_short",
               [helper.make_node("Pad", ["x", "pads"], ["y"], name="pad",
                                 mode="reflect")],
               [vi("x", F32, [3, 4])], [vi("y", F32, [5, 4])],
               [init("pads", np.array([1, 1], np.int64))]), "pad_short.onnx")
    # Split sizes that add up to the axis but are not all positive.
    save(model("split_negative",
               [helper.make_node("Split", ["x", "parts"], ["p0", "p1"],
                                 name="split", axis=0)],
               x4, [vi("p0", F32, [5]), vi("p1", F32, [-1])],
               [init("parts", np.array([5, -1], np.int64))], check=False),
         "split_negative.onnx")


def main():
    for name, fn in sorted(globals().items()):
        if name.startswith("model_") and name != "model_errors":
            fn()
    model_errors()  # reads gemm_dense.onnx
    return 0


if __name__ == "__main__":
    sys.exit(main())
