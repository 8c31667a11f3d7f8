#include "runner/process/external_command.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace phptrun {

RequestOutcome RunExternalCommand(const ExternalCommand& cmd) {
  RequestOutcome out;
  out.start_ms = MonotonicMs();
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
    out.error = std::string("pipe: ") + std::strerror(errno);
    return out;
  }
  // stdin from a memory file: the command may not read it, and a pipe would
  // then block us while it holds the rest.
  int in_fd = memfd_create("phptrun-stdin", MFD_CLOEXEC);
  if (in_fd < 0 || (!cmd.stdin_data.empty() &&
                    write(in_fd, cmd.stdin_data.data(), cmd.stdin_data.size()) !=
                        static_cast<ssize_t>(cmd.stdin_data.size()))) {
    out.error = std::string("stdin: ") + std::strerror(errno);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    if (in_fd >= 0) close(in_fd);
    return out;
  }
  lseek(in_fd, 0, SEEK_SET);
  pid_t pid = fork();
  if (pid < 0) {
    out.error = std::string("fork: ") + std::strerror(errno);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    close(in_fd);
    return out;
  }
  if (pid == 0) {
    setpgid(0, 0);
    for (int fd : cmd.close_fds) close(fd);
    dup2(in_fd, 0);
    dup2(pipe_fds[1], 1);
    dup2(pipe_fds[1], 2);
    for (const auto& [name, value] : cmd.env) {
      if (value.empty()) {
        unsetenv(name.c_str());
      } else {
        setenv(name.c_str(), value.c_str(), 1);
      }
    }
    signal(SIGPIPE, SIG_DFL);
    execl("/bin/sh", "sh", "-c", cmd.command.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  setpgid(pid, pid);
  close(pipe_fds[1]);
  close(in_fd);

  const double deadline = out.start_ms + cmd.timeout_s * 1000;
  char buf[65536];
  for (;;) {
    double left = deadline - MonotonicMs();
    if (left <= 0) {
      out.timed_out = true;
      kill(-pid, SIGKILL);
      break;
    }
    pollfd p{pipe_fds[0], POLLIN, 0};
    int ready = poll(&p, 1, static_cast<int>(left) + 1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    ssize_t n = read(pipe_fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (out.output.size() < cmd.output_limit) out.output.append(buf, static_cast<size_t>(n));
  }
  close(pipe_fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  kill(-pid, SIGKILL);  // whatever the command left running in its group
  if (out.timed_out) {
    // run-tests reports only the timeout, not the kill that ended it.
  } else if (WIFSIGNALED(status)) {
    out.term_signal = WTERMSIG(status);
  } else if (WIFEXITED(status)) {
    out.exit_code = WEXITSTATUS(status);
    if (out.exit_code > 128 && out.exit_code < 160) out.term_signal = out.exit_code - 128;
  }
  out.completed = !out.timed_out && out.term_signal == 0;
  out.wall_ms = MonotonicMs() - out.start_ms;
  return out;
}

}  // namespace phptrun
