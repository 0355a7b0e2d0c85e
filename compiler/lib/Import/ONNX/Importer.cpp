//===- Importer.cpp - ONNX models to func + linalg on tensors -------------===//
//
// Loads and checks the model (Loader.cpp), folds BatchNormalization into
// the layers before it (GraphRewrites.cpp), then walks the graph in order:
// initializers become compile-time constants, graph inputs become function
// arguments, and each node goes to the importer registered for its
// operator type. Graph outputs become results, each produced by a kernel.
//
//===----------------------------------------------------------------------===//

#include "tern/Import/ONNX/ONNXImporter.h"

#include "Builders.h"
#include "GraphRewrites.h"
#include "ImportContext.h"
#include "Loader.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Path.h"

using namespace mlir;
using namespace mlir::tern;
using namespace mlir::tern::onnx_import;

const OpTable &mlir::tern::onnx_import::opTable() {
  static const OpTable table = [] {
    OpTable t;
    registerElementwiseOps(t);
    registerMatMulOps(t);
    registerConvOps(t);
    registerPoolOps(t);
    registerNormalizationOps(t);
    registerReduceOps(t);
    registerShapeOps(t);
    return t;
  }();
  return table;
}

bool mlir::tern::looksLikeONNX(StringRef fileName) {
  return fileName.ends_with_insensitive(".onnx");
}

bool mlir::tern::parseShape(StringRef text, std::vector<int64_t> &shape) {
  shape.clear();
  if (text.empty())
    return false;
  SmallVector<StringRef> parts;
  text.split(parts, text.contains(',') ? ',' : 'x');
  for (StringRef p : parts) {
    int64_t d;
    if (p.trim().getAsInteger(10, d) || d < 0)
      return false;
    shape.push_back(d);
  }
  return true;
}

namespace {

/// True for element types the generated C API can pass.
bool isRuntimeType(Type t) {
  return t.isF32() || t.isF64() || t.isInteger(1) || t.isInteger(8) ||
         t.isInteger(16) || t.isInteger(32) || t.isInteger(64);
}

class Importer {
public:
  Importer(MLIRContext *ctx, StringRef fileName,
           const ONNXImportOptions &options)
      : ctx(ctx), options(options),
        state(ctx, llvm::sys::path::filename(fileName).str()),
        fileLoc(NameLoc::get(
            StringAttr::get(ctx, llvm::sys::path::filename(fileName)))) {}

  OwningOpRef<ModuleOp> run(onnx::ModelProto &model);
  Location nodeLoc(const onnx::NodeProto &node, int index);
  void noteBitLinearFolds(
      const std::vector<::tern::onnx_import::BitLinearFold> &folds) {
    for (const ::tern::onnx_import::BitLinearFold &f : folds)
      state.activationQuant[f.output] = f;
  }

private:
  LogicalResult readOpset(const onnx::ModelProto &model);
  void readInferredTypes(const onnx::GraphProto &g);
  FailureOr<RankedTensorType> inputType(const onnx::ValueInfoProto &v);
  LogicalResult importNode(const onnx::NodeProto &node, int index);
  FailureOr<Value> resultValue(const std::string &name,
                               llvm::DenseSet<Value> &returned);
  void warnNonFinite(const std::string &name, DenseElementsAttr value,
                     ArrayRef<StringRef> readers);

  MLIRContext *ctx;
  const ONNXImportOptions &options;
  GraphState state;
  Location fileLoc;
};

} // namespace

Location Importer::nodeLoc(const onnx::NodeProto &node, int index) {
  std::string name = node.name().empty() ? "#" + std::to_string(index)
                                         : "'" + node.name() + "'";
  return NameLoc::get(StringAttr::get(ctx, state.fileName + ": node " + name +
                                               " (" + node.op_type() + ")"));
}

/// NaN and infinite weights are kept (a model may mean them), but they
/// usually come from a broken export, so the user hears about them. An
/// infinity alone is no sign of one when each reader is an Add or a Where:
/// that is an attention mask (`-inf` above the diagonal, added to the
/// scores before a Softmax, or chosen by masked_fill), whose results are
/// finite.
void Importer::warnNonFinite(const std::string &name, DenseElementsAttr value,
                             ArrayRef<StringRef> readers) {
  if (!isa<FloatType>(value.getElementType()))
    return;
  int64_t nans = 0, infinities = 0;
  for (const APFloat &f : value.getValues<APFloat>()) {
    nans += f.isNaN();
    infinities += f.isInfinity();
  }
  bool maskOnly = !readers.empty() && llvm::all_of(readers, [](StringRef op) {
    return op == "Add" || op == "Where";
  });
  if (nans == 0 && (infinities == 0 || maskOnly))
    return;
  int64_t count = nans + infinities;
  emitWarning(fileLoc) << "initializer '" << name << "' has " << count
                       << " NaN or infinite value" << (count > 1 ? "s" : "")
                       << "; they are kept as they are, and results that "
                          "depend on them will be NaN or infinite";
}

