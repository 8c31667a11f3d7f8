// Leaves no process behind: a process that is a child subreaper
// (PR_SET_CHILD_SUBREAPER) adopts every orphan among its descendants, a
// setsid() escapee included; KillAdoptedChildren then finds them as its own
// children and kills them.
//
//   BecomeSubreaper();                      // once, at start
//   ... run things that may leave orphans ...
//   KillAdoptedChildren({warm_pid});        // every child but these
//
// A worker must not die with its supervisor before it has killed what it
// adopted: it learns of the supervisor's death by ParentGoneSignal()
// (PR_SET_PDEATHSIG), whose handler calls KillChildrenNow().
//
// And holds nothing it was given: CloseDescriptorsExcept() drops the
// descriptors a process inherited (a shell's `7>file`, the supervisor's
// report files and other workers' pipes), so that no case can use them.
#pragma once

#include <signal.h>
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

// Kills every child of this process (and the process group each leads),
// reaps it, and repeats while that brought new orphans. Async-signal-safe
// (system calls and static storage only), for a signal handler.
void KillChildrenNow();

// The signal a worker asks for when its supervisor dies: a real-time one,
// which the engine never handles; case processes put it back to default.
inline int ParentGoneSignal() { return SIGRTMIN + 3; }

// Closes every descriptor from 3 up but those in `keep` (close_range(), or
// /proc/self/fd where the kernel has none).
void CloseDescriptorsExcept(std::vector<int> keep);

}  // namespace phptrun
