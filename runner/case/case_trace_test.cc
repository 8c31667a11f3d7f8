#include "runner/case/case_trace.h"

#include <catch2/catch.hpp>

#include "tracer/event_log.h"

namespace phptrun {
namespace {

// Turns the tracer on for one test, and back off.
struct TracerOn {
  TracerOn() { phptrun_log_set_enabled(1); }
  ~TracerOn() { phptrun_log_set_enabled(0); }
};

phptrun_event Ev(uint8_t type, uint8_t what, int64_t us, int64_t heap, int64_t persistent,
                 uint32_t name = 0) {
  phptrun_event e{};
  e.type = type;
  e.what = what;
  e.name = name;
  e.time_ns = (1000000 + us) * 1000;  // the run began at 1000 ms
  e.heap = heap;
  e.heap_peak = heap + 1;
  e.persistent = persistent;
  return e;
}

// What a case process would send for a request that started 1 ms into the
// run: RINIT, a compile, execute, RSHUTDOWN.
RequestOutcome Outcome() {
  EventLog log;
  log.names = std::string("/t/a.php") + '\0';
  log.events = {
      Ev(PHPTRUN_EVENT_BEGIN, PHPTRUN_PHASE_RINIT, 1100, 16, 1000),
      Ev(PHPTRUN_EVENT_END, PHPTRUN_PHASE_RINIT, 1200, 300, 1000),
      Ev(PHPTRUN_EVENT_BEGIN, PHPTRUN_PHASE_EXECUTE, 1200, 300, 1000),
      Ev(PHPTRUN_EVENT_BEGIN, PHPTRUN_HOOK_COMPILE, 1250, 300, 1000, 1),
      Ev(PHPTRUN_EVENT_END, PHPTRUN_HOOK_COMPILE, 1300, 400, 1500, 1),
      Ev(PHPTRUN_EVENT_END, PHPTRUN_PHASE_EXECUTE, 1500, 350, 1600),
      Ev(PHPTRUN_EVENT_BEGIN, PHPTRUN_PHASE_RSHUTDOWN, 1500, 350, 1600),
      Ev(PHPTRUN_EVENT_END, PHPTRUN_PHASE_RSHUTDOWN, 1600, 0, 1700),
  };
  RequestOutcome out;
  out.start_ms = 1001;  // the run began at 1000 ms
  out.wall_ms = 0.9;
  out.lifecycle_log = log.Encode();
  out.completed = true;
  return out;
}

std::vector<Phase> FilePhases() {
  return {{"RINIT", 0.1}, {"compile", 0.05}, {"execute", 0.25}, {"RSHUTDOWN", 0.1}};
}

TEST_CASE("case trace: a request's spans go under a request span") {
  TracerOn on;
  CaseResult result;
  result.phases = FilePhases();
  AddRequestTrace(Outcome(), "FILE", 1000, true, &result);
  REQUIRE(result.spans.size() == 11);
  const Span& request = result.spans[0];
  CHECK(request.name == "FILE");
  CHECK(request.kind == SpanKind::kRequest);
  CHECK(request.parent == -1);
  CHECK(request.start_us == Approx(1000));
  CHECK(request.dur_us == Approx(900));
  CHECK(request.heap_before == 16);
  CHECK(request.heap_after == 0);
  CHECK(request.persistent_before == 1000);
  CHECK(request.persistent_after == 1700);
  std::vector<std::string> names;
  for (const Span& s : result.spans) {
    names.push_back(s.name);
    if (&s != &request) CHECK(s.parent >= 0);
  }
  CHECK(names == std::vector<std::string>{"FILE", "RINIT", "sapi_activate", "compile",
                                          "script_setup", "compile /t/a.php", "execute",
                                          "RSHUTDOWN", "shutdown_functions", "destructors",
                                          "output_flush"});
  // Phases hang off the request; times are from the run's start.
  CHECK(result.spans[1].name == "RINIT");
  CHECK(result.spans[1].parent == 0);
  CHECK(result.spans[1].start_us == Approx(1100));
  // The JSON phases got the persistent figures.
  CHECK(result.phases[0].persistent_before == 1000);
  CHECK(result.phases[1].persistent_after == 1500);  // compile ends with the first compile
  CHECK(result.phases[2].persistent_before == 1500);
  CHECK(result.phases[3].persistent_after == 1700);
}

TEST_CASE("case trace: without a trace or profile, phases only and no spans kept") {
  TracerOn on;
  CaseResult result;
  result.phases = FilePhases();
  AddRequestTrace(Outcome(), "FILE", 1000, false, &result);
  CHECK(result.spans.empty());
  CHECK(result.phases[0].persistent_before == 1000);
  CHECK(result.phases[3].persistent_after == 1700);
}

TEST_CASE("case trace: a whole-request phase gets the request's memory") {
  TracerOn on;
  CaseResult result;
  result.phases = {{"SKIPIF", 0.9}};
  AddRequestTrace(Outcome(), "SKIPIF", 1000, true, &result);
  CHECK(result.phases[0].heap_before == 16);
  CHECK(result.phases[0].heap_after == 0);
  CHECK(result.phases[0].heap_peak == 401);
  CHECK(result.phases[0].persistent_before == 1000);
  CHECK(result.phases[0].persistent_after == 1700);
  CHECK(result.spans[0].name == "SKIPIF");
}

TEST_CASE("case trace: a crashed request keeps its request span only") {
  TracerOn on;
  RequestOutcome out = Outcome();
  out.lifecycle_log.clear();
  CaseResult result;
  AddRequestTrace(out, "FILE", 1000, true, &result);
  REQUIRE(result.spans.size() == 1);
  CHECK(result.spans[0].heap_before == -1);
  // A log that does not decode is ignored the same way.
  out.lifecycle_log = "garbage";
  AddRequestTrace(out, "CLEAN", 1000, true, &result);
  CHECK(result.spans.size() == 2);
}

TEST_CASE("case trace: nothing at all while the tracer is off") {
  CaseResult result;
  result.phases = FilePhases();
  AddRequestTrace(Outcome(), "FILE", 1000, true, &result);
  CHECK(result.spans.empty());
  CHECK(result.phases[0].persistent_before == -1);
  CHECK(TakeEngineSpans(0).empty());
}

TEST_CASE("case trace: the runner phase makes the phases add up to time_ms") {
  CaseResult result;
  result.time_ms = 10;
  result.phases = FilePhases();
  AddRunnerPhase(&result);
  REQUIRE(result.phases.back().name == "runner");
  double sum = 0;
  for (const Phase& p : result.phases) sum += p.ms;
  CHECK(sum == Approx(10));
  // Never negative, even when the phases exceed the case's time.
  CaseResult tiny;
  tiny.time_ms = 0.1;
  tiny.phases = FilePhases();
  AddRunnerPhase(&tiny);
  CHECK(tiny.phases.back().ms == 0);
}

}  // namespace
}  // namespace phptrun
