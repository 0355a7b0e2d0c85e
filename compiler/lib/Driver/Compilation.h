//===- Compilation.h - One run of ternc, phase by phase ---------*- C++ -*-===//
//
// Internal to TernDriver. A Compilation holds what the phases hand each
// other (the MLIR context and module, the targets, the plan, the files
// made so far); Compilation::run (Driver.cpp) calls the phases in order.
// The front phases (import to plan) are in Driver.cpp, the back ones
// (kernels, library sources, link, install) in Link.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_DRIVER_COMPILATION_H
#define TERN_DRIVER_COMPILATION_H

#include "Calibrate.h"
#include "DriverSupport.h"
#include "tern/Analysis/DenseTwin.h"
#include "tern/Driver/Driver.h"
#include "tern/Pipelines/Pipelines.h"
#include "tern/Plan/BuildModelPlan.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/SourceMgr.h"

#include <chrono>
#include <memory>
#include <optional>

namespace tern::driver::detail {

/// A calibration step: runs the raised float model on samples and records
/// what it measured as attributes the lowering reads. The calibrate phase
/// runs the steps that apply, in order (Driver.cpp: calibrationSteps).
struct CalibrationStep {
  const char *what;
  /// Whether the options ask for it.
  std::function<bool(const Options &)> applies;
  std::function<mlir::LogicalResult(mlir::ModuleOp, mlir::func::FuncOp)> run;
};

class Compilation {
public:
  Compilation(const Options &options, mlir::DialectRegistry &registry);

  /// All phases, in order; returns the exit status.
  int run();

private:
  // Phases, in the order run() calls them. Each returns failure after
  // reporting why.
  mlir::LogicalResult checkOptions();
  mlir::LogicalResult import();
  mlir::LogicalResult importLanguageModel(); // a checkpoint, from import()
  mlir::LogicalResult afterImport(); // size checks, the report's dense twin
  mlir::LogicalResult raise();
  mlir::LogicalResult calibrate();
  mlir::LogicalResult lower();
  mlir::LogicalResult selectSchedules();
  mlir::LogicalResult plan();
  mlir::LogicalResult writeReport(); // --tern-report=json|md, after plan
  mlir::LogicalResult writeHlsProject();
  mlir::LogicalResult writeKernelText();
  mlir::LogicalResult compileKernels();      // Link.cpp
  mlir::LogicalResult writeLibrarySources(); // Link.cpp
  mlir::LogicalResult link();                // Link.cpp
  mlir::LogicalResult install();             // Link.cpp

  /// The pass options of the kernel pipeline, from the model and target
  /// options.
  void pipelineOptions(mlir::tern::KernelPipelineOptions &p) const;
  /// Runs the passes `build` adds to a pass manager on `module` (the
  /// pipeline's `stage`; `what` names it in the error).
  mlir::LogicalResult
  runPasses(mlir::ModuleOp module,
            const std::function<void(mlir::OpPassManager &)> &build,
            llvm::StringRef stage, llvm::StringRef what);
  /// tern-select-schedule for one target on `module`.
  mlir::LogicalResult selectSchedulesFor(mlir::ModuleOp module,
                                         const std::string &target);
  std::vector<CalibrationStep> calibrationSteps();
  mlir::FailureOr<mlir::func::FuncOp> entry(mlir::ModuleOp module);
  std::string inBuild(llvm::StringRef file) const;
  std::string inOut(llvm::StringRef file) const;

  const Options &options;
  std::chrono::steady_clock::time_point start;
  bool toLibrary;
  Progress progress;
  std::string name;
  // Target facts (checkOptions).
  bool strictGpu = false, hls = false, integer = false, cross = false;
  bool gpu = false, avx512 = false;
  std::vector<std::string> targets;
  std::string targetList, arch, cc;
  // MLIR state (import onwards).
  mlir::MLIRContext context;
  llvm::SourceMgr sourceMgr;
  std::unique_ptr<mlir::SourceMgrDiagnosticHandler> diagHandler;
  std::optional<mlir::ScopedDiagnosticHandler> onnxDiagHandler;
  mlir::OwningOpRef<mlir::ModuleOp> module;
  Samples integerSamples; ///< the HLS testbench reuses them
  /// Each layer as dense fp32, measured after import (efficiency report).
  std::map<std::string, mlir::tern::DenseTwinLayer> denseTwin;
  // The plan (plan onwards) and the kernels of the other --target variants.
  std::optional<::tern::plan::ModelPlan> modelPlan;
  std::vector<std::vector<::tern::kernel::Kernel>> variantKernels;
  /// A checkpoint's SentencePiece model (tokenizer.model in a Hugging Face
  /// folder), copied next to the library as NAME.tokenizer.model.
  std::string tokenizerModel;
  // Files (compileKernels onwards).
  std::string outDir, buildDir, runtimeInclude, runtimeLib;
  std::vector<std::string> objects, outputs;
  std::string driverSrc, weightsAsm;
};

} // namespace tern::driver::detail

#endif // TERN_DRIVER_COMPILATION_H
