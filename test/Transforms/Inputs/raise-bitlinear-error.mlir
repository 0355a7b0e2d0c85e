// A matmul marked as quantizing its activations (BitLinear) whose weights
// are not ternary: the quantization nodes are gone from the model, so a
// dense layer would compute without them; tern-raise refuses.
func.func @bitlinear_not_ternary(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w = arith.constant dense<[[0.5, 0.25], [-0.5, 0.5]]> : tensor<2x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  // expected-error @+1 {{tern-raise: this layer quantizes its activations (BitLinear or QDQ), which Tern computes in the int8 ternary kernel, but its weights cannot be raised to ternary: row 1 has more than one nonzero magnitude (2.500000e-01 and 5.000000e-01): not ternary}}
  %y = linalg.matmul {tern.activation_quant_eps = 1.0e-5 : f32}
                     ins(%x, %w : tensor<1x2xf32>, tensor<2x2xf32>)
                     outs(%init : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}
