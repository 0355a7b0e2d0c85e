//===- Builders.h - linalg building blocks for the ONNX importers -*- C++ -*-=//
//
// The importers express every operator with a few shapes of linalg.generic:
// elementwise over numpy-broadcast inputs, reductions over some axes,
// gathers through tensor.extract, and reshapes through
// tensor.collapse_shape / tensor.expand_shape. These helpers build them, and
// the scalar arithmetic inside them, for float and integer element types.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_IMPORT_ONNX_BUILDERS_H
#define TERN_IMPORT_ONNX_BUILDERS_H

#include "Limits.h"

#include "mlir/IR/AffineMap.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace mlir::tern::onnx_import {

class NodeImporter;

/// Builds the scalar body of a generic: gets the block arguments (one per
/// input, then the accumulator for reductions) and returns the result.
using BodyFn =
    llvm::function_ref<Value(OpBuilder &, Location, ValueRange args)>;

/// Element count of a static shape.
/// Element counts above kMaxElements (Limits.h) saturate to this value, so
/// that computing a size never overflows.
constexpr int64_t kTooManyElements = ::tern::onnx_import::kMaxElements + 1;

/// The product of `shape`, saturating at kTooManyElements; -1 if a
/// dimension is negative (dynamic).
int64_t numElements(ArrayRef<int64_t> shape);
/// a * b for element counts, saturating as numElements does.
int64_t mulElements(int64_t a, int64_t b);
/// `v` as an int64_t rounded toward zero, saturating; NaN becomes 0 (a float
/// where ONNX wants an integer must not be undefined behaviour).
int64_t saturatingToInt(double v);

/// Normalizes a possibly negative axis; false if out of [-rank, rank).
bool normalizeAxis(int64_t &axis, int64_t rank);

/// tensor.empty of the given shape.
Value emptyTensor(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                  Type elementType);

/// arith.constant holding `value`.
Value constantTensor(OpBuilder &b, Location loc, DenseElementsAttr value);

/// Scalar constant of `type` (float or integer, i1 included).
Value scalarConstant(OpBuilder &b, Location loc, Type type, double value);

/// The numpy broadcast of `shapes`, or failure if they do not broadcast.
FailureOr<SmallVector<int64_t>>
broadcastShapes(ArrayRef<SmallVector<int64_t>> shapes);

/// The map reading an input of shape `in` inside an iteration space of
/// rank `outRank` aligned at the right (numpy broadcasting): size-1 input
/// dimensions read index 0.
AffineMap broadcastMap(MLIRContext *ctx, ArrayRef<int64_t> in,
                       ArrayRef<int64_t> out);

/// All-parallel generic producing a tensor of `shape` x `elementType`.
Value parallelGeneric(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                      Type elementType, ValueRange inputs,
                      ArrayRef<AffineMap> inputMaps, BodyFn body);

/// Elementwise op over numpy-broadcast inputs. Fails with an error on the
/// node if the shapes do not broadcast.
FailureOr<Value> elementwise(NodeImporter &n, ValueRange inputs,
                             Type resultType, BodyFn body);

/// Generic with an iteration space of `loopSizes`, where `reduced[d]` marks
/// reduction loops; the result has the sizes of the parallel loops, in
/// order, and starts at `init`. The body gets the inputs then the
/// accumulator.
Value reductionGeneric(OpBuilder &b, Location loc, ArrayRef<int64_t> loopSizes,
                       ArrayRef<bool> reduced, Type elementType, TypedAttr init,
                       ValueRange inputs, ArrayRef<AffineMap> inputMaps,
                       BodyFn body);

/// Reduces `input` over `axes` (normalized, sorted). The body gets the
/// element of `input` (then of every `extra` input, read through the same
/// iteration space with `extraMaps`) and the accumulator. The result has
/// the reduced dimensions removed (keepDims = false) or kept as 1.
Value reduce(OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> axes,
             bool keepDims, TypedAttr init, BodyFn body, ValueRange extra = {},
             ArrayRef<AffineMap> extraMaps = {});

/// `value / divisor` elementwise (the mean after a sum).
Value divideBy(OpBuilder &b, Location loc, Value value, double divisor);

/// Reshapes (same element count) through collapse/expand; no-op if equal.
Value reshape(OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> shape);

/// Permutes the dimensions: result dim i is input dim perm[i].
Value transpose(OpBuilder &b, Location loc, Value input,
                ArrayRef<int64_t> perm);

/// Converts a scalar between element types with ONNX Cast semantics
/// (float to int truncates toward zero, to bool is `!= 0`).
Value convertScalar(OpBuilder &b, Location loc, Value v, Type to);

/// Scalar arithmetic choosing the float or integer op from the type.
Value add(OpBuilder &b, Location loc, Value x, Value y);
Value sub(OpBuilder &b, Location loc, Value x, Value y);
Value mul(OpBuilder &b, Location loc, Value x, Value y);
Value div(OpBuilder &b, Location loc, Value x, Value y);
/// NaN-propagating maximum/minimum for floats, signed for integers.
Value maximum(OpBuilder &b, Location loc, Value x, Value y);
Value minimum(OpBuilder &b, Location loc, Value x, Value y);
/// Comparison: kind is "eq", "lt", "gt", "le", "ge" (ordered for floats).
Value compare(OpBuilder &b, Location loc, StringRef kind, Value x, Value y);
Value select(OpBuilder &b, Location loc, Value c, Value x, Value y);
/// A float constant of the type of `like`.
Value floatLike(OpBuilder &b, Location loc, Value like, double value);

/// Index arithmetic in generic bodies.
Value indexConstant(OpBuilder &b, Location loc, int64_t value);
Value loopIndex(OpBuilder &b, Location loc, unsigned dim);
/// clamp(v, lo, hi) on index values.
Value clampIndex(OpBuilder &b, Location loc, Value v, int64_t lo, int64_t hi);

/// Host-side transpose of a constant (any element type).
DenseElementsAttr transposeAttr(DenseElementsAttr value,
                                ArrayRef<int64_t> perm);

/// Integer contents of a constant (any integer or float type).
SmallVector<int64_t> attrInts(DenseElementsAttr value);
/// Float contents of a constant (any integer or float type).
SmallVector<double> attrDoubles(DenseElementsAttr value);
/// Builds a constant of `type` from doubles (integer types round toward 0).
DenseElementsAttr attrFromDoubles(RankedTensorType type,
                                  ArrayRef<double> values);
/// Builds an i64 constant.
DenseElementsAttr attrFromInts(MLIRContext *ctx, ArrayRef<int64_t> shape,
                               ArrayRef<int64_t> values, Type elementType = {});

} // namespace mlir::tern::onnx_import

#endif // TERN_IMPORT_ONNX_BUILDERS_H
