//===- Validate.cpp - Checks an ONNX graph must pass before inference -----===//
//
// See Validate.h. Each check here stands for a crash that fuzz/ found in
// ONNX 1.12 or in Tern's importers (fuzz/README.md, "Findings"); the
// reproducers are replayed by test/Import/ONNX/fuzz-regressions.test.
//
//===----------------------------------------------------------------------===//

#include "Validate.h"

#include "onnx/defs/shape_inference.h"

#include <functional>

using namespace tern::onnx_import;

namespace {

/// Bytes per element in raw_data; 0 for types without a fixed size.
int64_t elementBytes(int32_t type) {
  switch (type) {
  case onnx::TensorProto::FLOAT:
  case onnx::TensorProto::INT32:
  case onnx::TensorProto::UINT32:
    return 4;
  case onnx::TensorProto::DOUBLE:
  case onnx::TensorProto::INT64:
  case onnx::TensorProto::UINT64:
  case onnx::TensorProto::COMPLEX64:
    return 8;
  case onnx::TensorProto::COMPLEX128:
    return 16;
  case onnx::TensorProto::FLOAT16:
  case onnx::TensorProto::BFLOAT16:
  case onnx::TensorProto::INT16:
  case onnx::TensorProto::UINT16:
    return 2;
  case onnx::TensorProto::INT8:
  case onnx::TensorProto::UINT8:
  case onnx::TensorProto::BOOL:
    return 1;
  default:
    return 0;
  }
}

/// Number of elements the typed field that holds `t`'s type stores.
int64_t typedCount(const onnx::TensorProto &t) {
  switch (t.data_type()) {
  case onnx::TensorProto::FLOAT:
    return t.float_data_size();
  case onnx::TensorProto::COMPLEX64:
    return t.float_data_size() / 2;
  case onnx::TensorProto::DOUBLE:
    return t.double_data_size();
  case onnx::TensorProto::COMPLEX128:
    return t.double_data_size() / 2;
  case onnx::TensorProto::INT64:
    return t.int64_data_size();
  case onnx::TensorProto::UINT32:
  case onnx::TensorProto::UINT64:
    return t.uint64_data_size();
  case onnx::TensorProto::STRING:
    return t.string_data_size();
  default:
    return t.int32_data_size();
  }
}

std::string dimsText(const onnx::TensorProto &t) {
  std::string s;
  for (int64_t d : t.dims())
    s += (s.empty() ? "" : "x") + std::to_string(d);
  return "[" + s + "]";
}

/// Declared sizes of outputs and intermediate values are hints that ONNX
/// infers again: a negative or too large one (some exporters write -1 for
/// "unknown") becomes unknown instead of reaching ONNX's inference.
void dropInvalidDims(onnx::ValueInfoProto &v) {
  if (!v.type().has_tensor_type() || !v.type().tensor_type().has_shape())
    return;
  for (onnx::TensorShapeProto_Dimension &d :
       *v.mutable_type()->mutable_tensor_type()->mutable_shape()->mutable_dim())
    if (d.has_dim_value() &&
        (d.dim_value() < 0 || d.dim_value() > kMaxElements))
      d.clear_dim_value();
}

/// Empty when `v`'s declared shape (if any) is within kMaxElements.
std::string checkDeclaredShape(const onnx::ValueInfoProto &v,
                               const char *what) {
  if (!v.type().has_tensor_type() || !v.type().tensor_type().has_shape())
    return "";
  int64_t n = 1;
  int i = 0;
  for (const onnx::TensorShapeProto_Dimension &d :
       v.type().tensor_type().shape().dim()) {
    if (d.has_dim_value()) {
      int64_t x = d.dim_value();
      if (x < 0 || (x > 0 && n > kMaxElements / x))
        return std::string(what) + " '" + v.name() + "' declares dimension " +
               std::to_string(i) + " as " + std::to_string(x) +
               (x < 0 ? ", which is negative"
                      : ", which makes it larger than Tern supports (2^40 "
                        "elements)") +
               "; fix the model's shape or give one with --input-shape";
      n *= x == 0 ? 1 : x;
    }
    ++i;
  }
  return "";
}

std::string shapeText(const onnx::ValueInfoProto &v) {
  std::string s;
  for (const onnx::TensorShapeProto_Dimension &d :
       v.type().tensor_type().shape().dim())
    s += (s.empty() ? "" : "x") +
         (d.has_dim_value() ? std::to_string(d.dim_value()) : "?");
  return "[" + s + "]";
}

/// Empty unless `a` and `b` both declare shapes that cannot be the same.
std::string conflictingShapes(const onnx::ValueInfoProto &a,
                              const onnx::ValueInfoProto &b) {
  auto shape = [](const onnx::ValueInfoProto &v) {
    return v.type().has_tensor_type() && v.type().tensor_type().has_shape()
               ? &v.type().tensor_type().shape()
               : nullptr;
  };
  const onnx::TensorShapeProto *sa = shape(a), *sb = shape(b);
  if (!sa || !sb)
    return "";
  bool differ = sa->dim_size() != sb->dim_size();
  for (int i = 0; !differ && i < sa->dim_size(); ++i)
    differ = sa->dim(i).has_dim_value() && sb->dim(i).has_dim_value() &&
             sa->dim(i).dim_value() != sb->dim(i).dim_value();
  if (!differ)
    return "";
  return "graph output '" + b.name() +
         "' is the graph input of that name, "
         "but declares shape " +
         shapeText(b) + " where the input has " + shapeText(a);
}

int rankOf(const onnx::InferenceContext &ctx, size_t i) {
  if (i >= ctx.getNumInputs())
    return -1;
  const onnx::TypeProto *t = ctx.getInputType(i);
  if (!t || !t->has_tensor_type() || !t->tensor_type().has_shape())
    return -1;
  return t->tensor_type().shape().dim_size();
}

/// The rank and attribute rules of Conv, ConvTranspose and the pools.
/// ONNX 1.12 indexes the input shape and divides by strides without
/// checking (SEGV on a rank-0 weight, SIGFPE on a zero stride).
void checkWindowOp(onnx::InferenceContext &ctx, bool hasWeights) {
  int x = rankOf(ctx, 0);
  if (x < 0)
    return;
  if (x < 3)
    fail_shape_inference("input X must have rank 3 or more, has ", x);
  if (hasWeights) {
    int w = rankOf(ctx, 1);
    if (w >= 0 && w != x)
      fail_shape_inference("W has rank ", w, ", X has rank ", x);
    int b = rankOf(ctx, 2);
    if (b >= 0 && b != 1)
      fail_shape_inference("B must have rank 1, has ", b);
  }
  size_t spatial = static_cast<size_t>(x - 2);
  for (const char *name : {"kernel_shape", "strides", "dilations",
                           "output_padding", "output_shape"}) {
    const onnx::AttributeProto *a = ctx.getAttribute(name);
    size_t n = a ? static_cast<size_t>(a->ints_size()) : spatial;
    if (n != spatial &&
        !(std::string(name) == "output_shape" && n == spatial + 2))
      fail_shape_inference(name, " has ", n, " values for ", spatial,
                           " spatial axes");
  }
  if (const onnx::AttributeProto *a = ctx.getAttribute("pads")) {
    if (static_cast<size_t>(a->ints_size()) != 2 * spatial)
      fail_shape_inference("pads has ", a->ints_size(), " values for ", spatial,
                           " spatial axes");
    for (int64_t p : a->ints())
      if (p < 0)
        fail_shape_inference("pads must not be negative, has ", p);
  }
  for (const char *name : {"kernel_shape", "strides", "dilations"})
    if (const onnx::AttributeProto *a = ctx.getAttribute(name))
      for (int64_t v : a->ints())
        if (v < 1)
          fail_shape_inference(name, " must be positive, has ", v);
}

/// LayerNormalization's inference indexes the input shape with `axis`
/// unchecked (the default -1 crashes it on a scalar).
void checkLayerNormAxis(onnx::InferenceContext &ctx) {
  int r = rankOf(ctx, 0);
  if (r < 0)
    return;
  const onnx::AttributeProto *a = ctx.getAttribute("axis");
  int64_t axis = a ? a->i() : -1;
  if (axis < -r || axis >= r)
    fail_shape_inference("axis ", axis, " is out of range for rank ", r);
}

/// ConstantOfShape, Expand, Reshape and Tile make a rank (or a list of
/// repeats) from the length of their shape input: ONNX builds one
/// dimension per element, so a shape input of 2^32 elements takes minutes
/// and tens of GiB. No tensor of Tern's has more than 64 dimensions.
void checkShapeInput(onnx::InferenceContext &ctx, size_t i) {
  const onnx::TypeProto *t =
      i < ctx.getNumInputs() ? ctx.getInputType(i) : nullptr;
  if (!t || !t->has_tensor_type() || !t->tensor_type().has_shape())
    return;
  int64_t elements = 1;
  for (const auto &d : t->tensor_type().shape().dim()) {
    if (!d.has_dim_value())
      return;
    if (d.dim_value() < 0 || d.dim_value() > 64 ||
        elements * d.dim_value() > 64)
      fail_shape_inference("the shape input has more than 64 elements "
                           "(at most 64 dimensions are supported)");
    elements *= d.dim_value();
  }
}

/// Gemm's inference (opset 6 and older too) reads two dimensions of A and B.
void checkGemmRanks(onnx::InferenceContext &ctx) {
  for (size_t i : {0, 1}) {
    int r = rankOf(ctx, i);
    if (r >= 0 && r != 2)
      fail_shape_inference("input ", i, " of Gemm must have rank 2, has ", r);
  }
}

void checkGlobalPool(onnx::InferenceContext &ctx) {
  int x = rankOf(ctx, 0);
  if (x >= 0 && x < 2)
    fail_shape_inference("input X must have rank 2 or more, has ", x);
}

using Rule = std::function<void(onnx::InferenceContext &)>;

const std::map<std::string, Rule> &rules() {
  static const std::map<std::string, Rule> table = [] {
    std::map<std::string, Rule> t;
    Rule withWeights = [](onnx::InferenceContext &c) {
      checkWindowOp(c, true);
    };
    Rule pool = [](onnx::InferenceContext &c) { checkWindowOp(c, false); };
    t["Conv"] = t["ConvTranspose"] = withWeights;
    t["MaxPool"] = t["AveragePool"] = t["LpPool"] = pool;
    t["GlobalAveragePool"] = t["GlobalMaxPool"] = checkGlobalPool;
    t["LayerNormalization"] = checkLayerNormAxis;
    t["Gemm"] = checkGemmRanks;
    // The shape is input 0 of ConstantOfShape, input 1 of the others (Reshape
    // before opset 5 has it as an attribute and one input: nothing to check).
    t["ConstantOfShape"] = [](onnx::InferenceContext &c) {
      checkShapeInput(c, 0);
    };
    t["Expand"] = t["Reshape"] = t["Tile"] = [](onnx::InferenceContext &c) {
      if (c.getNumInputs() > 1)
        checkShapeInput(c, 1);
    };
    return t;
  }();
  return table;
}

/// The number of elements of `t`, or -1 for a negative dimension or more
/// than kMaxElements.
int64_t elementCount(const onnx::TensorProto &t) {
  int64_t n = 1;
  for (int64_t d : t.dims()) {
    if (d < 0 || (d > 0 && n > kMaxElements / d))
      return -1;
    n *= d;
  }
  return n;
}

} // namespace

