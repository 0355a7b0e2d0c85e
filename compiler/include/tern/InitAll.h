//===- InitAll.h - Dialects and passes Tern's tools use ---------*- C++ -*-===//
//
// One place that lists what tern-opt, tern-translate and ternc register, so
// that the tools agree and link only the parts of MLIR they use (never
// registerAllDialects()).
//
//===----------------------------------------------------------------------===//

#ifndef TERN_INITALL_H
#define TERN_INITALL_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace mlir::tern {

/// Registers the dialects of Tern's input and kernel forms: builtin, func,
/// arith, math, linalg, tensor, bufferization (for tensor.empty users), and
/// tern, with the interfaces they need.
void registerDialects(DialectRegistry &registry);

/// Registers Tern's passes, its pipelines, and the upstream passes its
/// pipelines use (canonicalize, cse, linalg-generalize-named-ops).
void registerPasses();

} // namespace mlir::tern

#endif // TERN_INITALL_H
