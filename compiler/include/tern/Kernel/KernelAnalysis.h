//===- KernelAnalysis.h - Questions and rewrites over Kernel IR -*- C++ -*-===//
//
// Halide-free analyses of kernel expressions, shared by the schedule
// selector (SelectSchedule.h) and the Halide backend's translator.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_KERNEL_KERNELANALYSIS_H
#define TERN_KERNEL_KERNELANALYSIS_H

#include "tern/Kernel/Kernel.h"

#include <optional>
#include <set>
#include <utility>

namespace tern::kernel {

/// Adds the loop dimensions `e` reads to `dims`.
void loopVarsOf(const ExprRef &e, std::set<int> &dims);

/// Whether `e` reads Self anywhere.
bool readsSelf(const ExprRef &e);

/// Whether a select in `e` reads Self, in its condition or its values.
bool selectReadsSelf(const ExprRef &e);

/// Loop variables and constants combined with +, -, * and floor division.
bool isAffineIndex(const ExprRef &e);

/// Whether `e` reads memory (Load or Self): an index that is data-dependent
/// makes its load a gather.
bool isDataDependent(const ExprRef &e);

/// select(c, self + a, self) as self + select(c, a, 0), and the other forms
/// of an update that adds to its own value, as self + x (see the .cpp).
ExprRef hoistSelfAdd(const ExprRef &update, int output);

/// A dot-product update (i32 sum of products) as a plain self + a * b.
ExprRef plainDotUpdate(const ExprRef &update, int output);

/// `self + select(j < limit, a, 0)` over reduction dimension `dim`, `limit`
/// not reading j: {limit, self + a}.
std::optional<std::pair<ExprRef, ExprRef>> reductionLimit(const ExprRef &update,
                                                          int dim);

/// The update of output `output` as the translator builds it: normalized
/// (plainDotUpdate for a dot-product schedule, else hoistSelfAdd) and, for
/// a one-output kernel with one reduction dimension, with its per-point
/// limit taken out (`limit`, null if none) to bound the reduction loop.
struct UpdateForm {
  ExprRef update;
  ExprRef limit;
};
UpdateForm normalizedUpdate(const Kernel &k, size_t output, bool plainDot);

} // namespace tern::kernel

#endif // TERN_KERNEL_KERNELANALYSIS_H
