#include "runner/pool/worker.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <climits>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>

#include "runner/case/case_plan.h"
#include "runner/case/case_runner.h"
#include "runner/case/case_trace.h"
#include "runner/process/reaper.h"
#include "runner/result/wire.h"
#include "runner/sapi/engine.h"
#include "runner/sapi/lifecycle_hooks.h"

namespace phptrun {
namespace {

// The supervisor's commands, read ahead while a case runs.
class Inbox {
 public:
  explicit Inbox(int fd) : fd_(fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

  // Waits for the next command; false once the supervisor closed the pipe.
  bool Next(std::string* message) {
    for (;;) {
      if (!queue_.empty()) {
        *message = std::move(queue_.front());
        queue_.pop_front();
        return true;
      }
      if (closed_) return false;
      pollfd p = {fd_, POLLIN, 0};
      if (poll(&p, 1, -1) < 0 && errno != EINTR) return false;
      Read();
    }
  }

  // Sends kGiveBack for every case waiting here; other commands (kQuit) stay.
  void GiveBackQueued(int result_fd) {
    Read();
    std::deque<std::string> keep;
    for (std::string& message : queue_) {
      WireReader r(message);
      uint32_t kind = 0, id = 0;
      if (r.U32(&kind) && kind == kRunCase && r.U32(&id)) {
        WireWriter w;
        w.U32(kGiveBack);
        w.U32(id);
        WriteMessage(result_fd, w.data());
      } else {
        keep.push_back(std::move(message));
      }
    }
    queue_ = std::move(keep);
  }

 private:
  void Read() {
    if (!buffer_.Fill(fd_)) closed_ = true;
    std::string message;
    while (buffer_.Next(&message)) queue_.push_back(std::move(message));
  }

  int fd_;
  MessageBuffer buffer_;
  std::deque<std::string> queue_;
  bool closed_ = false;
};

// What the started engine says it is (phptrun_engine_describe).
void EncodeEngineInfo(WireWriter* w) {
  phptrun_engine_info info;
  phptrun_engine_describe(&info);
  w->Str(info.version);
  w->U32(info.zts ? 1 : 0);
  w->U32(info.debug ? 1 : 0);
  w->Str(info.library);
  w->Str(info.php_ini);
  w->Str(info.extension_dir);
}

void SendReady(int fd, const phptrun_startup_timing& timing, const std::string& startup_output) {
  WireWriter w;
  w.U32(kReady);
  w.Str(phptrun_engine_php_version());
  w.F64(timing.sinit.ms);
  w.F64(timing.minit.ms);
  w.Str(startup_output);
  EncodeEngineInfo(&w);
  WriteMessage(fd, w.data());
}

// The worker's own engine phases (TakeEngineSpans), for the trace.
void SendWorkerSpans(int fd, const std::vector<Span>& spans) {
  if (spans.empty()) return;
  WireWriter w;
  w.U32(kWorkerSpans);
  EncodeSpans(spans, &w);
  WriteMessage(fd, w.data());
}

// Runs `start` with fds 1 and 2 on `capture` (a memory file; -1: one of its
// own) and returns what it wrote.
template <typename F>
std::string CaptureStdio(int capture, F start) {
  if (capture < 0) capture = memfd_create("phptrun-startup", MFD_CLOEXEC);
  int saved_out = dup(STDOUT_FILENO), saved_err = dup(STDERR_FILENO);
  std::fflush(stdout);
  dup2(capture, STDOUT_FILENO);
  dup2(capture, STDERR_FILENO);
  start();
  std::fflush(stdout);
  std::fflush(stderr);
  dup2(saved_out, STDOUT_FILENO);
  dup2(saved_err, STDERR_FILENO);
  close(saved_out);
  close(saved_err);
  std::string text;
  char buf[4096];
  ssize_t n;
  off_t off = 0;
  while ((n = pread(capture, buf, sizeof buf, off)) > 0) {
    text.append(buf, static_cast<size_t>(n));
    off += n;
  }
  close(capture);
  return text;
}

phptrun_engine_options EngineOptions(const EngineSetup& setup) {
  phptrun_engine_options options{};
  options.sapi_name = setup.sapi_name.c_str();
  options.php_binary = setup.php_binary.c_str();
  options.ini_path_override = setup.ini_path_override.empty() ? nullptr : setup.ini_path_override.c_str();
  options.ini_scan_dir = setup.ini_scan_dir.empty() ? nullptr : setup.ini_scan_dir.c_str();
  options.no_ini = setup.no_ini;
  options.ini_entries = setup.ini_entries.c_str();
  return options;
}

// Starts the engine as EngineSetup says; false (after telling the
// supervisor why, with what startup printed) when it does not start.
// *startup_output: what the engine printed while it started.
bool StartEngine(const WorkerConfig& config, std::string* startup_output_out) {
  const EngineSetup& setup = *config.setup;
  phptrun_engine_options options = EngineOptions(setup);

  // Startup messages (a broken php.ini, a missing extension) go to the
  // supervisor, which shows them once instead of once per worker.
  phptrun_lifecycle_enable(setup.tracer);
  phptrun_startup_timing timing;
  char err[512] = "";
  int started = -1;
  std::string startup_output = CaptureStdio(config.startup_output_fd, [&] {
    started = phptrun_engine_startup(&options, &timing, err, sizeof err);
  });
  if (started != 0) {
    WireWriter w;
    w.U32(kStartFailed);
    w.Str(std::string(err) + (startup_output.empty() ? "" : "\n" + startup_output));
    WriteMessage(config.result_fd, w.data());
    return false;
  }
  SendReady(config.result_fd, timing, startup_output);
  SendWorkerSpans(config.result_fd, TakeEngineSpans(config.run_start_ms));
  *startup_output_out = startup_output;
  return true;
}

// Sends a case's result (and a redirect's directory first); false when the
// supervisor is gone.
bool SendCaseResult(int fd, uint32_t id, const CaseResult& result, const Redirect& redirect) {
  if (!redirect.directory.empty()) {
    WireWriter rw;
    rw.U32(kRedirect);
    rw.U32(id);
    rw.Str(redirect.directory);
    EncodeCaseContext(redirect.context, &rw);
    if (!WriteMessage(fd, rw.data())) return false;
  }
  WireWriter w;
  w.U32(kCaseResult);
  w.U32(id);
  EncodeCaseResult(result, &w);
  return WriteMessage(fd, w.data());
}

// Publishes the worker's requests on its slot of the CPU board.
class BoardObserver : public RequestObserver {
 public:
  explicit BoardObserver(CpuSlot* slot) : writer_(slot) {}
  void RequestStarted(pid_t pid, uint64_t base_us) override {
    writer_.RequestStarted(pid, base_us);
  }
  void RequestEnded(uint64_t cpu_us) override { writer_.RequestEnded(cpu_us); }
  void OtherCpu(uint64_t cpu_us) override { writer_.AddCpu(cpu_us); }

