#!/usr/bin/python3
"""Train three tiny language models and write their checkpoints and golden outputs.

    nice -n 19 /usr/bin/python3 examples/tiny-lm/train.py            # everything
    nice -n 19 /usr/bin/python3 examples/tiny-lm/train.py --only llama

Models (see ARCHITECTURES.md): bitnet (BitNetForCausalLM, b1.58), hgrn_bit
(HGRNBitForCausalLM, the MatMul-free LM) and llama (LlamaForCausalLM, float32).

Corpus: the Jargon File 4.4.7 (public domain), Debian package `jargon-text`,
read from /usr/share/doc/jargon-text/jargon.txt.gz. Tokenizer: SentencePiece
BPE, 512 pieces, trained here on the same text.

Outputs, under examples/tiny-lm/:
    tokenizer.model                       the SentencePiece model (also copied into every hf/)
    <model>/hf/{config.json, model.safetensors, tokenizer.model, tokenizer_config.json}
    bitnet/bitnet.gguf (TQ2_0), bitnet/bitnet-tq1_0.gguf, llama/llama.gguf (no GGUF for hgrn_bit)
    <model>/golden.json, llama/golden_pruned_2_4.json, llama/llama.onnx
    results.json                          losses, timings, sample texts
Then verify.py reads every file back with an independent reader and checks it.
Deterministic: fixed seeds, fixed step counts, one thread.
"""

import argparse
import gzip
import json
import os
import re
import shutil
import sys
import time
import unicodedata

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import gguf_writer as gw  # noqa: E402
import models  # noqa: E402
import safetensors_writer  # noqa: E402

CORPUS = "/usr/share/doc/jargon-text/jargon.txt.gz"
CORPUS_PACKAGE = "jargon-text"
TRANSFORMERS_VERSION = "4.52.4"   # the version whose config serialization we mimic
VOCAB = 512
CONTEXT = 128
PROMPTS = [":hacker: n.", "The program", "In the early days of"]
N_GENERATE = 32
N_LOGITS = 5          # last prompt position + the first 4 generated steps
BOS, EOS, UNK = 1, 2, 0

COMMON = dict(vocab_size=VOCAB, hidden_size=128, num_hidden_layers=2,
              max_position_embeddings=CONTEXT, bos_token_id=BOS, eos_token_id=EOS)

CONFIGS = {
    "bitnet": dict(COMMON, num_attention_heads=4, num_key_value_heads=2, intermediate_size=256,
                   rms_norm_eps=1e-5, rope_theta=500000.0, tie_word_embeddings=True),
    "hgrn_bit": dict(COMMON, num_heads=4, intermediate_size=256, rms_norm_eps=1e-6,
                     bitlinear_norm_eps=1e-6, tie_word_embeddings=False),
    "llama": dict(COMMON, num_attention_heads=4, num_key_value_heads=2, intermediate_size=352,
                  rms_norm_eps=1e-5, rope_theta=10000.0, tie_word_embeddings=False),
}

TRAIN = {  # steps of a batch of 16 windows of 128 tokens
    "bitnet": dict(steps=1600, lr=3e-3, seed=1),
    "hgrn_bit": dict(steps=600, lr=3e-3, seed=2),
    "llama": dict(steps=800, lr=2e-3, seed=3),
}
BATCH = 16


# ---------------------------------------------------------------- corpus and tokenizer

_ASCII = {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2014": " -- ",
          "\u00b4": "'", "\u00a0": " ", "\u2022": "*", "\u00b7": "", "\u2212": "-"}
_BOX = re.compile("[\u2500-\u257f]")


