#!/usr/bin/env python3
"""Writes the seed corpus of tern-onnx-fuzz into a folder.

Seeds are small valid models whose every operator is one Tern's importer
claims (test/Conformance/claimed-ops.txt): ONNX's backend test models from
Debian's libonnx-testdata (and, for those with int64 test inputs, a copy
with them as initializers, as tern-onnx-conformance freezes them), the
models of examples/digits, and three written here (BatchNormalization
folding, external data). Plain Python:
the op types are read from the protobuf wire format directly, so neither the
onnx nor the protobuf Python module is needed.

    fuzz/seeds.py OUT_DIR [--max-bytes N]
"""

import argparse
import hashlib
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TESTDATA = "/usr/share/libonnx-testdata/data"


def varint(buf, pos):
    result = shift = 0
    while True:
        if pos >= len(buf):
            raise ValueError("truncated varint")
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7
        if shift > 63:
            raise ValueError("varint too long")


def fields(buf):
    """Yields (field number, wire type, value) of one protobuf message."""
    pos = 0
    while pos < len(buf):
        key, pos = varint(buf, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = varint(buf, pos)
        elif wire == 1:
            value, pos = buf[pos:pos + 8], pos + 8
        elif wire == 2:
            n, pos = varint(buf, pos)
            value, pos = buf[pos:pos + n], pos + n
        elif wire == 5:
            value, pos = buf[pos:pos + 4], pos + 4
        else:
            raise ValueError("unsupported wire type %d" % wire)
        if pos > len(buf):
            raise ValueError("truncated field")
        yield number, wire, value


def op_types(model):
    """op_type of every node of ModelProto.graph (field 7), including the
    nodes of subgraphs held in attributes (those make a model unfit)."""
    ops = set()

    def graph(buf):
        for number, wire, value in fields(buf):
            if number == 1 and wire == 2:  # GraphProto.node
                node(value)

    def node(buf):
        for number, wire, value in fields(buf):
            if number == 4 and wire == 2:  # NodeProto.op_type
                ops.add(value.decode("utf-8", "replace"))
            elif number == 5 and wire == 2:  # NodeProto.attribute
                for n2, w2, v2 in fields(value):
                    if n2 in (6, 11) and w2 == 2:  # AttributeProto.g / graphs
                        ops.add("<subgraph>")
                        graph(v2)

    for number, wire, value in fields(model):
        if number == 7 and wire == 2:
            graph(value)
    return ops


def encode_varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def length_delimited(number, payload):
    return encode_varint(number << 3 | 2) + encode_varint(len(payload)) + payload


def frozen_variant(model, test_dir):
    """The model with its int64 test inputs (shapes, axes, starts, pads:
    what Tern needs at compile time) added as initializers, as
    tern-onnx-conformance freezes them; None when there are none."""
    data_dir = os.path.join(test_dir, "test_data_set_0")
    if not os.path.isdir(data_dir):
        return None
    tensors = []
    for name in sorted(os.listdir(data_dir)):
        if not name.startswith("input_"):
            continue
        with open(os.path.join(data_dir, name), "rb") as f:
            tensor = f.read()
        try:
            info = {n: v for n, w, v in fields(tensor) if n in (2, 8)}
        except ValueError:
            continue
        if info.get(2) == 7 and info.get(8):  # data_type INT64, named
            tensors.append(tensor)
    if not tensors:
        return None
    out = bytearray()
    for number, wire, value in fields(model):
        if number == 7 and wire == 2:  # ModelProto.graph
            graph = bytes(value) + b"".join(
                length_delimited(5, t) for t in tensors)  # initializer
            out += length_delimited(7, graph)
        elif wire == 0:
            out += encode_varint(number << 3) + encode_varint(value)
        elif wire == 2:
            out += length_delimited(number, value)
        else:
            out += encode_varint(number << 3 | wire) + value
    return bytes(out)


# A few models written here, for importer paths the test data does not
# reach: BatchNormalization folded into a Conv or Gemm with constant
# weights (GraphRewrites.cpp), and an initializer in an external data file
# (run.sh writes data.bin, 4096 zero bytes, into the fuzzer's working
# folder). Field numbers are those of onnx.proto.

def varint_field(number, value):
    return encode_varint(number << 3) + encode_varint(value & (2**64 - 1))


def string_field(number, text):
    return length_delimited(number, text.encode())


def float_field(number, value):
    import struct
    return encode_varint(number << 3 | 5) + struct.pack("<f", value)


def tensor(name, dims, values=None, external=None):
    """A float TensorProto; `external` = (location, offset)."""
    import struct
    out = b"".join(varint_field(1, d) for d in dims) + varint_field(2, 1)
    out += string_field(8, name)
    if external:
        n = 1
        for d in dims:
            n *= d
        location, offset = external
        for key, value in (("location", location), ("offset", str(offset)),
                           ("length", str(4 * n))):
            out += length_delimited(13, string_field(1, key) +
                                    string_field(2, value))
        out += varint_field(14, 1)  # data_location = EXTERNAL
    else:
        out += length_delimited(9, struct.pack("<%df" % len(values), *values))
    return out


def value_info(name, dims, elem=1):
    shape = b"".join(length_delimited(1, varint_field(1, d)) for d in dims)
    tensor_type = varint_field(1, elem) + length_delimited(2, shape)
    return string_field(1, name) + length_delimited(2, length_delimited(1, tensor_type))


def node(op, inputs, outputs, attrs=b""):
    return (b"".join(string_field(1, i) for i in inputs) +
            b"".join(string_field(2, o) for o in outputs) +
            string_field(3, op.lower()) + string_field(4, op) + attrs)


def int_attr(name, value):
    return length_delimited(5, string_field(1, name) + varint_field(3, value) +
                            varint_field(20, 2))


def float_attr(name, value):
    return length_delimited(5, string_field(1, name) + float_field(2, value) +
                            varint_field(20, 1))


def model(nodes, inits, inputs, outputs, opset=13):
    graph = b"".join(length_delimited(1, n) for n in nodes)
    graph += string_field(2, "seed")
    graph += b"".join(length_delimited(5, t) for t in inits)
    graph += b"".join(length_delimited(11, v) for v in inputs)
    graph += b"".join(length_delimited(12, v) for v in outputs)
    return (varint_field(1, 8) + string_field(2, "tern-seeds") +
            length_delimited(7, graph) +
            length_delimited(8, varint_field(2, opset)))


def ternary(n, scale=0.5):
    return [scale * ((i * 7 % 3) - 1) for i in range(n)]


def synthetic_seeds():
    bn_inits = [tensor("scale", [3], [1.0, 2.0, 0.5]),
                tensor("bias", [3], [0.0, 0.1, -0.1]),
                tensor("mean", [3], [0.2, 0.0, -0.3]),
                tensor("var", [3], [1.0, 0.5, 2.0])]
    bn = node("BatchNormalization", ["c", "scale", "bias", "mean", "var"],
              ["y"], float_attr("epsilon", 1e-5))
    yield "conv-bn", model(
        [node("Conv", ["x", "w", "b"], ["c"]), bn],
        [tensor("w", [3, 2, 3, 3], ternary(54)), tensor("b", [3], [0.1] * 3)]
        + bn_inits,
        [value_info("x", [1, 2, 5, 5])], [value_info("y", [1, 3, 3, 3])])
    yield "gemm-bn-relu", model(
        [node("Gemm", ["x", "w", "b"], ["c"], int_attr("transB", 1)),
         node("BatchNormalization", ["c", "scale", "bias", "mean", "var"],
              ["n"]),
         node("Relu", ["n"], ["y"])],
        [tensor("w", [3, 8], ternary(24)), tensor("b", [3], [0.0] * 3)]
        + bn_inits,
        [value_info("x", [2, 8])], [value_info("y", [2, 3])])
    yield "matmul-external-data", model(
        [node("MatMul", ["x", "w"], ["y"])],
        [tensor("w", [8, 4], external=("data.bin", 64))],
        [value_info("x", [1, 8])], [value_info("y", [1, 4])])


def claimed_ops():
    ops = set()
    with open(os.path.join(ROOT, "test/Conformance/claimed-ops.txt")) as f:
        for line in f:
            ops.update(line.split("#", 1)[0].split())
    return ops


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--max-bytes", type=int, default=16384)
    args = parser.parse_args()
    claimed = claimed_ops()
    os.makedirs(args.out, exist_ok=True)
    candidates = []
    if os.path.isdir(TESTDATA):
        for suite in sorted(os.listdir(TESTDATA)):
            sdir = os.path.join(TESTDATA, suite)
            for test in sorted(os.listdir(sdir)):
                path = os.path.join(sdir, test, "model.onnx")
                if os.path.isfile(path):
                    candidates.append((suite + "-" + test, path))
    else:
        print("seeds.py: %s not found (Debian's libonnx-testdata); seeding "
              "with examples/digits only" % TESTDATA, file=sys.stderr)
    digits = os.path.join(ROOT, "examples/digits")
    for name in sorted(os.listdir(digits)):
        if name.endswith(".onnx"):
            candidates.append(("digits-" + name[:-5], os.path.join(digits, name)))

    written = 0
    for name, data in synthetic_seeds():
        dest = os.path.join(args.out, "tern-%s.onnx" % name)
        with open(dest, "wb") as f:
            f.write(data)
        written += 1
    for name, path in candidates:
        with open(path, "rb") as f:
            data = f.read()
        if len(data) > args.max_bytes and not name.startswith("digits-"):
            continue
        try:
            ops = op_types(data)
        except ValueError:
            continue
        if not ops or not ops <= claimed:
            continue
        variants = [(name, data)]
        frozen = frozen_variant(data, os.path.dirname(path))
        if frozen:
            variants.append((name + "-frozen", frozen))
        for vname, vdata in variants:
            digest = hashlib.sha1(vdata).hexdigest()[:8]
            dest = os.path.join(args.out, "%s-%s.onnx" % (vname, digest))
            if not os.path.exists(dest):
                with open(dest, "wb") as f:
                    f.write(vdata)
            written += 1
    print("seeds.py: %d seed models in %s" % (written, args.out))


if __name__ == "__main__":
    main()
