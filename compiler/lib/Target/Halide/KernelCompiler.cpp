//===- KernelCompiler.cpp - Kernels to Halide pipelines and objects ------===//
//
// Part of TernHalideBackend, the one library that includes Halide.h (Halide
// 14, on LLVM 14); it must never include an LLVM or MLIR header (LLVM 22).
// It is also the one place where exceptions exist: Halide reports errors by
// throwing, and every entry point below catches whatever comes out and
// returns it as a Status that names the kernel.
//
// The translation follows the shape of a linalg.generic. Each parallel loop
// dimension becomes a Var, all reduction dimensions together one RDom, each
// output a Func whose pure definition is the output's `init` and whose
// update definition (when the kernel reduces) is its `update`. Halide lists
// dimensions innermost first while Kernel shapes are row-major, so every
// index list is reversed on the way in. Shapes are static: every buffer,
// input or output, gets its bounds and strides fixed, so the code is
// specialized for them and checks them once at entry.
//
// The schedule is applied in one place, the recipes of Schedules.cpp (shared
// through Translator.h), from Kernel::schedule.
//
//===----------------------------------------------------------------------===//

#include "tern/Target/Halide/KernelCompiler.h"
#include "HlsLowering.h"
#include "KernelNames.h"
#include "Translator.h"

#include "Halide.h"

#include <optional>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fstream>
#include <functional>
#include <limits>
#include <mutex>
#include <set>
#include <sstream>
#include <unistd.h>
#include <unordered_map>
#include <unordered_set>

namespace tern::kernel {

using detail::Built;
using detail::opArity;
using detail::opName;
using detail::Translator;

namespace {

//===----------------------------------------------------------------------===//
// Small helpers
//===----------------------------------------------------------------------===//

std::string kernelPrefix(const Kernel &k) {
  return "kernel '" + k.name + "': ";
}

bool isValidType(ScalarType t) {
  switch (t.kind) {
  case ScalarType::Float:
    return t.bits == 16 || t.bits == 32 || t.bits == 64;
  case ScalarType::Int:
  case ScalarType::UInt:
    return t.bits == 8 || t.bits == 16 || t.bits == 32 || t.bits == 64;
  case ScalarType::Bool:
    return t.bits == 1;
  }
  return false;
}

bool isFloat(ScalarType t) { return t.kind == ScalarType::Float; }
bool isInteger(ScalarType t) {
  return t.kind == ScalarType::Int || t.kind == ScalarType::UInt;
}
bool isNumeric(ScalarType t) { return t.kind != ScalarType::Bool; }

bool isCIdentifier(const std::string &s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0])))
    return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_')
      return false;
  return true;
}

int64_t elementCount(const std::vector<int64_t> &shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d <= 0)
      return 0;
    if (n > std::numeric_limits<int32_t>::max() / d)
      return std::numeric_limits<int64_t>::max();
    n *= d;
  }
  return n;
}

std::string shapeStr(const std::vector<int64_t> &shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? "," : "") + std::to_string(shape[i]);
  return s + "]";
}

//===----------------------------------------------------------------------===//
// Verification
//===----------------------------------------------------------------------===//

/// Checks one kernel; the first problem found becomes the message.
class Verifier {
public:
  explicit Verifier(const Kernel &k) : k(k) {}

  Status run() {
    checkKernel();
    if (error.empty())
      return Status::success();
    return Status::error(kernelPrefix(k) + error);
  }

private:
  const Kernel &k;
  std::string error;
  // Where the expression being checked sits, for messages.
  std::string where;
  bool inUpdate = false;
  std::unordered_set<const Expr *> checked;

  bool fail(const std::string &msg) {
    if (error.empty())
      error = where.empty() ? msg : msg + " (in " + where + ")";
    return false;
  }

  bool checkBufferType(const Buffer &b, const std::string &what) {
    if (!isValidType(b.type))
      return fail(what + " has unsupported element type " + b.type.str() +
                  ", expected f16, f32, f64, i8-i64, u8-u64 or bool");
    for (size_t i = 0; i < b.shape.size(); ++i)
      if (b.shape[i] < 1)
        return fail(what + " has extent " + std::to_string(b.shape[i]) +
                    " in dimension " + std::to_string(i) +
                    ", expected at least 1");
    if (elementCount(b.shape) > std::numeric_limits<int32_t>::max())
      return fail(what + " of shape " + shapeStr(b.shape) +
                  " has more than 2^31-1 elements, which Halide buffers "
                  "cannot index");
    return true;
  }

  void checkKernel() {
    if (!isCIdentifier(k.name) && !fail("name '" + k.name +
                                        "' is not a C identifier, expected "
                                        "[A-Za-z_][A-Za-z0-9_]*"))
      return;
    if (k.loopExtents.size() != k.isReduction.size() &&
        !fail("has " + std::to_string(k.loopExtents.size()) +
              " loop extents but " + std::to_string(k.isReduction.size()) +
              " iterator kinds, expected one of each per loop dimension"))
      return;
    for (size_t d = 0; d < k.loopExtents.size(); ++d) {
      int64_t e = k.loopExtents[d];
      if (e < 1 || e > std::numeric_limits<int32_t>::max()) {
        fail("loop dimension " + std::to_string(d) + " has extent " +
             std::to_string(e) + ", expected 1 to 2^31-1");
        return;
      }
    }
    for (size_t i = 0; i < k.inputs.size(); ++i)
      if (!checkBufferType(k.inputs[i], "input " + std::to_string(i)))
        return;
    if (k.outputs.empty()) {
      fail("has no outputs, expected at least one");
      return;
    }
    if (k.schedule.vectorWidth < 0 || k.schedule.vectorWidth > 1024) {
      fail("schedule asks for vector width " +
           std::to_string(k.schedule.vectorWidth) +
           ", expected 0 (the target's choice) to 1024");
      return;
    }
    if (k.schedule.minParallelWork < 0) {
      fail("schedule has negative minParallelWork " +
           std::to_string(k.schedule.minParallelWork));
      return;
    }
    if (k.schedule.device == Schedule::GPU) {
      if (k.schedule.gpuThreads < 1 || k.schedule.gpuThreads > 1024) {
        fail("schedule asks for " + std::to_string(k.schedule.gpuThreads) +
             " GPU threads per block, expected 1 to 1024");
        return;
      }
      for (size_t i = 0; i < k.outputs.size(); ++i)
        if (k.outputs[i].loopDims.empty()) {
          fail("output " + std::to_string(i) +
               " is a scalar: the kernel has no parallel dimension to map "
               "to GPU threads; run it on the CPU (--target=host-cuda)");
          return;
        }
    }

    bool hasReduction = false;
    int numParallel = 0;
    for (bool r : k.isReduction) {
      hasReduction |= r;
      numParallel += !r;
    }

    for (size_t i = 0; i < k.outputs.size(); ++i) {
      const Output &o = k.outputs[i];
      std::string what = "output " + std::to_string(i);
      if (!checkBufferType(o.buffer, what))
        return;
      if (o.loopDims.size() != o.buffer.shape.size()) {
        fail(what + " has " + std::to_string(o.loopDims.size()) +
             " loop dimensions, expected " +
             std::to_string(o.buffer.shape.size()) + " (the buffer's rank)");
        return;
      }
      std::vector<bool> seen(k.loopExtents.size(), false);
      for (size_t j = 0; j < o.loopDims.size(); ++j) {
        int d = o.loopDims[j];
        if (d < 0 || d >= static_cast<int>(k.loopExtents.size())) {
          fail(what + " dimension " + std::to_string(j) +
               " is indexed by loop dimension " + std::to_string(d) +
               ", but the kernel has " + std::to_string(k.loopExtents.size()) +
               " loop dimensions");
          return;
        }
        if (k.isReduction[d]) {
          fail(what + " dimension " + std::to_string(j) +
               " is indexed by loop dimension " + std::to_string(d) +
               ", which is a reduction dimension, expected a parallel one");
          return;
        }
        if (seen[d]) {
          fail(what + " uses loop dimension " + std::to_string(d) +
               " twice, expected each parallel dimension once");
          return;
        }
        seen[d] = true;
        if (o.buffer.shape[j] != k.loopExtents[d]) {
          fail(what + " has extent " + std::to_string(o.buffer.shape[j]) +
               " in dimension " + std::to_string(j) + ", expected " +
               std::to_string(k.loopExtents[d]) +
               " (the extent of loop "
               "dimension " +
               std::to_string(d) + ")");
          return;
        }
      }
      if (static_cast<int>(o.loopDims.size()) != numParallel) {
        for (size_t d = 0; d < k.loopExtents.size(); ++d)
          if (!k.isReduction[d] && !seen[d]) {
            fail("parallel loop dimension " + std::to_string(d) +
                 " does not index " + what +
                 "; every output must be indexed by every parallel "
                 "dimension (make it a reduction dimension, or add it to "
                 "the output)");
            return;
          }
      }
      if (!hasReduction && o.update) {
        fail(what + " has an update but the kernel has no reduction "
                    "dimension, expected a null update");
        return;
      }
    }

    for (size_t i = 0; i < k.outputs.size(); ++i) {
      const Output &o = k.outputs[i];
      std::string what = "output " + std::to_string(i);
      if (!checkTop(o.init, o.buffer.type, false,
                    "the init of " + what + " ('" + o.buffer.name + "')"))
        return;
      if (o.update &&
          !checkTop(o.update, o.buffer.type, true,
                    "the update of " + what + " ('" + o.buffer.name + "')"))
        return;
    }
    if (k.skipWhenZero) {
      if (!hasReduction) {
        fail("a skip-when-zero value needs a reduction dimension");
        return;
      }
      // Any numeric type; checkTop compares with the value's own type.
      // Reads reduction loop variables, as an update does.
      if (!checkTop(k.skipWhenZero, k.skipWhenZero->type, true,
                    "the skip-when-zero value"))
        return;
      if (!isNumeric(k.skipWhenZero->type))
        fail("the skip-when-zero value must be numeric, found " +
             k.skipWhenZero->type.str());
    }
  }

