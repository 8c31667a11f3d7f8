// Runs one PHP request in a case process, a fork of the started engine: the
// isolation of a fresh `php` process for the price of a fork(), or, in a
// worker's Sandbox, a warm case process that already served requests and
// proved after each that it left nothing behind.
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

#include <sys/resource.h>
#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "runner/resident/resident_case.h"
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
  bool fresh = false;  // never in a reused case process (Sandbox::Run)
  // runtime_ini only sets what the request itself reads (SKIPIF's display
  // settings), so a reused process can take it and undo it. A test's own
  // INI can have lasting effects (zend.multibyte changes how every later
  // script is scanned) and always gets a fresh process.
  bool runtime_ini_undoable = false;
  bool quiet = false;  // php-cgi -q: no headers (the CGI personality only)
  std::vector<std::pair<std::string, std::string>> env;  // an empty value unsets
  // env has a test's ENV section: an engine restarted for startup_ini must
  // see it at startup, so no warm process restarted for another request
  // will do (one started for requests without one sees only what every
  // request sets: the script's name, the request method).
  bool env_section = false;
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
  bool reused = false;        // a warm case process had served other requests before
  // The request ran in a warm process whose engine was restarted with the
  // spec's startup INI before an earlier request (out.restart is then
  // empty: the restart and what it printed belong to that request).
  bool restarted_earlier = false;
  double wall_ms = 0;
  // CPU of the request: user + sys of its case process and the children that
  // process waited for (wait4's rusage for a one-shot process, the warm
  // process's own getrusage around the request); -1 when unknown. Children
  // it left running are not in it.
  double cpu_ms = -1;
  double start_ms = 0;        // CLOCK_MONOTONIC ms when RunRequest began
  // The lifecycle tracer's event log of the case process (tracer/event_log.h,
  // encoded), when the tracer is on and the engine returned.
  std::string lifecycle_log;
  ResidentOutcome resident;          // resident runs: samples, sites, how the loop ended
};

// Runs the request in a fresh fork: a one-shot case process.
RequestOutcome RunRequest(const RequestSpec& spec);

// Told about every request of the process's case processes, as they start
// and end, with their CPU: how a worker lets the supervisor see whether its
// case computes or waits (runner/pool/cpu_board.h, `-j auto`).
class RequestObserver {
 public:
  virtual ~RequestObserver() = default;
  // `pid` serves a request from now on; it had been busy base_us before (0
  // for a fresh fork): CPU (/proc/<pid>/stat, waited children included)
  // plus run-queue wait (/proc/<pid>/schedstat).
  virtual void RequestStarted(pid_t pid, uint64_t base_us) = 0;
  // The request is over; it was busy busy_us (0 when unknown).
  virtual void RequestEnded(uint64_t busy_us) = 0;
  // CPU a case process used outside any request (a warm one's exit).
  virtual void OtherCpu(uint64_t cpu_us) = 0;
};

// Sets the observer of this process's requests (a worker sets one at its
// start); null: none. Not owned.
void ObserveRequests(RequestObserver* observer);

// A worker's case processes. Run() gives a request that needs nothing of
// its own at startup but its startup INI (no restart as another SAPI, no
// runtime INI it cannot undo, no resident loop, all of stdio captured) to a
// warm case process, which serves up to max_reuse requests and retires as
// soon as one leaves a trace in the process it cannot undo
// (runner/process_state.h); any other request gets a one-shot process.
// Warm processes are kept per startup INI: one for requests without any,
// and the kMaxIniWarm last used for requests with one, each started with
// its engine restarted with those entries (as a one-shot process restarts
// for one request), so cases that share an INI section (opcache's, ffi's)
// pay the restart once. A crash, timeout or retirement costs only that
// warm process: the next request gets a new one, forked from the worker's
// pristine engine.
//
//   Sandbox sandbox(100, {supervisor_fd});
//   RequestOutcome out = sandbox.Run(spec);
//   if (out.reused && ...) ...   // the process had run other requests first
class Sandbox {
 public:
  // How many warm processes with a startup INI a worker keeps: a case's
  // SKIPIF (its EXTENSIONS) and its FILE (EXTENSIONS and INI) alternate.
  static constexpr size_t kMaxIniWarm = 2;

  // max_reuse <= 1: every request in a fresh fork, as RunRequest(). close_fds:
  // the worker's descriptors a case process must not hold.
  Sandbox(int max_reuse, std::vector<int> close_fds);
  ~Sandbox();
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  RequestOutcome Run(const RequestSpec& spec);

  // Ends the warm processes now: a case behaved differently in one than in
  // a fresh process, so it holds state the checks did not see.
  void RetireWarm();

  // Kills every child of this process but the warm case processes: what the
  // requests left running (a child that closed its output, a setsid()
  // escapee), adopted when this process is a subreaper (reaper.h).
  void KillLeftovers();

  // Calls `hook` once in every request still running after `after_ms`,
  // while the worker waits for it (the worker gives back the cases queued
  // behind a slow one).
  void OnSlowRequest(double after_ms, std::function<void()> hook) {
    slow_after_ms_ = after_ms;
    slow_hook_ = std::move(hook);
  }

 private:
  struct Warm {
    std::string startup_ini;  // what its engine was restarted with; "" none
    pid_t pid = -1;
    int pidfd = -1;
    int socket = -1;
    int served = 0;
    uint64_t cpu_us = 0;     // its CPU at its last answer
    uint64_t queued_us = 0;  // ... and its run-queue wait
    uint64_t last_used = 0;  // Run() count at its last request
  };

  bool Warmable(const RequestSpec& spec) const;
  // The warm process for `startup_ini`, started if there is none (making
  // room by ending the least recently used one); null if it cannot start.
  Warm* WarmFor(const std::string& startup_ini);
  // Ends a warm process: one between requests exits when its socket
  // closes; kill_it for one that may be anywhere.
  void StopWarm(Warm* warm, bool kill_it);
  // The warm process was reaped: what it used after its last answer (its
  // exit) is told to the observer.
  void WarmGone(Warm* warm, const rusage& usage);
  // Lets go of a warm process that is gone (reaped) or being stopped.
  void ForgetWarm(Warm* warm);
  std::vector<int> CloseFdsWith(const std::vector<int>& fds) const;

  const int max_reuse_;
  const std::vector<int> close_fds_;
  std::vector<Warm> warm_;  // at most 1 + kMaxIniWarm, those with pid > 0 running
  uint64_t runs_ = 0;
  double slow_after_ms_ = 0;
  std::function<void()> slow_hook_;
};

// The request printed more than output_limit bytes, through PHP's output
// layer (which stops the request) or around it (STDERR, fwrite(STDOUT),
// child processes: the worker keeps 1 MiB beyond the limit and drops the
// rest).
bool OutputExceeded(const RequestOutcome& out, size_t output_limit);

// "SIGSEGV" for 11, "signal 77" for unknown numbers.
std::string SignalName(int signal);

// Why a case process did not finish normally, as a verdict's reason puts it
// ("timed out after 60 s", "crashed: SIGSEGV", "output exceeded 64 MiB"),
// or "".
std::string CrashReason(const RequestOutcome& out, double timeout_s, size_t output_limit);

// CLOCK_MONOTONIC in milliseconds: the clock of RequestOutcome::start_ms.
double MonotonicMs();

}  // namespace phptrun
