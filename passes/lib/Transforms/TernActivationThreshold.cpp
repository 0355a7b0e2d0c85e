//===- TernActivationThreshold.cpp - TEAL-style thresholds ------*- C++ -*-===//
//
// Training-free activation sparsity (TEAL): most hidden activations of a
// trained model are small, and zeroing those below a per-layer threshold
// costs little accuracy while letting the layer skip the rows of weights
// they would multiply. This pass materializes thresholds that calibration
// chose (`tern.activation_threshold` on a matmul layer) as an elementwise
// `x -> |x| > T ? x : 0` before the layer; tern-skip-zero-activations then
// turns the zeros into skipped work.
//
//===----------------------------------------------------------------------===//

#include "tern/Analysis/Layers.h"
#include "tern/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cstdio>

namespace mlir::tern {
#define GEN_PASS_DEF_TERNACTIVATIONTHRESHOLDPASS
#include "tern/Transforms/Passes.h.inc"
} // namespace mlir::tern

using namespace mlir;
using namespace mlir::tern;

Value mlir::tern::buildActivationThreshold(OpBuilder &b, Location loc, Value x,
                                           float t) {
  auto type = cast<RankedTensorType>(x.getType());
  Type f32 = b.getF32Type();
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, x);
  Value empty = tensor::EmptyOp::create(b, loc, sizes, f32);
  AffineMap id = b.getMultiDimIdentityMap(type.getRank());
  SmallVector<utils::IteratorType> iterators(type.getRank(),
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{type}, ValueRange{x}, ValueRange{empty},
      ArrayRef<AffineMap>{id, id}, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value v = args[0];
        Value hi = arith::ConstantOp::create(nb, nloc, nb.getF32FloatAttr(t));
        Value lo = arith::ConstantOp::create(nb, nloc, nb.getF32FloatAttr(-t));
        Value zero =
            arith::ConstantOp::create(nb, nloc, nb.getF32FloatAttr(0.0f));
        // Unordered comparisons: a NaN stays (and reaches the output).
        Value above =
            arith::CmpFOp::create(nb, nloc, arith::CmpFPredicate::UGT, v, hi);
        Value below =
            arith::CmpFOp::create(nb, nloc, arith::CmpFPredicate::ULT, v, lo);
        Value keep = arith::OrIOp::create(nb, nloc, above, below);
        Value out = arith::SelectOp::create(nb, nloc, keep, v, zero);
        linalg::YieldOp::create(nb, nloc, out);
      });
  return generic.getResult(0);
}

namespace {

struct TernActivationThresholdPass
    : public tern::impl::TernActivationThresholdPassBase<
          TernActivationThresholdPass> {
  using TernActivationThresholdPassBase::TernActivationThresholdPassBase;

  void runOnOperation() override {
    SmallVector<Operation *> layers;
    getOperation()->walk([&](Operation *op) {
      if (op->hasAttr("tern.activation_threshold"))
        layers.push_back(op);
    });
    OpBuilder b(&getContext());
    for (Operation *op : layers) {
      // The dialect verifies the attribute (a finite float >= 0 on a
      // linalg.matmul or tern.ternary_matmul) before any pass runs.
      double t = op->getAttrOfType<FloatAttr>("tern.activation_threshold")
                     .getValueAsDouble();
      Value x = op->getOperand(0);
      auto type = dyn_cast<RankedTensorType>(x.getType());
      if (!type || !type.getElementType().isF32()) {
        op->emitError() << "tern.activation_threshold needs an input of f32 "
                           "elements (a ranked tensor), found "
                        << x.getType();
        return signalPassFailure();
      }
      b.setInsertionPoint(op);
      Value thresholded =
          buildActivationThreshold(b, op->getLoc(), x, static_cast<float>(t));
      op->setOperand(0, thresholded);
      op->removeAttr("tern.activation_threshold");
      if (report) {
        char text[32];
        std::snprintf(text, sizeof(text), "%.9g", static_cast<float>(t));
        emitRemark(op->getLoc())
            << "tern-activation-threshold: layer '" << layerName(op->getLoc())
            << "' zeros inputs with |x| <= " << text;
      }
    }
  }
};

} // namespace
