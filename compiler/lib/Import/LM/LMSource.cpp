//===- LMSource.cpp - A language model's checkpoint, read by role ---------===//
//
// See LMSource.h. One class per file format; the architecture decides the
// tensor names and how ternary weights are stored.
//
//===----------------------------------------------------------------------===//

#include "LMSource.h"

#include "tern/Import/Checkpoint/Gguf.h"
#include "tern/Import/Checkpoint/HfCheckpoint.h"
#include "tern/Import/Checkpoint/Safetensors.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <cmath>

using namespace tern::checkpoint;
using llvm::Error;
using llvm::Expected;
using llvm::StringRef;

namespace tern::lm {

LMSource::~LMSource() = default;

const char *projName(Proj p) {
  static const char *names[] = {"q_proj",    "k_proj",  "v_proj",   "o_proj",
                                "gate_proj", "up_proj", "down_proj"};
  return names[static_cast<int>(p)];
}

std::string LMSource::layerTensor(int64_t layer, const char *part) const {
  return names.layerPrefix + std::to_string(layer) + "." + part + ".weight";
}

Expected<Matrix> LMSource::embedding() {
  return named(names.embedding, spec_.vocab, spec_.hidden);
}

Expected<Matrix> LMSource::head() {
  if (spec_.tiedEmbedding)
    return embedding();
  return named(names.head, spec_.vocab, spec_.hidden);
}

Expected<std::vector<float>> LMSource::finalNorm() {
  return namedVec(names.finalNorm, spec_.hidden);
}

Expected<std::vector<float>> LMSource::vec(int64_t layer, Vec v) {
  int64_t n = v == Vec::FfnSubNorm    ? spec_.ffn
              : v == Vec::AttnSubNorm ? spec_.heads * spec_.headDim
                                      : spec_.hidden;
  return namedVec(layerTensor(layer, names.vecs[static_cast<int>(v)]), n);
}

std::pair<int64_t, int64_t> LMSource::projShape(Proj p) const {
  const LMSpec &s = spec_;
  switch (p) {
  case Proj::Q:
    return {s.heads * s.headDim, s.hidden};
  case Proj::K:
  case Proj::V:
    return {s.kvHeads * s.headDim, s.hidden};
  case Proj::O:
    return {s.hidden, s.heads * s.headDim};
  case Proj::Gate:
  case Proj::Up:
    return {s.ffn, s.hidden};
  case Proj::Down:
    return {s.hidden, s.ffn};
  }
  return {0, 0};
}

namespace {

Error fail(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message.str());
}

/// Checks what the builder relies on.
Error checkSpec(const LMSpec &s, StringRef file) {
  auto positive = [&](int64_t v, const char *what) -> Error {
    if (v <= 0 || v > (int64_t(1) << 24))
      return fail(file + ": " + what + " is " + llvm::Twine(v) +
                  "; expected a positive size");
    return Error::success();
  };
  for (auto [v, what] : std::initializer_list<std::pair<int64_t, const char *>>{
           {s.vocab, "the vocabulary size"},
           {s.hidden, "the hidden size"},
           {s.layers, "the number of layers"},
           {s.heads, "the number of attention heads"},
           {s.kvHeads, "the number of key/value heads"},
           {s.headDim, "the head dimension"},
           {s.ffn, "the feed-forward size"}})
    if (Error e = positive(v, what))
      return e;
  if (s.heads % s.kvHeads != 0)
    return fail(file + ": " + llvm::Twine(s.heads) +
                " attention heads are not a multiple of " +
                llvm::Twine(s.kvHeads) + " key/value heads");
  if (s.headDim % 2 != 0)
    return fail(file + ": head dimension " + llvm::Twine(s.headDim) +
                " is odd; rotary embeddings need pairs");
  if (!(s.rmsEps > 0) || !(s.ropeTheta > 0))
    return fail(file + ": rms_norm_eps and rope_theta must be positive");
  return Error::success();
}

/// The trits and the one scale of a matrix of values +-alpha and 0; the
/// error names `tensor`.
Expected<TernaryMatrix> exactTernary(const Matrix &m, StringRef tensor,
                                     StringRef file) {
  TernaryMatrix t;
  t.rows = m.rows;
  t.cols = m.cols;
  t.trits.resize(m.values.size());
  float alpha = 0;
  for (float v : m.values)
    alpha = std::max(alpha, std::fabs(v));
  for (size_t i = 0; i < m.values.size(); ++i) {
    float v = m.values[i];
    if (v == 0) {
      t.trits[i] = 0;
      continue;
    }
    if (std::fabs(std::fabs(v) - alpha) > 1e-6f * alpha || std::isnan(v))
      return fail(file + ": tensor '" + tensor + "' is not ternary: it holds " +
                  llvm::Twine(std::to_string(v)) + " at row " +
                  llvm::Twine(int64_t(i) / m.cols) + ", column " +
                  llvm::Twine(int64_t(i) % m.cols) + " besides +-" +
                  llvm::Twine(std::to_string(alpha)) +
                  " and 0 (BitNet b1.58 stores one scale per matrix)");
    t.trits[i] = v > 0 ? 1 : -1;
  }
  t.scale = alpha;
  return t;
}

} // namespace

