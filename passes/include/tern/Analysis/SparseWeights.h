//===- SparseWeights.h - Sparse weight analysis, pruning, formats -*- C++
//-*-===//
//
// The plain C++ half of Tern's weight sparsity (no MLIR): what a weight
// matrix's zeros look like (density, N:M groups, blocks), magnitude pruning
// to a pattern, the cost model that picks dense or a sparse format per
// layer, and the stored arrays of each format. tern-prune,
// tern-classify-weights and tern-lower-sparse call it; unit tests check it
// directly. Matrices are in the `N x K` view: row n holds the K weights of
// output n (PyTorch's Linear layout), row-major.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_ANALYSIS_SPARSEWEIGHTS_H
#define TERN_ANALYSIS_SPARSEWEIGHTS_H

#include <cstdint>
#include <string>
#include <vector>

namespace mlir::tern::sparse {

/// How a sparse layer stores its weights (and which kernel reads them).
enum class Format {
  Dense, ///< no sparse storage: the dense matmul
  Ell,   ///< row-balanced CSR: every output row padded to the longest row's
         ///< nonzero count, (value, column) pairs stored column-major so
         ///< vector lanes over outputs read adjacent entries
  NM,    ///< N:M: in every group of M consecutive inputs at most N
         ///< nonzeros; N values and N in-group indices (i8) per group
  Bsr,   ///< dense bn x bk blocks: per block of bn outputs, the list of
         ///< nonzero blocks of bk inputs (padded to the longest list)
};

/// "dense", "ell", "nm", "bsr".
const char *name(Format f);

/// Zeros of one N x K weight matrix.
struct Stats {
  int64_t n = 0, k = 0;
  int64_t nnz = 0;
  int64_t maxRowNnz = 0; ///< longest row (the ELL row length)
  /// The tightest N:M pattern every group of M inputs satisfies, among 1:4,
  /// 2:4 and 4:8 (the last group may be shorter than M); 0:0 if none.
  int nmN = 0, nmM = 0;
  /// 4 x 4 blocks (4 outputs x 4 inputs; the edges may be smaller): how
  /// many hold a nonzero, of how many, and the most nonzero blocks any
  /// block of 4 outputs has (the BSR list length).
  int64_t nonzeroBlocks = 0, totalBlocks = 0, maxBlocksPerRow = 0;

