//===- E2E.h - compile models with ternc, run them, compare ----*- C++ -*-===//
//
// The harness the end-to-end suites share (TernaryMatmulTest, ShapeSweepTest):
// models as plain data (a chain of fully connected layers with the weights
// the test generated), their MLIR text, a reference written as plain loops
// over those weights in double, and the compiled library loaded with dlopen.
// Nothing of the compiler is linked in, so a bug in the packing, the raising
// or the kernels cannot cancel out in the reference.
//
// ternc takes a second or two per model, and ctest runs every test case in a
// process of its own, so compiled libraries are cached by the hash of their
// MLIR text and flags: under $TERN_E2E_CACHE_DIR when ctest sets it (a
// fixture removes that folder before and after the run), else in a fresh
// folder under /tmp that the process deletes when it exits.
//
// Header only: each suite is one translation unit.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_TEST_INTEGRATION_E2E_H
#define TERN_TEST_INTEGRATION_E2E_H

#include "tern/runtime.h"

#include <gtest/gtest.h>

#include <dlfcn.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#ifndef TERNC_PATH
#error "TERNC_PATH must name the ternc binary"
#endif

extern char **environ;

namespace tern::e2e {

namespace fs = std::filesystem;

//===----------------------------------------------------------------------===//
// Models
//===----------------------------------------------------------------------===//

/// How the MLIR holds a layer's weights.
enum class Layout {
  NK,        // N x K constant, transposed-B indexing maps (PyTorch's layout)
  KN,        // K x N constant, linalg.matmul's default maps
  Transpose, // N x K constant, linalg.transpose to K x N, default maps
};

/// One fully connected layer: out[m][n] = act(sum_k in[m][k] * w[n][k] +
/// bias[n]). The test keeps the weights as N x K (row n = output channel n)
/// whatever `layout` the MLIR uses.
struct Layer {
  int64_t n = 0, k = 0;
  std::vector<float> weights; // n * k, row-major w[n][k]
  Layout layout = Layout::NK;
  std::vector<float> bias; // empty or n values
  bool relu = false;
  /// Whether tern-raise must turn this layer into tern.ternary_matmul.
  bool ternary = true;
  /// TEAL-style activation threshold (--activation-threshold): inputs with
  /// |x| <= threshold count as zero; negative = none.
  float threshold = -1.0f;
};

/// A chain of layers over one M x K input, with one output.
struct Model {
  std::string name;
  int64_t m = 1;
  std::string inputName = "x", outputName = "y";
  std::vector<Layer> layers;
  /// Extra ternc flags (--ternary-kernel=..., --activation-bits=8).
  std::vector<std::string> flags;

  int64_t inputSize() const { return m * layers.front().k; }
  int64_t outputSize() const { return m * layers.back().n; }
};

enum class Scale { PerTensor, PerRow };

/// N x K ternary weights: every row n is {-a_n, 0, +a_n}, with one a for the
/// whole tensor or one per row. Rows listed in `zeroRows` are all zero.
inline std::vector<float>
ternaryWeights(std::mt19937 &rng, int64_t n, int64_t k, Scale scale,
               const std::vector<int64_t> &zeroRows = {}) {
  std::uniform_int_distribution<int> trit(-1, 1);
  std::uniform_real_distribution<float> magnitude(0.05f, 1.5f);
  float tensorScale = magnitude(rng);
  std::vector<float> w(n * k);
  for (int64_t r = 0; r < n; ++r) {
    float a = scale == Scale::PerRow ? magnitude(rng) : tensorScale;
    bool zero =
        std::find(zeroRows.begin(), zeroRows.end(), r) != zeroRows.end();
    for (int64_t c = 0; c < k; ++c)
      w[r * k + c] = zero ? 0.0f : static_cast<float>(trit(rng)) * a;
  }
  return w;
}

/// N x K floats in [-1, 1]: rows with many magnitudes, never ternary.
inline std::vector<float> denseWeights(std::mt19937 &rng, int64_t n,
                                       int64_t k) {
  std::uniform_real_distribution<float> value(-1.0f, 1.0f);
  std::vector<float> w(n * k);
  for (float &v : w)
    v = value(rng);
  return w;
}

inline std::vector<float> randomVector(std::mt19937 &rng, int64_t size,
                                       float lo, float hi) {
  std::uniform_real_distribution<float> value(lo, hi);
  std::vector<float> v(size);
  for (float &x : v)
    x = value(rng);
  return v;
}

/// A float literal that parses back to exactly `v` (9 significant digits
/// identify an f32; the exponent form always reads as a float).
inline std::string literal(float v) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.9e", static_cast<double>(v));
  return text;
}

