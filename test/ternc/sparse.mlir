// ternc's sparse flags end to end on a small model: --prune, --sparse and
// --activation-sparsity change the kernel form as the report says, and
// each bad combination is an error that says what to do.

// The default: 2:4 pruning of both layers; the cost model stores them as
// N:M. Sparse kernels gather their inputs and do not skip zero ones.
// RUN: ternc %S/Inputs/relu-mlp.mlir --prune=2:4 --emit=kernel --tern-report -o %t.kernel.mlir 2>&1 | FileCheck %s --check-prefix=REPORT
// REPORT: tern-prune: pruned layer 'fc1' (8 x 8) to 2:4: density 50.0%
// REPORT: tern-prune: pruned layer 'fc2' (4 x 8) to 2:4: density 50.0%
// REPORT: tern-classify-weights: layer 'fc1' (8 x 8): density 50.0%, pattern 2:4, format 2:4, 256 -> 160 bytes
// REPORT: tern-classify-weights: layer 'fc2' (4 x 8): density 50.0%, pattern 2:4, format 2:4, 128 -> 80 bytes
// REPORT-NOT: tern-skip-zero-activations
// Unpruned, the dense second layer skips the zeros of the ReLU before it.
// RUN: ternc %S/Inputs/relu-mlp.mlir --emit=kernel --tern-report -o /dev/null 2>&1 | FileCheck %s --check-prefix=SKIP
// SKIP-NOT: layer 'fc1' skips
// SKIP: tern-skip-zero-activations: layer 'fc2' skips its zero inputs (from a ReLU or a threshold) at run time
// RUN: FileCheck %s --check-prefix=KERNEL < %t.kernel.mlir
// KERNEL-NOT: linalg.matmul
// KERNEL-NOT: tern.sparse_matmul
// The two N:M kernels: their 16-output tiles, 4 reduction steps unrolled.
// KERNEL-COUNT-2: #tern.schedule<recipe = plain, vector_width = 16, unroll = 4>

// Forced formats and no sparsity at all.
// RUN: ternc %S/Inputs/relu-mlp.mlir --prune=2:4 --sparse=ell --emit=kernel --tern-report -o /dev/null 2>&1 | FileCheck %s --check-prefix=ELL
// ELL-COUNT-2: format ELL (row length 4)
// RUN: ternc %S/Inputs/relu-mlp.mlir --prune=2:4 --sparse=dense --activation-sparsity=off --emit=kernel --tern-report -o %t.dense.mlir 2>&1 | FileCheck %s --check-prefix=DENSE
// DENSE-COUNT-2: kept dense: density 50.0%, pattern 2:4: format=dense
// DENSE-NOT: tern-skip-zero-activations
// RUN: FileCheck %s --check-prefix=DENSEK < %t.dense.mlir
// DENSEK-NOT: tern.skip_zero_input
// The dense layers: row-contiguous weights (tern-weight-layout).
// DENSEK-COUNT-2: #tern.schedule<recipe = plain, vector_width = 16, unroll = 4, vector_blocks = 16>

// The pruned, sparse model runs and matches the same pruned weights
// through the dense kernel.
// RUN: rm -rf %t.s %t.d && mkdir -p %t.s %t.d
// RUN: ternc %S/Inputs/relu-mlp.mlir --prune=2:4 -o %t.s --name sp --quiet
// RUN: ternc %S/Inputs/relu-mlp.mlir --prune=2:4 --sparse=dense -o %t.d --name sp --quiet
// RUN: cc -std=c99 %S/Inputs/sparse-run.c -I%t.s -L%t.s -l:libsp.a -lpthread -ldl -lm -o %t.s/run
// RUN: cc -std=c99 %S/Inputs/sparse-run.c -I%t.d -L%t.d -l:libsp.a -lpthread -ldl -lm -o %t.d/run
// RUN: %t.s/run > %t.s/out.txt
// RUN: %t.d/run > %t.d/out.txt
// RUN: python3 %S/Inputs/compare-floats.py %t.s/out.txt %t.d/out.txt

// Bad flags.
// RUN: not ternc %S/Inputs/relu-mlp.mlir --sparse=coo 2>&1 | FileCheck %s --check-prefix=BADSPARSE
// BADSPARSE: ternc: error: unknown --sparse='coo': expected auto, dense, ell, nm or bsr
// RUN: not ternc %S/Inputs/relu-mlp.mlir --prune=3:2 --emit=kernel 2>&1 | FileCheck %s --check-prefix=BADPRUNE
// BADPRUNE: error: tern-prune: N:M pruning needs N < M, found '3:2'
// RUN: not ternc %S/Inputs/relu-mlp.mlir --prune=2:4 --prune-global 2>&1 | FileCheck %s --check-prefix=GLOBAL
// GLOBAL: ternc: error: --prune-global needs --prune=unstructured:S
// RUN: not ternc %S/Inputs/relu-mlp.mlir --prune-layers=fc1 2>&1 | FileCheck %s --check-prefix=LAYERS
// LAYERS: ternc: error: --prune-layers selects layers for --prune; give --prune too
// RUN: not ternc %S/Inputs/relu-mlp.mlir --prune=2:4 --prune-layers=fc9 --emit=kernel 2>&1 | FileCheck %s --check-prefix=NOLAYER
// NOLAYER: error: tern-prune: no layer named 'fc9' (layers with constant weights: fc1, fc2)
// RUN: not ternc %S/Inputs/relu-mlp.mlir --integer --sparse=ell 2>&1 | FileCheck %s --check-prefix=INTEGER
// INTEGER: ternc: error: --sparse=ell is a float-mode format; integer mode (--integer, --target=hls) stores N:M layers as N:M (auto or nm) and every other layer dense (dense: N:M ones too)
// RUN: not ternc %S/Inputs/relu-mlp.mlir --activation-sparsity=teal 2>&1 | FileCheck %s --check-prefix=ACT
// ACT: ternc: error: unknown --activation-sparsity='teal': expected relu or off

