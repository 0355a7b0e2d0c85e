// K = 16388 is 4097 groups of 4: 64 rows x 4097 groups x 256 entries x 4
// bytes = 268500992 bytes, just over the 256 MiB limit.
func.func @lut_too_large(%x: tensor<64x16388xf32>, %w: tensor<2x4097xi8>,
                         %s: tensor<1xf32>) -> tensor<64x2xf32> {
  // expected-error @+1 {{'tern.ternary_matmul' op the lut kernel would build 268500992 bytes of tables for M = 64 rows (limit 268435456); compile this model with another --ternary-kernel (i2, bitplane or base3)}}
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_tensor, packing = i2>,
          kernel = #tern.kernel<lut>}
         : (tensor<64x16388xf32>, tensor<2x4097xi8>, tensor<1xf32>) -> tensor<64x2xf32>
  return %y : tensor<64x2xf32>
}

// -----

func.func @int8_dynamic_m(%x: tensor<?x8xf32>, %w: tensor<3x2xi8>,
                          %s: tensor<3xf32>) -> tensor<?x3xf32> {
  // expected-error @+1 {{'tern.ternary_matmul' op kernel 'int8_dot' needs a static number of rows M; compile with static shapes or --ternary-kernel=i2}}
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_row, packing = i2>,
          kernel = #tern.kernel<int8_dot>}
         : (tensor<?x8xf32>, tensor<3x2xi8>, tensor<3xf32>) -> tensor<?x3xf32>
  return %y : tensor<?x3xf32>
}

// -----

func.func @bitlinear_float_kernel(%x: tensor<1x8xf32>, %w: tensor<3x2xi8>,
                                  %s: tensor<3xf32>) -> tensor<1x3xf32> {
  // expected-error @+1 {{'tern.ternary_matmul' op quantizes its activations as its model does (tern.activation_quant_eps or _scale), which only the int8_dot kernel computes, but has kernel 'add_sub'; run tern-select-ternary-kernel first}}
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_row, packing = i2>,
          tern.activation_quant_eps = 1.0e-5 : f32}
         : (tensor<1x8xf32>, tensor<3x2xi8>, tensor<3xf32>) -> tensor<1x3xf32>
  return %y : tensor<1x3xf32>
}
