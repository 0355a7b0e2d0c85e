//===- TernaryPacking.h - Packing trits into bytes --------------*- C++ -*-===//
//
// The packings of #tern.ternary (i2, bitplane, base3), as plain functions
// over byte vectors so that the passes that pack (tern-raise,
// tern-select-ternary-kernel), the verifier that validates constant weights
// and the unit tests share one definition of each layout. No MLIR types:
// this header only needs the standard library.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_DIALECT_TERN_IR_TERNARYPACKING_H
#define TERN_DIALECT_TERN_IR_TERNARYPACKING_H

#include <cstdint>
#include <string>
#include <vector>

namespace mlir::tern::packing {

/// Trits per byte and bits per trit of the `i2` packing.
constexpr int64_t kI2TritsPerByte = 4;
constexpr int kI2BitsPerTrit = 2;

/// The 2-bit codes of the `i2` packing. 0b11 is invalid.
constexpr uint8_t kI2Zero = 0b00;
constexpr uint8_t kI2Plus = 0b01;
constexpr uint8_t kI2Minus = 0b10;
constexpr uint8_t kI2Invalid = 0b11;

inline int64_t i2BytesPerRow(int64_t k) {
  return (k + kI2TritsPerByte - 1) / kI2TritsPerByte;
}

inline uint8_t i2Encode(int8_t trit) {
  return trit > 0 ? kI2Plus : (trit < 0 ? kI2Minus : kI2Zero);
}

/// Decodes one code; the invalid code 0b11 decodes as 0 (verifiers reject it
/// before anything decodes).
inline int8_t i2Decode(uint8_t code) {
  return code == kI2Plus ? 1 : (code == kI2Minus ? -1 : 0);
}

/// Packs `trits` (row-major `rows x k`, values in {-1, 0, 1}) into
/// `rows x i2BytesPerRow(k)` bytes; padding trits are 0.
inline std::vector<int8_t> packI2(const std::vector<int8_t> &trits,
                                  int64_t rows, int64_t k) {
  int64_t bytesPerRow = i2BytesPerRow(k);
  std::vector<int8_t> packed(rows * bytesPerRow, 0);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < k; ++c) {
      uint8_t code = i2Encode(trits[r * k + c]);
      auto &byte = packed[r * bytesPerRow + c / kI2TritsPerByte];
      byte = static_cast<int8_t>(
          static_cast<uint8_t>(byte) |
          (code << (kI2BitsPerTrit * (c % kI2TritsPerByte))));
    }
  return packed;
}

/// The code of trit `c` in a packed row.
inline uint8_t i2CodeAt(const int8_t *row, int64_t c) {
  return (static_cast<uint8_t>(row[c / kI2TritsPerByte]) >>
          (kI2BitsPerTrit * (c % kI2TritsPerByte))) &
         0b11;
}

/// Unpacks `rows x i2BytesPerRow(k)` bytes into `rows x k` trits.
inline std::vector<int8_t> unpackI2(const std::vector<int8_t> &packed,
                                    int64_t rows, int64_t k) {
  int64_t bytesPerRow = i2BytesPerRow(k);
  std::vector<int8_t> trits(rows * k);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < k; ++c)
      trits[r * k + c] = i2Decode(i2CodeAt(&packed[r * bytesPerRow], c));
  return trits;
}

//===----------------------------------------------------------------------===//
// bitplane: a +1 plane and a -1 plane of ceil(k / 8) bytes each
//===----------------------------------------------------------------------===//

constexpr int64_t kBitsPerPlaneByte = 8;

inline int64_t bitplaneBytesPerPlane(int64_t k) {
  return (k + kBitsPerPlaneByte - 1) / kBitsPerPlaneByte;
}
inline int64_t bitplaneBytesPerRow(int64_t k) {
  return 2 * bitplaneBytesPerPlane(k);
}

inline std::vector<int8_t> packBitplane(const std::vector<int8_t> &trits,
                                        int64_t rows, int64_t k) {
  int64_t plane = bitplaneBytesPerPlane(k), perRow = 2 * plane;
  std::vector<int8_t> packed(rows * perRow, 0);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < k; ++c) {
      int8_t t = trits[r * k + c];
      if (t == 0)
        continue;
      auto &byte = packed[r * perRow + (t < 0 ? plane : 0) + c / 8];
      byte = static_cast<int8_t>(static_cast<uint8_t>(byte) | (1u << (c % 8)));
    }
  return packed;
}

/// The trit at column `c` of a bitplane row (a row with both bits set
/// decodes as 0; the verifier rejects it).
inline int8_t bitplaneTritAt(const int8_t *row, int64_t k, int64_t c) {
  int64_t plane = bitplaneBytesPerPlane(k);
  bool plus = (static_cast<uint8_t>(row[c / 8]) >> (c % 8)) & 1;
  bool minus = (static_cast<uint8_t>(row[plane + c / 8]) >> (c % 8)) & 1;
  return plus == minus ? 0 : (plus ? 1 : -1);
}

