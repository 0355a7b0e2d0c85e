// RUN: tern-translate %s --tern-to-kernel-ir --split-input-file | FileCheck %s

// The kernel description ternc compiles, one per unique linalg.generic of
// kernel-form input: loops (p = parallel, r = reduction), inputs, and per
// output an init and, for reductions, an update that reads `self`.

// Elementwise with a broadcast: the bias is read through (d0, d1) -> (d1).
// CHECK-LABEL: // function @bias_relu: 1 kernel calls, 1 unique kernels, 0 weight bytes, 0 arena bytes
// CHECK-NEXT:  kernel 'bias_relu_k0'
// CHECK-NEXT:    loops d0:2p d1:8p
// CHECK-NEXT:    input 0 'in0' f32[2,8]
// CHECK-NEXT:    input 1 'in1' f32[8]
// CHECK-NEXT:    output 0 'out0' f32[2,8] dims(d0 d1)
// arith.maximumf propagates NaN: a select on isnan guards the max (the
// constant 0 needs no check).
// CHECK-NEXT:      init (select:f32 (isnan:bool (add:f32 (load:f32 #0 d0 d1) (load:f32 #1 d1))) (add:f32 (load:f32 #0 d0 d1) (load:f32 #1 d1)) (max:f32 (add:f32 (load:f32 #0 d0 d1) (load:f32 #1 d1)) (const:f32 0)))
// CHECK-NEXT:    schedule cpu none parallel=1 min_parallel_work=16384
func.func @bias_relu(%x: tensor<2x8xf32>, %b: tensor<8xf32>) -> tensor<2x8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x8xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>,
                                        affine_map<(d0, d1) -> (d1)>,
                                        affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%x, %b : tensor<2x8xf32>, tensor<8xf32>) outs(%e : tensor<2x8xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %s = arith.addf %a, %c : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  } -> tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}

// -----

