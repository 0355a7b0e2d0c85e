//===- Npy.h - NumPy .npy files for tern-run --------------------*- C++ -*-===//
//
// Reads and writes NumPy's .npy format (versions 1, 2 and 3) for the element
// types a Tern runtime knows, plus f16 and the wider unsigned types so that a
// file of those types is reported as the wrong type rather than unreadable.
// Little-endian data only; C order (fortran_order True is accepted only when
// it means the same bytes: rank <= 1).
//
//===----------------------------------------------------------------------===//
#ifndef TERN_RUN_NPY_H
#define TERN_RUN_NPY_H

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "tern/runtime.h"

namespace tern_run {

enum class ElemType {
  F16,
  F32,
  F64,
  I8,
  I16,
  I32,
  I64,
  U8,
  U16,
  U32,
  U64,
  Bool
};

const char *elemTypeName(ElemType t); // "f32", "i8", "bool", ...
size_t elemTypeSize(ElemType t);
bool elemTypeIsFloat(ElemType t);
ElemType elemTypeFromTern(tern_dtype d);
// False for the types the runtime lacks (f16, u16, u32, u64).
bool elemTypeToTern(ElemType t, tern_dtype &out);

// An error with a message meant for the user (no "error:" prefix).
struct NpyError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct NpyArray {
  ElemType type = ElemType::F32;
  std::vector<int64_t> shape;
  std::vector<unsigned char> data; // row-major, little-endian
  int64_t numElements() const;
};

// Reads `path`; throws NpyError naming the file and what is wrong with it.
NpyArray readNpy(const std::string &path);

// Writes a version 1.0 file; throws NpyError when the file cannot be written.
void writeNpy(const std::string &path, ElemType type,
              const std::vector<int64_t> &shape, const void *data,
              size_t bytes);

// Element `i` of `data` (of type `t`) as a double / an int64.
double elementAsDouble(ElemType t, const void *data, int64_t i);
int64_t elementAsInt(ElemType t, const void *data, int64_t i);

// "[1, 64]"
std::string shapeString(const std::vector<int64_t> &shape);

} // namespace tern_run

#endif
