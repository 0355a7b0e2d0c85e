//===- KernelNames.h - Op spellings for printer and backend -*- C++ -*-===//
//
// Kernel.cpp prints kernels and KernelCompiler.cpp names ops in its messages;
// both must spell an op the same way, so the spelling lives here, private to
// this folder (the public Kernel.h stays a plain data description).
//
//===----------------------------------------------------------------------===//

#ifndef TERN_LIB_TARGET_HALIDE_KERNELNAMES_H
#define TERN_LIB_TARGET_HALIDE_KERNELNAMES_H

#include "tern/Target/Halide/Kernel.h"

namespace tern::kernel::detail {

/// Lowercase name of `op` ("add", "floordiv", "load"), or nullptr for a value
/// outside the enum.
const char *opName(Op op);

/// Number of operands `op` takes, or -1 when it varies (Load) or `op` is not
/// a valid Op.
int opArity(Op op);

} // namespace tern::kernel::detail

#endif // TERN_LIB_TARGET_HALIDE_KERNELNAMES_H
