#include "runner/pool/supervisor.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>

#include "runner/case/case_plan.h"
#include "runner/phpt/case_list.h"
#include "runner/phpt/phpt_file.h"
#include "reports/timings.h"
#include "runner/process/reaper.h"

namespace phptrun {
namespace {

// How often the reports are rewritten while cases finish; at least this,
// and at least 20 times what the last rewrite took, so that rewriting a
// large run's reports stays a small share of it.
constexpr double kCheckpointMs = 5000;

int g_signal_pipe[2] = {-1, -1};

void OnStopSignal(int sig) {
  char c = static_cast<char>(sig);
  ssize_t ignored = write(g_signal_pipe[1], &c, 1);
  (void)ignored;
}

// "killed by SIGABRT", "exit status 1".
std::string DescribeWaitStatus(int status) {
  if (WIFSIGNALED(status)) {
    const char* abbrev = sigabbrev_np(WTERMSIG(status));
    return "killed by " +
           (abbrev ? std::string("SIG") + abbrev : "signal " + std::to_string(WTERMSIG(status)));
  }
  return "exit status " + std::to_string(WEXITSTATUS(status));
}

// Sends SIGKILL through a pidfd: unlike a pid, it cannot name a process
// that took over the number after ours was reaped.
void KillThroughPidfd(int pidfd) {
  if (pidfd >= 0) syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, nullptr, 0);
}

// Fault injection for the end-to-end tests: PHPTRUN_TEST_KILL_WORKER_AT_DISPATCH=N
// kills the worker just before the Nth case is written to it, so the write
// meets a dead worker, a race that is otherwise too narrow to hit on purpose.
long DispatchToKillAt() {
  static const long at = [] {
    const char* v = std::getenv("PHPTRUN_TEST_KILL_WORKER_AT_DISPATCH");
    return v ? std::atol(v) : 0L;
  }();
  return at;
}

double NowMs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

// Slow cases start first, so that none of them starts last while the other
// workers idle: with recorded timings (--timings) the longest recorded
// first, else the ones that say they are slow (case_list.h).
void AddToScheduler(CaseHintReader* hints, const RecordedTimings* timings, Scheduler* scheduler,
                    size_t id, const std::string& path) {
  CaseHintReader::Hints h = hints->Read(path);
  double weight = timings ? timings->Estimate(path) : h.slow ? 1 : 0;
  scheduler->Add(id, std::move(h.conflict_keys), weight, std::move(h.affinity));
}

}  // namespace

Supervisor::Supervisor(const EngineSetup& setup, int jobs, std::vector<std::string> cases,
                       std::vector<Reporter*> reporters)
    : setup_(setup), jobs_(jobs), cases_(std::move(cases)), reporters_(std::move(reporters)) {}

bool Supervisor::StartWorker(WorkerSlot* slot, std::string* err) {
  int to_worker[2], from_worker[2];
  if (pipe2(to_worker, O_CLOEXEC) != 0 || pipe2(from_worker, O_CLOEXEC) != 0) {
    *err = std::string("cannot create worker pipes: ") + std::strerror(errno);
    return false;
  }
  int startup_output = memfd_create("phptrun-startup", MFD_CLOEXEC);
  if (watchdog_) watchdog_->Post(slot->id - 1, WorkerClaim());  // nothing of the last worker's
  std::fflush(nullptr);
  const pid_t supervisor = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    *err = std::string("cannot fork a worker: ") + std::strerror(errno);
    return false;
  }
  if (pid == 0) {
    WorkerConfig config;
    config.id = slot->id;
    config.command_fd = to_worker[0];
    config.result_fd = from_worker[1];
    config.startup_output_fd = startup_output;  // the worker closes every other descriptor
    config.run_start_ms = run_start_ms_;
    config.supervisor_pid = supervisor;
    config.setup = &setup_;
    config.cpu_board = cpu_board_.get();
    config.watchdog = watchdog_.get();
    WorkerMain(config);
  }
  close(to_worker[0]);
  close(from_worker[1]);
  fcntl(from_worker[0], F_SETFL, O_NONBLOCK);
  slot->pid = pid;
  slot->pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  slot->startup_output_fd = startup_output;
  slot->broken = false;
  slot->command_fd = to_worker[1];
  slot->result_fd = from_worker[0];
  slot->ready = false;
  slot->running_slow = false;
  slot->in_flight.clear();
  slot->incoming = MessageBuffer();
  return true;
}

