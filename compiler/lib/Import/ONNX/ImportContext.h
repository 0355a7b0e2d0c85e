//===- ImportContext.h - State shared by the ONNX op importers --*- C++ -*-===//
//
// GraphState holds what is known about every ONNX value while the graph is
// imported in order: its MLIR value and, for values known at compile time
// (initializers, Constant nodes, shape arithmetic), their contents. A
// NodeImporter is the view one operator importer gets: its inputs,
// attributes and outputs, a builder positioned in the function, and errors
// that name the node.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_IMPORT_ONNX_IMPORTCONTEXT_H
#define TERN_IMPORT_ONNX_IMPORTCONTEXT_H

#include "GraphRewrites.h"
#include "onnx/onnx_pb.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringMap.h"

#include <optional>
#include <string>

namespace mlir::tern::onnx_import {

/// What is known about the values of one graph.
struct GraphState {
  GraphState(MLIRContext *ctx, std::string fileName)
      : builder(ctx), fileName(std::move(fileName)) {}

  OpBuilder builder;
  std::string fileName;
  /// Values computed at run time (or constants already materialized).
  llvm::StringMap<Value> values;
  /// Values known at compile time.
  llvm::StringMap<DenseElementsAttr> constants;
  /// Static types ONNX shape inference found, per value name: checked
  /// against what the importers build.
  llvm::StringMap<RankedTensorType> inferred;
  /// Opset version of the default domain.
  int64_t opset = 0;
  /// MatMuls (by output value) whose activation quantization was taken out
  /// of the graph (foldBitLinearQuant): the importer marks their
  /// linalg.matmul `tern.activation_quant_eps` or `_scale`.
  llvm::StringMap<::tern::onnx_import::BitLinearFold> activationQuant;
};

/// Converts an ONNX element type to MLIR; null for types Tern does not
/// support (strings, complex, unsigned wider than 8 bits, ...).
Type elementTypeFor(MLIRContext *ctx, int32_t onnxType);

/// Name of an ONNX element type, for messages ("float", "uint16", ...).
std::string onnxTypeName(int32_t onnxType);

/// Reads an ONNX tensor into an attribute; returns null and sets `error`
/// for unsupported types or inconsistent sizes.
DenseElementsAttr tensorToAttr(MLIRContext *ctx, const onnx::TensorProto &t,
                               std::string &error);

class NodeImporter {
public:
  NodeImporter(GraphState &graph, const onnx::NodeProto &node, Location loc)
      : node(node), b(graph.builder), loc(loc), opset(graph.opset),
        ctx(b.getContext()), graph(graph) {}

  const onnx::NodeProto &node;
  OpBuilder &b;
  Location loc;
  int64_t opset;
  MLIRContext *ctx;

  // Inputs. An input is present when its name is not empty.
  int numInputs() const { return node.input_size(); }
  bool hasInput(int i) const {
    return i < node.input_size() && !node.input(i).empty();
  }
  /// The value of input `i`; constants are materialized. Fails (with an
  /// error) if the input is missing.
  FailureOr<Value> input(int i);
  /// Contents of input `i` if known at compile time, else null.
  DenseElementsAttr constant(int i) const;
  /// Static type of input `i` (present inputs only).
  RankedTensorType type(int i);
  /// Input `i` as a list of integers; fails with an error naming `what`
  /// if it is not a compile-time constant.
  FailureOr<SmallVector<int64_t>> constantInts(int i, StringRef what);

  // Attributes.
  const onnx::AttributeProto *attr(StringRef name) const;
  bool hasAttr(StringRef name) const { return attr(name) != nullptr; }
  int64_t intAttr(StringRef name, int64_t otherwise) const;
  float floatAttr(StringRef name, float otherwise) const;
  std::string stringAttr(StringRef name, StringRef otherwise) const;
  std::optional<SmallVector<int64_t>> intsAttr(StringRef name) const;
  std::optional<SmallVector<float>> floatsAttr(StringRef name) const;
  /// Fails naming the first attribute of the node not in `known`: an
  /// attribute the importer would ignore could change the result.
  LogicalResult checkAttributes(ArrayRef<StringRef> known);

  // Outputs.
  int numOutputs() const { return node.output_size(); }
  bool hasOutput(int i) const {
    return i < node.output_size() && !node.output(i).empty();
  }
  void setOutput(int i, Value v);
  void setConstant(int i, DenseElementsAttr value);
  /// The type ONNX shape inference found for output `i`, when static.
  std::optional<RankedTensorType> inferredType(int i) const;
  /// The activation quantization taken out of the graph in front of this
  /// node (GraphState::activationQuant), if any.
  const ::tern::onnx_import::BitLinearFold *foldedActivationQuant() const {
    auto it = node.output_size() ? graph.activationQuant.find(node.output(0))
                                 : graph.activationQuant.end();
    return it == graph.activationQuant.end() ? nullptr : &it->second;
  }

  // Errors.
  InFlightDiagnostic error() { return emitError(loc); }
  /// "<what> is not supported" as an error; returns failure.
  LogicalResult unsupported(const Twine &what);

private:
  GraphState &graph;
};

/// One importer per ONNX operator type.
using OpImporter = LogicalResult (*)(NodeImporter &);
using OpTable = llvm::StringMap<OpImporter>;

void registerElementwiseOps(OpTable &table);
void registerMatMulOps(OpTable &table);
void registerConvOps(OpTable &table);
void registerPoolOps(OpTable &table);
void registerNormalizationOps(OpTable &table);
void registerReduceOps(OpTable &table);
void registerShapeOps(OpTable &table);

/// The table of every supported operator.
const OpTable &opTable();

} // namespace mlir::tern::onnx_import

#endif // TERN_IMPORT_ONNX_IMPORTCONTEXT_H
