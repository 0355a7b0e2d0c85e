#!/usr/bin/env python3
"""Trains three small classifiers on the 8x8 digits and exports them to ONNX.

The data set is scikit-learn's copy of the UCI optical digits (1797 images of
8x8 pixels, values 0..16, ten classes; sklearn.datasets.load_digits, no
download). Pixels are scaled to [0, 1] by /16 (exact in float32) and split
75/25, stratified, with a fixed random_state.

Models, all trained with Adam on minibatches, exported with
torch.onnx.export (opset 13, batch fixed at 1, input `pixels`, output
`logits`, no dynamic axes):

  mlp_float.onnx    64 -> 128 -> 64 -> 10, ReLU, float32 weights
  mlp_ternary.onnx  the same MLP trained with BitNet b1.58-style
                    quantization-aware training: in the forward pass every
                    weight matrix W (all three layers) is replaced by
                    a * clip(round(W / a), -1, 1), a = mean(|W|) per tensor,
                    with a straight-through estimator for the gradient. The
                    exported copy holds the quantized weights, so each
                    weight initializer has exactly the values {-a, 0, +a};
                    biases stay float
  cnn.onnx          Conv(1->8, 3x3, pad 1) ReLU MaxPool(2) Conv(8->16, 3x3,
                    pad 1) ReLU AveragePool(2) Flatten Linear(64->10), on a
                    1x1x8x8 input

and one model that is not trained but derived ("ternarized after training",
the reference for `ternc --ternarize`):

  mlp_ptq           mlp_float with the same absmean rule applied post hoc to
                    every Linear layer except the first and the last (here
                    fc2, 128 -> 64); no ONNX file of its own

It writes, next to itself:

  mlp_float.onnx mlp_ternary.onnx cnn.onnx
  test_x.f32      the test split, N x 64 float32, little-endian, row-major
  test_y.u8       its labels, N bytes
  NAME.pred       per test sample one line "CLASS TIE": PyTorch's argmax of
                  the logits and 1 if the top two logits are a tie (see
                  TIE_REL_TOL), else 0; for mlp_float, mlp_ternary, cnn and
                  mlp_ptq
  expected.json   accuracies, predictions, ties, weight sizes, the
                  ternarization's scales and relative errors

Before writing, every ONNX file is checked (onnx.checker, full shape
inference, static shapes everywhere, one input and one output) and run by a
small float64 NumPy interpreter of its graph (independent of PyTorch), whose
predictions must agree with PyTorch's on every non-tie sample.

Deterministic: fixed seeds, torch.set_num_threads(2), CPU only. Run as

    /usr/bin/python3 examples/digits/train.py

(Debian packages python3-torch, python3-sklearn, python3-onnx). About half a
minute on two cores. Bit-identical results are expected only with the same
PyTorch build and thread count; accuracies may move by a sample or two
elsewhere.
"""

import json
import os
import re
import sys
import time

import numpy as np
import onnx
import onnx.numpy_helper
import onnx.shape_inference
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

HERE = os.path.dirname(os.path.abspath(__file__))

SEED = 2026
SPLIT_RANDOM_STATE = 2026
TEST_SIZE = 0.25
NUM_THREADS = 2
BATCH_SIZE = 64
OPSET = 13

# Top-1 and top-2 logits l1 >= l2 are a tie if
#   l1 - l2 <= TIE_REL_TOL * max(1, |l1|, |l2|).
# On a tie another float32 implementation (other summation order, scale
# applied after the sum) may legitimately pick the other class.
TIE_REL_TOL = 1e-4

# Which classes of layer the post-training ternarization touches, and which
# it skips: like `ternc --ternarize`'s default, every Linear/Conv layer except
# the first and the last.
PTQ_SKIP_FIRST_AND_LAST = True


# --------------------------------------------------------------------------
# Ternarization (BitNet b1.58 absmean)


def absmean_ternarize(w):
    """Returns (a * q, a, q): a = mean(|w|) over the whole tensor, q =
    clip(round(w / a), -1, 1) with round half to even (torch.round).

    Everything in w's dtype (float32 here), like the forward pass of QAT.
    """
    a = w.abs().mean().clamp(min=1e-8)
    q = torch.clamp(torch.round(w / a), -1.0, 1.0)
    return a * q, a, q


