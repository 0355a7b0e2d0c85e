//===- TernaryCostModelTest.cpp - Which kernel each ternary layer gets ----===//
//
// The cost model's contract (TernaryCostModel.h): it never changes numerics
// on its own (int8 exactly when int8 activations were asked for), every
// name round-trips through parse, and its choice for float activations is
// the one the committed benchmark measured fastest.
//
//===----------------------------------------------------------------------===//

#include "tern/Analysis/TernaryCostModel.h"

#include <gtest/gtest.h>

using namespace mlir::tern::cost;

namespace {

TEST(TernaryCostModel, NamesRoundTrip) {
  for (Choice c : {Choice::AddSubI2, Choice::AddSubBitplane,
                   Choice::AddSubBase3, Choice::Lut, Choice::Int8Dot}) {
    Choice back;
    ASSERT_TRUE(parse(name(c), back)) << name(c);
    EXPECT_EQ(back, c);
  }
  Choice unused;
  EXPECT_FALSE(parse("auto", unused));
  EXPECT_FALSE(parse("fast", unused));
}

TEST(TernaryCostModel, Int8ExactlyWhenAskedFor) {
  for (int64_t m : {1, 8, 128})
    for (int64_t k : {64, 2560, 11008}) {
      Layer l;
      l.m = m;
      l.k = k;
      l.n = 4096;
      EXPECT_NE(choose(l).choice, Choice::Int8Dot);
      l.activationBits = 8;
      Decision d = choose(l);
      EXPECT_EQ(d.choice, Choice::Int8Dot);
      EXPECT_NE(d.reason.find("--activation-bits=8"), std::string::npos);
    }
}

TEST(TernaryCostModel, FloatLayersGetTheMeasuredFastest) {
  // bench/results/ternary-kernels.md: i2 is the fastest kernel, or within
  // 10% of it, at every batch from 8 up, and at batch 1 without AVX-512;
  // with AVX-512 the bit planes are fastest at batch 1.
  Layer l;
  l.k = 4096;
  l.n = 11008;
  for (bool avx512 : {false, true})
    for (int64_t m : {1, 8, 32, 128, 512}) {
      l.m = m;
      l.avx512 = avx512;
      Decision d = choose(l);
      EXPECT_EQ(d.choice,
                avx512 && m == 1 ? Choice::AddSubBitplane : Choice::AddSubI2)
          << "m = " << m << ", avx512 = " << avx512;
      EXPECT_FALSE(d.reason.empty());
    }
}

} // namespace
