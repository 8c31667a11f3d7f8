#include "runner/process/proc_times.h"

#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace phptrun {
namespace {

// The first bytes of a small /proc file, or "" when it cannot be read.
std::string ReadProcFile(const char* path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "";
  char buf[1024];
  ssize_t n = read(fd, buf, sizeof buf);
  close(fd);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
}

}  // namespace

bool ParseProcStatCpu(const std::string& stat, long ticks_per_s, uint64_t* cpu_us) {
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so
  // the fields are counted from the last ')'. utime, stime, cutime, cstime
  // are fields 14 to 17; the state is field 3.
  size_t close = stat.rfind(')');
  if (close == std::string::npos || ticks_per_s <= 0) return false;
  const char* p = stat.c_str() + close + 1;
  uint64_t ticks = 0;
  for (int field = 3; field <= 17; ++field) {
    while (*p == ' ') ++p;
    if (!*p) return false;
    char* end = nullptr;
    if (field >= 14) {
      long long v = std::strtoll(p, &end, 10);
      if (end == p || v < 0) return false;
      ticks += static_cast<uint64_t>(v);
      p = end;
    } else {
      while (*p && *p != ' ') ++p;
    }
  }
  *cpu_us = ticks * 1000000 / static_cast<uint64_t>(ticks_per_s);
  return true;
}

uint64_t ProcessCpuUs(pid_t pid) {
  static const long ticks_per_s = sysconf(_SC_CLK_TCK);
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%d/stat", static_cast<int>(pid));
  uint64_t us = 0;
  return ParseProcStatCpu(ReadProcFile(path), ticks_per_s, &us) ? us : 0;
}

bool ParseSchedstatWait(const std::string& schedstat, uint64_t* wait_us) {
  // "on-CPU ns, run-queue wait ns, timeslices"
  const char* p = schedstat.c_str();
  char* end = nullptr;
  std::strtoull(p, &end, 10);
  if (end == p) return false;
  p = end;
  unsigned long long wait_ns = std::strtoull(p, &end, 10);
  if (end == p) return false;
  *wait_us = wait_ns / 1000;
  return true;
}

uint64_t RunQueueWaitUs(pid_t pid) {
  char path[64];
  if (pid == 0) {
    std::snprintf(path, sizeof path, "/proc/thread-self/schedstat");
  } else {
    std::snprintf(path, sizeof path, "/proc/%d/schedstat", static_cast<int>(pid));
  }
  uint64_t us = 0;
  return ParseSchedstatWait(ReadProcFile(path), &us) ? us : 0;
}

uint64_t OwnCpuUs() {
  timespec ts;
  if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0) return 0;
  return static_cast<uint64_t>(ts.tv_sec) * 1000000 + static_cast<uint64_t>(ts.tv_nsec) / 1000;
}

}  // namespace phptrun
