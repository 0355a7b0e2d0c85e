//===- TernAttrs.cpp - Weight encoding attributes ---------------*- C++ -*-===//
//
// Generated attribute and enum definitions, plus the size arithmetic of each
// encoding, which the op verifiers and the packing pass share.
//
//===----------------------------------------------------------------------===//

#include "tern/Dialect/Tern/IR/TernAttrs.h"
#include "tern/Dialect/Tern/IR/TernDialect.h"
#include "tern/Dialect/Tern/IR/TernaryPacking.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::tern;

#include "tern/Dialect/Tern/IR/TernEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "tern/Dialect/Tern/IR/TernAttrs.cpp.inc"

void TernDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "tern/Dialect/Tern/IR/TernAttrs.cpp.inc"
      >();
}

int64_t TernaryEncodingAttr::getTritsPerByte() const {
  switch (getPacking()) {
  case TernaryPacking::I2:
    return packing::kI2TritsPerByte;
  }
  llvm_unreachable("unknown ternary packing");
}

int64_t TernaryEncodingAttr::getBytesPerRow(int64_t k) const {
  int64_t perByte = getTritsPerByte();
  return (k + perByte - 1) / perByte;
}

int64_t TernaryEncodingAttr::getNumScales(int64_t n) const {
  return getScale() == TernaryScale::PerRow ? n : 1;
}
