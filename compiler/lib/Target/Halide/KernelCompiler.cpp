//===- KernelCompiler.cpp - Kernels to Halide pipelines and objects ------===//
//
// Part of TernHalideBackend, the one library that includes Halide.h (Halide
// 14, on LLVM 14); it must never include an LLVM or MLIR header (LLVM 22).
// It is also the one place where exceptions exist: Halide reports errors by
// throwing, and every entry point below catches whatever comes out and
// returns it as a Status that names the kernel.
//
// This file holds the entry points (object files, Halide's runtime, text
// forms, the JIT, the HLS module) and the error guard. The kernel verifier
// is in Verifier.cpp, the translator in Translator.cpp, the schedule
// recipes in Schedules.cpp, target strings in Targets.cpp.
//
//===----------------------------------------------------------------------===//

#include "tern/Target/Halide/KernelCompiler.h"
#include "Backend.h"
#include "HlsLowering.h"
#include "Translator.h"
#include "tern/Kernel/SelectSchedule.h"

#include "Halide.h"

#include <optional>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fstream>
#include <functional>
#include <limits>
#include <mutex>
#include <set>
#include <sstream>
#include <unistd.h>
#include <unordered_map>
#include <unordered_set>

namespace tern::kernel {

using detail::Built;
using detail::cleanMessage;
using detail::guarded;
using detail::halideType;
using detail::jitTarget;
using detail::kernelPrefix;
using detail::parseTarget;
using detail::Translator;

/// Halide's messages start with "Error:" and end with newlines; keep the
/// text in between on one line.
std::string detail::cleanMessage(std::string m) {
  for (const char *prefix : {"Error:", "Internal Error:", "Error"}) {
    size_t start = m.find_first_not_of(" \n\t");
    if (start != std::string::npos &&
        m.compare(start, std::strlen(prefix), prefix) == 0) {
      m = m.substr(start + std::strlen(prefix));
      break;
    }
  }
  std::string out;
  bool space = false;
  for (char c : m) {
    if (c == '\n' || c == '\t' || c == ' ') {
      space = !out.empty();
      continue;
    }
    if (space)
      out += ' ';
    space = false;
    out += c;
  }
  return out;
}

// Halide's compiler keeps global state (name counters, the LLVM 14 context
// setup, the JIT's shared runtime); one compilation at a time is cheap
// insurance.
static std::mutex &halideMutex() {
  static std::mutex m;
  return m;
}

/// Runs `fn` and turns anything it throws into a Status prefixed by
/// `prefix`.
Status detail::guarded(const std::string &prefix,
                       const std::function<Status()> &fn) {
  std::lock_guard<std::mutex> lock(halideMutex());
  try {
    return fn();
  } catch (const Halide::CompileError &e) {
    return Status::error(prefix +
                         "halide compile error: " + cleanMessage(e.what()));
  } catch (const Halide::RuntimeError &e) {
    return Status::error(prefix +
                         "halide runtime error: " + cleanMessage(e.what()));
  } catch (const Halide::InternalError &e) {
    return Status::error(prefix +
                         "halide internal error: " + cleanMessage(e.what()));
  } catch (const Halide::Error &e) {
    return Status::error(prefix + "halide error: " + cleanMessage(e.what()));
  } catch (const std::exception &e) {
    return Status::error(prefix + "error in halide: " + e.what());
  } catch (...) {
    return Status::error(prefix + "unknown exception in halide");
  }
}

namespace {

/// Halide reports an unwritable output path late and obscurely (from inside
/// LLVM); check it up front.
Status checkWritable(const std::string &path) {
  std::FILE *f = std::fopen(path.c_str(), "wb");
  if (!f)
    return Status::error("cannot open '" + path +
                         "' for writing: " + std::strerror(errno));
  std::fclose(f);
  return Status::success();
}

Status checkNonEmpty(const std::string &path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in || in.tellg() <= 0)
    return Status::error("halide wrote no data to '" + path + "'");
  return Status::success();
}

Status buildKernel(const Kernel &given, const Halide::Target &target,
                   Built &built) {
  // A kernel without a recipe (the C++ API, the JIT) gets the selector's
  // choice for this target: the function tern-select-schedule runs.
  Kernel selected;
  const Kernel *kp = &given;
  if (given.schedule.recipe == Schedule::Recipe::None) {
    selected = given;
    TargetDesc desc = detail::describe(target);
    desc.device = given.schedule.device; // the API's kernels say where
    Selection sel = selectSchedule(selected, desc);
    if (!sel.ok())
      return Status::error(kernelPrefix(given) + sel.gpuRefusal);
    kp = &selected;
  }
  const Kernel &k = *kp;
  if (k.schedule.device == Schedule::GPU && !target.has_gpu_feature())
    return Status::error(kernelPrefix(k) + "has a GPU schedule but target '" +
                         target.to_string() + "' has no GPU feature");
  detail::TranslateOptions options = detail::translateOptionsFor(k);
  Translator t(k, options, built);
  std::string unsupported = t.run();
  if (unsupported.empty())
    unsupported = detail::applySchedule(k, built);
  if (!unsupported.empty())
    return Status::error(kernelPrefix(k) + unsupported);
  built.pipeline = Halide::Pipeline(built.funcs);
  return Status::success();
}

/// A dense row-major buffer of `desc`'s shape at `data`, in Halide's
/// innermost-first order.
Halide::Buffer<> wrapBuffer(const Buffer &desc, void *data) {
  int rank = static_cast<int>(desc.shape.size());
  std::vector<halide_dimension_t> dims(rank);
  int64_t stride = 1;
  for (int j = 0; j < rank; ++j) {
    int32_t extent = static_cast<int32_t>(desc.shape[rank - 1 - j]);
    dims[j] = halide_dimension_t(0, extent, static_cast<int32_t>(stride));
    stride *= extent;
  }
  return Halide::Buffer<>(halideType(desc.type), data, rank, dims.data());
}

/// Collects the JIT runtime's error messages instead of letting the default
/// handler print them (and Halide throw or abort).
struct ErrorCollectingContext : Halide::JITUserContext {
  std::string message;
};

void collectJitError(Halide::JITUserContext *ctx, const char *msg) {
  auto *c = static_cast<ErrorCollectingContext *>(ctx);
  if (!c->message.empty())
    c->message += "; ";
  c->message += msg ? msg : "(no message)";
}

} // namespace

