//===- ModelRun.cpp - Running a compiled model on test data -----*- C++ -*-===//
//
// The runner links no Tern library: the runtime functions it calls
// (tern_last_error) are looked up in the model's library, which carries the
// runtime, like every other symbol.
//
//===----------------------------------------------------------------------===//

#include "ModelRun.h"

#include <dlfcn.h>

#include <algorithm>
#include <filesystem>
#include <memory>

namespace fs = std::filesystem;
using namespace tern::conformance;

namespace {
/// The entry points of one compiled model library.
struct ModelLibrary {
  using InfoFn = const tern_model_info *(*)();
  using CreateFn = tern_status (*)(void **, const tern_create_options *);
  using RunFn = tern_status (*)(void *, const tern_tensor *, size_t,
                                tern_tensor *, size_t);
  using DestroyFn = void (*)(void *);
  using LastErrorFn = const char *(*)();

  void *handle = nullptr;
  InfoFn info = nullptr;
  CreateFn create = nullptr;
  RunFn run = nullptr;
  DestroyFn destroy = nullptr;
  LastErrorFn lastError = nullptr;

  /// The runtime's message for the last failure, or "(no message)".
  std::string error() const {
    const char *message = lastError ? lastError() : nullptr;
    return message && *message ? message : "(no message)";
  }
};

/// A model instance, destroyed on scope exit.
struct ModelInstance {
  const ModelLibrary &lib;
  void *model = nullptr;
  explicit ModelInstance(const ModelLibrary &lib) : lib(lib) {}
  ~ModelInstance() {
    if (model)
      lib.destroy(model);
  }
  ModelInstance(const ModelInstance &) = delete;
  ModelInstance &operator=(const ModelInstance &) = delete;
};

/// Inputs and reference outputs of one data set, each bound to an entry of
/// the info table.
struct DataSet {
  std::string name;
  std::vector<Tensor> inputs;  // in info-table order
  std::vector<Tensor> outputs; // in info-table order
};
} // namespace

template <typename Fn>
static std::string lookUp(void *handle, const std::string &symbol, Fn &fn) {
  fn = reinterpret_cast<Fn>(dlsym(handle, symbol.c_str()));
  return fn ? "" : "the library does not export " + symbol;
}

/// Opens `libPath` and finds its entry points. The library stays loaded
/// until the process exits (Halide's thread pool may still be parked in it).
static std::string loadLibrary(const std::string &libPath,
                               const std::string &prefix, ModelLibrary &lib) {
  lib.handle = dlopen(libPath.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!lib.handle)
    return std::string("dlopen failed: ") + dlerror();
  for (std::string error :
       {lookUp(lib.handle, prefix + "_info", lib.info),
        lookUp(lib.handle, prefix + "_create", lib.create),
        lookUp(lib.handle, prefix + "_run_tensors", lib.run),
        lookUp(lib.handle, prefix + "_destroy", lib.destroy),
        lookUp(lib.handle, "tern_last_error", lib.lastError)})
    if (!error.empty())
      return error;
  return "";
}

int tern::conformance::bindToInfo(const std::string &dataName, size_t position,
                                  const std::vector<std::string> &graphNames,
                                  const tern_tensor_info *infos, int count) {
  if (!dataName.empty()) {
    for (int i = 0; i < count; ++i)
      if (infos[i].name && dataName == infos[i].name)
        return i;
    for (size_t j = 0; j < graphNames.size(); ++j)
      if (graphNames[j] == dataName)
        position = j;
  }
  return position < size_t(count) ? int(position) : -1;
}

std::string
tern::conformance::graphInputOf(const std::string &dataName, size_t position,
                                const std::vector<std::string> &graphInputs) {
  if (!dataName.empty() && std::find(graphInputs.begin(), graphInputs.end(),
                                     dataName) != graphInputs.end())
    return dataName;
  return position < graphInputs.size() ? graphInputs[position] : "";
}

static std::vector<int64_t> infoShape(const tern_tensor_info &info) {
  int rank = std::max(0, std::min<int>(info.rank, TERN_MAX_RANK));
  return std::vector<int64_t>(info.shape, info.shape + rank);
}

static std::string infoName(const tern_tensor_info &info) {
  return info.name ? info.name : "";
}

std::string tern::conformance::checkAgainstInfo(const Tensor &tensor,
                                                const tern_tensor_info &info,
                                                const std::string &role) {
  if (tensor.dtype == info.dtype && tensor.shape == infoShape(info) &&
      info.rank >= 0 && info.rank <= TERN_MAX_RANK)
    return "";
  return role + ": test data is " + describe(tensor.dtype, tensor.shape) +
         ", the model's info table says " +
         describe(info.dtype, infoShape(info));
}

