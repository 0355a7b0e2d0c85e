//===- TernaryCostModel.h - Which ternary kernel a layer gets ---*- C++ -*-===//
//
// tern-select-ternary-kernel asks this model which lowering and packing
// each tern.ternary_matmul gets. It is plain C++ (no MLIR), so unit tests
// check its decisions directly, and its thresholds are written next to the
// benchmark that measured them (bench/results/ternary-kernels.md).
//
//===----------------------------------------------------------------------===//

#ifndef TERN_ANALYSIS_TERNARYCOSTMODEL_H
#define TERN_ANALYSIS_TERNARYCOSTMODEL_H

#include <cstdint>
#include <string>

namespace mlir::tern::cost {

/// The lowerings, as the ternc --ternary-kernel= names them.
enum class Choice {
  AddSubI2,       ///< add_sub kernel, i2 packing (4 trits a byte)
  AddSubBitplane, ///< add_sub kernel, two bit planes
  AddSubBase3,    ///< add_sub kernel, base3 packing (5 trits a byte)
  Lut,            ///< lut kernel over i2 bytes (groups of 4 activations)
  Int8Dot,        ///< int8 activations, int32 sums (i2 packing)
};

/// "i2", "bitplane", "base3", "lut", "int8".
const char *name(Choice c);
/// Parses a --ternary-kernel= name; false if unknown ("auto" is not a
/// Choice: the caller handles it).
bool parse(const std::string &text, Choice &out);

/// What the model knows about one layer and its target.
struct Layer {
  int64_t m = 1; ///< rows of the input (batch x tokens); 0 if dynamic
  int64_t k = 0; ///< reduction length
  int64_t n = 0; ///< outputs
  /// 8: the user asked for int8 activations (--activation-bits=8); 0 keeps
  /// the model's float activations.
  int activationBits = 0;
  /// The target has AVX-512 (mask registers: a bit plane becomes a mask
  /// with one test instruction).
  bool avx512 = false;
};

struct Decision {
  Choice choice = Choice::AddSubI2;
  std::string reason;
};

/// The kernel for `layer`. Never changes numerics on its own: Int8Dot
/// comes back only when layer.activationBits == 8, and then always.
Decision choose(const Layer &layer);

} // namespace mlir::tern::cost

#endif // TERN_ANALYSIS_TERNARYCOSTMODEL_H
