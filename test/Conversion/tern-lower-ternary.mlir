// RUN: tern-opt %s -tern-lower-ternary | FileCheck %s --enable-var-scope
// RUN: tern-opt %s -tern-lower-ternary | FileCheck %s --check-prefix=NOMUL
// RUN: tern-opt %s -tern-lower-ternary=byte-major=false | FileCheck %s --check-prefix=ROWS
// RUN: tern-opt %s -tern-lower-ternary | FileCheck %s --check-prefix=KERNELS
// RUN: tern-opt %s -tern-lower-ternary | FileCheck %s --check-prefix=NOMULK
// RUN: tern-opt %S/Inputs/lower-errors.mlir -split-input-file -verify-diagnostics -tern-lower-ternary -o /dev/null

// With byte-major=false (GPU schedules, whose warp lanes walk one row) the
// packed weights are read as stored, N x B: no transpose, extract[n, k / 4].
// ROWS-LABEL: func.func @per_row(
// ROWS-SAME:    %[[X:.*]]: tensor<2x8xf32>, %[[W:.*]]: tensor<3x2xi8>, %[[S:.*]]: tensor<3xf32>)
// ROWS-NOT:     linalg.transpose
// ROWS:         linalg.generic
// ROWS:           %[[N:.*]] = linalg.index 1 : index
// ROWS:           %[[K:.*]] = linalg.index 2 : index
// ROWS:           %[[B:.*]] = arith.divui %[[K]], %{{.*}} : index
// ROWS:           tensor.extract %[[W]][%[[N]], %[[B]]] : tensor<3x2xi8>

// tern.ternary_matmul becomes two linalg.generic ops: an add/subtract
// accumulation over (m, n, k) that decodes each 2-bit trit, then one
// multiplication by the scale per output. The packed N x B weights are read
// byte-major (B x N, so that outputs in vector lanes load adjacent bytes):
// a linalg.transpose for weights that are not constant, a transposed
// constant otherwise.

// CHECK-DAG: #[[$MK:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[$MN:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[$ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$ROW:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[$FIRST:.*]] = affine_map<(d0, d1) -> (0)>

// The NOMUL prefix proves the accumulation has no multiply: from the `^bb0`
// of each reduction generic to its `linalg.yield` there is no arith.mulf or
// arith.muli; the only mulf is in the scale generic that follows.

// NOMUL-LABEL: func.func @per_row
// NOMUL:         linalg.generic
// NOMUL-SAME:      iterator_types = ["parallel", "parallel", "reduction"]
// NOMUL-NEXT:    ^bb0(
// NOMUL-NOT:       arith.mulf
// NOMUL-NOT:       arith.muli
// NOMUL:           linalg.yield
// NOMUL-NEXT:    } -> tensor<2x3xf32>
// NOMUL-NEXT:    linalg.generic
// NOMUL-SAME:      iterator_types = ["parallel", "parallel"]
// NOMUL-NEXT:    ^bb0(
// NOMUL-NEXT:      arith.mulf
// NOMUL-NEXT:      linalg.yield

