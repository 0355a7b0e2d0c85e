//===- NormalizationOps.cpp - Softmax, LayerNorm, BatchNorm ---------------===//
//
// Softmax and LogSoftmax subtract the maximum before exponentiating (a
// reduction, an elementwise kernel, a reduction and a final elementwise
// kernel). LayerNormalization computes the mean and the variance in two
// reductions. BatchNormalization left after the graph rewrite (not
// folded into a Conv or Gemm) is one elementwise kernel over the channel
// axis.
//
//===----------------------------------------------------------------------===//

#include "Builders.h"
#include "ImportContext.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <limits>

using namespace mlir;
using namespace mlir::tern::onnx_import;

namespace {

TypedAttr floatAttr(Type t, double v) { return FloatAttr::get(t, v); }

/// Map from the full iteration space to the reduced-and-kept tensor (size 1
/// on `axes`).
AffineMap keptMap(MLIRContext *ctx, int64_t rank, ArrayRef<int64_t> axes) {
  SmallVector<AffineExpr> e;
  for (int64_t d = 0; d < rank; ++d)
    e.push_back(llvm::is_contained(axes, d) ? getAffineConstantExpr(0, ctx)
                                            : getAffineDimExpr(d, ctx));
  return AffineMap::get(rank, 0, e, ctx);
}

LogicalResult importSoftmax(NodeImporter &n, bool logSoftmax) {
  if (failed(n.checkAttributes({"axis"})))
    return failure();
  FailureOr<Value> x = n.input(0);
  if (failed(x))
    return failure();
  RankedTensorType t = n.type(0);
  Type elem = t.getElementType();
  if (!isa<FloatType>(elem))
    return n.unsupported("Softmax of integer tensors");
  int64_t rank = t.getRank();
  // Opset 13: along one axis (default -1). Before: over the flattened
  // dimensions from `axis` (default 1) on.
  int64_t axis = n.intAttr("axis", n.opset >= 13 ? -1 : 1);
  if (!normalizeAxis(axis, rank)) {
    n.error() << "axis " << axis << " is out of range for rank " << rank;
    return failure();
  }
  SmallVector<int64_t> axes;
  for (int64_t d = axis; d < (n.opset >= 13 ? axis + 1 : rank); ++d)
    axes.push_back(d);
  OpBuilder &b = n.b;
  Location loc = n.loc;
  MLIRContext *ctx = n.ctx;
  AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
  AffineMap kept = keptMap(ctx, rank, axes);
  Value max = reduce(b, loc, *x, axes, /*keepDims=*/true,
                     floatAttr(elem, -std::numeric_limits<double>::infinity()),
                     [](OpBuilder &b, Location l, ValueRange a) {
                       return maximum(b, l, a[1], a[0]);
                     });
  // sum(exp(x - max)) in one reduction that reads max through `kept`.
  Value sum = reduce(
      b, loc, *x, axes, /*keepDims=*/true, floatAttr(elem, 0.0),
      [](OpBuilder &b, Location l, ValueRange a) {
        Value e = math::ExpOp::create(b, l, sub(b, l, a[0], a[1]));
        return add(b, l, a[2], e);
      },
      max, kept);
  Value r = parallelGeneric(
      b, loc, t.getShape(), elem, {*x, max, sum}, {id, kept, kept},
      [&](OpBuilder &b, Location l, ValueRange a) -> Value {
        Value shifted = sub(b, l, a[0], a[1]);
        if (logSoftmax)
          return sub(b, l, shifted, math::LogOp::create(b, l, a[2]));
        return div(b, l, math::ExpOp::create(b, l, shifted), a[2]);
      });
  n.setOutput(0, r);
  return success();
}

LogicalResult importLayerNormalization(NodeImporter &n) {
  if (failed(n.checkAttributes({"axis", "epsilon", "stash_type"})))
    return failure();
  FailureOr<Value> x = n.input(0), scale = n.input(1);
  if (failed(x) || failed(scale))
    return failure();
  RankedTensorType t = n.type(0);
  Type elem = t.getElementType();
  if (!isa<FloatType>(elem))
    return n.unsupported("LayerNormalization of integer tensors");
  int64_t rank = t.getRank(), axis = n.intAttr("axis", -1);
  if (!normalizeAxis(axis, rank)) {
    n.error() << "axis " << axis << " is out of range for rank " << rank;
    return failure();
  }
  double eps = n.floatAttr("epsilon", 1e-5f);
  SmallVector<int64_t> axes;
  int64_t count = 1;
  for (int64_t d = axis; d < rank; ++d) {
    axes.push_back(d);
    count *= t.getDimSize(d);
  }
  OpBuilder &b = n.b;
  Location loc = n.loc;
  MLIRContext *ctx = n.ctx;
  AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
  AffineMap kept = keptMap(ctx, rank, axes);
  Value sum = reduce(b, loc, *x, axes, true, floatAttr(elem, 0.0),
                     [](OpBuilder &b, Location l, ValueRange a) {
                       return add(b, l, a[1], a[0]);
                     });
  SmallVector<int64_t> keptShape(t.getShape());
  for (int64_t a : axes)
    keptShape[a] = 1;
  AffineMap keptId = AffineMap::getMultiDimIdentityMap(rank, ctx);
  Value mean = divideBy(b, loc, sum, double(count));
  Value sq = reduce(
      b, loc, *x, axes, true, floatAttr(elem, 0.0),
      [](OpBuilder &b, Location l, ValueRange a) {
        Value d = sub(b, l, a[0], a[1]);
        return add(b, l, a[2], mul(b, l, d, d));
      },
      mean, kept);
  Value invStd = parallelGeneric(
      b, loc, keptShape, elem, sq, keptId,
      [&](OpBuilder &b, Location l, ValueRange a) {
        Value var = div(b, l, a[0], scalarConstant(b, l, elem, double(count)));
        Value v = add(b, l, var, scalarConstant(b, l, elem, eps));
        return div(b, l, scalarConstant(b, l, elem, 1.0),
                   math::SqrtOp::create(b, l, v));
      });
  // scale and bias broadcast against the normalized dims (numpy rules).
  for (int i = 1; i < 3 && n.hasInput(i); ++i) {
    ArrayRef<int64_t> ps = n.type(i).getShape();
    FailureOr<SmallVector<int64_t>> b = broadcastShapes(
        {SmallVector<int64_t>(t.getShape()), SmallVector<int64_t>(ps)});
    if (failed(b) || ArrayRef<int64_t>(*b) != t.getShape() ||
        static_cast<int64_t>(ps.size()) > rank - axis) {
      n.error() << (i == 1 ? "scale " : "bias ") << n.type(i)
                << " does not broadcast over the normalized dimensions of "
                << t;
      return failure();
    }
  }
  SmallVector<Value> ins = {*x, mean, invStd, *scale};
  SmallVector<AffineMap> maps = {
      id, kept, kept, broadcastMap(ctx, n.type(1).getShape(), t.getShape())};
  bool hasBias = n.hasInput(2);
  if (hasBias) {
    ins.push_back(*n.input(2));
    maps.push_back(broadcastMap(ctx, n.type(2).getShape(), t.getShape()));
  }
  Value y = parallelGeneric(b, loc, t.getShape(), elem, ins, maps,
                            [&](OpBuilder &b, Location l, ValueRange a) {
                              Value norm =
                                  mul(b, l, sub(b, l, a[0], a[1]), a[2]);
                              Value v = mul(b, l, norm, a[3]);
                              return hasBias ? add(b, l, v, a[4]) : v;
                            });
  n.setOutput(0, y);
  n.setOutput(1, mean);
  n.setOutput(2, invStd);
  return success();
}

LogicalResult importBatchNormalization(NodeImporter &n) {
  if (failed(n.checkAttributes({"epsilon", "momentum", "training_mode",
                                "spatial", "is_test", "consumed_inputs"})))
    return failure();
  if (n.intAttr("training_mode", 0) != 0 || n.numOutputs() > 1)
    return n.unsupported("BatchNormalization in training mode");
  if (n.hasAttr("spatial") && n.intAttr("spatial", 1) != 1)
    return n.unsupported("BatchNormalization with spatial=0");
  SmallVector<Value> ins;
  for (int i = 0; i < 5; ++i) {
    FailureOr<Value> v = n.input(i);
    if (failed(v))
      return failure();
    ins.push_back(*v);
  }
  RankedTensorType t = n.type(0);
  Type elem = t.getElementType();
  if (!isa<FloatType>(elem) || t.getRank() < 2)
    return n.unsupported("BatchNormalization of this input type");
  int64_t rank = t.getRank(), channels = t.getDimSize(1);
  for (int i = 1; i < 5; ++i)
    if (n.type(i).getRank() != 1 || n.type(i).getDimSize(0) != channels) {
      n.error() << "parameter " << i << " must have shape [" << channels << "]";
      return failure();
    }
  double eps = n.floatAttr("epsilon", 1e-5f);
  MLIRContext *ctx = n.ctx;
  AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
  AffineMap ch = AffineMap::get(rank, 0, {getAffineDimExpr(1, ctx)}, ctx);
  Value y = parallelGeneric(
      n.b, n.loc, t.getShape(), elem, ins, {id, ch, ch, ch, ch},
      [&](OpBuilder &b, Location l, ValueRange a) {
        // scale * (x - mean) / sqrt(var + eps) + bias
        Value v = add(b, l, a[4], scalarConstant(b, l, elem, eps));
        Value norm =
            div(b, l, sub(b, l, a[0], a[3]), math::SqrtOp::create(b, l, v));
        return add(b, l, mul(b, l, norm, a[1]), a[2]);
      });
  n.setOutput(0, y);
  return success();
}

} // namespace

void mlir::tern::onnx_import::registerNormalizationOps(OpTable &t) {
  t["Softmax"] = [](NodeImporter &n) { return importSoftmax(n, false); };
  t["LogSoftmax"] = [](NodeImporter &n) { return importSoftmax(n, true); };
  t["LayerNormalization"] = importLayerNormalization;
  t["BatchNormalization"] = importBatchNormalization;
}
