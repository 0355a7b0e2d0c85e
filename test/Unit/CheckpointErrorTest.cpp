//===- CheckpointErrorTest.cpp - One broken file per reader error ---------===//
//
// Each test breaks one thing in an otherwise valid file and checks the whole
// message: it must name the file, the key or tensor, and what is wrong. The
// messages are the readers' interface to a user with a bad checkpoint, so
// they are pinned here word for word.
//
//===----------------------------------------------------------------------===//

#include "CheckpointTestWriters.h"

#include "tern/Import/Checkpoint/Gguf.h"
#include "tern/Import/Checkpoint/Safetensors.h"

#include <gtest/gtest.h>

using namespace tern::checkpoint;
using namespace tern::checkpoint::testing;

namespace {

std::string ggufError(const std::string &bytes) {
  auto file =
      GgufFile::open(llvm::MemoryBuffer::getMemBufferCopy(bytes, "t.gguf"));
  return file ? std::string("(opened)") : llvm::toString(file.takeError());
}

std::string stError(const std::string &bytes) {
  auto file = SafetensorsFile::open(
      llvm::MemoryBuffer::getMemBufferCopy(bytes, "t.safetensors"));
  return file ? std::string("(opened)") : llvm::toString(file.takeError());
}

/// A one-tensor file with one metadata entry whose encoded value is given.
std::string withValue(uint32_t type, const std::string &value,
                      const std::string &key = "a") {
  GgufBuilder b;
  b.kv(key, type, value);
  return b.build();
}

std::string withTensor(GgufTensorSpec spec) {
  GgufBuilder b;
  b.tensor(std::move(spec));
  return b.build();
}

TEST(CheckpointGgufErrors, Header) {
  EXPECT_EQ(ggufError("GG"),
            "t.gguf: truncated file: 2 bytes, too short for the GGUF magic");
  EXPECT_EQ(ggufError("GGML" + le32(3) + le64(0) + le64(0)),
            "t.gguf: bad magic 'GGML', expected 'GGUF' (not a GGUF file)");
  EXPECT_EQ(ggufError("GGUF" + le32(1) + le64(0) + le64(0)),
            "t.gguf: unsupported GGUF version 1 (this reader takes versions "
            "2 and 3)");
  EXPECT_EQ(ggufError("GGUF" + le32(4) + le64(0) + le64(0)),
            "t.gguf: unsupported GGUF version 4 (this reader takes versions "
            "2 and 3)");
  EXPECT_EQ(ggufError("GGUF" + le32(0x03000000) + le64(0) + le64(0)),
            "t.gguf: GGUF version 50331648 looks byte-swapped: big-endian "
            "files are not supported");
  EXPECT_EQ(ggufError("GGUF" + le32(3) + le32(0)),
            "t.gguf: truncated file: the tensor count at offset 8 needs 8 "
            "bytes, only 4 left");
  EXPECT_EQ(ggufError("GGUF" + le32(2) + le64(0) + le64(0)), "(opened)");
}

TEST(CheckpointGgufErrors, AbsurdCounts) {
  GgufBuilder kvs;
  kvs.kvCount = 1ull << 60;
  EXPECT_EQ(ggufError(kvs.build()),
            "t.gguf: the header claims 1152921504606846976 metadata entries, "
            "which cannot fit in the 0 bytes left in the file");
  GgufBuilder tensors;
  tensors.tensorCount = 1000;
  EXPECT_EQ(ggufError(tensors.build()),
            "t.gguf: the header claims 1000 tensors, which cannot fit in the "
            "0 bytes left in the file");
  EXPECT_EQ(ggufError(withValue(kArr, garray(kU32, 1ull << 40, ""))),
            "t.gguf: key 'a' claims 1099511627776 elements of type u32, which "
            "cannot fit in the 0 bytes left in the file");
  EXPECT_EQ(ggufError(withValue(kArr, garray(kStr, 3, gstr("x")))),
            "t.gguf: key 'a' claims 3 elements of type str, which cannot fit "
            "in the 9 bytes left in the file");
}

TEST(CheckpointGgufErrors, Strings) {
  EXPECT_EQ(ggufError("GGUF" + le32(3) + le64(0) + le64(1) + le64(1000) +
                      "abcdefghijklmn"),
            "t.gguf: truncated file: the key of metadata entry 0 at offset 32 "
            "needs 1000 bytes, only 14 left");
  EXPECT_EQ(ggufError(withValue(kU8, le(1, 1), std::string(70000, 'k'))),
            "t.gguf: the key of metadata entry 0 is 70000 bytes long, more "
            "than the 65535 allowed");
  EXPECT_EQ(ggufError(withValue(kU8, le(1, 1), "a\xff")),
            "t.gguf: the key of metadata entry 0 'a\\xff' is not valid UTF-8 "
            "(byte 1)");
  EXPECT_EQ(
      ggufError(withValue(kArr, garray(kStr, 2, gstr("ok") + gstr("\xc3")),
                          "tokenizer.ggml.tokens")),
      "t.gguf: key 'tokenizer.ggml.tokens'[1] '\\xc3' is not valid "
      "UTF-8 (byte 0)");
  EXPECT_EQ(ggufError(withValue(kStr, le64(1ull << 62))),
            "t.gguf: truncated file: key 'a' at offset 45 needs "
            "4611686018427387904 bytes, only 0 left");
}

TEST(CheckpointGgufErrors, Keys) {
  GgufBuilder dup;
  dup.kv("a", kU8, le(1, 1)).kv("a", kU8, le(2, 1));
  EXPECT_EQ(ggufError(dup.build()),
            "t.gguf: duplicate metadata key 'a' (entries 0 and 1)");
  EXPECT_EQ(ggufError(withValue(kU8, le(1, 1), "")),
            "t.gguf: metadata entry 0 has an empty key");
  EXPECT_EQ(ggufError(withValue(13, le(1, 1))),
            "t.gguf: key 'a' has unknown value type 13");
  EXPECT_EQ(ggufError(withValue(kArr, garray(99, 0, ""))),
            "t.gguf: key 'a' is an array of unknown value type 99");
  EXPECT_EQ(ggufError(withValue(kBool, le(2, 1))),
            "t.gguf: key 'a' is a bool of value 2 (must be 0 or 1)");
  EXPECT_EQ(ggufError(withValue(kArr, garray(kBool, 2, le(1, 1) + le(9, 1)))),
            "t.gguf: key 'a'[1] is a bool of value 9 (must be 0 or 1)");
  std::string nested = garray(kU8, 0, "");
  for (int i = 0; i < 8; ++i)
    nested = garray(kArr, 1, nested);
  EXPECT_EQ(ggufError(withValue(kArr, nested)),
            "t.gguf: key 'a'[0][0][0][0][0][0][0][0] nests arrays deeper "
            "than 8");
  EXPECT_EQ(ggufError(withValue(kU64, le64(64), "general.alignment")),
            "t.gguf: key 'general.alignment': expected u32, found u64 64");
  EXPECT_EQ(ggufError(withValue(kU32, le32(48), "general.alignment")),
            "t.gguf: key 'general.alignment' is 48, not a power of two");
  EXPECT_EQ(ggufError(withValue(kU32, le32(0), "general.alignment")),
            "t.gguf: key 'general.alignment' is 0, not a power of two");
}

TEST(CheckpointGgufErrors, TensorInfo) {
  GgufTensorSpec w{"w", 0, {2}, f32(1) + f32(2)};
  GgufTensorSpec longName = w;
  longName.name = std::string(65, 'n');
  EXPECT_EQ(ggufError(withTensor(longName)),
            "t.gguf: the name of tensor 0 is 65 bytes long, more than the 64 "
            "allowed");
  GgufTensorSpec noName = w;
  noName.name = "";
  EXPECT_EQ(ggufError(withTensor(noName)),
            "t.gguf: tensor 0 has an empty name");
  GgufBuilder dup;
  dup.tensor(w).tensor(w);
  EXPECT_EQ(ggufError(dup.build()),
            "t.gguf: duplicate tensor 'w' (tensors 0 and 1)");
  EXPECT_EQ(ggufError(withTensor({"w", 0, {1, 1, 1, 1, 1}, f32(1)})),
            "t.gguf: tensor 'w' has 5 dimensions, more than 4");
  EXPECT_EQ(ggufError(withTensor({"w", 0, {2, uint64_t(-3)}, ""})),
            "t.gguf: tensor 'w' has negative dimension ne[1] = -3");
  EXPECT_EQ(ggufError(withTensor({"w", 0, {1ull << 32, 1ull << 32}, ""})),
            "t.gguf: tensor 'w' has 2 dimensions whose product overflows 2^63");
  EXPECT_EQ(ggufError(withTensor({"w", 4, {2}, f32(1)})),
            "t.gguf: tensor 'w' has unknown ggml type 4");
  EXPECT_EQ(ggufError(withTensor({"w", 8, {33}, std::string(34, '\0')})),
            "t.gguf: tensor 'w' of type q8_0 has rows of 33 elements, not a "
            "multiple of its block of 32");
  EXPECT_EQ(ggufError(withTensor({"w", 36, {64}, std::string(48, '\0')})),
            "t.gguf: tensor 'w' of type i2_s has 64 elements, not a multiple "
            "of 128 (bitnet.cpp's block)");
  EXPECT_EQ(ggufError(withTensor({"w", 0, {1ull << 62}, ""})),
            "t.gguf: tensor 'w' has a size in bytes that overflows 2^64");
}

TEST(CheckpointGgufErrors, DataPlacement) {
  EXPECT_EQ(ggufError(withTensor({"w", 0, {2}, f32(1) + f32(2), 4})),
            "t.gguf: tensor 'w': data offset 4 is not a multiple of the "
            "alignment 32");
  std::string whole = withTensor({"w", 0, {2}, f32(1) + f32(2)});
  EXPECT_EQ(ggufError(whole.substr(0, whole.size() - 1)),
            "t.gguf: tensor 'w': data [0, 0 + 8) runs past the end of the "
            "data section (7 bytes; truncated file?)");
  EXPECT_EQ(ggufError(withTensor({"w", 0, {2}, "", 1ull << 63})),
            "t.gguf: tensor 'w': data [9223372036854775808, "
            "9223372036854775808 + 8) runs past the end of the data section "
            "(0 bytes; truncated file?)");
  GgufBuilder overlap;
  overlap.tensor({"w", 0, {16}, std::string(64, '\0'), 0});
  overlap.tensor({"v", 0, {2}, std::string(8, '\0'), 32});
  EXPECT_EQ(ggufError(overlap.build()),
            "t.gguf: tensor 'v': data [32, 40) overlaps tensor 'w' [0, 64)");
  // The tensor table ends before the aligned start of the data section.
  GgufBuilder tight;
  tight.alignment = 1;
  tight.tensor({"w", 0, {0}, ""});
  std::string bytes = tight.build();
  ASSERT_NE(bytes.size() % 32, 0u);
  EXPECT_EQ(ggufError(bytes),
            "t.gguf: truncated file: the data section would start at offset " +
                std::to_string(bytes.size() + 32 - bytes.size() % 32) +
                ", past the end of the file (" + std::to_string(bytes.size()) +
                " bytes)");
}

TEST(CheckpointSafetensorsErrors, Header) {
  EXPECT_EQ(stError("12345"), "t.safetensors: truncated file: 5 bytes, too "
                              "short for the 8-byte header length");
  EXPECT_EQ(stError(le64(100) + "{}"),
            "t.safetensors: header length 100 runs past the end of the file "
            "(10 bytes; truncated file?)");
  EXPECT_EQ(stError(le64(200000000) + "{}"),
            "t.safetensors: header length 200000000 exceeds the limit of "
            "100000000 bytes (not a safetensors file?)");
  EXPECT_EQ(stError(safetensorsFromHeader("[]", "")),
            "t.safetensors: the header does not start with '{' (not a "
            "safetensors file?)");
  EXPECT_EQ(stError(safetensorsFromHeader("{\"a\":", "")),
            "t.safetensors: invalid JSON header: [1:5, byte=5]: Unexpected "
            "EOF");
  EXPECT_EQ(stError(safetensorsFromHeader("{\"\xff\":1}", "")),
            "t.safetensors: invalid JSON header: [1:2, byte=2]: Invalid UTF-8 "
            "sequence");
  EXPECT_EQ(
      stError(safetensorsFromHeader(
          "{\"a\":" + std::string(100, '[') + std::string(100, ']') + "}", "")),
      "t.safetensors: invalid JSON header: nesting deeper than 16 "
      "levels");
  EXPECT_EQ(stError(safetensorsFromHeader(
                R"({"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},)"
                R"("w":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}})",
                "ab")),
            "t.safetensors: invalid JSON header: duplicate key 'w'");
  EXPECT_EQ(stError(safetensorsFromHeader(R"({"__metadata__":{"n":1}})", "")),
            "t.safetensors: '__metadata__' key 'n' is number 1, expected a "
            "string");
}

