"""Just enough of NumPy's .npy format for tern-run's tests, in plain Python
(no numpy needed): save(path, descr, shape, values) and
load(path) -> (descr, shape, values). descr is '<f4', '<f8', '|i1', '<i4', ...
"""
import ast
import struct

_FORMATS = {"f2": "e", "f4": "f", "f8": "d", "i1": "b", "i2": "h", "i4": "i",
            "i8": "q", "u1": "B", "u2": "H", "u4": "I", "u8": "Q", "b1": "?"}


def header_bytes(descr, shape, fortran=False, version=1):
    shape_text = "(%s)" % (", ".join(str(d) for d in shape) +
                           ("," if len(shape) == 1 else ""))
    text = "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (
        descr, "True" if fortran else "False", shape_text)
    prefix = 10 if version == 1 else 12
    text = text.ljust(((prefix + len(text) + 1 + 63) // 64) * 64 - prefix - 1)
    text = (text + "\n").encode()
    length = struct.pack("<H" if version == 1 else "<I", len(text))
    return b"\x93NUMPY" + bytes([version, 0]) + length + text


def pack(descr, values):
    order = ">" if descr[0] == ">" else "<"
    return struct.pack(order + _FORMATS[descr[1:]] * len(values), *values)


def save(path, descr, shape, values, version=1):
    with open(path, "wb") as f:
        f.write(header_bytes(descr, shape, version=version) + pack(descr, values))


def load(path):
    data = open(path, "rb").read()
    assert data[:6] == b"\x93NUMPY", path + ": no magic"
    if data[6] == 1:
        (n,), start = struct.unpack("<H", data[8:10]), 10
    else:
        (n,), start = struct.unpack("<I", data[8:12]), 12
    header = ast.literal_eval(data[start:start + n].decode())
    descr, shape = header["descr"], tuple(header["shape"])
    count = 1
    for d in shape:
        count *= d
    body = data[start + n:]
    fmt = "<" + _FORMATS[descr[1:]] * count
    assert len(body) == struct.calcsize(fmt), path + ": wrong data size"
    return descr, shape, list(struct.unpack(fmt, body))
