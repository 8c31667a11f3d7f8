#include "tracer/span_builder.h"

#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

namespace phptrun {
namespace {

// Writes synthetic event logs: one event per call, 1 µs apart unless told.
class LogWriter {
 public:
  LogWriter& Begin(uint8_t what, const char* name = nullptr) {
    return Add(PHPTRUN_EVENT_BEGIN, what, name);
  }
  LogWriter& End(uint8_t what, const char* name = nullptr, uint16_t flags = 0) {
    return Add(PHPTRUN_EVENT_END, what, name, flags);
  }
  LogWriter& Mark(uint8_t what) { return Add(PHPTRUN_EVENT_MARK, what, nullptr); }
  LogWriter& Wait(int64_t us) {
    now_ns_ += us * 1000;
    return *this;
  }
  LogWriter& Heap(int64_t bytes) {
    heap_ = bytes;
    return *this;
  }
  // A module hook, `us` long.
  LogWriter& Hook(uint8_t what, const char* name, int64_t us = 1) {
    Begin(what, name);
    Wait(us);
    return End(what, name);
  }
  const EventLog& log() const { return log_; }

 private:
  LogWriter& Add(uint8_t type, uint8_t what, const char* name, uint16_t flags = 0) {
    phptrun_event e{};
    e.type = type;
    e.what = what;
    e.flags = flags;
    e.name = name ? Intern(name) : 0;
    e.time_ns = now_ns_;
    e.heap = heap_;
    e.heap_peak = heap_ + 100;
    e.persistent = 5000;
    log_.events.push_back(e);
    now_ns_ += 1000;
    return *this;
  }
  uint32_t Intern(const std::string& name) {
    auto it = ids_.find(name);
    if (it != ids_.end()) return it->second;
    uint32_t id = static_cast<uint32_t>(log_.names.size()) + 1;
    log_.names += name;
    log_.names += '\0';
    ids_[name] = id;
    return id;
  }

