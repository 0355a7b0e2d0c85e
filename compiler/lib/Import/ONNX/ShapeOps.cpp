//===- ShapeOps.cpp - Data movement, constants and shape arithmetic -------===//
//
// Reshapes are tensor.collapse_shape / tensor.expand_shape (no copy);
// Transpose, Slice and Split are generics whose indexing maps do the
// moving; Concat, Gather and Pad read through tensor.extract with clamped
// indices. Every op here also folds on the host when its inputs are known
// at compile time, which turns the Shape -> Gather -> Concat -> Reshape
// chains of exported models into constants.
//
//===----------------------------------------------------------------------===//

#include "Builders.h"
#include "ImportContext.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cmath>
#include <cstring>

using namespace mlir;
using namespace mlir::tern::onnx_import;

namespace {

/// Largest constant the importer computes on the host.
constexpr int64_t kMaxFoldElements = 1 << 22;

SmallVector<int64_t> stridesOf(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> s(shape.size(), 1);
  for (int64_t i = static_cast<int64_t>(shape.size()) - 2; i >= 0; --i)
    s[i] = s[i + 1] * shape[i + 1];
  return s;
}

/// Builds a constant of `type` whose element at each output index comes
/// from `source(index)`: (input number, flat index in it), or input -1 for
/// `fill`.
DenseElementsAttr hostGather(
    RankedTensorType type, ArrayRef<DenseElementsAttr> inputs,
    llvm::function_ref<std::pair<int, int64_t>(ArrayRef<int64_t>)> source,
    double fill = 0) {
  int64_t n = type.getNumElements();
  ArrayRef<int64_t> shape = type.getShape();
  SmallVector<int64_t> idx(shape.size(), 0);
  auto next = [&] {
    for (int64_t i = static_cast<int64_t>(shape.size()) - 1; i >= 0; --i) {
      if (++idx[i] < shape[i])
        return;
      idx[i] = 0;
    }
  };
  Type elem = type.getElementType();
  if (elem.isInteger(1)) {
    SmallVector<SmallVector<bool>> in;
    for (DenseElementsAttr a : inputs)
      in.emplace_back(a.getValues<bool>());
    SmallVector<bool> out(n);
    for (int64_t o = 0; o < n; ++o, next()) {
      auto [which, at] = source(idx);
      out[o] = which < 0 ? fill != 0 : in[which][at];
    }
    return DenseElementsAttr::get(type, ArrayRef<bool>(out));
  }
  size_t bytes = elem.getIntOrFloatBitWidth() / 8;
  std::vector<char> fillBytes(bytes);
  {
    DenseElementsAttr f = attrFromDoubles(RankedTensorType::get({1}, elem),
                                          ArrayRef<double>{fill});
    std::memcpy(fillBytes.data(), f.getRawData().data(), bytes);
  }
  SmallVector<std::vector<char>> in;
  for (DenseElementsAttr a : inputs) {
    // Splats store one element: expand them.
    int64_t count = cast<ShapedType>(a.getType()).getNumElements();
    std::vector<char> raw(count * bytes);
    ArrayRef<char> data = a.getRawData();
    for (int64_t i = 0; i < count; ++i)
      std::memcpy(&raw[i * bytes], &data[a.isSplat() ? 0 : i * bytes], bytes);
    in.push_back(std::move(raw));
  }
  std::vector<char> out(n * bytes);
  for (int64_t o = 0; o < n; ++o, next()) {
    auto [which, at] = source(idx);
    std::memcpy(&out[o * bytes],
                which < 0 ? fillBytes.data() : &in[which][at * bytes], bytes);
  }
  return DenseElementsAttr::getFromRawBuffer(type, out);
}

bool foldable(RankedTensorType type) {
  return type && type.getNumElements() <= kMaxFoldElements;
}

/// Ops that only reinterpret the shape: the constant is reshaped, a run-time
/// value goes through collapse/expand.
void setReshaped(NodeImporter &n, ArrayRef<int64_t> shape) {
  if (DenseElementsAttr c = n.constant(0)) {
    n.setConstant(0,
                  c.reshape(RankedTensorType::get(shape, c.getElementType())));
    return;
  }
  Value x = *n.input(0);
  n.setOutput(0, reshape(n.b, n.loc, x, shape));
}

LogicalResult importIdentity(NodeImporter &n) {
  if (failed(n.checkAttributes({})) || !n.type(0))
    return failed(n.input(0)) ? failure() : success();
  setReshaped(n, n.type(0).getShape());
  return success();
}

LogicalResult importDropout(NodeImporter &n) {
  if (failed(n.checkAttributes({"ratio", "is_test", "seed"})))
    return failure();
  if (n.hasInput(2)) {
    DenseElementsAttr mode = n.constant(2);
    if (!mode || mode.getNumElements() != 1 || attrInts(mode)[0] != 0)
      return n.unsupported("Dropout in training mode (training_mode must be "
                           "a constant false)");
  }
  if (!n.type(0))
    return n.input(0);
  RankedTensorType t = n.type(0);
  setReshaped(n, t.getShape());
  if (n.hasOutput(1)) {
    // The mask keeps everything: bool from opset 10, the input's type
    // before.
    Type maskType =
        n.opset >= 10 ? IntegerType::get(n.ctx, 1) : t.getElementType();
    auto mt = RankedTensorType::get(t.getShape(), maskType);
    n.setConstant(1, attrFromDoubles(RankedTensorType::get({}, maskType),
                                     ArrayRef<double>{1.0})
                         .resizeSplat(mt));
  }
  return success();
}

LogicalResult importConstant(NodeImporter &n) {
  if (n.node.attribute_size() != 1) {
    n.error() << "Constant must have exactly one value attribute";
    return failure();
  }
  const onnx::AttributeProto &a = n.node.attribute(0);
  std::string error;
  DenseElementsAttr v;
  if (a.name() == "value") {
    v = tensorToAttr(n.ctx, a.t(), error);
  } else if (a.name() == "value_float") {
    v = attrFromDoubles(RankedTensorType::get({}, Float32Type::get(n.ctx)),
                        ArrayRef<double>{a.f()});
  } else if (a.name() == "value_floats") {
    SmallVector<double> d(a.floats().begin(), a.floats().end());
    v = attrFromDoubles(RankedTensorType::get({static_cast<int64_t>(d.size())},
                                              Float32Type::get(n.ctx)),
                        d);
  } else if (a.name() == "value_int") {
    v = attrFromInts(n.ctx, {}, ArrayRef<int64_t>{a.i()});
  } else if (a.name() == "value_ints") {
    SmallVector<int64_t> d(a.ints().begin(), a.ints().end());
    v = attrFromInts(n.ctx, {static_cast<int64_t>(d.size())}, d);
  } else {
    return n.unsupported("Constant with attribute '" + a.name() + "'");
  }
  if (!v) {
    n.error() << error;
    return failure();
  }
  n.setConstant(0, v);
  return success();
}

LogicalResult importCast(NodeImporter &n) {
  if (failed(n.checkAttributes({"to", "saturate"})))
    return failure();
  Type to = elementTypeFor(n.ctx, n.intAttr("to", 0));
  if (!to)
    return n.unsupported("Cast to " + onnxTypeName(n.intAttr("to", 0)));
  RankedTensorType t = n.type(0);
  if (!t)
    return n.input(0);
  auto outType = RankedTensorType::get(t.getShape(), to);
  if (DenseElementsAttr c = n.constant(0); c && foldable(t)) {
    if (isa<IntegerType>(to) && isa<IntegerType>(t.getElementType()))
      n.setConstant(0, attrFromInts(n.ctx, t.getShape(), attrInts(c), to));
    else
      n.setConstant(0, attrFromDoubles(outType, attrDoubles(c)));
    return success();
  }
  FailureOr<Value> x = n.input(0);
  FailureOr<Value> r =
      elementwise(n, *x, to, [&](OpBuilder &b, Location l, ValueRange a) {
        return convertScalar(b, l, a[0], to);
      });
  if (failed(r))
    return failure();
  n.setOutput(0, *r);
  return success();
}

LogicalResult importReshape(NodeImporter &n) {
  if (failed(n.checkAttributes({"allowzero", "shape"})))
    return failure();
  RankedTensorType t = n.type(0);
  if (!t)
    return n.input(0);
  SmallVector<int64_t> target;
  if (n.opset < 5) {
    std::optional<SmallVector<int64_t>> s = n.intsAttr("shape");
    if (!s)
      return n.unsupported("Reshape without a 'shape' attribute");
    target = *s;
  } else {
    FailureOr<SmallVector<int64_t>> s = n.constantInts(1, "the target shape");
    if (failed(s))
      return failure();
    target = *s;
  }
  bool allowZero = n.intAttr("allowzero", 0) != 0;
  int64_t known = 1, inferAt = -1;
  for (size_t i = 0; i < target.size(); ++i) {
    if (target[i] == 0 && !allowZero) {
      if (i >= static_cast<size_t>(t.getRank())) {
        n.error() << "shape entry " << i << " is 0 (copy) but the input has "
                  << "rank " << t.getRank();
        return failure();
      }
      target[i] = t.getDimSize(i);
    }
    if (target[i] == -1) {
      if (inferAt >= 0) {
        n.error() << "the target shape has more than one -1";
        return failure();
      }
      inferAt = i;
      continue;
    }
    if (target[i] < 0) {
      n.error() << "invalid target dimension " << target[i];
      return failure();
    }
    known = mulElements(known, target[i]);
  }
  if (inferAt >= 0)
    target[inferAt] = known == 0 ? 0 : t.getNumElements() / known;
  if (numElements(target) != t.getNumElements()) {
    n.error() << "cannot reshape " << t << " (" << t.getNumElements()
              << " elements) to a shape with " << numElements(target)
              << " elements";
    return failure();
  }
  setReshaped(n, target);
  return success();
}

LogicalResult importFlatten(NodeImporter &n) {
  if (failed(n.checkAttributes({"axis"})))
    return failure();
  RankedTensorType t = n.type(0);
  if (!t)
    return n.input(0);
  int64_t axis = n.intAttr("axis", 1), rank = t.getRank();
  if (axis < -rank || axis > rank) {
    n.error() << "axis " << axis << " is out of range for rank " << rank;
    return failure();
  }
  if (axis < 0)
    axis += rank;
  int64_t outer = numElements(t.getShape().take_front(axis));
  setReshaped(n, {outer, t.getNumElements() / std::max<int64_t>(outer, 1)});
  return success();
}

/// Axes from the attribute (older opsets) or the second input.
FailureOr<std::optional<SmallVector<int64_t>>> axesOf(NodeImporter &n,
                                                      int64_t inputFrom) {
  if (n.opset >= inputFrom) {
    if (!n.hasInput(1))
      return std::optional<SmallVector<int64_t>>();
    FailureOr<SmallVector<int64_t>> a = n.constantInts(1, "axes");
    if (failed(a))
      return failure();
    return std::optional<SmallVector<int64_t>>(*a);
  }
  return n.intsAttr("axes");
}

LogicalResult importSqueeze(NodeImporter &n) {
  if (failed(n.checkAttributes({"axes"})))
    return failure();
  RankedTensorType t = n.type(0);
  if (!t)
    return n.input(0);
  FailureOr<std::optional<SmallVector<int64_t>>> axes = axesOf(n, 13);
  if (failed(axes))
    return failure();
  int64_t rank = t.getRank();
  SmallVector<bool> drop(rank, false);
  if (!*axes) {
    for (int64_t i = 0; i < rank; ++i)
      drop[i] = t.getDimSize(i) == 1;
  } else {
    for (int64_t a : **axes) {
      if (!normalizeAxis(a, rank) || t.getDimSize(a) != 1) {
        n.error() << "cannot squeeze axis " << a << " of " << t;
        return failure();
      }
      drop[a] = true;
    }
  }
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < rank; ++i)
    if (!drop[i])
      shape.push_back(t.getDimSize(i));
  setReshaped(n, shape);
  return success();
}

