// tern-prune errors that -verify-diagnostics checks (tern-prune.mlir runs
// this file with pattern=2:4 layers=fc9).

// A layers= name that selects nothing is an error listing the layers.
// expected-error @+1 {{tern-prune: no layer named 'fc9' (layers with constant weights: fc1)}}
func.func @unknown_layer(%x: tensor<1x4xf32>) -> tensor<1x1xf32> {
  %w = arith.constant dense<[[1.0, -3.0, 2.0, 0.5]]> : tensor<1x4xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x1xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<1x1xf32>) -> tensor<1x1xf32>
  %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
       ins(%x, %w : tensor<1x4xf32>, tensor<1x4xf32>) outs(%f : tensor<1x1xf32>) -> tensor<1x1xf32> loc("fc1")
  return %y : tensor<1x1xf32>
}
