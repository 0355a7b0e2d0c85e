// RUN: rm -rf %t && mkdir -p %t
// RUN: not ternc %S/Inputs/hls-exp.mlir --target=hls -o %t/a --quiet 2>&1 | FileCheck %s --check-prefix=NOMAP
// RUN: not ternc %s --integer --integer-bits=4 -o %t/b --quiet 2>&1 | FileCheck %s --check-prefix=BITS
// RUN: not ternc %s --calibrate=%s -o %t/b --quiet 2>&1 | FileCheck %s --check-prefix=CALFLOAT
// RUN: not ternc %s --target=hls --emit=obj -o %t/b --quiet 2>&1 | FileCheck %s --check-prefix=EMIT
// RUN: not ternc %s --target=hls --clock-ns=0 -o %t/b --quiet 2>&1 | FileCheck %s --check-prefix=CLOCK
// RUN: not ternc %s --target=hls --hls-reuse=0 -o %t/b --quiet 2>&1 | FileCheck %s --check-prefix=REUSE
// RUN: not ternc %s --target=hls --ternary-kernel=lut -o %t/b --quiet 2>&1 | FileCheck %s --check-prefix=KERNEL
// RUN: not ternc %s --integer --activation-bits=8 -o %t/b --quiet 2>&1 | FileCheck %s --check-prefix=ACTBITS
// RUN: printf 'abcdefghij' > %t/ten.f32
// RUN: not ternc %s --target=hls --calibrate=%t/ten.f32 -o %t/b --quiet 2>&1 | FileCheck %s --check-prefix=CALSIZE
// RUN: not ternc %s --target=hls --calibrate=%t/missing.f32 -o %t/b --quiet 2>&1 | FileCheck %s --check-prefix=CALMISSING
// RUN: ternc %tern_src_root/examples/digits/mlp_float.onnx --target=hls --fpga-part=xc7a35t -o %t/big --quiet 2>&1 | FileCheck %s --check-prefix=TOOBIG
// RUN: FileCheck %s --input-file=%t/big/report.md --check-prefix=TOOBIG-REPORT
// RUN: ternc %s --target=hls --fpga-part=xc9unknown -o %t/c --quiet
// RUN: FileCheck %s --input-file=%t/c/report.md --check-prefix=UNKNOWN-PART

// An op integer mode (and so the HLS path) cannot map: the error names it and
// where it is, and suggests the CPU target.
// NOMAP: hls-exp.mlir:4:8: error: 'linalg.generic' op tern-quantize: 'math.exp' computes on float values; integer mode (--target=hls, --integer) has no form for it: compile this model for the CPU in float (--target=host)
// NOMAP: ternc: error: lowering '{{.*}}hls-exp.mlir' failed

// BITS: ternc: error: --integer-bits must be 8 or 16
// CALFLOAT: ternc: error: --calibrate applies to integer mode (--integer or --target=hls)
// EMIT: ternc: error: --target=hls writes an HLS project directory
// CLOCK: ternc: error: --clock-ns must be a clock period in nanoseconds, > 0
// REUSE: ternc: error: --hls-reuse must be at least 1
// KERNEL: ternc: error: --ternary-kernel chooses among float-mode kernels; integer mode (--integer, --target=hls) always adds and subtracts integer activations under 2-bit codes: drop the flag
// ACTBITS: ternc: error: --activation-bits is the float mode's int8 ternary kernel; integer mode sets its width with --integer-bits
// CALSIZE: error: the calibration file '{{.*}}ten.f32' has 10 bytes, not a positive multiple of one sample (4 f32 values = 16 bytes, the model's inputs in order)
// CALMISSING: error: cannot read the calibration file '{{.*}}missing.f32'

// A model whose estimate exceeds the part: a warning with the estimate (the
// project is still written).
// TOOBIG: ternc: warning: the estimate does not fit xc7a35t (DSP {{[0-9]+}} of 90); raise --hls-reuse or choose a larger --fpga-part (see report.md)
// TOOBIG-REPORT: **Warning: the estimate exceeds the part (DSP {{[0-9]+}} of 90).**

// UNKNOWN-PART: Part `xc9unknown` is not in Tern's table; the estimate is not compared.

func.func @small(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %e = tensor.empty() : tensor<1x4xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<1x4xf32>) outs(%e : tensor<1x4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %zero = arith.constant 0.0 : f32
    %r = arith.maximumf %a, %zero : f32
    linalg.yield %r : f32
  } -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}
