/* Runs embedding.onnx (gather-range.test): y = 2 * table[ids], table row i
 * holding 10 i, 10 i + 1, 10 i + 2. In-range indices, negative ones among
 * them, give the rows; an index outside -10..9 makes the run fail with
 * TERN_ERROR_KERNEL_FAILED and a message, which is printed; the model
 * still runs afterwards. Exits nonzero on the first surprise. */
#include "embedding.h"

#include <stdio.h>
#include <string.h>

#define FAIL(...)                                                              \
  do {                                                                         \
    printf(__VA_ARGS__);                                                       \
    printf("\n");                                                              \
    return 1;                                                                  \
  } while (0)

static int checkRows(embedding_model *m, const int64_t ids[4]) {
  float y[12];
  int t, j;
  if (embedding_run(m, ids, y) != TERN_OK)
    FAIL("in range: %s", tern_last_error());
  for (t = 0; t < 4; ++t) {
    int64_t row = ids[t] < 0 ? ids[t] + 10 : ids[t];
    for (j = 0; j < 3; ++j)
      if (y[t * 3 + j] != 2.0f * (float)(row * 10 + j))
        FAIL("ids[%d] = %lld: y[%d] = %g", t, (long long)ids[t], j,
             y[t * 3 + j]);
  }
  return 0;
}

static int checkFails(embedding_model *m, const int64_t ids[4]) {
  float y[12];
  tern_status s = embedding_run(m, ids, y);
  if (s != TERN_ERROR_KERNEL_FAILED)
    FAIL("out of range: status %d, expected TERN_ERROR_KERNEL_FAILED", s);
  printf("error: %s\n", tern_last_error());
  return 0;
}

int main(void) {
  embedding_model *m;
  const int64_t good[4] = {0, 9, -1, -10}, mid[4] = {3, 4, -5, 7};
  const int64_t past[4] = {1, 10, 2, 3}, before[4] = {-11, 0, 0, 0};
  const int64_t huge[4] = {0, 0, 0, (int64_t)1 << 40};
  if (embedding_create(&m, NULL) != TERN_OK)
    FAIL("create: %s", tern_last_error());
  if (checkRows(m, good) || checkRows(m, mid) || checkFails(m, past) ||
      checkFails(m, before) || checkFails(m, huge) || checkRows(m, mid))
    return 1;
  embedding_destroy(m);
  printf("embedding ok\n");
  return 0;
}
