//===- Builders.cpp - linalg building blocks for the ONNX importers -------===//

#include "Builders.h"
#include "ImportContext.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::tern::onnx_import;

int64_t mlir::tern::onnx_import::saturatingToInt(double v) {
  APSInt i(64, /*isUnsigned=*/false);
  bool exact;
  // Rounds toward zero; saturates out of range; NaN becomes 0.
  APFloat(v).convertToInteger(i, APFloat::rmTowardZero, &exact);
  return i.getSExtValue();
}

int64_t mlir::tern::onnx_import::numElements(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n = mulElements(n, d);
  return n;
}

int64_t mlir::tern::onnx_import::mulElements(int64_t a, int64_t b) {
  if (a < 0 || b < 0)
    return -1;
  if (a == 0 || b == 0)
    return 0;
  if (a > kTooManyElements / b)
    return kTooManyElements;
  return std::min(a * b, kTooManyElements);
}

bool mlir::tern::onnx_import::normalizeAxis(int64_t &axis, int64_t rank) {
  if (axis < -rank || axis >= rank)
    return false;
  if (axis < 0)
    axis += rank;
  return true;
}

Value mlir::tern::onnx_import::emptyTensor(OpBuilder &b, Location loc,
                                           ArrayRef<int64_t> shape,
                                           Type elementType) {
  return tensor::EmptyOp::create(b, loc, shape, elementType);
}

Value mlir::tern::onnx_import::constantTensor(OpBuilder &b, Location loc,
                                              DenseElementsAttr value) {
  return arith::ConstantOp::create(b, loc, value);
}

Value mlir::tern::onnx_import::scalarConstant(OpBuilder &b, Location loc,
                                              Type type, double value) {
  if (auto f = dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(f, value));
  if (type.isIndex())
    return arith::ConstantIndexOp::create(b, loc, static_cast<int64_t>(value));
  if (type.isInteger(1))
    return arith::ConstantOp::create(b, loc,
                                     b.getIntegerAttr(type, value != 0));
  // Saturating, NaN as 0: a float bound (Clip's +-inf) on an integer tensor
  // becomes the type's extreme, never undefined behaviour.
  unsigned bits = type.getIntOrFloatBitWidth();
  int64_t maxV = bits >= 64 ? std::numeric_limits<int64_t>::max()
                            : (int64_t(1) << (bits - 1)) - 1;
  int64_t v = std::clamp(saturatingToInt(value), -maxV - 1, maxV);
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(type, v));
}

FailureOr<SmallVector<int64_t>> mlir::tern::onnx_import::broadcastShapes(
    ArrayRef<SmallVector<int64_t>> shapes) {
  size_t rank = 0;
  for (const SmallVector<int64_t> &s : shapes)
    rank = std::max(rank, s.size());
  SmallVector<int64_t> out(rank, 1);
  for (const SmallVector<int64_t> &s : shapes) {
    size_t offset = rank - s.size();
    for (size_t i = 0; i < s.size(); ++i) {
      int64_t &o = out[offset + i];
      if (s[i] == o || s[i] == 1)
        continue;
      if (o != 1)
        return failure();
      o = s[i];
    }
  }
  return out;
}

AffineMap mlir::tern::onnx_import::broadcastMap(MLIRContext *ctx,
                                                ArrayRef<int64_t> in,
                                                ArrayRef<int64_t> out) {
  SmallVector<AffineExpr> exprs;
  size_t offset = out.size() - in.size();
  for (size_t i = 0; i < in.size(); ++i)
    exprs.push_back(in[i] == 1 && out[offset + i] != 1
                        ? getAffineConstantExpr(0, ctx)
                        : getAffineDimExpr(offset + i, ctx));
  return AffineMap::get(out.size(), 0, exprs, ctx);
}

