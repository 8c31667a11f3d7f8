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
#include "runner/result.h"

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
  return {{"RINIT", 0.0421, 393216, 401408, 401408},
          {"compile", 0.3187, 401408, 417792, 425984},
          {"execute", 1.25, 417792, 430080, 462848},
          {"RSHUTDOWN", 0.0917, 430080, 393216, 430080}};
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
  cases.push_back(MakeCase("Zend/tests/basic/001.phpt", "Basic echo", Verdict::kPass, "", 12.3456));
  cases.back().phases = SamplePhases();
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
  return cases;
}

inline RunInfo SampleRunInfo(size_t total_cases) {
  RunInfo info;
  info.phptrun_version = PHPTRUN_VERSION;
  info.php_version = "8.2.36";
  info.started = "2026-11-21T19:34:00Z";
  info.jobs = 2;
  info.total_cases = total_cases;
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
      {std::regex(R"re("(duration_s|time_ms|ms)": [-0-9.eE+]+)re"), R"("$1": 0)"},
      {std::regex(R"re("started": "[^"]*")re"), R"("started": "STARTED")"},
      {std::regex(R"re("phptrun": "[^"]*")re"), R"("phptrun": "VERSION")"},
      {std::regex(R"re("php": "[^"]*")re"), R"("php": "PHP_VERSION")"},
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