LogicalResult Importer::readOpset(const onnx::ModelProto &model) {
  for (const onnx::OperatorSetIdProto &o : model.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx")
      state.opset = o.version();
  if (state.opset == 0)
    return emitError(fileLoc)
           << "the model imports no version of the default ONNX operator "
              "set";
  // Opsets above 17 were refused by the loader, before ONNX's checker.
  return success();
}

void Importer::readInferredTypes(const onnx::GraphProto &g) {
  auto add = [&](const onnx::ValueInfoProto &v) {
    if (!v.type().has_tensor_type())
      return;
    const onnx::TypeProto_Tensor &t = v.type().tensor_type();
    Type elem = elementTypeFor(ctx, t.elem_type());
    if (!elem || !t.has_shape())
      return;
    SmallVector<int64_t> shape;
    for (const onnx::TensorShapeProto_Dimension &d : t.shape().dim()) {
      // An out-of-range inferred size is ONNX's guess, not a type.
      if (!d.has_dim_value() || d.dim_value() < 0 ||
          d.dim_value() > ::tern::onnx_import::kMaxElements)
        return;
      shape.push_back(d.dim_value());
    }
    state.inferred[v.name()] = RankedTensorType::get(shape, elem);
  };
  for (const onnx::ValueInfoProto &v : g.value_info())
    add(v);
  for (const onnx::ValueInfoProto &v : g.output())
    add(v);
}

FailureOr<RankedTensorType> Importer::inputType(const onnx::ValueInfoProto &v) {
  if (!v.type().has_tensor_type())
    return emitError(fileLoc) << "input '" << v.name()
                              << "' is not a tensor (sequences, maps and "
                                 "optionals are not supported)";
  const onnx::TypeProto_Tensor &t = v.type().tensor_type();
  Type elem = elementTypeFor(ctx, t.elem_type());
  if (!elem || !isRuntimeType(elem))
    return emitError(fileLoc)
           << "input '" << v.name() << "' has element type "
           << onnxTypeName(t.elem_type())
           << ", which Tern cannot take as a model input (supported: float, "
              "double, int8, int16, int32, int64, bool)";
  if (!t.has_shape())
    return emitError(fileLoc)
           << "input '" << v.name()
           << "' has no shape; give one with --input-shape " << v.name()
           << "=DIMS (e.g. --input-shape " << v.name() << "=1x64)";
  SmallVector<int64_t> shape;
  for (int i = 0; i < t.shape().dim_size(); ++i) {
    const onnx::TensorShapeProto_Dimension &d = t.shape().dim(i);
    if (!d.has_dim_value()) {
      return emitError(fileLoc)
             << "input '" << v.name() << "' has a dynamic dimension " << i
             << (d.has_dim_param() ? " ('" + d.dim_param() + "')"
                                   : std::string())
             << "; Tern compiles static shapes: give them with "
                "--input-shape "
             << v.name() << "=DIMS (for example --input-shape " << v.name()
             << "=1x64)";
    }
    shape.push_back(d.dim_value());
  }
  return RankedTensorType::get(shape, elem);
}

LogicalResult Importer::importNode(const onnx::NodeProto &node, int index) {
  Location loc = nodeLoc(node, index);
  // The loader rejected other domains, operators and subgraphs.
  const OpTable &table = opTable();
  auto it = table.find(node.op_type());
  if (it == table.end())
    return emitError(loc) << "internal error: operator '" << node.op_type()
                          << "' is not in the importer's table but the "
                             "loader let it through";
  NodeImporter n(state, node, loc);
  if (failed(it->second(n)))
    return failure();
  // Every output must be defined, and agree with ONNX's shape inference.
  for (int i = 0; i < node.output_size(); ++i) {
    const std::string &name = node.output(i);
    if (name.empty())
      continue;
    Type have;
    if (auto v = state.values.find(name); v != state.values.end())
      have = v->second.getType();
    else if (auto c = state.constants.find(name); c != state.constants.end())
      have = c->second.getType();
    else
      return emitError(loc) << "output " << i << " ('" << name
                            << "') is not supported by Tern's importer";
    if (numElements(cast<ShapedType>(have).getShape()) >= kTooManyElements)
      return emitError(loc) << "output " << i << " ('" << name << "') would be "
                            << have << ", more than 2^40 elements";
    std::optional<RankedTensorType> inferred = n.inferredType(i);
    if (inferred && *inferred != have)
      return emitError(loc)
             << "internal error: Tern computed " << have << " for output '"
             << name << "' but ONNX shape inference says " << *inferred
             << "; please report this model";
  }
  return success();
}

FailureOr<Value> Importer::resultValue(const std::string &name,
                                       llvm::DenseSet<Value> &returned) {
  OpBuilder &b = state.builder;
  Value v;
  if (auto it = state.values.find(name); it != state.values.end())
    v = it->second;
  else if (auto c = state.constants.find(name); c != state.constants.end())
    v = constantTensor(b, fileLoc, c->second);
  else
    return emitError(fileLoc)
           << "graph output '" << name << "' is not computed by any node";
  auto type = cast<RankedTensorType>(v.getType());
  if (!isRuntimeType(type.getElementType()))
    return emitError(fileLoc) << "output '" << name << "' has element type "
                              << type.getElementType()
                              << ", which the generated C API cannot return";
  // Results are written into the caller's buffers by kernels: anything
  // else (an input, a constant, a reshape, a value returned twice) is
  // copied by one.
  if (!v.getDefiningOp<linalg::GenericOp>() || returned.contains(v)) {
    MLIRContext *c = b.getContext();
    v = parallelGeneric(
        b, fileLoc, type.getShape(), type.getElementType(), v,
        AffineMap::getMultiDimIdentityMap(type.getRank(), c),
        [](OpBuilder &, Location, ValueRange a) { return a[0]; });
  }
  returned.insert(v);
  return v;
}

OwningOpRef<ModuleOp> Importer::run(onnx::ModelProto &model) {
  if (failed(readOpset(model)))
    return {};
  onnx::GraphProto &g = *model.mutable_graph();
  if (options.foldBatchNorm)
    ::tern::onnx_import::foldBatchNorms(g);
  readInferredTypes(g);

  // The operator types that read each value.
  llvm::StringMap<SmallVector<StringRef>> readers;
  for (const onnx::NodeProto &node : g.node())
    for (const std::string &in : node.input())
      if (!in.empty())
        readers[in].push_back(node.op_type());
  for (const onnx::TensorProto &t : g.initializer()) {
    std::string error;
    DenseElementsAttr a = tensorToAttr(ctx, t, error);
    if (!a) {
      emitError(fileLoc) << "initializer: " << error;
      return {};
    }
    warnNonFinite(t.name(), a, readers.lookup(t.name()));
    state.constants[t.name()] = a;
  }

  // Inputs that are not initializers are the function's arguments.
  SmallVector<const onnx::ValueInfoProto *> inputs;
  SmallVector<Type> argTypes;
  for (const onnx::ValueInfoProto &v : g.input()) {
    if (state.constants.count(v.name()))
      continue;
    FailureOr<RankedTensorType> t = inputType(v);
    if (failed(t))
      return {};
    inputs.push_back(&v);
    argTypes.push_back(*t);
  }

  OpBuilder &b = state.builder;
  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  b.setInsertionPointToEnd(module->getBody());
  auto func = func::FuncOp::create(b, fileLoc, options.functionName,
                                   b.getFunctionType(argTypes, {}));
  Block *body = func.addEntryBlock();
  for (auto [i, v] : llvm::enumerate(inputs)) {
    state.values[v->name()] = body->getArgument(i);
    func.setArgAttr(i, "tern.name", b.getStringAttr(v->name()));
  }
  b.setInsertionPointToEnd(body);

  for (int i = 0; i < g.node_size(); ++i)
    if (failed(importNode(g.node(i), i)))
      return {};

  SmallVector<Value> results;
  llvm::DenseSet<Value> returned;
  for (const onnx::ValueInfoProto &o : g.output()) {
    FailureOr<Value> v = resultValue(o.name(), returned);
    if (failed(v))
      return {};
    results.push_back(*v);
  }
  func::ReturnOp::create(b, fileLoc, results);
  func.setType(b.getFunctionType(argTypes, ValueRange(results).getTypes()));
  for (auto [i, o] : llvm::enumerate(g.output()))
    func.setResultAttr(i, "tern.name", b.getStringAttr(o.name()));
  // The whole body, so that an importer bug is caught here, at import.
  if (failed(mlir::verify(*module)))
    return {};
  return module;
}

OwningOpRef<ModuleOp> mlir::tern::importONNX(StringRef bytes,
                                             StringRef fileName,
                                             MLIRContext *context,
                                             const ONNXImportOptions &options) {
  context->loadDialect<func::FuncDialect, arith::ArithDialect,
                       linalg::LinalgDialect, tensor::TensorDialect,
                       math::MathDialect>();
  ::tern::onnx_import::LoadOptions load;
  load.modelDir = llvm::sys::path::parent_path(fileName).str();
  load.inputShapes = options.inputShapes;
  load.skipChecker = options.skipChecker;
  load.frozenInputs = options.frozenInputs;
  for (const auto &entry : opTable())
    load.supportedOps.insert(entry.getKey().str());
  onnx::ModelProto model;
  Importer importer(context, fileName, options);
  std::vector<::tern::onnx_import::BitLinearFold> folds;
  ::tern::onnx_import::LoadError error =
      ::tern::onnx_import::loadModel(bytes.str(), load, model, &folds);
  if (error) {
    Location loc =
        error.node >= 0 && error.node < model.graph().node_size()
            ? importer.nodeLoc(model.graph().node(error.node), error.node)
            : NameLoc::get(StringAttr::get(
                  context, llvm::sys::path::filename(fileName)));
    emitError(loc) << error.message;
    return {};
  }
  importer.noteBitLinearFolds(folds);
  return importer.run(model);
}