  bool checkTop(const ExprRef &e, ScalarType expected, bool update,
                const std::string &context) {
    where = context;
    inUpdate = update;
    checked.clear();
    if (!e)
      return fail("expression is null");
    if (!visit(e))
      return false;
    if (e->type != expected)
      return fail("expression has type " + e->type.str() + ", expected " +
                  expected.str() + " (the output's element type)");
    where.clear();
    return true;
  }

  bool sameAsResult(const Expr &x, const std::string &name) {
    for (size_t i = 0; i < x.args.size(); ++i)
      if (x.args[i]->type != x.type)
        return fail(name + " has operand " + std::to_string(i) + " of type " +
                    x.args[i]->type.str() + ", expected " + x.type.str() +
                    " (the result type)");
    return true;
  }

  bool visit(const ExprRef &e) {
    if (!e)
      return fail("null operand");
    // Subtrees may be shared; one check per node and context is enough.
    if (!checked.insert(e.get()).second)
      return true;
    const Expr &x = *e;
    const char *n = opName(x.op);
    if (!n)
      return fail("unknown op " + std::to_string(static_cast<int>(x.op)));
    std::string name = n;
    if (!isValidType(x.type))
      return fail(name + " has unsupported type " + x.type.str());
    int arity = opArity(x.op);
    if (arity >= 0 && static_cast<int>(x.args.size()) != arity)
      return fail(name + " has " + std::to_string(x.args.size()) +
                  " operands, expected " + std::to_string(arity));
    for (const ExprRef &a : x.args)
      if (!visit(a))
        return false;

    ScalarType t = x.type;
    switch (x.op) {
    case Op::Const: {
      if (t.kind == ScalarType::Bool) {
        if (x.ival != 0 && x.ival != 1 && x.ival != -1)
          return fail("bool constant has value " + std::to_string(x.ival) +
                      ", expected 0 or 1");
      } else if (isInteger(t) && t.bits < 64) {
        // Signless MLIR constants may arrive in either reading: accept
        // both the signed and the unsigned range of the width.
        int64_t lo = -(int64_t(1) << (t.bits - 1));
        int64_t hi = (int64_t(1) << t.bits) - 1;
        if (x.ival < lo || x.ival > hi)
          return fail("constant " + std::to_string(x.ival) +
                      " does not fit in " + t.str());
      }
      return true;
    }
    case Op::LoopVar: {
      if (x.index < 0 || x.index >= static_cast<int>(k.loopExtents.size()))
        return fail("loop dimension " + std::to_string(x.index) +
                    " is used, but the kernel has " +
                    std::to_string(k.loopExtents.size()) + " loop dimensions");
      if (t != ScalarType::index())
        return fail("loop dimension " + std::to_string(x.index) + " has type " +
                    t.str() + ", expected i32");
      if (!inUpdate && k.isReduction[x.index])
        return fail("loop dimension " + std::to_string(x.index) +
                    " is a reduction dimension, which only an update may "
                    "use");
      return true;
    }
    case Op::Load: {
      if (x.index < 0 || x.index >= static_cast<int>(k.inputs.size()))
        return fail("load of input " + std::to_string(x.index) +
                    ", but the kernel has " + std::to_string(k.inputs.size()) +
                    " inputs");
      const Buffer &b = k.inputs[x.index];
      std::string what = "load of input " + std::to_string(x.index);
      if (x.args.size() != b.shape.size())
        return fail(what + " has " + std::to_string(x.args.size()) +
                    " indices, expected " + std::to_string(b.shape.size()) +
                    " (the buffer's rank)");
      for (size_t i = 0; i < x.args.size(); ++i)
        if (x.args[i]->type != ScalarType::index())
          return fail("index " + std::to_string(i) + " of " + what +
                      " has type " + x.args[i]->type.str() + ", expected i32");
      if (t != b.type)
        return fail(what + " has type " + t.str() + ", expected " +
                    b.type.str() + " (the buffer's element type)");
      return true;
    }
    case Op::Self: {
      if (!inUpdate)
        return fail("self of output " + std::to_string(x.index) +
                    " outside an update; an init cannot read the output");
      if (x.index < 0 || x.index >= static_cast<int>(k.outputs.size()))
        return fail("self of output " + std::to_string(x.index) +
                    ", but the kernel has " + std::to_string(k.outputs.size()) +
                    " outputs");
      ScalarType bt = k.outputs[x.index].buffer.type;
      if (t != bt)
        return fail("self of output " + std::to_string(x.index) + " has type " +
                    t.str() + ", expected " + bt.str() +
                    " (the buffer's element type)");
      return true;
    }
    case Op::Add:
    case Op::Sub:
    case Op::Mul:
    case Op::Div:
    case Op::Rem:
    case Op::Min:
    case Op::Max:
    case Op::Neg:
    case Op::Abs:
      if (!isNumeric(t))
        return fail(name + " has type " + t.str() +
                    ", expected a float or integer type");
      return sameAsResult(x, name);
    case Op::FloorDiv:
    case Op::FloorMod:
    case Op::Shl:
    case Op::Shr:
      if (!isInteger(t))
        return fail(name + " has type " + t.str() +
                    ", expected an integer type");
      return sameAsResult(x, name);
    case Op::And:
    case Op::Or:
    case Op::Xor:
    case Op::Not:
      if (isFloat(t))
        return fail(name + " has type " + t.str() +
                    ", expected an integer or bool type");
      return sameAsResult(x, name);
    case Op::Exp:
    case Op::Log:
    case Op::Sqrt:
    case Op::Rsqrt:
    case Op::Tanh:
    case Op::Erf:
    case Op::Floor:
    case Op::Ceil:
    case Op::Sin:
    case Op::Cos:
    case Op::Pow:
      if (!isFloat(t))
        return fail(name + " has type " + t.str() + ", expected a float type");
      return sameAsResult(x, name);
    case Op::Eq:
    case Op::Ne:
    case Op::Lt:
    case Op::Le:
    case Op::Gt:
    case Op::Ge: {
      if (t != ScalarType::boolean())
        return fail(name + " has type " + t.str() + ", expected bool");
      ScalarType a = x.args[0]->type, b = x.args[1]->type;
      if (a != b)
        return fail(name + " compares " + a.str() + " with " + b.str() +
                    ", expected operands of one type");
      if (x.op != Op::Eq && x.op != Op::Ne && !isNumeric(a))
        return fail(name + " orders operands of type " + a.str() +
                    ", expected a float or integer type");
      return true;
    }
    case Op::IsNan:
      if (t != ScalarType::boolean())
        return fail(name + " has type " + t.str() + ", expected bool");
      if (!isFloat(x.args[0]->type))
        return fail(name + " tests an operand of type " +
                    x.args[0]->type.str() + ", expected a float type");
      return true;
    case Op::Select:
      if (x.args[0]->type != ScalarType::boolean())
        return fail("select condition has type " + x.args[0]->type.str() +
                    ", expected bool");
      for (int i = 1; i < 3; ++i)
        if (x.args[i]->type != t)
          return fail("select has operand " + std::to_string(i) + " of type " +
                      x.args[i]->type.str() + ", expected " + t.str() +
                      " (the result type)");
      return true;
    case Op::Cast:
      return true;
    case Op::Require:
      if (x.args[0]->type != ScalarType::boolean())
        return fail("require condition has type " + x.args[0]->type.str() +
                    ", expected bool");
      if (x.args[1]->type != t)
        return fail("require has a value of type " + x.args[1]->type.str() +
                    ", expected " + t.str() + " (the result type)");
      return true;
    }
    return fail("unknown op " + std::to_string(static_cast<int>(x.op)));
  }
};

//===----------------------------------------------------------------------===//
// Halide errors to Status
//===----------------------------------------------------------------------===//

/// Halide's messages start with "Error:" and end with newlines; keep the
/// text in between on one line.
std::string cleanMessage(std::string m) {
  for (const char *prefix : {"Error:", "Internal Error:", "Error"}) {
    size_t start = m.find_first_not_of(" \n\t");
    if (start != std::string::npos &&
        m.compare(start, std::strlen(prefix), prefix) == 0) {
      m = m.substr(start + std::strlen(prefix));
      break;
    }
  }
  std::string out;
  bool space = false;
  for (char c : m) {
    if (c == '\n' || c == '\t' || c == ' ') {
      space = !out.empty();
      continue;
    }
    if (space)
      out += ' ';
    space = false;
    out += c;
  }
  return out;
}

