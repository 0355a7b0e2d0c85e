//===- no-llvm-poisoning.h - Force-included into every fuzz object --------===//
//
// LLVM's BumpPtrAllocator and Recyclers poison their slabs for ASan in
// header code (llvm/Support/Allocator.h) when the including object is built
// with ASan. Here only Tern's objects are; Debian's libMLIR.so and
// libLLVM.so are not, and they allocate from the same allocators (the
// MLIRContext's uniquers): a slab poisoned by an inlined copy in a Tern
// object and then handed out by the uninstrumented copy in libMLIR.so reads
// as "use-after-poison" in Tern's code, a false report that depends on
// where slab boundaries fall. Turning the manual poisoning off keeps ASan's
// real checks (heap, stack, globals) and drops only these.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_FUZZ_NO_LLVM_POISONING_H
#define TERN_FUZZ_NO_LLVM_POISONING_H
#ifdef __cplusplus
#include "llvm/Support/Compiler.h"
#undef __asan_poison_memory_region
#undef __asan_unpoison_memory_region
#define __asan_poison_memory_region(p, size) ((void)(p), (void)(size))
#define __asan_unpoison_memory_region(p, size) ((void)(p), (void)(size))
#endif
#endif