class TernarySTE(torch.autograd.Function):
    """Forward: absmean ternarization; backward: identity (straight-through
    estimator)."""

    @staticmethod
    def forward(ctx, w):
        return absmean_ternarize(w)[0]

    @staticmethod
    def backward(ctx, grad):
        return grad


class MaybeTernaryLinear(nn.Linear):
    """nn.Linear whose forward uses ternarized weights when `ternary`."""

    def __init__(self, in_features, out_features, ternary=False):
        super().__init__(in_features, out_features)
        self.ternary = ternary

    def forward(self, x):
        w = TernarySTE.apply(self.weight) if self.ternary else self.weight
        return F.linear(x, w, self.bias)


class MLP(nn.Module):
    """64 -> 128 -> 64 -> 10 with ReLU. `ternary` says per layer whether
    training sees ternarized weights."""

    def __init__(self, ternary=(False, False, False)):
        super().__init__()
        self.fc1 = MaybeTernaryLinear(64, 128, ternary[0])
        self.fc2 = MaybeTernaryLinear(128, 64, ternary[1])
        self.fc3 = MaybeTernaryLinear(64, 10, ternary[2])

    def forward(self, x):
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)

    def linear_layers(self):
        return [("fc1", self.fc1), ("fc2", self.fc2), ("fc3", self.fc3)]


