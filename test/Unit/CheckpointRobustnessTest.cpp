//===- CheckpointRobustnessTest.cpp - Truncated and corrupted checkpoints -===//
//
// The readers' promise is an error or a result, never a crash, whatever the
// bytes. This test holds them to it deterministically (fuzz/
// tern-checkpoint-fuzz.cpp explores further): every prefix of a small valid
// GGUF and safetensors file, thousands of random bit flips and byte
// overwrites with a fixed seed, mutations of the JSON text, and each format
// fed to the other reader. Whatever opens is then read all the way (every
// metadata value, every getter, rows of every tensor), so that a bad value
// that slipped through the checks would surface here. Run it under
// -fsanitize=address,undefined to see what "never a crash" means.
//
//===----------------------------------------------------------------------===//

#include "CheckpointTestWriters.h"

#include "tern/Import/Checkpoint/Gguf.h"
#include "tern/Import/Checkpoint/HfCheckpoint.h"
#include "tern/Import/Checkpoint/Safetensors.h"

#include <gtest/gtest.h>

#include <random>

using namespace tern::checkpoint;
using namespace tern::checkpoint::testing;

namespace {

std::string sampleGguf() {
  std::vector<int8_t> trits(512);
  for (size_t i = 0; i < trits.size(); ++i)
    trits[i] = int8_t(int(i * 7 % 3) - 1);
  std::string q8;
  for (int b = 0; b < 2; ++b) {
    q8 += le16(0x3800);
    for (int j = 0; j < 32; ++j)
      q8 += char(j - 16);
  }
  GgufBuilder b;
  b.kv("general.architecture", kStr, gstr("bitnet-b1.58"))
      .kv("general.alignment", kU32, le32(32))
      .kv("bitnet-b1.58.block_count", kU32, le32(30))
      .kv("bitnet-b1.58.attention.layer_norm_rms_epsilon", kF32, f32(1e-5f))
      .kv("a.flag", kBool, le(1, 1))
      .kv("a.i64", kI64, le64(uint64_t(-5)))
      .kv("tokenizer.ggml.tokens", kArr,
          garray(kStr, 3, gstr("<s>") + gstr("a") + gstr("\xc3\xa9")))
      .kv("tokenizer.ggml.token_type", kArr,
          garray(kI32, 3, le32(3) + le32(1) + le32(1)))
      .kv("a.nested", kArr,
          garray(kArr, 1, garray(kU16, 2, le16(1) + le16(2))));
  b.tensor({"f32", 0, {4, 2}, std::string(32, '\x3f')});
  b.tensor({"f16", 1, {4}, le16(0x3c00) + le16(1) + le16(0x7c00) + le16(0)});
  b.tensor({"bf16", 30, {2}, le16(0x3f80) + le16(0xc0a0)});
  b.tensor({"q8", 8, {32, 2}, q8});
  b.tensor({"tq1", 34, {256}, packTq1Block(trits.data(), 0x3c00)});
  b.tensor({"tq2",
            35,
            {256, 2},
            packTq2Block(trits.data(), 0x3800) +
                packTq2Block(trits.data() + 256, 0x4000)});
  b.tensor(
      {"i2s",
       36,
       {128, 2},
       packI2S(std::vector<int8_t>(trits.begin(), trits.begin() + 256), 0.5f)});
  b.tensor({"i8", 24, {3}, "\x01\x80\x7f"});
  b.tensor({"f64", 28, {1}, f64(2.5)});
  return b.build();
}

std::string sampleSafetensors() {
  return buildSafetensors(
      {{"model.embed.weight",
        "BF16",
        {2, 2},
        le16(0x3f80) + le16(0x4000) + le16(1) + le16(2)},
       {"model.norm.weight", "F32", {3}, f32(1) + f32(2) + f32(3)},
       {"ids", "I64", {1}, le64(7)},
       {"mask", "BOOL", {2}, std::string("\x01\x00", 2)},
       {"fp8", "F8_E5M2", {1}, "\x3c"},
       {"empty", "F16", {0}, ""}},
      {{"format", "pt"}});
}

const char *kSampleConfig = R"({"architectures": ["LlamaForCausalLM"],
  "hidden_size": 64, "rms_norm_eps": 1e-6, "eos_token_id": [1, 2],
  "rope_scaling": {"factor": 8.0}, "tie_word_embeddings": false})";

