// A two-layer ternary MLP (4 -> 3 -> 2) shared by the ternc tests. Layer 1
// has N x K weights (transposed-B maps) with per-row scales 0.5, 0.25, 1 and
// a bias + ReLU; layer 2 has K x N weights with one scale, 0.75.
func.func @mlp(%x: tensor<1x4xf32> {tern.name = "pixels"})
    -> (tensor<1x2xf32> {tern.name = "logits"}) {
  %zero = arith.constant 0.0 : f32
  %w1 = arith.constant dense<[[0.5, -0.5, 0.0, 0.5], [0.0, 0.25, 0.25, -0.25],
                              [-1.0, 0.0, 0.0, 1.0]]> : tensor<3x4xf32>
  %b1 = arith.constant dense<[0.125, -0.25, 0.5]> : tensor<3xf32>
  %e1 = tensor.empty() : tensor<1x3xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<1x3xf32>) -> tensor<1x3xf32>
  %m1 = linalg.matmul
          indexing_maps = [affine_map<(m, n, k) -> (m, k)>,
                           affine_map<(m, n, k) -> (n, k)>,
                           affine_map<(m, n, k) -> (m, n)>]
          ins(%x, %w1 : tensor<1x4xf32>, tensor<3x4xf32>)
          outs(%f1 : tensor<1x3xf32>) -> tensor<1x3xf32>
  %h1 = linalg.generic {
          indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>,
                           affine_map<(d0, d1) -> (d1)>,
                           affine_map<(d0, d1) -> (d0, d1)>],
          iterator_types = ["parallel", "parallel"]}
          ins(%m1, %b1 : tensor<1x3xf32>, tensor<3xf32>)
          outs(%e1 : tensor<1x3xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  } -> tensor<1x3xf32>
  %w2 = arith.constant dense<[[0.75, 0.0], [-0.75, 0.75], [0.0, -0.75]]> : tensor<3x2xf32>
  %e2 = tensor.empty() : tensor<1x2xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<1x2xf32>) -> tensor<1x2xf32>
  %m2 = linalg.matmul ins(%h1, %w2 : tensor<1x3xf32>, tensor<3x2xf32>)
                      outs(%f2 : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %m2 : tensor<1x2xf32>
}
