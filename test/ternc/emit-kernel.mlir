// RUN: ternc %S/Inputs/mlp.mlir --emit=kernel --target=x86-64-linux-avx-avx2-f16c-fma-sse41 | FileCheck %s --implicit-check-not=tern.ternary --implicit-check-not='linalg.{{[^giy]}}'
// RUN: ternc %S/Inputs/mlp.mlir --emit=kernel --target=x86-64-linux-avx-avx2-f16c-fma-sse41 --tern-report 2>&1 >/dev/null | FileCheck %s --check-prefix=REPORT
// RUN: ternc %S/Inputs/mlp.mlir --emit=kernel --target=x86-64-linux-avx-avx2-f16c-fma-sse41 2>&1 >/dev/null | count 0
// RUN: ternc %S/Inputs/mlp.mlir --emit=kernel --target=x86-64-linux-avx-avx2-f16c-fma-sse41 --dump-after=tern-raise 2>&1 >/dev/null | FileCheck %s --check-prefix=DUMP
// RUN: ternc %S/Inputs/mlp.mlir --emit=kernel --target=x86-64-linux-avx-avx2-f16c-fma-sse41 --dump-after=tern-raise,tern-lower-ternary 2>&1 >/dev/null | FileCheck %s --check-prefix=DUMP2

// RUN: ternc %S/Inputs/mlp.mlir --emit=kernel --tern-report --target=x86-64-linux-avx-avx2-avx512-avx512_skylake-f16c-fma-sse41 2>&1 >/dev/null | FileCheck %s --check-prefix=AVX512

// --emit=kernel prints the IR after the kernel pipeline: the same as
// tern-opt --tern-kernel-pipeline (test/Pipelines), only linalg.generic.
// The target is named (AVX2) because the cost model's batch-1 choice
// depends on it: with AVX-512 float layers at batch 1 get bit planes.
// AVX512: mlp.mlir:12:9: remark: tern-select-ternary-kernel: add_sub kernel, bitplane packing (M = 1, K = 4, N = 3, 6 weight bytes): float activations, batch 1, AVX-512: bit planes test into mask registers

// CHECK-LABEL: func.func @mlp(
// CHECK-DAG:     arith.constant dense<{{\[\[}}73, -108, 66]]> : tensor<1x3xi8>
// CHECK-DAG:     arith.constant dense<{{\[\[}}9, 36]]> : tensor<1x2xi8>
// CHECK:         linalg.generic {{.*}}"reduction"
// CHECK:         linalg.generic {{.*}}"reduction"
// CHECK:         return

// --tern-report turns on the remarks of tern-raise, of
// tern-select-ternary-kernel (which kernel each layer got, and why) and of
// tern-skip-zero-activations (the layer after the ReLU skips zero inputs),
// at the matmuls' locations in the input file.
// REPORT: mlp.mlir:12:9: remark: tern-raise: raised to tern.ternary_matmul: 3 x 4 weights, per_row scale, i2 packing, 48 -> 15 bytes
// REPORT: mlp.mlir:33:9: remark: tern-raise: raised to tern.ternary_matmul: 2 x 3 weights, per_tensor scale, i2 packing, 24 -> 6 bytes
// REPORT: mlp.mlir:12:9: remark: tern-select-ternary-kernel: add_sub kernel, i2 packing (M = 1, K = 4, N = 3, 3 weight bytes): float activations
// REPORT: mlp.mlir:33:9: remark: tern-select-ternary-kernel: add_sub kernel, i2 packing (M = 1, K = 3, N = 2, 2 weight bytes): float activations
// REPORT: mlp.mlir:33:9: remark: tern-skip-zero-activations: layer {{.*}} skips its zero inputs (from a ReLU or a threshold) at run time
// REPORT-NOT: remark

// --dump-after prints the function after the named passes, on stderr.
// DUMP:      // -----// IR Dump After TernRaisePass (tern-raise) //----- //
// DUMP-NEXT: func.func @mlp(
// DUMP:        tern.ternary_matmul {{.*}}scale = per_row
// DUMP:        tern.ternary_matmul {{.*}}scale = per_tensor
// DUMP-NOT:  IR Dump After

// DUMP2:     // -----// IR Dump After TernRaisePass (tern-raise) //----- //
// DUMP2:       tern.ternary_matmul
// DUMP2:     // -----// IR Dump After TernLowerTernaryPass (tern-lower-ternary) //----- //
// DUMP2-NOT:   tern.ternary_matmul
// DUMP2:       linalg.generic {{.*}}"reduction"
// DUMP2-NOT: IR Dump After
