/* Test-set accuracy of a digits model compiled in integer mode (ternc
 * --integer): each float sample is quantized with the input's scale
 * (SCALE, from the HLS header's NAME_IN_pixels_SCALE; the same value the
 * library header states), run through the int8 library, and the class is
 * the argmax of the int32 logits. Prints "accuracy: 0.971 (437/450)".
 *
 * Build: -DMODEL=name -DLIB_HEADER='"name.h"' -DHLS_HEADER='"hls/name.h"'
 *        -DSCALE=NAME_IN_pixels_SCALE
 * Usage: integer-accuracy TEST_X TEST_Y */
#include <math.h>
#include <stdio.h>

#include LIB_HEADER
#include HLS_HEADER

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s TEST_X TEST_Y\n", argv[0]);
    return 2;
  }
  FILE *fx = fopen(argv[1], "rb"), *fy = fopen(argv[2], "rb");
  if (!fx || !fy) {
    fprintf(stderr, "cannot open the test set\n");
    return 2;
  }
  CAT(MODEL, _model) * model;
  if (CAT(MODEL, _create)(&model, NULL) != TERN_OK) {
    fprintf(stderr, "create: %s\n", tern_last_error());
    return 1;
  }
  float x[64];
  unsigned char y;
  int n = 0, correct = 0;
  while (fread(x, sizeof x[0], 64, fx) == 64 && fread(&y, 1, 1, fy) == 1) {
    int8_t q[64];
    int32_t logits[10];
    for (int i = 0; i < 64; i++) {
      double v = nearbyint(x[i] / SCALE);
      q[i] = (int8_t)(v > 127 ? 127 : v < -127 ? -127 : v);
    }
    if (CAT(MODEL, _run)(model, q, logits) != TERN_OK) {
      fprintf(stderr, "run: %s\n", tern_last_error());
      return 1;
    }
    int best = 0;
    for (int i = 1; i < 10; i++)
      if (logits[i] > logits[best])
        best = i;
    correct += best == y;
    n++;
  }
  CAT(MODEL, _destroy)(model);
  if (n == 0) {
    fprintf(stderr, "empty test set\n");
    return 2;
  }
  printf("accuracy: %.3f (%d/%d)\n", (double)correct / n, correct, n);
  return 0;
}
