//===- Translations.cpp - tern-translate's translations ---------*- C++ -*-===//
//
// Registers the MLIR-to-text translations that tern-translate offers. Each
// plans every public function of the module exactly as ternc would, so the
// lit tests see the kernels ternc compiles.
//
//===----------------------------------------------------------------------===//

#include "tern/Translate/Translations.h"
#include "tern/InitAll.h"
#include "tern/Plan/BuildModelPlan.h"
#include "tern/Target/Halide/KernelCompiler.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Tools/mlir-translate/Translation.h"

using namespace mlir;
namespace tk = ::tern::kernel;

/// Plans each public function with a body and calls `print` on each plan.
static LogicalResult forEachPlan(
    Operation *op,
    function_ref<LogicalResult(func::FuncOp, const ::tern::plan::ModelPlan &)>
        print) {
  auto module = dyn_cast<ModuleOp>(op);
  if (!module)
    return op->emitError("expected a builtin.module");
  for (auto f : module.getOps<func::FuncOp>()) {
    if (f.isExternal() || !f.isPublic())
      continue;
    FailureOr<::tern::plan::ModelPlan> plan =
        mlir::tern::buildModelPlan(f, f.getSymName());
    if (failed(plan) || failed(print(f, *plan)))
      return failure();
  }
  return success();
}

void mlir::tern::registerTranslations() {
  static TranslateFromMLIRRegistration toKernelIr(
      "tern-to-kernel-ir",
      "Print the kernels ternc would compile, in Tern's kernel description "
      "(one per unique linalg.generic, with inputs, loops and expressions)",
      [](Operation *op, raw_ostream &os) {
        return forEachPlan(
            op,
            [&](func::FuncOp f,
                const ::tern::plan::ModelPlan &plan) -> LogicalResult {
              os << "// function @" << f.getSymName() << ": "
                 << plan.numKernelCalls << " kernel calls, "
                 << plan.kernels.size() << " unique kernels, "
                 << plan.weights.size() << " weight bytes, " << plan.arenaBytes
                 << " arena bytes\n";
              for (const tk::Kernel &k : plan.kernels)
                os << tk::toString(k) << "\n";
              return success();
            });
      },
      [](DialectRegistry &registry) { registerDialects(registry); });

  static TranslateFromMLIRRegistration toHalideStmt(
      "tern-to-halide-stmt",
      "Print Halide's lowered statement of every kernel ternc would compile "
      "for the host",
      [](Operation *op, raw_ostream &os) {
        return forEachPlan(
            op,
            [&](func::FuncOp f,
                const ::tern::plan::ModelPlan &plan) -> LogicalResult {
              for (const tk::Kernel &k : plan.kernels) {
                std::string stmt;
                if (tk::Status s = tk::lowerToStmt(k, "host", stmt); !s)
                  return f.emitError() << "Halide failed to compile kernel '"
                                       << k.name << "': " << s.message;
                os << "// kernel " << k.name << "\n" << stmt << "\n";
              }
              return success();
            });
      },
      [](DialectRegistry &registry) { registerDialects(registry); });
}
