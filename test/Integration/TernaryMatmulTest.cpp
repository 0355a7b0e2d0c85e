//===- TernaryMatmulTest.cpp - ternc end to end through the C API ---------===//
//
// The lit tests check what each pass prints; they cannot tell whether the
// library ternc links computes the right numbers. These tests write small
// models (func + linalg on tensors with seeded random weights), compile them
// with the real ternc binary, load the shared library with dlopen and compare
// what NAME_run returns with a reference written here as plain loops over the
// float weights the test generated, before anything packed them. Nothing of
// the compiler is linked in, so a bug in the packing, the raising or the
// kernels cannot cancel out in the reference. They also check the generated
// C API: the info table, NAME_run_tensors, the error paths and two instances
// running at once. The harness (models, reference, compile cache) is in
// E2E.h.
//
//===----------------------------------------------------------------------===//

#include "E2E.h"

#include <atomic>
#include <chrono>
#include <thread>

namespace {

using namespace tern::e2e;

/// The start of the remark `ternc --tern-report` must print for `l`: ternary
/// layers are raised with one scale when every nonzero weight has the same
/// magnitude and one per row otherwise; other layers stay dense.
std::string expectedRemark(const Layer &l) {
  if (!l.ternary)
    return "tern-raise: left linalg.matmul as is";
  std::vector<float> magnitudes;
  for (float w : l.weights)
    if (w != 0.0f && std::find(magnitudes.begin(), magnitudes.end(),
                               std::fabs(w)) == magnitudes.end())
      magnitudes.push_back(std::fabs(w));
  return "tern-raise: raised to tern.ternary_matmul: " + std::to_string(l.n) +
         " x " + std::to_string(l.k) + " weights, " +
         (magnitudes.size() > 1 ? "per_row" : "per_tensor") + " scale";
}

/// The tern-raise remarks of a report, in the order of the matmuls.
std::vector<std::string> raiseRemarks(const std::string &report) {
  std::vector<std::string> remarks;
  std::istringstream in(report);
  for (std::string line; std::getline(in, line);)
    if (size_t at = line.find("remark: tern-raise: "); at != std::string::npos)
      remarks.push_back(line.substr(at + std::strlen("remark: ")));
  return remarks;
}

//===----------------------------------------------------------------------===//
// The cases
//===----------------------------------------------------------------------===//

/// One ternary layer of the given shape, scale kind and layout.
Model ternaryModel(const std::string &name, unsigned seed, int64_t m, int64_t k,
                   int64_t n, Scale scale, Layout layout,
                   const std::vector<int64_t> &zeroRows = {}) {
  std::mt19937 rng(seed);
  Model model;
  model.name = name;
  model.m = m;
  Layer l;
  l.n = n;
  l.k = k;
  l.weights = ternaryWeights(rng, n, k, scale, zeroRows);
  l.layout = layout;
  model.layers.push_back(l);
  return model;
}

/// The model every API test shares: small, so that it compiles fast, with
/// K not a multiple of 4 and M > 1.
Model apiModel() {
  Model model =
      ternaryModel("api_model", 7, 4, 10, 3, Scale::PerRow, Layout::NK);
  model.inputName = "features";
  model.outputName = "scores";
  return model;
}

Model mlpModel() {
  std::mt19937 rng(2026);
  Model model;
  model.name = "mlp";
  model.m = 4;
  model.inputName = "pixels";
  model.outputName = "logits";
  Layer l1;
  l1.n = 32;
  l1.k = 24;
  l1.weights = ternaryWeights(rng, l1.n, l1.k, Scale::PerRow, {5});
  l1.layout = Layout::NK;
  l1.bias = randomVector(rng, l1.n, -0.5f, 0.5f);
  l1.relu = true;
  Layer l2;
  l2.n = 10;
  l2.k = 32;
  l2.weights = ternaryWeights(rng, l2.n, l2.k, Scale::PerRow);
  l2.layout = Layout::KN;
  l2.bias = randomVector(rng, l2.n, -0.5f, 0.5f);
  model.layers = {l1, l2};
  return model;
}

Model denseModel(const std::string &name, unsigned seed, int64_t m, int64_t k,
                 int64_t n, Layout layout) {
  std::mt19937 rng(seed);
  Model model;
  model.name = name;
  model.m = m;
  Layer l;
  l.n = n;
  l.k = k;
  l.weights = denseWeights(rng, n, k);
  l.layout = layout;
  l.ternary = false;
  model.layers.push_back(l);
  return model;
}

struct Case {
  const char *name;
  Model (*make)();
};

void PrintTo(const Case &c, std::ostream *os) { *os << c.name; }

const Case kCases[] = {
    // Shapes and layouts; one scale per row means one per output channel,
    // so a column of the K x N constant in the "kn" layout.
    {"ternary_1x64x256_per_row_nk",
     [] {
       return ternaryModel("t_1x64x256", 1, 1, 64, 256, Scale::PerRow,
                           Layout::NK);
     }},
    {"ternary_4x10x3_per_tensor_kn",
     [] {
       return ternaryModel("t_4x10x3", 2, 4, 10, 3, Scale::PerTensor,
                           Layout::KN);
     }},
    {"ternary_4x10x3_per_row_nk", apiModel},
    // Two packed bytes per row, the second one mostly padding.
    {"ternary_2x5x3_per_row_nk",
     [] {
       return ternaryModel("t_2x5x3", 19, 2, 5, 3, Scale::PerRow, Layout::NK);
     }},
    // One row of outputs whose count is one more than a whole number of
    // vectors: the vector tail of the reduction. Halide 14 once dropped its
    // guard here (the first vector updated twice, the last output never).
    {"ternary_1x4x17_per_row_nk",
     [] {
       return ternaryModel("t_1x4x17", 23, 1, 4, 17, Scale::PerRow, Layout::NK);
     }},
    {"ternary_1x40x33_per_tensor_kn",
     [] {
       return ternaryModel("t_1x40x33", 24, 1, 40, 33, Scale::PerTensor,
                           Layout::KN);
     }},
    {"ternary_1x7x1_per_row_nk",
     [] {
       return ternaryModel("t_1x7x1", 3, 1, 7, 1, Scale::PerRow, Layout::NK);
     }},
    {"ternary_3x33x17_per_row_kn",
     [] {
       Model model =
           ternaryModel("t_3x33x17", 4, 3, 33, 17, Scale::PerRow, Layout::KN);
       // Not a C identifier: the info table keeps it, the C parameter is
       // renamed.
       model.inputName = "input:0";
       return model;
     }},
    {"ternary_3x33x17_per_tensor_nk_negative_zeros",
     [] {
       Model model = ternaryModel("t_3x33x17_pt", 5, 3, 33, 17,
                                  Scale::PerTensor, Layout::NK);
       // -0.0 is a zero trit too.
       bool flip = false;
       for (float &w : model.layers[0].weights)
         if (w == 0.0f && (flip = !flip))
           w = -0.0f;
       return model;
     }},
    {"ternary_2x256x10_per_tensor_nk",
     [] {
       return ternaryModel("t_2x256x10", 6, 2, 256, 10, Scale::PerTensor,
                           Layout::NK);
     }},
    {"ternary_2x256x10_per_row_kn",
     [] {
       return ternaryModel("t_2x256x10_pr", 8, 2, 256, 10, Scale::PerRow,
                           Layout::KN);
     }},
    // Square, so that mixing up rows and columns of the weights cannot
    // show up as a shape error.
    {"ternary_2x16x16_per_row_kn",
     [] {
       return ternaryModel("t_2x16x16", 14, 2, 16, 16, Scale::PerRow,
                           Layout::KN);
     }},
    {"ternary_9x40x33_per_row_nk",
     [] {
       return ternaryModel("t_9x40x33", 15, 9, 40, 33, Scale::PerRow,
                           Layout::NK);
     }},
    {"ternary_3x12x7_per_row_transpose_op",
     [] {
       return ternaryModel("t_3x12x7_tr", 16, 3, 12, 7, Scale::PerRow,
                           Layout::Transpose);
     }},
    // A row of zeros: its scale is unknowable and its outputs must be 0.
    {"zero_row_3x20x8_per_row_nk",
     [] {
       return ternaryModel("zero_row_nk", 9, 3, 20, 8, Scale::PerRow,
                           Layout::NK, {5});
     }},
    {"zero_row_2x18x6_per_tensor_kn",
     [] {
       return ternaryModel("zero_row_kn", 10, 2, 18, 6, Scale::PerTensor,
                           Layout::KN, {0});
     }},
    {"all_zero_2x12x5",
     [] {
       return ternaryModel("all_zero", 11, 2, 12, 5, Scale::PerTensor,
                           Layout::NK, {0, 1, 2, 3, 4});
     }},
    // Not ternary: must stay on the dense path and still be right.
    {"dense_3x16x8_nk",
     [] { return denseModel("dense_nk", 12, 3, 16, 8, Layout::NK); }},
    {"dense_2x9x5_kn",
     [] { return denseModel("dense_kn", 13, 2, 9, 5, Layout::KN); }},
    {"mlp_4x24x32x10_bias_relu", mlpModel},
    // One scale for the tensor, then bias and ReLU (BitNet's form): the
    // scaling and the bias fuse into one kernel.
    {"ternary_2x12x6_per_tensor_bias_relu",
     [] {
       Model model = ternaryModel("t_pt_bias_relu", 17, 2, 12, 6,
                                  Scale::PerTensor, Layout::NK);
       std::mt19937 rng(18);
       model.layers[0].bias = randomVector(rng, 6, -0.5f, 0.5f);
       model.layers[0].relu = true;
       return model;
     }},
};

constexpr int kBatch = 6;

class TernaryMatmul : public ::testing::TestWithParam<Case> {};

TEST_P(TernaryMatmul, MatchesReference) {
  Model model = GetParam().make();
  const Library *lib = ModelCache::get().load(model);
  ASSERT_NE(lib, nullptr);

  // Each layer took the path the case is about: a ternary layer that fell
  // back to dense kernels would still compute the right numbers.
  std::vector<std::string> remarks = raiseRemarks(lib->report);
  ASSERT_EQ(remarks.size(), model.layers.size()) << lib->report;
  for (size_t i = 0; i < remarks.size(); ++i) {
    std::string expected = expectedRemark(model.layers[i]);
    EXPECT_EQ(remarks[i].compare(0, expected.size(), expected), 0)
        << "layer " << i << ": expected '" << expected << "...', got '"
        << remarks[i] << "'";
  }

  // The info table describes the function's signature.
  const tern_model_info *info = lib->info();
  ASSERT_NE(info, nullptr);
  EXPECT_STREQ(info->name, model.name.c_str());
  ASSERT_EQ(info->num_inputs, 1);
  ASSERT_EQ(info->num_outputs, 1);
  const tern_tensor_info &in = info->inputs[0], &out = info->outputs[0];
  EXPECT_STREQ(in.name, model.inputName.c_str());
  EXPECT_EQ(in.dtype, TERN_DTYPE_F32);
  ASSERT_EQ(in.rank, 2);
  EXPECT_EQ(in.shape[0], model.m);
  EXPECT_EQ(in.shape[1], model.layers.front().k);
  EXPECT_STREQ(out.name, model.outputName.c_str());
  EXPECT_EQ(out.dtype, TERN_DTYPE_F32);
  ASSERT_EQ(out.rank, 2);
  EXPECT_EQ(out.shape[0], model.m);
  EXPECT_EQ(out.shape[1], model.layers.back().n);

  Instance instance(*lib);
  ASSERT_TRUE(instance);
  std::mt19937 rng(99);
  for (int b = 0; b < kBatch; ++b) {
    std::vector<float> x = randomVector(rng, model.inputSize(), -2.0f, 2.0f);
    std::vector<float> y(model.outputSize(), std::nanf(""));
    ASSERT_TRUE(runsOk(
        *lib, [&] { return lib->run(instance.get(), x.data(), y.data()); }))
        << "batch " << b;
    EXPECT_TRUE(matchesReference(model, x.data(), y)) << "batch " << b;

    // The descriptor API runs the same kernels on the same buffers.
    std::vector<float> z(model.outputSize(), std::nanf(""));
    tern_tensor tin = tensorOf(x.data(), model.m, model.layers.front().k);
    tern_tensor tout = tensorOf(z.data(), model.m, model.layers.back().n);
    ASSERT_TRUE(runsOk(
        *lib,
        [&] { return lib->runTensors(instance.get(), &tin, 1, &tout, 1); }))
        << "batch " << b;
    EXPECT_EQ(std::memcmp(y.data(), z.data(), y.size() * sizeof(float)), 0)
        << "run and run_tensors differ on batch " << b;
  }
}

INSTANTIATE_TEST_SUITE_P(E2E, TernaryMatmul, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case> &info) {
                           return std::string(info.param.name);
                         });

