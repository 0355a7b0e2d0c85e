//===- TernWeightLayout.cpp - Vector-friendly constant layouts --*- C++ -*-===//
//
// A matmul kernel computes 16 outputs n at a time (CPU vector lanes, GPU
// threads). Its weights, stored N x K, would put those 16 lanes K elements
// apart: x86 loads such a vector one lane at a time. Transposing the
// constant at compile time makes every load a whole vector, for the same
// arithmetic and the same results.
//
//===----------------------------------------------------------------------===//

#include "tern/Dialect/Tern/IR/ConstantData.h"
#include "tern/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/BuiltinAttributes.h"

namespace mlir::tern {
#define GEN_PASS_DEF_TERNWEIGHTLAYOUTPASS
#include "tern/Transforms/Passes.h.inc"
} // namespace mlir::tern

using namespace mlir;
using namespace mlir::tern;

namespace {

/// Output vectors a GEMV computes per step of its reduction (the Halide
/// schedule caps it by the target's registers): 16 x 16 floats, a 1 KiB run
/// of a weight row. 4096 x 4096 f32 GEMV, one run: 4 blocks 2289 us, 8
/// blocks 1858 us, 16 blocks 1638 us (OpenBLAS sgemv 1304-1343 us).
constexpr int64_t kVectorBlocks = 16;

/// The loop dimension of the output's innermost index, or -1.
int64_t innermostOutputDim(linalg::GenericOp op) {
  if (op.getNumDpsInits() == 0)
    return -1;
  AffineMap map = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  if (map.getNumResults() == 0)
    return -1;
  auto dim = dyn_cast<AffineDimExpr>(map.getResults().back());
  return dim ? static_cast<int64_t>(dim.getPosition()) : -1;
}

/// `bytes` (rows x cols elements of `size` bytes, row-major) transposed.
std::vector<char> transposeBytes(const std::vector<char> &bytes, int64_t rows,
                                 int64_t cols, size_t size) {
  std::vector<char> out(bytes.size());
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      std::memcpy(&out[(c * rows + r) * size], &bytes[(r * cols + c) * size],
                  size);
  return out;
}

/// Transposes the constant of `operand` and swaps its map when the kernel
/// reads it (n, k) with n the output's innermost dimension and k a
/// reduction; returns whether it did.
bool relayout(linalg::GenericOp op, OpOperand &operand, int64_t innerDim,
              OpBuilder &b) {
  auto type = dyn_cast<RankedTensorType>(operand.get().getType());
  if (!type || type.getRank() != 2 || !type.hasStaticShape())
    return false;
  AffineMap map = op.getMatchingIndexingMap(&operand);
  auto d0 = dyn_cast<AffineDimExpr>(map.getResult(0));
  auto d1 = dyn_cast<AffineDimExpr>(map.getResult(1));
  if (!d0 || !d1 || d0.getPosition() != innerDim)
    return false;
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  if (iterators[d1.getPosition()] != utils::IteratorType::reduction)
    return false;
  Operation *def = operand.get().getDefiningOp();
  if (!def || !def->hasOneUse())
    return false;
  ElementsAttr attr = getConstantElements(operand.get());
  if (!attr)
    return false;
  Type element = type.getElementType();
  if (!element.isIntOrFloat() || element.getIntOrFloatBitWidth() % 8 != 0)
    return false;
  auto transposed =
      RankedTensorType::get({type.getDimSize(1), type.getDimSize(0)}, element);
  DenseElementsAttr value;
  if (auto dense = dyn_cast<DenseElementsAttr>(attr);
      dense && dense.isSplat()) {
    value = dense.reshape(transposed);
  } else {
    std::optional<std::vector<char>> bytes = getConstantBytes(attr);
    if (!bytes)
      return false;
    size_t size = element.getIntOrFloatBitWidth() / 8;
    std::vector<char> out =
        transposeBytes(*bytes, type.getDimSize(0), type.getDimSize(1), size);
    value = DenseElementsAttr::getFromRawBuffer(transposed, out);
  }
  b.setInsertionPoint(def);
  Value replacement = arith::ConstantOp::create(b, def->getLoc(), value);
  operand.set(replacement);
  def->erase();

  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  maps[operand.getOperandNumber()] =
      AffineMap::get(map.getNumDims(), 0, {d1, d0}, op.getContext());
  op.setIndexingMapsAttr(b.getAffineMapArrayAttr(maps));
  return true;
}

struct TernWeightLayoutPass
    : public tern::impl::TernWeightLayoutPassBase<TernWeightLayoutPass> {
  using TernWeightLayoutPassBase::TernWeightLayoutPassBase;

  void runOnOperation() override {
    OpBuilder b(&getContext());
    getOperation()->walk([&](linalg::GenericOp op) {
      ScheduleAttr schedule = getSchedule(op);
      if (op.getNumReductionLoops() == 0 || !op.hasPureTensorSemantics() ||
          (schedule && (schedule.getVectorWidth() || schedule.getDotProduct())))
        return;
      int64_t inner = innermostOutputDim(op);
      if (inner < 0)
        return;
      bool changed = false;
      for (OpOperand *input : op.getDpsInputOperands())
        changed |= relayout(op, *input, inner, b);
      if (!changed)
        return;
      ScheduleRequirements r;
      if (!schedule || !schedule.getUnroll())
        r.unroll = 4;
      r.vectorBlocks = kVectorBlocks;
      requireSchedule(op, r);
    });
  }
};

} // namespace
