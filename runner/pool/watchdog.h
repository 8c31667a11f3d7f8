// The supervisor's watchdog on its workers, and what a worker tells it.
//
// A worker enforces its cases' timeouts itself; the supervisor only kills a
// worker that stops answering. Until it hears from the worker, it allows a
// case three timeouts (SKIPIF, test, CLEAN) plus a grace period. A step that
// may legitimately take longer (a flaky test's second run, a confirmation
// in fresh processes, judging 64 MiB of output on a loaded machine) is
// announced on the worker's slot of this board: what the worker is doing
// and until when it may take. The supervisor reads the slot only when a
// worker's deadline has passed, and waits as long as the claim plus the
// grace; a worker that is past its claim too is stuck, and the reason says
// in which step.
//
//   auto board = WatchdogBoard::Create(max_workers);         // supervisor, before forking
//   board->Post(i, {WorkerStep::kJudging, now + JudgeBudgetMs()});   // worker i
//   double until = ExtendedDeadline(deadline, board->Read(i), WatchdogGraceMs());
//
// One 64-bit word per worker in anonymous shared memory, written only by
// that worker (a claim is read whole or not at all); kept out of case
// processes (MADV_DONTFORK), so no test can extend its own watchdog.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

namespace phptrun {

enum class WorkerStep : uint32_t {
  kBetween = 0,  // between steps (planning, reporting): no claim
  kRequest = 1,  // a request of the case runs (SKIPIF, test, CLEAN, a resident run)
  kJudging = 2,  // the worker judges the output and writes the case's files
};

// What a worker says it is doing, and until when (CLOCK_MONOTONIC ms).
struct WorkerClaim {
  WorkerStep step = WorkerStep::kBetween;
  double until_ms = 0;
};

class WatchdogBoard {
 public:
  // Shared anonymous memory for `slots` workers; null when mmap fails.
  static std::unique_ptr<WatchdogBoard> Create(int slots);
  ~WatchdogBoard();
  WatchdogBoard(const WatchdogBoard&) = delete;
  WatchdogBoard& operator=(const WatchdogBoard&) = delete;

  int slots() const { return slots_; }
  // Slot i (0-based); out-of-range slots are ignored / read as no claim.
  void Post(int slot, WorkerClaim claim);
  WorkerClaim Read(int slot) const;
  // In a worker: its case processes do not inherit the board.
  void KeepFromChildren();

 private:
  WatchdogBoard(std::atomic<uint64_t>* words, int slots, size_t bytes)
      : words_(words), slots_(slots), bytes_(bytes) {}
  std::atomic<uint64_t>* words_;
  int slots_;
  size_t bytes_;
};

// How long past a timeout (or a claim) the supervisor waits for a worker:
// 30 s (PHPTRUN_TEST_WATCHDOG_GRACE_MS, for tests only, overrides it).
double WatchdogGraceMs();
// How long judging one case may take before its worker counts as stuck:
// 300 s (PHPTRUN_TEST_JUDGE_BUDGET_MS, for tests only, overrides it).
double JudgeBudgetMs();

// The deadline of a worker whose `deadline_ms` passed: later when its claim
// plus `grace_ms` is.
double ExtendedDeadline(double deadline_ms, const WorkerClaim& claim, double grace_ms);

// Why a stuck worker was killed, for its case's reason: in which step (a
// judge past `judge_budget_ms`, a request past its timeout), and how long
// the case had run (`ran_ms`).
std::string StuckReason(const WorkerClaim& claim, double judge_budget_ms, double ran_ms);

}  // namespace phptrun
