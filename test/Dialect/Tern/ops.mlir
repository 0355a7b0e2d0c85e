// RUN: tern-opt %s | tern-opt | FileCheck %s
// RUN: tern-opt %s --mlir-print-op-generic | tern-opt | FileCheck %s

// Round trip of tern.ternary_matmul: the custom form prints back as it was
// written, and the generic form parses back to the same op.

// K = 8 is a multiple of 4: 2 bytes per row. Per-row scale: one per output.
// CHECK-LABEL: func.func @per_row_k8(
// CHECK-SAME:    %[[X:.*]]: tensor<4x8xf32>, %[[W:.*]]: tensor<3x2xi8>, %[[S:.*]]: tensor<3xf32>)
// CHECK:         %[[Y:.*]] = tern.ternary_matmul %[[X]], %[[W]], %[[S]] {encoding = #tern.ternary<scale = per_row, packing = i2>} : (tensor<4x8xf32>, tensor<3x2xi8>, tensor<3xf32>) -> tensor<4x3xf32>
// CHECK:         return %[[Y]] : tensor<4x3xf32>
func.func @per_row_k8(%x: tensor<4x8xf32>, %w: tensor<3x2xi8>,
                      %s: tensor<3xf32>) -> tensor<4x3xf32> {
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_row, packing = i2>}
         : (tensor<4x8xf32>, tensor<3x2xi8>, tensor<3xf32>) -> tensor<4x3xf32>
  return %y : tensor<4x3xf32>
}

// Per-tensor scale: a single scale whatever N is.
// CHECK-LABEL: func.func @per_tensor(
// CHECK-SAME:    %[[X:.*]]: tensor<1x4xf32>, %[[W:.*]]: tensor<5x1xi8>, %[[S:.*]]: tensor<1xf32>)
// CHECK:         %[[Y:.*]] = tern.ternary_matmul %[[X]], %[[W]], %[[S]] {encoding = #tern.ternary<scale = per_tensor, packing = i2>} : (tensor<1x4xf32>, tensor<5x1xi8>, tensor<1xf32>) -> tensor<1x5xf32>
// CHECK:         return %[[Y]]
func.func @per_tensor(%x: tensor<1x4xf32>, %w: tensor<5x1xi8>,
                      %s: tensor<1xf32>) -> tensor<1x5xf32> {
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_tensor, packing = i2>}
         : (tensor<1x4xf32>, tensor<5x1xi8>, tensor<1xf32>) -> tensor<1x5xf32>
  return %y : tensor<1x5xf32>
}

// K = 10 is not a multiple of 4: ceil(10 / 4) = 3 bytes per row.
// CHECK-LABEL: func.func @k_not_multiple_of_4(
// CHECK-SAME:    %[[X:.*]]: tensor<2x10xf32>, %[[W:.*]]: tensor<6x3xi8>, %[[S:.*]]: tensor<6xf32>)
// CHECK:         tern.ternary_matmul %[[X]], %[[W]], %[[S]] {encoding = #tern.ternary<scale = per_row, packing = i2>} : (tensor<2x10xf32>, tensor<6x3xi8>, tensor<6xf32>) -> tensor<2x6xf32>
func.func @k_not_multiple_of_4(%x: tensor<2x10xf32>, %w: tensor<6x3xi8>,
                               %s: tensor<6xf32>) -> tensor<2x6xf32> {
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_row, packing = i2>}
         : (tensor<2x10xf32>, tensor<6x3xi8>, tensor<6xf32>) -> tensor<2x6xf32>
  return %y : tensor<2x6xf32>
}

// M may be dynamic (a batch size); K and N may not.
// CHECK-LABEL: func.func @dynamic_m(
// CHECK-SAME:    %[[X:.*]]: tensor<?x10xf32>, %[[W:.*]]: tensor<3x3xi8>, %[[S:.*]]: tensor<3xf32>) -> tensor<?x3xf32>
// CHECK:         %[[Y:.*]] = tern.ternary_matmul %[[X]], %[[W]], %[[S]] {encoding = #tern.ternary<scale = per_row, packing = i2>} : (tensor<?x10xf32>, tensor<3x3xi8>, tensor<3xf32>) -> tensor<?x3xf32>
// CHECK:         return %[[Y]] : tensor<?x3xf32>
func.func @dynamic_m(%x: tensor<?x10xf32>, %w: tensor<3x3xi8>,
                     %s: tensor<3xf32>) -> tensor<?x3xf32> {
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_row, packing = i2>}
         : (tensor<?x10xf32>, tensor<3x3xi8>, tensor<3xf32>) -> tensor<?x3xf32>
  return %y : tensor<?x3xf32>
}

