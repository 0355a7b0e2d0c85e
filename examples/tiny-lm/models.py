"""The three tiny language models, in plain PyTorch, with Hugging Face state_dict names.

* BitNetForCausalLM  -- transformers' `BitNetForCausalLM` (model_type "bitnet",
  microsoft/bitnet-b1.58-2B-4T): Llama decoder + attn_sub_norm + ffn_sub_norm,
  squared-ReLU gated FFN, every q/k/v/o/gate/up/down projection a BitLinear
  (absmean ternary weights, absmax per-token int8 activations), tied embeddings.
* HGRNBitForCausalLM -- ridgerchu/matmulfreellm `HGRNBitForCausalLM` (model_type
  "hgrn_bit"): MLGRU token mixer + BitLinear GLU channel mixer, every BitLinear
  (including lm_head) with its own RMSNorm on the input before quantization.
* LlamaForCausalLM   -- transformers' `LlamaForCausalLM`, float32.

Every BitLinear has two modes:
* training (fake quantization with a straight-through estimator), the same
  arithmetic as the reference implementations;
* frozen (`freeze()`): the exported integer math -- int8 activations times
  ternary weights accumulated exactly, then `acc / s * alpha` -- which is what
  golden.json records. ARCHITECTURES.md states this math step by step.
"""

import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


# ---------------------------------------------------------------- quantizers

def absmean_ternary(w):
    """BitNet b1.58 weight quantizer: alpha = mean|W| (clamped to 1e-5), trits = clamp(round(W/alpha), -1, 1).

    round is torch.round (half to even); W / alpha is one float division."""
    alpha = w.abs().mean().clamp(min=1e-5)
    return (w / alpha).round().clamp(-1, 1), alpha


def act_quant_int8(x):
    """Per-token absmax quantizer: s = 127 / max(max_k |x_k|, 1e-5), q = clamp(round(x * s), -128, 127)."""
    s = 127.0 / x.abs().amax(dim=-1, keepdim=True).clamp(min=1e-5)
    return (x * s).round().clamp(-128, 127), s


class RMSNorm(nn.Module):
    """y = weight * (x * rsqrt(mean(x^2) + eps)), as transformers' LlamaRMSNorm / BitNetRMSNorm."""

    def __init__(self, n, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(n))
        self.eps = eps

    def forward(self, x):
        return self.weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps))


class BitLinear(nn.Module):
    """Linear layer with absmean ternary weights and absmax int8 activations.

    inner_norm_eps: None for BitNet (no norm inside), or the epsilon of the
    RMSNorm that matmulfreellm's FusedBitLinear applies to the input first
    (state_dict name `<layer>.norm.weight`)."""

    def __init__(self, n_in, n_out, inner_norm_eps=None):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(n_out, n_in))
        nn.init.normal_(self.weight, std=0.02)
        self.norm = RMSNorm(n_in, inner_norm_eps) if inner_norm_eps is not None else None
        self.frozen = False

    def freeze(self, round_scale_to_fp16=False):
        """Fix trits and alpha from the current master weight for inference.

        round_scale_to_fp16: store alpha = float16(mean|W|) so that every export
        format (float16 TQ2_0 block scale, float32) holds the same scale exactly."""
        with torch.no_grad():
            trits, alpha = absmean_ternary(self.weight.float())
            if round_scale_to_fp16:
                alpha = alpha.half().float()
        self.register_buffer("trits", trits.to(self.weight.dtype), persistent=False)
        self.register_buffer("alpha", alpha.reshape(()).to(self.weight.dtype), persistent=False)
        self.frozen = True

    def forward(self, x):
        if self.norm is not None:
            x = self.norm(x)
        if self.frozen:
            q, s = act_quant_int8(x)
            acc = q @ self.trits.t()           # exact: |acc| <= 128 * n_in < 2^24
            return acc / s * self.alpha
        q, s = act_quant_int8(x)
        x_q = x + (q / s - x).detach()         # straight-through estimator
        trits, alpha = absmean_ternary(self.weight)
        w_q = self.weight + (trits * alpha - self.weight).detach()
        return F.linear(x_q, w_q)


# ---------------------------------------------------------------- attention helpers

