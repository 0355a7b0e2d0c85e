// RUN: tern-opt %s -tern-raise=report=true -split-input-file -verify-diagnostics | FileCheck %s
// RUN: sed 's/expected-remark/no-remark/' %s | tern-opt -tern-raise -split-input-file 2>&1 | FileCheck %s --check-prefix=QUIET --implicit-check-not=remark
// RUN: tern-opt %S/Inputs/raise-bitlinear-error.mlir -tern-raise -verify-diagnostics

// Without report=true the pass says nothing, but still raises. (The second
// RUN line hides the expected-remark annotations: MLIR reports unmet
// expectations on stderr even without -verify-diagnostics.)
// QUIET-LABEL: func.func @default_layout
// QUIET:         tern.ternary_matmul
// QUIET-LABEL: func.func @non_constant_weight
// QUIET:         linalg.matmul

// Default layout: %w is K x N = 5 x 2, so output n reads column n of %w.
//   n = 0: column [0.5, -0.5, 0.5, 0, -0.5] -> trits +1 -1 +1 0 | -1
//   n = 1: column [0, 0.25, -0.25, 0.25, 0] -> trits 0 +1 -1 +1 | 0
// Codes (+1 = 0b01, -1 = 0b10, 0 = 0b00), trit k in bits 2 * (k % 4) of byte
// k / 4; K = 5 is not a multiple of 4, so each row has ceil(5 / 4) = 2
// bytes, the second holding one trit and three zero padding trits:
//   row 0: byte 0 = 0b00'01'10'01 = 25, byte 1 = 0b00'00'00'10 = 2
//   row 1: byte 0 = 0b01'10'01'00 = 100, byte 1 = 0
// Magnitudes differ between rows (0.5, 0.25): per_row scales.
// Bytes: 2 * 5 * 4 = 40 dense; 2 * 2 packed + 2 * 4 scales = 12.

// CHECK-LABEL: func.func @default_layout(
// CHECK-SAME:    %[[X:.*]]: tensor<3x5xf32>)
// CHECK-NOT:     tensor<5x2xf32>
// CHECK-DAG:     %[[W:.*]] = arith.constant dense<{{\[\[}}25, 2], [100, 0]]> : tensor<2x2xi8>
// CHECK-DAG:     %[[S:.*]] = arith.constant dense<[5.000000e-01, 2.500000e-01]> : tensor<2xf32>
// CHECK-NOT:     tensor<5x2xf32>
// CHECK-NOT:     linalg.matmul
// CHECK:         %[[Y:.*]] = tern.ternary_matmul %[[X]], %[[W]], %[[S]] {encoding = #tern.ternary<scale = per_row, packing = i2>} : (tensor<3x5xf32>, tensor<2x2xi8>, tensor<2xf32>) -> tensor<3x2xf32>
// CHECK-NOT:     linalg.matmul
// CHECK:         return %[[Y]] : tensor<3x2xf32>
func.func @default_layout(%x: tensor<3x5xf32>) -> tensor<3x2xf32> {
  %w = arith.constant dense<[[0.5, 0.0], [-0.5, 0.25], [0.5, -0.25],
                             [0.0, 0.25], [-0.5, 0.0]]> : tensor<5x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<3x2xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<3x2xf32>) -> tensor<3x2xf32>
  // expected-remark @+1 {{tern-raise: raised to tern.ternary_matmul: 2 x 5 weights, per_row scale, i2 packing, 40 -> 12 bytes}}
  %y = linalg.matmul ins(%x, %w : tensor<3x5xf32>, tensor<5x2xf32>)
                     outs(%init : tensor<3x2xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// Transposed-B maps: %w is N x K = 3 x 4 (PyTorch's layout), rows as written.
//   row 0: [1, -1, 0, 1]  -> 0b01'00'10'01 = 73,  scale 1
//   row 1: [2, 2, -2, 0]  -> 0b00'10'01'01 = 37,  scale 2
//   row 2: [0, 0, 0, -3]  -> 0b10'00'00'00 = 128 = -128 as i8, scale 3

// CHECK-LABEL: func.func @transposed_b_maps(
// CHECK-SAME:    %[[X:.*]]: tensor<1x4xf32>)
// CHECK-NOT:     tensor<3x4xf32>
// CHECK-DAG:     %[[W:.*]] = arith.constant dense<{{\[\[}}73], [37], [-128]]> : tensor<3x1xi8>
// CHECK-DAG:     %[[S:.*]] = arith.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00]> : tensor<3xf32>
// CHECK-NOT:     tensor<3x4xf32>
// CHECK:         %[[Y:.*]] = tern.ternary_matmul %[[X]], %[[W]], %[[S]] {encoding = #tern.ternary<scale = per_row, packing = i2>} : (tensor<1x4xf32>, tensor<3x1xi8>, tensor<3xf32>) -> tensor<1x3xf32>
// CHECK-NOT:     linalg.matmul
// CHECK:         return %[[Y]]
func.func @transposed_b_maps(%x: tensor<1x4xf32>) -> tensor<1x3xf32> {
  %w = arith.constant dense<[[1.0, -1.0, 0.0, 1.0], [2.0, 2.0, -2.0, 0.0],
                             [0.0, 0.0, 0.0, -3.0]]> : tensor<3x4xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x3xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x3xf32>) -> tensor<1x3xf32>
  // expected-remark @+1 {{tern-raise: raised to tern.ternary_matmul: 3 x 4 weights, per_row scale, i2 packing, 48 -> 15 bytes}}
  %y = linalg.matmul
         indexing_maps = [affine_map<(m, n, k) -> (m, k)>,
                          affine_map<(m, n, k) -> (n, k)>,
                          affine_map<(m, n, k) -> (m, n)>]
         ins(%x, %w : tensor<1x4xf32>, tensor<3x4xf32>)
         outs(%init : tensor<1x3xf32>) -> tensor<1x3xf32>
  return %y : tensor<1x3xf32>
}

