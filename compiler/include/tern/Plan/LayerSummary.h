//===- LayerSummary.h - A plan's steps grouped by layer ---------*- C++ -*-===//
//
// Profiles and the efficiency report speak of layers as the model names
// them ("/fc1/Gemm"), not of kernels: a layer may run several kernels (an
// im2col, the matmul, its bias and activation) and a kernel may be shared
// by layers. This groups a plan's steps by Step::layer and adds up what
// they store, move and compute. Plain C++ over ModelPlan, no MLIR.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_PLAN_LAYERSUMMARY_H
#define TERN_PLAN_LAYERSUMMARY_H

#include "tern/Kernel/KernelCost.h"
#include "tern/Plan/ModelPlan.h"

#include <string>
#include <vector>

namespace tern::plan {

struct LayerSummary {
  std::string name;   ///< Step::layer
  std::string opType; ///< Step::opType of its first kernel step
  /// The format of its weights: what the lowering recorded ("ternary
  /// bitplane, add_sub", "sparse ELL(row_length=5)"), else "dense <type>"
  /// of its largest weight buffer; empty when it reads no weights.
  std::string format;
  int64_t weightBytes = 0;    ///< stored bytes of the weights it reads
  int64_t weightElements = 0; ///< weights of the layer (dense count)
  int64_t weightNonzeros = 0; ///< of those, the nonzero ones
  /// Bytes its kernels read and write in one run, each buffer once per
  /// kernel call: the traffic a roofline divides by the bandwidth.
  int64_t bytesMoved = 0;
  kernel::OpCounts ops; ///< its kernels' arithmetic in one run
  bool skipsZeroActivations = false;
  int kernelCalls = 0;
  std::vector<int> steps; ///< indices into ModelPlan::steps
};

/// The layers of `plan`, in the order of their first step. Copy steps
/// belong to their layer too (they move bytes, compute nothing).
/// `stepLayer`, if given, receives the layer index of every step.
std::vector<LayerSummary>
summarizeLayers(const ModelPlan &plan, std::vector<int> *stepLayer = nullptr);

} // namespace tern::plan

#endif // TERN_PLAN_LAYERSUMMARY_H