  double density() const {
    return n * k != 0 ? static_cast<double>(nnz) / (n * k) : 0.0;
  }
  double blockDensity() const {
    return totalBlocks ? static_cast<double>(nonzeroBlocks) / totalBlocks : 0.0;
  }
  /// "all zero", "dense", "2:4", "block 4x4", "unstructured".
  std::string pattern() const;
};

/// Block size of the block analysis and of the BSR format the cost model
/// picks (forced BSR and pruning take other sizes).
constexpr int kBlock = 4;

Stats analyze(const std::vector<float> &w, int64_t n, int64_t k);

//===----------------------------------------------------------------------===//
// Pruning (magnitude). Each returns ||W - W_pruned||_F / ||W||_F (0 for a
// zero matrix) and rewrites `w` in place.
//===----------------------------------------------------------------------===//

/// Keeps the `keep` largest |w| of every group of `group` consecutive inputs
/// of each row (the last group may be shorter; ties keep the lower index).
double pruneNM(std::vector<float> &w, int64_t n, int64_t k, int keep,
               int group);
/// Zeros the round(sparsity * blocks) blocks of `bn` outputs x `bk` inputs
/// with the smallest L2 norm (edge blocks may be smaller).
double pruneBlocks(std::vector<float> &w, int64_t n, int64_t k, int bn, int bk,
                   double sparsity);
/// Zeros exactly round(sparsity * N * K) weights of smallest magnitude
/// (ties: the lower flat index first).
double pruneUnstructured(std::vector<float> &w, int64_t n, int64_t k,
                         double sparsity);
/// The magnitude below which `sparsity` of `magnitudes` lie (for a global
/// threshold over several layers); modifies the order of `magnitudes`.
float magnitudeThreshold(std::vector<float> &magnitudes, double sparsity);
/// Zeros |w| < threshold (global pruning).
double pruneBelow(std::vector<float> &w, float threshold);

//===----------------------------------------------------------------------===//
// Cost model
//===----------------------------------------------------------------------===//

struct Decision {
  Format format = Format::Dense;
  int64_t denseBytes = 0;  ///< f32 dense weights
  int64_t bytes = 0;       ///< stored bytes of the chosen format
  double relativeTime = 1; ///< estimated time against the dense kernel
  std::string reason;
};

/// Bytes each format stores for `s` (Dense: 4 N K; formats that cannot
/// hold `s`, N:M without a pattern, return -1).
int64_t storedBytes(const Stats &s, Format f);

/// Estimated time of format `f` relative to the dense kernel, at `m` rows of
/// activations (batch); -1 where `f` cannot hold `s`.
double estimateRelativeTime(const Stats &s, Format f, int64_t m);

/// The format for a layer: the fastest estimate, dense unless a sparse
/// format is estimated at least 10% faster. With `forced` other than Dense
/// that format is used wherever it can hold the weights.
Decision choose(const Stats &s, int64_t m, Format forced = Format::Dense,
                bool force = false);

//===----------------------------------------------------------------------===//
// Stored arrays of each format. Padding entries have value 0 and an index
// in range, so kernels read them without bounds checks.
//===----------------------------------------------------------------------===//

/// ELL: `values[j][n]` and `cols[j][n]` for j < rowLength, column-major
/// over the outputs (entry j of every row adjacent).
struct Ell {
  int64_t rowLength = 0;
  /// Bytes of one column index: 2 when K <= 32768, else 4.
  static int indexBytes(int64_t k) { return k <= 32768 ? 2 : 4; }
  std::vector<float> values;
  std::vector<int32_t> cols;
};
Ell buildEll(const std::vector<float> &w, int64_t n, int64_t k);

/// Index lists of a pruned-ternary layer (every row's nonzeros share one
/// magnitude a_n): per output, the signed positions `+(c + 1)` where
/// w = +a_n and `-(c + 1)` where w = -a_n, padded with 0 to the longest
/// row, stored [rowLength][n] like Ell; the kernel adds and subtracts the
/// activations they name and multiplies by a_n once.
struct SignedEll {
  int64_t rowLength = 0;
  /// Bytes of one signed position: 2 when K < 32768, else 4.
  static int indexBytes(int64_t k) { return k < 32768 ? 2 : 4; }
  std::vector<int32_t> codes;
  std::vector<float> scales; ///< a_n (1 for an all-zero row)
};
/// Fails (false) unless every row's nonzeros have one magnitude.
bool buildSignedEll(const std::vector<float> &w, int64_t n, int64_t k,
                    SignedEll &out);

/// The magnitude a_n shared by the nonzeros of each row (1 for an all-zero
/// row) in `scales`; false if some row holds two magnitudes (or a
/// non-finite one).
bool rowMagnitudes(const std::vector<float> &w, int64_t n, int64_t k,
                   std::vector<float> &scales);

/// How a ternary layer is stored and run.
enum class TernaryForm {
  I2,        ///< the dense 2-bit kernel (every trit decoded)
  IndexList, ///< `SignedEll`: the nonzero trits' signed positions
  NM,        ///< `SignedNM`: N signed in-group positions per M inputs
};

/// Ternary layers: keep the dense 2-bit kernel, or index lists, or (where
/// every group of M inputs holds at most N nonzero trits) ternary N:M;
/// `m` is the batch. A form other than I2 must store no more bytes than the
/// 2-bit codes and be estimated 10% faster. `forced` other than I2 takes
/// that form wherever it can hold the layer.
struct TernaryDecision {
  TernaryForm form = TernaryForm::I2;
  int64_t i2Bytes = 0, bytes = 0; ///< packed weights + scales
  double relativeTime = 1;        ///< the chosen form against the i2 kernel
  std::string reason;
};
TernaryDecision chooseTernary(const Stats &s, int64_t m,
                              TernaryForm forced = TernaryForm::I2);

/// N:M with G = ceil(K / M) groups: slot j = g * N + s (s < N) of output n
/// holds `values[j][n]` at input g * M + `index[j][n]`.
/// Fails (returns false) if some group holds more than N nonzeros, with
/// the first such row and group in `why`.
struct NM {
  int keep = 0, group = 0;
  std::vector<float> values;
  std::vector<int8_t> index;
};
bool buildNM(const std::vector<float> &w, int64_t n, int64_t k, int keep,
             int group, NM &out, std::string &why);

/// Ternary N:M (a pruned-ternary layer, every row one magnitude a_n, in an
/// N:M pattern): slot j = g * N + s of output n holds `codes[j][n]` =
/// +(i + 1) where w = +a_n at input g * M + i, -(i + 1) where w = -a_n, 0
/// for an empty slot: one byte per slot (for 1:4, two bits a weight like
/// the 2-bit codes, with a quarter of the work), and the kernel adds or
/// subtracts the activation the code names, multiplying by a_n once.
struct SignedNM {
  int keep = 0, group = 0;
  std::vector<int8_t> codes;
  std::vector<float> scales; ///< a_n (1 for an all-zero row)
};
/// Fails (false, the reason in `why`) unless every row has one magnitude
/// and the pattern holds.
bool buildSignedNM(const std::vector<float> &w, int64_t n, int64_t k, int keep,
                   int group, SignedNM &out, std::string &why);

/// BSR with blocks of bn outputs x bk inputs: for output block b and list
/// slot j < listLength, `blockCol[j][b]` is the block's first input / bk and
/// `values[j][r][n]` (r < bk, n < N) the weight of output n at input
/// blockCol[j][n / bn] * bk + r (0 past K).
struct Bsr {
  int bn = 0, bk = 0;
  int64_t listLength = 0;
  std::vector<int32_t> blockCol;
  std::vector<float> values;
};
Bsr buildBsr(const std::vector<float> &w, int64_t n, int64_t k, int bn, int bk);

} // namespace mlir::tern::sparse

#endif // TERN_ANALYSIS_SPARSEWEIGHTS_H
