// ProcessState on the test process itself: each test changes one thing,
// captures, then undoes the change before it checks what Difference said,
// so that a failed check never leaves the change to the next test.
#include "runner/process/process_state.h"

#include <fcntl.h>
#include <limits.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>

namespace phptrun {
namespace {

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string CurrentDirectory() {
  char dir[PATH_MAX];
  return getcwd(dir, sizeof dir) ? dir : "";
}

void Handler(int) {}

// Installs Handler for `sig` for the life of the object.
class ScopedHandler {
 public:
  explicit ScopedHandler(int sig) : sig_(sig) {
    struct sigaction action {};
    action.sa_handler = Handler;
    sigemptyset(&action.sa_mask);
    REQUIRE(sigaction(sig_, &action, &old_) == 0);
  }
  ~ScopedHandler() { sigaction(sig_, &old_, nullptr); }
  ScopedHandler(const ScopedHandler&) = delete;
  ScopedHandler& operator=(const ScopedHandler&) = delete;

 private:
  int sig_;
  struct sigaction old_ {};
};

TEST_CASE("process state: two captures without a change do not differ") {
  ProcessState before = ProcessState::Capture();
  CHECK(before.Difference(ProcessState::Capture()) == "");
  CHECK(before.Difference(before) == "");
}

TEST_CASE("process state: a changed umask is reported with both values") {
  mode_t old = umask(077);
  ProcessState before = ProcessState::Capture();
  umask(022);
  std::string why = before.Difference(ProcessState::Capture());
  umask(old);
  CHECK(why == "umask 077 -> 022");
}

TEST_CASE("process state: a descriptor opened or closed is reported") {
  ProcessState before = ProcessState::Capture();
  int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  REQUIRE(fd >= 0);
  std::string opened = before.Difference(ProcessState::Capture());
  close(fd);
  CHECK(opened == "descriptor " + std::to_string(fd) + " open (/dev/null)");
  CHECK(before.Difference(ProcessState::Capture()) == "");

  fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  REQUIRE(fd >= 0);
  ProcessState with_fd = ProcessState::Capture();
  close(fd);
  CHECK(with_fd.Difference(ProcessState::Capture()) ==
        "descriptor " + std::to_string(fd) + " closed");
}

TEST_CASE("process state: a changed signal handler is reported") {
  ProcessState before = ProcessState::Capture();
  std::string why;
  {
    ScopedHandler handler(SIGUSR1);
    why = before.Difference(ProcessState::Capture());
  }
  CHECK(why == "handler of signal " + std::to_string(SIGUSR1));
  // Put back, it compares equal again, although the C library has added
  // SA_RESTORER to the flags of the signal.
  CHECK(before.Difference(ProcessState::Capture()) == "");
}

TEST_CASE("process state: handler flags count, not only the handler") {
  struct sigaction old {};
  REQUIRE(sigaction(SIGUSR1, nullptr, &old) == 0);
  ProcessState before = ProcessState::Capture();
  struct sigaction changed = old;
  changed.sa_flags ^= SA_RESTART;
  REQUIRE(sigaction(SIGUSR1, &changed, nullptr) == 0);
  std::string why = before.Difference(ProcessState::Capture());
  sigaction(SIGUSR1, &old, nullptr);
  CHECK(why == "handler of signal " + std::to_string(SIGUSR1));
}

TEST_CASE("process state: a blocked signal is reported") {
  ProcessState before = ProcessState::Capture();
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGUSR2);
  REQUIRE(sigprocmask(SIG_BLOCK, &block, &old) == 0);
  ProcessState now = ProcessState::Capture();
  sigprocmask(SIG_SETMASK, &old, nullptr);
  CHECK(before.Difference(now) == "blocking of signal " + std::to_string(SIGUSR2));
  CHECK(before.Difference(ProcessState::Capture()) == "");
}

TEST_CASE("process state: a running alarm or interval timer is reported") {
  ProcessState before = ProcessState::Capture();
  // Long enough never to fire during the test; disarmed right after.
  alarm(100);
  std::string with_alarm = before.Difference(ProcessState::Capture());
  alarm(0);

  itimerval timer{}, off{};
  timer.it_value.tv_sec = 100;
  REQUIRE(setitimer(ITIMER_VIRTUAL, &timer, nullptr) == 0);
  std::string with_virtual = before.Difference(ProcessState::Capture());
  setitimer(ITIMER_VIRTUAL, &off, nullptr);

  CHECK(Contains(with_alarm, "timer or alarm"));
  CHECK(Contains(with_virtual, "timer or alarm"));
  CHECK(before.Difference(ProcessState::Capture()) == "");
}

TEST_CASE("process state: a changed resource limit is reported") {
  rlimit old{};
  REQUIRE(getrlimit(RLIMIT_CORE, &old) == 0);
  rlimit changed = old;
  if (old.rlim_cur > 0) {
    changed.rlim_cur = old.rlim_cur == RLIM_INFINITY ? 4096 : old.rlim_cur - 1;
  } else if (old.rlim_max > 0) {
    changed.rlim_cur = 1;  // a soft limit may go back up to the hard one
  } else {
    WARN("RLIMIT_CORE is 0/0: nothing to lower or raise; not checked");
    return;
  }
  ProcessState before = ProcessState::Capture();
  REQUIRE(setrlimit(RLIMIT_CORE, &changed) == 0);
  std::string why = before.Difference(ProcessState::Capture());
  setrlimit(RLIMIT_CORE, &old);
  CHECK(why == "resource limit " + std::to_string(RLIMIT_CORE));
  CHECK(before.Difference(ProcessState::Capture()) == "");
}

TEST_CASE("process state: a running child counts, an exited one does not") {
  ProcessState before = ProcessState::Capture();
  pid_t running = fork();
  REQUIRE(running >= 0);
  if (running == 0) {
    pause();
    _exit(0);
  }
  std::string with_child = before.Difference(ProcessState::Capture());
  kill(running, SIGKILL);
  waitpid(running, nullptr, 0);
  CHECK(Contains(with_child, "child process"));

  // A zombie: exited, not yet waited for. Capture reaps it.
  pid_t exited = fork();
  REQUIRE(exited >= 0);
  if (exited == 0) _exit(0);
  siginfo_t info{};
  REQUIRE(waitid(P_PID, static_cast<id_t>(exited), &info, WEXITED | WNOWAIT) == 0);
  CHECK(before.Difference(ProcessState::Capture()) == "");
  CHECK(waitpid(exited, nullptr, WNOHANG) == -1);  // already reaped
}

TEST_CASE("process state: a namespace left by unshare() is reported") {
  // In a child, so the test process keeps its namespaces. A new UTS
  // namespace needs root or a user namespace of its own: try both.
  int report[2];
  REQUIRE(pipe(report) == 0);
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    close(report[0]);
    ProcessState before = ProcessState::Capture();
    std::string why = unshare(CLONE_NEWUTS) == 0 || unshare(CLONE_NEWUSER | CLONE_NEWUTS) == 0
                          ? before.Difference(ProcessState::Capture())
                          : "unshare failed";
    ssize_t ignored = write(report[1], why.data(), why.size());
    (void)ignored;
    _exit(0);
  }
  close(report[1]);
  char buf[256];
  ssize_t n = read(report[0], buf, sizeof buf);
  close(report[0]);
  waitpid(child, nullptr, 0);
  std::string why = n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
  CHECK((Contains(why, "namespace uts:[") || Contains(why, "namespace user:[")));
}

