//===- sparse_kernels_bench.cpp - Sparse layers against dense, one run ----===//
//
// Google Benchmark over the ternc-compiled sparse layers in a folder
// (written by bench/sparse_kernels.sh: one shared library per shape, batch,
// pattern and --sparse= format, with a NAME.txt that says which and where
// the raw f32 weights are), against, in the same run and on the same
// weights: Tern's dense f32 kernel (--sparse=dense), OpenBLAS sgemv/sgemm,
// Eigen's sparse (CSR, row-major) matrix times vector or matrix, and a
// STREAM-like triad. Layers after a ReLU (activation sparsity) run on
// inputs with 0%, 50% and 90% of them zero after the ReLU, compiled with
// and without --activation-sparsity=off.
//
//   tern_sparse_bench --models=DIR [benchmark flags]
//
//===----------------------------------------------------------------------===//

#include "tern/runtime.h"

#include "BenchCommon.h"

#include <benchmark/benchmark.h>

#ifdef TERN_BENCH_EIGEN
#include <Eigen/Core>
#include <Eigen/SparseCore>
#endif

#include <dlfcn.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

namespace {

namespace fs = std::filesystem;

using tern::bench::randomVector;
using tern::bench::weightBytesCounter;

struct OpaqueModel;
using CreateFn = tern_status (*)(OpaqueModel **, const tern_create_options *);
using RunFn = tern_status (*)(OpaqueModel *, const float *, float *);
using DestroyFn = void (*)(OpaqueModel *);
using LastErrorFn = const char *(*)();

/// One compiled layer, as NAME.txt describes it.
struct Layer {
  std::string name, pattern, format;
  int64_t m = 0, k = 0, n = 0;
  double weightBytes = 0; ///< stored bytes, as ternc reported
  std::string raw;        ///< the f32 weights, N x K
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
  if (!(in >> l.name >> l.pattern >> l.format >> l.m >> l.k >> l.n >>
        l.weightBytes >> l.raw))
    return false;
  fs::path so = txt.parent_path() / ("lib" + l.name + ".so");
  l.handle = dlopen(so.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!l.handle) {
    std::fprintf(stderr, "tern_sparse_bench: %s\n", dlerror());
    return false;
  }
  auto sym = [&](const std::string &s) { return dlsym(l.handle, s.c_str()); };
  l.create = reinterpret_cast<CreateFn>(sym(l.name + "_create"));
  l.run = reinterpret_cast<RunFn>(sym(l.name + "_run"));
  l.destroy = reinterpret_cast<DestroyFn>(sym(l.name + "_destroy"));
  l.lastError = reinterpret_cast<LastErrorFn>(sym("tern_last_error"));
  return l.create && l.run && l.destroy && l.lastError;
}

/// Runs one compiled layer on random inputs. With `zeros` >= 0 the layer
/// comes after a ReLU (pattern "relu"): that fraction of its inputs is
/// negative (zero after the ReLU) and the rest positive, so the same
/// compiled kernel runs with and without zeros to skip.
void runLayer(benchmark::State &state, const Layer *l, double zeros) {
  OpaqueModel *model = nullptr;
  if (l->create(&model, nullptr) != TERN_OK) {
    state.SkipWithError(l->lastError());
    return;
  }
  std::vector<float> x = randomVector(size_t(l->m) * l->k, 1),
                     y(size_t(l->m) * l->n);
  if (zeros >= 0) {
    std::mt19937 rng(5);
    std::bernoulli_distribution negative(zeros);
    for (float &v : x)
      v = negative(rng) ? -std::fabs(v) - 0.01f : std::fabs(v) + 0.01f;
  }
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

#ifdef TERN_BENCH_EIGEN
/// Eigen 3.4's sparse product on the same weights: W (N x K, CSR) times
/// x^T (K x m). Eigen runs a row-major sparse times dense product on
/// Eigen::nbThreads() threads (OpenMP; one per core here).
void runEigen(benchmark::State &state, const Layer *l) {
  std::ifstream in(l->raw, std::ios::binary);
  std::vector<float> w(size_t(l->n) * l->k);
  if (!in.read(reinterpret_cast<char *>(w.data()), w.size() * sizeof(float))) {
    state.SkipWithError("cannot read the raw weights");
    return;
  }
  std::vector<Eigen::Triplet<float>> nz;
  for (int64_t r = 0; r < l->n; ++r)
    for (int64_t c = 0; c < l->k; ++c)
      if (w[r * l->k + c] != 0.0f)
        nz.emplace_back(r, c, w[r * l->k + c]);
  Eigen::SparseMatrix<float, Eigen::RowMajor> a(l->n, l->k);
  a.setFromTriplets(nz.begin(), nz.end());
  a.makeCompressed();
  Eigen::MatrixXf x = Eigen::MatrixXf::Random(l->k, l->m);
  Eigen::MatrixXf y(l->n, l->m);
  for (auto _ : state) {
    y.noalias() = a * x;
    benchmark::DoNotOptimize(y.data());
  }
  // CSR: a value and a 4-byte column per nonzero, a 4-byte row pointer.
  weightBytesCounter(state, 8.0 * a.nonZeros() + 4.0 * (l->n + 1));
}
#endif

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
                 "usage: tern_sparse_bench --models=DIR [benchmark flags]\n"
                 "DIR holds the layers bench/sparse_kernels.sh compiled\n");
    return 2;
  }
  std::vector<fs::path> txts;
  for (const auto &e : fs::directory_iterator(dir))
    if (e.path().extension() == ".txt")
      txts.push_back(e.path());
  std::sort(txts.begin(), txts.end());
  layers().reserve(txts.size());
  for (const fs::path &t : txts) {
    Layer l;
    if (!load(t, l)) {
      std::fprintf(stderr, "tern_sparse_bench: cannot load %s\n", t.c_str());
      return 1;
    }
    layers().push_back(l);
  }
