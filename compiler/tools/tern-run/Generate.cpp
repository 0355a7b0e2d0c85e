//===- Generate.cpp - tern-run --prompt: text from a language model -------===//
//
// See Generate.h.
//
//===----------------------------------------------------------------------===//

#include "Generate.h"
#include "Report.h"

#ifdef TERN_RUN_SENTENCEPIECE
#include <sentencepiece_processor.h>
#endif

#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace tern_run {
namespace {

/// The runtime's sampler, from the library (it carries the runtime).
struct SamplerApi {
  void (*init)(tern_sampler_params *) = nullptr;
  tern_status (*create)(const tern_sampler_params *, tern_sampler **) = nullptr;
  void (*destroy)(tern_sampler *) = nullptr;
  tern_status (*sample)(tern_sampler *, const float *, int32_t,
                        int32_t *) = nullptr;
};

bool exists(const std::string &path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string dirOf(const std::string &path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

class Tokenizer {
public:
  bool load(const std::string &path, std::string &error) {
#ifdef TERN_RUN_SENTENCEPIECE
    auto status = sp.Load(path);
    if (!status.ok()) {
      error = "cannot load the tokenizer " + path + ": " + status.ToString();
      return false;
    }
    loaded = true;
    return true;
#else
    (void)path;
    error = "this tern-run was built without SentencePiece "
            "(libsentencepiece-dev): use --prompt-tokens";
    return false;
#endif
  }
  bool isLoaded() const { return loaded; }
  std::vector<int32_t> encode(const std::string &text) const {
    std::vector<int32_t> ids;
#ifdef TERN_RUN_SENTENCEPIECE
    std::vector<int> pieces;
    sp.Encode(text, &pieces);
    if (sp.bos_id() >= 0)
      ids.push_back(sp.bos_id());
    ids.insert(ids.end(), pieces.begin(), pieces.end());
#else
    (void)text;
#endif
    return ids;
  }
  std::string decode(const std::vector<int32_t> &ids) const {
    std::string text;
#ifdef TERN_RUN_SENTENCEPIECE
    std::vector<int> v(ids.begin(), ids.end());
    sp.Decode(v, &text);
#else
    (void)ids;
#endif
    return text;
  }
  int32_t eos() const {
#ifdef TERN_RUN_SENTENCEPIECE
    return loaded ? sp.eos_id() : -1;
#else
    return -1;
#endif
  }

private:
  bool loaded = false;
#ifdef TERN_RUN_SENTENCEPIECE
  sentencepiece::SentencePieceProcessor sp;
#endif
};

} // namespace

int generate(const Options &o, Model &model) {
  const tern_model_info *info = model.info();
  // The model's interface: tokens [T] in, logits [T, V] (or [1, T, V]) out.
  if (info->num_inputs != 1 || info->num_outputs != 1)
    throw UsageError(model.name() + " is not a language model compiled from "
                                    "a checkpoint (one input of tokens, one "
                                    "output of logits)");
  const tern_tensor_info &in = info->inputs[0], &out = info->outputs[0];
  bool inputOk = (in.dtype == TERN_DTYPE_I32 || in.dtype == TERN_DTYPE_I64) &&
                 (in.rank == 1 || (in.rank == 2 && in.shape[0] == 1));
  int64_t window = in.shape[in.rank - 1];
  bool outputOk =
      out.dtype == TERN_DTYPE_F32 &&
      ((out.rank == 2 && out.shape[0] == window) ||
       (out.rank == 3 && out.shape[0] == 1 && out.shape[1] == window));
  if (!inputOk || !outputOk)
    throw UsageError(model.name() + ": --prompt needs a model that takes "
                                    "tokens [T] (int32 or int64) and returns "
                                    "logits [T, vocab] (ternc compiles a "
                                    "checkpoint so)");
  int64_t vocab = out.shape[out.rank - 1];

  Tokenizer tokenizer;
  std::string tokPath = o.tokenizer;
  if (tokPath.empty()) {
    std::string candidate =
        dirOf(model.libraryPath()) + "/" + model.name() + ".tokenizer.model";
    if (exists(candidate))
      tokPath = candidate;
  }
  std::string error;
  if (!tokPath.empty() && !tokenizer.load(tokPath, error) &&
      (!o.prompt.empty() || !o.tokenizer.empty()))
    throw UsageError(error);
  std::vector<int32_t> tokens = o.promptTokens;
  if (!o.prompt.empty()) {
    if (!tokenizer.isLoaded())
      throw UsageError("--prompt needs a tokenizer: no " + model.name() +
                       ".tokenizer.model next to the library (ternc copies "
                       "a Hugging Face folder's tokenizer.model); give "
                       "--tokenizer FILE or --prompt-tokens");
    tokens = tokenizer.encode(o.prompt);
  }
  if (tokens.empty())
    throw UsageError("the prompt is empty");
  for (int32_t t : tokens)
    if (t < 0 || t >= vocab)
      throw UsageError("prompt token " + std::to_string(t) +
                       " is outside the vocabulary (0 to " +
                       std::to_string(vocab - 1) + ")");
  if (int64_t(tokens.size()) > window)
    throw UsageError("the prompt has " + std::to_string(tokens.size()) +
                     " tokens; the model's window is " +
                     std::to_string(window) + " (ternc --seq-len)");
  std::vector<int32_t> stops = o.stopTokens;
  if (!o.stopGiven && tokenizer.eos() >= 0)
    stops.push_back(tokenizer.eos());

  SamplerApi api;
  api.init = reinterpret_cast<decltype(api.init)>(
      model.symbol("tern_sampler_params_init"));
  api.create = reinterpret_cast<decltype(api.create)>(
      model.symbol("tern_sampler_create"));
  api.destroy = reinterpret_cast<decltype(api.destroy)>(
      model.symbol("tern_sampler_destroy"));
  api.sample =
      reinterpret_cast<decltype(api.sample)>(model.symbol("tern_sample"));
  if (!api.init || !api.create || !api.destroy || !api.sample)
    throw UsageError(model.libraryPath() +
                     " carries no sampler (tern_sample): recompile it with "
                     "this Tern's ternc");
  tern_sampler_params params;
  api.init(&params);
  params.temperature = o.temperature;
  params.top_k = o.topK;
  params.top_p = o.topP;
  params.seed = o.seed;
  tern_sampler *sampler = nullptr;
  if (api.create(&params, &sampler) != TERN_OK)
    throw UsageError(model.lastError(TERN_ERROR_INVALID_ARGUMENT));
  std::unique_ptr<tern_sampler, void (*)(tern_sampler *)> samplerOwner(
      sampler, api.destroy);

  std::string err;
  void *instance = model.create(o.threads.front(), err);
  if (!instance)
    throw RuntimeError(err);
  std::vector<int64_t> ids64(window, 0);
  std::vector<int32_t> ids32(window, 0);
  std::vector<float> logits(window * vocab);
  tern_tensor tin{}, tout{};
  tin.dtype = in.dtype;
  tin.rank = in.rank;
  std::memcpy(tin.shape, in.shape, sizeof tin.shape);
  tin.data = in.dtype == TERN_DTYPE_I64 ? static_cast<void *>(ids64.data())
                                        : static_cast<void *>(ids32.data());
  tout.dtype = out.dtype;
  tout.rank = out.rank;
  std::memcpy(tout.shape, out.shape, sizeof tout.shape);
  tout.data = logits.data();

  size_t promptLength = tokens.size();
  std::vector<int32_t> generated;
  double firstMs = 0, restMs = 0;
  std::string stopReason =
      "the requested " + std::to_string(o.maxTokens) + " tokens";
  for (int step = 0; step < o.maxTokens; ++step) {
    if (int64_t(tokens.size()) >= window) {
      stopReason = "a full window (" + std::to_string(window) + " tokens)";
      break;
    }
    for (size_t i = 0; i < tokens.size(); ++i)
      ids64[i] = ids32[i] = tokens[i];
    auto t0 = std::chrono::steady_clock::now();
    tern_status s = model.run(instance, &tin, 1, &tout, 1);
    auto t1 = std::chrono::steady_clock::now();
    if (s != TERN_OK) {
      std::string why = model.lastError(s);
      model.destroy(instance);
      throw RuntimeError(model.name() + "_run_tensors failed: " + why);
    }
    double ms = std::chrono::duration<double, std::milli>(t1 - t0).count();
    (step == 0 ? firstMs : restMs) += ms;
    int32_t next = 0;
    if (api.sample(sampler, logits.data() + (tokens.size() - 1) * vocab,
                   int32_t(vocab), &next) != TERN_OK) {
      model.destroy(instance);
      throw RuntimeError(model.lastError(TERN_ERROR_INVALID_ARGUMENT));
    }
    tokens.push_back(next);
    generated.push_back(next);
    bool stop = false;
    for (int32_t id : stops)
      stop |= id == next;
    if (stop) {
      stopReason = "stop token " + std::to_string(next);
      break;
    }
  }
  model.destroy(instance);

  // The text of the prompt and what followed, decoded together (a piece
  // may continue the prompt's last word).
  if (tokenizer.isLoaded())
    std::printf("%s\n", tokenizer.decode(tokens).c_str());
  if (o.printTokens || !tokenizer.isLoaded()) {
    for (size_t i = 0; i < generated.size(); ++i)
      std::printf("%s%d", i ? "," : "", generated[i]);
    std::printf("\n");
  }
  std::fflush(stdout);
  int decoded = generated.empty() ? 0 : int(generated.size()) - 1;
  std::fprintf(stderr,
               "tern-run: prompt %zu tokens in %.2f ms (%.1f tokens/s); "
               "generated %zu tokens, stopped at %s; %d more runs in %.2f ms "
               "(%.1f tokens/s); each run processes the whole %lld-token "
               "window (no KV cache yet)\n",
               promptLength, firstMs,
               firstMs > 0 ? promptLength * 1000.0 / firstMs : 0.0,
               generated.size(), stopReason.c_str(), decoded, restMs,
               restMs > 0 ? decoded * 1000.0 / restMs : 0.0, (long long)window);
  return 0;
}

} // namespace tern_run
