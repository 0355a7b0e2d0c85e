//===- Report.cpp - Outcomes, the summary line and the table ----*- C++ -*-===//

#include "Report.h"

using namespace tern::conformance;

const char *tern::conformance::outcomeName(Outcome outcome) {
  switch (outcome) {
  case Outcome::Pass:
    return "pass";
  case Outcome::Fail:
    return "fail";
  case Outcome::XFail:
    return "xfail";
  case Outcome::XPass:
    return "xpass";
  case Outcome::Unsupported:
    return "unsupported";
  }
  return "unknown";
}

void tern::conformance::applyExpectation(
    TestResult &result, const std::map<std::string, std::string> &expected) {
  auto it = expected.find(result.id);
  if (it == expected.end())
    return;
  if (result.outcome == Outcome::Fail) {
    result.outcome = Outcome::XFail;
    result.detail = "expected (" + it->second + "): " + result.detail;
  } else if (result.outcome == Outcome::Pass) {
    result.outcome = Outcome::XPass;
    result.detail = "listed as an expected failure (" + it->second +
                    ") but passed; remove it from the list";
  }
}

std::string Summary::line() const {
  std::string s = "passed " + std::to_string(passed);
  if (passedFrozen)
    s += " (" + std::to_string(passedFrozen) +
         " of them with inputs frozen at compile time)";
  s += ", failed " + std::to_string(failed) + ", expected failures " +
       std::to_string(xfailed) + ", unsupported " + std::to_string(unsupported);
  if (xpassed)
    s += ", unexpected passes " + std::to_string(xpassed);
  return s + " (of " + std::to_string(total()) + " tests)";
}

Summary tern::conformance::summarize(const std::vector<TestResult> &results) {
  Summary s;
  for (const TestResult &r : results) {
    switch (r.outcome) {
    case Outcome::Pass:
      ++s.passed;
      s.passedFrozen += r.frozenInputs ? 1 : 0;
      break;
    case Outcome::Fail:
      ++s.failed;
      break;
    case Outcome::XFail:
      ++s.xfailed;
      break;
    case Outcome::XPass:
      ++s.xpassed;
      break;
    case Outcome::Unsupported:
      ++s.unsupported;
      break;
    }
  }
  return s;
}

std::string tern::conformance::escapeCell(const std::string &text) {
  std::string out;
  for (char c : text) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n' || c == '\r' || c == '\t')
      out += ' ';
    else
      out += c;
  }
  return out;
}

std::string
tern::conformance::markdownTable(const std::vector<TestResult> &results,
                                 const Summary &summary) {
  std::string md = "# ONNX backend tests\n\n" + summary.line() + "\n\n";
  md += "| test | ops | status | detail |\n";
  md += "| --- | --- | --- | --- |\n";
  for (const TestResult &r : results)
    md += "| " + escapeCell(r.id) + " | " + escapeCell(r.ops) + " | " +
          outcomeName(r.outcome) + " | " + escapeCell(r.detail) + " |\n";
  return md;
}
