//===- matmul_bench.cpp - Ternary vs dense layers, one run --------*- C++
//-*-===//
//
// One fully connected layer of BitNet b1.58 2B's shape (2560 x 2560), at
// batch 1 (GEMV, decode) and batch 8, compiled by ternc twice: with ternary
// weights (2-bit packed, add/subtract kernel) and with dense f32 weights
// (Halide's dense kernel), against OpenBLAS sgemv/sgemm on the same shape,
// and a STREAM-like triad that gives this machine's memory bandwidth in the
// same run. Counters: weight bytes streamed per second, so each result reads
// against the triad's bandwidth (the roofline for a memory-bound GEMV).
//
//===----------------------------------------------------------------------===//

#include "d2560_m1.h"
#include "d2560_m8.h"
#include "t2560_m1.h"
#include "t2560_m8.h"

#include "BenchCommon.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <random>
#include <thread>
#include <vector>

namespace {

constexpr int kK = 2560, kN = 2560;

using tern::bench::randomVector;

/// Runs a ternc-compiled model in a benchmark loop.
template <typename Model, typename Create, typename Run, typename Destroy>
void runModel(benchmark::State &state, Create create, Run run, Destroy destroy,
              int m, double weightBytes) {
  Model *model = nullptr;
  if (create(&model, nullptr) != TERN_OK) {
    state.SkipWithError(tern_last_error());
    return;
  }
  std::vector<float> x = randomVector(size_t(m) * kK, 1), y(size_t(m) * kN);
  for (auto _ : state) {
    if (run(model, x.data(), y.data()) != TERN_OK) {
      state.SkipWithError(tern_last_error());
      break;
    }
    benchmark::DoNotOptimize(y.data());
  }
  destroy(model);
  tern::bench::weightBytesCounter(state, weightBytes);
}

// Ternary weights: 2 bits each plus one f32 scale per row.
constexpr double kTernaryBytes = double(kN) * kK / 4 + 4.0 * kN;
constexpr double kDenseBytes = 4.0 * kN * kK;

void BM_TernTernary_GEMV(benchmark::State &state) {
  runModel<t2560_m1_model>(state, t2560_m1_create, t2560_m1_run,
                           t2560_m1_destroy, 1, kTernaryBytes);
}
void BM_TernDense_GEMV(benchmark::State &state) {
  runModel<d2560_m1_model>(state, d2560_m1_create, d2560_m1_run,
                           d2560_m1_destroy, 1, kDenseBytes);
}
void BM_TernTernary_GEMM8(benchmark::State &state) {
  runModel<t2560_m8_model>(state, t2560_m8_create, t2560_m8_run,
                           t2560_m8_destroy, 8, kTernaryBytes);
}
void BM_TernDense_GEMM8(benchmark::State &state) {
  runModel<d2560_m8_model>(state, d2560_m8_create, d2560_m8_run,
                           d2560_m8_destroy, 8, kDenseBytes);
}

#ifdef TERN_BENCH_OPENBLAS
void BM_OpenBLAS(benchmark::State &state) {
  tern::bench::openblasLayer(state, state.range(0), kK, kN);
}
#endif

/// The triad of BenchCommon.h, under the name earlier results use.
void BM_Triad(benchmark::State &state) { tern::bench::triad(state); }

} // namespace

BENCHMARK(BM_Triad)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_TernTernary_GEMV)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(BM_TernDense_GEMV)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(BM_TernTernary_GEMM8)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(BM_TernDense_GEMM8)->Unit(benchmark::kMicrosecond)->UseRealTime();
#ifdef TERN_BENCH_OPENBLAS
BENCHMARK(BM_OpenBLAS)
    ->Arg(1)
    ->Arg(8)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();
#endif

BENCHMARK_MAIN();
