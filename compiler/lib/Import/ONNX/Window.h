//===- Window.h - Sliding-window geometry for Conv and pools ----*- C++ -*-===//
//
// kernel_shape, strides, dilations, pads and auto_pad, read once and
// checked, with the output size of each spatial axis.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_IMPORT_ONNX_WINDOW_H
#define TERN_IMPORT_ONNX_WINDOW_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/SmallVector.h"

namespace mlir::tern::onnx_import {

class NodeImporter;

struct Window {
  SmallVector<int64_t> input;  ///< spatial input sizes
  SmallVector<int64_t> kernel; ///< window sizes
  SmallVector<int64_t> strides, dilations, padBegin, padEnd;
  SmallVector<int64_t> output; ///< spatial output sizes

  size_t rank() const { return input.size(); }
  /// True if every window lies inside the unpadded input.
  bool insideInput() const;
};

/// Window attributes (kernel sizes, strides, dilations, pads, output
/// padding) lie in [lo, 2^20]: with shapes of at most 2^40 elements the
/// window geometry computed from them then cannot overflow int64_t.
/// Otherwise reports the attribute `name` and fails.
LogicalResult checkWindowRange(NodeImporter &n, StringRef name,
                               ArrayRef<int64_t> values, int64_t lo);

/// Reads the window attributes of a Conv or pool node. `kernel` comes from
/// the weights (Conv) or kernel_shape (pools); `ceilMode` rounds output
/// sizes up (pools).
FailureOr<Window> readWindow(NodeImporter &n, ArrayRef<int64_t> input,
                             ArrayRef<int64_t> kernel, bool ceilMode);

} // namespace mlir::tern::onnx_import

#endif // TERN_IMPORT_ONNX_WINDOW_H
