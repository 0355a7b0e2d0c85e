//===- Options.h - Command line of tern-onnx-conformance --------*- C++ -*-===//

#ifndef TERN_ONNX_CONFORMANCE_OPTIONS_H
#define TERN_ONNX_CONFORMANCE_OPTIONS_H

#include "TestSuite.h"

#include <string>
#include <vector>

namespace tern::conformance {

struct Options {
  std::string ternc;
  std::string dataDir = "/usr/share/libonnx-testdata/data";
  std::vector<std::string> suites; // empty: the default suites
  std::string filter;
  bool all = false;
  Shard shard;
  unsigned jobs = 1;
  std::string claimedOps; // empty: the file named at build time
  std::string expect;
  std::string table;
  bool keep = false;
  bool verbose = false;
  unsigned timeoutSeconds = 120;
  bool help = false;

  /// Internal: run the library at this path on the test folder `testDir`
  /// and exit (the runner starts itself this way for each compiled test).
  std::string runModel;
  std::string testDir;
  /// Internal, with --run-model: only this test_data_set_N folder
  /// (--data-set), and graph inputs the model was compiled with as
  /// constants, whose data files are not passed (--frozen, repeatable).
  std::string dataSet;
  std::vector<std::string> frozen;
};

/// The suites run when no --suite is given.
std::vector<std::string> defaultSuites();

/// Parses `argv`. Returns an empty string on success, else what is wrong.
std::string parseOptions(int argc, char **argv, Options &options);

/// The --help text.
std::string usage(const char *programName);

} // namespace tern::conformance

#endif // TERN_ONNX_CONFORMANCE_OPTIONS_H