// Halide's compiler keeps global state (name counters, the LLVM 14 context
// setup, the JIT's shared runtime); one compilation at a time is cheap
// insurance.
std::mutex &halideMutex() {
  static std::mutex m;
  return m;
}

/// Runs `fn` and turns anything it throws into a Status prefixed by
/// `prefix`.
Status guarded(const std::string &prefix, const std::function<Status()> &fn) {
  std::lock_guard<std::mutex> lock(halideMutex());
  try {
    return fn();
  } catch (const Halide::CompileError &e) {
    return Status::error(prefix +
                         "halide compile error: " + cleanMessage(e.what()));
  } catch (const Halide::RuntimeError &e) {
    return Status::error(prefix +
                         "halide runtime error: " + cleanMessage(e.what()));
  } catch (const Halide::InternalError &e) {
    return Status::error(prefix +
                         "halide internal error: " + cleanMessage(e.what()));
  } catch (const Halide::Error &e) {
    return Status::error(prefix + "halide error: " + cleanMessage(e.what()));
  } catch (const std::exception &e) {
    return Status::error(prefix + "error in halide: " + e.what());
  } catch (...) {
    return Status::error(prefix + "unknown exception in halide");
  }
}

//===----------------------------------------------------------------------===//
// Types and math
//===----------------------------------------------------------------------===//

Halide::Type halideType(ScalarType t) {
  switch (t.kind) {
  case ScalarType::Float:
    return Halide::Float(t.bits);
  case ScalarType::Int:
    return Halide::Int(t.bits);
  case ScalarType::UInt:
    return Halide::UInt(t.bits);
  case ScalarType::Bool:
    return Halide::Bool();
  }
  return Halide::Float(32);
}

/// erf for f64, which Halide 14's erf (f32 only) does not cover. W. J.
/// Cody's rational Chebyshev approximations ("Rational Chebyshev
/// approximations for the error function", Math. Comp. 1969; netlib
/// specfun CALERF), in three intervals of |x|: [0, 0.46875] erf directly,
/// (0.46875, 4] and (4, inf) through erfc with exp(-x^2) split into two
/// factors to keep its rounding error small. All three are evaluated and
/// one is selected, so the code vectorizes; each interval's argument is
/// clamped into its range so the unused ones stay finite. Measured against
/// glibc on [-8, 8]: at most 2.3e-16 absolute, 4.5e-16 relative error.
Halide::Expr erfF64(Halide::Expr x) {
  using Halide::Expr;
  using Halide::Float;
  auto c = [](double v) { return Halide::Internal::make_const(Float(64), v); };
  static const double a[5] = {3.16112374387056560e00, 1.13864154151050156e02,
                              3.77485237685302021e02, 3.20937758913846947e03,
                              1.85777706184603153e-1};
  static const double b[4] = {2.36012909523441209e01, 2.44024637934444173e02,
                              1.28261652607737228e03, 2.84423683343917062e03};
  static const double cc[9] = {
      5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01,
      2.98635138197400131e02, 8.81952221241769090e02, 1.71204761263407058e03,
      2.05107837782607147e03, 1.23033935479799725e03, 2.15311535474403846e-8};
  static const double d[8] = {1.57449261107098347e01, 1.17693950891312499e02,
                              5.37181101862009858e02, 1.62138957456669019e03,
                              3.29079923573345963e03, 4.36261909014324716e03,
                              3.43936767414372164e03, 1.23033935480374942e03};
  static const double p[6] = {3.05326634961232344e-1, 3.60344899949804439e-1,
                              1.25781726111229246e-1, 1.60837851487422766e-2,
                              6.58749161529837803e-4, 1.63153871373020978e-2};
  static const double q[5] = {2.56852019228982242e00, 1.87295284992346047e00,
                              5.27905102951428412e-1, 6.05183413124413191e-2,
                              2.33520497626869185e-3};
  const double sqrpi = 5.6418958354775628695e-1; // 1/sqrt(pi)

  // Intermediates used several times are bound by Lets, so that Halide's
  // passes, which walk an Expr as a tree, see each piece once.
  auto let = [](Expr value, const std::function<Expr(Expr)> &body) {
    std::string name = Halide::Internal::unique_name("erf"); // "erf$N"
    Expr var = Halide::Internal::Variable::make(value.type(), name);
    return Halide::Internal::Let::make(name, value, body(var));
  };

  // exp(-y^2) as exp(-t^2) * exp(-(y - t)(y + t)) with t = trunc(16 y)/16:
  // t^2 is exact, so the large argument carries no rounding error.
  auto expNegSq = [&](Expr v) {
    return let(Halide::floor(v * c(16.0)) / c(16.0), [&](Expr t) {
      return Halide::exp(-t * t) * Halide::exp(-((v - t) * (v + t)));
    });
  };

  // |x| <= 0.46875: erf(x) = x * P(x^2) / Q(x^2).
  auto small = [&](Expr x, Expr y) {
    return let(Halide::min(y, c(0.46875)), [&](Expr y1) {
      return let(y1 * y1, [&](Expr ysq) {
        Expr num = c(a[4]) * ysq, den = ysq;
        for (int i = 0; i < 3; ++i) {
          num = (num + c(a[i])) * ysq;
          den = (den + c(b[i])) * ysq;
        }
        return x * (num + c(a[3])) / (den + c(b[3]));
      });
    });
  };

  // 0.46875 < |x| <= 4: erfc(|x|) = exp(-x^2) * P(|x|) / Q(|x|).
  auto erfcMid = [&](Expr y) {
    return let(Halide::clamp(y, c(0.46875), c(4.0)), [&](Expr y2) {
      Expr num = c(cc[8]) * y2, den = y2;
      for (int i = 0; i < 7; ++i) {
        num = (num + c(cc[i])) * y2;
        den = (den + c(d[i])) * y2;
      }
      return expNegSq(y2) * ((num + c(cc[7])) / (den + c(d[7])));
    });
  };

  // |x| > 4: erfc(|x|) = exp(-x^2) / |x| * (1/sqrt(pi) + R(1/x^2) / x^2).
  // Past 26.5 erfc underflows to 0; clamping there keeps 1/x^2 away from 0.
  auto erfcLarge = [&](Expr y) {
    return let(Halide::clamp(y, c(4.0), c(27.0)), [&](Expr y3) {
      return let(c(1.0) / (y3 * y3), [&](Expr z) {
        Expr num = c(p[5]) * z, den = z;
        for (int i = 0; i < 4; ++i) {
          num = (num + c(p[i])) * z;
          den = (den + c(q[i])) * z;
        }
        Expr r = z * (num + c(p[4])) / (den + c(q[4]));
        return expNegSq(y3) * ((c(sqrpi) - r) / y3);
      });
    });
  };

  return let(x, [&](Expr x) {
    return let(Halide::abs(x), [&](Expr y) {
      Expr erfc = Halide::select(y <= c(4.0), erfcMid(y), erfcLarge(y));
      Expr big = (c(0.5) - erfc) + c(0.5);
      // The sign by a multiplication, not select(x < 0, -big, big): Halide
      // 14's simplifier and bounds passes take seconds over a select whose
      // two arms share a large subexpression.
      big = big * Halide::select(x < c(0.0), c(-1.0), c(1.0));
      Expr result = Halide::select(y <= c(0.46875), small(x, y), big);
      // NaN in, NaN out (the clamps above would otherwise hide it).
      return Halide::select(x != x, x, result);
    });
  });
}

/// C's signed division (rounds toward zero) or remainder (sign of the
/// dividend), from Halide's Euclidean `/` and `%`. Not div_round_to_zero:
/// that compiles to a bare idiv, which traps (SIGFPE, killing the process)
/// on a zero divisor or INT_MIN / -1, where Halide's operators give 0 or
/// wrap. Those cases are undefined in arith.divsi; a kernel must not crash
/// on them. The selects fold away for constant divisors.
Halide::Expr truncatedDivMod(Halide::Expr a, Halide::Expr b,
                             bool wantRemainder) {
  Halide::Type t = a.type();
  Halide::Expr zero = Halide::Internal::make_zero(t);
  Halide::Expr one = Halide::Internal::make_one(t);
  Halide::Expr q = a / b, r = a % b; // a == b * q + r, 0 <= r < |b|
  // They differ from C's exactly when a < 0 and the division is inexact:
  // C's remainder is then r - |b|, its quotient one step toward zero.
  Halide::Expr adjust = a < zero && r != zero;
  if (wantRemainder)
    return Halide::select(adjust, r - Halide::select(b < zero, zero - b, b), r);
  return Halide::select(adjust, q + Halide::select(b < zero, zero - one, one),
                        q);
}

} // namespace

