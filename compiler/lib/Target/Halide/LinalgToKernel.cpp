//===- LinalgToKernel.cpp - linalg.generic to a Halide-free Kernel -*- C++ -*-//
//
// Translates the region of a linalg.generic, value by value, into kernel
// expressions. Inputs read through their indexing maps become loads; the init
// operand becomes the kernel's initial value (folded when it is a fill);
// reductions become an update that reads `Self`. Everything the translator
// does not know is an error at the op that caused it, naming the op, so that
// users learn which layer stopped the compile.
//
//===----------------------------------------------------------------------===//

#include "tern/Target/Halide/LinalgToKernel.h"
#include "tern/Dialect/Tern/IR/TernAttrs.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/TypeSwitch.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::tern;
namespace tk = ::tern::kernel;

std::optional<tk::ScalarType> mlir::tern::toScalarType(Type type) {
  if (type.isIndex())
    return tk::ScalarType::index();
  if (type.isInteger(1))
    return tk::ScalarType::boolean();
  if (auto intType = dyn_cast<IntegerType>(type)) {
    unsigned w = intType.getWidth();
    if (w != 8 && w != 16 && w != 32 && w != 64)
      return std::nullopt;
    return intType.isUnsigned() ? tk::ScalarType::u(w) : tk::ScalarType::i(w);
  }
  if (type.isF32())
    return tk::ScalarType::f32();
  if (type.isF64())
    return tk::ScalarType::f64();
  if (type.isF16())
    return tk::ScalarType{tk::ScalarType::Float, 16};
  return std::nullopt;
}

/// True for index values known to be non-negative: loop indices, constants
/// >= 0, and sums, products, quotients and remainders of those. On them the
/// unsigned divisions equal floor division, which keeps index arithmetic
/// signed and affine, so Halide bounds the footprint of a load tightly.
static bool nonNegativeIndex(Value v) {
  if (!v.getType().isIndex())
    return false;
  if (v.getDefiningOp<linalg::IndexOp>())
    return true;
  IntegerAttr c;
  if (matchPattern(v, m_Constant(&c)))
    return !c.getValue().isNegative();
  Operation *def = v.getDefiningOp();
  if (isa_and_nonnull<arith::AddIOp, arith::MulIOp, arith::DivUIOp,
                      arith::RemUIOp>(def))
    return nonNegativeIndex(def->getOperand(0)) &&
           nonNegativeIndex(def->getOperand(1));
  return false;
}

namespace {

/// Prints anything MLIR can print, for diagnostics that take only strings.
template <typename T> std::string str(const T &x) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << x;
  return s;
}

/// Translates one generic. Holds the value-to-expression memo and the list
/// of kernel inputs discovered so far.
class GenericTranslator {
public:
  GenericTranslator(linalg::GenericOp op, KernelBuild &build)
      : op(op), build(build) {}

  LogicalResult run(StringRef name);

  /// Expression computed by a fill-like op at the given output point, or
  /// null (no diagnostics) if `value` is not fill-like.
  static tk::ExprRef fillExpr(Value value);

private:
  FailureOr<tk::ExprRef> translate(Value value);
  FailureOr<tk::ExprRef> translateOp(Operation *defOp, Value value);
  FailureOr<tk::ExprRef> affineToExpr(AffineExpr e);
  /// `e` with its dimensions and symbols bound to expressions (null
  /// `dims` = the loop variables).
  FailureOr<tk::ExprRef> affineToExpr(AffineExpr e, ArrayRef<tk::ExprRef> *dims,
                                      ArrayRef<tk::ExprRef> syms);
  FailureOr<tk::ExprRef> loadThroughMap(OpOperand *operand);
  int inputIndexFor(Value tensor);
  FailureOr<tk::ScalarType> scalarType(Type type, Operation *at);

  linalg::GenericOp op;
  KernelBuild &build;
  llvm::DenseMap<Value, tk::ExprRef> memo;
  llvm::DenseMap<Value, int> inputIndex;
  /// While translating an update: output block argument -> Self.
  /// While translating an init-free parallel body: output block argument ->
  /// init expression.
  llvm::DenseMap<Value, tk::ExprRef> outputArgValue;
};

} // namespace

FailureOr<tk::ScalarType> GenericTranslator::scalarType(Type type,
                                                        Operation *at) {
  if (std::optional<tk::ScalarType> t = toScalarType(type))
    return *t;
  at->emitError() << "type " << type
                  << " is not supported by the Halide emitter; supported: "
                     "f16, f32, f64, i1, i8, i16, i32, i64, index";
  return failure();
}

