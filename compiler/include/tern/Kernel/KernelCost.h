//===- KernelCost.h - What one run of a kernel computes ---------*- C++ -*-===//
//
// Arithmetic counted from a kernel's expressions, for the efficiency report
// (ternc --tern-report=json) and the per-layer profile's roofline: how many
// multiplications and additions one run performs, by element type. This is
// what the compiled code does, not what the layer it came from would do in
// fp32: a ternary kernel's update is additions and subtractions, so its
// multiplications are the per-output scales alone.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_KERNEL_KERNELCOST_H
#define TERN_KERNEL_KERNELCOST_H

#include "tern/Kernel/Kernel.h"

#include <cstdint>

namespace tern::kernel {

/// Operation counts of one run. Loop bookkeeping (expressions over loop
/// variables and constants alone, which the compiled code hoists or folds
/// into addressing) and index arithmetic inside loads are not counted.
/// Kernels that skip zero activations (Kernel::skipWhenZero) are counted as
/// if no activation were zero: the figures are an upper bound for them.
struct OpCounts {
  /// The element type an operation works on, as the energy table knows it.
  /// A multiplication of two values widened from 8 bits (a byte dot
  /// product) is an I8 multiplication.
  enum Class { F32, F16, I8, I16, I32, NumClasses };
  int64_t mul[NumClasses] = {}; ///< multiplications and divisions
  int64_t add[NumClasses] = {}; ///< additions and subtractions
  /// Comparisons, selects, min/max, bitwise operations, math functions.
  int64_t other = 0;

  int64_t mults() const;
  int64_t adds() const;
  /// Multiplications plus additions (the "op" of G op/s).
  int64_t arithmetic() const { return mults() + adds(); }
  OpCounts &operator+=(const OpCounts &o);
};

/// The class name as the report prints it: "f32", "f16", "i8", "i16", "i32".
const char *className(OpCounts::Class c);

/// What one run of `k` computes: its initial values once per output point,
/// its update once per point of the whole iteration space.
OpCounts countOps(const Kernel &k);

} // namespace tern::kernel

#endif // TERN_KERNEL_KERNELCOST_H