namespace detail {

//===----------------------------------------------------------------------===//
// Translation
//===----------------------------------------------------------------------===//

/// Sets every dimension of a parameter to min 0 and the extent and dense
/// stride of the row-major `shape`. `bounds` false sets strides only: Halide
/// refuses bounds on a Tuple's second and later output buffers (they share
/// the first one's).
template <typename Param>
void constrainShape(Param p, const std::vector<int64_t> &shape,
                    bool bounds = true) {
  int rank = static_cast<int>(shape.size());
  int64_t stride = 1;
  for (int j = 0; j < rank; ++j) {
    int64_t extent = shape[rank - 1 - j];
    if (bounds)
      p.dim(j).set_bounds(0, static_cast<int>(extent));
    p.dim(j).set_stride(static_cast<int>(stride));
    stride *= extent;
  }
}

/// Adds the loop dimensions `e` reads to `dims`.
static void loopVarsOf(const ExprRef &e, std::set<int> &dims) {
  if (e->op == Op::LoopVar)
    dims.insert(e->index);
  for (const ExprRef &a : e->args)
    loopVarsOf(a, dims);
}

/// Whether `e` reads Self anywhere.
static bool readsSelf(const ExprRef &e) {
  if (e->op == Op::Self)
    return true;
  return std::any_of(e->args.begin(), e->args.end(), readsSelf);
}

/// Whether a select in `e` reads Self, in its condition or its values.
static bool selectReadsSelf(const ExprRef &e) {
  if (e->op == Op::Select && readsSelf(e))
    return true;
  return std::any_of(e->args.begin(), e->args.end(), selectReadsSelf);
}

/// Loop variables and constants combined with +, -, * and floor division:
/// index expressions whose footprint over a tile Halide bounds tightly.
static bool isAffineIndex(const ExprRef &e) {
  switch (e->op) {
  case Op::LoopVar:
  case Op::Const:
    return true;
  case Op::Add:
  case Op::Sub:
  case Op::Mul:
  case Op::FloorDiv:
  case Op::FloorMod:
    return isAffineIndex(e->args[0]) && isAffineIndex(e->args[1]);
  default:
    return false;
  }
}

bool Translator::isDataDependent(const ExprRef &e) {
  auto it = dataDependent.find(e.get());
  if (it != dataDependent.end())
    return it->second;
  bool r = e->op == Op::Load || e->op == Op::Self;
  for (const ExprRef &a : e->args)
    r = isDataDependent(a) || r;
  dataDependent[e.get()] = r;
  return r;
}

Halide::Expr Translator::translate(const ExprRef &e) {
  auto it = memo.find(e.get());
  if (it != memo.end())
    return it->second;
  Halide::Expr h = translateNode(*e);
  memo[e.get()] = h;
  return h;
}

Halide::Expr Translator::translateNode(const Expr &x) {
  using Halide::Expr;
  Halide::Type t = halideType(x.type);
  auto arg = [&](int i) { return translate(x.args[i]); };
  // Halide's math on f16 is spotty: compute in f32 and round back.
  auto math = [&](const std::function<Expr(Expr)> &f, Expr a) {
    if (t.is_float() && t.bits() == 16)
      return Halide::cast(t, f(Halide::cast(Halide::Float(32), a)));
    return f(a);
  };
  bool isInt = x.type.kind == ScalarType::Int;
  bool isUInt = x.type.kind == ScalarType::UInt;
  bool isBool = x.type.kind == ScalarType::Bool;

  switch (x.op) {
  case Op::Const:
    if (isBool)
      return Halide::Internal::make_bool(x.ival != 0);
    if (isUInt) {
      uint64_t v = static_cast<uint64_t>(x.ival);
      if (x.type.bits < 64)
        v &= (uint64_t(1) << x.type.bits) - 1;
      return Halide::Internal::make_const(t, v);
    }
    if (isInt) {
      int64_t v = x.ival;
      if (x.type.bits < 64) {
        int shift = 64 - x.type.bits;
        v = static_cast<int64_t>(static_cast<uint64_t>(v) << shift) >> shift;
      }
      return Halide::Internal::make_const(t, v);
    }
    return Halide::Internal::make_const(t, x.fval);
  case Op::LoopVar:
    return loopExprs[x.index];
  case Op::Load: {
    const Buffer &b = k.inputs[x.index];
    int rank = static_cast<int>(b.shape.size());
    if (gatherRowsDim >= 0 && rank == 2 && x.args[0]->op == Op::LoopVar &&
        x.args[0]->index == gatherRowsDim && isDataDependent(x.args[1])) {
      auto [it, inserted] = transposedInputs.try_emplace(x.index);
      if (inserted) {
        it->second = Halide::Func(built.inputs[x.index].name() + "_t");
        Halide::Var row("row"), col("col");
        it->second(row, col) = built.inputs[x.index](col, row);
      }
      gatherInputs.insert(x.index);
      dataGatherInputs.insert(x.index);
      return it->second(
          translate(x.args[0]),
          Halide::unsafe_promise_clamped(translate(x.args[1]), 0,
                                         static_cast<int>(b.shape[1] - 1)));
    }
    std::vector<Expr> idx;
    for (int j = rank - 1; j >= 0; --j) {
      Expr e = translate(x.args[j]);
      // Gathers: bounds inference cannot bound an index read from memory
      // and would demand the whole int32 range of the buffer. The MLIR side
      // guarantees indices in range, so promise it (no code is generated
      // for the promise; Target::CheckUnsafePromises would check it).
      // Affine indices are left alone so Halide still proves them.
      if (isDataDependent(x.args[j])) {
        e = Halide::unsafe_promise_clamped(e, 0,
                                           static_cast<int>(b.shape[j] - 1));
        gatherInputs.insert(x.index);
        dataGatherInputs.insert(x.index);
      } else if (!isAffineIndex(x.args[j])) {
        gatherInputs.insert(x.index);
      }
      idx.push_back(e);
    }
    return built.inputs[x.index](idx);
  }
  case Op::Self:
    return selfExpr(x.index);
  case Op::Add:
    return arg(0) + arg(1);
  case Op::Sub:
    return arg(0) - arg(1);
  case Op::Mul:
    return arg(0) * arg(1);
  case Op::Div:
    if (isInt)
      return truncatedDivMod(arg(0), arg(1), /*wantRemainder=*/false);
    return arg(0) / arg(1);
  case Op::Rem:
    if (isInt)
      return truncatedDivMod(arg(0), arg(1), /*wantRemainder=*/true);
    if (isUInt)
      return arg(0) % arg(1);
    {
      // C fmod: the remainder of truncated division (Halide's float `%`
      // floors).
      Expr a = arg(0), b = arg(1);
      return math(
          [&](Expr) {
            Expr af = t.bits() == 16 ? Halide::cast(Halide::Float(32), a) : a;
            Expr bf = t.bits() == 16 ? Halide::cast(Halide::Float(32), b) : b;
            return af - bf * Halide::trunc(af / bf);
          },
          a);
    }
  case Op::FloorDiv: {
    Expr a = arg(0), b = arg(1);
    if (isUInt)
      return a / b;
    // Halide's `/` is Euclidean: it floors for a positive divisor, but for
    // a negative one it rounds up whenever there is a remainder. Step
    // down then (the select folds away for constant positive divisors).
    Expr q = a / b;
    Expr zero = Halide::Internal::make_zero(t);
    return Halide::select(b < zero && a % b != zero,
                          q - Halide::Internal::make_one(t), q);
  }
  case Op::FloorMod:
    // Euclidean: in [0, |b|) as the header documents (affine mod).
    return arg(0) % arg(1);
  case Op::Min:
    return Halide::min(arg(0), arg(1));
  case Op::Max:
    return Halide::max(arg(0), arg(1));
  case Op::And:
    return isBool ? (arg(0) && arg(1)) : (arg(0) & arg(1));
  case Op::Or:
    return isBool ? (arg(0) || arg(1)) : (arg(0) | arg(1));
  case Op::Xor:
    return isBool ? (arg(0) != arg(1)) : (arg(0) ^ arg(1));
  case Op::Shl:
    return arg(0) << arg(1);
  case Op::Shr:
    // Halide shifts Int arithmetically and UInt logically, as wanted.
    return arg(0) >> arg(1);
  case Op::Neg:
    if (t.is_float()) {
      // Flip the sign bit: exact for zeros (0 - x would give +0 for +0)
      // and NaNs, and no multiply.
      Halide::Type bits = Halide::UInt(t.bits());
      Expr sign =
          Halide::Internal::make_const(bits, uint64_t(1) << (t.bits() - 1));
      return Halide::reinterpret(t, Halide::reinterpret(bits, arg(0)) ^ sign);
    }
    return Halide::Internal::make_zero(t) - arg(0);
  case Op::Not:
    return isBool ? !arg(0) : ~arg(0);
  case Op::Abs:
    if (isUInt)
      return arg(0);
    // Halide's abs of a signed integer is unsigned; C's abs keeps the type
    // (and wraps for the minimum value).
    return Halide::cast(t, Halide::abs(arg(0)));
  case Op::Exp:
    // Halide's f32 exp is a polynomial with range reduction that returns 0
    // for NaN, +inf and arguments past about 3e9; give IEEE answers there.
    return math(
        [](Expr a) {
          if (a.type().bits() != 32)
            return Halide::exp(a);
          Expr inf = Halide::Float(32).max();
          inf = Halide::cast(Halide::Float(32), inf) * 2.0f; // +inf
          return Halide::select(
              Halide::is_nan(a), a,
              Halide::select(
                  a > 88.7228394f, inf,
                  Halide::select(a < -103.972084f, 0.0f, Halide::exp(a))));
        },
        arg(0));
  case Op::Log:
    return math([](Expr a) { return Halide::log(a); }, arg(0));
  case Op::Sqrt:
    return math([](Expr a) { return Halide::sqrt(a); }, arg(0));
  case Op::Rsqrt:
    // Not fast_inverse_sqrt: that is an approximation.
    return math(
        [](Expr a) {
          return Halide::Internal::make_one(a.type()) / Halide::sqrt(a);
        },
        arg(0));
  case Op::Tanh:
    return math([](Expr a) { return Halide::tanh(a); }, arg(0));
  case Op::Erf:
    // Halide 14 has erf for f32 only (a polynomial; measured within 3.5e-7
    // of glibc's erf on [-8, 8], and the unit tests hold it to 1e-6); f64
    // gets Cody's rational approximations.
    return math(
        [](Expr a) {
          if (a.type().bits() == 64)
            return erfF64(a);
          // Halide's f32 erf gives NaN for infinities and huge arguments;
          // erf is +-1 in f32 beyond |x| = 4, so clamp (NaN stays NaN).
          return Halide::select(Halide::is_nan(a), a,
                                Halide::erf(Halide::clamp(a, -10.0f, 10.0f)));
        },
        arg(0));
  case Op::Floor:
    return math([](Expr a) { return Halide::floor(a); }, arg(0));
  case Op::Ceil:
    return math([](Expr a) { return Halide::ceil(a); }, arg(0));
  case Op::Sin:
    return math([](Expr a) { return Halide::sin(a); }, arg(0));
  case Op::Cos:
    return math([](Expr a) { return Halide::cos(a); }, arg(0));
  case Op::Pow: {
    Expr a = arg(0), b = arg(1);
    if (t.bits() == 16)
      return Halide::cast(t, Halide::pow(Halide::cast(Halide::Float(32), a),
                                         Halide::cast(Halide::Float(32), b)));
    return Halide::pow(a, b);
  }
  case Op::Eq:
    return arg(0) == arg(1);
  case Op::Ne:
    return arg(0) != arg(1);
  case Op::Lt:
    return arg(0) < arg(1);
  case Op::Le:
    return arg(0) <= arg(1);
  case Op::Gt:
    return arg(0) > arg(1);
  case Op::Ge:
    return arg(0) >= arg(1);
  case Op::IsNan: {
    // Halide 14's is_nan has no float16 lowering: widen first (exact).
    Expr a = arg(0);
    if (a.type().is_float() && a.type().bits() == 16)
      a = Halide::cast(Halide::Float(32, a.type().lanes()), a);
    return Halide::is_nan(a);
  }
  case Op::Select:
    return Halide::select(arg(0), arg(1), arg(2));
  case Op::Require: {
    // The kernel returns halide_error_code_requirement_failed, and the
    // generated library's error handler keeps the message for
    // tern_last_error().
    // Halide::require would print the value before the text; this is its
    // body with the message in order ("<text> <value>"). GPU and HLS code
    // cannot build the message (Halide has no strings there): those
    // kernels keep the value unchecked, as the MLIR side clamps it.
    Expr cond = arg(0), value = arg(1);
    if (k.schedule.device != Schedule::CPU)
      return value;
    Expr error =
        Halide::Internal::requirement_failed_error(cond, {Expr(x.text), value});
    return Halide::Internal::Call::make(value.type(),
                                        Halide::Internal::Call::require,
                                        {Halide::likely(cond), value, error},
                                        Halide::Internal::Call::PureIntrinsic);
  }
  case Op::Cast: {
    Expr a = arg(0);
    if (a.type() == t)
      return a;
    // C: any nonzero value is true; true is 1.
    if (t.is_bool())
      return a != Halide::Internal::make_zero(a.type());
    if (a.type().is_bool())
      return Halide::select(a, Halide::Internal::make_one(t),
                            Halide::Internal::make_zero(t));
    // Halide's cast is C's: float to int truncates, int to int wraps.
    return Halide::cast(t, a);
  }
  }
  return Expr();
}

/// X when `x` is U(X) for an X of type `t` (U the unsigned type of `t`'s
/// width): an operand of LinalgToKernel's wrapping i32/i64 arithmetic.
static ExprRef unwrapUnsigned(const ExprRef &x, ScalarType t) {
  return x->op == Op::Cast && x->type == ScalarType::u(t.bits) &&
                 x->args[0]->type == t
             ? x->args[0]
             : nullptr;
}

/// If `e` equals Self(output) + X for an X that does not read Self, returns
/// X; otherwise null. Handles Self, Self + X, X + Self, Self - X and selects
/// (on Self-free conditions) of those.
static ExprRef selfAddend(const ExprRef &e, int output) {
  auto readsSelf = [&](const ExprRef &x, const auto &self) -> bool {
    if (x->op == Op::Self)
      return true;
    for (const ExprRef &a : x->args)
      if (self(a, self))
        return true;
    return false;
  };
  auto selfFree = [&](const ExprRef &x) { return !readsSelf(x, readsSelf); };
  auto isSelf = [&](const ExprRef &x) {
    return x->op == Op::Self && x->index == output;
  };
  switch (e->op) {
  case Op::Self:
    if (!isSelf(e))
      return nullptr;
    return e->type.kind == ScalarType::Float ? constFloat(0.0, e->type)
                                             : constInt(0, e->type);
  case Op::Add:
    if (isSelf(e->args[0]) && selfFree(e->args[1]))
      return e->args[1];
    if (isSelf(e->args[1]) && selfFree(e->args[0]))
      return e->args[0];
    return nullptr;
  case Op::Sub:
    // self - x == self + (0 - x), also for a zero x whatever its sign.
    if (isSelf(e->args[0]) && selfFree(e->args[1]))
      return binary(Op::Sub,
                    e->type.kind == ScalarType::Float ? constFloat(0.0, e->type)
                                                      : constInt(0, e->type),
                    e->args[1]);
    return nullptr;
  case Op::Cast: {
    // Wrapping i32/i64 add and sub, as LinalgToKernel writes them:
    // T(U(self) + U(x)) and T(U(self) - U(x)), U the unsigned type of T.
    // The addend is x, or the wrapped 0 - x.
    const ExprRef &inner = e->args[0];
    if (e->type.kind != ScalarType::Int ||
        (e->type.bits != 32 && e->type.bits != 64) ||
        (inner->op != Op::Add && inner->op != Op::Sub))
      return nullptr;
    ScalarType u = ScalarType::u(e->type.bits);
    ExprRef a = unwrapUnsigned(inner->args[0], e->type),
            b = unwrapUnsigned(inner->args[1], e->type);
    if (!a || !b)
      return nullptr;
    if (inner->op == Op::Add && isSelf(b) && selfFree(a))
      std::swap(a, b);
    if (!isSelf(a) || !selfFree(b))
      return nullptr;
    if (inner->op == Op::Add)
      return b;
    return cast(e->type, binary(Op::Sub, constInt(0, u), cast(u, b)));
  }
  case Op::Select: {
    if (!selfFree(e->args[0]))
      return nullptr;
    ExprRef t = selfAddend(e->args[1], output);
    ExprRef f = t ? selfAddend(e->args[2], output) : nullptr;
    return f ? select(e->args[0], t, f) : nullptr;
  }
  default:
    return nullptr;
  }
}

/// Rewrites an update that adds different amounts under different
/// conditions, select(c, self + a, self), as self + select(c, a, 0) (for
/// i32/i64 in their wrapping form, T(U(self) + U(...))). Halide
/// 14 miscompiles the first form when the update is vectorized with a
/// guarded tail (the guard is dropped: the first vector is updated twice and
/// the last never); the second form is also what rfactor recognizes as an
/// associative sum. Only the sign of a zero result can differ.
static ExprRef hoistSelfAdd(const ExprRef &update, int output) {
  if (update->op == Op::Add || update->op == Op::Self)
    return update;
  ExprRef addend = selfAddend(update, output);
  if (!addend)
    return update;
  ExprRef s = self(output, update->type);
  if (update->type.kind != ScalarType::Int ||
      (update->type.bits != 32 && update->type.bits != 64))
    return binary(Op::Add, s, addend);
  // i32/i64 keep their wrapping form (see LinalgToKernel).
  ScalarType u = ScalarType::u(update->type.bits);
  return cast(update->type, binary(Op::Add, cast(u, s), cast(u, addend)));
}

/// The update of a dot-product kernel (Schedule::dotProduct) as a plain
/// i32 sum, self + a * b: the wrapping form (see hoistSelfAdd) hides the
/// associativity that vectorizing a reduction step needs (Halide's atomic())
/// and the widening multiply that x86 turns into a dot product. The
/// lowering that asks for the schedule bounds the sum (|sum| <= 2 * 127 * K,
/// K below 2^22), so it never wraps. Anything else is returned unchanged.
static ExprRef plainDotUpdate(const ExprRef &update, int output) {
  if (update->type != ScalarType::i(32))
    return update;
  ExprRef addend = selfAddend(update, output);
  if (!addend)
    return update;
  if (addend->op == Op::Cast && addend->args[0]->op == Op::Mul) {
    const ExprRef &mul = addend->args[0];
    ExprRef a = unwrapUnsigned(mul->args[0], update->type),
            b = unwrapUnsigned(mul->args[1], update->type);
    if (a && b)
      addend = binary(Op::Mul, a, b);
  }
  return binary(Op::Add, self(output, update->type), addend);
}

/// An update `self + select(j < limit, a, 0)` over one reduction dimension
/// j, `limit` not reading j (the sparse lowerings' per-tile slot counts):
/// returns {limit, self + a}, so that the reduction can run to `limit` only
/// (an RDom predicate, whose loop Halide trims) instead of testing every
/// step. Null where the update has another form.
static std::optional<std::pair<ExprRef, ExprRef>>
reductionLimit(const ExprRef &update, int dim) {
  if (update->op != Op::Add)
    return std::nullopt;
  for (int s = 0; s < 2; ++s) {
    const ExprRef &self = update->args[s], &guarded = update->args[1 - s];
    if (self->op != Op::Self || guarded->op != Op::Select)
      continue;
    const ExprRef &cond = guarded->args[0], &zero = guarded->args[2];
    bool isZero = zero->op == Op::Const && zero->fval == 0 && zero->ival == 0;
    if (!isZero || cond->op != Op::Lt || cond->args[0]->op != Op::LoopVar ||
        cond->args[0]->index != dim)
      continue;
    std::set<int> used;
    loopVarsOf(cond->args[1], used);
    if (used.count(dim))
      continue;
    return std::make_pair(cond->args[1],
                          binary(Op::Add, self, guarded->args[1]));
  }
  return std::nullopt;
}

std::string Translator::run() {
  // Loop dimensions: Vars for parallel ones, one RDom for the reduction
  // ones. The RDom lists the innermost (last) reduction dimension first,
  // which Halide makes the innermost loop.
  std::vector<int> reductionDims;
  for (size_t d = 0; d < k.loopExtents.size(); ++d) {
    vars.emplace_back("d" + std::to_string(d));
    if (k.isReduction[d])
      reductionDims.push_back(static_cast<int>(d));
  }
  loopExprs.resize(k.loopExtents.size());
  for (size_t d = 0; d < k.loopExtents.size(); ++d)
    if (!k.isReduction[d])
      loopExprs[d] = vars[d];
  if (!reductionDims.empty()) {
    Halide::Region region;
    for (auto it = reductionDims.rbegin(); it != reductionDims.rend(); ++it)
      region.emplace_back(0, static_cast<int>(k.loopExtents[*it]));
    Halide::RDom r(region, "r");
    rdom = r;
    int m = static_cast<int>(reductionDims.size());
    for (int j = 0; j < m; ++j)
      loopExprs[reductionDims[j]] = r[m - 1 - j];
  }

  // A sparse GEMM: one output of (rows, outputs), a reduction, 16-lane
  // output tiles, at least 16 rows, on the CPU.
  if (k.schedule.device == Schedule::CPU && k.schedule.vectorWidth > 1 &&
      rdom && k.outputs.size() == 1 && k.outputs[0].update &&
      k.outputs[0].loopDims.size() == 2 && k.outputs[0].buffer.shape[0] >= 16)
    gatherRowsDim = k.outputs[0].loopDims[0];

  Namer namer(k.name);
  for (size_t i = 0; i < k.inputs.size(); ++i) {
    const Buffer &b = k.inputs[i];
    Halide::ImageParam p(halideType(b.type), static_cast<int>(b.shape.size()),
                         namer.get(b.name, "in" + std::to_string(i)));
    constrainShape(p, b.shape);
    built.inputs.push_back(p);
  }

  // Activation sparsity: a GEMV reduces over a list of its nonzero inputs
  // (compactNonzeroInputs); otherwise the reduction visits only points where
  // the value is nonzero (Halide turns the predicate into a branch around
  // the update body, so a skipped point loads no weights).
  // Its indices are clamped into the buffer: split schedules (an unrolled
  // reduction with a ragged end, blocks of rows) evaluate the predicate
  // before their tail guard, one block past the end.
  if (k.skipWhenZero && rdom && !compactNonzeroInputs(namer, reductionDims)) {
    Halide::Expr v = skipValue();
    rdom->where(v != Halide::Internal::make_zero(v.type()));
  }

  bool anyUpdate = false;
  for (const Output &o : k.outputs)
    anyUpdate |= static_cast<bool>(o.update);

  if (!anyUpdate || k.outputs.size() == 1) {
    // One Func per output.
    for (size_t i = 0; i < k.outputs.size(); ++i) {
      const Output &o = k.outputs[i];
      Halide::Func f(namer.get(o.buffer.name, "out" + std::to_string(i)));
      Halide::Func acc;
      if (o.update) {
        // See Built::accumulators: reduce into an internal buffer, then copy.
        acc = Halide::Func(
            namer.get(o.buffer.name + "_acc", "acc" + std::to_string(i)));
        acc(pureArgs(o)) = translate(o.init);
        selfExpr = [&](int) { return Halide::Expr(acc(pureArgExprs(o))); };
        ExprRef update = k.schedule.dotProduct > 1
                             ? plainDotUpdate(o.update, static_cast<int>(i))
                             : hoistSelfAdd(o.update, static_cast<int>(i));
        if (reductionDims.size() == 1 && k.outputs.size() == 1)
          if (auto limited = reductionLimit(update, reductionDims[0])) {
            rdom->where(rdom->x < translate(limited->first));
            update = limited->second;
          }
        selfUnderSelect |= selectReadsSelf(update);
        acc(pureArgs(o)) = translate(update);
        f(pureArgs(o)) = acc(pureArgExprs(o));
      } else {
        f(pureArgs(o)) = translate(o.init);
      }
      constrainShape(f.output_buffer(), o.buffer.shape);
      built.funcs.push_back(f);
      built.accumulators.push_back(acc);
    }
  } else {
    // Several outputs reducing together (argmax: a value and its index)
    // read each other's running values: one Func with a Tuple value, which
    // Halide realizes into one buffer per element.
    for (size_t i = 1; i < k.outputs.size(); ++i)
      if (k.outputs[i].loopDims != k.outputs[0].loopDims)
        return "outputs 0 and " + std::to_string(i) +
               " are indexed by the loop dimensions in different orders; a "
               "kernel with several outputs and a reduction needs every "
               "output indexed the same way (unsupported: split the kernel "
               "or transpose an output)";
    const Output &o0 = k.outputs[0];
    std::vector<Halide::Expr> init, update;
    for (const Output &o : k.outputs)
      init.push_back(translate(o.init));
    Halide::Func f(namer.get(o0.buffer.name, "out0"));
    Halide::Func acc(namer.get(o0.buffer.name + "_acc", "acc0"));
    acc(pureArgs(o0)) = Halide::Tuple(init);
    selfExpr = [&](int j) { return Halide::Expr(acc(pureArgExprs(o0))[j]); };
    for (size_t i = 0; i < k.outputs.size(); ++i) {
      if (k.outputs[i].update)
        selfUnderSelect |= selectReadsSelf(k.outputs[i].update);
      update.push_back(k.outputs[i].update ? translate(k.outputs[i].update)
                                           : selfExpr(static_cast<int>(i)));
    }
    acc(pureArgs(o0)) = Halide::Tuple(update);
    f(pureArgs(o0)) = acc(pureArgExprs(o0));
    built.accumulators.push_back(acc);
    std::vector<Halide::OutputImageParam> outs = f.output_buffers();
    for (size_t i = 0; i < k.outputs.size(); ++i)
      constrainShape(outs[i], k.outputs[i].buffer.shape, i == 0);
    built.funcs.push_back(f);
  }

  // Vector width follows the widest element a Func stores (bool is stored
  // as a byte).
  auto storage = [](ScalarType t) {
    return t.kind == ScalarType::Bool ? Halide::UInt(8) : halideType(t);
  };
  auto schedule = [&](size_t i, const Output &o, Halide::Type type) {
    Halide::Func acc = built.accumulators[i];
    if (acc.defined() && applyDotSchedule(acc, built.funcs[i], o))
      return;
    if (acc.defined()) {
      applySchedule(acc, o, type);
      acc.compute_root();
    }
    applySchedule(built.funcs[i], o, type);
  };
  if (built.funcs.size() == k.outputs.size()) {
    for (size_t i = 0; i < built.funcs.size(); ++i)
      schedule(i, k.outputs[i], storage(k.outputs[i].buffer.type));
  } else {
    Halide::Type widest = Halide::UInt(8);
    for (const Output &o : k.outputs)
      if (storage(o.buffer.type).bits() > widest.bits())
        widest = storage(o.buffer.type);
    schedule(0, k.outputs[0], widest);
  }
  built.pipeline = Halide::Pipeline(built.funcs);
  return "";
}

/// Kernel::skipWhenZero at the current loop Exprs; a plain load has its
/// indices clamped into the buffer.
Halide::Expr Translator::skipValue() {
  const Expr &x = *k.skipWhenZero;
  if (x.op != Op::Load)
    return translate(k.skipWhenZero);
  const Buffer &b = k.inputs[x.index];
  std::vector<Halide::Expr> idx;
  for (int j = static_cast<int>(b.shape.size()) - 1; j >= 0; --j)
    idx.push_back(Halide::clamp(translate(x.args[j]), 0,
                                static_cast<int>(b.shape[j] - 1)));
  return built.inputs[x.index](idx);
}

/// Activation sparsity for one row of activations (a GEMV) over one
/// reduction dimension, on the CPU: compacts the nonzero positions into a
/// list first, then runs the reduction over the list only, every step a
/// nonzero input (no data-dependent branch per step, which mispredicts on
/// random zeros). Returns false where it does not apply; more rows then
/// skip per row with a branch, since a list shared by the rows would skip
/// only the inputs zero in all of them.
bool Translator::compactNonzeroInputs(Namer &namer,
                                      const std::vector<int> &reductionDims) {
  std::set<int> used;
  loopVarsOf(k.skipWhenZero, used);
  if (reductionDims.size() != 1 || k.schedule.device != Schedule::CPU)
    return false;
  for (int d : used)
    if (!k.isReduction[d] && k.loopExtents[d] != 1)
      return false;
  int kdim = reductionDims[0];
  int64_t extent = k.loopExtents[kdim];
  if (extent < 2 || extent > (int64_t(1) << 30))
    return false;
  int kMax = static_cast<int>(extent - 1);
  Halide::Var kk("kk");
  // The value at input kk: other loop dimensions it reads have extent 1, so
  // index 0.
  std::vector<Halide::Expr> saved = loopExprs;
  for (int d : used)
    loopExprs[d] = Halide::Expr(0);
  loopExprs[kdim] = kk;
  memo.clear();
  Halide::Expr v = skipValue();
  loopExprs = saved;
  Halide::Func nonzero(namer.get("nonzero", "nonzero"));
  nonzero(kk) =
      Halide::select(v != Halide::Internal::make_zero(v.type()), 1, 0);
  // position(k): the nonzero inputs before k (a serial scan).
  Halide::Func position(namer.get("nonzero_position", "position"));
  position(kk) = 0;
  Halide::RDom scan(1, kMax, "scan");
  position(scan) = position(scan - 1) + nonzero(scan - 1);
  Halide::Func count(namer.get("nonzero_count", "count"));
  count() = position(kMax) + nonzero(kMax);
  Halide::Func list(namer.get("nonzero_list", "list"));
  list(kk) = 0;
  Halide::RDom each(0, kMax + 1, "each");
  each.where(nonzero(each) != 0);
  list(Halide::clamp(position(each), 0, kMax)) = each;
  position.compute_root();
  count.compute_root();
  list.compute_root();
  // Every read indexed by the reduction goes through the list; Halide
  // trims the reduction loop to the count.
  loopExprs[kdim] = Halide::unsafe_promise_clamped(list(rdom->x), 0, kMax);
  memo.clear();
  rdom->where(rdom->x < count());
  return true;
}

} // namespace detail

