/*===- CCallers.c - Runtime calls made from C, for the unit tests ---------===//
 *
 * In C an enum is just an int, so these casts are how a real C caller ends
 * up handing the runtime an unknown status or dtype. See CCallers.h.
 *
 *===----------------------------------------------------------------------===*/

#include "CCallers.h"

const char *c_status_string(int status) {
  return tern_status_string((tern_status)status);
}

int c_set_error(int status, const char *message) {
  return (int)tern_set_error((tern_status)status, "%s", message);
}

int c_set_error_null_format(int status) {
  return (int)tern_set_error((tern_status)status, NULL);
}

size_t c_dtype_size(int dtype) { return tern_dtype_size((tern_dtype)dtype); }

const char *c_dtype_name(int dtype) {
  return tern_dtype_name((tern_dtype)dtype);
}

void c_set_tensor_dtype(tern_tensor *tensor, int dtype) {
  tensor->dtype = (tern_dtype)dtype;
}

void c_set_info_dtype(tern_tensor_info *info, int dtype) {
  info->dtype = (tern_dtype)dtype;
}
