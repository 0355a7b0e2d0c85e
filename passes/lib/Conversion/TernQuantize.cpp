//===- TernQuantize.cpp - Float model to integer (fixed-point) mode -------===//
//
// Integer mode, for targets without floating point (HLS) and for CPU builds
// that must agree with them bit for bit. Every float tensor becomes an
// integer tensor `q` with a real value `q * scale`:
//
//  - model inputs: int8 (or int16), scale = absmax / 127 from the input's
//    calibrated range (`tern.absmax` on the argument);
//  - tern.ternary_matmul: an int32 add/subtract accumulation of the int8
//    inputs over the packed trits (no multiply), scale = s_x * a (per tensor
//    or per output row);
//  - linalg.matmul with constant weights: int8 weights (per-tensor absmax),
//    an int32 multiply-accumulate, scale = s_x * s_w;
//  - linalg.generic bodies are rewritten op by op: additions, subtractions,
//    max and min of values at one scale (constants and constant tensors such
//    as biases are quantized to that scale, in int32), selects, copies and
//    gathers (pads, im2col, transposes), max and sum reductions, and
//    multiplications or divisions by positive constants (which change the
//    scale, not the integers);
//  - where an int32 tensor feeds a matmul it is requantized to int8 at a
//    scale from its calibrated range (`tern.absmax` on the op that produced
//    it): by a shift with rounding when the consumer is ternary and the
//    scale is per tensor (no multiplier at all), else by an int64 multiply
//    by a 31-bit constant and a rounding shift; results clamp to +-127;
//  - model outputs are int32 at one scale per tensor (per-row scales are
//    rescaled to the largest one by multiply-and-shift).
//
// Each tensor also carries a bound on |q|; an accumulation whose bound
// exceeds int32 is an error (the overflow analysis). The function's
// arguments and results get `tern.scale` attributes (the real value of one
// integer step), which the drivers print in headers and reports.
//
// Anything else on float tensors has no integer form here and is an error
// naming the op, with the advice to compile for the CPU in float.
//
//===----------------------------------------------------------------------===//

#include "tern/Analysis/Layers.h"
#include "tern/Analysis/SparseWeights.h"
#include "tern/Conversion/Passes.h"
#include "tern/Dialect/Tern/IR/TernOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"

#include <cmath>
#include <limits>

namespace mlir::tern {
#define GEN_PASS_DEF_TERNQUANTIZEPASS
#include "tern/Conversion/Passes.h.inc"
} // namespace mlir::tern

using namespace mlir;
using namespace mlir::tern;

namespace {

constexpr double kInt32Max = 2147483647.0;

/// An integer tensor standing for a float one: real = value * scale.
struct QTensor {
  Value value;
  /// One scale, or one per index of the last dimension (per channel).
  SmallVector<double> scale;
  /// |value| <= bound everywhere (the overflow analysis).
  double bound = 0;

  bool perTensor() const { return scale.size() == 1; }
  unsigned bits() const {
    return cast<RankedTensorType>(value.getType())
        .getElementType()
        .getIntOrFloatBitWidth();
  }
};

bool sameScale(ArrayRef<double> a, ArrayRef<double> b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::fabs(a[i] - b[i]) > 1e-12 * std::max(std::fabs(a[i]), 1e-30))
      return false;
  return true;
}

std::optional<double> absmaxAttr(Attribute a) {
  if (auto f = dyn_cast_or_null<FloatAttr>(a))
    return f.getValueAsDouble();
  return std::nullopt;
}

/// The float values of a constant tensor, or nothing.
std::optional<SmallVector<double>> constantValues(Value v) {
  DenseFPElementsAttr data;
  if (!matchPattern(v, m_Constant(&data)))
    return std::nullopt;
  SmallVector<double> out;
  for (APFloat f : data.getValues<APFloat>())
    out.push_back(f.convertToDouble());
  return out;
}

/// A value inside a generic body, as the analysis sees it.
struct BodyValue {
  enum Kind {
    Quant,      ///< an integer at `scale`
    Constant,   ///< a float scalar constant `c` (not yet quantized)
    ConstInput, ///< element of float constant input `input`
    Plain,      ///< not float: index math, conditions, i8 windows
    Self        ///< the reduction's running value
  };
  Kind kind = Plain;
  SmallVector<double> scale;
  double bound = 0;
  unsigned bits = 32;
  double c = 0;
  int input = -1;

  bool perTensor() const { return scale.size() <= 1; }
};

/// Rewrites one function; errors are emitted at the op that has no integer
/// form.
class Quantizer {
public:
  Quantizer(func::FuncOp func, int activationBits, bool structured, bool report)
      : func(func), bits(activationBits), structured(structured),
        report(report),
        qmax(static_cast<double>((int64_t(1) << (activationBits - 1)) - 1)) {}

  LogicalResult run();

private:
  func::FuncOp func;
  unsigned bits;
  bool structured, report;
  double qmax;
  DenseMap<Value, QTensor> map;

