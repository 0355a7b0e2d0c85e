//===- Tensor.cpp - ONNX test tensors: reading and comparing ----*- C++ -*-===//
//
// TensorProto stores elements either as little-endian bytes in raw_data or in
// the repeated field of the type (float_data, double_data, int64_data, and
// int32_data for every integer type of 32 bits or fewer and for bool). Both
// become Tensor::data here.
//
//===----------------------------------------------------------------------===//

#include "Tensor.h"

#include <onnx/onnx_pb.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

using namespace tern::conformance;

int64_t Tensor::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

size_t tern::conformance::elementSize(tern_dtype dtype) {
  switch (dtype) {
  case TERN_DTYPE_F64:
  case TERN_DTYPE_I64:
    return 8;
  case TERN_DTYPE_F32:
  case TERN_DTYPE_I32:
    return 4;
  case TERN_DTYPE_I16:
    return 2;
  case TERN_DTYPE_I8:
  case TERN_DTYPE_U8:
  case TERN_DTYPE_BOOL:
    return 1;
  }
  return 0;
}

bool tern::conformance::dtypeFromOnnx(int32_t onnxType, tern_dtype &dtype) {
  switch (onnxType) {
  case onnx::TensorProto::FLOAT:
    dtype = TERN_DTYPE_F32;
    return true;
  case onnx::TensorProto::DOUBLE:
    dtype = TERN_DTYPE_F64;
    return true;
  case onnx::TensorProto::INT8:
    dtype = TERN_DTYPE_I8;
    return true;
  case onnx::TensorProto::INT16:
    dtype = TERN_DTYPE_I16;
    return true;
  case onnx::TensorProto::INT32:
    dtype = TERN_DTYPE_I32;
    return true;
  case onnx::TensorProto::INT64:
    dtype = TERN_DTYPE_I64;
    return true;
  case onnx::TensorProto::UINT8:
    dtype = TERN_DTYPE_U8;
    return true;
  case onnx::TensorProto::BOOL:
    dtype = TERN_DTYPE_BOOL;
    return true;
  default:
    return false;
  }
}

std::string tern::conformance::onnxTypeName(int32_t onnxType) {
  if (onnx::TensorProto::DataType_IsValid(onnxType))
    return onnx::TensorProto::DataType_Name(
        static_cast<onnx::TensorProto::DataType>(onnxType));
  return "type " + std::to_string(onnxType);
}

static const char *dtypeName(tern_dtype dtype) {
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
  }
  return "unknown";
}

