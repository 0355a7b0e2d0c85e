//===- HlsCodeGen.cpp - Halide statements printed as HLS C++ --------------===//
//
// emitHls: a kernel with Schedule::HLS is built and lowered by Halide like
// any other (HlsLowering.h), and its lowered statement is printed by
// HlsPrinter, a subclass of Halide's own C code generator. The printer keeps
// CodeGen_C's expression printing (SSA temporaries, casts, shifts, bitwise
// operators) and replaces what an HLS tool cannot take:
//
// - buffers are flat C arrays named after the kernel's parameters, indexed
//   directly (no halide_buffer_t, no pointer casts);
// - loops have constant bounds (the shapes are compiled in), a label, and
//   the pragmas the schedule asks for: UNROLL on the loop Halide named
//   "hls_unroll", PIPELINE II=1 on the innermost loop that is not unrolled;
// - min, max, abs and the divisions become inline integer expressions, not
//   calls into Halide's C runtime header; asserts disappear (NoAsserts), as
//   do heap allocations (internal buffers become fixed local arrays).
//
// An analysis over the same statement gives the report: the cyclic partition
// each array needs so that an unrolled loop reads all its elements in one
// cycle, and an operator-level estimate of LUTs, flip-flops, DSPs and
// latency (the model is written down in docs/architecture.md and the report).
//
//===----------------------------------------------------------------------===//

#include "HlsLowering.h"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

