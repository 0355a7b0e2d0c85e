//===- ReduceOps.cpp - ReduceSum, ReduceMean, ReduceMax -------------------===//
//
// One linalg.generic with reduction iterators over the chosen axes (all of
// them by default); ReduceMean divides by the element count in a second,
// elementwise kernel. keepdims re-inserts the reduced axes as size 1
// through tensor.expand_shape.
//
//===----------------------------------------------------------------------===//

#include "Builders.h"
#include "ImportContext.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include <limits>

using namespace mlir;
using namespace mlir::tern::onnx_import;

namespace {

enum class Kind { Sum, Mean, Max };

LogicalResult importReduce(NodeImporter &n, Kind kind) {
  if (failed(n.checkAttributes({"axes", "keepdims", "noop_with_empty_axes"})))
    return failure();
  FailureOr<Value> x = n.input(0);
  if (failed(x))
    return failure();
  RankedTensorType t = n.type(0);
  Type elem = t.getElementType();
  if (elem.isInteger(1))
    return n.unsupported("reductions of bool tensors");
  int64_t rank = t.getRank();
  bool keepDims = n.intAttr("keepdims", 1) != 0;
  // Axes: an attribute, or (ReduceSum from opset 13) the second input.
  std::optional<SmallVector<int64_t>> axes;
  if (kind == Kind::Sum && n.opset >= 13) {
    if (n.hasInput(1)) {
      FailureOr<SmallVector<int64_t>> a = n.constantInts(1, "axes");
      if (failed(a))
        return failure();
      axes = *a;
    }
  } else {
    axes = n.intsAttr("axes");
  }
  if (axes && axes->empty())
    axes.reset();
  if (!axes && n.intAttr("noop_with_empty_axes", 0) != 0) {
    n.setOutput(0, *x);
    return success();
  }
  SmallVector<int64_t> norm;
  SmallVector<bool> seen(rank, false);
  if (axes) {
    for (int64_t a : *axes) {
      if (!normalizeAxis(a, rank) || seen[a]) {
        n.error() << "invalid or repeated axis " << a << " for rank " << rank;
        return failure();
      }
      seen[a] = true;
    }
    for (int64_t i = 0; i < rank; ++i)
      if (seen[i])
        norm.push_back(i);
  } else {
    for (int64_t i = 0; i < rank; ++i)
      norm.push_back(i);
  }
  int64_t count = 1;
  for (int64_t a : norm)
    count *= t.getDimSize(a);

  TypedAttr init;
  if (kind == Kind::Max) {
    if (auto f = dyn_cast<FloatType>(elem))
      init = FloatAttr::get(f, -std::numeric_limits<double>::infinity());
    else
      init = IntegerAttr::get(
          elem, APInt::getSignedMinValue(elem.getIntOrFloatBitWidth()));
  } else {
    init = isa<FloatType>(elem) ? TypedAttr(FloatAttr::get(elem, 0.0))
                                : TypedAttr(IntegerAttr::get(elem, 0));
  }
  Value r = reduce(n.b, n.loc, *x, norm, keepDims, init,
                   [&](OpBuilder &b, Location l, ValueRange a) {
                     return kind == Kind::Max ? maximum(b, l, a[1], a[0])
                                              : add(b, l, a[1], a[0]);
                   });
  if (kind == Kind::Mean) {
    if (!isa<FloatType>(elem))
      return n.unsupported("ReduceMean of integer tensors");
    r = divideBy(n.b, n.loc, r, double(count));
  }
  n.setOutput(0, r);
  return success();
}

} // namespace

void mlir::tern::onnx_import::registerReduceOps(OpTable &t) {
  t["ReduceSum"] = [](NodeImporter &n) { return importReduce(n, Kind::Sum); };
  t["ReduceMean"] = [](NodeImporter &n) { return importReduce(n, Kind::Mean); };
  t["ReduceMax"] = [](NodeImporter &n) { return importReduce(n, Kind::Max); };
}
