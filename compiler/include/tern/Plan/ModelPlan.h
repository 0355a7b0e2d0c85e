//===- ModelPlan.h - A compiled model before code generation ----*- C++ -*-===//
//
// What the model builder (MLIR side) decides and the library writer (plain
// C++) prints: the model's inputs and outputs, the unique kernels, the order
// in which they run, where every tensor lives (caller's buffers, the weight
// blob, or an offset in the activation arena) and the weight bytes. Like
// Kernel.h it holds no MLIR and no Halide types, so each side can be tested
// and changed alone.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_PLAN_MODELPLAN_H
#define TERN_PLAN_MODELPLAN_H

#include "tern/Kernel/Kernel.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tern::plan {

/// Where a tensor's bytes are.
struct Storage {
  enum Kind {
    Input,  ///< the caller's input `index`
    Output, ///< the caller's output `index`
    Weight, ///< the weight blob at `offset`
    Arena   ///< the model's activation arena at `offset`
  };
  Kind kind = Arena;
  int index = 0;
  int64_t offset = 0;
};

/// A tensor as a kernel sees it: storage plus shape and element type.
struct View {
  Storage storage;
  kernel::ScalarType type;
  std::vector<int64_t> shape; ///< row-major
};

/// One input or output of the model.
struct Port {
  std::string name; ///< as given by `tern.name`, or input0/output0
  kernel::ScalarType type;
  std::vector<int64_t> shape;
  /// Integer mode: the real value of one integer step (`tern.scale`); 0
  /// when the port holds real values.
  double scale = 0;
};

/// One step of the model's run function.
struct Step {
  enum Kind {
    Call, ///< call kernels[kernel] with args (inputs then outputs)
    Copy  ///< copy args[0] into args[1] (same byte size)
  };
  Kind kind = Call;
  int kernel = 0;
  std::vector<View> args;
  std::string location; ///< source location of the op, for messages
  /// The layer the step belongs to, as the model names it ("/fc1/Gemm"; a
  /// fused kernel belongs to its first op's layer), and the op type
  /// ("Gemm"; empty when the source does not say). Profiles and the
  /// efficiency report group steps by layer.
  std::string layer, opType;
  /// What the lowering recorded of the weights the kernel computes with
  /// (the `tern.weights` attribute): their format ("ternary bitplane",
  /// "sparse ELL"), nonzero weights and weight elements. Empty format: not
  /// recorded (dense weights, or none).
  std::string weightFormat;
  int64_t weightNonzeros = 0, weightElements = 0;
};

struct ModelPlan {
  std::string name;   ///< C identifier prefix of the generated API
  std::string source; ///< the input file, for comments
  std::vector<Port> inputs;
  std::vector<Port> outputs;
  /// Unique kernels; their names are `<name>_k<i>`.
  std::vector<kernel::Kernel> kernels;
  std::vector<Step> steps;
  std::vector<char> weights; ///< the weight blob, 64-byte aligned entries
  int64_t arenaBytes = 0;
  /// Kernel steps before sharing identical kernels (for the report).
  int64_t numKernelCalls = 0;
  /// The target has a GPU: buffers move between host and device.
  bool gpu = false;
  /// GPU targets: kernels that run on the CPU instead, and why.
  struct Fallback {
    std::string kernel, location, reason;
  };
  std::vector<Fallback> cpuFallbacks;
  /// The targets the kernels are compiled for, filled by the driver: the
  /// library runs the first whose features the CPU has (NAME_create
  /// refuses, naming what is missing, when there is none). Variant i > 0
  /// calls kernels named variantKernelName(kernel, i).
  struct TargetVariant {
    std::string target;                 ///< a Halide target string
    std::vector<uint64_t> featureWords; ///< halide_can_use_target_features
    std::vector<std::pair<int, std::string>> cpuFeatures; ///< bit, name
  };
  std::vector<TargetVariant> targets;
};

/// The name of kernel `name` compiled for target variant `variant`.
inline std::string variantKernelName(const std::string &name, size_t variant) {
  return variant == 0 ? name : name + "_v" + std::to_string(variant);
}

/// Bytes per element of `t` as stored in memory (bool is one byte).
int64_t storageBytes(kernel::ScalarType t);

/// Number of elements of `shape` (1 for a scalar).
int64_t numElements(const std::vector<int64_t> &shape);

} // namespace tern::plan

#endif // TERN_PLAN_MODELPLAN_H
