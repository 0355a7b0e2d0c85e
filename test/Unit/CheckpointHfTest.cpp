//===- CheckpointHfTest.cpp - safetensors files and Hugging Face folders --===//
//
// The safetensors reader over every dtype it decodes, and Hugging Face
// folders: one model.safetensors, shards behind an index, config.json's
// typed getters with their defaults and messages. Files are written by the
// test (CheckpointTestWriters.h) into fresh temporary folders.
//
//===----------------------------------------------------------------------===//

#include "CheckpointTestWriters.h"

#include "tern/Import/Checkpoint/HfCheckpoint.h"
#include "tern/Import/Checkpoint/Safetensors.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using namespace tern::checkpoint;
using namespace tern::checkpoint::testing;

namespace {

std::string errorOf(llvm::Error e) {
  return e ? llvm::toString(std::move(e)) : "";
}

template <typename T> T take(llvm::Expected<T> value) {
  if (!value) {
    ADD_FAILURE() << llvm::toString(value.takeError());
    return T();
  }
  return std::move(*value);
}

std::unique_ptr<SafetensorsFile> openSt(const std::string &bytes) {
  auto file = SafetensorsFile::open(
      llvm::MemoryBuffer::getMemBufferCopy(bytes, "t.safetensors"));
  if (!file) {
    ADD_FAILURE() << llvm::toString(file.takeError());
    return nullptr;
  }
  return std::move(*file);
}

std::vector<float> row(const SafetensorsTensor &t, uint64_t r) {
  std::vector<float> out(t.rowLength());
  EXPECT_EQ(errorOf(decodeRowF32(t, r, out)), "");
  return out;
}

/// A temporary folder, removed with everything in it.
struct TempFolder {
  llvm::SmallString<128> path;
  TempFolder() {
    EXPECT_FALSE(llvm::sys::fs::createUniqueDirectory("tern-ckpt", path));
  }
  ~TempFolder() { llvm::sys::fs::remove_directories(path); }
  std::string file(llvm::StringRef name) const {
    llvm::SmallString<128> p(path);
    llvm::sys::path::append(p, name);
    return std::string(p);
  }
  void write(llvm::StringRef name, const std::string &bytes) const {
    std::error_code ec;
    llvm::raw_fd_ostream os(file(name), ec);
    EXPECT_FALSE(ec) << ec.message();
    os << bytes;
  }
};

TEST(CheckpointSafetensors, DecodesEveryDType) {
  std::string bytes = buildSafetensors(
      {{"f32", "F32", {2, 2}, f32(1) + f32(-2) + f32(3.5f) + f32(4)},
       {"f16", "F16", {3}, le16(0x3c00) + le16(0x0001) + le16(0x7c00)},
       {"bf16", "BF16", {2}, le16(0x3f80) + le16(0xc0a0)},
       {"f64", "F64", {1}, f64(-0.125)},
       {"i8", "I8", {2}, le(0x80, 1) + le(0x7f, 1)},
       {"u8", "U8", {2}, le(0, 1) + le(255, 1)},
       {"i16", "I16", {1}, le16(uint16_t(-7))},
       {"u16", "U16", {1}, le16(65535)},
       {"i32", "I32", {1}, le32(uint32_t(-123456))},
       {"u32", "U32", {1}, le32(4000000000u)},
       {"i64", "I64", {1}, le64(uint64_t(-(1ll << 33)))},
       {"u64", "U64", {1}, le64(1ull << 50)},
       {"bool", "BOOL", {3}, le(1, 1) + le(0, 1) + le(1, 1)},
       {"scalar", "F32", {}, f32(7)},
       {"empty", "F32", {0, 3}, ""}},
      {{"format", "pt"}});
  auto file = openSt(bytes);
  ASSERT_TRUE(file);
  EXPECT_EQ(file->getDataOffset() % 8, 0u);
  EXPECT_EQ(file->getMetadata().at("format"), "pt");
  EXPECT_EQ(file->getTensors().size(), 15u);
  // Ordered by offset: the order written.
  EXPECT_EQ(file->getTensors()[0].name, "f32");
  const SafetensorsTensor &t = *file->findTensor("f32");
  EXPECT_EQ(t.shape, (llvm::SmallVector<uint64_t, 4>{2, 2}));
  EXPECT_EQ(t.numRows(), 2u);
  EXPECT_EQ(row(t, 1), (std::vector<float>{3.5f, 4}));
  auto inf = std::numeric_limits<float>::infinity();
  auto get = [&](const char *name) { return row(*file->findTensor(name), 0); };
  EXPECT_EQ(get("f16"), (std::vector<float>{1, std::ldexp(1.0f, -24), inf}));
  EXPECT_EQ(get("bf16"), (std::vector<float>{1, -5}));
  EXPECT_EQ(get("f64"), (std::vector<float>{-0.125f}));
  EXPECT_EQ(get("i8"), (std::vector<float>{-128, 127}));
  EXPECT_EQ(get("u8"), (std::vector<float>{0, 255}));
  EXPECT_EQ(get("i16"), (std::vector<float>{-7}));
  EXPECT_EQ(get("u16"), (std::vector<float>{65535}));
  EXPECT_EQ(get("i32"), (std::vector<float>{-123456}));
  EXPECT_EQ(get("u32"), (std::vector<float>{4e9f}));
  EXPECT_EQ(get("i64"), (std::vector<float>{-std::ldexp(1.0f, 33)}));
  EXPECT_EQ(get("u64"), (std::vector<float>{std::ldexp(1.0f, 50)}));
  EXPECT_EQ(get("bool"), (std::vector<float>{1, 0, 1}));
  EXPECT_EQ(get("scalar"), (std::vector<float>{7}));
  EXPECT_EQ(file->findTensor("empty")->numRows(), 0u);
  EXPECT_EQ(file->findTensor("scalar")->byteSize(), 4u);
  EXPECT_EQ(safetensorsDTypeName(file->findTensor("bf16")->dtype), "BF16");
}

TEST(CheckpointSafetensors, ViewsPointIntoTheFile) {
  std::string bytes = buildSafetensors(
      {{"a", "F8_E4M3", {2}, "\x01\x02"}, {"b", "I8", {2}, "\x03\x04"}});
  auto file = openSt(bytes);
  ASSERT_TRUE(file);
  const SafetensorsTensor &a = *file->findTensor("a");
  EXPECT_EQ(a.fileOffset, file->getDataOffset());
  EXPECT_EQ(std::string(a.bytes().begin(), a.bytes().end()), "\x01\x02");
  std::vector<float> out(2);
  EXPECT_EQ(errorOf(decodeRowF32(a, 0, out)),
            "t.safetensors: tensor 'a': dtype F8_E4M3 does not decode");
  EXPECT_EQ(errorOf(decodeRowF32(*file->findTensor("b"), 1, out)),
            "t.safetensors: tensor 'b': row 1 is out of range (1 rows)");
  EXPECT_EQ(errorOf(file->getTensor("c").takeError()),
            "t.safetensors: no tensor named 'c'");
}

const char *kConfig = R"({
  "architectures": ["BitNetForCausalLM"],
  "hidden_size": 2560,
  "num_hidden_layers": 30,
  "rms_norm_eps": 1e-05,
  "rope_theta": 500000.0,
  "max_position_embeddings": 4096.0,
  "tie_word_embeddings": true,
  "hidden_act": "relu2",
  "eos_token_id": [128001, 128009],
  "bos_token_id": 128000,
  "rope_scaling": {"factor": 8.0, "rope_type": "llama3"},
  "quantization_config": null
})";

