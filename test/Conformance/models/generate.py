#!/usr/bin/env python3
"""Small PyTorch building blocks, exported to ONNX, as Tern conformance tests.

Each block is a small nn.Module (transformer, MatMul-free LM and CNN pieces,
and a few data-movement and activation ops), exported with
torch.onnx.export at opset 13 (and 17 for the native LayerNormalization),
static shapes, batch 1 or 2. The script writes them in the layout of ONNX's
backend tests, so that tern-onnx-conformance runs them like the others:

  tern/test_NAME/model.onnx
  tern/test_NAME/test_data_set_0/input_K.pb   inputs, random with a fixed seed
  tern/test_NAME/test_data_set_0/output_K.pb  PyTorch's outputs (float32)

Each .pb is a serialized onnx.TensorProto named after the graph input or
output it belongs to. The tests need no Python: the files are committed, and
this script is only for regenerating them:

  /usr/bin/python3 test/Conformance/models/generate.py

(Debian's python3-torch 1.13, python3-onnx 1.12, numpy). It removes and
rewrites tern/. Before writing, every model is checked (onnx.checker,
strict shape inference, static input shapes) and every block is run a
second time in float64: the float32 outputs must agree with the float64 ones
well inside the runner's tolerance (rtol 1e-3, atol 1e-7), so that a test
fails only when a result is wrong, not because the block is badly
conditioned in float32. The script prints, per test, the ONNX ops of the
exported graph and the worst float32 error as a fraction of the tolerance.

Ternary layers (the MatMul-free LM blocks) hold BitNet b1.58 absmean
weights, a * clip(round(W / a), -1, 1) with a = mean|W| per tensor, stored
as float initializers whose values are exactly {-a, 0, +a}: ternc raises
them to packed ternary layers without a flag (`ternc --tern-report`).

Deterministic: fixed seeds per block (from the block's name),
torch.set_num_threads(2), CPU only.
"""

import io
import math
import os
import shutil
import sys
import zlib

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
SUITE = os.path.join(HERE, "tern")

# The runner's tolerance; the float64 check below wants the float32 error
# to stay under MARGIN of it.
RTOL, ATOL = 1e-3, 1e-7
MARGIN = 0.25

BLOCKS = []


def block(name, opset=13, preserve=False):
    """Registers a builder: a function returning (module, inputs, in_names,
    out_names). preserve=True exports with TrainingMode.PRESERVE so that an
    eval() model keeps its BatchNormalization nodes (PyTorch's exporter would
    otherwise fold them into the Conv itself)."""

    def register(fn):
        BLOCKS.append((name, fn, opset, preserve))
        return fn

    return register


def seed_of(name):
    return zlib.crc32(name.encode()) & 0x7FFFFFFF


def randn(rng, *shape, scale=1.0):
    return torch.from_numpy((rng.standard_normal(shape) * scale).astype(np.float32))


def absmean_ternarize(w):
    """BitNet b1.58: a = mean|W|, W/a rounded and clipped to {-1, 0, 1}."""
    with torch.no_grad():
        a = w.abs().mean()
        return a * torch.clamp(torch.round(w / a), -1, 1)


def ternarize_(linear):
    with torch.no_grad():
        linear.weight.copy_(absmean_ternarize(linear.weight))
    return linear


def randomize_bn_(bn, rng):
    """Non-trivial running statistics and affine parameters (a fresh
    BatchNorm has mean 0, var 1, weight 1, bias 0: folding it is a no-op)."""
    c = bn.num_features
    with torch.no_grad():
        bn.running_mean.copy_(randn(rng, c, scale=0.5))
        bn.running_var.copy_(torch.from_numpy(rng.uniform(0.5, 2.0, c).astype(np.float32)))
        bn.weight.copy_(torch.from_numpy(rng.uniform(0.5, 1.5, c).astype(np.float32)))
        bn.bias.copy_(randn(rng, c, scale=0.2))


class Fn(nn.Module):
    """A module around a function of its inputs."""

    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, *xs):
        return self.fn(*xs)


# --------------------------------------------------------------------------
# MLPs

class Mlp(nn.Module):
    def __init__(self, dim, hidden, act):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)
        self.act = act

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


@block("mlp_gelu_erf")
def _(rng):
    return Mlp(16, 32, nn.GELU(approximate="none")), (randn(rng, 2, 16),), ["x"], ["y"]


@block("mlp_gelu_tanh")
def _(rng):
    return Mlp(16, 32, nn.GELU(approximate="tanh")), (randn(rng, 2, 16),), ["x"], ["y"]


@block("mlp_silu")
def _(rng):
    # x * sigmoid(x), written out (nn.SiLU exports the same two ops).
    return Mlp(16, 32, Fn(lambda h: h * torch.sigmoid(h))), (randn(rng, 2, 16),), ["x"], ["y"]