LogicalResult importUnsqueeze(NodeImporter &n) {
  if (failed(n.checkAttributes({"axes"})))
    return failure();
  RankedTensorType t = n.type(0);
  if (!t)
    return n.input(0);
  FailureOr<std::optional<SmallVector<int64_t>>> axes = axesOf(n, 13);
  if (failed(axes))
    return failure();
  if (!*axes)
    return n.unsupported("Unsqueeze without axes");
  int64_t rank = t.getRank() + (*axes)->size();
  SmallVector<bool> inserted(rank, false);
  for (int64_t a : **axes) {
    if (!normalizeAxis(a, rank) || inserted[a]) {
      n.error() << "invalid or repeated axis " << a << " for output rank "
                << rank;
      return failure();
    }
    inserted[a] = true;
  }
  SmallVector<int64_t> shape;
  int64_t next = 0;
  for (int64_t i = 0; i < rank; ++i)
    shape.push_back(inserted[i] ? 1 : t.getDimSize(next++));
  setReshaped(n, shape);
  return success();
}

LogicalResult importTranspose(NodeImporter &n) {
  if (failed(n.checkAttributes({"perm"})))
    return failure();
  RankedTensorType t = n.type(0);
  if (!t)
    return n.input(0);
  int64_t rank = t.getRank();
  SmallVector<int64_t> perm;
  if (std::optional<SmallVector<int64_t>> p = n.intsAttr("perm"))
    perm = *p;
  else
    for (int64_t i = rank - 1; i >= 0; --i)
      perm.push_back(i);
  SmallVector<bool> seen(rank, false);
  if (static_cast<int64_t>(perm.size()) != rank) {
    n.error() << "perm has " << perm.size() << " entries for rank " << rank;
    return failure();
  }
  for (int64_t &p : perm) {
    if (!normalizeAxis(p, rank) || seen[p]) {
      n.error() << "perm is not a permutation of 0.." << rank - 1;
      return failure();
    }
    seen[p] = true;
  }
  if (DenseElementsAttr c = n.constant(0); c && foldable(t)) {
    n.setConstant(0, transposeAttr(c, perm));
    return success();
  }
  n.setOutput(0, transpose(n.b, n.loc, *n.input(0), perm));
  return success();
}

