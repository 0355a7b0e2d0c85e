// RUN: tern-opt %s -split-input-file -verify-diagnostics

// One case per verifier error of tern.ternary_matmul (TernOps.cpp), in the
// order the verifier checks them, then the ODS constraints.

func.func @input_rank(%x: tensor<2x2x4xf32>, %w: tensor<3x1xi8>,
                      %s: tensor<3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'tern.ternary_matmul' op expected a rank-2 input (M x K), found rank 3}}
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_row, packing = i2>}
         : (tensor<2x2x4xf32>, tensor<3x1xi8>, tensor<3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

func.func @weights_rank(%x: tensor<2x4xf32>, %w: tensor<3xi8>,
                        %s: tensor<3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'tern.ternary_matmul' op expected rank-2 weights (N x bytes per row), found rank 1}}
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_row, packing = i2>}
         : (tensor<2x4xf32>, tensor<3xi8>, tensor<3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

func.func @scales_rank(%x: tensor<2x4xf32>, %w: tensor<3x1xi8>,
                       %s: tensor<3x1xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'tern.ternary_matmul' op expected rank-1 scales, found rank 2}}
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_row, packing = i2>}
         : (tensor<2x4xf32>, tensor<3x1xi8>, tensor<3x1xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

func.func @result_rank(%x: tensor<2x4xf32>, %w: tensor<3x1xi8>,
                       %s: tensor<3xf32>) -> tensor<6xf32> {
  // expected-error @+1 {{'tern.ternary_matmul' op expected a rank-2 result (M x N), found rank 1}}
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_row, packing = i2>}
         : (tensor<2x4xf32>, tensor<3x1xi8>, tensor<3xf32>) -> tensor<6xf32>
  return %y : tensor<6xf32>
}

// -----