class SwiGlu(nn.Module):
    """LLaMA's feed-forward: w2(silu(w1 x) * w3 x), no biases."""

    def __init__(self, dim, hidden):
        super().__init__()
        self.w1 = nn.Linear(dim, hidden, bias=False)
        self.w2 = nn.Linear(hidden, dim, bias=False)
        self.w3 = nn.Linear(dim, hidden, bias=False)

    def forward(self, x):
        return self.w2(F.silu(self.w1(x)) * self.w3(x))


@block("swiglu")
def _(rng):
    return SwiGlu(16, 32), (randn(rng, 1, 8, 16),), ["x"], ["y"]


# --------------------------------------------------------------------------
# Attention, normalization, transformer block

class SelfAttention(nn.Module):
    """Multi-head self-attention with a causal mask. mask="add" adds a
    constant (0 / -1e9) matrix to the scores; mask="fill" uses
    masked_fill(-inf) (exported as Where)."""

    def __init__(self, dim, heads, seq, mask="add"):
        super().__init__()
        self.heads, self.hd = heads, dim // heads
        self.q = nn.Linear(dim, dim)
        self.k = nn.Linear(dim, dim)
        self.v = nn.Linear(dim, dim)
        self.out = nn.Linear(dim, dim)
        self.mask_kind = mask
        upper = torch.triu(torch.ones(seq, seq, dtype=torch.bool), diagonal=1)
        if mask == "add":
            self.register_buffer("mask", torch.zeros(seq, seq).masked_fill(upper, -1e9))
        else:
            self.register_buffer("mask", upper)

    def forward(self, x):
        b, t, c = x.shape
        q = self.q(x).reshape(b, t, self.heads, self.hd).transpose(1, 2)
        k = self.k(x).reshape(b, t, self.heads, self.hd).transpose(1, 2)
        v = self.v(x).reshape(b, t, self.heads, self.hd).transpose(1, 2)
        s = torch.matmul(q, k.transpose(-2, -1)) / math.sqrt(self.hd)
        if self.mask_kind == "add":
            s = s + self.mask
        else:
            s = s.masked_fill(self.mask, float("-inf"))
        p = torch.softmax(s, dim=-1)
        o = torch.matmul(p, v).transpose(1, 2).reshape(b, t, c)
        return self.out(o)


@block("attention_1head")
def _(rng):
    return SelfAttention(16, 1, 8, "add"), (randn(rng, 1, 8, 16),), ["x"], ["y"]


@block("attention_2head")
def _(rng):
    return SelfAttention(16, 2, 8, "add"), (randn(rng, 1, 8, 16),), ["x"], ["y"]


@block("attention_2head_masked_fill")
def _(rng):
    return SelfAttention(16, 2, 8, "fill"), (randn(rng, 1, 8, 16),), ["x"], ["y"]


def randomize_affine_(norm, rng):
    with torch.no_grad():
        norm.weight.copy_(torch.from_numpy(rng.uniform(0.5, 1.5, norm.weight.shape).astype(np.float32)))
        if getattr(norm, "bias", None) is not None:
            norm.bias.copy_(randn(rng, *norm.bias.shape, scale=0.2))


class LayerNormBlock(nn.Module):
    """LayerNorm followed by a Linear (the usual pre-norm pattern)."""

    def __init__(self, dim, rng):
        super().__init__()
        self.norm = nn.LayerNorm(dim)
        randomize_affine_(self.norm, rng)
        self.fc = nn.Linear(dim, dim)

    def forward(self, x):
        return self.fc(self.norm(x))


@block("layernorm_block")
def _(rng):
    # Opset 13: PyTorch writes the decomposition (ReduceMean, Sub, Pow,
    # ReduceMean, Add, Sqrt, Div, Mul, Add).
    return LayerNormBlock(16, rng), (randn(rng, 1, 8, 16, scale=2.0) + 0.5,), ["x"], ["y"]


@block("layernorm_block_opset17", opset=17)
def _(rng):
    return LayerNormBlock(16, rng), (randn(rng, 1, 8, 16, scale=2.0) + 0.5,), ["x"], ["y"]


class RmsNorm(nn.Module):
    def __init__(self, dim, eps=1e-6):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


@block("rmsnorm")
def _(rng):
    m = RmsNorm(16)
    randomize_affine_(m, rng)
    return m, (randn(rng, 1, 8, 16, scale=2.0),), ["x"], ["y"]


class TransformerBlock(nn.Module):
    """Pre-norm: x + attn(ln1(x)), then + mlp(ln2(x))."""

    def __init__(self, dim, heads, seq, hidden, rng):
        super().__init__()
        self.ln1 = nn.LayerNorm(dim)
        self.ln2 = nn.LayerNorm(dim)
        randomize_affine_(self.ln1, rng)
        randomize_affine_(self.ln2, rng)
        self.attn = SelfAttention(dim, heads, seq, "add")
        self.mlp = Mlp(dim, hidden, nn.GELU())

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        return x + self.mlp(self.ln2(x))


@block("transformer_block")
def _(rng):
    return TransformerBlock(16, 2, 8, 32, rng), (randn(rng, 1, 8, 16),), ["x"], ["y"]