std::unique_ptr<llvm::MemoryBuffer> buffer(const std::string &bytes,
                                           const char *name) {
  return llvm::MemoryBuffer::getMemBufferCopy(bytes, name);
}

/// Reads everything a consumer could read from an opened file.
void exercise(const GgufFile &file) {
  for (const GgufKeyValue &kv : file.getMetadata()) {
    (void)kv.value.describe();
    for (uint64_t i = 0; i < std::min<uint64_t>(kv.value.size(), 64); ++i)
      (void)kv.value.getElement(i).describe();
    llvm::consumeError(file.getString(kv.key).takeError());
    llvm::consumeError(file.getUInt(kv.key).takeError());
    llvm::consumeError(file.getU32(kv.key).takeError());
    llvm::consumeError(file.getInt(kv.key).takeError());
    llvm::consumeError(file.getFloat(kv.key).takeError());
    llvm::consumeError(file.getBool(kv.key).takeError());
    llvm::consumeError(file.getStringArray(kv.key).takeError());
    llvm::consumeError(file.getIntArray(kv.key).takeError());
    llvm::consumeError(file.getFloatArray(kv.key).takeError());
  }
  for (const GgufTensor &t : file.getTensors()) {
    // Every stored byte is readable (ASan reports it otherwise).
    unsigned sum = 0;
    for (uint8_t byte : t.bytes())
      sum += byte;
    (void)sum;
    EXPECT_GE(t.fileOffset, file.getDataOffset());
    if (t.numRows() == 0)
      continue;
    std::vector<float> values(t.rowLength());
    std::vector<int8_t> trits(t.rowLength());
    std::vector<float> scales(ternaryScalesPerRow(t));
    for (uint64_t r = 0; r < std::min<uint64_t>(t.numRows(), 8); ++r) {
      llvm::consumeError(decodeRowF32(t, r, values));
      llvm::consumeError(decodeRowTrits(t, r, trits, scales));
    }
    llvm::consumeError(decodeRowF32(t, t.numRows(), values));
  }
}

void exercise(const SafetensorsFile &file) {
  for (const SafetensorsTensor &t : file.getTensors()) {
    EXPECT_EQ(file.findTensor(t.name), &t);
    unsigned sum = 0;
    for (uint8_t byte : t.bytes())
      sum += byte;
    (void)sum;
    if (t.numRows() == 0)
      continue;
    std::vector<float> values(t.rowLength());
    for (uint64_t r = 0; r < std::min<uint64_t>(t.numRows(), 8); ++r)
      llvm::consumeError(decodeRowF32(t, r, values));
  }
}

void exercise(const ModelConfig &config) {
  for (const auto &kv : config.getRoot()) {
    llvm::StringRef key = kv.first;
    llvm::consumeError(config.getInt(key).takeError());
    llvm::consumeError(config.getDouble(key, 1.0).takeError());
    llvm::consumeError(config.getBool(key).takeError());
    llvm::consumeError(config.getString(key, "x").takeError());
    llvm::consumeError(config.getStringArray(key).takeError());
    llvm::consumeError(config.getIntArray(key).takeError());
  }
  llvm::consumeError(config.getDouble("rope_scaling.factor").takeError());
}

/// Opens `bytes` with every reader; whatever opens is exercised. Returns
/// how many readers accepted it.
int tryAll(const std::string &bytes) {
  int opened = 0;
  if (auto gguf = GgufFile::open(buffer(bytes, "m.gguf"))) {
    exercise(**gguf);
    ++opened;
  } else {
    std::string message = llvm::toString(gguf.takeError());
    EXPECT_EQ(message.rfind("m.gguf: ", 0), 0u) << message;
  }
  if (auto st = SafetensorsFile::open(buffer(bytes, "m.safetensors"))) {
    exercise(**st);
    ++opened;
  } else {
    std::string message = llvm::toString(st.takeError());
    EXPECT_EQ(message.rfind("m.safetensors: ", 0), 0u) << message;
  }
  if (auto config = ModelConfig::parse(bytes, "config.json")) {
    exercise(*config);
    ++opened;
  } else {
    llvm::consumeError(config.takeError());
  }
  return opened;
}

