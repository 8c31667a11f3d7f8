// Reporters: listeners that turn a run's events into one output format.
//
// The supervisor owns a list of reporters and calls, in this order:
//   RunStarting(info)        once, before the first case starts
//   CaseStarting(file)       when a case is handed to a worker (progress only)
//   CaseFinished(result)     once per case, in completion order
//   WorkerSpans(worker, ..)  a worker's own engine phases (SINIT, MINIT after it
//                            started; MSHUTDOWN, SSHUTDOWN as it stops), when
//                            the lifecycle tracer is on; any time before RunFinished
//   Checkpoint(duration)     before the first case, then every few seconds
//   RunFinished(summary)     once, after the last case or on interruption
// Whole-run formats (JUnit, JSON) collect in CaseFinished and write in
// RunFinished; the console reporter writes as events arrive. A reporter that
// writes a file returns false from RunFinished and sets *err when it could
// not write it.
#pragma once

#include <string>
#include <vector>

#include "runner/result/result.h"

namespace phptrun {

// Which part of a sharded run this is (--shard K/N), so that a merge can
// tell whether every case ran once (docs/ci.md).
struct ShardInfo {
  int index = 0;           // K, 1-based; 0 = the run is not sharded
  int count = 0;           // N
  size_t collected = 0;    // cases collected before the split (all shards)
  std::string digest;      // CaseListDigest of those cases: the same in every shard
  size_t assigned = 0;     // cases of this shard (REDIRECTTEST's cases come on top)
};

struct RunInfo {
  std::string phptrun_version;  // "0.1.0"
  std::string php_version;      // PHP_VERSION of the embedded engine, "8.2.36"
  std::string started;          // ISO 8601 UTC, "2026-11-21T19:34:00Z"
  int jobs = 1;                 // cases at once: -j N, or under -j auto one per CPU
  int max_jobs = 0;             // -j auto: up to this many while some wait; else == jobs (or 0)
  size_t total_cases = 0;
  int cores = 0;                       // online CPUs of the machine (0: unknown)
  std::vector<std::string> arguments;  // the command line after the program name
  ShardInfo shard;
  EngineInfo engine;  // what runs: build, libphp, php.ini, extension dir, CLI
};

struct RunEnd {
  Summary summary;
  double duration_s = 0;
  bool interrupted = false;     // SIGINT/SIGTERM: the reports hold what finished
  long supervisor_max_rss_kb = 0;  // peak resident memory of the supervisor so far
  std::vector<std::string> unfinished;  // cases that never got a result (interrupted)
  int peak_jobs = 0;               // the most cases that ran at once
};

class Reporter {
 public:
  virtual ~Reporter() = default;
  virtual void RunStarting(const RunInfo& info) {}
  virtual void CaseStarting(const std::string& file) {}
  virtual void CaseFinished(const CaseResult& result) = 0;
  // `worker` is the 1-based id CaseResult::worker uses; spans as in span.h.
  virtual void WorkerSpans(int worker, const std::vector<Span>& spans) {}
  virtual bool RunFinished(const RunEnd& end, std::string* err) = 0;
  // Makes what was reported so far safe from a killed supervisor: whole-run
  // formats write their file as RunFinished would for an interrupted run
  // (marked so). The supervisor calls it once before the first case (a file
  // that cannot be written stops the run there, exit 2) and every few
  // seconds while cases finish. False with *err when it cannot write.
  virtual bool Checkpoint(double duration_s, std::string* err) { return true; }
};

}  // namespace phptrun
