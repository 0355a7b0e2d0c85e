//===- CheckpointTest.cpp - GGUF metadata, shapes and row decoders --------===//
//
// The GGUF reader against files laid out by the test's own writer
// (CheckpointTestWriters.h): metadata of every value type, nested arrays,
// shapes in both orders, and each tensor type's decoder against values
// computed by hand from the block layouts in Gguf.h. The safetensors and
// Hugging Face side is in CheckpointHfTest.cpp, the error messages in
// CheckpointErrorTest.cpp, truncated and corrupted files in
// CheckpointRobustnessTest.cpp.
//
//===----------------------------------------------------------------------===//

#include "CheckpointTestWriters.h"

#include "tern/Import/Checkpoint/Float16.h"
#include "tern/Import/Checkpoint/Gguf.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

using namespace tern::checkpoint;
using namespace tern::checkpoint::testing;

namespace {

std::unique_ptr<GgufFile> openGguf(const std::string &bytes) {
  auto file =
      GgufFile::open(llvm::MemoryBuffer::getMemBufferCopy(bytes, "t.gguf"));
  if (!file) {
    ADD_FAILURE() << llvm::toString(file.takeError());
    return nullptr;
  }
  return std::move(*file);
}

template <typename T> T take(llvm::Expected<T> value) {
  if (!value) {
    ADD_FAILURE() << llvm::toString(value.takeError());
    return T();
  }
  return std::move(*value);
}

std::string errorOf(llvm::Error e) {
  return e ? llvm::toString(std::move(e)) : "";
}

const GgufTensor &get(const GgufFile &file, llvm::StringRef name) {
  static const GgufTensor none{};
  if (const GgufTensor *t = file.findTensor(name))
    return *t;
  ADD_FAILURE() << "no tensor " << name.str();
  return none;
}

std::vector<float> row(const GgufTensor &t, uint64_t r) {
  std::vector<float> out(t.rowLength());
  EXPECT_EQ(errorOf(decodeRowF32(t, r, out)), "");
  return out;
}

std::string i8s(std::initializer_list<int> values) {
  std::string s;
  for (int v : values)
    s += char(int8_t(v));
  return s;
}

TEST(CheckpointFloat16, HalfConvertsExactly) {
  EXPECT_EQ(halfToFloat(0x3c00), 1.0f);
  EXPECT_EQ(halfToFloat(0xc000), -2.0f);
  EXPECT_EQ(halfToFloat(0x3800), 0.5f);
  EXPECT_EQ(halfToFloat(0x7bff), 65504.0f);
  EXPECT_EQ(halfToFloat(0x0001), std::ldexp(1.0f, -24)); // smallest subnormal
  EXPECT_EQ(halfToFloat(0x03ff), std::ldexp(1023.0f, -24));
  EXPECT_EQ(halfToFloat(0x0400), std::ldexp(1.0f, -14)); // smallest normal
  EXPECT_EQ(halfToFloat(0x8001), -std::ldexp(1.0f, -24));
  EXPECT_EQ(halfToFloat(0x7c00), std::numeric_limits<float>::infinity());
  EXPECT_EQ(halfToFloat(0xfc00), -std::numeric_limits<float>::infinity());
  EXPECT_TRUE(std::isnan(halfToFloat(0x7e00)));
  EXPECT_TRUE(std::signbit(halfToFloat(0x8000)));
  EXPECT_EQ(halfToFloat(0x8000), 0.0f);
}

TEST(CheckpointFloat16, BFloat16IsTheTopHalf) {
  EXPECT_EQ(bfloat16ToFloat(0x3f80), 1.0f);
  EXPECT_EQ(bfloat16ToFloat(0xc0a0), -5.0f);
  EXPECT_EQ(bfloat16ToFloat(0x0001), std::ldexp(1.0f, -133)); // subnormal
  EXPECT_EQ(bfloat16ToFloat(0x7f80), std::numeric_limits<float>::infinity());
}

TEST(CheckpointGguf, MetadataOfEveryType) {
  GgufBuilder b;
  b.kv("general.architecture", kStr, gstr("llama"))
      .kv("a.u8", kU8, le(200, 1))
      .kv("a.i8", kI8, le(uint8_t(-5), 1))
      .kv("a.u16", kU16, le16(60000))
      .kv("a.i16", kI16, le16(uint16_t(-300)))
      .kv("a.u32", kU32, le32(4000000000u))
      .kv("a.i32", kI32, le32(uint32_t(-70000)))
      .kv("a.f32", kF32, f32(1e-5f))
      .kv("a.bool", kBool, le(1, 1))
      .kv("a.u64", kU64, le64(UINT64_MAX))
      .kv("a.i64", kI64, le64(uint64_t(INT64_MIN)))
      .kv("a.f64", kF64, f64(0.1))
      .kv("tokenizer.ggml.tokens", kArr,
          garray(kStr, 3, gstr("<s>") + gstr("h\xc3\xa9") + gstr("")))
      .kv("tokenizer.ggml.token_type", kArr,
          garray(kI32, 3, le32(3) + le32(1) + le32(uint32_t(-1))))
      .kv("tokenizer.ggml.scores", kArr, garray(kF32, 2, f32(0) + f32(-1.5f)))
      .kv("a.nested", kArr,
          garray(kArr, 2,
                 garray(kI32, 1, le32(7)) + garray(kI32, 2, le32(8) + le32(9))))
      .kv("a.empty", kArr, garray(kU8, 0, ""))
      .kv("a.bools", kArr, garray(kBool, 2, le(0, 1) + le(1, 1)));
  auto file = openGguf(b.build());
  ASSERT_TRUE(file);
  EXPECT_EQ(file->getVersion(), 3u);
  EXPECT_EQ(file->getAlignment(), 32u);
  EXPECT_EQ(file->getMetadata().size(), 18u);
  EXPECT_EQ(file->getMetadata()[1].key, "a.u8"); // file order

  EXPECT_EQ(take(file->getString("general.architecture")), "llama");
  EXPECT_EQ(take(file->getUInt("a.u8")), 200u);
  EXPECT_EQ(take(file->getInt("a.i8")), -5);
  EXPECT_EQ(take(file->getU32("a.u16")), 60000u);
  EXPECT_EQ(take(file->getInt("a.i16")), -300);
  EXPECT_EQ(take(file->getU32("a.u32")), 4000000000u);
  EXPECT_EQ(take(file->getInt("a.i32")), -70000);
  EXPECT_EQ(take(file->getFloat("a.f32")), double(1e-5f));
  EXPECT_TRUE(take(file->getBool("a.bool")));
  EXPECT_EQ(take(file->getUInt("a.u64")), UINT64_MAX);
  EXPECT_EQ(take(file->getInt("a.i64")), INT64_MIN);
  EXPECT_EQ(take(file->getFloat("a.f64")), 0.1);
  EXPECT_EQ(file->lookup("a.i16")->getType(), GgufType::Int16);
  EXPECT_EQ(file->lookup("a.f32")->describe(), "f32");

  auto tokens = take(file->getStringArray("tokenizer.ggml.tokens"));
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_EQ(tokens[1], "h\xc3\xa9");
  EXPECT_EQ(tokens[2], "");
  EXPECT_EQ(take(file->getIntArray("tokenizer.ggml.token_type")),
            (std::vector<int64_t>{3, 1, -1}));
  EXPECT_EQ(take(file->getFloatArray("tokenizer.ggml.scores")),
            (std::vector<double>{0.0, -1.5}));
  EXPECT_EQ(file->lookup("tokenizer.ggml.tokens")->describe(), "arr[str, 3]");

  const GgufValue *nested = file->lookup("a.nested");
  ASSERT_TRUE(nested && nested->isArray());
  EXPECT_EQ(nested->getElementType(), GgufType::Array);
  EXPECT_EQ(nested->describe(), "arr[arr[i32, 1], 2]");
  ASSERT_EQ(nested->getArrays().size(), 2u);
  EXPECT_EQ(nested->getArrays()[1].size(), 2u);
  EXPECT_EQ(nested->getArrays()[1].getElement(1).getAsInt(), 9);
  EXPECT_EQ(file->lookup("a.empty")->size(), 0u);
  EXPECT_EQ(file->lookup("a.bools")->getElement(1).getAsBool(), true);

  // Integers convert where the value fits, and nowhere else.
  EXPECT_EQ(take(file->getInt("a.u8")), 200);
  EXPECT_NE(errorOf(file->getUInt("a.i32").takeError()), "");
}

TEST(CheckpointGguf, TypedGettersNameKeyAndType) {
  GgufBuilder b;
  b.kv("a.u64", kU64, le64(UINT64_MAX))
      .kv("a.i32", kI32, le32(uint32_t(-1)))
      .kv("a.name", kStr, gstr("x"))
      .kv("a.big", kU64, le64(1ull << 40));
  auto file = openGguf(b.build());
  ASSERT_TRUE(file);
  EXPECT_EQ(errorOf(file->getInt("a.u64").takeError()),
            "t.gguf: key 'a.u64': expected an integer, found u64 "
            "18446744073709551615");
  EXPECT_EQ(errorOf(file->getUInt("a.i32").takeError()),
            "t.gguf: key 'a.i32': expected a non-negative integer, found "
            "i32 -1");
  EXPECT_EQ(errorOf(file->getU32("a.big").takeError()),
            "t.gguf: key 'a.big': expected an integer in [0, 2^32), found "
            "u64 1099511627776");
  EXPECT_EQ(errorOf(file->getFloat("a.name").takeError()),
            "t.gguf: key 'a.name': expected f32 or f64, found str");
  EXPECT_EQ(errorOf(file->getString("llama.block_count").takeError()),
            "t.gguf: missing metadata key 'llama.block_count' (expected str)");
  EXPECT_EQ(errorOf(file->getStringArray("a.name").takeError()),
            "t.gguf: key 'a.name': expected arr[str], found str");
  // Defaults apply to absent keys only.
  EXPECT_EQ(take(file->getU32("llama.block_count", 26)), 26u);
  EXPECT_EQ(take(file->getFloat("llama.rope.freq_base", 1e4)), 1e4);
  EXPECT_EQ(take(file->getString("general.name", "tern")), "tern");
  EXPECT_NE(errorOf(file->getUInt("a.i32", 3).takeError()), "");
}

TEST(CheckpointGguf, ShapesAlignmentAndOffsets) {
  GgufBuilder b;
  b.alignment = 64;
  b.kv("general.alignment", kU32, le32(64));
  b.tensor(
      {"emb", 0, {3, 2}, f32(1) + f32(2) + f32(3) + f32(4) + f32(5) + f32(6)});
  b.tensor({"scalar", 0, {}, f32(42)});
  b.tensor({"four", 24, {1, 2, 3, 4}, std::string(24, '\x01')});
  b.tensor({"empty", 0, {0, 5}, ""});
  auto file = openGguf(b.build());
  ASSERT_TRUE(file);
  EXPECT_EQ(file->getAlignment(), 64u);
  EXPECT_EQ(file->getDataOffset() % 64, 0u);
  const GgufTensor &emb = get(*file, "emb");
  EXPECT_EQ(emb.ne, (llvm::SmallVector<uint64_t, 4>{3, 2}));
  EXPECT_EQ(emb.shape(), (llvm::SmallVector<uint64_t, 4>{2, 3}));
  EXPECT_EQ(emb.rowLength(), 3u);
  EXPECT_EQ(emb.numRows(), 2u);
  EXPECT_EQ(emb.byteSize, 24u);
  EXPECT_EQ(emb.fileOffset, file->getDataOffset());
  EXPECT_EQ(row(emb, 1), (std::vector<float>{4, 5, 6}));
  const GgufTensor &scalar = get(*file, "scalar");
  EXPECT_EQ(scalar.offset, 64u);
  EXPECT_EQ(scalar.numElements, 1u);
  EXPECT_EQ(row(scalar, 0), (std::vector<float>{42}));
  const GgufTensor &four = get(*file, "four");
  EXPECT_EQ(four.offset, 128u);
  EXPECT_EQ(four.numRows(), 24u);
  EXPECT_EQ(four.shape(), (llvm::SmallVector<uint64_t, 4>{4, 3, 2, 1}));
  const GgufTensor &empty = get(*file, "empty");
  EXPECT_EQ(empty.numElements, 0u);
  EXPECT_EQ(empty.numRows(), 0u);
  EXPECT_EQ(errorOf(file->getTensor("nope").takeError()),
            "t.gguf: no tensor named 'nope'");
}

TEST(CheckpointGguf, OpensAMappedFile) {
  llvm::SmallString<128> path;
  ASSERT_FALSE(llvm::sys::fs::createTemporaryFile("tern-ckpt", "gguf", path));
  GgufBuilder b;
  b.tensor({"w", 0, {2}, f32(0.5f) + f32(-3)});
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(path, ec);
    ASSERT_FALSE(ec);
    os << b.build();
  }
  auto file = GgufFile::open(path);
  ASSERT_TRUE(bool(file)) << llvm::toString(file.takeError());
  EXPECT_EQ((*file)->getFileName(), path.str());
  EXPECT_EQ(row((*file)->getTensors()[0], 0), (std::vector<float>{0.5f, -3}));
  llvm::sys::fs::remove(path);
  EXPECT_NE(errorOf(GgufFile::open(path).takeError()).find("cannot open"),
            std::string::npos);
}

