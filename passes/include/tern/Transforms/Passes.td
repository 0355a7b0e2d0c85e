//===- Passes.td - Passes that stay at the tern/linalg level -*- tablegen -*-===//
//
// Analyses and rewrites before lowering: finding layers whose weights can be
// encoded and raising them into tern ops.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_TRANSFORMS_PASSES_TD
#define TERN_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def TernRaisePass : Pass<"tern-raise", "::mlir::func::FuncOp"> {
  let summary = "Raise linalg matmuls with ternary constant weights to tern ops";
  let description = [{
    Finds `linalg.matmul` ops on tensors whose weight operand is a constant
    with values in {-a, 0, +a}, one `a` for the whole matrix (per-tensor) or
    one per output column (per-row, in the `N x K` view of the weights), and
    replaces each with `tern.ternary_matmul` on 2-bit packed weights
    (`#tern.ternary<..., packing = i2>`) and a scales constant.

    Two weight layouts are recognized, with the init a zero `linalg.fill`:
    - `ins(%x, %w : MxK, KxN)` with the default maps (`%w` as `K x N`);
    - the fully connected form, `%w` as `N x K` (PyTorch's layout): either
      the matmul's transposed-B indexing maps
      `[(m, n, k) -> (m, k), (m, n, k) -> (n, k), (m, n, k) -> (m, n)]`, or a
      `linalg.transpose` with permutation `[1, 0]` of an `N x K` constant.

    Every other matmul is left as it is. With `report=true` the pass emits a
    remark per matmul saying what it raised (scale kind, shape, bytes before
    and after) or why it left it (non-constant weight, more than one
    magnitude in a row, unsupported element type, non-zero init, ...).

    Example: `tern-opt --tern-raise=report=true model.mlir`.
  }];
  let options = [
    Option<"report", "report", "bool", /*default=*/"false",
           "Emit a remark per matmul saying whether it was raised and why">
  ];
  let dependentDialects = [
    "::mlir::tern::TernDialect", "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect"
  ];
}