TEST(CheckpointHf, ConfigTypedGetters) {
  auto parsed = ModelConfig::parse(kConfig, "config.json");
  ASSERT_TRUE(bool(parsed)) << llvm::toString(parsed.takeError());
  const ModelConfig &config = *parsed;
  EXPECT_EQ(take(config.getInt("hidden_size")), 2560);
  EXPECT_EQ(take(config.getDouble("rms_norm_eps")), 1e-5);
  EXPECT_EQ(take(config.getDouble("hidden_size")), 2560.0);
  EXPECT_EQ(take(config.getInt("max_position_embeddings")), 4096);
  EXPECT_TRUE(take(config.getBool("tie_word_embeddings")));
  EXPECT_EQ(take(config.getString("hidden_act")), "relu2");
  EXPECT_EQ(take(config.getStringArray("architectures")),
            (std::vector<std::string>{"BitNetForCausalLM"}));
  EXPECT_EQ(take(config.getIntArray("eos_token_id")),
            (std::vector<int64_t>{128001, 128009}));
  EXPECT_EQ(take(config.getIntArray("bos_token_id")),
            (std::vector<int64_t>{128000}));
  EXPECT_EQ(take(config.getDouble("rope_scaling.factor")), 8.0);
  EXPECT_EQ(take(config.getString("rope_scaling.rope_type")), "llama3");
  // Optional keys: absent or null gives the default.
  EXPECT_EQ(take(config.getInt("num_key_value_heads", 20)), 20);
  EXPECT_EQ(take(config.getBool("quantization_config", false)), false);
  EXPECT_EQ(take(config.getString("model_type", "llama")), "llama");
  EXPECT_FALSE(config.has("quantization_config"));
  EXPECT_TRUE(config.has("rope_scaling.factor"));

  EXPECT_EQ(errorOf(config.getInt("hidden_act").takeError()),
            "config.json: key 'hidden_act': expected an integer, found "
            "string \"relu2\"");
  EXPECT_EQ(errorOf(config.getInt("rms_norm_eps").takeError()),
            "config.json: key 'rms_norm_eps': expected an integer, found "
            "number 1.0000000000000001e-05");
  EXPECT_EQ(errorOf(config.getInt("num_attention_heads").takeError()),
            "config.json: missing key 'num_attention_heads' (expected an "
            "integer)");
  EXPECT_EQ(errorOf(config.getDouble("quantization_config").takeError()),
            "config.json: key 'quantization_config': expected a number, "
            "found null");
  EXPECT_EQ(errorOf(config.getInt("hidden_act", 3).takeError()),
            "config.json: key 'hidden_act': expected an integer, found "
            "string \"relu2\"");
  EXPECT_EQ(errorOf(config.getStringArray("eos_token_id").takeError()),
            "config.json: key 'eos_token_id': expected an array of strings, "
            "found an array");
}