//===----------------------------------------------------------------------===//
// Every ternary kernel (--ternary-kernel=...) on the awkward shapes
//===----------------------------------------------------------------------===//

struct KernelCase {
  const char *kernel; ///< --ternary-kernel= value
  const char *shape;  ///< test name part
  int64_t m, k, n;
  Scale scale;
  std::vector<int64_t> zeroRows;
};

void PrintTo(const KernelCase &c, std::ostream *os) {
  *os << c.kernel << "_" << c.shape;
}

std::vector<KernelCase> kernelCases() {
  // K: 1, below one byte of every packing, not a multiple of 4, 5 or 8,
  // several bytes with a tail; N = 1; M = 1 (GEMV) and M > 1; zero rows.
  struct Shape {
    const char *name;
    int64_t m, k, n;
    Scale scale;
    std::vector<int64_t> zeroRows;
  };
  std::vector<Shape> shapes = {
      {"m1_k1_n1", 1, 1, 1, Scale::PerRow, {}},
      {"m2_k3_n5", 2, 3, 5, Scale::PerRow, {}},
      {"m1_k7_n9", 1, 7, 9, Scale::PerTensor, {}},
      {"m3_k13_n1", 3, 13, 1, Scale::PerRow, {}},
      {"m1_k33_n17_zero_rows", 1, 33, 17, Scale::PerRow, {0, 9}},
      {"m4_k130_n40", 4, 130, 40, Scale::PerRow, {3}},
      {"m1_k256_n64", 1, 256, 64, Scale::PerTensor, {}},
      {"m2_k41_n3_all_zero", 2, 41, 3, Scale::PerTensor, {0, 1, 2}},
      // Past one 64-output tile of the int8 kernel's layout, with a ragged
      // last tile, rows not a multiple of its 4-row blocks, K not a
      // multiple of its 16-trit blocks; and whole tiles with 4-row blocks.
      {"m5_k100_n130", 5, 100, 130, Scale::PerRow, {2}},
      {"m8_k64_n192", 8, 64, 192, Scale::PerTensor, {}},
  };
  std::vector<KernelCase> cases;
  for (const char *kernel : {"i2", "bitplane", "base3", "lut", "int8"})
    for (const Shape &s : shapes)
      cases.push_back({kernel, s.name, s.m, s.k, s.n, s.scale, s.zeroRows});
  return cases;
}