  IntegerType intType(unsigned w) {
    return IntegerType::get(func.getContext(), w);
  }
  RankedTensorType withElement(Type t, unsigned w) {
    auto r = cast<RankedTensorType>(t);
    return RankedTensorType::get(r.getShape(), intType(w));
  }
  /// A zero-filled int32 tensor of the shape of the float `result`.
  Value zeroInt32Like(OpBuilder &b, Location loc, Value result) {
    auto type = withElement(result.getType(), 32);
    Value empty =
        tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType());
    Value zero = arith::ConstantIntOp::create(b, loc, intType(32), 0);
    return linalg::FillOp::create(b, loc, zero, empty).getResult(0);
  }
  /// `acc[m, n] = sum_j a * w` in int32 over (m, n, j), j a reduction,
  /// starting from zero, shaped like the float `result`: `ins` are read
  /// through `maps` (over m, n, j) and `factors` picks a step's two integer
  /// factors, both sign-extended.
  Value int32DotAccumulation(
      OpBuilder &b, Location loc, Value result, ValueRange ins,
      ArrayRef<AffineMap> maps,
      function_ref<std::pair<Value, Value>(OpBuilder &, Location, ValueRange)>
          factors) {
    MLIRContext *ctx = b.getContext();
    Value init = zeroInt32Like(b, loc, result);
    SmallVector<AffineMap> all(maps);
    AffineExpr dm, dn, dj;
    bindDims(ctx, dm, dn, dj);
    all.push_back(AffineMap::get(3, 0, {dm, dn}, ctx));
    auto generic = linalg::GenericOp::create(
        b, loc, TypeRange{init.getType()}, ins, ValueRange{init}, all,
        ArrayRef<utils::IteratorType>{utils::IteratorType::parallel,
                                      utils::IteratorType::parallel,
                                      utils::IteratorType::reduction},
        [&](OpBuilder &rb, Location l, ValueRange args) {
          auto [a, w] = factors(rb, l, args);
          Value aw = arith::ExtSIOp::create(rb, l, intType(32), a);
          Value ww = arith::ExtSIOp::create(rb, l, intType(32), w);
          Value p = arith::MulIOp::create(rb, l, aw, ww);
          linalg::YieldOp::create(
              rb, l, arith::AddIOp::create(rb, l, args.back(), p).getResult());
        });
    return generic.getResult(0);
  }
  /// An int8 constant tensor of `shape` holding `data`.
  Value int8Constant(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                     ArrayRef<int8_t> data) {
    auto type = RankedTensorType::get(shape, intType(8));
    return arith::ConstantOp::create(b, loc, type,
                                     DenseElementsAttr::get(type, data));
  }
  static bool isFloatTensor(Type t) {
    auto r = dyn_cast<RankedTensorType>(t);
    return r && isa<FloatType>(r.getElementType());
  }

  FailureOr<QTensor> lookup(Operation *user, Value v) {
    auto it = map.find(v);
    if (it != map.end())
      return it->second;
    return user->emitOpError()
           << "tern-quantize: operand is a float tensor with no integer form "
              "(a constant or a value this pass does not follow); integer "
              "mode needs constants only as matmul weights and generic "
              "operands";
  }

  FailureOr<QTensor> narrow(Operation *consumer, Value original,
                            const QTensor &t, bool shiftOnly);
  QTensor requantize(OpBuilder &b, Location loc, const QTensor &t,
                     double outScale, double outMax, unsigned outBits,
                     bool shiftOnly, int shift);
  LogicalResult quantizeArguments();
  LogicalResult ternaryMatmul(TernaryMatmulOp op);
  LogicalResult matmul(linalg::MatmulOp op);
  /// The N:M int8 accumulation of a matmul whose quantized weights `qt`
  /// (N x K) hold an N:M pattern, or failure if they hold none.
  FailureOr<Value> structuredMatmul(OpBuilder &b, linalg::MatmulOp op, Value x,
                                    ArrayRef<int8_t> qt, int64_t n, int64_t k);
  LogicalResult generic(linalg::GenericOp op);
  LogicalResult reshape(Operation *op);
  LogicalResult results(func::ReturnOp ret);
};

LogicalResult Quantizer::quantizeArguments() {
  Block &entry = func.getBody().front();
  SmallVector<Type> inputs;
  for (BlockArgument arg : entry.getArguments()) {
    if (!isFloatTensor(arg.getType())) {
      inputs.push_back(arg.getType());
      continue;
    }
    std::optional<double> absmax =
        absmaxAttr(func.getArgAttr(arg.getArgNumber(), "tern.absmax"));
    if (!absmax)
      return func.emitOpError()
             << "tern-quantize: input " << arg.getArgNumber()
             << " has no calibrated range: integer mode needs the largest "
                "|value| of every input (ternc --calibrate=FILE, or the "
                "argument attribute tern.absmax = <f64>)";
    double scale = *absmax > 0 ? *absmax / qmax : 1.0;
    arg.setType(withElement(arg.getType(), bits));
    func.setArgAttr(arg.getArgNumber(), "tern.scale",
                    FloatAttr::get(Float64Type::get(func.getContext()), scale));
    map[arg] = QTensor{arg, {scale}, qmax};
    inputs.push_back(arg.getType());
  }
  func.setType(FunctionType::get(func.getContext(), inputs,
                                 func.getFunctionType().getResults()));
  return success();
}

