//===- TernRaise.cpp - Raise ternary matmuls to tern ops ---------*- C++
//-*-===//
//
// The bridge from what front ends produce (linalg.matmul with constant
// float weights) to what Tern compiles well (tern.ternary_matmul with packed
// weights). It inspects each constant weight, decides whether it is ternary
// per tensor or per output row, packs it, and otherwise says why not: users
// need to know which layers did not become matmul-free.
//
//===----------------------------------------------------------------------===//

#include "tern/Analysis/Layers.h"
#include "tern/Dialect/Tern/IR/ConstantData.h"
#include "tern/Dialect/Tern/IR/TernOps.h"
#include "tern/Dialect/Tern/IR/TernaryPacking.h"
#include "tern/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

#include <cmath>

namespace mlir::tern {
#define GEN_PASS_DEF_TERNRAISEPASS
#include "tern/Transforms/Passes.h.inc"
} // namespace mlir::tern

using namespace mlir;
using namespace mlir::tern;

namespace {

/// A ternary weight matrix in the `N x K` view: W[n][k] = scale(n) * t[n][k].
struct TernaryWeights {
  int64_t n = 0, k = 0;
  TernaryScale scaleKind = TernaryScale::PerTensor;
  SmallVector<double> scales; // 1 or n values
  std::vector<int8_t> trits;  // n * k values in {-1, 0, 1}
};

static std::string formatValue(double v) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << v;
  return s;
}

/// Decides whether the constant `source` is ternary. On success fills
/// `result`; otherwise `why` says what was found.
static LogicalResult classify(const WeightSource &source,
                              TernaryWeights &result, std::string &why) {
  ElementsAttr attr = getConstantElements(source.constant);
  if (!attr) {
    why = "the weight operand is not a constant of static shape";
    return failure();
  }
  auto type = cast<ShapedType>(attr.getType());
  if (type.getRank() != 2) {
    why = "the weight constant is not a matrix";
    return failure();
  }
  if (exceedsTensorLimit(type)) {
    why = "the weight constant is 2 GiB or more, over Tern's tensor limit";
    return failure();
  }
  std::optional<SmallVector<double>> values = getConstantFloats(attr);
  if (!values) {
    why = "the weight constant cannot be read as floating-point values";
    return failure();
  }
  int64_t rows = type.getDimSize(0), cols = type.getDimSize(1);
  int64_t n = source.transposed ? rows : cols;
  int64_t k = source.transposed ? cols : rows;
  auto at = [&](int64_t row, int64_t col) {
    return source.transposed ? (*values)[row * cols + col]
                             : (*values)[col * cols + row];
  };

  // One magnitude per output row; 0 for a row of zeros.
  SmallVector<double> rowScale(n, 0.0);
  for (int64_t r = 0; r < n; ++r) {
    for (int64_t c = 0; c < k; ++c) {
      double v = at(r, c);
      if (!std::isfinite(v)) {
        why = "the weights hold a non-finite value at (" + std::to_string(r) +
              ", " + std::to_string(c) + ")";
        return failure();
      }
      double magnitude = std::fabs(v);
      if (magnitude == 0.0)
        continue;
      if (rowScale[r] == 0.0) {
        rowScale[r] = magnitude;
      } else if (rowScale[r] != magnitude) {
        why = "row " + std::to_string(r) + " has more than one nonzero " +
              "magnitude (" + formatValue(rowScale[r]) + " and " +
              formatValue(magnitude) + "): not ternary";
        return failure();
      }
    }
  }

  // Per tensor when all nonzero rows share one magnitude.
  double common = 0.0;
  bool perTensor = true;
  for (double s : rowScale) {
    if (s == 0.0)
      continue;
    if (common == 0.0)
      common = s;
    else if (s != common)
      perTensor = false;
  }

  result.n = n;
  result.k = k;
  result.trits.resize(n * k);
  for (int64_t r = 0; r < n; ++r)
    for (int64_t c = 0; c < k; ++c) {
      double v = at(r, c);
      result.trits[r * k + c] = v > 0 ? 1 : (v < 0 ? -1 : 0);
    }
  if (perTensor) {
    result.scaleKind = TernaryScale::PerTensor;
    result.scales = {common == 0.0 ? 1.0 : common};
  } else {
    result.scaleKind = TernaryScale::PerRow;
    result.scales.assign(rowScale.begin(), rowScale.end());
    for (double &s : result.scales)
      if (s == 0.0)
        s = 1.0; // a row of zeros: any scale gives 0
  }
  return success();
}

