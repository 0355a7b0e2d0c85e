// Input of tensor-size-limit.mlir: an activation of exactly 2 GiB.
func.func @f(%x: tensor<16384x1xf32>, %y: tensor<1x32768xf32>) -> tensor<16384x32768xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<16384x32768xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<16384x32768xf32>) -> tensor<16384x32768xf32>
  %z = linalg.matmul ins(%x, %y : tensor<16384x1xf32>, tensor<1x32768xf32>) outs(%f : tensor<16384x32768xf32>) -> tensor<16384x32768xf32>
  return %z : tensor<16384x32768xf32>
}
