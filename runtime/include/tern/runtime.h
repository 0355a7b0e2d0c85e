/*===- tern/runtime.h - C API shared by Tern-compiled models ------*- C -*-===//
 *
 * The runtime is the small C library every library that `ternc` generates
 * links against. It holds what all models share: status codes and the
 * per-thread error message, tensor descriptors and the info tables that
 * describe a model's inputs and outputs, the activation arena, and the
 * thread count. It is C99 at the boundary (C++ inside) and never includes an
 * LLVM, MLIR or Halide header, so it builds and is tested on its own.
 *
 * Ownership rules
 * ---------------
 * - Every function returning `tern_status` returns TERN_OK (0) on success. On
 *   failure it returns a nonzero status and records a message for the calling
 *   thread, readable with tern_last_error() until the next failing call on
 *   that thread.
 * - Objects created by `*_create(..., out_x)` are owned by the caller and
 *   released with the matching `*_destroy`; `*_destroy(NULL)` is a no-op.
 *   On failure `*out_x` is set to NULL.
 * - Pointers returned by info functions (names, info tables, status strings)
 *   are static: never free them; they live as long as the library is loaded.
 * - Buffers passed to a model's `run` stay owned by the caller; the model
 *   reads inputs and writes outputs during the call and keeps no reference.
 * - A model handle may be used by one thread at a time; distinct handles of
 *   the same model may run concurrently.
 *===----------------------------------------------------------------------===*/
#ifndef TERN_RUNTIME_H
#define TERN_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*===-- Status and errors -------------------------------------------------===*/

typedef enum tern_status {
  TERN_OK = 0,
  /* A null pointer, a wrong count or an out-of-range value was passed. */
  TERN_ERROR_INVALID_ARGUMENT = 1,
  /* A tensor's shape does not match the model's info table. */
  TERN_ERROR_SHAPE_MISMATCH = 2,
  /* A tensor's element type does not match the model's info table. */
  TERN_ERROR_DTYPE_MISMATCH = 3,
  /* An allocation failed. */
  TERN_ERROR_OUT_OF_MEMORY = 4,
  /* A compiled kernel reported an error while running. */
  TERN_ERROR_KERNEL_FAILED = 5,
  /* Reading or writing a file failed. */
  TERN_ERROR_IO = 6,
  /* Anything else: a bug in Tern; the message says where. */
  TERN_ERROR_INTERNAL = 7,
  /* No usable GPU, or a GPU call (copy, allocation, launch) failed. */
  TERN_ERROR_DEVICE = 8,
  /* The library was compiled for CPU features this CPU lacks (AVX-512, say);
   * the message names them. Compile with a target list that includes one
   * this CPU has (ternc --target=host,x86-64-linux-avx2,x86-64-linux). */
  TERN_ERROR_UNSUPPORTED_CPU = 9
} tern_status;

/* A short constant description of `status` ("ok", "invalid argument", ...);
 * "unknown status" for values outside the enum. */
const char *tern_status_string(tern_status status);

/* The message of the last failing runtime or model call on this thread, or ""
 * if there was none since the last tern_clear_error(). Never NULL. */
const char *tern_last_error(void);

/* Forgets this thread's last error message. */
void tern_clear_error(void);

/* Records a printf-style message for this thread and returns `status`, so
 * that generated code can write `return tern_set_error(...)`. Messages longer
 * than 1023 bytes are truncated. A NULL `format` records the status string. */
