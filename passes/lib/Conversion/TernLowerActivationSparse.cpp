//===- TernLowerActivationSparse.cpp - Activation-sparse matmul -*- C++ -*-===//
//
// tern.activation_sparse_matmul says what a layer computes and that its
// activations are sparse at run time. It lowers into the two pieces the
// rest of the pipeline already knows: the threshold that zeros the
// activations it drops, and a linalg.matmul. tern-raise then picks the
// weights' kernel (ternary or dense) as for any layer, and
// tern-skip-zero-activations, seeing the threshold in front, makes the
// kernel visit only the nonzero inputs.
//
//===----------------------------------------------------------------------===//

#include "tern/Analysis/Layers.h"
#include "tern/Conversion/Passes.h"
#include "tern/Dialect/Tern/IR/TernOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"

namespace mlir::tern {
#define GEN_PASS_DEF_TERNLOWERACTIVATIONSPARSEPASS
#include "tern/Conversion/Passes.h.inc"
} // namespace mlir::tern

using namespace mlir;
using namespace mlir::tern;

namespace {

struct TernLowerActivationSparsePass
    : public tern::impl::TernLowerActivationSparsePassBase<
          TernLowerActivationSparsePass> {
  using TernLowerActivationSparsePassBase::TernLowerActivationSparsePassBase;

  void runOnOperation() override {
    SmallVector<ActivationSparseMatmulOp> ops;
    getOperation()->walk(
        [&](ActivationSparseMatmulOp op) { ops.push_back(op); });
    OpBuilder b(&getContext());
    for (ActivationSparseMatmulOp op : ops) {
      auto inputType = op.getInput().getType();
      if (!inputType.getElementType().isF32() ||
          !op.getWeights().getType().getElementType().isF32()) {
        op.emitOpError() << "tern-lower-activation-sparse supports f32 "
                            "activations and weights, found "
                         << inputType.getElementType() << " and "
                         << op.getWeights().getType().getElementType();
        return signalPassFailure();
      }
      Location loc = op.getLoc();
      b.setInsertionPoint(op);
      Value x = buildActivationThreshold(b, loc, op.getInput(),
                                         op.getThreshold().convertToFloat());

      Value init =
          zeroFilledResult(b, loc, op.getResult().getType(), op.getInput());
      // input[m, k] * weights[n, k]: the transposed-B maps.
      MLIRContext *ctx = &getContext();
      AffineExpr m, n, k;
      bindDims(ctx, m, n, k);
      auto maps = b.getAffineMapArrayAttr({AffineMap::get(3, 0, {m, k}, ctx),
                                           AffineMap::get(3, 0, {n, k}, ctx),
                                           AffineMap::get(3, 0, {m, n}, ctx)});
      auto matmul = linalg::MatmulOp::create(
          b, loc, TypeRange{init.getType()}, ValueRange{x, op.getWeights()},
          ValueRange{init},
          ArrayRef<NamedAttribute>{b.getNamedAttr("indexing_maps", maps)});
      op.getResult().replaceAllUsesWith(matmul.getResult(0));
      op.erase();
    }
  }
};

} // namespace