/// A requantization kernel: y = clamp(round(x * s_x / outScale)) as an
/// `outBits` integer. shiftOnly: s_x / outScale = 2^-shift exactly.
QTensor Quantizer::requantize(OpBuilder &b, Location loc, const QTensor &t,
                              double outScale, double outMax, unsigned outBits,
                              bool shiftOnly, int shift) {
  MLIRContext *ctx = b.getContext();
  auto inType = cast<RankedTensorType>(t.value.getType());
  int64_t rank = inType.getRank();
  auto outType = withElement(inType, outBits);
  Value empty = tensor::EmptyOp::create(b, loc, outType.getShape(),
                                        outType.getElementType());
  IntegerType i64 = intType(64);
  SmallVector<Value> ins{t.value};
  SmallVector<AffineMap> maps{AffineMap::getMultiDimIdentityMap(rank, ctx)};
  // Multiply-and-shift: ratio_j = M_j * 2^-shift with M_j < 2^31.
  SmallVector<int64_t> multipliers;
  if (!shiftOnly) {
    double largest = 0;
    for (double s : t.scale)
      largest = std::max(largest, s / outScale);
    int e = static_cast<int>(std::floor(std::log2(largest)));
    shift = std::clamp(30 - e, 1, 62);
    for (double s : t.scale)
      multipliers.push_back(
          static_cast<int64_t>(std::llround(std::ldexp(s / outScale, shift))));
    if (multipliers.size() > 1) {
      auto mType = RankedTensorType::get(
          {static_cast<int64_t>(multipliers.size())}, i64);
      ins.push_back(arith::ConstantOp::create(
          b, loc, mType,
          DenseElementsAttr::get(mType, ArrayRef<int64_t>(multipliers))));
      maps.push_back(AffineMap::get(rank, 0, getAffineDimExpr(rank - 1, ctx)));
    }
  }
  maps.push_back(AffineMap::getMultiDimIdentityMap(rank, ctx));
  int64_t maxInt = static_cast<int64_t>(outMax);
  auto g = linalg::GenericOp::create(
      b, loc, outType, ins, ValueRange{empty}, maps,
      SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
      [&](OpBuilder &rb, Location l, ValueRange args) {
        auto c64 = [&](int64_t v) {
          return arith::ConstantIntOp::create(rb, l, i64, v).getResult();
        };
        Value x = arith::ExtSIOp::create(rb, l, i64, args[0]);
        if (!shiftOnly) {
          Value m = multipliers.size() > 1 ? args[1] : c64(multipliers[0]);
          x = arith::MulIOp::create(rb, l, x, m);
        }
        if (shift > 0) {
          x = arith::AddIOp::create(rb, l, x, c64(int64_t(1) << (shift - 1)));
          x = arith::ShRSIOp::create(rb, l, x, c64(shift));
        }
        x = arith::MaxSIOp::create(rb, l, x, c64(-maxInt));
        x = arith::MinSIOp::create(rb, l, x, c64(maxInt));
        linalg::YieldOp::create(
            rb, l,
            arith::TruncIOp::create(rb, l, intType(outBits), x).getResult());
      });
  g->setAttr("tern.requantize", b.getUnitAttr());
  return QTensor{g.getResult(0), {outScale}, outMax};
}

/// `t` as a matmul input: itself if narrow enough, else requantized at the
/// calibrated range of `original` (the float value it stands for).
FailureOr<QTensor> Quantizer::narrow(Operation *consumer, Value original,
                                     const QTensor &t, bool shiftOnly) {
  if (t.bits() <= bits && t.perTensor())
    return t;
  Operation *producer = original.getDefiningOp();
  std::optional<double> absmax =
      producer ? absmaxAttr(producer->getAttr("tern.absmax")) : std::nullopt;
  if (!absmax)
    return consumer->emitOpError()
           << "tern-quantize: the input of this layer is an int32 sum that "
              "must be requantized to int"
           << bits
           << ", but its producer has no calibrated range (tern.absmax); "
              "compile with ternc --calibrate=FILE";
  OpBuilder b(consumer);
  double limit = std::max(*absmax, 1e-30);
  if (shiftOnly && t.perTensor()) {
    // The smallest shift k with absmax / (s * 2^k) <= qmax.
    int k = static_cast<int>(std::ceil(std::log2(limit / (t.scale[0] * qmax))));
    k = std::clamp(k, 0, 31);
    return requantize(b, consumer->getLoc(), t, std::ldexp(t.scale[0], k), qmax,
                      bits, /*shiftOnly=*/true, k);
  }
  return requantize(b, consumer->getLoc(), t, limit / qmax, qmax, bits,
                    /*shiftOnly=*/false, 0);
}

/// Per-layer settings on a float layer (e.g. `tern.hls_reuse`) move to the
/// integer op that replaces it; its calibrated range stays behind, and so
/// does the model's own activation quantization (BitLinear, QDQ): integer
/// mode quantizes every layer's activations with its calibrated scales.
static void copyLayerAttrs(Operation *from, Operation *to) {
  if (!to)
    return;
  for (NamedAttribute a : from->getDiscardableAttrs())
    if (a.getName() != "tern.absmax" && a.getName() != kActivationQuantEps &&
        a.getName() != kActivationQuantScale)
      to->setAttr(a.getName(), a.getValue());
}

LogicalResult Quantizer::ternaryMatmul(TernaryMatmulOp op) {
  FailureOr<QTensor> x = lookup(op, op.getInput());
  if (failed(x))
    return failure();
  x = narrow(op, op.getInput(), *x, /*shiftOnly=*/true);
  if (failed(x))
    return failure();
  std::optional<SmallVector<double>> scales = constantValues(op.getScales());
  if (!scales)
    return op.emitOpError() << "tern-quantize: the scales must be constant";
  int64_t k = op.getInput().getType().getDimSize(1);
  double bound = static_cast<double>(k) * x->bound;
  if (bound > kInt32Max)
    return op.emitOpError()
           << "tern-quantize: the int32 sum of this layer can reach " << bound
           << " (K = " << k << " inputs up to " << x->bound
           << "), past int32: it may overflow";
  OpBuilder b(op);
  Value acc = buildTernaryAddSubSum(b, op.getLoc(), x->value, op.getWeights(),
                                    op.getEncoding().getPacking(), intType(32));
  copyLayerAttrs(op, acc.getDefiningOp());
  QTensor out{acc, {}, bound};
  for (double s : *scales)
    out.scale.push_back(s * x->scale[0]);
  map[op.getResult()] = out;
  return success();
}

