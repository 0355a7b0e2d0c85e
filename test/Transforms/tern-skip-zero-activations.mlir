// RUN: tern-opt %s -tern-skip-zero-activations=report=true -split-input-file -verify-diagnostics | FileCheck %s

// Accumulations whose input is a ReLU's output get tern.skip_zero_input = 0;
// the Halide emitter then skips the reduction steps where that input is 0.

#id = affine_map<(i, j) -> (i, j)>
#x = affine_map<(m, n, k) -> (m, k)>
#w = affine_map<(m, n, k) -> (k, n)>
#o = affine_map<(m, n, k) -> (m, n)>

// A dense layer after bias + ReLU (fused: max(x + b, 0)).
// CHECK-LABEL: func.func @dense_after_relu
// CHECK:         linalg.generic {{.*}} attrs = {tern.skip_zero_input = 0 : i64}
func.func @dense_after_relu(%x: tensor<2x8xf32>, %w: tensor<8x4xf32>) -> tensor<2x4xf32> {
  %z = arith.constant 0.0 : f32
  %b = arith.constant 0.5 : f32
  %e0 = tensor.empty() : tensor<2x8xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<2x8xf32>) outs(%e0 : tensor<2x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    %m = arith.maximumf %s, %z : f32
    linalg.yield %m : f32
  } -> tensor<2x8xf32>
  %e = tensor.empty() : tensor<2x4xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
  // expected-remark @+1 {{tern-skip-zero-activations: layer}}
  %y = linalg.generic {indexing_maps = [#x, #w, #o], iterator_types = ["parallel", "parallel", "reduction"]} ins(%r, %w : tensor<2x8xf32>, tensor<8x4xf32>) outs(%f : tensor<2x4xf32>) {
  ^bb0(%a: f32, %c: f32, %acc: f32):
    %p = arith.mulf %a, %c : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// A ternary add/sub accumulation (selects of acc + x, acc - x) after a
// ReLU (maxnumf) seen through a reshape.
#id = affine_map<(i, j) -> (i, j)>
#x = affine_map<(m, n, k) -> (m, k)>
#o = affine_map<(m, n, k) -> (m, n)>
// CHECK-LABEL: func.func @ternary_after_flatten
// CHECK:         linalg.generic {{.*}} attrs = {tern.skip_zero_input = 0 : i64}
func.func @ternary_after_flatten(%x: tensor<1x2x4xf32>, %t: tensor<8x3xi1>) -> tensor<1x3xf32> {
  %z = arith.constant 0.0 : f32
  %e0 = tensor.empty() : tensor<1x2x4xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(i, j, k) -> (i, j, k)>, affine_map<(i, j, k) -> (i, j, k)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%x : tensor<1x2x4xf32>) outs(%e0 : tensor<1x2x4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.maxnumf %z, %a : f32
    linalg.yield %m : f32
  } -> tensor<1x2x4xf32>
  %flat = tensor.collapse_shape %r [[0], [1, 2]] : tensor<1x2x4xf32> into tensor<1x8xf32>
  %e = tensor.empty() : tensor<1x3xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<1x3xf32>) -> tensor<1x3xf32>
  // expected-remark @+1 {{tern-skip-zero-activations: layer}}
  %y = linalg.generic {indexing_maps = [#x, #o], iterator_types = ["parallel", "parallel", "reduction"]} ins(%flat : tensor<1x8xf32>) outs(%f : tensor<1x3xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %n = linalg.index 1 : index
    %k = linalg.index 2 : index
    %plus = tensor.extract %t[%k, %n] : tensor<8x3xi1>
    %add = arith.addf %acc, %a : f32
    %sub = arith.subf %acc, %a : f32
    %s = arith.select %plus, %add, %sub : f32
    linalg.yield %s : f32
  } -> tensor<1x3xf32>
  return %y : tensor<1x3xf32>
}

// -----

// Not marked: the input is not a ReLU output (a plain argument, a
// max with a nonzero constant), or the accumulation uses x in a way a zero
// would change (exp(x)), or reads x at (m, n).
#id = affine_map<(i, j) -> (i, j)>
#x = affine_map<(m, n, k) -> (m, k)>
#w = affine_map<(m, n, k) -> (k, n)>
#o = affine_map<(m, n, k) -> (m, n)>
// CHECK-LABEL: func.func @not_marked
// CHECK-NOT:     tern.skip_zero_input
func.func @not_marked(%x: tensor<2x8xf32>, %w: tensor<8x4xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>) {
  %z = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %e0 = tensor.empty() : tensor<2x8xf32>
  %clip = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<2x8xf32>) outs(%e0 : tensor<2x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.maximumf %a, %one : f32
    linalg.yield %m : f32
  } -> tensor<2x8xf32>
  %relu = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<2x8xf32>) outs(%e0 : tensor<2x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.maximumf %a, %z : f32
    linalg.yield %m : f32
  } -> tensor<2x8xf32>
  %e = tensor.empty() : tensor<2x4xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
  %y0 = linalg.generic {indexing_maps = [#x, #w, #o], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %w : tensor<2x8xf32>, tensor<8x4xf32>) outs(%f : tensor<2x4xf32>) {
  ^bb0(%a: f32, %c: f32, %acc: f32):
    %p = arith.mulf %a, %c : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<2x4xf32>
  %y1 = linalg.generic {indexing_maps = [#x, #w, #o], iterator_types = ["parallel", "parallel", "reduction"]} ins(%clip, %w : tensor<2x8xf32>, tensor<8x4xf32>) outs(%f : tensor<2x4xf32>) {
  ^bb0(%a: f32, %c: f32, %acc: f32):
    %p = arith.mulf %a, %c : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<2x4xf32>
  %y2 = linalg.generic {indexing_maps = [#x, #w, #o], iterator_types = ["parallel", "parallel", "reduction"]} ins(%relu, %w : tensor<2x8xf32>, tensor<8x4xf32>) outs(%f : tensor<2x4xf32>) {
  ^bb0(%a: f32, %c: f32, %acc: f32):
    %ex = math.exp %a : f32
    %p = arith.mulf %ex, %c : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<2x4xf32>
  return %y0, %y1, %y2 : tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>
}

// -----

// After an activation threshold (tern-activation-threshold's select of x
// or 0), a dense layer is marked.
#id = affine_map<(i, j) -> (i, j)>
#x = affine_map<(m, n, k) -> (m, k)>
#w = affine_map<(m, n, k) -> (k, n)>
#o = affine_map<(m, n, k) -> (m, n)>
// CHECK-LABEL: func.func @dense_after_threshold
// CHECK:         linalg.generic {{.*}} attrs = {tern.skip_zero_input = 0 : i64}
func.func @dense_after_threshold(%x: tensor<2x8xf32>, %w: tensor<8x4xf32>) -> tensor<2x4xf32> {
  %z = arith.constant 0.0 : f32
  %t = arith.constant 0.25 : f32
  %nt = arith.constant -0.25 : f32
  %e0 = tensor.empty() : tensor<2x8xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<2x8xf32>) outs(%e0 : tensor<2x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %hi = arith.cmpf ugt, %a, %t : f32
    %lo = arith.cmpf ult, %a, %nt : f32
    %k = arith.ori %hi, %lo : i1
    %s = arith.select %k, %a, %z : f32
    linalg.yield %s : f32
  } -> tensor<2x8xf32>
  %e = tensor.empty() : tensor<2x4xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
  // expected-remark @+1 {{tern-skip-zero-activations: layer}}
  %y = linalg.generic {indexing_maps = [#x, #w, #o], iterator_types = ["parallel", "parallel", "reduction"]} ins(%r, %w : tensor<2x8xf32>, tensor<8x4xf32>) outs(%f : tensor<2x4xf32>) {
  ^bb0(%a: f32, %c: f32, %acc: f32):
    %p = arith.mulf %a, %c : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// Not marked: reductions that a zero input does change. A product over k
// (acc * x: zero makes the result zero), x added to a constant before the
// multiply ((x + 1) * w), and acc - ... where x is the minuend (x - acc).
#id = affine_map<(i, j) -> (i, j)>
#x = affine_map<(m, n, k) -> (m, k)>
#w = affine_map<(m, n, k) -> (k, n)>
#o = affine_map<(m, n, k) -> (m, n)>
// CHECK-LABEL: func.func @zero_changes_the_result
// CHECK-NOT:     tern.skip_zero_input
func.func @zero_changes_the_result(%x: tensor<2x8xf32>, %w: tensor<8x4xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>) {
  %z = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %e0 = tensor.empty() : tensor<2x8xf32>
  %relu = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<2x8xf32>) outs(%e0 : tensor<2x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.maximumf %a, %z : f32
    linalg.yield %m : f32
  } -> tensor<2x8xf32>
  %e = tensor.empty() : tensor<2x4xf32>
  %f = linalg.fill ins(%one : f32) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
  %y0 = linalg.generic {indexing_maps = [#x, #w, #o], iterator_types = ["parallel", "parallel", "reduction"]} ins(%relu, %w : tensor<2x8xf32>, tensor<8x4xf32>) outs(%f : tensor<2x4xf32>) {
  ^bb0(%a: f32, %c: f32, %acc: f32):
    %p = arith.mulf %acc, %a : f32
    linalg.yield %p : f32
  } -> tensor<2x4xf32>
  %y1 = linalg.generic {indexing_maps = [#x, #w, #o], iterator_types = ["parallel", "parallel", "reduction"]} ins(%relu, %w : tensor<2x8xf32>, tensor<8x4xf32>) outs(%f : tensor<2x4xf32>) {
  ^bb0(%a: f32, %c: f32, %acc: f32):
    %a1 = arith.addf %a, %one : f32
    %p = arith.mulf %a1, %c : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<2x4xf32>
  %y2 = linalg.generic {indexing_maps = [#x, #w, #o], iterator_types = ["parallel", "parallel", "reduction"]} ins(%relu, %w : tensor<2x8xf32>, tensor<8x4xf32>) outs(%f : tensor<2x4xf32>) {
  ^bb0(%a: f32, %c: f32, %acc: f32):
    %s = arith.subf %a, %acc : f32
    linalg.yield %s : f32
  } -> tensor<2x4xf32>
  return %y0, %y1, %y2 : tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>
}
