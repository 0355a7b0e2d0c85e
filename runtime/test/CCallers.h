/*===- CCallers.h - Runtime calls made from C, for the unit tests -*- C -*-===//
 *
 * runtime.h documents what happens when a C caller passes an int outside an
 * enum (an unknown status or dtype). C++ cannot make such a value without
 * undefined behavior, since these enums only have the values 0..7 there, so
 * the tests make those calls through these C functions. They also let the
 * tests pass a NULL format without tripping -Wformat-security.
 *
 *===----------------------------------------------------------------------===*/

#ifndef TERN_RUNTIME_TEST_CCALLERS_H
#define TERN_RUNTIME_TEST_CCALLERS_H

#include "tern/runtime.h"

#ifdef __cplusplus
extern "C" {
#endif

const char *c_status_string(int status);
/* Records `message` verbatim and returns the status as an int. */
int c_set_error(int status, const char *message);
/* tern_set_error(status, NULL), returning the status as an int. */
int c_set_error_null_format(int status);
size_t c_dtype_size(int dtype);
const char *c_dtype_name(int dtype);
void c_set_tensor_dtype(tern_tensor *tensor, int dtype);
void c_set_info_dtype(tern_tensor_info *info, int dtype);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* TERN_RUNTIME_TEST_CCALLERS_H */
