/* Runs the model of test/ternc/Inputs/relu-mlp.mlir (compiled as "sp") on a few
   inputs and prints the outputs, for comparing two builds. */
#include "sp.h"

#include <stdio.h>

int main(void) {
  sp_model *model = NULL;
  if (sp_create(&model, NULL) != TERN_OK) {
    fprintf(stderr, "sp_create: %s\n", tern_last_error());
    return 1;
  }
  for (int t = 0; t < 4; ++t) {
    float x[8], y[4];
    for (int i = 0; i < 8; ++i)
      x[i] = (float)((i * 7 + t * 3) % 11) / 4.0f - 1.25f;
    if (sp_run(model, x, y) != TERN_OK) {
      fprintf(stderr, "sp_run: %s\n", tern_last_error());
      return 1;
    }
    for (int j = 0; j < 4; ++j)
      printf("%.5f ", (double)y[j]);
    printf("\n");
  }
  sp_destroy(model);
  return 0;
}
