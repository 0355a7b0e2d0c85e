//===- Pipelines.cpp - The pass pipelines of Tern ---------------*- C++ -*-===//
//
// The ordered pass lists that turn input IR into kernel form. Reading this
// file top to bottom is reading the compiler's middle end.
//
//===----------------------------------------------------------------------===//

#include "tern/Pipelines/Pipelines.h"
#include "tern/Conversion/Passes.h"
#include "tern/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void mlir::tern::buildRaisePipeline(OpPassManager &pm,
                                    const KernelPipelineOptions &options) {
  OpPassManager &funcPm = pm.nest<func::FuncOp>();
  funcPm.addPass(createTernLowerActivationSparsePass());
  if (!options.prune.empty()) {
    TernPrunePassOptions pruneOptions;
    pruneOptions.pattern = options.prune;
    pruneOptions.layers = options.pruneLayers;
    pruneOptions.global = options.pruneGlobal;
    funcPm.addPass(createTernPrunePass(pruneOptions));
  }
  if (options.ternarize) {
    TernTernarizePassOptions ternarizeOptions;
    ternarizeOptions.layers = options.ternarizeLayers;
    funcPm.addPass(createTernTernarizePass(ternarizeOptions));
  }
  TernRaisePassOptions raiseOptions;
  raiseOptions.report = options.report;
  funcPm.addPass(createTernRaisePass(raiseOptions));
}

void mlir::tern::buildLowerPipeline(OpPassManager &pm,
                                    const KernelPipelineOptions &options) {
  OpPassManager &funcPm = pm.nest<func::FuncOp>();
  // Thresholds that calibration set (ternc --activation-threshold); a no-op
  // on layers without one.
  TernActivationThresholdPassOptions thresholdOptions;
  thresholdOptions.report = options.report;
  funcPm.addPass(createTernActivationThresholdPass(thresholdOptions));
  if (options.integer) {
    TernQuantizePassOptions quantizeOptions;
    quantizeOptions.activationBits = options.integerBits;
    // N:M-patterned layers multiply only their stored slots.
    quantizeOptions.structured = options.sparse != "dense";
    quantizeOptions.report = options.report;
    funcPm.addPass(createTernQuantizePass(quantizeOptions));
  }
  // Sparse formats: float mode (integer mode keeps pruned weights dense)
  // on CPUs (the cost model and the gathers are measured there).
  if (!options.integer && !options.gpu) {
    TernClassifyWeightsPassOptions classifyOptions;
    classifyOptions.format = options.sparse;
    classifyOptions.report = options.report;
    // A ternary kernel chosen by the user keeps ternary layers on it.
    classifyOptions.ternary =
        options.ternaryKernel == "auto" && options.activationBits == 0;
    funcPm.addPass(createTernClassifyWeightsPass(classifyOptions));
  }
  funcPm.addPass(createTernLowerSparsePass());
  TernSelectTernaryKernelPassOptions selectOptions;
  selectOptions.kernel = options.ternaryKernel.getValue();
  // The cost model is measured on CPUs; GPU schedules are written for i2.
  selectOptions.gpu = options.gpu;
  selectOptions.avx512 = options.avx512;
  selectOptions.activationBits = options.activationBits;
  selectOptions.report = options.report;
  funcPm.addPass(createTernSelectTernaryKernelPass(selectOptions));
  TernLowerTernaryPassOptions lowerOptions;
  lowerOptions.byteMajor = !options.gpu;
  funcPm.addPass(createTernLowerTernaryPass(lowerOptions));
  funcPm.addPass(createLinalgGeneralizeNamedOpsPass());
  funcPm.addPass(createTernFuseElementwisePass());
  funcPm.addPass(createTernWeightLayoutPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  // On kernel form, after fusion has put each ReLU into its producer.
  if (options.activationSparsity != "off" && !options.gpu) {
    TernSkipZeroActivationsPassOptions skipOptions;
    skipOptions.report = options.report;
    pm.nest<func::FuncOp>().addPass(
        createTernSkipZeroActivationsPass(skipOptions));
  }
}

void mlir::tern::buildSchedulePipeline(OpPassManager &pm,
                                       const KernelPipelineOptions &options) {
  TernSelectSchedulePassOptions scheduleOptions;
  scheduleOptions.device = options.hls   ? ScheduleDevice::Hls
                           : options.gpu ? ScheduleDevice::Gpu
                                         : ScheduleDevice::Cpu;
  scheduleOptions.gpuFallback = options.gpuFallback;
  scheduleOptions.floatVectorBytes = options.floatVectorBytes;
  scheduleOptions.intVectorBytes = options.intVectorBytes;
  scheduleOptions.vectorRegisters = options.vectorRegisters;
  scheduleOptions.hlsReuse = options.hlsReuse;
  pm.nest<func::FuncOp>().addPass(
      createTernSelectSchedulePass(scheduleOptions));
}

void mlir::tern::buildKernelPipeline(OpPassManager &pm,
                                     const KernelPipelineOptions &options) {
  buildRaisePipeline(pm, options);
  buildLowerPipeline(pm, options);
  buildSchedulePipeline(pm, options);
}

void mlir::tern::registerPipelines() {
  PassPipelineRegistration<KernelPipelineOptions>(
      "tern-kernel-pipeline",
      "Lower func + linalg on tensors to Tern's kernel form (raise ternary "
      "matmuls, lower them to add/sub kernels, generalize named ops)",
      buildKernelPipeline);
}
