//===- tern-onnx-conformance.cpp - ONNX backend tests through ternc -------===//
//
// Runs the ONNX backend test suite (the model.onnx + test_data_set_N folders
// of libonnx-testdata) through ternc: every test whose op types Tern claims
// is compiled, loaded and run on its data, and its outputs are compared with
// the references. Prints failures as they happen and a summary line, and
// optionally writes a Markdown table of every test. See
// test/Conformance/README-section.md.
//
// The same executable started with --run-model LIB --test-dir DIR runs one
// compiled model on one test's data and prints its verdict; the runner does
// that in a child process per test so that a crashing model fails one test.
// A model compiled with inputs frozen (once per data set) is run with
// --data-set DIR and --frozen NAME for each frozen input.
//
//===----------------------------------------------------------------------===//

#include "ModelRun.h"
#include "Options.h"
#include "Report.h"
#include "Runner.h"
#include "TestSuite.h"

#include <google/protobuf/stubs/common.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <set>

namespace fs = std::filesystem;
using namespace tern::conformance;

#ifndef TERN_CONFORMANCE_CLAIMED_OPS
#define TERN_CONFORMANCE_CLAIMED_OPS ""
#endif

namespace {
constexpr int kExitFailures = 1;
constexpr int kExitUsage = 2;
/// ctest's SKIP_RETURN_CODE for a machine without the test data.
constexpr int kExitNoData = 77;

/// The tests of one run: those compiled and those only reported.
struct Selection {
  std::vector<const TestCase *> compiled;
  std::vector<const TestCase *> reported;
};
} // namespace

/// Child mode: runs one compiled model on one test's data sets.
static int runModelMain(const Options &options) {
  ModelSummary model;
  std::string error = readModelSummary(
      (fs::path(options.testDir) / "model.onnx").string(), model);
  std::vector<std::string> dataSets =
      options.dataSet.empty() ? findDataSets(options.testDir)
                              : std::vector<std::string>{options.dataSet};
  if (error.empty())
    error = runOnDataSets(
        options.runModel, kModelName, model, dataSets,
        std::set<std::string>(options.frozen.begin(), options.frozen.end()));
  if (!error.empty())
    std::cout << kFailurePrefix << error << "\n";
  std::cout.flush();
  // Skip static destructors: the model's Halide thread pool may still be
  // parked in the library.
  _exit(error.empty() ? 0 : kExitFailures);
}

static std::string selfPath() {
  char buffer[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buffer, sizeof(buffer) - 1);
  if (n <= 0)
    return "";
  return std::string(buffer, size_t(n));
}

/// Splits the discovered tests into compiled and reported-only ones, each
/// list split by the shard separately so that the shards' tables together
/// list every test once.
static Selection selectTests(const std::vector<TestCase> &tests,
                             const Options &options) {
  Selection selection;
  size_t claimed = 0, unclaimed = 0;
  for (const TestCase &test : tests) {
    bool compile = test.claimed() || (options.all && test.hasModel);
    size_t &position = test.claimed() ? claimed : unclaimed;
    if (!options.shard.contains(position++))
      continue;
    (compile ? selection.compiled : selection.reported).push_back(&test);
  }
  return selection;
}

/// Warns about expected failures that name no test of the chosen suites.
static void
warnStaleExpectations(const std::map<std::string, std::string> &expected,
                      const std::vector<TestCase> &tests,
                      const Options &options) {
  if (!options.filter.empty())
    return;
  std::set<std::string> ids;
  for (const TestCase &test : tests)
    ids.insert(test.id());
  for (const auto &[id, reason] : expected) {
    std::string suite = id.substr(0, id.find('/'));
    bool suiteChosen = std::find(options.suites.begin(), options.suites.end(),
                                 suite) != options.suites.end();
    if (suiteChosen && !ids.count(id))
      std::cerr << "tern-onnx-conformance: warning: " << options.expect
                << " lists " << id << ", which does not exist\n";
  }
}

static std::string makeWorkDir() {
  const char *tmp = std::getenv("TMPDIR");
  std::string pattern =
      std::string(tmp && *tmp ? tmp : "/tmp") + "/tern-onnx-conformance-XXXXXX";
  if (!mkdtemp(pattern.data()))
    return "";
  return pattern;
}

static void printResult(const TestResult &result, bool verbose) {
  bool bad =
      result.outcome == Outcome::Fail || result.outcome == Outcome::XPass;
  if (!bad && !verbose)
    return;
  std::string status = outcomeName(result.outcome);
  for (char &c : status)
    c = char(std::toupper((unsigned char)c));
  std::cout << status << ": " << result.id
            << (result.detail.empty() ? "" : ": " + result.detail) << std::endl;
}

