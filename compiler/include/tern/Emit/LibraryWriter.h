//===- LibraryWriter.h - C header, driver and weights of a model -*- C++
//-*-===//
//
// Prints the parts of a generated library that are not kernels: the public C
// header (the model's API), the C driver that allocates the arena and calls
// the kernels in order, and the assembly file that embeds the weight blob.
// Plain C++ over a ModelPlan: no MLIR, no Halide.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_EMIT_LIBRARYWRITER_H
#define TERN_EMIT_LIBRARYWRITER_H

#include "tern/Plan/ModelPlan.h"

#include <string>
#include <vector>

namespace tern::emit {

/// Why `name` cannot prefix the generated C symbols, or "" when it can: it
/// must be a C identifier of at most 64 characters that is not a keyword
/// and does not collide with the runtime's (tern, tern_*) or Halide's
/// (halide*, _halide*) symbols.
std::string modelNameProblem(const std::string &name);

/// The public header `<name>.h`. With a `buildId` (see buildId()), every
/// translation unit that includes it refers to the symbol
/// `<name>_tern_build_<buildId>` that only the driver of that very compile
/// defines: a program whose header and library come from different
/// compiles (two models under one name, a stale library) fails to link
/// instead of calling the wrong model.
std::string generateHeader(const plan::ModelPlan &plan,
                           const std::string &target,
                           const std::string &buildId = "");

/// The C99 driver `<name>_driver.c`: info tables, create/run/destroy.
std::string generateDriver(const plan::ModelPlan &plan);

/// The driver's definition of the symbol the header refers to (see
/// generateHeader), appended to generateDriver's text.
std::string buildSymbolDefinition(const plan::ModelPlan &plan,
                                  const std::string &buildId);

/// A 16-hex-digit digest of one compile's output (the driver, the weights
/// and the target).
std::string buildId(const std::string &driver, const std::vector<char> &weights,
                    const std::string &target);

/// GNU assembly that defines the hidden symbol `<name>_weights_data`, 64-byte
/// aligned, holding the bytes of the file `weightsPath`.
std::string generateWeightsAsm(const plan::ModelPlan &plan,
                               const std::string &weightsPath);

/// The C parameter names of the model's inputs then outputs in
/// `<name>_run`: the port names made into unique C identifiers.
std::vector<std::string> parameterNames(const plan::ModelPlan &plan);

} // namespace tern::emit

#endif // TERN_EMIT_LIBRARYWRITER_H
