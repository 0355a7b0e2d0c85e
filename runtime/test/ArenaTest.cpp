//===- ArenaTest.cpp - Tests for the activation arena ---------------------===//
//
// Kernels address the arena with aligned vector loads at offsets the
// compiler chose, so a misaligned block is silent memory corruption rather
// than an error. These tests check the alignment actually delivered, every
// rejected argument, and that a failed create leaves no dangling handle.
//
//===----------------------------------------------------------------------===//

#include "tern/runtime.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>

namespace {

bool lastErrorContains(const std::string &needle) {
  return std::string(tern_last_error()).find(needle) != std::string::npos;
}

// A non-null value that create must overwrite on failure.
tern_arena *sentinel() {
  static char storage;
  return reinterpret_cast<tern_arena *>(&storage);
}

class ArenaAlignmentTest : public ::testing::TestWithParam<size_t> {};

TEST_P(ArenaAlignmentTest, BlockIsAlignedAndWritable) {
  size_t alignment = GetParam();
  for (size_t size : {size_t{1}, size_t{100}, size_t{4096}, size_t{65537}}) {
    tern_arena *arena = nullptr;
    ASSERT_EQ(tern_arena_create(size, alignment, &arena), TERN_OK)
        << tern_last_error();
    ASSERT_NE(arena, nullptr);
    void *data = tern_arena_data(arena);
    ASSERT_NE(data, nullptr);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(data) % alignment, 0u)
        << "size " << size << " alignment " << alignment;
    EXPECT_EQ(tern_arena_size(arena), size);
    std::memset(data, 0xAB, size);
    EXPECT_EQ(static_cast<unsigned char *>(data)[size - 1], 0xAB);
    tern_arena_destroy(arena);
  }
}

INSTANTIATE_TEST_SUITE_P(Alignments, ArenaAlignmentTest,
                         ::testing::Values(sizeof(void *), size_t{16},
                                           size_t{64}, size_t{4096},
                                           size_t{1} << 16));

TEST(ArenaTest, DistinctArenasDoNotOverlap) {
  tern_arena *a = nullptr, *b = nullptr;
  ASSERT_EQ(tern_arena_create(256, 64, &a), TERN_OK);
  ASSERT_EQ(tern_arena_create(256, 64, &b), TERN_OK);
  auto *pa = static_cast<char *>(tern_arena_data(a));
  auto *pb = static_cast<char *>(tern_arena_data(b));
  EXPECT_TRUE(pa + 256 <= pb || pb + 256 <= pa);
  tern_arena_destroy(a);
  tern_arena_destroy(b);
}

TEST(ArenaTest, ZeroSizeIsAllowed) {
  tern_arena *arena = sentinel();
  ASSERT_EQ(tern_arena_create(0, 64, &arena), TERN_OK) << tern_last_error();
  ASSERT_NE(arena, nullptr);
  ASSERT_NE(arena, sentinel());
  EXPECT_EQ(tern_arena_size(arena), 0u);
  void *data = tern_arena_data(arena);
  EXPECT_NE(data, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(data) % 64, 0u);
  tern_arena_destroy(arena);
}

TEST(ArenaTest, NullOutArena) {
  tern_clear_error();
  EXPECT_EQ(tern_arena_create(64, 64, nullptr), TERN_ERROR_INVALID_ARGUMENT);
  EXPECT_TRUE(lastErrorContains("out_arena")) << tern_last_error();
}

TEST(ArenaTest, BadAlignmentIsRejected) {
  for (size_t alignment :
       {size_t{0}, size_t{3}, size_t{48}, size_t{100}, sizeof(void *) / 2,
        size_t{1}, (size_t{1} << 12) + 1}) {
    tern_arena *arena = sentinel();
    tern_clear_error();
    EXPECT_EQ(tern_arena_create(64, alignment, &arena),
              TERN_ERROR_INVALID_ARGUMENT)
        << "alignment " << alignment;
    EXPECT_EQ(arena, nullptr) << "alignment " << alignment;
    EXPECT_TRUE(lastErrorContains("alignment")) << tern_last_error();
    EXPECT_TRUE(lastErrorContains("got " + std::to_string(alignment)))
        << tern_last_error();
  }
}

TEST(ArenaTest, OutOfMemoryNamesTheSize) {
  // Far beyond any address space, so the allocator refuses it outright
  // rather than overcommitting.
  size_t huge = SIZE_MAX - 4095;
  tern_arena *arena = sentinel();
  tern_clear_error();
  EXPECT_EQ(tern_arena_create(huge, 64, &arena), TERN_ERROR_OUT_OF_MEMORY);
  EXPECT_EQ(arena, nullptr);
  EXPECT_TRUE(lastErrorContains(std::to_string(huge))) << tern_last_error();
  EXPECT_TRUE(lastErrorContains("bytes")) << tern_last_error();
}

TEST(ArenaTest, NullArenaAccessors) {
  EXPECT_EQ(tern_arena_data(nullptr), nullptr);
  EXPECT_EQ(tern_arena_size(nullptr), 0u);
  tern_arena_destroy(nullptr);
}

} // namespace