/// Compiles and runs the selected tests; returns every result in test order.
static std::vector<TestResult>
runTests(const Selection &selection, const std::vector<TestCase> &tests,
         const RunConfig &config, const Options &options,
         const std::map<std::string, std::string> &expected) {
  std::map<const TestCase *, TestResult> byTest;
  std::mutex mutex;
  for (const TestCase *test : selection.reported) {
    TestResult result = uncompiledResult(*test);
    printResult(result, options.verbose);
    byTest.emplace(test, std::move(result));
  }
  runParallel(selection.compiled.size(), options.jobs, [&](size_t i) {
    const TestCase *test = selection.compiled[i];
    TestResult result = compileAndRun(*test, config);
    applyExpectation(result, expected);
    std::lock_guard<std::mutex> lock(mutex);
    printResult(result, options.verbose);
    byTest.emplace(test, std::move(result));
  });
  std::vector<TestResult> results;
  for (const TestCase &test : tests)
    if (auto it = byTest.find(&test); it != byTest.end())
      results.push_back(it->second);
  return results;
}

static bool writeTable(const std::string &path,
                       const std::vector<TestResult> &results,
                       const Summary &summary) {
  std::error_code ec;
  fs::path parent = fs::path(path).parent_path();
  if (!parent.empty())
    fs::create_directories(parent, ec);
  std::ofstream out(path);
  out << markdownTable(results, summary);
  return bool(out);
}

/// Reads the claimed ops and the expected failures; false after printing
/// why one could not be read.
/// The claimed-ops list when --claimed is not given: the installed copy
/// (<prefix>/share/tern/conformance/) next to an installed tool, else the
/// source tree's.
static std::string defaultClaimedOps() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    fs::path installed = exe.parent_path().parent_path() / "share" / "tern" /
                         "conformance" / "claimed-ops.txt";
    if (fs::exists(installed, ec))
      return installed.string();
  }
  return TERN_CONFORMANCE_CLAIMED_OPS;
}

static bool readLists(const Options &options, std::set<std::string> &claimed,
                      std::map<std::string, std::string> &expected) {
  std::string claimedPath =
      options.claimedOps.empty() ? defaultClaimedOps() : options.claimedOps;
  std::string error = claimedPath.empty()
                          ? "no claimed-ops file; pass --claimed FILE"
                          : readOpList(claimedPath, claimed);
  if (error.empty() && !options.expect.empty())
    error = readExpectations(options.expect, expected);
  if (!error.empty())
    std::cerr << "tern-onnx-conformance: " << error << "\n";
  return error.empty();
}

static int runnerMain(const Options &options) {
  std::set<std::string> claimed;
  std::map<std::string, std::string> expected;
  if (!readLists(options, claimed, expected))
    return kExitUsage;
  if (access(options.ternc.c_str(), X_OK) != 0) {
    std::cerr << "tern-onnx-conformance: " << options.ternc
              << " is not an executable (--ternc)\n";
    return kExitUsage;
  }
  std::error_code ec;
  if (!fs::is_directory(options.dataDir, ec)) {
    std::cerr << "tern-onnx-conformance: no ONNX test data at "
              << options.dataDir << " (install libonnx-testdata); skipping\n";
    return kExitNoData;
  }

  std::vector<TestCase> tests;
  if (std::string error =
          discoverTests(options.dataDir, options.suites, options.filter, tests);
      !error.empty()) {
    std::cerr << "tern-onnx-conformance: " << error << "\n";
    return kExitUsage;
  }
  for (TestCase &test : tests)
    classifyTest(test, claimed);
  warnStaleExpectations(expected, tests, options);
  Selection selection = selectTests(tests, options);

  RunConfig config;
  config.ternc = options.ternc;
  config.self = selfPath();
  config.workDir = makeWorkDir();
  config.timeoutSeconds = options.timeoutSeconds;
  config.keep = options.keep;
  if (config.self.empty() || config.workDir.empty()) {
    std::cerr << "tern-onnx-conformance: cannot find this executable or "
                 "create a work folder\n";
    return kExitUsage;
  }
  std::cout << "tern-onnx-conformance: compiling " << selection.compiled.size()
            << " tests, " << selection.reported.size()
            << " not compiled; work folder " << config.workDir << std::endl;

  std::vector<TestResult> results =
      runTests(selection, tests, config, options, expected);
  Summary summary = summarize(results);
  if (!options.table.empty() && !writeTable(options.table, results, summary))
    std::cerr << "tern-onnx-conformance: cannot write " << options.table
              << "\n";
  if (!options.keep)
    fs::remove_all(config.workDir, ec);
  std::cout << summary.line() << std::endl;
  return summary.ok() ? 0 : kExitFailures;
}

int main(int argc, char **argv) {
  GOOGLE_PROTOBUF_VERIFY_VERSION;
  Options options;
  if (std::string error = parseOptions(argc, argv, options); !error.empty()) {
    std::cerr << "tern-onnx-conformance: " << error << " (see --help)\n";
    return kExitUsage;
  }
  if (options.help) {
    std::cout << usage(argv[0]);
    return 0;
  }
  int rc =
      options.runModel.empty() ? runnerMain(options) : runModelMain(options);
  google::protobuf::ShutdownProtobufLibrary();
  return rc;
}
