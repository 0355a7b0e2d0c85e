/* Input of two-models.test: two models, one program. Prints PASS when both
 * give their results and share one runtime (an error set through one model
 * is read through the other's tern_last_error: one symbol, one copy). */
#include "first.h"
#include "second.h"

#include <stdio.h>

int main(void) {
  first_model *a = NULL;
  second_model *b = NULL;
  float x[4] = {1, -2, 3, -4}, ya[4], yb[4];
  int i;
  if (first_create(&a, NULL) != TERN_OK || second_create(&b, NULL) != TERN_OK) {
    printf("FAIL: create: %s\n", tern_last_error());
    return 1;
  }
  if (first_run(a, x, ya) != TERN_OK || second_run(b, x, yb) != TERN_OK) {
    printf("FAIL: run: %s\n", tern_last_error());
    return 1;
  }
  for (i = 0; i < 4; ++i)
    if (ya[i] != -x[i] || yb[i] != 2 * x[i]) {
      printf("FAIL: output %d: %g %g\n", i, ya[i], yb[i]);
      return 1;
    }
  if (second_run(NULL, x, yb) == TERN_OK) {
    printf("FAIL: a NULL model ran\n");
    return 1;
  }
  printf("%s %s\n", first_info()->name, second_info()->name);
  first_destroy(a);
  second_destroy(b);
  printf("PASS: %s\n", tern_last_error());
  return 0;
}
