//===- Window.cpp - Sliding-window geometry for Conv and pools ------------===//

#include "Window.h"
#include "ImportContext.h"

using namespace mlir;
using namespace mlir::tern::onnx_import;

bool Window::insideInput() const {
  for (size_t d = 0; d < rank(); ++d) {
    if (padBegin[d] != 0)
      return false;
    int64_t last =
        (output[d] - 1) * strides[d] + (kernel[d] - 1) * dilations[d];
    if (output[d] > 0 && last >= input[d])
      return false;
  }
  return true;
}

LogicalResult mlir::tern::onnx_import::checkWindowRange(
    NodeImporter &n, StringRef name, ArrayRef<int64_t> values, int64_t lo) {
  constexpr int64_t hi = int64_t(1) << 20;
  for (int64_t v : values)
    if (v < lo || v > hi) {
      if (lo == 0 && v < 0)
        n.error() << name << " must not be negative, has " << v;
      else
        n.error() << name << " must be in [" << lo << ", " << hi << "], has "
                  << v;
      return failure();
    }
  return success();
}

FailureOr<Window> mlir::tern::onnx_import::readWindow(NodeImporter &n,
                                                      ArrayRef<int64_t> input,
                                                      ArrayRef<int64_t> kernel,
                                                      bool ceilMode) {
  size_t r = input.size();
  Window w;
  w.input.assign(input.begin(), input.end());
  w.kernel.assign(kernel.begin(), kernel.end());
  auto vec = [&](StringRef name, int64_t dflt,
                 size_t size) -> FailureOr<SmallVector<int64_t>> {
    std::optional<SmallVector<int64_t>> v = n.intsAttr(name);
    if (!v)
      return SmallVector<int64_t>(size, dflt);
    if (v->size() != size) {
      n.error() << "attribute '" << name << "' has " << v->size()
                << " values; expected " << size;
      return failure();
    }
    return *v;
  };
  FailureOr<SmallVector<int64_t>> strides = vec("strides", 1, r),
                                  dilations = vec("dilations", 1, r),
                                  pads = vec("pads", 0, 2 * r);
  if (failed(strides) || failed(dilations) || failed(pads))
    return failure();
  w.strides = *strides;
  w.dilations = *dilations;
  if (failed(checkWindowRange(n, "strides", w.strides, 1)) ||
      failed(checkWindowRange(n, "dilations", w.dilations, 1)) ||
      failed(checkWindowRange(n, "kernel size", w.kernel, 1)) ||
      failed(checkWindowRange(n, "pads", *pads, 0)))
    return failure();
  std::string autoPad = n.stringAttr("auto_pad", "NOTSET");
  w.padBegin.assign(pads->begin(), pads->begin() + r);
  w.padEnd.assign(pads->begin() + r, pads->end());
  for (size_t d = 0; d < r; ++d) {
    int64_t extent = (w.kernel[d] - 1) * w.dilations[d] + 1;
    if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
      int64_t out = (input[d] + w.strides[d] - 1) / w.strides[d];
      int64_t total =
          std::max<int64_t>(0, (out - 1) * w.strides[d] + extent - input[d]);
      int64_t small = total / 2;
      w.padBegin[d] = autoPad == "SAME_UPPER" ? small : total - small;
      w.padEnd[d] = total - w.padBegin[d];
    } else if (autoPad == "VALID") {
      w.padBegin[d] = w.padEnd[d] = 0;
    } else if (autoPad != "NOTSET") {
      n.error() << "auto_pad '" << autoPad
                << "' is not valid (NOTSET, SAME_UPPER, SAME_LOWER or VALID)";
      return failure();
    }
    int64_t span = input[d] + w.padBegin[d] + w.padEnd[d] - extent;
    if (span < 0) {
      n.error() << "the window (" << extent << ") is larger than the padded "
                << "input (" << input[d] + w.padBegin[d] + w.padEnd[d]
                << ") on spatial axis " << d;
      return failure();
    }
    int64_t out = ceilMode ? (span + w.strides[d] - 1) / w.strides[d] + 1
                           : span / w.strides[d] + 1;
    // A window must start inside the input or its left padding.
    if (ceilMode && (out - 1) * w.strides[d] >= input[d] + w.padBegin[d])
      --out;
    w.output.push_back(out);
  }
  return w;
}
