#include "runner/pool/watchdog.h"

#include <sys/mman.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <new>

namespace phptrun {
namespace {

// A claim in one word: the deadline in whole ms above, the step in the low
// byte, so a reader never sees one half of an update.
uint64_t Pack(const WorkerClaim& claim) {
  uint64_t ms = claim.until_ms > 0 ? static_cast<uint64_t>(std::ceil(claim.until_ms)) : 0;
  return (ms << 8) | static_cast<uint64_t>(claim.step);
}

WorkerClaim Unpack(uint64_t word) {
  WorkerClaim claim;
  claim.step = static_cast<WorkerStep>(word & 0xff);
  claim.until_ms = static_cast<double>(word >> 8);
  return claim;
}

double EnvMs(const char* name, double fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::atof(v) : fallback;
}

std::string Seconds(double ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", ms / 1000);
  return buf;
}

}  // namespace

std::unique_ptr<WatchdogBoard> WatchdogBoard::Create(int slots) {
  if (slots < 1) slots = 1;
  size_t bytes = sizeof(std::atomic<uint64_t>) * static_cast<size_t>(slots);
  void* mem = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) return nullptr;
  auto* words = static_cast<std::atomic<uint64_t>*>(mem);
  for (int i = 0; i < slots; ++i) new (&words[i]) std::atomic<uint64_t>(0);
  return std::unique_ptr<WatchdogBoard>(new WatchdogBoard(words, slots, bytes));
}

WatchdogBoard::~WatchdogBoard() { munmap(words_, bytes_); }

void WatchdogBoard::Post(int slot, WorkerClaim claim) {
  if (slot >= 0 && slot < slots_) words_[slot].store(Pack(claim), std::memory_order_release);
}

WorkerClaim WatchdogBoard::Read(int slot) const {
  if (slot < 0 || slot >= slots_) return WorkerClaim();
  return Unpack(words_[slot].load(std::memory_order_acquire));
}

void WatchdogBoard::KeepFromChildren() { madvise(words_, bytes_, MADV_DONTFORK); }

double WatchdogGraceMs() {
  static const double grace = EnvMs("PHPTRUN_TEST_WATCHDOG_GRACE_MS", 30000);
  return grace;
}

double JudgeBudgetMs() {
  static const double budget = EnvMs("PHPTRUN_TEST_JUDGE_BUDGET_MS", 300000);
  return budget;
}

double ExtendedDeadline(double deadline_ms, const WorkerClaim& claim, double grace_ms) {
  if (claim.step == WorkerStep::kBetween) return deadline_ms;
  double claimed = claim.until_ms + grace_ms;
  return claimed > deadline_ms ? claimed : deadline_ms;
}

std::string StuckReason(const WorkerClaim& claim, double judge_budget_ms, double ran_ms) {
  std::string after = " (the case ran " + Seconds(ran_ms) + ")";
  switch (claim.step) {
    case WorkerStep::kJudging:
      return "judging the output took longer than " + Seconds(judge_budget_ms) +
             ": the worker stopped answering and was killed" + after;
    case WorkerStep::kRequest:
      return "timed out: the worker stopped answering past a request's timeout and was killed" +
             after;
    case WorkerStep::kBetween:
      break;
  }
  return "timed out: the worker stopped answering and was killed" + after;
}

}  // namespace phptrun
