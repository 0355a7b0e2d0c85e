//===- ConstantData.h - Reading the bytes of tensor constants ---*- C++ -*-===//
//
// Weights arrive as `arith.constant` with a dense literal or a
// `dense_resource` blob. Both the raising passes (which inspect values) and
// the model builder (which copies bytes into the weight blob) need them as
// plain arrays; this is the one place that knows both storage forms.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_DIALECT_TERN_IR_CONSTANTDATA_H
#define TERN_DIALECT_TERN_IR_CONSTANTDATA_H

#include "mlir/IR/BuiltinAttributeInterfaces.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <vector>

namespace mlir::tern {

/// The attribute of `value` when it is defined by a constant-like op with a
/// ranked tensor of statically known shape; null otherwise.
ElementsAttr getConstantElements(Value value);

/// The row-major little-endian bytes of a constant whose element type is an
/// integer (i1 as one byte per element) or f16/bf16/f32/f64. Splats are
/// expanded. std::nullopt for other element types or a blob whose size does
/// not match its type.
std::optional<std::vector<char>> getConstantBytes(ElementsAttr attr);

/// The values of a floating-point constant, converted to double.
std::optional<SmallVector<double>> getConstantFloats(ElementsAttr attr);

} // namespace mlir::tern

#endif // TERN_DIALECT_TERN_IR_CONSTANTDATA_H
