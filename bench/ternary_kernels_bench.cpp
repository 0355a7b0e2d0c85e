//===- ternary_kernels_bench.cpp - Every ternary kernel, one run ----------===//
//
// Google Benchmark over the ternc-compiled layers in a folder (written by
// bench/ternary_kernels.sh: one shared library per shape, batch and
// --ternary-kernel, with a NAME.txt that says which), against, in the same
// run and on the same shapes: OpenBLAS sgemv/sgemm on f32 weights, an int8
// GEMV of our own (AVX2 maddubs, 1 byte a weight; and with AVX-512 VNNI
// where the machine has it, Int8_own_vnni), a STREAM-like
// triad and a read-only stream, whose bandwidth gives each shape's roofline
// time (weight bytes / read bandwidth); the cost model's choices at batch > 1
// also on one thread (Tern1T/...). Libraries are loaded with dlopen, so adding
// a shape or a kernel needs no rebuild.
//
//   tern_kernel_bench --models=DIR [benchmark flags]
//
//===----------------------------------------------------------------------===//

#include "tern/runtime.h"

#include "BenchCommon.h"

#include <benchmark/benchmark.h>

#if defined(__AVX2__) || defined(__AVX512F__)
#include <immintrin.h>
#endif

#include <dlfcn.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

namespace {

namespace fs = std::filesystem;

using tern::bench::randomVector;

struct OpaqueModel;
using CreateFn = tern_status (*)(OpaqueModel **, const tern_create_options *);
using RunFn = tern_status (*)(OpaqueModel *, const float *, float *);
using DestroyFn = void (*)(OpaqueModel *);
using LastErrorFn = const char *(*)();

/// One compiled layer, as NAME.txt describes it.
struct Layer {
  std::string name, kernel;
  int64_t m = 0, k = 0, n = 0;
  double weightBytes = 0; ///< packed weights + scales, as ternc reported
  void *handle = nullptr;
  CreateFn create = nullptr;
  RunFn run = nullptr;
  DestroyFn destroy = nullptr;
  LastErrorFn lastError = nullptr;
};

std::vector<Layer> &layers() {
  static std::vector<Layer> all;
  return all;
}

bool load(const fs::path &txt, Layer &l) {
  std::ifstream in(txt);
  if (!(in >> l.name >> l.kernel >> l.m >> l.k >> l.n >> l.weightBytes))
    return false;
  fs::path so = txt.parent_path() / ("lib" + l.name + ".so");
  l.handle = dlopen(so.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!l.handle) {
    std::fprintf(stderr, "tern_kernel_bench: %s\n", dlerror());
    return false;
  }
  l.create =
      reinterpret_cast<CreateFn>(dlsym(l.handle, (l.name + "_create").c_str()));
  l.run = reinterpret_cast<RunFn>(dlsym(l.handle, (l.name + "_run").c_str()));
  l.destroy = reinterpret_cast<DestroyFn>(
      dlsym(l.handle, (l.name + "_destroy").c_str()));
  l.lastError =
      reinterpret_cast<LastErrorFn>(dlsym(l.handle, "tern_last_error"));
  return l.create && l.run && l.destroy && l.lastError;
}

using tern::bench::weightBytesCounter;

/// Runs one layer with at most `threads` kernel threads (the instance's
/// limit in its create options; the pool has one thread per hardware
/// thread).
void runLayer(benchmark::State &state, const Layer *l, int threads) {
  OpaqueModel *model = nullptr;
  tern_create_options options{};
  options.num_threads = threads;
  if (l->create(&model, &options) != TERN_OK) {
    state.SkipWithError(l->lastError());
    return;
  }
  std::vector<float> x = randomVector(size_t(l->m) * l->k, 1),
                     y(size_t(l->m) * l->n);
  for (auto _ : state) {
    if (l->run(model, x.data(), y.data()) != TERN_OK) {
      state.SkipWithError(l->lastError());
      break;
    }
    benchmark::DoNotOptimize(y.data());
  }
  l->destroy(model);
  weightBytesCounter(state, l->weightBytes);
}

/// int8 x int8 GEMV of our own (labelled as such in the results): int8
/// weights (1 byte each, N x K), int8 activations, int32 sums, one thread
/// per core over rows. AVX2: |x| as u8 times sign-adjusted w with maddubs,
/// pairs summed with madd; scalar elsewhere.
void int8Rows(const int8_t *w, const int8_t *x, int32_t *y, int64_t k,
              int64_t begin, int64_t end) {
  for (int64_t r = begin; r < end; ++r) {
    const int8_t *row = w + r * k;
    int64_t c = 0;
    int32_t sum = 0;
#if defined(__AVX2__)
    __m256i acc = _mm256_setzero_si256();
    const __m256i ones = _mm256_set1_epi16(1);
    for (; c + 32 <= k; c += 32) {
      __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(x + c));
      __m256i b =
          _mm256_loadu_si256(reinterpret_cast<const __m256i *>(row + c));
      __m256i p =
          _mm256_maddubs_epi16(_mm256_sign_epi8(a, a), _mm256_sign_epi8(b, a));
      acc = _mm256_add_epi32(acc, _mm256_madd_epi16(p, ones));
    }
    alignas(32) int32_t lanes[8];
    _mm256_store_si256(reinterpret_cast<__m256i *>(lanes), acc);
    for (int32_t v : lanes)
      sum += v;
#endif
    for (; c < k; ++c)
      sum += int32_t(row[c]) * x[c];
    y[r] = sum;
  }
}

