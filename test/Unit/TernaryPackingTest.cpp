//===- TernaryPackingTest.cpp - The packings of ternary weights -----------===//
//
// TernaryPacking.h is the one definition of how tern-raise stores trits, how
// the verifier reads them back and what the kernels decode, so its layout is
// pinned here byte by byte: codes, their order inside a byte, row padding and
// the round trip. The header needs only the standard library, so this test
// links nothing but GoogleTest.
//
//===----------------------------------------------------------------------===//

#include "tern/Dialect/Tern/IR/TernaryPacking.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

using namespace mlir::tern::packing;

namespace {

std::vector<uint8_t> asBytes(const std::vector<int8_t> &packed) {
  return std::vector<uint8_t>(packed.begin(), packed.end());
}

std::vector<int8_t> randomTrits(std::mt19937 &rng, int64_t count) {
  std::uniform_int_distribution<int> trit(-1, 1);
  std::vector<int8_t> trits(count);
  for (int8_t &t : trits)
    t = static_cast<int8_t>(trit(rng));
  return trits;
}

TEST(TernaryPacking, Constants) {
  EXPECT_EQ(kI2TritsPerByte, 4);
  EXPECT_EQ(kI2BitsPerTrit, 2);
  EXPECT_EQ(kI2Zero, 0b00);
  EXPECT_EQ(kI2Plus, 0b01);
  EXPECT_EQ(kI2Minus, 0b10);
  EXPECT_EQ(kI2Invalid, 0b11);
}

TEST(TernaryPacking, BytesPerRow) {
  EXPECT_EQ(i2BytesPerRow(0), 0);
  for (int64_t k = 1; k <= 13; ++k)
    EXPECT_EQ(i2BytesPerRow(k), (k + 3) / 4) << "k = " << k;
  EXPECT_EQ(i2BytesPerRow(4), 1);
  EXPECT_EQ(i2BytesPerRow(5), 2);
  EXPECT_EQ(i2BytesPerRow(256), 64);
}

TEST(TernaryPacking, EncodeEachTrit) {
  EXPECT_EQ(i2Encode(0), kI2Zero);
  EXPECT_EQ(i2Encode(1), kI2Plus);
  EXPECT_EQ(i2Encode(-1), kI2Minus);
  // Only the sign matters.
  EXPECT_EQ(i2Encode(7), kI2Plus);
  EXPECT_EQ(i2Encode(-128), kI2Minus);
}

TEST(TernaryPacking, DecodeEachCode) {
  EXPECT_EQ(i2Decode(0b00), 0);
  EXPECT_EQ(i2Decode(0b01), 1);
  EXPECT_EQ(i2Decode(0b10), -1);
  // The invalid code decodes as 0 (verifiers reject it first).
  EXPECT_EQ(i2Decode(0b11), 0);
  for (int8_t t : {-1, 0, 1})
    EXPECT_EQ(i2Decode(i2Encode(t)), t);
}

// Trit c of a row sits in byte c / 4, bits 2 * (c % 4) and up (least
// significant first):
//   row 0 = [+1, -1, 0, -1 | +1]     -> 0b10'00'10'01 = 0x89, 0b01 = 0x01
//   row 1 = [ 0,  0, 0,  0 | -1]     -> 0x00, 0b10 = 0x02
//   row 2 = [-1, -1, -1, -1 | 0]     -> 0b10'10'10'10 = 0xAA, 0x00
//   row 3 = [+1, +1, +1, +1 | +1]    -> 0b01'01'01'01 = 0x55, 0x01
TEST(TernaryPacking, HandComputedBytes) {
  std::vector<int8_t> trits = {1,  -1, 0,  -1, 1,  //
                               0,  0,  0,  0,  -1, //
                               -1, -1, -1, -1, 0,  //
                               1,  1,  1,  1,  1};
  std::vector<int8_t> packed = packI2(trits, 4, 5);
  std::vector<uint8_t> expected = {0x89, 0x01, 0x00, 0x02,
                                   0xAA, 0x00, 0x55, 0x01};
  EXPECT_EQ(asBytes(packed), expected);
  EXPECT_EQ(unpackI2(packed, 4, 5), trits);

  // i2CodeAt reads single codes, including from bytes with the sign bit set.
  EXPECT_EQ(i2CodeAt(&packed[0], 0), kI2Plus);
  EXPECT_EQ(i2CodeAt(&packed[0], 1), kI2Minus);
  EXPECT_EQ(i2CodeAt(&packed[0], 2), kI2Zero);
  EXPECT_EQ(i2CodeAt(&packed[0], 3), kI2Minus);
  EXPECT_EQ(i2CodeAt(&packed[0], 4), kI2Plus);
  EXPECT_EQ(i2CodeAt(&packed[4], 3), kI2Minus);
}

TEST(TernaryPacking, SingleTritRows) {
  std::vector<int8_t> trits = {1, -1, 0};
  std::vector<int8_t> packed = packI2(trits, 3, 1);
  EXPECT_EQ(asBytes(packed), (std::vector<uint8_t>{0x01, 0x02, 0x00}));
  EXPECT_EQ(unpackI2(packed, 3, 1), trits);
}

TEST(TernaryPacking, RoundTripRandomRows) {
  std::mt19937 rng(1234);
  for (int64_t k = 1; k <= 13; ++k) {
    for (int64_t rows : {1, 2, 5}) {
      std::vector<int8_t> trits = randomTrits(rng, rows * k);
      std::vector<int8_t> packed = packI2(trits, rows, k);
      int64_t bytesPerRow = i2BytesPerRow(k);
      ASSERT_EQ(static_cast<int64_t>(packed.size()), rows * bytesPerRow)
          << "k = " << k << ", rows = " << rows;
      EXPECT_EQ(unpackI2(packed, rows, k), trits)
          << "k = " << k << ", rows = " << rows;
      for (int64_t r = 0; r < rows; ++r) {
        const int8_t *row = &packed[r * bytesPerRow];
        for (int64_t c = 0; c < k; ++c) {
          EXPECT_EQ(i2CodeAt(row, c), i2Encode(trits[r * k + c]))
              << "k = " << k << ", row " << r << ", trit " << c;
          EXPECT_NE(i2CodeAt(row, c), kI2Invalid);
        }
        // Padding trits after the last one of a row are zero, so that rows
        // start on byte boundaries and a kernel may read whole bytes.
        for (int64_t c = k; c < bytesPerRow * kI2TritsPerByte; ++c)
          EXPECT_EQ(i2CodeAt(row, c), kI2Zero)
              << "k = " << k << ", row " << r << ", padding trit " << c;
        if (k % kI2TritsPerByte != 0) {
          uint8_t last = static_cast<uint8_t>(row[bytesPerRow - 1]);
          uint8_t usedBits = static_cast<uint8_t>(
              (1u << (kI2BitsPerTrit * (k % kI2TritsPerByte))) - 1);
          EXPECT_EQ(last & ~usedBits, 0)
              << "k = " << k << ", row " << r << ": padding bits of 0x"
              << std::hex << static_cast<int>(last) << " are not zero";
        }
      }
    }
  }
}

// Every byte without an invalid code is the packing of exactly one row of
// four trits.
TEST(TernaryPacking, EveryValidByteRoundTrips) {
  int valid = 0;
  for (int byte = 0; byte < 256; ++byte) {
    bool hasInvalid = false;
    for (int c = 0; c < 4; ++c)
      hasInvalid |= ((byte >> (2 * c)) & 0b11) == kI2Invalid;
    if (hasInvalid)
      continue;
    ++valid;
    std::vector<int8_t> packed = {static_cast<int8_t>(byte)};
    std::vector<int8_t> trits = unpackI2(packed, 1, 4);
    EXPECT_EQ(asBytes(packI2(trits, 1, 4)),
              std::vector<uint8_t>{static_cast<uint8_t>(byte)})
        << "byte 0x" << std::hex << byte;
  }
  EXPECT_EQ(valid, 81); // 3^4
}

TEST(TernaryPacking, EmptyMatrix) {
  EXPECT_TRUE(packI2({}, 0, 5).empty());
  EXPECT_TRUE(unpackI2({}, 0, 5).empty());
}

} // namespace

