//===- TernaryCostModel.cpp - Which ternary kernel a layer gets -----------===//
//
// See TernaryCostModel.h. The rules and thresholds below come from
// bench/results/ternary-kernels.md (the command that measured them is at
// the top of that file); change them together.
//
//===----------------------------------------------------------------------===//

#include "tern/Transforms/TernaryCostModel.h"

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
  // Measured (bench/results/ternary-kernels.md): with float activations
  // every kernel is bound by decoding, not by memory, and i2's decode (one
  // shift and mask for 4 trits) is the cheapest: at batch 1 it is within a
  // few percent of the fastest kernel at every shape, and bit planes, lut
  // and base3 are never faster by more than the run-to-run noise.
  return {Choice::AddSubI2, "float activations: i2 decodes with the fewest "
                            "instructions per trit (bench/results/"
                            "ternary-kernels.md)"};
}