/// `text` as an MLIR string literal.
inline std::string mlirString(const std::string &text) {
  std::string s = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\')
      s += '\\';
    s += c;
  }
  return s + "\"";
}

/// `tensor<AxBx...xf32>` of a shape.
inline std::string tensorType(const std::vector<int64_t> &shape) {
  std::string s = "tensor<";
  for (int64_t d : shape)
    s += std::to_string(d) + "x";
  return s + "f32>";
}

inline std::string tensorType(int64_t rows, int64_t cols) {
  return tensorType(std::vector<int64_t>{rows, cols});
}

/// `dense<...>` of a rows x cols matrix given by `at(r, c)`; a splat when
/// every value is the same, as front ends print zero matrices, and MLIR's
/// hex form (the little-endian bytes) past 4096 values, which parses fast.
template <typename At>
inline std::string denseMatrix(int64_t rows, int64_t cols, At at) {
  bool splat = true;
  for (int64_t r = 0; r < rows && splat; ++r)
    for (int64_t c = 0; c < cols && splat; ++c)
      splat = at(r, c) == at(0, 0);
  if (splat)
    return "dense<" + literal(at(0, 0)) + ">";
  if (rows * cols > 4096) {
    static const char digits[] = "0123456789ABCDEF";
    std::string s = "dense<\"0x";
    s.reserve(s.size() + rows * cols * 8 + 2);
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < cols; ++c) {
        float v = at(r, c);
        unsigned char bytes[sizeof(float)];
        std::memcpy(bytes, &v, sizeof(v));
        for (unsigned char b : bytes) // little endian, as x86 stores it
          s += {digits[b >> 4], digits[b & 15]};
      }
    return s + "\">";
  }
  std::string s = "dense<[";
  for (int64_t r = 0; r < rows; ++r) {
    s += r ? ",\n    [" : "\n    [";
    for (int64_t c = 0; c < cols; ++c)
      s += (c ? ", " : "") + literal(at(r, c));
    s += "]";
  }
  return s + "]>";
}

