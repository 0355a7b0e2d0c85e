//===- Passes.td - Passes that stay at the tern/linalg level -*- tablegen -*-===//
//
// Analyses and rewrites before lowering: finding layers whose weights can be
// encoded and raising them into tern ops.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_TRANSFORMS_PASSES_TD
#define TERN_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def TernRaisePass : Pass<"tern-raise", "::mlir::func::FuncOp"> {
  let summary = "Raise linalg matmuls with ternary constant weights to tern ops";
  let description = [{
    Finds `linalg.matmul` ops on tensors whose weight operand is a constant
    with values in {-a, 0, +a}, one `a` for the whole matrix (per-tensor) or
    one per output column (per-row, in the `N x K` view of the weights), and
    replaces each with `tern.ternary_matmul` on 2-bit packed weights
    (`#tern.ternary<..., packing = i2>`) and a scales constant.

    Two weight layouts are recognized, with the init a zero `linalg.fill`:
    - `ins(%x, %w : MxK, KxN)` with the default maps (`%w` as `K x N`);
    - the fully connected form, `%w` as `N x K` (PyTorch's layout): either
      the matmul's transposed-B indexing maps
      `[(m, n, k) -> (m, k), (m, n, k) -> (n, k), (m, n, k) -> (m, n)]`, or a
      `linalg.transpose` with permutation `[1, 0]` of an `N x K` constant.

    Every other matmul is left as it is. With `report=true` the pass emits a
    remark per matmul saying what it raised (scale kind, shape, bytes before
    and after) or why it left it (non-constant weight, more than one
    magnitude in a row, unsupported element type, non-zero init, ...).

    Example: `tern-opt --tern-raise=report=true model.mlir`.
  }];
  let options = [
    Option<"report", "report", "bool", /*default=*/"false",
           "Emit a remark per matmul saying whether it was raised and why">
  ];
  let dependentDialects = [
    "::mlir::tern::TernDialect", "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect"
  ];
}

#endif // TERN_TRANSFORMS_PASSES_TD
