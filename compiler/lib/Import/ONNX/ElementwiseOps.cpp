//===- ElementwiseOps.cpp - Unary, binary and ternary elementwise ops -----===//
//
// Each operator is one linalg.generic over the numpy broadcast of its
// inputs; activation functions are spelled with arith and math ops that the
// Halide emitter knows (sigmoid as 1 / (1 + exp(-x)), and so on).
// tern-fuse-elementwise later merges chains of them into one kernel.
//
//===----------------------------------------------------------------------===//

#include "Builders.h"
#include "ImportContext.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <cmath>

using namespace mlir;
using namespace mlir::tern::onnx_import;

namespace {

using ScalarFn = llvm::function_ref<Value(OpBuilder &, Location, Value)>;

/// Imports a one-input, one-output op whose result has the input's type.
/// `floatOnly` rejects integer inputs.
LogicalResult unary(NodeImporter &n, ArrayRef<StringRef> attrs, bool floatOnly,
                    ScalarFn fn) {
  if (failed(n.checkAttributes(attrs)))
    return failure();
  FailureOr<Value> x = n.input(0);
  if (failed(x))
    return failure();
  Type elem = n.type(0).getElementType();
  if (floatOnly && !isa<FloatType>(elem))
    return n.unsupported(
        n.node.op_type() + " on " +
        (elem.isInteger(1)
             ? std::string("bool")
             : "i" + std::to_string(elem.getIntOrFloatBitWidth())) +
        " tensors");
  if (elem.isInteger(1))
    return n.unsupported(n.node.op_type() + " on bool tensors");
  FailureOr<Value> r =
      elementwise(n, *x, elem, [&](OpBuilder &b, Location l, ValueRange a) {
        return fn(b, l, a[0]);
      });
  if (failed(r))
    return failure();
  n.setOutput(0, *r);
  return success();
}

Value expOf(OpBuilder &b, Location l, Value x) {
  return math::ExpOp::create(b, l, x);
}
Value logOf(OpBuilder &b, Location l, Value x) {
  return math::LogOp::create(b, l, x);
}
Value c(OpBuilder &b, Location l, Value like, double v) {
  return floatLike(b, l, like, v);
}
/// 1 / (1 + exp(-x)).
Value sigmoid(OpBuilder &b, Location l, Value x) {
  Value e = expOf(b, l, arith::NegFOp::create(b, l, x));
  return div(b, l, c(b, l, x, 1.0), add(b, l, c(b, l, x, 1.0), e));
}

LogicalResult importRelu(NodeImporter &n) {
  return unary(n, {}, false, [](OpBuilder &b, Location l, Value x) {
    return maximum(b, l, x, scalarConstant(b, l, x.getType(), 0));
  });
}

LogicalResult importLeakyRelu(NodeImporter &n) {
  double alpha = n.floatAttr("alpha", 0.01f);
  return unary(n, {"alpha"}, true, [&](OpBuilder &b, Location l, Value x) {
    Value neg = compare(b, l, "lt", x, c(b, l, x, 0.0));
    return select(b, l, neg, mul(b, l, x, c(b, l, x, alpha)), x);
  });
}

LogicalResult importElu(NodeImporter &n) {
  double alpha = n.floatAttr("alpha", 1.0f);
  return unary(n, {"alpha"}, true, [&](OpBuilder &b, Location l, Value x) {
    Value neg = compare(b, l, "lt", x, c(b, l, x, 0.0));
    Value em1 = sub(b, l, expOf(b, l, x), c(b, l, x, 1.0));
    return select(b, l, neg, mul(b, l, em1, c(b, l, x, alpha)), x);
  });
}

LogicalResult importSelu(NodeImporter &n) {
  double alpha = n.floatAttr("alpha", 1.67326319217681884765625f);
  double gamma = n.floatAttr("gamma", 1.05070102214813232421875f);
  return unary(
      n, {"alpha", "gamma"}, true, [&](OpBuilder &b, Location l, Value x) {
        Value neg = compare(b, l, "le", x, c(b, l, x, 0.0));
        Value em1 = sub(b, l, expOf(b, l, x), c(b, l, x, 1.0));
        Value y = select(b, l, neg, mul(b, l, em1, c(b, l, x, alpha)), x);
        return mul(b, l, y, c(b, l, x, gamma));
      });
}

LogicalResult importSigmoid(NodeImporter &n) {
  return unary(n, {}, true, sigmoid);
}

/// max(0, min(1, alpha * x + beta)).
Value hardSigmoid(OpBuilder &b, Location l, Value x, double alpha,
                  double beta) {
  Value y = add(b, l, mul(b, l, x, c(b, l, x, alpha)), c(b, l, x, beta));
  return minimum(b, l, maximum(b, l, y, c(b, l, x, 0.0)), c(b, l, x, 1.0));
}

LogicalResult importHardSigmoid(NodeImporter &n) {
  double alpha = n.floatAttr("alpha", 0.2f), beta = n.floatAttr("beta", 0.5f);
  return unary(n, {"alpha", "beta"}, true,
               [&](OpBuilder &b, Location l, Value x) {
                 return hardSigmoid(b, l, x, alpha, beta);
               });
}

/// HardSwish (opset 14; PyTorch writes it for MobileNetV3's hardswish):
/// x * HardSigmoid(x) with alpha = 1/6, beta = 0.5.
LogicalResult importHardSwish(NodeImporter &n) {
  return unary(n, {}, true, [](OpBuilder &b, Location l, Value x) {
    return mul(b, l, x, hardSigmoid(b, l, x, 1.0 / 6.0, 0.5));
  });
}

LogicalResult importSoftplus(NodeImporter &n) {
  // log(1 + exp(x)) = max(x, 0) + log(1 + exp(-|x|)): no overflow.
  return unary(n, {}, true, [](OpBuilder &b, Location l, Value x) {
    Value absX = math::AbsFOp::create(b, l, x);
    Value e = expOf(b, l, arith::NegFOp::create(b, l, absX));
    Value lg = logOf(b, l, add(b, l, c(b, l, x, 1.0), e));
    return add(b, l, arith::MaxNumFOp::create(b, l, x, c(b, l, x, 0.0)), lg);
  });
}

LogicalResult importSoftsign(NodeImporter &n) {
  return unary(n, {}, true, [](OpBuilder &b, Location l, Value x) {
    Value d = add(b, l, c(b, l, x, 1.0), math::AbsFOp::create(b, l, x));
    return div(b, l, x, d);
  });
}

LogicalResult importTanh(NodeImporter &n) {
  return unary(n, {}, true, [](OpBuilder &b, Location l, Value x) {
    return math::TanhOp::create(b, l, x);
  });
}

LogicalResult importExp(NodeImporter &n) { return unary(n, {}, true, expOf); }
LogicalResult importLog(NodeImporter &n) { return unary(n, {}, true, logOf); }

/// A float-only operator that is one math dialect op.
template <typename MathOp> LogicalResult importMathUnary(NodeImporter &n) {
  return unary(n, {}, true, [](OpBuilder &b, Location l, Value x) -> Value {
    return MathOp::create(b, l, x);
  });
}

LogicalResult importReciprocal(NodeImporter &n) {
  return unary(n, {}, true, [](OpBuilder &b, Location l, Value x) {
    return div(b, l, c(b, l, x, 1.0), x);
  });
}

LogicalResult importNeg(NodeImporter &n) {
  return unary(n, {}, false, [](OpBuilder &b, Location l, Value x) -> Value {
    if (isa<FloatType>(x.getType()))
      return arith::NegFOp::create(b, l, x);
    return sub(b, l, scalarConstant(b, l, x.getType(), 0), x);
  });
}

/// Round: to the nearest integer, halves to even (numpy's round, which
/// BitLinear activation quantization relies on): floor(x) + 1 where the
/// fraction is above one half, or is one half and floor(x) is odd. NaN and
/// infinities pass through (their fraction compares false).
LogicalResult importRound(NodeImporter &n) {
  return unary(n, {}, true, [](OpBuilder &b, Location l, Value x) -> Value {
    Value lo = math::FloorOp::create(b, l, x);
    Value frac = sub(b, l, x, lo);
    Value half = c(b, l, x, 0.5);
    Value evenPart = mul(b, l, math::FloorOp::create(b, l, mul(b, l, lo, half)),
                         c(b, l, x, 2.0));
    Value odd = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ,
                                      sub(b, l, lo, evenPart), c(b, l, x, 1.0));
    Value up = arith::OrIOp::create(
        b, l,
        arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, frac, half),
        arith::AndIOp::create(
            b, l,
            arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ, frac, half),
            odd));
    return arith::SelectOp::create(b, l, up, add(b, l, lo, c(b, l, x, 1.0)),
                                   lo);
  });
}

