// RUN: tern-opt %s -split-input-file -tern-select-ternary-kernel=kernel=bitplane | FileCheck %s --check-prefix=BITPLANE
// RUN: tern-opt %s -split-input-file -tern-select-ternary-kernel=kernel=base3 | FileCheck %s --check-prefix=BASE3
// RUN: tern-opt %s -split-input-file -tern-select-ternary-kernel=kernel=lut | FileCheck %s --check-prefix=LUT
// RUN: tern-opt %s -split-input-file -tern-select-ternary-kernel=activation-bits=8 | FileCheck %s --check-prefix=INT8
// RUN: tern-opt %s -split-input-file -tern-select-ternary-kernel="report=true" 2>&1 | FileCheck %s --check-prefix=AUTO
// RUN: tern-opt %s -split-input-file -tern-select-ternary-kernel="kernel=bitplane report=true" 2>&1 | FileCheck %s --check-prefix=BPREPORT

// Option errors: each names the option and what to do.
// RUN: not tern-opt %s -split-input-file -tern-select-ternary-kernel=kernel=fast 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// UNKNOWN: error: tern-select-ternary-kernel: unknown kernel 'fast' (expected auto, i2, bitplane, base3, lut or int8)
// RUN: not tern-opt %s -split-input-file -tern-select-ternary-kernel=kernel=int8 2>&1 | FileCheck %s --check-prefix=NOBITS
// NOBITS: error: tern-select-ternary-kernel: the int8 kernel quantizes activations to 8 bits; ask for it with activation-bits=8 (ternc --activation-bits=8)
// RUN: not tern-opt %s -split-input-file -tern-select-ternary-kernel=activation-bits=4 2>&1 | FileCheck %s --check-prefix=BITS
// BITS: error: tern-select-ternary-kernel: activation-bits must be 0 (float) or 8, found 4
// RUN: not tern-opt %s -split-input-file "-tern-select-ternary-kernel=kernel=lut activation-bits=8" 2>&1 | FileCheck %s --check-prefix=FLOATKERNEL
// RUN: not tern-opt %S/Inputs/dynamic-m.mlir -tern-select-ternary-kernel=activation-bits=8 2>&1 | FileCheck %s --check-prefix=DYNM
// DYNM: error: tern-select-ternary-kernel: int8 activations (activation-bits=8) need a static number of rows M, found 'tensor<?x8xf32>'
// FLOATKERNEL: error: tern-select-ternary-kernel: kernel 'lut' computes with float activations, but activation-bits=8 asks for int8 ones (use kernel=int8 or auto)

// A layer whose model quantizes its activations (BitLinear) gets the int8
// kernel without activation-bits=8, and keeps its marker; the float layer
// beside it gets i2. kernel=int8 on the float layer still needs
// activation-bits=8; a float kernel is an error on the BitLinear layer. With gpu=true float layers get i2 for
// the GPU schedules.
// RUN: tern-opt %S/Inputs/bitlinear-select.mlir -tern-select-ternary-kernel="report=true" 2>&1 | FileCheck %s --check-prefix=BITLINEAR
// BITLINEAR: remark: tern-select-ternary-kernel: int8_dot kernel, i2 packing (M = 2, K = 8, N = 2, 4 weight bytes): the model quantizes this layer's activations to int8 (BitLinear absmax)
// BITLINEAR: remark: tern-select-ternary-kernel: add_sub kernel, i2 packing (M = 2, K = 8, N = 2, 4 weight bytes): float activations
// BITLINEAR: tern.ternary_matmul {{.*}} {encoding = #tern.ternary<scale = per_tensor, packing = i2>, kernel = #tern.kernel<int8_dot>, tern.activation_quant_eps = 9.99999974E-6 : f32}
// BITLINEAR: tern.ternary_matmul {{.*}} {encoding = #tern.ternary<scale = per_tensor, packing = i2>, kernel = #tern.kernel<add_sub>}
// RUN: not tern-opt %S/Inputs/bitlinear-select.mlir -tern-select-ternary-kernel=kernel=i2 2>&1 | FileCheck %s --check-prefix=BLFLOAT
// BLFLOAT: error: tern-select-ternary-kernel: kernel 'i2' computes with float activations, but this layer's model quantizes its activations to int8 (BitLinear or QDQ); use --ternary-kernel=int8 or auto
// RUN: tern-opt %S/Inputs/bitlinear-select.mlir -tern-select-ternary-kernel="kernel=int8 activation-bits=8" | FileCheck %s --check-prefix=BLINT8
// BLINT8-COUNT-2: kernel = #tern.kernel<int8_dot>
// RUN: not tern-opt %S/Inputs/bitlinear-select.mlir -tern-select-ternary-kernel=kernel=int8 2>&1 | FileCheck %s --check-prefix=BLMIXED
// BLMIXED: error: tern-select-ternary-kernel: the int8 kernel quantizes activations to 8 bits, and this layer's model does not; ask for it with activation-bits=8 (ternc --activation-bits=8)
// RUN: tern-opt %S/Inputs/bitlinear-select.mlir -tern-select-ternary-kernel="gpu=true report=true" 2>&1 | FileCheck %s --check-prefix=GPU
// GPU: int8_dot kernel, i2 packing {{.*}}: the model quantizes this layer's activations to int8 (BitLinear absmax)
// GPU: add_sub kernel, i2 packing {{.*}}: GPU: the GPU schedules are written for i2

