#include "reports/junit_reporter.h"

#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <limits>
#include <pugixml.hpp>
#include <sstream>
#include <streambuf>
#include <set>
#include <string>

#include "reports/report_test_support.h"

using namespace phptrun;
using namespace phptrun::testing;

namespace {

std::string RenderJunit(const std::vector<CaseResult>& cases, double duration_s,
                        bool interrupted = false) {
  JunitReporter junit("");
  junit.RunStarting(SampleRunInfo(cases.size()));
  for (const CaseResult& r : cases) junit.CaseFinished(r);
  std::ostringstream out;
  junit.Render(MakeRunEnd(cases, duration_s, interrupted), out);
  return out.str();
}

pugi::xml_document Parse(const std::string& xml) {
  pugi::xml_document doc;
  pugi::xml_parse_result parsed = doc.load_string(xml.c_str());
  INFO(xml);
  REQUIRE(parsed);
  return doc;
}

pugi::xml_node Testcase(const pugi::xml_document& doc, const char* file) {
  // The name ends with " [FILE]" (JunitTestName).
  std::string tail = " [" + std::string(file) + "]";
  for (pugi::xpath_node found : doc.select_nodes("//testcase")) {
    std::string name = found.node().attribute("name").value();
    if (name.size() >= tail.size() && name.compare(name.size() - tail.size(), tail.size(), tail) == 0) {
      return found.node();
    }
  }
  return pugi::xml_node();
}

}  // namespace

TEST_CASE("JUnit report matches the approved baseline", "[junit_reporter][approved]") {
  CheckApproved("approved.junit.xml", RenderJunit(SampleCases(), 61.5));
}

TEST_CASE("JUnit: one suite per directory, sorted, with correct counts", "[junit_reporter]") {
  pugi::xml_document doc = Parse(RenderJunit(SampleCases(), 61.5));
  pugi::xml_node root = doc.child("testsuites");
  CHECK(std::string(root.attribute("name").value()) == "phptrun");
  CHECK(root.attribute("tests").as_int() == 10);
  CHECK(root.attribute("failures").as_int() == 3);                 // 2 FAIL + LEAK
  CHECK(root.attribute("errors").as_int() == 1);                   // BORK
  // junit-10.xsd has no skipped or timestamp on the root: the suites have them.
  CHECK_FALSE(root.attribute("skipped"));
  CHECK_FALSE(root.attribute("timestamp"));
  CHECK(std::string(root.attribute("time").value()) == "61.500");  // wall clock, not a sum

  std::vector<std::string> names;
  int testcases = 0;
  for (pugi::xml_node suite : root.children("testsuite")) {
    names.push_back(suite.attribute("name").value());
    int in_suite = 0;
    std::string previous;
    for (pugi::xml_node tc : suite.children("testcase")) {
      ++in_suite;
      CHECK(std::string(tc.attribute("classname").value()) == names.back());
      CHECK_FALSE(tc.attribute("file"));  // not in junit-10.xsd: the path is in the name
      std::string name = tc.attribute("name").value();
      std::string file = name.substr(name.rfind(" [") + 2);
      CHECK(previous < file);
      previous = file;
    }
    CHECK(suite.attribute("tests").as_int() == in_suite);
    testcases += in_suite;
  }
  CHECK(testcases == 10);  // skipped and borked cases are present too
  CHECK(names == std::vector<std::string>{".", "Zend/tests/basic", "ext/json/tests", "tests/lang",
                                          "tests/resident"});

  pugi::xml_node lang = root.find_child_by_attribute("testsuite", "name", "tests/lang");
  CHECK(lang.attribute("tests").as_int() == 3);
  CHECK(lang.attribute("failures").as_int() == 1);
  CHECK(lang.attribute("errors").as_int() == 0);
  CHECK(lang.attribute("skipped").as_int() == 1);
  CHECK(std::string(lang.attribute("timestamp").value()) == "2026-11-21T19:34:00Z");
  CHECK(std::string(lang.attribute("time").value()) == "60.018");  // 8.25 + 9.75 + 60000 ms
}