/// Random int8 weights (n x k) and activations (k) for the int8 GEMVs.
struct Int8Problem {
  std::vector<int8_t> w, x;
  Int8Problem(int64_t k, int64_t n) : w(size_t(n) * k), x(k) {
    std::mt19937 rng(3);
    std::uniform_int_distribution<int> dist(-127, 127);
    for (int8_t &v : w)
      v = static_cast<int8_t>(dist(rng));
    for (int8_t &v : x)
      v = static_cast<int8_t>(dist(rng));
  }
};

/// Runs rows(t) on one thread per core, t = 0 on the calling one.
template <typename Rows> void onEveryCore(Rows &&rows) {
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t)
    pool.emplace_back(rows, t, threads);
  rows(0u, threads);
  for (std::thread &t : pool)
    t.join();
}

#if defined(__AVX512VNNI__) && defined(__AVX512BW__)
/// The same GEMV with AVX-512 VNNI: vpdpbusd needs unsigned activations, so
/// x is offset by 128 (x ^ 0x80) and 128 * sum_k w (per row, computed once
/// with the weights) is subtracted; 64 products an instruction, 4 rows at a
/// time sharing each activation load.
void int8RowsVnni(const int8_t *w, const int8_t *x, const int32_t *wsum,
                  int32_t *y, int64_t k, int64_t begin, int64_t end) {
  const __m512i flip = _mm512_set1_epi8(static_cast<char>(0x80));
  int64_t r = begin;
  for (; r + 4 <= end; r += 4) {
    __m512i acc[4] = {_mm512_setzero_si512(), _mm512_setzero_si512(),
                      _mm512_setzero_si512(), _mm512_setzero_si512()};
    int64_t c = 0;
    for (; c + 64 <= k; c += 64) {
      __m512i a = _mm512_xor_si512(_mm512_loadu_si512(x + c), flip);
      for (int j = 0; j < 4; ++j)
        acc[j] = _mm512_dpbusd_epi32(acc[j], a,
                                     _mm512_loadu_si512(w + (r + j) * k + c));
    }
    for (int j = 0; j < 4; ++j) {
      alignas(64) int32_t lanes[16];
      _mm512_store_si512(lanes, acc[j]);
      int32_t sum = -128 * wsum[r + j];
      for (int32_t v : lanes)
        sum += v;
      for (int64_t t = c; t < k; ++t)
        sum += int32_t(w[(r + j) * k + t]) * x[t];
      y[r + j] = sum;
    }
  }
  if (r < end)
    int8Rows(w, x, y, k, r, end);
}

void runInt8GemvVnni(benchmark::State &state, int64_t k, int64_t n) {
  Int8Problem p(k, n);
  std::vector<int32_t> wsum(n, 0), y(n), ref(n);
  for (int64_t r = 0; r < n; ++r)
    for (int64_t c = 0; c < k - k % 64; ++c)
      wsum[r] += p.w[r * k + c];
  int8Rows(p.w.data(), p.x.data(), ref.data(), k, 0, n);
  auto rows = [&](unsigned t, unsigned threads) {
    int64_t b = n * t / threads / 4 * 4,
            e = t + 1 == threads ? n : n * (t + 1) / threads / 4 * 4;
    int8RowsVnni(p.w.data(), p.x.data(), wsum.data(), y.data(), k, b, e);
  };
  for (auto _ : state) {
    onEveryCore(rows);
    benchmark::DoNotOptimize(y.data());
  }
  if (y != ref)
    state.SkipWithError("VNNI GEMV disagrees with the scalar int8 GEMV");
  weightBytesCounter(state, double(n) * k);
}
#endif

