//===- TensorTest.cpp - Tests for dtypes, tensor sizes and tensor checks --===//
//
// tern_tensor_check is the only guard between a caller's buffers and the
// kernels, and its message is what a user sees when they feed a model the
// wrong tensor. These tests fix the status of every failure path and the
// exact wording of the messages, and make sure size arithmetic reports
// overflow instead of wrapping.
//
//===----------------------------------------------------------------------===//

#include "tern/runtime.h"

#include "CCallers.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace {

bool lastErrorContains(const std::string &needle) {
  return std::string(tern_last_error()).find(needle) != std::string::npos;
}

#define EXPECT_ERROR_CONTAINS(needle)                                          \
  EXPECT_TRUE(lastErrorContains(needle))                                       \
      << "last error: \"" << tern_last_error()                                 \
      << "\"\nexpected to contain: \"" << (needle) << "\""

tern_tensor_info makeInfo(const char *name, tern_dtype dtype,
                          std::vector<int64_t> shape) {
  tern_tensor_info info = {};
  info.name = name;
  info.dtype = dtype;
  info.rank = static_cast<int32_t>(shape.size());
  for (size_t i = 0; i < shape.size(); ++i)
    info.shape[i] = shape[i];
  return info;
}

tern_tensor makeTensor(void *data, tern_dtype dtype,
                       std::vector<int64_t> shape) {
  tern_tensor tensor = {};
  tensor.data = data;
  tensor.dtype = dtype;
  tensor.rank = static_cast<int32_t>(shape.size());
  for (size_t i = 0; i < shape.size(); ++i)
    tensor.shape[i] = shape[i];
  return tensor;
}

//===----------------------------------------------------------------------===//
// Element types
//===----------------------------------------------------------------------===//

TEST(DtypeTest, Sizes) {
  EXPECT_EQ(tern_dtype_size(TERN_DTYPE_F32), 4u);
  EXPECT_EQ(tern_dtype_size(TERN_DTYPE_F64), 8u);
  EXPECT_EQ(tern_dtype_size(TERN_DTYPE_I8), 1u);
  EXPECT_EQ(tern_dtype_size(TERN_DTYPE_I16), 2u);
  EXPECT_EQ(tern_dtype_size(TERN_DTYPE_I32), 4u);
  EXPECT_EQ(tern_dtype_size(TERN_DTYPE_I64), 8u);
  EXPECT_EQ(tern_dtype_size(TERN_DTYPE_U8), 1u);
  EXPECT_EQ(tern_dtype_size(TERN_DTYPE_BOOL), 1u);
  EXPECT_EQ(c_dtype_size(8), 0u);
  EXPECT_EQ(c_dtype_size(-1), 0u);
  EXPECT_EQ(c_dtype_size(TERN_DTYPE_I16), 2u);
}

TEST(DtypeTest, Names) {
  EXPECT_STREQ(tern_dtype_name(TERN_DTYPE_F32), "f32");
  EXPECT_STREQ(tern_dtype_name(TERN_DTYPE_F64), "f64");
  EXPECT_STREQ(tern_dtype_name(TERN_DTYPE_I8), "i8");
  EXPECT_STREQ(tern_dtype_name(TERN_DTYPE_I16), "i16");
  EXPECT_STREQ(tern_dtype_name(TERN_DTYPE_I32), "i32");
  EXPECT_STREQ(tern_dtype_name(TERN_DTYPE_I64), "i64");
  EXPECT_STREQ(tern_dtype_name(TERN_DTYPE_U8), "u8");
  EXPECT_STREQ(tern_dtype_name(TERN_DTYPE_BOOL), "bool");
  EXPECT_STREQ(c_dtype_name(8), "unknown");
  EXPECT_STREQ(c_dtype_name(-1), "unknown");
  EXPECT_STREQ(c_dtype_name(TERN_DTYPE_U8), "u8");
}

//===----------------------------------------------------------------------===//
// Sizes
//===----------------------------------------------------------------------===//

TEST(TensorInfoTest, NumElements) {
  tern_tensor_info info = makeInfo("t", TERN_DTYPE_F32, {2, 3, 4});
  EXPECT_EQ(tern_tensor_info_num_elements(&info), 24);
  info = makeInfo("t", TERN_DTYPE_F32, {});
  EXPECT_EQ(tern_tensor_info_num_elements(&info), 1);
  info = makeInfo("t", TERN_DTYPE_F32, {1, 1, 1, 1, 1, 1, 1, 7});
  EXPECT_EQ(tern_tensor_info_num_elements(&info), 7);
  info = makeInfo("t", TERN_DTYPE_F32, {5, 0, 3});
  EXPECT_EQ(tern_tensor_info_num_elements(&info), 0);
}

