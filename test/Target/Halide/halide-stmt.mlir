// RUN: tern-translate %s --tern-to-halide-stmt --split-input-file | FileCheck %s

// Halide's lowered statement of each kernel, for the host target. Vector
// widths depend on the host (4 lanes of f32 with SSE, 8 with AVX2, 16 with
// AVX-512), so they are matched as [[W]]; Halide makes buffer names unique
// per process (a second `out0` prints as `out0$1`), so they are captured.

// A tiny kernel: plain nested loops, innermost extent 2 is narrower than any
// vector, and 6 points are far below the parallel threshold.
// CHECK-LABEL: // kernel small_k0
// CHECK-NEXT:  module name=small_k0, target={{.*}}no_runtime
// CHECK-NOT:   halide_do_par_for
// CHECK:       external_plus_metadata func small_k0 (in0, in1, [[O:out0[$0-9]*]]) {
// CHECK-NOT:   halide_do_par_for
// CHECK-NOT:   ramp(
// CHECK:        produce [[O]] {
// CHECK-NEXT:    for ([[O]].s0.d0, 0, 3) {
// CHECK:          for ([[O]].s0.d1, 0, 2) {
// CHECK:           [[T:t[0-9]+]] = in0[{{.*}}] + in1[{{.*}}]
// CHECK-NEXT:      [[O]][{{.*}}] = select({{.*}}is_nan_f32({{.*}}[[T]]{{.*}}), [[T]], max([[T]], 0.000000f))
// CHECK-NOT:   halide_do_par_for
// CHECK-NOT:   ramp(
func.func @small(%x: tensor<3x2xf32>, %b: tensor<2xf32>) -> tensor<3x2xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<3x2xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>,
                                        affine_map<(d0, d1) -> (d1)>,
                                        affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%x, %b : tensor<3x2xf32>, tensor<2xf32>) outs(%e : tensor<3x2xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %s = arith.addf %a, %c : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  } -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// Innermost extent 64: vectorized (ramp loads and stores, a vector tanh);
// 256 points: still serial.
// CHECK-LABEL: // kernel wide_k0
// CHECK:       external_plus_metadata func wide_k0 (in0, [[O:out0[$0-9]*]]) {
// CHECK-NOT:   halide_do_par_for
// CHECK:        produce [[O]] {
// CHECK-NEXT:    for ([[O]].s0.d0, 0, 4) {
// CHECK:          for ([[O]].s0.d1.d1, 0, {{4|8|16}}) {
// CHECK:           [[O]][ramp({{.*}}, 1, [[W:[0-9]+]]) aligned({{.*}})] = (float32x[[W]])tanh_f32(in0[ramp({{.*}}, 1, [[W]]) aligned({{.*}})])
// CHECK-NOT:   halide_do_par_for
func.func @wide(%x: tensor<4x64xf32>) -> tensor<4x64xf32> {
  %e = tensor.empty() : tensor<4x64xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>,
                                        affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x64xf32>) outs(%e : tensor<4x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = math.tanh %a : f32
    linalg.yield %r : f32
  } -> tensor<4x64xf32>
  return %y : tensor<4x64xf32>
}

// -----