TEST_CASE("JUnit: each verdict maps to its element", "[junit_reporter]") {
  pugi::xml_document doc = Parse(RenderJunit(SampleCases(), 1));
  auto check = [&](const char* file, const char* element, const char* type, const char* message) {
    pugi::xml_node tc = Testcase(doc, file);
    INFO(file);
    REQUIRE(tc);
    if (element == nullptr) {
      CHECK(!tc.first_child());
      return;
    }
    pugi::xml_node outcome = tc.child(element);
    REQUIRE(outcome);
    CHECK(std::string(outcome.attribute("type").value()) == type);
    CHECK(std::string(outcome.attribute("message").value()) == message);
  };
  check("Zend/tests/basic/001.phpt", nullptr, "", "");
  check("Zend/tests/basic/002.phpt", "failure", "fail", "output differs");
  check("tests/lang/slow.phpt", "failure", "fail", "timed out after 60 s");
  check("tests/resident/leaky.phpt", "failure", "leak",
        "heap grows 1024 bytes per iteration after warm-up");
  check("ext/json/tests/broken.phpt", "error", "bork", "missing --FILE-- section");
  check("ext/json/tests/skip_me.phpt", "skipped", "skip", "json extension not loaded");
  check("tests/lang/xfail.phpt", "skipped", "xfail", "Bug #12345 is not fixed yet");
  check("tests/resident/xleak.phpt", "skipped", "xleak", "leaks by design");

  pugi::xml_node fail = Testcase(doc, "Zend/tests/basic/002.phpt");
  CHECK(std::string(fail.attribute("name").value()) ==
        "Output \"differs\" <b> & 'x' [Zend/tests/basic/002.phpt]");
  CHECK(std::string(fail.attribute("classname").value()) == "Zend/tests/basic");
  CHECK(std::string(fail.attribute("time").value()) == "0.016");  // 15.5 ms, 3 decimals
  CHECK(std::string(fail.child("failure").text().get()) ==
        "001+ Hello <world> & \"all\"\n001- Hallo <world> & \"all\"\n");
  CHECK(std::string(Testcase(doc, "tests/resident/leaky.phpt").child("failure").text().get()) ==
        "heap grows 1024 bytes per iteration after warm-up\n"
        "heap: 1000000 -> 1184320 bytes over iterations 21..200\n");

  pugi::xml_node warn = Testcase(doc, "tests/lang/warn.phpt");
  CHECK(!warn.child("failure"));
  CHECK(!warn.child("skipped"));
  CHECK(std::string(warn.child("system-out").text().get()) ==
        "WARN: SKIPIF printed: warn deprecated ini");
}

TEST_CASE("JUnit times have three decimals", "[junit_reporter]") {
  CHECK(FormatJunitTime(0) == "0.000");
  CHECK(FormatJunitTime(0.4) == "0.000");
  CHECK(FormatJunitTime(12.3456) == "0.012");
  CHECK(FormatJunitTime(15.5) == "0.016");
  CHECK(FormatJunitTime(999.5) == "1.000");
  CHECK(FormatJunitTime(77400) == "77.400");
  CHECK(FormatJunitTime(3723004) == "3723.004");
  CHECK(FormatJunitTime(-1) == "0.000");
  CHECK(FormatJunitTime(std::numeric_limits<double>::quiet_NaN()) == "0.000");
  CHECK(FormatJunitTime(std::numeric_limits<double>::infinity()) == "0.000");
}

TEST_CASE("JUnit keeps hostile bytes, escaped, in a file pugixml reads back", "[junit_reporter]") {
  pugi::xml_document doc = Parse(RenderJunit({HostileCase()}, 1));
  pugi::xml_node tc = doc.child("testsuites").child("testsuite").child("testcase");
  REQUIRE(tc);
  CHECK(std::string(tc.attribute("name").value()) ==
        "Nul[[0x00]]Esc[[0x1b]][31mBad\\xff]]><x> [tests/hostile/\\xffname.phpt]");
  CHECK(std::string(tc.parent().attribute("name").value()) == "tests/hostile");
  pugi::xml_node failure = tc.child("failure");
  CHECK(std::string(failure.attribute("message").value()) == "reason [[0x00]][[0x1b]]\\xff ]]>");
  CHECK(std::string(failure.text().get()) ==
        "001+ [[0x00]][[0x1b]][2J\\xff]]></failure>\n001- clean\n");
}