// CHECK-LABEL: func.func @per_row(
// CHECK-SAME:    %[[X:.*]]: tensor<2x8xf32>, %[[W:.*]]: tensor<3x2xi8>, %[[S:.*]]: tensor<3xf32>) -> tensor<2x3xf32>
// CHECK-DAG:     %[[MINUS:.*]] = arith.constant 2 : i8
// CHECK-DAG:     %[[PLUS:.*]] = arith.constant 1 : i8
// CHECK-DAG:     %[[MASK:.*]] = arith.constant 3 : i8
// CHECK-DAG:     %[[ONE:.*]] = arith.constant 1 : index
// CHECK-DAG:     %[[FOUR:.*]] = arith.constant 4 : index
// CHECK-DAG:     %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK:         %[[T_EMPTY:.*]] = tensor.empty() : tensor<2x3xi8>
// CHECK-NEXT:    %[[T:.*]] = linalg.transpose ins(%[[W]] : tensor<3x2xi8>) outs(%[[T_EMPTY]] : tensor<2x3xi8>) permutation = [1, 0]
// CHECK:         %[[EMPTY:.*]] = tensor.empty() : tensor<2x3xf32>
// CHECK:         %[[INIT:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[EMPTY]] : tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK:         %[[ACC:.*]] = linalg.generic {indexing_maps = [#[[$MK]], #[[$MN]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[X]] : tensor<2x8xf32>) outs(%[[INIT]] : tensor<2x3xf32>) attrs =  {tern.schedule = #tern.schedule<unroll = 4>, tern.weights = {elements = 24 : i64, format = "ternary i2, add_sub", nonzeros = 24 : i64}} {
// CHECK-NEXT:    ^bb0(%[[IN:.*]]: f32, %[[OUT:.*]]: f32):
// CHECK-NEXT:      %[[N:.*]] = linalg.index 1 : index
// CHECK-NEXT:      %[[K:.*]] = linalg.index 2 : index
// CHECK-NEXT:      %[[BYTE_IDX:.*]] = arith.divui %[[K]], %[[FOUR]] : index
// CHECK-NEXT:      %[[SLOT:.*]] = arith.remui %[[K]], %[[FOUR]] : index
// CHECK-NEXT:      %[[BYTE:.*]] = tensor.extract %[[T]][%[[BYTE_IDX]], %[[N]]] : tensor<2x3xi8>
// CHECK-NEXT:      %[[SHIFT:.*]] = arith.shli %[[SLOT]], %[[ONE]] : index
// CHECK-NEXT:      %[[SHIFT8:.*]] = arith.index_cast %[[SHIFT]] : index to i8
// CHECK-NEXT:      %[[SHIFTED:.*]] = arith.shrui %[[BYTE]], %[[SHIFT8]] : i8
// CHECK-NEXT:      %[[CODE:.*]] = arith.andi %[[SHIFTED]], %[[MASK]] : i8
// CHECK-NEXT:      %[[IS_PLUS:.*]] = arith.cmpi eq, %[[CODE]], %[[PLUS]] : i8
// CHECK-NEXT:      %[[IS_MINUS:.*]] = arith.cmpi eq, %[[CODE]], %[[MINUS]] : i8
// CHECK-NEXT:      %[[ADDED:.*]] = arith.addf %[[OUT]], %[[IN]] : f32
// CHECK-NEXT:      %[[SUBTRACTED:.*]] = arith.subf %[[OUT]], %[[IN]] : f32
// CHECK-NEXT:      %[[MINUS_OR_KEEP:.*]] = arith.select %[[IS_MINUS]], %[[SUBTRACTED]], %[[OUT]] : f32
// CHECK-NEXT:      %[[NEXT:.*]] = arith.select %[[IS_PLUS]], %[[ADDED]], %[[MINUS_OR_KEEP]] : f32
// CHECK-NEXT:      linalg.yield %[[NEXT]] : f32
// CHECK-NEXT:    } -> tensor<2x3xf32>
// CHECK-NEXT:    %[[Y:.*]] = linalg.generic {indexing_maps = [#[[$ID]], #[[$ROW]], #[[$ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[ACC]], %[[S]] : tensor<2x3xf32>, tensor<3xf32>) outs(%[[EMPTY]] : tensor<2x3xf32>) {
// CHECK-NEXT:    ^bb0(%[[A:.*]]: f32, %[[SCALE:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT:      %[[PROD:.*]] = arith.mulf %[[A]], %[[SCALE]] : f32
// CHECK-NEXT:      linalg.yield %[[PROD]] : f32
// CHECK-NEXT:    } -> tensor<2x3xf32>
// CHECK-NEXT:    return %[[Y]] : tensor<2x3xf32>
// CHECK-NOT:     tern.ternary_matmul
func.func @per_row(%x: tensor<2x8xf32>, %w: tensor<3x2xi8>, %s: tensor<3xf32>)
    -> tensor<2x3xf32> {
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_row, packing = i2>}
         : (tensor<2x8xf32>, tensor<3x2xi8>, tensor<3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// Per tensor: the same accumulation; the scale is read at index 0 for every
// output.

// NOMUL-LABEL: func.func @per_tensor
// NOMUL:         linalg.generic
// NOMUL-SAME:      iterator_types = ["parallel", "parallel", "reduction"]
// NOMUL-NEXT:    ^bb0(
// NOMUL-NOT:       arith.mulf
// NOMUL-NOT:       arith.muli
// NOMUL:           linalg.yield
// NOMUL-NEXT:    } -> tensor<4x5xf32>
// NOMUL-NEXT:    linalg.generic
// NOMUL-SAME:      iterator_types = ["parallel", "parallel"]
// NOMUL-NEXT:    ^bb0(
// NOMUL-NEXT:      arith.mulf
// NOMUL-NEXT:      linalg.yield

// CHECK-LABEL: func.func @per_tensor(
// CHECK-SAME:    %[[X:.*]]: tensor<4x10xf32>, %[[W:.*]]: tensor<5x3xi8>, %[[S:.*]]: tensor<1xf32>) -> tensor<4x5xf32>
// CHECK:         %[[T:.*]] = linalg.transpose ins(%[[W]] : tensor<5x3xi8>) outs(%{{.*}} : tensor<3x5xi8>) permutation = [1, 0]
// CHECK:         %[[EMPTY:.*]] = tensor.empty() : tensor<4x5xf32>
// CHECK:         %[[INIT:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[EMPTY]] : tensor<4x5xf32>)
// CHECK:         %[[ACC:.*]] = linalg.generic {indexing_maps = [#[[$MK]], #[[$MN]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[X]] : tensor<4x10xf32>) outs(%[[INIT]] : tensor<4x5xf32>) attrs =  {tern.schedule = #tern.schedule<unroll = 4>, tern.weights = {elements = 50 : i64, format = "ternary i2, add_sub", nonzeros = 50 : i64}} {
// CHECK:           tensor.extract %[[T]][%{{.*}}, %{{.*}}] : tensor<3x5xi8>
// CHECK:           arith.shrui
// CHECK:           arith.andi
// CHECK:           arith.select
// CHECK:           arith.select
// CHECK:         } -> tensor<4x5xf32>
// CHECK-NEXT:    %[[Y:.*]] = linalg.generic {indexing_maps = [#[[$ID]], #[[$FIRST]], #[[$ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[ACC]], %[[S]] : tensor<4x5xf32>, tensor<1xf32>) outs(%[[EMPTY]] : tensor<4x5xf32>) {
// CHECK:           arith.mulf
// CHECK:         return %[[Y]] : tensor<4x5xf32>
func.func @per_tensor(%x: tensor<4x10xf32>, %w: tensor<5x3xi8>,
                      %s: tensor<1xf32>) -> tensor<4x5xf32> {
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_tensor, packing = i2>}
         : (tensor<4x10xf32>, tensor<5x3xi8>, tensor<1xf32>) -> tensor<4x5xf32>
  return %y : tensor<4x5xf32>
}

