//===- TernAttrs.td - Weight encoding attributes -----------*- tablegen -*-===//
//
// How encoded weights are laid out in the `tensor<...xi8>` that holds them.
// The attribute is the contract between the pass that packs weights
// (tern-raise), the verifier that checks packed sizes, and the lowering that
// decodes them (tern-lower-ternary).
//
//===----------------------------------------------------------------------===//

#ifndef TERN_ATTRS_TD
#define TERN_ATTRS_TD

include "tern/Dialect/Tern/IR/TernBase.td"
include "mlir/IR/EnumAttr.td"

def Tern_ScalePerTensor : I32EnumAttrCase<"PerTensor", 0, "per_tensor">;
def Tern_ScalePerRow : I32EnumAttrCase<"PerRow", 1, "per_row">;
def Tern_TernaryScale : I32EnumAttr<"TernaryScale",
    "granularity of the scale of a ternary weight", [
      Tern_ScalePerTensor, Tern_ScalePerRow]> {
  let cppNamespace = "::mlir::tern";
  let genSpecializedAttr = 0;
}

def Tern_PackingI2 : I32EnumAttrCase<"I2", 0, "i2">;
def Tern_PackingBitplane : I32EnumAttrCase<"Bitplane", 1, "bitplane">;
def Tern_PackingBase3 : I32EnumAttrCase<"Base3", 2, "base3">;
def Tern_TernaryPacking : I32EnumAttr<"TernaryPacking",
    "how ternary digits are stored in bytes", [
      Tern_PackingI2, Tern_PackingBitplane, Tern_PackingBase3]> {
  let cppNamespace = "::mlir::tern";
  let genSpecializedAttr = 0;
}

def Tern_KernelAddSub : I32EnumAttrCase<"AddSub", 0, "add_sub">;
def Tern_KernelInt8Dot : I32EnumAttrCase<"Int8Dot", 1, "int8_dot">;
def Tern_KernelLut : I32EnumAttrCase<"Lut", 2, "lut">;
def Tern_TernaryKernel : I32EnumAttr<"TernaryKernel",
    "how a ternary matmul is computed", [
      Tern_KernelAddSub, Tern_KernelInt8Dot, Tern_KernelLut]> {
  let cppNamespace = "::mlir::tern";
  let genSpecializedAttr = 0;
}

def Tern_TernaryKernelAttr
    : EnumAttr<Tern_Dialect, Tern_TernaryKernel, "kernel"> {
  let summary = "How a ternary matmul is computed";
  let description = [{
    The lowering `tern-lower-ternary` gives a `tern.ternary_matmul`, chosen
    per layer by `tern-select-ternary-kernel` (or forced with `ternc
    --ternary-kernel=`):

    - `add_sub`: float activations; each trit adds, subtracts or skips its
      activation (`arith.select`), for any packing;
    - `int8_dot`: activations quantized per row to int8 (absmax, as BitNet
      b1.58 does), trits decoded to int8 {-1, 0, 1}, products summed in
      int32, then one float multiply per output by both scales. Changes
      the numerics: used only where asked (`--activation-bits=8`);
    - `lut`: float activations; for each group of 4 activations the 256
      possible signed sums (one per packed `i2` byte) are computed once per
      input row with additions only, then each output adds one table entry
      per packed byte (the T-MAC / TL idea).

    ```mlir
    #tern.kernel<lut>
    ```
  }];
  let assemblyFormat = "`<` $value `>`";
}

