//===- SparseWeightsTest.cpp - Pruning, analysis, formats, cost model -----===//
//
// The plain C++ half of Tern's weight sparsity (SparseWeights.h): pruning
// must leave exactly the pattern it promises, every stored format must give
// back the matrix it was built from, and the cost model must make the
// choices its measurements support.
//
//===----------------------------------------------------------------------===//

#include "tern/Analysis/SparseWeights.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace mlir::tern::sparse;

namespace {

std::vector<float> randomMatrix(int64_t n, int64_t k, unsigned seed,
                                double density = 1.0) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> value(-1.0f, 1.0f);
  std::bernoulli_distribution keep(density);
  std::vector<float> w(n * k);
  for (float &v : w)
    v = keep(rng) ? value(rng) : 0.0f;
  return w;
}

int64_t nonzeros(const std::vector<float> &w) {
  int64_t c = 0;
  for (float v : w)
    c += v != 0.0f;
  return c;
}

// Shapes with K a multiple of the group and not, N = 1, K = 1.
struct Shape {
  int64_t n, k;
};
const Shape kShapes[] = {{1, 1}, {3, 7}, {16, 64}, {5, 37}, {33, 130}};

TEST(Prune, NMHoldsInEveryGroup) {
  for (auto [keep, group] : {std::pair{1, 4}, {2, 4}, {4, 8}, {3, 5}})
    for (Shape s : kShapes) {
      std::vector<float> w = randomMatrix(s.n, s.k, 1), before = w;
      double err = pruneNM(w, s.n, s.k, keep, group);
      for (int64_t r = 0; r < s.n; ++r)
        for (int64_t g = 0; g < s.k; g += group) {
          int count = 0;
          float smallestKept = INFINITY, largestDropped = 0;
          for (int64_t c = g; c < std::min(s.k, g + group); ++c) {
            float v = w[r * s.k + c];
            // Kept weights are unchanged; dropped ones are zero.
            EXPECT_TRUE(v == 0.0f || v == before[r * s.k + c]);
            if (v != 0.0f) {
              ++count;
              smallestKept = std::min(smallestKept, std::fabs(v));
            } else {
              largestDropped =
                  std::max(largestDropped, std::fabs(before[r * s.k + c]));
            }
          }
          int64_t size = std::min<int64_t>(group, s.k - g);
          EXPECT_EQ(count, std::min<int64_t>(keep, size))
              << keep << ":" << group << " row " << r << " group " << g;
          if (count && largestDropped > 0)
            EXPECT_GE(smallestKept, largestDropped);
        }
      EXPECT_GE(err, 0.0);
      EXPECT_LT(err, 1.0);
    }
}

TEST(Prune, BlocksZeroExactlyTheWeakestFraction) {
  std::vector<float> w = randomMatrix(10, 18, 2);
  pruneBlocks(w, 10, 18, 4, 4, 0.75);
  // 3 x 5 = 15 blocks (edge blocks smaller); round(0.75 * 15) = 11 zero.
  int zeroBlocks = 0;
  for (int rb = 0; rb < 3; ++rb)
    for (int cb = 0; cb < 5; ++cb) {
      bool any = false;
      for (int r = rb * 4; r < std::min(10, rb * 4 + 4); ++r)
        for (int c = cb * 4; c < std::min(18, cb * 4 + 4); ++c)
          any |= w[r * 18 + c] != 0.0f;
      zeroBlocks += !any;
    }
  EXPECT_EQ(zeroBlocks, 11);
}

