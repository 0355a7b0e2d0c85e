// RUN: not ternc %s --emit=halide-stmt --entry=f16_ports 2>&1 | FileCheck %s --check-prefix=F16
// RUN: not ternc %s --emit=halide-stmt --entry=ui16_ports 2>&1 | FileCheck %s --check-prefix=UI16

// Model inputs and outputs are limited to the element types the runtime
// has a tern_dtype for, as the planner's own message says ("supported: f32,
// f64, i1, i8, i16, i32, i64"). f16 and ui16 ports pass that check today
// (BuildModelPlan.cpp portFor only rejects what toScalarType cannot map, and
// index), and the generated info table then describes them wrongly: an f16
// port as TERN_DTYPE_F32 (4-byte elements for a 2-byte buffer) and every
// unsigned port as TERN_DTYPE_U8 (LibraryWriter.cpp dtypeEnum), so
// <name>_run_tensors checks callers' tensors against the wrong dtype and
// size.

// F16: error: input 0 has element type 'f16'; supported: f32, f64, i1, i8, i16, i32, i64
func.func @f16_ports(%x: tensor<4xf16>) -> tensor<4xf16> {
  %e = tensor.empty() : tensor<4xf16>
  %y = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>,
                                        affine_map<(d0) -> (d0)>],
                       iterator_types = ["parallel"]}
      ins(%x : tensor<4xf16>) outs(%e : tensor<4xf16>) {
  ^bb0(%a: f16, %o: f16):
    %r = arith.negf %a : f16
    linalg.yield %r : f16
  } -> tensor<4xf16>
  return %y : tensor<4xf16>
}

// UI16: error: input 0 has element type 'ui16'; supported: f32, f64, i1, i8, i16, i32, i64
func.func @ui16_ports(%x: tensor<4xui16>) -> tensor<4xui16> {
  return %x : tensor<4xui16>
}
