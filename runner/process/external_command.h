// A test request run as a command instead of in the embedded engine: what
// -m (valgrind) needs, as run-tests.php runs every test. The command runs
// under /bin/sh -c in a process group of its own, with the worker's
// environment plus `env` (an empty value unsets, as run-tests' proc_open
// drops empty values), `stdin_data` on stdin (empty stdin otherwise), and
// fds 1 and 2 on one pipe. At the deadline the whole group is killed.
//
//   ExternalCommand cmd;
//   cmd.command = "valgrind ... php8.2 -f foo.php 2>&1";
//   RequestOutcome out = RunExternalCommand(cmd);   // output, timed_out, term_signal
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "runner/process/sandbox.h"

namespace phptrun {

struct ExternalCommand {
  std::string command;
  std::vector<std::pair<std::string, std::string>> env;
  std::string stdin_data;
  double timeout_s = 300;
  size_t output_limit = 64 << 20;
  std::vector<int> close_fds;  // the worker's own pipes: the command must not hold them
};

// `completed` when the command ended by itself; a death by signal (or sh's
// exit code 128+N for it) sets term_signal, as run-tests' "Termsig=N".
RequestOutcome RunExternalCommand(const ExternalCommand& cmd);

}  // namespace phptrun