TEST(TensorInfoTest, NumElementsRejectsInvalidInfo) {
  EXPECT_EQ(tern_tensor_info_num_elements(nullptr), -1);

  tern_tensor_info info = makeInfo("t", TERN_DTYPE_F32, {2});
  info.rank = -1;
  EXPECT_EQ(tern_tensor_info_num_elements(&info), -1);
  info.rank = TERN_MAX_RANK + 1;
  EXPECT_EQ(tern_tensor_info_num_elements(&info), -1);

  info = makeInfo("t", TERN_DTYPE_F32, {2, -3});
  EXPECT_EQ(tern_tensor_info_num_elements(&info), -1);
  // A zero dimension does not hide a negative one after it.
  info = makeInfo("t", TERN_DTYPE_F32, {0, -1});
  EXPECT_EQ(tern_tensor_info_num_elements(&info), -1);
}

TEST(TensorInfoTest, NumElementsOverflow) {
  tern_tensor_info info = makeInfo("t", TERN_DTYPE_I8, {INT64_MAX});
  EXPECT_EQ(tern_tensor_info_num_elements(&info), INT64_MAX);
  info = makeInfo("t", TERN_DTYPE_I8, {INT64_MAX, 2});
  EXPECT_EQ(tern_tensor_info_num_elements(&info), -1);
  info = makeInfo("t", TERN_DTYPE_I8, {1 << 20, 1 << 20, 1 << 20, 1 << 20});
  EXPECT_EQ(tern_tensor_info_num_elements(&info), -1);
  // A zero anywhere makes the product zero, however large the rest is.
  info = makeInfo("t", TERN_DTYPE_I8, {INT64_MAX, INT64_MAX, 0});
  EXPECT_EQ(tern_tensor_info_num_elements(&info), 0);
}

TEST(TensorInfoTest, SizeBytes) {
  tern_tensor_info info = makeInfo("t", TERN_DTYPE_F32, {2, 3});
  EXPECT_EQ(tern_tensor_info_size_bytes(&info), 24u);
  info = makeInfo("t", TERN_DTYPE_I64, {5});
  EXPECT_EQ(tern_tensor_info_size_bytes(&info), 40u);
  info = makeInfo("t", TERN_DTYPE_BOOL, {3, 3});
  EXPECT_EQ(tern_tensor_info_size_bytes(&info), 9u);
  info = makeInfo("t", TERN_DTYPE_F64, {});
  EXPECT_EQ(tern_tensor_info_size_bytes(&info), 8u);
  info = makeInfo("t", TERN_DTYPE_F32, {4, 0});
  EXPECT_EQ(tern_tensor_info_size_bytes(&info), 0u);
}

TEST(TensorInfoTest, SizeBytesRejectsInvalidInfo) {
  EXPECT_EQ(tern_tensor_info_size_bytes(nullptr), 0u);
  tern_tensor_info info = makeInfo("t", TERN_DTYPE_F32, {2, 3});
  c_set_info_dtype(&info, 42);
  EXPECT_EQ(tern_tensor_info_size_bytes(&info), 0u);
  info = makeInfo("t", TERN_DTYPE_F32, {2, -3});
  EXPECT_EQ(tern_tensor_info_size_bytes(&info), 0u);
  info = makeInfo("t", TERN_DTYPE_F32, {1});
  info.rank = TERN_MAX_RANK + 1;
  EXPECT_EQ(tern_tensor_info_size_bytes(&info), 0u);
}

TEST(TensorInfoTest, SizeBytesOverflow) {
  // The element count fits in int64_t but the byte count does not fit in
  // size_t.
  tern_tensor_info info = makeInfo("t", TERN_DTYPE_I8, {INT64_MAX});
  EXPECT_EQ(tern_tensor_info_size_bytes(&info), static_cast<size_t>(INT64_MAX));
  if (sizeof(size_t) == 8) {
    info = makeInfo("t", TERN_DTYPE_F64, {INT64_MAX});
    EXPECT_EQ(tern_tensor_info_size_bytes(&info), 0u);
    // 2^62 elements of 4 bytes is exactly 2^64 bytes, one past SIZE_MAX.
    info = makeInfo("t", TERN_DTYPE_F32, {INT64_MAX / 2 + 1});
    EXPECT_EQ(tern_tensor_info_size_bytes(&info), 0u);
    info = makeInfo("t", TERN_DTYPE_F32, {INT64_MAX / 2});
    EXPECT_EQ(tern_tensor_info_size_bytes(&info), SIZE_MAX - 3);
    info = makeInfo("t", TERN_DTYPE_F32, {INT64_MAX / 4});
    EXPECT_EQ(tern_tensor_info_size_bytes(&info),
              static_cast<size_t>(INT64_MAX / 4) * 4);
  }
}

