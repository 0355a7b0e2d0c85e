//===- Loader.cpp - Parse, check and shape-infer an ONNX model ------------===//
//
// Built with exceptions: onnx::checker and onnx::shape_inference throw, and
// every throw ends here as a message.
//
//===----------------------------------------------------------------------===//

#include "Loader.h"
#include "Validate.h"

#include "onnx/checker.h"
#include "onnx/shape_inference/implementation.h"

#include <fstream>
#include <sstream>
#include <sys/stat.h>

using namespace tern::onnx_import;

namespace {

/// Reads the bytes an external-data initializer points to and stores them
/// in raw_data, so that the rest of the importer sees one kind of tensor.
std::string inlineExternalData(onnx::TensorProto &t,
                               const std::string &modelDir) {
  std::string location;
  int64_t offset = 0, length = -1;
  auto number = [](const std::string &text, int64_t &out) {
    if (text.empty() || text.size() > 18 ||
        text.find_first_not_of("0123456789") != std::string::npos)
      return false;
    out = std::stoll(text);
    return true;
  };
  for (const onnx::StringStringEntryProto &e : t.external_data()) {
    if (e.key() == "location")
      location = e.value();
    else if ((e.key() == "offset" && !number(e.value(), offset)) ||
             (e.key() == "length" && !number(e.value(), length)))
      return "initializer '" + t.name() + "': external data " + e.key() + " '" +
             e.value() + "' is not a non-negative integer";
  }
  if (location.empty())
    return "initializer '" + t.name() +
           "' has external data without a 'location'";
  bool escapes = location[0] == '/' || location == ".." ||
                 location.rfind("../", 0) == 0 ||
                 location.find("/../") != std::string::npos ||
                 (location.size() >= 3 &&
                  location.compare(location.size() - 3, 3, "/..") == 0);
  if (escapes)
    return "initializer '" + t.name() + "' points to external data '" +
           location + "' outside the model's folder";
  std::string path = modelDir.empty() ? location : modelDir + "/" + location;
  // A folder opens as a stream of "huge" size: ask the file system first.
  struct stat info;
  if (::stat(path.c_str(), &info) != 0)
    return "initializer '" + t.name() +
           "': cannot open its external data "
           "file '" +
           path + "' (it must lie next to the model)";
  if (!S_ISREG(info.st_mode))
    return "initializer '" + t.name() + "': external data '" + path +
           "' is not a regular file";
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return "initializer '" + t.name() +
           "': cannot open its external data "
           "file '" +
           path + "'";
  int64_t size = static_cast<int64_t>(info.st_size);
  // The bytes must be exactly what the dims and the type say: compared
  // before anything is allocated, and before ONNX parses them.
  int64_t want = tensorDataBytes(t);
  if (want < 0)
    return "initializer '" + t.name() +
           "': external data needs a fixed-size element type and valid dims";
  if (offset > size)
    return "initializer '" + t.name() + "': external data file '" + path +
           "' has " + std::to_string(size) + " bytes, fewer than offset " +
           std::to_string(offset);
  if (length < 0)
    length = size - offset;
  if (length != want)
    return "initializer '" + t.name() + "': external data has " +
           std::to_string(length) + " bytes, its type and dims need " +
           std::to_string(want);
  if (offset + length > size)
    return "initializer '" + t.name() + "': external data file '" + path +
           "' has " + std::to_string(size) + " bytes, fewer than offset " +
           std::to_string(offset) + " + length " + std::to_string(length);
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

/// Static shape of `name` from the graph's inputs and value_info, or empty.
std::vector<int64_t> knownShape(const onnx::GraphProto &g,
                                const std::string &name) {
  auto read = [](const onnx::ValueInfoProto &v) {
    std::vector<int64_t> dims;
    if (!v.type().tensor_type().has_shape())
      return dims;
    for (const auto &d : v.type().tensor_type().shape().dim()) {
      if (!d.has_dim_value())
        return std::vector<int64_t>();
      dims.push_back(d.dim_value());
    }
    return dims;
  };
  for (const onnx::ValueInfoProto &v : g.input())
    if (v.name() == name)
      return read(v);
  for (const onnx::ValueInfoProto &v : g.value_info())
    if (v.name() == name)
      return read(v);
  return {};
}

/// A ceil_mode pool whose last window would start inside the right padding
/// has one output fewer under PyTorch's rule (which later ONNX versions
/// adopted) than under ONNX 1.12's shape inference. Where dropping those
/// windows gives exactly the floor_mode sizes, the pool is rewritten to
/// ceil_mode=0, which both agree on. Returns true if anything changed.
bool settleCeilModePools(onnx::GraphProto &g, const onnx::GraphProto &shapes) {
  bool changed = false;
  for (onnx::NodeProto &node : *g.mutable_node()) {
    if ((node.op_type() != "MaxPool" && node.op_type() != "AveragePool") ||
        !node.domain().empty() || node.input_size() < 1)
      continue;
    onnx::AttributeProto *ceil = nullptr;
    std::vector<int64_t> kernel, strides, pads, dilations;
    bool explicitPads = true;
    for (onnx::AttributeProto &a : *node.mutable_attribute()) {
      if (a.name() == "ceil_mode")
        ceil = &a;
      else if (a.name() == "kernel_shape")
        kernel.assign(a.ints().begin(), a.ints().end());
      else if (a.name() == "strides")
        strides.assign(a.ints().begin(), a.ints().end());
      else if (a.name() == "pads")
        pads.assign(a.ints().begin(), a.ints().end());
      else if (a.name() == "dilations")
        dilations.assign(a.ints().begin(), a.ints().end());
      else if (a.name() == "auto_pad" && a.s() != "NOTSET")
        explicitPads = false;
    }
    if (!ceil || ceil->i() == 0 || !explicitPads)
      continue;
    std::vector<int64_t> in = knownShape(shapes, node.input(0));
    size_t r = kernel.size();
    if (in.size() != r + 2)
      continue;
    bool drops = false, sameAsFloor = true;
    for (size_t d = 0; d < r; ++d) {
      int64_t s = d < strides.size() ? strides[d] : 1;
      int64_t dil = d < dilations.size() ? dilations[d] : 1;
      int64_t pb = pads.size() == 2 * r ? pads[d] : 0;
      int64_t pe = pads.size() == 2 * r ? pads[d + r] : 0;
      int64_t span = in[d + 2] + pb + pe - ((kernel[d] - 1) * dil + 1);
      if (span < 0 || s < 1)
        return changed;
      int64_t up = (span + s - 1) / s + 1, floor = span / s + 1;
      int64_t settled = (up - 1) * s >= in[d + 2] + pb ? up - 1 : up;
      drops |= settled != up;
      sameAsFloor &= settled == floor;
    }
    if (drops && sameAsFloor) {
      ceil->set_i(0);
      changed = true;
    }
  }
  return changed;
}

} // namespace

LoadError tern::onnx_import::loadModel(const std::string &bytes,
                                       const LoadOptions &options,
                                       onnx::ModelProto &model,
                                       std::vector<BitLinearFold> *bitLinear) {
  if (bytes.empty())
    return {"the file is empty"};
  if (!model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return {"not a valid ONNX protobuf (truncated or corrupt file?)"};
  if (!model.has_graph())
    return {"the model has no graph"};
  try {
    for (onnx::TensorProto &t : *model.mutable_graph()->mutable_initializer())
      if (t.data_location() == onnx::TensorProto::EXTERNAL)
        if (std::string e = inlineExternalData(t, options.modelDir); !e.empty())
          return {e};
    if (std::string e =
            applyInputShapes(*model.mutable_graph(), options.inputShapes);
        !e.empty())
      return {e};
    if (std::string e =
            freezeInputs(*model.mutable_graph(), options.frozenInputs);
        !e.empty())
      return {e};
    // ONNX 1.12 knows opsets up to 17; newer ones would reach its checker
    // and inference with schemas it does not have.
    for (const onnx::OperatorSetIdProto &o : model.opset_import())
      if ((o.domain().empty() || o.domain() == "ai.onnx") && o.version() > 17)
        return {"opset " + std::to_string(o.version()) +
                " is newer than Tern supports (7 to 17); export with "
                "opset_version=17 or lower"};
    if (LoadError e = checkDefinedInputs(model.graph()))
      return e;
    if (!options.skipChecker)
      onnx::checker::check_model(model);
  } catch (const std::exception &e) {
    return {std::string("the ONNX checker rejects the model: ") + e.what()};
  }
  // Before the operator check: the quantization nodes of a BitLinear layer
  // (Round among them) leave the graph here.
  std::vector<BitLinearFold> folds = foldBitLinearQuant(*model.mutable_graph());
  if (bitLinear)
    *bitLinear = folds;
  // What ONNX's shape inference would crash on, or Tern rejects anyway.
  if (LoadError e = validateGraph(*model.mutable_graph(), options.supportedOps))
    return e;
  try {
    onnx::ShapeInferenceOptions inference(/*check_type=*/false,
                                          /*strict_mode=*/0,
                                          /*data_prop=*/true);
    GuardedSchemaRegistry schemas;
    bool ceilPools = false;
    for (const onnx::NodeProto &n : model.graph().node())
      for (const onnx::AttributeProto &a : n.attribute())
        ceilPools |= a.name() == "ceil_mode" && a.i() != 0;
    if (ceilPools) {
      // Pool input shapes come from a first inference on a copy.
      onnx::ModelProto probe = model;
      onnx::shape_inference::InferShapes(probe, &schemas, inference);
      // Output shapes the exporter wrote under the old rule are recomputed.
      if (settleCeilModePools(*model.mutable_graph(), probe.graph()))
        for (onnx::ValueInfoProto &o : *model.mutable_graph()->mutable_output())
          o.mutable_type()->mutable_tensor_type()->clear_shape();
    }
    onnx::shape_inference::InferShapes(model, &schemas, inference);
  } catch (const std::exception &e) {
    return {std::string("ONNX shape inference failed: ") + e.what()};
  }
  return {};
}
