//===- Npy.cpp - NumPy .npy files for tern-run ----------------------------===//

#include "Npy.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <sstream>

namespace tern_run {

namespace {

struct TypeDesc {
  ElemType type;
  char kind; // 'f', 'i', 'u', 'b'
  size_t size;
  const char *name;
  int dtype; // the runtime's tern_dtype, or -1: none
};

const TypeDesc kTypes[] = {
    {ElemType::F16, 'f', 2, "f16", -1},
    {ElemType::F32, 'f', 4, "f32", TERN_DTYPE_F32},
    {ElemType::F64, 'f', 8, "f64", TERN_DTYPE_F64},
    {ElemType::I8, 'i', 1, "i8", TERN_DTYPE_I8},
    {ElemType::I16, 'i', 2, "i16", TERN_DTYPE_I16},
    {ElemType::I32, 'i', 4, "i32", TERN_DTYPE_I32},
    {ElemType::I64, 'i', 8, "i64", TERN_DTYPE_I64},
    {ElemType::U8, 'u', 1, "u8", TERN_DTYPE_U8},
    {ElemType::U16, 'u', 2, "u16", -1},
    {ElemType::U32, 'u', 4, "u32", -1},
    {ElemType::U64, 'u', 8, "u64", -1},
    {ElemType::Bool, 'b', 1, "bool", TERN_DTYPE_BOOL},
};

// Text from a file, fit for a one-line message: bytes outside printable
// ASCII as \xNN, at most 40 characters.
std::string printable(const std::string &text) {
  std::string out;
  for (unsigned char c : text) {
    if (out.size() >= 40) {
      out += "...";
      break;
    }
    if (c >= 0x20 && c < 0x7f) {
      out += char(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", c);
      out += buf;
    }
  }
  return out;
}

const TypeDesc &desc(ElemType t) {
  for (const TypeDesc &d : kTypes)
    if (d.type == t)
      return d;
  return kTypes[1];
}

float halfToFloat(uint16_t h) {
  int sign = (h >> 15) & 1, exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
  float v;
  if (exp == 0)
    v = std::ldexp(static_cast<float>(mant), -24);
  else if (exp == 31)
    v = mant ? std::numeric_limits<float>::quiet_NaN()
             : std::numeric_limits<float>::infinity();
  else
    v = std::ldexp(static_cast<float>(mant | 0x400), exp - 25);
  return sign ? -v : v;
}

template <typename T> T load(const void *data, int64_t i) {
  T v;
  std::memcpy(&v, static_cast<const unsigned char *>(data) + i * sizeof(T),
              sizeof(T));
  return v;
}

// The header dictionary: {'descr': '<f4', 'fortran_order': False,
// 'shape': (1, 64), }. Keys may come in any order.
class HeaderParser {
public:
  HeaderParser(const std::string &text, const std::string &file)
      : s(text), path(file) {}

  void parse(std::string &descr, bool &fortran, std::vector<int64_t> &shape) {
    bool haveDescr = false, haveFortran = false, haveShape = false;
    skipSpace();
    expect('{');
    while (true) {
      skipSpace();
      if (peek() == '}')
        break;
      std::string key = parseString();
      skipSpace();
      expect(':');
      skipSpace();
      if (key == "descr") {
        descr = parseString();
        haveDescr = true;
      } else if (key == "fortran_order") {
        if (s.compare(pos, 4, "True") == 0) {
          fortran = true;
          pos += 4;
        } else if (s.compare(pos, 5, "False") == 0) {
          fortran = false;
          pos += 5;
        } else {
          fail("fortran_order is neither True nor False");
        }
        haveFortran = true;
      } else if (key == "shape") {
        shape = parseShape();
        haveShape = true;
      } else {
        fail("unexpected key '" + printable(key) + "'");
      }
      skipSpace();
      if (peek() == ',') {
        ++pos;
        continue;
      }
      skipSpace();
      if (peek() != '}')
        fail("expected ',' or '}'");
    }
    if (!haveDescr || !haveFortran || !haveShape)
      fail("the header lacks 'descr', 'fortran_order' or 'shape'");
  }

private:
  char peek() const { return pos < s.size() ? s[pos] : '\0'; }
  void skipSpace() {
    while (pos < s.size() && (s[pos] == ' ' || s[pos] == '\t' ||
                              s[pos] == '\n' || s[pos] == '\r'))
      ++pos;
  }
  [[noreturn]] void fail(const std::string &what) {
    throw NpyError(path + ": malformed .npy header: " + what);
  }
  void expect(char c) {
    if (peek() != c)
      fail(std::string("expected '") + c + "'");
    ++pos;
  }
  std::string parseString() {
    char q = peek();
    if (q != '\'' && q != '"')
      fail("expected a quoted string");
    ++pos;
    size_t end = s.find(q, pos);
    if (end == std::string::npos)
      fail("unterminated string");
    std::string out = s.substr(pos, end - pos);
    pos = end + 1;
    return out;
  }
  std::vector<int64_t> parseShape() {
    std::vector<int64_t> out;
    expect('(');
    while (true) {
      skipSpace();
      if (peek() == ')') {
        ++pos;
        break;
      }
      if (peek() < '0' || peek() > '9')
        fail("a dimension is not a non-negative integer");
      int64_t v = 0;
      while (peek() >= '0' && peek() <= '9') {
        if (v > (std::numeric_limits<int64_t>::max() - 9) / 10)
          fail("a dimension is too large");
        v = v * 10 + (peek() - '0');
        ++pos;
      }
      if (peek() == 'L')
        ++pos;
      out.push_back(v);
      skipSpace();
      if (peek() == ',')
        ++pos;
      else if (peek() != ')')
        fail("expected ',' or ')' in the shape");
    }
    return out;
  }

  const std::string &s;
  const std::string &path;
  size_t pos = 0;
};

ElemType typeFromDescr(const std::string &descr, const std::string &path) {
  if (descr.size() < 3)
    throw NpyError(path + ": unsupported dtype '" + printable(descr) + "'");
  char order = descr[0], kind = descr[1];
  std::string sizeText = descr.substr(2);
  size_t size = 0;
  for (char c : sizeText) {
    if (c < '0' || c > '9' || size > 64)
      throw NpyError(path + ": unsupported dtype '" + printable(descr) + "'");
    size = size * 10 + (c - '0');
  }
  if (order == '>' && size > 1)
    throw NpyError(path + ": big-endian data ('" + printable(descr) +
                   "') is not supported; save it little-endian");
  if (order != '<' && order != '|' && order != '=' && order != '>')
    throw NpyError(path + ": unsupported dtype '" + printable(descr) + "'");
  for (const TypeDesc &d : kTypes)
    if (d.kind == kind && d.size == size)
      return d.type;
  throw NpyError(path + ": unsupported dtype '" + printable(descr) +
                 "' (supported: f2, f4, f8, i1, i2, i4, i8, u1, u2, u4, u8, "
                 "b1)");
}

std::string descrFor(ElemType t) {
  const TypeDesc &d = desc(t);
  std::string out;
  out += d.size == 1 ? '|' : '<';
  out += d.kind;
  out += std::to_string(d.size);
  return out;
}

} // namespace

const char *elemTypeName(ElemType t) { return desc(t).name; }
size_t elemTypeSize(ElemType t) { return desc(t).size; }
bool elemTypeIsFloat(ElemType t) { return desc(t).kind == 'f'; }

ElemType elemTypeFromTern(tern_dtype d) {
  for (const TypeDesc &t : kTypes)
    if (t.dtype == d)
      return t.type;
  return ElemType::F32;
}

bool elemTypeToTern(ElemType t, tern_dtype &out) {
  int d = desc(t).dtype;
  if (d < 0)
    return false;
  out = static_cast<tern_dtype>(d);
  return true;
}

int64_t NpyArray::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

std::string shapeString(const std::vector<int64_t> &shape) {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      out += ", ";
    out += std::to_string(shape[i]);
  }
  return out + "]";
}

NpyArray readNpy(const std::string &path) {
  FILE *f = std::fopen(path.c_str(), "rb");
  if (!f)
    throw NpyError("cannot open " + path + ": " + std::strerror(errno));
  std::vector<unsigned char> bytes;
  unsigned char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0)
    bytes.insert(bytes.end(), buf, buf + n);
  bool readError = std::ferror(f);
  std::fclose(f);
  if (readError)
    throw NpyError("cannot read " + path);

