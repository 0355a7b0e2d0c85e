// RUN: tern-opt %s -split-input-file -verify-diagnostics

// One case per verifier error of tern.sparse_matmul (TernOps.cpp) and of
// #tern.ell (TernAttrs.cpp), in the order they are checked.

#CSR = #sparse_tensor.encoding<{map = (i, j) -> (i : dense, j : compressed)}>

func.func @input_rank(%x: tensor<2x2x4xf32>, %w: tensor<3x4xf32, #CSR>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'tern.sparse_matmul' op expected a rank-2 input (M x K), found rank 3}}
  %y = tern.sparse_matmul %x, %w : (tensor<2x2x4xf32>, tensor<3x4xf32, #CSR>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

#CSR1 = #sparse_tensor.encoding<{map = (i) -> (i : compressed)}>
func.func @weights_rank(%x: tensor<2x4xf32>, %w: tensor<4xf32, #CSR1>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'tern.sparse_matmul' op expected rank-2 weights (N x K), found rank 1}}
  %y = tern.sparse_matmul %x, %w : (tensor<2x4xf32>, tensor<4xf32, #CSR1>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

#CSR = #sparse_tensor.encoding<{map = (i, j) -> (i : dense, j : compressed)}>
func.func @result_rank(%x: tensor<2x4xf32>, %w: tensor<3x4xf32, #CSR>) -> tensor<6xf32> {
  // expected-error @+1 {{'tern.sparse_matmul' op expected a rank-2 result (M x N), found rank 1}}
  %y = tern.sparse_matmul %x, %w : (tensor<2x4xf32>, tensor<3x4xf32, #CSR>) -> tensor<6xf32>
  return %y : tensor<6xf32>
}

// -----

#CSR = #sparse_tensor.encoding<{map = (i, j) -> (i : dense, j : compressed)}>
func.func @dynamic_weights(%x: tensor<2x4xf32>, %w: tensor<?x4xf32, #CSR>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'tern.sparse_matmul' op expected static weights, found shape [?, 4]}}
  %y = tern.sparse_matmul %x, %w : (tensor<2x4xf32>, tensor<?x4xf32, #CSR>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

#CSR = #sparse_tensor.encoding<{map = (i, j) -> (i : dense, j : compressed)}>
func.func @k_mismatch(%x: tensor<2x5xf32>, %w: tensor<3x4xf32, #CSR>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'tern.sparse_matmul' op expected an input of 4 columns (the weights are N x K = 3 x 4), found shape [2, 5]}}
  %y = tern.sparse_matmul %x, %w : (tensor<2x5xf32>, tensor<3x4xf32, #CSR>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

#CSR = #sparse_tensor.encoding<{map = (i, j) -> (i : dense, j : compressed)}>
func.func @result_shape(%x: tensor<2x4xf32>, %w: tensor<3x4xf32, #CSR>) -> tensor<2x4xf32> {
  // expected-error @+1 {{'tern.sparse_matmul' op expected a result of shape [2, 3] (M x N), found [2, 4]}}
  %y = tern.sparse_matmul %x, %w : (tensor<2x4xf32>, tensor<3x4xf32, #CSR>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

#CSR = #sparse_tensor.encoding<{map = (i, j) -> (i : dense, j : compressed)}>
func.func @element_type(%x: tensor<2x4xf32>, %w: tensor<3x4xf16, #CSR>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'tern.sparse_matmul' op expected weights and result of the input's element type 'f32', found 'f16' and 'f32'}}
  %y = tern.sparse_matmul %x, %w : (tensor<2x4xf32>, tensor<3x4xf16, #CSR>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

func.func @no_encoding(%x: tensor<2x4xf32>, %w: tensor<3x4xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'tern.sparse_matmul' op the weights' type has no encoding (expected a #sparse_tensor.encoding for CSR, BSR or N:M, or #tern.ell)}}
  %y = tern.sparse_matmul %x, %w : (tensor<2x4xf32>, tensor<3x4xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

func.func @other_encoding(%x: tensor<2x4xf32>, %w: tensor<3x4xf32, "csr">) -> tensor<2x3xf32> {
  // expected-error @+1 {{'tern.sparse_matmul' op the weights' encoding is neither #sparse_tensor.encoding nor #tern.ell}}
  %y = tern.sparse_matmul %x, %w : (tensor<2x4xf32>, tensor<3x4xf32, "csr">) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

#CSC = #sparse_tensor.encoding<{map = (i, j) -> (j : dense, i : compressed)}>
func.func @csc(%x: tensor<2x4xf32>, %w: tensor<3x4xf32, #CSC>) -> tensor<2x3xf32> {
  // expected-error @+1 {{unsupported sparse encoding}}
  %y = tern.sparse_matmul %x, %w : (tensor<2x4xf32>, tensor<3x4xf32, #CSC>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

func.func @ell_too_long(%x: tensor<2x4xf32>, %w: tensor<3x4xf32, #tern.ell<row_length = 5>>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'tern.sparse_matmul' op #tern.ell row_length 5 exceeds K = 4}}
  %y = tern.sparse_matmul %x, %w : (tensor<2x4xf32>, tensor<3x4xf32, #tern.ell<row_length = 5>>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// expected-error @+1 {{#tern.ell row_length must be >= 0, found -1}}
func.func @ell_negative(%x: tensor<2x4xf32>, %w: tensor<3x4xf32, #tern.ell<row_length = -1>>) -> tensor<2x3xf32> {
  return %x : tensor<2x4xf32>
}
