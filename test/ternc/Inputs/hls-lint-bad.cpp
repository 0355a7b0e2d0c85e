// Input of target-hls.mlir's lint check: one violation per rule.
#include "hls-lint-bad.h"
#include <stdlib.h>

static void layer(const int8_t in[4], int32_t out[4], int n) {
  int32_t *tmp = (int32_t *)malloc(16);
  float gain = 0.5f;
  for (int i = 0; i < n; i++)
    out[i] = in[i] * gain;
  while (n > 0)
    n--;
  layer(in, out, n);
#pragma HLS RESOURCE variable = out core = RAM_1P
  halide_error(0, "no");
Lloop:
  for (int i = 0; i < 4; i++)
    out[i] = 0;
Lloop:
  for (int i = 0; i < 4; i++)
    out[i] += 1;
}

static void other(int32_t out[4]) {
Lloop:
  for (int i = 0; i < 4; i++)
    out[i] = 1;
}
