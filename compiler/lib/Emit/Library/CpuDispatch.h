//===- CpuDispatch.h - CPU check and build id of a library (private) -*- C++
//-*-===//

#ifndef TERN_PLAN_CPUDISPATCH_H
#define TERN_PLAN_CPUDISPATCH_H

#include "tern/Plan/ModelPlan.h"

#include <string>

namespace tern::emit::detail {

/// The driver's target tables and NAME_pick_target(): the first of
/// plan.targets whose features the CPU has (Halide's runtime, compiled for
/// the baseline, asks the CPU), or the one TERN_TARGET names; otherwise
/// TERN_ERROR_UNSUPPORTED_CPU naming what the most portable target needs.
std::string targetSelection(const plan::ModelPlan &plan);

/// The header's reference to NAME_tern_build_<id>, the symbol only the
/// driver of the same compile defines (buildSymbolDefinition).
std::string linkCheck(const std::string &name, const std::string &id);

} // namespace tern::emit::detail

#endif // TERN_PLAN_CPUDISPATCH_H