// -----

// linalg.transpose [1, 0] of an N x K constant is the same layer as above:
// same bytes; the transpose and the float constant are erased. The init is
// a fill of -0.0, which is a zero too.

// CHECK-LABEL: func.func @transpose_of_constant(
// CHECK-SAME:    %[[X:.*]]: tensor<1x4xf32>)
// CHECK-NOT:     linalg.transpose
// CHECK-NOT:     tensor<3x4xf32>
// CHECK-DAG:     %[[W:.*]] = arith.constant dense<{{\[\[}}73], [37], [-128]]> : tensor<3x1xi8>
// CHECK-DAG:     %[[S:.*]] = arith.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00]> : tensor<3xf32>
// CHECK-NOT:     linalg.transpose
// CHECK-NOT:     tensor<3x4xf32>
// CHECK:         %[[Y:.*]] = tern.ternary_matmul %[[X]], %[[W]], %[[S]] {encoding = #tern.ternary<scale = per_row, packing = i2>}
// CHECK-NOT:     linalg.transpose
// CHECK-NOT:     linalg.matmul
// CHECK:         return %[[Y]]
func.func @transpose_of_constant(%x: tensor<1x4xf32>) -> tensor<1x3xf32> {
  %w = arith.constant dense<[[1.0, -1.0, 0.0, 1.0], [2.0, 2.0, -2.0, 0.0],
                             [0.0, 0.0, 0.0, -3.0]]> : tensor<3x4xf32>
  %e0 = tensor.empty() : tensor<4x3xf32>
  %wt = linalg.transpose ins(%w : tensor<3x4xf32>)
                         outs(%e0 : tensor<4x3xf32>) permutation = [1, 0]
  %zero = arith.constant -0.0 : f32
  %e = tensor.empty() : tensor<1x3xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x3xf32>) -> tensor<1x3xf32>
  // expected-remark @+1 {{tern-raise: raised to tern.ternary_matmul: 3 x 4 weights, per_row scale, i2 packing, 48 -> 15 bytes}}
  %y = linalg.matmul ins(%x, %wt : tensor<1x4xf32>, tensor<4x3xf32>)
                     outs(%init : tensor<1x3xf32>) -> tensor<1x3xf32>
  return %y : tensor<1x3xf32>
}

// -----

// Every row has magnitude 0.5: one per_tensor scale.
//   n = 0: column [0.5, -0.5, 0, 0.5]   -> 0b01'00'10'01 = 73
//   n = 1: column [0, 0.5, -0.5, 0.5]   -> 0b01'10'01'00 = 100