class TernaryKernels : public ::testing::TestWithParam<KernelCase> {};

TEST_P(TernaryKernels, MatchesReference) {
  const KernelCase &c = GetParam();
  std::string kernel = c.kernel;
  Model model = ternaryModel("tk_" + kernel + "_" + c.shape, 31, c.m, c.k, c.n,
                             c.scale, Layout::NK, c.zeroRows);
  model.flags.push_back("--ternary-kernel=" + kernel);
  if (kernel == "int8")
    model.flags.push_back("--activation-bits=8");
  const Library *lib = ModelCache::get().load(model);
  ASSERT_NE(lib, nullptr);

  // The layer got the kernel and packing asked for.
  const char *expected = kernel == "i2" ? "add_sub kernel, i2 packing"
                         : kernel == "bitplane"
                             ? "add_sub kernel, bitplane packing"
                         : kernel == "base3" ? "add_sub kernel, base3 packing"
                         : kernel == "lut"   ? "lut kernel, i2 packing"
                                             : "int8_dot kernel, i2 packing";
  EXPECT_NE(
      lib->report.find(std::string("tern-select-ternary-kernel: ") + expected),
      std::string::npos)
      << lib->report;

  Instance instance(*lib);
  ASSERT_TRUE(instance);
  std::mt19937 rng(7);
  for (int b = 0; b < 3; ++b) {
    std::vector<float> x = randomVector(rng, model.inputSize(), -2.0f, 2.0f);
    if (b == 2 && model.m > 1) // an all-zero input row
      std::fill(x.begin(), x.begin() + c.k, 0.0f);
    std::vector<float> y(model.outputSize(), std::nanf(""));
    ASSERT_TRUE(runsOk(
        *lib, [&] { return lib->run(instance.get(), x.data(), y.data()); }))
        << "batch " << b;
    if (kernel != "int8") {
      EXPECT_TRUE(matchesReference(model, x.data(), y)) << "batch " << b;
      continue;
    }
    // int8: integer sums are exact; only the final float scaling rounds.
    std::vector<double> ref = int8Reference(model, x.data());
    for (size_t i = 0; i < y.size(); ++i)
      EXPECT_NEAR(y[i], ref[i], 1e-6 + 1e-5 * std::fabs(ref[i]))
          << "batch " << b << ", out[" << i / c.n << "][" << i % c.n << "]";
  }
}

INSTANTIATE_TEST_SUITE_P(E2E, TernaryKernels,
                         ::testing::ValuesIn(kernelCases()),
                         [](const ::testing::TestParamInfo<KernelCase> &info) {
                           return std::string(info.param.kernel) + "_" +
                                  info.param.shape;
                         });

//===----------------------------------------------------------------------===//
// Sparse weights: every format against the dense reference
//===----------------------------------------------------------------------===//

struct SparseCase {
  std::string name;
  int64_t m, k, n;
  std::function<std::vector<float>(std::mt19937 &)> weights;
  std::vector<std::string> flags;
  /// How tern-classify-weights must report the layer: "format ELL",
  /// "format 2:4", "kept dense", ...
  std::string expected;
  /// The weights the compiled model must compute with (after pruning), if
  /// they differ from `weights`.
  std::function<void(std::vector<float> &)> reference;
};

void PrintTo(const SparseCase &c, std::ostream *os) { *os << c.name; }

