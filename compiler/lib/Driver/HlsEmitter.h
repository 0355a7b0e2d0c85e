//===- HlsEmitter.h - ternc --target=hls: an HLS project from a plan -*- C++
//-*-//
//
// Writes the directory `ternc --target=hls` promises: the model as one HLS
// C++ top function (NAME.cpp, NAME.h), a C-simulation testbench with golden
// vectors from Tern's CPU build of the same integer plan (NAME_tb.cpp), a
// Vitis HLS script (run_hls.tcl) and the per-layer schedule and resource
// estimate (report.md, report.json).
//
//===----------------------------------------------------------------------===//

#ifndef TERN_DRIVER_HLSEMITTER_H
#define TERN_DRIVER_HLSEMITTER_H

#include "Calibrate.h"

#include "tern/Compiler/ModelPlan.h"

#include <string>
#include <vector>

namespace tern::driver {

struct HlsOptions {
  std::string outDir;
  std::string fpgaPart = "xc7z020clg400-1";
  double clockNs = 10;
  int reuse = 1; ///< for kernels without their own `tern.hls_reuse`
  std::string source;
  bool quiet = false;
  /// Samples in the testbench (at most).
  int testbenchSamples = 8;
};

/// Writes the project for the integer `plan`; golden vectors are computed
/// from `samples` (float inputs, quantized with the input scales). Returns
/// 0, or 1 after printing an error.
int emitHlsProject(const ::tern::plan::ModelPlan &plan, const Samples &samples,
                   const HlsOptions &options);

} // namespace tern::driver

#endif // TERN_DRIVER_HLSEMITTER_H
