//===- Report.h - The efficiency report (ternc --tern-report) ---*- C++ -*-===//
//
// Internal to TernDriver. Per layer and in total: parameters, stored bytes
// and format, the multiply-accumulates of the dense fp32 twin, the
// multiplications the compiled kernels replaced by additions, the zero
// weights they skip, a roofline time estimate and an energy estimate from a
// per-operation table (written into the report with its source). As JSON
// (docs/tern-report.schema.json), Markdown, or the short text on stderr.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_DRIVER_REPORT_H
#define TERN_DRIVER_REPORT_H

#include "tern/Analysis/DenseTwin.h"
#include "tern/Plan/ModelPlan.h"

#include <map>
#include <string>

namespace tern::driver::detail {

/// What the time estimate assumes of the machine: one core, the target's
/// vector width, a clock and a memory bandwidth.
struct MachineModel {
  int floatVectorBytes = 32; ///< 64 with AVX-512
  double clockGHz = 3.0;
  double bandwidthGBs = 25.0; ///< DRAM reads (DESIGN.md: 25-57 GB/s here)
};

struct ReportInput {
  const plan::ModelPlan *plan = nullptr;
  const std::map<std::string, mlir::tern::DenseTwinLayer> *twin = nullptr;
  std::string target; ///< the --target list as resolved
  MachineModel machine;
};

/// The report as JSON (schema "tern-report-1").
std::string reportJson(const ReportInput &in);
/// The report as a Markdown document.
std::string reportMarkdown(const ReportInput &in);

} // namespace tern::driver::detail

#endif // TERN_DRIVER_REPORT_H
