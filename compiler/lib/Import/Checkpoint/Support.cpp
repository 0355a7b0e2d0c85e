//===- Support.cpp - Shared by the checkpoint readers ---------------------===//
//
// Errors, quoting, and the shape check of JSON text (Support.h says why the
// readers need it).
//
//===----------------------------------------------------------------------===//

#include "Support.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/Support/raw_ostream.h"

#include <vector>

namespace tern::checkpoint::detail {

llvm::Error makeError(llvm::StringRef file, const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 file + ": " + message);
}

std::string quote(llvm::StringRef name, size_t maxBytes) {
  std::string out = "'";
  size_t shown = std::min(name.size(), maxBytes);
  for (size_t i = 0; i < shown; ++i) {
    unsigned char c = name[i];
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += char(c);
      continue;
    }
    static const char hex[] = "0123456789abcdef";
    out += "\\x";
    out += hex[c >> 4];
    out += hex[c & 15];
  }
  if (shown < name.size())
    out += "...";
  out += "'";
  return out;
}

/// A JSON value described for a message: "string \"x\"", "number -3".
std::string describeJson(const llvm::json::Value &v) {
  switch (v.kind()) {
  case llvm::json::Value::Null:
    return "null";
  case llvm::json::Value::Array:
    return "an array";
  case llvm::json::Value::Object:
    return "an object";
  default:
    break;
  }
  std::string text;
  llvm::raw_string_ostream os(text);
  os << v;
  os.flush();
  if (text.size() > 40)
    text = text.substr(0, 40) + "...";
  if (v.kind() == llvm::json::Value::Boolean)
    return "boolean " + text;
  if (v.kind() == llvm::json::Value::Number)
    return "number " + text;
  return "string " + text;
}

llvm::Expected<llvm::json::Value> parseJson(llvm::StringRef text,
                                            llvm::StringRef file,
                                            llvm::StringRef what,
                                            unsigned maxDepth) {
  std::string shapeError = checkJsonShape(text, maxDepth);
  if (!shapeError.empty())
    return makeError(file, what + ": " + shapeError);
  llvm::Expected<llvm::json::Value> value = llvm::json::parse(text);
  if (!value)
    return makeError(file, what + ": " + llvm::toString(value.takeError()));
  return value;
}

std::string checkJsonShape(llvm::StringRef text, unsigned maxDepth) {
  // One entry per open object or array: the keys seen so far (objects) and
  // whether the next string is a key.
  struct Level {
    bool isObject;
    bool expectKey;
    llvm::StringSet<> keys;
  };
  std::vector<Level> stack;
  size_t i = 0, n = text.size();
  while (i < n) {
    char c = text[i];
    if (c == '"') {
      size_t start = ++i;
      while (i < n && text[i] != '"')
        i += text[i] == '\\' ? 2 : 1;
      if (i >= n)
        return ""; // Unterminated: the parser reports it.
      llvm::StringRef s = text.slice(start, i);
      ++i;
      if (!stack.empty() && stack.back().isObject && stack.back().expectKey) {
        stack.back().expectKey = false;
        if (!stack.back().keys.insert(s).second)
          return "duplicate key " + quote(s);
      }
      continue;
    }
    if (c == '{' || c == '[') {
      if (stack.size() >= maxDepth)
        return "nesting deeper than " + std::to_string(maxDepth) + " levels";
      stack.push_back({c == '{', c == '{', {}});
    } else if (c == '}' || c == ']') {
      if (stack.empty())
        return ""; // Unbalanced: the parser reports it.
      stack.pop_back();
    } else if (c == ',' && !stack.empty() && stack.back().isObject) {
      stack.back().expectKey = true;
    }
    ++i;
  }
  return "";
}

} // namespace tern::checkpoint::detail
