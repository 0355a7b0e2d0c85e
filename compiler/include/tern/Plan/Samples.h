//===- Samples.h - Sample inputs to run a plan on ---------------*- C++ -*-===//
//
// Float sample inputs of a model, for calibration (ternc's calibrate phase)
// and the golden vectors of the HLS testbench.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_PLAN_SAMPLES_H
#define TERN_PLAN_SAMPLES_H

#include <cstdint>
#include <vector>

namespace tern::plan {

/// Sample inputs: `count` samples, each the concatenation of the model's
/// float inputs in order (`floatsPerSample` values).
struct Samples {
  std::vector<float> data;
  int64_t floatsPerSample = 0;
  int64_t count = 0;
  bool synthetic = false; ///< made up (no --calibrate file)
  const float *sample(int64_t i) const {
    return data.data() + i * floatsPerSample;
  }
};

} // namespace tern::plan

#endif // TERN_PLAN_SAMPLES_H