int GenericTranslator::inputIndexFor(Value tensor) {
  auto it = inputIndex.find(tensor);
  if (it != inputIndex.end())
    return it->second;
  auto type = cast<RankedTensorType>(tensor.getType());
  tk::Buffer buffer;
  buffer.name = "in" + std::to_string(build.inputs.size());
  buffer.type = *toScalarType(type.getElementType());
  buffer.shape.assign(type.getShape().begin(), type.getShape().end());
  int index = static_cast<int>(build.inputs.size());
  build.kernel.inputs.push_back(std::move(buffer));
  build.inputs.push_back(tensor);
  inputIndex[tensor] = index;
  return index;
}

FailureOr<tk::ExprRef> GenericTranslator::affineToExpr(AffineExpr e) {
  return affineToExpr(e, nullptr, {});
}

FailureOr<tk::ExprRef>
GenericTranslator::affineToExpr(AffineExpr e, ArrayRef<tk::ExprRef> *dims,
                                ArrayRef<tk::ExprRef> syms) {
  if (auto dim = dyn_cast<AffineDimExpr>(e))
    return dims ? (*dims)[dim.getPosition()] : tk::loopVar(dim.getPosition());
  if (auto sym = dyn_cast<AffineSymbolExpr>(e))
    return syms[sym.getPosition()];
  if (auto cst = dyn_cast<AffineConstantExpr>(e))
    return tk::constInt(cst.getValue());
  auto bin = dyn_cast<AffineBinaryOpExpr>(e);
  if (!bin) {
    op.emitError() << "affine expression " << str(e)
                   << " in an indexing map is not supported";
    return failure();
  }
  FailureOr<tk::ExprRef> l = affineToExpr(bin.getLHS(), dims, syms);
  FailureOr<tk::ExprRef> r = affineToExpr(bin.getRHS(), dims, syms);
  if (failed(l) || failed(r))
    return failure();
  switch (e.getKind()) {
  case AffineExprKind::Add:
    return tk::binary(tk::Op::Add, *l, *r);
  case AffineExprKind::Mul:
    return tk::binary(tk::Op::Mul, *l, *r);
  case AffineExprKind::FloorDiv:
    return tk::binary(tk::Op::FloorDiv, *l, *r);
  case AffineExprKind::Mod:
    return tk::binary(tk::Op::FloorMod, *l, *r);
  case AffineExprKind::CeilDiv: {
    // ceildiv(a, b) = -floordiv(-a, b)
    tk::ExprRef neg = tk::unary(tk::Op::Neg, *l);
    return tk::unary(tk::Op::Neg, tk::binary(tk::Op::FloorDiv, neg, *r));
  }
  default:
    op.emitError() << "affine expression " << str(e) << " is not supported";
    return failure();
  }
}

FailureOr<tk::ExprRef> GenericTranslator::loadThroughMap(OpOperand *operand) {
  Value v = operand->get();
  AffineMap map = op.getMatchingIndexingMap(operand);
  auto type = dyn_cast<RankedTensorType>(v.getType());
  if (!type) {
    // A scalar operand: only constants can be folded into a kernel.
    Attribute attr;
    if (matchPattern(v, m_Constant(&attr)))
      return translate(v);
    op.emitError() << "scalar operand #" << operand->getOperandNumber()
                   << " is not a constant; the Halide emitter only folds "
                      "constant scalars into kernels";
    return failure();
  }
  std::vector<tk::ExprRef> indices;
  for (AffineExpr e : map.getResults()) {
    FailureOr<tk::ExprRef> idx = affineToExpr(e);
    if (failed(idx))
      return failure();
    indices.push_back(*idx);
  }
  FailureOr<tk::ScalarType> t = scalarType(type.getElementType(), op);
  if (failed(t))
    return failure();
  return tk::load(inputIndexFor(v), std::move(indices), *t);
}

FailureOr<tk::ExprRef> GenericTranslator::translate(Value value) {
  auto it = memo.find(value);
  if (it != memo.end())
    return it->second;
  auto outIt = outputArgValue.find(value);
  if (outIt != outputArgValue.end())
    return outIt->second;

  FailureOr<tk::ExprRef> result = failure();
  if (auto arg = dyn_cast<BlockArgument>(value)) {
    if (arg.getOwner() != op.getBlock()) {
      op.emitError() << "uses a block argument of an enclosing region; only "
                        "function-level tensors and constants can be "
                        "captured";
      return failure();
    }
    unsigned n = arg.getArgNumber();
    if (n >= op.getNumDpsInputs()) {
      op.emitError() << "reads its init operand #" << n - op.getNumDpsInputs()
                     << " where no init value is defined";
      return failure();
    }
    result = loadThroughMap(op.getDpsInputOperand(n));
  } else {
    Operation *defOp = value.getDefiningOp();
    result = translateOp(defOp, value);
  }
  if (succeeded(result))
    memo[value] = *result;
  return result;
}