LogicalResult importAbs(NodeImporter &n) {
  return unary(n, {}, false, [](OpBuilder &b, Location l, Value x) -> Value {
    if (isa<FloatType>(x.getType()))
      return math::AbsFOp::create(b, l, x);
    return math::AbsIOp::create(b, l, x);
  });
}

LogicalResult importGelu(NodeImporter &n) {
  // Gelu as a single op (opset 20 and contrib exports): erf or tanh form.
  std::string approx = n.stringAttr("approximate", "none");
  if (approx != "none" && approx != "tanh")
    return n.unsupported("Gelu approximate='" + approx + "'");
  return unary(
      n, {"approximate"}, true, [&](OpBuilder &b, Location l, Value x) {
        Value half = mul(b, l, x, c(b, l, x, 0.5));
        Value inner;
        if (approx == "none") {
          inner =
              math::ErfOp::create(b, l, mul(b, l, x, c(b, l, x, M_SQRT1_2)));
        } else {
          Value x3 = mul(b, l, mul(b, l, x, x), x);
          Value t = add(b, l, x, mul(b, l, x3, c(b, l, x, 0.044715)));
          inner = math::TanhOp::create(
              b, l, mul(b, l, t, c(b, l, x, std::sqrt(2.0 / M_PI))));
        }
        return mul(b, l, half, add(b, l, c(b, l, x, 1.0), inner));
      });
}

