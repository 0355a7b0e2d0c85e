//===- tern-checkpoint-fuzz.cpp - libFuzzer target, checkpoint readers ----===//
//
// Each input is given to every checkpoint reader: as a GGUF file, as a
// safetensors file and as a Hugging Face config.json. Whatever a reader
// accepts is then read the way an importer would read it: every metadata
// value and typed getter, every stored byte of every tensor, and rows of
// every tensor decoded to float (and to trits where the type is ternary).
// A rejected input is a normal outcome; a crash, a hang, a leak or an
// ASan/UBSan report is a finding. test/Unit/CheckpointRobustnessTest.cpp
// runs the same checks deterministically in the normal build.
//
// The readers need only LLVM Support: fuzz/CMakeLists.txt builds this
// target from compiler/lib/Import/Checkpoint/*.cpp alone, and
// `FUZZ_TARGET=checkpoint fuzz/run.sh` builds and runs just it.
//
// Environment (optional):
//   TERN_FUZZ_VERBOSE=1    print why each input was rejected
//
//===----------------------------------------------------------------------===//

#include "tern/Import/Checkpoint/Gguf.h"
#include "tern/Import/Checkpoint/HfCheckpoint.h"
#include "tern/Import/Checkpoint/Safetensors.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

using namespace tern::checkpoint;

namespace {

struct Stats {
  uint64_t inputs = 0;
  uint64_t gguf = 0;
  uint64_t safetensors = 0;
  uint64_t config = 0;
  uint64_t rowsDecoded = 0;
} stats;

bool verbose = false;

/// Rows decoded per tensor: enough to reach every block type, bounded so
/// that a large claimed tensor does not make one input slow.
constexpr uint64_t kRowsPerTensor = 4;

void reject(llvm::Error error) {
  if (verbose)
    llvm::errs() << "rejected: " << llvm::toString(std::move(error)) << "\n";
  else
    llvm::consumeError(std::move(error));
}

/// Touches every byte, so that a view reaching outside the input is an ASan
/// report rather than a silent read.
unsigned touch(llvm::ArrayRef<uint8_t> bytes) {
  unsigned sum = 0;
  for (uint8_t b : bytes)
    sum += b;
  return sum;
}

unsigned readGguf(const GgufFile &file) {
  unsigned sum = 0;
  for (const GgufKeyValue &kv : file.getMetadata()) {
    sum += kv.value.describe().size();
    for (uint64_t i = 0; i < std::min<uint64_t>(kv.value.size(), 16); ++i)
      sum += kv.value.getElement(i).describe().size();
    llvm::consumeError(file.getString(kv.key).takeError());
    llvm::consumeError(file.getU32(kv.key).takeError());
    llvm::consumeError(file.getInt(kv.key).takeError());
    llvm::consumeError(file.getFloat(kv.key).takeError());
    llvm::consumeError(file.getBool(kv.key).takeError());
    llvm::consumeError(file.getStringArray(kv.key).takeError());
    llvm::consumeError(file.getIntArray(kv.key).takeError());
    llvm::consumeError(file.getFloatArray(kv.key).takeError());
  }
  for (const GgufTensor &t : file.getTensors()) {
    sum += touch(t.bytes());
    if (t.numRows() == 0)
      continue;
    std::vector<float> values(t.rowLength());
    std::vector<int8_t> trits(t.rowLength());
    std::vector<float> scales(ternaryScalesPerRow(t));
    for (uint64_t r = 0; r < std::min(t.numRows(), kRowsPerTensor); ++r) {
      if (llvm::Error e = decodeRowF32(t, r, values))
        llvm::consumeError(std::move(e));
      else
        ++stats.rowsDecoded;
      llvm::consumeError(decodeRowTrits(t, r, trits, scales));
    }
  }
  return sum;
}

unsigned readSafetensors(const SafetensorsFile &file) {
  unsigned sum = 0;
  for (const auto &kv : file.getMetadata())
    sum += kv.first.size() + kv.second.size();
  for (const SafetensorsTensor &t : file.getTensors()) {
    sum += touch(t.bytes());
    if (t.numRows() == 0)
      continue;
    std::vector<float> values(t.rowLength());
    for (uint64_t r = 0; r < std::min(t.numRows(), kRowsPerTensor); ++r) {
      if (llvm::Error e = decodeRowF32(t, r, values))
        llvm::consumeError(std::move(e));
      else
        ++stats.rowsDecoded;
    }
  }
  return sum;
}

void readConfig(const ModelConfig &config) {
  for (const auto &kv : config.getRoot()) {
    llvm::StringRef key = kv.first;
    llvm::consumeError(config.getInt(key).takeError());
    llvm::consumeError(config.getDouble(key, 0.5).takeError());
    llvm::consumeError(config.getBool(key, true).takeError());
    llvm::consumeError(config.getString(key).takeError());
    llvm::consumeError(config.getStringArray(key).takeError());
    llvm::consumeError(config.getIntArray(key).takeError());
  }
  llvm::consumeError(config.getDouble("rope_scaling.factor").takeError());
}

void printStats() {
  std::fprintf(stderr,
               "tern-checkpoint-fuzz: %llu inputs: %llu opened as GGUF, %llu "
               "as safetensors, %llu as config.json; %llu rows decoded\n",
               (unsigned long long)stats.inputs, (unsigned long long)stats.gguf,
               (unsigned long long)stats.safetensors,
               (unsigned long long)stats.config,
               (unsigned long long)stats.rowsDecoded);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  const char *v = std::getenv("TERN_FUZZ_VERBOSE");
  verbose = v && *v && *v != '0';
  std::atexit(printStats);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  ++stats.inputs;
  llvm::StringRef bytes(reinterpret_cast<const char *>(data), size);
  // Not null-terminated: the readers must never look past the end.
  auto gguf = GgufFile::open(llvm::MemoryBuffer::getMemBuffer(
      bytes, "fuzz.gguf", /*RequiresNullTerminator=*/false));
  if (gguf) {
    ++stats.gguf;
    volatile unsigned sink = readGguf(**gguf);
    (void)sink;
  } else {
    reject(gguf.takeError());
  }
  auto st = SafetensorsFile::open(llvm::MemoryBuffer::getMemBuffer(
      bytes, "fuzz.safetensors", /*RequiresNullTerminator=*/false));
  if (st) {
    ++stats.safetensors;
    volatile unsigned sink = readSafetensors(**st);
    (void)sink;
  } else {
    reject(st.takeError());
  }
  auto config = ModelConfig::parse(bytes, "config.json");
  if (config) {
    ++stats.config;
    readConfig(*config);
  } else {
    reject(config.takeError());
  }
  return 0;
}
