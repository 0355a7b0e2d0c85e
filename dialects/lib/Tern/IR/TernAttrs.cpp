//===- TernAttrs.cpp - Weight encoding attributes ---------------*- C++ -*-===//
//
// Generated attribute and enum definitions, plus the size arithmetic of each
// encoding, which the op verifiers and the packing pass share.
//
//===----------------------------------------------------------------------===//

#include "tern/Dialect/Tern/IR/TernAttrs.h"
#include "tern/Dialect/Tern/IR/TernDialect.h"
#include "tern/Dialect/Tern/IR/TernaryPacking.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::tern;

#include "tern/Dialect/Tern/IR/TernEnums.cpp.inc"

FailureOr<bool> mlir::tern::parseBoolField(AsmParser &parser) {
  if (succeeded(parser.parseOptionalKeyword("true")))
    return true;
  if (succeeded(parser.parseOptionalKeyword("false")))
    return false;
  return parser.emitError(parser.getCurrentLocation(),
                          "expected 'true' or 'false'");
}

#define GET_ATTRDEF_CLASSES
#include "tern/Dialect/Tern/IR/TernAttrs.cpp.inc"

void TernDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "tern/Dialect/Tern/IR/TernAttrs.cpp.inc"
      >();
}

static_assert(static_cast<int>(TernaryPacking::I2) ==
                      static_cast<int>(packing::Format::I2) &&
                  static_cast<int>(TernaryPacking::Bitplane) ==
                      static_cast<int>(packing::Format::Bitplane) &&
                  static_cast<int>(TernaryPacking::Base3) ==
                      static_cast<int>(packing::Format::Base3),
              "TernaryPacking and packing::Format must agree");

packing::Format TernaryEncodingAttr::getFormat() const {
  return static_cast<packing::Format>(getPacking());
}

int64_t TernaryEncodingAttr::getBytesPerRow(int64_t k) const {
  return packing::bytesPerRow(getFormat(), k);
}

int64_t TernaryEncodingAttr::getNumScales(int64_t n) const {
  return getScale() == TernaryScale::PerRow ? n : 1;
}

LogicalResult
EllEncodingAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                        int64_t rowLength) {
  if (rowLength < 0)
    return emitError() << "#tern.ell row_length must be >= 0, found "
                       << rowLength;
  return success();
}

LogicalResult ScheduleAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                   ScheduleDevice device, ScheduleRecipe recipe,
                                   int64_t vectorWidth,
                                   int64_t updateVectorWidth, bool parallel,
                                   int64_t unroll, int64_t vectorBlocks,
                                   int64_t dotProduct, int64_t rows,
                                   int64_t gpuThreads, int64_t hlsReuse) {
  auto range = [&](StringRef name, int64_t v, int64_t hi) -> LogicalResult {
    if (v < 0 || v > hi)
      return emitError() << "#tern.schedule " << name << " = " << v
                         << " is out of range: expected 0 (unset) to " << hi;
    return success();
  };
  if (failed(range("vector_width", vectorWidth, 1024)) ||
      failed(range("update_vector_width", updateVectorWidth, 1024)) ||
      failed(range("unroll", unroll, 64)) ||
      failed(range("vector_blocks", vectorBlocks, 16)) ||
      failed(range("dot_product", dotProduct, 16)) ||
      failed(range("rows", rows, 64)) ||
      failed(range("gpu_threads", gpuThreads, 1024)) ||
      failed(range("hls_reuse", hlsReuse, 1 << 20)))
    return failure();
  // Each recipe belongs to one device.
  ScheduleDevice expected = recipe == ScheduleRecipe::Gpu ? ScheduleDevice::Gpu
                            : recipe == ScheduleRecipe::Hls
                                ? ScheduleDevice::Hls
                                : ScheduleDevice::Cpu;
  if (recipe != ScheduleRecipe::None && device != expected)
    return emitError() << "#tern.schedule recipe " << stringifyEnum(recipe)
                       << " runs on " << stringifyEnum(expected) << ", not "
                       << stringifyEnum(device);
  if (recipe == ScheduleRecipe::Dot && dotProduct < 2)
    return emitError() << "#tern.schedule recipe dot needs dot_product >= 2";
  if (recipe == ScheduleRecipe::GemvBlocks && vectorBlocks < 1)
    return emitError()
           << "#tern.schedule recipe gemv_blocks needs vector_blocks >= 1";
  if (recipe == ScheduleRecipe::RowBlocks && rows < 1)
    return emitError() << "#tern.schedule recipe row_blocks needs rows >= 1";
  if ((recipe == ScheduleRecipe::Gather ||
       recipe == ScheduleRecipe::GatherRows) &&
      vectorWidth < 2)
    return emitError() << "#tern.schedule recipe " << stringifyEnum(recipe)
                       << " needs vector_width >= 2 (its tile of outputs)";
  if (recipe == ScheduleRecipe::Gpu && gpuThreads < 1)
    return emitError() << "#tern.schedule recipe gpu needs gpu_threads >= 1";
  if (recipe == ScheduleRecipe::Hls && hlsReuse < 1)
    return emitError() << "#tern.schedule recipe hls needs hls_reuse >= 1";
  return success();
}

