/*===- accuracy.c - Test-set accuracy of one Tern-compiled digits model ---===//
 *
 * Links one library compiled by `ternc` from this directory's models (see
 * README.md), runs every sample of the test split through it one at a time
 * (the models have a fixed batch of 1) and prints
 *
 *   accuracy: 0.973 (438/450)
 *
 * Usage: accuracy TEST_X TEST_Y [PREDICTIONS]
 *
 *   TEST_X       N x 64 float32, little-endian, row-major (test_x.f32)
 *   TEST_Y       N labels, one byte each (test_y.u8)
 *   PREDICTIONS  optional; one line per sample, "CLASS TIE": PyTorch's
 *                predicted class and 1 if its top two logits were a tie, else
 *                0 (NAME.pred, written by train.py). The program then
 *                exits 1 if the compiled model predicts another class for
 *                any sample that is not a tie, and names those samples.
 *
 * Exit status: 0 on success, 1 on a failed check or call, 2 on bad usage or
 * unreadable files.
 *
 * The generated API's names start with the model's --name, so this file is
 * written against two macros given on the command line:
 *
 *   -DMODEL=mlp_float                 the --name given to ternc
 *   -DMODEL_HEADER='"mlp_float.h"'    the generated header to include
 *
 * MODEL_FN(_run) pastes them into mlp_float_run, and so on. The models'
 * input is [1, 64] (MLPs) or [1, 1, 8, 8] (CNN): the same 64 floats in
 * memory, so the program only checks element counts.
 *
 * C99; depends only on the generated header (which includes tern/runtime.h).
 *===----------------------------------------------------------------------===*/

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if !defined(MODEL) || !defined(MODEL_HEADER)
#error "compile with -DMODEL=<ternc --name> -DMODEL_HEADER='\"<name>.h\"'"
#endif

#include MODEL_HEADER

#define TERN_CAT_(a, b) a##b
#define TERN_CAT(a, b) TERN_CAT_(a, b)
/* MODEL_FN(_run) is <MODEL>_run. */
#define MODEL_FN(suffix) TERN_CAT(MODEL, suffix)
typedef MODEL_FN(_model) model_t;

#define NUM_PIXELS 64
#define NUM_CLASSES 10

/* Reads a whole file; returns NULL (and says why) on failure. */
static unsigned char *read_file(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  unsigned char *data = NULL;
  size_t cap = 0, len = 0;
  if (!f) {
    fprintf(stderr, "cannot open %s\n", path);
    return NULL;
  }
  for (;;) {
    size_t n;
    if (len == cap) {
      unsigned char *grown;
      cap = cap ? 2 * cap : 65536;
      grown = (unsigned char *)realloc(data, cap);
      if (!grown) {
        fprintf(stderr, "out of memory reading %s\n", path);
        free(data);
        fclose(f);
        return NULL;
      }
      data = grown;
    }
    n = fread(data + len, 1, cap - len, f);
    len += n;
    if (n == 0)
      break;
  }
  if (ferror(f)) {
    fprintf(stderr, "cannot read %s\n", path);
    free(data);
    fclose(f);
    return NULL;
  }
  fclose(f);
  *size = len;
  return data;
}

