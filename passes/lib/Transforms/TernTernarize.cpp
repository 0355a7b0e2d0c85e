//===- TernTernarize.cpp - Post-training ternarization
//----------------------===//
//
// BitNet b1.58's absmean rule applied after training to the constant
// weights of matmul layers, with the error it introduces reported per
// layer, so users can judge which layers tolerate it. The result is a
// plain float constant in {-a, 0, +a}: tern-raise packs it like weights
// that were trained ternary.
//
//===----------------------------------------------------------------------===//

#include "tern/Analysis/Layers.h"
#include "tern/Dialect/Tern/IR/ConstantData.h"
#include "tern/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"

#include <cmath>
#include <cstdio>

namespace mlir::tern {
#define GEN_PASS_DEF_TERNTERNARIZEPASS
#include "tern/Transforms/Passes.h.inc"
} // namespace mlir::tern

using namespace mlir;
using namespace mlir::tern;

namespace {

std::string formatDouble(const char *format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), format, v);
  return buf;
}

/// The float constant a layer multiplies by, or null.
arith::ConstantOp weightsOf(linalg::MatmulOp op) {
  auto cst = op.getInputs()[1].getDefiningOp<arith::ConstantOp>();
  if (!cst)
    return {};
  auto type = dyn_cast<RankedTensorType>(cst.getType());
  if (!type || !isa<FloatType>(type.getElementType()) ||
      !isa<DenseElementsAttr>(cst.getValue()))
    return {};
  return cst;
}

struct TernTernarizePass
    : public mlir::tern::impl::TernTernarizePassBase<TernTernarizePass> {
  using TernTernarizePassBase::TernTernarizePassBase;

  void runOnOperation() override {
    SmallVector<linalg::MatmulOp> layersFound;
    getOperation()->walk([&](linalg::MatmulOp op) {
      if (weightsOf(op))
        layersFound.push_back(op);
    });
    SmallVector<Operation *> ops(layersFound.begin(), layersFound.end());
    FailureOr<std::vector<bool>> selected =
        selectLayers(ops, layers, DefaultLayers::AllButEnds, getOperation(),
                     "tern-ternarize");
    if (failed(selected))
      return signalPassFailure();
    for (auto [i, op] : llvm::enumerate(layersFound))
      if ((*selected)[i])
        ternarize(op);
  }

  void ternarize(linalg::MatmulOp op) {
    arith::ConstantOp cst = weightsOf(op);
    auto attr = cast<DenseElementsAttr>(cst.getValue());
    auto type = cast<RankedTensorType>(attr.getType());
    SmallVector<double> w;
    for (APFloat f : attr.getValues<APFloat>()) {
      bool lost;
      f.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lost);
      w.push_back(f.convertToDouble());
    }
    double sumAbs = 0, norm = 0;
    for (double x : w) {
      sumAbs += std::fabs(x);
      norm += x * x;
    }
    // The scale is rounded to the weights' type first, as a model holding
    // it would store it.
    APFloat scaleF(w.empty() ? 0.0 : sumAbs / w.size());
    bool lost;
    scaleF.convert(cast<FloatType>(type.getElementType()).getFloatSemantics(),
                   APFloat::rmNearestTiesToEven, &lost);
    scaleF.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lost);
    double scale = scaleF.convertToDouble();
    double err = 0;
    int64_t zeros = 0;
    SmallVector<APFloat> out;
    for (double x : w) {
      double t = scale > 0 ? std::nearbyint(x / scale) : 0.0;
      t = std::clamp(t, -1.0, 1.0);
      zeros += t == 0;
      double v = t * scale;
      err += (x - v) * (x - v);
      APFloat a(v);
      a.convert(cast<FloatType>(type.getElementType()).getFloatSemantics(),
                APFloat::rmNearestTiesToEven, &lost);
      out.push_back(a);
    }
    OpBuilder b(cst);
    auto replacement = arith::ConstantOp::create(
        b, cst.getLoc(), DenseElementsAttr::get(type, out));
    op->setOperand(1, replacement);
    if (cst->use_empty())
      cst->erase();
    double rel = norm > 0 ? std::sqrt(err / norm) : 0.0;
    // N x K as the other passes print it: the constant is K x N with the
    // default maps, N x K with the transposed-B ones.
    std::string why;
    FailureOr<WeightSource> source = findWeights(op, why);
    bool nByK = succeeded(source) && source->transposed;
    int64_t n = type.getDimSize(nByK ? 0 : 1),
            k = type.getDimSize(nByK ? 1 : 0);
    op.emitRemark() << "tern-ternarize: ternarized layer '"
                    << layerName(op.getLoc()) << "' (" << n << " x " << k
                    << "): scale " << formatDouble("%.6g", scale)
                    << ", relative error " << formatDouble("%.4f", rel)
                    << ", zeros "
                    << formatDouble("%.1f%%",
                                    100.0 * zeros /
                                        std::max<size_t>(w.size(), 1));
  }
};

} // namespace
