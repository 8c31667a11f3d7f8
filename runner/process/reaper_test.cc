#include "runner/process/reaper.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

namespace phptrun {
namespace {

// Runs `body` in a forked child and returns its exit status (the child's
// checks are its exit code: its own descriptors are what is tested).
template <typename F>
int InChild(F body) {
  pid_t pid = fork();
  if (pid == 0) _exit(body());
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
}

bool IsOpen(int fd) { return fcntl(fd, F_GETFD) != -1; }

TEST_CASE("reaper: CloseDescriptorsExcept closes all but 0-2 and the kept ones") {
  int status = InChild([] {
    int fds[5];
    for (int& fd : fds) fd = open("/dev/null", O_RDONLY);
    int high = dup2(fds[0], 300);  // past the others, as a shell's 300>file
    CloseDescriptorsExcept({fds[1], fds[3], -1});
    if (!IsOpen(0) || !IsOpen(1) || !IsOpen(2)) return 1;
    if (!IsOpen(fds[1]) || !IsOpen(fds[3])) return 2;
    if (IsOpen(fds[0]) || IsOpen(fds[2]) || IsOpen(fds[4]) || IsOpen(high)) return 3;
    return 0;
  });
  CHECK(status == 0);
}

TEST_CASE("reaper: KillChildrenNow kills children and what they leave to a subreaper") {
  int status = InChild([] {
    if (!BecomeSubreaper()) return 0;  // the kernel refuses: nothing to test here
    pid_t child = fork();
    if (child == 0) {
      // A grandchild in a session of its own outlives its parent: adopted.
      if (fork() == 0) {
        setsid();
        pause();
        _exit(0);
      }
      pause();
      _exit(0);
    }
    usleep(100000);
    KillChildrenNow();
    // Nothing is left to reap or wait for.
    return waitpid(-1, nullptr, WNOHANG) == -1 && errno == ECHILD ? 0 : 1;
  });
  CHECK(status == 0);
}

}  // namespace
}  // namespace phptrun
