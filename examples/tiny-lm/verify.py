#!/usr/bin/python3
"""Read back every file train.py wrote, with readers independent of the writers, and check it.

    nice -n 19 /usr/bin/python3 examples/tiny-lm/verify.py

* safetensors and GGUF are parsed here from the byte layout (struct + json),
  TQ2_0 / TQ1_0 are decoded the way ggml's dequantize_row_tq{2,1}_0 do;
* every format of a model must hold the same numbers (HF packed trits = GGUF
  trits, scales, norms, embeddings; llama.cpp's q/k row permutation undone);
* a NumPy forward pass of each architecture, written from ARCHITECTURES.md and
  not from models.py, rebuilt from the files alone (HF folder and GGUF, with
  llama.cpp's interleaved RoPE on the permuted GGUF weights), must reproduce
  golden.json: the same 32 greedy tokens and logits within a small tolerance;
* the prompts re-encode to golden's ids with hf/tokenizer.model;
* llama.onnx passes onnx.checker and its initializers equal the HF weights.
Prints one line per check and 'N passed, 0 failed' at the end (exit 1 on failure).
"""

import json
import os
import struct
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
passed, failed = 0, 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok    {what}")
    else:
        failed += 1
        print(f"FAIL  {what}")


# ---------------------------------------------------------------- readers

_ST = {"F32": "<f4", "F16": "<f2", "F64": "<f8", "U8": "u1", "I8": "i1", "I32": "<i4", "I64": "<i8"}


def read_safetensors(path):
    raw = open(path, "rb").read()
    (n,) = struct.unpack_from("<Q", raw, 0)
    header = json.loads(raw[8: 8 + n].decode("utf-8"))
    assert (8 + n) % 8 == 0, "header not padded to 8 bytes"
    base, out, spans = 8 + n, {}, []
    for name, info in header.items():
        if name == "__metadata__":
            continue
        b, e = info["data_offsets"]
        dt = np.dtype(_ST[info["dtype"]])
        count = int(np.prod(info["shape"])) if info["shape"] else 1
        assert e - b == count * dt.itemsize, name
        out[name] = np.frombuffer(raw, dtype=dt, count=count, offset=base + b).reshape(info["shape"])
        spans.append((b, e))
    spans.sort()
    assert spans[0][0] == 0 and all(a[1] == b[0] for a, b in zip(spans, spans[1:]))
    assert base + spans[-1][1] == len(raw), "trailing bytes"
    return out, header.get("__metadata__")


class Cursor:
    def __init__(self, raw):
        self.raw, self.pos = raw, 0

    def take(self, fmt):
        v = struct.unpack_from(fmt, self.raw, self.pos)
        self.pos += struct.calcsize(fmt)
        return v[0] if len(v) == 1 else v

    def string(self):
        n = self.take("<Q")
        s = self.raw[self.pos: self.pos + n].decode("utf-8")
        self.pos += n
        return s


_GV = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}


def _gguf_value(c, t):
    if t == 8:
        return c.string()
    if t == 9:
        et, n = c.take("<I"), c.take("<Q")
        return [_gguf_value(c, et) for _ in range(n)]
    return c.take(_GV[t])


_TYPE_SIZE = {0: (1, 4), 1: (1, 2), 34: (256, 54), 35: (256, 66)}  # type -> (block values, block bytes)


