//===- ThreadsTest.cpp - Tests for the pool size and instance limits ------===//
//
// Generated code reapplies the thread count only when the generation moves,
// so a generation that moves on a no-op set costs a pool rebuild and one that
// fails to move on a real change leaves kernels on the old count. The state
// is process-wide: each test works relative to what it finds, because the
// whole binary may run in one process in any order.
//
//===----------------------------------------------------------------------===//

#include "tern/runtime.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace {

bool lastErrorContains(const std::string &needle) {
  return std::string(tern_last_error()).find(needle) != std::string::npos;
}

TEST(ThreadsDeathTest, DefaultsBeforeAnySet) {
  // "threadsafe" re-executes the binary for this test alone, so the child
  // sees the runtime's initial state whatever other tests did in this one.
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        bool fresh =
            tern_get_num_threads() == 0 && tern_num_threads_generation() == 0;
        std::exit(fresh ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

TEST(ThreadsTest, ChangingTheValueBumpsTheGenerationOnce) {
  int32_t start = tern_get_num_threads();
  int32_t next = start + 3;
  uint64_t generation = tern_num_threads_generation();

  ASSERT_EQ(tern_set_num_threads(next), TERN_OK);
  EXPECT_EQ(tern_get_num_threads(), next);
  EXPECT_EQ(tern_num_threads_generation(), generation + 1);

  ASSERT_EQ(tern_set_num_threads(start), TERN_OK);
  EXPECT_EQ(tern_get_num_threads(), start);
  EXPECT_EQ(tern_num_threads_generation(), generation + 2);
}

TEST(ThreadsTest, SettingTheSameValueKeepsTheGeneration) {
  ASSERT_EQ(tern_set_num_threads(4), TERN_OK);
  uint64_t generation = tern_num_threads_generation();
  for (int i = 0; i < 5; ++i)
    ASSERT_EQ(tern_set_num_threads(4), TERN_OK);
  EXPECT_EQ(tern_get_num_threads(), 4);
  EXPECT_EQ(tern_num_threads_generation(), generation);
}

TEST(ThreadsTest, ZeroMeansHardwareThreadsAndIsStoredAsZero) {
  ASSERT_EQ(tern_set_num_threads(2), TERN_OK);
  uint64_t generation = tern_num_threads_generation();
  ASSERT_EQ(tern_set_num_threads(0), TERN_OK);
  EXPECT_EQ(tern_get_num_threads(), 0);
  EXPECT_EQ(tern_num_threads_generation(), generation + 1);
  ASSERT_EQ(tern_set_num_threads(0), TERN_OK);
  EXPECT_EQ(tern_num_threads_generation(), generation + 1);
}

TEST(ThreadsTest, LargestValueIsAccepted) {
  ASSERT_EQ(tern_set_num_threads(INT32_MAX), TERN_OK);
  EXPECT_EQ(tern_get_num_threads(), INT32_MAX);
  ASSERT_EQ(tern_set_num_threads(1), TERN_OK);
}

TEST(ThreadsTest, NegativeIsAnInvalidArgumentAndChangesNothing) {
  ASSERT_EQ(tern_set_num_threads(6), TERN_OK);
  uint64_t generation = tern_num_threads_generation();
  tern_clear_error();

  EXPECT_EQ(tern_set_num_threads(-3), TERN_ERROR_INVALID_ARGUMENT);
  EXPECT_TRUE(lastErrorContains("num_threads")) << tern_last_error();
  EXPECT_TRUE(lastErrorContains("got -3")) << tern_last_error();
  EXPECT_EQ(tern_get_num_threads(), 6);
  EXPECT_EQ(tern_num_threads_generation(), generation);

  EXPECT_EQ(tern_set_num_threads(INT32_MIN), TERN_ERROR_INVALID_ARGUMENT);
  EXPECT_TRUE(lastErrorContains(std::to_string(INT32_MIN)))
      << tern_last_error();
  EXPECT_EQ(tern_get_num_threads(), 6);
  EXPECT_EQ(tern_num_threads_generation(), generation);
}

TEST(ThreadsTest, ConcurrentSetsCountEveryChange) {
  // Every thread flips the value between two settings of its own, so every
  // call is a change; none may be lost from the generation.
  ASSERT_EQ(tern_set_num_threads(1), TERN_OK);
  uint64_t generation = tern_num_threads_generation();
  constexpr int kThreads = 4;
  constexpr int kSetsPerThread = 2000;
  std::vector<std::thread> workers;
  for (int t = 0; t < kThreads; ++t)
    workers.emplace_back([t] {
      for (int i = 0; i < kSetsPerThread; ++i)
        tern_set_num_threads(100 + 2 * t + (i & 1));
    });
  for (std::thread &worker : workers)
    worker.join();
  int32_t final = tern_get_num_threads();
  EXPECT_GE(final, 100);
  EXPECT_LT(final, 100 + 2 * kThreads);
  uint64_t moved = tern_num_threads_generation() - generation;
  EXPECT_GE(moved, 1u);
  EXPECT_LE(moved, static_cast<uint64_t>(kThreads * kSetsPerThread));
  ASSERT_EQ(tern_set_num_threads(1), TERN_OK);
}

// A stand-in for Halide's pool: each of the `size` tasks on a thread of its
// own, all at once, so a limit can only come from tern_limited_par_for.
struct FakePool {
  static inline std::atomic<int> calls{0};
  static inline std::atomic<int> lastSize{0};
  static int parFor(void *userContext, tern_task_fn f, int min, int size,
                    uint8_t *closure) {
    ++calls;
    lastSize = size;
    std::vector<std::thread> threads;
    std::vector<int> results(size);
    for (int i = 0; i < size; ++i)
      threads.emplace_back(
          [&, i] { results[i] = f(userContext, min + i, closure); });
    for (std::thread &thread : threads)
      thread.join();
    for (int result : results)
      if (result != 0)
        return result;
    return 0;
  }
};

// What a loop body saw: how often each iteration ran, the most iterations
// running at once, the limit inside, and the threads it ran on.
struct LoopProbe {
  std::mutex mutex;
  std::vector<int> runs;
  std::set<std::thread::id> threads;
  std::atomic<int> running{0}, mostRunning{0}, innerLimit{-1};
  int base = 0, failAt = -1;

  explicit LoopProbe(int size, int base = 0) : runs(size), base(base) {}

  static int body(void *, int index, uint8_t *closure) {
    auto *probe = reinterpret_cast<LoopProbe *>(closure);
    int now = ++probe->running;
    for (int seen = probe->mostRunning.load(); // a running maximum
         now > seen && !probe->mostRunning.compare_exchange_weak(seen, now);)
      ;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    {
      std::lock_guard<std::mutex> lock(probe->mutex);
      ++probe->runs[index - probe->base];
      probe->threads.insert(std::this_thread::get_id());
    }
    probe->innerLimit = tern_thread_limit();
    --probe->running;
    return index == probe->failAt ? 7 : 0;
  }

  uint8_t *closure() { return reinterpret_cast<uint8_t *>(this); }

  /// Runs the probed loop (all of its iterations, from `base`) through
  /// tern_limited_par_for on the fake pool.
  int run() {
    return tern_limited_par_for(FakePool::parFor, nullptr, body, base,
                                static_cast<int>(runs.size()), closure());
  }
};

// Sets the calling thread's limit for one scope.
struct ScopedLimit {
  int32_t previous;
  explicit ScopedLimit(int32_t limit)
      : previous(tern_exchange_thread_limit(limit)) {}
  ~ScopedLimit() { tern_exchange_thread_limit(previous); }
};

TEST(ThreadLimitTest, ExchangeReturnsThePreviousLimitOfThisThreadOnly) {
  EXPECT_EQ(tern_thread_limit(), 0);
  EXPECT_EQ(tern_exchange_thread_limit(3), 0);
  EXPECT_EQ(tern_thread_limit(), 3);
  int32_t other = -1;
  std::thread([&] { other = tern_thread_limit(); }).join();
  EXPECT_EQ(other, 0) << "the limit is per thread";
  EXPECT_EQ(tern_exchange_thread_limit(-5), 3);
  EXPECT_EQ(tern_thread_limit(), 0) << "a negative limit means none";
}

TEST(ThreadLimitTest, NoLimitHandsTheLoopToThePool) {
  ScopedLimit none(0);
  LoopProbe probe(12);
  int calls = FakePool::calls;
  EXPECT_EQ(probe.run(), 0);
  EXPECT_EQ(FakePool::calls, calls + 1);
  EXPECT_EQ(FakePool::lastSize, 12);
  EXPECT_EQ(probe.runs, std::vector<int>(12, 1));
}

TEST(ThreadLimitTest, LimitOneRunsInOrderOnTheCallingThread) {
  ScopedLimit one(1);
  LoopProbe probe(9);
  int calls = FakePool::calls;
  EXPECT_EQ(probe.run(), 0);
  EXPECT_EQ(FakePool::calls, calls) << "the pool was used";
  EXPECT_EQ(probe.runs, std::vector<int>(9, 1));
  EXPECT_EQ(probe.threads,
            std::set<std::thread::id>{std::this_thread::get_id()});
  EXPECT_EQ(probe.mostRunning, 1);
}

TEST(ThreadLimitTest, LimitBoundsTheTasksRunningAtOnce) {
  for (int limit : {2, 3, 5}) {
    ScopedLimit scoped(limit);
    LoopProbe probe(40, /*base=*/100);
    EXPECT_EQ(probe.run(), 0);
    EXPECT_EQ(FakePool::lastSize, limit) << "tasks handed to the pool";
    EXPECT_EQ(probe.runs, std::vector<int>(40, 1)) << "limit " << limit;
    EXPECT_LE(probe.mostRunning, limit);
    EXPECT_GE(probe.mostRunning, 2) << "the limit also allows parallelism";
    EXPECT_EQ(probe.innerLimit, 1) << "nested loops run where they are";
    EXPECT_EQ(tern_thread_limit(), limit) << "the caller's limit is kept";
  }
}

TEST(ThreadLimitTest, FewerIterationsThanTheLimitGoStraightToThePool) {
  ScopedLimit scoped(8);
  LoopProbe probe(3);
  EXPECT_EQ(probe.run(), 0);
  EXPECT_EQ(FakePool::lastSize, 3);
  EXPECT_EQ(probe.runs, std::vector<int>(3, 1));
}

TEST(ThreadLimitTest, AFailingIterationIsReportedAndStopsTheLoop) {
  {
    ScopedLimit one(1);
    LoopProbe probe(10);
    probe.failAt = 4;
    EXPECT_EQ(probe.run(), 7);
    EXPECT_EQ(probe.runs, (std::vector<int>{1, 1, 1, 1, 1, 0, 0, 0, 0, 0}));
  }
  {
    ScopedLimit two(2);
    LoopProbe probe(200);
    probe.failAt = 5;
    EXPECT_EQ(probe.run(), 7);
    int ran = 0;
    for (int runs : probe.runs) {
      EXPECT_LE(runs, 1);
      ran += runs;
    }
    EXPECT_LT(ran, 200) << "iterations after the failure were skipped";
  }
}

TEST(ThreadLimitTest, EmptyLoopsRunNothing) {
  ScopedLimit scoped(2);
  LoopProbe probe(1);
  int calls = FakePool::calls;
  EXPECT_EQ(tern_limited_par_for(FakePool::parFor, nullptr, LoopProbe::body, 0,
                                 0, probe.closure()),
            0);
  EXPECT_EQ(FakePool::calls, calls);
  EXPECT_EQ(probe.runs[0], 0);
}

TEST(CreateOptionsTest, InitKeepsTheCurrentThreadCount) {
  tern_create_options options;
  options.num_threads = 7;
  tern_create_options_init(&options);
  EXPECT_EQ(options.num_threads, 0);
}

TEST(CreateOptionsTest, InitOfNullIsANoOp) {
  tern_create_options_init(nullptr);
}

} // namespace