namespace tern::kernel {
namespace {

using namespace Halide;
using namespace Halide::Internal;
using Halide::Expr; // not tern::kernel::Expr

bool endsWith(const std::string &s, const std::string &suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool isUnrolledLoop(const For *op) { return endsWith(op->name, ".hls_unroll"); }

/// The buffer facts the lowered statement reads through
/// `_halide_buffer_get_*` calls, known at compile time: every buffer is
/// dense, row-major, starts at 0 and has the kernel's shape.
class BufferFacts : public IRMutator {
public:
  explicit BufferFacts(std::map<std::string, std::vector<int64_t>> shapes)
      : shapes(std::move(shapes)) {}

  std::string error;

  using IRMutator::visit;

  Stmt visit(const LetStmt *op) override {
    if (const Call *c = op->value.as<Call>()) {
      if (c->name == "_halide_buffer_get_host")
        return mutate(op->body); // the Load/Store name is the array's name
      Expr fact;
      if (known(c, fact))
        return mutate(substitute(op->name, fact, op->body));
      if (c->name.rfind("_halide_buffer_", 0) == 0) {
        error = "the HLS printer cannot resolve '" + c->name + "'";
        return mutate(op->body);
      }
    }
    return IRMutator::visit(op);
  }

  Stmt visit(const AssertStmt *) override { return Evaluate::make(0); }

private:
  std::map<std::string, std::vector<int64_t>> shapes;

  bool known(const Call *c, Expr &fact) {
    static const std::set<std::string> names = {
        "_halide_buffer_get_min", "_halide_buffer_get_extent",
        "_halide_buffer_get_stride", "_halide_buffer_get_max"};
    if (!names.count(c->name) || c->args.size() != 2)
      return false;
    const Variable *buf = c->args[0].as<Variable>();
    const IntImm *dim = c->args[1].as<IntImm>();
    if (!buf || !dim || !endsWith(buf->name, ".buffer"))
      return false;
    auto it = shapes.find(buf->name.substr(0, buf->name.size() - 7));
    if (it == shapes.end())
      return false;
    const std::vector<int64_t> &shape = it->second;
    int rank = static_cast<int>(shape.size());
    int d = static_cast<int>(dim->value); // 0 is the innermost
    if (d < 0 || d >= rank)
      return false;
    int64_t extent = shape[rank - 1 - d];
    int64_t stride = 1;
    for (int j = rank - d; j < rank; ++j)
      stride *= shape[j];
    if (c->name == "_halide_buffer_get_min")
      fact = 0;
    else if (c->name == "_halide_buffer_get_extent")
      fact = static_cast<int>(extent);
    else if (c->name == "_halide_buffer_get_max")
      fact = static_cast<int>(extent - 1);
    else
      fact = static_cast<int>(stride);
    return true;
  }
};

/// Finds a loop that is not unrolled (unrolled loops are looked through:
/// they become copies of their body).
class FindLoop : public IRVisitor {
public:
  bool found = false;
  using IRVisitor::visit;
  void visit(const For *op) override {
    if (isUnrolledLoop(op))
      IRVisitor::visit(op);
    else
      found = true;
  }
};

/// Whether `s` holds a loop that is not unrolled: a loop whose body has none
/// is the innermost, the one HLS pipelines.
bool hasLoop(const Stmt &s) {
  FindLoop v;
  s.accept(&v);
  return v.found;
}

/// Calls `fn` on every Load in an expression.
class ForEachLoad : public IRVisitor {
public:
  explicit ForEachLoad(std::function<void(const Load *)> fn)
      : fn(std::move(fn)) {}
  using IRVisitor::visit;
  void visit(const Load *op) override {
    fn(op);
    IRVisitor::visit(op);
  }

private:
  std::function<void(const Load *)> fn;
};

/// The cyclic partition factor an array needs so that the copies of an
/// unrolled loop nest read `index` in one cycle: the offsets of the copies
/// from the first must fall in distinct banks (distinct modulo the factor).
/// The outer loop variables shift every copy alike, so offsets suffice.
/// Returns -1 (partition completely) when an offset is not a constant.
int64_t
partitionFactor(const Expr &index,
                const std::vector<std::pair<std::string, int64_t>> &unrolled) {
  int64_t copies = 1;
  for (const auto &loop : unrolled)
    copies *= loop.second;
  if (copies <= 1)
    return 1;
  if (copies > 4096)
    return -1;
  std::vector<int64_t> offsets;
  Expr first;
  for (int64_t c = 0; c < copies; ++c) {
    Expr at = index;
    int64_t rest = c;
    for (auto it = unrolled.rbegin(); it != unrolled.rend(); ++it) {
      at = substitute(it->first, Expr(static_cast<int>(rest % it->second)), at);
      rest /= it->second;
    }
    if (c == 0) {
      first = at;
      offsets.push_back(0);
      continue;
    }
    const int64_t *d = as_const_int(simplify(at - first));
    if (!d)
      return -1;
    offsets.push_back(*d);
  }
  std::sort(offsets.begin(), offsets.end());
  offsets.erase(std::unique(offsets.begin(), offsets.end()), offsets.end());
  if (offsets.size() <= 1)
    return 1;
  for (int64_t p = static_cast<int64_t>(offsets.size());; ++p) {
    std::set<int64_t> banks;
    for (int64_t o : offsets)
      banks.insert(((o % p) + p) % p);
    if (banks.size() == offsets.size())
      return p;
  }
}

/// Whether an expression reads an array (else it is index arithmetic, which
/// unrolling and constant loop bounds turn into wiring).
class FindLoad : public IRVisitor {
public:
  bool found = false;
  using IRVisitor::visit;
  void visit(const Load *) override { found = true; }
};

bool readsArray(const Expr &e) {
  FindLoad v;
  e.accept(&v);
  return v.found;
}

int bitsOf(const Type &t) { return t.is_bool() ? 1 : t.bits(); }

/// Operators, latency and partitioning of one kernel.
struct Estimate {
  int64_t lut = 0, ff = 0, dsp = 0, multiplies = 0;
  std::map<std::string, int64_t> partition; ///< array -> cyclic factor
  int unroll = 1;
  std::ostringstream loops;
};

/// Counts the operators of one expression, `copies` times (the product of
/// the unroll factors around it), and the adders on it (its depth).
class CountOps : public IRVisitor {
public:
  CountOps(int64_t copies, Estimate &est) : copies(copies), est(est) {}
  int64_t adders = 0;

  using IRVisitor::visit;
  void visit(const Add *op) override { op2(op, &CountOps::adder); }
  void visit(const Sub *op) override { op2(op, &CountOps::adder); }
  void visit(const Min *op) override { op2(op, &CountOps::logic); }
  void visit(const Max *op) override { op2(op, &CountOps::logic); }
  void visit(const Select *op) override {
    if (readsArray(op))
      logic(op->type);
    IRVisitor::visit(op);
  }
  void visit(const EQ *op) override { cmp(op); }
  void visit(const NE *op) override { cmp(op); }
  void visit(const LT *op) override { cmp(op); }
  void visit(const LE *op) override { cmp(op); }
  void visit(const GT *op) override { cmp(op); }
  void visit(const GE *op) override { cmp(op); }
  void visit(const Mul *op) override {
    if (!readsArray(op))
      return;
    int b = bitsOf(op->type);
    if (is_const(op->a) || is_const(op->b)) {
      est.lut += copies * b; // a shift and at most an adder
      ++adders;
    } else {
      // One DSP48 multiplies 25 x 18 bits; an operand's width is the one
      // before its widening cast, when it has one.
      auto width = [](const Expr &x) {
        if (const Cast *c = x.as<Cast>())
          return bitsOf(c->value.type());
        return bitsOf(x.type());
      };
      int wa = width(op->a), wb = width(op->b);
      if (wa < wb)
        std::swap(wa, wb);
      est.dsp += copies * ((wa + 24) / 25) * ((wb + 17) / 18);
      est.multiplies += copies;
      adders += 2;
    }
    IRVisitor::visit(op);
  }

private:
  int64_t copies;
  Estimate &est;
  template <typename T>
  void op2(const T *op, void (CountOps::*count)(const Type &)) {
    if (readsArray(op))
      (this->*count)(op->type);
    IRVisitor::visit(op);
  }
  template <typename T> void cmp(const T *op) {
    if (readsArray(op))
      compare(op->a);
    IRVisitor::visit(op);
  }
  void adder(const Type &t) {
    est.lut += copies * bitsOf(t);
    ++adders;
  }
  void logic(const Type &t) { est.lut += copies * bitsOf(t); }
  void compare(const Expr &a) {
    est.lut += copies * std::max(1, bitsOf(a.type()) / 2);
  }
};

/// Counts the operators of `e` and returns its depth in cycles: about two
/// 32-bit adders fit in one 10 ns cycle on 7-series parts.
int64_t countOps(const Expr &e, int64_t copies, Estimate &est) {
  CountOps v(copies, est);
  e.accept(&v);
  return std::min<int64_t>(8, (v.adders + 1) / 2);
}

/// Walks the loop nest: pragmas chosen, partition factors, operators and
/// latency. Returns the cycles `s` takes.
class Analysis {
public:
  Estimate &est;
  int ii = 1;
  std::map<std::string, Expr> lets; ///< the LetStmts around the statement
  explicit Analysis(Estimate &est) : est(est) {}

  int64_t run(const Stmt &s, int64_t copies, int depth,
              const std::vector<std::pair<std::string, int64_t>> &unrolled) {
    if (!s.defined())
      return 0;
    if (const Block *b = s.as<Block>())
      return run(b->first, copies, depth, unrolled) +
             run(b->rest, copies, depth, unrolled);
    if (const For *f = s.as<For>()) {
      const int64_t *extent = as_const_int(f->extent);
      int64_t trip = extent ? *extent : 1;
      bool unroll = isUnrolledLoop(f);
      bool pipeline = !unroll && !hasLoop(f->body);
      std::string indent(2 * depth, ' ');
      est.loops << indent << "L" << loopLabel(f->name) << ": " << trip
                << (unroll ? " (unrolled)" : "")
                << (pipeline ? " (pipelined II=1)" : "") << "\n";
      if (unroll) {
        auto inner = unrolled;
        inner.emplace_back(f->name, trip);
        est.unroll = std::max<int64_t>(est.unroll, copies * trip);
        // All copies run in one cycle; the adder tree adds log2 stages.
        int64_t body = run(f->body, copies * trip, depth + 1, inner);
        int64_t stages = 0;
        while ((int64_t(1) << stages) < trip)
          ++stages;
        return body + stages;
      }
      est.lut += 2 * bitsFor(trip); // counter and compare
      est.ff += bitsFor(trip);
      int64_t body = run(f->body, copies, depth + 1, unrolled);
      if (pipeline)
        return (trip - 1) * ii + std::max<int64_t>(body, 1) + 2;
      return trip * (body + 1);
    }
    if (const Store *st = s.as<Store>()) {
      int64_t depth = countOps(st->value, copies, est);
      noteAccess(st->name, st->index, unrolled);
      noteLoads(st->value, unrolled);
      est.ff += copies * bitsOf(st->value.type()); // pipeline registers
      return 1 + depth;
    }
    if (const IfThenElse *i = s.as<IfThenElse>()) {
      countOps(i->condition, copies, est);
      noteLoads(i->condition, unrolled);
      return std::max(run(i->then_case, copies, depth, unrolled),
                      run(i->else_case, copies, depth, unrolled));
    }
    if (const LetStmt *l = s.as<LetStmt>()) {
      countOps(l->value, copies, est);
      noteLoads(l->value, unrolled);
      lets[l->name] = substitute(lets, l->value);
      int64_t body = run(l->body, copies, depth, unrolled);
      lets.erase(l->name);
      return body;
    }
    if (const ProducerConsumer *pc = s.as<ProducerConsumer>())
      return run(pc->body, copies, depth, unrolled);
    if (const Allocate *a = s.as<Allocate>())
      return run(a->body, copies, depth, unrolled);
    return 0; // Evaluate and the like: no cycles of their own
  }

  static std::string loopLabel(const std::string &name) {
    std::string out;
    for (char c : name)
      out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    return out;
  }

private:
  static int64_t bitsFor(int64_t n) {
    int64_t b = 1;
    while ((int64_t(1) << b) < n)
      ++b;
    return b;
  }

  void noteLoads(const Expr &e,
                 const std::vector<std::pair<std::string, int64_t>> &loops) {
    ForEachLoad loads(
        [&](const Load *ld) { noteAccess(ld->name, ld->index, loops); });
    e.accept(&loads);
  }

  void noteAccess(const std::string &name, const Expr &index,
                  const std::vector<std::pair<std::string, int64_t>> &loops) {
    int64_t factor = partitionFactor(substitute(lets, index), loops);
    int64_t &p = est.partition[name];
    if (factor < 0 || p < 0)
      p = -1;
    else
      p = std::max(p, factor);
  }
};

/// Halide's C code generator, taught to print HLS C++.
class HlsPrinter : public CodeGen_C {
public:
  HlsPrinter(std::ostream &os, const Target &t)
      : CodeGen_C(os, t, CPlusPlusImplementation) {}

  std::string error;

  /// Prints one kernel's body. Its loop labels start afresh: C labels are
  /// per function.
  void body(const Stmt &s, int indentBy) {
    indent = indentBy;
    labels.clear();
    print_stmt(s);
  }

  std::string name(const std::string &n) { return print_name(n); }
  std::string type(Type t) { return print_type(t); }

protected:
  using CodeGen_C::visit;

  /// `label`, or `label_2`, `label_3` ... when this function already has it.
  /// Halide gives a loop and its copies the same name: a split reduction's
  /// main loop and its tail (reuse factors that do not divide the
  /// reduction), or the steady state and the edges of a partitioned loop.
  std::string uniqueLabel(const std::string &label) {
    int uses = ++labels[label];
    return uses == 1 ? label : label + "_" + std::to_string(uses);
  }

  void visit(const For *op) override {
    const int64_t *min = as_const_int(op->min);
    const int64_t *extent = as_const_int(op->extent);
    if (!min || !extent) {
      error = "loop '" + op->name + "' has no constant bounds";
      return;
    }
    std::string var = print_name(op->name);
    stream << get_indent() << uniqueLabel("L" + Analysis::loopLabel(op->name))
           << ":\n";
    stream << get_indent() << "for (int " << var << " = " << *min << "; " << var
           << " < " << (*min + *extent) << "; " << var << "++)";
    open_scope();
    if (isUnrolledLoop(op))
      stream << get_indent() << "#pragma HLS UNROLL\n";
    else if (!hasLoop(op->body))
      stream << get_indent() << "#pragma HLS PIPELINE II=1\n";
    op->body.accept(this);
    close_scope("for " + var);
  }

  void visit(const Load *op) override {
    if (op->type.is_vector()) {
      error = "vector load of '" + op->name + "' (HLS schedules are scalar)";
      return;
    }
    std::string index = print_expr(op->index);
    print_assignment(op->type, print_name(op->name) + "[" + index + "]");
  }

  void visit(const Store *op) override {
    if (op->value.type().is_vector()) {
      error = "vector store to '" + op->name + "' (HLS schedules are scalar)";
      return;
    }
    std::string value = print_expr(op->value);
    std::string index = print_expr(op->index);
    stream << get_indent() << print_name(op->name) << "[" << index
           << "] = " << value << ";\n";
    cache.clear();
  }

  void visit(const Min *op) override { minMax(op->type, op->a, op->b, "<"); }
  void visit(const Max *op) override { minMax(op->type, op->a, op->b, ">"); }

  void visit(const Mul *op) override {
    int shift = 0;
    if (op->type.is_int_or_uint() &&
        is_const_power_of_two_integer(op->b, &shift)) {
      std::string a = print_expr(op->a);
      print_assignment(op->type, "(" + print_type(op->type) + ")(" + a +
                                     " << " + std::to_string(shift) + ")");
      return;
    }
    CodeGen_C::visit(op);
  }

  void visit(const Div *op) override {
    int shift = 0;
    if (op->type.is_int_or_uint() &&
        is_const_power_of_two_integer(op->b, &shift)) {
      // Halide divides rounding toward negative infinity, as >> does.
      std::string a = print_expr(op->a);
      print_assignment(op->type, a + " >> " + std::to_string(shift));
      return;
    }
    if (op->type.is_int()) {
      // Euclidean division (Halide's) from C's truncating one.
      std::string a = print_expr(op->a), b = print_expr(op->b);
      std::string t = print_type(op->type);
      std::string q = print_assignment(op->type, a + " / " + b);
      std::string r = print_assignment(op->type, a + " - " + q + " * " + b);
      print_assignment(op->type, r + " < 0 ? (" + t + ")(" + b + " > 0 ? " + q +
                                     " - 1 : " + q + " + 1) : " + q);
      return;
    }
    CodeGen_C::visit(op);
  }

  void visit(const Mod *op) override {
    int shift = 0;
    if (op->type.is_int_or_uint() &&
        is_const_power_of_two_integer(op->b, &shift)) {
      std::string a = print_expr(op->a);
      print_assignment(op->type,
                       a + " & " + std::to_string((int64_t(1) << shift) - 1));
      return;
    }
    if (op->type.is_int()) {
      std::string a = print_expr(op->a), b = print_expr(op->b);
      std::string t = print_type(op->type);
      std::string r = print_assignment(op->type, a + " % " + b);
      print_assignment(op->type, r + " < 0 ? (" + t + ")(" + r + " + (" + b +
                                     " < 0 ? -" + b + " : " + b + ")) : " + r);
      return;
    }
    CodeGen_C::visit(op);
  }

  void visit(const Call *op) override {
    if (op->is_intrinsic(Call::abs)) {
      std::string a = print_expr(op->args[0]);
      print_assignment(op->type, "(" + print_type(op->type) + ")(" + a +
                                     " < 0 ? -" + a + " : " + a + ")");
      return;
    }
    if (op->is_intrinsic(Call::likely) ||
        op->is_intrinsic(Call::likely_if_innermost) ||
        op->is_intrinsic(Call::promise_clamped) ||
        op->is_intrinsic(Call::unsafe_promise_clamped)) {
      print_assignment(op->type, print_expr(op->args[0]));
      return;
    }
    if (op->is_intrinsic(Call::bitwise_and) ||
        op->is_intrinsic(Call::bitwise_or) ||
        op->is_intrinsic(Call::bitwise_xor) ||
        op->is_intrinsic(Call::bitwise_not) ||
        op->is_intrinsic(Call::shift_left) ||
        op->is_intrinsic(Call::shift_right) ||
        op->is_intrinsic(Call::reinterpret)) {
      CodeGen_C::visit(op);
      return;
    }
    error = "the HLS printer cannot map the Halide call '" + op->name + "'";
    print_assignment(op->type, "0");
  }

  void visit(const Allocate *op) override {
    int32_t size = op->constant_allocation_size();
    if (size <= 0) {
      error = "buffer '" + op->name + "' has no constant size";
      return;
    }
    stream << get_indent() << print_type(op->type) << " "
           << print_name(op->name) << "[" << size << "];\n";
    op->body.accept(this);
  }

  void visit(const Free *) override {}
  void visit(const AssertStmt *) override {}

  void visit(const ProducerConsumer *op) override {
    if (op->is_producer)
      stream << get_indent() << "// produce " << print_name(op->name) << "\n";
    op->body.accept(this);
  }

  void visit(const FloatImm *op) override {
    error = "floating-point constant in an HLS kernel (integer mode only)";
    CodeGen_C::visit(op);
  }

private:
  void minMax(Type t, const Expr &a, const Expr &b, const char *cmp) {
    std::string x = print_expr(a), y = print_expr(b);
    print_assignment(t, x + " " + cmp + " " + y + " ? " + x + " : " + y);
  }

  std::map<std::string, int> labels; // label -> uses in this function
};

} // namespace

Status emitHls(const Kernel &k, HlsKernel &out) {
  using namespace Halide::Internal;
  using Halide::Module;
  using Halide::Target;
  for (const Buffer &b : k.inputs)
    if (b.type.kind == ScalarType::Float)
      return Status::error("kernel '" + k.name + "': input '" + b.name +
                           "' is " + b.type.str() +
                           "; the HLS target needs integer mode");
  for (const Output &o : k.outputs)
    if (o.buffer.type.kind == ScalarType::Float)
      return Status::error("kernel '" + k.name + "': output '" + o.buffer.name +
                           "' is " + o.buffer.type.str() +
                           "; the HLS target needs integer mode");
  return detail::withHlsModule(k, [&](const Module &module) -> Status {
    const LoweredFunc *fn = nullptr;
    for (const LoweredFunc &f : module.functions())
      if (f.name == k.name)
        fn = &f;
    if (!fn)
      return Status::error("kernel '" + k.name + "': no lowered function");

    // Parameters: the buffer arguments, inputs then outputs, as Halide
    // named them, with the kernel's shapes.
    std::map<std::string, std::vector<int64_t>> shapes;
    std::vector<const LoweredArgument *> buffers;
    for (const LoweredArgument &a : fn->args)
      if (a.is_buffer())
        buffers.push_back(&a);
    size_t expected = k.inputs.size() + k.outputs.size();
    if (buffers.size() != expected)
      return Status::error(
          "kernel '" + k.name + "': " + std::to_string(buffers.size()) +
          " buffer arguments, expected " + std::to_string(expected));
    std::vector<const Buffer *> kb;
    for (const Buffer &b : k.inputs)
      kb.push_back(&b);
    for (const Output &o : k.outputs)
      kb.push_back(&o.buffer);
    for (size_t i = 0; i < buffers.size(); ++i)
      shapes[buffers[i]->name] = kb[i]->shape;

    BufferFacts facts(shapes);
    Stmt body = facts.mutate(fn->body);
    if (!facts.error.empty())
      return Status::error("kernel '" + k.name + "': " + facts.error);
    body = simplify(body);

    Estimate est;
    Analysis analysis(est);
    out.latency = analysis.run(body, 1, 0, {});
    out.ii = analysis.ii;
    out.unroll = est.unroll;
    out.lut = est.lut;
    out.ff = est.ff;
    out.dsp = est.dsp;
    out.multiplies = est.multiplies;
    out.loops = est.loops.str();

    std::ostringstream preamble, code;
    HlsPrinter printer(preamble, Target("x86-64-linux-no_runtime"));
    std::ostringstream os;
    out.params.clear();
    out.partition.clear();
    os << "static void " << k.name << "(";
    for (size_t i = 0; i < buffers.size(); ++i) {
      std::string pname = printer.name(buffers[i]->name);
      bool isInput = i < k.inputs.size();
      os << (i ? ", " : "") << (isInput ? "const " : "") << kb[i]->type.cType()
         << " " << pname << "[" << numElements(kb[i]->shape) << "]";
      out.params.push_back(pname);
      int64_t p = est.partition.count(buffers[i]->name)
                      ? est.partition[buffers[i]->name]
                      : 1;
      int64_t n = numElements(kb[i]->shape);
      if (p < 0 || p > n)
        p = n;
      out.partition.push_back(static_cast<int>(std::max<int64_t>(1, p)));
    }
    os << ") {\n";
    // The printer writes into its own stream; swap it for ours.
    std::size_t before = preamble.str().size();
    printer.body(body, 2);
    if (!printer.error.empty())
      return Status::error("kernel '" + k.name + "': " + printer.error +
                           "; compile this model for the CPU (--target=host)");
    os << preamble.str().substr(before) << "}\n";
    out.function = os.str();
    return Status::success();
  });
}

} // namespace tern::kernel
