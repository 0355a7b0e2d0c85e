//===- KernelCompilerTest.cpp - Kernels through Halide, against loops ----===//
//
// Each kernel here is built the way LinalgToKernel builds them and run with
// Halide's JIT; the expected values come from plain C++ loops written
// independently of the translation. The error tests check that every
// failure comes back as a Status with a message that names the kernel.
//
// This file includes only tern headers: Halide stays behind KernelCompiler.
//
//===----------------------------------------------------------------------===//

#include "tern/Target/Halide/KernelCompiler.h"
#include "tern/Kernel/Kernel.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <fstream>
#include <random>
#include <string>
#include <unistd.h>
#include <vector>

using namespace tern::kernel;

namespace {

const ScalarType F32 = ScalarType::f32();
const ScalarType F64 = ScalarType::f64();
const ScalarType I32 = ScalarType::i(32);
const ScalarType I8 = ScalarType::i(8);
const ScalarType U32 = ScalarType::u(32);
const ScalarType BOOL = ScalarType::boolean();

ExprRef d(int i) { return loopVar(i); }
ExprRef ci(int64_t v, ScalarType t = I32) { return constInt(v, t); }
ExprRef cf(double v, ScalarType t = F32) { return constFloat(v, t); }
ExprRef add(ExprRef a, ExprRef b) { return binary(Op::Add, a, b); }
ExprRef mul(ExprRef a, ExprRef b) { return binary(Op::Mul, a, b); }

/// A kernel over `extents`, reductions marked by `red`.
Kernel makeKernel(const std::string &name, std::vector<int64_t> extents,
                  std::vector<bool> red = {}) {
  Kernel k;
  k.name = name;
  if (red.empty())
    red.assign(extents.size(), false);
  k.loopExtents = std::move(extents);
  k.isReduction = std::move(red);
  return k;
}

void addInput(Kernel &k, const std::string &name, ScalarType t,
              std::vector<int64_t> shape) {
  k.inputs.push_back({name, t, std::move(shape)});
}

void addOutput(Kernel &k, const std::string &name, ScalarType t,
               std::vector<int64_t> shape, std::vector<int> dims, ExprRef init,
               ExprRef update = nullptr) {
  Output o;
  o.buffer = {name, t, std::move(shape)};
  o.loopDims = std::move(dims);
  o.init = std::move(init);
  o.update = std::move(update);
  k.outputs.push_back(std::move(o));
}

#define ASSERT_OK(expr)                                                        \
  do {                                                                         \
    Status s_ = (expr);                                                        \
    ASSERT_TRUE(s_.ok) << s_.message;                                          \
  } while (0)

/// Expects a failure whose message contains `needle`.
#define EXPECT_ERROR(expr, needle)                                             \
  do {                                                                         \
    Status s_ = (expr);                                                        \
    EXPECT_FALSE(s_.ok);                                                       \
    EXPECT_NE(s_.message.find(needle), std::string::npos)                      \
        << "message: " << s_.message;                                          \
  } while (0)

std::vector<float> randomFloats(size_t n, float lo, float hi, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (float &x : v)
    x = dist(rng);
  return v;
}

//===----------------------------------------------------------------------===//
// Kernels that compute
//===----------------------------------------------------------------------===//

// y[i][j] = max(x[i][j] + b[j], 0): a rank-2 and a broadcast rank-1 load.
// 37 columns: the vector loop has a ragged end at every width.
TEST(KernelCompiler, BiasAddRelu) {
  const int M = 5, N = 37;
  Kernel k = makeKernel("bias_relu", {M, N});
  addInput(k, "x", F32, {M, N});
  addInput(k, "bias", F32, {N});
  ExprRef sum = add(load(0, {d(0), d(1)}, F32), load(1, {d(1)}, F32));
  addOutput(k, "y", F32, {M, N}, {0, 1}, binary(Op::Max, sum, cf(0)));
  ASSERT_OK(verifyKernel(k));

  std::vector<float> x = randomFloats(M * N, -1, 1, 1);
  std::vector<float> b = randomFloats(N, -0.5, 0.5, 2);
  std::vector<float> y(M * N, -7);
  ASSERT_OK(runJit(k, {x.data(), b.data()}, {y.data()}));
  for (int i = 0; i < M; ++i)
    for (int j = 0; j < N; ++j) {
      float ref = x[i * N + j] + b[j];
      ref = ref > 0 ? ref : 0;
      ASSERT_EQ(y[i * N + j], ref) << i << "," << j;
    }
}

/// C[m][n] = sum_k A[m][k] * B[k][n] as linalg.matmul generalizes:
/// loops (m, n, k), k a reduction.
Kernel matmulKernel(const std::string &name, int M, int K, int N) {
  Kernel k = makeKernel(name, {M, N, K}, {false, false, true});
  addInput(k, "a", F32, {M, K});
  addInput(k, "b", F32, {K, N});
  ExprRef prod = mul(load(0, {d(0), d(2)}, F32), load(1, {d(2), d(1)}, F32));
  addOutput(k, "c", F32, {M, N}, {0, 1}, cf(0), add(self(0, F32), prod));
  return k;
}

void checkMatmul(const Kernel &k, int M, int K, int N) {
  std::vector<float> a = randomFloats(M * K, -1, 1, 3);
  std::vector<float> b = randomFloats(K * N, -1, 1, 4);
  std::vector<float> c(M * N, 123);
  ASSERT_OK(runJit(k, {a.data(), b.data()}, {c.data()}));
  for (int m = 0; m < M; ++m)
    for (int n = 0; n < N; ++n) {
      double ref = 0;
      for (int kk = 0; kk < K; ++kk)
        ref += double(a[m * K + kk]) * b[kk * N + n];
      ASSERT_NEAR(c[m * N + n], ref, 1e-4) << m << "," << n;
    }
}

TEST(KernelCompiler, Matmul5x7x3) {
  Kernel k = matmulKernel("matmul", 5, 7, 3);
  ASSERT_OK(verifyKernel(k));
  checkMatmul(k, 5, 7, 3);
}

// An update vectorized with a ragged end (GuardWithIf) and run in parallel:
// a wrong tail strategy would apply the update twice to some points.
TEST(KernelCompiler, MatmulVectorTailParallel) {
  Kernel k = matmulKernel("matmul_tail", 9, 19, 37);
  k.schedule.vectorWidth = 8;
  k.schedule.minParallelWork = 0;
  checkMatmul(k, 9, 19, 37);
  k.schedule = Schedule(); // the target's widths
  k.schedule.minParallelWork = 0;
  checkMatmul(k, 9, 19, 37);
}

// y[i] = 3 * x[i] + 1 over 37 points with parallel chunks of the only
// dimension (the GEMV [1][N] case) and a ragged vector end.
TEST(KernelCompiler, Rank1ParallelChunksWithTail) {
  for (int n : {37, 1000, 4099}) {
    Kernel k = makeKernel("axpb", {n});
    k.schedule.minParallelWork = 0;
    k.schedule.vectorWidth = 4;
    addInput(k, "x", F32, {n});
    addOutput(k, "y", F32, {n}, {0},
              add(mul(cf(3), load(0, {d(0)}, F32)), cf(1)));
    std::vector<float> x = randomFloats(n, -1, 1, 5);
    std::vector<float> y(n, 0);
    ASSERT_OK(runJit(k, {x.data()}, {y.data()}));
    for (int i = 0; i < n; ++i)
      ASSERT_NEAR(y[i], 3 * x[i] + 1, 1e-6) << "n=" << n << " i=" << i;
  }
}

// Ternary decode: weights packed 4 per byte, code = (byte >> 2*(k%4)) & 3,
// +x for 1, -x for 2, 0 otherwise. K = 10 is not a multiple of 4.
TEST(KernelCompiler, TernaryDecodeGemv) {
  const int N = 6, K = 10, KB = (K + 3) / 4;
  Kernel k = makeKernel("ternary_gemv", {N, K}, {false, true});
  addInput(k, "x", F32, {K});
  addInput(k, "w", I8, {N, KB});
  ExprRef byte = load(1, {d(0), binary(Op::FloorDiv, d(1), ci(4))}, I8);
  ExprRef shift = cast(I8, mul(ci(2), binary(Op::FloorMod, d(1), ci(4))));
  ExprRef code = binary(Op::And, binary(Op::Shr, byte, shift), ci(3, I8));
  ExprRef xv = load(0, {d(1)}, F32);
  ExprRef term = select(
      compare(Op::Eq, code, ci(1, I8)), xv,
      select(compare(Op::Eq, code, ci(2, I8)), unary(Op::Neg, xv), cf(0)));
  addOutput(k, "y", F32, {N}, {0}, cf(0), add(self(0, F32), term));
  ASSERT_OK(verifyKernel(k));

  std::mt19937 rng(6);
  std::vector<int> codes(N * K);
  for (int &c : codes)
    c = rng() % 3;
  codes[K - 1] = 2; // a 2 in the top bits of a byte: a negative int8
  codes[3] = 2;
  std::vector<int8_t> w(N * KB, 0);
  for (int n = 0; n < N; ++n)
    for (int kk = 0; kk < K; ++kk) {
      uint8_t &byteRef = reinterpret_cast<uint8_t &>(w[n * KB + kk / 4]);
      byteRef |= uint8_t(codes[n * K + kk] << (2 * (kk % 4)));
    }
  std::vector<float> x = randomFloats(K, -2, 2, 7);
  std::vector<float> y(N, 99);
  ASSERT_OK(runJit(k, {x.data(), w.data()}, {y.data()}));
  for (int n = 0; n < N; ++n) {
    double ref = 0;
    for (int kk = 0; kk < K; ++kk)
      ref += codes[n * K + kk] == 1   ? x[kk]
             : codes[n * K + kk] == 2 ? -x[kk]
                                      : 0;
    ASSERT_NEAR(y[n], ref, 1e-5) << n;
  }
}

// out[i][j] = table[idx[i]][j]: an index read from memory.
TEST(KernelCompiler, Gather) {
  const int R = 5, C = 4, N = 8;
  Kernel k = makeKernel("gather_rows", {N, C});
  addInput(k, "table", F32, {R, C});
  addInput(k, "idx", I32, {N});
  addOutput(k, "out", F32, {N, C}, {0, 1},
            load(0, {load(1, {d(0)}, I32), d(1)}, F32));
  std::vector<float> table = randomFloats(R * C, -1, 1, 8);
  std::vector<int32_t> idx = {4, 0, 2, 2, 1, 3, 0, 4};
  std::vector<float> out(N * C, 0);
  ASSERT_OK(runJit(k, {table.data(), idx.data()}, {out.data()}));
  for (int i = 0; i < N; ++i)
    for (int j = 0; j < C; ++j)
      ASSERT_EQ(out[i * C + j], table[idx[i] * C + j]);
}

// A vectorized 1-D gather with a ragged end: out[i] = table[idx[i]].
TEST(KernelCompiler, GatherVectorized) {
  const int T = 100, N = 37;
  Kernel k = makeKernel("gather1d", {N});
  addInput(k, "table", F32, {T});
  addInput(k, "idx", I32, {N});
  addOutput(k, "out", F32, {N}, {0}, load(0, {load(1, {d(0)}, I32)}, F32));
  std::vector<float> table = randomFloats(T, -1, 1, 9);
  std::vector<int32_t> idx(N);
  for (int i = 0; i < N; ++i)
    idx[i] = (i * 37 + 11) % T;
  idx[0] = T - 1;
  idx[N - 1] = 0;
  std::vector<float> out(N, 0);
  ASSERT_OK(runJit(k, {table.data(), idx.data()}, {out.data()}));
  for (int i = 0; i < N; ++i)
    ASSERT_EQ(out[i], table[idx[i]]) << i;
}

// Div/Rem truncate (C); FloorDiv rounds down; FloorMod lands in [0, |b|).
// Four outputs of one kernel, none reducing: a Pipeline with four outputs.
TEST(KernelCompiler, IntegerDivisionSemantics) {
  std::vector<int32_t> a = {7, -7, 7, -7, 0, 13, -13, 1, -1, 100, -100, 6};
  std::vector<int32_t> b = {2, 2, -2, -2, 3, 5, 5, -3, 3, -7, 7, -3};
  const int n = static_cast<int>(a.size());
  Kernel k = makeKernel("intdiv", {n});
  addInput(k, "a", I32, {n});
  addInput(k, "b", I32, {n});
  ExprRef x = load(0, {d(0)}, I32), y = load(1, {d(0)}, I32);
  for (Op op : {Op::Div, Op::Rem, Op::FloorDiv, Op::FloorMod})
    addOutput(k, "r", I32, {n}, {0}, binary(op, x, y));
  std::vector<int32_t> div(n), rem(n), fdiv(n), fmod(n);
  ASSERT_OK(runJit(k, {a.data(), b.data()},
                   {div.data(), rem.data(), fdiv.data(), fmod.data()}));
  for (int i = 0; i < n; ++i) {
    SCOPED_TRACE(std::to_string(a[i]) + " / " + std::to_string(b[i]));
    EXPECT_EQ(div[i], a[i] / b[i]);
    EXPECT_EQ(rem[i], a[i] % b[i]);
    int32_t fl = static_cast<int32_t>(std::floor(double(a[i]) / b[i]));
    EXPECT_EQ(fdiv[i], fl);
    int32_t md = a[i] % b[i];
    if (md < 0)
      md += std::abs(b[i]);
    EXPECT_EQ(fmod[i], md);
  }
}

// Undefined in arith.divsi, but a kernel must not trap: x / 0 and x % 0
// give 0, INT_MIN / -1 wraps.
TEST(KernelCompiler, DivisionByZeroDoesNotTrap) {
  std::vector<int32_t> a = {7, -7, INT32_MIN, 5};
  std::vector<int32_t> b = {0, 0, -1, 0};
  const int n = static_cast<int>(a.size());
  Kernel k = makeKernel("divzero", {n});
  addInput(k, "a", I32, {n});
  addInput(k, "b", I32, {n});
  ExprRef x = load(0, {d(0)}, I32), y = load(1, {d(0)}, I32);
  addOutput(k, "q", I32, {n}, {0}, binary(Op::Div, x, y));
  addOutput(k, "r", I32, {n}, {0}, binary(Op::Rem, x, y));
  std::vector<int32_t> q(n, 99), r(n, 99);
  ASSERT_OK(runJit(k, {a.data(), b.data()}, {q.data(), r.data()}));
  EXPECT_EQ(q[0], 0);
  EXPECT_EQ(q[1], 0);
  EXPECT_EQ(q[2], INT32_MIN);
  EXPECT_EQ(r[0], 0);
  EXPECT_EQ(r[2], 0);
}

// f16 arithmetic and math (computed through f32) between f32 buffers.
TEST(KernelCompiler, HalfPrecision) {
  const int n = 40;
  const ScalarType F16 = {ScalarType::Float, 16};
  Kernel k = makeKernel("half", {n});
  addInput(k, "x", F32, {n});
  ExprRef h = cast(F16, load(0, {d(0)}, F32));
  addOutput(k, "y", F32, {n}, {0},
            cast(F32, add(mul(h, constFloat(0.5, F16)), unary(Op::Exp, h))));
  std::vector<float> x = randomFloats(n, -2, 2, 14);
  std::vector<float> y(n);
  ASSERT_OK(runJit(k, {x.data()}, {y.data()}));
  for (int i = 0; i < n; ++i) {
    double ref = 0.5 * x[i] + std::exp(double(x[i]));
    EXPECT_NEAR(y[i], ref, 4e-3 * (1 + std::fabs(ref))) << x[i];
  }
}

// Shr is arithmetic on Int and logical on UInt.
TEST(KernelCompiler, ShiftRightIntVsUInt) {
  std::vector<int32_t> a = {-16, -1, 16, 0x7fffffff, INT32_MIN, 5};
  const int n = static_cast<int>(a.size());
  Kernel k = makeKernel("shifts", {n});
  addInput(k, "a", I32, {n});
  ExprRef x = load(0, {d(0)}, I32);
  addOutput(k, "sra", I32, {n}, {0}, binary(Op::Shr, x, ci(3)));
  addOutput(k, "srl", U32, {n}, {0}, binary(Op::Shr, cast(U32, x), ci(3, U32)));
  addOutput(k, "shl", I32, {n}, {0}, binary(Op::Shl, x, ci(2)));
  std::vector<int32_t> sra(n), shl(n);
  std::vector<uint32_t> srl(n);
  ASSERT_OK(runJit(k, {a.data()}, {sra.data(), srl.data(), shl.data()}));
  for (int i = 0; i < n; ++i) {
    EXPECT_EQ(sra[i], a[i] >> 3) << a[i];
    EXPECT_EQ(srl[i], uint32_t(a[i]) >> 3) << a[i];
    EXPECT_EQ(shl[i], int32_t(uint32_t(a[i]) << 2)) << a[i];
  }
}

// A full reduction into a rank-0 output.
TEST(KernelCompiler, Rank0Sum) {
  const int n = 100;
  Kernel k = makeKernel("sum", {n}, {true});
  addInput(k, "x", I32, {n});
  addOutput(k, "s", I32, {}, {}, ci(0),
            add(self(0, I32), load(0, {d(0)}, I32)));
  std::vector<int32_t> x(n);
  int32_t ref = 0;
  for (int i = 0; i < n; ++i)
    ref += x[i] = (i * 7919) % 201 - 100;
  int32_t s = 12345;
  ASSERT_OK(runJit(k, {x.data()}, {&s}));
  EXPECT_EQ(s, ref);
}

// Two outputs, one of them reading a rank-0 input (a scale).
TEST(KernelCompiler, TwoOutputsAndScalarInput) {
  const int M = 3, N = 20;
  Kernel k = makeKernel("two_out", {M, N});
  addInput(k, "x", F32, {M, N});
  addInput(k, "scale", F32, {});
  ExprRef x = load(0, {d(0), d(1)}, F32);
  addOutput(k, "scaled", F32, {M, N}, {0, 1}, mul(x, load(1, {}, F32)));
  // The second output is transposed: its loop dimensions in another order.
  addOutput(k, "transposed_positive", BOOL, {N, M}, {1, 0},
            compare(Op::Gt, x, cf(0)));
  std::vector<float> x0 = randomFloats(M * N, -1, 1, 10);
  float scale = 2.5f;
  std::vector<float> y0(M * N);
  std::vector<uint8_t> y1(M * N, 7);
  ASSERT_OK(runJit(k, {x0.data(), &scale}, {y0.data(), y1.data()}));
  for (int i = 0; i < M; ++i)
    for (int j = 0; j < N; ++j) {
      EXPECT_EQ(y0[i * N + j], x0[i * N + j] * scale);
      EXPECT_EQ(y1[j * M + i], x0[i * N + j] > 0 ? 1 : 0);
    }
}

// Two outputs that reduce together and read each other (argmax over rows):
// a Tuple-valued Func in Halide.
TEST(KernelCompiler, ArgmaxTwoReducingOutputs) {
  const int M = 4, N = 33;
  Kernel k = makeKernel("argmax", {M, N}, {false, true});
  addInput(k, "x", F32, {M, N});
  ExprRef x = load(0, {d(0), d(1)}, F32);
  ExprRef better = compare(Op::Gt, x, self(0, F32));
  addOutput(k, "max", F32, {M}, {0}, cf(-INFINITY),
            select(better, x, self(0, F32)));
  addOutput(k, "index", I32, {M}, {0}, ci(-1),
            select(better, d(1), self(1, I32)));
  k.schedule.minParallelWork = 0;
  std::vector<float> x0 = randomFloats(M * N, -1, 1, 11);
  std::vector<float> mx(M);
  std::vector<int32_t> ix(M);
  ASSERT_OK(runJit(k, {x0.data()}, {mx.data(), ix.data()}));
  for (int i = 0; i < M; ++i) {
    int best = 0;
    for (int j = 1; j < N; ++j)
      if (x0[i * N + j] > x0[i * N + best])
        best = j;
    EXPECT_EQ(ix[i], best);
    EXPECT_EQ(mx[i], x0[i * N + best]);
  }
}

// Reducing outputs indexed in different orders cannot share a Tuple.
TEST(KernelCompiler, MultiOutputReductionNeedsOneIndexOrder) {
  Kernel k = makeKernel("two_sums", {3, 4, 5}, {false, false, true});
  addInput(k, "x", F32, {3, 4, 5});
  ExprRef x = load(0, {d(0), d(1), d(2)}, F32);
  addOutput(k, "s", F32, {3, 4}, {0, 1}, cf(0), add(self(0, F32), x));
  addOutput(k, "t", F32, {4, 3}, {1, 0}, cf(0), add(self(1, F32), x));
  ASSERT_OK(verifyKernel(k));
  std::vector<float> in(60), s(12), t(12);
  EXPECT_ERROR(runJit(k, {in.data()}, {s.data(), t.data()}),
               "kernel 'two_sums': outputs 0 and 1 are indexed by the loop "
               "dimensions in different orders");
}

/// Runs `op` elementwise on `xs` (type `t`, a float type) and returns the
/// results as doubles.
std::vector<double> runUnaryFloat(Op op, ScalarType t,
                                  const std::vector<double> &xs) {
  const int n = static_cast<int>(xs.size());
  Kernel k = makeKernel("unary_math", {n});
  addInput(k, "x", t, {n});
  addOutput(k, "y", t, {n}, {0}, unary(op, load(0, {d(0)}, t)));
  std::vector<double> out(n);
  if (t == F64) {
    Status s = runJit(k, {xs.data()}, {out.data()});
    EXPECT_TRUE(s.ok) << s.message;
    return out;
  }
  std::vector<float> in(xs.begin(), xs.end()), res(n);
  Status s = runJit(k, {in.data()}, {res.data()});
  EXPECT_TRUE(s.ok) << s.message;
  for (int i = 0; i < n; ++i)
    out[i] = res[i];
  return out;
}

std::vector<double> grid(double lo, double hi, int n) {
  std::vector<double> v(n);
  for (int i = 0; i < n; ++i)
    v[i] = lo + (hi - lo) * i / (n - 1);
  return v;
}

// Transcendentals against libm in double precision. f32 inputs are the
// rounded grid points, and the references are evaluated at those.
TEST(KernelCompiler, MathAccuracyF32) {
  std::vector<double> xs = grid(-6, 6, 20001);
  for (double &x : xs)
    x = static_cast<float>(x);
  struct Case {
    Op op;
    double (*ref)(double);
    double absTol, relTol;
  };
  const Case cases[] = {
      {Op::Erf, [](double x) { return std::erf(x); }, 1e-6, 0},
      {Op::Tanh, [](double x) { return std::tanh(x); }, 1e-6, 0},
      {Op::Exp, [](double x) { return std::exp(x); }, 0, 1e-6},
      {Op::Sin, [](double x) { return std::sin(x); }, 1e-6, 0},
      {Op::Cos, [](double x) { return std::cos(x); }, 1e-6, 0},
      {Op::Floor, [](double x) { return std::floor(x); }, 0, 0},
  };
  for (const Case &c : cases) {
    std::vector<double> ys = runUnaryFloat(c.op, F32, xs);
    for (size_t i = 0; i < xs.size(); ++i) {
      double ref = c.ref(xs[i]);
      double err = std::fabs(ys[i] - ref);
      double tol = c.absTol + c.relTol * std::fabs(ref) +
                   std::fabs(ref) * 1.2e-7; // f32 rounding of the result
      ASSERT_LE(err, tol) << "op " << static_cast<int>(c.op) << " at " << xs[i]
                          << ": " << ys[i] << " vs " << ref;
    }
  }
  // Positive-only functions.
  std::vector<double> pos = grid(1e-3, 100, 10001);
  for (double &x : pos)
    x = static_cast<float>(x);
  std::vector<double> lg = runUnaryFloat(Op::Log, F32, pos);
  std::vector<double> sq = runUnaryFloat(Op::Sqrt, F32, pos);
  std::vector<double> rs = runUnaryFloat(Op::Rsqrt, F32, pos);
  for (size_t i = 0; i < pos.size(); ++i) {
    EXPECT_NEAR(lg[i], std::log(pos[i]), 1e-6 * (1 + std::fabs(lg[i])));
    EXPECT_NEAR(sq[i], std::sqrt(pos[i]), 2e-7 * sq[i]);
    EXPECT_NEAR(rs[i], 1 / std::sqrt(pos[i]), 3e-7 * rs[i]);
  }
}

// f64 erf is Tern's own (Cody's rational approximations): near-libm.
TEST(KernelCompiler, ErfF64) {
  std::vector<double> xs = grid(-30, 30, 6001);
  std::vector<double> fine = grid(-5, 5, 40001);
  xs.insert(xs.end(), fine.begin(), fine.end());
  xs.push_back(0.46875);
  xs.push_back(-0.46875);
  xs.push_back(4.0);
  xs.push_back(1e-300);
  std::vector<double> ys = runUnaryFloat(Op::Erf, F64, xs);
  double worst = 0;
  for (size_t i = 0; i < xs.size(); ++i)
    worst = std::max(worst, std::fabs(ys[i] - std::erf(xs[i])));
  EXPECT_LT(worst, 1e-15);
  std::vector<double> nan = runUnaryFloat(Op::Erf, F64, {NAN, 1.0});
  EXPECT_TRUE(std::isnan(nan[0]));
}

// Casts follow C; Rem on floats is fmod; Abs keeps the type.
TEST(KernelCompiler, CastsAndFloatRem) {
  std::vector<float> x = {-2.7f, 2.7f, -0.5f, 0.0f, 300.25f, -5.5f};
  const int n = static_cast<int>(x.size());
  Kernel k = makeKernel("casts", {n});
  addInput(k, "x", F32, {n});
  ExprRef v = load(0, {d(0)}, F32);
  addOutput(k, "to_i32", I32, {n}, {0}, cast(I32, v));
  addOutput(k, "to_i8_wrap", I8, {n}, {0}, cast(I8, cast(I32, v)));
  addOutput(k, "to_bool_to_f32", F32, {n}, {0}, cast(F32, cast(BOOL, v)));
  addOutput(k, "fmod", F32, {n}, {0}, binary(Op::Rem, v, cf(2)));
  addOutput(k, "abs", I32, {n}, {0}, unary(Op::Abs, cast(I32, v)));
  std::vector<int32_t> i32(n), absv(n);
  std::vector<int8_t> i8(n);
  std::vector<float> b(n), fm(n);
  ASSERT_OK(runJit(k, {x.data()},
                   {i32.data(), i8.data(), b.data(), fm.data(), absv.data()}));
  for (int i = 0; i < n; ++i) {
    SCOPED_TRACE(x[i]);
    EXPECT_EQ(i32[i], static_cast<int32_t>(x[i]));
    EXPECT_EQ(i8[i], static_cast<int8_t>(static_cast<int32_t>(x[i])));
    EXPECT_EQ(b[i], x[i] != 0 ? 1.0f : 0.0f);
    EXPECT_FLOAT_EQ(fm[i], std::fmod(x[i], 2.0f));
    EXPECT_EQ(absv[i], std::abs(static_cast<int32_t>(x[i])));
  }
}

std::string tempPath(const std::string &name) {
  return ::testing::TempDir() + std::to_string(getpid()) + "_" + name;
}

long fileSize(const std::string &path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  return in ? static_cast<long>(in.tellg()) : -1;
}

// The same kernel object compiled ahead of time, linked with the runtime
// into a shared library and called through halide_buffer_t: checks the
// argument order (inputs, then outputs) of compiled kernels.
namespace abi {
// Halide's stable C ABI (HalideRuntime.h), spelled out so that this test
// includes no Halide header.
struct Dim {
  int32_t min, extent, stride;
  uint32_t flags;
};
struct Type {
  uint8_t code, bits;
  uint16_t lanes;
};
struct Buf {
  uint64_t device = 0;
  const void *deviceInterface = nullptr;
  uint8_t *host = nullptr;
  uint64_t flags = 0;
  Type type;
  int32_t dimensions = 0;
  Dim *dim = nullptr;
  void *padding = nullptr;
};
} // namespace abi

TEST(KernelCompiler, AotObjectLinksAndRuns) {
  if (std::system("cc --version > /dev/null 2>&1") != 0)
    GTEST_SKIP() << "no C compiler to link the object";
  const int M = 5, K = 7, N = 3;
  Kernel k = matmulKernel("tern_test_aot_matmul", M, K, N);
  std::string obj = tempPath("tern_aot_matmul.o"),
              rt = tempPath("tern_aot_runtime.o"),
              so = tempPath("tern_aot_matmul.so");
  ASSERT_OK(compileToObject(k, "host", obj));
  ASSERT_OK(compileRuntime("host", rt));
  std::string cmd = "cc -shared -Wl,-Bsymbolic -o " + so + " " + obj + " " +
                    rt + " -lpthread -ldl -lm";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  void *lib = dlopen(so.c_str(), RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(lib, nullptr) << dlerror();
  using Fn = int (*)(abi::Buf *, abi::Buf *, abi::Buf *);
  auto fn = reinterpret_cast<Fn>(dlsym(lib, k.name.c_str()));
  ASSERT_NE(fn, nullptr);
  // Halide's default runtime error handler aborts; a library installs its
  // own, and so does this test.
  using Handler = void (*)(void *, const char *);
  auto setHandler = reinterpret_cast<Handler (*)(Handler)>(
      dlsym(lib, "halide_set_error_handler"));
  ASSERT_NE(setHandler, nullptr);
  static std::string lastError;
  setHandler([](void *, const char *msg) { lastError = msg; });

  std::vector<float> a = randomFloats(M * K, -1, 1, 12);
  std::vector<float> b = randomFloats(K * N, -1, 1, 13);
  std::vector<float> c(M * N, 0);
  auto make = [](float *data, int rows, int cols, abi::Dim *dims) {
    dims[0] = {0, cols, 1, 0};
    dims[1] = {0, rows, cols, 0};
    abi::Buf buf;
    buf.host = reinterpret_cast<uint8_t *>(data);
    buf.type = {2, 32, 1}; // halide_type_float
    buf.dimensions = 2;
    buf.dim = dims;
    return buf;
  };
  abi::Dim da[2], db[2], dc[2];
  abi::Buf ba = make(a.data(), M, K, da), bb = make(b.data(), K, N, db),
           bc = make(c.data(), M, N, dc);
  EXPECT_EQ(fn(&ba, &bb, &bc), 0);
  for (int m = 0; m < M; ++m)
    for (int n = 0; n < N; ++n) {
      double ref = 0;
      for (int kk = 0; kk < K; ++kk)
        ref += double(a[m * K + kk]) * b[kk * N + n];
      EXPECT_NEAR(c[m * N + n], ref, 1e-4);
    }
  // A buffer of the wrong shape is refused, not read out of bounds.
  abi::Dim wrong[2];
  abi::Buf bw = make(b.data(), K - 1, N, wrong);
  EXPECT_NE(fn(&ba, &bw, &bc), 0);
  EXPECT_NE(lastError.find("Input buffer b"), std::string::npos) << lastError;
  dlclose(lib);
  std::remove(obj.c_str());
  std::remove(rt.c_str());
  std::remove(so.c_str());
}

//===----------------------------------------------------------------------===//
// Verification errors
//===----------------------------------------------------------------------===//

Kernel validElementwise() {
  Kernel k = makeKernel("k0", {4, 6});
  addInput(k, "x", F32, {4, 6});
  addInput(k, "y", F32, {4, 6});
  addOutput(k, "z", F32, {4, 6}, {0, 1},
            add(load(0, {d(0), d(1)}, F32), load(1, {d(0), d(1)}, F32)));
  return k;
}

TEST(KernelVerifier, AcceptsValidKernels) {
  ASSERT_OK(verifyKernel(validElementwise()));
  ASSERT_OK(verifyKernel(matmulKernel("mm", 2, 3, 4)));
}

TEST(KernelVerifier, RejectsWrongIndexCount) {
  Kernel k = validElementwise();
  k.outputs[0].init = add(load(0, {d(0), d(1)}, F32), load(1, {d(1)}, F32));
  EXPECT_ERROR(verifyKernel(k), "kernel 'k0': load of input 1 has 1 indices, "
                                "expected 2 (the buffer's rank)");
}

TEST(KernelVerifier, RejectsTypeMismatches) {
  Kernel k = validElementwise();
  k.outputs[0].init = add(load(0, {d(0), d(1)}, F32), ci(1));
  EXPECT_ERROR(verifyKernel(k),
               "add has operand 1 of type i32, expected f32 (the result type)");

  k = validElementwise();
  k.outputs[0].init = load(0, {d(0), d(1)}, F64);
  EXPECT_ERROR(verifyKernel(k), "load of input 0 has type f64, expected f32");

  k = validElementwise();
  k.outputs[0].init = cast(I32, load(0, {d(0), d(1)}, F32));
  EXPECT_ERROR(verifyKernel(k), "expression has type i32, expected f32");

  k = validElementwise();
  k.outputs[0].init = select(load(0, {d(0), d(1)}, F32), cf(1), cf(0));
  EXPECT_ERROR(verifyKernel(k), "select condition has type f32, expected bool");

  k = validElementwise();
  k.outputs[0].init = load(0, {d(0), cf(1)}, F32);
  EXPECT_ERROR(verifyKernel(k), "index 1 of load of input 0 has type f32");

  k = validElementwise();
  k.outputs[0].init =
      cast(F32, binary(Op::Shl, load(0, {d(0), d(1)}, F32), cf(1)));
  EXPECT_ERROR(verifyKernel(k), "shl has type f32, expected an integer type");
}

TEST(KernelVerifier, RejectsSelfInInit) {
  Kernel k = matmulKernel("mm", 2, 3, 4);
  k.outputs[0].init = self(0, F32);
  EXPECT_ERROR(verifyKernel(k), "self of output 0 outside an update");
}

TEST(KernelVerifier, RejectsReductionDimInInit) {
  Kernel k = matmulKernel("mm", 2, 3, 4);
  k.outputs[0].init = load(0, {d(0), d(2)}, F32);
  EXPECT_ERROR(verifyKernel(k), "loop dimension 2 is a reduction dimension");
}

TEST(KernelVerifier, RejectsOutOfRangeInput) {
  Kernel k = validElementwise();
  k.outputs[0].init = load(2, {d(0), d(1)}, F32);
  EXPECT_ERROR(verifyKernel(k),
               "kernel 'k0': load of input 2, but the kernel has 2 inputs");
}

TEST(KernelVerifier, RejectsUncoveredParallelDim) {
  Kernel k = makeKernel("k1", {4, 6});
  addInput(k, "x", F32, {4, 6});
  addOutput(k, "z", F32, {4}, {0}, load(0, {d(0), ci(0)}, F32));
  EXPECT_ERROR(verifyKernel(k),
               "parallel loop dimension 1 does not index output 0");
}

TEST(KernelVerifier, RejectsShapeAndStructureErrors) {
  Kernel k = validElementwise();
  k.outputs[0].buffer.shape = {4, 5};
  EXPECT_ERROR(verifyKernel(k), "output 0 has extent 5 in dimension 1, "
                                "expected 6");

  k = validElementwise();
  k.name = "bad-name";
  EXPECT_ERROR(verifyKernel(k), "is not a C identifier");

  k = validElementwise();
  k.outputs[0].update = load(0, {d(0), d(1)}, F32);
  EXPECT_ERROR(verifyKernel(k), "has an update but the kernel has no "
                                "reduction dimension");

  k = validElementwise();
  k.outputs[0].init = loopVar(5);
  EXPECT_ERROR(verifyKernel(k), "loop dimension 5 is used, but the kernel "
                                "has 2 loop dimensions");

  k = validElementwise();
  k.outputs[0].init = nullptr;
  EXPECT_ERROR(verifyKernel(k), "expression is null");

  k = validElementwise();
  k.outputs.clear();
  EXPECT_ERROR(verifyKernel(k), "has no outputs");

  k = validElementwise();
  k.inputs[0].type = {ScalarType::Int, 12};
  EXPECT_ERROR(verifyKernel(k), "input 0 has unsupported element type i12");

  k = validElementwise();
  k.outputs[0].init = binary(Op::Add, load(0, {d(0), d(1)}, F32), nullptr);
  EXPECT_ERROR(verifyKernel(k), "null operand");
}

TEST(KernelVerifier, EntryPointsVerifyFirst) {
  Kernel k = validElementwise();
  k.outputs[0].init = load(1, {d(1)}, F32);
  std::vector<float> buf(24);
  EXPECT_ERROR(runJit(k, {buf.data(), buf.data()}, {buf.data()}),
               "load of input 1 has 1 indices");
  std::string stmt;
  EXPECT_ERROR(lowerToStmt(k, "host", stmt), "load of input 1 has 1 indices");
  EXPECT_ERROR(runJit(validElementwise(), {buf.data()}, {buf.data()}),
               "runJit got 1 input pointers, expected 2");
}

//===----------------------------------------------------------------------===//
// Targets, files, text
//===----------------------------------------------------------------------===//

TEST(KernelTargets, ResolveTarget) {
  std::string canonical;
  ASSERT_OK(resolveTarget("host", canonical));
  EXPECT_FALSE(canonical.empty());
  EXPECT_NE(canonical, "host");
  ASSERT_OK(resolveTarget("x86-64-linux-avx2", canonical));
  EXPECT_NE(canonical.find("avx2"), std::string::npos);
  EXPECT_ERROR(resolveTarget("not-a-target", canonical), "'not-a-target'");
  EXPECT_ERROR(resolveTarget("", canonical), "unknown halide target");
}

TEST(KernelTargets, CompileToObject) {
  std::string obj = tempPath("mm_object.o");
  Kernel k = matmulKernel("mm_object", 5, 7, 3);
  ASSERT_OK(compileToObject(k, "host", obj));
  EXPECT_GT(fileSize(obj), 0);
  std::remove(obj.c_str());
  // Another x86 target than the host's.
  ASSERT_OK(compileToObject(k, "x86-64-linux-sse41", obj));
  EXPECT_GT(fileSize(obj), 0);
  std::remove(obj.c_str());

  EXPECT_ERROR(compileToObject(k, "host", "/nonexistent-dir/x.o"),
               "kernel 'mm_object': cannot open '/nonexistent-dir/x.o' for "
               "writing");
  EXPECT_ERROR(compileToObject(k, "not-a-target", obj),
               "kernel 'mm_object': unknown halide target 'not-a-target'");
  EXPECT_EQ(fileSize(obj), -1);
}

TEST(KernelTargets, CompileRuntime) {
  std::string rt = tempPath("runtime.o");
  ASSERT_OK(compileRuntime("host", rt));
  EXPECT_GT(fileSize(rt), 0);
  std::remove(rt.c_str());
  EXPECT_ERROR(compileRuntime("host", "/nonexistent-dir/rt.o"),
               "cannot open '/nonexistent-dir/rt.o'");
}

TEST(KernelTargets, LowerToStmt) {
  std::string stmt;
  Kernel k = matmulKernel("mm_stmt", 5, 7, 37);
  ASSERT_OK(lowerToStmt(k, "host", stmt));
  EXPECT_NE(stmt.find("mm_stmt"), std::string::npos) << stmt;
  EXPECT_NE(stmt.find("for"), std::string::npos) << stmt;
  // The innermost output dimension (37 >= any natural width) is vectorized.
  EXPECT_NE(stmt.find("ramp"), std::string::npos) << stmt;
}

TEST(KernelText, NamesAsideSameText) {
  Kernel a = matmulKernel("first", 5, 7, 3);
  Kernel b = matmulKernel("second", 5, 7, 3);
  b.inputs[0].name = "other_a";
  EXPECT_EQ(toString(a, false), toString(b, false));
  EXPECT_NE(toString(a, true), toString(b, true));
  EXPECT_NE(toString(a).find("'first'"), std::string::npos);

  Kernel c = matmulKernel("first", 5, 7, 3);
  c.outputs[0].init = cf(0.1);
  EXPECT_NE(toString(a, false), toString(c, false));
  Kernel s = matmulKernel("first", 5, 7, 3);
  s.schedule.vectorWidth = 8;
  EXPECT_NE(toString(a, false), toString(s, false));
}

TEST(KernelText, ExprText) {
  ExprRef e = add(load(0, {d(0), d(2)}, F32), cf(1.5));
  EXPECT_EQ(toString(e), "(add:f32 (load:f32 #0 d0 d2) (const:f32 1.5))");
  EXPECT_EQ(toString(ExprRef()), "null");
  EXPECT_EQ(ScalarType::u(16).str(), "u16");
  EXPECT_EQ(BOOL.str(), "bool");
  // Constants print exactly: 0.1 and 0.1f are different kernels.
  EXPECT_NE(toString(cf(0.1)), toString(cf(static_cast<float>(0.1))));
}

} // namespace
