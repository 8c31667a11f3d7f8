// Runs one PHP request in a fork of the started engine: the isolation of a
// fresh `php` process for the price of a fork().
//
//   RequestSpec spec;  spec.script_path = "/abs/t.php";  spec.argv = {spec.script_path};
//   RequestOutcome out = RunRequest(spec);
//   if (out.term_signal) ...            // crashed: out.output holds what it printed
//
// The case process gets fd 0 from STDIN (or an empty pipe), fds 1 and 2 on
// one pipe the worker drains while it waits (as run-tests' 2>&1; output
// written before a crash survives it; a flood is dropped past a cap), its
// own process group (a timeout kills the whole group), and the environment
// of the spec. Its engine reports back over a second pipe.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "runner/resident_case.h"
#include "runner/sapi/engine.h"
#include "runner/sapi/resident.h"

namespace phptrun {

struct RequestSpec {
  std::string script_path;                 // absolute
  std::vector<std::string> argv;           // argv[0] is the script path
  std::string runtime_ini;                 // "key=value\n" applied before RINIT
  std::string startup_ini;                 // non-empty: restart the engine with these first
  // Non-null: restart the engine with these options (another personality,
  // e.g. php-cgi's) and startup_ini. Must outlive the call.
  const phptrun_engine_options* restart_as = nullptr;
  bool quiet = false;  // php-cgi -q: no headers (the CGI personality only)
  std::vector<std::pair<std::string, std::string>> env;  // an empty value unsets
  bool has_stdin = false;
  std::string stdin_data;
  bool discard_stderr = false;             // fd 2 to /dev/null (run-tests' ARGS quirk)
  // CAPTURE_STDIO: a stream that is not captured is inherited from phptrun
  // (the terminal, usually), as run-tests leaves it to its own.
  bool capture_stdin = true;
  bool capture_stdout = true;
  bool capture_stderr = true;
  double timeout_s = 60;
  size_t output_limit = 64 << 20;
  std::vector<int> close_fds;              // fds of the worker the case must not inherit
  // mode != PHPTRUN_RESIDENT_OFF: run the resident scenario (resident.h)
  // instead of one request; RequestOutcome::resident gets what it reports.
  phptrun_resident_config resident{};
};

struct RequestOutcome {
  std::string output;         // fds 1 and 2, as written
  bool completed = false;     // the engine returned: no crash, no timeout
  bool timed_out = false;
  int term_signal = 0;        // the signal that killed the case process
  int exit_code = 0;          // the case process's exit code
  std::string error;          // the request could not be set up (pipes, fork)
  std::string startup_error;  // the engine did not start for it; output says why
  phptrun_request_result engine{};
  phptrun_startup_timing restart{};  // when startup_ini restarted the engine
  double wall_ms = 0;
  double start_ms = 0;        // CLOCK_MONOTONIC ms when RunRequest began
  // The lifecycle tracer's event log of the case process (tracer/event_log.h,
  // encoded), when the tracer is on and the engine returned.
  std::string lifecycle_log;
  ResidentOutcome resident;          // resident runs: samples, sites, how the loop ended
};

RequestOutcome RunRequest(const RequestSpec& spec);

// "SIGSEGV" for 11, "signal 77" for unknown numbers.
std::string SignalName(int signal);

}  // namespace phptrun
