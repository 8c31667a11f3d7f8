#include "runner/process/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <cstdio>
#include <cstring>

#include "runner/process/case_process.h"
#include "runner/process/proc_times.h"
#include "runner/process/oom_hint.h"
#include "runner/process/reaper.h"
#include "runner/process/resident_control.h"
#include "runner/result/wire.h"

namespace phptrun {
namespace {

int MakeMemFile(const char* name) { return memfd_create(name, MFD_CLOEXEC); }

RequestObserver* g_observer = nullptr;

// Reaps `pid` once it has exited (waiting for that when `block`), reading
// first what only a process not yet reaped shows: its run-queue wait.
bool Reap(pid_t pid, bool block, int* status, rusage* usage, uint64_t* queued_us) {
  siginfo_t info{};
  if (waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT | (block ? 0 : WNOHANG)) != 0 ||
      info.si_pid != pid) {
    return false;
  }
  *queued_us = RunQueueWaitUs(pid);
  return wait4(pid, status, 0, usage) == pid;
}

// user + sys of a reaped process and the children it waited for.
uint64_t RusageCpuUs(const rusage& u) {
  uint64_t us = 0;
  for (const timeval& t : {u.ru_utime, u.ru_stime}) {
    us += static_cast<uint64_t>(t.tv_sec) * 1000000 + static_cast<uint64_t>(t.tv_usec);
  }
  return us;
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

// The descriptors of one request: the case's stdin, its output (fds 1 and
// 2) and its control pipe, each with the worker's end and the case's end.
struct Channels {
  int stdin_fd = -1;     // the case's fd 0
  int output_in = -1;    // the worker reads
  int output_out = -1;   // the case's fds 1 and 2
  int control_in = -1;   // the worker reads
  int control_out = -1;  // the case writes
  bool output_to_file = false;

  // The case's ends, once the case process has them.
  void CloseCaseEnds() {
    for (int* fd : {&stdin_fd, &output_out, &control_out}) {
      if (*fd >= 0) close(*fd);
      *fd = -1;
    }
  }
  void CloseAll() {
    CloseCaseEnds();
    for (int* fd : {&output_in, &control_in}) {
      if (*fd >= 0) close(*fd);
      *fd = -1;
    }
  }
};

bool OpenChannels(const RequestSpec& spec, Channels* ch, std::string* error) {
  // Output goes through a pipe, as with run-tests' proc_open: a seekable file
  // would let PHP's STDOUT stream seek (proc_open casts it to an fd at its own
  // position), scrambling what child processes write. A resident run needs
  // the offsets of fd 1 to cut its output per iteration, so it writes into
  // an anonymous memory file instead, read once the case process is gone.
  ch->output_to_file = spec.resident.mode != PHPTRUN_RESIDENT_OFF;
  int output[2] = {-1, -1};
  if (ch->output_to_file) {
    output[1] = MakeMemFile("phptrun-output");
    output[0] = output[1] >= 0 ? dup(output[1]) : -1;
    if (output[0] >= 0) fcntl(output[0], F_SETFD, FD_CLOEXEC);
  } else if (pipe2(output, O_CLOEXEC) != 0) {
    output[0] = output[1] = -1;
  }
  ch->output_in = output[0];
  ch->output_out = output[1];
  if (ch->output_in < 0 || ch->output_out < 0) {
    *error = std::string("cannot create the output channel: ") + std::strerror(errno);
    ch->CloseAll();
    return false;
  }
  if (spec.has_stdin && !spec.stdin_data.empty()) {
    ch->stdin_fd = MakeMemFile("phptrun-stdin");
    if (ch->stdin_fd >= 0 &&
        (!WriteAllBytes(ch->stdin_fd, spec.stdin_data) || lseek(ch->stdin_fd, 0, SEEK_SET) != 0)) {
      close(ch->stdin_fd);
      ch->stdin_fd = -1;
    }
  } else {
    int p[2];  // an empty pipe: reads see EOF at once
    if (pipe2(p, O_CLOEXEC) == 0) {
      close(p[1]);
      ch->stdin_fd = p[0];
    }
  }
  int control[2] = {-1, -1};
  if (ch->stdin_fd < 0 || pipe2(control, O_CLOEXEC) != 0) {
    *error = std::string("cannot set up the case process: ") + std::strerror(errno);
    ch->CloseAll();
    return false;
  }
  ch->control_in = control[0];
  ch->control_out = control[1];
  return true;
}

// How a warm case process ended a request (Collect with a socket).
struct WarmEnd {
  bool done = false;   // it answered: the request is over
  bool ready = false;  // ... and it serves the next one
  uint64_t cpu_us = 0;  // ... having used this much CPU since it started
  uint64_t queued_us = 0;  // ... and waited this long for a CPU
  std::string why;     // ... or why it retires
};

// Called once when a request runs longer than after_ms.
struct SlowHook {
  double after_ms = 0;
  const std::function<void()>* fn = nullptr;
};

// Reads the case's output and control messages until the request is over:
// the process exited, or (warm) it answered on `socket`, or the deadline
// passed, when the process group is killed. *exited tells whether the
// process is gone; out->term_signal and exit_code say how, *usage and
// *queued_us (its run-queue wait) what it used.
void Collect(const RequestSpec& spec, pid_t pid, int pidfd, int socket, const SlowHook& slow,
             Channels* ch, RequestOutcome* out, WarmEnd* warm, bool* exited, rusage* usage,
             uint64_t* queued_us) {
  fcntl(ch->control_in, F_SETFL, O_NONBLOCK);
  fcntl(ch->output_in, F_SETFL, O_NONBLOCK);
  MessageBuffer control_in(kMaxControlMessageBytes);
  bool control_open = true;
  bool flood_stopped = false;
  bool output_open = !ch->output_to_file;
  bool socket_open = socket >= 0;
  const size_t output_cap = spec.output_limit + (1 << 20);
  // Reads what the pipe holds; beyond the cap it is drained and dropped so
  // the writer never blocks on a full pipe.
  auto drain_output = [&] {
    char buf[65536];
    for (;;) {
      ssize_t n = read(ch->output_in, buf, sizeof buf);
      if (n > 0) {
        size_t keep = out->output.size() < output_cap ? output_cap - out->output.size() : 0;
        out->output.append(buf, std::min(static_cast<size_t>(n), keep));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n == 0) output_open = false;
      return;
    }
  };
  double deadline = out->start_ms + spec.timeout_s * 1000;
  const bool has_hook = slow.fn && *slow.fn;
  double slow_at = has_hook ? out->start_ms + slow.after_ms : deadline;
  int status = 0;
  *exited = false;
  while (!*exited && !warm->done) {
    double now = MonotonicMs();
    if (has_hook && now >= slow_at && slow_at < deadline) {
      (*slow.fn)();
      slow_at = deadline;
    }
    double left = deadline - now;
    if (left <= 0) {
      out->timed_out = true;
      kill(-pid, SIGKILL);
      kill(pid, SIGKILL);
      break;
    }
    pollfd fds[4];
    int n = 0;
    if (pidfd >= 0) fds[n++] = {pidfd, POLLIN, 0};
    if (control_open) fds[n++] = {ch->control_in, POLLIN, 0};
    if (output_open) fds[n++] = {ch->output_in, POLLIN, 0};
    if (socket_open) fds[n++] = {socket, POLLIN, 0};
    int wait_ms = pidfd >= 0 ? static_cast<int>(std::min(deadline, slow_at) - now) + 1 : 5;
    if (poll(fds, n, wait_ms) < 0 && errno != EINTR) break;
    if (control_open && !control_in.Fill(ch->control_in)) control_open = false;
    if (control_in.oversized() && !flood_stopped) {
      // Not our engine's message: the test wrote into the control pipe.
      // What it sends is dropped, and the case ends here.
      out->error = "the test wrote into phptrun's control pipe (a message of " +
                   std::to_string(control_in.oversized_length()) + " bytes; the limit is " +
                   std::to_string(kMaxControlMessageBytes >> 20) + " MiB)";
      kill(-pid, SIGKILL);
      kill(pid, SIGKILL);
      flood_stopped = true;
    }
    if (output_open) drain_output();
    ReadControl(&control_in, out);  // as it comes: a resident run streams samples
    if (socket_open) {
      bool closed = false;
      if (ReadWarmDone(socket, &warm->ready, &warm->cpu_us, &warm->queued_us, &warm->why, &closed)) {
        warm->done = true;
      }
      if (closed) socket_open = false;
    }
    if (Reap(pid, false, &status, usage, queued_us)) *exited = true;
  }
  // run-tests reads the output until EOF: a process the script started may
  // still be writing when the case process is done. Wait for that until the
  // deadline, where the whole process group is killed as for a timeout.
  while (output_open && !out->timed_out) {
    double left = deadline - MonotonicMs();
    if (left <= 0) {
      out->timed_out = true;
      kill(-pid, SIGKILL);
      if (!*exited) kill(pid, SIGKILL);
      break;
    }
    pollfd p = {ch->output_in, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left) + 1) < 0 && errno != EINTR) break;
    drain_output();
  }
  if (out->timed_out && !*exited) {
    Reap(pid, true, &status, usage, queued_us);
    *exited = true;
  }
  control_in.Fill(ch->control_in);
  ReadControl(&control_in, out);
  if (*exited) {
    if (WIFSIGNALED(status)) {
      out->term_signal = WTERMSIG(status);
      out->completed = false;
    } else if (WIFEXITED(status)) {
      out->exit_code = WEXITSTATUS(status);
    }
  }
  if (out->timed_out) out->completed = false;
  if (ch->output_to_file) {
    char buf[65536];
    off_t at = 0;
    ssize_t n;
    while (out->output.size() < output_cap &&
           (n = pread(ch->output_in, buf, sizeof buf, at)) > 0) {
      out->output.append(buf, std::min(static_cast<size_t>(n), output_cap - out->output.size()));
      at += n;
    }
  }
}

