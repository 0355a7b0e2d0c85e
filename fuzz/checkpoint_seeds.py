#!/usr/bin/env python3
"""Writes seed inputs for tern-checkpoint-fuzz into the folder given: a small
GGUF file with a tensor of every type Tern decodes, a safetensors file with
several dtypes, and a config.json. Standard library only."""

import json
import os
import struct
import sys


def gstr(s):
    b = s.encode()
    return struct.pack("<Q", len(b)) + b


def gguf():
    kvs = [
        (gstr("general.architecture") + struct.pack("<I", 8) + gstr("llama")),
        (gstr("general.alignment") + struct.pack("<II", 4, 32)),
        (gstr("llama.block_count") + struct.pack("<II", 4, 2)),
        (gstr("llama.attention.layer_norm_rms_epsilon")
         + struct.pack("<If", 6, 1e-5)),
        (gstr("tokenizer.ggml.tokens") + struct.pack("<IIQ", 9, 8, 2)
         + gstr("<s>") + gstr("a")),
        (gstr("tokenizer.ggml.scores") + struct.pack("<IIQff", 9, 6, 2, 0, -1)),
    ]
    q8 = struct.pack("<H", 0x3800) + bytes(range(32))
    tensors = [
        ("f32", 0, [4], struct.pack("<4f", 1, -2, 0.5, 3)),
        ("f16", 1, [2], struct.pack("<2H", 0x3C00, 0x0001)),
        ("bf16", 30, [2], struct.pack("<2H", 0x3F80, 0xC0A0)),
        ("q8", 8, [32], q8),
        ("tq1", 34, [256], bytes([0x80] * 48 + [0x7F] * 4) + b"\x00\x3c"),
        ("tq2", 35, [256], bytes([0x55] * 64) + b"\x00\x38"),
        ("i2s", 36, [128], bytes([0x55] * 32) + struct.pack("<f", 0.5)
         + bytes(28)),
    ]
    out = b"GGUF" + struct.pack("<IQQ", 3, len(tensors), len(kvs))
    out += b"".join(kvs)
    offset, data = 0, b""
    for name, ggml_type, ne, payload in tensors:
        out += gstr(name) + struct.pack("<I", len(ne))
        out += b"".join(struct.pack("<Q", d) for d in ne)
        out += struct.pack("<IQ", ggml_type, offset)
        data += payload + bytes((-len(payload)) % 32)
        offset = len(data)
    out += bytes((-len(out)) % 32)
    return out + data


def safetensors():
    tensors = [("w", "BF16", [2, 2], struct.pack("<4H", 0x3F80, 0, 1, 2)),
               ("b", "F32", [2], struct.pack("<2f", 1, 2)),
               ("ids", "I64", [1], struct.pack("<q", 7)),
               ("mask", "BOOL", [2], b"\x01\x00")]
    header, data = {"__metadata__": {"format": "pt"}}, b""
    for name, dtype, shape, payload in tensors:
        header[name] = {"dtype": dtype, "shape": shape,
                        "data_offsets": [len(data), len(data) + len(payload)]}
        data += payload
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((-len(text)) % 8)
    return struct.pack("<Q", len(text)) + text + data


CONFIG = {"architectures": ["BitNetForCausalLM"], "hidden_size": 64,
          "num_hidden_layers": 2, "rms_norm_eps": 1e-5,
          "eos_token_id": [1, 2], "rope_scaling": {"factor": 8.0},
          "tie_word_embeddings": True, "quantization_config": None}


def main():
    folder = sys.argv[1]
    os.makedirs(folder, exist_ok=True)
    for name, content in (("sample.gguf", gguf()),
                          ("sample.safetensors", safetensors()),
                          ("config.json", json.dumps(CONFIG).encode())):
        with open(os.path.join(folder, name), "wb") as f:
            f.write(content)


if __name__ == "__main__":
    main()