Status compileToObject(const Kernel &k, const std::string &target,
                       const std::string &objectPath) {
  if (Status s = verifyKernel(k); !s)
    return s;
  std::string prefix = kernelPrefix(k);
  bool created = false;
  Status result = guarded(prefix, [&]() -> Status {
    Halide::Target t;
    if (Status s = parseTarget(target, t); !s)
      return Status::error(prefix + s.message);
    if (Status s = checkWritable(objectPath); !s)
      return Status::error(prefix + s.message);
    created = true;
    Built built;
    if (Status s = buildKernel(k, t, built); !s)
      return s;
    // The runtime is compiled once per library (compileRuntime); asserts
    // stay on: they check the callers' buffer shapes once per call.
    built.pipeline.compile_to(
        {{Halide::OutputFileType::object, objectPath}}, built.arguments(),
        k.name, built.codegenTarget(t.with_feature(Halide::Target::NoRuntime)));
    if (Status s = checkNonEmpty(objectPath); !s)
      return Status::error(prefix + s.message);
    return Status::success();
  });
  // A failed compile must not leave a file a build system takes as done.
  if (!result && created)
    std::remove(objectPath.c_str());
  return result;
}

Status compileRuntime(const std::string &target,
                      const std::string &objectPath) {
  std::string prefix = "halide runtime for target '" + target + "': ";
  bool created = false;
  Status result = guarded(prefix, [&]() -> Status {
    Halide::Target t;
    if (Status s = parseTarget(target, t); !s)
      return Status::error(prefix + s.message);
    if (Status s = checkWritable(objectPath); !s)
      return Status::error(prefix + s.message);
    created = true;
    Halide::compile_standalone_runtime(objectPath, t);
    if (Status s = checkNonEmpty(objectPath); !s)
      return Status::error(prefix + s.message);
    return Status::success();
  });
  if (!result && created)
    std::remove(objectPath.c_str());
  return result;
}

/// One of Halide's text outputs (`type`) for `k`, read back into `text`.
static Status lowerToText(const Kernel &k, const std::string &target,
                          Halide::OutputFileType type, std::string &text) {
  if (Status s = verifyKernel(k); !s)
    return s;
  std::string prefix = kernelPrefix(k);
  const char *tmpdir = std::getenv("TMPDIR");
  std::string path =
      std::string(tmpdir && *tmpdir ? tmpdir : "/tmp") + "/tern-text-XXXXXX";
  int fd = mkstemp(path.data());
  if (fd < 0)
    return Status::error(prefix + "cannot create a temporary file '" + path +
                         "': " + std::strerror(errno));
  close(fd);
  Status result = guarded(prefix, [&]() -> Status {
    Halide::Target t;
    if (Status s = parseTarget(target, t); !s)
      return Status::error(prefix + s.message);
    Built built;
    if (Status s = buildKernel(k, t, built); !s)
      return s;
    // compile_to (not compile_to_lowered_stmt) so that the function gets
    // the kernel's name, as in the object file.
    built.pipeline.compile_to(
        {{type, path}}, built.arguments(), k.name,
        built.codegenTarget(t.with_feature(Halide::Target::NoRuntime)));
    std::ifstream in(path);
    std::ostringstream read;
    read << in.rdbuf();
    if (!in)
      return Status::error(prefix + "cannot read back '" + path + "'");
    text = read.str();
    return Status::success();
  });
  std::remove(path.c_str());
  return result;
}

Status lowerToStmt(const Kernel &k, const std::string &target,
                   std::string &stmt) {
  return lowerToText(k, target, Halide::OutputFileType::stmt, stmt);
}

Status lowerToAssembly(const Kernel &k, const std::string &target,
                       std::string &assembly) {
  return lowerToText(k, target, Halide::OutputFileType::assembly, assembly);
}

