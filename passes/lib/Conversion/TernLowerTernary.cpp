//===- TernLowerTernary.cpp - Ternary matmul to kernel form -----*- C++ -*-===//
//
// Where "matmul-free" becomes true in the IR: each tern.ternary_matmul turns
// into linalg.generic kernels as its `kernel` attribute says:
//
//  - add_sub: a reduction that decodes each trit (from i2, bitplane or
//    base3 bytes) and adds, subtracts or skips the activation;
//  - lut: a table of the 256 signed sums of each group of 4 activations
//    (additions only), then a reduction that adds one table entry per
//    packed i2 byte (or of the 243 sums of 5 activations per base3 byte);
//  - int8_dot: activations quantized per row to int8 (absmax), an int32
//    add/subtract reduction over the trits, and a float rescale;
//
// followed by one multiplication by the scale per output. The output is
// plain linalg on tensors, so the Halide emitter (and anything else that
// reads linalg) compiles it without knowing about tern. Accumulations
// require an `unroll` of their #tern.schedule: the reduction unroll factor
// at which the packed byte index and bit position become constants (4 for
// i2, 8 for a bit plane, 5 for base3), which the schedule applies.
//
//===----------------------------------------------------------------------===//

#include "tern/Analysis/Layers.h"
#include "tern/Conversion/Passes.h"
#include "tern/Dialect/Tern/IR/TernOps.h"
#include "tern/Dialect/Tern/IR/TernaryPacking.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/Support/MathExtras.h"

namespace mlir::tern {
#define GEN_PASS_DEF_TERNLOWERTERNARYPASS
#include "tern/Conversion/Passes.h.inc"
} // namespace mlir::tern

using namespace mlir;
using namespace mlir::tern;

namespace {

/// Largest lookup table (all rows of one layer) the lut kernel builds.
constexpr int64_t kMaxLutBytes = int64_t(256) << 20;

/// The packed weights as `B x N` (byte-major): the kernel runs the outputs
/// `n` in vector lanes, so byte `j` of consecutive rows must be adjacent for
/// the lanes to load one contiguous vector instead of a strided gather.
/// Constant weights are transposed here, at compile time; others get a
/// linalg.transpose.
Value transposePacked(PatternRewriter &rewriter, Location loc, Value weights) {
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

/// Scalar builders inside a linalg.generic region.
struct Region {
  OpBuilder &b;
  Location l;

  Value index(int64_t v) {
    return arith::ConstantIndexOp::create(b, l, v).getResult();
  }
  Value integer(Type t, int64_t v) {
    return arith::ConstantIntOp::create(b, l, t, v).getResult();
  }
  Value eq(Value a, Value c) {
    return arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, a, c);
  }
  /// +x where `plus`, -x where `minus`, 0 elsewhere, added to `acc` with
  /// selects (no multiply): acc + x, acc - x or acc.
  Value addSub(Value acc, Value x, Value plus, Value minus) {
    bool isFloat = isa<FloatType>(x.getType());
    Value added = isFloat ? arith::AddFOp::create(b, l, acc, x).getResult()
                          : arith::AddIOp::create(b, l, acc, x).getResult();
    Value subtracted = isFloat
                           ? arith::SubFOp::create(b, l, acc, x).getResult()
                           : arith::SubIOp::create(b, l, acc, x).getResult();
    Value minusOrKeep = arith::SelectOp::create(b, l, minus, subtracted, acc);
    return arith::SelectOp::create(b, l, plus, added, minusOrKeep);
  }
};

/// How the accumulation reads the packed weights.
struct PackedWeights {
  Value packed; ///< B x N (byte-major) or N x B
  bool byteMajor;
  TernaryPacking packing;
  int64_t k;

  Value byteAt(Region &r, Value row, Value byteIndex) const {
    return tensor::ExtractOp::create(r.b, r.l, packed,
                                     byteMajor ? ValueRange{byteIndex, row}
                                               : ValueRange{row, byteIndex});
  }

  /// (trit == +1, trit == -1) for trit (row, col), as i1 values.
  std::pair<Value, Value> signsAt(Region &r, Value row, Value col) const {
    OpBuilder &b = r.b;
    Location l = r.l;
    Type i8 = b.getI8Type();
    switch (packing) {
    case TernaryPacking::I2: {
      Value perByte = r.index(packing::kI2TritsPerByte);
      Value byteIndex = arith::DivUIOp::create(b, l, col, perByte);
      Value slot = arith::RemUIOp::create(b, l, col, perByte);
      Value byte = byteAt(r, row, byteIndex);
      // shift = 2 * slot, as a shift so that no multiply appears at all.
      Value shift = arith::ShLIOp::create(b, l, slot, r.index(1));
      Value shift8 = arith::IndexCastOp::create(b, l, i8, shift);
      Value code = arith::AndIOp::create(
          b, l, arith::ShRUIOp::create(b, l, byte, shift8),
          r.integer(i8, 0b11));
      return {r.eq(code, r.integer(i8, packing::kI2Plus)),
              r.eq(code, r.integer(i8, packing::kI2Minus))};
    }
    case TernaryPacking::Bitplane: {
      Value bits = r.index(packing::kBitsPerPlaneByte);
      Value byteIndex = arith::DivUIOp::create(b, l, col, bits);
      Value shift = arith::IndexCastOp::create(
          b, l, i8, arith::RemUIOp::create(b, l, col, bits));
      Value minusIndex = arith::AddIOp::create(
          b, l, byteIndex, r.index(packing::bitplaneBytesPerPlane(k)));
      auto bitOf = [&](Value byte) {
        Value bit = arith::AndIOp::create(
            b, l, arith::ShRUIOp::create(b, l, byte, shift), r.integer(i8, 1));
        return arith::CmpIOp::create(b, l, arith::CmpIPredicate::ne, bit,
                                     r.integer(i8, 0))
            .getResult();
      };
      return {bitOf(byteAt(r, row, byteIndex)),
              bitOf(byteAt(r, row, minusIndex))};
    }
    case TernaryPacking::Base3: {
      Value perByte = r.index(packing::kBase3TritsPerByte);
      Value byte = byteAt(r, row, arith::DivUIOp::create(b, l, col, perByte));
      Type i32 = b.getI32Type();
      Value code = base3Digit(r, arith::ExtUIOp::create(b, l, i32, byte),
                              arith::RemUIOp::create(b, l, col, perByte));
      return {r.eq(code, r.integer(i32, packing::kI2Plus)),
              r.eq(code, r.integer(i32, packing::kI2Minus))};
    }
    }
    llvm_unreachable("unknown packing");
  }

