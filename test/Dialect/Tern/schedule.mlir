// RUN: tern-opt %s -split-input-file -verify-diagnostics | FileCheck %s
// Round trip: what is printed parses again and prints the same.
// RUN: tern-opt %s -split-input-file -verify-diagnostics | tern-opt -split-input-file | FileCheck %s

// #tern.schedule (TernAttrs.td): parse and print, then one case per error
// of ScheduleAttr::verify (TernAttrs.cpp) in the order it checks them, per
// error of TernDialect::verifyOperationAttribute for the tern.schedule and
// tern.hls_reuse attributes, and the parser's error for a bad boolean.

// A complete schedule on a kernel, as tern-select-schedule writes it. Every
// field at its default (device = cpu, 0, parallel = false) is omitted when
// printed.

#id = affine_map<(m, n) -> (m, n)>

// CHECK-LABEL: func.func @complete_cpu
// CHECK:         linalg.generic
// CHECK-SAME:      attrs = {tern.schedule = #tern.schedule<recipe = gemv_blocks, vector_width = 16, update_vector_width = 8, parallel = true, unroll = 4, vector_blocks = 16, dot_product = 4, rows = 2>}
func.func @complete_cpu(%a: tensor<4x32xf32>) -> tensor<4x32xf32> {
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<4x32xf32>) outs(%a : tensor<4x32xf32>)
      attrs = {tern.schedule = #tern.schedule<device = cpu, recipe = gemv_blocks,
                 vector_width = 16, update_vector_width = 8, parallel = true,
                 unroll = 4, vector_blocks = 16, dot_product = 4, rows = 2,
                 gpu_threads = 0, hls_reuse = 0>} {
  ^bb0(%x: f32, %o: f32):
    %n = arith.negf %x : f32
    linalg.yield %n : f32
  } -> tensor<4x32xf32>
  return %r : tensor<4x32xf32>
}

// -----

// The other devices, and a layer's own HLS reuse factor beside its
// schedule.

#id = affine_map<(m, n) -> (m, n)>

// CHECK-LABEL: func.func @gpu_and_hls
// CHECK:         attrs = {tern.schedule = #tern.schedule<device = gpu, recipe = gpu, gpu_threads = 128>}
// CHECK:         attrs = {tern.hls_reuse = 3 : i64, tern.schedule = #tern.schedule<device = hls, recipe = hls, dot_product = 4, hls_reuse = 3>}
func.func @gpu_and_hls(%a: tensor<4x32xf32>) -> (tensor<4x32xf32>, tensor<4x32xf32>) {
  %g = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<4x32xf32>) outs(%a : tensor<4x32xf32>)
      attrs = {tern.schedule = #tern.schedule<device = gpu, recipe = gpu, gpu_threads = 128>} {
  ^bb0(%x: f32, %o: f32):
    %n = arith.negf %x : f32
    linalg.yield %n : f32
  } -> tensor<4x32xf32>
  %h = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<4x32xf32>) outs(%a : tensor<4x32xf32>)
      attrs = {tern.hls_reuse = 3 : i64,
               tern.schedule = #tern.schedule<device = hls, recipe = hls, dot_product = 4, hls_reuse = 3>} {
  ^bb0(%x: f32, %o: f32):
    %n = arith.negf %x : f32
    linalg.yield %n : f32
  } -> tensor<4x32xf32>
  return %g, %h : tensor<4x32xf32>, tensor<4x32xf32>
}

// -----

// Partial schedules (no recipe), as the lowering passes write them; the
// parameters are a struct: any order parses, the declared order prints;
// explicit defaults and an empty schedule print as `#tern.schedule<>`. A
// partial schedule may name a device (recipe none belongs to none).
// Elsewhere than as tern.schedule (here a function's `s*` attributes) the
// attribute is not checked against its op.

