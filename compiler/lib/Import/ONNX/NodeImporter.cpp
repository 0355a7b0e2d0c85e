//===- NodeImporter.cpp - Inputs, attributes, outputs of one node ---------===//

#include "Builders.h"
#include "ImportContext.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include <cstring>

using namespace mlir;
using namespace mlir::tern::onnx_import;

Type mlir::tern::onnx_import::elementTypeFor(MLIRContext *ctx,
                                             int32_t onnxType) {
  switch (onnxType) {
  case onnx::TensorProto::FLOAT:
    return Float32Type::get(ctx);
  case onnx::TensorProto::DOUBLE:
    return Float64Type::get(ctx);
  case onnx::TensorProto::FLOAT16:
    return Float16Type::get(ctx);
  case onnx::TensorProto::INT8:
    return IntegerType::get(ctx, 8);
  case onnx::TensorProto::INT16:
    return IntegerType::get(ctx, 16);
  case onnx::TensorProto::INT32:
    return IntegerType::get(ctx, 32);
  case onnx::TensorProto::INT64:
    return IntegerType::get(ctx, 64);
  case onnx::TensorProto::BOOL:
    return IntegerType::get(ctx, 1);
  default:
    return {};
  }
}

std::string mlir::tern::onnx_import::onnxTypeName(int32_t onnxType) {
  if (onnx::TensorProto_DataType_IsValid(onnxType))
    return llvm::StringRef(onnx::TensorProto_DataType_Name(onnxType)).lower();
  return "type " + std::to_string(onnxType);
}

DenseElementsAttr mlir::tern::onnx_import::tensorToAttr(
    MLIRContext *ctx, const onnx::TensorProto &t, std::string &error) {
  Type elem = elementTypeFor(ctx, t.data_type());
  if (!elem) {
    error = "tensor '" + t.name() + "' has element type " +
            onnxTypeName(t.data_type()) +
            ", which is not supported (supported: float, double, float16, "
            "int8, int16, int32, int64, bool)";
    return {};
  }
  SmallVector<int64_t> shape;
  int64_t n = 1;
  for (int64_t d : t.dims()) {
    if (d < 0 || (d > 0 && n > ::tern::onnx_import::kMaxElements / d)) {
      error = "tensor '" + t.name() + "' has an invalid dimension " +
              std::to_string(d);
      return {};
    }
    shape.push_back(d);
    n *= d;
  }
  auto type = RankedTensorType::get(shape, elem);
  size_t bytes = elem.isInteger(1) ? 1 : elem.getIntOrFloatBitWidth() / 8;
  auto wrongCount = [&](size_t have) {
    error = "tensor '" + t.name() + "' has " + std::to_string(have) +
            " values for shape with " + std::to_string(n) + " elements";
    return DenseElementsAttr();
  };
  if (t.has_raw_data()) {
    const std::string &raw = t.raw_data();
    if (raw.size() != static_cast<size_t>(n) * bytes)
      return wrongCount(raw.size() / bytes);
    if (elem.isInteger(1)) {
      SmallVector<bool> v(raw.begin(), raw.end());
      for (size_t i = 0; i < v.size(); ++i)
        v[i] = raw[i] != 0;
      return DenseElementsAttr::get(type, ArrayRef<bool>(v));
    }
    return DenseElementsAttr::getFromRawBuffer(
        type, ArrayRef<char>(raw.data(), raw.size()));
  }
  // Typed fields. An empty repeated field's data() may be null, which
  // memcpy must not see even for 0 bytes.
  std::vector<char> buf(static_cast<size_t>(n) * bytes);
  auto copyBytes = [](std::vector<char> &to, const void *from) {
    if (!to.empty())
      std::memcpy(to.data(), from, to.size());
  };
  switch (t.data_type()) {
  case onnx::TensorProto::FLOAT:
    if (t.float_data_size() != n)
      return wrongCount(t.float_data_size());
    copyBytes(buf, t.float_data().data());
    break;
  case onnx::TensorProto::DOUBLE:
    if (t.double_data_size() != n)
      return wrongCount(t.double_data_size());
    copyBytes(buf, t.double_data().data());
    break;
  case onnx::TensorProto::INT64:
    if (t.int64_data_size() != n)
      return wrongCount(t.int64_data_size());
    copyBytes(buf, t.int64_data().data());
    break;
  case onnx::TensorProto::BOOL: {
    if (t.int32_data_size() != n)
      return wrongCount(t.int32_data_size());
    SmallVector<bool> v;
    for (int32_t x : t.int32_data())
      v.push_back(x != 0);
    return DenseElementsAttr::get(type, ArrayRef<bool>(v));
  }
  default: {
    // int8, int16, int32 and float16 (as bits) live in int32_data.
    if (t.int32_data_size() != n)
      return wrongCount(t.int32_data_size());
    for (int64_t i = 0; i < n; ++i) {
      int32_t x = t.int32_data(i);
      std::memcpy(&buf[i * bytes], &x, bytes); // little endian
    }
    break;
  }
  }
  return DenseElementsAttr::getFromRawBuffer(type, buf);
}

