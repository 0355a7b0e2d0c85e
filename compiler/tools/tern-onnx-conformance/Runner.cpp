//===- Runner.cpp - One ONNX backend test from model to verdict -*- C++ -*-===//

#include "Runner.h"
#include "ModelRun.h"
#include "Process.h"
#include "Tensor.h"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <sstream>
#include <thread>

namespace fs = std::filesystem;
using namespace tern::conformance;

static std::string join(const std::vector<std::string> &items) {
  std::string s;
  for (const std::string &item : items)
    s += (s.empty() ? "" : ", ") + item;
  return s;
}

std::string tern::conformance::opList(const TestCase &test) {
  return join({test.model.opTypes.begin(), test.model.opTypes.end()});
}

static TestResult makeResult(const TestCase &test, Outcome outcome,
                             const std::string &detail) {
  return TestResult{test.id(), opList(test), outcome, detail};
}

TestResult tern::conformance::uncompiledResult(const TestCase &test) {
  if (!test.hasModel)
    return makeResult(test, Outcome::Unsupported, "no model.onnx");
  if (!test.modelError.empty())
    return makeResult(test, Outcome::Fail, test.modelError);
  return makeResult(test, Outcome::Unsupported,
                    "unclaimed ops: " + join(test.unclaimedOps));
}

/// The first data file of `test` with an element type Tern models do not
/// take, as a message; empty when there is none.
static std::string findUnsupportedData(const TestCase &test) {
  for (const std::string &set : test.dataSets) {
    std::error_code ec;
    std::vector<fs::path> files;
    for (const fs::directory_entry &entry : fs::directory_iterator(set, ec))
      if (entry.path().extension() == ".pb")
        files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    for (const fs::path &file : files) {
      std::string where =
          fs::path(set).filename().string() + "/" + file.filename().string();
      int32_t type = 0;
      tern_dtype dtype;
      if (std::string error = readTensorType(file.string(), type);
          !error.empty())
        return where + ": " + error;
      if (!dtypeFromOnnx(type, dtype))
        return "unsupported dtype " + onnxTypeName(type) + " in " + where;
    }
  }
  return "";
}

/// What ternc said when it failed: its first error line, and how it ended
/// unless it simply exited with a nonzero status.
static std::string compileFailure(const ProcessResult &process,
                                  const std::string &logPath) {
  if (!process.spawnError.empty())
    return "ternc " + process.describe();
  std::string log = readFile(logPath);
  bool silent = log.find_first_not_of(" \t\r\n") == std::string::npos;
  if (process.exitCode > 0 && !silent)
    return "ternc: " + firstErrorLine(log);
  return "ternc " + process.describe() +
         (silent ? " with no output" : ": " + firstErrorLine(log));
}

/// The verdict of a --run-model child: its failure line if it printed one,
/// else how it ended.
static std::string runFailure(const ProcessResult &process,
                              const std::string &logPath) {
  std::string log = readFile(logPath);
  std::istringstream lines(log);
  std::string line, verdict;
  const std::string prefix = kFailurePrefix;
  while (std::getline(lines, line))
    if (line.rfind(prefix, 0) == 0)
      verdict = line.substr(prefix.size());
  if (!verdict.empty() && process.exitCode == 1)
    return verdict;
  bool silent = log.find_first_not_of(" \t\r\n") == std::string::npos;
  return "running the model: " + process.describe() +
         (silent ? "" : "; output: " + firstErrorLine(log));
}

bool tern::conformance::needsFrozenInputs(const std::string &terncLog) {
  return terncLog.find("known at compile time") != std::string::npos;
}

static bool isIntegerType(int32_t type) {
  switch (type) {
  case onnx::TensorProto::INT8:
  case onnx::TensorProto::INT16:
  case onnx::TensorProto::INT32:
  case onnx::TensorProto::INT64:
  case onnx::TensorProto::UINT8:
    return true;
  default:
    return false;
  }
}

static bool isSmallFloat(const InputType &type) {
  if (type.elemType != onnx::TensorProto::FLOAT &&
      type.elemType != onnx::TensorProto::DOUBLE)
    return false;
  if (!type.hasShape)
    return false;
  return type.shape.empty() ||
         (type.shape.size() == 1 && type.shape[0] >= 0 && type.shape[0] <= 8);
}