//===----------------------------------------------------------------------===//
// tern_tensor_check
//===----------------------------------------------------------------------===//

class TensorCheckTest : public ::testing::Test {
protected:
  void SetUp() override { tern_clear_error(); }

  float buffer[64] = {};
  tern_tensor_info pixels = makeInfo("pixels", TERN_DTYPE_F32, {1, 64});
};

TEST_F(TensorCheckTest, MatchingTensorPasses) {
  tern_tensor tensor = makeTensor(buffer, TERN_DTYPE_F32, {1, 64});
  EXPECT_EQ(tern_tensor_check(&tensor, &pixels, "input 0"), TERN_OK);
  EXPECT_STREQ(tern_last_error(), "");
}

TEST_F(TensorCheckTest, ScalarPasses) {
  tern_tensor_info scalar = makeInfo("scale", TERN_DTYPE_I32, {});
  tern_tensor tensor = makeTensor(buffer, TERN_DTYPE_I32, {});
  EXPECT_EQ(tern_tensor_check(&tensor, &scalar, "input 1"), TERN_OK);
}

TEST_F(TensorCheckTest, DimensionsPastTheRankAreIgnored) {
  tern_tensor tensor = makeTensor(buffer, TERN_DTYPE_F32, {1, 64});
  for (int i = 2; i < TERN_MAX_RANK; ++i)
    tensor.shape[i] = 999;
  EXPECT_EQ(tern_tensor_check(&tensor, &pixels, "input 0"), TERN_OK);
}

TEST_F(TensorCheckTest, SuccessKeepsTheLastError) {
  tern_set_error(TERN_ERROR_IO, "earlier");
  tern_tensor tensor = makeTensor(buffer, TERN_DTYPE_F32, {1, 64});
  EXPECT_EQ(tern_tensor_check(&tensor, &pixels, "input 0"), TERN_OK);
  EXPECT_STREQ(tern_last_error(), "earlier");
}

TEST_F(TensorCheckTest, ShapeMismatch) {
  tern_tensor tensor = makeTensor(buffer, TERN_DTYPE_F32, {1, 63});
  EXPECT_EQ(tern_tensor_check(&tensor, &pixels, "input 0"),
            TERN_ERROR_SHAPE_MISMATCH);
  EXPECT_STREQ(tern_last_error(),
               "input 0 'pixels': expected shape [1, 64] (f32), found [1, 63] "
               "(f32)");
}

TEST_F(TensorCheckTest, ShapeMismatchInFirstDimension) {
  tern_tensor tensor = makeTensor(buffer, TERN_DTYPE_F32, {2, 64});
  EXPECT_EQ(tern_tensor_check(&tensor, &pixels, "input 3"),
            TERN_ERROR_SHAPE_MISMATCH);
  EXPECT_ERROR_CONTAINS("input 3 'pixels'");
  EXPECT_ERROR_CONTAINS("expected shape [1, 64] (f32), found [2, 64] (f32)");
}

TEST_F(TensorCheckTest, RankMismatch) {
  tern_tensor tensor = makeTensor(buffer, TERN_DTYPE_F32, {64});
  EXPECT_EQ(tern_tensor_check(&tensor, &pixels, "input 0"),
            TERN_ERROR_SHAPE_MISMATCH);
  EXPECT_STREQ(tern_last_error(), "input 0 'pixels': expected rank 2 [1, 64] "
                                  "(f32), found rank 1 [64] (f32)");
}

TEST_F(TensorCheckTest, RankMismatchAgainstScalar) {
  tern_tensor tensor = makeTensor(buffer, TERN_DTYPE_F32, {});
  EXPECT_EQ(tern_tensor_check(&tensor, &pixels, "output 0"),
            TERN_ERROR_SHAPE_MISMATCH);
  EXPECT_ERROR_CONTAINS("output 0 'pixels'");
  EXPECT_ERROR_CONTAINS("found rank 0 [] (f32)");
}

