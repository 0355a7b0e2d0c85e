//===- Passes.td - Lowerings from tern ops to kernel form -*- tablegen -*-===//
//
// Passes that replace tern ops by kernel form: linalg.generic ops on tensors
// whose regions hold only scalar arithmetic and gathers, which the Halide
// emitter translates one to one.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_CONVERSION_PASSES_TD
#define TERN_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def TernLowerTernaryPass
    : Pass<"tern-lower-ternary", "::mlir::func::FuncOp"> {
  let summary = "Lower tern.ternary_matmul to add/subtract linalg kernels";
  let description = [{
    Replaces each `tern.ternary_matmul` by `linalg.generic` kernels, as its
    `kernel` attribute (`#tern.kernel<...>`, chosen by
    `tern-select-ternary-kernel`; `add_sub` when absent) says:

    - `add_sub`: the accumulation over `(m, n, k)`, `k` a reduction: each
      step reads the packed byte of trit `(n, k)` with `tensor.extract`
      from the weights transposed to `B x N` (done on the constant at
      compile time, so that the outputs `n`, which run in vector lanes,
      read adjacent bytes; non-constant weights get a `linalg.transpose`;
      with `byte-major=false` the weights are read as stored, `N x B`, for
      GPU schedules whose lanes walk one row), decodes its trit (i2: shift
      and mask; bitplane: one bit of each plane; base3: a division by
      `3^(k % 5)` and a remainder by 3) and adds the input (`+1`),
      subtracts it (`-1`) or keeps the sum (`0`), chosen with
      `arith.select`. There is no multiplication of an activation by a
      weight;
    - `lut`: a table kernel over `(m, g, c)` with the signed sum of the
      activations of group `g` for every packed byte value `c` (256 for i2
      groups of 4, 243 for base3 groups of 5), built with selects and
      additions, then a reduction over the groups that adds
      `T[m, g, byte(n, g)]`. No multiplication of an activation by a
      weight either; tables larger than 256 MiB are an error;
    - `int8_dot`: `amax[m] = max |x[m, :]|`, `q = round(127 x / amax)` in
      int8, an int32 add/subtract accumulation of `q`, converted to float
      and multiplied by `amax / 127` per row.

    Each accumulation requires `#tern.schedule<unroll = U>`, the reduction
    unroll factor at which byte indices and bit positions become constants
    (4 for i2, 8 for bit planes, 5 for base3), which the schedule applies;
    the int8 dot kernel requires `vector_width = 16, dot_product = 4`. Then one
    `linalg.generic` multiplies each output by its row's (or the tensor's)
    scale: the only multiply by a weight.

    The result is plain upstream MLIR that `tern-translate
    --tern-to-halide-stmt` and `ternc` compile.
  }];
  let options = [
    Option<"byteMajor", "byte-major", "bool", /*default=*/"true",
           "Read the packed weights as B x N (outputs in adjacent bytes: "
           "for CPUs, which run outputs in vector lanes); false keeps "
           "N x B (a row's bytes adjacent: for GPUs, whose warp lanes split "
           "the reduction)">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::tensor::TensorDialect",
    "::mlir::tern::TernDialect"
  ];
}

