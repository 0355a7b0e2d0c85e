//===- TernLowerSparse.cpp - Sparse matmul to kernel form -------*- C++ -*-===//
//
// Where "skipped zeros" becomes true in the IR: each tern.sparse_matmul
// turns into the stored arrays of its format (built here, at compile time)
// and one linalg.generic whose reduction runs over the stored entries of
// each output only, gathering the activations it needs with tensor.extract
// at stored indices. The Halide emitter vectorizes the outputs: the stored
// arrays are column-major so that lanes read adjacent entries, and only
// the activation reads are gathers.
//
//===----------------------------------------------------------------------===//

#include "tern/Analysis/Layers.h"
#include "tern/Analysis/SparseWeights.h"
#include "tern/Conversion/Passes.h"
#include "tern/Dialect/Tern/IR/ConstantData.h"
#include "tern/Dialect/Tern/IR/SparseEncoding.h"
#include "tern/Dialect/Tern/IR/TernOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

#include <algorithm>
#include <numeric>

namespace mlir::tern {
#define GEN_PASS_DEF_TERNLOWERSPARSEPASS
#include "tern/Conversion/Passes.h.inc"
} // namespace mlir::tern

using namespace mlir;
using namespace mlir::tern;

namespace {

/// The reduction unroll factor the sparse accumulations ask for.
constexpr int64_t kUnroll = 4;
/// Outputs per tile of the stored arrays (the `vector_width` the
/// accumulations require of their #tern.schedule): the entries of one tile's
/// consecutive outputs for one slot are adjacent, and the slots of one tile
/// follow each other, so the outputs of a tile walk their entries in one
/// contiguous stream instead of one page per slot.
///
/// N:M layers read no activation at a stored index: their tiles are one
/// 16-lane vector. BSR's GEMV schedule unrolls a 16-output tile into scalar
/// accumulators.
constexpr int64_t kVectorTile = 16;
/// ELL and index lists gather activations at stored columns: below 16 rows
/// (GEMV) the CPU schedule leaves a 64-output tile as a serial loop that
/// LLVM vectorizes with hardware gathers (see the gather schedule in
/// Schedules.cpp; 16 outputs would be unrolled into inserts instead).
/// From 16 rows the schedule vectorizes the rows and unrolls 16 outputs,
/// which then stream a 16-output tile whole (a 64-output tile would be
/// read a quarter at a time: measured 2.1x slower at batch 32).
constexpr int64_t kGatherTile = 64;

/// The tile of the gather formats for activations of type `input`.
int64_t gatherTile(Value input) {
  auto type = cast<RankedTensorType>(input.getType());
  return !type.isDynamicDim(0) && type.getDimSize(0) >= 16 ? kVectorTile
                                                           : kGatherTile;
}

/// Reorders `data`, stored [slots][n], into tiles
/// [ceil(n / tile)][slots][tile] (outputs past n padded with `pad`).
template <typename T>
std::vector<T> tileMajor(const std::vector<T> &data, int64_t slots, int64_t n,
                         T pad, int64_t tile) {
  int64_t tiles = (n + tile - 1) / tile;
  std::vector<T> out(tiles * slots * tile, pad);
  for (int64_t j = 0; j < slots; ++j)
    for (int64_t c = 0; c < n; ++c)
      out[((c / tile) * slots + j) * tile + c % tile] = data[j * n + c];
  return out;
}

/// Shape of a tile-major array.
SmallVector<int64_t> tiledShape(int64_t slots, int64_t n, int64_t tile) {
  return {(n + tile - 1) / tile, slots, tile};
}

template <typename T>
Value constantTensor(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                     Type elementType, const std::vector<T> &data) {
  auto type = RankedTensorType::get(shape, elementType);
  return arith::ConstantOp::create(
      b, loc, type, DenseElementsAttr::get(type, ArrayRef<T>(data)));
}

/// Index arrays in the narrowest type that holds values of magnitude below
/// `limit`.
Value indexTensor(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                  const std::vector<int32_t> &data, int64_t limit) {
  if (limit <= 32768) {
    std::vector<int16_t> narrow(data.begin(), data.end());
    return constantTensor(b, loc, shape, b.getI16Type(), narrow);
  }
  return constantTensor(b, loc, shape, b.getI32Type(), data);
}

Value toIndex(OpBuilder &b, Location l, Value v) {
  return arith::IndexCastOp::create(b, l, b.getIndexType(), v);
}

Value cIndex(OpBuilder &b, Location l, int64_t v) {
  return arith::ConstantIndexOp::create(b, l, v);
}

/// An accumulation over (m, n, j), j a reduction over stored slots, that
/// reads each of `stored` (tile-major arrays) at (n, j) and updates
/// acc[m, n] (`init`) with `next(args)`, args being the stored elements
/// then acc; asks the Halide schedule for tiles of `tile` outputs and an
/// unroll of 4. With `tileSlots` (per tile, the slots its outputs use),
/// slots past a tile's count leave acc as it is, and the Halide emitter
/// ends the tile's reduction there (see reductionLimit in
/// compiler/lib/Kernel/KernelAnalysis.cpp).
Value tiledAccumulation(
    OpBuilder &b, Location loc, ValueRange stored, Value init, int64_t tile,
    function_ref<Value(OpBuilder &, Location, ValueRange)> next,
    ArrayRef<int32_t> tileSlots = {}) {
  MLIRContext *ctx = b.getContext();
  AffineExpr m, n, j;
  bindDims(ctx, m, n, j);
  SmallVector<AffineMap> maps(
      stored.size(),
      AffineMap::get(3, 0, {n.floorDiv(tile), j, n % tile}, ctx));
  SmallVector<Value> inputs(stored.begin(), stored.end());
  // No guard where every tile uses every slot; one tile's count is a
  // constant in the body (a one-element input would be folded into it by
  // canonicalization, which also drops the schedule attributes).
  auto storedType = cast<RankedTensorType>(stored.front().getType());
  int64_t slots = storedType.getDimSize(1);
  bool guarded = llvm::any_of(tileSlots, [&](int32_t c) { return c < slots; });
  Value counts;
  if (guarded && tileSlots.size() > 1) {
    counts = constantTensor(
        b, loc, {static_cast<int64_t>(tileSlots.size())}, b.getI32Type(),
        std::vector<int32_t>(tileSlots.begin(), tileSlots.end()));
    inputs.push_back(counts);
    maps.push_back(AffineMap::get(3, 0, {n.floorDiv(tile)}, ctx));
  }
  maps.push_back(AffineMap::get(3, 0, {m, n}, ctx));
  auto generic = linalg::GenericOp::create(
      b, loc, init.getType(), inputs, ValueRange{init}, maps,
      ArrayRef<utils::IteratorType>{utils::IteratorType::parallel,
                                    utils::IteratorType::parallel,
                                    utils::IteratorType::reduction},
      [&](OpBuilder &rb, Location l, ValueRange args) {
        if (!guarded) {
          linalg::YieldOp::create(rb, l, next(rb, l, args));
          return;
        }
        SmallVector<Value> used(args.begin(), args.begin() + stored.size());
        Value acc = args.back();
        used.push_back(acc);
        Value updated = next(rb, l, used);
        Value slot = linalg::IndexOp::create(rb, l, 2);
        Value count = counts
                          ? arith::IndexCastOp::create(rb, l, rb.getIndexType(),
                                                       args[stored.size()])
                                .getResult()
                          : cIndex(rb, l, tileSlots.front());
        Value inside = arith::CmpIOp::create(rb, l, arith::CmpIPredicate::slt,
                                             slot, count);
        linalg::YieldOp::create(
            rb, l,
            arith::SelectOp::create(rb, l, inside, updated, acc).getResult());
      });
  requireSchedule(generic, {.vectorWidth = tile, .unroll = kUnroll});
  return generic.getResult(0);
}

/// The nonzero count of each row of the N x K `w`.
std::vector<int64_t> rowNonzeros(const std::vector<float> &w, int64_t n,
                                 int64_t k) {
  std::vector<int64_t> count(n);
  for (int64_t r = 0; r < n; ++r)
    count[r] = std::count_if(w.begin() + r * k, w.begin() + (r + 1) * k,
                             [](float v) { return v != 0.0f; });
  return count;
}

/// Rows (outputs) by descending `count`, ties in order: tiles of
/// consecutive positions then hold rows of about one length, so their
/// per-tile slot counts pad little (sliced ELL with sorted rows).
std::vector<int64_t> rowsByCount(const std::vector<int64_t> &count) {
  std::vector<int64_t> order(count.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int64_t a, int64_t b) { return count[a] > count[b]; });
  return order;
}