//===----------------------------------------------------------------------===//
// base3: 5 trits a byte, sum_j code_j * 3^j with the i2 codes as digits
//===----------------------------------------------------------------------===//

constexpr int64_t kBase3TritsPerByte = 5;
/// Bytes of the base3 packing are below 3^5.
constexpr int kBase3Limit = 243;
constexpr int kPow3[kBase3TritsPerByte] = {1, 3, 9, 27, 81};

inline int64_t base3BytesPerRow(int64_t k) {
  return (k + kBase3TritsPerByte - 1) / kBase3TritsPerByte;
}

inline std::vector<int8_t> packBase3(const std::vector<int8_t> &trits,
                                     int64_t rows, int64_t k) {
  int64_t perRow = base3BytesPerRow(k);
  std::vector<int8_t> packed(rows * perRow, 0);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < k; ++c) {
      auto &byte = packed[r * perRow + c / kBase3TritsPerByte];
      int value = static_cast<uint8_t>(byte) +
                  i2Encode(trits[r * k + c]) * kPow3[c % kBase3TritsPerByte];
      byte = static_cast<int8_t>(static_cast<uint8_t>(value));
    }
  return packed;
}

/// The i2 code (0, 1 for +1, 2 for -1) of column `c` of a base3 row.
inline uint8_t base3CodeAt(const int8_t *row, int64_t c) {
  int value = static_cast<uint8_t>(row[c / kBase3TritsPerByte]);
  return (value / kPow3[c % kBase3TritsPerByte]) % 3;
}

//===----------------------------------------------------------------------===//
// All packings
//===----------------------------------------------------------------------===//

/// The packings, numbered as the TernaryPacking enum of TernAttrs.td
/// (TernAttrs.cpp checks that they agree).
enum class Format { I2 = 0, Bitplane = 1, Base3 = 2 };

inline int64_t bytesPerRow(Format f, int64_t k) {
  switch (f) {
  case Format::I2:
    return i2BytesPerRow(k);
  case Format::Bitplane:
    return bitplaneBytesPerRow(k);
  case Format::Base3:
    return base3BytesPerRow(k);
  }
  return 0;
}

/// Packs row-major `rows x k` trits in {-1, 0, 1}.
inline std::vector<int8_t> pack(Format f, const std::vector<int8_t> &trits,
                                int64_t rows, int64_t k) {
  switch (f) {
  case Format::I2:
    return packI2(trits, rows, k);
  case Format::Bitplane:
    return packBitplane(trits, rows, k);
  case Format::Base3:
    return packBase3(trits, rows, k);
  }
  return {};
}

/// Unpacks `rows x bytesPerRow(f, k)` bytes into `rows x k` trits.
inline std::vector<int8_t> unpack(Format f, const std::vector<int8_t> &packed,
                                  int64_t rows, int64_t k) {
  if (f == Format::I2)
    return unpackI2(packed, rows, k);
  int64_t perRow = bytesPerRow(f, k);
  std::vector<int8_t> trits(rows * k);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < k; ++c)
      trits[r * k + c] = f == Format::Bitplane
                             ? bitplaneTritAt(&packed[r * perRow], k, c)
                             : i2Decode(base3CodeAt(&packed[r * perRow], c));
  return trits;
}

/// Checks one packed row of `k` trits: empty when valid, else what is
/// wrong (an invalid code, a trit both +1 and -1, a byte of 243 or more,
/// a nonzero padding trit past k).
inline std::string checkRow(Format f, const int8_t *row, int64_t k) {
  auto at = [](const char *what, int64_t c) {
    return std::string(what) + " " + std::to_string(c);
  };
  int64_t perRow = bytesPerRow(f, k);
  switch (f) {
  case Format::I2:
    for (int64_t c = 0; c < perRow * kI2TritsPerByte; ++c) {
      uint8_t code = i2CodeAt(row, c);
      if (code == kI2Invalid)
        return "holds the invalid code 0b11 for " + at("trit", c) + " (byte " +
               std::to_string(c / kI2TritsPerByte) + ")";
      if (c >= k && code != kI2Zero)
        return "has a nonzero padding " + at("trit", c) +
               " past K = " + std::to_string(k);
    }
    return "";
  case Format::Bitplane: {
    int64_t plane = bitplaneBytesPerPlane(k);
    for (int64_t c = 0; c < plane * kBitsPerPlaneByte; ++c) {
      bool plus = (static_cast<uint8_t>(row[c / 8]) >> (c % 8)) & 1;
      bool minus = (static_cast<uint8_t>(row[plane + c / 8]) >> (c % 8)) & 1;
      if (plus && minus)
        return "sets both bit planes for " + at("trit", c);
      if (c >= k && (plus || minus))
        return "has a nonzero padding " + at("trit", c) +
               " past K = " + std::to_string(k);
    }
    return "";
  }
  case Format::Base3:
    for (int64_t b = 0; b < perRow; ++b) {
      if (static_cast<uint8_t>(row[b]) >= kBase3Limit)
        return "holds byte " + std::to_string(b) + " = " +
               std::to_string(static_cast<uint8_t>(row[b])) +
               ", not below 3^5 = 243";
      for (int64_t c = b * kBase3TritsPerByte; c < (b + 1) * kBase3TritsPerByte;
           ++c)
        if (c >= k && base3CodeAt(row, c) != kI2Zero)
          return "has a nonzero padding " + at("trit", c) +
                 " past K = " + std::to_string(k);
    }
    return "";
  }
  return "";
}