// Constant weights and scales. K = 6: two bytes per row, and trits 6 and 7
// of the last byte are padding (bits 4-7 of byte 1 must be 0).
//   row 0: byte 0 = 0b01100100 = 100 -> trits 0, +1, -1, +1;
//          byte 1 = 0b00000110 = 6   -> trits -1, +1 (then padding 0, 0)
//   row 1: byte 0 = 0, byte 1 = 0b00001001 = 9 -> trits +1, -1
// CHECK-LABEL: func.func @constant_weights(
// CHECK-SAME:    %[[X:.*]]: tensor<3x6xf32>)
// CHECK-DAG:     %[[W:.*]] = arith.constant dense<{{\[}}[100, 6], [0, 9]]> : tensor<2x2xi8>
// CHECK-DAG:     %[[S:.*]] = arith.constant dense<[5.000000e-01, 2.500000e-01]> : tensor<2xf32>
// CHECK:         %[[Y:.*]] = tern.ternary_matmul %[[X]], %[[W]], %[[S]] {encoding = #tern.ternary<scale = per_row, packing = i2>} : (tensor<3x6xf32>, tensor<2x2xi8>, tensor<2xf32>) -> tensor<3x2xf32>
// CHECK:         return %[[Y]]
func.func @constant_weights(%x: tensor<3x6xf32>) -> tensor<3x2xf32> {
  %w = arith.constant dense<[[100, 6], [0, 9]]> : tensor<2x2xi8>
  %s = arith.constant dense<[0.5, 0.25]> : tensor<2xf32>
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_row, packing = i2>}
         : (tensor<3x6xf32>, tensor<2x2xi8>, tensor<2xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// Negative i8 bytes are valid when every code is: -127 = 0b10000001 holds
// +1 in slot 0 and -1 in slot 3.
// CHECK-LABEL: func.func @negative_bytes(
// CHECK:         %[[W:.*]] = arith.constant dense<-127> : tensor<2x1xi8>
// CHECK:         tern.ternary_matmul %{{.*}}, %[[W]], %{{.*}} {encoding = #tern.ternary<scale = per_tensor, packing = i2>}
func.func @negative_bytes(%x: tensor<1x4xf32>, %s: tensor<1xf32>)
    -> tensor<1x2xf32> {
  %w = arith.constant dense<-127> : tensor<2x1xi8>
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_tensor, packing = i2>}
         : (tensor<1x4xf32>, tensor<2x1xi8>, tensor<1xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// Other float element types: f16 input, scales and result.
// CHECK-LABEL: func.func @f16(
// CHECK:         tern.ternary_matmul %{{.*}}, %{{.*}}, %{{.*}} {encoding = #tern.ternary<scale = per_tensor, packing = i2>} : (tensor<2x4xf16>, tensor<3x1xi8>, tensor<1xf16>) -> tensor<2x3xf16>
func.func @f16(%x: tensor<2x4xf16>, %w: tensor<3x1xi8>, %s: tensor<1xf16>)
    -> tensor<2x3xf16> {
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_tensor, packing = i2>}
         : (tensor<2x4xf16>, tensor<3x1xi8>, tensor<1xf16>) -> tensor<2x3xf16>
  return %y : tensor<2x3xf16>
}

// Bit planes: K = 10 needs ceil(10 / 8) = 2 bytes per plane, 4 per row.
// CHECK-LABEL: func.func @bitplane(
// CHECK:         tern.ternary_matmul %{{.*}}, %{{.*}}, %{{.*}} {encoding = #tern.ternary<scale = per_row, packing = bitplane>, kernel = #tern.kernel<add_sub>} : (tensor<2x10xf32>, tensor<3x4xi8>, tensor<3xf32>) -> tensor<2x3xf32>
func.func @bitplane(%x: tensor<2x10xf32>, %w: tensor<3x4xi8>,
                    %s: tensor<3xf32>) -> tensor<2x3xf32> {
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_row, packing = bitplane>,
          kernel = #tern.kernel<add_sub>}
         : (tensor<2x10xf32>, tensor<3x4xi8>, tensor<3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// Base 3: K = 11 needs ceil(11 / 5) = 3 bytes per row; the lut kernel.
// CHECK-LABEL: func.func @base3_lut(
// CHECK:         tern.ternary_matmul %{{.*}}, %{{.*}}, %{{.*}} {encoding = #tern.ternary<scale = per_tensor, packing = base3>, kernel = #tern.kernel<lut>} : (tensor<1x11xf32>, tensor<4x3xi8>, tensor<1xf32>) -> tensor<1x4xf32>
func.func @base3_lut(%x: tensor<1x11xf32>, %w: tensor<4x3xi8>,
                     %s: tensor<1xf32>) -> tensor<1x4xf32> {
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_tensor, packing = base3>,
          kernel = #tern.kernel<lut>}
         : (tensor<1x11xf32>, tensor<4x3xi8>, tensor<1xf32>) -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

// The int8 kernel on i2 weights.
// CHECK-LABEL: func.func @int8_dot(
// CHECK:         kernel = #tern.kernel<int8_dot>
func.func @int8_dot(%x: tensor<2x8xf32>, %w: tensor<3x2xi8>,
                    %s: tensor<3xf32>) -> tensor<2x3xf32> {
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_row, packing = i2>,
          kernel = #tern.kernel<int8_dot>}
         : (tensor<2x8xf32>, tensor<3x2xi8>, tensor<3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// The dialect's activation-sparsity attributes on other dialects' ops.
// CHECK-LABEL: func.func @activation_sparsity_attributes(
// CHECK:         linalg.matmul {tern.activation_threshold = 2.500000e-01 : f64}
// CHECK:         linalg.generic {{.*}} attrs = {tern.skip_zero_input = 0 : i64}
func.func @activation_sparsity_attributes(%x: tensor<2x8xf32>, %w: tensor<8x4xf32>, %f: tensor<2x4xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>) {
  %y = linalg.matmul {tern.activation_threshold = 0.25 : f64} ins(%x, %w : tensor<2x8xf32>, tensor<8x4xf32>) outs(%f : tensor<2x4xf32>) -> tensor<2x4xf32>
  %y2 = linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %w : tensor<2x8xf32>, tensor<8x4xf32>) outs(%f : tensor<2x4xf32>) attrs = {tern.skip_zero_input = 0 : i64} {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<2x4xf32>
  return %y, %y2 : tensor<2x4xf32>, tensor<2x4xf32>
}

// A layer whose model quantizes its activations (BitLinear): the eps of
// its absmax, on linalg.matmul (as the ONNX importer writes it) and on
// tern.ternary_matmul (after tern-raise).
// CHECK-LABEL: func.func @activation_quant_eps(
// CHECK:         linalg.matmul {tern.activation_quant_eps = 9.99999974E-6 : f32}
// CHECK:         tern.ternary_matmul {{.*}} {encoding = #tern.ternary<scale = per_row, packing = i2>, tern.activation_quant_eps = 9.99999974E-6 : f32}
func.func @activation_quant_eps(%x: tensor<2x8xf32>, %w: tensor<8x4xf32>, %f: tensor<2x4xf32>,
                                %p: tensor<3x2xi8>, %s: tensor<3xf32>) -> (tensor<2x4xf32>, tensor<2x3xf32>) {
  %y = linalg.matmul {tern.activation_quant_eps = 1.0e-5 : f32} ins(%x, %w : tensor<2x8xf32>, tensor<8x4xf32>) outs(%f : tensor<2x4xf32>) -> tensor<2x4xf32>
  %t = tern.ternary_matmul %x, %p, %s
         {encoding = #tern.ternary<scale = per_row, packing = i2>, tern.activation_quant_eps = 1.0e-5 : f32}
         : (tensor<2x8xf32>, tensor<3x2xi8>, tensor<3xf32>) -> tensor<2x3xf32>
  return %y, %t : tensor<2x4xf32>, tensor<2x3xf32>
}