// A matmul reduction: the zero fill of the init is folded into the kernel's
// initial value (a constant, not a load), so the fill has neither an input
// slot nor a kernel call nor arena memory.
// CHECK-LABEL: // function @matmul: 1 kernel calls, 1 unique kernels, 0 weight bytes, 0 arena bytes
// CHECK-NEXT:  kernel 'matmul_k0'
// CHECK-NEXT:    loops d0:4p d1:16p d2:8r
// CHECK-NEXT:    input 0 'in0' f32[4,8]
// CHECK-NEXT:    input 1 'in1' f32[8,16]
// CHECK-NEXT:    output 0 'out0' f32[4,16] dims(d0 d1)
// CHECK-NEXT:      init (const:f32 0)
// CHECK-NEXT:      update (add:f32 (self:f32 #0) (mul:f32 (load:f32 #0 d0 d2) (load:f32 #1 d2 d1)))
// CHECK-NEXT:    schedule
func.func @matmul(%x: tensor<4x8xf32>, %w: tensor<8x16xf32>) -> tensor<4x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x16xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>,
                                        affine_map<(m, n, k) -> (k, n)>,
                                        affine_map<(m, n, k) -> (m, n)>],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<4x8xf32>, tensor<8x16xf32>) outs(%f : tensor<4x16xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// The same with a generalized fill (what linalg-generalize-named-ops makes
// of linalg.fill): still folded, to -1.5 here.
// CHECK-LABEL: // function @matmul_generic_fill: 1 kernel calls, 1 unique kernels, 0 weight bytes, 0 arena bytes
// CHECK:         input 1 'in1' f32[8,16]
// CHECK-NOT:     input 2
// CHECK:           init (const:f32 -1.5)
// CHECK-NEXT:      update (add:f32 (self:f32 #0) (mul:f32 (load:f32 #0 d0 d2) (load:f32 #1 d2 d1)))
func.func @matmul_generic_fill(%x: tensor<4x8xf32>, %w: tensor<8x16xf32>)
    -> tensor<4x16xf32> {
  %c = arith.constant -1.5 : f32
  %e = tensor.empty() : tensor<4x16xf32>
  %f = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}
      outs(%e : tensor<4x16xf32>) {
  ^bb0(%o: f32):
    linalg.yield %c : f32
  } -> tensor<4x16xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>,
                                        affine_map<(m, n, k) -> (k, n)>,
                                        affine_map<(m, n, k) -> (m, n)>],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<4x8xf32>, tensor<8x16xf32>) outs(%f : tensor<4x16xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// An init that holds data (a bias argument) is read like an input at the
// output's coordinates.
// CHECK-LABEL: // function @bias_init: 1 kernel calls, 1 unique kernels, 0 weight bytes, 0 arena bytes
// CHECK-NEXT:  kernel 'bias_init_k0'
// CHECK-NEXT:    loops d0:4p d1:16p d2:8r
// CHECK-NEXT:    input 0 'in0' f32[4,16]
// CHECK-NEXT:    input 1 'in1' f32[4,8]
// CHECK-NEXT:    input 2 'in2' f32[8,16]
// CHECK-NEXT:    output 0 'out0' f32[4,16] dims(d0 d1)
// CHECK-NEXT:      init (load:f32 #0 d0 d1)
// CHECK-NEXT:      update (add:f32 (self:f32 #0) (mul:f32 (load:f32 #1 d0 d2) (load:f32 #2 d2 d1)))
func.func @bias_init(%x: tensor<4x8xf32>, %w: tensor<8x16xf32>,
                     %b: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %y = linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>,
                                        affine_map<(m, n, k) -> (k, n)>,
                                        affine_map<(m, n, k) -> (m, n)>],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<4x8xf32>, tensor<8x16xf32>) outs(%b : tensor<4x16xf32>) {
  ^bb0(%a: f32, %c: f32, %acc: f32):
    %p = arith.mulf %a, %c : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// A gather: tensor.extract from a constant table at an index loaded from
// the input. The table (2 x 4 x f32 = 32 bytes) becomes a weight.
// CHECK-LABEL: // function @gather: 1 kernel calls, 1 unique kernels, 32 weight bytes, 0 arena bytes
// CHECK-NEXT:  kernel 'gather_k0'
// CHECK-NEXT:    loops d0:3p d1:4p
// CHECK-NEXT:    input 0 'in0' i32[3]
// CHECK-NEXT:    input 1 'in1' f32[2,4]
// CHECK-NEXT:    output 0 'out0' f32[3,4] dims(d0 d1)
// CHECK-NEXT:      init (load:f32 #1 (cast:i32 (load:i32 #0 d0)) d1)
func.func @gather(%ids: tensor<3xi32>) -> tensor<3x4xf32> {
  %table = arith.constant dense<[[0.0, 1.0, 2.0, 3.0],
                                 [4.0, 5.0, 6.0, 7.0]]> : tensor<2x4xf32>
  %e = tensor.empty() : tensor<3x4xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0)>,
                                        affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%ids : tensor<3xi32>) outs(%e : tensor<3x4xf32>) {
  ^bb0(%id: i32, %o: f32):
    %i = arith.index_cast %id : i32 to index
    %j = linalg.index 1 : index
    %v = tensor.extract %table[%i, %j] : tensor<2x4xf32>
    linalg.yield %v : f32
  } -> tensor<3x4xf32>
  return %y : tensor<3x4xf32>
}

// -----

// linalg.index is the loop variable; index arithmetic is i32.
// CHECK-LABEL: // function @iota: 1 kernel calls, 1 unique kernels, 0 weight bytes, 0 arena bytes
// CHECK-NEXT:  kernel 'iota_k0'
// CHECK-NEXT:    loops d0:2p d1:3p
// CHECK-NEXT:    output 0 'out0' i32[2,3] dims(d0 d1)
// CHECK-NEXT:      init (cast:i32 (add:i32 (mul:i32 d0 (const:i32 3)) d1))
func.func @iota() -> tensor<2x3xi32> {
  %e = tensor.empty() : tensor<2x3xi32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}
      outs(%e : tensor<2x3xi32>) {
  ^bb0(%o: i32):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %c3 = arith.constant 3 : index
    %m = arith.muli %i, %c3 : index
    %s = arith.addi %m, %j : index
    %r = arith.index_cast %s : index to i32
    linalg.yield %r : i32
  } -> tensor<2x3xi32>
  return %y : tensor<2x3xi32>
}