TEST(CheckpointGguf, DecodesPlainTypes) {
  GgufBuilder b;
  b.tensor({"f16",
            1,
            {6},
            le16(0x3c00) + le16(0xc000) + le16(0x0001) + le16(0x03ff) +
                le16(0x7c00) + le16(0xfc00)});
  b.tensor({"bf16", 30, {2}, le16(0x3f80) + le16(0xc0a0)});
  b.tensor({"f64", 28, {2}, f64(0.25) + f64(1e300)});
  b.tensor({"i8", 24, {2}, i8s({-128, 127})});
  b.tensor({"i16", 25, {1}, le16(uint16_t(-1234))});
  b.tensor({"i32", 26, {1}, le32(uint32_t(-100000))});
  b.tensor({"i64", 27, {1}, le64(uint64_t(-(1ll << 40)))});
  auto file = openGguf(b.build());
  ASSERT_TRUE(file);
  auto inf = std::numeric_limits<float>::infinity();
  EXPECT_EQ(row(*file->findTensor("f16"), 0),
            (std::vector<float>{1, -2, std::ldexp(1.0f, -24),
                                std::ldexp(1023.0f, -24), inf, -inf}));
  EXPECT_EQ(row(*file->findTensor("bf16"), 0), (std::vector<float>{1, -5}));
  EXPECT_EQ(row(*file->findTensor("f64"), 0), (std::vector<float>{0.25f, inf}));
  EXPECT_EQ(row(*file->findTensor("i8"), 0), (std::vector<float>{-128, 127}));
  EXPECT_EQ(row(*file->findTensor("i16"), 0), (std::vector<float>{-1234}));
  EXPECT_EQ(row(*file->findTensor("i32"), 0), (std::vector<float>{-100000}));
  EXPECT_EQ(row(*file->findTensor("i64"), 0),
            (std::vector<float>{-std::ldexp(1.0f, 40)}));
}

