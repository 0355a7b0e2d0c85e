// A BitLinear layer: its model quantizes its activations to int8
// (tern.activation_quant_eps, set by the ONNX importer), and a float layer
// beside it.
func.func @bitlinear(%x: tensor<2x8xf32>) -> (tensor<2x2xf32>, tensor<2x2xf32>) {
  %w = arith.constant dense<[[9, -127], [0, 0]]> : tensor<2x2xi8>
  %s = arith.constant dense<0.5> : tensor<1xf32>
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_tensor, packing = i2>,
          tern.activation_quant_eps = 1.0e-5 : f32}
         : (tensor<2x8xf32>, tensor<2x2xi8>, tensor<1xf32>) -> tensor<2x2xf32>
  %z = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_tensor, packing = i2>}
         : (tensor<2x8xf32>, tensor<2x2xi8>, tensor<1xf32>) -> tensor<2x2xf32>
  return %y, %z : tensor<2x2xf32>, tensor<2x2xf32>
}