/// One slice per axis: out[i] = in[start + i * step].
struct AxisSlice {
  int64_t start = 0, step = 1, size = 0;
};

/// Applies a slice to the input with an indexing map (no gather).
void emitSlice(NodeImporter &n, int out, ArrayRef<AxisSlice> slices) {
  RankedTensorType t = n.type(0);
  SmallVector<int64_t> shape;
  for (const AxisSlice &s : slices)
    shape.push_back(s.size);
  if (DenseElementsAttr c = n.constant(0); c && foldable(t)) {
    SmallVector<int64_t> strides = stridesOf(t.getShape());
    n.setConstant(
        out, hostGather(RankedTensorType::get(shape, t.getElementType()), c,
                        [&](ArrayRef<int64_t> idx) {
                          int64_t flat = 0;
                          for (size_t d = 0; d < idx.size(); ++d)
                            flat +=
                                (slices[d].start + idx[d] * slices[d].step) *
                                strides[d];
                          return std::make_pair(0, flat);
                        }));
    return;
  }
  // A gather rather than an indexing map: linalg would take the loop
  // bounds from the input when a slice reads it at a plain index.
  Value x = *n.input(0);
  n.setOutput(out, parallelGeneric(
                       n.b, n.loc, shape, t.getElementType(), {}, {},
                       [&](OpBuilder &b, Location l, ValueRange) {
                         SmallVector<Value> at;
                         for (size_t d = 0; d < slices.size(); ++d) {
                           Value i = loopIndex(b, l, d);
                           if (slices[d].step != 1)
                             i = arith::MulIOp::create(
                                 b, l, i, indexConstant(b, l, slices[d].step));
                           if (slices[d].start != 0)
                             i = arith::AddIOp::create(
                                 b, l, i, indexConstant(b, l, slices[d].start));
                           at.push_back(i);
                         }
                         return Value(tensor::ExtractOp::create(b, l, x, at));
                       }));
}

