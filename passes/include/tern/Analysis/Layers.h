//===- Layers.h - Matmul layers with constant weights -----------*- C++ -*-===//
//
// What the weight passes (tern-ternarize, tern-prune, tern-raise,
// tern-classify-weights) share: a layer's name, the `layers=` selection
// rule, and the constant weight matrix of a `linalg.matmul` in the `N x K`
// view whatever layout the front end chose.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_ANALYSIS_LAYERS_H
#define TERN_ANALYSIS_LAYERS_H

#include "tern/Dialect/Tern/IR/TernAttrs.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"

#include <string>
#include <vector>

namespace mlir::tern {

/// "fc1" for `model.onnx: node 'fc1' (Gemm)`, "model.mlir:12:7" for a file
/// location, else the printed location. A fused location (a kernel fused
/// from several ops) names its first op's layer.
std::string layerName(Location loc);

/// "Gemm" for `model.onnx: node 'fc1' (Gemm)` (the ONNX op type); empty for
/// a location that does not say.
std::string layerOpType(Location loc);

/// True if `wanted` names the layer: its whole name, or one '/'- or
/// '.'-separated part of it (`fc2` selects PyTorch's `/fc2/Gemm`, `mlp`
/// a checkpoint's `model.layers.0.mlp.up_proj`).
bool layerMatches(StringRef name, StringRef wanted);

/// Which of `layers` a `layers=` option selects: empty = `byDefault`
/// (AllButEnds: all but the first and the last), `all`, or a comma-separated
/// list of names. A name that selects no layer is an error emitted on
/// `scope`, prefixed by `pass`.
enum class DefaultLayers { All, AllButEnds };
FailureOr<std::vector<bool>> selectLayers(ArrayRef<Operation *> layers,
                                          StringRef spec,
                                          DefaultLayers byDefault,
                                          Operation *scope, StringRef pass);

/// Where the `N x K` weight matrix of a matmul comes from.
struct WeightSource {
  Value constant;          ///< the constant holding the values
  bool transposed = false; ///< true: the constant is N x K; false: K x N
};

/// Finds the weight operand of `op` and its layout: `ins(%x, %w)` with the
/// default maps (`%w` K x N), the transposed-B maps (`%w` N x K), or a
/// linalg.transpose [1, 0] of an N x K constant; or says why not.
FailureOr<WeightSource> findWeights(linalg::MatmulOp op, std::string &why);

/// The weights of `source` as an `N x K` row-major float matrix, or failure
/// with `why` (not a constant, not a float matrix).
struct WeightMatrix {
  int64_t n = 0, k = 0;
  std::vector<float> values;
};
FailureOr<WeightMatrix> readWeights(const WeightSource &source,
                                    std::string &why);

/// Replaces the weights `op` reads by `w` (N x K), written in the layout of
/// `source`; the old constant is erased when nothing else uses it.
void replaceWeights(RewriterBase &rewriter, linalg::MatmulOp op,
                    const WeightSource &source, const WeightMatrix &w);

/// Records `info` (tern.weights) on the kernel that accumulates over a
/// layer's weights: of the reductions that `result` is computed from
/// within a few ops (through a conversion, a permutation of rows, a
/// scaling), the one with the largest iteration space. Nothing is recorded
/// when there is none.
void recordLayerWeights(Value result, const WeightsInfo &info);

/// Returns true if `init` is a linalg.fill of +0.0 or -0.0.
bool isZeroFill(Value init);

/// A linalg.fill of 0.0 into a new tensor of `type` (rows x outputs), its
/// dynamic row count taken from dimension 0 of `rows`: the init of a
/// matmul built in place of a layer.
Value zeroFilledResult(OpBuilder &b, Location loc, RankedTensorType type,
                       Value rows);

/// `x -> (x > t or x < -t or x is NaN) ? x : 0`, elementwise over the f32
/// tensor `x`: the activation threshold of tern-activation-threshold and
/// tern.activation_sparse_matmul (t = 0 keeps every nonzero and NaN).
Value buildActivationThreshold(OpBuilder &b, Location loc, Value x, float t);

} // namespace mlir::tern

#endif // TERN_ANALYSIS_LAYERS_H
