//===- Link.cpp - ternc's back phases: kernels, sources, link, install ----===//
//
// The phases of Compilation::run (Driver.cpp) after the plan: compile every
// kernel (for every --target variant) and Halide's runtime to objects,
// write the header, the driver and the weights, link the static and shared
// libraries (or one object) with the C toolchain, and move the outputs into
// place. Everything is made in <output>/<name>.build/ first.
//
//===----------------------------------------------------------------------===//

#include "Compilation.h"
#include "tern/Emit/LibraryWriter.h"
#include "tern/Target/Halide/KernelCompiler.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/Path.h"

using namespace mlir;
using namespace ::tern::driver;
using namespace ::tern::driver::detail;
namespace tk = ::tern::kernel;
namespace tp = ::tern::plan;

static LogicalResult error(const Twine &message) {
  fail(message);
  return failure();
}

std::string Compilation::inBuild(StringRef file) const {
  SmallString<256> p(buildDir);
  llvm::sys::path::append(p, file);
  return std::string(p);
}

std::string Compilation::inOut(StringRef file) const {
  SmallString<256> p(outDir);
  llvm::sys::path::append(p, file);
  return std::string(p);
}

//===----------------------------------------------------------------------===//
// 7. Kernels
//===----------------------------------------------------------------------===//

LogicalResult Compilation::compileKernels() {
  outDir = options.output.output.empty() ? "." : options.output.output;
  if (std::error_code ec = llvm::sys::fs::create_directories(outDir))
    return error("cannot create output directory '" + outDir +
                 "': " + ec.message());
  SmallString<256> dir(outDir);
  llvm::sys::path::append(dir, name + ".build");
  buildDir = std::string(dir);
  if (std::error_code ec = llvm::sys::fs::create_directories(buildDir))
    return error("cannot create '" + buildDir + "': " + ec.message());

  progress.step("compiling " + Twine(modelPlan->kernels.size()) +
                " kernels with Halide for " + targetList);
  for (auto [v, variantTarget] : llvm::enumerate(targets)) {
    if (targets.size() > 1)
      progress.note("target " + Twine(v + 1) + "/" + Twine(targets.size()) +
                    ": " + variantTarget);
    for (auto [i, k] : llvm::enumerate(modelPlan->kernels)) {
      progress.note("kernel " + Twine(i + 1) + "/" +
                    Twine(modelPlan->kernels.size()) + ": " + k.name);
      tk::Kernel variant = v == 0 ? k : variantKernels[v][i];
      variant.name = tp::variantKernelName(k.name, v);
      std::string obj = inBuild(variant.name + ".o");
      if (tk::Status s = tk::compileToObject(variant, variantTarget, obj); !s) {
        reportKernelError(k, *modelPlan, s.message);
        return failure();
      }
      objects.push_back(obj);
    }
  }
  // Halide's runtime is compiled without the targets' instruction-set
  // features: NAME_create asks the CPU for them through it, so it must run
  // on a CPU that lacks them.
  std::string runtimeObj = inBuild("halide_runtime.o");
  std::string runtimeTarget;
  if (tk::Status s = tk::baselineTarget(targets.front(), runtimeTarget); !s)
    return error("cannot compile Halide's runtime: " + s.message);
  if (tk::Status s = tk::compileRuntime(runtimeTarget, runtimeObj); !s)
    return error("cannot compile Halide's runtime: " + s.message);
  return success();
}

//===----------------------------------------------------------------------===//
// 8. Header, driver, weights
//===----------------------------------------------------------------------===//