TEST_F(TensorCheckTest, DtypeMismatch) {
  tern_tensor_info logits = makeInfo("logits", TERN_DTYPE_F32, {1, 10});
  tern_tensor tensor = makeTensor(buffer, TERN_DTYPE_I8, {1, 10});
  EXPECT_EQ(tern_tensor_check(&tensor, &logits, "output 1"),
            TERN_ERROR_DTYPE_MISMATCH);
  EXPECT_STREQ(tern_last_error(),
               "output 1 'logits': expected dtype f32, found i8");
}

TEST_F(TensorCheckTest, DtypeMismatchWinsOverShapeMismatch) {
  tern_tensor tensor = makeTensor(buffer, TERN_DTYPE_F64, {3});
  EXPECT_EQ(tern_tensor_check(&tensor, &pixels, "input 0"),
            TERN_ERROR_DTYPE_MISMATCH);
  EXPECT_ERROR_CONTAINS("expected dtype f32, found f64");
}

TEST_F(TensorCheckTest, UnknownTensorDtype) {
  tern_tensor tensor = makeTensor(buffer, TERN_DTYPE_F32, {1, 64});
  c_set_tensor_dtype(&tensor, 42);
  EXPECT_EQ(tern_tensor_check(&tensor, &pixels, "input 0"),
            TERN_ERROR_DTYPE_MISMATCH);
  EXPECT_ERROR_CONTAINS("input 0 'pixels': expected dtype f32, found unknown "
                        "(42)");
}

TEST_F(TensorCheckTest, NullTensor) {
  EXPECT_EQ(tern_tensor_check(nullptr, &pixels, "input 0"),
            TERN_ERROR_INVALID_ARGUMENT);
  EXPECT_ERROR_CONTAINS("input 0 'pixels'");
  EXPECT_ERROR_CONTAINS("tensor is NULL");
  EXPECT_ERROR_CONTAINS("[1, 64] (f32)");
}

TEST_F(TensorCheckTest, NullData) {
  tern_tensor tensor = makeTensor(nullptr, TERN_DTYPE_F32, {1, 64});
  EXPECT_EQ(tern_tensor_check(&tensor, &pixels, "output 2"),
            TERN_ERROR_INVALID_ARGUMENT);
  EXPECT_ERROR_CONTAINS("output 2 'pixels'");
  EXPECT_ERROR_CONTAINS("data is NULL");
  EXPECT_ERROR_CONTAINS("256 bytes");
}

TEST_F(TensorCheckTest, NullInfo) {
  tern_tensor tensor = makeTensor(buffer, TERN_DTYPE_F32, {1, 64});
  EXPECT_EQ(tern_tensor_check(&tensor, nullptr, "input 0"),
            TERN_ERROR_INVALID_ARGUMENT);
  EXPECT_ERROR_CONTAINS("info is NULL");
  EXPECT_ERROR_CONTAINS("input 0");
}

TEST_F(TensorCheckTest, NullRole) {
  tern_tensor tensor = makeTensor(buffer, TERN_DTYPE_F32, {1, 64});
  EXPECT_EQ(tern_tensor_check(&tensor, &pixels, nullptr),
            TERN_ERROR_INVALID_ARGUMENT);
  EXPECT_ERROR_CONTAINS("role is NULL");
}

TEST_F(TensorCheckTest, AllNull) {
  EXPECT_EQ(tern_tensor_check(nullptr, nullptr, nullptr),
            TERN_ERROR_INVALID_ARGUMENT);
  EXPECT_ERROR_CONTAINS("is NULL");
}

TEST_F(TensorCheckTest, UnnamedInfoUsesRoleOnly) {
  tern_tensor_info unnamed = makeInfo(nullptr, TERN_DTYPE_F32, {1, 64});
  tern_tensor tensor = makeTensor(buffer, TERN_DTYPE_F32, {1, 65});
  EXPECT_EQ(tern_tensor_check(&tensor, &unnamed, "input 0"),
            TERN_ERROR_SHAPE_MISMATCH);
  EXPECT_STREQ(tern_last_error(),
               "input 0: expected shape [1, 64] (f32), found [1, 65] (f32)");

  unnamed.name = "";
  EXPECT_EQ(tern_tensor_check(nullptr, &unnamed, "input 0"),
            TERN_ERROR_INVALID_ARGUMENT);
  EXPECT_ERROR_CONTAINS("input 0: tensor is NULL");
}

