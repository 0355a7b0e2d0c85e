//===- Profile.h - tern-run --profile: time per layer -----------*- C++ -*-===//
//
// The per-layer profile: the library times each kernel call and adds it to
// the call's layer (NAME_set_profiling, NAME_profile); tern-run puts beside
// each layer what it achieved (GB/s over the bytes its kernels move, G op/s)
// and its roofline time (those bytes over the read bandwidth, measured in
// the same run over varied data: constant pages can be deduplicated by the
// host and read faster than DRAM).
//
//===----------------------------------------------------------------------===//

#ifndef TERN_RUN_PROFILE_H
#define TERN_RUN_PROFILE_H

#include <cstdint>
#include <string>
#include <vector>

namespace tern_run {

struct LayerProfile {
  std::string name, op, format;
  int64_t weightBytes = 0, bytes = 0, ops = 0;
  int kernelCalls = 0;
  double seconds = 0; ///< mean per run
  double share = 0;   ///< of the layers' total
  double gbPerSecond() const { return seconds > 0 ? bytes / seconds / 1e9 : 0; }
  double gopPerSecond() const { return seconds > 0 ? ops / seconds / 1e9 : 0; }
};

struct Profile {
  bool ran = false;
  int threads = 0, runs = 0;
  double readGBs = 0; ///< measured (or --bandwidth)
  bool bandwidthGiven = false;
  std::vector<LayerProfile> layers;
  double totalSeconds() const;
  /// The layer's roofline time: its bytes over the read bandwidth.
  double rooflineSeconds(const LayerProfile &l) const {
    return readGBs > 0 ? l.bytes / (readGBs * 1e9) : 0;
  }
};

/// Read bandwidth in GB/s: `threads` threads (0: the hardware's) summing a
/// 128 MiB array of pseudo-random words, best of a few passes.
double measureReadBandwidth(int threads);

/// Writes `p` as an SVG bar chart (per layer: bytes moved, operations and
/// time, three panels side by side); throws UsageError if it cannot.
void writeProfileSvg(const std::string &path, const std::string &model,
                     const Profile &p);

} // namespace tern_run

#endif // TERN_RUN_PROFILE_H