TEST_CASE("JUnit file is written atomically and errors name it", "[junit_reporter]") {
  char templ[] = "/tmp/phptrun_junit_XXXXXX";
  REQUIRE(mkdtemp(templ) != nullptr);
  std::string path = std::string(templ) + "/junit.xml";
  std::vector<CaseResult> cases = SampleCases();

  SECTION("complete run") {
    JunitReporter junit(path);
    std::string err;
    REQUIRE(Replay(junit, cases, 61.5, false, &err));
    CHECK(ReadFileOrEmpty(path) == RenderJunit(cases, 61.5));
  }
  SECTION("interrupted run holds the cases that finished") {
    JunitReporter junit(path);
    junit.RunStarting(SampleRunInfo(cases.size()));
    junit.CaseFinished(cases[0]);
    junit.CaseFinished(cases[1]);
    std::string err;
    REQUIRE(junit.WriteCollected(3, &err));
    pugi::xml_document doc = Parse(ReadFileOrEmpty(path));
    CHECK(doc.child("testsuites").attribute("tests").as_int() == 2);
    CHECK(doc.select_nodes("//testcase").size() == 2);
  }
  SECTION("unwritable path") {
    JunitReporter junit(std::string(templ) + "/no/such/dir/junit.xml");
    std::string err;
    CHECK_FALSE(Replay(junit, cases, 1, false, &err));
    CHECK_THAT(err, Catch::Contains("/no/such/dir/junit.xml"));
  }
  unlink(path.c_str());
  rmdir(templ);
}

namespace {

// Counts the bytes written to it and keeps none.
class CountingBuffer : public std::streambuf {
 public:
  size_t bytes = 0;

 protected:
  int_type overflow(int_type ch) override {
    if (!traits_type::eq_int_type(ch, traits_type::eof())) ++bytes;
    return traits_type::not_eof(ch);
  }
  std::streamsize xsputn(const char*, std::streamsize n) override {
    bytes += static_cast<size_t>(n);
    return n;
  }
};

long MaxRssKb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

}  // namespace

TEST_CASE("JUnit keeps a CR through a parser (&#13;), where a raw one turns into LF",
          "[junit_reporter]") {
  CaseResult r = SampleCases()[0];
  r.verdict = Verdict::kFail;
  r.reason = "cr\rhere";
  r.diff = "001+ ok\r\n001- ok\n";
  std::string xml = RenderJunit({r}, 1);
  CHECK(xml.find('\r') == std::string::npos);
  pugi::xml_document doc = Parse(xml);
  pugi::xml_node failure = doc.select_node("//failure").node();
  CHECK(std::string(failure.attribute("message").value()) == "cr\rhere");
  CHECK(std::string(failure.text().get()) == "001+ ok\r\n001- ok\n");
}

TEST_CASE("JUnit marks an interrupted run in each suite's properties", "[junit_reporter]") {
  pugi::xml_document doc = Parse(RenderJunit(SampleCases(), 1, /*interrupted=*/true));
  CHECK(doc.select_nodes("//testsuite/properties/property[@name='phptrun.interrupted'][@value='true']")
            .size() == doc.select_nodes("//testsuite").size());
  pugi::xml_document whole = Parse(RenderJunit(SampleCases(), 1));
  CHECK(whole.select_nodes("//property[@name='phptrun.interrupted']").empty());
  pugi::xml_document empty = Parse(RenderJunit({}, 0, /*interrupted=*/true));
  CHECK_FALSE(empty.select_nodes("//property[@name='phptrun.interrupted']").empty());
}