TEST(CheckpointGguf, DecodesQ8_0) {
  // Two rows of two blocks: d = 0.5, 2, -1, 0.25 (f16 bits).
  const uint16_t scales[4] = {0x3800, 0x4000, 0xbc00, 0x3400};
  std::string data;
  for (int b = 0; b < 4; ++b) {
    data += le16(scales[b]);
    for (int j = 0; j < 32; ++j)
      data += char(int8_t(j * 8 - 128 + b));
  }
  GgufBuilder builder;
  builder.tensor({"q", 8, {64, 2}, data});
  auto file = openGguf(builder.build());
  ASSERT_TRUE(file);
  const GgufTensor &t = file->getTensors()[0];
  EXPECT_EQ(t.byteSize, 4u * 34u);
  const float d[4] = {0.5f, 2.0f, -1.0f, 0.25f};
  for (uint64_t r = 0; r < 2; ++r) {
    std::vector<float> got = row(t, r);
    for (int j = 0; j < 64; ++j) {
      int b = int(r) * 2 + j / 32;
      EXPECT_EQ(got[j], float(int8_t((j % 32) * 8 - 128 + b)) * d[b])
          << "row " << r << " element " << j;
    }
  }
}

TEST(CheckpointGguf, DecodesTq2_0ByHand) {
  // Elements 0, 32 and 129 are +1, -1, +1; every other code is 1 (zero).
  // Byte 0 holds elements 0, 32, 64, 96 in bits 0-1, 2-3, 4-5, 6-7: codes
  // 2, 0, 1, 1 = 0x52. Byte 33 holds 129, 161, 193, 225: 2, 1, 1, 1 = 0x56.
  std::string qs(64, '\x55');
  qs[0] = '\x52';
  qs[33] = '\x56';
  GgufBuilder b;
  b.tensor({"w", 35, {256}, qs + le16(0x3800)});
  auto file = openGguf(b.build());
  ASSERT_TRUE(file);
  const GgufTensor &t = file->getTensors()[0];
  EXPECT_EQ(t.byteSize, 66u);
  std::vector<int8_t> trits(256);
  std::vector<float> scales(1);
  ASSERT_EQ(errorOf(decodeRowTrits(t, 0, trits, scales)), "");
  EXPECT_EQ(scales[0], 0.5f);
  for (int e = 0; e < 256; ++e)
    EXPECT_EQ(trits[e], e == 0 || e == 129 ? 1 : e == 32 ? -1 : 0) << e;
  std::vector<float> values = row(t, 0);
  EXPECT_EQ(values[0], 0.5f);
  EXPECT_EQ(values[32], -0.5f);
  EXPECT_EQ(values[1], 0.0f);

  // Code 3 is not a trit: an error for the trits, 2d as ggml for floats.
  qs[5] = '\x57'; // element 5 (bits 0-1) = 3
  GgufBuilder bad;
  bad.tensor({"w", 35, {256}, qs + le16(0x3c00)});
  auto badFile = openGguf(bad.build());
  ASSERT_TRUE(badFile);
  EXPECT_EQ(errorOf(decodeRowTrits(badFile->getTensors()[0], 0, trits, scales)),
            "t.gguf: tensor 'w': row 0 element 5 has code 3, which is not a "
            "trit");
  EXPECT_EQ(row(badFile->getTensors()[0], 0)[5], 2.0f);
}

