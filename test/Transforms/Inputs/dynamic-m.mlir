// A ternary layer with a dynamic number of rows (for the int8 error of
// tern-select-ternary-kernel.mlir).
func.func @dynamic_m(%x: tensor<?x8xf32>) -> tensor<?x2xf32> {
  %w = arith.constant dense<[[9, -127], [0, 0]]> : tensor<2x2xi8>
  %s = arith.constant dense<0.5> : tensor<1xf32>
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_tensor, packing = i2>}
         : (tensor<?x8xf32>, tensor<2x2xi8>, tensor<1xf32>) -> tensor<?x2xf32>
  return %y : tensor<?x2xf32>
}
