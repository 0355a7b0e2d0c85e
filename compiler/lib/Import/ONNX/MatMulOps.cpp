//===- MatMulOps.cpp - Gemm and MatMul ------------------------------------===//
//
// A matrix product whose right operand is a constant becomes linalg.matmul
// with the constant in K x N layout (transposed on the host for Gemm's
// transB, the PyTorch Linear export): the form tern-raise inspects, so
// ternary weights are found without a flag. Leading batch dimensions of the
// left operand fold into M. Products of two run-time values are one
// linalg.generic with numpy-broadcast batch dimensions.
//
//===----------------------------------------------------------------------===//

#include "Builders.h"
#include "ImportContext.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"

using namespace mlir;
using namespace mlir::tern::onnx_import;

namespace {

/// C = A (M x K) * B (K x N) with linalg.matmul.
Value matmul2d(OpBuilder &b, Location loc, Value a, Value w) {
  auto at = cast<RankedTensorType>(a.getType());
  auto wt = cast<RankedTensorType>(w.getType());
  Type elem = at.getElementType();
  SmallVector<int64_t> shape = {at.getDimSize(0), wt.getDimSize(1)};
  Value empty = emptyTensor(b, loc, shape, elem);
  Value zero = scalarConstant(b, loc, elem, 0);
  Value init =
      linalg::FillOp::create(b, loc, ValueRange{zero}, ValueRange{empty})
          .getResult(0);
  return linalg::MatmulOp::create(b, loc, TypeRange{init.getType()},
                                  ValueRange{a, w}, ValueRange{init})
      .getResult(0);
}

/// A (..., M, K) x B (..., K, N) with broadcast batch dims, as a generic.
FailureOr<Value> batchedMatmul(NodeImporter &n, Value a, Value w) {
  auto at = cast<RankedTensorType>(a.getType());
  auto wt = cast<RankedTensorType>(w.getType());
  SmallVector<int64_t> ab(at.getShape().drop_back(2)),
      wb(wt.getShape().drop_back(2));
  FailureOr<SmallVector<int64_t>> batch = broadcastShapes({ab, wb});
  if (failed(batch)) {
    n.error() << "batch dimensions of " << at << " and " << wt
              << " do not broadcast";
    return failure();
  }
  int64_t nb = batch->size();
  int64_t m = at.getDimSize(at.getRank() - 2),
          k = at.getDimSize(at.getRank() - 1),
          nn = wt.getDimSize(wt.getRank() - 1);
  // Loops: batch..., m, n, k.
  SmallVector<int64_t> loops(*batch);
  loops.append({m, nn, k});
  SmallVector<bool> reduced(loops.size(), false);
  reduced.back() = true;
  MLIRContext *ctx = n.ctx;
  auto mapFor = [&](ArrayRef<int64_t> bshape, unsigned row, unsigned col) {
    SmallVector<AffineExpr> e;
    size_t off = nb - bshape.size();
    for (size_t i = 0; i < bshape.size(); ++i)
      e.push_back(bshape[i] == 1 && (*batch)[off + i] != 1
                      ? getAffineConstantExpr(0, ctx)
                      : getAffineDimExpr(off + i, ctx));
    e.push_back(getAffineDimExpr(row, ctx));
    e.push_back(getAffineDimExpr(col, ctx));
    return AffineMap::get(loops.size(), 0, e, ctx);
  };
  Type elem = at.getElementType();
  TypedAttr zero = isa<FloatType>(elem) ? TypedAttr(FloatAttr::get(elem, 0.0))
                                        : TypedAttr(IntegerAttr::get(elem, 0));
  return reductionGeneric(n.b, n.loc, loops, reduced, elem, zero, {a, w},
                          {mapFor(ab, nb, nb + 2), mapFor(wb, nb + 2, nb + 1)},
                          [](OpBuilder &b, Location l, ValueRange v) {
                            return add(b, l, v[2], mul(b, l, v[0], v[1]));
                          });
}

LogicalResult importMatMul(NodeImporter &n) {
  if (failed(n.checkAttributes({})))
    return failure();
  FailureOr<Value> a = n.input(0);
  if (failed(a))
    return failure();
  RankedTensorType at = n.type(0), bt = n.type(1);
  if (!bt)
    return (void)n.input(1), failure();
  if (at.getElementType() != bt.getElementType()) {
    n.error() << "operands have different element types";
    return failure();
  }
  if (at.getElementType().isInteger(1))
    return n.unsupported("MatMul on bool tensors");
  if (at.getRank() == 0 || bt.getRank() == 0) {
    n.error() << "MatMul operands must have rank >= 1";
    return failure();
  }
  // Promote 1-D operands as numpy does; the added dims are dropped after.
  SmallVector<int64_t> as(at.getShape()), bs(bt.getShape());
  bool aVec = as.size() == 1, bVec = bs.size() == 1;
  if (aVec)
    as.insert(as.begin(), 1);
  if (bVec)
    bs.push_back(1);
  int64_t k = as.back();
  if (bs[bs.size() - 2] != k) {
    n.error() << "inner dimensions differ: " << at << " x " << bt;
    return failure();
  }
  SmallVector<int64_t> outShape;
  Value result;
  DenseElementsAttr wc = n.constant(1);
  if (bs.size() == 2 && wc && isa<FloatType>(at.getElementType())) {
    // Constant weights: fold A's leading dims into M, one linalg.matmul.
    auto kn = RankedTensorType::get(bs, bt.getElementType());
    Value w = constantTensor(n.b, n.loc, wc.reshape(kn));
    int64_t m = numElements(ArrayRef<int64_t>(as).drop_back());
    Value a2 = reshape(n.b, n.loc, *a, {m, k});
    result = matmul2d(n.b, n.loc, a2, w);
    // The model quantized this input (foldBitLinearQuant took the nodes
    // out: BitLinear's absmax or a QDQ pair); the ternary kernel will,
    // exactly so.
    if (const auto *fold = n.foldedActivationQuant()) {
      bool qdq = fold->scale > 0;
      result.getDefiningOp()->setAttr(
          qdq ? "tern.activation_quant_scale" : "tern.activation_quant_eps",
          n.b.getF32FloatAttr(qdq ? fold->scale : fold->eps));
      emitRemark(n.loc) << (qdq ? "QuantizeLinear/DequantizeLinear activation "
                                  "quantization (int8, scale "
                                : "BitLinear activation quantization (absmax "
                                  "int8, eps ")
                        << (qdq ? fold->scale : fold->eps)
                        << ") taken into this layer's ternary kernel";
    }
    outShape.assign(as.begin(), as.end() - 1);
    outShape.push_back(bs[1]);
  } else {
    FailureOr<Value> w = n.input(1);
    if (failed(w))
      return failure();
    Value a2 = reshape(n.b, n.loc, *a, as);
    Value w2 = reshape(n.b, n.loc, *w, bs);
    FailureOr<Value> r = batchedMatmul(n, a2, w2);
    if (failed(r))
      return failure();
    result = *r;
    outShape.assign(cast<RankedTensorType>(result.getType()).getShape().begin(),
                    cast<RankedTensorType>(result.getType()).getShape().end());
  }
  if (aVec)
    outShape.erase(outShape.end() - 2);
  if (bVec)
    outShape.pop_back();
  n.setOutput(0, reshape(n.b, n.loc, result, outShape));
  return success();
}

LogicalResult importGemm(NodeImporter &n) {
  if (failed(n.checkAttributes(
          {"alpha", "beta", "transA", "transB", "broadcast"})))
    return failure();
  double alpha = n.floatAttr("alpha", 1.0f), beta = n.floatAttr("beta", 1.0f);
  bool transA = n.intAttr("transA", 0), transB = n.intAttr("transB", 0);
  FailureOr<Value> a = n.input(0);
  if (failed(a))
    return failure();
  RankedTensorType at = n.type(0), bt = n.type(1);
  if (!bt)
    return (void)n.input(1), failure();
  if (at.getRank() != 2 || bt.getRank() != 2) {
    n.error() << "Gemm operands must be 2-D, got " << at << " and " << bt;
    return failure();
  }
  Type elem = at.getElementType();
  if (!isa<FloatType>(elem) && !isa<IntegerType>(elem))
    return n.unsupported("Gemm element type");
  for (int i : {1, 2})
    if (RankedTensorType t = n.type(i); t && t.getElementType() != elem) {
      n.error() << "input " << i << " has element type " << t.getElementType()
                << ", input 0 has " << elem << " (Gemm needs one type)";
      return failure();
    }
  Value lhs = transA ? transpose(n.b, n.loc, *a, {1, 0}) : *a;
  Value rhs;
  if (DenseElementsAttr wc = n.constant(1))
    rhs = constantTensor(n.b, n.loc, transB ? transposeAttr(wc, {1, 0}) : wc);
  else {
    FailureOr<Value> w = n.input(1);
    if (failed(w))
      return failure();
    rhs = transB ? transpose(n.b, n.loc, *w, {1, 0}) : *w;
  }
  auto lt = cast<RankedTensorType>(lhs.getType());
  auto rt = cast<RankedTensorType>(rhs.getType());
  if (lt.getDimSize(1) != rt.getDimSize(0)) {
    n.error() << "inner dimensions differ: " << lt << " x " << rt
              << " (after transA/transB)";
    return failure();
  }
  Value y = matmul2d(n.b, n.loc, lhs, rhs);
  bool hasC = n.hasInput(2) && beta != 0.0;
  if (alpha == 1.0 && !hasC) {
    n.setOutput(0, y);
    return success();
  }
  SmallVector<Value> ins = {y};
  if (hasC) {
    FailureOr<Value> cv = n.input(2);
    if (failed(cv))
      return failure();
    ins.push_back(*cv);
  }
  FailureOr<Value> r =
      elementwise(n, ins, elem, [&](OpBuilder &b, Location l, ValueRange v) {
        Value acc = v[0];
        if (alpha != 1.0)
          acc = mul(b, l, acc, scalarConstant(b, l, elem, alpha));
        if (v.size() > 1) {
          Value cterm = v[1];
          if (beta != 1.0)
            cterm = mul(b, l, cterm, scalarConstant(b, l, elem, beta));
          acc = add(b, l, acc, cterm);
        }
        return acc;
      });
  if (failed(r))
    return failure();
  if (cast<RankedTensorType>(r->getType()).getShape() !=
      cast<RankedTensorType>(y.getType()).getShape()) {
    n.error() << "C does not broadcast to the shape of A * B";
    return failure();
  }
  n.setOutput(0, *r);
  return success();
}

} // namespace

void mlir::tern::onnx_import::registerMatMulOps(OpTable &t) {
  t["MatMul"] = importMatMul;
  t["Gemm"] = importGemm;
}
