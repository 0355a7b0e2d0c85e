// i32 addition wraps as in MLIR: (x + 1 > x) is false for INT32_MAX.
#id = affine_map<(d0) -> (d0)>
func.func @wrap(%x: tensor<4xi32>) -> tensor<4xi1> {
  %e = tensor.empty() : tensor<4xi1>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%x : tensor<4xi32>) outs(%e : tensor<4xi1>) {
  ^bb0(%v: i32, %o: i1):
    %c1 = arith.constant 1 : i32
    %s = arith.addi %v, %c1 : i32
    %gt = arith.cmpi sgt, %s, %v : i32
    linalg.yield %gt : i1
  } -> tensor<4xi1>
  return %r : tensor<4xi1>
}