std::string tern::conformance::formatShape(const std::vector<int64_t> &shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

std::string tern::conformance::describe(tern_dtype dtype,
                                        const std::vector<int64_t> &shape) {
  return std::string(dtypeName(dtype)) + " " + formatShape(shape);
}

//===----------------------------------------------------------------------===//
// Reading
//===----------------------------------------------------------------------===//

/// Copies `count` values of a repeated field into `out`, narrowing or
/// widening each to the element type `T`.
template <typename T, typename Field>
static void copyField(const Field &field, std::vector<uint8_t> &out) {
  out.resize(field.size() * sizeof(T));
  for (int i = 0; i < field.size(); ++i) {
    T value = static_cast<T>(field.Get(i));
    std::memcpy(out.data() + i * sizeof(T), &value, sizeof(T));
  }
}

/// Fills `tensor.data` from the typed repeated field that holds `dtype`;
/// returns the number of values that field held.
static int64_t readTypedField(const onnx::TensorProto &proto, Tensor &tensor) {
  switch (tensor.dtype) {
  case TERN_DTYPE_F32:
    copyField<float>(proto.float_data(), tensor.data);
    return proto.float_data_size();
  case TERN_DTYPE_F64:
    copyField<double>(proto.double_data(), tensor.data);
    return proto.double_data_size();
  case TERN_DTYPE_I64:
    copyField<int64_t>(proto.int64_data(), tensor.data);
    return proto.int64_data_size();
  case TERN_DTYPE_I32:
    copyField<int32_t>(proto.int32_data(), tensor.data);
    break;
  case TERN_DTYPE_I16:
    copyField<int16_t>(proto.int32_data(), tensor.data);
    break;
  case TERN_DTYPE_I8:
    copyField<int8_t>(proto.int32_data(), tensor.data);
    break;
  case TERN_DTYPE_U8:
  case TERN_DTYPE_BOOL:
    copyField<uint8_t>(proto.int32_data(), tensor.data);
    break;
  }
  return proto.int32_data_size();
}

static const char *typedFieldName(tern_dtype dtype) {
  switch (dtype) {
  case TERN_DTYPE_F32:
    return "float_data";
  case TERN_DTYPE_F64:
    return "double_data";
  case TERN_DTYPE_I64:
    return "int64_data";
  default:
    return "int32_data";
  }
}

/// Reads the shape of `proto` into `tensor.shape`; rejects negative
/// dimensions and element counts that do not fit in memory.
static std::string readShape(const onnx::TensorProto &proto, Tensor &tensor) {
  tensor.shape.assign(proto.dims().begin(), proto.dims().end());
  const int64_t limit = int64_t(1) << 40;
  int64_t n = 1;
  for (int64_t d : tensor.shape) {
    if (d < 0)
      return "negative dimension in shape " + formatShape(tensor.shape);
    if (d != 0 && n > limit / d)
      return "shape " + formatShape(tensor.shape) + " is too large";
    n *= d;
  }
  return "";
}

std::string tern::conformance::tensorFromProto(const onnx::TensorProto &proto,
                                               Tensor &tensor) {
  tensor = Tensor();
  tensor.name = proto.name();
  if (!dtypeFromOnnx(proto.data_type(), tensor.dtype))
    return "unsupported dtype " + onnxTypeName(proto.data_type());
  if (proto.data_location() == onnx::TensorProto::EXTERNAL)
    return "external data is not supported";
  if (std::string error = readShape(proto, tensor); !error.empty())
    return error;
  int64_t n = tensor.numElements();
  size_t bytes = size_t(n) * elementSize(tensor.dtype);
  if (proto.has_raw_data()) {
    const std::string &raw = proto.raw_data();
    if (raw.size() != bytes)
      return "raw_data holds " + std::to_string(raw.size()) + " bytes, shape " +
             formatShape(tensor.shape) + " needs " + std::to_string(bytes);
    tensor.data.assign(raw.begin(), raw.end());
  } else {
    int64_t count = readTypedField(proto, tensor);
    if (count != n)
      return std::string(typedFieldName(tensor.dtype)) + " holds " +
             std::to_string(count) + " values, shape " +
             formatShape(tensor.shape) + " needs " + std::to_string(n);
  }
  if (tensor.dtype == TERN_DTYPE_BOOL)
    for (uint8_t &b : tensor.data)
      b = b != 0;
  return "";
}

static std::string readProto(const std::string &path,
                             onnx::TensorProto &proto) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return path + ": cannot open";
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (!proto.ParseFromString(buffer.str()))
    return path + ": not a serialized onnx.TensorProto";
  return "";
}

std::string tern::conformance::readTensorFile(const std::string &path,
                                              Tensor &tensor) {
  onnx::TensorProto proto;
  if (std::string error = readProto(path, proto); !error.empty())
    return error;
  if (std::string error = tensorFromProto(proto, tensor); !error.empty())
    return path + ": " + error;
  return "";
}

std::string tern::conformance::readTensorType(const std::string &path,
                                              int32_t &onnxType) {
  onnx::TensorProto proto;
  if (std::string error = readProto(path, proto); !error.empty())
    return error;
  onnxType = proto.data_type();
  return "";
}

//===----------------------------------------------------------------------===//
// Comparing
//===----------------------------------------------------------------------===//

namespace {
/// The worst element found so far and how many differ.
struct Mismatches {
  int64_t count = 0;
  int64_t worstIndex = -1;
  double worstScore = -1;
  std::string worstDetail;

  void add(int64_t index, double score, const std::string &detail) {
    ++count;
    if (score > worstScore) {
      worstScore = score;
      worstIndex = index;
      worstDetail = detail;
    }
  }
};
} // namespace

template <typename T> static T load(const Tensor &t, int64_t i) {
  T value;
  std::memcpy(&value, t.data.data() + i * sizeof(T), sizeof(T));
  return value;
}

static std::string formatFloat(double value, tern_dtype dtype) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.*g",
                dtype == TERN_DTYPE_F64 ? 17 : 9, value);
  return buffer;
}

