#include "reports/trace_reporter.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "reports/report_test_support.h"

using namespace phptrun;
using namespace phptrun::testing;

namespace {

std::string RenderTrace(const std::vector<CaseResult>& cases, bool interrupted = false) {
  std::ostringstream out;
  TraceReporter trace(&out);
  trace.RunStarting(SampleRunInfo(cases.size()));
  trace.WorkerSpans(1, SampleWorkerSpans());
  for (const CaseResult& r : cases) trace.CaseFinished(r);
  std::string err;
  REQUIRE(trace.RunFinished(MakeRunEnd(cases, 61.5, interrupted), &err));
  return out.str();
}

}  // namespace

TEST_CASE("Chrome trace matches the approved baseline", "[trace_reporter][approved]") {
  CheckApproved("approved.trace.json", RenderTrace(SampleCases()));
}

TEST_CASE("trace: Chrome trace-event JSON that Perfetto reads", "[trace_reporter]") {
  nlohmann::json trace = nlohmann::json::parse(RenderTrace(SampleCases()));
  REQUIRE(trace["traceEvents"].is_array());
  CHECK(trace["displayTimeUnit"] == "ms");
  CHECK(trace["otherData"]["php"] == "8.2.36");
  CHECK(trace["otherData"]["interrupted"] == false);

  std::map<int, std::string> process_names;
  int cases = 0, spans = 0;
  for (const auto& e : trace["traceEvents"]) {
    REQUIRE(e.contains("ph"));
    REQUIRE(e.contains("pid"));
    CHECK(e["tid"] == e["pid"]);
    if (e["ph"] == "M") {
      if (e["name"] == "process_name") process_names[e["pid"]] = e["args"]["name"];
      continue;
    }
    REQUIRE(e["ph"] == "X");
    CHECK(e["ts"].is_number());
    CHECK(e["dur"].is_number());
    CHECK(e["dur"].get<double>() >= 0);
    // Every track is named before its first span.
    CHECK(process_names.count(e["pid"]) == 1);
    if (e["cat"] == "case") {
      ++cases;
    } else {
      ++spans;
    }
  }
  CHECK(process_names == std::map<int, std::string>{{1, "worker 1"}, {2, "worker 2"}});
  // Results the supervisor made up have no time and get no span; the sample
  // has none of those, so every case is there.
  CHECK(cases == static_cast<int>(SampleCases().size()));
  CHECK(spans == static_cast<int>(2 * SampleSpans(0, "x").size() + SampleWorkerSpans().size()));
}

TEST_CASE("trace: spans carry their category, times and memory", "[trace_reporter]") {
  nlohmann::json trace = nlohmann::json::parse(RenderTrace(SampleCases()));
  std::map<std::string, nlohmann::json> by_name;
  for (const auto& e : trace["traceEvents"]) {
    if (e["ph"] == "X" && e["pid"] == 1) by_name[e["name"]] = e;
  }
  nlohmann::json c = by_name.at("Zend/tests/basic/001.phpt");
  CHECK(c["cat"] == "case");
  CHECK(c["ts"] == 12000);
  CHECK(c["dur"] == 12346);  // whole microseconds
  CHECK(c["args"]["test"] == "Basic echo");
  CHECK(c["args"]["verdict"] == "PASS");

  nlohmann::json rinit = by_name.at("RINIT");
  CHECK(rinit["cat"] == "phase");
  CHECK(rinit["ts"] == 12700);
  CHECK(rinit["dur"] == 42);
  CHECK(rinit["args"]["heap_before"] == 16);
  CHECK(rinit["args"]["heap_peak"] == 401408);
  CHECK(rinit["args"]["persistent_after"] == 2801664);

  CHECK(by_name.at("RINIT standard")["cat"] == "extension");
  CHECK(by_name.at("RINIT standard")["args"]["heap_delta"] == 24);
  CHECK_FALSE(by_name.at("RINIT date").contains("args"));  // nothing measured moved
  CHECK(by_name.at("destructors")["cat"] == "step");
  CHECK(by_name.at("destructors")["args"]["inferred"] == true);
  CHECK(by_name.at("post_deactivate date")["args"]["bailout"] == true);
  CHECK(by_name.at("compile /src/Zend/tests/basic/001.php")["cat"] == "compile");
  CHECK(by_name.at("compile /src/Zend/tests/basic/001.php")["args"]["persistent_delta"] == 4096);
  CHECK(by_name.at("FILE")["cat"] == "request");
  CHECK(by_name.at("MINIT date")["args"]["persistent_delta"] == 152032);
  CHECK(by_name.at("SINIT")["ts"] == 500);
}

