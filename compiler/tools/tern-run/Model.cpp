//===- Model.cpp - A ternc library, loaded with dlopen --------------------===//

#include "Model.h"

#include "Options.h"

#include <dirent.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

namespace tern_run {

namespace {

bool endsWith(const std::string &s, const std::string &suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string baseName(const std::string &path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

} // namespace

Model::Model(const std::string &path, const std::string &nameOverride) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0)
    throw UsageError("cannot open " + path + ": " + std::strerror(errno));
  std::string lib = path;
  if (S_ISDIR(st.st_mode)) {
    std::vector<std::string> found;
    if (DIR *dir = opendir(path.c_str())) {
      while (dirent *e = readdir(dir)) {
        std::string n = e->d_name;
        if (n.size() > 6 && n.compare(0, 3, "lib") == 0 && endsWith(n, ".so"))
          found.push_back(n);
      }
      closedir(dir);
    } else {
      throw UsageError("cannot read directory " + path + ": " +
                       std::strerror(errno));
    }
    std::sort(found.begin(), found.end());
    std::string dirSlash = endsWith(path, "/") ? path : path + "/";
    if (!nameOverride.empty()) {
      std::string want = "lib" + nameOverride + ".so";
      if (std::find(found.begin(), found.end(), want) == found.end())
        throw UsageError(path + " has no " + want);
      lib = dirSlash + want;
    } else if (found.empty()) {
      throw UsageError(path +
                       " holds no lib*.so: give a library or the directory "
                       "ternc -o wrote");
    } else if (found.size() > 1) {
      std::string list;
      for (const std::string &f : found)
        list += (list.empty() ? "" : ", ") + f;
      throw UsageError(path + " holds several libraries (" + list +
                       "): give one, or --name NAME");
    } else {
      lib = dirSlash + found[0];
    }
  } else if (!S_ISREG(st.st_mode)) {
    throw UsageError(path + " is not a file or a directory");
  }
  std::string file = baseName(lib);
  if (!nameOverride.empty()) {
    name_ = nameOverride;
  } else if (file.size() > 6 && file.compare(0, 3, "lib") == 0 &&
             endsWith(file, ".so")) {
    name_ = file.substr(3, file.size() - 6);
  } else {
    throw UsageError("cannot tell the model name from " + file +
                     " (not libNAME.so): pass --name NAME");
  }
  // dlopen searches the library path for a name without '/'.
  library_ = lib.find('/') == std::string::npos ? "./" + lib : lib;

