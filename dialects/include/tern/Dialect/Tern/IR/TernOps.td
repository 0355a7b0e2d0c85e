//===- TernOps.td - Operations of the tern dialect ----------*- tablegen -*-===//
//
// Ops that consume encoded weights. Activations are dense builtin tensors;
// weights are packed i8 tensors whose layout an encoding attribute gives.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_OPS_TD
#define TERN_OPS_TD

include "tern/Dialect/Tern/IR/TernBase.td"
include "tern/Dialect/Tern/IR/TernAttrs.td"

def Tern_TernaryMatmulOp : Tern_Op<"ternary_matmul"> {
  let summary = "Matrix product with packed ternary weights";
  let description = [{
    Computes `result[m][n] = scale(n) * sum_k input[m][k] * t[n][k]` where
    `t[n][k]` in {-1, 0, +1} is decoded from `weights` as `encoding` says and
    `scale(n)` is `scales[n]` (per-row) or `scales[0]` (per-tensor). This is
    a fully connected layer `input x W^T` with `W = scale * t`.

    Because `t` is ternary, the sum needs no multiplication: it adds the
    inputs where `t = +1` and subtracts them where `t = -1`; the lowering
    (`tern-lower-ternary`) keeps it that way and multiplies by the scale once
    per output.

    Shapes: `input` is `M x K` (floating point), `weights` is
    `N x B x i8` with `B` the encoding's bytes per row for `K`, `scales` is
    rank 1 with 1 (per-tensor) or `N` (per-row) values of the input's
    element type, and the result is `M x N` of the input's element type. `K`
    and `N` must be static.

    `kernel` (optional, `#tern.kernel<add_sub>` when absent) says how
    `tern-lower-ternary` computes it; `lut` indexes its tables with whole
    bytes, so it needs the `i2` or `base3` packing.

    Example:

    ```mlir
    %y = tern.ternary_matmul %x, %w, %s
           {encoding = #tern.ternary<scale = per_row, packing = i2>}
           : (tensor<1x64xf32>, tensor<256x16xi8>, tensor<256xf32>)
             -> tensor<1x256xf32>
    ```
  }];
  let arguments = (ins
    RankedTensorOf<[AnyFloat]>:$input,
    RankedTensorOf<[I8]>:$weights,
    RankedTensorOf<[AnyFloat]>:$scales,
    Tern_TernaryEncodingAttr:$encoding,
    OptionalAttr<Tern_TernaryKernelAttr>:$kernel);
  let results = (outs RankedTensorOf<[AnyFloat]>:$result);
  let assemblyFormat = [{
    $input `,` $weights `,` $scales attr-dict `:`
    `(` type($input) `,` type($weights) `,` type($scales) `)` `->` type($result)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The kernel attribute, or add_sub when there is none.
    ::mlir::tern::TernaryKernel getKernelOrDefault() {
      return getKernel().value_or(::mlir::tern::TernaryKernel::AddSub);
    }
  }];
}

def Tern_SparseMatmulOp : Tern_Op<"sparse_matmul"> {
  let summary = "Matrix product with sparse weights";
  let description = [{
    Computes `result[m][n] = sum_k input[m][k] * weights[n][k]`, a fully
    connected layer `input x W^T` whose `N x K` weight matrix is sparse in
    the format its tensor type's encoding names:

    | encoding | format |
    | --- | --- |
    | `#sparse_tensor.encoding<{map = (i, j) -> (i : dense, j : compressed)}>` | CSR |
    | `#sparse_tensor.encoding<{map = (i, j) -> (i : dense, j : structured[2, 4])}>` | N:M (1:4, 2:4, 4:8) |
    | `#sparse_tensor.encoding<{map = (i, j) -> (i floordiv 4 : dense, j floordiv 4 : compressed, i mod 4 : dense, j mod 4 : dense)}>` | BSR, blocks of 4 outputs x 4 inputs (any sizes) |
    | `#tern.ell<row_length = L>` | row-balanced CSR (ELLPACK) |

    Upstream's encodings are used where they say the format; `#tern.ell`
    only for the padded row length they cannot. The weights must be a
    constant (dense or `sparse<...>` literal) for `tern-lower-sparse`, which
    builds the stored arrays at compile time and checks that the values
    fit the format (an N:M group with more than N nonzeros is an error).
    `tern-classify-weights` creates this op from `linalg.matmul` layers
    whose weights it finds sparse enough.

    Shapes: `input` `M x K`, `weights` `N x K` (static), result `M x N`,
    one floating-point element type.

    ```mlir
    #CSR = #sparse_tensor.encoding<{map = (i, j) -> (i : dense, j : compressed)}>
    %y = tern.sparse_matmul %x, %w
           : (tensor<1x64xf32>, tensor<256x64xf32, #CSR>) -> tensor<1x256xf32>
    ```
  }];
  let arguments = (ins
    RankedTensorOf<[AnyFloat]>:$input,
    RankedTensorOf<[AnyFloat]>:$weights);
  let results = (outs RankedTensorOf<[AnyFloat]>:$result);
  let assemblyFormat = [{
    $input `,` $weights attr-dict `:`
    `(` type($input) `,` type($weights) `)` `->` type($result)
  }];
  let hasVerifier = 1;
}

def Tern_ActivationSparseMatmulOp : Tern_Op<"activation_sparse_matmul"> {
  let summary = "Matrix product over the nonzero activations only";
  let description = [{
    Computes `result[m][n] = sum_k s(input[m][k]) * weights[n][k]` with
    `s(v) = v` where `|v| > threshold` and 0 elsewhere: a fully connected
    layer `input x W^T` whose activations are mostly zero at run time (after
    a ReLU), or made so by a TEAL-style threshold. With `threshold = 0` (the
    default) it is exactly the matrix product. The compiled kernel visits
    only the nonzero activations: for one row (a GEMV) it first lists their
    positions at run time and then reduces over that list, reading only the
    weight rows it needs; with more rows it branches around each zero.

    The weights are dense `N x K` (float or ternary values; no sparse
    encoding: that is `tern.sparse_matmul`). `tern-lower-activation-sparse`,
    the first pass of ternc's pipeline, lowers it into the threshold
    (`x != 0 ? x : 0` for threshold 0, `|x| > T ? x : 0` otherwise) and a
    `linalg.matmul`, which the pipeline treats like any layer (ternary
    weights get a ternary kernel) and `tern-skip-zero-activations` marks to
    skip the zeros.

    Shapes: `input` `M x K`, `weights` `N x K` (static), result `M x N`,
    one floating-point element type; `threshold` finite and >= 0.

    ```mlir
    %y = tern.activation_sparse_matmul %h, %w {threshold = 0.05 : f32}
           : (tensor<1x4096xf32>, tensor<11008x4096xf32>) -> tensor<1x11008xf32>
    ```
  }];
  let arguments = (ins
    RankedTensorOf<[AnyFloat]>:$input,
    RankedTensorOf<[AnyFloat]>:$weights,
    DefaultValuedAttr<F32Attr, "0.0f">:$threshold);
  let results = (outs RankedTensorOf<[AnyFloat]>:$result);
  let assemblyFormat = [{
    $input `,` $weights attr-dict `:`
    `(` type($input) `,` type($weights) `)` `->` type($result)
  }];
  let hasVerifier = 1;
}

#endif // TERN_OPS_TD
