// The lifecycle event recorder (lifecycle_log.h) and its transport (event_log.h).
#include "tracer/event_log.h"

#include <catch2/catch.hpp>
#include <cstring>
#include <string>

namespace phptrun {
namespace {

// The recorder is process-wide state: every test starts and ends with an
// empty log (names kept by an earlier test stay, as they would in a worker).
struct FreshLog {
  FreshLog() { phptrun_log_clear(); }
  ~FreshLog() { phptrun_log_clear(); }
};

TEST_CASE("event log: records events with time and memory, oldest first") {
  FreshLog fresh;
  size_t before = 0;
  phptrun_log_events(&before);
  uint32_t name = phptrun_log_name("date", 4);
  CHECK(name != 0);
  phptrun_log_record(PHPTRUN_EVENT_BEGIN, PHPTRUN_HOOK_RINIT, 0, name, 123, 456, 1);
  phptrun_log_record(PHPTRUN_EVENT_END, PHPTRUN_HOOK_RINIT, PHPTRUN_EVENT_BAILOUT, name, 124, 457,
                     0);
  size_t count = 0;
  const phptrun_event* events = phptrun_log_events(&count);
  REQUIRE(count == before + 2);
  const phptrun_event& b = events[count - 2];
  const phptrun_event& e = events[count - 1];
  CHECK(b.type == PHPTRUN_EVENT_BEGIN);
  CHECK(b.what == PHPTRUN_HOOK_RINIT);
  CHECK(b.heap == 123);
  CHECK(b.heap_peak == 456);
  CHECK(b.persistent > 0);    // malloc has handed out something by now
  CHECK(e.persistent == -1);  // not asked for
  CHECK(e.flags == PHPTRUN_EVENT_BAILOUT);
  CHECK(e.time_ns >= b.time_ns);
  EventLog log = EventLog::Capture();
  CHECK(log.Name(b.name) == "date");
  CHECK(log.Name(0).empty());
  CHECK(log.Name(1u << 30).empty());
}

TEST_CASE("event log: persistent figures sampled, skipped or reused") {
  FreshLog fresh;
  phptrun_log_record(PHPTRUN_EVENT_BEGIN, PHPTRUN_PHASE_RINIT, 0, 0, 1, 1,
                     PHPTRUN_PERSISTENT_REUSE);
  phptrun_log_record(PHPTRUN_EVENT_END, PHPTRUN_PHASE_RINIT, 0, 0, 1, 1, PHPTRUN_PERSISTENT_SAMPLE);
  phptrun_log_record(PHPTRUN_EVENT_BEGIN, PHPTRUN_PHASE_EXECUTE, 0, 0, 1, 1,
                     PHPTRUN_PERSISTENT_REUSE);
  phptrun_log_record(PHPTRUN_EVENT_END, PHPTRUN_PHASE_EXECUTE, 0, 0, 1, 1, PHPTRUN_PERSISTENT_SKIP);
  phptrun_log_record(PHPTRUN_EVENT_BEGIN, PHPTRUN_PHASE_RSHUTDOWN, 0, 0, 1, 1,
                     PHPTRUN_PERSISTENT_REUSE);
  size_t count = 0;
  const phptrun_event* e = phptrun_log_events(&count);
  REQUIRE(count == 5);
  CHECK(e[0].persistent > 0);  // nothing to reuse: sampled
  CHECK(e[1].persistent > 0);
  CHECK(e[2].persistent == e[1].persistent);  // reused
  CHECK(e[3].persistent == -1);
  CHECK(e[4].persistent > 0);  // the previous had none: sampled
}

TEST_CASE("event log: clear keeps the names kept, drops the rest") {
  FreshLog fresh;
  uint32_t kept = phptrun_log_name("standard", 8);
  phptrun_log_keep_names();
  uint32_t dropped = phptrun_log_name("/tmp/t.php", 10);
  phptrun_log_record(PHPTRUN_EVENT_MARK, PHPTRUN_MARK_INI, 0, 0, -1, -1, 0);
  phptrun_log_clear();
  size_t count = 1;
  phptrun_log_events(&count);
  CHECK(count == 0);
  EventLog log = EventLog::Capture();
  CHECK(log.Name(kept) == "standard");
  CHECK(log.Name(dropped).empty());
  // The next name reuses the dropped one's place.
  CHECK(phptrun_log_name("/tmp/u.php", 10) == dropped);
}

TEST_CASE("event log: a full log counts what it drops") {
  FreshLog fresh;
  for (int i = 0; i < 40000; ++i) {
    phptrun_log_record(PHPTRUN_EVENT_MARK, PHPTRUN_MARK_INI, 0, 0, -1, -1, 0);
  }
  size_t count = 0;
  phptrun_log_events(&count);
  CHECK(count == 32768);
  CHECK(phptrun_log_dropped() == 40000 - 32768);
  CHECK(EventLog::Capture().dropped == 40000 - 32768);
  phptrun_log_clear();
  CHECK(phptrun_log_dropped() == 0);
}

TEST_CASE("event log: encodes and decodes exactly") {
  FreshLog fresh;
  uint32_t name = phptrun_log_name("compile me", 10);
  phptrun_log_record(PHPTRUN_EVENT_BEGIN, PHPTRUN_HOOK_COMPILE, 0, name, 1, 2, 1);
  phptrun_log_record(PHPTRUN_EVENT_END, PHPTRUN_HOOK_COMPILE, 0, name, 3, 4, 1);
  EventLog original = EventLog::Capture();
  std::string bytes = EventLog::EncodeCurrent();
  CHECK(bytes == original.Encode());
  EventLog decoded;
  REQUIRE(EventLog::Decode(bytes, &decoded));
  REQUIRE(decoded.events.size() == original.events.size());
  CHECK(std::memcmp(decoded.events.data(), original.events.data(),
                    original.events.size() * sizeof(phptrun_event)) == 0);
  CHECK(decoded.names == original.names);
  CHECK(decoded.Name(name) == "compile me");

  SECTION("every truncation fails") {
    for (size_t len = 0; len < bytes.size(); ++len) {
      INFO("length " << len);
      EventLog out;
      CHECK_FALSE(EventLog::Decode(std::string_view(bytes).substr(0, len), &out));
    }
  }
  SECTION("trailing bytes and a wrong magic fail") {
    EventLog out;
    CHECK_FALSE(EventLog::Decode(bytes + "x", &out));
    std::string wrong = bytes;
    wrong[0] = 'X';
    CHECK_FALSE(EventLog::Decode(wrong, &out));
  }
}

TEST_CASE("event log: the enabled switch") {
  int was = phptrun_log_enabled();
  phptrun_log_set_enabled(1);
  CHECK(phptrun_log_enabled());
  phptrun_log_set_enabled(0);
  CHECK_FALSE(phptrun_log_enabled());
  phptrun_log_set_enabled(was);
}

}  // namespace
}  // namespace phptrun
