#include "runner/pool/cpu_board.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>

namespace phptrun {
namespace {

TEST_CASE("cpu board: finished requests count exactly, a running one from /proc") {
  auto board = CpuBoard::Create(2);
  REQUIRE(board);
  CHECK(board->TotalBusyMs() == 0);
  CpuSlotWriter writer(board->Slot(1));
  writer.RequestEnded(2500);  // 2.5 ms, exact
  double after_one = board->TotalBusyMs();
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
  double running = board->TotalBusyMs();
  CHECK(running >= after_one + 60);
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  writer.RequestEnded(1000);
  double ended = board->TotalBusyMs();
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
  CHECK(board->TotalBusyMs() >= 7.0);
}

}  // namespace
}  // namespace phptrun
