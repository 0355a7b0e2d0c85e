//===- Options.cpp - tern-run's command line ------------------------------===//

#include "Options.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace tern_run {

const char *const kHelpText = R"(usage: tern-run PATH [options]

Loads a library that ternc compiled and runs it: on given or random inputs,
printing a summary of each output, writing outputs as .npy files, comparing
them with expected ones, or timing the model (like iree-run-module,
iree-benchmark-module and llama-bench).

PATH is a libNAME.so or the directory ternc wrote (-o DIR), which must hold
exactly one lib*.so. The model name NAME (the prefix of NAME_info,
NAME_create, NAME_run_tensors, ...) is the file name without "lib" and ".so";
--name overrides it. Everything is resolved with dlopen/dlsym in that library,
which carries its own runtime.

Inputs:
  --input NAME=FILE.npy    the input NAME from a NumPy file (repeatable)
  --input FILE.npy         the next input not named otherwise, in the order
                           of the model's info table
  --random                 fill the inputs not given with random values:
                           uniform in [-1, 1] for floats, integers in
                           [-10, 10] (unsigned: [0, 10]), bools 0 or 1.
                           The default when no --input is given.
  --seed N                 seed of the random inputs (default 1)
  Every file's element type and shape must match the model's exactly
  (.npy v1/v2/v3, little-endian, C order; f32, f64, i8, i16, i32, i64, u8,
  bool; f16, u16, u32, u64 files are read but no model takes them).

Outputs:
  --output-dir DIR         write each output as DIR/NAME.npy (DIR is created)
  --expect NAME=FILE.npy   compare output NAME with FILE (repeatable; NAME=
                           may be left out for a model with one output);
                           prints the worst element, exit status 1 on a
                           mismatch. An element matches when
                           |got - expected| <= atol + rtol * |expected|
  --rtol X, --atol X       tolerances (defaults 1e-5 and 1e-6 for float
                           outputs; integer outputs compare exactly unless
                           one is given)
  For every output tern-run prints its name, type, shape, min, max and mean,
  and for a 1-D or [1, N] output the five largest elements (index, value).

Benchmark:
  --bench                  time NAME_run_tensors (steady clock) after the run
  --warmup N               untimed runs first (default 3)
  --repetitions N, -r N    timed runs (default 20)
  --threads LIST           comma-separated thread limits, one instance each
                           (tern_create_options.num_threads; 0 = no limit of
                           its own, the default)
  Prints for each thread count the median, min and max time in ms and
  runs/s (1000 / median), the peak resident set size, the library's target,
  its weight bytes (from its symbol table) and activation arena bytes.
Language models (a model compiled from a checkpoint: input tokens [T],
output logits [T, vocab]):
  --prompt TEXT            generate after TEXT, tokenized with the model's
                           SentencePiece model (NAME.tokenizer.model next to
                           the library, or --tokenizer FILE); prints the
                           text, and the prompt and generation speed
  --prompt-tokens LIST     the prompt as comma-separated token ids
  -n N                     tokens to generate (default 32)
  --temp X                 temperature (default 0: greedy)
  --top-k N, --top-p X     sampling truncation (defaults: all, 1)
  --seed N                 the sampler's seed (default 1)
  --stop LIST              token ids that end the generation (default: the
                           tokenizer's end-of-sequence id, if known; none:
                           no stop token)
  --print-tokens           print the generated ids, one line
  The compiled model sees a fixed window of T positions; each new token
  runs it again over the tokens so far (no KV cache yet), and generation
  stops when the window is full.

Profile:
  --profile                time each layer (as the model names its layers,
                           e.g. ONNX nodes) over the --warmup and
                           --repetitions runs, with the first --threads
                           value; prints per layer the time, its share, the
                           bytes its kernels move and the operations they
                           do, the GB/s and G op/s achieved, and the
                           layer's roofline time (bytes / read bandwidth)
                           with the share of it reached
  --bandwidth GB/s         the read bandwidth for the roofline (default:
                           measured before profiling, over 128 MiB of
                           varied data, with the same threads)
  --svg FILE               also draw the profile as an SVG bar chart: bytes,
                           operations and time per layer

