//===- GraphRewrites.h - Rewrites on the ONNX graph before import -*- C++ -*-=//
//
// Rewrites that are easiest on the protobuf graph, before any MLIR exists:
// folding inference-mode BatchNormalization into the Conv or Gemm in front
// of it (new weights and bias initializers; the BatchNormalization becomes
// an Identity). Plain C++ on onnx protos.
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

} // namespace tern::onnx_import

#endif // TERN_IMPORT_ONNX_GRAPHREWRITES_H