def TernTernarizePass : Pass<"tern-ternarize", "::mlir::func::FuncOp"> {
  let summary = "Post-training ternarization of matmul weights (BitNet b1.58 "
                "absmean)";
  let description = [{
    Replaces the constant weights `W` of selected `linalg.matmul` layers by
    `a * clip(round(W / a), -1, 1)` with `a = mean(|W|)` over the whole
    matrix (BitNet b1.58's absmean rule; rounding half to even). tern-raise
    then packs them as ternary layers.

    Layers are the matmuls whose right operand is a float constant, in
    program order; a layer's name is the ONNX node name when the location
    is `file: node 'NAME' (Op)`, else its location. `layers` selects them:
    empty (default) = every layer except the first and the last (which
    usually lose the most accuracy), `all` = every layer, or a
    comma-separated list of names. Each ternarized layer gets a remark with
    its relative error `||W - W_t||_F / ||W||_F` and its scale; a named
    layer that does not exist is an error.

    Example: `tern-opt --tern-ternarize=layers=fc2 model.mlir`.
  }];
  let options = [
    Option<"layers", "layers", "std::string", /*default=*/"\"\"",
           "Layers to ternarize: empty = all but the first and last, 'all', "
           "or a comma-separated list of layer names">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::linalg::LinalgDialect"];
}

def TernSelectTernaryKernelPass
    : Pass<"tern-select-ternary-kernel", "::mlir::func::FuncOp"> {
  let summary = "Choose the kernel and packing of each ternary matmul";
  let description = [{
    Sets the `kernel` attribute of every `tern.ternary_matmul` and, when the
    chosen kernel wants another packing, repacks its constant weights at
    compile time (`#tern.ternary<packing = ...>`):

    | `kernel=`  | kernel     | packing    | activations       |
    | ---------- | ---------- | ---------- | ----------------- |
    | `i2`       | `add_sub`  | `i2`       | float             |
    | `bitplane` | `add_sub`  | `bitplane` | float             |
    | `base3`    | `add_sub`  | `base3`    | float             |
    | `lut`      | `lut`      | `i2`       | float             |
    | `int8`     | `int8_dot` | `i2`       | int8 (per row)    |

    With `kernel=auto` (the default) the cost model of
    `TernaryCostModel.h` picks one per layer (from `activation-bits` and,
    as measurements call for it, the layer's shape). The model never changes numerics
    by itself: `int8` is used exactly when `activation-bits=8`, or for a
    layer whose model quantizes its activations itself (BitLinear, marked
    `tern.activation_quant_eps` by the ONNX importer; forcing a float
    kernel on such a layer is an error). With `gpu=true` float layers get
    `i2`, the packing the GPU schedules are written for. Weights that are
    not constants keep their packing. With `report=true` each layer gets a
    remark naming the choice and the reason.

    Example: `tern-opt --tern-select-ternary-kernel=kernel=lut model.mlir`.
  }];
  let options = [
    Option<"kernel", "kernel", "std::string", /*default=*/"\"auto\"",
           "auto, i2, bitplane, base3, lut or int8">,
    Option<"activationBits", "activation-bits", "int", /*default=*/"0",
           "0 keeps float activations; 8 quantizes them to int8 per row "
           "(BitNet b1.58's absmax) for the int8 kernel">,
    Option<"gpu", "gpu", "bool", /*default=*/"false",
           "Layers run on a GPU: float layers get i2 (the cost model is "
           "measured on CPUs)">,
    Option<"avx512", "avx512", "bool", /*default=*/"false",
           "The CPU target has AVX-512 (the cost model's batch-1 choice "
           "depends on mask registers)">,
    Option<"report", "report", "bool", /*default=*/"false",
           "Emit a remark per layer with the choice and its reason">
  ];
  let dependentDialects = ["::mlir::tern::TernDialect",
                           "::mlir::arith::ArithDialect"];
}

def TernFuseElementwisePass
    : Pass<"tern-fuse-elementwise", "::mlir::func::FuncOp"> {
  let summary = "Fuse chains of elementwise linalg.generic ops into one";
  let description = [{
    Fuses an elementwise (all-parallel) `linalg.generic` into the
    elementwise `linalg.generic` that consumes it, so that, for example, the
    per-row scale of a ternary layer, its bias and its ReLU become one kernel
    that reads and writes memory once.

    Unlike upstream `linalg-fuse-elementwise-ops`, it never fuses a producer
    into a consumer with reduction loops: that would recompute the producer
    at every step of the reduction (N times per input for a matmul).
    Producers with other users are duplicated only when cheap (upstream's
    rule); constants stay captured.

    Example: `tern-opt --tern-fuse-elementwise model.mlir`.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def TernWeightLayoutPass
    : Pass<"tern-weight-layout", "::mlir::func::FuncOp"> {
  let summary = "Store constant matrix operands of reductions with the "
                "vectorized output dimension innermost";
  let description = [{
    The CPU and GPU kernels vectorize (or spread over threads) the innermost
    dimension of a `linalg.generic`'s output: for a matmul, the outputs n.
    Weights stored `N x K` (PyTorch's and ONNX Gemm's transB layout, and what
    `linalg.matmul` with a transposed-B map reads) then put consecutive
    lanes K elements apart, which x86 can only load one lane at a time.
    This pass transposes, at compile time, each 2-D constant input of a
    reduction `linalg.generic` indexed `(n, k)` with `n` the output's
    innermost dimension and `k` a reduction dimension, and swaps its
    indexing map to `(k, n)`: the same values, read as whole vectors.

    Constants with other users and kernels that chose their own layout
    (a `#tern.schedule` with `vector_width` or `dot_product`) are left
    alone. Requires of the kernels it changes (`#tern.schedule<unroll = 4,
    vector_blocks = 16>`) an unroll of 4, which lets the CPU schedule keep
    blocks of up to 8 rows in registers over each loaded weight vector, and
    16 vector blocks: with one row (a GEMV), 16 vectors of adjacent outputs
    per reduction step, one contiguous run of a weight row.

    Example: `tern-opt --tern-weight-layout model.mlir`.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::tern::TernDialect"];
}

def TernPrunePass : Pass<"tern-prune", "::mlir::func::FuncOp"> {
  let summary = "Magnitude pruning of matmul weights to N:M, block or "
                "unstructured sparsity";
  let description = [{
    Zeros the smallest-magnitude weights of selected `linalg.matmul` layers
    with constant float weights, in the `N x K` view (row n = output n):

    - `pattern=2:4` (also `1:4`, `4:8`, any `N:M` with 0 < N < M): in every
      group of M consecutive inputs of a row, the N largest |w| stay (the
      last group may be shorter; ties keep the lower index);
    - `pattern=block:RxC:S`: the fraction S of the R x C blocks (R outputs
      x C inputs) with the smallest L2 norm become zero;
    - `pattern=unstructured:S`: the fraction S of the weights with the
      smallest |w| become zero, per layer, or over all selected layers at
      once with `global=true` (one threshold).

    `layers` selects layers as tern-ternarize does (empty = all, `all`, or a
    comma-separated list of names). Each pruned layer gets a remark with its
    relative error `||W - W_p||_F / ||W||_F` and its density. Then
    `tern-classify-weights` finds the pattern and picks a format.

    Example: `tern-opt --tern-prune=pattern=2:4 model.mlir`.
  }];
  let options = [
    Option<"pattern", "pattern", "std::string", /*default=*/"\"\"",
           "N:M, block:RxC:S or unstructured:S">,
    Option<"layers", "layers", "std::string", /*default=*/"\"\"",
           "Layers to prune: empty or 'all' = all, or a comma-separated "
           "list of layer names">,
    Option<"global", "global", "bool", /*default=*/"false",
           "unstructured: one magnitude threshold over all selected layers">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::linalg::LinalgDialect"];
}

def TernClassifyWeightsPass
    : Pass<"tern-classify-weights", "::mlir::func::FuncOp"> {
  let summary = "Find sparse matmul weights and choose a format per layer";
  let description = [{
    For every `linalg.matmul` with constant f32 weights (the layouts
    tern-raise knows) and a zero init, measures the weights' density and
    pattern (N:M groups along the inputs, 4 x 4 blocks, unstructured) and
    asks the cost model (`SparseWeights.h`) whether a sparse format is
    faster than the dense kernel at the layer's batch size. Where it is,
    the layer becomes `tern.sparse_matmul` with the weights as an `N x K`
    constant whose type names the format: `#tern.ell<row_length = L>`
    (row-balanced CSR), N:M (`structured[N, M]`) or BSR 4 x 4
    (`#sparse_tensor.encoding`).

    Run after tern-raise. With `ternary=true` (default), each
    `tern.ternary_matmul` with constant codes and no kernel chosen yet is
    weighed the same way against the 2-bit kernel: where index lists (the
    signed positions of its nonzero trits) are smaller and faster, it
    becomes an ELL `tern.sparse_matmul` of its float values, which
    tern-lower-sparse turns into add/subtract loops over those positions.
    ternc turns `ternary` off when `--ternary-kernel` or
    `--activation-bits` chooses the ternary kernel.

    `format=auto` (default) follows the cost model; `dense` keeps every
    layer dense; `ell`, `nm`, `bsr` force that format on every layer with
    zeros it can hold (N:M needs a pattern). With `report=true` each layer
    gets a remark: density, pattern, format, bytes before and after, and
    the reason.

    Example: `tern-opt --tern-classify-weights=report=true model.mlir`.
  }];
  let options = [
    Option<"format", "format", "std::string", /*default=*/"\"auto\"",
           "auto, dense, ell, nm or bsr">,
    Option<"report", "report", "bool", /*default=*/"false",
           "Emit a remark per layer with the choice and its reason">,
    Option<"ternary", "ternary", "bool", /*default=*/"true",
           "Also weigh ternary layers: index lists or the 2-bit kernel">
  ];
  let dependentDialects = ["::mlir::tern::TernDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::sparse_tensor::SparseTensorDialect"];
}

def TernSkipZeroActivationsPass
    : Pass<"tern-skip-zero-activations", "::mlir::func::FuncOp"> {
  let summary = "Skip zero activations at run time (activation sparsity)";
  let description = [{
    Marks each accumulation in kernel form (a `linalg.generic` over
    `(m, n, k)`, `k` a reduction, reading its first input as `x[m, k]` and
    only multiplying, adding or subtracting it: dense and ternary add/sub
    matmuls) whose input comes from a ReLU (`max(x, 0)`, possibly fused
    with a bias, through reshapes) with `tern.skip_zero_input = 0`. The
    Halide emitter then runs each step of the reduction only where
    `x[m, k] != 0`: a zero input skips its row of weights, which is most of
    a GEMV's cost. Results do not change (a skipped step adds zero), except
    that a NaN or infinite weight facing a zero input no longer reaches the
    output.

    With `report=true` each marked layer gets a remark. `ternc
    --activation-sparsity=off` leaves the pass out.
  }];
  let options = [
    Option<"report", "report", "bool", /*default=*/"false",
           "Emit a remark per marked layer">
  ];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def TernActivationThresholdPass
    : Pass<"tern-activation-threshold", "::mlir::func::FuncOp"> {
  let summary = "Zero small activations before matmuls (TEAL-style "
                "activation sparsity)";
  let description = [{
    For every `linalg.matmul` or `tern.ternary_matmul` that carries a
    `tern.activation_threshold = T` attribute (a non-negative float), inserts
    before it an elementwise `linalg.generic` that keeps an input `x` where
    `|x| > T` (or where `x` is NaN) and makes it zero elsewhere, and makes the
    layer read that tensor; the attribute is removed. The input must be a
    ranked f32 tensor.

    This is TEAL's magnitude thresholding (training-free activation
    sparsity): `ternc --activation-threshold=calibrate:FILE` picks each
    layer's `T` from calibration inputs so that a target fraction of its
    inputs becomes zero, and sets the attributes; after lowering,
    `tern-skip-zero-activations` makes the layer skip those zeros at run
    time. Unlike that skip, the threshold changes results (by the small
    activations it drops).

    With `report=true` each threshold gets a remark.

    Example:
    ```mlir
    %y = linalg.matmul {tern.activation_threshold = 0.05 : f64}
           ins(%x, %w : tensor<1x64xf32>, tensor<64x32xf32>)
           outs(%init : tensor<1x32xf32>) -> tensor<1x32xf32>
    ```
  }];
  let options = [
    Option<"report", "report", "bool", /*default=*/"false",
           "Emit a remark per thresholded layer">
  ];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect"];
}

def TernSelectSchedulePass
    : Pass<"tern-select-schedule", "::mlir::func::FuncOp"> {
  let summary = "Choose every kernel's schedule (#tern.schedule)";
  let description = [{
    The last pass of the lowering pipeline, and the one place schedules are
    chosen: for each `linalg.generic` (a kernel) it decides the device
    (CPU, GPU or HLS), the recipe the backend runs and every number the
    recipe needs (vector width, threads, unroll, vector blocks, rows, dot
    product width, GPU threads, HLS reuse), and writes them as the kernel's
    `tern.schedule` attribute. What a lowering wrote there (a partial
    `#tern.schedule` without a recipe: the vector width or unroll its
    weight layout needs) is kept; a `tern.hls_reuse` on the kernel sets its
    HLS reuse factor. Kernels that already have a recipe are left alone.
    The backend applies the attribute and decides nothing.

    The target is described by the options (ternc fills them from its
    `--target`): the device, whether GPU kernels that cannot run there
    (a scalar result) fall back to the CPU (else they are an error), the
    vector register widths for floats and integers and the number of
    vector registers, and the default HLS reuse factor.

    Example: `tern-opt --tern-select-schedule="float-vector-bytes=32
    int-vector-bytes=32 vector-registers=16" model.mlir` (an AVX2 CPU).
  }];
  let options = [
    Option<"device", "device", "::mlir::tern::ScheduleDevice",
           /*default=*/"::mlir::tern::ScheduleDevice::Cpu",
           "Where kernels run: cpu, gpu or hls",
           [{::llvm::cl::values(
             clEnumValN(::mlir::tern::ScheduleDevice::Cpu, "cpu", "the CPU"),
             clEnumValN(::mlir::tern::ScheduleDevice::Gpu, "gpu",
                        "an NVIDIA GPU (CUDA)"),
             clEnumValN(::mlir::tern::ScheduleDevice::Hls, "hls",
                        "an FPGA through HLS C++"))}]>,
    Option<"gpuFallback", "gpu-fallback", "bool", /*default=*/"false",
           "device=gpu: kernels the GPU cannot run go to the CPU (with a "
           "remark) instead of being an error">,
    Option<"floatVectorBytes", "float-vector-bytes", "int", /*default=*/"64",
           "Bytes of a float vector register (64: AVX-512, 32: AVX2, 16: "
           "SSE, NEON)">,
    Option<"intVectorBytes", "int-vector-bytes", "int", /*default=*/"64",
           "Bytes of an integer vector register">,
    Option<"vectorRegisters", "vector-registers", "int", /*default=*/"32",
           "Vector registers (32 with AVX-512, 16 below)">,
    Option<"hlsReuse", "hls-reuse", "int", /*default=*/"1",
           "device=hls: the reuse factor of kernels without their own">
  ];
  let dependentDialects = ["::mlir::tern::TernDialect"];
}

#endif // TERN_TRANSFORMS_PASSES_TD
