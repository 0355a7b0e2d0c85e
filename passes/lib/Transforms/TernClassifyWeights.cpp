//===- TernClassifyWeights.cpp - Sparse formats chosen per layer -*- C++
//-*-===//
//
// The bridge from dense matmuls whose constants hold zeros (trained sparse,
// or pruned by tern-prune) to tern.sparse_matmul: measure each layer's
// zeros, ask the cost model, and write the weights in the chosen format's
// type. Layers that stay dense say why, as tern-raise does.
//
//===----------------------------------------------------------------------===//

#include "tern/Analysis/Layers.h"
#include "tern/Analysis/SparseWeights.h"
#include "tern/Dialect/Tern/IR/ConstantData.h"
#include "tern/Dialect/Tern/IR/SparseEncoding.h"
#include "tern/Dialect/Tern/IR/TernOps.h"
#include "tern/Dialect/Tern/IR/TernaryPacking.h"
#include "tern/Transforms/Passes.h"

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
    // Pruned-ternary layers (raised already): index lists, ternary N:M or
    // the 2-bit kernel. --sparse=ell forces index lists, nm ternary N:M
    // (where the pattern holds); bsr leaves them.
    SmallVector<TernaryMatmulOp> ternaries;
    if (ternary)
      getOperation()->walk(
          [&](TernaryMatmulOp op) { ternaries.push_back(op); });
    sparse::TernaryForm ternaryForced =
        !force                          ? sparse::TernaryForm::I2
        : forced == sparse::Format::Ell ? sparse::TernaryForm::IndexList
        : forced == sparse::Format::NM  ? sparse::TernaryForm::NM
                                        : sparse::TernaryForm::I2;
    IRRewriter ternaryRewriter(&getContext());
    for (TernaryMatmulOp op : ternaries) {
      // A layer whose model quantizes its activations (BitLinear) runs the
      // int8 kernel, which index lists do not have.
      if (modelQuantizesActivations(op))
        continue;
      std::string why;
      Location loc = op.getLoc();
      if (failed(classifyTernary(op, ternaryRewriter, ternaryForced, why)) &&
          report)
        emitRemark(loc) << "tern-classify-weights: ternary layer '"
                        << layerName(loc)
                        << "' kept on the 2-bit kernel: " << why;
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

  /// Rewrites a ternary layer with many zero trits to tern.sparse_matmul
  /// in ELL form (lowered to index lists) or N:M form (lowered to ternary
  /// N:M), or fails with the reason.
  LogicalResult classifyTernary(TernaryMatmulOp op, RewriterBase &rewriter,
                                sparse::TernaryForm forced, std::string &why) {
    if (op.getKernelAttr()) {
      why = "its kernel is chosen already";
      return failure();
    }
    auto inputType = op.getInput().getType();
    if (!inputType.getElementType().isF32()) {
      why = "index lists take f32 activations";
      return failure();
    }
    std::optional<std::vector<int8_t>> constantTrits = getConstantTrits(op);
    ElementsAttr scalesAttr = getConstantElements(op.getScales());
    std::optional<SmallVector<double>> scales =
        scalesAttr ? getConstantFloats(scalesAttr) : std::nullopt;
    if (!constantTrits || !scales) {
      why = "its weights or scales are not constants";
      return failure();
    }
    const std::vector<int8_t> &trits = *constantTrits;
    int64_t k = inputType.getDimSize(1);
    int64_t n = op.getWeights().getType().getDimSize(0);
    WeightMatrix w;
    w.n = n;
    w.k = k;
    w.values.resize(n * k);
    for (int64_t r = 0; r < n; ++r)
      for (int64_t c = 0; c < k; ++c)
        w.values[r * k + c] = static_cast<float>(
            trits[r * k + c] * (*scales)[scales->size() == 1 ? 0 : r]);
    sparse::Stats stats = sparse::analyze(w.values, n, k);
    std::string summary =
        "density " + percent(stats.density()) + ", pattern " + stats.pattern();
    if (format == "dense") {
      why = summary + ": format=dense";
      return failure();
    }
    int64_t m = inputType.isDynamicDim(0) ? 1 : inputType.getDimSize(0);
    sparse::TernaryDecision d = sparse::chooseTernary(stats, m, forced);
    if (d.form == sparse::TernaryForm::I2) {
      why = summary + ": " + d.reason;
      return failure();
    }
    SparseWeightFormat f;
    std::string described;
    if (d.form == sparse::TernaryForm::NM) {
      f.kind = SparseWeightFormat::NM;
      f.keep = stats.nmN;
      f.group = stats.nmM;
      described = "ternary " + f.str();
    } else {
      f.kind = SparseWeightFormat::Ell;
      f.rowLength = stats.maxRowNnz;
      described =
          "index lists (row length " + std::to_string(stats.maxRowNnz) + ")";
    }
    // `op` is erased by the replacement: its location is read first (the
    // sanitizer build found the remark reading it after).
    Location loc = op.getLoc();
    replaceBySparse(rewriter, op, op.getInput(), op.getResult().getType(), w,
                    f);
    if (report)
      emitRemark(loc) << "tern-classify-weights: ternary layer '"
                      << layerName(loc) << "' (" << n << " x " << k
                      << "): " << summary << ", format " << described << ", "
                      << d.i2Bytes << " -> " << d.bytes
                      << " bytes: " << d.reason;
    return success();
  }

  /// Replaces `op` by tern.sparse_matmul of `input` and `w` stored as `f`.
  void replaceBySparse(RewriterBase &rewriter, Operation *op, Value input,
                       RankedTensorType resultType, const WeightMatrix &w,
                       const SparseWeightFormat &f) {
    auto encoded =
        RankedTensorType::get({w.n, w.k}, rewriter.getF32Type(),
                              getSparseWeightEncoding(op->getContext(), f));
    rewriter.setInsertionPoint(op);
    Location loc = op->getLoc();
    Value weights = arith::ConstantOp::create(
        rewriter, loc, encoded,
        DenseElementsAttr::get(encoded, ArrayRef<float>(w.values)));
    SmallVector<Operation *> producers;
    for (Value v : op->getOperands())
      if (Operation *def = v.getDefiningOp())
        producers.push_back(def);
    auto sparseOp =
        SparseMatmulOp::create(rewriter, loc, resultType, input, weights);
    rewriter.replaceOp(op, sparseOp.getResult());
    // The dense weights (and a transpose or fill feeding the old op) are
    // dead now: erase them and what only they used.
    llvm::SetVector<Operation *> dead(producers.begin(), producers.end());
    for (size_t i = 0; i < dead.size(); ++i) {
      Operation *def = dead[i];
      if (!def->use_empty() || !isPure(def))
        continue;
      for (Value v : def->getOperands())
        if (Operation *p = v.getDefiningOp())
          dead.insert(p);
      rewriter.eraseOp(def);
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
    Location loc = op.getLoc();
    replaceBySparse(rewriter, op, op.getInputs()[0], resultType, *w, f);
    if (report)
      emitRemark(loc) << "tern-classify-weights: layer '" << layerName(loc)
                      << "' (" << w->n << " x " << w->k << "): " << summary
                      << ", format " << f.str() << ", " << d.denseBytes
                      << " -> " << d.bytes << " bytes: " << d.reason;
    return success();
  }
};

} // namespace
