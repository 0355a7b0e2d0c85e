// tern-ternarize: post-training ternarization of the constant weights of
// linalg.matmul layers with BitNet b1.58's absmean rule,
//   a = mean(|W|) (rounded to the weights' element type),
//   W_t = a * clip(round_half_even(W / a), -1, 1),
// with a remark per ternarized layer: its N x K shape, the scale a, the
// relative error ||W - W_t||_F / ||W||_F and the share of zeros in W_t.
//
// This file holds four inputs that split-file writes to %t (it keeps line
// numbers, so the diagnostics of -verify-diagnostics point into this file):
//   mlp.mlir     a 3-layer MLP named like an ONNX import: the default
//                selection, layers=all, lists of names (FileCheck on the IR
//                and on the remarks on stderr);
//   default.mlir what counts as a layer for the default selection (all but
//                the first and the last), with -verify-diagnostics;
//   all.mlir     the arithmetic in other forms (transposed-B maps, f16, an
//                all-zero matrix) under layers=all, with -verify-diagnostics;
//   errors.mlir  the pass's one error, an unknown layer name.
//
// Expected numbers below are worked out by hand from the rule above (and
// cross-checked with numpy), not copied from the pass's output.

// RUN: rm -rf %t && split-file %s %t
// RUN: tern-opt %t/mlp.mlir -tern-ternarize 2>/dev/null | FileCheck %s --check-prefix=DEF
// RUN: tern-opt %t/mlp.mlir -tern-ternarize -o /dev/null 2>&1 | FileCheck %s --check-prefix=DEFR
// RUN: tern-opt %t/mlp.mlir -tern-ternarize=layers=all 2>/dev/null | FileCheck %s --check-prefix=ALL
// RUN: tern-opt %t/mlp.mlir -tern-ternarize=layers=all -o /dev/null 2>&1 | FileCheck %s --check-prefix=ALLR
// RUN: tern-opt %t/mlp.mlir -tern-ternarize=layers=fc3,fc1 2>/dev/null | FileCheck %s --check-prefix=ENDS
// RUN: tern-opt %t/mlp.mlir -tern-ternarize=layers=fc3,fc1 -o /dev/null 2>&1 | FileCheck %s --check-prefix=ENDSR
// RUN: tern-opt %t/mlp.mlir -tern-ternarize=layers=fc1,fc2 2>/dev/null | FileCheck %s --check-prefix=PART
// RUN: tern-opt %t/mlp.mlir -tern-ternarize=layers=fc1,fc2 -o /dev/null 2>&1 | FileCheck %s --check-prefix=PARTR
// RUN: not tern-opt %t/mlp.mlir -tern-ternarize=layers=all,fc1 -o /dev/null 2>&1 | FileCheck %s --check-prefix=ALLMIX
// A blank entry in the list names nothing (it used to match the empty first
// part of '/fc2/Gemm').
// RUN: tern-opt %t/mlp.mlir --pass-pipeline="builtin.module(func.func(tern-ternarize{layers='fc1, ,fc1'}))" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BLANK
// BLANK: ternarized layer 'fc1'
// BLANK-NOT: ternarized layer
// RUN: tern-opt %t/default.mlir -tern-ternarize -split-input-file -verify-diagnostics | FileCheck %s --check-prefix=COUNT
// RUN: tern-opt %t/all.mlir -tern-ternarize=layers=all -split-input-file -verify-diagnostics | FileCheck %s --check-prefix=FORMS
// RUN: tern-opt %t/errors.mlir -tern-ternarize=layers=fc1,nosuch -split-input-file -verify-diagnostics -o /dev/null

//--- mlp.mlir