LogicalResult Compilation::writeLibrarySources() {
  // Every output is made in the build folder and moved into the output
  // directory only once all of them exist (install), so a compile that
  // fails leaves the previous library and header as they were, never a new
  // header beside an old library.
  progress.step("writing " + name + ".h, the driver and the weights");
  std::string header = inBuild(name + ".h");
  driverSrc = inBuild(name + "_driver.c");
  std::string weightsBin = inBuild(name + ".weights.bin");
  weightsAsm = inBuild(name + "_weights.S");
  SmallString<256> weightsAbs(weightsBin);
  llvm::sys::fs::make_absolute(weightsAbs);
  for (const std::string &variantTarget : targets) {
    tk::TargetFeatures features;
    if (tk::Status s = tk::targetFeatures(variantTarget, features); !s)
      return error("invalid --target '" + variantTarget + "': " + s.message);
    modelPlan->targets.push_back(
        {variantTarget, features.words, features.cpuFeatures});
  }
  std::string driver = ::tern::emit::generateDriver(*modelPlan);
  std::string buildId =
      ::tern::emit::buildId(driver, modelPlan->weights, targetList);
  driver += ::tern::emit::buildSymbolDefinition(*modelPlan, buildId);
  if (!writeFile(header, ::tern::emit::generateHeader(*modelPlan, targetList,
                                                      buildId)) ||
      !writeFile(driverSrc, driver) ||
      !writeFile(weightsBin, StringRef(modelPlan->weights.data(),
                                       modelPlan->weights.size())) ||
      !writeFile(weightsAsm, ::tern::emit::generateWeightsAsm(
                                 *modelPlan, weightsAbs.str().str())))
    return failure();
  return success();
}

//===----------------------------------------------------------------------===//
// 9. Link
//===----------------------------------------------------------------------===//

LogicalResult Compilation::link() {
  runtimeLib = locate(options.output.argv0, TERN_BUILD_RUNTIME_LIBRARY,
                      "lib/libtern_runtime_weak.a");
  runtimeInclude = locate(options.output.argv0, TERN_BUILD_RUNTIME_INCLUDE_DIR,
                          "include", "tern/runtime.h");
  if (runtimeLib.empty() || runtimeInclude.empty())
    return error("cannot find Tern's runtime (libtern_runtime_weak.a and "
                 "tern/runtime.h) next to ternc or in the build tree");
  // A cross toolchain's ar and g++ come from --cc's prefix.
  std::string ar = !options.output.ar.empty() ? options.output.ar
                   : cross                    ? siblingTool(cc, "ar")
                                              : "ar";
  if (cross) {
    progress.note("building the runtime for " + arch + " with " +
                  siblingTool(cc, "g++"));
    runtimeLib = buildRuntimeFor(options.output.argv0, cc, ar,
                                 [&](StringRef f) { return inBuild(f); });
    if (runtimeLib.empty())
      return failure();
  }
  progress.step("linking with " + cc);
  std::string driverObj = inBuild(name + "_driver.o");
  std::string weightsObj = inBuild(name + "_weights.o");
  // A sanitizer build of ternc instruments the drivers it generates too.
  SmallVector<StringRef> sanitize;
  StringRef(TERN_DRIVER_SANITIZE_FLAGS).split(sanitize, ' ', -1, false);
  std::vector<std::string> driverArgs = {"-std=c99",
                                         "-O2",
                                         "-fPIC",
                                         "-Wall",
                                         "-c",
                                         driverSrc,
                                         "-o",
                                         driverObj,
                                         "-I" + runtimeInclude,
                                         "-I" + buildDir,
                                         "-I" TERN_HALIDE_INCLUDE_DIR};
  for (StringRef flag : sanitize)
    driverArgs.push_back(flag.str());
  if (!runTool(cc, driverArgs, "compile the generated driver") ||
      !runTool(cc, {"-c", weightsAsm, "-o", weightsObj},
               "assemble the weights"))
    return failure();
  objects.push_back(driverObj);
  objects.push_back(weightsObj);
  objects.push_back(inBuild("halide_runtime.o"));

  // Every library and object carries the runtime, its symbols weak
  // (libtern_runtime_weak.a): a program that links several models (with
  // --whole-archive, or their objects) keeps one copy of each runtime
  // function instead of failing on duplicate definitions. (Halide's
  // runtime is weak already.)
  if (options.output.emit == EmitKind::Obj) {
    outputs = {name + ".o", name + ".h"};
    std::string obj = inBuild(name + ".o");
    std::vector<std::string> args = {"-r", "-nostdlib", "-o", obj};
    args.insert(args.end(), objects.begin(), objects.end());
    args.insert(args.end(),
                {"-Wl,--whole-archive", runtimeLib, "-Wl,--no-whole-archive"});
    if (!runTool(cc, args, "combine the objects into " + obj))
      return failure();
  } else {
    outputs = {"lib" + name + ".a", "lib" + name + ".so", name + ".h"};
    std::string staticLib = inBuild("lib" + name + ".a");
    std::string sharedLib = inBuild("lib" + name + ".so");
    llvm::sys::fs::remove(staticLib);
    // An MRI script lets ar merge the runtime archive's members in.
    std::string mri = "create " + staticLib + "\n";
    for (const std::string &o : objects)
      mri += "addmod " + o + "\n";
    mri += "addlib " + runtimeLib + "\nsave\nend\n";
    std::string mriPath = inBuild("archive.mri");
    if (!writeFile(mriPath, mri))
      return failure();
    if (!runTool(ar, {"-M"}, "create " + staticLib, mriPath))
      return failure();
    std::vector<std::string> linkArgs = {"-shared",   "-o",
                                         sharedLib,   "-Wl,--whole-archive",
                                         staticLib,   "-Wl,--no-whole-archive",
                                         "-lpthread", "-ldl",
                                         "-lm"};
    for (StringRef flag : sanitize)
      linkArgs.push_back(flag.str());
    if (!runTool(cc, linkArgs, "link " + sharedLib))
      return failure();
  }
  return success();
}

