//===- TernOps.cpp - Operations of the tern dialect -------------*- C++ -*-===//
//
// Verifiers of the tern ops. They check everything a later pass relies on
// without re-checking: shapes, packed byte counts, scale counts and, when the
// weights are a constant, that every stored code is valid.
//
//===----------------------------------------------------------------------===//

#include "tern/Dialect/Tern/IR/TernOps.h"
#include "tern/Dialect/Tern/IR/ConstantData.h"
#include "tern/Dialect/Tern/IR/SparseEncoding.h"
#include "tern/Dialect/Tern/IR/TernaryPacking.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/OpImplementation.h"

#include <cmath>

using namespace mlir;
using namespace mlir::tern;

#define GET_OP_CLASSES
#include "tern/Dialect/Tern/IR/TernOps.cpp.inc"

/// Prints a shape as `[1, ?, 4]` for diagnostics.
static std::string shapeStr(ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (auto [i, d] : llvm::enumerate(shape)) {
    if (i)
      s += ", ";
    s += ShapedType::isDynamic(d) ? "?" : std::to_string(d);
  }
  return s + "]";
}

/// When `weights` is a constant, checks every packed row: valid codes
/// (TernaryPacking.h's checkRow) and zero padding trits past `k`.
static LogicalResult verifyConstantWeights(Operation *op, Value weights,
                                           packing::Format format, int64_t k,
                                           int64_t bytesPerRow) {
  DenseIntElementsAttr data;
  if (!matchPattern(weights, m_Constant(&data)))
    return success();
  std::vector<int8_t> row(bytesPerRow);
  int64_t index = 0;
  for (const APInt &value : data.getValues<APInt>()) {
    row[index % bytesPerRow] = static_cast<int8_t>(value.getZExtValue());
    if (++index % bytesPerRow)
      continue;
    std::string problem = packing::checkRow(format, row.data(), k);
    if (!problem.empty())
      return op->emitOpError()
             << "weights row " << index / bytesPerRow - 1 << " " << problem;
  }
  return success();
}

LogicalResult TernaryMatmulOp::verify() {
  auto inputType = getInput().getType();
  auto weightsType = getWeights().getType();
  auto scalesType = getScales().getType();
  auto resultType = getResult().getType();
  TernaryEncodingAttr encoding = getEncoding();

  if (inputType.getRank() != 2)
    return emitOpError() << "expected a rank-2 input (M x K), found rank "
                         << inputType.getRank();
  if (weightsType.getRank() != 2)
    return emitOpError() << "expected rank-2 weights (N x bytes per row), "
                            "found rank "
                         << weightsType.getRank();
  if (scalesType.getRank() != 1)
    return emitOpError() << "expected rank-1 scales, found rank "
                         << scalesType.getRank();
  if (resultType.getRank() != 2)
    return emitOpError() << "expected a rank-2 result (M x N), found rank "
                         << resultType.getRank();

  int64_t k = inputType.getDimSize(1);
  int64_t n = weightsType.getDimSize(0);
  if (ShapedType::isDynamic(k))
    return emitOpError() << "expected a static reduction size K, found input "
                            "shape "
                         << shapeStr(inputType.getShape());
  if (ShapedType::isDynamic(n) || weightsType.isDynamicDim(1))
    return emitOpError() << "expected static weights, found shape "
                         << shapeStr(weightsType.getShape());

  int64_t bytesPerRow = encoding.getBytesPerRow(k);
  if (weightsType.getDimSize(1) != bytesPerRow)
    return emitOpError() << "expected weights of shape [" << n << ", "
                         << bytesPerRow << "] ("
                         << stringifyTernaryPacking(encoding.getPacking())
                         << " packing for K = " << k << "), found "
                         << shapeStr(weightsType.getShape());

  int64_t numScales = encoding.getNumScales(n);
  if (!scalesType.isDynamicDim(0) && scalesType.getDimSize(0) != numScales)
    return emitOpError() << "expected " << numScales << " scale"
                         << (numScales == 1 ? "" : "s") << " ("
                         << stringifyTernaryScale(encoding.getScale())
                         << " for N = " << n << "), found "
                         << scalesType.getDimSize(0);
  if (scalesType.isDynamicDim(0))
    return emitOpError() << "expected a static number of scales";

  Type elementType = inputType.getElementType();
  if (scalesType.getElementType() != elementType)
    return emitOpError() << "expected scales of the input's element type "
                         << elementType << ", found "
                         << scalesType.getElementType();
  if (resultType.getElementType() != elementType)
    return emitOpError() << "expected a result of the input's element type "
                         << elementType << ", found "
                         << resultType.getElementType();

  int64_t m = inputType.getDimSize(0);
  int64_t resultM = resultType.getDimSize(0),
          resultN = resultType.getDimSize(1);
  if ((!ShapedType::isDynamic(m) && !ShapedType::isDynamic(resultM) &&
       m != resultM) ||
      resultN != n)
    return emitOpError() << "expected a result of shape ["
                         << (ShapedType::isDynamic(m) ? std::string("?")
                                                      : std::to_string(m))
                         << ", " << n << "] (M x N), found "
                         << shapeStr(resultType.getShape());

  TernaryKernel kernel = getKernelOrDefault();
  if (kernel == TernaryKernel::Lut &&
      encoding.getPacking() == TernaryPacking::Bitplane)
    return emitOpError() << "kernel '" << stringifyTernaryKernel(kernel)
                         << "' needs the i2 or base3 packing, found "
                            "bitplane";

  return verifyConstantWeights(getOperation(), getWeights(),
                               encoding.getFormat(), k, bytesPerRow);
}

