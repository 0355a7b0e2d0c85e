// RUN: rm -rf %t && mkdir -p %t
// RUN: ternc %s --ternary-kernel=int8 --activation-bits=8 --emit=obj --quiet --name spr -o %t/spr \
// RUN:   --target=x86-64-linux-avx-avx2-avx512-avx512_cannonlake-avx512_sapphirerapids-avx512_skylake-f16c-fma-sse41
// RUN: llvm-objdump -d %t/spr/spr.o | FileCheck %s --check-prefix=VNNI
// RUN: ternc %s --ternary-kernel=int8 --activation-bits=8 --emit=obj --quiet --name avx2 -o %t/avx2 \
// RUN:   --target=x86-64-linux-avx-avx2-f16c-fma-sse41
// RUN: llvm-objdump -d %t/avx2/avx2.o | FileCheck %s --check-prefix=AVX2
// RUN: ternc %s --ternary-kernel=int8 --activation-bits=8 --emit=halide-stmt | FileCheck %s --check-prefix=STMT

// --ternary-kernel=int8 --activation-bits=8: the int8 kernel's sum is a byte
// dot product. With AVX-512 VNNI (Sapphire Rapids and later) Halide emits
// vpdpbusd: 64 unsigned weight codes times 64 signed activations summed
// into 16 int32 lanes per instruction; an AVX2 target gets the same sum
// from vpmaddubsw/vpmaddwd instead. The statement shows the schedule: a
// vector_reduce of 64 widening u8 x i8 products into 16 lanes, four output
// vectors unrolled per reduction step.

// VNNI: vpdpbusd
// AVX2-NOT: vpdpbusd
// AVX2: vpmadd{{ubsw|wd}}

// STMT: vector_reduce(Add, int32x64((int16x64)widening_mul(
// STMT: vector_reduce(Add, int32x64((int16x64)widening_mul(
// STMT: vector_reduce(Add, int32x64((int16x64)widening_mul(
// STMT: vector_reduce(Add, int32x64((int16x64)widening_mul(

func.func @layer(%x: tensor<1x64xf32>) -> tensor<1x70xf32> {
  %w = arith.constant dense<9> : tensor<70x16xi8>
  %s = arith.constant dense<0.5> : tensor<70xf32>
  %y = tern.ternary_matmul %x, %w, %s
         {encoding = #tern.ternary<scale = per_row, packing = i2>}
         : (tensor<1x64xf32>, tensor<70x16xi8>, tensor<70xf32>) -> tensor<1x70xf32>
  return %y : tensor<1x70xf32>
}