class EmbeddingLinear(nn.Module):
    def __init__(self, vocab, dim, out):
        super().__init__()
        self.emb = nn.Embedding(vocab, dim)
        self.fc = nn.Linear(dim, out)

    def forward(self, tokens):
        return self.fc(self.emb(tokens))


@block("embedding")
def _(rng):
    tokens = torch.from_numpy(rng.integers(0, 32, size=(1, 8)).astype(np.int64))
    tokens[0, 0] = 0
    tokens[0, 1] = 31
    return EmbeddingLinear(32, 16, 8), (tokens,), ["tokens"], ["y"]


# --------------------------------------------------------------------------
# MatMul-free LM (Zhu et al. 2024): BitLinear layers with ternary weights,
# the MLGRU token mixer and the GLU channel mixer.

class BitLinear(nn.Linear):
    """A Linear whose weight is absmean-ternarized once, at construction
    (the exported model holds the quantized weights). The paper's BitLinear
    also quantizes activations to 8 bits; this keeps them float."""

    def __init__(self, inp, out, bias=False):
        super().__init__(inp, out, bias=bias)
        ternarize_(self)


class MatmulFreeGlu(nn.Module):
    """Channel mixer: x + W_d(silu(W_g n) * W_u n), n = RMSNorm(x)."""

    def __init__(self, dim, hidden, rng):
        super().__init__()
        self.norm = RmsNorm(dim)
        randomize_affine_(self.norm, rng)
        self.gate_up = BitLinear(dim, 2 * hidden)
        self.down = BitLinear(hidden, dim)

    def forward(self, x):
        g, u = self.gate_up(self.norm(x)).chunk(2, dim=-1)
        return x + self.down(F.silu(g) * u)


@block("matmulfree_glu")
def _(rng):
    return MatmulFreeGlu(16, 32, rng), (randn(rng, 1, 4, 16),), ["x"], ["y"]


class Mlgru(nn.Module):
    """MLGRU token mixer, the recurrence unrolled over the sequence:
    f_t = sigmoid(W_f x_t), c_t = silu(W_c x_t), g_t = sigmoid(W_g x_t),
    h_t = f_t * h_{t-1} + (1 - f_t) * c_t, o_t = W_o RMSNorm(g_t * h_t)."""

    def __init__(self, dim, steps, rng):
        super().__init__()
        self.steps = steps
        self.norm_in = RmsNorm(dim)
        self.f = BitLinear(dim, dim)
        self.c = BitLinear(dim, dim)
        self.g = BitLinear(dim, dim)
        self.norm_out = RmsNorm(dim)
        randomize_affine_(self.norm_in, rng)
        randomize_affine_(self.norm_out, rng)
        self.o = BitLinear(dim, dim)

    def forward(self, x):
        n = self.norm_in(x)
        f = torch.sigmoid(self.f(n))
        c = F.silu(self.c(n))
        g = torch.sigmoid(self.g(n))
        h = torch.zeros_like(x[:, 0])
        outs = []
        for t in range(self.steps):
            h = f[:, t] * h + (1 - f[:, t]) * c[:, t]
            outs.append(g[:, t] * h)
        o = torch.stack(outs, dim=1)
        return x + self.o(self.norm_out(o))


@block("matmulfree_hgrn")
def _(rng):
    return Mlgru(16, 4, rng), (randn(rng, 1, 4, 16),), ["x"], ["y"]


class TernaryGemm(nn.Module):
    """2-D input, so the Linears export as Gemm (with bias); fc1 ternary per
    tensor, fc2 ternary per output channel (one a per row)."""

    def __init__(self):
        super().__init__()
        self.fc1 = ternarize_(nn.Linear(16, 32))
        self.fc2 = nn.Linear(32, 8)
        with torch.no_grad():
            w = self.fc2.weight
            a = w.abs().mean(dim=1, keepdim=True)
            w.copy_(a * torch.clamp(torch.round(w / a), -1, 1))

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))


@block("matmulfree_bitlinear_gemm")
def _(rng):
    return TernaryGemm(), (randn(rng, 2, 16),), ["x"], ["y"]


# --------------------------------------------------------------------------
# CNN pieces

class ConvBnRelu(nn.Module):
    def __init__(self, cin, cout, rng):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, padding=1)
        self.bn = nn.BatchNorm2d(cout)
        randomize_bn_(self.bn, rng)

    def forward(self, x):
        return torch.relu(self.bn(self.conv(x)))


@block("conv_bn_relu", preserve=True)
def _(rng):
    return ConvBnRelu(3, 8, rng), (randn(rng, 1, 3, 8, 8),), ["x"], ["y"]


class DepthwiseSeparable(nn.Module):
    def __init__(self, c, cout):
        super().__init__()
        self.dw = nn.Conv2d(c, c, 3, padding=1, groups=c)
        self.pw = nn.Conv2d(c, cout, 1)

    def forward(self, x):
        return self.pw(torch.relu(self.dw(x)))


