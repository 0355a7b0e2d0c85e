// RUN: tern-opt %s -tern-lower-activation-sparse -split-input-file -verify-diagnostics | FileCheck %s

// tern.activation_sparse_matmul becomes the activation threshold (an
// elementwise select that keeps |x| > T and NaN, zeros the rest) and a
// linalg.matmul reading the N x K weights through transposed-B maps.

// CHECK-DAG: #[[MK:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[NK:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[MN:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @teal
// CHECK-SAME: (%[[X:.*]]: tensor<1x8xf32>, %[[W:.*]]: tensor<4x8xf32>)
// CHECK: %[[T:.*]] = linalg.generic {{.*}} ins(%[[X]] : tensor<1x8xf32>)
// CHECK:   %[[HI:.*]] = arith.constant 2.500000e-01 : f32
// CHECK:   %[[LO:.*]] = arith.constant -2.500000e-01 : f32
// CHECK:   arith.cmpf ugt, %{{.*}}, %[[HI]]
// CHECK:   arith.cmpf ult, %{{.*}}, %[[LO]]
// CHECK:   arith.select
// CHECK: %[[INIT:.*]] = linalg.fill
// CHECK: %[[Y:.*]] = linalg.matmul indexing_maps = [#[[MK]], #[[NK]], #[[MN]]] ins(%[[T]], %[[W]] : tensor<1x8xf32>, tensor<4x8xf32>) outs(%[[INIT]] : tensor<1x4xf32>)
// CHECK: return %[[Y]]
// CHECK-NOT: tern.activation_sparse_matmul
func.func @teal(%x: tensor<1x8xf32>, %w: tensor<4x8xf32>) -> tensor<1x4xf32> {
  %y = tern.activation_sparse_matmul %x, %w {threshold = 0.25 : f32} : (tensor<1x8xf32>, tensor<4x8xf32>) -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

// -----

// The default threshold 0 keeps every nonzero input; dynamic rows size the
// result from the input.

// CHECK-LABEL: func.func @rows
// CHECK: arith.constant 0.000000e+00 : f32
// CHECK: arith.cmpf ugt
// CHECK: %[[M:.*]] = tensor.dim %{{.*}}, %c0
// CHECK: tensor.empty(%[[M]]) : tensor<?x3xf32>
// CHECK: linalg.matmul
func.func @rows(%x: tensor<?x5xf32>, %w: tensor<3x5xf32>) -> tensor<?x3xf32> {
  %y = tern.activation_sparse_matmul %x, %w : (tensor<?x5xf32>, tensor<3x5xf32>) -> tensor<?x3xf32>
  return %y : tensor<?x3xf32>
}

// -----

// Only f32 lowers; other float types are an error naming them.

func.func @f16(%x: tensor<1x4xf16>, %w: tensor<2x4xf16>) -> tensor<1x2xf16> {
  // expected-error @+1 {{'tern.activation_sparse_matmul' op tern-lower-activation-sparse supports f32 activations and weights, found 'f16' and 'f16'}}
  %y = tern.activation_sparse_matmul %x, %w : (tensor<1x4xf16>, tensor<2x4xf16>) -> tensor<1x2xf16>
  return %y : tensor<1x2xf16>
}