LogicalResult importSlice(NodeImporter &n) {
  if (failed(n.checkAttributes({"starts", "ends", "axes"})))
    return failure();
  RankedTensorType t = n.type(0);
  if (!t)
    return n.input(0);
  int64_t rank = t.getRank();
  SmallVector<int64_t> starts, ends, axes, steps;
  if (n.opset < 10) {
    starts = n.intsAttr("starts").value_or(SmallVector<int64_t>());
    ends = n.intsAttr("ends").value_or(SmallVector<int64_t>());
    axes = n.intsAttr("axes").value_or(SmallVector<int64_t>());
  } else {
    FailureOr<SmallVector<int64_t>> s = n.constantInts(1, "starts");
    FailureOr<SmallVector<int64_t>> e = n.constantInts(2, "ends");
    if (failed(s) || failed(e))
      return failure();
    starts = *s;
    ends = *e;
    if (n.hasInput(3)) {
      FailureOr<SmallVector<int64_t>> a = n.constantInts(3, "axes");
      if (failed(a))
        return failure();
      axes = *a;
    }
    if (n.hasInput(4)) {
      FailureOr<SmallVector<int64_t>> st = n.constantInts(4, "steps");
      if (failed(st))
        return failure();
      steps = *st;
    }
  }
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i)
      axes.push_back(i);
  if (steps.empty())
    steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() ||
      steps.size() != starts.size()) {
    n.error() << "starts, ends, axes and steps have different lengths";
    return failure();
  }
  SmallVector<AxisSlice> slices(rank);
  for (int64_t d = 0; d < rank; ++d)
    slices[d] = {0, 1, t.getDimSize(d)};
  SmallVector<bool> sliced(rank, false);
  for (size_t i = 0; i < starts.size(); ++i) {
    int64_t a = axes[i];
    if (!normalizeAxis(a, rank) || sliced[a]) {
      n.error() << "axis " << axes[i] << " is out of range or repeated";
      return failure();
    }
    sliced[a] = true;
    int64_t dim = t.getDimSize(a), step = steps[i];
    if (step == 0) {
      n.error() << "step 0 on axis " << a;
      return failure();
    }
    int64_t s = starts[i], e = ends[i];
    if (s < 0)
      s += dim;
    if (e < 0)
      e += dim;
    int64_t size;
    if (step > 0) {
      s = std::clamp<int64_t>(s, 0, dim);
      e = std::clamp<int64_t>(e, 0, dim);
      size = e > s ? (e - s + step - 1) / step : 0;
    } else {
      s = std::clamp<int64_t>(s, 0, dim - 1);
      e = std::clamp<int64_t>(e, -1, dim - 1);
      size = s > e ? (s - e - step - 1) / -step : 0;
    }
    slices[a] = {s, step, size};
  }
  emitSlice(n, 0, slices);
  return success();
}

