//===- DriverSupport.cpp - What ternc's phases share
//-----------------------===//
//
// Files, progress, messages and the C toolchain for the phases of
// Driver.cpp and Link.cpp.
//
//===----------------------------------------------------------------------===//

#include "DriverSupport.h"
#include "tern/Target/Halide/KernelCompiler.h"

#include "mlir/IR/AsmState.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
namespace tk = ::tern::kernel;
namespace tp = ::tern::plan;

namespace tern::driver::detail {

int fail(const Twine &message) {
  llvm::errs() << "ternc: error: " << message << "\n";
  return 1;
}

/// Writes `text` to `path`, or reports why it could not.
bool writeFile(StringRef path, StringRef text) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (ec) {
    fail("cannot write '" + path + "': " + ec.message());
    return false;
  }
  os << text;
  os.close();
  if (os.has_error()) {
    fail("cannot write '" + path + "': " + os.error().message());
    os.clear_error();
    return false;
  }
  return true;
}

/// Writes `text` to `path`, or to stdout if `path` is empty.
bool writeOutput(StringRef path, StringRef text) {
  if (path.empty()) {
    llvm::outs() << text;
    llvm::outs().flush();
    return true;
  }
  return writeFile(path, text);
}

std::string humanBytes(int64_t bytes) {
  std::string s;
  llvm::raw_string_ostream os(s);
  if (bytes >= (1 << 20))
    os << llvm::format("%.1f MiB", bytes / double(1 << 20));
  else if (bytes >= 1024)
    os << llvm::format("%.1f KiB", bytes / 1024.0);
  else
    os << bytes << " B";
  return s;
}

/// Runs an external program; on failure prints the command and its output.
/// `stdinPath`, when not empty, is the program's standard input.
bool runTool(StringRef program, ArrayRef<std::string> args, StringRef what,
             StringRef stdinPath) {
  llvm::ErrorOr<std::string> path = llvm::sys::findProgramByName(program);
  if (!path) {
    fail("cannot find '" + program + "' (needed to " + what +
         "); install it or name another with --cc/--ar");
    return false;
  }
  SmallVector<StringRef> argv = {*path};
  for (const std::string &a : args)
    argv.push_back(a);
  SmallString<128> log;
  llvm::sys::fs::createTemporaryFile("ternc-tool", "log", log);
  std::optional<StringRef> in;
  if (!stdinPath.empty())
    in = stdinPath;
  std::optional<StringRef> redirects[] = {in, StringRef(log), StringRef(log)};
  std::string message;
  int rc = llvm::sys::ExecuteAndWait(*path, argv, std::nullopt, redirects, 0, 0,
                                     &message);
  if (rc != 0) {
    std::string command;
    for (StringRef a : argv)
      command += (command.empty() ? "" : " ") + a.str();
    llvm::errs() << "ternc: error: failed to " << what << " (exit code " << rc
                 << (message.empty() ? "" : ", " + message) << ")\n"
                 << "  command: " << command << "\n";
    if (auto buffer = llvm::MemoryBuffer::getFile(log))
      llvm::errs() << (*buffer)->getBuffer();
  }
  llvm::sys::fs::remove(log);
  return rc == 0;
}

/// Finds a file installed next to ternc (`<bin>/../<relative>`) or in the
/// build tree (`buildPath`).
/// A folder counts only when it holds `probe` (e.g. tern/runtime.h in an
/// include folder: /usr/local/include exists without it).
std::string locate(StringRef argv0, StringRef buildPath, StringRef relative,
                   StringRef probe) {
  auto found = [&](StringRef path) {
    SmallString<256> p(path);
    if (!probe.empty())
      llvm::sys::path::append(p, probe);
    return llvm::sys::fs::exists(p);
  };
  // An installed ternc finds its own prefix's files first, even when the
  // build tree it came from still exists.
  std::string exe = llvm::sys::fs::getMainExecutable(
      argv0.str().c_str(), reinterpret_cast<void *>(&locate));
  SmallString<256> p(llvm::sys::path::parent_path(exe));
  llvm::sys::path::append(p, "..", relative);
  if (found(p))
    return std::string(p);
  if (!buildPath.empty() && found(buildPath))
    return buildPath.str();
  return std::string();
}