@block("depthwise_separable")
def _(rng):
    return DepthwiseSeparable(8, 16), (randn(rng, 1, 8, 6, 6),), ["x"], ["y"]


@block("conv1d_dilated")
def _(rng):
    return nn.Conv1d(4, 8, 3, dilation=2, padding=2), (randn(rng, 2, 4, 16),), ["x"], ["y"]


@block("conv_transpose2d_stride2")
def _(rng):
    m = nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1)
    return m, (randn(rng, 1, 4, 5, 5),), ["x"], ["y"]


@block("maxpool2d_ceil")
def _(rng):
    # 3x3 window, stride 2 on 8x8: floor gives 3x3, ceil_mode gives 4x4.
    return nn.MaxPool2d(3, stride=2, ceil_mode=True), (randn(rng, 1, 3, 8, 8),), ["x"], ["y"]


@block("avgpool2d_pad_exclude")
def _(rng):
    m = nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False)
    return m, (randn(rng, 1, 3, 7, 7),), ["x"], ["y"]


class GapHead(nn.Module):
    def __init__(self, c, classes):
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.flat = nn.Flatten()
        self.fc = nn.Linear(c, classes)

    def forward(self, x):
        return self.fc(self.flat(self.pool(x)))


@block("gap_flatten_linear")
def _(rng):
    return GapHead(8, 10), (randn(rng, 2, 8, 4, 4),), ["x"], ["y"]


class ResidualBlock(nn.Module):
    """ResNet basic block: relu(x + bn2(conv2(relu(bn1(conv1(x))))))."""

    def __init__(self, c, rng):
        super().__init__()
        self.conv1 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(c)
        self.conv2 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(c)
        randomize_bn_(self.bn1, rng)
        randomize_bn_(self.bn2, rng)

    def forward(self, x):
        h = torch.relu(self.bn1(self.conv1(x)))
        return torch.relu(x + self.bn2(self.conv2(h)))


@block("residual_block", preserve=True)
def _(rng):
    return ResidualBlock(4, rng), (randn(rng, 1, 4, 6, 6),), ["x"], ["y"]


# --------------------------------------------------------------------------
# Data movement and elementwise ops

def cat_split_chunk(x):
    a, b = torch.split(x, [2, 6], dim=1)
    c, d = b.chunk(2, dim=1)
    return torch.cat([d * 2, a, c + 1], dim=1)


@block("cat_split_chunk")
def _(rng):
    return Fn(cat_split_chunk), (randn(rng, 1, 8, 3, 3),), ["x"], ["y"]


@block("slice_step")
def _(rng):
    return Fn(lambda x: x[:, 1:5:2]), (randn(rng, 2, 8, 3),), ["x"], ["y"]


@block("slice_negative")
def _(rng):
    return Fn(lambda x: x[:, -3:, 1:-1]), (randn(rng, 2, 8, 5),), ["x"], ["y"]


@block("permute_reshape")
def _(rng):
    return Fn(lambda x: x.permute(0, 2, 3, 1).reshape(2, 20, 3)), (randn(rng, 2, 3, 4, 5),), ["x"], ["y"]


@block("clamp")
def _(rng):
    return Fn(lambda x: torch.clamp(x, -0.5, 0.75)), (randn(rng, 2, 3, 8),), ["x"], ["y"]


@block("where_leaky")
def _(rng):
    return Fn(lambda x: torch.where(x > 0, x, 0.1 * x)), (randn(rng, 2, 3, 8),), ["x"], ["y"]


for _name, _module in [
    ("leaky_relu", lambda: nn.LeakyReLU(0.2)),
    ("elu", lambda: nn.ELU(alpha=0.7)),
    ("selu", lambda: nn.SELU()),
    ("softplus", lambda: nn.Softplus()),
    ("hardsigmoid", lambda: nn.Hardsigmoid()),
    ("softsign", lambda: nn.Softsign()),
    ("tanh", lambda: nn.Tanh()),
]:
    # Inputs over [-4, 4] and beyond (hardsigmoid saturates at +-3).
    block(_name)(lambda rng, _module=_module: (_module(), (randn(rng, 2, 3, 8, scale=2.5),), ["x"], ["y"]))


@block("log_softmax")
def _(rng):
    return Fn(lambda x: F.log_softmax(x, dim=-1)), (randn(rng, 2, 3, 10, scale=3.0),), ["x"], ["y"]


@block("log_softmax_dim1")
def _(rng):
    return Fn(lambda x: F.log_softmax(x, dim=1)), (randn(rng, 2, 5, 4, scale=3.0),), ["x"], ["y"]


# --------------------------------------------------------------------------
# More of what exported models contain: batch 2 attention, learned
# positions, pooling heads, padding modes, normalization over two axes.

@block("attention_2head_batch2")
def _(rng):
    # Batched MatMul with two leading dimensions (2 x 2 heads), seq != dim.
    return SelfAttention(16, 2, 6, "add"), (randn(rng, 2, 6, 16),), ["x"], ["y"]


