// Where workers publish how much CPU their cases want, so the supervisor can
// tell, under `-j auto`, whether the running cases compute or wait
// (concurrency.h).
//
//   auto board = CpuBoard::Create(max_workers);      // supervisor, before forking
//   // in worker i (a fork):
//   CpuSlotWriter writer(board->Slot(i));
//   writer.RequestStarted(pid, base_us);  ...  writer.RequestEnded(busy_us);
//   // supervisor, every window:
//   double busy_ms = board->TotalBusyMs();
//
// "Busy" is CPU used plus time spent runnable, waiting for a CPU: a case
// that waits for a CPU (held by another case or another program) wants to
// compute, and must not look like one that sleeps.
//
// One slot per worker in anonymous shared memory, written only by its
// worker (a sequence counter lets the reader retry a torn read). A slot
// holds the busy time of the requests the worker has finished (CPU: user +
// sys of the case process and the children it waited for, from wait4's
// rusage or the warm process's own getrusage; run-queue wait from
// /proc/<pid>/schedstat, read before the process is reaped or by the warm
// process itself) plus the worker's own CPU, and the case process serving
// a request right now, whose figures the reader takes from /proc. So short
// requests are counted exactly however short, and a long one as it goes.
//
// The board only steers how many cases run; no result or verdict passes
// through it. Workers keep it out of their case processes (MADV_DONTFORK),
// so no test can write to it.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "runner/process/proc_times.h"

namespace phptrun {

struct CpuSlot {
  std::atomic<uint32_t> sequence{0};         // odd while the worker writes
  std::atomic<uint64_t> done_us{0};          // busy: finished requests + the worker's CPU
  std::atomic<int32_t> running_pid{0};       // 0: no request running
  std::atomic<uint64_t> running_base_us{0};  // its busy time when the request began
};

// The worker's side of one slot.
class CpuSlotWriter {
 public:
  // slot may be null: then nothing is published.
  explicit CpuSlotWriter(CpuSlot* slot);
  // `pid` serves a request from now on; it had been busy base_us before.
  void RequestStarted(pid_t pid, uint64_t base_us);
  // The running request is over, busy for busy_us; AddCpu: what case
  // processes used outside a request (a warm process's exit).
  void RequestEnded(uint64_t busy_us);
  void AddCpu(uint64_t cpu_us);

 private:
  void Publish(pid_t pid, uint64_t base_us, uint64_t add_us);
  CpuSlot* slot_;
  uint64_t own_us_ = 0;  // the worker's CPU when it last published
};

class CpuBoard {
 public:
  // Shared anonymous memory for `slots` workers; null when mmap fails.
  static std::unique_ptr<CpuBoard> Create(int slots);
  ~CpuBoard();
  CpuBoard(const CpuBoard&) = delete;
  CpuBoard& operator=(const CpuBoard&) = delete;

  int slots() const { return slots_; }
  CpuSlot* Slot(int i) { return &base_[i]; }
  // In a worker: its own case processes do not inherit the board.
  void KeepFromChildren();
  // The busy time, in ms, of every slot's worker and cases so far, running
  // requests included (read from /proc; a request that just ended is
  // counted once).
  double TotalBusyMs() const;

 private:
  CpuBoard(CpuSlot* base, int slots, size_t bytes) : base_(base), slots_(slots), bytes_(bytes) {}
  CpuSlot* base_;
  int slots_;
  size_t bytes_;
};

}  // namespace phptrun