TernaryMatrix absmeanTernary(const Matrix &m) {
  TernaryMatrix t;
  t.rows = m.rows;
  t.cols = m.cols;
  double sum = 0;
  for (float v : m.values)
    sum += std::fabs(v);
  float alpha = std::max(float(sum / double(m.values.size())), 1e-5f);
  t.trits.resize(m.values.size());
  for (size_t i = 0; i < m.values.size(); ++i) {
    float q = std::nearbyint(m.values[i] / alpha);
    t.trits[i] = static_cast<int8_t>(std::min(1.0f, std::max(-1.0f, q)));
  }
  t.scale = alpha;
  return t;
}

namespace {

//===----------------------------------------------------------------------===//
// Hugging Face folders
//===----------------------------------------------------------------------===//

const TensorNames kHfNames = {
    "model.embed_tokens.weight",
    "lm_head.weight",
    "model.norm.weight",
    "model.layers.",
    {"input_layernorm", "post_attention_layernorm", "self_attn.attn_sub_norm",
     "mlp.ffn_sub_norm"},
    {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj",
     "self_attn.o_proj", "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"}};

class HfSource : public LMSource {
public:
  HfSource() : LMSource(kHfNames) {}

  Error load(const std::string &path) {
    auto opened = CheckpointFolder::open(path);
    if (!opened)
      return opened.takeError();
    path_ = path;
    folder = std::move(*opened);
    return readSpec();
  }

  Expected<Matrix> matrix(int64_t layer, Proj p) override {
    auto [rows, cols] = projShape(p);
    return named(projTensor(layer, p), rows, cols);
  }
  Expected<TernaryMatrix> ternary(int64_t layer, Proj p) override {
    auto [rows, cols] = projShape(p);
    std::string name = projTensor(layer, p);
    auto t = folder->getTensor(name);
    if (!t)
      return t.takeError();
    if (t->dtype != SafetensorsDType::U8) {
      // Unpacked master weights (the earlier reproductions' layout): the
      // architecture's own absmean quantization.
      auto m = named(name, rows, cols);
      if (!m)
        return m.takeError();
      return absmeanTernary(*m);
    }
    return unpackBitNet(*t, name, rows, cols, layer, p);
  }

private:
  std::unique_ptr<CheckpointFolder> folder;

