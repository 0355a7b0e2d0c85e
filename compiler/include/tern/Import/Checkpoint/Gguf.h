//===- Gguf.h - Read GGUF checkpoints without copying them ------*- C++ -*-===//
//
// Tern's reader of llama.cpp's GGUF files. It maps the file, checks every
// length, count, shape and offset in it against the file's size before
// believing it, and hands out views: typed metadata (strings point into the
// mapping) and, per tensor, its name, ggml type, dimensions and stored bytes.
// Nothing is expanded to float unless a caller decodes a row, so a 2-bit
// ternary model stays 2 bits per weight in memory. Every failure is an
// llvm::Error whose message names the file, the key or tensor, and what was
// wrong; no input makes it crash (test/Unit/CheckpointRobustnessTest.cpp and
// fuzz/tern-checkpoint-fuzz.cpp check that).
//
// The format, as this reader implements it (ggml's docs/gguf.md, its
// src/gguf.cpp and ggml-common.h in ggml-org/llama.cpp; bitnet.cpp's I2_S
// from microsoft/BitNet src/ggml-bitnet-mad.cpp and its llama.cpp fork):
//
//   header   "GGUF", u32 version (2 or 3: same layout; v3 only allowed
//            big-endian files, which this reader rejects), u64 tensor count,
//            u64 metadata count. All numbers little-endian.
//   metadata key (string, at most 65535 bytes, unique; gguf.md asks for
//            ASCII, this reader takes UTF-8), u32 value
//            type, value. Strings are u64 length + UTF-8 bytes, no NUL. Bool
//            is one byte, 0 or 1. Arrays are u32 element type, u64 count,
//            elements; arrays may hold arrays (gguf.md; ggml's own reader
//            refuses them, this one reads them up to a nesting of 8).
//   tensors  name (string, at most 64 bytes, unique), u32 n_dims (at most
//            4), u64 ne[n_dims], u32 ggml type, u64 offset relative to the
//            data section, a multiple of the alignment.
//   data     starts at the first multiple of `general.alignment` (a u32,
//            power of two, default 32) after the tensor infos.
//
// Shapes: GGUF lists dimensions fastest first. `GgufTensor::ne` keeps that
// order (ne[0] is the row length: a [vocab, hidden] embedding has ne =
// {hidden, vocab}); `GgufTensor::shape()` gives the row-major order PyTorch
// and safetensors use (outermost first). A "row" is ne[0] consecutive
// elements; row r of a tensor is its r-th run of ne[0] elements, counting
// over all the other dimensions.
//
// Block layouts of the types that decode (QK_K = 256):
//
//   Q8_0   32 elements in 34 bytes: f16 d, int8 qs[32]; x[j] = qs[j] * d.
//   TQ2_0  256 in 66 bytes: u8 qs[64], f16 d. Element 128*c + 32*l + m
//          is bits 2l..2l+1 of qs[32*c + m] (c < 2, l < 4, m < 32); the code
//          q in {0,1,2} is the trit q - 1; x = (q - 1) * d. ggml's
//          quantizer never writes q = 3 (its dequantizer gives 2d).
//   TQ1_0  256 in 54 bytes: u8 qs[48], u8 qh[4], f16 d. A byte holds five
//          trits as ceil(t * 256 / 243) of the base-3 number t whose most
//          significant digit comes first; digit n of byte b is
//          ((uint8_t)(b * 3^n) * 3) >> 8. Elements 0..159: qs[e % 32],
//          digit e / 32. Elements 160..239 (e' = e - 160): qs[32 + e' % 16],
//          digit e' / 16. Elements 240..255 (e' = e - 240): qh[e' % 4],
//          digit e' / 4 (four digits per qh byte). x = (digit - 1) * d.
//   I2_S   bitnet.cpp (type 36 in its ggml fork; upstream ggml left 36
//          unused in files). Blocks of 128 elements in 32 bytes over the
//          whole tensor, rows ignored: element e is bits 6-2g..7-2g of byte
//          32 * (e / 128) + e % 32, with g = (e % 128) / 32. Codes 0, 1, 2
//          are -1, 0, +1 (3 is never written; its dequantizer reads 0).
//          One f32 scale for the whole tensor follows the n/4 packed bytes,
//          and the tensor occupies n/4 + 32 bytes (ggml_nbytes special
//          case): the scale, then 28 bytes of padding.
//
// Other ggml types (Q4_K, IQ2_XXS, ...) are read, sized and range-checked,
// so a file that mixes them still opens, but only the types above decode.
// Type 39 is MXFP4 upstream and TL2 in bitnet.cpp's fork; this reader sizes
// it as MXFP4.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_IMPORT_CHECKPOINT_GGUF_H
#define TERN_IMPORT_CHECKPOINT_GGUF_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tern::checkpoint {