TEST_F(TensorCheckTest, TensorRankOutOfRange) {
  tern_tensor tensor = makeTensor(buffer, TERN_DTYPE_F32, {1, 64});
  tensor.rank = TERN_MAX_RANK + 1;
  EXPECT_EQ(tern_tensor_check(&tensor, &pixels, "input 0"),
            TERN_ERROR_INVALID_ARGUMENT);
  EXPECT_ERROR_CONTAINS("input 0 'pixels': rank 9 is out of range [0, 8]");
  tensor.rank = -1;
  EXPECT_EQ(tern_tensor_check(&tensor, &pixels, "input 0"),
            TERN_ERROR_INVALID_ARGUMENT);
  EXPECT_ERROR_CONTAINS("rank -1 is out of range");
}

TEST_F(TensorCheckTest, NegativeTensorDimensionIsAMismatch) {
  tern_tensor tensor = makeTensor(buffer, TERN_DTYPE_F32, {1, -64});
  EXPECT_EQ(tern_tensor_check(&tensor, &pixels, "input 0"),
            TERN_ERROR_SHAPE_MISMATCH);
  EXPECT_ERROR_CONTAINS("found [1, -64] (f32)");
}

TEST_F(TensorCheckTest, InvalidInfoIsAnInvalidArgument) {
  tern_tensor tensor = makeTensor(buffer, TERN_DTYPE_F32, {1, 64});

  tern_tensor_info badRank = pixels;
  badRank.rank = 12;
  EXPECT_EQ(tern_tensor_check(&tensor, &badRank, "input 0"),
            TERN_ERROR_INVALID_ARGUMENT);
  EXPECT_ERROR_CONTAINS("input 0 'pixels': info rank 12 is out of range");

  tern_tensor_info badDtype = pixels;
  c_set_info_dtype(&badDtype, -5);
  EXPECT_EQ(tern_tensor_check(&tensor, &badDtype, "input 0"),
            TERN_ERROR_INVALID_ARGUMENT);
  EXPECT_ERROR_CONTAINS("info dtype unknown (-5)");

  tern_tensor_info badDim = makeInfo("pixels", TERN_DTYPE_F32, {1, -64});
  tern_tensor same = makeTensor(buffer, TERN_DTYPE_F32, {1, -64});
  EXPECT_EQ(tern_tensor_check(&same, &badDim, "input 0"),
            TERN_ERROR_INVALID_ARGUMENT);
  EXPECT_ERROR_CONTAINS("info shape [1, -64]");
}

TEST_F(TensorCheckTest, WidestShapesAreNotTruncated) {
  std::vector<int64_t> widest(TERN_MAX_RANK, INT64_MIN);
  std::vector<int64_t> expected(TERN_MAX_RANK, 1);
  tern_tensor_info info = makeInfo("wide", TERN_DTYPE_U8, expected);
  tern_tensor tensor = makeTensor(buffer, TERN_DTYPE_U8, widest);
  EXPECT_EQ(tern_tensor_check(&tensor, &info, "input 0"),
            TERN_ERROR_SHAPE_MISMATCH);
  std::string found = "[";
  for (int i = 0; i < TERN_MAX_RANK; ++i)
    found += (i ? ", " : "") + std::to_string(INT64_MIN);
  found += "] (u8)";
  EXPECT_ERROR_CONTAINS("expected shape [1, 1, 1, 1, 1, 1, 1, 1] (u8), found " +
                        found);
}

TEST_F(TensorCheckTest, LongRoleAndNameAreTruncatedNotOverflowed) {
  std::string longName(2000, 'n');
  tern_tensor_info info = makeInfo(longName.c_str(), TERN_DTYPE_F32, {1, 64});
  tern_tensor tensor = makeTensor(buffer, TERN_DTYPE_F32, {1, 63});
  std::string longRole(2000, 'r');
  EXPECT_EQ(tern_tensor_check(&tensor, &info, longRole.c_str()),
            TERN_ERROR_SHAPE_MISMATCH);
  std::string message = tern_last_error();
  EXPECT_LE(message.size(), 1023u);
  EXPECT_EQ(message.rfind("rrrr", 0), 0u);
  EXPECT_ERROR_CONTAINS("expected shape [1, 64] (f32), found [1, 63] (f32)");
}

} // namespace