/// The shapes and element types of a `input x weights^T` product (input
/// M x K, weights N x K static, result M x N, one element type).
static LogicalResult verifyMatmulShapes(Operation *op,
                                        RankedTensorType inputType,
                                        RankedTensorType weightsType,
                                        RankedTensorType resultType) {
  if (inputType.getRank() != 2)
    return op->emitOpError() << "expected a rank-2 input (M x K), found rank "
                             << inputType.getRank();
  if (weightsType.getRank() != 2)
    return op->emitOpError() << "expected rank-2 weights (N x K), found rank "
                             << weightsType.getRank();
  if (resultType.getRank() != 2)
    return op->emitOpError() << "expected a rank-2 result (M x N), found rank "
                             << resultType.getRank();
  if (!weightsType.hasStaticShape())
    return op->emitOpError() << "expected static weights, found shape "
                             << shapeStr(weightsType.getShape());
  int64_t n = weightsType.getDimSize(0), k = weightsType.getDimSize(1);
  if (inputType.getDimSize(1) != k)
    return op->emitOpError()
           << "expected an input of " << k
           << " columns (the weights are N x K = " << n << " x " << k
           << "), found shape " << shapeStr(inputType.getShape());
  int64_t m = inputType.getDimSize(0), resultM = resultType.getDimSize(0);
  if ((!ShapedType::isDynamic(m) && !ShapedType::isDynamic(resultM) &&
       m != resultM) ||
      resultType.getDimSize(1) != n)
    return op->emitOpError()
           << "expected a result of shape ["
           << (ShapedType::isDynamic(m) ? std::string("?") : std::to_string(m))
           << ", " << n << "] (M x N), found "
           << shapeStr(resultType.getShape());
  Type elementType = inputType.getElementType();
  if (weightsType.getElementType() != elementType ||
      resultType.getElementType() != elementType)
    return op->emitOpError()
           << "expected weights and result of the input's "
              "element type "
           << elementType << ", found " << weightsType.getElementType()
           << " and " << resultType.getElementType();
  return success();
}

LogicalResult SparseMatmulOp::verify() {
  auto inputType = getInput().getType();
  auto weightsType = getWeights().getType();
  if (failed(verifyMatmulShapes(*this, inputType, weightsType,
                                getResult().getType())))
    return failure();
  std::string why;
  FailureOr<SparseWeightFormat> format =
      getSparseWeightFormat(weightsType.getEncoding(), why);
  if (failed(format))
    return emitOpError() << why;
  int64_t k = weightsType.getDimSize(1);
  if (format->kind == SparseWeightFormat::Ell && format->rowLength > k)
    return emitOpError() << "#tern.ell row_length " << format->rowLength
                         << " exceeds K = " << k;
  return success();
}

std::optional<std::vector<int8_t>>
mlir::tern::getConstantTrits(TernaryMatmulOp op) {
  ElementsAttr attr = getConstantElements(op.getWeights());
  std::optional<std::vector<char>> bytes =
      attr ? getConstantBytes(attr) : std::nullopt;
  if (!bytes)
    return std::nullopt;
  int64_t k = op.getInput().getType().getDimSize(1);
  int64_t n = op.getWeights().getType().getDimSize(0);
  return packing::unpack(op.getEncoding().getFormat(),
                         std::vector<int8_t>(bytes->begin(), bytes->end()), n,
                         k);
}

LogicalResult ActivationSparseMatmulOp::verify() {
  auto weightsType = getWeights().getType();
  if (weightsType.getEncoding())
    return emitOpError() << "expected dense weights (no encoding), found "
                         << weightsType
                         << "; sparse weights are tern.sparse_matmul";
  if (failed(verifyMatmulShapes(*this, getInput().getType(), weightsType,
                                getResult().getType())))
    return failure();
  float t = getThreshold().convertToFloat();
  if (!std::isfinite(t) || t < 0.0f)
    return emitOpError() << "expected a finite threshold >= 0, found " << t;
  return success();
}