/// GGUF metadata value types (gguf.md's gguf_metadata_value_type).
enum class GgufType : uint32_t {
  UInt8 = 0,
  Int8 = 1,
  UInt16 = 2,
  Int16 = 3,
  UInt32 = 4,
  Int32 = 5,
  Float32 = 6,
  Bool = 7,
  String = 8,
  Array = 9,
  UInt64 = 10,
  Int64 = 11,
  Float64 = 12,
};

/// ggml's short names: "u8", "i32", "f32", "bool", "str", "arr", ...
llvm::StringRef ggufTypeName(GgufType type);
/// Bytes of one value of a fixed-size type; 0 for strings and arrays.
uint64_t ggufTypeWidth(GgufType type);

/// ggml tensor types, numbered as in ggml.h (and bitnet.cpp's I2_S).
enum class GgmlType : uint32_t {
  F32 = 0,
  F16 = 1,
  Q4_0 = 2,
  Q4_1 = 3,
  Q5_0 = 6,
  Q5_1 = 7,
  Q8_0 = 8,
  Q8_1 = 9,
  Q2_K = 10,
  Q3_K = 11,
  Q4_K = 12,
  Q5_K = 13,
  Q6_K = 14,
  Q8_K = 15,
  IQ2_XXS = 16,
  IQ2_XS = 17,
  IQ3_XXS = 18,
  IQ1_S = 19,
  IQ4_NL = 20,
  IQ3_S = 21,
  IQ2_S = 22,
  IQ4_XS = 23,
  I8 = 24,
  I16 = 25,
  I32 = 26,
  I64 = 27,
  F64 = 28,
  IQ1_M = 29,
  BF16 = 30,
  TQ1_0 = 34,
  TQ2_0 = 35,
  I2_S = 36,
  MXFP4 = 39,
};

/// What the reader knows of a ggml type: `blockBytes` bytes store
/// `blockSize` consecutive elements of a row (ggml's type_size and
/// blck_size). I2_S is the exception (see above): blockSize 1, blockBytes
/// 0, and its size is computed from the element count.
struct GgmlTypeInfo {
  GgmlType type;
  llvm::StringRef name; // "f32", "q8_0", "tq2_0", "i2_s"
  uint64_t blockSize;
  uint64_t blockBytes;
  bool decodes; // decodeRowF32 supports it
  bool ternary; // decodeRowTrits supports it
};

/// The traits of a type number, or nullptr for a number this reader does
/// not know.
const GgmlTypeInfo *lookupGgmlType(uint32_t type);
const GgmlTypeInfo &getGgmlTypeInfo(GgmlType type);

/// One metadata value. Strings, and arrays of fixed-size numbers, point into
/// the mapped file and live as long as the GgufFile.
class GgufValue {
public:
  GgufType getType() const { return type; }
  bool isArray() const { return type == GgufType::Array; }

  /// Scalar accessors: std::nullopt when the value is not of that kind.
  /// getAsInt/getAsUInt accept every integer type whose value fits;
  /// getAsFloat accepts f32 and f64 (f32 widens exactly).
  std::optional<int64_t> getAsInt() const;
  std::optional<uint64_t> getAsUInt() const;
  std::optional<double> getAsFloat() const;
  std::optional<bool> getAsBool() const;
  std::optional<llvm::StringRef> getAsString() const;

