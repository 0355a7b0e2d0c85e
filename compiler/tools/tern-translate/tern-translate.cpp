//===- tern-translate.cpp - Tern's translation driver -----------*- C++ -*-===//
//
// mlir-translate with Tern's translations (--tern-to-kernel-ir,
// --tern-to-halide-stmt); the logic is in
// compiler/lib/Translate/Translations.cpp.
//
//===----------------------------------------------------------------------===//

#include "tern/Translate/Translations.h"

#include "mlir/Support/LogicalResult.h"
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"

int main(int argc, char **argv) {
  mlir::tern::registerTranslations();
  return mlir::failed(
             mlir::mlirTranslateMain(argc, argv, "Tern translation tool"))
             ? 1
             : 0;
}