namespace {

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

/// resolveTarget without the lock, for use inside guarded().
/// True unless this is an x86 CPU without AVX512-FP16 (CPUID leaf 7, EDX
/// bit 23).
bool hostHasAvx512Fp16() {
#if defined(__x86_64__) || defined(__i386__)
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
    return false;
  return (d >> 23) & 1;
#else
  return true;
#endif
}

/// Halide 14 reports AVX512_SapphireRapids for any CPU with AVX512-BF16
/// (AMD Zen 4, Intel Cooper Lake among them), and LLVM then uses AVX512-FP16
/// and VEX-encoded AVX-VNNI instructions, which such CPUs lack (SIGILL or
/// SIGSEGV at run time). For the host, keep the feature only where FP16 is
/// really there. Every host target goes through here: AOT ("host...") and
/// the JIT.
Halide::Target withoutMissingHostFeatures(Halide::Target t) {
  if (t.has_feature(Halide::Target::AVX512_SapphireRapids) &&
      !hostHasAvx512Fp16())
    t = t.without_feature(Halide::Target::AVX512_SapphireRapids);
  return t;
}

Halide::Target jitTarget() {
  return withoutMissingHostFeatures(Halide::get_jit_target_from_environment());
}

Status parseTarget(const std::string &name, Halide::Target &out) {
  if (name.empty() || !Halide::Target::validate_target_string(name))
    return Status::error("unknown halide target '" + name +
                         "', expected \"host\", \"host-cuda\" or a Halide "
                         "target string such as \"x86-64-linux-avx2\"");
  out = Halide::Target(name);
  if (name.rfind("host", 0) == 0)
    out = withoutMissingHostFeatures(out);
  // Without a capability Halide emits PTX for sm_20, which current CUDA
  // drivers no longer load; default to Volta (sm_70), which every GPU
  // since then (H100 included) JIT-compiles.
  if (out.has_feature(Halide::Target::CUDA)) {
    bool hasCapability = false;
    for (auto f :
         {Halide::Target::CUDACapability30, Halide::Target::CUDACapability32,
          Halide::Target::CUDACapability35, Halide::Target::CUDACapability50,
          Halide::Target::CUDACapability61, Halide::Target::CUDACapability70,
          Halide::Target::CUDACapability75, Halide::Target::CUDACapability80,
          Halide::Target::CUDACapability86})
      hasCapability |= out.has_feature(f);
    if (!hasCapability)
      out = out.with_feature(Halide::Target::CUDACapability70);
  }
  return Status::success();
}

/// Halide reports an unwritable output path late and obscurely (from inside
/// LLVM); check it up front.
Status checkWritable(const std::string &path) {
  std::FILE *f = std::fopen(path.c_str(), "wb");
  if (!f)
    return Status::error("cannot open '" + path +
                         "' for writing: " + std::strerror(errno));
  std::fclose(f);
  return Status::success();
}

Status checkNonEmpty(const std::string &path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in || in.tellg() <= 0)
    return Status::error("halide wrote no data to '" + path + "'");
  return Status::success();
}