ScheduleAttr mlir::tern::getSchedule(Operation *op) {
  return op->getAttrOfType<ScheduleAttr>(kScheduleAttrName);
}

void mlir::tern::requireSchedule(Operation *op, const ScheduleRequirements &r) {
  ScheduleAttr s = getSchedule(op);
  if (!s)
    s = ScheduleAttr::get(op->getContext(), ScheduleDevice::Cpu,
                          ScheduleRecipe::None, 0, 0, false, 0, 0, 0, 0, 0, 0);
  auto pick = [](int64_t wanted, int64_t had) { return wanted ? wanted : had; };
  op->setAttr(kScheduleAttrName,
              ScheduleAttr::get(op->getContext(), s.getDevice(), s.getRecipe(),
                                pick(r.vectorWidth, s.getVectorWidth()),
                                s.getUpdateVectorWidth(), s.getParallel(),
                                pick(r.unroll, s.getUnroll()),
                                pick(r.vectorBlocks, s.getVectorBlocks()),
                                pick(r.dotProduct, s.getDotProduct()),
                                s.getRows(), s.getGpuThreads(),
                                s.getHlsReuse()));
}

void mlir::tern::setWeightsInfo(Operation *op, const WeightsInfo &info) {
  Builder b(op->getContext());
  op->setAttr(
      kWeightsAttrName,
      b.getDictionaryAttr(
          {b.getNamedAttr("format", b.getStringAttr(info.format)),
           b.getNamedAttr("nonzeros", b.getI64IntegerAttr(info.nonzeros)),
           b.getNamedAttr("elements", b.getI64IntegerAttr(info.elements))}));
}

std::optional<WeightsInfo> mlir::tern::getWeightsInfo(Operation *op) {
  auto dict = op->getAttrOfType<DictionaryAttr>(kWeightsAttrName);
  if (!dict)
    return std::nullopt;
  auto format = dict.getAs<StringAttr>("format");
  auto nonzeros = dict.getAs<IntegerAttr>("nonzeros");
  auto elements = dict.getAs<IntegerAttr>("elements");
  if (!format || !nonzeros || !elements)
    return std::nullopt;
  return WeightsInfo{format.getValue().str(), nonzeros.getInt(),
                     elements.getInt()};
}

LogicalResult mlir::tern::verifyWeightsInfo(Operation *op, Attribute value) {
  auto dict = dyn_cast<DictionaryAttr>(value);
  auto format = dict ? dict.getAs<StringAttr>("format") : StringAttr();
  auto nonzeros = dict ? dict.getAs<IntegerAttr>("nonzeros") : IntegerAttr();
  auto elements = dict ? dict.getAs<IntegerAttr>("elements") : IntegerAttr();
  if (!format || !nonzeros || !elements || dict.size() != 3)
    return op->emitError()
           << kWeightsAttrName
           << " must be {format = \"...\", nonzeros = N : i64, elements = E "
              ": i64}";
  if (format.getValue().empty())
    return op->emitError() << kWeightsAttrName << ": empty format";
  if (elements.getInt() < 0 || nonzeros.getInt() < 0 ||
      nonzeros.getInt() > elements.getInt())
    return op->emitError() << kWeightsAttrName << ": nonzeros ("
                           << nonzeros.getInt()
                           << ") must be from 0 to elements ("
                           << elements.getInt() << ")";
  return success();
}
