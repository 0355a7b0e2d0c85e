// Inputs of tern-quantize.mlir's -verify-diagnostics run.

// expected-error @+1 {{input 0 has no calibrated range: integer mode needs the largest |value| of every input}}
func.func @no_input_range(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  return %x : tensor<1x4xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @exp(%x: tensor<1x4xf32> {tern.absmax = 1.0 : f64}) -> tensor<1x4xf32> {
  %e = tensor.empty() : tensor<1x4xf32>
  // expected-error @+1 {{'math.exp' computes on float values; integer mode (--target=hls, --integer) has no form for it: compile this model for the CPU in float (--target=host)}}
  %y = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<1x4xf32>) outs(%e : tensor<1x4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = math.exp %a : f32
    linalg.yield %r : f32
  } -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>
func.func @no_requantize_range(%x: tensor<1x2xf32> {tern.absmax = 1.0 : f64})
    -> tensor<1x2xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<[[0.5, -0.25], [0.125, 1.0]]> : tensor<2x2xf32>
  %e = tensor.empty() : tensor<1x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  %m = linalg.matmul ins(%x, %w : tensor<1x2xf32>, tensor<2x2xf32>)
                     outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
  // expected-error @+1 {{its producer has no calibrated range (tern.absmax); compile with ternc --calibrate=FILE}}
  %m2 = linalg.matmul ins(%m, %w : tensor<1x2xf32>, tensor<2x2xf32>)
                      outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %m2 : tensor<1x2xf32>
}

// -----

func.func @sort(%x: tensor<4xf32> {tern.absmax = 1.0 : f64}) -> tensor<4xf32> {
  // expected-error @+1 {{'math.absf' has no integer form}}
  %y = math.absf %x : tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @nonzero_init(%x: tensor<1x2xf32> {tern.absmax = 1.0 : f64}, %acc: tensor<1x2xf32> {tern.absmax = 1.0 : f64}) -> tensor<1x2xf32> {
  %w = arith.constant dense<[[0.5, -0.25], [0.125, 1.0]]> : tensor<2x2xf32>
  // expected-error @+1 {{tern-quantize: the matmul accumulates into an init that is not a zero linalg.fill; integer mode has no form for it}}
  %m = linalg.matmul ins(%x, %w : tensor<1x2xf32>, tensor<2x2xf32>)
                     outs(%acc : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %m : tensor<1x2xf32>
}

// -----

func.func @weights_not_constant(%x: tensor<1x2xf32> {tern.absmax = 1.0 : f64}, %w: tensor<2x2xf32> {tern.absmax = 1.0 : f64}) -> tensor<1x2xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  // expected-error @+1 {{tern-quantize: integer mode needs constant matmul weights}}
  %m = linalg.matmul ins(%x, %w : tensor<1x2xf32>, tensor<2x2xf32>)
                     outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %m : tensor<1x2xf32>
}
