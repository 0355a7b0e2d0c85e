// RUN: ternc --help | FileCheck %s
// RUN: ternc --help | FileCheck %s --check-prefix=OPTS
// RUN: ternc --version | FileCheck %s --check-prefix=VERSION

// --version names Tern's release and the commit it was built from.
// VERSION:      ternc: Tern {{[0-9]+\.[0-9]+\.[0-9]+}} (commit {{[0-9a-f]+(-dirty)?|unknown}})
// VERSION-NEXT:   built with MLIR/LLVM 22.{{.*}} and Halide 14

// --help lists the emit kinds, lib being the default, and ternc's options.

// CHECK: USAGE: ternc [options] <model.mlir | model.onnx | hf-folder | model.gguf>
// CHECK: --emit=<value>
// CHECK-NEXT: =mlir
// CHECK-NEXT: =kernel
// CHECK-NEXT: =halide-stmt
// CHECK-NEXT: =asm
// CHECK-NEXT: =obj
// CHECK-NEXT: =lib {{.*}}(default)

// OPTS-DAG: --name=<identifier>
// OPTS-DAG: --seq-len=<N>
// OPTS-DAG: --target=<string>
// OPTS-DAG: 'cuda' (every kernel on an NVIDIA GPU)
// OPTS-DAG: --entry=<function>
// OPTS-DAG: --dump-after=<pass>
// OPTS-DAG: --tern-report
// OPTS-DAG: --quiet
// OPTS-DAG: --keep-temps
// OPTS-DAG: -o <path>
// OPTS-DAG: --input-shape=<name=DIMS>
// OPTS-DAG: --freeze-input=<name=value.pb>
// OPTS-DAG: --ternarize[=<layers>]