/// A generic over (m, c) that yields `body(args)` into a new tensor shaped
/// like `like`, args being like[m, c] (with `readLike`) then `column[c]`.
Value perColumn(OpBuilder &b, Location loc, Value like, Value column,
                bool readLike,
                function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  MLIRContext *ctx = b.getContext();
  auto type = cast<RankedTensorType>(like.getType());
  SmallVector<Value> dynamicSizes;
  if (type.isDynamicDim(0))
    dynamicSizes.push_back(tensor::DimOp::create(b, loc, like, 0));
  Value empty = tensor::EmptyOp::create(b, loc, type.getShape(),
                                        type.getElementType(), dynamicSizes);
  AffineExpr m, c;
  bindDims(ctx, m, c);
  AffineMap whole = AffineMap::get(2, 0, {m, c}, ctx);
  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  if (readLike) {
    inputs.push_back(like);
    maps.push_back(whole);
  }
  inputs.push_back(column);
  maps.push_back(AffineMap::get(2, 0, {c}, ctx));
  maps.push_back(whole);
  auto generic = linalg::GenericOp::create(
      b, loc, type, inputs, ValueRange{empty}, maps,
      ArrayRef<utils::IteratorType>{utils::IteratorType::parallel,
                                    utils::IteratorType::parallel},
      [&](OpBuilder &rb, Location l, ValueRange args) {
        linalg::YieldOp::create(rb, l, body(rb, l, args));
      });
  return generic.getResult(0);
}

