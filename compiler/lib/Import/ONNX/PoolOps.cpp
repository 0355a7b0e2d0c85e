//===- PoolOps.cpp - MaxPool, AveragePool, global pools -------------------===//
//
// A pool is one reduction generic over (N, C, outputs..., window...). When
// every window lies inside the input the input is read through an affine
// indexing map; otherwise through tensor.extract at a clamped index, with
// padding positions replaced by -inf (max) or 0 (average). AveragePool
// divides by a per-position count computed on the host, which handles
// count_include_pad and ceil_mode windows exactly.
//
//===----------------------------------------------------------------------===//

#include "Builders.h"
#include "ImportContext.h"
#include "Window.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <limits>

using namespace mlir;
using namespace mlir::tern::onnx_import;

namespace {

/// Reduces windows of x (N, C, S...). `padValue` replaces reads outside the
/// input; `combine(acc, v)` accumulates.
Value poolWindows(
    NodeImporter &n, Value x, const Window &w, TypedAttr init, double padValue,
    llvm::function_ref<Value(OpBuilder &, Location, Value, Value)> combine) {
  auto xt = cast<RankedTensorType>(x.getType());
  MLIRContext *ctx = n.ctx;
  int64_t r = w.rank();
  SmallVector<int64_t> loops = {xt.getDimSize(0), xt.getDimSize(1)};
  loops.append(w.output.begin(), w.output.end());
  loops.append(w.kernel.begin(), w.kernel.end());
  SmallVector<bool> reduced(loops.size(), false);
  for (int64_t d = 0; d < r; ++d)
    reduced[2 + r + d] = true;
  Type elem = xt.getElementType();
  if (w.insideInput()) {
    SmallVector<AffineExpr> e = {getAffineDimExpr(0, ctx),
                                 getAffineDimExpr(1, ctx)};
    for (int64_t d = 0; d < r; ++d)
      e.push_back(getAffineDimExpr(2 + d, ctx) * w.strides[d] +
                  getAffineDimExpr(2 + r + d, ctx) * w.dilations[d]);
    return reductionGeneric(n.b, n.loc, loops, reduced, elem, init, x,
                            AffineMap::get(loops.size(), 0, e, ctx),
                            [&](OpBuilder &b, Location l, ValueRange a) {
                              return combine(b, l, a[1], a[0]);
                            });
  }
  return reductionGeneric(
      n.b, n.loc, loops, reduced, elem, init, {}, {},
      [&](OpBuilder &b, Location l, ValueRange a) {
        SmallVector<Value> at = {loopIndex(b, l, 0), loopIndex(b, l, 1)};
        Value inside;
        for (int64_t d = 0; d < r; ++d) {
          Value i = arith::AddIOp::create(
              b, l,
              arith::MulIOp::create(b, l, loopIndex(b, l, 2 + d),
                                    indexConstant(b, l, w.strides[d])),
              arith::MulIOp::create(b, l, loopIndex(b, l, 2 + r + d),
                                    indexConstant(b, l, w.dilations[d])));
          i = arith::SubIOp::create(b, l, i,
                                    indexConstant(b, l, w.padBegin[d]));
          Value ok = arith::AndIOp::create(
              b, l,
              arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge, i,
                                    indexConstant(b, l, 0)),
              arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, i,
                                    indexConstant(b, l, w.input[d])));
          inside = inside ? Value(arith::AndIOp::create(b, l, inside, ok)) : ok;
          at.push_back(clampIndex(b, l, i, 0, w.input[d] - 1));
        }
        Value v = tensor::ExtractOp::create(b, l, x, at);
        v = select(b, l, inside, v, scalarConstant(b, l, elem, padValue));
        return combine(b, l, a[0], v);
      });
}

/// Reads X and the pool attributes shared by MaxPool and AveragePool.
FailureOr<Window> poolWindow(NodeImporter &n, RankedTensorType xt) {
  if (!isa<FloatType>(xt.getElementType()))
    return n.unsupported(n.node.op_type() + " on integer tensors");
  if (xt.getRank() < 3) {
    n.error() << "X must be (N, C, spatial...), got " << xt;
    return failure();
  }
  std::optional<SmallVector<int64_t>> kernel = n.intsAttr("kernel_shape");
  if (!kernel || static_cast<int64_t>(kernel->size()) != xt.getRank() - 2) {
    n.error() << "kernel_shape must give one size per spatial axis";
    return failure();
  }
  return readWindow(n, xt.getShape().drop_front(2), *kernel,
                    n.intAttr("ceil_mode", 0) != 0);
}

LogicalResult importMaxPool(NodeImporter &n) {
  if (failed(n.checkAttributes({"auto_pad", "ceil_mode", "dilations",
                                "kernel_shape", "pads", "storage_order",
                                "strides"})))
    return failure();
  if (n.hasOutput(1))
    return n.unsupported("MaxPool's Indices output");
  FailureOr<Value> x = n.input(0);
  if (failed(x))
    return failure();
  Type elem = n.type(0).getElementType();
  FailureOr<Window> w = poolWindow(n, n.type(0));
  if (failed(w))
    return failure();
  double ninf = -std::numeric_limits<double>::infinity();
  n.setOutput(0, poolWindows(n, *x, *w, FloatAttr::get(elem, ninf), ninf,
                             [](OpBuilder &b, Location l, Value acc, Value v) {
                               return maximum(b, l, acc, v);
                             }));
  return success();
}

