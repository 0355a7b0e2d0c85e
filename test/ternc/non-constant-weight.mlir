// RUN: rm -rf %t
// RUN: ternc %s --emit=lib -o %t --name dense --tern-report --quiet 2>&1 | FileCheck %s --check-prefix=REPORT
// RUN: ls %t | FileCheck %s --check-prefix=FILES
// RUN: FileCheck %s --check-prefix=HEADER --input-file=%t/dense.h
// RUN: ternc %s --emit=kernel | FileCheck %s --check-prefix=KERNEL

// A layer whose weights are a model input, not a constant, cannot be
// raised: it still compiles, as a dense matmul kernel, and --tern-report
// says why it was left.

// REPORT:      non-constant-weight.mlir:[[@LINE+24]]:8: remark: tern-raise: left linalg.matmul as is: the weight operand is not a constant of static shape
// REPORT:      ternc: report for 'dense' (target {{.+}})
// REPORT-NEXT:   {{.*}}non-constant-weight.mlir:[[@LINE+22]]:8: kernel dense_k0
// REPORT-NEXT:   weights: 0 bytes; arena: 0 bytes

// FILES: dense.h
// FILES: libdense.a

// HEADER:      tern_status dense_run(dense_model *model,
// HEADER-NEXT:     const float *x,
// HEADER-NEXT:     const float *w,
// HEADER-NEXT:     float *y);

// The dense kernel multiplies: a generalized matmul with a zero init.
// KERNEL-NOT:  tern.ternary_matmul
// KERNEL:      linalg.generic {{.*}}"reduction"
// KERNEL:        arith.mulf
// KERNEL:        arith.addf
func.func @dense(%x: tensor<1x4xf32> {tern.name = "x"},
                 %w: tensor<4x3xf32> {tern.name = "w"})
    -> (tensor<1x3xf32> {tern.name = "y"}) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x3xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x3xf32>) -> tensor<1x3xf32>
  %y = linalg.matmul ins(%x, %w : tensor<1x4xf32>, tensor<4x3xf32>)
                     outs(%f : tensor<1x3xf32>) -> tensor<1x3xf32>
  return %y : tensor<1x3xf32>
}