LogicalResult importSplit(NodeImporter &n) {
  if (failed(n.checkAttributes({"axis", "split", "num_outputs"})))
    return failure();
  RankedTensorType t = n.type(0);
  if (!t)
    return n.input(0);
  int64_t axis = n.intAttr("axis", 0);
  if (!normalizeAxis(axis, t.getRank())) {
    n.error() << "axis " << axis << " is out of range";
    return failure();
  }
  int64_t dim = t.getDimSize(axis);
  SmallVector<int64_t> sizes;
  if (n.opset >= 13 && n.hasInput(1)) {
    FailureOr<SmallVector<int64_t>> s = n.constantInts(1, "split");
    if (failed(s))
      return failure();
    sizes = *s;
  } else if (std::optional<SmallVector<int64_t>> s = n.intsAttr("split")) {
    sizes = *s;
  } else {
    int64_t parts = n.numOutputs();
    if (dim % parts != 0) {
      n.error() << "axis of size " << dim << " does not split evenly into "
                << parts << " outputs";
      return failure();
    }
    sizes.assign(parts, dim / parts);
  }
  int64_t total = 0;
  for (int64_t s : sizes)
    total += s;
  if (static_cast<int>(sizes.size()) != n.numOutputs() || total != dim ||
      llvm::any_of(sizes, [](int64_t s) { return s < 0; })) {
    n.error() << "split sizes do not match the outputs and the axis size "
              << dim;
    return failure();
  }
  int64_t offset = 0;
  for (int i = 0; i < n.numOutputs(); ++i) {
    SmallVector<AxisSlice> slices;
    for (int64_t d = 0; d < t.getRank(); ++d)
      slices.push_back({0, 1, t.getDimSize(d)});
    slices[axis] = {offset, 1, sizes[i]};
    offset += sizes[i];
    if (n.hasOutput(i))
      emitSlice(n, i, slices);
  }
  return success();
}

LogicalResult importConcat(NodeImporter &n) {
  if (failed(n.checkAttributes({"axis"})))
    return failure();
  if (n.numInputs() == 0) {
    n.error() << "Concat needs at least one input";
    return failure();
  }
  RankedTensorType t0 = n.type(0);
  if (!t0)
    return n.input(0);
  int64_t rank = t0.getRank(), axis = n.intAttr("axis", 0);
  if (!normalizeAxis(axis, rank)) {
    n.error() << "axis " << axis << " is out of range for rank " << rank;
    return failure();
  }
  SmallVector<int64_t> shape(t0.getShape());
  SmallVector<int64_t> offsets;
  shape[axis] = 0;
  bool allConstant = true;
  SmallVector<RankedTensorType> types;
  for (int i = 0; i < n.numInputs(); ++i) {
    RankedTensorType ti = n.type(i);
    if (!ti)
      return n.input(i);
    if (ti.getRank() != rank || ti.getElementType() != t0.getElementType()) {
      n.error() << "input " << i << " (" << ti << ") does not match input 0 ("
                << t0 << ")";
      return failure();
    }
    for (int64_t d = 0; d < rank; ++d)
      if (d != axis && ti.getDimSize(d) != t0.getDimSize(d)) {
        n.error() << "input " << i << " (" << ti << ") differs from input 0 ("
                  << t0 << ") outside the concatenation axis";
        return failure();
      }
    offsets.push_back(shape[axis]);
    shape[axis] += ti.getDimSize(axis);
    allConstant &= static_cast<bool>(n.constant(i));
    types.push_back(ti);
  }
  auto outType = RankedTensorType::get(shape, t0.getElementType());
  auto which = [&](int64_t pos) {
    int i = static_cast<int>(offsets.size()) - 1;
    while (i > 0 && (offsets[i] > pos || types[i].getDimSize(axis) == 0))
      --i;
    return i;
  };
  if (allConstant && foldable(outType)) {
    SmallVector<DenseElementsAttr> ins;
    SmallVector<SmallVector<int64_t>> strides;
    for (int i = 0; i < n.numInputs(); ++i) {
      ins.push_back(n.constant(i));
      strides.push_back(stridesOf(types[i].getShape()));
    }
    n.setConstant(0, hostGather(outType, ins, [&](ArrayRef<int64_t> idx) {
                    int i = which(idx[axis]);
                    int64_t flat = 0;
                    for (int64_t d = 0; d < rank; ++d)
                      flat += (d == axis ? idx[d] - offsets[i] : idx[d]) *
                              strides[i][d];
                    return std::make_pair(i, flat);
                  }));
    return success();
  }
  // Run time: each input is read through tensor.extract at a clamped index
  // (so that no load leaves its tensor), and a select keeps the right one.
  SmallVector<Value> inputs;
  for (int i = 0; i < n.numInputs(); ++i) {
    FailureOr<Value> v = n.input(i);
    if (failed(v))
      return failure();
    inputs.push_back(*v);
  }
  Value r = parallelGeneric(
      n.b, n.loc, shape, t0.getElementType(), {}, {},
      [&](OpBuilder &b, Location l, ValueRange) {
        SmallVector<Value> idx;
        for (int64_t d = 0; d < rank; ++d)
          idx.push_back(loopIndex(b, l, d));
        Value result;
        for (int i = static_cast<int>(inputs.size()) - 1; i >= 0; --i) {
          int64_t size = types[i].getDimSize(axis);
          if (size == 0)
            continue;
          SmallVector<Value> at(idx);
          at[axis] =
              clampIndex(b, l,
                         arith::SubIOp::create(b, l, idx[axis],
                                               indexConstant(b, l, offsets[i])),
                         0, size - 1);
          Value v = tensor::ExtractOp::create(b, l, inputs[i], at);
          if (!result) {
            result = v;
            continue;
          }
          Value before =
              arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, idx[axis],
                                    indexConstant(b, l, offsets[i] + size));
          result = select(b, l, before, v, result);
        }
        return result;
      });
  n.setOutput(0, r);
  return success();
}