/// Emits layer `l` applied to `in` (an m x l.k value) as ops whose names
/// end in `id`, inside a function that defines `%zero`; returns the name of
/// the m x l.n result.
inline std::string emitLayer(std::ostream &os, const Layer &l, int64_t m,
                             const std::string &id, const std::string &in) {
  std::string nkType = tensorType(l.n, l.k), knType = tensorType(l.k, l.n);
  std::string wType = l.layout == Layout::NK ? nkType : knType;
  std::string inType = tensorType(m, l.k);
  std::string outType = tensorType(m, l.n);
  std::string w = "%w" + id;
  if (l.layout == Layout::KN) {
    os << "  " << w << " = arith.constant "
       << denseMatrix(
              l.k, l.n,
              [&](int64_t r, int64_t c) { return l.weights[c * l.k + r]; })
       << " : " << knType << "\n";
  } else {
    os << "  " << w << " = arith.constant "
       << denseMatrix(
              l.n, l.k,
              [&](int64_t r, int64_t c) { return l.weights[r * l.k + c]; })
       << " : " << nkType << "\n";
  }
  if (l.layout == Layout::Transpose) {
    os << "  %wi" << id << " = tensor.empty() : " << knType << "\n"
       << "  %wt" << id << " = linalg.transpose ins(" << w << " : " << nkType
       << ") outs(%wi" << id << " : " << knType << ") permutation = [1, 0]\n";
    w = "%wt" + id;
  }
  os << "  %e" << id << " = tensor.empty() : " << outType << "\n"
     << "  %f" << id << " = linalg.fill ins(%zero : f32) outs(%e" << id << " : "
     << outType << ") -> " << outType << "\n"
     << "  %m" << id << " = linalg.matmul ";
  if (l.layout == Layout::NK)
    os << "indexing_maps = [affine_map<(m, n, k) -> (m, k)>, "
          "affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, "
          "n)>] ";
  os << "ins(" << in << ", " << w << " : " << inType << ", " << wType
     << ") outs(%f" << id << " : " << outType << ") -> " << outType << "\n";
  std::string h = "%m" + id;
  if (l.bias.empty() && !l.relu)
    return h;
  std::string biasType = "tensor<" + std::to_string(l.n) + "xf32>";
  if (!l.bias.empty()) {
    os << "  %b" << id << " = arith.constant dense<[";
    for (int64_t j = 0; j < l.n; ++j)
      os << (j ? ", " : "") << literal(l.bias[j]);
    os << "]> : " << biasType << "\n";
  }
  os << "  %h" << id
     << " = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, "
        "d1)>, ";
  if (!l.bias.empty())
    os << "affine_map<(d0, d1) -> (d1)>, ";
  os << "affine_map<(d0, d1) -> (d0, d1)>], iterator_types = "
        "[\"parallel\", \"parallel\"]} ins("
     << h;
  if (!l.bias.empty())
    os << ", %b" << id;
  os << " : " << outType;
  if (!l.bias.empty())
    os << ", " << biasType;
  os << ") outs(%e" << id << " : " << outType << ") {\n"
     << (l.bias.empty() ? "  ^bb0(%a: f32, %o: f32):\n"
                        : "  ^bb0(%a: f32, %b: f32, %o: f32):\n");
  std::string v = "%a";
  if (!l.bias.empty()) {
    os << "    %s = arith.addf %a, %b : f32\n";
    v = "%s";
  }
  if (l.relu) {
    os << "    %r = arith.maximumf " << v << ", %zero : f32\n";
    v = "%r";
  }
  os << "    linalg.yield " << v << " : f32\n"
     << "  } -> " << outType << "\n";
  return "%h" + id;
}

/// The model as MLIR: the same form examples/ternary-mlp/model.mlir has.
inline std::string toMlir(const Model &model) {
  std::ostringstream os;
  const Layer &first = model.layers.front(), &last = model.layers.back();
  os << "func.func @" << model.name << "(%x: " << tensorType(model.m, first.k)
     << " {tern.name = " << mlirString(model.inputName) << "}) -> ("
     << tensorType(model.m, last.n)
     << " {tern.name = " << mlirString(model.outputName) << "}) {\n"
     << "  %zero = arith.constant " << literal(0.0f) << " : f32\n";
  std::string h = "%x";
  for (size_t i = 0; i < model.layers.size(); ++i)
    h = emitLayer(os, model.layers[i], model.m, std::to_string(i), h);
  os << "  return " << h << " : " << tensorType(model.m, last.n) << "\n}\n";
  return os.str();
}

//===----------------------------------------------------------------------===//
// Reference
//===----------------------------------------------------------------------===//

/// The expected output, in double, and a bound on its magnitude: for one
/// layer without bias, bound[m][n] = sum_k |x[m][k] * w[n][k]|; a bias adds
/// |bias[n]|, and a later layer sums the earlier bounds times |w|, so the
/// bound grows with every rounding the network can make.
struct Reference {
  std::vector<double> value, bound;
};

inline Reference reference(const Model &model, const float *x) {
  Reference in;
  in.value.assign(x, x + model.inputSize());
  for (double v : in.value)
    in.bound.push_back(std::fabs(v));
  for (const Layer &l : model.layers) {
    if (l.threshold >= 0.0f)
      for (size_t i = 0; i < in.value.size(); ++i)
        if (!(std::fabs(static_cast<float>(in.value[i])) > l.threshold))
          in.value[i] = in.bound[i] = 0.0;
    Reference out;
    out.value.assign(model.m * l.n, 0.0);
    out.bound.assign(model.m * l.n, 0.0);
    for (int64_t m = 0; m < model.m; ++m)
      for (int64_t n = 0; n < l.n; ++n) {
        double sum = 0.0, bound = 0.0;
        for (int64_t k = 0; k < l.k; ++k) {
          double w = l.weights[n * l.k + k];
          sum += in.value[m * l.k + k] * w;
          bound += in.bound[m * l.k + k] * std::fabs(w);
        }
        if (!l.bias.empty()) {
          sum += l.bias[n];
          bound += std::fabs(l.bias[n]);
        }
        if (l.relu)
          sum = std::max(sum, 0.0);
        out.value[m * l.n + n] = sum;
        out.bound[m * l.n + n] = bound;
      }
    in = std::move(out);
  }
  return in;
}

