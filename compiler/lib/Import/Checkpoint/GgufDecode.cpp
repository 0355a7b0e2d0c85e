//===- GgufDecode.cpp - ggml's tensor types and their row decoders --------===//
//
// The table of ggml types the reader can size, and the per-row decoders of
// the ones Tern imports (the layouts are in Gguf.h). A row is decoded
// straight from the mapped bytes into the caller's buffer: nothing else is
// allocated, so an importer can walk a model row by row. The float decoders
// give exactly what ggml's dequantize_row_* give; the trit decoders give the
// stored codes and scales, for the ternary weights of tern.ternary_matmul.
//
//===----------------------------------------------------------------------===//

#include "tern/Import/Checkpoint/Float16.h"
#include "tern/Import/Checkpoint/Gguf.h"

#include "Support.h"

#include "llvm/ADT/bit.h"

using namespace llvm;
using namespace tern::checkpoint;
using namespace tern::checkpoint::detail;

namespace {
// ggml's blck_size and type_size (ggml.c type_traits; block structs in
// ggml-common.h). I2_S's size depends on the element count (Gguf.h).
const GgmlTypeInfo kTypes[] = {
    {GgmlType::F32, "f32", 1, 4, true, false},
    {GgmlType::F16, "f16", 1, 2, true, false},
    {GgmlType::Q4_0, "q4_0", 32, 18, false, false},
    {GgmlType::Q4_1, "q4_1", 32, 20, false, false},
    {GgmlType::Q5_0, "q5_0", 32, 22, false, false},
    {GgmlType::Q5_1, "q5_1", 32, 24, false, false},
    {GgmlType::Q8_0, "q8_0", 32, 34, true, false},
    {GgmlType::Q8_1, "q8_1", 32, 36, false, false},
    {GgmlType::Q2_K, "q2_K", 256, 84, false, false},
    {GgmlType::Q3_K, "q3_K", 256, 110, false, false},
    {GgmlType::Q4_K, "q4_K", 256, 144, false, false},
    {GgmlType::Q5_K, "q5_K", 256, 176, false, false},
    {GgmlType::Q6_K, "q6_K", 256, 210, false, false},
    {GgmlType::Q8_K, "q8_K", 256, 292, false, false},
    {GgmlType::IQ2_XXS, "iq2_xxs", 256, 66, false, false},
    {GgmlType::IQ2_XS, "iq2_xs", 256, 74, false, false},
    {GgmlType::IQ3_XXS, "iq3_xxs", 256, 98, false, false},
    {GgmlType::IQ1_S, "iq1_s", 256, 50, false, false},
    {GgmlType::IQ4_NL, "iq4_nl", 32, 18, false, false},
    {GgmlType::IQ3_S, "iq3_s", 256, 110, false, false},
    {GgmlType::IQ2_S, "iq2_s", 256, 82, false, false},
    {GgmlType::IQ4_XS, "iq4_xs", 256, 136, false, false},
    {GgmlType::I8, "i8", 1, 1, true, false},
    {GgmlType::I16, "i16", 1, 2, true, false},
    {GgmlType::I32, "i32", 1, 4, true, false},
    {GgmlType::I64, "i64", 1, 8, true, false},
    {GgmlType::F64, "f64", 1, 8, true, false},
    {GgmlType::IQ1_M, "iq1_m", 256, 56, false, false},
    {GgmlType::BF16, "bf16", 1, 2, true, false},
    {GgmlType::TQ1_0, "tq1_0", 256, 54, true, true},
    {GgmlType::TQ2_0, "tq2_0", 256, 66, true, true},
    {GgmlType::I2_S, "i2_s", 1, 0, true, true},
    {GgmlType::MXFP4, "mxfp4", 32, 17, false, false},
};

constexpr uint64_t kQK = 256;     // QK_K: TQ1_0 and TQ2_0 blocks
constexpr uint64_t kQ8Block = 32; // QK8_0
constexpr uint64_t kI2Block = 128;

/// The 2-bit code of element `e` (< 256) of a TQ2_0 block.
unsigned tq2Code(const uint8_t *block, unsigned e) {
  unsigned chunk = e / 128, lane = (e % 128) / 32, m = e % 32;
  return (block[32 * chunk + m] >> (2 * lane)) & 3;
}

/// The base-3 digit (0..2) of element `e` (< 256) of a TQ1_0 block.
unsigned tq1Digit(const uint8_t *block, unsigned e) {
  static const uint8_t pow3[5] = {1, 3, 9, 27, 81};
  unsigned byte, digit;
  if (e < 160) {
    byte = e % 32;
    digit = e / 32;
  } else if (e < 240) {
    byte = 32 + (e - 160) % 16;
    digit = (e - 160) / 16;
  } else {
    byte = 48 + (e - 240) % 4; // qh follows the 48 bytes of qs
    digit = (e - 240) / 4;
  }
  uint8_t shifted = uint8_t(block[byte] * pow3[digit]);
  return (unsigned(shifted) * 3) >> 8;
}

/// The 2-bit code of element `e` of an I2_S tensor (whole-tensor index).
unsigned i2sCode(const uint8_t *data, uint64_t e) {
  uint64_t byte = (e / kI2Block) * 32 + e % 32;
  unsigned group = unsigned((e % kI2Block) / 32);
  return (data[byte] >> (6 - 2 * group)) & 3;
}

float i2sScale(const GgufTensor &t) {
  return bit_cast<float>(loadLE<uint32_t>(t.data + t.numElements / 4));
}

Error checkRow(const GgufTensor &t, uint64_t row, size_t outSize,
               StringRef what) {
  std::string where = "tensor " + quote(t.name);
  if (row >= t.numRows())
    return makeError(t.fileName, where + ": row " + Twine(row) +
                                     " is out of range (" + Twine(t.numRows()) +
                                     " rows)");
  if (outSize != t.rowLength())
    return makeError(t.fileName, where + ": the " + what + " buffer holds " +
                                     Twine(outSize) + " values, a row has " +
                                     Twine(t.rowLength()));
  return Error::success();
}

const uint8_t *rowStart(const GgufTensor &t, uint64_t row) {
  const GgmlTypeInfo &info = t.typeInfo();
  return t.data + row * (t.rowLength() / info.blockSize * info.blockBytes);
}
} // namespace

