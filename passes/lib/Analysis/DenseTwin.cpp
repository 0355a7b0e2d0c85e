//===- DenseTwin.cpp - What each layer would cost as dense fp32 -----------===//
//
// See DenseTwin.h. A constant belongs to the layer of the first op that
// reads it through shape-only ops (reshapes, transposes), so a weight
// matrix transposed by the front end is counted once, at its matmul.
//
//===----------------------------------------------------------------------===//

#include "tern/Analysis/DenseTwin.h"
#include "tern/Analysis/Layers.h"
#include "tern/Dialect/Tern/IR/TernOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::tern;

namespace {

int64_t staticSize(int64_t d) { return ShapedType::isDynamic(d) ? 1 : d; }

/// Multiplications in one run of `op`'s body.
int64_t multipliesIn(linalg::LinalgOp op) {
  if (op->getNumRegions() == 0 || op->getRegion(0).empty())
    return 0;
  int64_t count = 0;
  op->getRegion(0).walk([&](Operation *inner) {
    if (isa<arith::MulFOp, arith::MulIOp>(inner))
      ++count;
  });
  return count;
}

bool isShapeOnly(Operation *op) {
  return isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp, tensor::CastOp,
             tensor::ReshapeOp, linalg::TransposeOp>(op);
}

/// The op that computes with `value`: its first user, looking through
/// shape-only ops.
Operation *computingUser(Value value) {
  for (int depth = 0; depth < 8; ++depth) {
    if (value.use_empty())
      return nullptr;
    Operation *user = *value.getUsers().begin();
    if (!isShapeOnly(user) || user->getNumResults() != 1)
      return user;
    value = user->getResult(0);
  }
  return nullptr;
}

} // namespace

std::map<std::string, DenseTwinLayer>
mlir::tern::measureDenseTwin(ModuleOp module) {
  std::map<std::string, DenseTwinLayer> layers;
  module.walk([&](Operation *op) {
    if (auto c = dyn_cast<arith::ConstantOp>(op)) {
      auto type = dyn_cast<RankedTensorType>(c.getType());
      // A splat (a fill value, a padding constant) stores no weights.
      auto value = dyn_cast<DenseElementsAttr>(c.getValue());
      if (!type || !type.hasStaticShape() || type.getNumElements() <= 1 ||
          (value && value.isSplat()))
        return;
      // A ternary matmul's packed bytes are counted as its N x K weights.
      Operation *user = computingUser(c.getResult());
      if (user && !isa<TernaryMatmulOp>(user))
        layers[layerName(user->getLoc())].params += type.getNumElements();
      return;
    }
    if (auto t = dyn_cast<TernaryMatmulOp>(op)) {
      auto in = t.getInput().getType();
      auto out = t.getResult().getType();
      DenseTwinLayer &layer = layers[layerName(op->getLoc())];
      int64_t k = staticSize(in.getDimSize(1)),
              n = staticSize(out.getDimSize(1));
      layer.macs += staticSize(in.getDimSize(0)) * k * n;
      layer.params += k * n;
      return;
    }
    if (auto s = dyn_cast<SparseMatmulOp>(op)) {
      auto in = s.getInput().getType();
      auto out = s.getResult().getType();
      layers[layerName(op->getLoc())].macs += staticSize(in.getDimSize(0)) *
                                              staticSize(in.getDimSize(1)) *
                                              staticSize(out.getDimSize(1));
      return;
    }
    auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
    if (!linalgOp || isShapeOnly(op))
      return;
    int64_t multiplies = multipliesIn(linalgOp);
    if (multiplies == 0)
      return;
    int64_t points = 1;
    for (int64_t range : linalgOp.getStaticLoopRanges())
      points *= staticSize(range);
    layers[layerName(op->getLoc())].macs += points * multiplies;
  });
  return layers;
}