  Error readSpec() {
    const ModelConfig *config = folder->getConfig();
    if (!config)
      return fail(path_ + ": no config.json (a Hugging Face model folder "
                          "holds config.json and *.safetensors)");
    std::string arch;
    if (config->has("architectures")) {
      auto list = config->getStringArray("architectures");
      if (!list)
        return list.takeError();
      if (!list->empty())
        arch = (*list)[0];
    }
    auto modelType = config->getString("model_type", "");
    if (!modelType)
      return modelType.takeError();
    LMSpec &s = spec_;
    if (arch == "LlamaForCausalLM" || (arch.empty() && *modelType == "llama"))
      s.arch = Arch::Llama;
    else if (arch == "BitNetForCausalLM" || arch == "BitnetForCausalLM" ||
             (arch.empty() && *modelType == "bitnet"))
      s.arch = Arch::BitNet;
    else if (arch == "HGRNBitForCausalLM" ||
             (arch.empty() && *modelType == "hgrn_bit"))
      s.arch = Arch::HGRNBit;
    else
      return fail(config->getFileName() + ": unsupported architecture '" +
                  (arch.empty() ? *modelType : arch) +
                  "' (supported: LlamaForCausalLM, BitNetForCausalLM, "
                  "HGRNBitForCausalLM)");
    s.archName = arch.empty() ? *modelType : arch;
    if (s.arch == Arch::HGRNBit)
      return readHgrnSpec(*config);
    auto get = [&](StringRef key, int64_t &out,
                   std::optional<int64_t> dflt = std::nullopt) -> Error {
      auto v = dflt ? config->getInt(key, *dflt) : config->getInt(key);
      if (!v)
        return v.takeError();
      out = *v;
      return Error::success();
    };
    if (Error e = get("vocab_size", s.vocab))
      return e;
    if (Error e = get("hidden_size", s.hidden))
      return e;
    if (Error e = get("num_hidden_layers", s.layers))
      return e;
    if (Error e = get("num_attention_heads", s.heads))
      return e;
    if (Error e = get("num_key_value_heads", s.kvHeads, s.heads))
      return e;
    if (Error e = get("intermediate_size", s.ffn))
      return e;
    if (Error e = get("max_position_embeddings", s.contextLength, 2048))
      return e;
    if (s.heads <= 0)
      return fail(config->getFileName() + ": num_attention_heads must be "
                                          "positive");
    if (Error e = get("head_dim", s.headDim, s.hidden / s.heads))
      return e;
    auto eps = config->getDouble("rms_norm_eps", 1e-6);
    auto theta = config->getDouble("rope_theta", 10000.0);
    auto tied = config->getBool("tie_word_embeddings", s.arch == Arch::BitNet);
    if (!eps)
      return eps.takeError();
    if (!theta)
      return theta.takeError();
    if (!tied)
      return tied.takeError();
    s.rmsEps = *eps;
    s.ropeTheta = *theta;
    s.tiedEmbedding = *tied;
    if (const llvm::json::Value *scaling = config->lookup("rope_scaling");
        scaling && scaling->kind() != llvm::json::Value::Null)
      return fail(config->getFileName() +
                  ": rope_scaling is not supported yet (only plain RoPE)");
    return checkSpec(s, config->getFileName());
  }

  /// The MatMul-free LM (matmulfreellm's HGRNBitConfig): MLGRU token
  /// mixing over hidden_size channels, a GLU of intermediate_size.
  Error readHgrnSpec(const ModelConfig &config) {
    LMSpec &s = spec_;
    struct Key {
      const char *name;
      int64_t *out;
      std::optional<int64_t> dflt;
    };
    for (const Key &k :
         {Key{"vocab_size", &s.vocab, std::nullopt},
          Key{"hidden_size", &s.hidden, std::nullopt},
          Key{"num_hidden_layers", &s.layers, std::nullopt},
          Key{"num_heads", &s.heads, int64_t(1)},
          Key{"intermediate_size", &s.ffn, std::nullopt},
          Key{"max_position_embeddings", &s.contextLength, int64_t(2048)}}) {
      auto v = k.dflt ? config.getInt(k.name, *k.dflt) : config.getInt(k.name);
      if (!v)
        return v.takeError();
      *k.out = *v;
    }
    s.kvHeads = s.heads;
    s.headDim = s.heads > 0 && s.hidden % s.heads == 0 ? s.hidden / s.heads : 2;
    auto eps = config.getDouble("rms_norm_eps", 1e-6);
    auto tied = config.getBool("tie_word_embeddings", false);
    auto lower = config.getBool("use_lower_bound", true);
    auto conv = config.getBool("use_short_conv", false);
    auto expand = config.getInt("expand_ratio", 1);
    auto act = config.getString("hidden_act", "swish");
    if (!eps)
      return eps.takeError();
    if (!tied)
      return tied.takeError();
    if (!lower)
      return lower.takeError();
    if (!conv)
      return conv.takeError();
    if (!expand)
      return expand.takeError();
    if (!act)
      return act.takeError();
    if (*conv)
      return fail(config.getFileName() +
                  ": use_short_conv = true is not supported yet");
    if (*expand != 1)
      return fail(config.getFileName() + ": expand_ratio = " +
                  llvm::Twine(*expand) + " is not supported (only 1)");
    if (*act != "swish" && *act != "silu")
      return fail(config.getFileName() + ": hidden_act '" + *act +
                  "' is not supported (the MatMul-free LM's GLU is swish)");
    if (*tied)
      return fail(config.getFileName() + ": tie_word_embeddings = true is "
                                         "not supported for hgrn_bit");
    s.rmsEps = *eps;
    s.tiedEmbedding = false;
    s.lowerBound = *lower;
    return checkSpec(s, config.getFileName());
  }

