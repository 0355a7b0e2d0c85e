//===- Translator.cpp - A Kernel as Halide Funcs
//---------------------------===//
//
// Part of TernHalideBackend. The translation follows the shape of a
// linalg.generic. Each parallel loop dimension becomes a Var, all reduction
// dimensions together one RDom, each output a Func whose pure definition is
// the output's `init` and whose update definition (when the kernel reduces)
// is its `update`. Halide lists dimensions innermost first while Kernel
// shapes are row-major, so every index list is reversed on the way in.
// Shapes are static: every buffer, input or output, gets its bounds and
// strides fixed, so the code is specialized for them and checks them once
// at entry. The schedule is applied afterwards by the recipes (Schedules.cpp).
//
//===----------------------------------------------------------------------===//

#include "Translator.h"
#include "Backend.h"
#include "tern/Kernel/KernelAnalysis.h"
#include "tern/Kernel/KernelNames.h"

#include <set>

namespace tern::kernel::detail {

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
    if (options.transposeRowsDim >= 0 && rank == 2 &&
        x.args[0]->op == Op::LoopVar &&
        x.args[0]->index == options.transposeRowsDim &&
        isDataDependent(x.args[1])) {
      auto [it, inserted] = built.transposedInputs.try_emplace(x.index);
      if (inserted) {
        it->second = Halide::Func(built.inputs[x.index].name() + "_t");
        Halide::Var row("row"), col("col");
        it->second(row, col) = built.inputs[x.index](col, row);
      }
      built.gatherInputs.insert(x.index);
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
        built.gatherInputs.insert(x.index);
      } else if (!isAffineIndex(x.args[j])) {
        built.gatherInputs.insert(x.index);
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
    if (!options.runtimeChecks)
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

std::string Translator::run() {
  // Loop dimensions: Vars for parallel ones, one RDom for the reduction
  // ones. The RDom lists the innermost (last) reduction dimension first,
  // which Halide makes the innermost loop.
  std::vector<int> reductionDims;
  for (size_t d = 0; d < k.loopExtents.size(); ++d) {
    built.vars.emplace_back("d" + std::to_string(d));
    if (k.isReduction[d])
      reductionDims.push_back(static_cast<int>(d));
  }
  loopExprs.resize(k.loopExtents.size());
  for (size_t d = 0; d < k.loopExtents.size(); ++d)
    if (!k.isReduction[d])
      loopExprs[d] = built.vars[d];
  if (!reductionDims.empty()) {
    Halide::Region region;
    for (auto it = reductionDims.rbegin(); it != reductionDims.rend(); ++it)
      region.emplace_back(0, static_cast<int>(k.loopExtents[*it]));
    Halide::RDom r(region, "r");
    built.rdom = r;
    int m = static_cast<int>(reductionDims.size());
    for (int j = 0; j < m; ++j)
      loopExprs[reductionDims[j]] = r[m - 1 - j];
  }

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
  if (k.skipWhenZero && built.rdom &&
      !compactNonzeroInputs(namer, reductionDims)) {
    Halide::Expr v = skipValue();
    built.rdom->where(v != Halide::Internal::make_zero(v.type()));
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
        UpdateForm form = normalizedUpdate(k, i, options.plainDot);
        if (form.limit)
          built.rdom->where(built.rdom->x < translate(form.limit));
        acc(pureArgs(o)) = translate(form.update);
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
  if (reductionDims.size() != 1 || !options.compactNonzero)
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
  loopExprs[kdim] =
      Halide::unsafe_promise_clamped(list(built.rdom->x), 0, kMax);
  memo.clear();
  built.rdom->where(built.rdom->x < count());
  return true;
}

} // namespace tern::kernel::detail