def rope_cos_sin(positions, head_dim, theta, dtype):
    """transformers' default RoPE: inv_freq[i] = 1 / theta^(2i / head_dim), emb = cat(freqs, freqs)."""
    inv_freq = 1.0 / (theta ** (torch.arange(0, head_dim, 2, dtype=torch.int64).float() / head_dim))
    freqs = positions.float()[:, None] * inv_freq[None, :]
    emb = torch.cat((freqs, freqs), dim=-1)
    return emb.cos().to(dtype), emb.sin().to(dtype)


def rotate_half(x):
    x1, x2 = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2:]
    return torch.cat((-x2, x1), dim=-1)


def causal_mask(t, dtype):
    return torch.full((t, t), float("-inf"), dtype=dtype).triu(1)


def causal_attention(q, k, v, n_rep, mask):
    """q: [B, H, T, D], k/v: [B, H_kv, T, D]; query head h reads kv head h // n_rep
    (transformers' repeat_kv: each kv head repeated n_rep times consecutively)."""
    b, nkv, t, d = (int(s) for s in k.shape)
    if n_rep > 1:
        k = k[:, :, None].expand(b, nkv, n_rep, t, d).reshape(b, nkv * n_rep, t, d)
        v = v[:, :, None].expand(b, nkv, n_rep, t, d).reshape(b, nkv * n_rep, t, d)
    scores = (q @ k.transpose(2, 3)) * (d ** -0.5)
    probs = torch.softmax(scores + mask, dim=-1)
    return probs @ v


class Attention(nn.Module):
    """Llama / BitNet self-attention (BitNet adds attn_sub_norm before o_proj)."""

    def __init__(self, cfg, linear, sub_norm):
        super().__init__()
        h, nh, nkv = cfg["hidden_size"], cfg["num_attention_heads"], cfg["num_key_value_heads"]
        self.nh, self.nkv, self.hd = nh, nkv, h // nh
        self.theta = cfg["rope_theta"]
        self.q_proj = linear(h, nh * self.hd)
        self.k_proj = linear(h, nkv * self.hd)
        self.v_proj = linear(h, nkv * self.hd)
        self.o_proj = linear(nh * self.hd, h)
        self.attn_sub_norm = RMSNorm(h, cfg["rms_norm_eps"]) if sub_norm else None
        self.static = None     # (cos, sin, mask) for one fixed length, for ONNX export

    def set_static_length(self, t):
        """Precompute the RoPE tables and the causal mask for length t, so that an
        exported graph holds them as constants (no shape arithmetic, no loops)."""
        cos, sin = rope_cos_sin(torch.arange(t), self.hd, self.theta, torch.float32)
        self.static = (cos, sin, causal_mask(t, torch.float32))

    def forward(self, x):
        b, t = int(x.shape[0]), int(x.shape[1])
        q = self.q_proj(x).view(b, t, self.nh, self.hd).transpose(1, 2)
        k = self.k_proj(x).view(b, t, self.nkv, self.hd).transpose(1, 2)
        v = self.v_proj(x).view(b, t, self.nkv, self.hd).transpose(1, 2)
        if self.static is not None and self.static[2].shape[0] == t:
            cos, sin, mask = self.static
        else:
            cos, sin = rope_cos_sin(torch.arange(t), self.hd, self.theta, x.dtype)
            mask = causal_mask(t, x.dtype)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        o = causal_attention(q, k, v, self.nh // self.nkv, mask).transpose(1, 2).reshape(b, t, -1)
        if self.attn_sub_norm is not None:
            o = self.attn_sub_norm(o)
        return self.o_proj(o)


class GatedMLP(nn.Module):
    """down(act(gate(x)) * up(x)); BitNet: act = relu^2 and ffn_sub_norm before down."""

    def __init__(self, cfg, linear, act, sub_norm):
        super().__init__()
        h, i = cfg["hidden_size"], cfg["intermediate_size"]
        self.gate_proj = linear(h, i)
        self.up_proj = linear(h, i)
        self.down_proj = linear(i, h)
        self.act = act
        self.ffn_sub_norm = RMSNorm(i, cfg["rms_norm_eps"]) if sub_norm else None

    def forward(self, x):
        y = self.act(self.gate_proj(x)) * self.up_proj(x)
        if self.ffn_sub_norm is not None:
            y = self.ffn_sub_norm(y)
        return self.down_proj(y)


class DecoderLayer(nn.Module):
    def __init__(self, cfg, linear, act, sub_norms):
        super().__init__()
        h, eps = cfg["hidden_size"], cfg["rms_norm_eps"]
        self.input_layernorm = RMSNorm(h, eps)
        self.self_attn = Attention(cfg, linear, sub_norms)
        self.post_attention_layernorm = RMSNorm(h, eps)
        self.mlp = GatedMLP(cfg, linear, act, sub_norms)

    def forward(self, x):
        x = x + self.self_attn(self.input_layernorm(x))
        return x + self.mlp(self.post_attention_layernorm(x))


class DecoderBody(nn.Module):
    def __init__(self, cfg, linear, act, sub_norms):
        super().__init__()
        self.embed_tokens = nn.Embedding(cfg["vocab_size"], cfg["hidden_size"])
        nn.init.normal_(self.embed_tokens.weight, std=0.02)
        self.layers = nn.ModuleList(
            [DecoderLayer(cfg, linear, act, sub_norms) for _ in range(cfg["num_hidden_layers"])])
        self.norm = RMSNorm(cfg["hidden_size"], cfg["rms_norm_eps"])

    def forward(self, ids):
        x = self.embed_tokens(ids)
        for layer in self.layers:
            x = layer(x)
        return self.norm(x)


def relu2(x):
    return F.relu(x).square()


def _dense(n_in, n_out):
    lin = nn.Linear(n_in, n_out, bias=False)
    nn.init.normal_(lin.weight, std=0.02)
    return lin


class LlamaForCausalLM(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.model = DecoderBody(cfg, _dense, F.silu, sub_norms=False)
        self.lm_head = _dense(cfg["hidden_size"], cfg["vocab_size"])

    def forward(self, ids):
        return self.lm_head(self.model(ids))


class BitNetForCausalLM(nn.Module):
    """Tied embeddings: logits = norm(h) @ embed_tokens.weight^T (float, not quantized)."""

    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.model = DecoderBody(cfg, lambda i, o: BitLinear(i, o), relu2, sub_norms=True)

    def forward(self, ids):
        return self.model(ids) @ self.model.embed_tokens.weight.t()

    def bitlinears(self):
        return [(n, m) for n, m in self.named_modules() if isinstance(m, BitLinear)]


# ---------------------------------------------------------------- HGRNBit (MatMul-free LM)

class SwishGateRMSNorm(nn.Module):
    """matmulfreellm FusedRMSNormSwishGate(x, o): weight * (x * rsqrt(mean(x^2) + eps)) * o * sigmoid(o)."""

    def __init__(self, n, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(n))
        self.eps = eps

    def forward(self, x, o):
        y = self.weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps))
        return y * (o * torch.sigmoid(o))


