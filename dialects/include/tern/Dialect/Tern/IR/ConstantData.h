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

#include <cstdint>
#include <optional>
#include <vector>

namespace mlir {
class Operation;
class ShapedType;
} // namespace mlir

namespace mlir::tern {

/// The largest tensor Tern compiles, in bytes: Halide's kernels address a
/// buffer with 32-bit byte offsets (without its large_buffers feature), so
/// no tensor, weight or activation, may reach 2 GiB.
constexpr int64_t kMaxTensorBytes = (int64_t(1) << 31) - 1;

/// The bytes a statically shaped tensor of `type` occupies (i1 as one byte
/// per element), or std::nullopt when the shape is not static or the count
/// overflows int64_t.
std::optional<int64_t> tensorBytes(ShapedType type);

/// Whether `type` is larger than kMaxTensorBytes (or too large to count).
bool exceedsTensorLimit(ShapedType type);

/// Checks every statically shaped tensor that `root` defines or takes (op
/// results and block arguments) against kMaxTensorBytes. Emits an error on
/// the first op (or function) holding a larger one, naming its type and
/// size, and fails. Run before any pass reads constants: a splat such as
/// `dense<0.5> : tensor<131072x131072xf32>` costs nothing in the IR but
/// would have to be expanded to 64 GiB to be compiled.
LogicalResult checkTensorSizes(Operation *root);

/// The attribute of `value` when it is defined by a constant-like op with a
/// ranked tensor of statically known shape; null otherwise.
ElementsAttr getConstantElements(Value value);

/// The row-major little-endian bytes of a constant whose element type is an
/// integer (i1 as one byte per element) or f16/bf16/f32/f64. Splats are
/// expanded. std::nullopt for other element types, a blob whose size does
/// not match its type, or a constant over kMaxTensorBytes.
std::optional<std::vector<char>> getConstantBytes(ElementsAttr attr);

/// The values of a floating-point constant, converted to double;
/// std::nullopt for other element types or a constant over
/// kMaxTensorBytes.
std::optional<SmallVector<double>> getConstantFloats(ElementsAttr attr);

} // namespace mlir::tern

#endif // TERN_DIALECT_TERN_IR_CONSTANTDATA_H