class GroupedQueryAttention(nn.Module):
    """4 query heads sharing 2 key/value heads (k, v expanded per group), no
    mask, scores scaled with a multiply."""

    def __init__(self, dim, heads, kv_heads):
        super().__init__()
        self.h, self.kvh, self.hd = heads, kv_heads, dim // heads
        self.q = nn.Linear(dim, dim, bias=False)
        self.kv = nn.Linear(dim, 2 * kv_heads * self.hd, bias=False)
        self.out = nn.Linear(dim, dim, bias=False)

    def forward(self, x):
        b, t, c = x.shape
        q = self.q(x).view(b, t, self.h, self.hd).permute(0, 2, 1, 3)
        k, v = self.kv(x).view(b, t, 2, self.kvh, self.hd).permute(2, 0, 3, 1, 4).unbind(0)
        rep = self.h // self.kvh
        k = k[:, :, None].expand(b, self.kvh, rep, t, self.hd).reshape(b, self.h, t, self.hd)
        v = v[:, :, None].expand(b, self.kvh, rep, t, self.hd).reshape(b, self.h, t, self.hd)
        p = torch.softmax((q @ k.transpose(2, 3)) * self.hd ** -0.5, dim=-1)
        return self.out((p @ v).transpose(1, 2).reshape(b, t, c))


@block("attention_gqa")
def _(rng):
    return GroupedQueryAttention(16, 4, 2), (randn(rng, 1, 6, 16),), ["x"], ["y"]


class PositionalClassifier(nn.Module):
    """tokens -> embedding + learned positions (arange) -> LayerNorm ->
    mean over the sequence -> Linear (a tiny encoder's head)."""

    def __init__(self, vocab, seq, dim, classes, rng):
        super().__init__()
        self.tok = nn.Embedding(vocab, dim, padding_idx=0)
        self.pos = nn.Embedding(seq, dim)
        self.norm = nn.LayerNorm(dim)
        randomize_affine_(self.norm, rng)
        self.head = nn.Linear(dim, classes)

    def forward(self, tokens):
        t = tokens.shape[1]
        h = self.tok(tokens) + self.pos(torch.arange(t))
        return self.head(self.norm(h).mean(dim=1))


@block("embedding_positions_meanpool")
def _(rng):
    tokens = torch.from_numpy(rng.integers(0, 20, size=(2, 6)).astype(np.int64))
    tokens[1, 4:] = 0
    return PositionalClassifier(20, 6, 16, 4, rng), (tokens,), ["tokens"], ["y"]


class LayerNorm2d(nn.Module):
    def __init__(self, shape, rng):
        super().__init__()
        self.norm = nn.LayerNorm(shape)
        randomize_affine_(self.norm, rng)

    def forward(self, x):
        return self.norm(x)


@block("layernorm_two_axes")
def _(rng):
    return LayerNorm2d([4, 6], rng), (randn(rng, 2, 4, 6) + 1.0,), ["x"], ["y"]


@block("layernorm_two_axes_opset17", opset=17)
def _(rng):
    return LayerNorm2d([4, 6], rng), (randn(rng, 2, 4, 6) + 1.0,), ["x"], ["y"]


@block("reduce_sum_max")
def _(rng):
    return Fn(lambda x: x.sum(dim=(1, 3)) + x.amax(dim=3).mean(dim=1)), \
        (randn(rng, 2, 3, 4, 5),), ["x"], ["y"]


@block("softmax_dim1_4d")
def _(rng):
    return Fn(lambda x: torch.softmax(x, dim=1)), (randn(rng, 2, 5, 3, 4, scale=2.0),), ["x"], ["y"]


@block("conv2d_stride_asym")
def _(rng):
    # 3x5 kernel, stride (2, 1), padding (1, 2), 2 groups.
    m = nn.Conv2d(4, 6, (3, 5), stride=(2, 1), padding=(1, 2), groups=2)
    return m, (randn(rng, 1, 4, 7, 6),), ["x"], ["y"]


@block("conv2d_same_even")
def _(rng):
    # 'same' padding for an even kernel is asymmetric: ZeroPad2d (a Pad
    # node) before the Conv. (PyTorch 1.13 cannot export padding="same".)
    m = nn.Sequential(nn.ZeroPad2d((1, 2, 1, 2)), nn.Conv2d(3, 4, 4))
    return m, (randn(rng, 1, 3, 6, 6),), ["x"], ["y"]


@block("conv_reflect_pad")
def _(rng):
    return nn.Conv2d(3, 4, 3, padding=1, padding_mode="reflect"), (randn(rng, 1, 3, 5, 5),), ["x"], ["y"]


@block("pad_replicate")
def _(rng):
    return Fn(lambda x: F.pad(x, (1, 2, 0, 1), mode="replicate")), (randn(rng, 1, 2, 3, 4),), ["x"], ["y"]


