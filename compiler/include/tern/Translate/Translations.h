//===- Translations.h - tern-translate's translations -----------*- C++ -*-===//
//
// --tern-to-kernel-ir and --tern-to-halide-stmt, for tern-translate.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_TRANSLATE_TRANSLATIONS_H
#define TERN_TRANSLATE_TRANSLATIONS_H

namespace mlir::tern {

/// Registers Tern's translations with mlir-translate's registry.
void registerTranslations();

} // namespace mlir::tern

#endif // TERN_TRANSLATE_TRANSLATIONS_H