def load_corpus():
    """Glossary entries of the Jargon File as lists of one-line ASCII paragraphs.

    From the first entry (a line starting with '   :') to the end; typographic
    quotes and dashes become ASCII, other non-ASCII letters lose their accents
    (NFKD) or are dropped, {cross-reference} braces are removed, paragraphs with
    box-drawing characters (tables) are dropped, whitespace is collapsed."""
    if not os.path.exists(CORPUS):
        sys.exit(f"{CORPUS} not found: apt-get install {CORPUS_PACKAGE}")
    with gzip.open(CORPUS, "rt", encoding="utf-8") as f:
        lines = f.read().split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("   :"))
    entries, paragraph = [], []

    def flush():
        if not paragraph:
            return
        text = " ".join(paragraph)
        paragraph.clear()
        if _BOX.search(text):
            return
        for k, v in _ASCII.items():
            text = text.replace(k, v)
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        text = " ".join(text.replace("{", "").replace("}", "").split())
        if not text:
            return
        if text.startswith(":") or not entries:
            entries.append([])
        entries[-1].append(text)

    for line in lines[start:]:
        if line.strip():
            paragraph.append(line.strip())
        else:
            flush()
    flush()
    return entries


def train_tokenizer(entries, path):
    import sentencepiece as spm
    paragraphs = [p for e in entries for p in e]
    prefix = path[: -len(".model")]
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(paragraphs), model_prefix=prefix, model_type="bpe",
        vocab_size=VOCAB, character_coverage=1.0, byte_fallback=False,
        unk_id=UNK, bos_id=BOS, eos_id=EOS, pad_id=-1,
        normalization_rule_name="identity", add_dummy_prefix=True,
        remove_extra_whitespaces=False, split_digits=True, num_threads=1,
        max_sentence_length=16384, minloglevel=2)
    os.remove(prefix + ".vocab")
    return spm.SentencePieceProcessor(model_file=path)


def encode_corpus(sp, entries):
    """One stream: BOS, the entry's paragraphs' pieces, EOS, for every entry."""
    out = []
    for e in entries:
        out.append(BOS)
        for p in e:
            out.extend(sp.encode(p))
        out.append(EOS)
    return np.asarray(out, dtype=np.int64)


# ---------------------------------------------------------------- training

def batches(stream, rng, n):
    starts = rng.randint(0, len(stream) - CONTEXT - 1, size=n)
    x = np.stack([stream[s: s + CONTEXT + 1] for s in starts])
    return torch.from_numpy(x)


def loss_of(model, xy):
    logits = model(xy[:, :-1])
    return F.cross_entropy(logits.reshape(-1, VOCAB), xy[:, 1:].reshape(-1))


def evaluate(model, val_stream):
    rng = np.random.RandomState(1234)
    model.eval()
    with torch.no_grad():
        losses = [loss_of(model, batches(val_stream, rng, BATCH)).item() for _ in range(8)]
    model.train()
    return float(np.mean(losses))


def train(name, model, train_stream, val_stream, log):
    p = TRAIN[name]
    torch.manual_seed(p["seed"])
    rng = np.random.RandomState(p["seed"])
    decay = [q for n, q in model.named_parameters() if q.dim() == 2 and "lower_bounds" not in n]
    other = [q for n, q in model.named_parameters() if not (q.dim() == 2 and "lower_bounds" not in n)]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.05},
                             {"params": other, "weight_decay": 0.0}],
                            lr=p["lr"], betas=(0.9, 0.95))
    steps, warm = p["steps"], 30
    t0, recent = time.time(), []
    for step in range(steps):
        lr = p["lr"] * (min(1.0, (step + 1) / warm) *
                        (0.1 + 0.9 * 0.5 * (1 + np.cos(np.pi * step / steps))))
        for g in opt.param_groups:
            g["lr"] = lr
        loss = loss_of(model, batches(train_stream, rng, BATCH))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        recent = (recent + [loss.item()])[-50:]
        if step % 50 == 0 or step == steps - 1:
            log(f"{name} step {step:4d} loss {loss.item():.3f} ({time.time() - t0:.0f} s)")
    seconds = time.time() - t0
    return dict(steps=steps, batch=BATCH, context=CONTEXT, lr=p["lr"], seed=p["seed"],
                train_loss_last50=float(np.mean(recent)), val_loss=evaluate(model, val_stream),
                train_seconds=round(seconds, 1))