TEST_CASE("JUnit: a case run again after its worker died says so in <system-err>",
          "[junit_reporter]") {
  CaseResult r = SampleCases()[0];
  r.rerun_reason = "its worker died (killed by SIGKILL) while it ran; it ran again in a new worker";
  pugi::xml_document doc = Parse(RenderJunit({r}, 1));
  CHECK(std::string(doc.select_node("//testcase/system-err").node().text().get()) ==
        "phptrun: " + r.rerun_reason);
}

TEST_CASE("JUnit is written one testcase at a time, as pugixml saves the whole document",
          "[junit_reporter]") {
  auto check = [](const std::vector<CaseResult>& cases, const std::string& started) {
    JunitReporter junit("");
    RunInfo info = SampleRunInfo(cases.size());
    info.started = started;
    junit.RunStarting(info);
    for (const CaseResult& r : cases) junit.CaseFinished(r);
    RunEnd end = MakeRunEnd(cases, 61.5);
    std::ostringstream streamed, whole;
    junit.Render(end, streamed);
    pugi::xml_document doc;
    junit.ToDocument(end, &doc);
    doc.save(whole, "  ", pugi::format_default, pugi::encoding_utf8);
    CHECK(streamed.str() == whole.str());
  };
  std::vector<CaseResult> cases = SampleCases();
  check(cases, "2026-11-21T19:34:00Z");
  check(cases, "");
  cases.push_back(HostileCase());
  cases.push_back(cases[1]);  // the same file twice (--repeat)
  check(cases, "2026-11-21T19:34:00Z");
  check({cases[3]}, "2026-11-21T19:34:00Z");
  check({}, "2026-11-21T19:34:00Z");
  check({}, "");
}

// [rss]: under ASan it runs without the quarantine, which keeps freed memory
// resident (docs/sanitizers.md).
TEST_CASE("JUnit: writing 50000 failures does not build the document", "[junit_reporter][rss]") {
  // About 400 MB of XML. A pugixml document of it would raise the peak
  // resident size by more than that; written one testcase at a time the
  // peak stays put. (ru_maxrss only grows, so an earlier, higher peak can
  // only make this pass, never fail spuriously.)
  constexpr int kCases = 50000;
  JunitReporter junit("");
  junit.RunStarting(SampleRunInfo(kCases));
  std::string diff(2048, '<');  // escaped to &lt;: 8 KiB of text each
  for (int i = 0; i < kCases; ++i) {
    junit.CaseFinished(MakeCase("d" + std::to_string(i % 50) + "/" + std::to_string(i) + ".phpt",
                                "a case", Verdict::kFail, "", 1.5, diff));
  }
  long before_kb = MaxRssKb();
  CountingBuffer counter;
  std::ostream out(&counter);
  junit.Render(MakeRunEnd({}, 1), out);
  CHECK(counter.bytes > kCases * 4 * diff.size());
  CHECK(MaxRssKb() - before_kb < 32 * 1024);
}

TEST_CASE("JUnit: WARN&FAIL is a failure, as in run-tests' JUnit; WARN alone passes",
          "[junit_reporter]") {
  CaseResult warn_fail = MakeCase("t/wf.phpt", "Warn and fail", Verdict::kWarn,
                                  "output differs; known flaky here", 3, "001+ a\n001- b\n");
  warn_fail.warn_failed = true;
  CaseResult warn = MakeCase("t/w.phpt", "Warn only", Verdict::kWarn, "Test passed on retry attempt", 3);
  pugi::xml_document doc = Parse(RenderJunit({warn_fail, warn}, 1));
  pugi::xml_node root = doc.child("testsuites");
  CHECK(root.attribute("failures").as_int() == 1);
  CHECK(root.child("testsuite").attribute("failures").as_int() == 1);
  pugi::xml_node failure = Testcase(doc, "t/wf.phpt").child("failure");
  REQUIRE(failure);
  CHECK(std::string(failure.attribute("type").value()) == "warn");
  CHECK(std::string(failure.attribute("message").value()) == "WARN: output differs; known flaky here");
  CHECK(std::string(failure.text().get()) == "001+ a\n001- b\n");
  CHECK_FALSE(Testcase(doc, "t/w.phpt").child("failure"));
  CHECK(Testcase(doc, "t/w.phpt").child("system-out"));
}

