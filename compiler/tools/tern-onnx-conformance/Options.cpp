//===- Options.cpp - Command line of tern-onnx-conformance ------*- C++ -*-===//
//
// `--name value` and `--name=value` both work; flags take no value.
//
//===----------------------------------------------------------------------===//

#include "Options.h"

#include <cstdlib>
#include <functional>
#include <map>

using namespace tern::conformance;

std::vector<std::string> tern::conformance::defaultSuites() {
  return {"node", "pytorch-converted", "pytorch-operator", "simple"};
}

std::string tern::conformance::usage(const char *programName) {
  return std::string("usage: ") + programName +
         " --ternc PATH [options]\n"
         "\n"
         "Compiles the ONNX backend tests whose ops Tern claims with ternc,\n"
         "runs each compiled model on the test's data sets and compares the\n"
         "outputs (rtol 1e-3, atol 1e-7; integers and booleans exactly).\n"
         "\n"
         "  --ternc PATH      the ternc binary (required)\n"
         "  --data DIR        test data (default "
         "/usr/share/libonnx-testdata/data)\n"
         "  --suite NAME      a suite under DIR; repeatable (default: node,\n"
         "                    pytorch-converted, pytorch-operator, simple)\n"
         "  --filter TEXT     only tests whose suite/test contains TEXT\n"
         "  --all             also compile tests with unclaimed ops\n"
         "  --shard K/N       only shard K (0-based) of N of the sorted tests\n"
         "  --jobs N          tests compiled and run at once (default 1)\n"
         "  --claimed FILE    claimed op types (default: "
         "test/Conformance/claimed-ops.txt)\n"
         "  --expect FILE     expected failures, lines `suite/test  reason`\n"
         "  --table FILE      write a Markdown table of every test\n"
         "  --timeout SEC     limit for each compile and each run (default "
         "120)\n"
         "  --keep            keep the compiled models and logs\n"
         "  --verbose, -v     print every test, not only failures\n"
         "  --help            this text\n"
         "\n"
         "Exit status: 0 when nothing failed and no expected failure passed,\n"
         "1 otherwise, 2 for a usage error, 77 when DIR does not exist.\n";
}

static bool parseUnsigned(const std::string &text, unsigned &value,
                          unsigned min) {
  char *end = nullptr;
  unsigned long v = std::strtoul(text.c_str(), &end, 10);
  if (text.empty() || *end || text[0] == '-' || v < min || v > 100000)
    return false;
  value = unsigned(v);
  return true;
}

namespace {
using Setter = std::function<std::string(const std::string &)>;

/// Options that take a value, by name.
std::map<std::string, Setter> valueOptions(Options &o) {
  auto string = [](std::string &field) {
    return [&field](const std::string &v) {
      field = v;
      return std::string();
    };
  };
  auto number = [](unsigned &field, unsigned min, const char *name) {
    return [&field, min, name](const std::string &v) {
      return parseUnsigned(v, field, min)
                 ? std::string()
                 : std::string(name) + " takes a number of at least " +
                       std::to_string(min) + ", not '" + v + "'";
    };
  };
  return {
      {"--ternc", string(o.ternc)},
      {"--data", string(o.dataDir)},
      {"--suite",
       [&o](const std::string &v) {
         o.suites.push_back(v);
         return std::string();
       }},
      {"--filter", string(o.filter)},
      {"--shard",
       [&o](const std::string &v) {
         return parseShard(v, o.shard)
                    ? std::string()
                    : "--shard takes K/N with 0 <= K < N, not '" + v + "'";
       }},
      {"--jobs", number(o.jobs, 1, "--jobs")},
      {"--claimed", string(o.claimedOps)},
      {"--expect", string(o.expect)},
      {"--table", string(o.table)},
      {"--timeout", number(o.timeoutSeconds, 1, "--timeout")},
      {"--run-model", string(o.runModel)},
      {"--test-dir", string(o.testDir)},
      {"--data-set", string(o.dataSet)},
      {"--frozen",
       [&o](const std::string &v) {
         o.frozen.push_back(v);
         return std::string();
       }},
  };
}

std::map<std::string, bool *> flagOptions(Options &o) {
  return {{"--all", &o.all},  {"--keep", &o.keep}, {"--verbose", &o.verbose},
          {"-v", &o.verbose}, {"--help", &o.help}, {"-h", &o.help}};
}
} // namespace

std::string tern::conformance::parseOptions(int argc, char **argv,
                                            Options &options) {
  std::map<std::string, Setter> values = valueOptions(options);
  std::map<std::string, bool *> flags = flagOptions(options);
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i], value;
    bool hasValue = false;
    if (size_t eq = arg.find('=');
        arg.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      hasValue = true;
    }
    if (auto flag = flags.find(arg); flag != flags.end() && !hasValue) {
      *flag->second = true;
      continue;
    }
    auto setter = values.find(arg);
    if (setter == values.end())
      return "unknown option '" + std::string(argv[i]) + "'";
    if (!hasValue) {
      if (i + 1 >= argc)
        return arg + " needs a value";
      value = argv[++i];
    }
    if (std::string error = setter->second(value); !error.empty())
      return error;
  }
  if (options.suites.empty())
    options.suites = defaultSuites();
  if (!options.help && options.runModel.empty() && options.ternc.empty())
    return "--ternc PATH is required";
  if (!options.runModel.empty() && options.testDir.empty())
    return "--run-model needs --test-dir";
  return "";
}
