// RUN: tern-opt %s -tern-classify-weights=report=true -split-input-file 2>/dev/null | FileCheck %s
// RUN: tern-opt %s -tern-classify-weights=report=true -split-input-file -o /dev/null 2>&1 | FileCheck %s --check-prefix=REPORT
// RUN: tern-opt %s -tern-classify-weights=format=bsr -split-input-file 2>/dev/null | FileCheck %s --check-prefix=BSR
// RUN: tern-opt %s "-tern-classify-weights=format=nm report=true" -split-input-file -o /dev/null 2>&1 | FileCheck %s --check-prefix=FORCENM
// RUN: tern-opt %s "-tern-classify-weights=format=dense report=true" -split-input-file 2>&1 | FileCheck %s --check-prefix=OFF
// RUN: not tern-opt %s -tern-classify-weights=format=coo 2>&1 | FileCheck %s --check-prefix=BAD

// 2:4 weights (N x K = 2 x 8, transposed-B maps): every group of 4 inputs
// holds at most 2 nonzeros, so the cost model takes N:M (0.16x the dense
// kernel's time: half the entries, each a third of a dense weight's).
// CHECK: #[[NM:.+]] = #sparse_tensor.encoding<{ map = (d0, d1) -> (d0 : dense, d1 : structured[2, 4]) }>
// CHECK-LABEL: func.func @two_four(
// CHECK:         %[[W:.*]] = arith.constant dense<{{\[\[}}0.000000e+00, 1.000000e+00, 0.000000e+00, 2.000000e+00, 3.000000e+00, 0.000000e+00, 0.000000e+00, 4.000000e+00], [5.000000e+00, 6.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 7.000000e+00, 0.000000e+00]]> : tensor<2x8xf32, #[[NM]]>
// CHECK:         tern.sparse_matmul %{{.*}}, %[[W]]
// CHECK-NOT:     linalg.matmul
// REPORT: layer '{{.*}}' (2 x 8): density 43.8%, pattern 2:4, format 2:4, 64 -> 40 bytes: density 43.8%: estimated 0.43x the dense time at batch 1
// BSR: #[[BSR:.+]] = #sparse_tensor.encoding<{ map = (d0, d1) -> (d0 floordiv 4 : dense, d1 floordiv 4 : compressed, d0 mod 4 : dense, d1 mod 4 : dense) }>
// BSR: tensor<2x8xf32, #[[BSR]]>
// FORCENM: layer '{{.*}}' (2 x 8): density 43.8%, pattern 2:4, format 2:4, 64 -> 40 bytes: forced
func.func @two_four(%x: tensor<1x8xf32>) -> tensor<1x2xf32> {
  %w = arith.constant dense<[[0.0, 1.0, 0.0, 2.0, 3.0, 0.0, 0.0, 4.0],
                             [5.0, 6.0, 0.0, 0.0, 0.0, 0.0, 7.0, 0.0]]> : tensor<2x8xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
       ins(%x, %w : tensor<1x8xf32>, tensor<2x8xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// Unstructured zeros in the default layout (K x N = 8 x 3): the N x K view
// has rows [1 0 0 0 0 0 0 2], [0 0 3 0 0 0 0 0], [0 4 5 6 7 8 0 0]; the
// last holds 3 nonzeros in a group of 4 and 5 in the group of 8, so no
// N:M pattern: ELL with row length 5 (5 entries of 4 + 2 bytes per output).
// CHECK-LABEL: func.func @unstructured(
// CHECK:         arith.constant dense<{{\[\[}}1.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 2.000000e+00], [0.000000e+00, 0.000000e+00, 3.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00], [0.000000e+00, 4.000000e+00, 5.000000e+00, 6.000000e+00, 7.000000e+00, 8.000000e+00, 0.000000e+00, 0.000000e+00]]> : tensor<3x8xf32, #tern.ell<row_length = 5>>
// CHECK:         tern.sparse_matmul {{.*}} : (tensor<2x8xf32>, tensor<3x8xf32, #tern.ell<row_length = 5>>) -> tensor<2x3xf32>
// REPORT: layer '{{.*}}' (3 x 8): density 33.3%, pattern unstructured, format ELL (row length 5), 96 -> 90 bytes: density 33.3%: estimated 0.53x the dense time at batch 2
// FORCENM: layer '{{.*}}' kept dense: density 33.3%, pattern unstructured: forced format nm cannot hold this layer (no N:M pattern): kept dense
func.func @unstructured(%x: tensor<2x8xf32>) -> tensor<2x3xf32> {
  %w = arith.constant dense<[[1.0, 0.0, 0.0], [0.0, 0.0, 4.0], [0.0, 3.0, 5.0], [0.0, 0.0, 6.0],
                             [0.0, 0.0, 7.0], [0.0, 0.0, 8.0], [0.0, 0.0, 0.0], [2.0, 0.0, 0.0]]> : tensor<8x3xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x3xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %y = linalg.matmul ins(%x, %w : tensor<2x8xf32>, tensor<8x3xf32>) outs(%f : tensor<2x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// No zeros: dense. A nonzero init: dense (tern.sparse_matmul has none).
// CHECK-LABEL: func.func @kept(
// CHECK-COUNT-2: linalg.matmul
// CHECK-NOT:     tern.sparse_matmul
// REPORT: kept dense: density 100.0%, pattern dense: no zeros
// REPORT: kept dense: it accumulates into an init that is not a zero linalg.fill
// OFF: kept dense: density 100.0%, pattern dense: format=dense
// OFF: kept dense: it accumulates into an init that is not a zero linalg.fill
// OFF-NOT: tern.sparse_matmul
func.func @kept(%x: tensor<1x2xf32>, %acc: tensor<1x2xf32>) -> (tensor<1x2xf32>, tensor<1x2xf32>) {
  %w = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %s = arith.constant dense<[[1.0, 0.0], [0.0, 4.0]]> : tensor<2x2xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  %y = linalg.matmul ins(%x, %w : tensor<1x2xf32>, tensor<2x2xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
  %y2 = linalg.matmul ins(%x, %s : tensor<1x2xf32>, tensor<2x2xf32>) outs(%acc : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y, %y2 : tensor<1x2xf32>, tensor<1x2xf32>
}

// -----

// Pruned-ternary layers (tern.ternary_matmul, i2 codes 1 = +1, 2 = -1):
// with 2 nonzero trits of 128 the index lists (one 2-byte position a row,
// plus the scales) beat the 2-bit kernel, and the layer becomes an ELL
// tern.sparse_matmul of its float values (tern-lower-sparse finds the one
// magnitude per row). A layer with no zero trit stays ternary. One nonzero
// trit in every 4 (1:4, 25%): index lists would store more than the 2-bit
// codes, ternary N:M (one byte a slot) as much, in a quarter of the slots:
// an N:M tern.sparse_matmul (lowered to ternary N:M).
// CHECK:       #[[NM14:.*]] = #sparse_tensor.encoding<{{.*}}structured[1, 4]
// CHECK-LABEL: func.func @pruned_ternary(
// CHECK:         %[[W:.*]] = arith.constant dense<{{.*}}> : tensor<2x64xf32, #tern.ell<row_length = 1>>
// CHECK:         tern.sparse_matmul %{{.*}}, %[[W]]
// CHECK:         tern.ternary_matmul
// CHECK:         %[[Q:.*]] = arith.constant dense<{{.*}}> : tensor<2x64xf32, #[[NM14]]>
// CHECK:         tern.sparse_matmul %{{.*}}, %[[Q]]
// REPORT: ternary layer '{{.*}}' (2 x 64): density 1.6%, pattern 1:4, format index lists (row length 1), 40 -> 12 bytes: density 1.6%: estimated {{.*}}x the time of the 2-bit kernel at batch 1 (ternary N:M (40 bytes, estimated {{.*}}x the time))
// REPORT: ternary layer '{{.*}}' kept on the 2-bit kernel: density 100.0%, pattern dense: no form is both no larger and 10% faster than the 2-bit kernel: index lists ({{[0-9]+}} bytes, estimated {{.*}}x the time)
// REPORT: ternary layer '{{.*}}' (2 x 64): density 25.0%, pattern 1:4, format ternary 1:4, 40 -> 40 bytes: density 25.0%: estimated {{.*}}x the time of the 2-bit kernel at batch 1 (index lists (72 bytes, estimated {{.*}}x the time))
// OFF: ternary layer '{{.*}}' kept on the 2-bit kernel: density 1.6%, pattern 1:4: format=dense
func.func @pruned_ternary(%x: tensor<1x64xf32>) -> (tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>) {
  %w = arith.constant dense<[[1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
                             [0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]]> : tensor<2x16xi8>
  %full = arith.constant dense<85> : tensor<2x16xi8>
  %quarter = arith.constant dense<[[1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2],
                                   [2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]]> : tensor<2x16xi8>
  %s = arith.constant dense<[5.000000e-01, 2.500000e-01]> : tensor<2xf32>
  %y = tern.ternary_matmul %x, %w, %s {encoding = #tern.ternary<scale = per_row, packing = i2>} : (tensor<1x64xf32>, tensor<2x16xi8>, tensor<2xf32>) -> tensor<1x2xf32>
  %y2 = tern.ternary_matmul %x, %full, %s {encoding = #tern.ternary<scale = per_row, packing = i2>} : (tensor<1x64xf32>, tensor<2x16xi8>, tensor<2xf32>) -> tensor<1x2xf32>
  %y3 = tern.ternary_matmul %x, %quarter, %s {encoding = #tern.ternary<scale = per_row, packing = i2>} : (tensor<1x64xf32>, tensor<2x16xi8>, tensor<2xf32>) -> tensor<1x2xf32>
  return %y, %y2, %y3 : tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>
}

// BAD: tern-classify-weights: unknown format 'coo' (expected auto, dense, ell, nm or bsr)
