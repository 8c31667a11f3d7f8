// What the kernel says a process has used: CPU (user + sys, with the
// children it waited for) and the time it spent runnable but waiting for a
// CPU. `-j auto` counts both as a case's demand for CPUs
// (runner/pool/cpu_board.h): a case that waits for a CPU another process
// holds is computing, not sleeping.
//
//   uint64_t cpu = ProcessCpuUs(pid);       // /proc/<pid>/stat
//   uint64_t queued = RunQueueWaitUs(pid);  // /proc/<pid>/schedstat
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace phptrun {

// user + sys time of the process and the children it waited for, from the
// text of /proc/<pid>/stat, in microseconds; false when it cannot be read.
bool ParseProcStatCpu(const std::string& stat, long ticks_per_s, uint64_t* cpu_us);
// The same for a live (or not yet reaped) process; 0 when it is gone.
uint64_t ProcessCpuUs(pid_t pid);

// The run-queue wait (second field, ns) of /proc/<pid>/schedstat, in
// microseconds; false when it cannot be read.
bool ParseSchedstatWait(const std::string& schedstat, uint64_t* wait_us);
// The same for the main thread of a live (or not yet reaped) process, or of
// the calling thread for pid 0; 0 when it cannot be read (no schedstats in
// the kernel, or the process is gone).
uint64_t RunQueueWaitUs(pid_t pid);

// The calling process's own CPU (all its threads), in microseconds.
uint64_t OwnCpuUs();

}  // namespace phptrun
