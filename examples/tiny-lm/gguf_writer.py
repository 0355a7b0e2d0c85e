"""A small GGUF version 3 writer with the ggml ternary formats TQ2_0 and TQ1_0.

No dependency on llama.cpp's `gguf` Python package. Everything is little endian.

File layout (GGUF v3):

    u32   magic      0x46554747 (the bytes "GGUF")
    u32   version    3
    u64   n_tensors
    u64   n_kv
    n_kv times:      key (string), value type (u32), value
    n_tensors times: name (string), n_dims (u32), ne[0..n_dims-1] (u64 each),
                     ggml type (u32), offset (u64, relative to the data section,
                     a multiple of the alignment)
    zero padding to a multiple of the alignment (general.alignment, default 32)
    data section: each tensor's bytes at its offset, zero padding between
    tensors so that every offset is a multiple of the alignment

    string = u64 byte length + UTF-8 bytes (no terminator)
    array  = u32 element type + u64 count + the elements

ne[0] is the innermost (contiguous) dimension: a PyTorch weight of shape
[out_features, in_features] has ne = [in_features, out_features]. A block
quantized row (TQ2_0, TQ1_0) runs along ne[0], which must be a multiple of 256.

Ternary block formats (ggml-common.h, ggml-quants.c; QK_K = 256 values per block):

TQ2_0 (ggml type 35), 66 bytes per block:
    qs[64]  bytes 0..63: 2 bits per value, code = trit + 1 (0 -> -1, 1 -> 0, 2 -> +1)
    d       bytes 64..65: float16 scale
    The block's value number v (0..255) lives in byte qs[32*(v // 128) + v % 32],
    bits 2*((v % 128) // 32) .. +1. Value = (code - 1) * d.

TQ1_0 (ggml type 34), 54 bytes per block:
    qs[48]  bytes 0..47: 5 trits per byte (base 3, first trit most significant),
            stored as ceil(q * 256 / 243) so that a trit is extracted with
            one multiply: trit_n = ((uint8)(byte * 3^n) * 3) >> 8
            bytes 0..31 hold values 0..159: byte m holds values m + 32*n, n = 0..4
            bytes 32..47 hold values 160..239: byte 32+m holds 160 + m + 16*n, n = 0..4
    qh[4]   bytes 48..51: 4 trits per byte (then multiplied by 3 so the first trit
            is the most significant of 5), same fixed-point storage;
            byte j holds values 240 + j + 4*n, n = 0..3
    d       bytes 52..53: float16 scale
    Value = (trit - 1) * d.

Both quantizers follow ggml's quantize_row_tq{1,2}_0_ref: d = max |x| over the
block (rounded to float16), trit = lroundf(x / d) (round half away from zero).
"""

import struct

import numpy as np

GGUF_MAGIC = 0x46554747
GGUF_VERSION = 3
ALIGNMENT = 32

# GGUF metadata value types
UINT8, INT8, UINT16, INT16, UINT32, INT32, FLOAT32, BOOL, STRING, ARRAY, UINT64, INT64, FLOAT64 = range(13)

# ggml tensor types used here
GGML_F32, GGML_F16 = 0, 1
GGML_TQ1_0, GGML_TQ2_0 = 34, 35
QK_K = 256
BLOCK_BYTES = {GGML_TQ1_0: 54, GGML_TQ2_0: 66}

# llama_ftype values written to general.file_type
FTYPE_ALL_F32, FTYPE_MOSTLY_F16, FTYPE_MOSTLY_TQ1_0, FTYPE_MOSTLY_TQ2_0 = 0, 1, 36, 37

_SCALAR = {
    UINT8: "<B", INT8: "<b", UINT16: "<H", INT16: "<h", UINT32: "<I", INT32: "<i",
    FLOAT32: "<f", BOOL: "<?", UINT64: "<Q", INT64: "<q", FLOAT64: "<d",
}


def _string(s):
    b = s.encode("utf-8") if isinstance(s, str) else bytes(s)
    return struct.pack("<Q", len(b)) + b


def _value(vtype, value):
    if vtype == STRING:
        return _string(value)
    if vtype in _SCALAR:
        return struct.pack(_SCALAR[vtype], value)
    raise ValueError(f"bad scalar type {vtype}")


def _lround(x):
    """C lroundf: round half away from zero."""
    return np.sign(x) * np.floor(np.abs(x) + np.float32(0.5))


def _blocks(values):
    v = np.asarray(values, dtype=np.float32)
    if v.shape[-1] % QK_K:
        raise ValueError(f"row length {v.shape[-1]} is not a multiple of {QK_K}")
    return v.reshape(-1, QK_K)


def _scales(blocks):
    amax = np.abs(blocks).max(axis=1)
    inv = np.where(amax > 0, np.float32(1.0) / np.where(amax > 0, amax, 1), 0).astype(np.float32)
    return amax.astype(np.float16), inv


