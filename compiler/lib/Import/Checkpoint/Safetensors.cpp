//===- Safetensors.cpp - Read one safetensors file without copying it -----===//
//
// The header is checked before it is parsed (length, nesting, duplicate
// names) and every entry after (dtype, shape, offsets against the file and
// against each other), so that a view handed out is always inside the
// mapping and exactly as large as its dtype and shape say.
//
//===----------------------------------------------------------------------===//

#include "tern/Import/Checkpoint/Safetensors.h"
#include "tern/Import/Checkpoint/Float16.h"

#include "Support.h"

#include "llvm/ADT/bit.h"
#include "llvm/Support/JSON.h"

#include <algorithm>

using namespace llvm;
using namespace tern::checkpoint;
using namespace tern::checkpoint::detail;

namespace {
constexpr uint64_t kMaxHeaderBytes = 100'000'000; // safetensors' own limit
constexpr unsigned kMaxHeaderNesting = 16;

struct DTypeInfo {
  SafetensorsDType dtype;
  const char *name;
  uint64_t size;
};
const DTypeInfo kDTypes[] = {
    {SafetensorsDType::F64, "F64", 8},
    {SafetensorsDType::F32, "F32", 4},
    {SafetensorsDType::F16, "F16", 2},
    {SafetensorsDType::BF16, "BF16", 2},
    {SafetensorsDType::I64, "I64", 8},
    {SafetensorsDType::I32, "I32", 4},
    {SafetensorsDType::I16, "I16", 2},
    {SafetensorsDType::I8, "I8", 1},
    {SafetensorsDType::U64, "U64", 8},
    {SafetensorsDType::U32, "U32", 4},
    {SafetensorsDType::U16, "U16", 2},
    {SafetensorsDType::U8, "U8", 1},
    {SafetensorsDType::Bool, "BOOL", 1},
    {SafetensorsDType::F8_E4M3, "F8_E4M3", 1},
    {SafetensorsDType::F8_E5M2, "F8_E5M2", 1},
};

const DTypeInfo &info(SafetensorsDType dtype) {
  for (const DTypeInfo &i : kDTypes)
    if (i.dtype == dtype)
      return i;
  return kDTypes[0];
}

/// "[2, 3]".
std::string shapeString(ArrayRef<uint64_t> shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

} // namespace

StringRef tern::checkpoint::safetensorsDTypeName(SafetensorsDType dtype) {
  return info(dtype).name;
}

uint64_t tern::checkpoint::safetensorsDTypeSize(SafetensorsDType dtype) {
  return info(dtype).size;
}

std::optional<SafetensorsDType>
tern::checkpoint::parseSafetensorsDType(StringRef name) {
  for (const DTypeInfo &i : kDTypes)
    if (name == i.name)
      return i.dtype;
  return std::nullopt;
}

namespace tern::checkpoint {
class SafetensorsParser {
public:
  explicit SafetensorsParser(SafetensorsFile &file) : f(file) {}
  Error parse();

private:
  Error fail(const Twine &message) const {
    return makeError(f.fileName, message);
  }
  Error readTensor(StringRef name, const json::Value &entry,
                   uint64_t dataBytes);
  Error readMetadata(const json::Value &entry);