// -----

// Unsigned ops on signless integers: operands cast to the unsigned type of
// the same width, the result cast back (divui, shrui); cmpi ult compares the
// unsigned views. Signed ops stay on the signed type.
// CHECK-LABEL: // function @unsigned: 1 kernel calls, 1 unique kernels, 0 weight bytes, 0 arena bytes
// CHECK-NEXT:  kernel 'unsigned_k0'
// CHECK-NEXT:    loops d0:8p
// CHECK-NEXT:    input 0 'in0' i8[8]
// CHECK-NEXT:    input 1 'in1' i8[8]
// CHECK-NEXT:    output 0 'out0' i8[8] dims(d0)
// CHECK-NEXT:      init (cast:i8 (div:u8 (cast:u8 (load:i8 #0 d0)) (cast:u8 (load:i8 #1 d0))))
// CHECK-NEXT:    output 1 'out1' i8[8] dims(d0)
// CHECK-NEXT:      init (cast:i8 (shr:u8 (cast:u8 (load:i8 #0 d0)) (cast:u8 (load:i8 #1 d0))))
// CHECK-NEXT:    output 2 'out2' bool[8] dims(d0)
// CHECK-NEXT:      init (lt:bool (cast:u8 (load:i8 #0 d0)) (cast:u8 (load:i8 #1 d0)))
// CHECK-NEXT:    output 3 'out3' i8[8] dims(d0)
// CHECK-NEXT:      init (div:i8 (load:i8 #0 d0) (load:i8 #1 d0))
// CHECK-NEXT:    output 4 'out4' bool[8] dims(d0)
// CHECK-NEXT:      init (lt:bool (load:i8 #0 d0) (load:i8 #1 d0))
// CHECK-NEXT:    output 5 'out5' i32[8] dims(d0)
// CHECK-NEXT:      init (cast:i32 (cast:u8 (load:i8 #0 d0)))
func.func @unsigned(%a: tensor<8xi8>, %b: tensor<8xi8>)
    -> (tensor<8xi8>, tensor<8xi8>, tensor<8xi1>, tensor<8xi8>, tensor<8xi1>,
        tensor<8xi32>) {
  %e = tensor.empty() : tensor<8xi8>
  %e1 = tensor.empty() : tensor<8xi1>
  %e32 = tensor.empty() : tensor<8xi32>
  %y:6 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>,
                                          affine_map<(d0) -> (d0)>,
                                          affine_map<(d0) -> (d0)>,
                                          affine_map<(d0) -> (d0)>,
                                          affine_map<(d0) -> (d0)>,
                                          affine_map<(d0) -> (d0)>,
                                          affine_map<(d0) -> (d0)>,
                                          affine_map<(d0) -> (d0)>],
                         iterator_types = ["parallel"]}
      ins(%a, %b : tensor<8xi8>, tensor<8xi8>)
      outs(%e, %e, %e1, %e, %e1, %e32
           : tensor<8xi8>, tensor<8xi8>, tensor<8xi1>, tensor<8xi8>,
             tensor<8xi1>, tensor<8xi32>) {
  ^bb0(%x: i8, %y: i8, %o0: i8, %o1: i8, %o2: i1, %o3: i8, %o4: i1, %o5: i32):
    %d = arith.divui %x, %y : i8
    %s = arith.shrui %x, %y : i8
    %c = arith.cmpi ult, %x, %y : i8
    %ds = arith.divsi %x, %y : i8
    %cs = arith.cmpi slt, %x, %y : i8
    %z = arith.extui %x : i8 to i32
    linalg.yield %d, %s, %c, %ds, %cs, %z : i8, i8, i1, i8, i1, i32
  } -> (tensor<8xi8>, tensor<8xi8>, tensor<8xi1>, tensor<8xi8>, tensor<8xi1>,
        tensor<8xi32>)
  return %y#0, %y#1, %y#2, %y#3, %y#4, %y#5
      : tensor<8xi8>, tensor<8xi8>, tensor<8xi1>, tensor<8xi8>, tensor<8xi1>,
        tensor<8xi32>
}

