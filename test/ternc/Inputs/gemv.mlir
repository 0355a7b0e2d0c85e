// A ternary GEMV with a long reduction (K = 512, N = 8, one scale): few
// outputs, so the GPU schedule splits the reduction over warp lanes.
func.func @gemv(%x: tensor<1x512xf32> {tern.name = "x"}) -> (tensor<1x8xf32> {tern.name = "y"}) {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<0.5> : tensor<8x512xf32>
  %e = tensor.empty() : tensor<1x8xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x8xf32>) -> tensor<1x8xf32>
  %y = linalg.matmul
         indexing_maps = [affine_map<(m, n, k) -> (m, k)>,
                          affine_map<(m, n, k) -> (n, k)>,
                          affine_map<(m, n, k) -> (m, n)>]
         ins(%x, %w : tensor<1x512xf32>, tensor<8x512xf32>)
         outs(%f : tensor<1x8xf32>) -> tensor<1x8xf32>
  return %y : tensor<1x8xf32>
}
