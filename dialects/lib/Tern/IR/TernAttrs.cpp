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

static_assert(static_cast<int>(TernaryPacking::I2) ==
                      static_cast<int>(packing::Format::I2) &&
                  static_cast<int>(TernaryPacking::Bitplane) ==
                      static_cast<int>(packing::Format::Bitplane) &&
                  static_cast<int>(TernaryPacking::Base3) ==
                      static_cast<int>(packing::Format::Base3),
              "TernaryPacking and packing::Format must agree");

packing::Format TernaryEncodingAttr::getFormat() const {
  return static_cast<packing::Format>(getPacking());
}

int64_t TernaryEncodingAttr::getBytesPerRow(int64_t k) const {
  return packing::bytesPerRow(getFormat(), k);
}

int64_t TernaryEncodingAttr::getNumScales(int64_t n) const {
  return getScale() == TernaryScale::PerRow ? n : 1;
}

LogicalResult
EllEncodingAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                        int64_t rowLength) {
  if (rowLength < 0)
    return emitError() << "#tern.ell row_length must be >= 0, found "
                       << rowLength;
  return success();
}
