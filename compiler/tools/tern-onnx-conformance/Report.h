//===- Report.h - Outcomes, the summary line and the table ------*- C++ -*-===//
//
// Each test ends in one of five states: pass, fail, xfail (a failure listed
// in the expected-failures file), xpass (listed there, but it passed: the
// entry must go) and unsupported (an op Tern does not claim, not compiled).
// A run succeeds when nothing failed and nothing passed unexpectedly.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_ONNX_CONFORMANCE_REPORT_H
#define TERN_ONNX_CONFORMANCE_REPORT_H

#include <map>
#include <string>
#include <vector>

namespace tern::conformance {

enum class Outcome { Pass, Fail, XFail, XPass, Unsupported };

/// "pass", "fail", "xfail", "xpass", "unsupported".
const char *outcomeName(Outcome outcome);

struct TestResult {
  /// "suite/test".
  std::string id;
  /// The model's op types, comma-separated.
  std::string ops;
  Outcome outcome = Outcome::Fail;
  std::string detail;
  /// Compiled once per data set with shape-like inputs frozen as constants
  /// (ternc --freeze-input); the detail names them.
  bool frozenInputs = false;
};

/// Turns a pass or fail of a test listed in `expected` into xpass or xfail,
/// with the listed reason in the detail.
void applyExpectation(TestResult &result,
                      const std::map<std::string, std::string> &expected);

struct Summary {
  unsigned passed = 0, failed = 0, xfailed = 0, xpassed = 0, unsupported = 0;
  /// Of `passed`, those compiled with inputs frozen.
  unsigned passedFrozen = 0;
  unsigned total() const {
    return passed + failed + xfailed + xpassed + unsupported;
  }
  /// No failures and no unexpected passes.
  bool ok() const { return failed == 0 && xpassed == 0; }
  /// "passed P, failed F, expected failures X, unsupported U (of T tests)",
  /// with ", unexpected passes N" before the parenthesis when N > 0, and
  /// " (N of them with inputs frozen at compile time)" after P when N > 0.
  std::string line() const;
};

Summary summarize(const std::vector<TestResult> &results);

/// `text` made safe for one Markdown table cell: `|` escaped, line breaks
/// and tabs as spaces.
std::string escapeCell(const std::string &text);

/// A Markdown document: a title, the summary line and one table row per
/// result (test, ops, status, detail).
std::string markdownTable(const std::vector<TestResult> &results,
                          const Summary &summary);

} // namespace tern::conformance

#endif // TERN_ONNX_CONFORMANCE_REPORT_H
