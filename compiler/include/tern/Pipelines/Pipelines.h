//===- Pipelines.h - The pass pipelines of Tern -----------------*- C++ -*-===//
//
// Pipelines are functions over an options struct, so `ternc` and
// `tern-opt --pass-pipeline=...` build exactly the same pass list.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_PIPELINES_PIPELINES_H
#define TERN_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassOptions.h"

namespace mlir {
class OpPassManager;
} // namespace mlir

namespace mlir::tern {

struct KernelPipelineOptions
    : public PassPipelineOptions<KernelPipelineOptions> {
  Option<bool> report{*this, "report",
                      llvm::cl::desc("Emit a remark per layer saying how it "
                                     "was compiled and why"),
                      llvm::cl::init(false)};
  Option<bool> gpu{*this, "gpu",
                   llvm::cl::desc("Lay kernels out for GPU schedules (packed "
                                  "ternary weights read row by row)"),
                   llvm::cl::init(false)};
  Option<bool> avx512{*this, "avx512",
                      llvm::cl::desc("The CPU target has AVX-512 (the "
                                     "ternary cost model uses it)"),
                      llvm::cl::init(false)};
  Option<bool> ternarize{*this, "ternarize",
                         llvm::cl::desc("Ternarize layers after training "
                                        "(tern-ternarize) before raising"),
                         llvm::cl::init(false)};
  Option<std::string> ternaryKernel{
      *this, "ternary-kernel",
      llvm::cl::desc("Kernel of every ternary layer: auto (the cost model "
                     "picks per layer), i2, bitplane, base3, lut or int8"),
      llvm::cl::init("auto")};
  Option<int> activationBits{
      *this, "activation-bits",
      llvm::cl::desc("0 keeps float activations; 8 quantizes the inputs of "
                     "ternary layers to int8 per row (int8 kernel)"),
      llvm::cl::init(0)};
  Option<std::string> ternarizeLayers{
      *this, "ternarize-layers",
      llvm::cl::desc("Layers for tern-ternarize: empty = all but the first "
                     "and last, 'all', or a comma-separated list"),
      llvm::cl::init("")};
  Option<std::string> prune{
      *this, "prune",
      llvm::cl::desc("tern-prune pattern (N:M, block:RxC:S, unstructured:S); "
                     "empty: no pruning"),
      llvm::cl::init("")};
  Option<std::string> pruneLayers{
      *this, "prune-layers",
      llvm::cl::desc("Layers for tern-prune: empty or 'all' = all, or a "
                     "comma-separated list"),
      llvm::cl::init("")};
  Option<bool> pruneGlobal{
      *this, "prune-global",
      llvm::cl::desc("tern-prune unstructured: one threshold over all "
                     "selected layers"),
      llvm::cl::init(false)};
  Option<std::string> sparse{
      *this, "sparse",
      llvm::cl::desc("Sparse weight formats (tern-classify-weights): auto "
                     "(the cost model), dense (off), ell, nm or bsr"),
      llvm::cl::init("auto")};
  Option<std::string> activationSparsity{
      *this, "activation-sparsity",
      llvm::cl::desc("relu (default): matmuls skip the zero inputs a ReLU "
                     "produces, at run time (tern-skip-zero-activations); "
                     "off"),
      llvm::cl::init("relu")};
  Option<bool> integer{
      *this, "integer",
      llvm::cl::desc("Integer mode (tern-quantize after tern-raise): int8 "
                     "activations, int32 sums; needs calibrated ranges "
                     "(tern.absmax attributes)"),
      llvm::cl::init(false)};
  Option<int> integerBits{*this, "integer-bits",
                          llvm::cl::desc("Integer mode: 8 or 16-bit "
                                         "activations"),
                          llvm::cl::init(8)};
  // The target, for tern-select-schedule (ternc fills these from --target;
  // the device follows `gpu` and `hls`).
  Option<bool> hls{*this, "hls",
                   llvm::cl::desc("Kernels run on an FPGA (HLS C++)"),
                   llvm::cl::init(false)};
  Option<bool> gpuFallback{
      *this, "gpu-fallback",
      llvm::cl::desc("With gpu: kernels the GPU cannot run go to the CPU"),
      llvm::cl::init(false)};
  Option<int> floatVectorBytes{
      *this, "float-vector-bytes",
      llvm::cl::desc("Bytes of a float vector register (64: AVX-512)"),
      llvm::cl::init(64)};
  Option<int> intVectorBytes{
      *this, "int-vector-bytes",
      llvm::cl::desc("Bytes of an integer vector register (64: AVX-512)"),
      llvm::cl::init(64)};
  Option<int> vectorRegisters{
      *this, "vector-registers",
      llvm::cl::desc("Vector registers (32 with AVX-512, 16 below)"),
      llvm::cl::init(32)};
  Option<int> hlsReuse{*this, "hls-reuse",
                       llvm::cl::desc("With hls: the default reuse factor"),
                       llvm::cl::init(1)};
};

/// Input form (func + linalg on tensors) to kernel form (linalg.generic on
/// tensors with a #tern.schedule each, no tern ops, no named linalg ops),
/// on a module. The passes, in order (Pipelines.cpp is the list):
///   raise:    tern-lower-activation-sparse, [tern-prune], [tern-ternarize],
///             tern-raise
///   (ternc calibrates here: integer-mode ranges, activation thresholds)
///   lower:    tern-activation-threshold, [tern-quantize] (integer mode),
///             [tern-classify-weights] (float mode, CPU), tern-lower-sparse,
///             tern-select-ternary-kernel, tern-lower-ternary,
///             linalg-generalize-named-ops, tern-fuse-elementwise,
///             tern-weight-layout, canonicalize, cse,
///             [tern-skip-zero-activations] (CPU)
///   schedule: tern-select-schedule

/// The whole kernel pipeline: buildRaisePipeline, buildLowerPipeline and
/// buildSchedulePipeline, exactly what ternc runs (with its calibration
/// between the first two).
void buildKernelPipeline(OpPassManager &pm,
                         const KernelPipelineOptions &options);

/// Its first half: tern-prune and tern-ternarize (if asked) and tern-raise,
/// after which
/// the model is still in float (where calibration measures ranges).
void buildRaisePipeline(OpPassManager &pm,
                        const KernelPipelineOptions &options);

/// Its second half: the activation thresholds calibration set,
/// tern-quantize (integer mode) or the sparse formats
/// (float mode on CPUs), kernel selection, the ternary lowering,
/// generalization, fusion and cleanup.
void buildLowerPipeline(OpPassManager &pm,
                        const KernelPipelineOptions &options);

/// Its last step: tern-select-schedule for the target the options
/// describe. ternc runs it once per --target variant.
void buildSchedulePipeline(OpPassManager &pm,
                           const KernelPipelineOptions &options);

/// Registers `tern-kernel-pipeline` for tern-opt.
void registerPipelines();

} // namespace mlir::tern

#endif // TERN_PIPELINES_PIPELINES_H
