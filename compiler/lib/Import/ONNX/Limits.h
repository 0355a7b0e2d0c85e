//===- Limits.h - Size limits shared by the ONNX loader and importers -*- C++
//-*-===//
//
// One limit on tensor sizes for the whole front end: with at most 2^40
// elements a tensor's byte size, strides and the window geometry computed
// from it (attributes are bounded too, see Window.h) never overflow
// int64_t. Plain C++, so the loader (no MLIR) and the importers share it.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_IMPORT_ONNX_LIMITS_H
#define TERN_IMPORT_ONNX_LIMITS_H

#include <cstdint>

namespace tern::onnx_import {

/// The largest number of elements a tensor may have.
constexpr int64_t kMaxElements = int64_t(1) << 40;

} // namespace tern::onnx_import

#endif // TERN_IMPORT_ONNX_LIMITS_H