int OpenPidfd(pid_t pid) { return static_cast<int>(syscall(SYS_pidfd_open, pid, 0)); }

}  // namespace

double MonotonicMs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

bool OutputExceeded(const RequestOutcome& out, size_t output_limit) {
  return out.engine.output_limit_hit || out.output.size() > output_limit;
}

// The OOM kills the kernel counted, as this process last looked at them; the
// first look is when the first Sandbox is made (oom_hint.h).
namespace {
OomWatch& Oom() {
  static OomWatch watch;
  return watch;
}
}  // namespace

std::string CrashReason(const RequestOutcome& out, double timeout_s, size_t output_limit) {
  if (out.timed_out) return "timed out after " + std::to_string(static_cast<int>(timeout_s)) + " s";
  if (out.term_signal == SIGKILL && Oom().KilledSinceLastLook()) {
    return "crashed: SIGKILL (out of memory?)";
  }
  if (out.term_signal) return "crashed: " + SignalName(out.term_signal);
  if (OutputExceeded(out, output_limit))
    return "output exceeded " + std::to_string(output_limit >> 20) + " MiB";
  return "";
}

std::string SignalName(int sig) {
  const char* abbrev = sigabbrev_np(sig);
  return abbrev ? std::string("SIG") + abbrev : "signal " + std::to_string(sig);
}

