// tern-lower-sparse errors (tern-lower-sparse.mlir runs this file with
// -verify-diagnostics).

#NM = #sparse_tensor.encoding<{map = (i, j) -> (i : dense, j : structured[2, 4])}>
func.func @nm_violated(%x: tensor<1x4xf32>) -> tensor<1x1xf32> {
  %w = arith.constant dense<[[1.0, 2.0, 3.0, 0.0]]> : tensor<1x4xf32, #NM>
  // expected-error @+1 {{'tern.sparse_matmul' op weights do not fit 2:4: row 0, inputs 0..3 hold more than 2 nonzeros}}
  %y = tern.sparse_matmul %x, %w : (tensor<1x4xf32>, tensor<1x4xf32, #NM>) -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}

// -----

func.func @ell_short(%x: tensor<1x4xf32>) -> tensor<1x1xf32> {
  %w = arith.constant dense<[[1.0, 2.0, 3.0, 0.0]]> : tensor<1x4xf32, #tern.ell<row_length = 2>>
  // expected-error @+1 {{'tern.sparse_matmul' op #tern.ell<row_length = 2> is too short: a row of the weights holds 3 nonzeros}}
  %y = tern.sparse_matmul %x, %w : (tensor<1x4xf32>, tensor<1x4xf32, #tern.ell<row_length = 2>>) -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}

// -----

#CSR = #sparse_tensor.encoding<{map = (i, j) -> (i : dense, j : compressed)}>
func.func @not_constant(%x: tensor<1x4xf32>, %w: tensor<1x4xf32, #CSR>) -> tensor<1x1xf32> {
  // expected-error @+1 {{'tern.sparse_matmul' op tern-lower-sparse needs constant weights (a dense or sparse literal); found a block argument}}
  %y = tern.sparse_matmul %x, %w : (tensor<1x4xf32>, tensor<1x4xf32, #CSR>) -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}

// -----

#CSR = #sparse_tensor.encoding<{map = (i, j) -> (i : dense, j : compressed)}>
func.func @f16(%x: tensor<1x4xf16>) -> tensor<1x1xf16> {
  %w = arith.constant dense<[[1.0, 0.0, 3.0, 0.0]]> : tensor<1x4xf16, #CSR>
  // expected-error @+1 {{'tern.sparse_matmul' op tern-lower-sparse supports f32 weights and activations, found 'f16'}}
  %y = tern.sparse_matmul %x, %w : (tensor<1x4xf16>, tensor<1x4xf16, #CSR>) -> tensor<1x1xf16>
  return %y : tensor<1x1xf16>
}

// -----

// A sparse literal works as well as a dense one.
#CSR = #sparse_tensor.encoding<{map = (i, j) -> (i : dense, j : compressed)}>
func.func @sparse_literal(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %w = arith.constant sparse<[[0, 1], [1, 3]], [2.0, -1.0]> : tensor<2x4xf32, #CSR>
  %y = tern.sparse_matmul %x, %w : (tensor<1x4xf32>, tensor<2x4xf32, #CSR>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}
