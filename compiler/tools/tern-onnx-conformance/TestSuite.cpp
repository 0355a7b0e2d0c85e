//===- TestSuite.cpp - Finding and selecting ONNX backend tests -*- C++ -*-===//
//
// Directory walking with std::filesystem; every listing is sorted so that
// runs, shards and tables are deterministic.
//
//===----------------------------------------------------------------------===//

#include "TestSuite.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;
using namespace tern::conformance;

/// N of a "test_data_set_N" folder name, or -1.
static long dataSetNumber(const std::string &name) {
  static const std::string prefix = "test_data_set_";
  if (name.compare(0, prefix.size(), prefix) != 0 ||
      name.size() == prefix.size())
    return -1;
  char *end = nullptr;
  long n = std::strtol(name.c_str() + prefix.size(), &end, 10);
  return *end ? -1 : n;
}

std::vector<std::string>
tern::conformance::findDataSets(const std::string &dir) {
  std::vector<std::pair<long, std::string>> found;
  std::error_code ec;
  for (const fs::directory_entry &entry : fs::directory_iterator(dir, ec)) {
    long n = dataSetNumber(entry.path().filename().string());
    if (n >= 0 && entry.is_directory(ec))
      found.emplace_back(n, entry.path().string());
  }
  std::sort(found.begin(), found.end());
  std::vector<std::string> sets;
  for (auto &[n, path] : found)
    sets.push_back(path);
  return sets;
}

static std::string listSuite(const std::string &dataDir,
                             const std::string &suite,
                             const std::string &filter,
                             std::vector<TestCase> &tests) {
  fs::path suiteDir = fs::path(dataDir) / suite;
  std::error_code ec;
  fs::directory_iterator it(suiteDir, ec);
  if (ec)
    return "cannot list suite '" + suite + "' (" + suiteDir.string() +
           "): " + ec.message();
  for (const fs::directory_entry &entry : it) {
    if (!entry.is_directory(ec))
      continue;
    TestCase test;
    test.suite = suite;
    test.name = entry.path().filename().string();
    if (test.id().find(filter) == std::string::npos)
      continue;
    test.dir = entry.path().string();
    tests.push_back(std::move(test));
  }
  return "";
}

static void readTest(TestCase &test) {
  fs::path model = fs::path(test.dir) / "model.onnx";
  std::error_code ec;
  test.hasModel = fs::is_regular_file(model, ec);
  if (!test.hasModel)
    return;
  test.modelError = readModelSummary(model.string(), test.model);
  test.dataSets = findDataSets(test.dir);
}

std::string tern::conformance::discoverTests(
    const std::string &dataDir, const std::vector<std::string> &suites,
    const std::string &filter, std::vector<TestCase> &tests) {
  tests.clear();
  for (const std::string &suite : suites)
    if (std::string error = listSuite(dataDir, suite, filter, tests);
        !error.empty())
      return error;
  std::sort(
      tests.begin(), tests.end(),
      [](const TestCase &a, const TestCase &b) { return a.id() < b.id(); });
  for (TestCase &test : tests)
    readTest(test);
  return "";
}

void tern::conformance::classifyTest(TestCase &test,
                                     const std::set<std::string> &claimedOps) {
  test.unclaimedOps.clear();
  for (const std::string &op : test.model.opTypes)
    if (!claimedOps.count(op))
      test.unclaimedOps.push_back(op);
}

/// `line` without a `#` comment.
static std::string stripComment(const std::string &line) {
  return line.substr(0, line.find('#'));
}

std::string tern::conformance::readOpList(const std::string &path,
                                          std::set<std::string> &ops) {
  std::ifstream in(path);
  if (!in)
    return path + ": cannot open";
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(stripComment(line));
    std::string op;
    while (words >> op)
      ops.insert(op);
  }
  return "";
}

std::string tern::conformance::readExpectations(
    const std::string &path, std::map<std::string, std::string> &expected) {
  std::ifstream in(path);
  if (!in)
    return path + ": cannot open";
  std::string line;
  for (int lineNo = 1; std::getline(in, line); ++lineNo) {
    if (line.find_first_not_of(" \t\r") == std::string::npos ||
        line[line.find_first_not_of(" \t")] == '#')
      continue;
    std::istringstream fields(line);
    std::string id, reason;
    fields >> id;
    std::getline(fields >> std::ws, reason);
    while (!reason.empty() && std::isspace((unsigned char)reason.back()))
      reason.pop_back();
    if (id.find('/') == std::string::npos || reason.empty())
      return path + ":" + std::to_string(lineNo) +
             ": expected `suite/test  reason`, got `" + line + "`";
    if (!expected.emplace(id, reason).second)
      return path + ":" + std::to_string(lineNo) + ": " + id +
             " is listed twice";
  }
  return "";
}

bool tern::conformance::parseShard(const std::string &text, Shard &shard) {
  unsigned k = 0, n = 0;
  char slash = 0, extra = 0;
  if (std::sscanf(text.c_str(), "%u%c%u%c", &k, &slash, &n, &extra) != 3 ||
      slash != '/' || n == 0 || k >= n)
    return false;
  shard.index = k;
  shard.count = n;
  return true;
}