/// `out[m, n] = acc[m, position[n]]`: the outputs back in their order after
/// an accumulation over rows sorted by `order` (position[order[p]] = p).
Value unsortRows(OpBuilder &b, Location loc, Value acc,
                 const std::vector<int64_t> &order) {
  int64_t n = static_cast<int64_t>(order.size());
  std::vector<int32_t> position(n);
  for (int64_t p = 0; p < n; ++p)
    position[order[p]] = static_cast<int32_t>(p);
  Value positions = constantTensor(b, loc, {n}, b.getI32Type(), position);
  return perColumn(b, loc, acc, positions, /*readLike=*/false,
                   [&](OpBuilder &rb, Location l, ValueRange args) {
                     Value row = linalg::IndexOp::create(rb, l, 0);
                     return tensor::ExtractOp::create(
                                rb, l, acc,
                                ValueRange{row, toIndex(rb, l, args[0])})
                         .getResult();
                   });
}

/// One accumulation `acc[m, n] += values[j, n] * x[m, col(j, n, index)]`
/// over (m, n, j) with `values` and `index` (if not null) read at (j, n),
/// stored in tiles of `tile` outputs.
Value accumulate(OpBuilder &b, Location loc, Value input, Value init,
                 Value values, Value index, int64_t tile,
                 function_ref<Value(OpBuilder &, Location, Value idx)> col,
                 ArrayRef<int32_t> tileSlots = {}) {
  SmallVector<Value> stored{values};
  if (index)
    stored.push_back(index);
  return tiledAccumulation(
      b, loc, stored, init, tile,
      [&](OpBuilder &rb, Location l, ValueRange args) {
        Value row = linalg::IndexOp::create(rb, l, 0);
        Value c = col(rb, l, index ? args[1] : Value());
        Value x = tensor::ExtractOp::create(rb, l, input, ValueRange{row, c});
        Value product = arith::MulFOp::create(rb, l, args[0], x);
        return arith::AddFOp::create(rb, l, args.back(), product).getResult();
      },
      tileSlots);
}

