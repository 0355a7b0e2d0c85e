//===- Targets.cpp - Target strings and the host's features ---------------===//
//
// Part of TernHalideBackend: parses target strings ("host", "host-cuda",
// Halide's), drops features the host CPU only claims to have, and answers
// the driver's questions about a target (canonical form, instruction-set
// features, the baseline without them, the architecture).
//
//===----------------------------------------------------------------------===//

#include "Backend.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include <algorithm>

namespace tern::kernel {

using detail::guarded;
using detail::parseTarget;

namespace {

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

/// resolveTarget without the lock, for use inside guarded().
/// True unless this is an x86 CPU without AVX512-FP16 (CPUID leaf 7, EDX
/// bit 23).
bool hostHasAvx512Fp16() {
#if defined(__x86_64__) || defined(__i386__)
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
    return false;
  return (d >> 23) & 1;
#else
  return true;
#endif
}

/// Halide 14 reports AVX512_SapphireRapids for any CPU with AVX512-BF16
/// (AMD Zen 4, Intel Cooper Lake among them), and LLVM then uses AVX512-FP16
/// and VEX-encoded AVX-VNNI instructions, which such CPUs lack (SIGILL or
/// SIGSEGV at run time). For the host, keep the feature only where FP16 is
/// really there. Every host target goes through here: AOT ("host...") and
/// the JIT.
Halide::Target withoutMissingHostFeatures(Halide::Target t) {
  if (t.has_feature(Halide::Target::AVX512_SapphireRapids) &&
      !hostHasAvx512Fp16())
    t = t.without_feature(Halide::Target::AVX512_SapphireRapids);
  return t;
}

} // namespace

Halide::Target detail::jitTarget() {
  return withoutMissingHostFeatures(Halide::get_jit_target_from_environment());
}

Status detail::parseTarget(const std::string &name, Halide::Target &out) {
  if (name.empty() || !Halide::Target::validate_target_string(name))
    return Status::error("unknown halide target '" + name +
                         "', expected \"host\", \"host-cuda\" or a Halide "
                         "target string such as \"x86-64-linux-avx2\"");
  out = Halide::Target(name);
  if (name.rfind("host", 0) == 0)
    out = withoutMissingHostFeatures(out);
  // Without a capability Halide emits PTX for sm_20, which current CUDA
  // drivers no longer load; default to Volta (sm_70), which every GPU
  // since then (H100 included) JIT-compiles.
  if (out.has_feature(Halide::Target::CUDA)) {
    bool hasCapability = false;
    for (auto f :
         {Halide::Target::CUDACapability30, Halide::Target::CUDACapability32,
          Halide::Target::CUDACapability35, Halide::Target::CUDACapability50,
          Halide::Target::CUDACapability61, Halide::Target::CUDACapability70,
          Halide::Target::CUDACapability75, Halide::Target::CUDACapability80,
          Halide::Target::CUDACapability86})
      hasCapability |= out.has_feature(f);
    if (!hasCapability)
      out = out.with_feature(Halide::Target::CUDACapability70);
  }
  return Status::success();
}

Status resolveTarget(const std::string &target, std::string &canonical) {
  return guarded("", [&]() -> Status {
    Halide::Target t;
    Status s = parseTarget(target, t);
    if (!s)
      return s;
    canonical = t.to_string();
    return Status::success();
  });
}

/// The x86 instruction-set features: what a CPU may lack.
static const std::vector<Halide::Target::Feature> &x86IsaFeatures() {
  static const std::vector<Halide::Target::Feature> features = {
      Halide::Target::SSE41,
      Halide::Target::AVX,
      Halide::Target::AVX2,
      Halide::Target::FMA,
      Halide::Target::FMA4,
      Halide::Target::F16C,
      Halide::Target::AVX512,
      Halide::Target::AVX512_KNL,
      Halide::Target::AVX512_Skylake,
      Halide::Target::AVX512_Cannonlake,
      Halide::Target::AVX512_SapphireRapids};
  return features;
}

Status targetFeatures(const std::string &target, TargetFeatures &out) {
  return guarded("", [&]() -> Status {
    Halide::Target t;
    if (Status s = parseTarget(target, t); !s)
      return s;
    int numFeatures = static_cast<int>(Halide::Target::FeatureEnd);
    out.words.assign((numFeatures + 63) / 64, 0);
    out.cpuFeatures.clear();
    for (int i = 0; i < numFeatures; ++i) {
      auto f = static_cast<Halide::Target::Feature>(i);
      if (!t.has_feature(f))
        continue;
      out.words[i / 64] |= uint64_t(1) << (i % 64);
      const auto &isa = x86IsaFeatures();
      if (std::find(isa.begin(), isa.end(), f) != isa.end())
        out.cpuFeatures.push_back({i, Halide::Target::feature_to_name(f)});
    }
    return Status::success();
  });
}

Status baselineTarget(const std::string &target, std::string &baseline) {
  return guarded("", [&]() -> Status {
    Halide::Target t;
    if (Status s = parseTarget(target, t); !s)
      return s;
    for (Halide::Target::Feature f : x86IsaFeatures())
      t = t.without_feature(f);
    baseline = t.to_string();
    return Status::success();
  });
}

Status targetArchitecture(const std::string &target, bool &isHost,
                          std::string &arch) {
  return guarded("", [&]() -> Status {
    Halide::Target t;
    if (Status s = parseTarget(target, t); !s)
      return s;
    Halide::Target host = Halide::get_host_target();
    isHost = t.arch == host.arch && t.bits == host.bits;
    // "arm-64-linux-..." -> "arm-64"
    std::string text = Halide::Target(t.os, t.arch, t.bits).to_string();
    arch = text.substr(0, text.rfind('-'));
    return Status::success();
  });
}

TargetDesc detail::describe(const Halide::Target &t) {
  TargetDesc d;
  // Halide's natural vector size is one register's bytes over the element
  // size, with one register width for floats and one for integers.
  d.floatVectorBytes = t.natural_vector_size(Halide::Float(32)) * 4;
  d.intVectorBytes = t.natural_vector_size(Halide::Int(32)) * 4;
  d.vectorRegisters = t.has_feature(Halide::Target::AVX512) ? 32 : 16;
  return d;
}

Status describeTarget(const std::string &target, TargetDesc &out) {
  return guarded("", [&]() -> Status {
    Halide::Target t;
    if (Status s = parseTarget(target, t); !s)
      return s;
    out = detail::describe(t);
    if (t.has_gpu_feature())
      out.device = Schedule::GPU;
    return Status::success();
  });
}

} // namespace tern::kernel
