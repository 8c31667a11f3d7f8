#include "runner/process/reaper.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>

namespace phptrun {

bool BecomeSubreaper() { return prctl(PR_SET_CHILD_SUBREAPER, 1) == 0; }

std::vector<pid_t> ChildrenOfSelf() {
  std::vector<pid_t> children;
  // A single-threaded process: its children are those of its main thread.
  std::string path = "/proc/self/task/" + std::to_string(getpid()) + "/children";
  if (FILE* f = std::fopen(path.c_str(), "re")) {
    long pid;
    while (std::fscanf(f, "%ld", &pid) == 1) children.push_back(static_cast<pid_t>(pid));
    std::fclose(f);
  }
  return children;
}

int KillAdoptedChildren(const std::vector<pid_t>& keep) {
  int killed = 0;
  // Each round kills the children found; their own children are adopted as
  // they die and found by the next round. The bound only stops a fork bomb
  // from keeping us here for ever.
  for (int round = 0; round < 64; ++round) {
    std::vector<pid_t> found;
    for (pid_t pid : ChildrenOfSelf()) {
      if (std::find(keep.begin(), keep.end(), pid) == keep.end()) found.push_back(pid);
    }
    if (found.empty()) break;
    for (pid_t pid : found) {
      // A child not yet reaped keeps its pid and process group id reserved.
      if (getpgid(pid) == pid) kill(-pid, SIGKILL);
      kill(pid, SIGKILL);
    }
    for (pid_t pid : found) {
      if (waitpid(pid, nullptr, 0) == pid) ++killed;
    }
  }
  return killed;
}

}  // namespace phptrun
