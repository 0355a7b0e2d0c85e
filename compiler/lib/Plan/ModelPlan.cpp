//===- ModelPlan.cpp - Sizes of the tensors in a ModelPlan ------*- C++ -*-===//
//
// The byte arithmetic that the model builder (arena and weight offsets) and
// the library writer (copies) share.
//
//===----------------------------------------------------------------------===//

#include "tern/Plan/ModelPlan.h"

using namespace tern;
using tern::kernel::ScalarType;

int64_t plan::storageBytes(ScalarType t) {
  return t.kind == ScalarType::Bool ? 1 : t.bits / 8;
}

int64_t plan::numElements(const std::vector<int64_t> &shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}
