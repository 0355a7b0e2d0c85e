// RUN: tern-translate %s --tern-to-kernel-ir --split-input-file --verify-diagnostics
// RUN: tern-translate %s --tern-to-halide-stmt --split-input-file --verify-diagnostics

// What the Halide emitter (LinalgToKernel.cpp, BuildModelPlan.cpp) refuses,
// each error at the op that caused it. Both translations plan the function
// the same way, so both report the same errors.

// An op inside a linalg.generic region that has no kernel expression.
func.func @atan(%x: tensor<4xf32>) -> tensor<4xf32> {
  %e = tensor.empty() : tensor<4xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>,
                                        affine_map<(d0) -> (d0)>],
                       iterator_types = ["parallel"]}
      ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%a: f32, %o: f32):
    // expected-error @+1 {{'math.atan' cannot be translated by the Halide emitter}}
    %r = math.atan %a : f32
    linalg.yield %r : f32
  } -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @bitcast(%x: tensor<4xf32>) -> tensor<4xi32> {
  %e = tensor.empty() : tensor<4xi32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>,
                                        affine_map<(d0) -> (d0)>],
                       iterator_types = ["parallel"]}
      ins(%x : tensor<4xf32>) outs(%e : tensor<4xi32>) {
  ^bb0(%a: f32, %o: i32):
    // expected-error @+1 {{'arith.bitcast' cannot be translated by the Halide emitter}}
    %r = arith.bitcast %a : f32 to i32
    linalg.yield %r : i32
  } -> tensor<4xi32>
  return %y : tensor<4xi32>
}

// -----

// Dynamic shapes: model inputs and outputs...
// expected-error @+1 {{input 0 has type 'tensor<?x4xf32>'; model inputs and outputs must be tensors of static shape}}
func.func @dynamic_input(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  return %x : tensor<?x4xf32>
}

// -----

// expected-error @+1 {{output 0 has type 'tensor<2x?xf32>'; model inputs and outputs must be tensors of static shape}}
func.func @dynamic_output(%x: tensor<2x4xf32>) -> tensor<2x?xf32> {
  %y = tensor.cast %x : tensor<2x4xf32> to tensor<2x?xf32>
  return %y : tensor<2x?xf32>
}

// -----

// ... and tensors inside the function.
func.func @dynamic_kernel(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %c2 = arith.constant 2 : index
  %e = tensor.empty(%c2) : tensor<?x4xf32>
  // expected-error @+1 {{tensor type 'tensor<?x4xf32>' has a dynamic shape; ternc needs static shapes}}
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>,
                                        affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<2x4xf32>) outs(%e : tensor<?x4xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  } -> tensor<?x4xf32>
  %z = tensor.cast %y : tensor<?x4xf32> to tensor<2x4xf32>
  return %z : tensor<2x4xf32>
}

// -----

// A scalar that is not a constant cannot enter a kernel; a function's scalar
// argument is refused as a model input before any kernel is built.
// expected-error @+1 {{input 1 has type 'f32'; model inputs and outputs must be tensors of static shape}}
func.func @scalar_argument(%x: tensor<4xf32>, %s: f32) -> tensor<4xf32> {
  %e = tensor.empty() : tensor<4xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>,
                                        affine_map<(d0) -> ()>,
                                        affine_map<(d0) -> (d0)>],
                       iterator_types = ["parallel"]}
      ins(%x, %s : tensor<4xf32>, f32) outs(%e : tensor<4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.mulf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// Function-level ops the planner does not know.
func.func @concat(%x: tensor<4xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{'tensor.concat' is not supported in a model function by the Halide emitter; supported: linalg.generic, linalg ops that generalize to it, arith.constant, tensor.empty, tensor.collapse_shape, tensor.expand_shape}}
  %y = tensor.concat dim(0) %x, %x
         : (tensor<4xf32>, tensor<4xf32>) -> tensor<8xf32>
  return %y : tensor<8xf32>
}

// -----

