//===- LinalgToKernel.h - linalg.generic to a Halide-free Kernel -*- C++
//-*-===//
//
// The MLIR half of the Halide emitter: reads one linalg.generic on tensors
// (indexing maps, iterator types, region of arith/math ops, tensor.extract
// gathers, linalg.index) and describes it as a tern::kernel::Kernel. The
// Halide half (KernelCompiler) never sees MLIR, and this file never sees
// Halide.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_TARGET_HALIDE_LINALGTOKERNEL_H
#define TERN_TARGET_HALIDE_LINALGTOKERNEL_H

#include "tern/Kernel/Kernel.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Support/LLVM.h"

namespace mlir::tern {

/// On a tensor.extract of signed integers inside a linalg.generic (the
/// index of a gather, read from memory): `{min = LO : i64, max = HI : i64,
/// message = "..."}`. The kernel checks LO <= value <= HI at run time and
/// otherwise fails with the message, a space and the value, which the
/// generated library returns as TERN_ERROR_KERNEL_FAILED with that text in
/// tern_last_error(). The ONNX importer puts it on Gather's run-time
/// indices, which ONNX requires in range.
inline constexpr llvm::StringLiteral kIndexCheckAttr = "tern.index_check";

/// A kernel plus the SSA values its buffers stand for.
struct KernelBuild {
  ::tern::kernel::Kernel kernel;
  /// The value each kernel input reads (an `ins` operand, a tensor captured
  /// by tensor.extract, or an `outs` operand whose contents are used).
  SmallVector<Value> inputs;
  /// The generic's results, one per kernel output.
  SmallVector<Value> outputs;
};

/// Translates `op` into a kernel named `name`. On failure emits an error on
/// the op (or the nested op at fault) that says what is not supported and
/// returns failure.
FailureOr<KernelBuild> buildKernel(linalg::GenericOp op, StringRef name);

/// True if `value` is the result of a "fill-like" op whose value at every
/// point is an expression of constants only: linalg.fill of a constant, or a
/// linalg.generic without tensor inputs that ignores its init. Such results
/// are folded into the init of the kernels that use them as `outs`, so they
/// never need memory of their own.
bool isFillLike(Value value);

/// True for a fill-like op every use of which is the init of a
/// linalg.generic: it is folded into those kernels and is no kernel itself.
bool isFoldedFill(Operation *op);

/// Maps an MLIR element type to a kernel scalar type; std::nullopt if the
/// kernel form cannot hold it.
std::optional<::tern::kernel::ScalarType> toScalarType(Type type);

} // namespace mlir::tern

#endif // TERN_TARGET_HALIDE_LINALGTOKERNEL_H
