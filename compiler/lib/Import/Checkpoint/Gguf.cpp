//===- Gguf.cpp - Read GGUF checkpoints without copying them --------------===//
//
// The GGUF header, metadata and tensor table (the layout is in Gguf.h).
// Every count is bounded by the bytes left in the file before anything is
// allocated for it, every size is computed with overflow checks, and every
// tensor's bytes must lie inside the data section, aligned, and apart from
// every other tensor's. The metadata accessors are in GgufMetadata.cpp, the
// decoders in GgufDecode.cpp.
//
//===----------------------------------------------------------------------===//

#include "tern/Import/Checkpoint/Gguf.h"

#include "Support.h"

#include "llvm/Support/JSON.h"

#include <algorithm>
#include <numeric>

using namespace llvm;
using namespace tern::checkpoint;
using namespace tern::checkpoint::detail;

namespace {
constexpr uint64_t kMaxKeyBytes = 65535;        // gguf.md
constexpr uint64_t kMaxTensorNameBytes = 64;    // gguf.md
constexpr uint32_t kMaxDims = 4;                // GGML_MAX_DIMS
constexpr unsigned kMaxArrayNesting = 8;        // ours: bounds the recursion
constexpr uint64_t kMinMetadataEntryBytes = 13; // key length, type, 1 byte
constexpr uint64_t kMinTensorInfoBytes =
    24; // name length, n_dims, type, offset

bool isKnownValueType(uint32_t type) { return type <= 12; }
uint64_t fixedWidth(uint32_t type) {
  return isKnownValueType(type) ? ggufTypeWidth(GgufType(type)) : 0;
}
} // namespace

//===----------------------------------------------------------------------===//
// GgufParser
//===----------------------------------------------------------------------===//

namespace tern::checkpoint {
class GgufParser {
public:
  explicit GgufParser(GgufFile &file)
      : f(file),
        base(reinterpret_cast<const uint8_t *>(file.buffer->getBufferStart())),
        size(file.buffer->getBufferSize()) {}

  Error parse();

private:
  Error fail(const Twine &message) const {
    return makeError(f.fileName, message);
  }
  uint64_t left() const { return size - pos; }
  Error need(uint64_t bytes, const Twine &what) const {
    if (bytes <= left())
      return Error::success();
    return fail("truncated file: " + what + " at offset " + Twine(pos) +
                " needs " + Twine(bytes) + " bytes, only " + Twine(left()) +
                " left");
  }
  Error readU32(uint32_t &v, const Twine &what) {
    if (Error e = need(4, what))
      return e;
    v = loadLE<uint32_t>(base + pos);
    pos += 4;
    return Error::success();
  }
  Error readU64(uint64_t &v, const Twine &what) {
    if (Error e = need(8, what))
      return e;
    v = loadLE<uint64_t>(base + pos);
    pos += 8;
    return Error::success();
  }
  Error readString(StringRef &s, uint64_t maxBytes, const Twine &what);
  Error readValue(GgufValue &v, uint32_t type, unsigned depth,
                  const std::string &where);
  Error readHeader(uint64_t &tensorCount, uint64_t &kvCount);
  Error readMetadata(uint64_t kvCount);
  Error readTensorInfo(uint64_t index);
  Error placeTensors();

  GgufFile &f;
  const uint8_t *base;
  uint64_t size;
  uint64_t pos = 0;
};
} // namespace tern::checkpoint

Error GgufParser::readString(StringRef &s, uint64_t maxBytes,
                             const Twine &what) {
  uint64_t length = 0;
  if (Error e = readU64(length, "the length of " + what))
    return e;
  if (length > maxBytes)
    return fail(what + " is " + Twine(length) + " bytes long, more than the " +
                Twine(maxBytes) + " allowed");
  if (Error e = need(length, what))
    return e;
  s = StringRef(reinterpret_cast<const char *>(base + pos), length);
  pos += length;
  size_t bad = 0;
  if (!json::isUTF8(s, &bad))
    return fail(what + " " + quote(s) + " is not valid UTF-8 (byte " +
                Twine(bad) + ")");
  return Error::success();
}