func.func @pad(%x: tensor<4xf32>) -> tensor<6xf32> {
  %z = arith.constant 0.0 : f32
  // expected-error @+1 {{'tensor.pad' is not supported in a model function by the Halide emitter; supported: linalg.generic, linalg ops that generalize to it, arith.constant, tensor.empty, tensor.collapse_shape, tensor.expand_shape}}
  %y = tensor.pad %x low[1] high[1] {
  ^bb0(%i: index):
    tensor.yield %z : f32
  } : tensor<4xf32> to tensor<6xf32>
  return %y : tensor<6xf32>
}

// -----

// Named linalg ops must be generalized first (ternc's pipeline does).
func.func @named_matmul(%x: tensor<2x4xf32>, %w: tensor<4x3xf32>,
                        %i: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'linalg.matmul' must be generalized before code generation (run linalg-generalize-named-ops, as ternc's pipeline does)}}
  %y = linalg.matmul ins(%x, %w : tensor<2x4xf32>, tensor<4x3xf32>)
                     outs(%i : tensor<2x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// Element types without a Halide counterpart: bf16 read by a kernel...
func.func @bf16(%x: tensor<4xf32>) -> tensor<4xf32> {
  %c = arith.constant dense<1.0> : tensor<4xbf16>
  %e = tensor.empty() : tensor<4xf32>
  // expected-error @+1 {{type 'bf16' is not supported by the Halide emitter; supported: f16, f32, f64, i1, i8, i16, i32, i64, index}}
  %y = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>,
                                        affine_map<(d0) -> (d0)>,
                                        affine_map<(d0) -> (d0)>],
                       iterator_types = ["parallel"]}
      ins(%x, %c : tensor<4xf32>, tensor<4xbf16>) outs(%e : tensor<4xf32>) {
  ^bb0(%a: f32, %b: bf16, %o: f32):
    %bf = arith.extf %b : bf16 to f32
    %r = arith.addf %a, %bf : f32
    linalg.yield %r : f32
  } -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// ... i4 computed inside a kernel...
func.func @i4_in_region(%x: tensor<4xi8>) -> tensor<4xi8> {
  %e = tensor.empty() : tensor<4xi8>
  %y = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>,
                                        affine_map<(d0) -> (d0)>],
                       iterator_types = ["parallel"]}
      ins(%x : tensor<4xi8>) outs(%e : tensor<4xi8>) {
  ^bb0(%a: i8, %o: i8):
    // expected-error @+1 {{type 'i4' is not supported by the Halide emitter; supported: f16, f32, f64, i1, i8, i16, i32, i64, index}}
    %t = arith.trunci %a : i8 to i4
    %r = arith.extsi %t : i4 to i8
    linalg.yield %r : i8
  } -> tensor<4xi8>
  return %y : tensor<4xi8>
}

// -----

// ... and i4 or bf16 model inputs.
// expected-error @+1 {{input 0 has element type 'i4'; supported: f32, f64, i1, i8, i16, i32, i64}}
func.func @i4_input(%x: tensor<4xi4>) -> tensor<4xi4> {
  return %x : tensor<4xi4>
}

// -----

// expected-error @+1 {{output 0 has element type 'bf16'; supported: f32, f64, i1, i8, i16, i32, i64}}
func.func @bf16_output(%x: tensor<4xf32>) -> tensor<4xbf16> {
  %c = arith.constant dense<1.0> : tensor<4xbf16>
  return %c : tensor<4xbf16>
}

// -----

// A linalg.fill used as data (not as a generic's init) has no storage.
func.func @fill_as_data(%x: tensor<4xf32>) -> tensor<4xf32> {
  %one = arith.constant 1.0 : f32
  %e = tensor.empty() : tensor<4xf32>
  // expected-error @+1 {{linalg.fill is only supported as the init of a linalg.generic; run linalg-generalize-named-ops first}}
  %f = linalg.fill ins(%one : f32) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>,
                                        affine_map<(d0) -> (d0)>,
                                        affine_map<(d0) -> (d0)>],
                       iterator_types = ["parallel"]}
      ins(%x, %f : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.addf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<4xf32>
  return %y : tensor<4xf32>
}
