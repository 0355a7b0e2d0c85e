// RUN: tern-translate %s --tern-to-kernel-ir --split-input-file | FileCheck %s

// Conversions from and to i1 must keep arith's meaning. In the kernel
// description `cast` has C semantics (Kernel.h): bool -> int gives 1 for
// true, int -> bool tests for nonzero. arith differs on three ops:
//   arith.extsi  i1 -> iN : true is -1 (sign extension of the single bit);
//   arith.sitofp i1 -> fN : true is -1.0 (i1 is signed: 1 = -1);
//   arith.trunci iN -> i1 : keeps the lowest bit (2 -> false, 3 -> true).
// A plain `cast` of the operand is therefore wrong for each of them.
// (extui and uitofp of i1 are 0/1 and a plain cast is right.)

// CHECK-LABEL: // function @extsi_i1
// CHECK:         output 0 'out0' i32[8] dims(d0)
// CHECK-NOT:       init (cast:i32 (load:bool #0 d0))
// CHECK:         schedule
func.func @extsi_i1(%a: tensor<8xi1>) -> tensor<8xi32> {
  %e = tensor.empty() : tensor<8xi32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>,
                                        affine_map<(d0) -> (d0)>],
                       iterator_types = ["parallel"]}
      ins(%a : tensor<8xi1>) outs(%e : tensor<8xi32>) {
  ^bb0(%x: i1, %o: i32):
    %r = arith.extsi %x : i1 to i32
    linalg.yield %r : i32
  } -> tensor<8xi32>
  return %y : tensor<8xi32>
}

// -----

// CHECK-LABEL: // function @sitofp_i1
// CHECK:         output 0 'out0' f32[8] dims(d0)
// CHECK-NOT:       init (cast:f32 (load:bool #0 d0))
// CHECK:         schedule
func.func @sitofp_i1(%a: tensor<8xi1>) -> tensor<8xf32> {
  %e = tensor.empty() : tensor<8xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>,
                                        affine_map<(d0) -> (d0)>],
                       iterator_types = ["parallel"]}
      ins(%a : tensor<8xi1>) outs(%e : tensor<8xf32>) {
  ^bb0(%x: i1, %o: f32):
    %r = arith.sitofp %x : i1 to f32
    linalg.yield %r : f32
  } -> tensor<8xf32>
  return %y : tensor<8xf32>
}

// -----

// CHECK-LABEL: // function @trunci_to_i1
// CHECK:         output 0 'out0' bool[8] dims(d0)
// CHECK-NOT:       init (cast:bool (load:i32 #0 d0))
// CHECK:         schedule
func.func @trunci_to_i1(%a: tensor<8xi32>) -> tensor<8xi1> {
  %e = tensor.empty() : tensor<8xi1>
  %y = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>,
                                        affine_map<(d0) -> (d0)>],
                       iterator_types = ["parallel"]}
      ins(%a : tensor<8xi32>) outs(%e : tensor<8xi1>) {
  ^bb0(%x: i32, %o: i1):
    %r = arith.trunci %x : i32 to i1
    linalg.yield %r : i1
  } -> tensor<8xi1>
  return %y : tensor<8xi1>
}

// -----

// The zero-extending forms are right as they are.
// CHECK-LABEL: // function @extui_uitofp_i1
// CHECK:           init (cast:i32 (load:bool #0 d0))
// CHECK:           init (cast:f32 (load:bool #0 d0))
func.func @extui_uitofp_i1(%a: tensor<8xi1>) -> (tensor<8xi32>, tensor<8xf32>) {
  %e = tensor.empty() : tensor<8xi32>
  %ef = tensor.empty() : tensor<8xf32>
  %y:2 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>,
                                          affine_map<(d0) -> (d0)>,
                                          affine_map<(d0) -> (d0)>],
                         iterator_types = ["parallel"]}
      ins(%a : tensor<8xi1>) outs(%e, %ef : tensor<8xi32>, tensor<8xf32>) {
  ^bb0(%x: i1, %o: i32, %of: f32):
    %r = arith.extui %x : i1 to i32
    %f = arith.uitofp %x : i1 to f32
    linalg.yield %r, %f : i32, f32
  } -> (tensor<8xi32>, tensor<8xf32>)
  return %y#0, %y#1 : tensor<8xi32>, tensor<8xf32>
}
