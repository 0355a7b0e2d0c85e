//===- Validate.h - Checks an ONNX graph must pass before inference -*- C++
//-*-===//
//
// Debian's ONNX 1.12 crashes inside its own shape inference on some
// malformed models (an initializer whose raw data is shorter than its
// dims, a Conv on a rank-0 tensor, a LayerNormalization axis out of
// range...), and Tern's importers assume sizes that fit in 64 bits. The
// checks here run after onnx::checker and before shape inference, so that
// such a model ends as a message that names what is wrong, never as a
// crash. Found by fuzz/ (fuzz/README.md lists each finding). Plain C++,
// built with exceptions as the rest of the loader.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_IMPORT_ONNX_VALIDATE_H
#define TERN_IMPORT_ONNX_VALIDATE_H

#include "Limits.h"

#include "onnx/defs/schema.h"
#include "onnx/onnx_pb.h"

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>

namespace tern::onnx_import {

/// What went wrong, and at which node (-1: the model as a whole).
struct LoadError {
  std::string message;
  int node = -1;
  explicit operator bool() const { return !message.empty(); }
};

/// Bytes the raw data of `t` must have, from its dims and element type;
/// -1 for an invalid dim, more than kMaxElements elements, or an element
/// type without a fixed size.
int64_t tensorDataBytes(const onnx::TensorProto &t);

/// Empty if the data of `t` (raw, typed or external with an explicit
/// length) matches its dims and element type; else what does not.
std::string checkTensorData(const onnx::TensorProto &t);

/// Checks, before ONNX shape inference runs on `graph`: every node is of
/// the default domain, in `supportedOps` (when not empty) and holds no
/// subgraph; every initializer and Constant value holds as many values as
/// its dims say; every graph input has dims in [0, 2^40] and at most 2^40
/// elements, and a graph output that is an input declares the same shape.
/// Declared dims of outputs and value_info outside [0, 2^40] are dropped
/// (made unknown): ONNX infers them again.
LoadError validateGraph(onnx::GraphProto &graph,
                        const std::set<std::string> &supportedOps);

/// Checks, before onnx::checker, that every node input is a graph input,
/// an initializer or some node's output: ONNX's checker reports a missing
/// one (a weight deleted from the initializers) as a topological-sort
/// problem, which misleads. Inputs computed by a later node are left to the
/// checker, whose message is right for them.
LoadError checkDefinedInputs(const onnx::GraphProto &graph);

/// The default ONNX schema registry, with the rank, axis and stride rules
/// of the ONNX specification checked in front of the inference functions
/// that ONNX 1.12 runs unchecked (Conv, ConvTranspose, the pools, Gemm,
/// LayerNormalization, and the operators that take a shape as an input).
/// A rule that fails throws ONNX's InferenceError, which non-strict
/// inference records and moves past: the node gets no inferred type, and
/// Tern's importer judges it with its own message.
class GuardedSchemaRegistry final : public onnx::ISchemaRegistry {
public:
  const onnx::OpSchema *
  GetSchema(const std::string &key, const int maxInclusiveVersion,
            const std::string &domain = onnx::ONNX_DOMAIN) const override;

private:
  mutable std::map<const onnx::OpSchema *, std::unique_ptr<onnx::OpSchema>>
      guarded;
};

} // namespace tern::onnx_import

#endif // TERN_IMPORT_ONNX_VALIDATE_H
