// The CUDA target, compile-only (no GPU needed): PTX is produced for every
// kernel, the ternary accumulation has no floating-point multiply on the
// GPU either, the libraries link, the header gains <name>_run_device, and
// kernels the GPU path cannot run are an error with --target=cuda and run on
// the CPU, reported, with --target=host-cuda.

// RUN: ternc %S/Inputs/mlp.mlir --target=cuda --emit=halide-stmt 2>/dev/null | FileCheck %s --check-prefix=STMT
// The ternary accumulation of layer 1: one thread per output, PTX for
// sm_70 (the default capability), weights copied to the device by Halide.
// STMT-LABEL: // kernel mlp_k0
// STMT:       module name=mlp_k0, target={{.*}}-cuda-cuda_capability_70-{{.*}}
// STMT:       .target sm_70
// STMT:       .visible .entry _kernel_{{.*}}_block_id_x(
// STMT-NOT:   {{mul\.f32|mul\.rn\.f32|fma\.rn\.f32}}
// STMT:       halide_copy_to_device(
// STMT-NOT:   {{mul\.f32|mul\.rn\.f32|fma\.rn\.f32}}
// The scale, bias and ReLU: the one multiply per output.
// STMT-LABEL: // kernel mlp_k1
// STMT:       .target sm_70
// STMT:       {{mul\.f32|mul\.rn\.f32|fma\.rn\.f32}}
// STMT-LABEL: // kernel mlp_k2
// STMT:       .target sm_70
// STMT-LABEL: // kernel mlp_k3
// STMT:       .target sm_70

// A capability named in the target string is kept.
// RUN: ternc %S/Inputs/mlp.mlir --target=host-cuda-cuda_capability_86 --emit=halide-stmt 2>/dev/null | FileCheck %s --check-prefix=SM86
// SM86:     .target sm_86
// SM86-NOT: .target sm_70

// RUN: rm -rf %t && ternc %S/Inputs/mlp.mlir --target=cuda -o %t --name g --tern-report 2>&1 | FileCheck %s --check-prefix=REPORT
// REPORT: ternc: report for 'g' (target {{.*}}-cuda-cuda_capability_70-{{.*}})
// REPORT: kernel g_k0 (gpu)
// REPORT: kernel g_k1 (gpu)
// REPORT: ternc: wrote {{.*}}libg.a
// RUN: ls %t | FileCheck %s --check-prefix=FILES
// FILES: g.h
// FILES: libg.a
// FILES: libg.so
// RUN: FileCheck %s --input-file=%t/g.h --check-prefix=HEADER
// HEADER:      tern_status g_run(g_model *model,
// HEADER:      tern_status g_run_device(g_model *model,
// HEADER-NEXT:     const void *pixels,
// HEADER-NEXT:     void *logits);
// The static library holds the PTX.
// RUN: strings %t/libg.a | FileCheck %s --check-prefix=PTX
// PTX: .target sm_70
// PTX: .visible .entry

// A scalar result cannot run on the GPU path: an error naming the layer and
// what to do with --target=cuda ...
// RUN: not ternc %S/Inputs/sum.mlir --target=cuda -o %t/sum --quiet 2>&1 | FileCheck %s --check-prefix=STRICT
// STRICT: sum.mlir:7:8: error: the GPU path cannot run this kernel: its result is a scalar (a full reduction): no parallel dimension to spread over GPU threads; compile with --target=host-cuda to run it on the CPU

// ... and a CPU kernel, reported, with --target=host-cuda.
// RUN: ternc %S/Inputs/sum.mlir --target=host-cuda -o %t/sum --quiet --tern-report 2>&1 | FileCheck %s --check-prefix=FALLBACK
// FALLBACK: sum.mlir:7:8: remark: this kernel runs on the CPU: its result is a scalar (a full reduction): no parallel dimension to spread over GPU threads
// FALLBACK: kernel sum_k0 (cpu)
// RUN: FileCheck %s --input-file=%t/sum/sum.h --check-prefix=FALLBACK-HEADER
// FALLBACK-HEADER: tern_status sum_run_device(sum_model *model,

// A long reduction with few outputs (a GEMV): the reduction is split over
// the 32 lanes of a warp (thread blocks 32 wide, partial sums in shared
// memory), not one thread per output.
// RUN: ternc %S/Inputs/gemv.mlir --target=cuda --emit=halide-stmt 2>/dev/null | FileCheck %s --check-prefix=SPLIT
// SPLIT: halide_cuda_run(cuda[0], "_kernel_out0_acc_s1_{{.*}}_w___block_id_x", {{[0-9]+}}, 1, 1, 32, {{[0-9]+}}, 1, 0 + ({{[0-9]+}}*4),
// The same model on the CPU has no GPU launch at all.
// RUN: ternc %S/Inputs/gemv.mlir --emit=halide-stmt 2>/dev/null | FileCheck %s --check-prefix=HOSTONLY
// HOSTONLY: module name=gemv_k0
// HOSTONLY-NOT: halide_cuda_run

// Many outputs in two dimensions (a GEMM): 16 x 16 thread blocks over the
// outputs, input tiles staged in shared memory (a nonzero shared size).
// RUN: ternc %S/Inputs/gemm.mlir --target=cuda --emit=halide-stmt 2>/dev/null | FileCheck %s --check-prefix=TILED
// TILED: .shared
// TILED: bar.sync
// TILED: halide_cuda_run(cuda[0], "_kernel_out0_acc_s1_{{.*}}_by___block_id_y", 2, 2, 1, 16, 16, 1, 0 + ({{[0-9]+}}*4),