TEST(Prune, UnstructuredCountAndMagnitudes) {
  for (double sparsity : {0.0, 0.5, 0.9, 0.95, 1.0}) {
    std::vector<float> w = randomMatrix(20, 50, 3), before = w;
    double err = pruneUnstructured(w, 20, 50, sparsity);
    EXPECT_EQ(nonzeros(w), 1000 - std::llround(sparsity * 1000));
    float smallestKept = INFINITY, largestDropped = 0;
    for (size_t i = 0; i < w.size(); ++i)
      if (w[i] != 0.0f)
        smallestKept = std::min(smallestKept, std::fabs(w[i]));
      else
        largestDropped = std::max(largestDropped, std::fabs(before[i]));
    if (sparsity > 0 && sparsity < 1)
      EXPECT_GE(smallestKept, largestDropped);
    EXPECT_EQ(err == 0.0, sparsity == 0.0);
    if (sparsity == 1.0)
      EXPECT_DOUBLE_EQ(err, 1.0);
  }
}

TEST(Prune, GlobalThreshold) {
  std::vector<float> m = {0.5f, 3, 1, 2, 7, 0.1f, 4, 6};
  float t = magnitudeThreshold(m, 0.5);
  EXPECT_EQ(t, 3.0f);
  std::vector<float> w = {0.5f, -3, 1, 2};
  pruneBelow(w, t);
  EXPECT_EQ(w, (std::vector<float>{0, -3, 0, 0}));
}

TEST(Analyze, Patterns) {
  std::vector<float> zero(4 * 8, 0.0f);
  EXPECT_EQ(analyze(zero, 4, 8).pattern(), "all zero");
  EXPECT_EQ(analyze(randomMatrix(4, 8, 4), 4, 8).pattern(), "dense");
  for (auto [keep, group, name] :
       {std::tuple{1, 4, "1:4"}, {2, 4, "2:4"}, {4, 8, "4:8"}}) {
    std::vector<float> w = randomMatrix(8, 30, 5);
    pruneNM(w, 8, 30, keep, group);
    Stats s = analyze(w, 8, 30);
    EXPECT_EQ(s.pattern(), name);
    EXPECT_EQ(s.nmN, keep);
    EXPECT_EQ(s.nmM, group);
  }
  std::vector<float> b = randomMatrix(16, 32, 6);
  pruneBlocks(b, 16, 32, 4, 4, 0.75);
  EXPECT_EQ(analyze(b, 16, 32).pattern(), "block 4x4");
  // 30% dense: some group of 4 holds 3 nonzeros, some group of 8 five.
  std::vector<float> u = randomMatrix(16, 64, 7, 0.3);
  Stats s = analyze(u, 16, 64);
  EXPECT_EQ(s.pattern(), "unstructured");
  EXPECT_EQ(s.nnz, nonzeros(u));
}

/// Multiplies the stored form back out: out[n][k].
std::vector<float> fromEll(const Ell &e, int64_t n, int64_t k) {
  std::vector<float> w(n * k, 0.0f);
  for (int64_t j = 0; j < e.rowLength; ++j)
    for (int64_t r = 0; r < n; ++r) {
      int32_t c = e.cols[j * n + r];
      EXPECT_GE(c, 0);
      EXPECT_LT(c, k);
      w[r * k + c] += e.values[j * n + r];
    }
  return w;
}

TEST(Formats, EllRoundTrip) {
  for (Shape s : kShapes)
    for (double d : {0.0, 0.05, 0.5, 1.0}) {
      std::vector<float> w = randomMatrix(s.n, s.k, 8, d);
      Ell e = buildEll(w, s.n, s.k);
      EXPECT_EQ(e.rowLength, analyze(w, s.n, s.k).maxRowNnz);
      EXPECT_EQ(fromEll(e, s.n, s.k), w);
    }
}

