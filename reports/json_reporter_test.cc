#include "reports/json_reporter.h"

#include <stdlib.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <sstream>
#include <string>

#include "reports/report_test_support.h"

using namespace phptrun;
using namespace phptrun::testing;

namespace {

std::string RenderJson(const std::vector<CaseResult>& cases, double duration_s,
                       bool interrupted = false) {
  JsonReporter json("");
  json.RunStarting(SampleRunInfo(cases.size()));
  for (const CaseResult& r : cases) json.CaseFinished(r);
  std::ostringstream out;
  json.Render(MakeRunEnd(cases, duration_s, interrupted), out);
  return out.str();
}

}  // namespace

TEST_CASE("JSON report matches the approved baseline", "[json_reporter][approved]") {
  CheckApproved("approved.json", RenderJson(SampleCases(), 61.5));
}

TEST_CASE("JSON: fields, order, summary with zeros, sorted tests", "[json_reporter]") {
  std::vector<CaseResult> cases = SampleCases();
  cases.erase(cases.begin() + 4);  // the BORK: its count must still be present, as 0
  nlohmann::json report = nlohmann::json::parse(RenderJson(cases, 61.5));
  CHECK(report["phptrun"] == PHPTRUN_VERSION);
  CHECK(report["php"] == "8.2.36");
  CHECK(report["started"] == "2026-11-21T19:34:00Z");
  CHECK(report["duration_s"] == 61.5);
  CHECK(report["interrupted"] == false);
  CHECK(report["jobs"] == 2);
  CHECK(report["max_jobs"] == 2);  // a fixed -j
  CHECK(report["peak_jobs"] == 0);
  nlohmann::json summary = report["summary"];
  CHECK(summary.size() == 8);
  CHECK(summary["PASS"] == 2);
  CHECK(summary["FAIL"] == 2);
  CHECK(summary["BORK"] == 0);
  CHECK(summary["XLEAK"] == 1);

  nlohmann::json tests = report["tests"];
  REQUIRE(tests.size() == 9);
  for (size_t i = 1; i < tests.size(); ++i) {
    CHECK(tests[i - 1]["file"].get<std::string>() < tests[i]["file"].get<std::string>());
  }
  nlohmann::json first = tests[0];
  CHECK(first["file"] == "Zend/tests/basic/001.phpt");
  CHECK(first["name"] == "Basic echo");
  CHECK(first["verdict"] == "PASS");
  CHECK(first["reason"] == "");
  CHECK(first["time_ms"] == 12.346);  // rounded to microseconds
  REQUIRE(first["phases"].size() == 4);
  CHECK(first["phases"][1] == nlohmann::json{{"name", "compile"},
                                             {"ms", 0.319},
                                             {"heap_before", 401408},
                                             {"heap_after", 417792},
                                             {"heap_peak", 425984}});

  // Keys in documented order, not alphabetical.
  JsonReporter::Json ordered = JsonReporter::CaseToJson(cases[0]);
  std::vector<std::string> keys;
  for (auto it = ordered.begin(); it != ordered.end(); ++it) keys.push_back(it.key());
  CHECK(keys ==
        std::vector<std::string>{"file", "name", "verdict", "reason", "time_ms", "cpu_ms", "phases"});
  CHECK(ordered["cpu_ms"].is_null());  // unknown
  CaseResult measured = cases[0];
  measured.cpu_ms = 3.14159;
  CHECK(JsonReporter::CaseToJson(measured)["cpu_ms"] == 3.142);
  measured.cpu_ms = 0;
  CHECK(JsonReporter::CaseToJson(measured)["cpu_ms"] == 0);
}

TEST_CASE("JSON keeps hostile bytes, escaped, in a file nlohmann parses", "[json_reporter]") {
  using namespace std::string_literals;
  std::string text = RenderJson({HostileCase()}, 1);
  CHECK_THAT(text, Catch::Contains("\\u0000"));
  CHECK_THAT(text, Catch::Contains("\\u001b"));
  nlohmann::json report = nlohmann::json::parse(text);  // throws on invalid UTF-8
  nlohmann::json test = report["tests"][0];
  CHECK(test["name"] == "Nul\x00"s + "Esc\x1b[31mBad\\xff]]><x>");
  CHECK(test["file"] == "tests/hostile/\\xffname.phpt");
  CHECK(test["reason"] == "reason \x00\x1b\\xff ]]>"s);
}

TEST_CASE("JSON file is written atomically, also when interrupted", "[json_reporter]") {
  char templ[] = "/tmp/phptrun_json_XXXXXX";
  REQUIRE(mkdtemp(templ) != nullptr);
  std::string path = std::string(templ) + "/report.json";
  std::vector<CaseResult> cases = SampleCases();
  JsonReporter json(path);
  json.RunStarting(SampleRunInfo(cases.size()));
  json.CaseFinished(cases[1]);
  std::string err;
  REQUIRE(json.RunFinished(MakeRunEnd(cases, 2.25, true), &err));
  nlohmann::json report = nlohmann::json::parse(ReadFileOrEmpty(path));
  CHECK(report["interrupted"] == true);
  CHECK(report["duration_s"] == 2.25);
  CHECK(report["tests"].size() == 1);
  CHECK(report["summary"]["FAIL"] == 1);  // counts what is listed
  CHECK(report["summary"]["PASS"] == 0);
  unlink(path.c_str());
  rmdir(templ);

  JsonReporter unwritable(std::string(templ) + "/gone/report.json");
  CHECK_FALSE(Replay(unwritable, cases, 1, false, &err));
  CHECK_THAT(err, Catch::Contains("/gone/report.json"));
}

