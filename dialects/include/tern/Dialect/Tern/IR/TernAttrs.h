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

#include <optional>
#include <string>

#include "tern/Dialect/Tern/IR/TernEnums.h.inc"

namespace mlir {
class AsmParser;
namespace tern {
/// Parses `true` or `false` (a boolean parameter of a Tern attribute).
FailureOr<bool> parseBoolField(AsmParser &parser);
} // namespace tern
} // namespace mlir

#define GET_ATTRDEF_CLASSES
#include "tern/Dialect/Tern/IR/TernAttrs.h.inc"

namespace mlir::tern {

/// The attribute of a kernel (linalg.generic) that holds its
/// #tern.schedule.
constexpr llvm::StringLiteral kScheduleAttrName = "tern.schedule";

/// What a lowering requires of the schedule of a kernel it builds, because
/// of the weight layout it chose; 0 leaves a field as it is.
struct ScheduleRequirements {
  int64_t vectorWidth = 0;
  int64_t unroll = 0;
  int64_t vectorBlocks = 0;
  int64_t dotProduct = 0;
};

/// Merges `r` into the (partial) #tern.schedule of `op`, creating it.
void requireSchedule(Operation *op, const ScheduleRequirements &r);

/// The #tern.schedule of `op`, or null.
ScheduleAttr getSchedule(Operation *op);

/// The attribute of a kernel (linalg.generic) that records the weights a
/// lowering gave it, for the efficiency report and the profile:
/// `{format = "ternary bitplane", nonzeros = N : i64, elements = E : i64}`
/// (nonzero weights, and all weights of the dense layer it replaces).
constexpr llvm::StringLiteral kWeightsAttrName = "tern.weights";

struct WeightsInfo {
  std::string format;
  int64_t nonzeros = 0;
  int64_t elements = 0;
};

/// Sets `op`'s tern.weights.
void setWeightsInfo(Operation *op, const WeightsInfo &info);

/// `op`'s tern.weights, or nullopt.
std::optional<WeightsInfo> getWeightsInfo(Operation *op);

/// Checks a tern.weights value; the error names what is wrong.
LogicalResult verifyWeightsInfo(Operation *op, Attribute value);

} // namespace mlir::tern

#endif // TERN_DIALECT_TERN_IR_TERNATTRS_H