  static const unsigned char magic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
  if (bytes.size() < 10 || std::memcmp(bytes.data(), magic, 6) != 0)
    throw NpyError(path + ": not a .npy file (no \\x93NUMPY magic)");
  int major = bytes[6];
  size_t headerLen, headerStart;
  if (major == 1) {
    headerLen = bytes[8] | (size_t(bytes[9]) << 8);
    headerStart = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12)
      throw NpyError(path + ": truncated .npy header");
    headerLen = bytes[8] | (size_t(bytes[9]) << 8) | (size_t(bytes[10]) << 16) |
                (size_t(bytes[11]) << 24);
    headerStart = 12;
  } else {
    throw NpyError(path + ": unsupported .npy version " +
                   std::to_string(major) + "." + std::to_string(bytes[7]));
  }
  if (headerLen > bytes.size() - headerStart)
    throw NpyError(path + ": truncated .npy header (" +
                   std::to_string(headerLen) + " header bytes announced, " +
                   std::to_string(bytes.size() - headerStart) +
                   " in the file)");
  std::string header(reinterpret_cast<const char *>(bytes.data()) + headerStart,
                     headerLen);
  std::string descr;
  bool fortran = false;
  NpyArray out;
  HeaderParser(header, path).parse(descr, fortran, out.shape);
  out.type = typeFromDescr(descr, path);
  size_t nontrivial = 0;
  for (int64_t d : out.shape)
    nontrivial += d > 1;
  if (fortran && nontrivial > 1)
    throw NpyError(path + ": Fortran-order arrays are not supported; save "
                          "with np.ascontiguousarray");
  // Element count, guarding against overflow.
  int64_t count = 1;
  bool zero = false;
  for (int64_t d : out.shape) {
    if (d == 0)
      zero = true;
    else if (count > std::numeric_limits<int64_t>::max() / d)
      throw NpyError(path + ": shape " + shapeString(out.shape) +
                     " is too large");
    else
      count *= d;
  }
  if (zero)
    count = 0;
  size_t elem = elemTypeSize(out.type);
  size_t available = bytes.size() - headerStart - headerLen;
  if (static_cast<uint64_t>(count) > available / elem ||
      static_cast<size_t>(count) * elem != available)
    throw NpyError(path + ": " +
                   (static_cast<uint64_t>(count) * elem > available
                        ? std::string("truncated")
                        : std::string("trailing bytes")) +
                   ": " + elemTypeName(out.type) + " " +
                   shapeString(out.shape) + " needs " +
                   std::to_string(static_cast<uint64_t>(count) * elem) +
                   " data bytes, the file has " + std::to_string(available));
  out.data.assign(bytes.begin() + headerStart + headerLen, bytes.end());
  return out;
}

