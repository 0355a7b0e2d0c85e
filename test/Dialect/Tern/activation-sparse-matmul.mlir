// RUN: tern-opt %s | FileCheck %s
// RUN: tern-opt %s | tern-opt | FileCheck %s

// tern.activation_sparse_matmul round-trips through the printer and the
// parser, with the default threshold (0, not printed), a TEAL threshold,
// and a dynamic number of rows.

// CHECK-LABEL: func.func @default_threshold
// CHECK: tern.activation_sparse_matmul %{{.*}}, %{{.*}} : (tensor<1x8xf32>, tensor<4x8xf32>) -> tensor<1x4xf32>
func.func @default_threshold(%x: tensor<1x8xf32>, %w: tensor<4x8xf32>) -> tensor<1x4xf32> {
  %y = tern.activation_sparse_matmul %x, %w : (tensor<1x8xf32>, tensor<4x8xf32>) -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

// CHECK-LABEL: func.func @teal_threshold
// CHECK: tern.activation_sparse_matmul %{{.*}}, %{{.*}} {threshold = 5.000000e-02 : f32} : (tensor<?x8xf32>, tensor<4x8xf32>) -> tensor<?x4xf32>
func.func @teal_threshold(%x: tensor<?x8xf32>, %w: tensor<4x8xf32>) -> tensor<?x4xf32> {
  %y = tern.activation_sparse_matmul %x, %w {threshold = 0.05 : f32} : (tensor<?x8xf32>, tensor<4x8xf32>) -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}