@block("conv_transpose1d")
def _(rng):
    m = nn.ConvTranspose1d(4, 3, 4, stride=2, padding=1)
    return m, (randn(rng, 2, 4, 6),), ["x"], ["y"]


@block("maxpool1d_pad")
def _(rng):
    return nn.MaxPool1d(3, stride=1, padding=1), (randn(rng, 2, 3, 8),), ["x"], ["y"]


@block("avgpool2d_ceil_include_pad")
def _(rng):
    # ceil_mode with count_include_pad=True: PyTorch divides a window that
    # overhangs the padded input by the part inside input + padding.
    m = nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True)
    return m, (randn(rng, 1, 2, 6, 6),), ["x"], ["y"]


@block("avgpool2d_ceil_exclude_pad")
def _(rng):
    m = nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)
    return m, (randn(rng, 1, 2, 6, 6),), ["x"], ["y"]


class CeilPools(nn.Module):
    """ceil_mode pools whose last window would start in the right padding
    (5 + 2 * 1 - 3 = 4, ceil(4 / 3) + 1 = 3 windows; the third starts at 5,
    past the input): PyTorch drops that window (and ONNX since 1.16), output
    2 x 2."""

    def __init__(self):
        super().__init__()
        self.max = nn.MaxPool2d(3, stride=3, padding=1, ceil_mode=True)
        self.avg = nn.AvgPool2d(3, stride=3, padding=1, ceil_mode=True, count_include_pad=False)

    def forward(self, x):
        return self.max(x), self.avg(x)


@block("pool_ceil_window_in_right_pad")
def _(rng):
    return CeilPools(), (randn(rng, 1, 2, 5, 5),), ["x"], ["y_max", "y_avg"]


@block("avgpool_ceil_include_pad_window_in_right_pad")
def _(rng):
    # Expected to fail: PyTorch exports count_include_pad=True as Pad +
    # AveragePool(pads 0, ceil_mode), whose ONNX output is 3 x 3 (on the
    # padded 7 x 7 the third window starts inside); PyTorch's is 2 x 2.
    m = nn.AvgPool2d(3, stride=3, padding=1, ceil_mode=True)
    return m, (randn(rng, 1, 2, 5, 5),), ["x"], ["y"]


class PreluConv(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 1)
        self.act = nn.PReLU(4, init=0.2)
        with torch.no_grad():
            self.act.weight.copy_(torch.tensor([0.1, 0.2, 0.3, -0.4]))

    def forward(self, x):
        return self.act(self.conv(x))


@block("prelu_channels")
def _(rng):
    return PreluConv(), (randn(rng, 1, 3, 4, 4),), ["x"], ["y"]


@block("hardswish_relu6_mish")
def _(rng):
    return Fn(lambda x: torch.cat([F.hardswish(x), F.relu6(x), F.mish(x)], dim=1)), \
        (randn(rng, 2, 3, 8, scale=4.0),), ["x"], ["y"]


@block("hardswish_opset17", opset=17)
def _(rng):
    # MobileNetV3's conv + hardswish; from opset 14 PyTorch writes the
    # HardSwish op itself instead of HardSigmoid + Mul.
    return nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.Hardswish()), \
        (randn(rng, 1, 3, 8, 8, scale=2.0),), ["x"], ["y"]


@block("squeeze_unsqueeze_flatten")
def _(rng):
    return Fn(lambda x: torch.flatten(x.squeeze(1).unsqueeze(-1), 1) * 2.0), \
        (randn(rng, 2, 1, 3, 4),), ["x"], ["y"]


@block("two_inputs_two_outputs")
def _(rng):
    def f(a, b):
        s = a + b
        return s * torch.sigmoid(b), torch.matmul(a, b.transpose(1, 2))
    return Fn(f), (randn(rng, 2, 3, 4), randn(rng, 2, 3, 4)), ["a", "b"], ["gated", "gram"]


class TernaryConvBn(nn.Module):
    """A BitNet-style ternary Conv (absmean, per tensor) followed by an
    inference BatchNorm: folding the BatchNorm scales each output channel,
    so the folded weights are ternary per output channel."""

    def __init__(self, rng):
        super().__init__()
        self.conv = ternarize_(nn.Conv2d(3, 8, 3, padding=1, bias=False))
        self.bn = nn.BatchNorm2d(8)
        randomize_bn_(self.bn, rng)
        with torch.no_grad():
            self.bn.weight[1::3] *= -1  # negative scales flip the signs

    def forward(self, x):
        return torch.relu(self.bn(self.conv(x)))


@block("matmulfree_ternary_conv_bn", preserve=True)
def _(rng):
    return TernaryConvBn(rng), (randn(rng, 1, 3, 6, 6),), ["x"], ["y"]


class LinearBn(nn.Module):
    def __init__(self, rng):
        super().__init__()
        self.fc = nn.Linear(8, 6)
        self.bn = nn.BatchNorm1d(6)
        randomize_bn_(self.bn, rng)

    def forward(self, x):
        return torch.relu(self.bn(self.fc(x)))


