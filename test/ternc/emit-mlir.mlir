// RUN: ternc %s --emit=mlir | FileCheck %s
// RUN: ternc %s --emit=mlir | ternc - --emit=mlir | FileCheck %s
// RUN: rm -f %t.mlir
// RUN: ternc %s --emit=mlir -o %t.mlir
// RUN: FileCheck %s --input-file=%t.mlir
// RUN: ternc %s --emit=mlir 2>&1 >/dev/null | count 0

// --emit=mlir parses and verifies, and prints the input unchanged: nothing
// is raised or lowered. The output parses again (from stdin, "-"), can go
// to a file with -o, and text emits print no progress lines.

// CHECK-LABEL: func.func @layer(
// CHECK-SAME:    %[[X:.*]]: tensor<1x4xf32> {tern.name = "x"}) -> (tensor<1x3xf32> {tern.name = "y"})
// CHECK:         %[[W:.*]] = arith.constant dense<{{.*}}> : tensor<4x3xf32>
// CHECK:         %[[INIT:.*]] = linalg.fill
// CHECK:         %[[Y:.*]] = linalg.matmul ins(%[[X]], %[[W]] : tensor<1x4xf32>, tensor<4x3xf32>) outs(%[[INIT]] : tensor<1x3xf32>) -> tensor<1x3xf32>
// CHECK-NOT:     tern.ternary_matmul
// CHECK:         return %[[Y]]
func.func @layer(%x: tensor<1x4xf32> {tern.name = "x"})
    -> (tensor<1x3xf32> {tern.name = "y"}) {
  %w = arith.constant dense<[[1.0, 0.0, -1.0], [0.0, 1.0, 1.0],
                             [-1.0, -1.0, 0.0], [1.0, 0.0, 0.0]]> : tensor<4x3xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x3xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x3xf32>) -> tensor<1x3xf32>
  %y = linalg.matmul ins(%x, %w : tensor<1x4xf32>, tensor<4x3xf32>)
                     outs(%f : tensor<1x3xf32>) -> tensor<1x3xf32>
  return %y : tensor<1x3xf32>
}
