//===- Safetensors.h - Read safetensors files without copying ---*- C++ -*-===//
//
// Tern's reader of Hugging Face's safetensors files: the file is mapped, its
// JSON header checked entry by entry against the file, and each tensor
// handed out as a view (name, dtype, shape, stored bytes). Errors name the
// file, the tensor or key, and what was wrong; no input makes it crash.
// HfCheckpoint.h builds on it for whole model folders.
//
// The format (huggingface/safetensors README and its Rust reader):
//
//   u64 N        little-endian length of the header
//   N bytes      UTF-8 JSON object starting with '{' (writers pad it with
//                spaces so that the data starts 8-byte aligned). Each key
//                is a tensor name mapped to {"dtype": "F32", "shape": [2, 3],
//                "data_offsets": [begin, end]}; the optional key
//                "__metadata__" maps strings to strings.
//   the rest     the byte buffer; offsets are relative to its start.
//
// This reader requires, as the reference does, a header of at most 100 MB,
// a known dtype, non-negative integer dimensions whose product and byte
// size do not overflow, end - begin equal to elements * dtype size, and
// offsets inside the buffer; it also refuses overlapping tensors and
// duplicate names (which the JSON parser would silently merge). It accepts
// gaps between tensors and data that is not aligned to its dtype (the
// format does not promise alignment; the decoders read through memcpy).
// Shapes are row-major, outermost first, as written.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_IMPORT_CHECKPOINT_SAFETENSORS_H
#define TERN_IMPORT_CHECKPOINT_SAFETENSORS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tern::checkpoint {

/// The dtypes this reader knows (names as in the header).
enum class SafetensorsDType {
  F64,
  F32,
  F16,
  BF16,
  I64,
  I32,
  I16,
  I8,
  U64,
  U32,
  U16,
  U8,
  Bool,
  F8_E4M3,
  F8_E5M2,
};

llvm::StringRef safetensorsDTypeName(SafetensorsDType dtype); // "F32"
uint64_t safetensorsDTypeSize(SafetensorsDType dtype);        // bytes
std::optional<SafetensorsDType> parseSafetensorsDType(llvm::StringRef name);

/// One tensor: a view of its bytes in the mapped file.
struct SafetensorsTensor {
  std::string name;
  SafetensorsDType dtype = SafetensorsDType::F32;
  /// Row-major, outermost first; empty for a scalar.
  llvm::SmallVector<uint64_t, 4> shape;
  uint64_t numElements = 0;
  /// data_offsets, relative to the byte buffer.
  uint64_t begin = 0;
  uint64_t end = 0;
  /// Offset of the first byte in the file.
  uint64_t fileOffset = 0;
  const uint8_t *data = nullptr;
  /// The file's name, for messages.
  llvm::StringRef fileName;

  uint64_t byteSize() const { return end - begin; }
  llvm::ArrayRef<uint8_t> bytes() const { return {data, size_t(byteSize())}; }
  /// A row is the innermost dimension (one element for a scalar).
  uint64_t rowLength() const { return shape.empty() ? 1 : shape.back(); }
  uint64_t numRows() const {
    return rowLength() == 0 ? 0 : numElements / rowLength();
  }
};

class SafetensorsFile {
public:
  static llvm::Expected<std::unique_ptr<SafetensorsFile>>
  open(const llvm::Twine &path);
  /// Reads a file already in memory; messages name the buffer's identifier.
  static llvm::Expected<std::unique_ptr<SafetensorsFile>>
  open(std::unique_ptr<llvm::MemoryBuffer> buffer);

  llvm::StringRef getFileName() const { return fileName; }
  /// Where the byte buffer starts in the file (8 + header length).
  uint64_t getDataOffset() const { return dataOffset; }

  /// Tensors ordered by their data offset (then name).
  llvm::ArrayRef<SafetensorsTensor> getTensors() const { return tensors; }
  const SafetensorsTensor *findTensor(llvm::StringRef name) const;
  llvm::Expected<const SafetensorsTensor &>
  getTensor(llvm::StringRef name) const;

  /// The "__metadata__" entries (empty when the header has none).
  const std::map<std::string, std::string> &getMetadata() const {
    return metadata;
  }

private:
  friend class SafetensorsParser;
  SafetensorsFile() = default;

  std::unique_ptr<llvm::MemoryBuffer> buffer;
  std::string fileName;
  uint64_t dataOffset = 0;
  std::vector<SafetensorsTensor> tensors;
  llvm::StringMap<size_t> tensorIndex;
  std::map<std::string, std::string> metadata;
};

/// Converts row `row` (see SafetensorsTensor::rowLength) to float; `out`
/// must hold exactly rowLength() values. Every dtype but the F8 ones
/// decodes (integers and bools convert to the nearest float).
llvm::Error decodeRowF32(const SafetensorsTensor &tensor, uint64_t row,
                         llvm::MutableArrayRef<float> out);

} // namespace tern::checkpoint

#endif // TERN_IMPORT_CHECKPOINT_SAFETENSORS_H
