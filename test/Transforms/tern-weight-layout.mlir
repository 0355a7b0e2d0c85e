// RUN: tern-opt %s -tern-weight-layout -split-input-file | FileCheck %s

// A matmul reading its constant weights N x K at (n, k): the constant is
// transposed to K x N (the same values) and read at (k, n), so that the
// outputs n, which the kernel vectorizes, are adjacent in memory.

#x = affine_map<(m, n, k) -> (m, k)>
#w = affine_map<(m, n, k) -> (n, k)>
#y = affine_map<(m, n, k) -> (m, n)>

// CHECK-DAG: #[[KN:.*]] = affine_map<(d0, d1, d2) -> (d2, d1)>
// CHECK-LABEL: func.func @transposed_b
// CHECK: %[[W:.*]] = arith.constant dense<{{\[}}[1.000000e+00, 4.000000e+00], [2.000000e+00, 5.000000e+00], [3.000000e+00, 6.000000e+00]]> : tensor<3x2xf32>
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[KN]], #{{.*}}]
// CHECK-SAME: ins(%{{.*}}, %[[W]] : tensor<4x3xf32>, tensor<3x2xf32>)
// CHECK: tern.schedule = #tern.schedule<unroll = 4, vector_blocks = 16>
func.func @transposed_b(%x: tensor<4x3xf32>, %init: tensor<4x2xf32>) -> tensor<4x2xf32> {
  %w = arith.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %y = linalg.generic {indexing_maps = [#x, #w, #y], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<4x3xf32>, tensor<2x3xf32>) outs(%init : tensor<4x2xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %c, %p : f32
    linalg.yield %s : f32
  } -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// Integer weights (integer mode) and splats move the same way.

#x = affine_map<(m, n, k) -> (m, k)>
#w = affine_map<(m, n, k) -> (n, k)>
#y = affine_map<(m, n, k) -> (m, n)>

// CHECK-LABEL: func.func @int8_and_splat
// CHECK-DAG: arith.constant dense<{{\[}}[1, 3], [2, 4]]> : tensor<2x2xi8>
// CHECK-DAG: arith.constant dense<7> : tensor<5x2xi8>
func.func @int8_and_splat(%x: tensor<1x2xi8>, %x5: tensor<1x5xi8>, %init: tensor<1x2xi32>) -> (tensor<1x2xi32>, tensor<1x2xi32>) {
  %w = arith.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi8>
  %s = arith.constant dense<7> : tensor<2x5xi8>
  %y = linalg.generic {indexing_maps = [#x, #w, #y], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<1x2xi8>, tensor<2x2xi8>) outs(%init : tensor<1x2xi32>) {
  ^bb0(%a: i8, %b: i8, %c: i32):
    %p = arith.muli %a, %b : i8
    %e = arith.extsi %p : i8 to i32
    %r = arith.addi %c, %e : i32
    linalg.yield %r : i32
  } -> tensor<1x2xi32>
  %z = linalg.generic {indexing_maps = [#x, #w, #y], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x5, %s : tensor<1x5xi8>, tensor<2x5xi8>) outs(%init : tensor<1x2xi32>) {
  ^bb0(%a: i8, %b: i8, %c: i32):
    %p = arith.muli %a, %b : i8
    %e = arith.extsi %p : i8 to i32
    %r = arith.addi %c, %e : i32
    linalg.yield %r : i32
  } -> tensor<1x2xi32>
  return %y, %z : tensor<1x2xi32>, tensor<1x2xi32>
}

// -----

// Left alone: weights already K x N, a constant with two users, a kernel
// that chose its own layout (a #tern.schedule with a vector_width), and no
// reduction.

#x = affine_map<(m, n, k) -> (m, k)>
#w = affine_map<(m, n, k) -> (n, k)>
#kn = affine_map<(m, n, k) -> (k, n)>
#y = affine_map<(m, n, k) -> (m, n)>
#id = affine_map<(m, n) -> (m, n)>

// CHECK-LABEL: func.func @kept
// CHECK-NOT: vector_blocks
// CHECK: return
func.func @kept(%x: tensor<1x2xf32>, %init: tensor<1x2xf32>) -> (tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<2x2xf32>) {
  %w = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %a = linalg.generic {indexing_maps = [#x, #kn, #y], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<1x2xf32>, tensor<2x2xf32>) outs(%init : tensor<1x2xf32>) {
  ^bb0(%p: f32, %q: f32, %r: f32):
    %t = arith.mulf %p, %q : f32
    %u = arith.addf %r, %t : f32
    linalg.yield %u : f32
  } -> tensor<1x2xf32>
  %b = linalg.generic {indexing_maps = [#x, #w, #y], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<1x2xf32>, tensor<2x2xf32>) outs(%init : tensor<1x2xf32>) {
  ^bb0(%p: f32, %q: f32, %r: f32):
    %t = arith.mulf %p, %q : f32
    %u = arith.addf %r, %t : f32
    linalg.yield %u : f32
  } -> tensor<1x2xf32>
  %w2 = arith.constant dense<[[5.0, 6.0], [7.0, 8.0]]> : tensor<2x2xf32>
  %c = linalg.generic {indexing_maps = [#x, #w, #y], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w2 : tensor<1x2xf32>, tensor<2x2xf32>) outs(%init : tensor<1x2xf32>) attrs = {tern.schedule = #tern.schedule<vector_width = 16>} {
  ^bb0(%p: f32, %q: f32, %r: f32):
    %t = arith.mulf %p, %q : f32
    %u = arith.addf %r, %t : f32
    linalg.yield %u : f32
  } -> tensor<1x2xf32>
  %w3 = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %e = tensor.empty() : tensor<2x2xf32>
  %d = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%w3 : tensor<2x2xf32>) outs(%e : tensor<2x2xf32>) {
  ^bb0(%p: f32, %r: f32):
    linalg.yield %p : f32
  } -> tensor<2x2xf32>
  return %a, %b, %c, %d : tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<2x2xf32>
}