Value mlir::tern::onnx_import::parallelGeneric(
    OpBuilder &b, Location loc, ArrayRef<int64_t> shape, Type elementType,
    ValueRange inputs, ArrayRef<AffineMap> inputMaps, BodyFn body) {
  MLIRContext *ctx = b.getContext();
  Value init = emptyTensor(b, loc, shape, elementType);
  SmallVector<AffineMap> maps(inputMaps.begin(), inputMaps.end());
  maps.push_back(AffineMap::getMultiDimIdentityMap(shape.size(), ctx));
  SmallVector<utils::IteratorType> iterators(shape.size(),
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps,
      iterators, [&](OpBuilder &nb, Location nl, ValueRange args) {
        Value v = body(nb, nl, args.drop_back());
        linalg::YieldOp::create(nb, nl, v);
      });
  return generic.getResult(0);
}

FailureOr<Value> mlir::tern::onnx_import::elementwise(NodeImporter &n,
                                                      ValueRange inputs,
                                                      Type resultType,
                                                      BodyFn body) {
  SmallVector<SmallVector<int64_t>> shapes;
  for (Value v : inputs)
    shapes.emplace_back(cast<RankedTensorType>(v.getType()).getShape());
  FailureOr<SmallVector<int64_t>> out = broadcastShapes(shapes);
  if (failed(out)) {
    InFlightDiagnostic d = n.error();
    d << "input shapes do not broadcast:";
    for (const SmallVector<int64_t> &s : shapes) {
      d << " [";
      llvm::interleave(
          s, [&](int64_t x) { d << x; }, [&] { d << "x"; });
      d << "]";
    }
    return failure();
  }
  SmallVector<AffineMap> maps;
  for (const SmallVector<int64_t> &s : shapes)
    maps.push_back(broadcastMap(n.ctx, s, *out));
  return parallelGeneric(n.b, n.loc, *out, resultType, inputs, maps, body);
}

Value mlir::tern::onnx_import::reductionGeneric(
    OpBuilder &b, Location loc, ArrayRef<int64_t> loopSizes,
    ArrayRef<bool> reduced, Type elementType, TypedAttr init, ValueRange inputs,
    ArrayRef<AffineMap> inputMaps, BodyFn body) {
  MLIRContext *ctx = b.getContext();
  SmallVector<int64_t> outShape;
  SmallVector<AffineExpr> outExprs;
  SmallVector<utils::IteratorType> iterators;
  for (size_t d = 0; d < loopSizes.size(); ++d) {
    iterators.push_back(reduced[d] ? utils::IteratorType::reduction
                                   : utils::IteratorType::parallel);
    if (!reduced[d]) {
      outShape.push_back(loopSizes[d]);
      outExprs.push_back(getAffineDimExpr(d, ctx));
    }
  }
  Value empty = emptyTensor(b, loc, outShape, elementType);
  Value initValue = arith::ConstantOp::create(b, loc, init);
  Value filled =
      linalg::FillOp::create(b, loc, ValueRange{initValue}, ValueRange{empty})
          .getResult(0);
  SmallVector<AffineMap> maps(inputMaps.begin(), inputMaps.end());
  maps.push_back(AffineMap::get(loopSizes.size(), 0, outExprs, ctx));
  // linalg derives loop bounds from operands read by a plain dimension;
  // loops that appear only inside expressions (a pooling window read at
  // o * stride + k) get them from an unread constant of their sizes.
  SmallVector<bool> covered(loopSizes.size(), false);
  for (AffineMap m : maps)
    for (AffineExpr e : m.getResults())
      if (auto d = dyn_cast<AffineDimExpr>(e))
        covered[d.getPosition()] = true;
  SmallVector<int64_t> carrierShape;
  SmallVector<AffineExpr> carrierExprs;
  for (size_t d = 0; d < loopSizes.size(); ++d)
    if (!covered[d]) {
      carrierShape.push_back(loopSizes[d]);
      carrierExprs.push_back(getAffineDimExpr(d, ctx));
    }
  SmallVector<Value> allInputs(inputs.begin(), inputs.end());
  if (!carrierShape.empty()) {
    auto type = RankedTensorType::get(carrierShape, b.getI8Type());
    allInputs.push_back(constantTensor(
        b, loc, DenseElementsAttr::get(type, b.getI8IntegerAttr(0))));
    maps.insert(maps.end() - 1,
                AffineMap::get(loopSizes.size(), 0, carrierExprs, ctx));
  }
  size_t numInputs = inputs.size();
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{filled.getType()}, allInputs, ValueRange{filled}, maps,
      iterators, [&](OpBuilder &nb, Location nl, ValueRange args) {
        SmallVector<Value> bodyArgs(args.take_front(numInputs));
        bodyArgs.push_back(args.back());
        linalg::YieldOp::create(nb, nl, body(nb, nl, bodyArgs));
      });
  return generic.getResult(0);
}

