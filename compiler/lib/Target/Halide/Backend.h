//===- Backend.h - Shared internals of TernHalideBackend --------*- C++ -*-===//
//
// Internal to TernHalideBackend (includes Halide.h): what its files share,
// the error guard around every call into Halide, the target parser, and the
// Halide types and math the translator uses.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_TARGET_HALIDE_BACKEND_H
#define TERN_TARGET_HALIDE_BACKEND_H

#include "tern/Kernel/SelectSchedule.h"
#include "tern/Target/Halide/KernelCompiler.h"

#include "Halide.h"

#include <functional>
#include <string>

namespace tern::kernel::detail {

/// "kernel 'NAME': ", the prefix of every message about a kernel.
inline std::string kernelPrefix(const Kernel &k) {
  return "kernel '" + k.name + "': ";
}

/// Runs `fn` under Halide's lock (one compilation at a time) and turns
/// anything it throws into a Status prefixed by `prefix`.
Status guarded(const std::string &prefix, const std::function<Status()> &fn);

/// A Halide message on one line, without its "Error:" prefix.
std::string cleanMessage(std::string m);

/// Parses a target string ("host", "host-cuda", a Halide target); host
/// targets lose the features this CPU lacks. Call under guarded().
Status parseTarget(const std::string &name, Halide::Target &out);

/// The JIT's target: this CPU, as parseTarget("host"). Call under guarded().
Halide::Target jitTarget();

/// What the schedule selector needs to know of `t` (device CPU).
TargetDesc describe(const Halide::Target &t);

/// The Halide type of a scalar type.
Halide::Type halideType(ScalarType t);

/// erf for f64 (Halide 14's erf covers f32 only).
Halide::Expr erfF64(Halide::Expr x);

/// C's signed division or remainder from Halide's Euclidean ones.
Halide::Expr truncatedDivMod(Halide::Expr a, Halide::Expr b,
                             bool wantRemainder);

} // namespace tern::kernel::detail

#endif // TERN_TARGET_HALIDE_BACKEND_H
