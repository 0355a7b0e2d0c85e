//===- TernDialect.h - The tern dialect -------------------------*- C++ -*-===//
//
// Declares the dialect class generated from TernBase.td. Include TernOps.h to
// get the ops and attributes as well.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_DIALECT_TERN_IR_TERNDIALECT_H
#define TERN_DIALECT_TERN_IR_TERNDIALECT_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SparseTensor/IR/SparseTensor.h"
#include "mlir/IR/Dialect.h"

#include "tern/Dialect/Tern/IR/TernDialect.h.inc"

#endif // TERN_DIALECT_TERN_IR_TERNDIALECT_H
