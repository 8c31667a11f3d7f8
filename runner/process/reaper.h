// Leaves no process behind: a process that is a child subreaper
// (PR_SET_CHILD_SUBREAPER) adopts every orphan among its descendants, a
// setsid() escapee included; KillAdoptedChildren then finds them as its own
// children and kills them.
//
//   BecomeSubreaper();                      // once, at start
//   ... run things that may leave orphans ...
//   KillAdoptedChildren({warm_pid});        // every child but these
#pragma once

#include <sys/types.h>

#include <vector>

namespace phptrun {

// Makes orphaned descendants of this process its children. False when the
// kernel refuses (then orphans go to init, as before).
bool BecomeSubreaper();

// The children of this process (living or zombies), from
// /proc/self/task/<pid>/children.
std::vector<pid_t> ChildrenOfSelf();

// Sends SIGKILL to every child of this process not in `keep` (and to the
// process group it leads, if any) and reaps it; repeats while killing them
// brought new orphans. Returns how many it killed. Signals only children
// not yet reaped, whose pids cannot have been reused.
int KillAdoptedChildren(const std::vector<pid_t>& keep);

}  // namespace phptrun