  Expected<Matrix> named(const std::string &name, int64_t rows,
                         int64_t cols) override {
    auto t = folder->getTensor(name);
    if (!t)
      return t.takeError();
    if (t->shape.size() != 2 || int64_t(t->shape[0]) != rows ||
        int64_t(t->shape[1]) != cols)
      return fail(path_ + ": tensor '" + name + "' has shape " +
                  shapeText(t->shape) + "; the config says [" +
                  llvm::Twine(rows) + ", " + llvm::Twine(cols) + "]");
    Matrix m;
    m.rows = rows;
    m.cols = cols;
    m.values.resize(rows * cols);
    for (int64_t r = 0; r < rows; ++r)
      if (Error e =
              decodeRowF32(*t, r, {m.values.data() + r * cols, size_t(cols)}))
        return std::move(e);
    return m;
  }

  Expected<std::vector<float>> namedVec(const std::string &name,
                                        int64_t n) override {
    auto t = folder->getTensor(name);
    if (!t)
      return t.takeError();
    if (t->shape.size() != 1 || int64_t(t->shape[0]) != n)
      return fail(path_ + ": tensor '" + name + "' has shape " +
                  shapeText(t->shape) + "; the config says [" + llvm::Twine(n) +
                  "]");
    std::vector<float> v(n);
    if (Error e = decodeRowF32(*t, 0, v))
      return std::move(e);
    return v;
  }

  static std::string shapeText(llvm::ArrayRef<uint64_t> shape) {
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i)
      s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
  }

  /// The 2B-4T layout: uint8 [N/4, K], row block i of the trits in bit
  /// pair i, code = trit + 1; `weight_scale` holds 1 / alpha.
  Expected<TernaryMatrix> unpackBitNet(const SafetensorsTensor &t,
                                       const std::string &name, int64_t rows,
                                       int64_t cols, int64_t layer, Proj p) {
    if (rows % 4 != 0 || t.shape.size() != 2 ||
        int64_t(t.shape[0]) != rows / 4 || int64_t(t.shape[1]) != cols)
      return fail(path_ + ": packed tensor '" + name + "' has shape " +
                  shapeText(t.shape) + "; expected [" + llvm::Twine(rows / 4) +
                  ", " + llvm::Twine(cols) + "] (four rows a byte)");
    std::string scaleName =
        name.substr(0, name.size() - std::string(".weight").size()) +
        ".weight_scale";
    auto scale = folder->getTensor(scaleName);
    if (!scale)
      return scale.takeError();
    std::vector<float> s(1);
    if (scale->shape.size() > 1 ||
        (scale->shape.size() == 1 && scale->shape[0] != 1))
      return fail(path_ + ": tensor '" + scaleName + "' must hold one value");
    if (Error e = decodeRowF32(*scale, 0, s))
      return std::move(e);
    if (!(s[0] > 0) || !std::isfinite(s[0]))
      return fail(path_ + ": tensor '" + scaleName + "' is " +
                  llvm::Twine(std::to_string(s[0])) +
                  "; expected 1 / alpha > 0");
    TernaryMatrix m;
    m.rows = rows;
    m.cols = cols;
    m.trits.resize(rows * cols);
    m.scale = 1.0f / s[0];
    const uint8_t *bytes = t.data;
    int64_t quarter = rows / 4;
    for (int64_t r = 0; r < quarter; ++r)
      for (int64_t k = 0; k < cols; ++k) {
        uint8_t b = bytes[r * cols + k];
        for (int i = 0; i < 4; ++i) {
          int code = (b >> (2 * i)) & 3;
          if (code == 3)
            return fail(path_ + ": tensor '" + name +
                        "' holds the unused "
                        "code 3 at row " +
                        llvm::Twine(r) + ", column " + llvm::Twine(k) +
                        ": not a BitNet packed weight");
          m.trits[(i * quarter + r) * cols + k] = int8_t(code - 1);
        }
      }
    (void)layer;
    (void)p;
    return m;
  }
};