void runInt8Gemv(benchmark::State &state, int64_t k, int64_t n) {
  Int8Problem p(k, n);
  std::vector<int32_t> y(n);
  auto rows = [&](unsigned t, unsigned threads) {
    int8Rows(p.w.data(), p.x.data(), y.data(), k, n * t / threads,
             n * (t + 1) / threads);
  };
  for (auto _ : state) {
    onEveryCore(rows);
    benchmark::DoNotOptimize(y.data());
  }
  weightBytesCounter(state, double(n) * k);
}

} // namespace

int main(int argc, char **argv) {
  std::string dir;
  std::vector<char *> args;
  for (int i = 0; i < argc; ++i) {
    if (std::strncmp(argv[i], "--models=", 9) == 0)
      dir = argv[i] + 9;
    else
      args.push_back(argv[i]);
  }
  if (dir.empty() || !fs::is_directory(dir)) {
    std::fprintf(stderr,
                 "usage: tern_kernel_bench --models=DIR [benchmark flags]\n"
                 "DIR holds the layers bench/ternary_kernels.sh compiled\n");
    return 2;
  }
  std::vector<fs::path> txts;
  for (const auto &e : fs::directory_iterator(dir))
    if (e.path().extension() == ".txt")
      txts.push_back(e.path());
  std::sort(txts.begin(), txts.end());
  for (const fs::path &t : txts) {
    Layer l;
    if (!load(t, l)) {
      std::fprintf(stderr, "tern_kernel_bench: cannot load %s\n", t.c_str());
      return 1;
    }
    layers().push_back(l);
  }

  benchmark::RegisterBenchmark("Triad", tern::bench::triad)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
  benchmark::RegisterBenchmark("Read", tern::bench::streamRead)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
  std::set<std::tuple<int64_t, int64_t, int64_t>> shapes;
  for (const Layer &l : layers())
    shapes.insert({l.m, l.k, l.n});
  int threads =
      static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  for (const Layer &l : layers()) {
    std::string layer = l.kernel + "/" + std::to_string(l.k) + "x" +
                        std::to_string(l.n) + "/m" + std::to_string(l.m);
    benchmark::RegisterBenchmark(("Tern/" + layer).c_str(), runLayer, &l,
                                 threads)
        ->Unit(benchmark::kMicrosecond)
        ->UseRealTime();
    // Thread scaling of the cost model's choices where the weights are
    // reused (batch > 1): the same layer on one thread.
    if (l.kernel.rfind("auto", 0) == 0 && l.m > 1 && threads > 1)
      benchmark::RegisterBenchmark(("Tern1T/" + layer).c_str(), runLayer, &l, 1)
          ->Unit(benchmark::kMicrosecond)
          ->UseRealTime();
  }
  for (auto [m, k, n] : shapes) {
    std::string shape =
        std::to_string(k) + "x" + std::to_string(n) + "/m" + std::to_string(m);
#ifdef TERN_BENCH_OPENBLAS
    benchmark::RegisterBenchmark(("OpenBLAS_f32/" + shape).c_str(),
                                 tern::bench::openblasLayer, m, k, n)
        ->Unit(benchmark::kMicrosecond)
        ->UseRealTime();
#endif
    if (m == 1)
      benchmark::RegisterBenchmark(("Int8_own_avx2/" + shape).c_str(),
                                   runInt8Gemv, k, n)
          ->Unit(benchmark::kMicrosecond)
          ->UseRealTime();
#if defined(__AVX512VNNI__) && defined(__AVX512BW__)
    if (m == 1)
      benchmark::RegisterBenchmark(("Int8_own_vnni/" + shape).c_str(),
                                   runInt8GemvVnni, k, n)
          ->Unit(benchmark::kMicrosecond)
          ->UseRealTime();
#endif
  }
  int n = static_cast<int>(args.size());
  benchmark::Initialize(&n, args.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
