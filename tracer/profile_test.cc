#include "tracer/profile.h"

#include <catch2/catch.hpp>

namespace phptrun {
namespace {

Span S(std::string name, SpanKind kind, int32_t parent, double start, double dur) {
  Span s;
  s.name = std::move(name);
  s.kind = kind;
  s.parent = parent;
  s.start_us = start;
  s.dur_us = dur;
  return s;
}

// One case: a SKIPIF request and a FILE request.
std::vector<Span> CaseSpans(double rinit_standard_us, double compile_us) {
  return {
      S("SKIPIF", SpanKind::kRequest, -1, 0, 1000),  // 0
      S("RINIT", SpanKind::kPhase, 0, 100, 200),     // 1
      S("RINIT standard", SpanKind::kExtension, 1, 150, rinit_standard_us),
      S("RSHUTDOWN", SpanKind::kPhase, 0, 400, 100),  // 3
      S("destructors", SpanKind::kStep, 3, 400, 40),
      S("FILE", SpanKind::kRequest, -1, 1500, 3000),  // 5
      S("RINIT", SpanKind::kPhase, 5, 1600, 300),     // 6
      S("RINIT standard", SpanKind::kExtension, 6, 1650, rinit_standard_us),
      S("RINIT date", SpanKind::kExtension, 6, 1700, 5),
      S("compile", SpanKind::kPhase, 5, 1900, compile_us),  // 9
      S("compile /t/x.php", SpanKind::kCompile, 9, 1950, compile_us - 50),
      S("execute", SpanKind::kPhase, 5, 1900 + compile_us, 500),  // 11
      S("RSHUTDOWN", SpanKind::kPhase, 5, 3000, 200),             // 12
      S("shutdown_functions", SpanKind::kStep, 12, 3000, 10),
      S("destructors", SpanKind::kStep, 12, 3010, 60),
  };
}

TEST_CASE("profile: phases, remainders and requests") {
  Profile p;
  p.AddCase("a.phpt", 5.0, CaseSpans(10, 400));
  p.AddCase("b.phpt", 2.0, {});  // no spans: counted, not traced
  CHECK(p.cases() == 2);
  CHECK(p.traced_cases() == 1);
  CHECK(p.requests() == 2);
  CHECK(p.case_time_us() == Approx(7000));

  std::vector<Profile::Stat> phases = p.RequestPhases();
  std::vector<std::string> names;
  for (const auto& s : phases) names.push_back(s.name);
  CHECK(names == std::vector<std::string>{"RINIT", "compile", "execute", "RSHUTDOWN", "fork + exit",
                                          "runner"});
  CHECK(phases[0].count == 2);
  CHECK(phases[0].total_us == Approx(500));
  CHECK(phases[0].max_us == Approx(300));
  // fork + exit: each request's time outside its phases.
  CHECK(phases[4].total_us == Approx((1000 - 300) + (3000 - 1400)));
  // runner: the case's time outside its requests.
  CHECK(phases[5].total_us == Approx(5000 - 4000));

  std::vector<Profile::Stat> requests = p.Requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].name == "SKIPIF");
  CHECK(requests[1].name == "FILE");
}

TEST_CASE("profile: hooks costliest first, steps in the order they run") {
  Profile p;
  p.AddCase("a.phpt", 5.0, CaseSpans(10, 400));
  p.AddCase("b.phpt", 5.0, CaseSpans(30, 400));
  std::vector<Profile::Stat> rinit = p.Hooks("RINIT ");
  REQUIRE(rinit.size() == 2);
  CHECK(rinit[0].name == "RINIT standard");
  CHECK(rinit[0].count == 4);
  CHECK(rinit[0].mean_us() == Approx(20));
  CHECK(rinit[0].max_us == Approx(30));
  CHECK(rinit[1].name == "RINIT date");
  CHECK(p.Hooks("RSHUTDOWN ").empty());

  std::vector<Profile::Stat> steps = p.Steps("RSHUTDOWN");
  REQUIRE(steps.size() == 2);
  CHECK(steps[0].name == "destructors");  // seen first (in SKIPIF)
  CHECK(steps[0].count == 4);
  CHECK(steps[1].name == "shutdown_functions");
  CHECK(p.Steps("RINIT").empty());
}

TEST_CASE("profile: the slowest cases and compiles, at most N") {
  Profile p(2);
  p.AddCase("fast.phpt", 1.0, CaseSpans(1, 100));
  p.AddCase("slow.phpt", 9.0, CaseSpans(1, 900));
  p.AddCase("middle.phpt", 5.0, CaseSpans(1, 500));
  std::vector<Profile::Slow> cases = p.SlowestCases();
  REQUIRE(cases.size() == 2);
  CHECK(cases[0].what == "slow.phpt");
  CHECK(cases[0].us == Approx(9000));
  CHECK(cases[1].what == "middle.phpt");
  std::vector<Profile::Slow> compiles = p.SlowestCompiles();
  REQUIRE(compiles.size() == 2);
  CHECK(compiles[0].what == "/t/x.php");
  CHECK(compiles[0].where == "slow.phpt");
  CHECK(compiles[0].us == Approx(850));
  CHECK(compiles[1].where == "middle.phpt");
}

TEST_CASE("profile: worker phases, steps and hooks") {
  Profile p;
  std::vector<Span> worker = {
      S("SINIT", SpanKind::kPhase, -1, 0, 20),
      S("MINIT", SpanKind::kPhase, -1, 20, 9000),
      S("INI", SpanKind::kStep, 1, 20, 400),
      S("MINIT date", SpanKind::kExtension, 1, 500, 1800),
      S("MINIT Core", SpanKind::kExtension, 1, 2300, 90),
  };
  p.AddWorker(worker);
  p.AddWorker(worker);
  REQUIRE(p.WorkerPhases().size() == 2);
  CHECK(p.WorkerPhases()[1].name == "MINIT");
  CHECK(p.WorkerPhases()[1].count == 2);
  CHECK(p.WorkerSteps("MINIT").size() == 1);
  std::vector<Profile::Stat> hooks = p.WorkerHooks("MINIT ");
  REQUIRE(hooks.size() == 2);
  CHECK(hooks[0].name == "MINIT date");
  CHECK(p.Hooks("MINIT ").empty());  // worker hooks are not request hooks
}

}  // namespace
}  // namespace phptrun