// CHECK-LABEL: func.func @per_tensor(
// CHECK-SAME:    %[[X:.*]]: tensor<2x4xf32>)
// CHECK-NOT:     tensor<4x2xf32>
// CHECK-DAG:     %[[W:.*]] = arith.constant dense<{{\[\[}}73], [100]]> : tensor<2x1xi8>
// CHECK-DAG:     %[[S:.*]] = arith.constant dense<5.000000e-01> : tensor<1xf32>
// CHECK:         %[[Y:.*]] = tern.ternary_matmul %[[X]], %[[W]], %[[S]] {encoding = #tern.ternary<scale = per_tensor, packing = i2>} : (tensor<2x4xf32>, tensor<2x1xi8>, tensor<1xf32>) -> tensor<2x2xf32>
// CHECK:         return %[[Y]]
func.func @per_tensor(%x: tensor<2x4xf32>) -> tensor<2x2xf32> {
  %w = arith.constant dense<[[0.5, 0.0], [-0.5, 0.5], [0.0, -0.5],
                             [0.5, 0.5]]> : tensor<4x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x2xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<2x2xf32>) -> tensor<2x2xf32>
  // expected-remark @+1 {{tern-raise: raised to tern.ternary_matmul: 2 x 4 weights, per_tensor scale, i2 packing, 32 -> 6 bytes}}
  %y = linalg.matmul ins(%x, %w : tensor<2x4xf32>, tensor<4x2xf32>)
                     outs(%init : tensor<2x2xf32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

// Output 1 has only zero weights: its row packs to 0 and gets scale 1 (any
// scale gives 0); the other rows keep their magnitudes 1 and 2.
//   n = 0: [1, -1, 0, 1]  -> 73;  n = 2: [2, 2, 0, -2] -> 0b10'00'01'01 =
//   133 = -123 as i8

// CHECK-LABEL: func.func @zero_row(
// CHECK-DAG:     %[[W:.*]] = arith.constant dense<{{\[\[}}73], [0], [-123]]> : tensor<3x1xi8>
// CHECK-DAG:     %[[S:.*]] = arith.constant dense<[1.000000e+00, 1.000000e+00, 2.000000e+00]> : tensor<3xf32>
// CHECK:         tern.ternary_matmul %{{.*}}, %[[W]], %[[S]] {encoding = #tern.ternary<scale = per_row, packing = i2>}
func.func @zero_row(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %w = arith.constant dense<[[1.0, 0.0, 2.0], [-1.0, 0.0, 2.0],
                             [0.0, 0.0, 0.0], [1.0, 0.0, -2.0]]> : tensor<4x3xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x3xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  // expected-remark @+1 {{tern-raise: raised to tern.ternary_matmul: 3 x 4 weights, per_row scale, i2 packing, 48 -> 15 bytes}}
  %y = linalg.matmul ins(%x, %w : tensor<2x4xf32>, tensor<4x3xf32>)
                     outs(%init : tensor<2x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// All zeros: per_tensor with scale 1 and zero bytes.

// CHECK-LABEL: func.func @all_zero(
// CHECK-NOT:     tensor<4x3xf32>
// CHECK-DAG:     %[[W:.*]] = arith.constant dense<0> : tensor<3x1xi8>
// CHECK-DAG:     %[[S:.*]] = arith.constant dense<1.000000e+00> : tensor<1xf32>
// CHECK:         tern.ternary_matmul %{{.*}}, %[[W]], %[[S]] {encoding = #tern.ternary<scale = per_tensor, packing = i2>}
func.func @all_zero(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %w = arith.constant dense<0.0> : tensor<4x3xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x3xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  // expected-remark @+1 {{tern-raise: raised to tern.ternary_matmul: 3 x 4 weights, per_tensor scale, i2 packing, 48 -> 7 bytes}}
  %y = linalg.matmul ins(%x, %w : tensor<2x4xf32>, tensor<4x3xf32>)
                     outs(%init : tensor<2x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// A dynamic batch and an init that is a fill of a function argument; f16
// scales keep the input's element type.

// CHECK-LABEL: func.func @dynamic_m_f16(
// CHECK-SAME:    %[[X:.*]]: tensor<?x4xf16>
// CHECK-DAG:     %[[W:.*]] = arith.constant dense<85> : tensor<3x1xi8>
// CHECK-DAG:     %[[S:.*]] = arith.constant dense<1.500000e+00> : tensor<1xf16>
// CHECK:         %[[Y:.*]] = tern.ternary_matmul %[[X]], %[[W]], %[[S]] {encoding = #tern.ternary<scale = per_tensor, packing = i2>} : (tensor<?x4xf16>, tensor<3x1xi8>, tensor<1xf16>) -> tensor<?x3xf16>
// CHECK:         return %[[Y]]
func.func @dynamic_m_f16(%x: tensor<?x4xf16>, %out: tensor<?x3xf16>)
    -> tensor<?x3xf16> {
  %w = arith.constant dense<1.5> : tensor<4x3xf16>
  %zero = arith.constant 0.0 : f16
  %init = linalg.fill ins(%zero : f16) outs(%out : tensor<?x3xf16>) -> tensor<?x3xf16>
  // expected-remark @+1 {{tern-raise: raised to tern.ternary_matmul: 3 x 4 weights, per_tensor scale, i2 packing, 24 -> 5 bytes}}
  %y = linalg.matmul ins(%x, %w : tensor<?x4xf16>, tensor<4x3xf16>)
                     outs(%init : tensor<?x3xf16>) -> tensor<?x3xf16>
  return %y : tensor<?x3xf16>
}

// -----

// Left cases: the matmul stays, with a remark saying why.

// CHECK-LABEL: func.func @non_constant_weight(
// CHECK-SAME:    %[[X:.*]]: tensor<2x4xf32>, %[[W:.*]]: tensor<4x3xf32>)
// CHECK:         linalg.matmul ins(%[[X]], %[[W]] : tensor<2x4xf32>, tensor<4x3xf32>)
// CHECK-NOT:     tern.ternary_matmul
func.func @non_constant_weight(%x: tensor<2x4xf32>, %w: tensor<4x3xf32>)
    -> tensor<2x3xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x3xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  // expected-remark @+1 {{tern-raise: left linalg.matmul as is: the weight operand is not a constant of static shape}}
  %y = linalg.matmul ins(%x, %w : tensor<2x4xf32>, tensor<4x3xf32>)
                     outs(%init : tensor<2x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// Output 1 (column 1 of the K x N constant) holds 0.5 and 0.25.

// CHECK-LABEL: func.func @two_magnitudes(
// CHECK:         %[[W:.*]] = arith.constant dense<{{.*}}> : tensor<4x2xf32>
// CHECK:         linalg.matmul ins(%{{.*}}, %[[W]] : tensor<2x4xf32>, tensor<4x2xf32>)
// CHECK-NOT:     tern.ternary_matmul
func.func @two_magnitudes(%x: tensor<2x4xf32>) -> tensor<2x2xf32> {
  %w = arith.constant dense<[[0.5, 0.0], [-0.5, 0.5], [0.0, -0.25],
                             [0.5, 0.5]]> : tensor<4x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x2xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<2x2xf32>) -> tensor<2x2xf32>
  // expected-remark @+1 {{tern-raise: left linalg.matmul as is: row 1 has more than one nonzero magnitude (5.000000e-01 and 2.500000e-01): not ternary}}
  %y = linalg.matmul ins(%x, %w : tensor<2x4xf32>, tensor<4x2xf32>)
                     outs(%init : tensor<2x2xf32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

// A tensor.empty init holds unspecified values, not zeros.

// CHECK-LABEL: func.func @empty_init(
// CHECK:         linalg.matmul
// CHECK-NOT:     tern.ternary_matmul
func.func @empty_init(%x: tensor<2x4xf32>) -> tensor<2x2xf32> {
  %w = arith.constant dense<1.0> : tensor<4x2xf32>
  %e = tensor.empty() : tensor<2x2xf32>
  // expected-remark @+1 {{tern-raise: left linalg.matmul as is: it accumulates into an init that is not a zero linalg.fill}}
  %y = linalg.matmul ins(%x, %w : tensor<2x4xf32>, tensor<4x2xf32>)
                     outs(%e : tensor<2x2xf32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

// CHECK-LABEL: func.func @fill_of_one(
// CHECK:         %[[INIT:.*]] = linalg.fill
// CHECK:         linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<2x4xf32>, tensor<4x2xf32>) outs(%[[INIT]] : tensor<2x2xf32>)
// CHECK-NOT:     tern.ternary_matmul
func.func @fill_of_one(%x: tensor<2x4xf32>) -> tensor<2x2xf32> {
  %w = arith.constant dense<1.0> : tensor<4x2xf32>
  %one = arith.constant 1.0 : f32
  %e = tensor.empty() : tensor<2x2xf32>
  %init = linalg.fill ins(%one : f32) outs(%e : tensor<2x2xf32>) -> tensor<2x2xf32>
  // expected-remark @+1 {{tern-raise: left linalg.matmul as is: it accumulates into an init that is not a zero linalg.fill}}
  %y = linalg.matmul ins(%x, %w : tensor<2x4xf32>, tensor<4x2xf32>)
                     outs(%init : tensor<2x2xf32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

// The init is a function argument: a bias accumulated into, not a zero.

// CHECK-LABEL: func.func @argument_init(
// CHECK:         linalg.matmul
// CHECK-NOT:     tern.ternary_matmul
func.func @argument_init(%x: tensor<2x4xf32>, %b: tensor<2x2xf32>)
    -> tensor<2x2xf32> {
  %w = arith.constant dense<1.0> : tensor<4x2xf32>
  // expected-remark @+1 {{tern-raise: left linalg.matmul as is: it accumulates into an init that is not a zero linalg.fill}}
  %y = linalg.matmul ins(%x, %w : tensor<2x4xf32>, tensor<4x2xf32>)
                     outs(%b : tensor<2x2xf32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

// CHECK-LABEL: func.func @integer_matmul(
// CHECK:         linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<2x4xi32>, tensor<4x2xi32>)
// CHECK-NOT:     tern.ternary_matmul
func.func @integer_matmul(%x: tensor<2x4xi32>) -> tensor<2x2xi32> {
  %w = arith.constant dense<1> : tensor<4x2xi32>
  %zero = arith.constant 0 : i32
  %e = tensor.empty() : tensor<2x2xi32>
  %init = linalg.fill ins(%zero : i32) outs(%e : tensor<2x2xi32>) -> tensor<2x2xi32>
  // expected-remark @+1 {{tern-raise: left linalg.matmul as is: its element type is not one floating-point type}}
  %y = linalg.matmul ins(%x, %w : tensor<2x4xi32>, tensor<4x2xi32>)
                     outs(%init : tensor<2x2xi32>) -> tensor<2x2xi32>
  return %y : tensor<2x2xi32>
}

// -----

// Float input, integer weights (a quantized layer): the weights' type differs.

// CHECK-LABEL: func.func @integer_weights(
// CHECK:         linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<2x4xf32>, tensor<4x2xi8>)
// CHECK-NOT:     tern.ternary_matmul
func.func @integer_weights(%x: tensor<2x4xf32>) -> tensor<2x2xf32> {
  %w = arith.constant dense<1> : tensor<4x2xi8>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x2xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<2x2xf32>) -> tensor<2x2xf32>
  // expected-remark @+1 {{tern-raise: left linalg.matmul as is: the weights' element type differs from the input's}}
  %y = linalg.matmul ins(%x, %w : tensor<2x4xf32>, tensor<4x2xi8>)
                     outs(%init : tensor<2x2xf32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

// f32 input, f16 weights.

// CHECK-LABEL: func.func @weight_element_type(
// CHECK:         linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<2x4xf32>, tensor<4x2xf16>)
// CHECK-NOT:     tern.ternary_matmul
func.func @weight_element_type(%x: tensor<2x4xf32>) -> tensor<2x2xf32> {
  %w = arith.constant dense<1.0> : tensor<4x2xf16>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x2xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<2x2xf32>) -> tensor<2x2xf32>
  // expected-remark @+1 {{tern-raise: left linalg.matmul as is: the weights' element type differs from the input's}}
  %y = linalg.matmul ins(%x, %w : tensor<2x4xf32>, tensor<4x2xf16>)
                     outs(%init : tensor<2x2xf32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

// f32 input and weights accumulated into f64.

// CHECK-LABEL: func.func @result_element_type(
// CHECK:         linalg.matmul
// CHECK-NOT:     tern.ternary_matmul
func.func @result_element_type(%x: tensor<2x4xf32>) -> tensor<2x2xf64> {
  %w = arith.constant dense<1.0> : tensor<4x2xf32>
  %zero = arith.constant 0.0 : f64
  %e = tensor.empty() : tensor<2x2xf64>
  %init = linalg.fill ins(%zero : f64) outs(%e : tensor<2x2xf64>) -> tensor<2x2xf64>
  // expected-remark @+1 {{tern-raise: left linalg.matmul as is: its element type is not one floating-point type}}
  %y = linalg.matmul ins(%x, %w : tensor<2x4xf32>, tensor<4x2xf32>)
                     outs(%init : tensor<2x2xf64>) -> tensor<2x2xf64>
  return %y : tensor<2x2xf64>
}

// -----

// A transposed-A matmul is neither known form.

// CHECK-LABEL: func.func @transposed_a(
// CHECK:         linalg.matmul
// CHECK-NOT:     tern.ternary_matmul
func.func @transposed_a(%x: tensor<4x2xf32>) -> tensor<2x3xf32> {
  %w = arith.constant dense<1.0> : tensor<4x3xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x3xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  // expected-remark @+1 {{tern-raise: left linalg.matmul as is: indexing maps are neither the default nor the transposed-B form}}
  %y = linalg.matmul
         indexing_maps = [affine_map<(m, n, k) -> (k, m)>,
                          affine_map<(m, n, k) -> (k, n)>,
                          affine_map<(m, n, k) -> (m, n)>]
         ins(%x, %w : tensor<4x2xf32>, tensor<4x3xf32>)
         outs(%init : tensor<2x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// A NaN weight. The position is given in the N x K view: the NaN sits at
// row 2, column 1 of the K x N constant, i.e. output 1, reduction index 2.

// CHECK-LABEL: func.func @non_finite(
// CHECK:         linalg.matmul
// CHECK-NOT:     tern.ternary_matmul
func.func @non_finite(%x: tensor<2x4xf32>) -> tensor<2x2xf32> {
  %w = arith.constant dense<[[0.5, 0.0], [-0.5, 0.5], [0.0, 0x7FC00000],
                             [0.5, 0.5]]> : tensor<4x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x2xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<2x2xf32>) -> tensor<2x2xf32>
  // expected-remark @+1 {{tern-raise: left linalg.matmul as is: the weights hold a non-finite value at (1, 2)}}
  %y = linalg.matmul ins(%x, %w : tensor<2x4xf32>, tensor<4x2xf32>)
                     outs(%init : tensor<2x2xf32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

// One function, two matmuls: one raised, one left; each gets its remark.

// CHECK-LABEL: func.func @mixed(
// CHECK-SAME:    %[[X:.*]]: tensor<1x4xf32>, %[[W2:.*]]: tensor<3x2xf32>)
// CHECK:         %[[H:.*]] = tern.ternary_matmul %[[X]]
// CHECK:         linalg.matmul ins(%[[H]], %[[W2]] : tensor<1x3xf32>, tensor<3x2xf32>)
func.func @mixed(%x: tensor<1x4xf32>, %w2: tensor<3x2xf32>) -> tensor<1x2xf32> {
  %w1 = arith.constant dense<-1.0> : tensor<4x3xf32>
  %zero = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<1x3xf32>
  %i1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<1x3xf32>) -> tensor<1x3xf32>
  // expected-remark @+1 {{tern-raise: raised to tern.ternary_matmul: 3 x 4 weights, per_tensor scale, i2 packing, 48 -> 7 bytes}}
  %h = linalg.matmul ins(%x, %w1 : tensor<1x4xf32>, tensor<4x3xf32>)
                     outs(%i1 : tensor<1x3xf32>) -> tensor<1x3xf32>
  %e2 = tensor.empty() : tensor<1x2xf32>
  %i2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<1x2xf32>) -> tensor<1x2xf32>
  // expected-remark @+1 {{tern-raise: left linalg.matmul as is: the weight operand is not a constant of static shape}}
  %y = linalg.matmul ins(%h, %w2 : tensor<1x3xf32>, tensor<3x2xf32>)
                     outs(%i2 : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// One weight constant used by two matmuls: each is raised, and the float
// constant is erased once its last user is gone.

// CHECK-LABEL: func.func @shared_weight(
// CHECK-SAME:    %[[X:.*]]: tensor<1x4xf32>, %[[Z:.*]]: tensor<1x4xf32>)
// CHECK-NOT:     tensor<4x2xf32>
// CHECK:         %[[Y1:.*]] = tern.ternary_matmul %[[X]]
// CHECK-NOT:     tensor<4x2xf32>
// CHECK:         %[[Y2:.*]] = tern.ternary_matmul %[[Z]]
// CHECK-NOT:     tensor<4x2xf32>
// CHECK:         return %[[Y1]], %[[Y2]]
func.func @shared_weight(%x: tensor<1x4xf32>, %z: tensor<1x4xf32>)
    -> (tensor<1x2xf32>, tensor<1x2xf32>) {
  %w = arith.constant dense<[[1.0, 0.0], [-1.0, 1.0], [0.0, -1.0],
                             [1.0, 1.0]]> : tensor<4x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  // expected-remark @+1 {{tern-raise: raised to tern.ternary_matmul: 2 x 4 weights, per_tensor scale, i2 packing, 32 -> 6 bytes}}
  %y1 = linalg.matmul ins(%x, %w : tensor<1x4xf32>, tensor<4x2xf32>)
                      outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
  // expected-remark @+1 {{tern-raise: raised to tern.ternary_matmul: 2 x 4 weights, per_tensor scale, i2 packing, 32 -> 6 bytes}}
  %y2 = linalg.matmul ins(%z, %w : tensor<1x4xf32>, tensor<4x2xf32>)
                      outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y1, %y2 : tensor<1x2xf32>, tensor<1x2xf32>
}

// -----

// Weights in a dense_resource blob (how importers store large constants):
// little-endian f32 after the 4-byte alignment header, the same K x N matrix
// as @per_tensor: [[0.5, 0], [-0.5, 0.5], [0, -0.5], [0.5, 0.5]].

// CHECK-LABEL: func.func @resource_weights(
// CHECK-NOT:     dense_resource
// CHECK-DAG:     %[[W:.*]] = arith.constant dense<{{\[\[}}73], [100]]> : tensor<2x1xi8>
// CHECK-DAG:     %[[S:.*]] = arith.constant dense<5.000000e-01> : tensor<1xf32>
// CHECK:         tern.ternary_matmul %{{.*}}, %[[W]], %[[S]] {encoding = #tern.ternary<scale = per_tensor, packing = i2>}
func.func @resource_weights(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %w = arith.constant dense_resource<ternary_weights> : tensor<4x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  // expected-remark @+1 {{tern-raise: raised to tern.ternary_matmul: 2 x 4 weights, per_tensor scale, i2 packing, 32 -> 6 bytes}}
  %y = linalg.matmul ins(%x, %w : tensor<1x4xf32>, tensor<4x2xf32>)
                     outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

{-#
  dialect_resources: {
    builtin: {
      ternary_weights: "0x040000000000003F00000000000000BF0000003F00000000000000BF0000003F0000003F"
    }
  }
#-}

// -----

// A layer whose model quantizes its activations (BitLinear; the ONNX
// importer marks it) keeps the marker on tern.ternary_matmul, for
// tern-select-ternary-kernel and the int8 kernel. (A marked matmul that
// cannot be raised is an error: Inputs/raise-bitlinear-error.mlir.)
// CHECK-LABEL: func.func @bitlinear_marker(
// CHECK:         tern.ternary_matmul {{.*}} {encoding = #tern.ternary<scale = per_tensor, packing = i2>, tern.activation_quant_eps = 9.99999974E-6 : f32}
func.func @bitlinear_marker(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %w = arith.constant dense<[[0.5, 0.0], [-0.5, 0.5], [0.0, -0.5], [0.5, 0.0]]> : tensor<4x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  // expected-remark @+1 {{tern-raise: raised to tern.ternary_matmul: 2 x 4 weights, per_tensor scale, i2 packing, 32 -> 6 bytes}}
  %y = linalg.matmul {tern.activation_quant_eps = 1.0e-5 : f32}
                     ins(%x, %w : tensor<1x4xf32>, tensor<4x2xf32>)
                     outs(%init : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}
