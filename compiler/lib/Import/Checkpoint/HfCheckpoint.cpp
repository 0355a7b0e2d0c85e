//===- HfCheckpoint.cpp - Hugging Face model folders ----------------------===//
//
// config.json's typed getters and the folder of safetensors shards. The
// index is trusted no further than the shards: every tensor it names must
// be in the shard it names, and a shard name cannot leave the folder.
//
//===----------------------------------------------------------------------===//

#include "tern/Import/Checkpoint/HfCheckpoint.h"

#include "Support.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <algorithm>

using namespace llvm;
using namespace tern::checkpoint;
using namespace tern::checkpoint::detail;

namespace {
constexpr unsigned kMaxConfigNesting = 64;
constexpr uint64_t kMaxJsonFileBytes = 100'000'000;

Expected<std::unique_ptr<MemoryBuffer>> readJsonFile(const Twine &path) {
  std::string name = path.str();
  ErrorOr<std::unique_ptr<MemoryBuffer>> buffer =
      MemoryBuffer::getFile(name, /*IsText=*/true);
  if (!buffer)
    return makeError(name, "cannot open: " + buffer.getError().message());
  if ((*buffer)->getBufferSize() > kMaxJsonFileBytes)
    return makeError(name, "is " + Twine((*buffer)->getBufferSize()) +
                               " bytes, more than the " +
                               Twine(kMaxJsonFileBytes) +
                               " a JSON file may be");
  return std::move(*buffer);
}

/// A shard name from the index must name a file in the folder itself.
bool isPlainFileName(StringRef name) {
  return !name.empty() && name != "." && name != ".." &&
         name.find_first_of("/\\") == StringRef::npos &&
         name.find('\0') == StringRef::npos;
}
} // namespace

//===----------------------------------------------------------------------===//
// ModelConfig
//===----------------------------------------------------------------------===//

Expected<ModelConfig> ModelConfig::parse(StringRef text, StringRef fileName) {
  Expected<json::Value> root =
      parseJson(text, fileName, "invalid JSON", kMaxConfigNesting);
  if (!root)
    return root.takeError();
  if (!root->getAsObject())
    return makeError(fileName, "the top level is " + describeJson(*root) +
                                   ", expected an object");
  return ModelConfig(fileName.str(), std::move(*root));
}

Expected<ModelConfig> ModelConfig::load(const Twine &path) {
  std::string name = path.str();
  Expected<std::unique_ptr<MemoryBuffer>> buffer = readJsonFile(name);
  if (!buffer)
    return buffer.takeError();
  return parse((*buffer)->getBuffer(), name);
}

const json::Value *ModelConfig::lookup(StringRef key) const {
  const json::Object *object = &getRoot();
  if (const json::Value *v = object->get(key))
    return v;
  // A dotted path into nested objects.
  SmallVector<StringRef, 4> parts;
  key.split(parts, '.');
  const json::Value *v = nullptr;
  for (StringRef part : parts) {
    if (!object || !(v = object->get(part)))
      return nullptr;
    object = v->getAsObject();
  }
  return v;
}

bool ModelConfig::has(StringRef key) const {
  const json::Value *v = lookup(key);
  return v && v->kind() != json::Value::Null;
}

Error ModelConfig::keyError(StringRef key, StringRef expected) const {
  const json::Value *v = lookup(key);
  if (!v)
    return makeError(fileName, "missing key " + quote(key) + " (expected " +
                                   expected + ")");
  return makeError(fileName, "key " + quote(key) + ": expected " + expected +
                                 ", found " + describeJson(*v));
}

Expected<int64_t> ModelConfig::getInt(StringRef key) const {
  if (const json::Value *v = lookup(key))
    if (std::optional<int64_t> i = v->getAsInteger())
      return *i;
  return keyError(key, "an integer");
}

Expected<double> ModelConfig::getDouble(StringRef key) const {
  if (const json::Value *v = lookup(key))
    if (std::optional<double> d = v->getAsNumber())
      return *d;
  return keyError(key, "a number");
}

Expected<bool> ModelConfig::getBool(StringRef key) const {
  if (const json::Value *v = lookup(key))
    if (std::optional<bool> b = v->getAsBoolean())
      return *b;
  return keyError(key, "a boolean");
}

Expected<std::string> ModelConfig::getString(StringRef key) const {
  if (const json::Value *v = lookup(key))
    if (std::optional<StringRef> s = v->getAsString())
      return s->str();
  return keyError(key, "a string");
}

Expected<int64_t> ModelConfig::getInt(StringRef key, int64_t dflt) const {
  return has(key) ? getInt(key) : Expected<int64_t>(dflt);
}
Expected<double> ModelConfig::getDouble(StringRef key, double dflt) const {
  return has(key) ? getDouble(key) : Expected<double>(dflt);
}
Expected<bool> ModelConfig::getBool(StringRef key, bool dflt) const {
  return has(key) ? getBool(key) : Expected<bool>(dflt);
}
Expected<std::string> ModelConfig::getString(StringRef key,
                                             StringRef dflt) const {
  return has(key) ? getString(key) : Expected<std::string>(dflt.str());
}