/// Whether every |got[i] - expected[i]| <= tolerance[i] (false for NaN); a
/// failure counts the wrong elements and lists the first 8 as out[row][col]
/// of rows `width` wide.
inline ::testing::AssertionResult
matchesValues(const std::vector<float> &got,
              const std::vector<double> &expected,
              const std::vector<double> &tolerance, int64_t width) {
  if (got.size() != expected.size())
    return ::testing::AssertionFailure()
           << "output has " << got.size() << " elements, expected "
           << expected.size();
  int bad = 0;
  std::ostringstream os;
  for (size_t i = 0; i < got.size(); ++i) {
    double diff = std::fabs(static_cast<double>(got[i]) - expected[i]);
    if (diff <= tolerance[i]) // false for NaN
      continue;
    if (bad++ < 8)
      os << "\n  out[" << i / width << "][" << i % width << "] = " << got[i]
         << ", expected " << expected[i] << " (|diff| " << diff
         << " > tolerance " << tolerance[i] << ")";
  }
  if (bad == 0)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << bad << " of " << got.size() << " elements differ" << os.str();
}

/// Tolerance: |got - ref| <= 1e-5 + 1e-5 * sum_k |x_k * w_k| per output
/// element (the bound of Reference for networks). f32 accumulation of K
/// terms errs by about sqrt(K) * 2^-24 of that sum, well inside 1e-5 for the
/// K used here; a wrong trit, scale or layout is off by a whole term.
inline ::testing::AssertionResult
matchesReference(const Model &model, const float *x,
                 const std::vector<float> &got) {
  Reference ref = reference(model, x);
  std::vector<double> tolerance;
  for (double b : ref.bound)
    tolerance.push_back(1e-5 + 1e-5 * b);
  return matchesValues(got, ref.value, tolerance, model.layers.back().n);
}

/// The int8 kernel's numerics, written out independently: per row,
/// amax = max |x|, q = x * (127 / amax) rounded half away from zero, clamped to
/// [-127, 127] (0 for an all-zero row), an exact integer sum of +-q over
/// the trits, then float(sum) * scale * (amax / 127).
inline std::vector<double> int8Reference(const Model &model, const float *x) {
  const Layer &l = model.layers.front();
  std::vector<double> out(model.m * l.n);
  for (int64_t m = 0; m < model.m; ++m) {
    float amax = 0.0f;
    for (int64_t k = 0; k < l.k; ++k)
      amax = std::max(amax, std::fabs(x[m * l.k + k]));
    std::vector<int32_t> q(l.k, 0);
    if (amax > 0.0f) {
      float inv = 127.0f / amax;
      for (int64_t k = 0; k < l.k; ++k) {
        float v = x[m * l.k + k] * inv;
        float lo = std::floor(v), hi = std::ceil(v);
        float r = v >= 0.0f ? (v - lo >= 0.5f ? lo + 1.0f : lo)
                            : (hi - v >= 0.5f ? hi - 1.0f : hi);
        q[k] = static_cast<int32_t>(std::min(127.0f, std::max(-127.0f, r)));
      }
    }
    for (int64_t n = 0; n < l.n; ++n) {
      int64_t sum = 0;
      float scale = 0.0f;
      for (int64_t k = 0; k < l.k; ++k) {
        float w = l.weights[n * l.k + k];
        if (w != 0.0f)
          scale = std::fabs(w);
        sum += w > 0.0f ? q[k] : (w < 0.0f ? -q[k] : 0);
      }
      out[m * l.n + n] = static_cast<double>(sum) * scale * (amax / 127.0);
    }
  }
  return out;
}

