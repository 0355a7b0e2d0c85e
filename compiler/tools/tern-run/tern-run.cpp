//===- tern-run.cpp - Run any library that ternc compiled -----------------===//
//
// tern-run PATH [options]: loads libNAME.so (or the one in a directory ternc
// wrote) with dlopen, feeds it .npy or random inputs, prints a summary of
// each output, writes outputs as .npy, compares them with expected ones and
// times the model. See kHelpText (Options.cpp) and README.md.
//
//===----------------------------------------------------------------------===//

#include "Generate.h"
#include "Model.h"
#include "Npy.h"
#include "Options.h"
#include "Report.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>

#ifndef TERN_RUN_VERSION
#define TERN_RUN_VERSION "unknown"
#endif

using namespace tern_run;

namespace {

std::vector<int64_t> infoShape(const tern_tensor_info &t) {
  return std::vector<int64_t>(t.shape, t.shape + t.rank);
}

int64_t infoElements(const tern_tensor_info &t) {
  int64_t n = 1;
  for (int i = 0; i < t.rank; ++i)
    n *= t.shape[i];
  return n;
}

std::string knownNames(const tern_tensor_info *t, int n) {
  std::string out;
  for (int i = 0; i < n; ++i)
    out += (i ? ", " : "") + std::string(t[i].name);
  return out.empty() ? "none" : out;
}

int findByName(const tern_tensor_info *t, int n, const std::string &name) {
  for (int i = 0; i < n; ++i)
    if (name == t[i].name)
      return i;
  return -1;
}

// Deterministic uniform values (the same on every platform).
struct Random {
  std::mt19937_64 rng;
  explicit Random(uint64_t seed) : rng(seed) {}
  double unit() { return (rng() >> 11) * (1.0 / 9007199254740992.0); }
  int64_t range(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(rng() % uint64_t(hi - lo + 1));
  }
};

void fillRandom(Buffer &b, Random &r) {
  int64_t n = b.numElements();
  for (int64_t i = 0; i < n; ++i) {
    void *p = b.data.data() + i * elemTypeSize(b.type);
    switch (b.type) {
    case ElemType::F32: {
      float v = float(r.unit() * 2 - 1);
      std::memcpy(p, &v, 4);
      break;
    }
    case ElemType::F64: {
      double v = r.unit() * 2 - 1;
      std::memcpy(p, &v, 8);
      break;
    }
    case ElemType::I8: {
      int8_t v = int8_t(r.range(-10, 10));
      std::memcpy(p, &v, 1);
      break;
    }
    case ElemType::I16: {
      int16_t v = int16_t(r.range(-10, 10));
      std::memcpy(p, &v, 2);
      break;
    }
    case ElemType::I32: {
      int32_t v = int32_t(r.range(-10, 10));
      std::memcpy(p, &v, 4);
      break;
    }
    case ElemType::I64: {
      int64_t v = r.range(-10, 10);
      std::memcpy(p, &v, 8);
      break;
    }
    case ElemType::U8: {
      uint8_t v = uint8_t(r.range(0, 10));
      std::memcpy(p, &v, 1);
      break;
    }
    case ElemType::Bool: {
      uint8_t v = uint8_t(r.range(0, 1));
      std::memcpy(p, &v, 1);
      break;
    }
    default:
      break;
    }
  }
}

Buffer makeBuffer(const tern_tensor_info &t) {
  Buffer b;
  b.name = t.name;
  b.type = elemTypeFromTern(t.dtype);
  b.shape = infoShape(t);
  b.data.assign(static_cast<size_t>(infoElements(t)) * elemTypeSize(b.type), 0);
  return b;
}

tern_tensor tensorOf(Buffer &b, const tern_tensor_info &t) {
  tern_tensor out;
  std::memset(&out, 0, sizeof(out));
  // A zero-size buffer still needs a non-null pointer.
  static unsigned char empty[64];
  out.data = b.data.empty() ? static_cast<void *>(empty)
                            : static_cast<void *>(b.data.data());
  out.dtype = t.dtype;
  out.rank = t.rank;
  for (int i = 0; i < t.rank; ++i)
    out.shape[i] = t.shape[i];
  return out;
}

void makeDirs(const std::string &dir) {
  std::string partial;
  size_t pos = 0;
  while (pos != std::string::npos) {
    pos = dir.find('/', pos + 1);
    partial = dir.substr(0, pos);
    if (partial.empty())
      continue;
    struct stat st;
    if (stat(partial.c_str(), &st) == 0) {
      if (!S_ISDIR(st.st_mode))
        throw UsageError("cannot use output directory " + dir + ": " + partial +
                         " is not a directory");
      continue;
    }
    if (mkdir(partial.c_str(), 0777) != 0 && errno != EEXIST)
      throw UsageError("cannot create output directory " + dir + ": " +
                       std::strerror(errno));
  }
  if (access(dir.c_str(), W_OK | X_OK) != 0)
    throw UsageError("cannot write to output directory " + dir + ": " +
                     std::strerror(errno));
}

std::string safeFileName(const std::string &name) {
  std::string out = name;
  for (char &c : out)
    if (c == '/' || c == '\0')
      c = '_';
  return out.empty() ? "output" : out;
}

int64_t peakRssBytes() {
  struct rusage ru;
  if (getrusage(RUSAGE_SELF, &ru) != 0)
    return -1;
  return static_cast<int64_t>(ru.ru_maxrss) * 1024; // Linux: kilobytes
}

// Reads the input files and fills the rest with random values.
std::vector<Buffer> prepareInputs(const Options &o, const tern_model_info *info,
                                  std::vector<std::string> &sources) {
  int n = info->num_inputs;
  std::vector<Buffer> inputs(n);
  std::vector<bool> given(n, false);
  sources.assign(n, "");
  std::vector<std::string> positional;
  std::vector<std::pair<int, std::string>> named;
  for (const std::string &arg : o.inputs) {
    std::string name, file;
    if (splitNamed(arg, name, file)) {
      int idx = findByName(info->inputs, n, name);
      if (idx < 0)
        throw UsageError("unknown input '" + name + "' (the model's inputs: " +
                         knownNames(info->inputs, n) + ")");
      if (given[idx])
        throw UsageError("input '" + name + "' given twice");
      given[idx] = true;
      named.emplace_back(idx, file);
    } else {
      positional.push_back(arg);
    }
  }
  for (const std::string &file : positional) {
    int idx = 0;
    while (idx < n && given[idx])
      ++idx;
    if (idx == n)
      throw UsageError("too many inputs: " + file + " is one more than the " +
                       std::to_string(n) + " the model takes (" +
                       knownNames(info->inputs, n) + ")");
    given[idx] = true;
    named.emplace_back(idx, file);
  }
  for (auto &[idx, file] : named) {
    const tern_tensor_info &t = info->inputs[idx];
    NpyArray a;
    try {
      a = readNpy(file);
    } catch (const NpyError &e) {
      throw UsageError("input '" + std::string(t.name) + "': " + e.what());
    }
    ElemType want = elemTypeFromTern(t.dtype);
    std::vector<int64_t> wantShape = infoShape(t);
    if (a.type != want || a.shape != wantShape)
      throw UsageError("input '" + std::string(t.name) + "' expects " +
                       elemTypeName(want) + " " + shapeString(wantShape) +
                       ", " + file + " holds " + elemTypeName(a.type) + " " +
                       shapeString(a.shape));
    inputs[idx].name = t.name;
    inputs[idx].type = a.type;
    inputs[idx].shape = a.shape;
    inputs[idx].data = std::move(a.data);
    sources[idx] = file;
  }
  bool anyMissing = std::count(given.begin(), given.end(), false) > 0;
  bool useRandom = o.random || o.inputs.empty();
  if (anyMissing && !useRandom) {
    int idx = static_cast<int>(std::find(given.begin(), given.end(), false) -
                               given.begin());
    throw UsageError("input '" + std::string(info->inputs[idx].name) +
                     "' not given: use --input " + info->inputs[idx].name +
                     "=FILE.npy, or --random");
  }
  Random r(o.seed);
  for (int i = 0; i < n; ++i) {
    if (given[i])
      continue;
    inputs[i] = makeBuffer(info->inputs[i]);
    fillRandom(inputs[i], r);
    sources[i] = "random (seed " + std::to_string(o.seed) + ")";
  }
  return inputs;
}

struct Expected {
  int output;
  std::string file;
  NpyArray array;
};

std::vector<Expected> readExpected(const Options &o,
                                   const tern_model_info *info) {
  std::vector<Expected> out;
  for (const std::string &arg : o.expects) {
    std::string name, file;
    int idx;
    if (splitNamed(arg, name, file)) {
      idx = findByName(info->outputs, info->num_outputs, name);
      if (idx < 0)
        throw UsageError("--expect: unknown output '" + name +
                         "' (the model's outputs: " +
                         knownNames(info->outputs, info->num_outputs) + ")");
    } else if (info->num_outputs == 1) {
      idx = 0;
      file = arg;
    } else {
      throw UsageError("--expect " + arg + ": the model has " +
                       std::to_string(info->num_outputs) +
                       " outputs; say which: --expect NAME=FILE.npy (" +
                       knownNames(info->outputs, info->num_outputs) + ")");
    }
    const tern_tensor_info &t = info->outputs[idx];
    Expected e{idx, file, {}};
    try {
      e.array = readNpy(file);
    } catch (const NpyError &err) {
      throw UsageError("--expect '" + std::string(t.name) + "': " + err.what());
    }
    if (e.array.shape != infoShape(t))
      throw UsageError("--expect '" + std::string(t.name) + "': output is " +
                       elemTypeName(elemTypeFromTern(t.dtype)) + " " +
                       shapeString(infoShape(t)) + ", " + file + " holds " +
                       elemTypeName(e.array.type) + " " +
                       shapeString(e.array.shape));
    out.push_back(std::move(e));
  }
  return out;
}

CompareResult compare(const Buffer &got, const Expected &e, const Options &o) {
  CompareResult r;
  r.name = got.name;
  r.file = e.file;
  bool exactInts = !elemTypeIsFloat(got.type) &&
                   !elemTypeIsFloat(e.array.type) && !o.rtolGiven &&
                   !o.atolGiven;
  r.rtol = exactInts ? 0 : o.rtol;
  r.atol = exactInts ? 0 : o.atol;
  int64_t n = got.numElements();
  double worstExcess = -1;
  for (int64_t i = 0; i < n; ++i) {
    double g, x, excess;
    bool bad;
    if (exactInts) {
      int64_t gi = elementAsInt(got.type, got.data.data(), i);
      int64_t xi = elementAsInt(e.array.type, e.array.data.data(), i);
      g = double(gi);
      x = double(xi);
      bad = gi != xi;
      excess = bad ? std::fabs(g - x) : 0;
    } else {
      g = elementAsDouble(got.type, got.data.data(), i);
      x = elementAsDouble(e.array.type, e.array.data.data(), i);
      if (std::isnan(g) || std::isnan(x)) {
        bad = !(std::isnan(g) && std::isnan(x));
        excess = bad ? INFINITY : 0;
      } else {
        double diff = std::fabs(g - x);
        double allowed = r.atol + r.rtol * std::fabs(x);
        bad = !(diff <= allowed);
        excess = diff - allowed;
      }
    }
    if (bad)
      ++r.mismatches;
    if (excess > worstExcess || r.worstIndex < 0) {
      worstExcess = excess;
      r.worstIndex = i;
      r.worstGot = g;
      r.worstExpected = x;
    }
  }
  r.elements = n;
  r.ok = r.mismatches == 0;
  r.worstCoords = unravel(r.worstIndex < 0 ? 0 : r.worstIndex, got.shape);
  return r;
}

/// --profile: the model's own per-layer timing over the timed runs.
Profile profileLayers(const Options &o, Model &model,
                      std::vector<tern_tensor> &in,
                      std::vector<tern_tensor> &out) {
  const tern_model_info *info = model.info();
  Profile p;
  p.ran = true;
  p.threads = o.threads.front();
  p.runs = o.repetitions;
  p.bandwidthGiven = o.bandwidthGBs > 0;
  p.readGBs =
      p.bandwidthGiven ? o.bandwidthGBs : measureReadBandwidth(p.threads);
  std::string error;
  void *inst = model.create(p.threads, error);
  if (!inst)
    throw RuntimeError(error);
  auto check = [&](tern_status s, const char *what) {
    if (s != TERN_OK) {
      std::string why = model.lastError(s);
      model.destroy(inst);
      throw RuntimeError(model.name() + what + " failed: " + why);
    }
  };
  for (int w = 0; w < o.warmup; ++w)
    check(model.run(inst, in.data(), in.size(), out.data(), out.size()),
          "_run_tensors");
  check(model.setProfiling(inst, true), "_set_profiling");
  for (int r = 0; r < o.repetitions; ++r)
    check(model.run(inst, in.data(), in.size(), out.data(), out.size()),
          "_run_tensors");
  std::vector<uint64_t> ns(std::max(1, info->num_layers));
  int64_t runs = 0;
  check(model.profile(inst, ns.data(), info->num_layers, &runs), "_profile");
  model.destroy(inst);
  uint64_t total = 0;
  for (int i = 0; i < info->num_layers; ++i)
    total += ns[i];
  for (int i = 0; i < info->num_layers; ++i) {
    const tern_layer_info &l = info->layers[i];
    LayerProfile lp;
    lp.name = l.name;
    lp.op = l.op;
    lp.format = l.format;
    lp.weightBytes = l.weight_bytes;
    lp.bytes = l.bytes;
    lp.ops = l.ops;
    lp.kernelCalls = l.kernel_calls;
    lp.seconds = runs > 0 ? ns[i] * 1e-9 / double(runs) : 0;
    lp.share = total > 0 ? double(ns[i]) / double(total) : 0;
    p.layers.push_back(lp);
  }
  return p;
}

int runTool(int argc, char **argv) {
  Options o = parseOptions(argc, argv);
  if (o.help) {
    std::fputs(kHelpText, stdout);
    return 0;
  }
  if (o.version) {
#ifdef TERN_RUN_SENTENCEPIECE
    std::printf("tern-run (Tern %s), with SentencePiece\n", TERN_RUN_VERSION);
#else
    std::printf("tern-run (Tern %s), without SentencePiece\n",
                TERN_RUN_VERSION);
#endif
    return 0;
  }
  Model model(o.path, o.name);
  const tern_model_info *info = model.info();
  if (o.generate)
    return generate(o, model);

  Report report;
  report.model = model.name();
  report.library = model.libraryPath();
  report.weightBytes = model.weightBytes();
  report.format = o.format;

  std::vector<std::string> sources;
  std::vector<Buffer> inputs = prepareInputs(o, info, sources);
  std::vector<Expected> expected = readExpected(o, info);
  if (!o.outputDir.empty())
    makeDirs(o.outputDir);

  std::vector<Buffer> outputs;
  for (int i = 0; i < info->num_outputs; ++i)
    outputs.push_back(makeBuffer(info->outputs[i]));
  std::vector<tern_tensor> in, out;
  for (int i = 0; i < info->num_inputs; ++i)
    in.push_back(tensorOf(inputs[i], info->inputs[i]));
  for (int i = 0; i < info->num_outputs; ++i)
    out.push_back(tensorOf(outputs[i], info->outputs[i]));

  std::string error;
  void *instance = model.create(0, error);
  if (!instance)
    throw RuntimeError(error);
  const char *target = model.target(instance);
  report.target = target ? target : "";
  tern_status s =
      model.run(instance, in.data(), in.size(), out.data(), out.size());
  if (s != TERN_OK) {
    std::string why = model.lastError(s);
    model.destroy(instance);
    throw RuntimeError(model.name() + "_run_tensors failed: " + why);
  }
  model.destroy(instance);
  report.arenaBytes = model.arenaBytes();

  for (int i = 0; i < info->num_inputs; ++i)
    report.inputs.push_back(
        {inputs[i].name, inputs[i].type, inputs[i].shape, sources[i]});
  for (Buffer &b : outputs)
    report.outputs.push_back(summarize(b));

  if (!o.outputDir.empty()) {
    std::string dir = o.outputDir;
    if (dir.back() != '/')
      dir += '/';
    for (Buffer &b : outputs) {
      std::string file = dir + safeFileName(b.name) + ".npy";
      try {
        writeNpy(file, b.type, b.shape, b.data.data(), b.data.size());
      } catch (const NpyError &e) {
        throw UsageError(e.what());
      }
      report.written.push_back(file);
    }
  }

  bool allMatch = true;
  for (const Expected &e : expected) {
    report.compares.push_back(compare(outputs[e.output], e, o));
    allMatch = allMatch && report.compares.back().ok;
  }

  if (o.bench) {
    report.benchRan = true;
    report.warmup = o.warmup;
    report.repetitions = o.repetitions;
    for (int threads : o.threads) {
      void *inst = model.create(threads, error);
      if (!inst)
        throw RuntimeError(error);
      for (int w = 0; w < o.warmup; ++w)
        if ((s = model.run(inst, in.data(), in.size(), out.data(),
                           out.size())) != TERN_OK)
          throw RuntimeError(model.name() +
                             "_run_tensors failed: " + model.lastError(s));
      std::vector<double> ms;
      ms.reserve(o.repetitions);
      for (int r = 0; r < o.repetitions; ++r) {
        auto t0 = std::chrono::steady_clock::now();
        s = model.run(inst, in.data(), in.size(), out.data(), out.size());
        auto t1 = std::chrono::steady_clock::now();
        if (s != TERN_OK)
          throw RuntimeError(model.name() +
                             "_run_tensors failed: " + model.lastError(s));
        ms.push_back(
            std::chrono::duration<double, std::milli>(t1 - t0).count());
      }
      model.destroy(inst);
      report.bench.push_back(benchStats(threads, ms));
    }
  }
  if (o.profile)
    report.profile = profileLayers(o, model, in, out);
  if (!o.svg.empty())
    writeProfileSvg(o.svg, model.name(), report.profile);
  report.peakRssBytes = peakRssBytes();
  printReport(report, stdout);
  return allMatch ? 0 : 1;
}

} // namespace

int main(int argc, char **argv) {
  try {
    return runTool(argc, argv);
  } catch (const UsageError &e) {
    std::fflush(stdout);
    std::fprintf(stderr, "tern-run: error: %s\n", e.what());
    return 2;
  } catch (const RuntimeError &e) {
    std::fflush(stdout);
    std::fprintf(stderr, "tern-run: error: %s\n", e.what());
    return 1;
  } catch (const std::bad_alloc &) {
    std::fflush(stdout);
    std::fprintf(stderr, "tern-run: error: out of memory\n");
    return 2;
  } catch (const std::exception &e) {
    std::fflush(stdout);
    std::fprintf(stderr, "tern-run: error: %s\n", e.what());
    return 2;
  }
}
