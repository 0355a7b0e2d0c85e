//===- Translator.h - A Kernel as Halide Funcs, and its schedules -*- C++ -*-//
//
// Internal to TernHalideBackend (includes Halide.h). The translator writes a
// kernel's algorithm (Funcs, RDoms, updates) into a Built and never reads
// the schedule: the few algorithm choices a recipe depends on come as
// TranslateOptions, which translateOptionsFor derives from the schedule.
// applySchedule (Schedules.cpp) then runs the kernel's recipe on what was
// built, from Kernel::schedule and the shapes.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_TARGET_HALIDE_TRANSLATOR_H
#define TERN_TARGET_HALIDE_TRANSLATOR_H

#include "tern/Kernel/Kernel.h"

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

/// The algorithm choices a schedule recipe needs from the translator.
struct TranslateOptions {
  /// Require nodes check their condition at run time (CPU code can build
  /// the message; GPU and HLS code keep the value unchecked).
  bool runtimeChecks = true;
  /// Activation sparsity over one row compacts the nonzero inputs into a
  /// list (CPU); otherwise every skipped point is a branch.
  bool compactNonzero = true;
  /// Updates in the dot-product form (plainDotUpdate) instead of
  /// hoistSelfAdd's.
  bool plainDot = false;
  /// GatherRows: the loop dimension of the output rows; rank-2 inputs read
  /// at (row, stored column) are read from a transposed copy
  /// (Built::transposedInputs). -1: none.
  int transposeRowsDim = -1;
};

/// A kernel translated to Halide, ready to compile or run.
struct Built {
  /// Per loop dimension: its Var (the parallel ones are used).
  std::vector<Halide::Var> vars;
  /// The reduction domain, when the kernel reduces; rdom[0] is the
  /// innermost reduction dimension.
  std::optional<Halide::RDom> rdom;
  /// Inputs read at data-dependent or non-affine indices (gathers): their
  /// footprint over a tile is unknown or loose, so they are never staged in
  /// GPU shared memory.
  std::set<int> gatherInputs;
  /// The transposed copies of TranslateOptions::transposeRowsDim, by input
  /// index (the GatherRows recipe computes them at root).
  std::map<int, Halide::Func> transposedInputs;
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

/// The Vars of output `o`, innermost first (Halide's order).
inline std::vector<Halide::Var> outputArgs(const Built &built,
                                           const Output &o) {
  std::vector<Halide::Var> args;
  for (auto it = o.loopDims.rbegin(); it != o.loopDims.rend(); ++it)
    args.push_back(built.vars[*it]);
  return args;
}

class Translator {
public:
  Translator(const Kernel &k, const TranslateOptions &options, Built &built)
      : k(k), options(options), built(built) {}

  /// Translates the whole kernel; returns an empty string or an
  /// "unsupported" message.
  std::string run();

private:
  const Kernel &k;
  const TranslateOptions &options;
  Built &built;
  /// Per loop dimension: its Var (parallel) or RVar (reduction) as an Expr.
  std::vector<Halide::Expr> loopExprs;
  /// Maps Self(j) to an Expr; set while translating updates.
  std::function<Halide::Expr(int)> selfExpr;
  std::unordered_map<const Expr *, Halide::Expr> memo;
  std::unordered_map<const Expr *, bool> dataDependent;

  bool isDataDependent(const ExprRef &e);
  Halide::Expr translate(const ExprRef &e);
  Halide::Expr translateNode(const Expr &x);
  std::vector<Halide::Var> pureArgs(const Output &o) const {
    return outputArgs(built, o);
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
};

/// The translation options the schedule of `k` needs.
TranslateOptions translateOptionsFor(const Kernel &k);

/// Runs the recipe of `k.schedule` on the Funcs the translator built
/// (Schedules.cpp). Returns an empty string or why the recipe cannot apply.
std::string applySchedule(const Kernel &k, Built &built);

} // namespace tern::kernel::detail

#endif // TERN_TARGET_HALIDE_TRANSLATOR_H