def TernQuantizePass : Pass<"tern-quantize", "::mlir::func::FuncOp"> {
  let summary = "Integer (fixed-point) mode: float tensors to int8/int32";
  let description = [{
    Rewrites a model in float (after `tern-raise`) into integers, for
    targets without floating point (`ternc --target=hls`) and for CPU
    builds that agree with them bit for bit (`ternc --integer`). Every
    float tensor becomes an integer tensor `q` standing for `q * scale`:

    - inputs are int8 (`activation-bits=16`: int16) at `absmax / 127`,
      from the argument attribute `tern.absmax` (ternc's calibration
      writes it);
    - `tern.ternary_matmul` becomes an int32 add/subtract accumulation over
      the packed trits (no multiply), at scale `s_x * a`;
    - `linalg.matmul` with constant weights gets int8 weights (per-tensor
      absmax) and an int32 accumulator, at scale `s_x * s_w`;
    - `linalg.generic` bodies are converted op by op: `addf`, `subf`,
      `maximumf`, `minimumf` and `select` on one scale (constants and
      constant tensors such as biases are quantized to it, in int32),
      copies and `tensor.extract` gathers, max and sum reductions, and
      `mulf`/`divf` by positive constants, which change the scale only;
    - an int32 tensor read by a matmul is requantized to int8 from the
      range `tern.absmax` on the op that produced it: a rounding shift when
      the consumer is ternary and the scale is per tensor (no multiplier),
      else an int64 multiply by a 31-bit constant and a rounding shift;
      both clamp to +-127;
    - results are int32 at one scale (per-row scales are rescaled).

    A bound on every tensor's integers is carried along; an accumulation
    that could pass int32 is an error (the overflow analysis). Arguments
    and results get `tern.scale` (the real value of one integer step). Ops
    without an integer form are errors naming the op.

    With `structured=true` (default), a dense layer whose int8 weights hold
    an N:M pattern (1:4, 2:4 or 4:8: every group of M consecutive inputs
    of an output has at most N nonzeros) becomes an N:M accumulation over
    the stored slots only: per output and slot an int8 value and its
    in-group index, the group's M activations chosen by the index bits, so
    a 2:4 layer multiplies half as often (half the DSPs on an FPGA). With
    `report=true` each such layer gets a remark.
  }];
  let options = [
    Option<"activationBits", "activation-bits", "int", /*default=*/"8",
           "Width of the activations between layers: 8 or 16">,
    Option<"structured", "structured", "bool", /*default=*/"true",
           "N:M-patterned dense layers become N:M accumulations">,
    Option<"report", "report", "bool", /*default=*/"false",
           "Emit a remark per N:M layer">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect", "::mlir::tern::TernDialect"
  ];
}

def TernLowerActivationSparsePass
    : Pass<"tern-lower-activation-sparse", "::mlir::func::FuncOp"> {
  let summary = "Lower tern.activation_sparse_matmul to a threshold and a "
                "linalg.matmul";
  let description = [{
    Replaces each `tern.activation_sparse_matmul %x, %w {threshold = T}` by
    an elementwise `linalg.generic` that zeros the activations it does not
    keep (`x != 0 ? x : 0` for T = 0, an identity except -0.0; `|x| > T ?
    x : 0` otherwise) and a `linalg.matmul` of the result with `%w` (read
    `N x K` through transposed-B indexing maps). The later passes treat
    the matmul like any layer: tern-raise gives ternary weights a ternary
    kernel, and tern-skip-zero-activations, recognizing the threshold,
    marks the accumulation to skip zero inputs at run time (a compacted
    list of nonzero inputs for a GEMV).

    Example: `tern-opt --tern-lower-activation-sparse model.mlir`.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::tern::TernDialect"];
}

def TernLowerSparsePass : Pass<"tern-lower-sparse", "::mlir::func::FuncOp"> {
  let summary = "Lower tern.sparse_matmul to loops over stored nonzeros";
  let description = [{
    Replaces each `tern.sparse_matmul` (constant weights) by the arrays of
    its format, built at compile time, and one `linalg.generic`
    accumulation over `(m, n, j)`, `j` a reduction over the stored entries
    of output `n` only, reading the activations with a gather
    (`tensor.extract` at a stored index):

    - CSR and `#tern.ell<row_length = L>`: row-balanced ELLPACK, every
      output padded to `L` entries (CSR: the longest row); `values[j][n]`
      and `cols[j][n]` (i16 when K <= 32768, else i32) stored column-major,
      so vector lanes over outputs read adjacent entries:
      `acc[m, n] += values[j, n] * x[m, cols[j, n]]`;
    - N:M (`structured[N, M]`): N values and N in-group indices (i8) per
      group of M inputs, `j = g * N + s`:
      `acc[m, n] += values[j, n] * x[m, (j / N) * M + index[j, n]]`;
      a group holding more than N nonzeros is an error naming it;
    - BSR (R x C blocks): per block of R outputs the list of its nonzero
      blocks of C inputs (padded to the longest list), dense block values
      `values[q][n]` with `q = j * C + r`:
      `acc[m, n] += values[q, n] * x[m, min(blockCol[q / C, n / R] * C + r, K - 1)]`.

    Padding entries hold 0 and an in-range index. Accumulations require
    `#tern.schedule<vector_width = T, unroll = 4>` (tiles of T outputs, the
    schedule's reduction unroll; with several rows of activations, blocks
    of rows share each loaded entry).
    A layer with no nonzeros becomes its zero fill.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect", "::mlir::tern::TernDialect"
  ];
}

#endif // TERN_CONVERSION_PASSES_TD
