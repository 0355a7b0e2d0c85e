//===- TestSuite.h - Finding and selecting ONNX backend tests ---*- C++ -*-===//
//
// The test data is laid out as DATA/SUITE/TEST/model.onnx with
// DATA/SUITE/TEST/test_data_set_N/{input,output}_K.pb. A test is "claimed"
// when Tern claims every op type its model uses (claimed-ops.txt); the
// expected-failures file names tests known to fail, with a reason. Both
// files are read here, and so is the --shard split.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_ONNX_CONFORMANCE_TESTSUITE_H
#define TERN_ONNX_CONFORMANCE_TESTSUITE_H

#include "OnnxModel.h"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace tern::conformance {

struct TestCase {
  std::string suite;
  std::string name;
  /// DATA/SUITE/TEST.
  std::string dir;
  /// test_data_set_N folders in order of N.
  std::vector<std::string> dataSets;
  /// False when the folder has no model.onnx (the "real" suite only has
  /// data.json files naming models to download).
  bool hasModel = false;
  /// Why model.onnx could not be read; empty when it was.
  std::string modelError;
  ModelSummary model;
  /// Op types of the model that are not claimed, sorted.
  std::vector<std::string> unclaimedOps;

  /// "suite/test".
  std::string id() const { return suite + "/" + name; }
  /// Whether the runner compiles this test without --all: every op is
  /// claimed, or the model is unreadable (which is then a failure).
  bool claimed() const {
    return hasModel && (!modelError.empty() || unclaimedOps.empty());
  }
};

/// Finds the tests of `suites` under `dataDir` whose id contains `filter`,
/// sorted by id, and reads their models. Returns an empty string on success,
/// else why a suite could not be listed.
std::string discoverTests(const std::string &dataDir,
                          const std::vector<std::string> &suites,
                          const std::string &filter,
                          std::vector<TestCase> &tests);

/// The test_data_set_N folders of `testDir` in order of N.
std::vector<std::string> findDataSets(const std::string &testDir);

/// Fills `test.unclaimedOps` from its model's op types.
void classifyTest(TestCase &test, const std::set<std::string> &claimedOps);

/// Reads a list of op types: whitespace-separated words, `#` starts a
/// comment. Returns an empty string on success.
std::string readOpList(const std::string &path, std::set<std::string> &ops);

/// Reads expected failures: lines `suite/test  reason`, `#` starts a comment
/// line. Returns an empty string on success, else the file and line of the
/// first malformed entry.
std::string readExpectations(const std::string &path,
                             std::map<std::string, std::string> &expected);

/// Shard K of N: position i of a sorted list belongs to it when i % N == K.
struct Shard {
  unsigned index = 0;
  unsigned count = 1;
  bool contains(size_t position) const { return position % count == index; }
};

/// Parses "K/N" with 0 <= K < N.
bool parseShard(const std::string &text, Shard &shard);

} // namespace tern::conformance

#endif // TERN_ONNX_CONFORMANCE_TESTSUITE_H
