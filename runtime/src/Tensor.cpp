//===- Tensor.cpp - Element types, tensor sizes and tensor checks ---------===//
//
// A model's `run` receives caller-built tern_tensor descriptors and must
// reject any that disagree with its compiled-in info table before a kernel
// reads out of bounds. The check lives here, once, so that every generated
// model reports mismatches with the same wording: the role and name of the
// tensor, what was expected and what was found. Size arithmetic refuses to
// overflow because shapes come from files and callers, not only from the
// compiler.
//
//===----------------------------------------------------------------------===//

#include "tern/runtime.h"

#include <cinttypes>
#include <cstddef>
#include <cstdio>
#include <cstring>

// Generated code emits info tables as constant data and passes tensors across
// the C ABI, so the layouts of these structs are part of
// TERN_RUNTIME_ABI_VERSION. Catch an accidental change (a reordered field, a
// new TERN_MAX_RANK, -fshort-enums) here rather than as corrupted shapes.
// Where `shape` lands depends on how the target aligns int64_t, so offsets
// past the pointer are pinned for 64-bit targets only.
static_assert(sizeof(tern_dtype) == 4, "tern_dtype must be int-sized");
static_assert(sizeof(tern_status) == 4, "tern_status must be int-sized");
static_assert(TERN_MAX_RANK == 8, "TERN_MAX_RANK is part of the ABI");
static_assert(offsetof(tern_tensor, data) == 0, "tern_tensor layout changed");
static_assert(offsetof(tern_tensor, dtype) == sizeof(void *),
              "tern_tensor layout changed");
static_assert(offsetof(tern_tensor, rank) == sizeof(void *) + 4,
              "tern_tensor layout changed");
static_assert(sizeof(void *) != 8 || offsetof(tern_tensor, shape) == 16,
              "tern_tensor layout changed");
static_assert(sizeof(void *) != 8 ||
                  sizeof(tern_tensor) == 16 + 8 * TERN_MAX_RANK,
              "tern_tensor layout changed");
static_assert(sizeof(void *) != 8 ||
                  (offsetof(tern_model_info, weight_bytes) == 40 &&
                   offsetof(tern_model_info, arena_bytes) == 48 &&
                   offsetof(tern_model_info, num_layers) == 56 &&
                   offsetof(tern_model_info, layers) == 64 &&
                   sizeof(tern_model_info) == 72),
              "tern_model_info layout changed");
static_assert(sizeof(void *) != 8 ||
                  (offsetof(tern_layer_info, weight_bytes) == 24 &&
                   offsetof(tern_layer_info, ops) == 40 &&
                   offsetof(tern_layer_info, kernel_calls) == 48 &&
                   sizeof(tern_layer_info) == 56),
              "tern_layer_info layout changed");
static_assert(offsetof(tern_tensor_info, name) == 0,
              "tern_tensor_info layout changed");
static_assert(sizeof(void *) != 8 || offsetof(tern_tensor_info, shape) == 16,
              "tern_tensor_info layout changed");
static_assert(sizeof(tern_tensor_info) == sizeof(tern_tensor),
              "tern_tensor_info layout changed");

namespace {

// Long enough for "[d0, ..., d7]" with every dimension at INT64_MIN (20
// characters each), so formatting never truncates.
constexpr size_t kShapeTextBytes = 2 + TERN_MAX_RANK * 22;

struct ShapeText {
  char text[kShapeTextBytes];
};

// Prints "[1, 64]"; `rank` must already be within [0, TERN_MAX_RANK].
ShapeText formatShape(const int64_t *shape, int32_t rank) {
  ShapeText result;
  size_t used = 0;
  auto print = [&](int written) {
    if (written > 0)
      used += static_cast<size_t>(written);
    if (used >= kShapeTextBytes)
      used = kShapeTextBytes - 1;
  };
  print(std::snprintf(result.text, kShapeTextBytes, "["));
  for (int32_t i = 0; i < rank; ++i)
    print(std::snprintf(result.text + used, kShapeTextBytes - used,
                        i == 0 ? "%" PRId64 : ", %" PRId64, shape[i]));
  print(std::snprintf(result.text + used, kShapeTextBytes - used, "]"));
  return result;
}

bool isValidRank(int32_t rank) { return rank >= 0 && rank <= TERN_MAX_RANK; }

// A C caller may store any int in a tern_dtype, but C++ gives this enum only
// the values its enumerators need (0..7), and loading anything else is
// undefined (and trips -fsanitize=enum). Read the object's bytes instead and
// work on ints from there on.
int rawValue(const tern_dtype &dtype) {
  int value;
  std::memcpy(&value, &dtype, sizeof(value));
  return value;
}

size_t dtypeSize(int dtype) {
  switch (dtype) {
  case TERN_DTYPE_F32:
    return 4;
  case TERN_DTYPE_F64:
    return 8;
  case TERN_DTYPE_I8:
    return 1;
  case TERN_DTYPE_I16:
    return 2;
  case TERN_DTYPE_I32:
    return 4;
  case TERN_DTYPE_I64:
    return 8;
  case TERN_DTYPE_U8:
    return 1;
  case TERN_DTYPE_BOOL:
    return 1;
  default:
    return 0;
  }
}

const char *dtypeName(int dtype) {
  switch (dtype) {
  case TERN_DTYPE_F32:
    return "f32";
  case TERN_DTYPE_F64:
    return "f64";
  case TERN_DTYPE_I8:
    return "i8";
  case TERN_DTYPE_I16:
    return "i16";
  case TERN_DTYPE_I32:
    return "i32";
  case TERN_DTYPE_I64:
    return "i64";
  case TERN_DTYPE_U8:
    return "u8";
  case TERN_DTYPE_BOOL:
    return "bool";
  default:
    return "unknown";
  }
}

bool isValidDtype(int dtype) { return dtypeSize(dtype) != 0; }

// "f32", or "unknown (42)" so that a garbage value is visible in messages.
struct DtypeText {
  char text[32];
};

DtypeText formatDtype(int dtype) {
  DtypeText result;
  if (isValidDtype(dtype))
    std::snprintf(result.text, sizeof(result.text), "%s", dtypeName(dtype));
  else
    std::snprintf(result.text, sizeof(result.text), "unknown (%d)", dtype);
  return result;
}

} // namespace