 private:
  CpuSlotWriter writer_;
};

// Test-only (tests/e2e/robustness_test.sh): PHPTRUN_TEST_JUDGE_SLEEP_MS=N
// makes every judging step take N ms longer, a judge slower than the
// watchdog's grace without a machine slow enough to make one.
void SleepInJudgeForTests() {
  static const long ms = [] {
    const char* v = std::getenv("PHPTRUN_TEST_JUDGE_SLEEP_MS");
    return v ? std::atol(v) : 0L;
  }();
  if (ms <= 0) return;
  timespec left = {ms / 1000, (ms % 1000) * 1000000};
  while (nanosleep(&left, &left) != 0 && errno == EINTR) {
  }
}

// Tells the supervisor's watchdog each step of a case (watchdog.h): a
// request may take its timeout, judging JudgeBudgetMs().
void PostStep(const WorkerConfig& config, CaseStep step, double timeout_s) {
  if (!config.watchdog) return;
  WorkerClaim claim;
  if (step == CaseStep::kRequest) {
    claim = {WorkerStep::kRequest, MonotonicMs() + timeout_s * 1000};
  } else {
    claim = {WorkerStep::kJudging, MonotonicMs() + JudgeBudgetMs()};
  }
  config.watchdog->Post(config.id - 1, claim);
  if (step == CaseStep::kJudging) SleepInJudgeForTests();
}

}  // namespace

bool DecodeEngineInfo(WireReader* r, EngineInfo* info) {
  uint32_t zts = 0, debug = 0;
  if (!r->Str(&info->version) || !r->U32(&zts) || !r->U32(&debug) || !r->Str(&info->libphp) ||
      !r->Str(&info->php_ini) || !r->Str(&info->extension_dir)) {
    return false;
  }
  info->zts = zts != 0;
  info->debug = debug != 0;
  return true;
}

bool ProbeEngine(const EngineSetup& setup, EngineInfo* info, std::string* err) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    *err = "cannot create a pipe";
    return false;
  }
  pid_t pid = fork();
  if (pid < 0) {
    *err = "cannot fork";
    return false;
  }
  if (pid == 0) {
    close(fds[0]);
    phptrun_engine_options options = EngineOptions(setup);
    phptrun_startup_timing timing;
    char start_err[512] = "";
    int started = -1;
    std::string printed = CaptureStdio(
        -1, [&] { started = phptrun_engine_startup(&options, &timing, start_err, sizeof start_err); });
    WireWriter w;
    w.U32(started == 0 ? 1 : 0);
    w.Str(std::string(start_err) + (printed.empty() ? "" : "\n" + printed));
    EncodeEngineInfo(&w);
    WriteMessage(fds[1], w.data());
    _exit(0);
  }
  close(fds[1]);
  MessageBuffer buffer;
  std::string message;
  for (;;) {
    if (buffer.Next(&message)) break;
    if (!buffer.Fill(fds[0])) {
      buffer.Next(&message);
      break;
    }
  }
  close(fds[0]);
  waitpid(pid, nullptr, 0);
  WireReader r(message);
  uint32_t started = 0;
  std::string why;
  if (message.empty() || !r.U32(&started) || !r.Str(&why) || !DecodeEngineInfo(&r, info)) {
    *err = "the engine probe sent nothing";
    return false;
  }
  info->php_binary = setup.php_binary;
  if (!started) *err = "the PHP engine did not start: " + why;
  return started != 0;
}

