//===- GraphRewrites.cpp - Rewrites on the ONNX graph before import -------===//

#include "GraphRewrites.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <optional>

using namespace tern::onnx_import;

namespace {

/// A float32 initializer's values, or nullopt if it is not one.
std::optional<std::vector<float>> floats(const onnx::TensorProto &t) {
  if (t.data_type() != onnx::TensorProto::FLOAT ||
      t.data_location() == onnx::TensorProto::EXTERNAL)
    return std::nullopt;
  // The element count, checked against the data before anything is
  // allocated: the dims of a malformed tensor may be anything.
  int64_t n = 1;
  for (int64_t d : t.dims()) {
    if (d < 0 || (d > 0 && n > std::numeric_limits<int64_t>::max() / d))
      return std::nullopt;
    n *= d;
  }
  int64_t have = t.has_raw_data()
                     ? static_cast<int64_t>(t.raw_data().size() / 4)
                     : static_cast<int64_t>(t.float_data_size());
  if (have != n || (t.has_raw_data() && t.raw_data().size() % 4 != 0))
    return std::nullopt;
  std::vector<float> v(static_cast<size_t>(n));
  if (t.has_raw_data()) {
    if (!v.empty())
      std::memcpy(v.data(), t.raw_data().data(), t.raw_data().size());
  } else {
    std::copy(t.float_data().begin(), t.float_data().end(), v.begin());
  }
  return v;
}

void setFloats(onnx::TensorProto &t, const std::vector<float> &v) {
  t.clear_float_data();
  t.set_raw_data(std::string(reinterpret_cast<const char *>(v.data()),
                             v.size() * sizeof(float)));
}

const onnx::AttributeProto *findAttr(const onnx::NodeProto &n,
                                     const std::string &name) {
  for (const onnx::AttributeProto &a : n.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

struct GraphIndex {
  std::map<std::string, onnx::TensorProto *> initializers;
  std::map<std::string, int> producer;  // value -> node index
  std::map<std::string, int> useCount;  // value -> number of uses
  std::map<std::string, bool> isOutput; // graph outputs
};

GraphIndex index(onnx::GraphProto &g) {
  GraphIndex ix;
  for (onnx::TensorProto &t : *g.mutable_initializer())
    ix.initializers[t.name()] = &t;
  for (int i = 0; i < g.node_size(); ++i) {
    for (const std::string &o : g.node(i).output())
      ix.producer[o] = i;
    for (const std::string &in : g.node(i).input())
      ++ix.useCount[in];
  }
  for (const onnx::ValueInfoProto &o : g.output())
    ix.isOutput[o.name()] = true;
  return ix;
}

std::string freshName(const GraphIndex &ix, const std::string &base) {
  std::string name = base;
  for (int i = 0; ix.initializers.count(name) || ix.producer.count(name); ++i)
    name = base + "_" + std::to_string(i);
  return name;
}

/// The per-channel scale s and shift t of y = s * x + t, or nullopt if the
/// node's parameters are not constant float vectors of one length.
std::optional<std::pair<std::vector<float>, std::vector<float>>>
affineOf(const onnx::NodeProto &bn, GraphIndex &ix) {
  if (bn.input_size() != 5 || bn.output_size() != 1)
    return std::nullopt;
  if (const onnx::AttributeProto *t = findAttr(bn, "training_mode"))
    if (t->i() != 0)
      return std::nullopt;
  std::vector<float> p[4];
  for (int i = 0; i < 4; ++i) {
    auto it = ix.initializers.find(bn.input(i + 1));
    if (it == ix.initializers.end())
      return std::nullopt;
    std::optional<std::vector<float>> v = floats(*it->second);
    if (!v || it->second->dims_size() != 1 || (i && v->size() != p[0].size()))
      return std::nullopt;
    p[i] = *v;
  }
  const onnx::AttributeProto *e = findAttr(bn, "epsilon");
  double eps = e ? e->f() : 1e-5;
  std::vector<float> s(p[0].size()), t(p[0].size());
  for (size_t c = 0; c < s.size(); ++c) {
    double sc = p[0][c] / std::sqrt(double(p[3][c]) + eps);
    s[c] = static_cast<float>(sc);
    t[c] = static_cast<float>(p[1][c] - sc * p[2][c]);
  }
  return std::make_pair(s, t);
}

/// Adds a float initializer and returns its name.
std::string addInitializer(onnx::GraphProto &g, GraphIndex &ix,
                           const std::string &base,
                           const std::vector<int64_t> &dims,
                           const std::vector<float> &v) {
  onnx::TensorProto *t = g.add_initializer();
  t->set_name(freshName(ix, base));
  t->set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims)
    t->add_dims(d);
  setFloats(*t, v);
  ix.initializers[t->name()] = t;
  return t->name();
}

bool foldIntoConv(onnx::GraphProto &g, GraphIndex &ix, onnx::NodeProto &conv,
                  const std::vector<float> &s, const std::vector<float> &t) {
  if (conv.input_size() < 2 || !ix.initializers.count(conv.input(1)))
    return false;
  onnx::TensorProto *w = ix.initializers[conv.input(1)];
  std::optional<std::vector<float>> wv = floats(*w);
  if (!wv || w->dims_size() < 3 || w->dims(0) != int64_t(s.size()))
    return false;
  std::vector<float> bias(s.size(), 0.0f);
  if (conv.input_size() > 2 && !conv.input(2).empty()) {
    auto it = ix.initializers.find(conv.input(2));
    if (it == ix.initializers.end())
      return false;
    std::optional<std::vector<float>> bv = floats(*it->second);
    if (!bv || bv->size() != s.size())
      return false;
    bias = *bv;
  }
  size_t per = wv->size() / s.size();
  for (size_t oc = 0; oc < s.size(); ++oc) {
    for (size_t i = 0; i < per; ++i)
      (*wv)[oc * per + i] *= s[oc];
    bias[oc] = s[oc] * bias[oc] + t[oc];
  }
  std::vector<int64_t> wdims(w->dims().begin(), w->dims().end());
  std::string wName =
      addInitializer(g, ix, conv.input(1) + "_bnfold", wdims, *wv);
  std::string bName = addInitializer(g, ix, conv.name() + "_bias_bnfold",
                                     {int64_t(s.size())}, bias);
  conv.set_input(1, wName);
  if (conv.input_size() > 2)
    conv.set_input(2, bName);
  else
    conv.add_input(bName);
  return true;
}

bool foldIntoGemm(onnx::GraphProto &g, GraphIndex &ix, onnx::NodeProto &gemm,
                  const std::vector<float> &s, const std::vector<float> &t) {
  if (gemm.input_size() < 2 || !ix.initializers.count(gemm.input(1)))
    return false;
  onnx::TensorProto *w = ix.initializers[gemm.input(1)];
  std::optional<std::vector<float>> wv = floats(*w);
  if (!wv || w->dims_size() != 2)
    return false;
  const onnx::AttributeProto *tb = findAttr(gemm, "transB");
  bool transB = tb && tb->i() != 0;
  int64_t rows = w->dims(0), cols = w->dims(1);
  int64_t n = transB ? rows : cols;
  if (n != int64_t(s.size()))
    return false;
  const onnx::AttributeProto *betaAttr = findAttr(gemm, "beta");
  float beta = betaAttr ? betaAttr->f() : 1.0f;
  std::vector<float> bias(s.size(), 0.0f);
  if (gemm.input_size() > 2 && !gemm.input(2).empty()) {
    auto it = ix.initializers.find(gemm.input(2));
    if (it == ix.initializers.end())
      return false;
    std::optional<std::vector<float>> bv = floats(*it->second);
    // Only a bias per output column folds simply.
    if (!bv || bv->size() != s.size() ||
        it->second->dims(it->second->dims_size() - 1) != n)
      return false;
    for (size_t i = 0; i < s.size(); ++i)
      bias[i] = beta * (*bv)[i];
  }
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      (*wv)[r * cols + c] *= s[transB ? r : c];
  for (size_t i = 0; i < s.size(); ++i)
    bias[i] = s[i] * bias[i] + t[i];
  std::string wName =
      addInitializer(g, ix, gemm.input(1) + "_bnfold", {rows, cols}, *wv);
  std::string bName =
      addInitializer(g, ix, gemm.name() + "_bias_bnfold", {n}, bias);
  gemm.set_input(1, wName);
  if (gemm.input_size() > 2)
    gemm.set_input(2, bName);
  else
    gemm.add_input(bName);
  for (onnx::AttributeProto &a : *gemm.mutable_attribute())
    if (a.name() == "beta")
      a.set_f(1.0f);
  return true;
}

} // namespace

std::vector<std::string>
tern::onnx_import::foldBatchNorms(onnx::GraphProto &graph) {
  std::vector<std::string> folds;
  for (int i = 0; i < graph.node_size(); ++i) {
    onnx::NodeProto &bn = *graph.mutable_node(i);
    // X, scale, B, mean, var; a node with fewer is left for the importer
    // to reject.
    if (bn.op_type() != "BatchNormalization" || !bn.domain().empty() ||
        bn.input_size() < 5)
      continue;
    GraphIndex ix = index(graph);
    const std::string &x = bn.input(0);
    auto prod = ix.producer.find(x);
    if (prod == ix.producer.end() || ix.useCount[x] != 1 || ix.isOutput[x])
      continue;
    auto affine = affineOf(bn, ix);
    if (!affine)
      continue;
    onnx::NodeProto &layer = *graph.mutable_node(prod->second);
    bool folded = false;
    if (layer.op_type() == "Conv" && layer.domain().empty())
      folded = foldIntoConv(graph, ix, layer, affine->first, affine->second);
    else if (layer.op_type() == "Gemm" && layer.domain().empty())
      folded = foldIntoGemm(graph, ix, layer, affine->first, affine->second);
    if (!folded)
      continue;
    folds.push_back("folded BatchNormalization '" + bn.name() + "' into " +
                    layer.op_type() + " '" + layer.name() + "'");
    std::string in = bn.input(0);
    bn.set_op_type("Identity");
    bn.clear_attribute();
    bn.clear_input();
    bn.add_input(in);
  }
  return folds;
}

//===----------------------------------------------------------------------===//
// BitLinear activation quantization
//===----------------------------------------------------------------------===//

namespace {

/// A scalar float constant: a one-element float initializer or a Constant
/// node's `value` (or `value_float`).
std::optional<float> scalarOf(const onnx::GraphProto &g, const GraphIndex &ix,
                              const std::string &name) {
  auto init = ix.initializers.find(name);
  if (init != ix.initializers.end()) {
    std::optional<std::vector<float>> v = floats(*init->second);
    if (v && v->size() == 1)
      return (*v)[0];
    return std::nullopt;
  }
  auto p = ix.producer.find(name);
  if (p == ix.producer.end() || g.node(p->second).op_type() != "Constant")
    return std::nullopt;
  const onnx::NodeProto &c = g.node(p->second);
  if (const onnx::AttributeProto *a = findAttr(c, "value_float"))
    return a->f();
  if (const onnx::AttributeProto *a = findAttr(c, "value")) {
    std::optional<std::vector<float>> v = floats(a->t());
    if (v && v->size() == 1)
      return (*v)[0];
  }
  return std::nullopt;
}

/// An int64 initializer's values, or nullopt if it is not one.
std::optional<std::vector<int64_t>> int64s(const onnx::TensorProto &t) {
  if (t.data_type() != onnx::TensorProto::INT64 ||
      t.data_location() == onnx::TensorProto::EXTERNAL)
    return std::nullopt;
  if (!t.has_raw_data())
    return std::vector<int64_t>(t.int64_data().begin(), t.int64_data().end());
  if (t.raw_data().size() % 8 != 0)
    return std::nullopt;
  std::vector<int64_t> v(t.raw_data().size() / 8);
  if (!v.empty())
    std::memcpy(v.data(), t.raw_data().data(), t.raw_data().size());
  return v;
}

/// True if `name` is an int8 initializer holding the single value 0 (a
/// QuantizeLinear zero point that makes the output int8 and symmetric).
bool isInt8Zero(const GraphIndex &ix, const std::string &name) {
  auto t = ix.initializers.find(name);
  if (t == ix.initializers.end() ||
      t->second->data_type() != onnx::TensorProto::INT8)
    return false;
  const onnx::TensorProto &z = *t->second;
  if (z.has_raw_data())
    return z.raw_data().size() == 1 && z.raw_data()[0] == 0;
  return z.int32_data_size() == 1 && z.int32_data(0) == 0;
}

/// A Clip's bounds: inputs 1 and 2 (opset 11 on; absent = unbounded) or the
/// min/max attributes (before). Nullopt if a bound is not a constant.
std::optional<std::pair<float, float>> clipBounds(const onnx::GraphProto &g,
                                                  const GraphIndex &ix,
                                                  const onnx::NodeProto &clip) {
  float lo = -INFINITY, hi = INFINITY;
  if (const onnx::AttributeProto *a = findAttr(clip, "min"))
    lo = a->f();
  if (const onnx::AttributeProto *a = findAttr(clip, "max"))
    hi = a->f();
  for (int i : {1, 2}) {
    if (clip.input_size() <= i || clip.input(i).empty())
      continue;
    std::optional<float> v = scalarOf(g, ix, clip.input(i));
    if (!v)
      return std::nullopt;
    (i == 1 ? lo : hi) = *v;
  }
  return std::make_pair(lo, hi);
}

/// True if `w` (K x N, float) holds one nonzero magnitude per column (per
/// output): what tern-raise accepts as ternary.
bool isTernaryKxN(const onnx::TensorProto &w) {
  if (w.dims_size() != 2)
    return false;
  std::optional<std::vector<float>> v = floats(w);
  if (!v)
    return false;
  int64_t k = w.dims(0), n = w.dims(1);
  for (int64_t c = 0; c < n; ++c) {
    float magnitude = 0;
    for (int64_t r = 0; r < k; ++r) {
      float x = (*v)[r * n + c];
      if (!std::isfinite(x))
        return false;
      float a = std::fabs(x);
      if (a == 0)
        continue;
      if (magnitude == 0)
        magnitude = a;
      else if (a != magnitude)
        return false;
    }
  }
  return true;
}

} // namespace

std::vector<BitLinearFold>
tern::onnx_import::foldBitLinearQuant(onnx::GraphProto &g) {
  std::vector<BitLinearFold> folds;
  GraphIndex ix = index(g);
  std::vector<bool> dead(g.node_size(), false);
  // The node producing `value` if it has type `op`, at least `inputs`
  // inputs, is used `uses` times and is not a graph output; else null.
  // `matched` collects the indices of the nodes returned.
  std::vector<int> matched;
  auto producer = [&](const std::string &value, const char *op, int inputs,
                      int uses) -> const onnx::NodeProto * {
    auto p = ix.producer.find(value);
    if (p == ix.producer.end() || dead[p->second])
      return nullptr;
    const onnx::NodeProto &n = g.node(p->second);
    if (n.op_type() != op || n.input_size() < inputs ||
        ix.useCount[value] != uses || ix.isOutput.count(value))
      return nullptr;
    matched.push_back(p->second);
    return &n;
  };
  // What a matcher found: the unquantized input x and how it was quantized.
  struct Match {
    std::string x;
    float eps = 0, scale = 0;
  };
  // a = DequantizeLinear(QuantizeLinear(x, s, 0), s, 0), int8.
  auto matchQdq = [&](const std::string &a) -> std::optional<Match> {
    const onnx::NodeProto *dq = producer(a, "DequantizeLinear", 3, 1);
    if (!dq)
      return std::nullopt;
    const onnx::NodeProto *q = producer(dq->input(0), "QuantizeLinear", 3, 1);
    std::optional<float> s = scalarOf(g, ix, dq->input(1));
    if (!q || !s || !(*s > 0) || !std::isfinite(*s) ||
        scalarOf(g, ix, q->input(1)) != s || !isInt8Zero(ix, q->input(2)) ||
        !isInt8Zero(ix, dq->input(2)))
      return std::nullopt;
    return Match{q->input(0), 0.0f, *s};
  };
  // a = Clip(Round(x * s), -128, 127) / s,
  // s = 127 / max(ReduceMax(|x|, axes = -1, keepdims), eps).
  auto matchBitLinear = [&](const std::string &a) -> std::optional<Match> {
    const onnx::NodeProto *div = producer(a, "Div", 2, 1);
    if (!div)
      return std::nullopt;
    const std::string &s = div->input(1);
    const onnx::NodeProto *clip = producer(div->input(0), "Clip", 1, 1);
    if (!clip)
      return std::nullopt;
    std::optional<std::pair<float, float>> range = clipBounds(g, ix, *clip);
    if (!range || range->first != -128.0f || range->second != 127.0f)
      return std::nullopt;
    const onnx::NodeProto *round = producer(clip->input(0), "Round", 1, 1);
    if (!round)
      return std::nullopt;
    const onnx::NodeProto *mul = producer(round->input(0), "Mul", 2, 1);
    if (!mul || (mul->input(0) != s && mul->input(1) != s))
      return std::nullopt;
    const std::string &x = mul->input(0) == s ? mul->input(1) : mul->input(0);
    const onnx::NodeProto *scale = producer(s, "Div", 2, 2);
    if (!scale ||
        scalarOf(g, ix, scale->input(0)) != std::optional<float>(127.0f))
      return std::nullopt;
    const std::string &clamped = scale->input(1);
    const onnx::NodeProto *floor = producer(clamped, "Clip", 1, 1);
    std::optional<float> eps;
    std::string amax;
    if (floor) {
      std::optional<std::pair<float, float>> b = clipBounds(g, ix, *floor);
      if (b && std::isinf(b->second) && b->second > 0)
        eps = b->first;
      amax = floor->input(0);
    } else if ((floor = producer(clamped, "Max", 2, 1)) &&
               floor->input_size() == 2) {
      for (int j : {0, 1})
        if (std::optional<float> v = scalarOf(g, ix, floor->input(j))) {
          eps = *v;
          amax = floor->input(1 - j);
        }
    }
    if (!eps || !std::isfinite(*eps) || *eps < 0)
      return std::nullopt;
    const onnx::NodeProto *reduce = producer(amax, "ReduceMax", 1, 1);
    if (!reduce)
      return std::nullopt;
    const onnx::AttributeProto *keep = findAttr(*reduce, "keepdims");
    const onnx::AttributeProto *axes = findAttr(*reduce, "axes");
    bool lastAxis = axes && axes->ints_size() == 1 && axes->ints(0) == -1;
    if (!axes && reduce->input_size() == 2) {
      auto t = ix.initializers.find(reduce->input(1));
      lastAxis = t != ix.initializers.end() &&
                 int64s(*t->second) == std::optional<std::vector<int64_t>>(
                                           std::vector<int64_t>{-1});
    }
    if ((keep && keep->i() != 1) || !lastAxis)
      return std::nullopt;
    const onnx::NodeProto *abs = producer(reduce->input(0), "Abs", 1, 1);
    if (!abs || abs->input(0) != x)
      return std::nullopt;
    return Match{x, *eps, 0.0f};
  };

  for (int i = 0; i < g.node_size(); ++i) {
    onnx::NodeProto &mm = *g.mutable_node(i);
    if (mm.op_type() != "MatMul" || mm.input_size() != 2)
      continue;
    auto w = ix.initializers.find(mm.input(1));
    if (w == ix.initializers.end() || !isTernaryKxN(*w->second))
      continue;
    matched.clear();
    std::optional<Match> m = matchQdq(mm.input(0));
    if (!m) {
      matched.clear();
      m = matchBitLinear(mm.input(0));
    }
    if (!m)
      continue;
    for (int j : matched)
      dead[j] = true;
    ++ix.useCount[m->x];
    folds.push_back({mm.output(0), mm.name(), m->eps, m->scale});
    mm.set_input(0, m->x);
  }
  if (folds.empty())
    return folds;
  google::protobuf::RepeatedPtrField<onnx::NodeProto> kept;
  for (int i = 0; i < g.node_size(); ++i)
    if (!dead[i])
      *kept.Add() = g.node(i);
  g.mutable_node()->Swap(&kept);
  return folds;
}