/// Binary ops with numpy broadcasting. Both inputs must have one element
/// type (Pow converts its exponent).
/// Integer arithmetic on compile-time values (shape arithmetic).
using HostFn = int64_t (*)(int64_t, int64_t);

/// `fn` over the numpy broadcast of integer constants, or null when an
/// input is not a small integer constant.
DenseElementsAttr
foldIntegers(NodeImporter &n, ArrayRef<int> inputs, Type resultType,
             llvm::function_ref<int64_t(ArrayRef<int64_t>)> fn) {
  SmallVector<SmallVector<int64_t>> shapes, values;
  for (int i : inputs) {
    DenseElementsAttr c = n.constant(i);
    if (!c || !isa<IntegerType>(c.getElementType()) ||
        c.getNumElements() > 4096)
      return {};
    shapes.emplace_back(cast<RankedTensorType>(c.getType()).getShape());
    values.push_back(attrInts(c));
  }
  FailureOr<SmallVector<int64_t>> out = broadcastShapes(shapes);
  if (failed(out))
    return {};
  int64_t count = numElements(*out);
  SmallVector<int64_t> result, idx(out->size(), 0), args(inputs.size());
  for (int64_t o = 0; o < count; ++o) {
    for (size_t i = 0; i < inputs.size(); ++i) {
      // Flat index of the broadcast element in input i.
      int64_t flat = 0;
      size_t off = out->size() - shapes[i].size();
      for (size_t d = 0; d < shapes[i].size(); ++d)
        flat = flat * shapes[i][d] + (shapes[i][d] == 1 ? 0 : idx[off + d]);
      args[i] = values[i][flat];
    }
    result.push_back(fn(args));
    for (int64_t d = static_cast<int64_t>(out->size()) - 1; d >= 0; --d) {
      if (++idx[d] < (*out)[d])
        break;
      idx[d] = 0;
    }
  }
  return attrFromInts(n.ctx, *out, result, resultType);
}

