// The MLP of relu-mlp.mlir with its second layer written as
// tern.activation_sparse_matmul (threshold 0.3), shared by activation-sparse.mlir.
func.func @m(%x: tensor<1x8xf32> {tern.name = "x"}) -> (tensor<1x4xf32> {tern.name = "y"}) {
  %z = arith.constant 0.0 : f32
  %w1 = arith.constant dense<[[0.1, -0.9, 0.3, 0.5, 0.2, 0.4, -0.7, 0.6],
                              [1.0, 2.0, 3.0, 4.0, -5.0, 6.0, -7.0, 8.0],
                              [0.5, 0.25, -0.125, 1.5, 2.5, -0.75, 0.3, 0.2],
                              [-1.0, 0.5, 0.7, -0.2, 0.9, 0.1, 0.6, -0.4],
                              [0.3, 0.3, -0.6, 0.8, -0.9, 0.2, 0.1, 0.5],
                              [0.7, -0.1, 0.2, 0.4, 0.6, -0.8, 0.9, 0.35],
                              [-0.3, 0.45, 0.55, -0.65, 0.75, 0.85, -0.95, 0.15],
                              [0.12, -0.22, 0.32, -0.42, 0.52, -0.62, 0.72, -0.82]]> : tensor<8x8xf32>
  %e1 = tensor.empty() : tensor<1x8xf32>
  %f1 = linalg.fill ins(%z : f32) outs(%e1 : tensor<1x8xf32>) -> tensor<1x8xf32>
  %h = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
       ins(%x, %w1 : tensor<1x8xf32>, tensor<8x8xf32>) outs(%f1 : tensor<1x8xf32>) -> tensor<1x8xf32> loc("fc1")
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%h : tensor<1x8xf32>) outs(%e1 : tensor<1x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.maximumf %a, %z : f32
    linalg.yield %m : f32
  } -> tensor<1x8xf32>
  %w2 = arith.constant dense<[[0.4, -0.3, 0.2, -0.1, 0.9, 0.8, -0.7, 0.6],
                              [1.5, -2.5, 0.5, 0.25, -0.75, 1.25, 0.6, -0.9],
                              [0.11, 0.22, 0.33, 0.44, 0.55, 0.66, 0.77, 0.88],
                              [-0.5, 0.6, -0.7, 0.8, -0.9, 1.0, -1.1, 1.2]]> : tensor<4x8xf32>
  %y = tern.activation_sparse_matmul %r, %w2 {threshold = 0.3 : f32} : (tensor<1x8xf32>, tensor<4x8xf32>) -> tensor<1x4xf32> loc("fc2")
  return %y : tensor<1x4xf32>
}