namespace {

RequestOutcome RunFresh(const RequestSpec& spec, const SlowHook& slow) {
  RequestOutcome out;
  out.start_ms = MonotonicMs();
  Channels ch;
  if (!OpenChannels(spec, &ch, &out.error)) return out;

  // The engine flushes stdout at every request's end: unflushed output of
  // this process would come out again in the case's output.
  std::fflush(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    close(ch.control_in);
    close(ch.output_in);
    RunOneRequest(spec, ch.stdin_fd, ch.output_out, ch.control_out);
  }
  ch.CloseCaseEnds();
  if (pid < 0) {
    out.error = std::string("fork failed: ") + std::strerror(errno);
    ch.CloseAll();
    return out;
  }
  // A pidfd tells us about the exit even if a grandchild keeps the control
  // pipe open.
  int pidfd = OpenPidfd(pid);
  if (g_observer) g_observer->RequestStarted(pid, 0);
  WarmEnd unused;
  bool exited = false;
  rusage usage{};
  uint64_t queued_us = 0;
  Collect(spec, pid, pidfd, -1, slow, &ch, &out, &unused, &exited, &usage, &queued_us);
  if (!exited) exited = Reap(pid, true, nullptr, &usage, &queued_us);
  uint64_t cpu_us = exited ? RusageCpuUs(usage) : 0;
  if (exited) out.cpu_ms = cpu_us / 1000.0;
  if (g_observer) g_observer->RequestEnded(cpu_us + queued_us);
  if (pidfd >= 0) close(pidfd);
  ch.CloseAll();
  out.wall_ms = MonotonicMs() - out.start_ms;
  return out;
}

}  // namespace