// x (2 x 4) -> fc1 -> 3 -> fc2 -> 4 -> fc3 -> 2, every weight in the default
// layout (K x N constant). Layer names come from the locations: fc1 and fc3
// are `mlp.onnx: node 'fcN' (Gemm)`, i.e. 'fcN'; fc2 carries PyTorch's node
// name '/fc2/Gemm', which `fc2` selects as one of its '/'-separated parts.
// All weights are multiples of 1/8, so every step below is exact.
//
// fc1 (K x N = 4 x 3), sum |W| = 9, a = 9 / 12 = 0.75:
//   W   =  1     -0.25   0     | 1.5   0.375 -0.75 | -2    0.5   0.625 | 0.25  -1     0.75
//   W/a =  1.33  -0.33   0     | 2     0.5   -1    | -2.67 0.67  0.83  | 0.33  -1.33  1
//   t   =  1     -0      0     | 1     0     -1    | -1    1     1     | 0     -1     1
//   (0.5 is a tie: half to even gives 0.) Zeros 4 / 12 = 33.3%.
//   ||W - W_t||^2 = .0625 + .0625 + 0 + .5625 + .140625 + 0 + 1.5625
//                   + .0625 + .015625 + .0625 + .0625 + 0 = 2.59375
//   ||W||^2       = 1 + .0625 + 0 + 2.25 + .140625 + .5625 + 4 + .25
//                   + .390625 + .0625 + 1 + .5625 = 10.28125
//   relative error sqrt(2.59375 / 10.28125) = 0.5023
//
// fc2 (K x N = 3 x 4), sum |W| = 6, a = 6 / 12 = 0.5:
//   W/a =  3    0.5  -1.5  1  |  0  -0.25  0.75  -2.5  |  1.25  0.25  -0.5  0.5
//   t   =  1    0    -1    1  |  0  -0     1     -1    |  1     0     -0    0
//   The ties 0.5, -0.5 round to 0 and -1.5, -2.5 to -2 (then clip to -1);
//   rounding half away from zero would leave 3 zeros instead of 6.
//   Zeros 6 / 12 = 50.0%.
//   ||W - W_t||^2 = 1 + 4 * .0625 + .5625 + 4 * .015625 = 1.875
//   ||W||^2       = 5.375
//   relative error sqrt(1.875 / 5.375) = 0.5906
//
// fc3 (K x N = 4 x 2), sum |W| = 20, a = 20 / 8 = 2.5:
//   W/a =  1.6  -0.4 | -2.4  0.8 | 0.2  1.2 | -1  0.4
//   t   =  1    -0   | -1    1   | 0    1   | -1  0
//   Zeros 3 / 8 = 37.5%.
//   ||W - W_t||^2 = 2.25 + 1 + 12.25 + .25 + .25 + .25 + 0 + 1 = 17.25
//   ||W||^2       = 73.5
//   relative error sqrt(17.25 / 73.5) = 0.4845
//
// A weight that rounds to zero from below becomes -0.0 (a * -0); the sign
// of a zero is not part of the contract (tern-raise reads both as trit 0),
// so the checks accept either.

// Default: every layer but the first and the last, here fc2 only. fc1 and
// fc3 keep their weights bit for bit.
// DEF-LABEL: func.func @mlp(
// DEF-SAME:    %[[X:.*]]: tensor<2x4xf32>)
// DEF:         %[[W1:.*]] = arith.constant dense<{{\[\[}}1.000000e+00, -2.500000e-01, 0.000000e+00], [1.500000e+00, 3.750000e-01, -7.500000e-01], [-2.000000e+00, 5.000000e-01, 6.250000e-01], [2.500000e-01, -1.000000e+00, 7.500000e-01]]> : tensor<4x3xf32>
// DEF:         %[[W2:.*]] = arith.constant dense<{{\[\[}}5.000000e-01, 0.000000e+00, -5.000000e-01, 5.000000e-01], [0.000000e+00, {{-?}}0.000000e+00, 5.000000e-01, -5.000000e-01], [5.000000e-01, 0.000000e+00, {{-?}}0.000000e+00, 0.000000e+00]]> : tensor<3x4xf32>
// DEF:         %[[W3:.*]] = arith.constant dense<{{\[\[}}4.000000e+00, -1.000000e+00], [-6.000000e+00, 2.000000e+00], [5.000000e-01, 3.000000e+00], [-2.500000e+00, 1.000000e+00]]> : tensor<4x2xf32>
// DEF-NOT:     arith.constant dense
// DEF:         %[[Y1:.*]] = linalg.matmul ins(%[[X]], %[[W1]] : tensor<2x4xf32>, tensor<4x3xf32>)
// DEF:         %[[Y2:.*]] = linalg.matmul ins(%[[Y1]], %[[W2]] : tensor<2x3xf32>, tensor<3x4xf32>)
// DEF:         %[[Y3:.*]] = linalg.matmul ins(%[[Y2]], %[[W3]] : tensor<2x4xf32>, tensor<4x2xf32>)
// DEF:         return %[[Y3]]

