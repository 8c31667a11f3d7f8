#include "runner/process/case_process.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio_ext.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <iterator>
#include <optional>

#include "runner/process/proc_times.h"
#include "runner/process/process_state.h"
#include "runner/process/reaper.h"
#include "runner/process/resident_control.h"
#include "runner/sapi/lifecycle_hooks.h"
#include "runner/result/wire.h"
#include "tracer/event_log.h"

namespace phptrun {
namespace {

// A warm request travels as one datagram; larger ones (a huge ENV section)
// go to a one-shot process instead.
constexpr size_t kMaxWarmRequest = 60 * 1024;
constexpr int kWarmDescriptors = 3;  // stdin, output, control

// The signals whose handlers the engine installs in every request and
// leaves installed (Zend/zend_signal.c, zend_sigs). At the next request's
// start it records the handler it finds as the one to forward to, unless
// that is its own: then it forwards to what it recorded at MINIT, in the
// worker (the supervisor's SIGTERM handler). So a warm process puts the
// handlers of a fresh case process back before every request: a script's
// SIGTERM to its pcntl_fork() child must kill it, as it does in the CLI.
constexpr int kEngineSignals[] = {SIGPROF, SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2};

// The engine signals' handlers and the signal mask, as a fresh case
// process has them before its request.
class FreshSignals {
 public:
  FreshSignals() {
    for (size_t i = 0; i < std::size(kEngineSignals); ++i) {
      sigaction(kEngineSignals[i], nullptr, &actions_[i]);
    }
    sigprocmask(SIG_BLOCK, nullptr, &mask_);
  }
  void Restore() const {
    for (size_t i = 0; i < std::size(kEngineSignals); ++i) {
      sigaction(kEngineSignals[i], &actions_[i], nullptr);
    }
    sigprocmask(SIG_SETMASK, &mask_, nullptr);
  }

