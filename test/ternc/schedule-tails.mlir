// Vector and chunk tails of update stages (issue 19), for a fixed AVX-512
// target (16 float lanes). Halide 14 miscompiled two schedules here:
//
// A GEMV with 400 outputs, shared out between threads in 13 chunks of two
// 16-lane vectors (the last one a half chunk). Split into chunks first and
// then into vectors, Halide shifted the ragged chunk's vectors inwards:
// outputs 384-399 were summed twice and 368-383 never (and at 1152 outputs
// the kernel wrote past its buffer). Split into vectors first, the last
// chunk updates the one vector at 384, once.
// RUN: ternc %S/Inputs/gemv-1x48x400.mlir --emit=halide-stmt --name=g --target=x86-64-linux-avx512 | FileCheck %s --check-prefix=GEMV
// GEMV-LABEL: external func g_k0_par_for_out0_acc_s1_d1_d1_v_d1_o (
// GEMV:         for (out0_acc.s1.d1.d1_v.d1_c, 0, 2) {
// GEMV:       } else {
// GEMV-NEXT:    for (out0_acc.s1.r$x.ro, 0, 12) {
// GEMV-NEXT:      out0_acc[ramp(384, 1, 16)] = out0_acc[ramp(384, 1, 16)] +
// GEMV-NOT:       ramp(368, 1, 16)
// GEMV:       external func

// 33 row maxima: the update reads its running value under a select, and
// Halide 14 drops the guard of a vector tail there (the last vector read and
// wrote rows 33-47 of 33). Such an update gets the widest vector that
// divides the rows: here none, so it is scalar, one row at a time.
// RUN: ternc %S/Inputs/rowmax-33x3.mlir --emit=halide-stmt --name=m --target=x86-64-linux-avx512 | FileCheck %s --check-prefix=MAX
// MAX-LABEL: produce out0_acc {
// MAX:         for (out0_acc.s1.d0, 0, 33) {
// MAX-NEXT:      for (out0_acc.s1.r$x, 0, 3) {
// MAX-NOT:       ramp
// MAX:         produce out0 {