TEST_CASE("JSON is written one test at a time, as ToJson() would dump it", "[json_reporter]") {
  auto check = [](const std::vector<CaseResult>& cases, bool interrupted) {
    JsonReporter json("");
    json.RunStarting(SampleRunInfo(cases.size()));
    for (const CaseResult& r : cases) json.CaseFinished(r);
    RunEnd end = MakeRunEnd(cases, 61.5, interrupted);
    end.supervisor_max_rss_kb = 12345;
    std::ostringstream streamed;
    json.Render(end, streamed);
    std::string whole =
        json.ToJson(end).dump(2, ' ', false, JsonReporter::Json::error_handler_t::replace) + "\n";
    CHECK(streamed.str() == whole);
  };
  std::vector<CaseResult> cases = SampleCases();
  check(cases, false);
  check(cases, true);
  cases.push_back(HostileCase());
  cases.push_back(cases[0]);  // the same file twice (--repeat)
  check(cases, false);
  check({cases[1]}, false);
  check({}, true);
}

namespace {

// A resident LEAK as a worker would send it: short series, one site.
CaseResult ResidentLeakCase() {
  CaseResult r = MakeCase("suites/resident/cache.phpt", "Unbounded static cache", Verdict::kLeak,
                          "heap +192 B/iteration after warm-up (2 of 8 worker iterations); top site: "
                          "Cache::remember at cache.php:9 (576 B in 3 blocks)",
                          4.5);
  ResidentReport& res = r.resident;
  res.present = true;
  res.mode = "worker";
  res.iterations = 8;
  res.completed = 8;
  res.warmup = 2;
  res.series = {{"heap", {1000, 1192, 1384, 1576, 1768, 1960, 2152, 2344}},
                {"classes", {1, 1, 1, 1, 1, 1, 1, 1}}};
  res.growth = {{"heap", 192.0}, {"classes", 0.0}};
  res.leaking = {"heap"};
  res.sites = {{"/srv/suites/resident/cache.php", 9, "Cache::remember", 576, 3}};
  res.retained_bytes = 600;
  res.retained_blocks = 4;
  res.attribution = "second pass";
  res.iterations_per_s = 123456.78;
  res.loop_ms = 0.065;
  res.sampling_ms = 0.004;
  return r;
}

}  // namespace

TEST_CASE("JSON: the resident object matches its approved baseline", "[json_reporter][approved]") {
  CheckApproved("approved.resident.json", RenderJson({ResidentLeakCase()}, 1.5));
}

TEST_CASE("JSON: resident fields, in order, only for resident runs", "[json_reporter]") {
  CaseResult leak = ResidentLeakCase();
  JsonReporter::Json test = JsonReporter::CaseToJson(leak);
  std::vector<std::string> keys;
  for (auto it = test.begin(); it != test.end(); ++it) keys.push_back(it.key());
  CHECK(keys.back() == "resident");
  nlohmann::json res = nlohmann::json::parse(test["resident"].dump());
  CHECK(res["mode"] == "worker");
  CHECK(res["iterations"] == 8);
  CHECK(res["warmup"] == 2);
  CHECK(res["series"]["heap"].size() == 8);
  CHECK(res["growth"]["heap"] == 192.0);
  CHECK(res["leaking"] == nlohmann::json::array({"heap"}));
  CHECK(res["sites"][0] == nlohmann::json{{"file", "/srv/suites/resident/cache.php"},
                                          {"line", 9},
                                          {"function", "Cache::remember"},
                                          {"bytes", 576},
                                          {"count", 3}});
  CHECK(res["iterations_per_s"] == 123456.8);
  CHECK_FALSE(JsonReporter::CaseToJson(SampleCases()[0]).contains("resident"));
}

TEST_CASE("JSON: a long resident series is downsampled, its figures stay exact",
          "[json_reporter]") {
  CaseResult leak = ResidentLeakCase();
  const size_t n = 25000;
  for (auto& [name, values] : leak.resident.series) {
    values.resize(n);
    for (size_t i = 0; i < n; ++i) values[i] = static_cast<int64_t>(1000 + 192 * i);
  }
  leak.resident.iterations = leak.resident.completed = static_cast<int>(n);
  nlohmann::json res = nlohmann::json::parse(JsonReporter::CaseToJson(leak)["resident"].dump());
  CHECK(res["series_stride"] == 3);
  CHECK(res["series"]["heap"].size() == 8334);
  CHECK(res["series"]["heap"][0] == 1000);
  CHECK(res["series"]["heap"][1] == 1000 + 192 * 3);
  CHECK(res["growth"]["heap"] == 192.0);  // the rule's figure, not recomputed
  CHECK(res["iterations"] == 25000);

  nlohmann::json short_run =
      nlohmann::json::parse(JsonReporter::CaseToJson(ResidentLeakCase())["resident"].dump());
  CHECK_FALSE(short_run.contains("series_stride"));
}

TEST_CASE("JSON: a case run again after its worker died says so", "[json_reporter]") {
  CaseResult r = SampleCases()[0];
  CHECK_FALSE(JsonReporter::CaseToJson(r).contains("rerun"));
  r.rerun_reason = "its worker died (killed by SIGKILL) while it ran; it ran again in a new worker";
  CHECK(JsonReporter::CaseToJson(r)["rerun"] == r.rerun_reason);
}