RequestOutcome RunRequest(const RequestSpec& spec) { return RunFresh(spec, SlowHook()); }

void ObserveRequests(RequestObserver* observer) { g_observer = observer; }

Sandbox::Sandbox(int max_reuse, std::vector<int> close_fds)
    : max_reuse_(max_reuse), close_fds_(std::move(close_fds)) {
  warm_.reserve(1 + kMaxIniWarm);  // WarmFor's pointers stay valid
  Oom();  // the counters before the first case
}

Sandbox::~Sandbox() {
  for (Warm& warm : warm_) StopWarm(&warm, false);
}

void Sandbox::RetireWarm() {
  for (Warm& warm : warm_) StopWarm(&warm, false);
}

bool Sandbox::Warmable(const RequestSpec& spec) const {
  return max_reuse_ > 1 && !spec.fresh && !spec.restart_as &&
         (spec.startup_ini.empty() || !spec.env_section) &&
         (spec.runtime_ini.empty() || spec.runtime_ini_undoable) &&
         spec.resident.mode == PHPTRUN_RESIDENT_OFF && spec.capture_stdin && spec.capture_stdout &&
         spec.capture_stderr;
}

std::vector<int> Sandbox::CloseFdsWith(const std::vector<int>& fds) const {
  std::vector<int> all = fds;
  for (const Warm& warm : warm_) {
    for (int fd : {warm.socket, warm.pidfd}) {
      if (fd >= 0) all.push_back(fd);
    }
  }
  return all;
}

Sandbox::Warm* Sandbox::WarmFor(const std::string& startup_ini) {
  Warm* slot = nullptr;
  Warm* oldest = nullptr;
  size_t with_ini = 0;
  for (Warm& warm : warm_) {
    if (warm.pid > 0 && warm.startup_ini == startup_ini) return &warm;
    if (warm.pid <= 0) {
      slot = &warm;
    } else if (!warm.startup_ini.empty()) {
      ++with_ini;
      if (!oldest || warm.last_used < oldest->last_used) oldest = &warm;
    }
  }
  if (!startup_ini.empty() && with_ini >= kMaxIniWarm) {
    StopWarm(oldest, false);
    slot = oldest;
  }
  if (!slot) {
    assert(warm_.size() < warm_.capacity());  // no reallocation: pointers stay valid
    slot = &warm_.emplace_back();
  }
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) return nullptr;
  // The other warm processes' sockets are the worker's, not this one's.
  const std::vector<int> close_fds = CloseFdsWith(close_fds_);
  std::fflush(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    close(sv[0]);
    ServeWarmRequests(sv[1], max_reuse_, close_fds, startup_ini);
  }
  close(sv[1]);
  if (pid < 0) {
    close(sv[0]);
    return nullptr;
  }
  *slot = Warm();
  slot->startup_ini = startup_ini;
  slot->pid = pid;
  slot->pidfd = OpenPidfd(pid);
  slot->socket = sv[0];
  return slot;
}

void Sandbox::StopWarm(Warm* warm, bool kill_it) {
  if (warm->pid <= 0) return;
  close(warm->socket);  // between requests, it exits when the socket closes
  warm->socket = -1;
  if (kill_it) {
    kill(-warm->pid, SIGKILL);
    kill(warm->pid, SIGKILL);
  }
  rusage usage{};
  uint64_t queued_us = 0;
  if (Reap(warm->pid, true, nullptr, &usage, &queued_us)) WarmGone(warm, usage);
  ForgetWarm(warm);
}

