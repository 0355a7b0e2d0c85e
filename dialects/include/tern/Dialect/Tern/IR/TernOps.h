//===- TernOps.h - Operations of the tern dialect ---------------*- C++ -*-===//
//
// The ops generated from TernOps.td, with the dialect and attributes they
// need.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_DIALECT_TERN_IR_TERNOPS_H
#define TERN_DIALECT_TERN_IR_TERNOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "tern/Dialect/Tern/IR/TernAttrs.h"
#include "tern/Dialect/Tern/IR/TernDialect.h"

#define GET_OP_CLASSES
#include "tern/Dialect/Tern/IR/TernOps.h.inc"

#include <cstdint>
#include <optional>
#include <vector>

namespace mlir::tern {

/// Discardable attributes (verified by the dialect) marking a layer whose
/// model quantizes its activations to int8 itself, so that its int8 kernel
/// quantizes the same way: BitLinear's per-row absmax with this eps floor,
/// or a QuantizeLinear/DequantizeLinear pair's fixed scale. The ONNX
/// importer sets them on linalg.matmul; tern-raise carries them over.
inline constexpr llvm::StringLiteral kActivationQuantEps =
    "tern.activation_quant_eps";
inline constexpr llvm::StringLiteral kActivationQuantScale =
    "tern.activation_quant_scale";

/// The trits of `op`'s weights, row-major N x K in {-1, 0, 1}, when the
/// packed weights are a constant (dense or resource); std::nullopt when
/// they are computed at run time.
std::optional<std::vector<int8_t>> getConstantTrits(TernaryMatmulOp op);

inline bool modelQuantizesActivations(Operation *op) {
  return op->hasAttr(kActivationQuantEps) || op->hasAttr(kActivationQuantScale);
}

} // namespace mlir::tern

#endif // TERN_DIALECT_TERN_IR_TERNOPS_H