LogicalResult
binary(NodeImporter &n, bool floatOnly, bool boolResult,
       llvm::function_ref<Value(OpBuilder &, Location, Value, Value)> fn,
       HostFn host = nullptr) {
  if (failed(n.checkAttributes({"broadcast", "axis"})))
    return failure();
  if (host && n.type(0) && n.type(1) && !n.hasAttr("axis"))
    if (DenseElementsAttr folded = foldIntegers(
            n, {0, 1},
            boolResult ? IntegerType::get(n.ctx, 1)
                       : n.type(0).getElementType(),
            [&](ArrayRef<int64_t> a) { return host(a[0], a[1]); })) {
      n.setConstant(0, folded);
      return success();
    }
  FailureOr<Value> x = n.input(0), y = n.input(1);
  if (failed(x) || failed(y))
    return failure();
  // Opset < 7: with broadcast=1, B's dimensions line up with A's from
  // `axis` on (default: the trailing ones, as numpy does).
  if (n.intAttr("broadcast", 0) != 0 && n.hasAttr("axis")) {
    int64_t ra = n.type(0).getRank(), rb = n.type(1).getRank();
    int64_t axis = n.intAttr("axis", ra - rb);
    if (axis < 0)
      axis += ra;
    if (axis < 0 || axis > ra - rb) {
      n.error() << "axis " << axis << " does not place B inside A";
      return failure();
    }
    SmallVector<int64_t> shape(n.type(1).getShape());
    shape.append(ra - axis - rb, 1);
    *y = reshape(n.b, n.loc, *y, shape);
  }
  // PRelu: a slope per channel of (N, C, ...) inputs, as older exporters
  // wrote it, broadcasts along axis 1.
  if (n.node.op_type() == "PRelu" && n.type(1).getRank() == 1 &&
      n.type(0).getRank() > 2 &&
      n.type(1).getDimSize(0) == n.type(0).getDimSize(1) &&
      n.type(1).getDimSize(0) != n.type(0).getShape().back()) {
    SmallVector<int64_t> shape = {n.type(1).getDimSize(0)};
    shape.append(n.type(0).getRank() - 2, 1);
    *y = reshape(n.b, n.loc, *y, shape);
  }
  Type ex = n.type(0).getElementType(), ey = n.type(1).getElementType();
  if (ex != ey) {
    n.error() << "inputs have different element types " << ex << " and " << ey;
    return failure();
  }
  if (floatOnly && !isa<FloatType>(ex))
    return n.unsupported(n.node.op_type() + " on integer tensors");
  if (ex.isInteger(1) && !boolResult)
    return n.unsupported(n.node.op_type() + " on bool tensors");
  Type result = boolResult ? IntegerType::get(n.ctx, 1) : ex;
  FailureOr<Value> r = elementwise(n, {*x, *y}, result,
                                   [&](OpBuilder &b, Location l, ValueRange a) {
                                     return fn(b, l, a[0], a[1]);
                                   });
  if (failed(r))
    return failure();
  n.setOutput(0, *r);
  return success();
}

/// Host folding wraps on overflow, as the generated kernels do (two's
/// complement), instead of signed overflow in the compiler.
int64_t wrap(uint64_t v) { return static_cast<int64_t>(v); }

LogicalResult importAdd(NodeImporter &n) {
  return binary(n, false, false, mlir::tern::onnx_import::add,
                [](int64_t a, int64_t b) { return wrap(uint64_t(a) + b); });
}
LogicalResult importSub(NodeImporter &n) {
  return binary(n, false, false, mlir::tern::onnx_import::sub,
                [](int64_t a, int64_t b) { return wrap(uint64_t(a) - b); });
}
LogicalResult importMul(NodeImporter &n) {
  return binary(n, false, false, mlir::tern::onnx_import::mul,
                [](int64_t a, int64_t b) { return wrap(uint64_t(a) * b); });
}
LogicalResult importDiv(NodeImporter &n) {
  // Integer division on the host only when it cannot trap.
  if (DenseElementsAttr d = n.constant(1);
      d && isa<IntegerType>(d.getElementType()) &&
      llvm::is_contained(attrInts(d), 0))
    return binary(n, false, false, mlir::tern::onnx_import::div);
  return binary(n, false, false, mlir::tern::onnx_import::div,
                [](int64_t a, int64_t b) {
                  // INT64_MIN / -1 traps on x86; it wraps, as the kernel's.
                  return b == -1 ? wrap(0 - uint64_t(a)) : a / b;
                });
}