Value mlir::tern::onnx_import::reduce(OpBuilder &b, Location loc, Value input,
                                      ArrayRef<int64_t> axes, bool keepDims,
                                      TypedAttr init, BodyFn body,
                                      ValueRange extra,
                                      ArrayRef<AffineMap> extraMaps) {
  auto type = cast<RankedTensorType>(input.getType());
  ArrayRef<int64_t> shape = type.getShape();
  SmallVector<bool> reduced(shape.size(), false);
  for (int64_t a : axes)
    reduced[a] = true;
  SmallVector<Value> inputs = {input};
  inputs.append(extra.begin(), extra.end());
  SmallVector<AffineMap> maps = {
      AffineMap::getMultiDimIdentityMap(shape.size(), b.getContext())};
  maps.append(extraMaps.begin(), extraMaps.end());
  Value r = reductionGeneric(b, loc, shape, reduced, type.getElementType(),
                             init, inputs, maps, body);
  if (!keepDims)
    return r;
  SmallVector<int64_t> kept(shape);
  for (int64_t a : axes)
    kept[a] = 1;
  return reshape(b, loc, r, kept);
}

Value mlir::tern::onnx_import::divideBy(OpBuilder &b, Location loc, Value value,
                                        double divisor) {
  auto type = cast<RankedTensorType>(value.getType());
  Type elem = type.getElementType();
  return parallelGeneric(
      b, loc, type.getShape(), elem, value,
      AffineMap::getMultiDimIdentityMap(type.getRank(), b.getContext()),
      [&](OpBuilder &nb, Location l, ValueRange a) {
        return div(nb, l, a[0], scalarConstant(nb, l, elem, divisor));
      });
}

Value mlir::tern::onnx_import::reshape(OpBuilder &b, Location loc, Value input,
                                       ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(input.getType());
  if (type.getShape() == shape)
    return input;
  auto target = RankedTensorType::get(shape, type.getElementType());
  // Rank 0 <-> all-ones shapes: an empty reassociation.
  if (type.getRank() == 0)
    return tensor::ExpandShapeOp::create(b, loc, target, input,
                                         ArrayRef<ReassociationIndices>{});
  if (shape.empty())
    return tensor::CollapseShapeOp::create(b, loc, target, input,
                                           ArrayRef<ReassociationIndices>{});
  Value flat = input;
  if (type.getRank() != 1) {
    ReassociationIndices all;
    for (int64_t i = 0; i < type.getRank(); ++i)
      all.push_back(i);
    auto flatType =
        RankedTensorType::get({type.getNumElements()}, type.getElementType());
    flat = tensor::CollapseShapeOp::create(b, loc, flatType, input,
                                           ArrayRef<ReassociationIndices>{all});
  }
  if (shape.size() == 1)
    return flat;
  ReassociationIndices all;
  for (size_t i = 0; i < shape.size(); ++i)
    all.push_back(i);
  return tensor::ExpandShapeOp::create(b, loc, target, flat,
                                       ArrayRef<ReassociationIndices>{all});
}

