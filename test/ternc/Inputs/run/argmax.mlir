// Argmax with the outputs in (index, value) order: each reads the other.
#id = affine_map<(d0) -> (d0)>
#sc = affine_map<(d0) -> ()>
func.func @argmax(%x: tensor<8xf32>) -> (tensor<f32>, tensor<i32>, tensor<8xf32>) {
  %ninf = arith.constant 0xFF800000 : f32
  %zi = arith.constant 0 : i32
  %e0 = tensor.empty() : tensor<f32>
  %ei = tensor.empty() : tensor<i32>
  %f0 = linalg.fill ins(%ninf : f32) outs(%e0 : tensor<f32>) -> tensor<f32>
  %fi = linalg.fill ins(%zi : i32) outs(%ei : tensor<i32>) -> tensor<i32>
  %m:2 = linalg.generic {indexing_maps = [#id, #sc, #sc], iterator_types = ["reduction"]}
      ins(%x : tensor<8xf32>) outs(%fi, %f0 : tensor<i32>, tensor<f32>) {
  ^bb0(%v: f32, %idx: i32, %best: f32):
    %i = linalg.index 0 : index
    %ii = arith.index_cast %i : index to i32
    %gt = arith.cmpf ogt, %v, %best : f32
    %nb = arith.select %gt, %v, %best : f32
    %ni = arith.select %gt, %ii, %idx : i32
    linalg.yield %ni, %nb : i32, f32
  } -> (tensor<i32>, tensor<f32>)
  %e8 = tensor.empty() : tensor<8xf32>
  %d = linalg.generic {indexing_maps = [#id, #sc, #id], iterator_types = ["parallel"]}
      ins(%x, %m#1 : tensor<8xf32>, tensor<f32>) outs(%e8 : tensor<8xf32>) {
  ^bb0(%v: f32, %b: f32, %o: f32):
    %r = arith.subf %v, %b : f32
    linalg.yield %r : f32
  } -> tensor<8xf32>
  return %m#1, %m#0, %d : tensor<f32>, tensor<i32>, tensor<8xf32>
}