//===----------------------------------------------------------------------===//
// 10. Install
//===----------------------------------------------------------------------===//

LogicalResult Compilation::install() {
  // Everything was made: move it into place, each file renamed over the
  // old one (atomic within a file system). tern/runtime.h is copied to a unique
  // name and renamed the same way, as ternc processes compiling into one
  // directory at once share it.
  SmallString<256> runtimeHeaderDir(outDir);
  llvm::sys::path::append(runtimeHeaderDir, "tern");
  llvm::sys::fs::create_directories(runtimeHeaderDir);
  SmallString<256> runtimeHeaderSrc(runtimeInclude);
  llvm::sys::path::append(runtimeHeaderSrc, "tern", "runtime.h");
  SmallString<256> runtimeHeaderDst(runtimeHeaderDir);
  llvm::sys::path::append(runtimeHeaderDst, "runtime.h");
  SmallString<256> runtimeHeaderTmp;
  std::error_code ec = llvm::sys::fs::createUniqueFile(
      runtimeHeaderDst + ".tmp%%%%%%", runtimeHeaderTmp);
  if (!ec)
    ec = llvm::sys::fs::copy_file(runtimeHeaderSrc, runtimeHeaderTmp);
  if (!ec)
    ec = llvm::sys::fs::rename(runtimeHeaderTmp, runtimeHeaderDst);
  if (ec) {
    llvm::sys::fs::remove(runtimeHeaderTmp);
    return error("cannot copy tern/runtime.h into '" + outDir +
                 "': " + ec.message());
  }
  for (const std::string &file : outputs)
    if (std::error_code ec = llvm::sys::fs::rename(inBuild(file), inOut(file)))
      return error("cannot move " + file + " into '" + outDir +
                   "': " + ec.message());
  // A language model's SentencePiece tokenizer goes with it, for tern-run
  // --prompt and callers that work with text.
  if (!tokenizerModel.empty())
    if (std::error_code ec = llvm::sys::fs::copy_file(
            tokenizerModel, inOut(name + ".tokenizer.model")))
      return error("cannot copy the tokenizer '" + tokenizerModel + "' into '" +
                   outDir + "': " + ec.message());

  if (!options.output.keepTemps)
    llvm::sys::fs::remove_directories(buildDir);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  if (!options.diagnostics.quiet)
    llvm::errs() << "ternc: wrote "
                 << (options.output.emit == EmitKind::Obj
                         ? inOut(name + ".o")
                         : inOut("lib" + name + ".a") + ", " +
                               inOut("lib" + name + ".so") + ", " +
                               inOut(name + ".h"))
                 << " in " << llvm::format("%.1f", seconds) << " s\n";
  return success();
}