const GgmlTypeInfo *tern::checkpoint::lookupGgmlType(uint32_t type) {
  for (const GgmlTypeInfo &info : kTypes)
    if (uint32_t(info.type) == type)
      return &info;
  return nullptr;
}

const GgmlTypeInfo &tern::checkpoint::getGgmlTypeInfo(GgmlType type) {
  const GgmlTypeInfo *info = lookupGgmlType(uint32_t(type));
  return info ? *info : kTypes[0];
}

Error tern::checkpoint::decodeRowF32(const GgufTensor &t, uint64_t row,
                                     MutableArrayRef<float> out) {
  const GgmlTypeInfo &info = t.typeInfo();
  if (!info.decodes)
    return makeError(t.fileName, "tensor " + quote(t.name) + ": type " +
                                     info.name + " does not decode (Tern " +
                                     "reads f32, f16, bf16, f64, i8-i64, " +
                                     "q8_0, tq1_0, tq2_0 and i2_s)");
  if (Error e = checkRow(t, row, out.size(), "output"))
    return e;
  uint64_t n = t.rowLength();
  const uint8_t *p = rowStart(t, row);
  switch (t.type) {
  case GgmlType::F32:
    for (uint64_t j = 0; j < n; ++j)
      out[j] = bit_cast<float>(loadLE<uint32_t>(p + 4 * j));
    return Error::success();
  case GgmlType::F16:
    for (uint64_t j = 0; j < n; ++j)
      out[j] = halfToFloat(loadLE<uint16_t>(p + 2 * j));
    return Error::success();
  case GgmlType::BF16:
    for (uint64_t j = 0; j < n; ++j)
      out[j] = bfloat16ToFloat(loadLE<uint16_t>(p + 2 * j));
    return Error::success();
  case GgmlType::F64:
    for (uint64_t j = 0; j < n; ++j)
      out[j] = narrowToFloat(bit_cast<double>(loadLE<uint64_t>(p + 8 * j)));
    return Error::success();
  case GgmlType::I8:
    for (uint64_t j = 0; j < n; ++j)
      out[j] = float(int8_t(p[j]));
    return Error::success();
  case GgmlType::I16:
    for (uint64_t j = 0; j < n; ++j)
      out[j] = float(int16_t(loadLE<uint16_t>(p + 2 * j)));
    return Error::success();
  case GgmlType::I32:
    for (uint64_t j = 0; j < n; ++j)
      out[j] = float(int32_t(loadLE<uint32_t>(p + 4 * j)));
    return Error::success();
  case GgmlType::I64:
    for (uint64_t j = 0; j < n; ++j)
      out[j] = float(int64_t(loadLE<uint64_t>(p + 8 * j)));
    return Error::success();
  case GgmlType::Q8_0:
    for (uint64_t b = 0; b < n / kQ8Block; ++b) {
      const uint8_t *block = p + b * 34;
      float d = halfToFloat(loadLE<uint16_t>(block));
      for (uint64_t j = 0; j < kQ8Block; ++j)
        out[b * kQ8Block + j] = float(int8_t(block[2 + j])) * d;
    }
    return Error::success();
  case GgmlType::TQ2_0:
    for (uint64_t b = 0; b < n / kQK; ++b) {
      const uint8_t *block = p + b * 66;
      float d = halfToFloat(loadLE<uint16_t>(block + 64));
      for (unsigned e = 0; e < kQK; ++e)
        out[b * kQK + e] = float(int(tq2Code(block, e)) - 1) * d;
    }
    return Error::success();
  case GgmlType::TQ1_0:
    for (uint64_t b = 0; b < n / kQK; ++b) {
      const uint8_t *block = p + b * 54;
      float d = halfToFloat(loadLE<uint16_t>(block + 52));
      for (unsigned e = 0; e < kQK; ++e)
        out[b * kQK + e] = float(int(tq1Digit(block, e)) - 1) * d;
    }
    return Error::success();
  case GgmlType::I2_S: {
    // bitnet.cpp's map2bit: {-1, 0, +1, 0}.
    static const float map[4] = {-1.0f, 0.0f, 1.0f, 0.0f};
    float scale = i2sScale(t);
    for (uint64_t j = 0; j < n; ++j)
      out[j] = scale * map[i2sCode(t.data, row * n + j)];
    return Error::success();
  }
  default:
    break;
  }
  return makeError(t.fileName, "tensor " + quote(t.name) + ": type " +
                                   info.name + " does not decode");
}