//===----------------------------------------------------------------------===//
// bitplane and base3
//===----------------------------------------------------------------------===//

namespace {

TEST(BitplanePacking, LayoutByteByByte) {
  // K = 10: 2 bytes per plane. +1 at trits 0 and 9, -1 at trits 1 and 8.
  std::vector<int8_t> trits = {1, -1, 0, 0, 0, 0, 0, 0, -1, 1};
  EXPECT_EQ(bitplaneBytesPerRow(10), 4);
  EXPECT_EQ(asBytes(packBitplane(trits, 1, 10)),
            (std::vector<uint8_t>{0b00000001, 0b00000010,    // +1 plane
                                  0b00000010, 0b00000001})); // -1 plane
}

TEST(Base3Packing, LayoutByteByByte) {
  // Digits are the i2 codes (1 = +1, 2 = -1), least significant first:
  // [+1, -1, 0, 0, +1] = 1 + 2*3 + 1*81 = 88; [-1, +1] = 2 + 1*3 = 5.
  std::vector<int8_t> trits = {1, -1, 0, 0, 1, -1, 1};
  EXPECT_EQ(base3BytesPerRow(7), 2);
  EXPECT_EQ(asBytes(packBase3(trits, 1, 7)), (std::vector<uint8_t>{88, 5}));
  // All -1: 2 * (1 + 3 + 9 + 27 + 81) = 242, the largest byte.
  EXPECT_EQ(asBytes(packBase3(std::vector<int8_t>(5, -1), 1, 5)),
            (std::vector<uint8_t>{242}));
}

TEST(AllPackings, RoundTripAwkwardShapes) {
  std::mt19937 rng(11);
  for (Format f : {Format::I2, Format::Bitplane, Format::Base3})
    for (int64_t k : {1, 3, 4, 5, 7, 8, 9, 13, 40, 41, 130})
      for (int64_t rows : {1, 3}) {
        std::vector<int8_t> trits = randomTrits(rng, rows * k);
        std::vector<int8_t> packed = pack(f, trits, rows, k);
        ASSERT_EQ(static_cast<int64_t>(packed.size()),
                  rows * bytesPerRow(f, k));
        EXPECT_EQ(unpack(f, packed, rows, k), trits)
            << "format " << static_cast<int>(f) << ", k = " << k;
        for (int64_t r = 0; r < rows; ++r)
          EXPECT_EQ(checkRow(f, &packed[r * bytesPerRow(f, k)], k), "")
              << "format " << static_cast<int>(f) << ", k = " << k;
      }
}

TEST(AllPackings, CheckRowFindsEachProblem) {
  std::vector<int8_t> row = {0b00000100, 0b00000100}; // bit 2 in both planes
  EXPECT_EQ(checkRow(Format::Bitplane, row.data(), 8),
            "sets both bit planes for trit 2");
  row = {int8_t(0b10000000), 0}; // K = 6: bit 7 is padding
  EXPECT_EQ(checkRow(Format::Bitplane, row.data(), 6),
            "has a nonzero padding trit 7 past K = 6");
  row = {int8_t(243)};
  EXPECT_EQ(checkRow(Format::Base3, row.data(), 5),
            "holds byte 0 = 243, not below 3^5 = 243");
  row = {27}; // digit 3 = 1 with K = 3
  EXPECT_EQ(checkRow(Format::Base3, row.data(), 3),
            "has a nonzero padding trit 3 past K = 3");
  row = {int8_t(0b11000000)};
  EXPECT_EQ(checkRow(Format::I2, row.data(), 4),
            "holds the invalid code 0b11 for trit 3 (byte 0)");
}

} // namespace