// DEFR-NOT:  ternarized layer 'fc1'
// DEFR:      remark: {{.*}}tern-ternarize: ternarized layer '/fc2/Gemm' (4 x 3): scale 0.5, relative error 0.5906, zeros 50.0%
// DEFR-NOT:  ternarized layer

// layers=all: the three layers, each with its own scale.
// ALL-LABEL: func.func @mlp(
// ALL:         %[[W1:.*]] = arith.constant dense<{{\[\[}}7.500000e-01, {{-?}}0.000000e+00, 0.000000e+00], [7.500000e-01, 0.000000e+00, -7.500000e-01], [-7.500000e-01, 7.500000e-01, 7.500000e-01], [0.000000e+00, -7.500000e-01, 7.500000e-01]]> : tensor<4x3xf32>
// ALL:         %[[W2:.*]] = arith.constant dense<{{\[\[}}5.000000e-01, 0.000000e+00, -5.000000e-01, 5.000000e-01], [0.000000e+00, {{-?}}0.000000e+00, 5.000000e-01, -5.000000e-01], [5.000000e-01, 0.000000e+00, {{-?}}0.000000e+00, 0.000000e+00]]> : tensor<3x4xf32>
// ALL:         %[[W3:.*]] = arith.constant dense<{{\[\[}}2.500000e+00, {{-?}}0.000000e+00], [-2.500000e+00, 2.500000e+00], [0.000000e+00, 2.500000e+00], [-2.500000e+00, 0.000000e+00]]> : tensor<4x2xf32>
// ALL-NOT:     arith.constant dense
// ALL:         linalg.matmul ins(%{{.*}}, %[[W1]] :
// ALL:         linalg.matmul ins(%{{.*}}, %[[W2]] :
// ALL:         linalg.matmul ins(%{{.*}}, %[[W3]] :

// ALLR:      remark: {{.*}}tern-ternarize: ternarized layer 'fc1' (3 x 4): scale 0.75, relative error 0.5023, zeros 33.3%
// ALLR:      remark: {{.*}}tern-ternarize: ternarized layer '/fc2/Gemm' (4 x 3): scale 0.5, relative error 0.5906, zeros 50.0%
// ALLR:      remark: {{.*}}tern-ternarize: ternarized layer 'fc3' (2 x 4): scale 2.5, relative error 0.4845, zeros 37.5%
// ALLR-NOT:  ternarized layer

// layers=fc3,fc1: exactly the named layers (in program order, whatever the
// order of the list); fc2 keeps its weights.
// ENDS-LABEL: func.func @mlp(
// ENDS:         arith.constant dense<{{\[\[}}7.500000e-01, {{-?}}0.000000e+00, 0.000000e+00], [7.500000e-01, 0.000000e+00, -7.500000e-01], [-7.500000e-01, 7.500000e-01, 7.500000e-01], [0.000000e+00, -7.500000e-01, 7.500000e-01]]> : tensor<4x3xf32>
// ENDS:         arith.constant dense<{{\[\[}}1.500000e+00, 2.500000e-01, -7.500000e-01, 5.000000e-01], [0.000000e+00, -1.250000e-01, 3.750000e-01, -1.250000e+00], [6.250000e-01, 1.250000e-01, -2.500000e-01, 2.500000e-01]]> : tensor<3x4xf32>
// ENDS:         arith.constant dense<{{\[\[}}2.500000e+00, {{-?}}0.000000e+00], [-2.500000e+00, 2.500000e+00], [0.000000e+00, 2.500000e+00], [-2.500000e+00, 0.000000e+00]]> : tensor<4x2xf32>
// ENDSR:     ternarized layer 'fc1' (3 x 4): scale 0.75, relative error 0.5023, zeros 33.3%
// ENDSR-NOT: ternarized layer '/fc2/Gemm'
// ENDSR:     ternarized layer 'fc3' (2 x 4): scale 2.5, relative error 0.4845, zeros 37.5%