tern_status tern_set_error(tern_status status, const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/*===-- Element types -----------------------------------------------------===*/

typedef enum tern_dtype {
  TERN_DTYPE_F32 = 0,
  TERN_DTYPE_F64 = 1,
  TERN_DTYPE_I8 = 2,
  TERN_DTYPE_I16 = 3,
  TERN_DTYPE_I32 = 4,
  TERN_DTYPE_I64 = 5,
  TERN_DTYPE_U8 = 6,
  TERN_DTYPE_BOOL = 7 /* one byte per element, 0 or 1 */
} tern_dtype;

/* Bytes per element, or 0 for a value outside the enum. */
size_t tern_dtype_size(tern_dtype dtype);

/* "f32", "i8", ...; "unknown" for a value outside the enum. */
const char *tern_dtype_name(tern_dtype dtype);

/*===-- Tensors -----------------------------------------------------------===*/

#define TERN_MAX_RANK 8

/* Static description of one model input or output. Shapes are row-major;
 * every dimension is known at compile time. */
typedef struct tern_tensor_info {
  const char *name;
  tern_dtype dtype;
  int32_t rank;
  int64_t shape[TERN_MAX_RANK];
} tern_tensor_info;

/* A caller's tensor: a contiguous row-major buffer plus what it holds. */
typedef struct tern_tensor {
  void *data;
  tern_dtype dtype;
  int32_t rank;
  int64_t shape[TERN_MAX_RANK];
} tern_tensor;

/* Number of elements of `info` (1 for rank 0); -1 if `info` is NULL or its
 * rank or a dimension is out of range. */
int64_t tern_tensor_info_num_elements(const tern_tensor_info *info);

/* Bytes needed to hold a tensor described by `info`; 0 if invalid. */
size_t tern_tensor_info_size_bytes(const tern_tensor_info *info);

/* Checks that `tensor` is non-null, has non-null data and matches `info` in
 * dtype, rank and every dimension. On mismatch records a message naming
 * `role` (for example "input 0"), the tensor's name, what was expected and
 * what was found, and returns the matching status. */
tern_status tern_tensor_check(const tern_tensor *tensor,
                              const tern_tensor_info *info, const char *role);

/* One layer of a model, as the model's source names it (an ONNX node, an
 * MLIR location), with what its kernels store, move and compute in one run:
 * the figures a per-layer profile divides by its time (NAME_profile).
 * `ternc --tern-report=json` writes the whole efficiency report. */
typedef struct tern_layer_info {
  const char *name;     /* "/fc1/Gemm" */
  const char *op;       /* "Gemm"; "" when the source does not say */
  const char *format;   /* its weights: "ternary bitplane, add_sub",
                           "sparse 2:4", "dense f32"; "" without weights */
  int64_t weight_bytes; /* stored bytes of the weights it reads */
  int64_t bytes;        /* bytes its kernels read and write in one run,
                           each buffer once per kernel call */
  int64_t ops;          /* additions, subtractions and multiplications */
  int32_t kernel_calls; /* kernels it runs (an im2col, a matmul, ...) */
} tern_layer_info;

/* A model's interface: its name and its inputs and outputs in call order,
 * what an instance costs: the bytes of its weights (shared by every
 * instance) and of its activation arena (one per instance), and its layers
 * in the order they first run. */
typedef struct tern_model_info {
  const char *name;
  int32_t num_inputs;
  const tern_tensor_info *inputs;
  int32_t num_outputs;
  const tern_tensor_info *outputs;
  int64_t weight_bytes;
  int64_t arena_bytes;
  int32_t num_layers;
  const tern_layer_info *layers;
} tern_model_info;

/*===-- Model creation options
 * ---------------------------------------------===*/

typedef struct tern_create_options {
  /* The most threads this instance's kernels may use at once; 0 (default)
   * means no limit of its own (the process-wide pool size, see
   * tern_set_num_threads, is the only bound). It applies to this instance
   * alone: instances with different limits may run at the same time. */
  int32_t num_threads;
} tern_create_options;

/* Fills `options` with defaults. No-op on NULL. */
void tern_create_options_init(tern_create_options *options);

/*===-- Threads -----------------------------------------------------------===*/

/* Sets the size of the process's kernel thread pool. 0 means one per
 * hardware thread (the default). Negative values are an invalid argument.
 * Safe to call at any time, from any thread, while models run: each compiled
 * library resizes its pool at its next run without stopping it (a run that
 * is under way finishes on the threads it has). An instance's own limit
 * (tern_create_options.num_threads) caps it further. */
tern_status tern_set_num_threads(int32_t num_threads);

/* The value last set with tern_set_num_threads (0 if never set). */
int32_t tern_get_num_threads(void);

/* A counter that changes whenever tern_set_num_threads changes the setting;
 * generated code compares it to the one it last applied. */
uint64_t tern_num_threads_generation(void);

/* For generated code. The calling thread's kernel thread limit (0: none)
 * is set to `limit` and the previous one returned; a model's run sets its
 * instance's limit around its kernels and restores the old one after. */
int32_t tern_exchange_thread_limit(int32_t limit);

/* The calling thread's kernel thread limit (0: none). */
int32_t tern_thread_limit(void);

/* A parallel loop's body, as Halide's generated code calls it: the task
 * runs iteration `index` and returns nonzero on failure. */
typedef int (*tern_task_fn)(void *user_context, int index, uint8_t *closure);

/* A thread pool's parallel for: runs f(user_context, i, closure) for i in
 * [min, min + size) and returns the first nonzero result (Halide's
 * halide_default_do_par_for has this type). */
typedef int (*tern_par_for_fn)(void *user_context, tern_task_fn f, int min,
                               int size, uint8_t *closure);

/* For generated code: a parallel for that honours the calling thread's
 * limit L (tern_thread_limit). Without a limit, or with no more iterations
 * than L, it is `pool` itself. With L = 1 the iterations run in order on the
 * calling thread. Otherwise `pool` runs L tasks that share the iterations
 * out (each takes the next one not yet taken), so at most L threads work on
 * this loop; a parallel loop nested inside runs on the thread that reaches
 * it. Returns the first nonzero result of `f`; the iterations after it that
 * had not started are skipped. */
int tern_limited_par_for(tern_par_for_fn pool, void *user_context,
                         tern_task_fn f, int min, int size, uint8_t *closure);

/*===-- Activation arena
 * ---------------------------------------------------===*/

/* One aligned block holding a model instance's intermediate tensors, laid
 * out by the compiler's memory plan. */
typedef struct tern_arena tern_arena;

/* Allocates `size_bytes` (0 is allowed) aligned to `alignment`, which must be
 * a power of two no smaller than sizeof(void *). */
tern_status tern_arena_create(size_t size_bytes, size_t alignment,
                              tern_arena **out_arena);
/* Start of the block; NULL for a NULL arena. */
void *tern_arena_data(const tern_arena *arena);
/* Size requested at creation; 0 for a NULL arena. */
size_t tern_arena_size(const tern_arena *arena);
void tern_arena_destroy(tern_arena *arena);

/*===-- Sampling
 * -----------------------------------------------------------===*/

/* How a language model's next token is chosen from its logits. */
typedef struct tern_sampler_params {
  /* 0 (the default): greedy, the largest logit (the lowest id on ties). */
  float temperature;
  /* Keep the top_k most likely tokens (0: all). */
  int32_t top_k;
  /* Keep the smallest set of most likely tokens whose probabilities add
   * up to top_p (1, the default: all). */
  float top_p;
  /* Seed of the sampler's random numbers. */
  uint64_t seed;
} tern_sampler_params;

/* Fills `params` with the defaults (greedy). No-op on NULL. */
void tern_sampler_params_init(tern_sampler_params *params);

/* A sampler: its parameters and its random state. */
typedef struct tern_sampler tern_sampler;

/* Creates a sampler; an invalid parameter (negative temperature or top_k,
 * top_p outside (0, 1], a NaN) is TERN_ERROR_INVALID_ARGUMENT. */
tern_status tern_sampler_create(const tern_sampler_params *params,
                                tern_sampler **out_sampler);
void tern_sampler_destroy(tern_sampler *sampler);

/* Chooses a token from `logits[0 .. vocab)`: softmax of logits /
 * temperature over the top_k, then the top_p nucleus, then one draw.
 * NaN logits are never chosen; all NaN is TERN_ERROR_INVALID_ARGUMENT. */
tern_status tern_sample(tern_sampler *sampler, const float *logits,
                        int32_t vocab, int32_t *out_token);

/*===-- Time
 * ---------------------------------------------------------------===*/

/* Nanoseconds of a monotonic clock (CLOCK_MONOTONIC): generated code
 * times layers with it when profiling is on (NAME_set_profiling). */
uint64_t tern_clock_ns(void);

/* Version of this runtime's ABI; generated code checks it at create time. */
#define TERN_RUNTIME_ABI_VERSION 4
int32_t tern_runtime_abi_version(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* TERN_RUNTIME_H */
