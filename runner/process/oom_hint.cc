#include "runner/process/oom_hint.h"

#include <fstream>
#include <sstream>

#include "runner/phpt/text_util.h"

namespace phptrun {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

uint64_t ParseCounter(std::string_view text, std::string_view key) {
  for (std::string_view line : SplitLines(text, "\n")) {
    if (line.size() > key.size() && line.substr(0, key.size()) == key && line[key.size()] == ' ') {
      uint64_t value = 0;
      for (char c : line.substr(key.size() + 1)) {
        if (c < '0' || c > '9') break;
        value = value * 10 + static_cast<uint64_t>(c - '0');
      }
      return value;
    }
  }
  return 0;
}

std::string OomEventsPath(std::string_view proc_self_cgroup) {
  std::string v2;
  for (std::string_view line : SplitLines(proc_self_cgroup, "\n")) {
    size_t first = line.find(':');
    size_t second = first == std::string_view::npos ? first : line.find(':', first + 1);
    if (second == std::string_view::npos) continue;
    std::string_view controllers = line.substr(first + 1, second - first - 1);
    std::string path(line.substr(second + 1));
    if (path == "/") path.clear();
    if (controllers == "memory") return "/sys/fs/cgroup/memory" + path + "/memory.oom_control";
    if (controllers.empty() && line.substr(0, first) == "0") {
      v2 = "/sys/fs/cgroup" + path + "/memory.events";
    }
  }
  return v2;
}

OomCounters ReadOomCounters() {
  OomCounters c;
  c.system = ParseCounter(ReadFile("/proc/vmstat"), "oom_kill");
  std::string events = OomEventsPath(ReadFile("/proc/self/cgroup"));
  if (!events.empty()) c.cgroup = ParseCounter(ReadFile(events), "oom_kill");
  return c;
}

bool OomWatch::KilledSinceLastLook() {
  OomCounters now = ReadOomCounters();
  bool killed = now.system > seen_.system || now.cgroup > seen_.cgroup;
  seen_ = now;
  return killed;
}

}  // namespace phptrun
