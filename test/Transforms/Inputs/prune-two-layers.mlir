// The two-layer function of tern-prune.mlir, for its layers= test.

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
