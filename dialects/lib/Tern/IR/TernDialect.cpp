//===- TernDialect.cpp - The tern dialect -----------------------*- C++ -*-===//
//
// Registers the ops and attributes of the dialect. The generated definitions
// live in TernAttrs.cpp and TernOps.cpp; this file only wires them together.
//
//===----------------------------------------------------------------------===//

#include "tern/Dialect/Tern/IR/TernDialect.h"
#include "tern/Dialect/Tern/IR/TernOps.h"

using namespace mlir;
using namespace mlir::tern;

#include "tern/Dialect/Tern/IR/TernDialect.cpp.inc"

void TernDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "tern/Dialect/Tern/IR/TernOps.cpp.inc"
      >();
  registerAttributes();
}
