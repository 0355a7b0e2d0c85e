//===- TernaryPacking.h - Packing trits into bytes --------------*- C++ -*-===//
//
// The `i2` packing of #tern.ternary, as plain functions over byte vectors so
// that the pass that packs (tern-raise), the verifier that validates constant
// weights and the unit tests share one definition of the layout. No MLIR
// types: this header only needs the standard library.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_DIALECT_TERN_IR_TERNARYPACKING_H
#define TERN_DIALECT_TERN_IR_TERNARYPACKING_H

#include <cstdint>
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

} // namespace mlir::tern::packing

#endif // TERN_DIALECT_TERN_IR_TERNARYPACKING_H