func.func @dynamic_k(%x: tensor<2x?xf32>, %w: tensor<3x1xi8>,
                     %s: tensor<3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'tern.ternary_matmul' op expected a static reduction size K, found input shape [2, ?]}}
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_row, packing = i2>}
         : (tensor<2x?xf32>, tensor<3x1xi8>, tensor<3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

func.func @dynamic_n(%x: tensor<2x4xf32>, %w: tensor<?x1xi8>,
                     %s: tensor<3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'tern.ternary_matmul' op expected static weights, found shape [?, 1]}}
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_row, packing = i2>}
         : (tensor<2x4xf32>, tensor<?x1xi8>, tensor<3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

func.func @dynamic_bytes_per_row(%x: tensor<2x4xf32>, %w: tensor<3x?xi8>,
                                 %s: tensor<3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'tern.ternary_matmul' op expected static weights, found shape [3, ?]}}
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_row, packing = i2>}
         : (tensor<2x4xf32>, tensor<3x?xi8>, tensor<3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// K = 10 needs ceil(10 / 4) = 3 bytes per row, not 2 (10 / 4 rounded down).
func.func @bytes_per_row_rounded_down(%x: tensor<2x10xf32>, %w: tensor<3x2xi8>,
                                      %s: tensor<3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'tern.ternary_matmul' op expected weights of shape [3, 3] (i2 packing for K = 10), found [3, 2]}}
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_row, packing = i2>}
         : (tensor<2x10xf32>, tensor<3x2xi8>, tensor<3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// Unpacked weights (one byte per trit) are not i2.
func.func @unpacked_weights(%x: tensor<2x8xf32>, %w: tensor<3x8xi8>,
                            %s: tensor<3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'tern.ternary_matmul' op expected weights of shape [3, 2] (i2 packing for K = 8), found [3, 8]}}
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_row, packing = i2>}
         : (tensor<2x8xf32>, tensor<3x8xi8>, tensor<3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

func.func @per_row_scale_count(%x: tensor<2x4xf32>, %w: tensor<3x1xi8>,
                               %s: tensor<1xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'tern.ternary_matmul' op expected 3 scales (per_row for N = 3), found 1}}
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_row, packing = i2>}
         : (tensor<2x4xf32>, tensor<3x1xi8>, tensor<1xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

func.func @per_tensor_scale_count(%x: tensor<2x4xf32>, %w: tensor<3x1xi8>,
                                  %s: tensor<3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'tern.ternary_matmul' op expected 1 scale (per_tensor for N = 3), found 3}}
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_tensor, packing = i2>}
         : (tensor<2x4xf32>, tensor<3x1xi8>, tensor<3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

func.func @dynamic_scales(%x: tensor<2x4xf32>, %w: tensor<3x1xi8>,
                          %s: tensor<?xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'tern.ternary_matmul' op expected a static number of scales}}
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_row, packing = i2>}
         : (tensor<2x4xf32>, tensor<3x1xi8>, tensor<?xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

func.func @scale_element_type(%x: tensor<2x4xf32>, %w: tensor<3x1xi8>,
                              %s: tensor<3xf16>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'tern.ternary_matmul' op expected scales of the input's element type 'f32', found 'f16'}}
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_row, packing = i2>}
         : (tensor<2x4xf32>, tensor<3x1xi8>, tensor<3xf16>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

func.func @result_element_type(%x: tensor<2x4xf32>, %w: tensor<3x1xi8>,
                               %s: tensor<3xf32>) -> tensor<2x3xf64> {
  // expected-error @+1 {{'tern.ternary_matmul' op expected a result of the input's element type 'f32', found 'f64'}}
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_row, packing = i2>}
         : (tensor<2x4xf32>, tensor<3x1xi8>, tensor<3xf32>) -> tensor<2x3xf64>
  return %y : tensor<2x3xf64>
}

// -----

// N is known from the weights, so the result must say it too.
func.func @result_dynamic_n(%x: tensor<2x4xf32>, %w: tensor<3x1xi8>,
                            %s: tensor<3xf32>) -> tensor<2x?xf32> {
  // expected-error @+1 {{'tern.ternary_matmul' op expected a result of shape [2, 3] (M x N), found [2, ?]}}
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_row, packing = i2>}
         : (tensor<2x4xf32>, tensor<3x1xi8>, tensor<3xf32>) -> tensor<2x?xf32>
  return %y : tensor<2x?xf32>
}

// -----

func.func @result_n(%x: tensor<2x4xf32>, %w: tensor<3x1xi8>,
                    %s: tensor<3xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{'tern.ternary_matmul' op expected a result of shape [2, 3] (M x N), found [2, 4]}}
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_row, packing = i2>}
         : (tensor<2x4xf32>, tensor<3x1xi8>, tensor<3xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

func.func @result_m(%x: tensor<2x4xf32>, %w: tensor<3x1xi8>,
                    %s: tensor<3xf32>) -> tensor<5x3xf32> {
  // expected-error @+1 {{'tern.ternary_matmul' op expected a result of shape [2, 3] (M x N), found [5, 3]}}
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_row, packing = i2>}
         : (tensor<2x4xf32>, tensor<3x1xi8>, tensor<3xf32>) -> tensor<5x3xf32>
  return %y : tensor<5x3xf32>
}

// -----

// With a dynamic M only N is compared.
func.func @result_n_dynamic_m(%x: tensor<?x4xf32>, %w: tensor<3x1xi8>,
                              %s: tensor<3xf32>) -> tensor<?x2xf32> {
  // expected-error @+1 {{'tern.ternary_matmul' op expected a result of shape [?, 3] (M x N), found [?, 2]}}
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_row, packing = i2>}
         : (tensor<?x4xf32>, tensor<3x1xi8>, tensor<3xf32>) -> tensor<?x2xf32>
  return %y : tensor<?x2xf32>
}

// -----

