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
    Replaces each `tern.ternary_matmul` by two `linalg.generic` ops:

    1. the accumulation, over `(m, n, k)` with `k` a reduction: each step
       reads the packed byte of trit `(n, k)` with `tensor.extract` from the
       weights transposed to `B x N` (done on the constant at compile time,
       so that the outputs `n`, which run in vector lanes, read adjacent
       bytes; non-constant weights get a `linalg.transpose`; with
       `byte-major=false` the weights are read as stored, `N x B`, for GPU
       schedules whose lanes walk one row), decodes
       its 2-bit code with shifts and masks, and adds the input (`+1`),
       subtracts it (`-1`) or keeps the sum (`0`), chosen with `arith.select`.
       There is no multiplication of an activation by a weight;
    2. the scaling, over `(m, n)`: one `arith.mulf` by the row's (or the
       tensor's) scale per output.

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
    "::mlir::tensor::TensorDialect"
  ];
}

#endif // TERN_CONVERSION_PASSES_TD