Value mlir::tern::onnx_import::transpose(OpBuilder &b, Location loc,
                                         Value input, ArrayRef<int64_t> perm) {
  auto type = cast<RankedTensorType>(input.getType());
  bool identity = true;
  for (size_t i = 0; i < perm.size(); ++i)
    identity &= perm[i] == static_cast<int64_t>(i);
  if (identity)
    return input;
  SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(type.getDimSize(p));
  // Input dim perm[i] is read at loop i.
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineExpr> exprs(perm.size());
  for (size_t i = 0; i < perm.size(); ++i)
    exprs[perm[i]] = getAffineDimExpr(i, ctx);
  AffineMap map = AffineMap::get(perm.size(), 0, exprs, ctx);
  return parallelGeneric(
      b, loc, shape, type.getElementType(), input, map,
      [](OpBuilder &, Location, ValueRange a) { return a[0]; });
}

Value mlir::tern::onnx_import::convertScalar(OpBuilder &b, Location loc,
                                             Value v, Type to) {
  Type from = v.getType();
  if (from == to)
    return v;
  auto fromF = dyn_cast<FloatType>(from);
  auto toF = dyn_cast<FloatType>(to);
  if (to.isInteger(1)) {
    if (fromF)
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, v,
                                   floatLike(b, loc, v, 0.0));
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, v,
                                 scalarConstant(b, loc, from, 0));
  }
  if (fromF && toF)
    return fromF.getWidth() < toF.getWidth()
               ? Value(arith::ExtFOp::create(b, loc, to, v))
               : Value(arith::TruncFOp::create(b, loc, to, v));
  if (fromF)
    return arith::FPToSIOp::create(b, loc, to, v);
  if (toF)
    return from.isInteger(1) ? Value(arith::UIToFPOp::create(b, loc, to, v))
                             : Value(arith::SIToFPOp::create(b, loc, to, v));
  unsigned fw = from.getIntOrFloatBitWidth(), tw = to.getIntOrFloatBitWidth();
  if (from.isInteger(1))
    return arith::ExtUIOp::create(b, loc, to, v);
  return fw < tw ? Value(arith::ExtSIOp::create(b, loc, to, v))
                 : Value(arith::TruncIOp::create(b, loc, to, v));
}

Value mlir::tern::onnx_import::add(OpBuilder &b, Location loc, Value x,
                                   Value y) {
  if (isa<FloatType>(x.getType()))
    return arith::AddFOp::create(b, loc, x, y);
  return arith::AddIOp::create(b, loc, x, y);
}

Value mlir::tern::onnx_import::sub(OpBuilder &b, Location loc, Value x,
                                   Value y) {
  if (isa<FloatType>(x.getType()))
    return arith::SubFOp::create(b, loc, x, y);
  return arith::SubIOp::create(b, loc, x, y);
}

Value mlir::tern::onnx_import::mul(OpBuilder &b, Location loc, Value x,
                                   Value y) {
  if (isa<FloatType>(x.getType()))
    return arith::MulFOp::create(b, loc, x, y);
  return arith::MulIOp::create(b, loc, x, y);
}

Value mlir::tern::onnx_import::div(OpBuilder &b, Location loc, Value x,
                                   Value y) {
  if (isa<FloatType>(x.getType()))
    return arith::DivFOp::create(b, loc, x, y);
  return arith::DivSIOp::create(b, loc, x, y);
}

Value mlir::tern::onnx_import::maximum(OpBuilder &b, Location loc, Value x,
                                       Value y) {
  if (isa<FloatType>(x.getType()))
    return arith::MaximumFOp::create(b, loc, x, y);
  return arith::MaxSIOp::create(b, loc, x, y);
}

Value mlir::tern::onnx_import::minimum(OpBuilder &b, Location loc, Value x,
                                       Value y) {
  if (isa<FloatType>(x.getType()))
    return arith::MinimumFOp::create(b, loc, x, y);
  return arith::MinSIOp::create(b, loc, x, y);
}