// Dynamic M: the result's first extent comes from tensor.dim of the input;
// f16 throughout (the accumulation adds in the input's type).

// NOMUL-LABEL: func.func @dynamic_m
// NOMUL:         linalg.generic
// NOMUL-SAME:      iterator_types = ["parallel", "parallel", "reduction"]
// NOMUL-NEXT:    ^bb0(
// NOMUL-NOT:       arith.mulf
// NOMUL-NOT:       arith.muli
// NOMUL:           linalg.yield
// NOMUL-NEXT:    } -> tensor<?x3xf32>

// f16 accumulates in f32 (the unscaled sum is 1/scale times the output and
// would overflow f16), and the scaled result is truncated back to f16.
// CHECK-LABEL: func.func @dynamic_m(
// CHECK-SAME:    %[[X:.*]]: tensor<?x8xf16>, %[[W:.*]]: tensor<3x2xi8>, %[[S:.*]]: tensor<3xf16>) -> tensor<?x3xf16>
// CHECK-DAG:     %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG:     %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK:         %[[T:.*]] = linalg.transpose ins(%[[W]] : tensor<3x2xi8>)
// CHECK:         %[[DIM:.*]] = tensor.dim %[[X]], %[[C0]] : tensor<?x8xf16>
// CHECK:         %[[EMPTY:.*]] = tensor.empty(%[[DIM]]) : tensor<?x3xf16>
// CHECK:         %[[ACCEMPTY:.*]] = tensor.empty(%[[DIM]]) : tensor<?x3xf32>
// CHECK:         %[[INIT:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[ACCEMPTY]] : tensor<?x3xf32>) -> tensor<?x3xf32>
// CHECK:         %[[ACC:.*]] = linalg.generic {indexing_maps = [#[[$MK]], #[[$MN]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[X]] : tensor<?x8xf16>) outs(%[[INIT]] : tensor<?x3xf32>) attrs =  {tern.schedule = #tern.schedule<unroll = 4>, tern.weights = {elements = 24 : i64, format = "ternary i2, add_sub", nonzeros = 24 : i64}} {
// CHECK-NEXT:    ^bb0(%[[IN:.*]]: f16, %[[OUT:.*]]: f32):
// CHECK-NEXT:      %[[INW:.*]] = arith.extf %[[IN]] : f16 to f32
// CHECK:           tensor.extract %[[T]]
// CHECK:           arith.addf %[[OUT]], %[[INW]] : f32
// CHECK:           arith.subf %[[OUT]], %[[INW]] : f32
// CHECK:         } -> tensor<?x3xf32>
// CHECK-NEXT:    %[[Y:.*]] = linalg.generic {indexing_maps = [#[[$ID]], #[[$ROW]], #[[$ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[ACC]], %[[S]] : tensor<?x3xf32>, tensor<3xf16>) outs(%[[EMPTY]] : tensor<?x3xf16>) {
// CHECK:           %[[SW:.*]] = arith.extf %{{.*}} : f16 to f32
// CHECK:           %[[P:.*]] = arith.mulf %{{.*}}, %[[SW]] : f32
// CHECK:           arith.truncf %[[P]] : f32 to f16
// CHECK:         return %[[Y]] : tensor<?x3xf16>
func.func @dynamic_m(%x: tensor<?x8xf16>, %w: tensor<3x2xi8>,
                     %s: tensor<3xf16>) -> tensor<?x3xf16> {
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_row, packing = i2>}
         : (tensor<?x8xf16>, tensor<3x2xi8>, tensor<3xf16>) -> tensor<?x3xf16>
  return %y : tensor<?x3xf16>
}