TEST(Formats, NMRoundTripAndRejects) {
  for (Shape s : kShapes) {
    std::vector<float> w = randomMatrix(s.n, s.k, 9);
    pruneNM(w, s.n, s.k, 2, 4);
    NM nm;
    std::string why;
    ASSERT_TRUE(buildNM(w, s.n, s.k, 2, 4, nm, why)) << why;
    std::vector<float> back(s.n * s.k, 0.0f);
    int64_t slots = (s.k + 3) / 4 * 2;
    for (int64_t j = 0; j < slots; ++j)
      for (int64_t r = 0; r < s.n; ++r) {
        int64_t c = (j / 2) * 4 + nm.index[j * s.n + r];
        ASSERT_LT(c, s.k);
        back[r * s.k + c] += nm.values[j * s.n + r];
      }
    EXPECT_EQ(back, w);
  }
  std::vector<float> bad = {1, 2, 3, 0};
  NM nm;
  std::string why;
  EXPECT_FALSE(buildNM(bad, 1, 4, 2, 4, nm, why));
  EXPECT_EQ(why, "row 0, inputs 0..3 hold more than 2 nonzeros");
}

TEST(Formats, BsrRoundTrip) {
  for (Shape s : kShapes)
    for (auto [bn, bk] : {std::pair{4, 4}, {2, 3}, {1, 8}}) {
      std::vector<float> w = randomMatrix(s.n, s.k, 10);
      pruneBlocks(w, s.n, s.k, bn, bk, 0.6);
      Bsr b = buildBsr(w, s.n, s.k, bn, bk);
      int64_t rowBlocks = (s.n + bn - 1) / bn;
      std::vector<float> back(s.n * s.k, 0.0f);
      for (int64_t j = 0; j < b.listLength; ++j)
        for (int64_t i = 0; i < bk; ++i)
          for (int64_t r = 0; r < s.n; ++r) {
            int64_t c = int64_t(b.blockCol[j * rowBlocks + r / bn]) * bk + i;
            float v = b.values[(j * bk + i) * s.n + r];
            if (c >= s.k) {
              EXPECT_EQ(v, 0.0f);
              continue;
            }
            back[r * s.k + c] += v;
          }
      // A padding slot repeats block column 0 with zero values.
      EXPECT_EQ(back, w);
    }
}

TEST(CostModel, Choices) {
  // No zeros: dense, whatever the shape.
  EXPECT_EQ(choose(analyze(randomMatrix(64, 64, 11), 64, 64), 1).format,
            Format::Dense);
  // 90% zeros: ELL, with fewer bytes than dense.
  Stats u = analyze(randomMatrix(256, 512, 12, 0.1), 256, 512);
  Decision d = choose(u, 1);
  EXPECT_EQ(d.format, Format::Ell) << d.reason;
  EXPECT_LT(d.bytes, d.denseBytes / 4);
  // 2:4: N:M at batch 1 (no scalar reads of the activations); from 16
  // rows on ELL's 16-row vectors cost less per entry than N:M's selects
  // (bench/results/sparse-kernels.md, 4096 x 4096 at batch 32: ELL 0.72 ns
  // an entry, N:M 1.02).
  std::vector<float> w = randomMatrix(256, 512, 13);
  pruneNM(w, 256, 512, 2, 4);
  EXPECT_EQ(choose(analyze(w, 256, 512), 1).format, Format::NM);
  EXPECT_EQ(choose(analyze(w, 256, 512), 32).format, Format::Ell);
  // The crossover: half the weights zero, ELL (fewer bytes, measured 1.36x
  // faster than dense); a third zero, ELL would store more bytes: dense.
  Stats half = analyze(randomMatrix(256, 512, 15, 0.5), 256, 512);
  EXPECT_EQ(choose(half, 1).format, Format::Ell) << choose(half, 1).reason;
  Stats third = analyze(randomMatrix(256, 512, 16, 0.67), 256, 512);
  EXPECT_EQ(choose(third, 1).format, Format::Dense) << choose(third, 1).reason;
  // Forcing a format that cannot hold the layer keeps it dense.
  Decision forced = choose(u, 1, Format::NM, /*force=*/true);
  EXPECT_EQ(forced.format, Format::Dense);
  EXPECT_NE(forced.reason.find("cannot hold"), std::string::npos);
  EXPECT_EQ(choose(u, 1, Format::Bsr, true).format, Format::Bsr);
  // Few zeros (99% dense): ELL's padded rows would store more bytes than
  // the dense weights, so dense.
  Stats nearlyDense = analyze(randomMatrix(64, 256, 14, 0.99), 64, 256);
  EXPECT_EQ(choose(nearlyDense, 1).format, Format::Dense)
      << choose(nearlyDense, 1).reason;
}

