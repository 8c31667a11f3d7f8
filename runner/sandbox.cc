#include "runner/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstring>

#include "runner/resident_control.h"
#include "runner/wire.h"

namespace phptrun {
namespace {

enum ControlKind : uint32_t { kControlResult = 1, kControlRestart = 2, kControlError = 3 };

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

// Address space for one case: enough for any sane test, small enough that a
// runaway allocation fails inside PHP instead of waking the OOM killer.
rlim_t CaseAddressSpaceLimit() {
  long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  if (pages <= 0 || page <= 0) return RLIM_INFINITY;
  rlim_t share = static_cast<rlim_t>(pages) * static_cast<rlim_t>(page) /
                 static_cast<rlim_t>(cpus > 0 ? cpus + 1 : 2);
  rlim_t floor = rlim_t{2} << 30;
  return share < floor ? floor : share;
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
  rlimit as{CaseAddressSpaceLimit(), CaseAddressSpaceLimit()};
  setrlimit(RLIMIT_AS, &as);

  if (!spec.startup_ini.empty()) {
    phptrun_startup_timing restart;
    char err[512] = "";
    if (phptrun_engine_restart(spec.startup_ini.c_str(), &restart, err, sizeof err) != 0) {
      SendControl(control_fd, kControlError, err, std::strlen(err));
      _exit(3);
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

  phptrun_request_result result{};
  if (spec.resident.mode != PHPTRUN_RESIDENT_OFF) {
    RunResidentAndReport(request, spec.resident, control_fd, &result);
  } else {
    phptrun_engine_run_request(&request, &result);
  }
  SendControl(control_fd, kControlResult, &result, sizeof result);
  _exit(0);
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
      out->error = "engine restart failed: " + body;
    } else {
      ReadResidentControl(kind, body, &out->resident);
    }
  }
}

std::string ReadOutput(int fd, size_t limit) {
  struct stat st;
  if (fstat(fd, &st) != 0 || st.st_size <= 0) return {};
  size_t size = static_cast<size_t>(st.st_size);
  if (size > limit) size = limit;
  std::string out(size, '\0');
  size_t off = 0;
  while (off < size) {
    ssize_t n = pread(fd, out.data() + off, size - off, static_cast<off_t>(off));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    off += static_cast<size_t>(n);
  }
  out.resize(off);
  return out;
}

}  // namespace

std::string SignalName(int sig) {
  const char* abbrev = sigabbrev_np(sig);
  return abbrev ? std::string("SIG") + abbrev : "signal " + std::to_string(sig);
}

RequestOutcome RunRequest(const RequestSpec& spec) {
  RequestOutcome out;
  double start = NowMs();

  int output_fd = MakeMemFile("phptrun-output");
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
  if (output_fd < 0 || stdin_fd < 0 || pipe2(control, O_CLOEXEC) != 0) {
    out.error = std::string("cannot set up the case process: ") + std::strerror(errno);
    if (output_fd >= 0) close(output_fd);
    if (stdin_fd >= 0) close(stdin_fd);
    return out;
  }

  pid_t pid = fork();
  if (pid == 0) {
    close(control[0]);
    CaseProcess(spec, stdin_fd, output_fd, control[1]);
  }
  close(control[1]);
  close(stdin_fd);
  if (pid < 0) {
    out.error = std::string("fork failed: ") + std::strerror(errno);
    close(control[0]);
    close(output_fd);
    return out;
  }

  // Wait for the case process to exit, reading its control messages, until
  // the deadline. A pidfd tells us about the exit even if a grandchild keeps
  // the control pipe open.
  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  fcntl(control[0], F_SETFL, O_NONBLOCK);
  MessageBuffer control_in;
  bool control_open = true;
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
    pollfd fds[2];
    int n = 0;
    if (pidfd >= 0) fds[n++] = {pidfd, POLLIN, 0};
    if (control_open) fds[n++] = {control[0], POLLIN, 0};
    int wait_ms = pidfd >= 0 ? static_cast<int>(left) + 1 : 5;
    if (poll(fds, n, wait_ms) < 0 && errno != EINTR) break;
    if (control_open && !control_in.Fill(control[0])) control_open = false;
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
  out.output = ReadOutput(output_fd, spec.output_limit + (1 << 20));
  close(output_fd);
  out.wall_ms = NowMs() - start;
  return out;
}

}  // namespace phptrun
