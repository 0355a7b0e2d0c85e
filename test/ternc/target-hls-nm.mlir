// N:M layers on the FPGA: the MLP of Inputs/relu-mlp.mlir pruned to 2:4
// multiplies only its stored slots (half the multiplies and DSPs of the
// same pruned weights kept dense), and C-simulates bit-exact against the
// CPU build.

// RUN: rm -rf %t && mkdir -p %t
// RUN: ternc %S/Inputs/relu-mlp.mlir --prune=2:4 --target=hls -o %t/nm --name nm --tern-report 2>&1 | FileCheck %s --check-prefix=REMARK
// REMARK: tern-quantize: layer 'fc1' (8 x 8) is 2:4 in int8: 4 multiplies per output instead of 8
// REMARK: tern-quantize: layer 'fc2' (4 x 8) is 2:4 in int8: 4 multiplies per output instead of 8
// RUN: ternc %S/Inputs/relu-mlp.mlir --prune=2:4 --sparse=dense --target=hls -o %t/dense --name nm 2>&1 | FileCheck %s --check-prefix=NOREMARK
// NOREMARK-NOT: tern-quantize: layer

// Per layer: 8 outputs x 4 slots unrolled by 4 = 4 multipliers for fc1
// (8 dense), 4 for fc2 (8 dense).
// RUN: FileCheck %s --input-file=%t/nm/report.md --check-prefix=REPORT
// REPORT: | fc1 | nm_k0 | 4 | 1 | {{.*}} | 4 | 0 | 4 | {{[0-9]+}} |
// REPORT: | **total** | | | | | {{[0-9]+}} | {{[0-9]+}} | 8 | 0 | 8 | {{[0-9]+}} |
// RUN: FileCheck %s --input-file=%t/dense/report.md --check-prefix=DENSE
// DENSE: | fc1 | nm_k0 | 8 | 1 | {{.*}} | 8 | 0 | 8 | {{[0-9]+}} |
// DENSE: | **total** | | | | | {{[0-9]+}} | {{[0-9]+}} | 16 | 0 | 16 | {{[0-9]+}} |

// The N:M layer reads its int8 values and in-group indices from ROMs (8
// outputs x 4 slots each, not 8 x 8) and
// picks the group's activation with selects on the index bits: the load
// addresses depend on the loop counters only.
// RUN: FileCheck %s --input-file=%t/nm/nm.cpp --check-prefix=CODE
// CODE: static const int8_t w0_i8[32] = {
// CODE: static const int8_t w64_i8[32] = {
// CODE: static void nm_k0(const int8_t _in0[32], const int8_t _in1[8], const int8_t _in2[32], int32_t _out0__3[8]) {
// CODE:   #pragma HLS UNROLL
// CODE:   int8_t  const [[IDX:_[0-9]+]] = _in0[
// CODE:   = [[IDX]] & 1;
// CODE:   int8_t  const [[A:_[0-9]+]] = _in1[
// CODE:   int8_t  const [[B:_[0-9]+]] = _in1[
// CODE:   (int8_t)({{_[0-9]+}} ? [[A]] : [[B]])

// Lint and C simulation, both builds.
// RUN: python3 %tern_src_root/compiler/tools/tern-hls-lint/tern-hls-lint.py %t/nm/nm.cpp
// RUN: g++ -std=c++14 -Wall -Werror -Wno-unknown-pragmas -O1 %t/nm/nm.cpp %t/nm/nm_tb.cpp -o %t/nm/tb
// RUN: %t/nm/tb | FileCheck %s --check-prefix=SIM
// RUN: g++ -std=c++14 -Wall -Werror -Wno-unknown-pragmas -O1 %t/dense/nm.cpp %t/dense/nm_tb.cpp -o %t/dense/tb
// RUN: %t/dense/tb | FileCheck %s --check-prefix=SIM
// SIM: PASS: 8 samples bit-exact against the CPU build
