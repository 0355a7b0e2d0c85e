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

} // namespace tern
} // namespace mlir

#endif // TERN_CONVERSION_PASSES_H