@block("linear_bn1d", preserve=True)
def _(rng):
    # BatchNormalization after a Gemm (folded into it).
    return LinearBn(rng), (randn(rng, 2, 8),), ["x"], ["y"]


class ConvBnTwoUsers(nn.Module):
    def __init__(self, rng):
        super().__init__()
        self.conv = nn.Conv2d(3, 3, 3, padding=1)
        self.bn = nn.BatchNorm2d(3)
        randomize_bn_(self.bn, rng)

    def forward(self, x):
        c = self.conv(x)
        return self.bn(c) + c


@block("conv_bn_two_users", preserve=True)
def _(rng):
    # The Conv's output has another user: the BatchNormalization stays (one
    # elementwise kernel) instead of being folded.
    return ConvBnTwoUsers(rng), (randn(rng, 1, 3, 4, 4),), ["x"], ["y"]


@block("split_remainder")
def _(rng):
    def f(x):
        a, b, c = torch.split(x, 3, dim=1)  # 3, 3, 2
        return torch.cat([c, b * 2, a], 1)
    return Fn(f), (randn(rng, 1, 8, 2),), ["x"], ["y"]


@block("flip_index")
def _(rng):
    # flip -> Slice with step -1; x[:, -1] and x[:, [-1, 0, 2]] -> Gather.
    return Fn(lambda x: torch.cat([x.flip(1), x[:, [-1, 0, 2]], x[:, -1:]], dim=1)), \
        (randn(rng, 2, 5, 3),), ["x"], ["y"]


@block("clamp_min_only")
def _(rng):
    # Clip with its max input left out.
    return Fn(lambda x: torch.clamp(x, min=-0.5)), (randn(rng, 2, 5),), ["x"], ["y"]


@block("cast_trunc")
def _(rng):
    # float -> int64 truncates toward zero, then back to float.
    return Fn(lambda x: (x * 3).long().float()), (randn(rng, 2, 6),), ["x"], ["y"]


@block("transformer_block_opset11", opset=11)
def _(rng):
    # The same block at opset 11 (Squeeze/Unsqueeze/Split/Reduce* take their
    # axes as attributes, Softmax's old 2-D semantics).
    return TransformerBlock(16, 2, 8, 32, rng), (randn(rng, 1, 8, 16),), ["x"], ["y"]


# --------------------------------------------------------------------------

# --------------------------------------------------------------------------
# Issue 19: batch-1 layers whose output width is not a whole number of the
# CPU schedule's chunks gave wrong answers (400, 640, 1056, 1136) or wrote
# past their buffers (800, 1152, 2000). The widths of the issue's table, as
# the PyTorch models that found them; test/Integration/ShapeSweepTest.cpp
# sweeps the class.

ISSUE19_WIDTHS = (384, 400, 640, 800, 1056, 1136, 1152, 2000)


class MatMuls(nn.Module):
    """x @ W_n for each width n: one MatMul per output, constant weights.
    Positive weights and inputs, so that no output is a small difference of
    large terms (the float64 check)."""

    def __init__(self, k, widths, rng):
        super().__init__()
        self.w = nn.ParameterList(
            [nn.Parameter(randn(rng, k, n).abs() / k) for n in widths])

    def forward(self, x):
        return tuple(torch.matmul(x, w) for w in self.w)


def matmuls(rng, rows, k, widths):
    return (MatMuls(k, widths, rng), (randn(rng, rows, k).abs(),), ["x"],
            [f"y{n}" for n in widths])


@block("issue19_matmul_1x48")
def _(rng):
    return matmuls(rng, 1, 48, ISSUE19_WIDTHS)


@block("issue19_matmul_1x256")
def _(rng):
    return matmuls(rng, 1, 256, (800, 2000))


@block("issue19_matmul_4x48")
def _(rng):
    return matmuls(rng, 4, 48, (400, 1152))


@block("issue19_global_average_pool")
def _(rng):
    widths = (400, 640, 800, 1152, 2000)

    def f(*xs):
        return tuple(F.adaptive_avg_pool2d(x, 1) for x in xs)
    return (Fn(f), tuple(randn(rng, 1, n, 7, 7).abs() for n in widths),
            [f"x{n}" for n in widths], [f"y{n}" for n in widths])


class SqueezeExcite(nn.Module):
    """EfficientNet-B0's last MBConv stage after its depthwise conv, at batch
    1 (issue 19: it crashed there, and matched PyTorch at batch 2):
    squeeze-and-excitation on 1152 channels (global average pool, 1x1 conv
    to 48, SiLU, 1x1 conv back to 1152, sigmoid, scale), then the 1x1
    projection to 320 channels. Positive inputs and projection weights keep
    the 1152-term sums free of cancellation (the float64 check)."""

    def __init__(self, rng):
        super().__init__()
        self.reduce = nn.Conv2d(1152, 48, 1)
        self.expand = nn.Conv2d(48, 1152, 1)
        self.project = nn.Conv2d(1152, 320, 1, bias=False)
        with torch.no_grad():
            self.project.weight.copy_(randn(rng, 320, 1152, 1, 1).abs() / 1152)

    def forward(self, x):
        s = F.adaptive_avg_pool2d(x, 1)
        s = torch.sigmoid(self.expand(F.silu(self.reduce(s))))
        return self.project(x * s)


