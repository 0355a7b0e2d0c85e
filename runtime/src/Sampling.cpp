//===- Sampling.cpp - The next token from a language model's logits -------===//
//
// Greedy, temperature, top-k and top-p (nucleus) sampling with a seeded
// generator of its own (splitmix64), so that a seed gives the same tokens
// on every machine and C library. See tern/runtime.h.
//
//===----------------------------------------------------------------------===//

#include "tern/runtime.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <new>
#include <vector>

struct tern_sampler {
  tern_sampler_params params;
  uint64_t state;
  std::vector<int32_t> order; // scratch: candidate ids
  std::vector<float> probs;   // scratch: their probabilities
};

namespace {

uint64_t splitmix64(uint64_t &x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

/// Uniform in [0, 1).
double uniform(uint64_t &state) {
  return double(splitmix64(state) >> 11) * (1.0 / 9007199254740992.0);
}

} // namespace

void tern_sampler_params_init(tern_sampler_params *params) {
  if (!params)
    return;
  params->temperature = 0.0f;
  params->top_k = 0;
  params->top_p = 1.0f;
  params->seed = 0;
}

tern_status tern_sampler_create(const tern_sampler_params *params,
                                tern_sampler **out_sampler) {
  if (!out_sampler)
    return tern_set_error(TERN_ERROR_INVALID_ARGUMENT,
                          "tern_sampler_create: out_sampler is NULL");
  *out_sampler = nullptr;
  tern_sampler_params p;
  tern_sampler_params_init(&p);
  if (params)
    p = *params;
  if (!(p.temperature >= 0.0f) || std::isinf(p.temperature))
    return tern_set_error(TERN_ERROR_INVALID_ARGUMENT,
                          "tern_sampler_create: temperature %g: expected a "
                          "finite value >= 0 (0: greedy)",
                          double(p.temperature));
  if (p.top_k < 0)
    return tern_set_error(TERN_ERROR_INVALID_ARGUMENT,
                          "tern_sampler_create: top_k %d: expected >= 0 "
                          "(0: all tokens)",
                          int(p.top_k));
  if (!(p.top_p > 0.0f && p.top_p <= 1.0f))
    return tern_set_error(TERN_ERROR_INVALID_ARGUMENT,
                          "tern_sampler_create: top_p %g: expected a value "
                          "in (0, 1]",
                          double(p.top_p));
  auto *s = new (std::nothrow) tern_sampler;
  if (!s)
    return tern_set_error(TERN_ERROR_OUT_OF_MEMORY,
                          "tern_sampler_create: out of memory");
  s->params = p;
  s->state = p.seed;
  *out_sampler = s;
  return TERN_OK;
}

void tern_sampler_destroy(tern_sampler *sampler) { delete sampler; }

tern_status tern_sample(tern_sampler *sampler, const float *logits,
                        int32_t vocab, int32_t *out_token) {
  if (!sampler || !logits || !out_token)
    return tern_set_error(TERN_ERROR_INVALID_ARGUMENT,
                          "tern_sample: sampler, logits or out_token is NULL");
  if (vocab <= 0)
    return tern_set_error(TERN_ERROR_INVALID_ARGUMENT,
                          "tern_sample: vocab %d: expected > 0", int(vocab));
  // Greedy: the largest logit, the lowest id on ties, NaN never.
  int32_t best = -1;
  for (int32_t i = 0; i < vocab; ++i)
    if (!std::isnan(logits[i]) && (best < 0 || logits[i] > logits[best]))
      best = i;
  if (best < 0)
    return tern_set_error(TERN_ERROR_INVALID_ARGUMENT,
                          "tern_sample: every logit is NaN");
  const tern_sampler_params &p = sampler->params;
  if (p.temperature == 0.0f) {
    *out_token = best;
    return TERN_OK;
  }
  // Candidates by logit, largest first; then the top k.
  std::vector<int32_t> &order = sampler->order;
  order.clear();
  for (int32_t i = 0; i < vocab; ++i)
    if (!std::isnan(logits[i]))
      order.push_back(i);
  auto byLogit = [&](int32_t a, int32_t b) {
    return logits[a] > logits[b] || (logits[a] == logits[b] && a < b);
  };
  size_t keep = order.size();
  if (p.top_k > 0 && size_t(p.top_k) < keep)
    keep = size_t(p.top_k);
  std::partial_sort(order.begin(), order.begin() + keep, order.end(), byLogit);
  order.resize(keep);
  // Softmax of logits / temperature over them.
  std::vector<float> &probs = sampler->probs;
  probs.resize(keep);
  double top = double(logits[order[0]]) / p.temperature, sum = 0;
  for (size_t i = 0; i < keep; ++i) {
    double e = std::exp(double(logits[order[i]]) / p.temperature - top);
    probs[i] = float(e);
    sum += e;
  }
  // The nucleus: the most likely tokens up to top_p of the mass.
  if (p.top_p < 1.0f) {
    double mass = 0;
    size_t n = 0;
    while (n < keep) {
      mass += probs[n] / sum;
      ++n;
      if (mass >= p.top_p)
        break;
    }
    keep = n;
    sum = 0;
    for (size_t i = 0; i < keep; ++i)
      sum += probs[i];
  }
  double r = uniform(sampler->state) * sum;
  for (size_t i = 0; i < keep; ++i) {
    r -= probs[i];
    if (r < 0) {
      *out_token = order[i];
      return TERN_OK;
    }
  }
  *out_token = order[keep - 1];
  return TERN_OK;
}
