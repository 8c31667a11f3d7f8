#include "runner/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "runner/sapi/lifecycle_hooks.h"
#include "runner/resident_control.h"
#include "runner/wire.h"
#include "tracer/event_log.h"

namespace phptrun {
namespace {

enum ControlKind : uint32_t {
  kControlResult = 1,
  kControlRestart = 2,
  kControlError = 3,
  kControlLifecycle = 4,  // the lifecycle event log of the request
};

double NowMs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int MakeMemFile(const char* name) { return memfd_create(name, MFD_CLOEXEC); }

bool WriteAllFd(int fd, const std::string& data) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = write(fd, data.data() + off, data.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

void SendControl(int fd, ControlKind kind, const void* data, size_t size) {
  WireWriter w;
  w.U32(kind);
  w.Str(std::string_view(static_cast<const char*>(data), size));
  WriteMessage(fd, w.data());
}

// The request's lifecycle events, as SendControl(kControlLifecycle, bytes)
// would send EventLog::EncodeCurrent(), but written straight from the log's
// static storage: no allocation in the case process after its request.
void SendLifecycleLog(int fd) {
  EventLog::Parts parts = EventLog::CurrentParts();
  // The frame WriteMessage and WireWriter would make: the message length,
  // the kind, the string length, each four bytes little-endian.
  char frame[12];
  uint32_t fields[3] = {static_cast<uint32_t>(8 + parts.size()), kControlLifecycle,
                        static_cast<uint32_t>(parts.size())};
  for (int f = 0; f < 3; ++f) {
    for (int b = 0; b < 4; ++b) frame[4 * f + b] = static_cast<char>((fields[f] >> (8 * b)) & 0xff);
  }
  iovec iov[4] = {{frame, sizeof frame},
                  {parts.header, sizeof parts.header},
                  {const_cast<void*>(parts.events), parts.event_bytes},
                  {const_cast<char*>(parts.names), parts.name_bytes}};
  iovec* next = iov;
  int left = 4;
  while (left > 0) {
    ssize_t n = writev(fd, next, left);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return;
    while (left > 0 && static_cast<size_t>(n) >= next->iov_len) {
      n -= static_cast<ssize_t>(next->iov_len);
      ++next;
      --left;
    }
    if (left > 0) {
      next->iov_base = static_cast<char*>(next->iov_base) + n;
      next->iov_len -= static_cast<size_t>(n);
    }
  }
}

// A case that allocates without bound (memory_limit=-1) must be the one the
// kernel's OOM killer picks, not a worker or the supervisor; it then gets a
// SIGKILL verdict and the run goes on. (An address-space rlimit would do it
// more gently, but breaks tests that mmap large files, as copy() does.)
void PreferAsOomVictim() {
  int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
  if (fd < 0) return;
  ssize_t ignored = write(fd, "1000", 4);
  (void)ignored;
  close(fd);
}

[[noreturn]] void CaseProcess(const RequestSpec& spec, int stdin_fd, int output_fd,
                              int control_fd) {
  setpgid(0, 0);
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  for (int fd : spec.close_fds) close(fd);

  if (spec.capture_stdin) dup2(stdin_fd, STDIN_FILENO);
  if (spec.capture_stdout) dup2(output_fd, STDOUT_FILENO);
  if (spec.discard_stderr) {
    int null_fd = open("/dev/null", O_WRONLY);
    dup2(null_fd, STDERR_FILENO);
    close(null_fd);
  } else if (spec.capture_stderr) {
    dup2(output_fd, STDERR_FILENO);
  }
  close(stdin_fd);
  close(output_fd);

  for (const auto& [name, value] : spec.env) {
    if (value.empty()) {
      unsetenv(name.c_str());
    } else {
      setenv(name.c_str(), value.c_str(), 1);
    }
  }
  PreferAsOomVictim();
  phptrun_log_clear();  // the worker's events are not this request's

  if (!spec.startup_ini.empty() || spec.restart_as) {
    phptrun_startup_timing restart;
    char err[512] = "";
    int failed = spec.restart_as
                     ? phptrun_engine_restart_as(spec.restart_as, spec.startup_ini.c_str(), &restart,
                                                 err, sizeof err)
                     : phptrun_engine_restart(spec.startup_ini.c_str(), &restart, err, sizeof err);
    if (failed) {
      // As the CLI: what startup printed (a fatal error about a directive)
      // is the output, and the process ends with status 1.
      SendControl(control_fd, kControlError, err, std::strlen(err));
      _exit(1);
    }
    SendControl(control_fd, kControlRestart, &restart, sizeof restart);
  }

  std::vector<char*> argv;
  for (const std::string& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);

  phptrun_request request{};
  request.script_path = spec.script_path.c_str();
  request.argc = static_cast<int>(spec.argv.size());
  request.argv = argv.data();
  request.runtime_ini = spec.runtime_ini.empty() ? nullptr : spec.runtime_ini.c_str();
  request.output_limit = spec.output_limit;
  request.quiet = spec.quiet;

  phptrun_request_result result{};
  if (spec.resident.mode != PHPTRUN_RESIDENT_OFF) {
    RunResidentAndReport(request, spec.resident, control_fd, &result);
  } else if (phptrun_engine_run_request(&request, &result) != 0) {
    static const char kWhy[] = "the request could not start";
    SendControl(control_fd, kControlError, kWhy, sizeof kWhy - 1);
    _exit(1);
  }
  if (phptrun_lifecycle_enabled()) SendLifecycleLog(control_fd);
  SendControl(control_fd, kControlResult, &result, sizeof result);
  // The CLI's exit status: a process the script forked (pcntl_fork) that
  // calls exit(N) must end with N.
  _exit(result.exit_status);
}

void ReadControl(MessageBuffer* buffer, RequestOutcome* out) {
  std::string message;
  while (buffer->Next(&message)) {
    WireReader r(message);
    uint32_t kind = 0;
    std::string body;
    if (!r.U32(&kind) || !r.Str(&body)) continue;
    if (kind == kControlResult && body.size() == sizeof out->engine) {
      std::memcpy(&out->engine, body.data(), body.size());
      out->completed = true;
    } else if (kind == kControlRestart && body.size() == sizeof out->restart) {
      std::memcpy(&out->restart, body.data(), body.size());
    } else if (kind == kControlError) {
      out->startup_error = body;
    } else if (kind == kControlLifecycle) {
      out->lifecycle_log = std::move(body);
    } else {
      ReadResidentControl(kind, body, &out->resident);
    }
  }
}

}  // namespace

std::string SignalName(int sig) {
  const char* abbrev = sigabbrev_np(sig);
  return abbrev ? std::string("SIG") + abbrev : "signal " + std::to_string(sig);
}

RequestOutcome RunRequest(const RequestSpec& spec) {
  RequestOutcome out;
  double start = NowMs();
  out.start_ms = start;

  // Output goes through a pipe, as with run-tests' proc_open: a seekable file
  // would let PHP's STDOUT stream seek (proc_open casts it to an fd at its own
  // position), scrambling what child processes write. A resident run needs
  // the offsets of fd 1 to cut its output per iteration, so it writes into
  // an anonymous memory file instead, read once the case process is gone.
  const bool output_to_file = spec.resident.mode != PHPTRUN_RESIDENT_OFF;
  int output_pipe[2] = {-1, -1};
  if (output_to_file) {
    output_pipe[1] = MakeMemFile("phptrun-output");
    output_pipe[0] = output_pipe[1] >= 0 ? dup(output_pipe[1]) : -1;
    if (output_pipe[0] >= 0) fcntl(output_pipe[0], F_SETFD, FD_CLOEXEC);
  } else if (pipe2(output_pipe, O_CLOEXEC) != 0) {
    output_pipe[0] = output_pipe[1] = -1;
  }
  if (output_pipe[0] < 0 || output_pipe[1] < 0) {
    out.error = std::string("cannot create the output channel: ") + std::strerror(errno);
    if (output_pipe[1] >= 0) close(output_pipe[1]);
    return out;
  }
  int output_fd = output_pipe[1];
  int stdin_fd = -1;
  int control[2] = {-1, -1};
  if (spec.has_stdin && !spec.stdin_data.empty()) {
    stdin_fd = MakeMemFile("phptrun-stdin");
    if (stdin_fd >= 0 && (!WriteAllFd(stdin_fd, spec.stdin_data) || lseek(stdin_fd, 0, SEEK_SET) != 0)) {
      close(stdin_fd);
      stdin_fd = -1;
    }
  } else {
    int p[2];  // an empty pipe: reads see EOF at once
    if (pipe2(p, O_CLOEXEC) == 0) {
      close(p[1]);
      stdin_fd = p[0];
    }
  }
  if (stdin_fd < 0 || pipe2(control, O_CLOEXEC) != 0) {
    out.error = std::string("cannot set up the case process: ") + std::strerror(errno);
    close(output_pipe[0]);
    close(output_pipe[1]);
    if (stdin_fd >= 0) close(stdin_fd);
    return out;
  }

  // The engine flushes stdout at every request's end: unflushed output of
  // this process would come out again in the case's output.
  std::fflush(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    close(control[0]);
    close(output_pipe[0]);
    CaseProcess(spec, stdin_fd, output_fd, control[1]);
  }
  close(control[1]);
  close(stdin_fd);
  close(output_fd);
  int output_in = output_pipe[0];
  if (pid < 0) {
    out.error = std::string("fork failed: ") + std::strerror(errno);
    close(control[0]);
    close(output_in);
    return out;
  }

  // Wait for the case process to exit, reading its control messages, until
  // the deadline. A pidfd tells us about the exit even if a grandchild keeps
  // the control pipe open.
  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  fcntl(control[0], F_SETFL, O_NONBLOCK);
  fcntl(output_in, F_SETFL, O_NONBLOCK);
  MessageBuffer control_in;
  bool control_open = true;
  bool output_open = !output_to_file;
  const size_t output_cap = spec.output_limit + (1 << 20);
  // Reads what the pipe holds; beyond the cap it is drained and dropped so
  // the writer never blocks on a full pipe.
  auto drain_output = [&] {
    char buf[65536];
    for (;;) {
      ssize_t n = read(output_in, buf, sizeof buf);
      if (n > 0) {
        size_t keep = out.output.size() < output_cap ? output_cap - out.output.size() : 0;
        out.output.append(buf, std::min(static_cast<size_t>(n), keep));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n == 0) output_open = false;
      return;
    }
  };
  double deadline = start + spec.timeout_s * 1000;
  int status = 0;
  bool exited = false;
  while (!exited) {
    double left = deadline - NowMs();
    if (left <= 0) {
      out.timed_out = true;
      kill(-pid, SIGKILL);
      kill(pid, SIGKILL);
      break;
    }
    pollfd fds[3];
    int n = 0;
    if (pidfd >= 0) fds[n++] = {pidfd, POLLIN, 0};
    if (control_open) fds[n++] = {control[0], POLLIN, 0};
    if (output_open) fds[n++] = {output_in, POLLIN, 0};
    int wait_ms = pidfd >= 0 ? static_cast<int>(left) + 1 : 5;
    if (poll(fds, n, wait_ms) < 0 && errno != EINTR) break;
    if (control_open && !control_in.Fill(control[0])) control_open = false;
    if (output_open) drain_output();
    ReadControl(&control_in, &out);  // as it comes: a resident run streams samples
    pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) exited = true;
  }
  if (!exited) waitpid(pid, &status, 0);
  control_in.Fill(control[0]);
  ReadControl(&control_in, &out);
  if (pidfd >= 0) close(pidfd);
  close(control[0]);

  if (WIFSIGNALED(status)) {
    out.term_signal = WTERMSIG(status);
    out.completed = false;
  } else if (WIFEXITED(status)) {
    out.exit_code = WEXITSTATUS(status);
  }
  if (out.timed_out) out.completed = false;
  // What the case wrote before it exited is in the pipe; a grandchild that
  // still holds the pipe open does not make us wait.
  if (output_open) drain_output();
  if (output_to_file) {
    char buf[65536];
    off_t at = 0;
    ssize_t n;
    while (out.output.size() < output_cap && (n = pread(output_in, buf, sizeof buf, at)) > 0) {
      out.output.append(buf, std::min(static_cast<size_t>(n), output_cap - out.output.size()));
      at += n;
    }
  }
  close(output_in);
  out.wall_ms = NowMs() - start;
  return out;
}

}  // namespace phptrun
