//===- SamplingTest.cpp - tern_sample -------------------------------------===//
//
// The sampler against the distributions it must draw from: greedy picks,
// the softmax at a temperature (frequencies over many seeded draws), top-k
// and top-p truncation, seeds, NaN logits and bad parameters.
//
//===----------------------------------------------------------------------===//

#include "tern/runtime.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace {

struct Sampler {
  explicit Sampler(tern_sampler_params p) {
    EXPECT_EQ(tern_sampler_create(&p, &s), TERN_OK) << tern_last_error();
  }
  ~Sampler() { tern_sampler_destroy(s); }
  int32_t draw(const std::vector<float> &logits) {
    int32_t t = -1;
    EXPECT_EQ(tern_sample(s, logits.data(), int32_t(logits.size()), &t),
              TERN_OK)
        << tern_last_error();
    return t;
  }
  tern_sampler *s = nullptr;
};

tern_sampler_params params(float temperature, int32_t topK = 0,
                           float topP = 1.0f, uint64_t seed = 7) {
  tern_sampler_params p;
  tern_sampler_params_init(&p);
  p.temperature = temperature;
  p.top_k = topK;
  p.top_p = topP;
  p.seed = seed;
  return p;
}

TEST(Sampling, DefaultsAreGreedy) {
  tern_sampler_params p;
  tern_sampler_params_init(&p);
  EXPECT_EQ(p.temperature, 0.0f);
  EXPECT_EQ(p.top_k, 0);
  EXPECT_EQ(p.top_p, 1.0f);
  Sampler s(p);
  EXPECT_EQ(s.draw({0.5f, 3.0f, -1.0f, 2.0f}), 1);
  // Ties: the lowest id. NaN: never.
  EXPECT_EQ(s.draw({1.0f, 4.0f, 4.0f}), 1);
  EXPECT_EQ(s.draw({NAN, -5.0f, NAN}), 1);
}

TEST(Sampling, TemperatureFollowsTheSoftmax) {
  std::vector<float> logits = {1.0f, 0.0f, 2.0f, -1.0f};
  const float temperature = 0.7f;
  std::vector<double> want(4);
  double sum = 0;
  for (int i = 0; i < 4; ++i)
    sum += want[i] = std::exp(logits[i] / temperature);
  Sampler s(params(temperature));
  std::vector<int> count(4);
  const int draws = 40000;
  for (int i = 0; i < draws; ++i)
    ++count[s.draw(logits)];
  for (int i = 0; i < 4; ++i)
    EXPECT_NEAR(double(count[i]) / draws, want[i] / sum, 0.01) << "token " << i;
}

TEST(Sampling, TopKAndTopPTruncate) {
  std::vector<float> logits = {0.0f, 3.0f, 2.9f, 1.0f, -2.0f};
  {
    Sampler s(params(1.0f, /*topK=*/2));
    for (int i = 0; i < 2000; ++i) {
      int32_t t = s.draw(logits);
      EXPECT_TRUE(t == 1 || t == 2) << t;
    }
  }
  {
    // Tokens 1 and 2 hold about 0.47 and 0.43 of the mass: top_p 0.4
    // keeps the first alone, 0.8 both.
    Sampler one(params(1.0f, 0, 0.4f)), two(params(1.0f, 0, 0.8f));
    std::vector<int> seen(5);
    for (int i = 0; i < 2000; ++i) {
      EXPECT_EQ(one.draw(logits), 1);
      ++seen[two.draw(logits)];
    }
    EXPECT_GT(seen[1], 0);
    EXPECT_GT(seen[2], 0);
    EXPECT_EQ(seen[0] + seen[3] + seen[4], 0);
  }
}

TEST(Sampling, SeedsRepeat) {
  std::vector<float> logits(64);
  for (size_t i = 0; i < logits.size(); ++i)
    logits[i] = std::sin(float(i));
  auto run = [&](uint64_t seed) {
    Sampler s(params(1.0f, 0, 1.0f, seed));
    std::vector<int32_t> out;
    for (int i = 0; i < 50; ++i)
      out.push_back(s.draw(logits));
    return out;
  };
  EXPECT_EQ(run(1), run(1));
  EXPECT_NE(run(1), run(2));
}

TEST(Sampling, BadArguments) {
  tern_sampler *s = nullptr;
  tern_sampler_params p = params(-1.0f);
  EXPECT_EQ(tern_sampler_create(&p, &s), TERN_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(tern_last_error()).find("temperature -1"),
            std::string::npos);
  EXPECT_EQ(s, nullptr);
  p = params(1.0f, -3);
  EXPECT_EQ(tern_sampler_create(&p, &s), TERN_ERROR_INVALID_ARGUMENT);
  p = params(1.0f, 0, 0.0f);
  EXPECT_EQ(tern_sampler_create(&p, &s), TERN_ERROR_INVALID_ARGUMENT);
  p = params(NAN);
  EXPECT_EQ(tern_sampler_create(&p, &s), TERN_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(tern_sampler_create(nullptr, nullptr), TERN_ERROR_INVALID_ARGUMENT);
  ASSERT_EQ(tern_sampler_create(nullptr, &s), TERN_OK); // defaults
  float logits[2] = {NAN, NAN};
  int32_t t = 0;
  EXPECT_EQ(tern_sample(s, logits, 2, &t), TERN_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(tern_last_error()).find("every logit is NaN"),
            std::string::npos);
  EXPECT_EQ(tern_sample(s, logits, 0, &t), TERN_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(tern_sample(s, nullptr, 2, &t), TERN_ERROR_INVALID_ARGUMENT);
  tern_sampler_destroy(s);
  tern_sampler_destroy(nullptr);
}

} // namespace
