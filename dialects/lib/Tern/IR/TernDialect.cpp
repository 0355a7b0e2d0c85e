//===- TernDialect.cpp - The tern dialect -----------------------*- C++ -*-===//
//
// Registers the ops and attributes of the dialect. The generated definitions
// live in TernAttrs.cpp and TernOps.cpp; this file only wires them together.
//
//===----------------------------------------------------------------------===//

#include "tern/Dialect/Tern/IR/TernDialect.h"
#include "tern/Dialect/Tern/IR/TernOps.h"

#include "mlir/Interfaces/DestinationStyleOpInterface.h"

#include <cmath>

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

LogicalResult TernDialect::verifyOperationAttribute(Operation *op,
                                                    NamedAttribute attr) {
  StringRef name = attr.getName().getValue();
  if (name == kScheduleAttrName) {
    if (!isa<ScheduleAttr>(attr.getValue()) ||
        op->getName().getStringRef() != "linalg.generic")
      return op->emitError() << kScheduleAttrName
                             << " must be a #tern.schedule on a "
                                "linalg.generic (a kernel)";
    return success();
  }
  if (name == kWeightsAttrName)
    return verifyWeightsInfo(op, attr.getValue());
  if (name == "tern.hls_reuse") {
    auto reuse = dyn_cast<IntegerAttr>(attr.getValue());
    if (!reuse || reuse.getInt() < 1 || reuse.getInt() > (1 << 20))
      return op->emitError("tern.hls_reuse must be an integer from 1 to "
                           "2^20 (the layer's HLS reuse factor)");
    return success();
  }
  if (name == "tern.skip_zero_input") {
    auto index = dyn_cast<IntegerAttr>(attr.getValue());
    auto dps = dyn_cast<DestinationStyleOpInterface>(op);
    if (!index || !dps || op->getName().getStringRef() != "linalg.generic")
      return op->emitError("tern.skip_zero_input must be an integer "
                           "attribute on a linalg.generic");
    int64_t i = index.getInt();
    if (i < 0 || i >= dps.getNumDpsInputs())
      return op->emitError() << "tern.skip_zero_input = " << i
                             << " names no input operand (the op has "
                             << dps.getNumDpsInputs() << ")";
    return success();
  }
  // Per-layer float attributes of linalg.matmul / tern.ternary_matmul.
  if (name == "tern.activation_threshold" || name == kActivationQuantEps ||
      name == kActivationQuantScale) {
    bool eps = name != "tern.activation_threshold";
    auto value = dyn_cast<FloatAttr>(attr.getValue());
    if (!value || (eps && !value.getType().isF32()))
      return op->emitError() << name << " must be "
                             << (eps ? "an f32" : "a float") << " attribute";
    double v = value.getValueAsDouble();
    if (!std::isfinite(v) || v < 0 || (name == kActivationQuantScale && v == 0))
      return op->emitError()
             << name << " must be a finite, "
             << (name == kActivationQuantScale ? "positive" : "non-negative")
             << " number, found " << v;
    if (!isa<TernaryMatmulOp>(op) &&
        op->getName().getStringRef() != "linalg.matmul")
      return op->emitError()
             << name
             << " applies to linalg.matmul and tern.ternary_matmul layers, not "
             << op->getName();
    return success();
  }
  return success();
}