extern "C" {

size_t tern_dtype_size(tern_dtype dtype) { return dtypeSize(rawValue(dtype)); }

const char *tern_dtype_name(tern_dtype dtype) {
  return dtypeName(rawValue(dtype));
}

int64_t tern_tensor_info_num_elements(const tern_tensor_info *info) {
  if (!info || !isValidRank(info->rank))
    return -1;
  // Validate every dimension first: an empty tensor has zero elements however
  // large its other dimensions are, so a zero must win over an overflow that
  // the dimensions before it would cause.
  bool empty = false;
  for (int32_t i = 0; i < info->rank; ++i) {
    if (info->shape[i] < 0)
      return -1;
    empty |= info->shape[i] == 0;
  }
  if (empty)
    return 0;
  int64_t count = 1;
  for (int32_t i = 0; i < info->rank; ++i) {
    int64_t dim = info->shape[i];
    if (count > INT64_MAX / dim)
      return -1;
    count *= dim;
  }
  return count;
}

size_t tern_tensor_info_size_bytes(const tern_tensor_info *info) {
  int64_t count = tern_tensor_info_num_elements(info);
  if (count < 0)
    return 0;
  size_t elementSize = dtypeSize(rawValue(info->dtype));
  if (elementSize == 0)
    return 0;
  if (static_cast<uint64_t>(count) > SIZE_MAX / elementSize)
    return 0;
  return static_cast<size_t>(count) * elementSize;
}

tern_status tern_tensor_check(const tern_tensor *tensor,
                              const tern_tensor_info *info, const char *role) {
  if (!role)
    return tern_set_error(TERN_ERROR_INVALID_ARGUMENT,
                          "tern_tensor_check: role is NULL");
  if (!info)
    return tern_set_error(TERN_ERROR_INVALID_ARGUMENT,
                          "tern_tensor_check: info is NULL for %s", role);

  // Every message starts with "input 0 'pixels'", or just the role for an
  // unnamed tensor.
  char label[256];
  if (info->name && info->name[0])
    std::snprintf(label, sizeof(label), "%s '%s'", role, info->name);
  else
    std::snprintf(label, sizeof(label), "%s", role);

  // A malformed info table is a caller or compiler bug, not a mismatch: say
  // so instead of comparing against garbage.
  if (!isValidRank(info->rank))
    return tern_set_error(TERN_ERROR_INVALID_ARGUMENT,
                          "%s: info rank %d is out of range [0, %d]", label,
                          static_cast<int>(info->rank), TERN_MAX_RANK);
  int expectedDtype = rawValue(info->dtype);
  if (!isValidDtype(expectedDtype))
    return tern_set_error(TERN_ERROR_INVALID_ARGUMENT,
                          "%s: info dtype %s is not a tern_dtype", label,
                          formatDtype(expectedDtype).text);
  ShapeText expected = formatShape(info->shape, info->rank);
  const char *expectedName = dtypeName(expectedDtype);
  if (tern_tensor_info_num_elements(info) < 0)
    return tern_set_error(TERN_ERROR_INVALID_ARGUMENT,
                          "%s: info shape %s has a negative dimension or too "
                          "many elements",
                          label, expected.text);

  if (!tensor)
    return tern_set_error(TERN_ERROR_INVALID_ARGUMENT,
                          "%s: tensor is NULL; expected %s (%s)", label,
                          expected.text, expectedName);
  if (!tensor->data)
    return tern_set_error(TERN_ERROR_INVALID_ARGUMENT,
                          "%s: data is NULL; expected a buffer of %zu bytes "
                          "for %s (%s)",
                          label, tern_tensor_info_size_bytes(info),
                          expected.text, expectedName);
  if (!isValidRank(tensor->rank))
    return tern_set_error(TERN_ERROR_INVALID_ARGUMENT,
                          "%s: rank %d is out of range [0, %d]; expected "
                          "rank %d %s (%s)",
                          label, static_cast<int>(tensor->rank), TERN_MAX_RANK,
                          static_cast<int>(info->rank), expected.text,
                          expectedName);

  ShapeText found = formatShape(tensor->shape, tensor->rank);
  int foundDtype = rawValue(tensor->dtype);
  if (foundDtype != expectedDtype)
    return tern_set_error(TERN_ERROR_DTYPE_MISMATCH,
                          "%s: expected dtype %s, found %s", label,
                          expectedName, formatDtype(foundDtype).text);
  if (tensor->rank != info->rank)
    return tern_set_error(TERN_ERROR_SHAPE_MISMATCH,
                          "%s: expected rank %d %s (%s), found rank %d %s (%s)",
                          label, static_cast<int>(info->rank), expected.text,
                          expectedName, static_cast<int>(tensor->rank),
                          found.text, expectedName);
  for (int32_t i = 0; i < info->rank; ++i)
    if (tensor->shape[i] != info->shape[i])
      return tern_set_error(TERN_ERROR_SHAPE_MISMATCH,
                            "%s: expected shape %s (%s), found %s (%s)", label,
                            expected.text, expectedName, found.text,
                            expectedName);
  return TERN_OK;
}

} // extern "C"