// -----

// Indexing maps with floordiv and mod (upsampling rows, strided columns).
// CHECK-LABEL: // function @floordiv_mod: 1 kernel calls, 1 unique kernels, 0 weight bytes, 0 arena bytes
// CHECK:           init (load:f32 #0 (floordiv:i32 d0 (const:i32 2)) (floormod:i32 (mul:i32 d1 (const:i32 2)) (const:i32 6)))
func.func @floordiv_mod(%x: tensor<4x6xf32>) -> tensor<8x3xf32> {
  %e = tensor.empty() : tensor<8x3xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0 floordiv 2, (d1 * 2) mod 6)>,
                                        affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x6xf32>) outs(%e : tensor<8x3xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  } -> tensor<8x3xf32>
  return %y : tensor<8x3xf32>
}

// -----

// ceildiv(a, b) = -floordiv(-a, b).
// CHECK-LABEL: // function @ceildiv: 1 kernel calls, 1 unique kernels, 0 weight bytes, 0 arena bytes
// CHECK:           init (load:f32 #0 (neg:i32 (floordiv:i32 (neg:i32 d0) (const:i32 2))) d1)
func.func @ceildiv(%x: tensor<2x6xf32>) -> tensor<3x6xf32> {
  %e = tensor.empty() : tensor<3x6xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0 ceildiv 2, d1)>,
                                        affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<2x6xf32>) outs(%e : tensor<3x6xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  } -> tensor<3x6xf32>
  return %y : tensor<3x6xf32>
}

// -----

// Two generics that differ only in the tensors they read share one kernel.
// Weights: two 32-byte biases, the second at the next 64-byte boundary.
// Arena: the first result (64 bytes); the second writes the output.
// CHECK-LABEL: // function @shared: 2 kernel calls, 1 unique kernels, 96 weight bytes, 64 arena bytes
// CHECK-NEXT:  kernel 'shared_k0'
// CHECK-NEXT:    loops d0:2p d1:8p
// CHECK-NEXT:    input 0 'in0' f32[2,8]
// CHECK-NEXT:    input 1 'in1' f32[8]
// CHECK-NEXT:    output 0 'out0' f32[2,8] dims(d0 d1)
// CHECK-NEXT:      init (add:f32 (load:f32 #0 d0 d1) (load:f32 #1 d1))
// CHECK-NEXT:    schedule
// CHECK-NOT:   kernel 'shared_k1'
func.func @shared(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %b1 = arith.constant dense<1.0> : tensor<8xf32>
  %b2 = arith.constant dense<2.0> : tensor<8xf32>
  %e = tensor.empty() : tensor<2x8xf32>
  %y1 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>,
                                         affine_map<(d0, d1) -> (d1)>,
                                         affine_map<(d0, d1) -> (d0, d1)>],
                        iterator_types = ["parallel", "parallel"]}
      ins(%x, %b1 : tensor<2x8xf32>, tensor<8xf32>) outs(%e : tensor<2x8xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %s = arith.addf %a, %c : f32
    linalg.yield %s : f32
  } -> tensor<2x8xf32>
  %y2 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>,
                                         affine_map<(d0, d1) -> (d1)>,
                                         affine_map<(d0, d1) -> (d0, d1)>],
                        iterator_types = ["parallel", "parallel"]}
      ins(%y1, %b2 : tensor<2x8xf32>, tensor<8xf32>) outs(%e : tensor<2x8xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %s = arith.addf %a, %c : f32
    linalg.yield %s : f32
  } -> tensor<2x8xf32>
  return %y2 : tensor<2x8xf32>
}

// -----