FailureOr<tk::ExprRef> GenericTranslator::translateOp(Operation *defOp,
                                                      Value value) {
  // Values defined outside the generic: scalar constants only.
  bool inside = op->isProperAncestor(defOp);
  if (!inside) {
    auto cst = dyn_cast<arith::ConstantOp>(defOp);
    if (!cst || isa<ShapedType>(value.getType())) {
      defOp->emitError() << "'" << defOp->getName()
                         << "' is used inside a linalg.generic region but "
                            "is not a scalar constant; the Halide emitter "
                            "only captures constants and tensors read with "
                            "tensor.extract";
      return failure();
    }
  }

  auto operand = [&](unsigned i) { return translate(defOp->getOperand(i)); };
  auto typeOf = [&](Value v) { return scalarType(v.getType(), defOp); };

  auto binaryOf = [&](tk::Op kop) -> FailureOr<tk::ExprRef> {
    FailureOr<tk::ExprRef> a = operand(0), b = operand(1);
    if (failed(a) || failed(b))
      return failure();
    bool logical =
        kop == tk::Op::And || kop == tk::Op::Or || kop == tk::Op::Xor;
    if ((*a)->type.kind == tk::ScalarType::Bool && !logical) {
      defOp->emitError() << "'" << defOp->getName()
                         << "' on i1 is not supported by the Halide "
                            "emitter; extend to i8 first";
      return failure();
    }
    return tk::binary(kop, *a, *b);
  };
  // NaN-aware min/max. `propagate`: NaN if either is NaN (maximumf);
  // otherwise the other operand (maxnumf). Constant operands are never NaN
  // here, so their checks fold away (ReLU costs one extra compare).
  auto nanAwareMinMax = [&](tk::Op kop,
                            bool propagate) -> FailureOr<tk::ExprRef> {
    FailureOr<tk::ExprRef> a = operand(0), b = operand(1);
    if (failed(a) || failed(b))
      return failure();
    tk::ExprRef result = tk::binary(kop, *a, *b);
    auto isConst = [](const tk::ExprRef &e) { return e->op == tk::Op::Const; };
    if (!isConst(*b))
      result = tk::select(tk::isNan(*b), propagate ? *b : *a, result);
    if (!isConst(*a))
      result = tk::select(tk::isNan(*a), propagate ? *a : *b, result);
    return result;
  };
  auto unaryOf = [&](tk::Op kop) -> FailureOr<tk::ExprRef> {
    FailureOr<tk::ExprRef> a = operand(0);
    if (failed(a))
      return failure();
    return tk::unary(kop, *a);
  };
  // Unsigned views of signless integers: cast both operands to UInt of the
  // same width, apply, cast back.
  auto unsignedBinary = [&](tk::Op kop) -> FailureOr<tk::ExprRef> {
    FailureOr<tk::ExprRef> a = operand(0), b = operand(1);
    FailureOr<tk::ScalarType> t = typeOf(defOp->getResult(0));
    if (failed(a) || failed(b) || failed(t))
      return failure();
    tk::ScalarType u = tk::ScalarType::u(t->bits);
    return tk::cast(*t, tk::binary(kop, tk::cast(u, *a), tk::cast(u, *b)));
  };
  // MLIR's integer add/sub/mul wrap; Halide assumes 32- and 64-bit signed
  // arithmetic never overflows and folds accordingly (x + 1 > x becomes
  // true). So i32/i64 data arithmetic runs unsigned, where Halide wraps.
  // Index arithmetic stays signed: it computes coordinates, which are in
  // range, and Halide's bounds inference needs it signed.
  auto wrapping = [&](tk::Op kop) -> FailureOr<tk::ExprRef> {
    Type type = defOp->getResult(0).getType();
    if (!type.isIndex() && (type.isInteger(32) || type.isInteger(64)))
      return unsignedBinary(kop);
    return binaryOf(kop);
  };
  // Unsigned conversions read the operand's bits as unsigned (i1 as 0/1).
  auto fromUnsigned = [&]() -> FailureOr<tk::ExprRef> {
    FailureOr<tk::ExprRef> a = operand(0);
    FailureOr<tk::ScalarType> to = typeOf(defOp->getResult(0));
    if (failed(a) || failed(to))
      return failure();
    if ((*a)->type.kind == tk::ScalarType::Bool)
      return tk::cast(*to, *a);
    return tk::cast(*to, tk::cast(tk::ScalarType::u((*a)->type.bits), *a));
  };
  // Signed conversions read i1 as 0 or -1 (true is all ones).
  auto signedFromBool = [&]() -> FailureOr<tk::ExprRef> {
    FailureOr<tk::ExprRef> a = operand(0);
    FailureOr<tk::ScalarType> to = typeOf(defOp->getResult(0));
    if (failed(a) || failed(to))
      return failure();
    if ((*a)->type.kind != tk::ScalarType::Bool)
      return tk::cast(*to, *a);
    bool isFloat = to->kind == tk::ScalarType::Float;
    tk::ExprRef minusOne =
        isFloat ? tk::constFloat(-1.0, *to) : tk::constInt(-1, *to);
    tk::ExprRef zero =
        isFloat ? tk::constFloat(0.0, *to) : tk::constInt(0, *to);
    return tk::select(*a, minusOne, zero);
  };
  auto castTo = [&]() -> FailureOr<tk::ExprRef> {
    FailureOr<tk::ExprRef> a = operand(0);
    FailureOr<tk::ScalarType> t = typeOf(defOp->getResult(0));
    if (failed(a) || failed(t))
      return failure();
    return tk::cast(*t, *a);
  };

  using R = FailureOr<tk::ExprRef>;
  return llvm::TypeSwitch<Operation *, R>(defOp)
      .Case([&](arith::ConstantOp c) -> R {
        FailureOr<tk::ScalarType> t = typeOf(c.getResult());
        if (failed(t))
          return failure();
        if (auto f = dyn_cast<FloatAttr>(c.getValue()))
          return tk::constFloat(f.getValueAsDouble(), *t);
        if (auto i = dyn_cast<IntegerAttr>(c.getValue()))
          return tk::constInt(t->kind == tk::ScalarType::Bool
                                  ? (i.getValue().isZero() ? 0 : 1)
                                  : i.getValue().getSExtValue(),
                              *t);
        c.emitError() << "constant " << c.getValue()
                      << " cannot be used inside a kernel";
        return failure();
      })
      .Case([&](affine::AffineApplyOp apply) -> R {
        // Index arithmetic that canonicalization folded into a map.
        AffineMap map = apply.getAffineMap();
        SmallVector<tk::ExprRef> dims, syms;
        for (auto [i, v] : llvm::enumerate(apply.getMapOperands())) {
          FailureOr<tk::ExprRef> x = translate(v);
          if (failed(x))
            return failure();
          (i < map.getNumDims() ? dims : syms).push_back(*x);
        }
        ArrayRef<tk::ExprRef> dimRef(dims);
        return affineToExpr(map.getResult(0), &dimRef, syms);
      })
      .Case([&](linalg::IndexOp i) -> R {
        return tk::loopVar(static_cast<int>(i.getDim()));
      })
      .Case([&](tensor::ExtractOp e) -> R {
        auto type = e.getTensor().getType();
        if (!type.hasStaticShape()) {
          e.emitError() << "tensor.extract from a tensor of dynamic shape "
                        << type << " is not supported";
          return failure();
        }
        Operation *tensorDef = e.getTensor().getDefiningOp();
        if (tensorDef && op->isProperAncestor(tensorDef)) {
          e.emitError() << "tensor.extract from a tensor defined inside the "
                           "kernel is not supported";
          return failure();
        }
        std::vector<tk::ExprRef> indices;
        for (Value idx : e.getIndices()) {
          FailureOr<tk::ExprRef> x = translate(idx);
          if (failed(x))
            return failure();
          indices.push_back(*x);
        }
        FailureOr<tk::ScalarType> t = typeOf(e.getResult());
        if (failed(t))
          return failure();
        tk::ExprRef value =
            tk::load(inputIndexFor(e.getTensor()), std::move(indices), *t);
        // An index read from memory that the model promises to be in range
        // (ONNX Gather): outside it, the kernel fails with the message.
        if (auto check = e->getAttrOfType<DictionaryAttr>(kIndexCheckAttr)) {
          auto lo = check.getAs<IntegerAttr>("min");
          auto hi = check.getAs<IntegerAttr>("max");
          auto message = check.getAs<StringAttr>("message");
          if (!lo || !hi || !message || t->kind != tk::ScalarType::Int) {
            e.emitError() << kIndexCheckAttr
                          << " must be {min, max : integer, message : string} "
                             "on an extract of signed integers";
            return failure();
          }
          tk::ExprRef inRange = tk::binary(
              tk::Op::And,
              tk::compare(tk::Op::Ge, value, tk::constInt(lo.getInt(), *t)),
              tk::compare(tk::Op::Le, value, tk::constInt(hi.getInt(), *t)));
          value = tk::require(inRange, value, message.getValue().str());
        }
        return value;
      })
      // Floating-point arithmetic.
      .Case([&](arith::AddFOp) { return binaryOf(tk::Op::Add); })
      .Case([&](arith::SubFOp) { return binaryOf(tk::Op::Sub); })
      .Case([&](arith::MulFOp) { return binaryOf(tk::Op::Mul); })
      .Case([&](arith::DivFOp) { return binaryOf(tk::Op::Div); })
      .Case([&](arith::RemFOp) { return binaryOf(tk::Op::Rem); })
      .Case(
          [&](arith::MaximumFOp) { return nanAwareMinMax(tk::Op::Max, true); })
      .Case(
          [&](arith::MinimumFOp) { return nanAwareMinMax(tk::Op::Min, true); })
      .Case(
          [&](arith::MaxNumFOp) { return nanAwareMinMax(tk::Op::Max, false); })
      .Case(
          [&](arith::MinNumFOp) { return nanAwareMinMax(tk::Op::Min, false); })
      .Case([&](arith::NegFOp) { return unaryOf(tk::Op::Neg); })
      // Integer arithmetic (signless = signed unless the op says unsigned).
      .Case([&](arith::AddIOp) { return wrapping(tk::Op::Add); })
      .Case([&](arith::SubIOp) { return wrapping(tk::Op::Sub); })
      .Case([&](arith::MulIOp) { return wrapping(tk::Op::Mul); })
      .Case([&](arith::DivSIOp) { return binaryOf(tk::Op::Div); })
      .Case([&](arith::RemSIOp) { return binaryOf(tk::Op::Rem); })
      .Case([&](arith::FloorDivSIOp) { return binaryOf(tk::Op::FloorDiv); })
      .Case([&](arith::DivUIOp d) {
        return nonNegativeIndex(d.getLhs()) && nonNegativeIndex(d.getRhs())
                   ? binaryOf(tk::Op::FloorDiv)
                   : unsignedBinary(tk::Op::Div);
      })
      .Case([&](arith::RemUIOp r) {
        return nonNegativeIndex(r.getLhs()) && nonNegativeIndex(r.getRhs())
                   ? binaryOf(tk::Op::FloorMod)
                   : unsignedBinary(tk::Op::Rem);
      })
      .Case([&](arith::MaxSIOp) { return binaryOf(tk::Op::Max); })
      .Case([&](arith::MinSIOp) { return binaryOf(tk::Op::Min); })
      .Case([&](arith::MaxUIOp) { return unsignedBinary(tk::Op::Max); })
      .Case([&](arith::MinUIOp) { return unsignedBinary(tk::Op::Min); })
      .Case([&](arith::AndIOp) { return binaryOf(tk::Op::And); })
      .Case([&](arith::OrIOp) { return binaryOf(tk::Op::Or); })
      .Case([&](arith::XOrIOp) { return binaryOf(tk::Op::Xor); })
      .Case([&](arith::ShLIOp) { return binaryOf(tk::Op::Shl); })
      .Case([&](arith::ShRSIOp) { return binaryOf(tk::Op::Shr); })
      .Case([&](arith::ShRUIOp) { return unsignedBinary(tk::Op::Shr); })
      .Case([&](arith::SelectOp s) -> R {
        FailureOr<tk::ExprRef> c = operand(0), t = operand(1), f = operand(2);
        if (failed(c) || failed(t) || failed(f))
          return failure();
        return tk::select(*c, *t, *f);
      })
      .Case([&](arith::CmpFOp c) -> R {
        FailureOr<tk::ExprRef> a = operand(0), b = operand(1);
        if (failed(a) || failed(b))
          return failure();
        tk::ExprRef unordered =
            tk::binary(tk::Op::Or, tk::isNan(*a), tk::isNan(*b));
        auto orUnordered = [&](tk::Op op) {
          return tk::binary(tk::Op::Or, tk::compare(op, *a, *b), unordered);
        };
        using P = arith::CmpFPredicate;
        // Halide's simplifier assumes floats are never NaN (x == x folds
        // to true), so every predicate spells out its NaN case with
        // isnan, which Halide keeps exact.
        auto andOrdered = [&](tk::Op op) {
          return tk::binary(tk::Op::And, tk::compare(op, *a, *b),
                            tk::unary(tk::Op::Not, unordered));
        };
        switch (c.getPredicate()) {
        case P::AlwaysFalse:
          return tk::constInt(0, tk::ScalarType::boolean());
        case P::AlwaysTrue:
          return tk::constInt(1, tk::ScalarType::boolean());
        case P::OEQ:
          return andOrdered(tk::Op::Eq);
        case P::OGT:
          return andOrdered(tk::Op::Gt);
        case P::OGE:
          return andOrdered(tk::Op::Ge);
        case P::OLT:
          return andOrdered(tk::Op::Lt);
        case P::OLE:
          return andOrdered(tk::Op::Le);
        case P::ONE:
          return andOrdered(tk::Op::Ne);
        case P::ORD:
          return tk::unary(tk::Op::Not, unordered);
        case P::UEQ:
          return orUnordered(tk::Op::Eq);
        case P::UGT:
          return orUnordered(tk::Op::Gt);
        case P::UGE:
          return orUnordered(tk::Op::Ge);
        case P::ULT:
          return orUnordered(tk::Op::Lt);
        case P::ULE:
          return orUnordered(tk::Op::Le);
        case P::UNE:
          return orUnordered(tk::Op::Ne);
        case P::UNO:
          return unordered;
        }
        return failure();
      })
      .Case([&](arith::CmpIOp c) -> R {
        FailureOr<tk::ExprRef> a = operand(0), b = operand(1);
        FailureOr<tk::ScalarType> t = typeOf(c.getLhs());
        if (failed(a) || failed(b) || failed(t))
          return failure();
        using P = arith::CmpIPredicate;
        P p = c.getPredicate();
        bool isUnsigned =
            p == P::ult || p == P::ule || p == P::ugt || p == P::uge;
        tk::ExprRef l = *a, r = *b;
        bool ordering = p != P::eq && p != P::ne;
        if (t->kind == tk::ScalarType::Bool && ordering) {
          // i1 as a number: 1 unsigned, -1 signed.
          tk::ScalarType i8 = tk::ScalarType::i(8);
          tk::ExprRef one = tk::constInt(isUnsigned ? 1 : -1, i8);
          tk::ExprRef zero = tk::constInt(0, i8);
          l = tk::select(l, one, zero);
          r = tk::select(r, one, zero);
        } else if (isUnsigned && t->kind != tk::ScalarType::Bool) {
          l = tk::cast(tk::ScalarType::u(t->bits), l);
          r = tk::cast(tk::ScalarType::u(t->bits), r);
        }
        switch (p) {
        case P::eq:
          return tk::compare(tk::Op::Eq, l, r);
        case P::ne:
          return tk::compare(tk::Op::Ne, l, r);
        case P::slt:
        case P::ult:
          return tk::compare(tk::Op::Lt, l, r);
        case P::sle:
        case P::ule:
          return tk::compare(tk::Op::Le, l, r);
        case P::sgt:
        case P::ugt:
          return tk::compare(tk::Op::Gt, l, r);
        case P::sge:
        case P::uge:
          return tk::compare(tk::Op::Ge, l, r);
        }
        return failure();
      })
      // Conversions.
      .Case([&](arith::ExtFOp) { return castTo(); })
      .Case([&](arith::TruncFOp) { return castTo(); })
      .Case([&](arith::ExtSIOp) { return signedFromBool(); })
      .Case([&](arith::TruncIOp e) -> R {
        FailureOr<tk::ExprRef> a = operand(0);
        FailureOr<tk::ScalarType> from = typeOf(e.getIn());
        if (failed(a) || failed(from))
          return failure();
        if (!e.getType().isInteger(1))
          return castTo();
        // Truncation to i1 keeps the lowest bit.
        return tk::compare(tk::Op::Ne,
                           tk::binary(tk::Op::And, *a, tk::constInt(1, *from)),
                           tk::constInt(0, *from));
      })
      .Case([&](arith::SIToFPOp) { return signedFromBool(); })
      .Case([&](arith::FPToSIOp) { return castTo(); })
      .Case([&](arith::IndexCastOp) { return castTo(); })
      .Case([&](arith::ExtUIOp) { return fromUnsigned(); })
      .Case([&](arith::UIToFPOp) { return fromUnsigned(); })
      // Math.
      .Case([&](math::ExpOp) { return unaryOf(tk::Op::Exp); })
      .Case([&](math::LogOp) { return unaryOf(tk::Op::Log); })
      .Case([&](math::SqrtOp) { return unaryOf(tk::Op::Sqrt); })
      .Case([&](math::RsqrtOp) { return unaryOf(tk::Op::Rsqrt); })
      .Case([&](math::TanhOp) { return unaryOf(tk::Op::Tanh); })
      .Case([&](math::ErfOp) { return unaryOf(tk::Op::Erf); })
      .Case([&](math::AbsFOp) { return unaryOf(tk::Op::Abs); })
      .Case([&](math::AbsIOp) { return unaryOf(tk::Op::Abs); })
      .Case([&](math::FloorOp) { return unaryOf(tk::Op::Floor); })
      .Case([&](math::CeilOp) { return unaryOf(tk::Op::Ceil); })
      .Case([&](math::SinOp) { return unaryOf(tk::Op::Sin); })
      .Case([&](math::CosOp) { return unaryOf(tk::Op::Cos); })
      .Case([&](math::PowFOp) { return binaryOf(tk::Op::Pow); })
      .Default([&](Operation *other) -> R {
        other->emitError() << "'" << other->getName()
                           << "' cannot be translated by the Halide emitter";
        return failure();
      });
}

