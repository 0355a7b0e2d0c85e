//===- PlanRunner.cpp - Run a ModelPlan in-process with Halide's JIT ------===//

#include "tern/Plan/PlanRunner.h"

#include <cstring>

using namespace tern::plan;
using tern::kernel::Status;

Status PlanRunner::prepare(const ModelPlan &p) {
  plan = &p;
  kernels.clear();
  kernels.resize(p.kernels.size());
  for (size_t i = 0; i < p.kernels.size(); ++i)
    if (Status s = kernels[i].compile(p.kernels[i]); !s)
      return s;
  // 64 bytes of slack: arena offsets are 64-byte aligned from its start.
  arena.assign(static_cast<size_t>(p.arenaBytes) + 64, 0);
  return Status::success();
}

Status PlanRunner::run(const std::vector<const void *> &inputs,
                       const std::vector<void *> &outputs) {
  if (!plan)
    return Status::error("PlanRunner::run before prepare");
  if (inputs.size() != plan->inputs.size() ||
      outputs.size() != plan->outputs.size())
    return Status::error("PlanRunner::run: expected " +
                         std::to_string(plan->inputs.size()) + " inputs and " +
                         std::to_string(plan->outputs.size()) + " outputs");
  auto address = [&](const View &v) -> char * {
    switch (v.storage.kind) {
    case Storage::Input:
      return const_cast<char *>(
          static_cast<const char *>(inputs[v.storage.index]));
    case Storage::Output:
      return static_cast<char *>(outputs[v.storage.index]);
    case Storage::Weight:
      return const_cast<char *>(plan->weights.data()) + v.storage.offset;
    case Storage::Arena:
      return arena.data() + v.storage.offset;
    }
    return nullptr;
  };
  for (const Step &step : plan->steps) {
    if (step.kind == Step::Copy) {
      std::memmove(address(step.args[1]), address(step.args[0]),
                   static_cast<size_t>(numElements(step.args[0].shape) *
                                       storageBytes(step.args[0].type)));
      continue;
    }
    const kernel::Kernel &k = plan->kernels[step.kernel];
    std::vector<const void *> ins;
    std::vector<void *> outs;
    for (size_t i = 0; i < step.args.size(); ++i) {
      if (i < k.inputs.size())
        ins.push_back(address(step.args[i]));
      else
        outs.push_back(address(step.args[i]));
    }
    if (Status s = kernels[step.kernel].run(ins, outs); !s)
      return Status::error(step.location + ": " + s.message);
  }
  return Status::success();
}
