//===- LMImporter.h - Language-model checkpoints to MLIR --------*- C++ -*-===//
//
// The checkpoint front end: a Hugging Face folder (config.json +
// *.safetensors) or a GGUF file becomes a func.func over linalg and tern
// ops, as the ONNX importer's output would, with ternary projections handed
// to tern.ternary_matmul already packed (never expanded to float).
//
// What is built today is the model over a fixed window of `seqLen` tokens:
// `NAME(tokens: tensor<seqLen x i32>) -> logits: tensor<seqLen x vocab x
// f32>`, causal, so the logits at position p depend on tokens 0..p only
// and a shorter prompt may be padded after its end. The step API with a KV
// cache is the next layer (issue 22).
//
//===----------------------------------------------------------------------===//

#ifndef TERN_IMPORT_LM_LMIMPORTER_H
#define TERN_IMPORT_LM_LMIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <cstdint>
#include <string>

namespace mlir::tern {

struct LMImportOptions {
  std::string functionName = "lm";
  int64_t seqLen = 0; ///< 0: the checkpoint's context length, at most 128
};

/// True for a directory with config.json, or a GGUF file.
bool looksLikeLanguageModel(const std::string &path);

/// Reads the checkpoint at `path` and builds the model; errors are emitted
/// on a location naming the file, and the result is null.
OwningOpRef<ModuleOp> importLanguageModel(const std::string &path,
                                          MLIRContext *context,
                                          const LMImportOptions &options);

} // namespace mlir::tern

#endif // TERN_IMPORT_LM_LMIMPORTER_H