LogicalResult importGather(NodeImporter &n) {
  if (failed(n.checkAttributes({"axis"})))
    return failure();
  RankedTensorType dt = n.type(0), it = n.type(1);
  if (!dt || !it)
    return failure(failed(n.input(0)) || failed(n.input(1)));
  if (!isa<IntegerType>(it.getElementType()) ||
      it.getElementType().isInteger(1)) {
    n.error() << "indices must be int32 or int64";
    return failure();
  }
  int64_t rank = dt.getRank(), axis = n.intAttr("axis", 0);
  if (!normalizeAxis(axis, rank)) {
    n.error() << "axis " << axis << " is out of range for rank " << rank;
    return failure();
  }
  int64_t dim = dt.getDimSize(axis);
  SmallVector<int64_t> shape(dt.getShape().take_front(axis));
  shape.append(it.getShape().begin(), it.getShape().end());
  shape.append(dt.getShape().begin() + axis + 1, dt.getShape().end());
  auto outType = RankedTensorType::get(shape, dt.getElementType());
  int64_t ir = it.getRank();
  // Constant indices are checked here; run-time ones by the kernel.
  if (DenseElementsAttr ic = n.constant(1))
    for (int64_t i : attrInts(ic))
      if (i < -dim || i >= dim) {
        n.error() << "index " << i << " is out of range for axis " << axis
                  << " of size " << dim;
        return failure();
      }
  if (DenseElementsAttr dc = n.constant(0), ic = n.constant(1);
      dc && ic && foldable(outType)) {
    SmallVector<int64_t> indices = attrInts(ic);
    for (int64_t &i : indices) {
      if (i < -dim || i >= dim) {
        n.error() << "index " << i << " is out of range for axis " << axis
                  << " of size " << dim;
        return failure();
      }
      if (i < 0)
        i += dim;
    }
    SmallVector<int64_t> ds = stridesOf(dt.getShape()),
                         is = stridesOf(it.getShape());
    n.setConstant(0, hostGather(outType, dc, [&](ArrayRef<int64_t> idx) {
                    int64_t flatIdx = 0;
                    for (int64_t d = 0; d < ir; ++d)
                      flatIdx += idx[axis + d] * is[d];
                    int64_t flat = 0;
                    for (int64_t d = 0; d < rank; ++d) {
                      int64_t v = d < axis    ? idx[d]
                                  : d == axis ? indices[flatIdx]
                                              : idx[d + ir - 1];
                      flat += v * ds[d];
                    }
                    return std::make_pair(0, flat);
                  }));
    return success();
  }
  FailureOr<Value> data = n.input(0), indices = n.input(1);
  if (failed(data) || failed(indices))
    return failure();
  // ONNX calls an index outside [-dim, dim - 1] an error; a token id past
  // the vocabulary must not become the last row. The kernel checks each
  // index read (tern.index_check, LinalgToKernel.h) and the run fails
  // with this message, then the index.
  std::string where = "node";
  if (auto name = dyn_cast<NameLoc>(n.loc))
    where = name.getName().str();
  std::string message =
      where + ": index out of range in input '" + n.node.input(1) +
      "': valid indices are " + std::to_string(-dim) + " to " +
      std::to_string(dim - 1) + " (axis " + std::to_string(axis) + " of '" +
      n.node.input(0) + "' has " + std::to_string(dim) + " entries), got";
  NamedAttrList check;
  check.append("min", n.b.getI64IntegerAttr(-dim));
  check.append("max", n.b.getI64IntegerAttr(dim - 1));
  check.append("message", n.b.getStringAttr(message));
  DictionaryAttr checkAttr = check.getDictionary(n.ctx);
  Value r = parallelGeneric(
      n.b, n.loc, shape, dt.getElementType(), {}, {},
      [&](OpBuilder &b, Location l, ValueRange) {
        SmallVector<Value> iidx;
        for (int64_t d = 0; d < ir; ++d)
          iidx.push_back(loopIndex(b, l, axis + d));
        auto i = tensor::ExtractOp::create(b, l, *indices, iidx);
        i->setAttr("tern.index_check", checkAttr);
        Value ix = arith::IndexCastOp::create(b, l, b.getIndexType(), i);
        // Negative indices count from the end. The clamp keeps every load
        // inside the tensor (and lets Halide bound it); the check above
        // makes an index it would move an error.
        Value neg = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, ix,
                                          indexConstant(b, l, 0));
        ix = select(b, l, neg,
                    arith::AddIOp::create(b, l, ix, indexConstant(b, l, dim)),
                    ix);
        ix = clampIndex(b, l, ix, 0, dim - 1);
        SmallVector<Value> didx;
        for (int64_t d = 0; d < rank; ++d)
          didx.push_back(d < axis    ? loopIndex(b, l, d)
                         : d == axis ? ix
                                     : loopIndex(b, l, d + ir - 1));
        return Value(tensor::ExtractOp::create(b, l, *data, didx));
      });
  n.setOutput(0, r);
  return success();
}

