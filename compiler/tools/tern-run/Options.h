//===- Options.h - tern-run's command line ----------------------*- C++ -*-===//
#ifndef TERN_RUN_OPTIONS_H
#define TERN_RUN_OPTIONS_H

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace tern_run {

// A usage or input error: printed as "tern-run: error: MESSAGE", exit 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

enum class Format { Text, Markdown, Json };

struct Options {
  std::string path;                 // libNAME.so or a directory ternc wrote
  std::string name;                 // --name: the model name (symbol prefix)
  std::vector<std::string> inputs;  // --input [NAME=]FILE.npy, in order
  std::vector<std::string> expects; // --expect [NAME=]FILE.npy
  bool random = false;
  uint64_t seed = 1;
  std::string outputDir;
  double rtol = 1e-5, atol = 1e-6;
  bool rtolGiven = false, atolGiven = false;
  bool bench = false;
  int warmup = 3;
  int repetitions = 20;
  std::vector<int> threads{0}; // 0: no limit of the instance's own
  bool profile = false;        // --profile: time per layer
  std::string svg;             // --svg FILE: the profile as a bar chart
  double bandwidthGBs = 0;     // --bandwidth: skip measuring it
  // Language models: generation (Generate.h).
  std::string prompt;                // --prompt TEXT
  std::vector<int32_t> promptTokens; // --prompt-tokens LIST
  bool generate = false;             // either was given
  int maxTokens = 32;                // -n
  float temperature = 0.0f;          // --temp
  int32_t topK = 0;                  // --top-k
  float topP = 1.0f;                 // --top-p
  std::vector<int32_t> stopTokens;   // --stop LIST
  bool stopGiven = false;
  bool printTokens = false; // --print-tokens
  std::string tokenizer;    // --tokenizer FILE
  Format format = Format::Text;
  bool help = false, version = false;
};

// Parses argv; throws UsageError.
Options parseOptions(int argc, char **argv);

extern const char *const kHelpText;

// "1,2,3" -> {"1", "2", "3"}.
std::vector<std::string> splitList(const std::string &list);

// Splits "NAME=FILE" (NAME non-empty, without '/'); false for a plain FILE.
bool splitNamed(const std::string &arg, std::string &name, std::string &file);

} // namespace tern_run

#endif