  /// Digit `slot` (index) of a base3 byte value (i32): (value / 3^slot) % 3.
  /// 3^slot is a select chain, so that a schedule that unrolls by 5 turns
  /// it, and the division, into constants.
  static Value base3Digit(Region &r, Value value, Value slot) {
    OpBuilder &b = r.b;
    Location l = r.l;
    Type i32 = b.getI32Type();
    Value slot32 = arith::IndexCastOp::create(b, l, i32, slot);
    Value pow = r.integer(i32, packing::kPow3[4]);
    for (int j = 3; j >= 0; --j)
      pow = arith::SelectOp::create(b, l, r.eq(slot32, r.integer(i32, j)),
                                    r.integer(i32, packing::kPow3[j]), pow);
    Value quotient = arith::DivUIOp::create(b, l, value, pow);
    return arith::RemUIOp::create(b, l, quotient, r.integer(i32, 3));
  }
};

int64_t unrollFor(TernaryPacking p) {
  switch (p) {
  case TernaryPacking::I2:
    return packing::kI2TritsPerByte;
  case TernaryPacking::Bitplane:
    return packing::kBitsPerPlaneByte;
  case TernaryPacking::Base3:
    return packing::kBase3TritsPerByte;
  }
  return 4;
}

/// The add/subtract accumulation over (m, n, k) into `init` (M x N):
/// acc[m, n] = sum_k (t[n, k] == +1 ? x[m, k] : t[n, k] == -1 ? -x[m, k] : 0)
/// with x widened to the accumulator's type (extf for floats, extsi for
/// integers); marked with the unroll factor of the packing.
Value buildAddSubAccumulation(OpBuilder &b, Location loc, Value input,
                              Value init, const PackedWeights &w) {
  MLIRContext *ctx = b.getContext();
  Type accType = cast<RankedTensorType>(init.getType()).getElementType();
  AffineExpr m, n, k;
  bindDims(ctx, m, n, k);
  auto generic = linalg::GenericOp::create(
      b, loc, init.getType(), ValueRange{input}, ValueRange{init},
      ArrayRef<AffineMap>{AffineMap::get(3, 0, {m, k}, ctx),
                          AffineMap::get(3, 0, {m, n}, ctx)},
      ArrayRef<utils::IteratorType>{utils::IteratorType::parallel,
                                    utils::IteratorType::parallel,
                                    utils::IteratorType::reduction},
      [&](OpBuilder &rb, Location l, ValueRange args) {
        Region r{rb, l};
        Value x = args[0];
        if (x.getType() != accType)
          x = isa<FloatType>(accType)
                  ? arith::ExtFOp::create(rb, l, accType, x).getResult()
                  : arith::ExtSIOp::create(rb, l, accType, x).getResult();
        Value row = linalg::IndexOp::create(rb, l, 1);
        Value col = linalg::IndexOp::create(rb, l, 2);
        auto [plus, minus] = w.signsAt(r, row, col);
        linalg::YieldOp::create(rb, l, r.addSub(args[1], x, plus, minus));
      });
  requireSchedule(generic, {.unroll = unrollFor(w.packing)});
  return generic.getResult(0);
}

/// The lut kernel's table layout: G activations a group (4 for i2 bytes,
/// 5 for base3 bytes) and one entry per possible byte.
struct LutShape {
  int64_t group, entries, groups;
};

LutShape lutShape(TernaryPacking packing, int64_t k) {
  bool base3 = packing == TernaryPacking::Base3;
  int64_t group =
      base3 ? packing::kBase3TritsPerByte : packing::kI2TritsPerByte;
  int64_t entries = base3 ? packing::kBase3Limit : 256;
  return {group, entries, (k + group - 1) / group};
}

/// The float type a layer accumulates in: narrow floats (f16, bf16) in f32,
/// because the sum of unscaled activations is 1/scale times larger than the
/// layer's output and would overflow f16 long before the dense layer does.
FloatType accumulatorType(TernaryMatmulOp op) {
  auto elementType = cast<FloatType>(op.getResult().getType().getElementType());
  return elementType.getWidth() < 32 ? Float32Type::get(op.getContext())
                                     : elementType;
}

/// How the int8 kernel quantizes activations: its own way
/// (--activation-bits=8), or as the layer's model does: BitLinear's
/// per-row absmax (`tern.activation_quant_eps`), or a QuantizeLinear /
/// DequantizeLinear pair's fixed scale (`tern.activation_quant_scale`).
/// The model's ways round half to even and clamp to [-128, 127].
struct QuantMode {
  bool bitLinear = false; ///< the model's rounding and range
  double eps = 0;         ///< per-row absmax floor (BitLinear)
  double scale = 0;       ///< fixed scale (QDQ); 0: per-row absmax
};

QuantMode quantMode(TernaryMatmulOp op) {
  QuantMode mode;
  if (auto eps = op->getAttrOfType<FloatAttr>(kActivationQuantEps)) {
    mode.bitLinear = true;
    mode.eps = eps.getValueAsDouble();
  }
  if (auto s = op->getAttrOfType<FloatAttr>(kActivationQuantScale)) {
    mode.bitLinear = true;
    mode.scale = s.getValueAsDouble();
  }
  return mode;
}

/// What the lowering cannot do, said once, before any rewrite: the lut
/// and int8 kernels need a static M, and the lut tables must fit.
LogicalResult checkLowerable(TernaryMatmulOp op, bool report = false) {
  TernaryKernel kernel = op.getKernelOrDefault();
  auto fail = [&](auto &&print) {
    if (report)
      print(op.emitOpError());
    return failure();
  };
  if (quantMode(op).bitLinear && kernel != TernaryKernel::Int8Dot)
    return fail([&](InFlightDiagnostic d) {
      d << "quantizes its activations as its model does "
           "(tern.activation_quant_eps or _scale), which only the int8_dot "
           "kernel "
           "computes, but has kernel '"
        << stringifyTernaryKernel(kernel)
        << "'; run tern-select-ternary-kernel first";
    });
  if (kernel == TernaryKernel::AddSub)
    return success();
  auto inputType = op.getInput().getType();
  if (inputType.isDynamicDim(0) || op.getResult().getType().isDynamicDim(0))
    return fail([&](InFlightDiagnostic d) {
      d << "kernel '" << stringifyTernaryKernel(kernel)
        << "' needs a static number of rows M; compile with static shapes "
           "or --ternary-kernel=i2";
    });
  if (kernel != TernaryKernel::Lut)
    return success();
  LutShape lut =
      lutShape(op.getEncoding().getPacking(), inputType.getDimSize(1));
  int64_t entryBytes = accumulatorType(op).getWidth() / 8;
  int64_t bytes = 0;
  if (llvm::MulOverflow(inputType.getDimSize(0), lut.groups * lut.entries,
                        bytes) ||
      llvm::MulOverflow(bytes, entryBytes, bytes) || bytes > kMaxLutBytes)
    return fail([&](InFlightDiagnostic d) {
      d << "the lut kernel would build "
        << (bytes > kMaxLutBytes ? std::to_string(bytes) : "more than 2^63")
        << " bytes of tables for M = " << inputType.getDimSize(0)
        << " rows (limit " << kMaxLutBytes
        << "); compile this model with another --ternary-kernel (i2, "
           "bitplane or base3)";
    });
  return success();
}

struct LowerTernaryMatmul : public OpRewritePattern<TernaryMatmulOp> {
  LowerTernaryMatmul(MLIRContext *context, bool byteMajor)
      : OpRewritePattern(context), byteMajor(byteMajor) {}
  bool byteMajor;

