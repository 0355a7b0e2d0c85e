// Schedule selection (tern-select-schedule, compiler/lib/Kernel/SelectSchedule.cpp):
// small kernels in the lowering's form, one per recipe, each run for the
// target descriptions ternc passes, checking the #tern.schedule written on
// every linalg.generic. Fields at their default (device = cpu, 0, false)
// are not printed.
//
// An AVX-512 CPU (the default description: 64-byte float and integer
// vectors, 32 vector registers):
// RUN: tern-opt %s -split-input-file --tern-select-schedule | FileCheck %s --check-prefixes=CHECK,AVX512
// An AVX2 CPU (32-byte vectors, 16 registers):
// RUN: tern-opt %s -split-input-file --tern-select-schedule="float-vector-bytes=32 int-vector-bytes=32 vector-registers=16" | FileCheck %s --check-prefixes=CHECK,AVX2
// A CUDA GPU (--target=cuda): a kernel the GPU cannot run is an error.
// RUN: tern-opt %s -split-input-file -verify-diagnostics --tern-select-schedule=device=gpu | FileCheck %s --check-prefixes=CHECK,GPU
// A CUDA GPU with the CPU as fallback (--target=host-cuda): that kernel
// runs on the CPU, with a remark.
// RUN: tern-opt %s -split-input-file --tern-select-schedule="device=gpu gpu-fallback=true" 2>/dev/null | FileCheck %s --check-prefixes=CHECK,FALLBACK
// RUN: tern-opt %s -split-input-file --tern-select-schedule="device=gpu gpu-fallback=true" 2>&1 >/dev/null | FileCheck %s --check-prefix=REMARK
// An FPGA through HLS C++, reuse factor 2 (the pass-pipeline spelling),
// and with the default reuse factor, 1:
// RUN: tern-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(tern-select-schedule{device=hls hls-reuse=2}))' | FileCheck %s --check-prefixes=CHECK,HLS
// RUN: tern-opt %s -split-input-file --tern-select-schedule=device=hls | FileCheck %s --check-prefixes=CHECK,HLS1
//
// A target description without vector registers is an error of the pass.
// RUN: not tern-opt %s -split-input-file --tern-select-schedule=vector-registers=0 2>&1 | FileCheck %s --check-prefix=BADOPT
// BADOPT: error: tern-select-schedule: float-vector-bytes, int-vector-bytes and vector-registers must be 1 to 1024, hls-reuse 1 to 2^20
// RUN: not tern-opt %s -split-input-file --tern-select-schedule="device=hls hls-reuse=0" 2>&1 | FileCheck %s --check-prefix=BADOPT
// RUN: not tern-opt %s -split-input-file --tern-select-schedule=float-vector-bytes=8192 2>&1 | FileCheck %s --check-prefix=BADOPT

//===----------------------------------------------------------------------===//
// plain
//===----------------------------------------------------------------------===//

// An elementwise kernel: recipe plain, the natural lanes of its f32 output
// (64 / 4 = 16 with AVX-512, 32 / 4 = 8 with AVX2); no unroll (nothing
// reduces), no threads (128 points). The GPU runs it with 128 threads per
// block; HLS gets the target's reuse factor. A schedule on another device
// carries none of the CPU fields.

#id = affine_map<(m, n) -> (m, n)>

// CHECK-LABEL: func.func @elementwise_f32
// AVX512:   {tern.schedule = #tern.schedule<recipe = plain, vector_width = 16>}
// AVX2:     {tern.schedule = #tern.schedule<recipe = plain, vector_width = 8>}
// GPU:      {tern.schedule = #tern.schedule<device = gpu, recipe = gpu, gpu_threads = 128>}
// FALLBACK: {tern.schedule = #tern.schedule<device = gpu, recipe = gpu, gpu_threads = 128>}
// HLS:      {tern.schedule = #tern.schedule<device = hls, recipe = hls, hls_reuse = 2>}
// HLS1:     {tern.schedule = #tern.schedule<device = hls, recipe = hls, hls_reuse = 1>}
func.func @elementwise_f32(%a: tensor<4x32xf32>, %b: tensor<4x32xf32>) -> tensor<4x32xf32> {
  %e = tensor.empty() : tensor<4x32xf32>
  %r = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %b : tensor<4x32xf32>, tensor<4x32xf32>) outs(%e : tensor<4x32xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    linalg.yield %s : f32
  } -> tensor<4x32xf32>
  return %r : tensor<4x32xf32>
}

// -----

// The lanes follow the element stored: an i8 output gets 64 / 1 = 64 lanes
// with AVX-512 (32 with AVX2), and so does a bool one (stored as a byte).
// With several outputs, the widest element decides (here the f32: 16).

#id = affine_map<(m, n) -> (m, n)>

// CHECK-LABEL: func.func @elementwise_i8
// AVX512: {tern.schedule = #tern.schedule<recipe = plain, vector_width = 64>}
// AVX2:   {tern.schedule = #tern.schedule<recipe = plain, vector_width = 32>}
// GPU:    {tern.schedule = #tern.schedule<device = gpu, recipe = gpu, gpu_threads = 128>}
func.func @elementwise_i8(%a: tensor<4x128xi8>, %b: tensor<4x128xi8>) -> tensor<4x128xi8> {
  %e = tensor.empty() : tensor<4x128xi8>
  %r = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %b : tensor<4x128xi8>, tensor<4x128xi8>) outs(%e : tensor<4x128xi8>) {
  ^bb0(%x: i8, %y: i8, %o: i8):
    %s = arith.addi %x, %y : i8
    linalg.yield %s : i8
  } -> tensor<4x128xi8>
  return %r : tensor<4x128xi8>
}

// CHECK-LABEL: func.func @elementwise_bool
// AVX512: {tern.schedule = #tern.schedule<recipe = plain, vector_width = 64>}
// AVX2:   {tern.schedule = #tern.schedule<recipe = plain, vector_width = 32>}
func.func @elementwise_bool(%a: tensor<4x128xf32>, %b: tensor<4x128xf32>) -> tensor<4x128xi1> {
  %e = tensor.empty() : tensor<4x128xi1>
  %r = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %b : tensor<4x128xf32>, tensor<4x128xf32>) outs(%e : tensor<4x128xi1>) {
  ^bb0(%x: f32, %y: f32, %o: i1):
    %c = arith.cmpf ogt, %x, %y : f32
    linalg.yield %c : i1
  } -> tensor<4x128xi1>
  return %r : tensor<4x128xi1>
}

// CHECK-LABEL: func.func @two_outputs_i8_f32
// AVX512: {tern.schedule = #tern.schedule<recipe = plain, vector_width = 16>}
// AVX2:   {tern.schedule = #tern.schedule<recipe = plain, vector_width = 8>}
func.func @two_outputs_i8_f32(%a: tensor<4x128xf32>) -> (tensor<4x128xi8>, tensor<4x128xf32>) {
  %e8 = tensor.empty() : tensor<4x128xi8>
  %e32 = tensor.empty() : tensor<4x128xf32>
  %r:2 = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<4x128xf32>) outs(%e8, %e32 : tensor<4x128xi8>, tensor<4x128xf32>) {
  ^bb0(%x: f32, %o8: i8, %o32: f32):
    %q = arith.fptosi %x : f32 to i8
    %n = arith.negf %x : f32
    linalg.yield %q, %n : i8, f32
  } -> (tensor<4x128xi8>, tensor<4x128xf32>)
  return %r#0, %r#1 : tensor<4x128xi8>, tensor<4x128xf32>
}

// -----

// Threads: parallel = true from 2^14 = 16384 loop points on, reduction
// points included (minParallelWork). 128 x 128 = 16384 runs on threads,
// 127 x 128 = 16256 does not; 2 x 64 outputs summing 128 inputs each are
// 16384 points. Threads are a CPU field: the GPU schedule has none.

#id = affine_map<(m, n) -> (m, n)>
#x = affine_map<(m, n, k) -> (m, k)>
#w = affine_map<(m, n, k) -> (k, n)>
#y = affine_map<(m, n, k) -> (m, n)>

