/*===- c99_header_check.c - Compile tern/runtime.h as strict C99 ----------===//
 *
 * The runtime is implemented in C++, so nothing else in the build would
 * notice if runtime.h picked up a C++-only construct (a `//` comment is fine
 * in C99, but `bool`, `nullptr`, default arguments or an unnamed parameter
 * are not). This file is built with -std=c99 -pedantic -Werror as part of
 * ALL and touches the header's types, macros and functions the way a C
 * caller or generated code would. It is never run.
 *
 *===----------------------------------------------------------------------===*/

#include "tern/runtime.h"

#if TERN_RUNTIME_ABI_VERSION != 4
#error "update this check together with the ABI version"
#endif

typedef char tern_check_rank_is_eight[TERN_MAX_RANK == 8 ? 1 : -1];

int tern_c99_header_check(void);

/* A task and a pool as generated code passes them to tern_limited_par_for. */
static int check_task(void *user_context, int index, uint8_t *closure) {
  (void)user_context;
  (void)closure;
  return index < 0;
}

static int check_pool(void *user_context, tern_task_fn f, int min, int size,
                      uint8_t *closure) {
  int i;
  for (i = min; i < min + size; ++i)
    if (f(user_context, i, closure))
      return 1;
  return 0;
}

int tern_c99_header_check(void) {
  static const tern_tensor_info inputs[] = {
      {"pixels", TERN_DTYPE_F32, 2, {1, 64}},
  };
  static const tern_layer_info layers[] = {
      {"/fc1/Gemm", "Gemm", "ternary i2, add_sub", 2048, 4096, 16384, 1},
  };
  static const tern_model_info model = {"check", 1,   inputs, 0,     NULL,
                                        0,       256, 1,      layers};
  float data[64] = {0};
  tern_tensor tensor = {NULL, TERN_DTYPE_F32, 2, {1, 64}};
  tern_create_options options;
  tern_arena *arena = NULL;
  tern_sampler_params sampling;
  tern_sampler *sampler = NULL;
  float logits[3] = {0.5f, 2.0f, 1.0f};
  int32_t token = -1;
  tern_status status;

  tensor.data = data;
  tern_create_options_init(&options);
  status = tern_tensor_check(&tensor, &model.inputs[0], "input 0");
  if (status != TERN_OK)
    return tern_set_error(status, "check failed: %s", tern_last_error());
  status =
      tern_arena_create(tern_tensor_info_size_bytes(&inputs[0]), 64, &arena);
  if (status != TERN_OK)
    return (int)status;
  tern_arena_destroy(arena);
  tern_sampler_params_init(&sampling);
  status = tern_sampler_create(&sampling, &sampler);
  if (status != TERN_OK)
    return (int)status;
  status = tern_sample(sampler, logits, 3, &token);
  tern_sampler_destroy(sampler);
  if (status != TERN_OK || token != 1)
    return tern_set_error(TERN_ERROR_INTERNAL, "greedy sampling failed");
  tern_clear_error();
  (void)tern_status_string(TERN_ERROR_IO);
  (void)tern_dtype_name(TERN_DTYPE_BOOL);
  (void)tern_set_num_threads(options.num_threads);
  (void)tern_exchange_thread_limit(tern_thread_limit());
  (void)tern_limited_par_for(check_pool, NULL, check_task, 0, 4, NULL);
  return (int)(tern_get_num_threads() + (int32_t)tern_num_threads_generation() +
               tern_runtime_abi_version() + (int32_t)(tern_clock_ns() & 1) +
               (int32_t)model.layers[0].kernel_calls +
               (int32_t)tern_dtype_size(TERN_DTYPE_I8));
}