  /// Arrays: the element type and the number of elements.
  GgufType getElementType() const { return elementType; }
  uint64_t size() const { return count; }
  /// Element `i` of an array of scalars or strings, as a scalar value.
  /// Arrays of arrays give their elements through getArrays().
  GgufValue getElement(uint64_t i) const;
  /// The elements of an array of strings (empty for other arrays).
  llvm::ArrayRef<llvm::StringRef> getStrings() const { return strings; }
  /// The elements of an array of arrays (empty for other arrays).
  llvm::ArrayRef<GgufValue> getArrays() const { return arrays; }

  /// For messages: "u32", "str", "arr[str, 32000]", "arr[arr[i32], 2]".
  std::string describe() const;

  /// A scalar of `type` from its little-endian bytes (the width of `type`).
  static GgufValue fromBytes(GgufType type, const uint8_t *bytes);
  static GgufValue fromString(llvm::StringRef s);

private:
  friend class GgufParser;
  GgufType type = GgufType::UInt8;
  uint64_t unsignedValue = 0; // the unsigned integer types and bool
  int64_t signedValue = 0;    // the signed integer types
  double floatValue = 0;      // f32 and f64
  llvm::StringRef string;
  // Arrays.
  GgufType elementType = GgufType::UInt8;
  uint64_t count = 0;
  const uint8_t *elements = nullptr; // fixed-size elements, little-endian
  std::vector<llvm::StringRef> strings;
  std::vector<GgufValue> arrays;
};

struct GgufKeyValue {
  llvm::StringRef key;
  GgufValue value;
};

/// One tensor: a view of its bytes in the mapped file.
struct GgufTensor {
  llvm::StringRef name;
  GgmlType type = GgmlType::F32;
  /// GGUF order: ne[0] is the fastest-varying dimension (the row length).
  llvm::SmallVector<uint64_t, 4> ne;
  uint64_t numElements = 0;
  /// Offset of the first byte relative to the data section, and in the file.
  uint64_t offset = 0;
  uint64_t fileOffset = 0;
  /// Stored bytes: rows * row bytes, or n/4 + 32 for I2_S.
  uint64_t byteSize = 0;
  /// The first stored byte in the mapping (aligned to the file's alignment
  /// when the file is mapped; a buffer handed in may be less aligned, and
  /// the decoders read through memcpy).
  const uint8_t *data = nullptr;
  /// The file's name, for messages.
  llvm::StringRef fileName;

  uint64_t rowLength() const { return ne.empty() ? 1 : ne[0]; }
  uint64_t numRows() const {
    return rowLength() == 0 ? 0 : numElements / rowLength();
  }
  /// Row-major dimensions, outermost first (ne reversed).
  llvm::SmallVector<uint64_t, 4> shape() const {
    return llvm::SmallVector<uint64_t, 4>(ne.rbegin(), ne.rend());
  }
  llvm::ArrayRef<uint8_t> bytes() const { return {data, size_t(byteSize)}; }
  const GgmlTypeInfo &typeInfo() const { return getGgmlTypeInfo(type); }
};

/// A mapped GGUF file with its metadata and tensor table.
class GgufFile {
public:
  /// Maps the file at `path` (read-only) and reads its header.
  static llvm::Expected<std::unique_ptr<GgufFile>>
  open(const llvm::Twine &path);
  /// Reads a file already in memory; messages name the buffer's identifier.
  static llvm::Expected<std::unique_ptr<GgufFile>>
  open(std::unique_ptr<llvm::MemoryBuffer> buffer);

  llvm::StringRef getFileName() const { return fileName; }
  uint32_t getVersion() const { return version; }
  uint64_t getAlignment() const { return alignment; }
  /// Where the data section starts in the file.
  uint64_t getDataOffset() const { return dataOffset; }

  /// All key/value pairs, in file order.
  llvm::ArrayRef<GgufKeyValue> getMetadata() const { return metadata; }
  const GgufValue *lookup(llvm::StringRef key) const;
  bool hasKey(llvm::StringRef key) const { return lookup(key) != nullptr; }

