// RUN: tern-opt %s | FileCheck %s
// RUN: tern-opt %s | tern-opt | FileCheck %s

// tern.sparse_matmul with every weight format it takes: upstream's
// #sparse_tensor.encoding for CSR, N:M and BSR, #tern.ell for the padded
// row length. Each round-trips through the printer and the parser.

#CSR = #sparse_tensor.encoding<{map = (i, j) -> (i : dense, j : compressed)}>
#NM = #sparse_tensor.encoding<{map = (i, j) -> (i : dense, j : structured[2, 4])}>
#BSR = #sparse_tensor.encoding<{map = (i, j) -> (i floordiv 2 : dense, j floordiv 4 : compressed, i mod 2 : dense, j mod 4 : dense)}>

// CHECK-DAG: #[[CSR:.*]] = #sparse_tensor.encoding<{ map = (d0, d1) -> (d0 : dense, d1 : compressed) }>
// CHECK-DAG: #[[NM:.*]] = #sparse_tensor.encoding<{ map = (d0, d1) -> (d0 : dense, d1 : structured[2, 4]) }>
// CHECK-DAG: #[[BSR:.*]] = #sparse_tensor.encoding<{ map = (d0, d1) -> (d0 floordiv 2 : dense, d1 floordiv 4 : compressed, d0 mod 2 : dense, d1 mod 4 : dense) }>

// CHECK-LABEL: func.func @csr
// CHECK: tern.sparse_matmul %{{.*}}, %{{.*}} : (tensor<1x8xf32>, tensor<4x8xf32, #[[CSR]]>) -> tensor<1x4xf32>
func.func @csr(%x: tensor<1x8xf32>, %w: tensor<4x8xf32, #CSR>) -> tensor<1x4xf32> {
  %y = tern.sparse_matmul %x, %w : (tensor<1x8xf32>, tensor<4x8xf32, #CSR>) -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

// CHECK-LABEL: func.func @nm
// CHECK: tern.sparse_matmul %{{.*}}, %{{.*}} : (tensor<?x8xf32>, tensor<4x8xf32, #[[NM]]>) -> tensor<?x4xf32>
func.func @nm(%x: tensor<?x8xf32>, %w: tensor<4x8xf32, #NM>) -> tensor<?x4xf32> {
  %y = tern.sparse_matmul %x, %w : (tensor<?x8xf32>, tensor<4x8xf32, #NM>) -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}

// CHECK-LABEL: func.func @bsr
// CHECK: tern.sparse_matmul %{{.*}}, %{{.*}} : (tensor<2x8xf32>, tensor<4x8xf32, #[[BSR]]>) -> tensor<2x4xf32>
func.func @bsr(%x: tensor<2x8xf32>, %w: tensor<4x8xf32, #BSR>) -> tensor<2x4xf32> {
  %y = tern.sparse_matmul %x, %w : (tensor<2x8xf32>, tensor<4x8xf32, #BSR>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// CHECK-LABEL: func.func @ell
// CHECK: %[[W:.*]] = arith.constant dense<{{.*}}> : tensor<2x3xf32, #tern.ell<row_length = 2>>
// CHECK: tern.sparse_matmul %{{.*}}, %[[W]] : (tensor<1x3xf32>, tensor<2x3xf32, #tern.ell<row_length = 2>>) -> tensor<1x2xf32>
func.func @ell(%x: tensor<1x3xf32>) -> tensor<1x2xf32> {
  %w = arith.constant dense<[[1.0, 0.0, 2.0], [0.0, 3.0, 0.0]]> : tensor<2x3xf32, #tern.ell<row_length = 2>>
  %y = tern.sparse_matmul %x, %w : (tensor<1x3xf32>, tensor<2x3xf32, #tern.ell<row_length = 2>>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}
