//===- BenchCommon.h - What every Tern benchmark shares ---------*- C++ -*-===//
//
// Seeded random inputs and the STREAM-like triad whose bandwidth is the
// roofline of a memory-bound layer, so that every benchmark binary measures
// the machine the same way in its own run. Header-only.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_BENCH_BENCHCOMMON_H
#define TERN_BENCH_BENCHCOMMON_H

#include <benchmark/benchmark.h>

#ifdef TERN_BENCH_OPENBLAS
#include <cblas.h>
#endif

#include <algorithm>
#include <cstdint>
#include <random>
#include <thread>
#include <vector>

namespace tern::bench {

inline std::vector<float> randomVector(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float &x : v)
    x = dist(rng);
  return v;
}

/// a[i] = b[i] + s * c[i] over 3 x 64 MiB, one thread per core: bytes moved
/// per second is the practical memory bandwidth (the roofline of a
/// memory-bound GEMV).
inline void triad(benchmark::State &state) {
  const size_t n = size_t(16) << 20;
  std::vector<float> a(n), b = randomVector(n, 3), c = randomVector(n, 4);
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  auto run = [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i)
      a[i] = b[i] + 3.0f * c[i];
  };
  for (auto _ : state) {
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t)
      pool.emplace_back(run, n * t / threads, n * (t + 1) / threads);
    for (std::thread &t : pool)
      t.join();
    benchmark::DoNotOptimize(a.data());
  }
  state.counters["bytes_per_s"] = benchmark::Counter(
      3.0 * 4 * n, benchmark::Counter::kIsIterationInvariantRate,
      benchmark::Counter::kIs1024);
}

/// Read-only streaming: every thread sums its share of a 64 MiB array. A
/// batch-1 layer only reads its weights, and reading streams faster than
/// the triad (whose stores also cost a read for ownership), so this is the
/// roofline for weight-streaming kernels.
inline void streamRead(benchmark::State &state) {
  const size_t n = size_t(16) << 20;
  std::vector<uint32_t> a(n);
  for (size_t i = 0; i < n; ++i)
    a[i] = static_cast<uint32_t>(i * 2654435761u);
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  std::vector<uint32_t> sums(threads);
  auto run = [&](unsigned t) {
    uint32_t sum = 0;
    for (size_t i = n * t / threads, end = n * (t + 1) / threads; i < end; ++i)
      sum += a[i];
    sums[t] = sum;
  };
  for (auto _ : state) {
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t)
      pool.emplace_back(run, t);
    for (std::thread &t : pool)
      t.join();
    benchmark::DoNotOptimize(sums.data());
  }
  state.counters["bytes_per_s"] =
      benchmark::Counter(4.0 * n, benchmark::Counter::kIsIterationInvariantRate,
                         benchmark::Counter::kIs1024);
}

/// Weight bytes streamed per second, as every layer benchmark reports them
/// (compare with the triad's bytes_per_s).
inline void weightBytesCounter(benchmark::State &state, double bytes) {
  state.counters["weight_bytes_per_s"] =
      benchmark::Counter(bytes, benchmark::Counter::kIsIterationInvariantRate,
                         benchmark::Counter::kIs1024);
}

#ifdef TERN_BENCH_OPENBLAS
/// OpenBLAS on the layer the models compute: y[m x N] = x[m x K] * W^T with
/// f32 W row-major N x K (sgemv for m = 1, sgemm otherwise).
inline void openblasLayer(benchmark::State &state, int64_t m, int64_t k,
                          int64_t n) {
  std::vector<float> w = randomVector(size_t(n) * k, 2);
  std::vector<float> x = randomVector(size_t(m) * k, 1), y(size_t(m) * n);
  for (auto _ : state) {
    if (m == 1)
      cblas_sgemv(CblasRowMajor, CblasNoTrans, n, k, 1.0f, w.data(), k,
                  x.data(), 1, 0.0f, y.data(), 1);
    else
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, 1.0f,
                  x.data(), k, w.data(), k, 0.0f, y.data(), n);
    benchmark::DoNotOptimize(y.data());
  }
  weightBytesCounter(state, 4.0 * n * k);
}
#endif

} // namespace tern::bench

#endif // TERN_BENCH_BENCHCOMMON_H