// layers=fc1,fc2: 'fc2' selects '/fc2/Gemm' by one of its '/'-parts; fc3,
// the last layer, keeps its weights.
// PART-LABEL: func.func @mlp(
// PART:         arith.constant dense<{{\[\[}}7.500000e-01, {{-?}}0.000000e+00, 0.000000e+00], [7.500000e-01, 0.000000e+00, -7.500000e-01], [-7.500000e-01, 7.500000e-01, 7.500000e-01], [0.000000e+00, -7.500000e-01, 7.500000e-01]]> : tensor<4x3xf32>
// PART:         arith.constant dense<{{\[\[}}5.000000e-01, 0.000000e+00, -5.000000e-01, 5.000000e-01], [0.000000e+00, {{-?}}0.000000e+00, 5.000000e-01, -5.000000e-01], [5.000000e-01, 0.000000e+00, {{-?}}0.000000e+00, 0.000000e+00]]> : tensor<3x4xf32>
// PART:         arith.constant dense<{{\[\[}}4.000000e+00, -1.000000e+00], [-6.000000e+00, 2.000000e+00], [5.000000e-01, 3.000000e+00], [-2.500000e+00, 1.000000e+00]]> : tensor<4x2xf32>
// PARTR:     ternarized layer 'fc1' (3 x 4)
// PARTR:     ternarized layer '/fc2/Gemm' (4 x 3)
// PARTR-NOT: ternarized layer

// 'all' is a value of its own, not a name to mix into a list.
// ALLMIX: error: tern-ternarize: no layer named 'all' (layers with constant weights: fc1, /fc2/Gemm, fc3)
// ALLMIX-NOT: ternarized layer

func.func @mlp(%x: tensor<2x4xf32>) -> tensor<2x2xf32> {
  %w1 = arith.constant dense<[[1.0, -0.25, 0.0], [1.5, 0.375, -0.75],
                              [-2.0, 0.5, 0.625], [0.25, -1.0, 0.75]]> : tensor<4x3xf32>
  %w2 = arith.constant dense<[[1.5, 0.25, -0.75, 0.5], [0.0, -0.125, 0.375, -1.25],
                              [0.625, 0.125, -0.25, 0.25]]> : tensor<3x4xf32>
  %w3 = arith.constant dense<[[4.0, -1.0], [-6.0, 2.0], [0.5, 3.0], [-2.5, 1.0]]> : tensor<4x2xf32>
  %z = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<2x3xf32>
  %f1 = linalg.fill ins(%z : f32) outs(%e1 : tensor<2x3xf32>) -> tensor<2x3xf32>
  %y1 = linalg.matmul ins(%x, %w1 : tensor<2x4xf32>, tensor<4x3xf32>)
                      outs(%f1 : tensor<2x3xf32>) -> tensor<2x3xf32> loc("mlp.onnx: node 'fc1' (Gemm)")
  %e2 = tensor.empty() : tensor<2x4xf32>
  %f2 = linalg.fill ins(%z : f32) outs(%e2 : tensor<2x4xf32>) -> tensor<2x4xf32>
  %y2 = linalg.matmul ins(%y1, %w2 : tensor<2x3xf32>, tensor<3x4xf32>)
                      outs(%f2 : tensor<2x4xf32>) -> tensor<2x4xf32> loc("mlp.onnx: node '/fc2/Gemm' (Gemm)")
  %e3 = tensor.empty() : tensor<2x2xf32>
  %f3 = linalg.fill ins(%z : f32) outs(%e3 : tensor<2x2xf32>) -> tensor<2x2xf32>
  %y3 = linalg.matmul ins(%y2, %w3 : tensor<2x4xf32>, tensor<4x2xf32>)
                      outs(%f3 : tensor<2x2xf32>) -> tensor<2x2xf32> loc("mlp.onnx: node 'fc3' (Gemm)")
  return %y3 : tensor<2x2xf32>
}