def read_gguf(path):
    raw = open(path, "rb").read()
    c = Cursor(raw)
    magic, version, n_t, n_kv = c.take("<I"), c.take("<I"), c.take("<Q"), c.take("<Q")
    assert raw[:4] == b"GGUF" and magic == 0x46554747 and version == 3
    kv, types = {}, {}
    for _ in range(n_kv):
        key = c.string()
        t = c.take("<I")
        types[key] = t
        kv[key] = _gguf_value(c, t)
    align = kv.get("general.alignment", 32)
    infos = []
    for _ in range(n_t):
        name = c.string()
        nd = c.take("<I")
        ne = [c.take("<Q") for _ in range(nd)]
        infos.append((name, ne, c.take("<I"), c.take("<Q")))
    start = c.pos + (-c.pos) % align
    tensors = {}
    for name, ne, t, off in infos:
        assert off % align == 0
        per_block, block_bytes = _TYPE_SIZE[t]
        n = int(np.prod(ne))
        assert ne[0] % per_block == 0
        size = n // per_block * block_bytes
        tensors[name] = (t, ne, raw[start + off: start + off + size])
    ends = sorted((off, off + len(tensors[n][2])) for n, _, _, off in infos)
    assert all(a[1] <= b[0] for a, b in zip(ends, ends[1:])), "overlapping tensors"
    return kv, types, tensors


def fp16(b):
    return float(np.frombuffer(b, dtype="<f2")[0])


