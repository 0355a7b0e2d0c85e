// RUN: rm -rf %t
// RUN: ternc %s --target=hls -o %t --name two 2>&1 | FileCheck %s --check-prefix=PROGRESS
// RUN: ls %t | FileCheck %s --check-prefix=FILES --match-full-lines
// RUN: FileCheck %s --input-file=%t/two.cpp
// RUN: FileCheck %s --input-file=%t/two.cpp --check-prefix=TERNARY
// RUN: FileCheck %s --input-file=%t/two.cpp --check-prefix=TOP
// RUN: FileCheck %s --input-file=%t/two.h --check-prefix=HEADER
// RUN: FileCheck %s --input-file=%t/run_hls.tcl --check-prefix=TCL
// RUN: FileCheck %s --input-file=%t/report.md --check-prefix=REPORT
// RUN: FileCheck %s --input-file=%t/report.json --check-prefix=JSON
// RUN: python3 %tern_src_root/compiler/tools/tern-hls-lint/tern-hls-lint.py %t/two.cpp
// RUN: g++ -std=c++14 -Wall -Werror -Wno-unknown-pragmas -O1 %t/two.cpp %t/two_tb.cpp -o %t/tb
// RUN: %t/tb | FileCheck %s --check-prefix=SIM
// RUN: ternc %s --target=hls --hls-reuse=2 --fpga-part=xcu250-figd2104-2L-e --clock-ns=4 -o %t/r2 --name two --quiet
// RUN: FileCheck %s --input-file=%t/r2/two.cpp --check-prefix=REUSE
// RUN: FileCheck %s --input-file=%t/r2/run_hls.tcl --check-prefix=PART
// RUN: g++ -std=c++14 -Wall -Werror -Wno-unknown-pragmas -O1 %t/r2/two.cpp %t/r2/two_tb.cpp -o %t/r2/tb && %t/r2/tb | FileCheck %s --check-prefix=SIM
// RUN: sed 's/{encoding = /{tern.hls_reuse = 3 : i64, encoding = /' %s > %t/layer.mlir
// RUN: ternc %t/layer.mlir --target=hls -o %t/layer --name two --quiet
// RUN: FileCheck %s --input-file=%t/layer/two.cpp --check-prefix=LAYER

// --target=hls: a dense layer with bias and ReLU, then a ternary layer, in
// integer mode, printed as HLS C++ from Halide's lowered statements.

// PROGRESS: ternc: [1/6] parsing {{.*}}target-hls.mlir
// PROGRESS: ternc:       calibrating integer mode on 64 pseudo-random samples in [-1, 1]
// PROGRESS: ternc: HLS estimate: {{[0-9]+}} cycles, {{[0-9]+}} LUT, {{[0-9]+}} FF, {{[0-9]+}} DSP, {{[0-9]+}} BRAM18
// PROGRESS: ternc: wrote the HLS project {{.*}} (two.cpp, two.h, two_tb.cpp, run_hls.tcl, report.md, report.json)

// FILES:      report.json
// FILES-NEXT: report.md
// FILES-NEXT: run_hls.tcl
// FILES-NEXT: two.cpp
// FILES-NEXT: two.h
// FILES-NEXT: two_tb.cpp

// Weights are static const ROMs of fixed-width integers.
// CHECK: static const int8_t w0_i8[12] = {
// CHECK: static const int32_t w64_i32[3] = {

// The dense layer: the reduction (K = 4) split by the HLS schedule into an
// unrolled inner loop; PIPELINE on the innermost loop that is not unrolled,
// UNROLL inside the unrolled one, and the arrays it reads partitioned so
// that the 4 copies read in one cycle. One multiplication per copy.
// CHECK-LABEL: static void two_k0(const int8_t _in0[4], const int8_t _in1[12], int32_t {{.*}}[3]) {
// CHECK-NEXT:    #pragma HLS ARRAY_PARTITION variable=_in0 cyclic factor=4
// CHECK-NEXT:    #pragma HLS ARRAY_PARTITION variable=_in1 cyclic factor=4
// CHECK:         for (int [[D:.*_s1_d1]] = 0; [[D]] < 3; [[D]]++)
// CHECK-NEXT:      #pragma HLS PIPELINE II=1
// CHECK-NEXT:      L{{.*}}_hls_unroll:
// CHECK-NEXT:      for (int [[R:.*]] = 0; [[R]] < 4; [[R]]++)
// CHECK-NEXT:        #pragma HLS UNROLL
// CHECK:             = {{_[0-9]+}} * {{_[0-9]+}};
// CHECK:           } // for [[R]]

