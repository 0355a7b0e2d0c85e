//===- Process.cpp - Running a command with a time limit --------*- C++ -*-===//
//
// posix_spawn (safe in a multithreaded process, unlike fork + arbitrary
// code), a process group per child so that compilers ternc starts die with
// it, and polling waitpid for the time limit.
//
//===----------------------------------------------------------------------===//

#include "Process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

extern char **environ;

using namespace tern::conformance;

std::string ProcessResult::describe() const {
  if (!spawnError.empty())
    return "could not start: " + spawnError;
  if (timedOut)
    return "timed out after " + std::to_string(timeoutSeconds) + " s";
  if (signal)
    return "killed by signal " + std::to_string(signal) + " (" +
           strsignal(signal) + ")";
  return "exited with status " + std::to_string(exitCode);
}

namespace {
/// posix_spawn's attribute and file-action objects, destroyed on scope exit.
struct SpawnSetup {
  posix_spawnattr_t attr;
  posix_spawn_file_actions_t actions;

  SpawnSetup() {
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_init(&actions);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
  SpawnSetup(const SpawnSetup &) = delete;
  SpawnSetup &operator=(const SpawnSetup &) = delete;

  /// A new process group, default signal handling and mask, stdin from
  /// /dev/null, stdout and stderr to `logPath`.
  int configure(const std::string &logPath) {
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    int rc = 0;
    rc = rc ? rc : posix_spawnattr_setpgroup(&attr, 0);
    rc = rc ? rc : posix_spawnattr_setsigmask(&attr, &none);
    rc = rc ? rc : posix_spawnattr_setsigdefault(&attr, &all);
    rc = rc ? rc
            : posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP |
                                                  POSIX_SPAWN_SETSIGMASK |
                                                  POSIX_SPAWN_SETSIGDEF);
    rc = rc ? rc
            : posix_spawn_file_actions_addopen(&actions, 0, "/dev/null",
                                               O_RDONLY, 0);
    rc = rc ? rc
            : posix_spawn_file_actions_addopen(&actions, 1, logPath.c_str(),
                                               O_WRONLY | O_CREAT | O_TRUNC,
                                               0644);
    rc = rc ? rc : posix_spawn_file_actions_adddup2(&actions, 1, 2);
    return rc;
  }
};
} // namespace

/// Waits for `pid`, killing its process group once `timeoutSeconds` pass.
static void waitWithTimeout(pid_t pid, unsigned timeoutSeconds,
                            ProcessResult &result) {
  using Clock = std::chrono::steady_clock;
  auto deadline = Clock::now() + std::chrono::seconds(timeoutSeconds);
  auto pause = std::chrono::milliseconds(1);
  int status = 0;
  for (;;) {
    pid_t done = waitpid(pid, &status, timeoutSeconds ? WNOHANG : 0);
    if (done == pid)
      break;
    if (done < 0 && errno != EINTR) {
      result.spawnError = std::string("waitpid: ") + std::strerror(errno);
      return;
    }
    if (timeoutSeconds && Clock::now() >= deadline) {
      result.timedOut = true;
      kill(-pid, SIGKILL);
      kill(pid, SIGKILL);
      while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      return;
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(50));
  }
  if (WIFEXITED(status))
    result.exitCode = WEXITSTATUS(status);
  else if (WIFSIGNALED(status))
    result.signal = WTERMSIG(status);
}

ProcessResult
tern::conformance::runProcess(const std::vector<std::string> &argv,
                              const std::string &logPath,
                              unsigned timeoutSeconds) {
  ProcessResult result;
  result.timeoutSeconds = timeoutSeconds;
  if (argv.empty()) {
    result.spawnError = "empty command";
    return result;
  }
  std::vector<char *> args;
  for (const std::string &arg : argv)
    args.push_back(const_cast<char *>(arg.c_str()));
  args.push_back(nullptr);

  SpawnSetup setup;
  pid_t pid = 0;
  int rc = setup.configure(logPath);
  if (rc == 0)
    rc = posix_spawn(&pid, args[0], &setup.actions, &setup.attr, args.data(),
                     environ);
  if (rc != 0) {
    result.spawnError = argv[0] + ": " + std::strerror(rc);
    return result;
  }
  waitWithTimeout(pid, timeoutSeconds, result);
  return result;
}

std::string tern::conformance::readFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

static bool mentionsError(const std::string &line) {
  std::string lower = line;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return lower.find("error") != std::string::npos;
}

std::string tern::conformance::firstErrorLine(const std::string &log,
                                              size_t maxLength) {
  std::istringstream lines(log);
  std::string line, firstNonEmpty;
  std::string chosen;
  while (std::getline(lines, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos)
      continue;
    if (firstNonEmpty.empty())
      firstNonEmpty = line;
    if (mentionsError(line)) {
      chosen = line;
      break;
    }
  }
  if (chosen.empty())
    chosen = firstNonEmpty.empty() ? "(no output)" : firstNonEmpty;
  while (!chosen.empty() && std::isspace((unsigned char)chosen.back()))
    chosen.pop_back();
  if (chosen.size() > maxLength)
    chosen = chosen.substr(0, maxLength) + "...";
  return chosen;
}
