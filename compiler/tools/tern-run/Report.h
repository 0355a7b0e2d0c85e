//===- Report.h - What tern-run prints --------------------------*- C++ -*-===//
#ifndef TERN_RUN_REPORT_H
#define TERN_RUN_REPORT_H

#include "Npy.h"
#include "Options.h"
#include "Profile.h"

#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

namespace tern_run {

// A model that failed to create or run: exit status 1.
struct RuntimeError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Buffer {
  std::string name;
  ElemType type = ElemType::F32;
  std::vector<int64_t> shape;
  std::vector<unsigned char> data;
  int64_t numElements() const {
    int64_t n = 1;
    for (int64_t d : shape)
      n *= d;
    return n;
  }
};

struct InputSummary {
  std::string name;
  ElemType type;
  std::vector<int64_t> shape;
  std::string source; // a file, or "random (seed N)"
};

struct OutputSummary {
  std::string name;
  ElemType type;
  std::vector<int64_t> shape;
  int64_t elements = 0;
  double min = 0, max = 0, mean = 0;
  std::vector<std::pair<int64_t, double>> top; // 1-D or [1, N] outputs
};

struct CompareResult {
  std::string name, file;
  bool ok = true;
  int64_t elements = 0, mismatches = 0;
  double rtol = 0, atol = 0;
  int64_t worstIndex = -1;
  std::vector<int64_t> worstCoords;
  double worstGot = 0, worstExpected = 0;
};

struct BenchStats {
  int threads = 0;
  int runs = 0;
  double medianMs = 0, minMs = 0, maxMs = 0, meanMs = 0, runsPerSecond = 0;
};

struct Report {
  Format format = Format::Text;
  std::string model, library, target;
  int64_t weightBytes = -1, arenaBytes = -1, peakRssBytes = -1;
  std::vector<InputSummary> inputs;
  std::vector<OutputSummary> outputs;
  std::vector<std::string> written;
  std::vector<CompareResult> compares;
  bool benchRan = false;
  int warmup = 0, repetitions = 0;
  std::vector<BenchStats> bench;
  Profile profile;
};

OutputSummary summarize(const Buffer &b);
BenchStats benchStats(int threads, std::vector<double> ms);
std::vector<int64_t> unravel(int64_t index, const std::vector<int64_t> &shape);
void printReport(const Report &r, FILE *out);

} // namespace tern_run

#endif
