//===- HfCheckpoint.h - Hugging Face model folders --------------*- C++ -*-===//
//
// A Hugging Face checkpoint is a folder: config.json (the architecture's
// hyperparameters) and the weights, either one model.safetensors or shards
// listed in model.safetensors.index.json ({"weight_map": {tensor name:
// shard file name}}). CheckpointFolder maps every shard and finds a tensor
// by name whichever shard holds it; ModelConfig gives config.json's values
// typed, with defaults for optional keys, and errors that name the file,
// the key, what was expected and what was found.
//
// As transformers does, a folder with model.safetensors uses it and ignores
// an index. With an index, only the tensors its weight_map lists are
// visible, and each must be in the shard the map names. Shard names must be
// plain file names inside the folder (no '/', no "..").
//
//===----------------------------------------------------------------------===//

#ifndef TERN_IMPORT_CHECKPOINT_HFCHECKPOINT_H
#define TERN_IMPORT_CHECKPOINT_HFCHECKPOINT_H

#include "tern/Import/Checkpoint/Safetensors.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tern::checkpoint {

/// config.json. A key may be a dotted path into nested objects
/// ("rope_scaling.factor") when no top-level key has that exact name.
class ModelConfig {
public:
  /// Parses JSON text; `fileName` is used in messages.
  static llvm::Expected<ModelConfig> parse(llvm::StringRef text,
                                           llvm::StringRef fileName);
  static llvm::Expected<ModelConfig> load(const llvm::Twine &path);

  llvm::StringRef getFileName() const { return fileName; }
  const llvm::json::Object &getRoot() const { return *root.getAsObject(); }
  /// The value at `key`, or nullptr.
  const llvm::json::Value *lookup(llvm::StringRef key) const;
  /// Whether `key` is present and not null.
  bool has(llvm::StringRef key) const;

  /// Required keys: absent, null or of another type is an error. getDouble
  /// accepts integers too; getInt accepts integral numbers written as
  /// floats (1e5, 2.0) but not 2.5.
  llvm::Expected<int64_t> getInt(llvm::StringRef key) const;
  llvm::Expected<double> getDouble(llvm::StringRef key) const;
  llvm::Expected<bool> getBool(llvm::StringRef key) const;
  llvm::Expected<std::string> getString(llvm::StringRef key) const;
  /// Optional keys: the default when absent or null; another type is still
  /// an error.
  llvm::Expected<int64_t> getInt(llvm::StringRef key, int64_t dflt) const;
  llvm::Expected<double> getDouble(llvm::StringRef key, double dflt) const;
  llvm::Expected<bool> getBool(llvm::StringRef key, bool dflt) const;
  llvm::Expected<std::string> getString(llvm::StringRef key,
                                        llvm::StringRef dflt) const;
  /// Arrays ("architectures"). getIntArray also takes a single integer as
  /// a one-element array (eos_token_id is either).
  llvm::Expected<std::vector<std::string>>
  getStringArray(llvm::StringRef key) const;
  llvm::Expected<std::vector<int64_t>> getIntArray(llvm::StringRef key) const;

private:
  ModelConfig(std::string fileName, llvm::json::Value root)
      : fileName(std::move(fileName)), root(std::move(root)) {}
  llvm::Error keyError(llvm::StringRef key, llvm::StringRef expected) const;

  std::string fileName;
  llvm::json::Value root;
};

class CheckpointFolder {
public:
  /// Maps the folder's weights and reads config.json when present.
  static llvm::Expected<std::unique_ptr<CheckpointFolder>>
  open(const llvm::Twine &folder);

  llvm::StringRef getPath() const { return path; }
  /// config.json, or nullptr when the folder has none.
  const ModelConfig *getConfig() const { return config ? &*config : nullptr; }
  llvm::ArrayRef<std::unique_ptr<SafetensorsFile>> getShards() const {
    return shards;
  }
  /// Every visible tensor name, sorted.
  std::vector<llvm::StringRef> getTensorNames() const;
  const SafetensorsTensor *findTensor(llvm::StringRef name) const;
  llvm::Expected<const SafetensorsTensor &>
  getTensor(llvm::StringRef name) const;

private:
  CheckpointFolder() = default;
  llvm::Error openSharded(llvm::StringRef indexPath);

  std::string path;
  std::optional<ModelConfig> config;
  std::vector<std::unique_ptr<SafetensorsFile>> shards;
  llvm::StringMap<const SafetensorsTensor *> tensors;
};

} // namespace tern::checkpoint

#endif // TERN_IMPORT_CHECKPOINT_HFCHECKPOINT_H