int Supervisor::Running() const {
  int running = 0;
  for (const auto& slot : slots_) running += slot->in_flight.empty() ? 0 : 1;
  return running;
}

void Supervisor::Dispatch(WorkerSlot* slot) {
  // A second case waits in the worker's pipe only while plenty are pending:
  // at the end of the run it would wait behind a long case while another
  // worker idles. An idle worker starts a case only within the limit of
  // cases at once, and above it (-j auto lowered it) nothing waits behind
  // a running one, so that the number running comes down.
  const int limit = concurrency_ ? concurrency_->limit() : static_cast<int>(slots_.size());
  const int running = Running();
  if (slot->in_flight.empty() && running >= limit) return;
  size_t depth = scheduler_.pending() > 2 * slots_.size() && !slot->running_slow && running <= limit
                     ? 2
                     : 1;
  size_t id;
  while (slot->ready && slot->in_flight.size() < depth && scheduler_.Next(&id, slot->affinity)) {
    slot->affinity = scheduler_.Affinity(id);
    ++attempts_[id];
    WireWriter w;
    w.U32(kRunCase);
    w.U32(static_cast<uint32_t>(id));
    w.Str(cases_[id]);
    static const CaseContext kNoContext;
    EncodeCaseContext(contexts_[id] ? *contexts_[id] : kNoContext, &w);
    if (slot->in_flight.empty()) {
      slot->case_start_ms = NowMs();
      slot->deadline_ms = slot->case_start_ms + CaseDeadlineMs();
    }
    slot->in_flight.push_back(id);
    peak_jobs_ = std::max(peak_jobs_, running + (slot->in_flight.size() == 1 ? 1 : 0));
    for (Reporter* r : reporters_) r->CaseStarting(cases_[id]);
    if (++dispatched_ == DispatchToKillAt()) {
      KillThroughPidfd(slot->pidfd);
      pollfd gone = {slot->pidfd, POLLIN, 0};
      poll(&gone, 1, 10000);  // dead, not reaped
    }
    if (!WriteMessage(slot->command_fd, w.data())) {
      // The worker is gone: the case never reached it. The run loop reaps
      // the worker and starts another.
      slot->in_flight.pop_back();
      --attempts_[id];
      scheduler_.Requeue(id);
      slot->broken = true;
      return;
    }
  }
}

void Supervisor::AnnounceRun() {
  if (run_announced_) return;
  run_announced_ = true;
  for (Reporter* r : reporters_) r->RunStarting(run_info_);
}

double Supervisor::CaseDeadlineMs() const {
  // SKIPIF, test and CLEAN each have the timeout, plus a grace period;
  // steps that take longer are announced (watchdog.h).
  return setup_.timeout_s * 3000 + WatchdogGraceMs();
}

bool Supervisor::AdaptJobs(std::string* err) {
  double now = NowMs();
  concurrency_->Observe(now, Running(), scheduler_.pending());
  if (concurrency_->WantsSample(now)) {
    // The supervisor's own CPU counts too: it shares the CPUs with the cases.
    concurrency_->Sample(now, cpu_board_->TotalBusyMs() + OwnCpuUs() / 1000.0);
  }
  // A new worker when the limit passes the workers there are; it takes its
  // first case once its engine has started.
  if (concurrency_->limit() <= static_cast<int>(slots_.size()) ||
      static_cast<int>(slots_.size()) >= cpu_board_->slots() || finished_ >= cases_.size()) {
    return true;
  }
  auto slot = std::make_unique<WorkerSlot>();
  slot->id = static_cast<int>(slots_.size()) + 1;
  slots_.push_back(std::move(slot));
  return StartWorker(slots_.back().get(), err);
}

void Supervisor::Finish(size_t case_id, CaseResult result) {
  auto rerun = rerun_reasons_.find(case_id);
  if (rerun != rerun_reasons_.end()) {
    result.rerun_reason = std::move(rerun->second);
    rerun_reasons_.erase(rerun);
  }
  CapForReports(&result);
  scheduler_.Finished(case_id);
  done_[case_id] = true;
  summary_.Add(result.verdict);
  ++finished_;
  for (Reporter* r : reporters_) r->CaseFinished(result);
}