TEST(CheckpointHf, SingleFileFolder) {
  TempFolder dir;
  dir.write("config.json", kConfig);
  dir.write("model.safetensors",
            buildSafetensors(
                {{"model.embed_tokens.weight",
                  "BF16",
                  {2, 2},
                  le16(0x3f80) + le16(0x4000) + le16(0x4040) + le16(0x4080)}}));
  auto folder = CheckpointFolder::open(dir.path);
  ASSERT_TRUE(bool(folder)) << llvm::toString(folder.takeError());
  ASSERT_TRUE((*folder)->getConfig());
  EXPECT_EQ(take((*folder)->getConfig()->getInt("num_hidden_layers")), 30);
  EXPECT_EQ((*folder)->getShards().size(), 1u);
  EXPECT_EQ((*folder)->getTensorNames(),
            (std::vector<llvm::StringRef>{"model.embed_tokens.weight"}));
  const SafetensorsTensor *t =
      (*folder)->findTensor("model.embed_tokens.weight");
  ASSERT_TRUE(t);
  EXPECT_EQ(row(*t, 1), (std::vector<float>{3, 4}));
  EXPECT_NE(errorOf((*folder)->getTensor("lm_head.weight").takeError())
                .find("no tensor named 'lm_head.weight' in this checkpoint"),
            std::string::npos);
}

