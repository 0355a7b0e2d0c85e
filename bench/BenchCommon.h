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

#include <algorithm>
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

} // namespace tern::bench

#endif // TERN_BENCH_BENCHCOMMON_H