  EventLog log_;
  std::map<std::string, uint32_t> ids_;
  int64_t now_ns_ = 1'000'000;  // 1 ms after the origin
  int64_t heap_ = 1000;
};

// Every span lies within its parent, parents come first.
void CheckTree(const std::vector<Span>& spans) {
  for (size_t i = 0; i < spans.size(); ++i) {
    const Span& s = spans[i];
    INFO("span " << i << " " << s.name);
    CHECK(s.dur_us >= 0);
    if (s.parent < 0) continue;
    REQUIRE(s.parent < static_cast<int32_t>(i));
    const Span& p = spans[s.parent];
    INFO("parent " << p.name);
    CHECK(s.start_us >= p.start_us);
    CHECK(s.end_us() <= p.end_us() + 1e-9);
  }
}

const Span* Find(const std::vector<Span>& spans, const std::string& name) {
  for (const Span& s : spans) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

int IndexOf(const std::vector<Span>& spans, const std::string& name) {
  for (size_t i = 0; i < spans.size(); ++i) {
    if (spans[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

// Names of the children of `parent` (-1: top level), in order.
std::vector<std::string> Children(const std::vector<Span>& spans, int parent) {
  std::vector<std::string> names;
  for (const Span& s : spans) {
    if (s.parent == parent) names.push_back(s.name);
  }
  return names;
}

LogWriter& StandardRequest(LogWriter& w) {
  w.Begin(PHPTRUN_PHASE_RINIT)
      .Hook(PHPTRUN_HOOK_ZEXT_ACTIVATE, "Zend OPcache")
      .Mark(PHPTRUN_MARK_SAPI_ACTIVATED)
      .Wait(5)
      .Hook(PHPTRUN_HOOK_RINIT, "date")
      .Hook(PHPTRUN_HOOK_RINIT, "standard", 3)
      .End(PHPTRUN_PHASE_RINIT);
  w.Begin(PHPTRUN_PHASE_EXECUTE)
      .Wait(10)
      .Hook(PHPTRUN_HOOK_COMPILE, "/t/test.php", 50)
      .Wait(20)
      .Hook(PHPTRUN_HOOK_COMPILE, "/t/inc.php", 7)
      .Wait(20)
      .End(PHPTRUN_PHASE_EXECUTE);
  return w;
}

TEST_CASE("span builder: module startup steps and extensions") {
  LogWriter w;
  w.Begin(PHPTRUN_PHASE_SINIT).End(PHPTRUN_PHASE_SINIT);
  w.Begin(PHPTRUN_PHASE_MINIT)
      .Wait(100)
      .Mark(PHPTRUN_MARK_INI)
      .Wait(200)
      .Mark(PHPTRUN_MARK_REGISTER_BEGIN)
      .Mark(PHPTRUN_MARK_REGISTER_END)
      .Wait(300)
      .Hook(PHPTRUN_HOOK_MINIT, "Core", 10)
      .Hook(PHPTRUN_HOOK_MINIT, "date", 1000)
      .Hook(PHPTRUN_HOOK_ZEXT_STARTUP, "Zend OPcache", 40)
      .Wait(7)
      .End(PHPTRUN_PHASE_MINIT);
  std::vector<Span> spans = BuildSpans(w.log(), 0);
  CheckTree(spans);
  CHECK(Children(spans, -1) == std::vector<std::string>{"SINIT", "MINIT"});
  int minit = IndexOf(spans, "MINIT");
  CHECK(Children(spans, minit) == std::vector<std::string>{"zend_startup", "INI",
                                                           "register_modules", "load_extensions",
                                                           "MINIT Core", "MINIT date",
                                                           "startup Zend OPcache", "post_startup"});
  CHECK(Find(spans, "MINIT date")->kind == SpanKind::kExtension);
  CHECK(Find(spans, "MINIT date")->dur_us == Approx(1001));  // a hook event is 1 µs long here
  CHECK(Find(spans, "INI")->kind == SpanKind::kStep);
  CHECK(Find(spans, "INI")->dur_us == Approx(201));
  CHECK(Find(spans, "post_startup")->dur_us == Approx(8));
  CHECK(Find(spans, "SINIT")->start_us == Approx(1000));  // µs from the origin
  CHECK(Find(spans, "MINIT")->persistent_before == 5000);
}

TEST_CASE("span builder: a request's phases, steps, extensions and compiles") {
  LogWriter w;
  StandardRequest(w);
  w.Begin(PHPTRUN_PHASE_RSHUTDOWN)
      .Wait(30)
      .Mark(PHPTRUN_MARK_SHUTDOWN_FUNCTIONS_DONE)
      .Mark(PHPTRUN_MARK_OUTPUT_ARMED)
      .Wait(40)
      .Mark(PHPTRUN_MARK_OUTPUT_FLUSH_BEGIN)
      .Wait(4)
      .Hook(PHPTRUN_HOOK_RSHUTDOWN, "standard", 2)
      .Hook(PHPTRUN_HOOK_RSHUTDOWN, "date")
      .Wait(6)
      .Hook(PHPTRUN_HOOK_ZEXT_DEACTIVATE, "Zend OPcache")
      .Wait(6)
      .Hook(PHPTRUN_HOOK_POST_DEACTIVATE, "Zend OPcache")
      .Hook(PHPTRUN_HOOK_POST_DEACTIVATE, "date")
      .Mark(PHPTRUN_MARK_SAPI_DEACTIVATE_BEGIN)
      .Mark(PHPTRUN_MARK_SAPI_DEACTIVATE_END)
      .Heap(0)
      .Wait(9)
      .End(PHPTRUN_PHASE_RSHUTDOWN);
  std::vector<Span> spans = BuildSpans(w.log(), 0);
  CheckTree(spans);
  CHECK(Children(spans, -1) ==
        std::vector<std::string>{"RINIT", "compile", "execute", "RSHUTDOWN"});

  int rinit = IndexOf(spans, "RINIT");
  CHECK(Children(spans, rinit) ==
        std::vector<std::string>{"sapi_activate", "superglobals", "RINIT date", "RINIT standard"});
  CHECK(Children(spans, IndexOf(spans, "sapi_activate")) ==
        std::vector<std::string>{"activate Zend OPcache"});

  int compile = IndexOf(spans, "compile");
  CHECK(Children(spans, compile) ==
        std::vector<std::string>{"script_setup", "compile /t/test.php"});
  CHECK(Find(spans, "compile /t/test.php")->kind == SpanKind::kCompile);
  CHECK(Find(spans, "script_setup")->dur_us == Approx(11));
  CHECK(Children(spans, IndexOf(spans, "execute")) ==
        std::vector<std::string>{"compile /t/inc.php"});
  // compile ends where the first file is compiled, execute begins there.
  CHECK(spans[compile].end_us() == Approx(Find(spans, "execute")->start_us));
  CHECK(spans[compile].end_us() == Approx(Find(spans, "compile /t/test.php")->end_us()));

  int rshutdown = IndexOf(spans, "RSHUTDOWN");
  CHECK(Children(spans, rshutdown) ==
        std::vector<std::string>{"shutdown_functions", "destructors", "output_flush",
                                 "RSHUTDOWN standard", "RSHUTDOWN date", "zend_deactivate",
                                 "post_deactivate", "sapi_deactivate", "memory_shutdown"});
  CHECK(Children(spans, IndexOf(spans, "zend_deactivate")) ==
        std::vector<std::string>{"deactivate Zend OPcache"});
  CHECK(Children(spans, IndexOf(spans, "post_deactivate")) ==
        std::vector<std::string>{"post_deactivate Zend OPcache", "post_deactivate date"});
  CHECK(Find(spans, "shutdown_functions")->dur_us == Approx(31));
  CHECK(Find(spans, "destructors")->dur_us == Approx(42));
  CHECK(Find(spans, "output_flush")->dur_us == Approx(5));
  for (const Span& s : spans) {
    INFO(s.name);
    CHECK((s.flags & kSpanInferred) == 0);
  }
  // Steps are contiguous: each begins where the one before ended.
  const char* order[] = {"shutdown_functions", "destructors", "output_flush"};
  for (int i = 1; i < 3; ++i) {
    CHECK(Find(spans, order[i])->start_us == Approx(Find(spans, order[i - 1])->end_us()));
  }
  CHECK(Find(spans, "zend_deactivate")->start_us ==
        Approx(Find(spans, "RSHUTDOWN date")->end_us()));
  CHECK(Find(spans, "sapi_deactivate")->start_us ==
        Approx(Find(spans, "post_deactivate date")->end_us()));
  CHECK(Find(spans, "memory_shutdown")->end_us() == Approx(spans[rshutdown].end_us()));
  // Memory: heap figures from the edges, the peak from the phase's end.
  CHECK(Find(spans, "memory_shutdown")->heap_after == 0);
  CHECK(spans[rshutdown].heap_peak == 100);
  CHECK(spans[rinit].heap_peak == 1100);
}

TEST_CASE("span builder: exit() in a shutdown function leaves the edges inferred") {
  LogWriter w;
  StandardRequest(w);
  // The marker never ran: no SHUTDOWN_FUNCTIONS_DONE.
  w.Begin(PHPTRUN_PHASE_RSHUTDOWN)
      .Wait(50)
      .Hook(PHPTRUN_HOOK_RSHUTDOWN, "standard")
      .Mark(PHPTRUN_MARK_SAPI_DEACTIVATE_BEGIN)
      .Mark(PHPTRUN_MARK_SAPI_DEACTIVATE_END)
      .End(PHPTRUN_PHASE_RSHUTDOWN);
  std::vector<Span> spans = BuildSpans(w.log(), 0);
  CheckTree(spans);
  CHECK(Children(spans, IndexOf(spans, "RSHUTDOWN")) ==
        std::vector<std::string>{"shutdown_functions", "destructors", "output_flush",
                                 "RSHUTDOWN standard", "zend_deactivate", "sapi_deactivate",
                                 "memory_shutdown"});
  CHECK(Find(spans, "shutdown_functions")->flags & kSpanInferred);
  CHECK(Find(spans, "shutdown_functions")->dur_us == Approx(51));
  CHECK(Find(spans, "destructors")->flags & kSpanInferred);
  CHECK(Find(spans, "destructors")->dur_us == 0);
  CHECK(Find(spans, "output_flush")->flags & kSpanInferred);
}

TEST_CASE("span builder: output flush edges") {
  auto build = [](uint8_t output_mark) {
    LogWriter w;
    w.Begin(PHPTRUN_PHASE_RSHUTDOWN)
        .Mark(PHPTRUN_MARK_SHUTDOWN_FUNCTIONS_DONE)
        .Mark(output_mark)
        .Wait(20)
        .Hook(PHPTRUN_HOOK_RSHUTDOWN, "standard")
        .End(PHPTRUN_PHASE_RSHUTDOWN);
    return BuildSpans(w.log(), 0);
  };
  SECTION("no buffer was active: an empty flush, measured") {
    std::vector<Span> spans = build(PHPTRUN_MARK_OUTPUT_NONE);
    CHECK(Find(spans, "output_flush")->dur_us == 0);
    CHECK((Find(spans, "output_flush")->flags & kSpanInferred) == 0);
    CHECK((Find(spans, "destructors")->flags & kSpanInferred) == 0);
  }
  SECTION("a user handler hid the flush: both edges inferred") {
    std::vector<Span> spans = build(PHPTRUN_MARK_OUTPUT_UNOBSERVABLE);
    CHECK(Find(spans, "output_flush")->flags & kSpanInferred);
    CHECK(Find(spans, "destructors")->flags & kSpanInferred);
    CHECK(Find(spans, "destructors")->dur_us == Approx(22));
  }
  SECTION("the watched handler never flushed") {
    std::vector<Span> spans = build(PHPTRUN_MARK_OUTPUT_ARMED);
    CHECK(Find(spans, "output_flush")->flags & kSpanInferred);
    CHECK((Find(spans, "destructors")->flags & kSpanInferred) == 0);
  }
}

TEST_CASE("span builder: a script that could not be opened compiles nothing") {
  LogWriter w;
  w.Begin(PHPTRUN_PHASE_EXECUTE).Wait(40).End(PHPTRUN_PHASE_EXECUTE);
  std::vector<Span> spans = BuildSpans(w.log(), 0);
  CheckTree(spans);
  CHECK(Children(spans, -1) == std::vector<std::string>{"compile", "execute"});
  CHECK(Find(spans, "execute")->dur_us == 0);
  CHECK(Find(spans, "script_setup")->dur_us == Approx(41));
}

TEST_CASE("span builder: bailouts and logs cut short") {
  LogWriter w;
  w.Begin(PHPTRUN_PHASE_EXECUTE)
      .Begin(PHPTRUN_HOOK_COMPILE, "/t/fatal.php")
      .Wait(5)
      .End(PHPTRUN_HOOK_COMPILE, "/t/fatal.php", PHPTRUN_EVENT_BAILOUT)
      .End(PHPTRUN_PHASE_EXECUTE)
      .Begin(PHPTRUN_PHASE_RSHUTDOWN)
      .Begin(PHPTRUN_HOOK_RSHUTDOWN, "standard")
      .Wait(3);  // the process died here
  std::vector<Span> spans = BuildSpans(w.log(), 0);
  CheckTree(spans);
  CHECK(Find(spans, "compile /t/fatal.php")->flags & kSpanBailout);
  CHECK(Find(spans, "RSHUTDOWN")->flags & kSpanInferred);
  CHECK(Find(spans, "RSHUTDOWN standard")->flags & kSpanInferred);
}

TEST_CASE("span builder: nested hooks stay nested, unmatched ends are ignored") {
  LogWriter w;
  w.Begin(PHPTRUN_PHASE_MINIT)
      .Begin(PHPTRUN_HOOK_MINIT, "outer")
      .Hook(PHPTRUN_HOOK_MINIT, "inner")
      .End(PHPTRUN_HOOK_MINIT, "outer")
      .End(PHPTRUN_HOOK_RINIT, "never began")
      .End(PHPTRUN_PHASE_MINIT);
  std::vector<Span> spans = BuildSpans(w.log(), 0);
  CheckTree(spans);
  CHECK(spans[IndexOf(spans, "MINIT inner")].parent == IndexOf(spans, "MINIT outer"));
  CHECK(Find(spans, "RINIT never began") == nullptr);
}

TEST_CASE("span builder: a compile is named by the path it resolved to") {
  LogWriter w;
  w.Begin(PHPTRUN_PHASE_EXECUTE)
      .Hook(PHPTRUN_HOOK_COMPILE, "/t/test.php")
      .Begin(PHPTRUN_HOOK_COMPILE, "inc.php")
      .End(PHPTRUN_HOOK_COMPILE, "/t/lib/inc.php")
      .End(PHPTRUN_PHASE_EXECUTE);
  std::vector<Span> spans = BuildSpans(w.log(), 0);
  CHECK(Children(spans, IndexOf(spans, "execute")) ==
        std::vector<std::string>{"compile /t/lib/inc.php"});
}

TEST_CASE("span builder: phases-only detail keeps phases and compiles") {
  LogWriter w;
  StandardRequest(w);
  w.Begin(PHPTRUN_PHASE_RSHUTDOWN)
      .Mark(PHPTRUN_MARK_SHUTDOWN_FUNCTIONS_DONE)
      .Hook(PHPTRUN_HOOK_RSHUTDOWN, "standard")
      .Hook(PHPTRUN_HOOK_POST_DEACTIVATE, "date")
      .Mark(PHPTRUN_MARK_SAPI_DEACTIVATE_BEGIN)
      .End(PHPTRUN_PHASE_RSHUTDOWN);
  std::vector<Span> full = BuildSpans(w.log(), 0);
  std::vector<Span> phases = BuildSpans(w.log(), 0, SpanDetail::kPhases);
  CheckTree(phases);
  for (const Span& s : phases) {
    INFO(s.name);
    CHECK((s.kind == SpanKind::kPhase || s.kind == SpanKind::kCompile));
  }
  CHECK(Children(phases, -1) == Children(full, -1));
  for (const char* name : {"RINIT", "compile", "execute", "RSHUTDOWN"}) {
    INFO(name);
    CHECK(Find(phases, name)->start_us == Find(full, name)->start_us);
    CHECK(Find(phases, name)->dur_us == Find(full, name)->dur_us);
    CHECK(Find(phases, name)->persistent_after == Find(full, name)->persistent_after);
  }
}

TEST_CASE("span builder: times are microseconds from the origin") {
  LogWriter w;
  w.Begin(PHPTRUN_PHASE_SINIT).Wait(2).End(PHPTRUN_PHASE_SINIT);
  std::vector<Span> spans = BuildSpans(w.log(), 0.5);  // the run began 0.5 ms in
  REQUIRE(spans.size() == 1);
  CHECK(spans[0].start_us == Approx(500));
  CHECK(spans[0].dur_us == Approx(3));
}

}  // namespace
}  // namespace phptrun