  dlerror();
  handle_ = dlopen(library_.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle_) {
    const char *why = dlerror();
    throw UsageError("cannot load " + library_ + ": " +
                     (why ? why : "unknown dlopen error"));
  }
  auto sym = [&](const std::string &s, bool required) -> void * {
    void *p = dlsym(handle_, s.c_str());
    if (!p && required)
      throw UsageError(
          library_ + " has no symbol " + s + ": not a library ternc compiled" +
          (nameOverride.empty()
               ? " (or its model name is not '" + name_ + "': pass --name)"
               : std::string()));
    return p;
  };
  auto infoFn = reinterpret_cast<const tern_model_info *(*)(void)>(
      sym(name_ + "_info", true));
  create_ = reinterpret_cast<decltype(create_)>(sym(name_ + "_create", true));
  run_ = reinterpret_cast<decltype(run_)>(sym(name_ + "_run_tensors", true));
  destroy_ =
      reinterpret_cast<decltype(destroy_)>(sym(name_ + "_destroy", true));
  target_ = reinterpret_cast<decltype(target_)>(sym(name_ + "_target", false));
  setProfiling_ = reinterpret_cast<decltype(setProfiling_)>(
      sym(name_ + "_set_profiling", true));
  profile_ =
      reinterpret_cast<decltype(profile_)>(sym(name_ + "_profile", true));
  lastError_ =
      reinterpret_cast<decltype(lastError_)>(sym("tern_last_error", true));
  statusString_ = reinterpret_cast<decltype(statusString_)>(
      sym("tern_status_string", true));
  createOptionsInit_ = reinterpret_cast<decltype(createOptionsInit_)>(
      sym("tern_create_options_init", false));
  // The info table's layout is the runtime ABI's: refuse another one.
  auto abiFn = reinterpret_cast<int32_t (*)(void)>(
      sym("tern_runtime_abi_version", true));
  if (int32_t abi = abiFn(); abi != TERN_RUNTIME_ABI_VERSION)
    throw UsageError(library_ + ": the library uses Tern runtime ABI " +
                     std::to_string(abi) + ", this tern-run ABI " +
                     std::to_string(TERN_RUNTIME_ABI_VERSION) +
                     ": recompile the model with this Tern's ternc");
  info_ = infoFn();
  if (!info_ || info_->num_inputs < 0 || info_->num_outputs < 0 ||
      (info_->num_inputs > 0 && !info_->inputs) ||
      (info_->num_outputs > 0 && !info_->outputs))
    throw UsageError(library_ + ": " + name_ +
                     "_info() returned no usable "
                     "info table");
  auto checkTable = [&](const tern_tensor_info *t, int n, const char *role) {
    for (int i = 0; i < n; ++i)
      if (!t[i].name || t[i].rank < 0 || t[i].rank > TERN_MAX_RANK ||
          t[i].dtype < TERN_DTYPE_F32 || t[i].dtype > TERN_DTYPE_BOOL)
        throw UsageError(library_ + ": " + role + " " + std::to_string(i) +
                         " of the info table is malformed");
  };
  checkTable(info_->inputs, info_->num_inputs, "input");
  checkTable(info_->outputs, info_->num_outputs, "output");
  if (info_->num_layers < 0 || (info_->num_layers > 0 && !info_->layers))
    throw UsageError(library_ + ": the info table's layer list is malformed");
  for (int i = 0; i < info_->num_layers; ++i)
    if (!info_->layers[i].name || !info_->layers[i].op ||
        !info_->layers[i].format)
      throw UsageError(library_ + ": layer " + std::to_string(i) +
                       " of the info table is malformed");
  weightBytes_ = info_->weight_bytes;
  arenaBytes_ = info_->arena_bytes;
}

// The library is never unloaded: its kernel thread pool's workers run in it
// until the process exits.
Model::~Model() {}

void *Model::create(int numThreads, std::string &error) {
  tern_create_options options;
  std::memset(&options, 0, sizeof(options));
  if (createOptionsInit_)
    createOptionsInit_(&options);
  options.num_threads = numThreads;
  void *instance = nullptr;
  tern_status s = create_(&instance, &options);
  if (s != TERN_OK || !instance) {
    error = name_ + "_create failed: " + lastError(s);
    return nullptr;
  }
  return instance;
}

tern_status Model::run(void *instance, const tern_tensor *in, size_t nin,
                       tern_tensor *out, size_t nout) {
  return run_(instance, in, nin, out, nout);
}

const char *Model::target(void *instance) const {
  return target_ ? target_(instance) : nullptr;
}

void *Model::symbol(const std::string &name) const {
  return dlsym(handle_, name.c_str());
}

tern_status Model::setProfiling(void *instance, bool enabled) {
  return setProfiling_(instance, enabled ? 1 : 0);
}

tern_status Model::profile(void *instance, uint64_t *ns, int32_t numLayers,
                           int64_t *runs) {
  return profile_(instance, ns, numLayers, runs);
}

void Model::destroy(void *instance) { destroy_(instance); }

std::string Model::lastError(tern_status status) const {
  const char *s = statusString_(status);
  const char *e = lastError_();
  std::string out = s ? s : "unknown status";
  if (e && *e)
    out += std::string(": ") + e;
  return out;
}

} // namespace tern_run
