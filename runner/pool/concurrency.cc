#include "runner/pool/concurrency.h"

#include <algorithm>

namespace phptrun {

Concurrency::Concurrency(int cpus, int max_jobs)
    : cpus_(std::max(1, cpus)), max_jobs_(std::max(cpus_, max_jobs)), limit_(cpus_) {}

void Concurrency::Observe(double now_ms, int running, size_t pending) {
  if (!started_) {
    started_ = true;
    window_start_ms_ = now_ms;
  }
  if (running < limit_) full_ = false;
  pending_ = pending > 0;
}

bool Concurrency::WantsSample(double now_ms) const {
  return started_ && (!have_cpu_ || now_ms >= window_end_ms());
}

void Concurrency::StartWindow(double now_ms, double cpu_ms) {
  window_start_ms_ = now_ms;
  window_cpu_ms_ = cpu_ms;
  have_cpu_ = true;
  full_ = true;
}

void Concurrency::Sample(double now_ms, double cpu_ms) {
  double elapsed = now_ms - window_start_ms_;
  if (!have_cpu_ || elapsed <= 0) {
    StartWindow(now_ms, cpu_ms);
    return;
  }
  double busy = std::max(0.0, cpu_ms - window_cpu_ms_) / elapsed;
  last_idle_cpus_ = cpus_ - busy;
  if (last_idle_cpus_ >= kIdleToGrow && full_ && pending_ && limit_ < max_jobs_) {
    ++limit_;
  } else if (last_idle_cpus_ < kIdleToShrink && limit_ > cpus_) {
    --limit_;
  }
  StartWindow(now_ms, cpu_ms);
}

}  // namespace phptrun