LogicalResult Quantizer::matmul(linalg::MatmulOp op) {
  if (op.getInputs().size() != 2 || op.getOutputs().size() != 1)
    return op.emitOpError() << "tern-quantize: unexpected operands";
  Value a = op.getInputs()[0];
  // Any layout tern-raise knows (K x N, N x K through transposed-B maps or
  // a linalg.transpose), read as N x K.
  std::string why;
  FailureOr<WeightSource> source = findWeights(op, why);
  if (failed(source))
    return op.emitOpError()
           << "tern-quantize: integer mode needs constant matmul weights: "
           << why;
  FailureOr<WeightMatrix> weights = readWeights(*source, why);
  if (failed(weights))
    return op.emitOpError()
           << "tern-quantize: integer mode needs constant matmul weights: "
           << why;
  if (!isZeroFill(op.getDpsInitOperand(0)->get()))
    return op.emitOpError()
           << "tern-quantize: the matmul accumulates into an init that is "
              "not a zero linalg.fill; integer mode has no form for it";
  FailureOr<QTensor> x = lookup(op, a);
  if (failed(x))
    return failure();
  x = narrow(op, a, *x, /*shiftOnly=*/false);
  if (failed(x))
    return failure();
  double wmax = 0;
  for (float v : weights->values)
    wmax = std::max(wmax, std::fabs(static_cast<double>(v)));
  double ws = wmax > 0 ? wmax / 127.0 : 1.0;
  int64_t n = weights->n, k = weights->k;
  double bound = static_cast<double>(k) * x->bound * 127.0;
  if (bound > kInt32Max)
    return op.emitOpError()
           << "tern-quantize: the int32 sum of this layer can reach " << bound
           << " (K = " << k << "), past int32: it may overflow";
  // Stored N x K, so that the reduction reads consecutive weights (one
  // partitioned ROM bank per unrolled step on an FPGA).
  SmallVector<int8_t> qt;
  for (float v : weights->values)
    qt.push_back(static_cast<int8_t>(
        std::clamp<long long>(std::llround(v / ws), -127, 127)));
  OpBuilder b(op);
  Location loc = op.getLoc();
  MLIRContext *ctx = op.getContext();
  if (structured) {
    FailureOr<Value> sum = structuredMatmul(b, op, x->value, qt, n, k);
    if (succeeded(sum)) {
      copyLayerAttrs(op, sum->getDefiningOp());
      map[op.getResult(0)] = QTensor{*sum, {x->scale[0] * ws}, bound};
      return success();
    }
  }
  Value wq = int8Constant(b, loc, {n, k}, qt);
  AffineExpr dm, dn, dk;
  bindDims(ctx, dm, dn, dk);
  Value mm = int32DotAccumulation(b, loc, op.getResult(0), {x->value, wq},
                                  {AffineMap::get(3, 0, {dm, dk}, ctx),
                                   AffineMap::get(3, 0, {dn, dk}, ctx)},
                                  [](OpBuilder &, Location, ValueRange args) {
                                    return std::make_pair(args[0], args[1]);
                                  });
  copyLayerAttrs(op, mm.getDefiningOp());
  map[op.getResult(0)] = QTensor{mm, {x->scale[0] * ws}, bound};
  return success();
}

FailureOr<Value> Quantizer::structuredMatmul(OpBuilder &b, linalg::MatmulOp op,
                                             Value x, ArrayRef<int8_t> qt,
                                             int64_t n, int64_t k) {
  std::vector<float> w(qt.begin(), qt.end());
  sparse::Stats stats = sparse::analyze(w, n, k);
  if (stats.nmM == 0 || stats.nnz == 0)
    return failure();
  sparse::NM nm;
  std::string why;
  if (!sparse::buildNM(w, n, k, stats.nmN, stats.nmM, nm, why))
    return failure();
  int64_t slots = (k + nm.group - 1) / nm.group * nm.keep;
  if (slots >= k) // no multiply saved (K shorter than a group)
    return failure();
  // [n][slot]: the slots of one output are consecutive, as the dense
  // kernel's weights are.
  SmallVector<int8_t> values(n * slots), index(n * slots);
  for (int64_t j = 0; j < slots; ++j)
    for (int64_t c = 0; c < n; ++c) {
      values[c * slots + j] = static_cast<int8_t>(nm.values[j * n + c]);
      index[c * slots + j] = nm.index[j * n + c];
    }
  Location loc = op.getLoc();
  MLIRContext *ctx = op.getContext();
  Value valuesT = int8Constant(b, loc, {n, slots}, values);
  Value indexT = int8Constant(b, loc, {n, slots}, index);
  AffineExpr dm, dn, dj;
  bindDims(ctx, dm, dn, dj);
  int64_t keep = nm.keep, group = nm.group;
  AffineMap stored = AffineMap::get(3, 0, {dn, dj}, ctx);
  Value mm = int32DotAccumulation(
      b, loc, op.getResult(0), {valuesT, indexT}, {stored, stored},
      [&](OpBuilder &rb, Location l, ValueRange args) {
        return std::make_pair(
            buildNMGroupSelect(rb, l, x, args[1], keep, group, k), args[0]);
      });
  if (report)
    emitRemark(loc) << "tern-quantize: layer '" << layerName(loc) << "' (" << n
                    << " x " << k << ") is " << keep << ":" << group
                    << " in int8: " << slots
                    << " multiplies per output instead of " << k;
  return mm;
}