// Row 1, byte 1 = 0b00110000 = 48: slot 2 of byte 1 (trit 6) holds 0b11.
func.func @invalid_code(%x: tensor<2x8xf32>) -> tensor<2x2xf32> {
  %w = arith.constant dense<[[1, 2], [0, 48]]> : tensor<2x2xi8>
  %s = arith.constant dense<1.0> : tensor<1xf32>
  // expected-error @+1 {{'tern.ternary_matmul' op weights row 1 holds the invalid code 0b11 for trit 6 (byte 1)}}
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_tensor, packing = i2>}
         : (tensor<2x8xf32>, tensor<2x2xi8>, tensor<1xf32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

// -1 = 0b11111111: every slot of every byte is invalid; the first is
// reported.
func.func @invalid_code_splat(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %w = arith.constant dense<-1> : tensor<3x1xi8>
  %s = arith.constant dense<1.0> : tensor<1xf32>
  // expected-error @+1 {{'tern.ternary_matmul' op weights row 0 holds the invalid code 0b11 for trit 0 (byte 0)}}
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_tensor, packing = i2>}
         : (tensor<2x4xf32>, tensor<3x1xi8>, tensor<1xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// K = 6: byte 1 holds trits 4 and 5 in bits 0-3; bits 4-7 are padding.
// Row 0, byte 1 = 0b00010000 = 16 puts +1 in trit 6.
func.func @nonzero_padding(%x: tensor<2x6xf32>) -> tensor<2x2xf32> {
  %w = arith.constant dense<[[0, 16], [0, 0]]> : tensor<2x2xi8>
  %s = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  // expected-error @+1 {{'tern.ternary_matmul' op weights row 0 has a nonzero padding trit 6 past K = 6}}
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_row, packing = i2>}
         : (tensor<2x6xf32>, tensor<2x2xi8>, tensor<2xf32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

// ODS: the input must be floating point.
func.func @integer_input(%x: tensor<2x4xi32>, %w: tensor<3x1xi8>,
                         %s: tensor<3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'tern.ternary_matmul' op operand #0 must be ranked tensor of floating-point values, but got 'tensor<2x4xi32>'}}
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_row, packing = i2>}
         : (tensor<2x4xi32>, tensor<3x1xi8>, tensor<3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// ODS: the weights must be i8.
func.func @i32_weights(%x: tensor<2x4xf32>, %w: tensor<3x1xi32>,
                       %s: tensor<3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'tern.ternary_matmul' op operand #1 must be ranked tensor of 8-bit signless integer values, but got 'tensor<3x1xi32>'}}
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_row, packing = i2>}
         : (tensor<2x4xf32>, tensor<3x1xi32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// ODS: ui8 is not signless i8.
func.func @ui8_weights(%x: tensor<2x4xf32>, %w: tensor<3x1xui8>,
                       %s: tensor<3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'tern.ternary_matmul' op operand #1 must be ranked tensor of 8-bit signless integer values, but got 'tensor<3x1xui8>'}}
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_row, packing = i2>}
         : (tensor<2x4xf32>, tensor<3x1xui8>, tensor<3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// ODS: integer scales.
func.func @integer_scales(%x: tensor<2x4xf32>, %w: tensor<3x1xi8>,
                          %s: tensor<3xi32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'tern.ternary_matmul' op operand #2 must be ranked tensor of floating-point values, but got 'tensor<3xi32>'}}
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_row, packing = i2>}
         : (tensor<2x4xf32>, tensor<3x1xi8>, tensor<3xi32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// ODS: the encoding is required.
func.func @missing_encoding(%x: tensor<2x4xf32>, %w: tensor<3x1xi8>,
                            %s: tensor<3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'tern.ternary_matmul' op requires attribute 'encoding'}}
  %y = tern.ternary_matmul %x, %w, %s
         : (tensor<2x4xf32>, tensor<3x1xi8>, tensor<3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// ODS: the encoding must be a #tern.ternary.
func.func @wrong_encoding(%x: tensor<2x4xf32>, %w: tensor<3x1xi8>,
                          %s: tensor<3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{custom op 'tern.ternary_matmul' 'tern.ternary_matmul' op attribute 'encoding' failed to satisfy constraint: Encoding of a ternary weight matrix}}
  %y = tern.ternary_matmul %x, %w, %s {encoding = 1 : i32}
         : (tensor<2x4xf32>, tensor<3x1xi8>, tensor<3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// Bit planes: K = 10 needs 2 bytes per plane, 4 per row.
func.func @bitplane_wrong_bytes(%x: tensor<2x10xf32>, %w: tensor<3x2xi8>,
                                %s: tensor<3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'tern.ternary_matmul' op expected weights of shape [3, 4] (bitplane packing for K = 10), found [3, 2]}}
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_row, packing = bitplane>}
         : (tensor<2x10xf32>, tensor<3x2xi8>, tensor<3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// Row 0 sets bit 2 in both planes: trit 2 would be +1 and -1.
func.func @bitplane_both_planes(%x: tensor<1x8xf32>) -> tensor<1x1xf32> {
  %w = arith.constant dense<[[4, 4]]> : tensor<1x2xi8>
  %s = arith.constant dense<1.0> : tensor<1xf32>
  // expected-error @+1 {{'tern.ternary_matmul' op weights row 0 sets both bit planes for trit 2}}
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_tensor, packing = bitplane>}
         : (tensor<1x8xf32>, tensor<1x2xi8>, tensor<1xf32>) -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}

// -----

// K = 6: bits 6 and 7 of each plane are padding; row 0 sets bit 7 (+1).
func.func @bitplane_padding(%x: tensor<1x6xf32>) -> tensor<1x1xf32> {
  %w = arith.constant dense<[[-128, 0]]> : tensor<1x2xi8>
  %s = arith.constant dense<1.0> : tensor<1xf32>
  // expected-error @+1 {{'tern.ternary_matmul' op weights row 0 has a nonzero padding trit 7 past K = 6}}
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_tensor, packing = bitplane>}
         : (tensor<1x6xf32>, tensor<1x2xi8>, tensor<1xf32>) -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}

// -----

// Base 3: -13 is byte 243 = 3^5, not a number of five base-3 digits.
func.func @base3_byte_too_large(%x: tensor<1x5xf32>) -> tensor<1x1xf32> {
  %w = arith.constant dense<[[-13]]> : tensor<1x1xi8>
  %s = arith.constant dense<1.0> : tensor<1xf32>
  // expected-error @+1 {{'tern.ternary_matmul' op weights row 0 holds byte 0 = 243, not below 3^5 = 243}}
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_tensor, packing = base3>}
         : (tensor<1x5xf32>, tensor<1x1xi8>, tensor<1xf32>) -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}

// -----

// Base 3, K = 3: digits 3 and 4 are padding; 27 = 1 * 3^3 puts +1 there.
func.func @base3_padding(%x: tensor<1x3xf32>) -> tensor<1x1xf32> {
  %w = arith.constant dense<[[27]]> : tensor<1x1xi8>
  %s = arith.constant dense<1.0> : tensor<1xf32>
  // expected-error @+1 {{'tern.ternary_matmul' op weights row 0 has a nonzero padding trit 3 past K = 3}}
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_tensor, packing = base3>}
         : (tensor<1x3xf32>, tensor<1x1xi8>, tensor<1xf32>) -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}

// -----

// The lut kernel indexes its tables with whole bytes of codes: not bit
// planes.
func.func @lut_on_bitplane(%x: tensor<1x8xf32>, %w: tensor<1x2xi8>,
                           %s: tensor<1xf32>) -> tensor<1x1xf32> {
  // expected-error @+1 {{'tern.ternary_matmul' op kernel 'lut' needs the i2 or base3 packing, found bitplane}}
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_tensor, packing = bitplane>,
          kernel = #tern.kernel<lut>}
         : (tensor<1x8xf32>, tensor<1x2xi8>, tensor<1xf32>) -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}

// -----

// An unknown kernel name.
func.func @unknown_kernel(%x: tensor<1x8xf32>, %w: tensor<1x2xi8>,
                          %s: tensor<1xf32>) -> tensor<1x1xf32> {
  // expected-error @+3 {{expected ::mlir::tern::TernaryKernel to be one of: add_sub, int8_dot, lut}}
  // expected-error @+2 {{failed to parse Tern_TernaryKernelAttr parameter 'value' which is to be a `::mlir::tern::TernaryKernel`}}
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_tensor, packing = i2>, kernel = #tern.kernel<fast>}
         : (tensor<1x8xf32>, tensor<1x2xi8>, tensor<1xf32>) -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}

// -----

func.func @skip_not_generic(%x: tensor<2x8xf32>, %w: tensor<8x4xf32>, %f: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{tern.skip_zero_input must be an integer attribute on a linalg.generic}}
  %y = linalg.matmul {tern.skip_zero_input = 0 : i64} ins(%x, %w : tensor<2x8xf32>, tensor<8x4xf32>) outs(%f : tensor<2x4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

func.func @skip_no_such_input(%x: tensor<2x8xf32>, %f: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{tern.skip_zero_input = 1 names no input operand (the op has 1)}}
  %y = linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x : tensor<2x8xf32>) outs(%f : tensor<2x4xf32>) attrs = {tern.skip_zero_input = 1 : i64} {
  ^bb0(%a: f32, %acc: f32):
    %s = arith.addf %acc, %a : f32
    linalg.yield %s : f32
  } -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

func.func @skip_not_an_integer(%x: tensor<2x8xf32>, %f: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{tern.skip_zero_input must be an integer attribute on a linalg.generic}}
  %y = linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x : tensor<2x8xf32>) outs(%f : tensor<2x4xf32>) attrs = {tern.skip_zero_input = "x"} {
  ^bb0(%a: f32, %acc: f32):
    %s = arith.addf %acc, %a : f32
    linalg.yield %s : f32
  } -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

func.func @quant_eps_not_f32(%x: tensor<2x8xf32>, %w: tensor<8x4xf32>, %f: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{tern.activation_quant_eps must be an f32 attribute}}
  %y = linalg.matmul {tern.activation_quant_eps = 1.0e-5 : f64} ins(%x, %w : tensor<2x8xf32>, tensor<8x4xf32>) outs(%f : tensor<2x4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

func.func @quant_eps_negative(%x: tensor<2x8xf32>, %w: tensor<8x4xf32>, %f: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{tern.activation_quant_eps must be a finite, non-negative number, found -1}}
  %y = linalg.matmul {tern.activation_quant_eps = -1.0 : f32} ins(%x, %w : tensor<2x8xf32>, tensor<8x4xf32>) outs(%f : tensor<2x4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

func.func @quant_eps_on_generic(%x: tensor<2x8xf32>, %f: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{tern.activation_quant_eps applies to linalg.matmul and tern.ternary_matmul layers, not linalg.generic}}
  %y = linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x : tensor<2x8xf32>) outs(%f : tensor<2x4xf32>) attrs = {tern.activation_quant_eps = 1.0e-5 : f32} {
  ^bb0(%a: f32, %acc: f32):
    %s = arith.addf %acc, %a : f32
    linalg.yield %s : f32
  } -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

func.func @quant_scale_zero(%x: tensor<2x8xf32>, %w: tensor<8x4xf32>, %f: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{tern.activation_quant_scale must be a finite, positive number, found 0}}
  %y = linalg.matmul {tern.activation_quant_scale = 0.0 : f32} ins(%x, %w : tensor<2x8xf32>, tensor<8x4xf32>) outs(%f : tensor<2x4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}
