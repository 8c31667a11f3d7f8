#include "runner/pool/cpu_board.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <new>

namespace phptrun {

CpuSlotWriter::CpuSlotWriter(CpuSlot* slot) : slot_(slot), own_us_(OwnCpuUs()) {
  // A worker that died while writing left the count odd: its replacement
  // makes it even again.
  if (slot_ && (slot_->sequence.load(std::memory_order_relaxed) & 1)) {
    slot_->sequence.fetch_add(1, std::memory_order_release);
  }
}

void CpuSlotWriter::Publish(pid_t pid, uint64_t base_us, uint64_t add_us) {
  if (!slot_) return;
  // The worker's own CPU since it last published (judging, parsing, forking)
  // counts as the cases' too: it is the price of running them.
  uint64_t own = OwnCpuUs();
  add_us += own > own_us_ ? own - own_us_ : 0;
  own_us_ = own;
  uint32_t seq = slot_->sequence.load(std::memory_order_relaxed);
  slot_->sequence.store(seq + 1, std::memory_order_relaxed);
  std::atomic_thread_fence(std::memory_order_release);
  slot_->done_us.store(slot_->done_us.load(std::memory_order_relaxed) + add_us,
                       std::memory_order_relaxed);
  slot_->running_pid.store(pid, std::memory_order_relaxed);
  slot_->running_base_us.store(base_us, std::memory_order_relaxed);
  slot_->sequence.store(seq + 2, std::memory_order_release);
}

void CpuSlotWriter::RequestStarted(pid_t pid, uint64_t base_us) { Publish(pid, base_us, 0); }

void CpuSlotWriter::RequestEnded(uint64_t busy_us) { Publish(0, 0, busy_us); }

void CpuSlotWriter::AddCpu(uint64_t cpu_us) {
  if (!slot_) return;
  Publish(slot_->running_pid.load(std::memory_order_relaxed),
          slot_->running_base_us.load(std::memory_order_relaxed), cpu_us);
}

std::unique_ptr<CpuBoard> CpuBoard::Create(int slots) {
  if (slots < 1) slots = 1;
  size_t bytes = sizeof(CpuSlot) * static_cast<size_t>(slots);
  void* mem = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) return nullptr;
  CpuSlot* base = static_cast<CpuSlot*>(mem);
  for (int i = 0; i < slots; ++i) new (&base[i]) CpuSlot();
  return std::unique_ptr<CpuBoard>(new CpuBoard(base, slots, bytes));
}

CpuBoard::~CpuBoard() { munmap(base_, bytes_); }

void CpuBoard::KeepFromChildren() { madvise(base_, bytes_, MADV_DONTFORK); }

double CpuBoard::TotalBusyMs() const {
  uint64_t total_us = 0;
  for (int i = 0; i < slots_; ++i) {
    const CpuSlot& slot = base_[i];
    uint64_t done = 0, running = 0;
    // A read torn by the worker's update (the request ended while /proc was
    // read) is read again; after a few tries the last reading stands.
    for (int attempt = 0; attempt < 4; ++attempt) {
      uint32_t before = slot.sequence.load(std::memory_order_acquire);
      done = slot.done_us.load(std::memory_order_relaxed);
      pid_t pid = slot.running_pid.load(std::memory_order_relaxed);
      uint64_t base = slot.running_base_us.load(std::memory_order_relaxed);
      running = 0;
      if (pid > 0) {
        uint64_t now = ProcessCpuUs(pid) + RunQueueWaitUs(pid);
        running = now > base ? now - base : 0;
      }
      std::atomic_thread_fence(std::memory_order_acquire);
      if ((before & 1) == 0 && slot.sequence.load(std::memory_order_relaxed) == before) break;
    }
    total_us += done + running;
  }
  return total_us / 1000.0;
}

}  // namespace phptrun
