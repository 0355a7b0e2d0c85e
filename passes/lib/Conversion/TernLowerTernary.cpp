//===- TernLowerTernary.cpp - Ternary matmul to add/sub kernels -*- C++ -*-===//
//
// Where "matmul-free" becomes true in the IR: tern.ternary_matmul turns into
// a reduction that decodes each 2-bit trit and adds, subtracts or skips the
// activation, followed by one multiplication by the scale per output. The
// output is plain linalg on tensors, so the Halide emitter (and anything else
// that reads linalg) compiles it without knowing about tern.
//
//===----------------------------------------------------------------------===//

#include "tern/Conversion/Passes.h"
#include "tern/Dialect/Tern/IR/TernOps.h"
#include "tern/Dialect/Tern/IR/TernaryPacking.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::tern {
#define GEN_PASS_DEF_TERNLOWERTERNARYPASS
#include "tern/Conversion/Passes.h.inc"
} // namespace mlir::tern

using namespace mlir;
using namespace mlir::tern;

namespace {

/// The packed weights as `B x N` (byte-major): the kernel runs the outputs
/// `n` in vector lanes, so byte `j` of consecutive rows must be adjacent for
/// the lanes to load one contiguous vector instead of a strided gather.
/// Constant weights are transposed here, at compile time; others get a
/// linalg.transpose.
static Value transposePacked(PatternRewriter &rewriter, Location loc,
                             Value weights) {
  auto type = cast<RankedTensorType>(weights.getType());
  int64_t n = type.getDimSize(0), bytes = type.getDimSize(1);
  auto transposedType =
      RankedTensorType::get({bytes, n}, type.getElementType());
  DenseIntElementsAttr data;
  if (matchPattern(weights, m_Constant(&data))) {
    SmallVector<APInt> values(data.getValues<APInt>());
    SmallVector<APInt> transposed;
    transposed.reserve(values.size());
    for (int64_t j = 0; j < bytes; ++j)
      for (int64_t r = 0; r < n; ++r)
        transposed.push_back(values[r * bytes + j]);
    return arith::ConstantOp::create(
        rewriter, loc, transposedType,
        DenseElementsAttr::get(transposedType, transposed));
  }
  Value empty = tensor::EmptyOp::create(
      rewriter, loc, transposedType.getShape(), type.getElementType());
  return linalg::TransposeOp::create(rewriter, loc, weights, empty,
                                     ArrayRef<int64_t>{1, 0})
      ->getResult(0);
}

struct LowerTernaryMatmul : public OpRewritePattern<TernaryMatmulOp> {
  LowerTernaryMatmul(MLIRContext *context, bool byteMajor)
      : OpRewritePattern(context), byteMajor(byteMajor) {}
  bool byteMajor;

  LogicalResult matchAndRewrite(TernaryMatmulOp op,
                                PatternRewriter &rewriter) const override {
    TernaryEncodingAttr encoding = op.getEncoding();
    if (encoding.getPacking() != TernaryPacking::I2)
      return rewriter.notifyMatchFailure(op, "only i2 packing is lowered");

    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    auto resultType = cast<RankedTensorType>(op.getResult().getType());
    auto elementType = cast<FloatType>(resultType.getElementType());
    Value input = op.getInput(), weights = op.getWeights();

    Value packed =
        byteMajor ? transposePacked(rewriter, loc, weights) : weights;

    // Narrow floats (f16, bf16) accumulate in f32: the sum of unscaled
    // activations is 1/scale times larger than the layer's output and would
    // overflow f16 long before the dense layer does.
    FloatType accType = elementType.getWidth() < 32
                            ? cast<FloatType>(rewriter.getF32Type())
                            : elementType;
    auto accTensorType = RankedTensorType::get(resultType.getShape(), accType);

    SmallVector<Value> dynamicSizes;
    if (resultType.isDynamicDim(0))
      dynamicSizes.push_back(tensor::DimOp::create(rewriter, loc, input, 0));
    Value empty = tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                                          elementType, dynamicSizes);
    Value accEmpty =
        accType == elementType
            ? empty
            : tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                                      accType, dynamicSizes)
                  .getResult();
    Value zero = arith::ConstantOp::create(rewriter, loc, accType,
                                           rewriter.getFloatAttr(accType, 0));
    Value init =
        linalg::FillOp::create(rewriter, loc, zero, accEmpty).getResult(0);