Status buildKernel(const Kernel &k, const Halide::Target &target,
                   Built &built) {
  if (k.schedule.device == Schedule::GPU && !target.has_gpu_feature())
    return Status::error(kernelPrefix(k) + "has a GPU schedule but target '" +
                         target.to_string() + "' has no GPU feature");
  Translator t(k, target, built);
  std::string unsupported = t.run();
  if (!unsupported.empty())
    return Status::error(kernelPrefix(k) + unsupported);
  return Status::success();
}

/// A dense row-major buffer of `desc`'s shape at `data`, in Halide's
/// innermost-first order.
Halide::Buffer<> wrapBuffer(const Buffer &desc, void *data) {
  int rank = static_cast<int>(desc.shape.size());
  std::vector<halide_dimension_t> dims(rank);
  int64_t stride = 1;
  for (int j = 0; j < rank; ++j) {
    int32_t extent = static_cast<int32_t>(desc.shape[rank - 1 - j]);
    dims[j] = halide_dimension_t(0, extent, static_cast<int32_t>(stride));
    stride *= extent;
  }
  return Halide::Buffer<>(halideType(desc.type), data, rank, dims.data());
}

/// Collects the JIT runtime's error messages instead of letting the default
/// handler print them (and Halide throw or abort).
struct ErrorCollectingContext : Halide::JITUserContext {
  std::string message;
};