LogicalResult importPRelu(NodeImporter &n) {
  return binary(n, true, false, [](OpBuilder &b, Location l, Value x, Value s) {
    Value neg = compare(b, l, "lt", x, c(b, l, x, 0.0));
    return select(b, l, neg, mul(b, l, x, s), x);
  });
}

LogicalResult compareOp(NodeImporter &n, StringRef kind) {
  HostFn host =
      kind == "eq" ? [](int64_t a, int64_t b) -> int64_t { return a == b; }
                   : kind == "lt"
      ? [](int64_t a, int64_t b) -> int64_t { return a < b; }
      : [](int64_t a, int64_t b) -> int64_t { return a > b; };
  return binary(
      n, false, true,
      [&](OpBuilder &b, Location l, Value x, Value y) {
        if (x.getType().isInteger(1)) {
          // Only Equal reaches here for bools (others are rejected by ONNX).
          return Value(
              arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, x, y));
        }
        return compare(b, l, kind, x, y);
      },
      host);
}

LogicalResult importEqual(NodeImporter &n) { return compareOp(n, "eq"); }
LogicalResult importLess(NodeImporter &n) { return compareOp(n, "lt"); }
LogicalResult importGreater(NodeImporter &n) { return compareOp(n, "gt"); }

LogicalResult importPow(NodeImporter &n) {
  if (failed(n.checkAttributes({})))
    return failure();
  FailureOr<Value> x = n.input(0), y = n.input(1);
  if (failed(x) || failed(y))
    return failure();
  Type ex = n.type(0).getElementType();
  if (ex.isInteger(1))
    return n.unsupported("Pow on bool tensors");
  if (!isa<FloatType>(ex)) {
    // Integer powers through f64 (exact for results below 2^53).
    FailureOr<Value> r = elementwise(
        n, {*x, *y}, ex, [&](OpBuilder &b, Location l, ValueRange a) {
          Type f64 = b.getF64Type();
          Value p = math::PowFOp::create(b, l, convertScalar(b, l, a[0], f64),
                                         convertScalar(b, l, a[1], f64));
          return convertScalar(b, l, p, ex);
        });
    if (failed(r))
      return failure();
    n.setOutput(0, *r);
    return success();
  }
  // x^2 (common in exported normalizations) stays exact as x * x.
  if (DenseElementsAttr e = n.constant(1);
      e && e.isSplat() && attrDoubles(e)[0] == 2.0 &&
      n.type(1).getRank() <= n.type(0).getRank()) {
    FailureOr<Value> r = elementwise(
        n, {*x, *y}, ex, [&](OpBuilder &b, Location l, ValueRange a) {
          return mul(b, l, a[0], a[0]);
        });
    if (failed(r))
      return failure();
    n.setOutput(0, *r);
    return success();
  }
  FailureOr<Value> r =
      elementwise(n, {*x, *y}, ex, [&](OpBuilder &b, Location l, ValueRange a) {
        Value p = convertScalar(b, l, a[1], a[0].getType());
        return Value(math::PowFOp::create(b, l, a[0], p));
      });
  if (failed(r))
    return failure();
  n.setOutput(0, *r);
  return success();
}