TEST_CASE("JUnit: names are unique per suite and classname, as GitLab and GitHub need",
          "[junit_reporter]") {
  // Same title in one directory: php-src has 137 such repeats in Zend/tests.
  std::vector<CaseResult> cases = {MakeCase("d/bug1.phpt", "Bug #1", Verdict::kPass, "", 1),
                                   MakeCase("d/bug1b.phpt", "Bug #1", Verdict::kPass, "", 1),
                                   MakeCase("d/untitled.phpt", "", Verdict::kPass, "", 1)};
  pugi::xml_document doc = Parse(RenderJunit(cases, 1));
  std::set<std::string> seen;
  for (pugi::xpath_node tc : doc.select_nodes("//testcase")) {
    std::string key = std::string(tc.node().parent().attribute("name").value()) + "\n" +
                      tc.node().attribute("classname").value() + "\n" + tc.node().attribute("name").value();
    CHECK(seen.insert(key).second);
  }
  CHECK(seen.size() == 3);
  CHECK(JunitTestName("Bug #1", "d/bug1.phpt") == "Bug #1 [d/bug1.phpt]");
  CHECK(JunitTestName("", "d/untitled.phpt") == "d/untitled.phpt");
}

TEST_CASE("JUnit: a shard's facts as properties of every suite, streamed as saved",
          "[junit_reporter]") {
  std::vector<CaseResult> cases = SampleCases();
  JunitReporter junit("");
  RunInfo info = SampleRunInfo(cases.size());
  info.shard = ShardInfo{2, 4, 40, "0123456789abcdef", 10};
  junit.RunStarting(info);
  for (const CaseResult& r : cases) junit.CaseFinished(r);
  RunEnd end = MakeRunEnd(cases, 61.5);
  end.unfinished = {"tests/lang/never.phpt"};
  std::ostringstream streamed, whole;
  junit.Render(end, streamed);
  pugi::xml_document doc;
  junit.ToDocument(end, &doc);
  doc.save(whole, "  ", pugi::format_default, pugi::encoding_utf8);
  CHECK(streamed.str() == whole.str());
  pugi::xml_document back = Parse(streamed.str());
  int suites = 0;
  for (pugi::xml_node suite : back.child("testsuites").children("testsuite")) {
    ++suites;
    std::map<std::string, std::string> props;
    for (pugi::xml_node p : suite.child("properties").children("property")) {
      props[p.attribute("name").value()] = p.attribute("value").value();
    }
    CHECK(props["phptrun.shard"] == "2/4");
    CHECK(props["phptrun.collected"] == "40");
    CHECK(props["phptrun.digest"] == "0123456789abcdef");
    CHECK(props["phptrun.assigned"] == "10");
    CHECK(props["phptrun.unfinished"] == "tests/lang/never.phpt");
    CHECK(suite.first_child().name() == std::string("properties"));
  }
  CHECK(suites == 5);
}

TEST_CASE("JUnit: a shard without cases still names its shard", "[junit_reporter]") {
  JunitReporter junit("");
  RunInfo info = SampleRunInfo(0);
  info.shard = ShardInfo{4, 4, 3, "00000000000000aa", 0};
  junit.RunStarting(info);
  std::ostringstream out;
  junit.Render(MakeRunEnd({}, 0.1), out);
  pugi::xml_document doc = Parse(out.str());
  pugi::xml_node suite = doc.child("testsuites").child("testsuite");
  REQUIRE(suite);
  CHECK(std::string(suite.attribute("name").value()) == "phptrun");
  CHECK(suite.attribute("tests").as_int() == 0);
  CHECK(std::string(suite.child("properties").child("property").attribute("value").value()) == "4/4");
}