Value mlir::tern::onnx_import::compare(OpBuilder &b, Location loc,
                                       StringRef kind, Value x, Value y) {
  if (isa<FloatType>(x.getType())) {
    auto p = llvm::StringSwitch<arith::CmpFPredicate>(kind)
                 .Case("eq", arith::CmpFPredicate::OEQ)
                 .Case("lt", arith::CmpFPredicate::OLT)
                 .Case("gt", arith::CmpFPredicate::OGT)
                 .Case("le", arith::CmpFPredicate::OLE)
                 .Default(arith::CmpFPredicate::OGE);
    return arith::CmpFOp::create(b, loc, p, x, y);
  }
  auto p = llvm::StringSwitch<arith::CmpIPredicate>(kind)
               .Case("eq", arith::CmpIPredicate::eq)
               .Case("lt", arith::CmpIPredicate::slt)
               .Case("gt", arith::CmpIPredicate::sgt)
               .Case("le", arith::CmpIPredicate::sle)
               .Default(arith::CmpIPredicate::sge);
  return arith::CmpIOp::create(b, loc, p, x, y);
}

Value mlir::tern::onnx_import::select(OpBuilder &b, Location loc, Value c,
                                      Value x, Value y) {
  return arith::SelectOp::create(b, loc, c, x, y);
}

Value mlir::tern::onnx_import::floatLike(OpBuilder &b, Location loc, Value like,
                                         double value) {
  return scalarConstant(b, loc, like.getType(), value);
}

Value mlir::tern::onnx_import::indexConstant(OpBuilder &b, Location loc,
                                             int64_t value) {
  return arith::ConstantIndexOp::create(b, loc, value);
}

Value mlir::tern::onnx_import::loopIndex(OpBuilder &b, Location loc,
                                         unsigned dim) {
  return linalg::IndexOp::create(b, loc, dim);
}

Value mlir::tern::onnx_import::clampIndex(OpBuilder &b, Location loc, Value v,
                                          int64_t lo, int64_t hi) {
  Value low = arith::MaxSIOp::create(b, loc, v, indexConstant(b, loc, lo));
  return arith::MinSIOp::create(b, loc, low, indexConstant(b, loc, hi));
}

DenseElementsAttr
mlir::tern::onnx_import::transposeAttr(DenseElementsAttr value,
                                       ArrayRef<int64_t> perm) {
  auto type = cast<RankedTensorType>(value.getType());
  ArrayRef<int64_t> shape = type.getShape();
  int64_t rank = shape.size();
  SmallVector<int64_t> outShape, inStrides(rank, 1);
  for (int64_t i = rank - 2; i >= 0; --i)
    inStrides[i] = inStrides[i + 1] * shape[i + 1];
  for (int64_t p : perm)
    outShape.push_back(shape[p]);
  auto outType = RankedTensorType::get(outShape, type.getElementType());
  int64_t n = type.getNumElements();
  if (value.isSplat())
    return value.reshape(outType);
  size_t bytes = type.getElementType().isInteger(1)
                     ? 1
                     : type.getElementTypeBitWidth() / 8;
  // Elements are at most 8 bytes; copy through the raw buffer except for
  // i1, which is not byte-addressable in the raw form.
  if (type.getElementType().isInteger(1)) {
    SmallVector<bool> in(value.getValues<bool>());
    SmallVector<bool> out(n);
    SmallVector<int64_t> idx(rank, 0);
    for (int64_t o = 0; o < n; ++o) {
      int64_t src = 0;
      for (int64_t i = 0; i < rank; ++i)
        src += idx[i] * inStrides[perm[i]];
      out[o] = in[src];
      for (int64_t i = rank - 1; i >= 0; --i) {
        if (++idx[i] < outShape[i])
          break;
        idx[i] = 0;
      }
    }
    return DenseElementsAttr::get(outType, ArrayRef<bool>(out));
  }
  ArrayRef<char> raw = value.getRawData();
  std::vector<char> out(n * bytes);
  SmallVector<int64_t> idx(rank, 0);
  for (int64_t o = 0; o < n; ++o) {
    int64_t src = 0;
    for (int64_t i = 0; i < rank; ++i)
      src += idx[i] * inStrides[perm[i]];
    std::memcpy(&out[o * bytes], &raw[src * bytes], bytes);
    for (int64_t i = rank - 1; i >= 0; --i) {
      if (++idx[i] < outShape[i])
        break;
      idx[i] = 0;
    }
  }
  return DenseElementsAttr::getFromRawBuffer(outType, out);
}