//===----------------------------------------------------------------------===//
// dot: the int8 kernel's layout, for 4-way byte dot products (VNNI)
//===----------------------------------------------------------------------===//
//
// A dot-product instruction (x86 vpdpbusd) multiplies, in each 32-bit lane,
// 4 unsigned bytes by 4 signed bytes and adds the 4 products to the lane.
// The int8 kernel runs one output per lane, so the 4 bytes of a lane must
// be 4 consecutive trits of one output, and one 64-byte load must hold 16
// such lanes. Layout: `ceil(N / 64) x ceil(K / 16) x 64 x 4` bytes,
// tile-major: byte (nt, kb, nl, b) holds, in bits 2s and 2s + 1 (s = 0..3),
// the code of trit k = 16 kb + 4 s + b of output n = 64 nt + nl, so a
// kernel that computes one tile of 64 outputs over all of K streams its
// bytes in order (measured: 1.6x the bandwidth of a K-major layout, whose
// tiles jump pages every 256 bytes). The code is the trit plus one (0, 1, 2),
// so a shift and a mask give the unsigned operand directly and the kernel
// subtracts the sum of the activations once per row:
// sum_k (t + 1) q = sum_k t q + sum_k q. Padding (k >= K, n >= N) is code 1,
// a zero trit. N is padded to 64 outputs (4 vectors of 16 lanes), so the
// kernel's unrolled vectors never need a tail.

/// Trits one lane sums (the dot product's width) and trits one byte holds.
constexpr int64_t kDotGroup = 4;
/// Trits of K one block of bytes covers (kDotGroup codes a byte, kDotGroup
/// bytes a lane).
constexpr int64_t kDotBlock = 16;
/// Outputs the layout pads N to.
constexpr int64_t kDotOutputTile = 64;

inline int64_t dotBlocks(int64_t k) { return (k + kDotBlock - 1) / kDotBlock; }
inline int64_t dotTiles(int64_t n) {
  return (n + kDotOutputTile - 1) / kDotOutputTile;
}
inline int64_t dotPaddedOutputs(int64_t n) {
  return dotTiles(n) * kDotOutputTile;
}
/// Index of byte b of block kb of output `r` in the dot layout of a matrix
/// with `blocks` blocks of K.
inline int64_t dotByteIndex(int64_t blocks, int64_t r, int64_t kb, int64_t b) {
  return ((r / kDotOutputTile * blocks + kb) * kDotOutputTile +
          r % kDotOutputTile) *
             kDotGroup +
         b;
}

/// Packs row-major `n x k` trits (one row per output) into the dot layout.
inline std::vector<int8_t> packDot(const std::vector<int8_t> &trits, int64_t n,
                                   int64_t k) {
  int64_t blocks = dotBlocks(k);
  // Every code 1 (a zero trit): 0b01010101.
  std::vector<int8_t> packed(blocks * dotPaddedOutputs(n) * kDotGroup, 0x55);
  for (int64_t r = 0; r < n; ++r)
    for (int64_t c = 0; c < k; ++c) {
      int64_t kb = c / kDotBlock, s = (c % kDotBlock) / kDotGroup,
              b = c % kDotGroup;
      auto &byte = packed[dotByteIndex(blocks, r, kb, b)];
      uint8_t code = static_cast<uint8_t>(trits[r * k + c] + 1);
      uint8_t shift = static_cast<uint8_t>(kI2BitsPerTrit * s);
      byte = static_cast<int8_t>(
          (static_cast<uint8_t>(byte) & ~(0b11u << shift)) | (code << shift));
    }
  return packed;
}

/// The trit of output `r`, column `c` in the dot layout of a matrix with K
/// = `k`.
inline int8_t dotTritAt(const std::vector<int8_t> &packed, int64_t k, int64_t r,
                        int64_t c) {
  int64_t kb = c / kDotBlock, s = (c % kDotBlock) / kDotGroup,
          b = c % kDotGroup;
  uint8_t byte =
      static_cast<uint8_t>(packed[dotByteIndex(dotBlocks(k), r, kb, b)]);
  return static_cast<int8_t>(((byte >> (kI2BitsPerTrit * s)) & 0b11) - 1);
}

} // namespace mlir::tern::packing

#endif // TERN_DIALECT_TERN_IR_TERNARYPACKING_H
