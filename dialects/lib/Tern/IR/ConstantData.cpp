//===- ConstantData.cpp - Reading the bytes of tensor constants -*- C++ -*-===//
//
// See ConstantData.h. Dense literals are read element by element (they may be
// splats, and i1 is bit-packed internally); resource blobs are copied as they
// are stored, after checking their size against the type.
//
//===----------------------------------------------------------------------===//

#include "tern/Dialect/Tern/IR/ConstantData.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/Operation.h"
#include "llvm/Support/MathExtras.h"

#include <cstdio>
#include <cstring>

using namespace mlir;
using namespace mlir::tern;

ElementsAttr mlir::tern::getConstantElements(Value value) {
  Attribute attr;
  if (!value || !matchPattern(value, m_Constant(&attr)))
    return {};
  auto elements = dyn_cast<ElementsAttr>(attr);
  if (!elements)
    return {};
  auto type = dyn_cast<RankedTensorType>(elements.getType());
  if (!type || !type.hasStaticShape())
    return {};
  return elements;
}

/// Bytes per element of the element types we store, or 0.
static int64_t storageBytes(Type type) {
  if (type.isInteger(1))
    return 1;
  if (type.isIntOrFloat())
    return (type.getIntOrFloatBitWidth() + 7) / 8;
  return 0;
}

std::optional<int64_t> mlir::tern::tensorBytes(ShapedType type) {
  if (!type.hasStaticShape())
    return std::nullopt;
  int64_t bytes = storageBytes(type.getElementType());
  if (bytes == 0) // index and other types without a storage width
    bytes = 8;
  for (int64_t dim : type.getShape())
    if (llvm::MulOverflow(bytes, dim, bytes))
      return std::nullopt;
  return bytes;
}

bool mlir::tern::exceedsTensorLimit(ShapedType type) {
  if (!type.hasStaticShape())
    return false;
  std::optional<int64_t> bytes = tensorBytes(type);
  return !bytes || *bytes > kMaxTensorBytes;
}

/// "64 GiB", "2.5 GiB", "more than 2^63 bytes".
static std::string sizeText(ShapedType type) {
  std::optional<int64_t> bytes = tensorBytes(type);
  if (!bytes)
    return "more than 2^63 bytes";
  char text[64];
  double gib = static_cast<double>(*bytes) / double(int64_t(1) << 30);
  std::snprintf(text, sizeof(text), "%.3g GiB", gib);
  return text;
}

LogicalResult mlir::tern::checkTensorSizes(Operation *root) {
  auto tooLarge = [](Type type) {
    auto shaped = dyn_cast<ShapedType>(type);
    return shaped && exceedsTensorLimit(shaped);
  };
  auto report = [](Operation *op, StringRef what, Type type) {
    op->emitError() << what << " " << type << " is "
                    << sizeText(cast<ShapedType>(type))
                    << "; Tern compiles tensors of less than 2 GiB each "
                       "(its kernels address buffers with 32-bit offsets): "
                       "make the layer smaller or split it";
  };
  WalkResult walk = root->walk([&](Operation *op) {
    for (Region &region : op->getRegions())
      for (Block &block : region)
        for (BlockArgument arg : block.getArguments())
          if (tooLarge(arg.getType())) {
            report(op, "argument " + std::to_string(arg.getArgNumber()),
                   arg.getType());
            return WalkResult::interrupt();
          }
    for (Value result : op->getResults())
      if (tooLarge(result.getType())) {
        report(op,
               op->hasTrait<OpTrait::ConstantLike>() ? "the constant"
                                                     : "the result",
               result.getType());
        return WalkResult::interrupt();
      }
    return WalkResult::advance();
  });
  return failure(walk.wasInterrupted());
}

std::optional<std::vector<char>>
mlir::tern::getConstantBytes(ElementsAttr attr) {
  auto type = cast<ShapedType>(attr.getType());
  Type elementType = type.getElementType();
  int64_t width = storageBytes(elementType);
  if (width == 0 || !type.hasStaticShape() || exceedsTensorLimit(type))
    return std::nullopt;
  int64_t count = type.getNumElements();
  std::vector<char> bytes(count * width);

  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return std::nullopt;
    ArrayRef<char> data = blob->getData();
    if (static_cast<int64_t>(data.size()) != count * width ||
        elementType.isInteger(1))
      return std::nullopt;
    std::memcpy(bytes.data(), data.data(), data.size());
    return bytes;
  }

  auto dense = dyn_cast<DenseElementsAttr>(attr);
  if (!dense)
    return std::nullopt;
  int64_t i = 0;
  if (isa<FloatType>(elementType)) {
    for (const APFloat &v : dense.getValues<APFloat>()) {
      APInt bits = v.bitcastToAPInt();
      uint64_t raw = bits.getZExtValue();
      std::memcpy(&bytes[i++ * width], &raw, width);
    }
    return bytes;
  }
  if (isa<IntegerType>(elementType)) {
    for (const APInt &v : dense.getValues<APInt>()) {
      uint64_t raw = v.getZExtValue();
      std::memcpy(&bytes[i++ * width], &raw, width);
    }
    return bytes;
  }
  return std::nullopt;
}

std::optional<SmallVector<double>>
mlir::tern::getConstantFloats(ElementsAttr attr) {
  auto type = cast<ShapedType>(attr.getType());
  auto floatType = dyn_cast<FloatType>(type.getElementType());
  if (!floatType || !type.hasStaticShape() || exceedsTensorLimit(type))
    return std::nullopt;
  SmallVector<double> values;
  values.reserve(type.getNumElements());
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    for (const APFloat &v : dense.getValues<APFloat>())
      values.push_back(v.convertToDouble() /* exact for f16/bf16/f32/f64 */);
    return values;
  }
  if (auto sparse = dyn_cast<SparseElementsAttr>(attr)) {
    for (APFloat v : sparse.getValues<APFloat>()) {
      bool lost = false;
      v.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lost);
      values.push_back(v.convertToDouble());
    }
    return values;
  }
  std::optional<std::vector<char>> bytes = getConstantBytes(attr);
  if (!bytes)
    return std::nullopt;
  const llvm::fltSemantics &semantics = floatType.getFloatSemantics();
  unsigned bits = floatType.getWidth();
  for (int64_t i = 0, e = type.getNumElements(); i < e; ++i) {
    uint64_t raw = 0;
    std::memcpy(&raw, &(*bytes)[i * (bits / 8)], bits / 8);
    APFloat v(semantics, APInt(bits, raw));
    bool lost = false;
    v.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lost);
    values.push_back(v.convertToDouble());
  }
  return values;
}