// CHECK-LABEL: func.func @threads_at_16384
// AVX512: {tern.schedule = #tern.schedule<recipe = plain, vector_width = 16, parallel = true>}
// AVX2:   {tern.schedule = #tern.schedule<recipe = plain, vector_width = 8, parallel = true>}
// GPU:    {tern.schedule = #tern.schedule<device = gpu, recipe = gpu, gpu_threads = 128>}
// HLS:    {tern.schedule = #tern.schedule<device = hls, recipe = hls, hls_reuse = 2>}
func.func @threads_at_16384(%a: tensor<128x128xf32>) -> tensor<128x128xf32> {
  %e = tensor.empty() : tensor<128x128xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<128x128xf32>) outs(%e : tensor<128x128xf32>) {
  ^bb0(%x: f32, %o: f32):
    %n = arith.negf %x : f32
    linalg.yield %n : f32
  } -> tensor<128x128xf32>
  return %r : tensor<128x128xf32>
}

// CHECK-LABEL: func.func @no_threads_below
// AVX512: {tern.schedule = #tern.schedule<recipe = plain, vector_width = 16>}
// AVX2:   {tern.schedule = #tern.schedule<recipe = plain, vector_width = 8>}
func.func @no_threads_below(%a: tensor<127x128xf32>) -> tensor<127x128xf32> {
  %e = tensor.empty() : tensor<127x128xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<127x128xf32>) outs(%e : tensor<127x128xf32>) {
  ^bb0(%x: f32, %o: f32):
    %n = arith.negf %x : f32
    linalg.yield %n : f32
  } -> tensor<127x128xf32>
  return %r : tensor<127x128xf32>
}