//===----------------------------------------------------------------------===//
// GGUF files
//===----------------------------------------------------------------------===//

const TensorNames kGgufNames = {
    "token_embd.weight",
    "output.weight",
    "output_norm.weight",
    "blk.",
    {"attn_norm", "ffn_norm", "attn_sub_norm", "ffn_sub_norm"},
    {"attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up",
     "ffn_down"}};

class GgufSource : public LMSource {
public:
  GgufSource() : LMSource(kGgufNames) {}

  Error load(const std::string &path) {
    auto opened = GgufFile::open(path);
    if (!opened)
      return opened.takeError();
    path_ = path;
    file = std::move(*opened);
    return readSpec();
  }

  Expected<Matrix> matrix(int64_t layer, Proj p) override {
    auto [rows, cols] = projShape(p);
    auto m = named(projTensor(layer, p), rows, cols);
    if (!m)
      return m.takeError();
    // llama.cpp's converter permutes the q and k rows of "llama" models
    // for its pairwise RoPE: put them back in rotate-half order.
    if (spec_.arch == Arch::Llama && (p == Proj::Q || p == Proj::K))
      unpermute(*m, p == Proj::Q ? spec_.heads : spec_.kvHeads);
    return m;
  }
  Expected<TernaryMatrix> ternary(int64_t layer, Proj p) override {
    auto [rows, cols] = projShape(p);
    std::string name = projTensor(layer, p);
    auto m = named(name, rows, cols);
    if (!m)
      return m.takeError();
    return exactTernary(*m, name, path_);
  }

private:
  std::unique_ptr<GgufFile> file;
  std::string prefix; ///< general.architecture

  Error readSpec() {
    auto arch = file->getString("general.architecture");
    if (!arch)
      return arch.takeError();
    prefix = arch->str();
    LMSpec &s = spec_;
    s.archName = prefix;
    if (prefix == "llama")
      s.arch = Arch::Llama;
    else if (prefix == "bitnet" || prefix == "bitnet-b1.58" ||
             prefix == "bitnet-25")
      s.arch = Arch::BitNet;
    else
      return fail(path_ + ": unsupported architecture '" + prefix +
                  "' (general.architecture; supported: llama, bitnet)");
    auto u = [&](StringRef key, int64_t &out,
                 std::optional<int64_t> dflt = std::nullopt) -> Error {
      std::string k = prefix + "." + key.str();
      auto v = dflt ? file->getInt(k, *dflt) : file->getInt(k);
      if (!v)
        return v.takeError();
      out = *v;
      return Error::success();
    };
    if (Error e = u("block_count", s.layers))
      return e;
    if (Error e = u("embedding_length", s.hidden))
      return e;
    if (Error e = u("feed_forward_length", s.ffn))
      return e;
    if (Error e = u("attention.head_count", s.heads))
      return e;
    if (Error e = u("attention.head_count_kv", s.kvHeads, s.heads))
      return e;
    if (Error e = u("context_length", s.contextLength, 2048))
      return e;
    if (s.heads <= 0)
      return fail(path_ + ": " + prefix +
                  ".attention.head_count must be positive");
    if (Error e = u("rope.dimension_count", s.headDim, s.hidden / s.heads))
      return e;
    auto eps = file->getFloat(prefix + ".attention.layer_norm_rms_epsilon");
    if (!eps)
      return eps.takeError();
    auto theta = file->getFloat(prefix + ".rope.freq_base", 10000.0);
    if (!theta)
      return theta.takeError();
    s.rmsEps = *eps;
    s.ropeTheta = *theta;
    auto scaling = file->getString(prefix + ".rope.scaling.type", "none");
    auto factor = file->getFloat(prefix + ".rope.scaling.factor", 1.0);
    if (!scaling)
      return scaling.takeError();
    if (!factor)
      return factor.takeError();
    if (*scaling != "none" && *factor != 1.0)
      return fail(path_ + ": rope scaling '" + *scaling +
                  "' is not supported yet (only plain RoPE)");
    if (s.arch == Arch::BitNet) {
      auto act = file->getString(prefix + ".hidden_activation", "relu2");
      if (!act)
        return act.takeError();
      if (*act != "relu2")
        return fail(path_ + ": " + prefix + ".hidden_activation is '" + *act +
                    "'; BitNet b1.58's feed-forward uses relu2");
    }
    const GgufTensor *embd = file->findTensor("token_embd.weight");
    if (!embd)
      return fail(path_ + ": no tensor 'token_embd.weight'");
    auto vocab = file->getInt(prefix + ".vocab_size",
                              embd->ne.size() == 2 ? embd->ne[1] : 0);
    if (!vocab)
      return vocab.takeError();
    s.vocab = *vocab;
    s.tiedEmbedding = file->findTensor("output.weight") == nullptr;
    return checkSpec(s, path_);
  }