/// Whether `got` matches `expected` within `tol`; NaN matches NaN and an
/// infinity only the same infinity. `score` says how bad a mismatch is.
static bool floatsMatch(double got, double expected, const Tolerance &tol,
                        double &score) {
  score = std::numeric_limits<double>::infinity();
  if (std::isnan(expected) || std::isnan(got))
    return std::isnan(expected) && std::isnan(got);
  if (std::isinf(expected) || std::isinf(got))
    return got == expected;
  double allowed = tol.atol + tol.rtol * std::fabs(expected);
  double diff = std::fabs(got - expected);
  score = diff / allowed;
  return diff <= allowed;
}

template <typename T>
static void compareFloats(const Tensor &got, const Tensor &expected,
                          const Tolerance &tol, Mismatches &m) {
  for (int64_t i = 0, n = got.numElements(); i < n; ++i) {
    double g = load<T>(got, i), e = load<T>(expected, i), score;
    if (floatsMatch(g, e, tol, score))
      continue;
    std::string detail = "got " + formatFloat(g, got.dtype) + ", expected " +
                         formatFloat(e, got.dtype);
    if (std::isfinite(score))
      detail +=
          " (|diff| " + formatFloat(std::fabs(g - e), TERN_DTYPE_F32) + " > " +
          formatFloat(tol.atol + tol.rtol * std::fabs(e), TERN_DTYPE_F32) +
          " allowed)";
    m.add(i, score, detail);
  }
}

template <typename T>
static void compareIntegers(const Tensor &got, const Tensor &expected,
                            Mismatches &m) {
  for (int64_t i = 0, n = got.numElements(); i < n; ++i) {
    T g = load<T>(got, i), e = load<T>(expected, i);
    if (got.dtype == TERN_DTYPE_BOOL ? (g != 0) == (e != 0) : g == e)
      continue;
    double score = std::fabs(double(g) - double(e));
    m.add(i, score,
          "got " + std::to_string(int64_t(g)) + ", expected " +
              std::to_string(int64_t(e)));
  }
}

/// The multi-dimensional index of flat row-major position `flat`.
static std::vector<int64_t> unravel(int64_t flat,
                                    const std::vector<int64_t> &shape) {
  std::vector<int64_t> index(shape.size());
  for (size_t i = shape.size(); i-- > 0;) {
    index[i] = shape[i] ? flat % shape[i] : 0;
    flat = shape[i] ? flat / shape[i] : 0;
  }
  return index;
}

static void compareElements(const Tensor &got, const Tensor &expected,
                            const Tolerance &tol, Mismatches &m) {
  switch (got.dtype) {
  case TERN_DTYPE_F32:
    return compareFloats<float>(got, expected, tol, m);
  case TERN_DTYPE_F64:
    return compareFloats<double>(got, expected, tol, m);
  case TERN_DTYPE_I8:
    return compareIntegers<int8_t>(got, expected, m);
  case TERN_DTYPE_I16:
    return compareIntegers<int16_t>(got, expected, m);
  case TERN_DTYPE_I32:
    return compareIntegers<int32_t>(got, expected, m);
  case TERN_DTYPE_I64:
    return compareIntegers<int64_t>(got, expected, m);
  case TERN_DTYPE_U8:
  case TERN_DTYPE_BOOL:
    return compareIntegers<uint8_t>(got, expected, m);
  }
}

std::string tern::conformance::compareTensors(const Tensor &got,
                                              const Tensor &expected,
                                              const Tolerance &tolerance) {
  if (got.dtype != expected.dtype || got.shape != expected.shape)
    return "got " + describe(got.dtype, got.shape) + ", expected " +
           describe(expected.dtype, expected.shape);
  size_t bytes = size_t(got.numElements()) * elementSize(got.dtype);
  if (got.data.size() != bytes || expected.data.size() != bytes)
    return "internal error: buffer sizes do not match the shape";
  Mismatches m;
  compareElements(got, expected, tolerance, m);
  if (m.count == 0)
    return "";
  std::string where = formatShape(unravel(m.worstIndex, got.shape));
  return std::to_string(m.count) + " of " + std::to_string(got.numElements()) +
         " elements differ; worst at " + where + ": " + m.worstDetail;
}