tk::ExprRef GenericTranslator::fillExpr(Value value) {
  if (auto fill = value.getDefiningOp<linalg::FillOp>()) {
    Attribute attr;
    if (!matchPattern(fill.value(), m_Constant(&attr)))
      return nullptr;
    std::optional<tk::ScalarType> t = toScalarType(fill.value().getType());
    if (!t)
      return nullptr;
    if (auto f = dyn_cast<FloatAttr>(attr))
      return tk::constFloat(f.getValueAsDouble(), *t);
    if (auto i = dyn_cast<IntegerAttr>(attr))
      return tk::constInt(i.getValue().getSExtValue(), *t);
    return nullptr;
  }
  auto generic = value.getDefiningOp<linalg::GenericOp>();
  if (!generic || generic.getNumResults() != 1 ||
      generic.getNumReductionLoops() != 0)
    return nullptr;
  for (OpOperand *in : generic.getDpsInputOperands())
    if (isa<ShapedType>(in->get().getType()))
      return nullptr;
  Block *body = generic.getBlock();
  if (!body->getArgument(generic.getNumDpsInputs()).use_empty())
    return nullptr;
  // The body may use linalg.index, so the expression depends on the loop
  // variables of the fill; the consumer must then map them. Keep it simple:
  // accept only bodies that are constant expressions of the scalar inputs.
  bool usesIndex = false;
  body->walk([&](linalg::IndexOp) { usesIndex = true; });
  if (usesIndex)
    return nullptr;
  KernelBuild scratch;
  GenericTranslator t(generic, scratch);
  Value yielded = body->getTerminator()->getOperand(0);
  FailureOr<tk::ExprRef> e = t.translate(yielded);
  if (failed(e) || !scratch.inputs.empty())
    return nullptr;
  return *e;
}

