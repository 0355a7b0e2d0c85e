//===- Process.h - Running a command with a time limit ----------*- C++ -*-===//
//
// The runner starts ternc, and runs each compiled model in a process of its
// own, so that a crash or a hang in either is one failed test and not the end
// of the run. Output goes to a log file; the process group is killed when the
// time limit passes.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_ONNX_CONFORMANCE_PROCESS_H
#define TERN_ONNX_CONFORMANCE_PROCESS_H

#include <string>
#include <vector>

namespace tern::conformance {

struct ProcessResult {
  /// Why the process could not be started; empty when it was.
  std::string spawnError;
  bool timedOut = false;
  /// Exit status when the process exited, else -1.
  int exitCode = -1;
  /// The signal that ended the process, else 0.
  int signal = 0;
  unsigned timeoutSeconds = 0;

  bool succeeded() const {
    return spawnError.empty() && !timedOut && exitCode == 0;
  }
  /// "exited with status 1", "killed by signal 11 (Segmentation fault)",
  /// "timed out after 120 s", "could not start: ...".
  std::string describe() const;
};

/// Runs `argv` (argv[0] is the path of the program) with stdin from
/// /dev/null and stdout and stderr written to `logPath`, in a process group
/// of its own that is killed after `timeoutSeconds` (0: no limit). Safe to
/// call from several threads at once.
ProcessResult runProcess(const std::vector<std::string> &argv,
                         const std::string &logPath, unsigned timeoutSeconds);

/// The contents of `path`, or an empty string if it cannot be read.
std::string readFile(const std::string &path);

/// The line of `log` that best says what went wrong: the first one that
/// contains "error", else the first non-empty one, else "(no output)";
/// shortened to `maxLength` characters.
std::string firstErrorLine(const std::string &log, size_t maxLength = 400);

} // namespace tern::conformance

#endif // TERN_ONNX_CONFORMANCE_PROCESS_H