//--- default.mlir

// Layers are the matmuls whose right operand is a float constant, counted in
// program order. A matmul of a function argument, or of integer constants,
// is no layer: it neither counts as the first nor as the last, so of the
// three float-constant layers %y2 is the only middle one. (Counting every
// matmul would also take %y1 and %y3.) %w2 holds the weights of fc2 in
// mlp.mlir, hence the same numbers: a = 0.5.
// COUNT-LABEL: func.func @what_counts(
// COUNT-SAME:    %[[X:[^:]*]]: tensor<2x3xf32>, %[[B:[^:]*]]: tensor<3x3xf32>
// COUNT-DAG:     %[[WA:.*]] = arith.constant dense<{{\[\[}}1.500000e+00, 2.500000e-01, -7.500000e-01, 5.000000e-01], [0.000000e+00, -1.250000e-01, 3.750000e-01, -1.250000e+00], [6.250000e-01, 1.250000e-01, -2.500000e-01, 2.500000e-01]]> : tensor<3x4xf32>
// COUNT-DAG:     %[[WT:.*]] = arith.constant dense<{{\[\[}}5.000000e-01, 0.000000e+00, -5.000000e-01, 5.000000e-01], [0.000000e+00, {{-?}}0.000000e+00, 5.000000e-01, -5.000000e-01], [5.000000e-01, 0.000000e+00, {{-?}}0.000000e+00, 0.000000e+00]]> : tensor<3x4xf32>
// COUNT-DAG:     %[[WC:.*]] = arith.constant dense<{{\[\[}}1.500000e+00, 2.500000e-01, -7.500000e-01], [0.000000e+00, -1.250000e-01, 3.750000e-01], [6.250000e-01, 1.250000e-01, -2.500000e-01], [2.500000e-01, 5.000000e-01, -1.250000e+00]]> : tensor<4x3xf32>
// COUNT-DAG:     %[[WI:.*]] = arith.constant dense<{{\[\[}}3, 0, -1], [1, 2, 0], [0, 0, 5]]> : tensor<3x3xi32>
// COUNT:         linalg.matmul ins(%[[X]], %[[B]] :
// COUNT:         linalg.matmul ins(%{{.*}}, %[[WA]] :
// COUNT:         linalg.matmul ins(%{{.*}}, %[[WT]] :
// COUNT:         linalg.matmul ins(%{{.*}}, %[[WC]] :
// COUNT:         linalg.matmul ins(%{{.*}}, %[[WI]] :
func.func @what_counts(%x: tensor<2x3xf32>, %b: tensor<3x3xf32>, %xi: tensor<2x3xi32>)
    -> (tensor<2x3xf32>, tensor<2x3xi32>) {
  %w = arith.constant dense<[[1.5, 0.25, -0.75, 0.5], [0.0, -0.125, 0.375, -1.25],
                             [0.625, 0.125, -0.25, 0.25]]> : tensor<3x4xf32>
  %w2 = arith.constant dense<[[1.5, 0.25, -0.75, 0.5], [0.0, -0.125, 0.375, -1.25],
                              [0.625, 0.125, -0.25, 0.25]]> : tensor<3x4xf32>
  %w3 = arith.constant dense<[[1.5, 0.25, -0.75], [0.0, -0.125, 0.375],
                              [0.625, 0.125, -0.25], [0.25, 0.5, -1.25]]> : tensor<4x3xf32>
  %wi = arith.constant dense<[[3, 0, -1], [1, 2, 0], [0, 0, 5]]> : tensor<3x3xi32>
  %z = arith.constant 0.0 : f32
  %zi = arith.constant 0 : i32
  %e3 = tensor.empty() : tensor<2x3xf32>
  %f3 = linalg.fill ins(%z : f32) outs(%e3 : tensor<2x3xf32>) -> tensor<2x3xf32>
  %e4 = tensor.empty() : tensor<2x4xf32>
  %f4 = linalg.fill ins(%z : f32) outs(%e4 : tensor<2x4xf32>) -> tensor<2x4xf32>
  %y0 = linalg.matmul ins(%x, %b : tensor<2x3xf32>, tensor<3x3xf32>)
                      outs(%f3 : tensor<2x3xf32>) -> tensor<2x3xf32>
  %y1 = linalg.matmul ins(%y0, %w : tensor<2x3xf32>, tensor<3x4xf32>)
                      outs(%f4 : tensor<2x4xf32>) -> tensor<2x4xf32>
  %y1s = tensor.extract_slice %y1[0, 0] [2, 3] [1, 1] : tensor<2x4xf32> to tensor<2x3xf32>
  // expected-remark-re @+1 {{tern-ternarize: ternarized layer '{{.*}}' (4 x 3): scale 0.5, relative error 0.5906, zeros 50.0%}}
  %y2 = linalg.matmul ins(%y1s, %w2 : tensor<2x3xf32>, tensor<3x4xf32>)
                      outs(%f4 : tensor<2x4xf32>) -> tensor<2x4xf32>
  %y3 = linalg.matmul ins(%y2, %w3 : tensor<2x4xf32>, tensor<4x3xf32>)
                      outs(%f3 : tensor<2x3xf32>) -> tensor<2x3xf32>
  %ei = tensor.empty() : tensor<2x3xi32>
  %fi = linalg.fill ins(%zi : i32) outs(%ei : tensor<2x3xi32>) -> tensor<2x3xi32>
  %yi = linalg.matmul ins(%xi, %wi : tensor<2x3xi32>, tensor<3x3xi32>)
                      outs(%fi : tensor<2x3xi32>) -> tensor<2x3xi32>
  return %y3, %yi : tensor<2x3xf32>, tensor<2x3xi32>
}