// Constant packed weights, as tern-raise leaves them, are transposed at
// compile time (no linalg.transpose) and read in place by tensor.extract:
// the lowering does not unpack them. K = 8: two bytes per row.
//   N x B = [[73, 1], [37, 2], [-128, 0]]  ->  B x N = [[73, 37, -128], [1, 2, 0]]

// CHECK-LABEL: func.func @constant_weights(
// CHECK-NOT:     linalg.transpose
// CHECK-NOT:     tensor<3x2xi8>
// CHECK-DAG:     %[[W:.*]] = arith.constant dense<{{\[\[}}73, 37, -128], [1, 2, 0]]> : tensor<2x3xi8>
// CHECK-DAG:     %[[S:.*]] = arith.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00]> : tensor<3xf32>
// CHECK-NOT:     linalg.transpose
// CHECK-NOT:     tensor<3x2xi8>
// CHECK:         linalg.generic
// CHECK:           %[[N:.*]] = linalg.index 1 : index
// CHECK:           %[[K:.*]] = linalg.index 2 : index
// CHECK:           %[[B:.*]] = arith.divui %[[K]], %{{.*}} : index
// CHECK:           tensor.extract %[[W]][%[[B]], %[[N]]] : tensor<2x3xi8>
// CHECK:         linalg.generic
// CHECK-SAME:      ins(%{{.*}}, %[[S]] : tensor<1x3xf32>, tensor<3xf32>)
// CHECK-NOT:     tern.ternary_matmul
// CHECK-NOT:     tensor<3x2xi8>
func.func @constant_weights(%x: tensor<1x8xf32>) -> tensor<1x3xf32> {
  %w = arith.constant dense<[[73, 1], [37, 2], [-128, 0]]> : tensor<3x2xi8>
  %s = arith.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_row, packing = i2>}
         : (tensor<1x8xf32>, tensor<3x2xi8>, tensor<3xf32>) -> tensor<1x3xf32>
  return %y : tensor<1x3xf32>
}

