// Whether the kernel's OOM killer may have sent a case's SIGKILL.
//
// A case process killed by SIGKILL that phptrun did not kill (no timeout)
// was killed by the test itself, by another process, or by the kernel when
// memory ran out. The kernel counts its OOM kills: /proc/vmstat's oom_kill
// for the whole system, and the memory cgroup's (cgroup v2 memory.events,
// v1 memory.oom_control) for the processes of phptrun's cgroup. A counter
// that went up since the last look makes the reason "SIGKILL (out of
// memory?)"; it is a hint, since another process may have been the victim.
//
//   OomWatch watch;                       // remembers the counters now
//   ... a case process dies of SIGKILL ...
//   if (watch.KilledSinceLastLook()) ...  // and remembers them again
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace phptrun {

struct OomCounters {
  uint64_t system = 0;  // /proc/vmstat oom_kill
  uint64_t cgroup = 0;  // this process's memory cgroup
};

// The value of `key` in "key value" lines (vmstat, memory.events,
// memory.oom_control); 0 when the key is absent.
uint64_t ParseCounter(std::string_view text, std::string_view key);

// The file of this process's memory cgroup that counts OOM kills, from the
// text of /proc/self/cgroup: v1 "N:memory:/path" (memory.oom_control) before
// v2 "0::/path" (memory.events); "" when there is none.
std::string OomEventsPath(std::string_view proc_self_cgroup);

OomCounters ReadOomCounters();

class OomWatch {
 public:
  OomWatch() : seen_(ReadOomCounters()) {}
  // True when a counter went up since construction or the last call.
  bool KilledSinceLastLook();

 private:
  OomCounters seen_;
};

}  // namespace phptrun
