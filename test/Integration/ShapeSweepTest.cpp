//===- ShapeSweepTest.cpp - every kernel kind over a grid of shapes -------===//
//
// A kernel is correct when it is correct for every size, not for the sizes a
// test happened to pick. Issue 19 was a schedule that gave wrong answers or
// wrote past its buffer at batch 1 for output widths that are not a whole
// number of its chunks (400, 640, 1152, 2000, ...): the other suites used a
// handful of small shapes and never saw it.
//
// Each case here is one kernel kind (dense, every ternary kernel, every
// sparse format, activation-sparse layers after a ReLU, pooling and
// normalization reductions) at one batch size M and one CPU target. It
// compiles one model with ternc whose function holds many independent
// branches, one input and one output each: single layers over a grid of
// output widths N (1, residues around 16 and 64, primes, the widths of
// issue 19, sizes just past every chunk and block boundary the schedules
// use, and 4096 + 16) and input widths K, and two-layer chains. Every output
// is compared with the plain reference of E2E.h at a tolerance scaled to K,
// at 1 and 2 threads.
//
// ctest runs the fast grid (label "sweep"). TERN_SWEEP=wide widens it:
// every batch size of the issue for every kind, and every kind on the AVX2
// target too (README: "Shape sweep").
//
//===----------------------------------------------------------------------===//

#include "E2E.h"

