//===- BuildModelPlan.h - Kernel-form function to a ModelPlan ---*- C++ -*-===//
//
// The last MLIR step of the compiler: walks the model function in kernel
// form, turns each linalg.generic into a kernel (sharing identical ones),
// puts constants into the weight blob, gives every intermediate tensor an
// offset in the activation arena (reusing memory by liveness), and records
// the order of calls. After this, nothing needs MLIR.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_PLAN_BUILDMODELPLAN_H
#define TERN_PLAN_BUILDMODELPLAN_H

#include "tern/Plan/ModelPlan.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

namespace mlir::tern {

/// The function to compile: the one named `entry` if non-empty, else the only
/// public function with a body. Emits an error naming the candidates if the
/// choice is ambiguous or impossible.
FailureOr<func::FuncOp> findEntryFunction(ModuleOp module, StringRef entry);

/// The target of the plan.
struct PlanOptions {
  /// The target has a GPU (the library gets the device API); kernels that
  /// tern-select-schedule placed on the CPU are listed in
  /// ModelPlan::cpuFallbacks.
  bool gpu = false;
};

/// Builds the plan of `func` (in kernel form) for a library named `name`.
/// Emits errors at the ops that cannot be compiled.
FailureOr<::tern::plan::ModelPlan>
buildModelPlan(func::FuncOp func, StringRef name,
               const PlanOptions &options = {});

} // namespace mlir::tern

#endif // TERN_PLAN_BUILDMODELPLAN_H