/// Reads PREFIX_0.pb, PREFIX_1.pb, ... of `dir` and binds each to an entry
/// of `infos`; every entry must get exactly one. Files that hold one of the
/// graph values `skip` are left out, and the positions of the others count
/// without them.
static std::string readBound(const fs::path &dir, const std::string &prefix,
                             const std::vector<std::string> &graphNames,
                             const std::set<std::string> &skip,
                             const tern_tensor_info *infos, int count,
                             std::vector<Tensor> &bound) {
  bound.assign(count, Tensor());
  std::vector<bool> filled(count, false);
  std::vector<std::string> kept;
  for (const std::string &name : graphNames)
    if (!skip.count(name))
      kept.push_back(name);
  size_t k = 0, skipped = 0;
  for (;; ++k) {
    fs::path file = dir / (prefix + "_" + std::to_string(k) + ".pb");
    std::error_code ec;
    if (!fs::exists(file, ec))
      break;
    Tensor tensor;
    if (std::string error = readTensorFile(file.string(), tensor);
        !error.empty())
      return file.filename().string() + ": " + error;
    std::string graphName = graphInputOf(tensor.name, k, graphNames);
    if (!skip.empty() && skip.count(graphName)) {
      ++skipped;
      continue;
    }
    size_t position = k - skipped;
    if (auto it = std::find(kept.begin(), kept.end(), graphName);
        it != kept.end())
      position = size_t(it - kept.begin());
    int slot = bindToInfo(tensor.name, position, kept, infos, count);
    if (slot < 0 || filled[slot])
      return file.filename().string() + " ('" + tensor.name + "'): no " +
             (slot < 0 ? "" : "other ") + prefix +
             " of the model's info table to bind it to (" +
             std::to_string(count) + " " + prefix + "s)";
    filled[slot] = true;
    bound[slot] = std::move(tensor);
  }
  for (int i = 0; i < count; ++i)
    if (!filled[i])
      return prefix + " " + std::to_string(i) + " '" + infoName(infos[i]) +
             "' of the model's info table has no test data (" +
             std::to_string(k) + " " + prefix + " files)";
  return "";
}

static std::string readDataSet(const std::string &dir,
                               const ModelSummary &model,
                               const std::set<std::string> &frozen,
                               const tern_model_info &info, DataSet &set) {
  set.name = fs::path(dir).filename().string();
  if (std::string error = readBound(dir, "input", model.inputs, frozen,
                                    info.inputs, info.num_inputs, set.inputs);
      !error.empty())
    return error;
  if (std::string error =
          readBound(dir, "output", model.outputs, {}, info.outputs,
                    info.num_outputs, set.outputs);
      !error.empty())
    return error;
  for (int i = 0; i < info.num_inputs; ++i)
    if (std::string error =
            checkAgainstInfo(set.inputs[i], info.inputs[i],
                             "input " + std::to_string(i) + " '" +
                                 infoName(info.inputs[i]) + "'");
        !error.empty())
      return error;
  for (int i = 0; i < info.num_outputs; ++i)
    if (std::string error =
            checkAgainstInfo(set.outputs[i], info.outputs[i],
                             "output " + std::to_string(i) + " '" +
                                 infoName(info.outputs[i]) + "'");
        !error.empty())
      return error;
  return "";
}

/// A descriptor of `tensor`; empty tensors get a valid dummy pointer, since
/// the runtime rejects null data.
static tern_tensor descriptor(Tensor &tensor) {
  static uint64_t dummy;
  tern_tensor t{};
  t.data = tensor.data.empty() ? static_cast<void *>(&dummy)
                               : static_cast<void *>(tensor.data.data());
  t.dtype = tensor.dtype;
  t.rank = int32_t(tensor.shape.size());
  for (size_t i = 0; i < tensor.shape.size() && i < TERN_MAX_RANK; ++i)
    t.shape[i] = tensor.shape[i];
  return t;
}

/// Runs one data set and compares every output; the message lists each
/// output that differs.
static std::string runDataSet(const ModelLibrary &lib, void *model,
                              const tern_model_info &info, DataSet &set,
                              const Tolerance &tolerance) {
  std::vector<Tensor> got(info.num_outputs);
  std::vector<tern_tensor> in, out;
  for (Tensor &input : set.inputs)
    in.push_back(descriptor(input));
  for (int i = 0; i < info.num_outputs; ++i) {
    got[i].dtype = info.outputs[i].dtype;
    got[i].shape = infoShape(info.outputs[i]);
    got[i].data.assign(got[i].numElements() * elementSize(got[i].dtype), 0);
    out.push_back(descriptor(got[i]));
  }
  if (tern_status status =
          lib.run(model, in.data(), in.size(), out.data(), out.size()))
    return "run_tensors failed (status " + std::to_string(int(status)) +
           "): " + lib.error();
  std::string failures;
  for (int i = 0; i < info.num_outputs; ++i)
    if (std::string error = compareTensors(got[i], set.outputs[i], tolerance);
        !error.empty())
      failures += std::string(failures.empty() ? "" : "; ") + "output " +
                  std::to_string(i) + " '" + infoName(info.outputs[i]) +
                  "': " + error;
  return failures;
}

std::string tern::conformance::runOnDataSets(
    const std::string &libPath, const std::string &prefix,
    const ModelSummary &model, const std::vector<std::string> &dataSets,
    const std::set<std::string> &frozen, const Tolerance &tolerance) {
  ModelLibrary lib;
  if (std::string error = loadLibrary(libPath, prefix, lib); !error.empty())
    return error;
  const tern_model_info *info = lib.info();
  if (!info || info->num_inputs < 0 || info->num_outputs < 0)
    return prefix + "_info() returned no valid table";
  if (dataSets.empty())
    return "the test has no test_data_set_N folder";
  ModelInstance instance(lib);
  if (tern_status status = lib.create(&instance.model, nullptr))
    return prefix + "_create failed (status " + std::to_string(int(status)) +
           "): " + lib.error();
  for (const std::string &dir : dataSets) {
    DataSet set;
    std::string error = readDataSet(dir, model, frozen, *info, set);
    if (error.empty())
      error = runDataSet(lib, instance.model, *info, set, tolerance);
    if (!error.empty())
      return set.name + ": " + error;
  }
  return "";
}
