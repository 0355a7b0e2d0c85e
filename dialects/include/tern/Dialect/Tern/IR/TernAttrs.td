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
def Tern_TernaryPacking : I32EnumAttr<"TernaryPacking",
    "how ternary digits are stored in bytes", [Tern_PackingI2]> {
  let cppNamespace = "::mlir::tern";
  let genSpecializedAttr = 0;
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

    Other packings (bit planes, base-3 at 5 trits per byte, lookup-table
    groups) are further cases of the `packing` enum.

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
    /// Trits stored in one byte.
    int64_t getTritsPerByte() const;
    /// Bytes holding one row of `k` trits.
    int64_t getBytesPerRow(int64_t k) const;
    /// Number of scale values for a matrix of `n` rows.
    int64_t getNumScales(int64_t n) const;
  }];
}

#endif // TERN_ATTRS_TD