Error GgufParser::readValue(GgufValue &v, uint32_t type, unsigned depth,
                            const std::string &where) {
  if (!isKnownValueType(type))
    return fail(where + " has unknown value type " + Twine(type));
  v.type = GgufType(type);
  if (uint64_t width = fixedWidth(type)) {
    if (Error e = need(width, "the value of " + where))
      return e;
    v = GgufValue::fromBytes(GgufType(type), base + pos);
    if (v.type == GgufType::Bool && v.unsignedValue > 1)
      return fail(where + " is a bool of value " + Twine(v.unsignedValue) +
                  " (must be 0 or 1)");
    pos += width;
    return Error::success();
  }
  if (type == uint32_t(GgufType::String))
    return readString(v.string, UINT64_MAX, where);

  // An array.
  if (depth >= kMaxArrayNesting)
    return fail(where + " nests arrays deeper than " + Twine(kMaxArrayNesting));
  uint32_t elementType = 0;
  uint64_t count = 0;
  if (Error e = readU32(elementType, "the element type of " + where))
    return e;
  if (Error e = readU64(count, "the element count of " + where))
    return e;
  if (!isKnownValueType(elementType))
    return fail(where + " is an array of unknown value type " +
                Twine(elementType));
  v.elementType = GgufType(elementType);
  v.count = count;
  uint64_t width = fixedWidth(elementType);
  uint64_t minBytes = width                                       ? width
                      : elementType == uint32_t(GgufType::String) ? 8
                                                                  : 12;
  if (count > left() / minBytes)
    return fail(where + " claims " + Twine(count) + " elements of type " +
                ggufTypeName(GgufType(elementType)) + ", which cannot fit in " +
                "the " + Twine(left()) + " bytes left in the file");
  if (width) {
    v.elements = base + pos;
    if (v.elementType == GgufType::Bool)
      for (uint64_t i = 0; i < count; ++i)
        if (v.elements[i] > 1)
          return fail(where + "[" + Twine(i) + "] is a bool of value " +
                      Twine(unsigned(v.elements[i])) + " (must be 0 or 1)");
    pos += count * width;
    return Error::success();
  }
  if (v.elementType == GgufType::String) {
    v.strings.reserve(count);
    for (uint64_t i = 0; i < count; ++i) {
      StringRef s;
      if (Error e = readString(s, UINT64_MAX, where + "[" + Twine(i) + "]"))
        return e;
      v.strings.push_back(s);
    }
    return Error::success();
  }
  v.arrays.reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    GgufValue element;
    if (Error e = readValue(element, uint32_t(GgufType::Array), depth + 1,
                            where + "[" + std::to_string(i) + "]"))
      return e;
    v.arrays.push_back(std::move(element));
  }
  return Error::success();
}

Error GgufParser::readHeader(uint64_t &tensorCount, uint64_t &kvCount) {
  if (size < 4)
    return fail("truncated file: " + Twine(size) +
                " bytes, too short for the GGUF magic");
  StringRef magic(reinterpret_cast<const char *>(base), 4);
  if (magic != "GGUF")
    return fail("bad magic " + quote(magic) +
                ", expected 'GGUF' (not a GGUF file)");
  pos = 4;
  uint32_t version = 0;
  if (Error e = readU32(version, "the version"))
    return e;
  if (version != 0 && (version & 0xffff) == 0)
    return fail("GGUF version " + Twine(version) +
                " looks byte-swapped: big-endian files are not supported");
  if (version != 2 && version != 3)
    return fail("unsupported GGUF version " + Twine(version) +
                " (this reader takes versions 2 and 3)");
  f.version = version;
  if (Error e = readU64(tensorCount, "the tensor count"))
    return e;
  if (Error e = readU64(kvCount, "the metadata count"))
    return e;
  if (kvCount > left() / kMinMetadataEntryBytes)
    return fail("the header claims " + Twine(kvCount) +
                " metadata entries, which cannot fit in the " + Twine(left()) +
                " bytes left in the file");
  if (tensorCount > left() / kMinTensorInfoBytes)
    return fail("the header claims " + Twine(tensorCount) +
                " tensors, which cannot fit in the " + Twine(left()) +
                " bytes left in the file");
  return Error::success();
}

