//===- GpuTest.cpp - Models compiled for CUDA against the CPU build -*- C++
//-*-//
//
// The ternary MLP example and a 1024 x 1024 ternary GEMV, each compiled by
// ternc twice (host and --target=cuda), run on the same inputs: the GPU
// results must match the CPU build (and the example its Python reference).
// The device-pointer entry point is checked with memory from the CUDA
// driver API, in the context Halide's runtime uses. Without a CUDA device
// and driver every test skips with the reason.
//
//===----------------------------------------------------------------------===//

#include "gemv_cpu.h"
#include "gemv_gpu.h"
#include "mlp_cpu.h"
#include "mlp_gpu.h"
#include "reference.h"

#include <HalideRuntimeCuda.h>
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

// Defined (weak) by Halide's CUDA runtime inside every CUDA model library:
// the context its kernels run in. HalideRuntimeCuda.h declares only the
// setter for these hooks.
extern "C" int halide_cuda_acquire_context(void *user_context, void **ctx,
                                           bool create);
extern "C" int halide_cuda_release_context(void *user_context);

namespace {

using CUcontext = void *;

/// The few CUDA driver API entry points the tests use, loaded at run time so
/// that the test builds and skips on machines without CUDA.
struct CudaDriver {
  using CUresult = int;
  using CUdeviceptr = unsigned long long;
  CUresult (*cuInit)(unsigned) = nullptr;
  CUresult (*cuDeviceGetCount)(int *) = nullptr;
  CUresult (*cuCtxPushCurrent)(CUcontext) = nullptr;
  CUresult (*cuCtxPopCurrent)(CUcontext *) = nullptr;
  CUresult (*cuMemAlloc)(CUdeviceptr *, size_t) = nullptr;
  CUresult (*cuMemFree)(CUdeviceptr) = nullptr;
  CUresult (*cuMemcpyHtoD)(CUdeviceptr, const void *, size_t) = nullptr;
  CUresult (*cuMemcpyDtoH)(void *, CUdeviceptr, size_t) = nullptr;
  std::string unavailable; ///< why no GPU can be used; empty if one can

  CudaDriver() {
    void *lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_GLOBAL);
    if (!lib)
      lib = dlopen("libcuda.so", RTLD_NOW | RTLD_GLOBAL);
    if (!lib) {
      unavailable = "no CUDA driver (libcuda.so.1 not found)";
      return;
    }
    auto load = [&](auto &fn, const char *name) {
      fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(
          dlsym(lib, name));
      if (!fn && unavailable.empty())
        unavailable = std::string("libcuda lacks ") + name;
    };
    load(cuInit, "cuInit");
    load(cuDeviceGetCount, "cuDeviceGetCount");
    load(cuCtxPushCurrent, "cuCtxPushCurrent_v2");
    load(cuCtxPopCurrent, "cuCtxPopCurrent_v2");
    load(cuMemAlloc, "cuMemAlloc_v2");
    load(cuMemFree, "cuMemFree_v2");
    load(cuMemcpyHtoD, "cuMemcpyHtoD_v2");
    load(cuMemcpyDtoH, "cuMemcpyDtoH_v2");
    if (!unavailable.empty())
      return;
    int count = 0;
    if (cuInit(0) != 0 || cuDeviceGetCount(&count) != 0 || count == 0)
      unavailable = "the CUDA driver reports no usable device";
  }
};

const CudaDriver &cuda() {
  static CudaDriver driver;
  return driver;
}

#define REQUIRE_GPU()                                                          \
  do {                                                                         \
    if (!cuda().unavailable.empty())                                           \
      GTEST_SKIP() << "GPU test skipped: " << cuda().unavailable;              \
  } while (0)

/// |a - b| <= 1e-4 + 1e-4 |b|: the GPU sums in another order than the CPU.
::testing::AssertionResult close(const std::vector<float> &got,
                                 const std::vector<float> &want) {
  for (size_t i = 0; i < want.size(); ++i)
    if (!(std::fabs(got[i] - want[i]) <= 1e-4f + 1e-4f * std::fabs(want[i])))
      return ::testing::AssertionFailure()
             << "element " << i << ": got " << got[i] << ", want " << want[i];
  return ::testing::AssertionSuccess();
}

TEST(Gpu, ExampleMatchesCpuAndReference) {
  REQUIRE_GPU();
  mlp_gpu_model *gpu = nullptr;
  mlp_cpu_model *cpu = nullptr;
  ASSERT_EQ(mlp_gpu_create(&gpu, nullptr), TERN_OK) << tern_last_error();
  ASSERT_EQ(mlp_cpu_create(&cpu, nullptr), TERN_OK) << tern_last_error();
  for (int i = 0; i < TERN_EXAMPLE_NUM_INPUTS; ++i) {
    std::vector<float> onGpu(10), onCpu(10);
    ASSERT_EQ(mlp_gpu_run(gpu, tern_example_inputs[i], onGpu.data()), TERN_OK)
        << tern_last_error();
    ASSERT_EQ(mlp_cpu_run(cpu, tern_example_inputs[i], onCpu.data()), TERN_OK)
        << tern_last_error();
    EXPECT_TRUE(close(onGpu, onCpu)) << "input " << i;
    std::vector<float> expected(tern_example_expected[i],
                                tern_example_expected[i] + 10);
    EXPECT_TRUE(close(onGpu, expected)) << "input " << i;
  }
  mlp_gpu_destroy(gpu);
  mlp_cpu_destroy(cpu);
}