class HGRNBitAttention(nn.Module):
    """MLGRU token mixer (expand_ratio 1, no short convolution).

    f_t = sigmoid(f_proj(x_t)), lifted by the layer's lower bound (layers > 0):
          f_t = lb + (1 - lb) * f_t
    c_t = silu(i_proj(x_t)) * (1 - f_t)
    h_t = f_t * h_{t-1} + c_t            (h_0 = 0, element-wise, per channel)
    o_t = o_proj(g_norm(g_proj(x_t), h_t))   g_norm normalizes g and gates with swish(h)."""

    def __init__(self, cfg, layer_idx):
        super().__init__()
        h, eps, beps = cfg["hidden_size"], cfg["rms_norm_eps"], cfg["bitlinear_norm_eps"]
        self.layer_idx = layer_idx
        self.i_proj = BitLinear(h, h, beps)
        self.f_proj = BitLinear(h, h, beps)
        self.g_proj = BitLinear(h, h, beps)
        self.g_norm = SwishGateRMSNorm(h, eps)
        self.o_proj = BitLinear(h, h, beps)

    def forward(self, x, lower_bound):
        i = self.i_proj(x)
        f = torch.sigmoid(self.f_proj(x))
        if self.layer_idx > 0:
            f = lower_bound + (1 - lower_bound) * f
        c = F.silu(i) * (1 - f)
        state = torch.zeros_like(c[:, 0])
        outs = []
        for t in range(x.shape[1]):
            state = f[:, t] * state + c[:, t]
            outs.append(state)
        o = torch.stack(outs, dim=1)
        return self.o_proj(self.g_norm(self.g_proj(x), o))


