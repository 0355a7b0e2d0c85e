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

/// Upstream's elementwise fusion, but the fused kernel keeps the locations
/// of both ops (a FusedLoc): upstream gives it the consumer's alone, so a
/// layer's bias, fused into the next layer's activation, was reported under
/// the activation's name. Registered with a higher benefit than upstream's
/// pattern, which it replaces; the rest of populateElementwiseOpsFusion-
/// Patterns (fill folding, dead outs) stays as it is.
struct FuseElementwiseKeepingLocations
    : public OpRewritePattern<linalg::GenericOp> {
  FuseElementwiseKeepingLocations(MLIRContext *context)
      : OpRewritePattern<linalg::GenericOp>(context, /*benefit=*/2) {}

  LogicalResult matchAndRewrite(linalg::GenericOp consumer,
                                PatternRewriter &rewriter) const override {
    for (OpOperand &operand : consumer->getOpOperands()) {
      if (!linalg::areElementwiseOpsFusable(&operand) ||
          !onlyIntoElementwise(&operand))
        continue;
      Operation *producer = operand.get().getDefiningOp();
      Location loc =
          rewriter.getFusedLoc({producer->getLoc(), consumer->getLoc()});
      FailureOr<linalg::ElementwiseOpFusionResult> fused =
          linalg::fuseElementwiseOps(rewriter, &operand);
      if (failed(fused))
        return failure();
      rewriter.modifyOpInPlace(fused->fusedOp,
                               [&] { fused->fusedOp->setLoc(loc); });
      for (auto [original, replacement] : fused->replacements)
        rewriter.replaceUsesWithIf(original, replacement, [&](OpOperand &use) {
          return use.get().getDefiningOp() != producer;
        });
      rewriter.eraseOp(consumer);
      return success();
    }
    return failure();
  }
};

struct TernFuseElementwisePass
    : public tern::impl::TernFuseElementwisePassBase<TernFuseElementwisePass> {
  using TernFuseElementwisePassBase::TernFuseElementwisePassBase;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FuseElementwiseKeepingLocations>(&getContext());
    linalg::populateElementwiseOpsFusionPatterns(patterns, onlyIntoElementwise);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