def dequant_tq2_0(data, n):
    """As ggml's dequantize_row_tq2_0."""
    out = np.empty(n, dtype=np.float32)
    y = 0
    for blk in range(n // 256):
        b = data[blk * 66: blk * 66 + 66]
        d = np.float32(fp16(b[64:66]))
        for j in (0, 32):
            for l in range(4):
                for m in range(32):
                    q = (b[j + m] >> (l * 2)) & 3
                    out[y] = np.float32(q - 1) * d
                    y += 1
    return out


def dequant_tq1_0(data, n):
    """As ggml's dequantize_row_tq1_0 (uint8 wrap-around multiply, then (q * 3) >> 8)."""
    pow3 = [1, 3, 9, 27, 81, 243]
    out = np.empty(n, dtype=np.float32)
    y = 0
    for blk in range(n // 256):
        b = data[blk * 54: blk * 54 + 54]
        d = np.float32(fp16(b[52:54]))
        for j0, width in ((0, 32), (32, 16)):
            for nn in range(5):
                for m in range(width):
                    q = (b[j0 + m] * pow3[nn]) & 0xFF
                    out[y] = np.float32(((q * 3) >> 8) - 1) * d
                    y += 1
        for nn in range(4):
            for j in range(4):
                q = (b[48 + j] * pow3[nn]) & 0xFF
                out[y] = np.float32(((q * 3) >> 8) - 1) * d
                y += 1
    return out


def gguf_array(entry):
    """numpy array in PyTorch order (shape = reversed ne)."""
    t, ne, data = entry
    n = int(np.prod(ne))
    if t == 0:
        a = np.frombuffer(data, dtype="<f4").astype(np.float32)
    elif t == 1:
        a = np.frombuffer(data, dtype="<f2").astype(np.float32)
    elif t == 35:
        a = dequant_tq2_0(data, n)
    elif t == 34:
        a = dequant_tq1_0(data, n)
    return a.reshape(list(reversed(ne)))


def unpack_hf_bitnet(packed):
    """As transformers' unpack_weights: row block i of the result = bits 2i..2i+1 minus 1."""
    r = packed.shape[0]
    out = np.empty((4 * r, packed.shape[1]), dtype=np.int8)
    for i in range(4):
        out[i * r:(i + 1) * r] = ((packed >> (2 * i)) & 3).astype(np.int8) - 1
    return out


# ---------------------------------------------------------------- NumPy forward passes

F32 = np.float32


def rmsnorm(x, w, eps):
    return w * (x * (F32(1) / np.sqrt((x * x).mean(-1, keepdims=True) + F32(eps))))


def bitlinear(x, trits, alpha):
    """int8 per-token activations times trits; y = acc / s * alpha (float32)."""
    amax = np.maximum(np.abs(x).max(-1, keepdims=True), F32(1e-5))
    s = F32(127) / amax
    q = np.clip(np.round(x * s), -128, 127)          # np.round: half to even
    acc = q @ trits.T.astype(F32)
    return acc / s * F32(alpha)


def rope_tables(t, d, theta):
    inv = (F32(1) / (F32(theta) ** (np.arange(0, d, 2, dtype=np.int64).astype(F32) / F32(d)))).astype(F32)
    ang = np.arange(t, dtype=F32)[:, None] * inv[None, :]
    return np.cos(ang).astype(F32), np.sin(ang).astype(F32)


def rope_half(x, cos, sin):
    """HF rotate-half: pairs (i, i + d/2)."""
    h = x.shape[-1] // 2
    x1, x2 = x[..., :h], x[..., h:]
    return np.concatenate([x1 * cos - x2 * sin, x2 * cos + x1 * sin], -1)


def rope_interleaved(x, cos, sin):
    """ggml LLAMA_ROPE_TYPE_NORM: pairs (2i, 2i + 1) -- for llama.cpp's permuted q/k rows."""
    a, b = x[..., 0::2], x[..., 1::2]
    out = np.empty_like(x)
    out[..., 0::2] = a * cos - b * sin
    out[..., 1::2] = a * sin + b * cos
    return out


def attention(x, L, c, lin, rope):
    t = x.shape[0]
    nh, nkv = c["num_attention_heads"], c["num_key_value_heads"]
    d = c["hidden_size"] // nh
    q = lin(x, "q").reshape(t, nh, d)
    k = lin(x, "k").reshape(t, nkv, d)
    v = lin(x, "v").reshape(t, nkv, d)
    cos, sin = rope_tables(t, d, c["rope_theta"])
    cos, sin = cos[:, None, :], sin[:, None, :]
    q, k = rope(q, cos, sin), rope(k, cos, sin)
    out = np.empty((t, nh, d), dtype=F32)
    mask = np.triu(np.full((t, t), -np.inf, dtype=F32), 1)
    for h in range(nh):
        kv = h // (nh // nkv)
        sc = (q[:, h] @ k[:, kv].T) * F32(d ** -0.5) + mask
        sc = np.exp(sc - sc.max(-1, keepdims=True))
        out[:, h] = (sc / sc.sum(-1, keepdims=True)) @ v[:, kv]
    return out.reshape(t, nh * d)


def decoder_forward(ids, W, c, kind, rope):
    """kind 'llama' or 'bitnet'. W: dict with llama.cpp-like short names."""
    eps = c["rms_norm_eps"]
    x = W["embd"][ids]
    for i in range(c["num_hidden_layers"]):
        def lin(v, name):
            key = f"{i}.{name}"
            if kind == "bitnet":
                return bitlinear(v, *W[key])
            return v @ W[key].T
        h = rmsnorm(x, W[f"{i}.attn_norm"], eps)
        a = attention(h, i, c, lin, rope)
        if kind == "bitnet":
            a = rmsnorm(a, W[f"{i}.attn_sub_norm"], eps)
        x = x + lin(a, "o")
        h = rmsnorm(x, W[f"{i}.ffn_norm"], eps)
        g, u = lin(h, "gate"), lin(h, "up")
        if kind == "bitnet":
            m = rmsnorm(np.square(np.maximum(g, 0)) * u, W[f"{i}.ffn_sub_norm"], eps)
        else:
            m = (g / (F32(1) + np.exp(-g))) * u
        x = x + lin(m, "down")
    x = rmsnorm(x, W["out_norm"], eps)
    return x @ W["head"].T


def silu(x):
    return x / (F32(1) + np.exp(-x))


def sigmoid(x):
    return F32(1) / (F32(1) + np.exp(-x))


def hgrn_forward(ids, W, c):
    eps, beps = c["rms_norm_eps"], c["bitlinear_norm_eps"]

    def bl(v, key):
        trits, alpha, norm_w = W[key]
        return bitlinear(rmsnorm(v, norm_w, beps), trits, alpha)

    x = W["embd"][ids]
    lb = np.exp(W["lower_bounds"] - W["lower_bounds"].max(0))
    lb = lb / lb.sum(0)
    lb = np.cumsum(lb, 0) - lb[0]
    for i in range(c["num_hidden_layers"]):
        h = rmsnorm(x, W[f"{i}.attn_norm"], eps)
        f = sigmoid(bl(h, f"{i}.f"))
        if i > 0:
            f = lb[i] + (1 - lb[i]) * f
        cand = silu(bl(h, f"{i}.i")) * (1 - f)
        state = np.zeros(c["hidden_size"], dtype=F32)
        o = np.empty_like(cand)
        for t in range(len(ids)):
            state = f[t] * state + cand[t]
            o[t] = state
        g = rmsnorm(bl(h, f"{i}.g"), W[f"{i}.g_norm"], eps) * (o * sigmoid(o))
        x = x + bl(g, f"{i}.o")
        h = rmsnorm(x, W[f"{i}.mlp_norm"], eps)
        gu = bl(h, f"{i}.gate_up")
        n = c["intermediate_size"]
        x = x + bl(silu(gu[:, :n]) * gu[:, n:], f"{i}.down")
    x = rmsnorm(x, W["out_norm"], eps)
    return bl(x, "head")


def compare_golden(name, golden, forward, tol):
    for p in golden["prompts"]:
        seq = list(p["prompt_ids"])
        worst = 0.0
        for step in range(len(p["generated_ids"])):
            logits = forward(np.asarray(seq))[-1]
            if step < len(p["logits"]):
                worst = max(worst, float(np.abs(logits - np.asarray(p["logits"][step], F32)).max()))
            seq.append(int(np.argmax(logits)))
        gen = seq[len(p["prompt_ids"]):]
        check(gen == p["generated_ids"] and worst < tol,
              f"{name}: {p['prompt']!r}: 32 greedy tokens equal golden, max |logit diff| {worst:.2e} < {tol}")


# ---------------------------------------------------------------- per model

def tokenizer_checks(model):
    import sentencepiece as spm
    sp = spm.SentencePieceProcessor(model_file=os.path.join(HERE, model, "hf", "tokenizer.model"))
    g = json.load(open(os.path.join(HERE, model, "golden.json")))
    ok = all([1] + sp.encode(p["prompt"]) == p["prompt_ids"] for p in g["prompts"])
    ok = ok and all(sp.decode(p["generated_ids"]) == p["generated_text"] for p in g["prompts"])
    check(ok and sp.get_piece_size() == 512, f"{model}: tokenizer re-encodes golden's prompts and decodes its texts")
    return sp


def gguf_meta_checks(name, kv, types, sp, arch):
    check(kv["general.architecture"] == arch and kv["general.quantization_version"] == 2,
          f"{name}: general.architecture = {arch!r}")
    toks = kv["tokenizer.ggml.tokens"]
    check(len(toks) == 512 and toks == [sp.id_to_piece(i) for i in range(512)] and
          types["tokenizer.ggml.scores"] == 9 and kv["tokenizer.ggml.token_type"][:3] == [2, 3, 3] and
          kv["tokenizer.ggml.bos_token_id"] == 1 and kv["tokenizer.ggml.eos_token_id"] == 2,
          f"{name}: tokenizer.ggml.* hold the SentencePiece vocabulary")


def verify_llama(cfg):
    d = os.path.join(HERE, "llama")
    st, meta = read_safetensors(os.path.join(d, "hf", "model.safetensors"))
    check(meta == {"format": "pt"} and all(a.dtype == np.float32 for a in st.values()),
          f"llama: model.safetensors parses, {len(st)} float32 tensors")
    hf_cfg = json.load(open(os.path.join(d, "hf", "config.json")))
    c = dict(cfg, **{k: hf_cfg[k] for k in ("hidden_size", "num_hidden_layers", "rope_theta", "rms_norm_eps")})
    n = c["num_hidden_layers"]
    W = {"embd": st["model.embed_tokens.weight"], "out_norm": st["model.norm.weight"], "head": st["lm_head.weight"]}
    for i in range(n):
        p = f"model.layers.{i}."
        W.update({f"{i}.attn_norm": st[p + "input_layernorm.weight"], f"{i}.ffn_norm": st[p + "post_attention_layernorm.weight"]})
        for s, hf in [("q", "self_attn.q_proj"), ("k", "self_attn.k_proj"), ("v", "self_attn.v_proj"),
                      ("o", "self_attn.o_proj"), ("gate", "mlp.gate_proj"), ("up", "mlp.up_proj"), ("down", "mlp.down_proj")]:
            W[f"{i}.{s}"] = st[p + hf + ".weight"]
    golden = json.load(open(os.path.join(d, "golden.json")))
    compare_golden("llama (HF safetensors, rotate-half RoPE)", golden,
                   lambda ids: decoder_forward(ids, W, c, "llama", rope_half), 2e-4)

    kv, types, gt = read_gguf(os.path.join(d, "llama.gguf"))
    sp = tokenizer_checks("llama")
    gguf_meta_checks("llama.gguf", kv, types, sp, "llama")
    G = {k: gguf_array(v) for k, v in gt.items()}
    check(all(v[0] == 0 for v in gt.values()) and len(gt) == 3 + 9 * n, "llama.gguf: every tensor F32")
    nh, nkv, hd = c["num_attention_heads"], c["num_key_value_heads"], c["hidden_size"] // c["num_attention_heads"]

    def unpermute(w, heads):   # inverse of llama.cpp's permute: row 2j <- j, 2j+1 <- j + d/2
        return w.reshape(heads, hd // 2, 2, -1).swapaxes(1, 2).reshape(w.shape)

    same = (np.array_equal(G["token_embd.weight"], W["embd"]) and np.array_equal(G["output.weight"], W["head"]))
    for i in range(n):
        same &= np.array_equal(unpermute(G[f"blk.{i}.attn_q.weight"], nh), W[f"{i}.q"])
        same &= np.array_equal(unpermute(G[f"blk.{i}.attn_k.weight"], nkv), W[f"{i}.k"])
        for s, g in [("v", "attn_v"), ("o", "attn_output"), ("gate", "ffn_gate"), ("up", "ffn_up"), ("down", "ffn_down")]:
            same &= np.array_equal(G[f"blk.{i}.{g}.weight"], W[f"{i}.{s}"])
    check(bool(same), "llama.gguf: tensors equal the HF ones (q/k rows un-permuted)")
    check(kv["llama.rope.dimension_count"] == hd and kv["llama.attention.head_count_kv"] == nkv and
          abs(kv["llama.rope.freq_base"] - c["rope_theta"]) < 1e-3 and kv["llama.block_count"] == n,
          "llama.gguf: hyperparameters")
    WG = {"embd": G["token_embd.weight"], "out_norm": G["output_norm.weight"], "head": G["output.weight"]}
    for i in range(n):
        WG.update({f"{i}.attn_norm": G[f"blk.{i}.attn_norm.weight"], f"{i}.ffn_norm": G[f"blk.{i}.ffn_norm.weight"],
                   f"{i}.q": G[f"blk.{i}.attn_q.weight"], f"{i}.k": G[f"blk.{i}.attn_k.weight"],
                   f"{i}.v": G[f"blk.{i}.attn_v.weight"], f"{i}.o": G[f"blk.{i}.attn_output.weight"],
                   f"{i}.gate": G[f"blk.{i}.ffn_gate.weight"], f"{i}.up": G[f"blk.{i}.ffn_up.weight"],
                   f"{i}.down": G[f"blk.{i}.ffn_down.weight"]})
    compare_golden("llama (GGUF, interleaved RoPE on permuted q/k)", golden,
                   lambda ids: decoder_forward(ids, WG, c, "llama", rope_interleaved), 2e-4)

    # 2:4 pruned golden, pruned here independently (row-wise groups of 4, ties to the lower index)
    def prune(w):
        out = w.copy()
        rows, cols = w.shape
        for r in range(rows):
            for g0 in range(0, cols, 4):
                grp = list(range(g0, g0 + 4))
                grp.sort(key=lambda j: -abs(float(w[r, j])))   # stable: lower index first on ties
                out[r, grp[2]] = 0
                out[r, grp[3]] = 0
        return out
    WP = dict(W)
    for i in range(n):
        for s in ("q", "k", "v", "o", "gate", "up", "down"):
            WP[f"{i}.{s}"] = prune(W[f"{i}.{s}"])
    gp = json.load(open(os.path.join(d, "golden_pruned_2_4.json")))
    sums_ok = all(abs(float(WP[f"{i}.{s}"].astype(np.float64).sum()) -
                      gp["pruned_weight_sums"][f"model.layers.{i}.{hf}.weight"]["sum"]) < 1e-4
                  for i in range(n) for s, hf in [("q", "self_attn.q_proj"), ("down", "mlp.down_proj")])
    check(sums_ok, "llama 2:4: pruned weight sums equal golden_pruned_2_4.json")
    compare_golden("llama pruned 2:4", gp, lambda ids: decoder_forward(ids, WP, c, "llama", rope_half), 2e-4)

    import onnx
    from onnx import numpy_helper
    m = onnx.load(os.path.join(d, "llama.onnx"))
    onnx.checker.check_model(m)
    inits = [numpy_helper.to_array(t) for t in m.graph.initializer]
    # torch exports nn.Linear as MatMul with the transposed weight [in, out] as initializer
    found = all(any((a.shape == w.shape and np.array_equal(a, w)) or (a.shape == w.T.shape and np.array_equal(a, w.T))
                    for a in inits)
                for w in [W["embd"], W["head"], W["0.q"], W["0.k"], W[f"{n - 1}.down"]])
    g = json.load(open(os.path.join(d, "golden.json")))["onnx"]
    shape_in = [x.dim_value for x in m.graph.input[0].type.tensor_type.shape.dim]
    shape_out = [x.dim_value for x in m.graph.output[0].type.tensor_type.shape.dim]
    loops = [nd.op_type for nd in m.graph.node if nd.op_type in ("Loop", "If", "Shape", "Range")]
    check(found and m.graph.input[0].name == "input_ids" and shape_in == [1, len(g["input_ids"])] and
          shape_out == [1, len(g["input_ids"]), 512] and not loops,
          "llama.onnx: checker passes, static shapes, no Loop/If/Shape/Range, weights are the HF ones")
    out = decoder_forward(np.asarray(g["input_ids"]), W, c, "llama", rope_half)[-1]
    check(float(np.abs(out - np.asarray(g["logits_last"], F32)).max()) < 2e-4,
          "llama.onnx: golden's ONNX logits equal the NumPy forward of the HF weights")


def bitnet_weights_hf(st, n):
    W = {"embd": st["model.embed_tokens.weight"], "out_norm": st["model.norm.weight"]}
    W["head"] = W["embd"]                                    # tied
    for i in range(n):
        p = f"model.layers.{i}."
        W.update({f"{i}.attn_norm": st[p + "input_layernorm.weight"], f"{i}.ffn_norm": st[p + "post_attention_layernorm.weight"],
                  f"{i}.attn_sub_norm": st[p + "self_attn.attn_sub_norm.weight"],
                  f"{i}.ffn_sub_norm": st[p + "mlp.ffn_sub_norm.weight"]})
        for s, hf in [("q", "self_attn.q_proj"), ("k", "self_attn.k_proj"), ("v", "self_attn.v_proj"),
                      ("o", "self_attn.o_proj"), ("gate", "mlp.gate_proj"), ("up", "mlp.up_proj"), ("down", "mlp.down_proj")]:
            trits = unpack_hf_bitnet(st[p + hf + ".weight"])
            alpha = F32(1) / st[p + hf + ".weight_scale"][0]      # weight_scale holds 1 / alpha
            W[f"{i}.{s}"] = (trits, alpha)
    return W


def bitnet_weights_gguf(G, n):
    def tern(w):
        alpha = np.abs(w).max()                              # every block scale d = alpha
        return np.round(w / alpha).astype(np.int8), F32(alpha)
    W = {"embd": G["token_embd.weight"], "out_norm": G["output_norm.weight"]}
    W["head"] = W["embd"]
    for i in range(n):
        W.update({f"{i}.attn_norm": G[f"blk.{i}.attn_norm.weight"], f"{i}.ffn_norm": G[f"blk.{i}.ffn_norm.weight"],
                  f"{i}.attn_sub_norm": G[f"blk.{i}.attn_sub_norm.weight"], f"{i}.ffn_sub_norm": G[f"blk.{i}.ffn_sub_norm.weight"]})
        for s, g in [("q", "attn_q"), ("k", "attn_k"), ("v", "attn_v"), ("o", "attn_output"),
                     ("gate", "ffn_gate"), ("up", "ffn_up"), ("down", "ffn_down")]:
            W[f"{i}.{s}"] = tern(G[f"blk.{i}.{g}.weight"])
    return W


def verify_bitnet(cfg):
    d = os.path.join(HERE, "bitnet")
    st, _ = read_safetensors(os.path.join(d, "hf", "model.safetensors"))
    hf_cfg = json.load(open(os.path.join(d, "hf", "config.json")))
    c = dict(cfg, rope_theta=hf_cfg["rope_theta"], rms_norm_eps=hf_cfg["rms_norm_eps"])
    n = hf_cfg["num_hidden_layers"]
    packed = [k for k, v in st.items() if v.dtype == np.uint8]
    check(len(packed) == 7 * n and all(st[k + "_scale"].shape == (1,) for k in packed) and
          "lm_head.weight" not in st and hf_cfg["tie_word_embeddings"],
          f"bitnet: model.safetensors: {len(packed)} packed uint8 ternary weights + weight_scale, tied head")
    W = bitnet_weights_hf(st, n)
    golden = json.load(open(os.path.join(d, "golden.json")))
    compare_golden("bitnet (HF packed 2B-4T layout)", golden,
                   lambda ids: decoder_forward(ids, W, c, "bitnet", rope_half), 2e-3)
    sp = tokenizer_checks("bitnet")
    for fname, qtype in [("bitnet.gguf", 35), ("bitnet-tq1_0.gguf", 34)]:
        kv, types, gt = read_gguf(os.path.join(d, fname))
        gguf_meta_checks(fname, kv, types, sp, "bitnet")
        qt = sorted({v[0] for k, v in gt.items() if k.endswith(("_q.weight", "_k.weight", "_v.weight", "_output.weight",
                                                                   "_gate.weight", "_up.weight", "_down.weight"))})
        check(qt == sorted({qtype, 1}) and gt["blk.0.ffn_down.weight"][0] == qtype and
              gt["blk.0.attn_q.weight"][0] == 1 and gt["token_embd.weight"][0] == 0,
              f"{fname}: ffn_down (row 256) in type {qtype}, rows of 128 in F16, norms and token_embd F32")
        G = {k: gguf_array(v) for k, v in gt.items()}
        WG = bitnet_weights_gguf(G, n)
        same = all(np.array_equal(WG[f"{i}.{s}"][0], W[f"{i}.{s}"][0]) and
                   abs(WG[f"{i}.{s}"][1] / W[f"{i}.{s}"][1] - 1) < 2e-7
                   for i in range(n) for s in ("q", "k", "v", "o", "gate", "up", "down"))
        same &= all(np.array_equal(WG[k], W[k]) for k in W if not isinstance(W[k], tuple))
        check(same, f"{fname}: trits equal the HF packed ones, scales equal 1/weight_scale, float tensors equal")
        check(kv["bitnet.rope.freq_base"] == c["rope_theta"] and kv["bitnet.attention.head_count_kv"] == c["num_key_value_heads"]
              and kv["general.file_type"] == {35: 37, 34: 36}[qtype] and kv["bitnet.hidden_activation"] == "relu2",
              f"{fname}: hyperparameters and file type")
        compare_golden(f"bitnet ({fname})", golden, lambda ids: decoder_forward(ids, WG, c, "bitnet", rope_half), 2e-3)


def verify_hgrn_bit(cfg):
    d = os.path.join(HERE, "hgrn_bit")
    st, _ = read_safetensors(os.path.join(d, "hf", "model.safetensors"))
    hf_cfg = json.load(open(os.path.join(d, "hf", "config.json")))
    c = dict(cfg, rms_norm_eps=hf_cfg["rms_norm_eps"])
    n = hf_cfg["num_hidden_layers"]
    golden = json.load(open(os.path.join(d, "golden.json")))

    def tern(key):
        w = st[key + ".weight"]
        alpha = np.maximum(np.abs(w).astype(np.float64).mean(), 1e-5).astype(F32)   # float64 sum, float32 result
        return (np.clip(np.round(w / alpha), -1, 1).astype(np.int8), alpha, st[key + ".norm.weight"])

    W = {"embd": st["model.embeddings.weight"], "lower_bounds": st["model.lower_bounds"],
         "out_norm": st["model.norm.weight"], "head": tern("lm_head")}
    for i in range(n):
        p = f"model.layers.{i}."
        W.update({f"{i}.attn_norm": st[p + "attn_norm.weight"], f"{i}.mlp_norm": st[p + "mlp_norm.weight"],
                  f"{i}.g_norm": st[p + "attn.g_norm.weight"]})
        for s, hf in [("i", "attn.i_proj"), ("f", "attn.f_proj"), ("g", "attn.g_proj"), ("o", "attn.o_proj"),
                      ("gate_up", "mlp.gate_proj"), ("down", "mlp.down_proj")]:
            W[f"{i}.{s}"] = tern(p + hf)
    scales_ok = all(abs(float(W[f"{i}.i"][1]) - golden["weight_scales"][f"model.layers.{i}.attn.i_proj"]["alpha"]) <
                    1e-6 * float(W[f"{i}.i"][1]) for i in range(n))
    check(scales_ok and len(st) == 5 + 15 * n,
          f"hgrn_bit: model.safetensors: {len(st)} float32 tensors, absmean scales equal golden's")
    tokenizer_checks("hgrn_bit")
    compare_golden("hgrn_bit (HF float32 master weights)", golden, lambda ids: hgrn_forward(ids, W, c), 2e-3)


def verify_tq_codecs():
    """The writer's TQ2_0 / TQ1_0 encoders against this file's ggml-style decoders on
    random trits with a different scale in every block (including an all-zero block)."""
    import gguf_writer
    rng = np.random.RandomState(0)
    trits = rng.randint(-1, 2, size=(3, 512)).astype(np.float32)
    trits[1, 256:] = 0
    d = np.float16(rng.uniform(0.01, 2.0, size=(3, 2))).astype(np.float32)
    d[1, 1] = 0
    for r in range(3):
        for b in range(2):
            if d[r, b] and not np.abs(trits[r, 256 * b: 256 * b + 256]).max():
                trits[r, 256 * b] = 1
    values = trits * np.repeat(d, 256, axis=1)
    for name, enc, dec in [("TQ2_0", gguf_writer.quantize_tq2_0, dequant_tq2_0),
                           ("TQ1_0", gguf_writer.quantize_tq1_0, dequant_tq1_0)]:
        data = enc(values)
        back = dec(data, values.size).reshape(values.shape)
        check(np.array_equal(back, values) and len(data) == 6 * {"TQ2_0": 66, "TQ1_0": 54}[name],
              f"{name}: random trits with per-block float16 scales round-trip exactly")


def main():
    sys.path.insert(0, HERE)
    from train import CONFIGS
    verify_tq_codecs()
    for name, fn in [("llama", verify_llama), ("bitnet", verify_bitnet), ("hgrn_bit", verify_hgrn_bit)]:
        if os.path.exists(os.path.join(HERE, name, "golden.json")):
            fn(CONFIGS[name])
        else:
            check(False, f"{name}: no golden.json (run train.py)")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