std::vector<std::string>
tern::conformance::inputsToFreeze(const ModelSummary &model,
                                  FreezeLevel level) {
  std::vector<std::string> names;
  for (size_t i = 0; i < model.inputs.size() && i < model.inputTypes.size();
       ++i) {
    const InputType &type = model.inputTypes[i];
    bool shapeLike = type.hasShape && type.shape.size() <= 1;
    bool integer = isIntegerType(type.elemType);
    if ((integer && (shapeLike || level != FreezeLevel::ShapeLikeIntegers)) ||
        (level == FreezeLevel::IntegersAndSmallFloats && isSmallFloat(type)))
      names.push_back(model.inputs[i]);
  }
  return names;
}

std::string
tern::conformance::frozenDetail(const std::vector<std::string> &names) {
  return "inputs frozen at compile time: " + join(names);
}

std::string tern::conformance::freezeArguments(
    const std::string &dataSet, const ModelSummary &model,
    const std::vector<std::string> &names, std::vector<std::string> &args) {
  std::map<std::string, std::string> files;
  for (size_t k = 0;; ++k) {
    fs::path file = fs::path(dataSet) / ("input_" + std::to_string(k) + ".pb");
    std::error_code ec;
    if (!fs::exists(file, ec))
      break;
    Tensor tensor;
    if (std::string error = readTensorFile(file.string(), tensor);
        !error.empty())
      return file.filename().string() + ": " + error;
    std::string input = graphInputOf(tensor.name, k, model.inputs);
    if (!input.empty())
      files.emplace(input, file.string());
  }
  for (const std::string &name : names) {
    auto it = files.find(name);
    if (it == files.end())
      return "no data file in " + fs::path(dataSet).filename().string() +
             " for input '" + name + "' to freeze";
    args.push_back("--freeze-input");
    args.push_back(name + "=" + it->second);
  }
  return "";
}

namespace {
/// How one ternc invocation ended.
struct Compilation {
  bool ok = false;
  /// What failed, when it did not succeed.
  std::string failure;
  /// ternc's output.
  std::string log;
};
} // namespace

/// Compiles `test` into `dir` with the extra ternc arguments `extraArgs`.
static Compilation compileInto(const TestCase &test, const RunConfig &config,
                               const fs::path &dir,
                               const std::vector<std::string> &extraArgs) {
  std::string modelPath = (fs::path(test.dir) / "model.onnx").string();
  std::string logPath = (dir / "ternc.log").string();
  std::vector<std::string> argv = {config.ternc, modelPath, "-o",
                                   dir.string(), "--name",  kModelName,
                                   "--quiet"};
  argv.insert(argv.end(), extraArgs.begin(), extraArgs.end());
  ProcessResult process = runProcess(argv, logPath, config.timeoutSeconds);
  Compilation result;
  result.log = readFile(logPath);
  result.ok = process.succeeded();
  if (!result.ok) {
    result.failure = compileFailure(process, logPath);
    return result;
  }
  fs::path lib = dir / (std::string("lib") + kModelName + ".so");
  std::error_code ec;
  if (!fs::exists(lib, ec)) {
    result.ok = false;
    result.failure = "ternc succeeded but wrote no " + lib.filename().string();
  }
  return result;
}

/// Runs the model compiled into `dir` in a child process, on `dataSet` or
/// (when empty) on every data set of `test`, leaving out the inputs
/// `frozen`. Returns an empty string when every output matches.
static std::string runCompiled(const TestCase &test, const RunConfig &config,
                               const fs::path &dir, const std::string &dataSet,
                               const std::vector<std::string> &frozen) {
  fs::path lib = dir / (std::string("lib") + kModelName + ".so");
  std::string runLog = (dir / "run.log").string();
  std::vector<std::string> argv = {config.self, "--run-model", lib.string(),
                                   "--test-dir", test.dir};
  if (!dataSet.empty()) {
    argv.push_back("--data-set");
    argv.push_back(dataSet);
  }
  for (const std::string &name : frozen) {
    argv.push_back("--frozen");
    argv.push_back(name);
  }
  ProcessResult run = runProcess(argv, runLog, config.timeoutSeconds);
  return run.succeeded() ? "" : runFailure(run, runLog);
}