TEST(CheckpointGguf, DecodesTq1_0ByHand) {
  // Every qs byte 128 and qh byte 127 encode all-zero trits (digits 1).
  std::string block(48, '\x80');
  block += std::string(4, '\x7f');
  // qs[0] = 188 = ceil(178 * 256 / 243), 178 = 2*81 + 0*27 + 1*9 + 2*3 + 1:
  // elements 0, 32, 64, 96, 128 are +1, -1, 0, +1, 0.
  block[0] = char(188);
  // qs[40] = 71 (t = 67 = 0*81 + 2*27 + 9 + 3 + 1): elements 160 + 8 + 16n
  // for n = 0, 1 are -1, +1.
  block[40] = char(71);
  // qh[1] = 42 (t = 13, times 3 = 39): element 240 + 1 is -1.
  block[49] = char(42);
  GgufBuilder b;
  b.tensor({"w", 34, {256}, block + le16(0x4000)});
  auto file = openGguf(b.build());
  ASSERT_TRUE(file);
  const GgufTensor &t = file->getTensors()[0];
  EXPECT_EQ(t.byteSize, 54u);
  std::vector<int8_t> trits(256);
  std::vector<float> scales(1);
  ASSERT_EQ(errorOf(decodeRowTrits(t, 0, trits, scales)), "");
  EXPECT_EQ(scales[0], 2.0f);
  std::map<int, int> expected = {{0, 1},    {32, -1}, {96, 1},
                                 {168, -1}, {184, 1}, {241, -1}};
  for (int e = 0; e < 256; ++e)
    EXPECT_EQ(trits[e], expected.count(e) ? expected[e] : 0) << e;
  EXPECT_EQ(row(t, 0)[184], 2.0f);
  EXPECT_EQ(row(t, 0)[241], -2.0f);
}

