#include "reports/report_merge.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

using namespace phptrun;

namespace {

bool Parse(std::vector<const char*> args, MergeOptions* o, std::string* err) {
  args.insert(args.begin(), "merge");
  return ParseMergeOptions(static_cast<int>(args.size()), args.data(), o, err);
}

// A shard's JSON report with the given cases ("file:VERDICT").
std::string ShardReport(int k, int n, int collected, int assigned,
                        const std::vector<std::string>& cases,
                        const std::string& digest = "00000000000000aa") {
  nlohmann::json r = {{"phptrun", "0.1.0"},
                      {"php", "8.2"},
                      {"started", "2026-01-01T00:00:0" + std::to_string(k) + "Z"},
                      {"duration_s", k * 1.5},
                      {"interrupted", false},
                      {"supervisor_max_rss_kb", 10 * k},
                      {"shard",
                       {{"index", k},
                        {"count", n},
                        {"collected", collected},
                        {"digest", digest},
                        {"assigned", assigned}}}};
  nlohmann::json tests = nlohmann::json::array();
  for (const std::string& c : cases) {
    size_t colon = c.find(':');
    tests.push_back({{"file", c.substr(0, colon)},
                     {"name", "T " + c.substr(0, colon)},
                     {"verdict", c.substr(colon + 1)},
                     {"reason", ""},
                     {"time_ms", 1.0}});
  }
  r["tests"] = tests;
  char name[] = "/tmp/phptrun-merge-XXXXXX";
  int fd = mkstemp(name);
  close(fd);
  std::ofstream(name) << r.dump();
  return name;
}

int Merge(const std::vector<std::string>& inputs, nlohmann::json* merged, std::string* log_text) {
  MergeOptions o;
  o.format = MergeOptions::Format::kJson;
  o.output = "/tmp/phptrun-merge-out-" + std::to_string(getpid()) + ".json";
  o.inputs = inputs;
  std::ostringstream log;
  int status = RunMerge(o, log);
  *log_text = log.str();
  std::ifstream in(o.output);
  if (in) *merged = nlohmann::json::parse(in, nullptr, false);
  unlink(o.output.c_str());
  return status;
}

}  // namespace

TEST_CASE("merge: options", "[report_merge]") {
  MergeOptions o;
  std::string err;
  REQUIRE(Parse({"--json", "-o", "out.json", "a.json", "b.json"}, &o, &err));
  CHECK(o.format == MergeOptions::Format::kJson);
  CHECK(o.output == "out.json");
  CHECK(o.inputs == std::vector<std::string>{"a.json", "b.json"});
  MergeOptions p;
  CHECK_FALSE(Parse({"-o", "x", "a.json"}, &p, &err));
  CHECK(err.find("--json or --junit") != std::string::npos);
  MergeOptions q;
  CHECK_FALSE(Parse({"--junit", "a.xml"}, &q, &err));
  CHECK(err.find("-o") != std::string::npos);
  MergeOptions r;
  CHECK_FALSE(Parse({"--junit", "--json", "-o", "x", "a"}, &r, &err));
  MergeOptions s;
  CHECK_FALSE(Parse({"--json", "-o", "x", "--frobnicate", "a"}, &s, &err));
  CHECK(err.find("--frobnicate") != std::string::npos);
}

TEST_CASE("merge: every case once, counts and shards named, exit by verdicts", "[report_merge]") {
  std::string a = ShardReport(1, 2, 3, 2, {"t/b.phpt:PASS", "t/a.phpt:SKIP"});
  std::string b = ShardReport(2, 2, 3, 1, {"t/c.phpt:PASS"});
  nlohmann::json merged;
  std::string log;
  CHECK(Merge({b, a}, &merged, &log) == 0);
  REQUIRE(merged["tests"].size() == 3);
  CHECK(merged["tests"][0]["file"] == "t/a.phpt");
  CHECK(merged["tests"][0]["shard"] == "1/2");
  CHECK(merged["tests"][2]["shard"] == "2/2");
  CHECK(merged["summary"]["PASS"] == 2);
  CHECK(merged["summary"]["SKIP"] == 1);
  CHECK(merged["duration_s"] == 3.0);
  CHECK(merged["started"] == "2026-01-01T00:00:01Z");
  CHECK(merged["merge"]["problems"].empty());

  std::string failing = ShardReport(2, 2, 3, 1, {"t/c.phpt:FAIL"});
  CHECK(Merge({a, failing}, &merged, &log) == 1);
  CHECK(merged["summary"]["FAIL"] == 1);
  for (const std::string& f : {a, b, failing}) unlink(f.c_str());
}

TEST_CASE("merge: missing shards, unfinished cases and cases twice are reported",
          "[report_merge]") {
  std::string a = ShardReport(1, 3, 5, 2, {"t/a.phpt:PASS", "t/b.phpt:PASS"});
  std::string b = ShardReport(2, 3, 5, 2, {"t/c.phpt:PASS", "t/a.phpt:PASS"});
  nlohmann::json merged;
  std::string log;
  CHECK(Merge({a, b}, &merged, &log) == 1);
  CHECK(log.find("missing: shard 3/3 has no report") != std::string::npos);
  CHECK(log.find("missing: 1 of 5 collected cases") != std::string::npos);
  CHECK(log.find("twice: t/a.phpt (shards 1/3 and 2/3)") != std::string::npos);
  CHECK(merged["tests"].size() == 3);  // t/a.phpt once
  CHECK(merged["merge"]["twice"] == nlohmann::json::array({"t/a.phpt"}));

  CHECK(Merge({a, a}, &merged, &log) == 1);
  CHECK(log.find("given twice") != std::string::npos);
  for (const std::string& f : {a, b}) unlink(f.c_str());
}

TEST_CASE("merge: reports of another run, or not a shard's, are unusable (exit 2)",
          "[report_merge]") {
  std::string a = ShardReport(1, 2, 3, 2, {"t/a.phpt:PASS"});
  std::string other = ShardReport(2, 2, 3, 1, {"t/c.phpt:PASS"}, "00000000000000bb");
  nlohmann::json merged;
  std::string log;
  CHECK(Merge({a, other}, &merged, &log) == 2);
  CHECK(log.find(other) != std::string::npos);
  CHECK(Merge({a, "/nonexistent/shard.json"}, &merged, &log) == 2);
  CHECK(log.find("/nonexistent/shard.json") != std::string::npos);
  char name[] = "/tmp/phptrun-merge-XXXXXX";
  close(mkstemp(name));
  std::ofstream(name) << R"({"tests": []})";
  CHECK(Merge({name}, &merged, &log) == 2);
  CHECK(log.find("not a shard") != std::string::npos);
  for (const std::string& f : {a, other, std::string(name)}) unlink(f.c_str());
}