TEST(Gpu, TernaryGemvMatchesCpuOverRepeatedRuns) {
  REQUIRE_GPU();
  gemv_gpu_model *gpu = nullptr;
  gemv_cpu_model *cpu = nullptr;
  ASSERT_EQ(gemv_gpu_create(&gpu, nullptr), TERN_OK) << tern_last_error();
  ASSERT_EQ(gemv_cpu_create(&cpu, nullptr), TERN_OK) << tern_last_error();
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  // Several runs with new inputs: the weights uploaded at create are reused
  // and the inputs must be re-uploaded every time.
  for (int run = 0; run < 5; ++run) {
    std::vector<float> x(1024), onGpu(1024), onCpu(1024);
    for (float &v : x)
      v = dist(rng);
    ASSERT_EQ(gemv_gpu_run(gpu, x.data(), onGpu.data()), TERN_OK)
        << tern_last_error();
    ASSERT_EQ(gemv_cpu_run(cpu, x.data(), onCpu.data()), TERN_OK)
        << tern_last_error();
    EXPECT_TRUE(close(onGpu, onCpu)) << "run " << run;
  }
  gemv_gpu_destroy(gpu);
  gemv_cpu_destroy(cpu);
}

TEST(Gpu, RunDeviceOnDevicePointers) {
  REQUIRE_GPU();
  const CudaDriver &cu = cuda();
  gemv_gpu_model *gpu = nullptr;
  gemv_cpu_model *cpu = nullptr;
  ASSERT_EQ(gemv_gpu_create(&gpu, nullptr), TERN_OK) << tern_last_error();
  ASSERT_EQ(gemv_cpu_create(&cpu, nullptr), TERN_OK) << tern_last_error();
  std::vector<float> x(1024), onCpu(1024), onGpu(1024);
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  for (float &v : x)
    v = dist(rng);
  ASSERT_EQ(gemv_cpu_run(cpu, x.data(), onCpu.data()), TERN_OK);

  // Device memory in the context Halide's runtime uses.
  CUcontext ctx = nullptr;
  ASSERT_EQ(halide_cuda_acquire_context(nullptr, &ctx, true), 0);
  ASSERT_EQ(cu.cuCtxPushCurrent(ctx), 0);
  CudaDriver::CUdeviceptr dx = 0, dy = 0;
  ASSERT_EQ(cu.cuMemAlloc(&dx, x.size() * sizeof(float)), 0);
  ASSERT_EQ(cu.cuMemAlloc(&dy, onGpu.size() * sizeof(float)), 0);
  ASSERT_EQ(cu.cuMemcpyHtoD(dx, x.data(), x.size() * sizeof(float)), 0);
  CUcontext popped = nullptr;
  cu.cuCtxPopCurrent(&popped);
  halide_cuda_release_context(nullptr);

  EXPECT_EQ(gemv_gpu_run_device(gpu, reinterpret_cast<const void *>(dx),
                                reinterpret_cast<void *>(dy)),
            TERN_OK)
      << tern_last_error();

  halide_cuda_acquire_context(nullptr, &ctx, true);
  cu.cuCtxPushCurrent(ctx);
  EXPECT_EQ(cu.cuMemcpyDtoH(onGpu.data(), dy, onGpu.size() * sizeof(float)), 0);
  cu.cuMemFree(dx);
  cu.cuMemFree(dy);
  cu.cuCtxPopCurrent(&popped);
  halide_cuda_release_context(nullptr);
  EXPECT_TRUE(close(onGpu, onCpu));
  gemv_gpu_destroy(gpu);
  gemv_cpu_destroy(cpu);
}

// Runs everywhere: without a device, creating a GPU model fails cleanly
// with TERN_ERROR_DEVICE and says why; with one, it succeeds.
TEST(GpuAvailability, CreateReportsMissingDevice) {
  mlp_gpu_model *gpu = nullptr;
  tern_status status = mlp_gpu_create(&gpu, nullptr);
  if (cuda().unavailable.empty()) {
    EXPECT_EQ(status, TERN_OK) << tern_last_error();
  } else {
    EXPECT_EQ(status, TERN_ERROR_DEVICE);
    EXPECT_EQ(gpu, nullptr);
    EXPECT_NE(std::string(tern_last_error()).find("copying weights to the GPU"),
              std::string::npos)
        << tern_last_error();
  }
  mlp_gpu_destroy(gpu);
}

} // namespace
