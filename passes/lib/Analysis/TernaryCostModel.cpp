//===- TernaryCostModel.cpp - Which ternary kernel a layer gets -----------===//
//
// See TernaryCostModel.h. The rules and thresholds below come from
// bench/results/ternary-kernels.md (the command that measured them is at
// the top of that file); change them together.
//
//===----------------------------------------------------------------------===//

#include "tern/Analysis/TernaryCostModel.h"

using namespace mlir::tern::cost;

const char *mlir::tern::cost::name(Choice c) {
  switch (c) {
  case Choice::AddSubI2:
    return "i2";
  case Choice::AddSubBitplane:
    return "bitplane";
  case Choice::AddSubBase3:
    return "base3";
  case Choice::Lut:
    return "lut";
  case Choice::Int8Dot:
    return "int8";
  }
  return "?";
}

bool mlir::tern::cost::parse(const std::string &text, Choice &out) {
  for (Choice c : {Choice::AddSubI2, Choice::AddSubBitplane,
                   Choice::AddSubBase3, Choice::Lut, Choice::Int8Dot})
    if (text == name(c)) {
      out = c;
      return true;
    }
  return false;
}

Decision mlir::tern::cost::choose(const Layer &layer) {
  if (layer.activationBits == 8)
    return {Choice::Int8Dot, "int8 activations were asked for "
                             "(--activation-bits=8)"};
  // Measured (bench/results/ternary-kernels.md; `bench/ternary_kernels.sh`):
  // with float activations every kernel is bound by decoding, not by
  // memory. On AVX-512 at batch 1 the bit planes are fastest at all six
  // shapes (1.17x to 1.38x i2's speed: a plane's bits test into a mask
  // register and the add or subtract is masked); at batch 8 and more i2 is
  // within 10% of the fastest at every shape (its decode is shared by the
  // rows of a block). On AVX2 (no mask registers; the 2026-12-04 run on
  // another machine) i2 was fastest or within noise at batch 1 too.
  if (layer.avx512 && layer.m == 1)
    return {Choice::AddSubBitplane,
            "float activations, batch 1, AVX-512: bit planes test into mask "
            "registers (fastest at every measured shape, bench/results/"
            "ternary-kernels.md)"};
  return {Choice::AddSubI2, "float activations: i2 decodes with the fewest "
                            "instructions per trit (bench/results/"
                            "ternary-kernels.md)"};
}