int64_t tern::onnx_import::tensorDataBytes(const onnx::TensorProto &t) {
  int64_t n = elementCount(t), bytes = elementBytes(t.data_type());
  return n >= 0 && bytes ? n * bytes : -1;
}

std::string tern::onnx_import::checkTensorData(const onnx::TensorProto &t) {
  int64_t n = elementCount(t);
  if (n < 0)
    return "tensor '" + t.name() + "' has an invalid or too large shape " +
           dimsText(t) + " (at most 2^40 elements)";
  int64_t bytes = elementBytes(t.data_type());
  if (t.data_location() == onnx::TensorProto::EXTERNAL) {
    // Loader.cpp inlines external data, and checks its size, before this.
    return "tensor '" + t.name() +
           "' has external data, which only "
           "initializers may have";
  }
  if (t.has_raw_data()) {
    if (bytes == 0)
      return "tensor '" + t.name() + "' of type " +
             onnx::TensorProto_DataType_Name(t.data_type()) +
             " cannot hold raw data";
    int64_t size = static_cast<int64_t>(t.raw_data().size());
    if (size == n * bytes)
      return "";
    if (size % bytes == 0)
      return "tensor '" + t.name() + "' has " + std::to_string(size / bytes) +
             " values for shape with " + std::to_string(n) + " elements";
    return "tensor '" + t.name() + "' has " + std::to_string(size) +
           " bytes of raw data for shape " + dimsText(t) + " (" +
           std::to_string(n) + " elements of " + std::to_string(bytes) +
           " bytes)";
  }
  int64_t have = typedCount(t);
  if (have != n)
    return "tensor '" + t.name() + "' has " + std::to_string(have) +
           " values for shape with " + std::to_string(n) + " elements";
  return "";
}

