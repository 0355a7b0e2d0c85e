// RUN: tern-opt %s -tern-prune=pattern=2:4 -split-input-file 2>/dev/null | FileCheck %s --check-prefix=NM24
// RUN: tern-opt %s -tern-prune=pattern=2:4 -split-input-file -o /dev/null 2>&1 | FileCheck %s --check-prefix=NM24R
// RUN: tern-opt %s -tern-prune=pattern=1:4 -split-input-file 2>/dev/null | FileCheck %s --check-prefix=NM14
// RUN: tern-opt %s -tern-prune=pattern=1:4 -split-input-file -o /dev/null 2>&1 | FileCheck %s --check-prefix=NM14R
// RUN: tern-opt %s -tern-prune=pattern=4:8 -split-input-file 2>/dev/null | FileCheck %s --check-prefix=NM48
// RUN: tern-opt %s -tern-prune=pattern=4:8 -split-input-file -o /dev/null 2>&1 | FileCheck %s --check-prefix=NM48R
// RUN: tern-opt %s -tern-prune=pattern=block:1x4:0.5 -split-input-file 2>/dev/null | FileCheck %s --check-prefix=BLOCK
// RUN: tern-opt %s -tern-prune=pattern=block:1x4:0.5 -split-input-file -o /dev/null 2>&1 | FileCheck %s --check-prefix=BLOCKR
// RUN: tern-opt %s -tern-prune=pattern=unstructured:0.75 -split-input-file 2>/dev/null | FileCheck %s --check-prefix=UNS
// RUN: tern-opt %s -tern-prune=pattern=unstructured:0.75 -split-input-file -o /dev/null 2>&1 | FileCheck %s --check-prefix=UNSR
// RUN: tern-opt %s "-tern-prune=pattern=unstructured:0.5 global=true" -split-input-file 2>/dev/null | FileCheck %s --check-prefix=GLOBAL
// RUN: tern-opt %s "-tern-prune=pattern=unstructured:0.5 global=true" -split-input-file -o /dev/null 2>&1 | FileCheck %s --check-prefix=GLOBALR
// RUN: tern-opt %S/Inputs/prune-two-layers.mlir "-tern-prune=pattern=2:4 layers=second" 2>/dev/null | FileCheck %s --check-prefix=LAYERS
// RUN: tern-opt %S/Inputs/prune-two-layers.mlir "-tern-prune=pattern=2:4 layers=second" -o /dev/null 2>&1 | FileCheck %s --check-prefix=LAYERSR
// RUN: tern-opt %S/Inputs/prune-errors.mlir -verify-diagnostics "-tern-prune=pattern=2:4 layers=fc9" -o /dev/null
// RUN: not tern-opt %s -tern-prune=pattern=3:2 2>&1 | FileCheck %s --check-prefix=BADNM
// RUN: not tern-opt %s -tern-prune=pattern=block:4:0.5 2>&1 | FileCheck %s --check-prefix=BADBLOCK
// RUN: not tern-opt %s -tern-prune=pattern=unstructured:1.5 2>&1 | FileCheck %s --check-prefix=BADS
// RUN: not tern-opt %s -tern-prune=pattern=dense 2>&1 | FileCheck %s --check-prefix=BADP
// RUN: not tern-opt %s "-tern-prune=pattern=2:4 global=true" 2>&1 | FileCheck %s --check-prefix=BADGLOBAL

// The weights in the N x K view (transposed-B maps): row n is output n.
//   row 0: 0.1 -0.9 0.3 0.5 | 0.2 0 -0.7 0.6
//   row 1: 1 2 3 4 | -5 6 -7 8
// 2:4 keeps the two largest |w| of each group of 4 inputs; 1:4 one; 4:8
// four of each 8. Relative error ||W - Wp|| / ||W||, e.g. for 2:4
// sqrt((.01 + .09 + .04 + 1 + 4 + 25 + 36) / 206.05) = 0.5666.