  LogicalResult matchAndRewrite(TernaryMatmulOp op,
                                PatternRewriter &rewriter) const override {
    // Before anything is created: a failed match must leave no new ops.
    if (failed(checkLowerable(op)))
      return rewriter.notifyMatchFailure(op, "not lowerable");
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getResult().getType());
    auto elementType = cast<FloatType>(resultType.getElementType());
    TernaryEncodingAttr encoding = op.getEncoding();
    TernaryKernel kernel = op.getKernelOrDefault();
    Value weights = op.getWeights();
    PackedWeights w{byteMajor ? transposePacked(rewriter, loc, weights)
                              : weights,
                    byteMajor, encoding.getPacking(),
                    op.getInput().getType().getDimSize(1)};

    SmallVector<Value> dynamicSizes;
    if (resultType.isDynamicDim(0))
      dynamicSizes.push_back(
          tensor::DimOp::create(rewriter, loc, op.getInput(), 0));

    Value empty = tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                                          elementType, dynamicSizes);

    FloatType accType = accumulatorType(op);
    Value acc, rowFactor;
    switch (kernel) {
    case TernaryKernel::AddSub:
      acc = accumulateAddSub(rewriter, op, w, accType,
                             accType == elementType ? empty : Value(),
                             dynamicSizes);
      break;
    case TernaryKernel::Lut:
      acc = accumulateLut(rewriter, op, w, accType);
      break;
    case TernaryKernel::Int8Dot:
      std::tie(acc, rowFactor) =
          accumulateInt8(rewriter, op, w, accType, quantMode(op));
      break;
    }
    Value result = scaleOutputs(rewriter, op, acc, rowFactor, accType, empty,
                                quantMode(op));
    recordWeights(op, acc);
    rewriter.replaceOp(op, result);
    return success();
  }

