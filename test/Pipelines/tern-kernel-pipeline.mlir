// RUN: tern-opt %s --tern-kernel-pipeline | FileCheck %s --implicit-check-not=tern.ternary --implicit-check-not='#tern.{{[^s]}}' --implicit-check-not='linalg.{{[^giy]}}' --implicit-check-not='tensor<3x4xf32>' --implicit-check-not='tensor<3x2xf32>'
// RUN: tern-opt %s --pass-pipeline='builtin.module(tern-kernel-pipeline)' | FileCheck %s --implicit-check-not=tern.ternary --implicit-check-not='#tern.{{[^s]}}' --implicit-check-not='linalg.{{[^giy]}}'
// RUN: tern-opt %s --tern-kernel-pipeline=report=true -verify-diagnostics -o /dev/null

// A two-layer ternary MLP (4 -> 3 -> 2) goes all the way to kernel form:
// no tern op or attribute is left but the kernels' #tern.schedule (written
// by tern-select-schedule, the pipeline's last pass), and the only linalg
// ops are
// linalg.generic (with linalg.index and linalg.yield in their regions): no
// linalg.matmul, linalg.fill or linalg.transpose. The implicit-check-not
// patterns enforce that on the whole output; `linalg.{{[^giy]}}` rejects
// every linalg op except generic, index and yield.

// Layer 1 (transposed-B, N x K = 3 x 4, per-row scales 0.5, 0.25, 1):
//   [0.5, -0.5, 0, 0.5]      -> 0b01'00'10'01 = 73
//   [0, 0.25, 0.25, -0.25]   -> 0b10'01'01'00 = 148 = -108 as i8
//   [-1, 0, 0, 1]            -> 0b01'00'00'10 = 66
// Layer 2 (K x N = 3 x 2, per-tensor scale 0.75):
//   column 0: [0.75, -0.75, 0]  -> 0b00'10'01 = 9
//   column 1: [0, 0.75, -0.75]  -> 0b10'01'00 = 36
// K <= 4: one byte per output, stored byte-major (B x N = 1 x N) for the
// kernels.

// CHECK-LABEL: func.func @mlp(
// CHECK-SAME:    %[[X:.*]]: tensor<1x4xf32> {tern.name = "pixels"}) -> (tensor<1x2xf32> {tern.name = "logits"})
// CHECK-DAG:     %[[W1:.*]] = arith.constant dense<{{\[\[}}73, -108, 66]]> : tensor<1x3xi8>
// CHECK-DAG:     %[[W2:.*]] = arith.constant dense<{{\[\[}}9, 36]]> : tensor<1x2xi8>
// CHECK-DAG:     %[[S1:.*]] = arith.constant dense<[5.000000e-01, 2.500000e-01, 1.000000e+00]> : tensor<3xf32>
// The float weights are gone (implicit-check-not of their types, RUN 1).

// Layer 1: the zero init (a generalized fill), the add/sub reduction reading
// the packed bytes, then one elementwise kernel (scale, bias, ReLU).
// CHECK:         %[[INIT1:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]} outs(%{{.*}} : tensor<1x3xf32>)
// CHECK:         %[[ACC1:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[X]] : tensor<1x4xf32>) outs(%[[INIT1]] : tensor<1x3xf32>) attrs = {{.*}}tern.schedule = #tern.schedule<recipe = plain, vector_width = 16, unroll = 4>, tern.weights = {elements = 12 : i64, format = "ternary i2, add_sub", nonzeros = 8 : i64}}
// CHECK-NEXT:    ^bb0(
// CHECK-NOT:       arith.mulf
// CHECK-NOT:       arith.muli
// CHECK:           tensor.extract %[[W1]]
// CHECK-NOT:       arith.mulf
// CHECK-NOT:       arith.muli
// CHECK:           linalg.yield
// CHECK:         %[[H1:.*]] = linalg.generic {{.*}} ins(%[[ACC1]], %[[S1]]
// CHECK:           arith.mulf
// CHECK:           arith.maximumf
// CHECK:           linalg.yield

