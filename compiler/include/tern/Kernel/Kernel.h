//===- Kernel.h - Tern's own description of one Halide kernel ---*- C++ -*-===//
//
// LLVM 22 (MLIR) and LLVM 14 (Halide) live in one process only if no
// translation unit sees both. This header is the wall between them: the MLIR
// side (LinalgToKernel) describes each `linalg.generic` as a `Kernel` built
// from plain C++ values, and the Halide side (KernelCompiler) turns a Kernel
// into Halide Funcs, a schedule and object code. Neither side's headers leak
// through: this file includes only the standard library.
//
// A Kernel mirrors a linalg.generic: an iteration space of loop dimensions,
// each parallel or reduction; input buffers read through index expressions;
// outputs defined on the parallel dimensions by an initial value and, when
// the kernel reduces, an update that folds one point of the reduction
// dimensions into the current value (`Self`).
//
//===----------------------------------------------------------------------===//

#ifndef TERN_KERNEL_KERNEL_H
#define TERN_KERNEL_KERNEL_H

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tern::kernel {

/// Element type of a buffer or an expression.
struct ScalarType {
  enum Kind { Float, Int, UInt, Bool };
  Kind kind = Float;
  int bits = 32;

  static ScalarType f32() { return {Float, 32}; }
  static ScalarType f64() { return {Float, 64}; }
  static ScalarType i(int bits) { return {Int, bits}; }
  static ScalarType u(int bits) { return {UInt, bits}; }
  static ScalarType boolean() { return {Bool, 1}; }
  /// Index arithmetic (loop variables, affine expressions) is 32-bit.
  static ScalarType index() { return {Int, 32}; }

  bool operator==(const ScalarType &o) const {
    return kind == o.kind && bits == o.bits;
  }
  bool operator!=(const ScalarType &o) const { return !(*this == o); }
  /// "f32", "i8", "u16", "bool".
  std::string str() const;
  /// The C type: "float", "double", "int8_t", "uint16_t", "bool".
  std::string cType() const;
};

/// Number of elements of a row-major shape (1 for a scalar).
int64_t numElements(const std::vector<int64_t> &shape);

/// Operation of an expression node. Arithmetic operands have the node's type
/// unless stated otherwise; comparisons produce Bool from two operands of one
/// type.
enum class Op {
  Const,   ///< literal: `fval` for Float, `ival` for Int/UInt/Bool
  LoopVar, ///< loop dimension `index` of the kernel (type index())
  Load,    ///< input buffer `index`; args = one index() expr per dimension,
           ///< in row-major order (args[0] is the outermost dimension)
  Self,    ///< output `index` at the current point (only in an update)
  Add,
  Sub,
  Mul,
  Div,      ///< Float: division; Int: rounds toward zero (C, arith.divsi)
  Rem,      ///< Int: sign of the dividend (C, arith.remsi); Float: fmod
  FloorDiv, ///< Int: rounds toward negative infinity (affine floordiv)
  FloorMod, ///< Int: result in [0, |divisor|) (affine mod)
  Min,
  Max,
  And,
  Or,
  Xor, ///< bitwise on Int/UInt, logical on Bool
  Shl,
  Shr, ///< arithmetic for Int, logical for UInt
  Neg,
  Not,
  Abs,
  Exp,
  Log,
  Sqrt,
  Rsqrt,
  Tanh,
  Erf,
  Floor,
  Ceil,
  Sin,
  Cos,
  Pow,
  Eq,
  Ne,
  Lt,
  Le,
  Gt,
  Ge,     ///< Halide may assume no NaN operands: test NaN with IsNan
  IsNan,  ///< Bool from one float operand
  Select, ///< args = {condition (Bool), true value, false value}
  Cast,   ///< args = {value}; converts to the node's type (C semantics,
          ///< float to int truncates toward zero)
  Require ///< args = {condition (Bool), value}: the value where the
          ///< condition holds; elsewhere the kernel fails with `text`,
          ///< a space and the value (Halide::require)
};

struct Expr;
using ExprRef = std::shared_ptr<const Expr>;

/// An immutable expression tree node; share subtrees freely.
struct Expr {
  Op op = Op::Const;
  ScalarType type;
  double fval = 0;
  int64_t ival = 0;
  int index = 0;
  std::vector<ExprRef> args;
  std::string text; ///< Require: the message, before the failing value
};

// Builders. They do not check types; KernelCompiler verifies the whole tree
// and reports mismatches as errors.
ExprRef constFloat(double value, ScalarType type = ScalarType::f32());
ExprRef constInt(int64_t value, ScalarType type = ScalarType::index());
ExprRef loopVar(int dim);
ExprRef load(int input, std::vector<ExprRef> indices, ScalarType type);
ExprRef self(int output, ScalarType type);
/// Unary and binary arithmetic; the result type is the first operand's.
ExprRef unary(Op op, ExprRef a);
ExprRef binary(Op op, ExprRef a, ExprRef b);
ExprRef compare(Op op, ExprRef a, ExprRef b);
ExprRef select(ExprRef cond, ExprRef t, ExprRef f);
ExprRef isNan(ExprRef a);
ExprRef cast(ScalarType type, ExprRef a);
/// `value` where `cond` holds; a run-time error "<text> <value>" elsewhere.
ExprRef require(ExprRef cond, ExprRef value, std::string text);

/// Prints an expression in a compact prefix form, for messages and tests.
std::string toString(const ExprRef &e);

/// A dense row-major buffer whose shape is known at compile time.
struct Buffer {
  std::string name;
  ScalarType type;
  std::vector<int64_t> shape; ///< outermost first; empty for a scalar
};

/// One result of a kernel.
struct Output {
  Buffer buffer;
  /// loopDims[i] is the loop dimension that indexes dimension i of the
  /// buffer. Every parallel loop dimension appears exactly once among the
  /// outputs' loopDims (all outputs of a kernel share them).
  std::vector<int> loopDims;
  /// Value at each output point before any reduction. May use LoopVar of the
  /// output's loop dimensions and Load; never Self.
  ExprRef init;
  /// New value for one point of the reduction dimensions, or null when the
  /// kernel has no reduction. May use every LoopVar, Load and Self.
  ExprRef update;
};

/// How a kernel is scheduled: data, chosen in one place (selectSchedule,
/// which the `tern-select-schedule` pass runs and writes as the kernel's
/// `#tern.schedule` attribute) and applied by the backend, which decides
/// nothing: each recipe is one function there (Schedules.cpp) that derives
/// its loop splits from these fields and the shapes. Lowering passes may
/// state what their weight layout requires (a partial schedule: vector
/// width, unroll, vector blocks, dot product); the selector honours it.
struct Schedule {
  /// Where the kernel runs. GPU needs a target with a GPU feature (cuda)
  /// and at least one parallel output dimension. HLS: printed as HLS C++
  /// (emitHls); loops run in order, the innermost reduction dimension
  /// unrolled by ceil(extent / hlsReuse).
  enum Device { CPU, GPU, HLS };
  /// The recipe, one per schedule function of the backend. None: not
  /// selected yet (the backend then runs selectSchedule for its target).
  enum class Recipe {
    None,
    Plain,      ///< CPU: vectorize the innermost output dimension, threads
                ///< over the outermost; an update keeps its reduction
                ///< innermost and unrolled
    GemvBlocks, ///< CPU: one row of outputs over row-contiguous weights:
                ///< `vectorBlocks` vectors of outputs per reduction step
    Gather,     ///< CPU: reads at stored indices (sparse formats), tiles of
                ///< `vectorWidth` outputs, one row
    GatherRows, ///< CPU: Gather over several rows, reading a transposed
                ///< copy of the activations, 16 rows per vector
    RowBlocks,  ///< CPU: a ternary accumulation over several rows: blocks
                ///< of `rows` rows inside the reduction
    Dot,        ///< CPU: a byte dot product (vpdpbusd with AVX-512 VNNI)
    Gpu,        ///< GPU: thread blocks over the outputs (see Schedules.cpp)
    Hls         ///< HLS: the innermost reduction split for unrolling
  };
  Device device = CPU;
  Recipe recipe = Recipe::None;
  /// Vector lanes of the innermost output dimension (every output of the
  /// kernel). Before selection, 0 means the target's natural width for the
  /// widest element the kernel stores.
  int vectorWidth = 0;
  /// Plain: the lanes of the update when they differ from vectorWidth (an
  /// update that reads its own value under a select gets a width that
  /// divides its extent: see Schedules.cpp); 0: vectorWidth.
  int updateVectorWidth = 0;
  /// CPU: run on threads. Before selection: allowed (the selector keeps it
  /// only for at least minParallelWork points).
  bool parallel = true;
  int64_t minParallelWork = 1 << 14; ///< selector input: points below
                                     ///< which no threads start
  /// GPU: threads per block along the innermost output dimension (a
  /// second dimension, if any, gets up to 4); each thread computes one
  /// output point and runs its reduction serially, in registers.
  int gpuThreads = 128;
  /// CPU: unroll factor of the innermost reduction dimension. The ternary
  /// lowerings ask for the number of trits a packed byte holds, so that
  /// byte indices and bit positions become constants; the selector's
  /// default is 4.
  int reductionUnroll = 0;
  /// GemvBlocks: adjacent output vectors computed together, each reduction
  /// step loading one contiguous run of a weight row (tern-weight-layout
  /// asks for 16 on the weights it made row-contiguous; the selector caps
  /// it by the target's vector registers and the vectors there are).
  int vectorBlocks = 0;
  /// Dot: the innermost reduction dimension has this extent and is summed
  /// in vector lanes together with the innermost output dimension (16
  /// lanes): a byte dot product when the update adds u8 * i8 products into
  /// i32. The int8 ternary kernel asks for 4; its outputs are
  /// rows x tiles x 64.
  int dotProduct = 0;
  /// RowBlocks and Dot: rows of outputs unrolled inside the reduction.
  int rows = 0;
  /// HLS: the reuse factor (as in hls4ml): how many steps of the innermost
  /// reduction share one adder or multiplier. 1 unrolls it fully; 0 before
  /// selection: the target's default.
  int hlsReuse = 1;
};

/// The recipe's name as the `#tern.schedule` attribute spells it ("plain",
/// "gemv_blocks", ...; "none").
const char *recipeName(Schedule::Recipe r);

/// One compiled function: `int name(halide_buffer_t *in..., *out...)`.
struct Kernel {
  std::string name;                 ///< C symbol of the compiled function
  std::vector<int64_t> loopExtents; ///< extent of each loop dimension
  std::vector<bool> isReduction;    ///< per loop dimension
  std::vector<Buffer> inputs;
  std::vector<Output> outputs;
  /// Activation sparsity: when set (a numeric expression over LoopVar and
  /// Load, never Self), the updates at a point of the reduction run only
  /// where it is nonzero; elsewhere every output keeps its value. Set only
  /// where an update with a zero there would change nothing (the value is
  /// an activation the update multiplies, adds or subtracts), so this is a
  /// run-time skip, not a change of results. Needs a reduction.
  ExprRef skipWhenZero;
  Schedule schedule;
};

/// Prints a kernel in a stable text form. Two kernels with the same text
/// compute the same function with the same schedule (the name aside), which
/// is how the model builder shares one compiled kernel between layers.
std::string toString(const Kernel &k, bool includeName = true);

} // namespace tern::kernel

#endif // TERN_KERNEL_KERNEL_H