LogicalResult importAveragePool(NodeImporter &n) {
  if (failed(
          n.checkAttributes({"auto_pad", "ceil_mode", "count_include_pad",
                             "kernel_shape", "pads", "strides", "dilations"})))
    return failure();
  FailureOr<Value> x = n.input(0);
  if (failed(x))
    return failure();
  RankedTensorType xt = n.type(0);
  Type elem = xt.getElementType();
  FailureOr<Window> w = poolWindow(n, xt);
  if (failed(w))
    return failure();
  bool includePad = n.intAttr("count_include_pad", 0) != 0;
  // The divisors are computed here, one per output, window point by
  // window point: bounded so that a few-byte model cannot ask for
  // gigabytes or hours.
  constexpr int64_t kMaxDivisorWork = int64_t(1) << 26;
  if (mulElements(numElements(w->output), numElements(w->kernel)) >
      kMaxDivisorWork) {
    n.error() << "AveragePool over " << numElements(w->output)
              << " output points with a window of " << numElements(w->kernel)
              << " is larger than Tern computes the divisors of (2^26 "
                 "window points)";
    return failure();
  }
  Value sum = poolWindows(n, *x, *w, FloatAttr::get(elem, 0.0), 0.0,
                          [](OpBuilder &b, Location l, Value acc, Value v) {
                            return add(b, l, acc, v);
                          });
  // Divisor per output position: window positions inside the input (or,
  // with count_include_pad, inside the explicitly padded input).
  int64_t r = w->rank();
  SmallVector<double> counts;
  SmallVector<int64_t> pos(r, 0);
  for (int64_t o = 0; o < numElements(w->output); ++o) {
    double count = 1;
    for (int64_t d = 0; d < r; ++d) {
      int64_t lo = includePad ? -w->padBegin[d] : 0;
      int64_t hi = includePad ? w->input[d] + w->padEnd[d] : w->input[d];
      int64_t k = 0;
      for (int64_t j = 0; j < w->kernel[d]; ++j) {
        int64_t i =
            pos[d] * w->strides[d] + j * w->dilations[d] - w->padBegin[d];
        k += i >= lo && i < hi;
      }
      count *= k;
    }
    counts.push_back(count);
    for (int64_t d = r - 1; d >= 0; --d) {
      if (++pos[d] < w->output[d])
        break;
      pos[d] = 0;
    }
  }
  Value countT = constantTensor(
      n.b, n.loc,
      attrFromDoubles(RankedTensorType::get(w->output, elem), counts));
  auto st = cast<RankedTensorType>(sum.getType());
  MLIRContext *ctx = n.ctx;
  SmallVector<AffineExpr> ce;
  for (int64_t d = 0; d < r; ++d)
    ce.push_back(getAffineDimExpr(2 + d, ctx));
  Value y = parallelGeneric(n.b, n.loc, st.getShape(), elem, {sum, countT},
                            {AffineMap::getMultiDimIdentityMap(r + 2, ctx),
                             AffineMap::get(r + 2, 0, ce, ctx)},
                            [](OpBuilder &b, Location l, ValueRange a) {
                              return div(b, l, a[0], a[1]);
                            });
  n.setOutput(0, y);
  return success();
}

LogicalResult importGlobalPool(NodeImporter &n, bool average) {
  if (failed(n.checkAttributes({})))
    return failure();
  FailureOr<Value> x = n.input(0);
  if (failed(x))
    return failure();
  RankedTensorType xt = n.type(0);
  Type elem = xt.getElementType();
  if (!isa<FloatType>(elem) || xt.getRank() < 3)
    return n.unsupported(
        n.node.op_type() + " of " +
        std::string(xt.getRank() < 3 ? "rank < 3 tensors" : "integer tensors"));
  SmallVector<int64_t> axes;
  int64_t count = 1;
  for (int64_t d = 2; d < xt.getRank(); ++d) {
    axes.push_back(d);
    count *= xt.getDimSize(d);
  }
  double ninf = -std::numeric_limits<double>::infinity();
  Value r = reduce(n.b, n.loc, *x, axes, /*keepDims=*/true,
                   FloatAttr::get(elem, average ? 0.0 : ninf),
                   [&](OpBuilder &b, Location l, ValueRange a) {
                     return average ? add(b, l, a[1], a[0])
                                    : maximum(b, l, a[1], a[0]);
                   });
  n.setOutput(0, average ? divideBy(n.b, n.loc, r, double(count)) : r);
  return success();
}

} // namespace

void mlir::tern::onnx_import::registerPoolOps(OpTable &t) {
  t["MaxPool"] = importMaxPool;
  t["AveragePool"] = importAveragePool;
  t["GlobalAveragePool"] = [](NodeImporter &n) {
    return importGlobalPool(n, true);
  };
  t["GlobalMaxPool"] = [](NodeImporter &n) {
    return importGlobalPool(n, false);
  };
}
