//===- LMSource.h - A language model's checkpoint, read by role -*- C++ -*-===//
//
// Internal to the language-model importer. An LMSource hides which file
// format (a Hugging Face folder: config.json + safetensors; a GGUF file) and
// which tensor names a checkpoint uses: the builder asks for "layer 3's
// q projection" and gets float rows or exact trits with their scale. The
// architectures are data: LMSpec says what the builder builds.
//
// Supported (examples/tiny-lm/ARCHITECTURES.md has the math and names):
// LlamaForCausalLM / GGUF "llama" (float weights of any stored precision;
// GGUF q/k rows are put back in Hugging Face order), BitNetForCausalLM /
// GGUF "bitnet" (the packed 2B-4T layout: uint8 [N/4, K] + weight_scale;
// GGUF F16/F32 values +-alpha or 0, TQ1_0, TQ2_0, I2_S), HGRNBitForCausalLM
// (the MatMul-free LM's float master weights, quantized by absmean as its
// BitLinear does; the builder reads its tensors by name).
//
//===----------------------------------------------------------------------===//

#ifndef TERN_IMPORT_LM_LMSOURCE_H
#define TERN_IMPORT_LM_LMSOURCE_H

#include "llvm/Support/Error.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tern::lm {

enum class Arch { Llama, BitNet, HGRNBit };

/// What the builder builds.
struct LMSpec {
  Arch arch = Arch::Llama;
  std::string archName; ///< as the checkpoint says ("LlamaForCausalLM")
  int64_t vocab = 0, hidden = 0, layers = 0, heads = 0, kvHeads = 0;
  int64_t headDim = 0, ffn = 0, contextLength = 0;
  double rmsEps = 1e-5, ropeTheta = 10000;
  bool tiedEmbedding = false;
  /// BitNet, HGRNBit: ternary projections with 8-bit absmax activations
  /// per token.
  bool ternary() const { return arch != Arch::Llama; }
  /// HGRNBit: lower bounds on the forget gates of layers after the first.
  bool lowerBound = true;
};

/// The projections of one layer.
enum class Proj { Q, K, V, O, Gate, Up, Down };
/// The vectors (norm weights).
enum class Vec { AttnNorm, FfnNorm, AttnSubNorm, FfnSubNorm };

/// A file format's tensor names: the whole model's, and a layer's
/// `<layerPrefix><layer>.<part>.weight` with the parts in Vec and Proj
/// order.
struct TensorNames {
  const char *embedding, *head, *finalNorm, *layerPrefix;
  const char *vecs[4];
  const char *projs[7];
};

/// A float matrix, row-major [rows, cols] (PyTorch's [out, in]).
struct Matrix {
  int64_t rows = 0, cols = 0;
  std::vector<float> values;
};

/// A ternary matrix: trits [rows, cols] in {-1, 0, 1} and one scale.
struct TernaryMatrix {
  int64_t rows = 0, cols = 0;
  std::vector<int8_t> trits;
  float scale = 0;
};

class LMSource {
public:
  virtual ~LMSource();
  /// Opens a Hugging Face folder (config.json + *.safetensors) or a GGUF
  /// file, and reads the architecture; the error names the file and what
  /// is missing or unsupported.
  static llvm::Expected<std::unique_ptr<LMSource>>
  open(const std::string &path);
  /// True for a directory holding config.json or a file starting "GGUF".
  static bool looksLikeCheckpoint(const std::string &path);

  const LMSpec &spec() const { return spec_; }
  const std::string &path() const { return path_; }

  /// The token embedding [vocab, hidden].
  llvm::Expected<Matrix> embedding();
  /// The output head [vocab, hidden] (the embedding when tied).
  llvm::Expected<Matrix> head();
  /// The final norm's weight [hidden].
  llvm::Expected<std::vector<float>> finalNorm();
  llvm::Expected<std::vector<float>> vec(int64_t layer, Vec v);
  /// A float projection (Llama).
  virtual llvm::Expected<Matrix> matrix(int64_t layer, Proj p) = 0;
  /// A ternary projection (BitNet): an error naming the tensor if it is
  /// not exactly ternary with one scale.
  virtual llvm::Expected<TernaryMatrix> ternary(int64_t layer, Proj p) = 0;

  /// Any tensor by its name in the checkpoint, checked to have `shape`
  /// (architectures whose layers the builder names itself: HGRNBit).
  virtual llvm::Expected<Matrix> named(const std::string &name, int64_t rows,
                                       int64_t cols) = 0;
  virtual llvm::Expected<std::vector<float>> namedVec(const std::string &name,
                                                      int64_t n) = 0;

  /// The [rows, cols] a projection has for `spec`.
  std::pair<int64_t, int64_t> projShape(Proj p) const;

protected:
  explicit LMSource(const TensorNames &names) : names(names) {}
  std::string layerTensor(int64_t layer, const char *part) const;
  std::string projTensor(int64_t layer, Proj p) const {
    return layerTensor(layer, names.projs[static_cast<int>(p)]);
  }

  const TensorNames &names;
  LMSpec spec_;
  std::string path_;
};

/// The architecture's own quantization of float master weights (BitNet,
/// HGRNBit): alpha = max(mean |W|, 1e-5), trits clamp(round(W / alpha)).
TernaryMatrix absmeanTernary(const Matrix &m);

/// "q_proj", ... (messages).
const char *projName(Proj p);

} // namespace tern::lm

#endif // TERN_IMPORT_LM_LMSOURCE_H