# ---------------------------------------------------------------- golden outputs

def _f(x):
    return float(f"{float(x):.9g}")   # float32 round-trips through 9 significant digits


def greedy(model, prompt_ids):
    seq, logits_kept, margins = list(prompt_ids), [], []
    with torch.no_grad():
        for step in range(N_GENERATE):
            logits = model(torch.tensor([seq]))[0, -1]
            if step < N_LOGITS:
                logits_kept.append(logits.clone())
            top = torch.topk(logits, 2).values
            margins.append(float(top[0] - top[1]))
            seq.append(int(torch.argmax(logits)))   # first index on ties
    return seq[len(prompt_ids):], logits_kept, margins


def golden(model, sp, extra=None):
    """Greedy continuations of PROMPTS; float32 forward, cross-checked in float64."""
    model.eval()
    model64 = _clone_double(model)
    out = []
    for text in PROMPTS:
        ids = [BOS] + sp.encode(text)
        gen, logits, margins = greedy(model, ids)
        gen64, logits64, _ = greedy(model64, ids)
        diff = max(float((a.double() - b).abs().max()) for a, b in zip(logits, logits64))
        out.append(dict(
            prompt=text, prompt_ids=ids, generated_ids=gen,
            generated_text=sp.decode(gen), full_text=sp.decode(ids[1:] + gen),
            logits=[[_f(v) for v in l.tolist()] for l in logits],
            logits_positions=("logits[0]: at the last prompt token (predicts generated_ids[0]); "
                              "logits[j], j=1..4: at generated_ids[j-1] (predicts generated_ids[j])"),
            min_top2_margin=min(margins),
            float64_same_tokens=(gen == gen64),
            float64_max_abs_logit_diff=diff))
    doc = dict(generation="greedy argmax (lowest index on ties), no stopping at EOS, "
                          "exactly 32 new tokens, the whole sequence re-run each step",
               prompts=out)
    if extra:
        doc.update(extra)
    return doc


def _clone_double(model):
    import copy
    m = copy.deepcopy(model).double()
    m.eval()
    return m


# ---------------------------------------------------------------- HF configs

def _hf_config(fields):
    return json.dumps(fields, indent=2, sort_keys=True) + "\n"


def config_bitnet(c):
    return _hf_config(dict(
        architectures=["BitNetForCausalLM"], attention_bias=False, attention_dropout=0.0,
        bos_token_id=c["bos_token_id"], eos_token_id=c["eos_token_id"], hidden_act="relu2",
        hidden_size=c["hidden_size"], initializer_range=0.02,
        intermediate_size=c["intermediate_size"],
        max_position_embeddings=c["max_position_embeddings"], model_type="bitnet",
        num_attention_heads=c["num_attention_heads"], num_hidden_layers=c["num_hidden_layers"],
        num_key_value_heads=c["num_key_value_heads"],
        quantization_config=dict(linear_class="bitlinear", modules_to_not_convert=None,
                                 quant_method="bitnet", quantization_mode="offline",
                                 rms_norm_eps=1e-06, use_rms_norm=False),
        rms_norm_eps=c["rms_norm_eps"], rope_theta=c["rope_theta"], tie_word_embeddings=True,
        torch_dtype="float32", transformers_version=TRANSFORMERS_VERSION, use_cache=True,
        vocab_size=c["vocab_size"]))


