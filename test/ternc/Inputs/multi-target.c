/* Input of multi-target.test: runs the model on small integer inputs and
 * compares with a plain reference over the weights of multi-target.mlir
 * (multi-target-weights.h). Prints the target the instance runs as, then
 * PASS or what differs; a refused create prints the status and message. */
#include "mt.h"
#include "multi-target-weights.h"

#include <stdio.h>

#define K 64
#define N 48

int main(void) {
  mt_model *m = NULL;
  tern_status status = mt_create(&m, NULL);
  float x[K], y[N];
  int i, j;
  if (status != TERN_OK) {
    printf("create: %s: %s\n", tern_status_string(status), tern_last_error());
    return 0;
  }
  printf("target: %s\n", mt_target(m));
  for (i = 0; i < K; ++i)
    x[i] = (float)((i * 7) % 5 - 2);
  if (mt_run(m, x, y) != TERN_OK) {
    printf("FAIL: %s\n", tern_last_error());
    return 1;
  }
  for (j = 0; j < N; ++j) {
    float expected = 0;
    for (i = 0; i < K; ++i)
      expected += x[i] * (float)mt_weights[i][j];
    if (y[j] != expected) {
      printf("FAIL: output %d is %g, expected %g\n", j, y[j], expected);
      return 1;
    }
  }
  printf("PASS\n");
  mt_destroy(m);
  return 0;
}
