//===- Threads.cpp - The process-wide kernel thread count -----------------===//
//
// Kernels run on a thread pool that the generated code configures (Halide's
// pool, for instance, is process-wide), so the thread count is a process
// setting rather than a per-model one. Reconfiguring a pool is expensive, so
// generated code does not reapply the setting on every call: it remembers
// the generation it last applied and reapplies only when the generation has
// moved. The generation therefore moves only when the value actually changes.
//
//===----------------------------------------------------------------------===//

#include "tern/runtime.h"

#include <atomic>

namespace {

std::atomic<int32_t> numThreads{0};
std::atomic<uint64_t> generation{0};

} // namespace

extern "C" {

tern_status tern_set_num_threads(int32_t num_threads) {
  if (num_threads < 0)
    return tern_set_error(TERN_ERROR_INVALID_ARGUMENT,
                          "tern_set_num_threads: num_threads must be >= 0 "
                          "(0 means one per hardware thread), got %d",
                          static_cast<int>(num_threads));
  // The value is published before the generation moves, so a reader that
  // loads the generation and then the value sees at least this value for
  // this generation. A reader racing with a change may apply the new value
  // under the old generation; it then applies it once more, which is
  // harmless.
  if (numThreads.exchange(num_threads) != num_threads)
    generation.fetch_add(1);
  return TERN_OK;
}

int32_t tern_get_num_threads(void) { return numThreads.load(); }

uint64_t tern_num_threads_generation(void) { return generation.load(); }

} // extern "C"