namespace {

using namespace tern::e2e;

//===----------------------------------------------------------------------===//
// Kinds
//===----------------------------------------------------------------------===//

enum class Op {
  Layers,    ///< a chain of fully connected layers (E2E.h's Layer)
  Pool,      ///< global average pool: M x C x 7 x 7 -> M x C
  LayerNorm, ///< per row: (x - mean) / sqrt(var + 1e-5), M x C
};

/// One kernel kind: how its layers' weights are made, the ternc flags that
/// select it, and the report line that shows a layer took it.
struct Kind {
  const char *name;
  Op op = Op::Layers;
  std::vector<std::string> flags;
  /// A substring of `ternc --tern-report` that shows a layer took the kind;
  /// it must appear at least once in the model's report.
  const char *expect = nullptr;
  /// Weights of one layer (N x K, row-major).
  std::function<std::vector<float>(std::mt19937 &, int64_t n, int64_t k)>
      weights;
  bool ternary = false; ///< tern-raise raises the layers
  bool relu = false;    ///< two-layer branches: a biased ReLU layer first
  bool int8 = false;    ///< int8 activations: the exact int8 reference
};

/// 2:4 or 1:4 pruned rows (the largest magnitudes kept).
std::vector<float> nmWeights(std::mt19937 &rng, int64_t n, int64_t k, int keep,
                             int group, bool ternary) {
  std::vector<float> w = sparseWeights(rng, n, k, 1.0);
  referencePruneNM(w, n, k, keep, group);
  if (ternary)
    for (int64_t r = 0; r < n; ++r)
      for (int64_t c = 0; c < k; ++c)
        if (float &v = w[r * k + c]; v != 0.0f)
          v = v > 0 ? 0.25f + 0.01f * (r % 7) : -(0.25f + 0.01f * (r % 7));
  return w;
}

/// Ternary rows (one magnitude each) with most trits zero.
std::vector<float> sparseTernaryWeights(std::mt19937 &rng, int64_t n, int64_t k,
                                        double density) {
  std::vector<float> w = sparseWeights(rng, n, k, density);
  for (int64_t r = 0; r < n; ++r)
    for (int64_t c = 0; c < k; ++c)
      if (float &v = w[r * k + c]; v != 0.0f)
        v = v > 0 ? 0.5f + 0.01f * (r % 5) : -(0.5f + 0.01f * (r % 5));
  return w;
}

std::vector<Kind> kinds() {
  auto dense = [](std::mt19937 &rng, int64_t n, int64_t k) {
    return denseWeights(rng, n, k);
  };
  auto ternary = [](std::mt19937 &rng, int64_t n, int64_t k) {
    return ternaryWeights(rng, n, k, Scale::PerRow);
  };
  auto ternaryKernel = [&](const char *name, const char *kernel,
                           const char *expect) {
    Kind kind{name};
    kind.flags = {std::string("--ternary-kernel=") + kernel};
    kind.expect = expect;
    kind.weights = ternary;
    kind.ternary = true;
    return kind;
  };
  std::vector<Kind> all;
  {
    Kind k{"dense"};
    k.weights = dense;
    all.push_back(k);
  }
  all.push_back(
      ternaryKernel("ternary_i2", "i2", "add_sub kernel, i2 packing"));
  all.push_back(ternaryKernel("ternary_bitplane", "bitplane",
                              "add_sub kernel, bitplane packing"));
  all.push_back(
      ternaryKernel("ternary_base3", "base3", "add_sub kernel, base3 packing"));
  all.push_back(ternaryKernel("ternary_lut", "lut", "lut kernel, i2 packing"));
  {
    Kind k =
        ternaryKernel("ternary_int8", "int8", "int8_dot kernel, i2 packing");
    k.flags.push_back("--activation-bits=8");
    k.int8 = true;
    all.push_back(k);
  }
  auto sparse = [&](const char *name, const char *format, const char *expect,
                    double density) {
    Kind k{name};
    k.flags = {std::string("--sparse=") + format};
    k.expect = expect;
    k.weights = [density](std::mt19937 &rng, int64_t n, int64_t kk) {
      return sparseWeights(rng, n, kk, density);
    };
    return k;
  };
  all.push_back(sparse("sparse_ell", "ell", "format ELL", 0.2));
  all.push_back(sparse("sparse_bsr", "bsr", "format BSR", 0.3));
  {
    Kind k{"sparse_2_4", Op::Layers, {"--sparse=nm"}, "format 2:4"};
    k.weights = [](std::mt19937 &rng, int64_t n, int64_t kk) {
      return nmWeights(rng, n, kk, 2, 4, false);
    };
    all.push_back(k);
  }
  {
    Kind k{"ternary_index_lists",
           Op::Layers,
           {"--sparse=ell"},
           "format index lists"};
    k.weights = [](std::mt19937 &rng, int64_t n, int64_t kk) {
      return sparseTernaryWeights(rng, n, kk, 0.1);
    };
    all.push_back(k);
  }
  {
    Kind k{"ternary_1_4", Op::Layers, {"--sparse=nm"}, "format ternary 1:4"};
    k.weights = [](std::mt19937 &rng, int64_t n, int64_t kk) {
      return nmWeights(rng, n, kk, 1, 4, true);
    };
    all.push_back(k);
  }
  {
    // The second layer reads a ReLU's output: a GEMV compacts the nonzero
    // inputs into a list, more rows skip them per row.
    Kind k{"relu_dense", Op::Layers, {"--activation-sparsity=relu"}};
    k.weights = dense;
    k.relu = true;
    all.push_back(k);
    Kind t{"relu_ternary", Op::Layers, {"--activation-sparsity=relu"}};
    t.weights = ternary;
    t.ternary = true;
    t.relu = true;
    all.push_back(t);
  }
  all.push_back(Kind{"global_average_pool", Op::Pool});
  all.push_back(Kind{"layer_norm", Op::LayerNorm});
  return all;
}

//===----------------------------------------------------------------------===//
// The grid
//===----------------------------------------------------------------------===//

/// Output widths: 1, each side of one and four 16-lane vectors and of a
/// 64-output tile, the widths issue 19 found wrong or crashing (a chunk or
/// a block of 16 vectors with a ragged end), and one past 4096.
const std::vector<int64_t> kWidths = {
    1, 15, 16, 17, 63, 65, 384, 400, 640, 800, 1056, 1136, 1152, 2000, 4112};
/// More widths for TERN_SWEEP=wide: every residue modulo 16 and many
/// modulo 64, primes, and sizes around 256 (a block of 16 vectors), 1024
/// and LLM widths.
const std::vector<int64_t> kWideWidths = {
    2,    3,    5,    7,    8,    9,    11,   13,   23,   31,   32,   33,
    37,   47,   64,   79,   97,   127,  128,  129,  191,  241,  255,  256,
    257,  271,  272,  383,  511,  512,  513,  769,  1021, 1023, 1024, 1025,
    1279, 2047, 2560, 2576, 3071, 4095, 4096, 4097, 6912};

/// One branch of a sweep model: its own input and output.
struct Branch {
  Op op = Op::Layers;
  std::vector<Layer> layers; // Op::Layers
  int64_t channels = 0;      // Op::Pool, Op::LayerNorm
  std::vector<int64_t> inputShape(int64_t m) const {
    if (op == Op::Pool)
      return {m, channels, 7, 7};
    if (op == Op::LayerNorm)
      return {m, channels};
    return {m, layers.front().k};
  }
  int64_t outputWidth() const {
    return op == Op::Layers ? layers.back().n : channels;
  }
};

int64_t product(const std::vector<int64_t> &shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

/// (K, N) of the single layers and (K, N1, N2) of the two-layer chains.
struct Grid {
  std::vector<std::pair<int64_t, int64_t>> single;
  std::vector<std::vector<int64_t>> chains;
  std::vector<int64_t> channels;
};

Grid grid(bool wide, bool relu) {
  Grid g;
  std::vector<int64_t> widths = kWidths;
  if (wide)
    widths.insert(widths.end(), kWideWidths.begin(), kWideWidths.end());
  // Every width at K = 48 (K of the issue's table, a multiple of 16 but
  // not of 64); K = 256 at the widths that failed there; then K over 1,
  // primes and residues around 4, 16 and 64 (packed bytes, unrolled
  // reductions, 16-trit blocks).
  if (!relu) {
    for (int64_t n : widths)
      g.single.push_back({48, n});
    for (int64_t n : {400, 800, 1152, 2000})
      g.single.push_back({256, n});
    for (auto [k, n] : std::vector<std::pair<int64_t, int64_t>>{{1, 33},
                                                                {3, 17},
                                                                {5, 97},
                                                                {37, 257},
                                                                {64, 31},
                                                                {65, 129},
                                                                {129, 47},
                                                                {255, 16}})
      g.single.push_back({k, n});
    if (wide)
      for (int64_t k : {2, 7, 15, 17, 31, 33, 63, 100, 127, 511, 513})
        g.single.push_back({k, 400});
  }
  // Two-layer chains: the second layer's K is the first one's N.
  g.chains = {{37, 400, 33}, {64, 1152, 17}, {16, 65, 2000},
              {7, 2000, 63}, {48, 17, 640},  {5, 4112, 15}};
  if (wide)
    for (int64_t n : kWideWidths)
      g.chains.push_back({33, n, 129});
  g.channels = widths;
  return g;
}

/// The model of one case: its name, branches, MLIR and flags.
struct SweepModel {
  std::string name;
  int64_t m = 1;
  std::vector<Branch> branches;
  std::vector<std::string> flags;
};

SweepModel buildModel(const Kind &kind, int64_t m, bool wide,
                      const std::string &name) {
  SweepModel model;
  model.name = name;
  model.m = m;
  model.flags = kind.flags;
  std::mt19937 rng(static_cast<unsigned>(std::hash<std::string>()(name)));
  Grid g = grid(wide, kind.relu);
  if (kind.op != Op::Layers) {
    for (int64_t c : g.channels) {
      Branch b;
      b.op = kind.op;
      b.channels = c;
      model.branches.push_back(b);
    }
    return model;
  }
  // Layouts alternate, so both weight orders of E2E.h's MLIR are swept.
  auto layerOf = [](int64_t k, int64_t n, std::vector<float> weights,
                    bool ternary) {
    Layer l;
    l.k = k;
    l.n = n;
    l.weights = std::move(weights);
    l.layout = (n + k) % 2 ? Layout::NK : Layout::KN;
    l.ternary = ternary;
    return l;
  };
  auto layer = [&](int64_t k, int64_t n) {
    return layerOf(k, n, kind.weights(rng, n, k), kind.ternary);
  };
  // A ReLU kind's first layer: dense, with a bias that leaves about half of
  // the ReLU's outputs 0.
  auto reluLayer = [&](int64_t k, int64_t n) {
    Layer l = layerOf(k, n, denseWeights(rng, n, k), false);
    l.bias = randomVector(rng, n, -0.5f, 0.5f);
    l.relu = true;
    return l;
  };
  for (auto [k, n] : g.single) {
    Branch b;
    b.layers.push_back(layer(k, n));
    model.branches.push_back(b);
  }
  // int8 activations: a second layer's quantization would round the first
  // one's float output, so its exact reference holds for one layer only.
  if (kind.int8)
    return model;
  for (const std::vector<int64_t> &c : g.chains) {
    Branch b;
    b.layers.push_back(kind.relu ? reluLayer(c[0], c[1]) : layer(c[0], c[1]));
    b.layers.push_back(layer(c[1], c[2]));
    model.branches.push_back(b);
  }
  return model;
}

std::string toMlir(const SweepModel &model) {
  std::ostringstream os;
  int64_t m = model.m;
  os << "func.func @" << model.name << "(";
  for (size_t i = 0; i < model.branches.size(); ++i)
    os << (i ? ", " : "") << "%x" << i << ": "
       << tensorType(model.branches[i].inputShape(m)) << " {tern.name = \"x"
       << i << "\"}";
  os << ") -> (";
  for (size_t i = 0; i < model.branches.size(); ++i)
    os << (i ? ", " : "") << tensorType(m, model.branches[i].outputWidth())
       << " {tern.name = \"y" << i << "\"}";
  os << ") {\n  %zero = arith.constant " << literal(0.0f) << " : f32\n";
  std::vector<std::string> results;
  for (size_t i = 0; i < model.branches.size(); ++i) {
    const Branch &b = model.branches[i];
    std::string x = "%x" + std::to_string(i), id = std::to_string(i);
    if (b.op == Op::Layers) {
      for (size_t j = 0; j < b.layers.size(); ++j)
        x = emitLayer(os, b.layers[j], m, id + "_" + std::to_string(j), x);
      results.push_back(x);
      continue;
    }
    std::string in = tensorType(b.inputShape(m));
    std::string out = tensorType(m, b.channels);
    std::string c = std::to_string(b.channels);
    os << "  %e" << id << " = tensor.empty() : " << out << "\n"
       << "  %f" << id << " = linalg.fill ins(%zero : f32) outs(%e" << id
       << " : " << out << ") -> " << out << "\n";
    if (b.op == Op::Pool) {
      // Sum over the 7 x 7 window, then divide by 49.
      os << "  %s" << id
         << " = linalg.generic {indexing_maps = [affine_map<(m, c, h, w) -> "
            "(m, c, h, w)>, affine_map<(m, c, h, w) -> (m, c)>], "
            "iterator_types = [\"parallel\", \"parallel\", \"reduction\", "
            "\"reduction\"]} ins("
         << x << " : " << in << ") outs(%f" << id << " : " << out << ") {\n"
         << "  ^bb0(%a: f32, %o: f32):\n"
         << "    %t = arith.addf %o, %a : f32\n"
         << "    linalg.yield %t : f32\n"
         << "  } -> " << out << "\n"
         << "  %n" << id << " = arith.constant " << literal(49.0f) << " : f32\n"
         << "  %y" << id
         << " = linalg.generic {indexing_maps = [affine_map<(m, c) -> (m, "
            "c)>, affine_map<(m, c) -> (m, c)>], iterator_types = "
            "[\"parallel\", \"parallel\"]} ins(%s"
         << id << " : " << out << ") outs(%e" << id << " : " << out << ") {\n"
         << "  ^bb0(%a: f32, %o: f32):\n"
         << "    %d = arith.divf %a, %n" << id << " : f32\n"
         << "    linalg.yield %d : f32\n"
         << "  } -> " << out << "\n";
      results.push_back("%y" + id);
      continue;
    }
    // Layer normalization without an affine part: the row mean, the row
    // variance around it, then every element normalized.
    std::string row = "tensor<" + std::to_string(m) + "xf32>";
    std::string reduceMaps =
        "indexing_maps = [affine_map<(m, c) -> (m, c)>, affine_map<(m, c) "
        "-> (m)>], iterator_types = [\"parallel\", \"reduction\"]";
    os << "  %c" << id << " = arith.constant " << literal(float(b.channels))
       << " : f32\n"
       << "  %eps" << id << " = arith.constant " << literal(1e-5f) << " : f32\n"
       << "  %re" << id << " = tensor.empty() : " << row << "\n"
       << "  %rf" << id << " = linalg.fill ins(%zero : f32) outs(%re" << id
       << " : " << row << ") -> " << row << "\n"
       << "  %sum" << id << " = linalg.generic {" << reduceMaps << "} ins(" << x
       << " : " << in << ") outs(%rf" << id << " : " << row << ") {\n"
       << "  ^bb0(%a: f32, %o: f32):\n"
       << "    %t = arith.addf %o, %a : f32\n"
       << "    linalg.yield %t : f32\n"
       << "  } -> " << row << "\n"
       << "  %var" << id << " = linalg.generic {indexing_maps = "
       << "[affine_map<(m, c) -> (m, c)>, affine_map<(m, c) -> (m)>, "
          "affine_map<(m, c) -> (m)>], iterator_types = [\"parallel\", "
          "\"reduction\"]} ins("
       << x << ", %sum" << id << " : " << in << ", " << row << ") outs(%rf"
       << id << " : " << row << ") {\n"
       << "  ^bb0(%a: f32, %s: f32, %o: f32):\n"
       << "    %mean = arith.divf %s, %c" << id << " : f32\n"
       << "    %d = arith.subf %a, %mean : f32\n"
       << "    %sq = arith.mulf %d, %d : f32\n"
       << "    %t = arith.addf %o, %sq : f32\n"
       << "    linalg.yield %t : f32\n"
       << "  } -> " << row << "\n"
       << "  %y" << id << " = linalg.generic {indexing_maps = "
       << "[affine_map<(m, c) -> (m, c)>, affine_map<(m, c) -> (m)>, "
          "affine_map<(m, c) -> (m)>, affine_map<(m, c) -> (m, c)>], "
          "iterator_types = [\"parallel\", \"parallel\"]} ins("
       << x << ", %sum" << id << ", %var" << id << " : " << in << ", " << row
       << ", " << row << ") outs(%e" << id << " : " << out << ") {\n"
       << "  ^bb0(%a: f32, %s: f32, %v: f32, %o: f32):\n"
       << "    %mean = arith.divf %s, %c" << id << " : f32\n"
       << "    %var = arith.divf %v, %c" << id << " : f32\n"
       << "    %ve = arith.addf %var, %eps" << id << " : f32\n"
       << "    %r = math.rsqrt %ve : f32\n"
       << "    %d = arith.subf %a, %mean : f32\n"
       << "    %t = arith.mulf %d, %r : f32\n"
       << "    linalg.yield %t : f32\n"
       << "  } -> " << out << "\n";
    results.push_back("%y" + id);
  }
  os << "  return ";
  for (size_t i = 0; i < results.size(); ++i)
    os << (i ? ", " : "") << results[i];
  os << " : ";
  for (size_t i = 0; i < model.branches.size(); ++i)
    os << (i ? ", " : "") << tensorType(m, model.branches[i].outputWidth());
  os << "\n}\n";
  return os.str();
}

//===----------------------------------------------------------------------===//
// References
//===----------------------------------------------------------------------===//

/// The expected output of one branch and the tolerance of each element.
struct Expected {
  std::vector<double> value, tolerance;
};

/// The int8 kernel's: integer sums are exact; only the final float scaling
/// rounds.
Expected int8Expected(const Model &layer, const float *x) {
  Expected e;
  e.value = int8Reference(layer, x);
  for (double v : e.value)
    e.tolerance.push_back(1e-6 + 1e-5 * std::fabs(v));
  return e;
}

/// Global average pooling of M x C x 7 x 7, within 1e-5 of the mean
/// magnitude.
Expected poolExpected(const float *x, int64_t m, int64_t c) {
  Expected e;
  for (int64_t i = 0; i < m * c; ++i) {
    double sum = 0, mag = 0;
    for (int64_t p = 0; p < 49; ++p) {
      sum += x[i * 49 + p];
      mag += std::fabs(x[i * 49 + p]);
    }
    e.value.push_back(sum / 49);
    e.tolerance.push_back(1e-6 + 1e-5 * mag / 49);
  }
  return e;
}

/// Layer normalization of M x C, per row, within 1e-4 relative.
Expected layerNormExpected(const float *x, int64_t m, int64_t c) {
  Expected e;
  for (int64_t i = 0; i < m; ++i) {
    const float *row = x + i * c;
    double mean = 0, var = 0;
    for (int64_t j = 0; j < c; ++j)
      mean += row[j];
    mean /= c;
    for (int64_t j = 0; j < c; ++j)
      var += (row[j] - mean) * (row[j] - mean);
    var /= c;
    for (int64_t j = 0; j < c; ++j) {
      double v = (row[j] - mean) / std::sqrt(var + 1e-5);
      e.value.push_back(v);
      e.tolerance.push_back(1e-4 + 1e-4 * std::fabs(v));
    }
  }
  return e;
}

/// Compares one branch's output with its reference; a failure names the
/// branch's shape and the first wrong elements.
::testing::AssertionResult matches(const Kind &kind, const SweepModel &model,
                                   const Branch &b, const float *x,
                                   const std::vector<float> &got) {
  std::string what;
  ::testing::AssertionResult r = ::testing::AssertionSuccess();
  if (b.op == Op::Layers) {
    what = "K=" + std::to_string(b.layers.front().k);
    for (const Layer &l : b.layers)
      what += " -> N=" + std::to_string(l.n);
    Model chain;
    chain.m = model.m;
    chain.layers = b.layers;
    if (kind.int8) {
      Expected e = int8Expected(chain, x);
      r = matchesValues(got, e.value, e.tolerance, b.outputWidth());
    } else {
      r = matchesReference(chain, x, got);
    }
  } else {
    what = "C=" + std::to_string(b.channels);
    Expected e = b.op == Op::Pool ? poolExpected(x, model.m, b.channels)
                                  : layerNormExpected(x, model.m, b.channels);
    r = matchesValues(got, e.value, e.tolerance, b.channels);
  }
  if (r)
    return r;
  return ::testing::AssertionFailure() << what << ": " << r.message();
}

//===----------------------------------------------------------------------===//
// The cases
//===----------------------------------------------------------------------===//

/// Halide's name for an x86-64 CPU with AVX2 but no AVX-512: 8 float lanes
/// instead of 16, so every vector and chunk boundary moves.
constexpr const char *kAvx2Target = "x86-64-linux-avx-avx2-f16c-fma-sse41";

struct SweepCase {
  Kind kind;
  int64_t m;
  bool avx2;
  bool wide;
  std::string name() const {
    return std::string(kind.name) + "_m" + std::to_string(m) +
           (avx2 ? "_avx2" : "");
  }
};

void PrintTo(const SweepCase &c, std::ostream *os) { *os << c.name(); }

bool wideSweep() {
  const char *v = std::getenv("TERN_SWEEP");
  return v && std::string(v) == "wide";
}

std::vector<SweepCase> sweepCases() {
  bool wide = wideSweep();
  // The batch sizes of issue 19 (GEMV, the first few rows, one and two
  // vectors of rows plus one) and every count up to 8 (the ternary
  // schedule's blocks of rows, the int8 kernel's 4-row blocks).
  const std::vector<int64_t> allRows = {1, 2, 3, 4, 5, 6, 7, 8, 16, 33};
  std::vector<SweepCase> cases;
  for (const Kind &kind : kinds()) {
    // The fast grid: every row count for dense and the 2-bit ternary
    // kernel (the paths issue 19 hit), 1, 3, 4 and 33 for the others.
    bool core = std::string(kind.name) == "dense" ||
                std::string(kind.name) == "ternary_i2";
    std::vector<int64_t> rows =
        wide || core ? allRows : std::vector<int64_t>{1, 3, 4, 33};
    for (int64_t m : rows)
      cases.push_back({kind, m, false, wide});
    // Without AVX-512: every kind at one and four rows; all in the wide
    // grid.
    for (int64_t m : wide ? allRows : std::vector<int64_t>{1, 4})
      cases.push_back({kind, m, true, wide});
  }
  return cases;
}

class ShapeSweep : public ::testing::TestWithParam<SweepCase> {};

TEST_P(ShapeSweep, EveryBranchMatchesTheReference) {
  const SweepCase &c = GetParam();
  std::string name = "sweep_" + c.name();
  SweepModel model = buildModel(c.kind, c.m, c.wide, name);
  std::vector<std::string> flags = model.flags;
  if (c.avx2)
    flags.push_back(std::string("--target=") + kAvx2Target);
  const Library *lib = ModelCache::get().load(name, toMlir(model), flags);
  ASSERT_NE(lib, nullptr);

  // The layers took the kernel the case is about.
  if (c.kind.expect) {
    size_t count = 0;
    for (size_t at = lib->report.find(c.kind.expect); at != std::string::npos;
         at = lib->report.find(c.kind.expect, at + 1))
      ++count;
    EXPECT_GE(count, 1u) << "no layer reported '" << c.kind.expect << "':\n"
                         << lib->report;
  }

  size_t n = model.branches.size();
  const tern_model_info *info = lib->info();
  ASSERT_EQ(info->num_inputs, static_cast<int32_t>(n));
  ASSERT_EQ(info->num_outputs, static_cast<int32_t>(n));

  std::mt19937 rng(5);
  std::vector<std::vector<float>> inputs(n), outputs(n);
  std::vector<tern_tensor> in(n), out(n);
  for (size_t i = 0; i < n; ++i) {
    std::vector<int64_t> shape = model.branches[i].inputShape(c.m);
    inputs[i] = randomVector(rng, product(shape), -2.0f, 2.0f);
    std::memset(&in[i], 0, sizeof(tern_tensor));
    in[i].data = inputs[i].data();
    in[i].dtype = TERN_DTYPE_F32;
    in[i].rank = static_cast<int32_t>(shape.size());
    std::copy(shape.begin(), shape.end(), in[i].shape);
  }
  for (int threads : {1, 2}) {
    tern_create_options options;
    std::memset(&options, 0, sizeof(options));
    options.num_threads = threads;
    Instance instance(*lib, &options);
    ASSERT_TRUE(instance);
    for (size_t i = 0; i < n; ++i) {
      outputs[i].assign(c.m * model.branches[i].outputWidth(), std::nanf(""));
      out[i] =
          tensorOf(outputs[i].data(), c.m, model.branches[i].outputWidth());
    }
    ASSERT_TRUE(runsOk(*lib,
                       [&] {
                         return lib->runTensors(instance.get(), in.data(), n,
                                                out.data(), n);
                       }))
        << threads << " threads";
    for (size_t i = 0; i < n; ++i)
      EXPECT_TRUE(matches(c.kind, model, model.branches[i], inputs[i].data(),
                          outputs[i]))
          << "branch y" << i << ", " << threads << " threads";
  }
}

INSTANTIATE_TEST_SUITE_P(Sweep, ShapeSweep, ::testing::ValuesIn(sweepCases()),
                         [](const ::testing::TestParamInfo<SweepCase> &info) {
                           return info.param.name();
                         });

} // namespace
