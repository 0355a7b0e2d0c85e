//===- Passes.h - Passes that stay at the tern/linalg level -----*- C++ -*-===//
//
// Declarations generated from Passes.td: pass factories, options structs and
// registration.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_TRANSFORMS_PASSES_H
#define TERN_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"
#include "tern/Dialect/Tern/IR/TernOps.h"

namespace mlir::tern {

#define GEN_PASS_DECL
#include "tern/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "tern/Transforms/Passes.h.inc"

} // namespace mlir::tern

#endif // TERN_TRANSFORMS_PASSES_H
