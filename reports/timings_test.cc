#include "reports/timings.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <string>

using namespace phptrun;

namespace {

std::string WriteTemp(const std::string& content) {
  char name[] = "/tmp/phptrun-timings-XXXXXX";
  int fd = mkstemp(name);
  REQUIRE(fd >= 0);
  close(fd);
  std::ofstream(name, std::ios::binary) << content;
  return name;
}

}  // namespace

TEST_CASE("Timings: a JSON report's time_ms per file", "[timings]") {
  std::string path = WriteTemp(R"({"tests": [
      {"file": "t/a.phpt", "time_ms": 100.5, "verdict": "PASS"},
      {"file": "t/b.phpt", "time_ms": 20}]})");
  RecordedTimings t;
  std::string err;
  REQUIRE(t.Load(path, &err));
  CHECK(t.size() == 2);
  CHECK(t.Estimate("t/a.phpt") == Approx(100.5));
  CHECK(t.Estimate("t/b.phpt") == Approx(20));
  unlink(path.c_str());
}

TEST_CASE("Timings: a JUnit report's time in seconds, by name or file attribute", "[timings]") {
  std::string path = WriteTemp(R"XML(<?xml version="1.0"?>
<testsuites name="phptrun"><testsuite name="t" tests="3" failures="0" errors="0">
  <testcase name="Title A [t/a.phpt]" classname="t" time="1.250"/>
  <testcase name="Title B" classname="t" file="t/b.phpt" time="0.010"/>
  <testsuite name="nested" tests="1" failures="0" errors="0">
    <testcase name="t/c.phpt (run-tests' way)" time="0.5"/>
  </testsuite>
  <testcase name="not a phpt case" time="9"/>
</testsuite></testsuites>)XML");
  RecordedTimings t;
  std::string err;
  REQUIRE(t.Load(path, &err));
  CHECK(t.size() == 3);
  double ms = 0;
  REQUIRE(t.Lookup("t/a.phpt", &ms));
  CHECK(ms == Approx(1250));
  REQUIRE(t.Lookup("t/b.phpt", &ms));
  CHECK(ms == Approx(10));
  REQUIRE(t.Lookup("t/c.phpt", &ms));
  CHECK(ms == Approx(500));
  unlink(path.c_str());
}

TEST_CASE("Timings: paths from another checkout match by their common tail", "[timings]") {
  RecordedTimings t;
  t.Add("/home/ci/php-src/Zend/tests/a.phpt", 10);
  t.Add("ext/standard/tests/file/b.phpt", 20);
  t.Add("./local/c.phpt", 30);
  double ms = 0;
  // The recorded path ends with the case's.
  REQUIRE(t.Lookup("Zend/tests/a.phpt", &ms));
  CHECK(ms == 10);
  // The case's path ends with the recorded one.
  REQUIRE(t.Lookup("/src/php-src/ext/standard/tests/file/b.phpt", &ms));
  CHECK(ms == 20);
  // Both have more in front: the common tail decides.
  REQUIRE(t.Lookup("/other/php-src/Zend/tests/a.phpt", &ms));
  CHECK(ms == 10);
  // "./" in front does not matter.
  REQUIRE(t.Lookup("local/c.phpt", &ms));
  CHECK(ms == 30);
  // The file name alone is not enough: another directory's a.phpt is another case.
  CHECK_FALSE(t.Lookup("ext/other/a.phpt", &ms));
}

TEST_CASE("Timings: ambiguous tails are no match; repeated cases average", "[timings]") {
  RecordedTimings t;
  t.Add("/one/tests/x.phpt", 10);
  t.Add("/two/tests/x.phpt", 30);
  double ms = 0;
  CHECK_FALSE(t.Lookup("tests/x.phpt", &ms));
  REQUIRE(t.Lookup("/one/tests/x.phpt", &ms));
  CHECK(ms == 10);
  t.Add("/one/tests/x.phpt", 20);
  REQUIRE(t.Lookup("/one/tests/x.phpt", &ms));
  CHECK(ms == 15);
}

TEST_CASE("Timings: unknown cases get the median", "[timings]") {
  RecordedTimings t;
  CHECK(t.Estimate("a.phpt") == 0);
  t.Add("a.phpt", 1);
  t.Add("b.phpt", 100);
  t.Add("c.phpt", 5);
  CHECK(t.median_ms() == 5);
  CHECK(t.Estimate("new.phpt") == 5);
  t.Add("d.phpt", 7);
  CHECK(t.median_ms() == 6);
}

TEST_CASE("Timings: missing or malformed files are errors naming the file", "[timings]") {
  RecordedTimings t;
  std::string err;
  CHECK_FALSE(t.Load("/nonexistent/report.json", &err));
  CHECK(err.find("/nonexistent/report.json") != std::string::npos);

  std::string broken = WriteTemp("{\"tests\": [ {\"file\": ");
  CHECK_FALSE(t.Load(broken, &err));
  CHECK(err.find(broken) != std::string::npos);
  unlink(broken.c_str());

  std::string no_time = WriteTemp(R"({"tests": [{"file": "a.phpt"}]})");
  CHECK_FALSE(t.Load(no_time, &err));
  CHECK(err.find("time_ms") != std::string::npos);
  unlink(no_time.c_str());

  std::string bad_xml = WriteTemp("<testsuites><testcase name='a'>");
  CHECK_FALSE(t.Load(bad_xml, &err));
  CHECK(err.find(bad_xml) != std::string::npos);
  unlink(bad_xml.c_str());

  std::string text = WriteTemp("PASS a.phpt\n");
  CHECK_FALSE(t.Load(text, &err));
  CHECK(err.find("neither") != std::string::npos);
  unlink(text.c_str());
}