// NM24R: remark: tern-prune: pruned layer '{{.*}}' (2 x 8) to 2:4: density 50.0%, relative error 0.5666
// NM24: arith.constant dense<{{\[\[}}0.000000e+00, -0.899999976, 0.000000e+00, 5.000000e-01, 0.000000e+00, 0.000000e+00, -0.699999988, 6.000000e-01], [0.000000e+00, 0.000000e+00, 3.000000e+00, 4.000000e+00, 0.000000e+00, 0.000000e+00, -7.000000e+00, 8.000000e+00]]> : tensor<2x8xf32>
// NM14R: (2 x 8) to 1:4: density 25.0%, relative error 0.7781
// NM14: arith.constant dense<{{\[\[}}0.000000e+00, -0.899999976, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, -0.699999988, 0.000000e+00], [0.000000e+00, 0.000000e+00, 0.000000e+00, 4.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 8.000000e+00]]>
// NM48R: (2 x 8) to 4:8: density 50.0%, relative error 0.3825
// NM48: arith.constant dense<{{\[\[}}0.000000e+00, -0.899999976, 0.000000e+00, 5.000000e-01, 0.000000e+00, 0.000000e+00, -0.699999988, 6.000000e-01], [0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, -5.000000e+00, 6.000000e+00, -7.000000e+00, 8.000000e+00]]>
// Blocks of 1 x 4: L2 norms 1.08, 0.94 (row 0), 5.48, 13.2 (row 1): the
// two smallest go.
// BLOCKR: (2 x 8) to block:1x4:0.5: density 50.0%, relative error 0.0997
// BLOCK: arith.constant dense<{{\[\[}}0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00], [1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, -5.000000e+00, 6.000000e+00, -7.000000e+00, 8.000000e+00]]>
// UNSR: (2 x 8) to unstructured:0.75: density 25.0%, relative error 0.3944
// UNS: arith.constant dense<{{\[\[}}0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, -5.000000e+00, 6.000000e+00, -7.000000e+00, 8.000000e+00]]>
func.func @fc(%x: tensor<1x8xf32>) -> tensor<1x2xf32> {
  %w = arith.constant dense<[[0.1, -0.9, 0.3, 0.5, 0.2, 0.0, -0.7, 0.6],
                             [1.0, 2.0, 3.0, 4.0, -5.0, 6.0, -7.0, 8.0]]> : tensor<2x8xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
       ins(%x, %w : tensor<1x8xf32>, tensor<2x8xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// Two layers; the second in the default layout (K x N = 4 x 2 constant), so
// the groups of 4 inputs run down its columns. K = 4: one group per output.
//   first  (N x K): [1 -3 2 0.5]            -> [0 -3 2 0]
//   second (K x N) columns [4 1 -2 3], [0.5 -6 7 1]
//                                            -> [4 0 0 3], [0 -6 7 0]
// A global threshold over both layers' 12 weights: the magnitude with 50%
// below it is 2, and every |w| < 2 goes (0.5, 0.5, 1, 1, 1; ties at the
// threshold stay).

// NM24R: tern-prune: pruned layer 'first' (1 x 4) to 2:4
// NM24R: tern-prune: pruned layer 'second' (2 x 4) to 2:4
// NM24-DAG: arith.constant dense<{{\[\[}}0.000000e+00, -3.000000e+00, 2.000000e+00, 0.000000e+00]]> : tensor<1x4xf32>
// NM24-DAG: arith.constant dense<{{\[\[}}4.000000e+00, 0.000000e+00], [0.000000e+00, -6.000000e+00], [0.000000e+00, 7.000000e+00], [3.000000e+00, 0.000000e+00]]> : tensor<4x2xf32>
// GLOBAL: arith.constant dense<{{\[\[}}0.000000e+00, -3.000000e+00, 2.000000e+00, 0.000000e+00]]> : tensor<1x4xf32>
// GLOBALR: pruned layer 'first' (1 x 4) to unstructured:0.5 (global threshold): density 50.0%
// GLOBALR: pruned layer 'second' (2 x 4) to unstructured:0.5 (global threshold): density 62.5%
// LAYERSR-NOT: pruned layer 'first'
// LAYERSR: pruned layer 'second'
// LAYERSR-NOT: pruned layer 'first'
// LAYERS: arith.constant dense<{{\[\[}}1.000000e+00, -3.000000e+00, 2.000000e+00, 5.000000e-01]]> : tensor<1x4xf32>
func.func @two(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %w1 = arith.constant dense<[[1.0, -3.0, 2.0, 0.5]]> : tensor<1x4xf32>
  %w2 = arith.constant dense<[[4.0, 0.5], [1.0, -6.0], [-2.0, 7.0], [3.0, 1.0]]> : tensor<4x2xf32>
  %z = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<1x1xf32>
  %f1 = linalg.fill ins(%z : f32) outs(%e1 : tensor<1x1xf32>) -> tensor<1x1xf32>
  %y1 = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
        ins(%x, %w1 : tensor<1x4xf32>, tensor<1x4xf32>) outs(%f1 : tensor<1x1xf32>) -> tensor<1x1xf32> loc("first")
  %e2 = tensor.empty() : tensor<1x2xf32>
  %f2 = linalg.fill ins(%z : f32) outs(%e2 : tensor<1x2xf32>) -> tensor<1x2xf32>
  %y2 = linalg.matmul ins(%x, %w2 : tensor<1x4xf32>, tensor<4x2xf32>) outs(%f2 : tensor<1x2xf32>) -> tensor<1x2xf32> loc("second")
  return %y2 : tensor<1x2xf32>
}

// BADNM: tern-prune: N:M pruning needs N < M, found '3:2'
// BADBLOCK: tern-prune: the block size of 'block:RxC:S' must be two positive integers like 4x4, found '4'
// BADS: tern-prune: the sparsity of 'unstructured:S' must be a number in [0, 1], found '1.5'
// BADP: tern-prune: unknown pattern 'dense': expected N:M (e.g. 2:4), block:RxC:S (e.g. block:4x4:0.75) or unstructured:S (e.g. unstructured:0.9)
// BADGLOBAL: tern-prune: global=true needs pattern=unstructured:S (N:M and block patterns hold per layer)