Error GgufParser::readMetadata(uint64_t kvCount) {
  f.metadata.reserve(kvCount);
  for (uint64_t i = 0; i < kvCount; ++i) {
    GgufKeyValue kv;
    if (Error e = readString(kv.key, kMaxKeyBytes,
                             "the key of metadata entry " + Twine(i)))
      return e;
    if (kv.key.empty())
      return fail("metadata entry " + Twine(i) + " has an empty key");
    std::string where = "key " + quote(kv.key);
    auto inserted = f.keyIndex.try_emplace(kv.key, f.metadata.size());
    if (!inserted.second)
      return fail("duplicate metadata " + where + " (entries " +
                  Twine(inserted.first->second) + " and " + Twine(i) + ")");
    uint32_t type = 0;
    if (Error e = readU32(type, "the value type of " + where))
      return e;
    if (Error e = readValue(kv.value, type, 0, where))
      return e;
    f.metadata.push_back(std::move(kv));
  }

  if (const GgufValue *align = f.lookup("general.alignment")) {
    if (align->getType() != GgufType::UInt32)
      return f.keyError("general.alignment", "u32", align);
    uint64_t a = *align->getAsUInt();
    if (a == 0 || (a & (a - 1)) != 0)
      return fail("key 'general.alignment' is " + Twine(a) +
                  ", not a power of two");
    f.alignment = a;
  }
  return Error::success();
}

Error GgufParser::readTensorInfo(uint64_t index) {
  GgufTensor t;
  t.fileName = f.fileName;
  if (Error e = readString(t.name, kMaxTensorNameBytes,
                           "the name of tensor " + Twine(index)))
    return e;
  if (t.name.empty())
    return fail("tensor " + Twine(index) + " has an empty name");
  std::string where = "tensor " + quote(t.name);
  auto inserted = f.tensorIndex.try_emplace(t.name, f.tensors.size());
  if (!inserted.second)
    return fail("duplicate " + where + " (tensors " +
                Twine(inserted.first->second) + " and " + Twine(index) + ")");

  uint32_t nDims = 0;
  if (Error e = readU32(nDims, "the rank of " + where))
    return e;
  if (nDims > kMaxDims)
    return fail(where + " has " + Twine(nDims) + " dimensions, more than " +
                Twine(kMaxDims));
  uint64_t elements = 1;
  for (uint32_t d = 0; d < nDims; ++d) {
    uint64_t ne = 0;
    if (Error e = readU64(ne, "dimension " + Twine(d) + " of " + where))
      return e;
    if (ne > uint64_t(INT64_MAX))
      return fail(where + " has negative dimension ne[" + Twine(d) +
                  "] = " + Twine(int64_t(ne)));
    t.ne.push_back(ne);
    std::optional<uint64_t> product = mulU64(elements, ne);
    if (!product || *product > uint64_t(INT64_MAX))
      return fail(where + " has " + Twine(nDims) +
                  " dimensions whose product overflows 2^63");
    elements = *product;
  }
  t.numElements = elements;

  uint32_t type = 0;
  if (Error e = readU32(type, "the type of " + where))
    return e;
  const GgmlTypeInfo *info = lookupGgmlType(type);
  if (!info)
    return fail(where + " has unknown ggml type " + Twine(type));
  t.type = info->type;
  if (info->type == GgmlType::I2_S) {
    if (elements % 128 != 0)
      return fail(where + " of type i2_s has " + Twine(elements) +
                  " elements, not a multiple of 128 (bitnet.cpp's block)");
    t.byteSize = elements == 0 ? 0 : elements / 4 + 32;
  } else {
    if (t.rowLength() % info->blockSize != 0)
      return fail(where + " of type " + info->name + " has rows of " +
                  Twine(t.rowLength()) + " elements, not a multiple of its " +
                  "block of " + Twine(info->blockSize));
    std::optional<uint64_t> bytes =
        mulU64(elements / info->blockSize, info->blockBytes);
    if (!bytes)
      return fail(where + " has a size in bytes that overflows 2^64");
    t.byteSize = *bytes;
  }
  if (Error e = readU64(t.offset, "the data offset of " + where))
    return e;
  f.tensors.push_back(std::move(t));
  return Error::success();
}

