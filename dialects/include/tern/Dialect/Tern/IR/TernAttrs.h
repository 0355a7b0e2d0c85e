//===- TernAttrs.h - Weight encoding attributes -----------------*- C++ -*-===//
//
// The enums and attributes generated from TernAttrs.td.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_DIALECT_TERN_IR_TERNATTRS_H
#define TERN_DIALECT_TERN_IR_TERNATTRS_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"

#include "tern/Dialect/Tern/IR/TernaryPacking.h"

#include "tern/Dialect/Tern/IR/TernEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "tern/Dialect/Tern/IR/TernAttrs.h.inc"

#endif // TERN_DIALECT_TERN_IR_TERNATTRS_H
