//===- PlanRunner.h - Run a ModelPlan in-process with Halide's JIT -*- C++ -*-//
//
// The compiler's own way to run a model it has planned, without writing a
// library: every kernel JIT-compiled once for the host, the steps run in
// order over the plan's weights and a private arena. ternc uses it to
// calibrate integer mode (ranges of float activations over sample inputs)
// and to compute the golden vectors of HLS testbenches with the CPU build.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_PLAN_PLANRUNNER_H
#define TERN_PLAN_PLANRUNNER_H

#include "tern/Plan/ModelPlan.h"
#include "tern/Target/Halide/KernelCompiler.h"

#include <vector>

namespace tern::plan {

class PlanRunner {
public:
  /// JIT-compiles every kernel of `plan` (which must outlive the runner).
  kernel::Status prepare(const ModelPlan &plan);

  /// Runs the model once: `inputs[i]` and `outputs[i]` are dense buffers
  /// of the plan's ports.
  kernel::Status run(const std::vector<const void *> &inputs,
                     const std::vector<void *> &outputs);

private:
  const ModelPlan *plan = nullptr;
  std::vector<kernel::JitKernel> kernels;
  std::vector<char> arena;
};

} // namespace tern::plan

#endif // TERN_PLAN_PLANRUNNER_H
