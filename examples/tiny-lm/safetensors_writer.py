"""A small safetensors writer (no dependency on the `safetensors` package).

File layout (the format that Hugging Face's `safetensors` library reads):

    bytes 0..7      N, the length of the JSON header, unsigned 64-bit little endian
    bytes 8..8+N    the JSON header, UTF-8, padded at its end with spaces (0x20)
                    so that 8 + N is a multiple of 8
    bytes 8+N..     the data section: every tensor's raw bytes, row-major (C
                    order), little endian, back to back

The header is one JSON object. Each tensor has an entry

    "name": {"dtype": "F32", "shape": [d0, d1, ...], "data_offsets": [begin, end]}

with `begin`/`end` byte offsets relative to the start of the data section
(end exclusive, end - begin = product(shape) * dtype size). An optional
"__metadata__" entry maps strings to strings; we write {"format": "pt"} as
`safetensors.torch.save_file` does.

Order of the tensors in the data section: like the safetensors library, by
decreasing dtype size, then by name, so that every tensor is aligned to its
element size. A zero-dimensional tensor has shape [].
"""

import json
import struct

import numpy as np

# numpy dtype -> safetensors dtype string
_DTYPES = {
    np.dtype("float64"): "F64",
    np.dtype("float32"): "F32",
    np.dtype("float16"): "F16",
    np.dtype("int64"): "I64",
    np.dtype("int32"): "I32",
    np.dtype("int16"): "I16",
    np.dtype("int8"): "I8",
    np.dtype("uint8"): "U8",
    np.dtype("bool"): "BOOL",
}


def _as_array(value):
    """numpy array from a numpy array or a torch tensor (bfloat16 is not needed here)."""
    if hasattr(value, "detach"):
        value = value.detach().cpu().contiguous().numpy()
    array = np.asarray(value)
    if array.dtype not in _DTYPES:
        raise TypeError(f"unsupported dtype {array.dtype}")
    return np.ascontiguousarray(array.astype(array.dtype.newbyteorder("<"), copy=False))


def serialize(tensors, metadata=None):
    """Bytes of a safetensors file holding `tensors` (dict name -> array)."""
    arrays = {name: _as_array(value) for name, value in tensors.items()}
    order = sorted(arrays, key=lambda n: (-arrays[n].dtype.itemsize, n))
    header = {}
    offset = 0
    for name in order:
        a = arrays[name]
        header[name] = {
            "dtype": _DTYPES[a.dtype],
            "shape": list(a.shape),
            "data_offsets": [offset, offset + a.nbytes],
        }
        offset += a.nbytes
    header["__metadata__"] = dict(metadata or {"format": "pt"})
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - (8 + len(text)) % 8) % 8)
    out = bytearray(struct.pack("<Q", len(text)))
    out += text
    for name in order:
        out += arrays[name].tobytes(order="C")
    return bytes(out)


def save(path, tensors, metadata=None):
    data = serialize(tensors, metadata)
    with open(path, "wb") as f:
        f.write(data)
    return len(data)