private:
  /// The efficiency report's facts on the kernel that accumulates over the
  /// weights: their format and how many are nonzero (every zero is an
  /// addition the kernel does not make).
  static void recordWeights(TernaryMatmulOp op, Value acc) {
    int64_t n = op.getResult().getType().getDimSize(1);
    int64_t k = op.getInput().getType().getDimSize(1);
    if (ShapedType::isDynamic(n) || ShapedType::isDynamic(k))
      return;
    WeightsInfo info;
    info.format =
        ("ternary " + stringifyTernaryPacking(op.getEncoding().getPacking()) +
         ", " + stringifyTernaryKernel(op.getKernelOrDefault()))
            .str();
    info.elements = n * k;
    info.nonzeros = info.elements;
    if (std::optional<std::vector<int8_t>> trits = getConstantTrits(op))
      info.nonzeros = llvm::count_if(*trits, [](int8_t t) { return t != 0; });
    recordLayerWeights(acc, info);
  }

  /// A zero-filled tensor: `empty` if given, else a new tensor.empty.
  static Value zeroFilled(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                          Type type, ValueRange dynamicSizes,
                          Value empty = {}) {
    if (!empty)
      empty = tensor::EmptyOp::create(b, loc, shape, type, dynamicSizes);
    return filledWith(b, loc, empty, cast<TypedAttr>(b.getZeroAttr(type)));
  }

  /// `empty` filled with the constant `value`.
  static Value filledWith(OpBuilder &b, Location loc, Value empty,
                          TypedAttr value) {
    Value c = arith::ConstantOp::create(b, loc, value.getType(), value);
    return linalg::FillOp::create(b, loc, c, empty).getResult(0);
  }

  static void markUnroll(linalg::GenericOp g, int64_t factor) {
    requireSchedule(g, {.unroll = factor});
  }

  /// acc[m, n] = sum_k (t[n, k] == +1 ? x[m, k] : t[n, k] == -1 ? -x[m, k]
  ///                                                             : 0)
  Value accumulateAddSub(PatternRewriter &rewriter, TernaryMatmulOp op,
                         const PackedWeights &w, FloatType accType,
                         Value accEmpty, ValueRange dynamicSizes) const {
    Location loc = op.getLoc();
    auto resultType = op.getResult().getType();
    Value init = zeroFilled(rewriter, loc, resultType.getShape(), accType,
                            dynamicSizes, accEmpty);
    return buildAddSubAccumulation(rewriter, loc, op.getInput(), init, w);
  }

  /// Lookup tables: T[m, g, c] = sum_j digit_j(c) * x[m, G*g + j] over the
  /// G activations of group g (G = 4 with i2 bytes as c, 256 entries; G = 5
  /// with base3 bytes, 243 entries), built with selects and additions;
  /// then acc[m, n] = sum_g T[m, g, byte(n, g)].
  Value accumulateLut(PatternRewriter &rewriter, TernaryMatmulOp op,
                      const PackedWeights &w, FloatType accType) const {
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    Value input = op.getInput();
    auto inputType = op.getInput().getType();
    int64_t rows = inputType.getDimSize(0), k = w.k;
    bool base3 = w.packing == TernaryPacking::Base3;
    // Plain variables, not a structured binding: lambdas below capture them.
    LutShape shape = lutShape(w.packing, k);
    int64_t group = shape.group, entries = shape.entries, groups = shape.groups;

    Value tableInit = tensor::EmptyOp::create(rewriter, loc,
                                              {rows, groups, entries}, accType);
    AffineExpr d0, d1, d2;
    bindDims(ctx, d0, d1, d2);
    auto table = linalg::GenericOp::create(
        rewriter, loc, tableInit.getType(), ValueRange{}, ValueRange{tableInit},
        ArrayRef<AffineMap>{AffineMap::get(3, 0, {d0, d1, d2}, ctx)},
        SmallVector<utils::IteratorType>(3, utils::IteratorType::parallel),
        [&](OpBuilder &b, Location l, ValueRange) {
          Region r{b, l};
          Type i32 = b.getI32Type();
          Value row = linalg::IndexOp::create(b, l, 0);
          Value g = linalg::IndexOp::create(b, l, 1);
          Value c = linalg::IndexOp::create(b, l, 2);
          Value c32 = arith::IndexCastOp::create(b, l, i32, c);
          // The group's first column (index arithmetic, not a weight; a
          // shift for groups of 4).
          Value first =
              base3 ? arith::MulIOp::create(b, l, g, r.index(group)).getResult()
                    : arith::ShLIOp::create(b, l, g, r.index(2)).getResult();
          Value sum;
          for (int64_t j = 0; j < group; ++j) {
            // Past K the digit is 0 in every stored byte: any column will
            // do, so clamp it into range.
            Value col = arith::MinUIOp::create(
                b, l, arith::AddIOp::create(b, l, first, r.index(j)),
                r.index(k - 1));
            Value x =
                tensor::ExtractOp::create(b, l, input, ValueRange{row, col});
            if (x.getType() != accType)
              x = arith::ExtFOp::create(b, l, accType, x);
            Value digit = base3 ? PackedWeights::base3Digit(r, c32, r.index(j))
                                : arith::AndIOp::create(
                                      b, l,
                                      arith::ShRUIOp::create(
                                          b, l, c32, r.integer(i32, 2 * j)),
                                      r.integer(i32, 0b11))
                                      .getResult();
            Value zero = arith::ConstantOp::create(b, l, accType,
                                                   b.getZeroAttr(accType));
            Value term =
                r.addSub(zero, x, r.eq(digit, r.integer(i32, packing::kI2Plus)),
                         r.eq(digit, r.integer(i32, packing::kI2Minus)));
            sum =
                sum ? arith::AddFOp::create(b, l, sum, term).getResult() : term;
          }
          linalg::YieldOp::create(b, l, sum);
        });

    auto resultType = op.getResult().getType();
    Value init = zeroFilled(rewriter, loc, resultType.getShape(), accType, {});
    Value lut = table.getResult(0);
    // The packed bytes are an input (G x N byte-major, N x G otherwise), so
    // that the group loop's extent comes from a shape.
    AffineExpr m, n, g;
    bindDims(ctx, m, n, g);
    AffineMap bytesMap = w.byteMajor ? AffineMap::get(3, 0, {g, n}, ctx)
                                     : AffineMap::get(3, 0, {n, g}, ctx);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, init.getType(), ValueRange{w.packed}, ValueRange{init},
        ArrayRef<AffineMap>{bytesMap, AffineMap::get(3, 0, {m, n}, ctx)},
        reductionIterators(), [&](OpBuilder &b, Location l, ValueRange args) {
          Value row = linalg::IndexOp::create(b, l, 0);
          Value grp = linalg::IndexOp::create(b, l, 2);
          Value entry = arith::IndexCastOp::create(
              b, l, b.getIndexType(),
              arith::ExtUIOp::create(b, l, b.getI32Type(), args[0]));
          // Bytes of weights computed at run time are not verified: keep a
          // base3 byte of 243 or more inside the table.
          if (base3)
            entry = arith::MinUIOp::create(b, l, entry,
                                           Region{b, l}.index(entries - 1));
          Value t =
              tensor::ExtractOp::create(b, l, lut, ValueRange{row, grp, entry});
          linalg::YieldOp::create(
              b, l, arith::AddFOp::create(b, l, args[1], t).getResult());
        });
    return generic.getResult(0);
  }

  /// int8 activations: amax[m] = max_k |x[m, k]|, q = round(x * 127 / amax)
  /// (half away from zero, 0 for an all-zero row), acc[m, n] = sum_k t q in
  /// int32. Returns acc as float and amax (the output is multiplied by
  /// amax / 127 besides the weight scale). Constant weights take the dot
  /// form (accumulateInt8Dot); weights computed at run time the add/subtract
  /// form.
  std::pair<Value, Value> accumulateInt8(PatternRewriter &rewriter,
                                         TernaryMatmulOp op,
                                         const PackedWeights &w,
                                         FloatType accType,
                                         const QuantMode &mode) const {
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    Value input = op.getInput();
    int64_t rows = op.getInput().getType().getDimSize(0), k = w.k;
    auto resultType = op.getResult().getType();
    Value amax = rowAbsMax(rewriter, loc, input, accType, mode);
    if (Value acc = accumulateInt8Dot(rewriter, op, amax, accType, mode))
      return {acc, amax};

    AffineExpr d0, d1, d2;
    bindDims(ctx, d0, d1, d2);
    // q[m, k]
    Type i8 = rewriter.getI8Type();
    Value qInit = tensor::EmptyOp::create(rewriter, loc, {rows, k}, i8);
    auto quantized = linalg::GenericOp::create(
        rewriter, loc, qInit.getType(), ValueRange{input, amax},
        ValueRange{qInit},
        ArrayRef<AffineMap>{AffineMap::get(2, 0, {d0, d1}, ctx),
                            AffineMap::get(2, 0, {d0}, ctx),
                            AffineMap::get(2, 0, {d0, d1}, ctx)},
        {utils::IteratorType::parallel, utils::IteratorType::parallel},
        [&](OpBuilder &b, Location l, ValueRange args) {
          linalg::YieldOp::create(
              b, l, quantizeToInt8(b, l, args[0], args[1], accType, mode));
        });

    // acc[m, n], int32
    Type i32 = rewriter.getI32Type();
    Value init = zeroFilled(rewriter, loc, resultType.getShape(), i32, {});
    auto generic = linalg::GenericOp::create(
        rewriter, loc, init.getType(), ValueRange{quantized.getResult(0)},
        ValueRange{init},
        ArrayRef<AffineMap>{AffineMap::get(3, 0, {d0, d2}, ctx),
                            AffineMap::get(3, 0, {d0, d1}, ctx)},
        reductionIterators(), [&](OpBuilder &b, Location l, ValueRange args) {
          Region r{b, l};
          Value q = arith::ExtSIOp::create(b, l, i32, args[0]);
          Value row = linalg::IndexOp::create(b, l, 1);
          Value col = linalg::IndexOp::create(b, l, 2);
          auto [plus, minus] = w.signsAt(r, row, col);
          linalg::YieldOp::create(b, l, r.addSub(args[1], q, plus, minus));
        });
    markUnroll(generic, unrollFor(w.packing));

    // acc as float.
    Value accF =
        tensor::EmptyOp::create(rewriter, loc, resultType.getShape(), accType);
    auto toFloat = linalg::GenericOp::create(
        rewriter, loc, accF.getType(), ValueRange{generic.getResult(0)},
        ValueRange{accF},
        ArrayRef<AffineMap>{AffineMap::get(2, 0, {d0, d1}, ctx),
                            AffineMap::get(2, 0, {d0, d1}, ctx)},
        {utils::IteratorType::parallel, utils::IteratorType::parallel},
        [&](OpBuilder &b, Location l, ValueRange args) {
          linalg::YieldOp::create(
              b, l,
              arith::SIToFPOp::create(b, l, accType, args[0]).getResult());
        });
    return {toFloat.getResult(0), amax};
  }

  /// The int8 kernel on constant weights, in dot-product form: the trits
  /// repacked at compile time into packing::packDot's layout (codes t + 1,
  /// 16 outputs x 4 trits a 64-byte vector, tiles of 64 outputs), the
  /// activations quantized into blocks q[m, kb, s, b] = q(m, 16 kb + 4 s +
  /// b) (0 past K), then, per tile nt and output nl of the tile,
  ///   acc[m, nt, nl] = sum_{kb, s, b} code(nt, kb, nl, s, b) * q[m, kb, s, b]
  /// with the innermost 4 steps (b) a `dot_product` its #tern.schedule
  /// requires, which the dot recipe sums in vector lanes: an unsigned-by-signed
  /// byte dot product (x86 vpdpbusd with AVX-512 VNNI). The result is
  /// float(acc[m, n / 64, n % 64] - sum_k q[m, k]). Null when the weights are
  /// not a constant or K passes 2^22.
  Value accumulateInt8Dot(PatternRewriter &rewriter, TernaryMatmulOp op,
                          Value amax, FloatType accType,
                          const QuantMode &mode) const {
    int64_t k = op.getInput().getType().getDimSize(1);
    // The schedule sums in plain (non-wrapping) int32: |sum| <= 2 * 127 * K
    // must stay below 2^31.
    if (k > (1 << 22))
      return {};
    std::optional<std::vector<int8_t>> trits = getConstantTrits(op);
    if (!trits)
      return {};
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    Value input = op.getInput();
    int64_t rows = op.getInput().getType().getDimSize(0);
    int64_t n = op.getWeights().getType().getDimSize(0);
    int64_t blocks = packing::dotBlocks(k), tiles = packing::dotTiles(n);
    constexpr int64_t g = packing::kDotGroup;
    constexpr int64_t tile = packing::kDotOutputTile;
    Type i8 = rewriter.getI8Type(), i32 = rewriter.getI32Type();

    auto codesType = RankedTensorType::get({tiles, blocks, tile, g}, i8);
    Value codes = arith::ConstantOp::create(
        rewriter, loc, codesType,
        DenseElementsAttr::get(
            codesType, ArrayRef<int8_t>(packing::packDot(*trits, n, k))));

    // q[m, kb, s, b]
    SmallVector<AffineExpr> d(6);
    bindDimsList(ctx, MutableArrayRef<AffineExpr>(d));
    Value qInit =
        tensor::EmptyOp::create(rewriter, loc, {rows, blocks, g, g}, i8);
    auto quantized = linalg::GenericOp::create(
        rewriter, loc, qInit.getType(), ValueRange{amax}, ValueRange{qInit},
        ArrayRef<AffineMap>{
            AffineMap::get(4, 0, {d[0]}, ctx),
            AffineMap::get(4, 0, {d[0], d[1], d[2], d[3]}, ctx)},
        SmallVector<utils::IteratorType>(4, utils::IteratorType::parallel),
        [&](OpBuilder &b, Location l, ValueRange args) {
          Region r{b, l};
          Value row = linalg::IndexOp::create(b, l, 0);
          // col = 16 kb + 4 s + b, as shifts.
          Value col = arith::AddIOp::create(
              b, l,
              arith::AddIOp::create(
                  b, l,
                  arith::ShLIOp::create(b, l, linalg::IndexOp::create(b, l, 1),
                                        r.index(4)),
                  arith::ShLIOp::create(b, l, linalg::IndexOp::create(b, l, 2),
                                        r.index(2))),
              linalg::IndexOp::create(b, l, 3));
          Value inside = arith::CmpIOp::create(b, l, arith::CmpIPredicate::ult,
                                               col, r.index(k));
          Value x = tensor::ExtractOp::create(
              b, l, input,
              ValueRange{row,
                         arith::MinUIOp::create(b, l, col, r.index(k - 1))});
          Value q = quantizeToInt8(b, l, x, args[0], accType, mode);
          linalg::YieldOp::create(
              b, l,
              arith::SelectOp::create(b, l, inside, q, r.integer(i8, 0))
                  .getResult());
        });
    Value q = quantized.getResult(0);

    // qsum[m] = sum_k q[m, k]
    Value qsumInit = zeroFilled(rewriter, loc, {rows}, i32, {});
    auto qsum = linalg::GenericOp::create(
        rewriter, loc, qsumInit.getType(), ValueRange{q}, ValueRange{qsumInit},
        ArrayRef<AffineMap>{AffineMap::get(4, 0, {d[0], d[1], d[2], d[3]}, ctx),
                            AffineMap::get(4, 0, {d[0]}, ctx)},
        {utils::IteratorType::parallel, utils::IteratorType::reduction,
         utils::IteratorType::reduction, utils::IteratorType::reduction},
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value v = arith::ExtSIOp::create(b, l, i32, args[0]);
          linalg::YieldOp::create(
              b, l, arith::AddIOp::create(b, l, args[1], v).getResult());
        });

    // acc[m, nt, nl] over (m, nt, nl, kb, s, b).
    Value init = zeroFilled(rewriter, loc, {rows, tiles, tile}, i32, {});
    auto acc = linalg::GenericOp::create(
        rewriter, loc, init.getType(), ValueRange{q, codes}, ValueRange{init},
        ArrayRef<AffineMap>{AffineMap::get(6, 0, {d[0], d[3], d[4], d[5]}, ctx),
                            AffineMap::get(6, 0, {d[1], d[3], d[2], d[5]}, ctx),
                            AffineMap::get(6, 0, {d[0], d[1], d[2]}, ctx)},
        {utils::IteratorType::parallel, utils::IteratorType::parallel,
         utils::IteratorType::parallel, utils::IteratorType::reduction,
         utils::IteratorType::reduction, utils::IteratorType::reduction},
        [&](OpBuilder &b, Location l, ValueRange args) {
          Region r{b, l};
          // shift = 2 s: the code of trit 16 kb + 4 s + b.
          Value shift = arith::IndexCastOp::create(
              b, l, i8,
              arith::ShLIOp::create(b, l, linalg::IndexOp::create(b, l, 4),
                                    r.index(1)));
          Value code = arith::AndIOp::create(
              b, l, arith::ShRUIOp::create(b, l, args[1], shift),
              r.integer(i8, 0b11));
          Value product = arith::MulIOp::create(
              b, l, arith::ExtUIOp::create(b, l, i32, code),
              arith::ExtSIOp::create(b, l, i32, args[0]));
          linalg::YieldOp::create(
              b, l, arith::AddIOp::create(b, l, args[2], product).getResult());
        });
    requireSchedule(acc, {.vectorWidth = packing::kDotBlock, .dotProduct = g});

    // float(acc[m, n / 64, n % 64] - qsum[m]) for n < N.
    auto resultType = op.getResult().getType();
    Value accF =
        tensor::EmptyOp::create(rewriter, loc, resultType.getShape(), accType);
    Value accT = acc.getResult(0);
    auto toFloat = linalg::GenericOp::create(
        rewriter, loc, accF.getType(), ValueRange{qsum.getResult(0)},
        ValueRange{accF},
        ArrayRef<AffineMap>{AffineMap::get(2, 0, {d[0]}, ctx),
                            AffineMap::get(2, 0, {d[0], d[1]}, ctx)},
        {utils::IteratorType::parallel, utils::IteratorType::parallel},
        [&](OpBuilder &b, Location l, ValueRange args) {
          Region r{b, l};
          Value col = linalg::IndexOp::create(b, l, 1);
          Value sum = tensor::ExtractOp::create(
              b, l, accT,
              ValueRange{linalg::IndexOp::create(b, l, 0),
                         arith::DivUIOp::create(b, l, col, r.index(tile)),
                         arith::RemUIOp::create(b, l, col, r.index(tile))});
          Value exact = arith::SubIOp::create(b, l, sum, args[0]);
          linalg::YieldOp::create(
              b, l, arith::SIToFPOp::create(b, l, accType, exact).getResult());
        });
    return toFloat.getResult(0);
  }

  /// amax[m] = max_k |x[m, k]| in `accType` (BitLinear: at least eps).
  static Value rowAbsMax(OpBuilder &rewriter, Location loc, Value input,
                         FloatType accType, const QuantMode &mode) {
    MLIRContext *ctx = rewriter.getContext();
    int64_t rows = cast<RankedTensorType>(input.getType()).getDimSize(0);
    AffineExpr d0, d1;
    bindDims(ctx, d0, d1);
    Value amaxInit = filledWith(
        rewriter, loc, tensor::EmptyOp::create(rewriter, loc, {rows}, accType),
        rewriter.getFloatAttr(accType, mode.bitLinear ? mode.eps : 0));
    auto amax = linalg::GenericOp::create(
        rewriter, loc, amaxInit.getType(), ValueRange{input},
        ValueRange{amaxInit},
        ArrayRef<AffineMap>{AffineMap::get(2, 0, {d0, d1}, ctx),
                            AffineMap::get(2, 0, {d0}, ctx)},
        {utils::IteratorType::parallel, utils::IteratorType::reduction},
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value x = args[0];
          if (x.getType() != accType)
            x = arith::ExtFOp::create(b, l, accType, x);
          Value a = math::AbsFOp::create(b, l, x);
          linalg::YieldOp::create(
              b, l, arith::MaxNumFOp::create(b, l, args[1], a).getResult());
        });
    return amax.getResult(0);
  }

  /// round(x * 127 / amax) as i8, 0 where amax is 0: half away from zero,
  /// clamped to [-127, 127] (--activation-bits=8); or as a BitLinear model
  /// computes it, x * (127 / amax) rounded half to even (ONNX Round),
  /// clamped to [-128, 127] (amax is at least eps already).
  static Value quantizeToInt8(OpBuilder &b, Location l, Value x, Value amax,
                              FloatType accType, const QuantMode &mode) {
    auto f = [&](double v) {
      return arith::ConstantOp::create(b, l, accType,
                                       b.getFloatAttr(accType, v))
          .getResult();
    };
    if (x.getType() != accType)
      x = arith::ExtFOp::create(b, l, accType, x);
    Value positive, v;
    if (mode.scale > 0) {
      // QuantizeLinear: x / s (the row's amax plays no part).
      positive = arith::ConstantIntOp::create(b, l, b.getI1Type(), 1);
      v = arith::DivFOp::create(b, l, x, f(mode.scale));
    } else {
      positive =
          arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, amax, f(0));
      Value safe = arith::SelectOp::create(b, l, positive, amax, f(1));
      v = arith::MulFOp::create(b, l, x,
                                arith::DivFOp::create(b, l, f(127), safe));
    }
    if (mode.bitLinear) {
      // Half to even: floor(v) + 1 when the fraction is above 0.5, or is
      // 0.5 and floor(v) is odd.
      Value lo = math::FloorOp::create(b, l, v);
      Value frac = arith::SubFOp::create(b, l, v, lo);
      Value half = arith::MulFOp::create(b, l, lo, f(0.5));
      Value odd = arith::CmpFOp::create(
          b, l, arith::CmpFPredicate::OEQ,
          arith::SubFOp::create(
              b, l, lo,
              arith::MulFOp::create(b, l, math::FloorOp::create(b, l, half),
                                    f(2))),
          f(1));
      Value up = arith::OrIOp::create(
          b, l,
          arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, frac, f(0.5)),
          arith::AndIOp::create(b, l,
                                arith::CmpFOp::create(b, l,
                                                      arith::CmpFPredicate::OEQ,
                                                      frac, f(0.5)),
                                odd));
      Value rounded = arith::SelectOp::create(
          b, l, up, arith::AddFOp::create(b, l, lo, f(1)), lo);
      Value clamped = arith::MaxNumFOp::create(
          b, l, arith::MinNumFOp::create(b, l, rounded, f(127)), f(-128));
      Value q = arith::SelectOp::create(b, l, positive, clamped, f(0));
      return arith::FPToSIOp::create(b, l, b.getI8Type(), q);
    }
    // Half away from zero, exactly: floor(v) + (v - floor(v) >= 0.5) for
    // v >= 0 (adding 0.5 first would round 0.49999997 up), and the mirror
    // image with ceil below 0.
    Value lo = math::FloorOp::create(b, l, v);
    Value hi = math::CeilOp::create(b, l, v);
    Value up = arith::SelectOp::create(
        b, l,
        arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGE,
                              arith::SubFOp::create(b, l, v, lo), f(0.5)),
        arith::AddFOp::create(b, l, lo, f(1)), lo);
    Value down = arith::SelectOp::create(
        b, l,
        arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGE,
                              arith::SubFOp::create(b, l, hi, v), f(0.5)),
        arith::SubFOp::create(b, l, hi, f(1)), hi);
    Value nonNegative =
        arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGE, v, f(0));
    Value rounded = arith::SelectOp::create(b, l, nonNegative, up, down);
    Value clamped = arith::MaxNumFOp::create(
        b, l, arith::MinNumFOp::create(b, l, rounded, f(127)), f(-127));
    Value q = arith::SelectOp::create(b, l, positive, clamped, f(0));
    return arith::FPToSIOp::create(b, l, b.getI8Type(), q);
  }

  /// result[m, n] = acc[m, n] * scale(n) [* rowFactor[m] / 127, or for a
  /// BitLinear layer / (127 / rowFactor[m]) as its model divides]: the only
  /// multiplies, once per output.
  Value scaleOutputs(PatternRewriter &rewriter, TernaryMatmulOp op, Value acc,
                     Value rowAmax, FloatType accType, Value empty,
                     const QuantMode &mode) const {
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    auto resultType = cast<RankedTensorType>(op.getResult().getType());
    Type elementType = resultType.getElementType();
    AffineExpr i, j;
    bindDims(ctx, i, j);
    auto identity = AffineMap::get(2, 0, {i, j}, ctx);
    AffineMap scaleMap =
        op.getEncoding().getScale() == TernaryScale::PerRow
            ? AffineMap::get(2, 0, {j}, ctx)
            : AffineMap::get(2, 0, {getAffineConstantExpr(0, ctx)}, ctx);
    SmallVector<Value> inputs = {acc, op.getScales()};
    SmallVector<AffineMap> maps = {identity, scaleMap};
    if (rowAmax) {
      inputs.push_back(rowAmax);
      maps.push_back(AffineMap::get(2, 0, {i}, ctx));
    }
    maps.push_back(identity);
    auto scaled = linalg::GenericOp::create(
        rewriter, loc, resultType, inputs, ValueRange{empty}, maps,
        SmallVector<utils::IteratorType>(2, utils::IteratorType::parallel),
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value scale = args[1];
          if (scale.getType() != accType)
            scale = arith::ExtFOp::create(b, l, accType, scale);
          Value product = arith::MulFOp::create(b, l, args[0], scale);
          Value c127 = arith::ConstantOp::create(
              b, l, accType, b.getFloatAttr(accType, 127.0));
          if (mode.scale > 0) {
            product = arith::MulFOp::create(
                b, l, product,
                arith::ConstantOp::create(b, l, accType,
                                          b.getFloatAttr(accType, mode.scale)));
          } else if (rowAmax && mode.bitLinear) {
            product = arith::DivFOp::create(
                b, l, product, arith::DivFOp::create(b, l, c127, args[2]));
          } else if (rowAmax) {
            Value factor = arith::DivFOp::create(b, l, args[2], c127);
            product = arith::MulFOp::create(b, l, product, factor);
          }
          if (accType != elementType)
            product = arith::TruncFOp::create(b, l, elementType, product);
          linalg::YieldOp::create(b, l, product);
        });
    return scaled.getResult(0);
  }

  static SmallVector<utils::IteratorType> reductionIterators() {
    return {utils::IteratorType::parallel, utils::IteratorType::parallel,
            utils::IteratorType::reduction};
  }
};

