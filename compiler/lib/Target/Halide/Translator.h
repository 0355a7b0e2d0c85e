//===- Translator.h - A Kernel as Halide Funcs, and its schedules -*- C++ -*-//
//
// Internal to TernHalideBackend (includes Halide.h): the translator that
// KernelCompiler.cpp runs on each Kernel, shared with Schedules.cpp, which
// holds the schedule recipes. The translator writes the algorithm (Funcs,
// RDoms, updates); the recipes only schedule what it built, from
// Kernel::schedule and the shapes.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_TARGET_HALIDE_TRANSLATOR_H
#define TERN_TARGET_HALIDE_TRANSLATOR_H

#include "tern/Target/Halide/Kernel.h"

#include "Halide.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace tern::kernel::detail {

/// Halide names for the buffers and Funcs: the Kernel's names when they are
/// usable, made unique, else positional ones.
class Namer {
public:
  explicit Namer(const std::string &reserved) { used.insert(reserved); }

  std::string get(const std::string &wanted, const std::string &fallback) {
    std::string s;
    for (char c : wanted)
      s += (std::isalnum(static_cast<unsigned char>(c)) || c == '_') ? c : '_';
    if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0])) ||
        s[0] == '_')
      s = fallback;
    // Halide names its own temporaries a letter and a number ("t12"); a
    // buffer must not shadow one.
    if (s.size() > 1 && std::all_of(s.begin() + 1, s.end(), [](char c) {
          return std::isdigit(static_cast<unsigned char>(c));
        }))
      s += "_";
    std::string name = s;
    for (int i = 1; used.count(name); ++i)
      name = s + "_" + std::to_string(i);
    used.insert(name);
    return name;
  }

private:
  std::set<std::string> used;
};

/// A kernel translated to Halide, ready to compile or run.
struct Built {
  std::vector<Halide::ImageParam> inputs;
  /// The pipeline's output Funcs. One Func per output, or one Func with a
  /// Tuple value when several outputs reduce together.
  std::vector<Halide::Func> funcs;
  /// Per Func in `funcs`: the Func its reduction runs in, or an undefined
  /// Func when there is no reduction. Halide assumes that the loads an
  /// update makes from its own buffer are vector aligned (it emits aligned
  /// AVX-512 loads, vmovaps), which holds for buffers it allocates but not
  /// for a caller's output pointer. So reductions run in an internal buffer
  /// (compute_root) and the output Func copies it out with ordinary stores.
  std::vector<Halide::Func> accumulators;
  Halide::Pipeline pipeline;
  /// The schedule leaves loops for LLVM's loop vectorizer (Halide's
  /// EnableLLVMLoopOpt, off by default): see the gather schedule.
  bool llvmLoopVectorize = false;

  /// The target to generate this pipeline's code for.
  Halide::Target codegenTarget(Halide::Target t) const {
    if (llvmLoopVectorize)
      t = t.with_feature(Halide::Target::EnableLLVMLoopOpt);
    return t;
  }

  std::vector<Halide::Argument> arguments() const {
    return std::vector<Halide::Argument>(inputs.begin(), inputs.end());
  }
};

class Translator {
public:
  Translator(const Kernel &k, const Halide::Target &target, Built &built)
      : k(k), target(target), built(built) {}

  /// Translates the whole kernel; returns an empty string or an
  /// "unsupported" message.
  std::string run();

private:
  const Kernel &k;
  const Halide::Target &target;
  Built &built;
  /// Per loop dimension: its Var (parallel) or RVar (reduction) as an Expr.
  std::vector<Halide::Expr> loopExprs;
  std::vector<Halide::Var> vars; ///< per loop dimension (parallel ones used)
  /// The reduction domain, when the kernel reduces; rdom[0] is the
  /// innermost reduction dimension.
  std::optional<Halide::RDom> rdom;
  /// Inputs read at data-dependent or non-affine indices (gathers): their
  /// footprint over a tile is unknown or loose, so they are never staged in
  /// GPU shared memory.
  std::set<int> gatherInputs;
  /// Inputs read at an index loaded from memory (a sparse kernel's stored
  /// columns): x86 has no gather Halide 14 emits, so a vector of such reads
  /// becomes one scalar load and insert per lane.
  std::set<int> dataGatherInputs;
  /// A sparse GEMM's loop dimension of the output rows, or -1. Row-major
  /// activations read at stored columns are then read from a transposed
  /// copy, rows innermost, so that one stored column serves 16 rows with one
  /// dense vector load.
  int gatherRowsDim = -1;
  /// Those transposed copies, by input index (computed at root).
  std::map<int, Halide::Func> transposedInputs;
  /// Maps Self(j) to an Expr; set while translating updates.
  std::function<Halide::Expr(int)> selfExpr;
  /// An update reads its own running value under a select (a max with NaN
  /// handling, argmax): see applySchedule's tail-free vector width.
  bool selfUnderSelect = false;
  std::unordered_map<const Expr *, Halide::Expr> memo;
  std::unordered_map<const Expr *, bool> dataDependent;

  bool isDataDependent(const ExprRef &e);
  Halide::Expr translate(const ExprRef &e);
  Halide::Expr translateNode(const Expr &x);
  std::vector<Halide::Var> pureArgs(const Output &o) const {
    std::vector<Halide::Var> args;
    for (auto it = o.loopDims.rbegin(); it != o.loopDims.rend(); ++it)
      args.push_back(vars[*it]);
    return args;
  }
  std::vector<Halide::Expr> pureArgExprs(const Output &o) const {
    std::vector<Halide::Expr> args;
    for (const Halide::Var &v : pureArgs(o))
      args.push_back(v);
    return args;
  }
  Halide::Expr skipValue();
  bool compactNonzeroInputs(Namer &namer,
                            const std::vector<int> &reductionDims);
  void applySchedule(Halide::Func f, const Output &o, Halide::Type widest);
  bool applyDotSchedule(Halide::Func acc, Halide::Func f, const Output &o);
  /// The schedule allows threads and the iteration space has at least
  /// minParallelWork points (counted with saturation).
  bool worthThreads() const {
    int64_t work = 1;
    for (int64_t e : k.loopExtents)
      work = work > std::numeric_limits<int64_t>::max() / e
                 ? std::numeric_limits<int64_t>::max()
                 : work * e;
    return k.schedule.parallel && work >= k.schedule.minParallelWork;
  }
  void applyGpuSchedule(Halide::Func f, const std::vector<Halide::Var> &v,
                        const std::vector<int64_t> &ext);
};

} // namespace tern::kernel::detail

#endif // TERN_TARGET_HALIDE_TRANSLATOR_H