void collectJitError(Halide::JITUserContext *ctx, const char *msg) {
  auto *c = static_cast<ErrorCollectingContext *>(ctx);
  if (!c->message.empty())
    c->message += "; ";
  c->message += msg ? msg : "(no message)";
}

} // namespace

Status resolveTarget(const std::string &target, std::string &canonical) {
  return guarded("", [&]() -> Status {
    Halide::Target t;
    Status s = parseTarget(target, t);
    if (!s)
      return s;
    canonical = t.to_string();
    return Status::success();
  });
}

/// The x86 instruction-set features: what a CPU may lack.
static const std::vector<Halide::Target::Feature> &x86IsaFeatures() {
  static const std::vector<Halide::Target::Feature> features = {
      Halide::Target::SSE41,
      Halide::Target::AVX,
      Halide::Target::AVX2,
      Halide::Target::FMA,
      Halide::Target::FMA4,
      Halide::Target::F16C,
      Halide::Target::AVX512,
      Halide::Target::AVX512_KNL,
      Halide::Target::AVX512_Skylake,
      Halide::Target::AVX512_Cannonlake,
      Halide::Target::AVX512_SapphireRapids};
  return features;
}

Status targetFeatures(const std::string &target, TargetFeatures &out) {
  return guarded("", [&]() -> Status {
    Halide::Target t;
    if (Status s = parseTarget(target, t); !s)
      return s;
    int numFeatures = static_cast<int>(Halide::Target::FeatureEnd);
    out.words.assign((numFeatures + 63) / 64, 0);
    out.cpuFeatures.clear();
    for (int i = 0; i < numFeatures; ++i) {
      auto f = static_cast<Halide::Target::Feature>(i);
      if (!t.has_feature(f))
        continue;
      out.words[i / 64] |= uint64_t(1) << (i % 64);
      const auto &isa = x86IsaFeatures();
      if (std::find(isa.begin(), isa.end(), f) != isa.end())
        out.cpuFeatures.push_back({i, Halide::Target::feature_to_name(f)});
    }
    return Status::success();
  });
}

Status baselineTarget(const std::string &target, std::string &baseline) {
  return guarded("", [&]() -> Status {
    Halide::Target t;
    if (Status s = parseTarget(target, t); !s)
      return s;
    for (Halide::Target::Feature f : x86IsaFeatures())
      t = t.without_feature(f);
    baseline = t.to_string();
    return Status::success();
  });
}

