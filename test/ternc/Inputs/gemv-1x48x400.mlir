// A GEMV (weights as an argument: the default schedule) with 400 outputs: 12.5
// chunks of 32.
func.func @g(%x: tensor<1x48xf32>, %w: tensor<48x400xf32>) -> tensor<1x400xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x400xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x400xf32>) -> tensor<1x400xf32>
  %y = linalg.matmul ins(%x, %w : tensor<1x48xf32>, tensor<48x400xf32>) outs(%f : tensor<1x400xf32>) -> tensor<1x400xf32>
  return %y : tensor<1x400xf32>
}
