// ternc --activation-threshold (TEAL-style activation sparsity) on the MLP
// of Inputs/relu-mlp.mlir: calibration picks a threshold per layer, the
// layers read thresholded inputs and skip their zeros; bad flags are errors.

// 20 samples of the model's 8 inputs.
// RUN: python3 -c "import struct; open('%t.f32', 'wb').write(struct.pack('<160f', *[((i * 37) %% 23) / 11.0 - 1.0 for i in range(160)]))"

// Every layer: a remark per layer with its threshold and the fraction of
// calibration inputs it zeros, then the thresholds and the skips.
// RUN: ternc %S/Inputs/relu-mlp.mlir --activation-threshold=calibrate:%t.f32 --emit=kernel --tern-report -o %t.kernel.mlir 2>&1 | FileCheck %s --check-prefix=REPORT
// REPORT: --activation-threshold: layer 'fc1' zeros inputs with |x| <= {{[0-9.e-]+}}: 5{{[0-9]}}.{{[0-9]}}% of its inputs on 20 calibration samples ({{[0-9.]+}}% were zero already)
// REPORT: --activation-threshold: layer 'fc2' zeros inputs with |x| <= {{[0-9.e-]+}}: {{[5-9][0-9]}}.{{[0-9]}}% of its inputs on 20 calibration samples ({{[0-9.]+}}% were zero already)
// REPORT: tern-activation-threshold: layer 'fc1' zeros inputs with |x| <=
// REPORT: tern-activation-threshold: layer 'fc2' zeros inputs with |x| <=
// REPORT-COUNT-2: tern-skip-zero-activations: layer
// RUN: FileCheck %s --check-prefix=KERNEL < %t.kernel.mlir
// KERNEL: arith.cmpf ugt
// KERNEL: tern.skip_zero_input = 0
// KERNEL: arith.cmpf ugt
// KERNEL: tern.skip_zero_input = 0

// One layer, a higher target; sparsity 0 zeros only the inputs that are zero.
// RUN: ternc %S/Inputs/relu-mlp.mlir --activation-threshold=calibrate:%t.f32 --activation-threshold-layers=fc2 --activation-threshold-sparsity=0.9 --emit=kernel -o /dev/null 2>&1 | FileCheck %s --check-prefix=ONE
// ONE-NOT: layer 'fc1'
// ONE: --activation-threshold: layer 'fc2' zeros inputs with |x| <= {{[0-9.e-]+}}: 9{{[0-9]}}.{{[0-9]}}% of its inputs
// ONE-NOT: layer 'fc1'
// RUN: ternc %S/Inputs/relu-mlp.mlir --activation-threshold=calibrate:%t.f32 --activation-threshold-sparsity=0 --emit=kernel -o /dev/null 2>&1 | FileCheck %s --check-prefix=ZERO
// ZERO: --activation-threshold: layer 'fc1' zeros inputs with |x| <= 0: 4.4% of its inputs on 20 calibration samples (4.4% were zero already)

// The library builds and runs.
// RUN: rm -rf %t.lib && mkdir -p %t.lib
// RUN: ternc %S/Inputs/relu-mlp.mlir --activation-threshold=calibrate:%t.f32 -o %t.lib --name sp 2>&1 | FileCheck %s --check-prefix=PROGRESS
// PROGRESS: calibrating activation thresholds on 20 samples from
// RUN: cc -std=c99 %S/Inputs/sparse-run.c -I%t.lib -L%t.lib -l:libsp.a -lpthread -ldl -lm -o %t.lib/run
// RUN: %t.lib/run

// Bad flags and files.
// RUN: not ternc %S/Inputs/relu-mlp.mlir --activation-threshold=0.1 2>&1 | FileCheck %s --check-prefix=SPEC
// SPEC: ternc: error: --activation-threshold='0.1': expected calibrate:FILE (raw f32 samples of the model's inputs)
// RUN: not ternc %S/Inputs/relu-mlp.mlir --activation-threshold=calibrate:%t.missing 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: error: cannot read the calibration file
// MISSING: ternc: error: cannot calibrate --activation-threshold (see the errors above)
// RUN: head -c 36 %t.f32 > %t.short.f32
// RUN: not ternc %S/Inputs/relu-mlp.mlir --activation-threshold=calibrate:%t.short.f32 2>&1 | FileCheck %s --check-prefix=SHORT
// SHORT: has 36 bytes, not a positive multiple of one sample (8 f32 values = 32 bytes, the model's inputs in order)
// RUN: not ternc %S/Inputs/relu-mlp.mlir --activation-threshold=calibrate:%t.f32 --activation-threshold-sparsity=1.5 2>&1 | FileCheck %s --check-prefix=FRACTION
// FRACTION: ternc: error: --activation-threshold-sparsity must be a fraction in [0, 1], e.g. 0.5
// RUN: not ternc %S/Inputs/relu-mlp.mlir --activation-threshold-sparsity=0.7 2>&1 | FileCheck %s --check-prefix=NEEDS
// NEEDS: ternc: error: --activation-threshold-sparsity and --activation-threshold-layers need --activation-threshold=calibrate:FILE
// RUN: not ternc %S/Inputs/relu-mlp.mlir --activation-threshold=calibrate:%t.f32 --activation-threshold-layers=fc9 2>&1 | FileCheck %s --check-prefix=NOLAYER
// NOLAYER: error: --activation-threshold-layers: no layer named 'fc9'
// RUN: not ternc %S/Inputs/relu-mlp.mlir --activation-threshold=calibrate:%t.f32 --integer 2>&1 | FileCheck %s --check-prefix=INTEGER
// INTEGER: ternc: error: --activation-threshold is a float-mode option; integer mode (--integer, --target=hls) does not skip zero inputs
// RUN: not ternc %S/Inputs/relu-mlp.mlir --activation-threshold=calibrate:%t.f32 --target=cuda 2>&1 | FileCheck %s --check-prefix=GPU
// GPU: ternc: error: --activation-threshold zeros small inputs so that CPU kernels can skip them