uint64_t tern::checkpoint::ternaryScalesPerRow(const GgufTensor &t) {
  switch (t.type) {
  case GgmlType::TQ1_0:
  case GgmlType::TQ2_0:
    return t.rowLength() / kQK;
  case GgmlType::I2_S:
    return 1;
  default:
    return 0;
  }
}

Error tern::checkpoint::decodeRowTrits(const GgufTensor &t, uint64_t row,
                                       MutableArrayRef<int8_t> trits,
                                       MutableArrayRef<float> scales) {
  std::string where = "tensor " + quote(t.name);
  if (!t.typeInfo().ternary)
    return makeError(t.fileName, where + ": type " + t.typeInfo().name +
                                     " is not ternary (tq1_0, tq2_0, i2_s)");
  if (Error e = checkRow(t, row, trits.size(), "trit"))
    return e;
  if (scales.size() != ternaryScalesPerRow(t))
    return makeError(t.fileName, where + ": the scale buffer holds " +
                                     Twine(scales.size()) + " values, a row " +
                                     "has " + Twine(ternaryScalesPerRow(t)));
  uint64_t n = t.rowLength();
  const uint8_t *p = rowStart(t, row);
  auto badCode = [&](uint64_t j) {
    return makeError(t.fileName, where + ": row " + Twine(row) + " element " +
                                     Twine(j) +
                                     " has code 3, which is not a trit");
  };
  switch (t.type) {
  case GgmlType::TQ2_0:
    for (uint64_t b = 0; b < n / kQK; ++b) {
      const uint8_t *block = p + b * 66;
      scales[b] = halfToFloat(loadLE<uint16_t>(block + 64));
      for (unsigned e = 0; e < kQK; ++e) {
        unsigned code = tq2Code(block, e);
        if (code == 3)
          return badCode(b * kQK + e);
        trits[b * kQK + e] = int8_t(int(code) - 1);
      }
    }
    return Error::success();
  case GgmlType::TQ1_0:
    for (uint64_t b = 0; b < n / kQK; ++b) {
      const uint8_t *block = p + b * 54;
      scales[b] = halfToFloat(loadLE<uint16_t>(block + 52));
      for (unsigned e = 0; e < kQK; ++e)
        trits[b * kQK + e] = int8_t(int(tq1Digit(block, e)) - 1);
    }
    return Error::success();
  case GgmlType::I2_S:
    scales[0] = i2sScale(t);
    for (uint64_t j = 0; j < n; ++j) {
      unsigned code = i2sCode(t.data, row * n + j);
      if (code == 3)
        return badCode(j);
      trits[j] = int8_t(int(code) - 1);
    }
    return Error::success();
  default:
    break;
  }
  return makeError(t.fileName,
                   where + ": type " + t.typeInfo().name + " is not ternary");
}
