//===- TernDialect.td - Everything in the tern dialect ------*- tablegen -*-===//
//
// The root file handed to mlir-tblgen: dialect, attributes and ops.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_DIALECT_TD
#define TERN_DIALECT_TD

include "tern/Dialect/Tern/IR/TernBase.td"
include "tern/Dialect/Tern/IR/TernAttrs.td"
include "tern/Dialect/Tern/IR/TernOps.td"

#endif // TERN_DIALECT_TD
