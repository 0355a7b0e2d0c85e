//===- KernelCost.cpp - What one run of a kernel computes -----------------===//
//
// See KernelCost.h. Expression trees share subtrees (ExprRef); a subtree
// reached twice within one init or update is counted once, as the compiled
// code computes it once.
//
//===----------------------------------------------------------------------===//

#include "tern/Kernel/KernelCost.h"
#include "tern/Kernel/KernelAnalysis.h"

#include <algorithm>
#include <set>

namespace tern::kernel {

int64_t OpCounts::mults() const {
  int64_t total = 0;
  for (int64_t m : mul)
    total += m;
  return total;
}

int64_t OpCounts::adds() const {
  int64_t total = 0;
  for (int64_t a : add)
    total += a;
  return total;
}

OpCounts &OpCounts::operator+=(const OpCounts &o) {
  for (int c = 0; c < NumClasses; ++c) {
    mul[c] += o.mul[c];
    add[c] += o.add[c];
  }
  other += o.other;
  return *this;
}

const char *className(OpCounts::Class c) {
  switch (c) {
  case OpCounts::F32:
    return "f32";
  case OpCounts::F16:
    return "f16";
  case OpCounts::I8:
    return "i8";
  case OpCounts::I16:
    return "i16";
  case OpCounts::I32:
  case OpCounts::NumClasses:
    break;
  }
  return "i32";
}

namespace {

OpCounts::Class classOf(ScalarType t, int bits) {
  if (t.kind == ScalarType::Float)
    return bits <= 16 ? OpCounts::F16 : OpCounts::F32;
  if (bits <= 8)
    return OpCounts::I8;
  return bits <= 16 ? OpCounts::I16 : OpCounts::I32;
}

/// The bits an operand really has: a value widened by a cast from a
/// narrower integer counts at its source width.
int sourceBits(const ExprRef &e) {
  if (e->op == Op::Cast && !e->args.empty() &&
      e->args[0]->type.kind != ScalarType::Float &&
      e->type.kind != ScalarType::Float && e->args[0]->type.bits < e->type.bits)
    return e->args[0]->type.bits;
  return e->type.bits;
}

struct Counter {
  OpCounts counts;
  std::set<const Expr *> seen;

  void visit(const ExprRef &e) {
    if (!e || !seen.insert(e.get()).second)
      return;
    // Loads: their indices are addressing. Pure loop-variable arithmetic
    // is bookkeeping.
    if (e->op == Op::Load || !isDataDependent(e))
      return;
    for (const ExprRef &a : e->args)
      visit(a);
    switch (e->op) {
    case Op::Mul:
    case Op::Div: {
      int bits = e->type.bits;
      if (e->args.size() == 2)
        bits = std::max(sourceBits(e->args[0]), sourceBits(e->args[1]));
      ++counts.mul[classOf(e->type, bits)];
      break;
    }
    case Op::Add:
    case Op::Sub:
    case Op::Neg:
      ++counts.add[classOf(e->type, e->type.bits)];
      break;
    case Op::Const:
    case Op::LoopVar:
    case Op::Load:
    case Op::Self:
    case Op::Cast:
    case Op::Require:
      break;
    default:
      ++counts.other;
      break;
    }
  }
};

OpCounts scaled(const OpCounts &c, int64_t times) {
  OpCounts out;
  for (int i = 0; i < OpCounts::NumClasses; ++i) {
    out.mul[i] = c.mul[i] * times;
    out.add[i] = c.add[i] * times;
  }
  out.other = c.other * times;
  return out;
}

} // namespace

OpCounts countOps(const Kernel &k) {
  int64_t parallelPoints = 1, allPoints = 1;
  for (size_t d = 0; d < k.loopExtents.size(); ++d) {
    allPoints *= k.loopExtents[d];
    if (d >= k.isReduction.size() || !k.isReduction[d])
      parallelPoints *= k.loopExtents[d];
  }
  Counter init, update;
  for (const Output &o : k.outputs) {
    init.visit(o.init);
    update.visit(o.update);
  }
  update.visit(k.skipWhenZero);
  OpCounts total = scaled(init.counts, parallelPoints);
  total += scaled(update.counts, allPoints);
  return total;
}

} // namespace tern::kernel