SmallVector<int64_t>
mlir::tern::onnx_import::attrInts(DenseElementsAttr value) {
  SmallVector<int64_t> out;
  Type t = value.getElementType();
  if (isa<FloatType>(t)) {
    // A float tensor where ONNX wants integers is an invalid model, which
    // must not become undefined behaviour here.
    for (const APFloat &f : value.getValues<APFloat>())
      out.push_back(saturatingToInt(f.convertToDouble()));
    return out;
  }
  bool isBool = t.isInteger(1);
  for (const APInt &i : value.getValues<APInt>())
    out.push_back(isBool ? i.getZExtValue() : i.getSExtValue());
  return out;
}

SmallVector<double>
mlir::tern::onnx_import::attrDoubles(DenseElementsAttr value) {
  SmallVector<double> out;
  Type t = value.getElementType();
  if (isa<FloatType>(t)) {
    for (APFloat f : value.getValues<APFloat>()) {
      bool lost;
      f.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lost);
      out.push_back(f.convertToDouble());
    }
    return out;
  }
  bool isBool = t.isInteger(1);
  for (const APInt &i : value.getValues<APInt>())
    out.push_back(isBool ? static_cast<double>(i.getZExtValue())
                         : static_cast<double>(i.getSExtValue()));
  return out;
}

DenseElementsAttr
mlir::tern::onnx_import::attrFromDoubles(RankedTensorType type,
                                         ArrayRef<double> values) {
  Type e = type.getElementType();
  if (auto f = dyn_cast<FloatType>(e)) {
    SmallVector<APFloat> out;
    for (double v : values) {
      APFloat a(v);
      bool lost;
      a.convert(f.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
      out.push_back(a);
    }
    return DenseElementsAttr::get(type, out);
  }
  if (e.isInteger(1)) {
    SmallVector<bool> out;
    for (double v : values)
      out.push_back(v != 0);
    return DenseElementsAttr::get(type, ArrayRef<bool>(out));
  }
  SmallVector<APInt> out;
  for (double v : values)
    out.push_back(APInt(e.getIntOrFloatBitWidth(),
                        static_cast<uint64_t>(saturatingToInt(v)),
                        /*isSigned=*/true, /*implicitTrunc=*/true));
  return DenseElementsAttr::get(type, out);
}

DenseElementsAttr
mlir::tern::onnx_import::attrFromInts(MLIRContext *ctx, ArrayRef<int64_t> shape,
                                      ArrayRef<int64_t> values,
                                      Type elementType) {
  if (!elementType)
    elementType = IntegerType::get(ctx, 64);
  auto type = RankedTensorType::get(shape, elementType);
  if (elementType.isInteger(1)) {
    SmallVector<bool> out;
    for (int64_t v : values)
      out.push_back(v != 0);
    return DenseElementsAttr::get(type, ArrayRef<bool>(out));
  }
  SmallVector<APInt> out;
  for (int64_t v : values)
    out.push_back(APInt(elementType.getIntOrFloatBitWidth(),
                        static_cast<uint64_t>(v), /*isSigned=*/true,
                        /*implicitTrunc=*/true));
  return DenseElementsAttr::get(type, out);
}
