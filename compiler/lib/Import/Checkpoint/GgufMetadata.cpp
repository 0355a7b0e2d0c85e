//===- GgufMetadata.cpp - Typed access to GGUF metadata -------------------===//
//
// Metadata values as the parser leaves them (scalars decoded, strings and
// arrays of numbers still in the mapped file) and the typed getters whose
// errors say which key was asked for, what type it should have had and
// what the file holds instead.
//
//===----------------------------------------------------------------------===//

#include "tern/Import/Checkpoint/Gguf.h"

#include "Support.h"

#include "llvm/ADT/bit.h"

using namespace llvm;
using namespace tern::checkpoint;
using namespace tern::checkpoint::detail;

StringRef tern::checkpoint::ggufTypeName(GgufType type) {
  static const char *const names[] = {"u8",  "i8",  "u16",  "i16", "u32",
                                      "i32", "f32", "bool", "str", "arr",
                                      "u64", "i64", "f64"};
  uint32_t i = uint32_t(type);
  return i < 13 ? names[i] : "unknown";
}

uint64_t tern::checkpoint::ggufTypeWidth(GgufType type) {
  switch (type) {
  case GgufType::UInt8:
  case GgufType::Int8:
  case GgufType::Bool:
    return 1;
  case GgufType::UInt16:
  case GgufType::Int16:
    return 2;
  case GgufType::UInt32:
  case GgufType::Int32:
  case GgufType::Float32:
    return 4;
  case GgufType::UInt64:
  case GgufType::Int64:
  case GgufType::Float64:
    return 8;
  case GgufType::String:
  case GgufType::Array:
    return 0;
  }
  return 0;
}

//===----------------------------------------------------------------------===//
// GgufValue
//===----------------------------------------------------------------------===//

GgufValue GgufValue::fromBytes(GgufType type, const uint8_t *p) {
  GgufValue v;
  v.type = type;
  switch (type) {
  case GgufType::UInt8:
  case GgufType::Bool:
    v.unsignedValue = p[0];
    break;
  case GgufType::UInt16:
    v.unsignedValue = loadLE<uint16_t>(p);
    break;
  case GgufType::UInt32:
    v.unsignedValue = loadLE<uint32_t>(p);
    break;
  case GgufType::UInt64:
    v.unsignedValue = loadLE<uint64_t>(p);
    break;
  case GgufType::Int8:
    v.signedValue = int8_t(p[0]);
    break;
  case GgufType::Int16:
    v.signedValue = int16_t(loadLE<uint16_t>(p));
    break;
  case GgufType::Int32:
    v.signedValue = int32_t(loadLE<uint32_t>(p));
    break;
  case GgufType::Int64:
    v.signedValue = int64_t(loadLE<uint64_t>(p));
    break;
  case GgufType::Float32:
    v.floatValue = bit_cast<float>(loadLE<uint32_t>(p));
    break;
  case GgufType::Float64:
    v.floatValue = bit_cast<double>(loadLE<uint64_t>(p));
    break;
  case GgufType::String:
  case GgufType::Array:
    break;
  }
  return v;
}

GgufValue GgufValue::fromString(StringRef s) {
  GgufValue v;
  v.type = GgufType::String;
  v.string = s;
  return v;
}

static bool isUnsignedType(GgufType t) {
  return t == GgufType::UInt8 || t == GgufType::UInt16 ||
         t == GgufType::UInt32 || t == GgufType::UInt64;
}
static bool isSignedType(GgufType t) {
  return t == GgufType::Int8 || t == GgufType::Int16 || t == GgufType::Int32 ||
         t == GgufType::Int64;
}

std::optional<int64_t> GgufValue::getAsInt() const {
  if (isSignedType(type))
    return signedValue;
  if (isUnsignedType(type) && unsignedValue <= uint64_t(INT64_MAX))
    return int64_t(unsignedValue);
  return std::nullopt;
}

std::optional<uint64_t> GgufValue::getAsUInt() const {
  if (isUnsignedType(type))
    return unsignedValue;
  if (isSignedType(type) && signedValue >= 0)
    return uint64_t(signedValue);
  return std::nullopt;
}

std::optional<double> GgufValue::getAsFloat() const {
  if (type == GgufType::Float32 || type == GgufType::Float64)
    return floatValue;
  return std::nullopt;
}

std::optional<bool> GgufValue::getAsBool() const {
  if (type == GgufType::Bool)
    return unsignedValue != 0;
  return std::nullopt;
}

std::optional<StringRef> GgufValue::getAsString() const {
  if (type == GgufType::String)
    return string;
  return std::nullopt;
}

GgufValue GgufValue::getElement(uint64_t i) const {
  if (type != GgufType::Array || i >= count)
    return GgufValue();
  if (elementType == GgufType::String)
    return fromString(strings[i]);
  if (elementType == GgufType::Array)
    return arrays[i];
  uint64_t width = ggufTypeWidth(elementType);
  return fromBytes(elementType, elements + i * width);
}

std::string GgufValue::describe() const {
  if (type != GgufType::Array)
    return ggufTypeName(type).str();
  std::string element = elementType == GgufType::Array && !arrays.empty()
                            ? arrays.front().describe()
                            : ggufTypeName(elementType).str();
  return "arr[" + element + ", " + std::to_string(count) + "]";
}

