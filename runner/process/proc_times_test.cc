#include "runner/process/proc_times.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <string>

namespace phptrun {
namespace {

TEST_CASE("proc times: /proc/<pid>/stat gives user + sys of the process and its waited children") {
  // A comm with spaces and a ')' of its own; utime 150, stime 50, cutime 30,
  // cstime 20 ticks at 100 per second: 2.5 s.
  std::string stat =
      "4242 (php ) (x) S 1 4242 4242 0 -1 4194560 1000 0 0 0 150 50 30 20 20 0 1 0 12345 "
      "1000000 300 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";
  uint64_t us = 0;
  REQUIRE(ParseProcStatCpu(stat, 100, &us));
  CHECK(us == 2500000);
  CHECK_FALSE(ParseProcStatCpu("4242 (php) S 1 2 3", 100, &us));
  CHECK_FALSE(ParseProcStatCpu("no parenthesis", 100, &us));
  CHECK_FALSE(ParseProcStatCpu(stat, 0, &us));
}

TEST_CASE("proc times: a live process's CPU grows as it computes; a gone one reads 0") {
  uint64_t before = ProcessCpuUs(getpid());
  volatile double x = 0;
  uint64_t own = OwnCpuUs();
  while (OwnCpuUs() - own < 60000) x = x + 1;       // 60 ms of CPU
  CHECK(ProcessCpuUs(getpid()) >= before + 40000);  // /proc counts in ticks of 10 ms
  CHECK(ProcessCpuUs(999999999) == 0);
}

TEST_CASE("proc times: /proc/<pid>/schedstat gives the run-queue wait") {
  uint64_t us = 0;
  REQUIRE(ParseSchedstatWait("1285985 263041 1\n", &us));
  CHECK(us == 263);
  CHECK_FALSE(ParseSchedstatWait("", &us));
  CHECK_FALSE(ParseSchedstatWait("12", &us));
  // This process's own file parses (where the kernel has schedstats;
  // without them the figure is 0 and -j auto counts CPU only).
  std::ifstream file("/proc/" + std::to_string(getpid()) + "/schedstat");
  std::string line;
  if (std::getline(file, line)) CHECK(ParseSchedstatWait(line, &us));
  CHECK(RunQueueWaitUs(999999999) == 0);
}

}  // namespace
}  // namespace phptrun
