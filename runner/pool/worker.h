// A worker process: starts the engine once (SINIT + MINIT), then runs the
// cases the supervisor hands it with a CaseRunner (runner/case/case_runner.h),
// each in forks of that started engine, and sends back one CaseResult per case.
//
// Protocol (wire.h messages, first field the kind):
//   supervisor -> worker   kRunCase {case id, path, CaseContext}  |  kQuit
//   worker -> supervisor   kReady {php version, SINIT ms, MINIT ms, startup output,
//                                   EngineInfo (DecodeEngineInfo)}
//                          kStartFailed {error}
//                          kRedirect {case id, directory, CaseContext for its cases}
//                          kCaseResult {case id, CaseResult}
//                          kGiveBack {case id}: a case queued behind one that
//                            runs long (kSlowCaseMs), never started; the
//                            supervisor hands it to another worker
//                          kWorkerSpans {spans}: the worker's own engine phases
//                            (SINIT, MINIT after kReady; MSHUTDOWN, SSHUTDOWN
//                            after kQuit), with the lifecycle tracer on
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runner/case/case_context.h"
#include "runner/case/engine_setup.h"
#include "runner/pool/cpu_board.h"
#include "runner/pool/watchdog.h"
#include "runner/result/result.h"
#include "runner/result/wire.h"

namespace phptrun {

enum WorkerMessage : uint32_t {
  kRunCase = 1,
  kQuit = 2,
  kReady = 10,
  kStartFailed = 11,
  kCaseResult = 12,
  kRedirect = 13,
  kWorkerSpans = 14,
  kGiveBack = 15,
};

// A case still running after this long gives back the cases queued behind it.
constexpr double kSlowCaseMs = 50;

struct WorkerConfig {
  int id = 1;                  // 1-based
  int command_fd = -1;         // read end, from the supervisor
  int result_fd = -1;          // write end, to the supervisor
  // A memory file the supervisor also holds: what the engine prints while
  // it starts goes there, so the supervisor can show it even when the
  // worker dies before it could send it (an extension whose constructor
  // aborts). -1: a file of the worker's own.
  int startup_output_fd = -1;
  double run_start_ms = 0;     // CLOCK_MONOTONIC ms of the run's start
  pid_t supervisor_pid = 0;    // the parent: if it is gone already, so is the run
  const EngineSetup* setup = nullptr;
  // -j auto: the board where the worker publishes its cases' CPU, in slot
  // id - 1; null otherwise.
  CpuBoard* cpu_board = nullptr;
  // The board where the worker tells the watchdog its steps, in slot id - 1;
  // null: it tells nothing.
  WatchdogBoard* watchdog = nullptr;
};

// Runs the worker loop in the current (freshly forked) process; never returns.
[[noreturn]] void WorkerMain(const WorkerConfig& config);

// The EngineInfo fields of a kReady message (php_binary is not sent).
bool DecodeEngineInfo(WireReader* r, EngineInfo* info);

// Starts an engine as a worker would, in a child process, and describes it
// (for --version). False with *err when it did not start; *info is filled as
// far as known either way.
bool ProbeEngine(const EngineSetup& setup, EngineInfo* info, std::string* err);

}  // namespace phptrun
