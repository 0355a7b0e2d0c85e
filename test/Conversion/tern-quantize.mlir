// RUN: tern-opt %s -tern-quantize | FileCheck %s
// RUN: tern-opt %s -tern-quantize=activation-bits=16 | FileCheck %s --check-prefix=I16
// RUN: tern-opt %s -tern-quantize=structured=false | FileCheck %s --check-prefix=NOSTRUCT
// RUN: tern-opt %S/Inputs/quantize-errors.mlir -split-input-file -verify-diagnostics -tern-quantize -o /dev/null

// Integer mode of a dense layer (bias, ReLU) followed by a ternary one.
// Input: int8, scale = absmax / 127 = 2 / 127. Dense weights: int8 per
// tensor (absmax 1.0: 0.5 -> 64), stored N x K. The sum's scale is
// (2/127) * (1/127); the bias is an int32 at that scale (0.1 -> 806). The
// ReLU output (calibrated absmax 3.0) is requantized to int8 by a shift only:
// 8 is the smallest shift that fits 3.0 in [-127, 127], with rounding (+128).
// The ternary layer adds and subtracts the int8 activations into int32:
// no multiplication. The result is int32 with its real scale as an attribute:
// (2/127/127) * 256 * 0.5.

// CHECK-LABEL: func.func @two_layers(
// CHECK-SAME:    %[[X:.*]]: tensor<1x4xi8> {tern.absmax = 2.000000e+00 : f64, tern.scale = 0.015748031496062992 : f64})
// CHECK-SAME:    -> (tensor<1x2xi32> {tern.scale = 0.015872031744063486 : f64})
// CHECK:         %[[W:.*]] = arith.constant dense<{{\[\[}}64, 16, 0, -127], [-32, 127, 32, 64], [0, -64, 95, 32]]> : tensor<3x4xi8>
// CHECK:         %[[DENSE:.*]] = linalg.generic {{.*}} ins(%[[X]], %[[W]] : tensor<1x4xi8>, tensor<3x4xi8>)
// CHECK:           arith.extsi %{{.*}} : i8 to i32
// CHECK:           arith.extsi %{{.*}} : i8 to i32
// CHECK:           arith.muli %{{.*}} : i32
// CHECK:           arith.addi %{{.*}} : i32
// CHECK:         } -> tensor<1x3xi32>
// CHECK:         %[[B:.*]] = arith.constant dense<[806, -1613, 2419]> : tensor<3xi32>
// CHECK:         %[[RELU:.*]] = linalg.generic {{.*}} ins(%[[DENSE]], %[[B]] : tensor<1x3xi32>, tensor<3xi32>)
// CHECK:           arith.addi
// CHECK:           arith.maxsi
// CHECK:         } -> tensor<1x3xi32>
// CHECK:         %[[Q:.*]] = linalg.generic {{.*}} ins(%[[RELU]] : tensor<1x3xi32>) outs(%{{.*}} : tensor<1x3xi8>) attrs = {tern.requantize}
// CHECK:           arith.constant 128 : i64
// CHECK:           arith.constant 8 : i64
// CHECK:           arith.shrsi
// CHECK:           arith.constant -127 : i64
// CHECK:           arith.constant 127 : i64
// CHECK:           arith.trunci %{{.*}} : i64 to i8
// CHECK:         linalg.generic {{.*}} ins(%[[Q]] : tensor<1x3xi8>) outs(%{{.*}} : tensor<1x2xi32>) attrs = {tern.schedule = #tern.schedule<unroll = 4>}
// CHECK-NOT:       arith.muli
// CHECK:           %[[ADD:.*]] = arith.addi %{{.*}} : i32
// CHECK:           %[[SUB:.*]] = arith.subi %{{.*}} : i32
// CHECK:           arith.select %{{.*}}, %[[SUB]], %{{.*}} : i32
// CHECK:           arith.select %{{.*}}, %[[ADD]], %{{.*}} : i32
// CHECK-NOT:     f32
// CHECK:         return %{{.*}} : tensor<1x2xi32>