void Supervisor::HandleMessage(WorkerSlot* slot, const std::string& message, std::string* fatal) {
  WireReader r(message);
  uint32_t kind = 0;
  r.U32(&kind);
  if (kind == kReady) {
    double sinit = 0, minit = 0;
    std::string startup_output;
    r.Str(&php_version_);
    r.F64(&sinit);
    r.F64(&minit);
    r.Str(&startup_output);
    if (slot->startup_output_fd >= 0) close(slot->startup_output_fd);
    slot->startup_output_fd = -1;
    if (!run_announced_) {
      std::string binary = run_info_.engine.php_binary;
      if (DecodeEngineInfo(&r, &run_info_.engine)) run_info_.engine.php_binary = binary;
      AnnounceRun();
      // A report that cannot be written is found now, before any case runs,
      // and the reports exist (marked interrupted) from here on.
      for (Reporter* reporter : reporters_) {
        std::string report_err;
        if (!reporter->Checkpoint(0, &report_err)) {
          *fatal = report_err;
          return;
        }
      }
    }
    if (!startup_output.empty() && startup_output_.empty()) {
      startup_output_ = startup_output;
      std::fprintf(stderr, "phptrun: the engine printed this at startup:\n%s\n", startup_output.c_str());
    }
    slot->ready = true;
  } else if (kind == kStartFailed) {
    std::string why;
    r.Str(&why);
    *fatal = "the PHP engine did not start: " + why;
  } else if (kind == kRedirect) {
    uint32_t id = 0;
    std::string directory;
    CaseContext context;
    if (!r.U32(&id) || !r.Str(&directory) || !DecodeCaseContext(&r, &context)) {
      *fatal = "worker " + std::to_string(slot->id) + " sent a malformed redirect";
      return;
    }
    AddRedirectedCases(directory, std::move(context));
  } else if (kind == kCaseResult) {
    uint32_t id = 0;
    CaseResult result;
    if (!r.U32(&id) || !DecodeCaseResult(&r, &result) || slot->in_flight.empty() ||
        id != slot->in_flight.front()) {
      *fatal = "worker " + std::to_string(slot->id) + " sent a malformed result";
      return;
    }
    slot->in_flight.pop_front();
    slot->running_slow = false;
    slot->case_start_ms = NowMs();  // the next one starts now
    slot->deadline_ms = slot->case_start_ms + CaseDeadlineMs();
    Finish(id, std::move(result));
  } else if (kind == kGiveBack) {
    uint32_t id = 0;
    auto waiting = slot->in_flight.end();
    if (r.U32(&id) && slot->in_flight.size() > 1) {
      waiting = std::find(slot->in_flight.begin() + 1, slot->in_flight.end(), id);
    }
    if (waiting == slot->in_flight.end()) {
      *fatal = "worker " + std::to_string(slot->id) + " gave back a case it did not wait with";
      return;
    }
    slot->in_flight.erase(waiting);
    slot->running_slow = true;
    --attempts_[id];  // handed out, never started
    scheduler_.Requeue(id);
  } else if (kind == kWorkerSpans) {
    std::vector<Span> spans;
    if (DecodeSpans(&r, &spans)) {
      for (Reporter* reporter : reporters_) reporter->WorkerSpans(slot->id, spans);
    }
  }
}

void Supervisor::CollectShutdownMessages() {
  // Workers shut their engines down after kQuit and report it (MSHUTDOWN
  // spans) before exiting; wait for their pipes to close, but not for ever.
  double deadline = NowMs() + 10000;
  std::string ignored;
  for (;;) {
    std::vector<pollfd> fds;
    std::vector<WorkerSlot*> open;
    for (auto& slot : slots_) {
      if (slot->pid <= 0 || slot->result_fd < 0) continue;
      fds.push_back({slot->result_fd, POLLIN, 0});
      open.push_back(slot.get());
    }
    double left = deadline - NowMs();
    if (fds.empty() || left <= 0) return;
    if (poll(fds.data(), fds.size(), static_cast<int>(left) + 1) < 0 && errno != EINTR) return;
    for (size_t i = 0; i < fds.size(); ++i) {
      if (!fds[i].revents) continue;
      WorkerSlot* slot = open[i];
      bool alive = slot->incoming.Fill(slot->result_fd);
      std::string message;
      while (slot->incoming.Next(&message)) HandleMessage(slot, message, &ignored);
      if (!alive) {
        close(slot->result_fd);
        slot->result_fd = -1;
      }
    }
  }
}

