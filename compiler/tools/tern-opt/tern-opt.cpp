//===- tern-opt.cpp - Tern's optimizer driver -------------------*- C++ -*-===//
//
// mlir-opt with Tern's dialects and passes and nothing else: the tool lit
// tests and pass authors run. All logic lives in libraries.
//
//===----------------------------------------------------------------------===//

#include "tern/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::tern::registerDialects(registry);
  mlir::tern::registerPasses();
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "Tern optimizer: runs Tern's and selected MLIR passes\n",
      registry));
}
