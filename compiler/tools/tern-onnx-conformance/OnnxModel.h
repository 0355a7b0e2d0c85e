//===- OnnxModel.h - What the runner needs to know of a model ---*- C++ -*-===//
//
// The op types a model uses (to decide whether Tern claims it), the names of
// its real inputs and its outputs (to bind test data to the compiled model's
// info table) and the declared type of each input (to choose the inputs to
// freeze at compile time). Nothing else of the model is kept.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_ONNX_CONFORMANCE_ONNXMODEL_H
#define TERN_ONNX_CONFORMANCE_ONNXMODEL_H

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace onnx {
class ModelProto;
} // namespace onnx

namespace tern::conformance {

/// The declared type of a graph input.
struct InputType {
  /// onnx::TensorProto::DataType; 0 (UNDEFINED) when not a tensor or not
  /// declared.
  int32_t elemType = 0;
  /// Whether the rank is declared; `shape` then has one entry per dimension,
  /// -1 for a symbolic or missing size.
  bool hasShape = false;
  std::vector<int64_t> shape;
};

struct ModelSummary {
  /// Op types of every node, subgraphs included. Ops of a domain other than
  /// the default one are named "domain.OpType".
  std::set<std::string> opTypes;
  /// Graph inputs that are not initializers, in graph order: the inputs a
  /// caller passes (old opsets list initializers as inputs too).
  std::vector<std::string> inputs;
  /// The declared type of each of `inputs`, in the same order.
  std::vector<InputType> inputTypes;
  /// Graph outputs in order.
  std::vector<std::string> outputs;
};

/// Parses the onnx.ModelProto in `path`. Returns an empty string on success,
/// else a message that names the file.
std::string readModelSummary(const std::string &path, ModelSummary &summary);

/// The summary of a parsed model.
ModelSummary summarizeModel(const onnx::ModelProto &model);

} // namespace tern::conformance

#endif // TERN_ONNX_CONFORMANCE_ONNXMODEL_H
