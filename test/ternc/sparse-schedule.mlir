// The CPU schedules of sparse kernels (ELL here), for a fixed AVX-512 target.
// Halide 14 has no x86 gather: a vector of reads at stored columns would be
// one scalar load, extract and insert per lane.
//
// For GEMV, the reduction over stored slots runs outside each 64-output tile,
// and the tile is a serial loop that reads the activation at the stored
// column. Halide does not vectorize it; LLVM's loop vectorizer (enabled for
// this kernel) does, with hardware gathers.
// RUN: ternc %S/Inputs/sparse-gemv64.mlir --sparse=ell --emit=halide-stmt --name=v --target=x86-64-linux-avx512 | FileCheck %s --check-prefix=GEMV
// GEMV-LABEL: produce out0_acc {
// GEMV:       for (out0_acc.s1.r$x.ro, 0, 2) {
// GEMV:         for (out0_acc.s1.d1.d1_ni, 0, 64) {
// GEMV:           out0_acc[out0_acc.s1.d1.d1_ni] = out0_acc[out0_acc.s1.d1.d1_ni] + (in0[{{.*}}]*in2[int32(in1[{{.*}}])])
// GEMV-NOT:   in2[int32x
// GEMV-LABEL: consume out0_acc {
// RUN: ternc %S/Inputs/sparse-gemv64.mlir --sparse=ell --emit=asm --name=v --target=x86-64-linux-avx512 | FileCheck %s --check-prefix=GATHER
// GATHER-LABEL: // kernel v_k0
// GATHER:       vgatherdps
// GATHER-NOT:   vinsertps
// The rows were sorted by their nonzero count (sliced ELL); the next kernel
// puts the outputs back in order.
// GATHER-LABEL: // kernel v_k1
// Smaller layers (24 outputs) keep the same loops; LLVM unrolls them.
// RUN: ternc %S/Inputs/sparse-gemv.mlir --sparse=ell --emit=halide-stmt --name=v --target=x86-64-linux-avx512 | FileCheck %s --check-prefix=SMALL
// SMALL:       for (out0_acc.s1.r$x.ro, 0, 2) {
// SMALL:         for (out0_acc.s1.d1.d1_ni, 0, 24) {

// For a GEMM (32 rows), the activations are first transposed (rows innermost), and
// each stored weight, broadcast, multiplies a dense vector of 16 rows of
// the activation at its column. Each 16-output tile stops at its own slot
// count (in0: the rows are sorted by their nonzero count), a bound Halide
// computes before the reduction loop.
// RUN: ternc %S/Inputs/sparse-gemm.mlir --sparse=ell --emit=halide-stmt --name=g --target=x86-64-linux-avx512 | FileCheck %s --check-prefix=GEMM
// GEMM:       produce in3_t {
// GEMM:         in3_t[ramp({{.*}}, 1, 16) aligned(16, 0)] = in3[ramp({{.*}}, 32, 16)]
// GEMM:       consume in3_t {
// GEMM:         for (out0_acc.s1.d0.d0_mo, 0, 2) {
// GEMM:           for (out0_acc.s1.r$x.ro, 0, t{{[0-9]+}}) {
// GEMM:             out0_acc[ramp({{.*}}, 1, 16) aligned(16, 0)] = out0_acc[ramp({{.*}}, 1, 16) aligned(16, 0)] + (in3_t[ramp(((int32(in2[{{.*}}])*2) + out0_acc.s1.d0.d0_mo)*16, 1, 16) aligned(16, 0)]*x16(in1[{{.*}}]))
// GEMM-NOT:   in3[int32x16

// The numeric tests of these kernels (densities 0-100%, odd shapes, 1 to 37
// rows) are SparseMatmul in test/Integration/TernaryMatmulTest.cpp.

// The same weights kept dense: tern-weight-layout stores them K x N, so the
// GEMV's 16-output vectors are whole loads of a weight row (before, lanes
// were K = 32 floats apart: ramp(..., 32, 16)), two vectors of adjacent
// outputs per reduction step.
// RUN: ternc %S/Inputs/sparse-gemv.mlir --sparse=dense --emit=halide-stmt --name=d --target=x86-64-linux-avx512 | FileCheck %s --check-prefix=DENSE
// DENSE-LABEL: produce out0_acc {
// DENSE:       for (out0_acc.s1.r$x.ro, 0, 8) {
// DENSE-NEXT:    out0_acc[ramp(0, 1, 16)] = out0_acc[ramp(0, 1, 16)] + (in1[ramp(out0_acc.s1.r$x.ro*96, 1, 16) aligned(96, 0)]*x16(in0[out0_acc.s1.r$x.ro*4]))
// DENSE:         out0_acc[ramp(16, 1, 16)] = {{.*}}in1[ramp((out0_acc.s1.r$x.ro*96) + 16, 1, 16)
// DENSE-NOT:   , 32, 16)
// DENSE-LABEL: consume out0_acc {

// Activation sparsity in a GEMV (fc2 reads the ReLU of fc1): the kernel
// first lists the positions of its nonzero inputs (a scan and a scatter),
// then runs the reduction over that list only, its trip count the number
// of nonzeros (no branch per input).
// RUN: ternc %S/Inputs/relu-mlp.mlir --emit=halide-stmt --name=r --target=x86-64-linux-avx512 | FileCheck %s --check-prefix=COMPACT
// COMPACT-LABEL: // kernel r_k2
// COMPACT:       produce nonzero_position {
// COMPACT:         nonzero_position[{{.*}} + 1] = nonzero_position[{{.*}}] + select(in0[{{.*}}] == 0.000000f, 0, 1)
// COMPACT:       produce nonzero_count {
// COMPACT:       produce nonzero_list {
// COMPACT:         if (in0[nonzero_list.s1.each$x] != 0.000000f) {
// COMPACT-NEXT:      nonzero_list[max(min(nonzero_position[nonzero_list.s1.each$x], 7), 0)] = nonzero_list.s1.each$x
// COMPACT:       let [[N:[^ ]+]] = nonzero_count[0]
// COMPACT-NEXT:  let [[T:t[0-9]+]] = {{.*}}([[N]] + 3)/4
// COMPACT-NEXT:  for ({{.*}}.ro, 0, [[T]]) {
// COMPACT:         let [[K:t[0-9]+]] = nonzero_list[
// COMPACT-NEXT:    {{.*}} + (in0[[[K]]]*in1[
// With --activation-sparsity=off there is no list.
// RUN: ternc %S/Inputs/relu-mlp.mlir --emit=halide-stmt --name=r --activation-sparsity=off --target=x86-64-linux-avx512 | FileCheck %s --check-prefix=NOCOMPACT
// NOCOMPACT-NOT: nonzero_list