LogicalResult importShape(NodeImporter &n) {
  if (failed(n.checkAttributes({"start", "end"})))
    return failure();
  RankedTensorType t = n.type(0);
  if (!t)
    return n.input(0);
  int64_t rank = t.getRank();
  int64_t start = n.intAttr("start", 0), end = n.intAttr("end", rank);
  if (start < 0)
    start += rank;
  if (end < 0)
    end += rank;
  start = std::clamp<int64_t>(start, 0, rank);
  end = std::clamp<int64_t>(end, 0, rank);
  SmallVector<int64_t> dims;
  for (int64_t i = start; i < end; ++i)
    dims.push_back(t.getDimSize(i));
  n.setConstant(0,
                attrFromInts(n.ctx, {static_cast<int64_t>(dims.size())}, dims));
  return success();
}

LogicalResult importConstantOfShape(NodeImporter &n) {
  if (failed(n.checkAttributes({"value"})))
    return failure();
  FailureOr<SmallVector<int64_t>> shape = n.constantInts(0, "the shape");
  if (failed(shape))
    return failure();
  for (int64_t d : *shape)
    if (d < 0) {
      n.error() << "negative dimension " << d;
      return failure();
    }
  DenseElementsAttr value =
      attrFromDoubles(RankedTensorType::get({1}, Float32Type::get(n.ctx)),
                      ArrayRef<double>{0.0});
  if (const onnx::AttributeProto *a = n.attr("value")) {
    std::string error;
    value = tensorToAttr(n.ctx, a->t(), error);
    if (!value) {
      n.error() << error;
      return failure();
    }
  }
  auto type = RankedTensorType::get(*shape, value.getElementType());
  n.setConstant(0,
                DenseElementsAttr::get(type, value.getValues<Attribute>()[0]));
  return success();
}

LogicalResult importRange(NodeImporter &n) {
  if (failed(n.checkAttributes({})))
    return failure();
  DenseElementsAttr s = n.constant(0), l = n.constant(1), d = n.constant(2);
  if (!s || !l || !d)
    return n.unsupported("Range with inputs not known at compile time");
  if (s.getNumElements() != 1 || l.getNumElements() != 1 ||
      d.getNumElements() != 1) {
    n.error() << "start, limit and delta must be scalars";
    return failure();
  }
  double start = attrDoubles(s)[0], limit = attrDoubles(l)[0],
         delta = attrDoubles(d)[0];
  if (delta == 0) {
    n.error() << "delta is 0";
    return failure();
  }
  double steps = std::ceil((limit - start) / delta);
  if (!(steps <= static_cast<double>(kMaxFoldElements))) // and NaN
    return n.unsupported("Range with more than 4M elements (or a NaN or "
                         "infinite bound)");
  int64_t count = std::max<int64_t>(static_cast<int64_t>(steps), 0);
  SmallVector<double> values;
  for (int64_t i = 0; i < count; ++i)
    values.push_back(start + i * delta);
  n.setConstant(
      0, attrFromDoubles(RankedTensorType::get({count}, s.getElementType()),
                         values));
  return success();
}

LogicalResult importExpand(NodeImporter &n) {
  if (failed(n.checkAttributes({})))
    return failure();
  RankedTensorType t = n.type(0);
  if (!t)
    return n.input(0);
  FailureOr<SmallVector<int64_t>> target = n.constantInts(1, "the shape");
  if (failed(target))
    return failure();
  FailureOr<SmallVector<int64_t>> shape =
      broadcastShapes({SmallVector<int64_t>(t.getShape()), *target});
  if (failed(shape)) {
    n.error() << t << " cannot be expanded to the given shape";
    return failure();
  }
  FailureOr<Value> x = n.input(0);
  AffineMap map = broadcastMap(n.ctx, t.getShape(), *shape);
  n.setOutput(0, parallelGeneric(
                     n.b, n.loc, *shape, t.getElementType(), *x, map,
                     [](OpBuilder &, Location, ValueRange a) { return a[0]; }));
  return success();
}