/// Compiles and runs `test` once per data set with its shape-like inputs
/// frozen to that set's values (see Runner.h).
static TestResult compileAndRunFrozen(const TestCase &test,
                                      const RunConfig &config,
                                      const fs::path &dir) {
  const std::vector<std::string> levels[] = {
      inputsToFreeze(test.model, FreezeLevel::ShapeLikeIntegers),
      inputsToFreeze(test.model, FreezeLevel::Integers),
      inputsToFreeze(test.model, FreezeLevel::IntegersAndSmallFloats)};
  std::vector<std::string> allFrozen;
  auto fail = [&](const std::string &message,
                  const std::vector<std::string> &frozen) {
    TestResult result = makeResult(test, Outcome::Fail,
                                   message + " (" + frozenDetail(frozen) + ")");
    result.frozenInputs = true;
    return result;
  };
  for (const std::string &set : test.dataSets) {
    std::string setName = fs::path(set).filename().string();
    fs::path setDir = dir / setName;
    std::error_code ec;
    fs::create_directories(setDir, ec);
    if (ec)
      return makeResult(test, Outcome::Fail,
                        "cannot create " + setDir.string() + ": " +
                            ec.message());
    const std::vector<std::string> *frozen = nullptr;
    Compilation compiled;
    for (const std::vector<std::string> &names : levels) {
      if (names.empty() || (frozen && names == *frozen))
        continue;
      frozen = &names;
      std::vector<std::string> args;
      if (std::string error = freezeArguments(set, test.model, names, args);
          !error.empty())
        return fail(error, names);
      compiled = compileInto(test, config, setDir, args);
      if (compiled.ok || !needsFrozenInputs(compiled.log))
        break;
    }
    for (const std::string &name : *frozen)
      if (std::find(allFrozen.begin(), allFrozen.end(), name) ==
          allFrozen.end())
        allFrozen.push_back(name);
    if (!compiled.ok)
      return fail(setName + ": " + compiled.failure, *frozen);
    if (std::string error = runCompiled(test, config, setDir, set, *frozen);
        !error.empty())
      return fail(error, *frozen);
  }
  TestResult result = makeResult(test, Outcome::Pass, frozenDetail(allFrozen));
  result.frozenInputs = true;
  return result;
}

static TestResult compileAndRunIn(const TestCase &test, const RunConfig &config,
                                  const fs::path &dir) {
  Compilation compiled = compileInto(test, config, dir, {});
  if (!compiled.ok) {
    bool canFreeze =
        !inputsToFreeze(test.model, FreezeLevel::IntegersAndSmallFloats)
             .empty();
    if (canFreeze && needsFrozenInputs(compiled.log))
      return compileAndRunFrozen(test, config, dir);
    return makeResult(test, Outcome::Fail, compiled.failure);
  }
  if (std::string error = runCompiled(test, config, dir, "", {});
      !error.empty())
    return makeResult(test, Outcome::Fail, error);
  return makeResult(test, Outcome::Pass, "");
}

TestResult tern::conformance::compileAndRun(const TestCase &test,
                                            const RunConfig &config) {
  if (!test.modelError.empty() || !test.hasModel)
    return uncompiledResult(test);
  if (std::string error = findUnsupportedData(test); !error.empty())
    return makeResult(test, Outcome::Fail, error);
  if (test.dataSets.empty())
    return makeResult(test, Outcome::Fail, "no test_data_set_N folder");

  fs::path dir = fs::path(config.workDir) / test.suite / test.name;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    return makeResult(test, Outcome::Fail,
                      "cannot create " + dir.string() + ": " + ec.message());
  TestResult result = compileAndRunIn(test, config, dir);
  if (!config.keep)
    fs::remove_all(dir, ec);
  return result;
}

void tern::conformance::runParallel(size_t count, unsigned jobs,
                                    const std::function<void(size_t)> &work) {
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i; (i = next++) < count;)
      work(i);
  };
  std::vector<std::thread> threads;
  for (unsigned j = 1; j < jobs && j < count; ++j)
    threads.emplace_back(worker);
  worker();
  for (std::thread &t : threads)
    t.join();
}
