// RUN: ternc %S/Inputs/mlp.mlir --emit=halide-stmt --name=mlp --target=x86-64-linux-avx2 | FileCheck %s
// RUN: rm -f %t.stmt
// RUN: ternc %S/Inputs/mlp.mlir --emit=halide-stmt --name=net --target=x86-64-linux-avx2 -o %t.stmt
// RUN: FileCheck %s --check-prefix=FILE --input-file=%t.stmt

// --emit=halide-stmt prints Halide's lowered statement of each unique kernel
// for the given target (a fixed one here, so the text does not depend on the
// machine). Kernels are named <name>_k<i>.

// The first ternary layer: decode and add/subtract, no multiply.
// CHECK-LABEL: // kernel mlp_k0
// CHECK-NEXT:  module name=mlp_k0, target=x86-64-linux-avx2-no_runtime
// CHECK:       external_plus_metadata func mlp_k0 (in0, in1, [[O:out0[$0-9]*]]) {
// CHECK:         for ({{.*}}.s1.r$x, 0, 4) {
// CHECK:           let [[T:.*]] = in1[
// CHECK:           = {{.*}} + select({{.*}} == (int8)1, [[T]], select({{.*}} == (int8)2, 0.000000f - [[T]], 0.000000f))
// The scale, bias and ReLU: one elementwise kernel.
// CHECK-LABEL: // kernel mlp_k1
// CHECK:         is_nan_f32({{.*}}max({{.*}}, 0.000000f)
// The second ternary layer reads the ReLU: its reduction runs over the
// list of nonzero inputs (trip count: their number), decoding the trit of
// each listed input.
// CHECK-LABEL: // kernel mlp_k2
// CHECK:         produce nonzero_list {
// CHECK:         let [[C:.*]] = nonzero_count[0]
// CHECK:         for ({{.*}}.s1.r$x, 0, {{t[0-9]+}}) {
// CHECK-NEXT:      let [[K:t[0-9]+]] = nonzero_list[
// CHECK-NEXT:      shift_right({{.*}}in0[(([[K]]/4)*2)
// CHECK-LABEL: // kernel mlp_k3
// CHECK:         *0.750000f
// CHECK-NOT:   // kernel

// FILE: // kernel net_k0
// FILE: module name=net_k0, target=x86-64-linux-avx2-no_runtime
// FILE: // kernel net_k3
