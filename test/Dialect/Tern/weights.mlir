// RUN: tern-opt %s -split-input-file -verify-diagnostics | FileCheck %s
// RUN: tern-opt %s -split-input-file -verify-diagnostics | tern-opt -split-input-file | FileCheck %s

// tern.weights: what a lowering records of the weights a kernel computes
// with, for the efficiency report (ternc --tern-report=json) and the
// profile: their format, nonzero weights and weight elements. A round trip,
// then one case per error of verifyWeightsInfo (TernAttrs.cpp).

#id = affine_map<(m, n) -> (m, n)>

// CHECK-LABEL: func.func @recorded
// CHECK:         attrs = {tern.weights = {elements = 24 : i64, format = "ternary bitplane, add_sub", nonzeros = 9 : i64}}
func.func @recorded(%a: tensor<4x32xf32>) -> tensor<4x32xf32> {
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<4x32xf32>) outs(%a : tensor<4x32xf32>)
      attrs = {tern.weights = {format = "ternary bitplane, add_sub",
                               nonzeros = 9 : i64, elements = 24 : i64}} {
  ^bb0(%x: f32, %o: f32):
    linalg.yield %x : f32
  } -> tensor<4x32xf32>
  return %r : tensor<4x32xf32>
}

// -----

func.func @not_a_dictionary() {
  // expected-error @+1 {{tern.weights must be {format = "...", nonzeros = N : i64, elements = E : i64}}}
  "arith.constant"() {value = 0 : i64, tern.weights = 3 : i64} : () -> i64
  return
}

// -----

func.func @missing_key() {
  // expected-error @+1 {{tern.weights must be {format = "...", nonzeros = N : i64, elements = E : i64}}}
  "arith.constant"() {value = 0 : i64, tern.weights = {format = "sparse CSR", nonzeros = 3 : i64}} : () -> i64
  return
}

// -----

func.func @extra_key() {
  // expected-error @+1 {{tern.weights must be {format = "...", nonzeros = N : i64, elements = E : i64}}}
  "arith.constant"() {value = 0 : i64, tern.weights = {format = "sparse CSR", nonzeros = 3 : i64, elements = 8 : i64, bits = 2 : i64}} : () -> i64
  return
}

// -----

func.func @empty_format() {
  // expected-error @+1 {{tern.weights: empty format}}
  "arith.constant"() {value = 0 : i64, tern.weights = {format = "", nonzeros = 3 : i64, elements = 8 : i64}} : () -> i64
  return
}

// -----

func.func @too_many_nonzeros() {
  // expected-error @+1 {{tern.weights: nonzeros (9) must be from 0 to elements (8)}}
  "arith.constant"() {value = 0 : i64, tern.weights = {format = "sparse CSR", nonzeros = 9 : i64, elements = 8 : i64}} : () -> i64
  return
}

// -----

func.func @negative() {
  // expected-error @+1 {{tern.weights: nonzeros (-1) must be from 0 to elements (8)}}
  "arith.constant"() {value = 0 : i64, tern.weights = {format = "sparse CSR", nonzeros = -1 : i64, elements = 8 : i64}} : () -> i64
  return
}
