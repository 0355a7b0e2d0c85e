//===- StatusTest.cpp - Tests for status strings and per-thread errors ----===//
//
// The error message is the only diagnostic a C caller gets, so these tests pin
// down its contract from runtime.h: never NULL, per thread, truncated rather
// than overflowed, and safe to build from the previous message.
//
//===----------------------------------------------------------------------===//

#include "tern/runtime.h"

#include "CCallers.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>

namespace {

TEST(StatusTest, StatusStringCoversEveryCode) {
  EXPECT_STREQ(tern_status_string(TERN_OK), "ok");
  EXPECT_STREQ(tern_status_string(TERN_ERROR_INVALID_ARGUMENT),
               "invalid argument");
  EXPECT_STREQ(tern_status_string(TERN_ERROR_SHAPE_MISMATCH), "shape mismatch");
  EXPECT_STREQ(tern_status_string(TERN_ERROR_DTYPE_MISMATCH), "dtype mismatch");
  EXPECT_STREQ(tern_status_string(TERN_ERROR_OUT_OF_MEMORY), "out of memory");
  EXPECT_STREQ(tern_status_string(TERN_ERROR_KERNEL_FAILED), "kernel failed");
  EXPECT_STREQ(tern_status_string(TERN_ERROR_IO), "i/o error");
  EXPECT_STREQ(tern_status_string(TERN_ERROR_INTERNAL), "internal error");
  EXPECT_STREQ(tern_status_string(TERN_ERROR_DEVICE), "device error");
  EXPECT_STREQ(tern_status_string(TERN_ERROR_UNSUPPORTED_CPU),
               "unsupported CPU");
}

TEST(StatusTest, StatusStringOfUnknownValues) {
  EXPECT_STREQ(c_status_string(10), "unknown status");
  EXPECT_STREQ(c_status_string(-1), "unknown status");
  EXPECT_STREQ(c_status_string(1 << 30), "unknown status");
  // The C path reaches the same strings for known values.
  EXPECT_STREQ(c_status_string(TERN_ERROR_IO), "i/o error");
}

TEST(StatusTest, LastErrorIsEmptyAfterClear) {
  tern_set_error(TERN_ERROR_IO, "something");
  tern_clear_error();
  ASSERT_NE(tern_last_error(), nullptr);
  EXPECT_STREQ(tern_last_error(), "");
}

TEST(StatusTest, FreshThreadStartsWithEmptyError) {
  tern_set_error(TERN_ERROR_IO, "main thread error");
  std::string seen = "not run";
  std::thread worker([&] {
    const char *message = tern_last_error();
    seen = message ? message : "NULL";
  });
  worker.join();
  EXPECT_EQ(seen, "");
  EXPECT_STREQ(tern_last_error(), "main thread error");
}

TEST(StatusTest, SetErrorFormatsAndReturnsStatus) {
  EXPECT_EQ(tern_set_error(TERN_ERROR_KERNEL_FAILED, "kernel %s failed: %d",
                           "conv1", 42),
            TERN_ERROR_KERNEL_FAILED);
  EXPECT_STREQ(tern_last_error(), "kernel conv1 failed: 42");
}

TEST(StatusTest, SetErrorReturnsUnknownStatusUnchanged) {
  EXPECT_EQ(c_set_error(99, "odd"), 99);
  EXPECT_STREQ(tern_last_error(), "odd");
  EXPECT_EQ(c_set_error(-4, "negative"), -4);
  EXPECT_STREQ(tern_last_error(), "negative");
}

TEST(StatusTest, SetErrorReplacesPreviousMessage) {
  tern_set_error(TERN_ERROR_IO, "a much longer first message");
  tern_set_error(TERN_ERROR_IO, "short");
  EXPECT_STREQ(tern_last_error(), "short");
}

TEST(StatusTest, NullFormatRecordsStatusString) {
  for (int value = TERN_OK; value <= TERN_ERROR_UNSUPPORTED_CPU; ++value) {
    tern_set_error(TERN_ERROR_IO, "stale");
    EXPECT_EQ(c_set_error_null_format(value), value);
    EXPECT_STREQ(tern_last_error(),
                 tern_status_string(static_cast<tern_status>(value)));
  }
  EXPECT_EQ(c_set_error_null_format(77), 77);
  EXPECT_STREQ(tern_last_error(), "unknown status");
}

TEST(StatusTest, EmptyFormatRecordsEmptyMessage) {
  tern_set_error(TERN_ERROR_IO, "stale");
  tern_set_error(TERN_ERROR_IO, "%s", "");
  EXPECT_STREQ(tern_last_error(), "");
}

TEST(StatusTest, LongMessagesAreTruncatedTo1023Bytes) {
  std::string longText(5000, 'x');
  longText[0] = 'a';
  EXPECT_EQ(tern_set_error(TERN_ERROR_INTERNAL, "%s", longText.c_str()),
            TERN_ERROR_INTERNAL);
  std::string message = tern_last_error();
  EXPECT_EQ(message.size(), 1023u);
  EXPECT_EQ(message, longText.substr(0, 1023));
}

TEST(StatusTest, TruncationBoundary) {
  std::string fits(1023, 'f');
  tern_set_error(TERN_ERROR_INTERNAL, "%s", fits.c_str());
  EXPECT_EQ(std::string(tern_last_error()), fits);

  std::string tooLong(1024, 'g');
  tern_set_error(TERN_ERROR_INTERNAL, "%s", tooLong.c_str());
  EXPECT_EQ(std::string(tern_last_error()), std::string(1023, 'g'));
}

TEST(StatusTest, MessageMayQuoteThePreviousMessage) {
  tern_set_error(TERN_ERROR_SHAPE_MISMATCH, "input 0 'x': bad shape");
  tern_set_error(TERN_ERROR_SHAPE_MISMATCH, "while running model: %s",
                 tern_last_error());
  EXPECT_STREQ(tern_last_error(),
               "while running model: input 0 'x': bad shape");
}

TEST(StatusTest, QuotingALongPreviousMessageTruncatesCleanly) {
  std::string inner(1000, 'i');
  tern_set_error(TERN_ERROR_INTERNAL, "%s", inner.c_str());
  tern_set_error(TERN_ERROR_INTERNAL, "outer: %s; %s", tern_last_error(),
                 tern_last_error());
  std::string expected = "outer: " + inner + "; " + inner;
  EXPECT_EQ(std::string(tern_last_error()), expected.substr(0, 1023));
}

TEST(StatusTest, SuccessfulCallsKeepTheLastError) {
  tern_set_error(TERN_ERROR_IO, "earlier failure");
  ASSERT_EQ(tern_set_num_threads(tern_get_num_threads()), TERN_OK);
  tern_arena *arena = nullptr;
  ASSERT_EQ(tern_arena_create(16, 64, &arena), TERN_OK);
  tern_arena_destroy(arena);
  EXPECT_STREQ(tern_last_error(), "earlier failure");
}

TEST(StatusTest, ErrorsArePerThread) {
  // Both threads record their message before either reads, so a shared
  // buffer would show the other thread's text.
  std::atomic<int> recorded{0};
  std::string seenA, seenB;
  auto body = [&](const char *mine, std::string &seen) {
    tern_set_error(TERN_ERROR_IO, "thread %s", mine);
    recorded.fetch_add(1);
    while (recorded.load() < 2)
      std::this_thread::yield();
    seen = tern_last_error();
    tern_clear_error();
  };
  tern_set_error(TERN_ERROR_INTERNAL, "main");
  std::thread a(body, "A", std::ref(seenA));
  std::thread b(body, "B", std::ref(seenB));
  a.join();
  b.join();
  EXPECT_EQ(seenA, "thread A");
  EXPECT_EQ(seenB, "thread B");
  // Neither thread's set or clear touched this thread's message.
  EXPECT_STREQ(tern_last_error(), "main");
}

TEST(StatusTest, AbiVersionMatchesHeader) {
  EXPECT_EQ(tern_runtime_abi_version(), TERN_RUNTIME_ABI_VERSION);
  EXPECT_EQ(tern_runtime_abi_version(), 4);
}

// The profile's clock: monotonic, in nanoseconds.
TEST(StatusTest, ClockIsMonotonicNanoseconds) {
  uint64_t a = tern_clock_ns();
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  uint64_t b = tern_clock_ns();
  EXPECT_GE(b - a, 2000000u);
  EXPECT_LT(b - a, 2000000000u);
}

} // namespace