void Supervisor::AddRedirectedCases(const std::string& directory, CaseContext context) {
  std::vector<std::string> found;
  std::string err;
  if (!CollectCases({directory}, &found, &err)) {
    std::fprintf(stderr, "phptrun: REDIRECTTEST: %s\n", err.c_str());
    return;
  }
  char* real = realpath(directory.c_str(), nullptr);
  context.env.push_back({"REDIR_TEST_DIR", std::string(real ? real : directory.c_str()) + "/"});
  free(real);
  auto shared = std::make_shared<const CaseContext>(std::move(context));
  CaseHintReader hints;
  for (std::string& path : found) {
    size_t id = cases_.size();
    AddToScheduler(&hints, timings_, &scheduler_, id, path);
    cases_.push_back(std::move(path));
    contexts_.push_back(shared);
    attempts_.push_back(0);
    done_.push_back(false);
  }
}

void Supervisor::CheckpointReports() {
  double start = NowMs();
  for (Reporter* r : reporters_) {
    std::string ignored;  // the final write reports what still fails then
    r->Checkpoint((start - run_start_ms_) / 1000, &ignored);
  }
  checkpointed_ = finished_;
  double took = NowMs() - start;
  next_checkpoint_ms_ = NowMs() + std::max(kCheckpointMs, 20 * took);
}

void Supervisor::KillOrphans() {
  std::vector<pid_t> workers;
  for (const auto& slot : slots_) {
    if (slot->pid > 0) workers.push_back(slot->pid);
  }
  KillAdoptedChildren(workers);
}

void Supervisor::RemoveGeneratedFiles(size_t case_id) {
  static const CaseContext kNoContext;
  for (const std::string& file :
       GeneratedFiles(cases_[case_id], contexts_[case_id] ? *contexts_[case_id] : kNoContext)) {
    unlink(file.c_str());
  }
}

void Supervisor::RequeueWaiting(WorkerSlot* slot) {
  // Requeue() puts a case at the front of the queue: last first keeps order.
  while (slot->in_flight.size() > 1) {
    size_t waiting = slot->in_flight.back();
    slot->in_flight.pop_back();
    --attempts_[waiting];  // handed out, never started
    scheduler_.Requeue(waiting);
  }
}

std::string Supervisor::StartupDeath(WorkerSlot* slot, int status) {
  std::string printed;
  if (slot->startup_output_fd >= 0) {
    char buf[4096];
    ssize_t n;
    constexpr size_t kShown = 64 << 10;
    while (printed.size() < kShown &&
           (n = pread(slot->startup_output_fd, buf, sizeof buf, printed.size())) > 0) {
      printed.append(buf, static_cast<size_t>(n));
    }
    if (printed.size() > kShown) printed.resize(kShown);
  }
  while (!printed.empty() && printed.back() == '\n') printed.pop_back();
  return "the PHP engine did not start: worker " + std::to_string(slot->id) + " was " +
         (WIFSIGNALED(status) ? "" : "ended with ") + DescribeWaitStatus(status) +
         " before its engine was ready; " +
         (printed.empty() ? "it printed nothing" : "it printed:\n" + printed);
}

int Supervisor::HandleDeath(WorkerSlot* slot) {
  int status = 0;
  KillThroughPidfd(slot->pidfd);
  waitpid(slot->pid, &status, 0);
  slot->pid = -1;
  for (int* fd : {&slot->command_fd, &slot->result_fd, &slot->pidfd}) {
    if (*fd >= 0) close(*fd);
    *fd = -1;
  }
  // Its case processes die with it (PR_SET_PDEATHSIG); what they started
  // is ours now. Then the running case's scripts can go.
  KillOrphans();
  if (!slot->in_flight.empty()) RemoveGeneratedFiles(slot->in_flight.front());
  // The running case is run once more (or borks on a second death); the
  // ones waiting behind it never started and simply go back in the queue.
  RequeueWaiting(slot);
  if (!slot->in_flight.empty()) {
    size_t id = slot->in_flight.front();
    if (attempts_[id] < 2) {
      std::string why = "its worker died (" + DescribeWaitStatus(status) +
                        ") while it ran; it ran again in a new worker";
      std::fprintf(stderr, "phptrun: worker %d died (%s) running %s; it runs once more\n", slot->id,
                   DescribeWaitStatus(status).c_str(), cases_[id].c_str());
      rerun_reasons_[id] = why;
      scheduler_.Requeue(id);
    } else {
      CaseResult result;
      result.file = cases_[id];
      result.name = cases_[id];
      result.worker = slot->id;
      result.verdict = Verdict::kBork;
      result.reason = "the worker running this case died twice (" +
                      (WIFSIGNALED(status) ? "killed by signal " + std::to_string(WTERMSIG(status))
                                           : "exit status " + std::to_string(WEXITSTATUS(status))) +
                      ")";
      Finish(id, std::move(result));
    }
  }
  slot->in_flight.clear();
  return status;
}

