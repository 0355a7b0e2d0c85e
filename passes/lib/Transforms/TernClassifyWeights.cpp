//===- TernClassifyWeights.cpp - Sparse formats chosen per layer -*- C++
//-*-===//
//
// The bridge from dense matmuls whose constants hold zeros (trained sparse,
// or pruned by tern-prune) to tern.sparse_matmul: measure each layer's
// zeros, ask the cost model, and write the weights in the chosen format's
// type. Layers that stay dense say why, as tern-raise does.
//
//===----------------------------------------------------------------------===//

#include "tern/Dialect/Tern/IR/SparseEncoding.h"
#include "tern/Dialect/Tern/IR/TernOps.h"
#include "tern/Transforms/Layers.h"
#include "tern/Transforms/Passes.h"
#include "tern/Transforms/SparseWeights.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"

#include <cstdio>

namespace mlir::tern {
#define GEN_PASS_DEF_TERNCLASSIFYWEIGHTSPASS
#include "tern/Transforms/Passes.h.inc"
} // namespace mlir::tern

using namespace mlir;
using namespace mlir::tern;

namespace {

std::string percent(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f%%", 100 * v);
  return buf;
}

struct TernClassifyWeightsPass
    : public tern::impl::TernClassifyWeightsPassBase<TernClassifyWeightsPass> {
  using TernClassifyWeightsPassBase::TernClassifyWeightsPassBase;

  void runOnOperation() override {
    sparse::Format forced = sparse::Format::Dense;
    bool force = false;
    if (format == "ell" || format == "nm" || format == "bsr") {
      force = true;
      forced = format == "ell"  ? sparse::Format::Ell
               : format == "nm" ? sparse::Format::NM
                                : sparse::Format::Bsr;
    } else if (format != "auto" && format != "dense") {
      getOperation().emitError()
          << "tern-classify-weights: unknown format '" << format
          << "' (expected auto, dense, ell, nm or bsr)";
      return signalPassFailure();
    }
    SmallVector<linalg::MatmulOp> matmuls;
    getOperation()->walk([&](linalg::MatmulOp op) { matmuls.push_back(op); });
    IRRewriter rewriter(&getContext());
    for (linalg::MatmulOp op : matmuls) {
      std::string why;
      Location loc = op.getLoc();
      if (failed(classify(op, rewriter, forced, force, why)) && report)
        emitRemark(loc) << "tern-classify-weights: layer '" << layerName(loc)
                        << "' kept dense: " << why;
    }
  }

  /// Rewrites `op` to tern.sparse_matmul, or fails with the reason.
  LogicalResult classify(linalg::MatmulOp op, RewriterBase &rewriter,
                         sparse::Format forced, bool force, std::string &why) {
    if (!op.hasPureTensorSemantics()) {
      why = "it does not operate on tensors";
      return failure();
    }
    auto inputType = dyn_cast<RankedTensorType>(op.getInputs()[0].getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getResult(0).getType());
    if (!inputType || !resultType || !inputType.getElementType().isF32() ||
        !resultType.getElementType().isF32()) {
      why = "sparse kernels take f32 activations and results";
      return failure();
    }
    if (!isZeroFill(op.getDpsInitOperand(0)->get())) {
      why = "it accumulates into an init that is not a zero linalg.fill";
      return failure();
    }
    FailureOr<WeightSource> source = findWeights(op, why);
    if (failed(source))
      return failure();
    auto weightType = cast<ShapedType>(source->constant.getType());
    if (!weightType.getElementType().isF32()) {
      why = "the weights are not f32";
      return failure();
    }
    FailureOr<WeightMatrix> w = readWeights(*source, why);
    if (failed(w))
      return failure();
    sparse::Stats stats = sparse::analyze(w->values, w->n, w->k);
    int64_t m = inputType.isDynamicDim(0) ? 1 : inputType.getDimSize(0);
    if (format == "dense") {
      why = "density " + percent(stats.density()) + ", pattern " +
            stats.pattern() + ": format=dense";
      return failure();
    }
    sparse::Decision d = sparse::choose(stats, m, forced, force);
    std::string summary =
        "density " + percent(stats.density()) + ", pattern " + stats.pattern();
    if (d.format == sparse::Format::Dense) {
      why = summary + ": " + d.reason;
      return failure();
    }

    SparseWeightFormat f;
    switch (d.format) {
    case sparse::Format::Ell:
      f.kind = SparseWeightFormat::Ell;
      f.rowLength = stats.maxRowNnz;
      break;
    case sparse::Format::NM:
      f.kind = SparseWeightFormat::NM;
      f.keep = stats.nmN;
      f.group = stats.nmM;
      break;
    case sparse::Format::Bsr:
      f.kind = SparseWeightFormat::Bsr;
      f.blockRows = f.blockCols = sparse::kBlock;
      break;
    case sparse::Format::Dense:
      break;
    }
    MLIRContext *ctx = op.getContext();
    auto encoded = RankedTensorType::get({w->n, w->k}, rewriter.getF32Type(),
                                         getSparseWeightEncoding(ctx, f));
    rewriter.setInsertionPoint(op);
    Location loc = op.getLoc();
    Value weights = arith::ConstantOp::create(
        rewriter, loc, encoded,
        DenseElementsAttr::get(encoded, ArrayRef<float>(w->values)));
    Value oldWeights = op.getDpsInputOperand(1)->get();
    auto sparseOp = SparseMatmulOp::create(rewriter, loc, resultType,
                                           op.getInputs()[0], weights);
    rewriter.replaceOp(op, sparseOp.getResult());
    // The dense copy is dead now (and a transpose feeding the matmul).
    Operation *transpose =
        oldWeights != source->constant ? oldWeights.getDefiningOp() : nullptr;
    if (transpose && transpose->use_empty() && isPure(transpose))
      rewriter.eraseOp(transpose);
    if (Operation *def = source->constant.getDefiningOp())
      if (def->use_empty() && isPure(def))
        rewriter.eraseOp(def);
    if (report)
      emitRemark(loc) << "tern-classify-weights: layer '" << layerName(loc)
                      << "' (" << w->n << " x " << w->k << "): " << summary
                      << ", format " << f.str() << ", " << d.denseBytes
                      << " -> " << d.bytes << " bytes: " << d.reason;
    return success();
  }
};

} // namespace