LogicalResult Quantizer::reshape(Operation *op) {
  FailureOr<QTensor> src = lookup(op, op->getOperand(0));
  if (failed(src))
    return failure();
  auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
  if (!src->perTensor())
    return op->emitOpError()
           << "tern-quantize: reshaping a tensor with per-row scales is not "
              "supported";
  OpBuilder b(op);
  auto newType = withElement(resultType, src->bits());
  Value out;
  if (auto c = dyn_cast<tensor::CollapseShapeOp>(op))
    out = tensor::CollapseShapeOp::create(b, op->getLoc(), newType, src->value,
                                          c.getReassociationIndices());
  else
    out = tensor::ExpandShapeOp::create(
        b, op->getLoc(), newType, src->value,
        cast<tensor::ExpandShapeOp>(op).getReassociationIndices());
  map[op->getResult(0)] = QTensor{out, src->scale, src->bound};
  return success();
}

/// The analysis and rewrite of one linalg.generic on float tensors.
LogicalResult Quantizer::generic(linalg::GenericOp op) {
  if (op.getNumDpsInits() != 1)
    return op.emitOpError()
           << "tern-quantize: generics with several results are not supported";
  Block &body = op.getRegion().front();
  MLIRContext *ctx = op.getContext();
  int64_t numLoops = op.getNumLoops();
  AffineMap outMap = op.getIndexingMapsArray().back();
  // Only the identity output map lets per-channel scales follow the last
  // dimension.
  bool outIdentity = outMap.isIdentity();
  int64_t lastOutDim = -1;
  if (outMap.getNumResults() > 0)
    if (auto d = dyn_cast<AffineDimExpr>(outMap.getResults().back()))
      lastOutDim = d.getPosition();

  double reductionPoints = 1;
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  for (int64_t i = 0; i < numLoops; ++i)
    if (op.getIteratorTypesArray()[i] == utils::IteratorType::reduction)
      reductionPoints *= static_cast<double>(ranges[i]);

  // 1. Operands.
  DenseMap<Value, BodyValue> values;
  SmallVector<std::optional<QTensor>> qInputs(op.getNumDpsInputs());
  SmallVector<std::optional<SmallVector<double>>> constInputs(
      op.getNumDpsInputs());
  SmallVector<std::optional<SmallVector<double>>> constScale(
      op.getNumDpsInputs());
  for (OpOperand *in : op.getDpsInputOperands()) {
    int i = in->getOperandNumber();
    BlockArgument arg = body.getArgument(i);
    Value v = in->get();
    BodyValue bv;
    if (auto it = map.find(v); it != map.end()) {
      qInputs[i] = it->second;
      bv.kind = BodyValue::Quant;
      bv.scale = it->second.scale;
      bv.bound = it->second.bound;
      bv.bits = it->second.bits();
      if (!it->second.perTensor() &&
          !(outIdentity && op.getMatchingIndexingMap(in).isIdentity()))
        return op.emitOpError()
               << "tern-quantize: a tensor with per-row scales is read "
                  "through a non-identity indexing map";
    } else if (!isFloatTensor(v.getType())) {
      bv.kind = BodyValue::Plain;
    } else if (auto c = constantValues(v)) {
      bool splat = llvm::all_of(*c, [&](double x) { return x == (*c)[0]; });
      if (splat && !c->empty()) {
        bv.kind = BodyValue::Constant;
        bv.c = (*c)[0];
      } else {
        bv.kind = BodyValue::ConstInput;
        bv.input = i;
        constInputs[i] = *c;
      }
    } else {
      return op.emitOpError() << "tern-quantize: operand " << i
                              << " is a float tensor with no integer form";
    }
    values[arg] = bv;
  }
  BlockArgument outArg = body.getArguments().back();
  bool reduction = op.getNumReductionLoops() > 0;
  values[outArg] = BodyValue{reduction ? BodyValue::Self : BodyValue::Plain};

  // Tensors read with tensor.extract (pads, gathers).
  auto fail = [&](Operation *at, const Twine &why) {
    InFlightDiagnostic d = op.emitOpError();
    d << "tern-quantize: '" << at->getName() << "' " << why
      << "; integer mode (--target=hls, --integer) has no form for it: "
         "compile this model for the CPU in float (--target=host)";
    return failure();
  };

  // 2. Analysis: the kind, scale, bound and width of every body value.
  auto assignConstInput = [&](BodyValue &c, const BodyValue &q) -> bool {
    int i = c.input;
    if (!q.scale.empty() && q.scale.size() > 1) {
      AffineMap m = op.getIndexingMapsArray()[i];
      if (m.getNumResults() != 1 || lastOutDim < 0 ||
          m.getResult(0) != getAffineDimExpr(lastOutDim, ctx))
        return false;
    }
    if (constScale[i] && !sameScale(*constScale[i], q.scale))
      return false;
    constScale[i] = q.scale;
    double b = 0;
    for (size_t j = 0; j < constInputs[i]->size(); ++j) {
      double s = q.scale.size() > 1 ? q.scale[j % q.scale.size()] : q.scale[0];
      b = std::max(b, std::fabs(std::round((*constInputs[i])[j] / s)));
    }
    c = BodyValue{BodyValue::Quant, q.scale, b, 32};
    return true;
  };
  // Combines two operands of an op that needs one scale. `wide`: the result
  // is int32 (sums); otherwise the wider operand width.
  auto unify = [&](Operation *at, BodyValue a, BodyValue b, bool wide,
                   double boundOf2) -> FailureOr<BodyValue> {
    if (a.kind == BodyValue::Quant && b.kind == BodyValue::Self)
      std::swap(a, b);
    if (a.kind == BodyValue::Self && b.kind == BodyValue::Quant) {
      BodyValue r = b;
      r.bits = wide ? 32 : b.bits;
      r.bound = wide ? b.bound * reductionPoints : b.bound;
      return r;
    }
    if (a.kind != BodyValue::Quant)
      std::swap(a, b);
    if (a.kind != BodyValue::Quant)
      return fail(at, "combines values that are not quantized tensors");
    if (b.kind == BodyValue::Constant) {
      if (!a.perTensor() && b.c != 0 && std::isfinite(b.c))
        return fail(at, "combines a per-row scaled tensor with a constant");
      double q = std::isfinite(b.c) ? std::round(b.c / a.scale[0]) : 0;
      b = BodyValue{BodyValue::Quant, a.scale, std::fabs(q), a.bits};
    } else if (b.kind == BodyValue::ConstInput) {
      if (!assignConstInput(b, a))
        return fail(at, "reads a constant tensor at two scales or along "
                        "another dimension than the per-row scales");
    }
    if (b.kind != BodyValue::Quant || !sameScale(a.scale, b.scale))
      return fail(at, "combines tensors at different scales");
    BodyValue r = a;
    r.bits = wide ? 32 : std::max(a.bits, b.bits);
    r.bound = boundOf2 < 0 ? std::max(a.bound, b.bound) : a.bound + b.bound;
    return r;
  };

  for (Operation &inner : body.without_terminator()) {
    auto get = [&](Value v) {
      // A float scalar constant defined outside the body (captured).
      FloatAttr outer;
      if (!values.count(v) && matchPattern(v, m_Constant(&outer)))
        values[v] =
            BodyValue{BodyValue::Constant, {}, 0, 32, outer.getValueAsDouble()};
      return values.lookup(v);
    };
    bool floatResult = inner.getNumResults() == 1 &&
                       isa<FloatType>(inner.getResult(0).getType());
    if (!floatResult) {
      // Index math, integer conditions: kept as they are, if they read no
      // quantized value.
      for (Value v : inner.getOperands())
        if (values.count(v) && get(v).kind != BodyValue::Plain)
          return fail(&inner, "reads a float value as a non-float");
      for (Value r : inner.getResults())
        values[r] = BodyValue{BodyValue::Plain};
      continue;
    }
    Value r = inner.getResult(0);
    FailureOr<BodyValue> result = failure();
    if (auto c = dyn_cast<arith::ConstantOp>(inner)) {
      auto f = dyn_cast<FloatAttr>(c.getValue());
      if (!f)
        return fail(&inner, "is a non-scalar constant");
      result = BodyValue{BodyValue::Constant, {}, 0, 32, f.getValueAsDouble()};
    } else if (auto e = dyn_cast<tensor::ExtractOp>(inner)) {
      auto it = map.find(e.getTensor());
      if (it == map.end())
        return fail(&inner, "reads a float tensor with no integer form");
      if (!it->second.perTensor())
        return fail(&inner, "gathers from a tensor with per-row scales");
      result = BodyValue{BodyValue::Quant, it->second.scale, it->second.bound,
                         it->second.bits()};
    } else if (isa<arith::AddFOp, arith::SubFOp>(inner)) {
      result = unify(&inner, get(inner.getOperand(0)), get(inner.getOperand(1)),
                     /*wide=*/true, 1);
    } else if (isa<arith::MaximumFOp, arith::MinimumFOp, arith::MaxNumFOp,
                   arith::MinNumFOp>(inner)) {
      result = unify(&inner, get(inner.getOperand(0)), get(inner.getOperand(1)),
                     /*wide=*/false, -1);
    } else if (auto s = dyn_cast<arith::SelectOp>(inner)) {
      if (get(s.getCondition()).kind != BodyValue::Plain)
        return fail(&inner, "selects on a float condition");
      result = unify(&inner, get(s.getTrueValue()), get(s.getFalseValue()),
                     /*wide=*/false, -1);
    } else if (isa<arith::MulFOp, arith::DivFOp>(inner)) {
      BodyValue a = get(inner.getOperand(0)), b = get(inner.getOperand(1));
      bool div = isa<arith::DivFOp>(inner);
      if (!div && a.kind == BodyValue::Constant)
        std::swap(a, b);
      if (a.kind != BodyValue::Quant || b.kind != BodyValue::Constant ||
          !(b.c > 0) || !std::isfinite(b.c))
        return fail(&inner, "multiplies or divides by something other than a "
                            "positive constant");
      BodyValue out = a;
      for (double &sc : out.scale)
        sc = div ? sc / b.c : sc * b.c;
      result = out;
    } else {
      return fail(&inner, "computes on float values");
    }
    if (failed(result))
      return failure();
    values[r] = *result;
  }
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  BodyValue yielded = values.lookup(yield.getOperand(0));
  if (yielded.kind == BodyValue::Constant ||
      yielded.kind == BodyValue::ConstInput) {
    // A constant result: quantized at scale 1 (rare: splats, masks).
    return fail(yield, "yields a float constant");
  }
  if (yielded.kind != BodyValue::Quant)
    return fail(yield, "yields a value that is not a quantized tensor");
  if (yielded.bound > kInt32Max)
    return op.emitOpError()
           << "tern-quantize: the int32 result of this kernel can reach "
           << yielded.bound << ", past int32: it may overflow";
  if (!yielded.perTensor() && !outIdentity)
    return op.emitOpError() << "tern-quantize: per-row scales through a "
                               "non-identity output map";
  IntegerType resultElem = intType(yielded.bits);
  auto resultType = withElement(op.getResult(0).getType(), yielded.bits);

  // 3. The new operands: quantized tensors, constants quantized at the scale
  // their use asked for; splat constants disappear into the body.
  OpBuilder b(op);
  Location loc = op.getLoc();
  SmallVector<Value> newInputs;
  SmallVector<AffineMap> newMaps;
  SmallVector<int> newIndex(op.getNumDpsInputs(), -1);
  for (OpOperand *in : op.getDpsInputOperands()) {
    int i = in->getOperandNumber();
    BodyValue bv = values.lookup(body.getArgument(i));
    Value v;
    if (qInputs[i]) {
      v = qInputs[i]->value;
    } else if (bv.kind == BodyValue::Plain) {
      v = in->get();
    } else if (constInputs[i]) {
      if (!constScale[i])
        continue; // read nowhere that needs it
      auto type = withElement(in->get().getType(), 32);
      SmallVector<int32_t> q;
      const SmallVector<double> &sc = *constScale[i];
      for (size_t j = 0; j < constInputs[i]->size(); ++j) {
        double s = sc.size() > 1 ? sc[j % sc.size()] : sc[0];
        q.push_back(
            static_cast<int32_t>(std::llround((*constInputs[i])[j] / s)));
      }
      v = arith::ConstantOp::create(
          b, loc, type, DenseElementsAttr::get(type, ArrayRef<int32_t>(q)));
    } else {
      continue; // a splat, now a constant in the body
    }
    newIndex[i] = newInputs.size();
    newInputs.push_back(v);
    newMaps.push_back(op.getMatchingIndexingMap(in));
  }
  newMaps.push_back(outMap);

  // The output: a new empty tensor, or the reduction's quantized start.
  Value init;
  Value oldInit = op.getDpsInitOperand(0)->get();
  Value empty =
      tensor::EmptyOp::create(b, loc, resultType.getShape(), resultElem);
  if (reduction) {
    auto fill = oldInit.getDefiningOp<linalg::FillOp>();
    FloatAttr start;
    if (!fill || !matchPattern(fill.getInputs()[0], m_Constant(&start)))
      return op.emitOpError() << "tern-quantize: a reduction must start from "
                                 "a constant fill";
    double c = start.getValueAsDouble();
    APInt q;
    if (std::isinf(c))
      q = c < 0 ? APInt::getSignedMinValue(yielded.bits)
                : APInt::getSignedMaxValue(yielded.bits);
    else if (c == 0)
      q = APInt(yielded.bits, 0);
    else if (yielded.perTensor())
      q = APInt(yielded.bits, std::llround(c / yielded.scale[0]), true);
    else
      return op.emitOpError()
             << "tern-quantize: a reduction with per-row scales must start "
                "from 0 or infinity";
    Value startValue = arith::ConstantOp::create(
        b, loc, resultElem, IntegerAttr::get(resultElem, q));
    init = linalg::FillOp::create(b, loc, startValue, empty).getResult(0);
  } else {
    init = empty;
  }

  // 4. The body, op by op.
  auto newOp = linalg::GenericOp::create(
      b, loc, TypeRange{resultType}, newInputs, ValueRange{init}, newMaps,
      op.getIteratorTypesArray(),
      [&](OpBuilder &rb, Location l, ValueRange args) {
        IRMapping mapping;
        for (int i = 0, e = op.getNumDpsInputs(); i < e; ++i)
          if (newIndex[i] >= 0)
            mapping.map(body.getArgument(i), args[newIndex[i]]);
        mapping.map(outArg, args.back());
        auto widen = [&](Value v, unsigned w) -> Value {
          auto t = cast<IntegerType>(v.getType());
          if (t.getWidth() >= w)
            return v;
          return arith::ExtSIOp::create(rb, l, intType(w), v);
        };
        // The integer form of operand `v` of an op whose result is `to`.
        auto operand = [&](Value v, const BodyValue &to) -> Value {
          BodyValue bv = values.lookup(v);
          if (bv.kind == BodyValue::Constant) {
            int64_t q;
            if (std::isinf(bv.c))
              q = bv.c < 0 ? APInt::getSignedMinValue(to.bits).getSExtValue()
                           : APInt::getSignedMaxValue(to.bits).getSExtValue();
            else
              q = std::llround(bv.c / to.scale[0]);
            return arith::ConstantIntOp::create(rb, l, intType(to.bits), q)
                .getResult();
          }
          return widen(mapping.lookup(v), to.bits);
        };
        for (Operation &inner : body.without_terminator()) {
          if (inner.getNumResults() != 1 ||
              !isa<FloatType>(inner.getResult(0).getType())) {
            rb.clone(inner, mapping);
            continue;
          }
          Value r = inner.getResult(0);
          BodyValue rv = values.lookup(r);
          if (rv.kind == BodyValue::Constant)
            continue; // folded into its users
          Value out;
          if (auto e = dyn_cast<tensor::ExtractOp>(inner)) {
            SmallVector<Value> idx;
            for (Value v : e.getIndices())
              idx.push_back(mapping.lookup(v));
            out = tensor::ExtractOp::create(
                rb, l, map.find(e.getTensor())->second.value, idx);
          } else if (isa<arith::MulFOp, arith::DivFOp>(inner)) {
            Value a = inner.getOperand(0);
            if (values.lookup(a).kind != BodyValue::Quant)
              a = inner.getOperand(1);
            out = mapping.lookup(a);
          } else if (auto s = dyn_cast<arith::SelectOp>(inner)) {
            out = arith::SelectOp::create(
                rb, l, mapping.lookup(s.getCondition()),
                operand(s.getTrueValue(), rv), operand(s.getFalseValue(), rv));
          } else {
            Value a = operand(inner.getOperand(0), rv);
            Value c = operand(inner.getOperand(1), rv);
            if (isa<arith::AddFOp>(inner))
              out = arith::AddIOp::create(rb, l, a, c);
            else if (isa<arith::SubFOp>(inner))
              out = arith::SubIOp::create(rb, l, a, c);
            else if (isa<arith::MaximumFOp, arith::MaxNumFOp>(inner))
              out = arith::MaxSIOp::create(rb, l, a, c);
            else
              out = arith::MinSIOp::create(rb, l, a, c);
          }
          mapping.map(r, out);
        }
        Value y = widen(mapping.lookup(yield.getOperand(0)), yielded.bits);
        linalg::YieldOp::create(rb, l, y);
      });
  for (NamedAttribute a : op->getDiscardableAttrs())
    newOp->setAttr(a.getName(), a.getValue());
  map[op.getResult(0)] =
      QTensor{newOp.getResult(0), yielded.scale, yielded.bound};
  return success();
}