// The other kernels and packings (#tern.kernel, chosen by
// tern-select-ternary-kernel).

// Bit planes, K = 10: P = 2 bytes a plane. Trit k is bit k % 8 of byte
// k / 8 of the +1 plane and of byte 2 + k / 8 of the -1 plane (both read
// byte-major, B x N); the reduction is unrolled by 8 so that the byte
// indices and shifts become constants.
// KERNELS-LABEL: func.func @bitplane(
// KERNELS-DAG:     %[[EIGHT:.*]] = arith.constant 8 : index
// KERNELS-DAG:     %[[TWO:.*]] = arith.constant 2 : index
// KERNELS-DAG:     %[[WT:.*]] = arith.constant dense<{{\[\[}}1, 0, 4], [0, 0, 1], [2, 0, 8], [0, 0, 2]]> : tensor<4x3xi8>
// KERNELS:         linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]{{.*}}attrs =  {tern.schedule = #tern.schedule<unroll = 8>, tern.weights = {elements = 30 : i64, format = "ternary bitplane, add_sub", nonzeros = 6 : i64}}
// KERNELS:           %[[N:.*]] = linalg.index 1 : index
// KERNELS:           %[[K:.*]] = linalg.index 2 : index
// KERNELS:           %[[B:.*]] = arith.divui %[[K]], %[[EIGHT]] : index
// KERNELS:           %[[BIT:.*]] = arith.remui %[[K]], %[[EIGHT]] : index
// KERNELS:           %[[MB:.*]] = arith.addi %[[B]], %[[TWO]] : index
// KERNELS:           tensor.extract %[[WT]][%[[B]], %[[N]]] : tensor<4x3xi8>
// KERNELS:           tensor.extract %[[WT]][%[[MB]], %[[N]]] : tensor<4x3xi8>
// KERNELS:           arith.addf
// KERNELS:           arith.subf
// NOMULK-LABEL: func.func @bitplane(
// NOMULK:         linalg.generic {{.*}}"reduction"]
// NOMULK-NEXT:    ^bb0(
// NOMULK-NOT:       arith.mul
// NOMULK:           linalg.yield
func.func @bitplane(%x: tensor<2x10xf32>, %s: tensor<3xf32>) -> tensor<2x3xf32> {
  // Row 0: +1 at trit 0, -1 at trit 1; row 2: +1 at 2 and 8, -1 at 3 and 9.
  %w = arith.constant dense<[[1, 0, 2, 0], [0, 0, 0, 0], [4, 1, 8, 2]]> : tensor<3x4xi8>
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_row, packing = bitplane>,
          kernel = #tern.kernel<add_sub>}
         : (tensor<2x10xf32>, tensor<3x4xi8>, tensor<3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// Base 3, K = 7: byte k / 5, digit (byte / 3^(k % 5)) % 3 with 3^j from a
// select chain (constants once the reduction is unrolled by 5). The byte is
// read unsigned (bytes go up to 242).
// KERNELS-LABEL: func.func @base3(
// KERNELS-DAG:     %[[FIVE:.*]] = arith.constant 5 : index
// KERNELS-DAG:     %[[THREE:.*]] = arith.constant 3 : i32
// KERNELS:         linalg.generic {{.*}}attrs =  {tern.schedule = #tern.schedule<unroll = 5>, tern.weights = {elements = 14 : i64, format = "ternary base3, add_sub", nonzeros = 5 : i64}}
// KERNELS:           %[[K:.*]] = linalg.index 2 : index
// KERNELS:           %[[B:.*]] = arith.divui %[[K]], %[[FIVE]] : index
// KERNELS:           %[[BYTE:.*]] = tensor.extract %{{.*}}[%[[B]], %{{.*}}] : tensor<2x2xi8>
// KERNELS:           %[[U:.*]] = arith.extui %[[BYTE]] : i8 to i32
// KERNELS-COUNT-4:   arith.select %{{.*}}, %{{.*}}, %{{.*}} : i32
// KERNELS-NEXT:      %[[Q:.*]] = arith.divui %[[U]], %{{.*}} : i32
// KERNELS-NEXT:      arith.remui %[[Q]], %[[THREE]] : i32
// NOMULK-LABEL: func.func @base3(
// NOMULK:         linalg.generic {{.*}}"reduction"]
// NOMULK-NEXT:    ^bb0(
// NOMULK-NOT:       arith.mul
// NOMULK:           linalg.yield
func.func @base3(%x: tensor<1x7xf32>, %s: tensor<1xf32>) -> tensor<1x2xf32> {
  // Row 0: 88 = 1 + 2*3 + 1*81 (trits +1, -1, 0, 0, +1), 2 (trit 5 = -1).
  %w = arith.constant dense<[[88, 2], [0, 1]]> : tensor<2x2xi8>
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_tensor, packing = base3>,
          kernel = #tern.kernel<add_sub>}
         : (tensor<1x7xf32>, tensor<2x2xi8>, tensor<1xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// Lookup tables, K = 6: 2 groups of 4 activations (the last one clamped to
// column 5: its padding digits are 0), 256 entries each, built from the
// entry's 2-bit digits with selects and adds; then a reduction over the
// groups with the packed bytes (B x N) as an input, reading T[m, g, byte].
// KERNELS-LABEL: func.func @lut(
// KERNELS-DAG:     %[[LAST:.*]] = arith.constant 5 : index
// KERNELS:         %[[TE:.*]] = tensor.empty() : tensor<1x2x256xf32>
// KERNELS:         %[[T:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel"]} outs(%[[TE]] : tensor<1x2x256xf32>)
// KERNELS:           arith.minui %{{.*}}, %[[LAST]] : index
// KERNELS:         } -> tensor<1x2x256xf32>
// KERNELS:         linalg.generic {{.*}}"reduction"]} ins(%[[WT:.*]] : tensor<2x2xi8>)
// KERNELS:           %[[E:.*]] = arith.index_cast %{{.*}} : i32 to index
// KERNELS:           tensor.extract %[[T]][%{{.*}}, %{{.*}}, %[[E]]] : tensor<1x2x256xf32>
// NOMULK-LABEL: func.func @lut(
// NOMULK:         linalg.generic {{.*}}"parallel", "parallel", "parallel"]
// NOMULK-NEXT:    ^bb0(
// NOMULK-NOT:       arith.mul
// NOMULK:           linalg.yield
// NOMULK:         linalg.generic {{.*}}"reduction"]
// NOMULK-NEXT:    ^bb0(
// NOMULK-NOT:       arith.mul
// NOMULK:           linalg.yield
func.func @lut(%x: tensor<1x6xf32>, %s: tensor<2xf32>) -> tensor<1x2xf32> {
  %w = arith.constant dense<[[9, 1], [0, 2]]> : tensor<2x2xi8>
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_row, packing = i2>,
          kernel = #tern.kernel<lut>}
         : (tensor<1x6xf32>, tensor<2x2xi8>, tensor<2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// int8 on constant weights: amax per row; q = round-half-away(x * 127 /
// amax) clamped, cast to i8 and laid out in blocks [m, k / 16, s, b] (0 past
// K); the trits repacked at compile time into the dot layout (codes t + 1,
// [N / 64][K / 16][64][4]: output 0's trits +1, -1, 0, 0 are the bytes
// 0x56 0x54 0x55 0x55, output 2's -1 is 0x54, padding 0x55); an i32 sum of
// code * q over (m, nt, nl, kb, s, b) marked for the dot-product schedule;
// then float(acc[m, n / 64, n % 64] - sum_k q) * scale * (amax / 127).
// KERNELS-LABEL: func.func @int8(
// KERNELS:         %[[CODES:.*]] = arith.constant dense<"0x565455555555555554555555{{5*}}"> : tensor<1x1x64x4xi8>
// KERNELS:         %[[AMAX:.*]] = linalg.generic {{.*}}["parallel", "reduction"]} ins(%{{.*}} : tensor<2x4xf32>) outs(%{{.*}} : tensor<2xf32>)
// KERNELS:           math.absf
// KERNELS:           arith.maxnumf
// KERNELS:         %[[Q:.*]] = linalg.generic {{.*}} ins(%[[AMAX]] : tensor<2xf32>) outs(%{{.*}} : tensor<2x1x4x4xi8>)
// KERNELS:           arith.cmpi ult
// KERNELS:           tensor.extract %{{.*}} : tensor<2x4xf32>
// KERNELS:           math.floor
// KERNELS:           math.ceil
// KERNELS:           arith.fptosi %{{.*}} : f32 to i8
// KERNELS:         %[[QSUM:.*]] = linalg.generic {{.*}}["parallel", "reduction", "reduction", "reduction"]} ins(%[[Q]] : tensor<2x1x4x4xi8>) outs(%{{.*}} : tensor<2xi32>)
// KERNELS:         %[[ACC:.*]] = linalg.generic {{.*}}["parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%[[Q]], %[[CODES]] : tensor<2x1x4x4xi8>, tensor<1x1x64x4xi8>) outs(%{{.*}} : tensor<2x1x64xi32>) attrs =  {tern.schedule = #tern.schedule<vector_width = 16, dot_product = 4>, tern.weights = {elements = 12 : i64, format = "ternary i2, int8_dot", nonzeros = 3 : i64}}
// KERNELS:           arith.shrui
// KERNELS:           arith.andi
// KERNELS:           %[[QV:.*]] = arith.extsi %{{.*}} : i8 to i32
// KERNELS:           %[[CODE:.*]] = arith.extui %{{.*}} : i8 to i32
// KERNELS:           arith.muli %[[CODE]], %[[QV]] : i32
// KERNELS:           arith.addi
// KERNELS:         %[[F:.*]] = linalg.generic {{.*}} ins(%[[QSUM]] : tensor<2xi32>) outs(%{{.*}} : tensor<2x3xf32>)
// KERNELS:           arith.divui
// KERNELS:           arith.remui
// KERNELS:           tensor.extract %[[ACC]]
// KERNELS:           arith.subi
// KERNELS:           arith.sitofp
// KERNELS:         linalg.generic {{.*}} ins(%[[F]], %{{.*}}, %[[AMAX]] : tensor<2x3xf32>, tensor<1xf32>, tensor<2xf32>)
// KERNELS:           arith.mulf
// KERNELS:           arith.divf
// KERNELS:           arith.mulf
func.func @int8(%x: tensor<2x4xf32>, %s: tensor<1xf32>) -> tensor<2x3xf32> {
  %w = arith.constant dense<[[9], [0], [2]]> : tensor<3x1xi8>
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_tensor, packing = i2>,
          kernel = #tern.kernel<int8_dot>}
         : (tensor<2x4xf32>, tensor<3x1xi8>, tensor<1xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// int8 for a layer whose model quantizes its activations (BitLinear,
// tern.activation_quant_eps): amax starts at eps (max(amax, eps)), x * (127
// / amax) rounds half to even (floor, plus one above one half or at one
// half from an odd floor), clamps to [-128, 127], and the output is divided
// by the model's 127 / amax instead of multiplied by amax / 127.
// KERNELS-LABEL: func.func @int8_bitlinear(
// KERNELS:         %[[EPS:.*]] = arith.constant 9.99999974E-6 : f32
// KERNELS:         %[[INIT:.*]] = linalg.fill ins(%[[EPS]] : f32) outs(%{{.*}} : tensor<2xf32>)
// KERNELS:         %[[AMAX:.*]] = linalg.generic {{.*}} outs(%[[INIT]] : tensor<2xf32>)
// KERNELS:           arith.maxnumf
// KERNELS:         linalg.generic {{.*}} ins(%[[AMAX]] : tensor<2xf32>) outs(%{{.*}} : tensor<2x1x4x4xi8>)
// KERNELS:           math.floor
// KERNELS:           arith.cmpf oeq
// KERNELS:           arith.cmpf oeq
// KERNELS:           arith.cmpf ogt
// KERNELS:           arith.minnumf %{{.*}}, %{{.*}}
// KERNELS:           arith.maxnumf
// KERNELS:           arith.fptosi
// KERNELS:         linalg.generic {{.*}} ins(%{{.*}}, %{{.*}}, %[[AMAX]] : tensor<2x3xf32>, tensor<1xf32>, tensor<2xf32>)
// KERNELS:           %[[P:.*]] = arith.mulf
// KERNELS:           %[[S:.*]] = arith.divf %{{.*}}, %{{.*}} : f32
// KERNELS:           arith.divf %[[P]], %[[S]] : f32
func.func @int8_bitlinear(%x: tensor<2x4xf32>, %s: tensor<1xf32>) -> tensor<2x3xf32> {
  %w = arith.constant dense<[[9], [0], [2]]> : tensor<3x1xi8>
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_tensor, packing = i2>,
          kernel = #tern.kernel<int8_dot>, tern.activation_quant_eps = 1.0e-5 : f32}
         : (tensor<2x4xf32>, tensor<3x1xi8>, tensor<1xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// int8 with weights computed at run time (nothing to repack at compile
// time): q as a 2-D tensor and an i32 add/subtract reduction over the i2
// trits, with no multiply.
// KERNELS-LABEL: func.func @int8_runtime_weights(
// KERNELS:         %[[AMAX:.*]] = linalg.generic {{.*}}["parallel", "reduction"]} ins(%{{.*}} : tensor<2x4xf32>) outs(%{{.*}} : tensor<2xf32>)
// KERNELS:         %[[Q:.*]] = linalg.generic {{.*}} ins(%{{.*}}, %[[AMAX]] : tensor<2x4xf32>, tensor<2xf32>) outs(%{{.*}} : tensor<2x4xi8>)
// KERNELS:           arith.fptosi %{{.*}} : f32 to i8
// KERNELS:         %[[ACC:.*]] = linalg.generic {{.*}}"reduction"]} ins(%[[Q]] : tensor<2x4xi8>) outs(%{{.*}} : tensor<2x3xi32>) attrs =  {tern.schedule = #tern.schedule<unroll = 4>, tern.weights = {elements = 12 : i64, format = "ternary i2, int8_dot", nonzeros = 12 : i64}}
// KERNELS:           arith.extsi %{{.*}} : i8 to i32
// KERNELS:           arith.addi
// KERNELS:           arith.subi
// KERNELS:         %[[F:.*]] = linalg.generic {{.*}} ins(%[[ACC]] : tensor<2x3xi32>)
// KERNELS:           arith.sitofp
// KERNELS:         linalg.generic {{.*}} ins(%[[F]], %{{.*}}, %[[AMAX]] : tensor<2x3xf32>, tensor<1xf32>, tensor<2xf32>)
// NOMULK-LABEL: func.func @int8_runtime_weights(
// NOMULK:         linalg.generic {{.*}}"reduction"]} ins(%{{.*}} : tensor<2x4xi8>)
// NOMULK-NEXT:    ^bb0(
// NOMULK-NOT:       arith.mul
// NOMULK:           linalg.yield
func.func @int8_runtime_weights(%x: tensor<2x4xf32>, %w: tensor<3x1xi8>,
                                %s: tensor<1xf32>) -> tensor<2x3xf32> {
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_tensor, packing = i2>,
          kernel = #tern.kernel<int8_dot>}
         : (tensor<2x4xf32>, tensor<3x1xi8>, tensor<1xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// Errors (the last RUN line, on Inputs/lower-errors.mlir): a lut kernel
// whose tables would pass 256 MiB, and lut or int8 with a dynamic M, are
// refused with a hint.