void writeNpy(const std::string &path, ElemType type,
              const std::vector<int64_t> &shape, const void *data,
              size_t bytes) {
  std::string header =
      "{'descr': '" + descrFor(type) + "', 'fortran_order': False, 'shape': (";
  for (size_t i = 0; i < shape.size(); ++i)
    header += (i ? ", " : "") + std::to_string(shape[i]);
  if (shape.size() == 1)
    header += ","; // "(4,)"
  header += "), }";
  // Pad so that the data starts at a multiple of 64, ending with '\n'.
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  FILE *f = std::fopen(path.c_str(), "wb");
  if (!f)
    throw NpyError("cannot write " + path + ": " + std::strerror(errno));
  unsigned char pre[10] = {0x93,
                           'N',
                           'U',
                           'M',
                           'P',
                           'Y',
                           1,
                           0,
                           static_cast<unsigned char>(header.size() & 0xff),
                           static_cast<unsigned char>(header.size() >> 8)};
  bool ok = std::fwrite(pre, 1, 10, f) == 10 &&
            std::fwrite(header.data(), 1, header.size(), f) == header.size() &&
            (bytes == 0 || std::fwrite(data, 1, bytes, f) == bytes);
  ok = (std::fclose(f) == 0) && ok;
  if (!ok)
    throw NpyError("cannot write " + path + ": " + std::strerror(errno));
}

double elementAsDouble(ElemType t, const void *data, int64_t i) {
  switch (t) {
  case ElemType::F16:
    return halfToFloat(load<uint16_t>(data, i));
  case ElemType::F32:
    return load<float>(data, i);
  case ElemType::F64:
    return load<double>(data, i);
  case ElemType::I8:
    return load<int8_t>(data, i);
  case ElemType::I16:
    return load<int16_t>(data, i);
  case ElemType::I32:
    return load<int32_t>(data, i);
  case ElemType::I64:
    return static_cast<double>(load<int64_t>(data, i));
  case ElemType::U8:
    return load<uint8_t>(data, i);
  case ElemType::U16:
    return load<uint16_t>(data, i);
  case ElemType::U32:
    return load<uint32_t>(data, i);
  case ElemType::U64:
    return static_cast<double>(load<uint64_t>(data, i));
  case ElemType::Bool:
    return load<uint8_t>(data, i) != 0;
  }
  return 0;
}

int64_t elementAsInt(ElemType t, const void *data, int64_t i) {
  // Every other type converts through a double exactly (or is a float).
  if (t == ElemType::I64)
    return load<int64_t>(data, i);
  if (t == ElemType::U64)
    return static_cast<int64_t>(load<uint64_t>(data, i));
  return static_cast<int64_t>(elementAsDouble(t, data, i));
}

} // namespace tern_run
