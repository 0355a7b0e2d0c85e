//===- Driver.h - The ternc compile driver as a library ---------*- C++ -*-===//
//
// Everything `ternc` does, callable from tests: read a model, run the kernel
// pipeline (with calibration between its halves), choose the schedules,
// plan the model, compile its kernels with Halide, write the C header,
// driver and weights, and link the static and shared libraries with the
// system's C compiler and archiver. The phases are listed, in order, in
// Driver.cpp's Compilation::run. The tool only binds flags to these options.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_DRIVER_DRIVER_H
#define TERN_DRIVER_DRIVER_H

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace tern::driver {

/// What ternc produces.
enum class EmitKind {
  Mlir,       ///< the input as parsed and verified
  Kernel,     ///< the IR after the kernel pipeline (with its schedules)
  HalideStmt, ///< Halide's lowered statement of every kernel
  Asm,        ///< the assembly of every kernel
  Obj,        ///< one relocatable object: kernels, driver, weights
  Lib         ///< lib<name>.a, lib<name>.so, <name>.h, tern/runtime.h
};

/// --ternary-kernel: how ternary layers compute (tern-select-ternary-kernel).
enum class TernaryKernel { Auto, I2, Bitplane, Base3, Lut, Int8 };
/// --sparse: the sparse weight formats (tern-classify-weights).
enum class SparseFormat { Auto, Dense, Ell, NM, Bsr };
/// --activation-sparsity: skip the zero inputs a ReLU produces, or not.
enum class ActivationSparsity { Relu, Off };
/// What --tern-report writes: remarks and a summary on stderr (text), or
/// the efficiency report as JSON or Markdown.
enum class ReportFormat { None, Text, Json, Markdown };

/// The spellings of the enums on the command line and in the passes'
/// options ("auto", "i2", "nm", "relu" ...).
const char *spelling(TernaryKernel k);
const char *spelling(SparseFormat f);
const char *spelling(ActivationSparsity a);
const char *spelling(ReportFormat f);

/// Phase 1, import: the model and how to read it.
struct ImportOptions {
  /// .mlir or .onnx file, a language-model checkpoint (a Hugging Face
  /// folder or a .gguf file), or "-" (MLIR on stdin)
  std::string input = "-";
  std::string entry; ///< function to compile ("" = the only public)
  /// ONNX inputs: static shapes for inputs with dynamic dimensions.
  std::map<std::string, std::vector<int64_t>> inputShapes;
  /// ONNX inputs compiled as constants: name -> TensorProto file.
  std::map<std::string, std::string> frozenInputs;
  /// Language-model checkpoints: the token window the model is built for
  /// (0: the model's context, at most 128).
  int64_t seqLen = 0;
};

/// Phases 2 and 4, raise and lower: what the passes do to the model.
struct ModelOptions {
  /// Post-training ternarization: off, or on with a layer selection
  /// ("" = all but the first and last, "all", or names).
  bool ternarize = false;
  std::string ternarizeLayers;
  /// Compile-time pruning (tern-prune): pattern ("" = none), layers, and
  /// a global threshold for unstructured pruning.
  std::string prune;
  std::string pruneLayers;
  bool pruneGlobal = false;
  TernaryKernel ternaryKernel = TernaryKernel::Auto;
  /// 0: float activations; 8: int8 activations for ternary layers.
  int activationBits = 0;
  SparseFormat sparse = SparseFormat::Auto;
  ActivationSparsity activationSparsity = ActivationSparsity::Relu;
  /// Integer (fixed-point) mode on the CPU (implied by target "hls"), and
  /// its activation width, 8 or 16.
  bool integer = false;
  int integerBits = 8;
};

/// Phase 3, calibrate: the samples the float model runs on.
struct CalibrationOptions {
  /// Integer mode: raw f32 sample inputs for the ranges ("" = synthetic).
  std::string integerSamples;
  /// TEAL-style thresholds: raw f32 samples ("" = none), the fraction of
  /// each layer's inputs to zero, and the layers ("" = all).
  std::string thresholdSamples;
  double thresholdSparsity = 0.5;
  std::string thresholdLayers;
};

/// Phases 5 to 7, schedule, plan and kernels: where the model runs.
struct TargetOptions {
  /// "host", "cuda", "host-cuda", "hls", a Halide target string, or a
  /// comma-separated list of CPU targets (one library, chosen at run time).
  std::string target = "host";
  /// target "hls": FPGA part, clock period and default reuse factor.
  std::string fpgaPart = "xc7z020clg400-1";
  double clockNs = 10.0;
  int hlsReuse = 1;
};

/// Phases 8 and 9, write and link: the outputs and the toolchain.
struct OutputOptions {
  std::string output; ///< directory (obj, lib) or file ("" = stdout)
  std::string name;   ///< C prefix; default: the input file's stem
  EmitKind emit = EmitKind::Lib;
  bool keepTemps = false; ///< keep <output>/<name>.build/
  std::string cc;         ///< C compiler ("" = $CC or cc)
  std::string ar;         ///< archiver ("" = ar)
  std::string argv0;      ///< to find the installed runtime
};

/// What ternc tells the user along the way.
struct DiagnosticOptions {
  std::vector<std::string> dumpAfter; ///< pass arguments to print after
  bool report = false;                ///< print the compile report
  /// --tern-report=json|md: the efficiency report (per layer and in total:
  /// parameters, bytes, operations against the dense fp32 twin, estimated
  /// time and energy) written to `reportFile`.
  ReportFormat reportFormat = ReportFormat::None;
  /// "" = <name>.report.<json|md> in the output directory (the current
  /// directory for the text emits); "-" = stdout.
  std::string reportFile;
  bool quiet = false;         ///< no progress lines
  bool printPipeline = false; ///< print the passes, in tern-opt's syntax
};

struct Options {
  ImportOptions import;
  ModelOptions model;
  CalibrationOptions calibration;
  TargetOptions target;
  OutputOptions output;
  DiagnosticOptions diagnostics;
};

/// Runs one compile. Diagnostics and progress go to stderr, the emitted text
/// (mlir, kernel, halide-stmt without -o) to stdout. Returns 0 on success.
int compile(const Options &options, mlir::DialectRegistry &registry);

} // namespace tern::driver

#endif // TERN_DRIVER_DRIVER_H