//===----------------------------------------------------------------------===//
// Compiling and loading
//===----------------------------------------------------------------------===//

/// Stands for every generated NAME_model type; the generated functions are
/// called through pointers whose parameters all are pointers.
struct OpaqueModel;

using InfoFn = const tern_model_info *(*)();
using CreateFn = tern_status (*)(OpaqueModel **, const tern_create_options *);
using RunFn = tern_status (*)(OpaqueModel *, const float *, float *);
using RunTensorsFn = tern_status (*)(OpaqueModel *, const tern_tensor *, size_t,
                                     tern_tensor *, size_t);
using DestroyFn = void (*)(OpaqueModel *);
using LastErrorFn = const char *(*)();
using ClearErrorFn = void (*)();
using SetNumThreadsFn = tern_status (*)(int32_t);

/// A loaded model library. The runtime (and its per-thread error message) is
/// linked into each library, so tern_last_error comes from the library too.
struct Library {
  std::string name, dir;
  std::string report; // what `ternc --tern-report` printed
  void *handle = nullptr;
  InfoFn info = nullptr;
  CreateFn create = nullptr;
  RunFn run = nullptr;
  RunTensorsFn runTensors = nullptr;
  DestroyFn destroy = nullptr;
  LastErrorFn lastError = nullptr;
  ClearErrorFn clearError = nullptr;
  SetNumThreadsFn setNumThreads = nullptr; // the library's own runtime's
};

inline std::string readFile(const fs::path &path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// 64-bit FNV-1a: a stable cache key across processes of one build.
inline std::string hashText(const std::string &text) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx",
                static_cast<unsigned long long>(h));
  return hex;
}