/// The tool `tool` of the toolchain whose C compiler is `cc`:
/// aarch64-linux-gnu-gcc -> aarch64-linux-gnu-ar (g++, objcopy ...), clang
/// -> clang++ for g++; `tool` itself for a compiler named otherwise.
std::string siblingTool(StringRef cc, StringRef tool) {
  StringRef dir = llvm::sys::path::parent_path(cc);
  StringRef file = llvm::sys::path::filename(cc);
  std::string prefix;
  for (StringRef compiler : {"gcc", "cc", "clang"})
    if (file.ends_with(compiler)) {
      prefix = file.drop_back(compiler.size()).str();
      if (tool == "g++" && compiler != "gcc")
        return (dir.empty() ? "" : dir.str() + "/") + prefix +
               (compiler == "clang" ? "clang++" : "c++");
      break;
    }
  return (dir.empty() ? "" : dir.str() + "/") + prefix + tool.str();
}

/// Tern's runtime built for a cross target: its sources compiled with the
/// toolchain's C++ compiler, archived, and its symbols made weak as in
/// libtern_runtime_weak.a (the list libtern_runtime.syms, written with it).
/// Returns the archive, or "" after printing why.
std::string
buildRuntimeFor(StringRef argv0, StringRef cc, StringRef ar,
                const std::function<std::string(StringRef)> &inBuild) {
  std::string sources = locate(argv0, TERN_BUILD_RUNTIME_SOURCE_DIR,
                               "share/tern/runtime/src", "Threads.cpp");
  std::string include = locate(argv0, TERN_BUILD_RUNTIME_INCLUDE_DIR, "include",
                               "tern/runtime.h");
  std::string syms =
      locate(argv0, TERN_BUILD_RUNTIME_SYMBOLS, "lib/libtern_runtime.syms");
  if (sources.empty() || include.empty() || syms.empty()) {
    fail("cannot find the runtime's sources and symbol list (share/tern/"
         "runtime/src, lib/libtern_runtime.syms) next to ternc");
    return "";
  }
  std::string cxx = siblingTool(cc, "g++");
  std::vector<std::string> objects;
  for (StringRef file : {"Arena.cpp", "Sampling.cpp", "Status.cpp",
                         "Tensor.cpp", "Threads.cpp"}) {
    SmallString<256> src(sources);
    llvm::sys::path::append(src, file);
    std::string obj = inBuild(("runtime_" + file + ".o").str());
    if (!runTool(cxx,
                 {"-std=c++17", "-O2", "-fPIC", "-fno-exceptions", "-c",
                  std::string(src), "-I" + include, "-o", obj},
                 "compile the runtime's " + file.str()))
      return "";
    objects.push_back(obj);
  }
  std::string strong = inBuild("libtern_runtime_target.a");
  std::string weak = inBuild("libtern_runtime_target_weak.a");
  llvm::sys::fs::remove(strong);
  std::vector<std::string> args = {"rcs", strong};
  args.insert(args.end(), objects.begin(), objects.end());
  if (!runTool(ar, args, "archive the runtime") ||
      !runTool(siblingTool(cc, "objcopy"),
               {"--weaken-symbols=" + syms, strong, weak},
               "make the runtime's symbols weak"))
    return "";
  return weak;
}