// CHECK-LABEL: func.func @threads_counting_the_reduction
// AVX512: {tern.schedule = #tern.schedule<recipe = plain, vector_width = 16, parallel = true, unroll = 4>}
// AVX2:   {tern.schedule = #tern.schedule<recipe = plain, vector_width = 8, parallel = true, unroll = 4>}
func.func @threads_counting_the_reduction(%x: tensor<2x128xf32>, %w: tensor<128x64xf32>, %i: tensor<2x64xf32>) -> tensor<2x64xf32> {
  %r = linalg.generic {indexing_maps = [#x, #w, #y], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<2x128xf32>, tensor<128x64xf32>) outs(%i : tensor<2x64xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  } -> tensor<2x64xf32>
  return %r : tensor<2x64xf32>
}

// -----

// A reduction without a partial schedule (a dense matmul whose weights
// tern-weight-layout left alone): plain, the natural width, the default
// unroll of 4 (8192 points: no threads). Not row_blocks: the lowering did
// not ask for an unroll.

#x = affine_map<(m, n, k) -> (m, k)>
#w = affine_map<(m, n, k) -> (k, n)>
#y = affine_map<(m, n, k) -> (m, n)>

// CHECK-LABEL: func.func @matmul
// AVX512:   {tern.schedule = #tern.schedule<recipe = plain, vector_width = 16, unroll = 4>}
// AVX2:     {tern.schedule = #tern.schedule<recipe = plain, vector_width = 8, unroll = 4>}
// GPU:      {tern.schedule = #tern.schedule<device = gpu, recipe = gpu, gpu_threads = 128>}
// FALLBACK: {tern.schedule = #tern.schedule<device = gpu, recipe = gpu, gpu_threads = 128>}
// HLS:      {tern.schedule = #tern.schedule<device = hls, recipe = hls, hls_reuse = 2>}
func.func @matmul(%x: tensor<4x64xf32>, %w: tensor<64x32xf32>, %i: tensor<4x32xf32>) -> tensor<4x32xf32> {
  %r = linalg.generic {indexing_maps = [#x, #w, #y], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<4x64xf32>, tensor<64x32xf32>) outs(%i : tensor<4x32xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  } -> tensor<4x32xf32>
  return %r : tensor<4x32xf32>
}

// -----

// A full reduction to a scalar. On the CPU: plain with the default unroll.
// The GPU runs one thread per output point and has no dimension to spread
// here: an error, or with the fallback a remark and the CPU schedule.

#all = affine_map<(k) -> (k)>
#scalar = affine_map<(k) -> ()>

// AVX512-LABEL:   func.func @sum_to_scalar
// AVX512:           {tern.schedule = #tern.schedule<recipe = plain, vector_width = 16, unroll = 4>}
// AVX2-LABEL:     func.func @sum_to_scalar
// AVX2:             {tern.schedule = #tern.schedule<recipe = plain, vector_width = 8, unroll = 4>}
// FALLBACK-LABEL: func.func @sum_to_scalar
// FALLBACK:         {tern.schedule = #tern.schedule<recipe = plain, vector_width = 16, unroll = 4>}
// REMARK: remark: this kernel runs on the CPU: its result is a scalar (a full reduction): no parallel dimension to spread over GPU threads
// HLS-LABEL:      func.func @sum_to_scalar
// HLS:              {tern.schedule = #tern.schedule<device = hls, recipe = hls, hls_reuse = 2>}
func.func @sum_to_scalar(%x: tensor<64xf32>, %i: tensor<f32>) -> tensor<f32> {
  // expected-error @+1 {{the GPU path cannot run this kernel: its result is a scalar (a full reduction): no parallel dimension to spread over GPU threads; compile with --target=host-cuda to run it on the CPU}}
  %r = linalg.generic {indexing_maps = [#all, #scalar], iterator_types = ["reduction"]}
      ins(%x : tensor<64xf32>) outs(%i : tensor<f32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %o, %a : f32
    linalg.yield %s : f32
  } -> tensor<f32>
  return %r : tensor<f32>
}

// -----

//===----------------------------------------------------------------------===//
// plain with update_vector_width
//===----------------------------------------------------------------------===//

// An update that reads its own value under a select (a max written as
// select(self > x, self, x)) gets, where its innermost output extent is not
// a multiple of the vector width, that width halved until it divides the
// extent, as update_vector_width (Halide 14 drops the tail guard of such an
// update).
// 24 outputs: 16 lanes leave a tail, 8 divide it (AVX-512:
// update_vector_width = 8; AVX2's 8 lanes already divide it: none).
// 20 outputs: 4 lanes (both). 21: scalar, 1. 12 outputs are narrower than
// AVX-512's 16 lanes and not vectorized there: nothing to fix; AVX2
// vectorizes them by 8 and its update by 4.

#x = affine_map<(m, n, k) -> (m, k, n)>
#y = affine_map<(m, n, k) -> (m, n)>

// CHECK-LABEL: func.func @max_24
// AVX512: {tern.schedule = #tern.schedule<recipe = plain, vector_width = 16, update_vector_width = 8, unroll = 4>}
// AVX2:   {tern.schedule = #tern.schedule<recipe = plain, vector_width = 8, unroll = 4>}
// GPU:    {tern.schedule = #tern.schedule<device = gpu, recipe = gpu, gpu_threads = 128>}
func.func @max_24(%x: tensor<4x32x24xf32>, %i: tensor<4x24xf32>) -> tensor<4x24xf32> {
  %r = linalg.generic {indexing_maps = [#x, #y], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x : tensor<4x32x24xf32>) outs(%i : tensor<4x24xf32>) {
  ^bb0(%a: f32, %o: f32):
    %gt = arith.cmpf ogt, %o, %a : f32
    %m = arith.select %gt, %o, %a : f32
    linalg.yield %m : f32
  } -> tensor<4x24xf32>
  return %r : tensor<4x24xf32>
}

// CHECK-LABEL: func.func @max_20
// AVX512: {tern.schedule = #tern.schedule<recipe = plain, vector_width = 16, update_vector_width = 4, unroll = 4>}
// AVX2:   {tern.schedule = #tern.schedule<recipe = plain, vector_width = 8, update_vector_width = 4, unroll = 4>}
func.func @max_20(%x: tensor<4x32x20xf32>, %i: tensor<4x20xf32>) -> tensor<4x20xf32> {
  %r = linalg.generic {indexing_maps = [#x, #y], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x : tensor<4x32x20xf32>) outs(%i : tensor<4x20xf32>) {
  ^bb0(%a: f32, %o: f32):
    %gt = arith.cmpf ogt, %o, %a : f32
    %m = arith.select %gt, %o, %a : f32
    linalg.yield %m : f32
  } -> tensor<4x20xf32>
  return %r : tensor<4x20xf32>
}

// CHECK-LABEL: func.func @max_21
// AVX512: {tern.schedule = #tern.schedule<recipe = plain, vector_width = 16, update_vector_width = 1, unroll = 4>}
// AVX2:   {tern.schedule = #tern.schedule<recipe = plain, vector_width = 8, update_vector_width = 1, unroll = 4>}
func.func @max_21(%x: tensor<4x32x21xf32>, %i: tensor<4x21xf32>) -> tensor<4x21xf32> {
  %r = linalg.generic {indexing_maps = [#x, #y], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x : tensor<4x32x21xf32>) outs(%i : tensor<4x21xf32>) {
  ^bb0(%a: f32, %o: f32):
    %gt = arith.cmpf ogt, %o, %a : f32
    %m = arith.select %gt, %o, %a : f32
    linalg.yield %m : f32
  } -> tensor<4x21xf32>
  return %r : tensor<4x21xf32>
}

// CHECK-LABEL: func.func @max_12
// AVX512: {tern.schedule = #tern.schedule<recipe = plain, vector_width = 16, unroll = 4>}
// AVX2:   {tern.schedule = #tern.schedule<recipe = plain, vector_width = 8, update_vector_width = 4, unroll = 4>}
func.func @max_12(%x: tensor<4x32x12xf32>, %i: tensor<4x12xf32>) -> tensor<4x12xf32> {
  %r = linalg.generic {indexing_maps = [#x, #y], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x : tensor<4x32x12xf32>) outs(%i : tensor<4x12xf32>) {
  ^bb0(%a: f32, %o: f32):
    %gt = arith.cmpf ogt, %o, %a : f32
    %m = arith.select %gt, %o, %a : f32
    linalg.yield %m : f32
  } -> tensor<4x12xf32>
  return %r : tensor<4x12xf32>
}

// arith.maximumf is translated NaN-aware, as selects on isnan of each
// operand, self included: it gets the update width too. An integer max
// (arith.maxsi) has no select: its update keeps the kernel's width (i32:
// 16 lanes with AVX-512, 8 with AVX2).
// CHECK-LABEL: func.func @maximumf_24
// AVX512: {tern.schedule = #tern.schedule<recipe = plain, vector_width = 16, update_vector_width = 8, unroll = 4>}
// AVX2:   {tern.schedule = #tern.schedule<recipe = plain, vector_width = 8, unroll = 4>}
func.func @maximumf_24(%x: tensor<4x32x24xf32>, %i: tensor<4x24xf32>) -> tensor<4x24xf32> {
  %r = linalg.generic {indexing_maps = [#x, #y], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x : tensor<4x32x24xf32>) outs(%i : tensor<4x24xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.maximumf %o, %a : f32
    linalg.yield %m : f32
  } -> tensor<4x24xf32>
  return %r : tensor<4x24xf32>
}

// CHECK-LABEL: func.func @maxsi_24
// AVX512: {tern.schedule = #tern.schedule<recipe = plain, vector_width = 16, unroll = 4>}
// AVX2:   {tern.schedule = #tern.schedule<recipe = plain, vector_width = 8, unroll = 4>}
func.func @maxsi_24(%x: tensor<4x32x24xi32>, %i: tensor<4x24xi32>) -> tensor<4x24xi32> {
  %r = linalg.generic {indexing_maps = [#x, #y], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x : tensor<4x32x24xi32>) outs(%i : tensor<4x24xi32>) {
  ^bb0(%a: i32, %o: i32):
    %m = arith.maxsi %o, %a : i32
    linalg.yield %m : i32
  } -> tensor<4x24xi32>
  return %r : tensor<4x24xi32>
}

// An update that adds under a select, select(c, self + x, self) (the
// ternary add/sub form), is normalized to self + select(c, x, 0) first: no
// select reads self, no update_vector_width.
// CHECK-LABEL: func.func @masked_sum_24
// AVX512: {tern.schedule = #tern.schedule<recipe = plain, vector_width = 16, unroll = 4>}
func.func @masked_sum_24(%x: tensor<4x32x24xf32>, %i: tensor<4x24xf32>) -> tensor<4x24xf32> {
  %z = arith.constant 0.0 : f32
  %r = linalg.generic {indexing_maps = [#x, #y], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x : tensor<4x32x24xf32>) outs(%i : tensor<4x24xf32>) {
  ^bb0(%a: f32, %o: f32):
    %pos = arith.cmpf ogt, %a, %z : f32
    %s = arith.addf %o, %a : f32
    %m = arith.select %pos, %s, %o : f32
    linalg.yield %m : f32
  } -> tensor<4x24xf32>
  return %r : tensor<4x24xf32>
}

// -----

// Argmax: two outputs (the maximum and its index), each update reading the
// running maximum under a select. The widest output is 32 bits, the first
// of them the f32 (16 lanes with AVX-512); 20 outputs: 4 lanes for the
// update.

#x = affine_map<(m, n, k) -> (m, k, n)>
#y = affine_map<(m, n, k) -> (m, n)>

// CHECK-LABEL: func.func @argmax_20
// AVX512: {tern.schedule = #tern.schedule<recipe = plain, vector_width = 16, update_vector_width = 4, unroll = 4>}
// AVX2:   {tern.schedule = #tern.schedule<recipe = plain, vector_width = 8, update_vector_width = 4, unroll = 4>}
func.func @argmax_20(%x: tensor<4x32x20xf32>, %v: tensor<4x20xf32>, %j: tensor<4x20xi32>) -> (tensor<4x20xf32>, tensor<4x20xi32>) {
  %r:2 = linalg.generic {indexing_maps = [#x, #y, #y], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x : tensor<4x32x20xf32>) outs(%v, %j : tensor<4x20xf32>, tensor<4x20xi32>) {
  ^bb0(%a: f32, %best: f32, %at: i32):
    %k = linalg.index 2 : index
    %ki = arith.index_cast %k : index to i32
    %gt = arith.cmpf ogt, %a, %best : f32
    %nb = arith.select %gt, %a, %best : f32
    %na = arith.select %gt, %ki, %at : i32
    linalg.yield %nb, %na : f32, i32
  } -> (tensor<4x20xf32>, tensor<4x20xi32>)
  return %r#0, %r#1 : tensor<4x20xf32>, tensor<4x20xi32>
}

// -----

//===----------------------------------------------------------------------===//
// gemv_blocks
//===----------------------------------------------------------------------===//

// One row of outputs over weights tern-weight-layout made row-contiguous
// (its partial schedule: unroll = 4, vector_blocks = 16): gemv_blocks, the
// blocks capped by half the vector registers (16 with AVX-512's 32, 8 with
// AVX2's 16) and by the output vectors there are (ceil(40 / 16) = 3 with
// AVX-512, ceil(40 / 8) = 5 with AVX2). A rank-1 output is one row too.
// 12 outputs are narrower than AVX-512's 16 lanes: not vectorized, plain
// (the partial fields kept); AVX2 vectorizes them, 2 vectors.

#x = affine_map<(m, n, k) -> (m, k)>
#w = affine_map<(m, n, k) -> (k, n)>
#y = affine_map<(m, n, k) -> (m, n)>
#x1 = affine_map<(n, k) -> (k)>
#w1 = affine_map<(n, k) -> (k, n)>
#y1 = affine_map<(n, k) -> (n)>

// CHECK-LABEL: func.func @gemv_256
// AVX512: {tern.schedule = #tern.schedule<recipe = gemv_blocks, vector_width = 16, unroll = 4, vector_blocks = 16>}
// AVX2:   {tern.schedule = #tern.schedule<recipe = gemv_blocks, vector_width = 8, unroll = 4, vector_blocks = 8>}
// GPU:    {tern.schedule = #tern.schedule<device = gpu, recipe = gpu, gpu_threads = 128>}
// HLS:    {tern.schedule = #tern.schedule<device = hls, recipe = hls, hls_reuse = 2>}
func.func @gemv_256(%x: tensor<1x32xf32>, %w: tensor<32x256xf32>, %i: tensor<1x256xf32>) -> tensor<1x256xf32> {
  %r = linalg.generic {indexing_maps = [#x, #w, #y], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<1x32xf32>, tensor<32x256xf32>) outs(%i : tensor<1x256xf32>)
      attrs = {tern.schedule = #tern.schedule<unroll = 4, vector_blocks = 16>} {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  } -> tensor<1x256xf32>
  return %r : tensor<1x256xf32>
}

// CHECK-LABEL: func.func @gemv_40
// AVX512: {tern.schedule = #tern.schedule<recipe = gemv_blocks, vector_width = 16, unroll = 4, vector_blocks = 3>}
// AVX2:   {tern.schedule = #tern.schedule<recipe = gemv_blocks, vector_width = 8, unroll = 4, vector_blocks = 5>}
func.func @gemv_40(%x: tensor<1x32xf32>, %w: tensor<32x40xf32>, %i: tensor<1x40xf32>) -> tensor<1x40xf32> {
  %r = linalg.generic {indexing_maps = [#x, #w, #y], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<1x32xf32>, tensor<32x40xf32>) outs(%i : tensor<1x40xf32>)
      attrs = {tern.schedule = #tern.schedule<unroll = 4, vector_blocks = 16>} {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  } -> tensor<1x40xf32>
  return %r : tensor<1x40xf32>
}

// CHECK-LABEL: func.func @gemv_rank1
// AVX512: {tern.schedule = #tern.schedule<recipe = gemv_blocks, vector_width = 16, unroll = 4, vector_blocks = 4>}
// AVX2:   {tern.schedule = #tern.schedule<recipe = gemv_blocks, vector_width = 8, unroll = 4, vector_blocks = 8>}
func.func @gemv_rank1(%x: tensor<32xf32>, %w: tensor<32x64xf32>, %i: tensor<64xf32>) -> tensor<64xf32> {
  %r = linalg.generic {indexing_maps = [#x1, #w1, #y1], iterator_types = ["parallel", "reduction"]}
      ins(%x, %w : tensor<32xf32>, tensor<32x64xf32>) outs(%i : tensor<64xf32>)
      attrs = {tern.schedule = #tern.schedule<unroll = 4, vector_blocks = 16>} {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  } -> tensor<64xf32>
  return %r : tensor<64xf32>
}

// As wide as one vector: the recipe stays, with blocks of one vector (a
// row-contiguous run per reduction step).
// CHECK-LABEL: func.func @gemv_16
// AVX512: {tern.schedule = #tern.schedule<recipe = gemv_blocks, vector_width = 16, unroll = 4, vector_blocks = 1>}
// AVX2:   {tern.schedule = #tern.schedule<recipe = gemv_blocks, vector_width = 8, unroll = 4, vector_blocks = 2>}
func.func @gemv_16(%x: tensor<1x32xf32>, %w: tensor<32x16xf32>, %i: tensor<1x16xf32>) -> tensor<1x16xf32> {
  %r = linalg.generic {indexing_maps = [#x, #w, #y], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<1x32xf32>, tensor<32x16xf32>) outs(%i : tensor<1x16xf32>)
      attrs = {tern.schedule = #tern.schedule<unroll = 4, vector_blocks = 16>} {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  } -> tensor<1x16xf32>
  return %r : tensor<1x16xf32>
}

// CHECK-LABEL: func.func @gemv_12
// AVX512: {tern.schedule = #tern.schedule<recipe = plain, vector_width = 16, unroll = 4, vector_blocks = 16>}
// AVX2:   {tern.schedule = #tern.schedule<recipe = gemv_blocks, vector_width = 8, unroll = 4, vector_blocks = 2>}
func.func @gemv_12(%x: tensor<1x32xf32>, %w: tensor<32x12xf32>, %i: tensor<1x12xf32>) -> tensor<1x12xf32> {
  %r = linalg.generic {indexing_maps = [#x, #w, #y], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<1x32xf32>, tensor<32x12xf32>) outs(%i : tensor<1x12xf32>)
      attrs = {tern.schedule = #tern.schedule<unroll = 4, vector_blocks = 16>} {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  } -> tensor<1x12xf32>
  return %r : tensor<1x12xf32>
}

// The same layout over 2 rows is not a GEMV: the lowering's unroll makes it
// row_blocks (both rows in one block).
// CHECK-LABEL: func.func @gemm_2_rows
// AVX512: {tern.schedule = #tern.schedule<recipe = row_blocks, vector_width = 16, unroll = 4, vector_blocks = 16, rows = 2>}
// AVX2:   {tern.schedule = #tern.schedule<recipe = row_blocks, vector_width = 8, unroll = 4, vector_blocks = 16, rows = 2>}
func.func @gemm_2_rows(%x: tensor<2x32xf32>, %w: tensor<32x64xf32>, %i: tensor<2x64xf32>) -> tensor<2x64xf32> {
  %r = linalg.generic {indexing_maps = [#x, #w, #y], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<2x32xf32>, tensor<32x64xf32>) outs(%i : tensor<2x64xf32>)
      attrs = {tern.schedule = #tern.schedule<unroll = 4, vector_blocks = 16>} {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  } -> tensor<2x64xf32>
  return %r : tensor<2x64xf32>
}

// -----

//===----------------------------------------------------------------------===//
// gather and gather_rows
//===----------------------------------------------------------------------===//

// The ELL kernel of tern-lower-sparse (ternc --sparse=ell, one row): the
// stored values and columns in tiles of 16 outputs, the activation read at
// the stored column. The lowering's partial schedule (vector_width = its
// tile, unroll = 4; ternc takes tiles of 64 for one row, 16 here to keep
// the kernel small) is kept on every CPU, AVX2 included; the read at a
// stored index makes it gather. The fill that initializes it is folded into the kernel
// and gets no schedule.

#fill = affine_map<(m, n) -> (m, n)>
#tile = affine_map<(m, n, j) -> (n floordiv 16, j, n mod 16)>
#y = affine_map<(m, n, j) -> (m, n)>

// CHECK-LABEL: func.func @ell_gemv
// CHECK:       linalg.generic
// CHECK-NOT:   tern.schedule
// CHECK:       linalg.yield
// AVX512:      {tern.schedule = #tern.schedule<recipe = gather, vector_width = 16, unroll = 4>}
// AVX2:        {tern.schedule = #tern.schedule<recipe = gather, vector_width = 16, unroll = 4>}
// GPU:         {tern.schedule = #tern.schedule<device = gpu, recipe = gpu, gpu_threads = 128>}
// HLS:         {tern.schedule = #tern.schedule<device = hls, recipe = hls, hls_reuse = 2>}
func.func @ell_gemv(%x: tensor<1x32xf32>, %values: tensor<2x4x16xf32>, %cols: tensor<2x4x16xi16>) -> tensor<1x32xf32> {
  %z = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %e = tensor.empty() : tensor<1x32xf32>
  %f = linalg.generic {indexing_maps = [#fill], iterator_types = ["parallel", "parallel"]} outs(%e : tensor<1x32xf32>) {
  ^bb0(%o: f32):
    linalg.yield %z : f32
  } -> tensor<1x32xf32>
  %r = linalg.generic {indexing_maps = [#tile, #tile, #y], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%values, %cols : tensor<2x4x16xf32>, tensor<2x4x16xi16>) outs(%f : tensor<1x32xf32>)
      attrs = {tern.schedule = #tern.schedule<vector_width = 16, unroll = 4>} {
  ^bb0(%v: f32, %col: i16, %o: f32):
    %c = arith.index_cast %col : i16 to index
    %a = tensor.extract %x[%c0, %c] : tensor<1x32xf32>
    %p = arith.mulf %v, %a : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  } -> tensor<1x32xf32>
  return %r : tensor<1x32xf32>
}

// -----

// The ELL kernel over 16 rows (ternc --sparse=ell at M = 16): the
// activation is read at (row, stored column), with the per-tile slot
// counts bounding the reduction. With the lowering's vector_width and at
// least 16 rows: gather_rows. At 15 rows, or without a width from the
// lowering (the same kernel written by hand), it stays gather; then the
// width is the target's natural one.

#tile = affine_map<(m, n, j) -> (n floordiv 16, j, n mod 16)>
#count = affine_map<(m, n, j) -> (n floordiv 16)>
#y = affine_map<(m, n, j) -> (m, n)>

// CHECK-LABEL: func.func @ell_16_rows
// AVX512: {tern.schedule = #tern.schedule<recipe = gather_rows, vector_width = 16, unroll = 4>}
// AVX2:   {tern.schedule = #tern.schedule<recipe = gather_rows, vector_width = 16, unroll = 4>}
// GPU:    {tern.schedule = #tern.schedule<device = gpu, recipe = gpu, gpu_threads = 128>}
func.func @ell_16_rows(%x: tensor<16x64xf32>, %values: tensor<2x11x16xf32>, %cols: tensor<2x11x16xi16>, %counts: tensor<2xi32>, %i: tensor<16x32xf32>) -> tensor<16x32xf32> {
  %r = linalg.generic {indexing_maps = [#tile, #tile, #count, #y], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%values, %cols, %counts : tensor<2x11x16xf32>, tensor<2x11x16xi16>, tensor<2xi32>) outs(%i : tensor<16x32xf32>)
      attrs = {tern.schedule = #tern.schedule<vector_width = 16, unroll = 4>} {
  ^bb0(%v: f32, %col: i16, %n: i32, %o: f32):
    %m = linalg.index 0 : index
    %c = arith.index_cast %col : i16 to index
    %a = tensor.extract %x[%m, %c] : tensor<16x64xf32>
    %p = arith.mulf %v, %a : f32
    %s = arith.addf %o, %p : f32
    %j = linalg.index 2 : index
    %limit = arith.index_cast %n : i32 to index
    %inside = arith.cmpi slt, %j, %limit : index
    %u = arith.select %inside, %s, %o : f32
    linalg.yield %u : f32
  } -> tensor<16x32xf32>
  return %r : tensor<16x32xf32>
}

// CHECK-LABEL: func.func @ell_15_rows
// AVX512: {tern.schedule = #tern.schedule<recipe = gather, vector_width = 16, unroll = 4>}
// AVX2:   {tern.schedule = #tern.schedule<recipe = gather, vector_width = 16, unroll = 4>}
func.func @ell_15_rows(%x: tensor<15x64xf32>, %values: tensor<2x11x16xf32>, %cols: tensor<2x11x16xi16>, %counts: tensor<2xi32>, %i: tensor<15x32xf32>) -> tensor<15x32xf32> {
  %r = linalg.generic {indexing_maps = [#tile, #tile, #count, #y], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%values, %cols, %counts : tensor<2x11x16xf32>, tensor<2x11x16xi16>, tensor<2xi32>) outs(%i : tensor<15x32xf32>)
      attrs = {tern.schedule = #tern.schedule<vector_width = 16, unroll = 4>} {
  ^bb0(%v: f32, %col: i16, %n: i32, %o: f32):
    %m = linalg.index 0 : index
    %c = arith.index_cast %col : i16 to index
    %a = tensor.extract %x[%m, %c] : tensor<15x64xf32>
    %p = arith.mulf %v, %a : f32
    %s = arith.addf %o, %p : f32
    %j = linalg.index 2 : index
    %limit = arith.index_cast %n : i32 to index
    %inside = arith.cmpi slt, %j, %limit : index
    %u = arith.select %inside, %s, %o : f32
    linalg.yield %u : f32
  } -> tensor<15x32xf32>
  return %r : tensor<15x32xf32>
}

// CHECK-LABEL: func.func @gather_16_rows_no_width
// AVX512: {tern.schedule = #tern.schedule<recipe = gather, vector_width = 16, unroll = 4>}
// AVX2:   {tern.schedule = #tern.schedule<recipe = gather, vector_width = 8, unroll = 4>}
func.func @gather_16_rows_no_width(%x: tensor<16x64xf32>, %values: tensor<2x11x16xf32>, %cols: tensor<2x11x16xi16>, %counts: tensor<2xi32>, %i: tensor<16x32xf32>) -> tensor<16x32xf32> {
  %r = linalg.generic {indexing_maps = [#tile, #tile, #count, #y], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%values, %cols, %counts : tensor<2x11x16xf32>, tensor<2x11x16xi16>, tensor<2xi32>) outs(%i : tensor<16x32xf32>) {
  ^bb0(%v: f32, %col: i16, %n: i32, %o: f32):
    %m = linalg.index 0 : index
    %c = arith.index_cast %col : i16 to index
    %a = tensor.extract %x[%m, %c] : tensor<16x64xf32>
    %p = arith.mulf %v, %a : f32
    %s = arith.addf %o, %p : f32
    %j = linalg.index 2 : index
    %limit = arith.index_cast %n : i32 to index
    %inside = arith.cmpi slt, %j, %limit : index
    %u = arith.select %inside, %s, %o : f32
    linalg.yield %u : f32
  } -> tensor<16x32xf32>
  return %r : tensor<16x32xf32>
}

// -----

// A gather at an i32 index (an index list: the column read from an i32
// input) with one row: gather, natural width.

#idx = affine_map<(n, j) -> (j, n)>
#y = affine_map<(n, j) -> (n)>

// CHECK-LABEL: func.func @index_list_i32
// AVX512: {tern.schedule = #tern.schedule<recipe = gather, vector_width = 16, unroll = 4>}
// AVX2:   {tern.schedule = #tern.schedule<recipe = gather, vector_width = 8, unroll = 4>}
func.func @index_list_i32(%x: tensor<64xf32>, %values: tensor<8x32xf32>, %cols: tensor<8x32xi32>, %i: tensor<32xf32>) -> tensor<32xf32> {
  %r = linalg.generic {indexing_maps = [#idx, #idx, #y], iterator_types = ["parallel", "reduction"]}
      ins(%values, %cols : tensor<8x32xf32>, tensor<8x32xi32>) outs(%i : tensor<32xf32>) {
  ^bb0(%v: f32, %col: i32, %o: f32):
    %c = arith.index_cast %col : i32 to index
    %a = tensor.extract %x[%c] : tensor<64xf32>
    %p = arith.mulf %v, %a : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  } -> tensor<32xf32>
  return %r : tensor<32xf32>
}

// -----

//===----------------------------------------------------------------------===//
// row_blocks
//===----------------------------------------------------------------------===//

// The add/sub ternary kernel of tern-lower-ternary (2-bit trits, 4 to a
// byte; its partial schedule: unroll = 4, the trits of a byte) over several
// rows with vectorizable outputs: row_blocks, rows = min(rows, 8): 3, and 8
// of 12. 8 outputs are narrower than AVX-512's 16 lanes: plain there; AVX2
// vectorizes them and takes row_blocks.

#x = affine_map<(m, n, k) -> (m, k)>
#y = affine_map<(m, n, k) -> (m, n)>

// CHECK-LABEL: func.func @ternary_3_rows
// AVX512: {tern.schedule = #tern.schedule<recipe = row_blocks, vector_width = 16, unroll = 4, rows = 3>}
// AVX2:   {tern.schedule = #tern.schedule<recipe = row_blocks, vector_width = 8, unroll = 4, rows = 3>}
// GPU:    {tern.schedule = #tern.schedule<device = gpu, recipe = gpu, gpu_threads = 128>}
// HLS:    {tern.schedule = #tern.schedule<device = hls, recipe = hls, hls_reuse = 2>}
func.func @ternary_3_rows(%x: tensor<3x16xf32>, %w: tensor<4x64xi8>, %i: tensor<3x64xf32>) -> tensor<3x64xf32> {
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c3_i8 = arith.constant 3 : i8
  %c1_i8 = arith.constant 1 : i8
  %c2_i8 = arith.constant 2 : i8
  %r = linalg.generic {indexing_maps = [#x, #y], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x : tensor<3x16xf32>) outs(%i : tensor<3x64xf32>)
      attrs = {tern.schedule = #tern.schedule<unroll = 4>} {
  ^bb0(%a: f32, %o: f32):
    %n = linalg.index 1 : index
    %k = linalg.index 2 : index
    %byte = arith.divui %k, %c4 : index
    %slot = arith.remui %k, %c4 : index
    %packed = tensor.extract %w[%byte, %n] : tensor<4x64xi8>
    %bit = arith.shli %slot, %c1 : index
    %shift = arith.index_cast %bit : index to i8
    %s = arith.shrui %packed, %shift : i8
    %t = arith.andi %s, %c3_i8 : i8
    %plus = arith.cmpi eq, %t, %c1_i8 : i8
    %minus = arith.cmpi eq, %t, %c2_i8 : i8
    %add = arith.addf %o, %a : f32
    %sub = arith.subf %o, %a : f32
    %m = arith.select %minus, %sub, %o : f32
    %u = arith.select %plus, %add, %m : f32
    linalg.yield %u : f32
  } -> tensor<3x64xf32>
  return %r : tensor<3x64xf32>
}

// CHECK-LABEL: func.func @ternary_12_rows
// AVX512: {tern.schedule = #tern.schedule<recipe = row_blocks, vector_width = 16, unroll = 4, rows = 8>}
// AVX2:   {tern.schedule = #tern.schedule<recipe = row_blocks, vector_width = 8, unroll = 4, rows = 8>}
func.func @ternary_12_rows(%x: tensor<12x16xf32>, %w: tensor<4x64xi8>, %i: tensor<12x64xf32>) -> tensor<12x64xf32> {
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c3_i8 = arith.constant 3 : i8
  %c1_i8 = arith.constant 1 : i8
  %c2_i8 = arith.constant 2 : i8
  %r = linalg.generic {indexing_maps = [#x, #y], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x : tensor<12x16xf32>) outs(%i : tensor<12x64xf32>)
      attrs = {tern.schedule = #tern.schedule<unroll = 4>} {
  ^bb0(%a: f32, %o: f32):
    %n = linalg.index 1 : index
    %k = linalg.index 2 : index
    %byte = arith.divui %k, %c4 : index
    %slot = arith.remui %k, %c4 : index
    %packed = tensor.extract %w[%byte, %n] : tensor<4x64xi8>
    %bit = arith.shli %slot, %c1 : index
    %shift = arith.index_cast %bit : index to i8
    %s = arith.shrui %packed, %shift : i8
    %t = arith.andi %s, %c3_i8 : i8
    %plus = arith.cmpi eq, %t, %c1_i8 : i8
    %minus = arith.cmpi eq, %t, %c2_i8 : i8
    %add = arith.addf %o, %a : f32
    %sub = arith.subf %o, %a : f32
    %m = arith.select %minus, %sub, %o : f32
    %u = arith.select %plus, %add, %m : f32
    linalg.yield %u : f32
  } -> tensor<12x64xf32>
  return %r : tensor<12x64xf32>
}

// CHECK-LABEL: func.func @ternary_8_outputs
// AVX512: {tern.schedule = #tern.schedule<recipe = plain, vector_width = 16, unroll = 4>}
// AVX2:   {tern.schedule = #tern.schedule<recipe = row_blocks, vector_width = 8, unroll = 4, rows = 3>}
func.func @ternary_8_outputs(%x: tensor<3x16xf32>, %w: tensor<4x8xi8>, %i: tensor<3x8xf32>) -> tensor<3x8xf32> {
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c3_i8 = arith.constant 3 : i8
  %c1_i8 = arith.constant 1 : i8
  %c2_i8 = arith.constant 2 : i8
  %r = linalg.generic {indexing_maps = [#x, #y], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x : tensor<3x16xf32>) outs(%i : tensor<3x8xf32>)
      attrs = {tern.schedule = #tern.schedule<unroll = 4>} {
  ^bb0(%a: f32, %o: f32):
    %n = linalg.index 1 : index
    %k = linalg.index 2 : index
    %byte = arith.divui %k, %c4 : index
    %slot = arith.remui %k, %c4 : index
    %packed = tensor.extract %w[%byte, %n] : tensor<4x8xi8>
    %bit = arith.shli %slot, %c1 : index
    %shift = arith.index_cast %bit : index to i8
    %s = arith.shrui %packed, %shift : i8
    %t = arith.andi %s, %c3_i8 : i8
    %plus = arith.cmpi eq, %t, %c1_i8 : i8
    %minus = arith.cmpi eq, %t, %c2_i8 : i8
    %add = arith.addf %o, %a : f32
    %sub = arith.subf %o, %a : f32
    %m = arith.select %minus, %sub, %o : f32
    %u = arith.select %plus, %add, %m : f32
    linalg.yield %u : f32
  } -> tensor<3x8xf32>
  return %r : tensor<3x8xf32>
}

// One row is no row block: plain.
// CHECK-LABEL: func.func @ternary_1_row
// AVX512: {tern.schedule = #tern.schedule<recipe = plain, vector_width = 16, unroll = 4>}
func.func @ternary_1_row(%x: tensor<1x16xf32>, %w: tensor<4x64xi8>, %i: tensor<1x64xf32>) -> tensor<1x64xf32> {
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c3_i8 = arith.constant 3 : i8
  %c1_i8 = arith.constant 1 : i8
  %c2_i8 = arith.constant 2 : i8
  %r = linalg.generic {indexing_maps = [#x, #y], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x : tensor<1x16xf32>) outs(%i : tensor<1x64xf32>)
      attrs = {tern.schedule = #tern.schedule<unroll = 4>} {
  ^bb0(%a: f32, %o: f32):
    %n = linalg.index 1 : index
    %k = linalg.index 2 : index
    %byte = arith.divui %k, %c4 : index
    %slot = arith.remui %k, %c4 : index
    %packed = tensor.extract %w[%byte, %n] : tensor<4x64xi8>
    %bit = arith.shli %slot, %c1 : index
    %shift = arith.index_cast %bit : index to i8
    %s = arith.shrui %packed, %shift : i8
    %t = arith.andi %s, %c3_i8 : i8
    %plus = arith.cmpi eq, %t, %c1_i8 : i8
    %minus = arith.cmpi eq, %t, %c2_i8 : i8
    %add = arith.addf %o, %a : f32
    %sub = arith.subf %o, %a : f32
    %m = arith.select %minus, %sub, %o : f32
    %u = arith.select %plus, %add, %m : f32
    linalg.yield %u : f32
  } -> tensor<1x64xf32>
  return %r : tensor<1x64xf32>
}

// -----

//===----------------------------------------------------------------------===//
// dot
//===----------------------------------------------------------------------===//

// The int8 ternary kernel (ternc --ternary-kernel=int8 --activation-bits=8):
// activations quantized to i8 as [rows][K / 16][4][4], weights as
// [tiles][K / 16][64][4] bytes, outputs [rows x] tiles x 64 i32; the
// innermost reduction (4 steps) is the dot product. Its partial schedule
// (vector_width = 16, dot_product = 4) makes it dot on every CPU: 16 lanes,
// 64 / 16 = 4 vectors a tile, rows the largest of 4, 3, 2 dividing the
// rows (3 of 3, 3 of 6, 4 of 4, none of 5: 1), 1 without a rows dimension.
// On the GPU and HLS the dot product width stays (the translator sums the
// products in plain i32 for it).

#act = affine_map<(m, t, n, kb, kt, d) -> (m, kb, kt, d)>
#wts = affine_map<(m, t, n, kb, kt, d) -> (t, kb, n, d)>
#acc = affine_map<(m, t, n, kb, kt, d) -> (m, t, n)>

// CHECK-LABEL: func.func @dot_3_rows
// AVX512: {tern.schedule = #tern.schedule<recipe = dot, vector_width = 16, unroll = 4, dot_product = 4, rows = 3>}
// AVX2:   {tern.schedule = #tern.schedule<recipe = dot, vector_width = 16, unroll = 4, dot_product = 4, rows = 3>}
// GPU:    {tern.schedule = #tern.schedule<device = gpu, recipe = gpu, dot_product = 4, gpu_threads = 128>}
// HLS:    {tern.schedule = #tern.schedule<device = hls, recipe = hls, dot_product = 4, hls_reuse = 2>}
func.func @dot_3_rows(%x: tensor<3x1x4x4xi8>, %w: tensor<1x1x64x4xi8>, %i: tensor<3x1x64xi32>) -> tensor<3x1x64xi32> {
  %c1 = arith.constant 1 : index
  %c3_i8 = arith.constant 3 : i8
  %r = linalg.generic {indexing_maps = [#act, #wts, #acc], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x, %w : tensor<3x1x4x4xi8>, tensor<1x1x64x4xi8>) outs(%i : tensor<3x1x64xi32>)
      attrs = {tern.schedule = #tern.schedule<vector_width = 16, dot_product = 4>} {
  ^bb0(%a: i8, %b: i8, %o: i32):
    %kt = linalg.index 4 : index
    %bit = arith.shli %kt, %c1 : index
    %shift = arith.index_cast %bit : index to i8
    %s = arith.shrui %b, %shift : i8
    %t = arith.andi %s, %c3_i8 : i8
    %ax = arith.extsi %a : i8 to i32
    %tx = arith.extui %t : i8 to i32
    %p = arith.muli %tx, %ax : i32
    %u = arith.addi %o, %p : i32
    linalg.yield %u : i32
  } -> tensor<3x1x64xi32>
  return %r : tensor<3x1x64xi32>
}

// CHECK-LABEL: func.func @dot_6_rows
// AVX512: {tern.schedule = #tern.schedule<recipe = dot, vector_width = 16, unroll = 4, dot_product = 4, rows = 3>}
func.func @dot_6_rows(%x: tensor<6x1x4x4xi8>, %w: tensor<1x1x64x4xi8>, %i: tensor<6x1x64xi32>) -> tensor<6x1x64xi32> {
  %c1 = arith.constant 1 : index
  %c3_i8 = arith.constant 3 : i8
  %r = linalg.generic {indexing_maps = [#act, #wts, #acc], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x, %w : tensor<6x1x4x4xi8>, tensor<1x1x64x4xi8>) outs(%i : tensor<6x1x64xi32>)
      attrs = {tern.schedule = #tern.schedule<vector_width = 16, dot_product = 4>} {
  ^bb0(%a: i8, %b: i8, %o: i32):
    %kt = linalg.index 4 : index
    %bit = arith.shli %kt, %c1 : index
    %shift = arith.index_cast %bit : index to i8
    %s = arith.shrui %b, %shift : i8
    %t = arith.andi %s, %c3_i8 : i8
    %ax = arith.extsi %a : i8 to i32
    %tx = arith.extui %t : i8 to i32
    %p = arith.muli %tx, %ax : i32
    %u = arith.addi %o, %p : i32
    linalg.yield %u : i32
  } -> tensor<6x1x64xi32>
  return %r : tensor<6x1x64xi32>
}

// Two tiles of four rows; 4 x 2 x 64 x 64 = 32768 points: threads.
// CHECK-LABEL: func.func @dot_4_rows_2_tiles
// AVX512: {tern.schedule = #tern.schedule<recipe = dot, vector_width = 16, parallel = true, unroll = 4, dot_product = 4, rows = 4>}
func.func @dot_4_rows_2_tiles(%x: tensor<4x4x4x4xi8>, %w: tensor<2x4x64x4xi8>, %i: tensor<4x2x64xi32>) -> tensor<4x2x64xi32> {
  %c1 = arith.constant 1 : index
  %c3_i8 = arith.constant 3 : i8
  %r = linalg.generic {indexing_maps = [#act, #wts, #acc], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x, %w : tensor<4x4x4x4xi8>, tensor<2x4x64x4xi8>) outs(%i : tensor<4x2x64xi32>)
      attrs = {tern.schedule = #tern.schedule<vector_width = 16, dot_product = 4>} {
  ^bb0(%a: i8, %b: i8, %o: i32):
    %kt = linalg.index 4 : index
    %bit = arith.shli %kt, %c1 : index
    %shift = arith.index_cast %bit : index to i8
    %s = arith.shrui %b, %shift : i8
    %t = arith.andi %s, %c3_i8 : i8
    %ax = arith.extsi %a : i8 to i32
    %tx = arith.extui %t : i8 to i32
    %p = arith.muli %tx, %ax : i32
    %u = arith.addi %o, %p : i32
    linalg.yield %u : i32
  } -> tensor<4x2x64xi32>
  return %r : tensor<4x2x64xi32>
}

// CHECK-LABEL: func.func @dot_5_rows
// AVX512: {tern.schedule = #tern.schedule<recipe = dot, vector_width = 16, unroll = 4, dot_product = 4, rows = 1>}
func.func @dot_5_rows(%x: tensor<5x1x4x4xi8>, %w: tensor<1x1x64x4xi8>, %i: tensor<5x1x64xi32>) -> tensor<5x1x64xi32> {
  %c1 = arith.constant 1 : index
  %c3_i8 = arith.constant 3 : i8
  %r = linalg.generic {indexing_maps = [#act, #wts, #acc], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x, %w : tensor<5x1x4x4xi8>, tensor<1x1x64x4xi8>) outs(%i : tensor<5x1x64xi32>)
      attrs = {tern.schedule = #tern.schedule<vector_width = 16, dot_product = 4>} {
  ^bb0(%a: i8, %b: i8, %o: i32):
    %kt = linalg.index 4 : index
    %bit = arith.shli %kt, %c1 : index
    %shift = arith.index_cast %bit : index to i8
    %s = arith.shrui %b, %shift : i8
    %t = arith.andi %s, %c3_i8 : i8
    %ax = arith.extsi %a : i8 to i32
    %tx = arith.extui %t : i8 to i32
    %p = arith.muli %tx, %ax : i32
    %u = arith.addi %o, %p : i32
    linalg.yield %u : i32
  } -> tensor<5x1x64xi32>
  return %r : tensor<5x1x64xi32>
}

// 144 outputs a tile are 9 vectors, more than the 8 the recipe keeps in
// registers: not dot, plain (the partial fields kept).
// CHECK-LABEL: func.func @dot_tile_too_wide
// AVX512: {tern.schedule = #tern.schedule<recipe = plain, vector_width = 16, unroll = 4, dot_product = 4>}
func.func @dot_tile_too_wide(%x: tensor<1x1x4x4xi8>, %w: tensor<1x1x144x4xi8>, %i: tensor<1x1x144xi32>) -> tensor<1x1x144xi32> {
  %c1 = arith.constant 1 : index
  %c3_i8 = arith.constant 3 : i8
  %r = linalg.generic {indexing_maps = [#act, #wts, #acc], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x, %w : tensor<1x1x4x4xi8>, tensor<1x1x144x4xi8>) outs(%i : tensor<1x1x144xi32>)
      attrs = {tern.schedule = #tern.schedule<vector_width = 16, dot_product = 4>} {
  ^bb0(%a: i8, %b: i8, %o: i32):
    %kt = linalg.index 4 : index
    %bit = arith.shli %kt, %c1 : index
    %shift = arith.index_cast %bit : index to i8
    %s = arith.shrui %b, %shift : i8
    %t = arith.andi %s, %c3_i8 : i8
    %ax = arith.extsi %a : i8 to i32
    %tx = arith.extui %t : i8 to i32
    %p = arith.muli %tx, %ax : i32
    %u = arith.addi %o, %p : i32
    linalg.yield %u : i32
  } -> tensor<1x1x144xi32>
  return %r : tensor<1x1x144xi32>
}

// -----

// The dot kernel without a rows dimension (outputs tiles x 64): rows = 1.

#act = affine_map<(t, n, kb, kt, d) -> (kb, kt, d)>
#wts = affine_map<(t, n, kb, kt, d) -> (t, kb, n, d)>
#acc = affine_map<(t, n, kb, kt, d) -> (t, n)>

// CHECK-LABEL: func.func @dot_tiles
// AVX512: {tern.schedule = #tern.schedule<recipe = dot, vector_width = 16, unroll = 4, dot_product = 4, rows = 1>}
// AVX2:   {tern.schedule = #tern.schedule<recipe = dot, vector_width = 16, unroll = 4, dot_product = 4, rows = 1>}
func.func @dot_tiles(%x: tensor<1x4x4xi8>, %w: tensor<2x1x64x4xi8>, %i: tensor<2x64xi32>) -> tensor<2x64xi32> {
  %c1 = arith.constant 1 : index
  %c3_i8 = arith.constant 3 : i8
  %r = linalg.generic {indexing_maps = [#act, #wts, #acc], iterator_types = ["parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x, %w : tensor<1x4x4xi8>, tensor<2x1x64x4xi8>) outs(%i : tensor<2x64xi32>)
      attrs = {tern.schedule = #tern.schedule<vector_width = 16, dot_product = 4>} {
  ^bb0(%a: i8, %b: i8, %o: i32):
    %kt = linalg.index 3 : index
    %bit = arith.shli %kt, %c1 : index
    %shift = arith.index_cast %bit : index to i8
    %s = arith.shrui %b, %shift : i8
    %t = arith.andi %s, %c3_i8 : i8
    %ax = arith.extsi %a : i8 to i32
    %tx = arith.extui %t : i8 to i32
    %p = arith.muli %tx, %ax : i32
    %u = arith.addi %o, %p : i32
    linalg.yield %u : i32
  } -> tensor<2x64xi32>
  return %r : tensor<2x64xi32>
}

// -----

//===----------------------------------------------------------------------===//
// hls
//===----------------------------------------------------------------------===//

// A layer's own reuse factor (tern.hls_reuse) wins over the target's, as
// does the one of a partial schedule; the CPU and GPU schedules have no
// reuse factor.

#x = affine_map<(m, n, k) -> (m, k)>
#w = affine_map<(m, n, k) -> (k, n)>
#y = affine_map<(m, n, k) -> (m, n)>

// CHECK-LABEL: func.func @own_reuse
// AVX512: {tern.hls_reuse = 3 : i64, tern.schedule = #tern.schedule<recipe = plain, vector_width = 16, unroll = 4>}
// GPU:    {tern.hls_reuse = 3 : i64, tern.schedule = #tern.schedule<device = gpu, recipe = gpu, gpu_threads = 128>}
// HLS:    {tern.hls_reuse = 3 : i64, tern.schedule = #tern.schedule<device = hls, recipe = hls, hls_reuse = 3>}
// HLS1:   {tern.hls_reuse = 3 : i64, tern.schedule = #tern.schedule<device = hls, recipe = hls, hls_reuse = 3>}
func.func @own_reuse(%x: tensor<4x64xf32>, %w: tensor<64x32xf32>, %i: tensor<4x32xf32>) -> tensor<4x32xf32> {
  %r = linalg.generic {indexing_maps = [#x, #w, #y], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<4x64xf32>, tensor<64x32xf32>) outs(%i : tensor<4x32xf32>)
      attrs = {tern.hls_reuse = 3 : i64} {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  } -> tensor<4x32xf32>
  return %r : tensor<4x32xf32>
}

// CHECK-LABEL: func.func @partial_reuse
// AVX512: {tern.schedule = #tern.schedule<recipe = plain, vector_width = 16, unroll = 4>}
// HLS:    {tern.schedule = #tern.schedule<device = hls, recipe = hls, hls_reuse = 5>}
func.func @partial_reuse(%x: tensor<4x64xf32>, %w: tensor<64x32xf32>, %i: tensor<4x32xf32>) -> tensor<4x32xf32> {
  %r = linalg.generic {indexing_maps = [#x, #w, #y], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<4x64xf32>, tensor<64x32xf32>) outs(%i : tensor<4x32xf32>)
      attrs = {tern.schedule = #tern.schedule<hls_reuse = 5>} {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  } -> tensor<4x32xf32>
  return %r : tensor<4x32xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Left alone
//===----------------------------------------------------------------------===//

// A schedule with a recipe is already chosen: kept as it is on every
// target, even one for another device. A fill-like generic whose only use
// is another generic's init is folded into that kernel: no schedule; one
// that is also returned is a kernel of its own (plain). A generic the
// backend cannot describe (a dynamic extent) gets none: the model's
// planning reports it.

#id = affine_map<(m, n) -> (m, n)>
#x = affine_map<(m, n, k) -> (m, k)>
#w = affine_map<(m, n, k) -> (k, n)>
#y = affine_map<(m, n, k) -> (m, n)>
#d = affine_map<(i) -> (i)>

// CHECK-LABEL: func.func @chosen
// CHECK:         {tern.schedule = #tern.schedule<recipe = plain, vector_width = 4, parallel = true, unroll = 2>}
// CHECK:         {tern.schedule = #tern.schedule<device = gpu, recipe = gpu, gpu_threads = 64>}
func.func @chosen(%a: tensor<4x32xf32>) -> (tensor<4x32xf32>, tensor<4x32xf32>) {
  %e = tensor.empty() : tensor<4x32xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<4x32xf32>) outs(%e : tensor<4x32xf32>)
      attrs = {tern.schedule = #tern.schedule<recipe = plain, vector_width = 4, parallel = true, unroll = 2>} {
  ^bb0(%x: f32, %o: f32):
    %n = arith.negf %x : f32
    linalg.yield %n : f32
  } -> tensor<4x32xf32>
  %g = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<4x32xf32>) outs(%e : tensor<4x32xf32>)
      attrs = {tern.schedule = #tern.schedule<device = gpu, recipe = gpu, gpu_threads = 64>} {
  ^bb0(%x: f32, %o: f32):
    %n = arith.negf %x : f32
    linalg.yield %n : f32
  } -> tensor<4x32xf32>
  return %r, %g : tensor<4x32xf32>, tensor<4x32xf32>
}

// CHECK-LABEL: func.func @fills
// The fill only initializing the matmul: no schedule.
// CHECK:         %[[F:[0-9]+]] = linalg.generic {indexing_maps = [#{{[a-z0-9]+}}], iterator_types = ["parallel", "parallel"]} outs(%{{[0-9]+}} : tensor<4x32xf32>) {
// CHECK:         linalg.generic {{.*}} outs(%[[F]] : tensor<4x32xf32>)
// AVX512-SAME:     {tern.schedule = #tern.schedule<recipe = plain, vector_width = 16, unroll = 4>}
// The fill also returned: a kernel.
// CHECK:         linalg.generic {indexing_maps = [#{{[a-z0-9]+}}], iterator_types = ["parallel", "parallel"]} outs(%{{[0-9]+}} : tensor<4x32xf32>)
// AVX512-SAME:     {tern.schedule = #tern.schedule<recipe = plain, vector_width = 16>}
// GPU-SAME:        {tern.schedule = #tern.schedule<device = gpu, recipe = gpu, gpu_threads = 128>}
// CHECK:         return
func.func @fills(%x: tensor<4x64xf32>, %w: tensor<64x32xf32>) -> (tensor<4x32xf32>, tensor<4x32xf32>) {
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x32xf32>
  %f = linalg.generic {indexing_maps = [#id], iterator_types = ["parallel", "parallel"]} outs(%e : tensor<4x32xf32>) {
  ^bb0(%o: f32):
    linalg.yield %z : f32
  } -> tensor<4x32xf32>
  %r = linalg.generic {indexing_maps = [#x, #w, #y], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<4x64xf32>, tensor<64x32xf32>) outs(%f : tensor<4x32xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  } -> tensor<4x32xf32>
  %g = linalg.generic {indexing_maps = [#id], iterator_types = ["parallel", "parallel"]} outs(%e : tensor<4x32xf32>) {
  ^bb0(%o: f32):
    linalg.yield %z : f32
  } -> tensor<4x32xf32>
  %s = linalg.generic {indexing_maps = [#x, #w, #y], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<4x64xf32>, tensor<64x32xf32>) outs(%g : tensor<4x32xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %t = arith.addf %o, %p : f32
    linalg.yield %t : f32
  } -> tensor<4x32xf32>
  return %r, %g : tensor<4x32xf32>, tensor<4x32xf32>
}

// CHECK-LABEL: func.func @dynamic
// CHECK-NOT:     tern.schedule
// CHECK:         return
func.func @dynamic(%a: tensor<?xf32>) -> tensor<?xf32> {
  %r = linalg.generic {indexing_maps = [#d, #d], iterator_types = ["parallel"]}
      ins(%a : tensor<?xf32>) outs(%a : tensor<?xf32>) {
  ^bb0(%x: f32, %o: f32):
    %n = arith.negf %x : f32
    linalg.yield %n : f32
  } -> tensor<?xf32>
  return %r : tensor<?xf32>
}