// CHECK-LABEL: func.func @partial
// CHECK-SAME:    s0 = #tern.schedule<vector_width = 16, unroll = 4>
// CHECK-SAME:    s1 = #tern.schedule<unroll = 4, vector_blocks = 16>
// CHECK-SAME:    s2 = #tern.schedule<vector_width = 16, dot_product = 4>
// CHECK-SAME:    s3 = #tern.schedule<unroll = 5>
// CHECK-SAME:    s4 = #tern.schedule<recipe = plain, vector_width = 8, unroll = 4>
// CHECK-SAME:    s5 = #tern.schedule<>
// CHECK-SAME:    s6 = #tern.schedule<>
// CHECK-SAME:    s7 = #tern.schedule<device = gpu>
// CHECK-SAME:    s8 = #tern.schedule<hls_reuse = 1048576>
func.func @partial() attributes {
    s0 = #tern.schedule<vector_width = 16, unroll = 4>,
    s1 = #tern.schedule<unroll = 4, vector_blocks = 16>,
    s2 = #tern.schedule<vector_width = 16, dot_product = 4>,
    s3 = #tern.schedule<unroll = 5>,
    s4 = #tern.schedule<unroll = 4, vector_width = 8, recipe = plain>,
    s5 = #tern.schedule<>,
    s6 = #tern.schedule<device = cpu, recipe = none, vector_width = 0, parallel = false>,
    s7 = #tern.schedule<device = gpu>,
    s8 = #tern.schedule<hls_reuse = 1048576>} {
  return
}

// -----

// The upper bounds themselves are in range.
// CHECK-LABEL: func.func @bounds
// CHECK-SAME:    s = #tern.schedule<recipe = plain, vector_width = 1024, update_vector_width = 1024, unroll = 64, vector_blocks = 16, dot_product = 16, rows = 64>
// CHECK-SAME:    t = #tern.schedule<device = gpu, recipe = gpu, gpu_threads = 1024>
func.func @bounds() attributes {
    s = #tern.schedule<recipe = plain, vector_width = 1024, update_vector_width = 1024, unroll = 64, vector_blocks = 16, dot_product = 16, rows = 64>,
    t = #tern.schedule<device = gpu, recipe = gpu, gpu_threads = 1024>} {
  return
}

//===----------------------------------------------------------------------===//
// ScheduleAttr::verify: fields out of range
//===----------------------------------------------------------------------===//

// -----

// expected-error @+1 {{#tern.schedule vector_width = 1025 is out of range: expected 0 (unset) to 1024}}
func.func @vector_width() attributes {s = #tern.schedule<vector_width = 1025>} {
  return
}

// -----

// Negative numbers are out of range too.
// expected-error @+1 {{#tern.schedule vector_width = -1 is out of range: expected 0 (unset) to 1024}}
func.func @negative_vector_width() attributes {s = #tern.schedule<vector_width = -1>} {
  return
}

// -----

// expected-error @+1 {{#tern.schedule update_vector_width = 2048 is out of range: expected 0 (unset) to 1024}}
func.func @update_vector_width() attributes {s = #tern.schedule<update_vector_width = 2048>} {
  return
}

// -----

// expected-error @+1 {{#tern.schedule unroll = 65 is out of range: expected 0 (unset) to 64}}
func.func @unroll() attributes {s = #tern.schedule<unroll = 65>} {
  return
}

// -----

// expected-error @+1 {{#tern.schedule vector_blocks = 17 is out of range: expected 0 (unset) to 16}}
func.func @vector_blocks() attributes {s = #tern.schedule<vector_blocks = 17>} {
  return
}

// -----

// expected-error @+1 {{#tern.schedule dot_product = 17 is out of range: expected 0 (unset) to 16}}
func.func @dot_product() attributes {s = #tern.schedule<dot_product = 17>} {
  return
}

// -----

// expected-error @+1 {{#tern.schedule rows = 65 is out of range: expected 0 (unset) to 64}}
func.func @rows() attributes {s = #tern.schedule<rows = 65>} {
  return
}

// -----

// expected-error @+1 {{#tern.schedule gpu_threads = 1025 is out of range: expected 0 (unset) to 1024}}
func.func @gpu_threads() attributes {s = #tern.schedule<device = gpu, gpu_threads = 1025>} {
  return
}

// -----

// expected-error @+1 {{#tern.schedule hls_reuse = 1048577 is out of range: expected 0 (unset) to 1048576}}
func.func @hls_reuse() attributes {s = #tern.schedule<hls_reuse = 1048577>} {
  return
}

//===----------------------------------------------------------------------===//
// ScheduleAttr::verify: each recipe runs on one device
//===----------------------------------------------------------------------===//

// -----