// 16-bit activations: int16 inputs (scale 2 / 32767), int16 requantization.
// I16-LABEL: func.func @two_layers(
// I16-SAME:    tensor<1x4xi16>
// I16:         arith.extsi %{{.*}} : i16 to i32
// I16:         outs(%{{.*}} : tensor<1x3xi16>) attrs = {tern.requantize}
// I16:           arith.constant 32767 : i64

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>
func.func @two_layers(%x: tensor<1x4xf32> {tern.absmax = 2.0 : f64})
    -> tensor<1x2xf32> {
  %zero = arith.constant 0.0 : f32
  %w1 = arith.constant dense<[[0.5, -0.25, 0.0], [0.125, 1.0, -0.5],
                              [0.0, 0.25, 0.75], [-1.0, 0.5, 0.25]]> : tensor<4x3xf32>
  %b1 = arith.constant dense<[0.1, -0.2, 0.3]> : tensor<3xf32>
  %e1 = tensor.empty() : tensor<1x3xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<1x3xf32>) -> tensor<1x3xf32>
  %m1 = linalg.matmul ins(%x, %w1 : tensor<1x4xf32>, tensor<4x3xf32>)
                      outs(%f1 : tensor<1x3xf32>) -> tensor<1x3xf32>
  %h1 = linalg.generic {indexing_maps = [#id, #row, #id],
                        iterator_types = ["parallel", "parallel"]}
      ins(%m1, %b1 : tensor<1x3xf32>, tensor<3xf32>) outs(%e1 : tensor<1x3xf32>)
      attrs = {tern.absmax = 3.0 : f64} {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  } -> tensor<1x3xf32>
  %w2 = arith.constant dense<[[33], [20]]> : tensor<2x1xi8>
  %s2 = arith.constant dense<0.5> : tensor<1xf32>
  %y = tern.ternary_matmul %h1, %w2, %s2
         {encoding = #tern.ternary<scale = per_tensor, packing = i2>}
         : (tensor<1x3xf32>, tensor<2x1xi8>, tensor<1xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// A 2:4 layer (weights N x K = 2 x 8 through transposed-B maps, absmax 1.0:
// int8 = 127 w) multiplies only its stored slots: per output 4 int8 values
// and in-group indices (row 0: 0.5 at 1, 1.0 at 3 | -0.25 at 0, 0.75 at 2;
// row 1: -1.0 at 0, 0.25 at 1 | 0.5 at 3, none), the group's 4 int8
// activations picked by the index bits. --sparse=dense in ternc
// (structured=false) keeps the dense int8 kernel.
// CHECK-LABEL: func.func @two_four(
// CHECK-DAG:     %[[V:.*]] = arith.constant dense<{{\[\[}}64, 127, -32, 95], [-127, 32, 64, 0]]> : tensor<2x4xi8>
// CHECK-DAG:     %[[I:.*]] = arith.constant dense<{{\[\[}}1, 3, 0, 2], [0, 1, 3, 0]]> : tensor<2x4xi8>
// CHECK:         linalg.generic {{.*}} ins(%[[V]], %[[I]] : tensor<2x4xi8>, tensor<2x4xi8>) outs(%{{.*}} : tensor<1x2xi32>)
// CHECK-COUNT-4:   tensor.extract
// CHECK:           arith.select
// CHECK:           arith.muli
// CHECK-NOT:       arith.muli
// CHECK:         } -> tensor<1x2xi32>
// NOSTRUCT-LABEL: func.func @two_four(
// NOSTRUCT:      arith.constant dense<{{\[\[}}0, 64, 0, 127, -32, 0, 95, 0], [-127, 32, 0, 0, 0, 0, 0, 64]]> : tensor<2x8xi8>
// NOSTRUCT-NOT:  tensor.extract
func.func @two_four(%x: tensor<1x8xf32> {tern.absmax = 1.0 : f64}) -> tensor<1x2xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<[[0.0, 0.5, 0.0, 1.0, -0.25, 0.0, 0.75, 0.0],
                             [-1.0, 0.25, 0.0, 0.0, 0.0, 0.0, 0.0, 0.5]]> : tensor<2x8xf32>
  %e = tensor.empty() : tensor<1x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
       ins(%x, %w : tensor<1x8xf32>, tensor<2x8xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}
