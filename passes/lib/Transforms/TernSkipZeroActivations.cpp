//===- TernSkipZeroActivations.cpp - Activation sparsity ---------*- C++
//-*-===//
//
// After a ReLU, about half of a layer's inputs are zero (more after an
// activation threshold, tern-activation-threshold), and a matmul that sees
// a zero input can skip the whole row of weights it would multiply. This
// pass marks the accumulations (in kernel form) whose activations come
// straight from a ReLU or a threshold and whose body provably leaves the
// sum unchanged when the input is zero; the Halide emitter turns the mark
// into a run-time branch around each step of the reduction. The results do
// not change: a skipped step would have added zero.
//
//===----------------------------------------------------------------------===//

#include "tern/Analysis/Layers.h"
#include "tern/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"

namespace mlir::tern {
#define GEN_PASS_DEF_TERNSKIPZEROACTIVATIONSPASS
#include "tern/Transforms/Passes.h.inc"
} // namespace mlir::tern

using namespace mlir;
using namespace mlir::tern;

namespace {

/// True if `v` is max(x, 0) for some x (maximumf or maxnumf with a +-0
/// constant operand): a ReLU.
bool isRelu(Value v) {
  Operation *def = v.getDefiningOp();
  if (!def || !isa<arith::MaximumFOp, arith::MaxNumFOp>(def))
    return false;
  return matchPattern(def->getOperand(0), m_AnyZeroFloat()) ||
         matchPattern(def->getOperand(1), m_AnyZeroFloat());
}

/// True if `v` is select(c, x, 0) or select(c, 0, x): an activation
/// threshold (tern-activation-threshold) or any other op that zeros some
/// of its inputs.
bool isZeroingSelect(Value v) {
  auto select = v.getDefiningOp<arith::SelectOp>();
  if (!select)
    return false;
  return matchPattern(select.getTrueValue(), m_AnyZeroFloat()) ||
         matchPattern(select.getFalseValue(), m_AnyZeroFloat());
}

/// True if the tensor `v` is likely to hold many zeros: it is a result of
/// an elementwise linalg.generic that yields a ReLU or a zeroing select,
/// possibly through reshapes (CNNs flatten before their classifier). This
/// only decides where a skip is worth its branch; a skip is exact whatever
/// the input (see skipsExactly).
bool isZeroingTensor(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    if (isa<tensor::CollapseShapeOp, tensor::ExpandShapeOp>(def)) {
      v = def->getOperand(0);
      continue;
    }
    auto generic = dyn_cast<linalg::GenericOp>(def);
    if (!generic || generic.getNumReductionLoops() != 0)
      return false;
    auto yield = cast<linalg::YieldOp>(generic.getBody()->getTerminator());
    Value yielded = yield.getOperand(cast<OpResult>(v).getResultNumber());
    return isRelu(yielded) || isZeroingSelect(yielded);
  }
  return false;
}

/// What a value of the accumulation's body is when the input x is zero.
enum class WhenZero { Zero, Acc, Unknown };

/// True if, whenever x = 0, the body of `op` yields its accumulator
/// unchanged, so a step with x = 0 can be skipped: a small abstract
/// interpretation over the region (x -> Zero, the accumulator -> Acc,
/// zero constants -> Zero; casts and negation keep Zero; a product with a
/// Zero factor is Zero; a sum with a Zero term is the other term; a
/// difference minus Zero is the minuend; a select of two equal classes is
/// that class; anything else is Unknown). Products count a zero factor as
/// zero, so a NaN or infinite weight facing a zero input is skipped.
bool skipsExactly(linalg::GenericOp op) {
  Block *body = op.getBody();
  llvm::DenseMap<Value, WhenZero> cls;
  cls[body->getArgument(0)] = WhenZero::Zero;
  cls[body->getArgument(op.getNumDpsInputs())] = WhenZero::Acc;
  auto of = [&](Value v) {
    auto it = cls.find(v);
    if (it != cls.end())
      return it->second;
    if (matchPattern(v, m_AnyZeroFloat()) || matchPattern(v, m_Zero()))
      return WhenZero::Zero;
    return WhenZero::Unknown;
  };
  for (Operation &inner : body->without_terminator()) {
    if (inner.getNumResults() != 1)
      continue;
    WhenZero result = WhenZero::Unknown;
    if (isa<arith::ExtFOp, arith::TruncFOp, arith::NegFOp, arith::ExtSIOp,
            arith::ExtUIOp, arith::TruncIOp>(inner)) {
      if (of(inner.getOperand(0)) == WhenZero::Zero)
        result = WhenZero::Zero;
    } else if (isa<arith::MulFOp, arith::MulIOp>(inner)) {
      if (of(inner.getOperand(0)) == WhenZero::Zero ||
          of(inner.getOperand(1)) == WhenZero::Zero)
        result = WhenZero::Zero;
    } else if (isa<arith::AddFOp, arith::AddIOp>(inner)) {
      WhenZero a = of(inner.getOperand(0)), b = of(inner.getOperand(1));
      result = a == WhenZero::Zero ? b : b == WhenZero::Zero ? a : result;
    } else if (isa<arith::SubFOp, arith::SubIOp>(inner)) {
      if (of(inner.getOperand(1)) == WhenZero::Zero)
        result = of(inner.getOperand(0));
    } else if (auto select = dyn_cast<arith::SelectOp>(inner)) {
      WhenZero a = of(select.getTrueValue()), b = of(select.getFalseValue());
      if (a == b)
        result = a;
    }
    cls[inner.getResult(0)] = result;
  }
  auto yield = cast<linalg::YieldOp>(body->getTerminator());
  return of(yield.getOperand(0)) == WhenZero::Acc;
}

/// True if `op` is an accumulation over (m, n, k) reading operand 0 as
/// x[m, k] whose steps with x = 0 change nothing.
bool isAccumulationOverInput(linalg::GenericOp op) {
  if (op.getNumLoops() != 3 || op.getNumReductionLoops() != 1 ||
      op.getNumDpsInputs() < 1 || op.getNumDpsInits() != 1 ||
      op.getIteratorTypesArray()[2] != utils::IteratorType::reduction)
    return false;
  MLIRContext *ctx = op.getContext();
  AffineMap mk = AffineMap::get(
      3, 0, {getAffineDimExpr(0, ctx), getAffineDimExpr(2, ctx)}, ctx);
  if (op.getMatchingIndexingMap(op.getDpsInputOperand(0)) != mk)
    return false;
  return skipsExactly(op);
}

struct TernSkipZeroActivationsPass
    : public tern::impl::TernSkipZeroActivationsPassBase<
          TernSkipZeroActivationsPass> {
  using TernSkipZeroActivationsPassBase::TernSkipZeroActivationsPassBase;

  void runOnOperation() override {
    Builder b(&getContext());
    getOperation()->walk([&](linalg::GenericOp op) {
      if (op->hasAttr("tern.skip_zero_input") || !isAccumulationOverInput(op) ||
          !isZeroingTensor(op.getDpsInputOperand(0)->get()))
        return;
      op->setAttr("tern.skip_zero_input", b.getI64IntegerAttr(0));
      if (report)
        emitRemark(op.getLoc())
            << "tern-skip-zero-activations: layer '" << layerName(op.getLoc())
            << "' skips its zero inputs (from a ReLU or "
               "a threshold) at run time";
    });
  }
};

} // namespace