bool mlir::tern::isFillLike(Value value) {
  // fillExpr emits no diagnostics on its own paths except through
  // translate(); capture them so a probe stays silent.
  ScopedDiagnosticHandler silence(value.getContext(),
                                  [](Diagnostic &) { return success(); });
  return GenericTranslator::fillExpr(value) != nullptr;
}

bool mlir::tern::isFoldedFill(Operation *op) {
  if (op->getNumResults() != 1 || !isFillLike(op->getResult(0)))
    return false;
  return llvm::all_of(op->getUses(), [](OpOperand &use) {
    auto user = dyn_cast<linalg::GenericOp>(use.getOwner());
    return user && user.isDpsInit(&use);
  });
}

LogicalResult GenericTranslator::run(StringRef name) {
  tk::Kernel &k = build.kernel;
  k.name = name.str();
  if (!op.hasPureTensorSemantics())
    return op.emitError() << "the Halide emitter needs linalg.generic on "
                             "tensors; this one works on memrefs";

  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  for (auto [i, r] : llvm::enumerate(ranges))
    if (ShapedType::isDynamic(r))
      return op.emitError() << "loop dimension " << i
                            << " has a dynamic extent; the Halide emitter "
                               "needs static shapes";
  k.loopExtents.assign(ranges.begin(), ranges.end());
  // The schedule: complete after tern-select-schedule, else what the
  // lowering required (the backend then selects the rest).
  if (ScheduleAttr s = getSchedule(op)) {
    tk::Schedule &ks = k.schedule;
    ks.device = static_cast<tk::Schedule::Device>(s.getDevice());
    ks.recipe = static_cast<tk::Schedule::Recipe>(s.getRecipe());
    ks.vectorWidth = static_cast<int>(s.getVectorWidth());
    ks.updateVectorWidth = static_cast<int>(s.getUpdateVectorWidth());
    ks.reductionUnroll = static_cast<int>(s.getUnroll());
    ks.vectorBlocks = static_cast<int>(s.getVectorBlocks());
    ks.dotProduct = static_cast<int>(s.getDotProduct());
    ks.rows = static_cast<int>(s.getRows());
    if (s.getGpuThreads())
      ks.gpuThreads = static_cast<int>(s.getGpuThreads());
    if (s.getRecipe() != ScheduleRecipe::None)
      ks.parallel = s.getParallel();
    ks.hlsReuse = static_cast<int>(s.getHlsReuse());
  } else {
    k.schedule.hlsReuse = 0;
  }
  for (utils::IteratorType it : op.getIteratorTypesArray())
    k.isReduction.push_back(it == utils::IteratorType::reduction);
  bool reduces = op.getNumReductionLoops() > 0;

  Block *body = op.getBlock();
  auto yield = cast<linalg::YieldOp>(body->getTerminator());
  unsigned numInputs = op.getNumDpsInputs();

  for (OpOperand &init : op.getDpsInitsMutable()) {
    unsigned idx = init.getOperandNumber() - numInputs;
    Value result = op->getResult(idx);
    auto type = cast<RankedTensorType>(result.getType());
    FailureOr<tk::ScalarType> t = scalarType(type.getElementType(), op);
    if (failed(t))
      return failure();
    tk::Output out;
    out.buffer.name = "out" + std::to_string(idx);
    out.buffer.type = *t;
    out.buffer.shape.assign(type.getShape().begin(), type.getShape().end());
    AffineMap map = op.getMatchingIndexingMap(&init);
    for (AffineExpr e : map.getResults()) {
      auto dim = dyn_cast<AffineDimExpr>(e);
      if (!dim)
        return op.emitError() << "output indexing map " << str(map)
                              << " is not a projected permutation";
      out.loopDims.push_back(dim.getPosition());
    }

    BlockArgument outArg = body->getArgument(numInputs + idx);
    bool readsInit = !outArg.use_empty();
    tk::ExprRef initExpr;
    if (reduces || readsInit) {
      initExpr = fillExpr(init.get());
      if (!initExpr) {
        // The init holds real data: read it like an input, at the output's
        // own coordinates.
        std::vector<tk::ExprRef> indices;
        for (int d : out.loopDims)
          indices.push_back(tk::loopVar(d));
        initExpr = tk::load(inputIndexFor(init.get()), std::move(indices), *t);
      }
    }

    // Bind every output's block argument before translating any yield: an
    // output may read another output's running value (argmax).
    if (reduces) {
      out.init = initExpr;
      outputArgValue[outArg] = tk::self(idx, *t);
    } else if (readsInit) {
      outputArgValue[outArg] = initExpr;
    }
    k.outputs.push_back(std::move(out));
    build.outputs.push_back(result);
  }

  for (auto [idx, out] : llvm::enumerate(k.outputs)) {
    FailureOr<tk::ExprRef> value = translate(yield.getOperand(idx));
    if (failed(value))
      return failure();
    (reduces ? out.update : out.init) = *value;
  }
  // Activation sparsity (`tern.skip_zero_input = i`, set by
  // tern-skip-zero-activations): skip the reduction points where input
  // operand i, read through its indexing map, is zero.
  // The dialect verifies that i names an input operand.
  if (auto skip = op->getAttrOfType<IntegerAttr>("tern.skip_zero_input")) {
    FailureOr<tk::ExprRef> value =
        loadThroughMap(op.getDpsInputOperand(skip.getInt()));
    if (failed(value))
      return failure();
    k.skipWhenZero = *value;
  }
  return success();
}

FailureOr<KernelBuild> mlir::tern::buildKernel(linalg::GenericOp op,
                                               StringRef name) {
  KernelBuild build;
  GenericTranslator translator(op, build);
  if (failed(translator.run(name)))
    return failure();
  return build;
}
