//===- Float16.h - IEEE half and bfloat16 to float, exactly -----*- C++ -*-===//
//
// Both checkpoint formats store 16-bit floats: F16 and BF16 tensors, and the
// per-block scales of ggml's Q8_0, TQ1_0 and TQ2_0. Every 16-bit value has an
// exact float, so these conversions round nothing: subnormal halves become
// normal floats, infinities stay infinite, NaNs keep their sign and payload.
// Header-only, standard library only.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_IMPORT_CHECKPOINT_FLOAT16_H
#define TERN_IMPORT_CHECKPOINT_FLOAT16_H

#include <cstdint>
#include <cstring>

namespace tern::checkpoint {

/// IEEE 754 binary16 (1 sign, 5 exponent, 10 mantissa bits) to float.
inline float halfToFloat(uint16_t h) {
  uint32_t sign = uint32_t(h & 0x8000u) << 16;
  uint32_t exponent = (h >> 10) & 0x1fu;
  uint32_t mantissa = h & 0x3ffu;
  uint32_t bits;
  if (exponent == 0x1f) {
    bits = sign | 0x7f800000u | (mantissa << 13);
  } else if (exponent != 0) {
    // Rebias 15 -> 127.
    bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
  } else {
    // Zero or subnormal: mantissa * 2^-24, exact in float.
    float magnitude = float(mantissa) * 0x1p-24f;
    std::memcpy(&bits, &magnitude, sizeof(bits));
    bits |= sign;
  }
  float f;
  std::memcpy(&f, &bits, sizeof(f));
  return f;
}

/// bfloat16 (the top half of a float) to float.
inline float bfloat16ToFloat(uint16_t b) {
  uint32_t bits = uint32_t(b) << 16;
  float f;
  std::memcpy(&f, &bits, sizeof(f));
  return f;
}

} // namespace tern::checkpoint

#endif // TERN_IMPORT_CHECKPOINT_FLOAT16_H
