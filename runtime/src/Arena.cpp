//===- Arena.cpp - Aligned activation arenas and model create options -----===//
//
// The compiler's memory plan places all of a model instance's intermediate
// tensors at fixed offsets in one block, aligned for the widest vector loads
// the kernels use. The runtime owns only that block: one aligned allocation
// per model instance, made at create time so that `run` never allocates and
// an out-of-memory condition surfaces once, with the size that failed. The
// model creation options live here too because they are consumed at the same
// moment.
//
//===----------------------------------------------------------------------===//

#include "tern/runtime.h"

#include <cerrno>
#include <cstdint>
#include <cstdlib>

#if defined(__unix__) || defined(__APPLE__)
#include <stdlib.h> // posix_memalign
#define TERN_HAVE_POSIX_MEMALIGN 1
#endif

struct tern_arena {
  void *data;
  size_t size;
};

namespace {

bool isPowerOfTwo(size_t value) {
  return value != 0 && (value & (value - 1)) == 0;
}

tern_status outOfMemory(size_t size, size_t alignment) {
  return tern_set_error(TERN_ERROR_OUT_OF_MEMORY,
                        "tern_arena_create: cannot allocate %zu bytes aligned "
                        "to %zu",
                        size, alignment);
}

} // namespace

extern "C" {

tern_status tern_arena_create(size_t size_bytes, size_t alignment,
                              tern_arena **out_arena) {
  if (!out_arena)
    return tern_set_error(TERN_ERROR_INVALID_ARGUMENT,
                          "tern_arena_create: out_arena is NULL");
  *out_arena = nullptr;
  if (!isPowerOfTwo(alignment) || alignment < sizeof(void *))
    return tern_set_error(TERN_ERROR_INVALID_ARGUMENT,
                          "tern_arena_create: alignment must be a power of "
                          "two no smaller than %zu, got %zu",
                          sizeof(void *), alignment);

  // A zero-sized plan still gets a unique, aligned, non-null block so that
  // generated code never has to special-case a NULL base pointer.
  size_t allocSize = size_bytes == 0 ? 1 : size_bytes;
  void *data = nullptr;
#ifdef TERN_HAVE_POSIX_MEMALIGN
  int rc = posix_memalign(&data, alignment, allocSize);
  if (rc == EINVAL)
    return tern_set_error(TERN_ERROR_INVALID_ARGUMENT,
                          "tern_arena_create: alignment %zu is not supported "
                          "by the system allocator",
                          alignment);
  if (rc != 0)
    data = nullptr;
#else
  // C11 aligned_alloc wants the size to be a multiple of the alignment.
  if (allocSize > SIZE_MAX - (alignment - 1))
    return outOfMemory(size_bytes, alignment);
  allocSize = (allocSize + alignment - 1) & ~(alignment - 1);
  data = std::aligned_alloc(alignment, allocSize);
#endif
  if (!data)
    return outOfMemory(size_bytes, alignment);

  // malloc rather than new: the runtime is a C library to its users and must
  // not make a model library depend on libstdc++'s operator new.
  auto *arena = static_cast<tern_arena *>(std::malloc(sizeof(tern_arena)));
  if (!arena) {
    std::free(data);
    return outOfMemory(sizeof(tern_arena), alignof(tern_arena));
  }
  arena->data = data;
  arena->size = size_bytes;
  *out_arena = arena;
  return TERN_OK;
}

void *tern_arena_data(const tern_arena *arena) {
  return arena ? arena->data : nullptr;
}

size_t tern_arena_size(const tern_arena *arena) {
  return arena ? arena->size : 0;
}

void tern_arena_destroy(tern_arena *arena) {
  if (!arena)
    return;
  std::free(arena->data);
  std::free(arena);
}

void tern_create_options_init(tern_create_options *options) {
  if (!options)
    return;
  // 0: no limit of the instance's own; the pool size (tern_set_num_threads)
  // alone bounds its kernels.
  options->num_threads = 0;
}

} // extern "C"
