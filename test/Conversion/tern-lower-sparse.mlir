// RUN: tern-opt %s -tern-lower-sparse -canonicalize -mlir-print-elementsattrs-with-hex-if-larger=1000 | FileCheck %s
// RUN: tern-opt %S/Inputs/lower-sparse-errors.mlir -split-input-file -verify-diagnostics -tern-lower-sparse -o /dev/null

// Each format becomes its stored arrays, tile-major ([N / T][slots][T]: the
// T outputs of a tile adjacent for each slot), and one accumulation over
// (m, n, slot) that reads the activations at stored indices. ELL and index
// lists use T = 64 below 16 rows (a loop the CPU schedule leaves to LLVM's
// gathers), T = 16 from 16 rows; N:M (one vector) and BSR (unrolled scalar
// accumulators) use T = 16.

// CSR lowers as ELL with the longest row's length (2 here):
//   row 0: (1.0 at 1), (2.0 at 4); row 1: (3.0 at 0), padding (0.0 at 0).
// Rows are sorted by their nonzero count (already so here); the one tile
// uses both slots, so the reduction needs no per-tile bound (@ell_tiles).
// CHECK-DAG: #[[TILE:.*]] = affine_map<(d0, d1, d2) -> (d1 floordiv 64, d2, d1 mod 64)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[PERTILE16:.*]] = affine_map<(d0, d1, d2) -> (d1 floordiv 16)>
// CHECK-LABEL: func.func @csr(
// CHECK-SAME:    %[[X:.*]]: tensor<1x5xf32>
// CHECK-DAG:     %[[COLS:.*]] = arith.constant dense<{{\[\[\[}}1, 0, 0, {{.*}}], [4, 0, 0, {{.*}}]]]> : tensor<1x2x64xi16>
// CHECK-DAG:     %[[VALS:.*]] = arith.constant dense<{{\[\[\[}}1.000000e+00, 3.000000e+00, 0.000000e+00, {{.*}}], [2.000000e+00, 0.000000e+00, {{.*}}]]]> : tensor<1x2x64xf32>
// CHECK:         linalg.generic {indexing_maps = [#[[TILE]], #[[TILE]], #[[OUT]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[VALS]], %[[COLS]] : tensor<1x2x64xf32>, tensor<1x2x64xi16>) outs(%{{.*}} : tensor<1x2xf32>) attrs = {tern.schedule = #tern.schedule<vector_width = 64, unroll = 4>, tern.weights = {elements = 10 : i64, format = "sparse CSR", nonzeros = 3 : i64}}
// CHECK:         ^bb0(%[[V:.*]]: f32, %[[C:.*]]: i16, %[[ACC:.*]]: f32):
// CHECK:           %[[CI:.*]] = arith.index_cast %[[C]] : i16 to index
// CHECK:           %[[XV:.*]] = tensor.extract %[[X]][%{{.*}}, %[[CI]]]
// CHECK:           %[[P:.*]] = arith.mulf %[[V]], %[[XV]]
// CHECK:           %[[SUM:.*]] = arith.addf %[[ACC]], %[[P]]
// CHECK:           linalg.yield %[[SUM]]
// CHECK-NOT:     linalg.generic
// CHECK-NOT:     tern.sparse_matmul
#CSR = #sparse_tensor.encoding<{map = (i, j) -> (i : dense, j : compressed)}>
func.func @csr(%x: tensor<1x5xf32>) -> tensor<1x2xf32> {
  %w = arith.constant dense<[[0.0, 1.0, 0.0, 0.0, 2.0], [3.0, 0.0, 0.0, 0.0, 0.0]]> : tensor<2x5xf32, #CSR>
  %y = tern.sparse_matmul %x, %w : (tensor<1x5xf32>, tensor<2x5xf32, #CSR>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// Rows of one magnitude each (pruned-ternary): index lists. Positions are
// signed, +(c + 1) for +a and -(c + 1) for -a, 0 for padding:
//   row 0 (a = 0.5): +1, -3, +5;  row 1 (a = 2): -2.
// The accumulation adds and subtracts (no multiply); one multiply by a per
// output follows.
// CHECK-LABEL: func.func @ternary_rows(
// CHECK-SAME:    %[[X:.*]]: tensor<1x5xf32>
// CHECK-DAG:     %[[CODES:.*]] = arith.constant dense<{{\[\[\[}}1, -2, 0, {{.*}}], [-3, 0, {{.*}}], [5, 0, {{.*}}]]]> : tensor<1x3x64xi16>
// CHECK-DAG:     %[[SCALES:.*]] = arith.constant dense<[5.000000e-01, 2.000000e+00]> : tensor<2xf32>
// CHECK:         %[[SUM:.*]] = linalg.generic {{.*}} ins(%[[CODES]] : tensor<1x3x64xi16>)
// CHECK:         ^bb0(%[[C:.*]]: i16, %[[ACC:.*]]: f32):
// CHECK-DAG:       %[[PLUS:.*]] = arith.cmpi sgt, %[[C]]
// CHECK-DAG:       %[[MINUS:.*]] = arith.cmpi slt, %[[C]]
// CHECK:           %[[XV:.*]] = tensor.extract %[[X]]
// CHECK-NOT:       arith.mulf
// CHECK:           %[[ADD:.*]] = arith.addf %[[ACC]], %[[XV]]
// CHECK:           %[[SUB:.*]] = arith.subf %[[ACC]], %[[XV]]
// CHECK:           %[[S1:.*]] = arith.select %[[MINUS]], %[[SUB]], %[[ACC]]
// CHECK:           %[[S2:.*]] = arith.select %[[PLUS]], %[[ADD]], %[[S1]]
// CHECK:           linalg.yield %[[S2]]
// CHECK:         linalg.generic {{.*}} ins(%[[SUM]], %[[SCALES]] : tensor<1x2xf32>, tensor<2xf32>)
// CHECK:           arith.mulf
#CSR2 = #sparse_tensor.encoding<{map = (i, j) -> (i : dense, j : compressed)}>
func.func @ternary_rows(%x: tensor<1x5xf32>) -> tensor<1x2xf32> {
  %w = arith.constant dense<[[0.5, 0.0, -0.5, 0.0, 0.5], [0.0, -2.0, 0.0, 0.0, 0.0]]> : tensor<2x5xf32, #CSR2>
  %y = tern.sparse_matmul %x, %w : (tensor<1x5xf32>, tensor<2x5xf32, #CSR2>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// #tern.ell pads every row to its row_length (3 slots here).
// CHECK-LABEL: func.func @ell(
// CHECK:         tensor<1x3x64xf32>
// CHECK:         linalg.generic
#ELL = #tern.ell<row_length = 3>
func.func @ell(%x: tensor<1x5xf32>) -> tensor<1x2xf32> {
  %w = arith.constant dense<[[0.0, 1.0, 0.0, 0.0, 2.0], [3.0, 0.0, 0.0, 0.0, 0.0]]> : tensor<2x5xf32, #ELL>
  %y = tern.sparse_matmul %x, %w : (tensor<1x5xf32>, tensor<2x5xf32, #ELL>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// Rows out of order: row 1 (two nonzeros) is stored first, and one more
// generic puts the outputs back (out[m, n] = acc[m, position[n]]).
// CHECK-LABEL: func.func @ell_sorted(
// CHECK-DAG:     arith.constant dense<{{\[\[\[}}0, 4, 0, {{.*}}], [2, 0, {{.*}}]]]> : tensor<1x2x64xi16>
// CHECK-DAG:     %[[POS:.*]] = arith.constant dense<[1, 0]> : tensor<2xi32>
// CHECK:         %[[ACC:.*]] = linalg.generic
// CHECK:         linalg.generic {{.*}} ins(%[[POS]] : tensor<2xi32>)
// CHECK:           %[[P:.*]] = arith.index_cast
// CHECK:           tensor.extract %[[ACC]][%{{.*}}, %[[P]]]
func.func @ell_sorted(%x: tensor<1x5xf32>) -> tensor<1x2xf32> {
  %w = arith.constant dense<[[0.0, 0.0, 0.0, 0.0, 2.0], [3.0, 0.0, 1.0, 0.0, 0.0]]> : tensor<2x5xf32, #tern.ell<row_length = 2>>
  %y = tern.sparse_matmul %x, %w : (tensor<1x5xf32>, tensor<2x5xf32, #tern.ell<row_length = 2>>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// Tiles whose rows use fewer slots than the longest row: 17 outputs at 16
// rows (tiles of 16), rows 1-16 with two nonzeros (row 1 of two
// magnitudes: not index lists) and row 0 with one, so
// sorted rows put row 0 last, alone in tile 1, which uses one slot of two.
// The per-tile counts are an input read at (n floordiv 16); a slot past
// its tile's count leaves acc as it is (the Halide emitter turns that into
// the reduction's bound), and the outputs are put back in order.
// CHECK-LABEL: func.func @ell_tiles(
// CHECK-DAG:     %[[COUNTS:.*]] = arith.constant dense<[2, 1]> : tensor<2xi32>
// CHECK:         %[[ACC:.*]] = linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}, #[[PERTILE16]], #{{.*}}], {{.*}} ins(%{{.*}}, %{{.*}}, %[[COUNTS]] : tensor<2x2x16xf32>, tensor<2x2x16xi16>, tensor<2xi32>)
// CHECK:         ^bb0(%{{.*}}: f32, %{{.*}}: i16, %[[N:.*]]: i32, %[[OLD:.*]]: f32):
// CHECK:           %[[SUM:.*]] = arith.addf %[[OLD]]
// CHECK:           %[[J:.*]] = linalg.index 2
// CHECK:           %[[NI:.*]] = arith.index_cast %[[N]] : i32 to index
// CHECK:           %[[IN:.*]] = arith.cmpi slt, %[[J]], %[[NI]]
// CHECK:           arith.select %[[IN]], %[[SUM]], %[[OLD]]
// CHECK:         linalg.generic {{.*}} ins(%{{.*}} : tensor<17xi32>)
// CHECK:           tensor.extract %[[ACC]]
func.func @ell_tiles(%x: tensor<16x5xf32>) -> tensor<16x17xf32> {
  %w = arith.constant dense<[[0.0, 0.0, 0.0, 0.0, 9.0],
    [1.0, 2.0, 0.0, 0.0, 0.0], [2.0, 0.0, 2.0, 0.0, 0.0], [3.0, 0.0, 0.0, 3.0, 0.0], [4.0, 0.0, 0.0, 0.0, 4.0],
    [0.0, 5.0, 5.0, 0.0, 0.0], [0.0, 6.0, 0.0, 6.0, 0.0], [0.0, 7.0, 0.0, 0.0, 7.0], [0.0, 0.0, 8.0, 8.0, 0.0],
    [0.0, 0.0, 9.0, 0.0, 9.0], [0.0, 0.0, 0.0, 1.5, 1.5], [1.5, 1.5, 0.0, 0.0, 0.0], [2.5, 0.0, 2.5, 0.0, 0.0],
    [3.5, 0.0, 0.0, 3.5, 0.0], [4.5, 0.0, 0.0, 0.0, 4.5], [0.0, 5.5, 5.5, 0.0, 0.0], [0.0, 6.5, 0.0, 6.5, 0.0]]> : tensor<17x5xf32, #tern.ell<row_length = 2>>
  %y = tern.sparse_matmul %x, %w : (tensor<16x5xf32>, tensor<17x5xf32, #tern.ell<row_length = 2>>) -> tensor<16x17xf32>
  return %y : tensor<16x17xf32>
}

// From 16 rows of activations (static), ELL tiles are 16 outputs: the CPU
// schedule vectorizes the rows and streams a whole tile per slot.
// CHECK-LABEL: func.func @ell_rows(
// CHECK:         tensor<1x3x16xf32>
// CHECK:         linalg.generic {{.*}} attrs = {tern.schedule = #tern.schedule<vector_width = 16, unroll = 4>, tern.weights = {elements = {{[0-9]+}} : i64, format = "sparse {{.*}}", nonzeros = {{[0-9]+}} : i64}}
#ELLR = #tern.ell<row_length = 3>
func.func @ell_rows(%x: tensor<16x5xf32>) -> tensor<16x2xf32> {
  %w = arith.constant dense<[[0.0, 1.0, 0.0, 0.0, 2.0], [3.0, 0.0, 0.0, 0.0, 0.0]]> : tensor<2x5xf32, #ELLR>
  %y = tern.sparse_matmul %x, %w : (tensor<16x5xf32>, tensor<2x5xf32, #ELLR>) -> tensor<16x2xf32>
  return %y : tensor<16x2xf32>
}

// 2:4 over K = 6 (groups [0, 4) and [4, 6)), dynamic M. Slot j = 2 g + s:
//   row 0: g0 (1.0 at 1), (2.0 at 3); g1 (3.0 at 0)
//   row 1: g0 (5.0 at 0);              g1 (7.0 at 1)
// The group's 4 activations are loaded (clamped to K - 1 = 5) and one is
// picked per output with selects on the index bits: no gather.
// CHECK-LABEL: func.func @nm(
// CHECK-SAME:    %[[X:.*]]: tensor<?x6xf32>
// CHECK-DAG:     arith.constant dense<{{\[\[\[}}1, 0, {{.*}}], [3, 0, {{.*}}], [0, 1, {{.*}}], [0, 0, {{.*}}]]]> : tensor<1x4x16xi8>
// CHECK-DAG:     arith.constant dense<{{\[\[\[}}1.000000e+00, 5.000000e+00, {{.*}}], [2.000000e+00, 0.000000e+00, {{.*}}], [3.000000e+00, 7.000000e+00, {{.*}}], [0.000000e+00, {{.*}}]]]> : tensor<1x4x16xf32>
// CHECK:         %[[DIM:.*]] = tensor.dim %[[X]]
// CHECK:         tensor.empty(%[[DIM]]) : tensor<?x2xf32>
// CHECK:         linalg.generic {{.*}} attrs = {tern.schedule = #tern.schedule<vector_width = 16, unroll = 4>, tern.weights = {elements = {{[0-9]+}} : i64, format = "sparse {{.*}}", nonzeros = {{[0-9]+}} : i64}}
// CHECK:         ^bb0(%[[V:.*]]: f32, %[[I:.*]]: i8, %[[ACC:.*]]: f32):
// CHECK:           %[[M:.*]] = linalg.index 0
// CHECK:           %[[J:.*]] = linalg.index 2
// CHECK:           %[[G:.*]] = arith.divsi %[[J]], %c2
// CHECK:           %[[BASE:.*]] = arith.muli %[[G]], %c4
// CHECK-COUNT-4:   tensor.extract %[[X]][%[[M]], %{{.*}}]
// CHECK-COUNT-3:   arith.select
// CHECK-NOT:       tensor.extract
// CHECK:           arith.mulf %[[V]]
#NM = #sparse_tensor.encoding<{map = (i, j) -> (i : dense, j : structured[2, 4])}>
func.func @nm(%x: tensor<?x6xf32>) -> tensor<?x2xf32> {
  %w = arith.constant dense<[[0.0, 1.0, 0.0, 2.0, 3.0, 0.0], [5.0, 0.0, 0.0, 0.0, 0.0, 7.0]]> : tensor<2x6xf32, #NM>
  %y = tern.sparse_matmul %x, %w : (tensor<?x6xf32>, tensor<2x6xf32, #NM>) -> tensor<?x2xf32>
  return %y : tensor<?x2xf32>
}

// 2:4 with one magnitude per row (a pruned-ternary layer): ternary N:M,
// one signed in-group position per slot (+(i + 1), -(i + 1), 0 empty):
//   row 0 (a = 0.5): g0 +0.5 at 1, -0.5 at 3; g1 +0.5 at 0
//   row 1 (a = 2):   g0 -2 at 0;               g1 +2 at 1
// The group's activations are picked as for N:M, then added or subtracted
// (no multiply); one multiply by a per output follows.
// CHECK-LABEL: func.func @nm_ternary(
// CHECK-DAG:     %[[CODES:.*]] = arith.constant dense<{{\[\[\[}}2, -1, 0, {{.*}}], [-4, 0, {{.*}}], [1, 2, {{.*}}], [0, 0, {{.*}}]]]> : tensor<1x4x16xi8>
// CHECK-DAG:     arith.constant dense<[5.000000e-01, 2.000000e+00]> : tensor<2xf32>
// CHECK:         %[[SUM:.*]] = linalg.generic {{.*}} ins(%[[CODES]] : tensor<1x4x16xi8>) {{.*}} attrs = {tern.schedule = #tern.schedule<vector_width = 16, unroll = 4>, tern.weights = {elements = {{[0-9]+}} : i64, format = "sparse {{.*}}", nonzeros = {{[0-9]+}} : i64}}
// CHECK:         ^bb0(%[[C:.*]]: i8, %[[ACC:.*]]: f32):
// CHECK-COUNT-4:   tensor.extract
// CHECK-NOT:       arith.mulf
// CHECK:           arith.addf %[[ACC]]
// CHECK:           arith.subf %[[ACC]]
// CHECK:           linalg.yield
// CHECK:         linalg.generic {{.*}} ins(%[[SUM]], %{{.*}} : tensor<?x2xf32>, tensor<2xf32>)
// CHECK:           arith.mulf
#NMT = #sparse_tensor.encoding<{map = (i, j) -> (i : dense, j : structured[2, 4])}>
func.func @nm_ternary(%x: tensor<?x6xf32>) -> tensor<?x2xf32> {
  %w = arith.constant dense<[[0.0, 0.5, 0.0, -0.5, 0.5, 0.0], [-2.0, 0.0, 0.0, 0.0, 0.0, 2.0]]> : tensor<2x6xf32, #NMT>
  %y = tern.sparse_matmul %x, %w : (tensor<?x6xf32>, tensor<2x6xf32, #NMT>) -> tensor<?x2xf32>
  return %y : tensor<?x2xf32>
}

// BSR with 2 x 2 blocks, K = 5: block row 0 (outputs 0, 1) holds block
// column 0; block row 1 (output 2) block column 2 (inputs 4, 5: 5 is past K,
// its value 0 and its index clamped to 4). Values per q = 2 j + r.
// CHECK-LABEL: func.func @bsr(
// CHECK-DAG:     arith.constant dense<{{\[\[}}0, 2]]> : tensor<1x2xi16>
// CHECK-DAG:     arith.constant dense<{{\[\[\[}}1.000000e+00, 3.000000e+00, 9.000000e+00, {{.*}}], [2.000000e+00, 0.000000e+00, 0.000000e+00, {{.*}}]]]> : tensor<1x2x16xf32>
// CHECK:         linalg.generic
// CHECK:           arith.divsi
// CHECK:           arith.remsi
// CHECK:           tensor.extract
// CHECK:           arith.minsi %{{.*}}, %c4
#BSR = #sparse_tensor.encoding<{map = (i, j) -> (i floordiv 2 : dense, j floordiv 2 : compressed, i mod 2 : dense, j mod 2 : dense)}>
func.func @bsr(%x: tensor<1x5xf32>) -> tensor<1x3xf32> {
  %w = arith.constant dense<[[1.0, 2.0, 0.0, 0.0, 0.0], [3.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 9.0]]> : tensor<3x5xf32, #BSR>
  %y = tern.sparse_matmul %x, %w : (tensor<1x5xf32>, tensor<3x5xf32, #BSR>) -> tensor<1x3xf32>
  return %y : tensor<1x3xf32>
}

// No nonzeros: the result is the zero fill, no kernel.
// CHECK-LABEL: func.func @zero(
// CHECK-NOT:     linalg.generic
// CHECK:         %[[F:.*]] = linalg.fill
// CHECK-NEXT:    return %[[F]]
func.func @zero(%x: tensor<1x3xf32>) -> tensor<1x2xf32> {
  %w = arith.constant dense<0.0> : tensor<2x3xf32, #tern.ell<row_length = 0>>
  %y = tern.sparse_matmul %x, %w : (tensor<1x3xf32>, tensor<2x3xf32, #tern.ell<row_length = 0>>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}