TEST(CheckpointGguf, TernaryRoundTripsOverBlocksAndRows) {
  std::mt19937 rng(7);
  std::vector<int8_t> trits(2 * 512);
  for (int8_t &t : trits)
    t = int8_t(int(rng() % 3) - 1);
  const uint16_t d[4] = {0x3800, 0x3c00, 0x4400, 0x2e66};
  std::string tq1, tq2;
  for (int b = 0; b < 4; ++b) {
    tq1 += packTq1Block(&trits[256 * b], d[b]);
    tq2 += packTq2Block(&trits[256 * b], d[b]);
  }
  GgufBuilder builder;
  builder.tensor({"tq1", 34, {512, 2}, tq1});
  builder.tensor({"tq2", 35, {512, 2}, tq2});
  builder.tensor({"i2s", 36, {512, 2}, packI2S(trits, 0.125f)});
  builder.tensor({"i2s_odd", 36, {64, 16}, packI2S(trits, 3.0f)});
  auto file = openGguf(builder.build());
  ASSERT_TRUE(file);
  for (const GgufTensor &t : file->getTensors()) {
    bool i2s = t.type == GgmlType::I2_S;
    EXPECT_EQ(ternaryScalesPerRow(t), i2s ? 1u : 2u) << t.name.str();
    if (i2s) {
      EXPECT_EQ(t.byteSize, 1024u / 4 + 32);
    }
    std::vector<int8_t> got(t.rowLength());
    std::vector<float> scales(ternaryScalesPerRow(t));
    for (uint64_t r = 0; r < t.numRows(); ++r) {
      ASSERT_EQ(errorOf(decodeRowTrits(t, r, got, scales)), "");
      std::vector<float> values = row(t, r);
      for (uint64_t j = 0; j < t.rowLength(); ++j) {
        uint64_t e = r * t.rowLength() + j;
        ASSERT_EQ(got[j], trits[e]) << t.name.str() << " element " << e;
        float scale = i2s ? scales[0] : halfToFloat(d[e / 256]);
        EXPECT_EQ(i2s ? scales[0] : scales[j / 256], scale);
        EXPECT_EQ(values[j], float(trits[e]) * scale);
      }
    }
  }
}