Expected<std::vector<std::string>>
ModelConfig::getStringArray(StringRef key) const {
  if (const json::Value *v = lookup(key))
    if (const json::Array *a = v->getAsArray()) {
      std::vector<std::string> out;
      for (const json::Value &e : *a) {
        if (!e.getAsString())
          return keyError(key, "an array of strings");
        out.push_back(e.getAsString()->str());
      }
      return out;
    }
  return keyError(key, "an array of strings");
}

Expected<std::vector<int64_t>> ModelConfig::getIntArray(StringRef key) const {
  if (const json::Value *v = lookup(key)) {
    if (std::optional<int64_t> i = v->getAsInteger())
      return std::vector<int64_t>{*i};
    if (const json::Array *a = v->getAsArray()) {
      std::vector<int64_t> out;
      for (const json::Value &e : *a) {
        if (!e.getAsInteger())
          return keyError(key, "an integer or an array of integers");
        out.push_back(*e.getAsInteger());
      }
      return out;
    }
  }
  return keyError(key, "an integer or an array of integers");
}

//===----------------------------------------------------------------------===//
// CheckpointFolder
//===----------------------------------------------------------------------===//

Expected<std::unique_ptr<CheckpointFolder>>
CheckpointFolder::open(const Twine &folder) {
  std::unique_ptr<CheckpointFolder> result(new CheckpointFolder());
  result->path = folder.str();
  StringRef path = result->path;
  if (!sys::fs::is_directory(path))
    return makeError(path, "not a folder");

  SmallString<256> config(path);
  sys::path::append(config, "config.json");
  if (sys::fs::exists(config)) {
    Expected<ModelConfig> parsed = ModelConfig::load(config);
    if (!parsed)
      return parsed.takeError();
    result->config.emplace(std::move(*parsed));
  }

  SmallString<256> single(path), index(path);
  sys::path::append(single, "model.safetensors");
  sys::path::append(index, "model.safetensors.index.json");
  if (sys::fs::exists(single)) {
    Expected<std::unique_ptr<SafetensorsFile>> file =
        SafetensorsFile::open(single);
    if (!file)
      return file.takeError();
    for (const SafetensorsTensor &t : (*file)->getTensors())
      result->tensors[t.name] = &t;
    result->shards.push_back(std::move(*file));
    return result;
  }
  if (sys::fs::exists(index)) {
    if (Error e = result->openSharded(index))
      return e;
    return result;
  }
  return makeError(path, "no model.safetensors or "
                         "model.safetensors.index.json in this folder");
}

Error CheckpointFolder::openSharded(StringRef indexPath) {
  Expected<std::unique_ptr<MemoryBuffer>> buffer = readJsonFile(indexPath);
  if (!buffer)
    return buffer.takeError();
  Expected<json::Value> root = parseJson((*buffer)->getBuffer(), indexPath,
                                         "invalid JSON", kMaxConfigNesting);
  if (!root)
    return root.takeError();
  const json::Object *top = root->getAsObject();
  const json::Object *map = top ? top->getObject("weight_map") : nullptr;
  if (!map)
    return makeError(indexPath, "no 'weight_map' object");

  std::vector<std::pair<StringRef, const json::Value *>> entries;
  for (const auto &kv : *map)
    entries.push_back({kv.first, &kv.second});
  std::sort(entries.begin(), entries.end(),
            [](const auto &a, const auto &b) { return a.first < b.first; });
  StringMap<size_t> shardIndex;
  for (const auto &[name, value] : entries) {
    std::optional<StringRef> shardName = value->getAsString();
    if (!shardName)
      return makeError(indexPath, "weight_map entry " + quote(name) + " is " +
                                      describeJson(*value) +
                                      ", expected a file name");
    if (!isPlainFileName(*shardName))
      return makeError(indexPath, "weight_map entry " + quote(name) +
                                      " names " + quote(*shardName) +
                                      ", which is not a file in the folder");
    auto it = shardIndex.find(*shardName);
    if (it == shardIndex.end()) {
      SmallString<256> shardPath(path);
      sys::path::append(shardPath, *shardName);
      Expected<std::unique_ptr<SafetensorsFile>> shard =
          SafetensorsFile::open(shardPath);
      if (!shard)
        return shard.takeError();
      it = shardIndex.try_emplace(*shardName, shards.size()).first;
      shards.push_back(std::move(*shard));
    }
    const SafetensorsTensor *t = shards[it->second]->findTensor(name);
    if (!t)
      return makeError(indexPath, "weight_map puts tensor " + quote(name) +
                                      " in " + quote(*shardName) +
                                      ", which has no such tensor");
    tensors[name] = t;
  }
  return Error::success();
}

std::vector<StringRef> CheckpointFolder::getTensorNames() const {
  std::vector<StringRef> names;
  for (const auto &kv : tensors)
    names.push_back(kv.first());
  std::sort(names.begin(), names.end());
  return names;
}

const SafetensorsTensor *CheckpointFolder::findTensor(StringRef name) const {
  auto it = tensors.find(name);
  return it == tensors.end() ? nullptr : it->second;
}

Expected<const SafetensorsTensor &>
CheckpointFolder::getTensor(StringRef name) const {
  if (const SafetensorsTensor *t = findTensor(name))
    return *t;
  return makeError(path,
                   "no tensor named " + quote(name) + " in this checkpoint");
}
