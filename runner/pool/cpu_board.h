// Where workers publish the CPU their cases use, so the supervisor can tell,
// under `-j auto`, whether the running cases compute or wait (concurrency.h).
//
//   auto board = CpuBoard::Create(max_workers);      // supervisor, before forking
//   // in worker i (a fork): board->Slot(i)->... through a CpuSlotWriter
//   CpuSlotWriter writer(board->Slot(i));
//   writer.RequestStarted(pid, base_us);  ...  writer.RequestEnded(cpu_us);
//   // supervisor, every window:
//   double cpu_ms = board->TotalCpuMs();
//
// One slot per worker in anonymous shared memory, written only by its
// worker (a sequence counter lets the reader retry a torn read). A slot
// holds the exact CPU of the requests the worker has finished (user + sys
// of the case process and the children it waited for, from wait4's rusage
// or the case process's own getrusage) plus the worker's own CPU, and the
// case process serving a request right now, whose CPU the reader takes from
// /proc/<pid>/stat. So short requests are counted exactly however short,
// and a long one as it goes.
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

namespace phptrun {

struct CpuSlot {
  std::atomic<uint32_t> sequence{0};         // odd while the worker writes
  std::atomic<uint64_t> done_us{0};          // finished requests + the worker itself
  std::atomic<int32_t> running_pid{0};       // 0: no request running
  std::atomic<uint64_t> running_base_us{0};  // its CPU when the request began
};

// The worker's side of one slot.
class CpuSlotWriter {
 public:
  // slot may be null: then nothing is published.
  explicit CpuSlotWriter(CpuSlot* slot);
  // `pid` serves a request from now on; it had used base_us of CPU before.
  void RequestStarted(pid_t pid, uint64_t base_us);
  // The running request is over; add what case processes used outside a
  // request (a warm process's exit) too.
  void RequestEnded(uint64_t cpu_us);
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
  // The CPU, in ms, that every slot's worker and cases have used so far,
  // running requests included (read from /proc; a request that just ended
  // is counted once).
  double TotalCpuMs() const;

 private:
  CpuBoard(CpuSlot* base, int slots, size_t bytes) : base_(base), slots_(slots), bytes_(bytes) {}
  CpuSlot* base_;
  int slots_;
  size_t bytes_;
};

// user + sys time of the process and the children it waited for, from the
// text of /proc/<pid>/stat, in microseconds; false when it cannot be read.
bool ParseProcStatCpu(const std::string& stat, long ticks_per_s, uint64_t* cpu_us);
// The same for a live process; 0 when it is gone.
uint64_t ProcessCpuUs(pid_t pid);
// The calling process's own CPU (all its threads), in microseconds.
uint64_t OwnCpuUs();

}  // namespace phptrun