TEST_CASE("trace: hostile names stay valid JSON", "[trace_reporter]") {
  CaseResult hostile = HostileCase();
  hostile.start_ms = 1;
  hostile.spans = SampleSpans(1000, "/tmp/\xff\x01\"quoted\"\\.php");
  std::string text = RenderTrace({hostile});
  nlohmann::json trace = nlohmann::json::parse(text);  // throws on invalid UTF-8
  bool found = false;
  for (const auto& e : trace["traceEvents"]) {
    if (e["ph"] == "X" && e["cat"] == "compile" &&
        e["name"].get<std::string>().find("quoted") != std::string::npos) {
      CHECK(e["name"] == "compile /tmp/\\xff\x01\"quoted\"\\.php");
      found = true;
    }
  }
  CHECK(found);
}

TEST_CASE("trace: made-up results without timing get no span", "[trace_reporter]") {
  CaseResult died = MakeCase("a.phpt", "a.phpt", Verdict::kBork, "the worker died twice", 0);
  died.worker = 1;
  nlohmann::json trace = nlohmann::json::parse(RenderTrace({died}));
  for (const auto& e : trace["traceEvents"]) CHECK(e["cat"] != "case");
}

TEST_CASE("trace: the file appears whole, through a temporary file", "[trace_reporter]") {
  char dir_template[] = "/tmp/phptrun-trace-XXXXXX";
  std::string dir = mkdtemp(dir_template);
  std::string path = dir + "/trace.json";
  {
    TraceReporter trace(path);
    std::vector<CaseResult> cases = SampleCases();
    trace.RunStarting(SampleRunInfo(cases.size()));
    trace.WorkerSpans(1, SampleWorkerSpans());
    for (const CaseResult& r : cases) trace.CaseFinished(r);
    CHECK(access(path.c_str(), F_OK) != 0);  // nothing under the name yet
    std::string err;
    REQUIRE(trace.RunFinished(MakeRunEnd(cases, 1, true), &err));
  }
  nlohmann::json trace = nlohmann::json::parse(ReadFileOrEmpty(path));
  CHECK(trace["otherData"]["interrupted"] == true);
  CHECK(trace["traceEvents"].size() > 40);
  unlink(path.c_str());
  CHECK(rmdir(dir.c_str()) == 0);  // no temporary file left behind
}

TEST_CASE("trace: a file that cannot be written is an error naming it", "[trace_reporter]") {
  TraceReporter trace("/nonexistent-dir/trace.json");
  trace.RunStarting(SampleRunInfo(0));
  std::string err;
  CHECK_FALSE(trace.RunFinished(MakeRunEnd({}, 0), &err));
  CHECK_THAT(err, Catch::Contains("/nonexistent-dir/trace.json"));
}

TEST_CASE("trace: whole microseconds, children inside parents, siblings in sequence",
          "[trace_reporter]") {
  // Times whose float sums end past the next start: 0.1 + 0.2 > 0.3.
  CaseResult a = MakeCase("t/a.phpt", "A", Verdict::kPass, "", 0.0003 + 0.0004);
  a.worker = 1;
  a.start_ms = 0.0001;
  a.spans.push_back(MakeSpan("FILE", SpanKind::kRequest, -1, 0.1, 0.6));
  a.spans.push_back(MakeSpan("RINIT", SpanKind::kPhase, 0, 0.1, 0.2 + 1e-9));
  a.spans.push_back(MakeSpan("execute", SpanKind::kPhase, 0, 0.3 - 1e-9, 0.45));  // past FILE
  // A request that ends past its case.
  CaseResult b = MakeCase("t/b.phpt", "B", Verdict::kPass, "", 5);
  b.worker = 1;
  b.start_ms = 1;
  b.spans.push_back(MakeSpan("FILE", SpanKind::kRequest, -1, 1000.4, 5000.3));
  nlohmann::json trace = nlohmann::json::parse(RenderTrace({a, b}));
  std::vector<nlohmann::json> spans;
  for (const auto& e : trace["traceEvents"]) {
    if (e["ph"] != "X" || e["pid"] != 1) continue;
    CHECK(e["ts"].is_number_integer());
    CHECK(e["dur"].is_number_integer());
    spans.push_back(e);
  }
  auto find = [&](const std::string& name, int nth = 0) {
    for (const auto& e : spans)
      if (e["name"] == name && nth-- == 0) return e;
    FAIL("no span " << name);
    return nlohmann::json();
  };
  auto end = [](const nlohmann::json& e) { return e["ts"].get<long long>() + e["dur"].get<long long>(); };
  nlohmann::json case_a = find("t/a.phpt"), file_a = find("FILE"), rinit = find("RINIT"),
                 execute = find("execute"), case_b = find("t/b.phpt"), file_b = find("FILE", 1);
  CHECK(file_a["ts"] >= case_a["ts"]);
  CHECK(end(file_a) <= end(case_a));
  CHECK(rinit["ts"] >= file_a["ts"]);
  CHECK(execute["ts"] >= end(rinit));
  CHECK(end(execute) <= end(file_a));
  CHECK(case_b["ts"] >= end(case_a));
  CHECK(file_b["ts"] >= case_b["ts"]);
  CHECK(end(file_b) <= end(case_b));
}
