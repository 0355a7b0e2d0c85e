//===- HlsLowering.h - Lowered Halide modules for the HLS printer -*- C++ -*-//
//
// Internal to TernHalideBackend (includes Halide.h): how HlsCodeGen.cpp gets
// the lowered statement of a kernel built by the backend (KernelCompiler.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef TERN_TARGET_HALIDE_HLSLOWERING_H
#define TERN_TARGET_HALIDE_HLSLOWERING_H

#include "tern/Target/Halide/KernelCompiler.h"

#include "Halide.h"

#include <functional>

namespace tern::kernel::detail {

/// Builds `k` with its HLS schedule, lowers it for a plain target without
/// asserts, bounds queries or runtime, and calls `fn` with the module, all
/// under Halide's lock with its errors turned into a Status.
Status withHlsModule(const Kernel &k,
                     const std::function<Status(const Halide::Module &)> &fn);

} // namespace tern::kernel::detail

#endif // TERN_TARGET_HALIDE_HLSLOWERING_H
