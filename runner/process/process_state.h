// What a PHP request can change in its process that PHP itself does not put
// back at request end, so that a reused case process would show it to the
// next case: the working directory and root (chroot), the environment, open
// descriptors, signal dispositions and mask, interval timers, resource
// limits, user and group ids, process group and session, namespaces
// (pcntl_unshare), umask, scheduling priority, the C locale and child
// processes.
//
// A reused ("warm") case process captures the state once, before its first
// request, and after every request puts back what it safely can and asks
// for the difference; anything left over retires the process:
//
//   ProcessState baseline = ProcessState::Capture();
//   ... one request ...
//   baseline.Restore();                                   // cwd, environment
//   std::string why = baseline.Difference(ProcessState::Capture());
//   if (!why.empty()) _exit(0);                           // a fresh fork next time
//
// It only reads and writes the calling process; nothing here knows PHP.
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <array>
#include <string>
#include <vector>

namespace phptrun {

class ProcessState {
 public:
  // Reads the state of the calling process. Reaps children that have
  // already exited (a zombie the script did not wait for), so that only
  // children still running count. not_counted: descriptors open now that
  // the state does not include (a request's own, about to be closed).
  static ProcessState Capture(const std::vector<int>& not_counted = {});

  // Changes the working directory and the environment back to the captured
  // ones. False when the directory cannot be entered again.
  bool Restore() const;

  // Empty when `now` equals this state; otherwise the first thing that
  // differs, for a message ("umask 022 -> 077", "descriptor 5 open").
  std::string Difference(const ProcessState& now) const;

 private:
  struct Signal {
    uintptr_t handler = 0;
    int flags = 0;
    bool operator==(const Signal& o) const { return handler == o.handler && flags == o.flags; }
  };

  std::string cwd_;
  std::string root_;                      // /proc/self/root
  std::vector<std::string> namespaces_;   // /proc/self/ns/*, as the links read
  std::vector<std::string> environment_;  // "NAME=value", sorted
  std::vector<int> descriptors_;          // open fds, ascending
  std::array<Signal, 65> signals_{};      // by signal number; 0 unused
  std::array<bool, 65> blocked_{};        // by signal number: in sigprocmask
  bool timers_running_ = false;           // ITIMER_REAL, _VIRTUAL or _PROF armed
  std::vector<rlimit> limits_;
  std::array<uid_t, 3> uids_{};
  std::array<gid_t, 3> gids_{};
  std::vector<gid_t> groups_;
  pid_t process_group_ = 0;
  pid_t session_ = 0;
  mode_t umask_ = 0;
  int priority_ = 0;
  std::string locale_;
  bool children_running_ = false;
};

}  // namespace phptrun