LogicalResult Quantizer::results(func::ReturnOp ret) {
  OpBuilder b(ret);
  SmallVector<Value> operands;
  SmallVector<Type> types;
  for (OpOperand &o : ret->getOpOperands()) {
    Value v = o.get();
    if (!isFloatTensor(v.getType())) {
      operands.push_back(v);
      types.push_back(v.getType());
      continue;
    }
    FailureOr<QTensor> q = lookup(ret, v);
    if (failed(q))
      return failure();
    QTensor t = *q;
    if (!t.perTensor()) {
      double largest = *llvm::max_element(t.scale);
      t = requantize(b, ret.getLoc(), t, largest, kInt32Max, 32,
                     /*shiftOnly=*/false, 0);
    } else if (t.bits() != 32) {
      Value empty = tensor::EmptyOp::create(
          b, ret.getLoc(), cast<RankedTensorType>(t.value.getType()).getShape(),
          intType(32));
      // Outputs are int32: widen with a copy kernel.
      auto type = withElement(t.value.getType(), 32);
      int64_t rank = type.getRank();
      auto id = AffineMap::getMultiDimIdentityMap(rank, b.getContext());
      auto g = linalg::GenericOp::create(
          b, ret.getLoc(), type, ValueRange{t.value}, ValueRange{empty},
          ArrayRef<AffineMap>{id, id},
          SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
          [&](OpBuilder &rb, Location l, ValueRange args) {
            linalg::YieldOp::create(
                rb, l,
                arith::ExtSIOp::create(rb, l, intType(32), args[0])
                    .getResult());
          });
      t.value = g.getResult(0);
    }
    func.setResultAttr(
        o.getOperandNumber(), "tern.scale",
        FloatAttr::get(Float64Type::get(func.getContext()), t.scale[0]));
    operands.push_back(t.value);
    types.push_back(t.value.getType());
  }
  ret->setOperands(operands);
  func.setType(FunctionType::get(func.getContext(),
                                 func.getFunctionType().getInputs(), types));
  return success();
}