TEST(CheckpointHf, ShardedFolder) {
  TempFolder dir;
  dir.write("model-00001-of-00002.safetensors",
            buildSafetensors({{"a", "F32", {1}, f32(1)},
                              {"b", "F32", {2}, f32(2) + f32(3)},
                              {"unlisted", "F32", {1}, f32(0)}}));
  dir.write("model-00002-of-00002.safetensors",
            buildSafetensors({{"c", "F16", {1}, le16(0xc400)}}));
  dir.write("model.safetensors.index.json", R"({
    "metadata": {"total_size": 14},
    "weight_map": {"a": "model-00001-of-00002.safetensors",
                   "c": "model-00002-of-00002.safetensors",
                   "b": "model-00001-of-00002.safetensors"}})");
  auto folder = CheckpointFolder::open(dir.path);
  ASSERT_TRUE(bool(folder)) << llvm::toString(folder.takeError());
  EXPECT_EQ((*folder)->getConfig(), nullptr);
  EXPECT_EQ((*folder)->getShards().size(), 2u);
  EXPECT_EQ((*folder)->getTensorNames(),
            (std::vector<llvm::StringRef>{"a", "b", "c"}));
  EXPECT_EQ(row(*(*folder)->findTensor("c"), 0), (std::vector<float>{-4}));
  EXPECT_EQ(row(*(*folder)->findTensor("b"), 0), (std::vector<float>{2, 3}));
  EXPECT_EQ((*folder)->findTensor("unlisted"), nullptr);
  EXPECT_NE((*folder)->findTensor("c")->fileName.find("00002"),
            llvm::StringRef::npos);
}

TEST(CheckpointHf, FolderErrors) {
  auto openError = [](const TempFolder &dir) {
    auto folder = CheckpointFolder::open(dir.path);
    return folder ? std::string() : llvm::toString(folder.takeError());
  };
  {
    TempFolder dir;
    EXPECT_EQ(openError(dir),
              dir.path.str().str() +
                  ": no model.safetensors or model.safetensors.index.json in "
                  "this folder");
  }
  {
    TempFolder dir;
    dir.write("model.safetensors.index.json",
              R"({"weight_map": {"x": "../secret.safetensors"}})");
    EXPECT_EQ(openError(dir),
              dir.file("model.safetensors.index.json") +
                  ": weight_map entry 'x' names '../secret.safetensors', "
                  "which is not a file in the folder");
  }
  {
    TempFolder dir;
    dir.write("s.safetensors", buildSafetensors({{"y", "F32", {1}, f32(1)}}));
    dir.write("model.safetensors.index.json",
              R"({"weight_map": {"x": "s.safetensors"}})");
    EXPECT_EQ(openError(dir), dir.file("model.safetensors.index.json") +
                                  ": weight_map puts tensor 'x' in "
                                  "'s.safetensors', which has no such tensor");
  }
  {
    TempFolder dir;
    dir.write("model.safetensors.index.json",
              R"({"weight_map": {"x": "missing.safetensors"}})");
    std::string error = openError(dir);
    EXPECT_NE(error.find(dir.file("missing.safetensors") + ": cannot open"),
              std::string::npos)
        << error;
  }
  {
    TempFolder dir;
    dir.write("model.safetensors.index.json", R"({"weight_map": [1]})");
    EXPECT_EQ(openError(dir), dir.file("model.safetensors.index.json") +
                                  ": no 'weight_map' object");
  }
  {
    TempFolder dir;
    dir.write("config.json", R"({"hidden_size": 1, "hidden_size": 2})");
    dir.write("model.safetensors", buildSafetensors({}));
    EXPECT_EQ(openError(dir), dir.file("config.json") +
                                  ": invalid JSON: duplicate key "
                                  "'hidden_size'");
  }
  {
    TempFolder dir;
    dir.write("config.json", "{\"a\": 1,}");
    dir.write("model.safetensors", buildSafetensors({}));
    EXPECT_NE(openError(dir).find("config.json: invalid JSON: [1:9"),
              std::string::npos)
        << openError(dir);
  }
  {
    TempFolder dir;
    dir.write("config.json", "[1, 2]");
    dir.write("model.safetensors", buildSafetensors({}));
    EXPECT_EQ(openError(dir), dir.file("config.json") +
                                  ": the top level is an array, expected an "
                                  "object");
  }
  EXPECT_EQ(errorOf(CheckpointFolder::open("/nonexistent/tern").takeError()),
            "/nonexistent/tern: not a folder");
}

} // namespace
