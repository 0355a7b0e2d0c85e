//===- Model.h - A ternc library, loaded with dlopen ------------*- C++ -*-===//
#ifndef TERN_RUN_MODEL_H
#define TERN_RUN_MODEL_H

#include <cstdint>
#include <string>

#include "tern/runtime.h"

namespace tern_run {

// The entry points every library that ternc writes exports, resolved with
// dlsym in that library alone (it carries the runtime, as weak symbols).
class Model {
public:
  // Finds the library (PATH is a .so or a directory ternc wrote), loads it
  // and resolves NAME_info, NAME_create, ...; throws UsageError.
  Model(const std::string &path, const std::string &nameOverride);
  ~Model();
  Model(const Model &) = delete;
  Model &operator=(const Model &) = delete;

  const std::string &name() const { return name_; }
  const std::string &libraryPath() const { return library_; }
  const tern_model_info *info() const { return info_; }

  // NAME_create with num_threads; returns null and sets `error` on failure.
  void *create(int numThreads, std::string &error);
  tern_status run(void *instance, const tern_tensor *in, size_t nin,
                  tern_tensor *out, size_t nout);
  const char *target(void *instance) const;
  // A symbol of the library (its runtime's functions among them), or null.
  void *symbol(const std::string &name) const;
  // NAME_set_profiling and NAME_profile (see the generated header).
  tern_status setProfiling(void *instance, bool enabled);
  tern_status profile(void *instance, uint64_t *ns, int32_t numLayers,
                      int64_t *runs);
  void destroy(void *instance);
  // "status string: last error" of the library's runtime.
  std::string lastError(tern_status status) const;

  // Bytes of NAME_weights_data in the library's symbol table; -1 if absent
  // (a stripped library).
  int64_t weightBytes() const { return weightBytes_; }
  // Activation arena bytes of the last instance created; -1 if unknown.
  int64_t arenaBytes() const { return arenaBytes_; }

private:
  std::string name_, library_;
  void *handle_ = nullptr;
  const tern_model_info *info_ = nullptr;
  tern_status (*create_)(void **, const tern_create_options *) = nullptr;
  tern_status (*run_)(void *, const tern_tensor *, size_t, tern_tensor *,
                      size_t) = nullptr;
  const char *(*target_)(const void *) = nullptr;
  tern_status (*setProfiling_)(void *, int32_t) = nullptr;
  tern_status (*profile_)(const void *, uint64_t *, int32_t,
                          int64_t *) = nullptr;
  void (*destroy_)(void *) = nullptr;
  const char *(*lastError_)(void) = nullptr;
  const char *(*statusString_)(tern_status) = nullptr;
  void (*createOptionsInit_)(tern_create_options *) = nullptr;
  int64_t weightBytes_ = -1;
  int64_t arenaBytes_ = -1;
};

} // namespace tern_run

#endif
