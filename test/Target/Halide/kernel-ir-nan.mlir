// RUN: tern-translate %s --tern-to-kernel-ir --split-input-file | FileCheck %s

// Ops that differ only when an operand is NaN must not translate to the
// same kernel expression. Today LinalgToKernel.cpp maps each ordered and
// unordered arith.cmpf predicate to one comparison (oeq and ueq to eq, one
// and une to ne, olt and ult to lt, ...) and maximumf/maxnumf (minimumf/
// minnumf) to one max (min), so one of each pair is wrong for NaN:
//   cmpf one (false if either is NaN) becomes Halide's != (true for NaN);
//   cmpf ueq/ult (true if either is NaN) become == / < (false for NaN);
//   maximumf propagates NaN while maxnumf returns the other operand.
// Each case checks that output 1's expression is not output 0's.

// CHECK-LABEL: // function @oeq_ueq:
// CHECK:         output 0 'out0' bool[8] dims(d0)
// CHECK-NEXT:      init [[E0:.*]]
// CHECK-NEXT:    output 1 'out1' bool[8] dims(d0)
// CHECK-NOT:       init [[E0]]{{$}}
// CHECK:         schedule
func.func @oeq_ueq(%a: tensor<8xf32>, %b: tensor<8xf32>)
    -> (tensor<8xi1>, tensor<8xi1>) {
  %e = tensor.empty() : tensor<8xi1>
  %y:2 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>,
                                          affine_map<(d0) -> (d0)>,
                                          affine_map<(d0) -> (d0)>,
                                          affine_map<(d0) -> (d0)>],
                         iterator_types = ["parallel"]}
      ins(%a, %b : tensor<8xf32>, tensor<8xf32>)
      outs(%e, %e : tensor<8xi1>, tensor<8xi1>) {
  ^bb0(%x: f32, %y: f32, %o0: i1, %o1: i1):
    %r0 = arith.cmpf oeq, %x, %y : f32
    %r1 = arith.cmpf ueq, %x, %y : f32
    linalg.yield %r0, %r1 : i1, i1
  } -> (tensor<8xi1>, tensor<8xi1>)
  return %y#0, %y#1 : tensor<8xi1>, tensor<8xi1>
}

// -----

// CHECK-LABEL: // function @one_une:
// CHECK:         output 0 'out0' bool[8] dims(d0)
// CHECK-NEXT:      init [[E0:.*]]
// CHECK-NEXT:    output 1 'out1' bool[8] dims(d0)
// CHECK-NOT:       init [[E0]]{{$}}
// CHECK:         schedule
func.func @one_une(%a: tensor<8xf32>, %b: tensor<8xf32>)
    -> (tensor<8xi1>, tensor<8xi1>) {
  %e = tensor.empty() : tensor<8xi1>
  %y:2 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>,
                                          affine_map<(d0) -> (d0)>,
                                          affine_map<(d0) -> (d0)>,
                                          affine_map<(d0) -> (d0)>],
                         iterator_types = ["parallel"]}
      ins(%a, %b : tensor<8xf32>, tensor<8xf32>)
      outs(%e, %e : tensor<8xi1>, tensor<8xi1>) {
  ^bb0(%x: f32, %y: f32, %o0: i1, %o1: i1):
    %r0 = arith.cmpf one, %x, %y : f32
    %r1 = arith.cmpf une, %x, %y : f32
    linalg.yield %r0, %r1 : i1, i1
  } -> (tensor<8xi1>, tensor<8xi1>)
  return %y#0, %y#1 : tensor<8xi1>, tensor<8xi1>
}

// -----

// CHECK-LABEL: // function @olt_ult:
// CHECK:         output 0 'out0' bool[8] dims(d0)
// CHECK-NEXT:      init [[E0:.*]]
// CHECK-NEXT:    output 1 'out1' bool[8] dims(d0)
// CHECK-NOT:       init [[E0]]{{$}}
// CHECK:         schedule
func.func @olt_ult(%a: tensor<8xf32>, %b: tensor<8xf32>)
    -> (tensor<8xi1>, tensor<8xi1>) {
  %e = tensor.empty() : tensor<8xi1>
  %y:2 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>,
                                          affine_map<(d0) -> (d0)>,
                                          affine_map<(d0) -> (d0)>,
                                          affine_map<(d0) -> (d0)>],
                         iterator_types = ["parallel"]}
      ins(%a, %b : tensor<8xf32>, tensor<8xf32>)
      outs(%e, %e : tensor<8xi1>, tensor<8xi1>) {
  ^bb0(%x: f32, %y: f32, %o0: i1, %o1: i1):
    %r0 = arith.cmpf olt, %x, %y : f32
    %r1 = arith.cmpf ult, %x, %y : f32
    linalg.yield %r0, %r1 : i1, i1
  } -> (tensor<8xi1>, tensor<8xi1>)
  return %y#0, %y#1 : tensor<8xi1>, tensor<8xi1>
}

// -----

// CHECK-LABEL: // function @maximumf_maxnumf:
// CHECK:         output 0 'out0' f32[8] dims(d0)
// CHECK-NEXT:      init [[E0:.*]]
// CHECK-NEXT:    output 1 'out1' f32[8] dims(d0)
// CHECK-NOT:       init [[E0]]{{$}}
// CHECK:         schedule
func.func @maximumf_maxnumf(%a: tensor<8xf32>, %b: tensor<8xf32>)
    -> (tensor<8xf32>, tensor<8xf32>) {
  %e = tensor.empty() : tensor<8xf32>
  %y:2 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>,
                                          affine_map<(d0) -> (d0)>,
                                          affine_map<(d0) -> (d0)>,
                                          affine_map<(d0) -> (d0)>],
                         iterator_types = ["parallel"]}
      ins(%a, %b : tensor<8xf32>, tensor<8xf32>)
      outs(%e, %e : tensor<8xf32>, tensor<8xf32>) {
  ^bb0(%x: f32, %y: f32, %o0: f32, %o1: f32):
    %r0 = arith.maximumf %x, %y : f32
    %r1 = arith.maxnumf %x, %y : f32
    linalg.yield %r0, %r1 : f32, f32
  } -> (tensor<8xf32>, tensor<8xf32>)
  return %y#0, %y#1 : tensor<8xf32>, tensor<8xf32>
}

// -----

// CHECK-LABEL: // function @minimumf_minnumf:
// CHECK:         output 0 'out0' f32[8] dims(d0)
// CHECK-NEXT:      init [[E0:.*]]
// CHECK-NEXT:    output 1 'out1' f32[8] dims(d0)
// CHECK-NOT:       init [[E0]]{{$}}
// CHECK:         schedule
func.func @minimumf_minnumf(%a: tensor<8xf32>, %b: tensor<8xf32>)
    -> (tensor<8xf32>, tensor<8xf32>) {
  %e = tensor.empty() : tensor<8xf32>
  %y:2 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>,
                                          affine_map<(d0) -> (d0)>,
                                          affine_map<(d0) -> (d0)>,
                                          affine_map<(d0) -> (d0)>],
                         iterator_types = ["parallel"]}
      ins(%a, %b : tensor<8xf32>, tensor<8xf32>)
      outs(%e, %e : tensor<8xf32>, tensor<8xf32>) {
  ^bb0(%x: f32, %y: f32, %o0: f32, %o1: f32):
    %r0 = arith.minimumf %x, %y : f32
    %r1 = arith.minnumf %x, %y : f32
    linalg.yield %r0, %r1 : f32, f32
  } -> (tensor<8xf32>, tensor<8xf32>)
  return %y#0, %y#1 : tensor<8xf32>, tensor<8xf32>
}
