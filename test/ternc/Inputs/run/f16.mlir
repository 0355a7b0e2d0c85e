// f16 weights of 2^-10 with large activations: the ternary sum of raw
// activations (20000 x 8) overflows f16 unless it accumulates in f32.
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @f16(%x: tensor<1x8xf32>) -> tensor<1x2xf32> {
  %eh = tensor.empty() : tensor<1x8xf16>
  %xh = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<1x8xf32>) outs(%eh : tensor<1x8xf16>) {
  ^bb0(%v: f32, %o: f16):
    %r = arith.truncf %v : f32 to f16
    linalg.yield %r : f16
  } -> tensor<1x8xf16>
  %w = arith.constant dense<[[0.0009765625, 0.0009765625], [0.0009765625, -0.0009765625], [0.0009765625, 0.0009765625], [0.0009765625, -0.0009765625],
                             [0.0009765625, 0.0009765625], [0.0009765625, -0.0009765625], [0.0009765625, 0.0009765625], [0.0009765625, -0.0009765625]]> : tensor<8x2xf16>
  %z = arith.constant 0.0 : f16
  %e = tensor.empty() : tensor<1x2xf16>
  %f = linalg.fill ins(%z : f16) outs(%e : tensor<1x2xf16>) -> tensor<1x2xf16>
  %m = linalg.matmul ins(%xh, %w : tensor<1x8xf16>, tensor<8x2xf16>) outs(%f : tensor<1x2xf16>) -> tensor<1x2xf16>
  %ef = tensor.empty() : tensor<1x2xf32>
  %y = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%m : tensor<1x2xf16>) outs(%ef : tensor<1x2xf32>) {
  ^bb0(%v: f16, %o: f32):
    %r = arith.extf %v : f16 to f32
    linalg.yield %r : f32
  } -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}