def quantize_tq2_0(values):
    """Bytes of `values` (float32, rows along the last axis) in TQ2_0."""
    blocks = _blocks(values)
    d, inv = _scales(blocks)
    codes = (_lround(blocks * inv[:, None]) + 1).astype(np.uint8)  # 0, 1, 2
    out = np.zeros((blocks.shape[0], 66), dtype=np.uint8)
    for half in range(2):                      # qs[0..31] and qs[32..63]
        for n in range(4):                     # bit pair n
            src = codes[:, 128 * half + 32 * n: 128 * half + 32 * n + 32]
            out[:, 32 * half: 32 * half + 32] |= (src & 3) << (2 * n)
    out[:, 64:66] = d.astype("<f2").view(np.uint8).reshape(-1, 2)
    return out.tobytes()


def _pack_base3(trits_msb_first):
    """Fixed-point byte of up to 5 trits (list of arrays, most significant first)."""
    q = np.zeros_like(trits_msb_first[0], dtype=np.int32)
    for t in trits_msb_first:
        q = q * 3 + t
    return ((q * 256 + 242) // 243).astype(np.uint8)


def quantize_tq1_0(values):
    """Bytes of `values` (float32, rows along the last axis) in TQ1_0."""
    blocks = _blocks(values)
    d, inv = _scales(blocks)
    t = (_lround(blocks * inv[:, None]) + 1).astype(np.int32)
    out = np.zeros((blocks.shape[0], 54), dtype=np.uint8)
    out[:, 0:32] = _pack_base3([t[:, m0: m0 + 32] for m0 in range(0, 160, 32)])
    out[:, 32:48] = _pack_base3([t[:, m0: m0 + 16] for m0 in range(160, 240, 16)])
    qh = [t[:, m0: m0 + 4] for m0 in range(240, 256, 4)]
    out[:, 48:52] = _pack_base3(qh + [np.zeros_like(qh[0])])  # the 5th trit is 0 (q *= 3)
    out[:, 52:54] = d.astype("<f2").view(np.uint8).reshape(-1, 2)
    return out.tobytes()


class GGUFWriter:
    """Collects key/values and tensors, then writes one GGUF v3 file."""

    def __init__(self, architecture):
        self.kv = []          # (key, type, value, element type for arrays)
        self.tensors = []     # (name, ne list, ggml type, bytes)
        self.add_string("general.architecture", architecture)

    # ---- metadata
    def add(self, key, vtype, value):
        if any(k == key for k, *_ in self.kv):
            raise KeyError(f"duplicate key {key}")
        self.kv.append((key, vtype, value, None))

    def add_string(self, key, value):
        self.add(key, STRING, value)

    def add_uint32(self, key, value):
        self.add(key, UINT32, int(value))

    def add_float32(self, key, value):
        self.add(key, FLOAT32, float(value))

    def add_bool(self, key, value):
        self.add(key, BOOL, bool(value))

    def add_array(self, key, elem_type, values):
        if any(k == key for k, *_ in self.kv):
            raise KeyError(f"duplicate key {key}")
        self.kv.append((key, ARRAY, list(values), elem_type))

    # ---- tensors
    def add_tensor(self, name, array, ggml_type=GGML_F32):
        """`array`: numpy array in PyTorch (row-major) order; ne is its shape reversed."""
        a = np.asarray(array)
        ne = list(reversed(a.shape)) if a.ndim else [1]
        if len(name.encode()) >= 64:
            raise ValueError(f"tensor name too long for ggml: {name}")
        if ggml_type == GGML_F32:
            data = np.ascontiguousarray(a, dtype="<f4").tobytes()
        elif ggml_type == GGML_F16:
            data = np.ascontiguousarray(a, dtype="<f2").tobytes()
        elif ggml_type == GGML_TQ2_0:
            data = quantize_tq2_0(a.reshape(-1, ne[0]))
        elif ggml_type == GGML_TQ1_0:
            data = quantize_tq1_0(a.reshape(-1, ne[0]))
        else:
            raise ValueError(f"unsupported ggml type {ggml_type}")
        self.tensors.append((name, ne, ggml_type, data))

    # ---- output
    def serialize(self):
        out = bytearray()
        out += struct.pack("<IIQQ", GGUF_MAGIC, GGUF_VERSION, len(self.tensors), len(self.kv))
        for key, vtype, value, elem in self.kv:
            out += _string(key) + struct.pack("<I", vtype)
            if vtype == ARRAY:
                out += struct.pack("<IQ", elem, len(value))
                for item in value:
                    out += _value(elem, item)
            else:
                out += _value(vtype, value)
        offsets, offset = [], 0
        for _, _, _, data in self.tensors:
            offsets.append(offset)
            offset += len(data)
            offset += (-offset) % ALIGNMENT
        for (name, ne, gtype, _), off in zip(self.tensors, offsets):
            out += _string(name) + struct.pack("<I", len(ne))
            out += b"".join(struct.pack("<Q", n) for n in ne)
            out += struct.pack("<IQ", gtype, off)
        out += b"\0" * ((-len(out)) % ALIGNMENT)
        start = len(out)
        for (_, _, _, data), off in zip(self.tensors, offsets):
            out += b"\0" * (start + off - len(out))
            out += data
        return bytes(out)

    def write(self, path):
        data = self.serialize()
        with open(path, "wb") as f:
            f.write(data)
        return len(data)
