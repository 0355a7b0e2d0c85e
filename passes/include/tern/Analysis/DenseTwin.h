//===- DenseTwin.h - What each layer would cost as dense fp32 ---*- C++ -*-===//
//
// The efficiency report (ternc --tern-report=json) compares every layer
// with its dense fp32 twin: the same layer with every weight stored as a
// 32-bit float and every product computed. Measured on the module as
// imported, before any pass makes a layer ternary, sparse or integer, so
// the twin is the model as the user gave it.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_ANALYSIS_DENSETWIN_H
#define TERN_ANALYSIS_DENSETWIN_H

#include "mlir/IR/BuiltinOps.h"

#include <cstdint>
#include <map>
#include <string>

namespace mlir::tern {

struct DenseTwinLayer {
  /// Elements of the constant tensors the layer reads (weights, biases).
  int64_t params = 0;
  /// Multiply-accumulates: multiplications in the bodies of its linalg ops
  /// times their iteration spaces; a tern.ternary_matmul or
  /// tern.sparse_matmul already in the input counts M x K x N.
  int64_t macs = 0;
};

/// The dense fp32 twin of every layer of `module`, by layer name (see
/// layerName). Dynamic dimensions count as 1.
std::map<std::string, DenseTwinLayer> measureDenseTwin(ModuleOp module);

} // namespace mlir::tern

#endif // TERN_ANALYSIS_DENSETWIN_H