// The scripts the running case writes beside itself (GeneratedFiles), in
// fixed storage a signal handler can read: the count is 0 while they are
// rewritten.
constexpr int kMaxGenerated = 8;
char g_generated[kMaxGenerated][PATH_MAX];
volatile sig_atomic_t g_generated_count = 0;

void SetGeneratedFiles(const std::vector<std::string>& files) {
  g_generated_count = 0;
  std::atomic_signal_fence(std::memory_order_seq_cst);
  int n = 0;
  for (const std::string& file : files) {
    if (n == kMaxGenerated || file.size() >= PATH_MAX) continue;
    std::memcpy(g_generated[n++], file.c_str(), file.size() + 1);
  }
  std::atomic_signal_fence(std::memory_order_seq_cst);
  g_generated_count = n;
}

// The supervisor died (SIGKILL, a crash): the worker ends, and first kills
// its children, escapees it adopted included, which would otherwise go to
// init and run on (a case's own processes die with it, PR_SET_PDEATHSIG),
// then removes the running case's scripts, as the supervisor would have.
void OnSupervisorGone(int) {
  KillChildrenNow();
  for (int i = 0; i < g_generated_count; ++i) unlink(g_generated[i]);
  _exit(1);
}

void WorkerMain(const WorkerConfig& config) {
  // Orphans of its cases (a setsid() escapee too) become its children, so
  // that each case's leftovers are found and killed (CaseRunner::RunCase).
  BecomeSubreaper();
  struct sigaction gone {};
  gone.sa_handler = OnSupervisorGone;
  sigfillset(&gone.sa_mask);
  sigaction(ParentGoneSignal(), &gone, nullptr);
  prctl(PR_SET_PDEATHSIG, ParentGoneSignal());
  if (getppid() != config.supervisor_pid) _exit(1);  // gone before prctl: nothing ran yet
  signal(SIGINT, SIG_IGN);  // the supervisor decides when workers stop
  // Nothing the supervisor holds or was given reaches a case: the shell's
  // `7>file`, report files, other workers' pipes, the signal pipe. Closed
  // before the engine starts, so what the engine opens stays.
  CloseDescriptorsExcept({config.command_fd, config.result_fd, config.startup_output_fd});
  std::string startup_output;
  if (!StartEngine(config, &startup_output)) _exit(1);
  // Made after the engine started: its MINIT is not a case's CPU.
  std::unique_ptr<BoardObserver> observer;
  if (config.cpu_board && config.id >= 1 && config.id <= config.cpu_board->slots()) {
    config.cpu_board->KeepFromChildren();  // no case process can write to it
    observer = std::make_unique<BoardObserver>(config.cpu_board->Slot(config.id - 1));
    ObserveRequests(observer.get());
  }

  Inbox inbox(config.command_fd);
  CaseRunnerConfig runner_config;
  runner_config.worker_id = config.id;
  runner_config.worker_fds = {config.command_fd, config.result_fd};
  runner_config.run_start_ms = config.run_start_ms;
  runner_config.setup = config.setup;
  runner_config.startup_output = startup_output;
  CaseRunner runner(runner_config);
  // While a case runs long, the cases queued behind it go back to the
  // supervisor, which gives them to a worker that is free.
  runner.OnSlowRequest(kSlowCaseMs, [&] { inbox.GiveBackQueued(config.result_fd); });
  if (config.watchdog) config.watchdog->KeepFromChildren();
  runner.OnStep([&](CaseStep step, double timeout_s) { PostStep(config, step, timeout_s); });
  std::string message;
  while (inbox.Next(&message)) {
    WireReader r(message);
    uint32_t kind = 0, id = 0;
    std::string path;
    CaseContext context;
    if (!r.U32(&kind) || kind == kQuit) break;
    if (kind != kRunCase || !r.U32(&id) || !r.Str(&path) || !DecodeCaseContext(&r, &context)) break;
    Redirect redirect;
    SetGeneratedFiles(GeneratedFiles(path, context));
    CaseResult result = runner.RunCase(path, context, &redirect);
    SetGeneratedFiles({});
    if (config.watchdog) config.watchdog->Post(config.id - 1, WorkerClaim());
    CapForReports(&result);  // what reports keep: a flood's diff need not cross the pipe
    if (!SendCaseResult(config.result_fd, id, result, redirect)) break;
  }
  phptrun_engine_shutdown(nullptr);
  SendWorkerSpans(config.result_fd, TakeEngineSpans(config.run_start_ms));
  _exit(0);
}

}  // namespace phptrun
