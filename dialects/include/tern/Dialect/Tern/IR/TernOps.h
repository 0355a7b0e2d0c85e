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

#endif // TERN_DIALECT_TERN_IR_TERNOPS_H