// Row 0 holds the trits [+1, -1, 0, 0, +1, 0, 0, -1], row 1 is zero. As i2
// codes (01 = +1, 10 = -1, 2 bits a trit from bit 0): byte 0 = 0b00001001
// = 9, byte 1 = 0b10000001 = -127.
//
// Bit planes: +1 at trits 0 and 4 (0b00010001 = 17), -1 at trits 1 and 7
// (0b10000010 = -126).
// BITPLANE-LABEL: func.func @repacked(
// BITPLANE:         %[[W:.*]] = arith.constant dense<{{\[}}[17, -126], [0, 0]]> : tensor<2x2xi8>
// BITPLANE:         tern.ternary_matmul %{{.*}}, %[[W]], %{{.*}} {encoding = #tern.ternary<scale = per_tensor, packing = bitplane>, kernel = #tern.kernel<add_sub>}
//
// Base 3 (5 trits a byte, the i2 codes as digits): byte 0 = 1 + 2*3 + 1*81
// = 88, byte 1 = 2*9 = 18 (trits 5, 6, 7 = 0, 0, -1).
// BASE3-LABEL: func.func @repacked(
// BASE3:         %[[W:.*]] = arith.constant dense<{{\[}}[88, 18], [0, 0]]> : tensor<2x2xi8>
// BASE3:         tern.ternary_matmul %{{.*}}, %[[W]], %{{.*}} {encoding = #tern.ternary<scale = per_tensor, packing = base3>, kernel = #tern.kernel<add_sub>}
//
// The lut and int8 kernels read i2 bytes as they are.
// LUT-LABEL: func.func @repacked(
// LUT:         %[[W:.*]] = arith.constant dense<{{\[}}[9, -127], [0, 0]]> : tensor<2x2xi8>
// LUT:         tern.ternary_matmul %{{.*}}, %[[W]], %{{.*}} {encoding = #tern.ternary<scale = per_tensor, packing = i2>, kernel = #tern.kernel<lut>}
// INT8-LABEL: func.func @repacked(
// INT8:         tern.ternary_matmul {{.*}}packing = i2>, kernel = #tern.kernel<int8_dot>}
//
// The cost model says what it chose and why.
// AUTO: remark: tern-select-ternary-kernel: {{.*}} kernel, {{.*}} packing (M = 1, K = 8, N = 2, {{[0-9]+}} weight bytes): {{.+}}
func.func @repacked(%x: tensor<1x8xf32>) -> tensor<1x2xf32> {
  %w = arith.constant dense<[[9, -127], [0, 0]]> : tensor<2x2xi8>
  %s = arith.constant dense<0.5> : tensor<1xf32>
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_tensor, packing = i2>}
         : (tensor<1x8xf32>, tensor<2x2xi8>, tensor<1xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// Weights computed at run time cannot be repacked at compile time: they
// keep their i2 packing (the add_sub kernel reads it).
// BITPLANE-LABEL: func.func @runtime_weights(
// BITPLANE:         tern.ternary_matmul {{.*}}packing = i2>, kernel = #tern.kernel<add_sub>}
// BASE3-LABEL: func.func @runtime_weights(
// BASE3:         tern.ternary_matmul {{.*}}packing = i2>, kernel = #tern.kernel<add_sub>}
// AUTO: remark: tern-select-ternary-kernel: add_sub kernel, i2 packing (M = 2, K = 8, N = 3, 6 weight bytes): {{.+}}
// BPREPORT: remark: tern-select-ternary-kernel: add_sub kernel, i2 packing (M = 2, K = 8, N = 3, 6 weight bytes): forced; weights are not a constant, kept i2 packing
func.func @runtime_weights(%x: tensor<2x8xf32>, %w: tensor<3x2xi8>,
                           %s: tensor<3xf32>) -> tensor<2x3xf32> {
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_row, packing = i2>}
         : (tensor<2x8xf32>, tensor<3x2xi8>, tensor<3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}