class HGRNBitMLP(nn.Module):
    """gate_proj gives 2*I outputs: gate = first I, y = last I; down(silu(gate) * y)."""

    def __init__(self, cfg):
        super().__init__()
        h, i, beps = cfg["hidden_size"], cfg["intermediate_size"], cfg["bitlinear_norm_eps"]
        self.gate_proj = BitLinear(h, 2 * i, beps)
        self.down_proj = BitLinear(i, h, beps)

    def forward(self, x):
        gate, y = self.gate_proj(x).chunk(2, dim=-1)
        return self.down_proj(F.silu(gate) * y)


class HGRNBitBlock(nn.Module):
    def __init__(self, cfg, layer_idx):
        super().__init__()
        h, eps = cfg["hidden_size"], cfg["rms_norm_eps"]
        self.attn_norm = RMSNorm(h, eps)
        self.attn = HGRNBitAttention(cfg, layer_idx)
        self.mlp_norm = RMSNorm(h, eps)
        self.mlp = HGRNBitMLP(cfg)

    def forward(self, x, lower_bound):
        x = x + self.attn(self.attn_norm(x), lower_bound)
        return x + self.mlp(self.mlp_norm(x))


class HGRNBitModel(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        h, n = cfg["hidden_size"], cfg["num_hidden_layers"]
        self.embeddings = nn.Embedding(cfg["vocab_size"], h)
        nn.init.normal_(self.embeddings.weight, std=0.02)
        self.lower_bounds = nn.Parameter(torch.zeros(n, h))
        self.layers = nn.ModuleList([HGRNBitBlock(cfg, i) for i in range(n)])
        self.norm = RMSNorm(h, cfg["rms_norm_eps"])

    def forward(self, ids):
        x = self.embeddings(ids)
        lb = self.lower_bounds.softmax(0)
        lb = lb.cumsum(0) - lb[0]
        for i, layer in enumerate(self.layers):
            x = layer(x, lb[i])
        return self.norm(x)


class HGRNBitForCausalLM(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.model = HGRNBitModel(cfg)
        self.lm_head = BitLinear(cfg["hidden_size"], cfg["vocab_size"], cfg["bitlinear_norm_eps"])
        # matmulfreellm's init: o_proj and down_proj scaled by 1/sqrt(2 * n_layers)
        with torch.no_grad():
            for name, p in self.named_parameters():
                if name.endswith(("o_proj.weight", "down_proj.weight")):
                    p /= math.sqrt(2 * cfg["num_hidden_layers"])

    def forward(self, ids):
        return self.lm_head(self.model(ids))

    def bitlinears(self):
        return [(n, m) for n, m in self.named_modules() if isinstance(m, BitLinear)]


def keep_off_rounding_boundary_(weight, margin=1e-3):
    """In place, for weights that are quantized on the fly (HGRNBit's master weights):
    move every w whose |w| / mean|W| lies within `margin` of the rounding boundary 0.5
    to 0.5 +- 2*margin (same side), until none is left, so that computing mean|W| in
    another summation order or precision cannot flip a trit. Returns how many moved."""
    moved = 0
    with torch.no_grad():
        for _ in range(20):
            alpha = weight.abs().mean()
            r = weight.abs() / alpha
            near = (r - 0.5).abs() < margin
            if not bool(near.any()):
                return moved
            moved += int(near.sum())
            target = torch.where(r >= 0.5, 0.5 + 2 * margin, 0.5 - 2 * margin)
            weight[near] = (torch.sign(weight) * target * alpha)[near]
    raise RuntimeError("could not move the weights off the rounding boundary")


# ---------------------------------------------------------------- pruning

def prune_2_4_(weight):
    """In place: in every row, in each group of 4 consecutive inputs, keep the 2
    largest |w| (ties keep the lower index), zero the other 2. Same rule as
    Tern's `--prune=2:4` (sparse::pruneNM)."""
    w = weight.detach().cpu().numpy()
    n, k = w.shape
    assert k % 4 == 0
    groups = np.abs(w).reshape(n, k // 4, 4)
    order = np.argsort(-groups, axis=-1, kind="stable")   # descending, stable
    drop = np.zeros_like(groups, dtype=bool)
    np.put_along_axis(drop, order[..., 2:], True, axis=-1)
    w = np.where(drop.reshape(n, k), np.float32(0), w)
    with torch.no_grad():
        weight.copy_(torch.from_numpy(w))
