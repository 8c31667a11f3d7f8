#include "runner/process/process_state.h"

#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

extern char** environ;

namespace phptrun {
namespace {

// The limits a script can lower or raise (posix_setrlimit).
constexpr int kLimits[] = {RLIMIT_AS,     RLIMIT_CORE,   RLIMIT_CPU,    RLIMIT_DATA,
                           RLIMIT_FSIZE,  RLIMIT_MEMLOCK, RLIMIT_NOFILE, RLIMIT_NPROC,
                           RLIMIT_STACK};

// glibc adds the kernel's SA_RESTORER (not in its headers) to every
// sigaction() it makes, SIG_DFL too: a handler set and put back would
// otherwise look changed.
constexpr int kSaRestorer = 0x04000000;

std::string CurrentDirectory() {
  std::string dir(4096, '\0');
  if (!getcwd(dir.data(), dir.size())) return "";
  dir.resize(std::strlen(dir.c_str()));
  return dir;
}

std::string ReadLink(const char* path) {
  char target[256];
  ssize_t n = readlink(path, target, sizeof target - 1);
  return n > 0 ? std::string(target, static_cast<size_t>(n)) : "";
}

// The namespaces pcntl_unshare() can change (net, pid for children, user,
// mount, uts, ipc, cgroup, time for children).
constexpr const char* kNamespaces[] = {
    "/proc/self/ns/net", "/proc/self/ns/pid_for_children", "/proc/self/ns/user",
    "/proc/self/ns/mnt", "/proc/self/ns/uts", "/proc/self/ns/ipc", "/proc/self/ns/cgroup",
    "/proc/self/ns/time_for_children"};

std::vector<int> OpenDescriptors(const std::vector<int>& not_counted) {
  std::vector<int> fds;
  DIR* dir = opendir("/proc/self/fd");
  if (!dir) return fds;
  int own = dirfd(dir);
  while (dirent* entry = readdir(dir)) {
    if (entry->d_name[0] == '.') continue;
    int fd = std::atoi(entry->d_name);
    if (fd != own && std::find(not_counted.begin(), not_counted.end(), fd) == not_counted.end()) {
      fds.push_back(fd);
    }
  }
  closedir(dir);
  std::sort(fds.begin(), fds.end());
  return fds;
}

// Reaps exited children; true when one is still running.
bool ChildrenRunning() {
  for (;;) {
    int status;
    pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid > 0) continue;
    if (pid < 0 && errno == EINTR) continue;
    return pid == 0;  // -1 with ECHILD: none left
  }
}

bool TimersRunning() {
  for (int which : {ITIMER_REAL, ITIMER_VIRTUAL, ITIMER_PROF}) {
    itimerval timer{};
    if (getitimer(which, &timer) == 0 &&
        (timer.it_value.tv_sec || timer.it_value.tv_usec || timer.it_interval.tv_sec ||
         timer.it_interval.tv_usec)) {
      return true;
    }
  }
  return false;
}

std::string Octal(mode_t mode) {
  char text[16];
  std::snprintf(text, sizeof text, "%03o", static_cast<unsigned>(mode));
  return text;
}

}  // namespace