Error GgufParser::placeTensors() {
  uint64_t a = f.alignment;
  std::optional<uint64_t> padded = addU64(pos, (a - pos % a) % a);
  if (!padded || (!f.tensors.empty() && *padded > size))
    return fail("truncated file: the data section would start at offset " +
                Twine(pos + (a - pos % a) % a) +
                ", past the end of the file (" + Twine(size) + " bytes)");
  f.dataOffset = *padded;
  uint64_t dataBytes = f.tensors.empty() ? 0 : size - f.dataOffset;

  for (GgufTensor &t : f.tensors) {
    std::string where = "tensor " + quote(t.name);
    if (t.offset % a != 0)
      return fail(where + ": data offset " + Twine(t.offset) +
                  " is not a multiple of the alignment " + Twine(a));
    std::optional<uint64_t> end = addU64(t.offset, t.byteSize);
    if (!end || *end > dataBytes)
      return fail(where + ": data [" + Twine(t.offset) + ", " +
                  Twine(t.offset) + " + " + Twine(t.byteSize) +
                  ") runs past the end of the data section (" +
                  Twine(dataBytes) + " bytes; truncated file?)");
    t.fileOffset = f.dataOffset + t.offset;
    t.data = base + t.fileOffset;
  }

  std::vector<size_t> order(f.tensors.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    return f.tensors[x].offset < f.tensors[y].offset;
  });
  const GgufTensor *previous = nullptr;
  for (size_t i : order) {
    const GgufTensor &t = f.tensors[i];
    if (t.byteSize == 0)
      continue;
    if (previous && previous->offset + previous->byteSize > t.offset)
      return fail("tensor " + quote(t.name) + ": data [" + Twine(t.offset) +
                  ", " + Twine(t.offset + t.byteSize) + ") overlaps tensor " +
                  quote(previous->name) + " [" + Twine(previous->offset) +
                  ", " + Twine(previous->offset + previous->byteSize) + ")");
    previous = &t;
  }
  return Error::success();
}

Error GgufParser::parse() {
  uint64_t tensorCount = 0, kvCount = 0;
  if (Error e = readHeader(tensorCount, kvCount))
    return e;
  if (Error e = readMetadata(kvCount))
    return e;
  f.tensors.reserve(tensorCount);
  for (uint64_t i = 0; i < tensorCount; ++i)
    if (Error e = readTensorInfo(i))
      return e;
  return placeTensors();
}

//===----------------------------------------------------------------------===//
// GgufFile
//===----------------------------------------------------------------------===//

Expected<std::unique_ptr<GgufFile>>
GgufFile::open(std::unique_ptr<MemoryBuffer> buffer) {
  std::unique_ptr<GgufFile> file(new GgufFile());
  file->fileName = buffer->getBufferIdentifier().str();
  file->buffer = std::move(buffer);
  GgufParser parser(*file);
  if (Error e = parser.parse())
    return e;
  return file;
}

Expected<std::unique_ptr<GgufFile>> GgufFile::open(const Twine &path) {
  ErrorOr<std::unique_ptr<MemoryBuffer>> buffer =
      MemoryBuffer::getFile(path, /*IsText=*/false,
                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return makeError(path.str(), "cannot open: " + buffer.getError().message());
  return open(std::move(*buffer));
}