// The int8 kernel's dot layout, byte by byte: output 1's trits 0..3 are
// lane 1's four bytes of block 0 at bits 0-1; trit 4 is bits 2-3 of its
// first byte; trit 16 starts block 1, one 64-output tile further on; output
// 64 starts the second tile, after all blocks of the first.
TEST(DotPacking, LayoutByteByByte) {
  int64_t n = 65, k = 17;
  std::vector<int8_t> trits(n * k, 0);
  trits[1 * k + 0] = 1;  // code 2 in bits 0-1 of byte (0, 1, 0)
  trits[1 * k + 3] = -1; // code 0 in bits 0-1 of byte (0, 1, 3)
  trits[1 * k + 4] = -1; // code 0 in bits 2-3 of byte (0, 1, 0)
  trits[0 * k + 16] = 1; // code 2 in bits 0-1 of byte (1, 0, 0)
  trits[64 * k + 5] = 1; // code 2 in bits 2-3 of byte (0, 64, 1)
  std::vector<int8_t> packed = packDot(trits, n, k);
  ASSERT_EQ(static_cast<int64_t>(packed.size()), 2 * 2 * 64 * 4);
  auto byte = [&](int64_t kb, int64_t r, int64_t b) {
    return static_cast<uint8_t>(
        packed[((r / 64 * 2 + kb) * 64 + r % 64) * 4 + b]);
  };
  EXPECT_EQ(static_cast<uint8_t>(packed[(2 * 64 + 0) * 4 + 1]), 0b01011001);
  EXPECT_EQ(byte(0, 64, 1), 0b01011001);
  EXPECT_EQ(byte(0, 1, 0), 0b01010010);
  EXPECT_EQ(byte(0, 1, 3), 0b01010100);
  EXPECT_EQ(byte(0, 1, 1), 0b01010101);
  EXPECT_EQ(byte(1, 0, 0), 0b01010110);
  // Padding (k >= 17 in block 1, outputs 2..63) is code 1: a zero trit.
  EXPECT_EQ(byte(1, 0, 1), 0b01010101);
  EXPECT_EQ(byte(0, 63, 2), 0b01010101);
}

TEST(DotPacking, RoundTripAwkwardShapes) {
  std::mt19937 rng(13);
  for (int64_t k : {1, 3, 4, 5, 15, 16, 17, 33, 130})
    for (int64_t n : {1, 3, 63, 64, 65}) {
      std::vector<int8_t> trits = randomTrits(rng, n * k);
      std::vector<int8_t> packed = packDot(trits, n, k);
      ASSERT_EQ(static_cast<int64_t>(packed.size()),
                dotBlocks(k) * dotPaddedOutputs(n) * kDotGroup);
      for (int64_t r = 0; r < n; ++r)
        for (int64_t c = 0; c < k; ++c)
          ASSERT_EQ(dotTritAt(packed, k, r, c), trits[r * k + c])
              << "n = " << n << ", k = " << k << ", at " << r << ", " << c;
      // Padding trits past K decode as zero.
      for (int64_t c = k; c < dotBlocks(k) * kDotBlock; ++c)
        ASSERT_EQ(dotTritAt(packed, k, n - 1, c), 0);
    }
}