Report:
  --format text|md|json    how the report is printed: text (default), a
                           Markdown table like llama-bench's, or one JSON
                           object on stdout (model, target, inputs, outputs
                           with their statistics, expect results, bench)

Other:
  --name NAME              the model name, when the file is not libNAME.so
                           or a directory holds several libraries
  -h, --help               this text
  --version                tern-run's version

Exit status: 0 success; 1 an --expect mismatch or a model that failed to
create or run; 2 a usage or input error (missing file, bad .npy, wrong type
or shape, unknown input name, unwritable output directory).

Examples:
  ternc model.mlir -o out --name tm
  tern-run out                                  # random inputs, seed 1
  tern-run out/libtm.so --random --seed 7 --output-dir results
  tern-run out --input pixels=x.npy --expect logits=ref.npy --atol 1e-4
  tern-run out --bench --threads 1,2 -r 100 --format md
  tern-run out --bench --format json | python3 -m json.tool
  tern-run out --profile -r 200 --svg profile.svg
  ternc examples/tiny-lm/bitnet/hf -o lm --name lm --seq-len 64
  tern-run lm --prompt ":hacker: n." -n 32 --temp 0
)";

std::vector<std::string> splitList(const std::string &list) {
  std::vector<std::string> items;
  size_t start = 0;
  while (true) {
    size_t comma = list.find(',', start);
    items.push_back(list.substr(
        start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos)
      return items;
    start = comma + 1;
  }
}

bool splitNamed(const std::string &arg, std::string &name, std::string &file) {
  size_t eq = arg.find('=');
  if (eq == std::string::npos || eq == 0)
    return false;
  std::string n = arg.substr(0, eq);
  if (n.find('/') != std::string::npos)
    return false;
  name = n;
  file = arg.substr(eq + 1);
  return true;
}

namespace {

long long parseInt(const std::string &opt, const std::string &v, long long lo,
                   long long hi) {
  errno = 0;
  char *end = nullptr;
  long long x = std::strtoll(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || errno == ERANGE || x < lo || x > hi)
    throw UsageError(opt + " expects an integer in [" + std::to_string(lo) +
                     ", " + std::to_string(hi) + "], got '" + v + "'");
  return x;
}

double parseDouble(const std::string &opt, const std::string &v) {
  errno = 0;
  char *end = nullptr;
  double x = std::strtod(v.c_str(), &end);
  if (v.empty() || *end != '\0' || errno == ERANGE || !(x >= 0))
    throw UsageError(opt + " expects a non-negative number, got '" + v + "'");
  return x;
}

} // namespace

Options parseOptions(int argc, char **argv) {
  Options o;
  bool havePath = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::string opt = arg, value;
    bool inlineValue = false;
    if (arg.size() > 2 && arg.compare(0, 2, "--") == 0) {
      size_t eq = arg.find('=');
      if (eq != std::string::npos) {
        opt = arg.substr(0, eq);
        value = arg.substr(eq + 1);
        inlineValue = true;
      }
    }
    auto next = [&]() -> std::string {
      if (inlineValue)
        return value;
      if (i + 1 >= argc)
        throw UsageError(opt + " expects a value");
      return argv[++i];
    };
    auto noValue = [&]() {
      if (inlineValue)
        throw UsageError(opt + " takes no value");
    };
    if (opt == "-h" || opt == "--help") {
      o.help = true;
    } else if (opt == "--version") {
      o.version = true;
    } else if (opt == "--name") {
      o.name = next();
      if (o.name.empty())
        throw UsageError("--name expects a non-empty name");
    } else if (opt == "--input" || opt == "-i") {
      o.inputs.push_back(next());
    } else if (opt == "--expect") {
      o.expects.push_back(next());
    } else if (opt == "--random") {
      noValue();
      o.random = true;
    } else if (opt == "--seed") {
      o.seed = static_cast<uint64_t>(
          parseInt(opt, next(), 0, 9223372036854775807LL));
    } else if (opt == "--output-dir" || opt == "-o") {
      o.outputDir = next();
      if (o.outputDir.empty())
        throw UsageError("--output-dir expects a directory");
    } else if (opt == "--rtol") {
      o.rtol = parseDouble(opt, next());
      o.rtolGiven = true;
    } else if (opt == "--atol") {
      o.atol = parseDouble(opt, next());
      o.atolGiven = true;
    } else if (opt == "--bench") {
      noValue();
      o.bench = true;
    } else if (opt == "--warmup") {
      o.warmup = static_cast<int>(parseInt(opt, next(), 0, 1000000));
    } else if (opt == "--repetitions" || opt == "-r") {
      o.repetitions = static_cast<int>(parseInt(opt, next(), 1, 10000000));
    } else if (opt == "--threads" || opt == "-t") {
      std::string list = next();
      o.threads.clear();
      size_t start = 0;
      while (true) {
        size_t comma = list.find(',', start);
        std::string item =
            list.substr(start, comma == std::string::npos ? std::string::npos
                                                          : comma - start);
        o.threads.push_back(
            static_cast<int>(parseInt("--threads", item, 0, 4096)));
        if (comma == std::string::npos)
          break;
        start = comma + 1;
      }
    } else if (opt == "--prompt") {
      o.prompt = next();
      o.generate = true;
    } else if (opt == "--prompt-tokens") {
      o.promptTokens.clear();
      for (const std::string &item : splitList(next()))
        o.promptTokens.push_back(
            static_cast<int32_t>(parseInt(opt, item, 0, INT32_MAX)));
      o.generate = true;
    } else if (opt == "-n" || opt == "--n-predict") {
      o.maxTokens = static_cast<int>(parseInt(opt, next(), 0, 1000000));
    } else if (opt == "--temp") {
      o.temperature = static_cast<float>(parseDouble(opt, next()));
    } else if (opt == "--top-k") {
      o.topK = static_cast<int32_t>(parseInt(opt, next(), 0, INT32_MAX));
    } else if (opt == "--top-p") {
      o.topP = static_cast<float>(parseDouble(opt, next()));
    } else if (opt == "--stop") {
      o.stopTokens.clear();
      o.stopGiven = true;
      std::string list = next();
      if (list != "none")
        for (const std::string &item : splitList(list))
          o.stopTokens.push_back(
              static_cast<int32_t>(parseInt(opt, item, 0, INT32_MAX)));
    } else if (opt == "--print-tokens") {
      noValue();
      o.printTokens = true;
    } else if (opt == "--tokenizer") {
      o.tokenizer = next();
    } else if (opt == "--profile") {
      noValue();
      o.profile = true;
    } else if (opt == "--svg") {
      o.svg = next();
      if (o.svg.empty())
        throw UsageError("--svg expects a file name");
    } else if (opt == "--bandwidth") {
      o.bandwidthGBs = parseDouble(opt, next());
      if (!(o.bandwidthGBs > 0))
        throw UsageError("--bandwidth expects a positive number of GB/s");
    } else if (opt == "--format") {
      std::string f = next();
      if (f == "text")
        o.format = Format::Text;
      else if (f == "md" || f == "markdown")
        o.format = Format::Markdown;
      else if (f == "json")
        o.format = Format::Json;
      else
        throw UsageError("--format expects text, md or json, got '" + f + "'");
    } else if (arg.size() > 1 && arg[0] == '-') {
      throw UsageError("unknown option '" + arg + "' (see tern-run --help)");
    } else if (!havePath) {
      o.path = arg;
      havePath = true;
    } else {
      throw UsageError("unexpected argument '" + arg +
                       "': one PATH only (inputs are given with --input)");
    }
  }
  if (!o.prompt.empty() && !o.promptTokens.empty())
    throw UsageError("give --prompt or --prompt-tokens, not both");
  if (o.generate && (o.bench || o.profile || !o.inputs.empty()))
    throw UsageError("--prompt and --prompt-tokens generate text; they do "
                     "not combine with --input, --bench or --profile");
  if (!o.svg.empty() && !o.profile)
    throw UsageError("--svg draws the profile: add --profile");
  if (!havePath && !o.help && !o.version)
    throw UsageError("no model given: tern-run PATH [options] (see "
                     "tern-run --help)");
  return o;
}

} // namespace tern_run
