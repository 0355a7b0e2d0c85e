// Models at the edges of the model builder and the emitter, compiled,
// linked into Inputs/run/check.c and run (each check exits nonzero on a
// wrong answer). Each once produced a wrong result or failed to build.

// RUN: rm -rf %t && mkdir -p %t
// RUN: ternc %S/Inputs/run/wrap.mlir -o %t --quiet
// RUN: cc -std=c99 -DMODEL_wrap %S/Inputs/run/check.c -I%t -L%t -l:libwrap.a -lpthread -ldl -lm -o %t/wrap
// RUN: %t/wrap | FileCheck %s --check-prefix=WRAP
// WRAP: wrap ok

// RUN: ternc %S/Inputs/run/argmax.mlir -o %t --quiet
// RUN: cc -std=c99 -DMODEL_argmax %S/Inputs/run/check.c -I%t -L%t -l:libargmax.a -lpthread -ldl -lm -o %t/argmax
// RUN: %t/argmax | FileCheck %s --check-prefix=ARGMAX
// ARGMAX: argmax ok

// RUN: ternc %S/Inputs/run/noinput.mlir -o %t --quiet
// RUN: cc -std=c99 -DMODEL_noinput %S/Inputs/run/check.c -I%t -L%t -l:libnoinput.a -lpthread -ldl -lm -o %t/noinput
// RUN: %t/noinput | FileCheck %s --check-prefix=NOINPUT
// NOINPUT: noinput ok

// RUN: ternc %S/Inputs/run/noresult.mlir -o %t --quiet
// RUN: cc -std=c99 -DMODEL_noresult %S/Inputs/run/check.c -I%t -L%t -l:libnoresult.a -lpthread -ldl -lm -o %t/noresult
// RUN: %t/noresult | FileCheck %s --check-prefix=NORESULT
// NORESULT: noresult ok

// The f16 layer is raised to a ternary kernel and must not overflow.
// RUN: ternc %S/Inputs/run/f16.mlir -o %t --tern-report 2>&1 | FileCheck %s --check-prefix=F16-RAISED
// F16-RAISED: remark: tern-raise: raised to tern.ternary_matmul
// RUN: cc -std=c99 -DMODEL_f16 %S/Inputs/run/check.c -I%t -L%t -l:libf16.a -lpthread -ldl -lm -o %t/f16
// RUN: %t/f16 | FileCheck %s --check-prefix=F16
// F16: f16 ok
