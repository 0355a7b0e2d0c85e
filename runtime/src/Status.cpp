//===- Status.cpp - Status strings and the per-thread error message -------===//
//
// Every runtime and model entry point reports failure the same way: a status
// code as the return value and a human-readable message kept per thread, so
// that concurrent model handles never see each other's errors and no call
// needs an extra out-parameter for diagnostics. The message lives in a fixed
// thread_local buffer rather than a std::string so that recording an error
// never allocates (it is often reporting an allocation failure) and the
// buffer needs no dynamic initialization or destructor per thread.
//
//===----------------------------------------------------------------------===//

#include "tern/runtime.h"

#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace {

// 1023 characters plus the terminator, as promised by tern_set_error.
constexpr size_t kMaxErrorBytes = 1024;

thread_local char lastError[kMaxErrorBytes];

// A C caller may pass any int as a tern_status, but C++ gives this enum only
// the values its enumerators need (0..9), and loading anything else is
// undefined (and trips -fsanitize=enum). Read the object's bytes instead.
int rawValue(const tern_status &status) {
  int value;
  std::memcpy(&value, &status, sizeof(value));
  return value;
}

const char *statusString(int status) {
  switch (status) {
  case TERN_OK:
    return "ok";
  case TERN_ERROR_INVALID_ARGUMENT:
    return "invalid argument";
  case TERN_ERROR_SHAPE_MISMATCH:
    return "shape mismatch";
  case TERN_ERROR_DTYPE_MISMATCH:
    return "dtype mismatch";
  case TERN_ERROR_OUT_OF_MEMORY:
    return "out of memory";
  case TERN_ERROR_KERNEL_FAILED:
    return "kernel failed";
  case TERN_ERROR_IO:
    return "i/o error";
  case TERN_ERROR_INTERNAL:
    return "internal error";
  case TERN_ERROR_DEVICE:
    return "device error";
  case TERN_ERROR_UNSUPPORTED_CPU:
    return "unsupported CPU";
  default:
    return "unknown status";
  }
}

} // namespace

extern "C" {

const char *tern_status_string(tern_status status) {
  return statusString(rawValue(status));
}

const char *tern_last_error(void) { return lastError; }

void tern_clear_error(void) { lastError[0] = '\0'; }

tern_status tern_set_error(tern_status status, const char *format, ...) {
  int code = rawValue(status);
  if (!format) {
    std::snprintf(lastError, kMaxErrorBytes, "%s", statusString(code));
  } else {
    // Format into a scratch buffer first: callers wrap an earlier message
    // with `tern_set_error(s, "...: %s", tern_last_error())`, and vsnprintf
    // must not read from the buffer it writes.
    char scratch[kMaxErrorBytes];
    va_list args;
    va_start(args, format);
    int written = std::vsnprintf(scratch, kMaxErrorBytes, format, args);
    va_end(args);
    // A negative result is an encoding error; keep the status visible
    // instead of leaving a half-written or stale message behind.
    if (written < 0)
      std::snprintf(scratch, kMaxErrorBytes,
                    "%s (message could not be formatted)", statusString(code));
    std::memcpy(lastError, scratch, std::strlen(scratch) + 1);
  }
  // Converting back from int rather than returning `status` avoids a load
  // of an out-of-range enum; GCC and Clang keep the value unchanged (absent
  // -fstrict-enums), so a C caller gets back exactly the int it passed.
  return static_cast<tern_status>(code);
}

int32_t tern_runtime_abi_version(void) { return TERN_RUNTIME_ABI_VERSION; }

uint64_t tern_clock_ns(void) {
  timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<uint64_t>(t.tv_sec) * 1000000000u +
         static_cast<uint64_t>(t.tv_nsec);
}

} // extern "C"
