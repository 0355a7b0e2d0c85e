//===- KernelAnalysis.cpp - Questions and rewrites over Kernel IR ---------===//
//
// Halide-free: what the schedule selector and the backend's translator both
// need to know about a kernel's expressions, and the normal form of an
// update that the translator builds (so that the selector sees the update
// the backend will schedule).
//
//===----------------------------------------------------------------------===//

#include "tern/Kernel/KernelAnalysis.h"

#include <algorithm>

namespace tern::kernel {

/// Adds the loop dimensions `e` reads to `dims`.
void loopVarsOf(const ExprRef &e, std::set<int> &dims) {
  if (e->op == Op::LoopVar)
    dims.insert(e->index);
  for (const ExprRef &a : e->args)
    loopVarsOf(a, dims);
}

/// Whether `e` reads Self anywhere.
bool readsSelf(const ExprRef &e) {
  if (e->op == Op::Self)
    return true;
  return std::any_of(e->args.begin(), e->args.end(), readsSelf);
}

/// Whether a select in `e` reads Self, in its condition or its values.
bool selectReadsSelf(const ExprRef &e) {
  if (e->op == Op::Select && readsSelf(e))
    return true;
  return std::any_of(e->args.begin(), e->args.end(), selectReadsSelf);
}

/// Loop variables and constants combined with +, -, * and floor division:
/// index expressions whose footprint over a tile Halide bounds tightly.
bool isAffineIndex(const ExprRef &e) {
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
ExprRef hoistSelfAdd(const ExprRef &update, int output) {
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
ExprRef plainDotUpdate(const ExprRef &update, int output) {
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
std::optional<std::pair<ExprRef, ExprRef>> reductionLimit(const ExprRef &update,
                                                          int dim) {
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

bool isDataDependent(const ExprRef &e) {
  if (e->op == Op::Load || e->op == Op::Self)
    return true;
  return std::any_of(e->args.begin(), e->args.end(), isDataDependent);
}

UpdateForm normalizedUpdate(const Kernel &k, size_t output, bool plainDot) {
  UpdateForm form;
  const ExprRef &update = k.outputs[output].update;
  int o = static_cast<int>(output);
  form.update = plainDot ? plainDotUpdate(update, o) : hoistSelfAdd(update, o);
  std::vector<int> reductionDims;
  for (size_t d = 0; d < k.isReduction.size(); ++d)
    if (k.isReduction[d])
      reductionDims.push_back(static_cast<int>(d));
  if (reductionDims.size() == 1 && k.outputs.size() == 1)
    if (auto limited = reductionLimit(form.update, reductionDims[0])) {
      form.limit = limited->first;
      form.update = limited->second;
    }
  return form;
}

} // namespace tern::kernel