/// The update of a signed code (pruned-ternary rows): `acc + x(p)` where
/// `code = p + 1 > 0`, `acc - x(p)` where `code = -(p + 1)`, `acc` for 0
/// (padding, which reads position 0): adds and subtracts only.
Value signedCodeUpdate(OpBuilder &b, Location l, Value code, Value acc,
                       function_ref<Value(Value position)> read) {
  Type type = code.getType();
  Value zero = arith::ConstantIntOp::create(b, l, type, 0);
  Value one = arith::ConstantIntOp::create(b, l, type, 1);
  Value plus =
      arith::CmpIOp::create(b, l, arith::CmpIPredicate::sgt, code, zero);
  Value minus =
      arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, code, zero);
  Value magnitude = arith::SelectOp::create(
      b, l, plus, code, arith::SubIOp::create(b, l, zero, code));
  Value position = arith::MaxSIOp::create(
      b, l, arith::SubIOp::create(b, l, magnitude, one), zero);
  Value x = read(position);
  Value added = arith::AddFOp::create(b, l, acc, x);
  Value subtracted = arith::SubFOp::create(b, l, acc, x);
  return arith::SelectOp::create(
      b, l, plus, added, arith::SelectOp::create(b, l, minus, subtracted, acc));
}

/// Index lists (pruned-ternary rows): `acc[m, n] += x[m, c]` where
/// `code[j, n] = c + 1`, `-= x[m, c]` where `code[j, n] = -(c + 1)`, and
/// nothing for padding (0): adds and subtracts only, no multiply.
Value accumulateSigned(OpBuilder &b, Location loc, Value input, Value init,
                       Value codes, int64_t k, ArrayRef<int32_t> tileSlots) {
  return tiledAccumulation(
      b, loc, ValueRange{codes}, init, gatherTile(input),
      [&](OpBuilder &rb, Location l, ValueRange args) -> Value {
        return signedCodeUpdate(rb, l, args[0], args[1], [&](Value c) {
          Value col = arith::MinSIOp::create(rb, l, toIndex(rb, l, c),
                                             cIndex(rb, l, k - 1));
          Value row = linalg::IndexOp::create(rb, l, 0);
          return tensor::ExtractOp::create(rb, l, input, ValueRange{row, col})
              .getResult();
        });
      },
      tileSlots);
}

/// `sums[m, n] * scales[n]`, elementwise; `sums` itself where every scale
/// is 1.
Value scaleColumns(OpBuilder &b, Location loc, Value sums,
                   const std::vector<float> &scales) {
  if (llvm::all_of(scales, [](float a) { return a == 1.0f; }))
    return sums;
  int64_t n = static_cast<int64_t>(scales.size());
  Value s = constantTensor(b, loc, {n}, b.getF32Type(), scales);
  return perColumn(
      b, loc, sums, s, /*readLike=*/true,
      [](OpBuilder &rb, Location l, ValueRange args) {
        return arith::MulFOp::create(rb, l, args[0], args[1]).getResult();
      });
}

/// N:M: `acc[m, n] += values[j, n] * x[m, (j / N) * M + index[j, n]]`.
/// Every output of slot j reads the same group of M activations, so instead
/// of a gather the kernel loads the group's M values (one broadcast each)
/// and picks one per lane with a tree of selects on the index bits.
Value accumulateNM(OpBuilder &b, Location loc, Value input, Value init,
                   Value values, Value index, int64_t keep, int64_t group,
                   int64_t k) {
  return tiledAccumulation(
      b, loc, ValueRange{values, index}, init, kVectorTile,
      [&](OpBuilder &rb, Location l, ValueRange args) {
        Value x = buildNMGroupSelect(rb, l, input, args[1], keep, group, k);
        Value product = arith::MulFOp::create(rb, l, args[0], x);
        return arith::AddFOp::create(rb, l, args[2], product).getResult();
      });
}

