//===- ModelMutator.cpp - Structure-aware mutations of ONNX models --------===//
//
// libFuzzer's byte mutations mostly break the protobuf framing (a changed
// length prefix, a string grown by a dictionary word) or the ONNX checker,
// so few mutants reach Tern's operator importers. This custom mutator
// parses the input as an onnx.ModelProto and, most of the time, changes it
// the way a broken exporter would: another operator type, an attribute
// with an edge value, an input rewired to another value, a dimension or an
// element type changed, an initializer's contents or shape changed, nodes
// duplicated, dropped or reordered, another opset. The rest of the time,
// and for inputs that do not parse, it falls back to libFuzzer's own
// mutations (with the dictionary).
//
//===----------------------------------------------------------------------===//

#include "onnx/onnx_pb.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

extern "C" size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t maxSize);

namespace {

using Rng = std::minstd_rand;

// Tern's operators first (test/Conformance/claimed-ops.txt), then a few
// that ONNX knows and Tern does not.
const char *const kOpTypes[] = {
    "Gemm", "MatMul", "Conv", "ConvTranspose", "BatchNormalization",
    "LayerNormalization", "Add", "Sub", "Mul", "Div", "Pow", "Sqrt",
    "Reciprocal", "Neg", "Abs", "Exp", "Log", "Erf", "Relu", "LeakyRelu",
    "PRelu", "Elu", "Selu", "Sigmoid", "HardSigmoid", "Tanh", "Softplus",
    "Softsign", "Gelu", "Softmax", "LogSoftmax", "ReduceMean", "ReduceSum",
    "ReduceMax", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool",
    "Flatten", "Reshape", "Transpose", "Squeeze", "Unsqueeze", "Concat",
    "Split", "Slice", "Gather", "Identity", "Dropout", "Constant", "Cast",
    "Pad", "ConstantOfShape", "Range", "Shape", "Clip", "Where", "Equal",
    "Less", "Greater", "Expand",
    // Not Tern's.
    "Max", "Min", "Tile", "Resize", "TopK", "ArgMax"};

const char *const kAttrNames[] = {"axis",
                                  "axes",
                                  "perm",
                                  "keepdims",
                                  "transA",
                                  "transB",
                                  "alpha",
                                  "beta",
                                  "gamma",
                                  "group",
                                  "kernel_shape",
                                  "strides",
                                  "pads",
                                  "dilations",
                                  "ceil_mode",
                                  "count_include_pad",
                                  "auto_pad",
                                  "epsilon",
                                  "mode",
                                  "to",
                                  "value",
                                  "split",
                                  "output_padding",
                                  "output_shape",
                                  "allowzero",
                                  "approximate",
                                  "noop_with_empty_axes",
                                  "storage_order",
                                  "min",
                                  "max",
                                  "momentum",
                                  "training_mode",
                                  "spatial",
                                  "stash_type",
                                  "consumed_inputs",
                                  "broadcast",
                                  "is_test",
                                  "seed",
                                  "ratio",
                                  "start",
                                  "end",
                                  "value_float",
                                  "value_int",
                                  "value_ints",
                                  "value_floats"};

const char *const kStrings[] = {"NOTSET",   "SAME_UPPER", "SAME_LOWER", "VALID",
                                "constant", "edge",       "reflect",    "wrap",
                                "tanh",     "none",       "",           "x"};

const int64_t kInts[] = {0,
                         1,
                         -1,
                         2,
                         -2,
                         3,
                         4,
                         -3,
                         5,
                         7,
                         8,
                         16,
                         64,
                         255,
                         256,
                         -128,
                         65535,
                         std::numeric_limits<int32_t>::max(),
                         std::numeric_limits<int32_t>::min(),
                         int64_t(1) << 31,
                         int64_t(1) << 32,
                         int64_t(1) << 40,
                         int64_t(1) << 62,
                         std::numeric_limits<int64_t>::max(),
                         std::numeric_limits<int64_t>::min(),
                         std::numeric_limits<int64_t>::min() + 1};

const float kFloats[] = {0.0f,
                         -0.0f,
                         1.0f,
                         -1.0f,
                         0.5f,
                         2.0f,
                         1e-30f,
                         1e30f,
                         -1e30f,
                         std::numeric_limits<float>::infinity(),
                         -std::numeric_limits<float>::infinity(),
                         std::numeric_limits<float>::quiet_NaN(),
                         std::numeric_limits<float>::denorm_min(),
                         3.0f};

template <typename T, size_t N> const T &pick(const T (&a)[N], Rng &rng) {
  return a[rng() % N];
}

int64_t interestingInt(Rng &rng, int64_t around) {
  switch (rng() % 4) {
  case 0:
    // Wraps around (no signed overflow in the mutator itself).
    return int64_t(uint64_t(around) + uint64_t(rng() % 5) - 2);
  case 1:
    return int64_t(rng() % 10);
  default:
    return pick(kInts, rng);
  }
}

/// Every value name the graph mentions: inputs, initializers, node outputs.
std::vector<std::string> valueNames(const onnx::GraphProto &g) {
  std::vector<std::string> names;
  for (const auto &v : g.input())
    names.push_back(v.name());
  for (const auto &t : g.initializer())
    names.push_back(t.name());
  for (const auto &n : g.node())
    for (const auto &o : n.output())
      names.push_back(o);
  names.push_back("");
  return names;
}

void mutateInts(google::protobuf::RepeatedField<int64_t> &v, Rng &rng) {
  switch (rng() % 4) {
  case 0:
    v.Add(interestingInt(rng, v.empty() ? 0 : v.Get(v.size() - 1)));
    break;
  case 1:
    if (!v.empty())
      v.RemoveLast();
    break;
  default:
    if (v.empty())
      v.Add(interestingInt(rng, 0));
    else {
      int i = rng() % v.size();
      v.Set(i, interestingInt(rng, v.Get(i)));
    }
  }
}

void mutateTensor(onnx::TensorProto &t, Rng &rng);

void mutateAttribute(onnx::AttributeProto &a, Rng &rng) {
  switch (a.type()) {
  case onnx::AttributeProto::INT:
    a.set_i(interestingInt(rng, a.i()));
    return;
  case onnx::AttributeProto::FLOAT:
    a.set_f(pick(kFloats, rng));
    return;
  case onnx::AttributeProto::STRING:
    a.set_s(pick(kStrings, rng));
    return;
  case onnx::AttributeProto::INTS:
    mutateInts(*a.mutable_ints(), rng);
    return;
  case onnx::AttributeProto::FLOATS:
    if (a.floats_size() && rng() % 2)
      a.set_floats(rng() % a.floats_size(), pick(kFloats, rng));
    else
      a.add_floats(pick(kFloats, rng));
    return;
  case onnx::AttributeProto::TENSOR:
    mutateTensor(*a.mutable_t(), rng);
    return;
  default:
    a.set_type(onnx::AttributeProto::INT);
    a.set_i(interestingInt(rng, 0));
  }
}

void addAttribute(onnx::NodeProto &n, Rng &rng) {
  onnx::AttributeProto *a = n.add_attribute();
  a->set_name(pick(kAttrNames, rng));
  switch (rng() % 4) {
  case 0:
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(interestingInt(rng, 0));
    break;
  case 1:
    a->set_type(onnx::AttributeProto::INTS);
    for (unsigned i = 0, e = rng() % 5; i < e; ++i)
      a->add_ints(interestingInt(rng, 1));
    break;
  case 2:
    a->set_type(onnx::AttributeProto::FLOAT);
    a->set_f(pick(kFloats, rng));
    break;
  default:
    a->set_type(onnx::AttributeProto::STRING);
    a->set_s(pick(kStrings, rng));
  }
}

const int32_t kElemTypes[] = {onnx::TensorProto::FLOAT,
                              onnx::TensorProto::DOUBLE,
                              onnx::TensorProto::FLOAT16,
                              onnx::TensorProto::INT8,
                              onnx::TensorProto::INT16,
                              onnx::TensorProto::INT32,
                              onnx::TensorProto::INT64,
                              onnx::TensorProto::BOOL,
                              onnx::TensorProto::UINT8,
                              onnx::TensorProto::STRING,
                              0,
                              99};

/// Points `t` at external data (Loader.cpp reads it relative to the
/// fuzzer's working folder, where run.sh puts data.bin, 4096 bytes).
void makeExternal(onnx::TensorProto &t, Rng &rng) {
  static const char *const locations[] = {
      "data.bin", "data.bin", "missing", ".", "", "../data.bin", "/dev/zero"};
  static const char *const numbers[] = {"0",
                                        "4",
                                        "64",
                                        "4096",
                                        "4097",
                                        "-1",
                                        "9223372036854775807",
                                        "x",
                                        "99999999999999999999"};
  t.clear_external_data();
  t.clear_raw_data();
  t.set_data_location(onnx::TensorProto::EXTERNAL);
  auto add = [&](const char *key, std::string value) {
    onnx::StringStringEntryProto *e = t.add_external_data();
    e->set_key(key);
    e->set_value(std::move(value));
  };
  add("location", pick(locations, rng));
  if (rng() % 2)
    add("offset", rng() % 2 ? pick(numbers, rng)
                            : std::to_string(interestingInt(rng, 0)));
  if (rng() % 2)
    add("length", rng() % 2 ? pick(numbers, rng)
                            : std::to_string(interestingInt(rng, 16)));
}

void mutateTensor(onnx::TensorProto &t, Rng &rng) {
  switch (rng() % 7) {
  case 6:
    makeExternal(t, rng);
    return;
  case 0: // a dimension
    if (t.dims_size() && rng() % 2) {
      int i = rng() % t.dims_size();
      t.set_dims(i, interestingInt(rng, t.dims(i)));
    } else if (t.dims_size() && rng() % 2) {
      t.mutable_dims()->RemoveLast();
    } else {
      t.add_dims(interestingInt(rng, 1));
    }
    return;
  case 1: // the element type
    t.set_data_type(pick(kElemTypes, rng));
    return;
  case 2: // int64 contents (shapes, axes, starts, pads)
    if (t.int64_data_size())
      mutateInts(*t.mutable_int64_data(), rng);
    else if (t.data_type() == onnx::TensorProto::INT64 && t.has_raw_data() &&
             t.raw_data().size() >= 8) {
      std::string raw = t.raw_data();
      size_t i = (rng() % (raw.size() / 8)) * 8;
      int64_t v;
      std::memcpy(&v, &raw[i], 8);
      v = interestingInt(rng, v);
      std::memcpy(&raw[i], &v, 8);
      t.set_raw_data(raw);
    } else {
      t.add_int64_data(interestingInt(rng, 0));
    }
    return;
  case 3: // float contents
    if (t.float_data_size())
      t.set_float_data(rng() % t.float_data_size(), pick(kFloats, rng));
    else if (t.data_type() == onnx::TensorProto::FLOAT && t.has_raw_data() &&
             t.raw_data().size() >= 4) {
      std::string raw = t.raw_data();
      size_t i = (rng() % (raw.size() / 4)) * 4;
      float f = pick(kFloats, rng);
      std::memcpy(&raw[i], &f, 4);
      t.set_raw_data(raw);
    } else {
      t.add_float_data(pick(kFloats, rng));
    }
    return;
  case 4: // raw bytes: truncate or grow
    if (t.has_raw_data()) {
      std::string raw = t.raw_data();
      if (rng() % 2 && !raw.empty())
        raw.resize(rng() % raw.size());
      else
        raw.append(size_t(1) << (rng() % 4), char(rng()));
      t.set_raw_data(raw);
    } else {
      t.set_raw_data(std::string(size_t(1) << (rng() % 5), char(rng())));
    }
    return;
  default: // scalar <-> 1-D
    if (t.dims_size())
      t.clear_dims();
    else
      t.add_dims(1);
    return;
  }
}

void mutateShape(onnx::TypeProto &type, Rng &rng) {
  onnx::TypeProto_Tensor *tt = type.mutable_tensor_type();
  if (rng() % 4 == 0) {
    tt->set_elem_type(pick(kElemTypes, rng));
    return;
  }
  onnx::TensorShapeProto *s = tt->mutable_shape();
  switch (rng() % 5) {
  case 0:
    s->add_dim()->set_dim_value(interestingInt(rng, 1));
    return;
  case 1:
    if (s->dim_size())
      s->mutable_dim()->RemoveLast();
    return;
  case 2:
    if (s->dim_size())
      s->mutable_dim(rng() % s->dim_size())->set_dim_param("N");
    return;
  case 3:
    tt->clear_shape();
    return;
  default:
    if (s->dim_size()) {
      auto *d = s->mutable_dim(rng() % s->dim_size());
      d->set_dim_value(interestingInt(rng, d->dim_value()));
    }
  }
}

void mutateNode(onnx::GraphProto &g, onnx::NodeProto &n, Rng &rng) {
  switch (rng() % 9) {
  case 0:
    n.set_op_type(pick(kOpTypes, rng));
    return;
  case 1:
  case 2:
    if (n.attribute_size())
      mutateAttribute(*n.mutable_attribute(rng() % n.attribute_size()), rng);
    else
      addAttribute(n, rng);
    return;
  case 3:
    addAttribute(n, rng);
    return;
  case 4:
    if (n.attribute_size()) {
      int i = rng() % n.attribute_size();
      n.mutable_attribute()->SwapElements(i, n.attribute_size() - 1);
      n.mutable_attribute()->RemoveLast();
    }
    return;
  case 5: { // rewire an input
    std::vector<std::string> names = valueNames(g);
    const std::string &name = names[rng() % names.size()];
    if (n.input_size() && rng() % 3)
      n.set_input(rng() % n.input_size(), name);
    else
      n.add_input(name);
    return;
  }
  case 6:
    if (n.input_size())
      n.mutable_input()->RemoveLast();
    return;
  case 7: { // an output
    std::vector<std::string> names = valueNames(g);
    if (n.output_size() && rng() % 2)
      n.set_output(rng() % n.output_size(), names[rng() % names.size()]);
    else
      n.add_output("fuzz_out" + std::to_string(rng() % 4));
    return;
  }
  default:
    n.set_domain(rng() % 2 ? "" : "ai.onnx.ml");
  }
}

void mutateModel(onnx::ModelProto &m, Rng &rng) {
  onnx::GraphProto &g = *m.mutable_graph();
  switch (rng() % 17) {
  case 16: { // import options (see tern-onnx-fuzz.cpp)
    onnx::StringStringEntryProto *e = m.add_metadata_props();
    switch (rng() % 3) {
    case 0: {
      e->set_key("tern.fuzz.input_shape");
      std::string name = g.input_size() ? g.input(rng() % g.input_size()).name()
                                        : std::string("x");
      std::string dims;
      for (unsigned i = 0, n = rng() % 5; i < n; ++i)
        dims += (i ? "x" : "") + std::to_string(interestingInt(rng, 2) & 0xff);
      e->set_value(name + "=" + dims);
      break;
    }
    case 1:
      e->set_key("tern.fuzz.skip_checker");
      break;
    default:
      e->set_key("tern.fuzz.no_bn_fold");
    }
    return;
  }
  case 0:
  case 1:
  case 2:
  case 3:
  case 4:
    if (g.node_size()) {
      mutateNode(g, *g.mutable_node(rng() % g.node_size()), rng);
      return;
    }
    [[fallthrough]];
  case 5: { // a new node fed by existing values
    onnx::NodeProto *n = g.add_node();
    n->set_op_type(pick(kOpTypes, rng));
    std::vector<std::string> names = valueNames(g);
    for (unsigned i = 0, e = 1 + rng() % 3; i < e; ++i)
      n->add_input(names[rng() % names.size()]);
    n->add_output("fuzz_new" + std::to_string(rng() % 8));
    if (rng() % 2)
      addAttribute(*n, rng);
    if (g.output_size() && rng() % 2)
      g.mutable_output(rng() % g.output_size())->set_name(n->output(0));
    return;
  }
  case 6: // duplicate, drop or swap nodes
    if (g.node_size()) {
      int i = rng() % g.node_size();
      switch (rng() % 3) {
      case 0:
        *g.add_node() = g.node(i);
        break;
      case 1:
        g.mutable_node()->SwapElements(i, g.node_size() - 1);
        g.mutable_node()->RemoveLast();
        break;
      default:
        g.mutable_node()->SwapElements(i, rng() % g.node_size());
      }
    }
    return;
  case 7:
  case 8:
    if (g.input_size()) {
      mutateShape(*g.mutable_input(rng() % g.input_size())->mutable_type(),
                  rng);
      return;
    }
    [[fallthrough]];
  case 9:
  case 10:
  case 11:
    if (g.initializer_size()) {
      mutateTensor(*g.mutable_initializer(rng() % g.initializer_size()), rng);
      return;
    }
    [[fallthrough]];
  case 12: // graph outputs
    if (g.output_size() && rng() % 2) {
      if (rng() % 2)
        mutateShape(*g.mutable_output(rng() % g.output_size())->mutable_type(),
                    rng);
      else {
        std::vector<std::string> names = valueNames(g);
        g.mutable_output(rng() % g.output_size())
            ->set_name(names[rng() % names.size()]);
      }
    } else {
      *g.add_output() = g.output_size() ? g.output(0) : onnx::ValueInfoProto();
    }
    return;
  case 13: { // opset
    static const int64_t versions[] = {1,  6,  7,  9,  10, 11, 12,
                                       13, 14, 15, 16, 17, 18, 20};
    if (m.opset_import_size() == 0)
      m.add_opset_import()->set_version(13);
    m.mutable_opset_import(0)->set_version(pick(versions, rng));
    return;
  }
  case 14: // value_info, which the importer checks its types against
    if (g.value_info_size() && rng() % 2)
      mutateShape(
          *g.mutable_value_info(rng() % g.value_info_size())->mutable_type(),
          rng);
    else if (g.node_size()) {
      const onnx::NodeProto &n = g.node(rng() % g.node_size());
      if (n.output_size()) {
        onnx::ValueInfoProto *v = g.add_value_info();
        v->set_name(n.output(0));
        v->mutable_type()->mutable_tensor_type()->set_elem_type(
            onnx::TensorProto::FLOAT);
        v->mutable_type()->mutable_tensor_type()->mutable_shape();
        mutateShape(*v->mutable_type(), rng);
      }
    }
    return;
  default: // an initializer becomes a graph input or the reverse
    if (g.initializer_size() && rng() % 2) {
      const onnx::TensorProto &t = g.initializer(rng() % g.initializer_size());
      onnx::ValueInfoProto *v = g.add_input();
      v->set_name(t.name());
      auto *tt = v->mutable_type()->mutable_tensor_type();
      tt->set_elem_type(t.data_type());
      for (int64_t d : t.dims())
        tt->mutable_shape()->add_dim()->set_dim_value(d);
      std::string name = t.name();
      for (int i = 0; i < g.initializer_size(); ++i)
        if (g.initializer(i).name() == name) {
          g.mutable_initializer()->SwapElements(i, g.initializer_size() - 1);
          g.mutable_initializer()->RemoveLast();
          break;
        }
    } else if (g.input_size()) {
      const onnx::ValueInfoProto &v = g.input(rng() % g.input_size());
      onnx::TensorProto *t = g.add_initializer();
      t->set_name(v.name());
      t->set_data_type(v.type().tensor_type().elem_type());
      int64_t n = 1;
      for (const auto &d : v.type().tensor_type().shape().dim()) {
        int64_t dv = std::max<int64_t>(0, std::min<int64_t>(d.dim_value(), 64));
        t->add_dims(dv);
        n *= dv;
        if (n > 4096)
          n = 4096;
      }
      size_t bytes = t->data_type() == onnx::TensorProto::DOUBLE ||
                             t->data_type() == onnx::TensorProto::INT64
                         ? 8
                         : 4;
      t->set_raw_data(std::string(size_t(n) * bytes, char(rng() % 3)));
    }
    return;
  }
}

} // namespace

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size,
                                          size_t maxSize, unsigned int seed) {
  Rng rng(seed ? seed : 1);
  if (rng() % 5 == 0)
    return LLVMFuzzerMutate(data, size, maxSize);
  onnx::ModelProto model;
  if (!model.ParseFromArray(data, static_cast<int>(size)) || !model.has_graph())
    return LLVMFuzzerMutate(data, size, maxSize);
  for (unsigned i = 0, e = 1 + (rng() % 4 == 0 ? rng() % 4 : 0); i < e; ++i)
    mutateModel(model, rng);
  std::string out;
  if (!model.SerializeToString(&out) || out.size() > maxSize)
    return LLVMFuzzerMutate(data, size, maxSize);
  std::memcpy(data, out.data(), out.size());
  return out.size();
}