void Sandbox::KillLeftovers() {
  std::vector<pid_t> keep;
  for (const Warm& warm : warm_) {
    if (warm.pid > 0) keep.push_back(warm.pid);
  }
  KillAdoptedChildren(keep);
}

void Sandbox::WarmGone(Warm* warm, const rusage& usage) {
  uint64_t total = RusageCpuUs(usage);
  if (g_observer && total > warm->cpu_us) g_observer->OtherCpu(total - warm->cpu_us);
  warm->cpu_us = total;
}

void Sandbox::ForgetWarm(Warm* warm) {
  if (warm->pidfd >= 0) close(warm->pidfd);
  if (warm->socket >= 0) close(warm->socket);
  warm->pid = -1;
  warm->pidfd = -1;
  warm->socket = -1;
}

RequestOutcome Sandbox::Run(const RequestSpec& spec) {
  const SlowHook slow{slow_after_ms_, &slow_hook_};
  ++runs_;
  Warm* warm = Warmable(spec) && FitsWarmRequest(spec) ? WarmFor(spec.startup_ini) : nullptr;
  if (!warm) {
    RequestSpec own = spec;  // the one-shot process must not hold the warm processes' fds
    own.close_fds = CloseFdsWith(spec.close_fds);
    return RunFresh(own, slow);
  }
  warm->last_used = runs_;

  RequestOutcome out;
  out.start_ms = MonotonicMs();
  out.reused = warm->served > 0;
  out.restarted_earlier = out.reused && !warm->startup_ini.empty();
  Channels ch;
  if (!OpenChannels(spec, &ch, &out.error)) return out;
  if (!SendWarmRequest(warm->socket, spec, ch.stdin_fd, ch.output_out, ch.control_out)) {
    ch.CloseAll();
    StopWarm(warm, true);
    RequestSpec own = spec;
    own.fresh = true;
    return Run(own);
  }
  ch.CloseCaseEnds();
  ++warm->served;
  if (g_observer) g_observer->RequestStarted(warm->pid, warm->cpu_us + warm->queued_us);
  WarmEnd end;
  bool exited = false;
  rusage usage{};
  uint64_t queued_now = warm->queued_us;
  Collect(spec, warm->pid, warm->pidfd, warm->socket, slow, &ch, &out, &end, &exited, &usage,
          &queued_now);
  ch.CloseAll();
  // Its answer says what it has used so far; if it died first, its rusage.
  uint64_t cpu_now = end.done ? end.cpu_us : exited ? RusageCpuUs(usage) : warm->cpu_us;
  uint64_t cpu_us = cpu_now > warm->cpu_us ? cpu_now - warm->cpu_us : 0;
  if (end.done || exited) out.cpu_ms = cpu_us / 1000.0;
  warm->cpu_us = std::max(warm->cpu_us, cpu_now);
  if (end.done) queued_now = end.queued_us;
  uint64_t queued_us = queued_now > warm->queued_us ? queued_now - warm->queued_us : 0;
  warm->queued_us = std::max(warm->queued_us, queued_now);
  if (g_observer) g_observer->RequestEnded(cpu_us + queued_us);
  if (exited) WarmGone(warm, usage);
  if (exited) {
    // It died in the request (a crash, the OOM killer, a timeout), or it
    // retired and exited before its answer was read (Collect reaped it):
    // the next request gets a new process.
    ForgetWarm(warm);
  } else if (!end.ready) {
    StopWarm(warm, false);  // it retires: it exits once it has answered
  }
  // The script's exit status, as a one-shot process exits with it; a warm
  // process that retired exits with 0, one whose engine did not start with
  // 1, as a one-shot process.
  if (out.completed) out.exit_code = out.engine.exit_status;
  if (!out.completed && !out.startup_error.empty()) out.exit_code = 1;
  out.wall_ms = MonotonicMs() - out.start_ms;
  return out;
}

}  // namespace phptrun