class CNN(nn.Module):
    """1x8x8 -> conv 8 -> pool -> conv 16 -> pool -> 64 -> 10."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.pool1 = nn.MaxPool2d(2)
        # count_include_pad=False: same result without padding, and PyTorch
        # then exports a plain AveragePool instead of Pad + AveragePool.
        self.pool2 = nn.AvgPool2d(2, count_include_pad=False)
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(16 * 2 * 2, 10)

    def forward(self, x):
        x = self.pool1(F.relu(self.conv1(x)))  # 8 x 4 x 4
        x = self.pool2(F.relu(self.conv2(x)))  # 16 x 2 x 2
        return self.fc(self.flatten(x))


def plain_copy(model, ternarize_layers=()):
    """A plain MLP (nn.Linear semantics, no STE) with model's parameters, the
    weights of the layers named in ternarize_layers replaced by their
    absmean ternarization. Returns (copy, {name: (W, a, q, rel_error)}) with
    W the float weights and rel_error = ||W - a q||_F / ||W||_F."""
    out = MLP()
    out.load_state_dict(model.state_dict())
    info = {}
    with torch.no_grad():
        for name, layer in out.linear_layers():
            if name not in ternarize_layers:
                continue
            w = layer.weight.detach().clone()
            wt, a, q = absmean_ternarize(w)
            rel = (torch.linalg.norm((w - wt).double()) /
                   torch.linalg.norm(w.double())).item()
            layer.weight.copy_(wt)
            info[name] = (w, a, q, rel)
    out.eval()
    return out, info


# --------------------------------------------------------------------------
# Training and evaluation


def train(model, x, y, epochs, lr, seed):
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs)
    n = x.shape[0]
    model.train()
    for _ in range(epochs):
        perm = torch.randperm(n, generator=gen)
        for i in range(0, n, BATCH_SIZE):
            idx = perm[i:i + BATCH_SIZE]
            opt.zero_grad()
            loss = F.cross_entropy(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
        sched.step()
    model.eval()
    return loss.item()


def logits_of(model, x, input_shape):
    """Logits one sample at a time, shaped as the exported model sees it
    (batch 1), so they are what the ONNX graph computes in float32."""
    with torch.no_grad():
        return torch.cat([model(x[i:i + 1].reshape(input_shape))
                          for i in range(x.shape[0])]).numpy()


def predictions_and_ties(logits):
    top2 = np.sort(logits, axis=1)[:, -2:].astype(np.float64)
    l2, l1 = top2[:, 0], top2[:, 1]
    bound = TIE_REL_TOL * np.maximum(1.0, np.maximum(np.abs(l1), np.abs(l2)))
    ties = (l1 - l2) <= bound
    return logits.argmax(axis=1), ties, (l1 - l2)


# --------------------------------------------------------------------------
# ONNX: export, checks, a float64 NumPy interpreter


def export(model, input_shape, path):
    model.eval()
    torch.onnx.export(model, torch.zeros(input_shape), path,
                      opset_version=OPSET, input_names=["pixels"],
                      output_names=["logits"], do_constant_folding=True)


def check_onnx(path, input_shape):
    """onnx.checker, full shape inference, static shapes on every value.
    Returns (model, op types in graph order without repeats)."""
    m = onnx.load(path)
    onnx.checker.check_model(m, full_check=True)
    inferred = onnx.shape_inference.infer_shapes(m, check_type=True,
                                                 strict_mode=True)
    g = inferred.graph
    if [i.name for i in g.input] != ["pixels"] or \
            [o.name for o in g.output] != ["logits"]:
        sys.exit("%s: want one input 'pixels' and one output 'logits', got "
                 "%s -> %s" % (path, [i.name for i in g.input],
                               [o.name for o in g.output]))

    def shape(vi):
        dims = vi.type.tensor_type.shape.dim
        if not vi.type.tensor_type.HasField("shape") or any(
                not d.HasField("dim_value") for d in dims):
            sys.exit("%s: value '%s' has no static shape" % (path, vi.name))
        return [d.dim_value for d in dims]

    if shape(g.input[0]) != list(input_shape) or shape(g.output[0]) != [1, 10]:
        sys.exit("%s: unexpected interface shapes" % path)
    inits = {t.name for t in g.initializer}
    produced = [o for n in g.node for o in n.output]
    known = {vi.name for vi in list(g.value_info) + list(g.output)}
    for vi in list(g.value_info) + list(g.input) + list(g.output):
        shape(vi)
    missing = [o for o in produced if o not in known]
    if missing:
        sys.exit("%s: no inferred shape for %s" % (path, missing))
    for t in g.initializer:
        if t.data_type != onnx.TensorProto.FLOAT:
            sys.exit("%s: initializer %s is not float32" % (path, t.name))
    assert not inits & {i.name for i in g.input}
    ops = []
    for n in g.node:
        if n.op_type not in ops:
            ops.append(n.op_type)
    return m, ops


def _pool(x, attrs, reduce):
    k = list(attrs["kernel_shape"])
    s = list(attrs.get("strides", k))
    pads = list(attrs.get("pads", [0] * 4))
    if any(pads) or attrs.get("ceil_mode", 0) or \
            attrs.get("dilations", [1, 1]) != [1, 1]:
        raise NotImplementedError("pool with pads/ceil_mode/dilations")
    n, c, h, w = x.shape
    oh, ow = (h - k[0]) // s[0] + 1, (w - k[1]) // s[1] + 1
    out = np.empty((n, c, oh, ow))
    for i in range(oh):
        for j in range(ow):
            win = x[:, :, i * s[0]:i * s[0] + k[0], j * s[1]:j * s[1] + k[1]]
            out[:, :, i, j] = reduce(win, axis=(2, 3))
    return out


def _conv(x, w, b, attrs):
    if attrs.get("group", 1) != 1 or \
            list(attrs.get("strides", [1, 1])) != [1, 1] or \
            list(attrs.get("dilations", [1, 1])) != [1, 1]:
        raise NotImplementedError("conv with groups/strides/dilations")
    t, l, bt, r = list(attrs.get("pads", [0] * 4))
    x = np.pad(x, ((0, 0), (0, 0), (t, bt), (l, r)))
    n, c, h, wd = x.shape
    o, _, kh, kw = w.shape
    oh, ow = h - kh + 1, wd - kw + 1
    out = np.zeros((n, o, oh, ow))
    for i in range(kh):
        for j in range(kw):
            patch = x[:, :, i:i + oh, j:j + ow]  # n c oh ow
            out += np.einsum("nchw,oc->nohw", patch, w[:, :, i, j])
    return out + (b.reshape(1, -1, 1, 1) if b is not None else 0)


def run_onnx(m, x):
    """Evaluates the graph in float64 for one input; supports exactly the
    ops these exports use."""
    env = {t.name: onnx.numpy_helper.to_array(t).astype(np.float64)
           for t in m.graph.initializer}
    env["pixels"] = x.astype(np.float64)
    for node in m.graph.node:
        a = {at.name: onnx.helper.get_attribute_value(at)
             for at in node.attribute}
        ins = [env[i] if i else None for i in node.input]
        op = node.op_type
        if op == "Gemm":
            A, B = ins[0], ins[1]
            A = A.T if a.get("transA", 0) else A
            B = B.T if a.get("transB", 0) else B
            y = a.get("alpha", 1.0) * (A @ B)
            if len(ins) > 2 and ins[2] is not None:
                y = y + a.get("beta", 1.0) * ins[2]
        elif op == "Relu":
            y = np.maximum(ins[0], 0.0)
        elif op == "Conv":
            y = _conv(ins[0], ins[1], ins[2] if len(ins) > 2 else None, a)
        elif op == "MaxPool":
            y = _pool(ins[0], a, np.max)
        elif op == "AveragePool":
            y = _pool(ins[0], a, np.mean)
        elif op == "Flatten":
            ax = a.get("axis", 1)
            y = ins[0].reshape(int(np.prod(ins[0].shape[:ax])), -1)
        elif op == "Reshape":
            y = ins[0].reshape([int(d) for d in ins[1]])
        else:
            raise NotImplementedError("op " + op)
        env[node.output[0]] = y
    return env["logits"]


def onnx_logits(m, x, input_shape):
    return np.concatenate([run_onnx(m, x[i].reshape(input_shape))
                           for i in range(x.shape[0])])


def weight_initializers(m):
    """Initializers of Gemm/Conv weights (their second input)."""
    names = [n.input[1] for n in m.graph.node if n.op_type in ("Gemm", "Conv")]
    inits = {t.name: t for t in m.graph.initializer}
    return [(n, onnx.numpy_helper.to_array(inits[n])) for n in names]


def check_ternary_initializers(m, path):
    """Every Gemm/Conv weight initializer holds at most the values
    {-a, 0, +a} for one a > 0. Returns {name: a}."""
    scales = {}
    for name, w in weight_initializers(m):
        vals = np.unique(w)
        nonzero = vals[vals != 0]
        a = float(np.max(np.abs(nonzero))) if nonzero.size else 0.0
        if len(vals) > 3 or not set(vals.tolist()) <= {-a, 0.0, a}:
            sys.exit("%s: initializer %s is not ternary: values %s" %
                     (path, name, vals[:8]))
        scales[name] = a
    return scales


# --------------------------------------------------------------------------
# Sizes


def layer_sizes(weights, ternary_names):
    """weights: [(name, weight array, bias size)]. Bytes of the weights and
    biases as float32, and as Tern stores them: a ternary layer's N x K
    weight matrix packed at 2 bits per weight, ceil(K / 4) bytes per row,
    plus one float32 scale; biases and every other layer float32."""
    layers = []
    for name, w, nbias in weights:
        n, k = w.shape[0], int(np.prod(w.shape[1:]))
        f32 = 4 * (w.size + nbias)
        tern = (n * ((k + 3) // 4) + 4 + 4 * nbias
                if name in ternary_names else f32)
        layers.append({"name": name, "shape": list(w.shape),
                       "ternary": name in ternary_names,
                       "bytes_f32": f32, "bytes_tern": tern})
    return layers


def main():
    t0 = time.time()
    torch.manual_seed(SEED)
    np.random.seed(SEED)
    torch.set_num_threads(NUM_THREADS)
    torch.use_deterministic_algorithms(True)

    digits = load_digits()
    x_all = (digits.data / 16.0).astype(np.float32)
    y_all = digits.target.astype(np.int64)
    x_tr, x_te, y_tr, y_te = train_test_split(
        x_all, y_all, test_size=TEST_SIZE, random_state=SPLIT_RANDOM_STATE,
        stratify=y_all)
    xt, yt = torch.from_numpy(x_tr), torch.from_numpy(y_tr)
    xe = torch.from_numpy(x_te)
    n_test = x_te.shape[0]
    print("digits: %d train, %d test" % (x_tr.shape[0], n_test))

    results = {}

    def record(name, logits, extra):
        pred, ties, margin = predictions_and_ties(logits)
        correct = int((pred == y_te).sum())
        entry = {"pytorch_accuracy": round(correct / n_test, 6),
                 "correct": correct}
        entry.update(extra)
        entry["num_ties"] = int(ties.sum())
        entry["min_top2_margin"] = float(margin.min())
        entry["predictions"] = [int(p) for p in pred]
        entry["ties"] = [int(t) for t in ties]
        results[name] = entry
        with open(os.path.join(HERE, name + ".pred"), "w") as f:
            for p, t in zip(pred, ties):
                f.write("%d %d\n" % (p, int(t)))
        print("%-12s accuracy %.4f (%d/%d), %d tie(s), min top-2 margin %.3g"
              % (name, correct / n_test, correct, n_test, ties.sum(),
                 margin.min()))
        return pred, ties

    def verify_with_interpreter(name, m, input_shape, pred, ties):
        ref = onnx_logits(m, x_te, input_shape).argmax(axis=1)
        bad = np.nonzero((ref != pred) & ~ties)[0]
        if bad.size:
            sys.exit("%s: the NumPy interpreter of the ONNX graph disagrees "
                     "with PyTorch on samples %s" % (name, bad.tolist()))

    mlp_shape, cnn_shape = (1, 64), (1, 1, 8, 8)

    # (a) float MLP
    torch.manual_seed(SEED)
    mlp = MLP()
    loss = train(mlp, xt, yt, epochs=100, lr=1e-2, seed=SEED)
    print("mlp_float    trained, last loss %.4f (%.1fs)" % (loss,
                                                            time.time() - t0))
    path = os.path.join(HERE, "mlp_float.onnx")
    export(mlp, mlp_shape, path)
    m, ops = check_onnx(path, mlp_shape)
    sizes = layer_sizes([(n, l.weight.detach().numpy(), l.bias.numel())
                         for n, l in mlp.linear_layers()], ())
    pred, ties = record("mlp_float", logits_of(mlp, xe, mlp_shape), {
        "onnx": "mlp_float.onnx", "input_shape": list(mlp_shape),
        "ops": ops, "layers": sizes,
        "bytes_f32": sum(s["bytes_f32"] for s in sizes),
        "bytes_tern": sum(s["bytes_tern"] for s in sizes)})
    verify_with_interpreter("mlp_float", m, mlp_shape, pred, ties)

    # (b) ternary MLP, quantization-aware training of all three layers
    torch.manual_seed(SEED)
    qat = MLP(ternary=(True, True, True))
    loss = train(qat, xt, yt, epochs=150, lr=1e-2, seed=SEED)
    print("mlp_ternary  trained, last loss %.4f (%.1fs)" %
          (loss, time.time() - t0))
    names = ("fc1", "fc2", "fc3")
    exported, info = plain_copy(qat, names)
    path = os.path.join(HERE, "mlp_ternary.onnx")
    export(exported, mlp_shape, path)
    m, ops = check_onnx(path, mlp_shape)
    scales = check_ternary_initializers(m, path)
    sizes = layer_sizes([(n, l.weight.detach().numpy(), l.bias.numel())
                         for n, l in exported.linear_layers()], names)
    q_stats = {}
    for n in names:
        w, a, q, rel = info[n]
        q_stats[n] = {"scale": float(a), "trits": {
            "-1": int((q == -1).sum()), "0": int((q == 0).sum()),
            "+1": int((q == 1).sum())}}
    pred, ties = record("mlp_ternary", logits_of(exported, xe, mlp_shape), {
        "onnx": "mlp_ternary.onnx", "input_shape": list(mlp_shape),
        "ops": ops, "ternary_layers": list(names),
        "initializer_scales": scales, "quantization": q_stats,
        "layers": sizes,
        "bytes_f32": sum(s["bytes_f32"] for s in sizes),
        "bytes_tern": sum(s["bytes_tern"] for s in sizes)})
    verify_with_interpreter("mlp_ternary", m, mlp_shape, pred, ties)
    # The QAT forward and the exported copy compute the same function.
    same = np.abs(logits_of(qat, xe, mlp_shape) -
                  logits_of(exported, xe, mlp_shape)).max()
    assert same == 0.0, same

    # (c) CNN
    torch.manual_seed(SEED)
    cnn = CNN()
    loss = train(cnn, xt.reshape(-1, 1, 8, 8), yt, epochs=150, lr=3e-3,
                 seed=SEED)
    print("cnn          trained, last loss %.4f (%.1fs)" % (loss,
                                                            time.time() - t0))
    path = os.path.join(HERE, "cnn.onnx")
    export(cnn, cnn_shape, path)
    m, ops = check_onnx(path, cnn_shape)
    sizes = layer_sizes([("conv1", cnn.conv1.weight.detach().numpy(), 8),
                         ("conv2", cnn.conv2.weight.detach().numpy(), 16),
                         ("fc", cnn.fc.weight.detach().numpy(), 10)], ())
    pred, ties = record("cnn", logits_of(cnn, xe, cnn_shape), {
        "onnx": "cnn.onnx", "input_shape": list(cnn_shape), "ops": ops,
        "num_params": sum(p.numel() for p in cnn.parameters()),
        "layers": sizes,
        "bytes_f32": sum(s["bytes_f32"] for s in sizes),
        "bytes_tern": sum(s["bytes_tern"] for s in sizes)})
    verify_with_interpreter("cnn", m, cnn_shape, pred, ties)

    # (d) mlp_float ternarized after training (reference for ternc
    # --ternarize): every Linear layer except the first and the last.
    layers = [n for n, _ in mlp.linear_layers()]
    ptq_names = layers[1:-1] if PTQ_SKIP_FIRST_AND_LAST else layers
    ptq, info = plain_copy(mlp, ptq_names)
    sizes = layer_sizes([(n, l.weight.detach().numpy(), l.bias.numel())
                         for n, l in ptq.linear_layers()], ptq_names)
    q_stats = {}
    for n in ptq_names:
        w, a, q, rel = info[n]
        # How close the rounding came to a decision boundary (|w|/a = 0.5):
        # an implementation that computes a or w/a differently could flip a
        # trit only if this is tiny. Also check float64 agrees.
        r = (w.double().abs() / a.double()).numpy()
        a64 = w.double().abs().mean()
        q64 = torch.clamp(torch.round(w.double() / a64), -1, 1)
        q_stats[n] = {
            "scale": float(a), "scale_float64": float(a64),
            "relative_error": rel,
            "trits": {"-1": int((q == -1).sum()), "0": int((q == 0).sum()),
                      "+1": int((q == 1).sum())},
            "min_distance_to_half": float(np.abs(r - 0.5).min()),
            "float64_trits_agree": bool(torch.equal(q.double(), q64))}
    # For information: every layer ternarized after training.
    all_ptq, all_info = plain_copy(mlp, layers)
    all_pred = logits_of(all_ptq, xe, mlp_shape).argmax(axis=1)
    record("mlp_ptq", logits_of(ptq, xe, mlp_shape), {
        "source": "mlp_float.onnx", "input_shape": list(mlp_shape),
        "ternarized_layers": ptq_names,
        "rule": "a = mean(|W|) per tensor; q = clip(round_half_even(W / a), "
                "-1, 1); W_t = a * q (float32)",
        "quantization": q_stats, "layers": sizes,
        "bytes_f32": sum(s["bytes_f32"] for s in sizes),
        "bytes_tern": sum(s["bytes_tern"] for s in sizes),
        "all_layers_ternarized": {
            "pytorch_accuracy": round(float((all_pred == y_te).mean()), 6),
            "relative_error": {n: all_info[n][3] for n in layers}}})
    for n in ptq_names:
        print("mlp_ptq      %s: scale %.6g, ||W - W_t|| / ||W|| = %.4f" %
              (n, q_stats[n]["scale"], q_stats[n]["relative_error"]))
    print("mlp_ptq      all layers ternarized: accuracy %.4f" %
          results["mlp_ptq"]["all_layers_ternarized"]["pytorch_accuracy"])

    # Test data and the summary.
    x_te.astype("<f4").tofile(os.path.join(HERE, "test_x.f32"))
    y_te.astype(np.uint8).tofile(os.path.join(HERE, "test_y.u8"))
    summary = {
        "data": {"source": "sklearn.datasets.load_digits", "scaling": "/16",
                 "test_size": TEST_SIZE, "random_state": SPLIT_RANDOM_STATE,
                 "stratified": True, "num_train": int(x_tr.shape[0]),
                 "num_test": int(n_test), "test_x": "test_x.f32",
                 "test_y": "test_y.u8"},
        "seed": SEED, "torch_version": torch.__version__,
        "tie_rule": "l1 - l2 <= %g * max(1, |l1|, |l2|) for the top two "
                    "logits l1 >= l2" % TIE_REL_TOL,
        "models": results,
    }
    text = json.dumps(summary, indent=1)
    # Lists of numbers on one line each.
    text = re.sub(r"\[[-0-9.e,\s]*\]", lambda mt: "[" + ", ".join(
        v.strip() for v in mt.group(0)[1:-1].split(",")) + "]", text)
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        f.write(text + "\n")
    for name in ("mlp_float", "mlp_ternary", "cnn"):
        print("%-12s ops: %s" % (name, " ".join(results[name]["ops"])))
    print("done in %.1fs" % (time.time() - t0))


if __name__ == "__main__":
    main()
