//===- GraphRewrites.h - Rewrites on the ONNX graph before import -*- C++ -*-=//
//
// Rewrites that are easiest on the protobuf graph, before any MLIR exists:
// folding inference-mode BatchNormalization into the Conv or Gemm in front
// of it (new weights and bias initializers; the BatchNormalization becomes
// an Identity), and taking BitLinear activation quantization out of the
// graph into the ternary layer it feeds. Plain C++ on onnx protos.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_IMPORT_ONNX_GRAPHREWRITES_H
#define TERN_IMPORT_ONNX_GRAPHREWRITES_H

#include "onnx/onnx_pb.h"

#include <string>
#include <vector>

namespace tern::onnx_import {

/// Folds every BatchNormalization it can; returns one line per fold
/// ("folded BatchNormalization 'bn1' into Conv 'conv1'").
std::vector<std::string> foldBatchNorms(onnx::GraphProto &graph);

/// One MatMul whose input quantization foldBitLinearQuant removed.
struct BitLinearFold {
  std::string output; ///< the MatMul's output value
  std::string node;   ///< its node name
  float eps = 0;      ///< BitLinear: the floor of the row's absmax
  float scale = 0;    ///< QDQ: the fixed scale (0 for BitLinear)
};

/// BitLinear (BitNet b1.58) activation quantization in front of a MatMul
/// with ternary weights (one nonzero magnitude per output, what tern-raise
/// raises):
///   s = 127 / max(ReduceMax(|x|, axes = [-1], keepdims = 1), eps)
///   a = Clip(Round(x * s), -128, 127) / s
/// (the clamp as Clip(min = eps) or Max with a constant; constants as
/// initializers or Constant nodes; every intermediate used only there);
/// or a QuantizeLinear / DequantizeLinear pair with one scalar scale and an
/// int8 zero point of 0: a = DequantizeLinear(QuantizeLinear(x, s, 0), s, 0).
/// Each such MatMul then reads x directly and the quantization nodes are
/// removed: the importer marks the layer (tern.activation_quant_eps) and
/// its int8 ternary kernel quantizes exactly so. Returns the folds.
std::vector<BitLinearFold> foldBitLinearQuant(onnx::GraphProto &graph);

} // namespace tern::onnx_import

#endif // TERN_IMPORT_ONNX_GRAPHREWRITES_H
