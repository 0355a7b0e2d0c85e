//===- Verifier.cpp - Checks a Kernel before it reaches Halide ------------===//
//
// Part of TernHalideBackend. Every entry point verifies its kernel first, so
// that a malformed Kernel (wrong types, unknown ops, out-of-range indices)
// is a Status that names the problem, never a Halide assertion or a crash.
//
//===----------------------------------------------------------------------===//

#include "Backend.h"
#include "tern/Kernel/KernelNames.h"

#include <cctype>
#include <limits>
#include <string>
#include <unordered_set>

namespace tern::kernel {

using detail::kernelPrefix;
using detail::opArity;
using detail::opName;

namespace {

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

} // namespace

Status verifyKernel(const Kernel &k) { return Verifier(k).run(); }

} // namespace tern::kernel
