// How many cases may run at once under `-j auto`: one per CPU, and more
// while the running ones leave CPUs idle (they sleep, wait on a socket, a
// lock or a child process), up to a limit.
//
//   Concurrency c(/*cpus=*/2, /*max_jobs=*/8);
//   loop:
//     c.Observe(now_ms, running_cases, pending_cases);   // every turn, cheap
//     if (c.WantsSample(now_ms)) c.Sample(now_ms, busy_ms_of_all_cases_so_far);
//     start cases while running < c.limit()
//
// The decision is made once per window (kWindowMs) from the CPU the cases
// used or waited for in it, as the worker pool measures it (cpu_board.h,
// "busy"): with at least
// half a CPU idle while every allowed case ran and more are pending, one
// more case may run; with the CPUs saturated, one fewer (never below the
// number of CPUs). So it never keeps more computing cases than CPUs for
// longer than a window, and a case that waits does not hold a CPU.
//
// Pure bookkeeping: the clock and the CPU readings are arguments, so the
// unit tests drive it with made-up ones.
#pragma once

#include <cstddef>

namespace phptrun {

class Concurrency {
 public:
  static constexpr double kWindowMs = 100;
  // Idle CPUs over a window that let one more case run.
  static constexpr double kIdleToGrow = 0.5;
  // Idle CPUs over a window below which the CPUs count as saturated.
  static constexpr double kIdleToShrink = 0.25;

  // cpus >= 1; max_jobs >= cpus (a smaller one is raised to cpus).
  Concurrency(int cpus, int max_jobs);

  // The cases running now and those waiting to be handed out. Called on
  // every turn of the supervisor's loop; the first call starts the window.
  void Observe(double now_ms, int running, size_t pending);
  // True when the window is over and Sample() should be called.
  bool WantsSample(double now_ms) const;
  // When the window ends (for the supervisor's poll timeout).
  double window_end_ms() const { return window_start_ms_ + kWindowMs; }
  // Ends the window: `cpu_ms` is the busy time of all cases so far (CPU
  // used or waited for; a running total: only its growth over the window
  // counts).
  void Sample(double now_ms, double cpu_ms);

  // How many cases may run now.
  int limit() const { return limit_; }
  int cpus() const { return cpus_; }
  int max_jobs() const { return max_jobs_; }
  // The idle CPUs the last window saw (for tests and diagnostics).
  double last_idle_cpus() const { return last_idle_cpus_; }

 private:
  void StartWindow(double now_ms, double cpu_ms);

  const int cpus_;
  const int max_jobs_;
  int limit_;
  bool started_ = false;
  bool have_cpu_ = false;  // window_cpu_ms_ holds a reading
  double window_start_ms_ = 0;
  double window_cpu_ms_ = 0;
  // Over the window so far: did every allowed case run on every turn, and
  // were cases pending at the last turn?
  bool full_ = true;
  bool pending_ = false;
  double last_idle_cpus_ = 0;
};

}  // namespace phptrun