/// Pruned-ternary weights: row r is 0 or +-(0.1 r + 0.5).
std::vector<float> prunedTernary(int64_t n, int64_t k, unsigned seed,
                                 double density) {
  std::vector<float> w = randomMatrix(n, k, seed, density);
  for (int64_t r = 0; r < n; ++r)
    for (int64_t c = 0; c < k; ++c)
      if (float &v = w[r * k + c]; v != 0.0f)
        v = (v > 0 ? 1.0f : -1.0f) * (0.1f * r + 0.5f);
  return w;
}

TEST(Formats, SignedEllRoundTripAndRejects) {
  for (Shape s : kShapes)
    for (double d : {0.0, 0.05, 0.5, 1.0}) {
      std::vector<float> w = prunedTernary(s.n, s.k, 15, d);
      SignedEll e;
      ASSERT_TRUE(buildSignedEll(w, s.n, s.k, e));
      EXPECT_EQ(e.rowLength, analyze(w, s.n, s.k).maxRowNnz);
      // Decode: +(c + 1) adds a_r at c, -(c + 1) subtracts, 0 pads.
      std::vector<float> back(s.n * s.k, 0.0f);
      for (int64_t r = 0; r < s.n; ++r)
        for (int64_t j = 0; j < e.rowLength; ++j) {
          int32_t code = e.codes[j * s.n + r];
          if (code == 0)
            continue;
          int64_t c = std::abs(code) - 1;
          ASSERT_LT(c, s.k);
          back[r * s.k + c] = code > 0 ? e.scales[r] : -e.scales[r];
        }
      EXPECT_EQ(back, w);
    }
  // Two magnitudes in a row: not ternary.
  std::vector<float> w = {0.5f, 0.0f, -0.25f, 0.0f};
  SignedEll e;
  EXPECT_FALSE(buildSignedEll(w, 1, 4, e));
}

TEST(CostModel, TernaryChoices) {
  // 95% zero trits: index lists at batch 1 and 32, fewer bytes than i2.
  Stats sparse = analyze(prunedTernary(256, 1024, 16, 0.05), 256, 1024);
  TernaryDecision d = chooseTernary(sparse, 1);
  EXPECT_EQ(d.form, TernaryForm::IndexList) << d.reason;
  EXPECT_LT(d.bytes, d.i2Bytes);
  EXPECT_EQ(chooseTernary(sparse, 32).form, TernaryForm::IndexList);
  // 90%: index lists at batch 1 and at batch 32 (16-row vectors per
  // stored position; measured 1.94x and 3.35x the 2-bit kernel).
  Stats tenth = analyze(prunedTernary(256, 1024, 17, 0.1), 256, 1024);
  EXPECT_EQ(chooseTernary(tenth, 1).form, TernaryForm::IndexList);
  EXPECT_EQ(chooseTernary(tenth, 32).form, TernaryForm::IndexList);
  // 70%: the 2-bit kernel at both (lists would store more bytes).
  Stats thirty = analyze(prunedTernary(256, 1024, 19, 0.3), 256, 1024);
  EXPECT_EQ(chooseTernary(thirty, 1).form, TernaryForm::I2);
  EXPECT_EQ(chooseTernary(thirty, 32).form, TernaryForm::I2);
  // 50%: the 2-bit kernel, unless forced.
  Stats half = analyze(prunedTernary(256, 1024, 18, 0.5), 256, 1024);
  EXPECT_EQ(chooseTernary(half, 1).form, TernaryForm::I2);
  TernaryDecision forced = chooseTernary(half, 1, TernaryForm::IndexList);
  EXPECT_EQ(forced.form, TernaryForm::IndexList);
  EXPECT_NE(forced.reason.find("forced"), std::string::npos);
  // Ternary N:M cannot be forced on zeros without an N:M pattern.
  TernaryDecision noPattern = chooseTernary(half, 1, TernaryForm::NM);
  EXPECT_EQ(noPattern.form, TernaryForm::I2);
  EXPECT_NE(noPattern.reason.find("no N:M pattern"), std::string::npos)
      << noPattern.reason;
}

