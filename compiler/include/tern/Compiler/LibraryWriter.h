//===- LibraryWriter.h - C header, driver and weights of a model -*- C++
//-*-===//
//
// Prints the parts of a generated library that are not kernels: the public C
// header (the model's API), the C driver that allocates the arena and calls
// the kernels in order, and the assembly file that embeds the weight blob.
// Plain C++ over a ModelPlan: no MLIR, no Halide.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_COMPILER_LIBRARYWRITER_H
#define TERN_COMPILER_LIBRARYWRITER_H

#include "tern/Compiler/ModelPlan.h"

#include <string>

namespace tern::emit {

/// True if `name` can prefix the generated C symbols: a C identifier that is
/// not a keyword, at most 64 characters.
bool isValidModelName(const std::string &name);

/// The public header `<name>.h`.
std::string generateHeader(const plan::ModelPlan &plan,
                           const std::string &target);

/// The C99 driver `<name>_driver.c`: info tables, create/run/destroy.
std::string generateDriver(const plan::ModelPlan &plan);

/// GNU assembly that defines the hidden symbol `<name>_weights_data`, 64-byte
/// aligned, holding the bytes of the file `weightsPath`.
std::string generateWeightsAsm(const plan::ModelPlan &plan,
                               const std::string &weightsPath);

/// The C parameter names of the model's inputs then outputs in
/// `<name>_run`: the port names made into unique C identifiers.
std::vector<std::string> parameterNames(const plan::ModelPlan &plan);

} // namespace tern::emit

#endif // TERN_COMPILER_LIBRARYWRITER_H
