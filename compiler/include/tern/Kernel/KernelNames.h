//===- KernelNames.h - Op spellings for printer and backend -*- C++ -*-===//
//
// Kernel.cpp prints kernels and the backend names ops in its messages;
// both must spell an op the same way, so the spelling lives here, apart from
// Kernel.h (which stays a plain data description).
//
//===----------------------------------------------------------------------===//

#ifndef TERN_KERNEL_KERNELNAMES_H
#define TERN_KERNEL_KERNELNAMES_H

#include "tern/Kernel/Kernel.h"

namespace tern::kernel::detail {

/// Lowercase name of `op` ("add", "floordiv", "load"), or nullptr for a value
/// outside the enum.
const char *opName(Op op);

/// Number of operands `op` takes, or -1 when it varies (Load) or `op` is not
/// a valid Op.
int opArity(Op op);

} // namespace tern::kernel::detail

#endif // TERN_KERNEL_KERNELNAMES_H