int Supervisor::Run(std::string* err) {
  run_start_ms_ = NowMs();
  next_checkpoint_ms_ = run_start_ms_ + kCheckpointMs;
  attempts_.assign(cases_.size(), 0);
  contexts_.assign(cases_.size(), nullptr);
  done_.assign(cases_.size(), false);

  if (pipe2(g_signal_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
    *err = "cannot create the signal pipe";
    return 2;
  }
  struct sigaction sa {};
  sa.sa_handler = OnStopSignal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
  BecomeSubreaper();

  int workers = jobs_ < 1 ? 1 : jobs_;
  if (static_cast<size_t>(workers) > cases_.size()) workers = static_cast<int>(cases_.size());
  // -j auto: a board for the most workers there may be; without one (no
  // shared memory), a fixed -j of `workers`.
  int max_workers = std::min<size_t>(std::max(max_jobs_, workers), cases_.size());
  if (max_workers > workers && (cpu_board_ = CpuBoard::Create(max_workers))) {
    concurrency_ = std::make_unique<Concurrency>(workers, max_workers);
  }
  watchdog_ = WatchdogBoard::Create(std::max(max_workers, workers));
  for (int i = 0; i < workers; ++i) {
    auto slot = std::make_unique<WorkerSlot>();
    slot->id = i + 1;
    slots_.push_back(std::move(slot));
  }
  for (auto& slot : slots_) {
    if (!StartWorker(slot.get(), err)) return 2;
  }
  // Read CONFLICTS keys and slowness while the workers start their engines.
  {
    CaseHintReader hints;
    std::vector<size_t> order(cases_.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    // Longest first, so each Add appends (scheduler.h).
    if (timings_) {
      std::vector<double> estimate(cases_.size());
      for (size_t i = 0; i < cases_.size(); ++i) estimate[i] = timings_->Estimate(cases_[i]);
      std::stable_sort(order.begin(), order.end(),
                       [&](size_t a, size_t b) { return estimate[a] > estimate[b]; });
    }
    for (size_t i : order) AddToScheduler(&hints, timings_, &scheduler_, i, cases_[i]);
  }

  std::string fatal;
  bool interrupted = false;
  while (finished_ < cases_.size() && fatal.empty() && !interrupted) {
    if (concurrency_ && !AdaptJobs(err)) return 2;
    for (auto& slot : slots_) Dispatch(slot.get());

    std::vector<pollfd> fds;
    fds.push_back({g_signal_pipe[0], POLLIN, 0});
    double now = NowMs(), next_deadline = now + 60000;
    if (finished_ != checkpointed_) {
      if (now >= next_checkpoint_ms_) CheckpointReports();
      next_deadline = std::min(next_deadline, std::max(next_checkpoint_ms_, now));
    }
    for (auto& slot : slots_) {
      fds.push_back({slot->result_fd, POLLIN, 0});
      if (!slot->in_flight.empty() && slot->deadline_ms < next_deadline) {
        next_deadline = slot->deadline_ms;
      }
    }
    if (concurrency_) next_deadline = std::min(next_deadline, concurrency_->window_end_ms());
    int wait_ms = static_cast<int>(next_deadline - now) + 1;
    if (poll(fds.data(), fds.size(), wait_ms < 0 ? 0 : wait_ms) < 0 && errno != EINTR) {
      *err = std::string("poll failed: ") + std::strerror(errno);
      return 2;
    }
    char sig;
    if (read(g_signal_pipe[0], &sig, 1) == 1) interrupted = true;

    for (size_t i = 0; i < slots_.size(); ++i) {
      WorkerSlot* slot = slots_[i].get();
      bool alive = !slot->broken;
      if (fds[i + 1].revents) alive = slot->incoming.Fill(slot->result_fd) && alive;
      std::string message;
      while (fatal.empty() && slot->incoming.Next(&message)) HandleMessage(slot, message, &fatal);
      if (!fatal.empty()) break;
      long cut_short = -1;  // a case whose worker is killed as stuck
      WorkerClaim claim;
      if (alive && !slot->in_flight.empty() && NowMs() > slot->deadline_ms && watchdog_) {
        // A step the worker announced may take longer (judging a flood).
        claim = watchdog_->Read(slot->id - 1);
        slot->deadline_ms = ExtendedDeadline(slot->deadline_ms, claim, WatchdogGraceMs());
      }
      if (alive && !slot->in_flight.empty() && NowMs() > slot->deadline_ms) {
        // The worker itself is stuck: its own timeout handling did not fire.
        size_t id = slot->in_flight.front();
        cut_short = static_cast<long>(id);
        RequeueWaiting(slot);
        slot->in_flight.clear();
        CaseResult result;
        result.file = result.name = cases_[id];
        result.worker = slot->id;
        result.verdict = Verdict::kFail;
        result.time_ms = NowMs() - slot->case_start_ms;
        result.start_ms = slot->case_start_ms - run_start_ms_;
        result.reason = StuckReason(claim, JudgeBudgetMs(), result.time_ms);
        Finish(id, std::move(result));
        alive = false;
      }
      if (!alive) {
        bool was_ready = slot->ready;
        int status = HandleDeath(slot);
        if (cut_short >= 0) RemoveGeneratedFiles(static_cast<size_t>(cut_short));
        if (!was_ready) {
          // Its engine never started: a new one would die the same way.
          fatal = StartupDeath(slot, status);
          break;
        }
        if (finished_ < cases_.size() && !StartWorker(slot, err)) return 2;
      }
    }
  }

  for (auto& slot : slots_) {
    if (slot->pid <= 0) continue;
    if (interrupted || !fatal.empty()) {
      KillThroughPidfd(slot->pidfd);
    } else {
      WireWriter w;
      w.U32(kQuit);
      WriteMessage(slot->command_fd, w.data());
    }
    close(slot->command_fd);
  }
  if (!interrupted && fatal.empty()) CollectShutdownMessages();
  for (auto& slot : slots_) {
    if (slot->pid <= 0) continue;
    if (slot->result_fd >= 0) close(slot->result_fd);
    waitpid(slot->pid, nullptr, 0);
    slot->pid = -1;
    for (int fd : {slot->pidfd, slot->startup_output_fd}) {
      if (fd >= 0) close(fd);
    }
  }
  // Nothing outlives the run; an interrupted case leaves no scripts behind.
  KillOrphans();
  for (auto& slot : slots_) {
    if (!slot->in_flight.empty()) RemoveGeneratedFiles(slot->in_flight.front());
  }
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);

  RunEnd end;
  end.summary = summary_;
  end.duration_s = (NowMs() - run_start_ms_) / 1000;
  end.interrupted = interrupted;
  for (size_t i = 0; i < cases_.size(); ++i) {
    if (!done_[i]) end.unfinished.push_back(cases_[i]);
  }
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) == 0) end.supervisor_max_rss_kb = usage.ru_maxrss;
  end.peak_jobs = peak_jobs_;
  bool reports_ok = true;
  AnnounceRun();  // no worker started: the reports still begin and end
  for (Reporter* r : reporters_) {
    std::string report_err;
    if (!r->RunFinished(end, &report_err)) {
      std::fprintf(stderr, "phptrun: error: %s\n", report_err.c_str());
      reports_ok = false;
    }
  }
  if (!fatal.empty()) {
    *err = fatal;
    return 2;
  }
  bool failed = interrupted || !reports_ok;
  for (Verdict v : kAllVerdicts) {
    if (VerdictFailsRun(v) && summary_.Count(v) > 0) failed = true;
  }
  return failed ? 1 : 0;
}

}  // namespace phptrun
