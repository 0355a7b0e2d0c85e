// 33 row maxima (arith.maximumf: a NaN-aware select that reads the running value).
func.func @rowmax(%x: tensor<33x3xf32>) -> tensor<33xf32> {
  %init = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<33xf32>
  %f = linalg.fill ins(%init : f32) outs(%e : tensor<33xf32>) -> tensor<33xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(m, k) -> (m, k)>, affine_map<(m, k) -> (m)>],
                       iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<33x3xf32>) outs(%f : tensor<33xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.maximumf %o, %a : f32
    linalg.yield %r : f32
  } -> tensor<33xf32>
  return %y : tensor<33xf32>
}