LoadError
tern::onnx_import::validateGraph(onnx::GraphProto &g,
                                 const std::set<std::string> &supportedOps) {
  for (const onnx::TensorProto &t : g.initializer())
    if (std::string e = checkTensorData(t); !e.empty())
      return {"initializer: " + e};
  for (const onnx::ValueInfoProto &v : g.input())
    if (std::string e = checkDeclaredShape(v, "input"); !e.empty())
      return {e};
  for (onnx::ValueInfoProto &v : *g.mutable_output()) {
    dropInvalidDims(v);
    // ONNX would infer from the output's declaration: the two must agree.
    for (const onnx::ValueInfoProto &in : g.input())
      if (in.name() == v.name())
        if (std::string e = conflictingShapes(in, v); !e.empty())
          return {e};
  }
  for (onnx::ValueInfoProto &v : *g.mutable_value_info())
    dropInvalidDims(v);
  for (int i = 0; i < g.node_size(); ++i) {
    const onnx::NodeProto &n = g.node(i);
    if (!n.domain().empty() && n.domain() != "ai.onnx")
      return {"operator '" + n.op_type() + "' of domain '" + n.domain() +
                  "' is not supported (only the default ONNX domain is)",
              i};
    if (!supportedOps.empty() && !supportedOps.count(n.op_type()))
      return {"operator '" + n.op_type() +
                  "' is not supported by Tern's ONNX importer (the "
                  "supported operators are listed in docs/onnx.md)",
              i};
    for (const onnx::AttributeProto &a : n.attribute()) {
      if (a.has_g() || a.graphs_size())
        return {"attribute '" + a.name() +
                    "' holds a subgraph, which is not supported",
                i};
      if (a.has_t())
        if (std::string e = checkTensorData(a.t()); !e.empty())
          return {"attribute '" + a.name() + "': " + e, i};
      for (const onnx::TensorProto &t : a.tensors())
        if (std::string e = checkTensorData(t); !e.empty())
          return {"attribute '" + a.name() + "': " + e, i};
      if (a.has_sparse_tensor() || a.sparse_tensors_size())
        return {"attribute '" + a.name() +
                    "' holds a sparse tensor, which is not supported",
                i};
    }
  }
  return {};
}