std::vector<SparseCase> sparseCases() {
  std::vector<SparseCase> cases;
  auto random = [](int64_t n, int64_t k, double d,
                   std::vector<int64_t> rows = {},
                   std::vector<int64_t> cols = {}) {
    return [=](std::mt19937 &rng) {
      return sparseWeights(rng, n, k, d, rows, cols);
    };
  };
  // Every forced format over densities 0% .. 100%, odd K and N (not
  // multiples of a group, block or vector), empty rows and columns, GEMV
  // and several rows.
  struct Shape {
    const char *name;
    int64_t m, k, n;
    double density;
    std::vector<int64_t> zeroRows, zeroCols;
  };
  std::vector<Shape> shapes = {
      {"m1_k64_n48_d0", 1, 64, 48, 0.0, {}, {}},
      {"m2_k37_n19_d05_empty", 2, 37, 19, 0.05, {0, 7, 18}, {1, 2, 36}},
      {"m3_k130_n33_d30", 3, 130, 33, 0.3, {5}, {}},
      {"m1_k256_n64_d70", 1, 256, 64, 0.7, {}, {0}},
      {"m9_k40_n17_d100", 9, 40, 17, 1.0, {}, {}},
      {"m1_k3_n1_d50", 1, 3, 1, 0.5, {}, {}},
      // 16 rows and more: the CPU kernel reads the activations through a
      // transposed copy, 16 rows a vector (a ragged last vector here).
      {"m37_k70_n33_d20_empty", 37, 70, 33, 0.2, {4}, {0, 69}},
      {"m16_k48_n16_d50", 16, 48, 16, 0.5, {}, {}},
  };
  for (const char *format : {"ell", "bsr"})
    for (const Shape &s : shapes) {
      // All-zero weights are ternary: tern-raise takes them first.
      bool zero = s.density == 0.0;
      cases.push_back({std::string(format) + "_" + s.name,
                       s.m,
                       s.k,
                       s.n,
                       random(s.n, s.k, s.density, s.zeroRows, s.zeroCols),
                       {std::string("--sparse=") + format},
                       zero ? std::string("tern-raise: raised")
                            : (std::string("format ") +
                               (std::string(format) == "ell" ? "ELL" : "BSR")),
                       nullptr});
    }
  // N:M weights (made by pruning random ones in the test) for each pattern,
  // with K not a multiple of M.
  for (auto [keep, group] : {std::pair{1, 4}, {2, 4}, {4, 8}})
    for (auto [m, k, n] :
         {std::tuple<int64_t, int64_t, int64_t>{1, 64, 40}, {3, 37, 19}}) {
      std::string pattern = std::to_string(keep) + ":" + std::to_string(group);
      int kk = keep, gg = group;
      int64_t nn = n, ks = k;
      cases.push_back({"nm_" + std::to_string(keep) + "_" +
                           std::to_string(group) + "_m" + std::to_string(m) +
                           "_k" + std::to_string(k),
                       m,
                       k,
                       n,
                       [=](std::mt19937 &rng) {
                         std::vector<float> w = sparseWeights(rng, nn, ks, 1.0);
                         referencePruneNM(w, nn, ks, kk, gg);
                         return w;
                       },
                       {"--sparse=nm"},
                       "format " + pattern,
                       nullptr});
    }
  // The cost model: 90% zeros become ELL, 2:4 becomes N:M, dense stays.
  cases.push_back({"auto_90_percent",
                   1,
                   512,
                   256,
                   random(256, 512, 0.1),
                   {},
                   "format ELL",
                   nullptr});
  cases.push_back({"auto_2_4",
                   1,
                   512,
                   256,
                   [](std::mt19937 &rng) {
                     std::vector<float> w = sparseWeights(rng, 256, 512, 1.0);
                     referencePruneNM(w, 256, 512, 2, 4);
                     return w;
                   },
                   {},
                   "format 2:4",
                   nullptr});
  cases.push_back({"auto_dense",
                   2,
                   64,
                   32,
                   random(32, 64, 1.0),
                   {},
                   "kept dense",
                   nullptr});
  cases.push_back({"off_90_percent",
                   1,
                   128,
                   64,
                   random(64, 128, 0.1),
                   {"--sparse=dense"},
                   "kept dense",
                   nullptr});
  // Pruned by ternc; the reference prunes the same weights itself.
  cases.push_back(
      {"prune_2_4",
       2,
       70,
       30,
       random(30, 70, 1.0),
       {"--prune=2:4", "--sparse=nm"},
       "format 2:4",
       [](std::vector<float> &w) { referencePruneNM(w, 30, 70, 2, 4); }});
  cases.push_back(
      {"prune_unstructured_90",
       1,
       200,
       50,
       random(50, 200, 1.0),
       {"--prune=unstructured:0.9"},
       "format ELL",
       [](std::vector<float> &w) { referencePruneUnstructured(w, 0.9); }});
  // Pruned-ternary layers (one magnitude per row): index lists where they
  // are smaller and faster (auto), forced (--sparse=ell), or kept on the
  // 2-bit kernel; K past 32767 takes 32-bit positions.
  auto ternary = [](int64_t n, int64_t k, double d, bool perTensor,
                    std::vector<int64_t> rows = {}) {
    return [=](std::mt19937 &rng) {
      std::vector<float> w = sparseWeights(rng, n, k, d, rows);
      std::uniform_real_distribution<float> magnitude(0.1f, 1.0f);
      float a = magnitude(rng);
      for (int64_t r = 0; r < n; ++r) {
        float ar = perTensor ? a : magnitude(rng);
        for (int64_t c = 0; c < k; ++c)
          if (float &v = w[r * k + c]; v != 0.0f)
            v = v > 0 ? ar : -ar;
      }
      return w;
    };
  };
  cases.push_back({"ternary_index_auto_d05",
                   1,
                   300,
                   40,
                   ternary(40, 300, 0.05, false),
                   {},
                   "format index lists",
                   nullptr});
  cases.push_back({"ternary_index_forced_d30_empty",
                   3,
                   37,
                   19,
                   ternary(19, 37, 0.3, true, {0, 5, 18}),
                   {"--sparse=ell"},
                   "format index lists",
                   nullptr});
  cases.push_back({"ternary_index_forced_m21",
                   21,
                   45,
                   35,
                   ternary(35, 45, 0.2, false, {7}),
                   {"--sparse=ell"},
                   "format index lists",
                   nullptr});
  cases.push_back({"ternary_index_k33000",
                   2,
                   33000,
                   3,
                   ternary(3, 33000, 0.01, false),
                   {},
                   "format index lists",
                   nullptr});
  cases.push_back({"ternary_kept_d60",
                   2,
                   64,
                   32,
                   ternary(32, 64, 0.6, false),
                   {},
                   "kept on the 2-bit kernel",
                   nullptr});
  cases.push_back({"ternary_kept_sparse_dense",
                   1,
                   300,
                   40,
                   ternary(40, 300, 0.05, false),
                   {"--sparse=dense"},
                   "kept on the 2-bit kernel",
                   nullptr});
  // Pruned-ternary layers in an N:M pattern: ternary N:M (signed in-group
  // positions, adds and subtracts) where it is as small as the 2-bit codes
  // and faster (1:4, auto), or forced (--sparse=nm); K not a multiple of M,
  // one and several rows (16+: the vectorized rows path).
  auto ternaryNM = [ternary](int64_t n, int64_t k, int keep, int group,
                             bool perTensor) {
    return [=](std::mt19937 &rng) {
      std::vector<float> w = ternary(n, k, 1.0, perTensor)(rng);
      referencePruneNM(w, n, k, keep, group);
      return w;
    };
  };
  cases.push_back({"ternary_nm_1_4_auto",
                   1,
                   70,
                   33,
                   ternaryNM(33, 70, 1, 4, false),
                   {},
                   "format ternary 1:4",
                   nullptr});
  cases.push_back({"ternary_nm_2_4_forced_m3",
                   3,
                   37,
                   19,
                   ternaryNM(19, 37, 2, 4, true),
                   {"--sparse=nm"},
                   "format ternary 2:4",
                   nullptr});
  cases.push_back({"ternary_nm_4_8_forced_m21",
                   21,
                   45,
                   35,
                   ternaryNM(35, 45, 4, 8, false),
                   {"--sparse=nm"},
                   "format ternary 4:8",
                   nullptr});
  // Pruned, then ternarized (absmean over the pruned matrix): the zeros
  // survive and the layer becomes index lists.
  cases.push_back({"prune_95_ternarize",
                   1,
                   400,
                   48,
                   random(48, 400, 1.0),
                   {"--prune=unstructured:0.95", "--ternarize=all"},
                   "format index lists",
                   [](std::vector<float> &w) {
                     referencePruneUnstructured(w, 0.95);
                     referenceTernarize(w);
                   }});
  // 1:4 pruning then ternarizing: ternary N:M (rounding may zero more
  // trits; the pattern still holds).
  cases.push_back({"prune_1_4_ternarize",
                   1,
                   400,
                   48,
                   random(48, 400, 1.0),
                   {"--prune=1:4", "--ternarize=all"},
                   "format ternary 1:4",
                   [](std::vector<float> &w) {
                     referencePruneNM(w, 48, 400, 1, 4);
                     referenceTernarize(w);
                   }});
  return cases;
}

class SparseMatmul : public ::testing::TestWithParam<SparseCase> {};