// expected-error @+1 {{#tern.schedule recipe plain runs on cpu, not gpu}}
func.func @cpu_recipe_on_gpu() attributes {s = #tern.schedule<device = gpu, recipe = plain, vector_width = 16>} {
  return
}

// -----

// expected-error @+1 {{#tern.schedule recipe dot runs on cpu, not hls}}
func.func @cpu_recipe_on_hls() attributes {s = #tern.schedule<device = hls, recipe = dot, dot_product = 4>} {
  return
}

// -----

// The device defaults to cpu.
// expected-error @+1 {{#tern.schedule recipe gpu runs on gpu, not cpu}}
func.func @gpu_recipe_on_cpu() attributes {s = #tern.schedule<recipe = gpu, gpu_threads = 128>} {
  return
}

// -----

// expected-error @+1 {{#tern.schedule recipe gpu runs on gpu, not hls}}
func.func @gpu_recipe_on_hls() attributes {s = #tern.schedule<device = hls, recipe = gpu, gpu_threads = 128>} {
  return
}

// -----

// expected-error @+1 {{#tern.schedule recipe hls runs on hls, not cpu}}
func.func @hls_recipe_on_cpu() attributes {s = #tern.schedule<device = cpu, recipe = hls, hls_reuse = 1>} {
  return
}

// -----

// expected-error @+1 {{#tern.schedule recipe hls runs on hls, not gpu}}
func.func @hls_recipe_on_gpu() attributes {s = #tern.schedule<device = gpu, recipe = hls, hls_reuse = 1>} {
  return
}

//===----------------------------------------------------------------------===//
// ScheduleAttr::verify: what each recipe needs
//===----------------------------------------------------------------------===//

// -----

// expected-error @+1 {{#tern.schedule recipe dot needs dot_product >= 2}}
func.func @dot_without_dot_product() attributes {s = #tern.schedule<recipe = dot, vector_width = 16, dot_product = 1>} {
  return
}

// -----

// gemv_blocks needs its number of blocks (one is allowed: a GEMV as wide
// as one vector).
// expected-error @+1 {{#tern.schedule recipe gemv_blocks needs vector_blocks >= 1}}
func.func @gemv_blocks_unset() attributes {s = #tern.schedule<recipe = gemv_blocks, vector_width = 16>} {
  return
}

// -----

// expected-error @+1 {{#tern.schedule recipe row_blocks needs rows >= 1}}
func.func @row_blocks_without_rows() attributes {s = #tern.schedule<recipe = row_blocks, vector_width = 16, unroll = 4>} {
  return
}

// -----

// expected-error @+1 {{#tern.schedule recipe gather needs vector_width >= 2 (its tile of outputs)}}
func.func @gather_without_tile() attributes {s = #tern.schedule<recipe = gather, unroll = 4>} {
  return
}

// -----

// expected-error @+1 {{#tern.schedule recipe gather_rows needs vector_width >= 2 (its tile of outputs)}}
func.func @gather_rows_scalar_tile() attributes {s = #tern.schedule<recipe = gather_rows, vector_width = 1>} {
  return
}

// -----

// expected-error @+1 {{#tern.schedule recipe gpu needs gpu_threads >= 1}}
func.func @gpu_without_threads() attributes {s = #tern.schedule<device = gpu, recipe = gpu>} {
  return
}

// -----

// expected-error @+1 {{#tern.schedule recipe hls needs hls_reuse >= 1}}
func.func @hls_without_reuse() attributes {s = #tern.schedule<device = hls, recipe = hls>} {
  return
}

//===----------------------------------------------------------------------===//
// TernDialect::verifyOperationAttribute
//===----------------------------------------------------------------------===//

// -----

// tern.schedule holds a #tern.schedule ...

#id = affine_map<(m, n) -> (m, n)>

func.func @schedule_not_a_schedule(%a: tensor<4x32xf32>) -> tensor<4x32xf32> {
  // expected-error @+1 {{tern.schedule must be a #tern.schedule on a linalg.generic (a kernel)}}
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<4x32xf32>) outs(%a : tensor<4x32xf32>)
      attrs = {tern.schedule = "plain"} {
  ^bb0(%x: f32, %o: f32):
    %n = arith.negf %x : f32
    linalg.yield %n : f32
  } -> tensor<4x32xf32>
  return %r : tensor<4x32xf32>
}