//===----------------------------------------------------------------------===//
// GgufFile
//===----------------------------------------------------------------------===//

const GgufValue *GgufFile::lookup(StringRef key) const {
  auto it = keyIndex.find(key);
  return it == keyIndex.end() ? nullptr : &metadata[it->second].value;
}

Error GgufFile::keyError(StringRef key, StringRef expected,
                         const GgufValue *found) const {
  if (!found)
    return makeError(fileName, "missing metadata key " + quote(key) +
                                   " (expected " + expected + ")");
  std::string what = found->describe();
  if (std::optional<int64_t> i = found->getAsInt())
    what += " " + std::to_string(*i);
  else if (std::optional<uint64_t> u = found->getAsUInt())
    what += " " + std::to_string(*u);
  return makeError(fileName, "key " + quote(key) + ": expected " + expected +
                                 ", found " + what);
}

Expected<StringRef> GgufFile::getString(StringRef key) const {
  const GgufValue *v = lookup(key);
  if (v && v->getAsString())
    return *v->getAsString();
  return keyError(key, "str", v);
}

Expected<uint64_t> GgufFile::getUInt(StringRef key) const {
  const GgufValue *v = lookup(key);
  if (v && v->getAsUInt())
    return *v->getAsUInt();
  return keyError(key, "a non-negative integer", v);
}

Expected<uint32_t> GgufFile::getU32(StringRef key) const {
  const GgufValue *v = lookup(key);
  if (v && v->getAsUInt() && *v->getAsUInt() <= UINT32_MAX)
    return uint32_t(*v->getAsUInt());
  return keyError(key, "an integer in [0, 2^32)", v);
}

Expected<int64_t> GgufFile::getInt(StringRef key) const {
  const GgufValue *v = lookup(key);
  if (v && v->getAsInt())
    return *v->getAsInt();
  return keyError(key, "an integer", v);
}

Expected<double> GgufFile::getFloat(StringRef key) const {
  const GgufValue *v = lookup(key);
  if (v && v->getAsFloat())
    return *v->getAsFloat();
  return keyError(key, "f32 or f64", v);
}

Expected<bool> GgufFile::getBool(StringRef key) const {
  const GgufValue *v = lookup(key);
  if (v && v->getAsBool())
    return *v->getAsBool();
  return keyError(key, "bool", v);
}

Expected<StringRef> GgufFile::getString(StringRef key, StringRef dflt) const {
  return hasKey(key) ? getString(key) : Expected<StringRef>(dflt);
}
Expected<uint64_t> GgufFile::getUInt(StringRef key, uint64_t dflt) const {
  return hasKey(key) ? getUInt(key) : Expected<uint64_t>(dflt);
}
Expected<uint32_t> GgufFile::getU32(StringRef key, uint32_t dflt) const {
  return hasKey(key) ? getU32(key) : Expected<uint32_t>(dflt);
}
Expected<int64_t> GgufFile::getInt(StringRef key, int64_t dflt) const {
  return hasKey(key) ? getInt(key) : Expected<int64_t>(dflt);
}
Expected<double> GgufFile::getFloat(StringRef key, double dflt) const {
  return hasKey(key) ? getFloat(key) : Expected<double>(dflt);
}
Expected<bool> GgufFile::getBool(StringRef key, bool dflt) const {
  return hasKey(key) ? getBool(key) : Expected<bool>(dflt);
}

Expected<ArrayRef<StringRef>> GgufFile::getStringArray(StringRef key) const {
  const GgufValue *v = lookup(key);
  if (v && v->isArray() && v->getElementType() == GgufType::String)
    return v->getStrings();
  return keyError(key, "arr[str]", v);
}

Expected<std::vector<int64_t>> GgufFile::getIntArray(StringRef key) const {
  const GgufValue *v = lookup(key);
  if (v && v->isArray()) {
    std::vector<int64_t> out;
    out.reserve(v->size());
    for (uint64_t i = 0; i < v->size(); ++i) {
      std::optional<int64_t> x = v->getElement(i).getAsInt();
      if (!x)
        return keyError(key, "an array of integers in int64 range", v);
      out.push_back(*x);
    }
    return out;
  }
  return keyError(key, "an array of integers", v);
}

Expected<std::vector<double>> GgufFile::getFloatArray(StringRef key) const {
  const GgufValue *v = lookup(key);
  if (v && v->isArray() &&
      (v->getElementType() == GgufType::Float32 ||
       v->getElementType() == GgufType::Float64)) {
    std::vector<double> out;
    out.reserve(v->size());
    for (uint64_t i = 0; i < v->size(); ++i)
      out.push_back(*v->getElement(i).getAsFloat());
    return out;
  }
  return keyError(key, "arr[f32] or arr[f64]", v);
}

const GgufTensor *GgufFile::findTensor(StringRef name) const {
  auto it = tensorIndex.find(name);
  return it == tensorIndex.end() ? nullptr : &tensors[it->second];
}

Expected<const GgufTensor &> GgufFile::getTensor(StringRef name) const {
  if (const GgufTensor *t = findTensor(name))
    return *t;
  return makeError(fileName, "no tensor named " + quote(name));
}
