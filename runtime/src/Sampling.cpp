//===- Sampling.cpp - The next token from a language model's logits -------===//
//
// Greedy, temperature, top-k and top-p (nucleus) sampling with a seeded
// generator of its own (splitmix64), so that a seed gives the same tokens
// on every machine and C library. See tern/runtime.h.
//
//===----------------------------------------------------------------------===//

#include "tern/runtime.h"

#include <cmath>
#include <cstdlib>

// The runtime is linked into model libraries by a C linker: nothing here
// may need libstdc++ (no new, no containers), only libc and libm.

struct tern_sampler {
  tern_sampler_params params;
  uint64_t state;
  int32_t capacity; // of the scratch arrays
  int32_t *order;   // candidate ids
  float *probs;     // their probabilities
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

/// qsort's comparison: larger logit first, then the lower id.
thread_local const float *sortLogits;
int byLogit(const void *a, const void *b) {
  int32_t x = *static_cast<const int32_t *>(a);
  int32_t y = *static_cast<const int32_t *>(b);
  if (sortLogits[x] != sortLogits[y])
    return sortLogits[x] > sortLogits[y] ? -1 : 1;
  return x < y ? -1 : x > y;
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
  auto *s = static_cast<tern_sampler *>(std::calloc(1, sizeof(tern_sampler)));
  if (!s)
    return tern_set_error(TERN_ERROR_OUT_OF_MEMORY,
                          "tern_sampler_create: out of memory");
  s->params = p;
  s->state = p.seed;
  *out_sampler = s;
  return TERN_OK;
}

void tern_sampler_destroy(tern_sampler *sampler) {
  if (!sampler)
    return;
  std::free(sampler->order);
  std::free(sampler->probs);
  std::free(sampler);
}

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
  if (sampler->capacity < vocab) {
    auto *order = static_cast<int32_t *>(
        std::realloc(sampler->order, sizeof(int32_t) * size_t(vocab)));
    if (order)
      sampler->order = order;
    auto *probs = static_cast<float *>(
        std::realloc(sampler->probs, sizeof(float) * size_t(vocab)));
    if (probs)
      sampler->probs = probs;
    if (!order || !probs)
      return tern_set_error(TERN_ERROR_OUT_OF_MEMORY,
                            "tern_sample: out of memory for %d logits",
                            int(vocab));
    sampler->capacity = vocab;
  }
  // Candidates by logit, largest first; then the top k.
  int32_t *order = sampler->order;
  float *probs = sampler->probs;
  int32_t n = 0;
  for (int32_t i = 0; i < vocab; ++i)
    if (!std::isnan(logits[i]))
      order[n++] = i;
  sortLogits = logits; // qsort has no context argument
  std::qsort(order, size_t(n), sizeof(int32_t), byLogit);
  int32_t keep = n;
  if (p.top_k > 0 && p.top_k < keep)
    keep = p.top_k;
  // Softmax of logits / temperature over them.
  double top = double(logits[order[0]]) / p.temperature, sum = 0;
  for (int32_t i = 0; i < keep; ++i) {
    double e = std::exp(double(logits[order[i]]) / p.temperature - top);
    probs[i] = float(e);
    sum += e;
  }
  // The nucleus: the most likely tokens up to top_p of the mass.
  if (p.top_p < 1.0f) {
    double mass = 0;
    int32_t k = 0;
    while (k < keep) {
      mass += probs[k] / sum;
      ++k;
      if (mass >= p.top_p)
        break;
    }
    keep = k;
    sum = 0;
    for (int32_t i = 0; i < keep; ++i)
      sum += probs[i];
  }
  double r = uniform(sampler->state) * sum;
  for (int32_t i = 0; i < keep; ++i) {
    r -= probs[i];
    if (r < 0) {
      *out_token = order[i];
      return TERN_OK;
    }
  }
  *out_token = order[keep - 1];
  return TERN_OK;
}