LogicalResult importPad(NodeImporter &n) {
  if (failed(n.checkAttributes({"mode", "pads", "value"})))
    return failure();
  std::string mode = n.stringAttr("mode", "constant");
  if (mode != "constant" && mode != "edge" && mode != "reflect")
    return n.unsupported("Pad mode '" + mode + "'");
  RankedTensorType t = n.type(0);
  if (!t)
    return n.input(0);
  int64_t rank = t.getRank();
  SmallVector<int64_t> pads;
  double value = 0;
  Value valueTensor;
  if (n.opset < 11) {
    pads = n.intsAttr("pads").value_or(SmallVector<int64_t>());
    value = n.floatAttr("value", 0.0f);
  } else {
    FailureOr<SmallVector<int64_t>> p = n.constantInts(1, "pads");
    if (failed(p))
      return failure();
    pads = *p;
    if (n.hasInput(2)) {
      if (DenseElementsAttr c = n.constant(2)) {
        if (c.getNumElements() != 1) {
          n.error() << "constant_value must hold one value, holds "
                    << c.getNumElements();
          return failure();
        }
        value = attrDoubles(c)[0];
      } else
        valueTensor = *n.input(2);
    }
  }
  if (mode == "reflect" && static_cast<int64_t>(pads.size()) == 2 * rank)
    for (int64_t d = 0; d < rank; ++d)
      if (pads[d] >= t.getDimSize(d) || pads[d + rank] >= t.getDimSize(d))
        return n.unsupported("reflect padding as wide as the axis");
  if (mode != "constant" && t.getNumElements() == 0) {
    n.error() << "cannot pad an empty tensor in mode '" << mode << "'";
    return failure();
  }
  if (static_cast<int64_t>(pads.size()) != 2 * rank) {
    n.error() << "pads has " << pads.size() << " entries; expected "
              << 2 * rank;
    return failure();
  }
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < rank; ++d) {
    shape.push_back(t.getDimSize(d) + pads[d] + pads[d + rank]);
    if (shape.back() < 0) {
      n.error() << "pads remove more than the whole of axis " << d;
      return failure();
    }
  }
  Type elem = t.getElementType();
  FailureOr<Value> x = n.input(0);
  if (failed(x))
    return failure();
  SmallVector<Value> ins;
  SmallVector<AffineMap> maps;
  if (valueTensor) {
    ins.push_back(valueTensor);
    maps.push_back(AffineMap::get(rank, 0, {}, n.ctx));
  }
  Value r = parallelGeneric(
      n.b, n.loc, shape, elem, ins, maps,
      [&](OpBuilder &b, Location l, ValueRange a) {
        Value inside;
        SmallVector<Value> at;
        for (int64_t d = 0; d < rank; ++d) {
          int64_t size = t.getDimSize(d);
          Value i = arith::SubIOp::create(b, l, loopIndex(b, l, d),
                                          indexConstant(b, l, pads[d]));
          if (size == 0) {
            at.push_back(indexConstant(b, l, 0));
            inside = scalarConstant(b, l, b.getI1Type(), 0);
            continue;
          }
          if (mode == "reflect" && size > 1) {
            // Mirror without repeating the edge: -1 -> 1, size -> size - 2.
            Value neg = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt,
                                              i, indexConstant(b, l, 0));
            i = select(b, l, neg,
                       arith::SubIOp::create(b, l, indexConstant(b, l, 0), i),
                       i);
            Value over = arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge,
                                               i, indexConstant(b, l, size));
            i = select(b, l, over,
                       arith::SubIOp::create(
                           b, l, indexConstant(b, l, 2 * (size - 1)), i),
                       i);
          }
          if (mode != "constant") {
            at.push_back(clampIndex(b, l, i, 0, size - 1));
            continue;
          }
          Value ge = arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge, i,
                                           indexConstant(b, l, 0));
          Value lt = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, i,
                                           indexConstant(b, l, size));
          Value ok = arith::AndIOp::create(b, l, ge, lt);
          inside = inside ? Value(arith::AndIOp::create(b, l, inside, ok)) : ok;
          at.push_back(clampIndex(b, l, i, 0, size - 1));
        }
        Value padValue = valueTensor ? a[0] : scalarConstant(b, l, elem, value);
        if (!inside)
          return Value(tensor::ExtractOp::create(b, l, *x, at));
        if (t.getNumElements() == 0)
          return padValue;
        Value v = tensor::ExtractOp::create(b, l, *x, at);
        return select(b, l, inside, v, padValue);
      });
  n.setOutput(0, r);
  return success();
}

} // namespace

void mlir::tern::onnx_import::registerShapeOps(OpTable &t) {
  t["Identity"] = importIdentity;
  t["Dropout"] = importDropout;
  t["Constant"] = importConstant;
  t["Cast"] = importCast;
  t["Reshape"] = importReshape;
  t["Flatten"] = importFlatten;
  t["Squeeze"] = importSqueeze;
  t["Unsqueeze"] = importUnsqueeze;
  t["Transpose"] = importTranspose;
  t["Slice"] = importSlice;
  t["Split"] = importSplit;
  t["Concat"] = importConcat;
  t["Gather"] = importGather;
  t["Shape"] = importShape;
  t["ConstantOfShape"] = importConstantOfShape;
  t["Range"] = importRange;
  t["Expand"] = importExpand;
  t["Pad"] = importPad;
}