ProcessState ProcessState::Capture(const std::vector<int>& not_counted) {
  ProcessState s;
  s.cwd_ = CurrentDirectory();
  s.root_ = ReadLink("/proc/self/root");
  for (const char* ns : kNamespaces) s.namespaces_.push_back(ReadLink(ns));
  for (char** e = environ; e && *e; ++e) s.environment_.emplace_back(*e);
  std::sort(s.environment_.begin(), s.environment_.end());
  s.descriptors_ = OpenDescriptors(not_counted);
  for (int sig = 1; sig < static_cast<int>(s.signals_.size()); ++sig) {
    struct sigaction action {};
    if (sig == SIGKILL || sig == SIGSTOP || sigaction(sig, nullptr, &action) != 0) continue;
    s.signals_[sig].handler = reinterpret_cast<uintptr_t>(action.sa_handler);
    s.signals_[sig].flags = action.sa_flags & ~kSaRestorer;
  }
  sigset_t blocked;
  sigemptyset(&blocked);
  sigprocmask(SIG_BLOCK, nullptr, &blocked);
  for (int sig = 1; sig < static_cast<int>(s.blocked_.size()); ++sig) {
    s.blocked_[sig] = sigismember(&blocked, sig) == 1;
  }
  s.timers_running_ = TimersRunning();
  for (int resource : kLimits) {
    rlimit limit{};
    getrlimit(resource, &limit);
    s.limits_.push_back(limit);
  }
  getresuid(&s.uids_[0], &s.uids_[1], &s.uids_[2]);
  getresgid(&s.gids_[0], &s.gids_[1], &s.gids_[2]);
  int count = getgroups(0, nullptr);
  if (count > 0) {
    s.groups_.resize(static_cast<size_t>(count));
    count = getgroups(count, s.groups_.data());
    s.groups_.resize(count > 0 ? static_cast<size_t>(count) : 0);
  }
  s.process_group_ = getpgid(0);
  s.session_ = getsid(0);
  s.umask_ = umask(0);
  umask(s.umask_);
  errno = 0;
  s.priority_ = getpriority(PRIO_PROCESS, 0);
  const char* locale = setlocale(LC_ALL, nullptr);
  s.locale_ = locale ? locale : "";
  s.children_running_ = ChildrenRunning();
  return s;
}

bool ProcessState::Restore() const {
  // The environment as captured: what a request set is removed, what it
  // removed or changed comes back.
  std::vector<std::string> now;
  for (char** e = environ; e && *e; ++e) now.emplace_back(*e);
  std::sort(now.begin(), now.end());
  if (now != environment_) {
    clearenv();
    for (const std::string& entry : environment_) {
      size_t eq = entry.find('=');
      if (eq == std::string::npos) continue;
      setenv(entry.substr(0, eq).c_str(), entry.c_str() + eq + 1, 1);
    }
  }
  return cwd_.empty() || chdir(cwd_.c_str()) == 0;
}

std::string ProcessState::Difference(const ProcessState& now) const {
  if (cwd_ != now.cwd_) return "working directory " + now.cwd_;
  if (root_ != now.root_) return "root directory " + now.root_;
  for (size_t i = 0; i < namespaces_.size() && i < now.namespaces_.size(); ++i) {
    if (namespaces_[i] != now.namespaces_[i]) return "namespace " + now.namespaces_[i];
  }
  if (environment_ != now.environment_) return "environment";
  if (descriptors_ != now.descriptors_) {
    for (int fd : now.descriptors_) {
      if (!std::binary_search(descriptors_.begin(), descriptors_.end(), fd)) {
        char target[256] = "";
        std::string link = "/proc/self/fd/" + std::to_string(fd);
        ssize_t n = readlink(link.c_str(), target, sizeof target - 1);
        if (n > 0) target[n] = '\0';
        return "descriptor " + std::to_string(fd) + " open (" + target + ")";
      }
    }
    for (int fd : descriptors_) {
      if (!std::binary_search(now.descriptors_.begin(), now.descriptors_.end(), fd)) {
        return "descriptor " + std::to_string(fd) + " closed";
      }
    }
  }
  for (size_t sig = 1; sig < signals_.size(); ++sig) {
    if (!(signals_[sig] == now.signals_[sig])) return "handler of signal " + std::to_string(sig);
    if (blocked_[sig] != now.blocked_[sig]) return "blocking of signal " + std::to_string(sig);
  }
  if (now.timers_running_) return "an interval timer or alarm is running";
  for (size_t i = 0; i < limits_.size() && i < now.limits_.size(); ++i) {
    if (limits_[i].rlim_cur != now.limits_[i].rlim_cur ||
        limits_[i].rlim_max != now.limits_[i].rlim_max) {
      return "resource limit " + std::to_string(kLimits[i]);
    }
  }
  if (uids_ != now.uids_ || gids_ != now.gids_ || groups_ != now.groups_) return "user or group";
  if (process_group_ != now.process_group_ || session_ != now.session_) {
    return "process group or session";
  }
  if (umask_ != now.umask_) return "umask " + Octal(umask_) + " -> " + Octal(now.umask_);
  if (priority_ != now.priority_) return "priority";
  if (locale_ != now.locale_) return "locale " + now.locale_;
  if (now.children_running_) return "a child process is still running";
  return "";
}

}  // namespace phptrun