 private:
  struct sigaction actions_[std::size(kEngineSignals)];
  sigset_t mask_;
};

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

// What every case process does first: its own process group (a timeout
// kills the whole group), death with its worker, default signals.
void EnterCaseProcess(const std::vector<int>& close_fds) {
  setpgid(0, 0);
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  signal(ParentGoneSignal(), SIG_DFL);  // the worker's, not the case's
  for (int fd : close_fds) close(fd);
  PreferAsOomVictim();
}

void ApplyEnvironment(const RequestSpec& spec) {
  for (const auto& [name, value] : spec.env) {
    if (value.empty()) {
      unsetenv(name.c_str());
    } else {
      setenv(name.c_str(), value.c_str(), 1);
    }
  }
}

// The request as phptrun_engine_run_request() takes it; argv points into
// spec, which must outlive it.
struct EngineRequest {
  explicit EngineRequest(const RequestSpec& spec) {
    for (const std::string& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    request.script_path = spec.script_path.c_str();
    request.argc = static_cast<int>(spec.argv.size());
    request.argv = argv.data();
    request.runtime_ini = spec.runtime_ini.empty() ? nullptr : spec.runtime_ini.c_str();
    request.output_limit = spec.output_limit;
    request.quiet = spec.quiet;
  }
  std::vector<char*> argv;
  phptrun_request request{};
};

// RINIT failed (or the restart for runtime INI did); returns what it sent.
const char* ReportCouldNotStart(int control_fd) {
  static const char kWhy[] = "the request could not start";
  SendControl(control_fd, kControlError, kWhy, sizeof kWhy - 1);
  return kWhy;
}

void ReportResult(int control_fd, const phptrun_request_result& result) {
  if (phptrun_lifecycle_enabled()) SendLifecycleLog(control_fd);
  SendControl(control_fd, kControlResult, &result, sizeof result);
}

// Fields of a warm request, in the order EncodeWarmRequest writes them.
void EncodeWarmRequest(const RequestSpec& spec, WireWriter* w) {
  w->Str(spec.script_path);
  w->U32(static_cast<uint32_t>(spec.argv.size()));
  for (const std::string& a : spec.argv) w->Str(a);
  w->U32(static_cast<uint32_t>(spec.env.size()));
  for (const auto& [name, value] : spec.env) {
    w->Str(name);
    w->Str(value);
  }
  w->Str(spec.runtime_ini);
  w->U32(spec.discard_stderr ? 1 : 0);
  w->I64(static_cast<int64_t>(spec.output_limit));
}

bool DecodeWarmRequest(WireReader* r, RequestSpec* spec) {
  uint32_t count = 0;
  if (!r->Str(&spec->script_path) || !r->U32(&count)) return false;
  spec->argv.resize(count);
  for (std::string& a : spec->argv) r->Str(&a);
  if (!r->U32(&count)) return false;
  spec->env.resize(count);
  for (auto& [name, value] : spec->env) {
    r->Str(&name);
    r->Str(&value);
  }
  uint32_t discard = 0;
  int64_t limit = 0;
  r->Str(&spec->runtime_ini);
  r->U32(&discard);
  r->I64(&limit);
  spec->discard_stderr = discard != 0;
  spec->output_limit = static_cast<size_t>(limit);
  return r->ok();
}

// One request from the worker: its fields and descriptors. False when the
// worker closed the socket (or sent something unreadable).
bool ReceiveWarmRequest(int socket, RequestSpec* spec, int fds[kWarmDescriptors]) {
  static char buffer[kMaxWarmRequest];
  char control[CMSG_SPACE(sizeof(int) * kWarmDescriptors)];
  iovec iov = {buffer, sizeof buffer};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n;
  do {
    n = recvmsg(socket, &msg, MSG_CMSG_CLOEXEC);
  } while (n < 0 && errno == EINTR);
  if (n <= 0) return false;
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  if (!c || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(sizeof(int) * kWarmDescriptors)) {
    return false;
  }
  std::memcpy(fds, CMSG_DATA(c), sizeof(int) * kWarmDescriptors);
  WireReader r(std::string_view(buffer, static_cast<size_t>(n)));
  return DecodeWarmRequest(&r, spec);
}

// user + sys of this process and the children it waited for, so far, in
// microseconds: the worker takes each request's CPU as the difference.
uint64_t CpuSoFarUs() {
  uint64_t us = 0;
  for (int who : {RUSAGE_SELF, RUSAGE_CHILDREN}) {
    rusage u{};
    if (getrusage(who, &u) != 0) continue;
    for (const timeval& t : {u.ru_utime, u.ru_stime}) {
      us += static_cast<uint64_t>(t.tv_sec) * 1000000 + static_cast<uint64_t>(t.tv_usec);
    }
  }
  return us;
}

void SendWarmDone(int socket, const std::string& why) {
  WireWriter w;
  w.U32(why.empty() ? 1 : 0);
  w.I64(static_cast<int64_t>(CpuSoFarUs()));  // before `why`, which may be long
  w.I64(static_cast<int64_t>(RunQueueWaitUs(0)));
  w.Str(why);
  ssize_t ignored = send(socket, w.data().data(), w.data().size(), MSG_NOSIGNAL);
  (void)ignored;
}

// Everything written to `fd`, a memory file, from its start.
std::string ReadAllOf(int fd) {
  std::string text;
  char buf[4096];
  ssize_t n;
  off_t at = 0;
  while ((n = pread(fd, buf, sizeof buf, at)) > 0 || (n < 0 && errno == EINTR)) {
    if (n < 0) continue;
    text.append(buf, static_cast<size_t>(n));
    at += n;
  }
  return text;
}

// A warm process's engine restarted with startup_ini, before its first
// request, reported on that request's control pipe as a one-shot process
// reports its restart. What startup printed is kept, not written: *shown
// is what the request's output would have (fds 1 and 2 as the request has
// them), *printed whether anything at all was written. False, with the
// reason sent, when the engine did not start.
bool RestartWarmEngine(const std::string& startup_ini, bool discard_stderr, int control_fd,
                       std::string* shown, bool* printed) {
  int out_fd = memfd_create("phptrun-startup", MFD_CLOEXEC);
  int err_fd = discard_stderr ? memfd_create("phptrun-startup-err", MFD_CLOEXEC) : out_fd;
  if (out_fd >= 0) dup2(out_fd, STDOUT_FILENO);
  if (err_fd >= 0) dup2(err_fd, STDERR_FILENO);
  phptrun_startup_timing restart;
  char err[512] = "";
  int failed = phptrun_engine_restart(startup_ini.c_str(), &restart, err, sizeof err);
  std::fflush(stdout);
  std::fflush(stderr);
  *shown = out_fd >= 0 ? ReadAllOf(out_fd) : "";
  // Without its memory files what startup printed is lost: count it as
  // printed, so that the process serves no other request.
  *printed = out_fd < 0 || err_fd < 0 || !shown->empty() ||
             (err_fd != out_fd && !ReadAllOf(err_fd).empty());
  if (out_fd >= 0) close(out_fd);
  if (err_fd != out_fd && err_fd >= 0) close(err_fd);
  if (failed) {
    SendControl(control_fd, kControlError, err, std::strlen(err));
    return false;
  }
  SendControl(control_fd, kControlRestart, &restart, sizeof restart);
  return true;
}

}  // namespace

void RunOneRequest(const RequestSpec& spec, int stdin_fd, int output_fd, int control_fd) {
  EnterCaseProcess(spec.close_fds);
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
  ApplyEnvironment(spec);
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

  EngineRequest engine(spec);
  phptrun_request_result result{};
  if (spec.resident.mode != PHPTRUN_RESIDENT_OFF) {
    RunResidentAndReport(engine.request, spec.resident, control_fd, &result);
  } else if (phptrun_engine_run_request(&engine.request, &result) != 0) {
    ReportCouldNotStart(control_fd);
    _exit(1);
  }
  ReportResult(control_fd, result);
  // The CLI's exit status: a process the script forked (pcntl_fork) that
  // calls exit(N) must end with N.
  _exit(result.exit_status);
}

void ServeWarmRequests(int socket, int max_requests, const std::vector<int>& close_fds,
                       const std::string& startup_ini) {
  EnterCaseProcess(close_fds);
  // Between requests fds 0-2 lead nowhere, so that no pipe of a finished
  // request stays open here.
  int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
  for (int fd = 0; fd <= 2; ++fd) dup2(null_fd, fd);
  const pid_t self = getpid();
  // What every request must leave as it found it, taken once the engine is
  // the one the requests run in (after the restart for startup_ini).
  std::optional<FreshSignals> fresh_signals;
  std::optional<ProcessState> baseline;
  phptrun_engine_tables tables;
  auto capture_baseline = [&](const std::vector<int>& request_fds) {
    fresh_signals.emplace();
    baseline.emplace(ProcessState::Capture(request_fds));
    phptrun_engine_count_tables(&tables);
  };
  if (startup_ini.empty()) capture_baseline({});
  // The worker's environment and directory: a restart sees the first
  // request's environment, as a one-shot process's restart does, and the
  // baseline is taken in this one again.
  const ProcessState at_start = ProcessState::Capture();
  bool startup_printed = false;
  // OPcache keeps what a request compiled in shared memory, where the next
  // request would find it (no recompilation, no compile-time output):
  // unlike a fresh process. A process whose restart turned it on serves
  // one request. (One that inherits it from the worker's php.ini shares
  // the worker's shared memory anyway.)
  bool opcache_on = false;

  for (int served = 0;;) {
    RequestSpec spec;
    int fds[kWarmDescriptors];
    if (!ReceiveWarmRequest(socket, &spec, fds)) _exit(0);
    const int control_fd = fds[2];
    std::string startup_output;
    if (!baseline) {
      ApplyEnvironment(spec);
      phptrun_log_clear();  // the worker's events are not this request's
      const bool started = RestartWarmEngine(startup_ini, spec.discard_stderr, control_fd,
                                             &startup_output, &startup_printed);
      for (int fd = 0; fd <= 2; ++fd) dup2(null_fd, fd);
      if (!started) {
        // As a one-shot process: what startup printed is the output.
        WriteAllBytes(fds[1], startup_output);
        SendWarmDone(socket, "the engine did not start");
        _exit(1);
      }
      at_start.Restore();
      capture_baseline({fds[0], fds[1], fds[2]});
      opcache_on = phptrun_engine_opcache_caches_scripts() != 0;
    } else {
      phptrun_log_clear();
    }
    dup2(fds[0], STDIN_FILENO);
    dup2(fds[1], STDOUT_FILENO);
    dup2(spec.discard_stderr ? null_fd : fds[1], STDERR_FILENO);
    close(fds[0]);
    close(fds[1]);
    WriteAllBytes(STDOUT_FILENO, startup_output);
    ApplyEnvironment(spec);

    EngineRequest engine(spec);
    phptrun_request_result result{};
    if (phptrun_engine_run_request(&engine.request, &result) != 0) {
      SendWarmDone(socket, ReportCouldNotStart(control_fd));
      _exit(1);
    }
    ReportResult(control_fd, result);
    if (getpid() != self) _exit(result.exit_status);  // the script's pcntl_fork child

    // Put the process back as the next request must find it: what the C
    // library buffered goes to this request's output, then fds 0-2 are
    // let go; the rest is checked, and anything left over retires us.
    // fclose(STDIN) closes the C library's stdin itself (cli_compat.c),
    // for good.
    const bool stdio_closed = fileno(stdin) != 0 || fileno(stdout) != 1 || fileno(stderr) != 2;
    std::fflush(stdout);
    std::fflush(stderr);
    __fpurge(stdin);
    clearerr(stdin);
    for (int fd = 0; fd <= 2; ++fd) dup2(null_fd, fd);
    close(control_fd);
    phptrun_engine_forget_process_caches();
    std::string why;
    if (stdio_closed) {
      why = "the script closed STDIN, STDOUT or STDERR";
    } else if (startup_printed) {
      // A fresh process would print it again before every request.
      why = "the engine printed something at its startup";
    } else if (opcache_on) {
      why = "OPcache keeps what the request compiled";
    } else if (result.runtime_ini_failed) {
      why = "the engine restarted for the request's INI";
    } else if (phptrun_engine_undo_runtime_ini() != 0) {
      why = "an INI entry refused its old value";
    } else if (!baseline->Restore()) {
      why = "cannot return to the working directory";
    } else {
      fresh_signals->Restore();
      why = baseline->Difference(ProcessState::Capture());
    }
    phptrun_engine_tables now;
    phptrun_engine_count_tables(&now);
    if (why.empty() && std::memcmp(&now, &tables, sizeof now) != 0) why = "engine tables changed";
    if (why.empty() && ++served >= max_requests) why = "served its share of requests";
    SendWarmDone(socket, why);
    if (!why.empty()) _exit(0);
  }
}

bool FitsWarmRequest(const RequestSpec& spec) {
  WireWriter w;
  EncodeWarmRequest(spec, &w);
  return w.data().size() <= kMaxWarmRequest;
}

bool SendWarmRequest(int socket, const RequestSpec& spec, int stdin_fd, int output_fd,
                     int control_fd) {
  WireWriter w;
  EncodeWarmRequest(spec, &w);
  if (w.data().size() > kMaxWarmRequest) return false;
  int fds[kWarmDescriptors] = {stdin_fd, output_fd, control_fd};
  char control[CMSG_SPACE(sizeof fds)] = {};
  iovec iov = {const_cast<char*>(w.data().data()), w.data().size()};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof fds);
  std::memcpy(CMSG_DATA(c), fds, sizeof fds);
  ssize_t n;
  do {
    n = sendmsg(socket, &msg, MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  return n == static_cast<ssize_t>(w.data().size());
}

bool ReadWarmDone(int socket, bool* ready, uint64_t* cpu_us, uint64_t* queued_us, std::string* why,
                  bool* closed) {
  char buffer[1024];
  ssize_t n;
  do {
    n = recv(socket, buffer, sizeof buffer, MSG_DONTWAIT);
  } while (n < 0 && errno == EINTR);
  *closed = n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
  if (n <= 0) return false;
  WireReader r(std::string_view(buffer, static_cast<size_t>(n)));
  uint32_t flag = 0;
  int64_t cpu = 0, queued = 0;
  if (!r.U32(&flag) || !r.I64(&cpu) || !r.I64(&queued) || !r.Str(why)) return false;
  *cpu_us = static_cast<uint64_t>(cpu);
  *queued_us = static_cast<uint64_t>(queued);
  *ready = flag == 1;
  return true;
}

}  // namespace phptrun
