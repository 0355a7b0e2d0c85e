// RUN: tern-opt %s -tern-activation-threshold=report=true -split-input-file -verify-diagnostics | FileCheck %s

// A layer with tern.activation_threshold = T reads its input through an
// elementwise x -> (x > T or x < -T, or NaN) ? x : 0, and loses the
// attribute. Layers without it are left alone.

// CHECK-LABEL: func.func @dense
// CHECK-SAME:    (%[[X:.*]]: tensor<2x8xf32>, %[[W:.*]]: tensor<8x4xf32>)
// CHECK:         %[[E:.*]] = tensor.empty() : tensor<2x8xf32>
// CHECK:         %[[T:.*]] = linalg.generic {{.*}} ins(%[[X]] : tensor<2x8xf32>) outs(%[[E]] : tensor<2x8xf32>)
// CHECK:         ^bb0(%[[V:.*]]: f32, %{{.*}}: f32):
// CHECK-DAG:       %[[HI:.*]] = arith.constant 2.500000e-01 : f32
// CHECK-DAG:       %[[LO:.*]] = arith.constant -2.500000e-01 : f32
// CHECK-DAG:       %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK:           %[[A:.*]] = arith.cmpf ugt, %[[V]], %[[HI]] : f32
// CHECK:           %[[B:.*]] = arith.cmpf ult, %[[V]], %[[LO]] : f32
// CHECK:           %[[K:.*]] = arith.ori %[[A]], %[[B]] : i1
// CHECK:           %[[S:.*]] = arith.select %[[K]], %[[V]], %[[Z]] : f32
// CHECK:           linalg.yield %[[S]] : f32
// CHECK:         linalg.matmul ins(%[[T]], %[[W]] : tensor<2x8xf32>, tensor<8x4xf32>)
// CHECK-NOT:     tern.activation_threshold
func.func @dense(%x: tensor<2x8xf32>, %w: tensor<8x4xf32>) -> tensor<2x4xf32> {
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
  // expected-remark @+1 {{tern-activation-threshold: layer}}
  %y = linalg.matmul {tern.activation_threshold = 0.25 : f64} ins(%x, %w : tensor<2x8xf32>, tensor<8x4xf32>) outs(%f : tensor<2x4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// A ternary layer with a dynamic batch: the thresholded tensor takes its
// size from the input. A matmul without the attribute is untouched.
// CHECK-LABEL: func.func @ternary_dynamic
// CHECK-SAME:    (%[[X:.*]]: tensor<?x8xf32>
// CHECK:         %[[C0:.*]] = arith.constant 0 : index
// CHECK:         %[[D:.*]] = tensor.dim %[[X]], %[[C0]] : tensor<?x8xf32>
// CHECK:         %[[E:.*]] = tensor.empty(%[[D]]) : tensor<?x8xf32>
// CHECK:         %[[T:.*]] = linalg.generic {{.*}} ins(%[[X]] : tensor<?x8xf32>) outs(%[[E]] : tensor<?x8xf32>)
// CHECK:         tern.ternary_matmul %[[T]]
// CHECK:         linalg.matmul ins(%[[X]]
func.func @ternary_dynamic(%x: tensor<?x8xf32>, %w: tensor<8x4xf32>) -> (tensor<?x4xf32>, tensor<?x4xf32>) {
  %pw = arith.constant dense<0> : tensor<4x2xi8>
  %s = arith.constant dense<0.5> : tensor<4xf32>
  // expected-remark @+1 {{tern-activation-threshold: layer}}
  %y = tern.ternary_matmul %x, %pw, %s {encoding = #tern.ternary<scale = per_row, packing = i2>, tern.activation_threshold = 1.0e-1 : f64} : (tensor<?x8xf32>, tensor<4x2xi8>, tensor<4xf32>) -> tensor<?x4xf32>
  %c0 = arith.constant 0 : index
  %m = tensor.dim %x, %c0 : tensor<?x8xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty(%m) : tensor<?x4xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<?x4xf32>) -> tensor<?x4xf32>
  %y2 = linalg.matmul ins(%x, %w : tensor<?x8xf32>, tensor<8x4xf32>) outs(%f : tensor<?x4xf32>) -> tensor<?x4xf32>
  return %y, %y2 : tensor<?x4xf32>, tensor<?x4xf32>
}

// -----

func.func @negative(%x: tensor<2x8xf32>, %w: tensor<8x4xf32>, %f: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{tern.activation_threshold must be a finite, non-negative number, found -1}}
  %y = linalg.matmul {tern.activation_threshold = -1.0 : f64} ins(%x, %w : tensor<2x8xf32>, tensor<8x4xf32>) outs(%f : tensor<2x4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

func.func @not_a_float(%x: tensor<2x8xf32>, %w: tensor<8x4xf32>, %f: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{tern.activation_threshold must be a float attribute}}
  %y = linalg.matmul {tern.activation_threshold = 1 : i64} ins(%x, %w : tensor<2x8xf32>, tensor<8x4xf32>) outs(%f : tensor<2x4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

func.func @f16_input(%x: tensor<2x8xf16>, %w: tensor<8x4xf16>, %f: tensor<2x4xf16>) -> tensor<2x4xf16> {
  // expected-error @+1 {{tern.activation_threshold needs an input of f32 elements (a ranked tensor), found 'tensor<2x8xf16>'}}
  %y = linalg.matmul {tern.activation_threshold = 0.5 : f64} ins(%x, %w : tensor<2x8xf16>, tensor<8x4xf16>) outs(%f : tensor<2x4xf16>) -> tensor<2x4xf16>
  return %y : tensor<2x4xf16>
}

// -----

func.func @not_a_layer(%x: tensor<2x8xf32>, %f: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{tern.activation_threshold applies to linalg.matmul and tern.ternary_matmul layers, not linalg.copy}}
  %y = linalg.copy {tern.activation_threshold = 0.5 : f64} ins(%x : tensor<2x8xf32>) outs(%f : tensor<2x8xf32>) -> tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}
