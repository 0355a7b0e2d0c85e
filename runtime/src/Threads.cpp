//===- Threads.cpp - Kernel thread counts: the pool's and an instance's ---===//
//
// Two settings bound how many threads a model's kernels use:
//
// - The pool size, process-wide (tern_set_num_threads): kernels run on the
//   thread pool of the Halide runtime in the generated library, which is
//   process-wide. Generated code remembers the generation it last applied
//   and resizes the pool (without stopping it) only when the generation has
//   moved, so the generation moves only when the value actually changes.
// - An instance's limit (tern_create_options.num_threads): a model's run
//   puts it in a thread-local for the duration of its kernels, and the
//   parallel-for that generated code installs in its Halide runtime
//   (tern_limited_par_for) runs each parallel loop as at most that many
//   tasks. Instances with different limits can therefore run at once, and
//   nothing process-wide changes under a running model.
//
//===----------------------------------------------------------------------===//

#include "tern/runtime.h"

#include <atomic>

namespace {

std::atomic<int32_t> numThreads{0};
std::atomic<uint64_t> generation{0};

// The calling thread's limit while a model runs (0: none).
thread_local int32_t threadLimit = 0;

// One limited loop: `tasks` tasks of the pool share its iterations out.
struct SharedLoop {
  tern_task_fn f;
  void *userContext;
  uint8_t *closure;
  int min, size;
  std::atomic<int> next{0};
  std::atomic<int> failure{0};
};

// One of the pool's tasks of a limited loop: takes the next iteration not
// yet taken until none is left or one has failed. Loops nested in an
// iteration run on this thread (limit 1), so the loop as a whole never
// occupies more threads than the limit.
int runShare(void *userContext, int, uint8_t *closure) {
  auto *loop = reinterpret_cast<SharedLoop *>(closure);
  int32_t outer = tern_exchange_thread_limit(1);
  int result = 0;
  while (loop->failure.load(std::memory_order_relaxed) == 0) {
    int i = loop->next.fetch_add(1, std::memory_order_relaxed);
    if (i >= loop->size)
      break;
    result = loop->f(userContext, loop->min + i, loop->closure);
    if (result != 0) {
      int expected = 0;
      loop->failure.compare_exchange_strong(expected, result);
      break;
    }
  }
  tern_exchange_thread_limit(outer);
  return result;
}

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

int32_t tern_exchange_thread_limit(int32_t limit) {
  int32_t previous = threadLimit;
  threadLimit = limit < 0 ? 0 : limit;
  return previous;
}

int32_t tern_thread_limit(void) { return threadLimit; }

int tern_limited_par_for(tern_par_for_fn pool, void *user_context,
                         tern_task_fn f, int min, int size, uint8_t *closure) {
  int32_t limit = threadLimit;
  if (size <= 0)
    return 0;
  if (limit == 1 || !pool) {
    for (int i = 0; i < size; ++i)
      if (int result = f(user_context, min + i, closure))
        return result;
    return 0;
  }
  if (limit <= 0 || size <= limit)
    return pool(user_context, f, min, size, closure);
  SharedLoop loop;
  loop.f = f;
  loop.userContext = user_context;
  loop.closure = closure;
  loop.min = min;
  loop.size = size;
  int result = pool(user_context, runShare, 0, limit,
                    reinterpret_cast<uint8_t *>(&loop));
  int failure = loop.failure.load();
  return failure != 0 ? failure : result;
}

} // extern "C"