// Kernels that differ in a folded scalar constant are not shared.
// CHECK-LABEL: // function @not_shared: 2 kernel calls, 2 unique kernels, 0 weight bytes, 64 arena bytes
// CHECK:       kernel 'not_shared_k0'
// CHECK:           init (mul:f32 (load:f32 #0 d0 d1) (const:f32 2))
// CHECK:       kernel 'not_shared_k1'
// CHECK:           init (mul:f32 (load:f32 #0 d0 d1) (const:f32 3))
func.func @not_shared(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %c2 = arith.constant 2.0 : f32
  %c3 = arith.constant 3.0 : f32
  %e = tensor.empty() : tensor<2x8xf32>
  %y1 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>,
                                         affine_map<(d0, d1) -> ()>,
                                         affine_map<(d0, d1) -> (d0, d1)>],
                        iterator_types = ["parallel", "parallel"]}
      ins(%x, %c2 : tensor<2x8xf32>, f32) outs(%e : tensor<2x8xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %s = arith.mulf %a, %c : f32
    linalg.yield %s : f32
  } -> tensor<2x8xf32>
  %y2 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>,
                                         affine_map<(d0, d1) -> ()>,
                                         affine_map<(d0, d1) -> (d0, d1)>],
                        iterator_types = ["parallel", "parallel"]}
      ins(%y1, %c3 : tensor<2x8xf32>, f32) outs(%e : tensor<2x8xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %s = arith.mulf %a, %c : f32
    linalg.yield %s : f32
  } -> tensor<2x8xf32>
  return %y2 : tensor<2x8xf32>
}

// -----

// tensor.collapse_shape is a view: no kernel call, no copy; the kernel reads
// the input buffer with the collapsed shape. The scalar constant input is
// folded into the expression.
// CHECK-LABEL: // function @collapse: 1 kernel calls, 1 unique kernels, 0 weight bytes, 0 arena bytes
// CHECK-NEXT:  kernel 'collapse_k0'
// CHECK-NEXT:    loops d0:6p d1:4p
// CHECK-NEXT:    input 0 'in0' f32[6,4]
// CHECK-NEXT:    output 0 'out0' f32[6,4] dims(d0 d1)
// CHECK-NEXT:      init (mul:f32 (load:f32 #0 d0 d1) (const:f32 3))
func.func @collapse(%x: tensor<2x3x4xf32>) -> tensor<6x4xf32> {
  %c = tensor.collapse_shape %x [[0, 1], [2]]
         : tensor<2x3x4xf32> into tensor<6x4xf32>
  %e = tensor.empty() : tensor<6x4xf32>
  %s = arith.constant 3.0 : f32
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>,
                                        affine_map<(d0, d1) -> ()>,
                                        affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%c, %s : tensor<6x4xf32>, f32) outs(%e : tensor<6x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.mulf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<6x4xf32>
  return %y : tensor<6x4xf32>
}

// -----

// A reshape of a kernel's result before returning it: the kernel writes the
// arena, and the reshaped view is copied to the output.
// CHECK-LABEL: // function @expand: 1 kernel calls, 1 unique kernels, 0 weight bytes, 128 arena bytes
// CHECK-NEXT:  kernel 'expand_k0'
// CHECK-NEXT:    loops d0:24p
// CHECK-NEXT:    input 0 'in0' f32[24]
// CHECK-NEXT:    output 0 'out0' f32[24] dims(d0)
// CHECK-NEXT:      init (neg:f32 (load:f32 #0 d0))
func.func @expand(%x: tensor<24xf32>) -> tensor<2x3x4xf32> {
  %e = tensor.empty() : tensor<24xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>,
                                        affine_map<(d0) -> (d0)>],
                       iterator_types = ["parallel"]}
      ins(%x : tensor<24xf32>) outs(%e : tensor<24xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.negf %a : f32
    linalg.yield %r : f32
  } -> tensor<24xf32>
  %z = tensor.expand_shape %y [[0, 1, 2]] output_shape [2, 3, 4]
         : tensor<24xf32> into tensor<2x3x4xf32>
  return %z : tensor<2x3x4xf32>
}
