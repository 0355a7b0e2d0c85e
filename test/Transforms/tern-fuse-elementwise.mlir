// RUN: tern-opt %s -tern-fuse-elementwise -split-input-file | FileCheck %s

// Scale, bias and ReLU after a ternary accumulation: the three elementwise
// generics become one; the reduction that produces their input is untouched.

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>
#red_in = affine_map<(d0, d1, d2) -> (d0, d2)>
#red_out = affine_map<(d0, d1, d2) -> (d0, d1)>

// CHECK-LABEL: func.func @epilogue
// CHECK-SAME: (%[[X:.*]]: tensor<2x8xf32>, %[[S:.*]]: tensor<4xf32>, %[[B:.*]]: tensor<4xf32>)
func.func @epilogue(%x: tensor<2x8xf32>, %s: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<2x4xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
  // CHECK: %[[ACC:.*]] = linalg.generic
  // CHECK-SAME: iterator_types = ["parallel", "parallel", "reduction"]
  // CHECK-SAME: ins(%[[X]] : tensor<2x8xf32>)
  %acc = linalg.generic {indexing_maps = [#red_in, #red_out], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x : tensor<2x8xf32>) outs(%init : tensor<2x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %a = arith.addf %out, %in : f32
    linalg.yield %a : f32
  } -> tensor<2x4xf32>
  // CHECK: %[[FUSED:.*]] = linalg.generic
  // CHECK-SAME: iterator_types = ["parallel", "parallel"]
  // CHECK-SAME: ins(%[[ACC]], %[[S]], %[[B]] : tensor<2x4xf32>, tensor<4xf32>, tensor<4xf32>)
  // CHECK: arith.mulf
  // CHECK: arith.addf
  // CHECK: arith.maximumf
  // CHECK: linalg.yield
  // CHECK-NOT: linalg.generic
  // CHECK: return %[[FUSED]]
  %scaled = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%acc, %s : tensor<2x4xf32>, tensor<4xf32>) outs(%e : tensor<2x4xf32>) {
  ^bb0(%a: f32, %sc: f32, %o: f32):
    %m = arith.mulf %a, %sc : f32
    linalg.yield %m : f32
  } -> tensor<2x4xf32>
  %biased = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%scaled, %b : tensor<2x4xf32>, tensor<4xf32>) outs(%e : tensor<2x4xf32>) {
  ^bb0(%a: f32, %bb: f32, %o: f32):
    %s2 = arith.addf %a, %bb : f32
    %r = arith.maximumf %s2, %zero : f32
    linalg.yield %r : f32
  } -> tensor<2x4xf32>
  return %biased : tensor<2x4xf32>
}

// -----

// An elementwise producer feeding a reduction is not fused: it would be
// recomputed at every reduction step.

#id = affine_map<(d0, d1) -> (d0, d1)>
#red_in = affine_map<(d0, d1, d2) -> (d0, d2)>
#red_out = affine_map<(d0, d1, d2) -> (d0, d1)>

// CHECK-LABEL: func.func @not_into_reduction
func.func @not_into_reduction(%x: tensor<2x8xf32>, %init: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %e = tensor.empty() : tensor<2x8xf32>
  // CHECK: %[[RELU:.*]] = linalg.generic
  // CHECK-SAME: iterator_types = ["parallel", "parallel"]
  // CHECK: arith.maximumf
  // CHECK: linalg.generic
  // CHECK-SAME: iterator_types = ["parallel", "parallel", "reduction"]
  // CHECK-SAME: ins(%[[RELU]] : tensor<2x8xf32>)
  // CHECK-NOT: arith.maximumf
  // CHECK: return
  %zero = arith.constant 0.0 : f32
  %relu = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<2x8xf32>) outs(%e : tensor<2x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.maximumf %a, %zero : f32
    linalg.yield %r : f32
  } -> tensor<2x8xf32>
  %acc = linalg.generic {indexing_maps = [#red_in, #red_out], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%relu : tensor<2x8xf32>) outs(%init : tensor<2x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %a = arith.addf %out, %in : f32
    linalg.yield %a : f32
  } -> tensor<2x4xf32>
  return %acc : tensor<2x4xf32>
}

// -----

// A fused kernel keeps the locations of the ops it was made from (upstream
// keeps the consumer's alone, so ternc's report named a layer's bias after
// the next layer's activation).
// RUN: tern-opt %s -tern-fuse-elementwise -split-input-file -mlir-print-debuginfo | FileCheck %s --check-prefix=LOC

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>
// LOC-LABEL: func.func @bias_relu
// LOC:         linalg.generic
// LOC:         } -> tensor<1x4xf32> loc([[FUSED:#loc[0-9]+]])
// LOC-NOT:     linalg.generic
// LOC-DAG:   [[FC1:#loc[0-9]+]] = loc("fc1")
// LOC-DAG:   [[RELU:#loc[0-9]+]] = loc("relu")
// LOC-DAG:   [[FUSED]] = loc(fused[[[FC1]], [[RELU]]])
func.func @bias_relu(%x: tensor<1x4xf32>, %b: tensor<4xf32>) -> tensor<1x4xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4xf32>
  %biased = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %b : tensor<1x4xf32>, tensor<4xf32>) outs(%e : tensor<1x4xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %s = arith.addf %a, %c : f32
    linalg.yield %s : f32
  } -> tensor<1x4xf32> loc("fc1")
  %y = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%biased : tensor<1x4xf32>) outs(%e : tensor<1x4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.maximumf %a, %zero : f32
    linalg.yield %r : f32
  } -> tensor<1x4xf32> loc("relu")
  return %y : tensor<1x4xf32>
}
