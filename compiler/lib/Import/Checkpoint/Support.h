//===- Support.h - Shared by the checkpoint readers -------------*- C++ -*-===//
//
// What the GGUF, safetensors and Hugging Face readers share: errors that
// start with the file's name, little-endian loads that never assume
// alignment, checked arithmetic on sizes read from a file, names quoted for
// messages, and the check that runs before llvm::json::parse (which has no
// nesting limit, so deep input would overflow the stack, and which keeps
// the last of two equal keys without a word).
//
//===----------------------------------------------------------------------===//

#ifndef TERN_LIB_IMPORT_CHECKPOINT_SUPPORT_H
#define TERN_LIB_IMPORT_CHECKPOINT_SUPPORT_H

#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <cstdint>
#include <optional>
#include <string>

namespace tern::checkpoint::detail {

/// "FILE: MESSAGE".
llvm::Error makeError(llvm::StringRef file, const llvm::Twine &message);

/// A name from a file, quoted for a message: 'blk.0.attn_q.weight'. Bytes
/// that are not printable ASCII are escaped, and long names are cut.
std::string quote(llvm::StringRef name, size_t maxBytes = 80);

template <typename T> T loadLE(const uint8_t *p) {
  return llvm::support::endian::read<T>(p, llvm::endianness::little);
}

inline std::optional<uint64_t> mulU64(uint64_t a, uint64_t b) {
  uint64_t r;
  if (__builtin_mul_overflow(a, b, &r))
    return std::nullopt;
  return r;
}

inline std::optional<uint64_t> addU64(uint64_t a, uint64_t b) {
  uint64_t r;
  if (__builtin_add_overflow(a, b, &r))
    return std::nullopt;
  return r;
}

/// double to float without the undefined behaviour of a value out of
/// float's range: those become infinities, NaN stays NaN.
inline float narrowToFloat(double d) {
  if (d > 3.4028234663852886e38)
    return __builtin_inff();
  if (d < -3.4028234663852886e38)
    return -__builtin_inff();
  return float(d);
}

/// Checks JSON text before llvm::json::parse sees it: nesting at most
/// `maxDepth` deep and no object with two equal keys (compared as written,
/// escapes unresolved). Returns a message, or an empty string when fine.
/// Syntax errors are left to the parser.
std::string checkJsonShape(llvm::StringRef text, unsigned maxDepth);

/// A JSON value for a message: "null", "number 2.5", "string \"abc\"",
/// "an array", "an object".
std::string describeJson(const llvm::json::Value &v);

/// checkJsonShape, then llvm::json::parse; errors read "FILE: WHAT: why".
llvm::Expected<llvm::json::Value> parseJson(llvm::StringRef text,
                                            llvm::StringRef file,
                                            llvm::StringRef what,
                                            unsigned maxDepth);

} // namespace tern::checkpoint::detail

#endif // TERN_LIB_IMPORT_CHECKPOINT_SUPPORT_H