def config_hgrn_bit(c):
    return _hf_config(dict(
        architectures=["HGRNBitForCausalLM"], attn_mode="fused_recurrent",
        bos_token_id=c["bos_token_id"], conv_size=4, eos_token_id=c["eos_token_id"],
        expand_ratio=1, fuse_cross_entropy=True, hidden_act="swish", hidden_ratio=4,
        hidden_size=c["hidden_size"], initializer_range=0.02,
        intermediate_size=c["intermediate_size"],
        max_position_embeddings=c["max_position_embeddings"], model_type="hgrn_bit",
        num_heads=c["num_heads"], num_hidden_layers=c["num_hidden_layers"],
        rms_norm_eps=c["rms_norm_eps"], share_conv_kernel=True, tie_word_embeddings=False,
        torch_dtype="float32", transformers_version=TRANSFORMERS_VERSION, use_cache=True,
        use_lower_bound=True, use_short_conv=False, vocab_size=c["vocab_size"]))


def config_llama(c):
    return _hf_config(dict(
        architectures=["LlamaForCausalLM"], attention_bias=False, attention_dropout=0.0,
        bos_token_id=c["bos_token_id"], eos_token_id=c["eos_token_id"],
        head_dim=c["hidden_size"] // c["num_attention_heads"], hidden_act="silu",
        hidden_size=c["hidden_size"], initializer_range=0.02,
        intermediate_size=c["intermediate_size"],
        max_position_embeddings=c["max_position_embeddings"], mlp_bias=False,
        model_type="llama", num_attention_heads=c["num_attention_heads"],
        num_hidden_layers=c["num_hidden_layers"], num_key_value_heads=c["num_key_value_heads"],
        pretraining_tp=1, rms_norm_eps=c["rms_norm_eps"], rope_scaling=None,
        rope_theta=c["rope_theta"], tie_word_embeddings=False, torch_dtype="float32",
        transformers_version=TRANSFORMERS_VERSION, use_cache=True, vocab_size=c["vocab_size"]))


TOKENIZER_CONFIG = json.dumps(dict(
    add_bos_token=True, add_eos_token=False, bos_token="<s>", eos_token="</s>",
    unk_token="<unk>", pad_token=None, clean_up_tokenization_spaces=False,
    legacy=True, model_max_length=CONTEXT, sp_model_kwargs={}, tokenizer_class="LlamaTokenizer"),
    indent=2, sort_keys=True) + "\n"


# ---------------------------------------------------------------- exports

def pack_hf_bitnet(trits):
    """transformers.integrations.bitnet.pack_weights layout: [N, K] trits -> uint8 [N/4, K].

    Row r of the packed tensor holds rows r, r + N/4, r + N/2, r + 3N/4 of the
    ternary matrix in bits 0-1, 2-3, 4-5, 6-7, each as trit + 1 (0, 1, 2)."""
    t = trits.astype(np.int64) + 1
    n = t.shape[0]
    assert n % 4 == 0
    r = n // 4
    packed = np.zeros((r, t.shape[1]), dtype=np.uint8)
    for i in range(4):
        packed |= (t[i * r:(i + 1) * r] << (2 * i)).astype(np.uint8)
    return packed


def write_hf(folder, config_text, tensors, tokenizer_path):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "config.json"), "w") as f:
        f.write(config_text)
    with open(os.path.join(folder, "tokenizer_config.json"), "w") as f:
        f.write(TOKENIZER_CONFIG)
    shutil.copyfile(tokenizer_path, os.path.join(folder, "tokenizer.model"))
    return safetensors_writer.save(os.path.join(folder, "model.safetensors"), tensors)


def np32(t):
    return t.detach().cpu().float().numpy()


def gguf_vocab(w, sp):
    tokens, scores, types = [], [], []
    for i in range(sp.get_piece_size()):
        tokens.append(sp.id_to_piece(i))
        scores.append(sp.get_score(i))
        types.append(2 if sp.is_unknown(i) else 3 if sp.is_control(i) else
                     5 if sp.is_unused(i) else 6 if sp.is_byte(i) else 1)
    w.add_string("tokenizer.ggml.model", "llama")
    w.add_string("tokenizer.ggml.pre", "default")
    w.add_array("tokenizer.ggml.tokens", gw.STRING, tokens)
    w.add_array("tokenizer.ggml.scores", gw.FLOAT32, scores)
    w.add_array("tokenizer.ggml.token_type", gw.INT32, types)
    w.add_uint32("tokenizer.ggml.bos_token_id", BOS)
    w.add_uint32("tokenizer.ggml.eos_token_id", EOS)
    w.add_uint32("tokenizer.ggml.unknown_token_id", UNK)
    w.add_bool("tokenizer.ggml.add_bos_token", True)
    w.add_bool("tokenizer.ggml.add_eos_token", False)