LogicalResult Quantizer::run() {
  if (!func.getBody().hasOneBlock())
    return func.emitOpError() << "tern-quantize: expects a single block";
  if (failed(quantizeArguments()))
    return failure();
  Block &entry = func.getBody().front();
  SmallVector<Operation *> ops;
  for (Operation &op : entry)
    ops.push_back(&op);
  for (Operation *op : ops) {
    LogicalResult r = success();
    if (auto t = dyn_cast<TernaryMatmulOp>(op))
      r = ternaryMatmul(t);
    else if (auto m = dyn_cast<linalg::MatmulOp>(op))
      r = matmul(m);
    else if (auto g = dyn_cast<linalg::GenericOp>(op))
      r = generic(g);
    else if (isa<tensor::CollapseShapeOp, tensor::ExpandShapeOp>(op))
      r = reshape(op);
    else if (auto ret = dyn_cast<func::ReturnOp>(op))
      r = results(ret);
    else if (isa<arith::ConstantOp, tensor::EmptyOp, linalg::FillOp>(op))
      continue; // read by the ops above as needed
    else if (llvm::any_of(op->getResultTypes(), isFloatTensor) ||
             llvm::any_of(op->getOperandTypes(), isFloatTensor))
      r = op->emitOpError()
          << "tern-quantize: '" << op->getName()
          << "' has no integer form: integer mode (--target=hls, --integer) "
             "cannot compile it; compile this model for the CPU in float "
             "(--target=host)";
    if (failed(r))
      return failure();
  }
  // The float ops are dead now: erase them, users first.
  for (Operation *op : llvm::reverse(ops))
    if (!isa<func::ReturnOp>(op) && op->use_empty() && isMemoryEffectFree(op))
      op->erase();
  return success();
}