// A 64 x 256 x 128 matmul: 2M points, so the rows run in parallel
// (halide_do_par_for over the 64 rows), the columns are vectorized, and the
// reduction is the innermost serial loop of the update, unrolled by 4
// (128 = 32 x 4), with a vector broadcast (xW) of the input element.
// (W is the host's vector width; on AVX2 hosts Halide puts a `let` between
// the loop and the store, so the store is not checked to follow at once.)
// CHECK-LABEL: // kernel matmul_k0
// CHECK:       external func matmul_k0_par_for_{{.*}}_s1_d0 (
// CHECK:         for ({{.*}}.s1.r$x.ro, 0, 32) {
// CHECK:           {{.*}}[ramp({{.*}}, 1, [[W:[0-9]+]]) aligned({{.*}})] = {{.*}}[ramp({{.*}}, 1, [[W]]) aligned({{.*}})] + (in1[ramp({{.*}}, 1, [[W]]) aligned({{.*}})]*x[[W]](in0[{{.*}}]))
// CHECK:       external_plus_metadata func matmul_k0 (in0, in1, {{out0[$0-9]*}}) {
// CHECK:         halide_do_par_for((void *)::matmul_k0_par_for_{{.*}}_s0_d0, 0, 64,
// CHECK:         halide_do_par_for((void *)::matmul_k0_par_for_{{.*}}_s1_d0, 0, 64,
func.func @matmul(%x: tensor<64x128xf32>, %w: tensor<128x256xf32>)
    -> tensor<64x256xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x256xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<64x256xf32>) -> tensor<64x256xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>,
                                        affine_map<(m, n, k) -> (k, n)>,
                                        affine_map<(m, n, k) -> (m, n)>],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<64x128xf32>, tensor<128x256xf32>)
      outs(%f : tensor<64x256xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// -----

// A 1 x 32768 row: the only dimension with extent > 1 is the innermost, so
// it is split into 16 chunks that run in parallel, each vectorized. negf
// flips the sign bit (exact for zeros, no multiply).
// CHECK-LABEL: // kernel row_k0
// CHECK:       external func row_k0_par_for_{{.*}}_o (
// CHECK:         [[O:out0[$0-9]*]][ramp({{.*}}, 1, [[W:[0-9]+]]) aligned({{.*}})] = (float32x[[W]])reinterpret((uint32x[[W]])bitwise_xor((uint32x[[W]])reinterpret(in0[ramp({{.*}}, 1, [[W]]) aligned({{.*}})]), x[[W]]((uint32)2147483648)))
// CHECK:       external_plus_metadata func row_k0 (in0, [[O]]) {
// CHECK:         halide_do_par_for((void *)::row_k0_par_for_{{.*}}_o, 0, 16,
func.func @row(%x: tensor<1x32768xf32>) -> tensor<1x32768xf32> {
  %e = tensor.empty() : tensor<1x32768xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>,
                                        affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<1x32768xf32>) outs(%e : tensor<1x32768xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.negf %a : f32
    linalg.yield %r : f32
  } -> tensor<1x32768xf32>
  return %y : tensor<1x32768xf32>
}

// -----

// The ternary accumulation tern-lower-ternary produces (packed weights read
// byte-major, B x N): Halide keeps it multiply-free. Each step decodes the 2-bit
// code from the packed byte (a shift, constant once the reduction is
// unrolled by 4, then a mod 4 that Halide prefers to the mask) and adds x,
// subtracts it, or adds 0.
// CHECK-LABEL: // kernel ternary_k0
// CHECK:       for ({{.*}}.s1.r$x.ro, 0, 2) {
// CHECK-NOT:     *in1
// CHECK:         let [[T:.*]] = in1[
// CHECK-NOT:     *[[T]]
// CHECK:         = {{.*}} + select({{.*}} == (int8)1, [[T]], select({{.*}} == (int8)2, 0.000000f - [[T]], 0.000000f))
// CHECK-NOT:     *in1
// CHECK-COUNT-3: = {{.*}} + select({{.*}} == (int8)1, {{.*}}, select({{.*}} == (int8)2, 0.000000f - {{.*}}, 0.000000f))
// CHECK-NEXT:  }
func.func @ternary(%x: tensor<1x8xf32>) -> tensor<1x3xf32> {
  %c2_i8 = arith.constant 2 : i8
  %c1_i8 = arith.constant 1 : i8
  %c3_i8 = arith.constant 3 : i8
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %w = arith.constant dense<[[73, 37, -128], [1, 2, 0]]> : tensor<2x3xi8>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x3xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x3xf32>) -> tensor<1x3xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>,
                                        affine_map<(d0, d1, d2) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x : tensor<1x8xf32>) outs(%f : tensor<1x3xf32>) {
  ^bb0(%in: f32, %out: f32):
    %n = linalg.index 1 : index
    %k = linalg.index 2 : index
    %byte_index = arith.divui %k, %c4 : index
    %slot = arith.remui %k, %c4 : index
    %byte = tensor.extract %w[%byte_index, %n] : tensor<2x3xi8>
    %shift = arith.shli %slot, %c1 : index
    %shift8 = arith.index_cast %shift : index to i8
    %shifted = arith.shrui %byte, %shift8 : i8
    %code = arith.andi %shifted, %c3_i8 : i8
    %is_plus = arith.cmpi eq, %code, %c1_i8 : i8
    %is_minus = arith.cmpi eq, %code, %c2_i8 : i8
    %added = arith.addf %out, %in : f32
    %subtracted = arith.subf %out, %in : f32
    %minus_or_keep = arith.select %is_minus, %subtracted, %out : f32
    %next = arith.select %is_plus, %added, %minus_or_keep : f32
    linalg.yield %next : f32
  } -> tensor<1x3xf32>
  return %y : tensor<1x3xf32>
}
