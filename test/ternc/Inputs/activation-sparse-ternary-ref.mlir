// activation-sparse-ternary.mlir written with a linalg threshold and linalg.matmul.
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
  %w2 = arith.constant dense<[[0.5, -0.5, 0.0, 0.0, 0.5, 0.5, -0.5, 0.0],
                              [0.5, 0.0, 0.0, -0.5, -0.5, 0.5, 0.0, 0.5],
                              [0.0, 0.5, 0.5, 0.0, 0.0, -0.5, 0.5, 0.5],
                              [-0.5, 0.0, -0.5, 0.5, 0.0, 0.5, -0.5, 0.0]]> : tensor<4x8xf32>
  %e3 = tensor.empty() : tensor<1x8xf32>
  %t = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%r : tensor<1x8xf32>) outs(%e3 : tensor<1x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %abs = math.absf %a : f32
    %th = arith.constant 0.3 : f32
    %keep = arith.cmpf ogt, %abs, %th : f32
    %s = arith.select %keep, %a, %z : f32
    linalg.yield %s : f32
  } -> tensor<1x8xf32>
  %e2 = tensor.empty() : tensor<1x4xf32>
  %f2 = linalg.fill ins(%z : f32) outs(%e2 : tensor<1x4xf32>) -> tensor<1x4xf32>
  %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
       ins(%t, %w2 : tensor<1x8xf32>, tensor<4x8xf32>) outs(%f2 : tensor<1x4xf32>) -> tensor<1x4xf32> loc("fc2")
  return %y : tensor<1x4xf32>
}
