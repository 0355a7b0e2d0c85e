// RUN: not ternc %s --name=tern_arena --emit=mlir 2>&1 | FileCheck %s -DNAME=tern_arena
// RUN: not ternc %s --name=tern_tensor --emit=mlir 2>&1 | FileCheck %s -DNAME=tern_tensor
// RUN: not ternc %s --name=tern 2>&1 | FileCheck %s -DNAME=tern

// Model names that collide with the runtime's own C API are refused like C
// keywords are, for that reason: with --name=tern_arena, <name>_create would
// be runtime.h's tern_arena_create; with --name=tern_tensor, <name>_info
// would be its type tern_tensor_info; --name=tern was accepted and its
// driver did not compile either.

// CHECK: ternc: error: invalid model name '[[NAME]]': 'tern' and names starting with 'tern_' are reserved for the runtime's C API (tern_arena_create, tern_tensor_info, ...); give another with --name, e.g. --name=my_model
func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