TEST(CheckpointSafetensorsErrors, Entries) {
  auto one = [](const std::string &entry, const std::string &data = "") {
    return stError(safetensorsFromHeader("{\"w\":" + entry + "}", data));
  };
  EXPECT_EQ(one("3"), "t.safetensors: tensor 'w' is number 3, expected an "
                      "object with dtype, shape and data_offsets");
  EXPECT_EQ(one(R"({"shape":[],"data_offsets":[0,0]})"),
            "t.safetensors: tensor 'w' has no string 'dtype'");
  EXPECT_EQ(one(R"({"dtype":"F4","shape":[2],"data_offsets":[0,1]})"),
            "t.safetensors: tensor 'w' has unknown dtype 'F4'");
  EXPECT_EQ(one(R"({"dtype":"F32","data_offsets":[0,4]})"),
            "t.safetensors: tensor 'w' has no array 'shape'");
  EXPECT_EQ(one(R"({"dtype":"F32","shape":[2,-3],"data_offsets":[0,4]})"),
            "t.safetensors: tensor 'w': shape[1] is number -3, expected a "
            "non-negative integer");
  EXPECT_EQ(one(R"({"dtype":"F32","shape":[2.5],"data_offsets":[0,4]})"),
            "t.safetensors: tensor 'w': shape[0] is number 2.5, expected a "
            "non-negative integer");
  EXPECT_EQ(one(R"({"dtype":"U8","shape":[4294967296,4294967296,2],)"
                R"("data_offsets":[0,4]})"),
            "t.safetensors: tensor 'w': shape [4294967296, 4294967296]... "
            "has more elements than fit in 64 bits");
  EXPECT_EQ(one(R"({"dtype":"F32","shape":[4611686018427387904],)"
                R"("data_offsets":[0,4]})"),
            "t.safetensors: tensor 'w': F32 [4611686018427387904] has a byte "
            "size that overflows 64 bits");
  EXPECT_EQ(one(R"({"dtype":"F32","shape":[2],"data_offsets":[0]})"),
            "t.safetensors: tensor 'w' has no 'data_offsets' pair [begin, "
            "end]");
  EXPECT_EQ(one(R"({"dtype":"F32","shape":[2],"data_offsets":[0,-8]})"),
            "t.safetensors: tensor 'w': data_offsets[1] is number -8, "
            "expected a non-negative integer");
  EXPECT_EQ(one(R"({"dtype":"F32","shape":[2],"data_offsets":[8,0]})"),
            "t.safetensors: tensor 'w': data_offsets [8, 0) end before they "
            "begin");
  EXPECT_EQ(one(R"({"dtype":"F32","shape":[2],"data_offsets":[0,4]})", "abcd"),
            "t.safetensors: tensor 'w': data_offsets [0, 4) hold 4 bytes, but "
            "F32 [2] needs 8");
  EXPECT_EQ(one(R"({"dtype":"F32","shape":[2],"data_offsets":[0,8]})", "abcd"),
            "t.safetensors: tensor 'w': data_offsets [0, 8) run past the end "
            "of the data (4 bytes; truncated file?)");
  EXPECT_EQ(stError(buildSafetensors(
                {{"a", "F32", {2}, f32(1) + f32(2)},
                 {"b", "F32", {2}, f32(3) + f32(4), std::pair{4ull, 12ull}},
                 {"c", "U8", {4}, "wxyz"}})),
            "t.safetensors: tensor 'b': data_offsets [4, 12) overlap tensor "
            "'a' [0, 8)");
}

} // namespace
