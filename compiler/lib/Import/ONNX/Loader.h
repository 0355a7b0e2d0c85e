//===- Loader.h - Parse, check and shape-infer an ONNX model ----*- C++ -*-===//
//
// The only part of the importer that calls into ONNX's checker and shape
// inference, which report errors by throwing: Loader.cpp is built with
// exceptions and turns each into a message. Plain C++, no MLIR.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_IMPORT_ONNX_LOADER_H
#define TERN_IMPORT_ONNX_LOADER_H

#include "Validate.h"

#include "GraphRewrites.h"
#include "onnx/onnx_pb.h"

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace tern::onnx_import {

struct LoadOptions {
  /// Folder that external data paths are relative to.
  std::string modelDir;
  /// Shapes given by the user for graph inputs.
  std::map<std::string, std::vector<int64_t>> inputShapes;
  /// Inputs to turn into initializers: name -> TensorProto file.
  std::map<std::string, std::string> frozenInputs;
  /// Operators the importer has: any other is rejected before ONNX's
  /// shape inference runs on it (empty: no check).
  std::set<std::string> supportedOps;
  bool skipChecker = false;
};

/// Parses `bytes` into `model`, reads external initializer data into the
/// model, applies `inputShapes`, runs onnx::checker, takes BitLinear
/// activation quantization out of the graph (foldBitLinearQuant, whose
/// folds go to `bitLinear` when given) and runs shape inference.
/// Returns an empty LoadError on success, else what went wrong and where.
LoadError loadModel(const std::string &bytes, const LoadOptions &options,
                    onnx::ModelProto &model,
                    std::vector<BitLinearFold> *bitLinear = nullptr);

} // namespace tern::onnx_import

#endif // TERN_IMPORT_ONNX_LOADER_H
