// A compile that fails late (here at the link step, with a C compiler that
// always fails) leaves the output directory as it was: the previous
// library and header, not a new header beside an old library (issue 21).
// Outputs are made in <name>.build/ and moved into place only when all of
// them exist.
// RUN: rm -rf %t && mkdir -p %t
// RUN: ternc %S/Inputs/mlp.mlir -o %t --name m --quiet
// RUN: cp %t/m.h %t/m.h.before && cp %t/libm.a %t/libm.a.before
// RUN: not ternc %s -o %t --name m --quiet --cc=false 2>&1 | FileCheck %s
// RUN: cmp %t/m.h %t/m.h.before
// RUN: cmp %t/libm.a %t/libm.a.before
// RUN: ls %t | FileCheck %s --check-prefix=FILES --match-full-lines
// CHECK: ternc: error: failed to compile the generated driver (exit code 1)
// FILES:      libm.a
// FILES-NEXT: libm.a.before
// FILES-NEXT: libm.so
// FILES-NEXT: m.build
// FILES-NEXT: m.h
// FILES-NEXT: m.h.before
// FILES-NEXT: tern
// A successful compile then replaces all of them and removes m.build/.
// RUN: ternc %s -o %t --name m --quiet
// RUN: not cmp -s %t/m.h %t/m.h.before
// RUN: ls %t | FileCheck %s --check-prefix=AFTER --match-full-lines
// AFTER-NOT: m.build
func.func @m(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %e = tensor.empty() : tensor<1x4xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>,
                                        affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<1x4xf32>) outs(%e : tensor<1x4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.negf %a : f32
    linalg.yield %r : f32
  } -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}