    // acc[m, n] = sum_k (t[n, k] == +1 ? x[m, k] : t[n, k] == -1 ? -x[m, k]
    //                                                             : 0)
    AffineExpr m, n, k;
    bindDims(ctx, m, n, k);
    auto inputMap = AffineMap::get(3, 0, {m, k}, ctx);
    auto accMap = AffineMap::get(3, 0, {m, n}, ctx);
    SmallVector<utils::IteratorType> reduceIterators = {
        utils::IteratorType::parallel, utils::IteratorType::parallel,
        utils::IteratorType::reduction};
    auto accumulate = linalg::GenericOp::create(
        rewriter, loc, accTensorType, ValueRange{input}, ValueRange{init},
        ArrayRef<AffineMap>{inputMap, accMap}, reduceIterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value x = args[0], acc = args[1];
          if (x.getType() != accType)
            x = arith::ExtFOp::create(b, l, accType, x);
          Type i8 = b.getI8Type();
          auto indexConst = [&](int64_t v) {
            return arith::ConstantIndexOp::create(b, l, v).getResult();
          };
          auto i8Const = [&](int64_t v) {
            return arith::ConstantIntOp::create(b, l, i8, v).getResult();
          };
          Value row = linalg::IndexOp::create(b, l, 1);
          Value col = linalg::IndexOp::create(b, l, 2);
          Value perByte = indexConst(packing::kI2TritsPerByte);
          Value byteIndex = arith::DivUIOp::create(b, l, col, perByte);
          Value slot = arith::RemUIOp::create(b, l, col, perByte);
          Value byte =
              tensor::ExtractOp::create(b, l, packed,
                                        byteMajor ? ValueRange{byteIndex, row}
                                                  : ValueRange{row, byteIndex});
          // shift = 2 * slot, as a shift so that no multiply appears at all.
          Value shift = arith::ShLIOp::create(b, l, slot, indexConst(1));
          Value shift8 = arith::IndexCastOp::create(b, l, i8, shift);
          Value code = arith::AndIOp::create(
              b, l, arith::ShRUIOp::create(b, l, byte, shift8), i8Const(0b11));
          Value isPlus = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq,
                                               code, i8Const(packing::kI2Plus));
          Value isMinus = arith::CmpIOp::create(
              b, l, arith::CmpIPredicate::eq, code, i8Const(packing::kI2Minus));
          Value added = arith::AddFOp::create(b, l, acc, x);
          Value subtracted = arith::SubFOp::create(b, l, acc, x);
          Value minusOrKeep =
              arith::SelectOp::create(b, l, isMinus, subtracted, acc);
          Value next =
              arith::SelectOp::create(b, l, isPlus, added, minusOrKeep);
          linalg::YieldOp::create(b, l, next);
        });

    // result[m, n] = acc[m, n] * scale(n): the only multiply, once per output.
    AffineExpr i, j;
    bindDims(ctx, i, j);
    auto identity = AffineMap::get(2, 0, {i, j}, ctx);
    AffineMap scaleMap =
        encoding.getScale() == TernaryScale::PerRow
            ? AffineMap::get(2, 0, {j}, ctx)
            : AffineMap::get(2, 0, {getAffineConstantExpr(0, ctx)}, ctx);
    SmallVector<utils::IteratorType> parallel2(2,
                                               utils::IteratorType::parallel);
    auto scaled = linalg::GenericOp::create(
        rewriter, loc, resultType,
        ValueRange{accumulate.getResult(0), op.getScales()}, ValueRange{empty},
        ArrayRef<AffineMap>{identity, scaleMap, identity}, parallel2,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value scale = args[1];
          if (scale.getType() != accType)
            scale = arith::ExtFOp::create(b, l, accType, scale);
          Value product = arith::MulFOp::create(b, l, args[0], scale);
          if (accType != elementType)
            product = arith::TruncFOp::create(b, l, elementType, product);
          linalg::YieldOp::create(b, l, product);
        });
    rewriter.replaceOp(op, scaled.getResult(0));
    return success();
  }
};

struct TernLowerTernaryPass
    : public tern::impl::TernLowerTernaryPassBase<TernLowerTernaryPass> {
  using TernLowerTernaryPassBase::TernLowerTernaryPassBase;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateTernLowerTernaryPatterns(patterns, byteMajor);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    // Anything left is an encoding this pass cannot lower: say so.
    WalkResult result = getOperation()->walk([](TernaryMatmulOp op) {
      op.emitOpError() << "cannot be lowered: packing '"
                       << stringifyTernaryPacking(op.getEncoding().getPacking())
                       << "' has no lowering";
      return WalkResult::interrupt();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace

void mlir::tern::populateTernLowerTernaryPatterns(RewritePatternSet &patterns,
                                                  bool byteMajor) {
  patterns.add<LowerTernaryMatmul>(patterns.getContext(), byteMajor);
}