def gguf_common(w, arch, c, name, file_type, ff):
    w.add_string("general.type", "model")
    w.add_string("general.name", name)
    w.add_uint32(f"{arch}.block_count", c["num_hidden_layers"])
    w.add_uint32(f"{arch}.context_length", c["max_position_embeddings"])
    w.add_uint32(f"{arch}.embedding_length", c["hidden_size"])
    w.add_uint32(f"{arch}.feed_forward_length", ff)


def permute_rope(w, n_head):
    """llama.cpp LlamaModel.permute: HF rotate-half rows -> ggml interleaved-pair rows, per head."""
    rows = w.shape[0]
    return (w.reshape(n_head, 2, rows // n_head // 2, *w.shape[1:])
            .swapaxes(1, 2).reshape(w.shape))


def export_llama(model, sp, tok_path, out):
    c = model.cfg
    sd = {k: np32(v) for k, v in model.state_dict().items()}
    size = write_hf(os.path.join(out, "hf"), config_llama(c), sd, tok_path)
    w = gw.GGUFWriter("llama")
    gguf_common(w, "llama", c, "tern-tiny-llama", gw.FTYPE_ALL_F32, c["intermediate_size"])
    w.add_uint32("llama.attention.head_count", c["num_attention_heads"])
    w.add_uint32("llama.attention.head_count_kv", c["num_key_value_heads"])
    w.add_float32("llama.rope.freq_base", c["rope_theta"])
    w.add_float32("llama.attention.layer_norm_rms_epsilon", c["rms_norm_eps"])
    w.add_uint32("general.file_type", gw.FTYPE_ALL_F32)
    w.add_uint32("llama.vocab_size", c["vocab_size"])
    w.add_uint32("llama.rope.dimension_count", c["hidden_size"] // c["num_attention_heads"])
    gguf_vocab(w, sp)
    w.add_uint32("general.quantization_version", 2)
    w.add_tensor("token_embd.weight", sd["model.embed_tokens.weight"])
    for i in range(c["num_hidden_layers"]):
        p = f"model.layers.{i}."
        w.add_tensor(f"blk.{i}.attn_norm.weight", sd[p + "input_layernorm.weight"])
        w.add_tensor(f"blk.{i}.attn_q.weight",
                     permute_rope(sd[p + "self_attn.q_proj.weight"], c["num_attention_heads"]))
        w.add_tensor(f"blk.{i}.attn_k.weight",
                     permute_rope(sd[p + "self_attn.k_proj.weight"], c["num_key_value_heads"]))
        w.add_tensor(f"blk.{i}.attn_v.weight", sd[p + "self_attn.v_proj.weight"])
        w.add_tensor(f"blk.{i}.attn_output.weight", sd[p + "self_attn.o_proj.weight"])
        w.add_tensor(f"blk.{i}.ffn_norm.weight", sd[p + "post_attention_layernorm.weight"])
        w.add_tensor(f"blk.{i}.ffn_gate.weight", sd[p + "mlp.gate_proj.weight"])
        w.add_tensor(f"blk.{i}.ffn_up.weight", sd[p + "mlp.up_proj.weight"])
        w.add_tensor(f"blk.{i}.ffn_down.weight", sd[p + "mlp.down_proj.weight"])
    w.add_tensor("output_norm.weight", sd["model.norm.weight"])
    w.add_tensor("output.weight", sd["lm_head.weight"])
    return dict(safetensors_bytes=size, gguf_bytes=w.write(os.path.join(out, "llama.gguf")))


def bitnet_ternary_tensors(model):
    """name -> (trits int8 [N, K], alpha float32) of every frozen BitLinear."""
    return {n + ".weight": (m.trits.cpu().numpy().astype(np.int8), np.float32(m.alpha.item()))
            for n, m in model.bitlinears()}


def export_bitnet(model, sp, tok_path, out):
    c = model.cfg
    tern = bitnet_ternary_tensors(model)
    sd = {}
    for k, v in model.state_dict().items():
        if k in tern:
            trits, alpha = tern[k]
            sd[k] = pack_hf_bitnet(trits)
            sd[k + "_scale"] = np.array([np.float32(1.0) / alpha], dtype=np.float32)
        else:
            sd[k] = np32(v)
    size = write_hf(os.path.join(out, "hf"), config_bitnet(c), sd, tok_path)
    sizes = dict(safetensors_bytes=size)
    for suffix, ftype, qtype in [("", gw.FTYPE_MOSTLY_TQ2_0, gw.GGML_TQ2_0),
                                 ("-tq1_0", gw.FTYPE_MOSTLY_TQ1_0, gw.GGML_TQ1_0)]:
        w = gw.GGUFWriter("bitnet")
        gguf_common(w, "bitnet", c, "tern-tiny-bitnet-b1.58", ftype, c["intermediate_size"])
        w.add_uint32("bitnet.attention.head_count", c["num_attention_heads"])
        w.add_uint32("bitnet.attention.head_count_kv", c["num_key_value_heads"])
        w.add_float32("bitnet.rope.freq_base", c["rope_theta"])
        w.add_float32("bitnet.attention.layer_norm_rms_epsilon", c["rms_norm_eps"])
        w.add_uint32("general.file_type", ftype)
        w.add_string("bitnet.rope.scaling.type", "linear")
        w.add_float32("bitnet.rope.scaling.factor", 1.0)
        w.add_string("bitnet.hidden_activation", "relu2")
        gguf_vocab(w, sp)
        w.add_uint32("general.quantization_version", 2)

        def ternary(name, key):
            # A TQ row must be a multiple of 256 values; like llama.cpp's converter, other
            # ternary tensors fall back to F16, exact here since alpha is a float16 value.
            trits, alpha = tern[key]
            values = trits.astype(np.float32) * alpha
            w.add_tensor(name, values, qtype if trits.shape[1] % gw.QK_K == 0 else gw.GGML_F16)

        w.add_tensor("token_embd.weight", np32(model.model.embed_tokens.weight))
        for i in range(c["num_hidden_layers"]):
            p = f"model.layers.{i}."
            w.add_tensor(f"blk.{i}.attn_norm.weight", sd[p + "input_layernorm.weight"])
            ternary(f"blk.{i}.attn_q.weight", p + "self_attn.q_proj.weight")
            ternary(f"blk.{i}.attn_k.weight", p + "self_attn.k_proj.weight")
            ternary(f"blk.{i}.attn_v.weight", p + "self_attn.v_proj.weight")
            w.add_tensor(f"blk.{i}.attn_sub_norm.weight", sd[p + "self_attn.attn_sub_norm.weight"])
            ternary(f"blk.{i}.attn_output.weight", p + "self_attn.o_proj.weight")
            w.add_tensor(f"blk.{i}.ffn_norm.weight", sd[p + "post_attention_layernorm.weight"])
            ternary(f"blk.{i}.ffn_gate.weight", p + "mlp.gate_proj.weight")
            ternary(f"blk.{i}.ffn_up.weight", p + "mlp.up_proj.weight")
            w.add_tensor(f"blk.{i}.ffn_sub_norm.weight", sd[p + "mlp.ffn_sub_norm.weight"])
            ternary(f"blk.{i}.ffn_down.weight", p + "mlp.down_proj.weight")
        w.add_tensor("output_norm.weight", sd["model.norm.weight"])
        sizes[f"gguf{suffix}_bytes"] = w.write(os.path.join(out, f"bitnet{suffix}.gguf"))
    return sizes


def export_hgrn_bit(model, sp, tok_path, out):
    """HF folder only: float32 master weights, quantized on the fly as matmulfreellm does.

    No GGUF: llama.cpp has no such architecture, and no ternary GGUF type would
    hold these weights exactly (rows of 128 cannot be TQ2_0/TQ1_0 blocks and the
    float32 absmean scales are not float16 values), so a GGUF could only repeat
    the safetensors file in F32."""
    sd = {k: np32(v) for k, v in model.state_dict().items()}
    size = write_hf(os.path.join(out, "hf"), config_hgrn_bit(model.cfg), sd, tok_path)
    return dict(safetensors_bytes=size)


def export_onnx(model, sp, out):
    ids = [BOS] + sp.encode(PROMPTS[0])
    x = torch.tensor([ids])
    path = os.path.join(out, "llama.onnx")
    model.eval()
    for layer in model.model.layers:
        layer.self_attn.set_static_length(len(ids))
    torch.onnx.export(model, (x,), path, input_names=["input_ids"], output_names=["logits"],
                      opset_version=14, do_constant_folding=True)
    with torch.no_grad():
        logits = model(x)[0]
    for layer in model.model.layers:
        layer.self_attn.static = None
    return dict(file="llama.onnx", opset=14, input_ids=ids,
                input="input_ids int64 [1, %d]" % len(ids),
                output="logits float32 [1, %d, %d]" % (len(ids), VOCAB),
                logits_last=[_f(v) for v in logits[-1].tolist()],
                logits_all_positions_sum=_f(logits.double().sum())), os.path.getsize(path)


# ---------------------------------------------------------------- driver

def weight_scale_report(model):
    """alpha of every BitLinear and how near |W| / alpha came to the rounding boundary 0.5."""
    out = {}
    for n, m in model.bitlinears():
        w = m.weight.detach().float()
        alpha = w.abs().mean().clamp(min=1e-5)
        r = (w.abs() / alpha)
        out[n] = dict(alpha=_f(m.alpha.item()), mean_abs_w=_f(alpha.item()),
                      min_distance_to_half=_f((r - 0.5).abs().min().item()),
                      zeros_fraction=_f((m.trits == 0).float().mean().item()))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", choices=sorted(CONFIGS), action="append")
    ap.add_argument("--steps-scale", type=float, default=1.0, help="for quick trials only")
    args = ap.parse_args()
    torch.set_num_threads(1)
    t_start = time.time()
    log_lines = []

    def log(msg):
        print(msg, flush=True)
        log_lines.append(msg)

    entries = load_corpus()
    tok_path = os.path.join(HERE, "tokenizer.model")
    sp = train_tokenizer(entries, tok_path)
    stream = encode_corpus(sp, entries)
    cut = int(len(stream) * 0.95)
    train_stream, val_stream = stream[:cut], stream[cut:]
    chars = sum(len(p) + 1 for e in entries for p in e)
    log(f"corpus: {len(entries)} entries, {chars} characters, {len(stream)} tokens "
        f"({chars / len(stream):.2f} chars/token); train {len(train_stream)}, val {len(val_stream)}")

    results_path = os.path.join(HERE, "results.json")
    results = json.load(open(results_path)) if os.path.exists(results_path) else {}
    results["corpus"] = dict(package=CORPUS_PACKAGE, path=CORPUS, entries=len(entries),
                             characters=chars, tokens=int(len(stream)),
                             train_tokens=int(len(train_stream)), val_tokens=int(len(val_stream)))
    for name in args.only or ["bitnet", "hgrn_bit", "llama"]:
        TRAIN[name]["steps"] = max(1, int(TRAIN[name]["steps"] * args.steps_scale))
        cfg = CONFIGS[name]
        cls = {"bitnet": models.BitNetForCausalLM, "hgrn_bit": models.HGRNBitForCausalLM,
               "llama": models.LlamaForCausalLM}[name]
        torch.manual_seed(TRAIN[name]["seed"])
        model = cls(cfg)
        n_params = sum(p.numel() for p in model.parameters())
        log(f"{name}: {n_params} parameters")
        stats = train(name, model, train_stream, val_stream, log)
        out = os.path.join(HERE, name)
        os.makedirs(out, exist_ok=True)
        extra = dict(model=name, config=cfg)
        if name == "hgrn_bit":   # its file keeps master weights: make their trits robust
            stats["weights_moved_off_rounding_boundary"] = sum(
                models.keep_off_rounding_boundary_(m.weight) for _, m in model.bitlinears())
        if name in ("bitnet", "hgrn_bit"):
            float_val = evaluate(model, val_stream)      # still fake-quant training math
            for _, m in model.bitlinears():
                m.freeze(round_scale_to_fp16=(name == "bitnet"))
            stats["val_loss_frozen_integer_math"] = evaluate(model, val_stream)
            stats["val_loss_fake_quant"] = float_val
            extra["weight_scales"] = weight_scale_report(model)
        g = golden(model, sp, extra)
        if name == "llama":
            onnx_info, onnx_size = export_onnx(model, sp, out)
            g["onnx"] = onnx_info
            stats["onnx_bytes"] = onnx_size
        sizes = {"bitnet": export_bitnet, "hgrn_bit": export_hgrn_bit,
                 "llama": export_llama}[name](model, sp, tok_path, out)
        with open(os.path.join(out, "golden.json"), "w") as f:
            json.dump(g, f, indent=1)
        stats.update(sizes, parameters=n_params,
                     samples={p["prompt"]: p["full_text"] for p in g["prompts"]})
        if name == "llama":
            pruned = prune_llama(model)
            gp = golden(pruned, sp, dict(model="llama pruned 2:4", config=cfg,
                                         pruning=PRUNE_NOTE, pruned_weight_sums=pruned_sums(pruned)))
            with open(os.path.join(out, "golden_pruned_2_4.json"), "w") as f:
                json.dump(gp, f, indent=1)
            stats["pruned_2_4"] = dict(val_loss=evaluate(pruned, val_stream),
                                       samples={p["prompt"]: p["full_text"] for p in gp["prompts"]})
        results[name] = stats
        log(f"{name}: {json.dumps({k: v for k, v in stats.items() if k != 'samples'})}")
        for p in g["prompts"]:
            log(f"  {p['full_text']!r}")
    results["total_seconds_last_run"] = round(time.time() - t_start, 1)
    with open(results_path, "w") as f:
        json.dump(results, f, indent=1, sort_keys=True)
    with open(os.path.join(HERE, "train.log"), "w") as f:
        f.write("\n".join(log_lines) + "\n")


PRUNE_NOTE = ("2:4 magnitude pruning of q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj and "
              "down_proj of every layer (not embed_tokens, not lm_head, not the norms): in each row "
              "of the [out, in] weight, in every group of 4 consecutive input columns (0-3, 4-7, "
              "...), the 2 largest |w| are kept (ties: the lower column index wins) and the other 2 "
              "set to 0; no fine-tuning afterwards")


def prune_llama(model):
    import copy
    pruned = copy.deepcopy(model)
    for name, mod in pruned.named_modules():
        if isinstance(mod, torch.nn.Linear) and name != "lm_head":
            models.prune_2_4_(mod.weight)
    pruned.eval()
    return pruned


def pruned_sums(model):
    return {n: dict(sum=_f(p.detach().double().sum()), abs_sum=_f(p.detach().double().abs().sum()),
                    nonzeros=int((p != 0).sum()))
            for n, p in model.state_dict().items() if n.endswith("_proj.weight")}


if __name__ == "__main__":
    main()