/// Runs `argv` with stdout and stderr sent to `log`; returns the exit status
/// or -1 if it did not exit normally.
inline int runProcess(const std::vector<std::string> &args,
                      const fs::path &log) {
  std::vector<char *> argv;
  for (const std::string &a : args)
    argv.push_back(const_cast<char *>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid;
  int err = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (err != 0)
    return -1;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/// Compiles models with ternc once per MLIR text and keeps the libraries
/// loaded until the process exits.
class ModelCache {
public:
  static ModelCache &get() {
    static ModelCache cache;
    return cache;
  }

  /// Compiles (or finds) and loads `model`; fails the current test with the
  /// reason and returns nullptr on error.
  const Library *load(const Model &model) {
    return load(model.name, toMlir(model), model.flags);
  }

  /// The same for a model given as MLIR text whose function is `name`.
  const Library *load(const std::string &name, const std::string &text,
                      const std::vector<std::string> &flags) {
    std::lock_guard<std::mutex> lock(mutex);
    std::string flagText;
    for (const std::string &f : flags)
      flagText += " " + f;
    std::string key = name + "-" + hashText(text + flagText);
    auto it = libraries.find(key);
    if (it != libraries.end())
      return &it->second;

    fs::path dir = root / key;
    if (!fs::exists(dir / ("lib" + name + ".so"))) {
      // Compile into a private folder and rename it into place, so that
      // processes compiling the same model at once never see half a folder.
      fs::path tmp = root / ("tmp-" + key + "-" + std::to_string(getpid()) +
                             "-" + std::to_string(counter++));
      fs::create_directories(tmp);
      fs::path input = tmp / "model.mlir";
      std::ofstream(input) << text;
      fs::path log = root / ("log-" + tmp.filename().string() + ".txt");
      std::vector<std::string> args = {TERNC_PATH,   input.string(), "-o",
                                       tmp.string(), "--name",       name,
                                       "--quiet",    "--tern-report"};
      args.insert(args.end(), flags.begin(), flags.end());
      int rc = runProcess(args, log);
      std::string output = readFile(log);
      fs::remove(log);
      std::ofstream(tmp / "ternc.log") << output;
      if (rc != 0) {
        ADD_FAILURE() << "ternc exited with " << rc << " on model '" << name
                      << "' (" << input.string()
                      << "; set TERN_E2E_CACHE_DIR=<dir> to keep it):\n"
                      << output;
        return nullptr;
      }
      std::error_code ec;
      fs::rename(tmp, dir, ec);
      if (ec) // Another process won the race; use its copy.
        fs::remove_all(tmp);
    }

    Library lib;
    lib.name = name;
    lib.dir = dir.string();
    lib.report = readFile(dir / "ternc.log");
    std::string path = (dir / ("lib" + name + ".so")).string();
    lib.handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!lib.handle) {
      ADD_FAILURE() << "dlopen(" << path << ") failed: " << dlerror();
      return nullptr;
    }
    bool ok = true;
    auto sym = [&](auto &fn, const std::string &symbol) {
      void *p = dlsym(lib.handle, symbol.c_str());
      if (!p) {
        ADD_FAILURE() << path << " does not export " << symbol;
        ok = false;
      }
      fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(p);
    };
    sym(lib.info, name + "_info");
    sym(lib.create, name + "_create");
    sym(lib.run, name + "_run");
    sym(lib.runTensors, name + "_run_tensors");
    sym(lib.destroy, name + "_destroy");
    sym(lib.lastError, "tern_last_error");
    sym(lib.clearError, "tern_clear_error");
    sym(lib.setNumThreads, "tern_set_num_threads");
    if (!ok)
      return nullptr;
    return &libraries.emplace(key, lib).first->second;
  }

  /// Deletes the folder if this process made it. The libraries stay mapped:
  /// Halide's thread pool inside each may still have threads parked.
  void cleanUp() {
    if (ownsRoot) {
      std::error_code ec;
      fs::remove_all(root, ec);
    }
  }

private:
  ModelCache() {
    if (const char *dir = std::getenv("TERN_E2E_CACHE_DIR"); dir && *dir) {
      root = dir;
      fs::create_directories(root);
      return;
    }
    std::string tmpl = (fs::temp_directory_path() / "tern-e2e-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) {
      std::perror("mkdtemp");
      std::abort();
    }
    root = tmpl;
    ownsRoot = true;
  }

  std::mutex mutex;
  fs::path root;
  bool ownsRoot = false;
  int counter = 0;
  std::map<std::string, Library> libraries;
};

class CacheEnvironment : public ::testing::Environment {
public:
  void TearDown() override { ModelCache::get().cleanUp(); }
};

inline const ::testing::Environment *const cacheEnvironment =
    ::testing::AddGlobalTestEnvironment(new CacheEnvironment);

/// Where a crash inside a model's kernels jumps back to, per thread.
inline thread_local sigjmp_buf *crashLanding = nullptr;

inline void onKernelCrash(int sig) {
  if (crashLanding)
    siglongjmp(*crashLanding, sig);
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

/// Calls `fn` and returns 0, or the signal that killed it (SIGILL, SIGSEGV,
/// SIGBUS, SIGFPE on this thread), so that a kernel that crashes fails its
/// test instead of ending every test after it.
template <typename Fn> int survivingCrashes(Fn &&fn) {
  static std::once_flag installed;
  std::call_once(installed, [] {
    struct sigaction action;
    std::memset(&action, 0, sizeof(action));
    action.sa_handler = onKernelCrash;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_NODEFER;
    for (int sig : {SIGILL, SIGSEGV, SIGBUS, SIGFPE})
      sigaction(sig, &action, nullptr);
  });
  sigjmp_buf landing;
  if (int sig = sigsetjmp(landing, 1)) {
    crashLanding = nullptr;
    return sig;
  }
  crashLanding = &landing;
  fn();
  crashLanding = nullptr;
  return 0;
}

/// Runs `call` (a NAME_run or NAME_run_tensors call) and expects TERN_OK.
template <typename Call>
::testing::AssertionResult runsOk(const Library &lib, Call &&call) {
  tern_status status = TERN_OK;
  int sig = survivingCrashes([&] { status = call(); });
  if (sig != 0)
    return ::testing::AssertionFailure()
           << lib.name << "'s kernels died with signal " << sig << " ("
           << strsignal(sig) << ")"
           << (sig == SIGILL ? ": they use an instruction this CPU does not "
                               "have (see HostTarget.OnlyFeaturesThisCpuHas)"
                             : "");
  if (status != TERN_OK)
    return ::testing::AssertionFailure()
           << lib.name << " returned " << status << ": " << lib.lastError();
  return ::testing::AssertionSuccess();
}

/// Owns one model instance.
class Instance {
public:
  explicit Instance(const Library &lib,
                    const tern_create_options *options = nullptr)
      : lib(lib) {
    tern_status status = lib.create(&model, options);
    EXPECT_EQ(status, TERN_OK) << lib.lastError();
  }
  ~Instance() { lib.destroy(model); }
  Instance(const Instance &) = delete;
  Instance &operator=(const Instance &) = delete;

  OpaqueModel *get() const { return model; }
  explicit operator bool() const { return model != nullptr; }

private:
  const Library &lib;
  OpaqueModel *model = nullptr;
};

inline tern_tensor tensorOf(const float *data, int64_t rows, int64_t cols) {
  tern_tensor t;
  std::memset(&t, 0, sizeof(t));
  t.data = const_cast<float *>(data);
  t.dtype = TERN_DTYPE_F32;
  t.rank = 2;
  t.shape[0] = rows;
  t.shape[1] = cols;
  return t;
}

//===----------------------------------------------------------------------===//
// Sparse weights and the reference pruning
//===----------------------------------------------------------------------===//

/// N x K weights, each nonzero with probability `density` (values in
/// [-1, -0.1] u [0.1, 1]), with the listed rows and columns all zero.
inline std::vector<float>
sparseWeights(std::mt19937 &rng, int64_t n, int64_t k, double density,
              const std::vector<int64_t> &zeroRows = {},
              const std::vector<int64_t> &zeroCols = {}) {
  std::bernoulli_distribution keep(density);
  std::uniform_real_distribution<float> value(0.1f, 1.0f);
  std::bernoulli_distribution negative(0.5);
  std::vector<float> w(n * k, 0.0f);
  for (int64_t r = 0; r < n; ++r)
    for (int64_t c = 0; c < k; ++c) {
      bool zero = std::count(zeroRows.begin(), zeroRows.end(), r) ||
                  std::count(zeroCols.begin(), zeroCols.end(), c);
      if (!zero && keep(rng))
        w[r * k + c] = negative(rng) ? -value(rng) : value(rng);
    }
  return w;
}

/// What --ternarize does to one layer, independently: the absmean scale
/// a over all weights, each weight rounded to a * {-1, 0, +1}.
inline void referenceTernarize(std::vector<float> &w) {
  double sum = 0;
  for (float v : w)
    sum += std::fabs(v);
  float a = static_cast<float>(sum / w.size());
  for (float &v : w)
    v = a * static_cast<float>(
                std::clamp(std::nearbyint(double(v) / a), -1.0, 1.0));
}

/// Keeps the `keep` largest |w| of every group of `group` inputs (ties: the
/// lower index), as tern-prune promises; written here independently.
inline void referencePruneNM(std::vector<float> &w, int64_t n, int64_t k,
                             int keep, int group) {
  for (int64_t r = 0; r < n; ++r)
    for (int64_t g = 0; g < k; g += group) {
      int64_t end = std::min(k, g + group);
      for (int64_t c = g; c < end; ++c) {
        int larger = 0;
        for (int64_t d = g; d < end; ++d) {
          float a = std::fabs(w[r * k + d]), b = std::fabs(w[r * k + c]);
          larger += a > b || (a == b && d < c);
        }
        if (larger >= keep)
          w[r * k + c] = 0.0f;
      }
    }
}

/// Zeros the round(sparsity * N * K) smallest |w| (values are distinct).
inline void referencePruneUnstructured(std::vector<float> &w, double sparsity) {
  std::vector<float> sorted;
  for (float v : w)
    sorted.push_back(std::fabs(v));
  std::sort(sorted.begin(), sorted.end());
  size_t drop = static_cast<size_t>(std::llround(sparsity * w.size()));
  if (drop == 0)
    return;
  float cut = sorted[drop - 1];
  for (float &v : w)
    if (std::fabs(v) <= cut)
      v = 0.0f;
}

} // namespace tern::e2e

#endif // TERN_TEST_INTEGRATION_E2E_H