TEST(CheckpointRobustness, SamplesAreValid) {
  EXPECT_EQ(tryAll(sampleGguf()), 1);
  EXPECT_EQ(tryAll(sampleSafetensors()), 1);
  EXPECT_EQ(tryAll(kSampleConfig), 1);
}

TEST(CheckpointRobustness, EveryPrefixFails) {
  for (const std::string &bytes : {sampleGguf(), sampleSafetensors()})
    for (size_t n = 0; n < bytes.size(); ++n)
      EXPECT_EQ(tryAll(bytes.substr(0, n)), 0) << "prefix of " << n << " bytes";
}

TEST(CheckpointRobustness, RandomBitFlips) {
  std::mt19937_64 rng(0x7e4e);
  int opened = 0;
  for (const std::string &sample : {sampleGguf(), sampleSafetensors()}) {
    for (int iteration = 0; iteration < 4000; ++iteration) {
      std::string bytes = sample;
      int flips = 1 + int(rng() % 4);
      for (int i = 0; i < flips; ++i)
        bytes[rng() % bytes.size()] ^= char(1u << (rng() % 8));
      opened += tryAll(bytes);
    }
  }
  // Most flips land in tensor data and leave a valid file.
  EXPECT_GT(opened, 1000);
}

TEST(CheckpointRobustness, RandomByteOverwrites) {
  // Overwrites with boundary values hit lengths, counts and offsets harder
  // than single bit flips.
  const uint8_t values[] = {0x00, 0xff, 0x7f, 0x80, 0x01, 0x40, 0x20, 0xfe};
  std::mt19937_64 rng(1729);
  for (const std::string &sample : {sampleGguf(), sampleSafetensors()}) {
    for (int iteration = 0; iteration < 4000; ++iteration) {
      std::string bytes = sample;
      int writes = 1 + int(rng() % 3);
      for (int i = 0; i < writes; ++i) {
        // Favour the header, where the structure is.
        size_t limit =
            rng() % 2 ? std::min<size_t>(bytes.size(), 200) : bytes.size();
        bytes[rng() % limit] = char(values[rng() % 8]);
      }
      tryAll(bytes);
    }
  }
}

TEST(CheckpointRobustness, JsonMutations) {
  const char tokens[] = "{}[]\",:-0123456789eE.tfn \\u";
  std::mt19937_64 rng(99);
  std::string st = sampleSafetensors();
  uint64_t headerBytes = 0;
  for (int i = 7; i >= 0; --i)
    headerBytes = headerBytes << 8 | uint8_t(st[i]);
  for (int iteration = 0; iteration < 4000; ++iteration) {
    std::string bytes = st;
    std::string config = kSampleConfig;
    int edits = 1 + int(rng() % 3);
    for (int i = 0; i < edits; ++i) {
      bytes[8 + rng() % headerBytes] = tokens[rng() % (sizeof(tokens) - 1)];
      config[rng() % config.size()] = tokens[rng() % (sizeof(tokens) - 1)];
    }
    tryAll(bytes);
    tryAll(config);
  }
}

TEST(CheckpointRobustness, Cross) {
  // Each format given to the other reader, and to the config parser. Bytes
  // after the last tensor are allowed in both formats.
  EXPECT_EQ(tryAll(sampleGguf() + sampleSafetensors()), 1);
  EXPECT_EQ(tryAll(sampleSafetensors() + sampleGguf()), 1);
  EXPECT_EQ(tryAll(std::string(64, '\xff')), 0);
  EXPECT_EQ(tryAll(std::string(64, '\0')), 0);
}

} // namespace
