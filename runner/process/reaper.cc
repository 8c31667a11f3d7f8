#include "runner/process/reaper.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstdlib>
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

namespace {

// Appends the decimal digits of n to buf at *at (no snprintf: not
// async-signal-safe).
void AppendNumber(char* buf, size_t* at, long n) {
  char digits[24];
  int count = 0;
  do {
    digits[count++] = static_cast<char>('0' + n % 10);
    n /= 10;
  } while (n > 0);
  while (count > 0) buf[(*at)++] = digits[--count];
}

}  // namespace

void KillChildrenNow() {
  static char path[64];
  static char list[1 << 16];
  size_t at = 0;
  for (const char* p = "/proc/self/task/"; *p; ++p) path[at++] = *p;
  AppendNumber(path, &at, getpid());
  for (const char* p = "/children"; *p; ++p) path[at++] = *p;
  path[at] = '\0';
  for (int round = 0; round < 64; ++round) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) break;
    size_t size = 0;
    ssize_t n;
    while (size < sizeof list - 1 && (n = read(fd, list + size, sizeof list - 1 - size)) > 0) {
      size += static_cast<size_t>(n);
    }
    close(fd);
    list[size] = '\0';
    bool any = false;
    // Signal them all first, then reap: a child not yet reaped keeps its
    // pid and its process group id reserved.
    for (int pass = 0; pass < 2; ++pass) {
      long pid = 0;
      for (size_t i = 0; i <= size; ++i) {
        if (list[i] >= '0' && list[i] <= '9') {
          pid = pid * 10 + (list[i] - '0');
          continue;
        }
        if (pid <= 0) continue;
        if (pass == 0) {
          if (getpgid(static_cast<pid_t>(pid)) == pid) kill(static_cast<pid_t>(-pid), SIGKILL);
          kill(static_cast<pid_t>(pid), SIGKILL);
          any = true;
        } else {
          waitpid(static_cast<pid_t>(pid), nullptr, 0);
        }
        pid = 0;
      }
    }
    if (!any) break;
  }
}

void CloseDescriptorsExcept(std::vector<int> keep) {
  std::sort(keep.begin(), keep.end());
  unsigned int from = 3;
  bool ranges_ok = true;
  // The gaps between the kept descriptors, each closed in one call.
  for (size_t i = 0; i <= keep.size() && ranges_ok; ++i) {
    unsigned int to = i < keep.size() ? static_cast<unsigned int>(keep[i]) : UINT_MAX;
    if (i < keep.size() && keep[i] < static_cast<int>(from)) continue;
    if (to > from) ranges_ok = close_range(from, to - 1, 0) == 0;
    from = to + 1;
  }
  if (ranges_ok) return;
  std::vector<int> open;
  if (DIR* dir = opendir("/proc/self/fd")) {
    while (dirent* entry = readdir(dir)) {
      if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
      int fd = std::atoi(entry->d_name);
      if (fd > 2 && fd != dirfd(dir)) open.push_back(fd);
    }
    closedir(dir);
  }
  for (int fd : open) {
    if (!std::binary_search(keep.begin(), keep.end(), fd)) close(fd);
  }
}

}  // namespace phptrun