  SafetensorsFile &f;
};
} // namespace tern::checkpoint

Error SafetensorsParser::readMetadata(const json::Value &entry) {
  const json::Object *object = entry.getAsObject();
  if (!object)
    return fail("'__metadata__' is " + describeJson(entry) +
                ", expected an object of strings");
  for (const auto &kv : *object) {
    std::optional<StringRef> value = kv.second.getAsString();
    if (!value)
      return fail("'__metadata__' key " + quote(kv.first) + " is " +
                  describeJson(kv.second) + ", expected a string");
    f.metadata[kv.first.str()] = value->str();
  }
  return Error::success();
}

Error SafetensorsParser::readTensor(StringRef name, const json::Value &entry,
                                    uint64_t dataBytes) {
  std::string where = "tensor " + quote(name);
  const json::Object *object = entry.getAsObject();
  if (!object)
    return fail(where + " is " + describeJson(entry) +
                ", expected an object with dtype, shape and data_offsets");
  SafetensorsTensor t;
  t.name = name.str();
  t.fileName = f.fileName;

  const json::Value *dtype = object->get("dtype");
  if (!dtype || !dtype->getAsString())
    return fail(where + " has no string 'dtype'");
  std::optional<SafetensorsDType> parsed =
      parseSafetensorsDType(*dtype->getAsString());
  if (!parsed)
    return fail(where + " has unknown dtype " + quote(*dtype->getAsString()));
  t.dtype = *parsed;

  const json::Array *shape = object->getArray("shape");
  if (!shape)
    return fail(where + " has no array 'shape'");
  uint64_t elements = 1;
  for (size_t i = 0; i < shape->size(); ++i) {
    const json::Value &d = (*shape)[i];
    std::optional<uint64_t> dim = d.getAsUINT64();
    if (std::optional<int64_t> s = d.getAsInteger(); s && *s >= 0)
      dim = uint64_t(*s);
    if (!dim)
      return fail(where + ": shape[" + Twine(i) + "] is " + describeJson(d) +
                  ", expected a non-negative integer");
    t.shape.push_back(*dim);
    std::optional<uint64_t> product = mulU64(elements, *dim);
    if (!product)
      return fail(where + ": shape " + shapeString(t.shape) + "... " +
                  "has more elements than fit in 64 bits");
    elements = *product;
  }
  t.numElements = elements;

  const json::Array *offsets = object->getArray("data_offsets");
  if (!offsets || offsets->size() != 2)
    return fail(where + " has no 'data_offsets' pair [begin, end]");
  for (int i = 0; i < 2; ++i) {
    std::optional<uint64_t> x = (*offsets)[i].getAsUINT64();
    if (std::optional<int64_t> s = (*offsets)[i].getAsInteger(); s && *s >= 0)
      x = uint64_t(*s);
    if (!x)
      return fail(where + ": data_offsets[" + Twine(i) + "] is " +
                  describeJson((*offsets)[i]) +
                  ", expected a non-negative integer");
    (i == 0 ? t.begin : t.end) = *x;
  }
  std::string range = "data_offsets [" + std::to_string(t.begin) + ", " +
                      std::to_string(t.end) + ")";
  if (t.end < t.begin)
    return fail(where + ": " + range + " end before they begin");
  std::optional<uint64_t> needed =
      mulU64(elements, safetensorsDTypeSize(t.dtype));
  if (!needed)
    return fail(where + ": " + safetensorsDTypeName(t.dtype) + " " +
                shapeString(t.shape) +
                " has a byte size that overflows 64 bits");
  if (t.end - t.begin != *needed)
    return fail(where + ": " + range + " hold " + Twine(t.end - t.begin) +
                " bytes, but " + safetensorsDTypeName(t.dtype) + " " +
                shapeString(t.shape) + " needs " + Twine(*needed));
  if (t.end > dataBytes)
    return fail(where + ": " + range + " run past the end of the data (" +
                Twine(dataBytes) + " bytes; truncated file?)");
  t.fileOffset = f.dataOffset + t.begin;
  t.data = reinterpret_cast<const uint8_t *>(f.buffer->getBufferStart()) +
           t.fileOffset;
  f.tensors.push_back(std::move(t));
  return Error::success();
}

Error SafetensorsParser::parse() {
  uint64_t size = f.buffer->getBufferSize();
  const uint8_t *base =
      reinterpret_cast<const uint8_t *>(f.buffer->getBufferStart());
  if (size < 8)
    return fail("truncated file: " + Twine(size) +
                " bytes, too short for the 8-byte header length");
  uint64_t headerBytes = loadLE<uint64_t>(base);
  if (headerBytes > kMaxHeaderBytes)
    return fail("header length " + Twine(headerBytes) +
                " exceeds the limit of " + Twine(kMaxHeaderBytes) +
                " bytes (not a safetensors file?)");
  if (headerBytes > size - 8)
    return fail("header length " + Twine(headerBytes) +
                " runs past the end of the file (" + Twine(size) +
                " bytes; truncated file?)");
  f.dataOffset = 8 + headerBytes;
  StringRef text(reinterpret_cast<const char *>(base + 8), headerBytes);
  if (!text.starts_with("{"))
    return fail("the header does not start with '{' (not a safetensors file?)");
  Expected<json::Value> root =
      parseJson(text, f.fileName, "invalid JSON header", kMaxHeaderNesting);
  if (!root)
    return root.takeError();
  const json::Object *object = root->getAsObject();
  if (!object)
    return fail("the JSON header is not an object");

  // Sorted names: the same file gives the same first error every time.
  std::vector<StringRef> names;
  for (const auto &kv : *object)
    names.push_back(kv.first);
  std::sort(names.begin(), names.end());
  uint64_t dataBytes = size - f.dataOffset;
  f.tensors.reserve(names.size());
  for (StringRef name : names) {
    const json::Value &entry = *object->get(name);
    if (Error e = name == "__metadata__" ? readMetadata(entry)
                                         : readTensor(name, entry, dataBytes))
      return e;
  }

  std::stable_sort(f.tensors.begin(), f.tensors.end(),
                   [](const SafetensorsTensor &a, const SafetensorsTensor &b) {
                     return a.begin < b.begin;
                   });
  const SafetensorsTensor *previous = nullptr;
  for (const SafetensorsTensor &t : f.tensors) {
    if (t.byteSize() == 0)
      continue;
    if (previous && previous->end > t.begin)
      return fail("tensor " + quote(t.name) + ": data_offsets [" +
                  Twine(t.begin) + ", " + Twine(t.end) + ") overlap tensor " +
                  quote(previous->name) + " [" + Twine(previous->begin) + ", " +
                  Twine(previous->end) + ")");
    previous = &t;
  }
  for (size_t i = 0; i < f.tensors.size(); ++i)
    f.tensorIndex[f.tensors[i].name] = i;
  return Error::success();
}

Expected<std::unique_ptr<SafetensorsFile>>
SafetensorsFile::open(std::unique_ptr<MemoryBuffer> buffer) {
  std::unique_ptr<SafetensorsFile> file(new SafetensorsFile());
  file->fileName = buffer->getBufferIdentifier().str();
  file->buffer = std::move(buffer);
  SafetensorsParser parser(*file);
  if (Error e = parser.parse())
    return e;
  return file;
}

Expected<std::unique_ptr<SafetensorsFile>>
SafetensorsFile::open(const Twine &path) {
  ErrorOr<std::unique_ptr<MemoryBuffer>> buffer =
      MemoryBuffer::getFile(path, /*IsText=*/false,
                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return makeError(path.str(), "cannot open: " + buffer.getError().message());
  return open(std::move(*buffer));
}

const SafetensorsTensor *SafetensorsFile::findTensor(StringRef name) const {
  auto it = tensorIndex.find(name);
  return it == tensorIndex.end() ? nullptr : &tensors[it->second];
}

Expected<const SafetensorsTensor &>
SafetensorsFile::getTensor(StringRef name) const {
  if (const SafetensorsTensor *t = findTensor(name))
    return *t;
  return makeError(fileName, "no tensor named " + quote(name));
}

Error tern::checkpoint::decodeRowF32(const SafetensorsTensor &t, uint64_t row,
                                     MutableArrayRef<float> out) {
  std::string where = "tensor " + quote(t.name);
  if (t.dtype == SafetensorsDType::F8_E4M3 ||
      t.dtype == SafetensorsDType::F8_E5M2)
    return makeError(t.fileName, where + ": dtype " +
                                     safetensorsDTypeName(t.dtype) +
                                     " does not decode");
  if (row >= t.numRows())
    return makeError(t.fileName, where + ": row " + Twine(row) +
                                     " is out of range (" + Twine(t.numRows()) +
                                     " rows)");
  uint64_t n = t.rowLength();
  if (out.size() != n)
    return makeError(t.fileName, where + ": the output buffer holds " +
                                     Twine(out.size()) + " values, a row has " +
                                     Twine(n));
  uint64_t width = safetensorsDTypeSize(t.dtype);
  const uint8_t *p = t.data + row * n * width;
  for (uint64_t j = 0; j < n; ++j, p += width) {
    float v = 0;
    switch (t.dtype) {
    case SafetensorsDType::F64:
      v = narrowToFloat(bit_cast<double>(loadLE<uint64_t>(p)));
      break;
    case SafetensorsDType::F32:
      v = bit_cast<float>(loadLE<uint32_t>(p));
      break;
    case SafetensorsDType::F16:
      v = halfToFloat(loadLE<uint16_t>(p));
      break;
    case SafetensorsDType::BF16:
      v = bfloat16ToFloat(loadLE<uint16_t>(p));
      break;
    case SafetensorsDType::I64:
      v = float(int64_t(loadLE<uint64_t>(p)));
      break;
    case SafetensorsDType::I32:
      v = float(int32_t(loadLE<uint32_t>(p)));
      break;
    case SafetensorsDType::I16:
      v = float(int16_t(loadLE<uint16_t>(p)));
      break;
    case SafetensorsDType::I8:
      v = float(int8_t(*p));
      break;
    case SafetensorsDType::U64:
      v = float(loadLE<uint64_t>(p));
      break;
    case SafetensorsDType::U32:
      v = float(loadLE<uint32_t>(p));
      break;
    case SafetensorsDType::U16:
      v = float(loadLE<uint16_t>(p));
      break;
    case SafetensorsDType::U8:
      v = float(*p);
      break;
    case SafetensorsDType::Bool:
      v = *p ? 1.0f : 0.0f;
      break;
    case SafetensorsDType::F8_E4M3:
    case SafetensorsDType::F8_E5M2:
      break;
    }
    out[j] = v;
  }
  return Error::success();
}
