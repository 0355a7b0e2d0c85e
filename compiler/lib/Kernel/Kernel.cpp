//===- Kernel.cpp - Builders and printers of Kernel descriptions ---------===//
//
// Kernels cross the wall between the MLIR side and the Halide side as plain
// data. This file gives that data its builders and its one text form. The
// text is also a cache key: the model builder shares one compiled kernel
// between every layer whose kernel prints the same, so the printer is exact
// (floats with 17 significant digits) and stable (no pointers, no maps).
//
//===----------------------------------------------------------------------===//

#include "tern/Kernel/Kernel.h"
#include "tern/Kernel/KernelNames.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace tern::kernel {

std::string ScalarType::cType() const {
  switch (kind) {
  case Float:
    return bits == 64 ? "double" : "float";
  case Int:
    return "int" + std::to_string(bits) + "_t";
  case UInt:
    return "uint" + std::to_string(bits) + "_t";
  case Bool:
    return "bool";
  }
  return "int32_t";
}

int64_t numElements(const std::vector<int64_t> &shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

std::string ScalarType::str() const {
  switch (kind) {
  case Float:
    return "f" + std::to_string(bits);
  case Int:
    return "i" + std::to_string(bits);
  case UInt:
    return "u" + std::to_string(bits);
  case Bool:
    return bits == 1 ? std::string("bool") : "bool" + std::to_string(bits);
  }
  return "kind" + std::to_string(static_cast<int>(kind)) + "_" +
         std::to_string(bits);
}

const char *detail::opName(Op op) {
  switch (op) {
  case Op::Const:
    return "const";
  case Op::LoopVar:
    return "dim";
  case Op::Load:
    return "load";
  case Op::Self:
    return "self";
  case Op::Add:
    return "add";
  case Op::Sub:
    return "sub";
  case Op::Mul:
    return "mul";
  case Op::Div:
    return "div";
  case Op::Rem:
    return "rem";
  case Op::FloorDiv:
    return "floordiv";
  case Op::FloorMod:
    return "floormod";
  case Op::Min:
    return "min";
  case Op::Max:
    return "max";
  case Op::And:
    return "and";
  case Op::Or:
    return "or";
  case Op::Xor:
    return "xor";
  case Op::Shl:
    return "shl";
  case Op::Shr:
    return "shr";
  case Op::Neg:
    return "neg";
  case Op::Not:
    return "not";
  case Op::Abs:
    return "abs";
  case Op::Exp:
    return "exp";
  case Op::Log:
    return "log";
  case Op::Sqrt:
    return "sqrt";
  case Op::Rsqrt:
    return "rsqrt";
  case Op::Tanh:
    return "tanh";
  case Op::Erf:
    return "erf";
  case Op::Floor:
    return "floor";
  case Op::Ceil:
    return "ceil";
  case Op::Sin:
    return "sin";
  case Op::Cos:
    return "cos";
  case Op::Pow:
    return "pow";
  case Op::Eq:
    return "eq";
  case Op::Ne:
    return "ne";
  case Op::Lt:
    return "lt";
  case Op::Le:
    return "le";
  case Op::Gt:
    return "gt";
  case Op::Ge:
    return "ge";
  case Op::IsNan:
    return "isnan";
  case Op::Select:
    return "select";
  case Op::Cast:
    return "cast";
  case Op::Require:
    return "require";
  }
  return nullptr;
}

int detail::opArity(Op op) {
  switch (op) {
  case Op::Const:
  case Op::LoopVar:
  case Op::Self:
    return 0;
  case Op::Load:
    return -1;
  case Op::Neg:
  case Op::Not:
  case Op::Abs:
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
  case Op::Cast:
  case Op::IsNan:
    return 1;
  case Op::Add:
  case Op::Sub:
  case Op::Mul:
  case Op::Div:
  case Op::Rem:
  case Op::FloorDiv:
  case Op::FloorMod:
  case Op::Min:
  case Op::Max:
  case Op::And:
  case Op::Or:
  case Op::Xor:
  case Op::Shl:
  case Op::Shr:
  case Op::Pow:
  case Op::Eq:
  case Op::Ne:
  case Op::Lt:
  case Op::Le:
  case Op::Gt:
  case Op::Ge:
    return 2;
  case Op::Select:
    return 3;
  case Op::Require:
    return 2;
  }
  return -1;
}

//===----------------------------------------------------------------------===//
// Builders
//===----------------------------------------------------------------------===//

namespace {
ExprRef make(Op op, ScalarType type, std::vector<ExprRef> args = {},
             int index = 0) {
  auto e = std::make_shared<Expr>();
  e->op = op;
  e->type = type;
  e->index = index;
  e->args = std::move(args);
  return e;
}

// The builders do not check anything (KernelCompiler does), but they must
// not crash on a null operand either: the verifier reports it.
ScalarType typeOf(const ExprRef &e) { return e ? e->type : ScalarType(); }
} // namespace

ExprRef constFloat(double value, ScalarType type) {
  auto e = std::make_shared<Expr>();
  e->op = Op::Const;
  e->type = type;
  e->fval = value;
  return e;
}

ExprRef constInt(int64_t value, ScalarType type) {
  auto e = std::make_shared<Expr>();
  e->op = Op::Const;
  e->type = type;
  e->ival = value;
  return e;
}

ExprRef loopVar(int dim) {
  return make(Op::LoopVar, ScalarType::index(), {}, dim);
}

ExprRef load(int input, std::vector<ExprRef> indices, ScalarType type) {
  return make(Op::Load, type, std::move(indices), input);
}

ExprRef self(int output, ScalarType type) {
  return make(Op::Self, type, {}, output);
}

ExprRef unary(Op op, ExprRef a) {
  ScalarType t = typeOf(a);
  return make(op, t, {std::move(a)});
}

ExprRef binary(Op op, ExprRef a, ExprRef b) {
  ScalarType t = typeOf(a);
  return make(op, t, {std::move(a), std::move(b)});
}

ExprRef isNan(ExprRef a) {
  return make(Op::IsNan, ScalarType::boolean(), {std::move(a)});
}

ExprRef compare(Op op, ExprRef a, ExprRef b) {
  return make(op, ScalarType::boolean(), {std::move(a), std::move(b)});
}

ExprRef select(ExprRef cond, ExprRef t, ExprRef f) {
  ScalarType type = typeOf(t);
  return make(Op::Select, type, {std::move(cond), std::move(t), std::move(f)});
}

ExprRef cast(ScalarType type, ExprRef a) {
  return make(Op::Cast, type, {std::move(a)});
}

ExprRef require(ExprRef cond, ExprRef value, std::string text) {
  ScalarType type = typeOf(value);
  auto e = std::make_shared<Expr>();
  e->op = Op::Require;
  e->type = type;
  e->args = {std::move(cond), std::move(value)};
  e->text = std::move(text);
  return e;
}

//===----------------------------------------------------------------------===//
// Printing
//===----------------------------------------------------------------------===//

namespace {

std::string printDouble(double v) {
  if (std::isnan(v))
    return "nan";
  if (std::isinf(v))
    return v < 0 ? "-inf" : "inf";
  // 17 significant digits round-trip every double: two constants print the
  // same only if they are the same.
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%.17g", v);
  return buf;
}

void print(std::ostream &os, const ExprRef &e) {
  if (!e) {
    os << "null";
    return;
  }
  if (e->op == Op::LoopVar) {
    os << "d" << e->index;
    return;
  }
  const char *name = detail::opName(e->op);
  os << "(";
  if (name)
    os << name;
  else
    os << "op" << static_cast<int>(e->op);
  os << ":" << e->type.str();
  switch (e->op) {
  case Op::Const:
    if (e->type.kind == ScalarType::Float)
      os << " " << printDouble(e->fval);
    else
      os << " " << e->ival;
    break;
  case Op::Load:
  case Op::Self:
    os << " #" << e->index;
    break;
  case Op::Require:
    os << " \"" << e->text << "\"";
    break;
  default:
    break;
  }
  for (const ExprRef &a : e->args) {
    os << " ";
    print(os, a);
  }
  os << ")";
}

void printBuffer(std::ostream &os, const Buffer &b, bool includeName) {
  if (includeName)
    os << " '" << b.name << "'";
  os << " " << b.type.str() << "[";
  for (size_t i = 0; i < b.shape.size(); ++i)
    os << (i ? "," : "") << b.shape[i];
  os << "]";
}

} // namespace

std::string toString(const ExprRef &e) {
  std::ostringstream os;
  print(os, e);
  return os.str();
}

const char *recipeName(Schedule::Recipe r) {
  switch (r) {
  case Schedule::Recipe::None:
    return "none";
  case Schedule::Recipe::Plain:
    return "plain";
  case Schedule::Recipe::GemvBlocks:
    return "gemv_blocks";
  case Schedule::Recipe::Gather:
    return "gather";
  case Schedule::Recipe::GatherRows:
    return "gather_rows";
  case Schedule::Recipe::RowBlocks:
    return "row_blocks";
  case Schedule::Recipe::Dot:
    return "dot";
  case Schedule::Recipe::Gpu:
    return "gpu";
  case Schedule::Recipe::Hls:
    return "hls";
  }
  return "none";
}

std::string toString(const Kernel &k, bool includeName) {
  // Buffer names go with the kernel's name: they only name arguments of the
  // compiled function, so layers whose buffers are named differently still
  // share one compiled kernel.
  std::ostringstream os;
  os << "kernel";
  if (includeName)
    os << " '" << k.name << "'";
  os << "\n  loops";
  size_t loops = std::max(k.loopExtents.size(), k.isReduction.size());
  for (size_t i = 0; i < loops; ++i) {
    os << " d" << i << ":";
    if (i < k.loopExtents.size())
      os << k.loopExtents[i];
    else
      os << "?";
    if (i < k.isReduction.size())
      os << (k.isReduction[i] ? "r" : "p");
    else
      os << "?";
  }
  for (size_t i = 0; i < k.inputs.size(); ++i) {
    os << "\n  input " << i;
    printBuffer(os, k.inputs[i], includeName);
  }
  for (size_t i = 0; i < k.outputs.size(); ++i) {
    const Output &o = k.outputs[i];
    os << "\n  output " << i;
    printBuffer(os, o.buffer, includeName);
    os << " dims(";
    for (size_t j = 0; j < o.loopDims.size(); ++j)
      os << (j ? " " : "") << "d" << o.loopDims[j];
    os << ")\n    init ";
    print(os, o.init);
    if (o.update) {
      os << "\n    update ";
      print(os, o.update);
    }
  }
  if (k.skipWhenZero) {
    os << "\n  skip when zero ";
    print(os, k.skipWhenZero);
  }
  const Schedule &s = k.schedule;
  static const char *devices[] = {"cpu", "gpu", "hls"};
  os << "\n  schedule " << devices[s.device] << " " << recipeName(s.recipe);
  auto field = [&](const char *name, int64_t v) {
    if (v)
      os << " " << name << "=" << v;
  };
  if (s.device == Schedule::GPU) {
    field("threads", s.gpuThreads);
  } else if (s.device == Schedule::HLS) {
    field("reuse", s.hlsReuse);
  } else {
    field("vector", s.vectorWidth);
    field("update_vector", s.updateVectorWidth);
    os << " parallel=" << (s.parallel ? 1 : 0);
    if (s.recipe == Schedule::Recipe::None)
      os << " min_parallel_work=" << s.minParallelWork;
    field("unroll", s.reductionUnroll);
    field("dot", s.dotProduct);
    field("blocks", s.vectorBlocks);
    field("rows", s.rows);
  }
  os << "\n";
  return os.str();
}

} // namespace tern::kernel
