//===- CheckpointTestWriters.h - GGUF/safetensors test writers --*- C++ -*-===//
//
// Test-only writers for the checkpoint reader tests: they lay out GGUF and
// safetensors bytes from the format descriptions (Gguf.h, Safetensors.h),
// independently of the readers, and let a test break any field on purpose
// (a count, an offset, a dimension, the header text). The packers of the
// ternary types follow ggml's and bitnet.cpp's quantizers, so a block they
// write is a block those tools would write.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_TEST_UNIT_CHECKPOINTTESTWRITERS_H
#define TERN_TEST_UNIT_CHECKPOINTTESTWRITERS_H

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace tern::checkpoint::testing {

inline std::string le(uint64_t v, int bytes) {
  std::string s;
  for (int i = 0; i < bytes; ++i)
    s += char((v >> (8 * i)) & 0xff);
  return s;
}
inline std::string le16(uint16_t v) { return le(v, 2); }
inline std::string le32(uint32_t v) { return le(v, 4); }
inline std::string le64(uint64_t v) { return le(v, 8); }
inline std::string f32(float f) {
  uint32_t b;
  std::memcpy(&b, &f, 4);
  return le32(b);
}
inline std::string f64(double d) {
  uint64_t b;
  std::memcpy(&b, &d, 8);
  return le64(b);
}
/// A GGUF string: u64 length, bytes.
inline std::string gstr(const std::string &s) { return le64(s.size()) + s; }

// GGUF value type numbers (gguf.md).
enum : uint32_t {
  kU8 = 0,
  kI8 = 1,
  kU16 = 2,
  kI16 = 3,
  kU32 = 4,
  kI32 = 5,
  kF32 = 6,
  kBool = 7,
  kStr = 8,
  kArr = 9,
  kU64 = 10,
  kI64 = 11,
  kF64 = 12,
};

/// An encoded array value: element type, count, elements.
inline std::string garray(uint32_t elementType, uint64_t count,
                          const std::string &elements) {
  return le32(elementType) + le64(count) + elements;
}

struct GgufTensorSpec {
  std::string name;
  uint32_t type;
  std::vector<uint64_t> ne;
  std::string data;
  std::optional<uint64_t> offset; // default: the next aligned offset
};

/// Lays out a GGUF file. Metadata values are given encoded (le32(7),
/// gstr("x"), garray(...)), so a test can write anything, valid or not.
struct GgufBuilder {
  uint32_t version = 3;
  uint64_t alignment = 32; // for the layout; add general.alignment yourself
  // The data section is padded to the alignment only when there are tensors.
  std::optional<uint64_t> tensorCount, kvCount;         // override the header
  std::vector<std::pair<std::string, std::string>> kvs; // key, type+value

  std::vector<GgufTensorSpec> tensors;

  GgufBuilder &kv(const std::string &key, uint32_t type,
                  const std::string &value) {
    kvs.push_back({key, le32(type) + value});
    return *this;
  }
  GgufBuilder &tensor(GgufTensorSpec spec) {
    tensors.push_back(std::move(spec));
    return *this;
  }

  std::string build() const {
    auto align = [&](uint64_t x) {
      return x + (alignment - x % alignment) % alignment;
    };
    std::string out = "GGUF" + le32(version) +
                      le64(tensorCount.value_or(tensors.size())) +
                      le64(kvCount.value_or(kvs.size()));
    for (const auto &[key, value] : kvs)
      out += gstr(key) + value;
    std::vector<uint64_t> offsets;
    uint64_t cursor = 0;
    for (const GgufTensorSpec &t : tensors) {
      uint64_t offset = t.offset.value_or(align(cursor));
      offsets.push_back(offset);
      if (!t.data.empty() || offset < (1u << 20))
        cursor = std::max(cursor, offset + t.data.size());
    }
    for (size_t i = 0; i < tensors.size(); ++i) {
      const GgufTensorSpec &t = tensors[i];
      out += gstr(t.name) + le32(t.ne.size());
      for (uint64_t d : t.ne)
        out += le64(d);
      out += le32(t.type) + le64(offsets[i]);
    }
    if (!tensors.empty())
      out.resize(align(out.size()), '\0');
    std::string data(cursor, '\0');
    for (size_t i = 0; i < tensors.size(); ++i)
      if (offsets[i] + tensors[i].data.size() <= data.size())
        data.replace(offsets[i], tensors[i].data.size(), tensors[i].data);
    return out + data;
  }
};

struct SafetensorsSpec {
  std::string name;
  std::string dtype;
  std::vector<int64_t> shape;
  std::string data;
  std::optional<std::pair<uint64_t, uint64_t>> offsets; // default: packed
};

/// A safetensors file from a header text and the byte buffer.
inline std::string safetensorsFromHeader(const std::string &header,
                                         const std::string &data) {
  return le64(header.size()) + header + data;
}

/// Lays out a safetensors file, the header padded with spaces to 8 bytes
/// as the reference writer does.
inline std::string
buildSafetensors(const std::vector<SafetensorsSpec> &tensors,
                 const std::map<std::string, std::string> &metadata = {}) {
  std::string header = "{";
  std::string data;
  bool first = true;
  if (!metadata.empty()) {
    header += "\"__metadata__\":{";
    bool firstKey = true;
    for (const auto &[k, v] : metadata) {
      header += (firstKey ? "\"" : ",\"") + k + "\":\"" + v + "\"";
      firstKey = false;
    }
    header += "}";
    first = false;
  }
  for (const SafetensorsSpec &t : tensors) {
    uint64_t begin = data.size(), end = data.size() + t.data.size();
    if (t.offsets)
      std::tie(begin, end) = *t.offsets;
    else
      data += t.data;
    header += std::string(first ? "" : ",") + "\"" + t.name +
              "\":{\"dtype\":\"" + t.dtype + "\",\"shape\":[";
    for (size_t i = 0; i < t.shape.size(); ++i)
      header += (i ? "," : "") + std::to_string(t.shape[i]);
    header += "],\"data_offsets\":[" + std::to_string(begin) + "," +
              std::to_string(end) + "]}";
    first = false;
  }
  header += "}";
  header.resize(header.size() + (8 - header.size() % 8) % 8, ' ');
  return safetensorsFromHeader(header, data);
}

/// One TQ2_0 block (256 trits, f16 scale bits): qs[64], d.
inline std::string packTq2Block(const int8_t *trits, uint16_t d) {
  uint8_t qs[64] = {};
  for (int e = 0; e < 256; ++e) {
    int chunk = e / 128, lane = (e % 128) / 32, m = e % 32;
    qs[32 * chunk + m] |= uint8_t((trits[e] + 1) << (2 * lane));
  }
  return std::string(reinterpret_cast<char *>(qs), 64) + le16(d);
}

/// One TQ1_0 block: qs[48], qh[4], d; ggml's quantize_row_tq1_0_ref
/// packing (most significant digit first, then ceil(t * 256 / 243)).
inline std::string packTq1Block(const int8_t *trits, uint16_t d) {
  uint8_t bytes[52] = {};
  auto pack = [](const int8_t *const *digits, int n, bool shift) {
    unsigned t = 0;
    for (int i = 0; i < n; ++i)
      t = t * 3 + unsigned(*digits[i] + 1);
    if (shift)
      t *= 3;
    return uint8_t((t * 256 + 242) / 243);
  };
  const int8_t *digits[5];
  for (int m = 0; m < 32; ++m) {
    for (int n = 0; n < 5; ++n)
      digits[n] = &trits[m + 32 * n];
    bytes[m] = pack(digits, 5, false);
  }
  for (int m = 0; m < 16; ++m) {
    for (int n = 0; n < 5; ++n)
      digits[n] = &trits[160 + m + 16 * n];
    bytes[32 + m] = pack(digits, 5, false);
  }
  for (int j = 0; j < 4; ++j) {
    for (int n = 0; n < 4; ++n)
      digits[n] = &trits[240 + j + 4 * n];
    bytes[48 + j] = pack(digits, 4, true);
  }
  return std::string(reinterpret_cast<char *>(bytes), 52) + le16(d);
}

/// A whole I2_S tensor (n a multiple of 128): bitnet.cpp's quantize_i2_s
/// layout, the f32 scale after the packed bytes, 32 bytes in all for it.
inline std::string packI2S(const std::vector<int8_t> &trits, float scale) {
  std::string packed(trits.size() / 4, '\0');
  for (size_t e = 0; e < trits.size(); ++e) {
    size_t byte = (e / 128) * 32 + e % 32;
    int group = int((e % 128) / 32);
    packed[byte] = char(uint8_t(packed[byte]) |
                        uint8_t((trits[e] + 1) << (6 - 2 * group)));
  }
  std::string tail = f32(scale);
  tail.resize(32, '\0');
  return packed + tail;
}

} // namespace tern::checkpoint::testing

#endif // TERN_TEST_UNIT_CHECKPOINTTESTWRITERS_H