struct TernLowerTernaryPass
    : public tern::impl::TernLowerTernaryPassBase<TernLowerTernaryPass> {
  using TernLowerTernaryPassBase::TernLowerTernaryPassBase;

  void runOnOperation() override {
    bool ok = true;
    getOperation()->walk([&](TernaryMatmulOp op) {
      ok &= succeeded(checkLowerable(op, /*report=*/true));
    });
    if (!ok)
      return signalPassFailure();
    RewritePatternSet patterns(&getContext());
    populateTernLowerTernaryPatterns(patterns, byteMajor);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    // A pattern that failed on an op said why; anything left is an error.
    WalkResult result = getOperation()->walk([](TernaryMatmulOp op) {
      op.emitOpError() << "cannot be lowered with kernel '"
                       << stringifyTernaryKernel(op.getKernelOrDefault())
                       << "' and packing '"
                       << stringifyTernaryPacking(op.getEncoding().getPacking())
                       << "'";
      return WalkResult::interrupt();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace

Value mlir::tern::buildTernaryAddSubSum(OpBuilder &b, Location loc, Value input,
                                        Value weights, TernaryPacking packing,
                                        IntegerType accType) {
  auto inputType = cast<RankedTensorType>(input.getType());
  int64_t m = inputType.getDimSize(0), k = inputType.getDimSize(1);
  int64_t n = cast<RankedTensorType>(weights.getType()).getDimSize(0);
  auto accTensor = RankedTensorType::get({m, n}, accType);
  Value empty = tensor::EmptyOp::create(b, loc, accTensor.getShape(), accType);
  Value zero =
      arith::ConstantOp::create(b, loc, accType, b.getIntegerAttr(accType, 0));
  Value init = linalg::FillOp::create(b, loc, zero, empty).getResult(0);
  PackedWeights w{weights, /*byteMajor=*/false, packing, k};
  return buildAddSubAccumulation(b, loc, input, init, w);
}

void mlir::tern::populateTernLowerTernaryPatterns(RewritePatternSet &patterns,
                                                  bool byteMajor) {
  patterns.add<LowerTernaryMatmul>(patterns.getContext(), byteMajor);
}
