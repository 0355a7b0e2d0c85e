// Runs an HLS testbench (NAME_tb.cpp from ternc --target=hls) against Tern's
// CPU library of the same model in integer mode (ternc --integer), instead
// of the HLS C++: the testbench's expected outputs must then match the
// library bit for bit. Build with
//   -DMODEL=name -DIN_T=int8_t -DOUT_T=int32_t
//   -DLIB_HEADER='"lib/name.h"' -DTB_FILE='"hls/name_tb.cpp"'
// for a model with one input and one output.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include LIB_HEADER

#define main tb_main
#include TB_FILE
#undef main

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)

static CAT(MODEL, _model) * model;

// The HLS top function's signature, run by the CPU library.
void MODEL(const IN_T in[], OUT_T out[]) {
  if (CAT(MODEL, _run)(model, in, out) != TERN_OK) {
    fprintf(stderr, "run failed: %s\n", tern_last_error());
    exit(2);
  }
}

int main() {
  if (CAT(MODEL, _create)(&model, NULL) != TERN_OK) {
    fprintf(stderr, "create failed: %s\n", tern_last_error());
    return 2;
  }
  int rc = tb_main();
  CAT(MODEL, _destroy)(model);
  return rc;
}
