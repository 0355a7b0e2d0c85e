//===- ThreadsTest.cpp - Tests for the process-wide thread count ----------===//
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

#include <cstdlib>
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
