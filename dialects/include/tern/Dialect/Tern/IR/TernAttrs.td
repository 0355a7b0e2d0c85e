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

#endif // TERN_ATTRS_TD