@block("efficientnet_b0_se_project")
def _(rng):
    return SqueezeExcite(rng), (randn(rng, 1, 1152, 7, 7).abs(),), ["x"], ["y"]


def export(module, inputs, in_names, out_names, opset, preserve):
    buf = io.BytesIO()
    kwargs = {}
    if preserve:
        kwargs["training"] = torch.onnx.TrainingMode.PRESERVE
    torch.onnx.export(module, inputs, buf, opset_version=opset,
                      input_names=in_names, output_names=out_names,
                      do_constant_folding=True, **kwargs)
    return onnx.load_from_string(buf.getvalue())


def check_static(model, name):
    onnx.checker.check_model(model, full_check=True)
    inferred = onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
    # Inputs must be static. Other values may not be, to ONNX shape
    # inference: torch's chunk() computes its Slice bounds with Shape ->
    # Gather -> Add -> Div -> Mul, F.pad its pads with ConstantOfShape ->
    # Concat -> Reshape -> Slice -> Transpose -> Cast, which ternc folds on
    # the host (and then the output has no shape in the model).
    dynamic = []
    for vi in list(inferred.graph.input) + list(inferred.graph.output) + list(inferred.graph.value_info):
        dims = vi.type.tensor_type.shape.dim
        if not vi.type.tensor_type.HasField("shape") or any(not d.HasField("dim_value") for d in dims):
            if vi in inferred.graph.input:
                sys.exit(f"{name}: input '{vi.name}' has no static shape")
            dynamic.append(vi.name)
    return dynamic


def as_tuple(y):
    return tuple(y) if isinstance(y, (tuple, list)) else (y,)


def to64(x):
    return x.double() if x.is_floating_point() else x


def float32_error(module, inputs, outs32):
    """The float32 outputs' worst error against a float64 run, as a fraction
    of the runner's tolerance."""
    m64 = module.double()
    with torch.no_grad():
        outs64 = as_tuple(m64(*[to64(x) for x in inputs]))
    module.float()
    worst = 0.0
    for y32, y64 in zip(outs32, outs64):
        y32, y64 = y32.double().numpy(), y64.numpy()
        tol = ATOL + RTOL * np.abs(y64)
        worst = max(worst, float(np.max(np.abs(y32 - y64) / tol)))
    return worst


def write_test(name, model, inputs, outs, in_names, out_names):
    d = os.path.join(SUITE, "test_" + name)
    data = os.path.join(d, "test_data_set_0")
    os.makedirs(data)
    onnx.save(model, os.path.join(d, "model.onnx"))
    for kind, names, tensors in (("input", in_names, inputs), ("output", out_names, outs)):
        for k, (n, t) in enumerate(zip(names, tensors)):
            proto = numpy_helper.from_array(t.detach().numpy(), n)
            with open(os.path.join(data, f"{kind}_{k}.pb"), "wb") as f:
                f.write(proto.SerializeToString())


def main():
    torch.set_num_threads(2)
    if os.path.isdir(SUITE):
        shutil.rmtree(SUITE)
    os.makedirs(SUITE)
    names = [n for n, *_ in BLOCKS]
    assert len(names) == len(set(names)), "duplicate block names"
    for name, build, opset, preserve in BLOCKS:
        seed = seed_of(name)
        torch.manual_seed(seed)
        rng = np.random.default_rng(seed)
        module, inputs, in_names, out_names = build(rng)
        module.eval()
        with torch.no_grad():
            outs = as_tuple(module(*inputs))
        outs = tuple(y.float() if y.is_floating_point() else y for y in outs)
        ratio = float32_error(module, inputs, outs)
        if ratio > MARGIN:
            sys.exit(f"{name}: float32 error is {ratio:.2f} of the tolerance; "
                     "make the block smaller or better scaled")
        model = export(module, inputs, in_names, out_names, opset, preserve)
        dynamic = check_static(model, name)
        ops = sorted({n.op_type for n in model.graph.node})
        # The graph's own input and output names (the exporter keeps ours).
        g_in = [i.name for i in model.graph.input if i.name not in {t.name for t in model.graph.initializer}]
        g_out = [o.name for o in model.graph.output]
        assert g_in == in_names and g_out == out_names, (name, g_in, g_out)
        write_test(name, model, inputs, outs, in_names, out_names)
        print(f"test_{name:30s} opset {opset}  f32 err {ratio:.3f} of tol  {' '.join(ops)}"
              + (f"  (shape inference leaves {len(dynamic)} values dynamic)" if dynamic else ""))


if __name__ == "__main__":
    main()
