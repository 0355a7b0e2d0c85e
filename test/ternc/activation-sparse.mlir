// tern.activation_sparse_matmul end to end: a model whose second layer is
// written with the op (threshold 0.3 after a ReLU) compiles into a layer
// that skips its zero inputs at run time, with dense and with ternary
// weights, and computes what the same model written with a linalg
// threshold and linalg.matmul computes without any skipping.

// RUN: rm -rf %t && mkdir -p %t/d %t/dr %t/t %t/tr %t/p
// RUN: ternc %S/Inputs/activation-sparse-mlp.mlir -o %t/d --name sp --tern-report 2>&1 | FileCheck %s --check-prefix=DENSE
// DENSE: tern-skip-zero-activations: layer 'fc2' skips its zero inputs
// RUN: ternc %S/Inputs/activation-sparse-ternary.mlir -o %t/t --name sp --tern-report 2>&1 | FileCheck %s --check-prefix=TERNARY
// TERNARY: tern-raise: raised to tern.ternary_matmul: 4 x 8 weights
// TERNARY: tern-skip-zero-activations: layer 'fc2' skips its zero inputs
// RUN: ternc %S/Inputs/activation-sparse-mlp-ref.mlir -o %t/dr --name sp --quiet --activation-sparsity=off
// RUN: ternc %S/Inputs/activation-sparse-ternary-ref.mlir -o %t/tr --name sp --quiet --activation-sparsity=off
// RUN: ternc %S/Inputs/relu-mlp.mlir -o %t/p --name sp --quiet
// RUN: for d in d dr t tr p; do cc -std=c99 %S/Inputs/sparse-run.c -I%t/$d -L%t/$d -l:libsp.a -lpthread -ldl -lm -o %t/$d/run && %t/$d/run > %t/$d/out.txt || exit 1; done
// RUN: python3 %S/Inputs/compare-floats.py %t/d/out.txt %t/dr/out.txt
// RUN: python3 %S/Inputs/compare-floats.py %t/t/out.txt %t/tr/out.txt
// The threshold changes the result (it is not a no-op in this model).
// RUN: not python3 %S/Inputs/compare-floats.py %t/d/out.txt %t/p/out.txt

// With --activation-sparsity=off the op still computes the same, without
// the skip.
// RUN: ternc %S/Inputs/activation-sparse-mlp.mlir --emit=kernel --tern-report --activation-sparsity=off -o /dev/null 2>&1 | FileCheck %s --check-prefix=OFF
// OFF-NOT: tern-skip-zero-activations

// Integer mode (--integer, --target=hls) has no form for the threshold: a
// clear error naming the layer and what to do.
// RUN: not ternc %S/Inputs/activation-sparse-mlp.mlir --integer -o %t/i --name sp 2>&1 | FileCheck %s --check-prefix=INT
// INT: loc("fc2"): 'linalg.generic' op tern-quantize: 'arith.cmpf' reads a float value as a non-float; integer mode (--target=hls, --integer) has no form for it: compile this model for the CPU in float (--target=host)
// INT: ternc: error: lowering
