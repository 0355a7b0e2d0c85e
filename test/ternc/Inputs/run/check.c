/* Runs the models of run-edge-cases.mlir and checks their outputs; exits
 * nonzero on the first mismatch. Compiled once per model with -DMODEL_x. */
#include <math.h>
#include <stdio.h>

#define FAIL(...)                                                              \
  do {                                                                         \
    printf(__VA_ARGS__);                                                       \
    printf("\n");                                                              \
    return 1;                                                                  \
  } while (0)

#if defined(MODEL_wrap)
#include "wrap.h"
int main(void) {
  wrap_model *m;
  int32_t x[4] = {0, -5, 2147483647, 7};
  uint8_t y[4];
  int i;
  if (wrap_create(&m, NULL) || wrap_run(m, x, y))
    FAIL("wrap: %s", tern_last_error());
  for (i = 0; i < 4; ++i)
    if (y[i] != (x[i] != 2147483647))
      FAIL("wrap: x=%d: (x + 1 > x) = %d", x[i], y[i]);
  wrap_destroy(m);
  printf("wrap ok\n");
  return 0;
}
#elif defined(MODEL_argmax)
#include "argmax.h"
int main(void) {
  argmax_model *m;
  float x[8] = {1, 5, 2, 9, 3, 9, 0, -1}, best, d[8];
  int32_t idx;
  if (argmax_create(&m, NULL) || argmax_run(m, x, &best, &idx, d))
    FAIL("argmax: %s", tern_last_error());
  if (best != 9.0f || idx != 3)
    FAIL("argmax: got %g at %d, want 9 at 3", best, idx);
  argmax_destroy(m);
  printf("argmax ok\n");
  return 0;
}
#elif defined(MODEL_noinput)
#include "noinput.h"
int main(void) {
  noinput_model *m;
  float o[4];
  int i;
  if (noinput_create(&m, NULL) || noinput_run(m, o))
    FAIL("noinput: %s", tern_last_error());
  for (i = 0; i < 4; ++i)
    if (fabsf(o[i] - expf((float)(i + 1))) > 1e-4f * expf((float)(i + 1)))
      FAIL("noinput: o[%d] = %g", i, o[i]);
  if (noinput_run_tensors(m, NULL, 0, NULL, 1) != TERN_ERROR_INVALID_ARGUMENT)
    FAIL("noinput: run_tensors accepted a NULL outputs array");
  noinput_destroy(m);
  printf("noinput ok\n");
  return 0;
}
#elif defined(MODEL_noresult)
#include "noresult.h"
int main(void) {
  noresult_model *m;
  float x[4] = {1, 2, 3, 4};
  if (noresult_create(&m, NULL) || noresult_run(m, x))
    FAIL("noresult: %s", tern_last_error());
  noresult_destroy(m);
  printf("noresult ok\n");
  return 0;
}
#elif defined(MODEL_f16)
#include "f16.h"
int main(void) {
  f16_model *m;
  float x[8] = {20000, 20000, 20000, 20000, 20000, 20000, 20000, 20000}, y[2];
  if (f16_create(&m, NULL) || f16_run(m, x, y))
    FAIL("f16: %s", tern_last_error());
  if (fabsf(y[0] - 156.25f) > 0.2f || fabsf(y[1]) > 0.2f)
    FAIL("f16: got %g %g, want 156.25 0", y[0], y[1]);
  f16_destroy(m);
  printf("f16 ok\n");
  return 0;
}
#endif