Status targetArchitecture(const std::string &target, bool &isHost,
                          std::string &arch) {
  return guarded("", [&]() -> Status {
    Halide::Target t;
    if (Status s = parseTarget(target, t); !s)
      return s;
    Halide::Target host = Halide::get_host_target();
    isHost = t.arch == host.arch && t.bits == host.bits;
    // "arm-64-linux-..." -> "arm-64"
    std::string text = Halide::Target(t.os, t.arch, t.bits).to_string();
    arch = text.substr(0, text.rfind('-'));
    return Status::success();
  });
}

Status verifyKernel(const Kernel &k) { return Verifier(k).run(); }

Status compileToObject(const Kernel &k, const std::string &target,
                       const std::string &objectPath) {
  if (Status s = verifyKernel(k); !s)
    return s;
  std::string prefix = kernelPrefix(k);
  bool created = false;
  Status result = guarded(prefix, [&]() -> Status {
    Halide::Target t;
    if (Status s = parseTarget(target, t); !s)
      return Status::error(prefix + s.message);
    if (Status s = checkWritable(objectPath); !s)
      return Status::error(prefix + s.message);
    created = true;
    Built built;
    if (Status s = buildKernel(k, t, built); !s)
      return s;
    // The runtime is compiled once per library (compileRuntime); asserts
    // stay on: they check the callers' buffer shapes once per call.
    built.pipeline.compile_to(
        {{Halide::OutputFileType::object, objectPath}}, built.arguments(),
        k.name, built.codegenTarget(t.with_feature(Halide::Target::NoRuntime)));
    if (Status s = checkNonEmpty(objectPath); !s)
      return Status::error(prefix + s.message);
    return Status::success();
  });
  // A failed compile must not leave a file a build system takes as done.
  if (!result && created)
    std::remove(objectPath.c_str());
  return result;
}

Status compileRuntime(const std::string &target,
                      const std::string &objectPath) {
  std::string prefix = "halide runtime for target '" + target + "': ";
  bool created = false;
  Status result = guarded(prefix, [&]() -> Status {
    Halide::Target t;
    if (Status s = parseTarget(target, t); !s)
      return Status::error(prefix + s.message);
    if (Status s = checkWritable(objectPath); !s)
      return Status::error(prefix + s.message);
    created = true;
    Halide::compile_standalone_runtime(objectPath, t);
    if (Status s = checkNonEmpty(objectPath); !s)
      return Status::error(prefix + s.message);
    return Status::success();
  });
  if (!result && created)
    std::remove(objectPath.c_str());
  return result;
}

/// One of Halide's text outputs (`type`) for `k`, read back into `text`.
static Status lowerToText(const Kernel &k, const std::string &target,
                          Halide::OutputFileType type, std::string &text) {
  if (Status s = verifyKernel(k); !s)
    return s;
  std::string prefix = kernelPrefix(k);
  const char *tmpdir = std::getenv("TMPDIR");
  std::string path =
      std::string(tmpdir && *tmpdir ? tmpdir : "/tmp") + "/tern-text-XXXXXX";
  int fd = mkstemp(path.data());
  if (fd < 0)
    return Status::error(prefix + "cannot create a temporary file '" + path +
                         "': " + std::strerror(errno));
  close(fd);
  Status result = guarded(prefix, [&]() -> Status {
    Halide::Target t;
    if (Status s = parseTarget(target, t); !s)
      return Status::error(prefix + s.message);
    Built built;
    if (Status s = buildKernel(k, t, built); !s)
      return s;
    // compile_to (not compile_to_lowered_stmt) so that the function gets
    // the kernel's name, as in the object file.
    built.pipeline.compile_to(
        {{type, path}}, built.arguments(), k.name,
        built.codegenTarget(t.with_feature(Halide::Target::NoRuntime)));
    std::ifstream in(path);
    std::ostringstream read;
    read << in.rdbuf();
    if (!in)
      return Status::error(prefix + "cannot read back '" + path + "'");
    text = read.str();
    return Status::success();
  });
  std::remove(path.c_str());
  return result;
}

Status lowerToStmt(const Kernel &k, const std::string &target,
                   std::string &stmt) {
  return lowerToText(k, target, Halide::OutputFileType::stmt, stmt);
}

Status lowerToAssembly(const Kernel &k, const std::string &target,
                       std::string &assembly) {
  return lowerToText(k, target, Halide::OutputFileType::assembly, assembly);
}

/// Runs a built kernel with Halide's JIT on dense row-major host buffers
/// (under the caller's `guarded`).
static Status realizeOn(const Kernel &k, Built &built, const Halide::Target &t,
                        const std::vector<const void *> &inputs,
                        const std::vector<void *> &outputs,
                        const std::string &prefix) {
  for (size_t i = 0; i < inputs.size(); ++i)
    built.inputs[i].set(wrapBuffer(k.inputs[i], const_cast<void *>(inputs[i])));
  std::vector<Halide::Buffer<>> outs;
  for (size_t i = 0; i < outputs.size(); ++i)
    outs.push_back(wrapBuffer(k.outputs[i].buffer, outputs[i]));
  Halide::Realization realization(outs);
  ErrorCollectingContext ctx;
  ctx.handlers.custom_error = collectJitError;
  built.pipeline.realize(&ctx, realization, built.codegenTarget(t));
  if (!ctx.message.empty())
    return Status::error(prefix +
                         "halide runtime error: " + cleanMessage(ctx.message));
  return Status::success();
}

Status runJit(const Kernel &k, const std::vector<const void *> &inputs,
              const std::vector<void *> &outputs) {
  if (Status s = verifyKernel(k); !s)
    return s;
  std::string prefix = kernelPrefix(k);
  if (inputs.size() != k.inputs.size())
    return Status::error(
        prefix + "runJit got " + std::to_string(inputs.size()) +
        " input pointers, expected " + std::to_string(k.inputs.size()));
  if (outputs.size() != k.outputs.size())
    return Status::error(
        prefix + "runJit got " + std::to_string(outputs.size()) +
        " output pointers, expected " + std::to_string(k.outputs.size()));
  for (size_t i = 0; i < inputs.size(); ++i)
    if (!inputs[i])
      return Status::error(prefix + "runJit got a null pointer for input " +
                           std::to_string(i));
  for (size_t i = 0; i < outputs.size(); ++i)
    if (!outputs[i])
      return Status::error(prefix + "runJit got a null pointer for output " +
                           std::to_string(i));
  return guarded(prefix, [&]() -> Status {
    Halide::Target t = jitTarget();
    Built built;
    if (Status s = buildKernel(k, t, built); !s)
      return s;
    return realizeOn(k, built, t, inputs, outputs, prefix);
  });
}

Status
detail::withHlsModule(const Kernel &k,
                      const std::function<Status(const Halide::Module &)> &fn) {
  if (Status s = verifyKernel(k); !s)
    return s;
  std::string prefix = kernelPrefix(k);
  if (k.schedule.device != Schedule::HLS)
    return Status::error(prefix + "has no HLS schedule");
  return guarded(prefix, [&]() -> Status {
    Halide::Target t("x86-64-linux");
    t = t.with_feature(Halide::Target::NoAsserts)
            .with_feature(Halide::Target::NoBoundsQuery)
            .with_feature(Halide::Target::NoRuntime);
    Built built;
    if (Status s = buildKernel(k, t, built); !s)
      return s;
    Halide::Module module =
        built.pipeline.compile_to_module(built.arguments(), k.name, t);
    return fn(module);
  });
}

struct JitKernel::Impl {
  Kernel kernel;
  Halide::Target target;
  Built built;
};

JitKernel::JitKernel() = default;
JitKernel::~JitKernel() = default;
JitKernel::JitKernel(JitKernel &&) noexcept = default;
JitKernel &JitKernel::operator=(JitKernel &&) noexcept = default;

Status JitKernel::compile(const Kernel &k) {
  if (Status s = verifyKernel(k); !s)
    return s;
  auto next = std::make_unique<Impl>();
  next->kernel = k;
  next->kernel.schedule = Schedule();
  std::string prefix = kernelPrefix(k);
  Status s = guarded(prefix, [&]() -> Status {
    next->target = jitTarget();
    if (Status b = buildKernel(next->kernel, next->target, next->built); !b)
      return b;
    next->target = next->built.codegenTarget(next->target);
    next->built.pipeline.compile_jit(next->target);
    return Status::success();
  });
  if (s)
    impl = std::move(next);
  return s;
}

Status JitKernel::run(const std::vector<const void *> &inputs,
                      const std::vector<void *> &outputs) {
  if (!impl)
    return Status::error("JitKernel::run before a successful compile");
  const Kernel &k = impl->kernel;
  std::string prefix = kernelPrefix(k);
  if (inputs.size() != k.inputs.size() || outputs.size() != k.outputs.size())
    return Status::error(prefix + "JitKernel::run got the wrong number of "
                                  "buffers");
  for (const void *p : inputs)
    if (!p)
      return Status::error(prefix + "JitKernel::run got a null input");
  for (void *p : outputs)
    if (!p)
      return Status::error(prefix + "JitKernel::run got a null output");
  return guarded(prefix, [&]() -> Status {
    return realizeOn(k, impl->built, impl->target, inputs, outputs, prefix);
  });
}

} // namespace tern::kernel