/// A pruned-ternary matrix in the keep:group pattern (one magnitude a row).
std::vector<float> nmTernary(int64_t n, int64_t k, unsigned seed, int keep,
                             int group) {
  std::vector<float> w = prunedTernary(n, k, seed, 1.0);
  pruneNM(w, n, k, keep, group);
  return w;
}

TEST(CostModel, TernaryNMChoices) {
  // 1:4: one byte a slot stores what the 2-bit codes store (two bits a
  // weight) with a quarter of the slots: ternary N:M at batch 1 and 32.
  Stats quarter = analyze(nmTernary(256, 1024, 21, 1, 4), 256, 1024);
  ASSERT_EQ(quarter.nmN, 1);
  TernaryDecision d = chooseTernary(quarter, 1);
  EXPECT_EQ(d.form, TernaryForm::NM) << d.reason;
  EXPECT_EQ(d.bytes, d.i2Bytes);
  EXPECT_EQ(chooseTernary(quarter, 32).form, TernaryForm::NM);
  // 2:4 would store twice the bytes: the 2-bit kernel, unless forced.
  Stats half = analyze(nmTernary(256, 1024, 22, 2, 4), 256, 1024);
  ASSERT_EQ(half.nmN, 2);
  EXPECT_EQ(chooseTernary(half, 1).form, TernaryForm::I2);
  TernaryDecision forced = chooseTernary(half, 1, TernaryForm::NM);
  EXPECT_EQ(forced.form, TernaryForm::NM);
  EXPECT_GT(forced.bytes, forced.i2Bytes);
}

TEST(Formats, SignedNMRoundTripAndRejects) {
  for (Shape s : kShapes)
    for (auto [keep, group] : {std::pair{1, 4}, {2, 4}, {4, 8}}) {
      std::vector<float> w = nmTernary(s.n, s.k, 23, keep, group);
      SignedNM nm;
      std::string why;
      ASSERT_TRUE(buildSignedNM(w, s.n, s.k, keep, group, nm, why)) << why;
      int64_t groups = (s.k + group - 1) / group;
      ASSERT_EQ(nm.codes.size(), static_cast<size_t>(groups * keep * s.n));
      // Decode: slot j of group j / keep, +(i + 1) adds a_r at input
      // g * group + i, -(i + 1) subtracts, 0 is empty.
      std::vector<float> back(s.n * s.k, 0.0f);
      for (int64_t r = 0; r < s.n; ++r)
        for (int64_t j = 0; j < groups * keep; ++j) {
          int code = nm.codes[j * s.n + r];
          if (code == 0)
            continue;
          int64_t c = (j / keep) * group + std::abs(code) - 1;
          ASSERT_LT(c, s.k);
          back[r * s.k + c] = code > 0 ? nm.scales[r] : -nm.scales[r];
        }
      EXPECT_EQ(back, w);
    }
  std::string why;
  SignedNM nm;
  // Two magnitudes in a row.
  EXPECT_FALSE(buildSignedNM({0.5f, 0.0f, -0.25f, 0.0f}, 1, 4, 2, 4, nm, why));
  EXPECT_NE(why.find("magnitude"), std::string::npos) << why;
  // Three nonzeros in a group of 4 do not fit 2:4.
  EXPECT_FALSE(buildSignedNM({0.5f, 0.5f, -0.5f, 0.0f}, 1, 4, 2, 4, nm, why));
  EXPECT_NE(why.find("more than 2"), std::string::npos) << why;
}

} // namespace