#ifdef TERN_BENCH_EIGEN
  Eigen::setNbThreads(
      static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
#endif

  benchmark::RegisterBenchmark("Triad", tern::bench::triad)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
  std::set<std::tuple<int64_t, int64_t, int64_t>> shapes;
  std::set<std::string> eigenDone;
  for (const Layer &l : layers()) {
    std::string shape = std::to_string(l.k) + "x" + std::to_string(l.n) + "/m" +
                        std::to_string(l.m);
    shapes.insert({l.m, l.k, l.n});
    if (l.pattern == "relu") {
      for (int zeros : {0, 50, 90})
        benchmark::RegisterBenchmark(
            ("Tern/relu" + std::to_string(zeros) + "/" + l.format + "/" + shape)
                .c_str(),
            runLayer, &l, zeros / 100.0)
            ->Unit(benchmark::kMicrosecond)
            ->UseRealTime();
      continue;
    }
    benchmark::RegisterBenchmark(
        ("Tern/" + l.pattern + "/" + l.format + "/" + shape).c_str(), runLayer,
        &l, -1.0)
        ->Unit(benchmark::kMicrosecond)
        ->UseRealTime();
#ifdef TERN_BENCH_EIGEN
    if (l.pattern != "dense" && eigenDone.insert(l.pattern + shape).second)
      benchmark::RegisterBenchmark(
          ("Eigen_sparse/" + l.pattern + "/csr/" + shape).c_str(), runEigen, &l)
          ->Unit(benchmark::kMicrosecond)
          ->UseRealTime();
#endif
  }
#ifdef TERN_BENCH_OPENBLAS
  for (auto [m, k, n] : shapes)
    benchmark::RegisterBenchmark(("OpenBLAS_f32/dense/dense/" +
                                  std::to_string(k) + "x" + std::to_string(n) +
                                  "/m" + std::to_string(m))
                                     .c_str(),
                                 tern::bench::openblasLayer, m, k, n)
        ->Unit(benchmark::kMicrosecond)
        ->UseRealTime();
#endif
  int n = static_cast<int>(args.size());
  benchmark::Initialize(&n, args.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
