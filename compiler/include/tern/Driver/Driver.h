//===- Driver.h - The ternc compile driver as a library ---------*- C++ -*-===//
//
// Everything `ternc` does, callable from tests: read a model, run the kernel
// pipeline, plan the model, compile its kernels with Halide, print the C
// header, driver and weights, and link the static and shared libraries with
// the system's C compiler and archiver. The tool only parses flags.
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
  Kernel,     ///< the IR after the kernel pipeline
  HalideStmt, ///< Halide's lowered statement of every kernel
  Asm,        ///< the assembly of every kernel
  Obj,        ///< one relocatable object: kernels, driver, weights
  Lib         ///< lib<name>.a, lib<name>.so, <name>.h, tern/runtime.h
};

struct Options {
  std::string input = "-"; ///< .mlir or .onnx file, or "-" (MLIR on stdin)
  std::string output;      ///< directory (obj, lib) or file ("" = stdout)
  std::string name;        ///< C prefix; default: the input file's stem
  EmitKind emit = EmitKind::Lib;
  std::string target = "host"; ///< Halide target string
  std::string entry;           ///< function to compile ("" = the only public)
  std::vector<std::string> dumpAfter; ///< pass arguments to print after
  bool report = false;                ///< print the compile report
  bool quiet = false;                 ///< no progress lines
  bool keepTemps = false;             ///< keep <output>/<name>.build/
  std::string cc;                     ///< C compiler ("" = $CC or cc)
  std::string ar;                     ///< archiver ("" = ar)
  std::string argv0;                  ///< to find the installed runtime
  /// Post-training ternarization: off, or on with a layer selection
  /// ("" = all but the first and last, "all", or names).
  bool ternarize = false;
  std::string ternarizeLayers;
  /// Kernel of the ternary layers (tern-select-ternary-kernel): "auto" or
  /// i2, bitplane, base3, lut, int8.
  std::string ternaryKernel = "auto";
  /// 0: float activations; 8: int8 activations for ternary layers.
  int activationBits = 0;
  /// Compile-time pruning (tern-prune): pattern ("" = none), layers, and
  /// a global threshold for unstructured pruning.
  std::string prune;
  std::string pruneLayers;
  bool pruneGlobal = false;
  /// Sparse weight formats: auto, dense, ell, nm, bsr.
  std::string sparse = "auto";
  /// Activation sparsity: "relu" (skip zero inputs after a ReLU) or "off".
  std::string activationSparsity = "relu";
  /// TEAL-style thresholds: raw f32 calibration samples ("" = none), the
  /// fraction of each layer's inputs to zero, and the layers ("" = all).
  std::string activationThresholdSamples;
  double activationThresholdSparsity = 0.5;
  std::string activationThresholdLayers;
  /// Integer (fixed-point) mode on the CPU (implied by target "hls").
  bool integer = false;
  /// Integer mode: activation width, 8 or 16.
  int integerBits = 8;
  /// Integer mode: raw f32 sample inputs for calibration ("" = synthetic).
  std::string calibrate;
  /// target "hls": FPGA part, clock period and reuse factor (<= 0: 1).
  std::string fpgaPart = "xc7z020clg400-1";
  double clockNs = 10.0;
  int hlsReuse = 1;
  /// ONNX inputs: static shapes for inputs with dynamic dimensions.
  std::map<std::string, std::vector<int64_t>> inputShapes;
  /// ONNX inputs compiled as constants: name -> TensorProto file.
  std::map<std::string, std::string> frozenInputs;
};

/// Runs one compile. Diagnostics and progress go to stderr, the emitted text
/// (mlir, kernel, halide-stmt without -o) to stdout. Returns 0 on success.
int compile(const Options &options, mlir::DialectRegistry &registry);

} // namespace tern::driver

#endif // TERN_DRIVER_DRIVER_H
