// Tensors of 2 GiB or more are refused before any pass reads them, with
// an error on the op that holds one (issue 21). A splat costs nothing in
// the IR, but compiling it would expand it: this 64 GiB one used to abort
// in tern-raise ("SmallVector unable to grow").
// RUN: not ternc %s -o %t 2>&1 | FileCheck %s
// CHECK: tensor-size-limit.mlir:[[# @LINE + 16]]:8: error: the constant 'tensor<131072x131072xf32>' is 64 GiB; Tern compiles tensors of less than 2 GiB each (its kernels address buffers with 32-bit offsets): make the layer smaller or split it
// CHECK: ternc: error: '{{.*}}tensor-size-limit.mlir' has a tensor too large to compile (see the error above)

// The passes on their own (tern-opt) never expand it: tern-raise and
// tern-classify-weights leave a weight over the limit alone, and
// canonicalization turns the splat into a scalar of the kernel.
// RUN: tern-opt %s --tern-kernel-pipeline | FileCheck %s --check-prefix=OPT
// OPT-NOT: 131072x131072
// OPT:     %[[HALF:.*]] = arith.constant 5.000000e-01 : f32
// OPT:     arith.mulf %{{.*}}, %[[HALF]] : f32

// The limit is per tensor, activations too: exactly 2 GiB is over it.
// RUN: not ternc %S/Inputs/tensor-2gib.mlir --emit=kernel 2>&1 | FileCheck %s --check-prefix=EXACT
// EXACT: tensor-2gib.mlir:4:8: error: the result 'tensor<16384x32768xf32>' is 2 GiB
func.func @f(%x: tensor<1x131072xf32>) -> tensor<1x131072xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<0.5> : tensor<131072x131072xf32>
  %e = tensor.empty() : tensor<1x131072xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x131072xf32>) -> tensor<1x131072xf32>
  %y = linalg.matmul ins(%x, %w : tensor<1x131072xf32>, tensor<131072x131072xf32>) outs(%f : tensor<1x131072xf32>) -> tensor<1x131072xf32>
  return %y : tensor<1x131072xf32>
}