// Bias, ReLU and the requantization by a shift, fused in one loop.
// CHECK-LABEL: static void two_k1(const int32_t _in0[3], const int32_t _in1[3], int8_t {{.*}}[3]) {
// CHECK:         #pragma HLS PIPELINE II=1
// CHECK:         > 0 ? {{.*}} : 0;
// CHECK:         >> 8;
// CHECK:         < {{.*}} ? {{.*}} : {{.*}};
// CHECK:         > {{.*}} ? {{.*}} : {{.*}};
// CHECK:         = (int8_t)(

// The ternary layer: 2-bit codes decoded by shifts and masks, the
// activation added or subtracted. No multiplication anywhere in it.
// TERNARY-LABEL: static void two_k2(const int8_t _in0[2], const int8_t _in1[3], int32_t {{.*}}[2]) {
// TERNARY-NOT:     *
// TERNARY:         #pragma HLS UNROLL
// TERNARY-NOT:     *
// TERNARY:         >> {{.*}};
// TERNARY-NOT:     *
// TERNARY:         = {{.*}} - {{.*}};
// TERNARY-NOT:     *
// TERNARY:         & 3;
// TERNARY-NOT:     *
// TERNARY:         = {{.*}} + {{.*}};
// TERNARY-NOT:     *
// TERNARY:       {{^}}}

// The top function: ports with INTERFACE pragmas, activation buffers as
// local arrays, the layers in order.
// TOP-LABEL: void two(const int8_t in_input0[4], int32_t out_output0[2]) {
// TOP-NEXT:    #pragma HLS INTERFACE mode=ap_memory port=in_input0
// TOP-NEXT:    #pragma HLS INTERFACE mode=ap_memory port=out_output0
// TOP-NEXT:    #pragma HLS INTERFACE mode=ap_ctrl_hs port=return
// TOP:         static int32_t [[ACC:a[0-9]+_i32]][3];
// TOP:         static int8_t [[ACT:a[0-9]+_i8]][3];
// TOP:         two_k0(in_input0, w0_i8, [[ACC]]);
// TOP:         two_k1([[ACC]], w64_i32, [[ACT]]);
// TOP:         two_k2(w128_i8, [[ACT]], out_output0);
// TOP-NEXT:  }

// HEADER: #include <stdint.h>
// HEADER: #define TWO_IN_input0_SIZE 4
// HEADER: #define TWO_IN_input0_SCALE
// HEADER: #define TWO_OUT_output0_SIZE 2
// HEADER: #define TWO_OUT_output0_SCALE
// HEADER: void two(const int8_t in_input0[4], int32_t out_output0[2]);

// TCL:      open_project -reset two_prj
// TCL:      set_top two
// TCL:      add_files two.cpp
// TCL:      add_files -tb two_tb.cpp
// TCL:      set_part {xc7z020clg400-1}
// TCL:      create_clock -period 10.00 -name default
// TCL:      csim_design
// TCL-NEXT: csynth_design
// TCL-NEXT: cosim_design
// TCL-NEXT: export_design -format ip_catalog

