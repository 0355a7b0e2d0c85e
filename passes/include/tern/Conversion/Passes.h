//===- Passes.h - Lowerings from tern ops to kernel form --------*- C++ -*-===//
//
// Declarations generated from Passes.td, plus the pattern sets the passes are
// made of, so other pipelines can reuse them.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_CONVERSION_PASSES_H
#define TERN_CONVERSION_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"
#include "tern/Dialect/Tern/IR/TernAttrs.h"
#include "tern/Dialect/Tern/IR/TernDialect.h"

namespace mlir {
class RewritePatternSet;

namespace tern {

#define GEN_PASS_DECL
#include "tern/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "tern/Conversion/Passes.h.inc"

/// Patterns that rewrite tern.ternary_matmul into add/subtract
/// linalg.generic kernels (see TernLowerTernaryPass and its byte-major
/// option).
void populateTernLowerTernaryPatterns(RewritePatternSet &patterns,
                                      bool byteMajor = true);

/// The integer add/subtract accumulation of a ternary matmul, built at `b`:
/// `acc[m, n] = sum_k t[n, k] * input[m, k]` over the trits of `weights`
/// (`N x B` packed bytes, read as stored), with `input` an `M x K` tensor of
/// an integer type no wider than `accType` (sign-extended). No multiply:
/// each trit selects add, subtract or keep. The result is `M x N` of
/// `accType`. Used by tern-quantize (integer mode).
Value buildTernaryAddSubSum(OpBuilder &b, Location loc, Value input,
                            Value weights, TernaryPacking packing,
                            IntegerType accType);

/// Inside the body of a linalg.generic over (m, n, slot) of an N:M layer
/// (`keep` of every `group` inputs stored): the activation slot `slot`
/// reads, `input[m, (slot / keep) * group + index]`, with `index` the
/// stored in-group index (i8). The group's activations are loaded at
/// offsets that depend on the slot only (clamped to K - 1 past a short
/// last group) and one is picked by a tree of selects on the index bits,
/// so no load address depends on the weights. Shared by tern-lower-sparse
/// (float) and tern-quantize (integer mode).
Value buildNMGroupSelect(OpBuilder &b, Location loc, Value input, Value index,
                         int64_t keep, int64_t group, int64_t k);

/// The float values whose ranges tern-quantize may need, in a stable order:
/// the function's float arguments, then the input of every ternary and
/// dense matmul. Calibration measures their largest |value| and records it
/// as `tern.absmax` (on the argument, or on the op defining the value).
SmallVector<Value> collectQuantizationRangePoints(func::FuncOp func);

} // namespace tern
} // namespace mlir

#endif // TERN_CONVERSION_PASSES_H