TEST_P(SparseMatmul, MatchesDenseReference) {
  const SparseCase &c = GetParam();
  std::mt19937 rng(41);
  Model model;
  model.name = "sp_" + c.name;
  model.m = c.m;
  Layer l;
  l.n = c.n;
  l.k = c.k;
  l.weights = c.weights(rng);
  l.layout = Layout::KN;
  l.ternary = false;
  model.layers.push_back(l);
  model.flags = c.flags;
  const Library *lib = ModelCache::get().load(model);
  ASSERT_NE(lib, nullptr);
  // The layer took the path the case is about.
  std::string line;
  std::istringstream report(lib->report);
  std::string classify;
  while (std::getline(report, line))
    if (line.find(c.expected.rfind("tern-", 0) == 0
                      ? std::string("remark: tern-raise: ")
                      : std::string("tern-classify-weights: ")) !=
        std::string::npos)
      classify = line;
  EXPECT_NE(classify.find(c.expected), std::string::npos)
      << "expected '" << c.expected << "' in: " << lib->report;

  if (c.reference)
    c.reference(model.layers[0].weights);
  Instance instance(*lib);
  ASSERT_TRUE(instance);
  for (int b = 0; b < 3; ++b) {
    std::vector<float> x = randomVector(rng, model.inputSize(), -2.0f, 2.0f);
    if (b == 2) // zero activations: a sparse kernel must not read past them
      for (size_t i = 0; i < x.size(); i += 2)
        x[i] = 0.0f;
    std::vector<float> y(model.outputSize(), std::nanf(""));
    ASSERT_TRUE(runsOk(
        *lib, [&] { return lib->run(instance.get(), x.data(), y.data()); }))
        << "batch " << b;
    EXPECT_TRUE(matchesReference(model, x.data(), y)) << "batch " << b;
  }
}

INSTANTIATE_TEST_SUITE_P(E2E, SparseMatmul, ::testing::ValuesIn(sparseCases()),
                         [](const ::testing::TestParamInfo<SparseCase> &info) {
                           return info.param.name;
                         });

//===----------------------------------------------------------------------===//
// Activation sparsity: layers after a ReLU skip its zeros at run time
//===----------------------------------------------------------------------===//

/// Two layers: `inputs` -> `hidden` dense with a bias in [-bias, bias] and
/// a ReLU, then `hidden` -> `outputs`, ternary (per-row scales) or dense.
std::vector<Layer> reluThenLayer(std::mt19937 &rng, int64_t inputs,
                                 int64_t hidden, int64_t outputs, float bias,
                                 bool ternary) {
  Layer l1;
  l1.n = hidden;
  l1.k = inputs;
  l1.weights = denseWeights(rng, l1.n, l1.k);
  l1.bias = randomVector(rng, l1.n, -bias, bias);
  l1.relu = true;
  l1.ternary = false;
  Layer l2;
  l2.n = outputs;
  l2.k = hidden;
  l2.weights = ternary ? ternaryWeights(rng, l2.n, l2.k, Scale::PerRow)
                       : denseWeights(rng, l2.n, l2.k);
  l2.ternary = ternary;
  return {l1, l2};
}

struct ActivationCase {
  const char *name;
  bool ternary;               ///< the layer after the ReLU
  int64_t m, k, n;            ///< its shape (K = outputs of the first layer)
  bool off;                   ///< --activation-sparsity=off
  Layout layout = Layout::KN; ///< of the layer after the ReLU
};

void PrintTo(const ActivationCase &c, std::ostream *os) { *os << c.name; }

class ActivationSparsity : public ::testing::TestWithParam<ActivationCase> {};

TEST_P(ActivationSparsity, SkipsZerosAndMatches) {
  const ActivationCase &c = GetParam();
  std::mt19937 rng(77);
  Model model;
  model.name = std::string("act_") + c.name;
  model.m = c.m;
  model.layers = reluThenLayer(rng, 19, c.k, c.n, 0.5f, c.ternary);
  model.layers[1].layout = c.layout;
  if (c.off)
    model.flags.push_back("--activation-sparsity=off");
  const Library *lib = ModelCache::get().load(model);
  ASSERT_NE(lib, nullptr);
  // Exactly the second layer skips (the first reads the model's input).
  size_t count = 0;
  for (size_t at = lib->report.find("tern-skip-zero-activations: ");
       at != std::string::npos;
       at = lib->report.find("tern-skip-zero-activations: ", at + 1))
    ++count;
  EXPECT_EQ(count, c.off ? 0u : 1u) << lib->report;

  Instance instance(*lib);
  ASSERT_TRUE(instance);
  for (int b = 0; b < 4; ++b) {
    // Inputs from all-negative (every ReLU output zero unless its bias is
    // positive) to all-positive.
    float lo = b == 0 ? -2.0f : -1.0f, hi = b == 3 ? 2.0f : 1.0f;
    std::vector<float> x = randomVector(rng, model.inputSize(), lo, hi);
    std::vector<float> y(model.outputSize(), std::nanf(""));
    ASSERT_TRUE(runsOk(
        *lib, [&] { return lib->run(instance.get(), x.data(), y.data()); }))
        << "batch " << b;
    EXPECT_TRUE(matchesReference(model, x.data(), y)) << "batch " << b;
  }
}

const ActivationCase kActivationCases[] = {
    {"dense_gemv", false, 1, 64, 48, false},
    {"dense_rows", false, 6, 37, 33, false},
    {"ternary_gemv", true, 1, 64, 40, false},
    {"ternary_rows", true, 9, 41, 17, false},
    {"dense_off", false, 1, 64, 48, true},
    // N x K weights (stored K x N by tern-weight-layout), K and N not
    // multiples of the unroll or the vector blocks.
    {"dense_gemv_nk_k37", false, 1, 37, 83, false, Layout::NK},
    {"ternary_gemv_nk_k37", true, 1, 37, 29, false, Layout::NK},
};

INSTANTIATE_TEST_SUITE_P(
    E2E, ActivationSparsity, ::testing::ValuesIn(kActivationCases),
    [](const ::testing::TestParamInfo<ActivationCase> &info) {
      return std::string(info.param.name);
    });

//===----------------------------------------------------------------------===//
// Activation thresholds (TEAL): calibrated per layer, then skipped
//===----------------------------------------------------------------------===//

/// The thresholds `ternc --activation-threshold` chose, in layer order, and
/// the percentage of calibration inputs each zeros, from its remarks.
std::vector<std::pair<float, double>> thresholdRemarks(const std::string &r) {
  std::vector<std::pair<float, double>> out;
  std::istringstream in(r);
  const std::string key = ": --activation-threshold: layer ";
  for (std::string line; std::getline(in, line);) {
    size_t at = line.find(key);
    size_t le = line.find("|x| <= ", at);
    if (at == std::string::npos || le == std::string::npos)
      continue;
    float t = std::strtof(line.c_str() + le + 7, nullptr);
    size_t colon = line.find(": ", le);
    double pct = colon == std::string::npos
                     ? -1.0
                     : std::strtod(line.c_str() + colon + 2, nullptr);
    out.push_back({t, pct});
  }
  return out;
}

struct ThresholdCase {
  const char *name;
  bool ternary; ///< the second layer
  int64_t m;
  double sparsity;
};

void PrintTo(const ThresholdCase &c, std::ostream *os) { *os << c.name; }

class ActivationThreshold : public ::testing::TestWithParam<ThresholdCase> {};

