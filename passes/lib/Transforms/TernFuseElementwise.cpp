//===- TernFuseElementwise.cpp - Fuse elementwise kernels -------*- C++ -*-===//
//
// Each linalg.generic becomes one kernel and one pass over memory. Chains of
// elementwise ops (scale, bias, activation) are cheap to compute and
// expensive to store, so they are fused; reductions are left alone so that
// no elementwise work is repeated inside a reduction loop.
//
//===----------------------------------------------------------------------===//

#include "tern/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::tern {
#define GEN_PASS_DEF_TERNFUSEELEMENTWISEPASS
#include "tern/Transforms/Passes.h.inc"
} // namespace mlir::tern

using namespace mlir;

namespace {

/// Fuse only into consumers without reduction loops.
bool onlyIntoElementwise(OpOperand *fusedOperand) {
  auto consumer = dyn_cast<linalg::LinalgOp>(fusedOperand->getOwner());
  return consumer && consumer.getNumReductionLoops() == 0;
}

struct TernFuseElementwisePass
    : public tern::impl::TernFuseElementwisePassBase<TernFuseElementwisePass> {
  using TernFuseElementwisePassBase::TernFuseElementwisePassBase;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    linalg::populateElementwiseOpsFusionPatterns(patterns, onlyIntoElementwise);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
