//===- KernelCompiler.h - Kernels to Halide, behind a plain API -*- C++ -*-===//
//
// The only entry points into Halide. The implementation is the one library
// built with exceptions and the only code that includes Halide.h; it catches
// every Halide::Error and returns it as a message, which callers on the MLIR
// side turn into diagnostics at the op that produced the kernel.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_TARGET_HALIDE_KERNELCOMPILER_H
#define TERN_TARGET_HALIDE_KERNELCOMPILER_H

#include "tern/Kernel/Kernel.h"
#include "tern/Kernel/SelectSchedule.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tern::kernel {

/// Success, or a message saying what went wrong (no trailing period).
struct Status {
  bool ok = true;
  std::string message;

  static Status success() { return {}; }
  static Status error(std::string msg) { return {false, std::move(msg)}; }
  explicit operator bool() const { return ok; }
};

/// Checks that `target` names a Halide target ("host", or a Halide target
/// string such as "x86-64-linux-avx2"), and returns the canonical string in
/// `canonical` (the host's features spelled out for "host").
Status resolveTarget(const std::string &target, std::string &canonical);

/// What the Halide runtime checks before a library compiled for a target may
/// run on this CPU: the target's features as halide_can_use_target_features
/// takes them (bit i of `words` set for Halide::Target::Feature i), and the
/// CPU features among them by bit and name (for error messages).
struct TargetFeatures {
  std::vector<uint64_t> words;
  std::vector<std::pair<int, std::string>> cpuFeatures;
};
Status targetFeatures(const std::string &target, TargetFeatures &out);

/// What the schedule selector (selectSchedule, tern-select-schedule) needs
/// to know of `target`: its natural vector widths and registers, and the
/// GPU as the device when it has one.
Status describeTarget(const std::string &target, TargetDesc &out);

/// `target` without its x86 instruction-set features (SSE4.1, AVX, AVX2,
/// FMA, F16C, AVX-512 ...): what Halide's runtime is compiled for, so that
/// a library can check the CPU it is loaded on before running anything
/// that needs those features.
Status baselineTarget(const std::string &target, std::string &baseline);

/// Whether `target` is for this machine's architecture (arch and bits), and
/// the target's architecture as Halide spells it ("arm-64", "x86-64").
Status targetArchitecture(const std::string &target, bool &isHost,
                          std::string &arch);

/// Checks a kernel's structure and types: indices in range, one index per
/// buffer dimension, operand types that agree, Self only in updates, every
/// parallel dimension covered by the outputs.
Status verifyKernel(const Kernel &k);

/// Compiles `k` to an object file defining `int k.name(halide_buffer_t*...)`
/// (inputs then outputs), without the Halide runtime (see compileRuntime).
/// Buffer shapes are compiled in: the function checks them at run time.
Status compileToObject(const Kernel &k, const std::string &target,
                       const std::string &objectPath);

/// Compiles Halide's runtime for `target` into one object, to be linked once
/// per library next to any number of kernels.
Status compileRuntime(const std::string &target, const std::string &objectPath);

/// Halide's lowered statement for `k` (after scheduling), as text.
Status lowerToStmt(const Kernel &k, const std::string &target,
                   std::string &stmt);

/// The machine code Halide generates for `k` (CPU targets), as assembly.
Status lowerToAssembly(const Kernel &k, const std::string &target,
                       std::string &assembly);

/// Runs `k` once with Halide's JIT on the host: `inputs[i]` and `outputs[i]`
/// point to dense row-major buffers of the kernel's shapes. For tests.
Status runJit(const Kernel &k, const std::vector<const void *> &inputs,
              const std::vector<void *> &outputs);

/// One kernel printed as HLS C++ from its lowered Halide statement, with what
/// its HLS schedule asked for and the resource and latency estimate.
struct HlsKernel {
  /// `static void NAME(const T in[n]..., T out[n]...) { ... }`
  std::string function;
  /// Per parameter (inputs, then outputs): its C name and the cyclic
  /// partition factor its reads in unrolled loops need (1: none).
  std::vector<std::string> params;
  std::vector<int> partition;
  int unroll = 1;      ///< largest unroll factor
  int ii = 1;          ///< largest initiation interval of a pipelined loop
  int64_t latency = 0; ///< cycles for one call
  std::string loops;   ///< the loop nest: labels, trip counts, pragmas
  int64_t lut = 0, ff = 0, dsp = 0; ///< the operators (arrays apart)
  int64_t multiplies = 0;           ///< multiplications of two variables
};

/// Prints `k` (integer types only; Schedule::HLS) as HLS C++: plain loops
/// with static bounds over flat arrays, `#pragma HLS PIPELINE II=1` on the
/// innermost loop that is not unrolled, `#pragma HLS UNROLL` on the
/// unrolled reduction, partitioning for the arrays it reads there.
Status emitHls(const Kernel &k, HlsKernel &out);

/// A kernel compiled once with Halide's JIT for the host and run many times
/// (calibration, golden vectors), unlike runJit, which compiles per call.
class JitKernel {
public:
  JitKernel();
  ~JitKernel();
  JitKernel(JitKernel &&) noexcept;
  JitKernel &operator=(JitKernel &&) noexcept;

  /// Translates and JIT-compiles `k` (a CPU schedule is used whatever
  /// `k.schedule.device` says: schedules do not change results).
  Status compile(const Kernel &k);
  /// Runs it on dense row-major buffers of the kernel's shapes.
  Status run(const std::vector<const void *> &inputs,
             const std::vector<void *> &outputs);

private:
  struct Impl;
  std::unique_ptr<Impl> impl;
};

} // namespace tern::kernel

#endif // TERN_TARGET_HALIDE_KERNELCOMPILER_H