  /// Typed metadata. An absent key or a value of another type is an error
  /// naming the file, the key, what was expected and what was found. The
  /// integer getters accept any integer type whose value fits (gguf.md asks
  /// readers to take both u32 and u64 counts).
  llvm::Expected<llvm::StringRef> getString(llvm::StringRef key) const;
  llvm::Expected<uint64_t> getUInt(llvm::StringRef key) const;
  llvm::Expected<uint32_t> getU32(llvm::StringRef key) const;
  llvm::Expected<int64_t> getInt(llvm::StringRef key) const;
  llvm::Expected<double> getFloat(llvm::StringRef key) const;
  llvm::Expected<bool> getBool(llvm::StringRef key) const;
  /// The same with a default for an absent key (a present key of the wrong
  /// type is still an error).
  llvm::Expected<llvm::StringRef> getString(llvm::StringRef key,
                                            llvm::StringRef dflt) const;
  llvm::Expected<uint64_t> getUInt(llvm::StringRef key, uint64_t dflt) const;
  llvm::Expected<uint32_t> getU32(llvm::StringRef key, uint32_t dflt) const;
  llvm::Expected<int64_t> getInt(llvm::StringRef key, int64_t dflt) const;
  llvm::Expected<double> getFloat(llvm::StringRef key, double dflt) const;
  llvm::Expected<bool> getBool(llvm::StringRef key, bool dflt) const;
  /// Arrays: tokenizer.ggml.tokens (strings, no copy), token_type
  /// (integers), scores (f32).
  llvm::Expected<llvm::ArrayRef<llvm::StringRef>>
  getStringArray(llvm::StringRef key) const;
  llvm::Expected<std::vector<int64_t>> getIntArray(llvm::StringRef key) const;
  llvm::Expected<std::vector<double>> getFloatArray(llvm::StringRef key) const;

  /// Tensors in file order.
  llvm::ArrayRef<GgufTensor> getTensors() const { return tensors; }
  const GgufTensor *findTensor(llvm::StringRef name) const;
  llvm::Expected<const GgufTensor &> getTensor(llvm::StringRef name) const;

private:
  friend class GgufParser;
  GgufFile() = default;
  llvm::Error keyError(llvm::StringRef key, llvm::StringRef expected,
                       const GgufValue *found) const;

  std::unique_ptr<llvm::MemoryBuffer> buffer;
  std::string fileName;
  uint32_t version = 0;
  uint64_t alignment = 32;
  uint64_t dataOffset = 0;
  std::vector<GgufKeyValue> metadata;
  llvm::StringMap<size_t> keyIndex;
  std::vector<GgufTensor> tensors;
  llvm::StringMap<size_t> tensorIndex;
};

/// Dequantizes row `row` (see "row" above) of a tensor of type F32, F16,
/// BF16, F64, I8, I16, I32, I64, Q8_0, TQ1_0, TQ2_0 or I2_S into `out`,
/// which must hold exactly rowLength() floats. The values are those of
/// ggml's dequantize_row_* (and bitnet.cpp's dequantize_row_i2_s).
llvm::Error decodeRowF32(const GgufTensor &tensor, uint64_t row,
                         llvm::MutableArrayRef<float> out);

/// How many scales one row of a ternary tensor has: rowLength() / 256 for
/// TQ1_0 and TQ2_0 (one per block), 1 for I2_S (the tensor's one scale,
/// the same for every row); 0 for other types.
uint64_t ternaryScalesPerRow(const GgufTensor &tensor);

/// The exact ternary form of row `row` of a TQ1_0, TQ2_0 or I2_S tensor:
/// `trits` (rowLength() values in {-1, 0, +1}) and `scales`
/// (ternaryScalesPerRow() values; the f16 block scales converted exactly,
/// or I2_S's f32). Element j of the row is trits[j] * scales[j / 256] for
/// TQ*_0 and trits[j] * scales[0] for I2_S. A code that is not a trit (3 in
/// TQ2_0 or I2_S) is an error naming the element.
llvm::Error decodeRowTrits(const GgufTensor &tensor, uint64_t row,
                           llvm::MutableArrayRef<int8_t> trits,
                           llvm::MutableArrayRef<float> scales);

} // namespace tern::checkpoint

#endif // TERN_IMPORT_CHECKPOINT_GGUF_H