def Tern_TernaryEncodingAttr : Tern_Attr<"TernaryEncoding", "ternary"> {
  let summary = "Encoding of a ternary weight matrix";
  let description = [{
    Describes a weight matrix `W[N][K]` with `W[n][k] = a * t[n][k]`,
    `t` in {-1, 0, +1}, stored in a `tensor<N x B x i8>` together with a
    tensor of scales `a`. `N` is the number of outputs (rows, one per output
    channel) and `K` the reduction length.

    `scale`:
    - `per_tensor`: one scale for the whole matrix (scales: `tensor<1xf32>`);
    - `per_row`: one scale per output row (scales: `tensor<Nxf32>`).

    `packing`:
    - `i2`: 2 bits per trit, 4 trits per byte, `B = ceil(K / 4)`. Trit `k` of
      a row lives in byte `k / 4` at bits `2 * (k % 4)` (least significant
      first). Codes: `0b00` = 0, `0b01` = +1, `0b10` = -1; `0b11` is invalid.
      Padding trits past `K` in the last byte are 0.
    - `bitplane`: two bit planes of `P = ceil(K / 8)` bytes each,
      `B = 2 * P`: bit `k % 8` of byte `k / 8` is set where the trit is +1,
      the same bit of byte `P + k / 8` where it is -1. No trit has both
      bits; padding bits are 0. 2 bits per weight, and the decode is one
      shift and one mask per plane (masked adds on AVX-512).
    - `base3`: 5 trits per byte, `B = ceil(K / 5)`, 1.6 bits per weight:
      byte `k / 5` holds `sum_j c_j * 3^j` over its five trits, with the
      codes of `i2` as digits (`c` = 0, 1 for +1, 2 for -1), so bytes are
      below 243 and padding trits are 0.

    Example:

    ```mlir
    #tern.ternary<scale = per_row, packing = i2>
    ```
  }];
  let parameters = (ins
    EnumParameter<Tern_TernaryScale>:$scale,
    EnumParameter<Tern_TernaryPacking>:$packing);
  let assemblyFormat = "`<` struct(params) `>`";
  let extraClassDeclaration = [{
    /// The packing as TernaryPacking.h's enum.
    ::mlir::tern::packing::Format getFormat() const;
    /// Bytes holding one row of `k` trits.
    int64_t getBytesPerRow(int64_t k) const;
    /// Number of scale values for a matrix of `n` rows.
    int64_t getNumScales(int64_t n) const;
  }];
}

def Tern_EllEncodingAttr : Tern_Attr<"EllEncoding", "ell"> {
  let summary = "Row-balanced sparse weights: ELLPACK with a padded row length";
  let description = [{
    The encoding of an `N x K` weight tensor (`tensor<N x K x f32, #tern.ell<...>>`)
    whose rows each store exactly `row_length` (value, column) pairs: a row
    with fewer nonzeros is padded with zero values. Upstream
    `#sparse_tensor.encoding` has no padded level, hence this attribute.
    Every output row then costs the same, so threads and vector lanes over
    the outputs stay balanced; `tern-lower-sparse` stores the pairs
    column-major (`values[j][n]`, `cols[j][n]`).

    `row_length` must be at least the longest row's nonzero count (checked
    on constant weights) and at most `K`.

    ```mlir
    #tern.ell<row_length = 52>
    ```
  }];
  let parameters = (ins "int64_t":$rowLength);
  let assemblyFormat = "`<` `row_length` `=` $rowLength `>`";
  let genVerifyDecl = 1;
}

//===----------------------------------------------------------------------===//
// Schedules
//===----------------------------------------------------------------------===//

def Tern_DeviceCpu : I32EnumAttrCase<"Cpu", 0, "cpu">;
def Tern_DeviceGpu : I32EnumAttrCase<"Gpu", 1, "gpu">;
def Tern_DeviceHls : I32EnumAttrCase<"Hls", 2, "hls">;
def Tern_ScheduleDevice : I32EnumAttr<"ScheduleDevice",
    "where a kernel runs", [Tern_DeviceCpu, Tern_DeviceGpu, Tern_DeviceHls]> {
  let cppNamespace = "::mlir::tern";
  let genSpecializedAttr = 0;
}

