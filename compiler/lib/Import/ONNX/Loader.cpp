//===- Loader.cpp - Parse, check and shape-infer an ONNX model ------------===//
//
// Built with exceptions: onnx::checker and onnx::shape_inference throw, and
// every throw ends here as a message.
//
//===----------------------------------------------------------------------===//

#include "Loader.h"

#include "onnx/checker.h"
#include "onnx/shape_inference/implementation.h"

#include <fstream>
#include <sstream>

using namespace tern::onnx_import;

namespace {

/// Reads the bytes an external-data initializer points to and stores them
/// in raw_data, so that the rest of the importer sees one kind of tensor.
std::string inlineExternalData(onnx::TensorProto &t,
                               const std::string &modelDir) {
  std::string location;
  int64_t offset = 0, length = -1;
  for (const onnx::StringStringEntryProto &e : t.external_data()) {
    if (e.key() == "location")
      location = e.value();
    else if (e.key() == "offset")
      offset = std::stoll(e.value());
    else if (e.key() == "length")
      length = std::stoll(e.value());
  }
  if (location.empty())
    return "initializer '" + t.name() +
           "' has external data without a 'location'";
  if (location.find("..") != std::string::npos || location[0] == '/')
    return "initializer '" + t.name() + "' points to external data '" +
           location + "' outside the model's folder";
  std::string path = modelDir.empty() ? location : modelDir + "/" + location;
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return "initializer '" + t.name() +
           "': cannot open its external data "
           "file '" +
           path + "' (it must lie next to the model)";
  in.seekg(0, std::ios::end);
  int64_t size = in.tellg();
  if (offset < 0 || offset > size || (length >= 0 && offset + length > size))
    return "initializer '" + t.name() + "': external data file '" + path +
           "' has " + std::to_string(size) + " bytes, fewer than offset " +
           std::to_string(offset) + " + length " + std::to_string(length);
  if (length < 0)
    length = size - offset;
  std::string data(static_cast<size_t>(length), '\0');
  in.seekg(offset);
  in.read(data.data(), length);
  if (!in)
    return "initializer '" + t.name() + "': cannot read '" + path + "'";
  t.set_raw_data(std::move(data));
  t.clear_external_data();
  t.set_data_location(onnx::TensorProto::DEFAULT);
  return "";
}

std::string
applyInputShapes(onnx::GraphProto &graph,
                 const std::map<std::string, std::vector<int64_t>> &shapes) {
  for (const auto &[name, dims] : shapes) {
    onnx::ValueInfoProto *input = nullptr;
    for (onnx::ValueInfoProto &v : *graph.mutable_input())
      if (v.name() == name)
        input = &v;
    if (!input) {
      std::string names;
      for (const onnx::ValueInfoProto &v : graph.input())
        names += (names.empty() ? "" : ", ") + v.name();
      return "--input-shape names '" + name +
             "', which is not an input of the model (inputs: " + names + ")";
    }
    onnx::TensorShapeProto *shape =
        input->mutable_type()->mutable_tensor_type()->mutable_shape();
    shape->clear_dim();
    for (int64_t d : dims)
      shape->add_dim()->set_dim_value(d);
  }
  return "";
}

/// Adds each frozen input's value as an initializer of the same name.
std::string freezeInputs(onnx::GraphProto &graph,
                         const std::map<std::string, std::string> &frozen) {
  for (const auto &[name, path] : frozen) {
    bool isInput = false;
    for (const onnx::ValueInfoProto &v : graph.input())
      isInput |= v.name() == name;
    if (!isInput)
      return "--freeze-input names '" + name +
             "', which is not an input of the model";
    std::ifstream in(path, std::ios::binary);
    if (!in)
      return "--freeze-input " + name + ": cannot open '" + path + "'";
    std::stringstream bytes;
    bytes << in.rdbuf();
    onnx::TensorProto value;
    if (!value.ParseFromString(bytes.str()))
      return "--freeze-input " + name + ": '" + path +
             "' is not a serialized onnx.TensorProto";
    value.set_name(name);
    onnx::TensorProto *slot = nullptr;
    for (onnx::TensorProto &t : *graph.mutable_initializer())
      if (t.name() == name)
        slot = &t;
    if (!slot)
      slot = graph.add_initializer();
    *slot = value;
    // The input's declared shape now comes from the value.
    for (onnx::ValueInfoProto &v : *graph.mutable_input())
      if (v.name() == name) {
        onnx::TensorShapeProto *shape =
            v.mutable_type()->mutable_tensor_type()->mutable_shape();
        shape->clear_dim();
        for (int64_t d : value.dims())
          shape->add_dim()->set_dim_value(d);
      }
  }
  return "";
}

} // namespace

std::string tern::onnx_import::loadModel(const std::string &bytes,
                                         const LoadOptions &options,
                                         onnx::ModelProto &model) {
  if (bytes.empty())
    return "the file is empty";
  if (!model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return "not a valid ONNX protobuf (truncated or corrupt file?)";
  if (!model.has_graph())
    return "the model has no graph";
  try {
    for (onnx::TensorProto &t : *model.mutable_graph()->mutable_initializer())
      if (t.data_location() == onnx::TensorProto::EXTERNAL)
        if (std::string e = inlineExternalData(t, options.modelDir); !e.empty())
          return e;
    if (std::string e =
            applyInputShapes(*model.mutable_graph(), options.inputShapes);
        !e.empty())
      return e;
    if (std::string e =
            freezeInputs(*model.mutable_graph(), options.frozenInputs);
        !e.empty())
      return e;
    if (!options.skipChecker)
      onnx::checker::check_model(model);
  } catch (const std::exception &e) {
    return std::string("the ONNX checker rejects the model: ") + e.what();
  }
  try {
    onnx::ShapeInferenceOptions inference(/*check_type=*/false,
                                          /*strict_mode=*/0,
                                          /*data_prop=*/true);
    onnx::shape_inference::InferShapes(
        model, onnx::OpSchemaRegistry::Instance(), inference);
  } catch (const std::exception &e) {
    return std::string("ONNX shape inference failed: ") + e.what();
  }
  return "";
}