LoadError tern::onnx_import::checkDefinedInputs(const onnx::GraphProto &g) {
  std::set<std::string> defined, computed;
  for (const onnx::ValueInfoProto &v : g.input())
    defined.insert(v.name());
  for (const onnx::TensorProto &t : g.initializer())
    defined.insert(t.name());
  for (const onnx::NodeProto &n : g.node()) {
    // A subgraph may read its parent's values; the checker judges those.
    for (const onnx::AttributeProto &a : n.attribute())
      if (a.has_g() || a.graphs_size())
        return {};
    computed.insert(n.output().begin(), n.output().end());
  }
  for (int i = 0; i < g.node_size(); ++i) {
    const onnx::NodeProto &n = g.node(i);
    for (int k = 0; k < n.input_size(); ++k) {
      const std::string &in = n.input(k);
      // An empty name is an optional input left out.
      if (in.empty() || defined.count(in) || computed.count(in))
        continue;
      return {"reads '" + in + "' (input " + std::to_string(k) +
                  "), which is neither a graph input, an initializer nor "
                  "another node's output: the model is missing that value "
                  "(an initializer deleted or left out, or a misspelled "
                  "name); export the model again with its weights",
              i};
    }
  }
  return {};
}

const onnx::OpSchema *
GuardedSchemaRegistry::GetSchema(const std::string &key,
                                 const int maxInclusiveVersion,
                                 const std::string &domain) const {
  const onnx::OpSchema *s = onnx::OpSchemaRegistry::Instance()->GetSchema(
      key, maxInclusiveVersion, domain);
  if (!s || !(domain.empty() || domain == "ai.onnx"))
    return s;
  auto rule = rules().find(key);
  // Shape and Size propagate their input's shape as data, and ONNX 1.12
  // reads that input's type without checking it exists: an input whose
  // producer inferred nothing (a node the rules above refused, a value no
  // node computes) is a null dereference.
  bool readsInputType = key == "Shape" || key == "Size";
  if (rule == rules().end() && !readsInputType)
    return s;
  std::unique_ptr<onnx::OpSchema> &copy = guarded[s];
  if (!copy) {
    copy = std::make_unique<onnx::OpSchema>(*s);
    onnx::InferenceFunction original = s->GetTypeAndShapeInferenceFunction();
    if (rule != rules().end() && original) {
      const Rule &check = rule->second;
      copy->TypeAndShapeInferenceFunction(
          [original, check](onnx::InferenceContext &ctx) {
            check(ctx);
            original(ctx);
          });
    }
    if (readsInputType && s->has_data_propagation_function()) {
      onnx::DataPropagationFunction propagate = s->GetDataPropagationFunction();
      copy->PartialDataPropagationFunction(
          [propagate](onnx::DataPropagationContext &ctx) {
            if (ctx.getNumInputs() > 0 && ctx.getInputType(0))
              propagate(ctx);
          });
    }
  }
  return copy.get();
}