  Expected<Matrix> named(const std::string &name, int64_t rows,
                         int64_t cols) override {
    auto t = file->getTensor(name);
    if (!t)
      return t.takeError();
    const GgufTensor &g = *t;
    if (g.ne.size() != 2 || int64_t(g.ne[0]) != cols ||
        int64_t(g.ne[1]) != rows)
      return fail(path_ + ": tensor '" + name + "' has " +
                  llvm::Twine(g.ne.size()) +
                  " dimensions or the wrong sizes; expected ne = [" +
                  llvm::Twine(cols) + ", " + llvm::Twine(rows) + "]");
    Matrix m;
    m.rows = rows;
    m.cols = cols;
    m.values.resize(rows * cols);
    for (int64_t r = 0; r < rows; ++r)
      if (Error e =
              decodeRowF32(g, r, {m.values.data() + r * cols, size_t(cols)}))
        return std::move(e);
    return m;
  }

  Expected<std::vector<float>> namedVec(const std::string &name,
                                        int64_t n) override {
    auto t = file->getTensor(name);
    if (!t)
      return t.takeError();
    if (t->ne.size() != 1 || int64_t(t->ne[0]) != n)
      return fail(path_ + ": tensor '" + name + "' must have " +
                  llvm::Twine(n) + " elements");
    std::vector<float> v(n);
    if (Error e = decodeRowF32(*t, 0, v))
      return std::move(e);
    return v;
  }

  /// Within each head: GGUF row 2j is row j, row 2j + 1 is row j + d/2.
  void unpermute(Matrix &m, int64_t heads) const {
    int64_t d = spec_.headDim, half = d / 2;
    std::vector<float> out(m.values.size());
    for (int64_t h = 0; h < heads; ++h)
      for (int64_t j = 0; j < half; ++j)
        for (int64_t c = 0; c < m.cols; ++c) {
          out[(h * d + j) * m.cols + c] =
              m.values[(h * d + 2 * j) * m.cols + c];
          out[(h * d + j + half) * m.cols + c] =
              m.values[(h * d + 2 * j + 1) * m.cols + c];
        }
    m.values = std::move(out);
  }
};

} // namespace

bool LMSource::looksLikeCheckpoint(const std::string &path) {
  if (llvm::sys::fs::is_directory(path)) {
    llvm::SmallString<256> config(path);
    llvm::sys::path::append(config, "config.json");
    return llvm::sys::fs::exists(config);
  }
  if (StringRef(path).ends_with(".gguf"))
    return true;
  auto buffer = llvm::MemoryBuffer::getFileSlice(path, 4, 0);
  return buffer && (*buffer)->getBuffer() == "GGUF";
}

namespace {
template <typename Source>
Expected<std::unique_ptr<LMSource>> openAs(const std::string &path) {
  auto source = std::make_unique<Source>();
  if (Error e = source->load(path))
    return std::move(e);
  return std::unique_ptr<LMSource>(std::move(source));
}
} // namespace

Expected<std::unique_ptr<LMSource>> LMSource::open(const std::string &path) {
  if (llvm::sys::fs::is_directory(path))
    return openAs<HfSource>(path);
  return openAs<GgufSource>(path);
}

} // namespace tern::lm