// -----

// Two layers are a first and a last: the default selection is empty, no
// remark, the weights unchanged. One layer alike.
// COUNT-LABEL: func.func @two_layers(
// COUNT:         arith.constant dense<{{\[\[}}1.000000e+00, -3.000000e+00], [2.000000e+00, 5.000000e-01]]> : tensor<2x2xf32>
// COUNT:         arith.constant dense<{{\[\[}}4.000000e+00, 5.000000e-01], [1.000000e+00, -6.000000e+00]]> : tensor<2x2xf32>
// COUNT-LABEL: func.func @one_layer(
// COUNT:         arith.constant dense<{{\[\[}}1.000000e+00, -3.000000e+00], [2.000000e+00, 5.000000e-01]]> : tensor<2x2xf32>
func.func @two_layers(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w1 = arith.constant dense<[[1.0, -3.0], [2.0, 0.5]]> : tensor<2x2xf32>
  %w2 = arith.constant dense<[[4.0, 0.5], [1.0, -6.0]]> : tensor<2x2xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  %y1 = linalg.matmul ins(%x, %w1 : tensor<1x2xf32>, tensor<2x2xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
  %y2 = linalg.matmul ins(%y1, %w2 : tensor<1x2xf32>, tensor<2x2xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y2 : tensor<1x2xf32>
}

// The pass runs on each function: first and last are per function, so this
// function's only layer is both.
func.func @one_layer(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w1 = arith.constant dense<[[1.0, -3.0], [2.0, 0.5]]> : tensor<2x2xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  %y1 = linalg.matmul ins(%x, %w1 : tensor<1x2xf32>, tensor<2x2xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y1 : tensor<1x2xf32>
}

// -----

// A constant shared by a selected and an unselected layer: only the
// selected layer's use changes, the others keep reading the original.
// Shared weights [[2, -1], [0.5, 0]]: a = 3.5 / 4 = 0.875,
// W/a = 2.29 -1.14 0.57 0 -> t = 1 -1 1 0, W_t = [[0.875, -0.875], [0.875, 0]].
// ||W - W_t||^2 = 1.265625 + .015625 + .140625 + 0 = 1.421875, ||W||^2 = 5.25,
// relative error sqrt(1.421875 / 5.25) = 0.5204; zeros 1 / 4 = 25.0%.
// COUNT-LABEL: func.func @shared_constant(
// COUNT-DAG:     %[[ORIG:.*]] = arith.constant dense<{{\[\[}}2.000000e+00, -1.000000e+00], [5.000000e-01, 0.000000e+00]]> : tensor<2x2xf32>
// COUNT-DAG:     %[[TERN:.*]] = arith.constant dense<{{\[\[}}8.750000e-01, -8.750000e-01], [8.750000e-01, 0.000000e+00]]> : tensor<2x2xf32>
// COUNT:         linalg.matmul ins(%{{.*}}, %[[ORIG]] :
// COUNT:         linalg.matmul ins(%{{.*}}, %[[TERN]] :
// COUNT:         linalg.matmul ins(%{{.*}}, %[[ORIG]] :
func.func @shared_constant(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w = arith.constant dense<[[2.0, -1.0], [0.5, 0.0]]> : tensor<2x2xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  %y1 = linalg.matmul ins(%x, %w : tensor<1x2xf32>, tensor<2x2xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
  // expected-remark-re @+1 {{tern-ternarize: ternarized layer '{{.*}}' (2 x 2): scale 0.875, relative error 0.5204, zeros 25.0%}}
  %y2 = linalg.matmul ins(%y1, %w : tensor<1x2xf32>, tensor<2x2xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
  %y3 = linalg.matmul ins(%y2, %w : tensor<1x2xf32>, tensor<2x2xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y3 : tensor<1x2xf32>
}

//--- all.mlir

// Transposed-B maps: the constant is N x K = 2 x 4 (PyTorch's layout). The
// rule is over the whole matrix, so the layout does not change the result.
// W = [[1, -3, 2, 0.5], [1, -3, 2, 0.5]]: a = 13 / 8 = 1.625,
// W/a = 0.62 -1.85 1.23 0.31 -> t = 1 -1 1 0 (zeros 2 / 8 = 25.0%).
// ||W - W_t||^2 = 2 * (.390625 + 1.890625 + .140625 + .25) = 5.34375,
// ||W||^2 = 2 * 14.25 = 28.5, relative error sqrt(5.34375 / 28.5) = 0.4330.
// The remark gives the shape as N x K (2 x 4), as tern-prune and
// tern-raise do, whichever way the constant is stored.
// FORMS-LABEL: func.func @transposed_b(
// FORMS:         %[[W:.*]] = arith.constant dense<{{\[\[}}1.625000e+00, -1.625000e+00, 1.625000e+00, 0.000000e+00], [1.625000e+00, -1.625000e+00, 1.625000e+00, 0.000000e+00]]> : tensor<2x4xf32>
// FORMS-NOT:     arith.constant dense
// FORMS:         linalg.matmul indexing_maps = {{.*}} ins(%{{.*}}, %[[W]] :
func.func @transposed_b(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %w = arith.constant dense<[[1.0, -3.0, 2.0, 0.5], [1.0, -3.0, 2.0, 0.5]]> : tensor<2x4xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  // expected-remark-re @+1 {{tern-ternarize: ternarized layer '{{.*}}' (2 x 4): scale 1.625, relative error 0.4330, zeros 25.0%}}
  %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>,
                                      affine_map<(m, n, k) -> (n, k)>,
                                      affine_map<(m, n, k) -> (m, n)>]
       ins(%x, %w : tensor<1x4xf32>, tensor<2x4xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// f16 weights: the scale is rounded to f16 before use, as a model storing it
// would. W = [1, 0, 0]^T: mean 1/3, in f16 0x3555 = 0.333251953125, printed
// "%.6g" as 0.333252 (0.333333 if it were not rounded). W_t = [a, 0, 0],
// relative error 1 - a = 0.66675 -> 0.6667, zeros 2 / 3 = 66.7%.
// FORMS-LABEL: func.func @f16_scale(
// FORMS:         arith.constant dense<{{\[\[}}3.332520e-01], [0.000000e+00], [0.000000e+00]]> : tensor<3x1xf16>
func.func @f16_scale(%x: tensor<1x3xf16>) -> tensor<1x1xf16> {
  %w = arith.constant dense<[[1.0], [0.0], [0.0]]> : tensor<3x1xf16>
  %z = arith.constant 0.0 : f16
  %e = tensor.empty() : tensor<1x1xf16>
  %f = linalg.fill ins(%z : f16) outs(%e : tensor<1x1xf16>) -> tensor<1x1xf16>
  // expected-remark-re @+1 {{tern-ternarize: ternarized layer '{{.*}}' (1 x 3): scale 0.333252, relative error 0.6667, zeros 66.7%}}
  %y = linalg.matmul ins(%x, %w : tensor<1x3xf16>, tensor<3x1xf16>) outs(%f : tensor<1x1xf16>) -> tensor<1x1xf16>
  return %y : tensor<1x1xf16>
}

// -----

// All-zero weights: a = 0, nothing to divide by; the weights stay zero, the
// relative error is reported as 0 (not NaN), every weight is a zero.
// FORMS-LABEL: func.func @all_zero(
// FORMS:         arith.constant dense<0.000000e+00> : tensor<2x2xf32>
func.func @all_zero(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w = arith.constant dense<0.0> : tensor<2x2xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  // expected-remark-re @+1 {{tern-ternarize: ternarized layer '{{.*}}' (2 x 2): scale 0, relative error 0.0000, zeros 100.0%}}
  %y = linalg.matmul ins(%x, %w : tensor<1x2xf32>, tensor<2x2xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

//--- errors.mlir

// Run with layers=fc1,nosuch. A name that selects no layer is an error on
// the function, listing the layers it has; nothing is ternarized, not even
// fc1, which exists (a remark for it would be an unexpected diagnostic).
// expected-error @+1 {{tern-ternarize: no layer named 'nosuch' (layers with constant weights: fc1, fc2)}}
func.func @unknown_layer(%x: tensor<1x4xf32>) -> tensor<1x1xf32> {
  %w1 = arith.constant dense<[[1.0, -3.0, 2.0, 0.5]]> : tensor<1x4xf32>
  %w2 = arith.constant dense<[[2.0]]> : tensor<1x1xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x1xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<1x1xf32>) -> tensor<1x1xf32>
  %y1 = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>,
                                       affine_map<(m, n, k) -> (n, k)>,
                                       affine_map<(m, n, k) -> (m, n)>]
        ins(%x, %w1 : tensor<1x4xf32>, tensor<1x4xf32>) outs(%f : tensor<1x1xf32>) -> tensor<1x1xf32> loc("fc1")
  %y2 = linalg.matmul ins(%y1, %w2 : tensor<1x1xf32>, tensor<1x1xf32>) outs(%f : tensor<1x1xf32>) -> tensor<1x1xf32> loc("model.onnx: node 'fc2' (Gemm)")
  return %y2 : tensor<1x1xf32>
}

// -----

// A function whose only matmul multiplies by an argument has no layers: the
// first name of the list that is missing, fc1, is the error.
// expected-error @+1 {{tern-ternarize: no layer named 'fc1' (layers with constant weights: none)}}
func.func @no_layers(%x: tensor<1x4xf32>, %w: tensor<4x1xf32>) -> tensor<1x1xf32> {
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x1xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<1x1xf32>) -> tensor<1x1xf32>
  %y = linalg.matmul ins(%x, %w : tensor<1x4xf32>, tensor<4x1xf32>) outs(%f : tensor<1x1xf32>) -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}