FailureOr<Value> NodeImporter::input(int i) {
  if (!hasInput(i)) {
    error() << "input " << i << " is required";
    return failure();
  }
  const std::string &name = node.input(i);
  auto it = graph.values.find(name);
  if (it != graph.values.end())
    return it->second;
  auto c = graph.constants.find(name);
  if (c == graph.constants.end()) {
    error() << "input '" << name << "' is not defined before this node";
    return failure();
  }
  // Materialize at the start of the function so every later use sees it.
  OpBuilder::InsertionGuard guard(b);
  Block *body = b.getInsertionBlock();
  b.setInsertionPointToStart(body);
  Value v = constantTensor(b, loc, c->second);
  graph.values[name] = v;
  return v;
}

DenseElementsAttr NodeImporter::constant(int i) const {
  if (!hasInput(i))
    return {};
  auto c = graph.constants.find(node.input(i));
  return c == graph.constants.end() ? DenseElementsAttr() : c->second;
}

RankedTensorType NodeImporter::type(int i) {
  if (!hasInput(i))
    return {};
  if (DenseElementsAttr c = constant(i))
    return cast<RankedTensorType>(c.getType());
  auto it = graph.values.find(node.input(i));
  if (it == graph.values.end())
    return {};
  return cast<RankedTensorType>(it->second.getType());
}

FailureOr<SmallVector<int64_t>> NodeImporter::constantInts(int i,
                                                           StringRef what) {
  DenseElementsAttr c = constant(i);
  if (!c) {
    error() << what << " (input " << i << ", '"
            << (hasInput(i) ? node.input(i) : std::string()) << "') must be "
            << "known at compile time (a constant, an initializer or shape "
               "arithmetic on static shapes)";
    return failure();
  }
  if (!isa<IntegerType>(c.getElementType())) {
    error() << what << " must be an integer tensor";
    return failure();
  }
  return attrInts(c);
}

const onnx::AttributeProto *NodeImporter::attr(StringRef name) const {
  for (const onnx::AttributeProto &a : node.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

int64_t NodeImporter::intAttr(StringRef name, int64_t otherwise) const {
  const onnx::AttributeProto *a = attr(name);
  return a ? a->i() : otherwise;
}

float NodeImporter::floatAttr(StringRef name, float otherwise) const {
  const onnx::AttributeProto *a = attr(name);
  return a ? a->f() : otherwise;
}

std::string NodeImporter::stringAttr(StringRef name,
                                     StringRef otherwise) const {
  const onnx::AttributeProto *a = attr(name);
  return a ? a->s() : otherwise.str();
}

std::optional<SmallVector<int64_t>>
NodeImporter::intsAttr(StringRef name) const {
  const onnx::AttributeProto *a = attr(name);
  if (!a)
    return std::nullopt;
  return SmallVector<int64_t>(a->ints().begin(), a->ints().end());
}

std::optional<SmallVector<float>>
NodeImporter::floatsAttr(StringRef name) const {
  const onnx::AttributeProto *a = attr(name);
  if (!a)
    return std::nullopt;
  return SmallVector<float>(a->floats().begin(), a->floats().end());
}

LogicalResult NodeImporter::checkAttributes(ArrayRef<StringRef> known) {
  for (const onnx::AttributeProto &a : node.attribute())
    if (!llvm::is_contained(known, a.name())) {
      error() << "attribute '" << a.name() << "' is not supported by Tern's "
              << node.op_type() << " importer";
      return failure();
    }
  return success();
}

void NodeImporter::setOutput(int i, Value v) {
  if (hasOutput(i))
    graph.values[node.output(i)] = v;
}

void NodeImporter::setConstant(int i, DenseElementsAttr value) {
  if (hasOutput(i))
    graph.constants[node.output(i)] = value;
}

std::optional<RankedTensorType> NodeImporter::inferredType(int i) const {
  if (!hasOutput(i))
    return std::nullopt;
  auto it = graph.inferred.find(node.output(i));
  if (it == graph.inferred.end())
    return std::nullopt;
  return it->second;
}

LogicalResult NodeImporter::unsupported(const Twine &what) {
  error() << what << " is not supported";
  return failure();
}