/// Ternary N:M: `acc[m, n] += x[m, (j / N) * M + c - 1]` where
/// `code[j, n] = c > 0`, `-=` where `code[j, n] = -c < 0`, nothing for an
/// empty slot (0). The group's activations are picked as in accumulateNM;
/// adds and subtracts only.
Value accumulateSignedNM(OpBuilder &b, Location loc, Value input, Value init,
                         Value codes, int64_t keep, int64_t group, int64_t k) {
  return tiledAccumulation(
      b, loc, ValueRange{codes}, init, kVectorTile,
      [&](OpBuilder &rb, Location l, ValueRange args) -> Value {
        return signedCodeUpdate(rb, l, args[0], args[1], [&](Value i) {
          return buildNMGroupSelect(rb, l, input, i, keep, group, k);
        });
      });
}

} // namespace

Value mlir::tern::buildNMGroupSelect(OpBuilder &b, Location l, Value input,
                                     Value index, int64_t keep, int64_t group,
                                     int64_t k) {
  int bits = 0;
  while ((int64_t(1) << bits) < group)
    ++bits;
  Value row = linalg::IndexOp::create(b, l, 0);
  Value slot = linalg::IndexOp::create(b, l, 2);
  Value g = arith::DivSIOp::create(b, l, slot, cIndex(b, l, keep));
  Value base = arith::MulIOp::create(b, l, g, cIndex(b, l, group));
  // The group's activations; past K (a short last group) the index is
  // clamped, and no stored entry points there.
  SmallVector<Value> xs;
  for (int64_t c = 0; c < (int64_t(1) << bits); ++c) {
    Value col = arith::AddIOp::create(b, l, base, cIndex(b, l, c));
    col = arith::MinSIOp::create(b, l, col, cIndex(b, l, k - 1));
    xs.push_back(tensor::ExtractOp::create(b, l, input, ValueRange{row, col}));
  }
  Type i8 = index.getType();
  for (int bit = 0; bit < bits; ++bit) {
    Value mask = arith::ConstantIntOp::create(b, l, i8, 1 << bit);
    Value set =
        arith::CmpIOp::create(b, l, arith::CmpIPredicate::ne,
                              arith::AndIOp::create(b, l, index, mask),
                              arith::ConstantIntOp::create(b, l, i8, 0));
    SmallVector<Value> next;
    for (size_t i = 0; i + 1 < xs.size(); i += 2)
      next.push_back(arith::SelectOp::create(b, l, set, xs[i + 1], xs[i]));
    xs = next;
  }
  return xs[0];
}