TEST(CheckpointGguf, DecodesI2SByHand) {
  // Block 0 byte 0 holds elements 0, 32, 64, 96 in bits 7-6, 5-4, 3-2,
  // 1-0: +1, -1, 0, +1 = codes 2, 0, 1, 2 = 0x86. Block 1 byte 5 holds
  // elements 133, 165, 197, 229: 0, 0, -1, 0 = 0x51. The rest is 0x55.
  std::string packed(64, '\x55');
  packed[0] = '\x86';
  packed[32 + 5] = '\x51';
  std::string tail = f32(0.25f);
  tail.resize(32, '\0');
  GgufBuilder b;
  b.tensor({"w", 36, {128, 2}, packed + tail});
  b.tensor({"next", 0, {1}, f32(9)});
  auto file = openGguf(b.build());
  ASSERT_TRUE(file);
  const GgufTensor &t = *file->findTensor("w");
  EXPECT_EQ(t.byteSize, 96u);
  std::vector<int8_t> trits(128);
  std::vector<float> scales(1);
  ASSERT_EQ(errorOf(decodeRowTrits(t, 0, trits, scales)), "");
  EXPECT_EQ(scales[0], 0.25f);
  EXPECT_EQ(trits[0], 1);
  EXPECT_EQ(trits[32], -1);
  EXPECT_EQ(trits[64], 0);
  EXPECT_EQ(trits[96], 1);
  EXPECT_EQ(trits[1], 0);
  ASSERT_EQ(errorOf(decodeRowTrits(t, 1, trits, scales)), "");
  for (int j = 0; j < 128; ++j)
    EXPECT_EQ(trits[j], j == 69 ? -1 : 0) << j;
  EXPECT_EQ(row(t, 1)[69], -0.25f);
  EXPECT_EQ(row(*file->findTensor("next"), 0)[0], 9.0f);

  // Code 3: not a trit; bitnet.cpp's dequantizer reads it as 0.
  packed[1] = '\xd5';
  GgufBuilder bad;
  bad.tensor({"w", 36, {128}, packed.substr(0, 32) + tail});
  auto badFile = openGguf(bad.build());
  ASSERT_TRUE(badFile);
  EXPECT_NE(errorOf(decodeRowTrits(badFile->getTensors()[0], 0, trits, scales))
                .find("element 1 has code 3"),
            std::string::npos);
  EXPECT_EQ(row(badFile->getTensors()[0], 0)[1], 0.0f);
}

TEST(CheckpointGguf, DecodersCheckTheirArguments) {
  GgufBuilder b;
  b.tensor({"f", 0, {2, 2}, std::string(16, '\0')});
  b.tensor({"k", 12, {256}, std::string(144, '\0')}); // q4_K
  auto file = openGguf(b.build());
  ASSERT_TRUE(file);
  const GgufTensor &f = *file->findTensor("f");
  std::vector<float> two(2), three(3);
  std::vector<int8_t> trits(2);
  EXPECT_EQ(errorOf(decodeRowF32(f, 2, two)),
            "t.gguf: tensor 'f': row 2 is out of range (2 rows)");
  EXPECT_EQ(
      errorOf(decodeRowF32(f, 0, three)),
      "t.gguf: tensor 'f': the output buffer holds 3 values, a row has 2");
  EXPECT_EQ(errorOf(decodeRowTrits(f, 0, trits, {})),
            "t.gguf: tensor 'f': type f32 is not ternary (tq1_0, tq2_0, i2_s)");
  EXPECT_EQ(ternaryScalesPerRow(f), 0u);
  std::vector<float> k(256);
  std::string error = errorOf(decodeRowF32(*file->findTensor("k"), 0, k));
  EXPECT_NE(error.find("tensor 'k': type q4_K does not decode"),
            std::string::npos)
      << error;
}

} // namespace
