// Shared by the reporters' tests: a fixed run covering every verdict, the one
// normalisation of volatile fields, and approved-baseline checks.
//
// Baselines live in fixtures/reports/approved.*. When a report format changes
// on purpose, re-approve and review the diff before committing:
//
//   PHPTRUN_APPROVE=1 build/tests/unit_tests "[approved]"
//   git diff fixtures/reports
//
// Test-only header: it includes Catch2 and is not part of phptrun_reports.
#pragma once

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "reports/reporter.h"
#include "runner/result/result.h"

namespace phptrun {
namespace testing {

inline CaseResult MakeCase(std::string file, std::string name, Verdict verdict, std::string reason,
                           double time_ms, std::string diff = "") {
  CaseResult r;
  r.file = std::move(file);
  r.name = std::move(name);
  r.verdict = verdict;
  r.reason = std::move(reason);
  r.time_ms = time_ms;
  r.diff = std::move(diff);
  return r;
}

inline std::vector<Phase> SamplePhases() {
  return {{"RINIT", 0.0421, 393216, 401408, 401408, 2801664, 2801664},
          {"compile", 0.3187, 401408, 417792, 425984},
          {"execute", 1.25, 417792, 430080, 462848},
          {"RSHUTDOWN", 0.0917, 430080, 393216, 430080, 2801664, 2803712}};
}

inline Span MakeSpan(std::string name, SpanKind kind, int32_t parent, double start_us,
                     double dur_us, int64_t heap_before = -1, int64_t heap_after = -1) {
  Span s;
  s.name = std::move(name);
  s.kind = kind;
  s.parent = parent;
  s.start_us = start_us;
  s.dur_us = dur_us;
  s.heap_before = heap_before;
  s.heap_after = heap_after;
  return s;
}

// One FILE request of a case that started at `start_us`, as the worker
// builds it: phases, steps, extensions' hooks and compiles.
inline std::vector<Span> SampleSpans(double start_us, const std::string& script) {
  std::vector<Span> spans;
  auto add = [&](std::string name, SpanKind kind, int32_t parent, double at, double dur,
                 int64_t hb = -1, int64_t ha = -1) {
    spans.push_back(MakeSpan(std::move(name), kind, parent, start_us + at, dur, hb, ha));
    return static_cast<int32_t>(spans.size() - 1);
  };
  int32_t request = add("FILE", SpanKind::kRequest, -1, 100, 1900, 16, 0);
  spans[request].heap_peak = 462848;
  spans[request].persistent_before = 2801664;
  spans[request].persistent_after = 2803712;
  int32_t rinit = add("RINIT", SpanKind::kPhase, request, 700, 42.1, 16, 401408);
  spans[rinit].heap_peak = 401408;
  spans[rinit].persistent_before = spans[rinit].persistent_after = 2801664;
  add("sapi_activate", SpanKind::kStep, rinit, 700, 20, 16, 398000);
  add("superglobals", SpanKind::kStep, rinit, 720, 10, 398000, 401384);
  add("RINIT date", SpanKind::kExtension, rinit, 730, 4);
  add("RINIT standard", SpanKind::kExtension, rinit, 734.5, 7.5, 401384, 401408);
  int32_t compile = add("compile", SpanKind::kPhase, request, 742.1, 318.7, 401408, 417792);
  spans[compile].heap_peak = 425984;
  add("script_setup", SpanKind::kStep, compile, 742.1, 150);
  int32_t main_compile = add("compile " + script, SpanKind::kCompile, compile, 892.1, 168.7, 401408, 417792);
  spans[main_compile].persistent_before = 2801664;
  spans[main_compile].persistent_after = 2805760;
  int32_t execute = add("execute", SpanKind::kPhase, request, 1060.8, 1250, 417792, 430080);
  spans[execute].heap_peak = 462848;
  add("compile /src/lib/helper.inc", SpanKind::kCompile, execute, 1100, 90.25);
  int32_t rshutdown = add("RSHUTDOWN", SpanKind::kPhase, request, 2310.8, 91.7, 430080, 393216);
  spans[rshutdown].heap_peak = 430080;
  add("shutdown_functions", SpanKind::kStep, rshutdown, 2310.8, 0.5);
  int32_t destructors = add("destructors", SpanKind::kStep, rshutdown, 2311.3, 30, 430080, 420000);
  spans[destructors].flags = kSpanInferred;
  int32_t flush = add("output_flush", SpanKind::kStep, rshutdown, 2341.3, 0);
  spans[flush].flags = kSpanInferred;
  add("RSHUTDOWN standard", SpanKind::kExtension, rshutdown, 2341.3, 6);
  add("RSHUTDOWN date", SpanKind::kExtension, rshutdown, 2347.5, 0.5);
  add("zend_deactivate", SpanKind::kStep, rshutdown, 2348, 30, 420000, 395000);
  int32_t post = add("post_deactivate", SpanKind::kStep, rshutdown, 2378, 3);
  int32_t hook = add("post_deactivate date", SpanKind::kExtension, post, 2378, 3);
  spans[hook].flags = kSpanBailout;
  add("sapi_deactivate", SpanKind::kStep, rshutdown, 2381, 1.5);
  add("memory_shutdown", SpanKind::kStep, rshutdown, 2382.5, 20, 395000, 393216);
  return spans;
}

// A worker's own startup: SINIT, MINIT with its steps and two extensions.
inline std::vector<Span> SampleWorkerSpans() {
  std::vector<Span> spans;
  spans.push_back(MakeSpan("SINIT", SpanKind::kPhase, -1, 500, 30));
  spans.push_back(MakeSpan("MINIT", SpanKind::kPhase, -1, 550, 9000, -1, 16));
  spans.back().persistent_before = 90000;
  spans.back().persistent_after = 2790000;
  spans.push_back(MakeSpan("zend_startup", SpanKind::kStep, 1, 550, 400));
  spans.push_back(MakeSpan("INI", SpanKind::kStep, 1, 950, 500));
  spans.push_back(MakeSpan("MINIT date", SpanKind::kExtension, 1, 4000, 1800));
  spans.back().persistent_before = 1000000;
  spans.back().persistent_after = 1152032;
  spans.push_back(MakeSpan("MINIT standard", SpanKind::kExtension, 1, 5800, 130));
  spans.push_back(MakeSpan("startup Zend OPcache", SpanKind::kExtension, 1, 5930, 60));
  return spans;
}

// Every verdict at least once, over several directories (including the
// top level, "."), in completion order rather than sorted, with the
// characters XML and JSON must escape in ordinary text.
inline std::vector<CaseResult> SampleCases() {
  std::vector<CaseResult> cases;
  cases.push_back(MakeCase("tests/lang/warn.phpt", "Warns about ini", Verdict::kWarn,
                           "SKIPIF printed: warn deprecated ini", 8.25));
  cases.push_back(MakeCase("Zend/tests/basic/002.phpt", "Output \"differs\" <b> & 'x'",
                           Verdict::kFail, "", 15.5,
                           "001+ Hello <world> & \"all\"\n001- Hallo <world> & \"all\"\n"));
  cases.back().phases = SamplePhases();
  cases.back().worker = 2;
  cases.back().start_ms = 10;
  cases.back().spans = SampleSpans(10000, "/src/Zend/tests/basic/002.php");
  cases.push_back(MakeCase("Zend/tests/basic/001.phpt", "Basic echo", Verdict::kPass, "", 12.3456));
  cases.back().phases = SamplePhases();
  cases.back().worker = 1;
  cases.back().start_ms = 12;
  cases.back().spans = SampleSpans(12000, "/src/Zend/tests/basic/001.php");
  cases.push_back(MakeCase("ext/json/tests/skip_me.phpt", "Needs ext/json", Verdict::kSkip,
                           "json extension not loaded", 2.1));
  cases.push_back(MakeCase("ext/json/tests/broken.phpt", "broken.phpt", Verdict::kBork,
                           "missing --FILE-- section", 0.004));
  cases.push_back(MakeCase("tests/lang/xfail.phpt", "Known bug", Verdict::kXfail,
                           "Bug #12345 is not fixed yet", 9.75, "001+ 2\n001- 3\n"));
  cases.push_back(MakeCase("tests/resident/leaky.phpt", "Leaky worker", Verdict::kLeak,
                           "heap grows 1024 bytes per iteration after warm-up", 420.0,
                           "heap: 1000000 -> 1184320 bytes over iterations 21..200\n"));
  cases.push_back(MakeCase("tests/resident/xleak.phpt", "Known leak", Verdict::kXleak,
                           "leaks by design", 380.125));
  cases.push_back(MakeCase("top.phpt", "Top-level case", Verdict::kPass, "", 1.0));
  cases.push_back(MakeCase("tests/lang/slow.phpt", "Slow loop", Verdict::kFail,
                           "timed out after 60 s", 60000.0));
  // The other cases ran one after another on two workers, after the two
  // above (which carry spans at fixed times).
  double next[3] = {0, 30, 40};
  for (size_t i = 0; i < cases.size(); ++i) {
    CaseResult& c = cases[i];
    if (c.worker != 0) continue;
    c.worker = 1 + static_cast<int>(i % 2);
    c.start_ms = next[c.worker];
    next[c.worker] += c.time_ms + 0.5;
  }
  return cases;
}

inline RunInfo SampleRunInfo(size_t total_cases) {
  RunInfo info;
  info.phptrun_version = PHPTRUN_VERSION;
  info.php_version = "8.2.36";
  info.started = "2026-11-21T19:34:00Z";
  info.jobs = 2;
  info.total_cases = total_cases;
  info.engine.version = "8.2.36";
  info.engine.libphp = "/usr/lib/libphp8.2.so";
  info.engine.php_ini = "/etc/php/8.2/cli/php.ini";
  info.engine.extension_dir = "/usr/lib/php/20220829";
  info.engine.php_binary = "/usr/bin/php8.2";
  return info;
}

inline RunEnd MakeRunEnd(const std::vector<CaseResult>& cases, double duration_s,
                         bool interrupted = false) {
  RunEnd end;
  for (const CaseResult& r : cases) end.summary.Add(r.verdict);
  end.duration_s = duration_s;
  end.interrupted = interrupted;
  return end;
}

// Feeds `cases` through `reporter` as the supervisor would.
inline bool Replay(Reporter& reporter, const std::vector<CaseResult>& cases, double duration_s,
                   bool interrupted = false, std::string* err = nullptr) {
  reporter.RunStarting(SampleRunInfo(cases.size()));
  for (const CaseResult& r : cases) {
    reporter.CaseStarting(r.file);
    reporter.CaseFinished(r);
  }
  std::string ignored;
  return reporter.RunFinished(MakeRunEnd(cases, duration_s, interrupted), err ? err : &ignored);
}

// The one place where volatile fields of any report are made stable: times
// and durations (keeping their format visible: JUnit's three decimals), the
// start date and the versions of phptrun and PHP.
inline std::string NormalizeVolatile(const std::string& report) {
  constexpr auto kLines = std::regex::ECMAScript | std::regex::multiline;
  static const std::vector<std::pair<std::regex, std::string>> rules = {
      // JUnit
      {std::regex(R"re(time="[0-9]+\.[0-9]{3}")re"), R"(time="N.NNN")"},
      {std::regex(R"re(timestamp="[^"]*")re"), R"(timestamp="STARTED")"},
      // JSON
      {std::regex(R"re("(duration_s|time_ms|cpu_ms|ms)": [-0-9.eE+]+)re"), R"("$1": 0)"},
      {std::regex(R"re("started": "[^"]*")re"), R"("started": "STARTED")"},
      {std::regex(R"re("phptrun": "[^"]*")re"), R"("phptrun": "VERSION")"},
      {std::regex(R"re("php": "[^"]*")re"), R"("php": "PHP_VERSION")"},
      // Chrome trace (compact JSON)
      {std::regex(R"re("phptrun":"[^"]*")re"), R"("phptrun":"VERSION")"},
      {std::regex(R"re("php":"[^"]*")re"), R"("php":"PHP_VERSION")"},
      {std::regex(R"re("started":"[^"]*")re"), R"("started":"STARTED")"},
      // Console
      {std::regex(R"re(^phptrun [^,\n]*, PHP [^:\n]*:)re", kLines),
       "phptrun VERSION, PHP PHP_VERSION:"},
      {std::regex(R"re( in [0-9]+\.[0-9]{2}s$)re", kLines), " in N.NNs"},
  };
  std::string text = report;
  for (const auto& [pattern, replacement] : rules) {
    text = std::regex_replace(text, pattern, replacement);
  }
  return text;
}

inline std::string ReadFileOrEmpty(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Compares the normalised `actual` with fixtures/reports/<name>; with
// PHPTRUN_APPROVE=1 in the environment, rewrites that file instead.
inline void CheckApproved(const std::string& name, const std::string& actual) {
  std::string path = std::string(PHPTRUN_SOURCE_DIR) + "/fixtures/reports/" + name;
  std::string received = NormalizeVolatile(actual);
  const char* approve = std::getenv("PHPTRUN_APPROVE");
  if (approve != nullptr && std::string(approve) == "1") {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << received;
    WARN("approved " << path);
    return;
  }
  std::ifstream probe(path);
  INFO("baseline " << path << " (re-approve with PHPTRUN_APPROVE=1)");
  REQUIRE(probe.good());
  std::string approved = ReadFileOrEmpty(path);
  if (received != approved) {
    std::istringstream a(approved), r(received);
    std::string approved_line, received_line;
    int line = 0;
    while (true) {
      ++line;
      bool more_a = static_cast<bool>(std::getline(a, approved_line));
      bool more_r = static_cast<bool>(std::getline(r, received_line));
      if (!more_a && !more_r) break;
      if (approved_line != received_line || more_a != more_r) {
        INFO("first difference at line " << line << "\napproved: " << approved_line
                                         << "\nreceived: " << received_line);
        CHECK(received == approved);
        return;
      }
    }
  }
  CHECK(received == approved);
}

// Bytes that break naive reports: NUL, ESC, a byte that is not UTF-8, the end
// of a CDATA section, and markup.
inline CaseResult HostileCase() {
  using namespace std::string_literals;
  return MakeCase(
      "tests/hostile/\xff"
      "name.phpt",
      "Nul\x00"
      "Esc\x1b[31mBad\xff]]><x>"s,
      Verdict::kFail, "reason \x00\x1b\xff ]]>"s, 3.0,
      "001+ \x00\x1b[2J\xff]]></failure>\n001- clean\n"s);
}

}  // namespace testing
}  // namespace phptrun