LogicalResult importWhere(NodeImporter &n) {
  if (failed(n.checkAttributes({})))
    return failure();
  FailureOr<Value> cnd = n.input(0), x = n.input(1), y = n.input(2);
  if (failed(cnd) || failed(x) || failed(y))
    return failure();
  Type elem = n.type(1).getElementType();
  if (n.type(2).getElementType() != elem) {
    n.error() << "X and Y have different element types";
    return failure();
  }
  if (isa<IntegerType>(elem))
    if (DenseElementsAttr folded =
            foldIntegers(n, {0, 1, 2}, elem, [](ArrayRef<int64_t> a) {
              return a[0] ? a[1] : a[2];
            })) {
      n.setConstant(0, folded);
      return success();
    }
  FailureOr<Value> r = elementwise(n, {*cnd, *x, *y}, elem,
                                   [](OpBuilder &b, Location l, ValueRange a) {
                                     return select(b, l, a[0], a[1], a[2]);
                                   });
  if (failed(r))
    return failure();
  n.setOutput(0, *r);
  return success();
}

LogicalResult importClip(NodeImporter &n) {
  if (failed(n.checkAttributes({"min", "max"})))
    return failure();
  FailureOr<Value> x = n.input(0);
  if (failed(x))
    return failure();
  Type elem = n.type(0).getElementType();
  if (elem.isInteger(1))
    return n.unsupported("Clip on bool tensors");
  SmallVector<Value> inputs = {*x};
  // Opset < 11: attributes; later: optional scalar inputs.
  std::optional<double> lo, hi;
  bool loIn = false, hiIn = false;
  if (n.opset < 11) {
    // Clip-6 is defined for float tensors only (its bounds are floats).
    if (!isa<FloatType>(elem))
      return n.unsupported("Clip before opset 11 on a non-float tensor");
    lo = n.floatAttr("min", -std::numeric_limits<float>::infinity());
    hi = n.floatAttr("max", std::numeric_limits<float>::infinity());
  } else {
    for (int i : {1, 2}) {
      if (!n.hasInput(i))
        continue;
      FailureOr<Value> v = n.input(i);
      if (failed(v))
        return failure();
      if (n.type(i).getElementType() != elem) {
        n.error() << "input " << i << " has a different element type";
        return failure();
      }
      inputs.push_back(*v);
      (i == 1 ? loIn : hiIn) = true;
    }
  }
  FailureOr<Value> r =
      elementwise(n, inputs, elem, [&](OpBuilder &b, Location l, ValueRange a) {
        Value v = a[0];
        size_t next = 1;
        if (lo)
          v = maximum(b, l, v, scalarConstant(b, l, elem, *lo));
        if (loIn)
          v = maximum(b, l, v, a[next++]);
        if (hi)
          v = minimum(b, l, v, scalarConstant(b, l, elem, *hi));
        if (hiIn)
          v = minimum(b, l, v, a[next++]);
        return v;
      });
  if (failed(r))
    return failure();
  n.setOutput(0, *r);
  return success();
}

} // namespace

void mlir::tern::onnx_import::registerElementwiseOps(OpTable &t) {
  t["Relu"] = importRelu;
  t["LeakyRelu"] = importLeakyRelu;
  t["Elu"] = importElu;
  t["Selu"] = importSelu;
  t["Sigmoid"] = importSigmoid;
  t["HardSigmoid"] = importHardSigmoid;
  t["HardSwish"] = importHardSwish;
  t["Softplus"] = importSoftplus;
  t["Softsign"] = importSoftsign;
  t["Tanh"] = importTanh;
  t["Exp"] = importExp;
  t["Log"] = importLog;
  t["Sqrt"] = importMathUnary<math::SqrtOp>;
  t["Erf"] = importMathUnary<math::ErfOp>;
  t["Reciprocal"] = importReciprocal;
  t["Neg"] = importNeg;
  t["Abs"] = importAbs;
  t["Floor"] = importMathUnary<math::FloorOp>;
  t["Ceil"] = importMathUnary<math::CeilOp>;
  t["Round"] = importRound;
  t["Gelu"] = importGelu;
  t["Add"] = importAdd;
  t["Sub"] = importSub;
  t["Mul"] = importMul;
  t["Div"] = importDiv;
  t["PRelu"] = importPRelu;
  t["Equal"] = importEqual;
  t["Less"] = importLess;
  t["Greater"] = importGreater;
  t["Pow"] = importPow;
  t["Where"] = importWhere;
  t["Clip"] = importClip;
}
