// ternc and tern-opt run one pipeline (Pipelines.cpp): without calibration,
// `ternc --emit=kernel` prints exactly what `tern-opt --tern-kernel-pipeline`
// prints with the same options, schedules included. The pipeline options
// that ternc derives from an AVX-512 target are tern-opt's defaults
// (64-byte vectors, 32 registers) plus avx512=true (the ternary cost
// model's input); an AVX2 target has 32-byte vectors and 16 registers.

// RUN: ternc %S/Inputs/mlp.mlir --emit=kernel --quiet -o %t.ternc512.mlir \
// RUN:   --target=x86-64-linux-avx-avx2-avx512-avx512_skylake-f16c-fma-sse41
// RUN: tern-opt %S/Inputs/mlp.mlir --tern-kernel-pipeline=avx512=true -o %t.opt512.mlir
// RUN: diff %t.ternc512.mlir %t.opt512.mlir

// RUN: ternc %S/Inputs/relu-mlp.mlir --emit=kernel --quiet -o %t.ternc2.mlir \
// RUN:   --target=x86-64-linux-avx-avx2-f16c-fma-sse41 --prune=2:4
// RUN: tern-opt %S/Inputs/relu-mlp.mlir -o %t.opt2.mlir \
// RUN:   --tern-kernel-pipeline="prune=2:4 float-vector-bytes=32 int-vector-bytes=32 vector-registers=16"
// RUN: diff %t.ternc2.mlir %t.opt2.mlir

// RUN: ternc %S/Inputs/mlp.mlir --emit=kernel --quiet -o %t.ternc8.mlir \
// RUN:   --target=x86-64-linux-avx-avx2-avx512-avx512_skylake-f16c-fma-sse41 \
// RUN:   --activation-bits=8
// RUN: tern-opt %S/Inputs/mlp.mlir -o %t.opt8.mlir \
// RUN:   --tern-kernel-pipeline="avx512=true activation-bits=8"
// RUN: diff %t.ternc8.mlir %t.opt8.mlir

// --print-pipeline shows the passes in tern-opt's syntax, stage by stage.
// RUN: ternc %S/Inputs/mlp.mlir --emit=kernel --print-pipeline -o /dev/null \
// RUN:   --target=x86-64-linux-avx-avx2-f16c-fma-sse41 2>&1 | FileCheck %s
// CHECK: ternc: raise passes: builtin.module(func.func(tern-lower-activation-sparse,tern-raise{report=false}))
// CHECK-NEXT: ternc: lower passes: builtin.module(func.func(tern-activation-threshold{{.*}}tern-classify-weights{{.*}}tern-lower-sparse,tern-select-ternary-kernel{{.*}}tern-lower-ternary{{.*}}linalg-generalize-named-ops,tern-fuse-elementwise,tern-weight-layout),canonicalize{{.*}},cse,func.func(tern-skip-zero-activations{{.*}}))
// CHECK-NEXT: ternc: schedule passes: builtin.module(func.func(tern-select-schedule{device=cpu float-vector-bytes=32 gpu-fallback=false hls-reuse=1 int-vector-bytes=32 vector-registers=16}))
