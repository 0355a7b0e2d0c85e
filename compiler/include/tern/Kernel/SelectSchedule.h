//===- SelectSchedule.h - The one place schedules are chosen ----*- C++ -*-===//
//
// selectSchedule decides how a kernel runs on a target: the device, the
// recipe and every number the recipe needs. The `tern-select-schedule`
// pass runs it on each linalg.generic and writes the result as the
// kernel's `#tern.schedule` attribute; the backend applies what it says and
// decides nothing (it runs selectSchedule itself only for kernels that come
// without one, from the C++ API or the JIT). Halide-free: what it needs to
// know of the target is in TargetDesc, which the driver fills from the
// Halide target (tern::kernel::describeTarget).
//
// Adding a recipe: a case in Schedule::Recipe, its choice here, its
// function in the backend's Schedules.cpp, and a case in
// test/Transforms/tern-select-schedule.mlir.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_KERNEL_SELECTSCHEDULE_H
#define TERN_KERNEL_SELECTSCHEDULE_H

#include "tern/Kernel/Kernel.h"

#include <string>

namespace tern::kernel {

/// What the selector needs to know of a target.
struct TargetDesc {
  /// Where kernels go: CPU, GPU (a CUDA target) or HLS.
  Schedule::Device device = Schedule::CPU;
  /// GPU: kernels the GPU cannot run (no parallel output dimension) run on
  /// the CPU instead of being an error (--target=host-cuda).
  bool gpuFallback = false;
  /// Bytes of the vectors the target computes floats and integers in (its
  /// natural vector width: 64 with AVX-512, 32 with AVX2, 16 with SSE or
  /// NEON); the natural lanes of a type are these over its size.
  int floatVectorBytes = 64;
  int intVectorBytes = 64;
  /// Vector registers (32 with AVX-512, 16 below): GemvBlocks keeps at
  /// most half of them as accumulators.
  int vectorRegisters = 32;
  /// HLS: the reuse factor of kernels that do not ask for one.
  int hlsReuse = 1;
};

/// The outcome of a selection: ok, or the reason the GPU cannot run the
/// kernel when the target has no CPU fallback (`gpuRefusal`, an error), or
/// with a fallback the reason it runs on the CPU (`cpuFallback`, a remark).
struct Selection {
  std::string gpuRefusal;
  std::string cpuFallback;
  bool ok() const { return gpuRefusal.empty(); }
};

/// Completes `k.schedule` for `target`: the fields the kernel's lowering
/// set (vectorWidth, reductionUnroll, vectorBlocks, dotProduct, hlsReuse,
/// parallel) are requirements; every other field, the device and the
/// recipe are chosen. A kernel whose recipe is already set is left as is.
Selection selectSchedule(Kernel &k, const TargetDesc &target);

/// The natural vector lanes of `t` on `target` (bool is stored as a byte).
int naturalLanes(ScalarType t, const TargetDesc &target);

} // namespace tern::kernel

#endif // TERN_KERNEL_SELECTSCHEDULE_H