// -----

// ... on a linalg.generic: not on a named linalg op, nor a function.

func.func @schedule_on_matmul(%a: tensor<4x8xf32>, %b: tensor<8x2xf32>, %c: tensor<4x2xf32>) -> tensor<4x2xf32> {
  // expected-error @+1 {{tern.schedule must be a #tern.schedule on a linalg.generic (a kernel)}}
  %r = linalg.matmul {tern.schedule = #tern.schedule<unroll = 4>}
         ins(%a, %b : tensor<4x8xf32>, tensor<8x2xf32>) outs(%c : tensor<4x2xf32>) -> tensor<4x2xf32>
  return %r : tensor<4x2xf32>
}

// -----

// expected-error @+1 {{tern.schedule must be a #tern.schedule on a linalg.generic (a kernel)}}
func.func @schedule_on_func() attributes {tern.schedule = #tern.schedule<recipe = plain, vector_width = 16>} {
  return
}

// -----

#id = affine_map<(m, n) -> (m, n)>

func.func @hls_reuse_not_an_integer(%a: tensor<4x32xf32>) -> tensor<4x32xf32> {
  // expected-error @+1 {{tern.hls_reuse must be an integer from 1 to 2^20 (the layer's HLS reuse factor)}}
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<4x32xf32>) outs(%a : tensor<4x32xf32>)
      attrs = {tern.hls_reuse = 2.0 : f32} {
  ^bb0(%x: f32, %o: f32):
    %n = arith.negf %x : f32
    linalg.yield %n : f32
  } -> tensor<4x32xf32>
  return %r : tensor<4x32xf32>
}

// -----

#id = affine_map<(m, n) -> (m, n)>

func.func @hls_reuse_zero(%a: tensor<4x32xf32>) -> tensor<4x32xf32> {
  // expected-error @+1 {{tern.hls_reuse must be an integer from 1 to 2^20 (the layer's HLS reuse factor)}}
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<4x32xf32>) outs(%a : tensor<4x32xf32>)
      attrs = {tern.hls_reuse = 0 : i64} {
  ^bb0(%x: f32, %o: f32):
    %n = arith.negf %x : f32
    linalg.yield %n : f32
  } -> tensor<4x32xf32>
  return %r : tensor<4x32xf32>
}

// -----

#id = affine_map<(m, n) -> (m, n)>

func.func @hls_reuse_too_large(%a: tensor<4x32xf32>) -> tensor<4x32xf32> {
  // expected-error @+1 {{tern.hls_reuse must be an integer from 1 to 2^20 (the layer's HLS reuse factor)}}
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<4x32xf32>) outs(%a : tensor<4x32xf32>)
      attrs = {tern.hls_reuse = 1048577 : i64} {
  ^bb0(%x: f32, %o: f32):
    %n = arith.negf %x : f32
    linalg.yield %n : f32
  } -> tensor<4x32xf32>
  return %r : tensor<4x32xf32>
}

//===----------------------------------------------------------------------===//
// Parse errors
//===----------------------------------------------------------------------===//

// -----

// expected-error @+2 {{expected 'true' or 'false'}}
// expected-error @+1 {{failed to parse Tern_ScheduleAttr parameter 'parallel' which is to be a `bool`}}
func.func @bad_boolean() attributes {s = #tern.schedule<parallel = maybe>} {
  return
}

// -----

// expected-error @+2 {{expected ::mlir::tern::ScheduleRecipe to be one of: none, plain, gemv_blocks, gather, gather_rows, row_blocks, dot, gpu, hls}}
// expected-error @+1 {{failed to parse Tern_ScheduleAttr parameter 'recipe' which is to be a `::mlir::tern::ScheduleRecipe`}}
func.func @unknown_recipe() attributes {s = #tern.schedule<recipe = tiles>} {
  return
}

// -----

// expected-error @+2 {{expected ::mlir::tern::ScheduleDevice to be one of: cpu, gpu, hls}}
// expected-error @+1 {{failed to parse Tern_ScheduleAttr parameter 'device' which is to be a `::mlir::tern::ScheduleDevice`}}
func.func @unknown_device() attributes {s = #tern.schedule<device = tpu>} {
  return
}
