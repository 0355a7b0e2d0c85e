// RUN: tern-opt %s -split-input-file -verify-diagnostics

// One case per verifier error of tern.activation_sparse_matmul (TernOps.cpp),
// in the order they are checked.

#CSR = #sparse_tensor.encoding<{map = (i, j) -> (i : dense, j : compressed)}>

func.func @sparse_weights(%x: tensor<1x4xf32>, %w: tensor<3x4xf32, #CSR>) -> tensor<1x3xf32> {
  // expected-error @+1 {{'tern.activation_sparse_matmul' op expected dense weights (no encoding), found 'tensor<3x4xf32, #sparse_tensor.encoding<{ map = (d0, d1) -> (d0 : dense, d1 : compressed) }>>'; sparse weights are tern.sparse_matmul}}
  %y = tern.activation_sparse_matmul %x, %w : (tensor<1x4xf32>, tensor<3x4xf32, #CSR>) -> tensor<1x3xf32>
  return %y : tensor<1x3xf32>
}

// -----

func.func @input_rank(%x: tensor<2x2x4xf32>, %w: tensor<3x4xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'tern.activation_sparse_matmul' op expected a rank-2 input (M x K), found rank 3}}
  %y = tern.activation_sparse_matmul %x, %w : (tensor<2x2x4xf32>, tensor<3x4xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

func.func @weights_rank(%x: tensor<2x4xf32>, %w: tensor<12xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'tern.activation_sparse_matmul' op expected rank-2 weights (N x K), found rank 1}}
  %y = tern.activation_sparse_matmul %x, %w : (tensor<2x4xf32>, tensor<12xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

func.func @result_rank(%x: tensor<2x4xf32>, %w: tensor<3x4xf32>) -> tensor<6xf32> {
  // expected-error @+1 {{'tern.activation_sparse_matmul' op expected a rank-2 result (M x N), found rank 1}}
  %y = tern.activation_sparse_matmul %x, %w : (tensor<2x4xf32>, tensor<3x4xf32>) -> tensor<6xf32>
  return %y : tensor<6xf32>
}

// -----

func.func @dynamic_weights(%x: tensor<2x4xf32>, %w: tensor<?x4xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'tern.activation_sparse_matmul' op expected static weights, found shape [?, 4]}}
  %y = tern.activation_sparse_matmul %x, %w : (tensor<2x4xf32>, tensor<?x4xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

func.func @input_columns(%x: tensor<2x5xf32>, %w: tensor<3x4xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'tern.activation_sparse_matmul' op expected an input of 4 columns (the weights are N x K = 3 x 4), found shape [2, 5]}}
  %y = tern.activation_sparse_matmul %x, %w : (tensor<2x5xf32>, tensor<3x4xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

func.func @result_shape(%x: tensor<2x4xf32>, %w: tensor<3x4xf32>) -> tensor<2x5xf32> {
  // expected-error @+1 {{'tern.activation_sparse_matmul' op expected a result of shape [2, 3] (M x N), found [2, 5]}}
  %y = tern.activation_sparse_matmul %x, %w : (tensor<2x4xf32>, tensor<3x4xf32>) -> tensor<2x5xf32>
  return %y : tensor<2x5xf32>
}

// -----

func.func @element_types(%x: tensor<2x4xf32>, %w: tensor<3x4xf16>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'tern.activation_sparse_matmul' op expected weights and result of the input's element type 'f32', found 'f16' and 'f32'}}
  %y = tern.activation_sparse_matmul %x, %w : (tensor<2x4xf32>, tensor<3x4xf16>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

func.func @negative_threshold(%x: tensor<2x4xf32>, %w: tensor<3x4xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'tern.activation_sparse_matmul' op expected a finite threshold >= 0, found -5.000000e-01}}
  %y = tern.activation_sparse_matmul %x, %w {threshold = -0.5 : f32} : (tensor<2x4xf32>, tensor<3x4xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

func.func @nan_threshold(%x: tensor<2x4xf32>, %w: tensor<3x4xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'tern.activation_sparse_matmul' op expected a finite threshold >= 0, found nan}}
  %y = tern.activation_sparse_matmul %x, %w {threshold = 0x7FC00000 : f32} : (tensor<2x4xf32>, tensor<3x4xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}