/* Little-endian float32 at p, whatever the host's byte order. */
static float load_f32_le(const unsigned char *p) {
  uint32_t bits = (uint32_t)p[0] | (uint32_t)p[1] << 8 |
                  (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
  float value;
  memcpy(&value, &bits, sizeof value);
  return value;
}

/* Reads N lines "CLASS TIE" into classes and ties; returns 0 on success. */
static int read_predictions(const char *path, size_t n, int *classes,
                            int *ties) {
  FILE *f = fopen(path, "r");
  size_t i;
  char extra;
  if (!f) {
    fprintf(stderr, "cannot open %s\n", path);
    return 1;
  }
  for (i = 0; i < n; ++i) {
    if (fscanf(f, "%d %d", &classes[i], &ties[i]) != 2 || classes[i] < 0 ||
        classes[i] >= NUM_CLASSES || (ties[i] != 0 && ties[i] != 1)) {
      fprintf(stderr, "%s: line %lu: want \"CLASS TIE\" with CLASS in 0..%d "
                      "and TIE 0 or 1\n",
              path, (unsigned long)i + 1, NUM_CLASSES - 1);
      fclose(f);
      return 1;
    }
  }
  if (fscanf(f, " %c", &extra) == 1) {
    fprintf(stderr, "%s: more than %lu lines (one per test sample)\n", path,
            (unsigned long)n);
    fclose(f);
    return 1;
  }
  fclose(f);
  return 0;
}

/* 0 if the model has one f32 input of 64 elements and one f32 output of 10
 * elements. */
static int check_info(const tern_model_info *info) {
  if (!info) {
    fprintf(stderr, "the model's _info() returned NULL\n");
    return 1;
  }
  if (info->num_inputs != 1 || info->num_outputs != 1 ||
      info->inputs[0].dtype != TERN_DTYPE_F32 ||
      info->outputs[0].dtype != TERN_DTYPE_F32 ||
      tern_tensor_info_num_elements(&info->inputs[0]) != NUM_PIXELS ||
      tern_tensor_info_num_elements(&info->outputs[0]) != NUM_CLASSES) {
    fprintf(stderr,
            "model %s: want one f32 input of %d elements and one f32 output "
            "of %d elements\n",
            info->name, NUM_PIXELS, NUM_CLASSES);
    return 1;
  }
  return 0;
}

/* The first index of the largest logit (like torch.argmax); NaN never
 * wins. */
static int argmax(const float *logits) {
  int best = 0, j;
  for (j = 1; j < NUM_CLASSES; ++j)
    if (logits[j] > logits[best] || logits[best] != logits[best])
      best = j;
  return best;
}

int main(int argc, char **argv) {
  unsigned char *x_bytes = NULL, *y = NULL;
  size_t x_size = 0, n = 0, i;
  int *expected = NULL, *ties = NULL;
  size_t correct = 0, num_differing = 0, num_tie_differing = 0;
  model_t *model = NULL;
  tern_create_options options;
  tern_status status;
  const char *name;
  int rc = 1;

  if (argc != 3 && argc != 4) {
    fprintf(stderr, "usage: %s TEST_X TEST_Y [PREDICTIONS]\n", argv[0]);
    return 2;
  }
  if (check_info(MODEL_FN(_info)()) != 0)
    return 1;
  name = MODEL_FN(_info)()->name;

  y = read_file(argv[2], &n);
  x_bytes = y ? read_file(argv[1], &x_size) : NULL;
  if (!y || !x_bytes) {
    free(y);
    return 2;
  }
  if (n == 0 || x_size != n * NUM_PIXELS * sizeof(float)) {
    fprintf(stderr, "%s has %lu bytes, want %lu (%lu samples x %d float32, "
                    "one per label in %s)\n",
            argv[1], (unsigned long)x_size,
            (unsigned long)(n * NUM_PIXELS * sizeof(float)), (unsigned long)n,
            NUM_PIXELS, argv[2]);
    rc = 2;
    goto done;
  }
  if (argc == 4) {
    expected = (int *)malloc(n * sizeof(int));
    ties = (int *)malloc(n * sizeof(int));
    if (!expected || !ties) {
      fprintf(stderr, "out of memory\n");
      goto done;
    }
    if (read_predictions(argv[3], n, expected, ties) != 0) {
      rc = 2;
      goto done;
    }
  }

  tern_create_options_init(&options);
  status = MODEL_FN(_create)(&model, &options);
  if (status != TERN_OK) {
    fprintf(stderr, "%s_create failed: %s: %s\n", name,
            tern_status_string(status), tern_last_error());
    goto done;
  }

  for (i = 0; i < n; ++i) {
    float pixels[NUM_PIXELS], logits[NUM_CLASSES];
    int j, predicted;
    for (j = 0; j < NUM_PIXELS; ++j)
      pixels[j] = load_f32_le(x_bytes + (i * NUM_PIXELS + j) * 4);
    status = MODEL_FN(_run)(model, pixels, logits);
    if (status != TERN_OK) {
      fprintf(stderr, "%s_run failed on sample %lu: %s: %s\n",
              name, (unsigned long)i, tern_status_string(status),
              tern_last_error());
      goto done;
    }
    predicted = argmax(logits);
    if (y[i] >= NUM_CLASSES) {
      fprintf(stderr, "%s: label %d of sample %lu is out of range\n", argv[2],
              y[i], (unsigned long)i);
      rc = 2;
      goto done;
    }
    if (predicted == y[i])
      ++correct;
    if (expected && predicted != expected[i]) {
      if (ties[i]) {
        ++num_tie_differing;
        printf("sample %lu: predicted %d, PyTorch %d (a tie in PyTorch: "
               "allowed)\n",
               (unsigned long)i, predicted, expected[i]);
      } else {
        ++num_differing;
        printf("sample %lu: predicted %d, PyTorch %d (label %d); logits",
               (unsigned long)i, predicted, expected[i], y[i]);
        for (j = 0; j < NUM_CLASSES; ++j)
          printf(" %.6g", (double)logits[j]);
        printf("\n");
      }
    }
  }

  printf("accuracy: %.3f (%lu/%lu)\n", (double)correct / (double)n,
         (unsigned long)correct, (unsigned long)n);
  if (expected) {
    if (num_differing == 0) {
      printf("predictions match PyTorch on all %lu samples", (unsigned long)n);
      if (num_tie_differing)
        printf(" (%lu tie(s) resolved differently)",
               (unsigned long)num_tie_differing);
      printf("\n");
    } else {
      printf("%lu of %lu predictions differ from PyTorch's (%s)\n",
             (unsigned long)num_differing, (unsigned long)n, argv[3]);
      goto done;
    }
  }
  rc = 0;

done:
  MODEL_FN(_destroy)(model);
  free(expected);
  free(ties);
  free(x_bytes);
  free(y);
  return rc;
}