namespace {

struct TernLowerSparsePass
    : public tern::impl::TernLowerSparsePassBase<TernLowerSparsePass> {
  using TernLowerSparsePassBase::TernLowerSparsePassBase;

  void runOnOperation() override {
    SmallVector<SparseMatmulOp> ops;
    getOperation()->walk([&](SparseMatmulOp op) { ops.push_back(op); });
    IRRewriter rewriter(&getContext());
    for (SparseMatmulOp op : ops)
      if (failed(lower(op, rewriter)))
        return signalPassFailure();
  }

  LogicalResult lower(SparseMatmulOp op, RewriterBase &rewriter) {
    std::string why;
    auto weightsType = op.getWeights().getType();
    FailureOr<SparseWeightFormat> format =
        getSparseWeightFormat(weightsType.getEncoding(), why);
    if (failed(format))
      return op.emitOpError() << why;
    ElementsAttr attr = getConstantElements(op.getWeights());
    std::optional<SmallVector<double>> floats;
    if (attr)
      floats = getConstantFloats(attr);
    if (!floats)
      return op.emitOpError()
             << "tern-lower-sparse needs constant weights (a dense or "
                "sparse literal); found "
             << (op.getWeights().getDefiningOp()
                     ? "'" +
                           op.getWeights()
                               .getDefiningOp()
                               ->getName()
                               .getStringRef()
                               .str() +
                           "'"
                     : std::string("a block argument"));
    if (!weightsType.getElementType().isF32())
      return op.emitOpError() << "tern-lower-sparse supports f32 weights and "
                                 "activations, found "
                              << weightsType.getElementType();
    int64_t n = weightsType.getDimSize(0), k = weightsType.getDimSize(1);
    std::vector<float> w(floats->begin(), floats->end());

    Location loc = op.getLoc();
    rewriter.setInsertionPoint(op);
    Type f32 = rewriter.getF32Type();
    Value init = zeroFilledResult(rewriter, loc, op.getResult().getType(),
                                  op.getInput());
    Value input = op.getInput();
    Value result;

    switch (format->kind) {
    case SparseWeightFormat::Csr:
    case SparseWeightFormat::Ell: {
      // Rows sorted by their nonzero count, so that each tile's slot count
      // (its longest row) pads little; the outputs are put back in order
      // after the accumulation.
      std::vector<int64_t> rowCount = rowNonzeros(w, n, k);
      std::vector<int64_t> order = rowsByCount(rowCount);
      std::vector<float> sorted(w.size());
      for (int64_t p = 0; p < n; ++p)
        std::copy(w.begin() + order[p] * k, w.begin() + (order[p] + 1) * k,
                  sorted.begin() + p * k);
      // Rows of one magnitude each (pruned-ternary layers) become index
      // lists; other weights ELL.
      sparse::SignedEll list;
      bool ternaryRows = sparse::buildSignedEll(sorted, n, k, list);
      sparse::Ell ell;
      if (!ternaryRows)
        ell = sparse::buildEll(sorted, n, k);
      int64_t length = ternaryRows ? list.rowLength : ell.rowLength;
      if (format->kind == SparseWeightFormat::Ell) {
        if (length > format->rowLength)
          return op.emitOpError()
                 << "#tern.ell<row_length = " << format->rowLength
                 << "> is too short: a row of the weights holds " << length
                 << " nonzeros";
        length = format->rowLength; // padded to the declared row length
      }
      if (length == 0) {
        result = init;
        break;
      }
      int64_t tile = gatherTile(input);
      SmallVector<int64_t> shape = tiledShape(length, n, tile);
      // Slots each tile uses: its first row is its longest.
      std::vector<int32_t> counts((n + tile - 1) / tile);
      for (size_t t = 0; t < counts.size(); ++t)
        counts[t] = static_cast<int32_t>(rowCount[order[t * tile]]);
      if (ternaryRows) {
        list.codes.resize(length * n, 0);
        // Signed positions +-(c + 1) lie in [-K, K].
        Value codes =
            indexTensor(rewriter, loc, shape,
                        tileMajor(list.codes, length, n, 0, tile), k + 1);
        result = accumulateSigned(rewriter, loc, input, init, codes, k, counts);
        result = scaleColumns(rewriter, loc, result, list.scales);
      } else {
        ell.values.resize(length * n, 0.0f);
        ell.cols.resize(length * n, 0);
        Value values =
            constantTensor(rewriter, loc, shape, f32,
                           tileMajor(ell.values, length, n, 0.0f, tile));
        Value cols = indexTensor(rewriter, loc, shape,
                                 tileMajor(ell.cols, length, n, 0, tile), k);
        result = accumulate(
            rewriter, loc, input, init, values, cols, tile,
            [](OpBuilder &b, Location l, Value c) { return toIndex(b, l, c); },
            counts);
      }
      if (!std::is_sorted(order.begin(), order.end()))
        result = unsortRows(rewriter, loc, result, order);
      break;
    }
    case SparseWeightFormat::NM: {
      // Rows of one magnitude each (pruned-ternary layers): signed
      // positions, one byte a slot, and no multiply.
      sparse::SignedNM signedNM;
      std::string notSigned;
      if (sparse::buildSignedNM(w, n, k, format->keep, format->group, signedNM,
                                notSigned)) {
        int64_t slots =
            (k + signedNM.group - 1) / signedNM.group * signedNM.keep;
        Value codes = constantTensor(
            rewriter, loc, tiledShape(slots, n, kVectorTile),
            rewriter.getI8Type(),
            tileMajor(signedNM.codes, slots, n, int8_t(0), kVectorTile));
        result = accumulateSignedNM(rewriter, loc, input, init, codes,
                                    signedNM.keep, signedNM.group, k);
        result = scaleColumns(rewriter, loc, result, signedNM.scales);
        break;
      }
      sparse::NM nm;
      if (!sparse::buildNM(w, n, k, format->keep, format->group, nm, why))
        return op.emitOpError()
               << "weights do not fit " << format->str() << ": " << why;
      int64_t slots = (k + nm.group - 1) / nm.group * nm.keep;
      SmallVector<int64_t> shape = tiledShape(slots, n, kVectorTile);
      Value values =
          constantTensor(rewriter, loc, shape, f32,
                         tileMajor(nm.values, slots, n, 0.0f, kVectorTile));
      Value index =
          constantTensor(rewriter, loc, shape, rewriter.getI8Type(),
                         tileMajor(nm.index, slots, n, int8_t(0), kVectorTile));
      result = accumulateNM(rewriter, loc, input, init, values, index, nm.keep,
                            nm.group, k);
      break;
    }
    case SparseWeightFormat::Bsr: {
      int bn = format->blockRows, bk = format->blockCols;
      sparse::Bsr bsr = sparse::buildBsr(w, n, k, bn, bk);
      if (bsr.listLength == 0) {
        result = init;
        break;
      }
      int64_t rowBlocks = (n + bn - 1) / bn;
      int64_t entries = bsr.listLength * bk;
      Value values = constantTensor(
          rewriter, loc, tiledShape(entries, n, kVectorTile), f32,
          tileMajor(bsr.values, entries, n, 0.0f, kVectorTile));
      Value blockCol = indexTensor(rewriter, loc, {bsr.listLength, rowBlocks},
                                   bsr.blockCol, (k + bk - 1) / bk);
      // No per-entry index: the block list is read at (q / C, n / R).
      result = accumulate(
          rewriter, loc, input, init, values, Value(), kVectorTile,
          [&](OpBuilder &b, Location l, Value) -> Value {
            Value q = linalg::IndexOp::create(b, l, 2);
            Value out = linalg::IndexOp::create(b, l, 1);
            Value c = cIndex(b, l, bk);
            Value slot = arith::DivSIOp::create(b, l, q, c);
            Value r = arith::RemSIOp::create(b, l, q, c);
            Value block = arith::DivSIOp::create(b, l, out, cIndex(b, l, bn));
            Value first = toIndex(b, l,
                                  tensor::ExtractOp::create(
                                      b, l, blockCol, ValueRange{slot, block}));
            Value start = arith::MulIOp::create(b, l, first, c);
            Value row = arith::AddIOp::create(b, l, start, r);
            return arith::MinSIOp::create(b, l, row, cIndex(b, l, k - 1));
          });
      break;
    }
    }
    WeightsInfo info;
    info.format = "sparse " + format->str();
    info.elements = n * k;
    info.nonzeros = llvm::count_if(w, [](float v) { return v != 0.0f; });
    recordLayerWeights(result, info);
    Operation *weightsDef = op.getWeights().getDefiningOp();
    rewriter.replaceOp(op, result);
    if (weightsDef && weightsDef->use_empty() && isPure(weightsDef))
      rewriter.eraseOp(weightsDef);
    return success();
  }
};

} // namespace