TEST_CASE("process state: a changed C locale is reported") {
  std::string old = setlocale(LC_ALL, nullptr);
  ProcessState before = ProcessState::Capture();
  const char* changed = setlocale(LC_CTYPE, old == "C.UTF-8" ? "C" : "C.UTF-8");
  std::string why = before.Difference(ProcessState::Capture());
  setlocale(LC_ALL, old.c_str());
  REQUIRE(changed != nullptr);
  CHECK(Contains(why, "locale"));
  CHECK(before.Difference(ProcessState::Capture()) == "");
}

TEST_CASE("process state: Restore puts the environment back") {
  setenv("PHPTRUN_PS_CHANGED", "old", 1);
  setenv("PHPTRUN_PS_REMOVED", "kept", 1);
  unsetenv("PHPTRUN_PS_ADDED");
  ProcessState before = ProcessState::Capture();
  setenv("PHPTRUN_PS_ADDED", "1", 1);
  setenv("PHPTRUN_PS_CHANGED", "new", 1);
  unsetenv("PHPTRUN_PS_REMOVED");
  std::string changed = before.Difference(ProcessState::Capture());
  bool restored = before.Restore();
  std::string after = before.Difference(ProcessState::Capture());
  const char* added = getenv("PHPTRUN_PS_ADDED");
  std::string changed_value = getenv("PHPTRUN_PS_CHANGED") ? getenv("PHPTRUN_PS_CHANGED") : "";
  std::string removed_value = getenv("PHPTRUN_PS_REMOVED") ? getenv("PHPTRUN_PS_REMOVED") : "";
  unsetenv("PHPTRUN_PS_ADDED");
  unsetenv("PHPTRUN_PS_CHANGED");
  unsetenv("PHPTRUN_PS_REMOVED");
  CHECK(changed == "environment");
  CHECK(restored);
  CHECK(after == "");
  CHECK(added == nullptr);
  CHECK(changed_value == "old");
  CHECK(removed_value == "kept");
}

TEST_CASE("process state: Restore puts the working directory back") {
  std::string home = CurrentDirectory();
  REQUIRE_FALSE(home.empty());
  char dir[] = "/tmp/phptrun-process-state-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  REQUIRE(chdir(dir) == 0);
  ProcessState in_dir = ProcessState::Capture();
  REQUIRE(chdir("/") == 0);
  std::string moved = in_dir.Difference(ProcessState::Capture());
  bool restored = in_dir.Restore();
  std::string back = CurrentDirectory();
  std::string after = in_dir.Difference(ProcessState::Capture());

  // A directory that is gone cannot be entered again.
  REQUIRE(chdir("/") == 0);
  rmdir(dir);
  bool restored_gone = in_dir.Restore();
  REQUIRE(chdir(home.c_str()) == 0);

  CHECK(moved == "working directory /");
  CHECK(restored);
  CHECK(back == dir);
  CHECK(after == "");
  CHECK_FALSE(restored_gone);
}

}  // namespace
}  // namespace phptrun