/// The canonical Halide targets of --target: one, or a comma-separated list
/// of x86-64 CPU targets for a multi-target library (every kernel compiled
/// for each, the first the CPU has chosen at create time; the kernel
/// pipeline's choices follow the first). Returns what is wrong, or "".
std::string resolveTargets(StringRef spec, std::vector<std::string> &targets) {
  SmallVector<StringRef> names;
  spec.split(names, ',');
  for (StringRef name : names) {
    std::string spelled = name.trim().str(), canonical;
    if (tk::Status s = tk::resolveTarget(spelled, canonical); !s)
      return "invalid --target '" + spelled + "': " + s.message;
    if (names.size() > 1 && StringRef(canonical).contains("cuda"))
      return "--target lists several targets for CPU libraries only; '" +
             spelled + "' has cuda";
    if (names.size() > 1 && StringRef(canonical).split('-').first != "x86")
      return "--target: multi-target libraries are for x86-64 CPUs; '" +
             spelled + "' is not one";
    targets.push_back(canonical);
  }
  return "";
}

std::string defaultName(StringRef input) {
  std::string stem =
      input == "-" ? "model" : llvm::sys::path::stem(input).str();
  std::string name;
  for (char c : stem)
    name += (isalnum(static_cast<unsigned char>(c)) || c == '_') ? c : '_';
  if (name.empty() || isdigit(static_cast<unsigned char>(name[0])))
    name = "m_" + name;
  return name;
}

std::string printOp(Operation *op) {
  std::string s;
  llvm::raw_string_ostream os(s);
  op->print(os);
  return s;
}

std::string printModule(ModuleOp module) { return printOp(module); }

/// Finds the op a kernel step came from, for diagnostics: the location
/// string was printed from it.
void reportKernelError(const tk::Kernel &k, const tp::ModelPlan &plan,
                       const std::string &message) {
  std::string where;
  for (const tp::Step &s : plan.steps)
    if (s.kind == tp::Step::Call && plan.kernels[s.kernel].name == k.name) {
      where = s.location;
      break;
    }
  llvm::errs() << (where.empty() ? std::string("ternc") : where)
               << ": error: Halide failed to compile kernel '" << k.name
               << "': " << message << "\n";
}

/// Prints "<file>: node 'x' (Conv): error: message" for diagnostics at the
/// named locations the ONNX importer gives.
LogicalResult printNamedDiagnostic(Diagnostic &diag) {
  auto print = [](Location loc, DiagnosticSeverity severity,
                  const Twine &message) {
    std::string where;
    llvm::raw_string_ostream os(where);
    if (auto name = dyn_cast<NameLoc>(loc))
      os << name.getName().getValue();
    else if (auto file = dyn_cast<FileLineColLoc>(loc))
      os << file.getFilename().getValue() << ":" << file.getLine() << ":"
         << file.getColumn();
    else
      loc.print(os);
    const char *kind = severity == DiagnosticSeverity::Error     ? "error"
                       : severity == DiagnosticSeverity::Warning ? "warning"
                       : severity == DiagnosticSeverity::Remark  ? "remark"
                                                                 : "note";
    llvm::errs() << where << ": " << kind << ": " << message << "\n";
  };
  print(diag.getLocation(), diag.getSeverity(), diag.str());
  for (Diagnostic &note : diag.getNotes())
    print(note.getLocation(), note.getSeverity(), note.str());
  return success();
}

/// MLIR's pass-manager command-line flags, and --dump-after: the IR after
/// each named pass, on stderr.
LogicalResult configurePassManager(PassManager &pm,
                                   const std::vector<std::string> &dumpAfter) {
  if (failed(applyPassManagerCLOptions(pm)))
    return failure();
  if (!dumpAfter.empty())
    pm.enableIRPrinting(
        /*shouldPrintBeforePass=*/[](Pass *, Operation *) { return false; },
        /*shouldPrintAfterPass=*/
        [dumpAfter](Pass *pass, Operation *) {
          return llvm::is_contained(dumpAfter, pass->getArgument().str());
        },
        /*printModuleScope=*/false, /*printAfterOnlyOnChange=*/false);
  return success();
}

} // namespace tern::driver::detail
