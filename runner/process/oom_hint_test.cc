#include "runner/process/oom_hint.h"

#include <catch2/catch.hpp>

namespace phptrun {
namespace {

TEST_CASE("OOM kill counters are read from vmstat and cgroup files", "[oom_hint]") {
  CHECK(ParseCounter("nr_free_pages 12\noom_kill 3\nnuma_hit 9\n", "oom_kill") == 3);
  CHECK(ParseCounter("oom_kill_disable 0\nunder_oom 0\noom_kill 17\n", "oom_kill") == 17);
  CHECK(ParseCounter("low 0\nhigh 0\nmax 4\noom 2\noom_kill 1\noom_group_kill 0", "oom_kill") == 1);
  CHECK(ParseCounter("oom_kill_disable 5\n", "oom_kill") == 0);
  CHECK(ParseCounter("", "oom_kill") == 0);
}

TEST_CASE("The memory cgroup's OOM counter file comes from /proc/self/cgroup", "[oom_hint]") {
  // cgroup v1, as on the machine these tests were written on.
  CHECK(OomEventsPath("4:memory:/process_api/310e\n0::/\n") ==
        "/sys/fs/cgroup/memory/process_api/310e/memory.oom_control");
  // cgroup v2 only.
  CHECK(OomEventsPath("0::/user.slice/session-3.scope\n") ==
        "/sys/fs/cgroup/user.slice/session-3.scope/memory.events");
  CHECK(OomEventsPath("0::/\n") == "/sys/fs/cgroup/memory.events");
  CHECK(OomEventsPath("1:cpu:/\n") == "");
  CHECK(OomEventsPath("") == "");
}

}  // namespace
}  // namespace phptrun
