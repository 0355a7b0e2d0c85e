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

#include "tern/Target/Halide/Kernel.h"

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

/// Runs `k` once with Halide's JIT on the host: `inputs[i]` and `outputs[i]`
/// point to dense row-major buffers of the kernel's shapes. For tests.
Status runJit(const Kernel &k, const std::vector<const void *> &inputs,
              const std::vector<void *> &outputs);

} // namespace tern::kernel

#endif // TERN_TARGET_HALIDE_KERNELCOMPILER_H
