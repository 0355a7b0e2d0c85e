//===- OnnxModel.cpp - What the runner needs to know of a model -*- C++ -*-===//
//
// Parses model.onnx with the ONNX protobuf classes and walks its graph and
// the graphs held in node attributes (If, Loop, Scan bodies).
//
//===----------------------------------------------------------------------===//

#include "OnnxModel.h"

#include <onnx/onnx_pb.h>

#include <fstream>
#include <sstream>

using namespace tern::conformance;

static void collectOpTypes(const onnx::GraphProto &graph,
                           std::set<std::string> &ops) {
  for (const onnx::NodeProto &node : graph.node()) {
    const std::string &domain = node.domain();
    if (domain.empty() || domain == "ai.onnx")
      ops.insert(node.op_type());
    else
      ops.insert(domain + "." + node.op_type());
    for (const onnx::AttributeProto &attr : node.attribute()) {
      if (attr.has_g())
        collectOpTypes(attr.g(), ops);
      for (const onnx::GraphProto &g : attr.graphs())
        collectOpTypes(g, ops);
    }
  }
}

static InputType inputType(const onnx::ValueInfoProto &input) {
  InputType type;
  if (!input.type().has_tensor_type())
    return type;
  const onnx::TypeProto::Tensor &tensor = input.type().tensor_type();
  type.elemType = tensor.elem_type();
  type.hasShape = tensor.has_shape();
  for (const onnx::TensorShapeProto::Dimension &dim : tensor.shape().dim())
    type.shape.push_back(dim.has_dim_value() ? dim.dim_value() : -1);
  return type;
}

ModelSummary tern::conformance::summarizeModel(const onnx::ModelProto &model) {
  ModelSummary summary;
  const onnx::GraphProto &graph = model.graph();
  collectOpTypes(graph, summary.opTypes);
  std::set<std::string> initializers;
  for (const onnx::TensorProto &init : graph.initializer())
    initializers.insert(init.name());
  for (const onnx::SparseTensorProto &init : graph.sparse_initializer())
    initializers.insert(init.values().name());
  for (const onnx::ValueInfoProto &input : graph.input())
    if (!initializers.count(input.name())) {
      summary.inputs.push_back(input.name());
      summary.inputTypes.push_back(inputType(input));
    }
  for (const onnx::ValueInfoProto &output : graph.output())
    summary.outputs.push_back(output.name());
  return summary;
}

std::string tern::conformance::readModelSummary(const std::string &path,
                                                ModelSummary &summary) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return path + ": cannot open";
  std::stringstream buffer;
  buffer << in.rdbuf();
  onnx::ModelProto model;
  if (!model.ParseFromString(buffer.str()))
    return path + ": not a serialized onnx.ModelProto";

  summary = summarizeModel(model);
  return "";
}
