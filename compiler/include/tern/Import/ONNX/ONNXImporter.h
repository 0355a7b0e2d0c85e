//===- ONNXImporter.h - ONNX models to func + linalg on tensors -*- C++ -*-===//
//
// Reads an ONNX model (opset 7 to 17) and builds the module Tern compiles:
// one public func.func whose arguments and results carry `tern.name`, with
// linalg / tensor / arith / math ops on static tensors and the initializers
// as constants. Matrix products whose weights are constants become
// linalg.matmul with the weights in K x N layout, so that tern-raise sees
// ternary weights without any flag.
//
// Everything wrong with the input is a diagnostic at a location that names
// the file and the node ("model.onnx: node 'conv1' (Conv)"); no input
// aborts the process.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_IMPORT_ONNX_ONNXIMPORTER_H
#define TERN_IMPORT_ONNX_ONNXIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace mlir::tern {

struct ONNXImportOptions {
  /// Static shapes for inputs whose dimensions are symbolic or unknown
  /// (`--input-shape name=1x64`); also overrides known shapes.
  std::map<std::string, std::vector<int64_t>> inputShapes;
  /// Inputs fixed to a value at compile time (`--freeze-input
  /// name=value.pb`): name -> path of a serialized onnx.TensorProto. A
  /// frozen input becomes a constant, so shapes, axes or pads it carries
  /// are known to the compiler.
  std::map<std::string, std::string> frozenInputs;
  /// Name of the function to create.
  std::string functionName = "main";
  /// Skip onnx::checker (for models the checker rejects but that are
  /// otherwise well formed).
  bool skipChecker = false;
  /// Fold BatchNormalization into a preceding Conv or Gemm with constant
  /// weights when the Conv/Gemm output has no other user.
  bool foldBatchNorm = true;
};

/// Imports the ONNX model in `bytes` (the contents of `fileName`, used for
/// locations and to find external data files next to it). Returns null
/// after emitting diagnostics on failure.
OwningOpRef<ModuleOp> importONNX(llvm::StringRef bytes,
                                 llvm::StringRef fileName, MLIRContext *context,
                                 const ONNXImportOptions &options = {});

/// True if `bytes` look like an ONNX protobuf rather than MLIR text: used to
/// choose the front end when the file name does not end in `.onnx`.
bool looksLikeONNX(llvm::StringRef fileName);

/// Parses "1x64" (or "1,64") into dimensions; false on malformed text.
bool parseShape(llvm::StringRef text, std::vector<int64_t> &shape);

} // namespace mlir::tern

#endif // TERN_IMPORT_ONNX_ONNXIMPORTER_H
