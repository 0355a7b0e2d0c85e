//===- HlsProject.h - An HLS project from a plan ----------------*- C++ -*-===//
//
// The second emitter of a plan (after LibraryWriter.h's C library): the
// directory `ternc --target=hls` writes: the model as one HLS
// C++ top function (NAME.cpp, NAME.h), a C-simulation testbench with golden
// vectors from Tern's CPU build of the same integer plan (NAME_tb.cpp), a
// Vitis HLS script (run_hls.tcl) and the per-layer schedule and resource
// estimate (report.md, report.json).
//
//===----------------------------------------------------------------------===//

#ifndef TERN_EMIT_HLSPROJECT_H
#define TERN_EMIT_HLSPROJECT_H

#include "tern/Plan/ModelPlan.h"
#include "tern/Plan/Samples.h"

#include <string>
#include <vector>

namespace tern::emit {

struct HlsOptions {
  std::string outDir;
  std::string fpgaPart = "xc7z020clg400-1";
  double clockNs = 10;
  int reuse = 1; ///< the default reuse factor, for the report (the
                 ///< schedules, tern-select-schedule, applied it)
  std::string source;
  bool quiet = false;
  /// Samples in the testbench (at most).
  int testbenchSamples = 8;
};

/// Writes the project for the integer `plan`; golden vectors are computed
/// from `samples` (float inputs, quantized with the input scales). Returns
/// 0, or 1 after printing an error.
int emitHlsProject(const ::tern::plan::ModelPlan &plan,
                   const ::tern::plan::Samples &samples,
                   const HlsOptions &options);

} // namespace tern::emit

#endif // TERN_EMIT_HLSPROJECT_H