/// Raises one matmul, or returns failure with the reason in `why`.
static LogicalResult raise(linalg::MatmulOp op, RewriterBase &rewriter,
                           std::string &why, std::string &what) {
  if (!op.hasPureTensorSemantics()) {
    why = "it does not operate on tensors";
    return failure();
  }
  auto inputType =
      dyn_cast<RankedTensorType>(op.getDpsInputOperand(0)->get().getType());
  auto resultType = dyn_cast<RankedTensorType>(op.getResult(0).getType());
  if (!inputType || !resultType) {
    why = "its operands are not ranked tensors";
    return failure();
  }
  auto elementType = dyn_cast<FloatType>(inputType.getElementType());
  if (!elementType || resultType.getElementType() != elementType) {
    why = "its element type is not one floating-point type";
    return failure();
  }
  FailureOr<WeightSource> source = findWeights(op, why);
  if (failed(source))
    return failure();
  auto weightType = cast<ShapedType>(source->constant.getType());
  if (weightType.getElementType() != elementType) {
    why = "the weights' element type differs from the input's";
    return failure();
  }
  if (!isZeroFill(op.getDpsInitOperand(0)->get())) {
    why = "it accumulates into an init that is not a zero linalg.fill";
    return failure();
  }
  TernaryWeights weights;
  if (failed(classify(*source, weights, why)))
    return failure();

  MLIRContext *ctx = op.getContext();
  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  auto encoding =
      TernaryEncodingAttr::get(ctx, weights.scaleKind, TernaryPacking::I2);

  std::vector<int8_t> packed =
      packing::packI2(weights.trits, weights.n, weights.k);
  int64_t bytesPerRow = encoding.getBytesPerRow(weights.k);
  auto packedType =
      RankedTensorType::get({weights.n, bytesPerRow}, IntegerType::get(ctx, 8));
  auto packedAttr = DenseElementsAttr::get(
      packedType, ArrayRef<int8_t>(packed.data(), packed.size()));
  Value packedValue =
      arith::ConstantOp::create(rewriter, loc, packedType, packedAttr);

  auto scalesType = RankedTensorType::get(
      {static_cast<int64_t>(weights.scales.size())}, elementType);
  SmallVector<APFloat> scaleValues;
  for (double s : weights.scales) {
    APFloat v(s);
    bool lost = false;
    v.convert(elementType.getFloatSemantics(), APFloat::rmNearestTiesToEven,
              &lost);
    scaleValues.push_back(v);
  }
  Value scalesValue = arith::ConstantOp::create(
      rewriter, loc, scalesType,
      DenseElementsAttr::get(scalesType, scaleValues));

  auto ternary = TernaryMatmulOp::create(rewriter, loc, resultType,
                                         op.getDpsInputOperand(0)->get(),
                                         packedValue, scalesValue, encoding,
                                         /*kernel=*/TernaryKernelAttr());
  // The model's own activation quantization (BitLinear, folded out of an
  // ONNX graph) travels with the layer: its kernel must quantize.
  for (StringRef name : {kActivationQuantEps, kActivationQuantScale})
    if (Attribute a = op->getAttr(name))
      ternary->setAttr(name, a);
  Value oldWeights = op.getDpsInputOperand(1)->get();
  rewriter.replaceOp(op, ternary.getResult());
  // The float weights are dead now; drop them (and a transpose feeding the
  // matmul) so that no copy of them reaches the weight blob.
  Operation *transpose =
      oldWeights != source->constant ? oldWeights.getDefiningOp() : nullptr;
  if (transpose && transpose->use_empty() && isPure(transpose))
    rewriter.eraseOp(transpose);
  if (Operation *def = source->constant.getDefiningOp())
    if (def->use_empty() && isPure(def))
      rewriter.eraseOp(def);

  int64_t denseBytes = weights.n * weights.k * (elementType.getWidth() / 8);
  int64_t packedBytes =
      weights.n * bytesPerRow + static_cast<int64_t>(weights.scales.size()) *
                                    (elementType.getWidth() / 8);
  llvm::raw_string_ostream os(what);
  os << "raised to tern.ternary_matmul: " << weights.n << " x " << weights.k
     << " weights, " << stringifyTernaryScale(weights.scaleKind)
     << " scale, i2 packing, " << denseBytes << " -> " << packedBytes
     << " bytes";
  return success();
}

struct TernRaisePass : public tern::impl::TernRaisePassBase<TernRaisePass> {
  using TernRaisePassBase::TernRaisePassBase;

  void runOnOperation() override {
    SmallVector<linalg::MatmulOp> matmuls;
    getOperation()->walk([&](linalg::MatmulOp op) { matmuls.push_back(op); });
    IRRewriter rewriter(&getContext());
    for (linalg::MatmulOp op : matmuls) {
      std::string why, what;
      Location loc = op.getLoc();
      if (succeeded(raise(op, rewriter, why, what))) {
        if (report)
          emitRemark(loc) << "tern-raise: " << what;
      } else if (modelQuantizesActivations(op)) {
        // The quantization nodes are gone from the graph; a dense layer
        // would compute without them.
        emitError(loc) << "tern-raise: this layer quantizes its activations "
                          "(BitLinear or QDQ), which Tern computes in the int8 "
                          "ternary kernel, but its weights cannot be raised "
                          "to ternary: "
                       << why;
        return signalPassFailure();
      } else if (report) {
        emitRemark(loc) << "tern-raise: left linalg.matmul as is: " << why;
      }
    }
  }
};

} // namespace
