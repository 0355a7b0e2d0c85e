//===- CText.h - Text helpers for generated C (private) ---------*- C++ -*-===//
//
// Shared by the library writer's files (LibraryWriter.cpp, CpuDispatch.cpp):
// C string literals, printf-safe and comment-safe text, upper case.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_PLAN_CTEXT_H
#define TERN_PLAN_CTEXT_H

#include <cctype>
#include <cstdio>
#include <string>

namespace tern::emit::detail {

/// `s` escaped for the inside of a C string literal: quotes, backslashes
/// and control characters; with `printfFormat`, `%` doubled too, for a
/// format string with no arguments.
inline std::string escapeC(const std::string &s, bool printfFormat) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '%' && printfFormat) {
      out += "%%";
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      snprintf(buf, sizeof(buf), "\\%03o", static_cast<unsigned char>(c));
      out += buf;
    } else {
      out += c;
    }
  }
  return out;
}

inline std::string cString(const std::string &s) {
  return "\"" + escapeC(s, false) + "\"";
}

/// For text inside a printf format string with no arguments.
inline std::string formatSafe(const std::string &s) { return escapeC(s, true); }

/// A comment-safe rendering of `s` (no "*/").
inline std::string commentSafe(const std::string &s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    out += s[i];
    if (s[i] == '*' && i + 1 < s.size() && s[i + 1] == '/')
      out += ' ';
  }
  return out;
}

inline std::string upper(const std::string &name) {
  std::string s;
  for (char c : name)
    s += static_cast<char>(toupper(static_cast<unsigned char>(c)));
  return s;
}

} // namespace tern::emit::detail

#endif // TERN_PLAN_CTEXT_H
