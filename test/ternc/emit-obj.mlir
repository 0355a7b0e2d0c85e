// RUN: rm -rf %t
// RUN: ternc %s --emit=obj -o %t --quiet 2>&1 | count 0
// RUN: ls %t | FileCheck %s --check-prefix=FILES --match-full-lines --implicit-check-not=build
// RUN: llvm-nm --defined-only %t/emit_obj.o | FileCheck %s --check-prefix=SYMS
// RUN: FileCheck %s --check-prefix=HEADER --input-file=%t/emit_obj.h
// RUN: ternc %s --emit=obj -o %t --name kept --keep-temps --quiet
// RUN: ls %t/kept.build | FileCheck %s --check-prefix=TEMPS

// --emit=obj writes one relocatable object with the kernels, the driver,
// the weights and Halide's runtime, plus the header. Without --name the
// name is the input's stem made a C identifier ("emit-obj" -> emit_obj).
// --quiet prints nothing; --keep-temps keeps <name>.build.

// FILES:      emit_obj.h
// FILES-NEXT: emit_obj.o
// FILES-NEXT: tern

// SYMS-DAG: T emit_obj_create
// SYMS-DAG: T emit_obj_run
// SYMS-DAG: T emit_obj_k0
// SYMS-DAG: R emit_obj_weights_data
// SYMS-DAG: {{[TW]}} halide_do_par_for

// The port names default to input<i> and output<i>.
// HEADER:      tern_status emit_obj_run(emit_obj_model *model,
// HEADER-NEXT:     const int32_t *input0,
// HEADER-NEXT:     const int32_t *input1,
// HEADER-NEXT:     int32_t *output0);

// TEMPS-DAG: kept.weights.bin
// TEMPS-DAG: kept_driver.c
// TEMPS-DAG: kept_k0.o
// TEMPS-DAG: halide_runtime.o

func.func @add(%a: tensor<16xi32>, %b: tensor<16xi32>) -> tensor<16xi32> {
  %e = tensor.empty() : tensor<16xi32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>,
                                        affine_map<(d0) -> (d0)>,
                                        affine_map<(d0) -> (d0)>],
                       iterator_types = ["parallel"]}
      ins(%a, %b : tensor<16xi32>, tensor<16xi32>) outs(%e : tensor<16xi32>) {
  ^bb0(%x: i32, %y: i32, %o: i32):
    %s = arith.addi %x, %y : i32
    linalg.yield %s : i32
  } -> tensor<16xi32>
  return %y : tensor<16xi32>
}