TEST_P(ActivationThreshold, CalibratedThresholdsMatchTheReference) {
  const ThresholdCase &c = GetParam();
  std::mt19937 rng(91);
  Model model;
  model.name = std::string("teal_") + c.name;
  model.m = c.m;
  model.layers = reluThenLayer(rng, 23, 48, 21, 0.2f, c.ternary);

  // 64 calibration samples, written where the cache key (the flags) finds
  // the same file for the same contents.
  std::vector<float> samples =
      randomVector(rng, 64 * model.inputSize(), -1.0f, 1.0f);
  std::string bytes(reinterpret_cast<const char *>(samples.data()),
                    samples.size() * sizeof(float));
  fs::path file =
      fs::temp_directory_path() / ("tern-teal-" + hashText(bytes) + ".f32");
  std::ofstream(file, std::ios::binary) << bytes;
  model.flags = {"--activation-threshold=calibrate:" + file.string(),
                 "--activation-threshold-sparsity=" +
                     std::to_string(c.sparsity)};
  const Library *lib = ModelCache::get().load(model);
  ASSERT_NE(lib, nullptr);

  std::vector<std::pair<float, double>> t = thresholdRemarks(lib->report);
  ASSERT_EQ(t.size(), 2u) << lib->report;
  for (auto [threshold, pct] : t) {
    EXPECT_GE(threshold, 0.0f);
    // At least the target, on the calibration data (ties may add more).
    EXPECT_GE(pct, 100.0 * c.sparsity - 0.05) << lib->report;
  }
  model.layers[0].threshold = t[0].first;
  model.layers[1].threshold = t[1].first;
  EXPECT_NE(lib->report.find("tern-skip-zero-activations: layer"),
            std::string::npos)
      << lib->report;

  Instance instance(*lib);
  ASSERT_TRUE(instance);
  for (int b = 0; b < 3; ++b) {
    std::vector<float> x = randomVector(rng, model.inputSize(), -1.0f, 1.0f);
    std::vector<float> y(model.outputSize(), std::nanf(""));
    ASSERT_TRUE(runsOk(
        *lib, [&] { return lib->run(instance.get(), x.data(), y.data()); }))
        << "batch " << b;
    EXPECT_TRUE(matchesReference(model, x.data(), y)) << "batch " << b;
  }
}

const ThresholdCase kThresholdCases[] = {
    {"dense_gemv_50", false, 1, 0.5},
    {"ternary_gemv_70", true, 1, 0.7},
    {"dense_rows_90", false, 5, 0.9},
    {"ternary_rows_30", true, 3, 0.3},
};

INSTANTIATE_TEST_SUITE_P(
    E2E, ActivationThreshold, ::testing::ValuesIn(kThresholdCases),
    [](const ::testing::TestParamInfo<ThresholdCase> &info) {
      return std::string(info.param.name);
    });

//===----------------------------------------------------------------------===//
// The C API around the kernels
//===----------------------------------------------------------------------===//

class ModelApi : public ::testing::Test {
protected:
  void SetUp() override {
    model = apiModel();
    lib = ModelCache::get().load(model);
    ASSERT_NE(lib, nullptr);
    instance = std::make_unique<Instance>(*lib);
    ASSERT_TRUE(*instance);
    std::mt19937 rng(5);
    x = randomVector(rng, model.inputSize(), -2.0f, 2.0f);
    y.assign(model.outputSize(), 0.0f);
    lib->clearError();
  }

  /// Descriptors that match the info table.
  tern_tensor input() { return tensorOf(x.data(), model.m, model.layers[0].k); }
  tern_tensor output() {
    return tensorOf(y.data(), model.m, model.layers[0].n);
  }

  /// Checks that the model still runs correctly after an error.
  void expectStillWorks() {
    ASSERT_TRUE(runsOk(
        *lib, [&] { return lib->run(instance->get(), x.data(), y.data()); }));
    EXPECT_TRUE(matchesReference(model, x.data(), y));
  }

  Model model;
  const Library *lib = nullptr;
  std::unique_ptr<Instance> instance;
  std::vector<float> x, y;
};

TEST_F(ModelApi, SuccessClearsError) {
  ASSERT_EQ(lib->run(nullptr, x.data(), y.data()), TERN_ERROR_INVALID_ARGUMENT);
  EXPECT_STRNE(lib->lastError(), "");
  expectStillWorks();
  EXPECT_STREQ(lib->lastError(), "");
}

TEST_F(ModelApi, RunNullModel) {
  EXPECT_EQ(lib->run(nullptr, x.data(), y.data()), TERN_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::strstr(lib->lastError(), "model is NULL"), nullptr)
      << lib->lastError();
}

TEST_F(ModelApi, RunNullInput) {
  EXPECT_EQ(lib->run(instance->get(), nullptr, y.data()),
            TERN_ERROR_INVALID_ARGUMENT);
  std::string message = lib->lastError();
  EXPECT_NE(message.find("input 0"), std::string::npos) << message;
  EXPECT_NE(message.find("'features'"), std::string::npos) << message;
  expectStillWorks();
}

TEST_F(ModelApi, RunNullOutput) {
  EXPECT_EQ(lib->run(instance->get(), x.data(), nullptr),
            TERN_ERROR_INVALID_ARGUMENT);
  std::string message = lib->lastError();
  EXPECT_NE(message.find("output 0"), std::string::npos) << message;
  EXPECT_NE(message.find("'scores'"), std::string::npos) << message;
  expectStillWorks();
}

TEST_F(ModelApi, CreateNullOut) {
  EXPECT_EQ(lib->create(nullptr, nullptr), TERN_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::strstr(lib->lastError(), "out_model"), nullptr)
      << lib->lastError();
}

TEST_F(ModelApi, CreateWithOptions) {
  tern_create_options options;
  std::memset(&options, 0, sizeof(options));
  options.num_threads = 1;
  OpaqueModel *other = nullptr;
  ASSERT_EQ(lib->create(&other, &options), TERN_OK) << lib->lastError();
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(lib->run(other, x.data(), y.data()), TERN_OK) << lib->lastError();
  EXPECT_TRUE(matchesReference(model, x.data(), y));
  lib->destroy(other);
}

TEST_F(ModelApi, DestroyNull) { lib->destroy(nullptr); }

TEST_F(ModelApi, RunTensorsNullModel) {
  tern_tensor in = input(), out = output();
  EXPECT_EQ(lib->runTensors(nullptr, &in, 1, &out, 1),
            TERN_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::strstr(lib->lastError(), "model is NULL"), nullptr)
      << lib->lastError();
}

TEST_F(ModelApi, RunTensorsWrongShape) {
  tern_tensor in = input(), out = output();
  in.shape[1] += 1;
  EXPECT_EQ(lib->runTensors(instance->get(), &in, 1, &out, 1),
            TERN_ERROR_SHAPE_MISMATCH);
  EXPECT_NE(std::strstr(lib->lastError(), "features"), nullptr)
      << lib->lastError();

  in = input();
  out.shape[0] = model.m + 1;
  EXPECT_EQ(lib->runTensors(instance->get(), &in, 1, &out, 1),
            TERN_ERROR_SHAPE_MISMATCH);
  EXPECT_NE(std::strstr(lib->lastError(), "scores"), nullptr)
      << lib->lastError();

  // Same element count, wrong rank.
  out = output();
  in.rank = 1;
  in.shape[0] = model.inputSize();
  in.shape[1] = 0;
  EXPECT_EQ(lib->runTensors(instance->get(), &in, 1, &out, 1),
            TERN_ERROR_SHAPE_MISMATCH);
  expectStillWorks();
}

