// RUN: not ternc %s --name=tern_arena --emit=mlir 2>&1 | FileCheck %s -DNAME=tern_arena
// RUN: not ternc %s --name=tern_tensor --emit=mlir 2>&1 | FileCheck %s -DNAME=tern_tensor

// Model names that collide with the runtime's own C API must be refused
// like C keywords are. Today they pass isValidModelName (LibraryWriter.cpp)
// and the generated driver does not compile:
//   --name=tern_arena:  <name>_create and <name>_destroy are
//                       tern_arena_create/tern_arena_destroy of runtime.h
//                       ("conflicting types for 'tern_arena_create'");
//   --name=tern_tensor: <name>_info is the type tern_tensor_info
//                       ("'tern_tensor_info' redeclared as different kind
//                       of symbol").
// Refusing the runtime's prefix (tern_) is one way out.

// CHECK: ternc: error: invalid model name '[[NAME]]'
func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
