/*===- main.c - Runs the Tern-compiled ternary MLP on reference inputs ----===//
 *
 * Uses the library that `ternc` generates from model.mlir (see README.md):
 * prints the model's info table, creates the model, runs the four reference
 * inputs of reference.h one at a time and compares each output with the
 * expected vector, shows once what a failing call reports, and destroys the
 * model. Exits 0 only if every output matches.
 *
 * C99; depends only on ternary_mlp.h (generated, includes tern/runtime.h)
 * and reference.h (written by generate.py).
 *===----------------------------------------------------------------------===*/

#include <math.h>
#include <stdio.h>

#include "reference.h"
#include "ternary_mlp.h"

/* |got - expected| <= ABS_TOL + REL_TOL * |expected|, per element. */
#define ABS_TOL 1e-4
#define REL_TOL 1e-4

static void print_tensor_info(const char *role, int index,
                              const tern_tensor_info *info) {
  int32_t d;
  printf("  %s %d: %-8s %s [", role, index, info->name,
         tern_dtype_name(info->dtype));
  for (d = 0; d < info->rank; ++d)
    printf(d ? ", %lld" : "%lld", (long long)info->shape[d]);
  printf("]\n");
}

/* Prints the info table; returns 0 if the interface is the one this program
 * expects (one f32 input of 64 elements, one f32 output of 10). */
static int print_and_check_info(const tern_model_info *info) {
  int32_t i;
  if (!info) {
    printf("ternary_mlp_info() returned NULL\n");
    return 1;
  }
  printf("model %s: %d input(s), %d output(s)\n", info->name,
         (int)info->num_inputs, (int)info->num_outputs);
  for (i = 0; i < info->num_inputs; ++i)
    print_tensor_info("input ", (int)i, &info->inputs[i]);
  for (i = 0; i < info->num_outputs; ++i)
    print_tensor_info("output", (int)i, &info->outputs[i]);

  if (info->num_inputs != 1 || info->num_outputs != 1 ||
      info->inputs[0].dtype != TERN_DTYPE_F32 ||
      info->outputs[0].dtype != TERN_DTYPE_F32 ||
      tern_tensor_info_num_elements(&info->inputs[0]) !=
          TERN_EXAMPLE_INPUT_SIZE ||
      tern_tensor_info_num_elements(&info->outputs[0]) !=
          TERN_EXAMPLE_OUTPUT_SIZE) {
    printf("unexpected interface: want one f32 input of %d elements and one "
           "f32 output of %d elements\n",
           TERN_EXAMPLE_INPUT_SIZE, TERN_EXAMPLE_OUTPUT_SIZE);
    return 1;
  }
  return 0;
}

int main(void) {
  ternary_mlp_model *model = NULL;
  tern_create_options options;
  tern_status status;
  float logits[TERN_EXAMPLE_OUTPUT_SIZE];
  int mismatched[TERN_EXAMPLE_NUM_INPUTS];
  int num_mismatched = 0;
  int n, j;

  if (print_and_check_info(ternary_mlp_info()) != 0)
    return 1;

  tern_create_options_init(&options);
  status = ternary_mlp_create(&model, &options);
  if (status != TERN_OK) {
    printf("ternary_mlp_create failed: %s: %s\n", tern_status_string(status),
           tern_last_error());
    return 1;
  }

  for (n = 0; n < TERN_EXAMPLE_NUM_INPUTS; ++n) {
    const float *expected = tern_example_expected[n];
    double max_diff = 0.0;
    int ok = 1;

    status = ternary_mlp_run(model, tern_example_inputs[n], logits);
    if (status != TERN_OK) {
      printf("ternary_mlp_run failed on input %d: %s: %s\n", n,
             tern_status_string(status), tern_last_error());
      ternary_mlp_destroy(model);
      return 1;
    }

    printf("input %d: logits", n);
    for (j = 0; j < TERN_EXAMPLE_OUTPUT_SIZE; ++j) {
      double diff = fabs((double)logits[j] - (double)expected[j]);
      double tol = ABS_TOL + REL_TOL * fabs((double)expected[j]);
      printf(" %.6f", (double)logits[j]);
      /* Written so that a NaN fails the check and shows as the maximum. */
      if (!(diff <= tol))
        ok = 0;
      if (isnan(diff) || diff > max_diff)
        max_diff = diff;
    }
    printf("\n         max |got - expected| = %.3g%s\n", max_diff,
           ok ? "" : "  MISMATCH");
    if (!ok)
      mismatched[num_mismatched++] = n;
  }

  /* Error handling: a NULL model handle is an invalid argument. */
  tern_clear_error();
  status = ternary_mlp_run(NULL, tern_example_inputs[0], logits);
  if (status != TERN_OK) {
    printf("ternary_mlp_run(NULL, ...) failed as expected: %s: %s\n",
           tern_status_string(status), tern_last_error());
  } else {
    printf("ternary_mlp_run(NULL, ...) unexpectedly returned %s\n",
           tern_status_string(status));
  }

  ternary_mlp_destroy(model);

  if (num_mismatched == 0 && status != TERN_OK) {
    printf("all %d outputs match the reference\n", TERN_EXAMPLE_NUM_INPUTS);
    return 0;
  }
  if (num_mismatched > 0) {
    printf("%d of %d outputs do not match the reference (tolerance %g + %g "
           "* |expected|): input(s)",
           num_mismatched, TERN_EXAMPLE_NUM_INPUTS, ABS_TOL, REL_TOL);
    for (n = 0; n < num_mismatched; ++n)
      printf(" %d", mismatched[n]);
    printf("\n");
  }
  return 1;
}
