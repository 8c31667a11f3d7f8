// The supervisor: hands cases to a pool of workers, collects their results
// and feeds the reporters. It never starts the engine or runs user code.
//
//   Supervisor s(setup, jobs, cases, reporters);
//   int exit_status = s.Run();
//
// Cases are handed out to whichever worker is free (no static split), in
// file order, with CONFLICTS honoured (scheduler.h); while many are pending,
// each worker also holds its next case, so it never waits for a round trip. A worker that
// dies is replaced; the case it was running is run once more and, if it
// kills the next worker too, gets a BORK that says so. A worker that does not
// answer within the case timeout plus a grace period is killed. A worker
// that dies before its engine is ready stops the run (exit 2) with what the
// engine printed: a new one would die the same way. Workers are signalled
// only through their pidfds, never by a pid that may have been reused. SIGINT and
// SIGTERM stop the run; the reports still get written with what finished.
//
// With SetAutoJobs(max) (`-j auto`), `jobs` cases run at once to begin
// with, and more, up to max, while the running ones leave CPUs idle
// (concurrency.h); workers beyond `jobs` start when first needed.
#pragma once

#include <sys/types.h>

#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "reports/reporter.h"
#include "runner/pool/concurrency.h"
#include "runner/pool/cpu_board.h"
#include "runner/pool/scheduler.h"
#include "runner/pool/watchdog.h"
#include "runner/pool/worker.h"
#include "runner/result/wire.h"

namespace phptrun {

class RecordedTimings;

class Supervisor {
 public:
  Supervisor(const EngineSetup& setup, int jobs, std::vector<std::string> cases,
             std::vector<Reporter*> reporters);
  // Runs every case. Returns the exit status: 0, 1 when a case FAILed,
  // BORKed or LEAKed (or the run was interrupted), 2 when the engine could
  // not start (*err says why).
  int Run(std::string* err);
  // -j auto: up to max_jobs cases at once while some wait (call before Run).
  void SetAutoJobs(int max_jobs) { max_jobs_ = max_jobs; }

  const std::string& php_version() const { return php_version_; }
  // Start the cases that took longest in earlier reports first (--timings);
  // `timings` must outlive Run().
  void SetTimings(const RecordedTimings* timings) { timings_ = timings; }

  // The run's facts for the reporters' RunStarting, which Run() calls once
  // the first worker has started its engine, with info.engine as that
  // engine described itself (or before RunFinished, if none started).
  void SetRunInfo(const RunInfo& info) { run_info_ = info; }

 private:
  struct WorkerSlot {
    int id = 0;            // 1-based, stays with the slot across replacements
    pid_t pid = -1;        // -1 once reaped
    int pidfd = -1;        // signals go here: it never names another process
    int startup_output_fd = -1;  // what the engine printed while starting (until kReady)
    int command_fd = -1;   // write end, to the worker
    int result_fd = -1;    // read end, from the worker
    bool ready = false;
    bool broken = false;  // a command could not be written: the worker is gone
    // Cases handed to the worker, in order; the first is running, the
    // others wait in its pipe so it never waits for us between cases.
    std::deque<size_t> in_flight;
    double deadline_ms = 0;  // for the running case
    double case_start_ms = 0;  // when the running case started
    // It gave back a waiting case because the running one is slow: nothing
    // more waits behind that one.
    bool running_slow = false;
    // The affinity of the last case handed to it: its worker's warm case
    // process is likely started for that case's INI (Scheduler::Next).
    std::string affinity;
    MessageBuffer incoming;
  };
  bool StartWorker(WorkerSlot* slot, std::string* err);
  void AnnounceRun();
  void Dispatch(WorkerSlot* slot);
  void HandleMessage(WorkerSlot* slot, const std::string& message, std::string* fatal);
  // Kills (through its pidfd) and reaps the slot's worker, requeues or
  // BORKs its cases; returns its wait status.
  int HandleDeath(WorkerSlot* slot);
  // A worker that died before its engine was ready: why, with what the
  // engine printed while starting.
  std::string StartupDeath(WorkerSlot* slot, int status);
  // Puts back in the queue the cases waiting behind the running one of the
  // slot (they never started); the running one stays in in_flight.
  void RequeueWaiting(WorkerSlot* slot);
  // After kQuit: handles what workers send while they shut down, until
  // they close their pipes.
  void CollectShutdownMessages();
  // Adds the cases of a REDIRECTTEST's directory.
  void AddRedirectedCases(const std::string& directory, CaseContext context);
  void Finish(size_t case_id, CaseResult result);
  // Kills what dead workers left running: their orphans are ours (the
  // supervisor is a child subreaper), every child but a live worker.
  void KillOrphans();
  // Removes the scripts a case cut short left beside it (case_plan.h).
  void RemoveGeneratedFiles(size_t case_id);
  double CaseDeadlineMs() const;
  // Cases running now: workers with a case handed out.
  int Running() const;
  // -j auto: lets the controller see this turn, and starts a worker when
  // it allows more cases than there are workers.
  bool AdaptJobs(std::string* err);

  EngineSetup setup_;
  int jobs_;
  std::vector<std::string> cases_;
  // Per case: what a REDIRECTTEST hands down; null for ordinary cases, so
  // plain runs keep one pointer per case.
  std::vector<std::shared_ptr<const CaseContext>> contexts_;
  std::vector<Reporter*> reporters_;
  std::vector<std::unique_ptr<WorkerSlot>> slots_;
  std::vector<unsigned char> attempts_;  // per case: times handed out
  std::map<size_t, std::string> rerun_reasons_;  // cases run again after a worker died
  std::string php_version_;
  std::string startup_output_;
  RunInfo run_info_;
  bool run_announced_ = false;
  double run_start_ms_ = 0;
  Summary summary_;
  Scheduler scheduler_;
  size_t finished_ = 0;
  const RecordedTimings* timings_ = nullptr;
  std::vector<bool> done_;  // per case: its result was reported
  int max_jobs_ = 0;  // -j auto: SetAutoJobs
  std::unique_ptr<CpuBoard> cpu_board_;
  std::unique_ptr<Concurrency> concurrency_;
  std::unique_ptr<WatchdogBoard> watchdog_;  // the steps workers announce
  int peak_jobs_ = 0;
  long dispatched_ = 0;  // cases written to workers, for DispatchToKillAt
  // Reports are rewritten (Reporter::Checkpoint) while the run goes on, so a
  // SIGKILLed supervisor still leaves valid reports of what finished.
  void CheckpointReports();
  size_t checkpointed_ = 0;  // finished_ at the last checkpoint
  double next_checkpoint_ms_ = 0;
};

}  // namespace phptrun