// The order is the kernel IR's Schedule::Recipe.
def Tern_RecipeNone : I32EnumAttrCase<"None", 0, "none">;
def Tern_RecipePlain : I32EnumAttrCase<"Plain", 1, "plain">;
def Tern_RecipeGemvBlocks : I32EnumAttrCase<"GemvBlocks", 2, "gemv_blocks">;
def Tern_RecipeGather : I32EnumAttrCase<"Gather", 3, "gather">;
def Tern_RecipeGatherRows : I32EnumAttrCase<"GatherRows", 4, "gather_rows">;
def Tern_RecipeRowBlocks : I32EnumAttrCase<"RowBlocks", 5, "row_blocks">;
def Tern_RecipeDot : I32EnumAttrCase<"Dot", 6, "dot">;
def Tern_RecipeGpu : I32EnumAttrCase<"Gpu", 7, "gpu">;
def Tern_RecipeHls : I32EnumAttrCase<"Hls", 8, "hls">;
def Tern_ScheduleRecipe : I32EnumAttr<"ScheduleRecipe",
    "how the backend schedules a kernel", [
      Tern_RecipeNone, Tern_RecipePlain, Tern_RecipeGemvBlocks, Tern_RecipeGather,
      Tern_RecipeGatherRows, Tern_RecipeRowBlocks, Tern_RecipeDot,
      Tern_RecipeGpu, Tern_RecipeHls]> {
  let cppNamespace = "::mlir::tern";
  let genSpecializedAttr = 0;
}

class Tern_IntField<string desc> : DefaultValuedParameter<"int64_t", "0", desc>;
class Tern_BoolField<string desc> : DefaultValuedParameter<"bool", "false", desc> {
  let parser = [{ ::mlir::tern::parseBoolField($_parser) }];
  let printer = [{ $_printer << ($_self ? "true" : "false") }];
}
class Tern_DefaultEnum<EnumAttrInfo info, string value> : EnumParameter<info> {
  let defaultValue = value;
}

def Tern_ScheduleAttr : Tern_Attr<"Schedule", "schedule"> {
  let summary = "How one kernel (a linalg.generic) is scheduled";
  let description = [{
    The schedule of a kernel, as the `tern.schedule` attribute of its
    `linalg.generic`. `tern-select-schedule`, the last pass of the lowering
    pipeline, writes a complete one (with a `recipe`) on every kernel; the
    backend applies it and decides nothing. A lowering pass may write a
    partial one (no `recipe`) to state what its weight layout requires, and
    the selector keeps those fields. Omitted numbers are 0 (unset), an
    omitted recipe `none`.

    - `device`: `cpu` (default), `gpu` or `hls`.
    - `recipe`: the backend's schedule function: `plain` (vectorize the
      innermost output dimension, threads over the outermost), `gemv_blocks`
      (a GEMV over row-contiguous weights, `vector_blocks` output vectors per
      step), `gather` and `gather_rows` (reads at stored indices: the sparse
      formats; `gather_rows` over several rows through transposed
      activations), `row_blocks` (a ternary accumulation, `rows` rows per
      block), `dot` (a byte dot product of `dot_product` steps: vpdpbusd with
      AVX-512 VNNI), `gpu` (thread blocks) and `hls` (the reduction unrolled
      by `hls_reuse`).
    - `vector_width`: vector lanes over the innermost output dimension;
      `update_vector_width`: the update's lanes where they differ.
    - `parallel`: run on threads (`true` or `false`).
    - `unroll`: unroll factor of the innermost reduction.
    - `vector_blocks`, `dot_product`, `rows`, `gpu_threads`, `hls_reuse`: as
      the recipes above use them.

    ```mlir
    #tern.schedule<recipe = gemv_blocks, vector_width = 16, parallel = true,
                   unroll = 4, vector_blocks = 16>
    #tern.schedule<unroll = 5>
    ```
  }];
  let parameters = (ins
    Tern_DefaultEnum<Tern_ScheduleDevice,
      "::mlir::tern::ScheduleDevice::Cpu">:$device,
    Tern_DefaultEnum<Tern_ScheduleRecipe,
      "::mlir::tern::ScheduleRecipe::None">:$recipe,
    Tern_IntField<"vector lanes">:$vector_width,
    Tern_IntField<"the update's vector lanes">:$update_vector_width,
    Tern_BoolField<"run on threads">:$parallel,
    Tern_IntField<"reduction unroll factor">:$unroll,
    Tern_IntField<"output vectors per GEMV step">:$vector_blocks,
    Tern_IntField<"dot product width">:$dot_product,
    Tern_IntField<"rows per block">:$rows,
    Tern_IntField<"GPU threads per block">:$gpu_threads,
    Tern_IntField<"HLS reuse factor">:$hls_reuse);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

#endif // TERN_ATTRS_TD