struct TernQuantizePass
    : public tern::impl::TernQuantizePassBase<TernQuantizePass> {
  using TernQuantizePassBase::TernQuantizePassBase;

  void runOnOperation() override {
    if (activationBits != 8 && activationBits != 16) {
      getOperation().emitError()
          << "tern-quantize: activation-bits must be 8 or 16, not "
          << static_cast<int>(activationBits);
      return signalPassFailure();
    }
    if (getOperation().isExternal())
      return;
    Quantizer q(getOperation(), activationBits, structured, report);
    if (failed(q.run()))
      signalPassFailure();
  }
};

} // namespace

SmallVector<Value> mlir::tern::collectQuantizationRangePoints(func::FuncOp f) {
  SmallVector<Value> points;
  auto add = [&](Value v) {
    auto t = dyn_cast<RankedTensorType>(v.getType());
    if (t && isa<FloatType>(t.getElementType()) &&
        !llvm::is_contained(points, v))
      points.push_back(v);
  };
  for (BlockArgument a : f.getArguments())
    add(a);
  f.walk([&](Operation *op) {
    if (auto t = dyn_cast<TernaryMatmulOp>(op))
      add(t.getInput());
    else if (auto m = dyn_cast<linalg::MatmulOp>(op))
      add(m.getInputs()[0]);
  });
  return points;
}