/// Runs a built kernel with Halide's JIT on dense row-major host buffers
/// (under the caller's `guarded`).
static Status realizeOn(const Kernel &k, Built &built, const Halide::Target &t,
                        const std::vector<const void *> &inputs,
                        const std::vector<void *> &outputs,
                        const std::string &prefix) {
  for (size_t i = 0; i < inputs.size(); ++i)
    built.inputs[i].set(wrapBuffer(k.inputs[i], const_cast<void *>(inputs[i])));
  std::vector<Halide::Buffer<>> outs;
  for (size_t i = 0; i < outputs.size(); ++i)
    outs.push_back(wrapBuffer(k.outputs[i].buffer, outputs[i]));
  Halide::Realization realization(outs);
  ErrorCollectingContext ctx;
  ctx.handlers.custom_error = collectJitError;
  built.pipeline.realize(&ctx, realization, built.codegenTarget(t));
  if (!ctx.message.empty())
    return Status::error(prefix +
                         "halide runtime error: " + cleanMessage(ctx.message));
  return Status::success();
}

Status runJit(const Kernel &k, const std::vector<const void *> &inputs,
              const std::vector<void *> &outputs) {
  if (Status s = verifyKernel(k); !s)
    return s;
  std::string prefix = kernelPrefix(k);
  if (inputs.size() != k.inputs.size())
    return Status::error(
        prefix + "runJit got " + std::to_string(inputs.size()) +
        " input pointers, expected " + std::to_string(k.inputs.size()));
  if (outputs.size() != k.outputs.size())
    return Status::error(
        prefix + "runJit got " + std::to_string(outputs.size()) +
        " output pointers, expected " + std::to_string(k.outputs.size()));
  for (size_t i = 0; i < inputs.size(); ++i)
    if (!inputs[i])
      return Status::error(prefix + "runJit got a null pointer for input " +
                           std::to_string(i));
  for (size_t i = 0; i < outputs.size(); ++i)
    if (!outputs[i])
      return Status::error(prefix + "runJit got a null pointer for output " +
                           std::to_string(i));
  return guarded(prefix, [&]() -> Status {
    Halide::Target t = jitTarget();
    Built built;
    if (Status s = buildKernel(k, t, built); !s)
      return s;
    return realizeOn(k, built, t, inputs, outputs, prefix);
  });
}

Status
detail::withHlsModule(const Kernel &k,
                      const std::function<Status(const Halide::Module &)> &fn) {
  if (Status s = verifyKernel(k); !s)
    return s;
  std::string prefix = kernelPrefix(k);
  if (k.schedule.device != Schedule::HLS)
    return Status::error(prefix + "has no HLS schedule");
  return guarded(prefix, [&]() -> Status {
    Halide::Target t("x86-64-linux");
    t = t.with_feature(Halide::Target::NoAsserts)
            .with_feature(Halide::Target::NoBoundsQuery)
            .with_feature(Halide::Target::NoRuntime);
    Built built;
    if (Status s = buildKernel(k, t, built); !s)
      return s;
    Halide::Module module =
        built.pipeline.compile_to_module(built.arguments(), k.name, t);
    return fn(module);
  });
}

struct JitKernel::Impl {
  Kernel kernel;
  Halide::Target target;
  Built built;
};

JitKernel::JitKernel() = default;
JitKernel::~JitKernel() = default;
JitKernel::JitKernel(JitKernel &&) noexcept = default;
JitKernel &JitKernel::operator=(JitKernel &&) noexcept = default;

Status JitKernel::compile(const Kernel &k) {
  if (Status s = verifyKernel(k); !s)
    return s;
  auto next = std::make_unique<Impl>();
  next->kernel = k;
  next->kernel.schedule = Schedule();
  std::string prefix = kernelPrefix(k);
  Status s = guarded(prefix, [&]() -> Status {
    next->target = jitTarget();
    if (Status b = buildKernel(next->kernel, next->target, next->built); !b)
      return b;
    next->target = next->built.codegenTarget(next->target);
    next->built.pipeline.compile_jit(next->target);
    return Status::success();
  });
  if (s)
    impl = std::move(next);
  return s;
}

Status JitKernel::run(const std::vector<const void *> &inputs,
                      const std::vector<void *> &outputs) {
  if (!impl)
    return Status::error("JitKernel::run before a successful compile");
  const Kernel &k = impl->kernel;
  std::string prefix = kernelPrefix(k);
  if (inputs.size() != k.inputs.size() || outputs.size() != k.outputs.size())
    return Status::error(prefix + "JitKernel::run got the wrong number of "
                                  "buffers");
  for (const void *p : inputs)
    if (!p)
      return Status::error(prefix + "JitKernel::run got a null input");
  for (void *p : outputs)
    if (!p)
      return Status::error(prefix + "JitKernel::run got a null output");
  return guarded(prefix, [&]() -> Status {
    return realizeOn(k, impl->built, impl->target, inputs, outputs, prefix);
  });
}

} // namespace tern::kernel