// The report: per layer the schedule and the estimate; the ternary layer
// needs no DSP, the dense one a DSP per unrolled multiplication (4).
// REPORT: | layer | kernel | unroll | II | partitioned arrays | LUT | FF | DSP | BRAM18 | multiplies | latency (cycles) |
// REPORT: | {{.*}}target-hls.mlir:{{[0-9]+}}:{{[0-9]+}} | two_k0 | 4 | 1 | {{.*}} | {{[0-9]+}} | {{[0-9]+}} | 4 | 0 | 4 | {{[0-9]+}} |
// REPORT: | {{.*}}target-hls.mlir:{{[0-9]+}}:{{[0-9]+}} | two_k2 | 3 | 1 | {{.*}} | {{[0-9]+}} | {{[0-9]+}} | 0 | 0 | 0 | {{[0-9]+}} |
// REPORT: Part `xc7z020`: 53200 LUT, 106400 FF, 220 DSP, 280 BRAM18
// REPORT: ## Model

// JSON: "part": "xc7z020clg400-1",
// JSON: "layers": [
// JSON: "kernel": "two_k0", "unroll": 4, "ii": 1, {{.*}} "dsp": 4,
// JSON: "kernel": "two_k2", "unroll": 3, "ii": 1, {{.*}} "dsp": 0,

// SIM: PASS: {{[0-9]+}} samples bit-exact against the CPU build

// --hls-reuse=2: each multiplier serves 2 steps of the reduction: a
// pipelined loop of 2 iterations around an unrolled loop of 2 copies.
// REUSE-LABEL: static void two_k0(
// REUSE-NEXT:    #pragma HLS ARRAY_PARTITION variable=_in0 cyclic factor=2
// REUSE:         for (int [[O:.*_hls_outer]] = 0; [[O]] < 2; [[O]]++)
// REUSE-NEXT:      #pragma HLS PIPELINE II=1
// REUSE-NEXT:      L{{.*}}_hls_unroll:
// REUSE-NEXT:      for (int [[R:.*]] = 0; [[R]] < 2; [[R]]++)
// REUSE-NEXT:        #pragma HLS UNROLL
// A per-layer reuse factor (`tern.hls_reuse` on the op) overrides
// --hls-reuse: the ternary layer's 3 steps share one adder (a pipelined loop
// of 3, nothing unrolled), the dense layer stays fully unrolled.
// LAYER-LABEL: static void two_k0(
// LAYER:         #pragma HLS UNROLL
// LAYER-LABEL: static void two_k2(
// LAYER-NOT:     UNROLL
// LAYER:         for (int [[R:.*]] = 0; [[R]] < 3; [[R]]++)
// LAYER-NEXT:      #pragma HLS PIPELINE II=1
// LAYER-NOT:     UNROLL
// LAYER:       {{^}}}

// PART: set_part {xcu250-figd2104-2L-e}
// PART: create_clock -period 4.00 -name default

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>
func.func @two_layers(%x: tensor<1x4xf32> {tern.absmax = 2.0 : f64})
    -> tensor<1x2xf32> {
  %zero = arith.constant 0.0 : f32
  %w1 = arith.constant dense<[[0.5, -0.25, 0.0], [0.125, 1.0, -0.5],
                              [0.0, 0.25, 0.75], [-1.0, 0.5, 0.25]]> : tensor<4x3xf32>
  %b1 = arith.constant dense<[0.1, -0.2, 0.3]> : tensor<3xf32>
  %e1 = tensor.empty() : tensor<1x3xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<1x3xf32>) -> tensor<1x3xf32>
  %m1 = linalg.matmul ins(%x, %w1 : tensor<1x4xf32>, tensor<4x3xf32>)
                      outs(%f1 : tensor<1x3xf32>) -> tensor<1x3xf32>
  %h1 = linalg.generic {indexing_maps = [#id, #row, #id],
                        iterator_types = ["parallel", "parallel"]}
      ins(%m1, %b1 : tensor<1x3xf32>, tensor<3xf32>) outs(%e1 : tensor<1x3xf32>)
      attrs = {tern.absmax = 3.0 : f64} {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  } -> tensor<1x3xf32>
  %w2 = arith.constant dense<[[33], [20]]> : tensor<2x1xi8>
  %s2 = arith.constant dense<0.5> : tensor<1xf32>
  %y = tern.ternary_matmul %h1, %w2, %s2
         {encoding = #tern.ternary<scale = per_tensor, packing = i2>}
         : (tensor<1x3xf32>, tensor<2x1xi8>, tensor<1xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}