// Layer 2: the same, reading the layer 1 activations.
// CHECK:         %[[INIT2:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]} outs(%{{.*}} : tensor<1x2xf32>)
// CHECK:         %[[ACC2:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[H1]] : tensor<1x3xf32>) outs(%[[INIT2]] : tensor<1x2xf32>) attrs = {{.*}}tern.schedule = #tern.schedule<recipe = plain, vector_width = 16, unroll = 4>, tern.skip_zero_input = 0 : i64, tern.weights = {elements = 6 : i64, format = "ternary i2, add_sub", nonzeros = 4 : i64}}
// CHECK-NEXT:    ^bb0(
// CHECK-NOT:       arith.mulf
// CHECK-NOT:       arith.muli
// CHECK:           tensor.extract %[[W2]]
// CHECK-NOT:       arith.mulf
// CHECK-NOT:       arith.muli
// CHECK:           linalg.yield
// CHECK:         %[[Y:.*]] = linalg.generic {{.*}} ins(%[[ACC2]]
// CHECK:           arith.mulf
// CHECK:         return %[[Y]] : tensor<1x2xf32>
func.func @mlp(%x: tensor<1x4xf32> {tern.name = "pixels"})
    -> (tensor<1x2xf32> {tern.name = "logits"}) {
  %zero = arith.constant 0.0 : f32
  %w1 = arith.constant dense<[[0.5, -0.5, 0.0, 0.5], [0.0, 0.25, 0.25, -0.25],
                              [-1.0, 0.0, 0.0, 1.0]]> : tensor<3x4xf32>
  %b1 = arith.constant dense<[0.125, -0.25, 0.5]> : tensor<3xf32>
  %e1 = tensor.empty() : tensor<1x3xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<1x3xf32>) -> tensor<1x3xf32>
  // expected-remark @+3 {{tern-raise: raised to tern.ternary_matmul: 3 x 4 weights, per_row scale, i2 packing, 48 -> 15 bytes}}
  // expected-remark @+2 {{tern-classify-weights: ternary layer}}
  // expected-remark @+1 {{tern-select-ternary-kernel: add_sub kernel, i2 packing (M = 1, K = 4, N = 3, 3 weight bytes): float activations}}
  %m1 = linalg.matmul
          indexing_maps = [affine_map<(m, n, k) -> (m, k)>,
                           affine_map<(m, n, k) -> (n, k)>,
                           affine_map<(m, n, k) -> (m, n)>]
          ins(%x, %w1 : tensor<1x4xf32>, tensor<3x4xf32>)
          outs(%f1 : tensor<1x3xf32>) -> tensor<1x3xf32>
  %h1 = linalg.generic {
          indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>,
                           affine_map<(d0, d1) -> (d1)>,
                           affine_map<(d0, d1) -> (d0, d1)>],
          iterator_types = ["parallel", "parallel"]}
          ins(%m1, %b1 : tensor<1x3xf32>, tensor<3xf32>)
          outs(%e1 : tensor<1x3xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  } -> tensor<1x3xf32>
  %w2 = arith.constant dense<[[0.75, 0.0], [-0.75, 0.75], [0.0, -0.75]]> : tensor<3x2xf32>
  %e2 = tensor.empty() : tensor<1x2xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<1x2xf32>) -> tensor<1x2xf32>
  // The second layer's input comes from the ReLU: it skips zero inputs.
  // expected-remark @+4 {{tern-raise: raised to tern.ternary_matmul: 2 x 3 weights, per_tensor scale, i2 packing, 24 -> 6 bytes}}
  // expected-remark @+3 {{tern-classify-weights: ternary layer}}
  // expected-remark @+2 {{tern-select-ternary-kernel: add_sub kernel, i2 packing (M = 1, K = 3, N = 2, 2 weight bytes): float activations}}
  // expected-remark @+1 {{tern-skip-zero-activations: layer}}
  %m2 = linalg.matmul ins(%h1, %w2 : tensor<1x3xf32>, tensor<3x2xf32>)
                      outs(%f2 : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %m2 : tensor<1x2xf32>
}