TEST_F(ModelApi, RunTensorsWrongDtype) {
  tern_tensor in = input(), out = output();
  in.dtype = TERN_DTYPE_I32;
  EXPECT_EQ(lib->runTensors(instance->get(), &in, 1, &out, 1),
            TERN_ERROR_DTYPE_MISMATCH);
  in = input();
  out.dtype = TERN_DTYPE_F64;
  EXPECT_EQ(lib->runTensors(instance->get(), &in, 1, &out, 1),
            TERN_ERROR_DTYPE_MISMATCH);
  expectStillWorks();
}

TEST_F(ModelApi, RunTensorsWrongCounts) {
  tern_tensor in[2] = {input(), input()}, out[2] = {output(), output()};
  EXPECT_EQ(lib->runTensors(instance->get(), in, 0, out, 1),
            TERN_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(lib->runTensors(instance->get(), in, 2, out, 1),
            TERN_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(lib->runTensors(instance->get(), in, 1, out, 0),
            TERN_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(lib->runTensors(instance->get(), in, 1, out, 2),
            TERN_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::strstr(lib->lastError(), "expected 1 inputs and 1 outputs"),
            nullptr)
      << lib->lastError();
}

TEST_F(ModelApi, RunTensorsNullArrays) {
  tern_tensor in = input(), out = output();
  EXPECT_EQ(lib->runTensors(instance->get(), nullptr, 1, &out, 1),
            TERN_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(lib->runTensors(instance->get(), &in, 1, nullptr, 1),
            TERN_ERROR_INVALID_ARGUMENT);
  // A descriptor without data.
  in.data = nullptr;
  EXPECT_EQ(lib->runTensors(instance->get(), &in, 1, &out, 1),
            TERN_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::strstr(lib->lastError(), "data is NULL"), nullptr)
      << lib->lastError();
  expectStillWorks();
}

/// tern.name is free text: it must reach the info table and the error
/// messages as written, whatever C or printf would make of it.
void checkPortNames(const std::string &modelName, const std::string &input,
                    const std::string &output) {
  Model model =
      ternaryModel(modelName, 20, 2, 10, 3, Scale::PerRow, Layout::NK);
  model.inputName = input;
  model.outputName = output;
  const Library *lib = ModelCache::get().load(model);
  ASSERT_NE(lib, nullptr);
  const tern_model_info *info = lib->info();
  EXPECT_EQ(info->inputs[0].name, model.inputName);
  EXPECT_EQ(info->outputs[0].name, model.outputName);

  Instance instance(*lib);
  ASSERT_TRUE(instance);
  std::mt19937 rng(21);
  std::vector<float> x = randomVector(rng, model.inputSize(), -2.0f, 2.0f);
  std::vector<float> y(model.outputSize());
  EXPECT_EQ(lib->run(instance.get(), nullptr, y.data()),
            TERN_ERROR_INVALID_ARGUMENT);
  std::string message = lib->lastError();
  EXPECT_NE(message.find("'" + model.inputName + "'"), std::string::npos)
      << message;
  EXPECT_EQ(lib->run(instance.get(), x.data(), nullptr),
            TERN_ERROR_INVALID_ARGUMENT);
  message = lib->lastError();
  EXPECT_NE(message.find("'" + model.outputName + "'"), std::string::npos)
      << message;
  ASSERT_TRUE(runsOk(
      *lib, [&] { return lib->run(instance.get(), x.data(), y.data()); }));
  EXPECT_TRUE(matchesReference(model, x.data(), y));
}

TEST(PortNames, QuotesAndBackslashes) {
  checkPortNames("port_quotes", "in \"0\" \\ x", "out \"0\"");
}

// "%d" would make printf read an argument that was never passed ("%s"
// would crash, so the test uses integer conversions only).
TEST(PortNames, PercentSigns) {
  checkPortNames("port_percent", "in%d%%", "out%i");
}

// The most obvious names of all; the C parameters named after them must not
// clash with anything the generated code declares.
TEST(PortNames, InAndOut) { checkPortNames("port_in_out", "in", "out"); }

/// The features of a Halide x86 target string and the /proc/cpuinfo flags
/// each needs. avx512_sapphirerapids makes LLVM compile for the
/// sapphirerapids CPU, which has AVX512-FP16 (vmovw and friends).
const std::map<std::string, std::vector<std::string>> &x86FeatureFlags() {
  static const std::map<std::string, std::vector<std::string>> flags = {
      {"sse41", {"sse4_1"}},
      {"avx", {"avx"}},
      {"avx2", {"avx2"}},
      {"fma", {"fma"}},
      {"f16c", {"f16c"}},
      {"avx512", {"avx512f", "avx512cd"}},
      {"avx512_knl", {"avx512pf", "avx512er"}},
      {"avx512_skylake", {"avx512vl", "avx512bw", "avx512dq"}},
      {"avx512_cannonlake", {"avx512ifma", "avx512vbmi"}},
      {"avx512_sapphirerapids", {"avx512_bf16", "avx_vnni", "avx512_fp16"}},
  };
  return flags;
}

/// ternc's default --target=host must only use what this CPU has: a
/// library built on a machine should run on it.
TEST(HostTarget, OnlyFeaturesThisCpuHas) {
  Model model = apiModel();
  const Library *lib = ModelCache::get().load(model);
  ASSERT_NE(lib, nullptr);
  // The header says "generated by ternc from <file> for target <t>. ..."
  std::string header = readFile(fs::path(lib->dir) / (model.name + ".h"));
  size_t at = header.find(" for target ");
  ASSERT_NE(at, std::string::npos) << header;
  at += std::strlen(" for target ");
  std::string target = header.substr(at, header.find(". ", at) - at);
  if (target.rfind("x86-64-", 0) != 0)
    GTEST_SKIP() << "not an x86-64 target: " << target;

  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line, cpuFlags;
  while (std::getline(cpuinfo, line))
    if (line.rfind("flags", 0) == 0) {
      cpuFlags = " " + line.substr(line.find(':') + 1) + " ";
      break;
    }
  if (cpuFlags.empty())
    GTEST_SKIP() << "no flags line in /proc/cpuinfo";

  std::istringstream features(target);
  for (std::string feature; std::getline(features, feature, '-');) {
    auto it = x86FeatureFlags().find(feature);
    if (it == x86FeatureFlags().end())
      continue;
    for (const std::string &flag : it->second)
      EXPECT_NE(cpuFlags.find(" " + flag + " "), std::string::npos)
          << "ternc's host target " << target << " has '" << feature
          << "', which needs the CPU flag '" << flag
          << "' that /proc/cpuinfo does not list";
  }
}

/// Two handles of one model on two threads at once: each thread's results
/// must match the reference and be bit-identical to the other's.
// Callers' buffers need not be vector aligned. Halide assumes the buffers a
// reduction reads back are aligned (it emits aligned AVX-512 loads), so a
// reduction that accumulated straight into a caller's output crashed when
// that pointer was off by one float. Inputs and outputs here are offset by
// 1 and 3 floats from a 64-byte boundary, for a ternary and a dense layer
// whose outputs are wide enough to be vectorized.
TEST(UnalignedBuffers, ReductionsWriteAnyOutputPointer) {
  for (const Model &model :
       {ternaryModel("unaligned_ternary", 41, 1, 96, 80, Scale::PerRow,
                     Layout::NK),
        denseModel("unaligned_dense", 42, 2, 40, 48, Layout::KN)}) {
    const Library *lib = ModelCache::get().load(model);
    ASSERT_NE(lib, nullptr) << model.name;
    Instance instance(*lib);
    ASSERT_TRUE(instance) << model.name;
    std::mt19937 rng(43);
    std::vector<float> x = randomVector(rng, model.inputSize(), -2.0f, 2.0f);
    for (size_t offset : {size_t(1), size_t(3)}) {
      // 64-byte aligned storage, then shifted by `offset` floats.
      std::vector<float> xs(model.inputSize() + 32),
          ys(model.outputSize() + 32);
      auto shifted = [&](std::vector<float> &v) {
        auto base = reinterpret_cast<uintptr_t>(v.data());
        size_t lead = ((64 - base % 64) % 64) / sizeof(float);
        return v.data() + lead + offset;
      };
      float *xp = shifted(xs), *yp = shifted(ys);
      ASSERT_NE(reinterpret_cast<uintptr_t>(yp) % 64, 0u);
      std::copy(x.begin(), x.end(), xp);
      tern_status status = TERN_ERROR_INTERNAL;
      ASSERT_EQ(
          survivingCrashes([&] { status = lib->run(instance.get(), xp, yp); }),
          0)
          << model.name << ": crashed with output offset " << offset;
      ASSERT_EQ(status, TERN_OK) << lib->lastError();
      std::vector<float> y(yp, yp + model.outputSize());
      EXPECT_TRUE(matchesReference(model, x.data(), y))
          << model.name << " offset " << offset;
    }
  }
}

TEST(ModelConcurrency, TwoInstancesOnTwoThreads) {
  Model model = mlpModel();
  const Library *lib = ModelCache::get().load(model);
  ASSERT_NE(lib, nullptr);
  Instance a(*lib), b(*lib);
  ASSERT_TRUE(a && b);

  constexpr int kInputs = 8, kRounds = 200;
  std::mt19937 rng(31);
  std::vector<std::vector<float>> inputs;
  for (int i = 0; i < kInputs; ++i)
    inputs.push_back(randomVector(rng, model.inputSize(), -2.0f, 2.0f));

  struct Result {
    std::vector<std::vector<float>> outputs; // last round's, per input
    int failedRuns = 0, unstable = 0;
  };
  auto work = [&](const Instance &instance, Result &result) {
    result.outputs.assign(kInputs, std::vector<float>(model.outputSize()));
    std::vector<float> y(model.outputSize());
    for (int round = 0; round < kRounds; ++round)
      for (int i = 0; i < kInputs; ++i) {
        // Stagger the two threads over the inputs.
        int j = (i + round) % kInputs;
        tern_status status = TERN_ERROR_INTERNAL;
        if (survivingCrashes([&] {
              status = lib->run(instance.get(), inputs[j].data(), y.data());
            }) != 0 ||
            status != TERN_OK) {
          ++result.failedRuns;
          continue;
        }
        if (round > 0 && y != result.outputs[j])
          ++result.unstable;
        result.outputs[j] = y;
      }
  };
  Result ra, rb;
  std::thread ta(work, std::cref(a), std::ref(ra));
  std::thread tb(work, std::cref(b), std::ref(rb));
  ta.join();
  tb.join();

  EXPECT_EQ(ra.failedRuns, 0);
  EXPECT_EQ(rb.failedRuns, 0);
  EXPECT_EQ(ra.unstable, 0) << "results changed between rounds";
  EXPECT_EQ(rb.unstable, 0) << "results changed between rounds";
  for (int i = 0; i < kInputs; ++i) {
    EXPECT_TRUE(matchesReference(model, inputs[i].data(), ra.outputs[i]))
        << "input " << i;
    EXPECT_EQ(ra.outputs[i], rb.outputs[i]) << "input " << i;
  }
}

/// Thread counts change while models run (issue 21): four threads each run
/// their own instance; a fifth keeps creating instances with thread limits
/// of 1 to 3 and running them; a sixth keeps resizing the pool. Generated
/// code used to shut Halide's pool down on a change, under the other
/// threads' running kernels, and the process hung. A hang fails the test
/// through the watchdog below (a deadlocked thread cannot be joined).
TEST(ModelConcurrency, ThreadCountsChangeUnderLoad) {
  // Wide enough for the kernels to be shared out between threads.
  Model model =
      denseModel("threads_under_load", 2121, 1, 256, 2048, Layout::KN);
  const Library *lib = ModelCache::get().load(model);
  ASSERT_NE(lib, nullptr);
  std::mt19937 rng(17);
  std::vector<float> x = randomVector(rng, model.inputSize(), -2.0f, 2.0f);
  std::vector<float> expected(model.outputSize());
  {
    Instance instance(*lib);
    ASSERT_TRUE(instance);
    ASSERT_EQ(lib->run(instance.get(), x.data(), expected.data()), TERN_OK)
        << lib->lastError();
    ASSERT_TRUE(matchesReference(model, x.data(), expected));
  }

  constexpr int kRunners = 4, kRuns = 150;
  std::atomic<bool> stop{false};
  std::atomic<int> finished{0}, wrong{0}, failed{0};
  auto check = [&](OpaqueModel *instance) {
    std::vector<float> y(model.outputSize());
    if (lib->run(instance, x.data(), y.data()) != TERN_OK)
      ++failed;
    else if (y != expected) // bit-identical at any thread count
      ++wrong;
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < kRunners; ++t)
    threads.emplace_back([&] {
      Instance instance(*lib);
      for (int i = 0; i < kRuns && instance; ++i)
        check(instance.get());
      ++finished;
    });
  threads.emplace_back([&] {
    for (int i = 0; i < kRuns / 3; ++i) {
      tern_create_options options{};
      options.num_threads = 1 + i % 3;
      Instance instance(*lib, &options);
      if (instance)
        check(instance.get());
    }
    ++finished;
  });
  threads.emplace_back([&] {
    for (int i = 0; !stop; ++i) {
      lib->setNumThreads(i % 4); // 0: one per hardware thread
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    lib->setNumThreads(0);
  });

  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  while (finished < kRunners + 1 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  if (finished < kRunners + 1) {
    ADD_FAILURE() << "deadlock: " << kRunners + 1 - finished
                  << " model threads still running after 90 s";
    std::fflush(nullptr);
    std::_Exit(1);
  }
  stop = true;
  for (std::thread &thread : threads)
    thread.join();
  EXPECT_EQ(failed, 0) << lib->lastError();
  EXPECT_EQ(wrong, 0) << "results changed with the thread count";
}

/// A negative per-instance limit is refused by create, by name.
TEST(ModelConcurrency, NegativeThreadLimitIsRefused) {
  Model model = mlpModel();
  const Library *lib = ModelCache::get().load(model);
  ASSERT_NE(lib, nullptr);
  tern_create_options options{};
  options.num_threads = -2;
  OpaqueModel *instance = reinterpret_cast<OpaqueModel *>(&options);
  EXPECT_EQ(lib->create(&instance, &options), TERN_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(instance, nullptr);
  EXPECT_NE(std::strstr(lib->lastError(), "num_threads"), nullptr)
      << lib->lastError();
  EXPECT_NE(std::strstr(lib->lastError(), "-2"), nullptr) << lib->lastError();
}

} // namespace
