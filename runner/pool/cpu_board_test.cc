#include "runner/pool/cpu_board.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>

namespace phptrun {
namespace {

TEST_CASE("cpu board: /proc/<pid>/stat gives user + sys of the process and its waited children") {
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

TEST_CASE("cpu board: a live process's CPU grows as it computes; a gone one reads 0") {
  uint64_t before = ProcessCpuUs(getpid());
  volatile double x = 0;
  uint64_t own = OwnCpuUs();
  while (OwnCpuUs() - own < 60000) x = x + 1;       // 60 ms of CPU
  CHECK(ProcessCpuUs(getpid()) >= before + 40000);  // /proc counts in ticks of 10 ms
  CHECK(ProcessCpuUs(999999999) == 0);
}

TEST_CASE("cpu board: finished requests count exactly, a running one from /proc") {
  auto board = CpuBoard::Create(2);
  REQUIRE(board);
  CHECK(board->TotalCpuMs() == 0);
  CpuSlotWriter writer(board->Slot(1));
  writer.RequestEnded(2500);  // 2.5 ms, exact
  double after_one = board->TotalCpuMs();
  CHECK(after_one >= 2.5);
  CHECK(after_one < 2.5 + 50);  // plus the writer's own CPU since it was made

  // A child as the "case process": its CPU beyond base_us counts while the
  // request runs, and only the exact figure once it ended.
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    volatile double x = 0;
    uint64_t own = OwnCpuUs();
    while (OwnCpuUs() - own < 80000) x = x + 1;  // 80 ms of CPU, then wait
    pause();
    _exit(0);
  }
  writer.RequestStarted(child, 0);
  while (ProcessCpuUs(child) < 60000) usleep(5000);
  double running = board->TotalCpuMs();
  CHECK(running >= after_one + 60);
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  writer.RequestEnded(1000);
  double ended = board->TotalCpuMs();
  CHECK(ended >= after_one + 1);
  CHECK(ended < running);  // the running reading is replaced, not added
}

TEST_CASE("cpu board: workers write it across fork; their case processes never see it") {
  auto board = CpuBoard::Create(1);
  REQUIRE(board);
  pid_t worker = fork();
  REQUIRE(worker >= 0);
  if (worker == 0) {
    CpuSlotWriter writer(board->Slot(0));
    writer.RequestEnded(7000);
    board->KeepFromChildren();
    pid_t case_process = fork();
    if (case_process == 0) {
      // Not mapped here: reading it must fault (without Catch's handler).
      signal(SIGSEGV, SIG_DFL);
      volatile uint64_t v = board->Slot(0)->done_us.load();
      (void)v;
      _exit(0);
    }
    int status = 0;
    waitpid(case_process, &status, 0);
    _exit(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV ? 0 : 1);
  }
  int status = 0;
  REQUIRE(waitpid(worker, &status, 0) == worker);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(board->TotalCpuMs() >= 7.0);
}

}  // namespace
}  // namespace phptrun
